/**
 * Seed integration "With Process Manager": monitor each process when it starts, and log its
 * syscall count and stop monitoring when it exits. The hooks are driven by the engine's own
 * process events.
 *
 * Run: `deno run -A examples/process_manager.ts`
 *
 * @module
 */

import { Engine } from "../engine/engine.ts";

/** A minimal process manager with spawn and exit hooks. */
export class ProcessManager {
  readonly #onSpawn: ((pid: number) => Promise<void> | void)[] = [];
  readonly #onExit: ((pid: number) => Promise<void> | void)[] = [];

  /** Registers a hook run when a process starts. */
  onSpawn(hook: (pid: number) => Promise<void> | void): void {
    this.#onSpawn.push(hook);
  }

  /** Registers a hook run when a process exits. */
  onExit(hook: (pid: number) => Promise<void> | void): void {
    this.#onExit.push(hook);
  }

  /** Runs the spawn hooks. */
  async spawned(pid: number): Promise<void> {
    for (const hook of this.#onSpawn) await hook(pid);
  }

  /** Runs the exit hooks. */
  async exited(pid: number): Promise<void> {
    for (const hook of this.#onExit) await hook(pid);
  }
}

/** Runs the example and returns the syscall counts logged at exit, by pid. */
export async function main(
  log: (line: string) => void = console.log,
): Promise<Map<number, number>> {
  await using ebpf = await Engine.open({ backend: "simulation" });
  const processManager = new ProcessManager();
  const counts = new Map<number, number>();

  // When a process starts: monitor it.
  processManager.onSpawn(async (pid) => {
    await ebpf.monitorProcess(pid);
  });
  // When a process exits: log its syscall count and stop monitoring.
  processManager.onExit(async (pid) => {
    const count = ebpf.syscallCount(pid);
    log(`Process ${pid} made ${count} syscalls`);
    counts.set(pid, count);
    await ebpf.unmonitorProcess(pid);
  });

  // Drive the process manager from the engine's process events (fork and exit).
  const sim = ebpf.simulation;
  const a = sim.simulateSpawn({ comm: "job-a" });
  const b = sim.simulateSpawn({ comm: "job-b" });
  await processManager.spawned(a.pid);
  await processManager.spawned(b.pid);
  using _exits = ebpf.subscribeProcess(async (e) => {
    if (e.op === "exit") await processManager.exited(e.pid);
  });
  for (let i = 0; i < 4; i++) sim.simulateSyscall(a.pid, "getpid");
  for (let i = 0; i < 7; i++) sim.simulateSyscall(b.pid, "getppid");
  sim.simulateExit(a.pid, { exitCode: 0 });
  sim.simulateExit(b.pid, { exitCode: 1 });
  await ebpf.drained();
  log(`still monitored: [${ebpf.monitoredPids().join(", ")}]`);
  return counts;
}

if (import.meta.main) await main();
