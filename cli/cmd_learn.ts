/**
 * `cordon learn`: runs a command under Cordon's eBPF recorder (its whole process tree, as
 * `cordon record`) and writes the least-privilege policy `cordon generate` would learn from the
 * trace. Refuses to write a policy when the recording lost events.
 *
 * @module
 */

import { ringBytes } from "./cmd_record.ts";
import { fileErrorText } from "../policies/errors.ts";
import { type Command, EXIT, UsageError } from "./command.ts";
import { choice, parseArgs } from "./parse_args.ts";
import { launchFailureStatus, launchReporter } from "./launch_report.ts";
import {
  loadBase,
  pathExists,
  POLICY_OPTIONS,
  POLICY_OPTIONS_HELP,
  policyDate,
  policyName,
  sha256,
  writePolicy,
} from "./cmd_generate.ts";
import { resolveCommand } from "../backends/linux/run.ts";
import { LaunchError } from "../backends/linux/launcher.ts";
import { NotSupportedError } from "../backends/linux/errors.ts";
import { RECORD_MECHANISM } from "../backends/linux/recorder.ts";
import { recordConfined, type RecordedRun } from "../backends/linux/record_run.ts";
import { policyFromTrace } from "../engine/generate_policy.ts";
import { profileFromTrace } from "../engine/syscall_baseline.ts";

const OPTIONS = {
  ...POLICY_OPTIONS,
  trace: { type: "string" },
  profile: { type: "string" },
  "ring-mb": { type: "string" },
} as const;

const HELP = `cordon learn: run a command and write the least-privilege policy it needs

Usage: cordon learn -o FILE [--name N] [--base B] [--trace T] [options] -- COMMAND [ARG]...

Runs COMMAND in the sandbox cordon run gives it (as root: namespaces, no Linux capabilities),
with every call allowed and writes anywhere, while Cordon's eBPF monitor records every syscall of its process
tree, its files, sockets, forks and execs (exactly as cordon record), then writes the policy
cordon generate learns from that trace: see cordon generate --help for what it contains.
The command keeps Cordon's stdin, stdout, stderr, environment and working directory.

Trust: when the kernel lost events (the ring buffer was full) no policy is written: the
message says how many and how to re-run. What the recording could not see (calls without
the path or address, processes still running at the end, calls beyond Cordon's syscall
tables) is listed in the summary and in the policy's header.

Run the program the way it will run under cordon run, through every path it needs: a
learned policy allows what was observed and nothing else.

Options (-o FILE is required: standard output is the command's):
${POLICY_OPTIONS_HELP}
      --trace T       also keep the recorded trace in T (JSON Lines; cordon generate and
                      cordon dry-run read it)
      --profile F     also write the run's syscall-frequency baseline to F (JSON: calls and
                      calls per second of each syscall), for cordon monitor --baseline F
      --ring-mb N     ring-buffer size in MiB, a power of two (default 64)
  -h, --help          show this help

Needs root and eBPF (as cordon record). Without them, record with strace and generate:
  strace -f -y -o T -- COMMAND...   then   cordon generate T -o P.yaml

Exit codes: 0 policy written, 1 refused (lost events, no eBPF, the command could not be
started, unwritable output), 2 usage. The command's own exit status is in the summary.

Examples:
  sudo cordon learn -o ls.yaml -- ls -la /etc
  sudo cordon run --policy ls.yaml -- ls -la /etc
  sudo cordon learn -o job.yaml --name job --base none --trace job.jsonl -- python3 job.py
  sudo cordon learn -o app.yaml --profile app.json -- ./app   then   cordon monitor --comm app --baseline app.json`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals, rest } = parseArgs(argv, OPTIONS);
  const format = choice(values, "format", ["text", "json"] as const, "text");
  const command = [...positionals, ...rest];
  if (command.length === 0) throw new UsageError("no command given; put it after --");
  if (positionals.length > 0) {
    throw new UsageError(`put the command after --: cordon learn -- ${command.join(" ")}`);
  }
  if (typeof values.output !== "string" || values.output === "" || values.output === "-") {
    // The command's own output goes to standard output: the policy needs a file of its own.
    throw new UsageError("give the policy file with -o FILE (standard output is the command's)");
  }
  const output: string = values.output;
  const ring = ringBytes(values);
  const date = policyDate(values);
  const name = policyName(values, command);
  const base = await loadBase(typeof values.base === "string" ? values.base : "builtin:baseline");
  if (typeof base === "number") return base;
  const report = launchReporter("learn", format);

  try {
    resolveCommand(command[0]!, Deno.env.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin");
  } catch (error) {
    if (!(error instanceof LaunchError)) throw error;
    report("error", error.message, { code: error.code, stage: error.stage });
    return EXIT.failed;
  }
  let recorded: RecordedRun;
  try {
    recorded = await recordConfined({
      command,
      ...(ring === undefined ? {} : { ringBytes: ring }),
    });
  } catch (error) {
    if (error instanceof NotSupportedError && error.feature === RECORD_MECHANISM) {
      report(
        "error",
        `refusing to learn ${command[0]}: recording needs ${error.message}; without eBPF, ` +
          `record with strace and generate: strace -f -y -o T -- ${command.join(" ")}; ` +
          `cordon generate T`,
        { code: error.code, feature: RECORD_MECHANISM },
      );
      return EXIT.failed;
    }
    launchFailureStatus(error, "learn", command[0]!, report);
    return EXIT.failed;
  }
  const { run: result, summary, trace: bytes } = recorded;
  if (typeof values.trace === "string") {
    try {
      Deno.writeFileSync(values.trace, bytes);
    } catch (error) {
      report("error", `cannot write the trace to "${values.trace}": ${fileErrorText(error)}`);
      return EXIT.failed;
    }
  }
  if (summary.lost > 0) {
    report(
      "error",
      `refusing to write a policy: ${summary.lost} events were lost while recording ` +
        `${command[0]} (the ring buffer was full), so the policy would miss calls; re-run with ` +
        `a larger ring buffer: cordon learn --ring-mb ${
          Math.min(1024, Math.max(128, (ring ?? 64 << 20) >> 18))
        } ...`,
      { lost: summary.lost },
    );
    return EXIT.failed;
  }
  if (!summary.execSeen) {
    report("error", `refusing to write a policy: ${command[0]}'s execve was not seen`);
    return EXIT.failed;
  }
  if (result.code !== 0) {
    report(
      "warning",
      `${command[0]} exited with status ${result.code}: the policy allows what this run did`,
    );
  }
  if (typeof values.profile === "string") {
    const profile = profileFromTrace(new TextDecoder().decode(bytes), command);
    try {
      Deno.writeTextFileSync(values.profile, JSON.stringify(profile, null, 2) + "\n");
    } catch (error) {
      report(
        "error",
        `cannot write the profile to "${values.profile}": ${fileErrorText(error)}`,
      );
      return EXIT.failed;
    }
  }
  const digest = await sha256(bytes);
  const traceName = typeof values.trace === "string" ? values.trace : "(recorded by cordon learn)";
  const generated = policyFromTrace(
    new TextDecoder().decode(bytes),
    { name: traceName, sha256: digest },
    {
      name,
      ...(base === undefined ? {} : { base }),
      date,
      command,
      exists: pathExists,
      cwd: Deno.cwd(),
    },
  );
  return writePolicy("learn", generated, output, format, {
    command,
    exitCode: result.code,
    events: summary.events,
    lost: summary.lost,
    processes: summary.processes,
    trace: { name: traceName, sha256: digest },
  });
}

/**
 * `cordon learn`.
 *
 * @example
 * ```ts
 * import { learnCommand } from "./cmd_learn.ts";
 * if (learnCommand.name !== "learn" || !learnCommand.help.includes("lost")) throw new Error();
 * ```
 */
export const learnCommand: Command = {
  name: "learn",
  summary: "run a command under the eBPF recorder and write the least-privilege policy it needs",
  help: HELP,
  run,
};
