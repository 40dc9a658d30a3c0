/**
 * What `cordon run --explain` costs (issue 14), in one run, interleaved rep by rep, under one
 * policy that denies `mkdir` by a rule (seccomp, EACCES) and writes only beneath one directory (the
 * read-only view of a run started as root refuses the rest with EROFS):
 *
 * - seccomp: a confined loop of N denied `mkdir` calls, without and with `--explain` (the
 *   supervisor answers each): ns per denied call, denials per second; a confined 5M `getppid`
 *   loop (allowed) without and with `--explain`: the allowed path's cost;
 * - the read-only view (`bpf/view_denials.bpf.c`, a `sys_exit` program every syscall of the
 *   machine passes while such a run goes on): another process's 5M `getppid` loop with no run
 *   going on and while a `cordon run --explain` waits for its stdin; a confined loop of N
 *   `open(O_WRONLY|O_CREAT)` calls the view refuses, without and with `--explain`, and how many of
 *   a burst are reported one by one (reported + lost = made, from the run's JSON summary).
 *
 *   sudo ./deno run -A bench/explain_overhead.ts [--reps R] [--denials N] [--json]
 *
 * Loop times are measured inside the programs (CLOCK_MONOTONIC); figures are medians.
 *
 * @module
 */

import { benchOptions } from "./_options.ts";
const options = benchOptions({ numbers: { reps: 7, denials: 100_000 }, flags: ["json"] });
const REPS = options.reps;
const DENIALS = options.denials;
const GETPPIDS = 5_000_000;
const JSON_OUT = options.json;

const PROGRAM = `#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
  long n = atol(argv[2]);
  int open_loop = strcmp(argv[1], "open") == 0;
  int mkdir_loop = strcmp(argv[1], "mkdir") == 0;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) {
    if (open_loop) syscall(SYS_open, "/etc/cordon-bench-view", O_WRONLY | O_CREAT, 0600);
    else if (mkdir_loop) syscall(SYS_mkdir, "/tmp/cordon-bench-mkdir", 0755);
    else syscall(SYS_getppid);
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%.2f\\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
  return 0;
}
`;

const dir = await Deno.makeTempDir({ prefix: "cordon-bench-explain-" });
const mod = new URL("../mod.ts", import.meta.url).pathname;
const text = new TextDecoder();

async function nsPerCall(argv: string[]): Promise<{ ns: number; stderr: string }> {
  const out = await new Deno.Command(argv[0]!, { args: argv.slice(1), stderr: "piped" }).output();
  if (!out.success) throw new Error(`${argv.join(" ")}: ${text.decode(out.stderr)}`);
  const lines = text.decode(out.stdout).trim().split("\n");
  return { ns: Number(lines.at(-1)), stderr: text.decode(out.stderr) };
}

/** Runs `fn` while a `cordon run --explain` (started as root: with the view) is going on. */
async function whileExplaining<T>(policy: string, fn: () => Promise<T>): Promise<T> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", mod, "run", "-p", policy, "--explain", "--format", "json", "--", "cat"],
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // The view's program is attached before the command starts: wait for the "start" record.
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes('"event":"start"')) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`cordon run ended before starting: ${seen}`);
    seen += value;
  }
  try {
    return await fn();
  } finally {
    await child.stdin.close();
    while (!(await reader.read()).done) { /* drain */ }
    await child.status;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  await Deno.writeTextFile(`${dir}/loop.c`, PROGRAM);
  const gcc = await new Deno.Command("gcc", { args: ["-O2", "-o", `${dir}/loop`, `${dir}/loop.c`] })
    .output();
  if (!gcc.success) throw new Error(text.decode(gcc.stderr));
  await Deno.mkdir(`${dir}/out`);
  const policy = `${dir}/p.yaml`;
  await Deno.writeTextFile(
    policy,
    `apiVersion: cordon/v1
kind: Policy
metadata:
  name: bench-view
spec:
  defaultAction: allow
  rules:
    - id: no-mkdir
      action: deny
      errno: EACCES
      syscalls: [mkdir, mkdirat]
  filesystem:
    read: [/]
    write: [${dir}/out, /dev/null]
`,
  );
  const loop = `${dir}/loop`;
  const cordonRun = (explain: "no" | "text" | "json", ...command: string[]) => [
    Deno.execPath(),
    "run",
    "-A",
    mod,
    "run",
    "-p",
    policy,
    ...(explain === "no" ? [] : ["--explain"]),
    ...(explain === "json" ? ["--format", "json"] : []),
    "--",
    loop,
    ...command,
  ];
  const openLoop = ["open", String(DENIALS)];
  const mkdirLoop = ["mkdir", String(DENIALS)];
  const getppidLoop = ["getppid", String(GETPPIDS)];
  const mkdirDenied: number[] = [];
  const mkdirExplained: number[] = [];
  const allowed: number[] = [];
  const allowedExplained: number[] = [];
  const idle: number[] = [];
  const watched: number[] = [];
  const denied: number[] = [];
  const deniedExplained: number[] = [];
  const reported: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    idle.push((await nsPerCall([loop, "getppid", String(GETPPIDS)])).ns);
    watched.push(
      await whileExplaining(
        policy,
        async () => (await nsPerCall([loop, "getppid", String(GETPPIDS)])).ns,
      ),
    );
    mkdirDenied.push((await nsPerCall(cordonRun("no", ...mkdirLoop))).ns);
    mkdirExplained.push((await nsPerCall(cordonRun("text", ...mkdirLoop))).ns);
    allowed.push((await nsPerCall(cordonRun("no", ...getppidLoop))).ns);
    allowedExplained.push((await nsPerCall(cordonRun("text", ...getppidLoop))).ns);
    denied.push((await nsPerCall(cordonRun("no", ...openLoop))).ns);
    const run = await nsPerCall(cordonRun("json", ...openLoop));
    deniedExplained.push(run.ns);
    const summary = run.stderr.split("\n").filter((l) => l.includes('"event":"explain"'))
      .map((l) => JSON.parse(l))[0];
    const view = summary.view as { total: number; lost: number };
    if (view.total + view.lost !== DENIALS) {
      throw new Error(`reported ${view.total} + lost ${view.lost} != ${DENIALS}`);
    }
    reported.push(view.total);
    if (!JSON_OUT) console.error(`rep ${rep + 1}/${REPS}`);
  }
  const figures = {
    seccompDeniedMkdirNs: {
      withoutExplain: median(mkdirDenied),
      withExplain: median(mkdirExplained),
    },
    supervisorDenialsPerSecond: 1e9 / median(mkdirExplained),
    allowedGetppidNs: { withoutExplain: median(allowed), withExplain: median(allowedExplained) },
    allowedRatio: median(allowedExplained) / median(allowed),
    getppidNs: { idle: median(idle), duringExplainRun: median(watched) },
    getppidRatio: median(watched) / median(idle),
    viewDeniedOpenNs: { withoutExplain: median(denied), withExplain: median(deniedExplained) },
    reportedOf: { made: DENIALS, reported: median(reported) },
  };
  if (JSON_OUT) console.log(JSON.stringify(figures));
  else {
    console.log(`medians of ${REPS}`);
    console.log(
      `seccomp-denied mkdir: ${figures.seccompDeniedMkdirNs.withoutExplain.toFixed(0)} ns ` +
        `without --explain, ${figures.seccompDeniedMkdirNs.withExplain.toFixed(0)} ns with: ` +
        `${Math.round(figures.supervisorDenialsPerSecond)} denials/s through the supervisor`,
    );
    console.log(
      `allowed getppid under the policy: ${
        figures.allowedGetppidNs.withoutExplain.toFixed(1)
      } ns ` +
        `without --explain, ${figures.allowedGetppidNs.withExplain.toFixed(1)} ns with ` +
        `(${figures.allowedRatio.toFixed(3)}×)`,
    );
    console.log(
      `another process's getppid: ${figures.getppidNs.idle.toFixed(1)} ns idle, ` +
        `${figures.getppidNs.duringExplainRun.toFixed(1)} ns during a --explain run ` +
        `(${figures.getppidRatio.toFixed(3)}×)`,
    );
    console.log(
      `view-denied open (EROFS): ${
        figures.viewDeniedOpenNs.withoutExplain.toFixed(0)
      } ns without ` +
        `--explain, ${figures.viewDeniedOpenNs.withExplain.toFixed(0)} ns with ` +
        `(${
          (figures.viewDeniedOpenNs.withExplain / figures.viewDeniedOpenNs.withoutExplain).toFixed(
            2,
          )
        }×)`,
    );
    console.log(
      `${DENIALS} denials in a burst: ${figures.reportedOf.reported} reported one by one, the ` +
        `rest counted as lost (ring buffer full)`,
    );
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
