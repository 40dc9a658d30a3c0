/**
 * One command recorded for learning (`cordon learn`, `cordon deno --learn`): it runs under
 * `cordon run`'s sandbox with the eBPF recorder attached before its `execve`, and the whole
 * process tree's trace (Cordon JSON Lines, with its `# cordon record:` trailer) comes back with
 * the run's result and the recorder's summary. Generating a policy from it is the caller's
 * (`engine/generate_policy.ts`), which also decides whether to trust it (events lost, exec not
 * seen).
 *
 * Requires root, eBPF (the recorder) and the permissions of `runConfined`.
 *
 * @module
 */

import { parsePolicies } from "../../policies/parse.ts";
import { resolvePolicies } from "../../policies/resolve.ts";
import { compilePolicies } from "../../compile/compile.ts";
import type { FilterSet } from "../../compile/filter_set.ts";
import { hostArches, runConfined, type RunOptions, type RunResult } from "./run.ts";
import { Recorder, type RecordSummary, recordTrailer } from "./recorder.ts";
import { concatBytes } from "./trace_buffer.ts";

/**
 * What a command is recorded in by default: the sandbox `cordon run` gives it (namespaces, no
 * Linux capabilities), allowing every call and writes anywhere. Recorded unconfined as root, a
 * command would hold capabilities it will not hold under the learned policy; with no write path
 * at all, `run` would show it a read-only filesystem and its writes would never be seen.
 */
const LEARNING_POLICY = `apiVersion: cordon/v1
kind: Policy
metadata:
  name: cordon-learning
spec:
  defaultAction: allow
  filesystem:
    write: [/]
`;

/**
 * The filter set a learning run applies by default (see the module documentation).
 *
 * @returns The compiled learning policy, for the host's architectures.
 *
 * @example
 * ```ts
 * import { learningSet } from "./record_run.ts";
 * if (learningSet().layers[0]?.defaultAction !== "allow") throw new Error();
 * ```
 */
export function learningSet(): FilterSet {
  const set = parsePolicies(LEARNING_POLICY, "builtin:cordon-learning");
  return compilePolicies(resolvePolicies(set), { arches: hostArches() });
}

/** Options of {@linkcode recordConfined}. */
export interface RecordRunOptions
  extends Pick<RunOptions, "command" | "env" | "extraUnixSockets" | "allowDegraded"> {
  /** The policies the command runs under (default: {@linkcode learningSet}). */
  readonly set?: FilterSet;
  /** The recorder's ring buffer in bytes, a power of two (default the recorder's, 64 MiB). */
  readonly ringBytes?: number;
}

/** What {@linkcode recordConfined} recorded. */
export interface RecordedRun {
  /** The run's result (the command's exit status). */
  readonly run: RunResult;
  /** The recorder's counts: events, lost, processes, whether the `execve` was seen. */
  readonly summary: RecordSummary;
  /** The trace, ending with its `# cordon record:` trailer. */
  readonly trace: Uint8Array;
}

/**
 * Runs `options.command` confined and recorded (see the module documentation). Throws
 * `NotSupportedError` when the recorder cannot be had (no eBPF, not root) and what
 * `runConfined` throws when the command cannot be started.
 *
 * @param options The command and how to run it.
 * @returns The run's result, the recorder's summary and the trace.
 *
 * @example
 * ```ts ignore
 * import { recordConfined } from "./record_run.ts";
 * const { summary, trace } = await recordConfined({ command: ["ls", "-la"] });
 * if (summary.lost > 0) throw new Error("the trace misses calls");
 * ```
 */
export async function recordConfined(options: RecordRunOptions): Promise<RecordedRun> {
  const chunks: Uint8Array[] = [];
  using recorder = Recorder.open((bytes) => chunks.push(bytes.slice()), {
    ...(options.ringBytes === undefined ? {} : { ringBytes: options.ringBytes }),
  });
  const run = await runConfined({
    set: options.set ?? learningSet(),
    command: options.command,
    allowDegraded: options.allowDegraded ?? false,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.extraUnixSockets === undefined
      ? {}
      : { extraUnixSockets: options.extraUnixSockets }),
    beforeStart: (pid) => recorder.attach(pid, options.command),
  });
  const summary = recorder.finish();
  chunks.push(new TextEncoder().encode(recordTrailer(summary, options.command, run.code)));
  return { run, summary, trace: concatBytes(chunks) };
}
