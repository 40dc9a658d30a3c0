/** `cordon deno`'s command line: help, usage errors and policy errors exit 125 and change nothing. */

import { cordon } from "./_cli.ts";
import { ok as assert } from "node:assert/strict";

Deno.test("cordon deno: --help, and the command is listed", async () => {
  const help = await cordon(["deno", "--help"]);
  assert(help.code === 0 && help.stdout.includes("DENO_PERMISSION_BROKER_PATH"), help.stdout);
  const all = await cordon(["--help"]);
  assert(/^\s+deno\s/m.test(all.stdout), all.stdout);
});

Deno.test("cordon deno: usage and policy errors exit 125 before anything runs", async () => {
  const none = await cordon(["deno", "--", "run", "x.ts"]);
  assert(none.code === 125 && none.stderr.includes("at least one --policy"), none.stderr);
  const noArgs = await cordon(["deno", "-p", "builtin:baseline"]);
  assert(noArgs.code === 125 && noArgs.stderr.includes("no Deno arguments"), noArgs.stderr);
  const bad = await cordon(["deno", "-p", "-", "--", "run", "x.ts"], {
    stdin: `apiVersion: cordon/v1
kind: Policy
metadata: { name: bad }
spec:
  defaultAction: allow
  deno:
    rules: [{ permission: read, values: [etc], action: allow }]
`,
  });
  assert(
    bad.code === 125 &&
      /^cordon deno: -:7:42: error\[bad-path\]: spec\.deno\.rules\[0\]\.values: "etc" is not absolute/m
        .test(bad.stderr),
    bad.stderr,
  );
});
