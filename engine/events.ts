/**
 * The events every backend produces and every subscriber receives: syscall, file, network and
 * process events, and their versioned JSON Lines form (one event per line, `"v": 1`), documented
 * in `docs/events.md`. Dry runs replay files in this format; `record` writes it.
 *
 * Times are milliseconds since the Unix epoch (fractional for sub-millisecond precision); a
 * process is identified by `pid` together with `start` (its start time), so that a reused pid is
 * never mistaken for the process that had it before.
 *
 * @module
 */

import type { Action, Arch, SourceLocation } from "../policies/types.ts";
import { EngineError } from "./errors.ts";

/** The version of the JSON Lines event format written by {@linkcode eventToJsonLine}. */
export const EVENT_FORMAT_VERSION = 1;

/** The four kinds of event. */
export type EventKind = "syscall" | "file" | "network" | "process";

/** Every event kind, in a fixed order. */
export const EVENT_KINDS: readonly EventKind[] = ["syscall", "file", "network", "process"];

/** Fields every event has. */
export interface EventBase {
  /** Milliseconds since the Unix epoch. */
  readonly time: number;
  /** The process (thread group) id. */
  readonly pid: number;
  /** The thread id, when known and different from `pid`. */
  readonly tid?: number;
  /** The process's start time (ms since the epoch), when known: `(pid, start)` identifies a process. */
  readonly start?: number;
  /** The command name (at most 15 bytes on Linux), when known. */
  readonly comm?: string;
}

/** The policy decision attached to a syscall event, when a policy was applied. */
export interface EventVerdict {
  /** The action the policy decides. */
  readonly action: Action;
  /** The deciding rule, or `null` when a policy's default decided. */
  readonly ruleId: string | null;
  /** The deciding layer's policy name. */
  readonly policy: string;
  /** The errno a `deny` returns. */
  readonly errno?: number;
  /** Whether the backend applied the action (false: only observed, e.g. audit mode or no mechanism). */
  readonly enforced: boolean;
  /**
   * Set when the decision was made in audit mode (`mode: audit`, or `apply --audit`): `action` is
   * what the policy would have applied, and nothing was applied.
   */
  readonly audit?: boolean;
  /** Set when the call exceeded the policy's `limits.syscallsPerSecond`. */
  readonly rateLimited?: boolean;
  /**
   * For file and network events: the mechanism that decides (`landlock` for paths and TCP port
   * rules, `cgroup-bpf` for addresses); `ruleId` is then `<policy>:<section>`.
   */
  readonly mechanism?: "landlock" | "cgroup-bpf";
  /**
   * Where the deciding rule is written (the policy's `defaultAction` when `ruleId` is `null`);
   * for file and network events, the deciding section.
   */
  readonly loc?: SourceLocation;
}

/** A syscall: entry, or entry and exit when `ret` is known. */
export interface SyscallEvent extends EventBase {
  /** The kind (discriminant). */
  readonly kind: "syscall";
  /** The architecture. */
  readonly arch: Arch;
  /** The number as in `seccomp_data.nr`. */
  readonly nr: number;
  /** The name on `arch`, or `null` for a number the table does not know. */
  readonly name: string | null;
  /** Raw argument values (unsigned 64-bit), when captured. */
  readonly args?: readonly bigint[];
  /** The return value (negative errno on failure), when the exit was seen. */
  readonly ret?: number;
  /** The policy decision, when a policy applies to the process. */
  readonly verdict?: EventVerdict;
}

/** What a file event did. */
export type FileOp =
  | "open"
  | "create"
  | "unlink"
  | "rename"
  | "mkdir"
  | "rmdir"
  | "chmod"
  | "chown"
  | "link"
  | "symlink"
  | "truncate"
  | "exec"
  | "stat"
  | "access";

/** A file-system access. */
export interface FileEvent extends EventBase {
  /** The kind (discriminant). */
  readonly kind: "file";
  /** What happened. */
  readonly op: FileOp;
  /** The file's path. */
  readonly path: string;
  /** For `rename`/`link`/`symlink`: the second path. */
  readonly target?: string;
  /** `open` flags (`O_*`), when known. */
  readonly flags?: number;
  /** The syscall that made the access, when known. */
  readonly syscall?: string;
  /** The result (fd or 0 on success, negative errno on failure), when known. */
  readonly result?: number;
  /** The decision of the applied policies' `filesystem` sections, when one denies the access. */
  readonly verdict?: EventVerdict;
}

/** What a network event did. */
export type NetworkOp = "socket" | "connect" | "bind" | "listen" | "accept" | "send" | "receive";

/** A network operation. */
export interface NetworkEvent extends EventBase {
  /** The kind (discriminant). */
  readonly kind: "network";
  /** What happened. */
  readonly op: NetworkOp;
  /** The address family. */
  readonly family: "inet" | "inet6" | "unix" | "netlink" | "packet" | "other";
  /** The transport protocol. */
  readonly protocol: "tcp" | "udp" | "raw" | "other";
  /** The remote (connect/send/accept) or local (bind/listen) address, or socket path for unix. */
  readonly address?: string;
  /** The port. */
  readonly port?: number;
  /** The syscall that made the operation, when known. */
  readonly syscall?: string;
  /** The result (0 or a fd on success, negative errno on failure), when known. */
  readonly result?: number;
  /** The decision of the applied policies' `network` sections, when one denies the operation. */
  readonly verdict?: EventVerdict;
}

/** A process lifecycle step. */
export type ProcessOp = "fork" | "exec" | "exit";

/** A process lifecycle event: `fork` is reported for the child (`pid`) with its `ppid`. */
export interface ProcessEvent extends EventBase {
  /** The kind (discriminant). */
  readonly kind: "process";
  /** What happened. */
  readonly op: ProcessOp;
  /** For `fork`: the parent. */
  readonly ppid?: number;
  /** For `exec`: the new executable. */
  readonly executable?: string;
  /** For `exec`: the argument vector, when known. */
  readonly argv?: readonly string[];
  /** For `exit`: the exit status, when the process exited normally. */
  readonly exitCode?: number;
  /** For `exit`: the signal that killed the process (`"SIGKILL"`), when it was killed. */
  readonly signal?: string;
}

/** Any event. */
export type EngineEvent = SyscallEvent | FileEvent | NetworkEvent | ProcessEvent;

/** The event type of a kind. */
export type EventOfKind<K extends EventKind> = Extract<EngineEvent, { kind: K }>;

function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? `0x${value.toString(16)}` : value;
}

/**
 * Serialises an event as one line of the JSON Lines format (no trailing newline): `"v"` first,
 * bigints (syscall arguments) as `"0x…"` strings.
 *
 * @example
 * ```ts
 * import { eventToJsonLine } from "@cordon/cordon";
 * const line = eventToJsonLine({
 *   kind: "syscall", time: 1, pid: 7, arch: "x86_64", nr: 1, name: "write", args: [1n, 255n],
 * });
 * if (!line.startsWith('{"v":1,"kind":"syscall"') || !line.includes('"0xff"')) throw new Error(line);
 * ```
 */
export function eventToJsonLine(event: EngineEvent): string {
  return JSON.stringify({ v: EVENT_FORMAT_VERSION, ...event }, jsonValue);
}

function fail(message: string, line: number | undefined): never {
  throw new EngineError(
    "TRACE_MALFORMED",
    line === undefined ? message : `line ${line}: ${message}`,
    line === undefined ? {} : { line },
  );
}

type Json = Record<string, unknown>;

const MECHANISMS = ["landlock", "cgroup-bpf"] as const;

function verdictOf(value: unknown, line: number | undefined): EventVerdict {
  const v = value as Json;
  if (typeof v !== "object" || v === null) fail(`"verdict" must be an object`, line);
  const verdict: { -readonly [K in keyof EventVerdict]: EventVerdict[K] } = {
    action: oneOf(v, "action", ACTION_NAMES, line),
    ruleId: v.ruleId === null ? null : str(v, "ruleId", line, true)!,
    policy: str(v, "policy", line, true)!,
    enforced: v.enforced === true,
  };
  const errno = num(v, "errno", line, false);
  if (errno !== undefined) verdict.errno = errno;
  if (v.rateLimited === true) verdict.rateLimited = true;
  if (v.audit === true) verdict.audit = true;
  if (v.mechanism !== undefined) verdict.mechanism = oneOf(v, "mechanism", MECHANISMS, line);
  const loc = v.loc as Json | undefined;
  if (typeof loc === "object" && loc !== null) {
    const file = str(loc, "file", line, true)!;
    const l = num(loc, "line", line, true)!;
    const column = num(loc, "column", line, true)!;
    verdict.loc = { file, line: l, column };
  }
  return verdict;
}

function num(
  o: Json,
  key: string,
  line: number | undefined,
  required: boolean,
): number | undefined {
  const value = o[key];
  if (value === undefined || value === null) {
    if (required) fail(`missing "${key}"`, line);
    return undefined;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    fail(`"${key}" must be a number, not ${JSON.stringify(value)}`, line);
  }
  return value;
}

function str(
  o: Json,
  key: string,
  line: number | undefined,
  required: boolean,
): string | undefined {
  const value = o[key];
  if (value === undefined || value === null) {
    if (required) fail(`missing "${key}"`, line);
    return undefined;
  }
  if (typeof value !== "string") {
    fail(`"${key}" must be a string, not ${JSON.stringify(value)}`, line);
  }
  return value;
}

function oneOf<T extends string>(
  o: Json,
  key: string,
  choices: readonly T[],
  line: number | undefined,
): T {
  const value = str(o, key, line, true);
  if (!(choices as readonly string[]).includes(value!)) {
    fail(`"${key}" must be one of ${choices.join(", ")}, not "${value}"`, line);
  }
  return value as T;
}

function bigArg(value: unknown, line: number | undefined): bigint {
  if (typeof value === "number" && Number.isInteger(value)) {
    return BigInt.asUintN(64, BigInt(value));
  }
  if (typeof value === "string" && /^(0x[0-9a-f]+|-?\d+)$/i.test(value)) {
    return BigInt.asUintN(64, BigInt(value));
  }
  return fail(
    `syscall argument must be an integer or "0x…" string, not ${JSON.stringify(value)}`,
    line,
  );
}

const ARCH_NAMES = ["x86_64", "i386", "x32", "aarch64"] as const;
const ACTION_NAMES = [
  "allow",
  "log",
  "trace",
  "notify",
  "deny",
  "trap",
  "kill_thread",
  "kill",
] as const;
const FILE_OPS: readonly FileOp[] = [
  "open",
  "create",
  "unlink",
  "rename",
  "mkdir",
  "rmdir",
  "chmod",
  "chown",
  "link",
  "symlink",
  "truncate",
  "exec",
  "stat",
  "access",
];
const NET_OPS: readonly NetworkOp[] = [
  "socket",
  "connect",
  "bind",
  "listen",
  "accept",
  "send",
  "receive",
];
const FAMILIES = ["inet", "inet6", "unix", "netlink", "packet", "other"] as const;
const PROTOCOLS = ["tcp", "udp", "raw", "other"] as const;
const PROCESS_OPS: readonly ProcessOp[] = ["fork", "exec", "exit"];

/** Sets `event[key]` to `value` unless `value` is undefined (the field is absent). */
function setOptional<T, K extends keyof T>(event: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) event[key] = value;
}

/**
 * Parses and validates one JSON Lines event. Unknown fields are ignored (forward compatible
 * within a version); a different `"v"` or a malformed line throws an {@linkcode EngineError}
 * with code `TRACE_MALFORMED` and the line number.
 *
 * @param text one line of JSON
 * @param line the 1-based line number, for error messages
 * @returns the event
 * @example
 * ```ts
 * import { eventFromJsonLine } from "@cordon/cordon";
 * const event = eventFromJsonLine('{"v":1,"kind":"syscall","time":0,"pid":3,"arch":"x86_64","nr":0,"name":"read","args":["0x5"]}');
 * if (event.kind !== "syscall" || event.args?.[0] !== 5n) throw new Error("bad parse");
 * ```
 */
export function eventFromJsonLine(text: string, line?: number): EngineEvent {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (error) {
    return fail(`not JSON: ${(error as Error).message}`, line);
  }
  if (typeof o !== "object" || o === null || Array.isArray(o)) {
    fail("an event must be an object", line);
  }
  const j = o as Json;
  if (j.v !== EVENT_FORMAT_VERSION) {
    fail(
      `unsupported event format version ${JSON.stringify(j.v)} (expected ${EVENT_FORMAT_VERSION})`,
      line,
    );
  }
  const kind = oneOf(j, "kind", EVENT_KINDS, line);
  const base: { -readonly [K in keyof EventBase]: EventBase[K] } = {
    time: num(j, "time", line, true)!,
    pid: num(j, "pid", line, true)!,
  };
  if (!Number.isInteger(base.pid) || base.pid < 0) {
    fail(`"pid" must be a non-negative integer`, line);
  }
  setOptional(base, "tid", num(j, "tid", line, false));
  setOptional(base, "start", num(j, "start", line, false));
  setOptional(base, "comm", str(j, "comm", line, false));
  switch (kind) {
    case "syscall": {
      const arch = oneOf(j, "arch", ARCH_NAMES, line);
      const nr = num(j, "nr", line, true)!;
      if (!Number.isInteger(nr) || nr < 0) fail(`"nr" must be a non-negative integer`, line);
      const name = j.name === null ? null : str(j, "name", line, false) ?? null;
      const event: { -readonly [K in keyof SyscallEvent]: SyscallEvent[K] } = {
        kind,
        ...base,
        arch,
        nr,
        name,
      };
      if (j.args !== undefined) {
        if (!Array.isArray(j.args) || j.args.length > 6) {
          fail(`"args" must be an array of at most 6`, line);
        }
        event.args = (j.args as unknown[]).map((a) => bigArg(a, line));
      }
      setOptional(event, "ret", num(j, "ret", line, false));
      if (j.verdict !== undefined) event.verdict = verdictOf(j.verdict, line);
      return event;
    }
    case "file": {
      const event: { -readonly [K in keyof FileEvent]: FileEvent[K] } = {
        kind,
        ...base,
        op: oneOf(j, "op", FILE_OPS, line),
        path: str(j, "path", line, true)!,
      };
      setOptional(event, "target", str(j, "target", line, false));
      setOptional(event, "flags", num(j, "flags", line, false));
      setOptional(event, "syscall", str(j, "syscall", line, false));
      setOptional(event, "result", num(j, "result", line, false));
      if (j.verdict !== undefined) event.verdict = verdictOf(j.verdict, line);
      return event;
    }
    case "network": {
      const event: { -readonly [K in keyof NetworkEvent]: NetworkEvent[K] } = {
        kind,
        ...base,
        op: oneOf(j, "op", NET_OPS, line),
        family: oneOf(j, "family", FAMILIES, line),
        protocol: oneOf(j, "protocol", PROTOCOLS, line),
      };
      setOptional(event, "address", str(j, "address", line, false));
      setOptional(event, "port", num(j, "port", line, false));
      setOptional(event, "syscall", str(j, "syscall", line, false));
      setOptional(event, "result", num(j, "result", line, false));
      if (j.verdict !== undefined) event.verdict = verdictOf(j.verdict, line);
      return event;
    }
    case "process": {
      const event: { -readonly [K in keyof ProcessEvent]: ProcessEvent[K] } = {
        kind,
        ...base,
        op: oneOf(j, "op", PROCESS_OPS, line),
      };
      setOptional(event, "ppid", num(j, "ppid", line, false));
      setOptional(event, "executable", str(j, "executable", line, false));
      if (j.argv !== undefined) {
        if (!Array.isArray(j.argv) || !j.argv.every((a) => typeof a === "string")) {
          fail(`"argv" must be an array of strings`, line);
        }
        event.argv = j.argv as string[];
      }
      setOptional(event, "exitCode", num(j, "exitCode", line, false));
      setOptional(event, "signal", str(j, "signal", line, false));
      return event;
    }
  }
}
