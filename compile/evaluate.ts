/**
 * Evaluation of a compiled {@linkcode FilterSet}: what a set of policies decides for one syscall
 * of one process. {@linkcode evaluate} reads the IR directly; {@linkcode Evaluator} turns it into
 * flat per-architecture tables first, for the hot paths (simulation backend, dry runs).
 *
 * Layers combine as stacked seccomp filters do: the strictest action wins
 * (`kill > kill_thread > trap > deny > notify > trace > log > allow`). On a tie the layer listed
 * first wins. The kernel, on a tie, keeps the most recently installed filter's result, so a backend
 * that stacks one seccomp filter per layer installs them last layer first to agree with this.
 *
 * @module
 */

import { type Arch, ARCHES, strictness } from "../policies/types.ts";
import { X32_SYSCALL_BIT } from "../policies/syscalls.ts";
import type {
  ArchFilter,
  ArgCase,
  ArgTest,
  Decision,
  FilterSet,
  SyscallDecision,
} from "./filter_set.ts";
import { type ProcessInfo, targetMatches } from "./target.ts";

/** One syscall as a filter sees it. */
export interface SyscallCall {
  /** The architecture (ABI) the call was made with. */
  readonly arch: Arch;
  /** The number as in `seccomp_data.nr` (x32 numbers include `0x40000000`). */
  readonly nr: number;
  /**
   * Up to six arguments, unsigned 64-bit (other values are taken modulo 2^64); missing ones are
   * `0n`. Tests on arguments the kernel reads as 32- or 16-bit types look at those low bits only.
   */
  readonly args?: readonly bigint[];
}

/**
 * The decision for one call across all layers: the deciding layer's {@linkcode Decision} and that
 * layer's index in {@linkcode FilterSet.layers}. When no layer applies to the process, the call is
 * allowed: {@linkcode UNCONFINED}, with `layer: null`, `ruleId: null` and `policy: ""`.
 */
export interface Verdict extends Decision {
  /** The index of the deciding layer, or `null` when no layer applies. */
  readonly layer: number | null;
}

/**
 * The verdict when no policy applies to the process: allowed, decided by nothing. Its location is
 * empty (`file: ""`, line and column 0).
 *
 * @example
 * ```ts
 * import { evaluate, UNCONFINED } from "@cordon/cordon";
 * const verdict = evaluate({ version: 1, layers: [] }, { arch: "x86_64", nr: 0 });
 * if (verdict !== UNCONFINED || verdict.action !== "allow") throw new Error();
 * ```
 */
export const UNCONFINED: Verdict = Object.freeze({
  action: "allow",
  ruleId: null,
  policy: "",
  loc: Object.freeze({ file: "", line: 0, column: 0 }),
  layer: null,
});

/**
 * The decision of every layer that applies to `proc`, in layer order, each as a
 * {@linkcode Verdict}. Empty when no layer applies.
 *
 * @param set The compiled policies.
 * @param call The syscall.
 * @param proc The process making it; `undefined` applies every layer (see `targetMatches`).
 * @returns One verdict per applicable layer.
 * @throws {RangeError} When an applicable layer was not compiled for `call.arch`.
 *
 * @example
 * ```ts
 * import { evaluateLayers } from "@cordon/cordon";
 * if (evaluateLayers({ version: 1, layers: [] }, { arch: "x86_64", nr: 0 }).length !== 0) {
 *   throw new Error("no layers, no verdicts");
 * }
 * ```
 */
export function evaluateLayers(set: FilterSet, call: SyscallCall, proc?: ProcessInfo): Verdict[] {
  const verdicts: Verdict[] = [];
  set.layers.forEach((layer, index) => {
    if (!targetMatches(layer.target, proc)) return;
    const filter = archFilter(layer.arches, call.arch, layer.policy);
    const decision = decideInFilter(filter, call.nr, call.args);
    verdicts.push({ ...decision, layer: index });
  });
  return verdicts;
}

/**
 * What the policy set decides for `call` made by `proc`: the strictest decision of the layers
 * that apply (ties to the first layer), or {@linkcode UNCONFINED} when none does.
 *
 * @param set The compiled policies.
 * @param call The syscall.
 * @param proc The process making it; `undefined` applies every layer (see `targetMatches`).
 * @returns The deciding verdict.
 * @throws {RangeError} When an applicable layer was not compiled for `call.arch`.
 *
 * @example
 * ```ts
 * import { compilePolicies } from "@cordon/cordon";
 * import { evaluate } from "@cordon/cordon";
 * import { syscallNumber } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const set = compilePolicies([{
 *   name: "p", defaultAction: "allow", defaultErrno: 1, mode: "enforce", loc,
 *   rules: [{
 *     id: "no-raw", policy: "p", origin: "rule", action: "deny", errno: 13, priority: 0, loc,
 *     syscalls: [{ kind: "name", name: "socket", loc }],
 *     args: [{ index: 1, op: "eq", value: 3n, loc }],
 *   }],
 * }]);
 * const nr = syscallNumber("x86_64", "socket")!;
 * const raw = evaluate(set, { arch: "x86_64", nr, args: [2n, 3n] });
 * if (raw.action !== "deny" || raw.errno !== 13 || raw.ruleId !== "no-raw") throw new Error();
 * if (evaluate(set, { arch: "x86_64", nr, args: [2n, 1n] }).action !== "allow") throw new Error();
 * ```
 */
export function evaluate(set: FilterSet, call: SyscallCall, proc?: ProcessInfo): Verdict {
  let best: Verdict = UNCONFINED;
  let bestRank = -1;
  for (const verdict of evaluateLayers(set, call, proc)) {
    const rank = strictness(verdict.action);
    if (rank > bestRank) {
      best = verdict;
      bestRank = rank;
    }
  }
  return best;
}

function archFilter(arches: readonly ArchFilter[], arch: Arch, policy: string): ArchFilter {
  const filter = arches.find((f) => f.arch === arch);
  if (filter === undefined) {
    throw new RangeError(`Policy "${policy}" was not compiled for architecture "${arch}"`);
  }
  return filter;
}

function findSyscall(filter: ArchFilter, nr: number): SyscallDecision | undefined {
  const list = filter.syscalls;
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const entry = list[mid]!;
    if (entry.nr === nr) return entry;
    if (entry.nr < nr) low = mid + 1;
    else high = mid - 1;
  }
  return undefined;
}

function decideInFilter(filter: ArchFilter, nr: number, args?: readonly bigint[]): Decision {
  const entry = findSyscall(filter, nr);
  if (entry === undefined) return filter.unknown;
  return decideCases(entry.cases, args) ?? entry.otherwise;
}

function decideCases(cases: readonly ArgCase[], args?: readonly bigint[]): Decision | undefined {
  for (const c of cases) {
    if (c.tests.every((test) => testHolds(test, args))) return c.decision;
  }
  return undefined;
}

/** Whether `test` holds: on the low `test.width` bits of the argument when set, else all 64. */
function testHolds(test: ArgTest, args?: readonly bigint[]): boolean {
  const arg = BigInt.asUintN(test.width ?? 64, args?.[test.index] ?? 0n);
  switch (test.op) {
    case "eq":
      return arg === test.value;
    case "ne":
      return arg !== test.value;
    case "lt":
      return arg < test.value;
    case "le":
      return arg <= test.value;
    case "gt":
      return arg > test.value;
    case "ge":
      return arg >= test.value;
    case "masked_eq":
      return (arg & (test.mask ?? 0xffff_ffff_ffff_ffffn)) === test.value;
  }
}

/** The largest number indexed directly; numbers above it (only policy-named ones) go to a map. */
const MAX_DIRECT_NR = 4095;

/** A verdict with its precomputed rank. */
interface Choice {
  readonly verdict: Verdict;
  readonly rank: number;
}

/** One layer's part in a syscall that some layer decides by arguments. */
interface LayerPart {
  /** The cases with their prebuilt verdicts; empty for a layer that decides without arguments. */
  readonly cases: readonly { readonly tests: readonly ArgTest[]; readonly choice: Choice }[];
  readonly otherwise: Choice;
}

interface ArchTable {
  /** Added to the table index to get the number (`X32_SYSCALL_BIT` on x32, else 0). */
  readonly offset: number;
  /** `>= 0`: index into `choices`; `< 0`: `-1 - index` into `slow`. */
  readonly table: Int32Array;
  readonly sparse: ReadonlyMap<number, number>;
  readonly unknown: number;
  readonly choices: readonly Choice[];
  readonly slow: readonly (readonly LayerPart[])[];
}

/**
 * A fast evaluator for one process: the layers that apply to it combined into one flat table
 * per architecture, indexed by syscall number (x32 by `nr - 0x40000000`), holding the combined
 * verdict of every syscall no layer decides by arguments. Only syscalls with argument cases in
 * some layer are evaluated case by case. {@linkcode Evaluator.decide} allocates nothing: it
 * returns prebuilt, frozen {@linkcode Verdict} objects.
 *
 * @example
 * ```ts
 * import { compilePolicies } from "@cordon/cordon";
 * import { Evaluator } from "@cordon/cordon";
 * import { syscallNumber } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const set = compilePolicies([{
 *   name: "p", defaultAction: "deny", defaultErrno: 1, mode: "enforce", loc,
 *   rules: [{
 *     id: "reads", policy: "p", origin: "rule", action: "allow", priority: 0, args: [], loc,
 *     syscalls: [{ kind: "name", name: "read", loc }],
 *   }],
 * }]);
 * const evaluator = new Evaluator(set);
 * if (evaluator.decide("x86_64", syscallNumber("x86_64", "read")!).action !== "allow") throw new Error();
 * const write = evaluator.decide("x86_64", syscallNumber("x86_64", "write")!);
 * if (write.action !== "deny" || write.errno !== 1 || write.layer !== 0) throw new Error();
 * ```
 */
export class Evaluator {
  readonly #tables: Partial<Record<Arch, ArchTable>> = {};
  /** The architectures every applicable layer was compiled for (all of them when none applies). */
  readonly arches: readonly Arch[];

  /**
   * Builds the tables.
   *
   * @param set The compiled policies.
   * @param proc The process whose calls will be decided; `undefined` applies every layer.
   */
  constructor(set: FilterSet, proc?: ProcessInfo) {
    const layers = set.layers
      .map((layer, index) => ({ layer, index }))
      .filter(({ layer }) => targetMatches(layer.target, proc));
    const arches = ARCHES.filter((arch) =>
      layers.every(({ layer }) => layer.arches.some((f) => f.arch === arch))
    );
    this.arches = arches;
    for (const arch of arches) {
      this.#tables[arch] = buildTable(
        arch,
        layers.map(({ layer, index }) => ({
          filter: layer.arches.find((f) => f.arch === arch)!,
          index,
        })),
      );
    }
  }

  /**
   * The verdict for syscall `nr` on `arch` with `args` (missing arguments are `0n`).
   *
   * @param arch The architecture of the call.
   * @param nr The number as in `seccomp_data.nr`.
   * @param args The arguments; only read for syscalls some layer decides by arguments.
   * @returns A prebuilt verdict; the same object for the same decision.
   * @throws {RangeError} When the set was not compiled for `arch`.
   */
  decide(arch: Arch, nr: number, args?: readonly bigint[]): Verdict {
    const t = this.#tables[arch];
    if (t === undefined) throw new RangeError(`No filter compiled for architecture "${arch}"`);
    const i = nr - t.offset;
    let slot = i >= 0 && i < t.table.length ? t.table[i] : undefined;
    if (slot === undefined) slot = t.sparse.get(nr) ?? t.unknown;
    if (slot >= 0) return t.choices[slot]!.verdict;
    return decideSlow(t.slow[-1 - slot]!, args);
  }
}

function decideSlow(parts: readonly LayerPart[], args?: readonly bigint[]): Verdict {
  let best: Choice | undefined;
  for (const part of parts) {
    let choice = part.otherwise;
    for (const c of part.cases) {
      if (c.tests.every((test) => testHolds(test, args))) {
        choice = c.choice;
        break;
      }
    }
    if (best === undefined || choice.rank > best.rank) best = choice;
  }
  return best?.verdict ?? UNCONFINED;
}

function buildTable(
  arch: Arch,
  layers: readonly { readonly filter: ArchFilter; readonly index: number }[],
): ArchTable {
  const offset = arch === "x32" ? X32_SYSCALL_BIT : 0;
  const choices: Choice[] = [];
  const choiceIndex = new Map<Verdict, number>();
  const verdictOf = new Map<Decision, Verdict>();
  const slow: LayerPart[][] = [];

  const choose = (decision: Decision, layer: number): Choice => {
    let verdict = verdictOf.get(decision);
    if (verdict === undefined) {
      verdict = Object.freeze({ ...decision, layer });
      verdictOf.set(decision, verdict);
    }
    return { verdict, rank: strictness(verdict.action) };
  };
  const indexOf = (choice: Choice): number => {
    let index = choiceIndex.get(choice.verdict);
    if (index === undefined) {
      index = choices.push(choice) - 1;
      choiceIndex.set(choice.verdict, index);
    }
    return index;
  };
  const strictest = (list: readonly Choice[]): Choice => {
    let best: Choice | undefined;
    for (const choice of list) if (best === undefined || choice.rank > best.rank) best = choice;
    return best ?? { verdict: UNCONFINED, rank: strictness("allow") };
  };

  const unknowns = layers.map(({ filter, index }) => choose(filter.unknown, index));
  const unknown = indexOf(strictest(unknowns));
  const numbers = new Set<number>();
  for (const { filter } of layers) for (const s of filter.syscalls) numbers.add(s.nr);

  const slotOf = (nr: number): number => {
    const parts = layers.map(({ filter, index }, i): LayerPart => {
      const entry = findSyscall(filter, nr);
      if (entry === undefined) return { cases: [], otherwise: unknowns[i]! };
      return {
        cases: entry.cases.map((c) => ({ tests: c.tests, choice: choose(c.decision, index) })),
        otherwise: choose(entry.otherwise, index),
      };
    });
    if (parts.every((part) => part.cases.length === 0)) {
      return indexOf(strictest(parts.map((part) => part.otherwise)));
    }
    return -1 - (slow.push(parts) - 1);
  };

  let size = 0;
  for (const nr of numbers) {
    const i = nr - offset;
    if (i >= 0 && i <= MAX_DIRECT_NR && Number.isInteger(i)) size = Math.max(size, i + 1);
  }
  const table = new Int32Array(size).fill(unknown);
  const sparse = new Map<number, number>();
  for (const nr of [...numbers].sort((a, b) => a - b)) {
    const i = nr - offset;
    if (i >= 0 && i < size && Number.isInteger(i)) table[i] = slotOf(nr);
    else sparse.set(nr, slotOf(nr));
  }
  return { offset, table, sparse, unknown, choices, slow };
}
