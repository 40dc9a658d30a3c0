/**
 * Seed integration "With MetricsCollector": the engine's events and process activity feed
 * Cordon's Prometheus metrics (`engine/metrics.ts`), served on `/metrics` in the text
 * exposition format, as `cordon monitor|apply --metrics 127.0.0.1:9464` serves them. The
 * example runs on the simulation backend, scrapes its own endpoint and prints what it got.
 *
 * Run: `deno run -A examples/metrics_collector.ts`
 *
 * @module
 */

import { Engine } from "../engine/engine.ts";
import { EngineMetrics, MetricsServer } from "../engine/metrics.ts";

/** One scrape of the endpoint. */
export class Scrape {
  /** The exposition text. */
  readonly text: string;

  /** @param text The exposition text. */
  constructor(text: string) {
    this.text = text;
  }

  /** The value of one series, e.g. `cordon_syscalls_total{policy="",syscall="read"}` (0: none). */
  value(series: string): number {
    const line = this.text.split("\n").find((l) => l.startsWith(`${series} `));
    return line === undefined ? 0 : Number(line.slice(series.length + 1));
  }

  /** The sum of every series of the metric `name`. */
  sum(name: string): number {
    return this.text.split("\n")
      .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
  }
}

/** Runs the example and returns what was scraped. */
export async function main(log: (line: string) => void = console.log): Promise<Scrape> {
  await using engine = await Engine.open({ backend: "simulation" });
  const metrics = new EngineMetrics();

  // Every delivered event counts; syscall counts come from the monitored processes' activity.
  using _subscription = engine.subscribeSyscall((e) => metrics.observe(e));
  metrics.setActivitySource(function* () {
    for (const pid of engine.monitoredPids()) yield engine.processActivity(pid);
  });
  await using server = await MetricsServer.listen(
    { hostname: "127.0.0.1", port: 0 },
    () => metrics.render(),
  );

  const sim = engine.simulation;
  const worker = sim.simulateSpawn({ comm: "worker" });
  await engine.monitorProcess(worker.pid);
  for (let i = 0; i < 3; i++) sim.simulateSyscall(worker.pid, "read", [0n, 0n, 16n]);
  for (let i = 0; i < 2; i++) sim.simulateSyscall(worker.pid, "write", [1n, 0n, 16n]);
  sim.simulateSyscall(worker.pid, "close", [3n]);
  await engine.drained();

  const scrape = new Scrape(await (await fetch(server.url)).text());
  log(`# scraped ${server.url}`);
  log(scrape.text.trimEnd());
  return scrape;
}

if (import.meta.main) await main();
