/**
 * `cordon check` end to end: the real command line in a child process, so that exit codes,
 * stdout and stderr are what a CI job sees.
 */

import { type CliRun, cordon } from "./_cli.ts";

const root = new URL("..", import.meta.url);

function check(args: string[], cwd: string): Promise<CliRun> {
  return cordon(["check", ...args], { cwd, denoFlags: ["--quiet"], env: { NO_COLOR: "1" } });
}

function fail(message: string, run?: CliRun): never {
  throw new Error(
    run ? `${message}\nexit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}` : message,
  );
}

const GOOD = `apiVersion: cordon/v1
kind: Policy
metadata: { name: good }
spec:
  extends: [builtin:baseline]
  capabilities:
    allow: [net.client]
`;

// Two schema errors (unknown syscall, unknown key) that check must both report.
const BAD = `apiVersion: cordon/v1
kind: Policy
metadata: { name: bad }
spec:
  defaultAction: deny
  rules:
    - syscalls: [no_such_syscall]
      action: deny
  colour: blue
`;

// Valid, but with a warning (io_uring left open by a restrictive policy) and a lint error
// (a condition on a pointer argument).
const LINT_ERROR = `apiVersion: cordon/v1
kind: Policy
metadata: { name: lint-error }
spec:
  defaultAction: deny
  capabilities:
    allow: [io_uring]
  rules:
    - syscalls: [openat]
      action: deny
      args:
        - { index: 1, op: eq, value: 0 }
`;

const WARNING_ONLY = `apiVersion: cordon/v1
kind: Policy
metadata: { name: warning-only }
spec:
  defaultAction: deny
  capabilities:
    allow: [io_uring]
`;

async function withFiles(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "cordon-check-" });
  try {
    await Deno.writeTextFile(`${dir}/good.yaml`, GOOD);
    await Deno.writeTextFile(`${dir}/bad.yaml`, BAD);
    await Deno.writeTextFile(`${dir}/lint-error.yaml`, LINT_ERROR);
    await Deno.writeTextFile(`${dir}/warning-only.yaml`, WARNING_ONLY);
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("cordon check exits 0 on a valid policy and prints the summary", async () => {
  await withFiles(async (dir) => {
    const run = await check(["good.yaml"], dir);
    if (run.code !== 0) fail("expected exit 0", run);
    if (!run.stdout.includes("1 policy, 0 errors, 0 warnings")) fail("summary", run);
  });
});

Deno.test("cordon check reports every schema error with FILE:LINE:COL and exits 1", async () => {
  await withFiles(async (dir) => {
    const run = await check(["bad.yaml", "good.yaml"], dir);
    if (run.code !== 1) fail("expected exit 1", run);
    const errors = run.stdout.split("\n").filter((line) =>
      /^bad\.yaml:\d+:\d+: error\[/.test(line)
    );
    if (errors.length < 2) fail("expected both errors", run);
    if (!errors.some((l) => l.startsWith("bad.yaml:7:") && l.includes("no_such_syscall"))) {
      fail("unknown syscall at line 7", run);
    }
    if (!errors.some((l) => l.startsWith("bad.yaml:9:") && l.includes("colour"))) {
      fail("unknown key at line 9", run);
    }
    if (run.stdout.includes("    at ") || run.stderr.includes("    at ")) fail("stack trace", run);
  });
});

Deno.test("cordon check fails on lint errors and reports warnings", async () => {
  await withFiles(async (dir) => {
    const run = await check(["lint-error.yaml"], dir);
    if (run.code !== 1) fail("expected exit 1", run);
    if (!/^lint-error\.yaml:12:11: error\[pointer-argument\]: /m.test(run.stdout)) {
      fail("pointer-argument error at 12:11", run);
    }
    if (
      !/^lint-error\.yaml:\d+:\d+: warning\[dangerous-syscall-allowed\]: .*io_uring_setup/m.test(
        run.stdout,
      )
    ) {
      fail("io_uring warning", run);
    }
    if (!run.stdout.includes("1 policy, 1 error, 1 warning")) fail("summary", run);
  });
});

Deno.test("cordon check --fail-on chooses the severity that fails", async () => {
  await withFiles(async (dir) => {
    const lenient = await check(["warning-only.yaml"], dir);
    if (lenient.code !== 0) fail("warnings alone pass by default", lenient);
    const strict = await check(["warning-only.yaml", "--fail-on", "warning"], dir);
    if (strict.code !== 1) fail("--fail-on warning must fail", strict);
    const synonym = await check(["warning-only.yaml", "--severity", "warning"], dir);
    if (synonym.code !== 1) fail("--severity warning must fail", synonym);
    const good = await check(["good.yaml", "--fail-on", "warning"], dir);
    if (good.code !== 0) fail("a clean policy passes --fail-on warning", good);
  });
});

Deno.test("cordon check --format json gives the structured report", async () => {
  await withFiles(async (dir) => {
    const run = await check(["lint-error.yaml", "--format", "json"], dir);
    if (run.code !== 1) fail("expected exit 1", run);
    const report = JSON.parse(run.stdout);
    if (report.valid !== false || report.failOn !== "error") fail("valid/failOn", run);
    if (report.summary.policies !== 1 || report.summary.errors !== 1) fail("summary", run);
    if (JSON.stringify(report.policies) !== '["lint-error"]') fail("policies", run);
    const finding = report.findings.find((f: { code: string }) => f.code === "pointer-argument");
    if (!finding || finding.severity !== "error") fail("pointer finding", run);
    if (finding.loc.file !== "lint-error.yaml" || finding.loc.line !== 12) fail("loc", run);
    const bad = await check(["bad.yaml", "--format=json"], dir);
    const parsed = JSON.parse(bad.stdout);
    if (bad.code !== 1 || parsed.summary.errors < 2) fail("parse errors in JSON", bad);
    if (!parsed.findings.every((f: { code: string }) => typeof f.code === "string")) fail("codes");
  });
});

Deno.test("cordon check --format sarif writes a SARIF 2.1.0 log", async () => {
  await withFiles(async (dir) => {
    const run = await check(["lint-error.yaml", "--format", "sarif"], dir);
    if (run.code !== 1) fail("expected exit 1", run);
    const log = JSON.parse(run.stdout);
    if (log.version !== "2.1.0" || !String(log.$schema).includes("sarif-schema-2.1.0")) {
      fail("version/$schema", run);
    }
    if (log.runs.length !== 1) fail("one run", run);
    const driver = log.runs[0].tool.driver;
    if (driver.name !== "cordon" || typeof driver.version !== "string") fail("driver", run);
    const ruleIds = new Set(driver.rules.map((r: { id: string }) => r.id));
    const results = log.runs[0].results;
    if (results.length !== 2) fail("results", run);
    for (const result of results) {
      if (!ruleIds.has(result.ruleId)) fail(`result rule ${result.ruleId} not in driver.rules`);
      if (driver.rules[result.ruleIndex].id !== result.ruleId) fail("ruleIndex");
      if (!["error", "warning", "note"].includes(result.level)) fail(`level ${result.level}`);
      if (typeof result.message.text !== "string" || result.message.text === "") fail("message");
      const { artifactLocation, region } = result.locations[0].physicalLocation;
      if (artifactLocation.uri !== "lint-error.yaml") {
        fail(`uri ${artifactLocation.uri}`);
      }
      if (!(region.startLine >= 1 && region.startColumn >= 1)) fail("region");
    }
    for (const rule of driver.rules) {
      if (!rule.shortDescription?.text || !rule.defaultConfiguration?.level) fail("rule shape");
    }
    const bad = await check(["bad.yaml", "--format", "sarif"], dir);
    const badLog = JSON.parse(bad.stdout);
    const badResults = badLog.runs[0].results;
    if (bad.code !== 1 || badResults.length < 2) fail("parse errors as results", bad);
    const badRules = new Set(badLog.runs[0].tool.driver.rules.map((r: { id: string }) => r.id));
    if (!badResults.every((r: { ruleId: string }) => badRules.has(r.ruleId))) {
      fail("parse-error codes must be rules too", bad);
    }
  });
});

Deno.test("cordon check reports a missing file without a stack trace", async () => {
  await withFiles(async (dir) => {
    const run = await check(["missing.yaml"], dir);
    if (run.code !== 1) fail("expected exit 1", run);
    if (!(run.stdout + run.stderr).includes("missing.yaml")) fail("names the file", run);
    if ((run.stdout + run.stderr).includes("    at ")) fail("stack trace", run);
  });
});

Deno.test("cordon check checks builtin profiles by name", async () => {
  const run = await check(["builtin:baseline", "--fail-on", "warning"], root.pathname);
  if (run.code !== 0) fail("builtin:baseline must pass", run);
});

Deno.test("cordon check usage errors exit 2", async (t) => {
  await withFiles(async (dir) => {
    for (
      const args of [
        [],
        ["good.yaml", "--format", "xml"],
        ["good.yaml", "--arch", "sparc"],
        ["good.yaml", "--fail-on", "fatal"],
        ["good.yaml", "--no-such-option"],
        ["good.yaml", "--fail-on", "error", "--severity", "info"],
      ]
    ) {
      await t.step(args.join(" ") || "(no files)", async () => {
        const run = await check(args, dir);
        if (run.code !== 2) fail("expected exit 2", run);
        if (!run.stderr.includes("--help")) fail("points to --help", run);
      });
    }
  });
});

Deno.test("cordon check --help describes options and exit codes", async () => {
  const run = await check(["--help"], root.pathname);
  if (run.code !== 0) fail("expected exit 0", run);
  for (const word of ["--format", "--arch", "--fail-on", "sarif", "Exit codes"]) {
    if (!run.stdout.includes(word)) fail(`help lacks ${word}`, run);
  }
});
