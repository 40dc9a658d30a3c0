/**
 * Command-line option parsing shared by every command, on top of `node:util`'s `parseArgs`,
 * turning its errors into {@linkcode UsageError}s.
 *
 * @module
 */

import { parseArgs as nodeParseArgs } from "node:util";
import { UsageError } from "./command.ts";
import { closestMatch } from "../policies/closest_match.ts";

/** The option spec: `node:util` style. */
export type OptionSpec = Record<
  string,
  { type: "string" | "boolean"; short?: string; multiple?: boolean; default?: string | boolean }
>;

/** Parsed options and positionals. `--` ends options; what follows it is in `rest`. */
export interface ParsedArgs {
  readonly values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  readonly positionals: string[];
  /** Arguments after a literal `--`. */
  readonly rest: string[];
}

/**
 * Parses `argv` against `options`; unknown options and missing values are usage errors.
 * `--help`/`-h` is always accepted.
 *
 * @example
 * ```ts
 * import { parseArgs } from "./parse_args.ts";
 * const { values, positionals } = parseArgs(["a.yaml", "--format", "json"], {
 *   format: { type: "string" },
 * });
 * if (values.format !== "json" || positionals[0] !== "a.yaml") throw new Error("parse failed");
 * ```
 */
export function parseArgs(argv: string[], options: OptionSpec): ParsedArgs {
  const dash = argv.indexOf("--");
  const head = joinNegativeValues(dash === -1 ? argv : argv.slice(0, dash), options);
  const rest = dash === -1 ? [] : argv.slice(dash + 1);
  try {
    const { values, positionals } = nodeParseArgs({
      args: head,
      options: { help: { type: "boolean", short: "h" }, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedArgs["values"], positionals, rest };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /^Unknown option '(-{1,2})([^']+)'/.exec(message);
    if (unknown) {
      const names = Object.keys(options).concat("help");
      const near = unknown[1] === "--" ? closestMatch(unknown[2]!, names) : undefined;
      throw new UsageError(
        `unknown option ${unknown[1]}${unknown[2]}${near ? `; did you mean --${near}?` : ""}`,
      );
    }
    throw new UsageError(message.replace(/\. To specify a positional.*$/s, ""));
  }
}

/**
 * `--opt -5` as `--opt=-5` (and `-o -5` as `-o-5`): a string option's value may be a negative
 * number (`node:util` would take `-5` for an option).
 */
function joinNegativeValues(args: readonly string[], options: OptionSpec): string[] {
  const takesValue = (token: string): boolean => {
    if (token.startsWith("--")) return options[token.slice(2)]?.type === "string";
    if (/^-[A-Za-z]$/.test(token)) {
      return Object.values(options).some((o) => o.short === token[1] && o.type === "string");
    }
    return false;
  };
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    const next = args[i + 1];
    if (next !== undefined && /^-\d/.test(next) && !token.includes("=") && takesValue(token)) {
      out.push(token.startsWith("--") ? `${token}=${next}` : `${token}${next}`);
      i++;
    } else out.push(token);
  }
  return out;
}

/**
 * Reads a string option that must be one of `choices`.
 *
 * @example
 * ```ts
 * import { choice } from "./parse_args.ts";
 * if (choice({ format: "json" }, "format", ["text", "json"], "text") !== "json") throw new Error();
 * ```
 */
export function choice<T extends string>(
  values: ParsedArgs["values"],
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const value = values[name];
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${choices.join(", ")}, not "${String(value)}"`);
  }
  return value as T;
}

/**
 * Reads an integer option.
 *
 * @example
 * ```ts
 * import { integer } from "./parse_args.ts";
 * if (integer({ pid: "42" }, "pid") !== 42) throw new Error();
 * ```
 */
export function integer(values: ParsedArgs["values"], name: string): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^-?\d+$/.test(value)) {
    throw new UsageError(`--${name} takes an integer, not "${String(value)}"`);
  }
  return Number(value);
}
