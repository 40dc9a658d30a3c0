/**
 * Issue 14, against the real kernel: under `cordon run --explain` started as root, each write
 * the read-only view refuses (EROFS outside the write paths, before Landlock; EXDEV for a rename
 * across its mounts) is reported once, with the policy's `filesystem` section location, the
 * syscall and its path (`bpf/view_denials.bpf.c`), for x86_64 and i386 calls alike; the program
 * sees the same errors as without `--explain`; a burst is counted exactly (reported + lost =
 * made).
 */

import assert from "node:assert/strict";
import { hasFile, kernelTest, PYTHON, unavailable } from "../_kernel.ts";
import { buildProbes, X86_64_PROBES_REASON } from "../_probes.ts";
import { cordon, jsonLines } from "../_cli.ts";

const REASON = unavailable(
  X86_64_PROBES_REASON,
  hasFile(PYTHON) ? null : `needs ${PYTHON} (run scripts/setup.sh)`,
);

/** Writes only beneath `${dir}/out`; `filesystem:` is on line 7, column 3. */
function policy(dir: string): string {
  return `apiVersion: cordon/v1
kind: Policy
metadata:
  name: writes-out
spec:
  defaultAction: allow
  filesystem:
    read: [/]
    write: [${dir}/out, /dev/null]
    execute: [/usr, /bin, /lib, /lib64, ${dir}/bin]
`;
}

interface ViewDenialRecord {
  mechanism: string;
  syscall: string;
  arch: string;
  errno: number;
  paths: Record<string, string>;
  policy: string;
  ruleId: string;
  loc: { line: number; column: number };
}

function viewDenials(stderr: string): ViewDenialRecord[] {
  return jsonLines(stderr)
    .filter((r) => r.event === "denial" && r.mechanism === "read-only view")
    .map((r) => r as unknown as ViewDenialRecord);
}

kernelTest(
  "run --explain as root: each write the read-only view refuses is reported once with its policy's location, the program's errors unchanged",
  REASON,
  async () => {
    await using probes = await buildProbes(["syscall_probe"]);
    const dir = probes.dir;
    await Deno.mkdir(`${dir}/out`);
    await Deno.mkdir(`${dir}/bin`);
    await Deno.copyFile(probes.path("syscall_probe"), `${dir}/bin/syscall_probe`);
    await Deno.writeTextFile(`${dir}/out/a`, "a\n");
    await Deno.writeTextFile(`${dir}/kept`, "k\n");
    const file = `${dir}/p.yaml`;
    await Deno.writeTextFile(file, policy(dir));
    const script = `import os
for f in (lambda: open("/etc/cordon-view-probe", "w"),
          lambda: os.chmod("${dir}/kept", 0o600),
          lambda: os.rename("${dir}/out/a", "${dir}/moved")):
    try:
        f()
        print("ok")
    except OSError as e:
        print(e.errno)`;
    const command = ["--", PYTHON, "-c", script];

    const plain = await cordon(["run", "-p", file, ...command]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stdout, "30\n30\n18\n", "EROFS, EROFS, EXDEV without --explain");

    const explained = await cordon([
      "run",
      "-p",
      file,
      "--explain",
      "--format",
      "json",
      ...command,
    ]);
    assert.equal(explained.code, 0, explained.stderr);
    assert.equal(explained.stdout, plain.stdout, "the same errors under --explain");
    const denials = viewDenials(explained.stderr);
    assert.equal(denials.length, 3, explained.stderr);
    const [open, chmod, rename] = denials;
    for (const d of denials) {
      assert.equal(d.policy, "writes-out");
      assert.equal(d.ruleId, "writes-out:filesystem.write");
      assert.deepEqual([d.loc.line, d.loc.column], [7, 3]);
      assert.equal(d.arch, "x86_64");
    }
    assert.equal(open!.syscall, "openat");
    assert.deepEqual(Object.values(open!.paths), ["/etc/cordon-view-probe"]);
    assert.equal(open!.errno, 30);
    assert.match(chmod!.syscall, /chmod/);
    assert.deepEqual(Object.values(chmod!.paths), [`${dir}/kept`]);
    assert.match(rename!.syscall, /^rename/);
    assert.equal(rename!.errno, 18);
    assert.deepEqual(Object.values(rename!.paths), [`${dir}/out/a`, `${dir}/moved`]);
    const summary = jsonLines(explained.stderr).find((r) => r.event === "explain");
    assert.deepEqual((summary?.view as { total: number }).total, 3);
    await assert.rejects(() => Deno.stat("/etc/cordon-view-probe"), Deno.errors.NotFound);

    // An i386 call (int $0x80, mkdir is 39 there) is reported with its own table's name.
    const i386 = await cordon([
      "run",
      "-p",
      file,
      "--explain",
      "--format",
      "json",
      "--",
      `${dir}/bin/syscall_probe`,
      "--abi",
      "i386",
      "39",
      "s:/etc/cordon-view-i386",
      "493",
    ]);
    assert.equal(i386.code, 0, i386.stderr);
    assert.deepEqual(JSON.parse(i386.stdout), { ret: -1, errno: 30 });
    const [mkdir, ...more] = viewDenials(i386.stderr);
    assert.equal(more.length, 0, i386.stderr);
    assert.deepEqual([mkdir?.arch, mkdir?.syscall], ["i386", "mkdir"]);
    assert.deepEqual(Object.values(mkdir!.paths), ["/etc/cordon-view-i386"]);
  },
);

kernelTest(
  "run --explain as root: a burst of read-only view denials is counted exactly (reported + lost = made)",
  REASON,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-view-burst-" });
    try {
      await Deno.mkdir(`${dir}/out`);
      const file = `${dir}/p.yaml`;
      await Deno.writeTextFile(file, policy(dir).replace(`, ${dir}/bin`, ""));
      const made = 20_000;
      const script = `n = 0
for i in range(${made}):
    try:
        open("/etc/cordon-burst", "w")
    except OSError as e:
        n += e.errno == 30
print(n)`;
      const run = await cordon([
        "run",
        "-p",
        file,
        "--explain",
        "--format",
        "json",
        "--",
        PYTHON,
        "-c",
        script,
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout.trim(), String(made));
      const summary = jsonLines(run.stderr).find((r) => r.event === "explain");
      const view = summary?.view as { total: number; lost: number };
      assert.equal(view.total + view.lost, made, JSON.stringify(view));
      assert.equal(viewDenials(run.stderr).length, view.total);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
