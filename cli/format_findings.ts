/**
 * Plain-text rendering of findings, one per line in the compiler style that editors and CI logs
 * recognise: `FILE:LINE:COL: severity[code]: message`.
 *
 * @module
 */

import type { Finding } from "../compile/lint.ts";
import { countSeverities } from "../compile/check_policies.ts";

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
