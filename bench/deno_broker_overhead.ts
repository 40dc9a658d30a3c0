/**
 * Issue 15's figures, interleaved rep by rep in one run, with the pinned Deno:
 *
 * - a permission check through `cordon deno`'s broker: a script's loop of N `Deno.statSync` on
 *   one file (with a broker Deno asks it on every call) under `cordon deno --policy P`, against the
 *   same script under `deno run --allow-read` (Deno's own check); µs per call, measured inside
 *   the script;
 * - start-up: a script that prints one line, `deno run` against `cordon deno --policy P` (the
 *   broker, and as root the kernel confinement), wall time from spawn to exit.
 *
 *   sudo ./deno run -A bench/deno_broker_overhead.ts [--reps R] [--checks N] [--json]
 *
 * @module
 */

import { benchOptions } from "./_options.ts";
const options = benchOptions({ numbers: { reps: 5, checks: 10_000 }, flags: ["json"] });
const REPS = options.reps;
const CHECKS = options.checks;
const JSON_OUT = options.json;
const mod = new URL("../mod.ts", import.meta.url).pathname;
const deno = Deno.execPath();
const text = new TextDecoder();

async function run(argv: string[]): Promise<{ stdout: string; ms: number }> {
  const started = performance.now();
  const out = await new Deno.Command(argv[0]!, { args: argv.slice(1), stderr: "piped" }).output();
  const ms = performance.now() - started;
  if (!out.success) throw new Error(`${argv.join(" ")}: ${text.decode(out.stderr)}`);
  return { stdout: text.decode(out.stdout).trim(), ms };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = await Deno.makeTempDir({ prefix: "cordon-bench-deno-" });
try {
  await Deno.writeTextFile(`${dir}/data.txt`, "data\n");
  await Deno.writeTextFile(
    `${dir}/loop.ts`,
    `const t0 = performance.now();
for (let i = 0; i < ${CHECKS}; i++) Deno.statSync(${JSON.stringify(`${dir}/data.txt`)});
console.log(((performance.now() - t0) * 1000 / ${CHECKS}).toFixed(3));
`,
  );
  await Deno.writeTextFile(`${dir}/hello.ts`, `console.log("hello");\n`);
  const policy = `${dir}/p.yaml`;
  await Deno.writeTextFile(
    policy,
    `apiVersion: cordon/v1
kind: Policy
metadata:
  name: bench-deno
spec:
  extends: [builtin:baseline]
  filesystem:
    read: [/usr, /lib, /lib64, /etc, /proc, /dev, /sys/devices/system/cpu, /sys/fs/cgroup, ./]
  memory:
    writeExecute: allow
  deno:
    default: deny
    rules:
      - id: own-files
        permission: read
        values: [${dir}]
        action: allow
`,
  );
  const cordonDeno = (script: string) => [
    deno,
    "run",
    "-A",
    mod,
    "deno",
    "--policy",
    policy,
    "--quiet",
    "--deno",
    deno,
    "--",
    "run",
    script,
  ];
  const brokered: number[] = [];
  const plain: number[] = [];
  const startPlain: number[] = [];
  const startCordon: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    plain.push(Number((await run([deno, "run", `--allow-read=${dir}`, `${dir}/loop.ts`])).stdout));
    brokered.push(Number((await run(cordonDeno(`${dir}/loop.ts`))).stdout));
    startPlain.push((await run([deno, "run", `${dir}/hello.ts`])).ms);
    startCordon.push((await run(cordonDeno(`${dir}/hello.ts`))).ms);
    if (!JSON_OUT) console.error(`rep ${rep + 1}/${REPS}`);
  }
  const figures = {
    checkMicros: { broker: median(brokered), allowRead: median(plain) },
    addedMicrosPerCheck: median(brokered) - median(plain),
    startupMs: { denoRun: median(startPlain), cordonDeno: median(startCordon) },
    addedStartupMs: median(startCordon) - median(startPlain),
    root: Deno.uid() === 0,
  };
  if (JSON_OUT) console.log(JSON.stringify(figures));
  else {
    console.log(`medians of ${REPS}, ${CHECKS} checks per run`);
    console.log(
      `Deno.statSync: ${figures.checkMicros.broker.toFixed(1)} µs through the broker, ` +
        `${figures.checkMicros.allowRead.toFixed(1)} µs with --allow-read ` +
        `(+${figures.addedMicrosPerCheck.toFixed(1)} µs per check)`,
    );
    console.log(
      `start-up: deno run ${figures.startupMs.denoRun.toFixed(0)} ms, cordon deno ` +
        `${figures.startupMs.cordonDeno.toFixed(0)} ms (+${figures.addedStartupMs.toFixed(0)} ms` +
        `${figures.root ? ", kernel confinement included" : ", broker only: not root"})`,
    );
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
