import assert from "node:assert/strict";
import { type AccessState, type StraceAccess, straceCallAccess } from "./strace_access.ts";
import { StraceParser } from "./strace_parser.ts";
import type { TraceCall, TraceItem } from "./trace_item.ts";

/** The accesses of strace `lines` of one process, in order, from a fresh state. */
function accesses(
  lines: readonly string[],
  state: AccessState = { cwd: undefined, sockets: new Map() },
  want?: { paths: boolean; network: boolean },
): (StraceAccess | undefined)[] {
  const items: TraceItem[] = [];
  const parser = new StraceParser();
  lines.forEach((line, i) => parser.push(line, i + 1, items));
  const calls = items.filter((item): item is TraceCall => item.kind === "call");
  assert.equal(calls.length, lines.length, `every line is a call: ${JSON.stringify(items)}`);
  return calls.map((call) => straceCallAccess(call, state, want));
}

Deno.test("straceCallAccess: a relative path is placed by chdir, by -y, or left undecided", () => {
  const [unplaced] = accesses(['7 openat(AT_FDCWD, "x", O_RDONLY) = 3']);
  assert.equal(unplaced?.kind, "undecided");
  const [, placed] = accesses([
    '7 chdir("/srv/app") = 0',
    '7 openat(AT_FDCWD, "../data/x", O_RDONLY) = 3',
  ]);
  assert.deepEqual(placed?.kind === "paths" && [placed.path, placed.checks[0]!.access], [
    "/srv/data/x",
    "read",
  ]);
  const [decorated] = accesses(['7 openat(AT_FDCWD</home/u>, "notes", O_WRONLY|O_APPEND) = 3']);
  assert.deepEqual(decorated?.kind === "paths" && [decorated.path, decorated.checks[0]!.access], [
    "/home/u/notes",
    "write",
  ]);
  // A directory fd without -y cannot be placed; with it, it can.
  assert.equal(accesses(['7 openat(5, "y", O_RDONLY) = 3'])[0]?.kind, "undecided");
  const [byFd] = accesses(['7 openat(5</etc>, "hosts", O_RDONLY) = 3']);
  assert.equal(byFd?.kind === "paths" && byFd.path, "/etc/hosts");
});

Deno.test("straceCallAccess: a failed file call touches nothing; creations check the parent", () => {
  const [failed] = accesses([
    '7 openat(AT_FDCWD, "/nope/x", O_RDONLY) = -1 ENOENT (No such file or directory)',
  ]);
  assert.equal(failed, undefined);
  const [made] = accesses(['7 mkdir("/tmp/new", 0755) = 0']);
  assert.ok(made?.kind === "paths", JSON.stringify(made));
  assert.ok(
    made.checks.some((c) => c.path === "/tmp" && c.access === "write"),
    `the parent's entries change: ${JSON.stringify(made.checks)}`,
  );
  const [moved] = accesses(['7 rename("/a/x", "/b/y") = 0']);
  assert.ok(moved?.kind === "paths", JSON.stringify(moved));
  const paths = moved.checks.map((c) => c.path);
  assert.ok(paths.includes("/a") && paths.includes("/b"), `both directories: ${paths}`);
});

Deno.test("straceCallAccess: a connect's protocol is its socket's, followed through dup and close", () => {
  const lines = [
    "7 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3",
    '7 connect(3, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("93.184.216.34")}, 16) = 0',
    "7 dup(3) = 4",
    '7 connect(4, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("10.0.0.1")}, 16) = -1 ECONNREFUSED (Connection refused)',
    "7 close(3) = 0",
    '7 connect(3, {sa_family=AF_INET, sin_port=htons(22), sin_addr=inet_addr("10.0.0.2")}, 16) = 0',
  ];
  const got = accesses(lines);
  assert.deepEqual(got[1], {
    kind: "network",
    check: { op: "connect", protocol: "tcp", address: "93.184.216.34", port: 443 },
  });
  // A network call counts whatever its result: the hook runs before the operation.
  assert.deepEqual(
    got[3]?.kind === "network" && [got[3].check.protocol, got[3].check.port],
    ["tcp", 80],
  );
  // fd 3 was closed and its socket() is not in the trace: the protocol is unknown.
  assert.equal(got[5]?.kind, "undecided", JSON.stringify(got[5]));
});

Deno.test("straceCallAccess: UDP sends name their destination; what is not wanted is not decoded", () => {
  const lines = [
    "7 socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP) = 5",
    '7 sendto(5, "q", 1, 0, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28) = 1',
    '7 openat(AT_FDCWD, "/etc/resolv.conf", O_RDONLY) = 6',
  ];
  const both = accesses(lines);
  assert.ok(both[1]?.kind === "network", JSON.stringify(both[1]));
  assert.equal(both[1].check.protocol, "udp");
  assert.equal(both[1].check.address, "2001:db8::1");
  assert.equal(both[1].check.port, 53);
  const pathsOnly = accesses(lines, undefined, { paths: true, network: false });
  assert.equal(pathsOnly[1], undefined);
  assert.equal(pathsOnly[2]?.kind, "paths");
  const networkOnly = accesses(lines, undefined, { paths: false, network: true });
  assert.equal(networkOnly[2], undefined);
});

Deno.test("straceCallAccess: calls it does not read give nothing", () => {
  assert.deepEqual(accesses(['7 read(3, "abc", 3) = 3', "7 getpid() = 7"]), [
    undefined,
    undefined,
  ]);
});
