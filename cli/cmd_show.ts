/**
 * `cordon show builtin:NAME|FILE`: a policy's text with line numbers, so that the `FILE:LINE:COL`
 * locations Cordon reports (`cordon run --explain`, `check`, `eval`) can be read, builtin profiles
 * included. Without an argument, lists the builtin profiles.
 *
 * @module
 */

import { type Command, EXIT, UsageError } from "./command.ts";
import { choice, parseArgs } from "./parse_args.ts";
import { BUILTIN_PROFILES } from "../policies/builtin_profiles.ts";
import { fileErrorText } from "../policies/errors.ts";

const OPTIONS = {
  format: { type: "string" },
} as const;

const HELP = `cordon show: print a policy with line numbers (builtin profiles included)

Usage: cordon show [builtin:NAME | FILE] [--format text|json]

Prints the text of a builtin profile (builtin:baseline, …) or of a policy file, each line with
its number, so that the FILE:LINE:COL locations of reports (cordon run --explain, check, eval)
can be looked up. Without an argument, lists the builtin profiles.

Options:
      --format F   text (default: "  NN  line") or json ({"file", "lines": [...]})
  -h, --help       show this help

Exit status: 0; 1 when the profile or file does not exist; 2 for a usage error.

Examples:
  cordon show builtin:baseline
  cordon show examples/policies/cli-tool.yaml --format json`;

/**
 * `text` with line numbers, right-aligned to the widest.
 *
 * @example
 * ```ts
 * import { numberLines } from "./cmd_show.ts";
 * if (numberLines("a\nb\n") !== "1  a\n2  b") throw new Error(numberLines("a\nb\n"));
 * ```
 */
export function numberLines(text: string): string {
  const lines = text.replace(/\n$/, "").split("\n");
  const width = String(lines.length).length;
  return lines.map((line, i) => `${String(i + 1).padStart(width)}  ${line}`).join("\n");
}

/** `cordon show`. */
export const showCommand: Command = {
  name: "show",
  summary: "print a policy or builtin profile with line numbers",
  help: HELP,
  run(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs(argv, OPTIONS);
    const format = choice(values, "format", ["text", "json"] as const, "text");
    if (positionals.length > 1) throw new UsageError("give one builtin:NAME or FILE");
    const name = positionals[0];
    if (name === undefined) {
      const names = Object.keys(BUILTIN_PROFILES).sort();
      console.log(format === "json" ? JSON.stringify({ builtins: names }) : names.join("\n"));
      return Promise.resolve(EXIT.ok);
    }
    let text: string | undefined;
    if (name.startsWith("builtin:")) {
      text = Object.hasOwn(BUILTIN_PROFILES, name) ? BUILTIN_PROFILES[name] : undefined;
      if (text === undefined) {
        console.error(
          `cordon show: no builtin profile "${name}"; there are ${
            Object.keys(BUILTIN_PROFILES).sort().join(", ")
          }`,
        );
        return Promise.resolve(EXIT.failed);
      }
    } else {
      try {
        text = Deno.readTextFileSync(name);
      } catch (error) {
        console.error(`cordon show: cannot read "${name}": ${fileErrorText(error)}`);
        return Promise.resolve(EXIT.failed);
      }
    }
    if (format === "json") {
      console.log(JSON.stringify({ file: name, lines: text.replace(/\n$/, "").split("\n") }));
    } else {
      console.log(numberLines(text));
    }
    return Promise.resolve(EXIT.ok);
  },
};
