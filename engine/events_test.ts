import assert from "node:assert/strict";
import { type EngineEvent, eventFromJsonLine, eventToJsonLine } from "./events.ts";
import { EngineError } from "./errors.ts";

const EVENTS: EngineEvent[] = [
  {
    kind: "syscall",
    time: 1700000000000.5,
    pid: 10,
    tid: 11,
    start: 1699999999000,
    comm: "nginx",
    arch: "x86_64",
    nr: 41,
    name: "socket",
    args: [2n, 0xffffffffffffffffn, 0n],
    ret: -13,
    verdict: {
      action: "deny",
      ruleId: "no-raw",
      policy: "web",
      errno: 13,
      enforced: true,
      rateLimited: true,
    },
  },
  { kind: "syscall", time: 0, pid: 1, arch: "i386", nr: 999, name: null },
  {
    kind: "file",
    time: 2,
    pid: 10,
    op: "rename",
    path: "/a",
    target: "/b",
    syscall: "renameat2",
    result: 0,
  },
  {
    kind: "network",
    time: 3,
    pid: 10,
    op: "connect",
    family: "inet6",
    protocol: "tcp",
    address: "::1",
    port: 443,
  },
  {
    kind: "process",
    time: 4,
    pid: 12,
    op: "exec",
    executable: "/bin/sh",
    argv: ["sh", "-c", "true"],
  },
  { kind: "process", time: 5, pid: 12, op: "exit", signal: "SIGKILL" },
];

Deno.test("events survive a JSON Lines round trip exactly, bigints included", () => {
  for (const event of EVENTS) {
    const line = eventToJsonLine(event);
    assert.ok(line.startsWith('{"v":1,'));
    assert.ok(!line.includes("\n"));
    assert.deepEqual(eventFromJsonLine(line), event);
  }
});

Deno.test("malformed event lines are TRACE_MALFORMED errors naming the line and the field", async (t) => {
  const cases: [string, RegExp][] = [
    ["{", /not JSON/],
    ["[]", /must be an object/],
    ['{"v":2,"kind":"syscall"}', /version 2/],
    ['{"v":1,"kind":"bogus","time":0,"pid":1}', /"kind" must be one of/],
    ['{"v":1,"kind":"syscall","time":0,"pid":1,"arch":"x86_64"}', /missing "nr"/],
    ['{"v":1,"kind":"syscall","time":0,"pid":-1,"arch":"x86_64","nr":0}', /"pid" must be/],
    ['{"v":1,"kind":"syscall","time":0,"pid":1,"arch":"sparc","nr":0}', /"arch"/],
    ['{"v":1,"kind":"syscall","time":0,"pid":1,"arch":"x86_64","nr":0,"args":["zz"]}', /argument/],
    ['{"v":1,"kind":"file","time":0,"pid":1,"op":"open"}', /missing "path"/],
    ['{"v":1,"kind":"process","time":0,"pid":1,"op":"exec","argv":[1]}', /"argv"/],
  ];
  for (const [text, message] of cases) {
    await t.step(text, () => {
      assert.throws(() => eventFromJsonLine(text, 7), (e) => {
        assert.ok(e instanceof EngineError);
        assert.equal(e.code, "TRACE_MALFORMED");
        assert.equal(e.line, 7);
        assert.match(e.message, /^line 7: /);
        assert.match(e.message, message);
        return true;
      });
    });
  }
});
