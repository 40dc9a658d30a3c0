/**
 * `cordon stats`: the numbers of Cordon's BPF programs loaded now (by `monitor`, `apply` or
 * `run --monitor`): program run counts and run time, map entries, and each loaded monitor's
 * in-kernel counters (syscalls counted, events, events lost, kills). `cordon programs` lists the
 * same programs; this is their numbers view.
 *
 * @module
 */

import { type Command, EXIT, UsageError } from "./command.ts";
import { choice, parseArgs } from "./parse_args.ts";
import { type CordonStats, cordonStats } from "../backends/linux/bpf_stats.ts";
import { NotSupportedError } from "../backends/linux/errors.ts";
import { KernelError } from "../backends/linux/errors.ts";

const OPTIONS = {
  format: { type: "string" },
  sample: { type: "string" },
  all: { type: "boolean" },
} as const;

const HELP = [
  "cordon stats: figures of Cordon's BPF programs and maps loaded in the kernel now",
  "",
  "Usage: cordon stats [--sample S] [--all] [--format text|json]",
  "",
  "For every cordon_* program (the ones `cordon programs` lists): how often it ran and for how",
  "long (the kernel counts this only while kernel.bpf_stats_enabled is on; --sample switches",
  "it on for the sample). For every map: entries in use (hash maps) and capacity. For every",
  "loaded monitor (one per cordon monitor/apply/run --monitor process): the processes it",
  "tracks and its in-kernel counters: syscalls counted, events submitted to its ring buffer,",
  "events lost because the ring buffer was full, kills, processes not tracked (table full),",
  "calls over a rate limit.",
  "",
  "Options:",
  "  --sample S   measure for S seconds with run statistics on and show what happened during",
  "               them (rates), instead of totals since load",
  "  --all        every BPF program of the system, not only Cordon's",
  "  --format F   text (default) or json (one object)",
  "",
  "Needs root. Exit codes: 0 figures printed (also when nothing is loaded), 1 the kernel or",
  "libbpf could not give them, 2 usage error.",
  "",
  "Examples:",
  "  sudo deno task cordon stats",
  "  sudo deno task cordon stats --sample 5 --format json",
].join("\n");

function seconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) {
    throw new UsageError(`--sample takes seconds between 0 and 3600, not "${text}"`);
  }
  return n;
}

function owners(list: readonly { pid: number; comm: string }[]): string {
  return list.length ? list.map((o) => `${o.pid} ${o.comm}`).join(", ") : "-";
}

function formatText(stats: CordonStats): string[] {
  const lines: string[] = [];
  if (stats.programs.length === 0) return ["no Cordon BPF programs are loaded"];
  const perSecond = (n: number) =>
    stats.sampleMs ? ` (${Math.round(n / (stats.sampleMs / 1000))}/s)` : "";
  lines.push(
    stats.sampleMs
      ? `programs (during a ${stats.sampleMs / 1000} s sample):`
      : `programs (totals since load${
        stats.runStatsEnabled
          ? ""
          : "; runs are counted only while kernel.bpf_stats_enabled is on: try --sample S"
      }):`,
  );
  for (const p of stats.programs) {
    const cpu = stats.sampleMs ? `, ${(p.runTimeNs / (stats.sampleMs * 1e4)).toFixed(2)}% CPU` : "";
    lines.push(
      `  ${String(p.id).padStart(6)} ${p.name.padEnd(16)} ${p.type.padEnd(16)} ` +
        `${p.runCount} runs${perSecond(p.runCount)}` +
        `${p.nsPerRun === undefined ? "" : `, ${p.nsPerRun} ns/run`}${cpu}; held by ${
          owners(p.owners)
        }`,
    );
  }
  lines.push("maps:");
  for (const m of stats.maps) {
    const used = m.entries === undefined ? "" : `${m.entries}/`;
    const unit = m.type === "ringbuf" ? " bytes" : " entries";
    lines.push(
      `  ${String(m.id).padStart(6)} ${m.name.padEnd(16)} ${
        m.type.padEnd(13)
      } ${used}${m.maxEntries}${unit}`,
    );
  }
  for (const s of stats.monitors) {
    lines.push(
      `monitor (stats map ${s.statsMapId}, held by ${owners(s.owners)}): ` +
        `${s.trackedProcesses} processes tracked; ${s.syscalls} syscalls${
          perSecond(s.syscalls)
        }, ` +
        `${s.events} events${perSecond(s.events)}, ${s.lost} lost, ${s.kills} kills, ` +
        `${s.procsFull} not tracked (table full), ${s.rateLimited} over a rate limit`,
    );
  }
  return lines;
}

/**
 * The `stats` command.
 *
 * @example
 * ```ts
 * import { statsCommand } from "./cmd_stats.ts";
 * if (statsCommand.name !== "stats" || !statsCommand.help.includes("--sample")) throw new Error();
 * ```
 */
export const statsCommand: Command = {
  name: "stats",
  summary: "figures of Cordon's loaded BPF programs: runs, run time, map entries, lost events",
  help: HELP,
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs(argv, OPTIONS);
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const format = choice(values, "format", ["text", "json"], "text");
    const sample = seconds(values.sample as string | undefined);
    let stats: CordonStats;
    try {
      stats = await cordonStats({
        ...(sample === undefined ? {} : { sampleMs: sample * 1000 }),
        prefix: values.all ? "" : "cordon_",
      });
    } catch (error) {
      if (error instanceof NotSupportedError || error instanceof KernelError) {
        console.error(`cordon stats: ${error.message}`);
        return EXIT.failed;
      }
      throw error;
    }
    if (format === "json") console.log(JSON.stringify(stats));
    else for (const line of formatText(stats)) console.log(line);
    return EXIT.ok;
  },
};
