/**
 * `cordon dry-run --format html`: one self-contained HTML file (no script, no CDN, inline SVG):
 * a bar chart of findings by deciding rule, a timeline of the denied calls per process (trace
 * line on the x axis), the findings table with each finding linked to its policy line, and the
 * policies' text with numbered, anchored lines. Pure (no `Deno.*`): the playground renders its
 * dry runs with it too.
 *
 * @module
 */

import type { DryRunFinding, DryRunReport } from "../engine/dry_run.ts";
import { errnoName } from "../policies/constants.ts";
import { formatLocation } from "../policies/types.ts";

/** A policy's text, to show and link findings to (`file` as in the findings' locations). */
export interface HtmlPolicySource {
  /** The file name, as in {@linkcode DryRunFinding.loc}. */
  readonly name: string;
  /** The text. */
  readonly text: string;
}

/** Options of {@linkcode dryRunToHtml}. */
export interface DryRunHtmlOptions {
  /** The trace's name. */
  readonly trace: string;
  /** The policies' texts; findings whose file is among them link to the line. */
  readonly policies?: readonly HtmlPolicySource[];
  /** The page title (default: `cordon dry-run: TRACE`). */
  readonly title?: string;
}

const ACTION_COLOURS: Readonly<Record<string, string>> = {
  deny: "#d9480f",
  kill: "#c92a2a",
  kill_thread: "#a61e4d",
  trap: "#862e9c",
  log: "#1971c2",
};

function colour(action: string): string {
  return ACTION_COLOURS[action] ?? "#495057";
}

/**
 * Escapes text for HTML element content and attribute values.
 *
 * @param text the text
 * @returns the escaped text
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./format_html.ts";
 * if (escapeHtml(`<a href="x">&`) !== "&lt;a href=&quot;x&quot;&gt;&amp;") throw new Error();
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) =>
      c === "&"
        ? "&amp;"
        : c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === '"'
        ? "&quot;"
        : "&#39;",
  );
}

/** The anchor id of a policy line. */
function lineId(file: string, line: number): string {
  return `src-${file.replace(/[^A-Za-z0-9_.-]/g, "_")}-L${line}`;
}

function ruleLabel(r: { ruleId: string | null; policy: string }): string {
  return r.ruleId === null ? `${r.policy}: default action` : `${r.policy}: ${r.ruleId}`;
}

function errnoText(f: DryRunFinding): string {
  return f.action === "deny" && f.errno !== undefined
    ? ` ${errnoName(f.errno) ?? "errno"} (${f.errno})`
    : "";
}

function byRuleChart(report: DryRunReport): string {
  const rows = report.byRule;
  if (rows.length === 0) return `<p class="empty">No call would be stopped.</p>`;
  const max = Math.max(...rows.map((r) => r.count));
  const barH = 22;
  const labelW = 260;
  const chartW = 420;
  const height = rows.length * barH + 8;
  const bars = rows.map((r, i) => {
    const w = Math.max(2, Math.round((r.count / max) * chartW));
    const y = 4 + i * barH;
    const label = ruleLabel(r);
    const shown = label.length > 38 ? `${label.slice(0, 37)}…` : label;
    return `<g class="bar" data-rule="${escapeHtml(label)}" data-count="${r.count}">` +
      `<title>${escapeHtml(`${label} (${r.action}): ${r.count}`)}</title>` +
      `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${escapeHtml(shown)}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${barH - 6}" fill="${
        colour(r.action)
      }"/>` +
      `<text x="${labelW + w + 4}" y="${y + 15}">${r.count} ${escapeHtml(r.action)}</text></g>`;
  }).join("");
  return `<svg id="chart-by-rule" role="img" aria-label="findings by rule" width="${
    labelW + chartW + 90
  }" height="${height}" viewBox="0 0 ${labelW + chartW + 90} ${height}">${bars}</svg>`;
}

function timeline(report: DryRunReport): string {
  const findings = report.findings;
  if (findings.length === 0) return `<p class="empty">No denied call to show.</p>`;
  const pids = [...new Set(findings.map((f) => f.pid))];
  const comm = new Map<number, string>();
  for (const f of findings) if (f.comm !== undefined && !comm.has(f.pid)) comm.set(f.pid, f.comm);
  const rowH = 24;
  const labelW = 150;
  const plotW = 560;
  const lines = Math.max(report.lines, 1);
  const height = pids.length * rowH + 28;
  const x = (line: number) => labelW + Math.round(((line - 1) / Math.max(lines - 1, 1)) * plotW);
  const rows = pids.map((pid, i) => {
    const y = 4 + i * rowH;
    const name = comm.has(pid) ? `${pid} (${comm.get(pid)})` : String(pid);
    return `<text x="${labelW - 8}" y="${y + 16}" text-anchor="end">${escapeHtml(name)}</text>` +
      `<line x1="${labelW}" x2="${labelW + plotW}" y1="${y + 12}" y2="${
        y + 12
      }" stroke="#dee2e6"/>`;
  }).join("");
  const marks = findings.map((f, i) => {
    const y = 4 + pids.indexOf(f.pid) * rowH + 12;
    const what = `line ${f.line}: ${f.syscall ?? `syscall_${f.nr}`} ${f.action}${errnoText(f)}`;
    return `<a href="#finding-${i}"><circle class="mark" cx="${x(f.line)}" cy="${y}" r="5" fill="${
      colour(f.action)
    }"><title>${escapeHtml(what)}</title></circle></a>`;
  }).join("");
  const axisY = pids.length * rowH + 14;
  const axis = `<text x="${labelW}" y="${axisY + 10}">line 1</text>` +
    `<text x="${labelW + plotW}" y="${axisY + 10}" text-anchor="end">line ${lines}</text>`;
  return `<svg id="timeline" role="img" aria-label="denied calls by process over the trace" width="${
    labelW + plotW + 20
  }" height="${height}" viewBox="0 0 ${
    labelW + plotW + 20
  } ${height}">${rows}${marks}${axis}</svg>`;
}

function findingsTable(report: DryRunReport, known: ReadonlySet<string>): string {
  if (report.findings.length === 0) return "";
  const rows = report.findings.map((f, i) => {
    const where = `${formatLocation(f.loc)}`;
    const link = known.has(f.loc.file)
      ? `<a class="loc" href="#${lineId(f.loc.file, f.loc.line)}">${escapeHtml(where)}</a>`
      : `<span class="loc">${escapeHtml(where)}</span>`;
    const call = `${f.syscall ?? `syscall_${f.nr}`}(${f.args.join(", ")})`;
    const by = f.section !== undefined && f.mechanism !== undefined && f.mechanism !== "seccomp"
      ? `${f.section} (${f.mechanism})${f.reason === undefined ? "" : `: ${f.reason}`}`
      : f.ruleId === null
      ? "default action"
      : `rule ${f.ruleId}`;
    return `<tr id="finding-${i}"><td>${f.line}</td><td>${f.pid}${
      f.comm === undefined ? "" : ` (${escapeHtml(f.comm)})`
    }</td><td><code>${
      escapeHtml(call.length > 160 ? `${call.slice(0, 159)}…` : call)
    }</code></td>` +
      `<td><span class="action" style="color:${colour(f.action)}">${
        escapeHtml(f.action + errnoText(f))
      }</span>${f.mode === "audit" ? " (audit)" : ""}</td><td>${escapeHtml(f.policy)}: ${
        escapeHtml(by)
      }</td><td>${link}</td></tr>`;
  }).join("\n");
  const more = report.findingsTotal > report.findings.length
    ? `<p>… and ${report.findingsTotal - report.findings.length} more (not listed)</p>`
    : "";
  return `<table id="findings"><thead><tr><th>line</th><th>process</th><th>call</th>` +
    `<th>outcome</th><th>decided by</th><th>policy line</th></tr></thead><tbody>\n${rows}\n` +
    `</tbody></table>${more}`;
}

function sources(policies: readonly HtmlPolicySource[], hit: ReadonlySet<string>): string {
  return policies.map((p) => {
    const lines = p.text.split("\n");
    if (lines.at(-1) === "") lines.pop();
    const body = lines.map((text, i) => {
      const id = lineId(p.name, i + 1);
      return `<span id="${id}"${hit.has(id) ? ` class="hit"` : ""}><a class="ln" href="#${id}">${
        i + 1
      }</a>${escapeHtml(text)}</span>`;
    }).join("");
    return `<h3>${escapeHtml(p.name)}</h3><pre class="source">${body}</pre>`;
  }).join("\n");
}

const STYLE =
  `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;
color:#212529}h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #dee2e6}
svg{max-width:100%;height:auto}svg text{font:12px system-ui,sans-serif;fill:#212529}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #e9ecef;padding:3px 6px;text-align:left;vertical-align:top}
code{font:12px ui-monospace,monospace}.summary span{margin-right:1.5em}.empty{color:#2b8a3e}
pre.source{background:#f8f9fa;padding:.5em;overflow:auto;font:12px/1.5 ui-monospace,monospace}
pre.source span{display:block}pre.source span:target,pre.source span.hit{background:#fff3bf}
.ln{display:inline-block;width:3.5em;color:#868e96;text-decoration:none}tr:target{background:#fff3bf}
.warn{color:#e67700}`;

/**
 * Renders a dry-run report as one self-contained HTML document.
 *
 * @param report the report
 * @param options the trace's name and the policies' texts
 * @returns the document
 *
 * @example
 * ```ts
 * import { dryRunToHtml } from "./format_html.ts";
 * import { dryRun } from "@cordon/cordon";
 * import { compilePolicies } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 2, column: 3 };
 * const set = compilePolicies([{
 *   name: "p", defaultAction: "allow", defaultErrno: 1, mode: "enforce", loc,
 *   rules: [{ id: "no-unlink", policy: "p", origin: "rule", action: "deny", priority: 0,
 *     args: [], loc, syscalls: [{ kind: "name", name: "unlinkat", loc }] }],
 * }], { arches: ["x86_64"] });
 * const report = await dryRun(set, ['42 unlinkat(AT_FDCWD, "/tmp/x", 0) = 0']);
 * const html = dryRunToHtml(report, { trace: "t", policies: [{ name: "p.yaml", text: "a\nb\n" }] });
 * if (!html.includes('href="#src-p.yaml-L2"') || !html.includes("<svg")) throw new Error();
 * ```
 */
export function dryRunToHtml(report: DryRunReport, options: DryRunHtmlOptions): string {
  const policies = options.policies ?? [];
  const known = new Set(policies.map((p) => p.name));
  const hit = new Set(report.findings.map((f) => lineId(f.loc.file, f.loc.line)));
  const title = options.title ?? `cordon dry-run: ${options.trace}`;
  const stopped = report.findingsTotal;
  const parts = [
    "<!DOCTYPE html>",
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>`,
    `<meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="summary" id="summary"><span>${report.format}, ${report.lines} lines</span>` +
    `<span>${report.calls} calls</span><span>${report.processes} processes</span>` +
    `<span><strong data-findings="${stopped}">${
      stopped === 0
        ? "no call would be stopped"
        : `${stopped} call${stopped === 1 ? "" : "s"} would be stopped`
    }</strong></span>` +
    (report.undecidedTotal > 0 ? `<span>${report.undecidedTotal} undecided</span>` : "") +
    (report.malformedTotal > 0 ? `<span>${report.malformedTotal} malformed lines</span>` : "") +
    `</p>`,
    ...report.warnings.map((w) => `<p class="warn">warning: ${escapeHtml(w)}</p>`),
    `<h2>Findings by rule</h2>`,
    byRuleChart(report),
    `<h2>Denied calls by process over the trace</h2>`,
    timeline(report),
    `<h2>Findings</h2>`,
    findingsTable(report, known) || `<p class="empty">None.</p>`,
  ];
  if (report.undecided.length > 0) {
    parts.push(
      `<h2>Undecided calls</h2><table id="undecided"><tbody>`,
      ...report.undecided.map((u) =>
        `<tr><td>${u.line}</td><td>${u.pid}</td><td><code>${
          escapeHtml(`${u.syscall ?? "?"}(${u.args.join(", ")})`)
        }</code></td><td>${
          escapeHtml(u.reason ?? `argument ${u.missing.join(", ")} unknown`)
        }</td></tr>`
      ),
      `</tbody></table>`,
    );
  }
  if (report.malformed.length > 0) {
    parts.push(
      `<h2>Malformed lines</h2><table id="malformed"><tbody>`,
      ...report.malformed.map((m) =>
        `<tr><td>${m.line}</td><td>${escapeHtml(m.reason)}</td><td><code>${
          escapeHtml(m.text)
        }</code></td></tr>`
      ),
      `</tbody></table>`,
    );
  }
  if (policies.length > 0) parts.push(`<h2>Policies</h2>`, sources(policies, hit));
  parts.push("</body></html>", "");
  return parts.join("\n");
}
