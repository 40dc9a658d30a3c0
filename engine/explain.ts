/**
 * Issue 14, `--explain`: where the `defaultAction` that decided a denial is written. A denial no
 * rule names is decided by the layer's `defaultAction`; the IR locates such decisions at the
 * policy's `metadata.name`, so this module finds the `spec.defaultAction` key in the policy's own
 * text or, when the policy inherits it through `extends`, in the nearest ancestor that writes it
 * (as `resolve.ts` inherits it), builtin profiles included (`cordon show builtin:NAME` prints them
 * with line numbers).
 *
 * Requires `allow-read` for policy files (builtin profiles are embedded).
 *
 * @module
 */

import type { SourceLocation } from "../policies/types.ts";
import type { FilterSet } from "../compile/filter_set.ts";
import { BUILTIN_PROFILES } from "../policies/builtin_profiles.ts";
import { parseLocatedYaml } from "../compile/yaml_locations.ts";
import type { LocatedJson } from "../compile/json_locations.ts";

const BUILTIN = "builtin:";

interface Document {
  readonly file: string;
  readonly doc: LocatedJson;
  readonly name: string;
  readonly extends: readonly string[];
}

function documents(text: string, file: string): Document[] {
  let docs: LocatedJson[];
  try {
    docs = parseLocatedYaml(text, file);
  } catch {
    return [];
  }
  const out: Document[] = [];
  for (const doc of docs) {
    const value = doc.value as {
      metadata?: { name?: unknown };
      spec?: { extends?: unknown };
    } | null;
    const name = value?.metadata?.name;
    if (typeof name !== "string") continue;
    const parents = value?.spec?.extends;
    const names = Array.isArray(parents)
      ? parents.filter((p): p is string => typeof p === "string")
      : typeof parents === "string"
      ? [parents]
      : [];
    out.push({ file, doc, name, extends: names });
  }
  return out;
}

/**
 * Where the `defaultAction` of each layer of `set` is written: the policy's own `spec.defaultAction`
 * key, else the nearest ancestor's through `extends` (breadth first, parents in the order
 * written). A layer whose text cannot be read again (a policy from stdin) or that writes none is
 * left out: its denials keep the IR's location (`metadata.name`).
 *
 * @param set The compiled policies.
 * @param readText Reads a policy file (default: `Deno.readTextFileSync`; `undefined` when it cannot).
 * @returns Policy name → location of the `defaultAction` key.
 *
 * @example
 * ```ts
 * import { defaultActionLocations } from "@cordon/cordon";
 * const text = "apiVersion: cordon/v1\nkind: Policy\nmetadata:\n  name: p\nspec:\n" +
 *   "  extends: [builtin:baseline]\n";
 * const loc = { file: "p.yaml", line: 4, column: 9 };
 * const set = {
 *   version: 1 as const,
 *   layers: [{ policy: "p", mode: "enforce" as const, defaultAction: "deny" as const,
 *     defaultErrno: 1, arches: [], loc }],
 * };
 * const found = defaultActionLocations(set, () => text).get("p");
 * if (found?.file !== "builtin:baseline") throw new Error(JSON.stringify(found));
 * ```
 */
export function defaultActionLocations(
  set: FilterSet,
  readText: (file: string) => string | undefined = readFile,
): Map<string, SourceLocation> {
  const texts = new Map<string, Document[]>();
  const docsOf = (file: string): Document[] => {
    let docs = texts.get(file);
    if (docs === undefined) {
      const text = file.startsWith(BUILTIN)
        ? (Object.hasOwn(BUILTIN_PROFILES, file) ? BUILTIN_PROFILES[file] : undefined)
        : readText(file);
      docs = text === undefined ? [] : documents(text, file);
      texts.set(file, docs);
    }
    return docs;
  };
  const files = [...new Set(set.layers.map((l) => l.loc.file))];
  const byName = (name: string, scope: string): Document | undefined => {
    if (name.startsWith(BUILTIN)) {
      const docs = docsOf(name);
      const bare = name.slice(BUILTIN.length);
      return docs.find((d) => d.name === bare) ?? (docs.length === 1 ? docs[0] : undefined);
    }
    // a bare name: the same text first (a builtin's siblings), then the user's policy files
    for (const file of [scope, ...files]) {
      const found = docsOf(file).find((d) => d.name === name);
      if (found) return found;
    }
    return undefined;
  };
  const out = new Map<string, SourceLocation>();
  for (const layer of set.layers) {
    const start = docsOf(layer.loc.file).find((d) => d.name === layer.policy);
    if (start === undefined) continue;
    const queue: Document[] = [start];
    const seen = new Set<Document>();
    while (queue.length) {
      const doc = queue.shift()!;
      if (seen.has(doc)) continue;
      seen.add(doc);
      const loc = doc.doc.locate("spec.defaultAction", "key");
      if (loc) {
        out.set(layer.policy, loc);
        break;
      }
      for (const parent of doc.extends) {
        const found = byName(parent, doc.file);
        if (found) queue.push(found);
      }
    }
  }
  return out;
}

function readFile(file: string): string | undefined {
  try {
    return Deno.readTextFileSync(file);
  } catch {
    return undefined;
  }
}
