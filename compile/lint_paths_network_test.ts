import { lintPathsAndNetwork, PATHS_NETWORK_LINT_CODES } from "./lint_paths_network.ts";
import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import type { Finding } from "./lint.ts";
import { fail } from "node:assert/strict";

function lint(spec: string, landlockAbi?: number): Finding[] {
  const text = `apiVersion: cordon/v1
kind: Policy
metadata: { name: p }
spec:
  defaultAction: allow
${spec.replace(/^/gm, "  ")}
`;
  const resolved = resolvePolicies(parsePolicies(text, "p.yaml"));
  return lintPathsAndNetwork(resolved, landlockAbi === undefined ? {} : { landlockAbi });
}

function codes(findings: Finding[]): string {
  return findings.map((f) => f.code).sort().join(",");
}

Deno.test("lintPathsAndNetwork() reports write access over the policy's executables", {
  permissions: "none",
}, () => {
  const findings = lint(`target: { executables: [/opt/app/bin/app] }
filesystem:
  read: [/usr]
  write: [/opt/app, /usr/bin/tool/cache]
  execute: [/usr/bin]
`);
  const over = findings.filter((f) => f.code === "write-over-executable");
  if (over.length !== 2) fail(JSON.stringify(findings, null, 2));
  if (!over.some((f) => f.message.includes('"/opt/app"') && f.message.includes("contains"))) {
    fail(over.map((f) => f.message).join("\n"));
  }
  if (!over.some((f) => f.message.includes("lies inside"))) fail("write inside execute missed");
  for (const f of findings) {
    if (PATHS_NETWORK_LINT_CODES[f.code]?.severity !== f.severity) fail(`severity of ${f.code}`);
  }
});

Deno.test("lintPathsAndNetwork() reports read rules that stay writable and redundant rules", {
  permissions: "none",
}, () => {
  const findings = lint(`filesystem:
  read: [/etc, /etc/ssl, /srv/data/ro]
  write: [/srv/data, /tmp]
  execute: []
`);
  if (codes(findings) !== "path-rule-overlap,redundant-path-rule") {
    fail(JSON.stringify(findings, null, 2));
  }
  if (!findings[0]!.message.includes('"/srv/data/ro"')) fail(findings[0]!.message);
});

Deno.test("lintPathsAndNetwork() accepts a path that is both read and written", {
  permissions: "none",
}, () => {
  const findings = lint(`filesystem:
  read: [/usr, /work]
  write: [/work]
  execute: [/usr/bin/make]
`);
  if (findings.length !== 0) fail(JSON.stringify(findings, null, 2));
});

Deno.test("lintPathsAndNetwork() says an executable interpreter runs what the policy writes", {
  permissions: "none",
}, () => {
  const shell = lint(`filesystem:
  write: [/work]
  execute: [/usr/bin]
`);
  const found = shell.find((f) => f.code === "interpreter-runs-writes");
  if (found?.severity !== "info" || !found.message.includes("/usr/bin/sh /work/x")) {
    fail(JSON.stringify(shell, null, 2));
  }
  for (
    const spec of [
      "filesystem:\n  execute: [/usr/bin]\n", // writes nothing
      "filesystem:\n  write: [/work]\n", // execution not restricted: nothing promised
      "filesystem:\n  write: [/work]\n  execute: [/usr/bin/make, /usr/lib]\n",
    ]
  ) {
    const findings = lint(spec);
    if (findings.some((f) => f.code === "interpreter-runs-writes")) fail(spec);
  }
});

Deno.test("lintPathsAndNetwork() says which endpoints only cgroup BPF can enforce", {
  permissions: "none",
}, () => {
  const findings = lint(`network:
  connect: ["tcp/443", "udp/53", "10.0.0.0/8:5432", "8080"]
`);
  const subjects = findings.map((f) => f.message.match(/"([^"]+)"/)![1]).join(",");
  if (subjects !== "udp/53,10.0.0.0/8:5432,8080") fail(subjects);
  if (findings.some((f) => f.code !== "network-needs-cgroup-bpf")) fail(codes(findings));
});

Deno.test("lintPathsAndNetwork() reports more endpoints than the cgroup programs hold", {
  permissions: "none",
}, () => {
  const ports = Array.from({ length: 129 }, (_, i) => `"tcp/${2000 + i}"`).join(", ");
  const findings = lint(`network:\n  connect: [${ports}]\n`);
  if (!findings.some((f) => f.code === "network-too-many-rules" && f.severity === "error")) {
    fail(codes(findings));
  }
});

Deno.test("lintPathsAndNetwork() judges the host's Landlock ABI only when given", {
  permissions: "none",
}, () => {
  const spec = `filesystem:\n  read: [/usr]\n  write: [/tmp]\n`;
  if (lint(spec).length !== 0) fail("judged without an ABI");
  if (lint(spec, 7).length !== 0) fail("ABI 7 is enough");
  const low = lint(spec, 3);
  if (codes(low) !== "filesystem-without-landlock" || !low[0]!.message.includes("ABI 5")) {
    fail(JSON.stringify(low));
  }
  if (lint(`filesystem:\n  write: [/tmp]\n  minAbi: 3\n`, 3).length !== 0) {
    fail("minAbi 3 accepts 3");
  }
  if (!lint(spec, 0)[0]!.message.includes("no Landlock")) fail("ABI 0");
  if (lint(`filesystem:\n  execute: [/usr]\n`, 1).length !== 0) fail("execute-only needs ABI 1");
});
