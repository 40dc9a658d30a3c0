/**
 * What the policy-reading commands share: the library's load → resolve → compile pipeline
 * (`compile/load_policies.ts`) with unusable paths as usage errors; policy errors printed as
 * `FILE:LINE:COL: message` lines; architecture options.
 *
 * @module
 */

import { type Arch, ARCHES } from "../policies/types.ts";
import type { CompileOptions } from "../compile/compile.ts";
import {
  type LoadedPolicies,
  loadPolicies as libraryLoadPolicies,
  PolicyPathsError,
} from "../compile/load_policies.ts";
import { PolicyError, PolicyErrors, policyErrorText } from "../policies/errors.ts";
import { UsageError } from "./command.ts";
import { closestMatch } from "../policies/closest_match.ts";

export type { LoadedPolicies } from "../compile/load_policies.ts";

/**
 * The library's {@linkcode libraryLoadPolicies} for a command: unusable paths (none, `-` twice, an
 * unknown builtin) become a {@linkcode UsageError} (exit code 2).
 *
 * @param paths The policy paths, at least one.
 * @param options Compile options (architectures, unknown syscalls).
 * @returns The parsed set, the resolved layers and the filter set.
 * @throws {UsageError} For no paths, `-` twice, or an unknown builtin profile.
 * @throws {PolicyErrors} With every problem of every file (`FILE:LINE:COL: message` each).
 *
 * @example
 * ```ts
 * import { loadPolicies } from "./load_policies.ts";
 * const { filters } = await loadPolicies(["builtin:baseline"], { arches: ["x86_64"] });
 * if (filters.layers[0]?.policy !== "baseline") throw new Error("baseline expected");
 * ```
 */
export function loadPolicies(
  paths: readonly string[],
  options: CompileOptions = {},
): Promise<LoadedPolicies> {
  return pathsAsUsageErrors(libraryLoadPolicies(paths, options));
}

/**
 * `work`, with unusable policy paths (a {@linkcode PolicyPathsError} from the library: none,
 * `-` twice, an unknown builtin) turned into a {@linkcode UsageError} (exit code 2).
 *
 * @example
 * ```ts
 * import { pathsAsUsageErrors } from "./load_policies.ts";
 * import { checkPolicyFiles } from "@cordon/cordon";
 * const error = await pathsAsUsageErrors(checkPolicyFiles([])).catch((e) => e);
 * if (error.name !== "UsageError") throw new Error(String(error));
 * ```
 */
export async function pathsAsUsageErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof PolicyPathsError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Prints a policy error on stderr, one line per problem in the one error style of every command,
 * `cordon CMD: FILE:LINE:COL: error[CODE]: message`, then `cordon CMD: N errors`, and returns
 * exit code 1; returns `undefined` for any other error, which the caller rethrows.
 *
 * @param error What loading threw.
 * @param command The command's name (`compile`, `run`…), for the prefix.
 * @returns `1` when the error was a policy error and has been printed.
 *
 * @example
 * ```ts
 * import { policyErrorLine, reportPolicyErrors } from "./load_policies.ts";
 * import { PolicyError } from "@cordon/cordon";
 * if (reportPolicyErrors(new Error("other"), "check") !== undefined) throw new Error("not a policy error");
 * const line = policyErrorLine(new PolicyError("unknown-key", 'unknown key "specc"', "p.yaml", 4, 1), "run");
 * if (line !== 'cordon run: p.yaml:4:1: error[unknown-key]: unknown key "specc"') throw new Error(line);
 * ```
 */
export function reportPolicyErrors(error: unknown, command: string): 1 | undefined {
  const list = error instanceof PolicyErrors
    ? error.errors
    : error instanceof PolicyError
    ? [error]
    : undefined;
  if (list === undefined) return undefined;
  for (const e of list) console.error(policyErrorLine(e, command));
  const n = list.length;
  console.error(`cordon ${command}: ${n} error${n === 1 ? "" : "s"}`);
  return 1;
}

/** One policy error as `cordon CMD: FILE:LINE:COL: error[CODE]: message`. */
export function policyErrorLine(error: PolicyError, command: string): string {
  return `cordon ${command}: ${policyErrorText(error)}`;
}

const ARCH_ALIASES: Readonly<Record<string, Arch>> = {
  amd64: "x86_64",
  "x86-64": "x86_64",
  x64: "x86_64",
  x86: "i386",
  i686: "i386",
  ia32: "i386",
  arm64: "aarch64",
};

/**
 * Parses architecture option values (`x86_64,aarch64`, repeated or comma-separated; `all`; the
 * aliases `amd64`, `x86`, `i686`, `arm64`) into architectures in {@linkcode ARCHES} order.
 *
 * @param values The option's values; empty means `fallback`.
 * @param fallback What no value means.
 * @returns The architectures, without duplicates.
 * @throws {UsageError} For an architecture Cordon does not know (with a suggestion).
 *
 * @example
 * ```ts
 * import { parseArches } from "./load_policies.ts";
 * const arches = parseArches(["arm64,x86_64"], ["x86_64"]);
 * if (arches.join() !== "x86_64,aarch64") throw new Error(arches.join());
 * ```
 */
export function parseArches(values: readonly string[], fallback: readonly Arch[]): Arch[] {
  const names = values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
  if (names.length === 0) return [...fallback];
  const wanted = new Set<Arch>();
  for (const name of names) {
    if (name === "all") {
      for (const arch of ARCHES) wanted.add(arch);
      continue;
    }
    const arch = (ARCHES as readonly string[]).includes(name) ? name as Arch : ARCH_ALIASES[name];
    if (arch === undefined) {
      const hint = didYouMean(name, [...ARCHES, "all"]);
      throw new UsageError(
        `unknown architecture "${name}"${hint}; expected ${ARCHES.join(", ")} or all`,
      );
    }
    wanted.add(arch);
  }
  return ARCHES.filter((arch) => wanted.has(arch));
}

/**
 * `; did you mean "X"?` for the candidate closest to `word` (see {@linkcode closestMatch}), or `""`.
 *
 * @param word What the user typed.
 * @param candidates The valid words.
 * @returns The hint, ready to append to a message.
 *
 * @example
 * ```ts
 * import { didYouMean } from "./load_policies.ts";
 * if (didYouMean("ptrac", ["ptrace", "read"]) !== '; did you mean "ptrace"?') throw new Error();
 * ```
 */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const best = closestMatch(word, candidates);
  return best === undefined ? "" : `; did you mean "${best}"?`;
}
