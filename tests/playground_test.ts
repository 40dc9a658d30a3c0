import { deepStrictEqual as assertEquals } from "node:assert/strict";
/**
 * The playground in a real browser: the bundle is built with esbuild, served on loopback and
 * loaded in headless Chromium (Debian's `chromium`, over CDP); the state is set through the URL
 * (share links) and what the page shows (findings, the decision, the seccomp disassembly, the
 * per-architecture summary, the dry run, the diff) must equal what the CLI prints for the same
 * inputs. The built files also work offline, from `file://`. Without Chromium the test skips,
 * and fails with `CORDON_REQUIRE_KERNEL=1` (CI).
 *
 * @module
 */

import { kernelTest, needCommands } from "./_kernel.ts";
import { cordon } from "./_cli.ts";
import { Chromium, type Page } from "./browser/_chromium.ts";
import { buildPlayground, PlaygroundBuildError } from "../playground/build.ts";
import { servePlayground } from "../playground/serve.ts";
import { encodeState, type PlaygroundState } from "../playground/model.ts";
import { DEFAULT_STATE } from "../playground/model.ts";
import { formatFinding } from "../cli/format_findings.ts";
import { BUILTIN_PROFILES } from "../policies/builtin_profiles.ts";
import type { Finding } from "../compile/lint.ts";
import type { LayerSummary } from "../compile/summarize_filter_set.ts";

const ROOT = new URL("../", import.meta.url).pathname;

interface Shown {
  findings: string[];
  decision: string;
  asm: string;
  summary: string[][];
  dryRunLines: number[];
  dryRunTotal: string | null;
  diff: string;
}

const SHOW = `cordonPlayground.ready.then(() => {
  const text = (id) => document.getElementById(id).textContent;
  const report = new DOMParser().parseFromString(document.getElementById("dryrun").srcdoc,
    "text/html");
  return {
    findings: [...document.querySelectorAll("#findings .finding")].map((e) => e.textContent),
    decision: text("decision"),
    asm: text("asm"),
    summary: [...document.querySelectorAll("#summary-table tr")].slice(1)
      .map((r) => [...r.cells].map((c) => c.textContent)),
    dryRunLines: [...report.querySelectorAll("#findings tbody tr")]
      .map((r) => Number(r.cells[0].textContent)),
    dryRunTotal: document.getElementById("dryrun-status").dataset.findings ?? null,
    diff: text("diff"),
  };
})`;

async function show(page: Page): Promise<Shown> {
  return await page.evaluate<Shown>(SHOW);
}

/**
 * What a command printed: its standard output, or for invalid policies the errors it printed on
 * standard error (every `FILE:LINE:COL: message`, without the count line), which the page shows
 * in place of the answer.
 */
function printed(run: { code: number; stdout: string; stderr: string }): string {
  if (run.stdout.trim() !== "" || run.code === 0) return run.stdout.trimEnd();
  const lines = run.stderr.trimEnd().split("\n").map((l) => l.replace(/^cordon [a-z-]+: /, ""));
  if (!/^\d+ errors?$/.test(lines.at(-1) ?? "")) throw new Error(`CLI failed: ${run.stderr}`);
  return lines.slice(0, -1).join("\n");
}

/** What the CLI prints for the same inputs, run in `cwd` with the policy at `state.name`. */
async function cliAnswers(state: PlaygroundState, cwd: string): Promise<Shown> {
  const name = state.name;
  const check = await cordon(["check", name, "--format", "json"], { cwd });
  const findings = (JSON.parse(check.stdout) as { findings: Finding[] }).findings.map(
    formatFinding,
  );
  const evalArgs = ["eval", name, "--syscall", state.syscall, "--arch", state.arch];
  if (state.args !== "") evalArgs.push("--args", state.args);
  const decision = await cordon(evalArgs, { cwd });
  const asm = await cordon(
    ["compile", name, "--emit", "seccomp-asm", "--arch", state.arch],
    { cwd },
  );
  const out = await Deno.makeTempFile({ dir: cwd, suffix: ".json" });
  const compiled = await cordon(
    ["compile", name, "--emit", "ir", "-o", out, "--format", "json"],
    { cwd },
  );
  const layers = compiled.code === 0
    ? (JSON.parse(compiled.stdout) as { layers: LayerSummary[] }).layers
    : [];
  const summary = layers.flatMap((layer) =>
    layer.arches.map((a) => {
      const b = a.byAction;
      return [
        `${layer.policy}${layer.mode === "audit" ? " (audit)" : ""}`,
        a.arch,
        a.syscalls,
        b.allow,
        b.log,
        b.deny,
        b.kill + b.kill_thread,
        b.trap + b.trace + b.notify,
        a.conditional,
        a.unknown,
      ].map(String);
    })
  );
  let dryRunLines: number[] = [];
  let dryRunTotal: string | null = null;
  if (state.trace !== "") {
    const tracePath = `${cwd}/trace.strace`;
    await Deno.writeTextFile(tracePath, state.trace);
    const dry = await cordon(
      ["dry-run", name, "--trace", tracePath, "--arch", state.arch, "--format", "json"],
      { cwd },
    );
    const report = JSON.parse(dry.stdout) as {
      findings: { line: number }[];
      findingsTotal: number;
    };
    dryRunLines = report.findings.map((f) => f.line);
    dryRunTotal = String(report.findingsTotal);
  }
  let diff = "paste or pick an OLD policy to see what this one allows that it does not";
  if (state.old !== "") {
    await Deno.writeTextFile(`${cwd}/old.yaml`, state.old);
    const d = await cordon(["diff", "old.yaml", name], { cwd });
    // The last line names the files; the page says "this policy" and "OLD" there.
    diff = d.stdout.trimEnd().split("\n").slice(0, -1).join("\n");
  }
  return {
    findings,
    decision: printed(decision),
    asm: printed(asm),
    summary,
    dryRunLines,
    dryRunTotal,
    diff,
  };
}

function comparable(shown: Shown, state: PlaygroundState): Shown {
  return {
    ...shown,
    decision: shown.decision.trimEnd(),
    asm: shown.asm.trimEnd(),
    diff: state.old === "" ? shown.diff : shown.diff.split("\n").slice(0, -1).join("\n"),
  };
}

Deno.test("playground build: a bundled module that uses Deno fails the build", async () => {
  const dist = await Deno.makeTempDir({ prefix: "cordon-playground-" });
  try {
    await buildPlayground(dist, { entry: `${ROOT}tests/testdata/playground/uses_deno.ts` });
    throw new Error("the build succeeded");
  } catch (error) {
    if (!(error instanceof PlaygroundBuildError) || error.code !== "USES_DENO") throw error;
    if (!error.message.includes("tests/testdata/playground/uses_deno.ts")) throw error;
    // The reviewed exception is not reported; the pure compiler modules are not either.
    if (error.message.includes("read_lines.ts") || error.message.includes("compile/")) throw error;
  } finally {
    await Deno.remove(dist, { recursive: true });
  }
});

Deno.test("playground build: the bundle holds no Deno use outside the reviewed list", async () => {
  const dist = await Deno.makeTempDir({ prefix: "cordon-playground-" });
  try {
    const built = await buildPlayground(dist);
    if (built.allowedDeno.toSorted().join() !== "engine/trace/read_lines.ts,policies/errors.ts") {
      throw new Error(`Deno uses: ${built.allowedDeno.join(", ")}`);
    }
    const js = await Deno.readTextFile(`${dist}/app.js`);
    if (!js.includes("baseline-no-debug")) throw new Error("the bundle lacks the builtin profile");
    // Offline: the page loads nothing but its bundle, and the bundle fetches nothing.
    const html = await Deno.readTextFile(`${dist}/index.html`);
    const loads = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    if (loads.join() !== "app.js") throw new Error(`index.html loads ${loads.join(", ")}`);
    if (/\bfetch\(|XMLHttpRequest|importScripts|\bimport\(/.test(js)) {
      throw new Error("the bundle loads code or data at run time");
    }
  } finally {
    await Deno.remove(dist, { recursive: true });
  }
});

kernelTest(
  "playground: headless Chromium shows the CLI's findings, decisions, disassembly, dry run, diff",
  needCommands("chromium"),
  async (t) => {
    const dist = await Deno.makeTempDir({ prefix: "cordon-playground-" });
    const work = await Deno.makeTempDir({ prefix: "cordon-playground-cli-" });
    try {
      const built = await buildPlayground(dist);
      if (built.bundleBytes < 10_000) throw new Error(`bundle is ${built.bundleBytes} bytes`);
      await using server = await servePlayground(dist, 0);
      await using browser = await Chromium.launch();
      const webServer = await Deno.readTextFile(`${ROOT}examples/policies/web-server.yaml`);
      const trace = await Deno.readTextFile(
        `${ROOT}tests/testdata/traces/python_socket_y.strace`,
      );
      const cases: { what: string; state: PlaygroundState; expect: (s: Shown) => void }[] = [
        {
          what: "an example that extends a builtin, socket(AF_PACKET, SOCK_RAW)",
          state: {
            ...DEFAULT_STATE,
            policy: webServer,
            name: "web-server.yaml",
            syscall: "socket",
            args: "AF_PACKET,SOCK_RAW",
          },
          expect: (s) => {
            if (!s.decision.includes("deny")) throw new Error(`not denied: ${s.decision}`);
            if (!s.asm.includes("no-packet-sockets")) throw new Error("rule id not in asm");
          },
        },
        {
          what: "the baseline: ptrace, and a dry run of a Python trace",
          state: {
            ...DEFAULT_STATE,
            policy: BUILTIN_PROFILES["builtin:baseline"]!,
            name: "baseline.yaml",
            arch: "x86_64",
            syscall: "ptrace",
            trace,
          },
          expect: (s) => {
            if (s.dryRunLines.length === 0) throw new Error("the dry run found nothing");
          },
        },
        {
          what: "an invalid policy (findings are the parse errors)",
          state: {
            ...DEFAULT_STATE,
            policy: "apiVersion: cordon/v1\nkind: Policy\nmetadata: {name: x}\n" +
              "spec:\n  defaultAction: deni\n  rules:\n    - id: r\n      syscalls: [opnat]\n",
            name: "bad.yaml",
            arch: "aarch64",
            syscall: "openat",
          },
          expect: (s) => {
            if (!s.findings.some((f) => f.startsWith("bad.yaml:5:"))) {
              throw new Error(`no error at line 5: ${s.findings.join("\n")}`);
            }
          },
        },
        {
          what: "a diff: the baseline (OLD) against an example that grants the network",
          state: {
            ...DEFAULT_STATE,
            policy: webServer,
            name: "web-server.yaml",
            arch: "x32",
            syscall: "connect",
            old: BUILTIN_PROFILES["builtin:baseline"]!,
          },
          expect: (s) => {
            if (!s.diff.includes("+ ")) throw new Error(`no addition in the diff: ${s.diff}`);
          },
        },
      ];
      for (const c of cases) {
        await t.step(c.what, async () => {
          await Deno.writeTextFile(`${work}/${c.state.name}`, c.state.policy);
          const page = await browser.open(`${server.url}#${encodeState(c.state)}`);
          const shown = comparable(await show(page), c.state);
          await page.close();
          const cli = await cliAnswers(c.state, work);
          assertEquals(shown.findings, cli.findings, "findings");
          assertEquals(shown.decision, cli.decision, "decision");
          assertEquals(shown.asm, cli.asm, "seccomp disassembly");
          assertEquals(shown.summary, cli.summary, "per-architecture summary");
          assertEquals(shown.dryRunLines, cli.dryRunLines, "dry-run findings (trace lines)");
          assertEquals(shown.dryRunTotal, cli.dryRunTotal, "dry-run findings total");
          assertEquals(shown.diff, cli.diff, "diff");
          c.expect(shown);
        });
      }
      await t.step("the built files work offline (file://, no server)", async () => {
        const state = { ...DEFAULT_STATE, syscall: "io_uring_setup" };
        const page = await browser.open(`file://${dist}/index.html#${encodeState(state)}`);
        const shown = await show(page);
        await page.close();
        if (!shown.decision.startsWith("io_uring_setup(425) on x86_64: deny ENOSYS")) {
          throw new Error(`offline decision: ${shown.decision}`);
        }
      });
      await t.step(
        "the editor explains the key under the cursor from the JSON Schema",
        async () => {
          const page = await browser.open(`${server.url}#${encodeState(DEFAULT_STATE)}`);
          const help = await page.evaluate<string>(`cordonPlayground.ready.then(() => {
          const editor = document.getElementById("policy");
          const at = editor.value.indexOf("defaultAction:") + 3;
          editor.setSelectionRange(at, at);
          editor.dispatchEvent(new KeyboardEvent("keyup"));
          return document.getElementById("keyhelp").textContent;
        })`);
          await page.close();
          if (!help.startsWith("spec.defaultAction:") || !help.includes("kill_thread")) {
            throw new Error(`key help: ${help}`);
          }
        },
      );
      await t.step("editing the policy updates the decision and the share link", async () => {
        const page = await browser.open(`${server.url}#${encodeState(DEFAULT_STATE)}`);
        const before = await show(page);
        // Replace the policy with one that allows everything, as a user typing would.
        const after = await page.evaluate<{ decision: string; hash: string }>(`(async () => {
          const editor = document.getElementById("policy");
          editor.value = "apiVersion: cordon/v1\\nkind: Policy\\nmetadata: {name: open}\\n" +
            "spec: {defaultAction: allow}\\n";
          const updated = new Promise((ok) => {
            const pre = document.getElementById("decision");
            new MutationObserver((_, o) => { o.disconnect(); ok(); })
              .observe(pre, { childList: true, characterData: true, subtree: true });
          });
          editor.dispatchEvent(new Event("input"));
          await updated;
          await cordonPlayground.ready;
          return { decision: document.getElementById("decision").textContent, hash: location.hash };
        })()`);
        await page.close();
        if (!before.decision.includes("kill")) throw new Error(`before: ${before.decision}`);
        if (!after.decision.startsWith("ptrace(101) on x86_64: allow")) {
          throw new Error(`after: ${after.decision}`);
        }
        if (!decodeURIComponent(after.hash.replaceAll("+", " ")).includes("name: open")) {
          throw new Error(`the URL does not hold the edit: ${after.hash}`);
        }
      });
    } finally {
      await Deno.remove(dist, { recursive: true });
      await Deno.remove(work, { recursive: true });
    }
  },
);
