import assert from "node:assert/strict";
import { dryRun } from "./dry_run.ts";
import { suggestAdditions } from "./dry_run_suggest.ts";
import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import { compilePolicies } from "../compile/compile.ts";

const TRACES = new URL("../tests/testdata/traces/", import.meta.url);
const POLICY = `apiVersion: cordon/v1
kind: Policy
metadata: { name: app }
spec:
  extends: [builtin:baseline]
`;

function compile(text: string) {
  const resolved = resolvePolicies(parsePolicies(text, "app.yaml"));
  return { resolved, set: compilePolicies(resolved, { arches: ["x86_64"] }) };
}

Deno.test("dry-run suggestions pasted into the policy let every finding of the trace through", async (t) => {
  for (
    const trace of [
      "python_paths_net_y.strace",
      "tar_gzip_tt.strace",
      "python_socket_y.strace",
    ]
  ) {
    await t.step(trace, async () => {
      const path = new URL(trace, TRACES).pathname;
      const before = compile(POLICY);
      const report = await dryRun(before.set, path, { maxFindings: Infinity });
      assert.ok(report.findingsTotal > 0, "the trace must need something the policy lacks");
      const suggestions = suggestAdditions(report.findings, before.resolved);
      assert.deepEqual(suggestions.map((s) => s.policy), ["app"]);
      const pasted = POLICY + suggestions[0]!.yaml.split("\n").map((l) => l && `  ${l}`).join("\n");
      const after = compile(pasted);
      const again = await dryRun(after.set, path, { maxFindings: Infinity });
      assert.equal(
        again.findingsTotal,
        0,
        `${pasted}\n${JSON.stringify(again.findings.slice(0, 3))}`,
      );
      // Minimal: every suggested rule answers at least one finding, no path is "/".
      for (const r of suggestions[0]!.rules) assert.ok(r.findings > 0);
      const paths = Object.values(suggestions[0]!.filesystem).flat();
      assert.ok(!paths.includes("/"), paths.join());
    });
  }
});

Deno.test("a suggestion narrows a conditional deny to the observed argument values", () => {
  const loc = { file: "p.yaml", line: 3, column: 5 };
  const policy = compile(`apiVersion: cordon/v1
kind: Policy
metadata: { name: p }
spec:
  defaultAction: allow
  rules:
    - { id: no-raw, syscalls: [socket], action: deny, priority: 50, args: [{ index: 1, op: eq, value: 3 }] }
`).resolved;
  const [s] = suggestAdditions([{
    line: 1,
    pid: 1,
    arch: "x86_64",
    nr: 41,
    syscall: "socket",
    args: ["2", "3", "1"],
    action: "deny",
    mode: "enforce",
    ruleId: "no-raw",
    policy: "p",
    loc,
  }], policy);
  assert.deepEqual(s?.rules, [{
    syscall: "socket",
    priority: 51,
    args: [{ index: 1, value: "3" }],
    deniedBy: "no-raw",
    findings: 1,
  }]);
  assert.match(
    s!.yaml,
    /priority: 51, args: \[\{ index: 1, op: eq, value: 3 \}\] \} # 1 finding, denied by rule no-raw/,
  );
});
