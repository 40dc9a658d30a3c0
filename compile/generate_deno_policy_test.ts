import assert, { deepStrictEqual as assertEquals } from "node:assert/strict";
import { generateDenoPolicy, withLearnedDenoSection } from "./generate_deno_policy.ts";
import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import { decideDenoPermission } from "../engine/deno_permissions.ts";
import type { DenoPermissionCheck } from "../engine/deno_permissions.ts";

Deno.test("learned deno policy: parses, allows every check seen and denies others", () => {
  const checks: DenoPermissionCheck[] = [
    { permission: "read", value: "/srv/data/a.csv" },
    { permission: "read", value: "/srv/data/a.csv" },
    { permission: "write", value: "/tmp/out" },
    { permission: "net", value: "example.com:443" },
    { permission: "env", value: "HOME" },
    { permission: "env", value: "A=B" },
    { permission: "sys", value: "hostname" },
    { permission: "run", value: null },
    { permission: "ffi", value: "libc.so.6" },
    { permission: "import", value: "deno.land:443" },
    { permission: "read", value: "relative/path" },
    { permission: "hrtime", value: null },
  ];
  const yaml = generateDenoPolicy(checks, {
    name: "My App!",
    command: ["run", "app.ts"],
    date: "2026-01-01T00:00:00Z",
    denoExecutable: "/opt/deno/bin/deno",
  });
  const layers = resolvePolicies(parsePolicies(yaml, "learned.yaml"));
  if (layers[0]?.name !== "my-app-") throw new Error(yaml);
  for (const check of checks) {
    const d = decideDenoPermission(layers, check);
    const expressible = check.value !== "relative/path" && check.value !== "A=B" &&
      check.permission !== "hrtime";
    if ((d.result === "allow") !== expressible) {
      throw new Error(`${check.permission} ${check.value}: ${d.reason}\n${yaml}`);
    }
  }
  for (
    const other of [
      { permission: "read", value: "/etc/passwd" },
      { permission: "net", value: "example.org:443" },
      { permission: "env", value: null },
    ]
  ) {
    const d = decideDenoPermission(layers, other);
    if (d.result !== "deny") throw new Error(`${other.permission} ${other.value}: ${d.reason}`);
  }
  if (!yaml.includes('read "relative/path"') || !yaml.includes("hrtime")) throw new Error(yaml);
  if (!yaml.includes('execute: ["/opt/deno/bin"]')) throw new Error(yaml);
  if (!yaml.includes("learned-read # 2 checks")) throw new Error(yaml);
});

Deno.test("withLearnedDenoSection adds the deno section and V8's W^X grant to a learned kernel policy", () => {
  const kernel = `# Learned by cordon
apiVersion: cordon/v1
kind: Policy
metadata:
  name: app
spec:
  extends: [builtin:baseline]
  defaultAction: deny
  filesystem:
    read:
      - /srv/app # seen 2×
`;
  const yaml = withLearnedDenoSection(kernel, [
    { permission: "read", value: "/srv/app/data" },
    { permission: "env", value: null },
    { permission: "made-up", value: "x" },
  ]);
  const [policy] = parsePolicies(yaml, "app.yaml").policies;
  assertEquals(policy!.filesystem!.read, ["/srv/app"]);
  assertEquals(policy!.memory?.writeExecute, "allow");
  assertEquals(policy!.deno!.rules.map((r) => [r.id, r.permission]), [
    ["learned-read", "read"],
    ["learned-env", "env"],
  ]);
  assert(yaml.startsWith("# Unknown Deno permission kinds seen: made-up\n"), yaml);
});
