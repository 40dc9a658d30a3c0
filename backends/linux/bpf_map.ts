/**
 * {@linkcode BpfMap}: one map of a {@linkcode BpfObject}: sizing before load, and element
 * lookup, update, delete and iteration after, on raw key/value bytes (the structs of
 * `bpf/cordon.h`, encoded by `structs.ts`).
 *
 * @module
 */

import { check, cString, kernelError, libbpf } from "./libbpf.ts";
import type { ProgramOwner } from "./bpf_program.ts";

/** `bpf_map_update_elem` flags. */
export const BPF_ANY = 0n;
/** Create only: fail with EEXIST when the key exists. */
export const BPF_NOEXIST = 1n;
/** Update only: fail with ENOENT when the key does not exist. */
export const BPF_EXIST = 2n;

/** `enum bpf_map_type` values Cordon uses. */
export const BPF_MAP_TYPE = {
  hash: 1,
  array: 2,
  percpu_array: 6,
  lru_hash: 9,
  ringbuf: 27,
  task_storage: 29,
} as const;

const ENOENT = 2;

let cpuCount: number | undefined;

/**
 * The number of possible CPUs (`/sys/devices/system/cpu/possible`): per-CPU map values hold
 * one slot per possible CPU.
 *
 * Requires `allow-read`.
 *
 * @example
 * ```ts ignore
 * import { possibleCpus } from "@cordon/cordon/linux";
 * if (possibleCpus() < 1) throw new Error();
 * ```
 */
export function possibleCpus(): number {
  if (cpuCount !== undefined) return cpuCount;
  const text = Deno.readTextFileSync("/sys/devices/system/cpu/possible").trim();
  let count = 0;
  for (const part of text.split(",")) {
    const [lo, hi] = part.split("-").map(Number);
    count += hi === undefined ? 1 : hi - (lo ?? 0) + 1;
  }
  cpuCount = count;
  return count;
}

/**
 * A map of a BPF object. Its lifetime is the object's; {@linkcode BpfMap.close} only marks
 * this handle unusable.
 *
 * Requires `allow-ffi`.
 *
 * @example
 * ```ts ignore
 * import { BpfObject } from "@cordon/cordon/linux";
 * using object = BpfObject.open(bytes, "monitor");
 * object.map("events").maxEntries = 1 << 22;
 * object.load();
 * const key = new Uint8Array(4);
 * const value = new Uint8Array(object.map("cordon_cfg").valueSize);
 * object.map("cordon_cfg").update(key, value);
 * ```
 */
export class BpfMap implements Disposable {
  #pointer: Deno.PointerObject | null;
  #owner: ProgramOwner;
  /** The map's name, e.g. `"procs"`. */
  readonly name: string;

  /** Wraps a libbpf `struct bpf_map *` owned by `owner`. */
  constructor(pointer: Deno.PointerObject, owner: ProgramOwner) {
    this.#pointer = pointer;
    this.#owner = owner;
    this.name = cString(libbpf().bpf_map__name(pointer));
  }

  #ptr(): Deno.PointerObject {
    this.#owner.assertOpen();
    if (this.#pointer === null) throw new TypeError(`map "${this.name}" is closed`);
    return this.#pointer;
  }

  /** The libbpf pointer, for `ring_buffer__new` and friends. */
  get pointer(): Deno.PointerObject {
    return this.#ptr();
  }

  /** `enum bpf_map_type`. */
  get type(): number {
    return libbpf().bpf_map__type(this.#ptr());
  }

  /**
   * The map type's name as libbpf spells it (`libbpf_bpf_map_type_str`: `"hash"`, `"ringbuf"`,
   * `"task_storage"`, …), or `"unknown(N)"` for a type this libbpf does not know.
   */
  get typeName(): string {
    const type = this.type;
    const name = libbpf().libbpf_bpf_map_type_str(type);
    return name === null ? `unknown(${type})` : cString(name);
  }

  /** Whether libbpf made the map for the object's global data (`.rodata`, `.bss`, `.data`, `.kconfig`). */
  get internal(): boolean {
    return libbpf().bpf_map__is_internal(this.#ptr());
  }

  /** Key size in bytes. */
  get keySize(): number {
    return libbpf().bpf_map__key_size(this.#ptr());
  }

  /** Value size in bytes (per CPU for per-CPU maps). */
  get valueSize(): number {
    return libbpf().bpf_map__value_size(this.#ptr());
  }

  /** Capacity (for a ring buffer: its size in bytes). Settable before load. */
  get maxEntries(): number {
    return libbpf().bpf_map__max_entries(this.#ptr());
  }

  set maxEntries(value: number) {
    check(
      libbpf().bpf_map__set_max_entries(this.#ptr(), value),
      `set max entries of ${this.name} to ${value}`,
    );
  }

  /** The map's fd once loaded (-1 before). */
  get fd(): number {
    return libbpf().bpf_map__fd(this.#ptr());
  }

  /** Before load: makes this map use the existing map `fd` (shared maps between objects). */
  reuseFd(fd: number): void {
    check(libbpf().bpf_map__reuse_fd(this.#ptr(), fd), `reuse fd ${fd} for map ${this.name}`);
  }

  /**
   * Before load: the writable initial contents of a global data map (`.rodata` holds the
   * `const volatile` configuration), or `null` for other maps.
   */
  initialValue(): Uint8Array | null {
    const size = new BigUint64Array(1);
    const pointer = libbpf().bpf_map__initial_value(this.#ptr(), new Uint8Array(size.buffer));
    if (pointer === null) return null;
    return new Uint8Array(
      Deno.UnsafePointerView.getArrayBuffer(pointer, Number(size[0])),
    );
  }

  /** Bytes a lookup returns: `valueSize`, or per CPU (rounded to 8) for per-CPU maps. */
  get lookupSize(): number {
    const type = this.type;
    const perCpu = type === BPF_MAP_TYPE.percpu_array || type === 5 /* PERCPU_HASH */ ||
      type === 10; /* LRU_PERCPU_HASH */
    return perCpu ? Math.ceil(this.valueSize / 8) * 8 * possibleCpus() : this.valueSize;
  }

  /** Looks `key` up into `value` (of {@linkcode BpfMap.lookupSize} bytes); false when absent. */
  lookup(key: Uint8Array<ArrayBuffer>, value: Uint8Array<ArrayBuffer>): boolean {
    const result = libbpf().bpf_map_lookup_elem(this.fd, key, value);
    if (result === -ENOENT) return false;
    check(result, `look up ${this.name}`);
    return true;
  }

  /** Writes `value` at `key` (`flags`: {@linkcode BPF_ANY}, {@linkcode BPF_NOEXIST}, {@linkcode BPF_EXIST}). */
  update(key: Uint8Array<ArrayBuffer>, value: Uint8Array<ArrayBuffer>, flags = BPF_ANY): void {
    check(libbpf().bpf_map_update_elem(this.fd, key, value, flags), `update ${this.name}`);
  }

  /** Deletes `key`; false when it was absent. */
  delete(key: Uint8Array<ArrayBuffer>): boolean {
    const result = libbpf().bpf_map_delete_elem(this.fd, key);
    if (result === -ENOENT) return false;
    check(result, `delete from ${this.name}`);
    return true;
  }

  /** Every key, read before the first is yielded (so deleting while iterating is safe). */
  keys(): Uint8Array<ArrayBuffer>[] {
    const keys: Uint8Array<ArrayBuffer>[] = [];
    const size = this.keySize;
    let previous: Uint8Array<ArrayBuffer> | null = null;
    for (;;) {
      const next = new Uint8Array(size);
      const result = libbpf().bpf_map_get_next_key(this.fd, previous, next);
      if (result === -ENOENT) break;
      if (result < 0) throw kernelError(`iterate ${this.name}`, -result);
      keys.push(next);
      previous = next;
      if (keys.length > this.maxEntries) break; // entries replaced while iterating
    }
    return keys;
  }

  /** Marks this handle unusable (the map itself goes with its object). Idempotent. */
  close(): void {
    this.#pointer = null;
  }

  /** Same as {@linkcode BpfMap.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
