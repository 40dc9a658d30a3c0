/**
 * Bypass suite: socket kinds the network rules do not see (issue 9, item 13). The cgroup
 * sock_create program of `bpf/cgroup_guard.bpf.c` refuses (EPERM) every AF_INET/AF_INET6 socket
 * the policy's `network` section does not imply: raw sockets, ICMP ping sockets (an unconnected
 * `sendto` on one runs no cgroup hook), SCTP, UDP-Lite, MPTCP, and UDP when only TCP endpoints
 * are written (and the reverse). It runs in the kernel's inet_create, so the i386 `socketcall`
 * and `socket` entries meet it too. The tests let seccomp allow `socket`/`socketcall` and keep
 * CAP_NET_RAW, so that only the cgroup program stands in the way; an unconfined run shows the
 * kernel would create each socket. Packet sockets (`AF_PACKET`, and `socket(AF_INET,
 * SOCK_PACKET)`, which the kernel makes a packet socket) never reach inet_create: under the
 * default privileges (no CAP_NET_RAW) and the implied seccomp rules they fail too.
 */

import { kernelTest, unavailable } from "../_kernel.ts";
import { assert, buildProbes, PROBES_REASON } from "../_probes.ts";
import { GUARD_REASON, policy, results, runUnder } from "./_cgroup_guard.ts";

const REASON = unavailable(PROBES_REASON, GUARD_REASON);
const EPERM = "1";

const PING_RANGE = "/proc/sys/net/ipv4/ping_group_range";

/** Runs `fn` with ICMP ping sockets enabled for every group (restored afterwards). */
async function withPingSockets<T>(fn: () => Promise<T>): Promise<T> {
  const saved = (await Deno.readTextFile(PING_RANGE)).trim();
  await Deno.writeTextFile(PING_RANGE, "0 2147483647");
  try {
    return await fn();
  } finally {
    await Deno.writeTextFile(PING_RANGE, saved.replace(/\s+/, " "));
  }
}

/** Seccomp lets every socket call through: only the cgroup program decides. */
function openSeccomp(name: string, network: string): string {
  return policy(
    name,
    `rules:
  - { id: any-socket, syscalls: [socket, socketcall], action: allow, priority: 100000 }
privileges:
  capabilities: [CAP_NET_RAW]
network:
${network}`,
  );
}

const KINDS = [
  "tcp",
  "tcp6",
  "udp",
  "udp6",
  "raw",
  "raw_udp",
  "raw6",
  "ping",
  "ping6",
  "udplite",
  "mptcp",
  "tcp_i386",
  "raw_i386",
  "ping_i386",
  "raw_i386_socket",
];

kernelTest(
  "bypass: a tcp-only network section refuses raw, ping, UDP, UDP-Lite and MPTCP sockets, also through i386 socketcall",
  REASON,
  async () => {
    await using probes = await buildProbes(["socket_kinds"]);
    const probe = probes.path("socket_kinds");
    await withPingSockets(async () => {
      // The kernel creates every one of them for root when nothing confines the program.
      const free = new Deno.Command(probe, { args: KINDS, stdout: "piped" }).outputSync();
      const unconfined = results(new TextDecoder().decode(free.stdout));
      for (const kind of ["raw", "raw6", "ping", "ping6", "udplite", "mptcp", "raw_i386"]) {
        assert(unconfined.get(kind) === "ok", `unconfined ${kind}: ${unconfined.get(kind)}`);
      }
      const run = await runUnder(openSeccomp("tcp-only", "  connect: [tcp/443]"), [
        probe,
        ...KINDS,
      ]);
      assert(run.code === 0, `cordon run exited ${run.code}: ${run.stderr}`);
      const got = results(run.stdout);
      for (const kind of ["tcp", "tcp6", "tcp_i386"]) {
        assert(got.get(kind) === "ok", `${kind}: ${got.get(kind)} (${run.stdout})`);
      }
      for (const kind of KINDS.filter((k) => !k.startsWith("tcp"))) {
        assert(got.get(kind) === EPERM, `${kind} not refused with EPERM: ${got.get(kind)}`);
      }
    });
  },
);

kernelTest(
  "bypass: a udp-only network section allows UDP sockets and refuses TCP ones",
  REASON,
  async () => {
    await using probes = await buildProbes(["socket_kinds"]);
    const run = await runUnder(openSeccomp("udp-only", "  connect: [udp/53]"), [
      probes.path("socket_kinds"),
      "tcp",
      "udp",
      "udp6",
      "tcp_i386",
    ]);
    const got = results(run.stdout);
    assert(got.get("udp") === "ok" && got.get("udp6") === "ok", run.stdout);
    assert(got.get("tcp") === EPERM && got.get("tcp_i386") === EPERM, run.stdout);
  },
);

kernelTest(
  "bypass: AF_PACKET and SOCK_PACKET sockets fail under cordon run with the default privileges",
  REASON,
  async () => {
    await using probes = await buildProbes(["socket_kinds"]);
    const kinds = ["packet", "sock_packet", "packet_i386", "tcp"];
    const free = new Deno.Command(probes.path("socket_kinds"), { args: kinds, stdout: "piped" })
      .outputSync();
    const unconfined = results(new TextDecoder().decode(free.stdout));
    assert(unconfined.get("packet") === "ok" && unconfined.get("sock_packet") === "ok", "control");
    for (
      const spec of [
        "network:\n  connect: [tcp/443]", // the implied socket rules and no CAP_NET_RAW
        "rules:\n  - { id: any-socket, syscalls: [socket, socketcall], action: allow, priority: 100000 }\nnetwork:\n  connect: [tcp/443]", // no CAP_NET_RAW alone
      ]
    ) {
      const run = await runUnder(policy("packet", spec), [probes.path("socket_kinds"), ...kinds]);
      const got = results(run.stdout);
      assert(got.get("tcp") === "ok", `tcp: ${run.stdout} ${run.stderr}`);
      for (const kind of ["packet", "sock_packet", "packet_i386"]) {
        assert(got.has(kind) && got.get(kind) !== "ok", `${kind} created: ${run.stdout}`);
      }
    }
  },
);
