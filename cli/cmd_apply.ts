/**
 * `cordon apply`: puts running processes (the policies' targets) under the policies with the
 * eBPF backend, streams what happens until SIGINT/SIGTERM, then detaches everything.
 *
 * @module
 */

import { type Command, EXIT, UsageError } from "./command.ts";
import { choice, parseArgs } from "./parse_args.ts";
import { loadPolicies, reportPolicyErrors } from "./load_policies.ts";
import {
  activityJson,
  ApplyTally,
  formatActivity,
  formatApplyTotals,
  formatEvent,
} from "./format_events.ts";
import { untilStopped } from "./cmd_monitor.ts";
import { ActivityRecorder } from "./activity_report.ts";
import { EbpfBackend } from "../backends/linux/ebpf_backend.ts";
import { createMonitorBackend, finish, MONITOR_BACKENDS, started } from "./monitor_backend.ts";
import { type EngineEvent, eventToJsonLine } from "../engine/events.ts";
import type { EnforcementLevel } from "../engine/backend.ts";
import type { FilterSet } from "../compile/filter_set.ts";
import { metricsHelp, serveMetrics } from "./metrics_option.ts";

const OPTIONS = {
  format: { type: "string" },
  "allow-degraded": { type: "boolean" },
  duration: { type: "string" },
  audit: { type: "boolean" },
  backend: { type: "string" },
  metrics: { type: "string" },
  report: { type: "string" },
} as const;

const HELP = [
  "cordon apply: confine running processes with policies, through eBPF, until interrupted",
  "",
  "Usage: cordon apply FILE... [--allow-degraded] [--audit] [--duration S] [--format text|json]",
  "                            [--backend B] [--metrics HOST:PORT] [--report FILE]",
  "",
  "Each policy applies to the processes its spec.target names (pids, comms, executables,",
  "cgroups, uids): those running now, their children, and processes that match later (at exec).",
  "What happens to a call the policy decides (only calls whose decision is not allow are",
  "reported, each with its verdict: action, errno, deciding rule, FILE:LINE:COL, policy):",
  "  log       reported (event with the deciding rule)",
  "  kill      SIGKILL from the sys_enter tracepoint: the call itself has already run",
  "  deny      no preventive mechanism for a running process here unless BPF LSM is available:",
  "            apply refuses; use `cordon run` (seccomp) for the program, or action kill, or",
  "            --allow-degraded to accept the deny as log",
  "  network   prevented (EPERM) by cgroup BPF programs on a cgroup cordon creates and moves",
  "            the targets into; a target moved out of it (cgroup.procs) is killed",
  "Argument conditions are decided in the kernel. A target with a policy that cannot get an",
  "entry in the full process table, or whose call user space had to decide and whose event",
  "was lost, is killed and reported (`killed PID: …`): no enforcement depends on delivery.",
  "In audit mode (policy `mode: audit`, or --audit) nothing is killed or denied: each call",
  "is reported with what would have applied (`would deny EPERM (audit)`).",
  "Everything (programs, links, maps, cgroups) is removed on SIGINT/SIGTERM. SIGHUP reloads",
  "the policy files and swaps the maps' contents without a moment with no policy in force.",
  "",
  "Options:",
  "  --allow-degraded  accept what cannot be enforced here (see above) instead of refusing",
  "  --audit           decide and report only: nothing is killed or denied",
  "  --duration S      detach after S seconds (default: until SIGINT/SIGTERM)",
  "  --backend B       linux (eBPF), bpftrace or dtrace (a generated tracing script: kill and",
  "                    log only, docs/tracing.md), or auto (default: eBPF where it loads, else",
  "                    the OS's tracer)",
  ...metricsHelp(20),
  '  --format F        text (default) or json (JSON Lines: events, then {"kind":"summary"}',
  '                    lines per process, then {"kind":"stats"})',
  "  --report FILE     when detaching, write an HTML report (one self-contained file, inline",
  "                    SVG): syscalls by name and over time per process, file and network",
  "                    activity, the calls the policies decided (denials, kills, audits)",
  "",
  "Exit codes: 0 detached cleanly, 1 refused or failed, 2 usage error.",
  "",
  "Examples:",
  "  sudo deno task cordon apply examples/policies/watch-python.yaml",
  "  sudo deno task cordon apply examples/policies/data-job.yaml --allow-degraded --format json",
].join("\n");

/**
 * The `apply` command.
 *
 * @example
 * ```ts
 * import { applyCommand } from "./cmd_apply.ts";
 * if (applyCommand.name !== "apply" || !applyCommand.help.includes("--allow-degraded")) throw new Error();
 * ```
 */
export const applyCommand: Command = {
  name: "apply",
  summary: "confine running processes with policies through eBPF until interrupted",
  help: HELP,
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs(argv, OPTIONS);
    const format = choice(values, "format", ["text", "json"], "text");
    if (positionals.length === 0) {
      throw new UsageError("no policy given: name a FILE or builtin:NAME");
    }
    let seconds: number | undefined;
    if (values.duration !== undefined) {
      seconds = Number(values.duration);
      if (!Number.isFinite(seconds) || seconds <= 0) {
        throw new UsageError(`--duration takes a positive number, not "${values.duration}"`);
      }
    }
    const load = async () => {
      try {
        return (await loadPolicies(positionals, { arches: ["x86_64", "i386"] })).filters;
      } catch (error) {
        if (reportPolicyErrors(error, "apply") !== undefined) return undefined;
        throw error;
      }
    };
    const reportPath = values.report as string | undefined;
    if (reportPath === "") throw new UsageError("--report needs a file name");
    const filters = await load();
    if (!filters) return EXIT.failed;
    const enforce = !values.audit;
    let audit = allAudit(filters, enforce);
    const tally = new ApplyTally();

    using backend = await createMonitorBackend(
      choice(values, "backend", MONITOR_BACKENDS, "auto"),
      (line) => console.error(`cordon apply: ${line}`),
    );
    const plan = backend.plan(filters);
    const problems = plan.layers.flatMap((l) => l.degraded);
    const info = (line: string) =>
      format === "text" ? console.error(`cordon apply: ${line}`) : undefined;
    if (problems.length && !values["allow-degraded"]) {
      for (const p of problems) console.error(`cordon apply: ${p}`);
      console.error("cordon apply: refusing to apply (pass --allow-degraded to accept this)");
      return EXIT.failed;
    }
    for (const p of problems) info(`degraded: ${p}`);
    // Fail before applying, not after, when the report cannot be written.
    if (reportPath !== undefined) await Deno.writeTextFile(reportPath, "");
    const recorder = reportPath === undefined ? undefined : new ActivityRecorder(Date.now());
    await using served = await serveMetrics(values.metrics as string | undefined, backend, filters);
    if (served) console.error(`cordon apply: metrics on ${served.url}`);
    await backend.open({
      emit(event: EngineEvent) {
        served?.metrics.observe(event);
        tally.add(event);
        recorder?.event(event);
        if (recorder !== undefined && event.kind === "process" && event.op === "exit") {
          const a = backend.activity(event.pid);
          if (a) recorder.sample({ ...a, exited: true }, event.time);
        }
        console.log(format === "json" ? eventToJsonLine(event) : formatEvent(event));
      },
      lost(count) {
        served?.metrics.lost(count);
        console.error(`cordon apply: ${count} events lost (ring buffer full)`);
      },
    });
    if (backend instanceof EbpfBackend) {
      backend.onEnforce((notice) => {
        served?.metrics.killed(notice.reason);
        if (format === "json") {
          console.log(JSON.stringify({
            kind: "enforce",
            ...notice,
            ...(notice.cgroupId !== undefined ? { cgroupId: String(notice.cgroupId) } : {}),
          }));
          return;
        }
        const why = notice.reason === "procs-full"
          ? "the process table is full and it has a policy"
          : notice.reason === "event-lost"
          ? "a call user space had to decide lost its event"
          : `it left its network cgroup (moved by ${notice.by} ${notice.comm}${
            notice.writerKilled ? ", killed too" : ""
          })`;
        console.error(`cordon apply: killed ${notice.pid}: ${why}`);
      });
    }
    backend.setInterest({ kinds: new Set(["file", "network", "process"]) });
    await backend.apply(filters, { enforce });
    let died: Error | undefined;
    const tracerDied = (await started(backend)).died.then((error) => {
      died = error;
    });
    const targeted = backend.monitoredPids();
    info(
      `applied ${filters.layers.map((l) => l.policy).join(", ")} to ${targeted.length} running ` +
        `process${targeted.length === 1 ? "" : "es"}${
          audit ? " (audit: nothing is enforced)" : ""
        }; ` +
        `stop with Ctrl-C, reload with SIGHUP`,
    );
    const shown = (level: EnforcementLevel) =>
      enforce || level === "not-needed" ? level : "observe";
    for (const l of plan.layers) {
      info(
        `${l.policy}: syscalls ${shown(l.syscalls)}, network ${shown(l.network)}, ` +
          `filesystem ${shown(l.filesystem)}, limits ${shown(l.limits)}`,
      );
    }
    const reload = async () => {
      const next = await load();
      if (!next) return info("reload failed: keeping the policies in force");
      try {
        await backend.apply(next, { enforce });
        served?.metrics.setPolicies(next);
        audit = audit && allAudit(next, enforce);
        info(`reloaded ${next.layers.map((l) => l.policy).join(", ")}`);
      } catch (error) {
        info(
          `reload failed, keeping the policies in force: ${
            error instanceof Error ? error.message : error
          }`,
        );
      }
    };
    const onHup = () => void reload();
    Deno.addSignalListener("SIGHUP", onHup);
    const sampleAll = () => {
      const now = Date.now();
      for (const pid of backend.monitoredPids()) {
        const a = backend.activity(pid);
        if (a && !a.exited) recorder?.sample(a, now);
      }
    };
    const sampling = recorder === undefined ? undefined : setInterval(sampleAll, 500);
    try {
      const why = await untilStopped(
        seconds === undefined ? undefined : seconds * 1000,
        tracerDied,
      );
      info(`${why}: detaching`);
    } finally {
      Deno.removeSignalListener("SIGHUP", onHup);
      if (sampling !== undefined) clearInterval(sampling);
    }
    await finish(backend);
    if (recorder !== undefined && reportPath !== undefined) {
      sampleAll();
      const title = `cordon apply: ${filters.layers.map((l) => l.policy).join(", ")}`;
      await Deno.writeTextFile(reportPath, recorder.toHtml({ title, ended: Date.now() }));
      info(`report written to ${reportPath}`);
    }
    const totals = tally.totals(backend.stats().figures, audit);
    for (const pid of backend.monitoredPids()) {
      const a = backend.activity(pid);
      if (!a) continue;
      if (format === "json") console.log(JSON.stringify(activityJson(a)));
      else console.error(`cordon apply: ${formatActivity(a)}`);
    }
    if (format === "json") console.log(JSON.stringify({ kind: "stats", ...totals }));
    else info(formatApplyTotals(totals));
    backend.close();
    info("detached: no programs, links, maps or cgroups of this run remain");
    if (died) console.error(`cordon apply: ${died.message}`);
    return died ? EXIT.failed : EXIT.ok;
  },
};

/** Whether nothing of `set` is applied: `--audit`, or every layer in `mode: audit`. */
function allAudit(set: FilterSet, enforce: boolean): boolean {
  return !enforce || set.layers.every((l) => l.mode === "audit");
}
