/**
 * Cordon's Linux backends, the parts that touch the kernel: the `cordon run` launcher (seccomp,
 * Landlock, cgroup BPF on the command it launches), the eBPF {@linkcode EbpfBackend} and monitor
 * loaded through libbpf FFI, BPF objects, programs, maps, links and ring buffers, feature probes,
 * per-program statistics and the trace recorder. They need `--allow-ffi` (libc, libbpf) and
 * usually root; the policy language, the compiler and the {@linkcode Engine} are in the package's
 * main entry (`.`).
 *
 * @example Probe what this kernel offers
 * ```ts
 * import { FEATURES, probeAllFeatures } from "@cordon/cordon/linux";
 *
 * if (Deno.build.os === "linux") {
 *   const statuses = probeAllFeatures();
 *   if (statuses.length !== FEATURES.length) throw new Error("one status per feature expected");
 *   for (const feature of statuses) console.log(feature.name, feature.status);
 * }
 * ```
 *
 * @module
 */

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
export * from "./backends/linux/kernel_event.ts";
export * from "./backends/linux/proc_facts.ts";
export * from "./bpf/structs.ts";
// What `cordon run --explain` reports (seccomp user notification).
export type {
  DenialCount,
  NotifiedCall,
  SeccompDenial,
  StagedCall,
  StagedCount,
} from "./backends/linux/seccomp_notify.ts";
export type { NetworkDenial, NetworkDenialSummary } from "./backends/linux/net_explain.ts";
export type { LandlockDenial, LandlockDenialSummary } from "./backends/linux/landlock_audit.ts";
export type { ViewDenial, ViewDenialSummary } from "./backends/linux/view_explain.ts";
export type {
  ConfinementDegradation,
  PlannedPrivileges,
  PlannedProcessConfinement,
  WritableMount,
} from "./backends/linux/process_confinement.ts";

// Types of the main entry (`.`) these signatures use, so this entry documents itself.
export type {
  ArchFilter,
  ArgCase,
  ArgTest,
  Decision,
  FilterLayer,
  FilterSet,
  SyscallDecision,
} from "./compile/filter_set.ts";
export type {
  LANDLOCK_ACCESS_FS,
  LANDLOCK_ACCESS_NET,
  LANDLOCK_SCOPE,
  LandlockFsRight,
  LandlockGap,
  LandlockNetRight,
  LandlockPathRule,
  LandlockPortRule,
  LandlockRuleset,
  LandlockScope,
  PathClass,
} from "./compile/landlock.ts";
export type { DeviceAllowance, LayerGuardMaps, UnixAllowance } from "./compile/net_rules.ts";
export type { SeccompProgram } from "./compile/seccomp.ts";
export type { SockFilter } from "./compile/sock_filter.ts";
export type {
  ApplyOptions,
  Backend,
  BackendKind,
  BackendProcess,
  BackendStats,
  EnforcementLevel,
  EnforcementPlan,
  EventInterest,
  EventSink,
  FeatureStatus,
  LayerEnforcement,
  MapInfo,
  MapType,
  ProcessActivity,
  ProgramConfig,
  ProgramInfo,
  ProgramType,
} from "./engine/backend.ts";
export type { ENGINE_ERROR_CODES, EngineError, EngineErrorCode } from "./engine/errors.ts";
export type {
  EngineEvent,
  EventBase,
  EventKind,
  EventVerdict,
  FileEvent,
  FileOp,
  NetworkEvent,
  NetworkOp,
  ProcessEvent,
  ProcessOp,
  SyscallEvent,
} from "./engine/events.ts";
export type {
  Action,
  Arch,
  ArgOp,
  FilesystemRules,
  Limits,
  LocatedName,
  MemoryRules,
  Mode,
  NetworkEndpoint,
  NetworkRules,
  Privileges,
  SourceLocation,
  Target,
  UnixSocketRule,
} from "./policies/types.ts";
