/**
 * Export of one IR layer as an OCI seccomp profile (moby's format, with `archMap`), for Docker,
 * Podman, containerd or Kubernetes; `oci_runtime.ts` writes the same profile in the runtime
 * spec's `linux.seccomp` form and as a Security Profiles Operator `SeccompProfile`.
 *
 * Syscalls with the same outcome are grouped into one entry, as the Docker profile does. A
 * runtime ORs the entries of one syscall and libseccomp's precedence between overlapping
 * conditional rules is not the IR's first-match order, so each outcome's region (a case's
 * conditions minus every earlier case with another outcome) is written as disjoint rules of one
 * comparison per argument (`oci_regions.ts`). The regions are exact: a test on the low 32 bits
 * of an `int` argument, which is what the kernel reads, becomes a `SCMP_CMP_MASKED_EQ` on those
 * bits (or several, for `ne`, `lt` and the like), so a caller setting the upper bits on purpose
 * is decided as the kernel will read the call.
 *
 * Where the exact profile cannot be written, the export is the closest **stricter** profile,
 * never a looser one, and each change is reported (`onWarning`) at the deciding rule's
 * `FILE:LINE:COL`:
 *
 * - a syscall whose exact regions need more than `maxRulesPerSyscall` rules: first the regions
 *   looser than the default action are left to the default action; if that is not enough, the
 *   syscall gets its strictest outcome unconditionally;
 * - an entry applies by name on every architecture: where another architecture decides a name
 *   differently, the profile applies, argument by argument, the stricter of the decisions;
 * - numbers absent from the tables get the default action in OCI runtimes (the IR's ENOSYS for
 *   them is the same strictness; runc adds its own ENOSYS handling for newer syscalls).
 *
 * What no stricter profile can express is refused ({@linkcode OciProfileError} `"unsupported"`):
 * a syscall number without a name that the policy decides more strictly than the default.
 *
 * @module
 */

import { type Arch, ARCHES, type SourceLocation, strictness } from "../policies/types.ts";
import type { ArgTest, Decision, FilterLayer, SyscallDecision } from "./filter_set.ts";
import { decisionReturnValue, unknownDecision } from "./seccomp.ts";
import { OciProfileError, SCMP_ARCH_NAMES } from "./oci_import.ts";
import {
  type Box,
  BoxBudget,
  boxRules,
  type Comparison,
  conjunction,
  FULL_BOX,
  intersectSets,
  RegionTooLargeError,
  subtractSets,
  testAtoms,
} from "./oci_regions.ts";
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
import { formatLocation } from "../policies/types.ts";

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

/** One approximation or limitation of an export, as {@linkcode OciExportOptions.onWarning} gets it. */
export interface OciExportWarning {
  /**
   * `"stricter"`: a region was replaced by a stricter one (too many rules); `"arch-differs"`:
   * architectures decide a name differently and the stricter decision applies to all;
   * `"unnamed"`: a syscall number without a name gets the default action (never looser);
   * `"arch-dropped"`: an architecture the archMap cannot hold.
   */
  readonly code: "stricter" | "arch-differs" | "unnamed" | "arch-dropped";
  /** What changed, without the location. */
  readonly message: string;
  /** The deciding rule's location, where one rule is concerned. */
  readonly loc?: SourceLocation;
  /** The syscall concerned. */
  readonly syscall?: string;
}

/** Options of {@linkcode exportOciProfile}. */
export interface OciExportOptions {
  /**
   * Called with each approximation the export had to make: the message starts with the rule's
   * `FILE:LINE:COL: ` where one rule is concerned.
   */
  readonly onWarning?: (message: string, warning: OciExportWarning) => void;
  /**
   * The most rules one syscall's conditional entries may take before the export falls back to a
   * stricter, shorter form (default 256).
   */
  readonly maxRulesPerSyscall?: number;
}

const U32 = 0xffff_ffffn;

/** How many box intersections one syscall's regions may take before they count as too large. */
const BOX_BUDGET = 1_000_000;

const OCI_OPS: Readonly<Record<Comparison["op"], string>> = {
  eq: "SCMP_CMP_EQ",
  ne: "SCMP_CMP_NE",
  le: "SCMP_CMP_LE",
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

/** An outcome and the argument vectors it applies to; pieces of different outcomes are disjoint. */
interface Piece {
  readonly boxes: readonly Box[];
  readonly ret: number;
  /** The decision that produced it (its rule and location). */
  readonly decision: Decision;
}

/** How strict a return value's action is (the kernel's precedence), for comparisons. */
function retStrictness(decision: Decision): number {
  return strictness(decision.action);
}

/**
 * One syscall's decision as pieces covering every argument vector: each case's conditions minus
 * the earlier cases with another outcome, and `otherwise` minus every case with another outcome.
 */
function pieces(decision: SyscallDecision, budget: BoxBudget): Piece[] {
  const cases = decision.cases.map((c) => ({
    boxes: conjunction(c.tests, budget),
    ret: decisionReturnValue(c.decision),
    decision: c.decision,
  }));
  const out: Piece[] = [];
  const regionOf = (boxes: readonly Box[], ret: number, upTo: number): Box[] => {
    let region = [...boxes];
    for (let j = 0; j < upTo && region.length > 0; j++) {
      if (cases[j]!.ret !== ret) region = subtractSets(region, cases[j]!.boxes, budget);
    }
    return region;
  };
  cases.forEach((c, i) => {
    const boxes = regionOf(c.boxes, c.ret, i);
    if (boxes.length > 0) out.push({ boxes, ret: c.ret, decision: c.decision });
  });
  const otherwise = decisionReturnValue(decision.otherwise);
  const rest = regionOf([FULL_BOX], otherwise, cases.length);
  if (rest.length > 0) out.push({ boxes: rest, ret: otherwise, decision: decision.otherwise });
  return out;
}

/** Pointwise the stricter of two decisions given as pieces (the first's where equally strict). */
function stricterOf(a: readonly Piece[], b: readonly Piece[], budget: BoxBudget): Piece[] {
  const out: Piece[] = [];
  for (const pa of a) {
    for (const pb of b) {
      const boxes = intersectSets(pa.boxes, pb.boxes, budget);
      if (boxes.length === 0) continue;
      const pick = retStrictness(pb.decision) > retStrictness(pa.decision) ? pb : pa;
      out.push({ boxes, ret: pick.ret, decision: pick.decision });
    }
  }
  return out;
}

/** What decides the same on every argument vector compares equal (a test's exact value set). */
function semantics(d: SyscallDecision, widths: boolean): string {
  const test = (t: ArgTest) =>
    widths
      ? { index: t.index, atoms: testAtoms(t) }
      : { index: t.index, op: t.op, value: t.value, mask: t.mask };
  return JSON.stringify({
    cases: d.cases.map((c) => ({ tests: c.tests.map(test), ret: decisionReturnValue(c.decision) })),
    otherwise: decisionReturnValue(d.otherwise),
  }, (_k, v) => typeof v === "bigint" ? `${v}n` : v);
}

/** A rule: `[index, comparison]` per constrained argument, in index order. */
type Rule = [number, Comparison][];

function ruleKey(rule: Rule): string {
  return rule.map(([i, c]) => `${i}:${c.op}:${c.value}:${c.valueTwo ?? ""}`).join("|");
}

/** Rules that differ only in `arg <= v - 1` / `arg >= v + 1` on one argument, merged into `!= v`. */
function mergeNotEqual(rules: Rule[]): Rule[] {
  // each half, as [rule, position], keyed by the rest of its rule and the value it leaves out
  const halves = new Map<string, { le?: [number, number]; ge?: [number, number] }>();
  rules.forEach((rule, r) => {
    rule.forEach(([index, c], k) => {
      if (c.op !== "le" && c.op !== "ge") return;
      const gap = c.op === "le" ? c.value + 1n : c.value - 1n;
      const key = `${ruleKey(rule.filter((_, j) => j !== k))}#${index}#${gap}`;
      const pair = halves.get(key) ?? {};
      pair[c.op] ??= [r, k];
      halves.set(key, pair);
    });
  });
  const out: (Rule | undefined)[] = [...rules];
  const merged = new Set<number>(); // each rule takes part in one merge at most
  for (const { le, ge } of halves.values()) {
    if (le === undefined || ge === undefined) continue;
    const [r, k] = le;
    if (merged.has(r) || merged.has(ge[0])) continue;
    merged.add(r).add(ge[0]);
    const rule = out[r]!;
    const [index, c] = rule[k]!;
    const ne: Rule = [...rule];
    ne[k] = [index, { op: "ne", value: c.value + 1n }];
    out[r] = ne;
    out[ge[0]] = undefined;
  }
  return out.filter((r) => r !== undefined);
}

/** The rules of the pieces that differ from the default, deduplicated, by return value. */
function piecesRules(list: readonly Piece[], defaultRet: number): Map<number, Rule[]> {
  const byRet = new Map<number, Map<string, Rule>>();
  for (const piece of list) {
    if (piece.ret === defaultRet) continue;
    const rules = byRet.get(piece.ret) ?? new Map<string, Rule>();
    for (const box of piece.boxes) for (const rule of boxRules(box)) rules.set(ruleKey(rule), rule);
    byRet.set(piece.ret, rules);
  }
  const out = new Map<number, Rule[]>();
  for (const [ret, rules] of byRet) {
    const list = [...rules.values()];
    // an unconditional rule for a syscall replaces its conditional ones in libseccomp: keep it alone
    out.set(ret, list.some((r) => r.length === 0) ? [[]] : mergeNotEqual(list));
  }
  return out;
}

function countRules(rules: Map<number, Rule[]>): number {
  let n = 0;
  for (const list of rules.values()) n += list.length;
  return n;
}

function describeDecision(d: Decision): string {
  const what = d.errno === undefined || d.action !== "deny" ? d.action : `deny (errno ${d.errno})`;
  return d.ruleId === null ? `the default action ${what}` : `rule "${d.ruleId}" (${what})`;
}

function ociValue(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function ociArg([index, c]: [number, Comparison]): OciProfileArg {
  return c.valueTwo === undefined
    ? { index, value: ociValue(c.value), op: OCI_OPS[c.op] }
    : { index, value: ociValue(c.value), valueTwo: ociValue(c.valueTwo), op: OCI_OPS[c.op] };
}

/**
 * Exports one layer of the IR as an OCI seccomp profile (moby's JSON format). The profile
 * decides every call as the layer does, or, where that cannot be written, more strictly (each
 * such change reported through `onWarning`, at the rule's `FILE:LINE:COL`).
 *
 * @param layer The layer.
 * @param options Where to report approximations; the size limit per syscall.
 * @returns The profile; serialise with {@linkcode formatOciProfile} (keeps 64-bit values exact).
 * @throws {OciProfileError} With code `"unsupported"` for a layer without architectures, or a
 *   syscall number without a name that the layer decides more strictly than its default.
 *
 * @example
 * ```ts
 * import { exportOciProfile } from "@cordon/cordon";
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
  const report = options.onWarning ?? (() => {});
  const reported = new Set<string>();
  const warn = (warning: OciExportWarning) => {
    const text = warning.loc === undefined
      ? warning.message
      : `${formatLocation(warning.loc)}: ${warning.message}`;
    if (reported.has(text)) return;
    reported.add(text);
    report(text, warning);
  };
  const maxRules = options.maxRulesPerSyscall ?? 256;
  const filters = ARCHES.map((arch) => layer.arches.find((f) => f.arch === arch))
    .filter((f) => f !== undefined);
  if (filters.length === 0) {
    throw new OciProfileError("unsupported", `Policy "${layer.policy}" has no architectures`);
  }
  const defaultDecision = unknownDecision(layer, filters[0]!, { enosysUnknown: false });
  const defaultRet = decisionReturnValue(defaultDecision);
  const defaultStrictness = retStrictness(defaultDecision);
  const byName = new Map<string, { arch: Arch; decision: SyscallDecision }[]>();
  for (const filter of filters) {
    for (const decision of filter.syscalls) {
      if (decision.name === null) {
        const decisions = [...decision.cases.map((c) => c.decision), decision.otherwise];
        const stricter = decisions.find((d) => retStrictness(d) > defaultStrictness);
        if (stricter !== undefined) {
          throw new OciProfileError(
            "unsupported",
            `${
              formatLocation(stricter.loc)
            }: ${filter.arch} syscall number ${decision.nr} has no name, and ` +
              `OCI profiles name syscalls: ${describeDecision(stricter)} cannot be exported, and ` +
              `the default action would be looser`,
          );
        }
        if (decisions.some((d) => decisionReturnValue(d) !== defaultRet)) {
          warn({
            code: "unnamed",
            message: `${filter.arch} syscall number ${decision.nr} has no name: it gets the ` +
              `default action, which is at least as strict`,
          });
        }
        continue;
      }
      const list = byName.get(decision.name) ?? [];
      list.push({ arch: filter.arch, decision });
      byName.set(decision.name, list);
    }
  }

  const entries = new Map<string, OciProfileSyscall>();
  // libseccomp compares only the low 32 bits of arguments and values on i386 and x32: a value
  // beyond 32 bits is cut on both, and a comparison the upper bits of an argument decide (all
  // but a masked_eq on the low 32 bits) is cut on x32, whose registers are 64-bit
  let wide: { name: string; loc: SourceLocation } | undefined;
  let upper: { name: string; loc: SourceLocation } | undefined;
  const add = (name: string, ret: number, rule: Rule) => {
    const args = rule.map(ociArg);
    const key = `${ret}|${JSON.stringify(args, (_k, v) => typeof v === "bigint" ? `${v}n` : v)}`;
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = { names: [], ...ociAction(ret) };
      if (args.length > 0) entry.args = args;
      entries.set(key, entry);
    }
    entry.names.push(name);
  };

  for (const name of [...byName.keys()].sort()) {
    const list = byName.get(name)!;
    const first = list[0]!;
    const firstSemantics = new Map<boolean, string>();
    const differing = list.filter((e) => {
      if (e === first) return false;
      if (e.decision.cases.length === 0 && first.decision.cases.length === 0) {
        return decisionReturnValue(e.decision.otherwise) !==
          decisionReturnValue(first.decision.otherwise);
      }
      // i386 arguments are zero-extended 32-bit values: the tests' widths do not matter there
      const widths = e.arch !== "i386" && first.arch !== "i386";
      if (!firstSemantics.has(widths)) {
        firstSemantics.set(widths, semantics(first.decision, widths));
      }
      return semantics(e.decision, widths) !== firstSemantics.get(widths);
    });
    const budget = new BoxBudget(BOX_BUDGET);
    const allDecisions = list.flatMap((e) => [
      ...e.decision.cases.map((c) => c.decision),
      e.decision.otherwise,
    ]);
    let rules: Map<number, Rule[]> | undefined;
    let computed: Piece[] | undefined;
    try {
      computed = pieces(first.decision, budget);
      for (const e of differing) {
        computed = stricterOf(computed, pieces(e.decision, budget), budget);
      }
      rules = piecesRules(computed, defaultRet);
    } catch (error) {
      if (!(error instanceof RegionTooLargeError)) throw error;
    }
    if (differing.length > 0) {
      warn({
        code: "arch-differs",
        syscall: name,
        loc: first.decision.otherwise.loc,
        message: `${name}: ${differing.map((e) => e.arch).join(", ")} decide differently from ` +
          `${first.arch}; OCI entries apply by name on every architecture, so the profile ` +
          `applies the stricter decision of ${
            [first, ...differing].map((e) => e.arch).join(" and ")
          } ` +
          `to every call (compile with --arch to leave an architecture out)`,
      });
    }
    const size = rules === undefined ? Infinity : countRules(rules);
    if (rules !== undefined && size > maxRules && computed !== undefined) {
      // first, outcomes as strict as the default action (another errno) may become it; then
      // outcomes looser than the default action may fall to it too
      const sameStrictness = computed.filter((p) =>
        p.ret !== defaultRet && retStrictness(p.decision) === defaultStrictness
      );
      const looser = computed.filter((p) =>
        p.ret !== defaultRet && retStrictness(p.decision) < defaultStrictness
      );
      rules = undefined;
      for (const given of [sameStrictness, [...sameStrictness, ...looser]]) {
        if (given.length === 0) continue;
        const fewer = piecesRules(computed.filter((p) => !given.includes(p)), defaultRet);
        if (countRules(fewer) > maxRules) continue;
        for (const p of given) {
          warn({
            code: "stricter",
            syscall: name,
            loc: p.decision.loc,
            message: `${name}: written exactly, its outcomes take ${size} OCI rules (more ` +
              `than ${maxRules}): the calls ${describeDecision(p.decision)} decides get ` +
              `${describeDecision(defaultDecision)} instead (${
                retStrictness(p.decision) === defaultStrictness
                  ? "as strict, another errno"
                  : "stricter"
              })`,
          });
        }
        rules = fewer;
        break;
      }
    }
    if (rules === undefined || countRules(rules) > maxRules) {
      // the syscall's strictest outcome, unconditionally
      const strictest = allDecisions.reduce((a, b) => retStrictness(b) > retStrictness(a) ? b : a);
      const ret = retStrictness(strictest) > defaultStrictness
        ? decisionReturnValue(strictest)
        : defaultRet;
      const chosen = ret === defaultRet ? defaultDecision : strictest;
      for (const d of allDecisions) {
        if (decisionReturnValue(d) === ret) continue;
        warn({
          code: "stricter",
          syscall: name,
          loc: d.loc,
          message:
            `${name}: written exactly, its outcomes take ${
              size === Infinity ? "too many" : size
            } OCI rules (more than ${maxRules}): every ${name} call gets ` +
            `${describeDecision(chosen)}, also those ${describeDecision(d)} decides (stricter)`,
        });
      }
      rules = new Map(ret === defaultRet ? [] : [[ret, [[]]]]);
    }
    for (const [ret, list] of [...rules].sort(([a], [b]) => a - b)) {
      for (const rule of list) {
        add(name, ret, rule);
        const d = () =>
          (allDecisions.find((d) => decisionReturnValue(d) === ret) ?? first.decision.otherwise)
            .loc;
        if (wide === undefined && rule.some(([, c]) => c.value > U32 || (c.valueTwo ?? 0n) > U32)) {
          wide = { name, loc: d() };
        }
        if (upper === undefined && rule.some(([, c]) => c.op !== "masked_eq" || c.value > U32)) {
          upper = { name, loc: d() };
        }
      }
    }
  }

  const archMap: OciProfile["archMap"] = [];
  const has = (arch: Arch) => filters.some((f) => f.arch === arch);
  if (has("x86_64")) {
    const subArches = (["i386", "x32"] as Arch[]).filter(has);
    const drop = (arch: Arch, why: { name: string; loc: SourceLocation }, what: string) => {
      if (!subArches.includes(arch)) return;
      subArches.splice(subArches.indexOf(arch), 1);
      warn({
        code: "arch-dropped",
        syscall: why.name,
        loc: why.loc,
        message: `${why.name}: ${what}, which libseccomp compares on the low 32 bits only on ` +
          `${arch}: the profile leaves ${arch} out of its archMap (its calls get libseccomp's ` +
          `bad-architecture action, a kill unless the runtime sets another)`,
      });
    };
    if (wide !== undefined) {
      drop("i386", wide, "a condition has a value beyond 32 bits");
      drop("x32", wide, "a condition has a value beyond 32 bits");
    }
    if (upper !== undefined) {
      drop("x32", upper, "a condition depends on the upper bits of an argument");
    }
    archMap.push({
      architecture: SCMP_ARCH_NAMES.x86_64,
      subArchitectures: subArches.map((a) => SCMP_ARCH_NAMES[a]),
    });
  } else if (has("i386")) {
    archMap.push({ architecture: SCMP_ARCH_NAMES.i386, subArchitectures: [] });
  }
  if (has("aarch64")) {
    archMap.push({ architecture: SCMP_ARCH_NAMES.aarch64, subArchitectures: [] });
  }
  if (has("x32") && !has("x86_64")) {
    warn({
      code: "arch-dropped",
      message: "x32 without x86_64 cannot be expressed in an archMap: x32 dropped (runtimes " +
        "kill calls of architectures a profile does not list)",
    });
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
 * import { formatOciProfile } from "@cordon/cordon";
 * const text = formatOciProfile({
 *   defaultAction: "SCMP_ACT_ALLOW", archMap: [],
 *   syscalls: [{ names: ["ioctl"], action: "SCMP_ACT_ERRNO", errnoRet: 1,
 *     args: [{ index: 1, value: 18446744073709551615n, op: "SCMP_CMP_EQ" }] }],
 * });
 * if (!text.includes('"value": 18446744073709551615')) throw new Error(text);
 * ```
 */
export function formatOciProfile(profile: OciProfile): string {
  return exactJson(profile);
}

/**
 * JSON with tab indentation in which bigints are written as plain integers, exactly (what
 * runtimes read as `uint64`), for the profile shapes of `oci_runtime.ts`.
 *
 * @param value The value.
 * @returns The JSON text, ending in a newline.
 *
 * @example
 * ```ts
 * import { exactJson } from "./oci_export.ts";
 * if (exactJson({ v: 1n << 63n }) !== '{\n\t"v": 9223372036854775808\n}\n') throw new Error();
 * ```
 */
export function exactJson(value: unknown): string {
  const marker = "__cordon_u64__:";
  const text = JSON.stringify(
    value,
    (_key, v) => typeof v === "bigint" ? `${marker}${v}` : v,
    "\t",
  );
  return text.replace(new RegExp(`"${marker}(\\d+)"`, "g"), "$1") + "\n";
}
