import assert from "node:assert/strict";
import { SIMULATION_DEFAULT_PROGRAMS, SimulationBackend } from "./simulation_backend.ts";
import { BUILTIN_PROGRAMS, kernelProgram } from "../kernel_programs.ts";
import { BPF_OBJECT_SPECS } from "../../bpf/object_specs.ts";
import { layerMaps } from "../../compile/bpf_maps.ts";
import { PROGRAM_TYPES } from "../../engine/backend.ts";
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

Deno.test("the programs and maps are the BPF objects', as their generated specs list them", async () => {
  const { sim } = await openSim({ t: 0 });
  using _ = sim;
  assert.deepEqual(
    sim.listPrograms().filter((p) => p.builtin).map((p) => p.name),
    SIMULATION_DEFAULT_PROGRAMS.map((p) => p.name),
  );
  for (const { name } of BUILTIN_PROGRAMS) {
    assert.ok(sim.listPrograms().some((p) => p.name === name), `the eBPF backend's ${name}`);
  }
  // One more program of every type: the per-policy (cgroup) and per-feature (LSM) objects too.
  for (const type of PROGRAM_TYPES) await sim.loadProgram({ name: `extra_${type}`, type });
  const specMaps = new Map<string, object>();
  for (const spec of Object.values(BPF_OBJECT_SPECS)) {
    for (const m of spec.maps) specMaps.set(m.name, m);
  }
  for (const program of sim.listPrograms()) {
    const kernel = kernelProgram(program.type);
    const object = BPF_OBJECT_SPECS[kernel.object];
    const section = object.programs.find((p) => p.name === kernel.program)?.section;
    assert.equal(program.attachPoint, section, `${program.name}: the ELF section of its program`);
    assert.deepEqual(program.maps, object.maps.map((m) => m.name), `${program.name}: its maps`);
  }
  const live = sim.listMaps();
  assert.ok(live.length > 0);
  for (const { entries: _e, kernelId: _k, ...shape } of live) {
    assert.deepEqual(shape, specMaps.get(shape.name), `map "${shape.name}" as the spec has it`);
  }
  const names = new Set(live.map((m) => m.name));
  for (const m of [...BPF_OBJECT_SPECS.monitor.maps, ...BPF_OBJECT_SPECS.cgroup_net.maps]) {
    assert.ok(names.has(m.name), `map "${m.name}" is live`);
  }
});

Deno.test("the bookkeeping is kept in the kernel's maps: procs, tasks, decisions, limits", async () => {
  const { sim } = await openSim({ t: 0 });
  using _ = sim;
  const entries = (name: string) => sim.listMaps().find((m) => m.name === name)?.entries;
  const set = compilePolicies([
    testPolicy({
      rules: [{ id: "no-ptrace", syscalls: ["ptrace"], action: "kill" }],
      limits: { max: 100, action: "log" },
    }),
  ], { arches: ["x86_64"] });
  await sim.apply(set, { enforce: false });
  assert.equal(entries("decisions"), layerMaps(set)[0]!.decisions.size, "as compile/bpf_maps.ts");
  assert.ok(entries("decisions")! > 0);
  assert.equal(entries("limits"), 1);
  const a = sim.simulateSpawn({ comm: "a" });
  const b = sim.simulateSpawn({ comm: "b" });
  assert.equal(entries("procs"), 2, "one per process");
  await sim.monitorProcess(a.pid);
  sim.simulateSyscall(a.pid, "getpid");
  sim.simulateSyscall(a.pid, "getpid", [], { tid: a.pid + 1 });
  sim.simulateSyscall(b.pid, "getpid");
  assert.equal(entries("tasks"), 2, "the monitored process's two threads");
  sim.simulateExit(a.pid);
  assert.equal(entries("procs"), 1, "removed at exit");
  assert.equal(entries("tasks"), 0);
  await sim.apply({ version: 1, layers: [] }, { enforce: false });
  assert.equal(entries("decisions"), 0);
  assert.equal(entries("limits"), 0);
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

const PATHS_NET = `apiVersion: cordon/v1
kind: Policy
metadata: { name: confined }
spec:
  defaultAction: allow
  target: { comms: [app] }
  filesystem:
    read: [/usr, /etc]
    write: [/tmp/app]
    execute: [/usr/bin]
  network:
    connect: ["tcp/127.0.0.1:8080", "10.0.0.0/8", "udp/[::1]:53"]
    bind: ["tcp/9000"]
---
apiVersion: cordon/v1
kind: Policy
metadata: { name: watched }
spec:
  defaultAction: allow
  mode: audit
  target: { comms: [other] }
  filesystem: { write: [/var/tmp] }
`;

async function pathsNetSet() {
  const { parsePolicies } = await import("../../policies/parse.ts");
  const { resolvePolicies } = await import("../../policies/resolve.ts");
  return compilePolicies(resolvePolicies(parsePolicies(PATHS_NET, "p.yaml")), {
    arches: ["x86_64"],
  });
}

Deno.test("file events are decided by the filesystem sections as Landlock would, with EACCES", async () => {
  const { sim, events } = await openSim({ t: 0 });
  using _ = sim;
  const set = await pathsNetSet();
  const { pathDecision } = await import("../../compile/net_rules.ts");
  await sim.apply(set, { enforce: true });
  const app = sim.simulateSpawn({ comm: "app" }).pid;
  const cases: [Parameters<SimulationBackend["simulateFileAccess"]>, string | null][] = [
    [[app, "open", "/etc/hosts", { flags: 0 }], null],
    [[app, "open", "/etc/hosts", { flags: 1 }], "/etc/hosts write"], // O_WRONLY
    [[app, "open", "/tmp/app/log", { flags: 0o1101 }], null], // O_WRONLY|O_CREAT|O_TRUNC
    [[app, "open", "/tmp/app/log", { flags: 0 }], "/tmp/app/log read"], // write does not imply read
    [[app, "mkdir", "/tmp/app", {}], "/tmp write"], // made in the parent
    [[app, "unlink", "/tmp/app/x", {}], null],
    [[app, "rename", "/tmp/app/x", { target: "/etc/x" }], "/etc write"],
    [[app, "exec", "/opt/tool", {}], "/opt/tool execute"],
    [[app, "stat", "/root/secret", {}], null], // Landlock does not restrict stat
  ];
  for (const [args, expected] of cases) {
    const event = sim.simulateFileAccess(...args)!;
    const decision = sim.decideFileAccess(args[0], args[1], args[2], args[3]);
    const got = decision.denial === undefined
      ? null
      : `${decision.denial.subject} ${decision.denial.access}`;
    assert.equal(got, expected, `${args[1]} ${args[2]}`);
    if (expected === null) {
      assert.equal(event.verdict, undefined);
      continue;
    }
    const [path, access] = expected.split(" ") as [string, "read" | "write" | "execute"];
    assert.equal(pathDecision(set.layers[0]!.filesystem, path, access).allowed, false);
    assert.equal(event.result, -13);
    assert.deepEqual(
      [
        event.verdict?.action,
        event.verdict?.mechanism,
        event.verdict?.errno,
        event.verdict?.enforced,
      ],
      ["deny", "landlock", 13, true],
    );
    assert.deepEqual(event.verdict?.loc, set.layers[0]!.filesystem!.loc);
  }
  assert.equal(sim.stats().figures.denied, 5);
  // Another process is not targeted by "confined"; "watched" is in audit mode: reported, not applied.
  const other = sim.simulateSpawn({ comm: "other" }).pid;
  const audited = sim.simulateFileAccess(other, "open", "/etc/hosts", { flags: 1 })!.verdict;
  assert.deepEqual([audited?.action, audited?.audit, audited?.enforced], ["deny", true, false]);
  assert.equal(
    sim.simulateFileAccess(other, "open", "/etc/hosts", { flags: 1 })!.result,
    undefined,
  );
  assert.equal(
    sim.decideFileAccess(app, "open", "rel/x", { flags: 1 }).undecided !== undefined,
    true,
  );
  assert.ok(events.some((e) => e.kind === "file" && e.verdict?.mechanism === "landlock"));
});

Deno.test("network events are decided by Landlock's TCP port rules (EACCES) then cgroup BPF (EPERM)", async () => {
  const { sim } = await openSim({ t: 0 });
  using _ = sim;
  const set = await pathsNetSet();
  const { networkDecision } = await import("../../compile/net_rules.ts");
  await sim.apply(set, { enforce: true });
  const app = sim.simulateSpawn({ comm: "app" }).pid;
  type Endpoint = Parameters<SimulationBackend["decideNetwork"]>[2];
  const cases: [Parameters<SimulationBackend["decideNetwork"]>[1], Endpoint, string | null][] = [
    ["connect", { address: "127.0.0.1", port: 8080 }, null],
    ["connect", { family: "inet6", address: "::ffff:127.0.0.1", port: 8080 }, null],
    // 10.0.0.0/8 allows every port, so Landlock leaves TCP connect to the cgroup programs.
    ["connect", { address: "10.1.2.3", port: 22 }, null],
    ["connect", { address: "192.168.0.1", port: 8080 }, "cgroup-bpf 1"],
    ["send", { protocol: "udp", family: "inet6", address: "::1", port: 53 }, null],
    ["send", { protocol: "udp", address: "8.8.8.8", port: 53 }, "cgroup-bpf 1"],
    ["send", { protocol: "tcp", address: "8.8.8.8", port: 53 }, null], // connected TCP
    ["bind", { address: "0.0.0.0", port: 9000 }, null],
    ["bind", { address: "0.0.0.0", port: 9001 }, "landlock 13"],
    ["bind", { protocol: "udp", address: "0.0.0.0", port: 9000 }, "cgroup-bpf 1"],
  ];
  for (const [op, endpoint, expected] of cases) {
    const verdict = sim.decideNetwork(app, op, endpoint);
    const got = verdict.denial === undefined
      ? null
      : `${verdict.denial.mechanism} ${verdict.denial.errno}`;
    assert.equal(got, expected, `${op} ${JSON.stringify(endpoint)}`);
    const query = {
      op: op === "send" ? "sendmsg" as const : op as "connect" | "bind",
      protocol: endpoint.protocol === "udp" ? "udp" as const : "tcp" as const,
      address: endpoint.address!,
      port: endpoint.port!,
    };
    if (expected?.startsWith("cgroup-bpf")) {
      assert.equal(networkDecision(set.layers[0]!.network, query).allowed, false);
    }
    if (expected === null && !(op === "send" && endpoint.protocol === "tcp")) {
      assert.equal(networkDecision(set.layers[0]!.network, query).allowed, true);
    }
  }
  const event = sim.simulateNetwork(app, "connect", { address: "192.168.0.1", port: 8080 })!;
  assert.equal(event.result, -1);
  assert.equal(event.verdict?.ruleId, "confined:network.connect");
});
