/**
 * Monitoring overhead and event throughput of Cordon's eBPF monitor, side by side with
 * bpftrace and strace in the same run.
 *
 *   sudo ./deno run -A bench/monitor_overhead.ts [--loop N] [--reps R] [--json]
 *
 * Workloads: a C loop of N `getppid` syscalls (default 5,000,000), and
 * `tar cf /dev/null /usr/share` (a realistic mix of file syscalls). Configurations: unmonitored;
 * Cordon counting per process in the kernel (no events); bpftrace counting per process
 * (`tracepoint:raw_syscalls:sys_enter /pid == X/ { @[pid] = count(); }`); `strace -f -c`
 * (on the loop with N/100 calls, reported per call: strace costs ~200 µs a call here).
 * Each figure is the median of R runs; ratios are to the unmonitored median.
 *
 * Then event throughput: the loop with every getppid streamed to a TypeScript subscriber
 * (events decoded into objects), read from the mmapped ring (default) and through libbpf's
 * ring_buffer__consume + Deno.UnsafeCallback, with exact loss accounting
 * (delivered + lost = produced).
 *
 * @module
 */

import { EbpfMonitor } from "../backends/linux/ebpf_monitor.ts";
import { syscallSlot } from "../bpf/structs.ts";
import type { RingBufferMode } from "../backends/linux/ring_buffer.ts";
import { syscallNumber } from "../policies/syscalls.ts";

const args = Deno.args;
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const LOOP = opt("loop", 5_000_000);
const REPS = opt("reps", 3);
const JSON_OUT = args.includes("--json");

const GATED_LOOP = `#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(int argc, char **argv) {
  char go; if (read(0, &go, 1) != 1) return 100;
  long n = atol(argv[1]);
  for (long i = 0; i < n; i++) syscall(SYS_getppid);
  return 0;
}
`;
const GATED_EXEC = `#include <unistd.h>
int main(int argc, char **argv) {
  char go; if (read(0, &go, 1) != 1) return 100;
  execvp(argv[1], argv + 1);
  return 127;
}
`;

async function compile(source: string, name: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "cordon-bench-" });
  await Deno.writeTextFile(`${dir}/${name}.c`, source);
  const out = await new Deno.Command("gcc", {
    args: ["-O2", "-o", `${dir}/${name}`, `${dir}/${name}.c`],
  })
    .output();
  if (!out.success) throw new Error(`gcc failed: ${new TextDecoder().decode(out.stderr)}`);
  return `${dir}/${name}`;
}

interface Workload {
  readonly name: string;
  /** The gated command: waits for a byte on stdin, then works. */
  readonly argv: readonly string[];
  /** Ungated, for strace. */
  readonly plain: readonly string[];
  /** Calls per run of `plain` relative to `argv` (strace runs a smaller loop). */
  readonly straceScale: number;
  readonly straceArgv: readonly string[];
}

/** Runs a gated child: `attach(pid)` before it starts working; returns its working time (ms). */
async function runGated(
  argv: readonly string[],
  attach: (pid: number) => Promise<void> | void = () => {},
): Promise<number> {
  const child = new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    stdin: "piped",
    stdout: "null",
    stderr: "null",
  }).spawn();
  await attach(child.pid);
  const writer = child.stdin.getWriter();
  const start = performance.now();
  await writer.write(new Uint8Array([10]));
  await writer.close();
  const status = await child.status;
  const elapsed = performance.now() - start;
  if (!status.success) throw new Error(`${argv.join(" ")} failed: ${status.code}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function reps(fn: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPS; i++) times.push(await fn());
  return median(times);
}

/** bpftrace counting per process for `pid`; resolves once its probes are attached. */
async function withBpftrace(pid: number): Promise<() => Promise<void>> {
  const child = new Deno.Command("bpftrace", {
    args: ["-e", `tracepoint:raw_syscalls:sys_enter /pid == ${pid}/ { @[pid] = count(); }`],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("Attaching")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("bpftrace exited before attaching");
    seen += value;
  }
  return async () => {
    child.kill("SIGINT");
    while (!(await reader.read()).done) { /* drain the map print */ }
    await child.status;
  };
}

async function straceRun(argv: readonly string[]): Promise<number> {
  const start = performance.now();
  const out = await new Deno.Command("strace", {
    args: ["-f", "-c", "-o", "/dev/null", ...argv],
    stdout: "null",
    stderr: "null",
  }).output();
  if (!out.success) throw new Error(`strace ${argv.join(" ")} failed`);
  return performance.now() - start;
}

async function plainRun(argv: readonly string[]): Promise<number> {
  const start = performance.now();
  const out = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    stdout: "null",
    stderr: "null",
  })
    .output();
  if (!out.success) throw new Error(`${argv.join(" ")} failed`);
  return performance.now() - start;
}

async function overhead(w: Workload) {
  const base = await reps(() => runGated(w.argv));
  let ours: number;
  {
    using monitor = EbpfMonitor.open();
    ours = await reps(() => runGated(w.argv, (pid) => void monitor.track(pid)));
  }
  let bpftrace = NaN;
  try {
    bpftrace = await reps(async () => {
      let stop: () => Promise<void> = () => Promise.resolve();
      const t = await runGated(w.argv, async (pid) => {
        stop = await withBpftrace(pid);
      });
      await stop();
      return t;
    });
  } catch (error) {
    console.error(`bpftrace skipped: ${error}`);
  }
  let strace = NaN;
  let straceBase = NaN;
  try {
    straceBase = await reps(() => plainRun(w.straceArgv));
    strace = await reps(() => straceRun(w.straceArgv));
  } catch (error) {
    console.error(`strace skipped: ${error}`);
  }
  return {
    workload: w.name,
    unmonitoredMs: base,
    cordonMs: ours,
    bpftraceMs: bpftrace,
    straceMs: strace,
    ratios: {
      cordon: ours / base,
      bpftrace: bpftrace / base,
      strace: strace / straceBase,
    },
    straceScale: w.straceScale,
  };
}

async function throughput(loop: string, n: number, mode: RingBufferMode) {
  using monitor = EbpfMonitor.open({
    syscallSlots: [syscallSlot(syscallNumber("x86_64", "getppid")!, "native")],
    ringMode: mode,
  });
  let delivered = 0;
  let start = 0;
  const child = new Deno.Command(loop, { args: [String(n)], stdin: "piped", stdout: "null" })
    .spawn();
  monitor.track(child.pid);
  const writer = child.stdin.getWriter();
  start = performance.now();
  await writer.write(new Uint8Array([10]));
  await writer.close();
  let done = false;
  child.status.then(() => done = true);
  // Drain on the main thread while the child runs: poll, yield to the event loop when empty.
  while (!done || monitor.pending > 0) {
    const got = monitor.poll((e) => {
      if (e.kind === "syscall") delivered++;
    });
    if (got === 0) await new Promise((r) => setTimeout(r, 1));
  }
  const elapsed = (performance.now() - start) / 1000;
  const lost = Number(monitor.stats().lost);
  return {
    mode,
    produced: n,
    delivered,
    lost,
    accounted: delivered + lost === n,
    seconds: elapsed,
    eventsPerSecond: delivered / elapsed,
  };
}

if (Deno.uid() !== 0) {
  console.error("bench/monitor_overhead.ts needs root");
  Deno.exit(2);
}
const loop = await compile(GATED_LOOP, "loop");
const gate = await compile(GATED_EXEC, "gate");
const plainLoop = await compile(
  GATED_LOOP.replace("char go; if (read(0, &go, 1) != 1) return 100;", ""),
  "plain",
);
const results = {
  loop: await overhead({
    name: `${LOOP} getppid`,
    argv: [loop, String(LOOP)],
    plain: [plainLoop, String(LOOP)],
    straceScale: 100,
    straceArgv: [plainLoop, String(Math.floor(LOOP / 100))],
  }),
  tar: await overhead({
    name: "tar cf /dev/null /usr/share",
    argv: [gate, "tar", "cf", "/dev/null", "/usr/share"],
    plain: ["tar", "cf", "/dev/null", "/usr/share"],
    straceScale: 1,
    straceArgv: ["tar", "cf", "/dev/null", "/usr/share"],
  }),
  throughput: [
    await throughput(loop, 2_000_000, "mmap"),
    await throughput(loop, 2_000_000, "libbpf"),
  ],
};
if (JSON_OUT) {
  console.log(JSON.stringify(results, null, 2));
} else {
  for (const r of [results.loop, results.tar]) {
    console.log(`${r.workload}: unmonitored ${r.unmonitoredMs.toFixed(0)} ms`);
    console.log(
      `  cordon (in-kernel counts)  ${r.cordonMs.toFixed(0)} ms  ${r.ratios.cordon.toFixed(2)}x`,
    );
    console.log(
      `  bpftrace count by pid      ${r.bpftraceMs.toFixed(0)} ms  ${
        r.ratios.bpftrace.toFixed(2)
      }x`,
    );
    console.log(
      `  strace -f -c               ${r.straceMs.toFixed(0)} ms  ${r.ratios.strace.toFixed(1)}x` +
        (r.straceScale > 1 ? ` (on 1/${r.straceScale} of the loop)` : ""),
    );
  }
  for (const t of results.throughput) {
    console.log(
      `ring buffer -> TS (${t.mode}): ${
        Math.round(t.eventsPerSecond).toLocaleString("en")
      } events/s, ` +
        `delivered ${t.delivered} + lost ${t.lost} ${
          t.accounted ? "=" : "!="
        } produced ${t.produced}`,
    );
  }
}
