/**
 * Recording overhead of `cordon record` against the same program unrecorded and under
 * `strace -f -o /dev/null`, in the same run, and the rate at which the trace is written.
 *
 *   sudo ./deno run -A bench/record_overhead.ts [--loop N] [--reps R] [--json]
 *
 * Workload: a C loop of N `getppid` calls (default 1,000,000) that measures its own loop with
 * CLOCK_MONOTONIC (so Deno's and the launcher's start-up are not in the figure) and prints it on
 * stderr. Each configuration runs R times (default 5), interleaved; figures are medians, ratios
 * are to the unrecorded median. `cordon record` writes to a file in /tmp (`--report-format
 * json` gives events, lost and the recording time, from which events/s).
 *
 * @module
 */

import { benchOptions } from "./_options.ts";
const options = benchOptions({ numbers: { loop: 1_000_000, reps: 5 }, flags: ["json"] });
const LOOP = options.loop;
const REPS = options.reps;
const JSON_OUT = options.json;

const PROGRAM = `#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
  long n = atol(argv[1]);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) syscall(SYS_getppid);
  clock_gettime(CLOCK_MONOTONIC, &b);
  fprintf(stderr, "loop_ms %.3f\\n", (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6);
  return 0;
}
`;

const dir = await Deno.makeTempDir({ prefix: "cordon-bench-record-" });
await Deno.writeTextFile(`${dir}/loop.c`, PROGRAM);
const gcc = await new Deno.Command("gcc", { args: ["-O2", "-o", `${dir}/loop`, `${dir}/loop.c`] })
  .output();
if (!gcc.success) throw new Error(new TextDecoder().decode(gcc.stderr));
const exe = `${dir}/loop`;
const mod = new URL("../mod.ts", import.meta.url).pathname;

interface Sample {
  loopMs: number;
  wallMs: number;
  events?: number;
  lost?: number;
  eventsPerSecond?: number;
  bytes?: number;
}

async function run(argv: string[]): Promise<Sample> {
  const started = performance.now();
  const out = await new Deno.Command(argv[0]!, { args: argv.slice(1), stderr: "piped" }).output();
  const wallMs = performance.now() - started;
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${argv.join(" ")} failed: ${stderr}`);
  const loop = /loop_ms ([\d.]+)/.exec(stderr);
  if (!loop) throw new Error(`no loop time in ${stderr}`);
  const sample: Sample = { loopMs: Number(loop[1]), wallMs };
  const summary = stderr.split("\n").find((l) => l.startsWith('{"event":"summary"'));
  if (summary) {
    const s = JSON.parse(summary);
    sample.events = s.events;
    sample.lost = s.lost;
    sample.bytes = s.bytes;
    sample.eventsPerSecond = s.events / (s.ms / 1000);
  }
  return sample;
}

const trace = `${dir}/trace.jsonl`;
const configs: Record<string, string[]> = {
  unrecorded: [exe, String(LOOP)],
  "cordon record": [
    Deno.execPath(),
    "run",
    "-A",
    mod,
    "record",
    "-o",
    trace,
    "--report-format",
    "json",
    "--",
    exe,
    String(LOOP),
  ],
  "strace -f -o /dev/null": ["strace", "-f", "-o", "/dev/null", exe, String(LOOP)],
};
const samples: Record<string, Sample[]> = {};
for (let r = 0; r < REPS; r++) {
  for (const [name, argv] of Object.entries(configs)) {
    (samples[name] ??= []).push(await run(argv));
  }
}
await Deno.remove(dir, { recursive: true });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const base = median(samples.unrecorded!.map((s) => s.loopMs));
const rows = Object.entries(samples).map(([name, ss]) => {
  const loopMs = median(ss.map((s) => s.loopMs));
  const recorded = ss.filter((s) => s.events !== undefined);
  return {
    name,
    loopMs,
    ratio: loopMs / base,
    wallMs: median(ss.map((s) => s.wallMs)),
    ...(recorded.length
      ? {
        events: median(recorded.map((s) => s.events!)),
        lostMax: Math.max(...recorded.map((s) => s.lost!)),
        eventsPerSecond: median(recorded.map((s) => s.eventsPerSecond!)),
        mib: median(recorded.map((s) => s.bytes!)) / (1 << 20),
      }
      : {}),
  };
});
if (JSON_OUT) {
  console.log(JSON.stringify({ loop: LOOP, reps: REPS, rows }));
} else {
  console.log(`${LOOP} getppid, medians of ${REPS} (loop time measured inside the program)`);
  for (const r of rows) {
    const extra = r.events === undefined
      ? ""
      : `; ${r.events} events (${r.mib!.toFixed(1)} MiB), ${
        Math.round(r.eventsPerSecond!)
      } events/s written, lost max ${r.lostMax}`;
    console.log(
      `${r.name.padEnd(24)} loop ${r.loopMs.toFixed(1).padStart(8)} ms  ${
        r.ratio.toFixed(2).padStart(6)
      }×  wall ${r.wallMs.toFixed(0).padStart(6)} ms${extra}`,
    );
  }
}
