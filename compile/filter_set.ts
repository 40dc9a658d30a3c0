/**
 * The compiler's intermediate representation: per policy layer and per architecture, the resolved,
 * prioritized decision for every syscall number, or the ordered argument cases that decide it.
 * Every decision names the rule (and its source location) that produced it.
 *
 * All later stages read this: the evaluator, the seccomp cBPF generator, the BPF map emitter, the
 * OCI exporter, the D/bpftrace emitters, the engine and its backends.
 *
 * @module
 */

import type {
  Action,
  Arch,
  ArgOp,
  FilesystemRules,
  Limits,
  MemoryRules,
  Mode,
  NetworkRules,
  Privileges,
  SourceLocation,
  Target,
} from "../policies/types.ts";

/** What one layer decides for one call. */
export interface Decision {
  /** The action applied. In `audit` mode deny/kill/trap are compiled to `log`, see {@linkcode Decision.audited}. */
  readonly action: Action;
  /** For `deny` (and an audited `deny`): the errno returned (or that would be). */
  readonly errno?: number;
  /** The deciding rule's id; `null` when the policy's `defaultAction` decided (or for unknown syscall numbers). */
  readonly ruleId: string | null;
  /** The layer's policy name. */
  readonly policy: string;
  /** The deciding rule's location, or the `defaultAction` key's (the policy's `metadata.name` when not written). */
  readonly loc: SourceLocation;
  /** In `audit` mode, the action that would have applied (the compiled `action` is then `log`). */
  readonly audited?: Action;
}

/**
 * The one reading of audit mode's two encodings: what the policy decides, applied or not. The IR
 * keeps the compiled action (`log`) with the intended one in `audited`; events and reports carry
 * the intended action with `audit: true` ({@linkcode isAudited}). Every conversion between them
 * goes through these two functions.
 *
 * @example
 * ```ts
 * import { intendedAction, isAudited } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 3, column: 5 };
 * const audited = { action: "log", audited: "deny", ruleId: "r", policy: "p", loc } as const;
 * if (intendedAction(audited) !== "deny" || !isAudited(audited)) throw new Error();
 * if (intendedAction({ action: "kill" }) !== "kill" || isAudited({})) throw new Error();
 * ```
 */
export function intendedAction(decision: Pick<Decision, "action" | "audited">): Action {
  return decision.audited ?? decision.action;
}

/**
 * Whether a decision was made in audit mode (its compiled action only logs; see
 * {@linkcode intendedAction}).
 *
 * @example
 * ```ts
 * import { isAudited } from "@cordon/cordon";
 * if (!isAudited({ audited: "kill" }) || isAudited({})) throw new Error();
 * ```
 */
export function isAudited(decision: Pick<Decision, "audited">): boolean {
  return decision.audited !== undefined;
}

/**
 * One argument test of an {@linkcode ArgCase}; the semantics of an `ArgCondition` (without
 * location), narrowed to the bits the kernel reads when {@linkcode ArgTest.width} is set.
 */
export interface ArgTest {
  /** The argument, 0–5. */
  readonly index: 0 | 1 | 2 | 3 | 4 | 5;
  /** The comparison, unsigned: on all 64 bits, or on the low {@linkcode ArgTest.width} bits. */
  readonly op: ArgOp;
  /** The value compared with (for `masked_eq`, with the masked argument). */
  readonly value: bigint;
  /** For `masked_eq`: the mask applied to the argument. */
  readonly mask?: bigint;
  /**
   * The kernel reads this argument as a 32-bit (or, for `umode_t` and i386's 16-bit uids, a
   * 16-bit) C type: only the low `width` bits of the argument are compared, unsigned (so `lt`,
   * `le`, `gt`, `ge` on an `int` compare its low 32 bits as an unsigned number). The compiler
   * writes `value` and `mask` reduced to those bits. Absent: all 64 bits are compared (a 64-bit
   * type, or a type the compiler does not know).
   */
  readonly width?: 16 | 32;
}

/** A conditional decision: applies when all tests hold. */
export interface ArgCase {
  /** All must hold (AND); never empty (an unconditional rule is an `otherwise`). */
  readonly tests: readonly ArgTest[];
  /** What the case decides. */
  readonly decision: Decision;
  /** The priority of the rule the case came from. */
  readonly priority: number;
}

/** The decision for one syscall number on one architecture. */
export interface SyscallDecision {
  /** The number as the kernel sees it in `seccomp_data.nr` (x32 numbers include `0x40000000`). */
  readonly nr: number;
  /** The name in this architecture's table, or `null` for a number the table does not know. */
  readonly name: string | null;
  /** Tried in order; the first whose tests all hold decides. */
  readonly cases: readonly ArgCase[];
  /** Decides when no case holds. */
  readonly otherwise: Decision;
}

/** One architecture's complete decision table for one layer. */
export interface ArchFilter {
  /** The architecture (ABI). */
  readonly arch: Arch;
  /** Every number in the architecture's syscall table (and numbers a policy named), sorted by `nr`. */
  readonly syscalls: readonly SyscallDecision[];
  /**
   * Decides numbers not in `syscalls`: the policy's default, or `deny` with ENOSYS when the default
   * is `deny` or stricter and the compile option `unknownSyscalls` is `"enosys"` (the default), so
   * that libc fallbacks for syscalls newer than the tables keep working (audited in `audit` mode).
   */
  readonly unknown: Decision;
}

/** One policy's compiled form: an independent layer; across layers the strictest decision wins. */
export interface FilterLayer {
  /** The policy's name. */
  readonly policy: string;
  /** `audit`: deny/kill/trap were compiled to `log`. */
  readonly mode: Mode;
  /** Who the layer applies to; absent: what `run` launches. */
  readonly target?: Target;
  /** The policy's `defaultAction`. */
  readonly defaultAction: Action;
  /** The policy's `defaultErrno`. */
  readonly defaultErrno: number;
  /** One filter per compiled architecture, in `ARCHES` order. */
  readonly arches: readonly ArchFilter[];
  /** The policy's path rules (for Landlock). */
  readonly filesystem?: FilesystemRules;
  /** The policy's network rules (for cgroup BPF). */
  readonly network?: NetworkRules;
  /** The policy's rate limits. */
  readonly limits?: Limits;
  /** The privileges the policy hands the command (`run`); absent: the defaults (none). */
  readonly privileges?: Privileges;
  /** The policy's memory rules (W^X), compiled into the seccomp filter too. */
  readonly memory?: MemoryRules;
  /** The policy's `metadata.name`. */
  readonly loc: SourceLocation;
}

/** A compiled policy set: the IR. Deterministic: the same input gives byte-identical JSON. */
export interface FilterSet {
  /** The IR's version. */
  readonly version: 1;
  /** One layer per policy, in policy-set order; the strictest decision across them wins. */
  readonly layers: readonly FilterLayer[];
}
