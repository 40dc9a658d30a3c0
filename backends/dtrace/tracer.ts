/**
 * Finding the tracer the tracing-script backend drives (`dtrace` on macOS, illumos, FreeBSD and
 * Oracle Linux; `bpftrace` on Linux), its version, and whether it can run here: privileges, and
 * on macOS System Integrity Protection, which stops dtrace from tracing restricted binaries and
 * from running destructive actions. Every failure is a {@linkcode TracerError} with a `code`.
 *
 * Requires `allow-run` (the tracer, `csrutil` on macOS) and `allow-env` (`PATH`).
 *
 * @module
 */

/** The two tracers. */
export type TracerKind = "dtrace" | "bpftrace";

/** Stable codes of {@linkcode TracerError}. */
export type TracerErrorCode =
  /** The tracer is not installed (not on `PATH`, or the given path does not exist). */
  | "TRACER_NOT_FOUND"
  /** The tracer needs privileges this process lacks (root, `CAP_BPF`/`CAP_PERFMON`, dtrace_* privileges). */
  | "TRACER_PERMISSION"
  /** macOS System Integrity Protection blocks what the script needs. */
  | "TRACER_SIP"
  /** The tracer refused the script, or failed before its probes were enabled. */
  | "TRACER_FAILED"
  /** The tracer exited while it was tracing, without being asked to. */
  | "TRACER_DIED"
  /** The tracer did not report its probes enabled in time. */
  | "TRACER_TIMEOUT";

/** A tracer problem, with what the tracer said on stderr when it said something. */
export class TracerError extends Error {
  /** Stable code. */
  readonly code: TracerErrorCode;
  /** The tracer. */
  readonly tracer: TracerKind;
  /** What the tracer wrote on stderr (bounded), if anything. */
  readonly stderr: string;

  /**
   * Creates the error.
   *
   * @param code the stable code
   * @param tracer the tracer
   * @param message sentence case, no trailing period
   * @param options the tracer's stderr and a cause
   *
   * @example
   * ```ts
   * import { TracerError } from "@cordon/cordon/dtrace";
   * const error = new TracerError("TRACER_NOT_FOUND", "bpftrace", "bpftrace is not installed");
   * if (error.code !== "TRACER_NOT_FOUND" || !(error instanceof Error)) throw new Error();
   * ```
   */
  constructor(
    code: TracerErrorCode,
    tracer: TracerKind,
    message: string,
    options: { stderr?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TracerError";
    this.code = code;
    this.tracer = tracer;
    this.stderr = options.stderr ?? "";
  }
}

/** A tracer found on this machine. */
export interface TracerInfo {
  /** Which tracer. */
  readonly kind: TracerKind;
  /** Its executable. */
  readonly path: string;
  /** Its version line, e.g. `"bpftrace v0.17.0"`. */
  readonly version: string;
}

/** Options of {@linkcode findTracer}. */
export interface FindTracerOptions {
  /** Use this executable instead of searching `PATH` (tests use a stand-in here). */
  readonly path?: string;
  /** The OS (default `Deno.build.os`). */
  readonly os?: typeof Deno.build.os;
  /** Skip the privilege check (tests with a stand-in). */
  readonly skipPrivilegeCheck?: boolean;
}

/**
 * The tracer an OS uses: DTrace where the OS has it, bpftrace on Linux.
 *
 * @example
 * ```ts
 * import { tracerFor } from "@cordon/cordon/dtrace";
 * if (tracerFor("darwin") !== "dtrace" || tracerFor("linux") !== "bpftrace") throw new Error();
 * ```
 */
export function tracerFor(os: typeof Deno.build.os): TracerKind {
  return os === "linux" ? "bpftrace" : "dtrace";
}

function onPath(name: string): string | undefined {
  const dirs = (Deno.env.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin").split(":");
  for (const dir of [...dirs, "/usr/sbin", "/sbin"]) {
    if (!dir) continue;
    try {
      const path = `${dir}/${name}`;
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not there
    }
  }
  return undefined;
}

/**
 * Whether a tracer's stderr says System Integrity Protection is in the way (dtrace on macOS:
 * "system integrity protection is on, some features will not be available").
 *
 * @example
 * ```ts
 * import { mentionsSip } from "@cordon/cordon/dtrace";
 * if (!mentionsSip("dtrace: system integrity protection is on, some features will not be available")) {
 *   throw new Error();
 * }
 * ```
 */
export function mentionsSip(stderr: string): boolean {
  return /system integrity protection is on/i.test(stderr);
}

/**
 * What `csrutil status` says on macOS: `"enabled"`, `"disabled"`, or `"unknown"` (not macOS,
 * no `csrutil`, or an answer it could not read).
 *
 * @example
 * ```ts ignore
 * import { sipStatus } from "@cordon/cordon/dtrace";
 * console.log(await sipStatus());
 * ```
 */
export async function sipStatus(
  os: typeof Deno.build.os = Deno.build.os,
): Promise<"enabled" | "disabled" | "unknown"> {
  if (os !== "darwin") return "unknown";
  try {
    const out = await new Deno.Command("csrutil", {
      args: ["status"],
      stdout: "piped",
      stderr: "null",
    })
      .output();
    const text = new TextDecoder().decode(out.stdout);
    if (/status:\s*enabled/i.test(text)) return "enabled";
    if (/status:\s*disabled/i.test(text)) return "disabled";
    return "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * Finds the tracer, reads its version and checks that this process may run it.
 *
 * @param kind the tracer
 * @param options a stand-in path, the OS, whether to check privileges
 * @returns where it is and its version
 * @throws {TracerError} `TRACER_NOT_FOUND`, `TRACER_PERMISSION`, `TRACER_FAILED` (it would not
 *   say its version)
 *
 * @example
 * ```ts ignore
 * import { findTracer } from "@cordon/cordon/dtrace";
 * const tracer = await findTracer("bpftrace");
 * console.log(tracer.version); // bpftrace v0.17.0
 * ```
 */
export async function findTracer(
  kind: TracerKind,
  options: FindTracerOptions = {},
): Promise<TracerInfo> {
  const os = options.os ?? Deno.build.os;
  const path = options.path ?? onPath(kind);
  if (path === undefined) {
    const how = kind === "bpftrace"
      ? "install it (Debian: apt-get install -y bpftrace, or run scripts/setup.sh)"
      : os === "darwin"
      ? "it ships with macOS in /usr/sbin; check PATH"
      : "install the DTrace package of this OS";
    throw new TracerError("TRACER_NOT_FOUND", kind, `${kind} is not installed: ${how}`);
  }
  let version: string;
  try {
    const out = await new Deno.Command(path, {
      args: [kind === "bpftrace" ? "--version" : "-V"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim() ||
      new TextDecoder().decode(out.stderr).trim();
    version = text.split("\n")[0] ?? "";
    if (!out.success || version === "") {
      throw new TracerError(
        "TRACER_FAILED",
        kind,
        `${path} would not say its version (exit ${out.code})`,
        { stderr: text },
      );
    }
  } catch (error) {
    if (error instanceof TracerError) throw error;
    if (error instanceof Deno.errors.NotFound) {
      throw new TracerError("TRACER_NOT_FOUND", kind, `${path} does not exist`, { cause: error });
    }
    throw new TracerError(
      "TRACER_FAILED",
      kind,
      `cannot run ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (!options.skipPrivilegeCheck && os !== "windows" && Deno.uid() !== 0) {
    throw new TracerError(
      "TRACER_PERMISSION",
      kind,
      kind === "bpftrace"
        ? "bpftrace needs root (CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN): run cordon with sudo"
        : "dtrace needs root (or the dtrace_proc, dtrace_user and dtrace_kernel privileges): run cordon with sudo",
    );
  }
  return { kind, path, version };
}

/**
 * The error for a tracer that failed before enabling its probes, from what it wrote on stderr:
 * `TRACER_SIP` when it names System Integrity Protection, `TRACER_PERMISSION` when it names
 * privileges, `TRACER_FAILED` otherwise.
 *
 * @example
 * ```ts
 * import { startFailure } from "@cordon/cordon/dtrace";
 * const e = startFailure("dtrace", "dtrace: failed to initialize dtrace: DTrace requires additional privileges", 1);
 * if (e.code !== "TRACER_PERMISSION") throw new Error();
 * ```
 */
export function startFailure(kind: TracerKind, stderr: string, code: number | null): TracerError {
  const said = stderr.split("\n").map((l) => l.trim()).filter((l) =>
    l && !/RLIMIT_MEMLOCK/.test(l)
  );
  const summary = said.slice(0, 3).join("; ") || `exit ${code ?? "by signal"}`;
  if (mentionsSip(stderr)) {
    return new TracerError(
      "TRACER_SIP",
      kind,
      `dtrace is restricted by System Integrity Protection (${summary}); SIP blocks tracing of ` +
        "restricted binaries and destructive actions (kill): trace unrestricted programs, or " +
        "disable the dtrace restriction (csrutil enable --without dtrace, from Recovery)",
      { stderr },
    );
  }
  if (
    /additional privileges|permission denied|operation not permitted|must be root|EPERM/i.test(
      stderr,
    )
  ) {
    return new TracerError("TRACER_PERMISSION", kind, `${kind} lacks privileges: ${summary}`, {
      stderr,
    });
  }
  return new TracerError("TRACER_FAILED", kind, `${kind} failed to start: ${summary}`, { stderr });
}
