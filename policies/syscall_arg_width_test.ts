import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { syscallArgSigned, syscallArgWidth } from "./syscall_arg_width.ts";
import { syscallArgKinds, syscallNumber } from "./syscalls.ts";
import { SYSCALL_ARGS } from "./syscall_args.ts";
import { type Arch, ARCHES } from "./types.ts";

Deno.test({
  name: "syscallArgWidth() gives the bits the kernel reads of each argument type",
  permissions: "none",
  fn() {
    const table: [string | null, Arch, number, 16 | 32 | 64 | undefined][] = [
      ["socket", "x86_64", 0, 32], // int family
      ["kill", "x86_64", 0, 32], // pid_t
      ["setuid", "x86_64", 0, 32], // uid_t
      ["personality", "aarch64", 0, 32], // unsigned int
      ["add_key", "x86_64", 4, 32], // key_serial_t
      ["timer_settime", "x86_64", 0, 32], // timer_t
      ["clock_gettime", "x86_64", 0, 32], // const clockid_t
      ["landlock_add_rule", "x86_64", 1, 32], // const enum landlock_rule_type
      ["chmod", "x86_64", 1, 16], // umode_t
      ["openat", "x86_64", 3, 16], // umode_t
      ["mmap", "x86_64", 1, 64], // unsigned long len
      ["read", "x86_64", 2, 64], // size_t
      ["lseek", "x86_64", 1, 64], // off_t
      ["io_destroy", "x86_64", 0, 64], // aio_context_t is an unsigned long
      ["openat", "x86_64", 1, 64], // a pointer
      ["socket", "x86_64", 3, undefined], // past the arguments
      [null, "x86_64", 0, undefined], // a number the table lacks
      ["read", "i386", 2, 32], // every i386 register is 32 bits
      [null, "i386", 0, 32],
      ["chmod", "i386", 1, 16],
      ["setuid", "i386", 0, 16], // setuid16: old_uid_t
      ["setuid32", "i386", 0, 32],
      ["chown", "i386", 1, 16], // chown16
      ["chown", "i386", 0, 32], // the path pointer
      ["socket", "x32", 0, 32],
      // syscalls newer than Linux 6.1
      ["fchmodat2", "x86_64", 0, 32], // int dfd
      ["fchmodat2", "x86_64", 2, 16], // umode_t mode, as fchmodat's
      ["fchmodat2", "aarch64", 2, 16],
      ["fchmodat2", "x32", 2, 16],
      ["fchmodat2", "i386", 2, 16],
      ["fchmodat2", "x86_64", 3, 32], // unsigned int flags
      ["setxattrat", "x86_64", 2, 32], // unsigned int at_flags
      ["setxattrat", "x86_64", 5, 64], // size_t usize
      ["file_setattr", "x86_64", 4, 32], // unsigned int at_flags
      ["open_tree_attr", "x86_64", 2, 32], // unsigned flags
      ["futex_wait", "x86_64", 1, 64], // unsigned long val
      ["futex_wait", "x86_64", 5, 32], // clockid_t
      ["futex_wake", "x86_64", 2, 32], // int nr
      ["lsm_set_self_attr", "x86_64", 2, 32], // u32 size
      ["cachestat", "x86_64", 0, 32], // unsigned int fd
      ["mseal", "x86_64", 2, 64], // unsigned long flags
      ["statmount", "x86_64", 3, 32], // unsigned int flags
      ["listns", "x86_64", 3, 32], // unsigned int flags (syscall_args_untraced.ts)
      ["fchroot", "x86_64", 0, undefined], // unknown: all 64 bits
    ];
    for (const [name, arch, index, width] of table) {
      assertEquals(syscallArgWidth(name, arch, index), width, `${name} ${arch} ${index}`);
    }
  },
});

Deno.test({
  name: "syscallArgSigned() tells signed C types from unsigned ones",
  permissions: "none",
  fn() {
    assertEquals(syscallArgSigned("openat", "x86_64", 0), true); // int dfd
    assertEquals(syscallArgSigned("kill", "x86_64", 0), true); // pid_t
    assertEquals(syscallArgSigned("personality", "x86_64", 0), false); // unsigned int
    assertEquals(syscallArgSigned("setuid", "x86_64", 0), false); // uid_t
    assertEquals(syscallArgSigned("setuid", "i386", 0), false); // old_uid_t
    assertEquals(syscallArgSigned("socket", "x86_64", 5), undefined);
  },
});

Deno.test({
  name: "syscallArgWidth() classifies every argument type the kernel's tracepoints declare",
  permissions: "none",
  fn() {
    // A type added by a newer kernel and not classified would silently fall back to 64-bit
    // comparisons, which the high-bits bypass defeats for narrower types.
    const unclassified: string[] = [];
    for (const [name, decls] of Object.entries(SYSCALL_ARGS)) {
      const arch = ARCHES.find((a) => a !== "i386" && syscallNumber(a, name) !== undefined);
      if (arch === undefined) continue;
      const args = syscallArgKinds(name, arch)!;
      for (let i = 0; i < decls.length; i++) {
        if (syscallArgWidth(name, arch, i) === undefined) {
          unclassified.push(`${name}[${i}]: ${args[i]!.type}`);
        }
      }
    }
    assertEquals(unclassified, []);
  },
});
