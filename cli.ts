/**
 * The `cordon` command line as a function, and the SARIF 2.1.0 formatter CI integrations reuse.
 * Run as a program it is the command line: `deno run -A cli.ts --help` (the same as `mod.ts`).
 *
 * @example Run a command and read its exit code
 * ```ts
 * import { main, VERSION } from "@cordon/cordon/cli";
 *
 * if (!/^\d+\.\d+\.\d+/.test(VERSION)) throw new Error(`odd version ${VERSION}`);
 * const code = await main(["check", "builtin:baseline", "--format", "json"]);
 * if (code !== 0) throw new Error(`check failed with exit code ${code}`);
 * ```
 *
 * @module
 */

export { main, VERSION } from "./cli/main.ts";
export * from "./cli/format_sarif.ts";
export type { Finding, Severity } from "./compile/lint.ts";

// Types of the main entry (`.`) these signatures use, so this entry documents itself.
export type { SourceLocation } from "./policies/types.ts";

if (import.meta.main) {
  const { main } = await import("./cli/main.ts");
  Deno.exit(await main(Deno.args));
}
