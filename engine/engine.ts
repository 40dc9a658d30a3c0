/**
 * The Engine: what users import to filter, watch and account for processes, on whichever backend
 * {@linkcode selectBackend} chose. Idiomatic TypeScript for the original design's `EbpfManager`
 * and its traits:
 *
 * | original (Rust) | here |
 * | --- | --- |
 * | `SyscallFilterProvider`: `add_filter`, `remove_filter`, `check_syscall` | `addFilter`, `removeFilter`, `listFilters`, `checkSyscall`, `applyPolicy` |
 * | `EventMonitor`: `subscribe_syscall`, …, `get_recent_events` | `subscribe`, `subscribeSyscall`/`File`/`Network`/`Process` (disposable), `recentEvents` |
 * | `ProcessMonitor`: `monitor_process`, `get_syscall_count`, … | `monitorProcess`, `unmonitorProcess`, `syscallCount`, `fileActivity`, `networkActivity`, `processActivity` |
 * | `EbpfProvider`: `load_program`, `list_programs`, `stats` | `loadProgram`, `unloadProgram`, `attachProgram`, `detachProgram`, `setProgramEnabled`, `listPrograms`, `listMaps`, `stats` |
 *
 * Decisions are pure functions of the compiled {@linkcode FilterSet} (the compiler's
 * {@linkcode Evaluator}); a programmatic {@linkcode SyscallFilter} is exactly a one-rule policy
 * targeting its pid, compiled like any other. The engine is `Disposable` and `AsyncDisposable`.
 *
 * @module
 */

import { letsCallRun } from "../policies/types.ts";
import { type Action, ACTIONS_BY_STRICTNESS, type Arch, ARCHES } from "../policies/types.ts";
import type { PolicySet, ResolvedPolicy, SyscallRef } from "../policies/types.ts";
import { isKnownSyscall, syscallName, syscallNumber } from "../policies/syscalls.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import { compilePolicies } from "../compile/compile.ts";
import type { FilterLayer, FilterSet } from "../compile/filter_set.ts";
import { Evaluator, type Verdict } from "../compile/evaluate.ts";
import { type ProcessInfo, targetMatches } from "../compile/target.ts";
import type {
  Backend,
  BackendProcess,
  BackendStats,
  EnforcementPlan,
  MapInfo,
  ProcessActivity,
  ProgramConfig,
  ProgramInfo,
} from "./backend.ts";
import { EngineError } from "./errors.ts";
import {
  type EngineEvent,
  EVENT_KINDS,
  type EventKind,
  type FileEvent,
  type NetworkEvent,
  type ProcessEvent,
  type SyscallEvent,
} from "./events.ts";
import {
  EventBus,
  type EventCallback,
  type SubscribeOptions,
  type Subscription,
} from "./event_bus.ts";
import { RecentEvents } from "./recent_events.ts";
import {
  type BackendChoice,
  type BackendSelection,
  type Purpose,
  selectBackend,
} from "./select_backend.ts";
import type { SimulationBackend } from "../backends/simulation/simulation_backend.ts";

/**
 * The original design's `SyscallFilter`: one rule for one process (or, without `pid`, for every
 * process the engine decides for). Exactly a one-rule policy with `target.pids: [pid]` and
 * `defaultAction: allow`; each filter is its own layer, so across filters and policies the
 * strictest decision wins (as stacked seccomp filters do), and `priority` orders it against
 * nothing else in its layer but is kept on the decision.
 */
export interface SyscallFilter {
  /** Unique id; the deciding rule's id in verdicts. */
  readonly id: string;
  /** The process; absent means every process. */
  readonly pid?: number;
  /**
   * Syscalls by name, or by number on the engine's architecture. Numbers the table knows are
   * turned into names, so the filter covers the same syscall on every architecture (an i386
   * `int 0x80` call cannot slip past it).
   */
  readonly syscalls: readonly (string | number)[];
  /** The action. */
  readonly action: Action;
  /** Default 0. */
  readonly priority?: number;
  /** For `deny`: the errno (default `EPERM`, 1). */
  readonly errno?: number;
}

/** Options of {@linkcode Engine.open}. */
export interface EngineOptions {
  /** A backend choice (default `"auto"`), or a backend instance (e.g. a configured simulation). */
  readonly backend?: BackendChoice | Backend;
  /** Why the engine is opened (default `"observe"`); `enforce` refuses backends that cannot. */
  readonly purpose?: Purpose;
  /** Accept degraded enforcement (the selection and plans say what is missing). */
  readonly allowDegraded?: boolean;
  /** The architecture `checkSyscall` decides for when the backend does not know the process's (default `x86_64`). */
  readonly arch?: Arch;
  /** Milliseconds clock passed to a backend the engine creates. */
  readonly clock?: () => number;
  /** Capacity of the recent-events ring (default 1,024). */
  readonly recentEvents?: number;
  /** Event kinds kept in the recent-events ring even without subscribers (default all). */
  readonly recentKinds?: readonly EventKind[];
  /** Per-subscriber queue capacity (default 65,536). */
  readonly queueSize?: number;
}

/** Options of {@linkcode Engine.applyPolicy}. */
export interface ApplyPolicyOptions {
  /** Architectures to compile a policy set for (default all). */
  readonly arches?: readonly Arch[];
  /** Passed to the compiler (default `"enosys"`). */
  readonly unknownSyscalls?: "enosys" | "default";
}

/** The engine's figures. */
export interface EngineStats {
  /** The backend. */
  readonly backend: BackendStats & { readonly description: string; readonly reason: string };
  /** Event figures. */
  readonly events: {
    /** Events received from the backend, by kind (what the original design called `syscall_events`, …). */
    readonly byKind: Readonly<Record<EventKind, number>>;
    readonly total: number;
    /** Events the backend reported lost before user space (kernel ring buffer full). */
    readonly lost: number;
    /** Deliveries to subscribers. */
    readonly delivered: number;
    /** Events dropped because a subscriber's queue was full (summed over subscribers). */
    readonly dropped: number;
    /** Subscriber callbacks that threw or rejected. */
    readonly subscriberErrors: number;
  };
  /** Subscribers. */
  readonly subscribers: number;
  /** Filters added. */
  readonly filters: number;
  /** Layers applied (policies + filters). */
  readonly layers: number;
  /** Programs by state. */
  readonly programs: {
    readonly loaded: number;
    readonly attached: number;
    readonly enabled: number;
  };
  /** Live maps. */
  readonly maps: number;
  /** Processes monitored. */
  readonly monitored: number;
  /** The recent-events ring. */
  readonly recent: { readonly size: number; readonly capacity: number };
}

interface CheckEntry {
  readonly evaluator: Evaluator;
  readonly arch: Arch;
}

const FILTER_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const EPERM = 1;
const MAX_CACHED_PIDS = 65_536;

function isFilterSet(value: unknown): value is FilterSet {
  return typeof value === "object" && value !== null && "layers" in value && "version" in value;
}

function isPolicySet(value: unknown): value is PolicySet {
  return typeof value === "object" && value !== null && "policies" in value;
}

/**
 * The engine.
 *
 * @example
 * ```ts
 * import { Engine } from "@cordon/cordon";
 * await using engine = await Engine.open({ backend: "simulation" });
 * await engine.addFilter({ id: "block_write", pid: 123, syscalls: ["write"], action: "deny", priority: 100 });
 * const verdict = engine.checkSyscall(123, "write");
 * if (verdict.action !== "deny" || verdict.ruleId !== "block_write") throw new Error();
 * if (engine.checkSyscall(124, "write").action !== "allow") throw new Error("other pids unaffected");
 * ```
 */
export class Engine implements Disposable, AsyncDisposable {
  /** The backend in use. */
  readonly backend: Backend;
  /** Which backend, and why. */
  readonly selection: Pick<BackendSelection, "kind" | "reason" | "degraded">;
  readonly #purpose: Purpose;
  readonly #allowDegraded: boolean;
  readonly #arch: Arch;
  readonly #bus: EventBus;
  readonly #recent: RecentEvents<EngineEvent>;
  readonly #recentKinds: ReadonlySet<EventKind>;
  readonly #received: Record<EventKind, number> = { syscall: 0, file: 0, network: 0, process: 0 };
  #lost = 0;
  #closed = false;
  #policyLayers: readonly FilterLayer[] = [];
  readonly #filters = new Map<string, { filter: SyscallFilter; layer: FilterLayer }>();
  #set: FilterSet = { version: 1, layers: [] };
  #checks = new Map<number, CheckEntry>();
  #bySignature = new Map<string, Evaluator>();
  readonly #names: Partial<Record<Arch, Map<string, number>>> = {};

  private constructor(
    backend: Backend,
    selection: Pick<BackendSelection, "kind" | "reason" | "degraded">,
    options: EngineOptions,
  ) {
    this.backend = backend;
    this.selection = selection;
    this.#purpose = options.purpose ?? "observe";
    this.#allowDegraded = options.allowDegraded ?? false;
    this.#arch = options.arch ?? "x86_64";
    if (!ARCHES.includes(this.#arch)) {
      throw new EngineError("INVALID_ARGUMENT", `Unknown architecture "${this.#arch}"`);
    }
    this.#recent = new RecentEvents(options.recentEvents ?? 1024);
    this.#recentKinds = new Set(options.recentKinds ?? EVENT_KINDS);
    this.#bus = new EventBus({
      ...(options.queueSize === undefined ? {} : { queueSize: options.queueSize }),
      onInterest: (kinds) => {
        const all = new Set(kinds);
        for (const k of this.#recentKinds) all.add(k);
        this.backend.setInterest({ kinds: all });
      },
    });
  }

  /**
   * Opens an engine: selects (or takes) a backend, opens it and starts receiving events.
   *
   * @param options backend choice or instance, purpose, degradation, bounds
   * @throws {EngineError} from backend selection (`UNSUPPORTED_PLATFORM`, `ENFORCEMENT_UNAVAILABLE`)
   *
   * @example
   * ```ts
   * import { Engine } from "@cordon/cordon";
   * using engine = await Engine.open({ backend: "simulation", purpose: "evaluate" });
   * if (engine.selection.kind !== "simulation") throw new Error();
   * ```
   */
  static async open(options: EngineOptions = {}): Promise<Engine> {
    let backend: Backend;
    let selection: Pick<BackendSelection, "kind" | "reason" | "degraded">;
    const choice = options.backend ?? "auto";
    if (typeof choice === "object") {
      backend = choice;
      const degraded = options.purpose === "enforce" && choice.kind === "simulation";
      if (degraded && options.allowDegraded !== true) {
        throw new EngineError(
          "ENFORCEMENT_UNAVAILABLE",
          "Refusing to enforce with the simulation backend, which confines no real process; pass allowDegraded to evaluate only",
        );
      }
      selection = { kind: choice.kind, reason: "backend instance given", degraded };
    } else {
      const selected = await selectBackend({
        backend: choice,
        purpose: options.purpose ?? "observe",
        ...(options.allowDegraded === undefined ? {} : { allowDegraded: options.allowDegraded }),
        create: {
          ...(options.arch === undefined ? {} : { arch: options.arch }),
          ...(options.clock === undefined ? {} : { clock: options.clock }),
        },
      });
      backend = selected.backend;
      selection = { kind: selected.kind, reason: selected.reason, degraded: selected.degraded };
    }
    const engine = new Engine(backend, selection, options);
    try {
      backend.setInterest({ kinds: new Set(engine.#recentKinds) });
      await backend.open({
        emit: (event) => engine.#intake(event),
        lost: (count) => {
          engine.#lost += count;
        },
      });
    } catch (error) {
      backend.close();
      throw error;
    }
    return engine;
  }

  #intake(event: EngineEvent): void {
    if (this.#closed) return;
    this.#received[event.kind]++;
    if (event.kind === "process") this.#checks.delete(event.pid);
    if (this.#recentKinds.has(event.kind)) this.#recent.push(event);
    this.#bus.publish(event);
  }

  #live(): void {
    if (this.#closed) throw new EngineError("CLOSED", "The engine is closed");
  }

  /**
   * The simulation backend, to inject syscalls and events.
   *
   * @throws {EngineError} `INVALID_ARGUMENT` when the backend is not the simulation
   */
  get simulation(): SimulationBackend {
    if (this.backend.kind !== "simulation") {
      throw new EngineError(
        "INVALID_ARGUMENT",
        `The engine runs on the ${this.backend.kind} backend, not the simulation`,
      );
    }
    return this.backend as SimulationBackend;
  }

  // ---- filters and policies ----

  #nr(arch: Arch, syscall: string): number {
    let names = this.#names[arch];
    if (names === undefined) names = this.#names[arch] = new Map();
    let nr = names.get(syscall);
    if (nr === undefined) {
      nr = syscallNumber(arch, syscall);
      if (nr === undefined) {
        throw new EngineError("UNKNOWN_SYSCALL", `Unknown syscall "${syscall}" on ${arch}`, {
          subject: syscall,
        });
      }
      names.set(syscall, nr);
    }
    return nr;
  }

  #filterPolicy(filter: SyscallFilter): ResolvedPolicy {
    const id = filter.id;
    if (typeof id !== "string" || !FILTER_ID.test(id)) {
      throw new EngineError(
        "INVALID_FILTER",
        `Filter id "${String(id)}" must be 1-128 letters, digits or "_.:-"`,
      );
    }
    if (filter.pid !== undefined && (!Number.isInteger(filter.pid) || filter.pid < 0)) {
      throw new EngineError(
        "INVALID_FILTER",
        `Filter "${id}": pid must be a non-negative integer, not ${filter.pid}`,
        {
          subject: id,
        },
      );
    }
    if (!ACTIONS_BY_STRICTNESS.includes(filter.action)) {
      throw new EngineError(
        "INVALID_FILTER",
        `Filter "${id}": unknown action "${String(filter.action)}"`,
        {
          subject: id,
        },
      );
    }
    const priority = filter.priority ?? 0;
    if (!Number.isInteger(priority)) {
      throw new EngineError(
        "INVALID_FILTER",
        `Filter "${id}": priority must be an integer, not ${priority}`,
        {
          subject: id,
        },
      );
    }
    if (
      filter.errno !== undefined &&
      (!Number.isInteger(filter.errno) || filter.errno < 0 || filter.errno > 4095)
    ) {
      throw new EngineError(
        "INVALID_FILTER",
        `Filter "${id}": errno must be 0-4095, not ${filter.errno}`,
        {
          subject: id,
        },
      );
    }
    if (!Array.isArray(filter.syscalls) || filter.syscalls.length === 0) {
      throw new EngineError("INVALID_FILTER", `Filter "${id}" names no syscalls`, { subject: id });
    }
    const loc = { file: `filter:${id}`, line: 1, column: 1 };
    const syscalls: SyscallRef[] = filter.syscalls.map((s): SyscallRef => {
      if (typeof s === "number") {
        if (!Number.isInteger(s) || s < 0) {
          throw new EngineError(
            "UNKNOWN_SYSCALL",
            `Filter "${id}": syscall number ${s} is not valid`,
            {
              subject: id,
            },
          );
        }
        const name = syscallName(this.#arch, s);
        return name === undefined ? { kind: "number", nr: s, loc } : { kind: "name", name, loc };
      }
      if (typeof s !== "string" || !isKnownSyscall(s)) {
        throw new EngineError("UNKNOWN_SYSCALL", `Filter "${id}": unknown syscall "${String(s)}"`, {
          subject: String(s),
        });
      }
      return { kind: "name", name: s, loc };
    });
    const name = `filter:${id}`;
    return {
      name,
      ...(filter.pid === undefined ? {} : { target: { pids: [filter.pid] } }),
      defaultAction: "allow",
      defaultErrno: EPERM,
      mode: "enforce",
      rules: [{
        id,
        policy: name,
        origin: "rule",
        syscalls,
        action: filter.action,
        ...(filter.errno === undefined ? {} : { errno: filter.errno }),
        priority,
        args: [],
        loc,
      }],
      loc,
    };
  }

  async #install(
    policyLayers: readonly FilterLayer[],
    filterLayers: readonly FilterLayer[],
  ): Promise<EnforcementPlan> {
    const set: FilterSet = { version: 1, layers: [...policyLayers, ...filterLayers] };
    const plan = this.backend.plan(set);
    const enforce = this.#purpose === "enforce";
    if (enforce && !this.#allowDegraded) {
      const degraded = plan.layers.flatMap((l) => l.degraded);
      if (degraded.length > 0) {
        throw new EngineError(
          "ENFORCEMENT_UNAVAILABLE",
          `The ${this.backend.kind} backend cannot enforce this as written: ${degraded.join("; ")}`,
        );
      }
    }
    await this.backend.apply(set, { enforce });
    this.#set = set;
    this.#checks = new Map();
    this.#bySignature = new Map();
    return plan;
  }

  /**
   * Adds a filter (the original design's `add_filter`).
   *
   * @returns what the backend enforces for it
   * @throws {EngineError} `FILTER_EXISTS`, `INVALID_FILTER`, `UNKNOWN_SYSCALL`,
   *   `ENFORCEMENT_UNAVAILABLE`; nothing changes on error
   */
  async addFilter(filter: SyscallFilter): Promise<EnforcementPlan> {
    this.#live();
    if (this.#filters.has(filter.id)) {
      throw new EngineError("FILTER_EXISTS", `A filter with id "${filter.id}" exists`, {
        subject: filter.id,
      });
    }
    const policy = this.#filterPolicy(filter);
    const layer = compilePolicies([policy]).layers[0]!;
    const layers = [...[...this.#filters.values()].map((f) => f.layer), layer];
    const plan = await this.#install(this.#policyLayers, layers);
    this.#filters.set(filter.id, { filter: { ...filter, syscalls: [...filter.syscalls] }, layer });
    return plan;
  }

  /**
   * Removes a filter.
   *
   * @throws {EngineError} `FILTER_NOT_FOUND`
   */
  async removeFilter(id: string): Promise<void> {
    this.#live();
    if (!this.#filters.has(id)) {
      throw new EngineError("FILTER_NOT_FOUND", `No filter with id "${id}"`, { subject: id });
    }
    const layers = [...this.#filters.entries()].filter(([key]) => key !== id).map(([, f]) =>
      f.layer
    );
    await this.#install(this.#policyLayers, layers);
    this.#filters.delete(id);
  }

  /** The filters, in the order added. */
  listFilters(): SyscallFilter[] {
    return [...this.#filters.values()].map((f) => f.filter);
  }

  /**
   * Applies policies, replacing the previously applied ones (filters stay): a parsed
   * {@linkcode PolicySet} (resolved and compiled here), resolved policies, or a compiled
   * {@linkcode FilterSet}.
   *
   * @returns the backend's enforcement plan
   * @throws {EngineError} `POLICY_INVALID` (cause: the policy errors), `ENFORCEMENT_UNAVAILABLE`
   */
  async applyPolicy(
    policies: PolicySet | readonly ResolvedPolicy[] | FilterSet,
    options: ApplyPolicyOptions = {},
  ): Promise<EnforcementPlan> {
    this.#live();
    let set: FilterSet;
    try {
      if (isFilterSet(policies)) {
        if (policies.version !== 1) {
          throw new TypeError(`Unsupported filter set version ${String(policies.version)}`);
        }
        set = policies;
      } else {
        const resolved = isPolicySet(policies)
          ? resolvePolicies(policies)
          : policies as readonly ResolvedPolicy[];
        set = compilePolicies(resolved, {
          ...(options.arches === undefined ? {} : { arches: options.arches }),
          ...(options.unknownSyscalls === undefined
            ? {}
            : { unknownSyscalls: options.unknownSyscalls }),
        });
      }
    } catch (error) {
      throw new EngineError(
        "POLICY_INVALID",
        `Policy could not be applied: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    const filterLayers = [...this.#filters.values()].map((f) => f.layer);
    const plan = await this.#install(set.layers, filterLayers);
    this.#policyLayers = set.layers;
    return plan;
  }

  /** The applied filter set (policies first, then one layer per filter). */
  get filterSet(): FilterSet {
    return this.#set;
  }

  #prepare(pid: number): CheckEntry {
    if (!Number.isInteger(pid) || pid < 0) {
      throw new EngineError("INVALID_ARGUMENT", `A pid must be a non-negative integer, not ${pid}`);
    }
    const proc: BackendProcess | undefined = this.backend.process(pid);
    const info: ProcessInfo = proc === undefined ? { pid } : {
      pid,
      ...(proc.comm === undefined ? {} : { comm: proc.comm }),
      ...(proc.executable === undefined ? {} : { executable: proc.executable }),
      ...(proc.cgroup === undefined ? {} : { cgroup: proc.cgroup }),
      ...(proc.uid === undefined ? {} : { uid: proc.uid }),
    };
    const signature = this.#set.layers.map((l, i) => targetMatches(l.target, info) ? i : -1)
      .filter((i) => i >= 0).join(",");
    let evaluator = this.#bySignature.get(signature);
    if (evaluator === undefined) {
      evaluator = new Evaluator(this.#set, info);
      this.#bySignature.set(signature, evaluator);
    }
    const entry = { evaluator, arch: proc?.arch ?? this.#arch };
    if (this.#checks.size >= MAX_CACHED_PIDS) this.#checks = new Map();
    this.#checks.set(pid, entry);
    return entry;
  }

  /**
   * What the applied policies and filters decide for a syscall of `pid` (the original design's
   * `check_syscall`): the decision with the deciding rule, policy and source location. Pure: it
   * counts nothing and changes nothing. A pid the backend does not know is matched on its pid
   * alone (targets naming comms, executables, cgroups or uids do not apply to it).
   *
   * @param pid the process
   * @param syscall a name, or a number on the process's architecture (the engine's by default)
   * @param args raw arguments, for rules with argument conditions
   * @returns the verdict (`action: "allow"`, `layer: null` when nothing applies)
   * @throws {EngineError} `UNKNOWN_SYSCALL` for an unknown name; `INVALID_ARGUMENT` for a bad pid
   */
  checkSyscall(pid: number, syscall: string | number, args?: readonly bigint[]): Verdict {
    const entry = this.#checks.get(pid) ?? this.#prepare(pid);
    const nr = typeof syscall === "number" ? syscall : this.#nr(entry.arch, syscall);
    return entry.evaluator.decide(entry.arch, nr, args);
  }

  /**
   * Whether a syscall is allowed: `checkSyscall` reduced to a boolean as in the original design
   * (`allow` and `log` allow; audit-mode decisions are `log`).
   */
  isAllowed(pid: number, syscall: string | number, args?: readonly bigint[]): boolean {
    return letsCallRun(this.checkSyscall(pid, syscall, args).action);
  }

  // ---- events ----

  /**
   * Subscribes to events of one or more kinds. Delivery is asynchronous and never blocks the
   * backend; see {@linkcode EventBus} for queueing and drop accounting.
   *
   * @returns a disposable subscription (`using sub = engine.subscribe(…)`)
   */
  subscribe<K extends EventKind>(
    kinds: K | readonly K[],
    callback: EventCallback<Extract<EngineEvent, { kind: K }>>,
    options: SubscribeOptions = {},
  ): Subscription {
    this.#live();
    const list = (typeof kinds === "string" ? [kinds] : kinds) as readonly K[];
    return this.#bus.subscribe(list, callback, options);
  }

  /** Subscribes to syscall events. */
  subscribeSyscall(
    callback: EventCallback<SyscallEvent>,
    options?: SubscribeOptions,
  ): Subscription {
    return this.subscribe("syscall", callback, options);
  }

  /** Subscribes to file events. */
  subscribeFile(callback: EventCallback<FileEvent>, options?: SubscribeOptions): Subscription {
    return this.subscribe("file", callback, options);
  }

  /** Subscribes to network events. */
  subscribeNetwork(
    callback: EventCallback<NetworkEvent>,
    options?: SubscribeOptions,
  ): Subscription {
    return this.subscribe("network", callback, options);
  }

  /** Subscribes to process lifecycle events. */
  subscribeProcess(
    callback: EventCallback<ProcessEvent>,
    options?: SubscribeOptions,
  ): Subscription {
    return this.subscribe("process", callback, options);
  }

  /** Resolves when every subscriber has received every event queued for it so far. */
  drained(): Promise<void> {
    return this.#bus.drained();
  }

  /**
   * The last `n` events received (oldest first), from a bounded ring.
   *
   * @param n how many (default: all kept)
   */
  recentEvents(n?: number): EngineEvent[] {
    return this.#recent.last(n);
  }

  // ---- process monitoring ----

  /**
   * Starts collecting counts and activity for `pid` (and its future children).
   *
   * @throws {EngineError} `PROCESS_NOT_FOUND`
   */
  async monitorProcess(pid: number): Promise<void> {
    this.#live();
    await this.backend.monitorProcess(pid);
  }

  /**
   * Stops collecting for `pid` and forgets what was collected.
   *
   * @throws {EngineError} `PROCESS_NOT_MONITORED`
   */
  async unmonitorProcess(pid: number): Promise<void> {
    this.#live();
    await this.backend.unmonitorProcess(pid);
  }

  /** Pids currently monitored. */
  monitoredPids(): readonly number[] {
    return this.backend.monitoredPids();
  }

  /**
   * What was collected for the monitored `pid`.
   *
   * @throws {EngineError} `PROCESS_NOT_MONITORED`
   */
  processActivity(pid: number): ProcessActivity {
    const activity = this.backend.activity(pid);
    if (activity === undefined) {
      throw new EngineError("PROCESS_NOT_MONITORED", `Process ${pid} is not monitored`, {
        subject: String(pid),
      });
    }
    return activity;
  }

  /** Syscalls counted for the monitored `pid` (the original design's `get_syscall_count`). */
  syscallCount(pid: number): number {
    return this.processActivity(pid).syscalls;
  }

  /** Recent network events of the monitored `pid` (bounded; see `processActivity().networkTotal`). */
  networkActivity(pid: number): readonly NetworkEvent[] {
    return this.processActivity(pid).network;
  }

  /** Recent file events of the monitored `pid` (bounded; see `processActivity().filesTotal`). */
  fileActivity(pid: number): readonly FileEvent[] {
    return this.processActivity(pid).files;
  }

  // ---- programs ----

  /**
   * Loads a program (the original design's `load_program`).
   *
   * @throws {EngineError} `PROGRAM_EXISTS`, `LOAD_FAILED`, `ATTACH_FAILED`, `NOT_SUPPORTED`
   */
  async loadProgram(config: ProgramConfig): Promise<ProgramInfo> {
    this.#live();
    return await this.backend.loadProgram(config);
  }

  /**
   * Unloads a program.
   *
   * @throws {EngineError} `PROGRAM_NOT_FOUND`
   */
  async unloadProgram(name: string): Promise<void> {
    this.#live();
    await this.backend.unloadProgram(name);
  }

  /** Attaches a loaded program. */
  async attachProgram(name: string): Promise<void> {
    this.#live();
    await this.backend.attachProgram(name);
  }

  /** Detaches a program (it stays loaded). */
  async detachProgram(name: string): Promise<void> {
    this.#live();
    await this.backend.detachProgram(name);
  }

  /** Enables or mutes a program. */
  async setProgramEnabled(name: string, enabled: boolean): Promise<void> {
    this.#live();
    await this.backend.setProgramEnabled(name, enabled);
  }

  /** Loaded programs. */
  listPrograms(): readonly ProgramInfo[] {
    return this.backend.listPrograms();
  }

  /** Live maps. */
  listMaps(): readonly MapInfo[] {
    return this.backend.listMaps();
  }

  // ---- stats and lifecycle ----

  /** Figures: events by kind, losses and drops, filters, programs, and the backend's own. */
  stats(): EngineStats {
    const bus = this.#bus.stats();
    const programs = this.backend.listPrograms();
    const byKind = { ...this.#received };
    return {
      backend: {
        ...this.backend.stats(),
        description: this.backend.description,
        reason: this.selection.reason,
      },
      events: {
        byKind,
        total: byKind.syscall + byKind.file + byKind.network + byKind.process,
        lost: this.#lost,
        delivered: bus.delivered,
        dropped: bus.dropped,
        subscriberErrors: bus.errors,
      },
      subscribers: this.#bus.size,
      filters: this.#filters.size,
      layers: this.#set.layers.length,
      programs: {
        loaded: programs.length,
        attached: programs.filter((p) => p.attached).length,
        enabled: programs.filter((p) => p.enabled).length,
      },
      maps: this.backend.listMaps().length,
      monitored: this.backend.monitoredPids().length,
      recent: { size: this.#recent.size, capacity: this.#recent.capacity },
    };
  }

  /** Whether the engine is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Ends subscriptions and closes the backend (releasing programs, maps, links). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#bus.close();
    this.backend.close();
  }

  /** Same as `close()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Lets subscribers finish what is queued, then closes. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#closed) return;
    await this.#bus.drained();
    this.close();
  }
}
