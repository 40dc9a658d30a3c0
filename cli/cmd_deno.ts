/**
 * `cordon deno` (issue 15): runs `deno ARGS…` with Cordon as Deno's permission broker (the
 * policies' `deno` sections, see `engine/deno_permissions.ts`) and under `cordon run`'s kernel
 * confinement (seccomp, Landlock, cgroup) compiled from the same policies, so that what Deno
 * grants cannot reach further than the kernel allows: a child started through `--allow-run` or
 * code loaded through `--allow-ffi` is still confined.
 *
 * @module
 */

import { explainHandlers, reportExplain } from "./explain_report.ts";
import { PolicyError, PolicyErrors } from "../policies/errors.ts";
import { type Command, UsageError } from "./command.ts";
import { choice, parseArgs } from "./parse_args.ts";
import { loadPolicies, reportPolicyErrors } from "./load_policies.ts";
import {
  EXIT_RUN_FAILED,
  launchFailureStatus,
  launchReporter,
  newRunId,
  type Report,
  reportDegradations,
  runLaunching,
} from "./launch_report.ts";
import { resolveCommand, runConfined, type RunResult } from "../backends/linux/run.ts";
import { decideDenoPermission } from "../engine/deno_permissions.ts";
import { formatLocation } from "../policies/types.ts";
import {
  type BrokerDecision,
  DENO_BROKER_ENV,
  PermissionBroker,
} from "../engine/permission_broker.ts";
import type { DenoPermissionCheck, DenoPermissionDecision } from "../engine/deno_permissions.ts";
import {
  generateDenoPolicy,
  learnedPolicyName,
  withLearnedDenoSection,
} from "../compile/generate_deno_policy.ts";
import { policyFromTrace } from "../engine/generate_policy.ts";
import { recordConfined, type RecordedRun } from "../backends/linux/record_run.ts";
import { RECORD_MECHANISM } from "../backends/linux/recorder.ts";
import { NotSupportedError } from "../backends/linux/errors.ts";
import { loadBase, pathExists, sha256 } from "./cmd_generate.ts";
import { compilePolicies } from "../compile/compile.ts";
import { denoRuntime, grantDenoRuntime } from "../engine/deno_runtime.ts";

/** `--learn`'s answer: everything is allowed (and recorded). */
function learning(check: DenoPermissionCheck): DenoPermissionDecision {
  return {
    result: "allow",
    action: "allow",
    policy: null,
    ruleId: null,
    source: "deno.default",
    loc: null,
    reason: `cordon: allowed ${check.permission} while learning (cordon deno --learn)`,
  };
}

/** `--learn` without policies: Deno started directly, with only the broker. */
async function runPlain(
  deno: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<Pick<RunResult, "code" | "signal" | "pid" | "startupMs">> {
  const child = new Deno.Command(deno, { args: [...args], env }).spawn();
  const status = await child.status;
  return {
    code: status.signal === null ? status.code : 128 + status.code,
    signal: status.signal,
    pid: child.pid,
    startupMs: 0,
  };
}

const OPTIONS = {
  policy: { type: "string", short: "p", multiple: true },
  deno: { type: "string" },
  "allow-degraded": { type: "boolean" },
  format: { type: "string" },
  quiet: { type: "boolean", short: "q" },
  learn: { type: "boolean" },
  output: { type: "string", short: "o" },
  explain: { type: "boolean" },
} as const;

const HELP =
  `cordon deno: run a Deno program with Cordon as its permission broker, confined in the kernel

Usage: cordon deno --policy P [--policy Q]... [options] -- DENO_ARG...
       cordon deno --learn -o OUT.yaml [--policy P]... [options] -- DENO_ARG...

Runs "deno DENO_ARG..." (e.g. -- run app.ts) with two layers from the same policies:
  - Deno's permission checks go to Cordon (DENO_PERMISSION_BROKER_PATH): each policy's deno
    section answers them; a check its rules do not decide follows the filesystem and network
    sections (a filesystem.read path is a read grant), then deno.default (deny). A deny raises
    NotCapable in the program, whose message names the deciding rule's FILE:LINE:COL. Deno's
    --allow-* flags do not widen this: the broker is asked for every check.
  - The deno process and everything it starts (--allow-run children, FFI code) run as under
    cordon run: seccomp filters, Landlock (filesystem), cgroup BPF (network, devices, Unix
    sockets), the read-only view as root. Deno's binary must be executable (filesystem.execute)
    and its files and DENO_DIR readable (filesystem.read) under the policies.

Options:
  -p, --policy P         a policy file, builtin:NAME or - (repeatable; at least one)
      --deno PATH        the Deno executable (default: deno on PATH, else this Cordon's Deno)
      --allow-degraded   run even when a kernel mechanism the policies need is unavailable
                         (each unenforced section is reported)
      --format F         Cordon's lines on stderr: text (default: denials, logged checks and a
                         summary) or json (one object per line: every decision, "permission"
                         events, and the summary)
  -q, --quiet            text format: only denials and the summary
      --explain          also report each kernel denial (seccomp, cgroup network rules) as it
                         happens, with the deciding rule's FILE:LINE:COL, as cordon run
                         --explain does (docs/explain.md); Deno and what it starts see the
                         same errno as without it
      --learn            allow every Deno permission check and write a policy whose deno
                         section allows exactly the checks seen (-o FILE, or -o - for
                         stdout). As root the run is recorded with eBPF too and the policy
                         has the kernel sections learned from it (as cordon learn). With
                         --policy the run is confined in the kernel by those policies;
                         without, by the learning sandbox as root, else not at all
  -o, --output FILE      where --learn writes the policy
  -h, --help             show this help

Exit status: Deno's (128+N when killed by signal N); 125 when cordon deno itself failed or
refused (usage error, invalid policy, a kernel mechanism unavailable, launcher failure).
Deno exits 87 when its broker is unreachable or answers malformed: it fails closed.

Examples:
  cordon deno --policy examples/policies/deno-app.yaml -- run examples/deno_app.ts
  cordon deno -p app.yaml --format json -- run --allow-run main.ts
  cordon deno --learn -o app.yaml -- run main.ts`;

/** Finds the Deno to run: `--deno`, else `deno` on PATH, else the running Deno. */
function denoExecutable(given: string | undefined): string {
  const path = Deno.env.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
  if (given !== undefined) {
    if (given === "") throw new UsageError("--deno needs a path");
    return Deno.realPathSync(resolveCommand(given, path));
  }
  try {
    return Deno.realPathSync(resolveCommand("deno", path));
  } catch {
    return Deno.execPath();
  }
}

function reportDecision(
  d: BrokerDecision,
  format: "text" | "json",
  quiet: boolean,
  report: Report,
) {
  const { check, decision } = d;
  const value = check.value === null ? "(all)" : check.value;
  const fields = {
    id: d.id,
    pid: d.pid,
    permission: check.permission,
    value: check.value,
    result: decision.result,
    action: decision.action,
    policy: decision.policy,
    rule: decision.ruleId,
    source: decision.source,
    loc: decision.loc === null
      ? null
      : { file: decision.loc.file, line: decision.loc.line, column: decision.loc.column },
    reason: decision.reason,
    micros: d.micros,
  };
  const shown = format === "json" || decision.action === "deny" ||
    (decision.action === "log" && !quiet);
  const verb = decision.action === "deny" ? "DENY" : decision.action === "log" ? "LOG" : "allow";
  report(
    "permission",
    `${verb} ${check.permission} ${value}: ${decision.reason.replace(/^cordon: /, "")}`,
    fields,
    { text: shown },
  );
}

/**
 * The policy `cordon deno --learn` writes from a recorded run: the kernel sections learned from
 * the trace (extending builtin:baseline) and the deno section from the checks; `undefined`, after
 * saying why, when the trace cannot be trusted (events lost, the exec not seen).
 */
async function learnedKernelPolicy(
  recorded: RecordedRun,
  checks: readonly DenoPermissionCheck[],
  name: string,
  command: readonly string[],
  report: Report,
): Promise<string | undefined> {
  const { summary, trace } = recorded;
  if (summary.lost > 0 || !summary.execSeen) {
    report(
      "error",
      summary.lost > 0
        ? `refusing to write a policy: ${summary.lost} events were lost while recording Deno`
        : "refusing to write a policy: Deno's execve was not seen",
      { lost: summary.lost },
    );
    return undefined;
  }
  const base = await loadBase("builtin:baseline");
  if (base === undefined || typeof base === "number") return undefined;
  const identity = { name: "(recorded by cordon deno --learn)", sha256: await sha256(trace) };
  const generated = policyFromTrace(new TextDecoder().decode(trace), identity, {
    name: learnedPolicyName(name),
    base,
    date: new Date(),
    command,
    exists: pathExists,
    cwd: Deno.cwd(),
  });
  return withLearnedDenoSection(generated.yaml, checks);
}

async function denoCli(argv: string[], setReport: (r: Report) => void): Promise<number> {
  const { values, positionals, rest } = parseArgs(argv, OPTIONS);
  const format = choice(values, "format", ["text", "json"] as const, "text");
  const quiet = values.quiet === true;
  const report = launchReporter("deno", format, { runId: newRunId() });
  setReport(report);
  const args = [...positionals, ...rest];
  const policies = (values.policy as string[] | undefined) ?? [];
  const learn = values.learn === true;
  const output = values.output as string | undefined;
  if (learn && (output === undefined || output === "")) {
    throw new UsageError("--learn needs -o FILE (or -o - for standard output)");
  }
  if (!learn && output !== undefined) throw new UsageError("-o is for --learn");
  if (policies.length === 0 && !learn) throw new UsageError("at least one --policy is required");
  if (args.length === 0) throw new UsageError("no Deno arguments given; put them after --");
  if (positionals.length > 0) {
    throw new UsageError(`put Deno's arguments after --: cordon deno -p P -- ${args.join(" ")}`);
  }
  const deno = denoExecutable(values.deno as string | undefined);

  let loaded;
  try {
    loaded = policies.length === 0 ? undefined : await loadPolicies(policies);
  } catch (error) {
    if (!(error instanceof PolicyErrors || error instanceof PolicyError)) throw error;
    const errors = error instanceof PolicyErrors ? error.errors : [error];
    for (const e of errors) report("error", e.message, { code: e.code }, { text: false });
    if (format === "text") reportPolicyErrors(error, "deno");
    return EXIT_RUN_FAILED;
  }
  const layers = loaded?.resolved ?? [];
  // The kernel layer also lets Deno read and run its own files; the broker decides on `layers`.
  const runtime = denoRuntime(deno);
  const kernelFilters = loaded === undefined
    ? undefined
    : compilePolicies(grantDenoRuntime(loaded.resolved, runtime));
  // As root, learning records the run with eBPF and learns the kernel sections too.
  const recordable = learn && Deno.build.os === "linux" && Deno.uid() === 0;
  if (learn && loaded === undefined && !recordable) {
    report(
      "degraded",
      "learning without --policy: Deno runs with the broker only, NOT confined in the kernel",
      { section: "kernel" },
    );
  }
  const learned: DenoPermissionCheck[] = [];
  for (const layer of layers) {
    const sections = [
      layer.filesystem && `filesystem (Landlock) ${formatLocation(layer.filesystem.loc)}`,
      layer.network && `network (cgroup BPF) ${formatLocation(layer.network.loc)}`,
      layer.deno && `deno (broker) ${formatLocation(layer.deno.loc)}`,
    ].filter((s): s is string => typeof s === "string");
    report(
      "policy",
      `policy "${layer.name}": seccomp ${formatLocation(layer.loc)}` +
        (sections.length ? `, ${sections.join(", ")}` : ""),
      { policy: layer.name },
      { text: !quiet },
    );
  }
  if (layers.some((l) => l.filesystem)) {
    report(
      "runtime",
      `the kernel layer also lets Deno read and run ${runtime.executable} and read its ` +
        `DENO_DIR ${runtime.denoDir}`,
      { ...runtime },
      { text: !quiet },
    );
  }

  // The broker's socket, in a directory of its own that the guard lets the command reach.
  const dir = Deno.makeTempDirSync({ prefix: "cordon-deno-" });
  const socket = `${dir}/broker.sock`;
  const started = performance.now();
  let result: Pick<RunResult, "code" | "signal" | "pid" | "startupMs">;
  try {
    await using broker = PermissionBroker.listen({
      path: socket,
      decide: learn
        ? (check) => (learned.push(check), learning(check))
        : (check) => decideDenoPermission(layers, check),
      onDecision: (d) => reportDecision(d, format, quiet, report),
      onProtocolError: (e) =>
        report("error", `broker: ${e.message}; connection closed (Deno stops)`, { code: e.code }),
    });
    const uid = layers.map((l) => l.privileges?.user?.uid).find((u) => u !== undefined);
    if (uid !== undefined) {
      Deno.chownSync(dir, uid, null);
      Deno.chownSync(socket, uid, null);
    }
    report("start", `running ${deno} ${args.join(" ")}`, { deno, args, policies, socket }, {
      text: false,
    });
    let recorded: RecordedRun | undefined;
    try {
      if (recordable) {
        try {
          recorded = await recordConfined({
            ...(kernelFilters === undefined ? {} : { set: kernelFilters }),
            command: [deno, ...args],
            env: { [DENO_BROKER_ENV]: socket },
            extraUnixSockets: [socket],
            allowDegraded: values["allow-degraded"] === true,
          });
        } catch (error) {
          if (!(error instanceof NotSupportedError && error.feature === RECORD_MECHANISM)) {
            throw error;
          }
          report("degraded", `the kernel sections are not learned: ${error.message}`, {
            section: "kernel",
          });
        }
      }
      result = recorded?.run ??
        (loaded === undefined
          ? await runPlain(deno, args, { [DENO_BROKER_ENV]: socket })
          : await runConfined({
            set: kernelFilters!,
            command: [deno, ...args],
            env: { [DENO_BROKER_ENV]: socket },
            extraUnixSockets: [socket],
            allowDegraded: values["allow-degraded"] === true,
            onDegraded: reportDegradations(report),
            ...(values.explain === true ? { explain: explainHandlers(format, report) } : {}),
          }));
    } catch (error) {
      return launchFailureStatus(error, "run", "deno", report, EXIT_RUN_FAILED);
    }
    if (values.explain === true && kernelFilters !== undefined) {
      reportExplain(result, kernelFilters, format, report);
    }
    if (learn) {
      const name = output === "-"
        ? "learned-deno"
        : output!.replace(/^.*\//, "").replace(/\.ya?ml$/, "") || "learned-deno";
      const text = recorded === undefined
        ? generateDenoPolicy(learned, {
          name,
          command: args,
          date: new Date().toISOString(),
          denoExecutable: deno,
        })
        : await learnedKernelPolicy(recorded, learned, name, [deno, ...args], report);
      if (text === undefined) return EXIT_RUN_FAILED;
      if (output === "-") await Deno.stdout.write(new TextEncoder().encode(text));
      else Deno.writeTextFileSync(output!, text);
      report(
        "learned",
        `wrote ${output === "-" ? "the policy" : output} (${learned.length} checks)`,
        {
          output,
          checks: learned.length,
        },
      );
    }
    const c = broker.counts;
    const total = c.allow + c.log + c.deny;
    report(
      "exit",
      `deno exited with ${
        result.signal === null ? `code ${result.code}` : `signal ${result.signal}`
      }; ${total} permission checks: ${c.allow} allowed, ${c.log} logged, ${c.deny} denied` +
        (c.malformed ? `, ${c.malformed} malformed requests refused` : ""),
      {
        code: result.code,
        exitCode: result.signal === null ? result.code : null,
        signal: result.signal,
        pid: result.pid,
        checks: total,
        allowed: c.allow,
        logged: c.log,
        denied: c.deny,
        malformed: c.malformed,
        connections: c.connections,
        startupMs: Math.round(result.startupMs * 10) / 10,
        wallMs: Math.round(performance.now() - started),
      },
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
  return result.code;
}

/** `cordon deno`. */
export const denoCommand: Command = {
  name: "deno",
  summary: "run a Deno program with Cordon as its permission broker, confined in the kernel",
  help: HELP,
  run(argv: string[]): Promise<number> {
    // Every failure of cordon deno itself exits 125 (EXIT_RUN_FAILED), never the command's status.
    return runLaunching("deno", (setReport) => denoCli(argv, setReport));
  },
};
