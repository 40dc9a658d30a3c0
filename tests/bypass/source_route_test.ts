/**
 * Bypass suite: source routing (issue 9, item 15). IPv4 options (LSRR/SSRR through
 * `IP_OPTIONS`, or per call through an `IP_RETOPTS` control message) and IPv6 extension headers
 * (routing, hop-by-hop, destination options) make a datagram for an allowed address travel
 * through, or be handled by, a first hop the rules never saw. Under `cordon run` with a
 * `network` section, `bpf/cgroup_guard.bpf.c`'s setsockopt program refuses those options
 * (EPERM) and its cgroup_skb egress program drops every packet that still carries them (the
 * sender's `sendmsg` fails with EPERM). The observable effect: a packet socket of the test on
 * `lo` sees the unconfined sender's source-routed datagrams leave, and none of the confined one.
 * CAP_NET_RAW is kept, which the kernel wants for hop-by-hop and destination options.
 */

import { kernelTest, PYTHON } from "../_kernel.ts";
import { assert } from "../_probes.ts";
import { GUARD_REASON, policy, results, runUnder, startHelper } from "./_cgroup_guard.ts";

const SENDER = `
import socket, sys
tag = sys.argv[1]
def attempt(name, fn):
    try:
        fn(); print(name, "ok", flush=True)
    except OSError as e:
        print(name, e.errno, flush=True)
def mark(name): return ("cordon-sr-%s-%s" % (tag, name)).encode()
lsrr = bytes([0x01, 0x83, 7, 4]) + socket.inet_aton("127.0.0.2")  # NOP, LSRR via 127.0.0.2
rr = bytes([0x07, 7, 4, 0, 0, 0, 0, 0])  # record route
padn = bytes([0, 0, 1, 4, 0, 0, 0, 0])  # an options header holding PadN
def v4(): return socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def v6(): return socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
def setsockopt_lsrr():
    s = v4(); s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, lsrr)
    s.sendto(mark("setsockopt_lsrr"), ("127.0.0.1", 9))
def cmsg_lsrr():
    v4().sendmsg([mark("cmsg_lsrr")], [(socket.IPPROTO_IP, 7, lsrr)], 0, ("127.0.0.1", 9))
def cmsg_rr():
    v4().sendmsg([mark("cmsg_rr")], [(socket.IPPROTO_IP, 7, rr)], 0, ("127.0.0.1", 9))
def setsockopt_rthdr6():
    s = v6(); s.setsockopt(socket.IPPROTO_IPV6, 57, bytes([0, 2, 0, 1, 0, 0, 0, 0]) + socket.inet_pton(socket.AF_INET6, "::1"))
def setsockopt_hopopts6():
    s = v6(); s.setsockopt(socket.IPPROTO_IPV6, 54, padn)
    s.sendto(mark("setsockopt_hopopts6"), ("::1", 9))
def cmsg_hopopts6():
    v6().sendmsg([mark("cmsg_hopopts6")], [(socket.IPPROTO_IPV6, 54, padn)], 0, ("::1", 9))
def cmsg_dstopts6():
    v6().sendmsg([mark("cmsg_dstopts6")], [(socket.IPPROTO_IPV6, 59, padn)], 0, ("::1", 9))
def plain(): v4().sendto(mark("plain"), ("127.0.0.1", 9))
def plain6(): v6().sendto(mark("plain6"), ("::1", 9))
for name in sys.argv[2:]:
    attempt(name, globals()[name])
`;

const SNIFFER = `
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind(("lo", 0))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
print("ready", flush=True)
sys.stdin.readline()
s.setblocking(False)
seen = set()
while True:
    try:
        frame = s.recv(65536)
    except BlockingIOError:
        break
    at = frame.find(b"cordon-sr-")
    if at >= 0:
        seen.add(frame[at:].split(b"\\0")[0].decode(errors="replace"))
for m in sorted(seen): print(m, flush=True)
`;

const OPTIONS = [
  "setsockopt_lsrr",
  "cmsg_lsrr",
  "cmsg_rr",
  "setsockopt_hopopts6",
  "cmsg_hopopts6",
  "cmsg_dstopts6",
];

/** Frames with our marks seen on `lo` while `fn` runs (packet sockets see them synchronously). */
async function sniff(fn: () => Promise<void>): Promise<Set<string>> {
  const sniffer = await startHelper("sniffer", SNIFFER);
  let text: string;
  try {
    await fn();
  } finally {
    text = await sniffer.finish();
  }
  return new Set(text.split("\n").filter((l) => l.startsWith("cordon-sr-")));
}

const POLICY = policy(
  "udp-loopback",
  `privileges:
  capabilities: [CAP_NET_RAW]
network:
  connect: ["udp/127.0.0.1:9", "udp/[::1]:9"]`,
);

kernelTest(
  "bypass: source-routed and IPv6 extension-header datagrams do not leave a confined socket",
  GUARD_REASON,
  async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    let free = new Map<string, string>();
    let confined = new Map<string, string>();
    const seen = await sniff(async () => {
      const control = await new Deno.Command(PYTHON, {
        args: ["-c", SENDER, `free${tag}`, ...OPTIONS, "plain", "plain6"],
        stdout: "piped",
      }).output();
      free = results(new TextDecoder().decode(control.stdout));
      const run = await runUnder(POLICY, [
        PYTHON,
        "-c",
        SENDER,
        `conf${tag}`,
        ...OPTIONS,
        "plain",
        "plain6",
        "setsockopt_rthdr6",
      ]);
      assert(run.code === 0, `cordon run exited ${run.code}: ${run.stderr}`);
      confined = results(run.stdout);
    });
    // Unconfined, every one of them leaves (the attack is real on this kernel).
    for (const name of [...OPTIONS, "plain", "plain6"]) {
      assert(free.get(name) === "ok", `unconfined ${name}: ${free.get(name)}`);
      assert(seen.has(`cordon-sr-free${tag}-${name}`), `unconfined ${name} not seen on lo`);
    }
    // Confined: refused with EPERM (setsockopt, or the dropped packet), and nothing on the wire.
    for (const name of [...OPTIONS, "setsockopt_rthdr6"]) {
      assert(
        confined.get(name) === "1",
        `confined ${name}: ${confined.get(name)} (EPERM expected)`,
      );
      assert(!seen.has(`cordon-sr-conf${tag}-${name}`), `confined ${name} left the socket`);
    }
    assert(confined.get("plain") === "ok" && seen.has(`cordon-sr-conf${tag}-plain`), "plain");
    assert(confined.get("plain6") === "ok" && seen.has(`cordon-sr-conf${tag}-plain6`), "plain6");
  },
);
