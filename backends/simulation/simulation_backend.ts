/**
 * The simulation backend: the whole engine in memory, for policy evaluation, dry runs and tests
 * on any machine. Syscalls and events are injected through the `simulate…` methods; decisions
 * come from the compiled {@linkcode FilterSet} through the compiler's {@linkcode Evaluator} (not a
 * second rule engine); programs and maps are in-memory objects with the same lifecycle as the
 * kernel's (load → attach → detach → unload, maps released with their last program). Time comes
 * from an injectable clock, so rate limits are deterministic.
 *
 * "Enforced" here means applied to the simulated process: a `kill` verdict ends it (as seccomp
 * would, with `SIGSYS`); nothing real is ever confined, and {@linkcode SimulationBackend.plan}
 * says so.
 *
 * Programs and maps are the real ones (`backends/kernel_programs.ts`, from the generated specs
 * of the BPF objects): a program type's attach point is its kernel program's ELF section, a
 * loaded program holds its object's maps with their real names, types and sizes, and the
 * simulation keeps its bookkeeping where the kernel keeps it (`procs`, `tasks`, `decisions`,
 * `arg_cases`, `limits`: see `SIMULATED_MAPS` in `simulated_maps.ts`).
 *
 * File and network events are held to the layers' `filesystem` and `network` sections as
 * `cordon run` enforces them (`engine/access_rules.ts`: Landlock paths and TCP ports, cgroup BPF
 * addresses): a denial is reported in the event's `verdict` with its mechanism, and with
 * `enforce` the event's `result` is the errno the kernel gives (`EACCES`, `EPERM`). Relative
 * paths cannot be placed (a simulated process has no working directory) and are not decided.
 *
 * @module
 */

import { type Action, type Arch, strictness } from "../../policies/types.ts";
import { syscallName, syscallNumber } from "../../policies/syscalls.ts";
import type { FilterLayer, FilterSet } from "../../compile/filter_set.ts";
import { intendedAction, isAudited } from "../../compile/filter_set.ts";
import { Evaluator, type Verdict } from "../../compile/evaluate.ts";
import { type ProcessInfo, targetMatches } from "../../compile/target.ts";
import {
  type ApplyOptions,
  type Backend,
  type BackendCreateOptions,
  type BackendProbe,
  type BackendProcess,
  type BackendStats,
  type EnforcementPlan,
  type EventInterest,
  type EventSink,
  type FeatureStatus,
  type LayerEnforcement,
  type MapInfo,
  type ProcessActivity,
  PROGRAM_EVENT_KIND,
  type ProgramConfig,
  type ProgramInfo,
} from "../../engine/backend.ts";
import { EngineError } from "../../engine/errors.ts";
import { ProgramRegistry } from "../program_registry.ts";
import { settle } from "../settle.ts";
import { SimulatedMaps } from "./simulated_maps.ts";
import {
  type EngineEvent,
  EVENT_KINDS,
  type EventKind,
  type EventVerdict,
  type FileEvent,
  type FileOp,
  type NetworkEvent,
  type NetworkOp,
  type ProcessEvent,
  type SyscallEvent,
} from "../../engine/events.ts";
import { commOf, ProcessTable } from "../../engine/process_table.ts";
import {
  type AccessDenial,
  AccessRules,
  fileOpChecks,
  type NetCheck,
} from "../../engine/access_rules.ts";
import { type Clock, RateLimiter } from "../../engine/rate_limiter.ts";
import { BUILTIN_PROGRAMS, kernelProgram } from "../kernel_programs.ts";

/** Options of the simulation backend. */
export interface SimulationOptions extends BackendCreateOptions {
  /** Recent file/network events kept per monitored process (default 256). */
  readonly activityLimit?: number;
  /** Monitor children of monitored processes (default `true`). */
  readonly followChildren?: boolean;
}

/** A process to start with {@linkcode SimulationBackend.simulateSpawn}. */
export interface SpawnOptions {
  /** Default: the next free pid from 1000. */
  readonly pid?: number;
  /** The parent process id. */
  readonly ppid?: number;
  /** The command name. */
  readonly comm?: string;
  /** When given, an `exec` event follows the `fork`. */
  readonly executable?: string;
  /** The argument vector. */
  readonly argv?: readonly string[];
  /** The real user id. */
  readonly uid?: number;
  /** The cgroup path. */
  readonly cgroup?: string;
  /** The architecture. */
  readonly arch?: Arch;
}

/** What a simulated syscall got. */
export interface SimulatedCall {
  /** The verdict applied (after rate limits); `UNCONFINED` when no policy applies. */
  readonly verdict: Verdict;
  /** Whether the call exceeded a `limits.syscallsPerSecond` and the limit's action decided. */
  readonly rateLimited: boolean;
  /** The event emitted (absent when no syscall program is attached and enabled). */
  readonly event?: SyscallEvent;
  /** The call's result as the process sees it: `-errno` for `deny`, else `ret` (default 0). */
  readonly result: number;
  /** Whether the verdict ended the process (`kill`, `kill_thread` ends the thread: the process here). */
  readonly killed: boolean;
}

/** Options of {@linkcode SimulationBackend.simulateSyscall}. */
export interface SyscallOptions {
  /** The call's architecture (default: the process's, else the backend's). */
  readonly arch?: Arch;
  /** The return value when the call is allowed (default 0). */
  readonly ret?: number;
  /** The thread id. */
  readonly tid?: number;
}

/**
 * The programs `open()` loads, attached and enabled: the Linux eBPF backend's builtin programs
 * (`BUILTIN_PROGRAMS` of `backends/kernel_programs.ts`, same names), and one program each for
 * file and network events, named after their type, since the simulation streams those from
 * `open()` on (the eBPF backend streams them as the engine's interest asks, without a program).
 */
export const SIMULATION_DEFAULT_PROGRAMS: readonly ProgramConfig[] = Object.freeze([
  ...BUILTIN_PROGRAMS,
  { name: "file_access", type: "file_access" },
  { name: "network_socket", type: "network_socket" },
]);

const KILLING: ReadonlySet<Action> = new Set(["kill", "kill_thread"]);

interface LimitState {
  readonly layer: number;
  readonly limiter: RateLimiter;
  readonly verdict: Verdict;
}

interface ProcessPolicy {
  readonly evaluator: Evaluator;
  readonly limits: readonly LimitState[];
  /** Indexes of the layers that apply to the process. */
  readonly layers: readonly number[];
}

export type { AccessDenial, AccessMechanism } from "../../engine/access_rules.ts";

/** What a layer's `filesystem` or `network` section decides for a simulated access. */
export interface AccessVerdict {
  /** Whether every applicable layer allows it (also `true` when it cannot be decided). */
  readonly allowed: boolean;
  /** The denial, when a layer denies it. */
  readonly denial?: AccessDenial;
  /** Why it cannot be decided (a relative path, an address that is not IP). */
  readonly undecided?: string;
}

/**
 * The simulation backend.
 *
 * @example
 * ```ts
 * import { SimulationBackend } from "@cordon/cordon";
 * import { compilePolicies } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const set = compilePolicies([{
 *   name: "p", defaultAction: "allow", defaultErrno: 1, mode: "enforce", loc,
 *   rules: [{
 *     id: "no-write", policy: "p", origin: "rule", action: "deny", priority: 0, args: [], loc,
 *     syscalls: [{ kind: "name", name: "write", loc }],
 *   }],
 * }], { arches: ["x86_64"] });
 * using sim = await SimulationBackend.create({ clock: () => 0 });
 * const events: string[] = [];
 * await sim.open({ emit: (e) => events.push(e.kind), lost() {} });
 * await sim.apply(set, { enforce: true });
 * const child = sim.simulateSpawn({ comm: "app" });
 * const call = sim.simulateSyscall(child.pid, "write", [1n, 0n, 3n]);
 * if (call.verdict.ruleId !== "no-write" || call.result !== -1) throw new Error();
 * if (events.join() !== "process,syscall") throw new Error(events.join());
 * ```
 */
export class SimulationBackend implements Backend {
  /** The kind, for {@linkcode BackendFactory}. */
  static readonly kind = "simulation" as const;

  /**
   * Always available.
   *
   * @example
   * ```ts
   * import { SimulationBackend } from "@cordon/cordon";
   * if (!(await SimulationBackend.probe()).available) throw new Error();
   * ```
   */
  static probe(): Promise<BackendProbe> {
    return Promise.resolve({
      kind: "simulation",
      available: true,
      reason: "in-memory simulation is always available (it observes and decides, never enforces)",
      features: [{ name: "in-memory simulation", status: "available" }],
    });
  }

  /**
   * Creates a simulation backend.
   *
   * @example
   * ```ts
   * import { SimulationBackend } from "@cordon/cordon";
   * using sim = await SimulationBackend.create({ arch: "aarch64" });
   * if (sim.kind !== "simulation") throw new Error();
   * ```
   */
  static create(options: SimulationOptions = {}): Promise<SimulationBackend> {
    return Promise.resolve(new SimulationBackend(options));
  }

  /** The kind (discriminant). */
  readonly kind = "simulation" as const;
  readonly description =
    "simulation (in-memory; decides and reports, never confines a real process)";
  readonly #arch: Arch;
  readonly #clock: Clock;
  readonly #table: ProcessTable;
  #sink: EventSink | undefined;
  #closed = false;
  #set: FilterSet = { version: 1, layers: [] };
  #enforce = false;
  #byPid = new Map<number, ProcessPolicy>();
  #bySignature = new Map<string, Evaluator>();
  #access: AccessRules | undefined;
  #limiters = new Map<number, RateLimiter>();
  readonly #programs = new ProgramRegistry();
  #nextId = 1;
  readonly #maps = new SimulatedMaps(() => this.#nextId++);
  #nextPid = 1000;
  #active: Record<EventKind, boolean> = {
    syscall: false,
    file: false,
    network: false,
    process: false,
  };
  #interest: ReadonlySet<EventKind> = new Set(EVENT_KINDS);
  readonly #figures = {
    syscalls: 0,
    denied: 0,
    killed: 0,
    rateLimited: 0,
    eventsEmitted: 0,
    eventsFiltered: 0,
    mapUpdates: 0,
    applies: 0,
  };

  /**
   * Creates a simulation backend (not yet open).
   *
   * @param options architecture, clock, activity bounds */
  constructor(options: SimulationOptions = {}) {
    this.#arch = options.arch ?? "x86_64";
    this.#clock = options.clock ?? Date.now;
    this.#table = new ProcessTable({
      ...(options.activityLimit === undefined ? {} : { activityLimit: options.activityLimit }),
      ...(options.followChildren === undefined ? {} : { followChildren: options.followChildren }),
    });
  }

  #live(): void {
    if (this.#closed) throw new EngineError("CLOSED", "The simulation backend is closed");
  }

  /** Runs `work` on the open backend: what it returns resolves; what it throws rejects. */
  #settle<T>(work: () => T): Promise<T> {
    return settle(() => {
      this.#live();
      return work();
    });
  }

  features(): readonly FeatureStatus[] {
    return [
      { name: "in-memory simulation", status: "available" },
      {
        name: "enforcement on real processes",
        status: "not-supported",
        detail: "the simulation decides and reports only",
      },
    ];
  }

  open(sink: EventSink): Promise<void> {
    return this.#settle(() => {
      if (this.#sink !== undefined) {
        throw new EngineError("INVALID_ARGUMENT", "Backend is already open");
      }
      this.#sink = sink;
      for (const config of SIMULATION_DEFAULT_PROGRAMS) this.#load(config, true);
    });
  }

  plan(set: FilterSet): EnforcementPlan {
    const layers = set.layers.map((layer): LayerEnforcement => {
      const needsNetwork = layer.network !== undefined &&
        (layer.network.connect.length > 0 || layer.network.bind.length > 0);
      const needsFs = layer.filesystem !== undefined;
      const needsLimits = layer.limits?.syscallsPerSecond !== undefined;
      const degraded = [
        `Policy "${layer.policy}": the simulation backend decides syscalls but confines no real process; use \`cordon run\` or the linux backend to enforce`,
      ];
      if (needsNetwork || needsFs) {
        degraded.push(
          `Policy "${layer.policy}": ${
            needsFs && needsNetwork ? "filesystem and network" : needsFs ? "filesystem" : "network"
          } rules decide simulated file and network events as Landlock and cgroup BPF would; nothing real is confined`,
        );
      }
      return {
        policy: layer.policy,
        syscalls: "observe",
        network: needsNetwork ? "observe" : "not-needed",
        filesystem: needsFs ? "observe" : "not-needed",
        limits: needsLimits ? "observe" : "not-needed",
        degraded,
      };
    });
    return { backend: "simulation", layers };
  }

  apply(set: FilterSet, options: ApplyOptions): Promise<void> {
    this.#live();
    if (set.version !== 1) {
      return Promise.reject(
        new EngineError("POLICY_INVALID", `Unsupported filter set version ${String(set.version)}`),
      );
    }
    // Build everything first: a failure leaves the previous set applied.
    const limiters = new Map<number, RateLimiter>();
    set.layers.forEach((layer, index) => {
      const limit = layer.limits?.syscallsPerSecond;
      if (limit !== undefined) {
        limiters.set(index, new RateLimiter({ perSecond: limit.max, clock: this.#clock }));
      }
    });
    const access = AccessRules.of(set);
    this.#set = set;
    this.#access = access;
    this.#enforce = options.enforce;
    this.#limiters = limiters;
    this.#byPid = new Map();
    this.#bySignature = new Map();
    this.#figures.applies++;
    this.#figures.mapUpdates += this.#maps.writeDecisions(set);
    return Promise.resolve();
  }

  setInterest(interest: EventInterest): void {
    this.#interest = new Set(interest.kinds);
  }

  monitorProcess(pid: number): Promise<void> {
    this.#live();
    try {
      this.#table.monitor(pid);
    } catch (error) {
      return Promise.reject(error);
    }
    const proc = this.#table.get(pid);
    if (proc !== undefined) {
      this.#maps.procsEntry(proc).total = 0;
      this.#figures.mapUpdates++;
    }
    return Promise.resolve();
  }

  unmonitorProcess(pid: number): Promise<void> {
    this.#live();
    try {
      this.#table.unmonitor(pid);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#maps.deleteTasks(pid);
    return Promise.resolve();
  }

  monitoredPids(): readonly number[] {
    return this.#table.monitoredPids();
  }

  process(pid: number): BackendProcess | undefined {
    return this.#table.get(pid);
  }

  activity(pid: number): ProcessActivity | undefined {
    return this.#table.activity(pid);
  }

  // ---- programs and maps ----

  #load(config: ProgramConfig, builtin: boolean): ProgramInfo {
    this.#programs.checkNew(config);
    // The kernel program of the type and its object's maps, as the BPF object declares them. A
    // map two objects declare (lsm_pending) is one map, as the eBPF backend shares it by fd.
    const kernel = kernelProgram(config.type);
    this.#maps.hold(kernel.maps);
    const info: ProgramInfo = {
      name: config.name,
      type: config.type,
      attached: config.autoAttach ?? true,
      enabled: config.enabled ?? true,
      builtin,
      maps: kernel.maps.map((m) => m.name),
      loadedAt: this.#clock(),
      kernelId: this.#nextId++,
      attachPoint: kernel.attachPoint,
    };
    this.#programs.add(info);
    this.#refreshActive();
    return info;
  }

  #refreshActive(): void {
    const active: Record<EventKind, boolean> = {
      syscall: false,
      file: false,
      network: false,
      process: false,
    };
    for (const p of this.#programs.list()) {
      const kind = PROGRAM_EVENT_KIND[p.type];
      if (kind !== null && p.attached && p.enabled) active[kind] = true;
    }
    this.#active = active;
  }

  loadProgram(config: ProgramConfig): Promise<ProgramInfo> {
    return this.#settle(() => this.#load(config, false));
  }

  unloadProgram(name: string): Promise<void> {
    return this.#settle(() => {
      const program = this.#programs.remove(name);
      this.#maps.release(program.maps);
      this.#refreshActive();
    });
  }

  /** Attaches a loaded program. */
  attachProgram(name: string): Promise<void> {
    return this.#settle(() => {
      this.#programs.attach(name);
      this.#refreshActive();
    });
  }

  /** Detaches a program (it stays loaded). */
  detachProgram(name: string): Promise<void> {
    return this.#settle(() => {
      this.#programs.detach(name);
      this.#refreshActive();
    });
  }

  /** Enables or mutes a program. */
  setProgramEnabled(name: string, enabled: boolean): Promise<void> {
    return this.#settle(() => {
      this.#programs.setEnabled(name, enabled);
      this.#refreshActive();
    });
  }

  /** Loaded programs. */
  listPrograms(): readonly ProgramInfo[] {
    return this.#programs.list();
  }

  /** Live maps. */
  listMaps(): readonly MapInfo[] {
    return this.#maps.list();
  }

  /** Figures. */
  stats(): BackendStats {
    return {
      kind: "simulation",
      figures: {
        ...this.#figures,
        processes: this.#table.size,
        monitored: this.#table.monitoredPids().length,
        programs: this.#programs.size,
        maps: this.#maps.size,
        layers: this.#set.layers.length,
      },
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#programs.clear();
    this.#maps.clear();
    this.#sink = undefined;
    this.#refreshActive();
  }

  /** Same as `close()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  // ---- simulation API ----

  #emit(event: EngineEvent): void {
    if (!this.#interest.has(event.kind)) {
      this.#figures.eventsFiltered++;
      return;
    }
    this.#figures.eventsEmitted++;
    this.#sink?.emit(event);
  }

  #ensure(pid: number): BackendProcess {
    if (!Number.isInteger(pid) || pid < 0) {
      throw new EngineError("INVALID_ARGUMENT", `A pid must be a non-negative integer, not ${pid}`);
    }
    const known = this.#table.get(pid);
    if (known !== undefined) {
      if (known.exited) {
        throw new EngineError(
          "PROCESS_NOT_FOUND",
          `Process ${pid} has exited; spawn a new one to reuse the pid`,
          { subject: String(pid) },
        );
      }
      return known;
    }
    this.#table.add({ pid, start: this.#clock() });
    const proc = this.#table.get(pid)!;
    this.#maps.procsEntry(proc);
    return proc;
  }

  /**
   * Starts a simulated process (a `fork` event, then an `exec` event when an executable is
   * given). A pid whose previous process exited is reused as a new process.
   *
   * @returns the process
   * @throws {EngineError} `INVALID_ARGUMENT` when a live process already has the pid
   */
  simulateSpawn(options: SpawnOptions = {}): BackendProcess {
    this.#live();
    let pid = options.pid;
    if (pid === undefined) {
      while (this.#table.isLive(this.#nextPid)) this.#nextPid++;
      pid = this.#nextPid++;
    }
    if (!Number.isInteger(pid) || pid <= 0) {
      throw new EngineError("INVALID_ARGUMENT", `A pid must be a positive integer, not ${pid}`);
    }
    if (this.#table.isLive(pid)) {
      throw new EngineError("INVALID_ARGUMENT", `Process ${pid} is already running`, {
        subject: String(pid),
      });
    }
    const previous = this.#table.get(pid);
    let start = this.#clock();
    // Two processes with one pid never share a start time, even with a frozen clock.
    if (previous !== undefined && previous.start >= start) start = previous.start + 0.001;
    const comm = options.comm ?? (options.executable ? commOf(options.executable) : undefined);
    this.#table.add({
      pid,
      start,
      ...(options.ppid === undefined ? {} : { ppid: options.ppid }),
      ...(comm === undefined ? {} : { comm }),
      ...(options.uid === undefined ? {} : { uid: options.uid }),
      ...(options.cgroup === undefined ? {} : { cgroup: options.cgroup }),
      ...(options.arch === undefined ? {} : { arch: options.arch }),
    });
    this.#forget(pid);
    const proc = this.#table.get(pid)!;
    this.#maps.procsEntry(proc);
    if (this.#active.process) {
      this.#emit({
        kind: "process",
        op: "fork",
        time: start,
        pid,
        start,
        ...(options.ppid === undefined ? {} : { ppid: options.ppid }),
        ...(comm === undefined ? {} : { comm }),
      });
    }
    if (options.executable !== undefined) {
      this.simulateExec(pid, options.executable, options.argv ?? [options.executable]);
    }
    return this.#table.get(pid)!;
  }

  /** Simulates a successful `execve`: the process's executable and command name change. */
  simulateExec(pid: number, executable: string, argv: readonly string[] = [executable]): void {
    this.#live();
    const proc = this.#ensure(pid);
    this.#table.exec(pid, executable);
    this.#forget(pid);
    this.#maps.procsEntry(proc).comm = commOf(executable);
    const now = this.#clock();
    if (this.#active.process) {
      this.#emit({
        kind: "process",
        op: "exec",
        time: now,
        pid,
        start: proc.start,
        comm: commOf(executable),
        executable,
        argv,
      });
    }
    if (this.#active.file) {
      this.#recordFile({
        kind: "file",
        op: "exec",
        time: now,
        pid,
        start: proc.start,
        comm: commOf(executable),
        path: executable,
        syscall: "execve",
        result: 0,
      }, proc.start);
    }
  }

  /** Simulates a process exit (normal with `exitCode`, or by `signal`). */
  simulateExit(pid: number, status: { exitCode?: number; signal?: string } = {}): void {
    this.#live();
    const proc = this.#ensure(pid);
    this.#table.exit(pid, status.exitCode, status.signal);
    this.#forget(pid);
    this.#maps.deleteProc(pid);
    this.#maps.deleteTasks(pid);
    if (this.#active.process) {
      this.#emit({
        kind: "process",
        op: "exit",
        time: this.#clock(),
        pid,
        start: proc.start,
        ...(proc.comm === undefined ? {} : { comm: proc.comm }),
        ...(status.exitCode === undefined ? {} : { exitCode: status.exitCode }),
        ...(status.signal === undefined ? {} : { signal: status.signal }),
      });
    }
  }

  #forget(pid: number): void {
    this.#byPid.delete(pid);
    for (const limiter of this.#limiters.values()) limiter.forget(pid);
  }

  #policyFor(pid: number, proc: BackendProcess): ProcessPolicy {
    let policy = this.#byPid.get(pid);
    if (policy !== undefined) return policy;
    const info: ProcessInfo = toProcessInfo(proc);
    const matching: number[] = [];
    this.#set.layers.forEach((layer, index) => {
      if (targetMatches(layer.target, info)) matching.push(index);
    });
    const signature = matching.join(",");
    let evaluator = this.#bySignature.get(signature);
    if (evaluator === undefined) {
      evaluator = new Evaluator(this.#set, info);
      this.#bySignature.set(signature, evaluator);
    }
    const limits: LimitState[] = [];
    for (const index of matching) {
      const limiter = this.#limiters.get(index);
      if (limiter !== undefined) {
        limits.push({
          layer: index,
          limiter,
          verdict: limitVerdict(this.#set.layers[index]!, index),
        });
      }
    }
    policy = { evaluator, limits, layers: matching };
    this.#byPid.set(pid, policy);
    return policy;
  }

  /**
   * Simulates one syscall of `pid` (an unknown pid is a new process): decides it through the
   * applied filter set and rate limits, counts it, emits a syscall event, and applies the verdict
   * to the simulated process (`kill` ends it).
   *
   * @param pid the calling process
   * @param syscall a name, or a number on the call's architecture
   * @param args raw arguments
   * @param options architecture, return value, thread id
   * @throws {EngineError} `UNKNOWN_SYSCALL` for a name the architecture lacks;
   *   `PROCESS_NOT_FOUND` for a pid whose process exited
   */
  simulateSyscall(
    pid: number,
    syscall: string | number,
    args?: readonly bigint[],
    options: SyscallOptions = {},
  ): SimulatedCall {
    this.#live();
    const proc = this.#ensure(pid);
    const arch = options.arch ?? proc.arch ?? this.#arch;
    let nr: number;
    let name: string | null;
    if (typeof syscall === "number") {
      if (!Number.isInteger(syscall) || syscall < 0) {
        throw new EngineError("UNKNOWN_SYSCALL", `Syscall number ${syscall} is not valid`);
      }
      nr = syscall;
      name = syscallName(arch, nr) ?? null;
    } else {
      const found = syscallNumber(arch, syscall);
      if (found === undefined) {
        throw new EngineError("UNKNOWN_SYSCALL", `Unknown syscall "${syscall}" on ${arch}`, {
          subject: syscall,
        });
      }
      nr = found;
      name = syscall;
    }
    this.#figures.syscalls++;
    const policy = this.#policyFor(pid, proc);
    let verdict = policy.evaluator.decide(arch, nr, args);
    let rateLimited = false;
    for (const limit of policy.limits) {
      if (!limit.limiter.take(pid)) {
        rateLimited = true;
        this.#figures.rateLimited++;
        if (strictness(limit.verdict.action) > strictness(verdict.action)) verdict = limit.verdict;
      }
    }
    const counting = this.#active.syscall;
    if (counting) {
      this.#table.countSyscall(pid, proc.start, name ?? `#${nr}`);
      if (this.#table.isMonitored(pid, proc.start)) this.#count(proc, options.tid ?? pid);
    }
    const applies = this.#enforce && verdict.layer !== null;
    const killed = applies && KILLING.has(verdict.action);
    const denied = applies && verdict.action === "deny";
    if (denied) this.#figures.denied++;
    const result = denied ? -(verdict.errno ?? 1) : options.ret ?? 0;
    let event: SyscallEvent | undefined;
    if (counting && this.#interest.has("syscall")) {
      const base: { -readonly [K in keyof SyscallEvent]: SyscallEvent[K] } = {
        kind: "syscall",
        time: this.#clock(),
        pid,
        start: proc.start,
        arch,
        nr,
        name,
      };
      if (options.tid !== undefined) base.tid = options.tid;
      if (proc.comm !== undefined) base.comm = proc.comm;
      if (args !== undefined) base.args = args;
      if (!killed) base.ret = result;
      if (verdict.layer !== null) base.verdict = eventVerdict(verdict, applies, rateLimited);
      event = base;
      this.#emit(event);
    }
    if (killed) {
      this.#figures.killed++;
      this.simulateExit(pid, { signal: "SIGSYS" });
    }
    return {
      verdict,
      rateLimited,
      ...(event === undefined ? {} : { event }),
      result,
      killed,
    };
  }

  /** Counts a syscall of monitored `proc`'s thread `tid` in `procs` and `tasks`. */
  #count(proc: BackendProcess, tid: number): void {
    this.#maps.procsEntry(proc).total++;
    this.#maps.countTask(proc, tid);
  }

  #recordFile(event: FileEvent, start: number): void {
    this.#table.recordFile(event, start);
    this.#emit(event);
  }

  #accessVerdict(denial: AccessDenial): EventVerdict {
    return {
      action: "deny",
      ruleId: denial.ruleId,
      policy: denial.policy,
      errno: denial.errno,
      enforced: this.#enforce && denial.mode === "enforce",
      ...(denial.mode === "audit" ? { audit: true } : {}),
      mechanism: denial.mechanism,
      loc: denial.loc,
    };
  }

  /**
   * What the applied policies' `filesystem` sections decide for a file access of `pid` (as
   * Landlock would under `cordon run`), without simulating it. Relative paths are undecided.
   *
   * @param pid the process
   * @param op the operation (`open` with `flags`, `create`, `unlink`, `rename` with `target`, …)
   * @param path the absolute path
   * @param details `open` flags, the second path of `rename`/`link`/`symlink`
   * @returns the verdict
   * @throws {EngineError} `PROCESS_NOT_FOUND` for a pid whose process exited
   *
   * @example
   * ```ts
   * import { SimulationBackend } from "@cordon/cordon";
   * import { compilePolicies } from "@cordon/cordon";
   * const loc = { file: "p.yaml", line: 4, column: 3 };
   * const set = compilePolicies([{
   *   name: "p", defaultAction: "allow", defaultErrno: 1, mode: "enforce", loc, rules: [],
   *   filesystem: { read: [], write: ["/tmp/app"], execute: [], loc },
   * }], { arches: ["x86_64"] });
   * using sim = await SimulationBackend.create();
   * await sim.open({ emit() {}, lost() {} });
   * await sim.apply(set, { enforce: true });
   * const pid = sim.simulateSpawn({ comm: "app" }).pid;
   * const verdict = sim.decideFileAccess(pid, "open", "/etc/passwd", { flags: 1 });
   * if (verdict.allowed || verdict.denial?.errno !== 13) throw new Error();
   * ```
   */
  decideFileAccess(
    pid: number,
    op: FileOp,
    path: string,
    details: { flags?: number; target?: string } = {},
  ): AccessVerdict {
    this.#live();
    const proc = this.#ensure(pid);
    const access = this.#access;
    if (access === undefined || !access.hasFilesystem) return { allowed: true };
    if (
      !path.startsWith("/") || (details.target !== undefined && !details.target.startsWith("/"))
    ) {
      return {
        allowed: true,
        undecided: `relative path "${path}": a simulated process has no working directory`,
      };
    }
    const layers = this.#policyFor(pid, proc).layers;
    const denial = access.decidePaths(layers, fileOpChecks(op, path, details));
    return denial === undefined ? { allowed: true } : { allowed: false, denial };
  }

  /**
   * What the applied policies' `network` sections decide for a network operation of `pid` (as
   * Landlock's TCP port rules and the cgroup BPF programs would under `cordon run`), without
   * simulating it. Only `connect`, `bind` and UDP `send` of IPv4/IPv6 sockets are decided.
   *
   * @param pid the process
   * @param op the operation
   * @param endpoint family, protocol, address and port
   * @returns the verdict
   * @throws {EngineError} `PROCESS_NOT_FOUND` for a pid whose process exited
   *
   * @example
   * ```ts
   * import { SimulationBackend } from "@cordon/cordon";
   * import { compilePolicies } from "@cordon/cordon";
   * const loc = { file: "p.yaml", line: 4, column: 3 };
   * const set = compilePolicies([{
   *   name: "p", defaultAction: "allow", defaultErrno: 1, mode: "enforce", loc, rules: [],
   *   network: { connect: [{ text: "10.0.0.0/8", protocol: "any", address: "10.0.0.0/8", loc }], bind: [], loc },
   * }], { arches: ["x86_64"] });
   * using sim = await SimulationBackend.create();
   * await sim.open({ emit() {}, lost() {} });
   * await sim.apply(set, { enforce: true });
   * const pid = sim.simulateSpawn({ comm: "app" }).pid;
   * const verdict = sim.decideNetwork(pid, "connect", { address: "192.168.1.1", port: 80 });
   * if (verdict.denial?.mechanism !== "cgroup-bpf" || verdict.denial.errno !== 1) throw new Error();
   * ```
   */
  decideNetwork(
    pid: number,
    op: NetworkOp,
    endpoint: {
      family?: NetworkEvent["family"];
      protocol?: NetworkEvent["protocol"];
      address?: string;
      port?: number;
    },
  ): AccessVerdict {
    this.#live();
    const proc = this.#ensure(pid);
    const access = this.#access;
    if (access === undefined || !access.hasNetwork) return { allowed: true };
    const { family = "inet", protocol = "tcp", address, port } = endpoint;
    const netOp = op === "connect"
      ? "connect"
      : op === "bind"
      ? "bind"
      : op === "send"
      ? "sendmsg"
      : undefined;
    if (netOp === undefined || (family !== "inet" && family !== "inet6")) return { allowed: true };
    if (protocol !== "tcp" && protocol !== "udp") return { allowed: true };
    if (netOp === "sendmsg" && protocol !== "udp") return { allowed: true };
    if (address === undefined || port === undefined) {
      return { allowed: true, undecided: `a ${op} without an address and port is not decided` };
    }
    const check: NetCheck = { op: netOp, protocol, address, port };
    let denial: AccessDenial | undefined;
    try {
      denial = access.decideNetwork(this.#policyFor(pid, proc).layers, check);
    } catch (error) {
      return { allowed: true, undecided: (error as Error).message };
    }
    return denial === undefined ? { allowed: true } : { allowed: false, denial };
  }

  /**
   * Simulates a file access of `pid`: a file event, decided by the applied policies'
   * `filesystem` sections ({@linkcode SimulationBackend.decideFileAccess}). A denial is in the
   * event's `verdict`; with `enforce` (and an `enforce`-mode layer) the event's `result` is
   * `-EACCES`. No syscall is decided: pair it with {@linkcode SimulationBackend.simulateSyscall}
   * to simulate the call itself.
   */
  simulateFileAccess(
    pid: number,
    op: FileOp,
    path: string,
    details: { flags?: number; syscall?: string; result?: number; target?: string } = {},
  ): FileEvent | undefined {
    this.#live();
    const proc = this.#ensure(pid);
    const { denial } = this.decideFileAccess(pid, op, path, details);
    const verdict = denial === undefined ? undefined : this.#accessVerdict(denial);
    if (verdict?.enforced) this.#figures.denied++;
    if (!this.#active.file) return undefined;
    const event: FileEvent = {
      kind: "file",
      op,
      time: this.#clock(),
      pid,
      start: proc.start,
      ...(proc.comm === undefined ? {} : { comm: proc.comm }),
      path,
      ...details,
      ...(verdict?.enforced ? { result: -verdict.errno! } : {}),
      ...(verdict === undefined ? {} : { verdict }),
    };
    this.#recordFile(event, proc.start);
    return event;
  }

  /**
   * Simulates a network operation of `pid`: a network event, decided by the applied policies'
   * `network` sections ({@linkcode SimulationBackend.decideNetwork}). A denial is in the event's
   * `verdict`; with `enforce` (and an `enforce`-mode layer) the event's `result` is `-EPERM`
   * (cgroup BPF) or `-EACCES` (Landlock TCP port rules).
   */
  simulateNetwork(
    pid: number,
    op: NetworkOp,
    endpoint: {
      family?: NetworkEvent["family"];
      protocol?: NetworkEvent["protocol"];
      address?: string;
      port?: number;
      syscall?: string;
      result?: number;
    } = {},
  ): NetworkEvent | undefined {
    this.#live();
    const proc = this.#ensure(pid);
    const { denial } = this.decideNetwork(pid, op, endpoint);
    const verdict = denial === undefined ? undefined : this.#accessVerdict(denial);
    if (verdict?.enforced) this.#figures.denied++;
    if (!this.#active.network) return undefined;
    const { family = "inet", protocol = "tcp", ...rest } = endpoint;
    const event: NetworkEvent = {
      kind: "network",
      op,
      time: this.#clock(),
      pid,
      start: proc.start,
      ...(proc.comm === undefined ? {} : { comm: proc.comm }),
      family,
      protocol,
      ...rest,
      ...(verdict?.enforced ? { result: -verdict.errno! } : {}),
      ...(verdict === undefined ? {} : { verdict }),
    };
    this.#table.recordNetwork(event, proc.start);
    this.#emit(event);
    return event;
  }

  /**
   * Replays a recorded event (from a JSON Lines trace): process events update the process
   * table, syscall events are decided anew through the applied filter set (the recorded verdict
   * is ignored), file and network events are recorded and emitted.
   *
   * @returns for a syscall event, the simulated call
   */
  simulateEvent(event: EngineEvent): SimulatedCall | undefined {
    this.#live();
    switch (event.kind) {
      case "syscall":
        return this.simulateSyscall(event.pid, event.nr, event.args, {
          arch: event.arch,
          ...(event.ret === undefined ? {} : { ret: event.ret }),
          ...(event.tid === undefined ? {} : { tid: event.tid }),
        });
      case "file": {
        const {
          kind: _k,
          time: _t,
          pid,
          start: _s,
          comm: _c,
          tid: _tid,
          verdict: _v,
          op,
          path,
          ...details
        } = event;
        this.simulateFileAccess(pid, op, path, details);
        return undefined;
      }
      case "network": {
        const {
          kind: _k,
          time: _t,
          pid,
          start: _s,
          comm: _c,
          tid: _tid,
          verdict: _v,
          op,
          ...endpoint
        } = event;
        this.simulateNetwork(pid, op, endpoint);
        return undefined;
      }
      case "process":
        this.#replayProcess(event);
        return undefined;
    }
  }

  #replayProcess(event: ProcessEvent): void {
    switch (event.op) {
      case "fork": {
        if (this.#table.isLive(event.pid)) this.simulateExit(event.pid);
        const parent = event.ppid === undefined ? undefined : this.#table.get(event.ppid);
        this.simulateSpawn({
          pid: event.pid,
          ...(event.ppid === undefined ? {} : { ppid: event.ppid }),
          ...(event.comm ?? parent?.comm ? { comm: (event.comm ?? parent?.comm)! } : {}),
          ...(parent?.uid === undefined ? {} : { uid: parent.uid }),
          ...(parent?.cgroup === undefined ? {} : { cgroup: parent.cgroup }),
        });
        return;
      }
      case "exec":
        this.simulateExec(event.pid, event.executable ?? event.comm ?? "?", event.argv);
        return;
      case "exit":
        this.simulateExit(event.pid, {
          ...(event.exitCode === undefined ? {} : { exitCode: event.exitCode }),
          ...(event.signal === undefined ? {} : { signal: event.signal }),
        });
        return;
    }
  }
}

function toProcessInfo(proc: BackendProcess): ProcessInfo {
  return {
    pid: proc.pid,
    ...(proc.comm === undefined ? {} : { comm: proc.comm }),
    ...(proc.executable === undefined ? {} : { executable: proc.executable }),
    ...(proc.cgroup === undefined ? {} : { cgroup: proc.cgroup }),
    ...(proc.uid === undefined ? {} : { uid: proc.uid }),
  };
}

function limitVerdict(layer: FilterLayer, index: number): Verdict {
  const limit = layer.limits!.syscallsPerSecond!;
  const audited = layer.mode === "audit" && strictness(limit.action) > strictness("log");
  return Object.freeze({
    action: audited ? "log" : limit.action,
    ...(limit.action === "deny" ? { errno: layer.defaultErrno } : {}),
    ruleId: `${layer.policy}:limits.syscallsPerSecond`,
    policy: layer.policy,
    loc: limit.loc,
    ...(audited ? { audited: limit.action } : {}),
    layer: index,
  });
}

function eventVerdict(verdict: Verdict, applied: boolean, rateLimited: boolean): EventVerdict {
  const audit = isAudited(verdict);
  return {
    action: intendedAction(verdict),
    ruleId: verdict.ruleId,
    policy: verdict.policy,
    ...(verdict.errno === undefined ? {} : { errno: verdict.errno }),
    enforced: applied && !audit && verdict.action !== "allow" && verdict.action !== "log",
    ...(audit ? { audit: true } : {}),
    ...(rateLimited ? { rateLimited: true } : {}),
    loc: verdict.loc,
  };
}
