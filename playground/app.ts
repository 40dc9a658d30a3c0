/**
 * The playground page: wires `playground/index.html` to the pure computations of
 * `playground/model.ts`. Every input change recomputes findings, the decision, the summary, the
 * disassembly, the dry run and the diff, and writes the state into the URL's fragment.
 * `window.cordonPlayground.ready` resolves when what is shown matches the current inputs (the
 * browser tests await it).
 *
 * @module
 */

/// <reference lib="dom" />

import {
  type Arch,
  ARCHES,
  BUILTIN_PROFILES,
  checkSources,
  decide,
  decodeState,
  DEFAULT_STATE,
  diffSources,
  disassembly,
  dryRunText,
  encodeState,
  formatFinding,
  type PlaygroundState,
  type PolicySource,
  summary,
} from "./model.ts";
import { dryRunToHtml } from "../cli/format_html.ts";
import { type PolicyError, policyErrorText } from "../policies/errors.ts";
import { schemaHelp } from "./schema_help.ts";
import { formatLocation } from "../policies/types.ts";

/** The example policies (`examples/policies/*.yaml`), by path: defined by the build. */
declare const CORDON_EXAMPLES: Readonly<Record<string, string>>;
const EXAMPLES = CORDON_EXAMPLES;

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page lacks #${id}`);
  return el as T;
};

const policy = $<HTMLTextAreaElement>("policy");
const old = $<HTMLTextAreaElement>("old");
const trace = $<HTMLTextAreaElement>("trace");
const nameInput = $<HTMLInputElement>("name");
const archSelect = $<HTMLSelectElement>("arch");
const syscallInput = $<HTMLInputElement>("syscall");
const argsInput = $<HTMLInputElement>("args");

const PICKS: Readonly<Record<string, string>> = { ...BUILTIN_PROFILES, ...EXAMPLES };

function fillPicker(select: HTMLSelectElement, first: string): void {
  select.append(new Option(first, ""));
  for (const name of Object.keys(PICKS)) select.append(new Option(name, name));
}

fillPicker($<HTMLSelectElement>("pick"), "pick an example…");
fillPicker($<HTMLSelectElement>("pick-old"), "pick OLD…");
for (const arch of ARCHES) archSelect.append(new Option(arch, arch));

function readState(): PlaygroundState {
  return {
    policy: policy.value,
    name: nameInput.value || DEFAULT_STATE.name,
    arch: archSelect.value as Arch,
    syscall: syscallInput.value,
    args: argsInput.value,
    trace: trace.value,
    old: old.value,
  };
}

function writeInputs(state: PlaygroundState): void {
  policy.value = state.policy;
  nameInput.value = state.name;
  archSelect.value = state.arch;
  syscallInput.value = state.syscall;
  argsInput.value = state.args;
  trace.value = state.trace;
  old.value = state.old;
}

/** Selects line `line` (1-based) of the policy editor and scrolls to it. */
function showLine(line: number, column = 1): void {
  const lines = policy.value.split("\n");
  let start = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) start += lines[i]!.length + 1;
  const end = start + (lines[line - 1]?.length ?? 0);
  policy.focus();
  policy.setSelectionRange(Math.min(start + column - 1, end), end);
  const lineHeight = policy.scrollHeight / Math.max(lines.length, 1);
  policy.scrollTop = Math.max(0, (line - 5) * lineHeight);
}

function errorText(errors: readonly PolicyError[]): string {
  return errors.map(policyErrorText).join("\n");
}

function renderFindings(source: PolicySource): void {
  const box = $("findings");
  box.replaceChildren();
  const findings = checkSources([source]);
  if (findings.length === 0) {
    const ok = document.createElement("div");
    ok.className = "ok";
    ok.textContent = "no findings";
    box.append(ok);
  }
  for (const f of findings) {
    const row = document.createElement("div");
    row.className = `finding ${f.severity}`;
    row.textContent = formatFinding(f);
    row.dataset.line = String(f.loc.line);
    if (f.loc.file === source.name) {
      row.title = "show in the editor";
      row.addEventListener("click", () => showLine(f.loc.line, f.loc.column));
    }
    box.append(row);
  }
}

function renderDecision(source: PolicySource, state: PlaygroundState): void {
  const out = $("decision");
  const rule = $("decision-rule");
  rule.replaceChildren();
  out.className = "";
  try {
    const d = decide([source], state.arch, state.syscall, state.args);
    if ("errors" in d) {
      out.textContent = errorText(d.errors);
      out.className = "bad";
      return;
    }
    out.textContent = d.lines.join("\n");
    out.className = d.verdict.action === "allow" || d.verdict.action === "log" ? "ok" : "bad";
    const v = d.verdict;
    if (v.layer !== null && v.loc.file === source.name) {
      const link = document.createElement("button");
      link.textContent = `show ${v.ruleId === null ? "the default action" : `rule "${v.ruleId}"`}`;
      link.addEventListener("click", () => showLine(v.loc.line, v.loc.column));
      const excerpt = document.createElement("code");
      excerpt.className = "rule-line";
      excerpt.textContent = ` ${v.loc.line}: ${
        source.text.split("\n")[v.loc.line - 1]?.trim() ?? ""
      }`;
      rule.append(link, excerpt);
    }
  } catch (error) {
    out.textContent = error instanceof Error ? error.message : String(error);
    out.className = "bad";
  }
}

function renderSummary(source: PolicySource): void {
  const box = $("summary");
  box.replaceChildren();
  const s = summary([source], ARCHES);
  if (!Array.isArray(s)) {
    box.textContent = "the policy does not compile (see the findings)";
    return;
  }
  const table = document.createElement("table");
  table.id = "summary-table";
  const head = table.insertRow();
  for (
    const h of [
      "policy",
      "arch",
      "syscalls",
      "allow",
      "log",
      "deny",
      "kill",
      "trap/trace/notify",
      "by arguments",
      "unknown numbers",
    ]
  ) {
    const th = document.createElement("th");
    th.textContent = h;
    head.append(th);
  }
  for (const layer of s) {
    for (const a of layer.arches) {
      const b = a.byAction;
      const row = table.insertRow();
      row.dataset.arch = a.arch;
      for (
        const cell of [
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
        ]
      ) row.insertCell().textContent = String(cell);
    }
  }
  box.append(table);
}

function renderAsm(source: PolicySource, state: PlaygroundState): void {
  const asm = disassembly([source], [state.arch]);
  $("asm").textContent = typeof asm === "string" ? asm : errorText(asm.errors);
}

function renderDiff(source: PolicySource, state: PlaygroundState): void {
  const out = $("diff");
  if (state.old.trim() === "") {
    out.textContent = "paste or pick an OLD policy to see what this one allows that it does not";
    return;
  }
  const d = diffSources({ name: "old.yaml", text: state.old }, source, ARCHES);
  if ("errors" in d) {
    out.textContent = errorText(d.errors);
    return;
  }
  const at = (l: { file: string; line: number; column: number }) =>
    l.file === "" ? "(nowhere)" : `${formatLocation(l)}`;
  const lines = d.entries.map((e) =>
    `${e.change === "added" ? "+" : "-"} ${e.area}: ${e.message}\n    OLD ${at(e.oldLoc)}  NEW ${
      at(e.newLoc)
    }`
  );
  const added = d.entries.filter((e) => e.change === "added").length;
  lines.push(
    d.grew
      ? `privileges grew: this policy allows ${added} thing${
        added === 1 ? "" : "s"
      } OLD does not (${d.entries.length - added} removed)`
      : d.entries.length === 0
      ? "no difference in privileges"
      : `no privilege added (${d.entries.length} removed)`,
  );
  out.textContent = lines.join("\n");
}

async function renderDryRun(source: PolicySource, state: PlaygroundState): Promise<void> {
  const frame = $<HTMLIFrameElement>("dryrun");
  const status = $("dryrun-status");
  if (state.trace.trim() === "") {
    status.textContent = "paste or upload a trace to replay it";
    frame.srcdoc = "";
    return;
  }
  try {
    const report = await dryRunText([source], state.trace, state.arch);
    if ("errors" in report) {
      status.textContent = errorText(report.errors);
      frame.srcdoc = "";
      return;
    }
    status.textContent =
      `${report.findingsTotal} call(s) would be stopped, ${report.undecidedTotal} undecided`;
    status.dataset.findings = String(report.findingsTotal);
    const sources = [
      source,
      ...Object.entries(BUILTIN_PROFILES).map(([name, text]) => ({ name, text })),
    ];
    frame.srcdoc = dryRunToHtml(report, { trace: "trace", policies: sources });
  } catch (error) {
    status.textContent = error instanceof Error ? error.message : String(error);
    frame.srcdoc = "";
  }
}

let pending: Promise<void> = Promise.resolve();
let timer: ReturnType<typeof setTimeout> | undefined;

async function update(): Promise<void> {
  const state = readState();
  const fragment = encodeState(state);
  if (location.hash.slice(1) !== fragment) history.replaceState(null, "", `#${fragment}`);
  const source = { name: state.name, text: state.policy };
  const started = performance.now();
  renderFindings(source);
  renderDecision(source, state);
  renderSummary(source);
  renderAsm(source, state);
  renderDiff(source, state);
  await renderDryRun(source, state);
  $("status").textContent = `updated in ${Math.round(performance.now() - started)} ms`;
}

function schedule(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = undefined;
    pending = pending.then(update);
    api.ready = pending;
  }, 120);
}

function showKeyHelp(): void {
  const help = schemaHelp(policy.value, policy.selectionStart);
  $("keyhelp").textContent = help;
}

for (const el of [policy, old, trace, nameInput, syscallInput, argsInput]) {
  el.addEventListener("input", schedule);
}
archSelect.addEventListener("change", schedule);
policy.addEventListener("keyup", showKeyHelp);
policy.addEventListener("click", showKeyHelp);
$<HTMLSelectElement>("pick").addEventListener("change", (e) => {
  const name = (e.target as HTMLSelectElement).value;
  if (name === "") return;
  policy.value = PICKS[name]!;
  nameInput.value = name.startsWith("builtin:") ? `${name.slice(8)}.yaml` : name;
  schedule();
});
$<HTMLSelectElement>("pick-old").addEventListener("change", (e) => {
  const name = (e.target as HTMLSelectElement).value;
  if (name === "") return;
  old.value = PICKS[name]!;
  schedule();
});
$<HTMLInputElement>("trace-file").addEventListener("change", async (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (file === undefined) return;
  trace.value = await file.text();
  schedule();
});
$("share").addEventListener("click", async () => {
  await navigator.clipboard.writeText(location.href).catch(() => {});
  $("status").textContent = "share link copied";
});
addEventListener("hashchange", () => {
  if (location.hash.slice(1) === encodeState(readState())) return;
  writeInputs(decodeState(location.hash));
  pending = pending.then(update);
  api.ready = pending;
});

const api: { ready: Promise<void>; loadedIn: number } = { ready: Promise.resolve(), loadedIn: 0 };
(globalThis as unknown as { cordonPlayground: typeof api }).cordonPlayground = api;
writeInputs(decodeState(location.hash));
api.ready = pending = update().then(() => {
  api.loadedIn = performance.now();
});
