/**
 * Kernel tests of `cordon run --monitor` (`RunMonitor` with `runConfined`, and the CLI): a C
 * child's syscalls are counted exactly, from its `execve` on (the Deno launcher's own calls left
 * out), side by side with `strace -f -c`; the files it opens appear with their paths; children
 * are followed; without eBPF the run is refused unless degradation is accepted; and `run`
 * labels as "NOT enforced" only what `runConfined` did not enforce.
 */

import { kernelTest, needCommands, unavailable } from "../_kernel.ts";
import { cordon } from "../_cli.ts";
import { assert, PROBES_REASON } from "../_probes.ts";
import { NO_BPF_WRAPPER, processTreeFixture } from "./_ebpf_helpers.ts";
import { runConfined } from "../../backends/linux/run.ts";
import { RunMonitor } from "../../backends/linux/run_monitor.ts";
import { loadPolicies } from "../../compile/load_policies.ts";
import type { FilterSet } from "../../compile/filter_set.ts";

/** Allows everything but mkdir: seccomp only (no filesystem, network or limits sections). */
const POLICY = `apiVersion: cordon/v1
kind: Policy
metadata:
  name: allow-most
spec:
  defaultAction: allow
  rules:
    - id: no-mkdir
      syscalls: [mkdir, mkdirat]
      action: deny
`;

async function policySet(dir: string): Promise<FilterSet> {
  const file = `${dir}/policy.yaml`;
  await Deno.writeTextFile(file, POLICY);
  return (await loadPolicies([file], {})).filters;
}

kernelTest(
  "run --monitor counts exactly N getppid calls of the command and its child, with the opened paths",
  PROBES_REASON,
  async () => {
    const { dir, exe, target } = await processTreeFixture("cordon-run-monitor-");
    try {
      const set = await policySet(dir);
      const n = 4321, m = 123;
      using monitor = RunMonitor.open();
      const result = await runConfined({
        set,
        command: [exe, String(n), String(m), target],
        beforeStart: (pid) => monitor.attach(pid),
        stdout: "piped",
        stderr: "piped",
      });
      assert(result.code === 7, `exit code ${result.code}`);
      const report = monitor.report();
      assert(report.execSeen, "the command's execve was not seen");
      assert(report.lost === 0, `${report.lost} events lost`);
      assert(
        report.bySyscall.get("getppid") === n + m,
        `getppid ${report.bySyscall.get("getppid")}, expected ${n + m}`,
      );
      const [root, child, ...others] = report.processes;
      assert(root && child && others.length === 0, `processes ${JSON.stringify(report.processes)}`);
      assert(root.pid === result.pid && root.exitCode === 7, `root ${JSON.stringify(root)}`);
      assert(root.bySyscall.get("getppid") === n, `root getppid ${root.bySyscall.get("getppid")}`);
      assert(
        child.ppid === root.pid && child.bySyscall.get("getppid") === m && child.exitCode === 0,
        `child ${JSON.stringify({ ...child, bySyscall: Object.fromEntries(child.bySyscall) })}`,
      );
      // The launcher's calls are left out: its execve (counted before the reset) is not there.
      assert(!root.bySyscall.has("execve"), "the launcher's execve was counted");
      const opened = report.files.find((f) => f.path === target);
      assert(opened && opened.op === "open" && opened.failed === 0, `no open of ${target}`);
      const missing = report.files.find((f) => f.path === `${target}.missing`);
      assert(
        missing && missing.failed === 1 && missing.error === "ENOENT" && missing.pid === child.pid,
        `missing ${JSON.stringify(missing)}`,
      );
      // Nothing the launcher opened before execve (Deno's own files) is reported.
      assert(!report.files.some((f) => f.path.includes("_launcher")), "launcher files reported");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "run --monitor counts the same calls as strace -f -c (strace's execve aside)",
  unavailable(PROBES_REASON, needCommands("strace")),
  async () => {
    const { dir, exe, target } = await processTreeFixture("cordon-run-monitor-");
    try {
      const set = await policySet(dir);
      const args = ["2000", "50", target];
      using monitor = RunMonitor.open();
      await runConfined({
        set,
        command: [exe, ...args],
        beforeStart: (pid) => monitor.attach(pid),
        stdout: "piped", // as under strace below: the same calls to set up its output
      });
      const ours = monitor.report().bySyscall;
      const out = await new Deno.Command("strace", {
        args: ["-f", "-c", "-o", `${dir}/strace.txt`, exe, ...args],
      }).output();
      assert(out.code === 7, `strace run exited ${out.code}`);
      const theirs = new Map<string, number>();
      for (const line of (await Deno.readTextFile(`${dir}/strace.txt`)).split("\n")) {
        // % time, seconds, usecs/call, calls, [errors,] syscall
        const fields = line.trim().split(/\s+/);
        const name = fields.at(-1)!;
        if (!/^\d/.test(fields[0] ?? "") || name === "total") continue;
        theirs.set(name, Number(fields[3]));
      }
      theirs.delete("execve"); // counted at entry, before our counts restart
      // strace -c counts a call when it returns: exit_group never does. We count at entry.
      assert(ours.get("exit_group") === 2, `exit_group ${ours.get("exit_group")}`);
      const mine = new Map([...ours].filter(([name]) => name !== "exit_group"));
      const a = JSON.stringify([...mine].sort());
      const b = JSON.stringify([...theirs].sort());
      assert(a === b, `cordon ${a}\nstrace ${b}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "cordon run --monitor --format json reports the getppid count and the opened path",
  PROBES_REASON,
  async () => {
    const { dir, exe, target } = await processTreeFixture("cordon-run-monitor-");
    try {
      await Deno.writeTextFile(`${dir}/policy.yaml`, POLICY);
      const n = 777;
      const { code, stderr } = await cordon([
        "run",
        "-p",
        `${dir}/policy.yaml`,
        "--monitor",
        "--format",
        "json",
        "--",
        exe,
        String(n),
        "0",
        target,
      ]);
      assert(code === 7, `exit ${code}: ${stderr}`);
      const lines = stderr.trim().split("\n").map((l) => JSON.parse(l));
      const report = lines.find((l) => l.event === "monitor");
      assert(report, `no monitor report in ${stderr}`);
      assert(report.bySyscall.getppid === n, `getppid ${report.bySyscall.getppid}`);
      assert(
        report.files.some((f: { path: string }) => f.path === target),
        `${target} not in ${JSON.stringify(report.files)}`,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "cordon run --monitor without eBPF refuses, and runs unmonitored only with --allow-degraded",
  unavailable(PROBES_REASON, needCommands("setpriv")),
  async () => {
    const { dir, exe, target } = await processTreeFixture("cordon-run-monitor-");
    try {
      await Deno.writeTextFile(`${dir}/policy.yaml`, POLICY);
      const base = ["run", "-p", `${dir}/policy.yaml`, "--monitor"];
      const command = ["--", exe, "1", "0", target];
      const refused = await cordon([...base, ...command], { wrapper: NO_BPF_WRAPPER });
      assert(refused.code === 125, `exit ${refused.code}: ${refused.stderr}`);
      assert(
        /refusing to run .*--monitor needs eBPF monitoring/.test(refused.stderr),
        refused.stderr,
      );
      const degraded = await cordon([...base, "--allow-degraded", ...command], {
        wrapper: NO_BPF_WRAPPER,
      });
      assert(degraded.code === 7, `exit ${degraded.code}: ${degraded.stderr}`);
      assert(/the command is NOT monitored/.test(degraded.stderr), degraded.stderr);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "cordon run --allow-degraded labels NOT enforced only the sections runConfined did not enforce",
  PROBES_REASON,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-run-degraded-" });
    try {
      // filesystem (Landlock: enforced here) and a rate limit whose action eBPF cannot apply
      // (deny: the calls have run when the monitor counts them; log and kill are enforced).
      await Deno.writeTextFile(
        `${dir}/policy.yaml`,
        `${POLICY}  filesystem:\n    execute: [/usr, /bin, /lib, /lib64]\n    read: [/]\n` +
          `  limits:\n    syscallsPerSecond: { max: 100000, action: deny }\n`,
      );
      const { code, stderr } = await cordon([
        "run",
        "-p",
        `${dir}/policy.yaml`,
        "--allow-degraded",
        "--",
        "/bin/true",
      ]);
      assert(code === 0, `exit ${code}: ${stderr}`);
      assert(/the limits rules of policy "allow-most" are NOT enforced/.test(stderr), stderr);
      assert(!/filesystem rules .* NOT enforced/.test(stderr), `filesystem mislabelled: ${stderr}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "cordon run --monitor --explain --report out.html draws the tree's syscalls, files and denials",
  PROBES_REASON,
  async () => {
    const { dir, exe, target } = await processTreeFixture("cordon-run-monitor-");
    try {
      await Deno.writeTextFile(`${dir}/policy.yaml`, POLICY);
      const html = `${dir}/report.html`;
      const n = 321;
      const { code, stderr } = await cordon([
        "run",
        "-p",
        `${dir}/policy.yaml`,
        "--monitor",
        "--explain",
        "--report",
        html,
        "--",
        "/bin/sh",
        "-c",
        `${exe} ${n} 0 ${target}; mkdir ${dir}/made || exit 3`,
      ]);
      assert(code === 3, `exit ${code} (the denied mkdir exits 3): ${stderr}`);
      assert(stderr.includes(`report written to ${html}`), stderr);
      const page = await Deno.readTextFile(html);
      // The fixture's process, its getppid bar with the exact count, and the file it opened.
      assert(
        page.includes(`data-label="getppid" data-count="${n}"`),
        `no getppid bar of ${n} calls in the report`,
      );
      assert(page.includes(`data-label="open ${target}"`), `no open of ${target} in the report`);
      assert(page.includes("<polyline"), "no syscalls-over-time chart");
      // The denial, with the rule and its FILE:LINE:COL (line 8, column 7 of POLICY).
      assert(
        page.includes(`allow-most: no-mkdir at ${dir}/policy.yaml:8:7`),
        `no denial of mkdir by no-mkdir in the report: ${
          page.match(/<table id="denials".*?<\/table>/s)?.[0]
        }`,
      );
      assert(!/No denial recorded/.test(page), "the report says no denial");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest("cordon run --report x.html without --monitor is a usage error", null, async () => {
  const { code, stderr } = await cordon([
    "run",
    "-p",
    "builtin:baseline",
    "--report",
    "/nonexistent-dir/x.html",
    "--",
    "/bin/true",
  ]);
  assert(code === 125, `exit ${code}: ${stderr}`);
  assert(
    /--report \/nonexistent-dir\/x.html \(an HTML report\) needs --monitor/.test(stderr),
    stderr,
  );
});
