/**
 * The engine's figures (issue 3), measured in one run and printed as a table:
 *
 * 1. `Engine.checkSyscall` argument-free decisions/s, beside the compiler's `Evaluator.decide`
 *    (the floor) and the IR `evaluate()` (the reference) on the same policy.
 * 2. Dry run of a 1,000,000-line strace trace built from the real traces in
 *    `tests/testdata/traces/` (generated into a temporary file, not committed): lines/s and peak
 *    RSS, beside `wc -l` reading the same file.
 * 3. Event fan-out to 10 subscribers: events/s and deliveries/s, with drops (must be 0), through
 *    the bare `EventBus` and through the engine's intake (simulated syscalls).
 *
 * Wall-clock rates and rates per CPU-second of this process are both printed: on a shared
 * machine the latter is the stable figure.
 *
 * Run: `./deno run -A bench/engine_figures.ts [--json]`
 *
 * @module
 */

import { Engine } from "../engine/engine.ts";
import { EventBus } from "../engine/event_bus.ts";
import type { SyscallEvent } from "../engine/events.ts";
import { dryRun } from "../engine/dry_run.ts";
import { evaluate, Evaluator } from "../compile/evaluate.ts";
import { syscallNumber } from "../policies/syscalls.ts";
import { loadPolicies } from "../compile/load_policies.ts";
import { cpuUsage } from "node:process";

const root = new URL("../", import.meta.url);
const results: Record<string, number | string> = {};

function peakRssMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m === null ? NaN : Number(m[1]) / 1024;
}

function rate(count: number, ms: number): number {
  return count / (ms / 1000);
}

/** CPU milliseconds (user + system) of this process: robust against other load on the machine. */
function cpuMs(): number {
  const u = cpuUsage();
  return (u.user + u.system) / 1000;
}

// ---- 1. checkSyscall ----
{
  const { filters } = await loadPolicies([
    new URL("examples/policies/build-step.yaml", root).pathname,
  ]);
  await using engine = await Engine.open({ backend: "simulation" });
  await engine.applyPolicy(filters);
  const pid = engine.simulation.simulateSpawn({ executable: "/usr/bin/make" }).pid;
  // Argument-free syscalls of a typical workload.
  const nrs = [
    "read",
    "write",
    "openat",
    "close",
    "mmap",
    "newfstatat",
    "getpid",
    "brk",
    "execve",
    "futex",
  ]
    .map((n) => syscallNumber("x86_64", n)!);
  const N = 20_000_000;
  let sink = 0;
  for (let i = 0; i < 1_000_000; i++) sink += engine.checkSyscall(pid, nrs[i % 10]!).action.length;
  let t0 = performance.now();
  const c0 = cpuMs();
  for (let i = 0; i < N; i++) sink += engine.checkSyscall(pid, nrs[i % 10]!).action.length;
  const engineMs = performance.now() - t0;
  const engineCpu = cpuMs() - c0;
  const evaluator = new Evaluator(filters, { pid });
  t0 = performance.now();
  for (let i = 0; i < N; i++) sink += evaluator.decide("x86_64", nrs[i % 10]!).action.length;
  const evaluatorMs = performance.now() - t0;
  const M = 200_000;
  t0 = performance.now();
  for (let i = 0; i < M; i++) {
    sink += evaluate(filters, { arch: "x86_64", nr: nrs[i % 10]! }, { pid }).action.length;
  }
  const irMs = performance.now() - t0;
  // By name: one map lookup more.
  const names = ["read", "write", "openat", "close", "mmap"];
  t0 = performance.now();
  for (let i = 0; i < N / 4; i++) sink += engine.checkSyscall(pid, names[i % 5]!).action.length;
  const byNameMs = performance.now() - t0;
  if (sink === 0) throw new Error("unreachable");
  results["checkSyscall decisions/s"] = Math.round(rate(N, engineMs));
  results["checkSyscall decisions per CPU-second"] = Math.round(rate(N, engineCpu));
  results["checkSyscall by name decisions/s"] = Math.round(rate(N / 4, byNameMs));
  results["Evaluator.decide decisions/s (floor)"] = Math.round(rate(N, evaluatorMs));
  results["evaluate() decisions/s (IR reference)"] = Math.round(rate(M, irMs));
  results["checkSyscall / Evaluator.decide"] = (evaluatorMs / engineMs).toFixed(2);
}

// ---- 2. dry run of a 1,000,000-line trace ----
{
  const traces: string[][] = [];
  for await (const e of Deno.readDir(new URL("tests/testdata/traces/", root))) {
    if (!e.name.endsWith(".strace") || e.name.includes("stderr")) continue;
    const text = await Deno.readTextFile(new URL(`tests/testdata/traces/${e.name}`, root));
    traces.push(text.split("\n").filter((l) => l !== ""));
  }
  // Repeat the `-o`-style real traces with their pids shifted per copy, so that each copy is a
  // separate set of processes (as a long recording of many runs would be).
  const path = await Deno.makeTempFile({ suffix: ".strace" });
  const file = await Deno.open(path, { write: true, truncate: true });
  const encoder = new TextEncoder();
  let lines = 0;
  let copy = 0;
  const TARGET = 1_000_000;
  while (lines < TARGET) {
    for (const trace of traces) {
      const shift = (copy++ % 30_000) * 100_000;
      const chunk: string[] = [];
      for (const line of trace) {
        if (lines >= TARGET) break;
        chunk.push(
          line.replace(/^(\d+)/, (pid) => String(Number(pid) % 100_000 + shift + 100_000)).replace(
            / = (\d+)$/,
            (
              m,
              r,
            ) => (/^\d+ (?:[\d:.]+ )?(?:clone|vfork|fork)/.test(line)
              ? ` = ${Number(r) % 100_000 + shift + 100_000}`
              : m),
          ),
        );
        lines++;
      }
      await file.write(encoder.encode(chunk.join("\n") + "\n"));
      if (lines >= TARGET) break;
    }
  }
  file.close();
  const size = (await Deno.stat(path)).size;
  const { filters } = await loadPolicies([
    new URL("examples/policies/untrusted-plugin.yaml", root).pathname,
  ]);
  const rssBefore = peakRssMiB();
  const t0 = performance.now();
  const c0 = cpuMs();
  const report = await dryRun(filters, path);
  const ms = performance.now() - t0;
  const cpu = cpuMs() - c0;
  const t1 = performance.now();
  const wc = await new Deno.Command("wc", { args: ["-l", path], stdout: "piped" }).output();
  const wcMs = performance.now() - t1;
  await Deno.remove(path);
  if (report.lines !== TARGET || report.malformedTotal !== 0) {
    throw new Error(`dry run read ${report.lines} lines, ${report.malformedTotal} malformed`);
  }
  results["dry run lines"] = report.lines;
  results["dry run trace MiB"] = (size / 1048576).toFixed(1);
  results["dry run findings"] = report.findingsTotal;
  results["dry run lines/s"] = Math.round(rate(report.lines, ms));
  results["dry run lines per CPU-second"] = Math.round(rate(report.lines, cpu));
  results["dry run peak RSS MiB (process, before → after)"] = `${rssBefore.toFixed(0)} → ${
    peakRssMiB().toFixed(0)
  }`;
  results["wc -l lines/s (I/O peer)"] = Math.round(rate(TARGET, wcMs));
  void wc;
}

// ---- 3. event fan-out to 10 subscribers ----
{
  const SUBSCRIBERS = 10;
  const EVENTS = 2_000_000;
  const BATCH = 4096;
  const bus = new EventBus();
  const counts = new Array<number>(SUBSCRIBERS).fill(0);
  for (let s = 0; s < SUBSCRIBERS; s++) bus.subscribe(["syscall"], () => void counts[s]!++);
  const events: SyscallEvent[] = Array.from({ length: BATCH }, (_, i) => ({
    kind: "syscall",
    time: i,
    pid: 1000 + (i % 7),
    arch: "x86_64",
    nr: i % 300,
    name: null,
  }));
  const t0 = performance.now();
  const c0 = cpuMs();
  let sent = 0;
  while (sent < EVENTS) {
    for (let i = 0; i < BATCH; i++) bus.publish(events[i]!);
    sent += BATCH;
    await bus.drained();
  }
  const ms = performance.now() - t0;
  const cpu = cpuMs() - c0;
  const stats = bus.stats();
  const delivered = counts.reduce((a, b) => a + b, 0);
  if (delivered !== stats.delivered || stats.dropped !== 0 || delivered !== sent * SUBSCRIBERS) {
    throw new Error(`unexplained loss: delivered ${delivered}, dropped ${stats.dropped}`);
  }
  results["fan-out (bus) events/s to 10 subscribers"] = Math.round(rate(sent, ms));
  results["fan-out (bus) events per CPU-second"] = Math.round(rate(sent, cpu));
  results["fan-out (bus) deliveries/s"] = Math.round(rate(delivered, ms));
  results["fan-out (bus) dropped"] = stats.dropped;

  // Through the engine: simulated syscalls (decision, counting, event) → intake → 10 subscribers.
  await using engine = await Engine.open({ backend: "simulation", recentEvents: 1024 });
  const engineCounts = new Array<number>(SUBSCRIBERS).fill(0);
  for (let s = 0; s < SUBSCRIBERS; s++) engine.subscribeSyscall(() => void engineCounts[s]!++);
  const sim = engine.simulation;
  const pid = sim.simulateSpawn({ comm: "load" }).pid;
  const ENGINE_EVENTS = 1_000_000;
  const t1 = performance.now();
  const c1 = cpuMs();
  for (let sent = 0; sent < ENGINE_EVENTS; sent += BATCH) {
    for (let i = 0; i < BATCH; i++) sim.simulateSyscall(pid, i % 300);
    await engine.drained();
  }
  const engineMs = performance.now() - t1;
  const engineCpu = cpuMs() - c1;
  const estats = engine.stats();
  const produced = estats.events.byKind.syscall;
  if (estats.events.dropped !== 0 || estats.events.delivered !== produced * SUBSCRIBERS) {
    throw new Error(
      `engine fan-out: produced ${produced}, delivered ${estats.events.delivered}, dropped ${estats.events.dropped}`,
    );
  }
  results["fan-out (engine, simulated syscalls) events/s"] = Math.round(rate(produced, engineMs));
  results["fan-out (engine) events per CPU-second"] = Math.round(rate(produced, engineCpu));
  results["fan-out (engine) deliveries/s"] = Math.round(rate(estats.events.delivered, engineMs));
  results["fan-out (engine) dropped"] = estats.events.dropped;
}

if (Deno.args.includes("--json")) {
  console.log(JSON.stringify(results, null, 2));
} else {
  const width = Math.max(...Object.keys(results).map((k) => k.length));
  for (const [k, v] of Object.entries(results)) {
    console.log(`${k.padEnd(width)}  ${typeof v === "number" ? v.toLocaleString("en-US") : v}`);
  }
}
