/**
 * Issue 14, part 2, against the real kernel: under `run --explain`, each access a policy's
 * Landlock ruleset refuses is reported from the kernel's audit records (ABI 7) with the policy's
 * `filesystem` section location, the path and the blocked right; the program sees the same
 * result as without `--explain`; a burst is counted exactly (each denial reported, as many as
 * the kernel counted for the run's domain); the audit setting is what it was afterwards.
 */

import { kernelTest, landlockAbi, unavailable } from "../_kernel.ts";
import { assert, buildProbes, compileYaml, PROBES_REASON, runProbe } from "../_probes.ts";
import { compileC } from "./_ebpf_helpers.ts";
import { runConfined } from "../../backends/linux/run.ts";
import type { LandlockDenial } from "../../backends/linux/landlock_audit.ts";
import { AUDIT_STATE_DIR } from "../../backends/linux/audit_holders.ts";

const EACCES = 13;
const IORING_OP_OPENAT = 18;

const REASON = unavailable(
  PROBES_REASON,
  landlockAbi() < 7 ? `Landlock ABI ${landlockAbi()} (audit records need 7)` : null,
);

/** Reads a bit the way the audit tool does: `AUDIT_GET`'s `enabled` and `backlog_limit`. */
async function auditSetting(): Promise<string> {
  const out = await new Deno.Command("python3", {
    args: [
      "-c",
      "import socket,struct\n" +
      "q=socket.socket(socket.AF_NETLINK,socket.SOCK_RAW,9);q.bind((0,0))\n" +
      "q.send(struct.pack('=IHHII',16,1000,1,1,0));d=q.recv(9999)\n" +
      "s=struct.unpack('=8I',d[16:48]);print(s[1],s[5])",
    ],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

/**
 * The audit setting and the runs holding it changed, read under the holders' lock: other tests
 * running in parallel (`--explain` elsewhere) may hold it, so a setting is only compared with one
 * taken when no run held it either.
 */
async function auditSnapshot(): Promise<{ setting: string; holders: number[] }> {
  await Deno.mkdir(AUDIT_STATE_DIR, { recursive: true, mode: 0o700 });
  using file = await Deno.open(`${AUDIT_STATE_DIR}/audit.json`, {
    read: true,
    write: true,
    create: true,
  });
  await file.lock(true);
  try {
    const text = await Deno.readTextFile(`${AUDIT_STATE_DIR}/audit.json`);
    const holders: { pid: number }[] = text.trim() ? JSON.parse(text).holders ?? [] : [];
    const live = holders.map((h) => h.pid).filter((pid) => {
      try {
        Deno.statSync(`/proc/${pid}`);
        return true;
      } catch {
        return false;
      }
    });
    return { setting: await auditSetting(), holders: live };
  } finally {
    await file.unlock();
  }
}

/** A policy that reads the system's directories and runs programs from them and from `dirs`. */
function policy(dirs: readonly string[]): string {
  return `apiVersion: cordon/v1
kind: Policy
metadata:
  name: reads-system
spec:
  defaultAction: allow
  filesystem:
    read: [/usr, /lib, /lib64, /bin, /etc]
    execute: [/usr, /bin, /lib, /lib64${dirs.map((d) => `, ${JSON.stringify(d)}`).join("")}]
`;
}

/** `filesystem:` is on line 7, column 3 of {@linkcode policy}. */
const FILESYSTEM_LOC = { line: 7, column: 3 };

kernelTest(
  "run --explain: a read outside filesystem.read is reported once, by Landlock, same errno",
  REASON,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-explain-ll-" });
    try {
      const secret = `${dir}/secret`;
      await Deno.writeTextFile(secret, "s\n");
      const before = await auditSnapshot();
      const set = await compileYaml(dir, policy([]));
      const command = ["/bin/cat", secret];
      const plain = await runConfined({ set, command, stdout: "piped", stderr: "piped" });
      const denials: LandlockDenial[] = [];
      const seen = await runConfined({
        set,
        command,
        stdout: "piped",
        stderr: "piped",
        explain: { onLandlockDenial: (d) => denials.push(d) },
      });
      const text = (r: typeof plain) => new TextDecoder().decode(r.stderr);
      assert(plain.code === 1 && /Permission denied/.test(text(plain)), text(plain));
      assert(
        seen.code === plain.code && text(seen) === text(plain),
        `under --explain: ${text(seen)}`,
      );
      const mine = denials.filter((d) => d.path === secret);
      assert(mine.length === 1 && denials.length === 1, `one report: ${JSON.stringify(denials)}`);
      const d = mine[0]!;
      assert(d.section === "read" && d.blockers.join() === "fs.read_file", JSON.stringify(d));
      assert(d.policy === "reads-system" && d.errno === EACCES, JSON.stringify(d));
      assert(
        d.loc.line === FILESYSTEM_LOC.line && d.loc.column === FILESYSTEM_LOC.column,
        `location ${JSON.stringify(d.loc)}`,
      );
      assert(d.pid === seen.pid && d.comm === "cat" && d.syscall === "openat", JSON.stringify(d));
      const summary = seen.explain?.landlock;
      assert(summary?.total === 1 && summary.kernelCounted === 1, JSON.stringify(summary));
      const after = await auditSnapshot();
      assert(
        !after.holders.includes(Deno.pid),
        `still holding the audit setting: ${after.holders}`,
      );
      if (before.holders.length === 0 && after.holders.length === 0) {
        assert(
          after.setting === before.setting,
          `audit setting changed: ${before.setting} → ${after.setting}`,
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "run --explain: an io_uring IORING_OP_OPENAT outside the read paths is reported, same result",
  REASON,
  async () => {
    await using probes = await buildProbes(["io_uring_openat"]);
    const dir = await Deno.makeTempDir({ prefix: "cordon-explain-ll-" });
    try {
      const secret = `${dir}/secret`;
      await Deno.writeTextFile(secret, "s\n");
      const set = await compileYaml(dir, policy([probes.dir]));
      const argv = [probes.path("io_uring_openat"), secret];
      const plain = (await runProbe(set, argv)).json;
      const denials: LandlockDenial[] = [];
      const seen = (await runProbe(set, argv, {
        explain: { onLandlockDenial: (d) => denials.push(d) },
      })).json;
      assert(plain?.stage === "openat" && plain.res === -EACCES, JSON.stringify(plain));
      assert(JSON.stringify(seen) === JSON.stringify(plain), `${JSON.stringify(seen)} vs plain`);
      const mine = denials.filter((d) => d.path === secret);
      assert(mine.length === 1, `one report of ${secret}: ${JSON.stringify(denials)}`);
      const d = mine[0]!;
      assert(d.section === "read" && d.policy === "reads-system", JSON.stringify(d));
      // The kernel audits an io_uring operation as such: its op, not a syscall.
      assert(
        d.uringOp === IORING_OP_OPENAT || d.syscall === "io_uring_enter",
        `io_uring op: ${JSON.stringify(d)}`,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "run --explain: 3000 Landlock denials in a burst are each reported, as the kernel counted",
  REASON,
  async () => {
    const n = 3000;
    const exe = await compileC(`#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
  int n = atoi(argv[1]), denied = 0;
  for (int i = 0; i < n; i++) {
    int fd = open(argv[2], O_RDONLY);
    if (fd < 0) denied++; else close(fd);
  }
  printf("{\\"denied\\":%d}\\n", denied);
  return 0;
}
`);
    const exeDir = exe.slice(0, exe.lastIndexOf("/"));
    const dir = await Deno.makeTempDir({ prefix: "cordon-explain-ll-" });
    try {
      const secret = `${dir}/secret`;
      await Deno.writeTextFile(secret, "s\n");
      const set = await compileYaml(dir, policy([exeDir]));
      let reported = 0;
      const started = performance.now();
      const run = await runConfined({
        set,
        command: [exe, String(n), secret],
        stdout: "piped",
        explain: { onLandlockDenial: (d) => d.path === secret && reported++ },
      });
      const ms = performance.now() - started;
      const out = new TextDecoder().decode(run.stdout).trim();
      assert(out === `{"denied":${n}}`, `the program saw ${out}`);
      const summary = run.explain?.landlock;
      assert(reported === n, `${reported} of ${n} denials reported (${JSON.stringify(summary)})`);
      assert(summary?.kernelCounted === n && summary.total === n, JSON.stringify(summary));
      console.log(`${n} Landlock denials reported in ${ms.toFixed(0)} ms under --explain`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
