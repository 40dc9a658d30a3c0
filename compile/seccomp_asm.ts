/**
 * Readable disassembly of seccomp programs, in the syntax of the kernel's `bpf_dbg`/`bpfc`
 * (`ld [0]`, `jeq #0x3b, L0007, L0009`, `ret ALLOW`), one instruction per line with its label,
 * and the generator's comments (rule ids, syscall names) after a `;`.
 *
 * @module
 */

import {
  BPF_A,
  BPF_ABS,
  BPF_ALU,
  BPF_IMM,
  BPF_JA,
  BPF_JMP,
  BPF_LD,
  BPF_LDX,
  BPF_LEN,
  BPF_MEM,
  BPF_MISC,
  BPF_NEG,
  BPF_RET,
  BPF_ST,
  BPF_STX,
  BPF_TAX,
  BPF_W,
  BPF_X,
  formatAction,
  SECCOMP_DATA_ARGS,
  type SockFilter,
} from "./sock_filter.ts";

/** A program to disassemble: a compiled `SeccompProgram` or bare instructions. */
export type Disassemblable =
  | readonly SockFilter[]
  | {
    readonly instructions: readonly SockFilter[];
    readonly comments?: readonly string[];
    readonly arches?: readonly string[];
    readonly policy?: string;
  };

const ALU_NAMES: Record<number, string> = {
  0x00: "add",
  0x10: "sub",
  0x20: "mul",
  0x30: "div",
  0x40: "or",
  0x50: "and",
  0x60: "lsh",
  0x70: "rsh",
  0x90: "mod",
  0xa0: "xor",
};

const JUMP_NAMES: Record<number, string> = {
  0x10: "jeq",
  0x20: "jgt",
  0x30: "jge",
  0x40: "jset",
};

function label(pc: number): string {
  return `L${pc.toString().padStart(4, "0")}`;
}

function hex(k: number): string {
  return `0x${(k >>> 0).toString(16)}`;
}

/** The name of a `seccomp_data` word. */
function field(offset: number): string {
  if (offset === 0) return "nr";
  if (offset === 4) return "arch";
  if (offset === 8) return "instruction_pointer low";
  if (offset === 12) return "instruction_pointer high";
  const arg = (offset - SECCOMP_DATA_ARGS) >> 3;
  return `args[${arg}] ${offset % 8 === 0 ? "low" : "high"}`;
}

/**
 * One instruction in `bpf_dbg` syntax, with jump targets as labels.
 *
 * @param insn The instruction.
 * @param pc Its index (jump targets are relative to it).
 * @returns E.g. `ld [4]`, `jeq #0xc000003e, L0002, L0040`, `ret ERRNO(1)`.
 *
 * @example
 * ```ts
 * import { formatInstruction } from "@cordon/cordon";
 * const text = formatInstruction({ code: 0x15, jt: 0, jf: 3, k: 59 }, 10);
 * if (text !== "jeq #0x3b, L0011, L0014") throw new Error(text);
 * ```
 */
export function formatInstruction(insn: SockFilter, pc: number): string {
  const { code, jt, jf, k } = insn;
  switch (code & 0x07) {
    case BPF_LD:
      if (code === (BPF_LD | BPF_W | BPF_ABS)) return `ld [${k}]`;
      if (code === (BPF_LD | BPF_IMM)) return `ld #${hex(k)}`;
      if (code === (BPF_LD | BPF_MEM)) return `ld M[${k}]`;
      if (code === (BPF_LD | BPF_W | BPF_LEN)) return "ld #len";
      break;
    case BPF_LDX:
      if (code === (BPF_LDX | BPF_IMM)) return `ldx #${hex(k)}`;
      if (code === (BPF_LDX | BPF_MEM)) return `ldx M[${k}]`;
      if (code === (BPF_LDX | BPF_W | BPF_LEN)) return "ldx #len";
      break;
    case BPF_ST:
      return `st M[${k}]`;
    case BPF_STX:
      return `stx M[${k}]`;
    case BPF_ALU: {
      if (code === (BPF_ALU | BPF_NEG)) return "neg";
      const name = ALU_NAMES[code & 0xf0];
      if (name !== undefined) return (code & BPF_X) === BPF_X ? `${name} x` : `${name} #${hex(k)}`;
      break;
    }
    case BPF_JMP: {
      if ((code & 0xf0) === BPF_JA) return `ja ${label(pc + 1 + k)}`;
      const name = JUMP_NAMES[code & 0xf0];
      if (name === undefined) break;
      const operand = (code & BPF_X) === BPF_X ? "x" : `#${hex(k)}`;
      return `${name} ${operand}, ${label(pc + 1 + jt)}, ${label(pc + 1 + jf)}`;
    }
    case BPF_RET:
      return (code & BPF_A) === BPF_A ? "ret a" : `ret ${formatAction(k)}`;
    case BPF_MISC:
      return (code & 0xf8) === BPF_TAX ? "tax" : "txa";
  }
  return `.word 0x${code.toString(16)}, ${jt}, ${jf}, ${hex(k)}`;
}

/**
 * Disassembles a seccomp program: a header line, then one line per instruction with its label,
 * its `bpf_dbg`-style text and, after `;`, the generator's comment (rule ids, syscall names) or
 * the name of the `seccomp_data` field a load reads.
 *
 * @param program A compiled program (its comments are used) or bare instructions.
 * @returns The text, ending in a newline.
 *
 * @example
 * ```ts
 * import { disassemble } from "@cordon/cordon";
 * const text = disassemble([
 *   { code: 0x20, jt: 0, jf: 0, k: 4 },
 *   { code: 0x06, jt: 0, jf: 0, k: 0x7fff0000 },
 * ]);
 * if (!text.includes("L0000: ld [4]") || !text.includes("ret ALLOW")) throw new Error(text);
 * ```
 */
export function disassemble(program: Disassemblable): string {
  const instructions = Array.isArray(program)
    ? program as readonly SockFilter[]
    : (program as Exclude<Disassemblable, readonly SockFilter[]>).instructions;
  const meta = Array.isArray(program)
    ? undefined
    : program as Exclude<Disassemblable, readonly SockFilter[]>;
  const header = [`; seccomp cBPF, ${instructions.length} instructions`];
  if (meta?.policy !== undefined) header.push(`policy "${meta.policy}"`);
  if (meta?.arches !== undefined) header.push(`architectures ${meta.arches.join(", ")}`);
  const lines = [header.join(", ")];
  instructions.forEach((insn, pc) => {
    const text = `${label(pc)}: ${formatInstruction(insn, pc)}`;
    let comment = meta?.comments?.[pc] ?? "";
    if (insn.code === (BPF_LD | BPF_W | BPF_ABS) && !comment.startsWith(field(insn.k))) {
      comment = comment ? `${field(insn.k)}; ${comment}` : field(insn.k);
    }
    lines.push(comment ? `${text.padEnd(40)} ; ${comment}` : text);
  });
  return lines.join("\n") + "\n";
}
