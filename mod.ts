/**
 * Cordon: declarative YAML sandbox and capability policies compiled into prioritized syscall
 * filter sets, seccomp programs, Landlock rulesets and BPF map contents, and applied for real on
 * Linux: seccomp + Landlock + cgroup BPF on the programs it launches, eBPF monitoring of running
 * processes, and an in-memory simulation for evaluation and CI dry runs.
 *
 * Data flows one way: `policies/` (parse, resolve) → `compile/` (IR, emitters) → `engine/`
 * (the {@linkcode Engine}) → `backends/` (simulation, Linux).
 *
 * Run as a program it is the `cordon` command line: `deno run -A mod.ts --help`. The other entry
 * points: `./linux` (seccomp launcher, Landlock, cgroup BPF, eBPF through libbpf FFI), `./dtrace`
 * (the DTrace/bpftrace tracing-script backend) and `./cli` (the command line as a function, and
 * the SARIF formatter).
 *
 * @example Compile a policy and ask what it decides
 * ```ts
 * import {
 *   compilePolicies,
 *   Evaluator,
 *   parsePolicies,
 *   resolvePolicies,
 *   syscallNumber,
 * } from "@cordon/cordon";
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
export * from "./compile/load_policies.ts";
export * from "./compile/check_policies.ts";
export * from "./compile/emitters.ts";
export * from "./compile/describe_verdict.ts";
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
export * from "./engine/generate_policy.ts";
export * from "./compile/diff_policies.ts";
export * from "./compile/run_modes.ts";
export * from "./compile/run_view.ts";
// The BPF map value layouts the map-content emitters produce (the rest of bpf/structs.ts: ./linux)
export type { ArgCaseValue, ArgTestValue, DecisionValue, NetRuleValue } from "./bpf/structs.ts";

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
export * from "./engine/dry_run_suggest.ts";
export * from "./engine/syscall_baseline.ts";
export * from "./engine/explain.ts";
export * from "./engine/metrics.ts";
export * from "./engine/deno_permissions.ts";
export * from "./engine/deno_runtime.ts";
export * from "./engine/permission_broker.ts";
export * from "./engine/trace/strace_parser.ts";
export * from "./engine/trace/trace_item.ts";
export * from "./engine/trace/jsonl_trace.ts";

// backends/: the simulation (Linux backends: `./linux.ts`; DTrace/bpftrace: `./dtrace.ts`)
export * from "./backends/simulation/simulation_backend.ts";

if (import.meta.main) {
  const { main } = await import("./cli/main.ts");
  Deno.exit(await main(Deno.args));
}
