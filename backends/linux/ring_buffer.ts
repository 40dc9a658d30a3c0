/**
 * {@linkcode RingBuffer}: the consumer side of a `BPF_MAP_TYPE_RINGBUF` map, read from
 * TypeScript.
 *
 * Two ways to read, both on the calling (main) thread:
 *  - `"mmap"` (default): the ring's pages are mapped into this process and records are read in
 *    place, with no FFI call per record. The consumer position is published after each batch.
 *  - `"libbpf"`: libbpf's `ring_buffer__new` + `ring_buffer__consume` calling a
 *    `Deno.UnsafeCallback` per record (kept for comparison: `bench/monitor_overhead.ts`).
 *
 * The BPF side submits with `BPF_RB_NO_WAKEUP` while the ring is less than a quarter full, so
 * a reader polls (about every millisecond) instead of waiting for wakeups.
 *
 * @module
 */

import { check, checkPointer, kernelError, libbpf } from "./libbpf.ts";
import { libc } from "./libc.ts";
import type { BpfMap } from "./bpf_map.ts";
import { BPF_MAP_TYPE } from "./bpf_map.ts";

/** Receives one record: `length` bytes at `offset` of `view`, valid only during the call. */
export type RecordHandler = (view: DataView, offset: number, length: number) => void;

/** How a {@linkcode RingBuffer} reads. */
export type RingBufferMode = "mmap" | "libbpf";

const BUSY_BIT = 0x80000000;
const DISCARD_BIT = 0x40000000;
const HEADER_SIZE = 8;
const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_SHARED = 1;

let pageSizeCache: number | undefined;

/** The system page size, from the auxiliary vector (`AT_PAGESZ`). */
function pageSize(): number {
  if (pageSizeCache !== undefined) return pageSizeCache;
  const auxv = Deno.readFileSync("/proc/self/auxv");
  const view = new DataView(auxv.buffer, auxv.byteOffset, auxv.byteLength);
  pageSizeCache = 4096;
  for (let i = 0; i + 16 <= auxv.length; i += 16) {
    if (view.getBigUint64(i, true) === 6n) { // AT_PAGESZ
      pageSizeCache = Number(view.getBigUint64(i + 8, true));
      break;
    }
  }
  return pageSizeCache;
}

function mmapFailed(pointer: Deno.PointerValue): boolean {
  return pointer === null || Deno.UnsafePointer.value(pointer) === 0xffffffffffffffffn;
}

/**
 * A reader of a BPF ring buffer map. `consume(handler)` delivers every complete record
 * available now and returns how many; `close()` unmaps it (idempotent, also on `using`).
 *
 * Requires `allow-ffi` and `allow-read` (page size from `/proc/self/auxv`).
 *
 * @example
 * ```ts ignore
 * import { RingBuffer } from "@cordon/cordon/linux";
 * using ring = new RingBuffer(object.map("events"));
 * const n = ring.consume((view, offset, length) => {
 *   console.log(view.getUint32(offset + 8, true), length); // the event kind
 * });
 * ```
 */
export class RingBuffer implements Disposable {
  /** The map's name, for messages. */
  readonly name: string;
  /** How records are read. */
  readonly mode: RingBufferMode;
  /** Data area size in bytes (the map's `max_entries`). */
  readonly size: number;
  #closed = false;
  // mmap mode
  #consumerPage: Deno.PointerObject | null = null;
  #producerArea: Deno.PointerObject | null = null;
  #page = 0;
  #consumerPos: BigUint64Array | null = null;
  #producerPos: BigUint64Array | null = null;
  #data: DataView | null = null;
  // libbpf mode
  #ring: Deno.PointerObject | null = null;
  #callback:
    | Deno.UnsafeCallback<{ parameters: ["pointer", "pointer", "usize"]; result: "i32" }>
    | null = null;
  #handler: RecordHandler | null = null;
  #handlerError: unknown = undefined;

  /**
   * @param map a loaded `BPF_MAP_TYPE_RINGBUF` map
   * @param mode `"mmap"` (default) or `"libbpf"`
   */
  /** Maps the ring (or creates libbpf's reader) of `map`. */
  constructor(map: BpfMap, mode: RingBufferMode = "mmap") {
    if (map.type !== BPF_MAP_TYPE.ringbuf) {
      throw new TypeError(`map "${map.name}" is not a ring buffer (type ${map.type})`);
    }
    this.name = map.name;
    this.mode = mode;
    this.size = map.maxEntries;
    const fd = map.fd;
    if (mode === "mmap") {
      const page = pageSize();
      this.#page = page;
      const symbols = libc();
      const consumer = symbols.mmap(null, BigInt(page), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0n);
      if (mmapFailed(consumer)) throw kernelError(`map consumer page of ${this.name}`, 12);
      const producer = symbols.mmap(
        null,
        BigInt(page + 2 * this.size),
        PROT_READ,
        MAP_SHARED,
        fd,
        BigInt(page),
      );
      if (mmapFailed(producer)) {
        symbols.munmap(consumer, BigInt(page));
        throw kernelError(`map data pages of ${this.name}`, 12);
      }
      this.#consumerPage = consumer!;
      this.#producerArea = producer!;
      this.#consumerPos = new BigUint64Array(Deno.UnsafePointerView.getArrayBuffer(consumer!, 8));
      this.#producerPos = new BigUint64Array(Deno.UnsafePointerView.getArrayBuffer(producer!, 8));
      this.#data = new DataView(
        Deno.UnsafePointerView.getArrayBuffer(producer!, 2 * this.size, page),
      );
    } else {
      this.#callback = new Deno.UnsafeCallback(
        { parameters: ["pointer", "pointer", "usize"], result: "i32" } as const,
        (_ctx, data, size) => {
          if (data === null || this.#handler === null) return 0;
          const length = Number(size);
          try {
            this.#handler(
              new DataView(Deno.UnsafePointerView.getArrayBuffer(data, length)),
              0,
              length,
            );
          } catch (error) {
            this.#handlerError ??= error;
            return -1;
          }
          return 0;
        },
      );
      this.#ring = checkPointer(
        libbpf().ring_buffer__new(fd, this.#callback.pointer, null, null),
        `create ring buffer reader for ${this.name}`,
      );
    }
  }

  /** Bytes written by the kernel and not yet consumed (mmap mode; 0 in libbpf mode). */
  get pending(): number {
    if (this.#closed || this.#producerPos === null || this.#consumerPos === null) return 0;
    return Number(this.#producerPos[0]! - this.#consumerPos[0]!);
  }

  /**
   * Delivers every complete record available now to `handler`, in order, and returns how many.
   * A record still being written stops the batch (it is delivered by a later call). When
   * `handler` throws, the records before it stay consumed and the error is rethrown.
   */
  consume(handler: RecordHandler): number {
    if (this.#closed) throw new TypeError(`ring buffer "${this.name}" is closed`);
    if (this.mode === "libbpf") {
      this.#handler = handler;
      this.#handlerError = undefined;
      try {
        const n = libbpf().ring_buffer__consume(this.#ring!);
        if (this.#handlerError !== undefined) throw this.#handlerError;
        return check(n, `consume ring buffer ${this.name}`);
      } finally {
        this.#handler = null;
      }
    }
    const consumerPos = this.#consumerPos!;
    const producerPos = this.#producerPos!;
    const data = this.#data!;
    const mask = BigInt(this.size - 1);
    const maskNumber = this.size - 1;
    let consumer = consumerPos[0]!;
    let advanced = 0; // bytes consumed since `consumer` was last published
    let count = 0;
    try {
      for (;;) {
        const producer = producerPos[0]!;
        if (consumer >= producer) break;
        let position = Number(consumer & mask);
        let remaining = Number(producer - consumer);
        while (remaining > 0) {
          const header = data.getUint32(position, true);
          if (header & BUSY_BIT) break;
          const length = header & ~(BUSY_BIT | DISCARD_BIT);
          const total = (length + HEADER_SIZE + 7) & ~7;
          const offset = position + HEADER_SIZE;
          advanced += total;
          position = (position + total) & maskNumber;
          remaining -= total;
          if (!(header & DISCARD_BIT)) {
            count++;
            handler(data, offset, length);
          }
        }
        if (advanced === 0) break; // the first record is still being written
        consumer += BigInt(advanced);
        consumerPos[0] = consumer;
        advanced = 0;
      }
    } finally {
      if (advanced > 0) consumerPos[0] = consumer + BigInt(advanced);
    }
    return count;
  }

  /** Unmaps the ring (or frees libbpf's reader). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#consumerPage !== null) libc().munmap(this.#consumerPage, BigInt(this.#page));
    if (this.#producerArea !== null) {
      libc().munmap(this.#producerArea, BigInt(this.#page + 2 * this.size));
    }
    this.#consumerPage = this.#producerArea = null;
    this.#consumerPos = this.#producerPos = null;
    this.#data = null;
    if (this.#ring !== null) libbpf().ring_buffer__free(this.#ring);
    this.#ring = null;
    this.#callback?.close();
    this.#callback = null;
  }

  /** Same as {@linkcode RingBuffer.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
