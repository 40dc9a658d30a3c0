/**
 * Checking policy files, the library function behind `cordon check`: every parse, schema and
 * resolution error and every lint finding of a set of files, as one report. The command only
 * parses its options and formats the report.
 *
 * @module
 */

import { type Finding, lintPolicies, type Severity } from "./lint.ts";
import { loadPolicies } from "./load_policies.ts";
import { PolicyError, PolicyErrors } from "../policies/errors.ts";
import { type Arch, ARCHES, type PolicySet } from "../policies/types.ts";

/** The severities, most serious first. */
export const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];

/** How many findings there are of each severity. */
export type SeverityCounts = Record<Severity, number>;

/**
 * Counts `findings` by severity.
 *
 * @example
 * ```ts
 * import { countSeverities } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const counts = countSeverities([{ severity: "info", code: "x", message: "m", loc }]);
 * if (counts.info !== 1 || counts.error !== 0) throw new Error();
 * ```
 */
export function countSeverities(findings: readonly Finding[]): SeverityCounts {
  const counts: SeverityCounts = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

/** The outcome of checking a set of files: what `check --format json` prints. */
export interface CheckReport {
  /** The files as given. */
  readonly files: readonly string[];
  /** The names of the policies that parsed (empty when parsing failed). */
  readonly policies: readonly string[];
  /** The architectures checked. */
  readonly arches: readonly Arch[];
  /** Parse, schema and resolution errors and lint findings, sorted by location. */
  readonly findings: readonly Finding[];
  /** Whether no finding reaches `failOn`. */
  readonly valid: boolean;
  /** The lowest severity that makes the check fail. */
  readonly failOn: Severity;
  /** How many policies were checked and how many findings of each severity there are. */
  readonly summary: {
    readonly policies: number;
    readonly errors: number;
    readonly warnings: number;
    readonly infos: number;
  };
}

/** Options of {@linkcode checkPolicyFiles}. */
export interface CheckOptions {
  /** The architectures to compile for (default: all). */
  readonly arches?: readonly Arch[];
  /** The lowest severity that makes the check fail (default `"error"`). */
  readonly failOn?: Severity;
}

function errorFindings(errors: PolicyErrors | PolicyError): Finding[] {
  const list = errors instanceof PolicyErrors ? errors.errors : [errors];
  return list.map((e) => ({
    severity: "error",
    code: e.code,
    message: e.description,
    loc: { file: e.path, line: e.line, column: e.column },
  }));
}

/**
 * Checks policy files: parses them (collecting every error), resolves `extends` and capabilities,
 * compiles for the architectures and lints. Never throws for problems in the policies; they
 * become findings.
 *
 * @param files Policy paths: files, `builtin:NAME`, or `-` for standard input.
 * @param options The architectures to check and the lowest severity that fails.
 * @returns The report.
 * @throws {import("./load_policies.ts").PolicyPathsError} For no paths, `-` twice or an unknown
 *   builtin profile.
 *
 * @example
 * ```ts
 * import { checkPolicyFiles } from "@cordon/cordon";
 * const report = await checkPolicyFiles(["builtin:baseline"], { failOn: "warning" });
 * if (!report.valid || report.summary.errors !== 0) throw new Error("baseline must be valid");
 * ```
 */
export async function checkPolicyFiles(
  files: readonly string[],
  options: CheckOptions = {},
): Promise<CheckReport> {
  const arches = options.arches ?? ARCHES;
  const failOn = options.failOn ?? "error";
  let findings: Finding[] = [];
  let set: PolicySet | undefined;
  try {
    const loaded = await loadPolicies(files, { arches });
    set = loaded.set;
    findings = lintPolicies(loaded.set, loaded.resolved, loaded.filters);
  } catch (error) {
    if (!(error instanceof PolicyErrors || error instanceof PolicyError)) throw error;
    findings = errorFindings(error);
  }
  const counts = countSeverities(findings);
  const policies = set?.policies.map((p) => p.name) ?? [];
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  return {
    files,
    policies,
    arches,
    findings,
    valid: !findings.some((f) => rank(f.severity) <= rank(failOn)),
    failOn,
    summary: {
      policies: policies.length,
      errors: counts.error,
      warnings: counts.warning,
      infos: counts.info,
    },
  };
}
