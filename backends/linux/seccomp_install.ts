/**
 * Installing seccomp filters on the calling process: `no_new_privs`, then
 * `seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog)` so that every thread of
 * the (multi-threaded) Deno process is filtered, and the probe that says whether this kernel
 * offers seccomp filters at all.
 *
 * Requires `allow-ffi`. Installation is irreversible for the calling process: only the launcher
 * (`_launcher_main.ts`) calls it, right before `execve`.
 *
 * @module
 */

import { BPF_MAXINSNS, SOCK_FILTER_SIZE } from "../../compile/sock_filter.ts";
import { KernelError, NotSupportedError } from "./errors.ts";
import { errnoDetail, hostSyscallNumber, keepAlive, libc, unwrap } from "./libc.ts";

/** `prctl` option: set the calling thread's `no_new_privs` bit (required for unprivileged filters). */
export const PR_SET_NO_NEW_PRIVS = 38;
/** `prctl` option: read the calling thread's seccomp mode (0 none, 1 strict, 2 filter). */
export const PR_GET_SECCOMP = 21;
/** `seccomp` operation: install a filter. */
export const SECCOMP_SET_MODE_FILTER = 1;
/** `seccomp` operation: ask whether an action is supported. */
export const SECCOMP_GET_ACTION_AVAIL = 2;
/** `seccomp` flag: install the filter on every thread of the process. */
export const SECCOMP_FILTER_FLAG_TSYNC = 1;
/** `seccomp` flag: log every action other than allow. */
export const SECCOMP_FILTER_FLAG_LOG = 2;
/** `SECCOMP_RET_KILL_PROCESS`: the action whose availability the probe asks for (Linux ≥ 4.14). */
const SECCOMP_RET_KILL_PROCESS = 0x80000000;

const EINVAL = 22;
const ENOSYS = 38;
const EOPNOTSUPP = 95;

/** Options of {@linkcode installSeccompFilter}. */
export interface InstallOptions {
  /** Synchronise the filter onto every thread (`SECCOMP_FILTER_FLAG_TSYNC`). Default `true`. */
  readonly tsync?: boolean;
  /** Ask the kernel to log every non-allow action (`SECCOMP_FILTER_FLAG_LOG`). Default `false`. */
  readonly log?: boolean;
  /**
   * Issue 14 (`--explain`): also ask for a listener descriptor for the filter's
   * `SECCOMP_RET_USER_NOTIF` results (`SECCOMP_FILTER_FLAG_NEW_LISTENER`, Linux 5.0; with TSYNC,
   * `SECCOMP_FILTER_FLAG_TSYNC_ESRCH`, 5.7). The descriptor is then the return value.
   */
  readonly listener?: boolean;
}

/**
 * Sets `no_new_privs` on the calling thread (the filter's TSYNC then sets it on all threads):
 * after it, `execve` can never grant privileges (setuid bits, file capabilities are ignored).
 *
 * Requires `allow-ffi`. Throws {@linkcode KernelError} on failure.
 *
 * @example
 * ```ts ignore
 * import { setNoNewPrivs } from "@cordon/cordon/linux";
 * setNoNewPrivs(); // irreversible for this process
 * ```
 */
export function setNoNewPrivs(): void {
  unwrap(libc().prctl(PR_SET_NO_NEW_PRIVS, 1n, 0n, 0n, 0n), "set no_new_privs");
}

/**
 * Checks that `program` is a well-formed raw `struct sock_filter` array the kernel can take:
 * a whole number of 8-byte instructions, 1 to 4096 of them. Throws `RangeError` otherwise.
 *
 * @example
 * ```ts
 * import { checkProgramBytes } from "@cordon/cordon/linux";
 * checkProgramBytes(new Uint8Array([0x06, 0, 0, 0, 0, 0, 0xff, 0x7f])); // ret ALLOW
 * let threw = false;
 * try { checkProgramBytes(new Uint8Array(12)); } catch { threw = true; }
 * if (!threw) throw new Error("12 bytes are not whole instructions");
 * ```
 */
export function checkProgramBytes(program: Uint8Array): void {
  if (program.length % SOCK_FILTER_SIZE !== 0) {
    throw new RangeError(
      `Seccomp program length ${program.length} is not a multiple of ${SOCK_FILTER_SIZE} bytes`,
    );
  }
  const count = program.length / SOCK_FILTER_SIZE;
  if (count < 1 || count > BPF_MAXINSNS) {
    throw new RangeError(
      `Seccomp program has ${count} instructions; the kernel takes 1 to ${BPF_MAXINSNS}`,
    );
  }
}

/**
 * Installs `program` (a raw little-endian `struct sock_filter` array, as
 * `SeccompProgram.bytes()` makes it) as a seccomp filter on the calling process, on every
 * thread unless `tsync: false`. Filters stack: each call adds one, and for every syscall the
 * kernel applies the strictest action of all of them. Requires `no_new_privs` (see
 * {@linkcode setNoNewPrivs}) or `CAP_SYS_ADMIN`.
 *
 * Requires `allow-ffi`. Throws `RangeError` for a malformed program and {@linkcode KernelError}
 * with the kernel's errno when the kernel rejects it (`EINVAL` for an invalid program,
 * `EACCES` without `no_new_privs`, `ESRCH` when a thread cannot be synchronised, `EBUSY` when
 * a filter of the process already has a listener). Returns the listener descriptor with
 * `listener: true`, else 0.
 *
 * @example
 * ```ts ignore
 * import { installSeccompFilter, setNoNewPrivs } from "@cordon/cordon/linux";
 * setNoNewPrivs();
 * installSeccompFilter(new Uint8Array([0x06, 0, 0, 0, 0, 0, 0xff, 0x7f])); // allow everything
 * ```
 */
export function installSeccompFilter(program: Uint8Array, options: InstallOptions = {}): number {
  checkProgramBytes(program);
  const code = new Uint8Array(program); // a copy the kernel reads from, owned here
  const fprog = new Uint8Array(16); // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
  const view = new DataView(fprog.buffer);
  view.setUint16(0, program.length / SOCK_FILTER_SIZE, true);
  view.setBigUint64(8, BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(code))), true);
  const tsync = options.tsync === false ? 0 : SECCOMP_FILTER_FLAG_TSYNC;
  const flags = tsync | (options.log ? SECCOMP_FILTER_FLAG_LOG : 0) |
    // NEW_LISTENER (8), and TSYNC_ESRCH (16) so that the result can be the descriptor
    (options.listener ? 8 | (tsync ? 16 : 0) : 0);
  const fprogAddress = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(fprog)));
  const result = unwrap(
    libc().syscall(
      BigInt(hostSyscallNumber("seccomp")),
      BigInt(SECCOMP_SET_MODE_FILTER),
      BigInt(flags),
      fprogAddress,
      0n,
      0n,
      0n,
    ),
    "install seccomp filter",
  );
  if (options.listener) {
    keepAlive(code, fprog);
    return Number(result);
  }
  if (result > 0n) {
    // With TSYNC, a positive result is the id of a thread that could not be synchronised.
    const ESRCH = 3;
    throw new KernelError(
      `install seccomp filter: thread ${result} could not be synchronised`,
      ESRCH,
      errnoDetail(ESRCH),
    );
  }
  keepAlive(code, fprog);
  return 0;
}

let probed: true | NotSupportedError | undefined;

/**
 * Probes whether seccomp filters can be installed here: Linux, the C library loadable, the
 * `seccomp()` syscall present and `SECCOMP_RET_KILL_PROCESS` supported (Linux ≥ 4.14). Returns
 * normally when they can; throws {@linkcode NotSupportedError} naming the reason when they
 * cannot; throws {@linkcode KernelError} when the answer is inconclusive. Conclusive answers are
 * cached.
 *
 * Requires `allow-ffi`. Changes nothing in the process.
 *
 * @example
 * ```ts ignore
 * import { probeSeccomp } from "@cordon/cordon/linux";
 * probeSeccomp(); // throws NotSupportedError on macOS
 * ```
 */
export function probeSeccomp(): void {
  if (probed === true) return;
  if (probed) throw probed;
  try {
    probed = probeOnce();
  } catch (error) {
    if (error instanceof NotSupportedError) probed = error;
    throw error;
  }
}

function probeOnce(): true {
  const feature = "seccomp filters";
  if (Deno.build.os !== "linux") {
    throw new NotSupportedError(feature, `seccomp is a Linux mechanism; this is ${Deno.build.os}`);
  }
  let symbols;
  try {
    symbols = libc();
  } catch (error) {
    throw new NotSupportedError(feature, "the C library cannot be loaded", { cause: error });
  }
  try {
    unwrap(symbols.prctl(PR_GET_SECCOMP, 0n, 0n, 0n, 0n), "read seccomp mode");
  } catch (error) {
    if (error instanceof KernelError && error.errno === EINVAL) {
      throw new NotSupportedError(feature, "the kernel is built without CONFIG_SECCOMP", {
        cause: error,
      });
    }
    throw error;
  }
  const action = new Uint32Array([SECCOMP_RET_KILL_PROCESS]);
  try {
    unwrap(
      symbols.syscall(
        BigInt(hostSyscallNumber("seccomp")),
        BigInt(SECCOMP_GET_ACTION_AVAIL),
        0n,
        BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(action))),
        0n,
        0n,
        0n,
      ),
      "probe seccomp",
    );
    keepAlive(action);
  } catch (error) {
    if (error instanceof KernelError) {
      if (error.errno === ENOSYS) {
        throw new NotSupportedError(feature, "the kernel has no seccomp() syscall", {
          cause: error,
        });
      }
      if (error.errno === EINVAL) {
        throw new NotSupportedError(feature, "the kernel is built without CONFIG_SECCOMP_FILTER", {
          cause: error,
        });
      }
      if (error.errno === EOPNOTSUPP) {
        throw new NotSupportedError(
          feature,
          "the kernel lacks SECCOMP_RET_KILL_PROCESS (Linux 4.14)",
          { cause: error },
        );
      }
    }
    throw error;
  }
  return true;
}
