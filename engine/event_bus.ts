/**
 * Fan-out of events to subscribers with bounded per-subscriber queues. Publishing never waits
 * for a subscriber: it appends to each interested subscriber's queue and returns. Each
 * subscriber is drained on its own (in a microtask after the publisher yields); a subscriber
 * that returns a promise is not given its next event before the promise settles, so a slow
 * subscriber only fills its own queue. When a queue is full the event is dropped for that
 * subscriber and counted; a subscriber that throws is counted and keeps receiving.
 *
 * JavaScript has one thread: a *synchronous* subscriber that computes for a long time occupies
 * it, and intake waits meanwhile (a kernel ring buffer keeps buffering and counts what it loses).
 * Subscribers with long work should return a promise.
 *
 * @module
 */

import type { EngineEvent, EventKind } from "./events.ts";

/** A subscriber callback. A returned promise makes the bus wait for it before the next event. */
export type EventCallback<E extends EngineEvent = EngineEvent> = (
  event: E,
) => void | Promise<void>;

/** Options of {@linkcode EventBus.subscribe}. */
export interface SubscribeOptions {
  /** Queue capacity for this subscriber (default: the bus's `queueSize`). */
  readonly queueSize?: number;
  /** What to drop when the queue is full: the incoming event (default) or the oldest queued. */
  readonly overflow?: "drop-newest" | "drop-oldest";
  /** Called (never throwing into the bus) when the callback throws or rejects. */
  readonly onError?: (error: unknown, event: EngineEvent) => void;
}

/** One subscriber's figures. */
export interface SubscriptionStats {
  /** The subscription's id. */
  readonly id: number;
  /** The kind (discriminant). */
  readonly kinds: readonly EventKind[];
  /** Events delivered. */
  readonly delivered: number;
  /** Events dropped because the queue was full. */
  readonly dropped: number;
  /** Callbacks that threw or rejected. */
  readonly errors: number;
  /** Events waiting in the queue. */
  readonly queued: number;
  /** The most events ever queued at once. */
  readonly highWater: number;
}

/** The bus's totals. */
export interface EventBusStats {
  /** Events published. */
  readonly published: number;
  /** Events delivered. */
  readonly delivered: number;
  /** Events dropped because a subscriber's queue was full, summed over subscribers. */
  readonly dropped: number;
  /** Callbacks that threw or rejected. */
  readonly errors: number;
  /** Subscribers. */
  readonly subscribers: readonly SubscriptionStats[];
}

/** A live subscription; dispose it (`using`) or call `unsubscribe()` to stop receiving. */
export interface Subscription extends Disposable {
  /** The subscription's id. */
  readonly id: number;
  /** Whether it still receives events. */
  readonly active: boolean;
  /** This subscription's figures. */
  stats(): SubscriptionStats;
  /** Stops delivery; queued events are discarded (and counted as dropped). Idempotent. */
  unsubscribe(): void;
}

class Subscriber implements Subscription {
  readonly id: number;
  readonly kinds: readonly EventKind[];
  readonly wants: number;
  readonly callback: EventCallback;
  readonly capacity: number;
  readonly dropOldest: boolean;
  readonly onError: ((error: unknown, event: EngineEvent) => void) | undefined;
  readonly buffer: (EngineEvent | undefined)[];
  head = 0;
  count = 0;
  delivered = 0;
  dropped = 0;
  errors = 0;
  highWater = 0;
  scheduled = false;
  busy = false;
  active = true;
  readonly #bus: EventBus;

  constructor(
    bus: EventBus,
    id: number,
    kinds: readonly EventKind[],
    callback: EventCallback,
    capacity: number,
    options: SubscribeOptions,
  ) {
    this.#bus = bus;
    this.id = id;
    this.kinds = kinds;
    this.wants = kinds.reduce((bits, kind) => bits | kindBit(kind), 0);
    this.callback = callback;
    this.capacity = capacity;
    this.dropOldest = options.overflow === "drop-oldest";
    this.onError = options.onError;
    this.buffer = new Array<EngineEvent | undefined>(capacity).fill(undefined);
  }

  stats(): SubscriptionStats {
    return {
      id: this.id,
      kinds: this.kinds,
      delivered: this.delivered,
      dropped: this.dropped,
      errors: this.errors,
      queued: this.count,
      highWater: this.highWater,
    };
  }

  unsubscribe(): void {
    if (!this.active) return;
    this.active = false;
    this.dropped += this.count;
    this.buffer.fill(undefined);
    this.count = 0;
    this.#bus._remove(this);
  }

  [Symbol.dispose](): void {
    this.unsubscribe();
  }
}

const KIND_BITS: Readonly<Record<EventKind, number>> = {
  syscall: 1,
  file: 2,
  network: 4,
  process: 8,
};

function kindBit(kind: EventKind): number {
  return KIND_BITS[kind];
}

/**
 * The event bus.
 *
 * @example
 * ```ts
 * import { EventBus } from "@cordon/cordon";
 * const bus = new EventBus({ queueSize: 4 });
 * const seen: number[] = [];
 * using _sub = bus.subscribe(["process"], (e) => { seen.push(e.pid); });
 * bus.subscribe(["process"], () => { throw new Error("bad subscriber"); });
 * for (let pid = 1; pid <= 6; pid++) bus.publish({ kind: "process", op: "exit", time: 0, pid });
 * await bus.drained();
 * // Four fit in each queue; two were dropped per subscriber, and the thrower was counted.
 * if (seen.join() !== "1,2,3,4") throw new Error(seen.join());
 * const stats = bus.stats();
 * if (stats.dropped !== 4 || stats.errors !== 4) throw new Error(JSON.stringify(stats));
 * ```
 */
export class EventBus {
  readonly #queueSize: number;
  #subscribers: Subscriber[] = [];
  #nextId = 1;
  #published = 0;
  #retiredDelivered = 0;
  #retiredDropped = 0;
  #retiredErrors = 0;
  #waiters: (() => void)[] = [];
  #pending = 0;
  readonly #onInterest: ((kinds: ReadonlySet<EventKind>) => void) | undefined;

  /**
   * Creates a bus with no subscribers.
   *
   * @param options `queueSize`: default per-subscriber capacity (default 65,536); `onInterest`:
   *   called with the set of kinds someone subscribes to whenever it changes
   */
  constructor(
    options: {
      readonly queueSize?: number;
      readonly onInterest?: (kinds: ReadonlySet<EventKind>) => void;
    } = {},
  ) {
    const size = options.queueSize ?? 65_536;
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`queueSize must be a positive integer, not ${size}`);
    }
    this.#queueSize = size;
    this.#onInterest = options.onInterest;
  }

  /**
   * Subscribes `callback` to events of the given kinds.
   *
   * @param kinds the kinds wanted (non-empty)
   * @param callback called once per event, in publication order
   * @param options queue size, overflow policy, error hook
   * @returns a disposable subscription
   */
  subscribe<K extends EventKind>(
    kinds: readonly K[],
    callback: EventCallback<Extract<EngineEvent, { kind: K }>>,
    options: SubscribeOptions = {},
  ): Subscription {
    if (kinds.length === 0) throw new TypeError("A subscription needs at least one event kind");
    for (const kind of kinds) {
      if (!(kind in KIND_BITS)) throw new TypeError(`Unknown event kind "${String(kind)}"`);
    }
    const capacity = options.queueSize ?? this.#queueSize;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`queueSize must be a positive integer, not ${capacity}`);
    }
    const subscriber = new Subscriber(
      this,
      this.#nextId++,
      [...new Set(kinds)],
      callback as EventCallback,
      capacity,
      options,
    );
    this.#subscribers = [...this.#subscribers, subscriber];
    this.#interestChanged();
    return subscriber;
  }

  /** @internal Called by a subscription when it ends. */
  _remove(subscriber: Subscriber): void {
    this.#subscribers = this.#subscribers.filter((s) => s !== subscriber);
    this.#retiredDelivered += subscriber.delivered;
    this.#retiredDropped += subscriber.dropped;
    this.#retiredErrors += subscriber.errors;
    this.#interestChanged();
    this.#settle();
  }

  #interestChanged(): void {
    if (this.#onInterest === undefined) return;
    const kinds = new Set<EventKind>();
    for (const s of this.#subscribers) for (const k of s.kinds) kinds.add(k);
    this.#onInterest(kinds);
  }

  /** The kinds at least one subscriber wants. */
  interest(): ReadonlySet<EventKind> {
    const kinds = new Set<EventKind>();
    for (const s of this.#subscribers) for (const k of s.kinds) kinds.add(k);
    return kinds;
  }

  /** Number of active subscriptions. */
  get size(): number {
    return this.#subscribers.length;
  }

  /**
   * Queues `event` for every interested subscriber and returns at once.
   *
   * @returns how many subscribers it was queued for (drops excluded)
   */
  publish(event: EngineEvent): number {
    this.#published++;
    const bit = KIND_BITS[event.kind];
    const subscribers = this.#subscribers;
    let queued = 0;
    for (let i = 0; i < subscribers.length; i++) {
      const s = subscribers[i]!;
      if ((s.wants & bit) === 0) continue;
      if (s.count === s.capacity) {
        s.dropped++;
        if (!s.dropOldest) continue;
        s.buffer[s.head] = undefined;
        s.head = s.head + 1 === s.capacity ? 0 : s.head + 1;
        s.count--;
      }
      let tail = s.head + s.count;
      if (tail >= s.capacity) tail -= s.capacity;
      s.buffer[tail] = event;
      s.count++;
      if (s.count > s.highWater) s.highWater = s.count;
      queued++;
      if (!s.scheduled && !s.busy) {
        s.scheduled = true;
        this.#pending++;
        queueMicrotask(() => this.#drain(s));
      }
    }
    return queued;
  }

  #drain(s: Subscriber): void {
    s.scheduled = false;
    while (s.active && s.count > 0) {
      const event = s.buffer[s.head]!;
      s.buffer[s.head] = undefined;
      s.head = s.head + 1 === s.capacity ? 0 : s.head + 1;
      s.count--;
      let result: void | Promise<void>;
      try {
        result = s.callback(event);
      } catch (error) {
        this.#failed(s, error, event);
        continue;
      }
      if (result !== undefined && typeof (result as Promise<void>).then === "function") {
        s.busy = true;
        (result as Promise<void>).then(
          () => {
            s.delivered++;
            this.#resume(s);
          },
          (error) => {
            this.#failed(s, error, event);
            this.#resume(s);
          },
        );
        return;
      }
      s.delivered++;
    }
    this.#pending--;
    this.#settle();
  }

  #resume(s: Subscriber): void {
    s.busy = false;
    if (s.active && s.count > 0) {
      this.#drain(s);
      return;
    }
    this.#pending--;
    this.#settle();
  }

  #failed(s: Subscriber, error: unknown, event: EngineEvent): void {
    s.errors++;
    if (s.onError === undefined) return;
    try {
      s.onError(error, event);
    } catch {
      // An error hook that throws is already counted through the subscriber's error.
    }
  }

  #settle(): void {
    if (this.#pending > 0 || this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }

  /**
   * Resolves when every queue is empty and no subscriber is working on an event: the way to
   * wait for delivery without sleeping.
   */
  drained(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Figures, totals including ended subscriptions. */
  stats(): EventBusStats {
    let delivered = this.#retiredDelivered;
    let dropped = this.#retiredDropped;
    let errors = this.#retiredErrors;
    for (const s of this.#subscribers) {
      delivered += s.delivered;
      dropped += s.dropped;
      errors += s.errors;
    }
    return {
      published: this.#published,
      delivered,
      dropped,
      errors,
      subscribers: this.#subscribers.map((s) => s.stats()),
    };
  }

  /** Ends every subscription. */
  close(): void {
    for (const s of [...this.#subscribers]) s.unsubscribe();
  }
}
