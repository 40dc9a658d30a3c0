/**
 * `cordon demo`: the embedded default policy (`builtin:baseline`) taken through check, compile
 * and a handful of evaluations, in memory, on any host.
 *
 * @module
 */

import type { Action, Arch } from "../policies/types.ts";
import { ARCHES } from "../policies/types.ts";
import { syscallNumber } from "../policies/syscalls.ts";
import { lintPolicies } from "../compile/lint.ts";
import { summarizeFilterSet } from "../compile/summarize_filter_set.ts";
import { evaluate } from "../compile/evaluate.ts";
import { stableJson } from "../compile/stable_json.ts";
import { type Command, EXIT } from "./command.ts";
import { choice, parseArgs } from "./parse_args.ts";
import { loadPolicies, reportPolicyErrors } from "./load_policies.ts";
import { describeAction } from "../compile/describe_verdict.ts";
import { formatLocation } from "../policies/types.ts";

const PROFILE = "builtin:baseline";

/** One demonstrated call: what a program under the policy would get. */
interface DemoCall {
  readonly label: string;
  readonly arch: Arch;
  readonly syscall: string;
  readonly args?: readonly bigint[];
  readonly why: string;
}

// Constants are the Linux ABI values: AF_UNIX 1, AF_INET 2, SOCK_STREAM 1,
// CLONE_NEWUSER 0x10000000, SIGCHLD 17, TIOCSTI 0x5412.
const CALLS: readonly DemoCall[] = [
  { label: "read", arch: "x86_64", syscall: "read", why: "ordinary file I/O" },
  { label: "openat", arch: "x86_64", syscall: "openat", why: "opening files" },
  { label: "execve", arch: "x86_64", syscall: "execve", why: "running programs" },
  {
    label: "socket(AF_UNIX, SOCK_STREAM)",
    arch: "x86_64",
    syscall: "socket",
    args: [1n, 1n, 0n],
    why: "local IPC",
  },
  {
    label: "socket(AF_INET, SOCK_STREAM)",
    arch: "x86_64",
    syscall: "socket",
    args: [2n, 1n, 0n],
    why: "network: a child policy allows it",
  },
  { label: "ptrace", arch: "x86_64", syscall: "ptrace", why: "debugging other processes" },
  { label: "io_uring_setup", arch: "x86_64", syscall: "io_uring_setup", why: "bypasses seccomp" },
  {
    label: "clone(CLONE_NEWUSER|SIGCHLD)",
    arch: "x86_64",
    syscall: "clone",
    args: [0x10000011n],
    why: "new namespaces",
  },
  {
    label: "ioctl(0, TIOCSTI)",
    arch: "x86_64",
    syscall: "ioctl",
    args: [0n, 0x5412n],
    why: "terminal injection",
  },
  { label: "mount", arch: "x86_64", syscall: "mount", why: "filesystem administration" },
  { label: "init_module", arch: "x86_64", syscall: "init_module", why: "kernel modules" },
  {
    label: "ptrace (i386, int 0x80)",
    arch: "i386",
    syscall: "ptrace",
    why: "the same on every ABI",
  },
];

const OPTIONS = { format: { type: "string" } } as const;

const HELP = [
  "cordon demo: the embedded default policy (builtin:baseline) through check, compile and eval",
  "",
  "Usage: cordon demo [--format text|json]",
  "",
  "Runs in memory on any host: nothing is installed or enforced.",
  "",
  "Options:",
  "  --format F   text (default; colored on a terminal unless NO_COLOR is set) or json",
  "",
  "Exit codes: 0 ok, 1 the embedded policy failed its check, 2 usage error.",
].join("\n");

const COLORS: Readonly<Record<Action | "dim" | "bold", [number, number]>> = {
  allow: [32, 39],
  log: [36, 39],
  trace: [35, 39],
  notify: [35, 39],
  deny: [33, 39],
  trap: [35, 39],
  kill_thread: [31, 39],
  kill: [31, 39],
  dim: [2, 22],
  bold: [1, 22],
};

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs(argv, OPTIONS);
  const format = choice(values, "format", ["text", "json"], "text");
  const color = format === "text" && Deno.stdout.isTerminal() && !Deno.noColor;
  const paint = (style: keyof typeof COLORS, text: string) => {
    const [on, off] = COLORS[style];
    return color ? `\x1b[${on}m${text}\x1b[${off}m` : text;
  };

  const started = performance.now();
  let loaded;
  try {
    loaded = await loadPolicies([PROFILE], { arches: ARCHES });
  } catch (error) {
    const code = reportPolicyErrors(error, "demo");
    if (code === undefined) throw error;
    return code;
  }
  const compileMs = performance.now() - started;
  const findings = lintPolicies(loaded.set, loaded.resolved, loaded.filters);
  const count = (severity: string) => findings.filter((f) => f.severity === severity).length;
  const summary = summarizeFilterSet(loaded.filters)[0]!;
  const evaluations = CALLS.map((call) => {
    const nr = syscallNumber(call.arch, call.syscall);
    if (nr === undefined) {
      throw new Error(`Demo call "${call.syscall}" is not a syscall on ${call.arch}`);
    }
    const verdict = evaluate(
      loaded.filters,
      call.args === undefined ? { arch: call.arch, nr } : { arch: call.arch, nr, args: call.args },
    );
    return { call, nr, verdict };
  });
  const code = count("error") > 0 ? EXIT.failed : EXIT.ok;

  if (format === "json") {
    console.log(
      stableJson({
        profile: PROFILE,
        check: {
          errors: count("error"),
          warnings: count("warning"),
          infos: count("info"),
          findings: findings.map((f) => ({
            severity: f.severity,
            code: f.code,
            message: f.message,
            loc: { file: f.loc.file, line: f.loc.line, column: f.loc.column },
          })),
        },
        compile: { milliseconds: Math.round(compileMs * 10) / 10, arches: summary.arches },
        eval: evaluations.map(({ call, nr, verdict }) => ({
          label: call.label,
          arch: call.arch,
          syscall: call.syscall,
          nr,
          args: call.args ?? [],
          action: verdict.action,
          errno: verdict.errno,
          ruleId: verdict.ruleId,
          loc: { file: verdict.loc.file, line: verdict.loc.line, column: verdict.loc.column },
        })),
      }).trimEnd(),
    );
    return code;
  }

  const out: string[] = [];
  out.push(paint("bold", `Cordon demo: the embedded default policy, ${PROFILE}`));
  out.push(paint("dim", "Everything runs in memory: nothing is installed or enforced."));
  out.push("");
  out.push(paint("bold", `1. check`) + paint("dim", `   (cordon check ${PROFILE})`));
  out.push(
    `   ${plural(loaded.set.policies.length, "policy", "policies")}, ` +
      `${plural(count("error"), "error")}, ${plural(count("warning"), "warning")}, ` +
      `${plural(count("info"), "note")}`,
  );
  for (const f of findings.slice(0, 6)) {
    out.push(`   ${f.severity}: ${formatLocation(f.loc)}: ${f.message}`);
  }
  if (findings.length > 6) out.push(paint("dim", `   … and ${findings.length - 6} more`));
  out.push("");
  out.push(
    paint("bold", "2. compile") +
      paint("dim", `   (cordon compile ${PROFILE} -o baseline.ir.json)`),
  );
  out.push(
    `   ${ARCHES.length} architectures, parsed, resolved and compiled in ${
      compileMs.toFixed(1)
    } ms`,
  );
  const header = ["arch", "syscalls", "allowed", "denied", "killed", "by args", "other numbers"];
  const rows = summary.arches.map((a) => [
    a.arch,
    String(a.syscalls),
    String(a.byAction.allow + a.byAction.log),
    String(a.byAction.deny),
    String(a.byAction.kill + a.byAction.kill_thread),
    String(a.conditional),
    describeAction(loaded.filters.layers[0]!.arches.find((f) => f.arch === a.arch)!.unknown),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    "   " + cells.map((c, i) => i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join("  ");
  out.push(paint("dim", line(header)));
  for (const row of rows) out.push(line(row));
  out.push("");
  out.push(
    paint("bold", "3. eval") +
      paint("dim", `   (cordon eval ${PROFILE} --syscall NAME [--args …])`),
  );
  const labelWidth = Math.max(...CALLS.map((c) => c.label.length));
  const actionWidth = Math.max(...evaluations.map((e) => describeAction(e.verdict).length));
  const whyWidth = Math.max(...CALLS.map((c) => c.why.length));
  for (const { call, verdict } of evaluations) {
    const action = describeAction(verdict);
    const where = `${formatLocation(verdict.loc)}`;
    const source = verdict.ruleId === null
      ? `default action, ${where}`
      : `${verdict.ruleId}, ${where}`;
    out.push(
      `   ${call.label.padEnd(labelWidth)}  ${
        paint(verdict.action, action.padEnd(actionWidth))
      }  ` +
        `${call.why.padEnd(whyWidth)}  ${paint("dim", source)}`,
    );
  }
  out.push("");
  out.push("Next:");
  out.push(`   cordon eval ${PROFILE} --syscall ptrace`);
  out.push(`   cordon compile ${PROFILE} --arch x86_64 -o baseline.ir.json`);
  out.push("   cordon --help");
  console.log(out.join("\n"));
  return code;
}

/**
 * `cordon demo`.
 *
 * @example
 * ```ts
 * import { demoCommand } from "./cmd_demo.ts";
 * if (demoCommand.name !== "demo" || !demoCommand.help.includes("builtin:baseline")) throw new Error();
 * ```
 */
export const demoCommand: Command = {
  name: "demo",
  summary: "show the embedded default policy through check, compile and eval",
  help: HELP,
  run,
};
