/**
 * {@linkcode RunMonitor}: the eBPF monitor of a command started by `cordon run --monitor`. It is
 * attached before the launcher is told to go, follows the launcher's pid (which becomes the
 * target's at `execve`) and every descendant, and reports at the end the process tree's syscall
 * counts by name and its file and network activity.
 *
 * The launcher is a Deno process: its own calls (runtime threads, the confinement steps) are
 * left out. The kernel zeroes the launcher's counts when the target's `execve` succeeds
 * (`CORDON_PROC_COUNT_FROM_EXEC`), so counts start right after that `execve`; file and network
 * events of the launcher before that `execve` are dropped. Calls that a seccomp filter answers
 * with an error (or kills) are not counted: the kernel runs seccomp before the `sys_enter`
 * tracepoint.
 *
 * Requires `allow-ffi`, `allow-read` and root.
 *
 * @module
 */

import { errnoName } from "../../policies/constants.ts";
import type { ProcValue } from "../../bpf/structs.ts";
import type { NetworkEvent } from "../../engine/events.ts";
import { type EbpfMonitor, openMonitorFor } from "./ebpf_monitor.ts";
import { countsByName, decodeKernelEvent, type KernelEvent } from "./kernel_event.ts";
import { bootEpochMs } from "./proc_facts.ts";
import { KernelError } from "./errors.ts";

export { countsByName } from "./kernel_event.ts";

/** The mechanism `--monitor` needs, as refusals name it. */
export const RUN_MONITOR_MECHANISM = "eBPF monitoring (tp_btf tracepoints, BPF ring buffer)";

/** One process of the monitored tree. */
export interface MonitoredProcess {
  /** The process id. */
  readonly pid: number;
  /** The parent's pid (absent for the command itself). */
  readonly ppid?: number;
  /** The command name after its last exec (or its parent's, if it never exec'd). */
  readonly comm?: string;
  /** The file its last exec ran. */
  readonly executable?: string;
  /** Whether it had exited when the report was made. */
  readonly exited: boolean;
  /** Exit status, when it exited normally. */
  readonly exitCode?: number;
  /** Signal name, when a signal ended it. */
  readonly signal?: string;
  /** Syscalls counted (from the command's `execve` on for the command; from fork for children). */
  readonly syscalls: number;
  /** Counts by syscall name; i386 calls as `"i386:NAME"`, unknown numbers as `"#NR"`. */
  readonly bySyscall: ReadonlyMap<string, number>;
  /** False when its counts were lost (its exit event did not fit in the ring buffer). */
  readonly counted: boolean;
}

/** Opens of one path, aggregated. */
export interface FileAccess {
  /** The path as the process passed it (relative paths are relative to its cwd or dirfd). */
  readonly path: string;
  /** `create` when `O_CREAT` was given, else `open`. */
  readonly op: "open" | "create";
  /** Calls. */
  readonly count: number;
  /** Calls that failed. */
  readonly failed: number;
  /** The errno name of the last failure, if any failed. */
  readonly error?: string;
  /** The first process that made the call. */
  readonly pid: number;
}

/** Socket address operations on one endpoint, aggregated. */
export interface NetworkAccess {
  /** What was done (`send`: `sendto`/`sendmsg` with a destination address). */
  readonly op: "connect" | "bind" | "accept" | "send";
  /** The address family. */
  readonly family: "inet" | "inet6" | "unix" | "other";
  /** The address, for IPv4/IPv6. */
  readonly address?: string;
  /** The port, for IPv4/IPv6. */
  readonly port?: number;
  /** Calls. */
  readonly count: number;
  /** Calls that failed (a non-blocking connect in progress, EINPROGRESS, counts as failed). */
  readonly failed: number;
  /** The errno name of the last failure, if any failed. */
  readonly error?: string;
  /** The first process that made the call. */
  readonly pid: number;
}

/** What `cordon run --monitor` reports. */
export interface RunActivity {
  /** The command's pid (the launcher's, which became the command at `execve`). */
  readonly pid: number;
  /** Whether the command's `execve` was seen (counts start there). */
  readonly execSeen: boolean;
  /** Every process of the tree, the command first, then in order of creation. */
  readonly processes: readonly MonitoredProcess[];
  /** Syscalls of the whole tree. */
  readonly syscalls: number;
  /** Syscalls of the whole tree by name, most frequent first. */
  readonly bySyscall: ReadonlyMap<string, number>;
  /** Opens by path, in order of first appearance (at most `maxEntries`). */
  readonly files: readonly FileAccess[];
  /** Open calls seen (including those past `maxEntries` distinct paths). */
  readonly filesTotal: number;
  /** Socket operations by endpoint, in order of first appearance (at most `maxEntries`). */
  readonly network: readonly NetworkAccess[];
  /** Socket operations seen. */
  readonly networkTotal: number;
  /** Ring-buffer events lost while monitoring: the file/network lists may be incomplete. */
  readonly lost: number;
}

/** Options of {@linkcode RunMonitor.open}. */
export interface RunMonitorOptions {
  /** Ring-buffer size in bytes, a power of two (default 16 MiB). */
  readonly ringBytes?: number;
  /** Most distinct files and network endpoints kept (default 10,000 each). */
  readonly maxEntries?: number;
}

interface TreeProcess {
  pid: number;
  ppid?: number;
  comm?: string;
  executable?: string;
  exited: boolean;
  exitCode?: number;
  signal?: string;
  final?: { total: bigint; counts: ReadonlyMap<number, bigint> };
}

type MutableAccess<T> = { -readonly [K in keyof T]: T[K] };

function failure(result: number | undefined): string | undefined {
  if (result === undefined || result >= 0) return undefined;
  const errno = -result;
  return errnoName(errno) ?? `errno ${errno}`;
}

/** The report's operation of a network event (the monitor streams only these four). */
function accessOp(op: NetworkEvent["op"]): NetworkAccess["op"] {
  return op === "bind" || op === "accept" || op === "send" ? op : "connect";
}

/**
 * The eBPF monitor of one `cordon run`: open it before launching, pass
 * {@linkcode RunMonitor.attach} as the launcher's `beforeStart` hook, and call
 * {@linkcode RunMonitor.report} once the command has exited. Close it (or `using`) to detach.
 *
 * @example
 * ```ts ignore
 * import { RunMonitor } from "@cordon/cordon/linux";
 * import { runConfined } from "@cordon/cordon/linux";
 * using monitor = RunMonitor.open();
 * await runConfined({ set, command: ["ls"], beforeStart: (pid) => monitor.attach(pid) });
 * console.log(monitor.report().bySyscall);
 * ```
 */
export class RunMonitor implements Disposable {
  #monitor: EbpfMonitor;
  #maxEntries: number;
  #root: number | undefined;
  #execSeen = false;
  #tree = new Map<number, TreeProcess>();
  #files = new Map<string, MutableAccess<FileAccess>>();
  #filesTotal = 0;
  #network = new Map<string, MutableAccess<NetworkAccess>>();
  #networkTotal = 0;
  #error: unknown;
  #bootMs = 0;

  private constructor(monitor: EbpfMonitor, options: RunMonitorOptions) {
    this.#monitor = monitor;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  /**
   * Loads and attaches the monitor (file, network and process events; nothing is monitored
   * until {@linkcode RunMonitor.attach}). Throws {@linkcode NotSupportedError} naming
   * {@linkcode RUN_MONITOR_MECHANISM} when this system cannot monitor (not Linux, not root, a
   * feature missing, the kernel rejecting the programs).
   */
  static open(options: RunMonitorOptions = {}): RunMonitor {
    const monitor = openMonitorFor(RUN_MONITOR_MECHANISM, {
      fileEvents: true,
      netEvents: true,
      procEvents: true,
      ...(options.ringBytes === undefined ? {} : { ringBytes: options.ringBytes }),
    });
    const run = new RunMonitor(monitor, options);
    const bootMs = bootEpochMs();
    run.#bootMs = bootMs;
    monitor.start((event) => run.#deliver(decodeKernelEvent(event, bootMs)), (error) => {
      run.#error = error;
    });
    return run;
  }

  /**
   * Starts monitoring the launcher `pid` (call it from `runConfined`'s `beforeStart`, before the
   * launcher confines itself and runs `execve`) and its future children. Throws `TypeError` when
   * called twice, {@linkcode KernelError} when the process is gone.
   */
  attach(pid: number): void {
    if (this.#root !== undefined) throw new TypeError("the run monitor is already attached");
    if (!this.#monitor.track(pid, 0, true, { countFromExec: true })) {
      throw new KernelError(`monitor process ${pid}`, 3, { name: "ESRCH" });
    }
    this.#root = pid;
    this.#tree.set(pid, { pid, exited: false });
  }

  #deliver(decoded: KernelEvent): void {
    switch (decoded.kind) {
      case "fork": {
        const { raw } = decoded;
        if (this.#tree.has(raw.tgid) && !this.#tree.has(raw.childTgid)) {
          const parent = this.#tree.get(raw.tgid)!;
          this.#tree.set(raw.childTgid, {
            pid: raw.childTgid,
            ppid: raw.tgid,
            exited: false,
            ...(parent.comm === undefined ? {} : { comm: parent.comm }),
          });
        }
        return;
      }
      case "exec": {
        const { event } = decoded;
        const p = this.#tree.get(event.pid);
        if (!p) return;
        if (event.pid === this.#root) this.#execSeen = true;
        p.comm = decoded.raw.comm;
        p.executable = decoded.raw.filename;
        return;
      }
      case "exit": {
        const { event, raw } = decoded;
        const p = this.#tree.get(event.pid);
        if (!p) return;
        p.exited = true;
        p.final = { total: raw.total, counts: raw.counts };
        if (event.exitCode !== undefined) p.exitCode = event.exitCode;
        if (event.signal !== undefined) p.signal = event.signal;
        if (raw.comm) p.comm ??= raw.comm;
        return;
      }
      case "file": {
        const { event } = decoded;
        if (!this.#counts(event.pid)) return;
        this.#filesTotal++;
        const op = event.op === "create" ? "create" : "open";
        const key = `${op}\0${event.path}`;
        const error = failure(event.result);
        let entry = this.#files.get(key);
        if (!entry) {
          if (this.#files.size >= this.#maxEntries) return;
          entry = { path: event.path, op, count: 0, failed: 0, pid: event.pid };
          this.#files.set(key, entry);
        }
        entry.count++;
        if (error !== undefined) {
          entry.failed++;
          entry.error = error;
        }
        return;
      }
      case "network": {
        const { event } = decoded;
        if (!this.#counts(event.pid)) return;
        this.#networkTotal++;
        const op = accessOp(event.op);
        const family = event.family === "inet" || event.family === "inet6" ||
            event.family === "unix"
          ? event.family
          : "other";
        const { address } = event;
        const key = `${op}\0${family}\0${address ?? ""}\0${
          address === undefined ? "" : event.port
        }`;
        const error = failure(event.result);
        let entry = this.#network.get(key);
        if (!entry) {
          if (this.#network.size >= this.#maxEntries) return;
          entry = {
            op,
            family,
            ...(address === undefined ? {} : { address, port: event.port! }),
            count: 0,
            failed: 0,
            pid: event.pid,
          };
          this.#network.set(key, entry);
        }
        entry.count++;
        if (error !== undefined) {
          entry.failed++;
          entry.error = error;
        }
        return;
      }
      default:
        return;
    }
  }

  /** Whether activity of `pid` belongs to the report (the launcher's, before exec, does not). */
  #counts(pid: number): boolean {
    if (!this.#tree.has(pid)) return false;
    return pid !== this.#root || this.#execSeen;
  }

  /**
   * Drains the events the kernel has submitted and builds the report: exited processes with the
   * counts of their exit events, running ones with their live counts. Call it after the command
   * has exited (its exit event is then in the ring buffer). Throws what the event handler threw.
   */
  report(): RunActivity {
    if (this.#root === undefined) throw new TypeError("the run monitor was never attached");
    if (this.#error !== undefined) throw this.#error;
    this.#monitor.stop();
    this.#monitor.poll((event) => this.#deliver(decodeKernelEvent(event, this.#bootMs)));
    const processes: MonitoredProcess[] = [];
    const total = new Map<string, number>();
    let syscalls = 0;
    for (const p of this.#tree.values()) {
      let value: { total: bigint; counts: ReadonlyMap<number, bigint> } | undefined = p.final;
      if (!value && !p.exited) {
        const live: ProcValue | undefined = this.#monitor.proc(p.pid);
        if (live) value = live;
      }
      const bySyscall = countsByName(value?.counts ?? new Map());
      for (const [name, n] of bySyscall) total.set(name, (total.get(name) ?? 0) + n);
      syscalls += Number(value?.total ?? 0n);
      processes.push({
        pid: p.pid,
        ...(p.ppid === undefined ? {} : { ppid: p.ppid }),
        ...(p.comm === undefined ? {} : { comm: p.comm }),
        ...(p.executable === undefined ? {} : { executable: p.executable }),
        exited: p.exited || value === undefined,
        ...(p.exitCode === undefined ? {} : { exitCode: p.exitCode }),
        ...(p.signal === undefined ? {} : { signal: p.signal }),
        syscalls: Number(value?.total ?? 0n),
        bySyscall,
        counted: value !== undefined,
      });
    }
    return {
      pid: this.#root,
      execSeen: this.#execSeen,
      processes,
      syscalls,
      bySyscall: new Map([...total].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))),
      files: [...this.#files.values()],
      filesTotal: this.#filesTotal,
      network: [...this.#network.values()],
      networkTotal: this.#networkTotal,
      lost: Number(this.#monitor.kernelStats().lost),
    };
  }

  /** Detaches every program and releases the maps. Idempotent. */
  close(): void {
    this.#monitor.close();
  }

  /** Same as {@linkcode RunMonitor.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
