/**
 * A bounded ring of the most recent events: memory depends on its capacity, never on how many
 * events passed through it.
 *
 * @module
 */

/**
 * A fixed-capacity ring buffer keeping the last `capacity` items.
 *
 * @example
 * ```ts
 * import { RecentEvents } from "@cordon/cordon";
 * const ring = new RecentEvents<number>(3);
 * for (let i = 1; i <= 5; i++) ring.push(i);
 * if (ring.last(10).join() !== "3,4,5" || ring.total !== 5) throw new Error(ring.last(10).join());
 * ```
 */
export class RecentEvents<T> {
  /** The most items kept. */
  readonly capacity: number;
  readonly #items: (T | undefined)[];
  #next = 0;
  #size = 0;
  #total = 0;

  /**
   * Creates an empty ring.
   *
   * @param capacity the most items kept (a positive integer) */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, not ${capacity}`);
    }
    this.capacity = capacity;
    this.#items = new Array<T | undefined>(capacity).fill(undefined);
  }

  /** Adds an item, overwriting the oldest when full. */
  push(item: T): void {
    this.#items[this.#next] = item;
    this.#next = this.#next + 1 === this.capacity ? 0 : this.#next + 1;
    if (this.#size < this.capacity) this.#size++;
    this.#total++;
  }

  /**
   * The last `n` items (at most `capacity`), oldest first.
   *
   * @param n how many (default: all kept)
   */
  last(n: number = this.capacity): T[] {
    const count = Math.max(0, Math.min(Math.floor(n), this.#size));
    const out: T[] = new Array<T>(count);
    let at = (this.#next - count + this.capacity) % this.capacity;
    for (let i = 0; i < count; i++) {
      out[i] = this.#items[at] as T;
      at = at + 1 === this.capacity ? 0 : at + 1;
    }
    return out;
  }

  /** Items currently kept. */
  get size(): number {
    return this.#size;
  }

  /** Items ever pushed. */
  get total(): number {
    return this.#total;
  }

  /** Forgets every item. */
  clear(): void {
    this.#items.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}
