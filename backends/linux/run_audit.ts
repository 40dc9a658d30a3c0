/**
 * `cordon run --mode audit` (issue 13, audit-first rollout): runs a command without applying
 * what its policies deny, records everything it does with Cordon's eBPF recorder (the whole
 * process tree), and evaluates the recording against the policies as `cordon run` would enforce
 * them (the dry-run engine: seccomp rules, Landlock paths and ports, cgroup BPF addresses, the
 * read-only view of a run started as root). The result lists exactly what would have been
 * denied, each with its rule's location, and the smallest policy additions that would let it
 * through.
 *
 * The command gets the policies' privileges (capabilities, user, group, devices, signal scope;
 * see `compile/run_modes.ts`), so what those withhold fails as it would under `run`. The audit is
 * complete only when {@linkcode AuditRunResult.complete} holds: no event was lost and the
 * command's `execve` was seen.
 *
 * Requires root (eBPF), `allow-ffi`, `allow-run`, `allow-read`, `allow-write`, `allow-env`.
 *
 * @module
 */

import type { ResolvedPolicy } from "../../policies/types.ts";
import type { FilterSet } from "../../compile/filter_set.ts";
import { compilePolicies } from "../../compile/compile.ts";
import { auditRunPolicies } from "../../compile/run_modes.ts";
import { dryRun, type DryRunReport } from "../../engine/dry_run.ts";
import { type PolicySuggestion, suggestAdditions } from "../../engine/dry_run_suggest.ts";
import { RECORD_RING_BYTES, Recorder, type RecordSummary } from "./recorder.ts";
import { hostArches, runConfined, type RunOptions, type RunResult } from "./run.ts";

/** Options of {@linkcode auditConfined}: those of `runConfined`, with the policies to audit. */
export interface AuditRunOptions
  extends Omit<RunOptions, "set" | "explain" | "landlock" | "enforcedSections"> {
  /** The policies to audit, resolved (`extends` and capability groups expanded). */
  readonly policies: readonly ResolvedPolicy[];
  /** The same policies compiled as `run` would enforce them (the evaluation uses these). */
  readonly set: FilterSet;
  /** Ring-buffer size of the recording (default {@linkcode RECORD_RING_BYTES}). */
  readonly ringBytes?: number;
}

/** What an audit run did and what the policies would have denied. */
export interface AuditRunResult {
  /** The command's run (without the policies' denials). */
  readonly run: RunResult;
  /** What the recording held and could not hold. */
  readonly recording: RecordSummary;
  /** The recording evaluated against the policies: `findings` would have been denied. */
  readonly report: DryRunReport;
  /** Per policy, the additions that would let every finding through (YAML ready to paste). */
  readonly suggestions: readonly PolicySuggestion[];
  /**
   * Whether the report covers everything the command did: no event lost, the command's
   * `execve` seen, no call beyond Cordon's syscall tables left unstreamed.
   */
  readonly complete: boolean;
}

/**
 * Runs `options.command` under the policies' privileges without their denials, records it and
 * reports what the policies would have denied (see the module documentation).
 *
 * @throws {NotSupportedError} When eBPF recording is unavailable (the audit needs it).
 * @throws {LaunchError} And the other errors of `runConfined`.
 *
 * @example
 * ```ts ignore
 * import { auditConfined } from "./run_audit.ts";
 * import { loadPolicies } from "@cordon/cordon/cli";
 * const { resolved, filters } = await loadPolicies(["learned.yaml"]);
 * const audit = await auditConfined({ policies: resolved, set: filters, command: ["ls", "-la"] });
 * for (const f of audit.report.findings) console.log(f.syscall, f.ruleId, f.loc);
 * ```
 */
export async function auditConfined(options: AuditRunOptions): Promise<AuditRunResult> {
  const { policies, set, ringBytes, ...runOptions } = options;
  const arches = options.arches ?? hostArches();
  const permissive = compilePolicies(auditRunPolicies(policies), { arches });
  // The recorder writes whole lines: each chunk decodes on its own.
  const decoder = new TextDecoder();
  const texts: string[] = [];
  using recorder = Recorder.open((bytes) => texts.push(decoder.decode(bytes)), {
    ringBytes: ringBytes ?? RECORD_RING_BYTES,
  });
  const run = await runConfined({
    ...runOptions,
    set: permissive,
    arches,
    beforeStart: async (pid) => {
      recorder.attach(pid, options.command);
      await options.beforeStart?.(pid);
    },
  });
  const recording = recorder.finish();
  const report = await dryRun(set, texts.join("").split("\n"), {
    format: "jsonl",
    maxFindings: Infinity,
    view: Deno.uid() === 0 ? "root" : "user",
    cwd: options.cwd ?? Deno.cwd(),
  });
  return {
    run,
    recording,
    report,
    suggestions: suggestAdditions(report.findings, policies),
    complete: recording.lost === 0 && recording.execSeen && recording.unstreamed === 0,
  };
}
