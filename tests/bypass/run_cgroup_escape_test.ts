/**
 * Bypass suite (issue 9, item 4): leaving the run cgroup, and with it the network rules. The
 * command runs in a cgroup namespace rooted at its run cgroup, on a cgroup2 hierarchy mounted
 * with `nsdelegate`, and sees cgroupfs read-only; `CAP_SYS_ADMIN` (which mounting a new cgroupfs
 * or entering another cgroup namespace needs) is not kept unless a policy keeps it, and `check`
 * warns about that. Each way out is tried: writing its pid to the hierarchy root's `cgroup.procs`,
 * making a cgroup outside its subtree, `clone3(CLONE_INTO_CGROUP)` with the root's descriptor,
 * mounting a cgroup2 filesystem, `setns` into init's cgroup namespace, a new cgroup namespace.
 * The observable effect: a UDP datagram to an address the policy forbids, sent after the
 * attempts (and by the `clone3` child, had it been born outside) never reaches the test's socket.
 */

import { kernelTest } from "../_kernel.ts";
import { assert } from "../_probes.ts";
import { runNetworkUnavailable } from "../../backends/linux/cgroup_net.ts";
import { unavailable } from "../_kernel.ts";
import { startHelper } from "./_cgroup_guard.ts";
import {
  attempts,
  CONFINEMENT_REASON,
  expectAttempts,
  heldCapabilities,
  policySet,
} from "./_confinement.ts";

const WEB_CLIENT = new URL("../../examples/policies/web-client.yaml", import.meta.url).pathname;

/** Counts the datagrams that reach 127.0.0.1:PORT until `done`. */
const LISTENER = `
import socket, sys, threading
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
got = []
def receive():
    while True:
        data, _ = s.recvfrom(64)
        if data == b"stop":
            return
        got.append(data)
t = threading.Thread(target=receive)
t.start()
print("ready", flush=True)
sys.stdin.readline()
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"stop", s.getsockname())
t.join()
print("received", len(got), b",".join(got).decode() or "-", flush=True)
`;

const ESCAPES = `
import ctypes, socket
port = int(sys.argv[1])
libc = ctypes.CDLL(None, use_errno=True)
def check(ret):
    if ret == -1:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return ret
root = None
for line in open("/proc/self/mountinfo"):
    fields = line.split()
    if fields[fields.index("-") + 1] == "cgroup2":
        root = fields[4]
        break
def send(what):
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(what, ("127.0.0.1", port))
def write_procs():
    with open(root + "/cgroup.procs", "w") as f:
        f.write(str(os.getpid()))
def clone_into_root():
    class CloneArgs(ctypes.Structure):
        _fields_ = [(n, ctypes.c_uint64) for n in ("flags", "pidfd", "child_tid", "parent_tid",
            "exit_signal", "stack", "stack_size", "tls", "set_tid", "set_tid_size", "cgroup")]
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    args = CloneArgs(flags=0x200000000, exit_signal=17, cgroup=fd)  # CLONE_INTO_CGROUP
    pid = check(libc.syscall(ctypes.c_long(435), ctypes.byref(args), ctypes.c_long(ctypes.sizeof(args))))
    if pid == 0:
        try:
            send(b"clone3-child")
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
def mount_cgroup2():
    target = "/tmp"
    check(libc.mount(b"none", target.encode(), b"cgroup2", ctypes.c_ulong(0), None))
def setns_init():
    fd = os.open("/proc/1/ns/cgroup", os.O_RDONLY)
    check(libc.setns(fd, 0x02000000))  # CLONE_NEWCGROUP
attempt("write_root_procs", write_procs)
attempt("mkdir_outside", lambda: os.mkdir(root + "/cordon-escape-attempt"))
attempt("clone3_into_root", clone_into_root)
attempt("mount_cgroup2", mount_cgroup2)
attempt("setns_init", setns_init)
attempt("unshare_cgroup", lambda: check(libc.unshare(0x02000000)))
attempt("own_cgroup", lambda: print("cgroup", open("/proc/self/cgroup").read().strip()))
attempt("send_after", lambda: send(b"after"))
`;

const REFUSED = "EROFS|EPERM|EACCES|ENOENT";

kernelTest(
  "bypass: the command cannot leave its run cgroup, and its network rules hold",
  unavailable(CONFINEMENT_REASON, Deno.build.os === "linux" && runNetworkUnavailable()),
  async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-cgroup-escape-" });
    try {
      // Every capability this process holds but those `check` calls a way out of the sandbox
      // in themselves (a new cgroupfs, another namespace, kernel code).
      const kept = heldCapabilities(["CAP_SYS_ADMIN", "CAP_SYS_MODULE", "CAP_BPF", "CAP_PERFMON"]);
      const sources: [string, string][] = [
        ["web-client.yaml", WEB_CLIENT],
        [
          "allow-all with every other capability",
          `apiVersion: cordon/v1
kind: Policy
metadata: { name: all-but-admin }
spec:
  defaultAction: allow
  privileges:
    capabilities: [${kept.join(", ")}]
  network:
    connect: ["udp/53"]
`,
        ],
      ];
      for (const [name, source] of sources) {
        await t.step(name, async () => {
          const listener = await startHelper("UDP listener", LISTENER);
          let seen: string;
          try {
            const port = Number(listener.greeting);
            const run = await attempts(await policySet(dir, source), ESCAPES, [String(port)]);
            expectAttempts(run, {
              write_root_procs: REFUSED,
              mkdir_outside: REFUSED,
              clone3_into_root: `${REFUSED}|ENOSYS`, // builtin:baseline answers clone3 with ENOSYS
              mount_cgroup2: "EPERM",
              setns_init: "EPERM|EACCES",
              unshare_cgroup: "EPERM",
              send_after: "EPERM",
            });
            assert(
              /^(cgroup )?0::\/$/m.test(run.stdout),
              `the command's cgroup is not its namespace's root:\n${run.stdout}`,
            );
          } finally {
            seen = (await listener.finish()).trim();
          }
          assert(seen.endsWith("received 0 -"), `datagrams reached the forbidden address: ${seen}`);
        });
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
