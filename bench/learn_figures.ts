/**
 * Issue 13's figures for learned policies: for each round-trip program, what `cordon learn`
 * observed (distinct syscalls, processes, events, loss), the size of the policy it wrote (syscalls
 * it allows, rules, capability groups, filesystem paths, YAML lines), and whether the same command
 * then runs to completion under `cordon run --policy` (it must, for every program).
 *
 *   sudo ./deno run -A bench/learn_figures.ts [--json]
 *
 * Programs (those of `tests/kernel/learn_roundtrip_test.ts`): `ls -la DIR`, `tar cf` of a
 * directory, `python3 -c` a small script, an `sh -c` pipeline, `git commit` in a temporary
 * repository, and a client (python3) of a local TCP server. Each policy is learned with
 * `--base none` (standalone: every allowed syscall is in the policy itself).
 *
 * @module
 */

import { benchOptions } from "./_options.ts";
const JSON_OUT = benchOptions({ numbers: {}, flags: ["json"] }).json;
const mod = new URL("../mod.ts", import.meta.url).pathname;
const python = "/usr/bin/python3";

interface Program {
  name: string;
  command: string[];
  /** Restores what the learning run changed, so that the confined run does the same work. */
  reset?: () => Promise<void>;
}

interface Figures {
  program: string;
  distinctSyscalls: number;
  allowedSyscalls: number;
  rules: number;
  groups: number;
  filesystemPaths: number;
  endpoints: number;
  yamlLines: number;
  processes: number;
  events: number;
  lost: number;
  confinedExit: number;
}

async function cordon(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["run", "-A", mod, ...args] })
    .output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

async function git(args: string[]): Promise<void> {
  const out = await new Deno.Command("git", { args, stdout: "null", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

const dir = await Deno.makeTempDir({ prefix: "cordon-bench-learn-" });
const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const serving = (async () => {
  for await (const conn of listener) {
    const buf = new Uint8Array(64);
    const n = await conn.read(buf).catch(() => null);
    if (n) await conn.write(buf.subarray(0, n)).catch(() => {});
    conn.close();
  }
})();
try {
  await Deno.mkdir(`${dir}/data/sub`, { recursive: true });
  await Deno.writeTextFile(`${dir}/data/a.txt`, "hello\n");
  await Deno.writeTextFile(`${dir}/data/sub/b.txt`, "world\n");
  await Deno.mkdir(`${dir}/out`);
  const repo = `${dir}/repo`;
  await git(["init", "-q", repo]);
  const gitArgs = ["-C", repo, "-c", "user.email=b@example.com", "-c", "user.name=b"];
  await git([...gitArgs, "commit", "-q", "--allow-empty", "-m", "first"]);
  const port = (listener.addr as Deno.NetAddr).port;
  const programs: Program[] = [
    { name: "ls", command: ["ls", "-la", `${dir}/data`] },
    {
      name: "tar",
      command: ["tar", "cf", `${dir}/out/data.tar`, "-C", dir, "data"],
      reset: () => Deno.remove(`${dir}/out/data.tar`),
    },
    {
      name: "python3",
      command: [
        python,
        "-c",
        `import os, json; print(json.dumps(sorted(os.listdir("${dir}/data"))))`,
      ],
    },
    {
      name: "sh-pipeline",
      command: ["sh", "-c", `cat ${dir}/data/a.txt ${dir}/data/sub/b.txt | sort | wc -l`],
    },
    { name: "git", command: ["git", ...gitArgs, "commit", "-q", "--allow-empty", "-m", "learned"] },
    {
      name: "tcp-client",
      command: [
        python,
        "-c",
        `import socket; s = socket.create_connection(("127.0.0.1", ${port})); ` +
        `s.sendall(b"ping"); print(s.recv(16).decode())`,
      ],
    },
  ];

  const rows: Figures[] = [];
  for (const program of programs) {
    const policy = `${dir}/${program.name}.yaml`;
    const learn = await cordon([
      "learn",
      "-o",
      policy,
      "--name",
      program.name,
      "--base",
      "none",
      "--format",
      "json",
      "--",
      ...program.command,
    ]);
    if (learn.code !== 0) throw new Error(`learn ${program.name}: ${learn.stderr}`);
    const summary = JSON.parse(learn.stderr.trim().split("\n").at(-1)!);
    await program.reset?.();
    const run = await cordon(["run", "--policy", policy, "--", ...program.command]);
    const yaml = await Deno.readTextFile(policy);
    const fs = summary.filesystem as Record<"read" | "write" | "execute", string[]>;
    const net = summary.network as Record<"connect" | "bind", string[]>;
    rows.push({
      program: program.name,
      distinctSyscalls: summary.observedSyscalls,
      allowedSyscalls: summary.allowedSyscalls,
      rules: summary.rules,
      groups: summary.groups.length,
      filesystemPaths: fs.read.length + fs.write.length + fs.execute.length,
      endpoints: net.connect.length + net.bind.length,
      yamlLines: yaml.trimEnd().split("\n").length,
      processes: summary.processes,
      events: summary.events,
      lost: summary.lost,
      confinedExit: run.code,
    });
    if (!JSON_OUT) console.error(`learned ${program.name}`);
  }
  const clean = rows.filter((r) => r.confinedExit === 0).length;
  if (JSON_OUT) {
    console.log(JSON.stringify({ programs: rows, runCleanly: clean, of: rows.length }));
  } else {
    const head = [
      "program",
      "distinct syscalls",
      "allowed",
      "rules",
      "groups",
      "fs paths",
      "endpoints",
      "yaml lines",
      "processes",
      "lost",
      "exit under run",
    ];
    console.log(head.join(" | "));
    for (const r of rows) {
      console.log([
        r.program,
        r.distinctSyscalls,
        r.allowedSyscalls,
        r.rules,
        r.groups,
        r.filesystemPaths,
        r.endpoints,
        r.yamlLines,
        r.processes,
        r.lost,
        r.confinedExit,
      ].join(" | "));
    }
    console.log(`${clean} of ${rows.length} programs run cleanly under their learned policy`);
  }
  if (clean !== rows.length) Deno.exitCode = 1;
} finally {
  listener.close();
  await serving.catch(() => {});
  await Deno.remove(dir, { recursive: true });
}
