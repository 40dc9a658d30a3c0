/**
 * The simulation's maps ({@linkcode SimulatedMaps}): the maps of the loaded programs' objects with
 * their real names, types and sizes (`backends/kernel_programs.ts`), held while a program uses
 * them, and the entries the simulation keeps in five of them, as the kernel keeps the same facts
 * there (see {@linkcode SIMULATED_MAPS}).
 *
 * @module
 */

import type { Action } from "../../policies/types.ts";
import type { FilterSet } from "../../compile/filter_set.ts";
import { combinedDecisions, type SlotDecision } from "../../compile/bpf_maps.ts";
import type { BackendProcess, MapInfo, MapType } from "../../engine/backend.ts";
import type { KernelMap } from "../kernel_programs.ts";

/**
 * The maps of the monitor object (`bpf/monitor.bpf.c`) the simulation keeps its bookkeeping in,
 * as the kernel keeps the same facts there (keys are strings standing for the kernel's key
 * structs; values are plain objects, not the kernel's bytes):
 *
 * - `procs` (key: the tgid): one entry per live simulated process, `{ start, comm, total }`,
 *   `total` counting its syscalls while it is monitored (the kernel's `cordon_proc.total`);
 *   removed when it exits, as `sched_process_exit` removes it. The simulation decides every
 *   process, so every process has one (the kernel's hold the processes it tracks).
 * - `tasks` (key: the tid, the process's pid for its main thread): the per-thread syscall counts
 *   of monitored processes (`cordon_task`), removed with the process or when it is unmonitored.
 * - `decisions` (key: `"<policy slot>:<syscall slot>"`, `cordon_decision_key`): the compiled
 *   non-allow decisions of each applied layer (slot = layer index + 1), as
 *   `compile/bpf_maps.ts`'s `combinedDecisions` gives them; `arg_cases` the argument cases of
 *   those decided by arguments, under the same key; `limits` (key: the policy slot) each
 *   layer's `limits.syscallsPerSecond`.
 *
 * The other maps of a loaded program's object exist with their real shapes and stay empty.
 */
export const SIMULATED_MAPS = ["procs", "tasks", "decisions", "arg_cases", "limits"] as const;
export type SimulatedMap = typeof SIMULATED_MAPS[number];

/** A `procs` entry of the simulation. */
export interface SimProc {
  readonly start: number;
  comm: string;
  total: number;
}

/** A `tasks` entry of the simulation. */
export interface SimTask {
  readonly pid: number;
  readonly start: number;
  count: number;
}

interface SimMap {
  readonly name: string;
  readonly type: MapType;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly kernelId: number;
  users: number;
  readonly entries: Map<string, unknown>;
}

/**
 * The `decisions`, `arg_cases` and `limits` entries of `set`'s layers, one policy slot per layer
 * as `compile/bpf_maps.ts` numbers them (`cordon compile --emit maps`); the eBPF backend writes
 * the same decisions, under the slots it combines for the processes it assigns.
 */
function kernelEntries(
  set: FilterSet,
): Record<"decisions" | "arg_cases" | "limits", Map<string, unknown>> {
  const decisions = new Map<string, SlotDecision>();
  const argCases = new Map<string, SlotDecision["argCases"]>();
  const limits = new Map<string, { maxPerSecond: number; action: Action }>();
  set.layers.forEach((layer, index) => {
    const slot = index + 1; // as compile/bpf_maps.ts numbers policy slots
    for (const [syscallSlot, decision] of combinedDecisions([layer], new Map())) {
      const key = `${slot}:${syscallSlot}`;
      decisions.set(key, decision);
      if (decision.argCases !== undefined) argCases.set(key, decision.argCases);
    }
    const limit = layer.limits?.syscallsPerSecond;
    if (limit !== undefined) {
      limits.set(String(slot), { maxPerSecond: limit.max, action: limit.action });
    }
  });
  return { decisions, arg_cases: argCases, limits };
}

/**
 * The simulation's live maps and the entries it keeps in them.
 *
 * @example
 * ```ts ignore
 * import { SimulatedMaps } from "./simulated_maps.ts";
 * const maps = new SimulatedMaps();
 * if (maps.list().length !== 0) throw new Error();
 * ```
 */
export class SimulatedMaps {
  readonly #maps = new Map<string, SimMap>();
  #nextId: () => number;

  /** Maps numbered by `nextId` (shared with the programs' ids, as the kernel's are). */
  constructor(nextId: () => number) {
    this.#nextId = nextId;
  }

  /** A program holding `specs` loaded: each map is made on its first holder. */
  hold(specs: readonly KernelMap[]): void {
    for (const spec of specs) {
      let map = this.#maps.get(spec.name);
      if (map === undefined) {
        map = { ...spec, kernelId: this.#nextId(), users: 0, entries: new Map() };
        this.#maps.set(spec.name, map);
      }
      map.users++;
    }
  }

  /** A program holding `names` unloaded: each map goes with its last holder. */
  release(names: readonly string[]): void {
    for (const name of names) {
      const map = this.#maps.get(name);
      if (map !== undefined && --map.users === 0) this.#maps.delete(name);
    }
  }

  /** One of the maps the simulation keeps its bookkeeping in, when a loaded program holds it. */
  get(name: SimulatedMap): SimMap | undefined {
    return this.#maps.get(name);
  }

  /**
   * The `procs` entry of `p` (made, or remade for a new process with the pid), or a detached
   * one when no loaded program holds `procs`.
   */
  procsEntry(p: BackendProcess): SimProc {
    const map = this.get("procs");
    const known = map?.entries.get(String(p.pid)) as SimProc | undefined;
    if (known !== undefined && known.start === p.start) return known;
    const entry: SimProc = { start: p.start, comm: p.comm ?? "", total: 0 };
    map?.entries.set(String(p.pid), entry);
    return entry;
  }

  /** Counts a syscall of thread `tid` of process `proc` in its `tasks` entry. */
  countTask(proc: BackendProcess, tid: number): void {
    const tasks = this.get("tasks");
    if (tasks === undefined) return;
    const key = String(tid);
    let task = tasks.entries.get(key) as SimTask | undefined;
    if (task === undefined || task.pid !== proc.pid || task.start !== proc.start) {
      task = { pid: proc.pid, start: proc.start, count: 0 };
      tasks.entries.set(key, task);
    }
    task.count++;
  }

  /** Removes the `procs` entry of `pid`. */
  deleteProc(pid: number): void {
    this.get("procs")?.entries.delete(String(pid));
  }

  /** Removes the `tasks` entries of `pid`'s threads. */
  deleteTasks(pid: number): void {
    const tasks = this.get("tasks");
    if (tasks === undefined) return;
    for (const [tid, task] of tasks.entries) {
      if ((task as SimTask).pid === pid) tasks.entries.delete(tid);
    }
  }

  /**
   * Replaces the `decisions`, `arg_cases` and `limits` entries with `set`'s.
   *
   * @returns How many maps were written.
   */
  writeDecisions(set: FilterSet): number {
    if (this.get("decisions") === undefined) return 0;
    const kernel = kernelEntries(set);
    let written = 0;
    for (const name of ["decisions", "arg_cases", "limits"] as const) {
      const map = this.get(name);
      if (map === undefined) continue;
      map.entries.clear();
      for (const [key, value] of kernel[name]) map.entries.set(key, value);
      written++;
    }
    return written;
  }

  /** The live maps, as a backend lists them. */
  list(): readonly MapInfo[] {
    return [...this.#maps.values()].map((m) => ({
      name: m.name,
      type: m.type,
      keySize: m.keySize,
      valueSize: m.valueSize,
      maxEntries: m.maxEntries,
      entries: m.entries.size,
      kernelId: m.kernelId,
    }));
  }

  /** How many maps are live. */
  get size(): number {
    return this.#maps.size;
  }

  /** Releases every map (the backend closed). */
  clear(): void {
    this.#maps.clear();
  }
}
