/**
 * The parent's side of launching a program under kernel confinement, and the small protocol it
 * speaks with the launcher child (`_launcher_main.ts`).
 *
 * `Deno.Command` runs no code of ours between `fork` and `exec`, so confinement happens in a
 * second process: the parent spawns a minimal Deno program (the launcher) with the target's
 * stdio, environment and working directory, sends it a {@linkcode LaunchPlan} over a private
 * Unix socket, lets a hook place the launcher's pid (cgroups, BPF maps), then says "go". The
 * launcher sets `no_new_privs`, applies the optional Landlock step, installs each seccomp filter
 * on all its threads and `execve`s the target, which keeps the launcher's pid. The socket is
 * close-on-exec: end of stream without a report means the `execve` succeeded; a failing launcher
 * reports a {@linkcode LaunchFailureReport} and exits without `execve`.
 *
 * Requires `allow-run` (for `Deno.execPath()`), `allow-read` and `allow-write` (temporary socket).
 *
 * @module
 */

import type { LandlockRuleset } from "../../compile/landlock.ts";
import { KernelError } from "./errors.ts";

/** The exit code shells use for a command that was found but could not be executed. */
export const EXIT_CANNOT_EXECUTE = 126;
/** The exit code shells use for a command that was not found. */
export const EXIT_NOT_FOUND = 127;

/** One seccomp filter of a plan: filters are installed in order; the kernel applies the strictest. */
export interface PlannedFilter {
  /** What the filter enforces (a policy name), for messages. */
  readonly name: string;
  /** The raw little-endian `struct sock_filter` array. */
  readonly program: Uint8Array;
}

/**
 * The optional Landlock step: rulesets (as `compile/landlock.ts` makes them; plain JSON), one per
 * policy layer with path or port rules, that the launcher passes in order to
 * `restrictSelfWithLandlock` of `landlock.ts` after `no_new_privs` and before the seccomp
 * filters (Landlock layers stack like filters). When present it is mandatory: if Landlock cannot
 * be applied the launcher fails and nothing is executed.
 */
export interface PlannedLandlock {
  /** The compiled rulesets (`compileLandlock`), JSON-serialisable. */
  readonly rulesets: readonly LandlockRuleset[];
}

/** What the launcher does, in order: `no_new_privs`, Landlock (optional), seccomp filters, `execve`. */
export interface LaunchPlan {
  /** The program to `execve`: a path containing a `/` (resolved by the parent). */
  readonly file: string;
  /** The program's `argv`, `argv[0]` included. */
  readonly argv: readonly string[];
  /** Seccomp filters, installed in order (each is one stacked filter). */
  readonly filters: readonly PlannedFilter[];
  /** The Landlock step; absent when no policy has `filesystem` or `network` rules to enforce with it. */
  readonly landlock?: PlannedLandlock;
}

/** The step of the launcher that failed. */
export type LaunchStage = "plan" | "no_new_privs" | "landlock" | "seccomp" | "execve";

/** What a failing launcher reports to the parent, instead of running the target. */
export interface LaunchFailureReport {
  /** The step that failed. */
  readonly stage: LaunchStage;
  /** The full message, naming the operation and, for kernel errors, the errno. */
  readonly message: string;
  /** For kernel errors: the errno and its name. */
  readonly errno?: number;
  /** The errno's name, such as `"EPERM"`. */
  readonly code?: string;
  /** The errno's description, such as `"Operation not permitted"`. */
  readonly description?: string;
  /** The exit code the launcher exits with: 127 not found, 126 any other failure. */
  readonly exitCode: number;
}

/** Error codes of {@linkcode LaunchError}. */
export type LaunchErrorCode =
  | "COMMAND_NOT_FOUND"
  | "COMMAND_NOT_EXECUTABLE"
  | "CONFINEMENT_FAILED"
  | "LAUNCHER_FAILED";

/**
 * The target was not started: not found (`exitCode` 127), not executable (126), confinement
 * failed (a step before `execve`; the kernel's error is the `cause`), or the launcher itself
 * failed. Nothing of the target ran.
 *
 * @example
 * ```ts
 * import { LaunchError } from "./launcher.ts";
 * const error = new LaunchError("COMMAND_NOT_FOUND", "execve", "nope: command not found", 127);
 * if (error.exitCode !== 127 || error.code !== "COMMAND_NOT_FOUND") throw new Error();
 * ```
 */
export class LaunchError extends Error {
  /** Stable error code. */
  readonly code: LaunchErrorCode;
  /** The launcher step that failed. */
  readonly stage: LaunchStage;
  /** The exit code a shell would give: 127 not found, 126 otherwise. */
  readonly exitCode: number;

  /**
   * Creates the error.
   *
   * @param code The stable code.
   * @param stage The step that failed.
   * @param message What happened.
   * @param exitCode 126 or 127.
   * @param options `cause`, as for `Error`.
   */
  constructor(
    code: LaunchErrorCode,
    stage: LaunchStage,
    message: string,
    exitCode: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "LaunchError";
    this.code = code;
    this.stage = stage;
    this.exitCode = exitCode;
  }

  /**
   * The error for a launcher's report.
   *
   * @example
   * ```ts
   * import { LaunchError } from "./launcher.ts";
   * const error = LaunchError.fromReport({
   *   stage: "seccomp", message: "install seccomp filter: Invalid argument (EINVAL)",
   *   errno: 22, code: "EINVAL", exitCode: 126,
   * });
   * if (error.code !== "CONFINEMENT_FAILED" || !(error.cause instanceof Error)) throw new Error();
   * ```
   */
  static fromReport(report: LaunchFailureReport): LaunchError {
    const cause = report.errno === undefined ? undefined : new KernelError(
      report.message.replace(/: [^:]*$/, ""),
      report.errno,
      {
        ...(report.code === undefined ? {} : { name: report.code }),
        ...(report.description === undefined ? {} : { description: report.description }),
      },
    );
    const code: LaunchErrorCode = report.stage === "execve"
      ? report.exitCode === EXIT_NOT_FOUND ? "COMMAND_NOT_FOUND" : "COMMAND_NOT_EXECUTABLE"
      : report.stage === "plan"
      ? "LAUNCHER_FAILED"
      : "CONFINEMENT_FAILED";
    return new LaunchError(
      code,
      report.stage,
      report.message,
      report.exitCode,
      cause ? { cause } : undefined,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The wire protocol: frames of a little-endian u32 length and a payload.
//   parent → launcher: header (JSON), one frame per filter program, then GO
//   launcher → parent: READY after reading the plan; a failure report (JSON) if a step fails;
//                      end of stream at a successful execve (the socket is close-on-exec)

const PROTOCOL_VERSION = 1;
const MAX_FRAME = 1 << 24;
const READY = "ready";
const GO = "go";

interface PlanHeader {
  readonly version: number;
  readonly file: string;
  readonly argv: readonly string[];
  readonly filters: readonly { readonly name: string; readonly length: number }[];
  readonly landlock?: PlannedLandlock;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}

/** Writes one frame. */
export async function writeFrame(conn: Deno.Conn, payload: Uint8Array | string): Promise<void> {
  const bytes = typeof payload === "string" ? encoder.encode(payload) : payload;
  const frame = new Uint8Array(4 + bytes.length);
  new DataView(frame.buffer).setUint32(0, bytes.length, true);
  frame.set(bytes, 4);
  await writeAll(conn, frame);
}

async function readExactly(conn: Deno.Conn, length: number): Promise<Uint8Array | null> {
  const bytes = new Uint8Array(length);
  let offset = 0;
  while (offset < length) {
    const n = await conn.read(bytes.subarray(offset));
    if (n === null) {
      if (offset === 0) return null;
      throw new Error("launcher protocol: stream ended inside a frame");
    }
    offset += n;
  }
  return bytes;
}

/** Reads one frame; `null` at a clean end of stream. */
export async function readFrame(conn: Deno.Conn): Promise<Uint8Array | null> {
  const head = await readExactly(conn, 4);
  if (head === null) return null;
  const length = new DataView(head.buffer).getUint32(0, true);
  if (length > MAX_FRAME) throw new Error(`launcher protocol: frame of ${length} bytes`);
  if (length === 0) return new Uint8Array(0);
  const body = await readExactly(conn, length);
  if (body === null) throw new Error("launcher protocol: stream ended inside a frame");
  return body;
}

/** Sends `plan` (the parent's side). */
export async function writePlan(conn: Deno.Conn, plan: LaunchPlan): Promise<void> {
  const header: PlanHeader = {
    version: PROTOCOL_VERSION,
    file: plan.file,
    argv: plan.argv,
    filters: plan.filters.map((f) => ({ name: f.name, length: f.program.length })),
    ...(plan.landlock ? { landlock: plan.landlock } : {}),
  };
  await writeFrame(conn, JSON.stringify(header));
  for (const filter of plan.filters) await writeFrame(conn, filter.program);
}

/** Receives a plan (the launcher's side). Throws when the stream is malformed. */
export async function readPlan(conn: Deno.Conn): Promise<LaunchPlan> {
  const headerBytes = await readFrame(conn);
  if (headerBytes === null) throw new Error("launcher protocol: no plan received");
  const header = JSON.parse(decoder.decode(headerBytes)) as PlanHeader;
  if (header.version !== PROTOCOL_VERSION) {
    throw new Error(`launcher protocol: version ${header.version}, expected ${PROTOCOL_VERSION}`);
  }
  const filters: PlannedFilter[] = [];
  for (const { name, length } of header.filters) {
    const program = await readFrame(conn);
    if (program === null || program.length !== length) {
      throw new Error(`launcher protocol: program of filter "${name}" truncated`);
    }
    filters.push({ name, program });
  }
  return {
    file: header.file,
    argv: header.argv,
    filters,
    ...(header.landlock ? { landlock: header.landlock } : {}),
  };
}

/** Tells the parent the plan was read (the launcher's side). */
export function writeReady(conn: Deno.Conn): Promise<void> {
  return writeFrame(conn, READY);
}

/** Waits for the parent's go (the launcher's side); `false` when the parent went away. */
export async function readGo(conn: Deno.Conn): Promise<boolean> {
  const frame = await readFrame(conn);
  return frame !== null && decoder.decode(frame) === GO;
}

// ---------------------------------------------------------------------------------------------
// The parent's side.

/** Where the target's standard streams go. */
export type Stdio = "inherit" | "piped" | "null";

/** Options of {@linkcode launchConfined}. */
export interface LaunchOptions {
  /** Working directory; default the current one. */
  readonly cwd?: string;
  /** Environment variables to set for the target (added to the inherited ones unless `clearEnv`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Start from an empty environment. */
  readonly clearEnv?: boolean;
  /** The target's standard input; default `"inherit"`. */
  readonly stdin?: Stdio;
  /** The target's standard output; default `"inherit"`. */
  readonly stdout?: Stdio;
  /** The target's standard error; default `"inherit"`. */
  readonly stderr?: Stdio;
  /**
   * Called with the launcher's pid (which becomes the target's) while it waits, before it
   * confines itself: the place to put it into cgroups or BPF maps. If it throws, the launcher is
   * killed and nothing runs.
   */
  readonly beforeStart?: (pid: number) => void | Promise<void>;
  /**
   * Signals that, sent to this process, are passed on to the target (and no longer end this
   * process), such as `["SIGTERM", "SIGHUP", "SIGINT"]`. Default none.
   */
  readonly forwardSignals?: readonly Deno.Signal[];
  /**
   * Signals that no longer end this process while the target runs, and are not passed on, such
   * as `SIGINT` from a terminal, which the kernel already delivers to the whole foreground
   * process group (the target included). Default none.
   */
  readonly ignoreSignals?: readonly Deno.Signal[];
}

/** Milliseconds from spawning the launcher to each step. */
export interface LaunchTimings {
  /** The launcher (a Deno process) started and connected. */
  readonly connectedMs: number;
  /** The plan was sent and read. */
  readonly readyMs: number;
  /** `execve` of the target succeeded: the start-up overhead of confinement. */
  readonly execMs: number;
}

/** How a confined launch ended. */
export interface LaunchResult {
  /** The target's pid (the launcher's, kept across `execve`). */
  readonly pid: number;
  /** The target's exit status, as `Deno.Command` reports it (a signal gives code 128+N). */
  readonly status: Deno.CommandStatus;
  /** How long each step took. */
  readonly timings: LaunchTimings;
  /** Output, when `stdout`/`stderr` were `"piped"`. */
  readonly stdout?: Uint8Array;
  /** Error output, when `stderr` was `"piped"`. */
  readonly stderr?: Uint8Array;
}

/** The launcher program's URL. */
export const LAUNCHER_MAIN_URL: string = new URL("./_launcher_main.ts", import.meta.url).href;

/**
 * The command line that starts the launcher: `deno run` with only the permissions it needs
 * (FFI, the socket, the `CORDON_LIBC` override) and no configuration discovery from the
 * target's working directory.
 */
export function launcherArgs(socketPath: string): string[] {
  return [
    "run",
    "--no-config",
    "--no-lock",
    "--quiet",
    "--no-prompt",
    "--allow-ffi",
    "--allow-env=CORDON_LIBC",
    `--allow-net=unix:${socketPath}`,
    `--allow-read=${socketPath}`,
    `--allow-write=${socketPath}`,
    LAUNCHER_MAIN_URL,
    socketPath,
  ];
}

/**
 * Launches `plan` confined, as described in the module documentation, and waits for the target
 * to exit. Resolves with the target's status (whatever its exit code); rejects with
 * {@linkcode LaunchError} when the target did not start (nothing of it ran).
 *
 * Requires `allow-run`, `allow-read`, `allow-write` (a private temporary directory for the
 * socket) and `allow-ffi` is needed by the launcher child, which is granted it explicitly.
 *
 * @example
 * ```ts ignore
 * import { launchConfined } from "./launcher.ts";
 * const allowAll = new Uint8Array([0x06, 0, 0, 0, 0, 0, 0xff, 0x7f]);
 * const result = await launchConfined({
 *   file: "/bin/true",
 *   argv: ["true"],
 *   filters: [{ name: "allow-all", program: allowAll }],
 * });
 * if (result.status.code !== 0) throw new Error("true failed");
 * ```
 */
export async function launchConfined(
  plan: LaunchPlan,
  options: LaunchOptions = {},
): Promise<LaunchResult> {
  const dir = await Deno.makeTempDir({ prefix: "cordon-run-" }); // mode 0700
  const socketPath = `${dir}/launcher.sock`;
  const listener = Deno.listen({ transport: "unix", path: socketPath });
  const started = performance.now();
  let child: Deno.ChildProcess | undefined;
  let conn: Deno.Conn | undefined;
  const signalListeners: [Deno.Signal, () => void][] = [];
  try {
    child = new Deno.Command(Deno.execPath(), {
      args: launcherArgs(socketPath),
      stdin: options.stdin ?? "inherit",
      stdout: options.stdout ?? "inherit",
      stderr: options.stderr ?? "inherit",
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.env === undefined ? {} : { env: { ...options.env } }),
      ...(options.clearEnv ? { clearEnv: true } : {}),
    }).spawn();
    const pid = child.pid;
    for (const signal of options.forwardSignals ?? []) {
      const listener = () => {
        try {
          Deno.kill(pid, signal);
        } catch {
          // the child has exited
        }
      };
      Deno.addSignalListener(signal, listener);
      signalListeners.push([signal, listener]);
    }
    for (const signal of options.ignoreSignals ?? []) {
      const listener = () => {};
      Deno.addSignalListener(signal, listener);
      signalListeners.push([signal, listener]);
    }
    const piped = options.stdout === "piped" || options.stderr === "piped";
    const output = piped ? child.output() : undefined;
    const status = output ? output.then((o) => o as Deno.CommandStatus) : child.status;

    const accepted = await Promise.race([listener.accept(), status.then(() => null)]);
    if (accepted === null) {
      const { code } = await status;
      throw new LaunchError(
        "LAUNCHER_FAILED",
        "plan",
        `the launcher exited with code ${code} before connecting`,
        EXIT_CANNOT_EXECUTE,
      );
    }
    conn = accepted;
    listener.close();
    await Deno.remove(dir, { recursive: true });
    const connectedMs = performance.now() - started;

    await writePlan(conn, plan);
    const ready = await readFrame(conn);
    if (ready === null || decoder.decode(ready) !== READY) {
      throw ready === null
        ? new LaunchError(
          "LAUNCHER_FAILED",
          "plan",
          "the launcher ended before reading the plan",
          EXIT_CANNOT_EXECUTE,
        )
        : LaunchError.fromReport(JSON.parse(decoder.decode(ready)) as LaunchFailureReport);
    }
    const readyMs = performance.now() - started;
    if (options.beforeStart) await options.beforeStart(child.pid);
    await writeFrame(conn, GO);

    const report = await readFrame(conn);
    const execMs = performance.now() - started;
    if (report !== null) {
      const failure = LaunchError.fromReport(
        JSON.parse(decoder.decode(report)) as LaunchFailureReport,
      );
      await status;
      throw failure;
    }
    conn.close();
    conn = undefined;
    const final = await (output ?? status);
    child = undefined;
    return {
      pid,
      status: { success: final.success, code: final.code, signal: final.signal },
      timings: { connectedMs, readyMs, execMs },
      ...(options.stdout === "piped" ? { stdout: (final as Deno.CommandOutput).stdout } : {}),
      ...(options.stderr === "piped" ? { stderr: (final as Deno.CommandOutput).stderr } : {}),
    };
  } finally {
    for (const [signal, listener] of signalListeners) Deno.removeSignalListener(signal, listener);
    conn?.close();
    try {
      listener.close();
    } catch {
      // already closed
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    if (child) {
      try {
        child.kill("SIGKILL");
      } catch {
        // already exited
      }
      await child.status;
    }
  }
}
