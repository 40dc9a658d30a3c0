/**
 * Syscall-frequency baselines on the kernel: `cordon learn --profile` writes a run's profile, and
 * `cordon monitor --baseline` reports a syscall the profile never saw, exactly once, as an ANOMALY
 * line (and `--fail-on-anomaly` exits 1); the same run against a profile that has it reports
 * nothing.
 */

import { kernelTest } from "../_kernel.ts";
import { cordon } from "../_cli.ts";
import { compileC, gatedProgram, needEbpf, spawnGated } from "./_ebpf_helpers.ts";
import { fail } from "node:assert/strict";

const MOD = new URL("../../mod.ts", import.meta.url).pathname;

/** `cordon ARGS…` in the background; resolves once its stderr matches `ready`. */
async function startCli(args: readonly string[], ready: RegExp) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MOD, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = new Response(child.stdout).text();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let stderr = "";
  while (!ready.test(stderr)) {
    const { value, done } = await reader.read();
    if (done) fail(`cordon ${args.join(" ")} ended before ${ready}: ${stderr}`);
    stderr += value;
  }
  return {
    async finish() {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        stderr += value;
      }
      const status = await child.status;
      return { code: status.code, stdout: await stdout, stderr };
    },
  };
}

kernelTest("cordon learn --profile writes the run's syscall frequencies", needEbpf(), async () => {
  const dir = await Deno.makeTempDir({ prefix: "cordon-baseline-" });
  try {
    const run = await cordon([
      "learn",
      "-o",
      `${dir}/p.yaml`,
      "--profile",
      `${dir}/profile.json`,
      "--",
      "/bin/sh",
      "-c",
      "cat /etc/hostname >/dev/null",
    ]);
    if (run.code !== 0) fail(`learn: exit ${run.code}: ${run.stderr}`);
    const profile = JSON.parse(await Deno.readTextFile(`${dir}/profile.json`));
    if (profile.version !== 1 || profile.processes !== 2) fail(JSON.stringify(profile));
    if (!(profile.syscalls.openat?.count > 0) || !(profile.syscalls.exit_group?.count === 2)) {
      fail(`syscalls: ${JSON.stringify(profile.syscalls)}`);
    }
    if (profile.command?.[0] !== "/bin/sh") fail(`command: ${profile.command}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

kernelTest(
  "cordon monitor --baseline reports a syscall the baseline never saw, once",
  needEbpf(),
  async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-baseline-" });
    try {
      const exe = await compileC(gatedProgram(`
  for (int i = 0; i < 5; i++) syscall(SYS_getppid);
  mkdir(argv[1], 0700);
  mkdir(argv[1], 0700);`));
      const profile = (withMkdir: boolean) =>
        JSON.stringify({
          version: 1,
          seconds: 1,
          processes: 1,
          syscalls: {
            getppid: { count: 5, perSecond: 5 },
            exit_group: { count: 1, perSecond: 1 },
            ...(withMkdir ? { mkdir: { count: 2, perSecond: 2 } } : {}),
          },
        });
      for (const withMkdir of [false, true]) {
        await t.step(
          withMkdir ? "a baseline that has mkdir" : "a baseline without mkdir",
          async () => {
            await Deno.writeTextFile(`${dir}/profile.json`, profile(withMkdir));
            const c = spawnGated(exe, [`${dir}/made-${withMkdir}`]);
            const monitor = await startCli([
              "monitor",
              "--pid",
              String(c.pid),
              "--events",
              "none",
              "--baseline",
              `${dir}/profile.json`,
              "--fail-on-anomaly",
            ], new RegExp(`watching pid ${c.pid}`));
            await c.go();
            await c.child.output();
            const out = await monitor.finish();
            const anomalies = out.stdout.split("\n").filter((l) => l.startsWith("ANOMALY"));
            if (withMkdir) {
              if (anomalies.length !== 0 || out.code !== 0) {
                fail(`exit ${out.code}, anomalies: ${anomalies}\n${out.stderr}`);
              }
            } else {
              const want = `ANOMALY pid ${c.pid}`;
              if (
                anomalies.length !== 1 || !anomalies[0]!.startsWith(want) ||
                !anomalies[0]!.includes("mkdir never seen in the baseline")
              ) {
                fail(`anomalies: ${JSON.stringify(anomalies)}\n${out.stdout}\n${out.stderr}`);
              }
              if (out.code !== 1) fail(`--fail-on-anomaly: exit ${out.code}`);
            }
          },
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
