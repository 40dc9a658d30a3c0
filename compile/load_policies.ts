/**
 * The one-call pipeline from policy paths to a filter set: files, `builtin:NAME` and `-` read and
 * parsed ({@linkcode loadPolicyFiles}), `extends` and capability groups resolved
 * ({@linkcode resolvePolicies}), the layers compiled ({@linkcode compilePolicies}). What every
 * policy-reading command does first, and what a library user wants in one call.
 *
 * @module
 */

import type { PolicySet, ResolvedPolicy } from "../policies/types.ts";
import type { FilterSet } from "./filter_set.ts";
import { type CompileOptions, compilePolicies } from "./compile.ts";
import { BUILTIN_PROFILES } from "../policies/builtin_profiles.ts";
import { loadPolicyFiles } from "../policies/load_policy_files.ts";
import { resolvePolicies } from "../policies/resolve.ts";

/** Policies read, resolved and compiled. */
export interface LoadedPolicies {
  /** The policies as parsed, in argument order. */
  readonly set: PolicySet;
  /** One layer per policy, `extends` and capabilities resolved. */
  readonly resolved: ResolvedPolicy[];
  /** The layers compiled. */
  readonly filters: FilterSet;
}

/** Why the policy paths themselves cannot be loaded (before any file is read). */
export type PolicyPathsErrorCode = "NO_POLICY" | "STDIN_TWICE" | "UNKNOWN_BUILTIN";

/** The paths given to {@linkcode loadPolicies} are not usable; `code` says why. */
export class PolicyPathsError extends Error {
  /** Stable error code. */
  readonly code: PolicyPathsErrorCode;
  /**
   * An error with its code and message.
   *
   * @param code Why the paths are unusable.
   * @param message The message, naming the path.
   */
  constructor(code: PolicyPathsErrorCode, message: string) {
    super(message);
    this.name = "PolicyPathsError";
    this.code = code;
  }
}

/**
 * Reads, parses, resolves and compiles the policies at `paths`. A path is a policy file,
 * `builtin:NAME` (a builtin profile) or `-` (standard input, at most once).
 *
 * @param paths The policy paths, at least one.
 * @param options Compile options (architectures, unknown syscalls).
 * @returns The parsed set, the resolved layers and the filter set.
 * @throws {PolicyPathsError} For no paths, `-` twice, or an unknown builtin profile.
 * @throws {PolicyErrors} With every problem of every file (`FILE:LINE:COL: message` each).
 *
 * @example
 * ```ts
 * import { loadPolicies, PolicyPathsError } from "@cordon/cordon";
 * const { filters } = await loadPolicies(["builtin:baseline"], { arches: ["x86_64"] });
 * if (filters.layers[0]?.policy !== "baseline") throw new Error("baseline expected");
 * try {
 *   await loadPolicies(["builtin:nope"]);
 *   throw new Error("must fail");
 * } catch (e) {
 *   if (!(e instanceof PolicyPathsError) || e.code !== "UNKNOWN_BUILTIN") throw e;
 * }
 * ```
 */
export async function loadPolicies(
  paths: readonly string[],
  options: CompileOptions = {},
): Promise<LoadedPolicies> {
  if (paths.length === 0) {
    throw new PolicyPathsError("NO_POLICY", "no policy given: name a FILE, - or builtin:NAME");
  }
  if (paths.filter((p) => p === "-").length > 1) {
    throw new PolicyPathsError("STDIN_TWICE", `"-" (standard input) can be given only once`);
  }
  for (const path of paths) {
    if (path.startsWith("builtin:") && BUILTIN_PROFILES[path] === undefined) {
      const known = Object.keys(BUILTIN_PROFILES).sort().join(", ");
      throw new PolicyPathsError(
        "UNKNOWN_BUILTIN",
        `unknown builtin profile "${path}"; known: ${known}`,
      );
    }
  }
  const set = await loadPolicyFiles(paths);
  const resolved = resolvePolicies(set);
  return { set, resolved, filters: compilePolicies(resolved, options) };
}
