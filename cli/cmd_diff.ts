/**
 * `cordon diff OLD NEW`: the semantic privilege difference of two policies (see
 * `compile/diff_policies.ts`); exit 1 when NEW allows anything OLD does not, so that CI can fail
 * on privilege drift.
 *
 * @module
 */

import denoJson from "../deno.json" with { type: "json" };
import { type Command, EXIT, UsageError } from "./command.ts";
import { choice, parseArgs } from "./parse_args.ts";
import {
  type LoadedPolicies,
  loadPolicies,
  parseArches,
  reportPolicyErrors,
} from "./load_policies.ts";
import { type DiffEntry, diffPolicies } from "../compile/diff_policies.ts";
import { toSarif } from "./format_sarif.ts";
import { DIFF_RULES, docsAt, withRuleHelp } from "./sarif_rules.ts";
import { type Arch, ARCHES, type SourceLocation } from "../policies/types.ts";
import { formatLocation } from "../policies/types.ts";

const OPTIONS = {
  format: { type: "string" },
  arch: { type: "string", multiple: true },
  "docs-url": { type: "string" },
} as const;

const HELP = `cordon diff: what one policy allows that another does not (privilege drift)

Usage: cordon diff OLD NEW [--format text|json|sarif] [--arch A]...

Compiles both (files, builtin:NAME or -; a file's policies are layered as cordon run layers
them) and compares what they allow, semantically:
  - syscalls per architecture, decided by the compiled filters (renaming a rule, writing a
    capability group out as its syscalls or reordering lists changes nothing);
  - argument values, for syscalls decided by arguments (every boundary of both policies'
    conditions is evaluated): socket(AF_INET) newly allowed is found;
  - filesystem read/write/execute paths, network connect/bind endpoints and Unix sockets,
    Linux capabilities kept (privileges) and W^X (memory).
Each difference names both locations, OLD's and NEW's, as FILE:LINE:COL.

Options:
      --format F   text (default), json (one object), or sarif (SARIF 2.1.0, for code
                   scanning: additions are errors at NEW's location, removals notes)
      --arch A     compare only these architectures (repeatable; default all:
                   ${ARCHES.join(", ")})
      --docs-url URL
                   with sarif: link every rule to URL/docs/action.md#CODE (rules always
                   carry a help text)
  -h, --help       show this help

Exit codes: 0 NEW allows nothing OLD does not (fewer privileges or the same), 1 privileges grew
(or a policy is invalid), 2 usage.

Example (CI):
  cordon diff main.yaml branch.yaml --format sarif > drift.sarif`;

function at(loc: SourceLocation): string {
  return loc.file === "" ? "(nowhere)" : `${formatLocation(loc)}`;
}

async function compileOne(
  path: string,
  arches: readonly Arch[],
): Promise<LoadedPolicies | number> {
  try {
    return await loadPolicies([path], { arches });
  } catch (error) {
    const code = reportPolicyErrors(error, "diff");
    if (code !== undefined) return code;
    throw error;
  }
}

function textOf(entries: readonly DiffEntry[], grew: boolean, oldPath: string, newPath: string) {
  const lines: string[] = [];
  for (const e of entries) {
    const sign = e.change === "added" ? "+" : "-";
    lines.push(`${sign} ${e.area}: ${e.message}`);
    lines.push(`    OLD ${at(e.oldLoc)}  NEW ${at(e.newLoc)}`);
  }
  const added = entries.filter((e) => e.change === "added").length;
  lines.push(
    grew
      ? `privileges grew: ${newPath} allows ${added} thing${
        added === 1 ? "" : "s"
      } ${oldPath} does not (${entries.length - added} removed)`
      : entries.length === 0
      ? `no difference in privileges between ${oldPath} and ${newPath}`
      : `no privilege added (${entries.length} removed)`,
  );
  return lines.join("\n");
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals, rest } = parseArgs(argv, OPTIONS);
  const format = choice(values, "format", ["text", "json", "sarif"] as const, "text");
  const paths = [...positionals, ...rest];
  if (paths.length !== 2) {
    throw new UsageError(`give exactly two policies, OLD and NEW (got ${paths.length})`);
  }
  const arches = parseArches((values.arch as string[] | undefined) ?? [], ARCHES);
  const [oldPath, newPath] = paths as [string, string];
  if (oldPath === "-" && newPath === "-") throw new UsageError(`"-" can be given only once`);
  const oldSet = await compileOne(oldPath, arches);
  if (typeof oldSet === "number") return oldSet;
  const newSet = await compileOne(newPath, arches);
  if (typeof newSet === "number") return newSet;
  const diff = diffPolicies(oldSet.filters, newSet.filters, {
    arches,
    oldPolicies: oldSet.resolved,
    newPolicies: newSet.resolved,
  });
  if (format === "json") {
    console.log(JSON.stringify({
      old: oldPath,
      new: newPath,
      grew: diff.grew,
      added: diff.entries.filter((e) => e.change === "added").length,
      removed: diff.entries.filter((e) => e.change === "removed").length,
      entries: diff.entries,
    }));
  } else if (format === "sarif") {
    const log = withRuleHelp(
      toSarif(
        diff.entries.map((e) => ({
          severity: e.change === "added" ? "error" as const : "info" as const,
          code: e.change === "added" ? `privilege-added` : `privilege-removed`,
          message: `${e.message} (OLD: ${at(e.oldLoc)}; NEW: ${at(e.newLoc)})`,
          loc: e.change === "added" ? e.newLoc : e.oldLoc,
        })),
        { toolName: "cordon", toolVersion: denoJson.version, rules: DIFF_RULES },
      ),
      docsAt(values["docs-url"] as string | undefined),
    );
    console.log(JSON.stringify(log, null, 2));
  } else {
    console.log(textOf(diff.entries, diff.grew, oldPath, newPath));
  }
  return diff.grew ? EXIT.failed : EXIT.ok;
}

/**
 * `cordon diff`.
 *
 * @example
 * ```ts
 * import { diffCommand } from "./cmd_diff.ts";
 * if (diffCommand.name !== "diff" || !diffCommand.help.includes("sarif")) throw new Error();
 * ```
 */
export const diffCommand: Command = {
  name: "diff",
  summary: "semantic privilege diff of two policies; exit 1 when privileges grew (CI drift check)",
  help: HELP,
  run,
};
