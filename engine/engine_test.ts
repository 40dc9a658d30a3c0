import assert from "node:assert/strict";
import { Engine } from "./engine.ts";
import { EngineError } from "./errors.ts";
import { compilePolicies } from "../compile/compile.ts";
import { evaluate } from "../compile/evaluate.ts";
import { syscallNumber } from "../policies/syscalls.ts";
import {
  SIMULATION_DEFAULT_PROGRAMS,
  SimulationBackend,
} from "../backends/simulation/simulation_backend.ts";
import { BUILTIN_PROGRAMS, kernelProgram } from "../backends/kernel_programs.ts";
import { BPF_OBJECT_SPECS, mapSpec } from "../bpf/object_specs.ts";
import type { EngineEvent, SyscallEvent } from "./events.ts";
import { testPolicy } from "./_test_helpers.ts";

const WRITE = syscallNumber("x86_64", "write")!;

async function code(promise: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    if (typeof promise === "function") promise();
    else await promise;
  } catch (error) {
    assert.ok(error instanceof EngineError, `expected EngineError, got ${error}`);
    return error.code;
  }
  return undefined;
}

Deno.test("addFilter() denies the filtered syscall for its pid only, naming the filter", async () => {
  await using engine = await Engine.open({ backend: "simulation" });
  await engine.addFilter({
    id: "block_write",
    pid: 123,
    syscalls: [WRITE],
    action: "deny",
    priority: 100,
  });
  const verdict = engine.checkSyscall(123, WRITE);
  assert.equal(verdict.action, "deny");
  assert.equal(verdict.errno, 1);
  assert.equal(verdict.ruleId, "block_write");
  assert.equal(verdict.policy, "filter:block_write");
  assert.equal(engine.checkSyscall(123, "write").action, "deny", "by name too");
  assert.equal(engine.checkSyscall(123, "read").action, "allow");
  assert.equal(engine.checkSyscall(124, WRITE).action, "allow");
  assert.equal(engine.isAllowed(123, WRITE), false);
  assert.equal(engine.isAllowed(124, WRITE), true);
  assert.deepEqual(engine.listFilters().map((f) => f.id), ["block_write"]);
});

Deno.test("a filter given by number covers the same syscall on i386 (no int 0x80 bypass)", async () => {
  await using engine = await Engine.open({ backend: "simulation" });
  await engine.addFilter({ id: "w", pid: 5, syscalls: [WRITE], action: "kill" });
  const i386Write = syscallNumber("i386", "write")!;
  const verdict = evaluate(engine.filterSet, { arch: "i386", nr: i386Write }, { pid: 5 });
  assert.equal(verdict.action, "kill");
});

Deno.test("removeFilter() lifts the filter; errors carry stable codes and change nothing", async () => {
  await using engine = await Engine.open({ backend: "simulation" });
  await engine.addFilter({ id: "a", pid: 1, syscalls: ["mkdir"], action: "deny" });
  assert.equal(
    await code(engine.addFilter({ id: "a", pid: 1, syscalls: ["rmdir"], action: "deny" })),
    "FILTER_EXISTS",
  );
  assert.equal(
    await code(engine.addFilter({ id: "b", syscalls: ["no_such_call"], action: "deny" })),
    "UNKNOWN_SYSCALL",
  );
  assert.equal(
    await code(engine.addFilter({ id: "c", syscalls: [], action: "deny" })),
    "INVALID_FILTER",
  );
  assert.equal(
    await code(engine.addFilter({ id: "d", syscalls: ["read"], action: "explode" as "deny" })),
    "INVALID_FILTER",
  );
  assert.equal(
    await code(engine.addFilter({ id: "", syscalls: ["read"], action: "deny" })),
    "INVALID_FILTER",
  );
  assert.equal(engine.listFilters().length, 1);
  assert.equal(engine.checkSyscall(1, "rmdir").action, "allow");
  await engine.removeFilter("a");
  assert.equal(engine.checkSyscall(1, "mkdir").action, "allow");
  assert.equal(await code(engine.removeFilter("a")), "FILTER_NOT_FOUND");
  assert.equal(await code(() => engine.checkSyscall(1, "no_such_call")), "UNKNOWN_SYSCALL");
  assert.equal(await code(() => engine.checkSyscall(-1, "read")), "INVALID_ARGUMENT");
});

Deno.test("across filters and policies the strictest decision wins, as stacked seccomp filters", async () => {
  await using engine = await Engine.open({ backend: "simulation" });
  await engine.addFilter({
    id: "allow-it",
    pid: 9,
    syscalls: ["unlink"],
    action: "allow",
    priority: 1000,
  });
  await engine.applyPolicy([
    testPolicy({
      name: "p",
      rules: [{ id: "no-unlink", syscalls: ["unlink"], action: "deny", line: 12 }],
    }),
  ]);
  const verdict = engine.checkSyscall(9, "unlink");
  assert.equal(verdict.action, "deny");
  assert.equal(verdict.ruleId, "no-unlink");
  assert.deepEqual(verdict.loc, { file: "test.yaml", line: 12, column: 5 });
});

Deno.test("checkSyscall() agrees with evaluate() for every syscall and argument case", async () => {
  const policies = [
    testPolicy({
      name: "web",
      defaultAction: "deny",
      rules: [
        { id: "reads", syscalls: ["read", "openat", "close"], action: "allow" },
        {
          id: "no-raw",
          syscalls: ["socket"],
          action: "deny",
          errno: 13,
          priority: 10,
          args: [{ index: 1, op: "eq", value: 3n }],
        },
        { id: "sockets", syscalls: ["socket"], action: "allow" },
        { id: "no-ptrace", syscalls: ["ptrace"], action: "kill", priority: 100 },
      ],
    }),
    testPolicy({
      name: "audit",
      mode: "audit",
      rules: [{ id: "a", syscalls: ["read"], action: "deny" }],
    }),
  ];
  const set = compilePolicies(policies);
  await using engine = await Engine.open({ backend: "simulation" });
  await engine.applyPolicy(set);
  for (let nr = 0; nr < 460; nr++) {
    for (const args of [undefined, [2n, 3n], [2n, 1n]]) {
      const expected = evaluate(set, { arch: "x86_64", nr, ...(args ? { args } : {}) }, {
        pid: 77,
      });
      const got = engine.checkSyscall(77, nr, args);
      assert.equal(got.action, expected.action, `nr ${nr}`);
      assert.equal(got.ruleId, expected.ruleId, `nr ${nr}`);
      assert.equal(got.errno, expected.errno, `nr ${nr}`);
    }
  }
});

Deno.test("applyPolicy() targets processes by comm through the backend's process table", async () => {
  await using engine = await Engine.open({ backend: "simulation" });
  await engine.applyPolicy([
    testPolicy({
      name: "nginx",
      target: { comms: ["nginx"] },
      rules: [{ id: "x", syscalls: ["mount"], action: "deny" }],
    }),
  ]);
  const web = engine.simulation.simulateSpawn({ comm: "nginx" });
  const other = engine.simulation.simulateSpawn({ comm: "bash" });
  assert.equal(engine.checkSyscall(web.pid, "mount").action, "deny");
  assert.equal(engine.checkSyscall(other.pid, "mount").action, "allow");
  engine.simulation.simulateExec(other.pid, "/usr/sbin/nginx");
  await engine.drained();
  assert.equal(
    engine.checkSyscall(other.pid, "mount").action,
    "deny",
    "exec re-evaluates the target",
  );
});

Deno.test("applyPolicy() wraps compile errors as POLICY_INVALID and keeps the previous policy", async () => {
  await using engine = await Engine.open({ backend: "simulation" });
  await engine.applyPolicy([
    testPolicy({ rules: [{ id: "x", syscalls: ["mount"], action: "deny" }] }),
  ]);
  const error = await engine.applyPolicy([testPolicy({})], { arches: ["sparc" as "x86_64"] }).catch(
    (e) => e,
  );
  assert.ok(error instanceof EngineError && error.code === "POLICY_INVALID", String(error));
  assert.ok(error.cause instanceof RangeError);
  assert.equal(engine.checkSyscall(1, "mount").action, "deny");
});

Deno.test("subscriptions receive their kinds, are disposable, and recentEvents() is bounded", async () => {
  await using engine = await Engine.open({ backend: "simulation", recentEvents: 8 });
  const syscalls: SyscallEvent[] = [];
  const all: EngineEvent[] = [];
  {
    using _s = engine.subscribeSyscall((e) => {
      syscalls.push(e);
    });
    using _a = engine.subscribe(["syscall", "file", "network", "process"], (e) => {
      all.push(e);
    });
    const sim = engine.simulation;
    const p = sim.simulateSpawn({ executable: "/bin/cat" });
    sim.simulateSyscall(p.pid, "openat", [0xffffff9cn, 0n, 0n]);
    sim.simulateFileAccess(p.pid, "open", "/etc/hosts", { flags: 0, syscall: "openat", result: 3 });
    sim.simulateNetwork(p.pid, "connect", { address: "127.0.0.1", port: 80 });
    sim.simulateExit(p.pid, { exitCode: 0 });
    await engine.drained();
    assert.equal(engine.stats().subscribers, 2);
  }
  assert.equal(engine.stats().subscribers, 0, "disposed");
  assert.deepEqual(syscalls.map((e) => e.name), ["openat"]);
  assert.deepEqual(all.map((e) => e.kind), [
    "process",
    "process",
    "file",
    "syscall",
    "file",
    "network",
    "process",
  ]);
  for (let i = 0; i < 100; i++) engine.simulation.simulateSyscall(5000, "getpid");
  assert.equal(engine.recentEvents().length, 8);
  assert.equal(engine.recentEvents(3).length, 3);
  const stats = engine.stats();
  assert.equal(stats.events.byKind.syscall, 101);
  assert.equal(stats.recent.capacity, 8);
});

Deno.test("a throwing subscriber is counted and does not disturb others", async () => {
  await using engine = await Engine.open({ backend: "simulation" });
  let good = 0;
  using _bad = engine.subscribeSyscall(() => {
    throw new Error("boom");
  });
  using _good = engine.subscribeSyscall(() => {
    good++;
  });
  for (let i = 0; i < 50; i++) engine.simulation.simulateSyscall(10, "getpid");
  await engine.drained();
  assert.equal(good, 50);
  const stats = engine.stats();
  assert.equal(stats.events.subscriberErrors, 50);
  assert.equal(stats.events.dropped, 0);
});

Deno.test("a slow subscriber fills only its own bounded queue; every drop is counted", async () => {
  await using engine = await Engine.open({ backend: "simulation" });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  let slowSeen = 0;
  let fastSeen = 0;
  using slow = engine.subscribeSyscall(async () => {
    await gate;
    slowSeen++;
  }, { queueSize: 10 });
  using _fast = engine.subscribeSyscall(() => {
    fastSeen++;
  });
  for (let i = 0; i < 1000; i++) engine.simulation.simulateSyscall(10, "getpid");
  // Let the fast one drain while the slow one is stuck on its first event.
  await new Promise<void>((resolve) => queueMicrotask(resolve));
  assert.equal(fastSeen, 1000);
  release();
  await engine.drained();
  // The slow subscriber's queue took ten events before its first delivery began; the rest dropped.
  assert.equal(slowSeen, 10);
  assert.equal(slow.stats().dropped, 990);
  assert.equal(engine.stats().events.dropped, 990);
  assert.equal(engine.stats().events.delivered, 1010);
});

Deno.test("monitorProcess() counts syscalls and activity; pid reuse does not inherit them", async () => {
  await using engine = await Engine.open({ backend: "simulation" });
  const sim = engine.simulation;
  const p = sim.simulateSpawn({ pid: 4242, comm: "app" });
  sim.simulateSyscall(4242, "read"); // before monitoring: not counted
  await engine.monitorProcess(4242);
  for (let i = 0; i < 3; i++) sim.simulateSyscall(4242, "write", [1n, 0n, 5n]);
  sim.simulateFileAccess(4242, "open", "/tmp/x", { syscall: "openat" });
  sim.simulateNetwork(4242, "connect", { address: "10.0.0.1", port: 443 });
  assert.equal(engine.syscallCount(4242), 3);
  assert.equal(engine.processActivity(4242).bySyscall.get("write"), 3);
  assert.deepEqual(engine.fileActivity(4242).map((e) => e.path), ["/tmp/x"]);
  assert.deepEqual(engine.networkActivity(4242).map((e) => e.port), [443]);
  const child = sim.simulateSpawn({ ppid: 4242, comm: "worker" });
  sim.simulateSyscall(child.pid, "getpid");
  assert.equal(engine.syscallCount(child.pid), 1, "children are followed");
  sim.simulateExit(4242, { exitCode: 0 });
  assert.equal(engine.syscallCount(4242), 3, "kept after exit until unmonitored");
  const reused = sim.simulateSpawn({ pid: 4242, comm: "intruder" });
  assert.notEqual(reused.start, p.start);
  sim.simulateSyscall(4242, "getpid");
  assert.equal(engine.syscallCount(4242), 3, "the new process with the reused pid is not counted");
  await engine.unmonitorProcess(4242);
  assert.equal(await code(() => engine.syscallCount(4242)), "PROCESS_NOT_MONITORED");
  assert.equal(await code(engine.unmonitorProcess(4242)), "PROCESS_NOT_MONITORED");
  assert.equal(await code(engine.monitorProcess(99999)), "PROCESS_NOT_FOUND");
});

Deno.test("programs: load, attach, disable, unload mute their events and release their maps", async () => {
  await using engine = await Engine.open({ backend: "simulation" });
  const defaults = engine.listPrograms();
  assert.ok(defaults.some((p) => p.type === "syscall_entry" && p.builtin && p.attached));
  // The eBPF backend's builtin programs, by the same names.
  for (const { name, type } of BUILTIN_PROGRAMS) {
    assert.ok(defaults.some((p) => p.name === name && p.type === type && p.builtin), name);
  }
  assert.deepEqual(defaults.map((p) => p.name), SIMULATION_DEFAULT_PROGRAMS.map((p) => p.name));
  for (const p of defaults) assert.equal(p.attachPoint, kernelProgram(p.type).attachPoint, p.name);
  assert.equal(
    await code(engine.loadProgram({ name: "syscall_tracer", type: "syscall_entry" })),
    "PROGRAM_EXISTS",
    "a builtin name is taken",
  );
  const info = await engine.loadProgram({
    name: "my_tracer",
    type: "syscall_entry",
    autoAttach: true,
    enabled: true,
  });
  assert.equal(info.attached, true);
  assert.equal(info.attachPoint, "tp_btf/sys_enter");
  assert.ok(info.maps.includes("procs") && info.maps.includes("decisions"));
  assert.equal(
    await code(engine.loadProgram({ name: "my_tracer", type: "syscall_entry" })),
    "PROGRAM_EXISTS",
  );
  assert.equal(
    await code(engine.loadProgram({ name: "bad name!", type: "syscall_entry" })),
    "LOAD_FAILED",
  );
  assert.equal(await code(engine.unloadProgram("nope")), "PROGRAM_NOT_FOUND");
  // The cgroup programs' object has maps of its own: they come and go with its programs.
  const firewall = await engine.loadProgram({
    name: "firewall",
    type: "cgroup_socket",
    autoAttach: false,
  });
  assert.equal(firewall.attached, false);
  assert.equal(firewall.attachPoint, "cgroup/connect4");
  assert.deepEqual(firewall.maps, BPF_OBJECT_SPECS.cgroup_net.maps.map((m) => m.name));
  const { entries, kernelId: _id, ...netRules } = engine.listMaps().find((m) =>
    m.name === "net_rules"
  )!;
  assert.deepEqual(netRules, mapSpec("cgroup_net", "net_rules"), "the real shape");
  assert.equal(entries, 0);
  await engine.attachProgram("firewall");
  assert.equal(await code(engine.attachProgram("firewall")), "ATTACH_FAILED");
  await engine.unloadProgram("firewall");
  assert.ok(
    !engine.listMaps().some((m) => m.name === "net_rules"),
    "map released with its last program",
  );
  // lsm.bpf.o's one map is the monitor's lsm_pending (shared by fd): it outlives the LSM program.
  const lsm = await engine.loadProgram({ name: "guard", type: "lsm" });
  assert.deepEqual(lsm.maps, ["lsm_pending"]);
  await engine.unloadProgram("guard");
  assert.ok(engine.listMaps().some((m) => m.name === "lsm_pending"), "the monitor still holds it");

  // Muting every syscall program stops syscall events.
  for (const p of engine.listPrograms().filter((p) => p.type.startsWith("syscall_"))) {
    await engine.setProgramEnabled(p.name, false);
  }
  const before = engine.stats().events.byKind.syscall;
  engine.simulation.simulateSyscall(3, "getpid");
  assert.equal(engine.stats().events.byKind.syscall, before);
  await engine.setProgramEnabled("syscall_tracer", true);
  engine.simulation.simulateSyscall(3, "getpid");
  assert.equal(engine.stats().events.byKind.syscall, before + 1);
  const stats = engine.stats();
  assert.equal(stats.programs.loaded, defaults.length + 1);
  assert.equal(stats.backend.kind, "simulation");
});

Deno.test("the engine refuses to enforce on the simulation unless degradation is accepted", async () => {
  assert.equal(
    await code(Engine.open({ backend: "simulation", purpose: "enforce" })),
    "ENFORCEMENT_UNAVAILABLE",
  );
  const sim = await SimulationBackend.create();
  assert.equal(
    await code(Engine.open({ backend: sim, purpose: "enforce" })),
    "ENFORCEMENT_UNAVAILABLE",
  );
  await using engine = await Engine.open({
    backend: "simulation",
    purpose: "enforce",
    allowDegraded: true,
  });
  assert.equal(engine.selection.degraded, true);
  const plan = await engine.addFilter({ id: "x", pid: 1, syscalls: ["read"], action: "deny" });
  assert.equal(plan.layers[0]!.syscalls, "observe");
  assert.ok(plan.layers[0]!.degraded.length > 0);
});

Deno.test("a closed engine refuses work with CLOSED and closing twice is harmless", async () => {
  const engine = await Engine.open({ backend: "simulation" });
  engine.close();
  engine.close();
  assert.equal(
    await code(engine.addFilter({ id: "x", syscalls: ["read"], action: "deny" })),
    "CLOSED",
  );
  assert.equal(await code(() => engine.subscribeSyscall(() => {})), "CLOSED");
  assert.equal(engine.listPrograms().length, 0, "programs released");
});
