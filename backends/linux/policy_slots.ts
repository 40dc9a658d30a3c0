/**
 * A policy slot in the monitor's maps: the compiled decisions of one combination of layers
 * (`decisions`, with their argument cases in `arg_cases`) and its rate limit (`limits`), written
 * under one slot number that processes are switched to, and deleted again once no process uses
 * it. The eBPF backend decides which slots exist; this module writes and deletes them.
 *
 * @module
 */

import type { FilterLayer } from "../../compile/filter_set.ts";
import { combinedDecisions, type SlotDecision } from "../../compile/bpf_maps.ts";
import {
  CORDON_ACT,
  CORDON_DECISION,
  encodeArgCases,
  encodeDecision,
  encodeDecisionKey,
  encodeLimit,
  u32Key,
} from "../../bpf/structs.ts";
import type { BpfMap } from "./bpf_map.ts";

/** The monitor's maps a slot lives in. */
export interface SlotMaps {
  /** `decisions`: (slot, syscall slot) → decision. */
  readonly decisions: BpfMap;
  /** `arg_cases`: (slot, syscall slot) → the argument cases a decision points at. */
  readonly argCases: BpfMap;
  /** `limits`: slot → the rate limit. */
  readonly limits: BpfMap;
}

/**
 * Writes the decisions of `layers` combined under `slot` (argument cases before the decisions
 * that point the kernel at them), and their first rate limit. Without `enforce` every decision
 * is marked audited: the kernel side reports it and applies nothing.
 *
 * @returns The decisions written (by syscall slot), and how many map updates it took.
 *
 * @example
 * ```ts ignore
 * import { writePolicySlot } from "./policy_slots.ts";
 * const { decisions } = writePolicySlot(maps, 1, set.layers, true);
 * ```
 */
export function writePolicySlot(
  maps: SlotMaps,
  slot: number,
  layers: readonly FilterLayer[],
  enforce: boolean,
): { decisions: Map<number, SlotDecision>; updates: number } {
  const decisions = combinedDecisions(layers, new Map());
  let updates = 0;
  for (const [syscallSlot, d] of decisions) {
    // Without LSM enforcement a DENY is reported by the kernel side (an event), not applied.
    const flags = enforce ? d.flags : d.flags | CORDON_DECISION.audit;
    const key = encodeDecisionKey(slot, syscallSlot);
    if (d.argCases) {
      const argCases = enforce
        ? d.argCases
        : d.argCases.map((c) => ({ ...c, flags: c.flags | CORDON_DECISION.audit }));
      maps.argCases.update(key, encodeArgCases(argCases));
      updates++;
    }
    maps.decisions.update(key, encodeDecision({ ...d, flags }));
    updates++;
  }
  const limit = layers.map((layer) => layer.limits?.syscallsPerSecond).find((l) => l);
  if (limit) {
    const kill = limit.action === "kill" || limit.action === "kill_thread";
    maps.limits.update(
      u32Key(slot),
      encodeLimit(BigInt(limit.max), kill && enforce ? CORDON_ACT.kill : CORDON_ACT.log, 0),
    );
    updates++;
  }
  return { decisions, updates };
}

/**
 * Deletes what {@linkcode writePolicySlot} wrote under `slot`.
 *
 * @example
 * ```ts ignore
 * import { deletePolicySlot } from "./policy_slots.ts";
 * deletePolicySlot(maps, 1, decisions);
 * ```
 */
export function deletePolicySlot(
  maps: SlotMaps,
  slot: number,
  decisions: ReadonlyMap<number, SlotDecision>,
): void {
  for (const [syscallSlot, d] of decisions) {
    maps.decisions.delete(encodeDecisionKey(slot, syscallSlot));
    if (d.argCases) maps.argCases.delete(encodeDecisionKey(slot, syscallSlot));
  }
  maps.limits.delete(u32Key(slot));
}
