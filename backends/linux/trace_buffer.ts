/**
 * {@linkcode TraceBuffer}: the output buffer of `cordon record`. Syscall records of the ring
 * buffer are written into it as JSON Lines bytes directly (no event object, no intermediate
 * string: a recording writes hundreds of thousands of them a second); other events arrive as
 * lines of text. Full buffers go to a writer.
 *
 * @module
 */

import { syscallName } from "../../policies/syscalls.ts";
import { CORDON_NATIVE_SLOTS, CORDON_NR_SLOTS, fieldOffset } from "../../bpf/structs.ts";

/** Where the trace goes: called with whole lines (UTF-8), in order; the bytes are reused after. */
export type TraceWriter = (bytes: Uint8Array) => void;

/**
 * The chunks a {@linkcode TraceWriter} collected, as one array (for a trace kept in memory).
 *
 * @example
 * ```ts
 * import { concatBytes } from "./trace_buffer.ts";
 * if (concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])]).join() !== "1,2,3") throw new Error();
 * ```
 */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const encoder = new TextEncoder();
const ascii = (text: string): Uint8Array => encoder.encode(text);

const TS = fieldOffset("cordon_event_header", "ts_ns");
const TGID = fieldOffset("cordon_event_header", "tgid");
const TID = fieldOffset("cordon_event_header", "tid");
const NR = fieldOffset("cordon_syscall_event", "nr");
const ABI = fieldOffset("cordon_syscall_event", "abi");
const ARGS = fieldOffset("cordon_syscall_event", "args");

const HEAD = ascii('{"v":1,"kind":"syscall","time":');
const PID = ascii(',"pid":');
const TID_KEY = ascii(',"tid":');
const ARCH = [ascii(',"arch":"x86_64","nr":'), ascii(',"arch":"i386","nr":')] as const;
const ARG_SEP = ascii('","0x');
const TAIL = ascii('"]}\n');
const DIGITS = ascii("0123456789abcdef");
/** `,"name":NAME,"args":["0x` of every slot (`null` for numbers the tables do not know). */
const NAMES: readonly Uint8Array[] = Array.from({ length: CORDON_NR_SLOTS }, (_, slot) => {
  const name = syscallName(slot < CORDON_NATIVE_SLOTS ? "x86_64" : "i386", slot % 512) ?? null;
  return ascii(`,"name":${JSON.stringify(name)},"args":["0x`);
});

/** Longest syscall line: the fixed parts, 20-digit numbers, six 16-digit arguments. */
const MAX_SYSCALL_LINE = 512;

/**
 * A byte buffer of JSON Lines, flushed to a {@linkcode TraceWriter} when `capacity` is
 * reached (and by {@linkcode TraceBuffer.flush}).
 *
 * Syscall lines have the keys `v, kind, time, pid, tid (when not the pid), arch, nr, name, args`
 * (all six arguments as `"0x…"`), as `eventToJsonLine` orders them; `time` is written with
 * microsecond precision (three decimals).
 *
 * @example
 * ```ts
 * import { TraceBuffer } from "./trace_buffer.ts";
 * let out = "";
 * const buffer = new TraceBuffer((b) => out += new TextDecoder().decode(b), 1000.25);
 * const view = new DataView(new ArrayBuffer(104));
 * view.setBigUint64(0, 2_500_000n, true); // ts_ns: 2.5 ms after boot
 * view.setUint32(12, 42, true); // tgid
 * view.setUint32(16, 43, true); // tid
 * view.setUint32(40, 110, true); // nr: getppid
 * view.setBigUint64(56, 0xffn, true); // args[0]
 * view.setBigUint64(64, 0x7fd8d9418829n, true); // args[1]
 * buffer.syscall(view, 0);
 * buffer.line('{"v":1}');
 * buffer.flush();
 * const expected = '{"v":1,"kind":"syscall","time":1002.750,"pid":42,"tid":43,"arch":"x86_64",' +
 *   '"nr":110,"name":"getppid","args":["0xff","0x7fd8d9418829","0x0","0x0","0x0","0x0"]}\n' +
 *   '{"v":1}\n';
 * if (out !== expected) throw new Error(out);
 * ```
 */
export class TraceBuffer {
  #write: TraceWriter;
  #bytes: Uint8Array;
  #capacity: number;
  #pos = 0;
  /** The epoch time of CLOCK_MONOTONIC's zero, in whole microseconds. */
  #bootUs: number;
  /** Bytes handed to the writer so far. */
  written = 0;

  /**
   * Creates an empty buffer.
   *
   * @param write where full buffers go
   * @param bootMs the epoch time (ms) of CLOCK_MONOTONIC's zero, for event times
   * @param capacity bytes buffered before a write (default 1 MiB)
   */
  constructor(write: TraceWriter, bootMs: number, capacity = 1 << 20) {
    this.#write = write;
    this.#capacity = Math.max(capacity, MAX_SYSCALL_LINE);
    this.#bytes = new Uint8Array(this.#capacity + MAX_SYSCALL_LINE);
    this.#bootUs = Math.round(bootMs * 1000);
  }

  /**
   * Appends the syscall record at `offset` of `view` (a `cordon_syscall_event`) as one line.
   * Returns false, writing nothing, for a call of another ABI than x86_64 or i386, or a number
   * beyond the syscall slots (the monitor never streams those).
   */
  syscall(view: DataView, offset: number): boolean {
    const abi = view.getUint8(offset + ABI);
    const nr = view.getUint32(offset + NR, true);
    if (abi > 1 || nr >= CORDON_NATIVE_SLOTS) return false;
    if (this.#pos >= this.#capacity) this.flush();
    const b = this.#bytes;
    let p = this.#put(HEAD, this.#pos);
    // time: epoch microseconds, exact below 2^53 (year 2255), as "ms.uuu".
    const ns = view.getUint32(offset + TS + 4, true) * 4294967296 +
      view.getUint32(offset + TS, true);
    const us = this.#bootUs + Math.floor(ns / 1000);
    const ms = Math.floor(us / 1000);
    const frac = us - ms * 1000;
    p = this.#decimal(ms, p);
    b[p++] = 46; // .
    b[p++] = 48 + Math.floor(frac / 100);
    b[p++] = 48 + (Math.floor(frac / 10) % 10);
    b[p++] = 48 + (frac % 10);
    p = this.#put(PID, p);
    const pid = view.getUint32(offset + TGID, true);
    const tid = view.getUint32(offset + TID, true);
    p = this.#decimal(pid, p);
    if (tid !== pid) {
      p = this.#put(TID_KEY, p);
      p = this.#decimal(tid, p);
    }
    p = this.#put(ARCH[abi as 0 | 1], p);
    p = this.#decimal(nr, p);
    p = this.#put(NAMES[abi === 0 ? nr : CORDON_NATIVE_SLOTS + nr]!, p);
    for (let i = 0; i < 6; i++) {
      if (i > 0) p = this.#put(ARG_SEP, p);
      const at = offset + ARGS + 8 * i;
      const hi = view.getUint32(at + 4, true);
      const lo = view.getUint32(at, true);
      if (hi === 0) {
        p = this.#hex(lo, p, false);
      } else {
        p = this.#hex(hi, p, false);
        p = this.#hex(lo, p, true);
      }
    }
    this.#pos = this.#put(TAIL, p);
    return true;
  }

  /** Appends `text` (one JSON line, without its newline) and a newline. */
  line(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.#pos + text.length * 3 + 1 > this.#bytes.length) this.flush();
    if (text.length * 3 + 1 > this.#bytes.length) {
      const bytes = encoder.encode(`${text}\n`);
      this.written += bytes.length;
      this.#write(bytes);
      return;
    }
    const { written } = encoder.encodeInto(text, this.#bytes.subarray(this.#pos));
    this.#pos += written;
    this.#bytes[this.#pos++] = 10;
  }

  /** Bytes buffered, not yet written. */
  get pending(): number {
    return this.#pos;
  }

  /** Writes what is buffered. */
  flush(): void {
    if (this.#pos === 0) return;
    const n = this.#pos;
    this.#pos = 0;
    this.written += n;
    this.#write(this.#bytes.subarray(0, n));
  }

  #put(part: Uint8Array, p: number): number {
    const b = this.#bytes;
    for (let i = 0; i < part.length; i++) b[p + i] = part[i]!;
    return p + part.length;
  }

  /** A non-negative integer below 2^53 in decimal. */
  #decimal(n: number, p: number): number {
    const b = this.#bytes;
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    for (let i = digits - 1; i >= 0; i--) {
      b[p + i] = 48 + (n % 10);
      n = Math.floor(n / 10);
    }
    return p + digits;
  }

  /** A u32 in hex: all 8 digits when `pad`, else without leading zeros. */
  #hex(v: number, p: number, pad: boolean): number {
    const b = this.#bytes;
    let shift = 28;
    if (!pad) { while (shift > 0 && (v >>> shift) === 0) shift -= 4; }
    for (; shift >= 0; shift -= 4) b[p++] = DIGITS[(v >>> shift) & 15]!;
    return p;
  }
}
