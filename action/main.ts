/**
 * The Cordon GitHub Action (`action.yml`), run by node from the bundle `action/dist/index.mjs`
 * (built by `action/build.ts`): `check` lints policies, `dry-run` replays a recorded trace through
 * them, `diff` compares them with base policies. Inputs come from `INPUT_*` environment variables
 * as GitHub passes them; the findings are written as SARIF 2.1.0 (every rule with `help` and
 * `helpUri`, for code scanning), printed as workflow annotations, and fail the job (exit 1) when
 * one reaches `fail-on`. Bad inputs exit 2. Only pure parts of Cordon are used (no Deno APIs):
 * files are read here with node's `fs`.
 *
 * @module
 */

import { dryRunFindings } from "../engine/dry_run_findings.ts";
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import process from "node:process";
import { dirname, resolve as resolvePath } from "node:path";
import { parsePolicyTexts } from "../policies/parse.ts";
import { BUILTIN_PROFILES } from "../policies/builtin_profiles.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import { PolicyError, PolicyErrors } from "../policies/errors.ts";
import { type Arch, ARCHES, type Policy, type ResolvedPolicy } from "../policies/types.ts";
import { compilePolicies } from "../compile/compile.ts";
import type { FilterSet } from "../compile/filter_set.ts";
import { type Finding, lintPolicies, type Severity } from "../compile/lint.ts";
import { diffPolicies } from "../compile/diff_policies.ts";
import { dryRun, type TraceFormat } from "../engine/dry_run.ts";
import { toSarif } from "../cli/format_sarif.ts";
import { ACTION_RULES, withRuleHelp } from "../cli/sarif_rules.ts";
import denoJson from "../deno.json" with { type: "json" };
import { formatLocation } from "../policies/types.ts";

/** The commands the Action runs. */
const COMMANDS = ["check", "dry-run", "diff"] as const;
type ActionCommand = typeof COMMANDS[number];
const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];
const RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };
const POLICY_EXTENSIONS = [".yaml", ".yml", ".json"];

/** A bad input: exit 2 with the message. */
class InputError extends Error {
  readonly code = "BAD_INPUT";
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** An input as GitHub passes it: `INPUT_` and the name in upper case, spaces as `_`. */
function input(name: string, fallback = ""): string {
  const value = process.env[`INPUT_${name.replaceAll(" ", "_").toUpperCase()}`];
  return value === undefined || value.trim() === "" ? fallback : value.trim();
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`input "${name}": "${value}" is not one of ${allowed.join(", ")}`);
}

/** Paths separated by newlines or spaces; a directory stands for its policy files (recursive). */
function expandPaths(name: string, text: string): string[] {
  const out: string[] = [];
  for (const item of text.split(/\s+/).filter((s) => s !== "")) {
    if (item.startsWith("builtin:")) {
      out.push(item);
      continue;
    }
    let isDirectory = false;
    try {
      isDirectory = statSync(item).isDirectory();
    } catch {
      // Not there: reported as an unreadable policy file with its location.
    }
    if (!isDirectory) {
      out.push(item);
      continue;
    }
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = `${dir.replace(/\/$/, "")}/${entry.name}`;
        if (entry.isDirectory()) walk(path);
        else if (POLICY_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) found.push(path);
      }
    };
    walk(item);
    if (found.length === 0) throw new InputError(`input "${name}": ${item} has no policy files`);
    out.push(...found.sort());
  }
  if (out.length === 0) throw new InputError(`input "${name}" names no policy`);
  return out;
}

function readPolicyText(path: string): string | PolicyError {
  const builtin = BUILTIN_PROFILES[path];
  if (builtin !== undefined) return builtin;
  if (path.startsWith("builtin:")) {
    const known = Object.keys(BUILTIN_PROFILES).sort().join(", ");
    return new PolicyError(
      "unreadable-file",
      `unknown builtin profile "${path}"; known: ${known}`,
      path,
      1,
      1,
    );
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(path));
  } catch (error) {
    const reason = (error as { code?: string }).code === "ENOENT"
      ? "no such file"
      : (error as { code?: string }).code === "EISDIR"
      ? "a directory"
      : error instanceof TypeError
      ? "not UTF-8 text"
      : "cannot be read";
    return new PolicyError(
      "unreadable-file",
      `cannot read policy file "${path}": ${reason}`,
      path,
      1,
      1,
    );
  }
}

/** Policies loaded and compiled, or the errors that stopped it as findings. */
type Loaded =
  | {
    readonly ok: true;
    readonly policies: Policy[];
    readonly resolved: ResolvedPolicy[];
    readonly filters: FilterSet;
  }
  | { readonly ok: false; readonly findings: Finding[] };

function errorFindings(errors: readonly PolicyError[]): Finding[] {
  return errors.map((e) => ({
    severity: "error",
    code: e.code,
    message: e.description,
    loc: { file: e.path, line: e.line, column: e.column },
  }));
}

/** Reads, parses, resolves and compiles policies as `loadPolicyFiles` and `cordon check` do. */
function load(paths: readonly string[], arches: readonly Arch[]): Loaded {
  const { policies, errors } = parsePolicyTexts(
    paths.map((path) => ({
      text: readPolicyText(path),
      file: path,
      // Relative filesystem paths are taken from the file's directory, as loadPolicyFiles does.
      ...(path.startsWith("builtin:") ? {} : { dir: resolvePath(dirname(path)) }),
    })),
  );
  if (errors.length > 0) return { ok: false, findings: errorFindings(errors) };
  try {
    const resolved = resolvePolicies({ policies });
    return { ok: true, policies, resolved, filters: compilePolicies(resolved, { arches }) };
  } catch (error) {
    if (error instanceof PolicyErrors) return { ok: false, findings: errorFindings(error.errors) };
    if (error instanceof PolicyError) return { ok: false, findings: errorFindings([error]) };
    throw error;
  }
}

/** What one run of the Action found. */
interface Outcome {
  readonly findings: Finding[];
  /** One line for the log. */
  readonly summary: string;
}

function runCheck(paths: readonly string[], arches: readonly Arch[]): Outcome {
  const loaded = load(paths, arches);
  const findings = loaded.ok
    ? lintPolicies({ policies: loaded.policies }, loaded.resolved, loaded.filters)
    : loaded.findings;
  return {
    findings,
    summary: loaded.ok
      ? `checked ${loaded.policies.length} polic${loaded.policies.length === 1 ? "y" : "ies"}`
      : "the policies do not load",
  };
}

async function runDryRun(
  paths: readonly string[],
  arches: readonly Arch[],
  trace: string,
  format: TraceFormat,
  traceArch: Arch,
): Promise<Outcome> {
  const loaded = load(paths, arches);
  if (!loaded.ok) return { findings: loaded.findings, summary: "the policies do not load" };
  let text: string;
  try {
    text = readFileSync(trace, "utf8");
  } catch {
    throw new InputError(`input "trace": cannot read ${trace}`);
  }
  // Lines, not the text: a string source is a path to open (with Deno's file API).
  const report = await dryRun(loaded.filters, text.split("\n"), { format, arch: traceArch });
  const findings: Finding[] = dryRunFindings(report, trace, false);
  return {
    findings,
    summary: `${trace} (${report.format}, ${report.lines} lines, ${report.calls} calls): ` +
      `${report.findingsTotal} call(s) would be stopped`,
  };
}

function runDiff(
  base: readonly string[],
  paths: readonly string[],
  arches: readonly Arch[],
): Outcome {
  const before = load(base, arches);
  const after = load(paths, arches);
  if (!before.ok || !after.ok) {
    return {
      findings: [...(before.ok ? [] : before.findings), ...(after.ok ? [] : after.findings)],
      summary: "the policies do not load",
    };
  }
  const diff = diffPolicies(before.filters, after.filters, {
    arches,
    oldPolicies: before.resolved,
    newPolicies: after.resolved,
  });
  const findings = diff.entries.map((e): Finding => ({
    severity: e.change === "added" ? "error" : "info",
    code: e.change === "added" ? "privilege-added" : "privilege-removed",
    message: `${e.message} (base: ${formatLocation(e.oldLoc)}; new: ${formatLocation(e.newLoc)})`,
    loc: e.change === "added" ? e.newLoc : e.oldLoc,
  }));
  const added = diff.entries.filter((e) => e.change === "added").length;
  return {
    findings,
    summary: diff.grew ? `privileges grew: ${added} addition(s)` : "privileges did not grow",
  };
}

/** `%`, CR, LF (and in properties `:` and `,`) escaped as workflow commands need. */
function escapeData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

const ANNOTATION: Readonly<Record<Severity, string>> = {
  error: "error",
  warning: "warning",
  info: "notice",
};

/** Where the rules are documented: the Action's own repository at the ref the workflow uses. */
function ruleDocs(): { informationUri: string; rulesUri: string } {
  const server = (process.env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/$/, "");
  const repository = process.env.GITHUB_ACTION_REPOSITORY || process.env.GITHUB_REPOSITORY || "";
  const ref = process.env.GITHUB_ACTION_REF || process.env.GITHUB_SHA || "HEAD";
  const override = input("docs-url");
  const home = override !== ""
    ? override.replace(/\/$/, "")
    : repository !== ""
    ? `${server}/${repository}`
    : "";
  if (!/^https?:\/\/[^/]/.test(home)) {
    throw new InputError(
      'no documentation URL: set input "docs-url" (outside GitHub Actions, GITHUB_ACTION_REPOSITORY and GITHUB_REPOSITORY are unset)',
    );
  }
  const rulesUri = override !== ""
    ? `${home}/docs/action.md`
    : `${home}/blob/${encodeURIComponent(ref)}/docs/action.md`;
  return { informationUri: home, rulesUri };
}

async function run(): Promise<number> {
  const command = oneOf("command", input("command", "check"), COMMANDS) as ActionCommand;
  const failOn = oneOf("fail-on", input("fail-on", "error"), SEVERITIES);
  const archText = input("arch", "all");
  const arches: Arch[] = archText === "all"
    ? [...ARCHES]
    : archText.split(/[\s,]+/).map((a) => oneOf("arch", a, ARCHES));
  const sarifPath = input("sarif", "cordon.sarif");
  const docs = ruleDocs();
  const paths = expandPaths("policies", input("policies"));

  let outcome: Outcome;
  if (command === "check") {
    outcome = runCheck(paths, arches);
  } else if (command === "dry-run") {
    const trace = input("trace");
    if (trace === "") throw new InputError('command "dry-run" needs input "trace"');
    const format = oneOf(
      "trace-format",
      input("trace-format", "auto"),
      [
        "auto",
        "jsonl",
        "strace",
      ] as const,
    );
    const traceArch = oneOf("trace-arch", input("trace-arch", "x86_64"), ARCHES);
    outcome = await runDryRun(paths, arches, trace, format, traceArch);
  } else {
    const base = input("base");
    if (base === "") throw new InputError('command "diff" needs input "base" (the old policies)');
    outcome = runDiff(expandPaths("base", base), paths, arches);
  }

  const log = withRuleHelp(
    toSarif(outcome.findings, {
      toolName: "cordon",
      toolVersion: denoJson.version,
      rules: ACTION_RULES,
    }),
    docs,
  );
  writeFileSync(sarifPath, JSON.stringify(log, null, 2) + "\n");

  for (const f of outcome.findings) {
    const where = `file=${escapeProperty(f.loc.file)},line=${f.loc.line},col=${f.loc.column}`;
    const title = `title=${escapeProperty(`cordon ${command}: ${f.code}`)}`;
    console.log(`::${ANNOTATION[f.severity]} ${where},${title}::${escapeData(f.message)}`);
  }
  const failing = outcome.findings.filter((f) => RANK[f.severity] <= RANK[failOn]);
  const counts = SEVERITIES.map((s) =>
    `${outcome.findings.filter((f) => f.severity === s).length} ${s}`
  );
  console.log(
    `cordon ${command}: ${outcome.summary}; findings: ${counts.join(", ")}; SARIF: ${sarifPath}`,
  );
  if (process.env.GITHUB_OUTPUT) {
    appendFileSync(
      process.env.GITHUB_OUTPUT,
      `sarif=${sarifPath}\nfindings=${outcome.findings.length}\nfailed=${failing.length > 0}\n`,
    );
  }
  if (failing.length > 0) {
    console.log(
      `::error title=cordon ${command}::${failing.length} finding(s) at or above "${failOn}"`,
    );
    return 1;
  }
  return 0;
}

run().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    const message = error instanceof Error ? error.message : String(error);
    console.log(`::error title=cordon::${escapeData(message)}`);
    process.exitCode = error instanceof InputError ? 2 : 1;
  },
);
