/**
 * Bypass suite: socket kinds the network rules do not see. The cgroup programs decide TCP and
 * UDP addresses; packet sockets (`AF_PACKET`, and `socket(AF_INET, SOCK_PACKET)`, which passes a
 * naive `!= AF_PACKET` rule and a `SOCK_RAW` mask rule), raw IP sockets, ICMP ping sockets,
 * netlink protocols other than `NETLINK_ROUTE` and exotic families (`AF_VSOCK`, `AF_ALG`) are
 * outside them. `builtin:baseline` and every policy with a `network` section deny them with
 * `EACCES` on every ABI, and answer the i386 `socketcall` multiplexer (arguments behind a
 * pointer) with `ENOSYS`. A socket created is the observable effect.
 */

import { hasFile, kernelTest, PYTHON, unavailable } from "../_kernel.ts";
import { assert, buildProbes, compileYaml, runProbe, X86_64_PROBES_REASON } from "../_probes.ts";
import { runConfined } from "../../backends/linux/run.ts";

const EACCES = 13;
const ENOSYS = 38;
const WEB_CLIENT = new URL("../../examples/policies/web-client.yaml", import.meta.url).pathname;

const CLIENT_WITHOUT_NETWORK = `apiVersion: cordon/v1
kind: Policy
metadata: { name: client-without-network }
spec:
  extends: [builtin:baseline]
  capabilities: { allow: [net.client, net.server] }
`;

/** Everything allowed, and a network section with TCP and UDP endpoints. */
const PERMISSIVE_NETWORK = `apiVersion: cordon/v1
kind: Policy
metadata: { name: permissive-network }
spec:
  defaultAction: allow
  network:
    connect: ["tcp/443", "udp/53"]
    bind: ["tcp/127.0.0.1:8080"]
`;

/** [what, probe arguments, expected errno (0: created), whether root creates it unconfined]. */
type Case = [string, string[], number, boolean];

const CASES: readonly Case[] = [
  ["socket(AF_INET, SOCK_PACKET)", ["2", "10", "768"], EACCES, true],
  ["socket(AF_INET, SOCK_PACKET | SOCK_CLOEXEC)", ["2", "0x8000a", "768"], EACCES, true],
  ["socket(AF_PACKET, SOCK_RAW)", ["17", "3", "768"], EACCES, true],
  ["socket(AF_PACKET, SOCK_DGRAM)", ["17", "2", "768"], EACCES, true],
  ["socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)", ["2", "3", "1"], EACCES, true],
  ["socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)", ["10", "3", "58"], EACCES, true],
  // (root may create ping sockets only where net.ipv4.ping_group_range admits its group)
  ["socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP) (ping socket)", ["2", "2", "1"], EACCES, false],
  ["socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT)", ["16", "3", "9"], EACCES, true],
  ["socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER)", ["16", "3", "12"], EACCES, true],
  ["socket(AF_VSOCK, SOCK_STREAM)", ["40", "1", "0"], EACCES, false],
  ["socket(AF_ALG, SOCK_SEQPACKET)", ["38", "5", "0"], EACCES, false],
  ["high bits: socket(AF_PACKET | 1 << 32, SOCK_RAW)", ["0x100000011", "3", "768"], EACCES, true],
  ["i386 socket(AF_PACKET, SOCK_RAW)", ["--abi", "i386", "17", "3", "768"], EACCES, true],
  ["i386 socket(AF_INET, SOCK_PACKET)", ["--abi", "i386", "2", "10", "768"], EACCES, true],
  [
    "i386 socketcall(SYS_SOCKET, AF_PACKET, SOCK_RAW)",
    ["--abi", "socketcall", "17", "3", "768"],
    ENOSYS,
    true,
  ],
  [
    "i386 socketcall(SYS_SOCKET, AF_INET, SOCK_RAW)",
    ["--abi", "socketcall", "2", "3", "1"],
    ENOSYS,
    true,
  ],
  // what ordinary programs need keeps working
  ["socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC)", ["2", "0x80801", "0"], 0, true],
  ["socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP)", ["10", "1", "6"], 0, true],
  ["socket(AF_UNIX, SOCK_SEQPACKET)", ["1", "5", "0"], 0, true],
  ["socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)", ["16", "0x80003", "0"], 0, true],
  ["i386 socket(AF_INET, SOCK_STREAM)", ["--abi", "i386", "2", "1", "0"], 0, true],
];

kernelTest(
  "bypass: only the socket kinds ordinary programs need",
  X86_64_PROBES_REASON,
  async (t) => {
    await using probes = await buildProbes(["socket_probe"]);
    const probe = probes.path("socket_probe");
    await t.step("unconfined root creates them (the attack is real)", async () => {
      for (const [what, args, , creatable] of CASES) {
        if (!creatable) continue;
        const out = await new Deno.Command(probe, { args, stdout: "piped" }).output();
        const json = JSON.parse(new TextDecoder().decode(out.stdout));
        assert(json.errno === 0, `${what}: unconfined ${JSON.stringify(json)}`);
      }
    });
    const policies: [string, string][] = [
      ["examples/policies/web-client.yaml", await Deno.readTextFile(WEB_CLIENT)],
      ["builtin:baseline + net.client + net.server", CLIENT_WITHOUT_NETWORK],
      ["defaultAction allow + network", PERMISSIVE_NETWORK],
    ];
    for (const [label, text] of policies) {
      const yaml = text.includes("filesystem:")
        ? text
        : `${text.trimEnd()}\n  filesystem:\n    execute: [/usr, /bin, /lib, /lib64, ${
          JSON.stringify(probes.dir)
        }]\n`;
      const set = await compileYaml(probes.dir, yaml);
      await t.step(label, async (t) => {
        for (const [what, args, errno] of CASES) {
          await t.step(what, async () => {
            const run = await runProbe(set, [probe, ...args]);
            assert(run.json !== null, `${what}: no result (code ${run.code}, ${run.signal})`);
            const created = Number(run.json.ret) >= 0;
            if (errno === 0) {
              assert(created, `${what}: must be created, got ${run.stdout}`);
            } else {
              assert(!created && run.json.errno === errno, `${what}: ${run.stdout}, want ${errno}`);
            }
          });
        }
      });
    }
  },
);

kernelTest(
  "bypass: name resolution works with the socket allow-list",
  unavailable(X86_64_PROBES_REASON, !hasFile(PYTHON) && "needs python3"),
  async () => {
    await using probes = await buildProbes([]);
    const set = await compileYaml(probes.dir, await Deno.readTextFile(WEB_CLIENT));
    // AI_ADDRCONFIG: glibc asks NETLINK_ROUTE which families are configured
    const script = "import socket\n" +
      "r = socket.getaddrinfo('localhost', 443, 0, socket.SOCK_STREAM, 0, socket.AI_ADDRCONFIG)\n" +
      "print(len(r) > 0)";
    const result = await runConfined({ set, command: [PYTHON, "-c", script], stdout: "piped" });
    const out = new TextDecoder().decode(result.stdout).trim();
    assert(result.code === 0 && out === "True", `getaddrinfo: code ${result.code}, ${out}`);
  },
);
