/**
 * Bypass suite: Unix sockets (issue 9, item 16). A confined root program connects to a host
 * daemon's socket (a pathname socket outside its write paths, an abstract one, a datagram
 * socket like `/dev/log`) and talks to it unconfined. `bpf/cgroup_guard.bpf.c`'s
 * `cgroup/connect_unix` and `cgroup/sendmsg_unix` programs (Linux 6.7) allow only the names of
 * `network.unix` and sockets beneath the policy's `filesystem.write` paths (its own); relative
 * paths and paths with `.`/`..` components are refused (their text does not say where they
 * lead). Write paths are mounted `nosymfollow`, so a symbolic link the program makes there (to a
 * host socket or to its directory) cannot turn an address beneath them into another one. Socket
 * pairs need no rule. The effect observed: the host server accepts nothing and
 * receives nothing from the confined program; listing the names in `network.unix` (the control)
 * lets the same calls through.
 */

import { kernelTest, PYTHON } from "../_kernel.ts";
import { assert } from "../_probes.ts";
import { GUARD_REASON, policy, results, runUnder, startHelper } from "./_cgroup_guard.ts";

const SERVER = `
import os, select, socket, sys
path, dgram, abstract = sys.argv[1], sys.argv[2], sys.argv[3]
stream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); stream.bind(path); stream.listen(64)
ab = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); ab.bind("\\0" + abstract); ab.listen(64)
dg = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); dg.bind(dgram)
for s in (stream, ab, dg): s.setblocking(False)
print("ready", flush=True)
sys.stdin.readline()
counts = {"path": 0, "abstract": 0, "dgram": 0}
for name, s in (("path", stream), ("abstract", ab)):
    while True:
        try:
            c, _ = s.accept(); counts[name] += 1; c.close()
        except BlockingIOError:
            break
while True:
    try:
        dg.recv(100); counts["dgram"] += 1
    except BlockingIOError:
        break
for k, v in counts.items(): print(k, v, flush=True)
`;

const CLIENT = `
import os, socket, sys
path, dgram, abstract, own = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
def attempt(name, fn):
    try:
        fn(); print(name, "ok", flush=True)
    except OSError as e:
        print(name, e.errno, flush=True)
def connect(address):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(address); s.close()
def sendto(address):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.sendto(b"x", address); s.close()
def own_socket():
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); server.bind(own); server.listen(1)
    connect(own)
def relative():
    os.chdir(os.path.dirname(path)); connect(os.path.basename(path))
def dotdot():
    connect(os.path.dirname(own) + "/.." + path[len(os.path.dirname(os.path.dirname(own))):])
def pair():
    a, b = socket.socketpair(); a.send(b"x"); b.recv(1)
def symlinked(target, name, use):
    link = os.path.join(os.path.dirname(own), name)
    os.symlink(target, link)
    use(link)
attempt("path", lambda: connect(path))
attempt("abstract", lambda: connect("\\0" + abstract))
attempt("dgram", lambda: sendto(dgram))
attempt("dotdot", dotdot)
attempt("relative", relative)
attempt("own", own_socket)
attempt("pair", pair)
# a link the program makes beneath its write path, to the host's socket or its directory
attempt("symlink", lambda: symlinked(path, "link.sock", connect))
attempt("symlink_dir", lambda: symlinked(os.path.dirname(path), "hostdir",
    lambda l: connect(l + "/" + os.path.basename(path))))
attempt("symlink_dgram", lambda: symlinked(dgram, "log-link.sock", sendto))
`;

interface Server extends AsyncDisposable {
  readonly path: string;
  readonly dgram: string;
  readonly abstract: string;
  /** Stops the server and returns what it accepted/received. */
  counts(): Promise<Map<string, string>>;
}

async function hostServer(): Promise<Server> {
  const dir = await Deno.makeTempDir({ prefix: "cordon-host-" });
  const path = `${dir}/host.sock`;
  const dgram = `${dir}/log.sock`;
  const abstract = `cordon-test-host-${crypto.randomUUID()}`;
  const server = await startHelper("host server", SERVER, [path, dgram, abstract]);
  let stopped: Promise<Map<string, string>> | undefined;
  const stop = () => stopped ??= server.finish().then(results);
  return {
    path,
    dgram,
    abstract,
    counts: stop,
    async [Symbol.asyncDispose]() {
      await stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function clientUnder(yaml: string, server: Server, own: string) {
  return await runUnder(yaml, [
    PYTHON,
    "-c",
    CLIENT,
    server.path,
    server.dgram,
    server.abstract,
    own,
  ]);
}

kernelTest(
  "bypass: a confined program reaches no host Unix socket, by path, abstract name or datagram",
  GUARD_REASON,
  async () => {
    await using server = await hostServer();
    const work = await Deno.makeTempDir({ prefix: "cordon-own-" });
    try {
      const yaml = policy("no-unix", `filesystem:\n  write: [${JSON.stringify(work)}]`);
      const run = await clientUnder(yaml, server, `${work}/own.sock`);
      assert(run.code === 0, `cordon run exited ${run.code}: ${run.stderr}`);
      const got = results(run.stdout);
      for (const name of ["path", "abstract", "dgram", "dotdot", "relative"]) {
        // EPERM from the cgroup program (abstract names: Landlock's scoping may answer first).
        assert(["1", "13"].includes(got.get(name) ?? ""), `${name}: ${got.get(name)}`);
      }
      assert(got.get("path") === "1" && got.get("dgram") === "1", run.stdout);
      // Write paths are mounted nosymfollow: a link made there leads nowhere (ELOOP).
      for (const name of ["symlink", "symlink_dir", "symlink_dgram"]) {
        assert(got.get(name) === "40", `${name}: ${got.get(name)}`);
      }
      assert(got.get("own") === "ok", `own socket: ${got.get("own")}`);
      assert(got.get("pair") === "ok", `socketpair: ${got.get("pair")}`);
      const counts = await server.counts();
      assert(counts.get("path") === "0", `host server accepted ${counts.get("path")}`);
      assert(counts.get("abstract") === "0", `abstract accepted ${counts.get("abstract")}`);
      assert(counts.get("dgram") === "0", `datagrams received ${counts.get("dgram")}`);
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  },
);

kernelTest(
  "bypass: network.unix lets a confined program reach the sockets it lists (the control)",
  GUARD_REASON,
  async () => {
    await using server = await hostServer();
    const work = await Deno.makeTempDir({ prefix: "cordon-own-" });
    try {
      const yaml = policy(
        "listed-unix",
        `filesystem:\n  write: [${JSON.stringify(work)}]\nnetwork:\n  unix: [${
          [server.path, server.dgram, `@${server.abstract}`].map((n) => JSON.stringify(n)).join(
            ", ",
          )
        }]`,
      );
      const run = await clientUnder(yaml, server, `${work}/own.sock`);
      const got = results(run.stdout);
      for (const name of ["path", "abstract", "dgram", "own", "pair"]) {
        assert(got.get(name) === "ok", `${name}: ${got.get(name)} (${run.stderr})`);
      }
      const counts = await server.counts();
      assert(counts.get("path") === "1" && counts.get("abstract") === "1", `${[...counts]}`);
      assert(counts.get("dgram") === "1", `${[...counts]}`);
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  },
);
