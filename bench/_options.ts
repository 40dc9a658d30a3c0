/**
 * The command-line options of the bench scripts, parsed one way (`node:util`'s `parseArgs`,
 * strict: an unknown option or a missing value is an error, not a silent default).
 *
 * @module
 */

import { parseArgs } from "node:util";

/**
 * Parses `args` for positive numbers (`--reps 5`), strings (`--only NAME`) and flags (`--json`).
 *
 * @param spec Each number option with its default, the string options, the flags.
 * @param args The arguments (default `Deno.args`).
 * @returns The numbers, strings (absent: `undefined`) and flags.
 *
 * @example
 * ```ts
 * import { benchOptions } from "./_options.ts";
 * const o = benchOptions({ numbers: { reps: 5 }, flags: ["json"] }, ["--reps", "3"]);
 * if (o.reps !== 3 || o.json) throw new Error();
 * ```
 */
export function benchOptions<
  N extends string,
  S extends string = never,
  F extends string = never,
>(
  spec: {
    readonly numbers: Readonly<Record<N, number>>;
    readonly strings?: readonly S[];
    readonly flags?: readonly F[];
  },
  args: string[] = Deno.args,
): Record<N, number> & Partial<Record<S, string>> & Record<F, boolean> {
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const name of [...Object.keys(spec.numbers), ...(spec.strings ?? [])]) {
    options[name] = { type: "string" };
  }
  for (const name of spec.flags ?? []) options[name] = { type: "boolean" };
  options.help = { type: "boolean" };
  const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
  if (values.help === true) {
    console.log(usage(spec));
    Deno.exit(0);
  }
  const out: Record<string, number | string | boolean | undefined> = {};
  for (const [name, fallback] of Object.entries(spec.numbers) as [string, number][]) {
    const text = values[name] as string | undefined;
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`--${name} needs a positive number, not ${JSON.stringify(text)}`);
    }
    out[name] = value;
  }
  for (const name of spec.strings ?? []) out[name] = values[name] as string | undefined;
  for (const name of spec.flags ?? []) out[name] = values[name] === true;
  return out as Record<N, number> & Partial<Record<S, string>> & Record<F, boolean>;
}

/** The options of a bench script, for `--help`: the script's own doc says what it measures. */
function usage(spec: {
  readonly numbers: Readonly<Record<string, number>>;
  readonly strings?: readonly string[];
  readonly flags?: readonly string[];
}): string {
  const script = Deno.mainModule.slice(Deno.mainModule.lastIndexOf("/") + 1);
  return [
    `Usage: sudo ./deno run -A bench/${script} [options]`,
    "",
    "Options:",
    ...Object.entries(spec.numbers).map(([name, value]) => `  --${name} N   (default ${value})`),
    ...(spec.strings ?? []).map((name) => `  --${name} TEXT`),
    ...(spec.flags ?? []).map((name) => `  --${name}`),
    "  --help",
    "",
    `What it measures and prints: the module documentation at the top of bench/${script}.`,
  ].join("\n");
}
