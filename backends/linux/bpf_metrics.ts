/**
 * Prometheus families of the BPF programs and monitors this process loaded, from
 * {@linkcode cordonStats}: each program's run count and run time (what the kernel counts while
 * `kernel.bpf_stats_enabled` is on), and the in-kernel counters of the loaded monitors (syscalls
 * counted, events submitted and lost, kills, processes left untracked, calls over a rate limit).
 * Programs are labelled by name (Cordon's are a fixed set), never by id or pid.
 *
 * Requires root, `allow-ffi` and `allow-read=/proc,/sys`.
 *
 * @module
 */

import type { MetricFamily, MetricsCollector } from "../../engine/metrics.ts";
import { type CordonStats, cordonStats } from "./bpf_stats.ts";

/**
 * The families of a {@linkcode CordonStats} report, limited to what the process `pid` holds.
 *
 * @param stats The report.
 * @param pid The owner whose programs and monitors count (default this process).
 * @param counting Whether the caller holds run statistics on (`enableRunStats`), which
 *   `kernel.bpf_stats_enabled` does not show.
 * @returns The families.
 *
 * @example
 * ```ts
 * import { bpfStatsFamilies } from "./bpf_metrics.ts";
 * const families = bpfStatsFamilies({
 *   runStatsEnabled: true, maps: [], monitors: [],
 *   programs: [{ id: 9, name: "cordon_sys_enter", type: "tracing", mapIds: [], runCount: 4,
 *     runTimeNs: 2_000, owners: [{ pid: 42, comm: "deno" }] }],
 * }, 42);
 * const time = families.find((f) => f.name === "cordon_bpf_program_run_seconds_total");
 * if (time?.samples[0]?.value !== 2e-6) throw new Error(JSON.stringify(time));
 * ```
 */
export function bpfStatsFamilies(
  stats: CordonStats,
  pid: number = Deno.pid,
  counting = false,
): MetricFamily[] {
  const mine = <T extends { owners: readonly { pid: number }[] }>(list: readonly T[]) =>
    list.filter((x) => x.owners.some((o) => o.pid === pid));
  const programs = new Map<string, { runs: number; ns: number }>();
  for (const p of mine(stats.programs)) {
    const sum = programs.get(p.name) ?? { runs: 0, ns: 0 };
    sum.runs += p.runCount;
    sum.ns += p.runTimeNs;
    programs.set(p.name, sum);
  }
  const monitors = mine(stats.monitors);
  const total = (key: "syscalls" | "events" | "lost" | "kills" | "procsFull" | "rateLimited") =>
    monitors.reduce((n, m) => n + m[key], 0);
  const counter = (name: string, help: string, value: number): MetricFamily => ({
    name,
    help,
    type: "counter",
    samples: [{ value }],
  });
  return [
    {
      name: "cordon_bpf_program_runs_total",
      help: "Runs of this process's BPF programs, by program (counted while run " +
        "statistics are on).",
      type: "counter",
      samples: [...programs].map(([program, s]) => ({ labels: { program }, value: s.runs })),
    },
    {
      name: "cordon_bpf_program_run_seconds_total",
      help: "Time this process's BPF programs ran, by program (counted while run " +
        "statistics are on).",
      type: "counter",
      samples: [...programs].map(([program, s]) => ({ labels: { program }, value: s.ns / 1e9 })),
    },
    {
      name: "cordon_bpf_run_stats_enabled",
      help: "1 when the kernel counts BPF program runs and their time, else 0.",
      type: "gauge",
      samples: [{ value: stats.runStatsEnabled || counting ? 1 : 0 }],
    },
    counter(
      "cordon_kernel_syscalls_total",
      "Syscalls of monitored processes counted in the kernel.",
      total("syscalls"),
    ),
    counter(
      "cordon_kernel_events_total",
      "Events the kernel programs submitted to the ring buffer.",
      total("events"),
    ),
    counter(
      "cordon_kernel_events_lost_total",
      "Events the kernel programs could not submit (ring buffer full).",
      total("lost"),
    ),
    counter(
      "cordon_kernel_kills_total",
      "SIGKILLs sent by the kernel programs' kill actions.",
      total("kills"),
    ),
    counter(
      "cordon_kernel_procs_full_total",
      "Processes not tracked because the process table was full.",
      total("procsFull"),
    ),
    counter(
      "cordon_kernel_rate_limited_total",
      "Calls over a policy's rate limit.",
      total("rateLimited"),
    ),
    {
      name: "cordon_kernel_tracked_processes",
      help: "Processes the kernel programs track now.",
      type: "gauge",
      samples: [{ value: monitors.reduce((n, m) => n + m.trackedProcesses, 0) }],
    },
  ];
}

/**
 * A collector for `EngineMetrics.addCollector`: reads {@linkcode cordonStats} at each scrape
 * (cumulative figures).
 *
 * @param counting Whether the caller holds run statistics on (`enableRunStats`).
 * @returns The collector.
 *
 * @example
 * ```ts ignore
 * import { EngineMetrics } from "@cordon/cordon";
 * const metrics = new EngineMetrics();
 * metrics.addCollector(bpfStatsCollector());
 * ```
 */
export function bpfStatsCollector(counting = false): MetricsCollector {
  return async () => bpfStatsFamilies(await cordonStats(), Deno.pid, counting);
}
