/**
 * Strict JSON with source locations, for error messages that point at the offending key or value
 * (`FILE:LINE:COL`). Parsing is `jsonc-parser`'s (comments and trailing commas are refused, as
 * `JSON.parse` refuses them); integers beyond 2^53 are kept exact as `bigint`s.
 *
 * @module
 */

// An inline versioned npm: specifier, so the package imports with no config (docs/package.md).
// deno-lint-ignore no-import-prefix
import { type Node, type ParseError, parseTree, printParseErrorCode } from "npm:jsonc-parser@3.3.1";
import type { SourceLocation } from "../policies/types.ts";
import { formatLocation } from "../policies/types.ts";

/** JSON that is not well-formed, with where. */
export class JsonSyntaxError extends SyntaxError {
  /** Stable error code. */
  readonly code = "JSON_SYNTAX";
  /** The file. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;

  /**
   * Creates the error.
   *
   * @param loc where
   * @param message what is wrong
   */
  constructor(loc: SourceLocation, message: string) {
    super(`${formatLocation(loc)}: ${message}`);
    this.name = "JsonSyntaxError";
    this.file = loc.file;
    this.line = loc.line;
    this.column = loc.column;
  }
}

/** A parsed document and where each of its keys and values is written. */
export interface LocatedJson {
  /** The value (objects have no prototype-sensitive keys: `__proto__` is an own property). */
  readonly value: unknown;
  /**
   * Where the value at `path` is written (`syscalls[3].action`; `""` is the document), or its
   * key with `part: "key"`; `undefined` for a path the document does not have.
   */
  locate(path: string, part?: "key" | "value"): SourceLocation | undefined;
}

/** Where a path's key and value start, as offsets. */
interface Offsets {
  readonly key?: number;
  readonly value: number;
}

/** `invalidSymbol` → `invalid symbol`. */
function words(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

/**
 * Parses `text` as strict JSON and records where each key and value is.
 *
 * @param text the JSON text
 * @param file its name, for locations
 * @returns the value and a locator
 * @throws {JsonSyntaxError} for text that is not JSON, or has a key twice in one object
 *
 * @example
 * ```ts
 * import { parseLocatedJson } from "./json_locations.ts";
 * const json = parseLocatedJson('{\n  "a": [1, {"b": 18446744073709551615}]\n}', "x.json");
 * const loc = json.locate("a[1].b");
 * if (loc?.line !== 2 || loc.column !== 18) throw new Error(JSON.stringify(loc));
 * const value = json.value as { a: [number, { b: bigint }] };
 * if (value.a[1].b !== 18446744073709551615n) throw new Error("precision lost");
 * ```
 */
export function parseLocatedJson(text: string, file: string): LocatedJson {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const at = (offset: number): SourceLocation => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first !== undefined || root === undefined) {
    const offset = first?.offset ?? 0;
    const what = first === undefined ? "no value" : words(printParseErrorCode(first.error));
    throw new JsonSyntaxError(at(offset), `not valid JSON: ${what}`);
  }
  const offsets = new Map<string, Offsets>();
  const build = (node: Node, path: string, key?: number): unknown => {
    offsets.set(path, key === undefined ? { value: node.offset } : { key, value: node.offset });
    switch (node.type) {
      case "object": {
        const out: Record<string, unknown> = {};
        for (const property of node.children ?? []) {
          const [name, child] = property.children ?? [];
          if (name === undefined || child === undefined) continue;
          const k = String(name.value);
          if (Object.hasOwn(out, k)) {
            throw new JsonSyntaxError(at(name.offset), `key "${k}" is given twice`);
          }
          const value = build(child, path === "" ? k : `${path}.${k}`, name.offset);
          Object.defineProperty(out, k, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return out;
      }
      case "array":
        return (node.children ?? []).map((child, i) => build(child, `${path}[${i}]`));
      case "number": {
        const raw = text.slice(node.offset, node.offset + node.length);
        const n = Number(raw);
        return /^-?\d+$/.test(raw) && !Number.isSafeInteger(n) ? BigInt(raw) : n;
      }
      default:
        return node.value;
    }
  };
  const value = build(root, "");
  return {
    value,
    locate(path, part = "value") {
      const o = offsets.get(path);
      if (o === undefined) return undefined;
      return at(part === "key" ? o.key ?? o.value : o.value);
    },
  };
}
