import assert from "node:assert/strict";
import { RateLimiter } from "./rate_limiter.ts";
import { RecentEvents } from "./recent_events.ts";

Deno.test("RateLimiter allows perSecond calls per key per second and refills with time", () => {
  let now = 0;
  const limiter = new RateLimiter({ perSecond: 100, clock: () => now });
  let allowed = 0;
  for (let i = 0; i < 250; i++) if (limiter.take(1)) allowed++;
  assert.equal(allowed, 100);
  assert.equal(limiter.exceeded, 150);
  assert.ok(limiter.take(2), "another key has its own bucket");
  now = 100; // a tenth of a second: ten tokens
  allowed = 0;
  for (let i = 0; i < 50; i++) if (limiter.take(1)) allowed++;
  assert.equal(allowed, 10);
  limiter.forget(1);
  assert.ok(limiter.take(1), "a forgotten key starts full");
  assert.throws(() => new RateLimiter({ perSecond: 0 }), RangeError);
});

Deno.test("RateLimiter keeps at most maxKeys buckets, forgetting the least recently used", () => {
  const limiter = new RateLimiter({ perSecond: 1, clock: () => 0, maxKeys: 3 });
  for (const k of [1, 2, 3]) limiter.take(k);
  limiter.take(1); // 1 is now the most recent; 2 the least
  limiter.take(4);
  assert.equal(limiter.size, 3);
  assert.ok(limiter.take(2), "2 was forgotten, so it starts with a full bucket");
  assert.ok(!limiter.take(1), "1 was kept, with its bucket empty");
});

Deno.test("RecentEvents memory stays at its capacity whatever passes through", () => {
  const ring = new RecentEvents<{ n: number }>(16);
  for (let n = 0; n < 100_000; n++) ring.push({ n });
  assert.equal(ring.size, 16);
  assert.equal(ring.total, 100_000);
  assert.deepEqual(ring.last(3).map((e) => e.n), [99_997, 99_998, 99_999]);
  assert.deepEqual(ring.last(0), []);
  ring.clear();
  assert.deepEqual(ring.last(), []);
  assert.throws(() => new RecentEvents(0), RangeError);
});
