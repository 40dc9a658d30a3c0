/**
 * Writes `policies/policy.schema.json` from `policies/schema.ts`: `deno task gen:schema`.
 * `policies/schema_test.ts` fails when the committed file is not what this writes.
 *
 * @module
 */

import { policyJsonSchemaText } from "./schema.ts";

if (import.meta.main) {
  const out = new URL("./policy.schema.json", import.meta.url);
  await Deno.writeTextFile(out, policyJsonSchemaText());
  console.log(`wrote ${out.pathname}`);
}
