/**
 * Deterministic JSON for compiled outputs: object keys sorted, bigints written as `"0x…"`
 * strings, two-space indentation, a trailing newline. The same value always gives the same bytes.
 *
 * @module
 */

function normalise(value: unknown): unknown {
  if (typeof value === "bigint") return `0x${value.toString(16)}`;
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normalise(v);
    }
    return out;
  }
  return value;
}

/**
 * Serialises `value` deterministically.
 *
 * @example
 * ```ts
 * import { stableJson } from "@cordon/cordon";
 * const text = stableJson({ b: 1n, a: [2] });
 * if (text !== '{\n  "a": [\n    2\n  ],\n  "b": "0x1"\n}\n') throw new Error(text);
 * ```
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(normalise(value), null, 2) + "\n";
}
