/**
 * Issue 13, `cordon run --mode audit|staged`: what a staged run allowed and what an audit run
 * found, as report lines (`staged`, `audit` events) and the policy additions ready to paste.
 *
 * @module
 */

import type { ResolvedPolicy } from "../policies/types.ts";
import { callText, stoppedBy } from "../engine/dry_run_findings.ts";
import type { DryRunFinding } from "../engine/dry_run.ts";
import { suggestAdditions } from "../engine/dry_run_suggest.ts";
import type { StagedCall, StagedCount } from "../backends/linux/seccomp_notify.ts";
import type { AuditRunResult } from "../backends/linux/run_audit.ts";
import {
  decidedBy,
  formatNotifiedCall,
  notifiedCallFields,
  processLabel,
  where,
} from "./explain_report.ts";
import type { Report } from "./launch_report.ts";

/** At most this many findings of an audit are printed as text (JSON lists every one). */
const TEXT_FINDINGS = 50;

/**
 * One allowed call of a staged run in the report format: `FILE:LINE:COL: call [path] allowed:
 * no rule covers it, the defaultAction of policy "P" would deny it (pid N comm)`.
 *
 * @example
 * ```ts
 * import { formatStagedCall } from "./run_mode_report.ts";
 * const line = formatStagedCall({
 *   pid: 7, comm: "sh", arch: "x86_64", nr: 83, syscall: "mkdir",
 *   args: [0x7ffd0000n, 0o777n, 0n, 0n, 0n, 0n], paths: { 0: "/tmp/x" },
 *   policies: [{ policy: "p", loc: { file: "p.yaml", line: 6, column: 3 } }],
 * });
 * if (!line.startsWith('p.yaml:6:3: mkdir(0x7ffd0000, 511) [/tmp/x] allowed')) throw new Error(line);
 * ```
 */
export function formatStagedCall(call: StagedCall): string {
  const policies = call.policies.map((p) => JSON.stringify(p.policy)).join(", ");
  return `${where(call.policies[0]!.loc)}: ${formatNotifiedCall(call)} allowed: no rule ` +
    `covers it, the defaultAction of ${call.policies.length > 1 ? "policies" : "policy"} ` +
    `${policies} would deny it (${processLabel(call)}); later ${call.syscall} calls are ` +
    `allowed and counted`;
}

function stagedFields(call: StagedCall): Record<string, unknown> {
  return { ...notifiedCallFields(call), policies: call.policies };
}

/**
 * The `onStaged` handler of a staged run: one `staged` line per syscall, as it is first allowed.
 *
 * @example
 * ```ts
 * import { stagedHandler } from "./run_mode_report.ts";
 * const events: string[] = [];
 * stagedHandler((event) => events.push(event))({
 *   pid: 7, arch: "x86_64", nr: 110, syscall: "getppid", args: [0n, 0n, 0n, 0n, 0n, 0n],
 *   paths: {}, policies: [{ policy: "p", loc: { file: "p.yaml", line: 6, column: 3 } }],
 * });
 * if (events[0] !== "staged") throw new Error();
 * ```
 */
export function stagedHandler(report: Report): (call: StagedCall) => void {
  return (call) => report("staged", `staged: ${formatStagedCall(call)}`, stagedFields(call));
}

/** The staged counts as findings of their default actions, for `suggestAdditions`. */
function stagedFindings(staged: readonly StagedCount[]): (DryRunFinding & { count: number })[] {
  return staged.flatMap((s) =>
    s.first.policies.map((p) => ({
      line: 0,
      pid: s.first.pid,
      arch: s.arch,
      nr: s.nr,
      syscall: s.syscall,
      args: [],
      action: "deny" as const,
      mode: "enforce" as const,
      ruleId: null,
      policy: p.policy,
      loc: p.loc,
      mechanism: "seccomp" as const,
      count: s.count,
    }))
  );
}

/**
 * The summary of a staged run: what no rule covered and was allowed, and the rules that would
 * cover it (one `staged-summary` record; in text, a line per syscall and the YAML).
 *
 * @example
 * ```ts
 * import { reportStaged } from "./run_mode_report.ts";
 * const lines: string[] = [];
 * reportStaged([], [], "text", (_event, text) => lines.push(text));
 * if (!lines[0]?.includes("every call was covered")) throw new Error(lines[0]);
 * ```
 */
export function reportStaged(
  staged: readonly StagedCount[],
  policies: readonly ResolvedPolicy[],
  format: "text" | "json",
  report: Report,
): void {
  const calls = staged.reduce((n, s) => n + s.count, 0);
  const suggestions = suggestAdditions(stagedFindings(staged), policies, (f) => f.count);
  const head = staged.length === 0
    ? "staged: every call was covered by a rule; no call was allowed beyond the policies"
    : `staged: ${staged.length} syscall${staged.length === 1 ? "" : "s"} no rule covers ` +
      `${staged.length === 1 ? "was" : "were"} allowed (${calls} call${calls === 1 ? "" : "s"}): ` +
      staged.map((s) => `${s.syscall} ×${s.count}${s.arch === "x86_64" ? "" : ` (${s.arch})`}`)
        .join(", ");
  report("staged-summary", head, {
    syscalls: staged.map((s) => ({
      arch: s.arch,
      syscall: s.syscall,
      nr: s.nr,
      count: s.count,
      first: stagedFields(s.first),
    })),
    calls,
    suggestions,
  });
  if (format === "text") {
    for (const s of suggestions) report("staged-summary", s.yaml.trimEnd());
  }
}

function findingText(f: DryRunFinding): string {
  const shown = f.path === undefined || f.args.includes(JSON.stringify(f.path));
  const path = shown ? "" : ` [${f.path}]`;
  return `${where(f.loc)}: ${callText(f.syscall, f.nr, f.args)}${path} would be stopped: ` +
    `${stoppedBy(f, false)} (${processLabel(f)})`;
}

/**
 * The report of an audit run: whether it saw everything, each call the policies would have
 * stopped (in text the first 50), by rule, and the additions.
 *
 * @example
 * ```ts ignore
 * import { reportAudit } from "./run_mode_report.ts";
 * reportAudit(await auditConfined(options), "text", report);
 * ```
 */
export function reportAudit(audit: AuditRunResult, format: "text" | "json", report: Report): void {
  const { report: dry, recording } = audit;
  if (!audit.complete) {
    const why = [
      recording.lost > 0
        ? `${recording.lost} events were lost (ring buffer full; re-run with a larger --ring-mb)`
        : "",
      recording.execSeen ? "" : "the command's execve was not seen",
      recording.unstreamed > 0
        ? `${recording.unstreamed} calls beyond Cordon's syscall tables were counted, not seen`
        : "",
    ].filter((s) => s !== "");
    report(
      "audit-incomplete",
      `audit: INCOMPLETE: ${why.join("; ")}: the findings below miss calls`,
      {
        lost: recording.lost,
        execSeen: recording.execSeen,
        unstreamed: recording.unstreamed,
      },
    );
  }
  if (format === "json") {
    for (const f of dry.findings) report("audit-finding", findingText(f), { finding: f });
  } else {
    for (const f of dry.findings.slice(0, TEXT_FINDINGS)) report("audit-finding", findingText(f));
    if (dry.findings.length > TEXT_FINDINGS) {
      report(
        "audit-finding",
        `… ${dry.findings.length - TEXT_FINDINGS} more (--format json lists every one)`,
      );
    }
  }
  const total = dry.findingsTotal;
  const head = total === 0
    ? `audit: the policies would stop no call of this run (${dry.calls} calls, ` +
      `${recording.processes} processes recorded)`
    : `audit: the policies would stop ${total} of this run's ${dry.calls} calls ` +
      `(${recording.processes} processes recorded)`;
  report("audit-summary", head, {
    complete: audit.complete,
    calls: dry.calls,
    processes: recording.processes,
    findings: total,
    byRule: dry.byRule,
    undecidedTotal: dry.undecidedTotal,
    undecided: dry.undecided,
    suggestions: audit.suggestions,
  });
  if (format === "text") {
    for (const r of dry.byRule) {
      const who = decidedBy(r.ruleId, r.policy);
      report(
        "audit-summary",
        `  ${String(r.count).padStart(7)} × ${r.action} by ${who} at ${where(r.loc)}`,
      );
    }
    if (dry.undecidedTotal > 0) {
      report(
        "audit-summary",
        `  ${dry.undecidedTotal} calls could not be decided from what was recorded ` +
          `(--format json lists them)`,
      );
    }
    for (const s of audit.suggestions) report("audit-summary", s.yaml.trimEnd());
  }
}
