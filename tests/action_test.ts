/**
 * The GitHub Action: its committed bundle is what `action/build.ts` builds now; run with node as
 * GitHub runs it (inputs in `INPUT_*` variables) against the examples, it agrees with the
 * `cordon` command line, writes SARIF that validates against the official SARIF 2.1.0 schema with
 * `help` and `helpUri` on every rule, and fails the job on findings.
 */

// ajv-draft-04 needs ajv as a peer: imported first so that Deno resolves it.
// deno-lint-ignore no-import-prefix
import "npm:ajv@8.20.0";
// deno-lint-ignore no-import-prefix
import Ajv from "npm:ajv-draft-04@1.0.0";
// deno-lint-ignore no-import-prefix
import addFormats from "npm:ajv-formats@3.0.1";
// deno-lint-ignore no-import-prefix
import { parse as parseYaml } from "npm:yaml@2.9.1";
import { cordon } from "./_cli.ts";
import { fail } from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const BUNDLE = "action/dist/index.mjs";
const DOCS = "https://github.com/acme/cordon";

interface SarifRule {
  id: string;
  helpUri?: string;
  help?: { text?: string; markdown?: string };
  shortDescription?: { text: string };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
  }[];
}

interface Sarif {
  version: string;
  runs: {
    tool: { driver: { name: string; informationUri?: string; rules: SarifRule[] } };
    results: SarifResult[];
  }[];
}

interface ActionRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly sarif: Sarif | undefined;
  readonly outputs: Record<string, string>;
}

const validateSarif = await (async () => {
  const schema = JSON.parse(
    await Deno.readTextFile(new URL("tests/testdata/sarif/sarif-schema-2.1.0.json", ROOT)),
  );
  // CommonJS packages: their classes and functions are also the modules' `default` exports.
  const ajv = new Ajv.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
})();

/** Runs the bundle with node in the repository, as a workflow step with `inputs`. */
async function action(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const dir = await Deno.makeTempDir({ prefix: "cordon-action-" });
  try {
    const sarifPath = `${dir}/out.sarif`;
    const outputPath = `${dir}/outputs`;
    await Deno.writeTextFile(outputPath, "");
    const vars: Record<string, string> = {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      GITHUB_OUTPUT: outputPath,
      "INPUT_DOCS-URL": DOCS,
      INPUT_SARIF: sarifPath,
      ...env,
    };
    for (const [name, value] of Object.entries(inputs)) vars[`INPUT_${name.toUpperCase()}`] = value;
    const output = await new Deno.Command("node", {
      args: [BUNDLE],
      cwd: ROOT,
      env: vars,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = await Deno.readTextFile(sarifPath).catch(() => undefined);
    const outputs = Object.fromEntries(
      (await Deno.readTextFile(outputPath)).split("\n").filter((l) => l.includes("=")).map((l) => {
        const i = l.indexOf("=");
        return [l.slice(0, i), l.slice(i + 1)];
      }),
    );
    const run: ActionRun = {
      code: output.code,
      stdout: new TextDecoder().decode(output.stdout),
      stderr: new TextDecoder().decode(output.stderr),
      sarif: text === undefined ? undefined : JSON.parse(text) as Sarif,
      outputs,
    };
    return run;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The log validates against the SARIF 2.1.0 schema and meets GitHub code scanning's asks. */
function assertGitHubSarif(run: ActionRun): Sarif {
  const log = run.sarif ?? fail(`no SARIF written (exit ${run.code}):\n${run.stdout}${run.stderr}`);
  if (!validateSarif(log)) {
    fail(`SARIF does not validate:\n${JSON.stringify(validateSarif.errors, null, 2)}`);
  }
  const driver = log.runs[0]!.tool.driver;
  if (driver.informationUri !== DOCS) fail(`informationUri is ${driver.informationUri}`);
  for (const rule of driver.rules) {
    if (!rule.help?.text || !rule.help.markdown) fail(`rule ${rule.id} has no help`);
    if (rule.helpUri !== `${DOCS}/docs/action.md#${rule.id}`) {
      fail(`rule ${rule.id} has helpUri ${rule.helpUri}`);
    }
  }
  for (const result of log.runs[0]!.results) {
    if (driver.rules[result.ruleIndex]?.id !== result.ruleId) {
      fail(`result ${result.ruleId} points at rule ${result.ruleIndex}`);
    }
  }
  return log;
}

async function examplePolicies(): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(new URL("examples/policies/", ROOT))) {
    if (e.isFile && e.name.endsWith(".yaml")) names.push(`examples/policies/${e.name}`);
  }
  return names.sort();
}

Deno.test("the committed Action bundle is what action/build.ts builds", {
  permissions: { read: true, write: true, run: true, env: true, net: true },
}, async () => {
  const { buildAction, BUNDLE_PATH } = await import("../action/build.ts");
  if (BUNDLE_PATH !== BUNDLE) fail(`build writes ${BUNDLE_PATH}`);
  const built = await buildAction();
  const committed = await Deno.readTextFile(new URL(BUNDLE, ROOT));
  if (built !== committed) fail(`${BUNDLE} is stale: run deno task build:action`);
  if (/\/(root|home)\/[^"\n]*\.cache/.test(committed)) fail("the bundle names a local cache path");
});

Deno.test("action.yml runs the bundle under node 20 with the documented inputs", {
  permissions: { read: true, env: true },
}, async () => {
  const meta = parseYaml(await Deno.readTextFile(new URL("action.yml", ROOT))) as {
    runs: { using: string; main: string };
    inputs: Record<string, { description?: string; required?: boolean; default?: string }>;
    outputs: Record<string, unknown>;
  };
  if (!/^node(2\d|[3-9]\d)$/.test(meta.runs.using)) fail(`runs.using is ${meta.runs.using}`);
  if (meta.runs.main !== BUNDLE) fail(`runs.main is ${meta.runs.main}`);
  const main = await Deno.readTextFile(new URL("action/main.ts", ROOT));
  for (const [name, spec] of Object.entries(meta.inputs)) {
    if (!spec.description) fail(`input ${name} has no description`);
    if (!main.includes(`input("${name}"`)) fail(`input ${name} is not read by action/main.ts`);
  }
  for (const name of ["command", "policies", "trace", "base", "fail-on", "sarif"]) {
    if (meta.inputs[name] === undefined) fail(`action.yml has no input ${name}`);
  }
  for (const name of ["sarif", "findings", "failed"]) {
    if (meta.outputs[name] === undefined) fail(`action.yml has no output ${name}`);
  }
});

Deno.test("check: the examples pass, agree with cordon check, and the SARIF validates", {
  permissions: { read: true, write: true, run: true, env: true },
}, async () => {
  const policies = await examplePolicies();
  const run = await action({ command: "check", policies: "examples/policies" });
  if (run.code !== 0) fail(`exit ${run.code}:\n${run.stdout}${run.stderr}`);
  const log = assertGitHubSarif(run);
  const cli = await cordon(["check", "--format", "json", ...policies], { cwd: ROOT });
  if (cli.code !== 0) fail(`cordon check: exit ${cli.code}: ${cli.stderr}`);
  const report = JSON.parse(cli.stdout) as {
    findings: { code: string; loc: { file: string; line: number } }[];
  };
  const key = (code: string, file: string, line: number) => `${code} ${file}:${line}`;
  const expected = report.findings.map((f) => key(f.code, f.loc.file, f.loc.line)).sort();
  const got = log.runs[0]!.results.map((r) => {
    const at = r.locations[0]!.physicalLocation;
    return key(r.ruleId, at.artifactLocation.uri, at.region.startLine);
  }).sort();
  if (JSON.stringify(got) !== JSON.stringify(expected)) {
    fail(`the Action found\n  ${got.join("\n  ")}\ncordon check found\n  ${expected.join("\n  ")}`);
  }
  if (run.outputs.failed !== "false" || run.outputs.findings !== String(got.length)) {
    fail(`outputs: ${JSON.stringify(run.outputs)}`);
  }
  // The catalogue lists every code, each documented in docs/action.md.
  const docs = await Deno.readTextFile(new URL("docs/action.md", ROOT));
  const rules = log.runs[0]!.tool.driver.rules;
  for (const id of ["shadowed-rule", "unknown-key", "would-deny", "privilege-added"]) {
    if (!rules.some((r) => r.id === id)) fail(`no rule ${id} in the catalogue`);
  }
  for (const rule of rules) {
    if (!docs.includes(`### \`${rule.id}\`\n`)) fail(`docs/action.md does not document ${rule.id}`);
  }
  // With fail-on info, the examples' info findings fail the job.
  if (got.length > 0) {
    const strict = await action({
      command: "check",
      policies: "examples/policies",
      "fail-on": "info",
    });
    if (strict.code !== 1 || strict.outputs.failed !== "true") {
      fail(`fail-on info: exit ${strict.code}, outputs ${JSON.stringify(strict.outputs)}`);
    }
  }
});

Deno.test("check: a broken policy fails the job with its error located in SARIF", {
  permissions: { read: true, write: true, run: true, env: true },
}, async () => {
  const dir = await Deno.makeTempDir({ dir: new URL(".cache/", ROOT).pathname }).catch(async () => {
    await Deno.mkdir(new URL(".cache/", ROOT), { recursive: true });
    return await Deno.makeTempDir({ dir: new URL(".cache/", ROOT).pathname });
  });
  try {
    const file = `${dir}/broken.yaml`;
    await Deno.writeTextFile(
      file,
      "apiVersion: cordon/v1\nkind: Policy\nmetadata: { name: broken }\nspec:\n  defaultAction: allow\n  rulez: []\n",
    );
    const run = await action({ policies: file });
    if (run.code !== 1 || run.outputs.failed !== "true") {
      fail(`exit ${run.code}, outputs ${JSON.stringify(run.outputs)}:\n${run.stdout}`);
    }
    const result = assertGitHubSarif(run).runs[0]!.results.find((r) => r.ruleId === "unknown-key");
    if (result === undefined) fail(`no unknown-key result:\n${run.stdout}`);
    if (result.level !== "error" || result.locations[0]!.physicalLocation.region.startLine !== 6) {
      fail(`unknown-key result: ${JSON.stringify(result)}`);
    }
    if (!run.stdout.includes(`::error file=${file},line=6,col=3`)) {
      fail(`no annotation for the error:\n${run.stdout}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dry-run: a trace's stopped calls fail the job, as cordon dry-run counts them", {
  permissions: { read: true, write: true, run: true, env: true },
}, async () => {
  const policy = "examples/policies/cli-tool.yaml";
  const trace = "tests/testdata/traces/python_paths_net.strace";
  const cli = await cordon(["dry-run", policy, "--trace", trace, "--format", "json"], {
    cwd: ROOT,
  });
  const report = JSON.parse(cli.stdout) as { findingsTotal: number; undecidedTotal: number };
  if (report.findingsTotal === 0) fail("the trace should have stopped calls");
  const run = await action({ command: "dry-run", policies: policy, trace });
  if (run.code !== 1 || run.outputs.failed !== "true") {
    fail(`exit ${run.code}:\n${run.stdout}${run.stderr}`);
  }
  const results = assertGitHubSarif(run).runs[0]!.results;
  const stopped = results.filter((r) => r.ruleId.startsWith("would-"));
  if (stopped.length !== report.findingsTotal) {
    fail(
      `the Action reports ${stopped.length} stopped calls, cordon dry-run ${report.findingsTotal}`,
    );
  }
  for (const r of stopped) {
    if (r.level !== "error" || !r.message.text.startsWith(`${trace}:`)) {
      fail(`result ${JSON.stringify(r)}`);
    }
  }
  // The same policy over a trace it allows passes.
  const ok = await action({
    command: "dry-run",
    policies: policy,
    trace: "tests/testdata/traces/ls.strace",
  });
  if (ok.code !== 0) fail(`ls trace: exit ${ok.code}:\n${ok.stdout}${ok.stderr}`);
  assertGitHubSarif(ok);
});

Deno.test("diff: privileges the new policies add fail the job; none added passes", {
  permissions: { read: true, write: true, run: true, env: true },
}, async () => {
  await Deno.mkdir(new URL(".cache/", ROOT), { recursive: true });
  const dir = await Deno.makeTempDir({ dir: new URL(".cache/", ROOT).pathname });
  try {
    const policy = (rules: string[]) =>
      [
        "apiVersion: cordon/v1",
        "kind: Policy",
        "metadata: { name: p }",
        "spec:",
        "  defaultAction: deny",
        "  rules:",
        "    - { id: io, syscalls: [read, write, exit_group], action: allow }",
        ...rules,
        "",
      ].join("\n");
    // Relative to the checkout, as a workflow names them.
    const base = `${dir.slice(ROOT.pathname.length)}/base.yaml`;
    const wider = `${dir.slice(ROOT.pathname.length)}/wider.yaml`;
    await Deno.writeTextFile(`${dir}/base.yaml`, policy([]));
    await Deno.writeTextFile(
      `${dir}/wider.yaml`,
      policy(["    - { id: debug, syscalls: [ptrace], action: allow }"]),
    );
    const grew = await action({ command: "diff", base, policies: wider, arch: "x86_64" });
    if (grew.code !== 1) fail(`exit ${grew.code}:\n${grew.stdout}${grew.stderr}`);
    const added = assertGitHubSarif(grew).runs[0]!.results.filter((r) =>
      r.ruleId === "privilege-added"
    );
    if (added.length !== 1 || !added[0]!.message.text.includes("ptrace")) {
      fail(`privilege-added results: ${JSON.stringify(added)}`);
    }
    const at = added[0]!.locations[0]!.physicalLocation;
    if (at.artifactLocation.uri !== wider || at.region.startLine !== 8) {
      fail(`ptrace located at ${JSON.stringify(at)}`);
    }
    const narrower = await action({ command: "diff", base: wider, policies: base, arch: "x86_64" });
    if (narrower.code !== 0) {
      fail(`narrowing: exit ${narrower.code}:\n${narrower.stdout}${narrower.stderr}`);
    }
    const removed = assertGitHubSarif(narrower).runs[0]!.results;
    if (removed.length !== 1 || removed[0]!.ruleId !== "privilege-removed") {
      fail(`narrowing results: ${JSON.stringify(removed)}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad inputs exit 2 with a message and no SARIF", {
  permissions: { read: true, write: true, run: true, env: true },
}, async () => {
  for (
    const inputs of [
      { command: "lint", policies: "examples/policies" },
      { command: "dry-run", policies: "examples/policies" },
      { command: "check", policies: "" },
      { command: "check", policies: "examples/policies", "fail-on": "fatal" },
    ]
  ) {
    const run = await action(inputs);
    if (run.code !== 2 || !run.stdout.includes("::error title=cordon::")) {
      fail(`${JSON.stringify(inputs)}: exit ${run.code}:\n${run.stdout}${run.stderr}`);
    }
    if (run.sarif !== undefined) fail(`${JSON.stringify(inputs)} wrote SARIF`);
  }
});

Deno.test("the CLI's SARIF (check, dry-run, diff with --docs-url) meets the same asks", {
  permissions: { read: true, write: true, run: true, env: true },
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "cordon-cli-sarif-" });
  try {
    await Deno.writeTextFile(
      `${dir}/broken.yaml`,
      "apiVersion: cordon/v1\nkind: Policy\nmetadata: {name: b}\nspec:\n  defaultAction: allw\n",
    );
    const runs = [
      ["check", "examples/policies/cli-tool.yaml", `${dir}/broken.yaml`],
      [
        "dry-run",
        "examples/policies/cli-tool.yaml",
        "--trace",
        "tests/testdata/traces/python_paths_net.strace",
      ],
      ["diff", "builtin:baseline", "examples/policies/web-client.yaml"],
    ];
    for (const args of runs) {
      const cli = await cordon([...args, "--format", "sarif", "--docs-url", `${DOCS}/`], {
        cwd: ROOT,
      });
      if (cli.code !== 1) fail(`cordon ${args.join(" ")}: exit ${cli.code}: ${cli.stderr}`);
      const log = assertGitHubSarif({
        code: cli.code,
        stdout: cli.stdout,
        stderr: cli.stderr,
        sarif: JSON.parse(cli.stdout) as Sarif,
        outputs: {},
      });
      if (log.runs[0]!.results.length === 0) fail(`cordon ${args[0]}: no results`);
    }
    // Without --docs-url every rule still has its help text, and the log still validates.
    const bare = await cordon(["check", `${dir}/broken.yaml`, "--format", "sarif"], { cwd: ROOT });
    const log = JSON.parse(bare.stdout) as Sarif;
    if (!validateSarif(log)) {
      fail(`SARIF does not validate: ${JSON.stringify(validateSarif.errors)}`);
    }
    const rules = log.runs[0]!.tool.driver.rules;
    const broken = rules.find((r) => r.id === "bad-value");
    if (!broken?.help?.text || broken.helpUri !== undefined) fail(JSON.stringify(broken));
    if (!rules.every((r) => r.help?.text)) fail("a rule without help");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
