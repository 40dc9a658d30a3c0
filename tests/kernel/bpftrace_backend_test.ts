/**
 * The tracing-script backend driving bpftrace, side by side with the eBPF backend on the same
 * workload: the same per-syscall counts (exactly), the same file paths and connect endpoints;
 * a kill rule kills; the tracer stops cleanly and leaves nothing behind.
 */

import { EbpfBackend } from "../../backends/linux/ebpf_backend.ts";
import { DtraceBackend } from "../../backends/dtrace/dtrace_backend.ts";
import { compilePolicies } from "../../compile/compile.ts";
import type { EngineEvent } from "../../engine/events.ts";
import type { ProcessActivity } from "../../engine/backend.ts";
import { kernelTest, needCommands, unavailable } from "../_kernel.ts";
import {
  blockedReadingStdin,
  compileC,
  gatedProgram,
  killPolicy,
  needEbpf,
  processTreeFixture,
  spawnGated,
} from "./_ebpf_helpers.ts";

const reason = unavailable(needEbpf(), needCommands("bpftrace"));

/** A sink that records events and resolves when `pid` exits. */
function recorder() {
  const events: EngineEvent[] = [];
  const waiters: { pid: number; resolve: () => void }[] = [];
  return {
    events,
    sink: {
      emit(event: EngineEvent) {
        events.push(event);
        if (event.kind === "process" && event.op === "exit") {
          for (const w of waiters) if (w.pid === event.pid) w.resolve();
        }
      },
      lost() {},
    },
    exited(pid: number): Promise<void> {
      if (events.some((e) => e.kind === "process" && e.op === "exit" && e.pid === pid)) {
        return Promise.resolve();
      }
      const { promise, resolve } = Promise.withResolvers<void>();
      waiters.push({ pid, resolve });
      return promise;
    },
  };
}

function counts(a: ProcessActivity | undefined): Record<string, number> {
  return Object.fromEntries([...(a?.bySyscall ?? [])].sort(([x], [y]) => x < y ? -1 : 1));
}

function listener(): { port: number; close(): void; accepted: Promise<void> } {
  const server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = server.accept().then((conn) => conn.close()).catch(() => {});
  return {
    port: (server.addr as Deno.NetAddr).port,
    close: () => server.close(),
    accepted,
  };
}

kernelTest(
  "bpftrace and eBPF backends report the same counts, files and connects for one workload",
  reason,
  async () => {
    const n = 20_000, m = 3_000;
    const fixture = await processTreeFixture("cordon-bt-");
    const server = listener();
    const ebpfEvents = recorder(), btEvents = recorder();
    using ebpf = await EbpfBackend.create();
    using bt = await DtraceBackend.create({ tracer: "bpftrace" });
    await ebpf.open(ebpfEvents.sink);
    await bt.open(btEvents.sink);
    const kinds = new Set(["file", "network", "process"] as const);
    ebpf.setInterest({ kinds });
    bt.setInterest({ kinds });
    // The tree program acts at once: a gate (a shell reading one line) holds it until both watch.
    const gate = new Deno.Command("sh", {
      args: [
        "-c",
        `read go; exec "$0" "$@"`,
        fixture.exe,
        String(n),
        String(m),
        fixture.target,
        String(server.port),
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // Both watch from the same point: the shell blocked in its read, its start-up behind it.
    await blockedReadingStdin(gate.pid);
    await ebpf.monitorProcess(gate.pid);
    await bt.monitorProcess(gate.pid);
    const writer = gate.stdin.getWriter();
    await writer.write(new TextEncoder().encode("go\n"));
    await writer.close();
    const out = await gate.output();
    await server.accepted;
    server.close();
    if (out.code !== 7) {
      throw new Error(`workload exited ${out.code}: ${new TextDecoder().decode(out.stderr)}`);
    }
    await ebpfEvents.exited(gate.pid);
    await btEvents.exited(gate.pid);

    const parent = gate.pid;
    const forkOf = (events: EngineEvent[]) =>
      events.find((e) => e.kind === "process" && e.op === "fork" && e.ppid === parent)?.pid;
    const child = forkOf(btEvents.events);
    if (child === undefined || child !== forkOf(ebpfEvents.events)) {
      throw new Error(`fork seen as ${child} (bpftrace) and ${forkOf(ebpfEvents.events)} (eBPF)`);
    }
    for (const pid of [parent, child]) {
      const a = counts(ebpf.activity(pid)), b = counts(bt.activity(pid));
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        throw new Error(`pid ${pid}: eBPF ${JSON.stringify(a)} vs bpftrace ${JSON.stringify(b)}`);
      }
    }
    if (counts(bt.activity(parent)).getppid !== n || counts(bt.activity(child)).getppid !== m) {
      throw new Error(
        `getppid: ${counts(bt.activity(parent)).getppid}, ${counts(bt.activity(child)).getppid}`,
      );
    }
    const files = (events: EngineEvent[]) =>
      events.filter((e) => e.kind === "file" && (e.pid === parent || e.pid === child))
        .filter((e) => e.kind === "file" && e.path.startsWith(fixture.target))
        .map((e) =>
          e.kind === "file" ? `${e.pid} ${e.path} ${(e.result ?? 0) < 0 ? e.result : "ok"}` : ""
        );
    if (JSON.stringify(files(ebpfEvents.events)) !== JSON.stringify(files(btEvents.events))) {
      throw new Error(
        `files: eBPF ${files(ebpfEvents.events)} vs bpftrace ${files(btEvents.events)}`,
      );
    }
    if (files(btEvents.events).length !== 2) throw new Error(`files: ${files(btEvents.events)}`);
    const connects = (events: EngineEvent[]) =>
      events.filter((e) => e.kind === "network" && e.op === "connect" && e.pid === parent)
        .map((e) => e.kind === "network" ? `${e.family} ${e.address}:${e.port} ${e.result}` : "");
    const expected = [`inet 127.0.0.1:${server.port} 0`];
    for (const [name, events] of [["eBPF", ebpfEvents], ["bpftrace", btEvents]] as const) {
      if (JSON.stringify(connects(events.events)) !== JSON.stringify(expected)) {
        throw new Error(`${name} connects: ${connects(events.events)}`);
      }
    }
    const exit = btEvents.events.find((e) =>
      e.kind === "process" && e.op === "exit" && e.pid === parent
    );
    if (exit?.kind !== "process" || exit.exitCode !== 7) {
      throw new Error(`exit ${JSON.stringify(exit)}`);
    }
    await bt.stop();
    await Deno.remove(fixture.dir, { recursive: true });
  },
);

kernelTest(
  "a kill rule applied through bpftrace kills the target at its call",
  reason,
  async () => {
    const exe = await compileC(
      gatedProgram(`syscall(SYS_getpid); syscall(SYS_getppid); write(1, "alive", 5);`),
    );
    const c = spawnGated(exe);
    const events = recorder();
    using bt = await DtraceBackend.create({ tracer: "bpftrace" });
    await bt.open(events.sink);
    const set = compilePolicies([killPolicy(c.pid, "getppid")], { arches: ["x86_64"] });
    const plan = bt.plan(set);
    if (plan.layers[0]?.syscalls !== "kill-after") {
      throw new Error(`plan ${JSON.stringify(plan.layers)}`);
    }
    await bt.apply(set, { enforce: true });
    if (!bt.monitoredPids().includes(c.pid)) throw new Error(`not targeted: ${bt.monitoredPids()}`);
    await c.go();
    const out = await c.child.output();
    await events.exited(c.pid);
    if (out.signal !== "SIGKILL") throw new Error(`child ended with ${out.code}/${out.signal}`);
    if (new TextDecoder().decode(out.stdout).includes("alive")) {
      throw new Error(
        "ran past its kill",
      );
    }
    const decided = events.events.find((e) => e.kind === "syscall" && e.pid === c.pid);
    if (decided?.kind !== "syscall" || decided.name !== "getppid" || !decided.verdict?.enforced) {
      throw new Error(`verdict ${JSON.stringify(decided)}`);
    }
    if (decided.verdict.ruleId !== "kill-getppid" || decided.verdict.action !== "kill") {
      throw new Error(`verdict ${JSON.stringify(decided.verdict)}`);
    }
    const exit = events.events.find((e) =>
      e.kind === "process" && e.op === "exit" && e.pid === c.pid
    );
    if (exit?.kind !== "process" || exit.signal !== "SIGKILL") {
      throw new Error(
        `exit ${JSON.stringify(exit)}`,
      );
    }
    await bt.stop();
  },
);

kernelTest(
  "bpftrace keys i386 calls apart: counted by their own name, and a kill rule holds through int 0x80",
  unavailable(reason, Deno.build.arch !== "x86_64" && "needs x86_64 (int 0x80)"),
  async () => {
    // i386 20 is getpid (x86_64 20 is writev); i386 64 is getppid (x86_64 64 is semget).
    const exe = await compileC(gatedProgram(`
  long r;
  __asm__ volatile ("int $0x80" : "=a"(r) : "a"(20L) : "memory");
  __asm__ volatile ("int $0x80" : "=a"(r) : "a"(20L) : "memory");
  __asm__ volatile ("int $0x80" : "=a"(r) : "a"(64L) : "memory");
  write(1, "alive", 5);`));
    const c = spawnGated(exe);
    const events = recorder();
    using bt = await DtraceBackend.create({ tracer: "bpftrace" });
    await bt.open(events.sink);
    const set = compilePolicies([killPolicy(c.pid, "getppid")], { arches: ["x86_64", "i386"] });
    await bt.apply(set, { enforce: true });
    await c.go();
    const out = await c.child.output();
    await events.exited(c.pid);
    if (out.signal !== "SIGKILL" || new TextDecoder().decode(out.stdout).includes("alive")) {
      throw new Error(`the i386 getppid was not killed: ${out.code}/${out.signal}`);
    }
    const decided = events.events.find((e) => e.kind === "syscall" && e.pid === c.pid);
    if (
      decided?.kind !== "syscall" || decided.arch !== "i386" || decided.name !== "getppid" ||
      decided.verdict?.ruleId !== "kill-getppid"
    ) {
      throw new Error(`verdict ${JSON.stringify(decided)}`);
    }
    const activity = counts(bt.activity(c.pid));
    if (activity["i386:getpid"] !== 2 || "writev" in activity || "semget" in activity) {
      throw new Error(`counts ${JSON.stringify(activity)}`);
    }
    await bt.stop();
  },
);

kernelTest(
  "the bpftrace runner stops cleanly: no tracer process, no script file",
  reason,
  async () => {
    const exe = await compileC(gatedProgram(`syscall(SYS_getppid);`));
    const c = spawnGated(exe);
    const before = new Set(
      [...Deno.readDirSync(Deno.env.get("TMPDIR") ?? "/tmp")].map((e) => e.name),
    );
    using bt = await DtraceBackend.create({ tracer: "bpftrace" });
    await bt.open(recorder().sink);
    await bt.monitorProcess(c.pid);
    const tracer = bt.stats().figures.tracerRunning;
    if (tracer !== 1) throw new Error("the tracer is not running");
    const scripts = [...Deno.readDirSync(Deno.env.get("TMPDIR") ?? "/tmp")]
      .filter((e) => e.name.startsWith("cordon-trace-") && !before.has(e.name));
    if (scripts.length !== 1) throw new Error(`script files: ${scripts.map((s) => s.name)}`);
    const pids = () =>
      [...Deno.readDirSync("/proc")].filter((e) => /^\d+$/.test(e.name)).filter((e) => {
        try {
          return Deno.readTextFileSync(`/proc/${e.name}/cmdline`).includes(scripts[0]!.name);
        } catch {
          return false;
        }
      }).length;
    if (pids() !== 1) throw new Error(`bpftrace processes: ${pids()}`);
    await bt.stop();
    if (pids() !== 0) throw new Error("bpftrace still runs after stop()");
    if (
      [...Deno.readDirSync(Deno.env.get("TMPDIR") ?? "/tmp")].some((e) =>
        e.name === scripts[0]!.name
      )
    ) {
      throw new Error("the script file was left behind");
    }
    if (bt.stats().figures.tracerRunning !== 0) throw new Error("tracer still marked running");
    await c.go();
    await c.child.output();
  },
);

const MOD = new URL("../../mod.ts", import.meta.url).pathname;

/** Reads `stream` as text in the background; `until(re)` resolves once the text matches. */
function collect(stream: ReadableStream<Uint8Array>) {
  let text = "";
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const done = (async () => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      for (const w of waiters) if (w.re.test(text)) w.resolve();
    }
    return text;
  })();
  return {
    done,
    until(re: RegExp, what: Promise<unknown>): Promise<void> {
      if (re.test(text)) return Promise.resolve();
      const { promise, resolve } = Promise.withResolvers<void>();
      waiters.push({ re, resolve });
      // Fails (instead of hanging) when the command ends without printing it.
      what.then(() => {
        if (!re.test(text)) resolve();
      });
      return promise.then(() => {
        if (!re.test(text)) throw new Error(`ended before printing ${re}: ${text}`);
      });
    },
  };
}

/** `cordon ARGS…` with stdout and stderr collected; resolves once stderr matches `ready`. */
async function startCli(args: string[], ready: RegExp) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MOD, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = collect(child.stdout), stderr = collect(child.stderr);
  await stderr.until(ready, stderr.done);
  return {
    child,
    stdoutUntil: (re: RegExp) => stdout.until(re, stdout.done),
    async finish() {
      const status = await child.status;
      return { code: status.code, stdout: await stdout.done, stderr: await stderr.done };
    },
  };
}

kernelTest(
  "cordon monitor --backend bpftrace prints the same summaries as the eBPF backend",
  reason,
  async () => {
    const n = 25_000;
    const exe = await compileC(
      gatedProgram(`for (int i = 0; i < atoi(argv[1]); i++) syscall(SYS_getppid);`),
    );
    const c = spawnGated(exe, [String(n)]);
    // Both read the process's name from /proc: only once it has exec'd is it the program's.
    await blockedReadingStdin(c.pid);
    const args = ["monitor", "--pid", String(c.pid), "--events", "none"];
    const watching = new RegExp(`watching pid ${c.pid}`);
    const ebpf = await startCli([...args, "--backend", "linux"], watching);
    const bt = await startCli([...args, "--backend", "bpftrace"], watching);
    await c.go();
    await c.child.output();
    const [a, b] = [await ebpf.finish(), await bt.finish()];
    if (a.code !== 0 || b.code !== 0) {
      throw new Error(`exit ${a.code}/${b.code}: ${a.stderr}${b.stderr}`);
    }
    if (!b.stdout.includes(`getppid ${n}`)) throw new Error(`bpftrace summary: ${b.stdout}`);
    if (a.stdout !== b.stdout) throw new Error(`eBPF:\n${a.stdout}\nbpftrace:\n${b.stdout}`);
  },
);

kernelTest("cordon apply --backend bpftrace kills on a kill rule", reason, async () => {
  const exe = await compileC(gatedProgram(`syscall(SYS_getppid); write(1, "alive", 5);`));
  const c = spawnGated(exe);
  const dir = await Deno.makeTempDir({ prefix: "cordon-bt-apply-" });
  const file = `${dir}/kill.yaml`;
  await Deno.writeTextFile(
    file,
    `apiVersion: cordon/v1
kind: Policy
metadata:
  name: kill-getppid
spec:
  defaultAction: allow
  target:
    pids: [${c.pid}]
  rules:
    - id: no-getppid
      syscalls: [getppid]
      action: kill
`,
  );
  const apply = await startCli(
    ["apply", "--backend", "bpftrace", "--allow-degraded", file],
    /applied kill-getppid to 1 running process/,
  );
  await c.go();
  const out = await c.child.output();
  await apply.stdoutUntil(/getppid\(.*-> kill by no-getppid/);
  apply.child.kill("SIGINT");
  const result = await apply.finish();
  await Deno.remove(dir, { recursive: true });
  if (out.signal !== "SIGKILL") throw new Error(`target ended with ${out.code}/${out.signal}`);
  if (result.code !== 0) {
    throw new Error(`apply exited ${result.code}: ${result.stderr}\n${result.stdout}`);
  }
  if (!/getppid\(.*-> kill by no-getppid/.test(result.stdout)) throw new Error(result.stdout);
  if (!/1 kill\b/.test(result.stderr)) throw new Error(result.stderr);
});

kernelTest(
  "the golden bpftrace scripts pass bpftrace's own parser and code generator",
  reason,
  async () => {
    const dir = new URL("../testdata/trace_scripts/", import.meta.url).pathname;
    for (const name of ["pid.bt", "all.bt", "policies.bt"]) {
      const out = await new Deno.Command("bpftrace", {
        args: ["--unsafe", "-d", `${dir}${name}`],
        stdout: "null",
        stderr: "piped",
      }).output();
      if (!out.success) {
        throw new Error(
          `${name}: ${new TextDecoder().decode(out.stderr).slice(-2000)}`,
        );
      }
    }
  },
);
