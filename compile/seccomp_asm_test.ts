import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { disassemble, formatInstruction } from "./seccomp_asm.ts";
import { compilePolicies } from "./compile.ts";
import { compileSeccomp } from "./seccomp.ts";
import { policy, rule } from "./_test_policies.ts";

Deno.test({
  name: "formatInstruction() prints every seccomp instruction class in bpf_dbg syntax",
  permissions: "none",
  fn() {
    const table: [number, number, number, number, string][] = [
      [0x20, 0, 0, 4, "ld [4]"],
      [0x00, 0, 0, 7, "ld #0x7"],
      [0x60, 0, 0, 3, "ld M[3]"],
      [0x80, 0, 0, 0, "ld #len"],
      [0x01, 0, 0, 9, "ldx #0x9"],
      [0x61, 0, 0, 2, "ldx M[2]"],
      [0x02, 0, 0, 1, "st M[1]"],
      [0x03, 0, 0, 1, "stx M[1]"],
      [0x54, 0, 0, 0xff, "and #0xff"],
      [0x0c, 0, 0, 0, "add x"],
      [0x84, 0, 0, 0, "neg"],
      [0x05, 0, 0, 5, "ja L0016"],
      [0x15, 0, 2, 0x3b, "jeq #0x3b, L0011, L0013"],
      [0x25, 1, 0, 9, "jgt #0x9, L0012, L0011"],
      [0x35, 0, 0, 1, "jge #0x1, L0011, L0011"],
      [0x45, 0, 1, 0x10, "jset #0x10, L0011, L0012"],
      [0x1d, 0, 1, 0, "jeq x, L0011, L0012"],
      [0x06, 0, 0, 0x7fff0000, "ret ALLOW"],
      [0x06, 0, 0, 0x00050001, "ret ERRNO(1)"],
      [0x06, 0, 0, 0x80000000, "ret KILL_PROCESS"],
      [0x06, 0, 0, 0x7ff00005, "ret TRACE(5)"],
      [0x16, 0, 0, 0, "ret a"],
      [0x07, 0, 0, 0, "tax"],
      [0x87, 0, 0, 0, "txa"],
    ];
    for (const [code, jt, jf, k, text] of table) {
      assertEquals(formatInstruction({ code, jt, jf, k }, 10), text);
    }
  },
});

Deno.test({
  name: "disassemble() labels every instruction and comments rule ids and syscall names",
  permissions: "none",
  fn() {
    const set = compilePolicies([policy({
      defaultAction: "deny",
      rules: [
        rule({ id: "basic-io", syscalls: ["read", "write"], action: "allow" }),
        rule({
          id: "no-raw-sockets",
          syscalls: ["socket"],
          action: "deny",
          errno: 13,
          args: [{ index: 1, op: "eq", value: 3n }],
        }),
      ],
    })], { arches: ["x86_64", "i386"] });
    const program = compileSeccomp(set.layers[0]!, ["x86_64", "i386"]);
    const text = disassemble(program);
    const lines = text.trimEnd().split("\n");
    assertEquals(lines.length, program.instructions.length + 1);
    ok(lines[0]!.includes(`${program.instructions.length} instructions`), lines[0]);
    ok(lines[1]!.startsWith("L0000: ld [4]") && lines[1]!.includes("; arch"), lines[1]);
    ok(text.includes("jeq #0xc000003e"), "the x86_64 audit arch is checked");
    ok(/ret ERRNO\(13\)\s+; socket: rule no-raw-sockets/.test(text), text);
    ok(/ret ALLOW\s+;.*rule basic-io/.test(text), text);
    ok(/args\[1\] low/.test(text) && /args\[1\] == 0x3/.test(text), text);
    ok(/ret KILL_PROCESS\s+; architecture not admitted/.test(text), text);
    ok(/nr >= \d+ \(socket\)|\(socket\)/.test(text), "a syscall name appears");
  },
});
