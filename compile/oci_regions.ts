/**
 * Exact sets of seccomp argument vectors, for the OCI exporter: what an IR argument test, a case
 * and the negation of earlier cases select, written as disjoint unions of OCI comparisons.
 *
 * An OCI (libseccomp) rule holds at most one comparison per argument, and a runtime ORs the
 * rules of one syscall, so the exporter needs each region of a decision as a union of "boxes":
 * one simple set per argument. The simple sets here are {@linkcode Atom}s, an interval of 64-bit
 * values intersected with a bit pattern (`(x & mask) == value`). Atoms are closed under
 * intersection, and the complement of an atom is a disjoint union of at most 66 atoms, so every
 * region of a first-match case list is exact; an IR test on the low 32 (or 16) bits of an
 * argument is a pattern on those bits, which is exactly what the kernel reads. An atom that no
 * single OCI comparison expresses is split into patterns along its interval's aligned blocks.
 *
 * @module
 */

import type { ArgTest } from "./filter_set.ts";

const U64 = (1n << 64n) - 1n;

/** The values `x` with `lo <= x <= hi` and `(x & mask) == value` (never empty once built). */
export interface Atom {
  /** The least value. */
  readonly lo: bigint;
  /** The greatest value. */
  readonly hi: bigint;
  /** The bits the pattern fixes. */
  readonly mask: bigint;
  /** Their values (a subset of `mask`). */
  readonly value: bigint;
}

/** One set per argument, `null` for an argument left free; the box is their product. */
export type Box = readonly (Atom | null)[];

/** One OCI comparison: `SCMP_CMP_*` without the prefix, and its operands. */
export interface Comparison {
  /** `eq`, `ne`, `le`, `ge` or `masked_eq`. */
  readonly op: "eq" | "ne" | "le" | "ge" | "masked_eq";
  /** The compared value, or for `masked_eq` the mask. */
  readonly value: bigint;
  /** For `masked_eq`: the value the masked argument must equal. */
  readonly valueTwo?: bigint;
}

/** A set grew beyond what an exported profile can reasonably hold. */
export class RegionTooLargeError extends Error {
  /** Stable error code. */
  readonly code = "region-too-large";
  /**
   * @param limit The number of boxes the computation stopped at.
   */
  constructor(limit: number) {
    super(`an argument region needs more than ${limit} OCI rules`);
    this.name = "RegionTooLargeError";
  }
}

/** The box that holds every argument vector. */
export const FULL_BOX: Box = [null, null, null, null, null, null];

/** The least `x >= lo` with `(x & mask) == value`, or `null`. */
function leastMatch(lo: bigint, mask: bigint, value: bigint): bigint | null {
  const differ = (lo & mask) ^ value;
  if (differ === 0n) return lo;
  if (lo === 0n) return value;
  // the bits above the one raised must already match: start at the highest that does not
  for (let i = BigInt(differ.toString(2).length - 1); i < 64n; i++) {
    const bit = 1n << i;
    if ((lo & bit) !== 0n || ((mask & bit) !== 0n && (value & bit) === 0n)) continue;
    const above = U64 ^ ((bit << 1n) - 1n);
    const prefix = lo & above;
    if ((prefix & mask & above) !== (value & above)) continue;
    return prefix | bit | (value & (bit - 1n));
  }
  return null;
}

/** The greatest `x <= hi` with `(x & mask) == value`, or `null`. */
function greatestMatch(hi: bigint, mask: bigint, value: bigint): bigint | null {
  const flipped = leastMatch(U64 ^ hi, mask, (U64 ^ value) & mask);
  return flipped === null ? null : U64 ^ flipped;
}

/** The atom with its interval tightened to its least and greatest members, or `null`. */
function atom(lo: bigint, hi: bigint, mask: bigint, value: bigint): Atom | null {
  if (lo > hi || (value & ~mask & U64) !== 0n) return null;
  const least = leastMatch(lo, mask, value);
  if (least === null || least > hi) return null;
  const greatest = greatestMatch(hi, mask, value)!;
  return { lo: least, hi: greatest, mask, value };
}

function intersectAtoms(a: Atom, b: Atom): Atom | null {
  if (((a.value ^ b.value) & a.mask & b.mask) !== 0n) return null;
  return atom(
    a.lo > b.lo ? a.lo : b.lo,
    a.hi < b.hi ? a.hi : b.hi,
    a.mask | b.mask,
    a.value | b.value,
  );
}

/** The complement of an atom, as disjoint atoms. */
function complementAtom(a: Atom): Atom[] {
  const out: (Atom | null)[] = [];
  // an interval that only bounds the pattern's own members does not cut it: ¬(I ∩ P) is ¬P
  const cuts = !(a.lo === a.value && a.hi === (a.value | (U64 ^ a.mask)));
  const [lo, hi] = cuts ? [a.lo, a.hi] : [0n, U64];
  if (lo > 0n) out.push(atom(0n, lo - 1n, 0n, 0n));
  if (hi < U64) out.push(atom(hi + 1n, U64, 0n, 0n));
  // inside the interval: the first (highest) fixed bit that differs from the pattern
  let above = 0n;
  for (let i = 63n; i >= 0n; i--) {
    const bit = 1n << i;
    if ((a.mask & bit) === 0n) continue;
    out.push(atom(lo, hi, above | bit, (a.value & above) | ((a.value & bit) ^ bit)));
    above |= bit;
  }
  return out.filter((x) => x !== null);
}

/**
 * The aligned blocks that make up `[lo, hi]` within the low `bits` bits, as patterns on those
 * bits (the largest blocks first, as a routing table splits an address range into prefixes).
 */
function blocks(lo: bigint, hi: bigint, bits: bigint): { mask: bigint; value: bigint }[] {
  const width = bits === 64n ? U64 : (1n << bits) - 1n;
  const out: { mask: bigint; value: bigint }[] = [];
  let start = lo;
  while (start <= hi) {
    let size = 1n;
    while (
      size < (1n << bits) && (start & (size * 2n - 1n)) === 0n && start + size * 2n - 1n <= hi
    ) size *= 2n;
    out.push({ mask: width ^ (size - 1n), value: start });
    if (start + size - 1n >= width) break;
    start += size;
  }
  return out;
}

/**
 * The values of one argument for which an IR test holds, as disjoint atoms: on all 64 bits, or
 * on the low `width` bits as the kernel reads them (the other bits free).
 *
 * @param test The test.
 * @returns Disjoint atoms (none: the test never holds).
 *
 * @example
 * ```ts
 * import { testAtoms } from "./oci_regions.ts";
 * const [a] = testAtoms({ index: 0, op: "eq", value: 17n, width: 32 });
 * if (a?.mask !== 0xffffffffn || a.value !== 17n) throw new Error("a pattern on the low 32 bits");
 * ```
 */
export function testAtoms(test: ArgTest): Atom[] {
  const bits = BigInt(test.width ?? 64);
  const width = bits === 64n ? U64 : (1n << bits) - 1n;
  const v = BigInt.asUintN(64, test.value);
  const fromBlocks = (lo: bigint, hi: bigint) =>
    lo > hi ? [] : blocks(lo, hi, bits).map((b) => atom(0n, U64, b.mask, b.value)!);
  if (test.op === "masked_eq") {
    const mask = BigInt.asUintN(64, test.mask ?? U64) & width;
    const a = atom(0n, U64, mask, v);
    return a === null ? [] : [a];
  }
  if (bits === 64n) {
    const interval = (lo: bigint, hi: bigint) => {
      const a = lo <= hi ? atom(lo, hi, 0n, 0n) : null;
      return a === null ? [] : [a];
    };
    switch (test.op) {
      case "eq":
        return interval(v, v);
      case "ne":
        return [...interval(0n, v - 1n), ...interval(v + 1n, U64)];
      case "lt":
        return interval(0n, v - 1n);
      case "le":
        return interval(0n, v);
      case "gt":
        return interval(v + 1n, U64);
      case "ge":
        return interval(v, U64);
    }
  }
  switch (test.op) {
    case "eq": {
      const a = v > width ? null : atom(0n, U64, width, v);
      return a === null ? [] : [a];
    }
    case "ne":
      return v > width ? [atom(0n, U64, 0n, 0n)!] : complementAtom(atom(0n, U64, width, v)!);
    case "lt":
      return fromBlocks(0n, (v > width ? width + 1n : v) - 1n);
    case "le":
      return fromBlocks(0n, v > width ? width : v);
    case "gt":
      return fromBlocks(v + 1n, width);
    case "ge":
      return fromBlocks(v, width);
  }
}

/** Counts boxes as they are made, refusing to go beyond a limit. */
export class BoxBudget {
  #left: number;
  readonly #limit: number;

  /** @param limit How many box intersections one computation may make. */
  constructor(limit: number) {
    this.#limit = limit;
    this.#left = limit;
  }

  /** Accounts for `n` more box intersections. */
  spend(n: number): void {
    this.#left -= n;
    if (this.#left < 0) throw new RegionTooLargeError(this.#limit);
  }
}

/** The intersection of two boxes, or `null`. */
export function intersectBoxes(a: Box, b: Box): Box | null {
  const out: (Atom | null)[] = [];
  for (let i = 0; i < 6; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === null || y === null) {
      out.push(x ?? y);
      continue;
    }
    const both = intersectAtoms(x, y);
    if (both === null) return null;
    out.push(both);
  }
  return out;
}

/** The intersection of two disjoint unions of boxes. */
export function intersectSets(a: readonly Box[], b: readonly Box[], budget: BoxBudget): Box[] {
  const out: Box[] = [];
  for (const x of a) {
    budget.spend(b.length);
    for (const y of b) {
      const both = intersectBoxes(x, y);
      if (both !== null) out.push(both);
    }
  }
  return out;
}

/**
 * `x` minus `b`, as disjoint boxes: for each argument `b` constrains, the vectors inside `b` on
 * the arguments before it and outside `b` on it (nothing for an argument `x` keeps within `b`).
 */
function subtractBox(x: Box, b: Box): Box[] {
  if (intersectBoxes(x, b) === null) return [x];
  const out: Box[] = [];
  const prefix: (Atom | null)[] = [...x];
  for (let i = 0; i < 6; i++) {
    const bi = b[i] ?? null;
    if (bi === null) continue;
    const xi = x[i] ?? null;
    for (const c of complementAtom(bi)) {
      const part = xi === null ? c : intersectAtoms(c, xi);
      if (part === null) continue;
      const box = [...prefix];
      box[i] = part;
      out.push(box);
    }
    prefix[i] = xi === null ? bi : intersectAtoms(xi, bi);
  }
  return out;
}

/** `a` minus `b` (disjoint unions of boxes). */
export function subtractSets(a: readonly Box[], b: readonly Box[], budget: BoxBudget): Box[] {
  let out = [...a];
  for (const box of b) {
    if (out.length === 0) break;
    budget.spend(out.length);
    out = out.flatMap((x) => subtractBox(x, box));
  }
  return out;
}

/**
 * The argument vectors for which all tests hold (a case's conjunction), as disjoint boxes.
 *
 * @param tests The tests, ANDed.
 * @returns Disjoint boxes (none: the tests never hold together).
 *
 * @example
 * ```ts
 * import { BoxBudget, conjunction } from "./oci_regions.ts";
 * const boxes = conjunction([
 *   { index: 0, op: "ge", value: 10n },
 *   { index: 0, op: "lt", value: 5n },
 * ], new BoxBudget(100));
 * if (boxes.length !== 0) throw new Error("10 <= x < 5 never holds");
 * ```
 */
export function conjunction(tests: readonly ArgTest[], budget: BoxBudget): Box[] {
  let out: Box[] = [FULL_BOX];
  for (const test of tests) {
    const boxes = testAtoms(test).map((a) => {
      const b: (Atom | null)[] = [...FULL_BOX];
      b[test.index] = a;
      return b;
    });
    out = intersectSets(out, boxes, budget);
  }
  return out;
}

/**
 * One atom as disjoint OCI comparisons: one when a single comparison selects exactly its values,
 * else its interval split into aligned blocks, each intersected with its pattern.
 *
 * @param a The atom.
 * @returns The comparisons, ORed; an empty list for an atom that holds every value.
 *
 * @example
 * ```ts
 * import { atomComparisons, testAtoms } from "./oci_regions.ts";
 * const [a] = testAtoms({ index: 1, op: "ge", value: 4096n });
 * const cmp = atomComparisons(a!);
 * if (cmp.length !== 1 || cmp[0]!.op !== "ge") throw new Error();
 * ```
 */
export function atomComparisons(a: Atom): Comparison[] {
  const free = U64 ^ a.mask;
  const fullInterval = a.lo === a.value && a.hi === (a.value | free);
  if (fullInterval) {
    if (a.mask === 0n) return [];
    if (a.mask === U64) return [{ op: "eq", value: a.value }];
    return [{ op: "masked_eq", value: a.mask, valueTwo: a.value }];
  }
  if (a.lo === a.hi) return [{ op: "eq", value: a.lo }];
  if (a.mask === 0n) {
    if (a.lo === 0n) return [{ op: "le", value: a.hi }];
    if (a.hi === U64) return [{ op: "ge", value: a.lo }];
  }
  const out: Comparison[] = [];
  for (const b of blocks(a.lo, a.hi, 64n)) {
    const part = intersectAtoms(atom(0n, U64, b.mask, b.value)!, a);
    if (part === null) continue;
    out.push(...atomComparisons(part));
  }
  return out;
}

/**
 * A box as OCI rules: each rule one comparison per constrained argument, the rules disjoint.
 *
 * @param box The box.
 * @returns Rules (lists of `[index, comparison]`), ORed; `[[]]` for the box of every vector.
 */
export function boxRules(box: Box): [number, Comparison][][] {
  let rules: [number, Comparison][][] = [[]];
  for (let i = 0; i < 6; i++) {
    const a = box[i] ?? null;
    if (a === null) continue;
    const options = atomComparisons(a);
    if (options.length === 0) continue;
    rules = rules.flatMap((r) => options.map((c): [number, Comparison][] => [...r, [i, c]]));
  }
  return rules;
}
