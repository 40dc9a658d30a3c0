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

import { signalName } from "../../policies/constants.ts";
import { strictness } from "../../policies/types.ts";
import type { Action, Arch, SourceLocation } from "../../policies/types.ts";
import { syscallName } from "../../policies/syscalls.ts";
import type { FilterLayer, FilterSet } from "../../compile/filter_set.ts";
import { type ProcessInfo, targetMatches } from "../../compile/target.ts";
import { Evaluator } from "../../compile/evaluate.ts";
import { combinedDecisions, layerMaps, type SlotDecision } from "../../compile/bpf_maps.ts";
import type {
  ApplyOptions,
  Backend,
  BackendCreateOptions,
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
  MapType,
  ProcessActivity,
  ProgramConfig,
  ProgramInfo,
  ProgramType,
} from "../../engine/backend.ts";
import { EngineError } from "../../engine/errors.ts";
import type {
  EngineEvent,
  FileEvent,
  NetworkEvent,
  ProcessEvent,
  SyscallEvent,
} from "../../engine/events.ts";
import {
  EbpfMonitor,
  killIncarnation,
  MONITOR_FEATURES,
  MONITOR_PROGRAMS,
  processStartTicks,
} from "./ebpf_monitor.ts";
import { Cgroup, cleanStaleCgroups, processCgroup } from "./cgroup.ts";
import { CgroupFirewall } from "./cgroup_firewall.ts";
import { probeAllFeatures, probeFeature } from "./features.ts";
import { KernelError, NotSupportedError } from "./errors.ts";
import { VerifierError } from "./bpf_object.ts";
import {
  commKey,
  CORDON_ACT,
  CORDON_DECISION,
  CORDON_ENFORCE,
  CORDON_NR_SLOTS,
  CORDON_REASON,
  encodeArgCases,
  encodeDecision,
  encodeDecisionKey,
  encodeLimit,
  type ProcValue,
  type RawEvent,
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

/** Which kernel program realises each program type. */
const PROGRAM_OF_TYPE: Readonly<Record<ProgramType, string | null>> = {
  syscall_entry: "cordon_sys_enter",
  syscall_exit: "cordon_sys_exit",
  network_socket: "cordon_ret_connect",
  file_access: "cordon_ret_openat",
  process_exec: "cordon_exec",
  process_fork: "cordon_fork",
  process_exit: "cordon_exit",
  cgroup_socket: null,
  lsm: null,
};

const BUILTIN: readonly { name: string; type: ProgramType }[] = [
  { name: "syscall_tracer", type: "syscall_entry" },
  { name: "syscall_exit", type: "syscall_exit" },
  { name: "process_fork", type: "process_fork" },
  { name: "process_exec", type: "process_exec" },
  { name: "process_exit", type: "process_exit" },
];

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
  readonly reason: "procs-full" | "event-lost" | "cgroup-escape";
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

const ENFORCE_REASONS: Record<number, EnforceNotice["reason"]> = {
  [CORDON_ENFORCE.procsFull]: "procs-full",
  [CORDON_ENFORCE.loss]: "event-lost",
  [CORDON_ENFORCE.cgroup]: "cgroup-escape",
};

interface ProgramEntry {
  info: ProgramInfo;
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

interface Activity {
  pid: number;
  start: number;
  files: FileEvent[];
  filesTotal: number;
  network: NetworkEvent[];
  networkTotal: number;
  final?: ProcValue;
  exitCode?: number;
  signal?: string;
}

function bootEpochMs(): number {
  const uptime = Number(Deno.readTextFileSync("/proc/uptime").split(" ")[0]);
  return Date.now() - uptime * 1000;
}

/**
 * Reads what `/proc` says about process `pid`, or undefined when it is gone.
 *
 * @example
 * ```ts ignore
 * import { readProcess } from "./ebpf_backend.ts";
 * console.log(readProcess(Deno.pid)?.comm);
 * ```
 */
export function readProcess(
  pid: number,
  bootMs: number = bootEpochMs(),
): BackendProcess | undefined {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, "m").exec(status)?.[1];
    const comm = field("Name") ?? "";
    const ppid = Number(field("PPid") ?? 0);
    const uid = Number((field("Uid") ?? "0").split(/\s+/)[0]);
    let executable: string | undefined;
    try {
      executable = Deno.readLinkSync(`/proc/${pid}/exe`);
    } catch {
      // kernel thread or exited
    }
    const ticks = processStartTicks(pid);
    const cgroupLine = Deno.readTextFileSync(`/proc/${pid}/cgroup`).split("\n")
      .find((l) => l.startsWith("0::"));
    return {
      pid,
      start: bootMs + Number(ticks ?? 0n) * 10,
      ppid,
      comm,
      uid,
      arch: "x86_64",
      exited: false,
      ...(executable ? { executable } : {}),
      ...(cgroupLine ? { cgroup: cgroupLine.slice(3) } : {}),
    };
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (entry.isDirectory && /^\d+$/.test(entry.name)) pids.push(Number(entry.name));
  }
  return pids.sort((a, b) => a - b);
}

/**
 * The engine event's `protocol` of a network record's `protocol` byte: the socket's `IPPROTO_*`
 * as `bpf/monitor.bpf.c` resolves it from the call's fd (6 TCP, MPTCP included; 17 UDP; 255
 * any `SOCK_RAW` socket), or the cgroup hook's for a denial.
 *
 * @example
 * ```ts
 * import { netProtocol } from "./ebpf_backend.ts";
 * if (netProtocol(6) !== "tcp" || netProtocol(17) !== "udp" || netProtocol(0) !== "other") {
 *   throw new Error();
 * }
 * ```
 */
export function netProtocol(protocol: number): NetworkEvent["protocol"] {
  return protocol === 6 ? "tcp" : protocol === 17 ? "udp" : protocol === 255 ? "raw" : "other";
}

/**
 * The engine event's `op` of a network call by its syscall name (`accept4` → `accept`,
 * `sendto`/`sendmsg` → `send`).
 *
 * @example
 * ```ts
 * import { netOp } from "./ebpf_backend.ts";
 * if (netOp("sendto") !== "send" || netOp("accept4") !== "accept") throw new Error();
 * ```
 */
export function netOp(syscall: string): NetworkEvent["op"] {
  return syscall.startsWith("accept")
    ? "accept"
    : syscall === "bind"
    ? "bind"
    : syscall === "sendto" || syscall === "sendmsg"
    ? "send"
    : "connect";
}

/**
 * The text form of an event's address: dotted IPv4 (`AF_INET`), compressed IPv6 (`AF_INET6`),
 * `undefined` for other families.
 *
 * @example
 * ```ts
 * import { formatAddress } from "./ebpf_backend.ts";
 * if (formatAddress(2, new Uint8Array([127, 0, 0, 1])) !== "127.0.0.1") throw new Error();
 * ```
 */
export function formatAddress(family: number, addr: Uint8Array): string | undefined {
  if (family === 2) return [...addr.subarray(0, 4)].join(".");
  if (family === 10) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((addr[i]! << 8) | addr[i + 1]!).toString(16));
    const text = groups.join(":");
    // Compress the longest run of zero groups.
    const runs = [...text.matchAll(/(^|:)(0(:0)+)(:|$)/g)].sort((a, b) =>
      b[2]!.length - a[2]!.length
    );
    const run = runs[0];
    if (!run) return text;
    return text.slice(0, run.index) + "::" + text.slice(run.index! + run[0].length);
  }
  return undefined;
}

/**
 * The eBPF backend. Create with {@linkcode EbpfBackend.create}, then `open(sink)`.
 *
 * @example
 * ```ts ignore
 * import { EbpfBackend } from "./ebpf_backend.ts";
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
  #programs = new Map<string, ProgramEntry>();
  #applied: Applied | undefined;
  #nextSlot = 1;
  #monitored = new Set<number>();
  #activity = new Map<number, Activity>();
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
  #arch: Arch;
  #all = false;
  #exited: number[] = [];
  #comms = new Set<string>();
  #onEnforce: ((notice: EnforceNotice) => void) | undefined;

  private constructor(options: BackendCreateOptions) {
    this.#arch = options.arch ?? "x86_64";
  }

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
    if (options.arch !== undefined && options.arch !== "x86_64") {
      throw new EngineError(
        "UNSUPPORTED_PLATFORM",
        `the eBPF backend's programs are built for x86_64 hosts, not "${options.arch}"`,
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
    return new EbpfBackend(options);
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
    for (const { name, type } of BUILTIN) {
      const kernel = PROGRAM_OF_TYPE[type]!;
      this.#programs.set(name, {
        info: {
          name,
          type,
          attached: true,
          enabled: true,
          builtin: true,
          maps: ["procs", "decisions", "cordon_cfg", "events", "stats"],
          loadedAt: now,
          kernelId: this.#monitor.object.program(kernel).info().id,
          attachPoint: MONITOR_PROGRAMS[kernel as keyof typeof MONITOR_PROGRAMS],
        },
      });
    }
    this.#monitor.start((event) => this.#deliver(event), (error) => {
      this.#figures.eventsDropped++;
      console.error(`cordon: eBPF event delivery stopped: ${error}`);
    });
    this.#lostPoll = setInterval(() => this.#reportLost(), 100);
    return Promise.resolve();
  }

  #reportLost(): void {
    if (!this.#monitor || this.#monitor.closed) return;
    const lost = this.#monitor.stats().lost;
    if (lost > this.#lastLost) {
      this.#sink?.lost(Number(lost - this.#lastLost));
      this.#figures.eventsDropped += Number(lost - this.#lastLost);
      this.#lastLost = lost;
    }
    if (this.#applied) {
      for (const { layer, firewall } of this.#applied.layers) {
        firewall?.poll((event) => this.#deliver(event, layer));
      }
    }
  }

  /**
   * Raw kernel event → engine event, activity bookkeeping, and actions decided in user space.
   * `layer` is the layer whose cgroup programs reported a network denial.
   */
  #deliver(raw: RawEvent, layer?: FilterLayer): void {
    const time = this.#bootMs + Number(raw.tsNs) / 1e6;
    const base = {
      time,
      pid: raw.tgid,
      ...(raw.tid !== raw.tgid ? { tid: raw.tid } : {}),
      ...(raw.comm ? { comm: raw.comm } : {}),
    };
    let event: EngineEvent | undefined;
    switch (raw.kind) {
      case "syscall": {
        const arch: Arch = raw.abi === 0 ? "x86_64" : raw.abi === 1 ? "i386" : "x32";
        const name = syscallName(arch, raw.nr) ?? null;
        const verdict = this.#syscallVerdict(raw, arch);
        if (verdict === undefined && !(raw.reason & CORDON_REASON.subscribed)) {
          // Streamed only for user space to decide its arguments, and allowed: nothing to report.
          this.#figures.argsAllowed++;
          return;
        }
        event = {
          kind: "syscall",
          ...base,
          arch,
          nr: raw.nr,
          name,
          args: raw.args,
          ...(verdict ? { verdict } : {}),
        };
        break;
      }
      case "file": {
        const created = (raw.flags & 0o100) !== 0;
        const file: FileEvent = {
          kind: "file",
          ...base,
          op: created ? "create" : "open",
          path: raw.path,
          flags: raw.flags,
          syscall: syscallName(raw.abi === 1 ? "i386" : "x86_64", raw.nr) ?? `#${raw.nr}`,
          result: Number(raw.ret),
        };
        const a = this.#activityOf(raw.tgid);
        if (a) {
          a.filesTotal++;
          a.files.push(file);
          if (a.files.length > ACTIVITY_LIMIT) a.files.shift();
        }
        event = file;
        break;
      }
      case "net":
      case "netDeny": {
        const syscall = raw.kind === "net"
          ? syscallName(raw.abi === 1 ? "i386" : "x86_64", raw.nr) ?? `#${raw.nr}`
          : ["", "connect", "connect", "bind", "bind", "sendmsg", "sendmsg"][raw.nr] ?? "";
        const op = netOp(syscall);
        const address = formatAddress(raw.family, raw.addr);
        // The cgroup programs report a denial with ret -EPERM, or 0 when they only audit it (the
        // call then goes on, and its real result comes with the sys_exit event).
        const denial = raw.kind === "netDeny" ? networkVerdict(raw, op, layer) : undefined;
        const net: NetworkEvent = {
          kind: "network",
          ...base,
          op,
          family: raw.family === 2
            ? "inet"
            : raw.family === 10
            ? "inet6"
            : raw.family === 1
            ? "unix"
            : "other",
          protocol: netProtocol(raw.protocol),
          ...(address !== undefined ? { address, port: raw.port } : {}),
          syscall,
          ...(denial?.audit ? {} : { result: Number(raw.ret) }),
          ...(denial ? { verdict: denial } : {}),
        };
        if (denial) {
          if (denial.audit) this.#figures.netWouldDeny++;
          else this.#figures.netDenied++;
        }
        const a = this.#activityOf(raw.tgid);
        if (a) {
          a.networkTotal++;
          a.network.push(net);
          if (a.network.length > ACTIVITY_LIMIT) a.network.shift();
        }
        event = net;
        break;
      }
      case "exec": {
        event = {
          kind: "process",
          ...base,
          op: "exec",
          ppid: raw.ppid,
          executable: raw.filename,
        } satisfies ProcessEvent;
        if (this.#comms.has(raw.comm)) this.#activityOf(raw.tgid, true);
        this.#onExec(raw.tgid);
        break;
      }
      case "fork": {
        event = { kind: "process", ...base, pid: raw.childTgid, ppid: raw.tgid } as ProcessEvent;
        event = { ...event, op: "fork" } as ProcessEvent;
        if (this.#monitored.has(raw.tgid) || this.#all) this.#activityOf(raw.childTgid, true);
        break;
      }
      case "exit": {
        const signal = raw.exitCode & 0x7f;
        const exit: ProcessEvent = {
          kind: "process",
          ...base,
          op: "exit",
          ...(signal === 0
            ? { exitCode: (raw.exitCode >> 8) & 0xff }
            : { signal: signalName(signal) ?? `SIG${signal}` }),
        };
        const a = this.#activity.get(raw.tgid);
        if (a) {
          a.final = {
            startNs: raw.startNs,
            startTicks: 0n,
            policy: raw.policy,
            flags: 0,
            cgroupId: 0n,
            total: raw.total,
            other: raw.other,
            counts: raw.counts,
          };
          if (exit.exitCode !== undefined) a.exitCode = exit.exitCode;
          if (exit.signal !== undefined) a.signal = exit.signal;
        }
        event = exit;
        this.#exited.push(raw.tgid);
        if (this.#exited.length > 1024) {
          // Bounded memory: keep what was collected for the 1024 most recent exits.
          const old = this.#exited.shift()!;
          if (!readProcess(old)) {
            this.#activity.delete(old);
            this.#monitored.delete(old);
          }
        }
        break;
      }
      case "rate":
        this.#figures.rateLimited++;
        return;
      case "enforce": {
        const reason = ENFORCE_REASONS[raw.reason];
        if (!reason) return;
        this.#onEnforce?.({
          reason,
          pid: raw.targetTgid,
          by: raw.tgid,
          comm: raw.comm,
          ...(reason === "cgroup-escape"
            ? { writerKilled: raw.writerKilled, cgroupId: raw.cgroupId }
            : {}),
          time,
        });
        return;
      }
      default:
        return;
    }
    this.#figures.eventsDelivered++;
    this.#sink?.emit(event);
  }

  #activityOf(pid: number, create = false): Activity | undefined {
    let a = this.#activity.get(pid);
    if (!a && (create || this.#all || this.#monitored.has(pid))) {
      a = { pid, start: Date.now(), files: [], filesTotal: 0, network: [], networkTotal: 0 };
      this.#activity.set(pid, a);
      this.#monitored.add(pid);
    }
    return a;
  }

  /**
   * The policy's verdict on a syscall event the kernel streamed with a decision, or `undefined`
   * when the call is allowed (or no policy applies). Argument conditions are decided here, and a
   * `kill` they decide is sent from here (later than the kernel's own kill).
   */
  #syscallVerdict(
    raw: Extract<RawEvent, { kind: "syscall" }>,
    arch: Arch,
  ): SyscallEvent["verdict"] {
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
      const wouldApply = byArgs.audited ?? byArgs.action;
      if (strictness(wouldApply) > strictness(action)) {
        action = wouldApply;
        audit = byArgs.audited !== undefined || !applied.enforce;
        enforced = false;
        decided = {
          ruleId: byArgs.ruleId,
          policy: byArgs.policy,
          loc: byArgs.loc,
          ...(byArgs.errno !== undefined ? { errno: byArgs.errno } : {}),
        };
        if (inKernel) {
          enforced = !audit && raw.action === CORDON_ACT.kill;
        } else if ((action === "kill" || action === "kill_thread") && !audit) {
          // By pidfd, checked against the start time the kernel recorded for this tgid: a
          // process that has reused the pid since is never hit.
          const entry = this.#monitor?.proc(raw.tgid);
          const ticks = entry ? (entry.startTicks || processStartTicks(raw.tgid)) : undefined;
          enforced = ticks !== undefined && killIncarnation(raw.tgid, ticks);
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

  #slotDecision(slot: number, nr: number, abi: number): SlotDecision | undefined {
    const s = this.#applied?.slots.get(slot);
    if (!s) return undefined;
    const index = abi === 0 && nr < 512 ? nr : abi === 1 && nr < 512 ? 512 + nr : 0xffffffff;
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
    this.#activityOf(proc.pid, true);
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
      const ticks = processStartTicks(proc.pid);
      const where = processCgroup(proc.pid);
      if (ticks !== undefined && where !== undefined && locked.root + where !== locked.path) {
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
    const decisions = combinedDecisions(layers.map((i) => applied.set.layers[i]!), new Map());
    const map = this.#monitor!.map("decisions");
    const cases = this.#monitor!.map("arg_cases");
    for (const [syscallSlot, d] of decisions) {
      // Without LSM enforcement a DENY is reported by the kernel side (an event), not applied.
      const flags = applied.enforce ? d.flags : d.flags | CORDON_DECISION.audit;
      const key = encodeDecisionKey(slot, syscallSlot);
      if (d.argCases) {
        // Written before the decision that points the kernel at them.
        const argCases = applied.enforce
          ? d.argCases
          : d.argCases.map((c) => ({ ...c, flags: c.flags | CORDON_DECISION.audit }));
        cases.update(key, encodeArgCases(argCases));
        this.#figures.mapUpdates++;
      }
      map.update(key, encodeDecision({ ...d, flags }));
      this.#figures.mapUpdates++;
    }
    const limit = layers.map((i) => applied.set.layers[i]!.limits?.syscallsPerSecond).find((l) =>
      l
    );
    if (limit) {
      const kill = limit.action === "kill" || limit.action === "kill_thread";
      this.#monitor!.map("limits").update(
        u32Key(slot),
        encodeLimit(
          BigInt(limit.max),
          kill && applied.enforce ? CORDON_ACT.kill : CORDON_ACT.log,
          0,
        ),
      );
    }
    applied.slots.set(slot, { layers, decisions });
    return slot;
  }

  #deleteSlot(slot: number, decisions: Map<number, SlotDecision>): void {
    const map = this.#monitor!.map("decisions");
    const cases = this.#monitor!.map("arg_cases");
    for (const [syscallSlot, d] of decisions) {
      map.delete(encodeDecisionKey(slot, syscallSlot));
      if (d.argCases) cases.delete(encodeDecisionKey(slot, syscallSlot));
    }
    this.#monitor!.map("limits").delete(u32Key(slot));
  }

  /** What applying `set` would enforce here, computed without changing anything. */
  plan(set: FilterSet): EnforcementPlan {
    const lsm = probeFeature("BPF LSM");
    const cgroupNet = probeFeature("cgroup sock_addr programs");
    const layers = set.layers.map((layer, i): LayerEnforcement => {
      const maps = layerMaps({ version: 1, layers: [layer] })[0]!;
      const degraded: string[] = [];
      const actions = new Set([...maps.decisions.values()].map((d) => d.action));
      const denies = [...maps.decisions.entries()].filter(([, d]) =>
        d.action === CORDON_ACT.deny && !(d.flags & CORDON_DECISION.audit)
      );
      let syscalls: EnforcementLevel = actions.size === 0 ? "not-needed" : "observe";
      // An audited kill (`mode: audit`) is only reported.
      const kills = [...maps.decisions.values()].some((d) =>
        (d.action === CORDON_ACT.kill && !(d.flags & CORDON_DECISION.audit)) ||
        (d.argCases ?? []).some((c) =>
          c.action === CORDON_ACT.kill && !(c.flags & CORDON_DECISION.audit)
        )
      );
      if (kills) syscalls = "kill-after";
      if (denies.length > 0) {
        if (lsm.status === "available") {
          syscalls = "prevent";
        } else {
          const names = [
            ...new Set(
              denies.map(([s]) =>
                (s < 512
                  ? syscallName("x86_64", s)
                  : s < CORDON_NR_SLOTS
                  ? syscallName("i386", s - 512)
                  : "unknown") ??
                  `#${s}`
              ),
            ),
          ].slice(0, 8);
          degraded.push(
            `Policy "${layer.policy}": syscall deny (${names.join(", ")}${
              denies.length > 8 ? ", …" : ""
            }) cannot be ` +
              `enforced on running processes: BPF LSM is unavailable (${
                lsm.detail ?? lsm.status
              }) and tracepoints ` +
              `only observe. The calls will be reported (log). Launch the program with \`cordon run\` (seccomp) to ` +
              `deny them, or use action kill (the process is killed after the call)`,
          );
        }
      }
      if (layer.target === undefined) {
        degraded.push(
          `Policy "${layer.policy}" has no target: \`apply\` confines running processes named by target ` +
            `(pids, comms, executables, cgroups, uids); use \`cordon run\` for what you launch`,
        );
      }
      let network: EnforcementLevel = "not-needed";
      if (layer.network) {
        if (cgroupNet.status === "available") {
          network = layer.mode === "audit" ? "observe" : "prevent";
        } else {
          network = "observe";
          degraded.push(
            `Policy "${layer.policy}": network rules need cgroup BPF (${
              cgroupNet.detail ?? cgroupNet.status
            })`,
          );
        }
      }
      let filesystem: EnforcementLevel = "not-needed";
      if (layer.filesystem) {
        filesystem = "observe";
        degraded.push(
          `Policy "${layer.policy}": filesystem rules are enforced by Landlock on launched programs only ` +
            `(\`cordon run\`); \`apply\` reports file opens but cannot restrict paths of running processes`,
        );
      }
      const limit = layer.limits?.syscallsPerSecond;
      const limits: EnforcementLevel = !limit
        ? "not-needed"
        : limit.action === "kill" || limit.action === "kill_thread"
        ? "kill-after"
        : "observe";
      if (limit && !["log", "kill", "kill_thread", "allow"].includes(limit.action)) {
        degraded.push(
          `Policy "${layer.policy}": limits action "${limit.action}" is applied as log (only log and kill exist for running processes)`,
        );
      }
      void i;
      return { policy: layer.policy, syscalls, network, filesystem, limits, degraded };
    });
    return { backend: "linux", layers };
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
      for (const pid of allPids()) {
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
    monitor.configure({
      fileEvents: interest.kinds.has("file"),
      netEvents: interest.kinds.has("network"),
      procEvents: true,
      syscallSlots: slots,
    });
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
    this.#monitored.add(pid);
    this.#activityOf(pid, true);
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
    for (const pid of allPids()) {
      if (pid === Deno.pid) continue;
      const proc = readProcess(pid, this.#bootMs);
      if (proc?.comm === comm.slice(0, 15) && monitor.track(pid, monitor.proc(pid)?.policy ?? 0)) {
        this.#activityOf(pid, true);
        found.push(pid);
      }
    }
    return found;
  }

  /** Stops collecting for `pid`. */
  unmonitorProcess(pid: number): Promise<void> {
    const monitor = this.#assertOpen();
    if (!this.#monitored.has(pid) && !monitor.proc(pid)) {
      throw new EngineError("PROCESS_NOT_MONITORED", `process ${pid} is not monitored`, {
        subject: String(pid),
      });
    }
    const current = monitor.proc(pid);
    if (current && current.policy === 0) monitor.untrack(pid);
    this.#monitored.delete(pid);
    this.#activity.delete(pid);
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
    const a = this.#activity.get(pid);
    return a ? { pid, start: a.start, exited: true } : undefined;
  }

  /** Counts and recent file/network activity of a monitored process. */
  activity(pid: number): ProcessActivity | undefined {
    const a = this.#activity.get(pid);
    const live = this.#monitor && !this.#closed ? this.#monitor.proc(pid) : undefined;
    const value = live ?? a?.final;
    if (!a && !live) return undefined;
    const bySyscall = new Map<string, number>();
    for (const [slot, count] of value?.counts ?? []) {
      const arch: Arch = slot < 512 ? "x86_64" : "i386";
      const nr = slot % 512;
      const name = syscallName(arch, nr) ?? `#${nr}`;
      const key = arch === this.#arch ? name : `${arch}:${name}`;
      bySyscall.set(key, (bySyscall.get(key) ?? 0) + Number(count));
    }
    const proc = this.process(pid) ?? { pid, start: a?.start ?? 0, exited: true };
    return {
      ...proc,
      syscalls: Number(value?.total ?? 0n),
      bySyscall,
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
    const monitor = this.#assertOpen();
    if (this.#programs.has(config.name)) {
      throw new EngineError(
        "PROGRAM_EXISTS",
        `a program named "${config.name}" is already loaded`,
        {
          subject: config.name,
        },
      );
    }
    const kernel = PROGRAM_OF_TYPE[config.type];
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
    if (kernel === null) {
      throw new EngineError(
        "NOT_SUPPORTED",
        `"${config.type}" programs are attached per policy: apply a policy with network rules`,
        { subject: config.type },
      );
    }
    const attachPoint = MONITOR_PROGRAMS[kernel as keyof typeof MONITOR_PROGRAMS];
    const info: ProgramInfo = {
      name: config.name,
      type: config.type,
      attached: config.autoAttach ?? true,
      enabled: config.enabled ?? true,
      builtin: false,
      maps: ["procs", "events"],
      loadedAt: Date.now(),
      kernelId: monitor.object.program(kernel).info().id,
      attachPoint,
    };
    this.#programs.set(config.name, { info });
    this.#syncFlags();
    return Promise.resolve(info);
  }

  #entry(name: string): ProgramEntry {
    this.#assertOpen();
    const entry = this.#programs.get(name);
    if (!entry) {
      throw new EngineError("PROGRAM_NOT_FOUND", `no program named "${name}"`, { subject: name });
    }
    return entry;
  }

  /** Event streams follow the enabled+attached programs of each type. */
  #syncFlags(): void {
    const active = (type: ProgramType) =>
      [...this.#programs.values()].some((e) =>
        e.info.type === type && e.info.attached && e.info.enabled
      );
    this.#monitor!.configure({
      fileEvents: active("file_access"),
      netEvents: active("network_socket"),
      procEvents: active("process_exec") || active("process_fork"),
    });
  }

  /** Unregisters a program (builtin ones included; the kernel program stays for the others). */
  unloadProgram(name: string): Promise<void> {
    this.#entry(name);
    this.#programs.delete(name);
    this.#syncFlags();
    return Promise.resolve();
  }

  /** Marks a program attached (its events flow again). */
  attachProgram(name: string): Promise<void> {
    const entry = this.#entry(name);
    entry.info = { ...entry.info, attached: true };
    this.#syncFlags();
    return Promise.resolve();
  }

  /** Marks a program detached (its events stop; counting and decisions continue in sys_enter). */
  detachProgram(name: string): Promise<void> {
    const entry = this.#entry(name);
    entry.info = { ...entry.info, attached: false };
    this.#syncFlags();
    return Promise.resolve();
  }

  /** Mutes or unmutes a program. */
  setProgramEnabled(name: string, enabled: boolean): Promise<void> {
    const entry = this.#entry(name);
    entry.info = { ...entry.info, enabled };
    this.#syncFlags();
    return Promise.resolve();
  }

  /** Registered programs. */
  listPrograms(): readonly ProgramInfo[] {
    return [...this.#programs.values()].map((e) => e.info);
  }

  /** The monitor's maps (and the cgroup programs' of applied network rules). */
  listMaps(): readonly MapInfo[] {
    if (!this.#monitor || this.#closed) return [];
    const maps: MapInfo[] = [];
    for (const map of this.#monitor.object.maps()) {
      const type = MAP_TYPES[map.type];
      if (!type) continue;
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
  raw: Extract<RawEvent, { kind: "net" | "netDeny" }>,
  op: NetworkEvent["op"],
  layer: FilterLayer | undefined,
): NonNullable<NetworkEvent["verdict"]> {
  const audit = raw.ret === 0n;
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
