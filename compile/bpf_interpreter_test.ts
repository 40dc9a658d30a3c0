import { deepStrictEqual as assertEquals } from "node:assert/strict";
import {
  BpfProgramError,
  decodeAction,
  runSeccomp,
  type SeccompData,
  validateSeccompProgram,
} from "./bpf_interpreter.ts";
import {
  BPF_A,
  BPF_ABS,
  BPF_ADD,
  BPF_ALU,
  BPF_AND,
  BPF_B,
  BPF_DIV,
  BPF_IMM,
  BPF_JA,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_JMP,
  BPF_JSET,
  BPF_K,
  BPF_LD,
  BPF_LDX,
  BPF_LEN,
  BPF_LSH,
  BPF_MEM,
  BPF_MISC,
  BPF_MOD,
  BPF_MUL,
  BPF_NEG,
  BPF_OR,
  BPF_RET,
  BPF_RSH,
  BPF_ST,
  BPF_STX,
  BPF_SUB,
  BPF_TAX,
  BPF_TXA,
  BPF_W,
  BPF_X,
  BPF_XOR,
  decodeSockFilters,
  encodeSockFilters,
  formatAction,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE,
  SECCOMP_RET_TRAP,
  SECCOMP_RET_USER_NOTIF,
  type SockFilter,
} from "./sock_filter.ts";

function assertThrows<E extends Error>(
  fn: () => unknown,
  type: abstract new (...args: never[]) => E,
): E {
  try {
    fn();
  } catch (error) {
    if (error instanceof type) return error;
    throw new Error(`expected ${type.name}, got ${String(error)}`);
  }
  throw new Error(`expected ${type.name}, nothing was thrown`);
}

const i = (code: number, k = 0, jt = 0, jf = 0): SockFilter => ({ code, jt, jf, k });
const ret = (k: number) => i(BPF_RET | BPF_K, k);
const retA = i(BPF_RET | BPF_A);
const ld = (offset: number) => i(BPF_LD | BPF_W | BPF_ABS, offset);
const data = (nr: number, args: bigint[] = [], arch = 0xc000003e): SeccompData => ({
  nr,
  arch,
  args,
});

Deno.test({
  name: "runSeccomp() loads nr, arch, the instruction pointer and both halves of every argument",
  permissions: "none",
  fn() {
    const input: SeccompData = {
      nr: 7,
      arch: 0x40000003,
      instructionPointer: 0x1122334455667788n,
      args: [0x0000000100000002n, 3n, 4n, 5n, 6n, 0xfffffffffffffffen],
    };
    const cases: [number, number][] = [
      [0, 7],
      [4, 0x40000003],
      [8, 0x55667788],
      [12, 0x11223344],
      [16, 2],
      [20, 1],
      [24, 3],
      [56, 0xfffffffe],
      [60, 0xffffffff],
    ];
    for (const [offset, expected] of cases) {
      assertEquals(runSeccomp([ld(offset), retA], input).action, expected, `offset ${offset}`);
    }
  },
});

Deno.test({
  name: "runSeccomp() does unsigned 32-bit ALU arithmetic with K and X operands",
  permissions: "none",
  fn() {
    const alu = (op: number, a: number, operand: number, viaX: boolean): number => {
      const program = viaX
        ? [
          i(BPF_LDX | BPF_IMM, operand),
          i(BPF_LD | BPF_IMM, a),
          i(BPF_ALU | op | BPF_X),
          retA,
        ]
        : [i(BPF_LD | BPF_IMM, a), i(BPF_ALU | op | BPF_K, operand), retA];
      return runSeccomp(program, data(0)).action;
    };
    const table: [string, number, number, number, number][] = [
      ["add wraps", BPF_ADD, 0xffffffff, 2, 1],
      ["sub wraps", BPF_SUB, 1, 2, 0xffffffff],
      ["mul keeps the low 32 bits", BPF_MUL, 0x10001, 0x10001, 0x20001],
      ["div is unsigned", BPF_DIV, 0xfffffffe, 2, 0x7fffffff],
      ["or", BPF_OR, 0xf0, 0x0f, 0xff],
      ["and", BPF_AND, 0xff00ff00, 0x0ff00ff0, 0x0f000f00],
      ["xor", BPF_XOR, 0xffff0000, 0xff00ff00, 0x00ffff00],
      ["lsh", BPF_LSH, 0x80000001, 1, 2],
      ["rsh is logical", BPF_RSH, 0x80000000, 31, 1],
    ];
    for (const [name, op, a, operand, expected] of table) {
      assertEquals(alu(op, a, operand, false), expected, `${name} (K)`);
      assertEquals(alu(op, a, operand, true), expected, `${name} (X)`);
    }
    assertEquals(
      runSeccomp([i(BPF_LD | BPF_IMM, 5), i(BPF_ALU | BPF_NEG), retA], data(0)).action,
      0xfffffffb,
    );
  },
});

Deno.test({
  name: "runSeccomp() returns 0 (kill thread) on a division by X = 0",
  permissions: "none",
  fn() {
    const program = [
      i(BPF_LDX | BPF_IMM, 0),
      i(BPF_LD | BPF_IMM, 10),
      i(BPF_ALU | BPF_DIV | BPF_X),
      ret(SECCOMP_RET_ALLOW),
    ];
    const run = runSeccomp(program, data(0));
    assertEquals(run.action, 0);
    assertEquals(run.executed, 3);
  },
});

Deno.test({
  name: "runSeccomp() takes jeq/jgt/jge/jset branches with K and X operands",
  permissions: "none",
  fn() {
    const branch = (op: number, a: number, operand: number): boolean => {
      const viaK = [
        i(BPF_LD | BPF_IMM, a),
        i(BPF_JMP | op | BPF_K, operand, 0, 1),
        ret(1),
        ret(0),
      ];
      const viaX = [
        i(BPF_LDX | BPF_IMM, operand),
        i(BPF_LD | BPF_IMM, a),
        i(BPF_JMP | op | BPF_X, 0, 0, 1),
        ret(1),
        ret(0),
      ];
      const k = runSeccomp(viaK, data(0)).action === 1;
      const x = runSeccomp(viaX, data(0)).action === 1;
      assertEquals(k, x, `K and X forms of 0x${op.toString(16)} agree`);
      return k;
    };
    assertEquals(branch(BPF_JEQ, 5, 5), true);
    assertEquals(branch(BPF_JEQ, 5, 6), false);
    assertEquals(branch(BPF_JGT, 0x80000000, 0x7fffffff), true, "unsigned");
    assertEquals(branch(BPF_JGT, 5, 5), false);
    assertEquals(branch(BPF_JGE, 5, 5), true);
    assertEquals(branch(BPF_JGE, 4, 5), false);
    assertEquals(branch(BPF_JSET, 0b1010, 0b0010), true);
    assertEquals(branch(BPF_JSET, 0b1010, 0b0101), false);
  },
});

Deno.test({
  name: "runSeccomp() follows ja, uses scratch memory, TAX/TXA and LEN, and counts instructions",
  permissions: "none",
  fn() {
    const program = [
      ld(0), // A = nr
      i(BPF_ST, 0, 0, 0), // M[0] = nr
      i(BPF_MISC | BPF_TAX), // X = nr
      i(BPF_LD | BPF_W | BPF_LEN), // A = 64
      i(BPF_ALU | BPF_ADD | BPF_X), // A = 64 + nr
      i(BPF_STX, 1), // M[1] = nr
      i(BPF_LDX | BPF_MEM, 0), // X = M[0]
      i(BPF_JMP | BPF_JA, 1), // skip the next
      ret(0xdead),
      i(BPF_ALU | BPF_ADD | BPF_X), // A = 64 + 2 nr
      i(BPF_MISC | BPF_TXA), // A = X... overwritten below
      i(BPF_LD | BPF_MEM, 1), // A = M[1]
      i(BPF_ALU | BPF_ADD | BPF_K, 100),
      retA,
    ];
    const run = runSeccomp(program, data(5));
    assertEquals(run.action, 105);
    assertEquals(run.executed, 13);
    assertEquals(run.loadsArguments, false);
  },
});

Deno.test({
  name: "runSeccomp() reports whether a path loaded an argument or the instruction pointer",
  permissions: "none",
  fn() {
    const program = [
      ld(0),
      i(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2),
      ld(16),
      retA,
      ld(4),
      retA,
    ];
    assertEquals(runSeccomp(program, data(1, [9n])).loadsArguments, true);
    assertEquals(runSeccomp(program, data(2, [9n])).loadsArguments, false);
    assertEquals(runSeccomp([ld(8), retA], data(0)).loadsArguments, true);
  },
});

Deno.test({
  name: "validateSeccompProgram() refuses what the kernel's checker refuses",
  permissions: "none",
  async fn(t) {
    const table: [string, SockFilter[]][] = [
      ["an empty program", []],
      ["a program over 4096 instructions", Array.from({ length: 4097 }, () => ret(0))],
      ["a program that does not end in ret", [ld(0)]],
      ["a load outside seccomp_data", [ld(64), retA]],
      ["an unaligned load", [ld(2), retA]],
      ["a byte load", [i(BPF_LD | BPF_B | BPF_ABS, 0), retA]],
      ["BPF_MOD", [i(BPF_ALU | BPF_MOD | BPF_K, 3), retA]],
      ["a division by the constant 0", [i(BPF_ALU | BPF_DIV | BPF_K, 0), retA]],
      ["a shift by 32", [i(BPF_ALU | BPF_LSH | BPF_K, 32), retA]],
      ["a conditional jump past the end", [i(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), retA]],
      ["a ja past the end", [i(BPF_JMP | BPF_JA, 1), retA]],
      ["a scratch read before a write", [i(BPF_LD | BPF_MEM, 3), retA]],
      ["a scratch index out of range", [i(BPF_ST, 16), retA]],
      [
        "a scratch write on only one path",
        [
          i(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
          i(BPF_ST, 2),
          i(BPF_LD | BPF_MEM, 2),
          retA,
        ],
      ],
      ["ret X", [i(BPF_RET | BPF_X)]],
      ["an opcode with high bits", [i(0x106, 0)]],
      ["a jt that does not fit a byte", [i(BPF_JMP | BPF_JEQ | BPF_K, 0, 256, 0), retA]],
    ];
    for (const [name, program] of table) {
      await t.step(`refuses ${name}`, () => {
        assertThrows(() => validateSeccompProgram(program), BpfProgramError);
      });
    }
    await t.step("accepts a scratch write on every path", () => {
      validateSeccompProgram([
        i(BPF_ST, 2),
        i(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
        i(BPF_LD | BPF_MEM, 2),
        retA,
      ]);
    });
    await t.step("errors carry a code and the instruction index", () => {
      const error = assertThrows(() => validateSeccompProgram([ld(3), retA]), BpfProgramError);
      assertEquals(error.code, "invalid-program");
      assertEquals(error.pc, 0);
    });
  },
});

Deno.test({
  name: "decodeAction() and formatAction() name every seccomp action and keep its data",
  permissions: "none",
  fn() {
    assertEquals(decodeAction(SECCOMP_RET_ERRNO | 13), { action: "errno", data: 13 });
    assertEquals(decodeAction(SECCOMP_RET_TRACE | 7), { action: "trace", data: 7 });
    assertEquals(decodeAction(SECCOMP_RET_TRAP | 2), { action: "trap", data: 2 });
    assertEquals(decodeAction(SECCOMP_RET_USER_NOTIF).action, "user_notif");
    assertEquals(decodeAction(SECCOMP_RET_LOG).action, "log");
    assertEquals(decodeAction(SECCOMP_RET_ALLOW).action, "allow");
    assertEquals(decodeAction(0).action, "kill_thread");
    assertEquals(decodeAction(SECCOMP_RET_KILL_PROCESS).action, "kill_process");
    assertEquals(decodeAction(0x7ffe0000).action, "kill_process", "unknown actions kill");
    assertEquals(formatAction(SECCOMP_RET_ERRNO | 1), "ERRNO(1)");
    assertEquals(formatAction(SECCOMP_RET_ALLOW), "ALLOW");
    assertEquals(formatAction(SECCOMP_RET_KILL_PROCESS), "KILL_PROCESS");
  },
});

Deno.test({
  name: "encodeSockFilters() writes little-endian struct sock_filter and decodes back",
  permissions: "none",
  fn() {
    const program = [
      ld(4),
      i(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003e, 1, 2),
      ret(SECCOMP_RET_ERRNO | 1),
    ];
    const bytes = encodeSockFilters(program);
    assertEquals(
      [...bytes.subarray(8, 16)],
      [0x15, 0x00, 0x01, 0x02, 0x3e, 0x00, 0x00, 0xc0],
    );
    assertEquals(decodeSockFilters(bytes), program);
    assertThrows(() => decodeSockFilters(new Uint8Array(7)), RangeError);
  },
});
