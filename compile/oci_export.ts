/**
 * Export of one IR layer as an OCI seccomp profile (moby's format, with `archMap`), for Docker,
 * Podman, containerd or Kubernetes.
 *
 * Syscalls with the same outcome are grouped into one entry, as the Docker profile does. An
 * entry applies by name on every architecture, so the layer's decision for a name is taken from
 * the first of its architectures (in `ARCHES` order) that knows the name; where another
 * architecture decides differently, a warning says so. Argument cases become conditional entries
 * whose conditions are disjoint between different actions (libseccomp's precedence between
 * overlapping conditional rules is not the IR's first-match order): each case's conditions, and
 * the negation of every earlier case with a different outcome. Numbers absent from the tables
 * get the default action in OCI runtimes (the IR's ENOSYS for them cannot be expressed; runc adds
 * its own ENOSYS handling for syscalls newer than the profile).
 *
 * OCI conditions compare whole 64-bit registers (libseccomp on 64-bit ABIs), while the IR's tests
 * with `width` compare only the bits the kernel reads (an `int` argument's low 32 bits). The
 * profile keeps the value as a C caller passes it (a negative value of a signed type
 * sign-extended, as libc's syscall wrappers do), so ordinary callers are decided alike; a caller
 * setting the upper bits on purpose can dodge the exported profile's conditions, not Cordon's own
 * filters. `masked_eq` with a mask of the argument's width is exact.
 *
 * @module
 */

import { type Arch, ARCHES } from "../policies/types.ts";
import { syscallArgSigned } from "../policies/syscall_arg_width.ts";
import type { ArgTest, FilterLayer, SyscallDecision } from "./filter_set.ts";
import { decisionReturnValue, unknownDecision } from "./seccomp.ts";
import { OciProfileError, SCMP_ARCH_NAMES } from "./oci_import.ts";
import {
  SECCOMP_RET_ACTION_FULL,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_DATA,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE,
  SECCOMP_RET_TRAP,
  SECCOMP_RET_USER_NOTIF,
} from "./sock_filter.ts";

/** One argument condition of an exported entry. */
export interface OciProfileArg {
  /** The argument, 0-5. */
  index: number;
  /** The compared value (for `SCMP_CMP_MASKED_EQ`, the mask). */
  value: number | bigint;
  /** For `SCMP_CMP_MASKED_EQ`: the value the masked argument must equal. */
  valueTwo?: number | bigint;
  /** `SCMP_CMP_*`. */
  op: string;
}

/** One `syscalls[]` entry of an exported profile. */
export interface OciProfileSyscall {
  /** The syscall names. */
  names: string[];
  /** `SCMP_ACT_*`. */
  action: string;
  /** The errno (or trace message) of the action. */
  errnoRet?: number;
  /** Conditions, all of which must hold. */
  args?: OciProfileArg[];
}

/** An exported profile (moby's format). */
export interface OciProfile {
  /** `SCMP_ACT_*` for calls no entry matches. */
  defaultAction: string;
  /** The errno of an `SCMP_ACT_ERRNO` default. */
  defaultErrnoRet?: number;
  /** The host architectures and their sub-architectures. */
  archMap: { architecture: string; subArchitectures: string[] }[];
  /** The entries. */
  syscalls: OciProfileSyscall[];
}

/** Options of {@linkcode exportOciProfile}. */
export interface OciExportOptions {
  /** Called with each approximation the export had to make. */
  readonly onWarning?: (message: string) => void;
}

const U64 = (1n << 64n) - 1n;

const NEGATION: Readonly<Record<string, ArgTest["op"]>> = {
  eq: "ne",
  ne: "eq",
  lt: "ge",
  ge: "lt",
  le: "gt",
  gt: "le",
};

const OCI_OPS: Readonly<Record<ArgTest["op"], string>> = {
  eq: "SCMP_CMP_EQ",
  ne: "SCMP_CMP_NE",
  lt: "SCMP_CMP_LT",
  le: "SCMP_CMP_LE",
  gt: "SCMP_CMP_GT",
  ge: "SCMP_CMP_GE",
  masked_eq: "SCMP_CMP_MASKED_EQ",
};

function ociAction(ret: number): { action: string; errnoRet?: number } {
  const action = (ret & SECCOMP_RET_ACTION_FULL) >>> 0;
  const data = ret & SECCOMP_RET_DATA;
  switch (action) {
    case SECCOMP_RET_ALLOW:
      return { action: "SCMP_ACT_ALLOW" };
    case SECCOMP_RET_LOG:
      return { action: "SCMP_ACT_LOG" };
    case SECCOMP_RET_USER_NOTIF:
      return { action: "SCMP_ACT_NOTIFY" };
    case SECCOMP_RET_ERRNO:
      return { action: "SCMP_ACT_ERRNO", errnoRet: data };
    case SECCOMP_RET_TRACE:
      return { action: "SCMP_ACT_TRACE", errnoRet: data };
    case SECCOMP_RET_TRAP:
      return { action: "SCMP_ACT_TRAP" };
    case SECCOMP_RET_KILL_THREAD:
      return { action: "SCMP_ACT_KILL_THREAD" };
    case SECCOMP_RET_KILL_PROCESS:
      return { action: "SCMP_ACT_KILL_PROCESS" };
  }
  throw new RangeError(`Unknown seccomp return value 0x${ret.toString(16)}`);
}

/**
 * Simplifies a conjunction to at most one test per argument (what one libseccomp rule can
 * hold): `null` when it can never hold. Comparisons on one argument are intersected as an
 * interval minus excluded points, then written back as one test when that is possible.
 */
function simplify(term: readonly ArgTest[], syscall: string): ArgTest[] | null {
  const byIndex = new Map<ArgTest["index"], ArgTest[]>();
  for (const t of term) byIndex.set(t.index, [...(byIndex.get(t.index) ?? []), t]);
  const out: ArgTest[] = [];
  for (const [index, tests] of byIndex) {
    const unique = [...new Map(tests.map((t) => [`${t.op}${t.value}/${t.mask}`, t])).values()];
    if (unique.length === 1) {
      out.push(unique[0]!);
      continue;
    }
    const unsupported = (): never => {
      throw new OciProfileError(
        "unsupported",
        `${syscall}: conditions ${
          unique.map((t) => `args[${index}] ${t.op} 0x${t.value.toString(16)}`).join(" and ")
        } cannot be one OCI rule (one comparison per argument)`,
      );
    };
    if (unique.some((t) => t.op === "masked_eq")) unsupported();
    let lo = 0n;
    let hi = U64;
    const excluded = new Set<bigint>();
    for (const t of unique) {
      const v = BigInt.asUintN(64, t.value);
      if (t.op === "eq") [lo, hi] = [lo > v ? lo : v, hi < v ? hi : v];
      else if (t.op === "ne") excluded.add(v);
      else if (t.op === "lt") hi = v === 0n ? -1n : (hi < v - 1n ? hi : v - 1n);
      else if (t.op === "le") hi = hi < v ? hi : v;
      else if (t.op === "gt") lo = v === U64 ? U64 + 1n : (lo > v + 1n ? lo : v + 1n);
      else lo = lo > v ? lo : v;
    }
    while (lo <= hi && excluded.has(lo)) lo++;
    while (lo <= hi && excluded.has(hi)) hi--;
    if (lo > hi) return null;
    const inside = [...excluded].filter((v) => v > lo && v < hi);
    if (inside.length > 0) {
      if (lo === 0n && hi === U64 && inside.length === 1) {
        out.push({ index, op: "ne", value: inside[0]! });
        continue;
      }
      unsupported();
    }
    if (lo === 0n && hi === U64) continue; // always holds
    if (lo === hi) out.push({ index, op: "eq", value: lo });
    else if (lo === 0n) out.push({ index, op: "le", value: hi });
    else if (hi === U64) out.push({ index, op: "ge", value: lo });
    else unsupported();
  }
  return out.sort((a, b) => a.index - b.index);
}

/** The disjoint conditional regions of one syscall: `[tests, return value][]`, plus otherwise. */
function regions(decision: SyscallDecision, defaultRet: number, syscall: string) {
  const cases = decision.cases.map((c) => ({
    tests: c.tests,
    ret: decisionReturnValue(c.decision),
  }));
  const otherwise = decisionReturnValue(decision.otherwise);
  const out: { tests: ArgTest[]; ret: number }[] = [];
  const negate = (t: ArgTest): ArgTest => {
    const op = NEGATION[t.op];
    const mask = t.mask ?? 0n;
    if (t.op === "masked_eq" && mask !== 0n && (mask & (mask - 1n)) === 0n) {
      // one bit: "not (arg & bit) == v" is "(arg & bit) == the other value"
      const negated: ArgTest = { index: t.index, op: "masked_eq", mask, value: t.value ^ mask };
      return t.width === undefined ? negated : { ...negated, width: t.width };
    }
    if (op === undefined) {
      throw new OciProfileError(
        "unsupported",
        `${syscall}: a masked_eq case followed by a case with another outcome needs "not ` +
          `masked_eq", which OCI profiles cannot express`,
      );
    }
    return t.width === undefined
      ? { index: t.index, op, value: t.value }
      : { index: t.index, op, value: t.value, width: t.width };
  };
  const regionOf = (tests: readonly ArgTest[], ret: number, upTo: number) => {
    let terms: ArgTest[][] = [[...tests]];
    for (let j = 0; j < upTo; j++) {
      const earlier = cases[j]!;
      if (earlier.ret === ret) continue;
      const next: ArgTest[][] = [];
      for (const term of terms) for (const t of earlier.tests) next.push([...term, negate(t)]);
      terms = next;
    }
    for (const term of terms) {
      const simple = simplify(term, syscall);
      if (simple !== null) out.push({ tests: simple, ret });
    }
  };
  cases.forEach((c, i) => {
    if (c.ret !== defaultRet && c.ret !== otherwise) regionOf(c.tests, c.ret, i);
  });
  if (otherwise !== defaultRet) {
    if (cases.every((c) => c.ret === otherwise)) {
      return { conditional: out, unconditional: otherwise };
    }
    regionOf([], otherwise, cases.length);
  } else {
    // cases returning the default need no rule of their own
  }
  // cases with the same outcome as `otherwise` (≠ default) are covered by its region
  return { conditional: out, unconditional: undefined };
}

function ociValue(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/**
 * The 64-bit value a C caller passes for `value` of a test on the low `width` bits: a negative
 * number of a signed type sign-extended (`AT_FDCWD` is `0xffff_ffff_ffff_ff9c`), else as is.
 */
function callerValue(test: ArgTest, signed: boolean): bigint {
  const value = BigInt.asUintN(64, test.value);
  if (test.width === undefined || !signed) return value;
  const w = BigInt(test.width);
  const negative = value < 1n << w && (value >> (w - 1n)) === 1n;
  return negative ? BigInt.asUintN(64, BigInt.asIntN(test.width, value)) : value;
}

function ociArg(test: ArgTest, signed = false): OciProfileArg {
  if (test.op === "masked_eq") {
    return {
      index: test.index,
      value: ociValue(BigInt.asUintN(64, test.mask ?? U64)),
      valueTwo: ociValue(BigInt.asUintN(64, test.value)),
      op: OCI_OPS.masked_eq,
    };
  }
  return {
    index: test.index,
    value: ociValue(callerValue(test, signed)),
    op: OCI_OPS[test.op],
  };
}

/**
 * Exports one layer of the IR as an OCI seccomp profile (moby's JSON format).
 *
 * @param layer The layer.
 * @param options Where to report approximations.
 * @returns The profile; serialise with {@linkcode formatOciProfile} (keeps 64-bit values exact).
 * @throws {OciProfileError} With code `"unsupported"` for argument cases OCI cannot express.
 *
 * @example
 * ```ts
 * import { exportOciProfile } from "./oci_export.ts";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const deny = { action: "deny", errno: 1, ruleId: null, policy: "p", loc } as const;
 * const allow = { action: "allow", ruleId: "r", policy: "p", loc } as const;
 * const profile = exportOciProfile({
 *   policy: "p", mode: "enforce", defaultAction: "deny", defaultErrno: 1, loc,
 *   arches: [{ arch: "x86_64", unknown: deny, syscalls: [
 *     { nr: 0, name: "read", cases: [], otherwise: allow },
 *     { nr: 1, name: "write", cases: [], otherwise: deny },
 *   ] }],
 * });
 * if (profile.syscalls[0]?.names[0] !== "read" || profile.defaultErrnoRet !== 1) throw new Error();
 * ```
 */
export function exportOciProfile(layer: FilterLayer, options: OciExportOptions = {}): OciProfile {
  const warn = options.onWarning ?? (() => {});
  const filters = ARCHES.map((arch) => layer.arches.find((f) => f.arch === arch))
    .filter((f) => f !== undefined);
  if (filters.length === 0) {
    throw new OciProfileError("unsupported", `Policy "${layer.policy}" has no architectures`);
  }
  const defaultRet = decisionReturnValue(
    unknownDecision(layer, filters[0]!, { enosysUnknown: false }),
  );
  const byName = new Map<string, { arch: Arch; decision: SyscallDecision }[]>();
  for (const filter of filters) {
    for (const decision of filter.syscalls) {
      if (decision.name === null) {
        if (decision.cases.length > 0 || decisionReturnValue(decision.otherwise) !== defaultRet) {
          warn(`${filter.arch} syscall number ${decision.nr} has no name: not exported`);
        }
        continue;
      }
      const list = byName.get(decision.name) ?? [];
      list.push({ arch: filter.arch, decision });
      byName.set(decision.name, list);
    }
  }

  const entries = new Map<string, OciProfileSyscall>();
  const add = (name: string, arch: Arch, ret: number, tests: readonly ArgTest[]) => {
    const args = tests.map((t) => ociArg(t, syscallArgSigned(name, arch, t.index) === true));
    const key = `${ret}|${JSON.stringify(args, (_k, v) => typeof v === "bigint" ? `${v}n` : v)}`;
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = { names: [], ...ociAction(ret) };
      if (args.length > 0) entry.args = args;
      entries.set(key, entry);
    }
    entry.names.push(name);
  };
  const structure = (d: SyscallDecision) =>
    JSON.stringify({
      // widths differ between ABIs (every i386 argument is 32-bit); OCI cannot express them
      cases: d.cases.map((c) => ({
        tests: c.tests.map(({ index, op, value, mask }) => ({ index, op, value, mask })),
        ret: decisionReturnValue(c.decision),
      })),
      otherwise: decisionReturnValue(d.otherwise),
    }, (_k, v) => typeof v === "bigint" ? `${v}n` : v);

  for (const name of [...byName.keys()].sort()) {
    const list = byName.get(name)!;
    const first = list[0]!;
    const differing = list.filter((e) => structure(e.decision) !== structure(first.decision));
    if (differing.length > 0) {
      warn(
        `${name}: ${differing.map((e) => e.arch).join(", ")} decide differently from ` +
          `${first.arch}; OCI entries apply by name on every architecture, ${first.arch}'s kept`,
      );
    }
    const { conditional, unconditional } = regions(first.decision, defaultRet, name);
    if (unconditional !== undefined) add(name, first.arch, unconditional, []);
    for (const region of conditional) add(name, first.arch, region.ret, region.tests);
  }

  const archMap: OciProfile["archMap"] = [];
  const has = (arch: Arch) => filters.some((f) => f.arch === arch);
  if (has("x86_64")) {
    archMap.push({
      architecture: SCMP_ARCH_NAMES.x86_64,
      subArchitectures: (["i386", "x32"] as Arch[]).filter(has).map((a) => SCMP_ARCH_NAMES[a]),
    });
  } else if (has("i386")) {
    archMap.push({ architecture: SCMP_ARCH_NAMES.i386, subArchitectures: [] });
  }
  if (has("aarch64")) {
    archMap.push({ architecture: SCMP_ARCH_NAMES.aarch64, subArchitectures: [] });
  }
  if (has("x32") && !has("x86_64")) {
    warn("x32 without x86_64 cannot be expressed in an archMap: x32 dropped");
  }

  const def = ociAction(defaultRet);
  const syscalls = [...entries.values()];
  return def.errnoRet === undefined
    ? { defaultAction: def.action, archMap, syscalls }
    : { defaultAction: def.action, defaultErrnoRet: def.errnoRet, archMap, syscalls };
}

/**
 * Serialises a profile as JSON with tab indentation (as Docker's file), writing 64-bit values
 * exactly (bigints as plain integers).
 *
 * @param profile The profile.
 * @returns The JSON text, ending in a newline.
 *
 * @example
 * ```ts
 * import { formatOciProfile } from "./oci_export.ts";
 * const text = formatOciProfile({
 *   defaultAction: "SCMP_ACT_ALLOW", archMap: [],
 *   syscalls: [{ names: ["ioctl"], action: "SCMP_ACT_ERRNO", errnoRet: 1,
 *     args: [{ index: 1, value: 18446744073709551615n, op: "SCMP_CMP_EQ" }] }],
 * });
 * if (!text.includes('"value": 18446744073709551615')) throw new Error(text);
 * ```
 */
export function formatOciProfile(profile: OciProfile): string {
  const marker = "__cordon_u64__:";
  const text = JSON.stringify(
    profile,
    (_key, value) => typeof value === "bigint" ? `${marker}${value}` : value,
    "\t",
  );
  return text.replace(new RegExp(`"${marker}(\\d+)"`, "g"), "$1") + "\n";
}
