/**
 * The classic BPF instruction (`struct sock_filter`) and the kernel ABI constants seccomp programs
 * are made of: opcode fields, `seccomp_data` offsets and the `SECCOMP_RET_*` actions. Shared by the
 * generator ({@linkcode compileSeccomp} in `seccomp.ts`), the disassembler and the interpreter.
 *
 * @module
 */

/** One classic BPF instruction, as `struct sock_filter { __u16 code; __u8 jt; __u8 jf; __u32 k; }`. */
export interface SockFilter {
  /** Opcode: class | size/op | mode/source. */
  readonly code: number;
  /** Conditional jump offset when true (0–255, relative to the next instruction). */
  readonly jt: number;
  /** Conditional jump offset when false (0–255, relative to the next instruction). */
  readonly jf: number;
  /** Immediate operand (unsigned 32-bit). */
  readonly k: number;
}

/** The kernel's limit on a classic BPF program (`BPF_MAXINSNS`). */
export const BPF_MAXINSNS = 4096;
/** Size in bytes of one encoded `struct sock_filter`. */
export const SOCK_FILTER_SIZE = 8;

/** Instruction classes. */
export const BPF_LD = 0x00;
/** Load into X. */
export const BPF_LDX = 0x01;
/** Store A into scratch memory. */
export const BPF_ST = 0x02;
/** Store X into scratch memory. */
export const BPF_STX = 0x03;
/** Arithmetic on A. */
export const BPF_ALU = 0x04;
/** Jumps. */
export const BPF_JMP = 0x05;
/** Return. */
export const BPF_RET = 0x06;
/** TAX/TXA. */
export const BPF_MISC = 0x07;

/** Size field: 32-bit word. */
export const BPF_W = 0x00;
/** Size field: 16-bit half word (not allowed in seccomp). */
export const BPF_H = 0x08;
/** Size field: byte (not allowed in seccomp). */
export const BPF_B = 0x10;

/** Mode: immediate. */
export const BPF_IMM = 0x00;
/** Mode: absolute offset into `seccomp_data`. */
export const BPF_ABS = 0x20;
/** Mode: indirect (not allowed in seccomp). */
export const BPF_IND = 0x40;
/** Mode: scratch memory. */
export const BPF_MEM = 0x60;
/** Mode: packet length (`sizeof(struct seccomp_data)` in seccomp). */
export const BPF_LEN = 0x80;

/** ALU operations. */
export const BPF_ADD = 0x00;
/** Subtract. */
export const BPF_SUB = 0x10;
/** Multiply. */
export const BPF_MUL = 0x20;
/** Divide (unsigned). */
export const BPF_DIV = 0x30;
/** Bitwise or. */
export const BPF_OR = 0x40;
/** Bitwise and. */
export const BPF_AND = 0x50;
/** Shift left. */
export const BPF_LSH = 0x60;
/** Shift right (logical). */
export const BPF_RSH = 0x70;
/** Negate. */
export const BPF_NEG = 0x80;
/** Modulo (not allowed in seccomp). */
export const BPF_MOD = 0x90;
/** Exclusive or. */
export const BPF_XOR = 0xa0;

/** Jump operations. */
export const BPF_JA = 0x00;
/** Jump if A == operand. */
export const BPF_JEQ = 0x10;
/** Jump if A > operand (unsigned). */
export const BPF_JGT = 0x20;
/** Jump if A >= operand (unsigned). */
export const BPF_JGE = 0x30;
/** Jump if A & operand is non-zero. */
export const BPF_JSET = 0x40;

/** Source: the immediate `k`. */
export const BPF_K = 0x00;
/** Source: register X. */
export const BPF_X = 0x08;
/** Return source: register A. */
export const BPF_A = 0x10;

/** MISC: X = A. */
export const BPF_TAX = 0x00;
/** MISC: A = X. */
export const BPF_TXA = 0x80;

/** Number of scratch memory words `M[]`. */
export const BPF_MEMWORDS = 16;

/** `offsetof(struct seccomp_data, nr)`. */
export const SECCOMP_DATA_NR = 0;
/** `offsetof(struct seccomp_data, arch)`. */
export const SECCOMP_DATA_ARCH = 4;
/** `offsetof(struct seccomp_data, instruction_pointer)` (64-bit; low word first). */
export const SECCOMP_DATA_IP = 8;
/** `offsetof(struct seccomp_data, args)`; argument `i` is 8 bytes at `16 + 8 * i`. */
export const SECCOMP_DATA_ARGS = 16;
/** `sizeof(struct seccomp_data)`. */
export const SECCOMP_DATA_SIZE = 64;

/** Kill the whole process. */
export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
/** Kill the calling thread. */
export const SECCOMP_RET_KILL_THREAD = 0x00000000;
/** Send `SIGSYS`; the data is passed in `si_errno`. */
export const SECCOMP_RET_TRAP = 0x00030000;
/** Fail the syscall with the errno in the data. */
export const SECCOMP_RET_ERRNO = 0x00050000;
/** Pass to the user-space notification listener. */
export const SECCOMP_RET_USER_NOTIF = 0x7fc00000;
/** Pass to a ptrace tracer with the data as the event message. */
export const SECCOMP_RET_TRACE = 0x7ff00000;
/** Allow and log. */
export const SECCOMP_RET_LOG = 0x7ffc0000;
/** Allow. */
export const SECCOMP_RET_ALLOW = 0x7fff0000;
/** The action bits of a return value (with the sign bit, as the kernel reads them). */
export const SECCOMP_RET_ACTION_FULL = 0xffff0000;
/** The data bits of a return value. */
export const SECCOMP_RET_DATA = 0x0000ffff;

/** A seccomp action by name, as decoded from a return value. */
export type SeccompAction =
  | "kill_process"
  | "kill_thread"
  | "trap"
  | "errno"
  | "user_notif"
  | "trace"
  | "log"
  | "allow";

const ACTION_NAMES: ReadonlyMap<number, SeccompAction> = new Map([
  [SECCOMP_RET_KILL_PROCESS, "kill_process"],
  [SECCOMP_RET_KILL_THREAD, "kill_thread"],
  [SECCOMP_RET_TRAP, "trap"],
  [SECCOMP_RET_ERRNO, "errno"],
  [SECCOMP_RET_USER_NOTIF, "user_notif"],
  [SECCOMP_RET_TRACE, "trace"],
  [SECCOMP_RET_LOG, "log"],
  [SECCOMP_RET_ALLOW, "allow"],
]);

/** A decoded seccomp return value. */
export interface DecodedAction {
  /** The action the kernel takes. */
  readonly action: SeccompAction;
  /** The 16 data bits (the errno for `errno`, the message for `trace`, `si_errno` for `trap`). */
  readonly data: number;
}

/**
 * Decodes a raw seccomp return value the way the kernel does: unknown action values behave as
 * `kill_process` (the kernel treats any action it does not know as `SECCOMP_RET_KILL_PROCESS`).
 *
 * @param ret The 32-bit value a program returned.
 * @returns The action name and its 16-bit data.
 *
 * @example
 * ```ts
 * import { decodeAction, SECCOMP_RET_ERRNO } from "@cordon/cordon";
 * const { action, data } = decodeAction(SECCOMP_RET_ERRNO | 38);
 * if (action !== "errno" || data !== 38) throw new Error("decode failed");
 * ```
 */
export function decodeAction(ret: number): DecodedAction {
  const bits = (ret & SECCOMP_RET_ACTION_FULL) >>> 0;
  return { action: ACTION_NAMES.get(bits) ?? "kill_process", data: ret & SECCOMP_RET_DATA };
}

/**
 * Whether a seccomp action lets the call run (`allow`, `log`): the seccomp counterpart of
 * `letsCallRun` for policy actions.
 *
 * @example
 * ```ts
 * import { seccompLetsCallRun } from "@cordon/cordon";
 * if (!seccompLetsCallRun("log") || seccompLetsCallRun("errno")) throw new Error();
 * ```
 */
export function seccompLetsCallRun(action: SeccompAction): boolean {
  return action === "allow" || action === "log";
}

/**
 * Formats a return value the way disassemblies print it: `ALLOW`, `ERRNO(1)`, `KILL_PROCESS`, …
 *
 * @param ret The 32-bit return value.
 * @returns A short upper-case name, with the data in parentheses when the action has data.
 *
 * @example
 * ```ts
 * import { formatAction, SECCOMP_RET_ERRNO } from "@cordon/cordon";
 * if (formatAction(SECCOMP_RET_ERRNO | 1) !== "ERRNO(1)") throw new Error("format failed");
 * ```
 */
export function formatAction(ret: number): string {
  const { action, data } = decodeAction(ret);
  const name = action.toUpperCase();
  const known = ACTION_NAMES.has((ret & SECCOMP_RET_ACTION_FULL) >>> 0);
  if (!known) return `0x${(ret >>> 0).toString(16)}`;
  if (action === "errno" || action === "trace" || action === "trap") return `${name}(${data})`;
  return data === 0 ? name : `${name}(${data})`;
}

/**
 * Encodes instructions as the raw little-endian `struct sock_filter` array the kernel loads.
 *
 * @param instructions The program.
 * @returns 8 bytes per instruction.
 *
 * @example
 * ```ts
 * import { BPF_K, BPF_RET, encodeSockFilters, SECCOMP_RET_ALLOW } from "@cordon/cordon";
 * const bytes = encodeSockFilters([{ code: BPF_RET | BPF_K, jt: 0, jf: 0, k: SECCOMP_RET_ALLOW }]);
 * if (bytes.length !== 8 || bytes[0] !== 0x06 || bytes[6] !== 0xff) throw new Error("encode failed");
 * ```
 */
export function encodeSockFilters(instructions: readonly SockFilter[]): Uint8Array {
  const bytes = new Uint8Array(instructions.length * SOCK_FILTER_SIZE);
  const view = new DataView(bytes.buffer);
  instructions.forEach((insn, i) => {
    const at = i * SOCK_FILTER_SIZE;
    view.setUint16(at, insn.code, true);
    view.setUint8(at + 2, insn.jt);
    view.setUint8(at + 3, insn.jf);
    view.setUint32(at + 4, insn.k >>> 0, true);
  });
  return bytes;
}

/**
 * Decodes a raw little-endian `struct sock_filter` array (the inverse of
 * {@linkcode encodeSockFilters}).
 *
 * @param bytes A byte array whose length is a multiple of 8.
 * @returns The instructions.
 * @throws {RangeError} When the length is not a multiple of 8.
 *
 * @example
 * ```ts
 * import { decodeSockFilters, encodeSockFilters } from "@cordon/cordon";
 * const insn = { code: 0x15, jt: 1, jf: 2, k: 0xc000003e };
 * const [back] = decodeSockFilters(encodeSockFilters([insn]));
 * if (back?.k !== insn.k || back.jf !== 2) throw new Error("round trip failed");
 * ```
 */
export function decodeSockFilters(bytes: Uint8Array): SockFilter[] {
  if (bytes.length % SOCK_FILTER_SIZE !== 0) {
    throw new RangeError(
      `A sock_filter array must be a multiple of 8 bytes long, not ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: SockFilter[] = [];
  for (let at = 0; at < bytes.length; at += SOCK_FILTER_SIZE) {
    out.push({
      code: view.getUint16(at, true),
      jt: view.getUint8(at + 2),
      jf: view.getUint8(at + 3),
      k: view.getUint32(at + 4, true),
    });
  }
  return out;
}
