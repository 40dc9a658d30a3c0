import assert from "node:assert/strict";
import { ReorderBuffer, type ReorderClock } from "./_reorder_buffer.ts";
import { parseTraceLine, type TraceRecord } from "../../compile/trace_script.ts";

/**
 * A clock that moves only when told to, with timers that fire when it passes them; the wall
 * clock can also be stepped on its own (`step`), as NTP may.
 */
function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  let wallStep = 0;
  let next = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: ReorderClock = {
    now: () => now + wallStep,
    monotonic: () => now - start + 5_000,
    setTimer(fn, ms) {
      const id = next++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimer(handle) {
      timers.delete(handle as number);
    },
  };
  return {
    clock,
    get now() {
      return now + wallStep;
    },
    /** Steps the wall clock by `ms` (not the monotonic one, not the timers). */
    step(ms: number) {
      wallStep += ms;
    },
    /** Moves the clock by `ms`, firing the timers it passes in their order. */
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= until).sort(([, a], [, b]) =>
          a.at - b.at
        );
        const first = due[0];
        if (first === undefined) break;
        timers.delete(first[0]);
        now = Math.max(now, first[1].at);
        first[1].fn();
      }
      now = until;
    },
    /** Timers armed now. */
    get armed(): number {
      return timers.size;
    },
  };
}

const WINDOW = 50;
const T0 = 81_234_500_000_000n; // the ready line's kernel time (ns)
const ms = (n: number) => T0 + BigInt(Math.round(n * 1e6));

/** A buffer of parsed records, fed as the backend feeds it; `out` is what it released. */
function setUp() {
  const fake = fakeClock();
  const out: { record: TraceRecord; time: number }[] = [];
  const buffer = new ReorderBuffer<TraceRecord>({
    windowMs: WINDOW,
    release: (record, time) => out.push({ record, time }),
    clock: fake.clock,
  });
  const feed = (lines: readonly string[]) => {
    for (const line of lines) {
      const record = parseTraceLine(line);
      if (record === undefined) continue;
      if (record.type === "ready") buffer.ready(record.time);
      else if (record.type === "dump-end") buffer.dumped();
      else if ("time" in record) buffer.push(record.time, record, record.type === "exit");
    }
  };
  const order = () =>
    out.map(({ record: r }) =>
      r.type === "fork" ? `fork ${r.pid}` : "pid" in r ? `${r.type} ${r.pid}` : r.type
    );
  return { fake, out, buffer, feed, order };
}

// Parent 10 forks child 11 on CPU 0; the child runs on CPU 1 and exits there; the parent makes a
// call on CPU 0, moves to CPU 1 and exits there. bpftrace prints CPU 1's buffer, then CPU 0's.
const CPU1 = [
  `cordon2 exec ${ms(2.5)} 11 10 /bin/cat`,
  `cordon2 file ${ms(3)} 11 11 3 0 openat /etc/hostname`,
  `cordon2 sys ${ms(4)} 11 11 -1 0 3 0 0 0 0 0 -`,
  `cordon2 exit ${ms(5)} 11 0`,
  "cordon2 dump begin",
  "@c[11, 0]: 1",
  "cordon2 dump end",
  `cordon2 exit ${ms(7)} 10 0`,
  "cordon2 dump begin",
  "@c[11, 0]: 1",
  "cordon2 dump end",
];
const CPU0 = [
  `cordon2 sys ${ms(1)} 10 10 -1 57 0 0 0 0 0 0 -`,
  `cordon2 fork ${ms(2)} 10 11`,
  `cordon2 sys ${ms(6)} 10 10 -1 61 0 0 0 0 0 0 -`,
];

Deno.test("ReorderBuffer releases per-CPU interleaved lines in kernel order: a child's lines after its fork, a process's calls before its exit", () => {
  const { fake, out, buffer, feed, order } = setUp();
  feed([`cordon2 ready ${T0}`]);
  const wall0 = fake.now;
  fake.advance(8); // the lines arrive 8 ms after ready: every one fired before that
  feed([...CPU1, ...CPU0]);
  assert.equal(out.length, 0, "nothing goes out before the window has passed");
  assert.equal(buffer.size, 8);
  assert.equal(fake.armed, 1, "a timer waits for the oldest record");

  // The watermark passes the records one by one, 50 ms after each one's time.
  fake.advance(WINDOW + 2.2 - 8); // wall0 + 52.2: the records of 1 and 2 ms are due
  assert.deepEqual(order(), ["sys 10", "fork 11"]);
  fake.advance(10);
  assert.deepEqual(order(), [
    "sys 10",
    "fork 11",
    "exec 11",
    "file 11",
    "sys 11",
    "exit 11",
    "sys 10",
    "exit 10",
  ]);
  // Nothing lost, nothing held, no timer left; times are the kernel's, mapped at ready.
  assert.equal(
    out.length,
    [...CPU1, ...CPU0].filter((l) => /^cordon2 (sys|file|exec|fork|exit) /.test(l)).length,
  );
  assert.equal(buffer.size, 0);
  assert.equal(fake.armed, 0);
  assert.deepEqual(out.map((o) => Number((o.time - wall0).toFixed(3))), [1, 2, 2.5, 3, 4, 5, 6, 7]);
  assert.equal(buffer.late, 0);
});

Deno.test("ReorderBuffer holds an exit until a count snapshot arrives after its line, and what follows it in kernel order too", () => {
  const { fake, buffer, feed, order } = setUp();
  feed([`cordon2 ready ${T0}`, "cordon2 dump end"]); // a snapshot before the exit does not count
  feed([`cordon2 exit ${ms(1)} 5 0`, `cordon2 file ${ms(2)} 6 6 3 0 open /a`]);
  fake.advance(10 * WINDOW);
  assert.deepEqual(order(), []);
  assert.equal(buffer.size, 2);
  assert.equal(fake.armed, 0, "no timer while only a snapshot can release the head");
  buffer.flush();
  assert.deepEqual(order(), [], "flush() keeps the exit's guarantee");
  feed(["cordon2 dump begin", "@c[5, 0]: 1", "cordon2 dump end"]);
  assert.deepEqual(order(), ["exit 5", "file 6"]);

  // An exit whose snapshot came before the window passed goes out with the watermark.
  // (The clock is 500 ms past ready now.)
  feed([`cordon2 exit ${ms(501)} 7 0`, "cordon2 dump end", `cordon2 fork ${ms(502)} 8 9`]);
  assert.deepEqual(order().slice(2), []);
  fake.advance(2 * WINDOW);
  assert.deepEqual(order().slice(2), ["exit 7", "fork 9"]);
  assert.equal(fake.armed, 0);
});

Deno.test("ReorderBuffer keeps arrival order among records of the same kernel time", () => {
  const { fake, feed, order } = setUp();
  feed([
    `cordon2 ready ${T0}`,
    `cordon2 file ${ms(1)} 3 3 3 0 open /c`,
    `cordon2 file ${ms(1)} 1 1 3 0 open /a`,
    `cordon2 file ${ms(0.5)} 9 9 3 0 open /first`,
    `cordon2 file ${ms(1)} 2 2 3 0 open /b`,
  ]);
  fake.advance(WINDOW + 1);
  assert.deepEqual(order(), ["file 9", "file 3", "file 1", "file 2"]);
});

Deno.test("ReorderBuffer: flush() releases what is held whatever its age, drain() exits too, close() passes records through", () => {
  const { fake, buffer, feed, order } = setUp();
  feed([
    `cordon2 ready ${T0}`,
    `cordon2 file ${ms(2)} 1 1 3 0 open /a`,
    `cordon2 file ${ms(1)} 1 1 3 0 open /z`,
    `cordon2 exit ${ms(3)} 1 0`,
    `cordon2 fork ${ms(4)} 2 3`,
  ]);
  buffer.flush();
  assert.deepEqual(order(), ["file 1", "file 1"], "in kernel order, up to the waiting exit");
  assert.equal(buffer.size, 2);
  buffer.drain();
  assert.deepEqual(order().slice(2), ["exit 1", "fork 3"]);
  assert.equal(fake.armed, 0);
  buffer.close();
  feed([`cordon2 fork ${ms(5)} 3 4`, `cordon2 exit ${ms(6)} 4 0`]);
  assert.deepEqual(order().slice(4), ["fork 4", "exit 4"], "after close: at once");
  assert.equal(buffer.size, 0);
  assert.equal(fake.armed, 0, "no timer after close");
});

Deno.test("ReorderBuffer holds records that come before the ready line, and delivers and counts a record that comes too late", () => {
  const { fake, out, buffer, feed, order } = setUp();
  feed([`cordon2 fork ${ms(1)} 1 2`]);
  fake.advance(10 * WINDOW);
  assert.equal(out.length, 0, "no mapping yet: held");
  assert.equal(fake.armed, 0);
  feed([`cordon2 ready ${T0}`]);
  assert.equal(fake.armed, 1);
  fake.advance(WINDOW + 1);
  assert.deepEqual(order(), ["fork 2"]);
  feed([`cordon2 file ${ms(30)} 2 2 3 0 open /a`]);
  fake.advance(WINDOW);
  feed([`cordon2 file ${ms(20)} 2 2 3 0 open /late`]); // older than what already went out
  assert.deepEqual(order(), ["fork 2", "file 2", "file 2"], "delivered, not dropped");
  assert.equal(buffer.late, 1);
  assert.equal(fake.armed, 0);
});

Deno.test("ReorderBuffer maps kernel times above 2^53 exactly, and re-arms its timer for an earlier record", () => {
  const fake = fakeClock();
  const out: [string, number][] = [];
  const buffer = new ReorderBuffer<string>({
    windowMs: WINDOW,
    release: (item, time) => out.push([item, time]),
    clock: fake.clock,
  });
  const origin = 2n ** 60n + 1n;
  buffer.ready(origin);
  const wall0 = fake.now;
  assert.equal(buffer.timeOf(origin + 1_500_001n), wall0 + 1.5, "to the µs");
  buffer.push(origin + 40_000_000n, "b");
  fake.advance(5);
  buffer.push(origin + 1n, "a"); // due 45 ms before "b"
  fake.advance(WINDOW - 4);
  assert.deepEqual(out.map(([item]) => item), ["a"]);
  fake.advance(40);
  assert.deepEqual(out.map(([item]) => item), ["a", "b"]);
  assert.equal(out[1]![1], wall0 + 40);
  assert.equal(fake.armed, 0);
});

Deno.test("ReorderBuffer keeps its watermark on the monotonic clock: a wall clock step neither holds nor rushes records", () => {
  const { fake, out, feed, order } = setUp();
  feed([`cordon2 ready ${T0}`]);
  const wall0 = fake.now;
  fake.step(-3_600_000); // the wall clock goes back an hour
  feed([`cordon2 fork ${ms(1)} 1 2`]);
  fake.advance(WINDOW + 1);
  assert.deepEqual(order(), ["fork 2"], "released after the window, not an hour later");
  assert.equal(out[0]!.time, wall0 + 1, "its time is mapped at the ready line");
  fake.step(2 * 3_600_000); // and forward two
  feed([`cordon2 fork ${ms(60)} 2 3`]);
  assert.deepEqual(order(), ["fork 2"], "not rushed out");
  fake.advance(WINDOW + 10);
  assert.deepEqual(order(), ["fork 2", "fork 3"]);
  assert.equal(fake.armed, 0);
});

Deno.test("ReorderBuffer holds at most maxHeld records: past it the oldest go out at once, counted, in kernel order", () => {
  const fake = fakeClock();
  const out: string[] = [];
  const buffer = new ReorderBuffer<string>({
    windowMs: WINDOW,
    release: (item) => out.push(item),
    clock: fake.clock,
    maxHeld: 3,
  });
  buffer.ready(T0);
  // An exit whose snapshot never comes would hold everything after it: the bound still holds.
  buffer.push(ms(1), "exit", true);
  for (let i = 2; i <= 6; i++) buffer.push(ms(i), `call${i}`);
  assert.equal(buffer.size, 3);
  assert.equal(buffer.forced, 3);
  assert.deepEqual(out, ["exit", "call2", "call3"]);
  buffer.close();
  assert.deepEqual(out, ["exit", "call2", "call3", "call4", "call5", "call6"]);
});
