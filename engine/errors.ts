/**
 * The engine's typed errors. Every error a caller may want to handle carries a stable `code`
 * (one of {@linkcode EngineErrorCode}); messages say what was being done and quote the offending
 * value. The codes cover the original design's `EbpfError` cases (unsupported platform, load
 * failed, attach failed, map error, program not found) plus filters, processes, policies,
 * enforcement and traces.
 *
 * @module
 */

/** Stable codes of {@linkcode EngineError}. */
export const ENGINE_ERROR_CODES = [
  /** The platform (OS, kernel) cannot run the requested backend at all. */
  "UNSUPPORTED_PLATFORM",
  /** A feature the operation needs is missing; see {@linkcode NotSupportedError}. */
  "NOT_SUPPORTED",
  /** The operation needs privileges the process lacks (`CAP_BPF`, root, …). */
  "PERMISSION_DENIED",
  /** A program or object could not be loaded (verifier rejection, bad object, …). */
  "LOAD_FAILED",
  /** A loaded program could not be attached to its hook. */
  "ATTACH_FAILED",
  /** A program could not be detached. */
  "DETACH_FAILED",
  /** A map could not be created, read or updated. */
  "MAP_ERROR",
  /** No program of that name is loaded. */
  "PROGRAM_NOT_FOUND",
  /** A program of that name is already loaded. */
  "PROGRAM_EXISTS",
  /** No filter has that id. */
  "FILTER_NOT_FOUND",
  /** A filter with that id already exists. */
  "FILTER_EXISTS",
  /** A filter is malformed (empty id, no syscalls, bad priority, …). */
  "INVALID_FILTER",
  /** A syscall name or number is not known on the architecture. */
  "UNKNOWN_SYSCALL",
  /** No process has that pid. */
  "PROCESS_NOT_FOUND",
  /** The process is not monitored, so nothing was collected for it. */
  "PROCESS_NOT_MONITORED",
  /** A policy could not be loaded, resolved or compiled (the cause holds the policy errors). */
  "POLICY_INVALID",
  /** Enforcing was asked for, but the backend cannot enforce what the policy needs. */
  "ENFORCEMENT_UNAVAILABLE",
  /** The engine or backend was already closed. */
  "CLOSED",
  /** A trace line could not be parsed (see {@linkcode EngineError.line}). */
  "TRACE_MALFORMED",
  /** A trace could not be read. */
  "TRACE_IO",
  /** An argument is invalid (wrong range, unknown option value). */
  "INVALID_ARGUMENT",
  /** A backend's module failed to load or does not export its factory. */
  "BACKEND_LOAD_FAILED",
] as const;

/** A stable engine error code. */
export type EngineErrorCode = typeof ENGINE_ERROR_CODES[number];

/** Extra details an {@linkcode EngineError} may carry. */
export interface EngineErrorOptions extends ErrorOptions {
  /** For trace errors: the 1-based line number in the trace. */
  readonly line?: number;
  /** The program, map, filter or feature concerned. */
  readonly subject?: string;
  /** For kernel failures: the errno (positive). */
  readonly errno?: number;
}

/**
 * An error of the engine or of a backend, with a stable {@linkcode EngineErrorCode}.
 *
 * @example
 * ```ts
 * import { EngineError } from "@cordon/cordon";
 * const error = new EngineError("PROGRAM_NOT_FOUND", 'No program named "tracer"', {
 *   subject: "tracer",
 * });
 * if (error.code !== "PROGRAM_NOT_FOUND" || error.subject !== "tracer") throw new Error();
 * ```
 */
export class EngineError extends Error {
  /** The stable code. */
  readonly code: EngineErrorCode;
  /** For trace errors, the 1-based line number. */
  readonly line?: number;
  /** The program, map, filter, process or feature concerned. */
  readonly subject?: string;
  /** For kernel failures, the errno. */
  readonly errno?: number;

  /**
   * Creates the error.
   *
   * @param code the stable code
   * @param message sentence case, no trailing period, the offending value quoted
   * @param options cause, line, subject, errno
   */
  constructor(code: EngineErrorCode, message: string, options: EngineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "EngineError";
    this.code = code;
    if (options.line !== undefined) this.line = options.line;
    if (options.subject !== undefined) this.subject = options.subject;
    if (options.errno !== undefined) this.errno = options.errno;
  }
}

/**
 * A feature probe's "not supported" answer: the named feature is missing on this system. Kernel
 * tests skip only on this error; the engine reports which mechanism it fell back to.
 *
 * @example
 * ```ts
 * import { EngineError, NotSupportedError } from "@cordon/cordon";
 * const error = new NotSupportedError("BPF LSM", "lsm programs fail to load with EPERM");
 * if (!(error instanceof EngineError) || error.code !== "NOT_SUPPORTED") throw new Error();
 * if (error.feature !== "BPF LSM") throw new Error();
 * ```
 */
export class NotSupportedError extends EngineError {
  /** The missing feature, e.g. `"BPF ring buffer"`. */
  readonly feature: string;

  /**
   * Creates the error.
   *
   * @param feature the missing feature
   * @param reason why it is missing (what the probe saw)
   * @param options cause
   */
  constructor(feature: string, reason: string, options: ErrorOptions = {}) {
    super("NOT_SUPPORTED", `${feature} not supported: ${reason}`, {
      ...options,
      subject: feature,
    });
    this.name = "NotSupportedError";
    this.feature = feature;
  }
}

/**
 * Whether `error` is an {@linkcode EngineError}, optionally with the given code.
 *
 * @example
 * ```ts
 * import { EngineError, isEngineError } from "@cordon/cordon";
 * if (!isEngineError(new EngineError("CLOSED", "Engine is closed"), "CLOSED")) throw new Error();
 * ```
 */
export function isEngineError(error: unknown, code?: EngineErrorCode): error is EngineError {
  return error instanceof EngineError && (code === undefined || error.code === code);
}
