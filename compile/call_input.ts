/**
 * A syscall and its arguments as a person types them (`cordon eval --syscall … --args …`, the
 * playground's fields): a name or number, and values that are numbers (decimal, negative, 0x,
 * 0o, 0b) or constants joined with `|`. Pure; errors are {@linkcode CallInputError}s whose
 * messages name no option, so that each front end can say where the input came from.
 *
 * @module
 */

import { parseFlagExpression } from "../policies/flag_expression.ts";
import type { Arch } from "../policies/types.ts";
import { ARCHES } from "../policies/types.ts";
import {
  isKnownSyscall,
  syscallName,
  syscallNames,
  syscallNumber,
  syscallTable,
  X32_SYSCALL_BIT,
} from "../policies/syscalls.ts";
import { resolveConstant } from "../policies/constants.ts";
import { closestMatch } from "../policies/closest_match.ts";

/** A syscall or argument that cannot be read. */
export class CallInputError extends Error {
  /** Stable code: which input is wrong. */
  readonly code: "BAD_SYSCALL" | "BAD_ARGUMENT";

  /**
   * Creates the error.
   *
   * @param code which input is wrong
   * @param message what is wrong with it
   */
  constructor(code: "BAD_SYSCALL" | "BAD_ARGUMENT", message: string) {
    super(message);
    this.name = "CallInputError";
    this.code = code;
  }
}

/**
 * A syscall by name or number on `arch` (x32 numbers get the x32 bit), with its name when known.
 *
 * @param text the name or number
 * @param arch the architecture
 * @param options `hint`: add "did you mean" to an unknown name
 * @returns the number and the name
 * @throws {CallInputError} `BAD_SYSCALL`
 *
 * @example
 * ```ts
 * import { parseSyscallInput } from "./call_input.ts";
 * if (parseSyscallInput("mkdir", "x86_64").nr !== 83) throw new Error();
 * if (parseSyscallInput("83", "x86_64").name !== "mkdir") throw new Error();
 * ```
 */
export function parseSyscallInput(
  text: string,
  arch: Arch,
  options: { readonly hint?: boolean } = {},
): { nr: number; name: string | null } {
  if (/^(0x[0-9a-f]+|\d+)$/i.test(text)) {
    let nr = Number(text);
    if (!Number.isSafeInteger(nr) || nr > 0xffff_ffff) {
      throw new CallInputError("BAD_SYSCALL", `syscall number ${text} is out of range`);
    }
    if (arch === "x32" && nr < X32_SYSCALL_BIT) nr = (nr | X32_SYSCALL_BIT) >>> 0;
    return { nr, name: syscallName(arch, nr) ?? null };
  }
  const nr = syscallNumber(arch, text);
  if (nr !== undefined) return { nr, name: text };
  if (isKnownSyscall(text)) {
    const on = ARCHES.filter((a) => syscallNumber(a, text) !== undefined).join(", ");
    throw new CallInputError(
      "BAD_SYSCALL",
      `syscall "${text}" does not exist on ${arch} (it does on ${on})`,
    );
  }
  const near = options.hint
    ? closestMatch(text, syscallTable(arch).byName.keys()) ?? closestMatch(text, syscallNames())
    : undefined;
  throw new CallInputError(
    "BAD_SYSCALL",
    `unknown syscall "${text}"${near === undefined ? "" : `; did you mean "${near}"?`}`,
  );
}

/**
 * One argument: numbers and constants joined with `|`, as the 64 bits the kernel passes.
 *
 * @param text the argument
 * @param position its index, for messages
 * @param arch the architecture constants are resolved for
 * @returns the value
 * @throws {CallInputError} `BAD_ARGUMENT`
 *
 * @example
 * ```ts
 * import { parseArgInput } from "./call_input.ts";
 * if (parseArgInput("-1", 0, "x86_64") !== 0xffff_ffff_ffff_ffffn) throw new Error();
 * if (parseArgInput("O_RDONLY|0x40", 1, "x86_64") !== 0x40n) throw new Error();
 * ```
 */
export function parseArgInput(text: string, position: number, arch: Arch): bigint {
  const parsed = parseFlagExpression(text, (name) => resolveConstant(name, arch) ?? "unknown");
  for (const term of parsed.terms) {
    if (term.error?.kind === "constant") {
      throw new CallInputError("BAD_ARGUMENT", `unknown constant "${term.text}"`);
    }
    if (term.error?.kind === "too-wide") {
      throw new CallInputError(
        "BAD_ARGUMENT",
        `argument ${position} "${term.text}" does not fit in 64 bits`,
      );
    }
    if (term.error !== undefined) {
      throw new CallInputError(
        "BAD_ARGUMENT",
        `argument ${position} "${text}" is not a number or constant`,
      );
    }
  }
  return parsed.value!;
}
