/**
 * Symbolic constants a policy may use for syscall argument values and errnos: AF_*, SOCK_*,
 * O_*, AT_*, CLONE_*, PROT_*, MAP_*, PR_*, IPPROTO_*, E* errnos and SIG* signals; and the Linux
 * capability names (`CAP_*`) of `spec.privileges.capabilities`.
 *
 * The values are generated from the Linux UAPI headers (and glibc's for AF_* and SOCK_*) by
 * `_generate_constants.ts` into `_constants_data.ts`. They are the values the kernel sees, per
 * architecture: x86_64 by default, and where another architecture differs (aarch64's
 * `O_DIRECTORY`, `O_NOFOLLOW`, `O_DIRECT`, `O_LARGEFILE`; `MAP_32BIT` only on x86), its own.
 * `SIGRTMIN`/`SIGRTMAX` are deliberately absent: the C library moves them at run time.
 *
 * @module
 */

import type { Arch } from "./types.ts";
import { ARCH_DIFFERENCES, CAPABILITIES, CONSTANTS, ERRNOS, SIGNALS } from "./_constants_data.ts";

let base: ReadonlyMap<string, bigint> | undefined;
const differences = new Map<Arch, ReadonlyMap<string, bigint | null>>();
let errnoByName: ReadonlyMap<string, number> | undefined;
let errnoByNumber: ReadonlyMap<number, string> | undefined;
let signalByName: ReadonlyMap<string, number> | undefined;
let signalByNumber: Map<number, string> | undefined;
let names: readonly string[] | undefined;

function baseValues(): ReadonlyMap<string, bigint> {
  if (base === undefined) {
    const map = new Map<string, bigint>();
    for (const [name, value] of [...ERRNOS, ...SIGNALS, ...CONSTANTS]) {
      map.set(name, BigInt(value));
    }
    base = map;
  }
  return base;
}

function differencesOf(arch: Arch): ReadonlyMap<string, bigint | null> | undefined {
  if (arch === "x86_64") return undefined;
  if (!Object.hasOwn(ARCH_DIFFERENCES, arch)) {
    throw new TypeError(`Unknown architecture "${String(arch)}"`);
  }
  let map = differences.get(arch);
  if (map === undefined) {
    map = new Map(ARCH_DIFFERENCES[arch].map(([n, v]) => [n, v === null ? null : BigInt(v)]));
    differences.set(arch, map);
  }
  return map;
}

/**
 * The value of a symbolic constant on an architecture.
 *
 * @param name The constant's name, e.g. `"AF_PACKET"`, `"O_DIRECTORY"`, `"EPERM"`, `"SIGKILL"`.
 * @param arch The architecture whose value to give (default `x86_64`).
 * @returns The value as the kernel sees it, signed (`AT_FDCWD` is `-100n`); `undefined` if the
 *   name is unknown or not defined on `arch`.
 * @throws {TypeError} If `arch` is not one of `ARCHES`.
 *
 * @example
 * ```ts
 * import { resolveConstant } from "@cordon/cordon";
 * if (resolveConstant("AF_PACKET") !== 17n) throw new Error("AF_PACKET");
 * if (resolveConstant("O_DIRECTORY") !== 0o200000n) throw new Error("x86_64 O_DIRECTORY");
 * if (resolveConstant("O_DIRECTORY", "aarch64") !== 0o40000n) throw new Error("arm64 O_DIRECTORY");
 * if (resolveConstant("MAP_32BIT", "aarch64") !== undefined) throw new Error("arm64 MAP_32BIT");
 * ```
 */
export function resolveConstant(name: string, arch: Arch = "x86_64"): bigint | undefined {
  const override = differencesOf(arch);
  if (override?.has(name)) return override.get(name) ?? undefined;
  return baseValues().get(name);
}

/**
 * The number of an errno name (the same on every supported architecture).
 *
 * @param name E.g. `"EPERM"`.
 * @returns The number, or `undefined` if `name` is no errno.
 *
 * @example
 * ```ts
 * import { errnoNumber } from "@cordon/cordon";
 * if (errnoNumber("EPERM") !== 1 || errnoNumber("EWOULDBLOCK") !== 11) throw new Error("errno");
 * ```
 */
export function errnoNumber(name: string): number | undefined {
  errnoByName ??= new Map(ERRNOS);
  return errnoByName.get(name);
}

/**
 * The name of an errno number; where several names share it, the primary one (`EAGAIN`, not
 * `EWOULDBLOCK`).
 *
 * @param n The errno number.
 * @returns Its name, or `undefined` if no errno has that number.
 *
 * @example
 * ```ts
 * import { errnoName } from "@cordon/cordon";
 * if (errnoName(11) !== "EAGAIN" || errnoName(0) !== undefined) throw new Error("errnoName");
 * ```
 */
export function errnoName(n: number): string | undefined {
  if (errnoByNumber === undefined) {
    const map = new Map<number, string>();
    for (const [name, nr] of ERRNOS) if (!map.has(nr)) map.set(nr, name);
    errnoByNumber = map;
  }
  return errnoByNumber.get(n);
}

/**
 * The number of a signal name, kernel numbering (the same on every supported architecture).
 *
 * @param name E.g. `"SIGKILL"`.
 * @returns The number, or `undefined` if `name` is no signal (`SIGRTMIN` is deliberately not one).
 *
 * @example
 * ```ts
 * import { signalNumber } from "@cordon/cordon";
 * if (signalNumber("SIGKILL") !== 9 || signalNumber("SIGSYS") !== 31) throw new Error("signal");
 * ```
 */
export function signalNumber(name: string): number | undefined {
  signalByName ??= new Map(SIGNALS);
  return signalByName.get(name);
}

/**
 * The name of a signal number, kernel numbering; where two names share a number (`SIGABRT` and
 * `SIGIOT`), the first the headers define.
 *
 * @param n E.g. `9`.
 * @returns The name, or `undefined` for a number that is no standard signal.
 *
 * @example
 * ```ts
 * import { signalName } from "@cordon/cordon";
 * if (signalName(9) !== "SIGKILL" || signalName(6) !== "SIGABRT") throw new Error("signalName");
 * if (signalName(64) !== undefined) throw new Error("no name for a real-time signal");
 * ```
 */
export function signalName(n: number): string | undefined {
  if (signalByNumber === undefined) {
    const map = new Map<number, string>();
    for (const [name, nr] of SIGNALS) if (!map.has(nr)) map.set(nr, name);
    signalByNumber = map;
  }
  return signalByNumber.get(n);
}

/**
 * Every constant name known on any architecture, sorted: for "did you mean" suggestions.
 *
 * @returns The names.
 *
 * @example
 * ```ts
 * import { constantNames } from "@cordon/cordon";
 * const all = constantNames();
 * if (!all.includes("CLONE_NEWUSER") || !all.includes("PROT_BTI")) throw new Error("names");
 * ```
 */
export function constantNames(): readonly string[] {
  if (names === undefined) {
    const all = new Set(baseValues().keys());
    for (const list of Object.values(ARCH_DIFFERENCES)) {
      for (const [name, value] of list) if (value !== null) all.add(name);
    }
    names = Object.freeze([...all].sort());
  }
  return names;
}

let capabilityByName: ReadonlyMap<string, number> | undefined;

/**
 * A Linux capability's canonical name (`CAP_` and upper case) from how a policy may write it:
 * any case, with or without the `CAP_` prefix.
 *
 * @param text The name as written, e.g. `"net_bind_service"`, `"CAP_SYS_ADMIN"`, `"Cap_Bpf"`.
 * @returns The canonical name (`"CAP_NET_BIND_SERVICE"`), or `undefined` when the kernel's
 *   `linux/capability.h` defines no such capability.
 *
 * @example
 * ```ts
 * import { canonicalCapability } from "@cordon/cordon";
 * if (canonicalCapability("net_bind_service") !== "CAP_NET_BIND_SERVICE") throw new Error("short");
 * if (canonicalCapability("cap_sys_admin") !== "CAP_SYS_ADMIN") throw new Error("case");
 * if (canonicalCapability("CAP_FOO") !== undefined) throw new Error("unknown");
 * ```
 */
export function canonicalCapability(text: string): string | undefined {
  const upper = text.trim().toUpperCase();
  const name = upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
  return capabilityNumber(name) === undefined ? undefined : name;
}

/**
 * The number of a Linux capability (its bit in the capability sets).
 *
 * @param name The canonical name, e.g. `"CAP_NET_BIND_SERVICE"`.
 * @returns The number (`10`), or `undefined` for an unknown name.
 *
 * @example
 * ```ts
 * import { capabilityNumber } from "@cordon/cordon";
 * if (capabilityNumber("CAP_SYS_ADMIN") !== 21) throw new Error("CAP_SYS_ADMIN");
 * ```
 */
export function capabilityNumber(name: string): number | undefined {
  capabilityByName ??= new Map(CAPABILITIES);
  return capabilityByName.get(name);
}

/**
 * Every Linux capability name, by number (`CAP_CHOWN` first, `CAP_LAST_CAP` last).
 *
 * @returns The canonical names.
 *
 * @example
 * ```ts
 * import { capabilityNames } from "@cordon/cordon";
 * if (capabilityNames()[0] !== "CAP_CHOWN" || !capabilityNames().includes("CAP_BPF")) {
 *   throw new Error("names");
 * }
 * ```
 */
export function capabilityNames(): readonly string[] {
  return CAPABILITIES.map(([name]) => name);
}
