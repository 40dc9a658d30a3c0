import { resolvePolicies } from "./resolve.ts";
import { parsePolicies } from "./parse.ts";
import { PolicyErrors } from "./errors.ts";
import { CAPABILITY_GROUPS } from "./capability_groups.ts";
import type { ResolvedPolicy } from "./types.ts";
import { fail } from "node:assert/strict";

function equal(actual: unknown, expected: unknown, what = "value"): void {
  const a = JSON.stringify(actual, (_k, v) => typeof v === "bigint" ? `${v}n` : v);
  const e = JSON.stringify(expected, (_k, v) => typeof v === "bigint" ? `${v}n` : v);
  if (a !== e) fail(`${what}:\n  actual   ${a}\n  expected ${e}`);
}

/** A policy document: `name`, then spec lines (indented by the caller's two spaces). */
function doc(name: string, ...spec: string[]): string {
  return [
    "apiVersion: cordon/v1",
    "kind: Policy",
    `metadata: { name: ${name} }`,
    spec.length === 0 ? "spec: {}" : "spec:",
    ...spec.map((line) => `  ${line}`),
  ].join("\n");
}

function resolve(...docs: string[]): ResolvedPolicy[] {
  return resolvePolicies(parsePolicies(docs.join("\n---\n") + "\n", "set.yaml"));
}

function resolveErrors(...docs: string[]): PolicyErrors {
  try {
    resolve(...docs);
  } catch (e) {
    if (e instanceof PolicyErrors) return e;
    throw e;
  }
  return fail("expected PolicyErrors");
}

Deno.test("resolvePolicies() keeps every policy of the set as its own layer, in order", {
  permissions: "none",
}, () => {
  const layers = resolve(doc("base", "defaultAction: deny"), doc("app", "extends: [base]"));
  equal(layers.map((l) => l.name), ["base", "app"]);
  equal(layers.map((l) => l.loc.line), [3, 9]);
});

Deno.test("resolvePolicies() merges parents' rules first, transitively, without duplicates", {
  permissions: "none",
}, () => {
  const layers = resolve(
    doc("root", "rules: [{ id: r, syscalls: [read], action: allow }]", "defaultAction: allow"),
    doc("left", "extends: [root]", "rules: [{ id: l, syscalls: [write], action: allow }]"),
    doc("right", "extends: [root]", "rules: [{ id: rt, syscalls: [close], action: allow }]"),
    doc(
      "child",
      "extends: [left, right]",
      "rules: [{ id: c, syscalls: [openat], action: deny, priority: 5 }]",
    ),
  );
  const child = layers[3]!;
  equal(child.rules.map((r) => [r.id, r.policy]), [
    ["r", "root"],
    ["l", "left"],
    ["rt", "right"],
    ["c", "child"],
  ]);
  equal(child.rules[0]!.loc.line, 5, "an inherited rule keeps its location");
});

Deno.test("resolvePolicies() expands capability groups into priority-0 rules", {
  permissions: "none",
}, () => {
  const [layer] = resolve(
    doc(
      "p",
      "capabilities:",
      "  allow: [time]",
      "  deny: [proc.debug]",
      "rules: []",
      "defaultAction: allow",
    ),
  );
  const [allow, deny] = layer!.rules;
  equal(allow?.id, "p:cap:allow:time");
  equal([allow?.action, allow?.priority, allow?.origin, allow?.policy], [
    "allow",
    0,
    "capability",
    "p",
  ]);
  equal(
    allow?.syscalls.map((s) => s.kind === "name" ? s.name : s.nr),
    CAPABILITY_GROUPS.time!.syscalls,
  );
  equal(allow?.loc, { file: "set.yaml", line: 6, column: 13 }, "located at the group name");
  equal([deny?.id, deny?.action, deny?.priority], ["p:cap:deny:proc.debug", "deny", 0]);
  equal(deny?.loc, { file: "set.yaml", line: 7, column: 12 });
});

Deno.test("resolvePolicies() lets written defaults override and inherits the nearest", {
  permissions: "none",
}, () => {
  const layers = resolve(
    doc("far", "defaultAction: kill", "defaultErrno: EACCES", "mode: audit"),
    doc("near", "extends: [far]", "defaultAction: trap"),
    doc("other", "defaultAction: log"),
    doc("child", "extends: [other, near]"),
    doc("own", "extends: [near]", "defaultAction: deny", "mode: enforce"),
    doc("plain", "defaultAction: allow"),
  );
  const byName = new Map(layers.map((l) => [l.name, l]));
  const pick = (name: string) => {
    const l = byName.get(name)!;
    return [l.defaultAction, l.defaultErrno, l.mode];
  };
  equal(pick("near"), ["trap", 13, "audit"], "near");
  equal(pick("child"), ["log", 13, "audit"], "child: the nearest, then extends order");
  equal(pick("own"), ["deny", 13, "enforce"], "own values win");
  equal(pick("plain"), ["allow", 1, "enforce"], "the defaults");
});

Deno.test("resolvePolicies() merges filesystem and network, inherits limits, not target", {
  permissions: "none",
}, () => {
  const layers = resolve(
    doc(
      "base",
      "target: { comms: [base] }",
      "filesystem: { read: [/usr, /etc], execute: [/usr/bin], minAbi: 2 }",
      'network: { connect: ["tcp/443"] }',
      "limits: { syscallsPerSecond: { max: 10, action: log } }",
      "defaultAction: allow",
    ),
    doc(
      "app",
      "extends: [base]",
      "filesystem: { read: [/etc, /srv], minAbi: 1 }",
      'network: { connect: ["tcp/443", "udp/53"], bind: ["tcp/8080"] }',
    ),
  );
  const app = layers[1]!;
  equal(app.target, undefined, "target is not inherited");
  equal(
    [app.filesystem?.read, app.filesystem?.write, app.filesystem?.execute, app.filesystem?.minAbi],
    [["/usr", "/etc", "/srv"], [], ["/usr/bin"], 2],
  );
  equal(app.filesystem?.loc.line, 16, "located at the child's own key");
  equal(app.network?.connect.map((e) => e.text), ["tcp/443", "udp/53"]);
  equal(app.network?.bind.map((e) => e.text), ["tcp/8080"]);
  equal(app.limits?.syscallsPerSecond?.max, 10);
  equal(layers[0]!.target, { comms: ["base"] });
});

Deno.test("resolvePolicies() pulls builtin profiles in without making them layers", {
  permissions: "none",
}, () => {
  const layers = resolve(
    doc("app", "extends: [builtin:baseline]", "rules: [{ syscalls: [read], action: allow }]"),
  );
  equal(layers.map((l) => l.name), ["app"]);
  const app = layers[0]!;
  equal(app.defaultAction, "deny", "baseline's default");
  const first = app.rules[0]!;
  equal([first.policy, first.loc.file], ["baseline", "builtin:baseline"]);
  equal(app.rules.at(-1)?.id, "app#0");
  if (!app.rules.some((r) => r.id === "baseline:cap:allow:fs.read")) fail("baseline capabilities");
  if (app.filesystem?.execute.includes("/usr") !== true) fail("baseline filesystem");
});

Deno.test("resolvePolicies() reports cycles at the extends entry that closes them", {
  permissions: "none",
}, () => {
  const e = resolveErrors(
    doc("a", "extends: [b]"),
    doc("b", "extends: [c]"),
    doc("c", "extends: [a]"),
    doc("self", "extends: [self]"),
  );
  equal(e.errors.map((x) => x.message), [
    'set.yaml:17:13: extends cycle: "a" -> "b" -> "c" -> "a"',
    'set.yaml:23:13: extends cycle: "self" -> "self"',
  ]);
  equal(e.errors.map((x) => x.code), ["extends-cycle", "extends-cycle"]);
});

Deno.test("resolvePolicies() reports unknown parents, all of them", {
  permissions: "none",
}, () => {
  const e = resolveErrors(doc("a", "extends: [nope, builtin:nope]"));
  equal(e.errors.map((x) => [x.code, x.line, x.column]), [
    ["extends-unknown", 5, 13],
    ["extends-unknown", 5, 19],
  ]);
  if (!e.errors[1]!.message.includes('"builtin:baseline"')) fail("lists the known builtins");
});

Deno.test("resolvePolicies() rejects duplicate names in a set built by hand", {
  permissions: "none",
}, () => {
  const [p] = parsePolicies(doc("a", "defaultAction: allow") + "\n", "a.yaml").policies;
  try {
    resolvePolicies({ policies: [p!, p!] });
    fail("must throw");
  } catch (e) {
    if (!(e instanceof PolicyErrors) || e.errors[0]?.code !== "duplicate-name") throw e;
  }
});

Deno.test(
  "resolvePolicies() unions capabilities, devices and Unix sockets; user, group, signals and memory own else inherited",
  {
    permissions: "none",
  },
  () => {
    const layers = resolve(
      doc(
        "far",
        "defaultAction: deny",
        "privileges: { capabilities: [chown, net_raw], devices: [/dev/fuse], user: 1000, signals: any }",
        "memory: { writeExecute: allow }",
        'network: { unix: ["/run/a.sock", "@bus"] }',
      ),
      doc(
        "near",
        "extends: [far]",
        'privileges: { capabilities: [CAP_NET_BIND_SERVICE, CAP_CHOWN], devices: ["c 10:229"], group: 50 }',
        'network: { connect: ["tcp/443"], unix: ["/run//a.sock", "/run/dir/"] }',
      ),
      doc("other", "defaultAction: deny", "privileges: { user: 2000, signals: sandbox }"),
      doc("child", "extends: [near, other]", "memory: { writeExecute: deny }"),
      doc("own", "extends: [near]", "privileges: { user: 0, group: 0, signals: sandbox }"),
      doc("bare", "extends: [other]"),
      doc("none", "defaultAction: deny", 'network: { connect: ["tcp/443"] }'),
    );
    const byName = new Map(layers.map((l) => [l.name, l]));
    const get = (name: string) => byName.get(name)!;
    const names = (list: readonly { name: string }[] | undefined) => list?.map((n) => n.name);

    const near = get("near");
    equal(names(near.privileges?.capabilities), [
      "CAP_CHOWN",
      "CAP_NET_RAW",
      "CAP_NET_BIND_SERVICE",
    ]);
    equal(names(near.privileges?.devices), ["/dev/fuse", "c 10:229"]);
    equal(
      [near.privileges?.user?.uid, near.privileges?.group?.gid, near.privileges?.signals],
      [1000, 50, "any"],
      "near: inherited user and signals, own group",
    );
    equal(near.privileges?.loc.line, 15, "located at the child's own key");
    equal(near.memory?.writeExecute, "allow", "memory inherited");
    equal(near.network?.unix?.map((u) => [u.kind, u.name]), [
      ["path", "/run/a.sock"],
      ["abstract", "bus"],
      ["path", "/run/dir/"],
    ], "sockets united by normalised name");
    equal(near.network?.unix?.[0]?.loc.line, 8, "the first writer's location");

    const child = get("child");
    equal(
      [child.privileges?.user?.uid, child.privileges?.group?.gid, child.privileges?.signals],
      [2000, 50, "sandbox"],
      "child: the nearest ancestor's user (other, 1 step) beats far's (2 steps)",
    );
    equal(names(child.privileges?.capabilities), [
      "CAP_CHOWN",
      "CAP_NET_RAW",
      "CAP_NET_BIND_SERVICE",
    ]);
    equal(child.privileges?.loc.line, 15, "no own key: the first ancestor's");
    equal(child.memory?.writeExecute, "deny", "own memory wins");

    const own = get("own");
    equal(
      [own.privileges?.user?.uid, own.privileges?.group?.gid, own.privileges?.signals],
      [0, 0, "sandbox"],
      "own values win, uid 0 included",
    );
    equal(names(own.privileges?.devices), ["/dev/fuse", "c 10:229"], "devices still united");

    const bare = get("bare");
    equal([bare.privileges?.user?.uid, bare.privileges?.signals], [2000, "sandbox"]);
    equal(names(bare.privileges?.capabilities), [], "no capabilities");
    equal(bare.memory, undefined);

    const none = get("none");
    equal([none.privileges, none.memory, none.network?.unix], [undefined, undefined, undefined]);
    equal(get("far").privileges?.signals, "any");
  },
);

Deno.test("resolvePolicies() carries the new sections into compilePolicies() layers", {
  permissions: "none",
}, async () => {
  const { compilePolicies } = await import("../compile/compile.ts");
  const layers = resolve(
    doc(
      "app",
      "defaultAction: allow",
      "privileges: { capabilities: [net_bind_service], devices: [/dev/fuse], user: 1000, group: 1000 }",
      "memory: { writeExecute: deny }",
      'network: { unix: ["@x", "/run/y.sock"] }',
    ),
  );
  const [layer] = compilePolicies(layers, { arches: ["x86_64"] }).layers;
  equal(layer?.privileges, layers[0]!.privileges, "privileges");
  equal(layer?.memory, { writeExecute: "deny", loc: { file: "set.yaml", line: 7, column: 3 } });
  equal(layer?.network?.unix?.map((u) => u.text), ["@x", "/run/y.sock"]);
  equal(layer?.privileges?.capabilities.map((c) => c.name), ["CAP_NET_BIND_SERVICE"]);
});
