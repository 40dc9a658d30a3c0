/**
 * Puts a tracer's timed records back into kernel order. bpftrace prints its per-CPU perf buffers
 * one after the other, and DTrace drains its per-CPU buffers `switchrate` times a second, so the
 * lines of a process that moved between CPUs can arrive out of order: its `exit` before some of
 * its calls, a child's lines before its `fork`. Every event line carries the kernel's monotonic
 * time (line format version 2, `compile/trace_script.ts`); this buffer holds the records in a
 * priority queue keyed by that time and releases them behind a watermark:
 *
 * - kernel time is mapped to epoch time with the offset taken at the `ready` line (the wall time
 *   it arrived at minus its kernel time), so a record's mapped time is when it fired plus the
 *   ready line's own delivery delay (about 3 ms measured with bpftrace 0.17);
 * - a record is released once its mapped time is at least `windowMs` older than now, by a timer
 *   armed only while records are held (and whenever a record is pushed); ties keep arrival
 *   order. The watermark is kept on a monotonic clock mapped at the same `ready` line, so that a
 *   step of the wall clock (NTP, an admin) neither releases records early nor holds them for the
 *   size of the step;
 * - an `exit` keeps the guarantee that its counts are final: it goes out only once a count
 *   snapshot (`dump end`) has arrived after its line; until then it, and everything after it in
 *   kernel order, waits for that snapshot;
 * - `flush()` releases everything held whatever its age (an exit still waits for its snapshot),
 *   `drain()` everything at once (the tracer has ended: its last lines are read), and `close()`
 *   drains and then passes records through unheld, with no timer.
 *
 * A record that arrives more than the window late is still released (nothing is dropped), after
 * records that fired later: {@linkcode ReorderBuffer.late} counts those.
 *
 * @module
 */

import type { TracerKind } from "./tracer.ts";

/**
 * How long (ms) a record is held after the time it fired, per tracer: longer than a line can
 * trail another CPU's lines.
 *
 * - bpftrace (`-B line`) polls its per-CPU perf buffers and prints each ready buffer in turn; a
 *   line waits at most for one round over the other buffers. Lines reach us in 0.04–3 ms
 *   (measured here); with both CPUs busy a line trailed the other CPU's lines by 4.2 ms at most
 *   (75,000 lines); the latency benchmark's p99 was 16 ms (`docs/tracing.md`). 50 ms is three
 *   times that p99, and adds 50 ms to the delivery of every event.
 * - DTrace drains its per-CPU buffers 10 times a second (`switchrate=10hz` in our scripts), so
 *   lines of two CPUs can be a whole 100 ms period apart: 250 ms is two periods and a half.
 */
export const REORDER_WINDOW_MS: Readonly<Record<TracerKind, number>> = {
  bpftrace: 50,
  dtrace: 250,
};

/** The clocks and timers the buffer uses (tests pass a fake one). */
export interface ReorderClock {
  /** Now, in ms since the epoch: event times. */
  now(): number;
  /** Now on a monotonic clock, in ms from any origin: the watermark. */
  monotonic(): number;
  /** Calls `fn` once after `ms` ms; returns a handle for {@linkcode ReorderClock.clearTimer}. */
  setTimer(fn: () => void, ms: number): unknown;
  /** Cancels a timer set by {@linkcode ReorderClock.setTimer}. */
  clearTimer(handle: unknown): void;
}

/** `Date.now()`, `performance.now()` and `setTimeout`. */
export const SYSTEM_CLOCK: ReorderClock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Options of the {@linkcode ReorderBuffer} constructor. */
export interface ReorderBufferOptions<T> {
  /** How long a record is held behind now ({@linkcode REORDER_WINDOW_MS}). */
  readonly windowMs: number;
  /** Each released item with its time (epoch ms, to the µs), in kernel order. */
  readonly release: (item: T, timeMs: number) => void;
  /** Default {@linkcode SYSTEM_CLOCK}. */
  readonly clock?: ReorderClock;
  /**
   * The most records held (default {@linkcode REORDER_MAX_HELD}): past it the oldest goes out at
   * once, whatever the watermark or a pending snapshot says, and is counted
   * ({@linkcode ReorderBuffer.forced}): a flood of lines from a watched program must not grow
   * the buffer without bound.
   */
  readonly maxHeld?: number;
}

/**
 * Records held at most by default: at the ~1 M lines/s a tracer prints at most here, a window's
 * worth is 50,000; a process whose exit waits up to a second for its snapshot (watching every
 * process) can hold more, and past this the oldest are released early rather than held.
 */
export const REORDER_MAX_HELD = 200_000;

interface Held<T> {
  readonly time: bigint;
  /** Arrival order: the tie-break. */
  readonly seq: number;
  readonly item: T;
  /** An exit: released only after a snapshot that arrived after it. */
  readonly exit: boolean;
  /** Snapshots arrived before this record. */
  readonly dumps: number;
  /** Wall time at arrival: its time when it is released before the `ready` line came. */
  readonly arrived: number;
}

function before<T>(a: Held<T>, b: Held<T>): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/** A binary min-heap on (kernel time, arrival). */
class Heap<T> {
  readonly #items: Held<T>[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): Held<T> | undefined {
    return this.#items[0];
  }

  push(held: Held<T>): void {
    const a = this.#items;
    a.push(held);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  pop(): Held<T> | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let min = i;
        if (l < a.length && before(a[l]!, a[min]!)) min = l;
        if (r < a.length && before(a[r]!, a[min]!)) min = r;
        if (min === i) break;
        [a[i], a[min]] = [a[min]!, a[i]!];
        i = min;
      }
    }
    return top;
  }
}

/** Holds timed records and releases them in kernel-time order behind a watermark. */
export class ReorderBuffer<T> {
  readonly #windowMs: number;
  readonly #release: (item: T, timeMs: number) => void;
  readonly #clock: ReorderClock;
  readonly #heap = new Heap<T>();
  #seq = 0;
  #dumps = 0;
  /** The `ready` line's kernel time, and the wall and monotonic times it arrived at. */
  #origin: { readonly time: bigint; readonly wall: number; readonly mono: number } | undefined;
  #timer: unknown;
  #timerAt = Infinity;
  #closed = false;
  #last: bigint | undefined;
  #late = 0;
  #forced = 0;
  readonly #maxHeld: number;

  /**
   * Creates an empty buffer.
   *
   * @param options the window, where released items go, and the clock
   */
  constructor(options: ReorderBufferOptions<T>) {
    this.#windowMs = options.windowMs;
    this.#release = options.release;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#maxHeld = options.maxHeld ?? REORDER_MAX_HELD;
  }

  /** Records held now. */
  get size(): number {
    return this.#heap.size;
  }

  /** Records released after a record that fired later (they came more than the window late). */
  get late(): number {
    return this.#late;
  }

  /** Records released before their time because the buffer was full (see `maxHeld`). */
  get forced(): number {
    return this.#forced;
  }

  /** The epoch time (ms, to the µs) of kernel time `time`, once the `ready` line came. */
  timeOf(time: bigint): number | undefined {
    const origin = this.#origin;
    if (origin === undefined) return undefined;
    const ms = origin.wall + Number(time - origin.time) / 1e6;
    return Math.round(ms * 1000) / 1000;
  }

  /** The `ready` line arrived now, printed at kernel time `time`: the offset of the mapping. */
  ready(time: bigint): void {
    if (this.#origin !== undefined) return;
    this.#origin = { time, wall: this.#clock.now(), mono: this.#clock.monotonic() };
    this.#run("watermark");
  }

  /**
   * Holds `item`, printed at kernel time `time`; `exit` marks a process's exit (released only
   * after a count snapshot that arrives after it). Releases what the watermark has passed.
   */
  push(time: bigint, item: T, exit = false): void {
    const held: Held<T> = {
      time,
      seq: this.#seq++,
      item,
      exit,
      dumps: this.#dumps,
      arrived: this.#clock.now(),
    };
    if (this.#closed) {
      this.#deliver(held);
      return;
    }
    this.#heap.push(held);
    while (this.#heap.size > this.#maxHeld) {
      this.#forced++;
      this.#deliver(this.#heap.pop()!);
    }
    this.#run("watermark");
  }

  /** A count snapshot ended (`dump end`): the exits that arrived before it may go out. */
  dumped(): void {
    this.#dumps++;
    this.#run("watermark");
  }

  /** Releases every record held, whatever its age; an exit still waits for its snapshot. */
  flush(): void {
    this.#run("flush");
  }

  /** Releases every record held (the tracer has ended and its output is read). */
  drain(): void {
    this.#run("drain");
  }

  /** Drains, then passes later records through at once; no timer is armed again. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#run("drain");
  }

  #deliver(held: Held<T>): void {
    if (this.#last !== undefined && held.time < this.#last) this.#late++;
    else this.#last = held.time;
    this.#release(held.item, this.timeOf(held.time) ?? held.arrived);
  }

  /** The monotonic time from which `held` may be released, or undefined before `ready`. */
  #due(held: Held<T>): number | undefined {
    const origin = this.#origin;
    if (origin === undefined) return undefined;
    return origin.mono + Number(held.time - origin.time) / 1e6 + this.#windowMs;
  }

  #run(mode: "watermark" | "flush" | "drain"): void {
    for (;;) {
      const head = this.#heap.peek();
      if (head === undefined) break;
      if (mode === "watermark") {
        const due = this.#due(head);
        if (due === undefined || due > this.#clock.monotonic()) break;
      }
      if (mode !== "drain" && head.exit && this.#dumps <= head.dumps) break;
      this.#heap.pop();
      this.#deliver(head);
    }
    this.#arm();
  }

  /** Arms the timer for the head's due time, if it can become due by time alone. */
  #arm(): void {
    const head = this.#heap.peek();
    const blocked = head !== undefined && head.exit && this.#dumps <= head.dumps;
    const due = head === undefined || blocked || this.#closed ? undefined : this.#due(head);
    if (due === undefined) {
      this.#disarm();
      return;
    }
    if (this.#timer !== undefined && this.#timerAt <= due) return;
    this.#disarm();
    this.#timerAt = due;
    const delay = Math.max(1, Math.ceil(due - this.#clock.monotonic()));
    this.#timer = this.#clock.setTimer(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.#run("watermark");
    }, delay);
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }
}
