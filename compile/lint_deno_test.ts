import { lintDeno } from "./lint_deno.ts";
import { lintPolicies } from "./lint.ts";
import { compilePolicies } from "./compile.ts";
import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";

function lint(spec: string) {
  const set = parsePolicies(
    `apiVersion: cordon/v1\nkind: Policy\nmetadata: { name: p }\nspec:\n  defaultAction: allow\n${spec}`,
    "p.yaml",
  );
  return lintDeno(resolvePolicies(set));
}

Deno.test("lint deno: grants the kernel layer denies are warned at the rule", () => {
  const findings = lint(`  filesystem:
    read: [/srv]
    write: [/srv/out]
    execute: [/usr/bin]
  network:
    connect: [127.0.0.1:8080]
  deno:
    rules:
      - { id: etc, permission: read, values: [/etc/hosts, /srv/a], action: allow }
      - { id: w, permission: write, values: [/srv/in], action: log }
      - { id: r, permission: run, values: [/opt/tool, cat], action: allow }
      - { id: n, permission: net, values: ["10.0.0.1:80", "127.0.0.1:8080", "example.com"], action: allow }
      - { id: d, permission: read, values: [/etc/passwd], action: deny }
`);
  const got = findings.map((f) => `${f.code} ${f.rule} ${f.loc.line}:${f.loc.column}`);
  const want = [
    "deno-grant-kernel-denies etc 14:9",
    "deno-grant-kernel-denies w 15:9",
    "deno-grant-kernel-denies r 16:9",
    "deno-grant-kernel-denies n 17:9",
  ];
  if (got.join("\n") !== want.join("\n")) throw new Error(got.join("\n"));
  if (!findings[0]!.message.includes('"/etc/hosts"')) throw new Error(findings[0]!.message);
});

Deno.test("lint deno: write grants without filesystem.write paths meet the read-only view", () => {
  const findings = lint(`  filesystem: { read: [/srv] }
  deno:
    rules: [{ id: w, permission: write, values: [/srv/x], action: allow }]
`);
  if (findings.length !== 1 || !findings[0]!.message.includes("EROFS")) {
    throw new Error(JSON.stringify(findings));
  }
});

Deno.test("lint deno: run and ffi without filesystem confinement are warned", () => {
  const open = lint(`  deno:
    rules:
      - { id: run, permission: run, action: allow }
      - { id: ffi, permission: ffi, action: deny }
`);
  const got = open.map((f) => `${f.code} ${f.rule ?? "-"}`);
  if (got.join() !== "deno-unconfined-escape run") throw new Error(got.join());
  const byDefault = lint(`  deno: { default: allow }\n`);
  if (byDefault.map((f) => f.message.includes("deno.default allow")).join() !== "true,true") {
    throw new Error(JSON.stringify(byDefault));
  }
  const confined = lint(`  filesystem: { read: [/usr], execute: [/usr/bin] }
  deno: { rules: [{ id: run, permission: run, action: allow }] }
`);
  if (confined.length !== 0) throw new Error(JSON.stringify(confined));
});

Deno.test("lint deno: findings reach lintPolicies (cordon check)", () => {
  const set = parsePolicies(
    `apiVersion: cordon/v1\nkind: Policy\nmetadata: { name: p }\nspec:\n  defaultAction: allow\n  deno: { default: allow }\n`,
    "p.yaml",
  );
  const resolved = resolvePolicies(set);
  const findings = lintPolicies(set, resolved, compilePolicies(resolved));
  if (!findings.some((f) => f.code === "deno-unconfined-escape" && f.severity === "warning")) {
    throw new Error(JSON.stringify(findings));
  }
});
