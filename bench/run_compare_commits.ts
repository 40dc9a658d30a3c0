/**
 * What a change cost `cordon run`, measured side by side: two commits of this repository
 * (default: `--before bb3502f^`, the tree before issue 9's confinement work, and `--after HEAD`)
 * are exported with `git archive` into temporary directories and run interleaved, rep by rep, in
 * one run:
 *
 * 1. Start-up of `cordon run -p POLICY -- /bin/true`: the launcher's spawn → `execve` time (the
 *    exit record's `startupMs`) and the whole command's wall time, medians of `--runs` (20).
 * 2. A 5,000,000-call `getppid` loop (`tests/testdata/probes/getppid_loop.c`) under each tree's
 *    filters, and unconfined: ns per call (the loop's own clock), medians of `--loops` (7).
 *
 * The policy extends `builtin:baseline` and may execute the loop's directory.
 *
 * Run (root, Linux, gcc, git): `./deno run -A bench/run_compare_commits.ts [--before C] [--after C]`
 *
 * @module
 */

import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    before: { type: "string", default: "bb3502f^" },
    after: { type: "string", default: "HEAD" },
    runs: { type: "string", default: "20" },
    loops: { type: "string", default: "7" },
    calls: { type: "string", default: "5000000" },
  },
});
const REPO = new URL("..", import.meta.url).pathname;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function run(cmd: string, args: readonly string[], cwd?: string): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args: [...args],
    ...(cwd ? { cwd } : {}),
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
}

const work = await Deno.makeTempDir({ prefix: "cordon-bench-commits-" });
try {
  const trees: Record<string, string> = {};
  for (const name of ["before", "after"] as const) {
    const commit = values[name];
    const dir = `${work}/${name}`;
    await Deno.mkdir(dir);
    await run("sh", ["-c", `git -C "${REPO}" archive "${commit}" | tar -x -C "${dir}"`]);
    trees[name] = dir;
    console.log(
      `${name}: ${commit} (${
        (await run("git", ["-C", REPO, "rev-parse", "--short", commit])).trim()
      })`,
    );
  }
  const loop = `${work}/getppid_loop`;
  await run("gcc", ["-O2", "-o", loop, `${REPO}tests/testdata/probes/getppid_loop.c`]);
  const policy = `${work}/p.yaml`;
  await Deno.writeTextFile(
    policy,
    `apiVersion: cordon/v1
kind: Policy
metadata: { name: bench }
spec:
  extends: [builtin:baseline]
  filesystem:
    execute: [/usr, /bin, /lib, /lib64, ${JSON.stringify(work)}]
`,
  );
  const cordonRun = (tree: string, ...rest: string[]) =>
    run(Deno.execPath(), ["run", "-A", `${trees[tree]}/mod.ts`, "run", "-p", policy, ...rest]);
  const startup: Record<string, number[]> = { before: [], after: [] };
  const wall: Record<string, number[]> = { before: [], after: [] };
  for (let i = 0; i < Number(values.runs); i++) {
    for (const name of ["before", "after"]) {
      const started = performance.now();
      const out = await cordonRun(name, "--format", "json", "--", "/bin/true");
      wall[name]!.push(performance.now() - started);
      const exit = out.split("\n").find((l) => l.includes('"event":"exit"'));
      startup[name]!.push(Number(JSON.parse(exit ?? "{}").startupMs));
    }
  }
  const perCall: Record<string, number[]> = { unconfined: [], before: [], after: [] };
  for (let i = 0; i < Number(values.loops); i++) {
    perCall.unconfined!.push(Number(await run(loop, [values.calls!])));
    for (const name of ["before", "after"]) {
      const out = await cordonRun(name, "--", loop, values.calls!);
      perCall[name]!.push(Number(out.trim().split("\n")[0]));
    }
  }
  console.log(`load average: ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  for (const name of ["before", "after"]) {
    console.log(
      `start-up ${name}: launcher→execve ${median(startup[name]!).toFixed(1)} ms, ` +
        `cordon run /bin/true ${median(wall[name]!).toFixed(0)} ms (medians of ${values.runs})`,
    );
  }
  const [u, b, a] = ["unconfined", "before", "after"].map((n) => median(perCall[n]!));
  console.log(
    `getppid ns/call (medians of ${values.loops}): unconfined ${u!.toFixed(1)}, before ${
      b!.toFixed(1)
    }, after ${a!.toFixed(1)}; after/before ${(a! / b!).toFixed(3)}, ` +
      `added per call before ${(b! - u!).toFixed(1)} ns, after ${(a! - u!).toFixed(1)} ns`,
  );
} finally {
  await Deno.remove(work, { recursive: true });
}
