/**
 * Cordon's compiled BPF objects, embedded (from `objects.generated.ts`, written by
 * `bpf/build.sh`) so that importing the module needs no compiler.
 *
 * @module
 */

import {
  cgroupGuardObject,
  cgroupNetObject,
  lsmObject,
  monitorObject,
  SOURCE_SHA256,
  viewDenialsObject,
} from "./objects.generated.ts";

/** The BPF programs Cordon ships: `bpf/<name>.bpf.c`. */
export type BpfObjectName = "monitor" | "cgroup_net" | "lsm" | "cgroup_guard" | "view_denials";

/** Every object name, in build order. */
export const BPF_OBJECT_NAMES: readonly BpfObjectName[] = [
  "monitor",
  "cgroup_net",
  "lsm",
  "cgroup_guard",
  "view_denials",
];

/** SHA-256 of the sources the embedded objects were built from (see `bpf/build.sh`). */
export const BPF_SOURCE_SHA256: string = SOURCE_SHA256;

const BASE64: Record<BpfObjectName, string> = {
  monitor: monitorObject,
  cgroup_net: cgroupNetObject,
  lsm: lsmObject,
  cgroup_guard: cgroupGuardObject,
  view_denials: viewDenialsObject,
};

const cache = new Map<BpfObjectName, Uint8Array<ArrayBuffer>>();

/**
 * The ELF bytes of the compiled `bpf/<name>.bpf.c` (a fresh copy: callers may keep it).
 *
 * @example
 * ```ts
 * import { bpfObjectBytes } from "./objects.ts";
 * const elf = bpfObjectBytes("monitor");
 * if (elf[0] !== 0x7f || elf[1] !== 0x45) throw new Error("not an ELF object");
 * ```
 */
export function bpfObjectBytes(name: BpfObjectName): Uint8Array<ArrayBuffer> {
  let bytes = cache.get(name);
  if (!bytes) {
    const text = atob(BASE64[name]);
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    cache.set(name, bytes);
  }
  return bytes.slice();
}
