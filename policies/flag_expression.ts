/**
 * The one reader of flag expressions: numbers and constant names joined with `|`
 * (`O_WRONLY|O_CREAT`, `0x40|1`), as policies write argument values, `cordon eval --args`
 * takes them and strace prints them. Each caller supplies how names resolve (per architecture,
 * or the same on every one) and reports the failures in its own way; the grammar, the 64-bit
 * range and two's complement for negatives are decided here once.
 *
 * @module
 */

/** How the number terms are written. */
export type NumberSyntax =
  /** `0x`, `0o`, `0b` prefixes, decimal otherwise, an optional sign (policies, the CLI). */
  | "prefixed"
  /** C: `0x` hex, a leading `0` octal, decimal otherwise, an optional `-` (strace's output). */
  | "c";

/** Why a term has no value. */
export type FlagTermError =
  | { readonly kind: "empty" }
  | { readonly kind: "not-a-term" }
  | { readonly kind: "too-wide" }
  /** The resolver's reason (`"unknown"`, or why a known name cannot be used). */
  | { readonly kind: "constant"; readonly reason: string };

/** One `|`-separated term: its trimmed text, where that text starts, and its value or error. */
export interface FlagTerm {
  readonly text: string;
  readonly offset: number;
  readonly value?: bigint;
  readonly error?: FlagTermError;
}

/** The value of the whole expression (undefined if any term failed), and every term. */
export interface FlagExpression {
  readonly value: bigint | undefined;
  readonly terms: readonly FlagTerm[];
}

const PREFIXED = /^([-+]?)(0x[0-9a-f]+|0o[0-7]+|0b[01]+|[0-9]+)$/i;
const C_NUMBER = /^(-?)(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$/i;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const U64 = 1n << 64n;

/** Two's complement for negatives; `undefined` outside [-2^63, 2^64). */
export function toU64(v: bigint): bigint | undefined {
  if (v >= U64 || v < -(U64 >> 1n)) return undefined;
  return v < 0n ? U64 + v : v;
}

function numberTerm(text: string, syntax: NumberSyntax): bigint | undefined {
  const m = (syntax === "c" ? C_NUMBER : PREFIXED).exec(text);
  if (m === null) return undefined;
  const body = m[2]!;
  const magnitude = syntax === "c" && body.length > 1 && body.startsWith("0") && !/^0x/i.test(body)
    ? BigInt(`0o${body.slice(1)}`)
    : BigInt(body);
  return m[1] === "-" ? -magnitude : magnitude;
}

/**
 * Reads `text` as terms joined with `|`, OR-ing their 64-bit values.
 *
 * @param text the expression
 * @param resolve a constant's value, or a reason it has none (`"unknown"` when no such name)
 * @param syntax how numbers are written (default `"prefixed"`)
 * @returns the value and the terms
 *
 * @example
 * ```ts
 * import { parseFlagExpression } from "./flag_expression.ts";
 * const names = new Map([["O_WRONLY", 1n], ["O_CREAT", 0o100n]]);
 * const resolve = (n: string) => names.get(n) ?? "unknown";
 * if (parseFlagExpression("O_WRONLY | O_CREAT", resolve).value !== 0o101n) throw new Error();
 * if (parseFlagExpression("-1", resolve).value !== 0xffff_ffff_ffff_ffffn) throw new Error();
 * if (parseFlagExpression("0644", resolve, "c").value !== 0o644n) throw new Error();
 * const bad = parseFlagExpression("O_WRONLY|O_NOPE", resolve);
 * if (bad.value !== undefined || bad.terms[1]?.offset !== 9) throw new Error();
 * ```
 */
export function parseFlagExpression(
  text: string,
  resolve: (name: string) => bigint | string,
  syntax: NumberSyntax = "prefixed",
): FlagExpression {
  const terms: FlagTerm[] = [];
  let value: bigint | undefined = 0n;
  let offset = 0;
  for (const part of text.split("|")) {
    const term = part.trim();
    const at = offset + (term === "" ? 0 : part.indexOf(term));
    offset += part.length + 1;
    let result: FlagTerm;
    const number = term === "" ? undefined : numberTerm(term, syntax);
    if (term === "") {
      result = { text: term, offset: at, error: { kind: "empty" } };
    } else if (number !== undefined) {
      const u = toU64(number);
      result = u === undefined
        ? { text: term, offset: at, error: { kind: "too-wide" } }
        : { text: term, offset: at, value: u };
    } else if (NAME.test(term)) {
      const c = resolve(term);
      const u = typeof c === "bigint" ? toU64(c) : undefined;
      result = typeof c === "string"
        ? { text: term, offset: at, error: { kind: "constant", reason: c } }
        : u === undefined
        ? { text: term, offset: at, error: { kind: "too-wide" } }
        : { text: term, offset: at, value: u };
    } else {
      result = { text: term, offset: at, error: { kind: "not-a-term" } };
    }
    terms.push(result);
    value = value !== undefined && result.value !== undefined ? value | result.value : undefined;
  }
  return { value, terms };
}
