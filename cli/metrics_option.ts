/**
 * The `--metrics HOST:PORT` option of `cordon monitor` and `cordon apply`: a Prometheus
 * `/metrics` endpoint ({@linkcode EngineMetrics}, `engine/metrics.ts`) fed by the command's
 * backend, with the eBPF backend's program and kernel counters (`backends/linux/bpf_metrics.ts`).
 *
 * @module
 */

import {
  EngineMetrics,
  MetricsError,
  MetricsServer,
  parseListenAddress,
} from "../engine/metrics.ts";
import type { FilterSet } from "../compile/filter_set.ts";
import type { ProcessActivity } from "../engine/backend.ts";
import { EbpfBackend } from "../backends/linux/ebpf_backend.ts";
import { bpfStatsCollector } from "../backends/linux/bpf_metrics.ts";
import { enableRunStats } from "../backends/linux/bpf_stats.ts";
import { NotSupportedError } from "../engine/errors.ts";
import { UsageError } from "./command.ts";
import type { MonitorBackend } from "./monitor_backend.ts";

/**
 * The `--help` lines of the option, its description starting at `column`.
 *
 * @example
 * ```ts
 * import { metricsHelp } from "./metrics_option.ts";
 * if (!metricsHelp(17)[0]!.startsWith("  --metrics HOST:PORT")) throw new Error();
 * ```
 */
export function metricsHelp(column: number): string[] {
  const pad = " ".repeat(column);
  return [
    "  --metrics HOST:PORT",
    `${pad}serve Prometheus metrics on http://HOST:PORT/metrics (e.g. 127.0.0.1:9464):`,
    `${pad}syscalls by name and policy, decisions by action and rule, events delivered`,
    `${pad}and lost, kills, network denials, BPF run time; no pid label (docs/metrics.md)`,
  ];
}

/** A running endpoint. */
export interface ServedMetrics extends AsyncDisposable {
  /** The counters: feed them the command's events. */
  readonly metrics: EngineMetrics;
  /** The URL scraped. */
  readonly url: string;
}

/**
 * Starts the endpoint when `--metrics` was given.
 *
 * @param address The option's value, or `undefined` when not given.
 * @param backend The command's backend (its processes' activity, its BPF programs).
 * @param set The applied policies, whose targets label processes.
 * @returns The endpoint, or `undefined` without the option.
 * @throws {UsageError} For an address that is not `HOST:PORT`.
 * @throws {MetricsError} With code `"listen-failed"` when it cannot be bound.
 *
 * @example
 * ```ts ignore
 * await using served = await serveMetrics("127.0.0.1:9464", backend);
 * ```
 */
export async function serveMetrics(
  address: string | undefined,
  backend: MonitorBackend,
  set?: FilterSet,
): Promise<ServedMetrics | undefined> {
  if (address === undefined) return undefined;
  let where;
  try {
    where = parseListenAddress(address);
  } catch (error) {
    if (error instanceof MetricsError) throw new UsageError(`--metrics: ${error.message}`);
    throw error;
  }
  const metrics = new EngineMetrics();
  const activity = function* (): Iterable<ProcessActivity> {
    for (const pid of backend.monitoredPids()) {
      const a = backend.activity(pid);
      if (a !== undefined) yield a;
    }
  };
  metrics.setActivitySource(activity, set);
  // the kernel measures program run time only while asked to (a few ns per run)
  let runStats: Disposable | undefined;
  if (backend instanceof EbpfBackend) {
    try {
      runStats = enableRunStats();
    } catch (error) {
      if (!(error instanceof NotSupportedError)) throw error;
    }
    metrics.addCollector(bpfStatsCollector(runStats !== undefined));
  }
  let server: MetricsServer;
  try {
    server = await MetricsServer.listen(where, () => metrics.render());
  } catch (error) {
    runStats?.[Symbol.dispose]();
    throw error;
  }
  return {
    metrics,
    url: server.url,
    async [Symbol.asyncDispose]() {
      await server.close();
      runStats?.[Symbol.dispose]();
    },
  };
}
