/**
 * How many bits of each syscall argument the kernel actually reads. `seccomp_data.args[i]` holds
 * the whole 64-bit register, but the kernel converts it to the argument's C type before using it:
 * an `int` or `pid_t` keeps its low 32 bits, a `umode_t` (`unsigned short`) its low 16. A filter
 * that compares all 64 bits of such an argument can be dodged by setting the bits the kernel
 * throws away (`socket(AF_PACKET | 1 << 32, …)` is a packet socket). The compiler reads the
 * widths from here to compare only what the kernel reads.
 *
 * The types come from {@linkcode syscallArgKinds} (the kernel's syscall tracepoints). On `i386`
 * every argument is a 32-bit register (the kernel's ia32 entry truncates each to `unsigned int`,
 * even when a 64-bit process sets the upper halves before `int $0x80`), and the legacy 16-bit
 * uid/gid calls (`setuid`, `chown`, … without the `32` suffix) read `old_uid_t`, 16 bits.
 *
 * @module
 */

import type { Arch } from "./types.ts";
import { syscallArgKinds } from "./syscalls.ts";

/** How many low bits of an argument the kernel reads: 16, 32 or all 64. */
export type ArgWidth = 16 | 32 | 64;

/** C types the kernel reads as 16 bits (`unsigned short`). */
const TYPES_16 = new Set(["umode_t", "old_uid_t", "old_gid_t"]);
/** Signed C types read as 32 bits. */
const SIGNED_32 = new Set([
  "int",
  "signed int",
  "signed",
  "__s32",
  "s32",
  "pid_t",
  "key_serial_t",
  "key_t",
  "clockid_t",
  "timer_t",
  "mqd_t",
  "rwf_t",
]);
/** Unsigned C types read as 32 bits. */
const UNSIGNED_32 = new Set([
  "unsigned int",
  "unsigned",
  "__u32",
  "u32",
  "uid_t",
  "gid_t",
  "qid_t",
  "dev_t",
  "mode_t",
]);
/** C types read as all 64 bits on a 64-bit ABI (`long`-sized, or pointer typedefs). */
const TYPES_64 = new Set([
  "long",
  "unsigned long",
  "size_t",
  "ssize_t",
  "off_t",
  "loff_t",
  "__u64",
  "u64",
  "__s64",
  "aio_context_t",
  "cap_user_header_t",
  "cap_user_data_t",
]);

/**
 * The i386 calls that take 16-bit `old_uid_t`/`old_gid_t` ids (the `*16` kernel entry points),
 * with the indexes of those arguments. The tracepoint types are the 32-bit calls' (`uid_t`).
 */
const I386_OLD_ID_ARGS: Readonly<Record<string, readonly number[]>> = {
  chown: [1, 2],
  lchown: [1, 2],
  fchown: [1, 2],
  setuid: [0],
  setgid: [0],
  setfsuid: [0],
  setfsgid: [0],
  setreuid: [0, 1],
  setregid: [0, 1],
  setresuid: [0, 1, 2],
  setresgid: [0, 1, 2],
};

interface Representation {
  readonly width: ArgWidth;
  readonly signed: boolean;
}

const classified = new Map<string, Representation | undefined>();

/** What one C type is read as: `undefined` for a type not classified here. */
function classify(type: string): Representation | undefined {
  if (classified.has(type)) return classified.get(type);
  const result = classifyUncached(type);
  classified.set(type, result);
  return result;
}

function classifyUncached(type: string): Representation | undefined {
  if (type.includes("*")) return { width: 64, signed: false };
  const bare = type.replace(/\b(const|volatile)\b/g, "").replace(/\s+/g, " ").trim();
  if (TYPES_16.has(bare)) return { width: 16, signed: false };
  if (SIGNED_32.has(bare)) return { width: 32, signed: true };
  if (UNSIGNED_32.has(bare)) return { width: 32, signed: false };
  // an enum is an int-sized type; the kernel's syscall wrappers cast the register to it
  if (bare.startsWith("enum ")) return { width: 32, signed: false };
  if (TYPES_64.has(bare)) return { width: 64, signed: bare === "long" || bare === "ssize_t" };
  return undefined;
}

function representation(
  name: string | null,
  arch: Arch,
  index: number,
): Representation | undefined {
  const args = name === null ? undefined : syscallArgKinds(name, arch);
  const arg = args?.[index];
  const native = arg === undefined ? undefined : classify(arg.type);
  if (arch !== "i386") return native;
  if (name !== null && I386_OLD_ID_ARGS[name]?.includes(index)) {
    return { width: 16, signed: false };
  }
  if (native?.width === 16) return native;
  return { width: 32, signed: native?.signed ?? false };
}

/**
 * How many low bits of argument `index` of syscall `name` the kernel reads on `arch`.
 *
 * @param name The syscall's name in `arch`'s table, or `null` for a number the table lacks.
 * @param arch The architecture (ABI).
 * @param index The argument, 0–5.
 * @returns 16 or 32 when the kernel truncates the register to a C type that narrow, 64 when it
 *   reads it whole; on `i386` never more than 32. `undefined` when the argument's type is not
 *   known on a 64-bit ABI (a syscall without a tracepoint, an index past its arguments, a type
 *   not classified): callers then compare all 64 bits.
 *
 * @example
 * ```ts
 * import { syscallArgWidth } from "./syscall_arg_width.ts";
 * if (syscallArgWidth("socket", "x86_64", 0) !== 32) throw new Error("int family");
 * if (syscallArgWidth("mmap", "x86_64", 1) !== 64) throw new Error("size_t length");
 * if (syscallArgWidth("chmod", "x86_64", 1) !== 16) throw new Error("umode_t mode");
 * if (syscallArgWidth("mmap", "i386", 0) !== 32) throw new Error("i386 registers");
 * ```
 */
export function syscallArgWidth(
  name: string | null,
  arch: Arch,
  index: number,
): ArgWidth | undefined {
  return representation(name, arch, index)?.width;
}

/**
 * Whether argument `index` of syscall `name` has a signed C type on `arch` (`int`, `pid_t`, …):
 * a C caller then passes a negative value sign-extended to the whole register.
 *
 * @param name The syscall's name in `arch`'s table, or `null` for a number the table lacks.
 * @param arch The architecture (ABI).
 * @param index The argument, 0–5.
 * @returns `true` for a signed type, `false` for an unsigned one or a pointer, `undefined` when
 *   the type is not known.
 *
 * @example
 * ```ts
 * import { syscallArgSigned } from "./syscall_arg_width.ts";
 * if (syscallArgSigned("openat", "x86_64", 0) !== true) throw new Error("int dfd");
 * if (syscallArgSigned("personality", "x86_64", 0) !== false) throw new Error("unsigned int");
 * ```
 */
export function syscallArgSigned(
  name: string | null,
  arch: Arch,
  index: number,
): boolean | undefined {
  const args = name === null ? undefined : syscallArgKinds(name, arch);
  const arg = args?.[index];
  if (arch === "i386" && name !== null && I386_OLD_ID_ARGS[name]?.includes(index)) return false;
  return arg === undefined ? undefined : classify(arg.type)?.signed;
}
