import { compareFindings, type Finding, LINT_CODES, lintPolicies } from "./lint.ts";
import { compilePolicies } from "./compile.ts";
import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import type { Arch, Policy, ResolvedPolicy, Rule } from "../policies/types.ts";
import { fail } from "node:assert/strict";

function lint(spec: string, arches?: Arch[], header = ""): Finding[] {
  const text = `${header}apiVersion: cordon/v1
kind: Policy
metadata: { name: p }
spec:
${spec.replace(/^/gm, "  ")}
`;
  const set = parsePolicies(text, "p.yaml");
  const resolved = resolvePolicies(set);
  return lintPolicies(set, resolved, compilePolicies(resolved, arches ? { arches } : {}));
}

function only(findings: Finding[], code: string): Finding[] {
  return findings.filter((f) => f.code === code);
}

function show(findings: Finding[]): string {
  return findings.map((f) => `${f.loc.line}:${f.loc.column} ${f.severity}[${f.code}] ${f.message}`)
    .join("\n");
}

Deno.test("lintPolicies() reports a rule fully shadowed by a higher-priority rule", {
  permissions: "none",
}, () => {
  const findings = lint(`defaultAction: allow
rules:
  - { id: kill-debug, syscalls: [ptrace, process_vm_readv], action: kill, priority: 100 }
  - { id: deny-ptrace, syscalls: [ptrace], action: deny, priority: 10 }
`);
  const shadowed = only(findings, "shadowed-rule");
  if (shadowed.length !== 1) fail(show(findings));
  const [f] = shadowed;
  if (f?.rule !== "deny-ptrace" || f.severity !== "warning" || f.loc.line !== 8) {
    fail(show(findings));
  }
  if (!f.message.includes('"kill-debug"')) fail(f.message);
});

Deno.test("lintPolicies() does not report a rule that still decides some syscall", {
  permissions: "none",
}, () => {
  const findings = lint(`defaultAction: allow
rules:
  - { id: kill-ptrace, syscalls: [ptrace], action: kill, priority: 100 }
  - { id: deny-debug, syscalls: [ptrace, process_vm_readv], action: deny, priority: 10 }
  - { id: deny-unix, syscalls: [socket], action: deny, priority: 200, args: [{ index: 0, op: eq, value: AF_UNIX }] }
  - { id: deny-socket, syscalls: [socket], action: deny, priority: 5 }
`);
  if (only(findings, "shadowed-rule").length !== 0) fail(show(findings));
});

Deno.test("lintPolicies() reports conditions that can never hold", { permissions: "none" }, () => {
  const findings = lint(`defaultAction: allow
rules:
  - { id: never, syscalls: [socket], action: deny, args: [{ index: 0, op: lt, value: 0 }] }
`);
  const shadowed = only(findings, "shadowed-rule");
  if (shadowed.length !== 1 || !shadowed[0]!.message.includes("never hold")) fail(show(findings));
});

Deno.test("lintPolicies() reports allow rules the default already covers", {
  permissions: "none",
}, () => {
  const redundant = lint(`defaultAction: allow
rules:
  - { id: allow-read, syscalls: [read], action: allow }
`);
  if (only(redundant, "redundant-allow")[0]?.rule !== "allow-read") fail(show(redundant));
  const needed = lint(`defaultAction: allow
rules:
  - { id: no-sockets, syscalls: [socket], action: deny }
  - { id: unix-ok, syscalls: [socket], action: allow, priority: 10, args: [{ index: 0, op: eq, value: AF_UNIX }] }
`);
  if (only(needed, "redundant-allow").length !== 0) fail(show(needed));
  const denyDefault = lint(`defaultAction: deny
rules:
  - { id: allow-read, syscalls: [read], action: allow }
`);
  if (only(denyDefault, "redundant-allow").length !== 0) fail(show(denyDefault));
});

Deno.test("lintPolicies() reports syscalls missing on some compiled architectures", {
  permissions: "none",
}, () => {
  const all = lint(`defaultAction: allow
rules:
  - { id: no-stat64, syscalls: [fstat64, unlink], action: deny }
`);
  const unknown = only(all, "unknown-on-arch");
  if (unknown.length !== 2) fail(show(all));
  const stat64 = unknown.find((f) => f.message.includes('"fstat64"')) ?? fail(show(all));
  if (stat64.severity !== "info" || !stat64.message.includes("x86_64, x32, aarch64")) {
    fail(stat64.message);
  }
  const unlink = unknown.find((f) => f.message.includes('"unlink"')) ?? fail(show(all));
  if (!unlink.message.includes("aarch64") || unlink.message.includes("x86_64")) {
    fail(unlink.message);
  }
  const i386 = lint(
    `defaultAction: allow
rules:
  - { id: no-stat64, syscalls: [fstat64], action: deny }
`,
    ["i386"],
  );
  if (i386.length !== 0) fail(show(i386));
  const x86 = lint(
    `defaultAction: allow
rules:
  - { id: no-stat64, syscalls: [fstat64], action: deny }
`,
    ["x86_64"],
  );
  if (only(x86, "rule-not-applicable").length !== 1 || only(x86, "shadowed-rule").length !== 0) {
    fail(show(x86));
  }
});

Deno.test("lintPolicies() rejects conditions on pointer arguments", { permissions: "none" }, () => {
  const findings = lint(`defaultAction: allow
rules:
  - syscalls: [openat]
    action: deny
    args:
      - { index: 1, op: eq, value: 0 }
  - syscalls: [openat]
    action: deny
    args:
      - { index: 2, op: masked_eq, mask: O_CREAT, value: O_CREAT }
`);
  const pointer = only(findings, "pointer-argument");
  if (pointer.length !== 1 || pointer[0]!.severity !== "error") fail(show(findings));
  if (pointer[0]!.loc.line !== 10 || !pointer[0]!.message.includes('Argument 1 of "openat"')) {
    fail(show(pointer));
  }
});

Deno.test("lintPolicies() warns about escapes a restrictive policy leaves open", {
  permissions: "none",
}, async (t) => {
  const cases: [string, string, string][] = [
    ["capabilities: { allow: [io_uring] }", "dangerous-syscall-allowed", "io_uring_setup"],
    [
      "rules: [{ syscalls: [ptrace], action: allow }]",
      "dangerous-syscall-allowed",
      "ptrace",
    ],
    [
      "rules: [{ syscalls: [process_vm_writev], action: log }]",
      "dangerous-syscall-allowed",
      "process_vm_writev",
    ],
    ["capabilities: { allow: [bpf] }", "dangerous-syscall-allowed", "bpf"],
    ["capabilities: { allow: [module] }", "dangerous-syscall-allowed", "finit_module"],
    ["capabilities: { allow: [mount] }", "dangerous-syscall-allowed", "mount"],
    ["capabilities: { allow: [proc.exec] }", "unrestricted-exec", "execve"],
    ["capabilities: { allow: [proc.exec] }", "unrestricted-exec", "execveat"],
  ];
  for (const [spec, code, syscall] of cases) {
    await t.step(`${syscall} (${spec})`, () => {
      const findings = lint(`defaultAction: deny\n${spec}\n`);
      const hit = only(findings, code).filter((f) => f.message.includes(`"${syscall}"`));
      if (hit.length !== 1 || hit[0]!.severity !== "warning") fail(show(findings));
      const permissive = lint(`defaultAction: allow\n${spec}\n`);
      if (only(permissive, code).length !== 0) fail(show(permissive));
    });
  }
});

Deno.test(
  "lintPolicies() accepts exec limited by filesystem.execute",
  { permissions: "none" },
  () => {
    const findings = lint(`defaultAction: deny
capabilities: { allow: [proc.exec] }
filesystem:
  execute: [/usr/bin]
`);
    if (only(findings, "unrestricted-exec").length !== 0) fail(show(findings));
  },
);

Deno.test(
  "lintPolicies() does not warn when a dangerous syscall is allowed only conditionally elsewhere denied",
  {
    permissions: "none",
  },
  () => {
    const findings = lint(`defaultAction: deny
rules:
  - { syscalls: [ptrace, mount, bpf, io_uring_setup], action: kill }
`);
    if (only(findings, "dangerous-syscall-allowed").length !== 0) fail(show(findings));
  },
);

Deno.test("lintPolicies() notes audit mode", { permissions: "none" }, () => {
  const findings = lint(`defaultAction: deny
mode: audit
capabilities: { allow: [proc.basic] }
`);
  const audit = only(findings, "audit-mode");
  if (audit.length !== 1 || audit[0]!.severity !== "info") fail(show(findings));
  if (audit[0]!.loc.line !== 3 || audit[0]!.policy !== "p") fail(show(audit));
  if (audit[0]!.message.includes("filesystem")) fail(show(audit));
  const withFs = only(
    lint(`defaultAction: deny
mode: audit
capabilities: { allow: [proc.basic] }
filesystem: { read: [/usr] }
`),
    "audit-mode",
  );
  if (!withFs[0]?.message.includes("filesystem rules are not applied")) fail(show(withFs));
});

Deno.test("lintPolicies() warns about denies with errno 0 (policies built in code)", {
  permissions: "none",
}, () => {
  // The parser rejects errno 0; policies built through the API (or imported) can carry it.
  const loc = (line: number) => ({ file: "api", line, column: 1 });
  const rule: Rule = {
    id: "fake-success",
    policy: "p",
    origin: "rule",
    action: "deny",
    errno: 0,
    priority: 0,
    args: [],
    loc: loc(2),
    syscalls: [{ kind: "name", name: "unlink", loc: loc(2) }],
  };
  const resolved: ResolvedPolicy = {
    name: "p",
    defaultAction: "deny",
    defaultErrno: 0,
    mode: "enforce",
    rules: [rule],
    loc: loc(1),
  };
  const policy: Policy = {
    ...resolved,
    extends: [],
    capabilities: { allow: [], deny: [] },
    explicit: { defaultAction: true, defaultErrno: true, mode: false },
  };
  const findings = lintPolicies({ policies: [policy] }, [resolved], compilePolicies([resolved]));
  const errno = only(findings, "deny-errno-zero");
  if (errno.length !== 2 || errno.some((f) => f.severity !== "warning")) fail(show(findings));
  if (errno[1]?.rule !== "fake-success" || errno[0]?.loc.line !== 1) fail(show(errno));
});

Deno.test("lintPolicies() reports nothing about rules inherited from builtin:baseline", {
  permissions: "none",
}, () => {
  const findings = lint(`extends: [builtin:baseline]
capabilities: { allow: [net.client] }
`);
  const foreign = findings.filter((f) => f.loc.file !== "p.yaml");
  if (foreign.length !== 0) fail(show(foreign));
  if (findings.some((f) => f.severity !== "info")) fail(show(findings));
});

Deno.test("lintPolicies() sorts findings by file, line, column and code", {
  permissions: "none",
}, () => {
  const findings = lint(`defaultAction: deny
mode: audit
rules:
  - { syscalls: [fstat64], action: deny }
  - { syscalls: [ptrace], action: allow }
  - { syscalls: [openat], action: deny, args: [{ index: 1, op: eq, value: 0 }] }
`);
  if (findings.length !== 4) fail(show(findings));
  const sorted = [...findings].sort(compareFindings);
  if (show(sorted) !== show(findings)) fail(show(findings));
  for (const f of findings) {
    if (!Object.hasOwn(LINT_CODES, f.code)) fail(`undocumented code ${f.code}`);
    if (LINT_CODES[f.code]!.severity !== f.severity) fail(`severity of ${f.code}`);
  }
  const again = lint(`defaultAction: deny
mode: audit
rules:
  - { syscalls: [fstat64], action: deny }
  - { syscalls: [ptrace], action: allow }
  - { syscalls: [openat], action: deny, args: [{ index: 1, op: eq, value: 0 }] }
`);
  if (JSON.stringify(again) !== JSON.stringify(findings)) fail("not deterministic");
});

Deno.test("lintPolicies() reports a value a 32- or 16-bit argument cannot hold as an error", {
  permissions: "none",
}, () => {
  const findings = lint(`defaultAction: allow
rules:
  - id: no-inet6
    syscalls: [socket]
    action: deny
    args: [{ index: 0, op: eq, value: 0x10000000a }]
  - id: not-inet6
    syscalls: [socket, socketpair]
    action: deny
    args: [{ index: 0, op: ne, value: 0x10000000a }]
  - id: mode
    syscalls: [chmod]
    action: deny
    args: [{ index: 1, op: eq, value: 0x10000 }]
  - id: fine
    syscalls: [openat, kill]
    action: deny
    args: [{ index: 0, op: eq, value: -100 }]
  - id: wide-length
    syscalls: [mmap]
    action: deny
    args: [{ index: 1, op: gt, value: 0x100000000 }]
`);
  const found = only(findings, "arg-value-out-of-range");
  const summary = found.map((f) => `${f.rule} ${f.severity} ${f.loc.line}`).sort();
  const expected = [
    "mode error 18",
    "no-inet6 error 10",
    "not-inet6 error 14",
    "not-inet6 error 14",
  ];
  if (JSON.stringify(summary) !== JSON.stringify(expected)) fail(show(findings));
  const inet6 = found.find((f) => f.rule === "no-inet6")!;
  if (
    !/"socket" \(int\) is read by the kernel as 32 bits on x86_64, x32, aarch64: "eq 0x10000000a" can never hold/
      .test(inet6.message)
  ) {
    fail(inet6.message);
  }
  if (!found.some((f) => f.rule === "not-inet6" && f.message.includes("always holds"))) {
    fail(show(found));
  }
  if (LINT_CODES["arg-value-out-of-range"]?.severity !== "error") fail("catalogued as an error");
});

Deno.test("lintPolicies() warns when a policy built in code allows by default without saying so", {
  permissions: "none",
}, () => {
  // A policy file cannot leave defaultAction out (parsePolicies rejects it); a set built in code can.
  const loc = { file: "code", line: 1, column: 1 };
  const resolved: ResolvedPolicy = {
    name: "p",
    defaultAction: "allow",
    defaultErrno: 1,
    mode: "enforce",
    rules: [],
    loc,
  };
  const policy: Policy = {
    ...resolved,
    extends: [],
    capabilities: { allow: [], deny: [] },
    explicit: { defaultAction: false, defaultErrno: false, mode: false },
  };
  const implicit = only(
    lintPolicies({ policies: [policy] }, [resolved], compilePolicies([resolved])),
    "implicit-default-allow",
  );
  if (implicit.length !== 1 || implicit[0]?.severity !== "warning" || implicit[0].loc !== loc) {
    fail(show(implicit));
  }
  const written = lint(`defaultAction: allow\nrules:\n  - { syscalls: [ptrace], action: kill }\n`);
  if (only(written, "implicit-default-allow").length !== 0) fail(show(written));
  const inherited = lint(`extends: [builtin:baseline]\n`);
  if (only(inherited, "implicit-default-allow").length !== 0) fail(show(inherited));
});
