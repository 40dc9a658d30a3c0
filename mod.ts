/**
 * Cordon: declarative YAML sandbox and capability policies compiled into prioritized syscall
 * filter sets, seccomp programs, Landlock rulesets and BPF map contents, and applied for real on
 * Linux: seccomp + Landlock + cgroup BPF on the programs it launches, eBPF monitoring of running
 * processes, and an in-memory simulation for evaluation and CI dry runs.
 *
 * Data flows one way: `policies/` (parse, resolve) → `compile/` (IR, emitters) → `engine/`
 * (the {@linkcode Engine}) → `backends/` (simulation, Linux).
 *
 * Run as a program it is the `cordon` command line: `deno run -A mod.ts --help`.
 *
 * @example Compile a policy and ask what it decides
 * ```ts
 * import { compilePolicies, Evaluator, parsePolicies, resolvePolicies, syscallNumber } from "./mod.ts";
 *
 * const set = parsePolicies(
 *   [
 *     "apiVersion: cordon/v1",
 *     "kind: Policy",
 *     "metadata: { name: demo }",
 *     "spec:",
 *     "  defaultAction: allow",
 *     "  rules:",
 *     "    - { syscalls: [ptrace], action: kill, priority: 10 }",
 *   ].join("\n"),
 *   "demo.yaml",
 * );
 * const verdict = new Evaluator(compilePolicies(resolvePolicies(set)))
 *   .decide("x86_64", syscallNumber("x86_64", "ptrace")!);
 * if (verdict.action !== "kill") throw new Error(`expected kill, got ${verdict.action}`);
 * ```
 *
 * @module
 */

// policies/: the policy language
export * from "./policies/types.ts";
export * from "./policies/syscalls.ts";
export * from "./policies/constants.ts";
export * from "./policies/errors.ts";
export * from "./policies/parse.ts";
export * from "./policies/load_policy_files.ts";
export * from "./policies/resolve.ts";
export * from "./policies/schema.ts";
export * from "./policies/capability_groups.ts";
export * from "./policies/builtin_profiles.ts";

// compile/: the IR and its emitters (pure, deterministic)
export * from "./compile/filter_set.ts";
export * from "./compile/compile.ts";
export * from "./compile/target.ts";
export * from "./compile/evaluate.ts";
export * from "./compile/emit_ir.ts";
export * from "./compile/trace_script.ts";
export * from "./compile/emit_bpftrace.ts";
export * from "./compile/emit_dtrace.ts";
export * from "./compile/stable_json.ts";
export * from "./compile/summarize_filter_set.ts";
export * from "./compile/lint.ts";
export * from "./compile/lint_paths_network.ts";
export * from "./compile/lint_deno.ts";
export * from "./compile/generate_deno_policy.ts";
export * from "./compile/sock_filter.ts";
export * from "./compile/seccomp.ts";
export * from "./compile/seccomp_asm.ts";
export * from "./compile/bpf_interpreter.ts";
export * from "./compile/oci.ts";
export * from "./compile/landlock.ts";
export * from "./compile/net_rules.ts";
export * from "./compile/bpf_maps.ts";
export * from "./compile/generate_policy.ts";
export * from "./compile/diff_policies.ts";
export * from "./bpf/structs.ts";

// engine/: the Engine, events, backend choice, dry runs
export * from "./engine/errors.ts";
export * from "./engine/backend.ts";
export * from "./engine/events.ts";
export * from "./engine/event_bus.ts";
export * from "./engine/recent_events.ts";
export * from "./engine/rate_limiter.ts";
export * from "./engine/engine.ts";
export * from "./engine/select_backend.ts";
export * from "./engine/dry_run.ts";
export * from "./engine/deno_permissions.ts";
export * from "./engine/permission_broker.ts";
export * from "./engine/trace/strace_parser.ts";
export * from "./engine/trace/trace_item.ts";
export * from "./engine/trace/jsonl_trace.ts";

// backends/: simulation and Linux (the Linux ones require `--allow-ffi` and usually root)
export * from "./backends/simulation/simulation_backend.ts";
export * from "./backends/dtrace/tracer.ts";
export * from "./backends/dtrace/trace_runner.ts";
export * from "./backends/dtrace/dtrace_backend.ts";
export * from "./backends/linux/errors.ts";
export * from "./backends/linux/seccomp_install.ts";
export * from "./backends/linux/launcher.ts";
export * from "./backends/linux/run.ts";
export * from "./backends/linux/landlock.ts";
export * from "./backends/linux/cgroup_net.ts";
export * from "./backends/linux/features.ts";
export * from "./backends/linux/ebpf_backend.ts";
export * from "./backends/linux/ebpf_monitor.ts";
export * from "./backends/linux/bpf_object.ts";
export * from "./backends/linux/bpf_program.ts";
export * from "./backends/linux/bpf_map.ts";
export * from "./backends/linux/bpf_link.ts";
export * from "./backends/linux/ring_buffer.ts";
export * from "./backends/linux/run_monitor.ts";
export * from "./backends/linux/run_limits.ts";
export * from "./backends/linux/bpf_stats.ts";
export * from "./backends/linux/recorder.ts";
export type {
  ConfinementDegradation,
  PlannedPrivileges,
  PlannedProcessConfinement,
  WritableMount,
} from "./backends/linux/process_confinement.ts";

// cli/: the command line as a function, and the SARIF formatter CI users reuse
export { main, VERSION } from "./cli/main.ts";
export * from "./cli/format_sarif.ts";

if (import.meta.main) {
  const { main } = await import("./cli/main.ts");
  Deno.exit(await main(Deno.args));
}
