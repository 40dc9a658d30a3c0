import assert from "node:assert/strict";
import {
  BaselineError,
  BaselineWatcher,
  parseSyscallProfile,
  profileFromTrace,
  type SyscallProfile,
} from "./syscall_baseline.ts";

const line = (time: number, name: string, arch = "x86_64", pid = 7) =>
  JSON.stringify({ v: 1, kind: "syscall", time, pid, arch, nr: 0, name, args: [] });

Deno.test("profileFromTrace() counts by name, i386 apart, over at least one second", () => {
  const text = [
    line(1000, "read"),
    line(1100, "read"),
    line(1200, "getppid", "i386"),
    JSON.stringify({ v: 1, kind: "process", op: "exit", time: 5000, pid: 8, exitCode: 0 }),
    "# cordon record: {}",
  ].join("\n");
  const p = profileFromTrace(text, ["app"]);
  assert.deepEqual(p, {
    version: 1,
    command: ["app"],
    seconds: 4,
    processes: 2,
    syscalls: { "i386:getppid": { count: 1, perSecond: 0.25 }, read: { count: 2, perSecond: 0.5 } },
  });
  const short = profileFromTrace([line(0, "read"), line(10, "read")].join("\n"));
  assert.equal(short.syscalls.read?.perSecond, 2, "a 10 ms run is taken as one second");
  assert.deepEqual(parseSyscallProfile(JSON.stringify(p), "p.json"), p);
});

Deno.test("parseSyscallProfile() refuses what is not a profile, naming the file", () => {
  for (
    const text of [
      "{",
      "[]",
      '{"version":2}',
      '{"version":1,"syscalls":{"read":{"count":-1,"perSecond":0}}}',
    ]
  ) {
    assert.throws(
      () => parseSyscallProfile(text, "bad.json"),
      (e) =>
        e instanceof BaselineError && e.code === "BAD_BASELINE" &&
        e.message.startsWith("bad.json: "),
    );
  }
});

const PROFILE: SyscallProfile = {
  version: 1,
  seconds: 10,
  processes: 1,
  syscalls: { read: { count: 100, perSecond: 10 }, write: { count: 10_000, perSecond: 1000 } },
};

Deno.test("BaselineWatcher reports an unseen syscall once per process, again for a new one", () => {
  const w = new BaselineWatcher(PROFILE);
  assert.deepEqual(w.observe(1, "a", new Map([["read", 5], ["mkdir", 0]]), 0), []);
  const first = w.observe(1, "a", new Map([["read", 6], ["mkdir", 2]]), 100);
  assert.deepEqual(first, [{
    kind: "anomaly",
    pid: 1,
    comm: "a",
    reason: "unseen",
    syscall: "mkdir",
    count: 2,
  }]);
  assert.deepEqual(w.observe(1, "a", new Map([["mkdir", 3]]), 200), [], "once per process");
  assert.equal(w.observe(2, undefined, new Map([["mkdir", 1]]), 200).length, 1, "another process");
  w.forget(1);
  assert.equal(
    w.observe(1, "b", new Map([["mkdir", 1]]), 300).length,
    1,
    "a reused pid starts over",
  );
  assert.equal(w.reported, 3);
});

Deno.test("BaselineWatcher reports a rate far above the baseline, over a full window, then keeps quiet", () => {
  const w = new BaselineWatcher(PROFILE, {
    factor: 10,
    minPerSecond: 100,
    windowMs: 1000,
    quietMs: 5000,
  });
  w.observe(1, "a", new Map([["read", 0], ["write", 0]]), 0);
  // 150 reads in 0.5 s: the window is not over yet
  assert.deepEqual(w.observe(1, "a", new Map([["read", 150], ["write", 0]]), 500), []);
  // 1,000 reads/s against 10/s: 100x (above 10x and 100/s); 5,000 writes/s against 1,000/s: 5x
  const found = w.observe(1, "a", new Map([["read", 1000], ["write", 5000]]), 1000);
  assert.deepEqual(found, [{
    kind: "anomaly",
    pid: 1,
    comm: "a",
    reason: "rate",
    syscall: "read",
    count: 1000,
    perSecond: 1000,
    baselinePerSecond: 10,
  }]);
  assert.deepEqual(
    w.observe(1, "a", new Map([["read", 3000], ["write", 5000]]), 2000),
    [],
    "quiet",
  );
  assert.equal(w.observe(1, "a", new Map([["read", 10000], ["write", 5000]]), 7000).length, 1);
  // under minPerSecond: never, whatever the factor
  const slow = new BaselineWatcher({
    ...PROFILE,
    syscalls: { read: { count: 1, perSecond: 0.1 } },
  });
  slow.observe(3, "s", new Map([["read", 0]]), 0);
  assert.deepEqual(slow.observe(3, "s", new Map([["read", 50]]), 1000), []);
});
