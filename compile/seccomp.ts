/**
 * The seccomp cBPF generator: one {@linkcode FilterLayer} of the IR in, one classic BPF program
 * out, ready for `seccomp(SECCOMP_SET_MODE_FILTER, …)`.
 *
 * Shape of every program:
 * 1. `ld [4]` and one `jeq` per admitted audit architecture; any other architecture returns
 *    `SECCOMP_RET_KILL_PROCESS`.
 * 2. `ld [0]` and a balanced binary search tree (`jge`) over ranges of syscall numbers with the
 *    same outcome. Contiguous numbers with equal outcomes are merged into one range, whatever
 *    rule decided them. On `AUDIT_ARCH_X86_64` the tree spans both ABIs: numbers below
 *    `0x40000000` are x86_64's, the rest x32's (or `KILL_PROCESS` when that ABI is not admitted).
 * 3. Leaves: a shared `ret`, or, for a syscall whose decision depends on arguments, its cases in
 *    order, each a chain of 64-bit comparisons done on both 32-bit halves, or, for a test with
 *    `width` (an argument the kernel reads as a 32- or 16-bit C type), on the low half alone
 *    (masked to 16 bits for `width: 16`): the bits the kernel ignores are never loaded.
 *
 * A syscall allowed whatever its arguments therefore loads nothing but `arch` and `nr` on its
 * path: the kernel's seccomp action cache can make it free. Jumps farther than 255 instructions
 * go through `ja` trampolines. Programs over the kernel's 4096-instruction limit are refused with
 * a {@linkcode SeccompCompileError} (`code: "program-too-large"`): split the policy into layers,
 * each of which is installed as its own filter. The output is deterministic.
 *
 * @module
 */

import { type Action, type Arch, ARCHES, strictness } from "../policies/types.ts";
import { AUDIT_ARCH, X32_SYSCALL_BIT } from "../policies/syscalls.ts";
import type { ArchFilter, ArgTest, Decision, FilterLayer, SyscallDecision } from "./filter_set.ts";
import {
  BPF_ABS,
  BPF_ALU,
  BPF_AND,
  BPF_JA,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_JMP,
  BPF_JSET,
  BPF_K,
  BPF_LD,
  BPF_MAXINSNS,
  BPF_RET,
  BPF_W,
  encodeSockFilters,
  formatAction,
  SECCOMP_DATA_ARCH,
  SECCOMP_DATA_ARGS,
  SECCOMP_DATA_NR,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE,
  SECCOMP_RET_TRAP,
  SECCOMP_RET_USER_NOTIF,
  type SockFilter,
} from "./sock_filter.ts";

export {
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE,
  SECCOMP_RET_TRAP,
  SECCOMP_RET_USER_NOTIF,
  type SockFilter,
};

/** `ENOSYS`, the same number on every architecture Cordon supports. */
const ENOSYS = 38;
const U32 = 0x100000000;
const MAX_JUMP = 255;

/** Options of {@linkcode compileSeccomp}. */
export interface SeccompOptions {
  /**
   * What syscall numbers absent from the layer's tables get (numbers newer than the tables, or
   * above an architecture's highest number). Absent: the IR's `unknown` decision, which
   * `compilePolicies` makes `ENOSYS` by default. `true`: `ERRNO(ENOSYS)` whenever the default
   * action is `deny` or stricter (so libc falls back to older syscalls). `false`: the layer's
   * default decision, as libseccomp does.
   */
  readonly enosysUnknown?: boolean;
  /**
   * Issue 14 (`cordon run --explain`): which denials become `SECCOMP_RET_USER_NOTIF` instead of
   * `SECCOMP_RET_ERRNO`, so that a supervisor holding the filter's listener receives them and
   * answers with the errno itself. Called with the architecture and the syscall number
   * (`null` for the numbers the layer's tables do not know); `true` converts every `deny` of
   * that number (all its argument cases). Other actions, and allowed calls, are unchanged: their
   * paths, and the kernel's action cache for allowed numbers, stay as they are.
   */
  readonly notifyDenials?: (arch: Arch, nr: number | null) => boolean;
}

/** A compiled seccomp filter. */
export interface SeccompProgram {
  /** The program, ready for `struct sock_fprog`. */
  readonly instructions: readonly SockFilter[];
  /** One comment per instruction (rule ids, syscall names; `""` when none), for the disassembly. */
  readonly comments: readonly string[];
  /** The architectures the program admits, in the order it checks them. */
  readonly arches: readonly Arch[];
  /** The layer's policy name. */
  readonly policy: string;
  /** The raw little-endian `struct sock_filter` array, 8 bytes per instruction. */
  bytes(): Uint8Array;
}

/** Why a layer could not be compiled to a seccomp program. */
export type SeccompCompileErrorCode =
  | "program-too-large"
  | "arch-not-compiled"
  | "invalid-arches"
  | "invalid-data";

/** A layer that cannot become a seccomp program. */
export class SeccompCompileError extends Error {
  /** Stable error code. */
  readonly code: SeccompCompileErrorCode;
  /**
   * Creates the error.
   *
   * @param code Stable error code.
   * @param message What is wrong and what to do about it.
   */
  constructor(code: SeccompCompileErrorCode, message: string) {
    super(message);
    this.name = "SeccompCompileError";
    this.code = code;
  }
}

/**
 * The seccomp return value of an IR decision: `SECCOMP_RET_*` with the errno (for `deny`) or the
 * 16-bit data (`errno`, when given, for `trace` and `trap`) in the low bits.
 *
 * @param decision The decision.
 * @returns The 32-bit value the program returns.
 * @throws {SeccompCompileError} With code `"invalid-data"` when the errno does not fit 16 bits.
 *
 * @example
 * ```ts
 * import { decisionReturnValue, SECCOMP_RET_ERRNO } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const ret = decisionReturnValue({ action: "deny", errno: 1, ruleId: null, policy: "p", loc });
 * if (ret !== (SECCOMP_RET_ERRNO | 1)) throw new Error("deny must be ERRNO(1)");
 * ```
 */
export function decisionReturnValue(decision: Decision): number {
  const data = decision.errno ?? 0;
  if (!Number.isInteger(data) || data < 0 || data > 0xffff) {
    throw new SeccompCompileError(
      "invalid-data",
      `The errno/data "${data}" of rule ${decision.ruleId ?? "(default)"} does not fit 16 bits`,
    );
  }
  return actionReturnValue(decision.action, data);
}

function actionReturnValue(action: Action, data: number): number {
  switch (action) {
    case "allow":
      return SECCOMP_RET_ALLOW;
    case "log":
      return SECCOMP_RET_LOG;
    case "trace":
      return (SECCOMP_RET_TRACE | data) >>> 0;
    case "notify":
      return SECCOMP_RET_USER_NOTIF;
    case "deny":
      return (SECCOMP_RET_ERRNO | data) >>> 0;
    case "trap":
      return (SECCOMP_RET_TRAP | data) >>> 0;
    case "kill_thread":
      return SECCOMP_RET_KILL_THREAD;
    case "kill":
      return SECCOMP_RET_KILL_PROCESS;
  }
}

/**
 * The decision a layer gives syscall numbers its tables do not know, under `options`: what
 * {@linkcode compileSeccomp} compiles for them (exported so that tests and the simulation agree).
 *
 * @param layer The layer.
 * @param filter One of the layer's architecture filters.
 * @param options `enosysUnknown`, see {@linkcode SeccompOptions}.
 * @returns The IR's `unknown` decision, or the one the option asks for.
 *
 * @example
 * ```ts
 * import { unknownDecision } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const unknown = { action: "deny", errno: 38, ruleId: null, policy: "p", loc } as const;
 * const layer = {
 *   policy: "p", mode: "enforce", defaultAction: "deny", defaultErrno: 1, loc,
 *   arches: [{ arch: "x86_64", syscalls: [], unknown }],
 * } as const;
 * const d = unknownDecision(layer, layer.arches[0], { enosysUnknown: false });
 * if (d.action !== "deny" || d.errno !== 1) throw new Error("default errno expected");
 * ```
 */
export function unknownDecision(
  layer: FilterLayer,
  filter: ArchFilter,
  options: SeccompOptions = {},
): Decision {
  if (options.enosysUnknown === undefined) return filter.unknown;
  const strict = strictness(layer.defaultAction) >= strictness("deny");
  const enosys = options.enosysUnknown && strict;
  const action: Action = enosys ? "deny" : layer.defaultAction;
  const decision: { -readonly [K in keyof Decision]: Decision[K] } = {
    action,
    ruleId: null,
    policy: layer.policy,
    loc: filter.unknown.ruleId === null ? filter.unknown.loc : layer.loc,
  };
  if (action === "deny") decision.errno = enosys ? ENOSYS : layer.defaultErrno;
  if (layer.mode === "audit" && strictness(action) >= strictness("deny")) {
    decision.action = "log";
    decision.audited = action;
  }
  return decision;
}

// ---------------------------------------------------------------------------------------------
// Backward emission: instructions are produced from the end of the program to its start, so
// every jump target already has a position when the jump is emitted, and a target more than 255
// instructions away gets a `ja` trampoline placed right after the jump.

/** A position counted from the end of the program (0 = the last instruction). */
type Label = number;

class BackwardEmitter {
  readonly #reversed: SockFilter[] = [];
  readonly #notes: Set<string>[] = [];
  readonly #rets = new Map<number, Label>();

  get size(): number {
    return this.#reversed.length;
  }

  /** Emits one instruction before everything emitted so far. */
  emit(code: number, k: number, note = ""): Label {
    return this.#push({ code, jt: 0, jf: 0, k: k >>> 0 }, note);
  }

  #push(insn: SockFilter, note: string): Label {
    this.#reversed.push(insn);
    this.#notes.push(new Set(note ? [note] : []));
    return this.#reversed.length - 1;
  }

  /** The offset a jump emitted next would need to reach `target`. */
  #distance(target: Label): number {
    return this.size - target - 1;
  }

  /** A `ret #k`, shared with an earlier identical one when it is near enough. */
  ret(k: number, note: string): Label {
    const cached = this.#rets.get(k >>> 0);
    // leave room for two trampolines between the jump and its targets
    if (cached !== undefined && this.#distance(cached) + 2 <= MAX_JUMP) {
      if (note) this.#notes[cached]!.add(note);
      return cached;
    }
    const label = this.emit(BPF_RET | BPF_K, k, note);
    this.#rets.set(k >>> 0, label);
    return label;
  }

  /** A conditional jump; far targets go through `ja` trampolines. */
  jump(op: number, k: number, whenTrue: Label, whenFalse: Label, note = ""): Label {
    if (whenTrue === whenFalse) return whenTrue;
    let t = whenTrue;
    let f = whenFalse;
    if (this.#distance(t) > MAX_JUMP) t = this.#trampoline(t);
    if (this.#distance(f) > MAX_JUMP) f = this.#trampoline(f);
    return this.#push({
      code: BPF_JMP | op | BPF_K,
      jt: this.#distance(t),
      jf: this.#distance(f),
      k: k >>> 0,
    }, note);
  }

  /** Makes `target` the next instruction to run (a `ja` unless it already is). */
  goto(target: Label): Label {
    return target === this.size - 1 ? target : this.#trampoline(target);
  }

  #trampoline(target: Label): Label {
    return this.emit(BPF_JMP | BPF_JA, this.#distance(target), "long jump");
  }

  /** The finished program, first instruction first, and the comments. */
  finish(): { instructions: SockFilter[]; comments: string[] } {
    const instructions = this.#reversed.slice().reverse();
    const comments = this.#notes.map((notes) => joinNotes([...notes])).reverse();
    return { instructions, comments };
  }
}

function joinNotes(notes: string[]): string {
  if (notes.length <= 3) return notes.join("; ");
  return `${notes.slice(0, 3).join("; ")}; +${notes.length - 3} more`;
}

// ---------------------------------------------------------------------------------------------
// Leaves and ranges

interface CompiledCase {
  readonly tests: readonly ArgTest[];
  readonly ret: number;
  readonly note: string;
}

type Leaf =
  | { readonly kind: "ret"; readonly key: string; readonly ret: number; readonly note: string }
  | {
    readonly kind: "args";
    readonly key: string;
    readonly name: string;
    readonly cases: readonly CompiledCase[];
    readonly otherwise: { readonly ret: number; readonly note: string };
  };

interface Range {
  readonly lo: number;
  hi: number;
  readonly leaf: Leaf;
  /** The syscall name at `lo`, for comments. */
  readonly name: string | null;
}

function decisionNote(decision: Decision): string {
  const who = decision.ruleId === null ? `${decision.policy} default` : `rule ${decision.ruleId}`;
  return decision.audited === undefined ? who : `${who} (audit: ${decision.audited})`;
}

/** `ret` with `SECCOMP_RET_ERRNO` turned into `SECCOMP_RET_USER_NOTIF` when `notify`. */
function notifyRet(ret: number, notify: boolean): number {
  return notify && ((ret & 0xffff0000) >>> 0) === SECCOMP_RET_ERRNO ? SECCOMP_RET_USER_NOTIF : ret;
}

function retLeaf(decision: Decision, notify = false): Leaf {
  const ret = notifyRet(decisionReturnValue(decision), notify);
  return { kind: "ret", key: `r${ret}`, ret, note: decisionNote(decision) };
}

function testKey(test: ArgTest): string {
  return `${test.index}${test.op}${test.value.toString(16)}/${test.mask?.toString(16) ?? ""}/${
    test.width ?? 64
  }`;
}

function syscallLeaf(decision: SyscallDecision, name: string, notify: boolean): Leaf {
  const otherwiseRet = notifyRet(decisionReturnValue(decision.otherwise), notify);
  const cases: CompiledCase[] = decision.cases.map((c) => ({
    tests: c.tests,
    ret: notifyRet(decisionReturnValue(c.decision), notify),
    note: decisionNote(c.decision),
  }));
  // trailing cases that return what `otherwise` returns change nothing
  while (cases.length > 0 && cases[cases.length - 1]!.ret === otherwiseRet) cases.pop();
  if (cases.length === 0) return retLeaf(decision.otherwise, notify);
  const key = `a${
    cases.map((c) => `${c.tests.map(testKey).join("&")}>${c.ret}`).join("|")
  }|${otherwiseRet}`;
  return {
    kind: "args",
    key,
    name,
    cases,
    otherwise: { ret: otherwiseRet, note: decisionNote(decision.otherwise) },
  };
}

/** Appends the ranges `filter` decides within `[lo, hi]` (numbers outside the span are ignored). */
function addFilterRanges(
  ranges: Range[],
  filter: ArchFilter,
  unknown: Leaf,
  lo: number,
  hi: number,
  prefix: string,
  notify: (nr: number) => boolean = () => false,
): void {
  const add = (from: number, to: number, leaf: Leaf, name: string | null) => {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last.leaf.key === leaf.key && last.hi === from - 1) last.hi = to;
    else ranges.push({ lo: from, hi: to, leaf, name });
  };
  let next = lo;
  for (const decision of filter.syscalls) {
    if (decision.nr < next || decision.nr > hi) continue;
    if (decision.nr > next) add(next, decision.nr - 1, unknown, null);
    const name = `${prefix}${decision.name ?? `#${decision.nr}`}`;
    add(decision.nr, decision.nr, syscallLeaf(decision, name, notify(decision.nr)), name);
    next = decision.nr + 1;
  }
  if (next <= hi) add(next, hi, unknown, null);
}

// ---------------------------------------------------------------------------------------------
// Argument tests: 64-bit unsigned comparisons on the two 32-bit halves

function argOffset(index: number, high: boolean): number {
  return SECCOMP_DATA_ARGS + 8 * index + (high ? 4 : 0);
}

/** Emits `load half; [and #mask;] jeq/jset …` for one half; returns its entry label. */
function emitHalfEquals(
  out: BackwardEmitter,
  index: number,
  high: boolean,
  mask: number,
  value: number,
  whenTrue: Label,
  whenFalse: Label,
  note: string,
): Label {
  const half = `args[${index}] ${high ? "high" : "low"}`;
  if (whenTrue === whenFalse) return whenTrue; // nothing to decide (and no load to fall through)
  if (mask === 0) return value === 0 ? whenTrue : whenFalse;
  if (value === 0 && mask !== 0xffffffff) {
    out.jump(BPF_JSET, mask, whenFalse, whenTrue, note);
  } else {
    out.jump(BPF_JEQ, value, whenTrue, whenFalse, note);
    if (mask !== 0xffffffff) out.emit(BPF_ALU | BPF_AND | BPF_K, mask);
  }
  return out.emit(BPF_LD | BPF_W | BPF_ABS, argOffset(index, high), half);
}

/** Emits one test; control goes to `whenTrue` when it holds, else to `whenFalse`. */
function emitTest(
  out: BackwardEmitter,
  test: ArgTest,
  whenTrue: Label,
  whenFalse: Label,
  note: string,
): Label {
  if (whenTrue === whenFalse) return whenTrue; // nothing to decide (and no load to fall through)
  if (test.width !== undefined) return emitNarrowTest(out, test, whenTrue, whenFalse, note);
  const value = BigInt.asUintN(64, test.value);
  const vh = Number(value >> 32n);
  const vl = Number(value & 0xffffffffn);
  const { index } = test;
  const what = `${note}: args[${index}] ${OP_TEXT[test.op]} 0x${value.toString(16)}`;
  switch (test.op) {
    case "eq":
    case "ne": {
      const [t, f] = test.op === "eq" ? [whenTrue, whenFalse] : [whenFalse, whenTrue];
      const low = emitHalfEquals(out, index, false, 0xffffffff, vl, t, f, what);
      return emitHalfEquals(out, index, true, 0xffffffff, vh, low, f, what);
    }
    case "masked_eq": {
      const mask = BigInt.asUintN(64, test.mask ?? (1n << 64n) - 1n);
      if ((value & ~mask) !== 0n) return whenFalse; // bits outside the mask never compare equal
      const mh = Number(mask >> 32n);
      const ml = Number(mask & 0xffffffffn);
      const low = emitHalfEquals(out, index, false, ml, vl & ml, whenTrue, whenFalse, what);
      return emitHalfEquals(out, index, true, mh, vh & mh, low, whenFalse, what);
    }
    case "gt":
    case "ge":
    case "lt":
    case "le": {
      // lt = not ge, le = not gt
      const strict = test.op === "gt" || test.op === "le";
      const [t, f] = test.op === "gt" || test.op === "ge"
        ? [whenTrue, whenFalse]
        : [whenFalse, whenTrue];
      out.jump(strict ? BPF_JGT : BPF_JGE, vl, t, f, what);
      const low = out.emit(BPF_LD | BPF_W | BPF_ABS, argOffset(index, false), `args[${index}] low`);
      let entry = out.jump(BPF_JEQ, vh, low, f, what);
      if (vh !== 0xffffffff) entry = out.jump(BPF_JGT, vh, t, entry, what);
      return out.emit(BPF_LD | BPF_W | BPF_ABS, argOffset(index, true), `args[${index}] high`);
    }
  }
}

/**
 * Emits a test on the low `width` bits of an argument (the kernel reads a 32- or 16-bit C type):
 * only the low half is loaded, and masked to 16 bits for `width: 16`. A value wider than the
 * argument is never equal to it and is above it, so such a test needs no instruction at all.
 */
function emitNarrowTest(
  out: BackwardEmitter,
  test: ArgTest,
  whenTrue: Label,
  whenFalse: Label,
  note: string,
): Label {
  const { index } = test;
  const max = test.width === 16 ? 0xffff : 0xffffffff;
  const value = BigInt.asUintN(64, test.value);
  const what = `${note}: args[${index}] ${OP_TEXT[test.op]} 0x${
    value.toString(16)
  } (low ${test.width} bits)`;
  const fits = value <= BigInt(max);
  const v = Number(value & BigInt(max));
  switch (test.op) {
    case "eq":
      return fits
        ? emitHalfEquals(out, index, false, max, v, whenTrue, whenFalse, what)
        : whenFalse;
    case "ne":
      return fits ? emitHalfEquals(out, index, false, max, v, whenFalse, whenTrue, what) : whenTrue;
    case "masked_eq": {
      const mask = Number(BigInt.asUintN(64, test.mask ?? (1n << 64n) - 1n) & BigInt(max));
      if (!fits || (v & ~mask) !== 0) return whenFalse; // bits outside the mask never compare equal
      return emitHalfEquals(out, index, false, mask, v, whenTrue, whenFalse, what);
    }
    case "gt":
    case "ge":
    case "lt":
    case "le": {
      const above = test.op === "gt" || test.op === "ge";
      if (!fits) return above ? whenFalse : whenTrue; // every argument is below the value
      // lt = not ge, le = not gt
      const strict = test.op === "gt" || test.op === "le";
      const [t, f] = above ? [whenTrue, whenFalse] : [whenFalse, whenTrue];
      out.jump(strict ? BPF_JGT : BPF_JGE, v, t, f, what);
      if (max !== 0xffffffff) out.emit(BPF_ALU | BPF_AND | BPF_K, max);
      return out.emit(BPF_LD | BPF_W | BPF_ABS, argOffset(index, false), `args[${index}] low`);
    }
  }
}

const OP_TEXT: Record<ArgTest["op"], string> = {
  eq: "==",
  ne: "!=",
  lt: "<",
  le: "<=",
  gt: ">",
  ge: ">=",
  masked_eq: "&=",
};

/** Emits a syscall's argument cases in order; returns the entry label. */
function emitArgs(out: BackwardEmitter, leaf: Extract<Leaf, { kind: "args" }>): Label {
  let next = out.ret(leaf.otherwise.ret, `${leaf.name}: ${leaf.otherwise.note}`);
  for (let i = leaf.cases.length - 1; i >= 0; i--) {
    const c = leaf.cases[i]!;
    const pass = out.ret(c.ret, `${leaf.name}: ${c.note}`);
    let entry = pass;
    for (let j = c.tests.length - 1; j >= 0; j--) {
      entry = emitTest(out, c.tests[j]!, entry, next, `${leaf.name} ${c.note}`);
    }
    next = entry;
  }
  return next;
}

// ---------------------------------------------------------------------------------------------
// The search tree

function emitTree(
  out: BackwardEmitter,
  ranges: readonly Range[],
  argBlocks: Map<string, Label>,
): Label {
  const leafLabel = (range: Range): Label => {
    const leaf = range.leaf;
    if (leaf.kind === "ret") return out.ret(leaf.ret, leaf.note);
    const known = argBlocks.get(leaf.key);
    if (known !== undefined) return known;
    const label = emitArgs(out, leaf);
    argBlocks.set(leaf.key, label);
    return label;
  };
  const build = (from: number, to: number): Label => {
    if (to - from === 1) return leafLabel(ranges[from]!);
    const mid = (from + to) >>> 1;
    const right = build(mid, to);
    const left = build(from, mid);
    const pivot = ranges[mid]!;
    const nr = pivot.lo >= X32_SYSCALL_BIT && pivot.lo < X32_SYSCALL_BIT + 0x10000
      ? `x32 ${pivot.lo - X32_SYSCALL_BIT}`
      : `${pivot.lo}`;
    const note = `nr >= ${nr}${pivot.name === null ? "" : ` (${pivot.name})`}`;
    return out.jump(BPF_JGE, pivot.lo, right, left, note);
  };
  return build(0, ranges.length);
}

interface ArchGroup {
  readonly auditArch: number;
  readonly arches: Arch[];
}

/**
 * Compiles one layer of the IR into a seccomp program admitting `arches`.
 *
 * @param layer The layer (`FilterSet.layers[i]`); it must have an {@linkcode ArchFilter} for each
 *   of `arches`.
 * @param arches The architectures to admit, checked in this order (put the native one first):
 *   e.g. `["x86_64", "i386", "x32"]` on an x86_64 host, `["aarch64"]` on arm64. Calls from any
 *   other architecture kill the process.
 * @param options How numbers the tables do not know are treated.
 * @returns The program, its per-instruction comments and raw bytes.
 * @throws {SeccompCompileError} `"program-too-large"` over 4096 instructions,
 *   `"arch-not-compiled"` when the layer lacks an architecture, `"invalid-arches"` for an empty
 *   or repeated list, `"invalid-data"` for an errno that does not fit 16 bits.
 *
 * @example
 * ```ts
 * import { compileSeccomp } from "@cordon/cordon";
 * import { decodeAction, runSeccomp } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const deny = { action: "deny", errno: 1, ruleId: null, policy: "p", loc } as const;
 * const allow = { action: "allow", ruleId: "r", policy: "p", loc } as const;
 * const layer = {
 *   policy: "p", mode: "enforce", defaultAction: "deny", defaultErrno: 1, loc,
 *   arches: [{
 *     arch: "x86_64",
 *     syscalls: [
 *       { nr: 0, name: "read", cases: [], otherwise: allow },
 *       { nr: 1, name: "write", cases: [], otherwise: deny },
 *     ],
 *     unknown: { ...deny, errno: 38 },
 *   }],
 * } as const;
 * const program = compileSeccomp(layer, ["x86_64"]);
 * const run = (nr: number) =>
 *   decodeAction(runSeccomp(program, { nr, arch: 0xc000003e, args: [] }).action);
 * if (run(0).action !== "allow" || run(1).data !== 1 || run(999).data !== 38) {
 *   throw new Error("unexpected decisions");
 * }
 * if (program.bytes().length !== program.instructions.length * 8) throw new Error("bytes");
 * ```
 */
export function compileSeccomp(
  layer: FilterLayer,
  arches: readonly Arch[],
  options: SeccompOptions = {},
): SeccompProgram {
  if (arches.length === 0) {
    throw new SeccompCompileError("invalid-arches", "At least one architecture must be admitted");
  }
  const filters = new Map<Arch, ArchFilter>();
  for (const arch of arches) {
    if (!ARCHES.includes(arch)) {
      throw new SeccompCompileError(
        "invalid-arches",
        `Unknown architecture "${arch}"; expected one of ${ARCHES.join(", ")}`,
      );
    }
    if (filters.has(arch)) {
      throw new SeccompCompileError("invalid-arches", `Architecture "${arch}" is listed twice`);
    }
    const filter = layer.arches.find((f) => f.arch === arch);
    if (filter === undefined) {
      throw new SeccompCompileError(
        "arch-not-compiled",
        `Policy "${layer.policy}" was not compiled for "${arch}" (it has ${
          layer.arches.map((f) => f.arch).join(", ") || "no architectures"
        }); compile it with that architecture`,
      );
    }
    filters.set(arch, filter);
  }

  // group the architectures by the audit value the kernel reports (x86_64 and x32 share one)
  const groups: ArchGroup[] = [];
  for (const arch of arches) {
    const auditArch = AUDIT_ARCH[arch] >>> 0;
    const group = groups.find((g) => g.auditArch === auditArch);
    if (group) group.arches.push(arch);
    else groups.push({ auditArch, arches: [arch] });
  }

  const kill: Leaf = {
    kind: "ret",
    key: `r${SECCOMP_RET_KILL_PROCESS}`,
    ret: SECCOMP_RET_KILL_PROCESS,
    note: "architecture not admitted",
  };
  const rangesOf = (group: ArchGroup): Range[] => {
    const ranges: Range[] = [];
    const spans: [Arch | undefined, number, number, string][] = group.auditArch ===
        AUDIT_ARCH.x86_64 >>> 0
      ? [
        [group.arches.includes("x86_64") ? "x86_64" : undefined, 0, X32_SYSCALL_BIT - 1, ""],
        [group.arches.includes("x32") ? "x32" : undefined, X32_SYSCALL_BIT, U32 - 1, "x32:"],
      ]
      : [[group.arches[0], 0, U32 - 1, ""]];
    for (const [arch, lo, hi, prefix] of spans) {
      const filter = arch === undefined ? undefined : filters.get(arch);
      if (filter === undefined) {
        const last = ranges[ranges.length - 1];
        if (last !== undefined && last.leaf.key === kill.key) last.hi = hi;
        else ranges.push({ lo, hi, leaf: kill, name: null });
        continue;
      }
      const notify = options.notifyDenials;
      const unknownRet = notifyRet(
        decisionReturnValue(unknownDecision(layer, filter, options)),
        notify?.(arch!, null) === true,
      );
      const unknown: Leaf = {
        kind: "ret",
        key: `r${unknownRet}`,
        ret: unknownRet,
        note: `${arch} numbers not in the tables`,
      };
      addFilterRanges(
        ranges,
        filter,
        unknown,
        lo,
        hi,
        prefix,
        notify ? (nr) => notify(arch!, nr) : undefined,
      );
    }
    return ranges;
  };

  const out = new BackwardEmitter();
  const argBlocks = new Map<string, Label>();
  let next = out.ret(SECCOMP_RET_KILL_PROCESS, "architecture not admitted");
  for (let g = groups.length - 1; g >= 0; g--) {
    const group = groups[g]!;
    const tree = emitTree(out, rangesOf(group), argBlocks);
    out.goto(tree);
    const section = out.emit(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_NR, "nr");
    next = out.jump(BPF_JEQ, group.auditArch, section, next, `arch ${group.arches.join(", ")}`);
  }
  out.goto(next);
  out.emit(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_ARCH, "arch");

  const { instructions, comments } = out.finish();
  if (instructions.length > BPF_MAXINSNS) {
    throw new SeccompCompileError(
      "program-too-large",
      `The seccomp program for policy "${layer.policy}" needs ${instructions.length} instructions, ` +
        `more than the kernel's limit of ${BPF_MAXINSNS}: split its argument rules into ` +
        `several policies (each layer is installed as its own filter) or admit fewer architectures`,
    );
  }
  return {
    instructions,
    comments,
    arches: [...arches],
    policy: layer.policy,
    bytes: () => encodeSockFilters(instructions),
  };
}

/** For the disassembler: the action name of a `ret` value. */
export { formatAction };
