/**
 * `cordon record`: runs a command (unconfined, or confined by policies exactly as `cordon run`
 * confines it) while Cordon's eBPF monitor streams every syscall of its process tree with its
 * arguments, its file and network events and its forks, execs and exits, written as the
 * engine's JSON Lines trace (`docs/events.md`) that `cordon dry-run` replays.
 *
 * @module
 */

import { fileErrorText, PolicyError, PolicyErrors } from "../policies/errors.ts";
import type { FilterSet } from "../compile/filter_set.ts";
import { type Command, EXIT, UsageError } from "./command.ts";
import { choice, integer, parseArgs } from "./parse_args.ts";
import { loadPolicies, reportPolicyErrors } from "./load_policies.ts";
import {
  launchFailureStatus,
  launchReporter,
  type Report,
  reportDegradations,
} from "./launch_report.ts";
import { hostArches, resolveCommand, runConfined, type RunResult } from "../backends/linux/run.ts";
import { LaunchError } from "../backends/linux/launcher.ts";
import { NotSupportedError } from "../backends/linux/errors.ts";
import {
  RECORD_MECHANISM,
  Recorder,
  type RecordSummary,
  recordTrailer,
} from "../backends/linux/recorder.ts";
import { TraceRecorder } from "../backends/dtrace/trace_recorder.ts";
import { TracerError } from "../backends/dtrace/tracer.ts";

const OPTIONS = {
  output: { type: "string", short: "o" },
  policy: { type: "string", short: "p", multiple: true },
  "allow-degraded": { type: "boolean" },
  format: { type: "string" },
  "fail-on-loss": { type: "boolean" },
  "ring-mb": { type: "string" },
  "report-format": { type: "string" },
  backend: { type: "string" },
} as const;

const HELP = `cordon record: record what a command does, as a trace cordon dry-run replays

Usage: cordon record [-o FILE] [--policy P]... [options] -- COMMAND [ARG]...

Runs COMMAND while Cordon's eBPF monitor streams every syscall of its process tree with its
six arguments, the files it opens (paths and results), its socket operations (addresses,
ports, results) and its forks, execs and exits, and writes them as Cordon's JSON Lines trace
(format version 1, docs/events.md). Recording starts at the command's execve: Cordon's own
launcher is left out. The command keeps Cordon's stdin, stderr, environment and working
directory; its exit status is record's.

Without --policy the command runs unconfined (through the same launcher as cordon run, with
no filter). With --policy it is confined exactly as cordon run confines it (seccomp,
Landlock, cgroup BPF), so that you can record what a confined program does; calls a seccomp
filter answers are not in the trace (the kernel runs seccomp before the tracepoint).

Options:
  -o, --output FILE      write the trace to FILE (created or truncated). Without it (or with
                         -o -) the trace goes to standard output, which must not be a terminal,
                         and the command's own standard output is collected and written to
                         standard error when it exits (use -o for interactive commands)
  -p, --policy P         confine the command with a policy file, builtin:NAME or - (repeatable)
      --allow-degraded   with --policy: run even when rules need a mechanism this run does not
                         apply (as cordon run); each unenforced section is reported
      --format F         Cordon's summary on stderr: text (default) or json (one object), as
                         --report-format; jsonl (the trace's only format) is accepted too
      --fail-on-loss     exit 1 when events were lost (the ring buffer was full), whatever the
                         command's status
      --ring-mb N        ring-buffer size in MiB, a power of two (default 64); a larger ring
                         absorbs longer bursts of calls
      --report-format F  Cordon's summary on stderr: text (default) or json (one object)
      --backend B        auto (default: Cordon's eBPF monitor, else bpftrace when eBPF cannot
                         record here), linux (eBPF only), bpftrace or dtrace (a tracing script;
                         kernel times and order, file and connect events of i386 calls are not
                         seen, the tracer's drop notices count as lost events; docs/tracing.md)
  -h, --help             show this help

Lost events are never hidden: the kernel counts them, the summary on stderr says how many, and
the trace's last line is a comment (# cordon record: {...}, skipped by trace readers) with the
counts. Syscall events are taken at entry (no return value); calls with numbers beyond
Cordon's syscall tables (x32) are counted but not streamed.

Needs root and eBPF (BTF, ring buffer, tp_btf programs), or bpftrace (--backend bpftrace, and
what auto falls back to). Without either record refuses; record with strace instead, which
cordon dry-run also reads:  strace -f -y -o FILE -- COMMAND

Exit status: the command's (128+N when killed by signal N); 1 when Cordon refused or failed
(no eBPF, invalid policy, unwritable FILE) or, with --fail-on-loss, events were lost;
127/126 command not found / not executable; 2 usage error.

Examples:
  sudo cordon record -o app.jsonl -- ./app --serve
  cordon dry-run policy.yaml --trace app.jsonl
  sudo cordon record -p builtin:baseline -o confined.jsonl -- python3 job.py
  sudo cordon record -- make test > make.jsonl`;

type ReportFormat = "text" | "json";

/** Writes all of `bytes` to `file`, whatever each write takes. */
function writeAll(file: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  for (let n = 0; n < bytes.length;) n += file.writeSync(bytes.subarray(n));
}

/** `--ring-mb N` in bytes (a power of two from 1 to 1024 MiB), for `record` and `learn`. */
export function ringBytes(values: Record<string, unknown>): number | undefined {
  const mb = integer(values as Parameters<typeof integer>[0], "ring-mb");
  if (mb === undefined) return undefined;
  if (mb < 1 || mb > 1024 || (mb & (mb - 1)) !== 0) {
    throw new UsageError(`--ring-mb must be a power of two from 1 to 1024, not ${mb}`);
  }
  return mb << 20;
}

function summaryText(s: RecordSummary, where: string): string {
  const seconds = s.ms / 1000;
  const rate = seconds > 0 ? Math.round(s.events / seconds) : 0;
  const kinds = `${s.byKind.syscall} syscall, ${s.byKind.file} file, ` +
    `${s.byKind.network} network, ${s.byKind.process} process`;
  const parts = [
    `${s.events} events (${kinds}) written to ${where} in ${seconds.toFixed(2)} s ` +
    `(${rate} events/s, ${(s.bytes / (1 << 20)).toFixed(1)} MiB)`,
    `${s.processes} process${s.processes === 1 ? "" : "es"}` +
    (s.running ? ` (${s.running} still running: their later activity is not recorded)` : ""),
    s.lost
      ? `${s.lost} events LOST (ring buffer full): the trace is incomplete; try a larger --ring-mb`
      : "0 events lost",
  ];
  if (s.unstreamed) {
    parts.push(
      `${s.unstreamed} calls with numbers beyond Cordon's syscall tables were counted but are ` +
        `not in the trace`,
    );
  }
  return parts.join("; ");
}

async function loadSet(policies: string[], report: Report): Promise<FilterSet | number> {
  if (policies.length === 0) return { version: 1, layers: [] };
  try {
    return (await loadPolicies(policies, { arches: hostArches() })).filters;
  } catch (error) {
    const code = reportPolicyErrors(error, "record");
    if (code !== undefined) return code;
    if (error instanceof PolicyErrors || error instanceof PolicyError) {
      report("error", error.message);
      return EXIT.failed;
    }
    throw error;
  }
}

/** What `record` needs of a recorder: the eBPF one, or a tracing script's. */
interface CommandRecorder extends AsyncDisposable {
  /** The tracer's name, when a tracing script records. */
  readonly tracer?: string;
  attach(pid: number, argv: readonly string[]): void | Promise<void>;
  finish(): RecordSummary | Promise<RecordSummary>;
}

/**
 * The recorder `backend` asks for: Cordon's eBPF monitor (`linux`), a tracing script
 * (`bpftrace`, `dtrace`), or the first of them that can record here (`auto`).
 */
async function openRecorder(
  backend: "auto" | "linux" | "bpftrace" | "dtrace",
  write: (bytes: Uint8Array) => void,
  ring: number | undefined,
): Promise<CommandRecorder> {
  if (backend === "bpftrace" || backend === "dtrace") {
    const recorder = await TraceRecorder.open(write, { tracer: backend });
    try {
      await recorder.check();
    } catch (error) {
      await recorder[Symbol.asyncDispose]();
      throw error;
    }
    return {
      tracer: recorder.tracer,
      attach: (pid) => recorder.attach(pid),
      finish: () => recorder.finish(),
      [Symbol.asyncDispose]: () => recorder[Symbol.asyncDispose](),
    };
  }
  try {
    const recorder = Recorder.open(write, { ...(ring === undefined ? {} : { ringBytes: ring }) });
    return {
      attach: (pid, argv) => recorder.attach(pid, argv),
      finish: () => recorder.finish(),
      [Symbol.asyncDispose]: () => Promise.resolve(recorder[Symbol.dispose]()),
    };
  } catch (error) {
    if (backend === "linux" || !(error instanceof NotSupportedError)) throw error;
    try {
      return await openRecorder("bpftrace", write, ring);
    } catch (fallback) {
      if (fallback instanceof TracerError) throw error; // say why eBPF could not
      throw fallback;
    }
  }
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals, rest } = parseArgs(argv, OPTIONS);
  // --format is, as on every command, how Cordon's own output is printed (text or json); jsonl,
  // the trace's format, is accepted too (the only one the trace has).
  const format = choice(values, "format", ["text", "json", "jsonl"] as const, "text");
  const reportFormat = choice(
    values,
    "report-format",
    ["text", "json"] as const,
    format === "json" ? "json" : "text",
  );
  const report = launchReporter("record", reportFormat);
  const command = [...positionals, ...rest];
  if (command.length === 0) throw new UsageError("no command given; put it after --");
  if (positionals.length > 0) {
    throw new UsageError(`put the command after --: cordon record -- ${command.join(" ")}`);
  }
  const ring = ringBytes(values);
  if (values.output === "") throw new UsageError("-o takes a file name");
  const output = typeof values.output === "string" && values.output !== "-"
    ? values.output
    : undefined;
  const toStdout = output === undefined;
  if (toStdout && Deno.stdout.isTerminal()) {
    throw new UsageError(
      "the trace would be written to the terminal; give -o FILE or redirect standard output",
    );
  }
  const policies = (values.policy as string[] | undefined) ?? [];
  const allowDegraded = values["allow-degraded"] === true;
  const set = await loadSet(policies, report);
  if (typeof set === "number") return set;

  const backend = choice(
    values,
    "backend",
    ["auto", "linux", "bpftrace", "dtrace"] as const,
    "auto",
  );

  // Refusals come before the trace file is touched: a refused recording changes nothing.
  let sink: { writeSync(p: Uint8Array): number } = Deno.stdout;
  const write = (bytes: Uint8Array) => writeAll(sink, bytes);
  let recorder: CommandRecorder;
  try {
    recorder = await openRecorder(backend, write, ring);
  } catch (error) {
    if (!(error instanceof NotSupportedError) && !(error instanceof TracerError)) throw error;
    report(
      "error",
      `refusing to record ${command[0]}: recording needs ${error.message}; without eBPF or ` +
        `bpftrace, record with strace, which cordon dry-run also reads: strace -f -y -o FILE -- ` +
        command.join(" "),
      { code: error.code, feature: RECORD_MECHANISM },
    );
    return EXIT.failed;
  }
  await using _recorder = recorder;
  if (recorder.tracer) report("info", `recording through ${recorder.tracer} (a tracing script)`);
  try {
    resolveCommand(command[0]!, Deno.env.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin");
  } catch (error) {
    if (!(error instanceof LaunchError)) throw error;
    report("error", error.message, { code: error.code, stage: error.stage });
    return error.exitCode;
  }
  let file: Deno.FsFile | undefined;
  if (output !== undefined) {
    try {
      file = Deno.openSync(output, { write: true, create: true, truncate: true });
    } catch (error) {
      report("error", `cannot write the trace to "${output}": ${fileErrorText(error)}`);
      return EXIT.failed;
    }
    sink = file;
  }
  using _file = file;

  const onDegraded = reportDegradations(report);
  let result: RunResult;
  try {
    result = await runConfined({
      set,
      command,
      allowDegraded,
      onDegraded,
      beforeStart: (pid) => recorder.attach(pid, command),
      ...(toStdout ? { stdout: "piped" as const } : {}),
    });
  } catch (error) {
    return launchFailureStatus(error, "record", command[0]!, report);
  }
  if (result.stdout) writeAll(Deno.stderr, result.stdout);
  let summary: RecordSummary;
  try {
    summary = await recorder.finish();
    writeAll(sink, new TextEncoder().encode(recordTrailer(summary, command, result.code)));
  } catch (error) {
    report("error", `writing the trace failed: ${(error as Error).message}`);
    return EXIT.failed;
  }
  if (result.signal !== null) report("exit", `${command[0]} killed by ${result.signal}`);
  const where = output ?? "standard output";
  if (reportFormat === "json") {
    report("summary", summaryText(summary, where), {
      ...summary,
      trace: where,
      exitCode: result.code,
    });
  } else {
    report("summary", summaryText(summary, where));
  }
  if (!summary.execSeen) report("warning", `${command[0]}'s execve was not seen`);
  if (summary.lost > 0 && values["fail-on-loss"] === true) return EXIT.failed;
  return result.code;
}

/**
 * `cordon record`.
 *
 * @example
 * ```ts
 * import { recordCommand } from "./cmd_record.ts";
 * if (recordCommand.name !== "record" || !recordCommand.help.includes("--fail-on-loss")) {
 *   throw new Error();
 * }
 * ```
 */
export const recordCommand: Command = {
  name: "record",
  summary: "record a command's syscalls, files, sockets and processes as a dry-run trace (eBPF)",
  help: HELP,
  run,
};
