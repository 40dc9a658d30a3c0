/**
 * A classic BPF interpreter for seccomp programs: validates a program the way the kernel's
 * checker does (`bpf_check_classic` + `seccomp_check_filter`) and runs it on a `seccomp_data`.
 * Used by the simulation backend, the tests (every generated program is cross-checked through
 * it) and the benchmarks (instruction counts).
 *
 * @module
 */

import {
  BPF_A,
  BPF_ABS,
  BPF_ADD,
  BPF_ALU,
  BPF_AND,
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
  BPF_MAXINSNS,
  BPF_MEM,
  BPF_MEMWORDS,
  BPF_MISC,
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
  decodeAction,
  type DecodedAction,
  SECCOMP_DATA_ARCH,
  SECCOMP_DATA_NR,
  SECCOMP_DATA_SIZE,
  type SockFilter,
} from "./sock_filter.ts";

export { decodeAction, type DecodedAction };

/** The input of a seccomp program: `struct seccomp_data`. */
export interface SeccompData {
  /** The syscall number as the kernel reports it (x32 numbers include `0x40000000`). */
  readonly nr: number;
  /** The `AUDIT_ARCH_*` value of the calling convention. */
  readonly arch: number;
  /** The instruction pointer; 0 when absent. */
  readonly instructionPointer?: bigint;
  /** The six arguments as unsigned 64-bit values; missing ones are 0. */
  readonly args: readonly bigint[];
}

/** What a run produced. */
export interface SeccompRun {
  /** The raw 32-bit return value (`SECCOMP_RET_*` | data); decode with {@linkcode decodeAction}. */
  readonly action: number;
  /** How many instructions were executed, the final `ret` included. */
  readonly executed: number;
  /**
   * Whether the path loaded anything but `nr` and `arch` (an argument or the instruction
   * pointer). Paths that do not are the ones the kernel's seccomp action cache can make free.
   */
  readonly loadsArguments: boolean;
}

/** A program the kernel would refuse to load. */
export class BpfProgramError extends Error {
  /** Stable error code. */
  readonly code = "invalid-program";
  /** The offending instruction's index, when one is to blame. */
  readonly pc: number | undefined;
  /**
   * Creates the error.
   *
   * @param message What is wrong.
   * @param pc The offending instruction's index.
   */
  constructor(message: string, pc?: number) {
    super(pc === undefined ? message : `Instruction ${pc}: ${message}`);
    this.name = "BpfProgramError";
    this.pc = pc;
  }
}

/** Anything with instructions: a plain array or a compiled `SeccompProgram`. */
export type ProgramLike = readonly SockFilter[] | { readonly instructions: readonly SockFilter[] };

interface Decoded {
  readonly code: Uint16Array;
  readonly jt: Uint8Array;
  readonly jf: Uint8Array;
  readonly k: Uint32Array;
}

const validated = new WeakMap<readonly SockFilter[], Decoded>();

function instructionsOf(program: ProgramLike): readonly SockFilter[] {
  return Array.isArray(program)
    ? program as readonly SockFilter[]
    : (program as { readonly instructions: readonly SockFilter[] }).instructions;
}

const ALU_OPS = new Set([
  BPF_ADD,
  BPF_SUB,
  BPF_MUL,
  BPF_DIV,
  BPF_OR,
  BPF_AND,
  BPF_LSH,
  BPF_RSH,
  BPF_XOR,
]);
const COND_JUMPS = new Set([BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET]);

function checkInstruction(insn: SockFilter, pc: number, length: number): void {
  const { code, jt, jf, k } = insn;
  const cls = code & 0x07;
  const fail = (message: string): never => {
    throw new BpfProgramError(message, pc);
  };
  switch (cls) {
    case BPF_LD:
      if (code === (BPF_LD | BPF_W | BPF_ABS)) {
        if (k >= SECCOMP_DATA_SIZE || (k & 3) !== 0) {
          fail(`load offset ${k} is outside seccomp_data or unaligned`);
        }
        return;
      }
      if (
        code === (BPF_LD | BPF_W | BPF_LEN) || code === (BPF_LD | BPF_IMM)
      ) return;
      if (code === (BPF_LD | BPF_MEM)) {
        if (k >= BPF_MEMWORDS) fail(`scratch memory index ${k} is out of range`);
        return;
      }
      return fail(`opcode 0x${code.toString(16)} is not allowed in seccomp`);
    case BPF_LDX:
      if (code === (BPF_LDX | BPF_W | BPF_LEN) || code === (BPF_LDX | BPF_IMM)) return;
      if (code === (BPF_LDX | BPF_MEM)) {
        if (k >= BPF_MEMWORDS) fail(`scratch memory index ${k} is out of range`);
        return;
      }
      return fail(`opcode 0x${code.toString(16)} is not allowed in seccomp`);
    case BPF_ST:
    case BPF_STX:
      if (code !== cls) fail(`opcode 0x${code.toString(16)} is not allowed in seccomp`);
      if (k >= BPF_MEMWORDS) fail(`scratch memory index ${k} is out of range`);
      return;
    case BPF_ALU: {
      const op = code & 0xf0;
      if (code === (BPF_ALU | BPF_NEG)) return;
      if (!ALU_OPS.has(op) || code !== (BPF_ALU | op | (code & BPF_X))) {
        fail(`opcode 0x${code.toString(16)} is not allowed in seccomp`);
      }
      if ((code & BPF_X) === BPF_K) {
        if (op === BPF_DIV && k === 0) fail("division by the constant 0");
        if ((op === BPF_LSH || op === BPF_RSH) && k >= 32) fail(`shift by ${k} (>= 32)`);
      }
      return;
    }
    case BPF_JMP: {
      const op = code & 0xf0;
      if (code === (BPF_JMP | BPF_JA)) {
        if (k >= length - pc - 1) fail(`jump of ${k} leaves the program`);
        return;
      }
      if (!COND_JUMPS.has(op) || code !== (BPF_JMP | op | (code & BPF_X))) {
        fail(`opcode 0x${code.toString(16)} is not allowed in seccomp`);
      }
      if (pc + 1 + jt >= length || pc + 1 + jf >= length) {
        fail("conditional jump leaves the program");
      }
      return;
    }
    case BPF_RET:
      if (code !== (BPF_RET | BPF_K) && code !== (BPF_RET | BPF_A)) {
        fail(`opcode 0x${code.toString(16)} is not allowed in seccomp`);
      }
      return;
    case BPF_MISC:
      if (code !== (BPF_MISC | BPF_TAX) && code !== (BPF_MISC | BPF_TXA)) {
        fail(`opcode 0x${code.toString(16)} is not allowed in seccomp`);
      }
      return;
  }
}

/** The kernel's `check_load_and_stores`: scratch memory must be written before it is read. */
function checkMemory(instructions: readonly SockFilter[]): void {
  const masks = new Uint32Array(instructions.length).fill(0xffff);
  let valid = 0;
  instructions.forEach((insn, pc) => {
    valid &= masks[pc]!;
    const { code } = insn;
    if (code === BPF_ST || code === BPF_STX) {
      valid |= 1 << insn.k;
    } else if (code === (BPF_LD | BPF_MEM) || code === (BPF_LDX | BPF_MEM)) {
      if ((valid & (1 << insn.k)) === 0) {
        throw new BpfProgramError(`scratch memory M[${insn.k}] is read before it is written`, pc);
      }
    } else if (code === (BPF_JMP | BPF_JA)) {
      masks[pc + 1 + insn.k]! &= valid;
      valid = 0xffff;
    } else if ((code & 0x07) === BPF_JMP) {
      masks[pc + 1 + insn.jt]! &= valid;
      masks[pc + 1 + insn.jf]! &= valid;
      valid = 0xffff;
    }
  });
}

/**
 * Checks a program the way the kernel does before it accepts a seccomp filter: length 1–4096,
 * only the opcodes seccomp allows, aligned loads inside `seccomp_data`, jumps inside the
 * program, scratch memory written before read, and a `ret` as the last instruction.
 *
 * @param program The instructions (or a compiled program).
 * @throws {BpfProgramError} With the offending instruction's index.
 *
 * @example
 * ```ts
 * import { BpfProgramError, validateSeccompProgram } from "@cordon/cordon";
 * let failed = false;
 * try {
 *   validateSeccompProgram([{ code: 0x20, jt: 0, jf: 0, k: 0 }]); // ld [0] without a ret
 * } catch (error) {
 *   failed = error instanceof BpfProgramError;
 * }
 * if (!failed) throw new Error("a program without ret must be refused");
 * ```
 */
export function validateSeccompProgram(program: ProgramLike): void {
  decoded(instructionsOf(program));
}

function decoded(instructions: readonly SockFilter[]): Decoded {
  const cached = validated.get(instructions);
  if (cached) return cached;
  const length = instructions.length;
  if (length === 0) throw new BpfProgramError("The program is empty");
  if (length > BPF_MAXINSNS) {
    throw new BpfProgramError(
      `The program has ${length} instructions, more than the kernel's limit of ${BPF_MAXINSNS}`,
    );
  }
  instructions.forEach((insn, pc) => {
    if (
      !Number.isInteger(insn.code) || insn.code < 0 || insn.code > 0xffff ||
      !Number.isInteger(insn.jt) || insn.jt < 0 || insn.jt > 0xff ||
      !Number.isInteger(insn.jf) || insn.jf < 0 || insn.jf > 0xff ||
      !Number.isInteger(insn.k) || insn.k < 0 || insn.k > 0xffffffff
    ) {
      throw new BpfProgramError("a field is out of range for struct sock_filter", pc);
    }
    checkInstruction(insn, pc, length);
  });
  if ((instructions[length - 1]!.code & 0x07) !== BPF_RET) {
    throw new BpfProgramError("The last instruction is not a ret", length - 1);
  }
  checkMemory(instructions);
  const out: Decoded = {
    code: Uint16Array.from(instructions, (i) => i.code),
    jt: Uint8Array.from(instructions, (i) => i.jt),
    jf: Uint8Array.from(instructions, (i) => i.jf),
    k: Uint32Array.from(instructions, (i) => i.k),
  };
  validated.set(instructions, out);
  return out;
}

const MASK64 = (1n << 64n) - 1n;

function dataWords(data: SeccompData): Uint32Array {
  const words = new Uint32Array(SECCOMP_DATA_SIZE / 4);
  words[SECCOMP_DATA_NR / 4] = data.nr >>> 0;
  words[SECCOMP_DATA_ARCH / 4] = data.arch >>> 0;
  const ip = (data.instructionPointer ?? 0n) & MASK64;
  words[2] = Number(ip & 0xffffffffn);
  words[3] = Number(ip >> 32n);
  for (let i = 0; i < 6; i++) {
    const arg = (data.args[i] ?? 0n) & MASK64;
    words[4 + 2 * i] = Number(arg & 0xffffffffn);
    words[5 + 2 * i] = Number(arg >> 32n);
  }
  return words;
}

/**
 * Runs a seccomp program on one `seccomp_data`, with the kernel's semantics (unsigned 32-bit
 * registers, forward jumps, division by zero returning 0). The program is validated first (once
 * per instruction array) like the kernel's checker.
 *
 * @param program The instructions (or a compiled program).
 * @param data The syscall as the kernel presents it.
 * @returns The raw return value, the number of instructions executed and whether the path
 *   loaded anything but `nr` and `arch`.
 * @throws {BpfProgramError} When the kernel would refuse the program.
 *
 * @example
 * ```ts
 * import { decodeAction, runSeccomp } from "@cordon/cordon";
 * // ld [0]; jeq #39, allow, errno(1)
 * const program = [
 *   { code: 0x20, jt: 0, jf: 0, k: 0 },
 *   { code: 0x15, jt: 0, jf: 1, k: 39 },
 *   { code: 0x06, jt: 0, jf: 0, k: 0x7fff0000 },
 *   { code: 0x06, jt: 0, jf: 0, k: 0x00050001 },
 * ];
 * const run = runSeccomp(program, { nr: 40, arch: 0xc000003e, args: [] });
 * const { action, data } = decodeAction(run.action);
 * if (action !== "errno" || data !== 1 || run.executed !== 3) throw new Error("run failed");
 * ```
 */
export function runSeccomp(program: ProgramLike, data: SeccompData): SeccompRun {
  const { code, jt, jf, k } = decoded(instructionsOf(program));
  const words = dataWords(data);
  const mem = new Uint32Array(BPF_MEMWORDS);
  let a = 0;
  let x = 0;
  let pc = 0;
  let executed = 0;
  let loadsArguments = false;
  for (;;) {
    const op = code[pc]!;
    const imm = k[pc]!;
    executed++;
    switch (op & 0x07) {
      case BPF_LD:
        if (op === (BPF_LD | BPF_W | BPF_ABS)) {
          if (imm >= 8) loadsArguments = true;
          a = words[imm >>> 2]!;
        } else if (op === (BPF_LD | BPF_MEM)) a = mem[imm]!;
        else if (op === (BPF_LD | BPF_W | BPF_LEN)) a = SECCOMP_DATA_SIZE;
        else a = imm;
        pc++;
        break;
      case BPF_LDX:
        if (op === (BPF_LDX | BPF_MEM)) x = mem[imm]!;
        else if (op === (BPF_LDX | BPF_W | BPF_LEN)) x = SECCOMP_DATA_SIZE;
        else x = imm;
        pc++;
        break;
      case BPF_ST:
        mem[imm] = a;
        pc++;
        break;
      case BPF_STX:
        mem[imm] = x;
        pc++;
        break;
      case BPF_ALU: {
        const v = (op & BPF_X) === BPF_X ? x : imm;
        switch (op & 0xf0) {
          case BPF_ADD:
            a = (a + v) >>> 0;
            break;
          case BPF_SUB:
            a = (a - v) >>> 0;
            break;
          case BPF_MUL:
            a = Math.imul(a, v) >>> 0;
            break;
          case BPF_DIV:
            if (v === 0) return { action: 0, executed, loadsArguments };
            a = Math.floor(a / v) >>> 0;
            break;
          case BPF_OR:
            a = (a | v) >>> 0;
            break;
          case BPF_AND:
            a = (a & v) >>> 0;
            break;
          case BPF_LSH:
            a = (a << (v & 31)) >>> 0;
            break;
          case BPF_RSH:
            a = a >>> (v & 31);
            break;
          case BPF_XOR:
            a = (a ^ v) >>> 0;
            break;
          case BPF_NEG:
            a = -a >>> 0;
            break;
        }
        pc++;
        break;
      }
      case BPF_JMP: {
        const jop = op & 0xf0;
        if (jop === BPF_JA) {
          pc += 1 + imm;
          break;
        }
        const v = (op & BPF_X) === BPF_X ? x : imm;
        let taken: boolean;
        if (jop === BPF_JEQ) taken = a === v;
        else if (jop === BPF_JGT) taken = a > v;
        else if (jop === BPF_JGE) taken = a >= v;
        else taken = (a & v) !== 0;
        pc += 1 + (taken ? jt[pc]! : jf[pc]!);
        break;
      }
      case BPF_RET:
        return { action: (op & BPF_A) === BPF_A ? a : imm, executed, loadsArguments };
      case BPF_MISC:
        if (op === (BPF_MISC | BPF_TAX)) x = a;
        else a = x;
        pc++;
        break;
    }
  }
}
