/**
 * A dry run's results as lint-style findings (one per stopped call, undecided call and malformed
 * line), with the sentence that says what stops each call: what `dry-run --format sarif` and the
 * GitHub Action report. Pure.
 *
 * @module
 */

import type { Finding } from "../compile/lint.ts";
import { errnoName } from "../policies/constants.ts";
import type { DryRunFinding, DryRunReport } from "./dry_run.ts";
import { formatLocation } from "../policies/types.ts";

const MECHANISM_NAMES = {
  landlock: "Landlock",
  "cgroup-bpf": "cgroup BPF",
  "read-only-view": "read-only view of a run as root",
} as const;

/**
 * A call as a trace shows it, cut at 200 characters.
 *
 * @example
 * ```ts
 * import { callText } from "./dry_run_findings.ts";
 * if (callText("mkdir", 83, ['"/tmp/x"', "0755"]) !== 'mkdir("/tmp/x", 0755)') throw new Error();
 * ```
 */
export function callText(syscall: string | null, nr: number, args: readonly string[]): string {
  const text = `${syscall ?? `syscall_${nr}`}(${args.join(", ")})`;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/**
 * What stops a call: its action (and errno), the deciding rule, section or default and, with
 * `withLocation`, where it is written.
 *
 * @example
 * ```ts
 * import { stoppedBy } from "./dry_run_findings.ts";
 * const text = stoppedBy({
 *   line: 1, pid: 1, arch: "x86_64", nr: 83, syscall: "mkdir", args: [], action: "deny", errno: 1,
 *   mode: "enforce", ruleId: null, policy: "p", loc: { file: "p.yaml", line: 5, column: 3 },
 * }, true);
 * if (text !== 'deny EPERM (1) by the default action of policy "p" at p.yaml:5:3') throw new Error(text);
 * ```
 */
export function stoppedBy(f: DryRunFinding, withLocation: boolean): string {
  const errno = f.action === "deny" && f.errno !== undefined
    ? ` ${errnoName(f.errno) ?? "errno"} (${f.errno})`
    : "";
  const audit = f.mode === "audit" ? " [audit: reported only]" : "";
  const at = withLocation ? ` at ${formatLocation(f.loc)}` : "";
  if (f.section !== undefined && f.mechanism !== undefined && f.mechanism !== "seccomp") {
    return `${f.action}${errno} by ${f.section} of policy "${f.policy}" (${
      MECHANISM_NAMES[f.mechanism]
    })${at}: ${f.reason ?? ""}${audit}`;
  }
  const who = f.ruleId === null
    ? `the default action of policy "${f.policy}"`
    : `rule "${f.ruleId}" of policy "${f.policy}"`;
  return `${f.action}${errno} by ${who}${at}${audit}`;
}

/**
 * The findings of a dry run of `trace`: errors for the calls the policies stop (located at the
 * deciding rule), warnings for undecided calls and malformed lines (located in the trace).
 *
 * @param report the dry run
 * @param trace the trace's name, as the findings cite it
 * @param withLocation whether each message also names the rule's location (text readers want it;
 *   SARIF viewers show the location apart)
 * @returns the findings, stopped calls first
 *
 * @example
 * ```ts
 * import { dryRunFindings } from "./dry_run_findings.ts";
 * const findings = dryRunFindings({
 *   findings: [], findingsTotal: 0, undecided: [], undecidedTotal: 0, lines: 1, calls: 1,
 *   processes: 1, byRule: [], malformed: [{ line: 3, text: "x", reason: "not a call" }],
 *   malformedTotal: 1, format: "strace", warnings: [],
 * } as never, "t.strace", true);
 * if (findings[0]?.code !== "malformed-trace-line" || findings[0].loc.line !== 3) throw new Error();
 * ```
 */
export function dryRunFindings(
  report: DryRunReport,
  trace: string,
  withLocation: boolean,
): Finding[] {
  return [
    ...report.findings.map((f): Finding => ({
      severity: "error",
      code: `would-${f.action.replace("_", "-")}`,
      message: `${trace}:${f.line}: pid ${f.pid}${f.comm === undefined ? "" : ` (${f.comm})`} ${
        callText(f.syscall, f.nr, f.args)
      } would be stopped: ${stoppedBy(f, withLocation)}`,
      loc: f.loc,
      policy: f.policy,
      ...(f.ruleId === null ? {} : { rule: f.ruleId }),
    })),
    ...report.undecided.map((u): Finding => ({
      severity: "warning",
      code: "undecided-call",
      message: `pid ${u.pid} ${callText(u.syscall, -1, u.args)}: ${
        u.reason ??
          `the decision depends on argument ${u.missing.join(", ")}, which the trace does not show`
      }`,
      loc: { file: trace, line: u.line, column: 1 },
    })),
    ...report.malformed.map((m): Finding => ({
      severity: "warning",
      code: "malformed-trace-line",
      message: `${m.reason}: ${m.text}`,
      loc: { file: trace, line: m.line, column: 1 },
    })),
  ];
}
