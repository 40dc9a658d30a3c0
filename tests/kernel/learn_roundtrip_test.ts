/**
 * Kernel round trips of `cordon learn` and `cordon generate`: a policy is learned for a real
 * program (`ls -la DIR`, `tar cf` of a directory, `python3 -c` a small script, `sh -c` a
 * pipeline, the same pipeline traced by `strace -f -y`, a client of a local TCP server, `git
 * commit` in a temporary repository), the same command then runs to completion under `cordon run
 * --policy`, and what it never did is refused: `mkdir` by the `mkdir` program or python's
 * `os.mkdir` (seccomp, EPERM, standalone policies), a write outside the learned write path
 * (Landlock / read-only view, policies extending builtin:baseline), a connect to another port.
 * Each learned policy passes `cordon check` and `cordon diff` against itself; a wider policy is
 * growth for `cordon diff`.
 */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { kernelTest, needCommands, PYTHON, unavailable } from "../_kernel.ts";
import { cordon } from "../_cli.ts";
import { assert, PROBES_REASON } from "../_probes.ts";

const REASON = unavailable(PROBES_REASON);

async function fixture(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "cordon-learn-" });
  await Deno.mkdir(`${dir}/data/sub`, { recursive: true });
  await Deno.writeTextFile(`${dir}/data/a.txt`, "hello\n");
  await Deno.writeTextFile(`${dir}/data/sub/b.txt`, "world\n");
  await Deno.mkdir(`${dir}/out`);
  return dir;
}

/** Learns a policy for `command`, runs it under the policy; returns the policy's path. */
async function roundTrip(
  dir: string,
  name: string,
  command: string[],
  reset?: () => Promise<void>,
  base: string[] = ["--base", "none"],
): Promise<
  { policy: string; learned: string; confined: string; summary: Record<string, unknown> }
> {
  const policy = `${dir}/${name}.yaml`;
  const learn = await cordon([
    "learn",
    "-o",
    policy,
    "--name",
    name,
    "--format",
    "json",
    ...base,
    "--",
    ...command,
  ]);
  assert(learn.code === 0, `learn ${name}: ${learn.code}\n${learn.stderr}`);
  const summary = JSON.parse(learn.stderr.trim().split("\n").at(-1)!) as Record<string, unknown>;
  assertEquals(summary.lost, 0);
  assertEquals(summary.exitCode, 0);
  const learned = learn.stderr;
  await reset?.();
  const run = await cordon(["run", "--policy", policy, "--", ...command]);
  assert(run.code === 0, `run ${name} under its learned policy: ${run.code}\n${run.stderr}`);
  const check = await cordon(["check", policy]);
  assert(check.code === 0, `check ${name}: ${check.stdout}${check.stderr}`);
  const same = await cordon(["diff", policy, policy]);
  assert(same.code === 0, `diff of ${name} with itself: ${same.stdout}`);
  return { policy, learned, confined: run.stdout, summary };
}

/**
 * A call the program never made: `mkdir` by the `mkdir` program under the same (standalone)
 * policy: seccomp denies `mkdir`/`mkdirat` (EPERM) and the directory is not made.
 */
async function mkdirDenied(policy: string, dir: string): Promise<void> {
  const target = `${dir}/out/new`;
  const probe = await cordon(["run", "--policy", policy, "--", "mkdir", target]);
  assert(
    probe.code !== 0 && probe.stderr.includes("Operation not permitted"),
    `mkdir must be denied (EPERM) under ${policy}: ${probe.code} ${probe.stderr}`,
  );
  assert(!(await exists(target)), "the directory must not exist");
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

kernelTest("learn: ls -la DIR runs under its learned policy; mkdir is denied", REASON, async () => {
  const dir = await fixture();
  try {
    const command = ["ls", "-la", `${dir}/data`];
    const { policy, confined, summary } = await roundTrip(dir, "ls", command);
    assert(confined.includes("a.txt") && confined.includes("sub"), confined);
    const yaml = await Deno.readTextFile(policy);
    assert(yaml.includes("defaultAction: deny") && !yaml.includes("extends:"), yaml);
    assert(yaml.includes(`${dir}/data`), `the listed directory is readable:\n${yaml}`);
    assert(!/^\s+- \/ #/m.test(yaml), "never /");
    assert((summary.observedSyscalls as number) > 10, JSON.stringify(summary));
    await mkdirDenied(policy, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

kernelTest(
  "learn: tar cf of a directory writes its archive under the learned policy",
  REASON,
  async () => {
    const dir = await fixture();
    try {
      const archive = `${dir}/out/data.tar`;
      const command = ["tar", "cf", archive, "-C", dir, "data"];
      const { policy } = await roundTrip(
        dir,
        "tar",
        command,
        () => Deno.remove(archive),
        ["--base", "builtin:baseline"],
      );
      const size = (await Deno.stat(archive)).size;
      assert(size >= 10240, `the archive was written under the policy (${size} bytes)`);
      const yaml = await Deno.readTextFile(policy);
      assert(
        new RegExp(`write:\\n\\s+- ${dir}/out #`).test(yaml),
        `write is the output directory only:\n${yaml}`,
      );
      // Writing next to the archive's directory is not allowed.
      const other = await cordon([
        "run",
        "--policy",
        policy,
        "--",
        "tar",
        "cf",
        `${dir}/data/elsewhere.tar`,
        "-C",
        dir,
        "data",
      ]);
      assert(other.code !== 0, `tar to another directory must fail: ${other.stderr}`);
      assert(!(await exists(`${dir}/data/elsewhere.tar`)), "no archive outside the write path");
      // mkdir is allowed by builtin:baseline, but not outside the learned write path.
      const mkdir = await cordon(["run", "--policy", policy, "--", "mkdir", `${dir}/data/new`]);
      assert(mkdir.code !== 0, `mkdir outside the write path must fail: ${mkdir.stderr}`);
      assert(!(await exists(`${dir}/data/new`)), "the directory must not exist");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "learn: python3 -c runs under its learned policy; os.mkdir is denied",
  REASON,
  async () => {
    const dir = await fixture();
    try {
      const script = `import json, os\nprint(json.dumps(sorted(os.listdir(${
        JSON.stringify(`${dir}/data`)
      }))))`;
      const { policy, confined } = await roundTrip(dir, "python", [PYTHON, "-c", script]);
      assertEquals(confined.trim(), '["a.txt", "sub"]');
      await mkdirDenied(policy, dir);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "learn: sh -c a pipeline runs under its learned policy; mkdir is denied",
  REASON,
  async () => {
    const dir = await fixture();
    try {
      const command = ["sh", "-c", `cat ${dir}/data/a.txt | tr a-z A-Z | wc -c`];
      const { policy, confined, summary } = await roundTrip(dir, "pipeline", command);
      assertEquals(confined.trim(), "6");
      assert((summary.allowedSyscalls as number) >= 0, JSON.stringify(summary));
      const yaml = await Deno.readTextFile(policy);
      for (const program of ["sh", "cat", "tr", "wc"]) {
        assert(yaml.includes(`${program} `), `${program} is named in the comments:\n${yaml}`);
      }
      await mkdirDenied(policy, dir);
      // A wider policy is growth for diff (exit 1), and the reverse is not.
      const wider = `${dir}/wider.yaml`;
      await Deno.writeTextFile(
        wider,
        yaml.replace(
          "  defaultAction: deny\n",
          "  defaultAction: deny\n  capabilities:\n    allow: [net.client]\n",
        ),
      );
      const grew = await cordon(["diff", policy, wider]);
      assert(grew.code === 1 && grew.stdout.includes("connect"), grew.stdout + grew.stderr);
      const shrank = await cordon(["diff", wider, policy]);
      assert(shrank.code === 0, shrank.stdout + shrank.stderr);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "generate: a policy learned from strace -f -y of a pipeline runs it; mkdir is denied",
  unavailable(PROBES_REASON, needCommands("strace")),
  async () => {
    const dir = await fixture();
    try {
      const command = ["sh", "-c", `cat ${dir}/data/a.txt | wc -l > ${dir}/out/n.txt`];
      const strace = await new Deno.Command("strace", {
        args: ["-f", "-y", "-o", `${dir}/trace.strace`, "--", ...command],
      }).output();
      assert(strace.code === 0, new TextDecoder().decode(strace.stderr));
      await Deno.remove(`${dir}/out/n.txt`);
      const policy = `${dir}/strace.yaml`;
      const gen = await cordon(["generate", `${dir}/trace.strace`, "-o", policy, "--base", "none"]);
      assert(gen.code === 0, gen.stderr);
      const run = await cordon(["run", "--policy", policy, "--", ...command]);
      assert(run.code === 0, `run under the strace-learned policy: ${run.stderr}`);
      assertEquals((await Deno.readTextFile(`${dir}/out/n.txt`)).trim(), "1");
      const yaml = await Deno.readTextFile(policy);
      assert(new RegExp(`write:\\n\\s+- ${dir}/out #`).test(yaml), yaml);
      await mkdirDenied(policy, dir);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "learn: a client of a local server runs under its learned policy; another port is denied",
  REASON,
  async () => {
    const dir = await fixture();
    try {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (listener.addr as Deno.NetAddr).port;
      listener.close();
      const script = (connectTo: number) =>
        `import socket\ns = socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n` +
        `s.bind(("127.0.0.1", ${port}))\ns.listen(1)\n` +
        `try:\n  c = socket.create_connection(("127.0.0.1", ${connectTo}))\n` +
        `except OSError as e:\n  print("errno", e.errno)\n  raise SystemExit(0)\n` +
        `a, _ = s.accept()\nc.sendall(b"ping")\nprint(a.recv(4).decode())`;
      const { policy, confined } = await roundTrip(
        dir,
        "client",
        [PYTHON, "-c", script(port)],
        undefined,
        ["--base", "builtin:baseline"],
      );
      assertEquals(confined.trim(), "ping");
      const yaml = await Deno.readTextFile(policy);
      assert(yaml.includes(`"tcp/127.0.0.1:${port}"`), yaml);
      // A port the program never connected to: refused by the learned network rules (EACCES
      // from Landlock's TCP rules, or EPERM from cgroup BPF), not ECONNREFUSED (111).
      const other = await cordon(["run", "--policy", policy, "--", PYTHON, "-c", script(port + 1)]);
      assert(["errno 13", "errno 1"].includes(other.stdout.trim()), other.stdout + other.stderr);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "learn: git commit in a temporary repository runs under its learned policy",
  unavailable(PROBES_REASON, needCommands("git")),
  async () => {
    const dir = await fixture();
    try {
      const repo = `${dir}/repo`;
      const git = (
        ...args: string[]
      ) => ["git", "-C", repo, "-c", "user.email=t@example.com", "-c", "user.name=t", ...args];
      const init = await new Deno.Command("git", { args: ["init", "-q", repo] }).output();
      assert(init.success, new TextDecoder().decode(init.stderr));
      const commit = git("commit", "-q", "--allow-empty", "-m", "learned");
      const { policy } = await roundTrip(dir, "git", commit, undefined, [
        "--base",
        "builtin:baseline",
      ]);
      const log = await new Deno.Command("git", { args: ["-C", repo, "log", "--oneline"] })
        .output();
      assertEquals(new TextDecoder().decode(log.stdout).trim().split("\n").length, 2);
      // The learned write path is the repository's .git: a file beside it cannot be made.
      const touch = await cordon(["run", "--policy", policy, "--", "touch", `${repo}/file`]);
      assert(touch.code !== 0, `touch outside .git must fail: ${touch.stderr}`);
      assert(!(await exists(`${repo}/file`)), "no file outside the write path");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
