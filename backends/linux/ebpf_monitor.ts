/**
 * {@linkcode EbpfMonitor}: Cordon's syscall monitor (`bpf/monitor.bpf.c`) loaded, attached and
 * polled: per-process syscall counts, policy decisions from maps, and ring-buffer events for
 * what was asked. The building block of the eBPF backend and of `cordon monitor`.
 *
 * Requires `allow-ffi`, `allow-read` and root.
 *
 * @module
 */

import { bpfObjectBytes } from "../../bpf/objects.ts";
import { BpfObject, VerifierError } from "./bpf_object.ts";
import { KernelError, NotSupportedError } from "./errors.ts";
import { type Feature, requireFeature } from "./features.ts";
import type { BpfLink } from "./bpf_link.ts";
import { BPF_ANY, BPF_NOEXIST, type BpfMap } from "./bpf_map.ts";
import { RingBuffer, type RingBufferMode } from "./ring_buffer.ts";
import { errno, hostSyscallNumber, libc } from "./libc.ts";
import { pidMax, processStartTicks } from "./proc_facts.ts";
import { liveThreadCounts } from "./thread_counts.ts";
import { kernelProgram } from "../kernel_programs.ts";
import { syscallNumber } from "../../policies/syscalls.ts";
import {
  CORDON_CFG,
  CORDON_GEN_USER_FIRST,
  CORDON_NR_SLOTS,
  CORDON_PROC,
  decodeEvent,
  decodeProc,
  decodeStats,
  encodeConfig,
  encodeNewProc,
  fieldOffset,
  type ProcValue,
  type RawEvent,
  type StatsValue,
  syscallSlot,
  u32Key,
  u64Key,
} from "../../bpf/structs.ts";

/** What the monitor streams and for whom. */
export interface MonitorConfig {
  /** Monitor every process (except this one), not only tracked ones. */
  readonly traceAll: boolean;
  /** File events (open/openat/openat2/creat with path and result). */
  readonly fileEvents: boolean;
  /**
   * Network events (connect, bind, accept, and sendto/sendmsg with a destination: address, port,
   * the socket's protocol and result).
   */
  readonly netEvents: boolean;
  /** Exec and fork events (exit events are always sent for monitored processes). */
  readonly procEvents: boolean;
  /** Syscall slots whose every call is streamed as a syscall event. */
  readonly syscallSlots: readonly number[];
  /** DENY decisions are enforced by the LSM programs (only when they are loaded). */
  readonly lsmEnforce: boolean;
}

/** Options of {@linkcode EbpfMonitor.open}. */
export interface MonitorOptions extends Partial<MonitorConfig> {
  /** Ring-buffer size in bytes, a power of two (default 16 MiB). */
  readonly ringBytes?: number;
  /** Capacity of the per-process table (default 8192). */
  readonly maxProcs?: number;
  /** How the ring buffer is read (default `"mmap"`). */
  readonly ringMode?: RingBufferMode;
  /**
   * Milliseconds between polls of an empty ring buffer (default 1). While it stays empty the
   * interval doubles, up to 16 times this (a monitor with nothing to read does not wake up a
   * thousand times a second); it is back to this at the first record.
   */
  readonly pollIntervalMs?: number;
  /** Programs not to load, by function name (e.g. `["cordon_sys_exit"]`). */
  readonly skipPrograms?: readonly string[];
  /**
   * Where i386 file and network results come from (default: task work where the kernel accepts
   * it, else the raw `sys_exit`); naming one makes a kernel that refuses it fail the load.
   */
  readonly compatResults?: CompatResults;
}

/**
 * Names of the monitor's programs and the hooks they attach to. The `cordon_ret_*` programs
 * complete x86_64 file and network events with the call's result, each on its own syscall's exit
 * tracepoint (the kernel runs it for that syscall only); i386 calls are completed by a task work
 * the sys_enter program schedules (the per-syscall tracepoints never fire for compat calls), or,
 * on kernels that refuse that task work, by the raw `sys_exit` (see
 * {@linkcode EbpfMonitor.compatResults}).
 */
export const MONITOR_PROGRAMS = {
  cordon_sys_enter: "tp_btf/sys_enter",
  cordon_sys_exit: "tp_btf/sys_exit",
  cordon_ret_open: "tracepoint/syscalls/sys_exit_open",
  cordon_ret_creat: "tracepoint/syscalls/sys_exit_creat",
  cordon_ret_openat: "tracepoint/syscalls/sys_exit_openat",
  cordon_ret_openat2: "tracepoint/syscalls/sys_exit_openat2",
  cordon_ret_connect: "tracepoint/syscalls/sys_exit_connect",
  cordon_ret_bind: "tracepoint/syscalls/sys_exit_bind",
  cordon_ret_accept: "tracepoint/syscalls/sys_exit_accept",
  cordon_ret_accept4: "tracepoint/syscalls/sys_exit_accept4",
  cordon_ret_sendto: "tracepoint/syscalls/sys_exit_sendto",
  cordon_ret_sendmsg: "tracepoint/syscalls/sys_exit_sendmsg",
  cordon_fork: "tp_btf/sched_process_fork",
  cordon_exec: "tp_btf/sched_process_exec",
  cordon_exit: "tp_btf/sched_process_exit",
  cordon_cgroup_attach: "tp_btf/cgroup_attach_task",
} as const;

/** The exit programs that complete file and network events (`backends/kernel_programs.ts`). */
const FILE_RETURNS = kernelProgram("file_access").programs;
const NET_RETURNS = kernelProgram("network_socket").programs;

/**
 * The slots of the calls that file and network events describe, for both ABIs: what
 * monitor.bpf.c's `classify` sorts into CALL_FILE and CALL_NET. Only these calls of a process
 * without a policy leave the counting path while those events are on (`more_slots`).
 */
function eventSlots(names: readonly string[]): readonly number[] {
  return [["x86_64", "native"], ["i386", "compat"]].flatMap(([arch, abi]) =>
    names.flatMap((name) => {
      const nr = syscallNumber(arch as "x86_64" | "i386", name);
      return nr === undefined ? [] : [syscallSlot(nr, abi as "native" | "compat")];
    })
  );
}
const FILE_SLOTS = eventSlots(["open", "creat", "openat", "openat2"]);
const NET_SLOTS = eventSlots(["connect", "bind", "accept", "accept4", "sendto", "sendmsg"]);

/**
 * Where the results of i386 file and network calls come from: a task work scheduled for the call
 * alone, or, on kernel builds whose verifier accepts `bpf_task_work_schedule_resume` only in
 * sleepable programs, the raw `sys_exit` tracepoint (which then runs for every syscall while
 * file or network events are on, and completes the x86_64 calls too: the per-syscall exit
 * tracepoints stay detached).
 */
export type CompatResults = "task work" | "sys_exit";

/**
 * Programs attached only while something needs them (see {@linkcode EbpfMonitor.attached}), and
 * whether `config` needs each: the file or network exit tracepoints for those events' results,
 * the raw `sys_exit` to clear pending LSM denies and, without task work, for i386 results.
 */
const ON_DEMAND: ReadonlyMap<string, (config: MonitorConfig, compat: CompatResults) => boolean> =
  new Map([
    [
      "cordon_sys_exit",
      (c: MonitorConfig, compat: CompatResults) =>
        c.lsmEnforce || (compat === "sys_exit" && (c.fileEvents || c.netEvents)),
    ],
    ...exitPrograms(FILE_RETURNS, (c) => c.fileEvents),
    ...exitPrograms(NET_RETURNS, (c) => c.netEvents),
  ]);

/**
 * The per-syscall exit programs `names`, needed while `events` says their events are on, and
 * only where task work completes i386 calls (else the raw sys_exit completes every call).
 */
function exitPrograms(
  names: readonly string[],
  events: (config: MonitorConfig) => boolean,
): (readonly [string, (config: MonitorConfig, compat: CompatResults) => boolean])[] {
  return names.map((name) => [name, (c, compat) => events(c) && compat === "task work"] as const);
}

/** The kfunc some 6.18 builds refuse outside sleepable programs (named in the verifier's log). */
const TASK_WORK_KFUNC = "bpf_task_work_schedule_resume";
/** What the first load in this process found (the kernel does not change under it). */
let compatResultsHere: CompatResults | undefined;

/**
 * Opens the monitor object, sized by `options`, with i386 results from `compat`, and loads it
 * without the programs in `skip`. The caller owns the result.
 */
function loadMonitorObject(
  options: MonitorOptions,
  skip: ReadonlySet<string>,
  compat: CompatResults,
): BpfObject {
  const object = BpfObject.open(bpfObjectBytes("monitor"), "monitor");
  try {
    if (options.ringBytes !== undefined) object.map("events").maxEntries = options.ringBytes;
    if (options.maxProcs !== undefined) {
      object.map("procs").maxEntries = options.maxProcs;
      object.map("proc_refs").maxEntries = options.maxProcs;
    }
    object.map("watched").maxEntries = pidMax();
    const rodata = object.maps().find((m) => m.name.endsWith(".rodata.compat"))?.initialValue();
    if (!rodata) throw new RangeError('the monitor object has no ".rodata.compat" map');
    new DataView(rodata.buffer, rodata.byteOffset).setUint32(
      0,
      compat === "task work" ? 1 : 0,
      true,
    );
    for (const program of object.programs()) program.autoload = !skip.has(program.name);
    object.load();
    return object;
  } catch (error) {
    object.close();
    throw error;
  }
}

/** The features the monitor cannot work without. */
export const MONITOR_FEATURES = [
  "bpf syscall",
  "BTF",
  "ring buffer",
  "tp_btf programs",
] as const satisfies readonly Feature[];

/** This host's number of syscall `name` (the pidfd calls and `close`). */
function hostNr(name: "pidfd_open" | "pidfd_send_signal" | "close"): bigint {
  return BigInt(hostSyscallNumber(name));
}

// The start time `killIncarnation` checks, from the module of `/proc` facts.
export { processStartTicks } from "./proc_facts.ts";

/**
 * Sends SIGKILL to process `pid` through a pidfd, only if it is still the incarnation that
 * started at `startTicks` (clock ticks since boot, as `/proc/PID/stat` and `cordon_proc.start_ticks`
 * give it): the pidfd pins one process, and its start time is checked after it is opened, so a
 * process that reused the pid is never hit. Returns whether the signal was sent.
 *
 * Requires `allow-ffi`, `allow-read=/proc`.
 *
 * @example
 * ```ts ignore
 * import { killIncarnation } from "@cordon/cordon/linux";
 * import { processStartTicks } from "@cordon/cordon/linux";
 * const child = new Deno.Command("sleep", { args: ["60"] }).spawn();
 * if (!killIncarnation(child.pid, processStartTicks(child.pid)!)) throw new Error();
 * if ((await child.status).signal !== "SIGKILL") throw new Error();
 * ```
 */
export function killIncarnation(pid: number, startTicks: bigint): boolean {
  const nr = hostNr;
  const c = libc();
  const fd = c.syscall(nr("pidfd_open"), BigInt(pid), 0n, 0n, 0n, 0n, 0n);
  if (fd < 0n) return false; // ESRCH: gone
  try {
    if (processStartTicks(pid) !== startTicks) return false; // another process has the pid now
    const SIGKILL = 9n;
    const sent = c.syscall(nr("pidfd_send_signal"), fd, SIGKILL, 0n, 0n, 0n, 0n);
    if (sent < 0n && errno() !== 3 /* ESRCH */) {
      throw new KernelError("pidfd_send_signal", errno());
    }
    return sent === 0n;
  } finally {
    c.syscall(nr("close"), fd, 0n, 0n, 0n, 0n, 0n);
  }
}

/**
 * The loaded and attached syscall monitor. Close it (or `using`) to detach every program and
 * release every map; closing is idempotent.
 *
 * @example
 * ```ts ignore
 * import { EbpfMonitor } from "@cordon/cordon/linux";
 * using monitor = EbpfMonitor.open({ procEvents: true });
 * const child = new Deno.Command("true").spawn();
 * monitor.track(child.pid);
 * monitor.start((event) => console.log(event.kind, event.tgid));
 * await child.status;
 * ```
 */
export class EbpfMonitor implements Disposable {
  #object: BpfObject;
  #links: BpfLink[] = [];
  #ring: RingBuffer;
  #config: MonitorConfig;
  #pollIntervalMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  #closed = false;
  #onError: ((error: unknown) => void) | undefined;
  /** Links of the attached {@linkcode ON_DEMAND} programs, by name. */
  #onDemand = new Map<string, BpfLink>();
  #watchedSize: number;
  #compatResults: CompatResults;
  #nextGen = BigInt(CORDON_GEN_USER_FIRST);
  /** Records delivered to handlers since open. */
  delivered = 0;

  private constructor(
    object: BpfObject,
    config: MonitorConfig,
    options: MonitorOptions,
    compat: CompatResults,
  ) {
    this.#object = object;
    this.#compatResults = compat;
    this.#config = config;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1;
    this.#ring = new RingBuffer(object.map("events"), options.ringMode ?? "mmap");
    this.#watchedSize = object.map("watched").maxEntries;
  }

  /**
   * Opens, loads and attaches the monitor. On failure, everything already made is released.
   * Throws `VerifierError` when the kernel rejects a program, `KernelError` when an attach fails.
   */
  static open(options: MonitorOptions = {}): EbpfMonitor {
    const config: MonitorConfig = {
      traceAll: options.traceAll ?? false,
      fileEvents: options.fileEvents ?? false,
      netEvents: options.netEvents ?? false,
      procEvents: options.procEvents ?? false,
      syscallSlots: options.syscallSlots ?? [],
      lsmEnforce: options.lsmEnforce ?? false,
    };
    const skip = new Set(options.skipPrograms ?? []);
    let compat: CompatResults = options.compatResults ?? compatResultsHere ?? "task work";
    let object: BpfObject;
    try {
      object = loadMonitorObject(options, skip, compat);
    } catch (error) {
      const refused = error instanceof VerifierError && error.log.includes(TASK_WORK_KFUNC);
      if (!refused || compat === "sys_exit" || options.compatResults) throw error;
      compat = "sys_exit";
      object = loadMonitorObject(options, skip, compat);
    }
    if (!options.compatResults) compatResultsHere = compat;
    let monitor: EbpfMonitor | undefined;
    try {
      monitor = new EbpfMonitor(object, config, options, compat);
      monitor.#skip = skip;
      monitor.#writeConfig();
      for (const program of object.programs()) {
        if (!skip.has(program.name) && !ON_DEMAND.has(program.name)) {
          monitor.#links.push(program.attach());
        }
      }
      monitor.#syncOnDemand();
      return monitor;
    } catch (error) {
      if (monitor) monitor.close();
      else object.close();
      throw error;
    }
  }

  /** The loaded object (maps and programs), for the backend and tests. */
  get object(): BpfObject {
    this.#assertOpen();
    return this.#object;
  }

  /**
   * Where i386 file and network results come from on this kernel (see
   * {@linkcode CompatResults}): `"sys_exit"` costs every syscall the raw exit tracepoint while
   * those events are on.
   */
  get compatResults(): CompatResults {
    return this.#compatResults;
  }

  /** Whether the monitor was closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The current configuration. */
  get config(): MonitorConfig {
    return this.#config;
  }

  /**
   * Programs attached, by name. The exit programs are attached only while something needs the
   * calls' results: the file ones (`cordon_ret_openat`, …) for file events, the network ones for
   * network events, `cordon_sys_exit` for LSM denies. Counting alone never pays for any of them,
   * and no syscall but their own runs the per-syscall ones.
   */
  get attached(): readonly string[] {
    return [...this.#links, ...this.#onDemand.values()].filter((l) => !l.closed).map((l) =>
      l.description
    );
  }

  #skip = new Set<string>();

  /** Attaches or detaches the on-demand programs as the configuration needs them. */
  #syncOnDemand(): void {
    for (const [name, needed] of ON_DEMAND) {
      const want = needed(this.#config, this.#compatResults) && !this.#skip.has(name);
      const link = this.#onDemand.get(name);
      if (want && !link) {
        this.#onDemand.set(name, this.#object.program(name).attach());
      } else if (!want && link) {
        link.close();
        this.#onDemand.delete(name);
      }
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new TypeError("the eBPF monitor is closed");
  }

  #writeConfig(): void {
    const c = this.#config;
    const flags = (c.traceAll ? CORDON_CFG.traceAll : 0) |
      (c.fileEvents ? CORDON_CFG.fileEvents : 0) |
      (c.netEvents ? CORDON_CFG.netEvents : 0) |
      (c.procEvents ? CORDON_CFG.procEvents : 0) |
      (c.lsmEnforce ? CORDON_CFG.lsmEnforce : 0);
    this.#object.map("cordon_cfg").update(
      u32Key(0),
      encodeConfig({ flags, selfTgid: Deno.pid, syscallSlots: c.syscallSlots }),
    );
    // The fast path's copy, read before any map: written after the full configuration.
    const bss = this.#object.maps().find((m) => m.name.endsWith(".bss"));
    if (!bss) throw new RangeError('the monitor object has no ".bss" map');
    const fast = new Uint8Array(bss.valueSize);
    const view = new DataView(fast.buffer);
    view.setUint32(fieldOffset("cordon_fast_config", "trace_all"), c.traceAll ? 1 : 0, true);
    view.setUint32(fieldOffset("cordon_fast_config", "lsm_enforce"), c.lsmEnforce ? 1 : 0, true);
    const more = [
      ...c.syscallSlots,
      ...(c.fileEvents ? FILE_SLOTS : []),
      ...(c.netEvents ? NET_SLOTS : []),
    ];
    const bitmap = fieldOffset("cordon_fast_config", "more_slots");
    for (const slot of more) {
      if (slot >= 0 && slot < CORDON_NR_SLOTS) fast[bitmap + (slot >> 3)]! |= 1 << (slot & 7);
    }
    bss.update(u32Key(0), fast);
  }

  /**
   * Changes what is streamed (takes effect for the next call the kernel sees), attaching or
   * detaching the exit programs as file/network events and LSM denies need them.
   */
  configure(changes: Partial<MonitorConfig>): void {
    this.#assertOpen();
    this.#config = { ...this.#config, ...changes };
    this.#writeConfig();
    this.#syncOnDemand();
  }

  /** Marks `pid` monitored at a new generation (its threads re-read its `procs` entry). */
  #watch(pid: number, on: boolean): void {
    const gen = on ? this.#nextGen : 0n;
    if (on) this.#nextGen += 2n;
    this.#object.map("watched").update(u32Key(pid), u64Key(gen));
  }

  /** A map of the monitor by name (`procs`, `decisions`, `limits`, `comm_targets`, …). */
  map(name: string): BpfMap {
    this.#assertOpen();
    return this.#object.map(name);
  }

  /**
   * Starts monitoring process `pid` (with `policy`, 0 for none) and, unless told otherwise,
   * its future children. Returns false when there is no such process. The entry is bound to
   * this process's start time, so a later process reusing the pid does not inherit it.
   * With `countFromExec`, the kernel zeroes its counts at its next successful `execve` (a
   * launcher's own calls are then left out of the target's counts). With `cgroupId`, the
   * process (and its future children) must stay in that cgroup: the kernel kills it when it is
   * moved out, or a child is created outside it. Throws {@linkcode KernelError} (`ERANGE`) for
   * a pid at or above the `pid_max` the monitor was loaded with (raised since).
   */
  track(
    pid: number,
    policy = 0,
    followForks = true,
    options: { readonly countFromExec?: boolean; readonly cgroupId?: bigint } = {},
  ): boolean {
    this.#assertOpen();
    if (pid >= this.#watchedSize) {
      // `watched` is indexed by tgid and sized to pid_max at load: raised since, it cannot hold it.
      throw new KernelError(`monitor process ${pid}`, 34, {
        name: "ERANGE",
        description: `pid beyond the pid_max (${this.#watchedSize}) the monitor was loaded for`,
      });
    }
    const ticks = processStartTicks(pid);
    if (ticks === undefined) return false;
    const flags = (followForks ? CORDON_PROC.followForks : 0) |
      (options.countFromExec ? CORDON_PROC.countFromExec : 0);
    const cgroupId = options.cgroupId ?? 0n;
    const value = encodeNewProc(ticks, policy, flags, cgroupId);
    const procs = this.#object.map("procs");
    const key = u32Key(pid);
    const current = this.proc(pid);
    if (current && current.startTicks === ticks) {
      // Already monitored (e.g. inherited at fork): keep its counts, set the policy.
      const bytes = new Uint8Array(procs.valueSize);
      if (procs.lookup(key, bytes)) {
        const view = new DataView(bytes.buffer);
        view.setUint32(fieldOffset("cordon_proc", "policy"), policy, true);
        view.setUint32(fieldOffset("cordon_proc", "flags"), flags, true);
        view.setBigUint64(fieldOffset("cordon_proc", "cgroup_id"), cgroupId, true);
        procs.update(key, bytes, BPF_ANY);
        this.#watch(pid, true);
        return true;
      }
    }
    procs.delete(key);
    procs.update(key, value, BPF_NOEXIST);
    this.#watch(pid, true);
    return true;
  }

  /** Stops monitoring `pid` (its counts are forgotten). Returns false when it was not monitored. */
  untrack(pid: number): boolean {
    this.#assertOpen();
    if (pid < this.#watchedSize) this.#watch(pid, false);
    return this.#object.map("procs").delete(u32Key(pid));
  }

  /**
   * What the kernel has for `pid`, if monitored: its `procs` entry (the policy, and the counts of
   * its threads that have exited) plus the counts of each live thread (`tasks` task storage,
   * read by a pidfd per thread). A snapshot: threads go on counting while it is taken; the
   * exit event's counts are the exact totals.
   */
  proc(pid: number): ProcValue | undefined {
    this.#assertOpen();
    const procs = this.#object.map("procs");
    const bytes = new Uint8Array(procs.valueSize);
    if (!procs.lookup(u32Key(pid), bytes)) return undefined;
    return this.#withThreads(pid, decodeProc(bytes));
  }

  /** The pids with a `procs` entry (cheap: no counts are read). */
  pids(): number[] {
    this.#assertOpen();
    return this.#object.map("procs").keys().map((key) =>
      new DataView(key.buffer).getUint32(0, true)
    );
  }

  /** Every monitored process, by pid (each as {@linkcode EbpfMonitor.proc} reads it). */
  procs(): Map<number, ProcValue> {
    this.#assertOpen();
    const procs = this.#object.map("procs");
    const result = new Map<number, ProcValue>();
    const bytes = new Uint8Array(procs.valueSize);
    for (const key of procs.keys()) {
      if (procs.lookup(key, bytes)) {
        const pid = new DataView(key.buffer).getUint32(0, true);
        result.set(pid, this.#withThreads(pid, decodeProc(bytes)));
      }
    }
    return result;
  }

  /** `value` (a `procs` entry) plus the counts still held by the live threads of `pid`. */
  #withThreads(pid: number, value: ProcValue): ProcValue {
    const tasks = this.#object.map("tasks");
    const live = liveThreadCounts(pid, (fd, out) => tasks.lookup(u32Key(fd), out));
    if (live === undefined) return value; // gone: its threads' counts are in the entry (or exit event)
    const counts = new Map(value.counts);
    for (const [slot, n] of live.counts) counts.set(slot, (counts.get(slot) ?? 0n) + n);
    return { ...value, total: value.total + live.total, other: value.other + live.other, counts };
  }

  /**
   * The kernel-side counters summed over CPUs as they are (cheap: one map read), `syscalls`
   * without the live threads' calls (see {@linkcode EbpfMonitor.stats}).
   */
  kernelStats(): StatsValue {
    this.#assertOpen();
    const stats = this.#object.map("stats");
    const bytes = new Uint8Array(stats.lookupSize);
    stats.lookup(u32Key(0), bytes);
    return decodeStats(bytes);
  }

  /**
   * The kernel-side counters summed over CPUs. `syscalls` adds the calls the live threads still
   * hold: the kernel adds a thread's calls to its counter when the thread exits (the counting path
   * touches nothing but the thread's own entry).
   */
  stats(): StatsValue {
    const value = this.kernelStats();
    const tasks = this.#object.map("tasks");
    let live = 0n;
    for (const key of this.#object.map("procs").keys()) {
      const pid = new DataView(key.buffer).getUint32(0, true);
      live += liveThreadCounts(pid, (fd, out) => tasks.lookup(u32Key(fd), out))?.total ?? 0n;
    }
    return { ...value, syscalls: value.syscalls + live };
  }

  /** Bytes waiting in the ring buffer. */
  get pending(): number {
    return this.#closed ? 0 : this.#ring.pending;
  }

  /** Delivers the events available now to `handler` (decoded); returns how many. */
  poll(handler: (event: RawEvent) => void): number {
    this.#assertOpen();
    const n = this.#ring.consume((view, offset, length) => {
      handler(decodeEvent(view, offset, length));
    });
    this.delivered += n;
    return n;
  }

  /** Delivers the raw records available now (no decoding: for throughput); returns how many. */
  pollRaw(handler: (view: DataView, offset: number, length: number) => void): number {
    this.#assertOpen();
    const n = this.#ring.consume(handler);
    this.delivered += n;
    return n;
  }

  /**
   * Polls continuously on the event loop: drains what is available, then waits
   * `pollIntervalMs` when the ring is empty (doubling while it stays empty, up to 16 times). Stops on `stop()`/`close()`; a throwing handler
   * stops it and is reported to `onError` (or rethrown asynchronously).
   */
  start(handler: (event: RawEvent) => void, onError?: (error: unknown) => void): void {
    this.#assertOpen();
    if (this.#running) throw new TypeError("the eBPF monitor is already polling");
    this.#running = true;
    this.#onError = onError;
    let idle = this.#pollIntervalMs;
    const tick = () => {
      this.#timer = undefined;
      if (!this.#running || this.#closed) return;
      let n: number;
      try {
        n = this.poll(handler);
      } catch (error) {
        this.#running = false;
        if (this.#onError) this.#onError(error);
        else throw error;
        return;
      }
      if (n > 0) {
        idle = this.#pollIntervalMs;
        this.#timer = setTimeout(tick, 0);
      } else {
        this.#timer = setTimeout(tick, idle);
        idle = Math.min(idle * 2, this.#pollIntervalMs * 16);
      }
    };
    this.#timer = setTimeout(tick, 0);
  }

  /** Stops the polling started by `start()` (events stay in the ring until polled). */
  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Detaches every program (reverse order), unmaps the ring buffer, releases the maps. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.stop();
    this.#closed = true;
    for (const link of this.#onDemand.values()) link.close();
    this.#onDemand.clear();
    for (const link of this.#links.reverse()) link.close();
    this.#links = [];
    this.#ring.close();
    this.#object.close();
  }

  /** Same as {@linkcode EbpfMonitor.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Opens the monitor for a mechanism that needs it (`cordon record`, `cordon run --monitor`):
 * checks that this is Linux, that we are root and that every one of
 * {@linkcode MONITOR_FEATURES} is available, then calls {@linkcode EbpfMonitor.open}. Every
 * refusal is a {@linkcode NotSupportedError} naming `mechanism`: a missing feature with the
 * probe's reason, a program the kernel rejects (`VerifierError`) or an attach that fails
 * (`KernelError`) as "loading the monitor failed". Other errors pass through.
 *
 * Requires `allow-ffi`, `allow-read` and root.
 *
 * @param mechanism what needs the monitor, as refusals name it
 * @param options the monitor's options
 * @returns the loaded and attached monitor
 *
 * @example
 * ```ts ignore
 * import { openMonitorFor } from "@cordon/cordon/linux";
 * using monitor = openMonitorFor("eBPF monitoring", { procEvents: true });
 * console.log(monitor.attached);
 * ```
 */
export function openMonitorFor(mechanism: string, options: MonitorOptions = {}): EbpfMonitor {
  if (Deno.build.os !== "linux") {
    throw new NotSupportedError(mechanism, `not Linux (${Deno.build.os})`);
  }
  if (Deno.uid() !== 0) {
    throw new NotSupportedError(mechanism, "needs root (CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN)");
  }
  try {
    for (const feature of MONITOR_FEATURES) requireFeature(feature);
    return EbpfMonitor.open(options);
  } catch (error) {
    if (error instanceof NotSupportedError) {
      throw new NotSupportedError(mechanism, error.message, { cause: error });
    }
    if (error instanceof KernelError || error instanceof VerifierError) {
      throw new NotSupportedError(mechanism, `loading the monitor failed: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** What {@linkcode probeMonitor} found: whether the monitor loads here, and how. */
export interface MonitorProbe {
  /** Whether the monitor's object loaded and attached. */
  readonly loads: boolean;
  /** Where its i386 file and network results come from (when it loads). */
  readonly compatResults?: CompatResults;
  /** Why it does not load (the mechanism and the kernel's answer). */
  readonly detail?: string;
}

/**
 * Loads and attaches the monitor once and closes it again: the one true answer to whether
 * `monitor`, `apply` and `record` can work here (the feature probes load tiny programs; the
 * monitor's own verdict can still differ between builds of one kernel).
 *
 * Requires `allow-ffi`, `allow-read`, root.
 *
 * @example
 * ```ts ignore
 * import { probeMonitor } from "@cordon/cordon/linux";
 * const probe = probeMonitor();
 * console.log(probe.loads ? `loads (i386 results: ${probe.compatResults})` : probe.detail);
 * ```
 */
export function probeMonitor(): MonitorProbe {
  try {
    using monitor = openMonitorFor("eBPF monitoring");
    return { loads: true, compatResults: monitor.compatResults };
  } catch (error) {
    if (error instanceof NotSupportedError) return { loads: false, detail: error.message };
    throw error;
  }
}
