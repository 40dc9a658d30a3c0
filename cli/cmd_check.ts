/**
 * `cordon check`: validates policy files and lints them (the library's `checkPolicyFiles`),
 * printing every problem with its location as text, JSON or SARIF 2.1.0.
 *
 * @module
 */

import { type Command, EXIT, UsageError } from "./command.ts";
import { choice, parseArgs } from "./parse_args.ts";
import denoJson from "../deno.json" with { type: "json" };
import { formatFindings } from "./format_findings.ts";
import { toSarif } from "./format_sarif.ts";
import { CHECK_RULES, docsAt, withRuleHelp } from "./sarif_rules.ts";
import { checkPolicyFiles, SEVERITIES } from "../compile/check_policies.ts";
import { parseArches, pathsAsUsageErrors } from "./load_policies.ts";
import { ARCHES } from "../policies/types.ts";

const HELP = `Usage: cordon check POLICY... [options]

POLICY is a policy file, builtin:NAME (e.g. builtin:baseline) or - for standard input.

Validates policy files and lints them: every parse, schema and resolution error, then findings
such as shadowed rules, conditions on pointer arguments, syscalls missing on an architecture and
dangerous syscalls a restrictive policy leaves open. Each is printed as
FILE:LINE:COL: severity[code]: message, then a summary line.

Options:
  --format text|json|sarif   output format (default text); sarif is SARIF 2.1.0 for code scanning
  --arch A,B                 architectures to check: ${ARCHES.join(", ")} or all (default all;
                             aliases amd64, x86, arm64; repeatable)
  --fail-on error|warning|info
                             the lowest severity that makes the check fail (default error);
                             --severity is a synonym
  --docs-url URL             with sarif: link every rule to URL/docs/action.md#CODE and give the
                             tool informationUri URL (rules always carry a help text)
  -h, --help                 show this help

Exit codes: 0 valid (no finding at or above --fail-on), 1 invalid, 2 usage error.

Examples:
  cordon check policy.yaml
  cordon check --fail-on warning examples/policies/*.yaml
  cordon check --format sarif policies/*.yaml > cordon.sarif`;

/**
 * `cordon check`: registered in `cli/commands.ts`.
 *
 * @example
 * ```ts
 * import { checkCommand } from "./cmd_check.ts";
 * if (checkCommand.name !== "check" || !checkCommand.help.includes("--fail-on")) throw new Error();
 * ```
 */
export const checkCommand: Command = {
  name: "check",
  summary: "validate and lint policy files (text, JSON or SARIF output)",
  help: HELP,
  async run(argv: string[]): Promise<number> {
    const { values, positionals, rest } = parseArgs(argv, {
      format: { type: "string" },
      arch: { type: "string", multiple: true },
      "fail-on": { type: "string" },
      severity: { type: "string" },
      "docs-url": { type: "string" },
    });
    const files = [...positionals, ...rest];
    if (files.length === 0) throw new UsageError("Give at least one policy file");
    const format = choice(values, "format", ["text", "json", "sarif"] as const, "text");
    const failOn = choice(values, "fail-on", SEVERITIES, "error");
    const severity = choice(values, "severity", SEVERITIES, failOn);
    if (values["fail-on"] !== undefined && values.severity !== undefined && severity !== failOn) {
      throw new UsageError(`--fail-on "${failOn}" and --severity "${severity}" disagree`);
    }
    const arches = parseArches((values.arch as string[] | undefined) ?? [], ARCHES);
    const report = await pathsAsUsageErrors(
      checkPolicyFiles(files, { arches, failOn: severity }),
    );
    if (format === "json") {
      console.log(JSON.stringify(report, null, 2));
    } else if (format === "sarif") {
      console.log(JSON.stringify(
        withRuleHelp(
          toSarif(report.findings, {
            toolName: "cordon",
            toolVersion: denoJson.version,
            rules: CHECK_RULES,
          }),
          docsAt(values["docs-url"] as string | undefined),
        ),
        null,
        2,
      ));
    } else {
      const text = formatFindings(report.findings, report.summary.policies);
      await Deno.stdout.write(new TextEncoder().encode(text));
    }
    return report.valid ? EXIT.ok : EXIT.failed;
  },
};
