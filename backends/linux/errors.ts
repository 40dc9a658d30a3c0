/**
 * The error types every Linux backend shares: {@linkcode KernelError} for a failed kernel call
 * (with its errno) and {@linkcode NotSupportedError} for a mechanism this kernel or platform
 * does not offer. Callers switch on `code`, never on the message.
 *
 * @module
 */

/** What {@linkcode KernelError} needs to name an errno, usually from libc (`strerrorname_np`, `strerror`). */
export interface ErrnoDetail {
  /** The symbolic name, such as `"EPERM"`. */
  readonly name?: string;
  /** The C library's description, such as `"Operation not permitted"`. */
  readonly description?: string;
}

/**
 * A kernel call failed. `code` is the errno's symbolic name (`"EPERM"`), or `"E<number>"` when
 * the name is unknown; `operation` says what was being done.
 *
 * @example
 * ```ts
 * import { KernelError } from "@cordon/cordon/linux";
 * const error = new KernelError("install seccomp filter", 22, {
 *   name: "EINVAL",
 *   description: "Invalid argument",
 * });
 * if (error.code !== "EINVAL" || error.errno !== 22) throw new Error("wrong fields");
 * if (error.message !== "install seccomp filter: Invalid argument (EINVAL)") throw new Error(error.message);
 * ```
 */
export class KernelError extends Error {
  /** The errno's symbolic name, such as `"EPERM"`. */
  readonly code: string;
  /** The errno number. */
  readonly errno: number;
  /** What was being done, such as `"install seccomp filter"`. */
  readonly operation: string;
  /** The errno's description, such as `"Operation not permitted"`. */
  readonly description: string;

  /**
   * Creates the error.
   *
   * @param operation What was being done, such as `"install seccomp filter"`.
   * @param errno The errno the kernel returned (positive).
   * @param detail The errno's name and description, when known.
   * @param options `cause`, as for `Error`.
   */
  constructor(operation: string, errno: number, detail: ErrnoDetail = {}, options?: ErrorOptions) {
    const code = detail.name ?? `E${errno}`;
    const description = detail.description ?? `errno ${errno}`;
    super(`${operation}: ${description} (${code})`, options);
    this.name = "KernelError";
    this.code = code;
    this.errno = errno;
    this.operation = operation;
    this.description = description;
  }
}

/**
 * A mechanism is not available here. The one class the whole project uses (it is the engine's,
 * re-exported so Linux code need not reach into `engine/`); see `engine/errors.ts`.
 */
export { NotSupportedError } from "../../engine/errors.ts";
