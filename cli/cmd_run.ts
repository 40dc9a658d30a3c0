/**
 * `cordon run`: runs a command confined by policies (seccomp filters installed by a launcher
 * before `execve`). The command's stdio, environment, working directory and exit status pass
 * through; Cordon's own messages go to stderr.
 *
 * @module
 */

import type { Arch } from "../policies/types.ts";
import { fileErrorText, PolicyError, PolicyErrors } from "../policies/errors.ts";
import { type Command, UsageError } from "./command.ts";
import { choice, parseArgs } from "./parse_args.ts";
import {
  type LoadedPolicies,
  loadPolicies,
  parseArches,
  reportPolicyErrors,
} from "./load_policies.ts";
import { compilePolicies } from "../compile/compile.ts";
import { RUN_MODES, stagedRunPolicies } from "../compile/run_modes.ts";
import { auditConfined, type AuditRunResult } from "../backends/linux/run_audit.ts";
import { reportAudit, reportStaged, stagedHandler } from "./run_mode_report.ts";
import { ringBytes } from "./cmd_record.ts";
import {
  EXIT_RUN_FAILED,
  launchFailureStatus,
  launchReporter,
  newRunId,
  type Report,
  reportDegradations,
  runLaunching,
} from "./launch_report.ts";
import { hostArches, nativeArch, runConfined, type RunResult } from "../backends/linux/run.ts";
import { NotSupportedError } from "../backends/linux/errors.ts";
import { describeRateLimitHit } from "../backends/linux/run_limits.ts";
import { explainHandlers, reportExplain, where } from "./explain_report.ts";
import { ActivityRecorder } from "./activity_report.ts";
import {
  finishRun,
  landlockDenialEntry,
  networkDenialEntry,
  sampleRun,
  seccompDenialEntry,
  viewDenialEntry,
} from "./run_activity_report.ts";
import type { SeccompDenial } from "../backends/linux/seccomp_notify.ts";
import type { NetworkDenial } from "../backends/linux/net_explain.ts";
import type { LandlockDenial } from "../backends/linux/landlock_audit.ts";
import type { ViewDenial } from "../backends/linux/view_explain.ts";
import {
  RUN_MONITOR_MECHANISM,
  type RunActivity,
  RunMonitor,
} from "../backends/linux/run_monitor.ts";

const OPTIONS = {
  policy: { type: "string", short: "p", multiple: true },
  arch: { type: "string", short: "a", multiple: true },
  "allow-degraded": { type: "boolean" },
  monitor: { type: "boolean" },
  explain: { type: "boolean" },
  "unknown-syscalls": { type: "string" },
  format: { type: "string" },
  report: { type: "string" },
  mode: { type: "string" },
  "ring-mb": { type: "string" },
} as const;

const HELP = `cordon run: run a command confined by policies

Usage: cordon run --policy P [--policy Q]... [options] -- COMMAND [ARG]...

Each policy (a file, builtin:NAME or - for stdin) becomes one seccomp filter, installed on the
command before it starts (no_new_privs, then the filters on every thread, then execve); where
filters disagree the strictest action wins. The command keeps Cordon's stdio, environment and
working directory. Policies in audit mode log what they would deny (kernel log, audit type
1326 "SECCOMP") instead of denying it.

Options:
  -p, --policy P         a policy file, builtin:NAME or - (repeatable; at least one)
  -a, --arch A[,B]       architectures the filters admit; calls from any other are killed.
                         auto (default): the host's, with its compatibility ABIs
                         (x86_64: x86_64,i386,x32; aarch64: aarch64)
      --allow-degraded   run even when policy rules need a mechanism this run does not apply
                         (filesystem: Landlock; network: cgroup BPF; limits: eBPF), or when
                         --monitor cannot monitor; each unenforced section is reported.
                         Without it, such runs are refused
      --monitor          watch the command and its descendants with eBPF and print, when it
                         exits, their syscall counts by name and the files and network
                         endpoints they used. Counts start after the command's execve (the
                         launcher's own calls are left out); calls a filter denies are not
                         counted (seccomp answers before the tracepoint). Needs root
      --explain          report each seccomp denial as it happens, with
                         the deciding rule's FILE:LINE:COL (or its defaultAction's), and a
                         summary by rule at exit; the command gets the same errno as without
                         it (see docs/explain.md). Text prints the first 20 denials of each
                         rule and syscall; --format json prints every one (event "denial")
      --mode M           enforce (default); audit: apply nothing the policies deny (their
                         privileges only), record the whole run with eBPF, and report every
                         call they would have stopped, with its rule's FILE:LINE:COL, and
                         the policy additions that would let it through (needs root);
                         staged: enforce, except that a call no rule covers (only a
                         defaultAction denies it) is allowed, reported the first time per
                         syscall, counted, and summed up at exit as rules to paste.
                         See docs/learning.md ("Audit-first rollout")
      --ring-mb N        with --mode audit: the recording's ring buffer in MiB, a power of
                         two (default 64)
      --unknown-syscalls enosys|default
                         syscall numbers newer than Cordon's tables: ENOSYS (default, so libc
                         falls back to older calls) or the policy's default action
      --format F         Cordon's own report lines on stderr: text (default) or json (one
                         object per line, each with the run's random "runId")
      --report FILE      also append every report record, as JSON Lines, to FILE (created
                         if missing; /dev/fd/N writes to a descriptor given to Cordon). The
                         command never sees this channel: it starts with only fds 0, 1, 2.
                         With --monitor, a FILE ending in .html is instead an HTML report
                         (inline SVG, no script): syscalls by name and over time per process,
                         files, network endpoints, and --explain's denials with their rules
  -h, --help             show this help

Reports: the command shares stderr with Cordon and can print lines that look like Cordon's.
Read the report from --report, or check "runId": Cordon's first record ("start") is written
before the command starts, and every record of the run carries the same random runId, which
the command is never given. The "exit" record states "exitCode" (null when killed) and
"signal" (null when it exited), so SIGSYS (code 159) is told apart from an exit with 159.

Exit status: the command's; 128+N when it was killed by signal N (a seccomp kill shows as
SIGSYS, 159); 127 command not found; 126 command not executable; 125 when cordon run itself
failed or refused (usage error, invalid policy, seccomp or another mechanism unavailable,
filter rejected by the kernel, launcher failure, --monitor or --mode audit without eBPF), as
docker run does. In audit mode the status is still the command's: read "audit-summary".

Examples:
  cordon run --policy examples/policies/cli-tool.yaml -- ls -l /usr
  cordon run -p builtin:baseline -p extra.yaml -- python3 script.py
  cordon run -p audit.yaml --format json -- make test
  cordon run -p p.yaml --explain -- ./build.sh
  sudo cordon run -p learned.yaml --mode audit -- ./app      (what would be denied)
  cordon run -p learned.yaml --mode staged -- ./app          (enforce; gaps allowed, reported)
  cordon run -p p.yaml --report /dev/fd/3 -- make test 3>report.jsonl
  sudo cordon run -p builtin:baseline --monitor -- python3 script.py`;

type Format = "text" | "json";

const SIGNAL_NOTES: Readonly<Record<string, string>> = {
  SIGSYS: "bad system call: a seccomp kill or trap action of the policy; see the kernel log",
};

/**
 * Opens the eBPF monitor for `--monitor`. Without eBPF: `null` after a refusal (exit 1), or,
 * with `--allow-degraded`, `undefined` after saying that nothing is monitored.
 */
function openMonitor(
  command: string,
  allowDegraded: boolean,
  report: Report,
): RunMonitor | null | undefined {
  try {
    return RunMonitor.open();
  } catch (error) {
    if (!(error instanceof NotSupportedError)) throw error;
    if (!allowDegraded) {
      report(
        "error",
        `refusing to run ${command}: --monitor needs ${error.message}; run without --monitor, ` +
          `or accept an unmonitored run with --allow-degraded`,
        { code: error.code, feature: RUN_MONITOR_MECHANISM },
      );
      return null;
    }
    report("degraded", `the command is NOT monitored: ${error.message}`, {
      section: "monitor",
      mechanism: RUN_MONITOR_MECHANISM,
    });
    return undefined;
  }
}

const TEXT_LIMIT = { syscalls: 20, files: 40, network: 20 } as const;

function more(total: number, shown: number): string {
  return total > shown ? `, … ${total - shown} more (--format json lists all)` : "";
}

/** Prints what `--monitor` collected: one JSON object, or a few text lines. */
function reportActivity(activity: RunActivity, format: Format, report: Report): void {
  const processes = activity.processes.length;
  const summary = `${processes} process${processes === 1 ? "" : "es"}, ` +
    `${activity.syscalls} syscalls (counted from the command's execve), ` +
    `${activity.filesTotal} opens, ${activity.networkTotal} socket operations` +
    (activity.lost ? `; ${activity.lost} events lost (ring buffer full): lists incomplete` : "");
  if (format === "json") {
    report("monitor", summary, {
      pid: activity.pid,
      execSeen: activity.execSeen,
      syscalls: activity.syscalls,
      bySyscall: Object.fromEntries(activity.bySyscall),
      processes: activity.processes.map((p) => ({
        ...p,
        bySyscall: Object.fromEntries([...p.bySyscall].sort((a, b) => b[1] - a[1])),
      })),
      files: activity.files,
      filesTotal: activity.filesTotal,
      network: activity.network,
      networkTotal: activity.networkTotal,
      lost: activity.lost,
    });
    return;
  }
  report("monitor", `monitor: ${summary}`);
  const counts = [...activity.bySyscall];
  const top = counts.slice(0, TEXT_LIMIT.syscalls).map(([name, n]) => `${name} ${n}`);
  if (top.length) {
    report("monitor", `  syscalls: ${top.join(", ")}${more(counts.length, top.length)}`);
  }
  for (const p of activity.processes) {
    const end = !p.exited
      ? "still running"
      : p.signal
      ? `killed by ${p.signal}`
      : p.exitCode !== undefined
      ? `exit ${p.exitCode}`
      : "exited";
    const counted = p.counted ? `${p.syscalls} syscalls` : "counts lost";
    report(
      "monitor",
      `  process ${p.pid}${p.comm ? ` ${p.comm}` : ""}${
        p.ppid === undefined ? "" : ` (parent ${p.ppid})`
      }: ${end}, ${counted}`,
    );
  }
  const files = activity.files.slice(0, TEXT_LIMIT.files);
  for (const f of files) {
    const failed = f.failed ? `, ${f.failed} failed (${f.error})` : "";
    report("monitor", `  ${f.op} ${f.path} ×${f.count}${failed}`);
  }
  if (activity.files.length > files.length) {
    report("monitor", `  ${more(activity.files.length, files.length).slice(2)}`);
  }
  const network = activity.network.slice(0, TEXT_LIMIT.network);
  for (const n of network) {
    const where = n.address === undefined
      ? n.family
      : `${n.family === "inet6" ? `[${n.address}]` : n.address}:${n.port}`;
    const failed = n.failed ? `, ${n.failed} failed (${n.error})` : "";
    report("monitor", `  ${n.op} ${where} ×${n.count}${failed}`);
  }
  if (activity.network.length > network.length) {
    report("monitor", `  ${more(activity.network.length, network.length).slice(2)}`);
  }
}

/** The `exit` record (a text line only when the command was killed). */
function reportExit(command: string, result: RunResult, report: Report): void {
  const message = exitMessage(command, result);
  report("exit", message ?? `${command} exited with code ${result.code}`, {
    code: result.code,
    exitCode: result.signal === null ? result.code : null,
    signal: result.signal,
    ...(result.signal === null ? {} : { signalNumber: result.code - 128 }),
    pid: result.pid,
    startupMs: Math.round(result.startupMs * 10) / 10,
    filters: result.filters,
  }, { text: message !== undefined });
}

/** Builds the report of a finished command, or `undefined` when it exited normally. */
function exitMessage(command: string, result: RunResult): string | undefined {
  if (result.signal === null) return undefined;
  const note = SIGNAL_NOTES[result.signal];
  return `${command} killed by ${result.signal}${note ? ` (${note})` : ""}`;
}

function resolveArches(values: readonly string[]): Arch[] {
  const wanted = values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v);
  if (wanted.length === 0 || (wanted.length === 1 && wanted[0] === "auto")) return hostArches();
  if (wanted.includes("auto")) throw new UsageError(`--arch auto cannot be combined with others`);
  const arches = parseArches(wanted, hostArches());
  if (!arches.includes(nativeArch())) {
    throw new UsageError(
      `--arch must admit the host's architecture "${nativeArch()}", or nothing could run`,
    );
  }
  return arches;
}

/** Opens `path` for `--report`: appended to, created if missing. */
function openReportFile(path: string): Deno.FsFile {
  try {
    return Deno.openSync(path, { write: true, create: true, append: true });
  } catch (error) {
    throw new UsageError(`cannot open the report file "${path}": ${(error as Error).message}`);
  }
}

/** Writes the HTML report (a usage error, exit 125, when it cannot be written). */
async function writeHtmlReport(path: string, html: string): Promise<void> {
  try {
    await Deno.writeTextFile(path, html);
  } catch (error) {
    throw new UsageError(`cannot write the report file "${path}": ${fileErrorText(error)}`);
  }
}

/** Writes `line` and a newline, synchronously, so that no record is lost at exit. */
function writeLine(file: Deno.FsFile, line: string): void {
  const bytes = new TextEncoder().encode(`${line}\n`);
  let offset = 0;
  while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
}

/** The run itself; its own failures return (or throw) for {@linkcode runCommand} to map to 125. */
async function runCli(argv: string[], setReport: (report: Report) => void): Promise<number> {
  const { values, positionals, rest } = parseArgs(argv, OPTIONS);
  const format = choice(values, "format", ["text", "json"] as const, "text");
  const reportPath = values.report as string | undefined;
  if (reportPath === "") throw new UsageError("--report needs a file name");
  // Issue 17: FILE.html is the HTML activity report of --monitor; any other name, JSON Lines.
  const htmlPath = reportPath !== undefined && /\.html?$/i.test(reportPath)
    ? reportPath
    : undefined;
  if (htmlPath !== undefined && values.monitor !== true) {
    throw new UsageError(`--report ${htmlPath} (an HTML report) needs --monitor`);
  }
  // Fail before running, not after, when the HTML report cannot be written.
  if (htmlPath !== undefined) await writeHtmlReport(htmlPath, "");
  using reportFile = reportPath === undefined || htmlPath !== undefined
    ? undefined
    : openReportFile(reportPath);
  const sink = reportFile && ((line: string) => writeLine(reportFile, line));
  // Generated here, never given to the launcher or the command's environment.
  const runId = newRunId();
  const report = launchReporter("run", format, { runId, ...(sink ? { sink } : {}) });
  setReport(report);
  const command = [...positionals, ...rest];
  const policies = (values.policy as string[] | undefined) ?? [];
  if (policies.length === 0) throw new UsageError("at least one --policy is required");
  if (command.length === 0) throw new UsageError("no command given; put it after --");
  if (positionals.length > 0) {
    throw new UsageError(`put the command after --: cordon run -p P -- ${command.join(" ")}`);
  }
  const mode = choice(values, "mode", RUN_MODES, "enforce");
  if (mode !== "audit" && values["ring-mb"] !== undefined) {
    throw new UsageError("--ring-mb sizes the recording of --mode audit; it needs --mode audit");
  }
  if (mode === "audit" && (values.explain === true || values.monitor === true)) {
    throw new UsageError(
      `--mode audit records the whole run and reports what the policies would stop; ` +
        `--${values.explain === true ? "explain" : "monitor"} is for enforced runs`,
    );
  }
  if (mode === "audit" && htmlPath !== undefined) {
    throw new UsageError(`--report ${htmlPath} (an HTML report) needs --monitor, not --mode audit`);
  }
  const ring = ringBytes(values);
  report("start", `running ${command[0]}`, { command, policies, mode }, { text: false });
  const arches = resolveArches((values.arch as string[] | undefined) ?? []);
  const unknownSyscalls = choice(
    values,
    "unknown-syscalls",
    ["enosys", "default"] as const,
    "enosys",
  );

  let loaded;
  try {
    loaded = await loadPolicies(policies, { arches, unknownSyscalls });
  } catch (error) {
    if (!(error instanceof PolicyErrors || error instanceof PolicyError)) throw error;
    const errors = error instanceof PolicyErrors ? error.errors : [error];
    if (format === "json") {
      for (const e of errors) report("error", e.message, { code: e.code });
      return EXIT_RUN_FAILED;
    }
    for (const e of errors) report("error", e.message, { code: e.code }, { text: false });
    reportPolicyErrors(error, "run");
    return EXIT_RUN_FAILED;
  }

  const allowDegraded = values["allow-degraded"] === true;
  // What runConfined says it does not enforce, reported before the command starts.
  const onDegraded = reportDegradations(report);
  // With --mode audit every policy is only reported, whatever its own mode (runAudit says so).
  for (const layer of mode === "audit" ? [] : loaded.filters.layers) {
    if (layer.mode !== "audit") continue;
    const fs = layer.filesystem
      ? `; its filesystem rules (${where(layer.filesystem.loc)}) are not applied ` +
        `(Landlock cannot audit): --mode audit reports what they would deny`
      : "";
    report(
      "audit",
      `policy "${layer.policy}" is in audit mode: the syscalls it would deny are allowed and ` +
        `logged by the kernel (audit type 1326, SECCOMP)${fs}`,
      { policy: layer.policy },
    );
  }

  if (mode === "audit") {
    return await runAudit({
      loaded,
      command,
      arches,
      allowDegraded,
      onDegraded,
      ring,
      format,
      report,
    });
  }

  using monitor = values.monitor === true
    ? openMonitor(command[0]!, allowDegraded, report)
    : undefined;
  if (monitor === null) return EXIT_RUN_FAILED;

  // Issue 14: --explain, every seccomp denial of the first policy as it happens. Issue 13:
  // --mode staged answers through the same supervisor, allowing what only defaults deny.
  const staged = mode === "staged";
  const explain = values.explain === true || staged;
  const set = staged
    ? compilePolicies(stagedRunPolicies(loaded.resolved), { arches, unknownSyscalls })
    : loaded.filters;
  if (staged) {
    report(
      "staged",
      `staged mode: the policies are enforced, but a call no rule covers (only a defaultAction ` +
        `denies it) is allowed and reported`,
      { mode: "staged" },
    );
  }
  const explained = explainHandlers(format, report);
  const recorder = htmlPath === undefined ? undefined : new ActivityRecorder(Date.now());
  const onDenial = (d: SeccompDenial) => {
    explained.onDenial(d);
    recorder?.denial(seccompDenialEntry(d, Date.now()));
  };
  const onNetworkDenial = (d: NetworkDenial) => {
    explained.onNetworkDenial(d);
    recorder?.denial(networkDenialEntry(d, Date.now()));
  };
  const onLandlockDenial = (d: LandlockDenial) => {
    explained.onLandlockDenial(d);
    recorder?.denial(landlockDenialEntry(d, Date.now()));
  };
  const onViewDenial = (d: ViewDenial) => {
    explained.onViewDenial(d);
    recorder?.denial(viewDenialEntry(d, Date.now()));
  };
  // The syscalls-over-time chart: every process of the tree, twice a second.
  const sampling = recorder && monitor
    ? setInterval(() => sampleRun(recorder, monitor.report(), Date.now()), 500)
    : undefined;
  let result: RunResult;
  try {
    result = await runConfined({
      ...(explain
        ? {
          explain: {
            onDenial,
            onNetworkDenial,
            onLandlockDenial,
            onViewDenial,
            onLandlockUnreported: explained.onLandlockUnreported,
            onReadOnlyView: explained.onReadOnlyView,
            ...(staged ? { staged: true, onStaged: stagedHandler(report) } : {}),
          },
        }
        : {}),
      set,
      command,
      arches,
      allowDegraded,
      onDegraded,
      // Issue 10: limits.syscallsPerSecond, enforced in the kernel; each process once.
      onRateLimit: (hit) =>
        report("limit", describeRateLimitHit(hit), {
          pid: hit.pid,
          comm: hit.comm,
          policy: hit.limit.policy,
          max: hit.limit.max,
          action: hit.limit.action,
        }),
      ...(monitor ? { beforeStart: (pid: number) => monitor.attach(pid) } : {}),
    });
  } catch (error) {
    return launchFailureStatus(error, "run", command[0]!, report, EXIT_RUN_FAILED);
  } finally {
    if (sampling !== undefined) clearInterval(sampling);
  }
  reportExit(command[0]!, result, report);
  if (explain) reportExplain(result, set, format, report);
  if (staged) reportStaged(result.explain?.staged ?? [], loaded.resolved, format, report);
  if (monitor) {
    const activity = monitor.report();
    reportActivity(activity, format, report);
    if (recorder !== undefined && htmlPath !== undefined) {
      finishRun(recorder, activity, Date.now());
      const title = `cordon run ${command.join(" ")}`;
      await writeHtmlReport(htmlPath, recorder.toHtml({ title, ended: Date.now() }));
      report("report", `report written to ${htmlPath}`, { path: htmlPath });
    }
  }
  return result.code;
}

/** What {@linkcode runAudit} needs of {@linkcode runCli}. */
interface AuditInput {
  readonly loaded: LoadedPolicies;
  readonly command: readonly string[];
  readonly arches: readonly Arch[];
  readonly allowDegraded: boolean;
  readonly onDegraded: ReturnType<typeof reportDegradations>;
  readonly ring: number | undefined;
  readonly format: Format;
  readonly report: Report;
}

/** `--mode audit`: the command runs without the policies' denials, recorded, then evaluated. */
async function runAudit(input: AuditInput): Promise<number> {
  const { loaded, command, report } = input;
  report(
    "audit",
    `audit mode: nothing the policies deny is applied; ${command[0]} runs with their ` +
      `privileges, recorded with eBPF, and what they would stop is reported when it exits`,
    { mode: "audit" },
  );
  let audit: AuditRunResult;
  try {
    audit = await auditConfined({
      policies: loaded.resolved,
      set: loaded.filters,
      command,
      arches: input.arches,
      allowDegraded: input.allowDegraded,
      onDegraded: input.onDegraded,
      ...(input.ring === undefined ? {} : { ringBytes: input.ring }),
    });
  } catch (error) {
    return launchFailureStatus(error, "audit", command[0]!, report, EXIT_RUN_FAILED);
  }
  const result = audit.run;
  reportExit(command[0]!, result, report);
  reportAudit(audit, input.format, report);
  return result.code;
}

/** `cordon run`. */
export const runCommand: Command = {
  name: "run",
  summary: "run a command confined by policies (seccomp, installed before execve)",
  help: HELP,
  run(argv: string[]): Promise<number> {
    // Every failure of cordon run itself exits 125 (EXIT_RUN_FAILED), never the command's status.
    return runLaunching("run", (setReport) => runCli(argv, setReport));
  },
};
