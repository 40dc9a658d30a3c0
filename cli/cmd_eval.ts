/**
 * `cordon eval`: what policies decide for one syscall, and which rule decides it.
 *
 * @module
 */

import { letsCallRun } from "../policies/types.ts";
import type { Arch } from "../policies/types.ts";
import { ARCHES } from "../policies/types.ts";
import { syscallNumber } from "../policies/syscalls.ts";
import { errnoName } from "../policies/constants.ts";
import { CallInputError, parseArgInput, parseSyscallInput } from "../compile/call_input.ts";
import { evaluate, evaluateLayers, type Verdict } from "../compile/evaluate.ts";
import { describeAction, describeSource } from "../compile/describe_verdict.ts";
import type { ProcessInfo } from "../compile/target.ts";
import { stableJson } from "../compile/stable_json.ts";
import { type Command, EXIT, UsageError } from "./command.ts";
import { choice, integer, parseArgs } from "./parse_args.ts";
import { loadPolicies, parseArches, reportPolicyErrors } from "./load_policies.ts";

const OPTIONS = {
  syscall: { type: "string", short: "s" },
  arch: { type: "string", short: "a" },
  pid: { type: "string" },
  comm: { type: "string" },
  exe: { type: "string" },
  cgroup: { type: "string" },
  uid: { type: "string" },
  args: { type: "string" },
  format: { type: "string" },
} as const;

const HELP = [
  "cordon eval: what policies decide for one syscall, and which rule decides it",
  "",
  "Usage: cordon eval FILE... --syscall NAME|NR [--arch A] [--args V0,V1,...]",
  "                   [--pid N] [--comm C] [--exe PATH] [--cgroup PATH] [--uid N]",
  "                   [--format text|json]",
  "",
  "FILE is a policy file, builtin:NAME, or - for standard input; each policy is one layer and",
  "the strictest decision of the layers that target the process wins.",
  "",
  "Options:",
  "  -s, --syscall S   a syscall name, or its number on the architecture (decimal or 0x hex;",
  "                    on x32 a number below 0x40000000 gets the x32 bit)",
  `  -a, --arch A      ${ARCHES.join(", ")} (default x86_64)`,
  "      --args LIST   up to six arguments, comma-separated: numbers (decimal, negative,",
  "                    0x hex, 0o octal, 0b binary) or constants (AF_PACKET, O_RDONLY|O_CLOEXEC);",
  "                    missing ones are 0",
  "      --pid N, --comm C, --exe PATH, --cgroup PATH, --uid N",
  "                    the process making the call: policies whose target does not match it",
  "                    are skipped (a target field the options leave out does not match).",
  "                    Without any, every policy applies",
  "      --format F    text (default) or json",
  "",
  "Examples:",
  "  cordon eval builtin:baseline --syscall ptrace",
  "  cordon eval web.yaml --syscall socket --args AF_PACKET,SOCK_RAW --comm node --uid 1000",
  "",
  "Exit codes: 0 allowed or logged, 1 denied, killed, trapped (or traced/notified) or invalid",
  "policy, 2 usage error (such as an unknown syscall).",
].join("\n");

function parseSyscall(text: string, arch: Arch): { nr: number; name: string | null } {
  try {
    return parseSyscallInput(text, arch, { hint: true });
  } catch (error) {
    if (error instanceof CallInputError) throw new UsageError(error.message);
    throw error;
  }
}

function parseValue(text: string, position: number, arch: Arch): bigint {
  try {
    return parseArgInput(text, position, arch);
  } catch (error) {
    if (error instanceof CallInputError) throw new UsageError(`--args: ${error.message}`);
    throw error;
  }
}

function parseCallArgs(text: string | undefined, arch: Arch): bigint[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(",").map((s) => s.trim());
  if (items.length > 6) throw new UsageError(`--args takes at most 6 values, not ${items.length}`);
  return items.map((item, i) => item === "" ? 0n : parseValue(item, i, arch));
}

function processFrom(values: Record<string, unknown>): ProcessInfo | undefined {
  const pid = integer(values as never, "pid");
  const uid = integer(values as never, "uid");
  const comm = values.comm as string | undefined;
  const executable = values.exe as string | undefined;
  const cgroup = values.cgroup as string | undefined;
  if ([pid, uid, comm, executable, cgroup].every((v) => v === undefined)) return undefined;
  // pid 0 is no process: a target listing pids does not match when --pid is not given.
  const proc: { -readonly [K in keyof ProcessInfo]: ProcessInfo[K] } = { pid: pid ?? 0 };
  if (uid !== undefined) proc.uid = uid;
  if (comm !== undefined) proc.comm = comm;
  if (executable !== undefined) proc.executable = executable;
  if (cgroup !== undefined) proc.cgroup = cgroup;
  return proc;
}

function verdictJson(v: Verdict): Record<string, unknown> {
  return {
    action: v.action,
    errno: v.errno,
    errnoName: v.errno === undefined ? undefined : errnoName(v.errno),
    audited: v.audited,
    ruleId: v.ruleId,
    policy: v.policy,
    loc: v.layer === null ? null : { file: v.loc.file, line: v.loc.line, column: v.loc.column },
    layer: v.layer,
  };
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, OPTIONS);
  const format = choice(values, "format", ["text", "json"], "text");
  const archText = values.arch as string | undefined;
  const arches = parseArches(archText === undefined ? [] : [archText], ["x86_64"]);
  if (arches.length !== 1) throw new UsageError("--arch takes one architecture");
  const arch = arches[0]!;
  const syscallText = values.syscall as string | undefined;
  if (syscallText === undefined) throw new UsageError("--syscall NAME|NR is required");
  const { nr, name } = parseSyscall(syscallText, arch);
  const args = parseCallArgs(values.args as string | undefined, arch);
  const proc = processFrom(values);

  let loaded;
  try {
    loaded = await loadPolicies(positionals, { arches: [arch] });
  } catch (error) {
    const code = reportPolicyErrors(error, "eval");
    if (code === undefined) throw error;
    return code;
  }
  const call = args === undefined ? { arch, nr } : { arch, nr, args };
  const verdict = evaluate(loaded.filters, call, proc);
  const layers = evaluateLayers(loaded.filters, call, proc);
  const known = name !== null && syscallNumber(arch, name) === nr;
  const code = letsCallRun(verdict.action) ? EXIT.ok : EXIT.failed;

  if (format === "json") {
    console.log(
      stableJson({
        arch,
        syscall: { name, nr },
        args: args ?? [],
        process: proc ?? null,
        allowed: code === EXIT.ok,
        verdict: verdictJson(verdict),
        layers: layers.map(verdictJson),
      }).trimEnd(),
    );
    return code;
  }
  const shownArgs = args === undefined
    ? ""
    : ` with (${args.map((a) => `0x${a.toString(16)}`).join(", ")})`;
  const label = name === null ? `syscall ${nr}` : `${name}(${nr})`;
  console.log(`${label} on ${arch}${shownArgs}: ${describeAction(verdict)}`);
  console.log(`  ${describeSource(verdict, known)}`);
  if (layers.length > 1) {
    console.log("  layers (the strictest wins, ties to the first):");
    for (const layer of layers) {
      console.log(
        `    ${layer.layer} ${layer.policy}: ${describeAction(layer)}, ${
          describeSource(layer, known)
        }`,
      );
    }
  }
  return code;
}

/**
 * `cordon eval`.
 *
 * @example
 * ```ts
 * import { evalCommand } from "./cmd_eval.ts";
 * if (evalCommand.name !== "eval" || !evalCommand.help.includes("--syscall")) throw new Error();
 * ```
 */
export const evalCommand: Command = {
  name: "eval",
  summary: "show what policies decide for one syscall, and which rule decides it",
  help: HELP,
  run,
};
