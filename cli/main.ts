/**
 * The `cordon` command line: dispatches to the commands of {@linkcode COMMANDS}, handles
 * `--help`/`--version`, and turns errors into messages and exit codes (never a stack trace
 * unless `CORDON_DEBUG=1`).
 *
 * @module
 */

import { closestMatch } from "../policies/closest_match.ts";
import denoJson from "../deno.json" with { type: "json" };
import { COMMANDS } from "./commands.ts";
import { EXIT, UsageError } from "./command.ts";

/** Cordon's version, from `deno.json`. */
export const VERSION: string = denoJson.version;

function topLevelHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "cordon: declarative syscall sandbox and monitoring policies for Linux",
    "",
    "Usage: cordon <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Options:",
    "  -h, --help     show this help, or a command's with `cordon <command> --help`",
    "  -V, --version  print the version",
    "",
    "Exit codes: 0 ok, 1 invalid policy / denied / failed, 2 usage error.",
  ].join("\n");
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? `${error.message} [${code}]` : error.message;
  }
  return String(error);
}

/**
 * Runs the command line `argv` (without the program name) and resolves to the exit code.
 *
 * @example
 * ```ts
 * import { main } from "@cordon/cordon/cli";
 * if (await main(["--version"]) !== 0) throw new Error("--version must succeed");
 * ```
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    console.log(topic ? topic.help : topLevelHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    console.log(`cordon ${VERSION}`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const near = closestMatch(name, COMMANDS.map((c) => c.name));
    console.error(
      `cordon: unknown command "${name}"${near ? ` (did you mean "${near}"?)` : ""}; ` +
        "see `cordon --help`",
    );
    return EXIT.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    const dash = rest.indexOf("--");
    const helpAt = Math.max(rest.indexOf("--help"), rest.indexOf("-h"));
    if (dash === -1 || helpAt < dash) {
      console.log(command.help);
      return EXIT.ok;
    }
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (Deno.env.get("CORDON_DEBUG") === "1") console.error(error);
    if (error instanceof UsageError) {
      console.error(`cordon ${name}: ${error.message}\nSee \`cordon ${name} --help\`.`);
      return EXIT.usage;
    }
    console.error(`cordon ${name}: ${describe(error)}`);
    return EXIT.failed;
  }
}
