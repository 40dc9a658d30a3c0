import assert from "node:assert/strict";
import { DtraceBackend } from "./dtrace_backend.ts";
import { writeStandIn } from "./_stand_in.ts";
import { compilePolicies } from "../../compile/compile.ts";
import type { EngineEvent } from "../../engine/events.ts";
import type { TracerError } from "./tracer.ts";

const SESSION = new URL("../../tests/testdata/trace_scripts/dtrace_session.txt", import.meta.url);
const loc = { file: "t.yaml", line: 1, column: 1 };

function policy(pid: number) {
  const rule = (id: string, name: string, args: { index: 1; op: "eq"; value: bigint }[] = []) => ({
    id,
    policy: "jail",
    origin: "rule" as const,
    action: "kill" as const,
    priority: 0,
    args: args.map((a) => ({ ...a, loc })),
    loc,
    syscalls: [{ kind: "name" as const, name, loc }],
  });
  return compilePolicies([{
    name: "jail",
    target: { pids: [pid] },
    defaultAction: "allow",
    defaultErrno: 1,
    mode: "enforce",
    loc,
    rules: [
      rule("no-ptrace", "ptrace"),
      rule("no-raw", "socket", [{ index: 1, op: "eq", value: 3n }]),
    ],
  }], { arches: ["x86_64"] });
}

/** A live process the replayed session is about (its pid replaces 4242). */
function sleeper(): Deno.ChildProcess {
  return new Deno.Command("sleep", { args: ["30"], stdout: "null", stderr: "null" }).spawn();
}

async function session(pid: number): Promise<string[]> {
  return (await Deno.readTextFile(SESSION)).trimEnd().split("\n")
    .map((l) => l.replaceAll("4242", String(pid)));
}

Deno.test("the dtrace backend turns a replayed DTrace session into engine events, verdicts and counts", async () => {
  const child = sleeper();
  const dir = await Deno.makeTempDir({ prefix: "cordon-dtrace-" });
  const lines = await session(child.pid);
  const path = await writeStandIn(dir, "dtrace", {
    stdout: lines.slice(0, 19),
    then: { wait: true },
    onInt: lines.slice(19),
  });
  const events: EngineEvent[] = [];
  const { promise: parentExit, resolve } = Promise.withResolvers<void>();
  using backend = await DtraceBackend.create({
    tracer: "dtrace",
    tracerPath: path,
    skipPrivilegeCheck: true,
  });
  await backend.open({
    emit(e) {
      events.push(e);
      if (e.kind === "process" && e.op === "exit" && e.pid === 4243) resolve();
    },
    lost() {},
  });
  backend.setInterest({ kinds: new Set(["file", "network", "process"]) });
  const set = policy(child.pid);
  assert.equal(backend.plan(set).layers[0]!.syscalls, "kill-after");
  await backend.apply(set, { enforce: true });
  assert.ok(backend.spec?.rules[0]?.calls.some((c) => c.name === "ptrace" && c.action === "kill"));
  await parentExit; // delivered after the snapshot that follows it
  const curl = backend.activity(4243);
  assert.equal(curl?.bySyscall.get("read"), 120);
  assert.equal(curl?.syscalls, 124);
  assert.equal(curl?.exitCode, 7);
  assert.deepEqual(curl?.files.map((f) => [f.syscall, f.path, f.result]), [
    ["open", "/etc/hosts", 3],
    ["openat", "/Users/me/Library/Application Support/curl/.curlrc", -2],
  ]);
  assert.deepEqual(curl?.network.map((n) => `${n.family} ${n.address} ${n.port} ${n.result}`), [
    "inet 93.184.216.34 443 -61",
    "inet6 2606:2800:220:1:248:1893:25c8:1946 443 0",
  ]);
  const exec = events.find((e) => e.kind === "process" && e.op === "exec");
  assert.equal(exec?.kind === "process" && exec.executable, "/usr/bin/curl");
  const decided = events.filter((e) => e.kind === "syscall");
  assert.equal(decided.length, 1, "socket(2, 1, …) is allowed by the argument rule");
  assert.equal(decided[0]?.kind === "syscall" && decided[0].name, "ptrace");
  assert.deepEqual(
    decided[0]?.kind === "syscall" && decided[0].verdict && {
      action: decided[0].verdict.action,
      ruleId: decided[0].verdict.ruleId,
      enforced: decided[0].verdict.enforced,
    },
    { action: "kill", ruleId: "no-ptrace", enforced: true },
  );
  assert.equal(backend.stats().figures.argsAllowed, 1);
  await backend.stop();
  // The final snapshot (printed on SIGINT) is the parent's last counts.
  assert.equal(backend.activity(child.pid)?.bySyscall.get("write"), 5);
  const parent = events.find((e) => e.kind === "process" && e.op === "exit" && e.pid === child.pid);
  assert.equal(parent?.kind === "process" && parent.signal, "unknown");
  assert.equal(backend.stats().figures.tracerRunning, 0);
  child.kill();
  await child.status;
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the dtrace backend delivers lines printed out of order in kernel order, with kernel times and final counts at exit", async () => {
  const child = sleeper();
  const p = child.pid;
  const dir = await Deno.makeTempDir({ prefix: "cordon-dtrace-" });
  const t = (ms: number) => String(9_007_199_254_740_993n + BigInt(ms * 1_000_000));
  // Two per-CPU buffers drained one after the other: CPU 1's (the child 4243 runs there, then
  // the parent moves there and exits) before CPU 0's (the parent's call and the fork).
  const cpu1 = [
    `cordon2 exec ${t(3)} 4243 ${p} /bin/cat /etc/hostname`,
    `cordon2 file ${t(4)} 4243 4243 3 0 openat /etc/hostname`,
    `cordon2 exit ${t(5)} 4243 0`,
    "cordon2 dump begin",
    `cordon2 count 4243 -1 openat 1`,
    `cordon2 count ${p} -1 getppid 2`,
    "cordon2 dump end",
    `cordon2 exit ${t(8)} ${p} 9`,
    "cordon2 dump begin",
    `cordon2 count 4243 -1 openat 1`,
    `cordon2 count ${p} -1 getppid 2`,
    "cordon2 dump end",
  ];
  const cpu0 = [
    `cordon2 sys ${t(1)} ${p} ${p} -1 -1 0 0 0 0 0 0 getppid`,
    `cordon2 fork ${t(2)} ${p} 4243`,
    `cordon2 sys ${t(6)} ${p} ${p} -1 -1 0 0 0 0 0 0 getppid`,
  ];
  const path = await writeStandIn(dir, "dtrace", {
    stdout: [`cordon2 ready ${t(0)}`, ...cpu1, ...cpu0],
    then: { wait: true },
  });
  const events: EngineEvent[] = [];
  const { promise: done, resolve } = Promise.withResolvers<void>();
  let countsAtExit: number | undefined;
  using backend = await DtraceBackend.create({
    tracer: "dtrace",
    tracerPath: path,
    skipPrivilegeCheck: true,
  });
  await backend.open({
    emit(e) {
      events.push(e);
      if (e.kind === "process" && e.op === "exit" && e.pid === 4243) {
        countsAtExit = backend.activity(4243)?.bySyscall.get("openat");
      }
      if (e.kind === "process" && e.op === "exit" && e.pid === p) resolve();
    },
    lost() {},
  });
  backend.setInterest({ kinds: new Set(["syscall", "file", "process"]) });
  await backend.monitorProcess(p);
  await done;
  await backend.stop();
  const steps = events.map((e) =>
    e.kind === "process"
      ? `${e.op} ${e.pid === p ? "P" : e.pid}`
      : `${e.kind} ${e.pid === p ? "P" : e.pid}`
  );
  assert.deepEqual(steps, [
    "syscall P",
    "fork 4243",
    "exec 4243",
    "file 4243",
    "exit 4243",
    "syscall P",
    "exit P",
  ]);
  // Times are the kernel's, 1 ms apart as printed (mapped to the epoch at the ready line).
  const ms = events.map((e) => e.time - events[0]!.time);
  for (const [i, want] of [0, 1, 2, 3, 4, 5, 7].entries()) {
    assert.ok(Math.abs(ms[i]! - want) < 0.01, `event ${i}: ${ms[i]} ms after the first`);
  }
  assert.equal(countsAtExit, 1, "the exit went out after its snapshot");
  assert.equal(backend.stats().figures.linesLate, 0);
  child.kill();
  await child.status;
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the dtrace backend reports a tracer that dies, and refuses a SIP-restricted dtrace", async () => {
  const child = sleeper();
  const dir = await Deno.makeTempDir({ prefix: "cordon-dtrace-" });
  const crash = await writeStandIn(dir, "dtrace", {
    stdout: ["cordon2 ready 10"],
    stderr: ["dtrace: processing aborted: Abort due to systemic unresponsiveness"],
    then: { exit: 1 },
  });
  const { promise: died, resolve } = Promise.withResolvers<TracerError>();
  using backend = await DtraceBackend.create({
    tracer: "dtrace",
    tracerPath: crash,
    skipPrivilegeCheck: true,
  });
  backend.onTracerDied(resolve);
  await backend.open({ emit() {}, lost() {} });
  await backend.monitorProcess(child.pid);
  const error = await died;
  assert.equal(error.code, "TRACER_DIED");
  assert.match(error.message, /exit 1: dtrace: processing aborted/);
  assert.equal(backend.stats().figures.tracerDeaths, 1);

  await Deno.remove(crash);
  const sip = await writeStandIn(dir, "dtrace", {
    stderr: [
      "dtrace: system integrity protection is on, some features will not be available",
      "dtrace: could not enable tracing: Permission denied",
    ],
    then: { exit: 1 },
  });
  using restricted = await DtraceBackend.create({
    tracer: "dtrace",
    tracerPath: sip,
    skipPrivilegeCheck: true,
  });
  await restricted.open({ emit() {}, lost() {} });
  const refused = await restricted.monitorProcess(child.pid).catch((e) => e);
  assert.equal(refused.code, "PERMISSION_DENIED");
  assert.match(refused.message, /System Integrity Protection/);
  assert.equal(refused.cause?.code, "TRACER_SIP");
  child.kill();
  await child.status;
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the dtrace backend refuses what a tracer has no equivalent for, and a missing tracer", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cordon-dtrace-" });
  const missing = await DtraceBackend.create({ tracer: "dtrace", tracerPath: `${dir}/none` }).catch(
    (e) => e,
  );
  assert.equal(missing.code, "UNSUPPORTED_PLATFORM");
  const path = await writeStandIn(dir, "bpftrace", {
    stdout: ["cordon2 ready 10"],
    then: { wait: true },
  });
  using backend = await DtraceBackend.create({
    tracer: "bpftrace",
    tracerPath: path,
    skipPrivilegeCheck: true,
  });
  await backend.open({ emit() {}, lost() {} });
  for (const type of ["lsm", "cgroup_socket"] as const) {
    const error = await backend.loadProgram({ name: type, type }).catch((e) => e);
    assert.equal(error.code, "NOT_SUPPORTED");
  }
  const info = await backend.loadProgram({ name: "files", type: "file_access" });
  assert.equal(info.attachPoint, "tracepoint:syscalls:sys_exit_openat");
  const plan = backend.plan(compilePolicies([{
    name: "net",
    target: { comms: ["x"] },
    defaultAction: "allow",
    defaultErrno: 1,
    mode: "enforce",
    loc,
    rules: [],
    network: { loc, connect: [], bind: [] },
  }], { arches: ["x86_64"] }));
  assert.equal(plan.layers[0]!.network, "observe");
  assert.match(plan.layers[0]!.degraded.join("\n"), /network rules need cgroup BPF/);
  await backend.stop();
  await Deno.remove(dir, { recursive: true });
});
