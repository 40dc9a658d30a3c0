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
  assert.deepEqual(records[0], { type: "ready" });
  assert.deepEqual(records[2], {
    type: "exec",
    pid: 4243,
    ppid: 4242,
    path: "/usr/bin/curl -s https://example.org/",
  });
  assert.deepEqual(records[4], {
    type: "file",
    pid: 4243,
    tid: 771,
    ret: -2,
    flags: 0,
    syscall: "openat",
    path: "/Users/me/Library/Application Support/curl/.curlrc",
  });
  assert.deepEqual(records[6], {
    type: "connect",
    pid: 4243,
    tid: 771,
    ret: 0,
    family: 30,
    port: 443,
    address: "2606:2800:220:1:248:1893:25c8:1946",
  });
  assert.deepEqual(records[7], {
    type: "sys",
    pid: 4242,
    tid: 770,
    rule: 0,
    nr: -1,
    args: [2n, 1n, 0n, 0n, 0n, 0n],
    name: "socket",
  });
  assert.deepEqual(records[9], { type: "exit", pid: 4243, status: 1792 });
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
    pid: 4242,
    tid: 4242,
    rule: 0,
    nr: 101,
    args: [16n, 4243n, 0n, 0n, 0n, 0n],
    name: null,
  });
  assert.deepEqual(parseTraceLine("Lost 12 events"), { type: "lost", count: 12 });
  assert.equal(parseTraceLine(""), undefined);
  assert.equal(parseTraceLine("  "), undefined);
});

Deno.test("parseTraceLine() keeps 64-bit arguments exact", () => {
  const r = parseTraceLine("cordon1 sys 1 1 -1 0 18446744073709551615 0 0 0 0 0 -");
  assert.equal(r?.type === "sys" && r.args[0], 18446744073709551615n);
});

Deno.test("parseTraceLine() rejects what is not in the format, with the line", async (t) => {
  const bad = [
    "dtrace: 1 dynamic variable drop",
    "cordon2 ready",
    "cordon1 nonsense 1 2",
    "cordon1 file 1 2 3",
    "cordon1 file 1 2 x 0 open /a",
    "cordon1 exit 1",
    "cordon1 exit 1 2 3",
    "cordon1 sys 1 1 0 101 1 2 3",
    "cordon1 dump middle",
    "cordon1 count 1 2 name",
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
