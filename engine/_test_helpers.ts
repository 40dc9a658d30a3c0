/**
 * Builders for engine tests: resolved policies written in code, without YAML.
 *
 * @module
 */

import type {
  Action,
  Limits,
  Mode,
  ResolvedPolicy,
  Rule,
  SourceLocation,
  Target,
} from "../policies/types.ts";
import type { ArgCondition } from "../policies/types.ts";

/** A location in a fictional `test.yaml`. */
export function loc(line: number, column = 5): SourceLocation {
  return { file: "test.yaml", line, column };
}

/** A rule for {@linkcode testPolicy}. */
export interface TestRule {
  readonly id: string;
  readonly syscalls: readonly string[];
  readonly action: Action;
  readonly priority?: number;
  readonly errno?: number;
  readonly args?: readonly Omit<ArgCondition, "loc">[];
  readonly line?: number;
}

/** A resolved policy from a few fields. */
export function testPolicy(spec: {
  name?: string;
  defaultAction?: Action;
  mode?: Mode;
  target?: Target;
  rules?: readonly TestRule[];
  limits?: { max: number; action: Action };
}): ResolvedPolicy {
  const name = spec.name ?? "test";
  const rules: Rule[] = (spec.rules ?? []).map((r, i) => ({
    id: r.id,
    policy: name,
    origin: "rule",
    syscalls: r.syscalls.map((s) => ({ kind: "name", name: s, loc: loc(r.line ?? 10 + i, 17) })),
    action: r.action,
    ...(r.errno === undefined ? {} : { errno: r.errno }),
    priority: r.priority ?? 0,
    args: (r.args ?? []).map((a) => ({ ...a, loc: loc(r.line ?? 10 + i, 30) })),
    loc: loc(r.line ?? 10 + i),
  }));
  const limits: Limits | undefined = spec.limits === undefined ? undefined : {
    syscallsPerSecond: { max: spec.limits.max, action: spec.limits.action, loc: loc(40) },
  };
  return {
    name,
    ...(spec.target === undefined ? {} : { target: spec.target }),
    defaultAction: spec.defaultAction ?? "allow",
    defaultErrno: 1,
    mode: spec.mode ?? "enforce",
    rules,
    ...(limits === undefined ? {} : { limits }),
    loc: loc(3, 9),
  };
}
