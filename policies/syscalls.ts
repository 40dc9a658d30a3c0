/**
 * Syscall names and numbers per architecture, and which syscall arguments are pointers.
 *
 * The tables are generated from the Linux UAPI headers (`deno task gen:syscalls`, see
 * `_generate_syscall_tables.ts`) and turned into maps lazily, on first use of an architecture.
 * Numbers are what the kernel sees in `seccomp_data.nr`: x32 numbers include
 * {@linkcode X32_SYSCALL_BIT}.
 *
 * @module
 */

import type { Arch } from "./types.ts";
import { SYSCALLS as X86_64_SYSCALLS } from "./syscall_tables/x86_64.ts";
import { SYSCALLS as I386_SYSCALLS } from "./syscall_tables/i386.ts";
import { SYSCALLS as X32_SYSCALLS } from "./syscall_tables/x32.ts";
import { SYSCALLS as AARCH64_SYSCALLS } from "./syscall_tables/aarch64.ts";
import { SYSCALL_ARGS } from "./syscall_args.ts";
import { UNTRACED_SYSCALL_ARGS } from "./syscall_args_untraced.ts";

/**
 * The bit x32 syscall numbers carry (`__X32_SYSCALL_BIT`). An x32 process runs with the x86_64
 * audit architecture; only this bit tells its syscalls apart.
 *
 * @example
 * ```ts
 * import { syscallNumber, X32_SYSCALL_BIT } from "@cordon/cordon";
 * if (syscallNumber("x32", "read") !== (X32_SYSCALL_BIT | 0)) throw new Error("x32 read");
 * ```
 */
export const X32_SYSCALL_BIT = 0x40000000;

/**
 * The `AUDIT_ARCH_*` value of each architecture, as `seccomp_data.arch` carries it. x32 shares
 * x86_64's; filters tell them apart by {@linkcode X32_SYSCALL_BIT}.
 *
 * @example
 * ```ts
 * import { AUDIT_ARCH } from "@cordon/cordon";
 * if (AUDIT_ARCH.aarch64 !== 0xC00000B7) throw new Error("AUDIT_ARCH_AARCH64");
 * ```
 */
export const AUDIT_ARCH: Readonly<Record<Arch, number>> = Object.freeze({
  x86_64: 0xC000003E,
  i386: 0x40000003,
  x32: 0xC000003E,
  aarch64: 0xC00000B7,
});

/** The syscalls of one architecture. */
export interface SyscallTable {
  /** The architecture the table is for. */
  readonly arch: Arch;
  /** `seccomp_data.arch` for this architecture. */
  readonly auditArch: number;
  /** Name → number. */
  readonly byName: ReadonlyMap<string, number>;
  /** Number → name; where two names share a number, the first in the header's order. */
  readonly byNumber: ReadonlyMap<number, string>;
  /** The highest number in the table (x32: including the x32 bit). */
  readonly maxNr: number;
}

const SOURCES: Readonly<Record<Arch, readonly (readonly [string, number])[]>> = {
  x86_64: X86_64_SYSCALLS,
  i386: I386_SYSCALLS,
  x32: X32_SYSCALLS,
  aarch64: AARCH64_SYSCALLS,
};

const tables = new Map<Arch, SyscallTable>();
let allNames: ReadonlySet<string> | undefined;

function sourceOf(arch: Arch): readonly (readonly [string, number])[] {
  if (!Object.hasOwn(SOURCES, arch)) {
    throw new TypeError(`Unknown architecture "${String(arch)}"`);
  }
  return SOURCES[arch];
}

/**
 * The syscall table of an architecture, built on first use.
 *
 * @param arch The architecture.
 * @returns Its names, numbers, audit architecture and highest number.
 * @throws {TypeError} If `arch` is not one of `ARCHES`.
 *
 * @example
 * ```ts
 * import { syscallTable } from "@cordon/cordon";
 * const t = syscallTable("x86_64");
 * if (t.byName.get("openat") !== 257 || t.byNumber.get(0) !== "read") throw new Error("x86_64");
 * ```
 */
export function syscallTable(arch: Arch): SyscallTable {
  const cached = tables.get(arch);
  if (cached !== undefined) return cached;
  const source = sourceOf(arch);
  const byName = new Map<string, number>();
  const byNumber = new Map<number, string>();
  let maxNr = 0;
  for (const [name, nr] of source) {
    byName.set(name, nr);
    if (!byNumber.has(nr)) byNumber.set(nr, name);
    if (nr > maxNr) maxNr = nr;
  }
  const table: SyscallTable = { arch, auditArch: AUDIT_ARCH[arch], byName, byNumber, maxNr };
  tables.set(arch, table);
  return table;
}

/**
 * The number of a syscall on an architecture.
 *
 * @param arch The architecture.
 * @param name The syscall name, e.g. `"openat"`.
 * @returns Its number (x32: with the x32 bit), or `undefined` if the architecture lacks it.
 *
 * @example
 * ```ts
 * import { syscallNumber } from "@cordon/cordon";
 * if (syscallNumber("aarch64", "openat") !== 56) throw new Error("aarch64 openat");
 * if (syscallNumber("aarch64", "open") !== undefined) throw new Error("aarch64 has no open");
 * ```
 */
export function syscallNumber(arch: Arch, name: string): number | undefined {
  return syscallTable(arch).byName.get(name);
}

/**
 * The name of a syscall number on an architecture.
 *
 * @param arch The architecture.
 * @param nr The number as `seccomp_data.nr` holds it (x32: with the x32 bit).
 * @returns The name, or `undefined` for a number no syscall has.
 *
 * @example
 * ```ts
 * import { syscallName } from "@cordon/cordon";
 * if (syscallName("i386", 102) !== "socketcall") throw new Error("i386 102");
 * ```
 */
export function syscallName(arch: Arch, nr: number): string | undefined {
  return syscallTable(arch).byNumber.get(nr);
}

/**
 * Whether a syscall exists on at least one architecture.
 *
 * @param name The syscall name.
 * @returns `true` if any table has it.
 *
 * @example
 * ```ts
 * import { isKnownSyscall } from "@cordon/cordon";
 * if (!isKnownSyscall("socketcall") || isKnownSyscall("opne")) throw new Error("isKnownSyscall");
 * ```
 */
export function isKnownSyscall(name: string): boolean {
  if (allNames === undefined) {
    const names = new Set<string>();
    for (const source of Object.values(SOURCES)) for (const [n] of source) names.add(n);
    allNames = names;
  }
  return allNames.has(name);
}

/**
 * Every syscall name of every architecture, sorted: for "did you mean" suggestions.
 *
 * @returns The names.
 *
 * @example
 * ```ts
 * import { syscallNames } from "@cordon/cordon";
 * if (!syscallNames().includes("openat2")) throw new Error("openat2");
 * ```
 */
export function syscallNames(): readonly string[] {
  isKnownSyscall("");
  return [...allNames!].sort();
}

/** One syscall argument: its name and C type as the kernel declares them. */
export interface SyscallArg {
  /** The argument's name in the kernel's declaration, e.g. `"filename"`. */
  readonly name: string;
  /** The C type, e.g. `"const char *"`. */
  readonly type: string;
  /** Whether the argument is a pointer (its type contains `*`): seccomp sees the address only. */
  readonly pointer: boolean;
}

/**
 * Syscalls whose argument layout on an architecture differs from the generated (x86_64 kernel)
 * one under the same name. Only layouts that would otherwise be wrong are listed; syscalls the
 * source kernel has no tracepoint for are in `syscall_args_untraced.ts`.
 */
const ARCH_ARG_LAYOUTS: Readonly<
  Partial<Record<Arch, Readonly<Record<string, readonly string[]>>>>
> = {
  // CONFIG_CLONE_BACKWARDS (arm64; x86 32-bit, and compat_sys_ia32_clone): tls before child_tidptr.
  i386: {
    clone: [
      "unsigned long clone_flags",
      "unsigned long newsp",
      "int * parent_tidptr",
      "unsigned long tls",
      "int * child_tidptr",
    ],
    // arch/x86/entry/syscalls/syscall_32.tbl: 90 mmap is sys_old_mmap, 82 select sys_old_select.
    mmap: ["struct mmap_arg_struct * arg"],
    select: ["struct sel_arg_struct * arg"],
  },
  aarch64: {
    clone: [
      "unsigned long clone_flags",
      "unsigned long newsp",
      "int * parent_tidptr",
      "unsigned long tls",
      "int * child_tidptr",
    ],
  },
};

const parsedArgs = new Map<readonly string[], readonly SyscallArg[]>();

function parseArgs(decls: readonly string[]): readonly SyscallArg[] {
  let args = parsedArgs.get(decls);
  if (args === undefined) {
    args = Object.freeze(decls.map((decl) => {
      const m = /^(.*?)\s*([A-Za-z_][A-Za-z0-9_]*)$/.exec(decl);
      const type = m?.[1] ?? decl;
      return Object.freeze({ name: m?.[2] ?? "", type, pointer: type.includes("*") });
    }));
    parsedArgs.set(decls, args);
  }
  return args;
}

function declarations(name: string, arch: Arch): readonly string[] | undefined {
  if (syscallNumber(arch, name) === undefined) return undefined;
  const override = ARCH_ARG_LAYOUTS[arch];
  if (override !== undefined && Object.hasOwn(override, name)) return override[name];
  if (Object.hasOwn(SYSCALL_ARGS, name)) return SYSCALL_ARGS[name];
  return Object.hasOwn(UNTRACED_SYSCALL_ARGS, name) ? UNTRACED_SYSCALL_ARGS[name] : undefined;
}

/**
 * The arguments of a syscall with their C types, from the kernel's syscall tracepoints
 * (generated into `syscall_args.ts`; `syscall_args_untraced.ts` for the calls that kernel build
 * has no tracepoint for), corrected where an architecture's layout differs
 * (`clone` on i386 and aarch64; the old `mmap` and `select` of i386).
 *
 * @param name The syscall name.
 * @param arch The architecture (default `x86_64`).
 * @returns The arguments in order; `undefined` if the syscall does not exist on `arch` or its
 *   arguments are unknown (mostly i386-only calls such as `socketcall`).
 *
 * @example
 * ```ts
 * import { syscallArgKinds } from "@cordon/cordon";
 * const args = syscallArgKinds("openat");
 * if (args?.[1]?.pointer !== true || args[2]?.pointer !== false) throw new Error("openat");
 * ```
 */
export function syscallArgKinds(
  name: string,
  arch: Arch = "x86_64",
): readonly SyscallArg[] | undefined {
  const decls = declarations(name, arch);
  return decls === undefined ? undefined : parseArgs(decls);
}

/** Names the kernel's tracepoints give `const char *` arguments that are file names. */
const PATH_ARG_NAMES = new Set([
  "filename",
  "pathname",
  "path",
  "oldname",
  "newname",
  "oldpath",
  "newpath",
  "specialfile",
  "dir_name",
  "old",
  "new",
  "library",
]);

/**
 * The indexes of a syscall's arguments that are file names (`const char *`, named like a path by
 * the kernel's tracepoints): what `--explain` reads from a caller's memory for its reports.
 *
 * @param name The syscall name.
 * @param arch The architecture (default `x86_64`).
 * @returns Indexes in argument order; empty when the syscall takes no path or its arguments are
 *   unknown.
 *
 * @example
 * ```ts
 * import { syscallPathArgs } from "@cordon/cordon";
 * if (syscallPathArgs("renameat2").join() !== "1,3") throw new Error("renameat2");
 * if (syscallPathArgs("getppid").length !== 0) throw new Error("getppid");
 * ```
 */
export function syscallPathArgs(name: string, arch: Arch = "x86_64"): readonly number[] {
  const out: number[] = [];
  (syscallArgKinds(name, arch) ?? []).forEach((arg, i) => {
    if (arg.pointer && /char\s*\*/.test(arg.type) && PATH_ARG_NAMES.has(arg.name)) out.push(i);
  });
  return out;
}

/**
 * The indexes of a syscall's pointer arguments: conditions on them compare addresses, not the
 * memory they point to.
 *
 * @param name The syscall name.
 * @param arch One architecture; without it, the union over every architecture that has the
 *   syscall with known arguments (what a policy compiled for all of them must respect).
 * @returns Sorted indexes, or `undefined` if the arguments are unknown.
 *
 * @example
 * ```ts
 * import { syscallPointerArgs } from "@cordon/cordon";
 * if (syscallPointerArgs("openat")?.join() !== "1") throw new Error("openat");
 * if (syscallPointerArgs("clone")?.join() !== "2,3,4") throw new Error("clone");
 * ```
 */
export function syscallPointerArgs(name: string, arch?: Arch): readonly number[] | undefined {
  const arches = arch === undefined ? (Object.keys(SOURCES) as Arch[]) : [arch];
  let known = false;
  const indexes = new Set<number>();
  for (const a of arches) {
    const args = syscallArgKinds(name, a);
    if (args === undefined) continue;
    known = true;
    args.forEach((arg, i) => {
      if (arg.pointer) indexes.add(i);
    });
  }
  return known ? [...indexes].sort((x, y) => x - y) : undefined;
}
