/**
 * Text forms of engine events and per-process activity summaries, shared by `cordon monitor`
 * and `cordon apply` (their `--format json` writes the events' JSON Lines form instead).
 *
 * @module
 */

import { letsCallRun } from "../policies/types.ts";
import type { ProcessActivity } from "../engine/backend.ts";
import type { EngineEvent, EventVerdict } from "../engine/events.ts";
import { errnoName } from "../policies/constants.ts";
import { formatLocation } from "../policies/types.ts";

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

/**
 * One line for an event: time, pid and comm, then what happened.
 *
 * @example
 * ```ts
 * import { formatEvent } from "./format_events.ts";
 * const line = formatEvent({ kind: "file", time: 0, pid: 7, comm: "cat", op: "open", path: "/etc/hosts", result: 3 });
 * if (!line.includes("open /etc/hosts = 3")) throw new Error(line);
 * ```
 */
export function formatEvent(event: EngineEvent): string {
  const who = `${clock(event.time)} ${event.pid}${event.comm ? ` ${event.comm}` : ""}`;
  switch (event.kind) {
    case "syscall": {
      const name = event.name ?? `#${event.nr}`;
      const arch = event.arch === "x86_64" ? "" : `${event.arch}:`;
      const args = event.args ? `(${event.args.map((a) => `0x${a.toString(16)}`).join(", ")})` : "";
      return `${who} syscall ${arch}${name}${args}${verdictSuffix(event.verdict)}`;
    }
    case "file":
      return `${who} ${event.op} ${event.path}${
        event.result !== undefined ? ` = ${event.result}` : ""
      }` +
        `${event.syscall ? ` [${event.syscall}]` : ""}${verdictSuffix(event.verdict)}`;
    case "network": {
      const where = event.address !== undefined
        ? `${event.family === "inet6" ? `[${event.address}]` : event.address}:${event.port}`
        : event.family;
      return `${who} ${event.op} ${
        event.protocol === "other" ? "" : `${event.protocol} `
      }${where}` +
        `${event.result !== undefined ? ` = ${event.result}` : ""}${
          event.syscall ? ` [${event.syscall}]` : ""
        }${verdictSuffix(event.verdict)}`;
    }
    case "process":
      if (event.op === "fork") return `${who} fork (parent ${event.ppid})`;
      if (event.op === "exec") return `${who} exec ${event.executable ?? ""}`;
      return `${who} exit ${event.signal ?? `code ${event.exitCode ?? "?"}`}`;
  }
}

/**
 * The text form of a policy verdict: the action (with its errno), whether it was applied, the
 * deciding rule with the place it is written, and the policy. In audit mode the action is what
 * would have applied: `would deny EPERM (audit)`.
 *
 * @example
 * ```ts
 * import { formatVerdict } from "./format_events.ts";
 * const text = formatVerdict({
 *   action: "deny", errno: 97, ruleId: "inet-only", policy: "data-job", enforced: false, audit: true,
 *   loc: { file: "data-job.yaml", line: 20, column: 7 },
 * });
 * if (text !== "would deny EAFNOSUPPORT (audit) by inet-only at data-job.yaml:20:7 (policy data-job)") {
 *   throw new Error(text);
 * }
 * ```
 */
export function formatVerdict(v: EventVerdict): string {
  const errno = v.errno !== undefined && v.action === "deny"
    ? ` ${errnoName(v.errno) ?? `errno ${v.errno}`}`
    : "";
  const how = v.audit
    ? `would ${v.action}${errno} (audit)`
    : `${v.action}${errno}${v.enforced || letsCallRun(v.action) ? "" : " (not enforced)"}`;
  const by = v.ruleId ?? `the default of ${v.policy}`;
  const at = v.loc && v.loc.file ? ` at ${formatLocation(v.loc)}` : "";
  return `${how} by ${by}${at} (policy ${v.policy})${v.rateLimited ? " [rate limit]" : ""}`;
}

function verdictSuffix(v: EventVerdict | undefined): string {
  return v ? ` -> ${formatVerdict(v)}` : "";
}

/**
 * A summary of one process: syscall total, the most frequent syscalls, file and network counts.
 *
 * @example
 * ```ts
 * import { formatActivity } from "./format_events.ts";
 * const text = formatActivity({
 *   pid: 7, start: 0, exited: true, syscalls: 3, bySyscall: new Map([["read", 2], ["write", 1]]),
 *   files: [], filesTotal: 0, network: [], networkTotal: 0, exitCode: 0,
 * });
 * if (!text.includes("3 syscalls") || !text.includes("read 2")) throw new Error(text);
 * ```
 */
export function formatActivity(a: ProcessActivity, top = 8): string {
  const counts = [...a.bySyscall.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
  const head = counts.slice(0, top).map(([name, n]) => `${name} ${n}`).join(", ");
  const end = a.exited
    ? (a.signal
      ? ` killed by ${a.signal}`
      : a.exitCode !== undefined
      ? ` exit ${a.exitCode}`
      : " exited")
    : "";
  return `${a.pid}${a.comm ? ` ${a.comm}` : ""}${end}: ${a.syscalls} syscalls` +
    `${head ? ` (${head}${counts.length > top ? ", …" : ""})` : ""}; ` +
    `${a.filesTotal} file events, ${a.networkTotal} network events`;
}

/**
 * The JSON form of an activity summary (maps as objects).
 *
 * @example
 * ```ts
 * import { activityJson } from "./format_events.ts";
 * const j = activityJson({ pid: 1, start: 0, exited: false, syscalls: 1, bySyscall: new Map([["read", 1]]),
 *   files: [], filesTotal: 0, network: [], networkTotal: 0 });
 * if ((j.bySyscall as Record<string, number>).read !== 1) throw new Error();
 * ```
 */
export function activityJson(a: ProcessActivity): Record<string, unknown> {
  return {
    kind: "summary",
    pid: a.pid,
    ...(a.comm !== undefined ? { comm: a.comm } : {}),
    exited: a.exited,
    ...(a.exitCode !== undefined ? { exitCode: a.exitCode } : {}),
    ...(a.signal !== undefined ? { signal: a.signal } : {}),
    syscalls: a.syscalls,
    bySyscall: Object.fromEntries([...a.bySyscall.entries()].sort((x, y) => y[1] - x[1])),
    filesTotal: a.filesTotal,
    networkTotal: a.networkTotal,
  };
}

/** What `cordon apply` reports at detach: the backend's figures and the verdicts it reported. */
export interface ApplyTotals {
  /** Every layer applied was in audit mode (`mode: audit` or `--audit`): nothing was applied. */
  readonly audit: boolean;
  /** Syscalls the kernel counted for the targets. */
  readonly syscallsSeen: number;
  /** Syscall events reported with a verdict. */
  readonly syscallsReported: number;
  /** Processes killed by the kernel's `kill` action. */
  readonly kills: number;
  /** Reported syscalls a policy in audit mode would have killed. */
  readonly syscallsWouldKill: number;
  /** Reported syscalls a policy in audit mode would have denied. */
  readonly syscallsWouldDeny: number;
  /** Network calls the cgroup programs denied (EPERM). */
  readonly networkDenied: number;
  /** Network calls the cgroup programs would have denied (audit mode: they went on). */
  readonly networkWouldDeny: number;
  /** Events lost to a full ring buffer. */
  readonly eventsLost: number;
}

/**
 * Counts the verdicts of reported events into {@linkcode ApplyTotals} (the syscall side; the
 * backend's figures give the rest).
 *
 * @example
 * ```ts
 * import { ApplyTally } from "./format_events.ts";
 * const tally = new ApplyTally();
 * tally.add({ kind: "syscall", time: 0, pid: 1, arch: "x86_64", nr: 41, name: "socket",
 *   verdict: { action: "deny", ruleId: "r", policy: "p", enforced: false, audit: true } });
 * const totals = tally.totals({ syscallsSeen: 10, netWouldDeny: 2 }, true);
 * if (totals.syscallsWouldDeny !== 1 || totals.networkWouldDeny !== 2) throw new Error();
 * ```
 */
export class ApplyTally {
  #reported = 0;
  #wouldKill = 0;
  #wouldDeny = 0;

  /** Counts one delivered event. */
  add(event: EngineEvent): void {
    if (event.kind !== "syscall" || !event.verdict) return;
    this.#reported++;
    if (!event.verdict.audit) return;
    const action = event.verdict.action;
    if (action === "kill" || action === "kill_thread") this.#wouldKill++;
    else if (action !== "log" && action !== "allow") this.#wouldDeny++;
  }

  /** The totals, with the backend's `figures` (`syscallsSeen`, `kills`, `netDenied`, …). */
  totals(figures: Readonly<Record<string, number>>, audit: boolean): ApplyTotals {
    return {
      audit,
      syscallsSeen: figures.syscallsSeen ?? 0,
      syscallsReported: this.#reported,
      kills: figures.kills ?? 0,
      syscallsWouldKill: this.#wouldKill,
      syscallsWouldDeny: this.#wouldDeny,
      networkDenied: figures.netDenied ?? 0,
      networkWouldDeny: figures.netWouldDeny ?? 0,
      eventsLost: figures.ringbufLost ?? 0,
    };
  }
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * One line of `cordon apply` totals. What audit mode only observed is worded as what would have
 * happened (`3 network calls would be denied (audit)`), never as a denial; enforced figures are
 * left out when every layer was in audit mode.
 *
 * @example
 * ```ts
 * import { formatApplyTotals } from "./format_events.ts";
 * const line = formatApplyTotals({
 *   audit: true, syscallsSeen: 400, syscallsReported: 0, kills: 0, syscallsWouldKill: 0,
 *   syscallsWouldDeny: 0, networkDenied: 0, networkWouldDeny: 20, eventsLost: 0,
 * });
 * if (!line.includes("20 network calls would be denied (audit)") || line.includes("denials")) {
 *   throw new Error(line);
 * }
 * ```
 */
export function formatApplyTotals(t: ApplyTotals): string {
  const parts = [
    `${plural(t.syscallsSeen, "syscall")} seen`,
    `${t.syscallsReported} reported by the policies`,
  ];
  if (!t.audit) {
    parts.push(plural(t.kills, "kill"), plural(t.networkDenied, "network denial"));
  }
  if (t.audit || t.syscallsWouldKill) {
    parts.push(`${plural(t.syscallsWouldKill, "call")} would be killed (audit)`);
  }
  if (t.audit || t.syscallsWouldDeny) {
    parts.push(`${plural(t.syscallsWouldDeny, "call")} would be denied (audit)`);
  }
  if (t.audit || t.networkWouldDeny) {
    parts.push(`${plural(t.networkWouldDeny, "network call")} would be denied (audit)`);
  }
  parts.push(`${plural(t.eventsLost, "event")} lost`);
  return parts.join(", ");
}
