import assert from "node:assert/strict";
import { EventBus } from "./event_bus.ts";
import type { EngineEvent, EventKind } from "./events.ts";

const ev = (pid: number, kind: EventKind = "process"): EngineEvent =>
  kind === "process"
    ? { kind, op: "exit", time: 0, pid }
    : { kind: "syscall", time: 0, pid, arch: "x86_64", nr: 0, name: "read" };

Deno.test("EventBus delivers in order, only the kinds asked for, after the publisher yields", async () => {
  const bus = new EventBus();
  const got: number[] = [];
  using _s = bus.subscribe(["syscall"], (e) => void got.push(e.pid));
  for (let i = 0; i < 5; i++) bus.publish(ev(i, i % 2 ? "syscall" : "process"));
  assert.deepEqual(got, [], "publishing never runs subscribers synchronously");
  await bus.drained();
  assert.deepEqual(got, [1, 3]);
});

Deno.test("EventBus drop-oldest keeps the newest events and counts the rest", async () => {
  const bus = new EventBus();
  const got: number[] = [];
  const sub = bus.subscribe(["process"], (e) => void got.push(e.pid), {
    queueSize: 3,
    overflow: "drop-oldest",
  });
  for (let i = 0; i < 10; i++) bus.publish(ev(i));
  await bus.drained();
  assert.deepEqual(got, [7, 8, 9]);
  assert.equal(sub.stats().dropped, 7);
  assert.equal(sub.stats().highWater, 3);
});

Deno.test("EventBus counts rejected promises and reports errors to onError", async () => {
  const bus = new EventBus();
  const errors: unknown[] = [];
  bus.subscribe(
    ["process"],
    (e) => e.pid % 2 ? Promise.reject(new Error(`odd ${e.pid}`)) : Promise.resolve(),
    {
      onError: (error) => errors.push(error),
    },
  );
  for (let i = 0; i < 6; i++) bus.publish(ev(i));
  await bus.drained();
  const stats = bus.stats();
  assert.equal(stats.errors, 3);
  assert.equal(stats.delivered, 3);
  assert.equal(errors.length, 3);
});

Deno.test("EventBus: unsubscribing discards the queue, counts it, and updates the interest", async () => {
  const interests: string[] = [];
  const bus = new EventBus({ onInterest: (k) => interests.push([...k].sort().join("+")) });
  const a = bus.subscribe(["syscall", "file"], () => {});
  const b = bus.subscribe(["process"], () => {});
  for (let i = 0; i < 4; i++) bus.publish(ev(i));
  b.unsubscribe();
  b.unsubscribe();
  assert.equal(b.active, false);
  await bus.drained();
  assert.equal(bus.stats().dropped, 4);
  a[Symbol.dispose]();
  assert.deepEqual(interests, ["file+syscall", "file+process+syscall", "file+syscall", ""]);
  assert.throws(() => bus.subscribe([], () => {}), TypeError);
  assert.throws(() => bus.subscribe(["syscall"], () => {}, { queueSize: 0 }), RangeError);
});
