/**
 * Test support for the seccomp generator: the IR's semantics written plainly (what a program
 * compiled by `compileSeccomp` must return), argument probes at the boundaries of every test,
 * and a cross-check that runs a program through the interpreter on every syscall number of every
 * architecture and compares it with those semantics.
 *
 * @module
 */

import type { Arch } from "../policies/types.ts";
import { ARCHES } from "../policies/types.ts";
import { AUDIT_ARCH, X32_SYSCALL_BIT } from "../policies/syscalls.ts";
import type { ArchFilter, ArgTest, FilterLayer, SyscallDecision } from "./filter_set.ts";
import { runSeccomp, type SeccompData } from "./bpf_interpreter.ts";
import {
  decisionReturnValue,
  type SeccompOptions,
  type SeccompProgram,
  unknownDecision,
} from "./seccomp.ts";
import { formatAction, SECCOMP_RET_KILL_PROCESS } from "./sock_filter.ts";

const U64 = (1n << 64n) - 1n;

/** The audit value of `arch`. */
export function auditArch(arch: Arch): number {
  return AUDIT_ARCH[arch] >>> 0;
}

/**
 * Whether one IR argument test holds for `args`: the argument reduced to its low `test.width`
 * bits (all 64 without `width`), compared unsigned with `value` as given (so a value wider than
 * `width` is never equal, and is above every argument).
 */
export function testHolds(test: ArgTest, args: readonly bigint[]): boolean {
  const arg = BigInt.asUintN(test.width ?? 64, args[test.index] ?? 0n);
  const value = BigInt.asUintN(64, test.value);
  switch (test.op) {
    case "eq":
      return arg === value;
    case "ne":
      return arg !== value;
    case "lt":
      return arg < value;
    case "le":
      return arg <= value;
    case "gt":
      return arg > value;
    case "ge":
      return arg >= value;
    case "masked_eq":
      return (arg & BigInt.asUintN(64, test.mask ?? U64)) === value;
  }
}

/** The architecture the kernel's `(arch, nr)` belongs to among `arches`, or `undefined`. */
export function archOf(arches: readonly Arch[], audit: number, nr: number): Arch | undefined {
  for (const arch of arches) {
    if (auditArch(arch) !== audit >>> 0) continue;
    if (arch === "x86_64" && nr >>> 0 >= X32_SYSCALL_BIT) continue;
    if (arch === "x32" && nr >>> 0 < X32_SYSCALL_BIT) continue;
    return arch;
  }
  return undefined;
}

/** What a program compiled from `layer` for `arches` must return for `data`. */
export function expectedReturn(
  layer: FilterLayer,
  arches: readonly Arch[],
  data: SeccompData,
  options: SeccompOptions = {},
): number {
  const arch = archOf(arches, data.arch, data.nr);
  if (arch === undefined) return SECCOMP_RET_KILL_PROCESS;
  const filter = layer.arches.find((f) => f.arch === arch)!;
  const decision = filter.syscalls.find((s) => s.nr === data.nr >>> 0);
  if (decision === undefined) return decisionReturnValue(unknownDecision(layer, filter, options));
  for (const c of decision.cases) {
    if (c.tests.every((t) => testHolds(t, data.args))) return decisionReturnValue(c.decision);
  }
  return decisionReturnValue(decision.otherwise);
}

/** Values around one test's boundaries: value±1, half-only differences, extremes. */
export function boundaryValues(test: ArgTest): bigint[] {
  const v = BigInt.asUintN(64, test.value);
  const out = [
    0n,
    U64,
    v,
    v - 1n,
    v + 1n,
    v ^ (1n << 32n),
    v + (1n << 32n),
    v - (1n << 32n),
    v & 0xffffffffn,
    v | 0xffffffff00000000n,
    (v & 0xffffffff00000000n) | 0xffffffffn,
    0xffffffffn,
    1n << 32n,
    // what only a 16-bit test ignores
    v ^ 0x10000n,
    v + 0x10000n,
    v | 0xffff_ffff_ffff_0000n,
    0xffffn,
  ];
  if (test.op === "masked_eq") {
    const mask = BigInt.asUintN(64, test.mask ?? U64);
    const outside = ~mask & U64;
    out.push(v | outside, v | (outside & 0xffffffff00000000n), v | (outside & 0xffffffffn));
    for (let bit = 0n; bit < 64n; bit++) {
      if ((mask >> bit) & 1n) out.push(v ^ (1n << bit));
    }
  }
  return [...new Set(out.map((x) => BigInt.asUintN(64, x)))];
}

/**
 * Argument vectors that exercise every case of a syscall: all zeros, for each case a vector
 * satisfying it where possible, and each of those with one argument moved to every boundary
 * value of the tests on it.
 */
export function argProbes(decision: SyscallDecision | undefined): bigint[][] {
  const zero = [0n, 0n, 0n, 0n, 0n, 0n];
  if (decision === undefined || decision.cases.length === 0) return [zero];
  const pools = new Map<number, bigint[]>();
  for (const c of decision.cases) {
    for (const t of c.tests) {
      const pool = pools.get(t.index) ?? [];
      pool.push(...boundaryValues(t));
      pools.set(t.index, [...new Set(pool)]);
    }
  }
  const bases = [zero];
  for (const c of decision.cases) {
    const base = zero.slice();
    for (const [index, pool] of pools) {
      const mine = c.tests.filter((t) => t.index === index);
      const fit = pool.find((v) => mine.every((t) => testHolds(t, setArg(zero, index, v))));
      if (fit !== undefined) base[index] = fit;
    }
    bases.push(base);
  }
  const out: bigint[][] = [];
  const seen = new Set<string>();
  const add = (args: bigint[]) => {
    const key = args.join(",");
    if (!seen.has(key)) {
      seen.add(key);
      out.push(args);
    }
  };
  for (const base of bases) {
    add(base);
    for (const [index, pool] of pools) for (const v of pool) add(setArg(base, index, v));
  }
  return out;
}

function setArg(args: readonly bigint[], index: number, value: bigint): bigint[] {
  const copy = args.slice();
  copy[index] = value;
  return copy;
}

/** The numbers to probe for one architecture filter: its whole table and beyond, and the edges. */
export function probeNumbers(filter: ArchFilter, extra = 40): number[] {
  const base = filter.arch === "x32" ? X32_SYSCALL_BIT : 0;
  const numbers = new Set<number>();
  let max = base;
  for (const s of filter.syscalls) {
    numbers.add(s.nr);
    if (s.nr > max && s.nr - base < 0x10000) max = s.nr;
  }
  for (let nr = base; nr <= max + extra; nr++) numbers.add(nr);
  for (
    const nr of [
      0,
      1,
      X32_SYSCALL_BIT - 1,
      X32_SYSCALL_BIT,
      X32_SYSCALL_BIT + 1,
      0x7fffffff,
      0x80000000,
      0xfffffffe,
      0xffffffff,
    ]
  ) numbers.add(nr);
  return [...numbers].sort((a, b) => a - b);
}

/** One disagreement between a program and the IR. */
export interface Disagreement {
  readonly data: SeccompData;
  readonly expected: string;
  readonly actual: string;
}

/** What a cross-check covered. */
export interface CrossCheckResult {
  readonly runs: number;
  readonly disagreements: readonly Disagreement[];
}

/**
 * Runs `program` through the interpreter on every number of every architecture of `layer`
 * (and foreign architectures), with argument probes for every syscall that has cases, and
 * compares each result with {@linkcode expectedReturn}.
 */
export function crossCheck(
  program: SeccompProgram,
  layer: FilterLayer,
  options: SeccompOptions = {},
): CrossCheckResult {
  const arches = program.arches;
  const disagreements: Disagreement[] = [];
  let runs = 0;
  const audits = new Set<number>([0, 0xffffffff, ...ARCHES.map(auditArch)]);
  const numbersByAudit = new Map<number, Set<number>>();
  for (const audit of audits) numbersByAudit.set(audit, new Set([0, 1, 0x40000000, 0xffffffff]));
  for (const filter of layer.arches) {
    for (const audit of audits) {
      const set = numbersByAudit.get(audit)!;
      for (const nr of probeNumbers(filter)) set.add(nr);
    }
  }
  for (const [audit, numbers] of numbersByAudit) {
    for (const nr of numbers) {
      const arch = archOf(arches, audit, nr);
      const filter = arch === undefined ? undefined : layer.arches.find((f) => f.arch === arch);
      const decision = filter?.syscalls.find((s) => s.nr === nr);
      for (const args of argProbes(decision)) {
        const data = { nr, arch: audit, args };
        const expected = expectedReturn(layer, arches, data, options);
        const run = runSeccomp(program, data);
        runs++;
        if (run.action >>> 0 !== expected >>> 0 && disagreements.length < 20) {
          disagreements.push({
            data,
            expected: formatAction(expected),
            actual: formatAction(run.action),
          });
        }
      }
    }
  }
  return { runs, disagreements };
}

/** Throws with the first disagreements when a cross-check found any. */
export function assertAgrees(result: CrossCheckResult): void {
  if (result.disagreements.length === 0) return;
  const lines = result.disagreements.map((d) =>
    `arch 0x${d.data.arch.toString(16)} nr ${d.data.nr} args [${
      d.data.args.map((a) => `0x${a.toString(16)}`).join(", ")
    }]: expected ${d.expected}, got ${d.actual}`
  );
  throw new Error(`${result.disagreements.length}+ disagreements:\n${lines.join("\n")}`);
}
