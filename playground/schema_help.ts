/**
 * Editor help from the policy JSON Schema (`policies/policy.schema.json`): for the cursor's
 * position in a YAML policy, the key path it is under (from indentation), that key's description,
 * and the keys or values it takes.
 *
 * @module
 */

import schema from "../policies/policy.schema.json" with { type: "json" };

interface SchemaNode {
  readonly description?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly enum?: readonly unknown[];
  readonly oneOf?: readonly SchemaNode[];
  readonly anyOf?: readonly SchemaNode[];
  readonly $ref?: string;
  readonly $defs?: Readonly<Record<string, SchemaNode>>;
}

const ROOT = schema as unknown as SchemaNode;

function deref(node: SchemaNode | undefined): SchemaNode | undefined {
  if (node?.$ref === undefined) return node;
  const name = node.$ref.replace(/^#\/\$defs\//, "");
  return ROOT.$defs?.[name];
}

function child(node: SchemaNode | undefined, key: string): SchemaNode | undefined {
  const n = deref(node);
  if (n === undefined) return undefined;
  if (key === "-") return deref(n.items);
  if (n.properties?.[key] !== undefined) return deref(n.properties[key]);
  for (const alt of [...(n.oneOf ?? []), ...(n.anyOf ?? [])]) {
    const found = child(alt, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The key path (`spec`, `rules`, `-`, `action`) of the line the cursor is on, from indentation.
 *
 * @param text the YAML text
 * @param offset the cursor's offset
 * @returns the path, outermost first
 *
 * @example
 * ```ts
 * import { keyPath } from "./schema_help.ts";
 * const text = "spec:\n  rules:\n    - id: a\n      action: deny\n";
 * if (keyPath(text, text.indexOf("deny")).join("/") !== "spec/rules/-/action") throw new Error();
 * ```
 */
export function keyPath(text: string, offset: number): string[] {
  const lines = text.slice(0, offset).split("\n");
  const current = lines.length - 1;
  const full = text.split("\n")[current] ?? "";
  const path: { indent: number; keys: string[] }[] = [];
  for (let i = 0; i <= current; i++) {
    const line = i === current ? full : lines[i]!;
    const m = /^(\s*)((?:-\s+)*)([A-Za-z_][\w.-]*)\s*:/.exec(line);
    const dash = /^(\s*)-\s*$/.exec(line);
    if (m === null && dash === null) continue;
    const indent = (m ?? dash)![1]!.length;
    while (path.length > 0 && path.at(-1)!.indent >= indent) path.pop();
    if (m === null) {
      path.push({ indent, keys: ["-"] });
      continue;
    }
    // `- key:` opens a list item and its first key, which sits where the item's keys do.
    let at = indent;
    for (const dash of m[2]!.match(/-\s+/g) ?? []) {
      path.push({ indent: at, keys: ["-"] });
      at += dash.length;
    }
    path.push({ indent: at, keys: [m[3]!] });
  }
  return path.flatMap((p) => p.keys);
}

/**
 * One line of help for the cursor's position: the key's path, description and what it takes.
 *
 * @param text the YAML text
 * @param offset the cursor's offset
 * @returns the help, or `""` where the schema says nothing
 *
 * @example
 * ```ts
 * import { schemaHelp } from "./schema_help.ts";
 * const text = "spec:\n  defaultAction: deny\n";
 * if (!schemaHelp(text, text.indexOf("deny")).includes("kill")) throw new Error();
 * ```
 */
export function schemaHelp(text: string, offset: number): string {
  const path = keyPath(text, offset);
  if (path.length === 0) return "";
  let node: SchemaNode | undefined = ROOT;
  for (const key of path) node = child(node, key);
  node = deref(node);
  if (node === undefined) return `${path.join(".")}: not a key the policy schema knows`;
  const parts = [`${path.join(".")}: ${node.description ?? ""}`];
  const items = deref(node.items);
  const values = node.enum ?? items?.enum ??
    [...(node.oneOf ?? []), ...(node.anyOf ?? [])].flatMap((n) => deref(n)?.enum ?? []);
  if (values.length > 0) parts.push(`values: ${values.map(String).join(", ")}`);
  const keys = Object.keys(node.properties ?? items?.properties ?? {});
  if (keys.length > 0) parts.push(`keys: ${keys.join(", ")}`);
  return parts.join(" · ");
}
