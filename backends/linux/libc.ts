/**
 * The one binding of the C library (`libc.so.6`) that all Linux code of Cordon uses: the symbol
 * table, its lazy loading, the host's numbers of the syscalls reached through `syscall()`, and
 * the one place a `-1` return becomes a {@linkcode KernelError}.
 *
 * Kept free of imports beyond {@linkcode KernelError} so that the launcher starts fast.
 * Requires `allow-ffi` (and `allow-env=CORDON_LIBC` to honour the override).
 *
 * @module
 */

import { KernelError, NotSupportedError } from "./errors.ts";

/**
 * The libc symbols Cordon calls. Variadic C functions (`syscall`, `prctl`) are declared with
 * their full fixed argument list; both x86_64 and aarch64 pass such arguments in registers.
 */
export const LIBC_SYMBOLS = {
  /** `long syscall(long number, ...)`: raw syscalls that glibc does not wrap (seccomp, landlock_*). */
  "syscall": {
    parameters: [
      "i64", // long number
      "i64", // long a0
      "i64", // long a1
      "i64", // long a2
      "i64", // long a3
      "i64", // long a4
      "i64", // long a5
    ],
    result: "i64",
  },
  /** `int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)` */
  "prctl": {
    parameters: [
      "i32", // int option
      "u64", // unsigned long arg2
      "u64", // unsigned long arg3
      "u64", // unsigned long arg4
      "u64", // unsigned long arg5
    ],
    result: "i32",
  },
  /** `int execve(const char *pathname, char *const argv[], char *const envp[])`: returns only on failure. */
  "execve": {
    parameters: [
      "buffer", // const char *pathname
      "buffer", // char *const argv[]
      "pointer", // char *const envp[]
    ],
    result: "i32",
  },
  /** `sighandler_t signal(int signum, sighandler_t handler)`: `SIG_DFL` is NULL. */
  "signal": {
    parameters: [
      "i32", // int signum
      "pointer", // sighandler_t handler
    ],
    result: "pointer",
  },
  /** `int sigprocmask(int how, const sigset_t *set, sigset_t *oldset)` */
  "sigprocmask": {
    parameters: [
      "i32", // int how
      "buffer", // const sigset_t *set (128 bytes in glibc)
      "pointer", // sigset_t *oldset
    ],
    result: "i32",
  },
  /** `pid_t getpid(void)` */
  "getpid": { parameters: [], result: "i32" },
  /** `int open(const char *pathname, int flags, mode_t mode)`: cgroup directory fds for BPF attach. */
  "open": {
    parameters: [
      "buffer", // const char *pathname
      "i32", // int flags
      "u32", // mode_t mode
    ],
    result: "i32",
  },
  /** `int close(int fd)` */
  "close": { parameters: ["i32"], result: "i32" },
  /** `void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)`: BPF ring buffers. */
  "mmap": {
    parameters: [
      "pointer", // void *addr
      "usize", // size_t length
      "i32", // int prot
      "i32", // int flags
      "i32", // int fd
      "i64", // off_t offset
    ],
    result: "pointer",
  },
  /** `int munmap(void *addr, size_t length)` */
  "munmap": {
    parameters: [
      "pointer", // void *addr
      "usize", // size_t length
    ],
    result: "i32",
  },
  /** `int socketpair(int domain, int type, int protocol, int sv[2])`: the launcher's channel. */
  "socketpair": {
    parameters: [
      "i32", // int domain
      "i32", // int type
      "i32", // int protocol
      "buffer", // int sv[2]
    ],
    result: "i32",
  },
  /** `int fcntl(int fd, int cmd, int arg)`: `F_GETFD`/`F_SETFD`, `F_DUPFD_CLOEXEC`. */
  "fcntl": {
    parameters: [
      "i32", // int fd
      "i32", // int cmd
      "i32", // int arg
    ],
    result: "i32",
  },
  /** `int getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen)`: `SO_PEERCRED`. */
  "getsockopt": {
    parameters: [
      "i32", // int sockfd
      "i32", // int level
      "i32", // int optname
      "buffer", // void *optval
      "buffer", // socklen_t *optlen
    ],
    result: "i32",
  },
  /** `int shutdown(int sockfd, int how)`: wakes a read blocked on the launcher's channel. */
  "shutdown": {
    parameters: [
      "i32", // int sockfd
      "i32", // int how
    ],
    result: "i32",
  },
  /** `pid_t getppid(void)` */
  "getppid": { parameters: [], result: "i32" },
  /** `ssize_t read(int fd, void *buf, size_t count)` (blocking: the launcher's side). */
  "read": {
    parameters: [
      "i32", // int fd
      "buffer", // void *buf
      "usize", // size_t count
    ],
    result: "isize",
  },
  /** `ssize_t send(int sockfd, const void *buf, size_t len, int flags)` (blocking: the launcher's side). */
  "send": {
    parameters: [
      "i32", // int sockfd
      "buffer", // const void *buf
      "usize", // size_t len
      "i32", // int flags (MSG_NOSIGNAL)
    ],
    result: "isize",
  },
  /**
   * `read` on a worker thread, resolving a promise (the parent's side, which must not block its
   * event loop). `errno` is the worker's and cannot be read afterwards: `-1` is only "failed".
   */
  "read_nonblocking": {
    name: "read",
    parameters: ["i32", "buffer", "usize"],
    result: "isize",
    nonblocking: true,
  },
  /** `send` on a worker thread (see `read_nonblocking`). */
  "send_nonblocking": {
    name: "send",
    parameters: ["i32", "buffer", "usize", "i32"],
    result: "isize",
    nonblocking: true,
  },
  /** `int *__errno_location(void)`: the calling thread's `errno`. */
  "__errno_location": { parameters: [], result: "pointer" },
  /** `const char *strerrorname_np(int errnum)`: `"EPERM"`, or NULL when unknown (glibc ≥ 2.32). */
  "strerrorname_np": { parameters: ["i32"], result: "pointer" },
  /** `char *strerror(int errnum)` */
  "strerror": { parameters: ["i32"], result: "pointer" },
  /** `char **environ`: the symbol's address (a `char ***`); read it with {@linkcode environ}. */
  "environ": { type: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The loaded C library. */
export type Libc = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>["symbols"];

let loaded: Deno.DynamicLibrary<typeof LIBC_SYMBOLS> | undefined;

/** The C library's path: `CORDON_LIBC` when set (and readable), else `libc.so.6`. */
export function libcPath(): string {
  try {
    return Deno.env.get("CORDON_LIBC") || "libc.so.6";
  } catch {
    return "libc.so.6"; // no env permission: the default
  }
}

/**
 * The C library's symbols, loaded on first use.
 *
 * Requires `allow-ffi`. Throws {@linkcode NotSupportedError} when not on Linux and a
 * `NotSupportedError` with the load error as `cause` when the library cannot be opened.
 *
 * @example
 * ```ts ignore
 * import { libc } from "./libc.ts";
 * if (libc().getpid() !== Deno.pid) throw new Error("getpid through FFI disagrees");
 * ```
 */
export function libc(): Libc {
  if (loaded) return loaded.symbols;
  if (Deno.build.os !== "linux") {
    throw new NotSupportedError(
      "libc FFI",
      `Cordon's kernel backend needs Linux, not ${Deno.build.os}`,
    );
  }
  const path = libcPath();
  try {
    loaded = Deno.dlopen(path, LIBC_SYMBOLS);
  } catch (error) {
    throw new NotSupportedError("libc FFI", `cannot load "${path}"`, { cause: error });
  }
  return loaded.symbols;
}

/** Host architectures the kernel backend knows syscall numbers for. */
export type HostArch = "x86_64" | "aarch64";

/**
 * Numbers of the syscalls Cordon calls through `syscall()` on each host architecture
 * (from the kernel's `unistd` tables; `backends/linux/libc_test.ts` checks them against
 * `policies/syscalls.ts`).
 */
export const HOST_SYSCALLS = {
  x86_64: {
    seccomp: 317,
    bpf: 321,
    landlock_create_ruleset: 444,
    landlock_add_rule: 445,
    landlock_restrict_self: 446,
    close_range: 436,
    // Per-thread (raw) forms for the launcher's process confinement (issue 9): glibc's wrappers
    // of the credential calls change every thread, these change the calling one only.
    unshare: 272,
    mount: 165,
    setresuid: 117,
    setresgid: 119,
    setgroups: 116,
    capget: 125,
    capset: 126,
    // The monitor's thread reads and kills by pidfd (ebpf_monitor.ts, thread_counts.ts).
    pidfd_open: 434,
    pidfd_send_signal: 424,
    close: 3,
  },
  aarch64: {
    seccomp: 277,
    bpf: 280,
    landlock_create_ruleset: 444,
    landlock_add_rule: 445,
    landlock_restrict_self: 446,
    close_range: 436,
    unshare: 97,
    mount: 40,
    setresuid: 147,
    setresgid: 149,
    setgroups: 159,
    capget: 90,
    capset: 91,
    pidfd_open: 434,
    pidfd_send_signal: 424,
    close: 57,
  },
} as const satisfies Record<HostArch, Record<string, number>>;

/** A syscall reached through `syscall()`. */
export type HostSyscall = keyof (typeof HOST_SYSCALLS)["x86_64"];

/**
 * The host's number for `name`. Throws {@linkcode NotSupportedError} on another architecture.
 *
 * @example
 * ```ts
 * import { hostSyscallNumber } from "./libc.ts";
 * if (Deno.build.arch === "x86_64" && hostSyscallNumber("seccomp") !== 317) throw new Error();
 * ```
 */
export function hostSyscallNumber(name: HostSyscall): number {
  const arch = Deno.build.arch as string;
  if (arch !== "x86_64" && arch !== "aarch64") {
    throw new NotSupportedError(`syscall ${name}`, `unknown host architecture "${arch}"`);
  }
  return HOST_SYSCALLS[arch][name];
}

/**
 * The process environment as C sees it (`char **environ`), for `execve`: exactly what this
 * process was started with, whatever `Deno.env` permissions say.
 *
 * @example
 * ```ts ignore
 * import { environ } from "./libc.ts";
 * if (environ() === null) throw new Error("no environment");
 * ```
 */
export function environ(): Deno.PointerValue {
  const symbol = libc().environ;
  if (symbol === null) return null;
  return new Deno.UnsafePointerView(symbol).getPointer();
}

/** The calling thread's current `errno`. Read it right after the failing call. */
export function errno(): number {
  const location = libc().__errno_location();
  if (location === null) return 0;
  return new Deno.UnsafePointerView(location).getInt32();
}

/**
 * The symbolic name and description of `errnum`, from the C library.
 *
 * @example
 * ```ts ignore
 * import { errnoDetail } from "./libc.ts";
 * if (errnoDetail(1).name !== "EPERM") throw new Error();
 * ```
 */
export function errnoDetail(errnum: number): { name?: string; description?: string } {
  const symbols = libc();
  const name = symbols.strerrorname_np(errnum);
  const description = symbols.strerror(errnum);
  return {
    ...(name ? { name: Deno.UnsafePointerView.getCString(name) } : {}),
    ...(description ? { description: Deno.UnsafePointerView.getCString(description) } : {}),
  };
}

/**
 * Turns a C return value into a result: `-1` (the C convention for failure) throws a
 * {@linkcode KernelError} with the current `errno` and `operation`; anything else is returned.
 * Call it directly on the call's result, before anything else can change `errno`.
 *
 * @example
 * ```ts ignore
 * import { libc, unwrap } from "./libc.ts";
 * unwrap(libc().prctl(38, 1n, 0n, 0n, 0n), "set no_new_privs"); // PR_SET_NO_NEW_PRIVS
 * ```
 */
export function unwrap<T extends number | bigint>(result: T, operation: string): T {
  if (result !== -1 && result !== -1n) return result;
  const code = errno();
  throw new KernelError(operation, code, errnoDetail(code));
}

// Written, never read: a module-level store the optimiser cannot prove dead.
let _kept: readonly unknown[] = [];

/**
 * Keeps `values` reachable up to this call, like Go's `runtime.KeepAlive`: for buffers whose
 * address was passed to C inside another buffer (a `struct` field, a `char *[]`), which the
 * garbage collector cannot see.
 *
 * @example
 * ```ts
 * import { keepAlive, toCString } from "./libc.ts";
 * const path = toCString("/");
 * // ... pass Deno.UnsafePointer.of(path) inside a struct to C ...
 * keepAlive(path);
 * ```
 */
export function keepAlive(...values: unknown[]): void {
  _kept = values;
}

const encoder = new TextEncoder();

/**
 * `text` as a NUL-terminated UTF-8 C string. Throws `TypeError` when it contains a NUL.
 *
 * @example
 * ```ts
 * import { toCString } from "./libc.ts";
 * const bytes = toCString("ls");
 * if (bytes.length !== 3 || bytes[2] !== 0) throw new Error("not NUL-terminated");
 * ```
 */
export function toCString(text: string): Uint8Array<ArrayBuffer> {
  if (text.includes("\0")) throw new TypeError(`C string contains a NUL: "${text}"`);
  const bytes = new Uint8Array(text.length * 3 + 1);
  const { written } = encoder.encodeInto(text, bytes);
  return bytes.slice(0, written + 1);
}

/**
 * A NULL-terminated array of pointers to `strings` as C strings (`char *const argv[]`).
 * The returned `keep` holds the strings: keep it reachable until the call that uses `array` returns.
 *
 * @example
 * ```ts
 * import { toCStringArray } from "./libc.ts";
 * const { array, keep } = toCStringArray(["ls", "-l"]);
 * if (array.length !== 3 || array[2] !== 0n || keep.length !== 2) throw new Error();
 * ```
 */
export function toCStringArray(
  strings: readonly string[],
): { array: BigUint64Array<ArrayBuffer>; keep: Uint8Array<ArrayBuffer>[] } {
  const keep = strings.map(toCString);
  const array = new BigUint64Array(keep.length + 1);
  keep.forEach((bytes, i) => {
    array[i] = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(bytes)));
  });
  return { array, keep };
}
