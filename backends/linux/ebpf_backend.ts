/**
 * The Linux eBPF backend: the engine's {@linkcode Backend} on the real kernel, through Cordon's
 * own BPF programs (`bpf/`) loaded with libbpf.
 *
 * What it does with a policy, honestly (see `docs/ebpf.md`):
 * - syscall `log`: every call is reported (event with the deciding rule);
 * - syscall `kill`: `bpf_send_signal(SIGKILL)` from `sys_enter` — the call has already been
 *   made when a tracepoint runs, so the process dies right after it;
 * - syscall `deny` (and trap/trace/notify): prevented only through BPF LSM hooks where the
 *   kernel allows them; elsewhere nothing can stop a running process's call, and
 *   {@linkcode EbpfBackend.plan} says so (callers refuse, or accept it as `log`);
 * - `network`: preventive, through cgroup BPF programs on a cgroup the backend creates and moves
 *   the targets into (removed again on `close()`);
 * - `limits.syscallsPerSecond`: counted in the kernel; `log` reports, `kill` kills (after the call);
 * - `filesystem`: enforced by Landlock for what `cordon run` launches, not here.
 *
 * Requires `allow-ffi`, `allow-read`, `allow-write` (cgroupfs), root.
 *
 * @module
 */

import { isKilling } from "../../policies/types.ts";
import { strictness } from "../../policies/types.ts";
import type { Action, SourceLocation } from "../../policies/types.ts";
import type { FilterLayer, FilterSet } from "../../compile/filter_set.ts";
import { intendedAction, isAudited } from "../../compile/filter_set.ts";
import { type ProcessInfo, targetMatches } from "../../compile/target.ts";
import { Evaluator } from "../../compile/evaluate.ts";
import { layerMaps, type SlotDecision } from "../../compile/bpf_maps.ts";
import { deletePolicySlot, type SlotMaps, writePolicySlot } from "./policy_slots.ts";
import type {
  ApplyOptions,
  Backend,
  BackendCreateOptions,
  BackendProbe,
  BackendProcess,
  BackendStats,
  EnforcementPlan,
  EventInterest,
  EventSink,
  FeatureStatus,
  MapInfo,
  MapType,
  ProcessActivity,
  ProgramConfig,
  ProgramInfo,
  ProgramType,
} from "../../engine/backend.ts";
import { EngineError } from "../../engine/errors.ts";
import type { EngineEvent, NetworkEvent, SyscallEvent } from "../../engine/events.ts";
import { ProcessTable } from "../../engine/process_table.ts";
import {
  EbpfMonitor,
  killIncarnation,
  MONITOR_FEATURES,
  type MonitorConfig,
} from "./ebpf_monitor.ts";
import { BUILTIN_PROGRAMS, kernelProgram } from "../kernel_programs.ts";
import { ProgramRegistry } from "../program_registry.ts";
import { settle } from "../settle.ts";
import { ebpfEnforcementPlan } from "./ebpf_plan.ts";
import {
  countsByName,
  decodeKernelEvent,
  type EnforceReason,
  type KernelEvent,
  type KernelSyscall,
  NATIVE_ARCH,
} from "./kernel_event.ts";
import {
  bootEpochMs,
  listPids,
  processCgroup,
  processStartTicks,
  readProcess,
  ticksToEpochMs,
} from "./proc_facts.ts";
import { Cgroup, cleanStaleCgroups } from "./cgroup.ts";
import { CgroupFirewall } from "./cgroup_firewall.ts";
import { probeAllFeatures, probeFeature } from "./features.ts";
import { KernelError, NotSupportedError } from "./errors.ts";
import { VerifierError } from "./bpf_object.ts";
import {
  commKey,
  CORDON_ACT,
  CORDON_DECISION,
  CORDON_NR_SLOTS,
  CORDON_REASON,
  CORDON_SLOT_UNKNOWN,
  syscallSlot,
  u32Key,
  u64Key,
} from "../../bpf/structs.ts";
import { BPF_MAP_TYPE } from "./bpf_map.ts";

const MAP_TYPES: Record<number, MapType> = {
  [BPF_MAP_TYPE.hash]: "hash",
  [BPF_MAP_TYPE.array]: "array",
  [BPF_MAP_TYPE.percpu_array]: "percpu_array",
  [BPF_MAP_TYPE.lru_hash]: "lru_hash",
  [BPF_MAP_TYPE.ringbuf]: "ringbuf",
  [BPF_MAP_TYPE.task_storage]: "task_storage",
};

const ACTIVITY_LIMIT = 256;

/**
 * A kill the kernel side (or the backend) made on its own so that an enforcement is never lost:
 * see {@linkcode EbpfBackend.onEnforce}.
 */
export interface EnforceNotice {
  /**
   * Why: `procs-full` (a process with a policy could get no entry in the full process table),
   * `event-lost` (a call user space had to decide lost its event), `cgroup-escape` (a process left
   * its network cgroup, or was created outside it).
   */
  readonly reason: EnforceReason;
  /** The process killed. */
  readonly pid: number;
  /** The process that acted (forker, caller, writer of `cgroup.procs`). */
  readonly by: number;
  /** Its command name. */
  readonly comm: string;
  /** `cgroup-escape`: whether the writer was killed too (a confined process). */
  readonly writerKilled?: boolean;
  /** `cgroup-escape`: the id of the cgroup it was moved to. */
  readonly cgroupId?: bigint;
  /** ms since the epoch. */
  readonly time: number;
}

interface Applied {
  set: FilterSet;
  /** Per layer: maps and the network firewall. */
  layers: { layer: FilterLayer; cgroup?: Cgroup; firewall?: CgroupFirewall }[];
  /** Policy slots in use → the layer indexes they combine. */
  slots: Map<number, { layers: number[]; decisions: Map<number, SlotDecision> }>;
  /** Rule index → (policy, ruleId), per slot (shared numbering per apply). */
  evaluator: Evaluator;
  enforce: boolean;
}

/** Exits whose activity is kept after the process is gone (the oldest forgotten first). */
const EXITS_KEPT = 1024;

// Still importable from here: the event decoder's helpers and the reader of /proc.
export { formatAddress, netOp, netProtocol } from "./kernel_event.ts";
export { readProcess } from "./proc_facts.ts";

/**
 * The eBPF backend. Create with {@linkcode EbpfBackend.create}, then `open(sink)`.
 *
 * @example
 * ```ts ignore
 * import { EbpfBackend } from "@cordon/cordon/linux";
 * using backend = await EbpfBackend.create();
 * await backend.open({ emit: (e) => console.log(e), lost: (n) => console.warn(`${n} lost`) });
 * await backend.monitorProcess(1234);
 * ```
 */
export class EbpfBackend implements Backend {
  /** The backend kind. */
  static readonly kind = "linux" as const;
  /** The backend kind. */
  readonly kind = "linux" as const;
  /** One line for humans. */
  readonly description = "Linux eBPF (tp_btf tracepoints, cgroup BPF, libbpf through FFI)";

  #monitor: EbpfMonitor | undefined;
  #sink: EventSink | undefined;
  #closed = false;
  #bootMs = 0;
  #programs = new ProgramRegistry();
  #applied: Applied | undefined;
  /** The event kinds subscribers want ({@linkcode EbpfBackend.setInterest}), once said. */
  #interest: ReadonlySet<string> | undefined;
  #nextSlot = 1;
  /** Processes seen and the activity of monitored ones, keyed by `(pid, start)`. */
  #table = new ProcessTable({ activityLimit: ACTIVITY_LIMIT });
  #lastLost = 0n;
  #lostPoll: ReturnType<typeof setInterval> | undefined;
  #figures = {
    eventsDelivered: 0,
    eventsDropped: 0,
    mapUpdates: 0,
    netDenied: 0,
    netWouldDeny: 0,
    rateLimited: 0,
    argsAllowed: 0,
  };
  #all = false;
  #exited: number[] = [];
  #comms = new Set<string>();
  #onEnforce: ((notice: EnforceNotice) => void) | undefined;

  private constructor() {}

  /** Probes the kernel; never throws. */
  static probe(): Promise<BackendProbe> {
    try {
      if (Deno.build.os !== "linux") {
        return Promise.resolve({
          kind: "linux",
          available: false,
          reason: `not Linux (${Deno.build.os})`,
          features: [],
        });
      }
      const features = probeAllFeatures();
      const missing = MONITOR_FEATURES.map((n) => features.find((f) => f.name === n)!)
        .filter((f) => f.status !== "available");
      return Promise.resolve({
        kind: "linux",
        available: missing.length === 0,
        reason: missing.length === 0
          ? "BPF syscall, BTF, ring buffer and tp_btf tracepoints available"
          : missing.map((f) => `${f.name}: ${f.detail ?? f.status}`).join("; "),
        features,
      });
    } catch (error) {
      return Promise.resolve({
        kind: "linux",
        available: false,
        reason: `probe failed: ${error instanceof Error ? error.message : String(error)}`,
        features: [],
      });
    }
  }

  /** Creates the backend (nothing is loaded until `open`). */
  static create(options: BackendCreateOptions = {}): Promise<EbpfBackend> {
    try {
      return Promise.resolve(EbpfBackend.#createNow(options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  static #createNow(options: BackendCreateOptions): EbpfBackend {
    if (Deno.build.os !== "linux") {
      throw new EngineError(
        "UNSUPPORTED_PLATFORM",
        `the eBPF backend needs Linux, not ${Deno.build.os}`,
      );
    }
    if (options.arch !== undefined && options.arch !== NATIVE_ARCH) {
      throw new EngineError(
        "UNSUPPORTED_PLATFORM",
        `the eBPF backend's programs are built for ${NATIVE_ARCH} hosts, not "${options.arch}"`,
      );
    }
    if (Deno.uid() !== 0) {
      throw new EngineError(
        "PERMISSION_DENIED",
        "the eBPF backend needs root (CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN)",
      );
    }
    for (const name of MONITOR_FEATURES) {
      const status = probeFeature(name);
      if (status.status !== "available") {
        throw new EngineError(
          "NOT_SUPPORTED",
          `${name} not available: ${status.detail ?? status.status}`,
          {
            subject: name,
          },
        );
      }
    }
    return new EbpfBackend();
  }

  #assertOpen(): EbpfMonitor {
    if (this.#closed) throw new EngineError("CLOSED", "the eBPF backend is closed");
    if (!this.#monitor) throw new EngineError("CLOSED", "the eBPF backend is not open yet");
    return this.#monitor;
  }

  /** Feature probe results. */
  features(): readonly FeatureStatus[] {
    return probeAllFeatures();
  }

  /**
   * Sets the listener of the kills made to keep an enforcement that would otherwise be lost (a
   * full process table, a lost event user space had to decide, a process leaving its cgroup).
   * Not part of {@linkcode Backend}: `cordon apply` prints them.
   */
  onEnforce(listener: ((notice: EnforceNotice) => void) | undefined): void {
    this.#onEnforce = listener;
  }

  /** Loads and attaches the monitor, cleans cgroups left by crashed runs, starts event delivery. */
  open(sink: EventSink): Promise<void> {
    if (this.#closed) throw new EngineError("CLOSED", "the eBPF backend is closed");
    if (this.#monitor) {
      throw new EngineError("INVALID_ARGUMENT", "the eBPF backend is already open");
    }
    try {
      cleanStaleCgroups();
    } catch {
      // no cgroup v2: network rules will report it when asked for
    }
    this.#bootMs = bootEpochMs();
    this.#sink = sink;
    try {
      this.#monitor = EbpfMonitor.open({ procEvents: true });
    } catch (error) {
      throw wrapKernel(error, "load the syscall monitor");
    }
    const now = Date.now();
    // The builtin named programs and the kernel program of each type: backends/kernel_programs.ts.
    for (const { name, type } of BUILTIN_PROGRAMS) {
      const kernel = kernelProgram(type);
      this.#programs.add({
        name,
        type,
        attached: true,
        enabled: true,
        builtin: true,
        maps: kernel.maps.map((m) => m.name),
        loadedAt: now,
        kernelId: this.#monitor.object.program(kernel.program).info().id,
        attachPoint: kernel.attachPoint,
      });
    }
    const bootMs = this.#bootMs;
    this.#monitor.start((event) => this.#deliver(decodeKernelEvent(event, bootMs)), (error) => {
      this.#figures.eventsDropped++;
      console.error(`cordon: eBPF event delivery stopped: ${error}`);
    });
    this.#lostPoll = setInterval(() => this.#reportLost(), 100);
    return Promise.resolve();
  }

  #reportLost(): void {
    if (!this.#monitor || this.#monitor.closed) return;
    const lost = this.#monitor.kernelStats().lost; // every 100 ms: no scan of the live threads
    if (lost > this.#lastLost) {
      this.#sink?.lost(Number(lost - this.#lastLost));
      this.#figures.eventsDropped += Number(lost - this.#lastLost);
      this.#lastLost = lost;
    }
    if (this.#applied) {
      for (const { layer, firewall } of this.#applied.layers) {
        firewall?.poll((event) => this.#deliver(decodeKernelEvent(event, this.#bootMs), layer));
      }
    }
  }

  /**
   * Decoded kernel event → engine event (with the policy's verdict), process table and activity
   * bookkeeping, and actions decided in user space. `layer` is the layer whose cgroup programs
   * reported a network denial.
   */
  #deliver(decoded: KernelEvent, layer?: FilterLayer): void {
    const table = this.#table;
    let event: EngineEvent;
    switch (decoded.kind) {
      case "syscall": {
        const verdict = this.#syscallVerdict(decoded);
        if (verdict === undefined && !(decoded.raw.reason & CORDON_REASON.subscribed)) {
          // Streamed only for user space to decide its arguments, and allowed: nothing to report.
          this.#figures.argsAllowed++;
          return;
        }
        event = verdict ? { ...decoded.event, verdict } : decoded.event;
        break;
      }
      case "file": {
        event = decoded.event;
        const start = this.#activityStart(event.pid);
        if (start !== undefined) table.recordFile(decoded.event, start);
        break;
      }
      case "network":
      case "networkDenial": {
        let net = decoded.event;
        if (decoded.kind === "networkDenial") {
          const denial = networkVerdict(decoded.audited, net.op, layer);
          net = { ...net, verdict: denial };
          if (decoded.audited) this.#figures.netWouldDeny++;
          else this.#figures.netDenied++;
        }
        const start = this.#activityStart(net.pid);
        if (start !== undefined) table.recordNetwork(net, start);
        event = net;
        break;
      }
      case "exec": {
        event = decoded.event;
        const { raw } = decoded;
        if (table.isLive(raw.tgid)) table.exec(raw.tgid, raw.filename, raw.comm);
        else this.#known(raw.tgid);
        if (this.#comms.has(raw.comm)) this.#watch(raw.tgid);
        this.#onExec(raw.tgid);
        break;
      }
      case "fork": {
        event = decoded.event;
        const { raw } = decoded;
        const child = {
          pid: raw.childTgid,
          start: event.start!,
          ppid: raw.tgid,
          ...(raw.comm ? { comm: raw.comm } : {}),
        };
        // Children of monitored processes are monitored by the table (as by the kernel).
        if (!table.add(child) && this.#all) table.monitor(child.pid);
        break;
      }
      case "exit": {
        event = decoded.event;
        const { raw } = decoded;
        const start = table.startOf(raw.tgid);
        if (start !== undefined && table.isLive(raw.tgid)) {
          table.setSyscallCounts(raw.tgid, start, Number(raw.total), countsByName(raw.counts));
          table.exit(raw.tgid, event.exitCode, event.signal);
        }
        this.#exited.push(raw.tgid);
        // Bounded memory: keep what was collected for the most recent exits.
        if (this.#exited.length > EXITS_KEPT) table.forgetExited(this.#exited.shift()!);
        break;
      }
      case "rate":
        this.#figures.rateLimited++;
        return;
      case "enforce": {
        const { raw, reason } = decoded;
        if (!reason) return;
        this.#onEnforce?.({
          reason,
          pid: raw.targetTgid,
          by: raw.tgid,
          comm: raw.comm,
          ...(reason === "cgroup-escape"
            ? { writerKilled: raw.writerKilled, cgroupId: raw.cgroupId }
            : {}),
          time: decoded.time,
        });
        return;
      }
      default:
        return;
    }
    this.#figures.eventsDelivered++;
    this.#sink?.emit(event);
  }

  /**
   * The table's live process `pid`, read from `/proc` (and added) when the table does not have
   * it (a process that was running before, or whose fork event was lost).
   */
  #known(pid: number, facts?: BackendProcess): boolean {
    if (this.#table.isLive(pid)) return true;
    const proc = facts ?? readProcess(pid, this.#bootMs);
    if (proc === undefined) return false;
    const { exited: _, ...rest } = proc;
    this.#table.add(rest);
    return true;
  }

  /** Starts collecting activity for the live process `pid`; returns whether it is monitored. */
  #watch(pid: number, facts?: BackendProcess): boolean {
    if (!this.#known(pid, facts)) return false;
    this.#table.monitor(pid);
    return true;
  }

  /**
   * The start time of `pid` when its activity is collected (monitored, or every process with
   * `monitorEverything`), else `undefined`.
   */
  #activityStart(pid: number): number | undefined {
    const table = this.#table;
    if (table.isMonitored(pid) || (this.#all && this.#watch(pid))) return table.startOf(pid);
    return undefined;
  }

  /**
   * The policy's verdict on a syscall event the kernel streamed with a decision, or `undefined`
   * when the call is allowed (or no policy applies). Argument conditions are decided here, and a
   * `kill` they decide is sent from here (later than the kernel's own kill).
   */
  #syscallVerdict(decoded: KernelSyscall): SyscallEvent["verdict"] {
    const { raw } = decoded;
    const arch = decoded.event.arch;
    const applied = this.#applied;
    if (!applied || !(raw.reason & CORDON_REASON.decision)) return undefined;
    const decision = this.#slotDecision(raw.policy, raw.nr, raw.abi);
    let action: Action = decision?.policyAction ?? "allow";
    let audit = (raw.flags & CORDON_DECISION.audit) !== 0;
    let enforced = raw.action === CORDON_ACT.kill && !audit;
    let decided:
      | { ruleId: string | null; policy: string; errno?: number; loc: SourceLocation }
      | undefined = decision
        ? {
          ruleId: decision.ruleId,
          policy: decision.policy,
          loc: decision.loc,
          ...(decision.errno ? { errno: decision.errno } : {}),
        }
        : undefined;
    if (raw.flags & CORDON_DECISION.args) {
      // Arguments decided. In the kernel (the event's action is its decision, already applied)
      // unless the cases did not fit its table (USER): then here, killing by pidfd. Either way
      // the Evaluator names the deciding rule for the report.
      const inKernel = (raw.flags & CORDON_DECISION.user) === 0;
      const layers = applied.slots.get(raw.policy)?.layers ?? [];
      const byArgs = new Evaluator(
        { version: 1, layers: layers.map((i) => applied.set.layers[i]!) },
        { pid: raw.tgid, comm: raw.comm },
      ).decide(arch, raw.nr, raw.args);
      const wouldApply = intendedAction(byArgs);
      if (strictness(wouldApply) > strictness(action)) {
        action = wouldApply;
        audit = isAudited(byArgs) || !applied.enforce;
        enforced = false;
        decided = {
          ruleId: byArgs.ruleId,
          policy: byArgs.policy,
          loc: byArgs.loc,
          ...(byArgs.errno !== undefined ? { errno: byArgs.errno } : {}),
        };
        if (inKernel) {
          enforced = !audit && raw.action === CORDON_ACT.kill;
        } else if (isKilling(action) && !audit) {
          enforced = this.#killCaller(raw);
        }
      }
    }
    if (action === "allow" || decided === undefined) return undefined;
    return {
      action,
      ruleId: decided.ruleId,
      policy: decided.policy,
      ...(decided.errno !== undefined && action === "deny" ? { errno: decided.errno } : {}),
      enforced,
      ...(audit ? { audit: true } : {}),
      loc: decided.loc,
    };
  }

  /**
   * Kills, by pidfd, the process that made the call of `raw`, only while its pid still names
   * that process: the kernel's entry for the tgid must be of a process that started before the
   * call (an entry of a later process with the reused pid started after it, and one that never
   * made a call has no `startNs`), and {@linkcode killIncarnation} checks the entry's start
   * ticks against `/proc` once the process is pinned by its pidfd. Returns whether it was killed.
   */
  #killCaller(raw: KernelSyscall["raw"]): boolean {
    const entry = this.#monitor?.proc(raw.tgid);
    if (entry === undefined || entry.startNs === 0n || entry.startNs > raw.tsNs) return false;
    if (entry.startTicks === 0n) return false;
    return killIncarnation(raw.tgid, entry.startTicks);
  }

  #slotDecision(slot: number, nr: number, abi: number): SlotDecision | undefined {
    const s = this.#applied?.slots.get(slot);
    if (!s) return undefined;
    const index = abi === 0 || abi === 1
      ? syscallSlot(nr, abi === 0 ? "native" : "compat")
      : CORDON_SLOT_UNKNOWN;
    return s.decisions.get(index);
  }

  /** A process matching new targets after exec: give it its layers (and network cgroup). */
  #onExec(pid: number): void {
    const applied = this.#applied;
    if (!applied) return;
    const info = readProcess(pid, this.#bootMs);
    if (!info) return;
    this.#assign(applied, info);
  }

  /** Puts `proc` under the layers that target it; returns the slot (0: none). */
  #assign(applied: Applied, proc: BackendProcess): number {
    // The incarnation confined here: a later process reusing the pid is never killed below.
    const ticks = processStartTicks(proc.pid);
    if (ticks === undefined || ticksToEpochMs(ticks, this.#bootMs) !== proc.start) return 0;
    const info: ProcessInfo = {
      pid: proc.pid,
      ...(proc.comm !== undefined ? { comm: proc.comm } : {}),
      ...(proc.executable !== undefined ? { executable: proc.executable } : {}),
      ...(proc.cgroup !== undefined ? { cgroup: proc.cgroup } : {}),
      ...(proc.uid !== undefined ? { uid: proc.uid } : {}),
    };
    const indexes = applied.set.layers
      .map((layer, i) => ({ layer, i }))
      .filter(({ layer }) => layer.target !== undefined && targetMatches(layer.target, info))
      .map(({ i }) => i);
    if (indexes.length === 0) return 0;
    const slot = this.#slotFor(applied, indexes);
    const monitor = this.#monitor!;
    monitor.track(proc.pid, slot);
    this.#watch(proc.pid, proc);
    let locked: Cgroup | undefined;
    for (const i of indexes) {
      const cgroup = applied.layers[i]!.cgroup;
      if (cgroup) {
        try {
          cgroup.addProcess(proc.pid);
          locked = cgroup;
        } catch {
          // exited meanwhile
        }
      }
    }
    if (locked) {
      // From now on the kernel kills the process (and its children) if it leaves the cgroup.
      // A move between our addProcess and the lock is caught by checking where it is after.
      monitor.track(proc.pid, slot, true, { cgroupId: locked.id });
      const where = processCgroup(proc.pid);
      if (where !== undefined && locked.root + where !== locked.path) {
        killIncarnation(proc.pid, ticks);
      }
    }
    return slot;
  }

  /** The policy slot for the combination `layers` (created and written when new). */
  #slotFor(applied: Applied, layers: number[]): number {
    const key = layers.join(",");
    for (const [slot, s] of applied.slots) if (s.layers.join(",") === key) return slot;
    const slot = this.#nextSlot++;
    const { decisions, updates } = writePolicySlot(
      this.#slotMaps(),
      slot,
      layers.map((i) => applied.set.layers[i]!),
      applied.enforce,
    );
    this.#figures.mapUpdates += updates;
    applied.slots.set(slot, { layers, decisions });
    return slot;
  }

  #deleteSlot(slot: number, decisions: Map<number, SlotDecision>): void {
    deletePolicySlot(this.#slotMaps(), slot, decisions);
  }

  #slotMaps(): SlotMaps {
    const monitor = this.#monitor!;
    return {
      decisions: monitor.map("decisions"),
      argCases: monitor.map("arg_cases"),
      limits: monitor.map("limits"),
    };
  }

  /** What applying `set` would enforce here, computed without changing anything. */
  plan(set: FilterSet): EnforcementPlan {
    return ebpfEnforcementPlan(set, {
      lsm: probeFeature("BPF LSM"),
      cgroupNet: probeFeature("cgroup sock_addr programs"),
    });
  }

  /**
   * Replaces the applied set. New decisions are written under new policy slots before processes
   * are switched to them and the old slots deleted, and new network rules are written to the
   * inactive bank before it is made active, so no call is decided without a policy in force.
   */
  async apply(set: FilterSet, options: ApplyOptions): Promise<void> {
    const monitor = this.#assertOpen();
    const previous = this.#applied;
    const applied: Applied = {
      set,
      layers: [],
      slots: new Map(),
      evaluator: new Evaluator(set),
      enforce: options.enforce,
    };
    try {
      layerMaps(set); // validates network rules before anything changes
      // Network: reuse the previous cgroup of a layer with the same policy name (swap rules).
      for (const layer of set.layers) {
        const old = previous?.layers.find((l) => l.layer.policy === layer.policy && l.firewall);
        const net = layerMaps({ version: 1, layers: [layer] })[0]!.net;
        if (!net) {
          applied.layers.push({ layer });
          continue;
        }
        const flags = options.enforce ? net.flags : net.flags | 0x04;
        if (old?.firewall && old.cgroup) {
          old.firewall.update({ flags, rules: net.rules });
          applied.layers.push({ layer, cgroup: old.cgroup, firewall: old.firewall });
          continue;
        }
        const cgroup = Cgroup.create();
        try {
          const firewall = CgroupFirewall.attach(cgroup, { flags, rules: net.rules }, 0);
          applied.layers.push({ layer, cgroup, firewall });
        } catch (error) {
          cgroup.close();
          throw error;
        }
      }
      // Targets: comms-only (new processes at exec, in the kernel), cgroups, and running processes.
      this.#applied = applied;
      const bootMs = this.#bootMs;
      for (const pid of listPids()) {
        if (pid === Deno.pid) continue;
        const proc = readProcess(pid, bootMs);
        if (proc) this.#assign(applied, proc);
      }
      const comms = monitor.map("comm_targets");
      for (const key of comms.keys()) comms.delete(key);
      set.layers.forEach((layer, i) => {
        const t = layer.target;
        const onlyComms = t?.comms && Object.values(t).filter((v) => v !== undefined).length === 1;
        if (onlyComms) {
          const slot = this.#slotFor(applied, [i]);
          for (const comm of t.comms!) comms.update(commKey(comm), u32Key(slot));
        }
      });
      const cgroups = monitor.map("cgroup_targets");
      for (const key of cgroups.keys()) cgroups.delete(key);
      set.layers.forEach((layer, i) => {
        const t = layer.target;
        const onlyCgroups = t?.cgroups &&
          Object.values(t).filter((v) => v !== undefined).length === 1;
        if (!onlyCgroups) return;
        const slot = this.#slotFor(applied, [i]);
        for (const path of t.cgroups!) {
          try {
            cgroups.update(u64Key(BigInt(Deno.statSync(path).ino ?? 0)), u32Key(slot));
          } catch {
            // a cgroup that does not exist yet: processes are matched at exec
          }
        }
      });
    } catch (error) {
      // Keep the previous set: release what this attempt created.
      for (const l of applied.layers) {
        if (previous?.layers.some((p) => p.firewall === l.firewall)) continue;
        l.firewall?.close();
        l.cgroup?.close();
      }
      for (const [slot, s] of applied.slots) this.#deleteSlot(slot, s.decisions);
      this.#applied = previous;
      throw wrapKernel(error, "apply the policy");
    }
    // The new set is in force: release what only the old one used.
    if (previous) {
      for (const [slot, s] of previous.slots) this.#deleteSlot(slot, s.decisions);
      for (const l of previous.layers) {
        if (applied.layers.some((n) => n.firewall === l.firewall)) continue;
        l.firewall?.close();
        l.cgroup?.close();
      }
      // Processes still pointing at an old slot and not re-assigned: unconfined now.
      for (const [pid, value] of monitor.procs()) {
        if (
          value.policy !== 0 && previous.slots.has(value.policy) && !applied.slots.has(value.policy)
        ) {
          monitor.track(pid, 0);
        }
      }
    }
    await Promise.resolve();
  }

  /** Streams only the event kinds someone wants. */
  setInterest(interest: EventInterest): void {
    const monitor = this.#assertOpen();
    const slots: number[] = [];
    if (interest.kinds.has("syscall")) { for (let s = 0; s < CORDON_NR_SLOTS; s++) slots.push(s); }
    this.#interest = interest.kinds;
    this.#syncFlags(monitor, { syscallSlots: slots });
  }

  /** Starts collecting for `pid` and its future children. */
  monitorProcess(pid: number): Promise<void> {
    const monitor = this.#assertOpen();
    const current = monitor.proc(pid);
    if (!monitor.track(pid, current?.policy ?? 0)) {
      throw new EngineError("PROCESS_NOT_FOUND", `no process with pid ${pid}`, {
        subject: String(pid),
      });
    }
    this.#watch(pid);
    return Promise.resolve();
  }

  /**
   * Monitors every process of the system (except this one): counts for all, events as the
   * interest says. Not part of {@linkcode Backend}: `cordon monitor` without `--pid`/`--comm`.
   */
  monitorEverything(): void {
    const monitor = this.#assertOpen();
    this.#all = true;
    monitor.configure({ traceAll: true });
  }

  /**
   * Monitors the running processes named `comm` and, from their exec on, new ones. Returns
   * the pids found running. Not part of {@linkcode Backend}: `cordon monitor --comm`.
   */
  monitorComm(comm: string): number[] {
    const monitor = this.#assertOpen();
    monitor.map("comm_targets").update(commKey(comm), u32Key(0));
    this.#comms.add(comm.slice(0, 15));
    const found: number[] = [];
    for (const pid of listPids()) {
      if (pid === Deno.pid) continue;
      const proc = readProcess(pid, this.#bootMs);
      if (proc?.comm === comm.slice(0, 15) && monitor.track(pid, monitor.proc(pid)?.policy ?? 0)) {
        this.#watch(pid, proc);
        found.push(pid);
      }
    }
    return found;
  }

  /** Stops collecting for `pid`. */
  unmonitorProcess(pid: number): Promise<void> {
    const monitor = this.#assertOpen();
    const current = monitor.proc(pid);
    let watched = true;
    try {
      this.#table.unmonitor(pid);
    } catch {
      watched = false;
    }
    if (!watched && !current) {
      throw new EngineError("PROCESS_NOT_MONITORED", `process ${pid} is not monitored`, {
        subject: String(pid),
      });
    }
    if (current && current.policy === 0) monitor.untrack(pid);
    return Promise.resolve();
  }

  /** Pids monitored (live ones). */
  monitoredPids(): readonly number[] {
    if (!this.#monitor || this.#closed) return [];
    return this.#monitor.pids().sort((a, b) => a - b);
  }

  /** What /proc says about `pid`, or what was known when it exited. */
  process(pid: number): BackendProcess | undefined {
    const live = readProcess(pid, this.#bootMs || bootEpochMs());
    if (live) return live;
    // Gone: what was known of it (name, ids), as the other backends report an exited process.
    const known = this.#table.get(pid);
    return known ? { ...known, exited: true } : undefined;
  }

  /**
   * Counts and recent file/network activity of a monitored process: counts live from the
   * kernel while it runs, from its exit event once it has exited.
   */
  activity(pid: number): ProcessActivity | undefined {
    const a = this.#table.activity(pid);
    const live = this.#monitor && !this.#closed ? this.#monitor.proc(pid) : undefined;
    if (!a && !live) return undefined;
    const proc = this.process(pid) ?? { pid, start: a?.start ?? 0, exited: true };
    return {
      ...proc,
      syscalls: live ? Number(live.total) : a?.syscalls ?? 0,
      bySyscall: live ? countsByName(live.counts) : a?.bySyscall ?? new Map(),
      files: a?.files ?? [],
      filesTotal: a?.filesTotal ?? 0,
      network: a?.network ?? [],
      networkTotal: a?.networkTotal ?? 0,
      ...(a?.exitCode !== undefined ? { exitCode: a.exitCode } : {}),
      ...(a?.signal !== undefined ? { signal: a.signal } : {}),
    };
  }

  /**
   * Registers a named program of `config.type`. The monitor's programs are shared: a named
   * program refers to the kernel program of its type. `cgroup_socket` programs come with a
   * policy's `network` rules (`apply`), and `lsm` needs the BPF LSM feature.
   */
  loadProgram(config: ProgramConfig): Promise<ProgramInfo> {
    return settle(() => this.#load(config));
  }

  #load(config: ProgramConfig): ProgramInfo {
    const monitor = this.#assertOpen();
    this.#programs.checkNew(config);
    if (config.type === "lsm") {
      const lsm = probeFeature("BPF LSM");
      throw new EngineError(
        "NOT_SUPPORTED",
        `BPF LSM programs cannot be loaded here: ${lsm.detail ?? lsm.status}`,
        {
          subject: "BPF LSM",
        },
      );
    }
    const kernel = kernelProgram(config.type);
    if (!kernel.inMonitor) {
      throw new EngineError(
        "NOT_SUPPORTED",
        `"${config.type}" programs are attached per policy: apply a policy with network rules`,
        { subject: config.type },
      );
    }
    const info: ProgramInfo = {
      name: config.name,
      type: config.type,
      attached: config.autoAttach ?? true,
      enabled: config.enabled ?? true,
      builtin: false,
      maps: kernel.maps.map((m) => m.name),
      loadedAt: Date.now(),
      kernelId: monitor.object.program(kernel.program).info().id,
      attachPoint: kernel.attachPoint,
    };
    this.#programs.add(info);
    this.#syncFlags(monitor);
    return info;
  }

  /** A change to the registered programs, then the streams they ask for. */
  #change(change: (programs: ProgramRegistry) => void): Promise<void> {
    return settle(() => {
      const monitor = this.#assertOpen();
      change(this.#programs);
      this.#syncFlags(monitor);
    });
  }

  /**
   * Event streams follow the subscribers' interest and the enabled+attached programs of each
   * type: either one turns a stream on (a program call never turns off what subscribers want).
   * Once subscribers said what they want, process events stay on: the backend follows processes
   * by them.
   */
  #syncFlags(monitor: EbpfMonitor, changes: Partial<MonitorConfig> = {}): void {
    const active = (type: ProgramType) => this.#programs.active(type);
    const wanted = this.#interest;
    monitor.configure({
      ...changes,
      fileEvents: wanted?.has("file") === true || active("file_access"),
      netEvents: wanted?.has("network") === true || active("network_socket"),
      procEvents: wanted !== undefined || active("process_exec") || active("process_fork"),
    });
  }

  /** Unregisters a program (builtin ones included; the kernel program stays for the others). */
  unloadProgram(name: string): Promise<void> {
    return this.#change((programs) => programs.remove(name));
  }

  /** Marks a program attached (its events flow again). */
  attachProgram(name: string): Promise<void> {
    return this.#change((programs) => programs.attach(name));
  }

  /** Marks a program detached (its events stop; counting and decisions continue in sys_enter). */
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

  /** The monitor's maps (and the cgroup programs' of applied network rules). */
  listMaps(): readonly MapInfo[] {
    if (!this.#monitor || this.#closed) return [];
    const maps: MapInfo[] = [];
    for (const map of this.#monitor.object.maps()) {
      const type = MAP_TYPES[map.type];
      // libbpf's global-data maps (.bss, .rodata) are the object's variables, not its maps.
      if (!type || map.internal) continue;
      let entries = 0;
      if (type === "ringbuf") entries = this.#monitor.pending;
      else if (type === "hash" || type === "lru_hash") entries = map.keys().length;
      else entries = map.maxEntries;
      maps.push({
        name: map.name,
        type,
        keySize: map.keySize,
        valueSize: map.valueSize,
        maxEntries: map.maxEntries,
        entries,
      });
    }
    return maps;
  }

  /** Kernel and user-space counters. */
  stats(): BackendStats {
    const figures: Record<string, number> = { ...this.#figures };
    if (this.#monitor && !this.#closed) {
      const s = this.#monitor.stats();
      figures.syscallsSeen = Number(s.syscalls);
      figures.ringbufEvents = Number(s.events);
      figures.ringbufLost = Number(s.lost);
      figures.kills = Number(s.kills);
      figures.procsFull = Number(s.procsFull);
      figures.procsFullKilled = Number(s.procsFullKilled);
      figures.lossKilled = Number(s.lossKilled);
      figures.cgroupEscapes = Number(s.cgroupEscapes);
      figures.kernelRateLimited = Number(s.rateLimited);
      figures.monitoredProcesses = this.#monitor.pids().length;
    }
    return { kind: "linux", figures };
  }

  /** Detaches and releases everything: programs, links, maps, ring buffer, cgroups. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#lostPoll !== undefined) clearInterval(this.#lostPoll);
    this.#lostPoll = undefined;
    const errors: unknown[] = [];
    for (const l of this.#applied?.layers ?? []) {
      try {
        l.firewall?.close();
      } catch (error) {
        errors.push(error);
      }
      try {
        l.cgroup?.close();
      } catch (error) {
        errors.push(error);
      }
    }
    this.#applied = undefined;
    this.#monitor?.close();
    this.#monitor = undefined;
    if (errors.length) throw new AggregateError(errors, "closing the eBPF backend");
  }

  /** Same as {@linkcode EbpfBackend.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/** The verdict of a cgroup network denial (`ret` 0: audited, the call went on). */
function networkVerdict(
  audit: boolean,
  op: NetworkEvent["op"],
  layer: FilterLayer | undefined,
): NonNullable<NetworkEvent["verdict"]> {
  const section = op === "bind" ? "network.bind" : "network.connect";
  const policy = layer?.policy ?? "";
  return {
    action: "deny",
    ruleId: `${policy}:${section}`,
    policy,
    errno: 1, // EPERM
    enforced: !audit,
    ...(audit ? { audit: true } : {}),
    mechanism: "cgroup-bpf",
    ...(layer?.network ? { loc: layer.network.loc } : {}),
  };
}

function wrapKernel(error: unknown, what: string): Error {
  if (error instanceof EngineError) return error;
  if (error instanceof VerifierError) {
    return new EngineError("LOAD_FAILED", `${what}: ${error.message}`, {
      cause: error,
      errno: error.errno,
    });
  }
  if (error instanceof NotSupportedError) {
    return new EngineError("NOT_SUPPORTED", `${what}: ${error.message}`, {
      cause: error,
      subject: error.feature,
    });
  }
  if (error instanceof KernelError) {
    const code = /attach/.test(error.operation)
      ? "ATTACH_FAILED"
      : error.errno === 1
      ? "PERMISSION_DENIED"
      : "MAP_ERROR";
    return new EngineError(code, `${what}: ${error.message}`, { cause: error, errno: error.errno });
  }
  return error instanceof Error ? error : new Error(String(error));
}
