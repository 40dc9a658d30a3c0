import { BUILTIN_PROFILES } from "./builtin_profiles.ts";
import { parsePolicies } from "./parse.ts";
import { resolvePolicies } from "./resolve.ts";
import { syscallNumber } from "./syscalls.ts";
import { resolveConstant } from "./constants.ts";
import { type Arch, ARCHES } from "./types.ts";
import { compilePolicies } from "../compile/compile.ts";
import { evaluate } from "../compile/evaluate.ts";
import { lintPolicies } from "../compile/lint.ts";
import type { FilterSet } from "../compile/filter_set.ts";
import { fail } from "node:assert/strict";

function compileText(text: string, file: string): FilterSet {
  return compilePolicies(resolvePolicies(parsePolicies(text, file)));
}

const EPERM = 1;
/** The flags glibc's fork() passes to clone: just SIGCHLD. */
const SIGCHLD_FORK = 17n;
const ENOSYS = 38;

function decide(set: FilterSet, arch: Arch, name: string, args: bigint[] = []) {
  const nr = syscallNumber(arch, name) ?? fail(`${name} does not exist on ${arch}`);
  return evaluate(set, { arch, nr, args });
}

function constant(name: string): bigint {
  return resolveConstant(name) ?? fail(`no constant ${name}`);
}

Deno.test("builtin:baseline parses, resolves, compiles and lints without errors or warnings", {
  permissions: "none",
}, () => {
  const text = BUILTIN_PROFILES["builtin:baseline"] ?? fail("no baseline");
  const set = parsePolicies(text, "builtin:baseline");
  const resolved = resolvePolicies(set);
  const findings = lintPolicies(set, resolved, compilePolicies(resolved));
  const bad = findings.filter((f) => f.severity !== "info");
  if (bad.length > 0) fail(bad.map((f) => `${f.code}: ${f.message}`).join("\n"));
});

Deno.test("builtin:baseline denies the sandbox escapes on every architecture", {
  permissions: "none",
}, async (t) => {
  const set = compileText(BUILTIN_PROFILES["builtin:baseline"]!, "builtin:baseline");
  const expected: [string, "kill" | "deny", number?][] = [
    ["io_uring_setup", "deny", ENOSYS],
    ["io_uring_enter", "deny", ENOSYS],
    ["ptrace", "kill"],
    ["process_vm_readv", "kill"],
    ["process_vm_writev", "kill"],
    ["bpf", "deny", EPERM],
    ["init_module", "kill"],
    ["finit_module", "kill"],
    ["kexec_load", "kill"],
    ["reboot", "kill"],
    ["mount", "deny", EPERM],
    ["umount2", "deny", EPERM],
    ["fsopen", "deny", EPERM],
    ["keyctl", "deny", EPERM],
    ["unshare", "deny", EPERM],
    ["setns", "deny", EPERM],
    ["clone3", "deny", ENOSYS],
    ["setuid", "deny", EPERM],
    ["open_by_handle_at", "deny", EPERM],
    // newer than Linux 6.1: the same effects through new numbers
    ["open_tree_attr", "deny", EPERM],
    ["listns", "deny", EPERM],
    ["fchroot", "deny", EPERM],
    ["lsm_set_self_attr", "deny", EPERM],
  ];
  for (const arch of ARCHES) {
    await t.step(arch, () => {
      for (const [name, action, errno] of expected) {
        if (syscallNumber(arch, name) === undefined) continue;
        const verdict = decide(set, arch, name);
        if (verdict.action !== action || (errno !== undefined && verdict.errno !== errno)) {
          fail(`${arch} ${name}: ${verdict.action} ${verdict.errno ?? ""}`);
        }
      }
    });
  }
});

Deno.test("builtin:baseline allows what ordinary command-line programs do", {
  permissions: "none",
}, async (t) => {
  const set = compileText(BUILTIN_PROFILES["builtin:baseline"]!, "builtin:baseline");
  const names = [
    "read",
    "write",
    "openat",
    "close",
    "newfstatat",
    "fstat64",
    "getdents64",
    "mmap",
    "mmap2",
    "mprotect",
    "brk",
    "rt_sigaction",
    "clock_gettime",
    "execve",
    "wait4",
    "pipe2",
    "unlinkat",
    "mkdirat",
    "exit_group",
    "futex",
    "getrandom",
    // newer than Linux 6.1, in the same groups as their older siblings
    "fchmodat2",
    "setxattrat",
    "getxattrat",
    "listxattrat",
    "removexattrat",
    "file_getattr",
    "file_setattr",
    "futex_wait",
    "futex_wake",
    "futex_requeue",
    "cachestat",
    "mseal",
    "map_shadow_stack",
    "statmount",
    "listmount",
    "lsm_get_self_attr",
    "lsm_list_modules",
    "rseq_slice_yield",
  ];
  for (const arch of ARCHES) {
    await t.step(arch, () => {
      for (const name of names) {
        if (syscallNumber(arch, name) === undefined) continue;
        const verdict = decide(set, arch, name);
        if (verdict.action !== "allow") fail(`${arch} ${name}: ${verdict.action}`);
      }
    });
  }
});

Deno.test("builtin:baseline allows Unix sockets and nothing else", { permissions: "none" }, () => {
  const set = compileText(BUILTIN_PROFILES["builtin:baseline"]!, "builtin:baseline");
  if (decide(set, "x86_64", "socket", [constant("AF_UNIX"), 1n]).action !== "allow") {
    fail("AF_UNIX must be allowed");
  }
  for (const domain of ["AF_INET", "AF_INET6", "AF_PACKET", "AF_NETLINK"]) {
    const verdict = decide(set, "x86_64", "socket", [constant(domain), 1n]);
    if (verdict.action !== "deny") fail(`${domain}: ${verdict.action}`);
  }
  for (const name of ["bind", "listen", "accept4"]) {
    if (decide(set, "x86_64", name).action !== "deny") fail(`${name} must be denied`);
  }
  if (decide(set, "i386", "socketcall", [1n]).action !== "deny") fail("socketcall");
});

Deno.test("builtin:baseline allows clone only without namespace flags", {
  permissions: "none",
}, async (t) => {
  const set = compileText(BUILTIN_PROFILES["builtin:baseline"]!, "builtin:baseline");
  const thread = constant("CLONE_VM") | constant("CLONE_FS") | constant("CLONE_FILES") |
    constant("CLONE_SIGHAND") | constant("CLONE_THREAD") | constant("CLONE_SYSVSEM");
  for (const arch of ARCHES) {
    await t.step(arch, () => {
      for (const flags of [SIGCHLD_FORK, thread]) {
        const verdict = decide(set, arch, "clone", [flags]);
        if (verdict.action !== "allow") fail(`clone(${flags}): ${verdict.action}`);
      }
      for (
        const flag of [
          "CLONE_NEWUSER",
          "CLONE_NEWNS",
          "CLONE_NEWNET",
          "CLONE_NEWPID",
          "CLONE_NEWIPC",
          "CLONE_NEWUTS",
          "CLONE_NEWCGROUP",
          "CLONE_NEWTIME",
        ]
      ) {
        const verdict = decide(set, arch, "clone", [constant(flag) | SIGCHLD_FORK]);
        if (verdict.action !== "deny") fail(`clone(${flag}): ${verdict.action}`);
      }
    });
  }
});

Deno.test("builtin:baseline denies TIOCSTI even with garbage in the upper 32 bits", {
  permissions: "none",
}, () => {
  const set = compileText(BUILTIN_PROFILES["builtin:baseline"]!, "builtin:baseline");
  for (const cmd of [0x5412n, 0xdead_beef_0000_5412n, 0x541cn]) {
    const verdict = decide(set, "x86_64", "ioctl", [0n, cmd]);
    if (verdict.action !== "deny") fail(`ioctl(0x${cmd.toString(16)}): ${verdict.action}`);
  }
  const tcgets = decide(set, "x86_64", "ioctl", [0n, 0x5401n]);
  if (tcgets.action !== "allow") fail(`TCGETS: ${tcgets.action}`);
});

Deno.test("a child of builtin:baseline cannot re-enable io_uring or ptrace through capabilities", {
  permissions: "none",
}, () => {
  const set = compileText(
    `apiVersion: cordon/v1
kind: Policy
metadata: { name: child }
spec:
  extends: [builtin:baseline]
  capabilities:
    allow: [io_uring, proc.debug, net.client]
`,
    "child.yaml",
  );
  if (decide(set, "x86_64", "io_uring_setup").action !== "deny") fail("io_uring_setup");
  if (decide(set, "x86_64", "ptrace").action !== "kill") fail("ptrace");
  if (decide(set, "x86_64", "socket", [constant("AF_INET"), 1n]).action !== "allow") {
    fail("net.client must allow AF_INET sockets in the child");
  }
});
