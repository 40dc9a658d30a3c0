/**
 * `cordon dry-run` end to end: the real command line in a child process, with real strace
 * traces recorded on this machine (`tests/testdata/traces/`).
 */

import assert from "node:assert/strict";
import { type CliRun, cordon } from "./_cli.ts";

const traces = new URL("./testdata/traces/", import.meta.url).pathname;
const examples = new URL("../examples/policies/", import.meta.url).pathname;

function dryRun(args: string[], stdin?: string): Promise<CliRun> {
  return cordon(["dry-run", ...args], { denoFlags: ["--quiet"], env: { NO_COLOR: "1" }, stdin });
}

Deno.test("cordon dry-run exits 1 and names pid, call and rule location for each stopped call", async () => {
  const run = await dryRun([
    `${examples}untrusted-plugin.yaml`,
    "--trace",
    `${traces}python_socket_y.strace`,
  ]);
  assert.equal(run.code, 1, run.stderr);
  // 8 by its seccomp rules, 4 by its filesystem section (Landlock).
  assert.match(run.stdout, /12 calls would be stopped/);
  assert.equal((run.stdout.match(/\(Landlock\)/g) ?? []).length, 4);
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
  // This trace (no -y) has relative paths under unknown directories: undecided, as warnings.
  assert.ok(report.undecidedTotal > 0);
  const results: { ruleId: string }[] = log.runs[0].results;
  assert.equal(results.length, report.findingsTotal + report.undecidedTotal);
  assert.equal(results.filter((r) => r.ruleId.startsWith("would-")).length, report.findingsTotal);
  assert.equal(results.filter((r) => r.ruleId === "undecided-call").length, report.undecidedTotal);
  const junit = await dryRun([...base, "--format", "junit"]);
  assert.match(junit.stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
  const cases = report.findingsTotal + report.undecidedTotal;
  assert.match(junit.stdout, new RegExp(`failures="${cases}"`));
  assert.equal((junit.stdout.match(/<testcase /g) ?? []).length, cases);
});

Deno.test("cordon dry-run reports malformed lines with their numbers, or stops with --on-malformed fail", async () => {
  const trace = "1 getpid() = 1\n1 ptrace(PTRACE_TRACEME, 0, NULL, NULL\nsome noise\n";
  const policy = `${examples}untrusted-plugin.yaml`;
  const skip = await dryRun([policy, "--trace", "-", "--format", "json"], trace);
  const report = JSON.parse(skip.stdout);
  assert.deepEqual(report.malformed.map((m: { line: number }) => m.line), [2, 3]);
  assert.equal(skip.code, 0);
  const fail = await dryRun([policy, "--trace", "-", "--on-malformed", "fail"], trace);
  assert.equal(fail.code, 3, "a malformed line with --on-malformed fail: the trace is unreadable");
  assert.match(fail.stderr, /^cordon dry-run: error\[TRACE_MALFORMED\]: line 2: /m);
  assert.equal(fail.stdout, "");
});

/** 300 bytes that are not text: a fixed pseudo-random sequence with a NUL and a 0xFF in it. */
function randomBytes(): Uint8Array {
  const bytes = new Uint8Array(300);
  let x = 0x2545f491;
  for (let i = 0; i < bytes.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  bytes[17] = 0;
  bytes[42] = 0xff;
  return bytes;
}

Deno.test("cordon dry-run of a trace it cannot read exits 3 with the reason, in every format", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const strace = await Deno.readTextFile(`${traces}cat_tt_T.strace`);
    const jsonl = '{"v":1,"kind":"process","op":"exit","time":0,"pid":1,"exitCode":0}\n';
    await Deno.writeTextFile(`${dir}/empty`, "");
    await Deno.writeTextFile(`${dir}/blank`, "\n  \n\n");
    await Deno.writeFile(`${dir}/random.bin`, randomBytes());
    await Deno.writeTextFile(`${dir}/app.strace`, strace);
    await Deno.writeTextFile(`${dir}/events.jsonl`, jsonl);
    await Deno.writeTextFile(`${dir}/notes.txt`, "hello\nthis is not a trace\n");
    const cases: [string, string[], RegExp][] = [
      ["an empty file", ["--trace", `${dir}/empty`], /is empty \(0 lines/],
      ["blank lines only", ["--trace", `${dir}/blank`], /is empty \(3 lines/],
      [
        "300 random bytes",
        ["--trace", `${dir}/random.bin`],
        /is binary data, not strace output or JSON Lines/,
      ],
      [
        "strace output read as JSON Lines",
        ["--trace", `${dir}/app.strace`, "--trace-format", "jsonl"],
        /No line of trace .* could be read as JSON Lines \(120 malformed lines; line 1: .*execve.*it looks like strace output/,
      ],
      [
        "JSON Lines read as strace output",
        ["--trace", `${dir}/events.jsonl`, "--trace-format", "strace"],
        /could be read as strace output \(1 malformed line.*it looks like JSON Lines/,
      ],
      [
        "text that is no trace",
        ["--trace", `${dir}/notes.txt`],
        /could be read as strace output \(2 malformed lines/,
      ],
      [
        "a file that does not exist",
        ["--trace", `${dir}/missing`],
        /^cordon dry-run: error\[TRACE_IO\]: cannot read trace ".*missing": no such file or directory$/m,
      ],
    ];
    for (const [what, args, message] of cases) {
      await t.step(what, async () => {
        for (const format of ["text", "json", "sarif", "junit"]) {
          const run = await dryRun([`${examples}cli-tool.yaml`, ...args, "--format", format]);
          assert.equal(run.code, 3, `${what} (${format}): ${run.stdout}${run.stderr}`);
          assert.match(run.stderr, message);
          assert.equal(run.stdout, "", "no report of a trace that was not read");
        }
      });
    }
    await t.step("the same traces in their own format are replayed", async () => {
      const strace = await dryRun([`${examples}cli-tool.yaml`, "--trace", `${dir}/app.strace`]);
      assert.equal(strace.code, 0, strace.stderr);
      assert.match(strace.stdout, /119 calls/);
      const events = await dryRun([`${examples}cli-tool.yaml`, "--trace", `${dir}/events.jsonl`]);
      assert.equal(events.code, 0, events.stderr);
      assert.match(events.stdout, /\(jsonl, 1 lines, 0 calls/);
    });
    await t.step("standard input that is empty", async () => {
      const run = await dryRun([`${examples}cli-tool.yaml`, "--trace", "-"], "");
      assert.equal(run.code, 3);
      assert.match(run.stderr, /The trace is empty/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cordon dry-run usage errors exit 2", async () => {
  for (
    const args of [
      [`${examples}cli-tool.yaml`],
      [`${examples}cli-tool.yaml`, "--trace", "x", "--format", "xml"],
      [`${examples}cli-tool.yaml`, "--trace", "x", "--trace-format", "ltrace"],
      ["--trace", "x"],
      [`${examples}cli-tool.yaml`, "--trace", "x", "--view", "admin"],
    ]
  ) {
    const run = await dryRun(args);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
  }
  const help = await dryRun(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--on-malformed/);
  assert.match(help.stdout, /3 the trace is unreadable/);
  assert.match(help.stdout, /--view V +root \(default: cordon run started as root/);
});

Deno.test("cordon dry-run reports path and address denials with the section's location in every format", async () => {
  const policy = new URL("./testdata/policies/paths-net-demo.yaml", import.meta.url).pathname;
  const base = [policy, "--trace", `${traces}python_paths_net.strace`];
  const text = await dryRun(base);
  assert.equal(text.code, 1, text.stderr);
  assert.match(text.stdout, /7 calls would be stopped/);
  // The default view is a run started as root: the write fails on the read-only mounts.
  assert.match(
    text.stdout,
    /line 631: pid \d+ \(python3\) openat\(AT_FDCWD, "\/tmp\/cordon-demo\/elsewhere\.txt".*: deny EROFS \(30\) by filesystem\.write of policy "paths-net-demo" \(read-only view of a run as root\) at .*paths-net-demo\.yaml:11:3: no filesystem\.write path of policy "paths-net-demo" covers "\/tmp\/cordon-demo\/elsewhere\.txt"/,
  );
  // Run by another user, no read-only view is built: Landlock refuses the same write.
  const user = await dryRun([...base, "--view", "user"]);
  assert.equal(user.code, 1, user.stderr);
  assert.match(user.stdout, /7 calls would be stopped/);
  assert.match(
    user.stdout,
    /line 631: pid \d+ \(python3\) openat\(AT_FDCWD, "\/tmp\/cordon-demo\/elsewhere\.txt".*: deny EACCES \(13\) by filesystem\.write of policy "paths-net-demo" \(Landlock\) at .*paths-net-demo\.yaml:11:3: no filesystem\.write rule covers "\/tmp\/cordon-demo\/elsewhere\.txt"/,
  );
  assert.doesNotMatch(user.stdout, /EROFS|read-only view/);
  assert.match(
    text.stdout,
    /line 658: .*connect\(3, \{sa_family=AF_INET, sin_port=htons\(47012\).*: deny EPERM \(1\) by network\.connect of policy "paths-net-demo" \(cgroup BPF\) at .*paths-net-demo\.yaml:15:3: no connect rule allows tcp\/127\.0\.0\.1:47012/,
  );
  const json = await dryRun([...base, "--format", "json"]);
  const report = JSON.parse(json.stdout);
  assert.deepEqual(
    report.findings.map((f: { mechanism: string; errno: number }) => `${f.mechanism} ${f.errno}`),
    [
      "read-only-view 30",
      "read-only-view 30",
      "read-only-view 30",
      "cgroup-bpf 1",
      "landlock 13",
      "cgroup-bpf 1",
      "landlock 13",
    ],
  );
  const userJson = JSON.parse(
    (await dryRun([...base, "--format", "json", "--view", "user"])).stdout,
  );
  // The same keys in both views: only the mechanism, errno and reason of the writes differ.
  assert.deepEqual(
    userJson.findings.map((f: Record<string, unknown>) => Object.keys(f).join()),
    report.findings.map((f: Record<string, unknown>) => Object.keys(f).join()),
  );
  assert.deepEqual(userJson.findings.slice(0, 3).map((f: { mechanism: string }) => f.mechanism), [
    "landlock",
    "landlock",
    "landlock",
  ]);
  assert.deepEqual(
    report.findings.map((f: { path?: string; address?: string; port?: number }) =>
      f.path ?? `${f.address}:${f.port}`
    ),
    [
      "/tmp/cordon-demo/elsewhere.txt",
      "/tmp/cordon-demo/newdir",
      "/tmp/cordon-demo/rel-outside.txt",
      "127.0.0.1:47012",
      "::1:47013",
      "127.0.0.1:47014",
      "/bin/true",
    ],
  );
  const sarif = JSON.parse((await dryRun([...base, "--format", "sarif"])).stdout);
  const results = sarif.runs[0].results;
  assert.equal(results.length, 7);
  assert.ok(results.every((r: { ruleId: string }) => r.ruleId === "would-deny"));
  assert.match(results[0].message.text, /elsewhere\.txt.*filesystem\.write/);
  const region = results[0].locations[0].physicalLocation.region;
  assert.deepEqual([region.startLine, region.startColumn], [11, 3]);
  const junit = (await dryRun([...base, "--format", "junit"])).stdout;
  assert.match(junit, /failures="7"/);
  assert.match(
    junit,
    /would deny EPERM \(1\) by network\.connect of policy &quot;paths-net-demo&quot; \(cgroup-bpf\)/,
  );
});

Deno.test("cordon dry-run --cwd places relative paths the trace cannot", async () => {
  const policy = new URL("./testdata/policies/paths-net-demo.yaml", import.meta.url).pathname;
  const trace = '7 openat(AT_FDCWD, "notes.txt", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3\n';
  const undecided = await dryRun([policy, "--trace", "-"], trace);
  assert.equal(undecided.code, 1);
  assert.match(undecided.stdout, /relative path "notes\.txt": the working directory is unknown/);
  const inside = await dryRun([policy, "--trace", "-", "--cwd", "/tmp/cordon-demo/out"], trace);
  assert.equal(inside.code, 0, inside.stdout);
  const outside = await dryRun([policy, "--trace", "-", "--cwd", "/home/u"], trace);
  assert.equal(outside.code, 1);
  assert.match(outside.stdout, /\/home\/u\/notes\.txt/);
  assert.equal((await dryRun([policy, "--trace", "-", "--cwd", "rel"], trace)).code, 2);
});

Deno.test("cordon dry-run --view root reports writes of a policy without write paths, --view user does not", async () => {
  // cli-tool.yaml lists no write paths: started as root, the command writes nowhere.
  const trace = [
    '7 openat(AT_FDCWD, "/tmp/report.txt", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3',
    '7 openat(AT_FDCWD, "/dev/null", O_WRONLY) = 4',
    '7 chmod("/tmp/report.txt", 0600) = 0',
    "",
  ].join("\n");
  const policy = `${examples}cli-tool.yaml`;
  const root = await dryRun([policy, "--trace", "-", "--format", "json"], trace);
  assert.equal(root.code, 1, root.stderr);
  const report = JSON.parse(root.stdout);
  assert.deepEqual(
    report.findings.map((f: { line: number; mechanism: string; errno: number; section: string }) =>
      `${f.line} ${f.mechanism} ${f.errno} ${f.section}`
    ),
    ["1 read-only-view 30 filesystem.write", "3 read-only-view 30 filesystem.write"],
  );
  const user = await dryRun([policy, "--trace", "-", "--view", "user"], trace);
  assert.equal(user.code, 0, user.stdout);
  assert.match(user.stdout, /no call would be stopped/);
});

Deno.test("cordon dry-run --suggest prints the additions that let the findings through", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cordon-suggest-" });
  try {
    const policy = `${dir}/app.yaml`;
    const base = "apiVersion: cordon/v1\nkind: Policy\nmetadata: { name: app }\nspec:\n" +
      "  extends: [builtin:baseline]\n";
    await Deno.writeTextFile(policy, base);
    const trace = `${traces}python_socket_y.strace`;
    const text = await dryRun([policy, "--trace", trace, "--suggest"]);
    assert.equal(text.code, 1, text.stderr);
    const yaml = text.stdout.slice(text.stdout.indexOf('# additions to policy "app"'));
    assert.match(yaml, /syscalls: \[socket\], action: allow, priority: 0 \} # 2 findings/);
    const json = await dryRun([policy, "--trace", trace, "--suggest", "--format", "json"]);
    const report = JSON.parse(json.stdout);
    assert.deepEqual(report.suggestions.map((s: { policy: string }) => s.policy), ["app"]);
    // Pasted into the policy, the suggestion leaves nothing to report.
    const pasted = base + yaml.split("\n").map((l) => l && `  ${l}`).join("\n");
    await Deno.writeTextFile(policy, pasted);
    const after = await dryRun([policy, "--trace", trace]);
    assert.equal(after.code, 0, after.stdout);
    const usage = await dryRun([policy, "--trace", trace, "--suggest", "--format", "sarif"]);
    assert.equal(usage.code, 2, usage.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
