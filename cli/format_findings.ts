/**
 * Plain-text rendering of findings, one per line in the compiler style that editors and CI logs
 * recognise: `FILE:LINE:COL: severity[code]: message`.
 *
 * @module
 */

import type { Finding, Severity } from "../compile/lint.ts";

/**
 * Formats one finding as `FILE:LINE:COL: severity[code]: message`.
 *
 * @param finding The finding.
 * @returns One line, without a newline.
 *
 * @example
 * ```ts
 * import { formatFinding } from "./format_findings.ts";
 * const line = formatFinding({
 *   severity: "warning", code: "shadowed-rule", message: "Rule \"r\" never decides",
 *   loc: { file: "p.yaml", line: 3, column: 7 },
 * });
 * if (line !== 'p.yaml:3:7: warning[shadowed-rule]: Rule "r" never decides') throw new Error(line);
 * ```
 */
export function formatFinding(finding: Finding): string {
  const { file, line, column } = finding.loc;
  return `${file}:${line}:${column}: ${finding.severity}[${finding.code}]: ${finding.message}`;
}

/** How many findings of each severity. */
export type SeverityCounts = Record<Severity, number>;

/**
 * Counts findings by severity.
 *
 * @param findings The findings.
 * @returns The count of each severity, zero where there are none.
 *
 * @example
 * ```ts
 * import { countSeverities } from "./format_findings.ts";
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

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * Formats findings as text, one line each, followed by a summary line
 * (`N policies, N errors, N warnings`, plus infos when there are any).
 *
 * @param findings The findings, in the order to print them.
 * @param policies How many policies were checked.
 * @returns The text, ending with a newline.
 *
 * @example
 * ```ts
 * import { formatFindings } from "./format_findings.ts";
 * if (formatFindings([], 2) !== "2 policies, 0 errors, 0 warnings\n") throw new Error();
 * ```
 */
export function formatFindings(findings: readonly Finding[], policies: number): string {
  const counts = countSeverities(findings);
  const summary = [
    `${policies} ${policies === 1 ? "policy" : "policies"}`,
    plural(counts.error, "error"),
    plural(counts.warning, "warning"),
    ...(counts.info > 0 ? [plural(counts.info, "info")] : []),
  ].join(", ");
  return [...findings.map(formatFinding), summary].join("\n") + "\n";
}
