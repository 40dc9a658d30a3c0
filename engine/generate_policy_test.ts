import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { generatePolicy, observeTraceText, TraceObserver } from "./generate_policy.ts";
import { loadPolicies } from "../compile/load_policies.ts";
import { parsePolicies } from "../policies/parse.ts";

const ev = (o: Record<string, unknown>) => JSON.stringify({ v: 1, time: 0, pid: 9, ...o });
const call = (name: string, nr: number, args: string[] = []) =>
  ev({ kind: "syscall", arch: "x86_64", nr, name, args });

const TRACE = [
  ev({ kind: "process", op: "exec", executable: "/usr/bin/app" }),
  call("getpid", 39),
  call("socket", 41, ["0x2", "0x1", "0x0"]),
  call("socket", 41, ["0xa", "0x1", "0x0"]),
  call("ioctl", 16, ["0x1", "0x5401"]),
  ev({ kind: "file", op: "open", path: "/usr/lib/x/libc.so", flags: 0, result: 3 }),
  ev({ kind: "file", op: "open", path: "/srv/app/conf/a.ini", flags: 0, result: 3 }),
  ev({ kind: "file", op: "open", path: "/srv/app/out/log.txt", flags: 577, result: 4 }),
  ev({ kind: "file", op: "open", path: "/nope", flags: 0, result: -2 }),
  ev({
    kind: "network",
    op: "connect",
    family: "inet",
    protocol: "tcp",
    address: "127.0.0.1",
    port: 5432,
    result: 0,
  }),
].join("\n") + "\n";

function learn(trace: string, base = false) {
  const observer = new TraceObserver();
  observeTraceText(observer, { name: "t.jsonl", sha256: "ab12" }, trace);
  return loadPolicies(["builtin:baseline"]).then(({ resolved }) =>
    generatePolicy(observer, {
      name: "app",
      date: new Date("2026-01-02T03:04:05Z"),
      ...(base ? { base: { ref: "builtin:baseline", policy: resolved[0]! } } : {}),
    })
  );
}

Deno.test("generatePolicy: standalone policy with conditions, paths, endpoints, provenance", async () => {
  const g = await learn(TRACE);
  const policy = parsePolicies(g.yaml, "g.yaml").policies[0]!;
  assertEquals(policy.defaultAction, "deny");
  const socketRules = policy.rules.filter((r) =>
    r.syscalls.some((s) => s.kind === "name" && s.name === "socket")
  );
  assertEquals(socketRules.map((r) => r.args[0]!.value), [2n, 10n]);
  const ioctl = policy.rules.find((r) =>
    r.syscalls.some((s) => s.kind === "name" && s.name === "ioctl")
  )!;
  assertEquals([ioctl.args[0]!.op, ioctl.args[0]!.value], ["masked_eq", 0x5401n]);
  assertEquals(policy.filesystem!.read, ["/srv/app/conf", "/usr"]);
  assertEquals(policy.filesystem!.write, ["/srv/app/out"]);
  assertEquals(policy.filesystem!.execute, ["/usr"]);
  assertEquals(policy.network!.connect.map((e) => e.text), ["tcp/127.0.0.1:5432"]);
  assert(g.yaml.includes("sha256:ab12") && g.yaml.includes("2026-01-02T03:04:05.000Z"));
  assert(/getpid # seen 1× \(app 1\)/.test(g.yaml), g.yaml);
  assert(!g.yaml.includes("/nope"), "a failed open grants nothing");
});

Deno.test("generatePolicy: deterministic, and with a base only what the base lacks", async () => {
  assertEquals((await learn(TRACE)).yaml, (await learn(TRACE)).yaml);
  const g = await learn(TRACE, true);
  assert(g.yaml.includes("extends: [builtin:baseline]"));
  assert(!/^\s+- getpid/m.test(g.yaml), "the base allows getpid");
  // The base allows AF_UNIX only: both observed families are added, as conditions.
  assertEquals((g.yaml.match(/syscalls: \[socket\]/g) ?? []).length, 2);
  assert(g.fromBase > 0);
});

Deno.test("generatePolicy: never grants /, and many values lose their condition", async () => {
  const lines = [ev({ kind: "file", op: "open", path: "/", flags: 0o200000, result: 3 })];
  for (let i = 0; i < 12; i++) {
    lines.push(call("ioctl", 16, ["0x1", `0x${(0x5400 + i).toString(16)}`]));
  }
  for (
    const [name, nr] of [["rt_sigaction", 13], ["rt_sigprocmask", 14], [
      "rt_sigreturn",
      15,
    ]] as const
  ) {
    lines.push(call(name, nr));
  }
  const g = await learn(lines.join("\n"));
  assertEquals(g.refusedPaths, ["read /"]);
  const policy = parsePolicies(g.yaml, "g.yaml").policies[0]!;
  assertEquals(policy.filesystem, undefined);
  const ioctl = policy.rules.find((r) =>
    r.syscalls.some((s) => s.kind === "name" && s.name === "ioctl")
  );
  assertEquals(ioctl?.args.length ?? 0, 0);
});

Deno.test("observeTraceText: reads strace text and the recording trailer", () => {
  const observer = new TraceObserver();
  const r = observeTraceText(
    observer,
    { name: "t", sha256: "00" },
    '5 openat(AT_FDCWD, "/srv/d/f", O_RDONLY) = 3</srv/d/f>\n5 read(3, "", 10) = 0\n',
  );
  assertEquals(r.format, "strace");
  assert(observer.paths.read.has("/srv/d/f"));
  const o2 = new TraceObserver();
  const r2 = observeTraceText(
    o2,
    { name: "t", sha256: "00" },
    call("getpid", 39) + '\n# cordon record: {"command":["x"],"lost":3,"running":1}\n',
  );
  assertEquals([r2.lost, o2.commands], [3, [["x"]]]);
});

Deno.test("TraceObserver: a process seen before its fork or exec is reported as attached late", () => {
  const observer = new TraceObserver();
  observeTraceText(
    observer,
    { name: "t", sha256: "00" },
    [
      ev({ kind: "process", op: "exec", executable: "/usr/bin/sh" }),
      call("getpid", 39),
      ev({ kind: "syscall", pid: 12, arch: "x86_64", nr: 39, name: "getpid", args: [] }),
    ].join("\n"),
  );
  const late = [...observer.unseen].filter(([what]) => what.includes("attached late"));
  assertEquals(late.map(([, n]) => n), [1]);
});

Deno.test("generatePolicy: a removed temporary directory is granted as its existing parent", () => {
  const observer = new TraceObserver();
  observeTraceText(
    observer,
    { name: "t", sha256: "00" },
    [
      ev({ kind: "file", op: "mkdir", path: "/srv/w/tmp123", result: 0 }),
      ev({ kind: "file", op: "open", path: "/srv/w/tmp123/f", flags: 577, result: 3 }),
      ev({ kind: "file", op: "open", path: "/srv/w/tmp123/f", flags: 0, result: 3 }),
      ev({ kind: "file", op: "open", path: "/tmp/out.txt", flags: 577, result: 3 }),
    ].join("\n"),
  );
  const existing = new Set(["/srv", "/srv/w", "/tmp"]);
  const g = generatePolicy(observer, {
    name: "t",
    date: new Date(0),
    exists: (p) => existing.has(p),
  });
  assertEquals(g.filesystem.write, ["/srv/w", "/tmp"]);
  assertEquals(g.filesystem.read, ["/srv/w"]);
});
