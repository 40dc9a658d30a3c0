/**
 * The tracing-script backend: the engine's {@linkcode Backend} through a generated script run by
 * `dtrace` (macOS, illumos, FreeBSD, Oracle Linux) or `bpftrace` (Linux), for machines where
 * Cordon's own BPF programs cannot load and for macOS users.
 *
 * What it does with a policy, honestly (see `docs/tracing.md`):
 * - syscall `log`: each call is reported (event with the deciding rule);
 * - syscall `kill`: `raise(SIGKILL)` (D, destructive) or `signal("KILL")` (bpftrace, `--unsafe`)
 *   from the syscall's entry probe: the call itself has already been entered;
 *   kills decided by argument conditions are sent from user space, later;
 * - syscall `deny`, `network`, `filesystem`, `limits`: a tracer cannot prevent a call; they are
 *   reported as degraded by {@linkcode DtraceBackend.plan} (callers refuse, or accept it);
 * - counts: kept in the tracer (`count()` aggregations, one map), printed as snapshots when a
 *   watched process exits and when the tracer stops; exact for the calls made while the script
 *   runs. Changing what is watched restarts the script: calls made during the switch (about
 *   the attach time, in `stats().figures.attachMs`) are not counted, and `tracerRestarts` says
 *   how often that happened.
 * - order and times: records are delivered in kernel-time order (each line carries the kernel's
 *   monotonic time; the tracer prints per-CPU buffers one after another), held 50 ms (bpftrace)
 *   or 250 ms (DTrace) behind now (`_reorder_buffer.ts`); an exit still waits for the count
 *   snapshot after it. Event times are those kernel times, mapped to the epoch at the script's
 *   `ready` line.
 *
 * Requires `allow-run` (the tracer), `allow-read`/`allow-write` (the script file, `/proc`),
 * `allow-env`, and root.
 *
 * @module
 */

import { signalName } from "../../policies/constants.ts";
import type { Action, Arch } from "../../policies/types.ts";
import { syscallName, syscallNumber } from "../../policies/syscalls.ts";
import type { FilterSet } from "../../compile/filter_set.ts";
import { intendedAction, isAudited } from "../../compile/filter_set.ts";
import { Evaluator } from "../../compile/evaluate.ts";
import { targetMatches } from "../../compile/target.ts";
import {
  I386_NR_OFFSET,
  isTimedRecord,
  scriptSyscall,
  type TimedTraceRecord,
  type TraceEvents,
  type TraceRecord,
  type TraceScriptSpec,
  traceScriptSpec,
} from "../../compile/trace_script.ts";
import { emitBpftrace, needsUnsafe } from "../../compile/emit_bpftrace.ts";
import { emitDtrace } from "../../compile/emit_dtrace.ts";
import type {
  ApplyOptions,
  Backend,
  BackendCreateOptions,
  BackendFactory,
  BackendProbe,
  BackendProcess,
  BackendStats,
  EnforcementLevel,
  EnforcementPlan,
  EventInterest,
  EventSink,
  FeatureStatus,
  LayerEnforcement,
  MapInfo,
  ProcessActivity,
  ProgramConfig,
  ProgramInfo,
  ProgramType,
} from "../../engine/backend.ts";
import { EngineError } from "../../engine/errors.ts";
import { ProgramRegistry } from "../program_registry.ts";
import type { FileEvent, NetworkEvent, ProcessEvent, SyscallEvent } from "../../engine/events.ts";
import { findTracer, TracerError, tracerFor, type TracerInfo, type TracerKind } from "./tracer.ts";
import { TraceRunner } from "./trace_runner.ts";
import { listProcesses, readProcess } from "./_processes.ts";
import { REORDER_WINDOW_MS, ReorderBuffer } from "./_reorder_buffer.ts";

/** Options of {@linkcode DtraceBackend.create}. */
export interface DtraceBackendOptions extends BackendCreateOptions {
  /** The tracer (default: dtrace, or bpftrace on Linux). */
  readonly tracer?: TracerKind;
  /** The tracer's executable (default: found on `PATH`; tests pass a stand-in). */
  readonly tracerPath?: string;
  /** Skip the root check (tests with a stand-in). */
  readonly skipPrivilegeCheck?: boolean;
  /** How long to wait for the script's probes (default 60 s). */
  readonly readyTimeoutMs?: number;
}

const ACTIVITY_LIMIT = 256;

/** Where each program type attaches, per tracer; `null`: not available through a tracer. */
const ATTACH: Readonly<Record<ProgramType, { bpftrace: string; dtrace: string } | null>> = {
  syscall_entry: { bpftrace: "tracepoint:raw_syscalls:sys_enter", dtrace: "syscall:::entry" },
  syscall_exit: { bpftrace: "tracepoint:syscalls:sys_exit_*", dtrace: "syscall:::return" },
  network_socket: {
    bpftrace: "tracepoint:syscalls:sys_exit_connect",
    dtrace: "syscall::connect:return",
  },
  file_access: { bpftrace: "tracepoint:syscalls:sys_exit_openat", dtrace: "syscall::open*:return" },
  process_exec: { bpftrace: "tracepoint:sched:sched_process_exec", dtrace: "proc:::exec-success" },
  process_fork: { bpftrace: "tracepoint:task:task_newtask", dtrace: "proc:::create" },
  process_exit: { bpftrace: "tracepoint:sched:sched_process_exit", dtrace: "proc:::exit" },
  cgroup_socket: null,
  lsm: null,
};

const BUILTIN: readonly { name: string; type: ProgramType }[] = [
  { name: "syscall_tracer", type: "syscall_entry" },
  { name: "process_fork", type: "process_fork" },
  { name: "process_exec", type: "process_exec" },
  { name: "process_exit", type: "process_exit" },
];

interface Activity {
  start: number;
  /** The process as `/proc` last showed it (its name and ids outlive it: exits are delivered late). */
  proc?: BackendProcess;
  files: FileEvent[];
  filesTotal: number;
  network: NetworkEvent[];
  networkTotal: number;
  exitCode?: number;
  signal?: string;
  exited: boolean;
}

/**
 * A timed record held for ordering, with what is done on arrival: a reported call's verdict (and
 * its kill, which must not wait), and `/proc`'s view of a new process before it can be gone.
 */
interface HeldRecord {
  readonly record: TimedTraceRecord;
  /** `sys` of a rule: the event to deliver, or `null` when the call is allowed. */
  readonly decided?: Omit<SyscallEvent, "time"> | null;
  /** `fork`/`exec`/`exit`: the process as `/proc` showed it when the line arrived. */
  readonly proc?: BackendProcess | undefined;
}

interface Applied {
  set: FilterSet;
  enforce: boolean;
  /** Per layer index: the processes it applies to (running ones at apply, their children, matches at exec). */
  members: Map<number, Set<number>>;
  /** Per layer index: an evaluator of that layer alone. */
  evaluators: Map<number, Evaluator>;
}

function addCount(into: Map<number, Map<string, number>>, pid: number, key: string, n: number) {
  let m = into.get(pid);
  if (!m) into.set(pid, m = new Map());
  m.set(key, (m.get(key) ?? 0) + n);
}

function isKill(action: Action): boolean {
  return action === "kill" || action === "kill_thread";
}

function familyOf(n: number): NetworkEvent["family"] {
  return n === 2 ? "inet" : [10, 26, 28, 30].includes(n) ? "inet6" : n === 1 ? "unix" : "other";
}

/**
 * The tracing-script backend. Create with {@linkcode DtraceBackend.create}, then `open(sink)`.
 *
 * @example
 * ```ts ignore
 * import { DtraceBackend } from "@cordon/cordon/dtrace";
 * using backend = await DtraceBackend.create({ tracer: "bpftrace" });
 * await backend.open({ emit: (e) => console.log(e), lost: () => {} });
 * await backend.monitorProcess(1234);
 * ```
 */
export class DtraceBackend implements Backend {
  /** The backend kind. */
  static readonly kind = "dtrace" as const;
  /** The backend kind. */
  readonly kind = "dtrace" as const;
  /** One line for humans. */
  readonly description: string;
  /** The tracer driven. */
  readonly tracer: TracerInfo;

  readonly #options: DtraceBackendOptions;
  /** A path nobody has: stat-ing it stops a bpftrace script after its last line (see TraceScriptSpec.stop). */
  readonly #stopPath = `/nonexistent/cordon-stop-${crypto.randomUUID()}`;
  #sink: EventSink | undefined;
  #opened = false;
  #closed = false;
  #runner: TraceRunner | undefined;
  /** The running script's records, put back into kernel order. */
  #reorder: ReorderBuffer<HeldRecord> | undefined;
  #spec: TraceScriptSpec | undefined;
  #syncing: Promise<void> | undefined;
  #dirty = false;
  #syncError: unknown;
  #pids = new Set<number>();
  #comms = new Set<string>();
  #all = false;
  #interest: Set<string> = new Set(["file", "network", "process"]);
  #applied: Applied | undefined;
  #programs = new ProgramRegistry();
  /** Counts of scripts that have stopped, and the latest snapshot of the running one. */
  #base = new Map<number, Map<string, number>>();
  #snapshot = new Map<number, Map<string, number>>();
  #building: Map<number, Map<string, number>> | undefined;
  #activity = new Map<number, Activity>();
  #onDied: ((error: TracerError) => void) | undefined;
  #figures = {
    eventsDelivered: 0,
    tracerRestarts: 0,
    tracerDeaths: 0,
    /** Tracers that did not exit within 10 s of SIGINT and were killed (their last counts are lost). */
    tracerForcedStops: 0,
    linesMalformed: 0,
    /** Records that came more than the reorder window late, delivered after later ones. */
    linesLate: 0,
    /** Records released before their time because the reorder buffer was full (a flood). */
    linesForced: 0,
    eventsDropped: 0,
    attachMs: 0,
    kills: 0,
    userKills: 0,
    argsAllowed: 0,
  };

  private constructor(tracer: TracerInfo, options: DtraceBackendOptions) {
    this.tracer = tracer;
    this.#options = options;
    this.description = `${tracer.kind} script runner (${tracer.version}, ${tracer.path})`;
  }

  /** Probes for the OS's tracer; never throws. */
  static probe(): Promise<BackendProbe> {
    return DtraceBackend.probeTracer(tracerFor(Deno.build.os));
  }

  /** Probes for `kind`; never throws. */
  static async probeTracer(
    kind: TracerKind,
    options: DtraceBackendOptions = {},
  ): Promise<BackendProbe> {
    try {
      const tracer = await findTracer(kind, {
        ...(options.tracerPath ? { path: options.tracerPath } : {}),
        ...(options.skipPrivilegeCheck ? { skipPrivilegeCheck: true } : {}),
      });
      return {
        kind: "dtrace",
        available: true,
        reason: `${tracer.version} at ${tracer.path}`,
        features: [{ name: kind, status: "available", detail: tracer.version }],
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        kind: "dtrace",
        available: false,
        reason: message,
        features: [{
          name: kind,
          status: error instanceof TracerError && error.code !== "TRACER_FAILED"
            ? "not-supported"
            : "inconclusive",
          detail: message,
        }],
      };
    }
  }

  /**
   * Finds the tracer and checks privileges (nothing runs until a process is watched).
   *
   * @throws {EngineError} `UNSUPPORTED_PLATFORM` (no tracer), `PERMISSION_DENIED` (not root)
   */
  static async create(options: DtraceBackendOptions = {}): Promise<DtraceBackend> {
    const kind = options.tracer ?? tracerFor(Deno.build.os);
    try {
      const tracer = await findTracer(kind, {
        ...(options.tracerPath ? { path: options.tracerPath } : {}),
        ...(options.skipPrivilegeCheck ? { skipPrivilegeCheck: true } : {}),
      });
      return new DtraceBackend(tracer, options);
    } catch (error) {
      throw toEngineError(error);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new EngineError("CLOSED", `the ${this.tracer.kind} backend is closed`);
    if (!this.#opened) {
      throw new EngineError("CLOSED", `the ${this.tracer.kind} backend is not open yet`);
    }
  }

  /** What the backend can use here. */
  features(): readonly FeatureStatus[] {
    return [
      { name: this.tracer.kind, status: "available", detail: this.tracer.version },
      {
        name: "preventive deny",
        status: "not-supported",
        detail: "a tracer observes calls and can kill the caller; it cannot stop a call",
      },
    ];
  }

  /**
   * Sets the listener of the tracer stopping on its own (crash, killed, refused a probe). Not
   * part of {@linkcode Backend}: `cordon monitor`/`apply` stop and report it. Without one the
   * backend writes the error to stderr.
   */
  onTracerDied(listener: ((error: TracerError) => void) | undefined): void {
    this.#onDied = listener;
  }

  /** Starts delivering events to `sink`; the tracer starts once something is watched. */
  open(sink: EventSink): Promise<void> {
    if (this.#closed) throw new EngineError("CLOSED", `the ${this.tracer.kind} backend is closed`);
    if (this.#opened) throw new EngineError("INVALID_ARGUMENT", "the backend is already open");
    this.#opened = true;
    this.#sink = sink;
    const now = Date.now();
    for (const { name, type } of BUILTIN) {
      this.#programs.add({
        name,
        type,
        attached: true,
        enabled: true,
        builtin: true,
        maps: ["@c", "@w"],
        loadedAt: now,
        attachPoint: ATTACH[type]![this.tracer.kind],
      });
    }
    return Promise.resolve();
  }

  /** What applying `set` would enforce with a tracer, computed without changing anything. */
  plan(set: FilterSet): EnforcementPlan {
    const tracer = this.tracer.kind;
    const layers = set.layers.map((layer): LayerEnforcement => {
      const degraded: string[] = [];
      const filter = layer.arches.find((f) => f.arch === "x86_64") ?? layer.arches[0];
      const actions = new Set<Action>();
      const denied = new Set<string>();
      for (const d of filter?.syscalls ?? []) {
        for (const decision of [...d.cases.map((c) => c.decision), d.otherwise]) {
          const action = intendedAction(decision);
          if (action === "allow") continue;
          actions.add(action);
          if (!isKill(action) && action !== "log" && !isAudited(decision)) {
            denied.add(d.name ?? `#${d.nr}`);
          }
        }
      }
      let syscalls: EnforcementLevel = actions.size === 0 ? "not-needed" : "observe";
      if ([...actions].some(isKill) && layer.mode !== "audit") syscalls = "kill-after";
      if (denied.size) {
        const names = [...denied].slice(0, 8);
        degraded.push(
          `Policy "${layer.policy}": syscall deny (${names.join(", ")}${
            denied.size > 8 ? ", …" : ""
          }) ` +
            `cannot be enforced by ${tracer}: a tracer observes calls and can only kill the caller. ` +
            "The calls will be reported (log). Launch the program with `cordon run` (seccomp) to " +
            "deny them, or use action kill (the process is killed after the call)",
        );
      }
      if (layer.target === undefined) {
        degraded.push(
          `Policy "${layer.policy}" has no target: \`apply\` confines running processes named by target ` +
            `(pids, comms, executables, cgroups, uids); use \`cordon run\` for what you launch`,
        );
      } else if (layer.target.executables || layer.target.cgroups) {
        degraded.push(
          `Policy "${layer.policy}": with ${tracer}, executables and cgroups are matched among the ` +
            "processes running at apply (and their children); processes started later are matched " +
            "by comm and uid only",
        );
      }
      let network: EnforcementLevel = "not-needed";
      if (layer.network) {
        network = "observe";
        degraded.push(
          `Policy "${layer.policy}": network rules need cgroup BPF (the linux backend); ${tracer} ` +
            "reports connects but cannot deny them",
        );
      }
      let filesystem: EnforcementLevel = "not-needed";
      if (layer.filesystem) {
        filesystem = "observe";
        degraded.push(
          `Policy "${layer.policy}": filesystem rules are enforced by Landlock on launched programs only ` +
            `(\`cordon run\`); ${tracer} reports opens but cannot restrict paths`,
        );
      }
      let limits: EnforcementLevel = "not-needed";
      if (layer.limits?.syscallsPerSecond) {
        limits = "observe";
        degraded.push(
          `Policy "${layer.policy}": limits.syscallsPerSecond is neither applied nor reported by ${tracer} ` +
            "(the linux backend counts rates in the kernel)",
        );
      }
      return { policy: layer.policy, syscalls, network, filesystem, limits, degraded };
    });
    return { backend: "dtrace", layers };
  }

  /**
   * Replaces the applied set: resolves the running processes each layer targets, then restarts
   * the script with the new rules. On failure the previous set is restored.
   */
  async apply(set: FilterSet, options: ApplyOptions): Promise<void> {
    this.#assertOpen();
    const previous = this.#applied;
    const members = new Map<number, Set<number>>();
    const evaluators = new Map<number, Evaluator>();
    const running = set.layers.some((l) => l.target !== undefined) ? listProcesses() : [];
    set.layers.forEach((layer, i) => {
      if (layer.target === undefined) return;
      const pids = new Set<number>();
      for (const proc of running) {
        if (proc.pid === this.#runner?.pid) continue;
        const info = {
          pid: proc.pid,
          ...(proc.comm !== undefined ? { comm: proc.comm } : {}),
          ...(proc.executable !== undefined ? { executable: proc.executable } : {}),
          ...(proc.cgroup !== undefined ? { cgroup: proc.cgroup } : {}),
          ...(proc.uid !== undefined ? { uid: proc.uid } : {}),
        };
        if (targetMatches(layer.target, info)) pids.add(proc.pid);
      }
      members.set(i, pids);
      evaluators.set(i, new Evaluator({ version: 1, layers: [layer] }));
      for (const pid of pids) this.#activityOf(pid, true);
    });
    this.#applied = { set, enforce: options.enforce, members, evaluators };
    try {
      await this.#sync();
    } catch (error) {
      this.#applied = previous;
      try {
        await this.#sync();
      } catch {
        // the original error says why
      }
      throw error;
    }
  }

  /** Streams only the event kinds someone wants (the script is restarted when that changes). */
  setInterest(interest: EventInterest): void {
    this.#assertOpen();
    this.#interest = new Set(interest.kinds);
    this.#schedule();
  }

  /** Starts collecting for `pid` and its future children. */
  async monitorProcess(pid: number): Promise<void> {
    this.#assertOpen();
    if (!readProcess(pid)) {
      throw new EngineError("PROCESS_NOT_FOUND", `no process with pid ${pid}`, {
        subject: String(pid),
      });
    }
    this.#pids.add(pid);
    this.#activityOf(pid, true);
    await this.#sync();
  }

  /**
   * Monitors the running processes named `comm` and, from their exec on, new ones. Returns the
   * pids found running. Not part of {@linkcode Backend} (as on the eBPF backend); call
   * {@linkcode DtraceBackend.flush} to wait for the script.
   */
  monitorComm(comm: string): number[] {
    this.#assertOpen();
    this.#comms.add(comm);
    const found = listProcesses().filter((p) => p.comm === comm.slice(0, 15)).map((p) => p.pid);
    for (const pid of found) {
      this.#pids.add(pid);
      this.#activityOf(pid, true);
    }
    this.#schedule();
    return found;
  }

  /** Monitors every process but this one and the tracer. Not part of {@linkcode Backend}. */
  monitorEverything(): void {
    this.#assertOpen();
    this.#all = true;
    this.#schedule();
  }

  /**
   * Waits until the script reflects every change made so far, and delivers every record held for
   * ordering (an exit still waits for the count snapshot after it); throws what starting it threw.
   */
  async flush(): Promise<void> {
    try {
      await this.#settle();
    } finally {
      this.#reorder?.flush();
    }
  }

  /** Waits until the script reflects every change made so far; throws what starting it threw. */
  async #settle(): Promise<void> {
    while (this.#syncing || this.#dirty) {
      if (this.#syncing) await this.#syncing.catch(() => {});
      else await this.#sync().catch((error) => this.#syncError = error);
    }
    if (this.#syncError !== undefined) {
      const error = this.#syncError;
      this.#syncError = undefined;
      throw error;
    }
  }

  #schedule(): void {
    this.#dirty = true;
    if (!this.#syncing) {
      queueMicrotask(() => {
        if (!this.#syncing && this.#dirty && !this.#closed) {
          this.#sync().catch((error) => this.#syncError = error);
        }
      });
    }
  }

  async #sync(): Promise<void> {
    this.#dirty = true;
    while (this.#syncing) await this.#syncing.catch(() => {});
    if (!this.#dirty || this.#closed) return;
    this.#dirty = false;
    this.#syncing = this.#restart();
    try {
      await this.#syncing;
    } finally {
      this.#syncing = undefined;
    }
  }

  #buildSpec(): TraceScriptSpec {
    const applied = this.#applied;
    const events: TraceEvents = {
      syscall: this.#interest.has("syscall") && this.#active("syscall_entry"),
      file: this.#interest.has("file") && this.#active("file_access"),
      network: this.#interest.has("network") && this.#active("network_socket"),
      process: true,
    };
    const live = (pids: Iterable<number>) =>
      [...pids].filter((pid) => !this.#activity.get(pid)?.exited);
    return traceScriptSpec(applied?.set ?? { version: 1, layers: [] }, {
      pids: live(this.#pids),
      comms: [...this.#comms],
      all: this.#all,
      exclude: [Deno.pid],
      events,
      enforce: applied?.enforce ?? true,
      layerPids: new Map([...(applied?.members ?? [])].map(([i, s]) => [i, live(s)])),
      stop: { pid: Deno.pid, path: this.#stopPath },
    });
  }

  #active(type: ProgramType): boolean {
    const programs = this.#programs.list().filter((p) => p.type === type);
    // Streams that no program was loaded for follow the interest alone.
    return programs.length === 0 || programs.some((p) => p.attached && p.enabled);
  }

  async #restart(): Promise<void> {
    const spec = this.#buildSpec();
    const old = this.#runner;
    if (old) {
      const held = this.#reorder;
      this.#runner = undefined;
      this.#reorder = undefined;
      const exit = await old.stop();
      if (exit.signal === "SIGKILL") this.#figures.tracerForcedStops++;
      this.#release(held);
      this.#fold();
    }
    this.#spec = spec;
    const watching = spec.all || spec.pids.length > 0 || spec.comms.length > 0 ||
      spec.rules.length > 0;
    if (!watching || this.#closed) return;
    const script = this.tracer.kind === "bpftrace" ? emitBpftrace(spec) : emitDtrace(spec);
    const reorder = new ReorderBuffer<HeldRecord>({
      windowMs: REORDER_WINDOW_MS[this.tracer.kind],
      release: (held, time) => this.#onTimed(held, time, spec),
    });
    let runner: TraceRunner | undefined;
    runner = await TraceRunner.start({
      tracer: this.tracer,
      script,
      unsafe: needsUnsafe(spec),
      ...(this.tracer.kind === "bpftrace" ? { stopPath: this.#stopPath } : {}),
      ...(this.#options.readyTimeoutMs ? { readyTimeoutMs: this.#options.readyTimeoutMs } : {}),
      onReady: (record) => reorder.ready(record.time),
      onRecord: (record) => this.#onRecord(record, spec, reorder),
      onMalformed: () => this.#figures.linesMalformed++,
      onLost: (count) => this.#lost(count),
      onExit: (error) => {
        if (this.#runner !== runner) return;
        this.#runner = undefined;
        this.#reorder = undefined;
        this.#release(reorder);
        this.#fold();
        this.#figures.tracerDeaths++;
        if (this.#onDied) this.#onDied(error);
        else console.error(`cordon: ${error.message}`);
      },
    }).catch((error) => {
      this.#release(reorder);
      throw toEngineError(error);
    });
    if (this.#closed) {
      runner.close();
      runner = undefined;
      this.#release(reorder);
      return;
    }
    this.#runner = runner;
    this.#reorder = reorder;
    if (old) this.#figures.tracerRestarts++;
    this.#figures.attachMs = runner.attachMs;
  }

  /** Records the tracer dropped: reported, never hidden (counts are kept in the tracer, unaffected). */
  #lost(count: number): void {
    this.#figures.eventsDropped += count;
    this.#sink?.lost(count);
  }

  /** A script has ended (its output is read): every record it held goes out, in order. */
  #release(reorder: ReorderBuffer<HeldRecord> | undefined): void {
    if (!reorder) return;
    reorder.close();
    this.#figures.linesLate += reorder.late;
    this.#figures.linesForced += reorder.forced;
  }

  /** The stopped script's last snapshot becomes part of the base counts. */
  #fold(): void {
    for (const [pid, counts] of this.#snapshot) {
      for (const [key, n] of counts) addCount(this.#base, pid, key, n);
    }
    this.#snapshot = new Map();
    this.#building = undefined;
  }

  #emit(event: SyscallEvent | FileEvent | NetworkEvent | ProcessEvent): void {
    // Decided calls and process events always go out (as on the eBPF backend); the rest by interest.
    const always = event.kind === "process" || (event.kind === "syscall" && event.verdict);
    if (!always && !this.#interest.has(event.kind)) return;
    this.#figures.eventsDelivered++;
    this.#sink?.emit(event);
  }

  #activityOf(pid: number, create = false, proc?: BackendProcess): Activity | undefined {
    let a = this.#activity.get(pid);
    if (a && proc && proc.start === a.start) a.proc = proc; // never a later process's, pid reused
    if (!a && create) {
      const seen = proc ?? readProcess(pid);
      a = {
        start: seen?.start ?? Date.now(),
        ...(seen ? { proc: seen } : {}),
        files: [],
        filesTotal: 0,
        network: [],
        networkTotal: 0,
        exited: false,
      };
      this.#activity.set(pid, a);
    }
    return a;
  }

  #watched(pid: number): boolean {
    if (this.#all || this.#pids.has(pid)) return true;
    for (const members of this.#applied?.members.values() ?? []) if (members.has(pid)) return true;
    return false;
  }

  /**
   * A record as it arrives. Snapshot and loss lines are handled at once; timed records go to the
   * reorder buffer, which hands them to `#onTimed` in kernel order.
   */
  #onRecord(record: TraceRecord, spec: TraceScriptSpec, reorder: ReorderBuffer<HeldRecord>): void {
    if (isTimedRecord(record)) {
      switch (record.type) {
        case "ready":
          return; // a second one; the first is the runner's (onReady)
        case "sys":
          // Decided (and killed) now: a kill must not wait for the order.
          reorder.push(record.time, {
            record,
            ...(record.rule >= 0 ? { decided: this.#decide(record, spec) } : {}),
          });
          return;
        case "fork":
        case "exec":
        case "exit":
          // Delivered later, in order: what /proc says of the process now, before it can be gone.
          reorder.push(
            record.time,
            { record, proc: readProcess(record.pid) },
            record.type === "exit",
          );
          return;
        default:
          reorder.push(record.time, { record });
          return;
      }
    }
    switch (record.type) {
      case "dump-begin":
        this.#building = new Map();
        return;
      case "count": {
        if (!this.#building) return;
        const call = scriptSyscall(record.nr);
        const name = record.name ?? syscallName(call.arch, call.nr) ?? `#${call.nr}`;
        const key = call.arch === "x86_64" ? name : `${call.arch}:${name}`;
        addCount(this.#building, record.pid, key, record.count);
        return;
      }
      case "dump-end":
        if (this.#building) this.#snapshot = this.#building;
        this.#building = undefined;
        // The exits that arrived before this snapshot have their final counts now.
        reorder.dumped();
        return;
      case "lost":
        this.#lost(record.count);
        return;
    }
  }

  /** A timed record, in kernel order; `time` is its kernel time as epoch ms. */
  #onTimed(held: HeldRecord, time: number, spec: TraceScriptSpec): void {
    const { record } = held;
    switch (record.type) {
      case "sys":
        if (held.decided === undefined) this.#emit({ ...this.#syscallEvent(record), time });
        else if (held.decided !== null) this.#emit({ ...held.decided, time });
        return;
      case "file": {
        const file: FileEvent = {
          kind: "file",
          time,
          pid: record.pid,
          ...(record.tid !== record.pid ? { tid: record.tid } : {}),
          op: (record.flags & 0o100) !== 0 ? "create" : "open",
          path: record.path,
          flags: record.flags,
          syscall: record.syscall.replace(/_nocancel$/, ""),
          result: record.ret,
        };
        const a = this.#activityOf(record.pid, this.#watched(record.pid));
        if (a) {
          a.filesTotal++;
          a.files.push(file);
          if (a.files.length > ACTIVITY_LIMIT) a.files.shift();
        }
        this.#emit(file);
        return;
      }
      case "connect": {
        const net: NetworkEvent = {
          kind: "network",
          time,
          pid: record.pid,
          ...(record.tid !== record.pid ? { tid: record.tid } : {}),
          op: "connect",
          family: familyOf(record.family),
          protocol: "other",
          address: record.address,
          port: record.port,
          syscall: "connect",
          result: record.ret,
        };
        const a = this.#activityOf(record.pid, this.#watched(record.pid));
        if (a) {
          a.networkTotal++;
          a.network.push(net);
          if (a.network.length > ACTIVITY_LIMIT) a.network.shift();
        }
        this.#emit(net);
        return;
      }
      case "fork": {
        if (!this.#all) this.#pids.add(record.pid);
        for (const members of this.#applied?.members.values() ?? []) {
          if (members.has(record.ppid)) members.add(record.pid);
        }
        this.#activityOf(record.pid, true, held.proc);
        this.#emit({ kind: "process", time, pid: record.pid, ppid: record.ppid, op: "fork" });
        return;
      }
      case "exec": {
        const proc = held.proc;
        if (!this.#all) this.#pids.add(record.pid);
        const applied = this.#applied;
        spec.rules.forEach((rule) => {
          if (!rule.atExec || !applied || !proc) return;
          const info = {
            pid: record.pid,
            ...(proc.comm ? { comm: proc.comm } : {}),
            ...(proc.uid !== undefined ? { uid: proc.uid } : {}),
          };
          if (targetMatches(applied.set.layers[rule.layer]!.target, info)) {
            applied.members.get(rule.layer)?.add(record.pid);
          }
        });
        this.#activityOf(record.pid, true, proc);
        // bpftrace gives the path; DTrace the command line (its first word is the program).
        const executable = this.tracer.kind === "dtrace" ? record.path.split(" ")[0]! : record.path;
        this.#emit({
          kind: "process",
          time,
          pid: record.pid,
          ppid: record.ppid,
          op: "exec",
          executable,
          ...(proc?.comm ? { comm: proc.comm } : {}),
        });
        return;
      }
      case "exit": {
        // Released after the snapshot that followed its line: its counts are final.
        const signal = record.status & 0x7f;
        const exit: ProcessEvent = {
          kind: "process",
          time,
          pid: record.pid,
          op: "exit",
          ...(signal === 0
            ? { exitCode: (record.status >> 8) & 0xff }
            : { signal: signal === 0x7f ? "unknown" : signalName(signal) ?? `SIG${signal}` }),
        };
        const a = this.#activityOf(record.pid, this.#watched(record.pid), held.proc);
        if (a) {
          a.exited = true;
          if (exit.exitCode !== undefined) a.exitCode = exit.exitCode;
          if (exit.signal !== undefined) a.signal = exit.signal;
        }
        this.#pids.delete(record.pid);
        for (const members of this.#applied?.members.values() ?? []) members.delete(record.pid);
        this.#emit(exit);
        return;
      }
      default:
        return;
    }
  }

  /** The event of a `sys` record, without its time. */
  #syscallEvent(record: Extract<TraceRecord, { type: "sys" }>): Omit<SyscallEvent, "time"> {
    const call = record.nr >= 0 ? scriptSyscall(record.nr) : undefined;
    const arch: Arch = call?.arch ?? "x86_64";
    const nr = call ? call.nr : syscallNumber(arch, record.name ?? "") ?? -1;
    const name = record.name ?? syscallName(arch, nr) ?? null;
    return {
      kind: "syscall" as const,
      pid: record.pid,
      ...(record.tid !== record.pid ? { tid: record.tid } : {}),
      arch,
      nr,
      name,
      args: record.args,
    };
  }

  /**
   * The verdict on a call a rule reported, decided (and a kill sent) as its line arrives: the
   * event to deliver in order, or `null` when the arguments allow the call.
   */
  #decide(
    record: Extract<TraceRecord, { type: "sys" }>,
    spec: TraceScriptSpec,
  ): Omit<SyscallEvent, "time"> | null {
    const base = this.#syscallEvent(record);
    const { arch, nr } = base;
    const rule = spec.rules[record.rule];
    const applied = this.#applied;
    if (!rule || !applied || nr < 0) return null;
    const layer = applied.set.layers[rule.layer];
    const verdict = applied.evaluators.get(rule.layer)?.decide(arch, nr, record.args);
    if (!layer || !verdict) return null;
    const action = intendedAction(verdict);
    if (action === "allow") {
      this.#figures.argsAllowed++;
      return null;
    }
    const audit = isAudited(verdict) || !applied.enforce;
    let enforced = false;
    if (isKill(action) && !audit) {
      const key = arch === "i386" ? nr + I386_NR_OFFSET : nr; // how the rule's calls are keyed
      const inKernel = rule.calls.some((c) => c.nr === key && c.action === "kill");
      if (inKernel) {
        enforced = true;
        this.#figures.kills++;
      } else {
        try {
          Deno.kill(record.pid, "SIGKILL");
          enforced = true;
          this.#figures.userKills++;
        } catch {
          // already gone
        }
      }
    }
    return {
      ...base,
      verdict: {
        action,
        ruleId: verdict.ruleId,
        policy: verdict.policy,
        ...(verdict.errno !== undefined && action === "deny" ? { errno: verdict.errno } : {}),
        enforced,
        ...(audit ? { audit: true } : {}),
        loc: verdict.loc,
      },
    };
  }

  /** Stops collecting for `pid`. */
  async unmonitorProcess(pid: number): Promise<void> {
    this.#assertOpen();
    if (!this.#pids.has(pid) && !this.#activity.has(pid)) {
      throw new EngineError("PROCESS_NOT_MONITORED", `process ${pid} is not monitored`, {
        subject: String(pid),
      });
    }
    this.#pids.delete(pid);
    this.#activity.delete(pid);
    this.#base.delete(pid);
    this.#snapshot.delete(pid);
    await this.#sync();
  }

  /** Pids watched (live ones). */
  monitoredPids(): readonly number[] {
    const pids = new Set<number>();
    for (const [pid, a] of this.#activity) if (!a.exited && this.#watched(pid)) pids.add(pid);
    return [...pids].sort((a, b) => a - b);
  }

  /** What the system says about `pid`, or what was known when it exited. */
  process(pid: number): BackendProcess | undefined {
    const a = this.#activity.get(pid);
    if (a && !a.exited) {
      const live = readProcess(pid);
      if (live) {
        a.proc = live;
        return live;
      }
    }
    if (a) return { ...(a.proc ?? { pid, start: a.start }), exited: true };
    return readProcess(pid);
  }

  /** Counts and recent activity of a watched process (counts as of the latest snapshot). */
  activity(pid: number): ProcessActivity | undefined {
    const a = this.#activity.get(pid);
    if (!a) return undefined;
    const bySyscall = new Map<string, number>();
    for (const source of [this.#base.get(pid), this.#snapshot.get(pid)]) {
      for (const [key, n] of source ?? []) bySyscall.set(key, (bySyscall.get(key) ?? 0) + n);
    }
    let syscalls = 0;
    for (const n of bySyscall.values()) syscalls += n;
    const proc = this.process(pid) ?? { pid, start: a.start, exited: true };
    return {
      ...proc,
      exited: a.exited,
      syscalls,
      bySyscall,
      files: a.files,
      filesTotal: a.filesTotal,
      network: a.network,
      networkTotal: a.networkTotal,
      ...(a.exitCode !== undefined ? { exitCode: a.exitCode } : {}),
      ...(a.signal !== undefined ? { signal: a.signal } : {}),
    };
  }

  /**
   * Registers a named program of `config.type`: its stream is part of the script (restarted).
   * `cgroup_socket` and `lsm` programs have no tracer equivalent.
   */
  async loadProgram(config: ProgramConfig): Promise<ProgramInfo> {
    this.#assertOpen();
    this.#programs.checkNew(config);
    const attach = ATTACH[config.type];
    if (attach === null) {
      throw new EngineError(
        "NOT_SUPPORTED",
        `"${config.type}" programs need the linux eBPF backend; a tracer has no equivalent`,
        { subject: config.type },
      );
    }
    const info: ProgramInfo = {
      name: config.name,
      type: config.type,
      attached: config.autoAttach ?? true,
      enabled: config.enabled ?? true,
      builtin: false,
      maps: [],
      loadedAt: Date.now(),
      attachPoint: attach[this.tracer.kind],
    };
    this.#programs.add(info);
    await this.#sync();
    return info;
  }

  /** A change to the registered programs, then the script they make. */
  async #change(change: (programs: ProgramRegistry) => void): Promise<void> {
    this.#assertOpen();
    change(this.#programs);
    await this.#sync();
  }

  /** Unregisters a program. */
  unloadProgram(name: string): Promise<void> {
    return this.#change((programs) => programs.remove(name));
  }

  /** Marks a program attached (its stream is in the script again). */
  attachProgram(name: string): Promise<void> {
    return this.#change((programs) => programs.attach(name));
  }

  /** Marks a program detached. */
  detachProgram(name: string): Promise<void> {
    return this.#change((programs) => programs.detach(name));
  }

  /** Mutes or unmutes a program. */
  setProgramEnabled(name: string, enabled: boolean): Promise<void> {
    return this.#change((programs) => programs.setEnabled(name, enabled));
  }

  /** Registered programs. */
  listPrograms(): readonly ProgramInfo[] {
    return this.#programs.list();
  }

  /** A tracer's maps are inside the tracer: none are listed. */
  listMaps(): readonly MapInfo[] {
    return [];
  }

  /** Figures: deliveries, restarts, deaths, malformed lines, attach time, kills, counts. */
  stats(): BackendStats {
    let syscalls = 0;
    for (const source of [this.#base, this.#snapshot]) {
      for (const counts of source.values()) for (const n of counts.values()) syscalls += n;
    }
    return {
      kind: "dtrace",
      figures: {
        ...this.#figures,
        linesLate: this.#figures.linesLate + (this.#reorder?.late ?? 0),
        linesForced: this.#figures.linesForced + (this.#reorder?.forced ?? 0),
        syscallsSeen: syscalls,
        monitoredProcesses: this.monitoredPids().length,
        tracerRunning: this.#runner ? 1 : 0,
      },
    };
  }

  /**
   * Stops the tracer (its final counts are read) and removes its script file. Idempotent. The
   * synchronous {@linkcode DtraceBackend.close} kills it without waiting for the final counts.
   */
  async stop(): Promise<void> {
    // Not flush(): the records held must wait for the tracer's last lines, which may be older.
    await this.#settle().catch(() => {});
    const runner = this.#runner;
    const held = this.#reorder;
    this.#runner = undefined;
    this.#reorder = undefined;
    if (runner) {
      const exit = await runner.stop();
      if (exit.signal === "SIGKILL") this.#figures.tracerForcedStops++;
    }
    this.#release(held);
    if (runner) this.#fold();
  }

  /**
   * Kills the tracer if it still runs and removes its script file; the records held for
   * ordering are delivered at once, and lines still read from the killed tracer unheld.
   * Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#runner?.close();
    this.#runner = undefined;
    this.#release(this.#reorder);
    this.#reorder = undefined;
  }

  /** Same as {@linkcode DtraceBackend.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** The spec of the running script (for tests and `--format json` reports). */
  get spec(): TraceScriptSpec | undefined {
    return this.#spec;
  }
}

/**
 * The factory `--backend bpftrace` selects: the tracing-script backend driving bpftrace,
 * whatever the OS's default tracer.
 *
 * @example
 * ```ts
 * import { BpftraceBackend } from "@cordon/cordon/dtrace";
 * if (BpftraceBackend.kind !== "dtrace") throw new Error();
 * ```
 */
export class BpftraceBackend {
  /** The backend kind. */
  static readonly kind = "dtrace" as const;

  private constructor() {}

  /** Probes for bpftrace; never throws. */
  static probe(): Promise<BackendProbe> {
    return DtraceBackend.probeTracer("bpftrace");
  }

  /** Creates the tracing-script backend driving bpftrace. */
  static create(options: BackendCreateOptions = {}): Promise<DtraceBackend> {
    return DtraceBackend.create({ ...options, tracer: "bpftrace" });
  }
}

BpftraceBackend satisfies BackendFactory;

function toEngineError(error: unknown): Error {
  if (!(error instanceof TracerError)) {
    return error instanceof Error ? error : new Error(String(error));
  }
  const code = error.code === "TRACER_NOT_FOUND"
    ? "UNSUPPORTED_PLATFORM"
    : error.code === "TRACER_PERMISSION" || error.code === "TRACER_SIP"
    ? "PERMISSION_DENIED"
    : error.code === "TRACER_DIED"
    ? "ATTACH_FAILED"
    : "LOAD_FAILED";
  return new EngineError(code, error.message, { cause: error, subject: error.tracer });
}
