/**
 * What `cordon run --explain`'s report of the read-only view costs (`bpf/view_denials.bpf.c`, a
 * `sys_exit` program that every syscall of the machine passes while such a run goes on), in one
 * run, interleaved rep by rep:
 *
 * - another process's 5M `getppid` loop with no run going on, and while a `cordon run --explain`
 *   started as root (so with the view and its program) waits for its stdin;
 * - a confined loop of N `open(O_WRONLY|O_CREAT)` calls that the view refuses (EROFS), under
 *   `cordon run` without and with `--explain`: ns per denied call, and the denials per second the
 *   report keeps up with (reported + lost = made, from the run's JSON summary).
 *
 *   sudo ./deno run -A bench/explain_view_overhead.ts [--reps R] [--denials N] [--json]
 *
 * Loop times are measured inside the programs (CLOCK_MONOTONIC); figures are medians.
 *
 * @module
 */

const args = Deno.args;
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const REPS = opt("reps", 7);
const DENIALS = opt("denials", 100_000);
const GETPPIDS = 5_000_000;
const JSON_OUT = args.includes("--json");

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
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) {
    if (open_loop) syscall(SYS_open, "/etc/cordon-bench-view", O_WRONLY | O_CREAT, 0600);
    else syscall(SYS_getppid);
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%.2f\\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
  return 0;
}
`;

const dir = await Deno.makeTempDir({ prefix: "cordon-bench-view-" });
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
  filesystem:
    read: [/]
    write: [${dir}/out, /dev/null]
`,
  );
  const loop = `${dir}/loop`;
  const cordonRun = (explain: boolean) => [
    Deno.execPath(),
    "run",
    "-A",
    mod,
    "run",
    "-p",
    policy,
    ...(explain ? ["--explain", "--format", "json"] : []),
    "--",
    loop,
    "open",
    String(DENIALS),
  ];
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
    denied.push((await nsPerCall(cordonRun(false))).ns);
    const run = await nsPerCall(cordonRun(true));
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
    getppidNs: { idle: median(idle), duringExplainRun: median(watched) },
    getppidRatio: median(watched) / median(idle),
    deniedOpenNs: { withoutExplain: median(denied), withExplain: median(deniedExplained) },
    denialsPerSecond: 1e9 / median(deniedExplained),
    reportedOf: { made: DENIALS, reported: median(reported) },
  };
  if (JSON_OUT) console.log(JSON.stringify(figures));
  else {
    console.log(`medians of ${REPS}`);
    console.log(
      `another process's getppid: ${figures.getppidNs.idle.toFixed(1)} ns idle, ` +
        `${figures.getppidNs.duringExplainRun.toFixed(1)} ns during a --explain run ` +
        `(${figures.getppidRatio.toFixed(3)}×)`,
    );
    console.log(
      `denied open (EROFS): ${figures.deniedOpenNs.withoutExplain.toFixed(0)} ns without ` +
        `--explain, ${figures.deniedOpenNs.withExplain.toFixed(0)} ns with ` +
        `(${(figures.deniedOpenNs.withExplain / figures.deniedOpenNs.withoutExplain).toFixed(2)}×)`,
    );
    console.log(
      `${DENIALS} denials in a burst: ${figures.reportedOf.reported} reported one by one, the ` +
        `rest counted as lost (ring buffer full)`,
    );
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
