import {
  emitNetMaps,
  layerGuard,
  layerGuardMaps,
  layerNetMaps,
  netRuleTuples,
  networkDecision,
  pathDecision,
} from "./net_rules.ts";
import { compilePolicies } from "./compile.ts";
import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import type { FilterSet } from "./filter_set.ts";
import { fail } from "node:assert/strict";

function compile(spec: string, mode = "enforce"): FilterSet {
  const text = `apiVersion: cordon/v1
kind: Policy
metadata: { name: p }
spec:
  mode: ${mode}
  defaultAction: allow
${spec.replace(/^/gm, "  ")}
`;
  return compilePolicies(resolvePolicies(parsePolicies(text, "p.yaml")), { arches: ["x86_64"] });
}

const NET = `network:
  connect: ["127.0.0.1:5432", "tcp/443", "udp/[fd00::/8]:53", "10.0.0.0/8", "[::ffff:192.168.0.0/112]:80"]
  bind: ["tcp/8080-8081"]
`;

Deno.test(
  "netRuleTuples() encodes tuples as struct cordon_net_rule",
  { permissions: "none" },
  () => {
    const set = compile(NET);
    const tuples = netRuleTuples(set.layers[0]!.network!);
    const got = tuples.map((t) =>
      `${t.list} ${t.family} ${t.addr}/${t.prefixLen} ${t.protocolNumber} ${t.portLo}-${t.portHi} ops=${t.ops} ${
        t.hooks.join(",")
      }`
    );
    const want = [
      "connect ipv4 00000000000000000000ffff7f000001/128 0 5432-5432 ops=1 connect4,connect6,sendmsg4,sendmsg6",
      "connect any 00000000000000000000000000000000/0 6 443-443 ops=1 connect4,connect6,sendmsg4,sendmsg6",
      "connect ipv6 fd000000000000000000000000000000/8 17 53-53 ops=1 connect6,sendmsg6",
      "connect ipv4 00000000000000000000ffff0a000000/104 0 0-65535 ops=1 connect4,connect6,sendmsg4,sendmsg6",
      "connect ipv4 00000000000000000000ffffc0a80000/112 0 80-80 ops=1 connect4,connect6,sendmsg4,sendmsg6",
      "bind any 00000000000000000000000000000000/0 6 8080-8081 ops=2 bind4,bind6",
    ];
    if (got.join("\n") !== want.join("\n")) fail(got.join("\n"));
    // struct cordon_net_rule: addr[16], port_lo, port_hi (LE), prefix_len, protocol, ops, pad.
    const first = tuples[0]!.bytes;
    if (
      first !== "00000000000000000000ffff7f000001" + "3815" + "3815" + "80" + "00" + "01" + "00"
    ) {
      fail(first);
    }
  },
);

Deno.test("layerNetMaps() restricts both operations and flags audit mode", {
  permissions: "none",
}, () => {
  const [enforce] = layerNetMaps(compile(NET));
  if (enforce!.flagNames.join() !== "enforceConnect,enforceBind") fail(enforce!.flagNames.join());
  const [audit] = layerNetMaps(compile(NET, "audit"));
  if (audit!.flags !== 0x07) fail(`audit flags ${audit!.flags}`);
  if (layerNetMaps(compile("rules: []\n")).length !== 0) fail("no section, no maps");
});

Deno.test("emitNetMaps() is deterministic", { permissions: "none" }, () => {
  const a = emitNetMaps(compile(NET));
  if (a !== emitNetMaps(compile(NET))) fail("differs between runs");
  const parsed = JSON.parse(a);
  if (parsed.format !== "cordon-net-maps" || parsed.layers[0].tuples.length !== 6) fail(a);
});

Deno.test("layerNetMaps() refuses more tuples than a bank holds", { permissions: "none" }, () => {
  const ports = Array.from({ length: 129 }, (_, i) => `"tcp/${1000 + i}"`).join(", ");
  let threw = false;
  try {
    layerNetMaps(compile(`network:\n  connect: [${ports}]\n`));
  } catch (e) {
    threw = e instanceof RangeError && e.message.includes("129");
  }
  if (!threw) fail("129 rules accepted");
});

Deno.test(
  "networkDecision() matches like the cgroup programs",
  { permissions: "none" },
  async (t) => {
    const network = compile(NET).layers[0]!.network!;
    const cases: [string, Parameters<typeof networkDecision>[1], boolean][] = [
      ["allowed v4 address and port", {
        op: "connect",
        protocol: "tcp",
        address: "127.0.0.1",
        port: 5432,
      }, true],
      ["v4 as IPv4-mapped v6", {
        op: "connect",
        protocol: "tcp",
        address: "::ffff:127.0.0.1",
        port: 5432,
      }, true],
      ["other port", { op: "connect", protocol: "tcp", address: "127.0.0.1", port: 5433 }, false],
      [
        "other address",
        { op: "connect", protocol: "tcp", address: "127.0.0.2", port: 5432 },
        false,
      ],
      [
        "tcp/443 anywhere v6",
        { op: "connect", protocol: "tcp", address: "2001:db8::1", port: 443 },
        true,
      ],
      [
        "udp to tcp-only port",
        { op: "sendmsg", protocol: "udp", address: "1.1.1.1", port: 443 },
        false,
      ],
      [
        "udp sendmsg in v6 prefix",
        { op: "sendmsg", protocol: "udp", address: "fd12::1", port: 53 },
        true,
      ],
      [
        "tcp to udp-only rule",
        { op: "connect", protocol: "tcp", address: "fd12::1", port: 53 },
        false,
      ],
      [
        "v4 prefix any port",
        { op: "connect", protocol: "udp", address: "10.200.0.1", port: 9 },
        true,
      ],
      [
        "outside v4 prefix",
        { op: "connect", protocol: "tcp", address: "11.0.0.1", port: 9 },
        false,
      ],
      ["mapped v6 rule, v4 call", {
        op: "connect",
        protocol: "tcp",
        address: "192.168.3.4",
        port: 80,
      }, true],
      ["bind allowed range", { op: "bind", protocol: "tcp", address: "0.0.0.0", port: 8081 }, true],
      [
        "bind ephemeral port 0",
        { op: "bind", protocol: "tcp", address: "0.0.0.0", port: 0 },
        false,
      ],
      ["connect list does not allow bind", {
        op: "bind",
        protocol: "tcp",
        address: "127.0.0.1",
        port: 5432,
      }, false],
    ];
    for (const [name, query, allowed] of cases) {
      await t.step(name, () => {
        const decision = networkDecision(network, query);
        if (decision.allowed !== allowed) fail(`${name}: ${decision.reason}`);
        if (allowed && !decision.endpoint) fail("no endpoint named");
      });
    }
    if (
      !networkDecision(undefined, { op: "bind", protocol: "udp", address: "::", port: 1 }).allowed
    ) {
      fail("no section must allow");
    }
  },
);

Deno.test("pathDecision() applies path-beneath rules on normalised paths", {
  permissions: "none",
}, async (t) => {
  const fs = compile(`filesystem:
  read: [/usr, /etc/ssl/]
  write: [/tmp/app]
  execute: [/usr/bin/python3]
`).layers[0]!.filesystem!;
  const cases: [string, "read" | "write" | "execute", boolean][] = [
    ["/usr/lib/libc.so.6", "read", true],
    ["/etc/ssl/certs/ca.pem", "read", true],
    ["/etc/sslx", "read", false],
    ["/etc/passwd", "read", false],
    ["/tmp/app/out.txt", "write", true],
    ["/tmp/app/../other", "write", false],
    ["/tmp/app/out.txt", "read", false],
    ["/usr/bin/python3", "execute", true],
    ["/usr/bin/perl", "execute", false],
    ["/usr/lib/x", "write", false],
  ];
  for (const [path, access, allowed] of cases) {
    await t.step(`${access} ${path}`, () => {
      const d = pathDecision(fs, path, access);
      if (d.allowed !== allowed) fail(d.reason);
    });
  }
  if (!pathDecision(undefined, "/x", "write").allowed) fail("no section must allow");
});

Deno.test(
  "pathDecision() leaves an access unrestricted when its class lists no paths, and lists directories only under read",
  {
    permissions: "none",
  },
  () => {
    const fs = compile(`filesystem:
  read: [/etc]
  execute: [/usr/bin]
`).layers[0]!.filesystem!;
    // No write paths: Landlock does not handle the write rights.
    if (!pathDecision(fs, "/var/log/x", "write").allowed) fail("write is not restricted");
    if (pathDecision(fs, "/var/log/x", "read").allowed) fail("read is restricted");
    if (!pathDecision(fs, "/usr/bin/env", "read").allowed) fail("execute grants READ_FILE");
    if (pathDecision(fs, "/usr/bin", "list").allowed) fail("execute does not grant READ_DIR");
    if (!pathDecision(fs, "/etc/ssl", "list").allowed) fail("read grants READ_DIR");
    const execOnly = compile(`filesystem:
  execute: [/usr]
`).layers[0]!.filesystem!;
    if (!pathDecision(execOnly, "/home/u/notes", "read").allowed) fail("read is not restricted");
    if (pathDecision(execOnly, "/home/u/tool", "execute").allowed) fail("execute is restricted");
  },
);

Deno.test("layerGuard() gives every layer the safe devices and no Unix sockets but its own", {
  permissions: "none",
}, () => {
  const [guard] = layerGuardMaps(compile("filesystem:\n  write: [/tmp/app]\n"));
  if (guard!.flagNames.join() !== "unix,devices") fail(guard!.flagNames.join());
  const devices = guard!.devices.map((d) => d.text).join(",");
  if (devices !== "c 1:3,c 1:5,c 1:7,c 1:8,c 1:9,c 5:0,c 5:2,c 136:*") fail(devices);
  if (guard!.devices.some((d) => d.kind === "number" && d.type === "block")) fail("block device");
  const unix = guard!.unix.map((u) => `${u.kind}:${u.name}:${u.source}`).join();
  if (unix !== "beneath:/tmp/app/:filesystem.write") fail(unix);
  // struct cordon_unix_rule: kind 2 (beneath), len 9, then the bytes.
  if (!guard!.unix[0]!.bytes.startsWith("020009002f746d702f6170702f")) fail(guard!.unix[0]!.bytes);
  if (guard!.sockKinds.length !== 0) fail("no network section, no socket kinds");
});

Deno.test("layerGuard() derives socket kinds, IP options and autobind from the network section", {
  permissions: "none",
}, () => {
  const cases: [string, string, string][] = [
    ['connect: ["tcp/443"]', "tcp", "sockKinds,noIpOptions,denyAutobind4,denyAutobind6"],
    ['connect: ["udp/53"]', "udp", "sockKinds,noIpOptions,denyAutobind4,denyAutobind6"],
    ['connect: ["127.0.0.1:5432"]', "tcp,udp", "sockKinds,noIpOptions,denyAutobind4,denyAutobind6"],
    ['bind: ["tcp/0.0.0.0/0"]', "tcp", "sockKinds,noIpOptions,denyAutobind6"],
    ["connect: []", "", "sockKinds,noIpOptions,denyAutobind4,denyAutobind6"],
  ];
  for (const [network, kinds, flags] of cases) {
    const [guard] = layerGuardMaps(compile(`network:\n  ${network}\n`));
    if (guard!.sockKinds.join() !== kinds) fail(`${network}: kinds ${guard!.sockKinds}`);
    const got = guard!.flagNames.filter((f) => f !== "unix" && f !== "devices").join();
    if (got !== flags) fail(`${network}: flags ${got}`);
  }
  const [audit] = layerGuardMaps(compile('network:\n  connect: ["tcp/443"]\n', "audit"));
  if (!audit!.flagNames.includes("audit")) fail("audit mode not flagged");
});

Deno.test(
  "layerGuard() encodes privileges.devices and network.unix",
  { permissions: "none" },
  () => {
    const guard = layerGuard(
      compile(`privileges:
  devices: ["b 8:*", "c 10:229", /dev/fuse]
network:
  connect: []
  unix: [/run/app.sock, "@bus", /run/sockets/]
`).layers[0]!,
    );
    const devices = guard.devices.filter((d) => d.source === "policy");
    const texts = devices.map((d) => d.text).join();
    if (texts !== "b 8:*,c 10:229,/dev/fuse") fail(texts);
    const block = devices[0]!;
    // struct cordon_device_rule: major 8, minor any, type block (1), access mknod|read|write.
    if (block.kind !== "number" || block.bytes !== "08000000ffffffff0100070000000000") fail(texts);
    const unix = guard.unix.map((u) => `${u.kind}:${u.name}`).join();
    if (unix !== "path:/run/app.sock,abstract:bus,beneath:/run/sockets/") fail(unix);
  },
);

Deno.test("emitNetMaps() shows the guard of every layer", { permissions: "none" }, () => {
  const json = JSON.parse(emitNetMaps(compile(NET)));
  if (json.guard.length !== 1 || json.guard[0].sockKinds.join() !== "tcp,udp") fail(json.guard);
});
