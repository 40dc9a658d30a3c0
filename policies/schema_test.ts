import { POLICY_SCHEMA, policyJsonSchema, policyJsonSchemaText, type Schema } from "./schema.ts";
import { parsePolicies } from "./parse.ts";
import { PolicyErrors } from "./errors.ts";

function fail(message: string): never {
  throw new Error(message);
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
    `apiVersion: cordon/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n  ${key}: enforce\n`;
  parsePolicies(text("mode"), "p.yaml");
  try {
    parsePolicies(text("moed"), "p.yaml");
    fail("unknown key accepted");
  } catch (e) {
    if (!(e instanceof PolicyErrors) || e.errors[0]?.code !== "unknown-key") throw e;
  }
});
