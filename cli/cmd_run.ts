/**
 * `cordon run`: runs a command confined by policies (seccomp filters installed by a launcher
 * before `execve`). The command's stdio, environment, working directory and exit status pass
 * through; Cordon's own messages go to stderr.
 *
 * @module
 */

import type { Arch } from "../policies/types.ts";
import { PolicyError, PolicyErrors } from "../policies/errors.ts";
import { type Command, EXIT, UsageError } from "./command.ts";
import { choice, parseArgs } from "./parse_args.ts";
import { loadPolicies, parseArches, reportPolicyErrors } from "./load_policies.ts";
import {
  FilterPlanError,
  hostArches,
  nativeArch,
  runConfined,
  type RunResult,
  unenforcedSections,
} from "../backends/linux/run.ts";
import { LaunchError } from "../backends/linux/launcher.ts";
import { NotSupportedError } from "../backends/linux/errors.ts";

const OPTIONS = {
  policy: { type: "string", short: "p", multiple: true },
  arch: { type: "string", short: "a", multiple: true },
  "allow-degraded": { type: "boolean" },
  "unknown-syscalls": { type: "string" },
  format: { type: "string" },
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
                         (filesystem: Landlock; network: cgroup BPF; limits: eBPF); each
                         unenforced section is reported. Without it, such policies are refused
      --unknown-syscalls enosys|default
                         syscall numbers newer than Cordon's tables: ENOSYS (default, so libc
                         falls back to older calls) or the policy's default action
      --format F         Cordon's own report lines on stderr: text (default) or json (one
                         object per line)
  -h, --help             show this help

Exit status: the command's; 128+N when it was killed by signal N (a seccomp kill shows as
SIGSYS, 159); 127 command not found; 126 command not executable; 1 when Cordon refused or
failed to confine it (invalid policy, seccomp unavailable, filter rejected by the kernel);
2 usage error.

Examples:
  cordon run --policy examples/policies/cli-tool.yaml -- ls -l /usr
  cordon run -p builtin:baseline -p extra.yaml -- python3 script.py
  cordon run -p audit.yaml --format json -- make test`;

type Format = "text" | "json";

function reporter(format: Format) {
  return (event: string, text: string, fields: Record<string, unknown> = {}) => {
    if (format === "json") console.error(JSON.stringify({ event, message: text, ...fields }));
    else console.error(`cordon run: ${text}`);
  };
}

const SIGNAL_NOTES: Readonly<Record<string, string>> = {
  SIGSYS: "bad system call: a seccomp kill or trap action of the policy; see the kernel log",
};

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

/** `cordon run`. */
export const runCommand: Command = {
  name: "run",
  summary: "run a command confined by policies (seccomp, installed before execve)",
  help: HELP,
  async run(argv: string[]): Promise<number> {
    const { values, positionals, rest } = parseArgs(argv, OPTIONS);
    const format = choice(values, "format", ["text", "json"] as const, "text");
    const report = reporter(format);
    const command = [...positionals, ...rest];
    const policies = (values.policy as string[] | undefined) ?? [];
    if (policies.length === 0) throw new UsageError("at least one --policy is required");
    if (command.length === 0) throw new UsageError("no command given; put it after --");
    if (positionals.length > 0) {
      throw new UsageError(`put the command after --: cordon run -p P -- ${command.join(" ")}`);
    }
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
      if (format === "json" && (error instanceof PolicyErrors || error instanceof PolicyError)) {
        const errors = error instanceof PolicyErrors ? error.errors : [error];
        for (const e of errors) report("error", e.message, { code: e.code });
        return EXIT.failed;
      }
      const code = reportPolicyErrors(error);
      if (code !== undefined) return code;
      throw error;
    }

    const allowDegraded = values["allow-degraded"] === true;
    const unenforced = unenforcedSections(loaded.filters);
    if (allowDegraded || !unenforced.some((d) => d.blocking)) {
      for (const d of unenforced) {
        const where = `${d.loc.file}:${d.loc.line}:${d.loc.column}`;
        report(
          "degraded",
          `${where}: the ${d.section} rules of policy "${d.policy}" are NOT enforced ` +
            `(${d.mechanism} is not applied by this run)`,
          { policy: d.policy, section: d.section, mechanism: d.mechanism },
        );
      }
    }
    for (const layer of loaded.filters.layers) {
      if (layer.mode !== "audit") continue;
      report(
        "audit",
        `policy "${layer.policy}" is in audit mode: what it would deny is allowed and logged ` +
          `by the kernel (audit type 1326, SECCOMP)`,
        { policy: layer.policy },
      );
    }

    let result: RunResult;
    try {
      result = await runConfined({ set: loaded.filters, command, arches, allowDegraded });
    } catch (error) {
      if (error instanceof LaunchError) {
        report("error", error.message, { code: error.code, stage: error.stage });
        return error.code === "COMMAND_NOT_FOUND" || error.code === "COMMAND_NOT_EXECUTABLE"
          ? error.exitCode
          : EXIT.failed;
      }
      if (error instanceof NotSupportedError) {
        report("error", `refusing to run ${command[0]}: ${error.message}`, {
          code: error.code,
          feature: error.feature,
        });
        return EXIT.failed;
      }
      if (error instanceof FilterPlanError) {
        report("error", error.message, { code: error.code, policy: error.policy });
        return EXIT.failed;
      }
      throw error;
    }
    const message = exitMessage(command[0]!, result);
    if (format === "json") {
      report("exit", message ?? `${command[0]} exited with code ${result.code}`, {
        code: result.code,
        signal: result.signal,
        pid: result.pid,
        startupMs: Math.round(result.startupMs * 10) / 10,
        filters: result.filters,
      });
    } else if (message) {
      report("exit", message);
    }
    return result.code;
  },
};
