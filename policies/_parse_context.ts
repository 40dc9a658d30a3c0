/**
 * The parser's per-text state (the file, its line index, the errors found, the suggestion
 * budget) and the helpers every stage of `parse.ts` reports with: key paths, quoted values,
 * descriptions of YAML nodes.
 *
 * @module
 */

import { closestMatch } from "./closest_match.ts";
import type { SourceLocation } from "./types.ts";
import { PolicyError, type PolicyErrorCode } from "./errors.ts";
import type { YNode } from "./_yaml_tree.ts";

/** The most "did you mean" suggestions per text. */
const MAX_SUGGESTIONS = 10;
/** The most errors reported per text; the rest are counted in one `too-many-errors` error. */
const MAX_ERRORS = 500;

/** Per-text state: the file, its line index, the errors found. */
export class Context {
  readonly errors: PolicyError[] = [];
  #lineStarts: number[] | undefined;
  #suggestions = 0;
  #dropped = 0;
  #firstDropped = 0;

  constructor(readonly text: string, readonly file: string, readonly baseDir?: string) {}

  offset(line: number, column: number): number {
    const starts = this.#lineStarts ??= lineStarts(this.text);
    return (starts[line - 1] ?? 0) + column - 1;
  }

  loc(offset: number): SourceLocation {
    const starts = this.#lineStarts ??= lineStarts(this.text);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, column: offset - starts[lo]! + 1 };
  }

  error(code: PolicyErrorCode, offset: number, message: string): void {
    if (this.errors.length >= MAX_ERRORS) {
      if (this.#dropped++ === 0) this.#firstDropped = offset;
      return;
    }
    const { line, column } = this.loc(offset);
    this.errors.push(new PolicyError(code, message, this.file, line, column));
  }

  /** The errors, with one for those beyond the limit. */
  finish(): PolicyError[] {
    if (this.#dropped === 0) return this.errors;
    const { line, column } = this.loc(this.#firstDropped);
    const message = `${this.#dropped} more errors not shown (at most ${MAX_ERRORS} per file)`;
    return [...this.errors, new PolicyError("too-many-errors", message, this.file, line, column)];
  }

  /** `(did you mean "x"?)` for a close candidate, within a budget per text. */
  suggest(word: string, candidates: () => Iterable<string>): string {
    if (this.#suggestions >= MAX_SUGGESTIONS || word.length > 64) return "";
    this.#suggestions++;
    const best = closestMatch(word, candidates());
    return best === undefined ? "" : ` (did you mean ${q(best)}?)`;
  }
}

/** The offset of a location of this text. */
export function offsetOf(ctx: Context, loc: SourceLocation): number {
  return ctx.offset(loc.line, loc.column);
}

/** The offset at which each line of `text` starts. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** `value` quoted as in messages (`"x"`). */
export function q(value: unknown): string {
  return JSON.stringify(String(value));
}

/** A key path such as `spec.rules[2].action`, built only when a message needs it. */
export interface Path {
  readonly up: Path | undefined;
  readonly key: string | number;
}

/** The key path one level below `up`. */
export function child(up: Path | undefined, key: string | number): Path {
  return { up, key };
}

/** A key path as a message names it (`spec.rules[2].action`). */
export function pathText(path: Path | undefined): string {
  if (path === undefined) return "the policy";
  const keys: (string | number)[] = [];
  for (let p: Path | undefined = path; p !== undefined; p = p.up) keys.push(p.key);
  return keys.reverse().map((k, i) => typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)
    .join("");
}

/** A YAML node in words, for "expected X, got Y" messages. */
export function describe(node: YNode): string {
  if (node.kind === "map") return "a mapping";
  if (node.kind === "seq") return "a list";
  const v = node.value;
  if (v === null) return node.empty ? "empty" : "null";
  if (typeof v === "string") return `the string ${q(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  if (typeof v === "bigint") return `the integer ${q(v)}`;
  if (typeof v === "number") return `the number ${q(v)}`;
  return `the boolean ${q(v)}`;
}
