/**
 * Attach/detach latency and memory of Cordon's eBPF monitor under load (issue 5's third figure).
 *
 *   sudo ./deno run -A --v8-flags=--expose-gc bench/monitor_soak.ts [--duration S] [--reps N]
 *     [--peer-reps P] [--json]
 *
 * 1. Latency, median (and min/max) of N (default 15):
 *    - open: `EbpfMonitor.open()` (open the embedded object, load 5 programs through the
 *      verifier, create the maps, attach the 5 tp_btf links, write the configuration);
 *    - close: `EbpfMonitor.close()` (detach the links, unmap the ring, release the object);
 *    - the same for the backend behind `cordon monitor` (`EbpfBackend.create()` + `open()`, and
 *      `close()`);
 *    - the peer: bpftrace counting per process, from spawn to its BEGIN probe (which fires once
 *      the probes are attached), median of P (default 3).
 * 2. Soak: the backend behind `cordon monitor --pid` (file and process events on) watching a C
 *    load generator for S seconds (default 60; the issue asks for 10 minutes: `--duration 600`):
 *    loops of 1,000 `getppid` and one open/close of a file, forking a short-lived child every
 *    100 loops (process churn: exit events, per-process bookkeeping). This process's RSS is
 *    sampled every second; reported: min, max, first and last, the JS heap in use (after a full
 *    collection when run with `--v8-flags=--expose-gc`), and the events delivered and lost.
 *
 * @module
 */

import { benchOptions } from "./_options.ts";
import { EbpfMonitor } from "../backends/linux/ebpf_monitor.ts";
import { EbpfBackend } from "../backends/linux/ebpf_backend.ts";
import type { EngineEvent } from "../engine/events.ts";

const options = benchOptions({
  numbers: { duration: 60, reps: 15, "peer-reps": 3 },
  flags: ["json"],
});
const DURATION_S = options.duration;
const REPS = options.reps;
const PEER_REPS = options["peer-reps"];
const JSON_OUT = options.json;

const LOAD = `#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
  char go; if (read(0, &go, 1) != 1) return 100;
  for (long loop = 0;; loop++) {
    for (int i = 0; i < 1000; i++) syscall(SYS_getppid);
    int fd = open(argv[1], O_RDONLY);
    if (fd >= 0) close(fd);
    if (loop % 100 == 0) {
      pid_t child = fork();
      if (child == 0) { syscall(SYS_getppid); _exit(0); }
      if (child > 0) waitpid(child, 0, 0);
    }
  }
}
`;

function stats(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const round = (n: number) => Math.round(n * 100) / 100;
  return { median: round(median), min: round(sorted[0]!), max: round(sorted.at(-1)!) };
}

function log(line: string): void {
  if (!JSON_OUT) console.error(line);
}

async function compile(source: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "cordon-soak-" });
  await Deno.writeTextFile(`${dir}/load.c`, source);
  const out = await new Deno.Command("gcc", { args: ["-O2", "-o", `${dir}/load`, `${dir}/load.c`] })
    .output();
  if (!out.success) throw new Error(`gcc failed: ${new TextDecoder().decode(out.stderr)}`);
  return `${dir}/load`;
}

async function monitorLatency(): Promise<{ open: number[]; close: number[] }> {
  const open: number[] = [];
  const close: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    const monitor = EbpfMonitor.open();
    const t1 = performance.now();
    monitor.close();
    const t2 = performance.now();
    open.push(t1 - t0);
    close.push(t2 - t1);
    await new Promise((resolve) => setTimeout(resolve, 0)); // let the event loop breathe
  }
  return { open, close };
}

async function backendLatency(): Promise<{ open: number[]; close: number[] }> {
  const open: number[] = [];
  const close: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    const backend = await EbpfBackend.create();
    await backend.open({ emit() {}, lost() {} });
    const t1 = performance.now();
    backend.close();
    const t2 = performance.now();
    open.push(t1 - t0);
    close.push(t2 - t1);
  }
  return { open, close };
}

/** bpftrace from spawn to its BEGIN probe (printed once every probe is attached). */
async function bpftraceLatency(): Promise<number[] | undefined> {
  const times: number[] = [];
  for (let i = 0; i < PEER_REPS; i++) {
    const t0 = performance.now();
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command("bpftrace", {
        args: [
          "-B",
          "line",
          "-e",
          'BEGIN { printf("attached\\n"); } tracepoint:raw_syscalls:sys_enter { @[pid] = count(); }',
        ],
        stdout: "piped",
        stderr: "null",
      }).spawn();
    } catch {
      return undefined;
    }
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    // A bpftrace that never attaches must not hang the bench.
    const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
    let text = "";
    while (!text.includes("attached")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const attached = text.includes("attached");
    if (attached) times.push(performance.now() - t0);
    child.kill("SIGKILL"); // its map dump on SIGINT is not what is measured
    clearTimeout(guard);
    await reader.cancel().catch(() => {});
    await child.status;
    if (!attached) return undefined;
  }
  return times;
}

interface Soak {
  durationS: number;
  rssMiB: { first: number; min: number; max: number; last: number };
  samples: number[];
  heapMiB: { afterGc: boolean; first: number; max: number; last: number };
  heapSamples: number[];
  events: number;
  lost: number;
  syscallsCounted: number;
  childrenSeen: number;
}

async function soak(load: string): Promise<Soak> {
  const dir = await Deno.makeTempDir({ prefix: "cordon-soak-file-" });
  const file = `${dir}/opened.txt`;
  await Deno.writeTextFile(file, "x");
  let events = 0;
  let lost = 0;
  let forks = 0;
  using backend = await EbpfBackend.create();
  await backend.open({
    emit(event: EngineEvent) {
      events++;
      if (event.kind === "process" && event.op === "fork") forks++;
    },
    lost(count) {
      lost += count;
    },
  });
  backend.setInterest({ kinds: new Set(["file", "process"]) });
  const child = new Deno.Command(load, { args: [file], stdin: "piped" }).spawn();
  await backend.monitorProcess(child.pid);
  const writer = child.stdin.getWriter();
  await writer.write(new Uint8Array([1]));
  writer.releaseLock();
  const mib = () => Math.round(Deno.memoryUsage().rss / 1048576 * 10) / 10;
  // With --v8-flags=--expose-gc, the live JS heap after a full collection (a leak shows here).
  const gc = (globalThis as { gc?: () => void }).gc;
  const heap = () => {
    gc?.();
    return Math.round(Deno.memoryUsage().heapUsed / 1048576 * 10) / 10;
  };
  const samples: number[] = [mib()];
  const heapSamples: number[] = [heap()];
  const { promise: finished, resolve } = Promise.withResolvers<void>();
  const t0 = performance.now();
  const timer = setInterval(() => {
    samples.push(mib());
    heapSamples.push(heap());
    const elapsed = (performance.now() - t0) / 1000;
    if (samples.length % 10 === 0) {
      log(`  ${elapsed.toFixed(0)} s: RSS ${samples.at(-1)} MiB, ${events} events, ${lost} lost`);
    }
    if (elapsed >= DURATION_S) resolve();
  }, 1000);
  await finished;
  clearInterval(timer);
  const syscallsCounted = backend.stats().figures.syscallsSeen ?? 0;
  child.kill("SIGKILL");
  await child.status;
  await child.stdin.close().catch(() => {});
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(load.slice(0, load.lastIndexOf("/")), { recursive: true });
  return {
    durationS: DURATION_S,
    rssMiB: {
      first: samples[0]!,
      min: Math.min(...samples),
      max: Math.max(...samples),
      last: samples.at(-1)!,
    },
    samples,
    heapMiB: {
      afterGc: gc !== undefined,
      first: heapSamples[0]!,
      max: Math.max(...heapSamples),
      last: heapSamples.at(-1)!,
    },
    heapSamples,
    events,
    lost,
    syscallsCounted,
    childrenSeen: forks,
  };
}

if (import.meta.main) {
  if (Deno.uid() !== 0) throw new Error("needs root");
  log(`latency: ${REPS} repetitions`);
  const monitor = await monitorLatency();
  const backend = await backendLatency();
  const peer = await bpftraceLatency();
  const figures = {
    monitorOpenMs: stats(monitor.open),
    monitorCloseMs: stats(monitor.close),
    backendOpenMs: stats(backend.open),
    backendCloseMs: stats(backend.close),
    bpftraceAttachMs: peer ? stats(peer) : null,
  };
  log(
    `  EbpfMonitor.open (load + attach)   ${JSON.stringify(figures.monitorOpenMs)} ms\n` +
      `  EbpfMonitor.close (detach + free)  ${JSON.stringify(figures.monitorCloseMs)} ms\n` +
      `  EbpfBackend create+open            ${JSON.stringify(figures.backendOpenMs)} ms\n` +
      `  EbpfBackend close                  ${JSON.stringify(figures.backendCloseMs)} ms\n` +
      `  bpftrace spawn -> BEGIN (peer)     ${JSON.stringify(figures.bpftraceAttachMs)} ms`,
  );
  log(`soak: ${DURATION_S} s of getppid flood + opens + forks, RSS every second`);
  const result = await soak(await compile(LOAD));
  log(
    `  RSS MiB first ${result.rssMiB.first}, min ${result.rssMiB.min}, max ${result.rssMiB.max}, ` +
      `last ${result.rssMiB.last}; heap MiB first ${result.heapMiB.first}, max ` +
      `${result.heapMiB.max}, last ${result.heapMiB.last}; ${result.events} events delivered, ${result.lost} lost, ` +
      `${result.syscallsCounted} syscalls counted, ${result.childrenSeen} children forked`,
  );
  if (JSON_OUT) console.log(JSON.stringify({ latency: figures, soak: result }));
}
