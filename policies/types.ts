/**
 * The policy model: what a parsed policy file becomes, before and after `extends` and
 * capability groups are resolved. Every value that came from a file keeps its
 * {@linkcode SourceLocation}, so that any decision can be traced back to the line that made it.
 *
 * @module
 */

/** The architectures Cordon resolves syscalls for. `x32` is the x32 ABI of x86_64. */
export type Arch = "x86_64" | "i386" | "x32" | "aarch64";

/** Every architecture, in the order compiled outputs list them. */
export const ARCHES: readonly Arch[] = ["x86_64", "i386", "x32", "aarch64"];

/**
 * What happens to a syscall. The policy format's five (`allow deny kill log trap`) plus the
 * rest of the kernel's seccomp actions. `deny` returns an errno; `kill` kills the whole process.
 */
export type Action =
  | "allow"
  | "log"
  | "trace"
  | "notify"
  | "deny"
  | "trap"
  | "kill_thread"
  | "kill";

/**
 * Actions from the most to the least strict: the kernel's precedence for stacked seccomp
 * filters (KILL_PROCESS > KILL_THREAD > TRAP > ERRNO > USER_NOTIF > TRACE > LOG > ALLOW).
 */
export const ACTIONS_BY_STRICTNESS: readonly Action[] = [
  "kill",
  "kill_thread",
  "trap",
  "deny",
  "notify",
  "trace",
  "log",
  "allow",
];

/**
 * How strict an action is: a higher number is stricter.
 *
 * @example
 * ```ts
 * import { strictness } from "./types.ts";
 * if (!(strictness("kill") > strictness("deny"))) throw new Error("kill must beat deny");
 * ```
 */
export function strictness(action: Action): number {
  return ACTIONS_BY_STRICTNESS.length - ACTIONS_BY_STRICTNESS.indexOf(action);
}

/** A position in a source file. `line` and `column` are 1-based; `file` is the path given or `builtin:NAME`. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Comparison operators on a syscall argument, as in seccomp. */
export type ArgOp = "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "masked_eq";

/**
 * One condition on a syscall argument. Values are unsigned 64-bit (negative numbers in a policy
 * are stored two's complement). For `masked_eq` the test is `(arg & mask) == value`.
 */
export interface ArgCondition {
  readonly index: 0 | 1 | 2 | 3 | 4 | 5;
  readonly op: ArgOp;
  readonly value: bigint;
  readonly mask?: bigint;
  readonly loc: SourceLocation;
}

/** A syscall named in a rule: by name (resolved per architecture) or by its number on each architecture. */
export type SyscallRef =
  | { readonly kind: "name"; readonly name: string; readonly loc: SourceLocation }
  | { readonly kind: "number"; readonly nr: number; readonly loc: SourceLocation };

/** One rule, as written in `spec.rules` or expanded from a capability group. */
export interface Rule {
  /** `rules[].id`, or `"<policy>#<index>"`; for capability rules `"<policy>:cap:<allow|deny>:<group>"`. */
  readonly id: string;
  /** The policy the rule was written in (differs from the layer's policy when inherited through `extends`). */
  readonly policy: string;
  readonly origin: "rule" | "capability";
  readonly syscalls: readonly SyscallRef[];
  readonly action: Action;
  /** The errno a `deny` returns; absent means the policy's `defaultErrno`. */
  readonly errno?: number;
  readonly priority: number;
  /** All must hold (AND). Empty means the rule matches every call of its syscalls. */
  readonly args: readonly ArgCondition[];
  readonly loc: SourceLocation;
}

/** Who a policy applies to. Every given field must match (AND); within a list any entry (OR). */
export interface Target {
  readonly pids?: readonly number[];
  readonly comms?: readonly string[];
  readonly executables?: readonly string[];
  readonly cgroups?: readonly string[];
  readonly uids?: readonly number[];
}

/** `spec.filesystem`: path rules, enforced with Landlock by `run`. */
export interface FilesystemRules {
  readonly read: readonly string[];
  readonly write: readonly string[];
  readonly execute: readonly string[];
  /** The lowest Landlock ABI the policy accepts; below it `run` refuses. */
  readonly minAbi?: number;
  readonly loc: SourceLocation;
}

/** One network endpoint rule such as `tcp/443`, `127.0.0.1:5432` or `udp/[::1]:53`. */
export interface NetworkEndpoint {
  /** The text as written. */
  readonly text: string;
  readonly protocol: "tcp" | "udp" | "any";
  /** An IPv4/IPv6 address or CIDR; absent means any address. */
  readonly address?: string;
  /** A port or an inclusive range; absent means any port. */
  readonly ports?: readonly [number, number];
  readonly loc: SourceLocation;
}

/** `spec.network`: enforced with cgroup BPF (and Landlock TCP where available). */
export interface NetworkRules {
  readonly connect: readonly NetworkEndpoint[];
  readonly bind: readonly NetworkEndpoint[];
  readonly loc: SourceLocation;
}

/** `spec.limits`. */
export interface Limits {
  readonly syscallsPerSecond?: {
    readonly max: number;
    readonly action: Action;
    readonly loc: SourceLocation;
  };
}

/** Whether deny/kill/trap are applied (`enforce`) or only reported (`audit`). */
export type Mode = "enforce" | "audit";

/** One policy document as parsed and validated, before `extends` is resolved. */
export interface Policy {
  readonly name: string;
  readonly description?: string;
  /** Names of policies in the same set, or `builtin:NAME`. */
  readonly extends: readonly { readonly name: string; readonly loc: SourceLocation }[];
  /** Absent means "what `run` launches". */
  readonly target?: Target;
  readonly defaultAction: Action;
  readonly defaultErrno: number;
  readonly mode: Mode;
  readonly capabilities: {
    readonly allow: readonly { readonly name: string; readonly loc: SourceLocation }[];
    readonly deny: readonly { readonly name: string; readonly loc: SourceLocation }[];
  };
  readonly rules: readonly Rule[];
  readonly filesystem?: FilesystemRules;
  readonly network?: NetworkRules;
  readonly limits?: Limits;
  /** Where `metadata.name` is. */
  readonly loc: SourceLocation;
  /** Whether `defaultAction`, `defaultErrno`, `mode` were written (they override a parent's only then). */
  readonly explicit: {
    readonly defaultAction: boolean;
    readonly defaultErrno: boolean;
    readonly mode: boolean;
  };
}

/** The policies of one or more files, in file and document order. Names are unique. */
export interface PolicySet {
  readonly policies: readonly Policy[];
}

/**
 * A policy with `extends` merged and capability groups expanded into priority-0 rules:
 * what the compiler consumes. Each is one independent layer.
 */
export interface ResolvedPolicy {
  readonly name: string;
  readonly target?: Target;
  readonly defaultAction: Action;
  readonly defaultErrno: number;
  readonly mode: Mode;
  /** Written rules and expanded capability rules, parents' first. */
  readonly rules: readonly Rule[];
  readonly filesystem?: FilesystemRules;
  readonly network?: NetworkRules;
  readonly limits?: Limits;
  readonly loc: SourceLocation;
}
