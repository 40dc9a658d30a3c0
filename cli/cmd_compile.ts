/**
 * `cordon compile`: policies to a compiled form (the IR, and whatever the library's emitter
 * registry, `compile/emitters.ts`, lists), on stdout or into a file.
 *
 * @module
 */

import { fileErrorText } from "../policies/errors.ts";
import { ARCHES } from "../policies/types.ts";
import { EmitError, EMITTERS } from "../compile/emitters.ts";
import { LANDLOCK_ABI_LATEST } from "../compile/landlock.ts";
import { summarizeFilterSet } from "../compile/summarize_filter_set.ts";
import { stableJson } from "../compile/stable_json.ts";
import { type Command, EXIT, UsageError } from "./command.ts";
import { choice, parseArgs } from "./parse_args.ts";
import { didYouMean, loadPolicies, parseArches, reportPolicyErrors } from "./load_policies.ts";

const OPTIONS = {
  emit: { type: "string", short: "e" },
  arch: { type: "string", short: "a", multiple: true },
  output: { type: "string", short: "o" },
  format: { type: "string" },
  "unknown-syscalls": { type: "string" },
  "landlock-abi": { type: "string" },
} as const;

function help(): string {
  const width = Math.max(...Object.keys(EMITTERS).map((n) => n.length));
  const emitters = Object.entries(EMITTERS)
    .sort(([a], [b]) => a < b ? -1 : 1)
    .map(([name, e]) => `                      ${name.padEnd(width)}  ${e.describe}`);
  return [
    "cordon compile: compile policies into filter sets",
    "",
    "Usage: cordon compile FILE... [--emit FORMAT] [--arch A[,B]] [-o OUT] [--format text|json]",
    "",
    "FILE is a policy file, builtin:NAME, or - for standard input. All policies are compiled",
    "together: each is one layer.",
    "",
    "Options:",
    "  -e, --emit FORMAT   what to produce (default ir):",
    ...emitters,
    `  -a, --arch A[,B]    architectures: ${ARCHES.join(", ")} or all (default all)`,
    "  -o, --output OUT    write to OUT (replaced only once compiling succeeded) and print a",
    "                      summary; without it the output goes to stdout",
    "      --format F      the summary printed with -o: text (default) or json",
    "      --unknown-syscalls enosys|default",
    "                      numbers absent from the syscall tables: ENOSYS when the default",
    "                      action is deny or stricter (default), or the default action",
    "      --landlock-abi N",
    `                      the Landlock ABI of --emit landlock, 0-${LANDLOCK_ABI_LATEST} (default ${LANDLOCK_ABI_LATEST}, the`,
    "                      latest known; `cordon doctor` shows this kernel's)",
    "",
    "Examples:",
    "  cordon compile web.yaml > web.ir.json",
    "  cordon compile web.yaml --arch x86_64,aarch64 -o web.ir.json --format json",
    "  cordon compile web.yaml --emit landlock --landlock-abi 4",
    "",
    "Exit codes: 0 compiled, 1 invalid policy or unwritable output, 2 usage error.",
  ].join("\n");
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, OPTIONS);
  const emitName = typeof values.emit === "string" ? values.emit : "ir";
  const emitter = EMITTERS[emitName];
  if (emitter === undefined) {
    const names = Object.keys(EMITTERS).sort();
    throw new UsageError(
      `unknown --emit "${emitName}"${didYouMean(emitName, names)}; expected one of ${
        names.join(", ")
      }`,
    );
  }
  const arches = parseArches((values.arch as string[] | undefined) ?? [], ARCHES);
  const format = choice(values, "format", ["text", "json"], "text");
  const unknownSyscalls = choice(values, "unknown-syscalls", ["enosys", "default"], "enosys");
  const landlockAbi = parseLandlockAbi(values["landlock-abi"], emitName);
  const output = values.output as string | undefined;
  if (output === "") throw new UsageError("-o needs a file name");
  if (emitter.binary && output === undefined && Deno.stdout.isTerminal()) {
    throw new UsageError(`--emit ${emitName} is binary: use -o OUT or redirect stdout`);
  }

  let loaded;
  try {
    loaded = await loadPolicies(positionals, { arches, unknownSyscalls });
  } catch (error) {
    const code = reportPolicyErrors(error, "compile");
    if (code === undefined) throw error;
    return code;
  }
  let produced;
  try {
    produced = emitter.emit(loaded.filters, {
      arches,
      ...(landlockAbi === undefined ? {} : { landlockAbi }),
      ...(output === undefined ? {} : { output }),
      onWarning: (message) => console.error(`warning: ${message}`),
    });
  } catch (error) {
    if (error instanceof EmitError) throw new UsageError(`--emit ${error.message}`);
    throw error;
  }
  const bytes = typeof produced === "string" ? new TextEncoder().encode(produced) : produced;
  if (output === undefined) {
    await writeAll(Deno.stdout, bytes);
    return EXIT.ok;
  }
  await writeReplacing(output, bytes);
  const summary = {
    output,
    emit: emitName,
    bytes: bytes.length,
    arches,
    layers: summarizeFilterSet(loaded.filters),
  };
  if (format === "json") {
    console.log(stableJson(summary).trimEnd());
  } else {
    const n = summary.layers.length;
    console.log(
      `wrote ${output} (${emitName}, ${bytes.length} bytes): ${n} layer${n === 1 ? "" : "s"}, ` +
        `${arches.join(", ")}`,
    );
    for (const layer of summary.layers) {
      for (const a of layer.arches) {
        const b = a.byAction;
        console.log(
          `  ${layer.policy} ${a.arch}: ${b.allow} allowed, ${b.log} logged, ${b.deny} denied, ` +
            `${b.kill + b.kill_thread} killed, ${
              b.trap + b.trace + b.notify
            } trapped/traced/notified, ` +
            `${a.conditional} by arguments, unknown numbers: ${a.unknown}`,
        );
      }
    }
  }
  return EXIT.ok;
}

/** `--landlock-abi N`: an integer ABI this compiler knows, and only with `--emit landlock`. */
function parseLandlockAbi(value: unknown, emitName: string): number | undefined {
  if (value === undefined) return undefined;
  if (emitName !== "landlock") {
    throw new UsageError(`--landlock-abi applies to --emit landlock, not --emit ${emitName}`);
  }
  const text = String(value);
  const abi = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(abi) || abi > LANDLOCK_ABI_LATEST) {
    throw new UsageError(
      `bad --landlock-abi "${text}": expected an integer from 0 to ${LANDLOCK_ABI_LATEST}`,
    );
  }
  return abi;
}

async function writeAll(file: { write(p: Uint8Array): Promise<number> }, bytes: Uint8Array) {
  let offset = 0;
  while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
}

/** Writes `bytes` to a temporary file beside `path`, then renames it over `path`. */
async function writeReplacing(path: string, bytes: Uint8Array): Promise<void> {
  const slash = path.lastIndexOf("/");
  const dir = slash === -1 ? "." : path.slice(0, slash) || "/";
  const temp = await Deno.makeTempFile({ dir, prefix: ".cordon-compile-" }).catch((error) => {
    throw new Error(`cannot write ${path}: ${fileErrorText(error)}`, {
      cause: error,
    });
  });
  try {
    await Deno.writeFile(temp, bytes);
    await Deno.chmod(temp, 0o644);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw new Error(`cannot write ${path}: ${fileErrorText(error)}`, {
      cause: error,
    });
  }
}

/**
 * `cordon compile`.
 *
 * @example
 * ```ts
 * import { compileCommand } from "./cmd_compile.ts";
 * if (compileCommand.name !== "compile" || !compileCommand.help.includes("--emit")) throw new Error();
 * ```
 */
export const compileCommand: Command = {
  name: "compile",
  summary: "compile policies into filter sets (IR, and other --emit formats)",
  get help() {
    return help();
  },
  run,
};
