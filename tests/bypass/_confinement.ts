/**
 * Helpers of the process-confinement bypass tests (issue 9): the policies every class is tried
 * against (the shipped `builtin:baseline` and `examples/policies/cli-tool.yaml`, and policies
 * written to allow as much as they can while keeping the forbidden effect forbidden), and a
 * confined Python program whose `name result` lines report each attempt.
 *
 * @module
 */

import type { FilterSet } from "../../compile/filter_set.ts";
import { runConfined, type RunOptions } from "../../backends/linux/run.ts";
import { loadPolicies } from "../../compile/load_policies.ts";
import { hasFile, needRoot, PYTHON, unavailable } from "../_kernel.ts";
import { landlockAbi } from "../_kernel.ts";
import { capabilityNames, capabilityNumber } from "../../policies/constants.ts";
import { ownCapabilities } from "../../backends/linux/process_confinement.ts";

/** Why the tests cannot run here (they need Linux, root, python3 and Landlock ABI 6), or `null`. */
export const CONFINEMENT_REASON: string | null = unavailable(
  Deno.build.os !== "linux" && "needs Linux",
  needRoot(),
  !hasFile(PYTHON) && `needs ${PYTHON}`,
  landlockAbi() < 6 && "needs Landlock ABI 6 (signal scoping)",
);

/** The shipped example every class is tried against. */
export const CLI_TOOL = new URL("../../examples/policies/cli-tool.yaml", import.meta.url).pathname;

/** Compiles policy files, `builtin:NAME` and YAML texts (written into `dir`) into one set. */
export async function policySet(dir: string, ...sources: string[]): Promise<FilterSet> {
  const files: string[] = [];
  for (const source of sources) {
    if (source.startsWith("builtin:") || !source.includes("\n")) files.push(source);
    else {
      const file = `${dir}/policy-${crypto.randomUUID()}.yaml`;
      await Deno.writeTextFile(file, source);
      files.push(file);
    }
  }
  return (await loadPolicies(files)).filters;
}

/** A policy extending `builtin:baseline` that may write (only) below `write`. */
export function baselineWriting(write: string): string {
  return `apiVersion: cordon/v1
kind: Policy
metadata: { name: baseline-writing }
spec:
  extends: [builtin:baseline]
  filesystem:
    write: [${JSON.stringify(write)}]
`;
}

/**
 * A policy that allows every syscall and keeps `capabilities`, with an optional `filesystem`
 * section (YAML flow text, e.g. `{ write: ["/tmp/x"] }`) and extra `privileges` lines.
 */
export function permissive(
  name: string,
  capabilities: readonly string[],
  filesystem?: string,
  privileges = "",
): string {
  return `apiVersion: cordon/v1
kind: Policy
metadata: { name: ${name} }
spec:
  defaultAction: allow
  privileges:
    capabilities: [${capabilities.join(", ")}]
${privileges ? `    ${privileges}\n` : ""}${filesystem ? `  filesystem: ${filesystem}\n` : ""}`;
}

/** What a confined Python program reported: one `name result` pair per attempt. */
export interface Attempts {
  readonly code: number;
  readonly results: ReadonlyMap<string, string>;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The Python prologue of every probe: `attempt(name, fn)` prints `name ok` when `fn` returns,
 * `name ERRNO` when it raises an `OSError`.
 */
export const ATTEMPT = `
import errno, os, sys
def attempt(name, fn):
    try:
        fn()
        print(name, "ok", flush=True)
    except OSError as e:
        print(name, errno.errorcode.get(e.errno, str(e.errno)), flush=True)
`;

/** Runs `script` (after {@linkcode ATTEMPT}) with python3 confined by `set`. */
export async function attempts(
  set: FilterSet,
  script: string,
  args: readonly string[] = [],
  options: Partial<RunOptions> = {},
): Promise<Attempts> {
  const result = await runConfined({
    stdout: "piped",
    stderr: "piped",
    ...options,
    set,
    command: [PYTHON, "-c", ATTEMPT + script, ...args],
  });
  const stdout = new TextDecoder().decode(result.stdout);
  const results = new Map<string, string>();
  for (const line of stdout.trim().split("\n")) {
    const [name, value] = line.split(" ");
    if (name && value) results.set(name, value);
  }
  return { code: result.code, results, stdout, stderr: new TextDecoder().decode(result.stderr) };
}

/** Throws unless every named attempt reported one of the `|`-separated results. */
export function expectAttempts(run: Attempts, want: Readonly<Record<string, string>>): void {
  for (const [name, expected] of Object.entries(want)) {
    const got = run.results.get(name);
    if (got === undefined || !expected.split("|").includes(got)) {
      throw new Error(
        `${name}: ${got}, want ${expected}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`,
      );
    }
  }
}

/** Every capability this process holds but `except` (a policy may keep only what `run` has). */
export function heldCapabilities(except: readonly string[] = []): string[] {
  const { permitted } = ownCapabilities();
  return capabilityNames().filter((name) =>
    !except.includes(name) && ((permitted >> BigInt(capabilityNumber(name) ?? 0)) & 1n) === 1n
  );
}
