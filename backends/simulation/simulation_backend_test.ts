import assert from "node:assert/strict";
import { SimulationBackend } from "./simulation_backend.ts";
import { compilePolicies } from "../../compile/compile.ts";
import type { EngineEvent } from "../../engine/events.ts";
import { EngineError } from "../../engine/errors.ts";
import { testPolicy } from "../../engine/_test_helpers.ts";

async function openSim(now: { t: number }) {
  const sim = await SimulationBackend.create({ clock: () => now.t });
  const events: EngineEvent[] = [];
  const lost: number[] = [];
  await sim.open({ emit: (e) => events.push(e), lost: (n) => lost.push(n) });
  return { sim, events };
}

Deno.test("simulateSyscall() applies limits.syscallsPerSecond per process with the injected clock", async () => {
  const now = { t: 1_000 };
  const { sim, events } = await openSim(now);
  using _ = sim;
  await sim.apply(
    compilePolicies([testPolicy({ name: "rl", limits: { max: 3, action: "deny" } })]),
    { enforce: true },
  );
  const a = sim.simulateSpawn({ comm: "a" });
  const b = sim.simulateSpawn({ comm: "b" });
  const results = Array.from({ length: 5 }, () => sim.simulateSyscall(a.pid, "getpid"));
  assert.deepEqual(results.map((r) => r.rateLimited), [false, false, false, true, true]);
  assert.equal(results[3]!.verdict.action, "deny");
  assert.equal(results[3]!.verdict.ruleId, "rl:limits.syscallsPerSecond");
  assert.equal(results[3]!.result, -1);
  assert.equal(sim.simulateSyscall(b.pid, "getpid").rateLimited, false, "per process");
  now.t += 1000;
  assert.equal(sim.simulateSyscall(a.pid, "getpid").rateLimited, false, "refilled after a second");
  const limited = events.filter((e) => e.kind === "syscall" && e.verdict?.rateLimited);
  assert.equal(limited.length, 2);
  assert.equal(sim.stats().figures.rateLimited, 2);
});

Deno.test("a kill verdict ends the simulated process with SIGSYS; later calls are refused", async () => {
  const { sim, events } = await openSim({ t: 0 });
  using _ = sim;
  await sim.apply(
    compilePolicies([
      testPolicy({ rules: [{ id: "no-ptrace", syscalls: ["ptrace"], action: "kill" }] }),
    ]),
    { enforce: true },
  );
  const p = sim.simulateSpawn({ comm: "x" });
  const call = sim.simulateSyscall(p.pid, "ptrace");
  assert.equal(call.killed, true);
  const exit = events.at(-1)!;
  assert.ok(exit.kind === "process" && exit.op === "exit" && exit.signal === "SIGSYS");
  assert.throws(
    () => sim.simulateSyscall(p.pid, "getpid"),
    (e) => e instanceof EngineError && e.code === "PROCESS_NOT_FOUND",
  );
});

Deno.test("audit mode reports the would-be action and applies nothing", async () => {
  const { sim } = await openSim({ t: 0 });
  using _ = sim;
  await sim.apply(
    compilePolicies([
      testPolicy({
        mode: "audit",
        rules: [{ id: "no-mkdir", syscalls: ["mkdir"], action: "deny" }],
      }),
    ]),
    { enforce: true },
  );
  const call = sim.simulateSyscall(50, "mkdir");
  assert.equal(call.verdict.action, "log");
  assert.equal(call.verdict.audited, "deny");
  assert.equal(call.result, 0);
  assert.equal(call.event?.verdict?.enforced, false);
});

Deno.test("without enforce, decisions are reported but not applied", async () => {
  const { sim } = await openSim({ t: 0 });
  using _ = sim;
  await sim.apply(
    compilePolicies([testPolicy({ rules: [{ id: "k", syscalls: ["ptrace"], action: "kill" }] })]),
    { enforce: false },
  );
  const call = sim.simulateSyscall(60, "ptrace");
  assert.equal(call.verdict.action, "kill");
  assert.equal(call.killed, false);
  assert.equal(call.event?.verdict?.enforced, false);
  assert.equal(sim.process(60)?.exited, false);
});

Deno.test("simulateEvent() replays JSON Lines events through the process table", async () => {
  const { sim, events } = await openSim({ t: 0 });
  using _ = sim;
  sim.simulateEvent({ kind: "process", op: "fork", time: 0, pid: 10, ppid: 1, comm: "sh" });
  sim.simulateEvent({ kind: "process", op: "exec", time: 0, pid: 10, executable: "/usr/bin/ls" });
  const call = sim.simulateEvent({
    kind: "syscall",
    time: 0,
    pid: 10,
    arch: "x86_64",
    nr: 0,
    name: "read",
  });
  assert.equal(call?.verdict.action, "allow");
  assert.equal(sim.process(10)?.comm, "ls");
  sim.simulateEvent({ kind: "process", op: "exit", time: 0, pid: 10, exitCode: 0 });
  assert.equal(sim.process(10)?.exited, true);
  assert.deepEqual(events.map((e) => e.kind), ["process", "process", "file", "syscall", "process"]);
});

Deno.test("unknown syscalls and bad pids are clear errors", async () => {
  const { sim } = await openSim({ t: 0 });
  using _ = sim;
  assert.throws(
    () => sim.simulateSyscall(1, "frobnicate"),
    (e) => e instanceof EngineError && e.code === "UNKNOWN_SYSCALL",
  );
  assert.throws(
    () => sim.simulateSyscall(-3, "read"),
    (e) => e instanceof EngineError && e.code === "INVALID_ARGUMENT",
  );
  sim.simulateSpawn({ pid: 7 });
  assert.throws(
    () => sim.simulateSpawn({ pid: 7 }),
    (e) => e instanceof EngineError && e.code === "INVALID_ARGUMENT",
  );
  const unknownNr = sim.simulateSyscall(7, 3000);
  assert.equal(unknownNr.event?.name, null);
});

Deno.test("close() releases programs and maps and is idempotent", async () => {
  const { sim } = await openSim({ t: 0 });
  assert.ok(sim.listMaps().length > 0);
  sim.close();
  sim.close();
  assert.equal(sim.listPrograms().length, 0);
  assert.equal(sim.listMaps().length, 0);
  await assert.rejects(
    sim.loadProgram({ name: "x", type: "lsm" }),
    (e) => e instanceof EngineError && e.code === "CLOSED",
  );
});
