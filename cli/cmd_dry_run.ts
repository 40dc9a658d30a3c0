/**
 * `cordon dry-run`: replays a recorded trace (`strace -f` output or Cordon's JSON Lines events)
 * through policies and reports every call that would have been denied, killed or trapped.
 *
 * @module
 */

import { callText, dryRunFindings, stoppedBy } from "../engine/dry_run_findings.ts";
import { ARCHES } from "../policies/types.ts";
import type { Finding } from "../compile/lint.ts";
import { stableJson } from "../compile/stable_json.ts";
import { dryRun, type DryRunReport, type DryRunUndecided } from "../engine/dry_run.ts";
import { EngineError } from "../engine/errors.ts";
import { type Command, EXIT, UsageError } from "./command.ts";
import { choice, integer, parseArgs } from "./parse_args.ts";
import { loadPolicies, parseArches, reportPolicyErrors } from "./load_policies.ts";
import { toSarif } from "./format_sarif.ts";
import { docsAt, DRY_RUN_RULES, withRuleHelp } from "./sarif_rules.ts";
import { suggestAdditions } from "../engine/dry_run_suggest.ts";
import { dryRunToJunit } from "./format_junit.ts";
import { dryRunToHtml, type HtmlPolicySource } from "./format_html.ts";
import { BUILTIN_PROFILES } from "../policies/builtin_profiles.ts";
import denoJson from "../deno.json" with { type: "json" };
import { formatLocation } from "../policies/types.ts";

const OPTIONS = {
  trace: { type: "string", short: "t" },
  "trace-format": { type: "string" },
  "on-malformed": { type: "string" },
  format: { type: "string" },
  arch: { type: "string", short: "a" },
  "max-findings": { type: "string" },
  cwd: { type: "string" },
  view: { type: "string" },
  suggest: { type: "boolean" },
  "docs-url": { type: "string" },
} as const;

const HELP = [
  "cordon dry-run: replay a recorded trace through policies and report what they would stop",
  "",
  "Usage: cordon dry-run POLICY... --trace TRACE [--trace-format auto|jsonl|strace]",
  "                      [--on-malformed skip|fail] [--format text|json|sarif|junit|html]",
  "                      [--arch A] [--max-findings N] [--cwd DIR] [--view root|user]",
  "                      [--suggest]",
  "",
  "POLICY is a policy file, builtin:NAME, or - for standard input. TRACE is `strace -f` output",
  "(-o FILE or stderr; -t/-tt/-ttt/-T/-y variants) or Cordon's JSON Lines events, or - for",
  "standard input. Every call that would be denied, killed or trapped is reported with its pid,",
  "syscall, arguments and the deciding rule's FILE:LINE:COL; audit-mode policies report what they",
  "would do. A call whose decision depends on an argument the trace does not show (a pointer, an",
  "unknown symbol) is reported as undecided. Targets match on pid and on the command and",
  "executable learnt from execve; uids and cgroups are not in traces.",
  "",
  "Calls seccomp lets through are then held to the policies' filesystem and network sections as",
  "`cordon run` enforces them: paths (Landlock: EACCES) and addresses (cgroup BPF: EPERM; Landlock",
  "TCP port rules: EACCES), from the paths and socket addresses strace shows. File calls that",
  "failed in the trace are not reported (they fail before Landlock decides). A relative path needs",
  "the working directory: strace -y shows it, chdir calls are followed, --cwd gives the start;",
  "without it the call is undecided. Paths are compared with the rules as written; with -y the",
  "opened file's real path (symbolic links resolved) is tried too.",
  "",
  "The view (--view): `cordon run` started as root (the usual case in CI) gives the command a",
  "read-only filesystem outside the filesystem.write paths every policy allows (nowhere when no",
  "policy lists any): writes, creations, removals and metadata changes (chmod, chown, utimes,",
  "setxattr) outside them fail with EROFS before Landlock decides, also for policies without a",
  "filesystem section. `root` (the default, the stricter prediction) reports these as",
  "read-only-view denials; `user` predicts a run by another user (no read-only view: Landlock",
  "and cgroup BPF only). Opening a device (/dev/null, a terminal) for writing is not a write of",
  "the filesystem and is not reported.",
  "",
  "Options:",
  "  -t, --trace TRACE        the trace to replay (required)",
  "      --trace-format F     auto (default: `{` starts JSON Lines), jsonl or strace",
  "      --on-malformed M     skip (default: report each with its line number) or fail (stop)",
  "      --format F           text (default), json, sarif, junit or html (one self-contained page:",
  "                           findings by rule, denied calls per process, links to policy lines)",
  `  -a, --arch A             the traced processes' architecture: ${
    ARCHES.join(", ")
  } (default x86_64)`,
  "      --max-findings N     findings listed (all are counted; default 10000)",
  "      --suggest            also print, per deciding policy, the smallest additions that let",
  "                           every finding through (allow rules above the denying rule, narrowed",
  "                           to the argument values the trace shows; paths; endpoints), as YAML",
  '                           to paste into its spec (in JSON: "suggestions"); text or json only',
  "      --cwd DIR            working directory of the traced command, for relative paths",
  "      --view V             root (default: cordon run started as root, read-only view) or user",
  "      --docs-url URL       with sarif: link every rule to URL/docs/action.md#CODE (rules always",
  "                           carry a help text)",
  "",
  "Record a trace with:  strace -f -y -o app.strace -- ./app",
  "",
  "Examples:",
  "  cordon dry-run web.yaml --trace app.strace",
  "  cordon dry-run builtin:baseline --trace events.jsonl --format junit > dry-run.xml",
  "  cordon dry-run web.yaml --trace app.strace --format html > dry-run.html",
  "",
  "A trace that holds nothing to replay is an error, not a clean report: an empty file, binary",
  "data, or text of which no line reads in the trace's format (strace output read as JSON Lines,",
  "or the other way round). A trace with some malformed lines is replayed and lists them.",
  "",
  "Exit codes: 0 nothing would be stopped, 1 some call would be stopped or is undecided (or a",
  "policy is invalid), 2 usage error, 3 the trace is unreadable (cannot be opened, empty, binary,",
  "no line in its format, or a malformed line with --on-malformed fail).",
].join("\n");

/** Exit code of a trace that cannot be read (see the help). */
export const EXIT_TRACE_UNREADABLE = 3;

function undecidedWhy(u: DryRunUndecided): string {
  return u.reason ?? `argument ${u.missing.join(", ")} unknown`;
}

function text(report: DryRunReport, trace: string): string {
  const out: string[] = [];
  const stopped = report.findingsTotal;
  out.push(
    `${trace} (${report.format}, ${report.lines} lines, ${report.calls} calls, ${report.processes} processes): ` +
      (stopped === 0
        ? "no call would be stopped"
        : `${stopped} call${stopped === 1 ? "" : "s"} would be stopped`),
  );
  for (const f of report.findings) {
    const who = `pid ${f.pid}${f.tid === undefined ? "" : `/${f.tid}`}${
      f.comm === undefined ? "" : ` (${f.comm})`
    }`;
    out.push(
      `  line ${f.line}: ${who} ${callText(f.syscall, f.nr, f.args)}: ${stoppedBy(f, true)}`,
    );
  }
  if (report.findings.length < stopped) {
    out.push(`  … and ${stopped - report.findings.length} more`);
  }
  if (report.byRule.length > 0) {
    out.push("By rule:");
    for (const r of report.byRule) {
      const who = r.ruleId === null
        ? `default action of policy "${r.policy}"`
        : `rule "${r.ruleId}" (policy "${r.policy}")`;
      out.push(
        `  ${String(r.count).padStart(7)} × ${r.action.padEnd(5)} ${who} at ${
          formatLocation(r.loc)
        }`,
      );
    }
  }
  if (report.undecidedTotal > 0) {
    out.push(
      `Undecided: ${report.undecidedTotal} call(s) depend on what the trace does not show`,
    );
    for (const u of report.undecided) {
      out.push(
        `  line ${u.line}: pid ${u.pid} ${callText(u.syscall, -1, u.args)}: ${undecidedWhy(u)}`,
      );
    }
  }
  if (report.malformedTotal > 0) {
    out.push(`Malformed lines: ${report.malformedTotal} (skipped)`);
    for (const m of report.malformed) out.push(`  ${trace}:${m.line}: ${m.reason}: ${m.text}`);
  }
  for (const w of report.warnings) out.push(`warning: ${w}`);
  return out.join("\n");
}

function sarif(report: DryRunReport, trace: string, docsUrl: string | undefined): string {
  const findings: Finding[] = dryRunFindings(report, trace, true);
  const log = withRuleHelp(
    toSarif(findings, { toolName: "cordon", toolVersion: denoJson.version, rules: DRY_RUN_RULES }),
    docsAt(docsUrl),
  );
  return JSON.stringify(log, null, 2);
}

/** The texts of the policies given and of the builtins findings point at (for `--format html`). */
async function policySources(
  paths: readonly string[],
  report: DryRunReport,
): Promise<HtmlPolicySource[]> {
  const names = new Set(paths.filter((p) => p !== "-"));
  for (const f of report.findings) if (f.loc.file.startsWith("builtin:")) names.add(f.loc.file);
  const out: HtmlPolicySource[] = [];
  for (const name of names) {
    const builtin = BUILTIN_PROFILES[name];
    if (builtin !== undefined) {
      out.push({ name, text: builtin });
      continue;
    }
    // The file was read moments ago; if it has gone since, the report shows no text for it.
    const text = await Deno.readTextFile(name).catch(() => undefined);
    if (text !== undefined) out.push({ name, text });
  }
  return out;
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, OPTIONS);
  const format = choice(values, "format", ["text", "json", "sarif", "junit", "html"], "text");
  const traceFormat = choice(values, "trace-format", ["auto", "jsonl", "strace"], "auto");
  const onMalformed = choice(values, "on-malformed", ["skip", "fail"], "skip");
  const view = choice(values, "view", ["root", "user"], "root");
  const trace = values.trace;
  if (typeof trace !== "string" || trace === "") throw new UsageError("--trace TRACE is required");
  const archText = values.arch as string | undefined;
  const arches = parseArches(archText === undefined ? [] : [archText], ["x86_64"]);
  if (arches.length !== 1) throw new UsageError("--arch takes one architecture");
  const suggest = values.suggest === true;
  if (suggest && format !== "text" && format !== "json") {
    throw new UsageError("--suggest works with --format text or json");
  }
  const maxFindings = integer(values, "max-findings") ?? (suggest ? Infinity : undefined);
  if (maxFindings !== undefined && maxFindings < 0) {
    throw new UsageError("--max-findings must be 0 or more");
  }
  const cwd = values.cwd as string | undefined;
  if (cwd !== undefined && !cwd.startsWith("/")) {
    throw new UsageError(`--cwd must be an absolute path, not "${cwd}"`);
  }
  if (positionals.includes("-") && trace === "-") {
    throw new UsageError("standard input can hold the policy or the trace, not both");
  }

  let loaded;
  try {
    loaded = await loadPolicies(positionals);
  } catch (error) {
    const code = reportPolicyErrors(error, "dry-run");
    if (code === undefined) throw error;
    return code;
  }
  const progress = Deno.stderr.isTerminal();
  let report: DryRunReport;
  try {
    report = await dryRun(loaded.filters, trace === "-" ? Deno.stdin.readable : trace, {
      format: traceFormat,
      onMalformed,
      arch: arches[0]!,
      ...(maxFindings === undefined ? {} : { maxFindings }),
      ...(cwd === undefined ? {} : { cwd }),
      view,
      ...(progress
        ? {
          onProgress: (lines: number) => {
            Deno.stderr.writeSync(new TextEncoder().encode(`\rcordon dry-run: ${lines} lines…`));
          },
        }
        : {}),
    });
  } catch (error) {
    if (
      error instanceof EngineError &&
      (error.code === "TRACE_MALFORMED" || error.code === "TRACE_IO")
    ) {
      if (progress) Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[K"));
      console.error(`cordon dry-run: error[${error.code}]: ${error.message}`);
      return EXIT_TRACE_UNREADABLE;
    }
    throw error;
  }
  if (progress && report.lines >= 65_536) {
    Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[K"));
  }
  const name = trace === "-" ? "<stdin>" : trace;
  const suggestions = suggest ? suggestAdditions(report.findings, loaded.resolved) : undefined;
  switch (format) {
    case "json":
      console.log(
        stableJson({ trace: name, ...report, ...(suggestions ? { suggestions } : {}) }).trimEnd(),
      );
      break;
    case "sarif":
      console.log(sarif(report, name, values["docs-url"] as string | undefined));
      break;
    case "junit":
      console.log(dryRunToJunit(report, name).trimEnd());
      break;
    case "html":
      console.log(
        dryRunToHtml(report, { trace: name, policies: await policySources(positionals, report) })
          .trimEnd(),
      );
      break;
    default:
      console.log(text(report, name));
      for (const suggestion of suggestions ?? []) console.log(`\n${suggestion.yaml.trimEnd()}`);
  }
  return report.findingsTotal > 0 || report.undecidedTotal > 0 ? EXIT.failed : EXIT.ok;
}

/**
 * `cordon dry-run`.
 *
 * @example
 * ```ts
 * import { dryRunCommand } from "./cmd_dry_run.ts";
 * if (dryRunCommand.name !== "dry-run" || !dryRunCommand.help.includes("--trace")) throw new Error();
 * ```
 */
export const dryRunCommand: Command = {
  name: "dry-run",
  summary: "replay a recorded trace through policies and report what they would stop",
  help: HELP,
  run,
};
