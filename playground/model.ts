/**
 * What the playground computes, without a DOM and without `Deno.*`: the library calls behind
 * `cordon check`, `cordon eval`, `cordon compile --emit seccomp-asm`, the compile summary,
 * `cordon dry-run` and `cordon diff`, run on policy text instead of files, with the results in
 * the same words the CLI prints (the browser tests compare the two). The build
 * (`playground/build.ts`) bundles this module and fails when anything it pulls in uses `Deno.*`.
 *
 * @module
 */

import { type Arch, ARCHES, type PolicySet, type ResolvedPolicy } from "../policies/types.ts";
import { parsePolicyTexts } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import { PolicyError, PolicyErrors } from "../policies/errors.ts";
import { BUILTIN_PROFILES } from "../policies/builtin_profiles.ts";
import { syscallNumber } from "../policies/syscalls.ts";
import { compilePolicies } from "../compile/compile.ts";
import type { FilterSet } from "../compile/filter_set.ts";
import { type Finding, lintPolicies } from "../compile/lint.ts";
import { CallInputError, parseArgInput, parseSyscallInput } from "../compile/call_input.ts";
import { evaluate, evaluateLayers, type Verdict } from "../compile/evaluate.ts";
import { describeAction, describeSource } from "../compile/describe_verdict.ts";
import { compileSeccomp } from "../compile/seccomp.ts";
import { disassemble } from "../compile/seccomp_asm.ts";
import { type LayerSummary, summarizeFilterSet } from "../compile/summarize_filter_set.ts";
import { diffPolicies, type PolicyDiff } from "../compile/diff_policies.ts";
import { dryRun, type DryRunReport } from "../engine/dry_run.ts";
import { formatFinding } from "../cli/format_findings.ts";

export { ARCHES, BUILTIN_PROFILES, formatFinding };
export type { Arch, DryRunReport, Finding, LayerSummary, PolicyDiff, Verdict };

/** Why the playground could not compute something from its inputs (bad syscall, bad argument). */
export class PlaygroundInputError extends Error {
  /** A stable identifier of the problem. */
  readonly code: "BAD_SYSCALL" | "BAD_ARGUMENT" | "INVALID_POLICY";
  /**
   * @param code the problem
   * @param message one sentence
   */
  constructor(code: PlaygroundInputError["code"], message: string) {
    super(message);
    this.name = "PlaygroundInputError";
    this.code = code;
  }
}

/** One policy document in the playground: a file name (used in locations) and its text. */
export interface PolicySource {
  /** The name locations are given with (`policy.yaml`, `builtin:baseline`). */
  readonly name: string;
  /** The YAML text. */
  readonly text: string;
}

/** Policies parsed, resolved and compiled, or every error found on the way. */
export type Loaded =
  | {
    readonly ok: true;
    readonly set: PolicySet;
    readonly resolved: ResolvedPolicy[];
    readonly filters: FilterSet;
  }
  | { readonly ok: false; readonly errors: readonly PolicyError[] };

/**
 * Parses, resolves and compiles policy sources as `cordon` does for files (`loadPolicies`).
 *
 * @param sources the documents, in order
 * @param arches the architectures to compile for
 * @returns the compiled policies, or the errors
 *
 * @example
 * ```ts
 * import { BUILTIN_PROFILES, loadSources } from "./model.ts";
 * const loaded = loadSources(
 *   [{ name: "builtin:baseline", text: BUILTIN_PROFILES["builtin:baseline"]! }],
 *   ["x86_64"],
 * );
 * if (!loaded.ok || loaded.filters.layers.length !== 1) throw new Error();
 * ```
 */
export function loadSources(sources: readonly PolicySource[], arches: readonly Arch[]): Loaded {
  // One update of the page asks for the same sources several times (check, eval, summary,
  // disassembly); the last few results are kept. Results are never modified by their users.
  const key = JSON.stringify([sources, arches]);
  const hit = recent.get(key);
  if (hit !== undefined) return hit;
  const loaded = load(sources, arches);
  recent.set(key, loaded);
  if (recent.size > 4) recent.delete(recent.keys().next().value!);
  return loaded;
}

const recent = new Map<string, Loaded>();

function load(sources: readonly PolicySource[], arches: readonly Arch[]): Loaded {
  const { policies, errors } = parsePolicyTexts(
    // A page has no file system: an example's relative filesystem paths are taken as if its
    // checkout were at / (`examples/policies/x.yaml`'s `../` is /examples).
    sources.map((source) => ({
      text: source.text,
      file: source.name,
      ...(source.name.includes("/") ? { dir: `/${source.name.replace(/\/[^/]*$/, "")}` } : {}),
    })),
  );
  // Sorted by file, line and column, as the CLI reports them.
  if (errors.length > 0) return { ok: false, errors: new PolicyErrors(errors).errors };
  const set: PolicySet = { policies };
  try {
    const resolved = resolvePolicies(set);
    return { ok: true, set, resolved, filters: compilePolicies(resolved, { arches }) };
  } catch (error) {
    if (error instanceof PolicyErrors) return { ok: false, errors: error.errors };
    if (error instanceof PolicyError) return { ok: false, errors: [error] };
    throw error;
  }
}

function errorFindings(errors: readonly PolicyError[]): Finding[] {
  return errors.map((e) => ({
    severity: "error",
    code: e.code,
    message: e.description,
    loc: { file: e.path, line: e.line, column: e.column },
  }));
}

/**
 * The findings `cordon check` reports for the sources (errors, or lint findings), on `arches`.
 *
 * @param sources the documents
 * @param arches the architectures to check (the CLI's default is all)
 * @returns the findings, sorted as the CLI sorts them
 *
 * @example
 * ```ts
 * import { checkSources } from "./model.ts";
 * const findings = checkSources([{ name: "p.yaml", text: "kind: Nope\n" }]);
 * if (findings[0]?.severity !== "error" || findings[0].loc.file !== "p.yaml") throw new Error();
 * ```
 */
export function checkSources(
  sources: readonly PolicySource[],
  arches: readonly Arch[] = ARCHES,
): Finding[] {
  const loaded = loadSources(sources, arches);
  if (!loaded.ok) return errorFindings(loaded.errors);
  return lintPolicies(loaded.set, loaded.resolved, loaded.filters);
}

function parseSyscall(text: string, arch: Arch): { nr: number; name: string | null } {
  try {
    return parseSyscallInput(text.trim(), arch);
  } catch (error) {
    if (error instanceof CallInputError) throw new PlaygroundInputError(error.code, error.message);
    throw error;
  }
}

function parseValue(text: string, position: number, arch: Arch): bigint {
  try {
    return parseArgInput(text, position, arch);
  } catch (error) {
    if (error instanceof CallInputError) throw new PlaygroundInputError(error.code, error.message);
    throw error;
  }
}

function parseCallArgs(text: string, arch: Arch): bigint[] | undefined {
  if (text.trim() === "") return undefined;
  const items = text.split(",").map((s) => s.trim());
  if (items.length > 6) {
    throw new PlaygroundInputError(
      "BAD_ARGUMENT",
      `at most 6 arguments, not ${items.length}`,
    );
  }
  return items.map((item, i) => item === "" ? 0n : parseValue(item, i, arch));
}

/** The decision for one call, as `cordon eval` gives it. */
export interface Decision {
  /** The verdict of all layers. */
  readonly verdict: Verdict;
  /** Each layer's verdict. */
  readonly layers: readonly Verdict[];
  /** The lines `cordon eval` prints (text format). */
  readonly lines: readonly string[];
}

/**
 * Decides one syscall as `cordon eval POLICY... --syscall S --arch A --args ARGS` does.
 *
 * @param sources the policies
 * @param arch the architecture
 * @param syscall a name or number
 * @param argsText the arguments, comma-separated (numbers or constants), or empty
 * @returns the decision, or the policies' errors
 * @throws {PlaygroundInputError} for an unknown syscall or a bad argument
 *
 * @example
 * ```ts
 * import { BUILTIN_PROFILES, decide } from "./model.ts";
 * const src = [{ name: "builtin:baseline", text: BUILTIN_PROFILES["builtin:baseline"]! }];
 * const d = decide(src, "x86_64", "ptrace", "");
 * if ("errors" in d || d.verdict.action === "allow") throw new Error();
 * ```
 */
export function decide(
  sources: readonly PolicySource[],
  arch: Arch,
  syscall: string,
  argsText: string,
): Decision | { readonly errors: readonly PolicyError[] } {
  const { nr, name } = parseSyscall(syscall, arch);
  const args = parseCallArgs(argsText, arch);
  const loaded = loadSources(sources, [arch]);
  if (!loaded.ok) return { errors: loaded.errors };
  const call = args === undefined ? { arch, nr } : { arch, nr, args };
  const verdict = evaluate(loaded.filters, call);
  const layers = evaluateLayers(loaded.filters, call);
  const known = name !== null && syscallNumber(arch, name) === nr;
  const shownArgs = args === undefined
    ? ""
    : ` with (${args.map((a) => `0x${a.toString(16)}`).join(", ")})`;
  const label = name === null ? `syscall ${nr}` : `${name}(${nr})`;
  const lines = [
    `${label} on ${arch}${shownArgs}: ${describeAction(verdict)}`,
    `  ${describeSource(verdict, known)}`,
  ];
  if (layers.length > 1) {
    lines.push("  layers (the strictest wins, ties to the first):");
    for (const layer of layers) {
      lines.push(
        `    ${layer.layer} ${layer.policy}: ${describeAction(layer)}, ${
          describeSource(layer, known)
        }`,
      );
    }
  }
  return { verdict, layers, lines };
}

/**
 * The seccomp disassembly `cordon compile --emit seccomp-asm --arch A` prints: one filter per
 * policy, with rule ids and syscall names as comments.
 *
 * @param sources the policies
 * @param arches the architectures the filter checks
 * @returns the text, or the policies' errors
 *
 * @example
 * ```ts
 * import { BUILTIN_PROFILES, disassembly } from "./model.ts";
 * const src = [{ name: "builtin:baseline", text: BUILTIN_PROFILES["builtin:baseline"]! }];
 * const asm = disassembly(src, ["x86_64"]);
 * if (typeof asm !== "string" || !asm.includes("ret")) throw new Error();
 * ```
 */
export function disassembly(
  sources: readonly PolicySource[],
  arches: readonly Arch[],
): string | { readonly errors: readonly PolicyError[] } {
  const loaded = loadSources(sources, arches);
  if (!loaded.ok) return { errors: loaded.errors };
  return loaded.filters.layers.map((layer) => disassemble(compileSeccomp(layer, arches))).join(
    "\n",
  );
}

/**
 * The per-layer, per-architecture summary `cordon compile -o OUT --format json` reports.
 *
 * @param sources the policies
 * @param arches the architectures
 * @returns the summary, or the policies' errors
 *
 * @example
 * ```ts
 * import { ARCHES, BUILTIN_PROFILES, summary } from "./model.ts";
 * const src = [{ name: "builtin:baseline", text: BUILTIN_PROFILES["builtin:baseline"]! }];
 * const s = summary(src, ARCHES);
 * if (!Array.isArray(s) || s[0]!.arches.length !== ARCHES.length) throw new Error();
 * ```
 */
export function summary(
  sources: readonly PolicySource[],
  arches: readonly Arch[],
): LayerSummary[] | { readonly errors: readonly PolicyError[] } {
  const loaded = loadSources(sources, arches);
  if (!loaded.ok) return { errors: loaded.errors };
  return summarizeFilterSet(loaded.filters);
}

/**
 * Replays a trace's text through the policies, as `cordon dry-run POLICY --trace T --arch A`.
 *
 * @param sources the policies
 * @param trace the trace (strace output or JSON Lines)
 * @param arch the traced processes' architecture
 * @returns the report, or the policies' errors
 * @throws {import("../engine/errors.ts").EngineError} when the trace holds nothing to replay
 *
 * @example
 * ```ts
 * import { BUILTIN_PROFILES, dryRunText } from "./model.ts";
 * const src = [{ name: "builtin:baseline", text: BUILTIN_PROFILES["builtin:baseline"]! }];
 * const r = await dryRunText(src, "42 ptrace(PTRACE_TRACEME) = 0\n", "x86_64");
 * if ("errors" in r || r.findingsTotal !== 1) throw new Error();
 * ```
 */
export async function dryRunText(
  sources: readonly PolicySource[],
  trace: string,
  arch: Arch,
): Promise<DryRunReport | { readonly errors: readonly PolicyError[] }> {
  const loaded = loadSources(sources, ARCHES);
  if (!loaded.ok) return { errors: loaded.errors };
  const lines = trace.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return await dryRun(loaded.filters, lines, { arch });
}

/**
 * What NEW allows that OLD does not, and the reverse, as `cordon diff OLD NEW`.
 *
 * @param oldSource the policy before the change
 * @param newSource the policy after it
 * @param arches the architectures to compare
 * @returns the differences, or the errors of either side
 *
 * @example
 * ```ts
 * import { ARCHES, BUILTIN_PROFILES, diffSources } from "./model.ts";
 * const base = { name: "builtin:baseline", text: BUILTIN_PROFILES["builtin:baseline"]! };
 * const d = diffSources(base, base, ARCHES);
 * if ("errors" in d || d.grew || d.entries.length !== 0) throw new Error();
 * ```
 */
export function diffSources(
  oldSource: PolicySource,
  newSource: PolicySource,
  arches: readonly Arch[],
): PolicyDiff | { readonly errors: readonly PolicyError[] } {
  const before = loadSources([oldSource], arches);
  if (!before.ok) return { errors: before.errors };
  const after = loadSources([newSource], arches);
  if (!after.ok) return { errors: after.errors };
  return diffPolicies(before.filters, after.filters, {
    arches,
    oldPolicies: before.resolved,
    newPolicies: after.resolved,
  });
}

/** The playground's state, kept in the URL's fragment (share links). */
export interface PlaygroundState {
  /** The policy text. */
  readonly policy: string;
  /** The file name locations use. */
  readonly name: string;
  /** The architecture for the decision, the disassembly and the dry run. */
  readonly arch: Arch;
  /** The syscall to decide. */
  readonly syscall: string;
  /** Its arguments, comma-separated. */
  readonly args: string;
  /** A trace to replay. */
  readonly trace: string;
  /** A second policy to diff against (OLD: the edited policy is NEW). */
  readonly old: string;
}

/** The state a new visitor sees. */
export const DEFAULT_STATE: PlaygroundState = Object.freeze({
  policy: BUILTIN_PROFILES["builtin:baseline"]!,
  name: "policy.yaml",
  arch: "x86_64",
  syscall: "ptrace",
  args: "",
  trace: "",
  old: "",
});

const KEYS: Readonly<Record<keyof PlaygroundState, string>> = {
  policy: "p",
  name: "n",
  arch: "a",
  syscall: "s",
  args: "args",
  trace: "t",
  old: "o",
};

/**
 * Encodes a state as a URL fragment (without `#`): only what differs from the default.
 *
 * @param state the state
 * @returns the fragment
 *
 * @example
 * ```ts
 * import { DEFAULT_STATE, decodeState, encodeState } from "./model.ts";
 * const s = { ...DEFAULT_STATE, syscall: "mount", args: "1,2" };
 * if (decodeState(encodeState(s)).args !== "1,2") throw new Error();
 * ```
 */
export function encodeState(state: PlaygroundState): string {
  const params = new URLSearchParams();
  for (const [key, short] of Object.entries(KEYS) as [keyof PlaygroundState, string][]) {
    if (state[key] !== DEFAULT_STATE[key]) params.set(short, state[key]);
  }
  return params.toString();
}

/**
 * Decodes a URL fragment (with or without `#`) into a state; missing or bad fields take the
 * default.
 *
 * @param fragment the fragment
 * @returns the state
 *
 * @example
 * ```ts
 * import { decodeState } from "./model.ts";
 * if (decodeState("#a=aarch64&s=openat").arch !== "aarch64") throw new Error();
 * if (decodeState("a=vax").arch !== "x86_64") throw new Error();
 * ```
 */
export function decodeState(fragment: string): PlaygroundState {
  const params = new URLSearchParams(fragment.startsWith("#") ? fragment.slice(1) : fragment);
  const get = (key: keyof PlaygroundState) => params.get(KEYS[key]) ?? DEFAULT_STATE[key];
  const arch = get("arch");
  return {
    policy: get("policy"),
    name: get("name") || DEFAULT_STATE.name,
    arch: (ARCHES as readonly string[]).includes(arch) ? arch as Arch : DEFAULT_STATE.arch,
    syscall: get("syscall"),
    args: get("args"),
    trace: get("trace"),
    old: get("old"),
  };
}
