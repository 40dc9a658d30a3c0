/**
 * `cordon programs`: the BPF programs of Cordon loaded in the kernel now (by any cordon
 * process: `monitor`, `apply`, `run`), with their ids, types and maps.
 *
 * @module
 */

import { type Command, EXIT, UsageError } from "./command.ts";
import { choice, parseArgs } from "./parse_args.ts";
import { kernelPrograms, PROG_TYPE_NAMES } from "../backends/linux/bpf_program.ts";

const OPTIONS = { format: { type: "string" }, all: { type: "boolean" } } as const;

const HELP = [
  "cordon programs: Cordon's BPF programs loaded in the kernel now",
  "",
  "Usage: cordon programs [--all] [--format text|json]",
  "",
  "Lists programs named cordon_* (the ones bpf/*.bpf.c define), loaded by any cordon process.",
  "",
  "Options:",
  "  --all        list every BPF program of the system, not only Cordon's",
  "  --format F   text (default) or json",
  "",
  "Needs root. Exit code 0.",
].join("\n");

/**
 * The `programs` command.
 *
 * @example
 * ```ts
 * import { programsCommand } from "./cmd_programs.ts";
 * if (programsCommand.name !== "programs") throw new Error();
 * ```
 */
export const programsCommand: Command = {
  name: "programs",
  summary: "list Cordon's BPF programs loaded in the kernel",
  help: HELP,
  run(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs(argv, OPTIONS);
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const format = choice(values, "format", ["text", "json"], "text");
    const programs = kernelPrograms(values.all ? "" : "cordon_");
    if (format === "json") {
      console.log(JSON.stringify(programs.map((p) => ({
        id: p.id,
        name: p.name,
        type: PROG_TYPE_NAMES[p.type] ?? `type ${p.type}`,
        mapIds: p.mapIds,
        uid: p.uid,
      }))));
    } else if (programs.length === 0) {
      console.log("no Cordon BPF programs are loaded");
    } else {
      for (const p of programs) {
        console.log(
          `${String(p.id).padStart(6)}  ${
            (PROG_TYPE_NAMES[p.type] ?? `type ${p.type}`).padEnd(16)
          } ` +
            `${p.name.padEnd(16)} maps ${p.mapIds.join(",") || "-"}`,
        );
      }
    }
    return Promise.resolve(EXIT.ok);
  },
};
