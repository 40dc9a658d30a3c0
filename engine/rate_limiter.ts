/**
 * Per-key rate limiting (token buckets) for the policy's `limits.syscallsPerSecond`, with an
 * injectable clock so that tests and simulations are deterministic. Memory is bounded: at most
 * `maxKeys` buckets are kept (the least recently used is forgotten first).
 *
 * @module
 */

/** A clock returning milliseconds (since the epoch, or any fixed origin). */
export type Clock = () => number;

/** Options of {@linkcode RateLimiter}. */
export interface RateLimiterOptions {
  /** Calls allowed per second, sustained; also the burst size. */
  readonly perSecond: number;
  /** The clock (default `Date.now`). */
  readonly clock?: Clock;
  /** The most keys tracked at once (default 65,536). */
  readonly maxKeys?: number;
}

interface Bucket {
  tokens: number;
  last: number;
}

/**
 * A token bucket per key: each key may make `perSecond` calls per second, with bursts up to
 * `perSecond`. {@linkcode RateLimiter.take} says whether a call is within the limit.
 *
 * @example
 * ```ts
 * import { RateLimiter } from "@cordon/cordon";
 * let now = 0;
 * const limiter = new RateLimiter({ perSecond: 2, clock: () => now });
 * const results = [limiter.take("p"), limiter.take("p"), limiter.take("p")];
 * if (results.join() !== "true,true,false") throw new Error(results.join());
 * now = 500; // half a second refills one token
 * if (!limiter.take("p")) throw new Error("refill");
 * ```
 */
export class RateLimiter {
  /** Calls per second. */
  readonly perSecond: number;
  readonly #clock: Clock;
  readonly #maxKeys: number;
  readonly #buckets = new Map<string | number, Bucket>();
  #exceeded = 0;

  /**
   * Creates a limiter with no buckets.
   *
   * @param options the rate, clock and key bound */
  constructor(options: RateLimiterOptions) {
    if (!(options.perSecond > 0) || !Number.isFinite(options.perSecond)) {
      throw new RangeError(`perSecond must be a positive number, not ${options.perSecond}`);
    }
    this.perSecond = options.perSecond;
    this.#clock = options.clock ?? Date.now;
    this.#maxKeys = options.maxKeys ?? 65_536;
  }

  /**
   * Takes one token for `key`.
   *
   * @returns `true` when the call is within the limit, `false` when it exceeds it
   */
  take(key: string | number): boolean {
    const now = this.#clock();
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxKeys) {
        const oldest = this.#buckets.keys().next().value as string | number;
        this.#buckets.delete(oldest);
      }
      bucket = { tokens: this.perSecond, last: now };
      this.#buckets.set(key, bucket);
    } else {
      // Move to the end: the map's order is least recently used first.
      this.#buckets.delete(key);
      this.#buckets.set(key, bucket);
      const elapsed = now - bucket.last;
      if (elapsed > 0) {
        bucket.tokens = Math.min(this.perSecond, bucket.tokens + (elapsed * this.perSecond) / 1000);
        bucket.last = now;
      }
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    this.#exceeded++;
    return false;
  }

  /** Forgets a key (a process exited). */
  forget(key: string | number): void {
    this.#buckets.delete(key);
  }

  /** Keys currently tracked. */
  get size(): number {
    return this.#buckets.size;
  }

  /** Calls that exceeded the limit so far. */
  get exceeded(): number {
    return this.#exceeded;
  }
}
