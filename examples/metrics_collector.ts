/**
 * Seed integration "With MetricsCollector": syscall events feed counters
 * (`syscalls_total` and one per syscall name).
 *
 * Run: `deno run -A examples/metrics_collector.ts`
 *
 * @module
 */

import { Engine } from "../engine/engine.ts";

/** A minimal metrics collector: named counters. */
export class MetricsCollector {
  readonly #counters = new Map<string, number>();

  /** Adds `value` to the counter `name`. */
  incCounter(name: string, value: number): void {
    this.#counters.set(name, (this.#counters.get(name) ?? 0) + value);
  }

  /** The counter's value (0 if never incremented). */
  counter(name: string): number {
    return this.#counters.get(name) ?? 0;
  }

  /** Every counter, sorted by name, in Prometheus text format. */
  exposition(): string {
    return [...this.#counters].sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => `${name} ${value}`).join("\n");
  }
}

/** Runs the example and returns the collector. */
export async function main(log: (line: string) => void = console.log): Promise<MetricsCollector> {
  await using ebpf = await Engine.open({ backend: "simulation" });
  const metrics = new MetricsCollector();

  // Subscribe to syscall events.
  using _subscription = ebpf.subscribeSyscall((e) => {
    metrics.incCounter("syscalls_total", 1);
    metrics.incCounter(`syscall_${e.name ?? ""}`, 1);
  });

  const sim = ebpf.simulation;
  const worker = sim.simulateSpawn({ comm: "worker" });
  for (let i = 0; i < 3; i++) sim.simulateSyscall(worker.pid, "read", [0n, 0n, 16n]);
  for (let i = 0; i < 2; i++) sim.simulateSyscall(worker.pid, "write", [1n, 0n, 16n]);
  sim.simulateSyscall(worker.pid, "close", [3n]);
  await ebpf.drained();
  log(metrics.exposition());
  return metrics;
}

if (import.meta.main) await main();
