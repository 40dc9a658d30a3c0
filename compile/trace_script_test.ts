import assert from "node:assert/strict";
import {
  parseTraceLine,
  TraceLineError,
  type TraceRecord,
  traceScriptSpec,
} from "./trace_script.ts";
import { traceTestSet } from "./_trace_test_sets.ts";

const DATA = new URL("../tests/testdata/trace_scripts/", import.meta.url);

function parseAll(text: string): TraceRecord[] {
  return text.split("\n").map((l) => parseTraceLine(l)).filter((r) => r !== undefined);
}

Deno.test("parseTraceLine() reads a DTrace session: printf records and printa count lines", async () => {
  const records = parseAll(await Deno.readTextFile(new URL("dtrace_session.txt", DATA)));
  assert.deepEqual(records[0], { type: "ready", time: 9007199254740993n });
  assert.deepEqual(records[2], {
    type: "exec",
    time: 9007199257240999n,
    pid: 4243,
    ppid: 4242,
    path: "/usr/bin/curl -s https://example.org/",
  });
  assert.deepEqual(records[4], {
    type: "file",
    time: 9007199259741005n,
    pid: 4243,
    tid: 771,
    ret: -2,
    flags: 0,
    syscall: "openat",
    path: "/Users/me/Library/Application Support/curl/.curlrc",
  });
  assert.deepEqual(records[6], {
    type: "connect",
    time: 9007199262241011n,
    pid: 4243,
    tid: 771,
    ret: 0,
    family: 30,
    port: 443,
    address: "2606:2800:220:1:248:1893:25c8:1946",
  });
  assert.deepEqual(records[7], {
    type: "sys",
    time: 9007199263491014n,
    pid: 4242,
    tid: 770,
    rule: 0,
    nr: -1,
    args: [2n, 1n, 0n, 0n, 0n, 0n],
    name: "socket",
  });
  assert.deepEqual(records[9], { type: "exit", time: 9007199265991020n, pid: 4243, status: 1792 });
  // Above 2^53 and 1,250,003 ns apart: exact, and in the order they fired.
  const times = records.flatMap((r) => "time" in r ? [r.time] : []);
  assert.equal(new Set(times).size, times.length);
  assert.ok(times.every((t, i) => i === 0 || t - times[i - 1]! === 1_250_003n));
  const counts = records.filter((r) => r.type === "count");
  assert.equal(counts.length, 13);
  assert.deepEqual(counts[5], { type: "count", pid: 4243, nr: -1, name: "read", count: 120 });
  assert.equal(records.filter((r) => r.type === "dump-begin").length, 2);
  assert.equal(records.filter((r) => r.type === "dump-end").length, 2);
});

Deno.test("parseTraceLine() reads a bpftrace session: print(@c) lines and blank lines", async () => {
  const text = await Deno.readTextFile(new URL("bpftrace_session.txt", DATA));
  const records = parseAll(text);
  assert.deepEqual(records.find((r) => r.type === "count"), {
    type: "count",
    pid: 4243,
    nr: 0,
    name: null,
    count: 120,
  });
  assert.deepEqual(records.find((r) => r.type === "sys"), {
    type: "sys",
    time: 81234515500000n,
    pid: 4242,
    tid: 4242,
    rule: 0,
    nr: 101,
    args: [16n, 4243n, 0n, 0n, 0n, 0n],
    name: null,
  });
  // The parent's call was printed after the child's connect (another CPU's buffer), though it
  // fired before it: the times say so.
  const connect = records.find((r) => r.type === "connect");
  const sys = records.find((r) => r.type === "sys");
  assert.ok(connect && sys && records.indexOf(sys) > records.indexOf(connect));
  assert.ok(sys.time < connect.time);
  assert.deepEqual(parseTraceLine("Lost 12 events"), { type: "lost", count: 12 });
  assert.equal(parseTraceLine(""), undefined);
  assert.equal(parseTraceLine("  "), undefined);
});

Deno.test("parseTraceLine() keeps 64-bit arguments exact", () => {
  const r = parseTraceLine(
    "cordon2 sys 18446744073709551615 1 1 -1 0 18446744073709551615 0 0 0 0 0 -",
  );
  assert.equal(r?.type === "sys" && r.args[0], 18446744073709551615n);
  assert.equal(r?.type === "sys" && r.time, 18446744073709551615n, "the kernel time too");
});

Deno.test("parseTraceLine() reads the kernel time first in every event record and ready, and none in snapshots", () => {
  assert.deepEqual(parseTraceLine("cordon2 ready 5"), { type: "ready", time: 5n });
  assert.deepEqual(parseTraceLine("cordon2 fork 6 1 2"), {
    type: "fork",
    time: 6n,
    ppid: 1,
    pid: 2,
  });
  assert.deepEqual(parseTraceLine("cordon2 exec 7 2 1 /bin/a b"), {
    type: "exec",
    time: 7n,
    pid: 2,
    ppid: 1,
    path: "/bin/a b",
  });
  assert.deepEqual(parseTraceLine("cordon2 exit 8 2 256"), {
    type: "exit",
    time: 8n,
    pid: 2,
    status: 256,
  });
  assert.deepEqual(parseTraceLine("cordon2 dump end"), { type: "dump-end" });
  assert.deepEqual(parseTraceLine("cordon2 count 2 -1 read 3"), {
    type: "count",
    pid: 2,
    nr: -1,
    name: "read",
    count: 3,
  });
});

Deno.test("parseTraceLine() rejects what is not in the format, with the line", async (t) => {
  const bad = [
    "dtrace: 1 dynamic variable drop",
    "cordon1 ready",
    "cordon1 exit 1 0",
    "cordon3 ready 1",
    "cordon2 ready",
    "cordon2 ready 1 2",
    "cordon2 ready -1",
    "cordon2 nonsense 1 2",
    "cordon2 file 9 1 2 3",
    "cordon2 file 9 1 2 x 0 open /a",
    "cordon2 file 1 2 3 0 open /a",
    "cordon2 exit 9 1",
    "cordon2 exit 1 2",
    "cordon2 exit 9 1 2 3",
    "cordon2 exit x 1 2",
    "cordon2 sys 9 1 1 0 101 1 2 3",
    "cordon2 dump middle",
    "cordon2 count 1 2 name",
    "@c[1, 2]: many",
  ];
  for (const line of bad) {
    await t.step(line, () => {
      assert.throws(
        () => parseTraceLine(line),
        (e) => e instanceof TraceLineError && e.text === line,
      );
    });
  }
});

Deno.test("traceScriptSpec() kills in the probe only for unconditional kills of enforcing layers", () => {
  const spec = traceScriptSpec(traceTestSet(), { pids: [7, 7, 3] });
  assert.deepEqual(spec.pids, [3, 7]);
  assert.equal(spec.rules.length, 2);
  const [jail, curl] = spec.rules;
  const action = (name: string) => jail!.calls.find((c) => c.name === name)?.action;
  assert.equal(action("ptrace"), "kill");
  assert.equal(action("socket"), "report"); // decided by arguments in user space
  assert.equal(action("mkdir"), "report"); // deny: a tracer cannot prevent
  assert.equal(action("execve"), "report");
  assert.equal(action("read"), undefined);
  assert.deepEqual(jail!.pids, [4242]);
  assert.equal(jail!.atExec, undefined);
  assert.deepEqual(curl!.atExec, { comms: ["curl"], uids: [1000] });
  assert.ok(curl!.calls.every((c) => c.action === "report"), "audit mode kills nothing");
  const audit = traceScriptSpec(traceTestSet(), { enforce: false });
  assert.ok(audit.rules.every((r) => r.calls.every((c) => c.action === "report")));
  const resolved = traceScriptSpec(traceTestSet(), { layerPids: new Map([[0, [9, 8]]]) });
  assert.deepEqual(resolved.rules[0]!.pids, [8, 9]);
});
