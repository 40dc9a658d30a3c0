/**
 * `cordon dry-run` end to end: the real command line in a child process, with real strace
 * traces recorded on this machine (`tests/testdata/traces/`).
 */

import assert from "node:assert/strict";

const deno = Deno.execPath();
const mod = new URL("../mod.ts", import.meta.url).pathname;
const traces = new URL("./testdata/traces/", import.meta.url).pathname;
const examples = new URL("../examples/policies/", import.meta.url).pathname;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function dryRun(args: string[], stdin?: string): Promise<Run> {
  const child = new Deno.Command(deno, {
    args: ["run", "-A", "--quiet", mod, "dry-run", ...args],
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const out = await child.output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

Deno.test("cordon dry-run exits 1 and names pid, call and rule location for each stopped call", async () => {
  const run = await dryRun([
    `${examples}untrusted-plugin.yaml`,
    "--trace",
    `${traces}python_socket_y.strace`,
  ]);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stdout, /8 calls would be stopped/);
  assert.match(
    run.stdout,
    /line 384: pid 14480 \(python3\) socket\(AF_INET, SOCK_STREAM\|SOCK_CLOEXEC, IPPROTO_IP\): kill by .* at .*untrusted-plugin\.yaml:\d+:\d+/,
  );
});

Deno.test("cordon dry-run exits 0 when nothing would be stopped", async () => {
  const run = await dryRun([`${examples}cli-tool.yaml`, "--trace", `${traces}cat_tt_T.strace`]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /no call would be stopped/);
});

Deno.test("cordon dry-run --format json, sarif and junit are well-formed and agree", async () => {
  const base = [`${examples}untrusted-plugin.yaml`, "--trace", `${traces}tar_gzip_tt.strace`];
  const json = await dryRun([...base, "--format", "json"]);
  assert.equal(json.code, 1);
  const report = JSON.parse(json.stdout);
  assert.equal(report.format, "strace");
  assert.ok(report.findingsTotal > 0);
  const sarif = await dryRun([...base, "--format", "sarif"]);
  const log = JSON.parse(sarif.stdout);
  assert.equal(log.version, "2.1.0");
  assert.equal(log.runs[0].results.length, report.findingsTotal);
  assert.ok(log.runs[0].results.every((r: { ruleId: string }) => r.ruleId.startsWith("would-")));
  const junit = await dryRun([...base, "--format", "junit"]);
  assert.match(junit.stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
  assert.match(junit.stdout, new RegExp(`failures="${report.findingsTotal}"`));
  assert.equal((junit.stdout.match(/<testcase /g) ?? []).length, report.findingsTotal);
});

Deno.test("cordon dry-run reports malformed lines with their numbers, or stops with --on-malformed fail", async () => {
  const trace = "1 getpid() = 1\n1 ptrace(PTRACE_TRACEME, 0, NULL, NULL\nsome noise\n";
  const policy = `${examples}untrusted-plugin.yaml`;
  const skip = await dryRun([policy, "--trace", "-", "--format", "json"], trace);
  const report = JSON.parse(skip.stdout);
  assert.deepEqual(report.malformed.map((m: { line: number }) => m.line), [2, 3]);
  assert.equal(skip.code, 0);
  const fail = await dryRun([policy, "--trace", "-", "--on-malformed", "fail"], trace);
  assert.equal(fail.code, 1);
  assert.match(fail.stderr, /line 2: .*TRACE_MALFORMED/);
});

Deno.test("cordon dry-run usage errors exit 2", async () => {
  for (
    const args of [
      [`${examples}cli-tool.yaml`],
      [`${examples}cli-tool.yaml`, "--trace", "x", "--format", "xml"],
      [`${examples}cli-tool.yaml`, "--trace", "x", "--trace-format", "ltrace"],
      ["--trace", "x"],
    ]
  ) {
    const run = await dryRun(args);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
  }
  const help = await dryRun(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--on-malformed/);
});
