/**
 * YAML documents (Kubernetes objects such as a `SeccompProfile`) with the source location of
 * every key and value, in the {@linkcode LocatedJson} shape the OCI importer reads, so that its
 * errors name `FILE:LINE:COL` in YAML as in JSON. Parsing is the `yaml` package's (YAML 1.2 core
 * schema, duplicate keys refused); integers beyond 2^53 are kept exact as `bigint`s.
 *
 * @module
 */

// An inline versioned npm: specifier, so the package imports with no config (docs/package.md).
// deno-lint-ignore no-import-prefix
import { isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from "npm:yaml@2.9.1";
import type { SourceLocation } from "../policies/types.ts";
import { JsonSyntaxError, type LocatedJson } from "./json_locations.ts";

/**
 * Parses every document of a YAML stream, recording where each key and value is.
 *
 * @param text The YAML text.
 * @param file Its name, for locations.
 * @returns One located value per document (empty documents left out).
 * @throws {JsonSyntaxError} For text that is not YAML, a key given twice, or aliases and tags
 *   beyond plain data.
 *
 * @example
 * ```ts
 * import { parseLocatedYaml } from "./yaml_locations.ts";
 * const [doc] = parseLocatedYaml("kind: SeccompProfile\nspec:\n  value: 18446744073709551615\n", "p.yaml");
 * if (doc?.locate("spec.value")?.line !== 3) throw new Error();
 * if ((doc.value as { spec: { value: bigint } }).spec.value !== 18446744073709551615n) throw new Error();
 * ```
 */
export function parseLocatedYaml(text: string, file: string): LocatedJson[] {
  const counter = new LineCounter();
  const at = (offset: number): SourceLocation => {
    const { line, col } = counter.linePos(offset);
    return { file, line, column: col };
  };
  const docs = parseAllDocuments(text, {
    lineCounter: counter,
    intAsBigInt: true,
    uniqueKeys: true,
    prettyErrors: false,
  });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: LocatedJson[] = [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error !== undefined) {
      const message = error.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, "");
      throw new JsonSyntaxError(at(error.pos[0]), `not valid YAML: ${message}`);
    }
    if (doc.contents === null) continue;
    const offsets = new Map<string, { key?: number; value: number }>();
    const build = (node: Node | null, path: string, key?: number): unknown => {
      const offset = node?.range?.[0] ?? key ?? 0;
      offsets.set(path, key === undefined ? { value: offset } : { key, value: offset });
      if (node === null) return null;
      if (isMap(node)) {
        const obj: Record<string, unknown> = {};
        for (const pair of node.items) {
          const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
          const keyOffset = isScalar(pair.key) ? pair.key.range?.[0] ?? offset : offset;
          const v = build(
            pair.value as Node | null,
            path === "" ? k : `${path}.${k}`,
            keyOffset,
          );
          Object.defineProperty(obj, k, {
            value: v,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return obj;
      }
      if (isSeq(node)) {
        return node.items.map((item, i) => build(item as Node | null, `${path}[${i}]`));
      }
      if (isScalar(node)) {
        const v = node.value;
        if (typeof v === "bigint") {
          return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(v)
            : v;
        }
        return v;
      }
      throw new JsonSyntaxError(at(offset), "not plain YAML data (an alias or a custom tag)");
    };
    const value = build(doc.contents as Node, "");
    out.push({
      value,
      locate(path, part = "value") {
        const o = offsets.get(path);
        if (o === undefined) return undefined;
        return at(part === "key" ? o.key ?? o.value : o.value);
      },
    });
  }
  return out;
}
