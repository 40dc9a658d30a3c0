import { POLICY_SCHEMA, policyJsonSchema, policyJsonSchemaText, type Schema } from "./schema.ts";
import { parsePolicies } from "./parse.ts";
import { PolicyErrors } from "./errors.ts";
import { capabilityNames } from "./constants.ts";
import { fail } from "node:assert/strict";

function equal(actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    fail(`${JSON.stringify(actual)} !== ${JSON.stringify(expected)}`);
  }
}

Deno.test("policies/policy.schema.json is what schema.ts generates (deno task gen:schema)", {
  permissions: { read: true },
}, async () => {
  const committed = await Deno.readTextFile(new URL("./policy.schema.json", import.meta.url));
  if (committed !== policyJsonSchemaText()) {
    fail("policies/policy.schema.json is stale: run `deno task gen:schema`");
  }
});

Deno.test("policyJsonSchema() is draft 2020-12 and forbids unknown keys everywhere", {
  permissions: "none",
}, () => {
  const schema = policyJsonSchema();
  if (schema.$schema !== "https://json-schema.org/draft/2020-12/schema") fail("draft");
  const objects: Record<string, unknown>[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== "object") return;
    const o = node as Record<string, unknown>;
    if (o.type === "object") objects.push(o);
    Object.values(o).forEach(walk);
  };
  walk(schema);
  if (objects.length < 10) fail(`only ${objects.length} objects`);
  for (const o of objects) if (o.additionalProperties !== false) fail(JSON.stringify(o));
});

Deno.test("every key of the schema is described and accepted by the validator", {
  permissions: "none",
}, () => {
  const walk = (schema: Schema, path: string) => {
    if (schema.description.trim() === "") fail(`${path} has no description`);
    if (schema.type === "object") {
      for (const [k, v] of Object.entries(schema.properties)) walk(v, `${path}.${k}`);
    } else if (schema.type === "array") walk(schema.items, `${path}[]`);
  };
  walk(POLICY_SCHEMA, "policy");
  // A key the schema does not know is rejected, a key it knows is accepted: the validator reads
  // the schema rather than its own list.
  const text = (key: string) =>
    `apiVersion: cordon/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n  defaultAction: deny\n  ${key}: enforce\n`;
  parsePolicies(text("mode"), "p.yaml");
  try {
    parsePolicies(text("moed"), "p.yaml");
    fail("unknown key accepted");
  } catch (e) {
    if (!(e instanceof PolicyErrors) || e.errors[0]?.code !== "unknown-key") throw e;
  }
});

Deno.test(
  "the JSON Schema describes privileges, memory and network.unix as the validator reads them",
  {
    permissions: "none",
  },
  () => {
    type Node = {
      properties: Record<string, Node>;
      items: Node;
      pattern?: string;
      enum?: string[];
      required?: string[];
      type?: string;
      minimum?: number;
      maximum?: number;
    };
    const spec = (policyJsonSchema() as unknown as Node).properties.spec!.properties;
    const privileges = spec.privileges!.properties;
    equal(Object.keys(privileges), ["capabilities", "user", "group", "devices", "signals"]);
    equal(privileges.signals!.enum, ["sandbox", "any"]);
    equal([privileges.user!.type, privileges.user!.minimum, privileges.user!.maximum], [
      "integer",
      0,
      4294967294,
    ]);
    equal(privileges.group!.type, "integer");
    const capability = new RegExp(privileges.capabilities!.items.pattern!);
    for (const name of capabilityNames()) {
      if (!capability.test(name) || !capability.test(name.slice(4).toLowerCase())) fail(name);
    }
    const device = new RegExp(privileges.devices!.items.pattern!);
    for (const ok of ["/dev/fuse", "c 10:229", "b 8:*"]) if (!device.test(ok)) fail(ok);
    for (const bad of ["fuse", "x 1:2", "c 10"]) if (device.test(bad)) fail(bad);
    equal(spec.memory!.required, ["writeExecute"]);
    equal(spec.memory!.properties.writeExecute!.enum, ["allow", "deny"]);
    const unix = new RegExp(spec.network!.properties.unix!.items.pattern!);
    for (const ok of ["/run/app.sock", "/run/dir/", "@name"]) if (!unix.test(ok)) fail(ok);
    if (unix.test("run/app.sock")) fail("relative");
    // Every key the JSON Schema lists is one the validator accepts.
    const text = `apiVersion: cordon/v1
kind: Policy
metadata: {name: p}
spec:
  defaultAction: deny
  privileges:
    capabilities: [CAP_NET_BIND_SERVICE, net_raw]
    user: 1000
    group: 1000
    devices: ["/dev/fuse", "c 10:229", "b 8:*"]
    signals: sandbox
  memory: { writeExecute: deny }
  network: { unix: ["/run/app.sock", "/run/dir/", "@name"] }
`;
    const p = parsePolicies(text, "p.yaml").policies[0]!;
    equal(p.privileges?.capabilities.map((c) => c.name), ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"]);
  },
);

Deno.test("defaultAction's description says it is required without extends", {
  permissions: "none",
}, () => {
  const spec = POLICY_SCHEMA.properties.spec;
  if (spec?.type !== "object") fail("spec");
  const description = spec.properties.defaultAction?.description ?? "";
  if (!description.includes("Required unless the policy extends")) fail(description);
});
