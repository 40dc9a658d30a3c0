/**
 * {@linkcode Recorder}: the library behind `cordon record`. It streams every syscall of a
 * command's process tree (with its six arguments), the files it opens (paths), its socket
 * operations (addresses) and its forks, execs and exits from Cordon's eBPF monitor, and writes
 * them as the engine's JSON Lines trace (`docs/events.md`, version 1), which `cordon dry-run`
 * replays.
 *
 * It follows a launched command like `cordon run --monitor` (see `run_monitor.ts`): open it
 * before launching, pass {@linkcode Recorder.attach} as `runConfined`'s `beforeStart` hook, and
 * call {@linkcode Recorder.finish} once the command has exited. The launcher (a Deno process) is
 * left out: its events before the command's `execve` are not written, and the kernel zeroes its
 * counts at that `execve`.
 *
 * What the kernel cannot give is said, never guessed: syscall events are taken at entry (no
 * `ret`); calls a seccomp filter answers are not seen (seccomp runs before the `sys_enter`
 * tracepoint); calls with numbers beyond Cordon's syscall tables (x32, new numbers) are counted
 * but not streamed ({@linkcode RecordSummary.unstreamed}); events the ring buffer could not hold
 * are counted by the kernel ({@linkcode RecordSummary.lost}).
 *
 * Requires `allow-ffi`, `allow-read` and root.
 *
 * @module
 */

import { CORDON_EV, CORDON_NR_SLOTS, eventKindAt, fieldOffset } from "../../bpf/structs.ts";
import {
  type EngineEvent,
  EVENT_KINDS,
  type EventKind,
  eventToJsonLine,
} from "../../engine/events.ts";
import { type EbpfMonitor, openMonitorFor } from "./ebpf_monitor.ts";
import { readKernelEvent } from "./kernel_event.ts";
import { bootEpochMs } from "./proc_facts.ts";
import { KernelError } from "./errors.ts";
import { TraceBuffer, type TraceWriter } from "./trace_buffer.ts";

export type { TraceWriter } from "./trace_buffer.ts";

/** The mechanism recording needs, as refusals name it. */
export const RECORD_MECHANISM = "eBPF monitoring (tp_btf tracepoints, BPF ring buffer)";

/** Default ring-buffer size of a recording: 64 MiB (about 600,000 syscall events). */
export const RECORD_RING_BYTES = 64 << 20;

/** Options of {@linkcode Recorder.open}. */
export interface RecorderOptions {
  /** Ring-buffer size in bytes, a power of two (default {@linkcode RECORD_RING_BYTES}). */
  readonly ringBytes?: number;
  /** Bytes buffered before a write (default 1 MiB). */
  readonly bufferBytes?: number;
}

/** What a recording wrote and what it could not. */
export interface RecordSummary {
  /** The command's pid (the launcher's, which became the command at `execve`). */
  readonly pid: number;
  /** Whether the command's `execve` was seen (nothing of the command is written before it). */
  readonly execSeen: boolean;
  /** Events written (lines). */
  readonly events: number;
  /** Events written by kind. */
  readonly byKind: Readonly<Record<EventKind, number>>;
  /** Bytes written. */
  readonly bytes: number;
  /** Events the ring buffer could not hold (counted in the kernel): the trace lacks them. */
  readonly lost: number;
  /**
   * Syscalls the kernel counted for the tree (from the command's `execve` on; exited processes
   * from their exit events, running ones live). Without losses, every one of them is written,
   * except {@linkcode RecordSummary.unstreamed}.
   */
  readonly syscallsCounted: number;
  /** Calls counted but never streamed: numbers beyond Cordon's syscall tables (x32, new calls). */
  readonly unstreamed: number;
  /** Processes of the tree (the command and its descendants). */
  readonly processes: number;
  /** Processes still running when the recording stopped (their later activity is not written). */
  readonly running: number;
  /** Milliseconds from {@linkcode Recorder.attach} to {@linkcode Recorder.finish}. */
  readonly ms: number;
}

/**
 * The last line of a recorded trace: a comment (skipped by trace readers) with the recording's
 * counts, which `cordon generate` and `dry-run` read to refuse a trace that lost events.
 *
 * @param summary The recorder's summary.
 * @param command The command recorded.
 * @param exitCode Its exit status.
 * @returns The line, with its newline.
 *
 * @example
 * ```ts ignore
 * import { recordTrailer } from "./recorder.ts";
 * const line = recordTrailer(recorder.finish(), ["ls"], 0);
 * ```
 */
export function recordTrailer(
  summary: RecordSummary,
  command: readonly string[],
  exitCode: number,
): string {
  return `# cordon record: ${
    JSON.stringify({
      command,
      exitCode,
      events: summary.events,
      byKind: summary.byKind,
      lost: summary.lost,
      syscallsCounted: summary.syscallsCounted,
      unstreamed: summary.unstreamed,
      processes: summary.processes,
      running: summary.running,
    })
  }\n`;
}

const TGID = fieldOffset("cordon_event_header", "tgid");
const FORK_CHILD = fieldOffset("cordon_fork_event", "child_tgid");

/** Every syscall slot (native and i386): the monitor streams each call of the tree. */
const ALL_SLOTS = Array.from({ length: CORDON_NR_SLOTS }, (_, slot) => slot);

/**
 * A recording of one launched command's process tree into a JSON Lines trace. Close it (or
 * `using`) to detach; closing is idempotent.
 *
 * @example
 * ```ts ignore
 * import { Recorder } from "@cordon/cordon/linux";
 * import { runConfined } from "@cordon/cordon/linux";
 * const file = Deno.openSync("trace.jsonl", { write: true, create: true, truncate: true });
 * using recorder = Recorder.open((bytes) => {
 *   for (let n = 0; n < bytes.length;) n += file.writeSync(bytes.subarray(n));
 * });
 * await runConfined({
 *   set: { version: 1, layers: [] },
 *   command: ["ls"],
 *   beforeStart: (pid) => recorder.attach(pid, ["ls"]),
 * });
 * console.log(recorder.finish().events);
 * ```
 */
export class Recorder implements Disposable {
  #monitor: EbpfMonitor;
  #out: TraceBuffer;
  #bootMs: number;
  #root: number | undefined;
  #argv: readonly string[] | undefined;
  #execSeen = false;
  #tree = new Set<number>();
  #exited = new Set<number>();
  #counted = 0;
  #unstreamed = 0;
  #events = 0;
  #byKind: Record<EventKind, number> = { syscall: 0, file: 0, network: 0, process: 0 };
  #started = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #polling = false;
  #error: unknown;
  #finished: RecordSummary | undefined;

  private constructor(monitor: EbpfMonitor, write: TraceWriter, options: RecorderOptions) {
    this.#monitor = monitor;
    this.#bootMs = bootEpochMs();
    this.#out = new TraceBuffer(write, this.#bootMs, options.bufferBytes);
  }

  /**
   * Loads and attaches the monitor, streaming every syscall (all slots), file, network and
   * process events of tracked processes (nothing is tracked until {@linkcode Recorder.attach}).
   * Throws {@linkcode NotSupportedError} naming {@linkcode RECORD_MECHANISM} when this system
   * cannot monitor (not Linux, not root, a feature missing, the kernel rejecting the programs).
   */
  static open(write: TraceWriter, options: RecorderOptions = {}): Recorder {
    const monitor = openMonitorFor(RECORD_MECHANISM, {
      fileEvents: true,
      netEvents: true,
      procEvents: true,
      syscallSlots: ALL_SLOTS,
      ringBytes: options.ringBytes ?? RECORD_RING_BYTES,
    });
    return new Recorder(monitor, write, options);
  }

  /**
   * Starts recording the launcher `pid` (call it from `runConfined`'s `beforeStart`, before the
   * launcher confines itself and runs `execve`) and its future children, and starts reading
   * the ring buffer. `argv`, when given, is written as the command's exec event's `argv`.
   * Throws `TypeError` when called twice, {@linkcode KernelError} when the process is gone.
   */
  attach(pid: number, argv?: readonly string[]): void {
    if (this.#root !== undefined) throw new TypeError("the recorder is already attached");
    if (!this.#monitor.track(pid, 0, true, { countFromExec: true })) {
      throw new KernelError(`monitor process ${pid}`, 3, { name: "ESRCH" });
    }
    this.#root = pid;
    this.#argv = argv;
    this.#tree.add(pid);
    this.#started = performance.now();
    this.#polling = true;
    this.#timer = setTimeout(() => this.#tick(), 0);
  }

  #tick(): void {
    this.#timer = undefined;
    if (!this.#polling) return;
    let n: number;
    try {
      n = this.#drainOnce();
    } catch (error) {
      this.#error = error;
      this.#polling = false;
      return;
    }
    this.#timer = setTimeout(() => this.#tick(), n > 0 ? 0 : 1);
  }

  /** Reads what the ring holds now, writes it; returns the number of records read. */
  #drainOnce(): number {
    return this.#monitor.pollRaw((view, offset, length) => this.#record(view, offset, length));
  }

  #record(view: DataView, offset: number, length: number): void {
    const kind = eventKindAt(view, offset);
    const pid = view.getUint32(offset + TGID, true);
    if (kind === CORDON_EV.syscall) {
      if (pid === this.#root && !this.#execSeen) return; // the launcher's own calls
      if (this.#out.syscall(view, offset)) {
        this.#events++;
        this.#byKind.syscall++;
      }
      return;
    }
    if (kind === CORDON_EV.fork) {
      if (!this.#tree.has(pid)) return;
      this.#tree.add(view.getUint32(offset + FORK_CHILD, true));
    } else if (kind === CORDON_EV.exec) {
      if (pid === this.#root) this.#execSeen = true;
    } else if (pid === this.#root && !this.#execSeen) {
      return; // the launcher's files, sockets and exit (a failed launch)
    }
    const decoded = readKernelEvent(view, offset, length, this.#bootMs);
    let event: EngineEvent;
    switch (decoded.kind) {
      case "file":
      case "network":
      case "fork":
        event = decoded.event;
        break;
      case "exec":
        event = pid === this.#root && this.#argv !== undefined
          ? { ...decoded.event, argv: this.#argv }
          : decoded.event;
        break;
      case "exit":
        event = decoded.event;
        this.#counted += Number(decoded.raw.total);
        this.#unstreamed += Number(decoded.raw.other);
        this.#exited.add(pid);
        break;
      default:
        return; // rate and enforcement notices, unknown records: not part of a trace
    }
    this.#line(eventToJsonLine(event), event.kind);
  }

  #line(line: string, kind: EventKind): void {
    this.#out.line(line);
    this.#events++;
    this.#byKind[kind]++;
  }

  /** Events written so far (lines). */
  get events(): number {
    return this.#events;
  }

  /**
   * Stops reading, drains what the kernel has submitted, writes it and returns the summary.
   * Call it after the command has exited (its exit event is then in the ring buffer). Throws
   * what writing the trace threw. Calling it again returns the same summary.
   */
  finish(): RecordSummary {
    if (this.#finished) return this.#finished;
    const root = this.#root;
    if (root === undefined) throw new TypeError("the recorder was never attached");
    this.#polling = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#error !== undefined) throw this.#error;
    while (this.#drainOnce() > 0) {
      // until the ring is empty
    }
    this.#out.flush();
    let counted = this.#counted;
    let unstreamed = this.#unstreamed;
    let running = 0;
    for (const pid of this.#tree) {
      if (this.#exited.has(pid)) continue;
      const live = this.#monitor.proc(pid);
      if (live === undefined) continue;
      running++;
      counted += Number(live.total);
      unstreamed += Number(live.other);
    }
    const byKind = Object.fromEntries(EVENT_KINDS.map((k) => [k, this.#byKind[k]])) as Record<
      EventKind,
      number
    >;
    this.#finished = {
      pid: root,
      execSeen: this.#execSeen,
      events: this.#events,
      byKind,
      bytes: this.#out.written,
      lost: Number(this.#monitor.kernelStats().lost),
      syscallsCounted: counted,
      unstreamed,
      processes: this.#tree.size,
      running,
      ms: performance.now() - this.#started,
    };
    return this.#finished;
  }

  /** Detaches every program and releases the maps (unwritten events are dropped). Idempotent. */
  close(): void {
    this.#polling = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#monitor.close();
  }

  /** Same as {@linkcode Recorder.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
