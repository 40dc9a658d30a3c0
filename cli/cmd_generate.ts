/**
 * `cordon generate`: learns a least-privilege policy from recorded traces (Cordon JSON Lines from
 * `cordon record`, or `strace -f -y` text), merging several runs. The writing and summary parts
 * are shared with `cordon learn`.
 *
 * @module
 */

import { fileErrorText } from "../policies/errors.ts";
import { type Command, EXIT, UsageError } from "./command.ts";
import { choice, parseArgs } from "./parse_args.ts";
import { loadPolicies, reportPolicyErrors } from "./load_policies.ts";
import {
  type GeneratedPolicy,
  generatePolicy,
  observeTraceText,
  TraceObserver,
} from "../engine/generate_policy.ts";
import type { ResolvedPolicy } from "../policies/types.ts";

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/** The options `generate` and `learn` share. */
export const POLICY_OPTIONS = {
  output: { type: "string", short: "o" },
  name: { type: "string" },
  base: { type: "string" },
  format: { type: "string" },
  date: { type: "string" },
} as const;

/** The help text of the options `generate` and `learn` share. */
export const POLICY_OPTIONS_HELP =
  `  -o, --output FILE   write the policy to FILE (created or replaced); without it, to stdout
      --name N        metadata.name (default: the command's name, else "learned")
      --base B        the builtin profile to extend, builtin:NAME (default builtin:baseline):
                      only what it does not already allow is added, and what it denies
                      with a rule of its own stays denied (listed as a note); --base none
                      writes a standalone defaultAction: deny policy
      --format F      the summary: text (default, on stderr) or json (one line: on stdout for
                      generate -o FILE, else on stderr, after the command's own output)
      --date ISO      the date written in the header (default now; for reproducible output)`;

/** The base policy named by `--base`, resolved; `undefined` for `none`. */
export async function loadBase(
  ref: string,
): Promise<{ ref: string; policy: ResolvedPolicy } | undefined | number> {
  if (ref === "none") return undefined;
  if (!ref.startsWith("builtin:")) {
    // `extends` names a policy of the same set or a builtin profile: a file's policy would not
    // resolve when the learned policy is loaded on its own.
    throw new UsageError(
      `--base takes builtin:NAME or none, not "${ref}" (extends cannot name another file's policy)`,
    );
  }
  try {
    const { resolved } = await loadPolicies([ref]);
    if (resolved.length !== 1) {
      throw new UsageError(`--base must name one policy; "${ref}" holds ${resolved.length}`);
    }
    return { ref, policy: resolved[0]! };
  } catch (error) {
    const code = reportPolicyErrors(error, "generate");
    if (code !== undefined) return code;
    throw error;
  }
}

/** The policy name from `--name` or the command. */
export function policyName(values: Record<string, unknown>, command?: readonly string[]): string {
  if (typeof values.name === "string") {
    if (!NAME.test(values.name)) {
      throw new UsageError(`--name must match [a-z0-9][a-z0-9-]*, not "${values.name}"`);
    }
    return values.name;
  }
  const program = command?.[0]?.split("/").at(-1)?.toLowerCase().replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return program && NAME.test(program) ? program : "learned";
}

/** The `--date` option, or now. */
export function policyDate(values: Record<string, unknown>): Date {
  if (typeof values.date !== "string") return new Date();
  const date = new Date(values.date);
  if (Number.isNaN(date.getTime())) {
    throw new UsageError(`--date takes an ISO 8601 date, not "${values.date}"`);
  }
  return date;
}

/** Whether `path` exists now (generated filesystem rules must name existing paths). */
export function pathExists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The sha256 of `bytes`, hex. */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Writes the policy and the summary; returns the exit code. */
export function writePolicy(
  command: "generate" | "learn",
  generated: GeneratedPolicy,
  output: string | undefined,
  format: "text" | "json",
  extra: Record<string, unknown> = {},
): number {
  if (output === undefined) {
    Deno.stdout.writeSync(new TextEncoder().encode(generated.yaml));
  } else {
    const temp = `${output}.cordon-tmp`;
    try {
      Deno.writeTextFileSync(temp, generated.yaml);
      Deno.renameSync(temp, output);
    } catch (error) {
      try {
        Deno.removeSync(temp);
      } catch {
        // nothing was written
      }
      console.error(`cordon ${command}: cannot write "${output}": ${fileErrorText(error)}`);
      return EXIT.failed;
    }
  }
  const summary = {
    policy: output ?? "-",
    observedSyscalls: generated.observedSyscalls,
    allowedSyscalls: generated.allowedSyscalls,
    fromBase: generated.fromBase,
    groups: generated.groups,
    rules: generated.rules,
    filesystem: generated.filesystem,
    network: generated.network,
    baseDenied: generated.baseDenied,
    refusedPaths: generated.refusedPaths,
    unseen: generated.unseen,
    ...extra,
  };
  if (format === "json") {
    // `learn`'s standard output is the command's; so is `generate`'s without -o (the policy).
    const text = JSON.stringify(summary);
    if (output === undefined || command === "learn") console.error(text);
    else console.log(text);
    return EXIT.ok;
  }
  const fs = generated.filesystem;
  const lines = [
    `cordon ${command}: wrote ${output ?? "the policy to standard output"}: ` +
    `${generated.observedSyscalls} distinct syscalls observed, ${generated.allowedSyscalls} ` +
    `allowed by the policy itself (${generated.groups.length} capability groups, ` +
    `${generated.rules} rules), ${generated.fromBase} already allowed by the base; ` +
    `filesystem: ${fs.read.length} read, ${fs.write.length} write, ${fs.execute.length} ` +
    `execute; network: ${generated.network.connect.length} connect, ` +
    `${generated.network.bind.length} bind`,
  ];
  for (const d of generated.baseDenied) {
    lines.push(
      `  note: ${d.syscall} (seen ${d.count}×) stays decided by base rule ${d.ruleId} (${d.action})`,
    );
  }
  for (const p of generated.refusedPaths) lines.push(`  note: not granted (would grant /): ${p}`);
  for (const u of generated.unseen) lines.push(`  could not see: ${u.what} (${u.count}×)`);
  console.error(lines.join("\n"));
  return EXIT.ok;
}

const HELP = `cordon generate: learn a least-privilege policy from recorded traces

Usage: cordon generate TRACE... [-o FILE] [--name N] [--base B] [--format text|json]

Reads one or more traces (Cordon JSON Lines from cordon record, or strace -f -y text; the
format is detected) and writes one policy that allows what all of them did, and nothing else
that the base does not already allow:
  - capability groups whose every syscall was observed, the other syscalls as one rule;
  - argument conditions where the observed values are few (socket families, clone flags,
    ioctl requests), else the whole syscall;
  - filesystem read/write/execute paths, generalised to directories (/usr read as a whole,
    the directory a program wrote in, never /);
  - network connect/bind endpoints and Unix sockets connected to.
Every entry is commented with how often and by which program it was seen; the header names
each trace's sha256, the command and the date. The output is deterministic (see --date).

A trace whose recording lost events (its # cordon record: trailer says so) is refused: a
policy learned from it would miss calls.

Options:
  TRACE               a trace file (repeatable; several runs are merged)
${POLICY_OPTIONS_HELP}
  -h, --help          show this help

Exit codes: 0 policy written, 1 refused (lost events, unreadable trace, bad base), 2 usage.

Examples:
  sudo cordon record -o run1.jsonl -- ./app --test
  strace -f -y -o run2.strace -- ./app --serve
  cordon generate run1.jsonl run2.strace -o app.yaml --name app
  sudo cordon run --policy app.yaml -- ./app --test`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals, rest } = parseArgs(argv, POLICY_OPTIONS);
  const format = choice(values, "format", ["text", "json"] as const, "text");
  const traces = [...positionals, ...rest];
  if (traces.length === 0) throw new UsageError("no trace given");
  if (values.output === "") throw new UsageError("-o takes a file name");
  const output = typeof values.output === "string" && values.output !== "-"
    ? values.output
    : undefined;
  const date = policyDate(values);
  if (values.name !== undefined) policyName(values);
  const base = await loadBase(typeof values.base === "string" ? values.base : "builtin:baseline");
  if (typeof base === "number") return base;
  const observer = new TraceObserver();
  const digests: { trace: string; sha256: string; format: string }[] = [];
  for (const trace of traces) {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(trace);
    } catch (error) {
      console.error(`cordon generate: cannot read trace "${trace}": ${fileErrorText(error)}`);
      return EXIT.failed;
    }
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      console.error(`cordon generate: trace "${trace}" is not text (not UTF-8)`);
      return EXIT.failed;
    }
    const digest = await sha256(bytes);
    const calls = observer.calls;
    const recording = observeTraceText(observer, { name: trace, sha256: digest }, text);
    if (recording.lost > 0) {
      console.error(
        `cordon generate: refusing: trace "${trace}" lost ${recording.lost} events while it ` +
          `was recorded, so a policy learned from it would miss calls; record it again with a ` +
          `larger ring buffer (cordon record --ring-mb 256 --fail-on-loss ...)`,
      );
      return EXIT.failed;
    }
    if (observer.calls === calls) {
      console.error(`cordon generate: trace "${trace}" holds no call or event`);
      return EXIT.failed;
    }
    digests.push({ trace, sha256: digest, format: recording.format });
  }
  const generated = generatePolicy(observer, {
    name: policyName(values, observer.commands[0]),
    ...(base === undefined ? {} : { base }),
    date,
    exists: pathExists,
  });
  return writePolicy("generate", generated, output, format, { traces: digests });
}

/**
 * `cordon generate`.
 *
 * @example
 * ```ts
 * import { generateCommand } from "./cmd_generate.ts";
 * if (generateCommand.name !== "generate" || !generateCommand.help.includes("--base")) {
 *   throw new Error();
 * }
 * ```
 */
export const generateCommand: Command = {
  name: "generate",
  summary: "learn a least-privilege policy from recorded traces (JSON Lines or strace)",
  help: HELP,
  run,
};
