/**
 * Learning the `deno` section of a policy (issue 15, `cordon deno --learn`): the permission
 * checks a Deno program made, as its broker saw them, become one `allow` rule per permission
 * kind with the values seen (sorted, each once), or a rule without values when Deno asked for the
 * whole kind (value `null`). Values the policy language cannot hold (a relative path) are left
 * out and listed in a comment. The policy extends `builtin:baseline` and lets the Deno
 * executable run and JIT, so that `cordon deno --policy` runs the program again under it; its
 * `deno.default` is `deny`.
 *
 * Pure: no I/O; the date is an input.
 *
 * @module
 */

import {
  DENO_PERMISSIONS,
  type DenoPermission,
  type DenoPermissionCheck,
} from "../policies/types.ts";

/** Options of {@linkcode generateDenoPolicy}. */
export interface DenoLearnOptions {
  /** `metadata.name` (lower-cased, other characters than `a-z0-9-` replaced by `-`). */
  readonly name: string;
  /** The Deno arguments learned from (for the header). */
  readonly command: readonly string[];
  /** When (ISO 8601, for the header). */
  readonly date: string;
  /** The Deno executable: its directory becomes `filesystem.execute`. Absent: no filesystem. */
  readonly denoExecutable?: string;
}

/** Whether the policy language accepts `value` for `kind` (as `parse.ts` checks it). */
function acceptable(kind: DenoPermission, value: string): boolean {
  if (value === "" || /\s/.test(value) || value.includes("\0")) return false;
  switch (kind) {
    case "read":
    case "write":
      return value.startsWith("/") && !value.split("/").includes("..");
    case "ffi":
    case "run":
      return !value.includes("/") || (value.startsWith("/") && !value.split("/").includes(".."));
    case "net":
    case "import":
      return /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]*]+)(:[0-9]+)?$/.test(value);
    case "env":
    case "sys":
      return /^[^=*]+$/.test(value);
  }
}

/** The `spec.deno` section learned from some checks, as YAML lines (indented for `spec`). */
export interface LearnedDenoSection {
  /** The section's lines, `  deno:` first. */
  readonly lines: readonly string[];
  /** Checks whose value the policy language cannot express (`kind "value"`), left out. */
  readonly rejected: readonly string[];
  /** Permission kinds Deno asked about that Cordon does not know. */
  readonly unknown: readonly string[];
}

/**
 * The `spec.deno` section that allows exactly `checks`: `default: deny` and one `allow` rule per
 * kind seen (its values, or none when Deno asked for the kind as a whole). Deterministic.
 *
 * @param checks The checks the program made, in any order, repeats included.
 * @returns The section's lines and what could not be expressed.
 *
 * @example
 * ```ts
 * import { learnedDenoSection } from "@cordon/cordon";
 * const { lines } = learnedDenoSection([{ permission: "env", value: "HOME" }]);
 * if (lines[0] !== "  deno:" || !lines.includes('        values: ["HOME"]')) throw new Error();
 * ```
 */
export function learnedDenoSection(checks: Iterable<DenoPermissionCheck>): LearnedDenoSection {
  const seen = new Map<DenoPermission, { all: number; values: Map<string, number> }>();
  const rejected: string[] = [];
  const unknown = new Set<string>();
  for (const check of checks) {
    const kind = check.permission as DenoPermission;
    if (!DENO_PERMISSIONS.includes(kind)) {
      unknown.add(check.permission);
      continue;
    }
    const entry = seen.get(kind) ?? { all: 0, values: new Map<string, number>() };
    seen.set(kind, entry);
    if (check.value === null) entry.all++;
    else if (acceptable(kind, check.value)) {
      entry.values.set(check.value, (entry.values.get(check.value) ?? 0) + 1);
    } else rejected.push(`${kind} ${JSON.stringify(check.value)}`);
  }
  const lines = ["  deno:", "    default: deny"];
  const rules: string[] = [];
  for (const kind of DENO_PERMISSIONS) {
    const entry = seen.get(kind);
    if (!entry) continue;
    const total = entry.all + [...entry.values.values()].reduce((a, b) => a + b, 0);
    rules.push(`      - id: learned-${kind} # ${total} check${total === 1 ? "" : "s"}`);
    rules.push(`        permission: ${kind}`);
    if (entry.all === 0) {
      const values = [...entry.values.keys()].sort().map((v) => JSON.stringify(v));
      rules.push(`        values: [${values.join(", ")}]`);
    } else {
      rules.push(`        # Deno asked for ${kind} as a whole (value null): no values`);
    }
    rules.push("        action: allow");
  }
  if (rules.length > 0) lines.push("    rules:", ...rules);
  return { lines, rejected, unknown: [...unknown] };
}

/**
 * A policy learned by `cordon learn`'s generator (`engine/generate_policy.ts`, whose YAML ends
 * with its `spec`) with the `deno` section of `checks` and `memory.writeExecute: allow` (V8's
 * JIT) added to its `spec`: what `cordon deno --learn` writes when the run was recorded.
 *
 * @param kernelYaml The generated kernel policy.
 * @param checks The Deno permission checks of the same run.
 * @returns The policy text, ending with a newline.
 *
 * @example
 * ```ts
 * import { withLearnedDenoSection } from "@cordon/cordon";
 * const yaml = withLearnedDenoSection(
 *   "apiVersion: cordon/v1\nkind: Policy\nmetadata:\n  name: p\nspec:\n  defaultAction: deny\n",
 *   [{ permission: "read", value: "/srv/a" }],
 * );
 * if (!yaml.endsWith("        action: allow\n") || !yaml.includes("writeExecute: allow")) throw new Error();
 * ```
 */
export function withLearnedDenoSection(
  kernelYaml: string,
  checks: Iterable<DenoPermissionCheck>,
): string {
  const { lines, rejected, unknown } = learnedDenoSection(checks);
  const notes = [
    ...(rejected.length > 0
      ? [
        `# Deno checks not expressible, left out (denied when asked again): ${rejected.join(", ")}`,
      ]
      : []),
    ...(unknown.length > 0 ? [`# Unknown Deno permission kinds seen: ${unknown.join(", ")}`] : []),
  ];
  const memory = /^ {2}memory:/m.test(kernelYaml)
    ? []
    : ["  memory:", "    writeExecute: allow # V8's JIT"];
  return `${notes.map((n) => `${n}\n`).join("")}${kernelYaml.trimEnd()}\n${
    [...memory, ...lines].join("\n")
  }\n`;
}

/**
 * A `metadata.name` made from `text` (a file name, a command): lower-cased, other characters
 * than `a-z0-9-` replaced by `-`, starting with a letter or digit, at most 128 characters;
 * `learned-deno` when nothing is left.
 *
 * @param text The name wanted.
 * @returns A name the policy language accepts.
 *
 * @example
 * ```ts
 * import { learnedPolicyName } from "@cordon/cordon";
 * if (learnedPolicyName("My App.yaml") !== "my-app-yaml") throw new Error();
 * if (learnedPolicyName("--") !== "learned-deno") throw new Error();
 * ```
 */
export function learnedPolicyName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^[^a-z0-9]+/, "")
    .slice(0, 128) || "learned-deno";
}

/**
 * The policy YAML learned from `checks`.
 *
 * @param checks The checks the program made, in any order, repeats included.
 * @param options Name, command, date and the Deno executable.
 * @returns The policy text, ending with a newline.
 *
 * @example
 * ```ts
 * import { generateDenoPolicy } from "@cordon/cordon";
 * const yaml = generateDenoPolicy(
 *   [{ permission: "read", value: "/srv/a" }, { permission: "env", value: null }],
 *   { name: "learned", command: ["run", "app.ts"], date: "2026-01-01T00:00:00Z" },
 * );
 * if (!yaml.includes('values: ["/srv/a"]') || !yaml.includes("permission: env")) throw new Error();
 * ```
 */
export function generateDenoPolicy(
  checks: Iterable<DenoPermissionCheck>,
  options: DenoLearnOptions,
): string {
  const { lines: section, rejected, unknown } = learnedDenoSection(checks);
  const name = learnedPolicyName(options.name);
  const command = `deno ${options.command.join(" ")}`.slice(0, 2000);
  const lines = [
    "# yaml-language-server: $schema=policies/policy.schema.json",
    `# Learned by cordon deno --learn from: ${command.replaceAll("\n", " ")}`,
    `# on ${options.date}. Review it: every check the program made is allowed, nothing else.`,
  ];
  if (rejected.length > 0) {
    lines.push(`# Not expressible, left out (denied when asked again): ${rejected.join(", ")}`);
  }
  if (unknown.length > 0) lines.push(`# Unknown permission kinds seen: ${unknown.join(", ")}`);
  lines.push(
    "apiVersion: cordon/v1",
    "kind: Policy",
    "metadata:",
    `  name: ${name}`,
    `  description: ${JSON.stringify(`Deno permissions of ${command}`)}`,
    "spec:",
    "  extends: [builtin:baseline]",
  );
  if (options.denoExecutable !== undefined) {
    const dir = options.denoExecutable.replace(/\/[^/]+$/, "") || "/";
    lines.push(
      "  filesystem:",
      `    execute: [${JSON.stringify(dir)}] # the Deno executable's directory`,
    );
  }
  lines.push("  memory:", "    writeExecute: allow # V8's JIT", ...section);
  return `${lines.join("\n")}\n`;
}
