/**
 * `cordon import oci FILE`: converts an OCI seccomp profile (Docker, Podman, the runtime spec's
 * `linux.seccomp` or a bundle's `config.json`, a Kubernetes Security Profiles Operator
 * `SeccompProfile` in YAML or JSON) into an equivalent Cordon policy, with moby's semantics for
 * the host's architecture, capabilities and kernel.
 *
 * @module
 */

import { fileErrorText } from "../policies/errors.ts";
import { type Command, EXIT, UsageError } from "./command.ts";
import { choice, parseArgs } from "./parse_args.ts";
import { didYouMean, parseArches } from "./load_policies.ts";
import { canonicalCapability, capabilityNames } from "../policies/constants.ts";
import { stableJson } from "../compile/stable_json.ts";
import {
  DOCKER_DEFAULT_CAPS,
  importOciProfile,
  OciProfileError,
  parseSeccompDocument,
} from "../compile/oci.ts";
import { parsePolicies } from "../policies/parse.ts";
import type { Arch } from "../policies/types.ts";

const OPTIONS = {
  caps: { type: "string" },
  arch: { type: "string", short: "a" },
  "min-kernel": { type: "string" },
  name: { type: "string" },
  output: { type: "string", short: "o" },
  format: { type: "string" },
} as const;

const HELP = [
  "cordon import: convert other tools' profiles into Cordon policies",
  "",
  "Usage: cordon import oci FILE [--caps CAP_A,CAP_B] [--arch A] [--min-kernel X.Y]",
  "                             [--name NAME] [-o OUT] [--format text|json]",
  "",
  "FILE is an OCI seccomp profile, or - for standard input: JSON as Docker, Podman and the",
  "runtime spec's linux.seccomp write it (cordon compile --emit oci|oci-runtime), a runtime",
  "bundle's config.json, or a Kubernetes Security Profiles Operator SeccompProfile object",
  "(YAML or JSON, as --emit seccomp-profile writes it; the one SeccompProfile of a multi-document",
  "stream or List). The policy (YAML) goes to stdout or OUT; warnings go to stderr. Entries are",
  "kept or dropped as moby does for the given host: its architecture (archMap and",
  "includes/excludes.arches), the container's capabilities (includes/excludes.caps) and the",
  "kernel (minKernel). The profile is read strictly: an unknown key (a misspelt `syscalls`),",
  "action, operator, architecture, capability, flag or errno name is an error naming its",
  "FILE:LINE:COL, never ignored (Docker would ignore a misspelt key and deny every call).",
  "",
  "Options:",
  "      --caps LIST       the container's capabilities, comma-separated (CAP_ and case optional),",
  "                        or none",
  `                        (default Docker's: ${DOCKER_DEFAULT_CAPS.join(",")})`,
  "  -a, --arch A          host architecture: x86_64, i386 or aarch64 (default this machine's)",
  "      --min-kernel X.Y  kernel for minKernel conditions (default this machine's)",
  "      --name NAME       the policy's metadata.name (default: a SeccompProfile's name, or",
  "                        from FILE)",
  "  -o, --output OUT      write the policy to OUT and print a summary",
  "      --format F        text (default) or json: {yaml, warnings, arches, form, output}, form",
  "                        being profile, runtime-config or seccomp-profile",
  "",
  "Examples:",
  "  cordon import oci docker-default.json > docker.yaml",
  "  cordon import oci web-seccompprofile.yaml -o web.yaml",
  "  cordon import oci seccomp.json --caps CAP_SYS_ADMIN,CAP_NET_RAW --arch aarch64 -o p.yaml",
  "  cordon compile docker.yaml --arch x86_64,i386,x32 --emit seccomp-bpf -o docker.bpf",
  "",
  "Exit codes: 0 imported, 1 unreadable or invalid profile, 2 usage error (an unknown --caps",
  "capability among them).",
].join("\n");

function hostArch(): Arch {
  return Deno.build.arch === "aarch64" ? "aarch64" : "x86_64";
}

function hostKernel(): string | undefined {
  const match = /^(\d+)\.(\d+)/.exec(Deno.osRelease());
  return match === null ? undefined : `${match[1]}.${match[2]}`;
}

async function readInput(file: string): Promise<string> {
  if (file === "-") return await new Response(Deno.stdin.readable).text();
  return await Deno.readTextFile(file);
}

function baseName(file: string): string {
  if (file === "-") return "oci-profile";
  return file.replace(/^.*\//, "").replace(/\.(json|ya?ml)$/i, "");
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, OPTIONS);
  const [kind, file, ...extra] = positionals;
  if (kind !== "oci") {
    throw new UsageError(
      kind === undefined
        ? "name what to import: oci"
        : `cannot import "${kind}": the form is cordon import oci FILE`,
    );
  }
  if (file === undefined) throw new UsageError("name the profile FILE (or - for stdin)");
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const format = choice(values, "format", ["text", "json"], "text");
  const archOption = values.arch as string | undefined;
  const arches = archOption === undefined ? [hostArch()] : parseArches([archOption], []);
  if (arches.length !== 1 || arches[0] === "x32") {
    throw new UsageError(`--arch takes one host architecture: x86_64, i386 or aarch64`);
  }
  const capsOption = values.caps as string | undefined;
  const caps = capsOption === undefined
    ? DOCKER_DEFAULT_CAPS
    : capsOption.trim() === "none" || capsOption.trim() === ""
    ? []
    : capsOption.split(",").map((c) => c.trim()).filter((c) => c !== "").map((c) => {
      const name = canonicalCapability(c);
      if (name === undefined) {
        throw new UsageError(
          `--caps: unknown capability "${c}"${didYouMean(c.toUpperCase(), capabilityNames())}`,
        );
      }
      return name;
    });
  const minKernel = (values["min-kernel"] as string | undefined) ?? hostKernel();
  if (minKernel !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(minKernel)) {
    throw new UsageError(`--min-kernel takes a version X.Y, not "${minKernel}"`);
  }
  const output = values.output as string | undefined;
  if (output === "") throw new UsageError("-o needs a file name");

  let text: string;
  try {
    text = await readInput(file);
  } catch (error) {
    console.error(`cordon import: cannot read "${file}": ${fileErrorText(error)}`);
    return EXIT.failed;
  }
  let name = (values.name as string | undefined) ?? baseName(file);
  let result;
  let form;
  try {
    const document = parseSeccompDocument(text, file === "-" ? "<stdin>" : file);
    form = document.form;
    if (values.name === undefined && document.name !== undefined) name = document.name;
    const options = {
      caps,
      arch: arches[0]!,
      name,
      source: file === "-" ? "standard input" : file.replace(/^.*\//, ""),
      ...(minKernel === undefined ? {} : { minKernel }),
    };
    result = importOciProfile(document.profile, options);
    // the policy must read back: a failure here is a bug in the importer, reported as such
    parsePolicies(result.yaml, output ?? `${name}.yaml`);
  } catch (error) {
    if (error instanceof OciProfileError) {
      console.error(error.loc === undefined ? `${file}: ${error.message}` : error.message);
      return EXIT.failed;
    }
    throw error;
  }
  if (output !== undefined) await Deno.writeTextFile(output, result.yaml);
  if (format === "json") {
    const report: Record<string, unknown> = {
      warnings: result.warnings,
      arches: result.arches,
      form,
    };
    if (output === undefined) report.yaml = result.yaml;
    else report.output = output;
    console.log(stableJson(report).trimEnd());
    return EXIT.ok;
  }
  for (const warning of result.warnings) console.error(`warning: ${warning}`);
  if (output === undefined) {
    const bytes = new TextEncoder().encode(result.yaml);
    let written = 0;
    while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
  } else {
    console.log(
      `wrote ${output}: policy "${name}" for ${result.arches.join(", ")} ` +
        `(compile with --arch ${result.arches.join(",")})`,
    );
  }
  return EXIT.ok;
}

/**
 * `cordon import`.
 *
 * @example
 * ```ts
 * import { importCommand } from "./cmd_import.ts";
 * if (importCommand.name !== "import" || !importCommand.help.includes("--caps")) throw new Error();
 * ```
 */
export const importCommand: Command = {
  name: "import",
  summary: "convert an OCI seccomp profile (Docker, Podman, runc, Kubernetes) into a policy",
  help: HELP,
  run,
};
