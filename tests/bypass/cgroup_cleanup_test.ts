/**
 * Bypass suite: cleanup of the run cgroup (issue 9, item 9). The confined command creates a
 * child cgroup of its run cgroup, moves a daemon there and exits; a cleanup that killed only the
 * run cgroup's own `cgroup.procs` left the daemon alive, and once the programs were detached it
 * reached a forbidden address. Cleanup now writes `cgroup.kill` (the whole subtree), waits until
 * `cgroup.events` says `populated 0`, and only then detaches the programs and removes the
 * cgroups bottom-up. The daemon here tries a forbidden TCP address in a loop: the test's server
 * on it must accept nothing, and the daemon must be dead when `cordon run` returns.
 */

import { kernelTest, needCommands, PYTHON, unavailable } from "../_kernel.ts";
import { layerGuardMaps, layerNetMaps } from "../../compile/net_rules.ts";
import { assert, exists } from "../_probes.ts";
import { assertBpfReleased, bpftoolJson } from "../_bpf_objects.ts";
import { GUARD_REASON, policy, runUnder } from "./_cgroup_guard.ts";
import { cgroup2Root } from "../../backends/linux/cgroup.ts";
import { RunNetworkConfinement } from "../../backends/linux/cgroup_net.ts";

// Tries to move the daemon to a child cgroup (A2's read-only cgroupfs in the command's mount
// namespace may refuse: then it stays in the run cgroup, detached with setsid, and must die too).
const ESCAPER = `
import glob, os, socket, sys, time
root, port = sys.argv[1], int(sys.argv[2])
me = str(os.getpid())
mine = next(d for d in glob.glob(root + "/cordon-run-*") if me in open(d + "/cgroup.procs").read().split())
child = mine + "/escape"
try:
    os.mkdir(child); where = "moved"
except OSError as e:
    where = "stayed:%d" % e.errno
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    if where == "moved":
        with open(child + "/cgroup.procs", "w") as f: f.write(str(os.getpid()))
    os.write(w, b"go"); os.close(w)
    os.setsid()
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            pass
        time.sleep(0.01)
os.close(w)
os.read(r, 2)
print(where, pid, child, flush=True)
`;

/** Whether process `pid` is gone or a zombie (dead, not yet reaped by its new parent). */
function dead(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

kernelTest(
  "bypass: a daemon moved to a child of the run cgroup is dead when cordon run returns",
  GUARD_REASON,
  async () => {
    const server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (server.addr as Deno.NetAddr).port;
    let accepted = 0;
    const serving = (async () => {
      try {
        for await (const conn of server) {
          accepted++;
          conn.close();
        }
      } catch {
        // closed
      }
    })();
    try {
      const root = cgroup2Root();
      const run = await runUnder(policy("escaper", `network:\n  connect: ["127.0.0.1:9"]`), [
        PYTHON,
        "-c",
        ESCAPER,
        root,
        String(port),
      ]);
      const [where, pidText, child] = run.stdout.trim().split(" ");
      assert(
        where?.startsWith("moved") || where?.startsWith("stayed"),
        `${run.stdout} ${run.stderr}`,
      );
      if (where !== "moved") console.error(`(the child cgroup was refused: ${where})`);
      const pid = Number(pidText);
      assert(dead(pid), `daemon ${pid} outlived cordon run`);
      assert(child !== undefined && !(await exists(child)), `child cgroup ${child} left`);
      assert(!(await exists(child!.slice(0, child!.lastIndexOf("/")))), "run cgroup left");
      assert(accepted === 0, `the forbidden address accepted ${accepted} connections`);
    } finally {
      server.close();
      await serving;
    }
  },
);

kernelTest(
  "RunNetworkConfinement.close() kills a process tree spread over nested child cgroups and removes them",
  GUARD_REASON,
  async () => {
    const confinement = await RunNetworkConfinement.create([]);
    const nested = `${confinement.cgroupPath}/a/b`;
    let sleeper: Deno.ChildProcess | undefined;
    try {
      Deno.mkdirSync(nested, { recursive: true });
      sleeper = new Deno.Command("sleep", { args: ["600"] }).spawn();
      Deno.writeTextFileSync(`${nested}/cgroup.procs`, `${sleeper.pid}`);
      assert(
        Deno.readTextFileSync(`${confinement.cgroupPath}/cgroup.events`).includes("populated 1"),
        "not populated",
      );
    } finally {
      await confinement.close();
    }
    const status = await sleeper!.status;
    assert(status.signal === "SIGKILL", `sleep ended with ${JSON.stringify(status)}`);
    assert(!(await exists(confinement.cgroupPath)), "cgroups left");
    assert(!(await exists(confinement.pinDir)), "pins left");
    // (Not "no run dirs of this pid": under --parallel other test files of this process have
    // runs of their own. The nested cgroups cannot outlive their removed parent.)
  },
);

kernelTest(
  "a run's guard and network programs (cgroup and tracing links) are all released at close",
  unavailable(GUARD_REASON, needCommands("bpftool")),
  async () => {
    const loc = { file: "p.yaml", line: 1, column: 1 };
    const set = {
      version: 1 as const,
      layers: [{
        policy: "p",
        mode: "enforce" as const,
        defaultAction: "allow" as const,
        defaultErrno: 1,
        arches: [],
        loc,
        network: {
          connect: [{ text: "tcp/443", protocol: "tcp" as const, ports: [443, 443] as const, loc }],
          bind: [],
          loc,
        },
      }],
    };
    const confinement = await RunNetworkConfinement.create(layerNetMaps(set), {
      guards: layerGuardMaps(set),
    });
    const ids: number[] = [];
    try {
      for (const pin of Deno.readDirSync(confinement.pinDir)) {
        const link = await bpftoolJson(
          "link",
          "show",
          "pinned",
          `${confinement.pinDir}/${pin.name}`,
        ) as {
          prog_id: number;
        };
        ids.push(link.prog_id);
      }
      // 6 guard cgroup programs + the listen tracepoint + 6 network programs.
      assert(ids.length === 13, `pinned links: ${ids.length}`);
      const attached = (await bpftoolJson("cgroup", "show", confinement.cgroupPath) as {
        id: number;
      }[]).map((p) => p.id);
      // bpftool 7.1 does not list the attach types it does not know (connect_unix, sendmsg_unix).
      assert(attached.length >= 10 && attached.every((id) => ids.includes(id)), `${attached}`);
    } finally {
      await confinement.close();
    }
    await assertBpfReleased(ids);
  },
);
