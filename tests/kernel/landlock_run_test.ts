/**
 * Kernel end-to-end tests of `cordon run` with `filesystem:` rules: the CLI is started as a user
 * would (`deno run -A mod.ts run --policy P -- python3 -c …`) and the confined program reports
 * what the kernel let it do.
 */

import { hasFile, kernelTest, landlockAbi, needRoot, PYTHON, unavailable } from "../_kernel.ts";
import { assert } from "../_probes.ts";
import { type CliRun, cordon } from "../_cli.ts";

const REASON = unavailable(
  Deno.build.os !== "linux" && "needs Linux",
  needRoot(),
  !hasFile(PYTHON) && `needs ${PYTHON}`,
  landlockAbi() < 1 && "needs Landlock",
);

async function cordonRun(policy: string, args: string[], extra: string[] = []): Promise<CliRun> {
  const dir = await Deno.makeTempDir({ prefix: "cordon-ll-policy-" });
  try {
    await Deno.writeTextFile(`${dir}/p.yaml`, policy);
    return await cordon(["run", "--policy", `${dir}/p.yaml`, ...extra, "--", ...args]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function policy(write: string, extra = ""): string {
  return `apiVersion: cordon/v1
kind: Policy
metadata: { name: files }
spec:
  defaultAction: allow
  filesystem:
    read: [/usr, /etc, /proc, /dev]
    write: [${write}, /dev/null]
    execute: [/usr/bin, /usr/lib, /usr/lib64]
${extra}`;
}

/** A Python program that tries each operation and prints `name result` lines. */
const PROBE = `
import os, sys
inside, outside, binary = sys.argv[1:4]
def attempt(name, fn):
    try:
        fn()
        print(name, "ok")
    except OSError as e:
        print(name, os.strerror(e.errno) if e.errno is None else __import__("errno").errorcode[e.errno])
attempt("read_etc_hostname", lambda: open("/etc/hostname").read())
attempt("create_inside", lambda: open(inside + "/created", "w").write("y"))
attempt("write_outside", lambda: open(outside + "/new", "w").write("y"))
attempt("write_etc", lambda: open("/etc/cordon-landlock-run", "w").write("y"))
attempt("mkdir_outside", lambda: os.mkdir(outside + "/d"))
def run(path):
    pid = os.fork()
    if pid == 0:
        try:
            os.execv(path, [path])
        except OSError as e:
            os._exit(100 + e.errno)
    return os.waitpid(pid, 0)[1] >> 8
def exec_inside():
    code = run(binary)
    if code >= 100:
        raise OSError(code - 100, "exec")
attempt("exec_outside_execute", exec_inside)
attempt("exec_usr_bin_true", lambda: run("/usr/bin/true") == 0 or (_ for _ in ()).throw(OSError(1, "x")))
`;

function results(stdout: string): Map<string, string> {
  return new Map(
    stdout.trim().split("\n").map((line) => line.split(" ") as [string, string]),
  );
}

kernelTest(
  "cordon run enforces filesystem read, write and execute rules with Landlock",
  REASON,
  async () => {
    const inside = await Deno.makeTempDir({ prefix: "cordon-ll-run-in-" });
    const outside = await Deno.makeTempDir({ prefix: "cordon-ll-run-out-" });
    try {
      await Deno.copyFile("/usr/bin/true", `${inside}/true-copy`);
      await Deno.chmod(`${inside}/true-copy`, 0o755);
      const run = await cordonRun(policy(inside), [
        PYTHON,
        "-c",
        PROBE,
        inside,
        outside,
        `${inside}/true-copy`,
      ]);
      assert(run.code === 0, `cordon run exited ${run.code}: ${run.stderr}`);
      const got = results(run.stdout);
      // Issue 9: as root, writes outside the write paths meet the read-only mount view first
      // (EROFS); Landlock refuses them too (EACCES) where there is no mount namespace.
      const denied = "EROFS|EACCES";
      const want: Record<string, string> = {
        read_etc_hostname: "ok",
        create_inside: "ok",
        write_outside: denied,
        write_etc: denied,
        mkdir_outside: denied,
        exec_outside_execute: "EACCES",
        exec_usr_bin_true: "ok",
      };
      for (const [name, expected] of Object.entries(want)) {
        assert(
          expected.split("|").includes(got.get(name) ?? ""),
          `${name}: ${got.get(name)}, want ${expected}\n${run.stdout}`,
        );
      }
      assert((await Deno.readTextFile(`${inside}/created`)) === "y", "file inside not created");
      const leftovers = [...Deno.readDirSync(outside)].map((e) => e.name);
      assert(leftovers.length === 0, `created outside: ${leftovers}`);
    } finally {
      await Deno.remove(inside, { recursive: true });
      await Deno.remove(outside, { recursive: true });
    }
  },
);

kernelTest(
  "cordon run refuses to start a command outside filesystem.execute",
  REASON,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-ll-run-" });
    try {
      await Deno.copyFile("/usr/bin/true", `${dir}/true-copy`);
      await Deno.chmod(`${dir}/true-copy`, 0o755);
      const run = await cordonRun(policy(dir), [`${dir}/true-copy`]);
      assert(run.code === 126, `exit ${run.code}, want 126: ${run.stderr}`);
      assert(run.stderr.includes("EACCES"), run.stderr);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "cordon run fails closed when the policy needs a newer Landlock ABI",
  REASON,
  async () => {
    const needed = landlockAbi() + 1;
    const text = `apiVersion: cordon/v1
kind: Policy
metadata: { name: future }
spec:
  defaultAction: allow
  filesystem:
    read: [/usr]
    minAbi: ${needed}
`;
    const run = await cordonRun(text, ["/usr/bin/true"]);
    assert(run.code === 125, `exit ${run.code}, want 125: ${run.stderr}`);
    assert(run.stderr.includes(`Landlock ABI ${needed}`), run.stderr);
  },
);

kernelTest(
  "cordon run names a missing filesystem path and runs nothing",
  REASON,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-ll-run-" });
    try {
      const marker = `${dir}/ran`;
      const run = await cordonRun(policy(`${dir}/does-not-exist`), [
        "/usr/bin/touch",
        marker,
      ]);
      assert(run.code === 125, `exit ${run.code}, want 125: ${run.stderr}`);
      assert(run.stderr.includes(`"${dir}/does-not-exist"`), run.stderr);
      assert([...Deno.readDirSync(dir)].length === 0, "the command ran");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
