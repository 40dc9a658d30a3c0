/**
 * Builders of {@linkcode ResolvedPolicy} values for the compiler's unit tests and benchmarks.
 *
 * @module
 */

import type {
  Action,
  ArgCondition,
  ResolvedPolicy,
  Rule,
  SourceLocation,
  SyscallRef,
  Target,
} from "../policies/types.ts";

/** A location on `line` of `test.yaml`. */
export function at(line: number, column = 3): SourceLocation {
  return { file: "test.yaml", line, column };
}

/** Options of {@linkcode rule}. */
export interface RuleSpec {
  readonly id: string;
  readonly syscalls: readonly (string | number)[];
  readonly action: Action;
  readonly priority?: number;
  readonly errno?: number;
  readonly args?: readonly Omit<ArgCondition, "loc">[];
  readonly line?: number;
  readonly policy?: string;
}

/** A rule of policy `p` (unless `spec.policy`), written on `spec.line` (default 10). */
export function rule(spec: RuleSpec): Rule {
  const loc = at(spec.line ?? 10);
  const syscalls = spec.syscalls.map((s): SyscallRef =>
    typeof s === "number" ? { kind: "number", nr: s, loc } : { kind: "name", name: s, loc }
  );
  const built: { -readonly [K in keyof Rule]: Rule[K] } = {
    id: spec.id,
    policy: spec.policy ?? "p",
    origin: "rule",
    syscalls,
    action: spec.action,
    priority: spec.priority ?? 0,
    args: (spec.args ?? []).map((a) => ({ ...a, loc })),
    loc,
  };
  if (spec.errno !== undefined) built.errno = spec.errno;
  return built;
}

/** Options of {@linkcode policy}. */
export interface PolicySpec {
  readonly name?: string;
  readonly defaultAction?: Action;
  readonly defaultErrno?: number;
  readonly mode?: "enforce" | "audit";
  readonly target?: Target;
  readonly rules?: readonly Rule[];
}

/** A resolved policy named `p` (unless given), default `allow`, errno EPERM, enforce, at line 1. */
export function policy(spec: PolicySpec = {}): ResolvedPolicy {
  const built: { -readonly [K in keyof ResolvedPolicy]: ResolvedPolicy[K] } = {
    name: spec.name ?? "p",
    defaultAction: spec.defaultAction ?? "allow",
    defaultErrno: spec.defaultErrno ?? 1,
    mode: spec.mode ?? "enforce",
    rules: spec.rules ?? [],
    loc: at(1, 9),
  };
  if (spec.target !== undefined) built.target = spec.target;
  return built;
}

/** Deterministic pseudo-random numbers (xorshift32) for generated policies. */
export function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

const ACTIONS: readonly Action[] = ["allow", "deny", "log", "kill", "trap", "allow", "deny"];

/**
 * A generated policy of `count` rules over the names in `names`: mixed priorities and actions,
 * one in four with argument conditions.
 */
export function generatedPolicy(
  count: number,
  names: readonly string[],
  seed = 42,
): ResolvedPolicy {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const rules: Rule[] = [];
  for (let i = 0; i < count; i++) {
    const syscalls = Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(names));
    const args: Omit<ArgCondition, "loc">[] = next() < 0.25
      ? [{
        index: Math.floor(next() * 6) as 0 | 1 | 2 | 3 | 4 | 5,
        op: pick(["eq", "ne", "lt", "gt", "masked_eq"] as const),
        value: BigInt(Math.floor(next() * 16)),
        mask: 0xffn,
      }]
      : [];
    rules.push(rule({
      id: `r${i}`,
      syscalls,
      action: pick(ACTIONS),
      priority: Math.floor(next() * 8),
      errno: 1 + Math.floor(next() * 30),
      args: args.map((a) =>
        a.op === "masked_eq" ? a : { index: a.index, op: a.op, value: a.value }
      ),
      line: 10 + i,
    }));
  }
  return policy({ name: `gen${seed}`, defaultAction: "deny", rules });
}
