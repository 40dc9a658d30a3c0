/**
 * Every example policy parses, resolves, compiles for every architecture and passes `check` with
 * no error and no warning.
 */

import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import { compilePolicies } from "../compile/compile.ts";
import { lintPolicies } from "../compile/lint.ts";
import { ARCHES } from "../policies/types.ts";
import { fail } from "node:assert/strict";

const dir = new URL("../examples/policies/", import.meta.url);
const REQUIRED = [
  "build-step.yaml",
  "cli-tool.yaml",
  "data-job.yaml",
  "untrusted-plugin.yaml",
  "web-client.yaml",
  "web-server.yaml",
  "watch-python.yaml",
];

async function exampleFiles(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".yaml")) names.push(entry.name);
  }
  return names.sort();
}

Deno.test("examples/policies has the documented examples", {
  permissions: { read: true },
}, async () => {
  const names = await exampleFiles();
  const missing = REQUIRED.filter((name) => !names.includes(name));
  if (missing.length > 0) fail(`missing examples: ${missing.join(", ")}`);
});

Deno.test("every example policy compiles and checks clean", {
  permissions: { read: true },
}, async (t) => {
  for (const name of await exampleFiles()) {
    await t.step(name, async () => {
      const text = await Deno.readTextFile(new URL(name, dir));
      if (!text.startsWith("# yaml-language-server: $schema=../../policies/policy.schema.json\n")) {
        fail(`${name}: first line must point editors at the schema`);
      }
      const file = `examples/policies/${name}`;
      const set = parsePolicies(text, file, { baseDir: dir.pathname });
      if (set.policies.length === 0) fail(`${name}: no policy`);
      const resolved = resolvePolicies(set);
      const filters = compilePolicies(resolved);
      for (const layer of filters.layers) {
        if (layer.arches.map((a) => a.arch).join() !== ARCHES.join()) fail(`${name}: arches`);
      }
      const findings = lintPolicies(set, resolved, filters);
      const bad = findings.filter((f) => f.severity !== "info");
      if (bad.length > 0) {
        fail(
          bad.map((f) => `${f.loc.file}:${f.loc.line}:${f.loc.column}: ${f.code}: ${f.message}`)
            .join("\n"),
        );
      }
    });
  }
});

Deno.test("example policies decide as their comments say", {
  permissions: { read: true },
}, async (t) => {
  const { evaluate } = await import("../compile/evaluate.ts");
  const { syscallNumber } = await import("../policies/syscalls.ts");
  const { resolveConstant } = await import("../policies/constants.ts");
  const c = (name: string) => resolveConstant(name) ?? fail(`no constant ${name}`);
  // [file, syscall, args, expected action (audited action in audit mode)]
  const cases: [string, string, bigint[], string][] = [
    ["cli-tool.yaml", "openat", [], "allow"],
    ["cli-tool.yaml", "execve", [], "allow"],
    ["cli-tool.yaml", "fchownat", [], "deny"],
    ["cli-tool.yaml", "socket", [c("AF_INET"), 1n], "deny"],
    ["cli-tool.yaml", "io_uring_setup", [], "deny"],
    ["cli-tool.yaml", "ptrace", [], "kill"],
    ["web-server.yaml", "socket", [c("AF_INET6"), c("SOCK_STREAM")], "allow"],
    ["web-server.yaml", "socket", [c("AF_INET"), c("SOCK_RAW")], "deny"],
    ["web-server.yaml", "socket", [c("AF_PACKET"), c("SOCK_DGRAM")], "deny"],
    ["web-server.yaml", "bind", [], "allow"],
    ["web-server.yaml", "accept4", [], "allow"],
    ["web-server.yaml", "mount", [], "deny"],
    ["web-client.yaml", "connect", [], "allow"],
    ["web-client.yaml", "listen", [], "deny"],
    ["web-client.yaml", "socket", [c("AF_INET"), c("SOCK_RAW")], "deny"],
    ["build-step.yaml", "socket", [c("AF_INET"), 1n], "deny"],
    ["build-step.yaml", "fsetxattr", [], "deny"],
    ["build-step.yaml", "clone", [17n], "allow"],
    // posix_spawn's reset of the effective ids (make), and no other identity change
    ["build-step.yaml", "setresuid", [0xffffffffn, 0n, 0xffffffffn], "allow"],
    ["build-step.yaml", "setresgid", [0xffffffffn, 0n, 0xffffffffn], "allow"],
    ["build-step.yaml", "setresuid", [0n, 0n, 0n], "deny"],
    ["build-step.yaml", "setuid", [0n], "deny"],
    ["data-job.yaml", "socket", [c("AF_INET"), 1n], "allow"],
    ["data-job.yaml", "socket", [c("AF_UNIX"), 1n], "allow"],
    ["data-job.yaml", "socket", [c("AF_INET6"), 1n], "deny"],
    ["watch-python.yaml", "socket", [c("AF_INET6"), 1n], "deny"],
    ["watch-python.yaml", "socket", [c("AF_INET"), 1n], "allow"],
    ["watch-python.yaml", "ptrace", [], "kill"],
    ["watch-python.yaml", "execve", [], "log"],
    ["watch-python.yaml", "ioctl", [], "allow"],
    ["untrusted-plugin.yaml", "read", [], "allow"],
    ["untrusted-plugin.yaml", "write", [], "allow"],
    ["untrusted-plugin.yaml", "clone", [c("CLONE_VM") | c("CLONE_THREAD")], "allow"],
    ["untrusted-plugin.yaml", "clone", [17n], "kill"],
    ["untrusted-plugin.yaml", "socket", [c("AF_UNIX"), 1n], "kill"],
    ["untrusted-plugin.yaml", "kill", [], "kill"],
    ["untrusted-plugin.yaml", "io_uring_setup", [], "kill"],
  ];
  const compiled = new Map<string, ReturnType<typeof compilePolicies>>();
  for (const [file, syscall, args, expected] of cases) {
    await t.step(`${file}: ${syscall}(${args.join(", ")}) -> ${expected}`, async () => {
      let set = compiled.get(file);
      if (!set) {
        const text = await Deno.readTextFile(new URL(file, dir));
        set = compilePolicies(
          resolvePolicies(parsePolicies(text, file, { baseDir: dir.pathname })),
          { arches: ["x86_64"] },
        );
        compiled.set(file, set);
      }
      const nr = syscallNumber("x86_64", syscall) ?? fail(`no ${syscall}`);
      const verdict = evaluate(set, { arch: "x86_64", nr, args });
      const action = verdict.audited ?? verdict.action;
      if (action !== expected) fail(`got ${action} (rule ${verdict.ruleId})`);
    });
  }
});
