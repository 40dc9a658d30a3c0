import { CAPABILITY_GROUPS, capabilityGroup, UNGROUPED_SYSCALLS } from "./capability_groups.ts";
import { isKnownSyscall, syscallNumber, syscallTable } from "./syscalls.ts";
import { ARCHES } from "./types.ts";
import { fail } from "node:assert/strict";

Deno.test("CAPABILITY_GROUPS names only syscalls that exist on some architecture", {
  permissions: "none",
}, () => {
  const unknown = Object.entries(CAPABILITY_GROUPS).flatMap(([group, { syscalls }]) =>
    syscalls.filter((name) => !isKnownSyscall(name)).map((name) => `${group}: ${name}`)
  );
  if (unknown.length > 0) fail(`unknown syscalls: ${unknown.join(", ")}`);
  const unknownUngrouped = Object.keys(UNGROUPED_SYSCALLS).filter((n) => !isKnownSyscall(n));
  if (unknownUngrouped.length > 0) fail(`unknown ungrouped: ${unknownUngrouped.join(", ")}`);
});

Deno.test("every x86_64 syscall is in a group or explicitly ungrouped", {
  permissions: "none",
}, () => {
  const grouped = new Set(Object.values(CAPABILITY_GROUPS).flatMap((g) => g.syscalls));
  const orphans = [...syscallTable("x86_64").byName.keys()].filter((name) =>
    !grouped.has(name) && !Object.hasOwn(UNGROUPED_SYSCALLS, name)
  );
  if (orphans.length > 0) {
    fail(`add to a group or to UNGROUPED_SYSCALLS: ${orphans.sort().join(", ")}`);
  }
});

Deno.test("every syscall of every architecture is in a group or explicitly ungrouped", {
  permissions: "none",
}, async (t) => {
  const grouped = new Set(Object.values(CAPABILITY_GROUPS).flatMap((g) => g.syscalls));
  for (const arch of ARCHES) {
    await t.step(arch, () => {
      const orphans = [...syscallTable(arch).byName.keys()].filter((name) =>
        !grouped.has(name) && !Object.hasOwn(UNGROUPED_SYSCALLS, name)
      );
      if (orphans.length > 0) fail(`${arch}: ${orphans.sort().join(", ")}`);
    });
  }
});

Deno.test("no syscall is both grouped and ungrouped", { permissions: "none" }, () => {
  const grouped = new Set(Object.values(CAPABILITY_GROUPS).flatMap((g) => g.syscalls));
  const both = Object.keys(UNGROUPED_SYSCALLS).filter((name) => grouped.has(name));
  if (both.length > 0) fail(`both grouped and ungrouped: ${both.join(", ")}`);
});

Deno.test("no capability group is empty on x86_64", { permissions: "none" }, () => {
  const empty = Object.entries(CAPABILITY_GROUPS).filter(([, { syscalls }]) =>
    !syscalls.some((name) => syscallNumber("x86_64", name) !== undefined)
  ).map(([group]) => group);
  if (empty.length > 0) fail(`empty on x86_64: ${empty.join(", ")}`);
});

Deno.test("capability groups are sorted, unique, described and well named", {
  permissions: "none",
}, () => {
  for (const [name, group] of Object.entries(CAPABILITY_GROUPS)) {
    if (!/^[a-z_]+(\.[a-z_]+)?$/.test(name)) fail(`bad group name ${name}`);
    if (group.description.length < 20) fail(`${name}: description too short`);
    const sorted = [...new Set(group.syscalls)].sort();
    if (sorted.join() !== group.syscalls.join()) fail(`${name}: not sorted or has duplicates`);
  }
});

Deno.test("capability groups cover every route to their effect", {
  permissions: "none",
}, async (t) => {
  const required: Record<string, string[]> = {
    "fs.read": ["read", "readv", "pread64", "preadv", "preadv2", "openat", "io_submit"],
    "fs.write": [
      "write",
      "pwrite64",
      "writev",
      "pwritev",
      "pwritev2",
      "sendfile",
      "splice",
      "copy_file_range",
      "io_submit",
    ],
    "fs.create": [
      "open",
      "openat",
      "openat2",
      "creat",
      "mkdir",
      "mkdirat",
      "mknod",
      "mknodat",
      "symlink",
      "symlinkat",
      "link",
      "linkat",
      "rename",
      "renameat",
      "renameat2",
    ],
    "fs.delete": ["unlink", "unlinkat", "rmdir", "rename", "renameat", "renameat2"],
    "fs.metadata": ["stat", "fstat", "lstat", "newfstatat", "statx", "fstat64", "fstatat64"],
    "fs.attributes": ["chmod", "fchmodat", "chown", "chown32", "fchownat", "utimensat"],
    "net.client": ["socket", "connect", "sendto", "sendmsg", "sendmmsg", "socketcall"],
    "net.server": ["bind", "listen", "accept", "accept4", "socketcall"],
    "proc.spawn": ["fork", "vfork", "clone", "clone3"],
    "proc.exec": ["execve", "execveat"],
    "proc.debug": ["ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd"],
    "ipc": ["ipc", "shmat", "semtimedop_time64", "mq_timedsend_time64"],
    "mem": ["mmap", "mmap2", "mprotect", "pkey_mprotect", "mremap"],
    "time": ["clock_gettime", "clock_gettime64", "clock_nanosleep_time64", "nanosleep"],
    "time.set": ["settimeofday", "clock_settime", "clock_settime64", "adjtimex", "stime"],
    "signal": ["rt_sigaction", "sigaction", "kill", "tgkill", "rt_sigreturn", "sigreturn"],
    "io_uring": ["io_uring_setup", "io_uring_enter", "io_uring_register"],
    "module": ["init_module", "finit_module", "delete_module"],
    "mount": ["mount", "umount2", "fsopen", "fsmount", "move_mount", "open_tree", "pivot_root"],
    "reboot": ["reboot", "kexec_load", "kexec_file_load"],
    "keyring": ["add_key", "request_key", "keyctl"],
    "privileged": ["setuid", "setuid32", "setresuid", "capset", "iopl", "ioperm"],
  };
  for (const [group, names] of Object.entries(required)) {
    await t.step(group, () => {
      const syscalls = capabilityGroup(group)?.syscalls ?? fail(`no group ${group}`);
      const missing = names.filter((n) => !syscalls.includes(n));
      if (missing.length > 0) fail(`${group} lacks ${missing.join(", ")}`);
    });
  }
});

Deno.test("capabilityGroup() finds only own groups", { permissions: "none" }, () => {
  if (capabilityGroup("mem") !== CAPABILITY_GROUPS["mem"]) fail("mem");
  if (capabilityGroup("toString") !== undefined) fail("inherited property must not be a group");
  if (capabilityGroup("fs") !== undefined) fail("no group fs");
});

Deno.test("docs/capabilities.md is generated from the current groups", {
  permissions: { read: true, run: true },
}, async () => {
  const { formattedCapabilitiesDoc } = await import("./_generate_capabilities_doc.ts");
  const expected = await formattedCapabilitiesDoc();
  const actual = await Deno.readTextFile(new URL("../docs/capabilities.md", import.meta.url));
  if (actual !== expected) {
    fail(
      "docs/capabilities.md is out of date: ./deno run --allow-read --allow-write=docs --allow-run policies/_generate_capabilities_doc.ts",
    );
  }
});

Deno.test("every group has a syscall of its own on x86_64, so allowing it always matters", {
  permissions: "none",
}, () => {
  const groups = Object.entries(CAPABILITY_GROUPS);
  const without = groups.filter(([name, { syscalls }]) =>
    !syscalls.some((s) =>
      syscallNumber("x86_64", s) !== undefined &&
      groups.every(([other, g]) => other === name || !g.syscalls.includes(s))
    )
  ).map(([name]) => name);
  if (without.length > 0) fail(`groups without an own syscall: ${without.join(", ")}`);
});
