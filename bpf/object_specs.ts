/**
 * The specs of Cordon's BPF objects: what each embedded object declares (programs with their
 * ELF section, which is their attach point, and maps with their type and sizes), apart from
 * the live objects a backend loads from them, as cilium/ebpf separates a `CollectionSpec` from a
 * `Collection`. The data is generated (`object_specs.generated.ts`, written by
 * `backends/linux/_generate_object_specs.ts` from the objects themselves through libbpf;
 * `bpf/build.sh` runs it) and checked against the objects by `object_specs_test.ts`.
 *
 * Pure data: no `Deno.*`, no FFI, so the simulation (bundled for the browser playground) can
 * take its programs and maps from it.
 *
 * @module
 */

import type { BpfObjectName } from "./objects.ts";
import { OBJECT_SPECS, SPECS_SOURCE_SHA256 } from "./object_specs.generated.ts";

/** A program of an object. */
export interface BpfProgramSpec {
  /** The C function's name, e.g. `"cordon_sys_enter"`. */
  readonly name: string;
  /** Its ELF section, which libbpf attaches by, e.g. `"tp_btf/sys_enter"`. */
  readonly section: string;
}

/** A map of an object (libbpf's internal global-data maps are not listed). */
export interface BpfMapSpec {
  /** The map's name, e.g. `"procs"`. */
  readonly name: string;
  /**
   * The type as libbpf names it (`libbpf_bpf_map_type_str`): `"hash"`, `"array"`,
   * `"percpu_array"`, `"lru_hash"`, `"ringbuf"`, `"task_storage"`, `"cgroup_array"`, … (a
   * superset of the engine's `MapType`).
   */
  readonly type: string;
  /** Key size in bytes (0 for a ring buffer). */
  readonly keySize: number;
  /** Value size in bytes (0 for a ring buffer). */
  readonly valueSize: number;
  /** Max entries as declared (a ring buffer's size in bytes; 0 for task storage). */
  readonly maxEntries: number;
}

/** What one object declares: its programs and maps, each sorted by name. */
export interface BpfObjectSpec {
  /** The programs. */
  readonly programs: readonly BpfProgramSpec[];
  /** The maps. */
  readonly maps: readonly BpfMapSpec[];
}

/** Every embedded object's spec, by object name. */
export const BPF_OBJECT_SPECS: Readonly<Record<BpfObjectName, BpfObjectSpec>> = OBJECT_SPECS;

/** SHA-256 of the sources the specs' objects were built from (as `BPF_SOURCE_SHA256`). */
export const BPF_SPECS_SOURCE_SHA256: string = SPECS_SOURCE_SHA256;

/**
 * The program `program` of the object `object`.
 *
 * @param object the object
 * @param program the program's function name
 * @returns its spec
 * @throws {RangeError} when the object has no such program
 *
 * @example
 * ```ts
 * import { programSpec } from "./object_specs.ts";
 * if (programSpec("monitor", "cordon_sys_enter").section !== "tp_btf/sys_enter") throw new Error();
 * ```
 */
export function programSpec(object: BpfObjectName, program: string): BpfProgramSpec {
  const found = BPF_OBJECT_SPECS[object].programs.find((p) => p.name === program);
  if (found === undefined) {
    throw new RangeError(`BPF object "${object}" has no program "${program}"`);
  }
  return found;
}

/**
 * The map `map` of the object `object`.
 *
 * @param object the object
 * @param map the map's name
 * @returns its spec
 * @throws {RangeError} when the object has no such map
 *
 * @example
 * ```ts
 * import { mapSpec } from "./object_specs.ts";
 * if (mapSpec("monitor", "events").type !== "ringbuf") throw new Error();
 * ```
 */
export function mapSpec(object: BpfObjectName, map: string): BpfMapSpec {
  const found = BPF_OBJECT_SPECS[object].maps.find((m) => m.name === map);
  if (found === undefined) throw new RangeError(`BPF object "${object}" has no map "${map}"`);
  return found;
}
