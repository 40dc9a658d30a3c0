/**
 * Counts of what a compiled filter set does, per layer and architecture: how many syscalls are
 * allowed, denied, killed, … outright, and how many are decided by their arguments.
 *
 * @module
 */

import { type Action, ACTIONS_BY_STRICTNESS, type Arch } from "../policies/types.ts";
import type { FilterSet } from "./filter_set.ts";

/** One layer's counts on one architecture. */
export interface ArchSummary {
  /** The architecture. */
  readonly arch: Arch;
  /** Listed syscall numbers (the architecture's table plus numbers policies name). */
  readonly syscalls: number;
  /** Syscalls decided without looking at arguments, by action (every action present, 0 if none). */
  readonly byAction: Readonly<Record<Action, number>>;
  /** Syscalls with argument cases. */
  readonly conditional: number;
  /** The action for numbers not in the table. */
  readonly unknown: Action;
}

/** One layer's summary. */
export interface LayerSummary {
  /** The layer's policy. */
  readonly policy: string;
  /** The layer's mode. */
  readonly mode: "enforce" | "audit";
  /** One summary per compiled architecture, in the set's order. */
  readonly arches: readonly ArchSummary[];
}

/**
 * Summarises `set`: per layer and architecture, the number of syscalls per unconditional action
 * and the number decided by arguments. In `audit` mode actions are counted as compiled (`log`).
 *
 * @param set The compiled policies.
 * @returns One summary per layer, in layer order.
 *
 * @example
 * ```ts
 * import { compilePolicies, summarizeFilterSet } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const set = compilePolicies([{
 *   name: "p", defaultAction: "deny", defaultErrno: 1, mode: "enforce", loc,
 *   rules: [{
 *     id: "r", policy: "p", origin: "rule", action: "allow", priority: 0, args: [], loc,
 *     syscalls: [{ kind: "name", name: "read", loc }, { kind: "name", name: "write", loc }],
 *   }],
 * }], { arches: ["x86_64"] });
 * const x86 = summarizeFilterSet(set)[0]!.arches[0]!;
 * if (x86.byAction.allow !== 2 || x86.byAction.deny !== x86.syscalls - 2 - x86.conditional) {
 *   throw new Error();
 * }
 * ```
 */
export function summarizeFilterSet(set: FilterSet): LayerSummary[] {
  return set.layers.map((layer) => ({
    policy: layer.policy,
    mode: layer.mode,
    arches: layer.arches.map((filter): ArchSummary => {
      const byAction = Object.fromEntries(ACTIONS_BY_STRICTNESS.map((a) => [a, 0])) as Record<
        Action,
        number
      >;
      let conditional = 0;
      for (const s of filter.syscalls) {
        if (s.cases.length > 0) conditional++;
        else byAction[s.otherwise.action]++;
      }
      return {
        arch: filter.arch,
        syscalls: filter.syscalls.length,
        byAction,
        conditional,
        unknown: filter.unknown.action,
      };
    }),
  }));
}
