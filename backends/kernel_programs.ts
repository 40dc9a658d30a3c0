/**
 * What the engine's program types are on the real kernel, shared by the Linux eBPF backend and
 * the simulation (which mirrors it): for each {@linkcode ProgramType}, the BPF object and the
 * programs of it that realise the type, and, from the generated object specs
 * (`bpf/object_specs.ts`), the type's attach point and the object's maps with their real types
 * and sizes; and the named programs a backend registers on `open()`.
 *
 * Pure data: no `Deno.*`, no FFI (the simulation is bundled for the browser playground).
 *
 * @module
 */

import type { MapType, ProgramConfig, ProgramType } from "../engine/backend.ts";
import { BPF_OBJECT_SPECS, programSpec } from "../bpf/object_specs.ts";
import type { BpfObjectName } from "../bpf/objects.ts";

/** A map of a kernel program's object, as the engine types it (`MapInfo` without live figures). */
export interface KernelMap {
  /** The map's name in the object, e.g. `"procs"`. */
  readonly name: string;
  /** The type. */
  readonly type: MapType;
  /** Key size in bytes. */
  readonly keySize: number;
  /** Value size in bytes. */
  readonly valueSize: number;
  /** Max entries as the object declares them (a backend may resize some before load). */
  readonly maxEntries: number;
}

/** The kernel side of one program type. */
export interface KernelProgram {
  /** The program type. */
  readonly type: ProgramType;
  /** The object (`bpf/<object>.bpf.c`) whose programs realise it. */
  readonly object: BpfObjectName;
  /**
   * The programs of the object that realise it, the one that stands for the type first (its
   * kernel id and attach point are the type's): e.g. `cordon_ret_openat`, then the other
   * file-returning syscalls' programs for `file_access`.
   */
  readonly programs: readonly string[];
  /** The first of {@linkcode KernelProgram.programs}. */
  readonly program: string;
  /** The ELF section of {@linkcode KernelProgram.program}, e.g. `"tp_btf/sys_enter"`. */
  readonly attachPoint: string;
  /** The object's maps, by name (libbpf's internal global-data maps left out). */
  readonly maps: readonly KernelMap[];
  /**
   * Whether the type's programs are part of the syscall monitor, loaded once on `open()` and
   * shared by every named program of the type; otherwise they are loaded per policy
   * (`cgroup_socket`: a layer's `network` rules) or only where a kernel feature allows
   * (`lsm`: BPF LSM).
   */
  readonly inMonitor: boolean;
}

const OBJECT_PROGRAMS: Readonly<
  Record<ProgramType, { readonly object: BpfObjectName; readonly programs: readonly string[] }>
> = {
  syscall_entry: { object: "monitor", programs: ["cordon_sys_enter"] },
  syscall_exit: { object: "monitor", programs: ["cordon_sys_exit"] },
  network_socket: {
    object: "monitor",
    programs: [
      "cordon_ret_connect",
      "cordon_ret_bind",
      "cordon_ret_accept",
      "cordon_ret_accept4",
      "cordon_ret_sendto",
      "cordon_ret_sendmsg",
    ],
  },
  file_access: {
    object: "monitor",
    programs: ["cordon_ret_openat", "cordon_ret_open", "cordon_ret_creat", "cordon_ret_openat2"],
  },
  process_exec: { object: "monitor", programs: ["cordon_exec"] },
  process_fork: { object: "monitor", programs: ["cordon_fork"] },
  process_exit: { object: "monitor", programs: ["cordon_exit"] },
  cgroup_socket: {
    object: "cgroup_net",
    programs: [
      "cordon_connect4",
      "cordon_connect6",
      "cordon_bind4",
      "cordon_bind6",
      "cordon_sendmsg4",
      "cordon_sendmsg6",
    ],
  },
  lsm: {
    object: "lsm",
    programs: [
      "cordon_file_open",
      "cordon_bprm_check",
      "cordon_socket_create",
      "cordon_socket_connect",
      "cordon_socket_bind",
      "cordon_socket_listen",
    ],
  },
};

/**
 * The named programs a kernel backend registers on `open()`, one per program type the syscall
 * monitor streams on its own: the Linux eBPF backend's builtin programs (the simulation loads
 * these and more).
 */
export const BUILTIN_PROGRAMS: readonly ProgramConfig[] = Object.freeze([
  { name: "syscall_tracer", type: "syscall_entry" },
  { name: "syscall_exit", type: "syscall_exit" },
  { name: "process_fork", type: "process_fork" },
  { name: "process_exec", type: "process_exec" },
  { name: "process_exit", type: "process_exit" },
]);

const ENGINE_MAP_TYPES: ReadonlySet<string> = new Set<MapType>([
  "hash",
  "lru_hash",
  "array",
  "percpu_array",
  "ringbuf",
  "task_storage",
]);

/**
 * Whether a map type name of the specs (libbpf's) is one of the engine's {@linkcode MapType}s.
 *
 * @param type libbpf's name of a map type
 * @returns whether the engine has it
 *
 * @example
 * ```ts
 * import { isEngineMapType } from "./kernel_programs.ts";
 * if (!isEngineMapType("ringbuf") || isEngineMapType("cgroup_array")) throw new Error();
 * ```
 */
export function isEngineMapType(type: string): type is MapType {
  return ENGINE_MAP_TYPES.has(type);
}

const cache = new Map<ProgramType, KernelProgram>();

/**
 * The kernel side of the program type `type`: object, programs, attach point and maps (from
 * the generated object specs).
 *
 * @param type the program type
 * @returns its kernel programs
 * @throws {RangeError} for an unknown type, or when the specs lack a program or hold a map type
 *   the engine has no name for (a BPF change the engine does not follow yet)
 *
 * @example
 * ```ts
 * import { kernelProgram } from "./kernel_programs.ts";
 * const entry = kernelProgram("syscall_entry");
 * if (entry.program !== "cordon_sys_enter" || entry.attachPoint !== "tp_btf/sys_enter") {
 *   throw new Error(entry.program);
 * }
 * if (!entry.maps.some((m) => m.name === "procs" && m.type === "hash")) throw new Error();
 * ```
 */
export function kernelProgram(type: ProgramType): KernelProgram {
  const cached = cache.get(type);
  if (cached !== undefined) return cached;
  const entry = Object.hasOwn(OBJECT_PROGRAMS, type) ? OBJECT_PROGRAMS[type] : undefined;
  if (entry === undefined) throw new RangeError(`Unknown program type "${String(type)}"`);
  const { object, programs } = entry;
  const sections = programs.map((p) => programSpec(object, p).section);
  const maps = BPF_OBJECT_SPECS[object].maps.map((m): KernelMap => {
    if (!isEngineMapType(m.type)) {
      throw new RangeError(`Map "${m.name}" of ${object} has type "${m.type}", no engine MapType`);
    }
    return Object.freeze({ ...m, type: m.type });
  });
  const program: KernelProgram = Object.freeze({
    type,
    object,
    programs,
    program: programs[0]!,
    attachPoint: sections[0]!,
    maps: Object.freeze(maps),
    inMonitor: object === "monitor",
  });
  cache.set(type, program);
  return program;
}
