import assert from "node:assert/strict";
import { TraceRunner } from "./trace_runner.ts";
import { findTracer, TracerError } from "./tracer.ts";
import type { TraceRecord } from "../../compile/trace_script.ts";
import { type StandInBehaviour, writeStandIn } from "./_stand_in.ts";

const SESSION = new URL("../../tests/testdata/trace_scripts/dtrace_session.txt", import.meta.url);

async function run(behaviour: StandInBehaviour, kind: "dtrace" | "bpftrace" = "dtrace") {
  const dir = await Deno.makeTempDir({ prefix: "cordon-standin-" });
  const path = await writeStandIn(dir, kind, behaviour);
  const tracer = await findTracer(kind, { path, skipPrivilegeCheck: true });
  const records: TraceRecord[] = [];
  const malformed: string[] = [];
  const lost: number[] = [];
  const ready: TraceRecord[] = [];
  const { promise: died, resolve: onExit } = Promise.withResolvers<TracerError>();
  const waiters: { test: (r: TraceRecord) => boolean; resolve: () => void }[] = [];
  const seen = (test: (r: TraceRecord) => boolean): Promise<void> => {
    if (records.some(test)) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    waiters.push({ test, resolve });
    return promise;
  };
  const start = () =>
    TraceRunner.start({
      tracer,
      script: 'dtrace:::BEGIN { printf("cordon2 ready %u\\n", timestamp); }\n',
      onReady: (r) => ready.push(r),
      onRecord: (r) => {
        records.push(r);
        for (const w of waiters) if (w.test(r)) w.resolve();
      },
      onMalformed: (line) => malformed.push(line),
      onLost: (n) => lost.push(n),
      onExit,
      readyTimeoutMs: 2_000,
    });
  return { dir, tracer, records, malformed, lost, ready, died, start, seen };
}

Deno.test("the runner replays a DTrace session into records and stops the tracer on request", async () => {
  const lines = (await Deno.readTextFile(SESSION)).trimEnd().split("\n");
  const s = await run({
    stdout: lines.slice(0, 11),
    stderr: ["dtrace: 12 drops on CPU 1", "dtrace: 3 dynamic variable drops"],
    splitLines: true,
    then: { wait: true },
    onInt: lines.slice(11),
  });
  const runner = await s.start();
  assert.ok(runner.attachMs > 0);
  await s.seen((r) => r.type === "dump-begin"); // the last line written before waiting for SIGINT
  const exit = await runner.stop();
  assert.deepEqual(exit, { code: 0, signal: null, requested: true });
  assert.deepEqual(s.malformed, []);
  assert.deepEqual(s.lost, [12, 3], "drops reported on stderr are losses");
  // Every line but "ready" (taken by start, given to onReady), whole although written in halves.
  assert.deepEqual(s.ready, [{ type: "ready", time: 9007199254740993n }]);
  assert.equal(s.records.length, lines.length - 1);
  assert.deepEqual(s.records.at(-1), { type: "dump-end" });
  const file = s.records.find((r) => r.type === "file" && r.syscall === "openat");
  assert.equal(
    file?.type === "file" && file.path,
    "/Users/me/Library/Application Support/curl/.curlrc",
  );
  await Deno.remove(s.dir, { recursive: true });
});

Deno.test("a tracer that crashes while tracing is reported, and its cut-off last line is not taken", async () => {
  const s = await run({
    stdout: ["cordon2 ready 10", "cordon2 fork 11 1 2", "cordon2 file 12 2 2 3 0 open /tmp/cut"],
    stderr: ["dtrace: error on enabled probe ID 7 (ID 190: syscall::open:return): invalid address"],
    partialLast: true,
    then: { signal: "SEGV" },
  });
  const runner = await s.start();
  const error = await s.died;
  assert.equal(error.code, "TRACER_DIED");
  assert.match(
    error.message,
    /stopped while tracing: killed by SIGSEGV: dtrace: error on enabled probe/,
  );
  assert.deepEqual(s.records, [{ type: "fork", time: 11n, ppid: 1, pid: 2 }]);
  assert.deepEqual(s.malformed, ["cordon2 file 12 2 2 3 0 open /tmp/cut"]);
  assert.equal((await runner.exited).requested, false);
  await Deno.remove(s.dir, { recursive: true });
});

Deno.test("a tracer that exits with an error before its probes are enabled: the error says why", async (t) => {
  const cases: [string, string[], TracerError["code"]][] = [
    ["SIP", [
      "dtrace: system integrity protection is on, some features will not be available",
      "dtrace: failed to compile script /tmp/cordon-trace-x.d: line 40: probe description syscall::ptrace:entry does not match any probes. System Integrity Protection is on",
    ], "TRACER_SIP"],
    [
      "privileges",
      ["dtrace: failed to initialize dtrace: DTrace requires additional privileges"],
      "TRACER_PERMISSION",
    ],
    [
      "script",
      ['dtrace: failed to compile script x.d: line 3: syntax error near "}"'],
      "TRACER_FAILED",
    ],
  ];
  for (const [name, stderr, code] of cases) {
    await t.step(name, async () => {
      const s = await run({ stderr, then: { exit: 1 } });
      const error = await s.start().catch((e) => e);
      assert.ok(error instanceof TracerError, String(error));
      assert.equal(error.code, code);
      assert.equal(error.stderr, stderr.join("\n") + "\n");
      if (code === "TRACER_SIP") assert.match(error.message, /System Integrity Protection/);
      await Deno.remove(s.dir, { recursive: true });
    });
  }
});

Deno.test("a tracer that never enables its probes times out and is stopped", async () => {
  const s = await run({ stdout: ["cordon2 fork 11 1 2"], then: { wait: true } });
  const error = await s.start().catch((e) => e);
  assert.ok(error instanceof TracerError);
  assert.equal(error.code, "TRACER_TIMEOUT");
  await Deno.remove(s.dir, { recursive: true });
});

Deno.test("the runner leaves no script file behind, and finds no tracer that is not there", async () => {
  const s = await run({ stdout: ["cordon2 ready 10"], then: { wait: true } }, "bpftrace");
  const before = [...Deno.readDirSync(Deno.env.get("TMPDIR") ?? "/tmp")]
    .filter((e) => e.name.startsWith("cordon-trace-")).map((e) => e.name);
  const runner = await s.start();
  await runner.stop();
  await runner.stop(); // idempotent
  const after = [...Deno.readDirSync(Deno.env.get("TMPDIR") ?? "/tmp")]
    .filter((e) => e.name.startsWith("cordon-trace-")).map((e) => e.name);
  assert.deepEqual(after.filter((n) => !before.includes(n)), []);
  const missing = await findTracer("dtrace", { path: `${s.dir}/nothing` }).catch((e) => e);
  assert.ok(missing instanceof TracerError && missing.code === "TRACER_NOT_FOUND", String(missing));
  await Deno.remove(s.dir, { recursive: true });
});
