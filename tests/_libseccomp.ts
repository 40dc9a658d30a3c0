/**
 * A binding of libseccomp (`libseccomp.so.2`) through `Deno.dlopen`, used as a test oracle and a
 * benchmark peer: it builds a filter the way runc does from an OCI profile and exports its cBPF,
 * which our interpreter then runs side by side with our own program. Requires `allow-ffi`.
 *
 * The library path can be overridden with `CORDON_LIBSECCOMP`.
 *
 * @module
 */

import type { SockFilter } from "../compile/sock_filter.ts";
import { decodeSockFilters } from "../compile/sock_filter.ts";

const SYMBOLS = {
  // const struct scmp_version *seccomp_version(void)
  "seccomp_version": { parameters: [], result: "pointer" },
  // scmp_filter_ctx seccomp_init(uint32_t def_action)
  "seccomp_init": { parameters: ["u32"], result: "pointer" },
  // void seccomp_release(scmp_filter_ctx ctx)
  "seccomp_release": { parameters: ["pointer"], result: "void" },
  // int seccomp_arch_add(scmp_filter_ctx ctx, uint32_t arch_token)
  "seccomp_arch_add": { parameters: ["pointer", "u32"], result: "i32" },
  // int seccomp_arch_remove(scmp_filter_ctx ctx, uint32_t arch_token)
  "seccomp_arch_remove": { parameters: ["pointer", "u32"], result: "i32" },
  // uint32_t seccomp_arch_native(void)
  "seccomp_arch_native": { parameters: [], result: "u32" },
  // int seccomp_attr_set(scmp_filter_ctx ctx, enum scmp_filter_attr attr, uint32_t value)
  "seccomp_attr_set": { parameters: ["pointer", "u32", "u32"], result: "i32" },
  // int seccomp_syscall_resolve_name(const char *name)
  "seccomp_syscall_resolve_name": { parameters: ["buffer"], result: "i32" },
  // int seccomp_syscall_resolve_name_arch(uint32_t arch_token, const char *name)
  "seccomp_syscall_resolve_name_arch": { parameters: ["u32", "buffer"], result: "i32" },
  // int seccomp_rule_add_array(scmp_filter_ctx ctx, uint32_t action, int syscall,
  //                            unsigned int arg_cnt, const struct scmp_arg_cmp *arg_array)
  "seccomp_rule_add_array": {
    parameters: ["pointer", "u32", "i32", "u32", "buffer"],
    result: "i32",
  },
  // int seccomp_export_bpf(const scmp_filter_ctx ctx, int fd)
  "seccomp_export_bpf": { parameters: ["pointer", "i32"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

const LIBC_SYMBOLS = {
  // int memfd_create(const char *name, unsigned int flags)
  "memfd_create": { parameters: ["buffer", "u32"], result: "i32" },
  // int close(int fd)
  "close": { parameters: ["i32"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

/** `SCMP_ARCH_*` tokens. */
export const SCMP_ARCH = {
  X86: 0x40000003,
  X86_64: 0xc000003e,
  X32: 0x4000003e,
  AARCH64: 0xc00000b7,
} as const;

/** `SCMP_ACT_*` values (the kernel's `SECCOMP_RET_*`). */
export const SCMP_ACT = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0x00000000,
  TRAP: 0x00030000,
  ERRNO: (errno: number) => (0x00050000 | (errno & 0xffff)) >>> 0,
  TRACE: (data: number) => (0x7ff00000 | (data & 0xffff)) >>> 0,
  NOTIFY: 0x7fc00000,
  LOG: 0x7ffc0000,
  ALLOW: 0x7fff0000,
} as const;

/** `enum scmp_compare`. */
export const SCMP_CMP = {
  NE: 1,
  LT: 2,
  LE: 3,
  EQ: 4,
  GE: 5,
  GT: 6,
  MASKED_EQ: 7,
} as const;

/** `enum scmp_filter_attr` values used here. */
export const SCMP_FLTATR = { ACT_BADARCH: 2, CTL_NNP: 3, CTL_OPTIMIZE: 8 } as const;

/** `__NR_SCMP_ERROR`: a name libseccomp does not know. */
export const NR_SCMP_ERROR = -1;

/** One `struct scmp_arg_cmp`. */
export interface ScmpArgCmp {
  readonly arg: number;
  readonly op: number;
  readonly datumA: bigint;
  readonly datumB: bigint;
}

/** A libseccomp call that failed. */
export class LibseccompError extends Error {
  /** Stable error code. */
  readonly code = "libseccomp";
  /** The negative errno libseccomp returned. */
  readonly errno: number;
  /**
   * @param op What was being done.
   * @param rc The return code.
   */
  constructor(op: string, rc: number) {
    super(`${op}: libseccomp returned ${rc}`);
    this.name = "LibseccompError";
    this.errno = -rc;
  }
}

type Lib = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];
type Libc = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>["symbols"];

let lib: { seccomp: Lib; libc: Libc } | undefined;

function load(): { seccomp: Lib; libc: Libc } {
  if (lib !== undefined) return lib;
  const path = Deno.env.get("CORDON_LIBSECCOMP") ?? "libseccomp.so.2";
  try {
    lib = {
      seccomp: Deno.dlopen(path, SYMBOLS).symbols,
      libc: Deno.dlopen("libc.so.6", LIBC_SYMBOLS).symbols,
    };
  } catch (cause) {
    throw new Error(`load ${path}: ${String(cause)}`, { cause });
  }
  return lib;
}

/** Why libseccomp cannot be used here, or `null` when it can. */
export function libseccompUnavailable(): string | null {
  if (Deno.build.os !== "linux") return "needs libseccomp.so.2 on Linux";
  try {
    load();
    return null;
  } catch {
    return "needs libseccomp.so.2 (run scripts/setup.sh)";
  }
}

function cString(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(text);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

function unwrap(rc: number, op: string): void {
  if (rc < 0) throw new LibseccompError(op, rc);
}

/** libseccomp's version as `major.minor.micro`. */
export function libseccompVersion(): string {
  const pointer = load().seccomp.seccomp_version();
  if (pointer === null) return "unknown";
  const view = new Deno.UnsafePointerView(pointer);
  return `${view.getUint32(0)}.${view.getUint32(4)}.${view.getUint32(8)}`;
}

/**
 * The number libseccomp gives `name`: on `arch` (a `SCMP_ARCH_*` token), or on the native
 * architecture (then possibly a negative pseudo number), `NR_SCMP_ERROR` when unknown.
 */
export function resolveSyscall(name: string, arch?: number): number {
  const { seccomp } = load();
  return arch === undefined
    ? seccomp.seccomp_syscall_resolve_name(cString(name))
    : seccomp.seccomp_syscall_resolve_name_arch(arch, cString(name));
}

/** A libseccomp filter context; release with `using` or {@linkcode LibseccompFilter.close}. */
export class LibseccompFilter implements Disposable {
  #ctx: Deno.PointerValue;

  /** Creates a filter with `defaultAction` (`SCMP_ACT_*`), for the native architecture. */
  constructor(defaultAction: number) {
    const ctx = load().seccomp.seccomp_init(defaultAction >>> 0);
    if (ctx === null) throw new Error("seccomp_init failed");
    this.#ctx = ctx;
  }

  #handle(): Deno.PointerObject {
    if (this.#ctx === null) throw new Error("The libseccomp filter is closed");
    return this.#ctx;
  }

  /** `seccomp_arch_add`. */
  addArch(arch: number): void {
    unwrap(load().seccomp.seccomp_arch_add(this.#handle(), arch >>> 0), `add arch ${arch}`);
  }

  /** `seccomp_arch_remove`. */
  removeArch(arch: number): void {
    unwrap(load().seccomp.seccomp_arch_remove(this.#handle(), arch >>> 0), `remove arch ${arch}`);
  }

  /** `seccomp_attr_set`. */
  setAttr(attr: number, value: number): void {
    unwrap(
      load().seccomp.seccomp_attr_set(this.#handle(), attr, value >>> 0),
      `set attribute ${attr}`,
    );
  }

  /** `seccomp_rule_add_array`; returns the (negative) return code instead of throwing when asked. */
  addRule(action: number, syscall: number, args: readonly ScmpArgCmp[] = []): number {
    const buffer = new Uint8Array(Math.max(1, args.length) * 24);
    const view = new DataView(buffer.buffer);
    args.forEach((a, i) => {
      view.setUint32(i * 24, a.arg, true);
      view.setUint32(i * 24 + 4, a.op, true);
      view.setBigUint64(i * 24 + 8, BigInt.asUintN(64, a.datumA), true);
      view.setBigUint64(i * 24 + 16, BigInt.asUintN(64, a.datumB), true);
    });
    return load().seccomp.seccomp_rule_add_array(
      this.#handle(),
      action >>> 0,
      syscall,
      args.length,
      buffer,
    );
  }

  /** The filter's cBPF program, through `seccomp_export_bpf` into a memfd. */
  exportBpf(): SockFilter[] {
    const { seccomp, libc } = load();
    const fd = libc.memfd_create(cString("cordon-libseccomp"), 0);
    if (fd < 0) throw new Error("memfd_create failed");
    try {
      unwrap(seccomp.seccomp_export_bpf(this.#handle(), fd), "export bpf");
      return decodeSockFilters(Deno.readFileSync(`/proc/self/fd/${fd}`));
    } finally {
      libc.close(fd);
    }
  }

  /** Releases the context; idempotent. */
  close(): void {
    if (this.#ctx !== null) {
      load().seccomp.seccomp_release(this.#ctx);
      this.#ctx = null;
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

const SCMP_ARCH_BY_NAME: Readonly<Record<string, number>> = {
  SCMP_ARCH_X86: SCMP_ARCH.X86,
  SCMP_ARCH_X86_64: SCMP_ARCH.X86_64,
  SCMP_ARCH_X32: SCMP_ARCH.X32,
  SCMP_ARCH_AARCH64: SCMP_ARCH.AARCH64,
};

const SCMP_CMP_BY_NAME: Readonly<Record<string, number>> = {
  SCMP_CMP_NE: SCMP_CMP.NE,
  SCMP_CMP_LT: SCMP_CMP.LT,
  SCMP_CMP_LE: SCMP_CMP.LE,
  SCMP_CMP_EQ: SCMP_CMP.EQ,
  SCMP_CMP_GE: SCMP_CMP.GE,
  SCMP_CMP_GT: SCMP_CMP.GT,
  SCMP_CMP_MASKED_EQ: SCMP_CMP.MASKED_EQ,
};

/** runc's mapping of an OCI action (and errnoRet) to a libseccomp action. */
export function scmpAction(action: string, errnoRet: number | undefined): number {
  switch (action) {
    case "SCMP_ACT_ALLOW":
      return SCMP_ACT.ALLOW;
    case "SCMP_ACT_ERRNO":
      return SCMP_ACT.ERRNO(errnoRet ?? 1);
    case "SCMP_ACT_TRACE":
      return SCMP_ACT.TRACE(errnoRet ?? 1);
    case "SCMP_ACT_KILL":
    case "SCMP_ACT_KILL_THREAD":
      return SCMP_ACT.KILL_THREAD;
    case "SCMP_ACT_KILL_PROCESS":
      return SCMP_ACT.KILL_PROCESS;
    case "SCMP_ACT_TRAP":
      return SCMP_ACT.TRAP;
    case "SCMP_ACT_LOG":
      return SCMP_ACT.LOG;
    case "SCMP_ACT_NOTIFY":
      return SCMP_ACT.NOTIFY;
  }
  throw new Error(`unknown OCI action ${action}`);
}

/** The parts of a moby-resolved OCI profile the runtime reads. */
export interface RuntimeSeccomp {
  readonly defaultAction: string;
  readonly defaultErrnoRet?: number;
  readonly architectures: readonly string[];
  readonly syscalls: readonly {
    readonly names: readonly string[];
    readonly action: string;
    readonly errnoRet?: number;
    readonly args: readonly {
      readonly index: number;
      readonly value: bigint;
      readonly valueTwo: bigint;
      readonly op: string;
    }[];
  }[];
}

/** A libseccomp-built program and what was left out of it. */
export interface LibseccompBuild {
  readonly instructions: SockFilter[];
  /** Names libseccomp could not resolve (runc skips them). */
  readonly unresolved: string[];
}

/**
 * Builds the seccomp program runc would load for a moby-resolved profile: default action and
 * architectures from the profile, entries with the default action skipped, names resolved on
 * the native architecture (unknown ones skipped), several conditions on one argument added as
 * separate rules, `KILL_PROCESS` for foreign architectures, as Cordon does. The optimisation is
 * runc's (libseccomp's default, `1`) unless `optimize: 2` asks for the binary tree, which the
 * benches compare sizes with: libseccomp 2.5.4 builds a wrong i386 program with it for some rule
 * sets (docs/oci.md), so an oracle must not use it.
 *
 * @param profile The runtime's view of the profile.
 * @param keepName Names to include (default all): lets a comparison leave out names the other
 *   side's tables lack.
 * @param optimize `SCMP_FLTATR_CTL_OPTIMIZE`: 1 (default, runc's) or 2 (binary tree).
 */
export function buildLibseccompProgram(
  profile: RuntimeSeccomp,
  keepName: (name: string) => boolean = () => true,
  optimize: 1 | 2 = 1,
): LibseccompBuild {
  const defaultAction = scmpAction(profile.defaultAction, profile.defaultErrnoRet);
  using filter = new LibseccompFilter(defaultAction);
  filter.setAttr(SCMP_FLTATR.CTL_OPTIMIZE, optimize);
  filter.setAttr(SCMP_FLTATR.ACT_BADARCH, SCMP_ACT.KILL_PROCESS);
  const native = load().seccomp.seccomp_arch_native();
  for (const name of profile.architectures) {
    const token = SCMP_ARCH_BY_NAME[name];
    if (token === undefined) throw new Error(`architecture ${name} is not bound here`);
    if (token !== native) filter.addArch(token);
  }
  const unresolved = new Set<string>();
  for (const entry of profile.syscalls) {
    const action = scmpAction(entry.action, entry.errnoRet);
    if (action === defaultAction) continue;
    const conditions = entry.args.map((a): ScmpArgCmp => ({
      arg: a.index,
      op: SCMP_CMP_BY_NAME[a.op]!,
      datumA: a.value,
      datumB: a.valueTwo,
    }));
    const counts = new Map<number, number>();
    for (const c of conditions) counts.set(c.arg, (counts.get(c.arg) ?? 0) + 1);
    const sets = [...counts.values()].some((n) => n > 1)
      ? conditions.map((c) => [c])
      : [conditions];
    for (const name of entry.names) {
      if (!keepName(name)) continue;
      const nr = resolveSyscall(name);
      if (nr === NR_SCMP_ERROR) {
        unresolved.add(name);
        continue;
      }
      for (const set of sets) {
        const rc = filter.addRule(action, nr, set);
        if (rc < 0) throw new LibseccompError(`add rule ${name}`, rc);
      }
    }
  }
  return { instructions: filter.exportBpf(), unresolved: [...unresolved].sort() };
}
