import assert from "node:assert/strict";
import { compilePolicies } from "./compile.ts";
import { compileRunLandlock, emitLandlock } from "./landlock.ts";
import { runView } from "./run_view.ts";
import type { Mode, ResolvedPolicy } from "../policies/types.ts";

function policy(name: string, mode: Mode, write: string[], execute: string[] = []): ResolvedPolicy {
  const loc = { file: `${name}.yaml`, line: 1, column: 1 };
  return {
    name,
    defaultAction: "allow",
    defaultErrno: 1,
    mode,
    loc,
    rules: [],
    filesystem: { read: ["/usr"], write, execute, loc },
    network: {
      connect: [{ text: "tcp://10.0.0.0/8:443", protocol: "tcp", ports: [443, 443], loc }],
      bind: [],
      loc,
    },
  };
}

Deno.test("runView intersects the enforcing layers' write and execute lists", () => {
  const set = compilePolicies([
    policy("a", "enforce", ["/tmp", "/srv/a"], ["/usr"]),
    policy("b", "enforce", ["/tmp/x", "/srv"], ["/usr/bin", "/opt"]),
  ], { arches: ["x86_64"] });
  const view = runView(set);
  assert.deepEqual(view.writeLayers, [0, 1]);
  assert.deepEqual(view.writable, ["/srv/a", "/tmp/x"]);
  assert.deepEqual(view.executable, ["/usr/bin"]);
  assert.equal(view.hostWritable, false);
});

Deno.test("a layer in audit mode writes / and executes anything for the view, and gets no Landlock rules", () => {
  const audited = policy("a", "audit", ["/tmp"], ["/usr"]);
  const alone = compilePolicies([audited], { arches: ["x86_64"] });
  assert.deepEqual(runView(alone), {
    writeLayers: [0],
    writable: ["/"],
    executable: ["/"],
    hostWritable: true,
  });
  const ruleset = compileRunLandlock(alone, alone.layers[0]!, 7);
  assert.equal(ruleset.handledAccessFs, 0);
  assert.equal(ruleset.handledAccessNet, 0);
  assert.equal(ruleset.paths.length, 0);
  assert.notEqual(ruleset.scoped, 0, "the privileges' scopes stay");
  assert(!emitLandlock(alone).includes('"requiredAbi"'));

  const mixed = compilePolicies([audited, policy("e", "enforce", ["/srv"])], {
    arches: ["x86_64"],
  });
  const view = runView(mixed);
  assert.deepEqual(view.writable, ["/srv"]);
  assert.equal(view.hostWritable, false);
  const enforced = compileRunLandlock(mixed, mixed.layers[1]!, 7);
  assert.notEqual(enforced.handledAccessFs, 0);
  assert.notEqual(enforced.handledAccessNet, 0);
});
