/**
 * The process table a backend keeps: live processes keyed by pid with their start time (so a
 * reused pid is a new process, never the old one), and the activity collected for monitored
 * processes (syscall counts, bounded recent file and network events). Shared by the simulation
 * and the kernel backends, which feed it from their events and counters.
 *
 * @module
 */

import type { Arch } from "../policies/types.ts";
import type { BackendProcess, ProcessActivity } from "./backend.ts";
import { EngineError } from "./errors.ts";
import type { FileEvent, NetworkEvent } from "./events.ts";
import { RecentEvents } from "./recent_events.ts";

/** What is known about a process when it appears: a {@linkcode BackendProcess} but `exited`. */
export type ProcessFacts = Omit<BackendProcess, "exited">;

/** Options of {@linkcode ProcessTable}. */
export interface ProcessTableOptions {
  /** Recent file and network events kept per monitored process (default 256 each). */
  readonly activityLimit?: number;
  /** Monitor the children of monitored processes automatically (default `true`). */
  readonly followChildren?: boolean;
  /** Processes kept in the table (live and exited), oldest exited forgotten first (default 65,536). */
  readonly maxProcesses?: number;
}

interface ProcessRecord {
  pid: number;
  start: number;
  ppid: number | undefined;
  comm: string | undefined;
  executable: string | undefined;
  cgroup: string | undefined;
  uid: number | undefined;
  arch: Arch | undefined;
  exited: boolean;
  exitCode: number | undefined;
  signal: string | undefined;
}

interface Activity {
  readonly process: ProcessRecord;
  syscalls: number;
  readonly bySyscall: Map<string, number>;
  readonly files: RecentEvents<FileEvent>;
  readonly network: RecentEvents<NetworkEvent>;
}

function snapshotProcess(p: ProcessRecord): BackendProcess {
  const out: { -readonly [K in keyof BackendProcess]: BackendProcess[K] } = {
    pid: p.pid,
    start: p.start,
    exited: p.exited,
  };
  if (p.ppid !== undefined) out.ppid = p.ppid;
  if (p.comm !== undefined) out.comm = p.comm;
  if (p.executable !== undefined) out.executable = p.executable;
  if (p.cgroup !== undefined) out.cgroup = p.cgroup;
  if (p.uid !== undefined) out.uid = p.uid;
  if (p.arch !== undefined) out.arch = p.arch;
  return out;
}

/** The command name the kernel derives from an executable path (basename, 15 bytes). */
export function commOf(executable: string): string {
  const base = executable.slice(executable.lastIndexOf("/") + 1);
  return base.length > 15 ? base.slice(0, 15) : base;
}

/**
 * A process table with monitoring.
 *
 * @example
 * ```ts
 * import { ProcessTable } from "./process_table.ts";
 * const table = new ProcessTable();
 * table.add({ pid: 10, start: 1 });
 * table.monitor(10);
 * table.countSyscall(10, 1, "read");
 * table.exit(10, 0);
 * table.add({ pid: 10, start: 2 }); // pid reused by a new process
 * table.countSyscall(10, 2, "write"); // not monitored: not counted
 * if (table.activity(10)?.syscalls !== 1) throw new Error("reuse must not inherit");
 * ```
 */
export class ProcessTable {
  readonly #processes = new Map<number, ProcessRecord>();
  readonly #monitored = new Map<number, Activity>();
  readonly #activityLimit: number;
  readonly #followChildren: boolean;
  readonly #maxProcesses: number;
  #forgotten = 0;

  /**
   * Creates an empty table.
   *
   * @param options activity bounds and child following */
  constructor(options: ProcessTableOptions = {}) {
    this.#activityLimit = options.activityLimit ?? 256;
    this.#followChildren = options.followChildren ?? true;
    this.#maxProcesses = options.maxProcesses ?? 65_536;
  }

  /**
   * Adds a process (a fork, or one seen for the first time). A process already in the table
   * with the same pid and another start time is replaced: the pid was reused.
   *
   * @returns whether it is monitored (children of monitored processes are, when following)
   */
  add(facts: ProcessFacts): boolean {
    const record: ProcessRecord = {
      pid: facts.pid,
      start: facts.start,
      ppid: facts.ppid,
      comm: facts.comm,
      executable: facts.executable,
      cgroup: facts.cgroup,
      uid: facts.uid,
      arch: facts.arch,
      exited: false,
      exitCode: undefined,
      signal: undefined,
    };
    this.#processes.delete(facts.pid);
    this.#processes.set(facts.pid, record);
    this.#trim();
    if (this.#followChildren && facts.ppid !== undefined) {
      const parent = this.#monitored.get(facts.ppid);
      if (parent !== undefined && !parent.process.exited) {
        this.#monitored.set(facts.pid, this.#newActivity(record));
        return true;
      }
    }
    const previous = this.#monitored.get(facts.pid);
    return previous !== undefined && previous.process === record;
  }

  #trim(): void {
    if (this.#processes.size <= this.#maxProcesses) return;
    for (const [pid, record] of this.#processes) {
      if (this.#processes.size <= this.#maxProcesses) break;
      if (record.exited && this.#monitored.get(pid)?.process !== record) {
        this.#processes.delete(pid);
        this.#forgotten++;
      }
    }
  }

  #newActivity(record: ProcessRecord): Activity {
    return {
      process: record,
      syscalls: 0,
      bySyscall: new Map(),
      files: new RecentEvents(this.#activityLimit),
      network: new RecentEvents(this.#activityLimit),
    };
  }

  /** The current (latest) process with `pid`. */
  get(pid: number): BackendProcess | undefined {
    const record = this.#processes.get(pid);
    return record === undefined ? undefined : snapshotProcess(record);
  }

  /** Whether the current process with `pid` is live and started at `start` (when given). */
  isLive(pid: number, start?: number): boolean {
    const record = this.#processes.get(pid);
    return record !== undefined && !record.exited &&
      (start === undefined || record.start === start);
  }

  /** The start time of the current process with `pid`. */
  startOf(pid: number): number | undefined {
    return this.#processes.get(pid)?.start;
  }

  /** Records an `execve`: new executable and command name. */
  exec(pid: number, executable: string, comm: string = commOf(executable)): void {
    const record = this.#processes.get(pid);
    if (record === undefined) {
      throw new EngineError("PROCESS_NOT_FOUND", `No process with pid ${pid}`, {
        subject: String(pid),
      });
    }
    record.executable = executable;
    record.comm = comm;
  }

  /** Records an exit; a monitored process's activity is kept until `unmonitor`. */
  exit(pid: number, exitCode?: number, signal?: string): void {
    const record = this.#processes.get(pid);
    if (record === undefined) return;
    record.exited = true;
    record.exitCode = exitCode;
    record.signal = signal;
  }

  /**
   * Starts monitoring the current process with `pid`.
   *
   * @throws {EngineError} `PROCESS_NOT_FOUND` when no live process has that pid
   */
  monitor(pid: number): void {
    const record = this.#processes.get(pid);
    if (record === undefined || record.exited) {
      throw new EngineError("PROCESS_NOT_FOUND", `No live process with pid ${pid}`, {
        subject: String(pid),
      });
    }
    const current = this.#monitored.get(pid);
    if (current?.process === record) return;
    this.#monitored.set(pid, this.#newActivity(record));
  }

  /**
   * Stops monitoring `pid` and forgets its activity.
   *
   * @throws {EngineError} `PROCESS_NOT_MONITORED` when it is not monitored
   */
  unmonitor(pid: number): void {
    if (!this.#monitored.delete(pid)) {
      throw new EngineError("PROCESS_NOT_MONITORED", `Process ${pid} is not monitored`, {
        subject: String(pid),
      });
    }
  }

  /** Whether the process `(pid, start)` is monitored (`start` omitted: the current one). */
  isMonitored(pid: number, start?: number): boolean {
    const activity = this.#monitored.get(pid);
    if (activity === undefined) return false;
    return activity.process.start === (start ?? this.#processes.get(pid)?.start);
  }

  /** Pids currently monitored. */
  monitoredPids(): number[] {
    return [...this.#monitored.keys()];
  }

  /** Counts one syscall of `(pid, start)` when that process is monitored. */
  countSyscall(pid: number, start: number, name: string, count = 1): void {
    const activity = this.#monitored.get(pid);
    if (activity === undefined || activity.process.start !== start) return;
    activity.syscalls += count;
    activity.bySyscall.set(name, (activity.bySyscall.get(name) ?? 0) + count);
  }

  /** Sets the total syscall count of `(pid, start)` (kernel backends read totals from a map). */
  setSyscallTotal(pid: number, start: number, total: number): void {
    const activity = this.#monitored.get(pid);
    if (activity === undefined || activity.process.start !== start) return;
    activity.syscalls = total;
  }

  /**
   * Sets the syscall counts of `(pid, start)`, total and by name, replacing what was counted
   * (kernel backends read them from their maps, and from the final counts of an exit).
   */
  setSyscallCounts(
    pid: number,
    start: number,
    total: number,
    bySyscall: ReadonlyMap<string, number>,
  ): void {
    const activity = this.#monitored.get(pid);
    if (activity === undefined || activity.process.start !== start) return;
    activity.syscalls = total;
    activity.bySyscall.clear();
    for (const [name, count] of bySyscall) activity.bySyscall.set(name, count);
  }

  /**
   * Forgets the activity kept for `pid` when its process has exited (a bounded table of exits:
   * the oldest are dropped first by the caller). Returns whether it was forgotten.
   */
  forgetExited(pid: number): boolean {
    const activity = this.#monitored.get(pid);
    if (activity === undefined || !activity.process.exited) return false;
    return this.#monitored.delete(pid);
  }

  /** Records a file event of a monitored process. */
  recordFile(event: FileEvent, start: number): void {
    const activity = this.#monitored.get(event.pid);
    if (activity === undefined || activity.process.start !== start) return;
    activity.files.push(event);
  }

  /** Records a network event of a monitored process. */
  recordNetwork(event: NetworkEvent, start: number): void {
    const activity = this.#monitored.get(event.pid);
    if (activity === undefined || activity.process.start !== start) return;
    activity.network.push(event);
  }

  /** What was collected for the monitored `pid`. */
  activity(pid: number): ProcessActivity | undefined {
    const a = this.#monitored.get(pid);
    if (a === undefined) return undefined;
    const p = a.process;
    const out: ProcessActivity = {
      ...snapshotProcess(p),
      syscalls: a.syscalls,
      bySyscall: new Map(a.bySyscall),
      files: a.files.last(),
      filesTotal: a.files.total,
      network: a.network.last(),
      networkTotal: a.network.total,
      ...(p.exitCode === undefined ? {} : { exitCode: p.exitCode }),
      ...(p.signal === undefined ? {} : { signal: p.signal }),
    };
    return out;
  }

  /** Processes in the table (live and exited). */
  get size(): number {
    return this.#processes.size;
  }

  /** Exited processes forgotten to keep the table bounded. */
  get forgotten(): number {
    return this.#forgotten;
  }
}
