/**
 * JUnit XML for dry-run reports, the format CI systems (GitLab, Jenkins, GitHub test reporters)
 * show as test results: one failing test case per call that would be stopped or could not be
 * decided, one erroring test case per malformed trace line, and one passing case when nothing
 * would be stopped.
 *
 * @module
 */

import type { DryRunReport } from "../engine/dry_run.ts";
import { errnoName } from "../policies/constants.ts";
import { formatLocation } from "../policies/types.ts";

/** Escapes text for XML attributes and content (and drops characters XML 1.0 forbids). */
export function escapeXml(text: string): string {
  return text
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

function call(syscall: string | null, nr: number, args: readonly string[]): string {
  const text = `${syscall ?? `syscall_${nr}`}(${args.join(", ")})`;
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

/**
 * Renders a dry-run report as JUnit XML.
 *
 * @param report the dry run's result
 * @param trace the trace's name, used as the test suite's name
 * @returns the XML document
 *
 * @example
 * ```ts
 * import { dryRunToJunit } from "./format_junit.ts";
 * const xml = dryRunToJunit({
 *   format: "strace", lines: 1, calls: 1, processes: 1, findingsTotal: 1, byRule: [],
 *   findings: [{
 *     line: 1, pid: 7, arch: "x86_64", nr: 83, syscall: "mkdir", args: ['"/x"', "0777"],
 *     action: "deny", errno: 1, mode: "enforce", ruleId: "no-mkdir", policy: "p",
 *     loc: { file: "p.yaml", line: 9, column: 7 },
 *   }],
 *   undecided: [], undecidedTotal: 0, malformed: [], malformedTotal: 0, warnings: [],
 * }, "t.strace");
 * if (!xml.includes('failures="1"') || !xml.includes('type="deny"')) throw new Error(xml);
 * ```
 */
export function dryRunToJunit(report: DryRunReport, trace: string): string {
  const cases: string[] = [];
  for (const f of report.findings) {
    const name = `line ${f.line}: pid ${f.pid}${f.comm ? ` (${f.comm})` : ""} ${
      call(f.syscall, f.nr, f.args)
    }`;
    const rule = f.ruleId === null
      ? `the default action of policy "${f.policy}"`
      : `rule "${f.ruleId}" of policy "${f.policy}"`;
    const where = `${formatLocation(f.loc)}`;
    const by = f.section !== undefined && f.mechanism !== undefined && f.mechanism !== "seccomp"
      ? `${f.section} of policy "${f.policy}" (${f.mechanism})`
      : rule;
    const errno = f.action === "deny" && f.errno !== undefined
      ? ` ${errnoName(f.errno) ?? "errno"} (${f.errno})`
      : "";
    const why = f.reason === undefined ? "" : `: ${f.reason}`;
    const message = `would ${f.action}${errno}${
      f.mode === "audit" ? " (audit mode: reported only)" : ""
    } by ${by} at ${where}${why}`;
    cases.push(
      `    <testcase classname="cordon.dry-run.${escapeXml(f.policy)}" name="${
        escapeXml(name)
      }" file="${escapeXml(f.loc.file)}" line="${f.loc.line}">\n` +
        `      <failure type="${escapeXml(f.action)}" message="${escapeXml(message)}">${
          escapeXml(`${trace}:${f.line}: ${message}`)
        }</failure>\n    </testcase>`,
    );
  }
  for (const u of report.undecided) {
    const name = `line ${u.line}: pid ${u.pid} ${call(u.syscall, -1, u.args)}`;
    const message = `undecided: ${
      u.reason ??
        `the decision depends on argument ${u.missing.join(", ")}, which the trace does not give`
    }`;
    cases.push(
      `    <testcase classname="cordon.dry-run.undecided" name="${escapeXml(name)}">\n` +
        `      <failure type="undecided" message="${escapeXml(message)}"/>\n    </testcase>`,
    );
  }
  for (const m of report.malformed) {
    cases.push(
      `    <testcase classname="cordon.dry-run.trace" name="${
        escapeXml(`trace line ${m.line}`)
      }" file="${escapeXml(trace)}" line="${m.line}">\n` +
        `      <error type="malformed" message="${escapeXml(m.reason)}">${
          escapeXml(m.text)
        }</error>\n    </testcase>`,
    );
  }
  if (report.findingsTotal === 0 && report.undecidedTotal === 0) {
    cases.push(
      `    <testcase classname="cordon.dry-run" name="${
        escapeXml(`no call in ${trace} would be stopped`)
      }"/>`,
    );
  }
  const failures = report.findings.length + report.undecided.length;
  const errors = report.malformed.length;
  const tests = cases.length;
  const props = [
    ["format", report.format],
    ["lines", String(report.lines)],
    ["calls", String(report.calls)],
    ["processes", String(report.processes)],
    ["findingsTotal", String(report.findingsTotal)],
    ["undecidedTotal", String(report.undecidedTotal)],
    ["malformedTotal", String(report.malformedTotal)],
  ].map(([k, v]) => `      <property name="${k}" value="${escapeXml(v!)}"/>`).join("\n");
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cordon dry-run" tests="${tests}" failures="${failures}" errors="${errors}">`,
    `  <testsuite name="${
      escapeXml(trace)
    }" tests="${tests}" failures="${failures}" errors="${errors}" skipped="0">`,
    `    <properties>\n${props}\n    </properties>`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
