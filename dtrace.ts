/**
 * Cordon's tracing-script backend: the {@linkcode DtraceBackend} runs generated D scripts under
 * DTrace (macOS, FreeBSD, illumos) and the {@linkcode BpftraceBackend} the same backend under
 * bpftrace on any OS that has it, parsing the tracer's output into Cordon events. It needs
 * `--allow-run` and the tracer's privileges; the policy language, the compiler (including the D
 * and bpftrace emitters) and the {@linkcode Engine} are in the package's main entry (`.`).
 *
 * @example Ask whether bpftrace can drive the backend here
 * ```ts
 * import { BpftraceBackend } from "@cordon/cordon/dtrace";
 *
 * const probe = await BpftraceBackend.probe();
 * console.log(probe.kind, probe.available, probe.reason);
 * ```
 *
 * @module
 */

export * from "./backends/dtrace/tracer.ts";
export * from "./backends/dtrace/trace_runner.ts";
export * from "./backends/dtrace/dtrace_backend.ts";
export * from "./backends/dtrace/trace_recorder.ts";

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
  TraceEvents,
  TraceRecord,
  TraceRule,
  TraceRuleAction,
  TraceRuleCall,
  TraceScriptSpec,
  TraceTime,
} from "./compile/trace_script.ts";
export type {
  ApplyOptions,
  Backend,
  BackendCreateOptions,
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
