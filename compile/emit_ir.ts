/**
 * The IR as text: a {@linkcode FilterSet} written as stable, versioned, compact JSON
 * (`cordon compile --emit ir`). The shape is documented in `docs/ir.md`.
 *
 * @module
 */

import type { SourceLocation } from "../policies/types.ts";
import type { ArgCase, ArgTest, Decision, FilterLayer, FilterSet } from "./filter_set.ts";
import { stableJson } from "./stable_json.ts";
import { formatLocation } from "../policies/types.ts";

/** The `format` field of emitted IR. */
export const IR_FORMAT = "cordon-ir";

/** The version of the emitted shape; bumped on any incompatible change. */
export const IR_VERSION = 1;

/**
 * Writes `set` as JSON: object keys sorted, bigints as `"0x…"` strings, locations as
 * `"FILE:LINE:COL"`. Each layer lists its distinct decisions once (`decisions`) and every syscall
 * refers to them by index, keyed `"NAME:NR"` (`":NR"` for a number the table does not name).
 * The same set always gives the same bytes.
 *
 * @param set The compiled policies.
 * @returns The JSON text, ending with a newline.
 *
 * @example
 * ```ts
 * import { compilePolicies } from "@cordon/cordon";
 * import { emitIr } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 3, column: 9 };
 * const set = compilePolicies([{
 *   name: "p", defaultAction: "allow", defaultErrno: 1, mode: "enforce", loc, rules: [],
 * }], { arches: ["x86_64"] });
 * const ir = JSON.parse(emitIr(set));
 * if (ir.format !== "cordon-ir" || ir.layers[0].arches.x86_64.syscalls["read:0"] !== 0) {
 *   throw new Error("read is decided by decision 0, the default");
 * }
 * ```
 */
export function emitIr(set: FilterSet): string {
  return stableJson({
    format: IR_FORMAT,
    version: IR_VERSION,
    layers: set.layers.map(emitLayer),
  });
}

function emitLayer(layer: FilterLayer): Record<string, unknown> {
  const decisions: Record<string, unknown>[] = [];
  const indexes = new Map<string, number>();
  const ref = (decision: Decision): number => {
    const value = emitDecision(decision, layer.policy);
    const key = JSON.stringify(value);
    let index = indexes.get(key);
    if (index === undefined) {
      index = decisions.push(value) - 1;
      indexes.set(key, index);
    }
    return index;
  };
  const arches: Record<string, unknown> = {};
  for (const filter of layer.arches) {
    const unknown = ref(filter.unknown);
    const syscalls: Record<string, unknown> = {};
    for (const entry of filter.syscalls) {
      const key = `${entry.name ?? ""}:${entry.nr}`;
      if (entry.cases.length === 0) {
        syscalls[key] = ref(entry.otherwise);
      } else {
        const cases = entry.cases.map((c) => emitCase(c, ref));
        syscalls[key] = { cases, otherwise: ref(entry.otherwise) };
      }
    }
    arches[filter.arch] = { unknown, syscalls };
  }
  return {
    policy: layer.policy,
    mode: layer.mode,
    target: layer.target,
    defaultAction: layer.defaultAction,
    defaultErrno: layer.defaultErrno,
    loc: formatLocation(layer.loc),
    filesystem: withLocStrings(layer.filesystem),
    network: withLocStrings(layer.network),
    limits: withLocStrings(layer.limits),
    decisions,
    arches,
  };
}

function emitDecision(decision: Decision, policy: string): Record<string, unknown> {
  return {
    action: decision.action,
    errno: decision.errno,
    audited: decision.audited,
    ruleId: decision.ruleId,
    // Always the layer's own policy for compiled sets; written only if it differs.
    policy: decision.policy === policy ? undefined : decision.policy,
    loc: formatLocation(decision.loc),
  };
}

function emitCase(c: ArgCase, ref: (d: Decision) => number): Record<string, unknown> {
  return {
    priority: c.priority,
    tests: c.tests.map((t: ArgTest) => ({
      arg: t.index,
      op: t.op,
      value: t.value,
      mask: t.mask,
      width: t.width,
    })),
    decision: ref(c.decision),
  };
}

function isLoc(value: unknown): value is SourceLocation {
  if (value === null || typeof value !== "object") return false;
  const keys = Object.keys(value);
  return keys.length === 3 && "file" in value && "line" in value && "column" in value;
}

/** A copy of a policy section with every {@linkcode SourceLocation} written as `"FILE:LINE:COL"`. */
function withLocStrings(value: unknown): unknown {
  if (isLoc(value)) return formatLocation(value);
  if (Array.isArray(value)) return value.map(withLocStrings);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withLocStrings(v)]));
  }
  return value;
}
