/**
 * `cordon dry-run --format html` opened in headless Chromium: the page is self-contained (it
 * loads nothing), its chart has one bar per deciding rule with the CLI's counts, its timeline one
 * mark per listed finding on the finding's process row, and every finding's policy link lands on
 * the policy line the JSON report names. Without Chromium the test skips, and fails with
 * `CORDON_REQUIRE_KERNEL=1` (CI).
 *
 * @module
 */

import { kernelTest, needCommands } from "../_kernel.ts";
import { cordon } from "../_cli.ts";
import { Chromium } from "./_chromium.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

interface JsonReport {
  findingsTotal: number;
  findings: { line: number; pid: number; loc: { file: string; line: number } }[];
  byRule: { ruleId: string | null; policy: string; count: number }[];
}

interface Seen {
  bars: { rule: string; count: number }[];
  marks: number;
  rows: { line: number; href: string; target: string | null }[];
  summary: string | null;
  resources: string[];
  scripts: number;
}

const SEE = `(() => {
  const rows = [...document.querySelectorAll("#findings tbody tr")].map((r) => {
    const a = r.querySelector("a.loc");
    const href = a ? a.getAttribute("href") : "";
    const target = href ? document.getElementById(href.slice(1)) : null;
    return { line: Number(r.cells[0].textContent), href,
      target: target ? target.textContent.replace(/^\\d+/, "") : null };
  });
  return {
    bars: [...document.querySelectorAll("#chart-by-rule .bar")]
      .map((g) => ({ rule: g.dataset.rule, count: Number(g.dataset.count) })),
    marks: document.querySelectorAll("#timeline circle.mark").length,
    rows,
    summary: document.querySelector("[data-findings]")?.dataset.findings ?? null,
    resources: performance.getEntriesByType("resource").map((e) => e.name),
    scripts: document.scripts.length,
  };
})()`;

kernelTest(
  "dry-run --format html: Chromium shows the CLI's findings as a chart, a timeline and links",
  needCommands("chromium"),
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-report-" });
    try {
      const trace = `${ROOT}tests/testdata/traces/python_socket_y.strace`;
      const policy = `${dir}/net.yaml`;
      // Two rules and a default decide: the chart needs several bars, the links several lines.
      const text = [
        "apiVersion: cordon/v1",
        "kind: Policy",
        "metadata: {name: net}",
        "spec:",
        "  defaultAction: allow",
        "  rules:",
        "    - id: no-sockets",
        "      syscalls: [socket]",
        "      action: deny",
        "      errno: EACCES",
        "    - id: no-mprotect",
        "      syscalls: [mprotect]",
        "      action: deny",
        "      errno: EPERM",
        "",
      ].join("\n");
      await Deno.writeTextFile(policy, text);
      const args = ["dry-run", policy, "--trace", trace];
      const html = await cordon([...args, "--format", "html"]);
      const json = await cordon([...args, "--format", "json"]);
      if (html.code !== 1 || json.code !== 1) throw new Error(`exit ${html.code}: ${html.stderr}`);
      const report = JSON.parse(json.stdout) as JsonReport;
      if (report.byRule.length < 2) throw new Error("the trace must hit both rules");
      const page = `${dir}/report.html`;
      await Deno.writeTextFile(page, html.stdout);

      await using browser = await Chromium.launch();
      const tab = await browser.open(`file://${page}`);
      const seen = await tab.evaluate<Seen>(SEE);
      await tab.close();

      if (seen.resources.length !== 0 || seen.scripts !== 0) {
        throw new Error(`the report loads ${seen.resources.join(", ")} (${seen.scripts} scripts)`);
      }
      if (seen.summary !== String(report.findingsTotal)) {
        throw new Error(`summary says ${seen.summary}, the CLI ${report.findingsTotal}`);
      }
      const bars = report.byRule.map((r) => ({
        rule: r.ruleId === null ? `${r.policy}: default action` : `${r.policy}: ${r.ruleId}`,
        count: r.count,
      }));
      if (JSON.stringify(seen.bars) !== JSON.stringify(bars)) {
        throw new Error(`chart ${JSON.stringify(seen.bars)} != CLI ${JSON.stringify(bars)}`);
      }
      if (seen.marks !== report.findings.length) {
        throw new Error(`${seen.marks} timeline marks for ${report.findings.length} findings`);
      }
      const lines = text.split("\n");
      for (const [i, f] of report.findings.entries()) {
        const row = seen.rows[i];
        if (row === undefined || row.line !== f.line) throw new Error(`row ${i}: ${row?.line}`);
        if (row.target === null) throw new Error(`row ${i}: link ${row.href} leads nowhere`);
        if (row.target !== lines[f.loc.line - 1]) {
          throw new Error(`row ${i} links to "${row.target}", not line ${f.loc.line}`);
        }
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "monitor/apply --report page: Chromium shows its charts from the recorded activity",
  needCommands("chromium"),
  async () => {
    const { ActivityRecorder } = await import("../../cli/activity_report.ts");
    const t0 = 1_700_000_000_000;
    const recorder = new ActivityRecorder(t0);
    const activity = (pid: number, comm: string, calls: number) => ({
      pid,
      start: 0,
      comm,
      syscalls: calls,
      bySyscall: new Map([["read", calls - 1], ["exit_group", 1]]),
      files: [],
      filesTotal: 0,
      network: [],
      networkTotal: 0,
      exited: false,
    });
    for (let i = 1; i <= 4; i++) {
      recorder.sample(activity(10, "web", 100 * i), t0 + 500 * i);
      recorder.sample(activity(11, "worker", 30 * i), t0 + 500 * i);
    }
    for (const path of ["/etc/hosts", "/etc/hosts", "/srv/data"]) {
      recorder.event({ kind: "file", time: t0 + 10, pid: 10, op: "open", path });
    }
    recorder.event({
      kind: "network",
      time: t0 + 20,
      pid: 11,
      op: "connect",
      family: "inet",
      protocol: "tcp",
      address: "10.0.0.1",
      port: 443,
      verdict: {
        action: "deny",
        errno: 1,
        ruleId: "w:network.connect",
        policy: "w",
        enforced: true,
        mechanism: "cgroup-bpf",
      },
    });
    const dir = await Deno.makeTempDir({ prefix: "cordon-activity-" });
    try {
      const page = `${dir}/activity.html`;
      await Deno.writeTextFile(page, recorder.toHtml({ title: "t", ended: t0 + 2000 }));
      await using browser = await Chromium.launch();
      const tab = await browser.open(`file://${page}`);
      const seen = await tab.evaluate<Record<string, unknown>>(`({
        series: [...document.querySelectorAll("#syscalls-over-time .series")]
          .map((g) => g.dataset.pid + ":" + g.querySelectorAll("circle").length),
        files: [...document.querySelectorAll("#files .bar")]
          .map((g) => g.dataset.label + "=" + g.dataset.count),
        network: [...document.querySelectorAll("#network .bar")].map((g) => g.dataset.label),
        denials: [...document.querySelectorAll("#denials tbody tr")].map((r) => r.textContent),
        width: document.querySelector("#syscalls-10 rect").getBoundingClientRect().width,
        resources: performance.getEntriesByType("resource").length,
      })`);
      await tab.close();
      const expected = {
        series: ["10:4", "11:4"],
        files: ["open /etc/hosts=2", "open /srv/data=1"],
        network: ["connect tcp 10.0.0.1:443"],
        denials: ["0.020 s11connect tcp 10.0.0.1:443deny EPERM (1)w: w:network.connect"],
        width: (seen.width as number) > 0 ? seen.width : "a drawn bar",
        resources: 0,
      };
      if (JSON.stringify(seen) !== JSON.stringify(expected)) {
        throw new Error(`shown ${JSON.stringify(seen)}\nexpected ${JSON.stringify(expected)}`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
