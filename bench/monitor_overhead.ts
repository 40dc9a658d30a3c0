/**
 * Monitoring overhead of Cordon's eBPF monitor against the floor (the cheapest per-process
 * counter we know how to write: `../shared/bench/floor/`) and bpftrace, interleaved rep by rep in
 * one run, as a new user would run them:
 *
 *   sudo ./deno run -A bench/monitor_overhead.ts [--loop N] [--reps R] [--only NAME] [--trees T] [--rounds N] [--direct] [--json] [--verbose]
 *
 * Configurations: unmonitored; the floor (`floor PID`, C + libbpf, one raw_tp, per-CPU array);
 * `cordon monitor --pid P --events none` (counting only); `cordon monitor --pid P` (the default
 * events: file, network, process); bpftrace `@[pid] = count()`. Each on two rows: the workload's
 * own pid watched ("monitored"), and a `sleep` watched while the workload runs ("unmonitored":
 * the tax every other process pays). Workloads: a C loop of N `getppid` calls (default 5M),
 * `tar cf /dev/null /usr/share`, `find /usr -name '*.h'` (these two walk their tree T times in
 * one process, `--trees`, default 4, so that the differences measured exceed the jitter). Each
 * workload is forked by a small C runner and held until the tracer has attached to its pid; the
 * runner then releases it and
 * reports its CPU time (user + system from `wait4`: the BPF programs run in the caller's context,
 * so their cost is in it, while waiting for a CPU on a shared machine is not) and its wall time.
 * `--direct` runs Cordon's side through `bench/_monitor_child.ts` (the same backend calls as
 * `cordon monitor`, without the CLI's module graph) instead of `mod.ts monitor`.
 *
 * Each row measures its own unmonitored baseline among its other runs, the order of the runs
 * rotates from rep to rep, and a discarded warm-up run precedes each workload's reps (see
 * `overhead`); `--verbose` prints every run. Printed per row: the medians, the spread of the
 * unmonitored runs (their noise, in ns per syscall; a configuration whose added cost differs from
 * the floor's by less is marked "(noise)"), the added cost per syscall in ns over the row's
 * unmonitored median (the syscall count is the floor's own count of the workload), and that
 * added cost as a ratio to the
 * floor's in the same row, from CPU time and from wall time. Then, for getppid, the interleaved
 * workers (see `interleaved`, `--rounds`, default 300): the few ns per call by which Cordon's path
 * differs from the floor's, which whole runs on a shared VM cannot resolve. Then event throughput to a
 * TypeScript subscriber with exact loss accounting, the kernel memory per watched process, and
 * attach/detach times. Other tracers attached on the machine meanwhile (`bpftool prog list`) add
 * their own cost to every configuration alike.
 *
 * @module
 */

import { benchOptions } from "./_options.ts";
import { EbpfMonitor } from "../backends/linux/ebpf_monitor.ts";
import { STRUCTS, syscallSlot } from "../bpf/structs.ts";
import type { RingBufferMode } from "../backends/linux/ring_buffer.ts";
import { syscallNumber } from "../policies/syscalls.ts";

const options = benchOptions({
  numbers: { loop: 5_000_000, reps: 5, trees: 4, rounds: 300 },
  strings: ["only"],
  flags: ["json", "direct", "verbose"],
});
const LOOP = options.loop;
const REPS = options.reps;
const TREES = options.trees;
const ROUNDS = options.rounds;
const ONLY = options.only;
const JSON_OUT = options.json;
const DIRECT = options.direct;
const VERBOSE = options.verbose;
const ROOT = new URL("..", import.meta.url).pathname;
const FLOOR_DIR = new URL("../../shared/bench/floor/", import.meta.url).pathname;

const LOOP_SOURCE = `#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(int argc, char **argv) {
  long n = atol(argv[1]);
  for (long i = 0; i < n; i++) syscall(SYS_getppid);
  return 0;
}
`;

/** Forks the workload, prints its pid, releases it on a byte of stdin, prints its rusage. */
const RUNNER_SOURCE =
  `// runner CMD...: forks; the child blocks until released, then execs CMD (output to /dev/null). Prints the child's pid,
// waits for a byte on stdin, releases the child, and prints "cpu_us wall_us" (the child's user+sys
// time from wait4's rusage, and release-to-exit wall time) once it has exited.
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
  int gate[2];
  if (argc < 2 || pipe(gate)) return 2;
  pid_t pid = fork();
  if (pid < 0) return 2;
  if (pid == 0) {
    char go;
    close(gate[1]);
    if (read(gate[0], &go, 1) != 1) _exit(100);
    int null = open("/dev/null", O_WRONLY); /* the workload's output must not fill our pipe */
    if (null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0) _exit(126);
    execvp(argv[1], argv + 1);
    _exit(127);
  }
  close(gate[0]);
  printf("%d\\n", pid);
  fflush(stdout);
  char go;
  if (read(0, &go, 1) != 1) return 100;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  if (write(gate[1], &go, 1) != 1) return 2;
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) != pid) return 2;
  clock_gettime(CLOCK_MONOTONIC, &b);
  long cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
  long wall = (b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000;
  printf("%ld %ld %d\\n", cpu, wall, status);
  return 0;
}
`;

/**
 * Interleaved workers: `rr K ROUNDS N` forks K workers and prints their pids; after a byte on
 * stdin it lets each worker in turn (order rotated per round) make N getppid calls, timed by the
 * worker with CLOCK_MONOTONIC (vDSO: no syscall), ROUNDS times, all on one CPU; then each worker prints
 * "index ns/call ns/call ..." (one figure per round).
 */
const INTERLEAVED_SOURCE = `#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc < 4) return 2;
  int k = atoi(argv[1]);
  long rounds = atol(argv[2]), n = atol(argv[3]);
  int to[16][2], back[16][2];
  pid_t pids[16];
  if (k < 1 || k > 16) return 2;
  /* Every worker on the same (last) CPU: CPUs of a VM differ, and a worker must not be compared
   * with one that ran on the other. */
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(sysconf(_SC_NPROCESSORS_ONLN) - 1, &one);
  if (sched_setaffinity(0, sizeof(one), &one)) return 2;
  for (int w = 0; w < k; w++) {
    if (pipe(to[w]) || pipe(back[w])) return 2;
    pid_t p = fork();
    if (p < 0) return 2;
    if (p == 0) {
      double *t = malloc(sizeof(double) * rounds);
      char c;
      for (long r = 0; r < rounds; r++) {
        if (read(to[w][0], &c, 1) != 1) _exit(1);
        struct timespec s, e;
        clock_gettime(CLOCK_MONOTONIC, &s);
        for (long i = 0; i < n; i++) syscall(SYS_getppid);
        clock_gettime(CLOCK_MONOTONIC, &e);
        t[r] = ((e.tv_sec - s.tv_sec) * 1e9 + (e.tv_nsec - s.tv_nsec)) / n;
        if (write(back[w][1], &c, 1) != 1) _exit(1);
      }
      if (read(to[w][0], &c, 1) != 1) _exit(1);
      printf("%d", w);
      for (long r = 0; r < rounds; r++) printf(" %.2f", t[r]);
      printf("\\n");
      fflush(stdout);
      _exit(0);
    }
    pids[w] = p;
    printf("%d\\n", p);
  }
  fflush(stdout);
  char c;
  if (read(0, &c, 1) != 1) return 1;
  for (long r = 0; r < rounds; r++) {
    for (int i = 0; i < k; i++) {
      int w = (i + r) % k;
      if (write(to[w][1], &c, 1) != 1 || read(back[w][0], &c, 1) != 1) return 2;
    }
  }
  for (int w = 0; w < k; w++) {
    if (write(to[w][1], &c, 1) != 1) return 2;
    waitpid(pids[w], 0, 0);
  }
  return 0;
}
`;

async function run(cmd: string, argv: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args: argv, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`${cmd} ${argv.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return text;
}

/** Reads `stream` until a line matches `ready`; keeps draining afterwards. */
async function waitLine(
  stream: ReadableStream<Uint8Array>,
  ready: RegExp,
): Promise<{ rest: Promise<string> }> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!ready.test(seen)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`exited before printing ${ready}: ${seen}`);
    seen += value;
  }
  const rest = (async () => {
    let tail = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return seen + tail;
      tail += value;
    }
  })();
  return { rest };
}

/** A tracer attached to a pid; `stop()` ends it and returns what it printed. */
interface Tracer {
  stop(): Promise<string>;
}

type Config =
  | "unmonitored"
  | "floor"
  | "cordon --events none"
  | "cordon (default events)"
  | "bpftrace";
const CONFIGS: readonly Config[] = [
  "unmonitored",
  "floor",
  "cordon --events none",
  "cordon (default events)",
  "bpftrace",
];

async function attach(config: Config, pid: number, floor: string): Promise<Tracer | undefined> {
  if (config === "unmonitored") return undefined;
  let command: Deno.Command;
  let ready: RegExp;
  let readyOn: "stdout" | "stderr" = "stdout";
  if (config === "floor") {
    command = new Deno.Command(`${floor}/floor`, {
      args: [`${floor}/floor.bpf.o`, String(pid)],
      stdout: "piped",
      stderr: "null",
    });
    ready = /attached/;
  } else if (config === "bpftrace") {
    command = new Deno.Command("bpftrace", {
      args: ["-e", `tracepoint:raw_syscalls:sys_enter /pid == ${pid}/ { @[pid] = count(); }`],
      stdout: "piped",
      stderr: "null",
    });
    ready = /Attaching/;
  } else {
    const none = config === "cordon --events none";
    const cli = ["run", "-A", `${ROOT}mod.ts`, "monitor", "--pid", String(pid)];
    const direct = ["run", "-A", `${ROOT}bench/_monitor_child.ts`, String(pid)];
    command = new Deno.Command(Deno.execPath(), {
      args: DIRECT
        ? [...direct, ...(none ? ["none"] : [])]
        : [...cli, ...(none ? ["--events", "none"] : [])],
      cwd: ROOT,
      stdout: "null",
      stderr: "piped",
    });
    ready = /watching/;
    readyOn = "stderr";
  }
  const child = command.spawn();
  const stream = readyOn === "stdout" ? child.stdout : child.stderr;
  const { rest } = await waitLine(stream, ready);
  return {
    async stop() {
      child.kill("SIGINT");
      // A tracer that does not end on SIGINT (bpftrace still attaching) is killed after 10 s, so
      // that one stuck tracer cannot hang the whole bench or leave its probe attached.
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // it has exited meanwhile
        }
      }, 10_000);
      try {
        await child.status;
        return await rest;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

interface Workload {
  readonly name: string;
  readonly argv: readonly string[];
  /** Exit codes that still mean a complete run (tar: 1, "file changed as we read it", on a shared machine). */
  readonly okExitCodes?: readonly number[];
}

/**
 * One run of `w` under `config` on `row`: the workload's CPU time (user + system, from the
 * runner's `wait4`: BPF programs run in the caller's context, so the tracing cost is in it, while
 * time spent waiting for a CPU on this shared machine is not) and its wall time, in ms, and on the
 * floor's monitored row the floor's count of the workload's syscalls.
 */
async function once(
  w: Workload,
  config: Config,
  row: "monitored" | "unmonitored",
  floor: string,
): Promise<{ cpuMs: number; ms: number; syscalls?: number }> {
  const runner = new Deno.Command(`${floor}/runner`, {
    args: [...w.argv],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines = runner.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const line = async () => {
    while (!buffered.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) throw new Error(`runner of ${w.argv.join(" ")} ended early`);
      buffered += value;
    }
    const at = buffered.indexOf("\n");
    const text = buffered.slice(0, at);
    buffered = buffered.slice(at + 1);
    return text;
  };
  let other: Deno.ChildProcess | undefined;
  let tracer: Tracer | undefined;
  try {
    let pid = Number(await line());
    if (row === "unmonitored") {
      other = new Deno.Command("sleep", { args: ["600"], stdout: "null" }).spawn();
      pid = other.pid;
    }
    tracer = await attach(config, pid, floor);
    const writer = runner.stdin.getWriter();
    await writer.write(new Uint8Array([10]));
    await writer.close();
    const [cpuUs, wallUs, status] = (await line()).split(" ").map(Number);
    await runner.status;
    const exited = (status! & 0x7f) === 0;
    if (!exited || (status! >> 8 !== 0 && !(w.okExitCodes ?? []).includes(status! >> 8))) {
      throw new Error(`${w.argv.join(" ")} failed: wait status ${status}`);
    }
    const printed = tracer ? await tracer.stop() : "";
    tracer = undefined;
    const total = /total (\d+)/.exec(printed);
    return {
      cpuMs: cpuUs! / 1000,
      ms: wallUs! / 1000,
      ...(config === "floor" && row === "monitored" && total ? { syscalls: Number(total[1]) } : {}),
    };
  } finally {
    if (tracer) await tracer.stop().catch(() => "");
    if (other) {
      other.kill("SIGKILL");
      await other.status;
    }
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One configuration's medians; `added*` are ns per syscall over the unmonitored median. */
interface Result {
  config: Config;
  cpuMs: number;
  wallMs: number;
  addedCpuNs: number;
  addedWallNs: number;
  /** `addedCpuNs` over the floor's in the same row. */
  ratioToFloor: number;
  /** `addedWallNs` over the floor's in the same row. */
  wallRatioToFloor: number;
  /** Like `addedCpuNs`, from the fastest run of each configuration instead of the median. */
  minAddedCpuNs: number;
  /** `minAddedCpuNs` over the floor's in the same row. */
  minRatioToFloor: number;
}

interface Row {
  workload: string;
  row: "monitored" | "unmonitored";
  syscalls: number;
  /** Half the range of the row's unmonitored CPU times, in ns per syscall: the noise floor. */
  baseSpreadNs: number;
  results: Result[];
}

/**
 * Runs `w` under every configuration on both rows, REPS times. Each row measures its own
 * unmonitored baseline among its other runs (not one baseline, always run first, shared by both
 * rows), the order of the configurations rotates from rep to rep (no configuration always runs
 * first, or right after the same other one), and one discarded warm-up run precedes the reps
 * (the first run of a file-tree workload after another one pays for a cold dentry cache).
 */
async function overhead(w: Workload, floor: string): Promise<Row[]> {
  const cpu = new Map<string, number[]>();
  const wall = new Map<string, number[]>();
  const counts: number[] = [];
  const push = (m: Map<string, number[]>, key: string, v: number) =>
    m.set(key, [...(m.get(key) ?? []), v]);
  const key = (row: string, config: Config) => `${row}\0${config}`;
  await once(w, "unmonitored", "monitored", floor); // warm-up, discarded
  const runs = (["monitored", "unmonitored"] as const).flatMap((row) =>
    CONFIGS.map((config) => ({ row, config }))
  );
  for (let rep = 0; rep < REPS; rep++) {
    const shift = (rep * 3) % runs.length; // 3 is prime to the 10 runs: every run leads once
    for (const { row, config } of [...runs.slice(shift), ...runs.slice(0, shift)]) {
      const r = await once(w, config, row, floor);
      if (VERBOSE) {
        console.error(
          `    ${row} ${config}: CPU ${r.cpuMs.toFixed(1)} ms, wall ${r.ms.toFixed(1)} ms${
            r.syscalls === undefined ? "" : `, ${r.syscalls} syscalls`
          }`,
        );
      }
      push(cpu, key(row, config), r.cpuMs);
      push(wall, key(row, config), r.ms);
      if (r.syscalls !== undefined) counts.push(r.syscalls);
    }
    console.error(`  ${w.name}: rep ${rep + 1}/${REPS}`);
  }
  const syscalls = median(counts);
  return (["monitored", "unmonitored"] as const).map((row) => {
    const added = (m: Map<string, number[]>, config: Config) =>
      ((median(m.get(key(row, config))!) - median(m.get(key(row, "unmonitored"))!)) * 1e6) /
      syscalls;
    // The host of a shared VM slows whole runs down now and then (by up to ~1.7x here, never
    // speeds one up): the fastest run of each configuration is the estimate least affected.
    const minAdded = (config: Config) =>
      ((Math.min(...cpu.get(key(row, config))!) -
        Math.min(...cpu.get(key(row, "unmonitored"))!)) * 1e6) / syscalls;
    const base = cpu.get(key(row, "unmonitored"))!;
    return {
      workload: w.name,
      row,
      syscalls,
      baseSpreadNs: ((Math.max(...base) - Math.min(...base)) * 1e6) / 2 / syscalls,
      results: CONFIGS.map((config) => ({
        config,
        cpuMs: median(cpu.get(key(row, config))!),
        wallMs: median(wall.get(key(row, config))!),
        addedCpuNs: added(cpu, config),
        addedWallNs: added(wall, config),
        ratioToFloor: added(cpu, config) / added(cpu, "floor"),
        wallRatioToFloor: added(wall, config) / added(wall, "floor"),
        minAddedCpuNs: minAdded(config),
        minRatioToFloor: minAdded(config) / minAdded("floor"),
      })),
    };
  });
}

/** Same-run difference of each configuration's cost on its own process, over a process no one watches. */
interface Interleaved {
  rounds: number;
  callsPerRound: number;
  /** Per configuration: the median over rounds of (its worker's ns/call - the unwatched worker's). */
  hitOverUnwatchedNs: Record<string, number>;
  /** Cordon's figure minus the floor's: what Cordon's per-call path costs beyond the floor's. */
  cordonOverFloorNs: number;
  cordonDefaultOverFloorNs: number;
}

/**
 * The whole-run comparison cannot resolve a few ns per call on a shared VM whose host slows whole
 * runs down by up to ~1.7x. Here the floor and both Cordon configurations are attached at once,
 * each watching its own worker, with a fourth worker watched by none; the workers take turns in
 * short blocks (10,000 calls), so each block of a watched worker has an unwatched block next to it
 * in time. Every worker pays every tracer's "not watched" test and the shared dispatch alike; the
 * paired differences leave what each tracer costs on the process it watches beyond that.
 */
async function interleaved(floor: string, rounds: number, n: number): Promise<Interleaved> {
  const configs = ["floor", "cordon --events none", "cordon (default events)"] as const;
  const child = new Deno.Command(`${floor}/interleaved`, {
    args: [String(configs.length + 1), String(rounds), String(n)],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (text.split("\n").length <= configs.length + 1) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`interleaved workers ended early: ${text}`);
    text += value;
  }
  const pids = text.split("\n").slice(0, configs.length + 1).map(Number);
  const tracers: Tracer[] = [];
  try {
    for (const [i, config] of configs.entries()) {
      tracers.push((await attach(config, pids[i]!, floor))!);
    }
    const writer = child.stdin.getWriter();
    await writer.write(new Uint8Array([10]));
    await writer.close();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    if (!(await child.status).success) throw new Error("interleaved workers failed");
  } finally {
    for (const t of tracers) await t.stop().catch(() => "");
  }
  const times = new Map<number, number[]>();
  for (const line of text.split("\n").slice(configs.length + 1)) {
    const [index, ...values] = line.trim().split(" ");
    if (index !== undefined && index !== "") times.set(Number(index), values.map(Number));
  }
  const unwatched = times.get(configs.length)!;
  const hit: Record<string, number> = {};
  for (const [i, config] of configs.entries()) {
    hit[config] = median(times.get(i)!.map((t, r) => t - unwatched[r]!));
  }
  return {
    rounds,
    callsPerRound: n,
    hitOverUnwatchedNs: hit,
    cordonOverFloorNs: hit["cordon --events none"]! - hit.floor!,
    cordonDefaultOverFloorNs: hit["cordon (default events)"]! - hit.floor!,
  };
}

async function throughput(n: number, mode: RingBufferMode, loop: string, floor: string) {
  using monitor = EbpfMonitor.open({
    syscallSlots: [syscallSlot(syscallNumber("x86_64", "getppid")!, "native")],
    ringMode: mode,
  });
  let delivered = 0;
  const child = new Deno.Command(`${floor}/gate`, {
    args: [loop, String(n)],
    stdin: "piped",
    stdout: "null",
  }).spawn();
  monitor.track(child.pid);
  const writer = child.stdin.getWriter();
  const start = performance.now();
  await writer.write(new Uint8Array([10]));
  await writer.close();
  let done = false;
  child.status.then(() => done = true);
  while (!done || monitor.pending > 0) {
    const got = monitor.poll((e) => {
      if (e.kind === "syscall") delivered++;
    });
    if (got === 0) await new Promise((r) => setTimeout(r, 1));
  }
  const seconds = (performance.now() - start) / 1000;
  const lost = Number(monitor.stats().lost);
  return {
    mode,
    produced: n,
    delivered,
    lost,
    accounted: delivered + lost === n,
    eventsPerSecond: delivered / seconds,
  };
}

/** Attach (open + load + attach) and detach (close) times of the monitor, median of 5. */
function attachTimes() {
  const open: number[] = [];
  const close: number[] = [];
  for (let i = 0; i < 5; i++) {
    let t = performance.now();
    const monitor = EbpfMonitor.open();
    open.push(performance.now() - t);
    t = performance.now();
    monitor.close();
    close.push(performance.now() - t);
  }
  return { attachMs: median(open), detachMs: median(close) };
}

if (Deno.uid() !== 0) {
  console.error("bench/monitor_overhead.ts needs root");
  Deno.exit(2);
}
const uptimeBefore = (await run("uptime", [])).trim();
const floor = (await run("bash", [`${FLOOR_DIR}build.sh`])).trim();
await Deno.writeTextFile(`${floor}/loop.c`, LOOP_SOURCE);
await run("gcc", ["-O2", "-o", `${floor}/loop`, `${floor}/loop.c`]);
await Deno.writeTextFile(`${floor}/interleaved.c`, INTERLEAVED_SOURCE);
await run("gcc", ["-O2", "-o", `${floor}/interleaved`, `${floor}/interleaved.c`]);
await Deno.writeTextFile(`${floor}/runner.c`, RUNNER_SOURCE);
await run("gcc", ["-O2", "-o", `${floor}/runner`, `${floor}/runner.c`]);
/* The file-tree workloads walk their tree TREES times in one process (default 4: one walk is
 * ~250 ms and ~150-250 k calls, so a few ms of a shared machine's jitter would be tens of ns per
 * call, more than the differences measured). */
const tree = (path: string) => Array.from({ length: TREES }, () => path);
const workloads: Workload[] = [
  { name: `${LOOP / 1e6}M getppid`, argv: [`${floor}/loop`, String(LOOP)] },
  {
    name: `tar cf /dev/null /usr/share${TREES > 1 ? ` (tree x${TREES})` : ""}`,
    argv: ["tar", "cf", "/dev/null", ...tree("/usr/share")],
    okExitCodes: [1],
  },
  {
    name: `find /usr -name '*.h'${TREES > 1 ? ` (tree x${TREES})` : ""}`,
    argv: ["find", ...tree("/usr"), "-name", "*.h"],
  },
].filter((w) => ONLY === undefined || w.name.includes(ONLY));
function printRow(r: Row): void {
  console.log(
    `\n${r.workload}, ${r.row} process (${
      r.syscalls.toLocaleString("en")
    } syscalls, floor count; unmonitored CPU spread ±${r.baseSpreadNs.toFixed(0)} ns/call)`,
  );
  console.log(
    `  ${"".padEnd(24)}   CPU ms  added ns/call  vs floor  - floor (noise ±${
      r.baseSpreadNs.toFixed(0)
    })  |  wall ms  added  vs floor  |  fastest: added  vs floor`,
  );
  const floorAdded = r.results.find((x) => x.config === "floor")!.addedCpuNs;
  for (const x of r.results) {
    const base = x.config === "unmonitored";
    const delta = x.addedCpuNs - floorAdded;
    const verdict = base || x.config === "floor"
      ? ""
      : `${delta >= 0 ? "+" : ""}${delta.toFixed(0)}${
        Math.abs(delta) <= r.baseSpreadNs ? " (noise)" : ""
      }`;
    console.log(
      `  ${x.config.padEnd(24)} ${x.cpuMs.toFixed(0).padStart(7)}  ${
        x.addedCpuNs.toFixed(1).padStart(13)
      }  ${base ? "".padStart(8) : `${x.ratioToFloor.toFixed(2)}x`.padStart(8)}  ${
        verdict.padEnd(20)
      }  |  ${x.wallMs.toFixed(0).padStart(7)}  ${x.addedWallNs.toFixed(1).padStart(5)}  ${
        base ? "".padStart(8) : `${x.wallRatioToFloor.toFixed(2)}x`.padStart(8)
      }  |  ${x.minAddedCpuNs.toFixed(1).padStart(14)}  ${
        base ? "" : `${x.minRatioToFloor.toFixed(2)}x`.padStart(8)
      }`,
    );
  }
}

/**
 * The interleaved figures, and with them Cordon's added cost on its monitored process as a ratio
 * to the floor's: 1 + (Cordon's per-call cost beyond the floor's, measured interleaved) / (the
 * floor's added cost from the whole-run rows above).
 */
function printInterleaved(p: Interleaved, rows: readonly Row[]): void {
  console.log(
    `\n5M getppid, interleaved workers (${p.rounds} rounds of ${
      p.callsPerRound.toLocaleString("en")
    } calls each; floor and both Cordon configurations attached at once, each watching its own worker; median over rounds of the paired difference to a worker no one watches)`,
  );
  for (const [config, ns] of Object.entries(p.hitOverUnwatchedNs)) {
    console.log(`  ${config.padEnd(24)} ${ns.toFixed(1).padStart(7)} ns/call on its own worker`);
  }
  const floorAdded = rows.find((r) => r.workload.includes("getppid") && r.row === "monitored")
    ?.results.find((x) => x.config === "floor")?.addedCpuNs;
  for (
    const [name, over] of [
      ["cordon --events none", p.cordonOverFloorNs],
      ["cordon (default events)", p.cordonDefaultOverFloorNs],
    ] as const
  ) {
    const ratio = floorAdded
      ? ` = ${(1 + over / floorAdded).toFixed(2)}x the floor's ${
        floorAdded.toFixed(1)
      } ns (monitored row above)`
      : "";
    console.log(
      `  ${name} beyond the floor: ${over >= 0 ? "+" : ""}${over.toFixed(1)} ns/call${ratio}`,
    );
  }
}

const cpu = (await Deno.readTextFile("/proc/cpuinfo")).match(/model name\s*:\s*(.*)/)?.[1];
const machine = `${
  cpu ?? "unknown CPU"
}, ${navigator.hardwareConcurrency} CPUs, Linux ${Deno.osRelease()}`;
if (!JSON_OUT) {
  console.log(`machine: ${machine}`);
  console.log(`load before: ${uptimeBefore}`);
  console.log(
    `medians of ${REPS} interleaved reps (order rotated per rep); added = (median - the row's unmonitored median) / syscalls, from the workload's CPU time (user+sys) and wall time; "fastest": the same from each configuration's fastest run (CPU time), the estimate least affected by a shared host slowing whole runs down; cordon via ${
      DIRECT ? "bench/_monitor_child.ts" : "mod.ts monitor"
    }`,
  );
}
const rows: Row[] = [];
for (const w of workloads) {
  const done = await overhead(w, floor);
  rows.push(...done);
  if (!JSON_OUT) done.forEach(printRow); // as each workload completes
}
const paired = ONLY === undefined || "getppid".includes(ONLY)
  ? await interleaved(floor, ROUNDS, 10_000)
  : undefined;
if (paired && !JSON_OUT) printInterleaved(paired, rows);
const events = [
  await throughput(2_000_000, "mmap", `${floor}/loop`, floor),
  await throughput(2_000_000, "libbpf", `${floor}/loop`, floor),
];
const times = attachTimes();
const memory = {
  procsEntryBytes: STRUCTS.cordon_proc.size,
  perThreadBytes: STRUCTS.cordon_task.size,
  watchedBytesPerPid: 8,
};
const uptimeAfter = (await run("uptime", [])).trim();

if (JSON_OUT) {
  console.log(JSON.stringify(
    {
      machine,
      uptimeBefore,
      uptimeAfter,
      reps: REPS,
      rows,
      interleaved: paired,
      events,
      ...times,
      memory,
    },
    null,
    2,
  ));
} else {
  console.log("");
  for (const t of events) {
    console.log(
      `ring buffer -> TS (${t.mode}): ${
        Math.round(t.eventsPerSecond).toLocaleString("en")
      } events/s, delivered ${t.delivered} + lost ${t.lost} ${
        t.accounted ? "=" : "!="
      } produced ${t.produced}`,
    );
  }
  console.log(
    `kernel memory per watched process: ${memory.procsEntryBytes} B (procs) + ${memory.perThreadBytes} B per thread that made a call (tasks) + 8 B per possible pid (watched array) + one compat_exits entry (8 B) per thread that made an i386 file or network call`,
  );
  console.log(
    `attach ${times.attachMs.toFixed(0)} ms, detach ${
      times.detachMs.toFixed(0)
    } ms (monitor open+load+attach / close)`,
  );
  console.log(`load after: ${uptimeAfter}`);
}
