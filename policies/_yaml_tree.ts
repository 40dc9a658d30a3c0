/**
 * YAML text to a small positioned tree ({@linkcode YNode}), the input of the policy validator.
 *
 * Two readers produce the same tree:
 * - the fast reader (`_fast_yaml.ts`) for the plain block/flow subset that policies are written
 *   in; it gives up (returns `undefined`) on anything else;
 * - the `yaml` package (YAML 1.2, core schema, integers as bigint) for everything else, with
 *   limits against hostile input applied before and while it runs.
 *
 * Limits: text size (`maxBytes`), nesting depth (a pre-scan of the raw text, so that the
 * recursive YAML composer never sees deeper input, and again on the tree), number of documents,
 * and alias expansion (the tree counts the nodes every alias stands for, across the document, and
 * stops at a budget: the same protection against "billion laughs" as the `yaml` package's
 * `maxAliasCount`, but measured in expanded nodes so that it bounds the validator's work too).
 * Duplicate keys are found here with a set (the `yaml` package's check is quadratic in the number
 * of keys of a mapping).
 *
 * @module
 */

import process from "node:process";
// An inline versioned npm: specifier, so the package imports with no config (docs/package.md).
// deno-lint-ignore no-import-prefix
import { Composer, isAlias, isMap, isPair, isScalar, isSeq, Parser } from "npm:yaml@2.9.1";
// deno-lint-ignore no-import-prefix
import type { Alias, CST, Node as YamlNode } from "npm:yaml@2.9.1";
import type { PolicyErrorCode } from "./errors.ts";
import { parseYamlSubset } from "./_fast_yaml.ts";

/** A scalar: `quoted` is true for every non-plain style (quoted or block scalars), whose value is a string. */
export interface YScalar {
  readonly kind: "scalar";
  readonly value: string | bigint | number | boolean | null;
  readonly quoted: boolean;
  /** True when nothing was written (`key:` with no value); `start` is then just after the indicator. */
  readonly empty: boolean;
  /** Offset of the first character in the text. */
  readonly start: number;
}

/** One `key: value` of a {@linkcode YMap}. */
export interface YEntry {
  readonly key: YScalar;
  readonly value: YNode;
}

/** A mapping, entries in written order, keys unique. */
export interface YMap {
  readonly kind: "map";
  readonly entries: readonly YEntry[];
  readonly start: number;
}

/** A sequence. */
export interface YSeq {
  readonly kind: "seq";
  readonly items: readonly YNode[];
  readonly start: number;
}

/** A node of the tree. Aliases are resolved: the same node object may appear more than once. */
export type YNode = YScalar | YMap | YSeq;

/** A problem found while reading YAML, at an offset of the text. */
export interface YamlIssue {
  readonly code: PolicyErrorCode;
  readonly offset: number;
  readonly message: string;
}

/** What {@linkcode readYaml} returns: the non-empty documents' roots and the problems found. */
export interface YamlTree {
  readonly docs: readonly YNode[];
  readonly issues: readonly YamlIssue[];
  /** Which reader produced the tree. */
  readonly reader: "fast" | "yaml";
}

/** Limits of {@linkcode readYaml}. */
export interface YamlLimits {
  /** Largest text the full YAML parser reads, in UTF-16 code units (bytes for ASCII text). */
  readonly maxBytes: number;
  /** Largest text accepted at all; between `maxBytes` and this only the fast reader's subset. */
  readonly maxFastBytes: number;
  /** Deepest nesting of collections. */
  readonly maxDepth: number;
  /** Most documents in one text. */
  readonly maxDocuments: number;
  /** Most nodes that aliases may stand for in one document, counted expanded. */
  readonly maxAliasNodes: number;
}

/**
 * The default limits: 128 KiB for full YAML (the `yaml` package reads hostile text at 150-500 KB/s
 * here, so this keeps any input under a second), 4 MiB for the fast reader's subset (linear, about
 * 15 MB/s; a 10,000-rule policy is about 1.1 MB), depth 64, 1000 documents, 10,000 aliased nodes.
 */
export const DEFAULT_YAML_LIMITS: YamlLimits = {
  maxBytes: 128 * 1024,
  maxFastBytes: 4 * 1024 * 1024,
  maxDepth: 64,
  maxDocuments: 1000,
  maxAliasNodes: 10_000,
};

type Token = CST.Token;

/** The most YAML syntax errors reported per document; later ones are summarised in one. */
const MAX_YAML_ERRORS = 20;

/** Reads `text` with the fast reader when it can and the `yaml` package otherwise. */
export function readYaml(text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): YamlTree {
  if (text.length > limits.maxFastBytes) {
    return {
      docs: [],
      issues: [{
        code: "too-large",
        offset: 0,
        message:
          `policy text is ${text.length} bytes, more than the limit of ${limits.maxFastBytes}`,
      }],
      reader: "fast",
    };
  }
  const fast = parseYamlSubset(text, limits.maxDepth);
  if ("docs" in fast) {
    const extra = fast.docs[limits.maxDocuments];
    if (extra === undefined) return { docs: fast.docs, issues: [], reader: "fast" };
    const message = `more than ${limits.maxDocuments} documents`;
    return {
      docs: [],
      issues: [{ code: "too-many-documents", offset: extra.start, message }],
      reader: "fast",
    };
  }
  if (text.length > limits.maxBytes) {
    return {
      docs: [],
      issues: [{
        code: "too-large",
        offset: fast.gaveUpAt,
        message: `the text is ${text.length} bytes, and above ${limits.maxBytes} bytes only ` +
          "plain YAML is read (block mappings and lists; one-line plain, quoted and flow " +
          "values; no anchors, aliases, tags, block scalars, escapes or tabs): this line " +
          "(or the next) uses more, or has a syntax error",
      }],
      reader: "fast",
    };
  }
  return readYamlFull(text, limits);
}

/** Reads `text` with the `yaml` package only (no size check: {@linkcode readYaml} does it). */
export function readYamlFull(text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): YamlTree {
  const pre = prescan(text, limits);
  if (pre !== undefined) return { docs: [], issues: [pre], reader: "yaml" };
  const issues: YamlIssue[] = [];
  const docs: YNode[] = [];
  const composer = new Composer({
    version: "1.2",
    schema: "core",
    merge: false,
    intAsBigInt: true,
    uniqueKeys: false,
    prettyErrors: false,
    strict: true,
  });
  let count = 0;
  // Garbage at the top level gives one error token per character or two; stop reading early.
  let streamErrors = 0;
  let stoppedAt: number | undefined;
  function* limited(tokens: Iterable<Token>): Generator<Token> {
    for (const token of tokens) {
      if (token.type === "error" && ++streamErrors > MAX_YAML_ERRORS) {
        stoppedAt = token.offset;
        return;
      }
      yield token;
    }
  }
  const composed = withoutProcessEnv(() =>
    Array.from(composer.compose(limited(new Parser().parse(text))))
  );
  if (stoppedAt !== undefined) {
    issues.push({
      code: "yaml-syntax",
      offset: stoppedAt,
      message: `more than ${MAX_YAML_ERRORS} YAML errors: reading stopped here`,
    });
  }
  for (const doc of composed) {
    count++;
    if (count > limits.maxDocuments) {
      issues.push({
        code: "too-many-documents",
        offset: doc.range[0],
        message: `more than ${limits.maxDocuments} documents`,
      });
      break;
    }
    const problems = [...doc.errors, ...doc.warnings];
    for (const e of problems.slice(0, MAX_YAML_ERRORS)) {
      const near = text.slice(e.pos[0], Math.min(e.pos[1], e.pos[0] + 24)).trim();
      issues.push({
        code: "yaml-syntax",
        offset: e.pos[0],
        message: near === ""
          ? `invalid YAML: ${e.message}`
          : `invalid YAML at ${JSON.stringify(near)}: ${e.message}`,
      });
    }
    const more = problems[MAX_YAML_ERRORS];
    if (more !== undefined) {
      issues.push({
        code: "yaml-syntax",
        offset: more.pos[0],
        message: `${problems.length - MAX_YAML_ERRORS} more YAML errors from here on not shown`,
      });
    }
    if (problems.length > 0 || doc.contents === null) continue;
    if (isScalar(doc.contents) && doc.contents.value === null && doc.contents.source === "") {
      continue; // an empty document
    }
    const converter = new Converter(text, limits, issues);
    const root = converter.node(doc.contents, 1);
    if (root !== undefined) docs.push(root);
  }
  return { docs, issues, reader: "yaml" };
}

/**
 * Runs `fn` with `process.env` replaced by an empty object. The `yaml` package's Node build
 * reads `process.env.LOG_TOKENS` and `process.env.LOG_STREAM` (debug switches) for every token,
 * which in Deno needs `--allow-env` and would make parsing a policy fail under narrower
 * permissions. `fn` is synchronous, so no other code can observe the swap.
 */
function withoutProcessEnv<T>(fn: () => T): T {
  const env = Object.getOwnPropertyDescriptor(process, "env");
  if (env === undefined || !env.configurable) return fn();
  Object.defineProperty(process, "env", {
    value: Object.freeze({}),
    writable: true,
    enumerable: env.enumerable ?? true,
    configurable: true,
  });
  try {
    return fn();
  } finally {
    Object.defineProperty(process, "env", env);
  }
}

const EMPTY_AT = (start: number): YScalar => ({
  kind: "scalar",
  value: null,
  quoted: false,
  empty: true,
  start,
});

/** Turns one `yaml` document into a tree, resolving aliases within a budget. */
class Converter {
  readonly #anchors = new Map<string, { node: YNode; size: number }>();
  readonly #sizes = new WeakMap<object, number>();
  #aliasNodes = 0;
  #stopped = false;

  constructor(
    readonly text: string,
    readonly limits: YamlLimits,
    readonly issues: YamlIssue[],
  ) {}

  #issue(code: PolicyErrorCode, offset: number, message: string): undefined {
    this.issues.push({ code, offset, message });
    return undefined;
  }

  #size(node: YNode): number {
    return this.#sizes.get(node) ?? 1;
  }

  #alias(alias: Alias): YNode | undefined {
    const offset = alias.range?.[0] ?? 0;
    const target = this.#anchors.get(alias.source);
    if (target === undefined) {
      return this.#issue("yaml-syntax", offset, `unknown alias "*${alias.source}"`);
    }
    this.#aliasNodes += target.size;
    if (this.#aliasNodes > this.limits.maxAliasNodes) {
      this.#stopped = true;
      return this.#issue(
        "too-many-aliases",
        offset,
        `alias "*${alias.source}" expands the document beyond ${this.limits.maxAliasNodes} aliased nodes`,
      );
    }
    return target.node;
  }

  /** Converts `node` at nesting `depth`; `undefined` after an issue was recorded. */
  node(node: unknown, depth: number): YNode | undefined {
    if (this.#stopped) return undefined;
    if (isAlias(node)) return this.#alias(node);
    const offset = (node as YamlNode | null)?.range?.[0] ?? 0;
    if (depth > this.limits.maxDepth) {
      this.#stopped = true;
      return this.#issue("too-deep", offset, `nesting deeper than ${this.limits.maxDepth} levels`);
    }
    let out: YNode | undefined;
    let size = 1;
    if (isScalar(node)) {
      const v = node.value;
      const quoted = node.type !== undefined && node.type !== "PLAIN";
      if (
        typeof v === "string" || typeof v === "bigint" || typeof v === "number" ||
        typeof v === "boolean" || v === null
      ) {
        const empty = v === null && node.source === "" && !quoted;
        out = { kind: "scalar", value: v, quoted, empty, start: offset };
      } else {
        return this.#issue("yaml-syntax", offset, "unsupported YAML scalar type");
      }
    } else if (isSeq(node)) {
      const items: YNode[] = [];
      for (const item of node.items) {
        const y = this.node(item, depth + 1);
        if (y === undefined) continue;
        items.push(y);
        size += this.#size(y);
      }
      out = { kind: "seq", items, start: offset };
    } else if (isMap(node)) {
      const entries: YEntry[] = [];
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = this.#key(pair.key, offset);
        if (key === undefined) continue;
        const id = `${typeof key.value}:${String(key.value)}`;
        if (seen.has(id)) {
          this.#issue("yaml-syntax", key.start, `duplicate key ${JSON.stringify(keyText(key))}`);
          continue;
        }
        seen.add(id);
        const value = pair.value === null ? EMPTY_AT(key.start) : this.node(pair.value, depth + 1);
        if (value === undefined) continue;
        entries.push({ key, value });
        size += 1 + this.#size(value);
      }
      out = { kind: "map", entries, start: offset };
    } else {
      return this.#issue("yaml-syntax", offset, "unsupported YAML node");
    }
    this.#sizes.set(out, size);
    const anchor = (node as YamlNode).anchor;
    if (anchor !== undefined) this.#anchors.set(anchor, { node: out, size });
    return out;
  }

  #key(key: unknown, mapOffset: number): YScalar | undefined {
    const resolved = isAlias(key) ? this.#alias(key) : this.node(key, 1);
    if (resolved === undefined) {
      if (key === null) return this.#issue("yaml-syntax", mapOffset, "mapping entry without key");
      return undefined;
    }
    if (resolved.kind !== "scalar") {
      return this.#issue("yaml-syntax", resolved.start, "mapping keys must be plain scalars");
    }
    return resolved;
  }
}

/** The text of a key for messages: its string value, or how it was written. */
export function keyText(key: YScalar): string {
  return typeof key.value === "string" ? key.value : String(key.value);
}

/**
 * Rejects, before the recursive `yaml` composer runs, text that nests deeper than the limit or
 * holds more documents than allowed. An over-estimate by design: flow brackets outside quoted
 * strings and comments, plus block indentation levels, plus the `- ` / `? ` indicators on one
 * line (each may open a nested block collection).
 */
function prescan(text: string, limits: YamlLimits): YamlIssue | undefined {
  let flow = 0;
  let quote = "";
  let documents = 0;
  const indents: number[] = [];
  let lineStart = true;
  let indicators = 0;
  let prev = "\n";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== "") {
      if (quote === '"' && c === "\\") i++;
      else if (c === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else quote = "";
      }
      prev = c;
      continue;
    }
    if (lineStart) {
      lineStart = false;
      let j = i;
      while (text[j] === " ") j++;
      if (j === i && (text.startsWith("---", i) || text.startsWith("...", i))) {
        documents++;
        if (documents > limits.maxDocuments) {
          return {
            code: "too-many-documents",
            offset: i,
            message: `more than ${limits.maxDocuments} documents`,
          };
        }
      }
      const blank = text[j] === "\n" || text[j] === "#" || text[j] === "\r" || j >= text.length;
      if (!blank && flow === 0) {
        const indent = j - i;
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
        if (indents.length > limits.maxDepth) {
          return {
            code: "too-deep",
            offset: j,
            message: `nesting deeper than ${limits.maxDepth} levels`,
          };
        }
      }
    }
    if (c === "\n") {
      lineStart = true;
      indicators = 0;
    } else if ((c === "-" || c === "?") && text[i + 1] === " " && (prev === " " || prev === "\n")) {
      // `k: - - - x`: block indicators after a key also open levels (or are errors).
      if (++indicators + indents.length > limits.maxDepth) {
        return {
          code: "too-deep",
          offset: i,
          message: `nesting deeper than ${limits.maxDepth} levels`,
        };
      }
    } else if (c === "#" && (prev === " " || prev === "\t" || prev === "\n")) {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if (c === "[" || c === "{") {
      flow++;
      if (flow + indents.length > limits.maxDepth) {
        return {
          code: "too-deep",
          offset: i,
          message: `nesting deeper than ${limits.maxDepth} levels`,
        };
      }
    } else if (c === "]" || c === "}") {
      if (flow > 0) flow--;
    } else if ((c === '"' || c === "'") && " \t\n[{,:-?".includes(prev)) {
      quote = c;
    }
    prev = c;
  }
  return undefined;
}
