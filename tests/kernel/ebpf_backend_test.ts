import { EbpfBackend } from "../../backends/linux/ebpf_backend.ts";
import { SimulationBackend } from "../../backends/simulation/simulation_backend.ts";
import type { Backend } from "../../engine/backend.ts";
import { EngineError } from "../../engine/errors.ts";
import { BPF_OBJECT_SPECS } from "../../bpf/object_specs.ts";
import { EbpfMonitor } from "../../backends/linux/ebpf_monitor.ts";
import { kernelPrograms } from "../../backends/linux/bpf_program.ts";
import { compilePolicies } from "../../compile/compile.ts";
import { type EngineEvent, eventToJsonLine, type NetworkEvent } from "../../engine/events.ts";
import { formatEvent } from "../../cli/format_events.ts";
import { main } from "../../cli/main.ts";
import { kernelTest, unavailable } from "../_kernel.ts";
import {
  compileC,
  connectLoopback,
  gatedProgram,
  killPolicy,
  needEbpf,
  socketFamilyPolicy,
  spawnGated,
} from "./_ebpf_helpers.ts";

const reason = unavailable(needEbpf());

kernelTest(
  "EbpfBackend applies, swaps and removes a policy, leaving no programs behind",
  reason,
  async () => {
    const events: EngineEvent[] = [];
    const backend = await EbpfBackend.create();
    const ids: number[] = [];
    try {
      await backend.open({ emit: (e) => events.push(e), lost() {} });
      ids.push(...backend.listPrograms().map((p) => p.kernelId!).filter((id) => id !== undefined));
      const exe = await compileC(
        gatedProgram(`syscall(SYS_getppid); syscall(SYS_getpid); write(1, "alive", 5);`),
      );
      const c = spawnGated(exe);
      // First a policy killing getpid… then swapped for one killing getppid (called first).
      const first = compilePolicies([killPolicy(c.pid, "getpid")], { arches: ["x86_64", "i386"] });
      await backend.apply(first, { enforce: true });
      const second = compilePolicies([killPolicy(c.pid, "getppid")], {
        arches: ["x86_64", "i386"],
      });
      await backend.apply(second, { enforce: true });
      await c.go();
      const out = await c.child.output();
      if (out.signal !== "SIGKILL") throw new Error(`child ended with ${out.code}/${out.signal}`);
      if (new TextDecoder().decode(out.stdout) !== "") throw new Error("ran past the kill");
      const deadline = Date.now() + 5000;
      while (!events.some((e) => e.kind === "syscall" && e.verdict?.ruleId === "kill-getppid")) {
        if (Date.now() > deadline) throw new Error("no verdict event for kill-getppid");
        await new Promise((r) => setTimeout(r, 5));
      }
      const verdict = events.find((e) => e.kind === "syscall" && e.verdict)!;
      if (
        verdict.kind !== "syscall" || verdict.verdict?.enforced !== true ||
        verdict.name !== "getppid"
      ) {
        throw new Error(
          `verdict ${JSON.stringify(verdict, (_, v) => typeof v === "bigint" ? `${v}` : v)}`,
        );
      }
      const plan = backend.plan(second);
      if (plan.layers[0]?.syscalls !== "kill-after") {
        throw new Error(
          `plan ${JSON.stringify(plan)}`,
        );
      }
    } finally {
      backend.close();
    }
    // The kernel frees programs asynchronously (deferred work after the last fd closes) and offers
    // no event for it: bounded polling.
    const deadline = Date.now() + 5000;
    for (;;) {
      const still = new Set(kernelPrograms("cordon_").map((p) => p.id));
      const left = ids.filter((id) => still.has(id));
      if (left.length === 0) break;
      if (Date.now() > deadline) throw new Error(`programs still loaded 5 s after close: ${left}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  },
);

kernelTest(
  "the plan refuses syscall deny for running processes without BPF LSM",
  reason,
  async () => {
    using backend = await EbpfBackend.create();
    const base = killPolicy(1, "mkdir");
    const policy = { ...base, rules: [{ ...base.rules[0]!, action: "deny" as const }] };
    const plan = backend.plan(compilePolicies([policy], { arches: ["x86_64"] }));
    const lsm = backend.features().find((f) => f.name === "BPF LSM");
    const degraded = plan.layers[0]!.degraded.join("\n");
    if (lsm?.status === "available") {
      if (plan.layers[0]!.syscalls !== "prevent") {
        throw new Error(
          "LSM available: deny must be prevented",
        );
      }
    } else if (
      !/cannot be enforced on running processes/.test(degraded) || !degraded.includes("cordon run")
    ) {
      throw new Error(`no honest refusal: ${degraded}`);
    }
  },
);

kernelTest("cordon doctor --format json tells the truth about the kernel", reason, async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  let code: number;
  try {
    code = await main(["doctor", "--format", "json"]);
  } finally {
    console.log = log;
  }
  const report = JSON.parse(lines.join("\n")) as {
    features: { name: string; status: string; detail?: string }[];
    monitor: { loads: boolean; compatResults?: string; detail?: string };
  };
  if (code !== 0) throw new Error(`doctor exited ${code}`);
  // The monitor's own load, as the commands that use it open it.
  using opened = EbpfMonitor.open();
  if (!report.monitor.loads || report.monitor.compatResults !== opened.compatResults) {
    throw new Error(`monitor: ${JSON.stringify(report.monitor)} vs ${opened.compatResults}`);
  }
  for (const f of report.features) {
    if (f.status === "inconclusive") throw new Error(`${f.name} inconclusive: ${f.detail}`);
    if (f.status !== "available" && !f.detail) throw new Error(`${f.name}: no reason given`);
  }
  const required = [
    "bpf syscall",
    "BTF",
    "ring buffer",
    "tp_btf programs",
    "cgroup v2",
    "cgroup sock_addr programs",
  ];
  for (const name of required) {
    if (report.features.find((f) => f.name === name)?.status !== "available") {
      throw new Error(`${name} must be available`);
    }
  }
});

kernelTest(
  "EbpfBackend reports a TCP connect and a UDP sendto as tcp and udp (also after program calls): engine events, JSON Lines, monitor text",
  reason,
  async () => {
    const events: EngineEvent[] = [];
    using backend = await EbpfBackend.create();
    await backend.open({ emit: (e) => events.push(e), lost() {} });
    backend.setInterest({ kinds: new Set(["network"]) });
    // Program calls never switch off what subscribers asked for.
    await backend.loadProgram({ name: "extra_exec", type: "process_exec" });
    await backend.detachProgram("extra_exec");
    await backend.unloadProgram("extra_exec");
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    const udpPort = port === 65535 ? port - 1 : port + 1; // nothing needs to listen for UDP
    const accepted = listener.accept();
    const exe = await compileC(gatedProgram(`${connectLoopback(1, 1)}
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    a.sin_port = htons(atoi(argv[2]));
    if (sendto(u, "x", 1, 0, (struct sockaddr *)&a, sizeof a) != 1) return 2;`));
    const c = spawnGated(exe, [String(port), String(udpPort)]);
    await backend.monitorProcess(c.pid);
    await c.go();
    (await accepted).close();
    const status = await c.child.status;
    if (!status.success) throw new Error(`child failed with ${status.code}`);
    const mine = () =>
      events.filter((e): e is NetworkEvent => e.kind === "network" && e.pid === c.pid);
    // The backend polls its ring buffer on a timer: bounded polling for the sendto's event.
    const deadline = Date.now() + 5000;
    while (!mine().some((e) => e.op === "send")) {
      if (Date.now() > deadline) throw new Error(`no send event: ${JSON.stringify(mine())}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const connect = mine().find((e) => e.op === "connect");
    const send = mine().find((e) => e.op === "send");
    if (
      connect?.protocol !== "tcp" || connect.family !== "inet" || connect.port !== port ||
      connect.address !== "127.0.0.1" || connect.result !== 0
    ) throw new Error(`connect ${JSON.stringify(connect)}`);
    if (send?.protocol !== "udp" || send.port !== udpPort || send.syscall !== "sendto") {
      throw new Error(`send ${JSON.stringify(send)}`);
    }
    const line = JSON.parse(eventToJsonLine(connect));
    if (line.protocol !== "tcp" || JSON.parse(eventToJsonLine(send)).protocol !== "udp") {
      throw new Error(`JSON Lines ${eventToJsonLine(connect)} ${eventToJsonLine(send)}`);
    }
    const text = [formatEvent(connect), formatEvent(send)];
    if (
      !text[0]!.includes(` connect tcp 127.0.0.1:${port} = 0`) ||
      !text[1]!.includes(` send udp 127.0.0.1:${udpPort} = 1`)
    ) throw new Error(`monitor text ${text.join(" | ")}`);
  },
);

kernelTest(
  "EbpfBackend kills by pidfd a call whose arguments it decides in user space",
  reason,
  async () => {
    // After the forbidden call the program waits: only the backend's kill can end it early.
    const exe = await compileC(gatedProgram(`
  syscall(SYS_socket, 20003L, 0L, 0L);
  syscall(SYS_socket, 12345L, 0L, 0L);
  sleep(20);
  write(1, "survived", 8);`));
    const events: EngineEvent[] = [];
    const backend = await EbpfBackend.create();
    try {
      await backend.open({ emit: (e) => events.push(e), lost() {} });
      const c = spawnGated(exe);
      await backend.apply(
        compilePolicies([socketFamilyPolicy(c.pid, "user-decided", 20)], {
          arches: ["x86_64", "i386"],
        }),
        { enforce: true },
      );
      await c.go();
      const out = await c.child.output();
      if (out.signal !== "SIGKILL" || new TextDecoder().decode(out.stdout).includes("survived")) {
        throw new Error(`ended with ${out.code}/${out.signal}: the user-space kill missed`);
      }
      const verdicts = events.flatMap((e) =>
        e.kind === "syscall" && e.pid === c.pid && e.verdict ? [e.verdict] : []
      );
      const kill = verdicts.find((v) => v.ruleId === "no-family-12345");
      if (kill?.action !== "kill" || !kill.enforced) {
        throw new Error(`verdicts ${JSON.stringify(verdicts)}`);
      }
      const logged = verdicts.find((v) => v.ruleId === "log-3");
      if (logged?.action !== "log" || logged.enforced) {
        throw new Error(`the logged call: ${JSON.stringify(verdicts)}`);
      }
    } finally {
      backend.close();
    }
  },
);

kernelTest(
  "killIncarnation kills by pidfd only the incarnation with the recorded start time",
  reason,
  async () => {
    const { killIncarnation, processStartTicks } = await import(
      "../../backends/linux/ebpf_monitor.ts"
    );
    const child = new Deno.Command("sleep", { args: ["60"], stdout: "null" }).spawn();
    const ticks = processStartTicks(child.pid)!;
    // Another incarnation's start time (as after pid reuse): not signalled.
    if (killIncarnation(child.pid, ticks + 1n)) throw new Error("killed the wrong incarnation");
    // No signal was sent, so it is still running (SIGKILL would leave it a zombie at once).
    const state = Deno.readTextFileSync(`/proc/${child.pid}/stat`).split(") ")[1]?.[0];
    if (state !== "S" && state !== "R") throw new Error(`state ${state} after a mismatched kill`);
    if (!killIncarnation(child.pid, ticks)) throw new Error("the right incarnation was not killed");
    const status = await child.status;
    if (status.signal !== "SIGKILL") throw new Error(`ended with ${status.code}/${status.signal}`);
    // Gone (and reaped): nothing to signal.
    if (killIncarnation(child.pid, ticks)) throw new Error("signalled a reaped pid");
  },
);

kernelTest(
  "EbpfBackend and the simulation answer the same program calls with the same results and error codes",
  reason,
  async () => {
    const calls = (b: Backend): (() => Promise<unknown>)[] => [
      () => b.loadProgram({ name: "extra", type: "process_exec", autoAttach: false }),
      () => b.loadProgram({ name: "extra", type: "process_exec" }),
      () => b.loadProgram({ name: "bad name!", type: "process_exec" }),
      () => b.detachProgram("extra"),
      () => b.attachProgram("extra"),
      () => b.attachProgram("extra"),
      () => b.setProgramEnabled("extra", false),
      () => b.setProgramEnabled("nope", false),
      () => b.unloadProgram("nope"),
      () => b.unloadProgram("extra"),
      () => b.detachProgram("extra"),
    ];
    const outcomes = async (b: Backend) => {
      await b.open({ emit() {}, lost() {} });
      const seen: string[] = [];
      for (const call of calls(b)) {
        seen.push(await call().then(() => "ok", (e) => e instanceof EngineError ? e.code : `${e}`));
      }
      return seen;
    };
    using ebpf = await EbpfBackend.create();
    using simulation = new SimulationBackend();
    const [a, s] = [await outcomes(ebpf), await outcomes(simulation)];
    // The maps listed are the monitor object's own (no libbpf global-data maps), as its spec says.
    const listed = ebpf.listMaps().map((m) => m.name).sort();
    const spec = BPF_OBJECT_SPECS.monitor.maps.map((m) => m.name).sort();
    if (listed.join() !== spec.join()) throw new Error(`maps ${listed} vs spec ${spec}`);
    if (JSON.stringify(a) !== JSON.stringify(s)) throw new Error(`eBPF ${a}\nsimulation ${s}`);
    if (
      a.join() !==
        "ok,PROGRAM_EXISTS,LOAD_FAILED,DETACH_FAILED,ok,ATTACH_FAILED,ok,PROGRAM_NOT_FOUND,PROGRAM_NOT_FOUND,ok,PROGRAM_NOT_FOUND"
    ) {
      throw new Error(`unexpected outcomes ${a}`);
    }
  },
);
