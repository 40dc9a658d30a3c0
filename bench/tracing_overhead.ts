/**
 * The tracing-script backend (bpftrace) against the eBPF backend (libbpf) and the floor counter
 * (`../shared/bench/floor/`), interleaved rep by rep in one run:
 *
 *   sudo ./deno run -A bench/tracing_overhead.ts [--loop N] [--reps R] [--json]
 *
 * 1. Overhead: `cordon monitor --pid P --events none --backend linux|bpftrace` and `floor P` on
 *    a gated workload (a C loop of N `getppid` calls, default 5M; `tar cf /dev/null /usr/share`),
 *    timed from release to exit; the added ns per syscall over the unmonitored median, and the
 *    ratio to the floor's added cost in the same run.
 * 2. Attach time: from spawning `cordon monitor` to its "watching" line, per backend; and the
 *    tracer's own spawn-to-probes-enabled time (`attachMs`).
 * 3. Event latency: a child opens `/nonexistent/lat-<CLOCK_REALTIME ns>` every 2 ms; both
 *    backends watch it in this process; latency is the subscriber's clock minus the name's.
 *
 * @module
 */

import { benchOptions } from "./_options.ts";
import { EbpfBackend } from "../backends/linux/ebpf_backend.ts";
import { DtraceBackend } from "../backends/dtrace/dtrace_backend.ts";
import type { EngineEvent } from "../engine/events.ts";

const options = benchOptions({ numbers: { loop: 5_000_000, reps: 3 }, flags: ["json"] });
const LOOP = options.loop;
const REPS = options.reps;
const JSON_OUT = options.json;
const ROOT = new URL("..", import.meta.url).pathname;
const FLOOR_DIR = new URL("../../shared/bench/floor/", import.meta.url).pathname;

async function run(cmd: string, argv: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args: argv, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`${cmd} ${argv.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

async function compile(source: string, dir: string, name: string): Promise<string> {
  await Deno.writeTextFile(`${dir}/${name}.c`, source);
  await run("gcc", ["-O1", "-o", `${dir}/${name}`, `${dir}/${name}.c`]);
  return `${dir}/${name}`;
}

/** Reads `stream` until `ready` matches; keeps draining afterwards. */
async function waitLine(stream: ReadableStream<Uint8Array>, ready: RegExp) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!ready.test(seen)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`exited before printing ${ready}: ${seen}`);
    seen += value;
  }
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return seen;
      seen += value;
    }
  })();
  return { rest };
}

type Config = "unmonitored" | "floor" | "linux" | "bpftrace";
const CONFIGS: readonly Config[] = ["unmonitored", "floor", "linux", "bpftrace"];

async function attach(config: Config, pid: number, floor: string) {
  if (config === "unmonitored") return undefined;
  const started = performance.now();
  const child = config === "floor"
    ? new Deno.Command(`${floor}/floor`, {
      args: [`${floor}/floor.bpf.o`, String(pid)],
      stdout: "piped",
      stderr: "null",
    }).spawn()
    : new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `${ROOT}mod.ts`,
        "monitor",
        "--pid",
        String(pid),
        "--events",
        "none",
        "--backend",
        config,
      ],
      stdout: "null",
      stderr: "piped",
    }).spawn();
  const { rest } = await waitLine(
    config === "floor" ? child.stdout! : child.stderr!,
    config === "floor" ? /attached/ : /watching/,
  );
  const attachMs = performance.now() - started;
  return {
    attachMs,
    async stop() {
      try {
        child.kill("SIGINT");
      } catch {
        // exited with its pid
      }
      const text = await rest;
      await child.status;
      return text;
    },
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function overhead(name: string, argv: string[], floor: string) {
  const times = new Map<Config, number[]>();
  const attaches = new Map<Config, number[]>();
  const counts: number[] = [];
  await run(argv[0]!, argv.slice(1)); // warm the page cache: every configuration sees the same
  for (let rep = 0; rep < REPS; rep++) {
    for (const config of CONFIGS) {
      const child = new Deno.Command(`${floor}/gate`, {
        args: argv,
        stdin: "piped",
        stdout: "null",
        stderr: "null",
      }).spawn();
      const tracer = await attach(config, child.pid, floor);
      if (tracer) attaches.set(config, [...(attaches.get(config) ?? []), tracer.attachMs]);
      const writer = child.stdin.getWriter();
      const start = performance.now();
      await writer.write(new Uint8Array([10]));
      await writer.close();
      await child.status;
      times.set(config, [...(times.get(config) ?? []), performance.now() - start]);
      const printed = tracer ? await tracer.stop() : "";
      const total = /total (\d+)/.exec(printed);
      if (config === "floor" && total) counts.push(Number(total[1]));
    }
    console.error(`  ${name}: rep ${rep + 1}/${REPS}`);
  }
  const syscalls = median(counts);
  const base = median(times.get("unmonitored")!);
  const added = (c: Config) => ((median(times.get(c)!) - base) * 1e6) / syscalls;
  return {
    workload: name,
    syscalls,
    results: CONFIGS.map((config) => ({
      config,
      medianMs: median(times.get(config)!),
      addedNsPerCall: added(config),
      ratioToFloor: added(config) / added("floor"),
      ...(attaches.has(config) ? { attachMs: median(attaches.get(config)!) } : {}),
    })),
  };
}

async function latency(dir: string) {
  const exe = await compile(
    `#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
  char go; if (read(0, &go, 1) != 1) return 1;
  int n = atoi(argv[1]);
  for (int i = 0; i < n; i++) {
    struct timespec t; clock_gettime(CLOCK_REALTIME, &t);
    char path[64]; snprintf(path, sizeof path, "/nonexistent/lat-%lld", (long long)t.tv_sec * 1000000000LL + t.tv_nsec);
    open(path, O_RDONLY);
    usleep(2000);
  }
  return 0;
}
`,
    dir,
    "lat",
  );
  const n = 500;
  const samples = { linux: [] as number[], bpftrace: [] as number[] };
  const sink = (into: number[]) => ({
    emit(e: EngineEvent) {
      const m = e.kind === "file" ? /^\/nonexistent\/lat-(\d+)$/.exec(e.path) : null;
      if (m) {
        const now = performance.timeOrigin + performance.now();
        into.push(now - Number(BigInt(m[1]!) / 1000n) / 1000);
      }
    },
    lost() {},
  });
  using ebpf = await EbpfBackend.create();
  using bt = await DtraceBackend.create({ tracer: "bpftrace" });
  await ebpf.open(sink(samples.linux));
  await bt.open(sink(samples.bpftrace));
  const kinds = new Set(["file"] as const);
  ebpf.setInterest({ kinds });
  bt.setInterest({ kinds });
  const child = new Deno.Command(exe, { args: [String(n)], stdin: "piped", stdout: "null" })
    .spawn();
  await ebpf.monitorProcess(child.pid);
  await bt.monitorProcess(child.pid);
  const tracerAttachMs = bt.stats().figures.attachMs ?? 0;
  const writer = child.stdin.getWriter();
  await writer.write(new Uint8Array([10]));
  await writer.close();
  await child.status;
  await bt.stop();
  // The eBPF backend delivers from its poll loop; give it its last poll interval.
  const deadline = Date.now() + 2000;
  while (samples.linux.length < n && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const stat = (v: number[]) => ({
    events: v.length,
    medianMs: Number(median(v).toFixed(3)),
    p99Ms: Number(([...v].sort((a, b) => a - b)[Math.floor(v.length * 0.99)] ?? NaN).toFixed(3)),
  });
  return { opens: n, linux: stat(samples.linux), bpftrace: stat(samples.bpftrace), tracerAttachMs };
}

const dir = await Deno.makeTempDir({ prefix: "cordon-tracing-bench-" });
try {
  const floor = (await run("bash", [`${FLOOR_DIR}build.sh`, `${dir}/floor`])).trim().split("\n").at(
    -1,
  )!;
  const loop = await compile(
    `#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(int argc, char **argv) { long n = atol(argv[1]); for (long i = 0; i < n; i++) syscall(SYS_getppid); return 0; }
`,
    dir,
    "loop",
  );
  const rows = [
    await overhead(`getppid x ${LOOP}`, [loop, String(LOOP)], floor),
    await overhead("tar cf /dev/null /usr/share", ["tar", "cf", "/dev/null", "/usr/share"], floor),
  ];
  const lat = await latency(dir);
  if (JSON_OUT) {
    console.log(JSON.stringify({ rows, latency: lat }));
  } else {
    for (const row of rows) {
      console.log(`${row.workload} (${row.syscalls} syscalls, median of ${REPS})`);
      for (const r of row.results) {
        console.log(
          `  ${r.config.padEnd(12)} ${r.medianMs.toFixed(0).padStart(7)} ms  +${
            r.addedNsPerCall.toFixed(0).padStart(5)
          } ns/call  x${r.ratioToFloor.toFixed(2)} floor${
            "attachMs" in r ? `  attach ${r.attachMs!.toFixed(0)} ms` : ""
          }`,
        );
      }
    }
    console.log(
      `event latency (open -> subscriber, ${lat.opens} opens): eBPF median ${lat.linux.medianMs} ms ` +
        `p99 ${lat.linux.p99Ms} ms (${lat.linux.events} events); bpftrace median ${lat.bpftrace.medianMs} ms ` +
        `p99 ${lat.bpftrace.p99Ms} ms (${lat.bpftrace.events} events); bpftrace attach ${
          lat.tracerAttachMs.toFixed(0)
        } ms`,
    );
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
