/**
 * Issue 14, `cordon run --explain`: the one report format of a denial, its summary by rule at
 * exit, and the rules that can have killed a command that died of `SIGSYS`.
 *
 * A denial reads `FILE:LINE:COL: syscall(args) [path] denied by RULE (mechanism)`: the location
 * is the deciding rule's, or, for a denial no rule names, the `defaultAction` key's in the policy
 * where it is written (`cordon show builtin:NAME` prints a builtin profile with line numbers).
 *
 * @module
 */

import type { SourceLocation } from "../policies/types.ts";
import { syscallArgKinds } from "../policies/syscalls.ts";
import type { FilterSet } from "../compile/filter_set.ts";
import type { DenialCount, NotifiedCall, SeccompDenial } from "../backends/linux/seccomp_notify.ts";
import type { NetworkDenial } from "../backends/linux/net_explain.ts";
import type { LandlockDenial } from "../backends/linux/landlock_audit.ts";
import { errnoName } from "../policies/constants.ts";
import type { ViewDenial } from "../backends/linux/view_explain.ts";
import type { ExplainSummary, RunResult } from "../backends/linux/run.ts";
import { formatLocation } from "../policies/types.ts";

/** `FILE:LINE:COL`. */
export function where(loc: SourceLocation): string {
  return formatLocation(loc);
}

/** What decided: `rule ID of policy "P"`, or `defaultAction of policy "P"`. */
export function decidedBy(ruleId: string | null, policy: string): string {
  return ruleId === null
    ? `defaultAction of policy ${JSON.stringify(policy)}`
    : `rule ${ruleId} of policy ${JSON.stringify(policy)}`;
}

function formatArg(value: bigint): string {
  return value < 0x10000n ? value.toString() : `0x${value.toString(16)}`;
}

/**
 * The arguments as the filter saw them, as many as the syscall takes (six when unknown): small
 * numbers in decimal, others (addresses, flags words) in hexadecimal.
 */
export function formatArgs(denial: Pick<SeccompDenial, "syscall" | "arch" | "args">): string {
  const count = syscallArgKinds(denial.syscall, denial.arch)?.length ?? 6;
  return denial.args.slice(0, count).map(formatArg).join(", ");
}

/**
 * One denial in the report format.
 *
 * @example
 * ```ts
 * import { formatDenial } from "./explain_report.ts";
 * const line = formatDenial({
 *   pid: 7, comm: "mkdir", arch: "x86_64", nr: 83, syscall: "mkdir",
 *   args: [0x7ffd0000n, 0o777n, 0n, 0n, 0n, 0n], paths: { 0: "/tmp/x" }, errno: 13,
 *   errnoName: "EACCES", ruleId: "no-mkdir", policy: "p",
 *   loc: { file: "p.yaml", line: 9, column: 7 },
 * });
 * if (line !== 'p.yaml:9:7: mkdir(0x7ffd0000, 511) [/tmp/x] denied by rule no-mkdir of ' +
 *   'policy "p" (seccomp: EACCES, pid 7 mkdir)') throw new Error(line);
 * ```
 */
export function formatDenial(denial: SeccompDenial): string {
  const errno = denial.errnoName ?? `errno ${denial.errno}`;
  return `${where(denial.loc)}: ${formatNotifiedCall(denial)} denied by ` +
    `${decidedBy(denial.ruleId, denial.policy)} (seccomp: ${errno}, ${processLabel(denial)})`;
}

/** `pid N comm` (`pid N` when the command name is unknown). */
export function processLabel(process: { readonly pid: number; readonly comm?: string }): string {
  return `pid ${process.pid}${process.comm ? ` ${process.comm}` : ""}`;
}

/** A call the seccomp supervisor received: `syscall(args)`, then ` [paths]` when it read any. */
export function formatNotifiedCall(call: NotifiedCall): string {
  const paths = Object.values(call.paths);
  return `${call.syscall}(${formatArgs(call)})${paths.length ? ` [${paths.join(", ")}]` : ""}`;
}

/** The JSON fields of a call the seccomp supervisor received (arguments in hexadecimal). */
export function notifiedCallFields(call: NotifiedCall): Record<string, unknown> {
  return {
    pid: call.pid,
    ...(call.comm === undefined ? {} : { comm: call.comm }),
    arch: call.arch,
    nr: call.nr,
    syscall: call.syscall,
    args: call.args.map((a) => `0x${a.toString(16)}`),
    paths: call.paths,
  };
}

/** The JSON fields of one denial (`--format json`, event `denial`). */
export function denialFields(denial: SeccompDenial): Record<string, unknown> {
  return {
    mechanism: "seccomp",
    ...notifiedCallFields(denial),
    errno: denial.errno,
    ...(denial.errnoName === undefined ? {} : { errnoName: denial.errnoName }),
    ruleId: denial.ruleId,
    policy: denial.policy,
    loc: denial.loc,
  };
}

/** Text mode prints this many denials of one rule and syscall; the summary counts them all. */
export const TEXT_DENIALS_PER_RULE = 20;

/**
 * Decides which denials text mode prints: the first {@linkcode TEXT_DENIALS_PER_RULE} of each
 * rule and syscall, then one line saying that the rest are counted in the summary.
 *
 * @example
 * ```ts
 * import { textThrottle } from "./explain_report.ts";
 * const shown = textThrottle(2);
 * const d = { ruleId: "r", policy: "p", syscall: "mkdir" };
 * const seen = [shown(d), shown(d), shown(d), shown(d)];
 * if (seen.join() !== "show,show,last,hide") throw new Error(seen.join());
 * ```
 */
export function textThrottle(
  limit = TEXT_DENIALS_PER_RULE,
): (d: Pick<SeccompDenial, "ruleId" | "policy" | "syscall">) => "show" | "last" | "hide" {
  const seen = new Map<string, number>();
  return (d) => {
    const key = `${d.policy}\0${d.ruleId ?? ""}\0${d.syscall}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n <= limit ? "show" : n === limit + 1 ? "last" : "hide";
  };
}

/** The summary lines of `--explain` at exit, in text: a total, then one line per rule. */
export function summaryLines(summary: ExplainSummary): string[] {
  const rules = summary.byRule.length;
  const lines = [
    `explain: ${summary.total} seccomp denial${summary.total === 1 ? "" : "s"}` +
    (rules ? ` by ${rules} rule${rules === 1 ? "" : "s"}` : ""),
  ];
  for (const r of summary.byRule) lines.push(`  ${ruleLine(r)}`);
  const net = summary.network;
  if (net) {
    const by = Object.entries(net.byPolicy).map(([p, n]) => `${JSON.stringify(p)} ${n}`).join(", ");
    lines.push(
      `explain: ${net.total} network denial${net.total === 1 ? "" : "s"}${by ? ` (${by})` : ""}` +
        (net.lost ? `; ${net.lost} more not recorded (ring buffer full)` : ""),
    );
  }
  const ll = summary.landlock;
  if (ll) {
    const by = Object.entries(ll.byPolicy).map(([p, n]) => `${JSON.stringify(p)} ${n}`).join(", ");
    const counted = ll.kernelCounted === undefined
      ? ""
      : ll.kernelCounted === ll.total
      ? ", as the kernel counted"
      : `; the kernel counted ${ll.kernelCounted}`;
    lines.push(
      `explain: ${ll.total} Landlock denial${ll.total === 1 ? "" : "s"}${by ? ` (${by})` : ""}` +
        counted + (ll.lost ? `; ${ll.lost} audit records dropped by the kernel` : ""),
    );
  }
  const view = summary.view;
  if (view) {
    const by = Object.entries(view.byPolicy).map(([p, n]) => `${JSON.stringify(p)} ${n}`)
      .join(", ");
    lines.push(
      `explain: ${view.total} read-only view denial${view.total === 1 ? "" : "s"}` +
        `${by ? ` (${by})` : ""}` +
        (view.lost ? `; ${view.lost} more not recorded (ring buffer full)` : ""),
    );
  }
  return lines;
}

/** What a Landlock denial's section means, for the report. */
const SECTION_TEXT: Readonly<Record<LandlockDenial["section"], string>> = {
  read: "under no filesystem.read path",
  write: "under no filesystem.write path",
  execute: "under no filesystem.execute path",
  network: "no network rule allows the TCP port",
  scope: "outside the sandbox's scope",
};

/**
 * One Landlock denial in the report format: the policy's `filesystem` (or `network`) section
 * location, the call, the path and the blocked rights.
 *
 * @example
 * ```ts
 * import { formatLandlockDenial } from "./explain_report.ts";
 * const line = formatLandlockDenial({
 *   pid: 7, comm: "cat", syscall: "openat", arch: "x86_64", blockers: ["fs.read_file"],
 *   path: "/etc/shadow", section: "read", policy: "p", loc: { file: "p.yaml", line: 6, column: 3 },
 *   errno: 13,
 * });
 * if (line !== 'p.yaml:6:3: openat [/etc/shadow] denied by the filesystem rules of policy "p": ' +
 *   "under no filesystem.read path (Landlock fs.read_file: EACCES, pid 7 cat)") throw new Error(line);
 * ```
 */
export function formatLandlockDenial(denial: LandlockDenial): string {
  const call = denial.syscall ??
    (denial.uringOp === undefined ? "access" : `io_uring op ${denial.uringOp}`);
  const object = denial.path !== undefined
    ? ` [${denial.path}]`
    : denial.address !== undefined
    ? ` [${denial.address}${denial.port === undefined ? "" : `:${denial.port}`}]`
    : "";
  const rules = denial.section === "network" ? "network" : "filesystem";
  const who = denial.pid === undefined
    ? ""
    : `, ${processLabel({ pid: denial.pid, ...(denial.comm ? { comm: denial.comm } : {}) })}`;
  return `${where(denial.loc)}: ${call}${object} denied by the ${rules} rules of policy ` +
    `${JSON.stringify(denial.policy)}: ${SECTION_TEXT[denial.section]} (Landlock ` +
    `${denial.blockers.join(",")}: EACCES${who})`;
}

/** The JSON fields of one Landlock denial (`--format json`, event `denial`). */
export function landlockDenialFields(denial: LandlockDenial): Record<string, unknown> {
  return { mechanism: "Landlock", ...denial };
}

function ruleLine(r: DenialCount): string {
  const by = Object.entries(r.bySyscall).map(([name, n]) => `${name} ${n}`).join(", ");
  return `${where(r.loc)}: ${decidedBy(r.ruleId, r.policy)}: ${r.count} (${by})`;
}

/** A rule that makes the kernel send `SIGSYS` (kill, kill_thread or trap). */
export interface SignalRule {
  /** The rule's id, `null` for a `defaultAction`. */
  readonly ruleId: string | null;
  /** Its policy. */
  readonly policy: string;
  /** Its action. */
  readonly action: string;
  /** Where it is written. */
  readonly loc: SourceLocation;
  /** Syscalls (of the native tables, or all) it decides. */
  readonly syscalls: readonly string[];
}

/**
 * The rules of `set` whose action ends in `SIGSYS` (`kill`, `kill_thread`, `trap`), for the report
 * of a command killed by it (the exit status does not say which call): one entry per rule, with
 * the syscalls it decides on the first compiled architecture.
 *
 * @example
 * ```ts
 * import { sigsysRules } from "./explain_report.ts";
 * if (sigsysRules({ version: 1, layers: [] }).length !== 0) throw new Error();
 * ```
 */
export function sigsysRules(set: FilterSet): SignalRule[] {
  const rules = new Map<string, SignalRule & { syscalls: string[] }>();
  for (const layer of set.layers) {
    const filter = layer.arches[0];
    if (filter === undefined) continue;
    for (const s of filter.syscalls) {
      for (const d of [...s.cases.map((c) => c.decision), s.otherwise]) {
        if (d.action !== "kill" && d.action !== "kill_thread" && d.action !== "trap") continue;
        const key = `${d.policy}\0${d.ruleId ?? ""}\0${where(d.loc)}`;
        let rule = rules.get(key);
        if (rule === undefined) {
          rule = { ruleId: d.ruleId, policy: d.policy, action: d.action, loc: d.loc, syscalls: [] };
          rules.set(key, rule);
        }
        const name = s.name ?? `#${s.nr}`;
        if (!rule.syscalls.includes(name)) rule.syscalls.push(name);
      }
    }
  }
  return [...rules.values()];
}

/** One text line per {@linkcode SignalRule}. */
export function sigsysLines(rules: readonly SignalRule[]): string[] {
  return rules.map((r) => {
    const shown = r.syscalls.slice(0, 8).join(", ") +
      (r.syscalls.length > 8 ? `, … ${r.syscalls.length - 8} more` : "");
    return `  ${where(r.loc)}: ${decidedBy(r.ruleId, r.policy)} (${r.action}: ${shown})`;
  });
}

/**
 * One network denial in the report format: the location is the policy's `network` section (no
 * rule of it allows the endpoint).
 *
 * @example
 * ```ts
 * import { formatNetworkDenial } from "./explain_report.ts";
 * const line = formatNetworkDenial({
 *   pid: 7, tid: 7, comm: "curl", op: "connect", family: "inet", address: "10.0.0.1", port: 80,
 *   protocol: "tcp", policy: "p", loc: { file: "p.yaml", line: 12, column: 3 }, errno: 1,
 * });
 * if (line !== 'p.yaml:12:3: connect(10.0.0.1:80/tcp) denied by the network rules of policy ' +
 *   '"p" (cgroup BPF: EPERM, pid 7 curl)') throw new Error(line);
 * ```
 */
export function formatNetworkDenial(denial: NetworkDenial): string {
  const host = denial.family === "inet6" ? `[${denial.address}]` : denial.address;
  const outcome = denial.errno === 0 ? "audit: allowed" : "EPERM";
  return `${
    where(denial.loc)
  }: ${denial.op}(${host}:${denial.port}/${denial.protocol}) denied by ` +
    `the network rules of policy ${JSON.stringify(denial.policy)} (cgroup BPF: ${outcome}, pid ` +
    `${denial.pid}${denial.comm ? ` ${denial.comm}` : ""})`;
}

/** The JSON fields of one network denial (`--format json`, event `denial`). */
export function networkDenialFields(denial: NetworkDenial): Record<string, unknown> {
  return { mechanism: "cgroup BPF", ...denial };
}

/**
 * One call the read-only view refused, in the report format: the policy's `filesystem` section
 * location, the call with its path arguments, and why.
 *
 * @example
 * ```ts
 * import { formatViewDenial } from "./explain_report.ts";
 * const line = formatViewDenial({
 *   pid: 7, tid: 7, comm: "touch", arch: "x86_64", syscall: "openat", nr: 257, args: [],
 *   paths: { 1: "/etc/x" }, errno: 30, policy: "p", ruleId: "p:filesystem.write",
 *   loc: { file: "p.yaml", line: 6, column: 3 }, reason: "outside the write paths",
 * });
 * if (line !== 'p.yaml:6:3: openat [/etc/x] denied by the filesystem rules of policy "p": ' +
 *   "outside the write paths (read-only view: EROFS, pid 7 touch)") throw new Error(line);
 * ```
 */
export function formatViewDenial(denial: ViewDenial): string {
  const paths = Object.values(denial.paths);
  const object = paths.length ? ` [${paths.join(" -> ")}]` : "";
  const errno = errnoName(denial.errno) ?? `errno ${denial.errno}`;
  return `${where(denial.loc)}: ${denial.syscall}${object} denied by the filesystem rules of ` +
    `policy ${JSON.stringify(denial.policy)}: ${denial.reason} (read-only view: ${errno}, ` +
    `${processLabel(denial)})`;
}

/** The JSON fields of one read-only view denial (`--format json`, event `denial`). */
export function viewDenialFields(denial: ViewDenial): Record<string, unknown> {
  return {
    mechanism: "read-only view",
    ...denial,
    args: denial.args.map((a) => `0x${a.toString(16)}`),
  };
}

/** What `--explain` reports with: a `cordon CMD` reporter (`launch_report.ts`). */
type ExplainReporter = (
  event: string,
  message: string,
  fields?: Record<string, unknown>,
  options?: { text?: boolean },
) => void;

/**
 * The `--explain` callbacks of `cordon run` and `cordon deno`: each seccomp and network denial
 * reported as it happens (in text, the first {@linkcode TEXT_DENIALS_PER_RULE} per rule and
 * syscall, then a line saying the rest are counted; in JSON, every one).
 *
 * @example
 * ```ts ignore
 * import { explainHandlers } from "./explain_report.ts";
 * const handlers = explainHandlers("text", (event, message) => console.error(message));
 * ```
 */
export function explainHandlers(format: "text" | "json", report: ExplainReporter): {
  onDenial(d: SeccompDenial): void;
  onNetworkDenial(d: NetworkDenial): void;
  onLandlockDenial(d: LandlockDenial): void;
  onLandlockUnreported(reason: string): void;
  onViewDenial(d: ViewDenial): void;
  onReadOnlyView(writable: readonly string[], reason: string): void;
} {
  const throttle = textThrottle();
  return {
    onDenial(d: SeccompDenial) {
      if (format === "json") {
        report("denial", formatDenial(d), denialFields(d));
        return;
      }
      const shown = throttle(d);
      if (shown === "show") report("denial", formatDenial(d), denialFields(d));
      else if (shown === "last") {
        report(
          "denial",
          `${where(d.loc)}: further ${d.syscall} denials by ${decidedBy(d.ruleId, d.policy)} ` +
            `are counted in the summary (--format json lists each)`,
        );
      }
    },
    onNetworkDenial(d: NetworkDenial) {
      const shown = format === "json" ? "show" : throttle({ ...d, ruleId: null, syscall: d.op });
      if (shown === "show") report("denial", formatNetworkDenial(d), networkDenialFields(d));
      else if (shown === "last") {
        report(
          "denial",
          `${where(d.loc)}: further ${d.op} denials by the network rules of policy ` +
            `${JSON.stringify(d.policy)} are counted in the summary (--format json lists each)`,
        );
      }
    },
    onLandlockDenial(d: LandlockDenial) {
      const syscall = d.syscall ?? d.blockers.join(",");
      const shown = format === "json"
        ? "show"
        : throttle({ policy: d.policy, ruleId: `landlock:${d.section}`, syscall });
      if (shown === "show") report("denial", formatLandlockDenial(d), landlockDenialFields(d));
      else if (shown === "last") {
        report(
          "denial",
          `${where(d.loc)}: further ${syscall} denials by the filesystem rules of policy ` +
            `${JSON.stringify(d.policy)} are counted in the summary (--format json lists each)`,
        );
      }
    },
    onLandlockUnreported(reason: string) {
      report("explain-notice", `explain: ${reason}`, {
        mechanism: "Landlock",
        unreported: reason,
      });
    },
    onViewDenial(d: ViewDenial) {
      const shown = format === "json" ? "show" : throttle(d);
      if (shown === "show") report("denial", formatViewDenial(d), viewDenialFields(d));
      else if (shown === "last") {
        report(
          "denial",
          `${where(d.loc)}: further ${d.syscall} denials by the read-only view are counted in ` +
            `the summary (--format json lists each)`,
        );
      }
    },
    onReadOnlyView(writable: readonly string[], reason: string) {
      const where = writable.length ? `outside ${writable.join(", ")}` : "everywhere";
      report(
        "explain-notice",
        `explain: the filesystem is read-only ${where} for this command (the view of a run ` +
          `started as root): writes there fail with EROFS before Landlock decides, and are not ` +
          `reported one by one: ${reason}`,
        { mechanism: "read-only view", writable, unreported: reason },
      );
    },
  };
}

/**
 * `--explain` at exit: the denials by rule, and the rules that can have sent a SIGSYS.
 *
 * @example
 * ```ts ignore
 * import { reportExplain } from "./explain_report.ts";
 * reportExplain(result, set, "text", report);
 * ```
 */
export function reportExplain(
  result: Pick<RunResult, "explain" | "signal">,
  set: FilterSet,
  format: "text" | "json",
  report: ExplainReporter,
): void {
  const summary = result.explain;
  if (summary) {
    const [head, ...rules] = summaryLines(summary);
    report("explain", head!, {
      mechanism: "seccomp",
      total: summary.total,
      byRule: summary.byRule,
      ...(summary.network ? { network: summary.network } : {}),
      ...(summary.landlock ? { landlock: summary.landlock } : {}),
      ...(summary.view ? { view: summary.view } : {}),
    });
    if (format === "text") { for (const line of rules) report("explain", line); }
  }
  if (result.signal === "SIGSYS") {
    const rules = sigsysRules(set);
    report(
      "explain",
      `explain: killed by SIGSYS, sent by one of ${rules.length} kill or trap rule` +
        `${rules.length === 1 ? "" : "s"}, or by a call from an architecture not admitted`,
      { mechanism: "seccomp", signal: "SIGSYS", rules },
    );
    if (format === "text") { for (const line of sigsysLines(rules)) report("explain", line); }
  }
}
