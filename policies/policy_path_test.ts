import assert from "node:assert/strict";
import { parsePolicies } from "./parse.ts";
import { PolicyErrors } from "./errors.ts";
import { loadPolicyFiles } from "./load_policy_files.ts";

const policy = (paths: string) =>
  `apiVersion: cordon/v1
kind: Policy
metadata: { name: p }
spec:
  defaultAction: allow
  filesystem:
    read: [${paths}]
`;

Deno.test("filesystem paths written relative are taken from the policy file's directory", () => {
  const [p] = parsePolicies(policy("./data, ../app/, ./a/./b, /usr"), "p.yaml", {
    baseDir: "/srv/./policies/",
  }).policies;
  assert.deepEqual(p!.filesystem!.read, [
    "/srv/policies/data",
    "/srv/app",
    "/srv/policies/a/b",
    "/usr",
  ]);
});

Deno.test("a relative filesystem path without a directory, or with .. inside, is an error at its place", () => {
  const errors = (text: string, baseDir?: string) => {
    try {
      parsePolicies(text, "p.yaml", baseDir === undefined ? {} : { baseDir });
    } catch (e) {
      if (e instanceof PolicyErrors) return e.errors;
      throw e;
    }
    assert.fail("expected errors");
  };
  const [none] = errors(policy("./data"));
  assert.equal(none!.code, "bad-path");
  assert.deepEqual([none!.line, none!.column], [7, 12]);
  assert.match(none!.message, /has none \(a builtin profile, standard input/);
  const [inside] = errors(policy("./a/../../etc"), "/srv");
  assert.match(inside!.message, /contains "\.\." after its leading/);
  const [bare] = errors(policy("data"), "/srv");
  assert.match(bare!.message, /not absolute \(a relative path starts with/);
});

Deno.test("loadPolicyFiles resolves relative paths against each file's own directory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cordon-policy-path-" });
  try {
    await Deno.mkdir(`${dir}/policies`);
    await Deno.writeTextFile(`${dir}/policies/p.yaml`, policy("../app"));
    const { policies } = await loadPolicyFiles([`${dir}/policies/p.yaml`]);
    assert.deepEqual(policies[0]!.filesystem!.read, [`${dir}/app`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
