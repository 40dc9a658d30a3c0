/**
 * The one interface every backend implements (simulation, Linux eBPF, DTrace/bpftrace), and the
 * types it shares with the engine: programs and maps (live objects with an open → load → attach →
 * detach → unload lifecycle), event delivery through an {@linkcode EventSink} (a kernel ring buffer
 * calls it from its poll loop, with lost-event counts), feature reports, and enforcement plans
 * that say honestly what each policy layer gets.
 *
 * The engine owns decisions that are pure functions of the compiled {@linkcode FilterSet}
 * (`checkSyscall`, dry runs); a backend turns the same filter set into live mechanisms and
 * reports what happened.
 *
 * ## Contract for backend modules
 * A backend module exports a class implementing {@linkcode Backend} whose static side satisfies
 * {@linkcode BackendFactory} (`static kind`, `static probe()`, `static create()`):
 * `backends/simulation/simulation_backend.ts` exports `SimulationBackend`,
 * `backends/linux/ebpf_backend.ts` exports `EbpfBackend`, and
 * `backends/dtrace/dtrace_backend.ts` exports `DtraceBackend`. `engine/select_backend.ts` is the
 * only place that chooses between them.
 *
 * ## Lifecycle
 * `create()` → `open(sink)` (loads the backend's default programs, starts delivering events) →
 * `apply()`/`monitorProcess()`/`loadProgram()`… → `close()` (idempotent; releases every program,
 * link, map and ring buffer in reverse order). After `close()`, every method but `close()`,
 * `stats()` and the listings throws an `EngineError` with code `CLOSED`.
 *
 * @module
 */

import type { Arch } from "../policies/types.ts";
import type { FilterSet } from "../compile/filter_set.ts";
import type { EngineEvent, EventKind, FileEvent, NetworkEvent } from "./events.ts";

/** The backends Cordon has. */
export type BackendKind = "simulation" | "linux" | "dtrace";

/**
 * Program types, as in the original design's `ProgramType` (and what each is on Linux: the
 * object, programs and attach points are in `backends/kernel_programs.ts`, generated from the
 * BPF objects). Which event kind each produces is in {@linkcode PROGRAM_EVENT_KIND}.
 */
export const ProgramType = {
  /** `tp_btf/sys_enter`: syscall counts, filter decisions, syscall events. */
  SyscallEntry: "syscall_entry",
  /** `tp_btf/sys_exit`: pending LSM denies, and i386 results where task work is refused. */
  SyscallExit: "syscall_exit",
  /** Socket operations (connect/bind/accept, sends with a destination: their exit tracepoints): addresses, ports, protocols. */
  NetworkSocket: "network_socket",
  /** `cgroup/connect4/6`, `bind4/6`, `sendmsg4/6`: preventive network deny per cgroup. */
  CgroupSocket: "cgroup_socket",
  /** File accesses (paths and results of `open*`, `creat`: their exit tracepoints). */
  FileAccess: "file_access",
  /** `tp_btf/sched_process_exec`. */
  ProcessExec: "process_exec",
  /** `tp_btf/sched_process_fork`. */
  ProcessFork: "process_fork",
  /** `tp_btf/sched_process_exit`: also removes exited processes' map entries. */
  ProcessExit: "process_exit",
  /** BPF LSM hooks (file/exec deny), where the kernel allows them. */
  Lsm: "lsm",
} as const;

/** A program type: one of the values of {@linkcode ProgramType}. */
export type ProgramType = typeof ProgramType[keyof typeof ProgramType];

/** Every program type. */
export const PROGRAM_TYPES: readonly ProgramType[] = Object.values(ProgramType);

/** The event kind a program type produces (`null`: it enforces but produces no events). */
export const PROGRAM_EVENT_KIND: Readonly<Record<ProgramType, EventKind | null>> = {
  syscall_entry: "syscall",
  syscall_exit: "syscall",
  network_socket: "network",
  cgroup_socket: "network",
  file_access: "file",
  process_exec: "process",
  process_fork: "process",
  process_exit: "process",
  lsm: null,
};

/** The original design's `ProgramConfig`: what to load. */
export interface ProgramConfig {
  /** A unique name, e.g. `"syscall_tracer"`. */
  readonly name: string;
  /** The type. */
  readonly type: ProgramType;
  /** Attach to its hook right after loading (default `true`). */
  readonly autoAttach?: boolean;
  /** Whether it produces events and decisions once attached (default `true`). */
  readonly enabled?: boolean;
}

/** A loaded program, as the backend reports it. */
export interface ProgramInfo {
  /** The name. */
  readonly name: string;
  /** The type. */
  readonly type: ProgramType;
  /** Attached to its hook. */
  readonly attached: boolean;
  /** Producing events/decisions (a disabled program stays loaded and attached but is muted). */
  readonly enabled: boolean;
  /** Loaded by the backend itself on `open()` (its default programs). */
  readonly builtin: boolean;
  /** The maps the program uses, by name. */
  readonly maps: readonly string[];
  /** Milliseconds since the epoch. */
  readonly loadedAt: number;
  /** The kernel's program id, when there is a kernel. */
  readonly kernelId?: number;
  /** Where it attaches, e.g. `"tracepoint/raw_syscalls/sys_enter"`. */
  readonly attachPoint?: string;
}

/** Map types, as BPF knows them. */
export type MapType = "hash" | "lru_hash" | "array" | "percpu_array" | "ringbuf" | "task_storage";

/** A live map. */
export interface MapInfo {
  /** The name. */
  readonly name: string;
  /** The type. */
  readonly type: MapType;
  /** Key size in bytes. */
  readonly keySize: number;
  /** Value size in bytes. */
  readonly valueSize: number;
  /** The most entries. */
  readonly maxEntries: number;
  /** Current number of entries (for `ringbuf`: bytes pending). */
  readonly entries: number;
  /** The kernel's map id, when there is a kernel. */
  readonly kernelId?: number;
}

/** A feature probe's answer: three-valued, as cilium/ebpf does it. */
export interface FeatureStatus {
  /** What was probed, e.g. `"BPF ring buffer"`, `"BPF LSM"`, `"cgroup v2"`. */
  readonly name: string;
  /** The probe's answer. */
  readonly status: "available" | "not-supported" | "inconclusive";
  /** Why it is missing or inconclusive (or a detail such as a version when available). */
  readonly detail?: string;
}

/** How a mechanism is realised for one layer. */
export type EnforcementLevel =
  /** The call is stopped before it runs (seccomp, cgroup BPF, LSM). */
  | "prevent"
  /** The process is killed, but only after the call ran (`bpf_send_signal` from a tracepoint). */
  | "kill-after"
  /** Decided and reported, never applied to a real process (simulation, audit mode). */
  | "observe"
  /** The layer does not use this mechanism. */
  | "not-needed";

/** What one layer gets from a backend. */
export interface LayerEnforcement {
  /** The deciding layer's policy name. */
  readonly policy: string;
  /** How syscalls are enforced. */
  readonly syscalls: EnforcementLevel;
  /** How network rules are enforced. */
  readonly network: EnforcementLevel;
  /** How filesystem rules are enforced. */
  readonly filesystem: EnforcementLevel;
  /** How rate limits are enforced. */
  readonly limits: EnforcementLevel;
  /**
   * One message per rule or section the backend cannot enforce as written (sentence case, names
   * the mechanism and the alternative). Empty when the layer is enforced as written.
   */
  readonly degraded: readonly string[];
}

/** A backend's plan for a filter set: computed without changing anything. */
export interface EnforcementPlan {
  /** The backend. */
  readonly backend: BackendKind;
  /** Layers applied. */
  readonly layers: readonly LayerEnforcement[];
}

/** Options of {@linkcode Backend.apply}. */
export interface ApplyOptions {
  /** Apply actions to real processes (false: decide and report only, as in audit mode). */
  readonly enforce: boolean;
}

/** Which events the engine's subscribers want, so a kernel backend streams only those. */
export interface EventInterest {
  /** The kind (discriminant). */
  readonly kinds: ReadonlySet<EventKind>;
}

/**
 * Where a backend delivers events. Calls are synchronous and cheap (the engine copies nothing);
 * a kernel ring buffer's poll callback may call `emit` directly.
 */
export interface EventSink {
  /** Delivers one event. Never throws. */
  emit(event: EngineEvent): void;
  /** Reports events lost before they reached user space (e.g. a full ring buffer). */
  lost(count: number, kind?: EventKind): void;
}

/** A process as the backend knows it. `(pid, start)` identifies it across pid reuse. */
export interface BackendProcess {
  /** The process (thread group) id. */
  readonly pid: number;
  /** Start time, ms since the epoch. */
  readonly start: number;
  /** The parent process id. */
  readonly ppid?: number;
  /** The command name. */
  readonly comm?: string;
  /** The executable's path. */
  readonly executable?: string;
  /** The cgroup path. */
  readonly cgroup?: string;
  /** The real user id. */
  readonly uid?: number;
  /** The architecture. */
  readonly arch?: Arch;
  /** Whether the process has exited. */
  readonly exited: boolean;
}

/** What was collected for one monitored process (one `(pid, start)` instance). */
export interface ProcessActivity extends BackendProcess {
  /** Syscalls counted since monitoring began. */
  readonly syscalls: number;
  /** Counts by syscall name (`"#nr"` for unknown numbers). */
  readonly bySyscall: ReadonlyMap<string, number>;
  /** The most recent file events (bounded); `filesTotal` counts all. */
  readonly files: readonly FileEvent[];
  /** File events ever recorded. */
  readonly filesTotal: number;
  /** The most recent network events (bounded); `networkTotal` counts all. */
  readonly network: readonly NetworkEvent[];
  /** Network events ever recorded. */
  readonly networkTotal: number;
  /** The exit status. */
  readonly exitCode?: number;
  /** The signal that ended the process. */
  readonly signal?: string;
}

/** Backend figures for `stats()`. */
export interface BackendStats {
  /** The kind (discriminant). */
  readonly kind: BackendKind;
  /** Named counters, e.g. `ringbufLost`, `mapUpdates`, `syscallsSeen`. */
  readonly figures: Readonly<Record<string, number>>;
}

/** Options every backend's `create()` accepts. */
export interface BackendCreateOptions {
  /** The architecture syscall numbers are interpreted for when a process does not say (default `x86_64`). */
  readonly arch?: Arch;
  /** Milliseconds-since-epoch clock (the simulation's is injectable for determinism). */
  readonly clock?: () => number;
}

/** The answer of {@linkcode BackendFactory.probe}. */
export interface BackendProbe {
  /** The kind (discriminant). */
  readonly kind: BackendKind;
  /** Whether the backend can be used here. */
  readonly available: boolean;
  /** One line: why it is (un)available, e.g. `"BPF syscall available, BTF at /sys/kernel/btf/vmlinux"`. */
  readonly reason: string;
  /** Feature probe results. */
  readonly features: readonly FeatureStatus[];
}

/**
 * The static side of a backend class: a probe that never throws, and a constructor that opens
 * nothing yet (the engine calls {@linkcode Backend.open}).
 */
export interface BackendFactory {
  /** The kind (discriminant). */
  readonly kind: BackendKind;
  /** Probes the system; never throws (failures are reported as unavailable). */
  probe(): Promise<BackendProbe>;
  /** Creates a backend; throws `EngineError` (`UNSUPPORTED_PLATFORM`, `PERMISSION_DENIED`, …). */
  create(options?: BackendCreateOptions): Promise<Backend>;
}

/**
 * A backend: live programs, maps and event delivery for one engine.
 *
 * @example
 * ```ts
 * import type { Backend } from "@cordon/cordon";
 * import { SimulationBackend } from "@cordon/cordon";
 * const backend: Backend = await SimulationBackend.create();
 * await backend.open({ emit() {}, lost() {} });
 * if (!backend.listPrograms().some((p) => p.type === "syscall_entry")) throw new Error();
 * backend.close();
 * ```
 */
export interface Backend extends Disposable {
  /** The kind (discriminant). */
  readonly kind: BackendKind;
  /** One line for humans, e.g. `"simulation (in-memory)"`. */
  readonly description: string;
  /** Feature probe results (what this backend can use here). */
  features(): readonly FeatureStatus[];
  /** Loads default programs and starts delivering events to `sink`. Called once. */
  open(sink: EventSink): Promise<void>;
  /** What applying `set` would enforce, computed without changing anything. */
  plan(set: FilterSet): EnforcementPlan;
  /**
   * Replaces the applied filter set (an empty set clears it) without a window where neither the
   * old nor the new one applies. On failure the previous set stays applied.
   */
  apply(set: FilterSet, options: ApplyOptions): Promise<void>;
  /** Streams only the event kinds someone wants (counting continues regardless). */
  setInterest(interest: EventInterest): void;
  /** Starts collecting counts and activity for a process (and, on Linux, its future children). */
  monitorProcess(pid: number): Promise<void>;
  /** Stops collecting for a process and forgets what was collected. */
  unmonitorProcess(pid: number): Promise<void>;
  /** Pids currently monitored. */
  monitoredPids(): readonly number[];
  /** The live (or most recent) process with `pid`, if known. */
  process(pid: number): BackendProcess | undefined;
  /** What was collected for the monitored process `pid` (latest instance), if monitored. */
  activity(pid: number): ProcessActivity | undefined;
  /** Loads (and, with `autoAttach`, attaches) a program. */
  loadProgram(config: ProgramConfig): Promise<ProgramInfo>;
  /** Detaches and unloads a program; its maps go when no program uses them. */
  unloadProgram(name: string): Promise<void>;
  /** Attaches a loaded program. */
  attachProgram(name: string): Promise<void>;
  /** Detaches a program (it stays loaded). */
  detachProgram(name: string): Promise<void>;
  /** Enables or mutes a program. */
  setProgramEnabled(name: string, enabled: boolean): Promise<void>;
  /** Loaded programs. */
  listPrograms(): readonly ProgramInfo[];
  /** Live maps. */
  listMaps(): readonly MapInfo[];
  /** Figures. */
  stats(): BackendStats;
  /** Releases everything; idempotent. */
  close(): void;
}
