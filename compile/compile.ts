/**
 * The compiler: resolved policies in, a {@linkcode FilterSet} (the IR) out. Pure and deterministic.
 *
 * Resolution inside one policy follows the policy format: among the rules that match a call, the
 * highest `priority` wins, at equal priority the strictest action
 * (`kill > kill_thread > trap > deny > notify > trace > log > allow`), and at equal priority and
 * action the rule written first. If no rule matches, the policy's `defaultAction`. The compiler
 * realises this as first-match over the rules of each syscall sorted in that order: rules with
 * argument conditions become {@linkcode ArgCase}s, and the first unconditional rule becomes
 * `otherwise` and ends the list.
 *
 * @module
 */

import {
  type Action,
  type Arch,
  ARCHES,
  type ResolvedPolicy,
  type Rule,
  strictness,
} from "../policies/types.ts";
import { syscallTable, X32_SYSCALL_BIT } from "../policies/syscalls.ts";
import { syscallArgWidth } from "../policies/syscall_arg_width.ts";
import { impliedRules } from "./implied_rules.ts";
import type {
  ArchFilter,
  ArgCase,
  ArgTest,
  Decision,
  FilterLayer,
  FilterSet,
  SyscallDecision,
} from "./filter_set.ts";

/** Options of {@linkcode compilePolicies}. */
export interface CompileOptions {
  /** The architectures to compile for, listed in {@linkcode ARCHES} order whatever the order given. Default: all. */
  readonly arches?: readonly Arch[];
  /**
   * What numbers absent from an architecture's table (syscalls newer than the tables) get:
   * `"enosys"` (the default) denies them with `ENOSYS` when the default action is `deny` or
   * stricter, so that libc falls back to older syscalls instead of the process being killed;
   * `"default"` gives them the policy's default decision.
   */
  readonly unknownSyscalls?: "enosys" | "default";
}

/** `ENOSYS` on every architecture Cordon supports. */
export const ENOSYS = 38;

const U64_MAX = (1n << 64n) - 1n;
const AUDITED_ACTIONS: ReadonlySet<Action> = new Set(["deny", "kill", "kill_thread", "trap"]);

/** A rule's place in the first-match order, with its index in the policy for stable ties. */
interface Candidate {
  readonly rule: Rule;
  readonly index: number;
  readonly strictness: number;
}

/**
 * Compiles resolved policies into a filter set: one layer per policy, in the order given, each
 * with one {@linkcode ArchFilter} per architecture.
 *
 * Syscall names resolve through each architecture's table; a name the architecture lacks is
 * skipped there. Numbers are per-architecture raw numbers, except on `x32`, where a number below
 * `0x40000000` (`X32_SYSCALL_BIT`) has the bit OR'ed in: `{ nr: 0 }` means x32 `read`, which the
 * kernel reports as `0x40000000`. Every number of an architecture's table is listed, plus the
 * numbers a policy names that the table lacks.
 *
 * `deny` without an errno returns the policy's `defaultErrno`. In `audit` mode `deny`, `kill`,
 * `kill_thread` and `trap` compile to `log`, with the action that would have applied in
 * `audited` (and, for `deny`, its errno kept in `errno`).
 *
 * Conditions on an argument the kernel reads as a 32-bit (or 16-bit) C type on an architecture
 * (`int`, `pid_t`, `umode_t`, …; every argument on `i386`) become tests with
 * {@linkcode ArgTest.width} that compare only those low bits, as the kernel would read them: the
 * value and mask are reduced to them. A value that fits neither unsigned nor as a sign-extended
 * negative number of that width makes `eq` and `masked_eq` impossible, `ne` always true, `lt`
 * and `le` always true and `gt` and `ge` impossible (`lintPolicies` reports it as an error).
 * Arguments of unknown type are compared on all 64 bits.
 *
 * Cases that can never decide are left out: a case with a condition no argument value satisfies,
 * and a case whose conditions include all of an earlier case's (the earlier one always matches
 * first). A case whose conditions always hold is an unconditional rule and ends the list.
 *
 * @param policies The layers, as `resolvePolicies` returns them.
 * @param options Architectures and the treatment of unknown syscall numbers.
 * @returns The IR, sharing one {@linkcode Decision} object per rule and layer default.
 * @throws {RangeError} For an architecture Cordon does not know.
 *
 * @example
 * ```ts
 * import { compilePolicies } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const set = compilePolicies([{
 *   name: "p", defaultAction: "allow", defaultErrno: 1, mode: "enforce", loc,
 *   rules: [{
 *     id: "no-ptrace", policy: "p", origin: "rule", action: "kill", priority: 0, args: [], loc,
 *     syscalls: [{ kind: "name", name: "ptrace", loc }],
 *   }],
 * }], { arches: ["x86_64"] });
 * const ptrace = set.layers[0]!.arches[0]!.syscalls.find((s) => s.name === "ptrace")!;
 * if (ptrace.otherwise.action !== "kill" || ptrace.otherwise.ruleId !== "no-ptrace") throw new Error();
 * ```
 */
export function compilePolicies(
  policies: readonly ResolvedPolicy[],
  options: CompileOptions = {},
): FilterSet {
  const wanted = options.arches ?? ARCHES;
  for (const arch of wanted) {
    if (!ARCHES.includes(arch)) {
      throw new RangeError(`Unknown architecture "${arch}"; expected one of ${ARCHES.join(", ")}`);
    }
  }
  const arches = ARCHES.filter((arch) => wanted.includes(arch));
  const unknownSyscalls = options.unknownSyscalls ?? "enosys";
  return {
    version: 1,
    layers: policies.map((policy) => compileLayer(policy, arches, unknownSyscalls)),
  };
}

/**
 * Whether two decisions have the same effect on the call (action, errno, audited action),
 * whichever rule made them. Emitters that only care about the effect (seccomp) use it to merge.
 *
 * @example
 * ```ts
 * import { sameEffect } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const a = { action: "deny", errno: 1, ruleId: "a", policy: "p", loc } as const;
 * const b = { action: "deny", errno: 1, ruleId: "b", policy: "p", loc } as const;
 * if (!sameEffect(a, b)) throw new Error("same action and errno");
 * ```
 */
export function sameEffect(a: Decision, b: Decision): boolean {
  return a.action === b.action && a.errno === b.errno && a.audited === b.audited;
}

function compileLayer(
  policy: ResolvedPolicy,
  arches: readonly Arch[],
  unknownSyscalls: "enosys" | "default",
): FilterLayer {
  const ruleDecisions = new Map<Rule, Decision>();
  const decide = (rule: Rule): Decision => {
    let decision = ruleDecisions.get(rule);
    if (decision === undefined) {
      decision = makeDecision(policy, rule.action, rule.errno, rule.id, rule.loc);
      ruleDecisions.set(rule, decision);
    }
    return decision;
  };
  const fallback = makeDecision(policy, policy.defaultAction, undefined, null, policy.loc);
  const unknown = unknownSyscalls === "enosys" &&
      strictness(policy.defaultAction) >= strictness("deny")
    ? makeDecision(policy, "deny", ENOSYS, null, policy.loc)
    : fallback;
  const candidates = policy.rules.map((rule, index): Candidate => ({
    rule,
    index,
    strictness: strictness(rule.action),
  }));
  const testsOf = ruleTestsCache();

  const layer: {
    -readonly [K in keyof FilterLayer]: FilterLayer[K];
  } = {
    policy: policy.name,
    mode: policy.mode,
    defaultAction: policy.defaultAction,
    defaultErrno: policy.defaultErrno,
    arches: arches.map((arch) =>
      compileArch(
        arch,
        [...candidates, ...impliedCandidates(policy, arch)],
        testsOf,
        decide,
        fallback,
        unknown,
      )
    ),
    loc: policy.loc,
  };
  if (policy.target !== undefined) layer.target = policy.target;
  if (policy.filesystem !== undefined) layer.filesystem = policy.filesystem;
  if (policy.network !== undefined) layer.network = policy.network;
  if (policy.limits !== undefined) layer.limits = policy.limits;
  if (policy.privileges !== undefined) layer.privileges = policy.privileges;
  if (policy.memory !== undefined) layer.memory = policy.memory;
  return layer;
}

/** The rules `policy` implies on `arch` (`implied_rules.ts`), ordered after its own. */
function impliedCandidates(policy: ResolvedPolicy, arch: Arch): Candidate[] {
  return impliedRules(policy, arch).map((rule, i): Candidate => ({
    rule,
    index: policy.rules.length + i,
    strictness: strictness(rule.action),
  }));
}

function compileArch(
  arch: Arch,
  candidates: readonly Candidate[],
  testsOf: RuleTestsOf,
  decide: (rule: Rule) => Decision,
  fallback: Decision,
  unknown: Decision,
): ArchFilter {
  const table = syscallTable(arch);
  const bit = arch === "x32" ? X32_SYSCALL_BIT : 0;
  const names = new Map<number, string | null>();
  for (const [nr, name] of table.byNumber) names.set((nr | bit) >>> 0, name);

  const byNr = new Map<number, Candidate[]>();
  for (const candidate of candidates) {
    for (const ref of candidate.rule.syscalls) {
      let nr: number | undefined;
      if (ref.kind === "name") {
        nr = table.byName.get(ref.name);
        if (nr === undefined) continue; // not on this architecture
        nr = (nr | bit) >>> 0;
      } else {
        nr = bit !== 0 && ref.nr >= 0 && ref.nr < bit ? (ref.nr | bit) >>> 0 : ref.nr;
        if (!names.has(nr)) names.set(nr, null);
      }
      let list = byNr.get(nr);
      if (list === undefined) byNr.set(nr, list = []);
      if (list[list.length - 1] !== candidate) list.push(candidate);
    }
  }

  const numbers = [...names.keys()].sort((a, b) => a - b);
  const syscalls = numbers.map((nr): SyscallDecision => {
    const name = names.get(nr) ?? null;
    const list = byNr.get(nr);
    if (list === undefined) return { nr, name, cases: [], otherwise: fallback };
    if (list.length > 1) list.sort(firstMatchOrder);
    const cases: ArgCase[] = [];
    const shadows = new ShadowIndex();
    let otherwise = fallback;
    for (const { rule } of list) {
      const tests = testsOf(rule, arch, name);
      if (tests === null) continue; // can never match
      if (tests.length === 0) {
        otherwise = decide(rule);
        break;
      }
      if (shadows.shadowed(tests)) continue;
      shadows.add(tests);
      cases.push({ tests, decision: decide(rule), priority: rule.priority });
    }
    return { nr, name, cases, otherwise };
  });
  return { arch, syscalls, unknown };
}

/**
 * The cases kept so far for one syscall, indexed by their first test, to find in near-constant
 * time whether a new case's tests include all of an earlier case's (it could then never decide).
 */
class ShadowIndex {
  readonly #byFirst = new Map<string, string[][]>();

  shadowed(tests: readonly ArgTest[]): boolean {
    const keys = tests.map(testKeyOf);
    const own = new Set(keys);
    for (const key of keys) {
      for (const earlier of this.#byFirst.get(key) ?? []) {
        if (earlier.every((k) => own.has(k))) return true;
      }
    }
    return false;
  }

  add(tests: readonly ArgTest[]): void {
    const keys = tests.map(testKeyOf);
    const first = keys[0]!;
    const list = this.#byFirst.get(first);
    if (list === undefined) this.#byFirst.set(first, [keys]);
    else list.push(keys);
  }
}

/** Priority descending, then strictness descending, then the order the rules were written. */
function firstMatchOrder(a: Candidate, b: Candidate): number {
  return b.rule.priority - a.rule.priority || b.strictness - a.strictness || a.index - b.index;
}

function makeDecision(
  policy: ResolvedPolicy,
  action: Action,
  errno: number | undefined,
  ruleId: string | null,
  loc: Decision["loc"],
): Decision {
  const decision: { -readonly [K in keyof Decision]: Decision[K] } = {
    action,
    ruleId,
    policy: policy.name,
    loc,
  };
  if (action === "deny") decision.errno = errno ?? policy.defaultErrno;
  if (policy.mode === "audit" && AUDITED_ACTIONS.has(action)) {
    decision.action = "log";
    decision.audited = action;
  }
  return decision;
}

/** A rule's tests for one syscall on one architecture (`null`: they can never all hold). */
type RuleTestsOf = (rule: Rule, arch: Arch, name: string | null) => ArgTest[] | null;

/**
 * {@linkcode ruleTests} for each rule, syscall and architecture, computed once per distinct set
 * of argument widths (most rules test arguments of one type on every syscall they name).
 */
function ruleTestsCache(): RuleTestsOf {
  const cache = new Map<Rule, Map<string, ArgTest[] | null>>();
  return (rule, arch, name) => {
    const widths = rule.args.map((c) => syscallArgWidth(name, arch, c.index) ?? 64);
    const key = widths.join(",");
    let byWidths = cache.get(rule);
    if (byWidths === undefined) cache.set(rule, byWidths = new Map());
    let tests = byWidths.get(key);
    if (tests === undefined && !byWidths.has(key)) {
      tests = ruleTests(rule, widths);
      byWidths.set(key, tests);
    }
    return tests ?? null;
  };
}

/**
 * Whether `value` (unsigned 64-bit) is a number of `width` bits: below `2^width`, or a negative
 * one sign-extended to 64 bits (`-1` is `0xffff_ffff` as an `int`).
 *
 * @param value The value, as written in a policy (taken modulo 2^64).
 * @param width The width the kernel reads.
 * @returns Whether the argument can hold it.
 *
 * @example
 * ```ts
 * import { fitsWidth } from "@cordon/cordon";
 * if (!fitsWidth(-1n, 32) || !fitsWidth(0xffff_ffffn, 32)) throw new Error("32-bit values");
 * if (fitsWidth(1n << 32n, 32) || fitsWidth(0x8000_0000_0000_0000n, 32)) throw new Error("wider");
 * ```
 */
export function fitsWidth(value: bigint, width: 16 | 32 | 64): boolean {
  const v = BigInt.asUintN(64, value);
  const w = BigInt(width);
  return width === 64 || v < 1n << w || v >= (1n << 64n) - (1n << (w - 1n));
}

/**
 * A rule's conditions as normalised tests, given the width the kernel reads of each condition's
 * argument: `null` when some condition can never hold, tests that always hold dropped (so an
 * always-true rule has no tests), duplicates removed, sorted.
 */
function ruleTests(rule: Rule, widths: readonly (16 | 32 | 64)[]): ArgTest[] | null {
  const tests: ArgTest[] = [];
  const seen = new Set<string>();
  for (const [i, condition] of rule.args.entries()) {
    const width = widths[i] ?? 64;
    const { op } = condition;
    const max = width === 64 ? U64_MAX : (1n << BigInt(width)) - 1n;
    let truth: boolean | undefined;
    if (!fitsWidth(condition.value, width)) {
      // the argument holds no such value: it is below it, and never equal to it
      truth = op === "ne" || op === "lt" || op === "le";
    }
    const value = BigInt.asUintN(64, condition.value) & max;
    const mask = op === "masked_eq"
      ? BigInt.asUintN(64, condition.mask ?? U64_MAX) & max
      : undefined;
    truth ??= constantTruth(op, value, mask, max);
    if (truth === false) return null;
    if (truth === true) continue;
    const test: { -readonly [K in keyof ArgTest]: ArgTest[K] } = {
      index: condition.index,
      op,
      value,
    };
    if (mask !== undefined) test.mask = mask;
    if (width !== 64) test.width = width;
    const key = testKeyOf(test);
    if (seen.has(key)) continue;
    seen.add(key);
    tests.push(test);
  }
  return tests.sort((a, b) => {
    const ka = testKeyOf(a);
    const kb = testKeyOf(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/**
 * `true`/`false` when a test's outcome does not depend on the argument (whose largest value is
 * `max`), else `undefined`.
 */
function constantTruth(
  op: ArgTest["op"],
  value: bigint,
  mask: bigint | undefined,
  max: bigint,
): boolean | undefined {
  switch (op) {
    case "lt":
      return value === 0n ? false : undefined;
    case "ge":
      return value === 0n ? true : undefined;
    case "gt":
      return value === max ? false : undefined;
    case "le":
      return value === max ? true : undefined;
    case "masked_eq":
      if ((value & ~mask!) !== 0n) return false; // bits outside the mask can never be equal
      return mask === 0n ? true : undefined;
    default:
      return undefined;
  }
}

function testKeyOf(test: ArgTest): string {
  return `${test.index} ${test.op} ${test.value.toString(16).padStart(16, "0")} ${
    test.mask?.toString(16) ?? ""
  } ${test.width ?? 64}`;
}
