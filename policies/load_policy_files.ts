/**
 * Reading policy files: every file (or standard input, named `-`, or a builtin profile, named
 * `builtin:NAME`) parsed, merged into one
 * {@linkcode PolicySet}, with names unique across all of them and every problem of every file
 * reported at once. The only part of `policies/` that touches the file system.
 *
 * @module
 */

import type { PolicySet } from "./types.ts";
import { fileErrorText, PolicyError, PolicyErrors } from "./errors.ts";
import { type ParseOptions, parsePolicyTexts } from "./parse.ts";
import { DEFAULT_YAML_LIMITS } from "./_yaml_tree.ts";
import { BUILTIN_PROFILES } from "./builtin_profiles.ts";

/** The absolute directory of a policy file (relative `filesystem` paths are taken from it). */
function fileDir(path: string): { dir?: string } {
  if (path === "-" || path.startsWith("builtin:")) return {};
  const absolute = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  return { dir: absolute.replace(/\/[^/]*$/, "") || "/" };
}

/** Reads at most `cap + 1` bytes of `stream`, so that an endless source cannot exhaust memory. */
async function readCapped(stream: ReadableStream<Uint8Array>, cap: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
      if (size > cap) break;
    }
  } finally {
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

async function readText(path: string, cap: number): Promise<string | PolicyError> {
  const fail = (message: string, cause?: unknown) =>
    new PolicyError("unreadable-file", message, path, 1, 1, cause === undefined ? {} : { cause });
  if (path.startsWith("builtin:")) {
    const text = BUILTIN_PROFILES[path];
    if (text !== undefined) return text;
    const known = Object.keys(BUILTIN_PROFILES).sort().join(", ");
    return fail(`unknown builtin profile ${JSON.stringify(path)}; known: ${known}`);
  }
  let bytes: Uint8Array;
  try {
    if (path === "-") {
      bytes = await readCapped(Deno.stdin.readable, cap);
    } else {
      const file = await Deno.open(path, { read: true });
      bytes = await readCapped(file.readable, cap);
    }
  } catch (e) {
    const reason = fileErrorText(e);
    return fail(`cannot read policy file ${JSON.stringify(path)}: ${reason}`, e);
  }
  if (bytes.length > cap) {
    return new PolicyError(
      "too-large",
      `policy file is larger than the limit of ${cap} bytes`,
      path,
      1,
      1,
    );
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (e) {
    return fail(`policy file ${JSON.stringify(path)} is not UTF-8 text`, e);
  }
}

/**
 * Reads, parses and merges policy files. Requires `allow-read` for the paths.
 *
 * @param paths files in order; `-` reads standard input (at most once); `builtin:NAME` is a
 *   builtin profile
 * @param options limits, as for `parsePolicies`
 * @returns the policies of all files, in file and document order
 * @throws {PolicyErrors} with every problem of every file: unreadable files (located at the
 *   path, line 1, column 1), syntax and validation errors, names used in more than one file
 * @throws {TypeError} when `paths` is empty or names `-` twice
 *
 * @example
 * ```ts
 * import { loadPolicyFiles } from "@cordon/cordon";
 * import { PolicyErrors } from "@cordon/cordon";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   `${dir}/a.yaml`,
 *   "apiVersion: cordon/v1\nkind: Policy\nmetadata: {name: a}\nspec: {defaultAction: deny}\n",
 * );
 * const set = await loadPolicyFiles([`${dir}/a.yaml`]);
 * if (set.policies[0]?.name !== "a") throw new Error("loaded");
 * try {
 *   await loadPolicyFiles([`${dir}/a.yaml`, `${dir}/missing.yaml`]);
 *   throw new Error("must fail");
 * } catch (e) {
 *   if (!(e instanceof PolicyErrors) || e.errors[0]?.code !== "unreadable-file") throw e;
 * }
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadPolicyFiles(
  paths: readonly string[],
  options: ParseOptions = {},
): Promise<PolicySet> {
  if (paths.length === 0) throw new TypeError("No policy files given");
  if (paths.filter((p) => p === "-").length > 1) {
    throw new TypeError('Standard input ("-") can be read only once');
  }
  const cap = Math.max(options.maxBytes ?? 0, DEFAULT_YAML_LIMITS.maxFastBytes);
  const texts = await Promise.all(paths.map((path) => readText(path, cap)));
  const { policies, errors } = parsePolicyTexts(
    texts.map((text, i) => ({ text, file: paths[i]!, ...fileDir(paths[i]!) })),
    options,
  );
  if (errors.length > 0) throw new PolicyErrors(errors);
  return { policies };
}
