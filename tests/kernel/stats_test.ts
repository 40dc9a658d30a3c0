/**
 * Kernel tests of `cordon stats` (`cordonStats`): a monitor loaded by this test process is found
 * with its programs, its in-kernel syscall counter equals what its exit event reported, program
 * run counts follow a getppid loop while run statistics are on, and the CLI agrees with
 * `cordon programs` about the programs' ids.
 */

import { EbpfMonitor } from "../../backends/linux/ebpf_monitor.ts";
import { cordonStats, enableRunStats } from "../../backends/linux/bpf_stats.ts";
import { kernelTest, unavailable } from "../_kernel.ts";
import { cordon } from "../_cli.ts";
import { assert } from "../_probes.ts";
import { compileC, gatedProgram, needEbpf, spawnGated, waitForEvent } from "./_ebpf_helpers.ts";

const reason = unavailable(needEbpf());

function programIds(monitor: EbpfMonitor): number[] {
  return monitor.object.programs().map((p) => p.info().id).sort((a, b) => a - b);
}

kernelTest(
  "cordonStats finds this process's monitor, its programs' runs and its exact syscall counter",
  reason,
  async () => {
    using monitor = EbpfMonitor.open();
    const ids = programIds(monitor);
    const n = 20_000;
    const exe = await compileC(
      gatedProgram(`for (int i = 0; i < atoi(argv[1]); i++) syscall(SYS_getppid);`),
    );
    const c = spawnGated(exe, [String(n)]);
    assert(monitor.track(c.pid), "child vanished before it was tracked");
    let before, after;
    {
      using _runStats = enableRunStats();
      before = await cordonStats();
      await c.go();
      const exit = await waitForEvent(monitor, (e) => e.kind === "exit" && e.tgid === c.pid);
      await c.child.output();
      after = await cordonStats();
      assert(exit.kind === "exit", "unreachable");
      // Other test files run in this same process under --parallel, each with monitors of its
      // own: this test's monitor is the one whose programs are the ones it loaded.
      const mine = after.monitors.filter((m) =>
        JSON.stringify([...m.programIds].sort((a, b) => a - b)) === JSON.stringify(ids)
      );
      assert(mine.length === 1, `monitors with programs ${ids}: ${JSON.stringify(mine)}`);
      const stats = mine[0]!;
      assert(
        stats.owners.some((o) => o.pid === Deno.pid),
        `the monitor's owners ${JSON.stringify(stats.owners)} do not include this process`,
      );
      // Only the child was monitored: the kernel's counter is exactly its exit event's total.
      assert(
        BigInt(stats.syscalls) === exit.total,
        `stats counted ${stats.syscalls} syscalls, the exit event ${exit.total}`,
      );
      assert(stats.lost === 0 && stats.trackedProcesses === 0, JSON.stringify(stats));
    }
    const enterId = monitor.object.program("cordon_sys_enter").info().id;
    const runs = (s: typeof after) => s.programs.find((p) => p.id === enterId)?.runCount ?? -1;
    // sys_enter runs for every syscall of the system while attached: at least the child's n.
    assert(runs(after) - runs(before) >= n, `sys_enter ran ${runs(after) - runs(before)} times`);
    const enter = after.programs.find((p) => p.id === enterId)!;
    assert(enter.nsPerRun !== undefined && enter.nsPerRun > 0, `ns/run ${enter.nsPerRun}`);
    const sampled = await cordonStats({ sampleMs: 20 });
    assert(sampled.sampleMs === 20 && sampled.runStatsEnabled, JSON.stringify(sampled));
    assert(sampled.programs.every((p) => p.runCount >= 0), "negative sampled runs");
  },
);

kernelTest("cordon stats --format json agrees with cordon programs", reason, async () => {
  using monitor = EbpfMonitor.open();
  const ids = programIds(monitor);
  const stats = await cordon(["stats", "--format", "json"]);
  assert(stats.code === 0, `exit ${stats.code}: ${stats.stderr}`);
  const programs = await cordon(["programs", "--format", "json"]);
  assert(programs.code === 0, `exit ${programs.code}: ${programs.stderr}`);
  const fromStats = JSON.parse(stats.stdout) as {
    programs: { id: number; name: string }[];
    monitors: { owners: { pid: number }[]; programIds: number[] }[];
  };
  const fromPrograms = JSON.parse(programs.stdout) as { id: number; name: string }[];
  for (const id of ids) {
    const a = fromStats.programs.find((p) => p.id === id);
    const b = fromPrograms.find((p) => p.id === id);
    assert(a && b && a.name === b.name, `program ${id}: stats ${a?.name}, programs ${b?.name}`);
  }
  // Other test files' monitors may be listed too (--parallel): find this test's by its programs.
  const mine = fromStats.monitors.find((m) => ids.every((id) => m.programIds.includes(id)));
  assert(mine?.owners.some((o) => o.pid === Deno.pid), stats.stdout);
  const usage = await cordon(["stats", "--sample", "0"]);
  assert(usage.code === 2, `--sample 0 exit ${usage.code}`);
});
