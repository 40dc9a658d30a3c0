/**
 * Which processes a policy applies to: matching a {@linkcode ProcessInfo} against a policy's
 * `spec.target`.
 *
 * @module
 */

import type { Target } from "../policies/types.ts";

/**
 * What is known about a process when deciding whether a policy targets it. Fields left out are
 * unknown: a target field that needs them does not match.
 */
export interface ProcessInfo {
  /** The process id (the thread-group id). */
  readonly pid: number;
  /** The kernel's `comm` (at most 15 bytes; longer names are compared on their first 15). */
  readonly comm?: string;
  /** The absolute path of the executable (`/proc/PID/exe`). */
  readonly executable?: string;
  /** The absolute path of the process's cgroup directory, e.g. `/sys/fs/cgroup/web/api`. */
  readonly cgroup?: string;
  /** The real user id. */
  readonly uid?: number;
}

/** The kernel keeps `TASK_COMM_LEN - 1` = 15 bytes of a process name. */
const COMM_LENGTH = 15;

/**
 * Whether a policy with `target` applies to the process `proc`.
 *
 * - No target (`undefined`) means "what `run` launches": such a policy applies to any process it
 *   is asked about, because the caller only asks about processes it launched under the policy.
 * - No process (`undefined`) means "the policy set itself, on no process in particular" (what
 *   `cordon eval` does without process options): every policy applies.
 * - Otherwise every field the target gives must match (AND); within a field's list any entry
 *   may (OR). An empty list matches nothing. A field the process info lacks does not match.
 *   `comms` compare on the first 15 bytes (the kernel truncates `comm`), `cgroups` match the
 *   cgroup and every cgroup below it, `executables` compare exact paths.
 *
 * @param target The policy's `spec.target`.
 * @param proc The process, or `undefined` for none in particular.
 * @returns `true` when the policy applies.
 *
 * @example
 * ```ts
 * import { targetMatches } from "@cordon/cordon";
 * const target = { comms: ["nginx", "node"], uids: [1000] };
 * if (!targetMatches(target, { pid: 7, comm: "node", uid: 1000 })) throw new Error("must match");
 * if (targetMatches(target, { pid: 7, comm: "node", uid: 0 })) throw new Error("uid differs");
 * if (!targetMatches(undefined, { pid: 7 })) throw new Error("no target matches what run launches");
 * ```
 */
export function targetMatches(target: Target | undefined, proc?: ProcessInfo): boolean {
  if (target === undefined || proc === undefined) return true;
  if (target.pids !== undefined && !target.pids.includes(proc.pid)) return false;
  if (target.uids !== undefined && (proc.uid === undefined || !target.uids.includes(proc.uid))) {
    return false;
  }
  if (target.comms !== undefined) {
    const comm = proc.comm;
    if (comm === undefined) return false;
    const own = truncateComm(comm);
    if (!target.comms.some((c) => truncateComm(c) === own)) return false;
  }
  if (target.executables !== undefined) {
    const executable = proc.executable;
    if (executable === undefined || !target.executables.includes(executable)) return false;
  }
  if (target.cgroups !== undefined) {
    const cgroup = proc.cgroup;
    if (cgroup === undefined) return false;
    const own = trimSlashes(cgroup);
    if (!target.cgroups.some((c) => isWithin(own, trimSlashes(c)))) return false;
  }
  return true;
}

function truncateComm(comm: string): string {
  const bytes = new TextEncoder().encode(comm);
  if (bytes.length <= COMM_LENGTH) return comm;
  return new TextDecoder().decode(bytes.subarray(0, COMM_LENGTH));
}

function trimSlashes(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === "/" ? "/" : `${dir}/`);
}
