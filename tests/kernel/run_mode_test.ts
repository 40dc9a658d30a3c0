/**
 * Issue 13, audit-first rollout, against the real kernel: `cordon run --mode audit` applies none
 * of a policy's denials, reports each call the policy would stop (rule and FILE:LINE:COL, paths
 * from the recording) and additions that, added to the policy, let the same command run under
 * enforcement; `--mode staged` enforces the policy's rules but allows (and reports once per
 * syscall) what only a `defaultAction` denies, where the enforced run is killed.
 */

import { hasFile, kernelTest, needRoot, PYTHON, unavailable } from "../_kernel.ts";
import assert from "node:assert/strict";
import { cordon, jsonLines } from "../_cli.ts";

const REASON = unavailable(
  needRoot(),
  hasFile(PYTHON) ? null : `needs ${PYTHON} (run scripts/setup.sh)`,
);

/** The policy under audit: mkdir denied by a rule (line 8), reads outside the system paths. */
function auditedPolicy(dir: string, extra = { rules: "", read: "" }): string {
  return `apiVersion: cordon/v1
kind: Policy
metadata:
  name: tried
spec:
  defaultAction: allow
  rules:
    - id: no-mkdir
      action: deny
      errno: EACCES
      syscalls: [mkdir, mkdirat]
${extra.rules}  filesystem:
    read: [/usr, /lib, /lib64, /etc, /dev, /proc${extra.read}]
    write: [${dir}/out, /dev/null]
    execute: [/usr]
`;
}

kernelTest(
  "cordon run --mode audit: nothing is denied, what would be is reported, and its additions make the enforced run pass",
  REASON,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-audit-" });
    try {
      await Deno.mkdir(`${dir}/out`);
      await Deno.writeTextFile(`${dir}/secret`, "s3cret\n");
      const policy = `${dir}/tried.yaml`;
      await Deno.writeTextFile(policy, auditedPolicy(dir));
      const script = `import os
os.mkdir("${dir}/out/made")
print(open("${dir}/secret").read().strip())
open("${dir}/out/ok", "w").write("x")
print("done")`;
      const command = ["--", PYTHON, "-c", script];

      // Enforced, the script stops at mkdir: the policy really denies it.
      const enforced = await cordon(["run", "-p", policy, ...command]);
      assert(enforced.code !== 0, `enforced run passed: ${enforced.stdout}`);
      assert(enforced.stderr.includes("Permission denied"), enforced.stderr);

      const audited = await cordon([
        "run",
        "-p",
        policy,
        "--mode",
        "audit",
        "--format",
        "json",
        ...command,
      ]);
      assert(audited.code === 0, `audit run exit ${audited.code}: ${audited.stderr}`);
      assert(audited.stdout === "s3cret\ndone\n", `audit run output: ${audited.stdout}`);
      const made = await Deno.stat(`${dir}/out/made`);
      assert(made.isDirectory, "audit mode must not deny mkdir");
      const all = jsonLines(audited.stderr);
      const findings = all.filter((r) => r.event === "audit-finding").map((r) =>
        r.finding as {
          syscall: string;
          ruleId: string | null;
          loc: { line: number };
          path?: string;
          section?: string;
        }
      );
      const mkdir = findings.filter((f) => f.syscall === "mkdir" || f.syscall === "mkdirat");
      assert(mkdir.length === 1, `one mkdir finding expected: ${JSON.stringify(findings)}`);
      assert(mkdir[0]!.ruleId === "no-mkdir" && mkdir[0]!.loc.line === 8, JSON.stringify(mkdir[0]));
      const secret = findings.filter((f) => f.path === `${dir}/secret`);
      assert(secret.length >= 1, `no finding for the secret's read: ${JSON.stringify(findings)}`);
      assert(secret.every((f) => f.section === "filesystem.read"), JSON.stringify(secret));
      assert(
        !findings.some((f) => f.path?.startsWith(`${dir}/out/`)),
        `a write path was reported: ${JSON.stringify(findings)}`,
      );
      const summary = all.find((r) => r.event === "audit-summary");
      assert(summary !== undefined, audited.stderr);
      assert(summary.complete === true, `incomplete audit: ${JSON.stringify(summary)}`);
      assert(summary.findings === findings.length, JSON.stringify(summary));
      const [suggestion] = summary.suggestions as {
        rules: { syscall: string; priority: number }[];
        filesystem: { read: string[] };
      }[];
      assert(suggestion !== undefined, JSON.stringify(summary));

      // The additions, pasted into the policy, let the enforced run through.
      const rules = suggestion.rules.map((r, i) =>
        `    - { id: added-${i}, action: allow, priority: ${r.priority}, syscalls: [${r.syscall}] }\n`
      ).join("");
      const read = suggestion.filesystem.read.map((p) => `, ${JSON.stringify(p)}`).join("");
      await Deno.writeTextFile(policy, auditedPolicy(dir, { rules, read }));
      await Deno.remove(`${dir}/out/made`);
      const fixed = await cordon(["run", "-p", policy, ...command]);
      assert(
        fixed.code === 0,
        `enforced run with the additions: exit ${fixed.code}: ${fixed.stderr}`,
      );
      assert(fixed.stdout === "s3cret\ndone\n", fixed.stdout);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "cordon run --mode staged: rules are enforced, what only the defaultAction denies is allowed and reported once",
  REASON,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-staged-" });
    try {
      await Deno.mkdir(`${dir}/out`);
      const policy = `${dir}/staged.yaml`;
      // builtin:baseline names no socket call: socket() is decided by this defaultAction (kill).
      await Deno.writeTextFile(
        policy,
        `apiVersion: cordon/v1
kind: Policy
metadata:
  name: staged
spec:
  extends: [builtin:baseline]
  defaultAction: kill
  rules:
    - id: no-mkdir
      action: deny
      errno: EACCES
      syscalls: [mkdir, mkdirat]
  filesystem:
    write: [${dir}/out]
`,
      );
      const script = `import socket, os
for _ in range(3):
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()
print("sockets")
try:
    os.mkdir("${dir}/out/d")
except PermissionError as e:
    print("mkdir", e.errno)`;
      const command = ["--", PYTHON, "-c", script];

      const enforced = await cordon(["run", "-p", policy, "--format", "json", ...command]);
      assert(enforced.code === 159, `the enforced run must be killed (SIGSYS): ${enforced.code}`);
      assert(!enforced.stdout.includes("sockets"), enforced.stdout);

      const staged = await cordon([
        "run",
        "-p",
        policy,
        "--mode",
        "staged",
        "--format",
        "json",
        ...command,
      ]);
      assert(staged.code === 0, `staged run exit ${staged.code}: ${staged.stderr}`);
      assert(staged.stdout === "sockets\nmkdir 13\n", `staged output: ${staged.stdout}`);
      const all = jsonLines(staged.stderr);
      const live = all.filter((r) => r.event === "staged" && typeof r.syscall === "string");
      assert(
        live.length === 1 && live[0]!.syscall === "socket",
        `one live report, for socket: ${JSON.stringify(live)}`,
      );
      const policies = live[0]!.policies as { policy: string; loc: { line: number } }[];
      assert(
        policies[0]?.policy === "staged" && policies[0].loc.line === 7,
        JSON.stringify(policies),
      );
      const denials = all.filter((r) => r.event === "denial");
      assert(
        denials.length === 1 && denials[0]!.ruleId === "no-mkdir",
        `the mkdir rule stays enforced: ${JSON.stringify(denials)}`,
      );
      const summary = all.find((r) => r.event === "staged-summary");
      const counted = (summary?.syscalls as { syscall: string; count: number }[] | undefined) ?? [];
      assert(
        counted.length === 1 && counted[0]!.syscall === "socket" && counted[0]!.count === 3,
        `socket counted 3 times: ${JSON.stringify(summary)}`,
      );
      const yaml = ((summary?.suggestions ?? []) as { yaml: string }[])[0]?.yaml ?? "";
      assert(yaml.includes("syscalls: [socket], action: allow"), yaml);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("cordon run --mode: usage errors exit 125 and run nothing", async () => {
  for (
    const [args, expected] of [
      [["--mode", "audit", "--explain"], "--explain is for enforced runs"],
      [["--mode", "audit", "--monitor"], "--monitor is for enforced runs"],
      [["--ring-mb", "8"], "it needs --mode audit"],
      [["--mode", "lenient"], "lenient"],
    ] as const
  ) {
    const out = await cordon(["run", "-p", "builtin:baseline", ...args, "--", "true"]);
    assert(out.code === 125, `${args.join(" ")}: exit ${out.code}`);
    assert(out.stderr.includes(expected), `${args.join(" ")}: ${out.stderr}`);
  }
});

kernelTest(
  "a policy in mode: audit under cordon run: its denials are logged, its filesystem rules are applied neither by Landlock nor by the read-only view; an enforcing policy beside it still is",
  REASON,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-audit-mode-" });
    try {
      await Deno.mkdir(`${dir}/out`);
      await Deno.writeTextFile(`${dir}/secret`, "s3cret\n");
      const audited = `${dir}/audited.yaml`;
      await Deno.writeTextFile(
        audited,
        auditedPolicy(dir).replace("defaultAction: allow", "mode: audit\n  defaultAction: allow"),
      );
      // mkdir (a rule's deny), a read outside filesystem.read (Landlock), a write outside
      // filesystem.write (the read-only view of a root run): all only reported in audit mode.
      const script = `import os
os.mkdir("${dir}/out/made")
print(open("${dir}/secret").read().strip())
try:
    open("${dir}/elsewhere", "w").write("x")
    print("wrote")
except OSError as e:
    print("errno", e.errno)`;
      const command = ["--", PYTHON, "-c", script];

      const alone = await cordon(["run", "-p", audited, "--format", "json", ...command]);
      assert.equal(alone.code, 0, alone.stderr);
      assert.equal(alone.stdout, "s3cret\nwrote\n");
      assert((await Deno.stat(`${dir}/out/made`)).isDirectory);
      const notice = jsonLines(alone.stderr).find((r) => r.event === "audit");
      assert(notice, alone.stderr);
      assert.match(
        String(notice.message),
        /filesystem rules \(.*audited\.yaml:\d+:\d+\) are not applied/,
      );

      // Beside an enforcing policy whose write paths are ${dir}/out, the view is that policy's:
      // the write outside fails with EROFS (30); the audited policy's Landlock rules still not.
      await Deno.remove(`${dir}/out/made`);
      await Deno.remove(`${dir}/elsewhere`);
      const enforcing = `${dir}/enforcing.yaml`;
      await Deno.writeTextFile(
        enforcing,
        `apiVersion: cordon/v1
kind: Policy
metadata:
  name: writes-out
spec:
  defaultAction: allow
  filesystem:
    read: [/]
    write: [${dir}/out, /dev/null]
`,
      );
      const both = await cordon(["run", "-p", audited, "-p", enforcing, ...command]);
      assert.equal(both.code, 0, both.stderr);
      assert.equal(both.stdout, "s3cret\nerrno 30\n");
      await assert.rejects(() => Deno.stat(`${dir}/elsewhere`), Deno.errors.NotFound);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
