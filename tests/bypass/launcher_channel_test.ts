/**
 * Bypass suite: the launcher's control channel. A confined root program that may write `/tmp`
 * (and everything else: its policy has no `filesystem` section) watches for anything another
 * `cordon run` exposes (sockets and `cordon-run-*` directories in the temporary directories,
 * Unix sockets listed in `/proc/net/unix`, the socket descriptors of every Deno process) and
 * replaces, connects to or opens each one to feed a victim launcher a plan without filters. The
 * channel is an inherited socketpair, so there is nothing to find: the victims' targets all run
 * with `Seccomp: 2` and the attacker's payload never runs. Also: the launcher runs with its own
 * fixed environment (the target's `LD_PRELOAD` and `DENO_V8_FLAGS` never reach it), minimal
 * Deno permissions, and refuses a descriptor that is not a channel from its parent.
 */

import { hasFile, kernelTest, PYTHON, unavailable } from "../_kernel.ts";
import { assert, buildProbes, compileYaml, exists, PROBES_REASON } from "../_probes.ts";
import { runConfined } from "../../backends/linux/run.ts";
import { LAUNCHER_MAIN_URL, launcherArgs } from "../../backends/linux/launcher.ts";

const MOD = new URL("../../mod.ts", import.meta.url).pathname;
const REASON = unavailable(PROBES_REASON, !hasFile(PYTHON) && `needs ${PYTHON}`);

/** Everything allowed but the ptrace family (whose grant is control of any host process). */
const ATTACKER_POLICY = `apiVersion: cordon/v1
kind: Policy
metadata: { name: attacker }
spec:
  defaultAction: allow
  capabilities:
    deny: [proc.debug]
`;

const VICTIM_POLICY = `apiVersion: cordon/v1
kind: Policy
metadata: { name: victim }
spec:
  defaultAction: allow
  rules:
    - { syscalls: [acct], action: deny, errno: EPERM }
  # the preloaded library's log is written from inside
  filesystem: { write: [/] }
`;

/**
 * The attacker: prints "ready", then until its stdin closes hijacks every socket and
 * `cordon-run-*` directory in the temporary directories (unlink, bind its own listener, feed
 * whoever connects), connects to every Unix socket of the host named under it, opens
 * every socket descriptor of every Deno process through /proc and tries pidfd_getfd on them;
 * each channel it gets is sent a plan without filters that runs PAYLOAD. Prints what it found.
 */
const ATTACKER = String.raw`
import ctypes, json, os, select, socket, stat, struct, sys
payload = sys.argv[1]
# The run's private TMPDIR, which the victims share (never /tmp itself: other tests' sockets).
tmpdirs = [os.environ["TMPDIR"]]
def frame(b): return struct.pack("<I", len(b)) + b
def plan():
    header = {"version": 2, "file": "/bin/sh", "env": [], "filters": [],
              "argv": ["sh", "-c", "grep Seccomp: /proc/self/status > " + payload]}
    return frame(json.dumps(header).encode())
stats = {"hijacked": 0, "fed": 0, "connected": 0, "procfd": 0, "procfd_opened": 0,
         "getfd": 0, "getfd_ok": 0}
def feed(conn):
    try:
        conn.settimeout(2)
        conn.sendall(plan())
        conn.recv(64)
        conn.sendall(frame(b"go"))
        stats["fed"] += 1
    except OSError:
        pass
listeners, seen, mine = [], set(), set()
def hijack(path):
    if path in seen: return
    seen.add(path)
    try:
        os.unlink(path)
    except OSError:
        pass
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(path); s.listen(8); s.setblocking(False)
        listeners.append(s); mine.add(path); stats["hijacked"] += 1
    except OSError:
        pass
libc = ctypes.CDLL(None, use_errno=True)
me = os.getpid()
print("ready", flush=True)
while True:
    r, _, _ = select.select([0], [], [], 0)
    if r and os.read(0, 1) == b"":
        break
    for d in tmpdirs:
        try:
            entries = list(os.scandir(d))
        except OSError:
            continue
        for e in entries:
            try:
                if e.name.startswith("cordon-run-") and e.is_dir(follow_symlinks=False):
                    hijack(os.path.join(e.path, "launcher.sock"))
                elif stat.S_ISSOCK(e.stat(follow_symlinks=False).st_mode) and e.path not in mine:
                    hijack(e.path)
            except OSError:
                pass
    for s in listeners:
        try:
            conn, _ = s.accept()
            feed(conn)
        except OSError:
            pass
    try:
        lines = open("/proc/net/unix").read().splitlines()[1:]
    except OSError:
        lines = []
    for line in lines:
        fields = line.split()
        if len(fields) < 8 or not fields[7].startswith(tmpdirs[0]) or fields[7] in mine: continue
        name = fields[7]
        if ("net", name) in seen: continue
        seen.add(("net", name))
        try:
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            c.connect("\0" + name[1:] if name.startswith("@") else name)
            stats["connected"] += 1
            feed(c)
        except OSError:
            pass
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == me: continue
        try:
            if open("/proc/%s/comm" % pid).read().strip() != "deno": continue
            # Only the victims' parents (other Deno processes of the host are not ours to poke).
            if ("TMPDIR=" + tmpdirs[0]).encode() not in open("/proc/%s/environ" % pid, "rb").read().split(b"\0"): continue
            fds = os.listdir("/proc/%s/fd" % pid)
        except OSError:
            continue
        for fd in fds:
            key = (pid, fd)
            if key in seen: continue
            try:
                if not os.readlink("/proc/%s/fd/%s" % (pid, fd)).startswith("socket:"): continue
            except OSError:
                continue
            seen.add(key)
            stats["procfd"] += 1
            try:
                os.close(os.open("/proc/%s/fd/%s" % (pid, fd), os.O_RDWR))
                stats["procfd_opened"] += 1
            except OSError:
                pass
            stats["getfd"] += 1
            pidfd = libc.syscall(434, int(pid), 0)  # pidfd_open
            if pidfd >= 0:
                got = libc.syscall(438, pidfd, int(fd), 0)  # pidfd_getfd
                os.close(pidfd)
                if got >= 0:
                    stats["getfd_ok"] += 1
                    feed(socket.socket(fileno=got))
print(json.dumps(stats), flush=True)
`;

const VICTIM = "import ctypes; libc = ctypes.CDLL(None, use_errno=True); " +
  "print([l for l in open('/proc/self/status') if l.startswith('Seccomp:')][0].strip(), " +
  "libc.acct(None), ctypes.get_errno())";

async function readLine(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const text = new TextDecoder();
  let line = "";
  while (!line.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    line += text.decode(value);
  }
  return line;
}

kernelTest(
  "bypass: a confined program that hijacks every socket it can find cannot feed another run's launcher",
  REASON,
  async () => {
    await using probes = await buildProbes([]);
    const payload = `${probes.dir}/payload-ran`;
    // The attacker and its victims share a temporary directory (as runs on one host share
    // /tmp); a private one, so that the attacker touches nothing of other tests.
    const shared = `${probes.dir}/tmp`;
    await Deno.mkdir(`${shared}/decoy`, { recursive: true });
    await Deno.writeTextFile(`${probes.dir}/attacker.yaml`, ATTACKER_POLICY);
    await Deno.writeTextFile(`${probes.dir}/victim.yaml`, VICTIM_POLICY);
    await Deno.writeTextFile(`${probes.dir}/attacker.py`, ATTACKER);
    const cordonRun = (policy: string, command: string[], stdin: "piped" | "null" = "null") =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", MOD, "run", "-p", `${probes.dir}/${policy}`, "--", ...command],
        env: { TMPDIR: shared },
        stdin,
        stdout: "piped",
        stderr: "piped",
      });
    const attacker = cordonRun(
      "attacker.yaml",
      [PYTHON, `${probes.dir}/attacker.py`, payload],
      "piped",
    )
      .spawn();
    const reader = attacker.stdout.getReader();
    const stdin = attacker.stdin.getWriter();
    try {
      const ready = await readLine(reader);
      assert(ready.startsWith("ready"), `the attacker did not start: ${ready}`);
      for (let i = 0; i < 4; i++) {
        const out = await cordonRun("victim.yaml", [PYTHON, "-c", VICTIM]).output();
        const text = new TextDecoder().decode(out.stdout);
        assert(out.code === 0 && text === "Seccomp:\t2 -1 1\n", `victim ${i}: ${text}`);
      }
    } finally {
      await stdin.close();
    }
    const report = await readLine(reader);
    reader.releaseLock();
    const status = await attacker.status;
    await attacker.stderr.cancel();
    const stats = JSON.parse(report) as Record<string, number>;
    assert(status.code === 0, `the attacker failed: ${report}`);
    assert(!await exists(payload), "the attacker's plan ran (unconfined) in a victim launcher");
    assert(stats.fed === 0, `the attacker fed ${stats.fed} launcher channels: ${report}`);
    assert(stats.hijacked === 0, `a cordon run left a socket to hijack: ${report}`);
    assert(
      stats.procfd_opened === 0 && stats.getfd_ok === 0,
      `a channel descriptor was reachable: ${report}`,
    );
  },
);

kernelTest(
  "bypass: no cordon run socket has a name (nothing in /tmp, /proc/net/unix or the abstract namespace)",
  REASON,
  async () => {
    // The command prints its parent's pid (a fresh `cordon run`) and waits; meanwhile this
    // (unconfined) test checks that every Unix socket that parent holds is unnamed in
    // /proc/net/unix.
    const dir = await Deno.makeTempDir({ prefix: "cordon-channel-" });
    try {
      await Deno.writeTextFile(`${dir}/p.yaml`, VICTIM_POLICY);
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", MOD, "run", "-p", `${dir}/p.yaml`, "--", PYTHON, "-c"]
          .concat(["import os, sys; print(os.getppid(), flush=True); sys.stdin.read()"]),
        env: { TMPDIR: dir },
        stdin: "piped",
        stdout: "piped",
        stderr: "null",
      }).spawn();
      const reader = child.stdout.getReader();
      const parent = Number((await readLine(reader)).trim());
      const inodes = new Set<string>();
      for (const entry of Deno.readDirSync(`/proc/${parent}/fd`)) {
        const target = Deno.readLinkSync(`/proc/${parent}/fd/${entry.name}`);
        if (target.startsWith("socket:[")) inodes.add(target.slice(8, -1));
      }
      const rows = (await Deno.readTextFile("/proc/net/unix")).split("\n").slice(1)
        .map((l) => l.trim().split(/\s+/)).filter((r) => inodes.has(r[6] ?? ""));
      await child.stdin.close();
      reader.releaseLock();
      await child.stdout.cancel();
      const status = await child.status;
      assert(status.code === 0, `exit ${status.code}`);
      assert(rows.length >= 1, `the parent's channel not seen among ${[...inodes]}`);
      const named = rows.filter((r) => r.length > 7).map((r) => r[7]);
      assert(named.length === 0, `the parent holds named Unix sockets: ${named}`);
      assert([...Deno.readDirSync(dir)].length === 1, "cordon run left files in its TMPDIR");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "bypass: the target's LD_PRELOAD and DENO_V8_FLAGS reach the target only, never the launcher",
  unavailable(REASON),
  async () => {
    await using probes = await buildProbes([]);
    const log = `${probes.dir}/preloaded.log`;
    const source = `${probes.dir}/evil.c`;
    const library = `${probes.dir}/evil.so`;
    // Its constructor logs the process it was loaded into and that process's seccomp mode.
    await Deno.writeTextFile(
      source,
      `#include <stdio.h>
#include <string.h>
__attribute__((constructor)) static void evil(void) {
  char line[256], mode[64] = "?", comm[64] = "?";
  FILE *f = fopen("/proc/self/status", "r");
  while (f && fgets(line, sizeof line, f)) {
    if (!strncmp(line, "Seccomp:", 8)) sscanf(line + 8, "%63s", mode);
    if (!strncmp(line, "Name:", 5)) sscanf(line + 5, "%63s", comm);
  }
  if (f) fclose(f);
  FILE *out = fopen("${log}", "a");
  if (out) { fprintf(out, "%s %s\\n", comm, mode); fclose(out); }
}
`,
    );
    const gcc = await new Deno.Command("gcc", {
      args: ["-shared", "-fPIC", "-o", library, source],
    }).output();
    assert(gcc.success, new TextDecoder().decode(gcc.stderr));
    const set = await compileYaml(probes.dir, VICTIM_POLICY);
    const r = await runConfined({
      set,
      command: ["/bin/sh", "-c", 'echo "flags=$DENO_V8_FLAGS"'],
      env: { LD_PRELOAD: library, DENO_V8_FLAGS: "--help" },
      stdout: "piped",
      stderr: "piped",
    });
    const out = new TextDecoder().decode(r.stdout);
    assert(r.code === 0 && out === "flags=--help\n", `the target: ${r.code} ${out}`);
    const loaded = (await Deno.readTextFile(log)).trim().split("\n");
    assert(loaded.length >= 1, "the target did not get LD_PRELOAD");
    assert(
      loaded.every((l) => l.endsWith(" 2") && !l.startsWith("deno")),
      `the library ran outside the filter (in the launcher?): ${loaded.join("; ")}`,
    );
  },
);

kernelTest(
  "bypass: the launcher has no file or network permission and refuses a descriptor that is not its parent's channel",
  REASON,
  async (t) => {
    await t.step("launcherArgs grants FFI and CORDON_LIBC only, and no module resolution", () => {
      const args = launcherArgs(7);
      const grants = args.filter((a) => a.startsWith("--allow-"));
      assert(
        JSON.stringify(grants) === '["--allow-ffi","--allow-env=CORDON_LIBC"]',
        String(grants),
      );
      for (const flag of ["--no-config", "--no-remote", "--no-npm", "--no-lock", "--no-prompt"]) {
        assert(args.includes(flag), `${flag} missing: ${args}`);
      }
    });
    await t.step("a launcher started on a pipe, a file or nothing runs nothing", async () => {
      const dir = await Deno.makeTempDir({ prefix: "cordon-channel-" });
      try {
        for (const fd of ["", "0", "2", "9"]) {
          const run = await new Deno.Command("bash", {
            args: [
              "-c",
              `exec 9>>${dir}/f; exec "$0" "$@"`,
              Deno.execPath(),
              ...launcherArgs(9).slice(0, -1),
              ...(fd === "" ? [] : [fd]),
            ],
            stdout: "piped",
            stderr: "piped",
          }).output();
          const err = new TextDecoder().decode(run.stderr);
          assert(run.code === 126 && err.includes("cordon launcher:"), `fd "${fd}": ${err}`);
        }
        assert(LAUNCHER_MAIN_URL.endsWith("_launcher_main.ts"), LAUNCHER_MAIN_URL);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  },
);
