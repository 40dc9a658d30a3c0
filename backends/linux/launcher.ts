/**
 * The parent's side of launching a program under kernel confinement, and the small protocol it
 * speaks with the launcher child (`_launcher_main.ts`).
 *
 * `Deno.Command` runs no code of ours between `fork` and `exec`, so confinement happens in a
 * second process: the parent spawns a minimal Deno program (the launcher) with the target's
 * stdio and working directory and a fixed, minimal environment of its own, sends it a
 * {@linkcode LaunchPlan} (with the target's environment) over a private channel, lets a hook
 * place the launcher's pid (cgroups, BPF maps), then says "go". The launcher marks every
 * descriptor above 2 close-on-exec, sets `no_new_privs`, applies the optional Landlock step,
 * installs each seccomp filter on all its threads and `execve`s the target, which keeps the
 * launcher's pid.
 *
 * The channel is one end of a `socketpair(AF_UNIX, SOCK_STREAM)` made by the parent and
 * inherited by the launcher alone: it has no name in the filesystem or the abstract namespace, so
 * no other process can connect to it, replace it or listen on it (see
 * {@linkcode LauncherChannel}). It is close-on-exec in the launcher: end of stream without a
 * report means the `execve` succeeded; a failing launcher reports a
 * {@linkcode LaunchFailureReport} and exits without `execve`.
 *
 * Requires `allow-run` (for `Deno.execPath()`), `allow-ffi` (the channel is made and read through
 * libc) and `allow-env` (the target's environment is read here and sent in the plan).
 *
 * @module
 */

import type { LandlockRuleset } from "../../compile/landlock.ts";
import type { PlannedProcessConfinement } from "./process_confinement.ts";
import { KernelError } from "./errors.ts";
import { errno, errnoDetail, libc, unwrap } from "./libc.ts";

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
  /**
   * Issue 14 (`--explain`): install it with `SECCOMP_FILTER_FLAG_NEW_LISTENER` and pass the
   * listener to the parent ({@linkcode LaunchOptions.onSeccompListener}) before `execve`. At most
   * one filter, the last one installed.
   */
  readonly listener?: boolean;
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
  /**
   * Issue 14 (`--explain`): have the kernel audit the command's denials (after `execve`), for
   * the parent to report (`landlock_audit.ts`). Needs ABI 7.
   */
  readonly logNewExec?: boolean;
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
  /**
   * The target's environment, `NAME=value` strings, given to `execve`. The launcher itself runs
   * with a fixed environment of its own ({@linkcode launcherEnvironment}), so nothing of the
   * target's environment (`LD_PRELOAD`, `DENO_*`, …) reaches it. {@linkcode launchConfined}
   * fills it from its options when absent.
   */
  readonly env?: readonly string[];
  /**
   * Issue 9: the process confinement applied first (`process_confinement.ts`): cgroup and mount
   * namespaces, the read-only view, then the privileges; absent: none.
   */
  readonly confinement?: PlannedProcessConfinement;
}

/** The step of the launcher that failed. */
export type LaunchStage =
  | "plan"
  | "descriptors"
  | "namespaces"
  | "mounts"
  | "privileges"
  | "no_new_privs"
  | "landlock"
  | "seccomp"
  | "execve";

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
 * import { LaunchError } from "@cordon/cordon/linux";
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
   * import { LaunchError } from "@cordon/cordon/linux";
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
// The channel: one end of a socketpair in each process.

const AF_UNIX = 1;
const SOCK_STREAM = 1;
const SOCK_CLOEXEC = 0o2000000;
const F_DUPFD_CLOEXEC = 1030;
const F_GETFD = 1;
const F_SETFD = 2;
const FD_CLOEXEC = 1;
const SOL_SOCKET = 1;
const SO_PEERCRED = 17;
const SHUT_RDWR = 2;
const MSG_NOSIGNAL = 0x4000;
const EINTR = 4;

/** A byte stream that frames of the launcher protocol travel over. */
export interface ByteChannel {
  /** Reads into `buffer`; the number of bytes read, or `null` at end of stream. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Writes some of `bytes`; the number written. */
  write(bytes: Uint8Array): Promise<number>;
}

/** `fd` moved to a number of at least 3 (close-on-exec), so that no standard stream is a socket. */
function aboveStandardStreams(fd: number): number {
  if (fd >= 3) return fd;
  const symbols = libc();
  const moved = unwrap(symbols.fcntl(fd, F_DUPFD_CLOEXEC, 3), "move launcher channel above fd 2");
  symbols.close(fd);
  return moved;
}

/**
 * The parent's end of the channel to one launcher: a `socketpair(AF_UNIX, SOCK_STREAM |
 * SOCK_CLOEXEC)` made through libc.
 *
 * Why no other process can reach it: a socketpair has no address (no path an attacker could
 * replace, watch or connect to, no abstract name), and a socket cannot be opened through
 * `/proc/PID/fd`. The launcher's end is passed by inheritance only: it is close-on-exec except
 * during the one synchronous `spawn()` of the launcher ({@linkcode LauncherChannel.spawn}: this
 * thread runs no other code meanwhile) and closed here right after, so only the launcher holds it.
 * The remaining ways to another process's descriptor (`pidfd_getfd`, `ptrace`) need ptrace
 * rights over this process, which already means control of it. Peer credentials would say
 * nothing here (both ends of a socketpair report its creator, this process); the launcher checks
 * the converse: that its end's peer is its parent ({@linkcode openInheritedChannel}).
 *
 * I/O runs on worker threads (`nonblocking` FFI symbols) so that the event loop is not blocked.
 * Requires `allow-ffi`.
 *
 * @example
 * ```ts ignore
 * import { LauncherChannel } from "@cordon/cordon/linux";
 * await using channel = LauncherChannel.open();
 * const child = channel.spawn(() => new Deno.Command("true").spawn());
 * await child.status;
 * ```
 */
export class LauncherChannel implements ByteChannel, AsyncDisposable {
  /** The parent's end. */
  readonly fd: number;
  #childFd: number | undefined;
  #closed = false;
  readonly #pending = new Set<Promise<unknown>>();

  private constructor(fd: number, childFd: number) {
    this.fd = fd;
    this.#childFd = childFd;
  }

  /** Makes the socketpair. Throws `KernelError` when the kernel refuses. */
  static open(): LauncherChannel {
    const pair = new Int32Array(2);
    unwrap(
      libc().socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, new Uint8Array(pair.buffer)),
      "create launcher channel (socketpair)",
    );
    return new LauncherChannel(aboveStandardStreams(pair[0]!), aboveStandardStreams(pair[1]!));
  }

  /** The launcher's end, as its number in the launcher (inherited descriptors keep theirs). */
  get childFd(): number {
    if (this.#childFd === undefined) throw new Error("launcher channel: already handed over");
    return this.#childFd;
  }

  /**
   * Runs `spawnChild` (a synchronous `spawn()`) with the launcher's end inheritable, and closes
   * that end here as soon as it returns or throws. Callable once.
   */
  spawn<T>(spawnChild: () => T): T {
    const fd = this.childFd;
    const symbols = libc();
    try {
      unwrap(symbols.fcntl(fd, F_SETFD, 0), "make launcher channel inheritable");
      return spawnChild();
    } finally {
      symbols.close(fd);
      this.#childFd = undefined;
    }
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#pending.add(promise);
    return promise.finally(() => this.#pending.delete(promise));
  }

  /** Reads into `buffer`; `null` at end of stream. */
  async read(buffer: Uint8Array): Promise<number | null> {
    if (this.#closed) throw new Error("launcher channel: closed");
    const n = Number(
      await this.#track(
        libc().read_nonblocking(this.fd, buffer as BufferSource, BigInt(buffer.length)),
      ),
    );
    if (n < 0) throw new Error("launcher channel: read failed");
    return n === 0 ? null : n;
  }

  /** Writes some of `bytes`; fails when the launcher has gone. */
  async write(bytes: Uint8Array): Promise<number> {
    if (this.#closed) throw new Error("launcher channel: closed");
    const n = Number(
      await this.#track(
        libc().send_nonblocking(this.fd, bytes as BufferSource, BigInt(bytes.length), MSG_NOSIGNAL),
      ),
    );
    if (n < 0) throw new Error("launcher channel: the launcher is gone (send failed)");
    return n;
  }

  /**
   * Closes both ends: wakes any read still waiting (`shutdown`), waits for it, then closes the
   * descriptor (never while a worker thread may still use its number). Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const symbols = libc();
    if (this.#childFd !== undefined) {
      symbols.close(this.#childFd);
      this.#childFd = undefined;
    }
    symbols.shutdown(this.fd, SHUT_RDWR);
    await Promise.allSettled([...this.#pending]);
    symbols.close(this.fd);
  }

  /** Same as {@linkcode LauncherChannel.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * The launcher's end of its channel: descriptor `fd`, inherited from the parent. Marks it
 * close-on-exec (so that end of stream at `execve` means success) and checks that it is a
 * socket whose peer is this process's parent (the creator of the socketpair); otherwise throws
 * and nothing is read from it. Reads and writes block (the launcher has nothing else to do).
 *
 * Requires `allow-ffi`.
 *
 * @example
 * ```ts ignore
 * import { openInheritedChannel } from "@cordon/cordon/linux";
 * const channel = openInheritedChannel(Number(Deno.args[0]));
 * ```
 */
export function openInheritedChannel(fd: number): ByteChannel {
  if (!Number.isInteger(fd) || fd < 3) {
    throw new TypeError(`launcher channel: descriptor "${fd}" is not one above 2`);
  }
  const symbols = libc();
  const flags = unwrap(symbols.fcntl(fd, F_GETFD, 0), `launcher channel: descriptor ${fd}`);
  unwrap(symbols.fcntl(fd, F_SETFD, flags | FD_CLOEXEC), "make launcher channel close-on-exec");
  const cred = new Int32Array(3); // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
  const length = new Uint32Array([12]);
  unwrap(
    symbols.getsockopt(
      fd,
      SOL_SOCKET,
      SO_PEERCRED,
      new Uint8Array(cred.buffer),
      new Uint8Array(length.buffer),
    ),
    "launcher channel: peer credentials",
  );
  const parent = symbols.getppid();
  if (cred[0] !== parent) {
    throw new Error(
      `launcher channel: the peer of descriptor ${fd} is pid ${cred[0]}, not the parent ${parent}`,
    );
  }
  const retrying = (call: () => number | bigint, operation: string): number => {
    for (;;) {
      const n = Number(call());
      if (n >= 0) return n;
      const code = errno();
      if (code !== EINTR) throw new KernelError(operation, code, errnoDetail(code));
    }
  };
  return {
    read(buffer) {
      const n = retrying(
        () => symbols.read(fd, buffer as BufferSource, BigInt(buffer.length)),
        "read launcher channel",
      );
      return Promise.resolve(n === 0 ? null : n);
    },
    write(bytes) {
      return Promise.resolve(retrying(
        () => symbols.send(fd, bytes as BufferSource, BigInt(bytes.length), MSG_NOSIGNAL),
        "write launcher channel",
      ));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The wire protocol: frames of a little-endian u32 length and a payload.
//   parent → launcher: header (JSON), one frame per filter program, then GO
//   launcher → parent: READY after reading the plan; a failure report (JSON) if a step fails;
//                      end of stream at a successful execve (the channel is close-on-exec)

const PROTOCOL_VERSION = 3;
const MAX_FRAME = 1 << 24;
const READY = "ready";
const GO = "go";

interface PlanHeader {
  readonly version: number;
  readonly file: string;
  readonly argv: readonly string[];
  readonly env: readonly string[];
  readonly filters: readonly {
    readonly name: string;
    readonly length: number;
    readonly listener?: boolean;
  }[];
  readonly landlock?: PlannedLandlock;
  readonly confinement?: PlannedProcessConfinement;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function writeAll(channel: ByteChannel, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await channel.write(bytes.subarray(offset));
}

/** Writes one frame. */
export async function writeFrame(
  channel: ByteChannel,
  payload: Uint8Array | string,
): Promise<void> {
  const bytes = typeof payload === "string" ? encoder.encode(payload) : payload;
  const frame = new Uint8Array(4 + bytes.length);
  new DataView(frame.buffer).setUint32(0, bytes.length, true);
  frame.set(bytes, 4);
  await writeAll(channel, frame);
}

async function readExactly(channel: ByteChannel, length: number): Promise<Uint8Array | null> {
  const bytes = new Uint8Array(length);
  let offset = 0;
  while (offset < length) {
    const n = await channel.read(bytes.subarray(offset));
    if (n === null) {
      if (offset === 0) return null;
      throw new Error("launcher protocol: stream ended inside a frame");
    }
    offset += n;
  }
  return bytes;
}

/** Reads one frame; `null` at a clean end of stream. */
export async function readFrame(channel: ByteChannel): Promise<Uint8Array | null> {
  const head = await readExactly(channel, 4);
  if (head === null) return null;
  const length = new DataView(head.buffer).getUint32(0, true);
  if (length > MAX_FRAME) throw new Error(`launcher protocol: frame of ${length} bytes`);
  if (length === 0) return new Uint8Array(0);
  const body = await readExactly(channel, length);
  if (body === null) throw new Error("launcher protocol: stream ended inside a frame");
  return body;
}

/** Sends `plan` (the parent's side); a plan without `env` is sent with an empty environment. */
export async function writePlan(channel: ByteChannel, plan: LaunchPlan): Promise<void> {
  const header: PlanHeader = {
    version: PROTOCOL_VERSION,
    file: plan.file,
    argv: plan.argv,
    env: plan.env ?? [],
    filters: plan.filters.map((f) => ({
      name: f.name,
      length: f.program.length,
      ...(f.listener ? { listener: true } : {}),
    })),
    ...(plan.landlock ? { landlock: plan.landlock } : {}),
    ...(plan.confinement ? { confinement: plan.confinement } : {}),
  };
  await writeFrame(channel, JSON.stringify(header));
  for (const filter of plan.filters) await writeFrame(channel, filter.program);
}

/** Receives a plan (the launcher's side). Throws when the stream is malformed. */
export async function readPlan(channel: ByteChannel): Promise<LaunchPlan> {
  const headerBytes = await readFrame(channel);
  if (headerBytes === null) throw new Error("launcher protocol: no plan received");
  const header = JSON.parse(decoder.decode(headerBytes)) as PlanHeader;
  if (header.version !== PROTOCOL_VERSION) {
    throw new Error(`launcher protocol: version ${header.version}, expected ${PROTOCOL_VERSION}`);
  }
  const filters: PlannedFilter[] = [];
  for (const { name, length, listener } of header.filters) {
    const program = await readFrame(channel);
    if (program === null || program.length !== length) {
      throw new Error(`launcher protocol: program of filter "${name}" truncated`);
    }
    filters.push({ name, program, ...(listener ? { listener: true } : {}) });
  }
  if (filters.some((f, i) => f.listener && i !== filters.length - 1)) {
    throw new Error("launcher protocol: only the last filter can have a listener");
  }
  return {
    file: header.file,
    argv: header.argv,
    env: header.env,
    filters,
    ...(header.landlock ? { landlock: header.landlock } : {}),
    ...(header.confinement ? { confinement: header.confinement } : {}),
  };
}

/** Tells the parent the plan was read (the launcher's side). */
export function writeReady(channel: ByteChannel): Promise<void> {
  return writeFrame(channel, READY);
}

/** Waits for the parent's go (the launcher's side); `false` when the parent went away. */
export async function readGo(channel: ByteChannel): Promise<boolean> {
  const frame = await readFrame(channel);
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
  /**
   * Issue 14 (`--explain`): receives the seccomp listener of the plan's `listener` filter (a
   * descriptor of this process, close-on-exec, owned by the callee from then on) right after the
   * launcher installed it and before the target's `execve`. Required when a filter has one.
   */
  readonly onSeccompListener?: (fd: number) => void;
}

/** Milliseconds from spawning the launcher to each step. */
export interface LaunchTimings {
  /** The launcher process was spawned (`spawn()` returned; its Deno runtime is starting). */
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
 * The command line that starts the launcher on channel descriptor `fd`: `deno run` with only the
 * permissions it needs (FFI, and the `CORDON_LIBC` override; no file or network access: the
 * channel is an inherited descriptor), no configuration, lock file, `package.json`, npm or
 * remote module resolution.
 *
 * @example
 * ```ts
 * import { launcherArgs } from "@cordon/cordon/linux";
 * const args = launcherArgs(5);
 * if (args.at(-1) !== "5" || args.some((a) => a.startsWith("--allow-read"))) throw new Error();
 * ```
 */
export function launcherArgs(fd: number): string[] {
  return [
    "run",
    "--no-config",
    "--no-lock",
    "--no-remote",
    "--no-npm",
    "--quiet",
    "--no-prompt",
    "--allow-ffi",
    "--allow-env=CORDON_LIBC",
    LAUNCHER_MAIN_URL,
    String(fd),
  ];
}

/**
 * Deno's module cache as Deno finds it: `DENO_DIR`, else `$XDG_CACHE_HOME/deno`, else
 * `~/.cache/deno`; `undefined` without any of them.
 *
 * Requires `allow-env`.
 *
 * @example
 * ```ts ignore
 * import { denoCacheDir } from "@cordon/cordon/linux";
 * console.log(denoCacheDir()); // e.g. "/root/.cache/deno"
 * ```
 */
export function denoCacheDir(): string | undefined {
  const home = Deno.env.get("HOME");
  const cache = Deno.env.get("XDG_CACHE_HOME");
  return Deno.env.get("DENO_DIR") ||
    (cache ? `${cache}/deno` : home ? `${home}/.cache/deno` : undefined);
}

/**
 * The launcher's own environment: fixed, whatever the target's. Variables that change how Deno
 * or the dynamic loader start a process (`LD_PRELOAD`, `LD_LIBRARY_PATH`, `GLIBC_TUNABLES`,
 * `DENO_V8_FLAGS`, `DENO_CERT`, proxies, …) never reach the launcher, which runs as the caller
 * before any confinement; the target's environment travels in the plan instead. Only this
 * process's `DENO_DIR` (its module cache, so that start-up stays warm) and `CORDON_LIBC` (the
 * caller's libc override) are passed on. Requires `allow-env`.
 *
 * @example
 * ```ts ignore
 * import { launcherEnvironment } from "@cordon/cordon/linux";
 * if ("LD_PRELOAD" in launcherEnvironment()) throw new Error();
 * ```
 */
export function launcherEnvironment(): Record<string, string> {
  const env: Record<string, string> = {
    DENO_NO_UPDATE_CHECK: "1",
    DENO_NO_PACKAGE_JSON: "1",
    NO_COLOR: "1",
  };
  const denoDir = denoCacheDir();
  if (denoDir) env.DENO_DIR = denoDir;
  const libcOverride = Deno.env.get("CORDON_LIBC");
  if (libcOverride) env.CORDON_LIBC = libcOverride;
  return env;
}

/** The target's environment as `NAME=value` strings. */
function targetEnvironment(options: LaunchOptions): string[] {
  const env = options.clearEnv ? { ...options.env } : { ...Deno.env.toObject(), ...options.env };
  return Object.entries(env).map(([name, value]) => `${name}=${value}`);
}

/**
 * Launches `plan` confined, as described in the module documentation, and waits for the target
 * to exit. Resolves with the target's status (whatever its exit code); rejects with
 * {@linkcode LaunchError} when the target did not start (nothing of it ran).
 *
 * Requires `allow-run`, `allow-ffi` and `allow-env`; the launcher child is granted `allow-ffi`
 * explicitly.
 *
 * @example
 * ```ts ignore
 * import { launchConfined } from "@cordon/cordon/linux";
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
  const wire: LaunchPlan = { ...plan, env: plan.env ?? targetEnvironment(options) };
  const launcherEnv = launcherEnvironment();
  await using channel = LauncherChannel.open();
  const started = performance.now();
  let child: Deno.ChildProcess | undefined;
  const signalListeners: [Deno.Signal, () => void][] = [];
  try {
    child = channel.spawn(() =>
      new Deno.Command(Deno.execPath(), {
        args: launcherArgs(channel.childFd),
        stdin: options.stdin ?? "inherit",
        stdout: options.stdout ?? "inherit",
        stderr: options.stderr ?? "inherit",
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        clearEnv: true,
        env: launcherEnv,
      }).spawn()
    );
    const connectedMs = performance.now() - started;
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

    let ready: Uint8Array | null = null;
    let lost: unknown;
    try {
      await writePlan(channel, wire);
      ready = await readFrame(channel);
    } catch (error) {
      lost = error;
    }
    if (ready === null) {
      // End of stream (or a failed send): the launcher has closed its end, that is, exited.
      const { code } = await status;
      throw new LaunchError(
        "LAUNCHER_FAILED",
        "plan",
        `the launcher exited with code ${code} before reading the plan`,
        EXIT_CANNOT_EXECUTE,
        lost === undefined ? undefined : { cause: lost },
      );
    }
    if (decoder.decode(ready) !== READY) {
      throw LaunchError.fromReport(JSON.parse(decoder.decode(ready)) as LaunchFailureReport);
    }
    const readyMs = performance.now() - started;
    if (options.beforeStart) await options.beforeStart(child.pid);
    await writeFrame(channel, GO);

    let report: Uint8Array | null;
    if (wire.filters.some((f) => f.listener)) {
      // Issue 14: the listener frame (SCM_RIGHTS) comes before execve, or a failure report.
      const { receiveDescriptorFrame, LISTENER_FRAME } = await import("./seccomp_listener.ts");
      const received = await receiveDescriptorFrame(channel.fd);
      report = received.payload;
      if (received.fd !== undefined) {
        if (report === null || decoder.decode(report) !== LISTENER_FRAME) {
          libc().close(received.fd);
          throw new LaunchError(
            "LAUNCHER_FAILED",
            "seccomp",
            "launcher protocol: a descriptor came with an unexpected frame",
            EXIT_CANNOT_EXECUTE,
          );
        }
        if (options.onSeccompListener) options.onSeccompListener(received.fd);
        else libc().close(received.fd);
        report = await readFrame(channel);
      } else if (report === null || decoder.decode(report) === LISTENER_FRAME) {
        if (report === null) await status;
        throw new LaunchError(
          "LAUNCHER_FAILED",
          "seccomp",
          "the launcher ended without passing the seccomp listener",
          EXIT_CANNOT_EXECUTE,
        );
      }
    } else {
      report = await readFrame(channel);
    }
    const execMs = performance.now() - started;
    if (report !== null) {
      const failure = LaunchError.fromReport(
        JSON.parse(decoder.decode(report)) as LaunchFailureReport,
      );
      await status;
      throw failure;
    }
    await channel.close();
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
    if (child) {
      try {
        child.kill("SIGKILL");
      } catch {
        // already exited
      }
      await channel.close();
      await child.status;
    }
  }
}
