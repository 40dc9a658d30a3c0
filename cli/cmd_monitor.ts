/**
 * `cordon monitor`: live events and per-process summaries from the eBPF backend, for chosen
 * processes (`--pid`, `--comm`, with their children) or the whole system.
 *
 * @module
 */

import { fileErrorText } from "../policies/errors.ts";
import { type Command, EXIT, UsageError } from "./command.ts";
import { choice, parseArgs } from "./parse_args.ts";
import { activityJson, formatActivity, formatEvent } from "./format_events.ts";
import {
  BaselineError,
  BaselineWatcher,
  formatAnomaly,
  parseSyscallProfile,
} from "../engine/syscall_baseline.ts";
import { createMonitorBackend, finish, MONITOR_BACKENDS, started } from "./monitor_backend.ts";
import { type EngineEvent, type EventKind, eventToJsonLine } from "../engine/events.ts";
import type { ProcessActivity } from "../engine/backend.ts";
import { metricsHelp, serveMetrics } from "./metrics_option.ts";
import { ActivityRecorder } from "./activity_report.ts";

const OPTIONS = {
  pid: { type: "string", multiple: true },
  comm: { type: "string", multiple: true },
  events: { type: "string" },
  format: { type: "string" },
  duration: { type: "string" },
  backend: { type: "string" },
  metrics: { type: "string" },
  baseline: { type: "string" },
  "baseline-factor": { type: "string" },
  "fail-on-anomaly": { type: "boolean" },
  report: { type: "string" },
} as const;

const KINDS: readonly EventKind[] = ["syscall", "file", "network", "process"];

const HELP = [
  "cordon monitor: live events and per-process syscall summaries, from eBPF",
  "",
  "Usage: cordon monitor [--pid N]... [--comm C]... [--events LIST] [--duration S]",
  "                      [--backend auto|linux|bpftrace|dtrace] [--metrics HOST:PORT]",
  "                      [--baseline PROFILE [--baseline-factor N] [--fail-on-anomaly]]",
  "                      [--format text|json] [--report FILE]",
  "",
  "Without --pid or --comm every process is monitored (except cordon itself). Children of",
  "monitored processes are monitored from their fork on. Each process's syscall counts are",
  "printed when it exits, and for those still running when monitoring stops.",
  "",
  "Options:",
  "  --pid N        monitor process N and its future children (repeatable); monitoring",
  "                 stops when all of them have exited",
  "  --comm C       monitor processes named C, running now or started later (repeatable)",
  "  --events LIST  event kinds to stream: syscall, file, network, process, all or none",
  "                 (default file,network,process; syscall streams every call: costly)",
  "  --duration S   stop after S seconds (default: until SIGINT/SIGTERM)",
  "  --backend B    linux (eBPF), bpftrace or dtrace (a generated tracing script,",
  "                 docs/tracing.md), or auto (default: eBPF where it loads, else the",
  "                 OS's tracer)",
  ...metricsHelp(17),
  "  --baseline P   compare each process with a syscall-frequency baseline (cordon learn",
  "                 --profile P): a syscall the baseline never saw, or one called more than",
  "                 N times its baseline rate (and over 100/s, over at least a second), is",
  '                 reported as an ANOMALY line ({"kind":"anomaly"} with --format json)',
  "  --baseline-factor N  the rate factor (default 10)",
  "  --fail-on-anomaly    exit 1 when an anomaly was reported",
  '  --format F     text (default) or json (JSON Lines: events, then {"kind":"summary"} lines,',
  '                 then {"kind":"stats"})',
  "  --report FILE  when monitoring stops, write an HTML report (one self-contained file, inline",
  "                 SVG): syscalls by name and over time per process, file and network",
  "                 activity, denials",
  "",
  "Needs root. Events the ring buffer could not hold are counted and reported, never hidden.",
  "",
  "Examples:",
  "  sudo deno task cordon monitor --pid 1234",
  "  sudo deno task cordon monitor --comm curl --events file,network --format json",
  "  sudo deno task cordon monitor --events process --duration 10",
  "  sudo deno task cordon monitor --metrics 127.0.0.1:9464",
].join("\n");

function parseKinds(text: string | undefined): Set<EventKind> {
  if (text === undefined) return new Set(["file", "network", "process"]);
  if (text === "all") return new Set(KINDS);
  if (text === "none") return new Set();
  const kinds = new Set<EventKind>();
  for (const k of text.split(",").map((s) => s.trim()).filter((s) => s)) {
    if (!(KINDS as readonly string[]).includes(k)) {
      throw new UsageError(`--events takes ${KINDS.join(", ")}, all or none, not "${k}"`);
    }
    kinds.add(k as EventKind);
  }
  return kinds;
}

/** `--baseline`: the watcher, and a check that prints what deviates in an activity. */
async function loadBaseline(
  values: Record<string, unknown>,
  format: "text" | "json",
  out: (line: string) => void,
): Promise<{ watcher: BaselineWatcher; check(a: ProcessActivity): void } | undefined> {
  const file = values.baseline as string | undefined;
  if (file === undefined) {
    if (values["baseline-factor"] !== undefined || values["fail-on-anomaly"] === true) {
      throw new UsageError("--baseline-factor and --fail-on-anomaly need --baseline");
    }
    return undefined;
  }
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    throw new UsageError(`cannot read the baseline "${file}": ${fileErrorText(error)}`);
  }
  let profile;
  try {
    profile = parseSyscallProfile(text, file);
  } catch (error) {
    if (error instanceof BaselineError) throw new UsageError(error.message);
    throw error;
  }
  const factor = positiveNumber(values["baseline-factor"] as string | undefined, "baseline-factor");
  const watcher = new BaselineWatcher(profile, factor === undefined ? {} : { factor });
  return {
    watcher,
    check(a: ProcessActivity) {
      const found = watcher.observe(a.pid, a.comm, a.bySyscall, performance.now());
      for (const anomaly of found) {
        out(format === "json" ? JSON.stringify(anomaly) : formatAnomaly(anomaly));
      }
    },
  };
}

function positiveNumber(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--${name} takes a positive number, not "${text}"`);
  }
  return n;
}

/**
 * Waits for SIGINT/SIGTERM, `durationMs`, or `done` — whichever comes first.
 *
 * @example
 * ```ts ignore
 * await untilStopped(1000, new Promise(() => {}));
 * ```
 */
export async function untilStopped(
  durationMs: number | undefined,
  done: Promise<void>,
): Promise<string> {
  const { promise, resolve } = Promise.withResolvers<string>();
  const onInt = () => resolve("SIGINT");
  const onTerm = () => resolve("SIGTERM");
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onTerm);
  const timer = durationMs === undefined
    ? undefined
    : setTimeout(() => resolve("duration"), durationMs);
  done.then(() => resolve("done"));
  try {
    return await promise;
  } finally {
    Deno.removeSignalListener("SIGINT", onInt);
    Deno.removeSignalListener("SIGTERM", onTerm);
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * The `monitor` command.
 *
 * @example
 * ```ts
 * import { monitorCommand } from "./cmd_monitor.ts";
 * if (monitorCommand.name !== "monitor" || !monitorCommand.help.includes("--pid")) throw new Error();
 * ```
 */
export const monitorCommand: Command = {
  name: "monitor",
  summary: "watch processes live: syscall counts, file, network and process events (eBPF)",
  help: HELP,
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs(argv, OPTIONS);
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const format = choice(values, "format", ["text", "json"], "text");
    const kinds = parseKinds(values.events as string | undefined);
    const seconds = positiveNumber(values.duration as string | undefined, "duration");
    const pids = ((values.pid as string[] | undefined) ?? []).map((p) => {
      if (!/^\d+$/.test(p)) throw new UsageError(`--pid takes a process id, not "${p}"`);
      return Number(p);
    });
    const comms = (values.comm as string[] | undefined) ?? [];

    const reportPath = values.report as string | undefined;
    if (reportPath === "") throw new UsageError("--report needs a file name");
    // Fail before monitoring, not after, when the report cannot be written.
    if (reportPath !== undefined) await Deno.writeTextFile(reportPath, "");
    const recorder = reportPath === undefined ? undefined : new ActivityRecorder(Date.now());

    const out = (line: string) => console.log(line);
    const baseline = await loadBaseline(values, format === "json" ? "json" : "text", out);
    const summary = (a: ProcessActivity) =>
      out(format === "json" ? JSON.stringify(activityJson(a)) : formatActivity(a));
    const remaining = new Set(pids);
    const { promise: allExited, resolve: exited } = Promise.withResolvers<void>();
    let lost = 0;

    const backendChoice = choice(values, "backend", MONITOR_BACKENDS, "auto");
    using backend = await createMonitorBackend(
      backendChoice,
      (line) => console.error(`cordon monitor: ${line}`),
    );
    await using served = await serveMetrics(values.metrics as string | undefined, backend);
    if (served) console.error(`cordon monitor: metrics on ${served.url}`);
    await backend.open({
      emit(event: EngineEvent) {
        served?.metrics.observe(event);
        recorder?.event(event);
        if (kinds.has(event.kind)) {
          out(format === "json" ? eventToJsonLine(event) : formatEvent(event));
        }
        if (event.kind === "process" && event.op === "exit") {
          const activity = backend.activity(event.pid);
          if (activity) baseline?.check(activity);
          if (activity) recorder?.sample({ ...activity, exited: true }, event.time);
          baseline?.watcher.forget(event.pid);
          if (activity) summary({ ...activity, exited: true });
          if (remaining.delete(event.pid) && remaining.size === 0 && pids.length) exited();
        }
      },
      lost(count) {
        served?.metrics.lost(count);
        lost += count;
        if (format === "text") {
          console.error(`cordon monitor: ${count} events lost (ring buffer full)`);
        }
      },
    });
    // The report counts file, network and process events even when they are not streamed.
    backend.setInterest({
      kinds: recorder === undefined
        ? kinds
        : new Set<EventKind>([...kinds, "file", "network", "process"]),
    });
    for (const pid of pids) await backend.monitorProcess(pid);
    for (const comm of comms) backend.monitorComm(comm);
    if (!pids.length && !comms.length) backend.monitorEverything();
    let died: Error | undefined;
    const tracerDied = (await started(backend)).died.then((error) => {
      died = error;
    });
    if (format === "text") {
      const what = pids.length || comms.length
        ? [...pids.map((p) => `pid ${p}`), ...comms.map((c) => `comm ${c}`)].join(", ")
        : "every process";
      console.error(`cordon monitor: watching ${what}; stop with Ctrl-C`);
    }
    const checking = baseline
      ? setInterval(() => {
        for (const pid of backend.monitoredPids()) {
          const activity = backend.activity(pid);
          if (activity && !activity.exited) baseline.check(activity);
        }
      }, 250)
      : undefined;
    const sampleAll = () => {
      const now = Date.now();
      for (const pid of backend.monitoredPids()) {
        const activity = backend.activity(pid);
        if (activity && !activity.exited) recorder?.sample(activity, now);
      }
    };
    const sampling = recorder === undefined ? undefined : setInterval(sampleAll, 500);
    try {
      await untilStopped(
        seconds === undefined ? undefined : seconds * 1000,
        Promise.race([allExited, tracerDied]),
      );
    } finally {
      if (checking !== undefined) clearInterval(checking);
      if (sampling !== undefined) clearInterval(sampling);
    }
    await finish(backend);
    if (recorder !== undefined && reportPath !== undefined) {
      sampleAll();
      await Deno.writeTextFile(
        reportPath,
        recorder.toHtml({ title: "cordon monitor", ended: Date.now() }),
      );
      console.error(`cordon monitor: report written to ${reportPath}`);
    }
    // Final summaries of what is still running, busiest first (at most 20 when watching everything).
    const live = backend.monitoredPids().map((pid) => backend.activity(pid)).filter((a) =>
      a !== undefined
    )
      .filter((a) => !a.exited).sort((x, y) => y.syscalls - x.syscalls);
    for (const a of pids.length || comms.length ? live : live.slice(0, 20)) summary(a);
    const stats = backend.stats().figures;
    if (format === "json") {
      out(JSON.stringify({ kind: "stats", ...stats, lost }));
    } else {
      console.error(
        `cordon monitor: ${stats.syscallsSeen ?? 0} syscalls counted, ${
          stats.eventsDelivered ?? 0
        } events, ` +
          `${stats.ringbufLost ?? 0} lost`,
      );
    }
    if (died) console.error(`cordon monitor: ${died.message}`);
    if (baseline && format === "text") {
      const n = baseline.watcher.reported;
      console.error(
        `cordon monitor: ${n} ${n === 1 ? "anomaly" : "anomalies"} against the baseline`,
      );
    }
    if (died) return EXIT.failed;
    return baseline && baseline.watcher.reported > 0 && values["fail-on-anomaly"] === true
      ? EXIT.failed
      : EXIT.ok;
  },
};
