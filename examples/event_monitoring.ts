/**
 * Seed feature 2, "Event Monitoring": subscribe to syscall events (the subscription is
 * disposable), then read the most recent events from the engine's bounded ring.
 *
 * Run: `deno run -A examples/event_monitoring.ts`
 *
 * @module
 */

import { Engine } from "../engine/engine.ts";
import type { EngineEvent } from "../engine/events.ts";

/** What the example found. */
export interface MonitoringResult {
  readonly syscallsSeen: readonly string[];
  readonly recent: readonly EngineEvent[];
}

/** Runs the example and returns what it found. */
export async function main(log: (line: string) => void = console.log): Promise<MonitoringResult> {
  await using ebpf = await Engine.open({ backend: "simulation" });
  const seen: string[] = [];

  // Monitor all syscalls.
  {
    using _subscription = ebpf.subscribeSyscall((e) => {
      log(`Syscall: pid=${e.pid}, nr=${e.nr} (${e.name ?? "?"})`);
      seen.push(e.name ?? `#${e.nr}`);
    });

    // In the simulation we inject what a traced program would do.
    const sim = ebpf.simulation;
    const cat = sim.simulateSpawn({ executable: "/usr/bin/cat", argv: ["cat", "/etc/hostname"] });
    sim.simulateSyscall(cat.pid, "openat", [0xffffff9cn, 0n, 0n], { ret: 3 });
    sim.simulateSyscall(cat.pid, "read", [3n, 0n, 4096n], { ret: 7 });
    sim.simulateSyscall(cat.pid, "write", [1n, 0n, 7n], { ret: 7 });
    sim.simulateExit(cat.pid, { exitCode: 0 });
    await ebpf.drained();
  } // the subscription ends here

  // Get recent events.
  const events = ebpf.recentEvents(100);
  for (const event of events) log(`Event: ${event.kind} pid=${event.pid}`);
  return { syscallsSeen: seen, recent: events };
}

if (import.meta.main) await main();
