/**
 * `cordon record` through a tracer (bpftrace on Linux, DTrace elsewhere) instead of Cordon's
 * eBPF monitor: the tracing-script backend watches the launcher and its future children with
 * every event kind streamed (each syscall with its six arguments, opens, connects, forks, execs,
 * exits), and each event of the command is written as a line of the engine's JSON Lines trace,
 * the format the eBPF recorder writes and `cordon dry-run` replays.
 *
 * As with the eBPF recorder, nothing of the launcher is written: events of the launcher's pid
 * before its `exec` event are dropped. Events come in kernel-time order and with the kernel's
 * times (the script's monotonic timestamps, mapped to the epoch at its `ready` line; the backend
 * holds lines briefly to undo the tracer's per-CPU interleaving), so a child's events follow its
 * `fork` and a process's `exit` follows its calls. Differences: file and connect events of i386 calls
 * are not seen (the per-syscall tracepoints skip compat calls; the calls themselves are written);
 * bpftrace's own drop notices count as lost events.
 *
 * Requires what the tracer needs (root for bpftrace) and `allow-run`.
 *
 * @module
 */

import type { EngineEvent, EventKind } from "../../engine/events.ts";
import { eventsToJsonl } from "../../engine/trace/jsonl_trace.ts";
import type { RecordSummary } from "../linux/recorder.ts";

export type { RecordSummary };
import type { TraceWriter } from "../linux/trace_buffer.ts";
import { DtraceBackend } from "./dtrace_backend.ts";
import { TracerError, type TracerKind } from "./tracer.ts";

/** Options of {@linkcode TraceRecorder.open}. */
export interface TraceRecorderOptions {
  /** The tracer (default: the platform's: bpftrace on Linux, dtrace elsewhere). */
  readonly tracer?: TracerKind;
  /** Its path (default: found on `PATH`). */
  readonly tracerPath?: string;
}

const encoder = new TextEncoder();

/**
 * Records a launched command through a tracing script.
 *
 * @example
 * ```ts ignore
 * import { TraceRecorder } from "@cordon/cordon/dtrace";
 * import { runConfined } from "@cordon/cordon/linux";
 * await using recorder = await TraceRecorder.open((bytes) => Deno.stdout.writeSync(bytes));
 * await runConfined({
 *   set: { version: 1, layers: [] },
 *   command: ["ls"],
 *   beforeStart: (pid) => recorder.attach(pid),
 * });
 * console.error(await recorder.finish());
 * ```
 */
export class TraceRecorder implements AsyncDisposable {
  readonly #backend: DtraceBackend;
  readonly #write: TraceWriter;
  #root: number | undefined;
  #execSeen = false;
  #started = 0;
  #events = 0;
  #bytes = 0;
  #lost = 0;
  #syscalls = 0;
  readonly #byKind: Record<EventKind, number> = { syscall: 0, file: 0, network: 0, process: 0 };
  readonly #tree = new Set<number>();
  readonly #exited = new Set<number>();
  #finished: RecordSummary | undefined;

  private constructor(backend: DtraceBackend, write: TraceWriter) {
    this.#backend = backend;
    this.#write = write;
  }

  /**
   * Finds the tracer and checks it can run; nothing is traced until {@linkcode attach}.
   *
   * @throws {import("./tracer.ts").TracerError} when the tracer is missing or cannot trace
   */
  static async open(
    write: TraceWriter,
    options: TraceRecorderOptions = {},
  ): Promise<TraceRecorder> {
    const backend = await DtraceBackend.create({
      tracer: options.tracer ?? (Deno.build.os === "linux" ? "bpftrace" : "dtrace"),
      ...(options.tracerPath ? { tracerPath: options.tracerPath } : {}),
    });
    const recorder = new TraceRecorder(backend, write);
    await backend.open({
      emit: (event) => recorder.#onEvent(event),
      lost: (count) => {
        recorder.#lost += count;
      },
    });
    backend.setInterest({ kinds: new Set(["syscall", "file", "network", "process"]) });
    return recorder;
  }

  /**
   * Runs a script that does nothing but start and exit, so that a tracer that cannot load
   * programs here (no `CAP_BPF`, no BTF) is found out before anything is launched.
   *
   * @throws {TracerError} `TRACER_FAILED`, with what the tracer said
   */
  async check(): Promise<void> {
    const tracer = this.#backend.tracer;
    const args = tracer.kind === "bpftrace"
      ? ["-q", "-e", "BEGIN { exit(); }"]
      : ["-q", "-n", "BEGIN { exit(0); }"];
    const out = await new Deno.Command(tracer.path, { args, stdout: "null", stderr: "piped" })
      .output();
    if (!out.success) {
      const stderr = new TextDecoder().decode(out.stderr).trim();
      throw new TracerError(
        "TRACER_FAILED",
        tracer.kind,
        `${tracer.kind} cannot trace here: ${stderr.split("\n").at(-1) || `exit ${out.code}`}`,
        { stderr },
      );
    }
  }

  /** The tracer in use. */
  get tracer(): TracerKind {
    return this.#backend.tracer.kind;
  }

  /**
   * Starts recording the launcher `pid` and its future children, and resolves once the script's
   * probes are enabled (call it from `runConfined`'s `beforeStart`: the launcher waits).
   */
  async attach(pid: number): Promise<void> {
    if (this.#root !== undefined) throw new TypeError("the recorder is already attached");
    this.#root = pid;
    this.#tree.add(pid);
    this.#started = performance.now();
    await this.#backend.monitorProcess(pid);
    await this.#backend.flush();
  }

  #onEvent(event: EngineEvent): void {
    if (this.#finished || this.#root === undefined) return;
    // A fork event is the child's (`pid`), naming its parent (`ppid`).
    if (event.kind === "process" && event.op === "fork" && event.ppid !== undefined) {
      if (this.#tree.has(event.ppid)) this.#tree.add(event.pid);
    }
    if (!this.#tree.has(event.pid)) return;
    // The launcher's own calls, before it becomes the command, are not the command's.
    if (event.pid === this.#root && !this.#execSeen) {
      if (event.kind !== "process" || event.op !== "exec") return;
      this.#execSeen = true;
    }
    if (event.kind === "process" && event.op === "exit") this.#exited.add(event.pid);
    if (event.kind === "syscall") this.#syscalls++;
    const bytes = encoder.encode(eventsToJsonl([event]));
    this.#write(bytes);
    this.#events++;
    this.#bytes += bytes.length;
    this.#byKind[event.kind]++;
  }

  /**
   * Stops the tracer (its last lines are read first) and returns what was written.
   *
   * @returns the summary, in the shape of the eBPF recorder's
   */
  async finish(): Promise<RecordSummary> {
    if (this.#finished) return this.#finished;
    await this.#backend.stop();
    const figures = this.#backend.stats().figures as Record<string, number>;
    this.#finished = {
      pid: this.#root ?? 0,
      execSeen: this.#execSeen,
      events: this.#events,
      byKind: { ...this.#byKind },
      bytes: this.#bytes,
      lost: this.#lost + (figures.linesMalformed ?? 0),
      syscallsCounted: this.#syscalls,
      unstreamed: 0,
      processes: this.#tree.size,
      running: [...this.#tree].filter((p) => !this.#exited.has(p)).length,
      ms: this.#root === undefined ? 0 : performance.now() - this.#started,
    };
    return this.#finished;
  }

  /** Stops the tracer if it still runs. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#finished) await this.finish().catch(() => {});
    this.#backend.close();
  }
}
