/**
 * Runs one generated tracing script: writes it to a private temporary file, spawns
 * `dtrace -Z -q -s FILE` or `bpftrace -q [--unsafe] FILE`, waits until the script says its probes
 * are enabled (`cordon2 ready TIME`), then streams stdout line by line (partial lines are kept
 * until their newline) into parsed {@linkcode TraceRecord}s, in the order the tracer printed
 * them (which is not kernel order across CPUs: the backend reorders them by their `time`). A
 * tracer that exits on its own is reported through `onExit` with a {@linkcode TracerError}
 * (`TRACER_DIED`), never a silent stop.
 * {@linkcode TraceRunner.stop} interrupts it (SIGINT: the script's END prints the final counts),
 * waits for it, and removes the script file: nothing is left behind.
 *
 * Requires `allow-run`, `allow-write` and `allow-read` (the temporary directory).
 *
 * @module
 */

import { parseTraceLine, type TraceRecord } from "../../compile/trace_script.ts";
import { startFailure, TracerError, type TracerInfo } from "./tracer.ts";
import { BPFTRACE_ENV } from "../../compile/emit_bpftrace.ts";

/** Options of {@linkcode TraceRunner.start}. */
export interface TraceRunnerOptions {
  /** The tracer (from `findTracer`). */
  readonly tracer: TracerInfo;
  /** The script text. */
  readonly script: string;
  /** bpftrace: pass `--unsafe` (the script kills). */
  readonly unsafe?: boolean;
  /** Each record but the first `ready`, in output order. */
  readonly onRecord: (record: TraceRecord) => void;
  /**
   * The `ready` line, as it is read (before any record after it is handled): its kernel time and
   * the moment it arrived map kernel times to wall times.
   */
  readonly onReady?: (record: Extract<TraceRecord, { type: "ready" }>) => void;
  /** A line not in the format (a tracer message on stdout, a corrupt or truncated line). */
  readonly onMalformed?: (line: string, error: Error) => void;
  /** The tracer says it dropped records (DTrace's "N drops" on stderr; bpftrace's come as records). */
  readonly onLost?: (count: number) => void;
  /** The tracer stopped without {@linkcode TraceRunner.stop}: `error` says how. */
  readonly onExit?: (error: TracerError) => void;
  /** How long to wait for the probes to be enabled (default 60 s: attaching takes seconds). */
  readonly readyTimeoutMs?: number;
  /**
   * A path whose `stat` makes the script exit by itself (bpftrace scripts with a `stop` clause):
   * `stop()` stats it first and sends SIGINT only if the tracer has not exited within 2 s.
   */
  readonly stopPath?: string;
  /** How long `stop()` waits before SIGKILL (default 10 s). */
  readonly stopTimeoutMs?: number;
}

/** How the tracer ended. */
export interface TracerExit {
  /** Exit code. */
  readonly code: number;
  /** The signal that ended it, if any. */
  readonly signal: Deno.Signal | null;
  /** Whether {@linkcode TraceRunner.stop} (or `close`) asked it to end. */
  readonly requested: boolean;
}

const STDERR_LIMIT = 64 * 1024;

/**
 * A running tracing script.
 *
 * @example
 * ```ts ignore
 * import { TraceRunner } from "@cordon/cordon/dtrace";
 * import { findTracer } from "@cordon/cordon/dtrace";
 * await using runner = await TraceRunner.start({
 *   tracer: await findTracer("bpftrace"),
 *   script: 'BEGIN { printf("cordon2 ready %lu\\n", nsecs); }',
 *   onRecord: (r) => console.log(r),
 * });
 * ```
 */
export class TraceRunner implements Disposable, AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly #file: string;
  readonly #options: TraceRunnerOptions;
  #stderr = "";
  #requested = false;
  #removed = false;
  #lines = 0;
  #malformed = 0;
  readonly #done: Promise<TracerExit>;
  readonly #drained: Promise<void>;
  /** Milliseconds from spawn to the `ready` line. */
  attachMs = 0;

  private constructor(child: Deno.ChildProcess, file: string, options: TraceRunnerOptions) {
    this.#child = child;
    this.#file = file;
    this.#options = options;
    this.#drained = Promise.all([this.#readStderr(), this.#readStdout()]).then(() => {});
    this.#done = child.status.then(async (status) => {
      await this.#drained;
      this.#removeFile();
      return { code: status.code, signal: status.signal, requested: this.#requested };
    });
  }

  /** The tracer's pid. */
  get pid(): number {
    return this.#child.pid;
  }

  /** Lines read from stdout, and how many were not in the format. */
  get lines(): { total: number; malformed: number } {
    return { total: this.#lines, malformed: this.#malformed };
  }

  /** What the tracer wrote on stderr so far (bounded). */
  get stderr(): string {
    return this.#stderr;
  }

  /** Resolves when the tracer has exited and its output is read. */
  get exited(): Promise<TracerExit> {
    return this.#done;
  }

  /**
   * Starts the script and waits until its probes are enabled.
   *
   * @throws {TracerError} `TRACER_SIP`, `TRACER_PERMISSION`, `TRACER_FAILED` when it exits
   *   first (with its stderr), `TRACER_TIMEOUT` when it says nothing in time
   */
  static async start(options: TraceRunnerOptions): Promise<TraceRunner> {
    const { tracer } = options;
    const file = await Deno.makeTempFile({
      prefix: "cordon-trace-",
      suffix: tracer.kind === "bpftrace" ? ".bt" : ".d",
    });
    await Deno.writeTextFile(file, options.script);
    const args = tracer.kind === "bpftrace"
      ? ["-q", "-B", "line", ...(options.unsafe ? ["--unsafe"] : []), file]
      : ["-Z", "-q", "-s", file];
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(tracer.path, {
        args,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        env: tracer.kind === "bpftrace" ? { ...BPFTRACE_ENV } : {},
      }).spawn();
    } catch (error) {
      await Deno.remove(file).catch(() => {});
      throw new TracerError(
        "TRACER_FAILED",
        tracer.kind,
        `cannot run ${tracer.path}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const started = performance.now();
    const { promise: ready, resolve: onReady } = Promise.withResolvers<boolean>();
    let sawReady = false;
    const runner = new TraceRunner(child, file, {
      ...options,
      onRecord: (record) => {
        if (!sawReady && record.type === "ready") {
          sawReady = true;
          runner.attachMs = performance.now() - started;
          options.onReady?.(record);
          onReady(true);
          return;
        }
        options.onRecord(record);
      },
    });
    const timeoutMs = options.readyTimeoutMs ?? 60_000;
    const timer = setTimeout(() => onReady(false), timeoutMs);
    let exited: TracerExit | undefined;
    runner.#done.then((exit) => {
      exited = exit;
      onReady(false);
    });
    await ready;
    clearTimeout(timer);
    if (sawReady) {
      runner.#done.then((exit) => {
        if (exit.requested) return;
        options.onExit?.(
          new TracerError(
            "TRACER_DIED",
            tracer.kind,
            `${tracer.kind} (pid ${child.pid}) stopped while tracing: ${
              exit.signal ? `killed by ${exit.signal}` : `exit ${exit.code}`
            }${runner.#summary()}`,
            { stderr: runner.#stderr },
          ),
        );
      });
      return runner;
    }
    if (exited !== undefined) {
      throw startFailure(tracer.kind, runner.#stderr, exited.signal ? null : exited.code);
    }
    await runner.stop();
    throw new TracerError(
      "TRACER_TIMEOUT",
      tracer.kind,
      `${tracer.kind} did not enable its probes within ${timeoutMs} ms${runner.#summary()}`,
      { stderr: runner.#stderr },
    );
  }

  #summary(): string {
    const said = this.#stderr.split("\n").map((l) => l.trim())
      .filter((l) => l && !/RLIMIT_MEMLOCK/.test(l));
    return said.length ? `: ${said.slice(0, 3).join("; ")}` : "";
  }

  async #readStdout(): Promise<void> {
    const decoder = new TextDecoder();
    let partial = "";
    const handle = (line: string) => {
      this.#lines++;
      try {
        const record = parseTraceLine(line);
        if (record) this.#options.onRecord(record);
      } catch (error) {
        this.#malformed++;
        this.#options.onMalformed?.(line, error as Error);
      }
    };
    try {
      for await (const chunk of this.#child.stdout) {
        partial += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = partial.indexOf("\n")) !== -1) {
          handle(partial.slice(0, newline));
          partial = partial.slice(newline + 1);
        }
      }
    } catch {
      // the pipe closed under us: what was read is handled
    }
    partial += decoder.decode();
    if (partial !== "") {
      // A last line without its newline: the tracer died mid-line. Never taken as complete.
      this.#lines++;
      this.#malformed++;
      this.#options.onMalformed?.(
        partial,
        new SyntaxError(`Truncated last line: "${partial.slice(0, 80)}"`),
      );
    }
  }

  async #readStderr(): Promise<void> {
    const decoder = new TextDecoder();
    let partial = "";
    try {
      for await (const chunk of this.#child.stderr) {
        const text = decoder.decode(chunk, { stream: true });
        if (this.#stderr.length < STDERR_LIMIT) this.#stderr += text.slice(0, STDERR_LIMIT);
        partial += text;
        let newline: number;
        while ((newline = partial.indexOf("\n")) !== -1) {
          // "dtrace: 12 drops on CPU 0", "dtrace: 3 dynamic variable drops"
          const drops = /^dtrace: (\d+) (?:[a-z ]+ )?drops?\b/.exec(partial.slice(0, newline));
          if (drops) this.#options.onLost?.(Number(drops[1]));
          partial = partial.slice(newline + 1);
        }
      }
    } catch {
      // closed
    }
  }

  #removeFile(): void {
    if (this.#removed) return;
    this.#removed = true;
    try {
      Deno.removeSync(this.#file);
    } catch {
      // already gone
    }
  }

  #signal(signal: Deno.Signal): void {
    try {
      this.#child.kill(signal);
    } catch {
      // already exited
    }
  }

  /**
   * Interrupts the tracer (its END clause prints the final counts), waits for it to exit and its
   * output to be read, then removes the script file. SIGKILL after `stopTimeoutMs`. Idempotent.
   */
  async stop(): Promise<TracerExit> {
    const first = !this.#requested;
    this.#requested = true;
    if (first && this.#options.stopPath !== undefined) {
      await Deno.stat(this.#options.stopPath).catch(() => {});
      let timer: ReturnType<typeof setTimeout> | undefined;
      const exited = await Promise.race([
        this.#done.then(() => true),
        new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(false), 2_000)),
      ]);
      clearTimeout(timer);
      if (exited) return await this.#done;
    }
    this.#signal("SIGINT");
    const timeoutMs = this.#options.stopTimeoutMs ?? 10_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.#signal("SIGKILL");
        resolve();
      }, timeoutMs);
    });
    await Promise.race([this.#done, killed]);
    clearTimeout(timer);
    return await this.#done;
  }

  /** Kills the tracer at once (no final counts) and removes the script file. Idempotent. */
  close(): void {
    this.#requested = true;
    this.#signal("SIGKILL");
    this.#removeFile();
  }

  /** Same as {@linkcode TraceRunner.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Same as {@linkcode TraceRunner.stop}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
