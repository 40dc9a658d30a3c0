/**
 * The structure check of a policy's YAML tree against `schema.ts` (keys, types, allowed values,
 * string formats) and the argument values of rules, reporting every problem at its location
 * into the text's {@linkcode Context}.
 *
 * @module
 */

import { parseFlagExpression, toU64 } from "./flag_expression.ts";
import type { Schema, StringFormat, StringSchema } from "./schema.ts";
import { keyText } from "./_yaml_tree.ts";
import type { YNode, YScalar } from "./_yaml_tree.ts";
import { isKnownSyscall, syscallNames } from "./syscalls.ts";
import { canonicalCapability, capabilityNames, constantNames, errnoNumber } from "./constants.ts";
import { child, type Context, describe, type Path, pathText, q } from "./_parse_context.ts";
import {
  constantValue,
  parseDevice,
  parseEndpoint,
  parseUnixSocket,
  pathProblem,
  policyPath,
} from "./policy_values.ts";

/** Checks `node` against `schema`, reporting every problem into `ctx`. */
export function validate(
  ctx: Context,
  node: YNode,
  schema: Schema,
  path: Path | undefined,
  keyAt: number | undefined,
): void {
  const at = node.kind === "scalar" && node.empty && keyAt !== undefined ? keyAt : node.start;
  const wrongType = (expected: string, hint?: string) =>
    ctx.error(
      "wrong-type",
      at,
      `${pathText(path)} must be ${expected}, not ${describe(node)}${hint ? `: ${hint}` : ""}`,
    );
  switch (schema.type) {
    case "object": {
      if (node.kind !== "map") return wrongType("a mapping");
      for (const { key, value } of node.entries) {
        const name = keyText(key);
        const sub = typeof key.value === "string" && Object.hasOwn(schema.properties, name)
          ? schema.properties[name]
          : undefined;
        if (sub === undefined) {
          const known = Object.keys(schema.properties);
          const hint = ctx.suggest(name, () => known);
          ctx.error(
            "unknown-key",
            key.start,
            `unknown key ${q(name)} in ${pathText(path)}${
              hint || ` (expected ${known.map(q).join(", ")})`
            }`,
          );
        } else {
          validate(ctx, value, sub, child(path, name), key.start);
        }
      }
      for (const required of schema.required ?? []) {
        if (!node.entries.some((e) => e.key.value === required)) {
          ctx.error(
            "missing-key",
            keyAt ?? node.start,
            `missing key ${q(required)} in ${pathText(path)}`,
          );
        }
      }
      return;
    }
    case "array": {
      if (node.kind !== "seq") return wrongType("a list");
      if (schema.minItems !== undefined && node.items.length < schema.minItems) {
        ctx.error("bad-value", at, `${pathText(path)} must not be empty`);
      }
      node.items.forEach((item, i) => validate(ctx, item, schema.items, child(path, i), undefined));
      return;
    }
    case "string":
      if (node.kind !== "scalar" || typeof node.value !== "string") return wrongType("a string");
      return checkString(ctx, node, node.value, schema, path);
    case "integer": {
      if (node.kind !== "scalar" || typeof node.value !== "bigint") {
        return wrongType("an integer", schema.hint);
      }
      const v = node.value;
      if (v < schema.minimum || v > schema.maximum) {
        ctx.error(
          schema.code ?? "bad-value",
          at,
          `${pathText(path)} must be between ${schema.minimum} and ${schema.maximum}, not ${q(v)}`,
        );
      }
      return;
    }
    case "name-or-number": {
      if (node.kind === "scalar" && typeof node.value === "string") {
        return validate(ctx, node, schema.name, path, keyAt);
      }
      if (node.kind === "scalar" && typeof node.value === "bigint") {
        return validate(ctx, node, schema.number, path, keyAt);
      }
      return wrongType("a name or an integer");
    }
  }
}

const patterns = new Map<string, RegExp>();

function patternOf(source: string): RegExp {
  let re = patterns.get(source);
  if (re === undefined) patterns.set(source, re = new RegExp(source));
  return re;
}

function checkString(
  ctx: Context,
  node: YScalar,
  value: string,
  schema: StringSchema,
  path: Path | undefined,
): void {
  const code = schema.code ?? "bad-value";
  if (schema.enum !== undefined && !schema.enum.includes(value)) {
    const options = schema.enum;
    const hint = ctx.suggest(value, () => options);
    const listed = options.length <= 10 ? ` (expected ${options.map(q).join(", ")})` : "";
    const what = code === "unknown-capability" ? "unknown capability group" : "bad value";
    ctx.error(code, node.start, `${what} ${q(value)} for ${pathText(path)}${hint || listed}`);
    return;
  }
  if (schema.minLength !== undefined && value.length < schema.minLength) {
    ctx.error("bad-value", node.start, `${pathText(path)} must not be empty`);
    return;
  }
  if (schema.maxLength !== undefined && value.length > schema.maxLength) {
    ctx.error(
      "bad-value",
      node.start,
      `${q(value.slice(0, 40))} is too long for ${
        pathText(path)
      } (at most ${schema.maxLength} characters)`,
    );
    return;
  }
  if (schema.format !== undefined) {
    checkFormat(ctx, node, value, schema.format, path);
    return;
  }
  if (schema.pattern !== undefined && !patternOf(schema.pattern).test(value)) {
    ctx.error(
      code,
      node.start,
      `bad value ${q(value)} for ${pathText(path)} (must match ${schema.pattern})`,
    );
  }
}

function checkFormat(
  ctx: Context,
  node: YScalar,
  value: string,
  format: StringFormat,
  path: Path | undefined,
): void {
  switch (format) {
    case "syscall":
      if (!isKnownSyscall(value)) {
        const hint = ctx.suggest(value, syscallNames);
        ctx.error("unknown-syscall", node.start, `unknown syscall ${q(value)}${hint}`);
      }
      return;
    case "errno":
      if (errnoNumber(value) === undefined) {
        ctx.error("unknown-errno", node.start, `unknown errno ${q(value)} in ${pathText(path)}`);
      }
      return;
    case "absolute-path": {
      const problem = pathProblem(value);
      if (problem !== undefined) {
        ctx.error("bad-path", node.start, `bad path ${q(value)} in ${pathText(path)}: ${problem}`);
      }
      return;
    }
    case "policy-path": {
      const resolved = policyPath(value, ctx.baseDir);
      if (resolved.problem !== undefined) {
        ctx.error(
          "bad-path",
          node.start,
          `bad path ${q(value)} in ${pathText(path)}: ${resolved.problem}`,
        );
      }
      return;
    }
    case "endpoint": {
      const parsed = parseEndpoint(value);
      if (typeof parsed === "string") {
        ctx.error("bad-endpoint", node.start, `bad endpoint ${q(value)}: ${parsed}`);
      }
      return;
    }
    case "arg-value":
      argValue(ctx, node, value, path);
      return;
    case "linux-capability":
      if (canonicalCapability(value) === undefined) {
        const upper = value.toUpperCase();
        const hint = ctx.suggest(
          upper.startsWith("CAP_") ? upper : `CAP_${upper}`,
          capabilityNames,
        );
        ctx.error(
          "unknown-capability",
          node.start,
          `unknown Linux capability ${q(value)} in ${pathText(path)}${hint}`,
        );
      }
      return;
    case "device": {
      const parsed = parseDevice(value);
      if (parsed.startsWith("!")) {
        ctx.error(
          "bad-value",
          node.start,
          `bad device ${q(value)} in ${pathText(path)}: ${parsed.slice(1)}`,
        );
      }
      return;
    }
    case "unix-socket": {
      const parsed = parseUnixSocket(value);
      if (typeof parsed === "string") {
        ctx.error(
          "bad-path",
          node.start,
          `bad Unix socket ${q(value)} in ${pathText(path)}: ${parsed}`,
        );
      }
      return;
    }
  }
}

/** Turns an argument value (a YAML integer or a string) into unsigned 64 bits, or reports. */
export function argValue(
  ctx: Context,
  node: YScalar,
  value: string | bigint,
  path: Path | undefined,
): bigint | undefined {
  if (typeof value === "bigint") return toU64(value);
  const raw = ctx.text.slice(node.start, node.start + value.length + 2);
  const inner = node.quoted ? raw.slice(1) : raw;
  const exact = inner.startsWith(value);
  const parsed = parseFlagExpression(value, constantValue);
  for (const term of parsed.terms) {
    const name = term.text;
    const at = node.start + (exact ? (node.quoted ? 1 : 0) + term.offset : 0);
    const error = term.error;
    if (error === undefined) continue;
    if (error.kind === "empty") {
      ctx.error("bad-arg", node.start, `bad value ${q(value)} for ${pathText(path)}: empty part`);
    } else if (error.kind === "too-wide") {
      ctx.error("bad-arg", at, `value ${q(name)} for ${pathText(path)} does not fit 64 bits`);
    } else if (error.kind === "constant" && error.reason === "unknown") {
      const hint = ctx.suggest(name, constantNames);
      ctx.error("unknown-constant", at, `unknown constant ${q(name)}${hint}`);
    } else if (error.kind === "constant") {
      ctx.error("bad-arg", at, `constant ${q(name)} ${error.reason}`);
    } else {
      ctx.error(
        "bad-arg",
        at,
        `bad value ${q(name)} for ${pathText(path)}: expected a number or a constant name`,
      );
    }
  }
  return parsed.value;
}
