import { type Finding, LINT_CODES, lintPolicies } from "./lint.ts";
import { lintPrivileges, PRIVILEGES_LINT_CODES } from "./lint_privileges.ts";
import { compilePolicies } from "./compile.ts";
import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import { fail } from "node:assert/strict";

/** `lintPolicies` of one policy whose spec lines follow `spec:` (line 4), indented by two. */
function lint(spec: string): Finding[] {
  const text = `apiVersion: cordon/v1
kind: Policy
metadata: { name: p }
spec:
  defaultAction: allow
${spec.replace(/^/gm, "  ")}
`;
  const set = parsePolicies(text, "p.yaml");
  const resolved = resolvePolicies(set);
  return lintPolicies(set, resolved, compilePolicies(resolved, { arches: ["x86_64"] }));
}

/** The findings of these codes, as `code line:column message`. */
function shown(findings: Finding[], ...codes: string[]): string[] {
  return findings.filter((f) => codes.includes(f.code))
    .map((f) => `${f.code} ${f.loc.line}:${f.loc.column} ${f.message}`);
}

function expect(findings: Finding[], codes: string[], lines: RegExp[]): void {
  const got = shown(findings, ...codes);
  if (got.length !== lines.length || got.some((g, i) => !lines[i]!.test(g))) {
    fail(`got:\n  ${got.join("\n  ")}\nexpected:\n  ${lines.map(String).join("\n  ")}`);
  }
}

Deno.test("lintPolicies() names what a dangerous capability allows, at the capability", {
  permissions: "none",
}, () => {
  const findings = lint(
    "privileges:\n" +
      "  capabilities: [net_bind_service, CAP_SYS_ADMIN, sys_ptrace, CAP_MKNOD, net_raw, bpf]\n",
  );
  expect(findings, ["dangerous-capability"], [
    /^dangerous-capability 7:38 Policy "p" keeps CAP_SYS_ADMIN, which allows .*leaving the sandbox$/,
    /^dangerous-capability 7:53 .*CAP_SYS_PTRACE.*\/proc\/PID\/mem/,
    /^dangerous-capability 7:65 .*CAP_MKNOD.*block device/,
    /^dangerous-capability 7:76 .*CAP_NET_RAW.*raw and packet sockets/,
    /^dangerous-capability 7:85 .*CAP_BPF/,
  ]);
  for (const f of findings.filter((f) => f.code === "dangerous-capability")) {
    if (f.severity !== "warning" || f.policy !== "p") fail(JSON.stringify(f));
  }
  expect(lint("privileges: { capabilities: [net_bind_service] }\n"), ["dangerous-capability"], []);
});

Deno.test("lintPolicies() reports signals: any, raw devices and root with capabilities", {
  permissions: "none",
}, () => {
  const findings = lint(
    "privileges:\n" + //                                                                  line 6
      "  signals: any\n" +
      '  devices: ["/dev/fuse", "b 8:*", "c 1:1", "/dev/nvme0n1", "c 10:229", "c 1:3"]\n' + // 8
      "  user: 0\n" + //                                                                     9
      "  capabilities: [chown]\n",
  );
  expect(findings, ["signals-any", "raw-device", "root-with-capabilities"], [
    /^signals-any 6:3 .*signal and kill processes outside its sandbox/,
    /^raw-device 8:28 Policy "p" grants device "b 8:\*", a block device/,
    /^raw-device 8:37 .*"c 1:1", \/dev\/mem/,
    /^raw-device 8:46 .*"\/dev\/nvme0n1", a disk/,
    /^root-with-capabilities 9:11 .*uid 0 and keeps CAP_CHOWN/,
  ]);
  expect(
    lint("privileges: { user: 0, signals: sandbox, devices: [/dev/fuse] }\n"),
    ["signals-any", "raw-device", "root-with-capabilities"],
    [],
  );
  expect(
    lint("privileges: { user: 1000, capabilities: [net_bind_service] }\n"),
    ["root-with-capabilities"],
    [],
  );
});

Deno.test("lintPolicies() calls a host daemon's Unix socket a full escape", {
  permissions: "none",
}, () => {
  const findings = lint(
    "network:\n" +
      "  unix:\n" + //                          line 7
      "    - /run/dbus/system_bus_socket\n" + // 8
      "    - /var/run/docker.sock\n" + //       9
      "    - /run/containerd/\n" + //           10
      "    - /run/systemd/private\n" + //       11
      "    - /run/\n" + //                      12
      "    - /run/app.sock\n" + //              13
      "    - /run/user/1000/bus\n" + //         14
      '    - "@dbus-abstract"\n', //            15
  );
  expect(findings, ["unix-host-daemon"], [
    /^unix-host-daemon 8:9 .*"\/run\/dbus\/system_bus_socket", the socket of the D-Bus system bus.*full escape/,
    /^unix-host-daemon 9:9 .*"\/var\/run\/docker.sock", the socket of the Docker daemon: a full escape/,
    /^unix-host-daemon 10:9 .*containerd.*full escape/,
    /^unix-host-daemon 11:9 .*"\/run\/systemd\/private", the socket of systemd:/,
    /^unix-host-daemon 12:9 .*"\/run\/", which holds \/run\/dbus\/system_bus_socket.*full escape/,
  ]);
  if (findings.find((f) => f.code === "unix-host-daemon")?.severity !== "warning") fail("severity");
});

Deno.test(
  "lintPolicies() reports write access to /, /proc, /sys and /dev beyond the safe devices",
  {
    permissions: "none",
  },
  () => {
    const findings = lint(
      "filesystem:\n" + //                                                         line 6
        "  write: [/tmp, /, /proc/sys/kernel, /sys/fs/cgroup, /dev, /dev/null, /dev/pts, /dev/shm/x, /dev/sda]\n",
    );
    expect(findings, ["write-system-path"], [
      /^write-system-path 6:3 Policy "p" may write "\/", which makes every file of the host/,
      /^write-system-path 6:3 .*"\/dev", which makes device nodes/,
      /^write-system-path 6:3 .*"\/dev\/sda", which makes device nodes/,
      /^write-system-path 6:3 .*"\/proc\/sys\/kernel", which makes kernel settings/,
      /^write-system-path 6:3 .*"\/sys\/fs\/cgroup", .*cgroup\.procs/,
    ]);
  },
);

Deno.test("lintPolicies() reports write paths that are also execute paths (W+X on disk)", {
  permissions: "none",
}, () => {
  const findings = lint("filesystem:\n  write: [/opt/app]\n  execute: [/usr/bin, /opt/app/bin]\n");
  expect(findings, ["write-over-executable"], [/"\/opt\/app", which contains .*"\/opt\/app\/bin"/]);
});

Deno.test("lintPolicies() reports the mprotect W^X recipe without memory.writeExecute: deny", {
  permissions: "none",
}, () => {
  const recipe = "rules:\n" + //                                                   line 6
    "  - id: wx\n" + //                                                               7
    "    syscalls: [mprotect, pkey_mprotect]\n" +
    "    action: deny\n" +
    "    args: [{ index: 2, op: masked_eq, mask: PROT_EXEC, value: PROT_EXEC }]\n";
  expect(lint(recipe), ["wx-recipe-without-memory"], [
    /^wx-recipe-without-memory 7:7 .*denies mprotect and pkey_mprotect with PROT_EXEC \(rule "wx"\) but has no memory section: .*writeExecute: deny/,
  ]);
  expect(lint(recipe + "memory: { writeExecute: allow }\n"), ["wx-recipe-without-memory"], [
    /^wx-recipe-without-memory 11:3 .*sets memory.writeExecute: allow/,
  ]);
  expect(lint(recipe + "memory: { writeExecute: deny }\n"), ["wx-recipe-without-memory"], []);
  const read =
    "rules:\n  - { syscalls: [mprotect], action: deny, args: [{ index: 2, op: eq, value: PROT_READ }] }\n";
  expect(lint(read), ["wx-recipe-without-memory"], []);
});

Deno.test("lintPrivileges() reports inherited grants at the parent's lines, once per layer", {
  permissions: "none",
}, () => {
  const text = `apiVersion: cordon/v1
kind: Policy
metadata: { name: base }
spec:
  defaultAction: deny
  privileges: { capabilities: [sys_admin] }
---
apiVersion: cordon/v1
kind: Policy
metadata: { name: app }
spec:
  extends: [base]
`;
  const findings = lintPrivileges(resolvePolicies(parsePolicies(text, "s.yaml")));
  const got = findings.map((f) => `${f.policy} ${f.loc.line}:${f.loc.column}`);
  if (got.join() !== "base 6:32,app 6:32") fail(got.join());
});

Deno.test("every privileges lint code is in the catalogue", { permissions: "none" }, () => {
  for (const [code, entry] of Object.entries(PRIVILEGES_LINT_CODES)) {
    if (LINT_CODES[code] !== entry) fail(code);
    if (entry.description.trim() === "") fail(`${code} undescribed`);
  }
});

Deno.test(
  "cordon check's linter finds every deliberate way out in tests/testdata/policies/grants-escape.yaml",
  {
    permissions: { read: true },
  },
  async () => {
    const { loadPolicyFiles } = await import("../policies/load_policy_files.ts");
    const file = new URL("../tests/testdata/policies/grants-escape.yaml", import.meta.url).pathname;
    const set = await loadPolicyFiles([file]);
    const resolved = resolvePolicies(set);
    const findings = lintPolicies(set, resolved, compilePolicies(resolved, { arches: ["x86_64"] }));
    const codes = Object.keys(PRIVILEGES_LINT_CODES).concat("write-over-executable");
    const got = findings.filter((f) => codes.includes(f.code))
      .map((f) => `${f.loc.line} ${f.code}`);
    const expected = [
      "9 signals-any",
      "10 dangerous-capability",
      "10 dangerous-capability",
      "10 dangerous-capability",
      "11 root-with-capabilities",
      "13 raw-device",
      "13 raw-device",
      "15 wx-recipe-without-memory",
      "19 unix-host-daemon",
      "19 unix-host-daemon",
      "20 write-over-executable", // contains /opt/tools/bin
      "20 write-over-executable", // lies in builtin:baseline's execute path /opt
      "20 write-system-path",
    ];
    if (got.join("\n") !== expected.join("\n")) fail(`got:\n${got.join("\n")}`);
    if (findings.some((f) => f.severity === "error")) fail("the policy is valid");
  },
);
