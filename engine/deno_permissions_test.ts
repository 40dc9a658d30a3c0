import { deepStrictEqual as assertEq } from "node:assert/strict";
import { decideDenoPermission } from "./deno_permissions.ts";
import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import { PolicyErrors } from "../policies/errors.ts";

const YAML = `apiVersion: cordon/v1
kind: Policy
metadata: { name: app }
spec:
  defaultAction: allow
  filesystem:
    read: [/srv/data]
    write: [/srv/out]
  network:
    connect: [10.0.0.0/8, tcp/443]
  deno:
    rules:
      - id: deny-secret
        permission: read
        values: [/srv/data/secret]
        action: deny
        priority: 5
      - id: allow-secret-low
        permission: read
        values: [/srv/data/secret]
        action: allow
      - { id: tie-allow, permission: env, values: [X], action: allow }
      - { id: tie-log, permission: env, values: [X], action: log }
      - { id: deno-env, permission: env, values: ["DENO_*"], action: allow }
      - { id: run-all, permission: run, action: allow }
      - { id: ffi-libc, permission: ffi, values: [libc.so.6, /usr/lib], action: allow }
      - { id: host, permission: net, values: ["example.org", "*:8443"], action: allow }
      - { id: etc-read, permission: read, values: [/etc], action: log, priority: 1 }
`;

function layers(text = YAML) {
  return resolvePolicies(parsePolicies(text, "app.yaml"));
}

Deno.test("deno rules: priority, then the stricter action, each citing its line", () => {
  const l = layers();
  const secret = decideDenoPermission(l, { permission: "read", value: "/srv/data/secret" });
  assertEq([secret.result, secret.ruleId], ["deny", "deny-secret"], "priority 5 deny");
  if (!secret.reason.endsWith("app.yaml:13:9")) throw new Error(secret.reason);
  const tie = decideDenoPermission(l, { permission: "env", value: "X" });
  assertEq([tie.result, tie.action, tie.ruleId], ["allow", "log", "tie-log"], "equal priority");
  const glob = decideDenoPermission(l, { permission: "env", value: "DENO_DIR" });
  assertEq(glob.ruleId, "deno-env", "prefix*");
  const beneath = decideDenoPermission(l, { permission: "read", value: "/etc/x/../hosts" });
  assertEq([beneath.action, beneath.ruleId], ["log", "etc-read"], "path beneath, normalised");
  const prefix = decideDenoPermission(l, { permission: "read", value: "/etcx" });
  assertEq(prefix.result, "deny", "/etcx is not beneath /etc");
});

Deno.test("deno: silent rules follow filesystem and network, then the default", () => {
  const l = layers();
  const read = decideDenoPermission(l, { permission: "read", value: "/srv/data/a.csv" });
  assertEq([read.result, read.source], ["allow", "filesystem"], "filesystem.read grants");
  if (!read.reason.endsWith("app.yaml:6:3")) throw new Error(read.reason);
  const write = decideDenoPermission(l, { permission: "write", value: "/srv/data/a.csv" });
  assertEq([write.result, write.source], ["deny", "filesystem"], "not a write path");
  const out = decideDenoPermission(l, { permission: "write", value: "/srv/out/r" });
  assertEq(out.result, "allow", "filesystem.write grants");
  const ip = decideDenoPermission(l, { permission: "net", value: "10.1.2.3:80" });
  assertEq([ip.result, ip.source], ["allow", "network"], "CIDR endpoint");
  if (!ip.reason.endsWith("app.yaml:10:15")) throw new Error(ip.reason);
  const other = decideDenoPermission(l, { permission: "net", value: "192.168.1.1:80" });
  assertEq(other.result, "deny", "address outside the endpoints");
  const name443 = decideDenoPermission(l, { permission: "net", value: "deno.land:443" });
  assertEq(name443.result, "allow", "a port-only endpoint allows a host name");
  const name80 = decideDenoPermission(l, { permission: "net", value: "deno.land:80" });
  assertEq(name80.result, "deny", "a host name on a port no endpoint allows");
  const named = decideDenoPermission(l, { permission: "net", value: "EXAMPLE.org:80" });
  assertEq(named.ruleId, "host", "host rule, any port, case-insensitive");
  const port = decideDenoPermission(l, { permission: "net", value: "x.test:8443" });
  assertEq(port.ruleId, "host", "*:port");
  const env = decideDenoPermission(l, { permission: "env", value: null });
  assertEq([env.result, env.source], ["deny", "deno.default"], "env (all) by the default");
  const run = decideDenoPermission(l, { permission: "run", value: null });
  assertEq(run.ruleId, "run-all", "a rule without values matches null");
  const ffi = decideDenoPermission(l, { permission: "ffi", value: null });
  assertEq(ffi.result, "deny", "a rule with values does not match null");
});

Deno.test("deno: unknown kinds, no policies and no deno section fail closed", () => {
  const l = layers();
  const odd = decideDenoPermission(l, { permission: "hrtime", value: null });
  assertEq([odd.result, odd.source], ["deny", "unknown-permission"], "unknown kind");
  assertEq(decideDenoPermission([], { permission: "read", value: "/" }).result, "deny", "none");
  const bare = layers(`apiVersion: cordon/v1
kind: Policy
metadata: { name: bare }
spec: { defaultAction: allow }
`);
  const d = decideDenoPermission(bare, { permission: "env", value: "HOME" });
  assertEq([d.result, d.source], ["deny", "no-deno-section"], "no deno section");
});

Deno.test("deno: across layers the strictest answer wins; extends merges rules", () => {
  const two = layers(`apiVersion: cordon/v1
kind: Policy
metadata: { name: base }
spec:
  defaultAction: allow
  deno:
    default: allow
    rules: [{ id: base-env, permission: env, values: [SECRET], action: deny }]
---
apiVersion: cordon/v1
kind: Policy
metadata: { name: child }
spec:
  extends: [base]
  deno:
    rules: [{ id: child-env, permission: env, values: [HOME], action: allow }]
---
apiVersion: cordon/v1
kind: Policy
metadata: { name: strict }
spec:
  defaultAction: allow
  deno: { rules: [{ id: strict-home, permission: env, values: [HOME], action: deny }] }
`);
  const child = two.find((l) => l.name === "child")!;
  assertEq(child.deno?.rules.map((r) => r.id), ["base-env", "child-env"], "parents first");
  assertEq(child.deno?.default, "allow", "inherited default");
  const home = decideDenoPermission(two, { permission: "env", value: "HOME" });
  assertEq([home.result, home.policy], ["deny", "strict"], "a deny of any layer wins");
  const secret = decideDenoPermission([child], { permission: "env", value: "SECRET" });
  assertEq(secret.ruleId, "base-env", "inherited rule");
});

Deno.test("deno section: bad values and duplicate ids are located errors", () => {
  try {
    layers(`apiVersion: cordon/v1
kind: Policy
metadata: { name: bad }
spec:
  defaultAction: allow
  deno:
    rules:
      - { id: a, permission: read, values: [relative/path], action: allow }
      - { id: a, permission: net, values: ["host:99999"], action: allow }
      - { permission: hrtime, action: allow }
      - { permission: env, action: maybe }
`);
  } catch (error) {
    if (!(error instanceof PolicyErrors)) throw error;
    const got = error.errors.map((e) => `${e.line}:${e.column} ${e.code}`);
    for (
      const want of [
        "8:45 bad-path",
        "9:15 duplicate-id",
        "9:44 bad-value",
        "10:23 bad-value",
        "11:36 bad-value",
      ]
    ) {
      if (!got.includes(want)) throw new Error(`${want} missing from ${got.join(", ")}`);
    }
    return;
  }
  throw new Error("the policy must not parse");
});
