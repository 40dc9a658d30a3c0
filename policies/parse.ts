/**
 * The policy language front end: YAML text in, a validated {@linkcode PolicySet} out, or a
 * {@linkcode PolicyErrors} with every problem of every document, each at its exact
 * `FILE:LINE:COL` (the key for unknown keys, the value for wrong values).
 *
 * Structure (keys, types, allowed values) is checked against `schema.ts`; this file adds what a
 * schema cannot say: syscall, errno and constant names, 64-bit argument values, paths, network
 * endpoints, and the rules that tie keys together (`masked_eq` needs `mask`, `errno` needs `deny`,
 * unique rule ids and policy names).
 *
 * `spec.defaultAction` is required unless the policy extends another (which then gives it): a
 * policy file that does not say whether calls no rule matches are allowed is an error (at the
 * `spec` key), because a silent allow is the wrong guess for a sandbox and a silent deny breaks a
 * deny-list. (The Engine's programmatic one-rule filter, the seed's `SyscallFilter`, keeps
 * `allow` as its default: it builds its layer in code, not from YAML.) Other defaults (when a key
 * is not written): `defaultErrno: EPERM`, `mode: enforce`, `priority: 0`, rule ids
 * `"<policy>#<index>"` (index from 0), no `privileges` (no Linux capabilities, the invoking user,
 * the safe devices, signals within the sandbox), no `memory` section. `Policy.explicit` records
 * which of `defaultAction`, `defaultErrno`, `mode` and `privileges.signals` were written, for
 * `extends` (see `resolve.ts`); `Policy.defaultAction` is {@linkcode DEFAULT_ACTION} when not
 * written (then always inherited).
 *
 * `spec.privileges`: `capabilities` are Linux capability names of `linux/capability.h`, in any
 * case, with or without `CAP_` (stored canonical: `CAP_NET_BIND_SERVICE`); `user` and `group`
 * are numbers only (a name is an error that says to write the number: the compiler is pure and
 * does not read the host's user database); `devices` are absolute paths (normalised: `//` and
 * `.` removed) or `c MAJOR:MINOR` / `b MAJOR:MINOR` with `*` for any minor (stored as
 * `c 10:229`, `b 8:*`); duplicates are dropped.
 *
 * `spec.network.unix` entries are `@name` (an abstract socket; at most 107 bytes) or an absolute
 * path, normalised like device paths; a trailing `/` (kept in `name`) means every socket beneath
 * that directory; a socket path (no trailing `/`) must fit `sun_path` (107 bytes).
 *
 * The grammars of string values (paths, devices, Unix sockets, network endpoints) are in
 * `policy_values.ts`, the structure check against the schema in `validate_tree.ts`; this file
 * builds the model from a checked tree.
 *
 * @module
 */

import { child, Context, offsetOf, type Path, pathText, q } from "./_parse_context.ts";
import { toU64 } from "./flag_expression.ts";
import { argValue, validate } from "./validate_tree.ts";
import {
  normalisePath,
  parseDevice,
  parseEndpoint,
  parseUnixSocket,
  pathProblem,
  policyPath,
} from "./policy_values.ts";
import type {
  Action,
  ArgCondition,
  ArgOp,
  DenoPermission,
  DenoRule,
  DenoRules,
  FilesystemRules,
  Limits,
  LocatedName,
  MemoryRules,
  Mode,
  NetworkEndpoint,
  NetworkRules,
  Policy,
  PolicySet,
  Privileges,
  Rule,
  SyscallRef,
  Target,
  UnixSocketRule,
} from "./types.ts";
import { PolicyError, PolicyErrors } from "./errors.ts";
import { POLICY_SCHEMA } from "./schema.ts";
import { DEFAULT_YAML_LIMITS, readYaml, type YamlLimits } from "./_yaml_tree.ts";
import type { YNode, YScalar } from "./_yaml_tree.ts";
import { canonicalCapability, errnoNumber } from "./constants.ts";
import { formatLocation } from "./types.ts";

/** Options of {@linkcode parsePolicies}. */
export interface ParseOptions {
  /**
   * The largest text read as full YAML, in bytes (UTF-16 code units); default 1 MiB. Larger texts
   * up to 16 MiB are accepted when they keep to plain YAML (block mappings and lists, one-line
   * scalars and flow collections, no anchors, tags, block scalars or escapes), which is read in
   * linear time.
   */
  readonly maxBytes?: number;
  /**
   * The absolute directory of the policy file: `spec.filesystem` paths written relative to it
   * (`./data`, `../app`) are taken beneath it. Without it (a builtin profile, standard input, a
   * text parsed in memory), a relative path is an error.
   */
  readonly baseDir?: string;
}

/**
 * The errno of `deny` when neither the rule nor the policy names one: `EPERM`.
 *
 * @example
 * ```ts
 * import { DEFAULT_ERRNO } from "@cordon/cordon";
 * if (DEFAULT_ERRNO !== 1) throw new Error("EPERM is 1");
 * ```
 */
export const DEFAULT_ERRNO = 1;
/**
 * The value of `Policy.defaultAction` when `spec.defaultAction` is not written, which the parser
 * accepts only in a policy that extends another (the parent's is then inherited, see
 * `resolve.ts`): what a hand-built policy set without any default resolves to.
 *
 * @example
 * ```ts
 * import { DEFAULT_ACTION } from "@cordon/cordon";
 * if (DEFAULT_ACTION !== "allow") throw new Error(DEFAULT_ACTION);
 * ```
 */
export const DEFAULT_ACTION: Action = "allow";
/**
 * The mode when `spec.mode` is not written.
 *
 * @example
 * ```ts
 * import { DEFAULT_MODE } from "@cordon/cordon";
 * if (DEFAULT_MODE !== "enforce") throw new Error(DEFAULT_MODE);
 * ```
 */
export const DEFAULT_MODE: Mode = "enforce";

/**
 * Parses and validates the policies of one YAML text (one policy per document).
 *
 * @param text the file's contents
 * @param file the name used in locations and messages (a path, `-`, or `builtin:NAME`)
 * @param options limits
 * @returns the policies, in document order
 * @throws {PolicyErrors} with every problem found, sorted by line and column
 *
 * @example
 * ```ts
 * import { parsePolicies } from "@cordon/cordon";
 * import { PolicyErrors } from "@cordon/cordon";
 * const set = parsePolicies(
 *   [
 *     "apiVersion: cordon/v1",
 *     "kind: Policy",
 *     "metadata: { name: demo }",
 *     "spec:",
 *     "  defaultAction: deny",
 *     "  rules:",
 *     "    - syscalls: [read, write]",
 *     "      action: allow",
 *   ].join("\n"),
 *   "demo.yaml",
 * );
 * if (set.policies[0]?.rules[0]?.id !== "demo#0") throw new Error("default rule id");
 * try {
 *   parsePolicies(
 *     "apiVersion: cordon/v1\nkind: Policy\nmetadata: {name: x}\nspec: {defaultAction: deny, mode: loud}",
 *     "x.yaml",
 *   );
 *   throw new Error("must fail");
 * } catch (e) {
 *   if (!(e instanceof PolicyErrors)) throw e;
 *   if (!e.errors[0]?.message.startsWith('x.yaml:4:35: bad value "loud"')) throw e;
 * }
 * try {
 *   parsePolicies("apiVersion: cordon/v1\nkind: Policy\nmetadata: {name: y}\nspec: {}", "y.yaml");
 *   throw new Error("must fail");
 * } catch (e) {
 *   if (!(e instanceof PolicyErrors)) throw e;
 *   if (!e.errors[0]?.message.startsWith('y.yaml:4:1: "y" has no spec.defaultAction')) throw e;
 * }
 * ```
 */
export function parsePolicies(text: string, file: string, options: ParseOptions = {}): PolicySet {
  const { policies, errors } = parsePoliciesCollecting(text, file, options);
  if (errors.length > 0) throw new PolicyErrors(errors);
  return { policies };
}

/**
 * Like {@linkcode parsePolicies}, but returns the errors instead of throwing them, together with
 * every policy that could be built: for tools that go on after errors (finding duplicate names
 * across files, for one). A policy from a document with errors may hold partial or default values;
 * use it only when `errors` is empty, or for its name and location.
 *
 * @param text the file's contents
 * @param file the name used in locations and messages
 * @param options limits
 * @returns the policies built and the errors found (unsorted)
 *
 * @example
 * ```ts
 * import { parsePoliciesCollecting } from "@cordon/cordon";
 * const { policies, errors } = parsePoliciesCollecting(
 *   "apiVersion: cordon/v1\nkind: Policy\nmetadata: {name: a}\nspec: {defaultAction: deny, mode: loud}\n",
 *   "a.yaml",
 * );
 * if (policies[0]?.name !== "a" || errors[0]?.code !== "bad-value") throw new Error("collected");
 * ```
 */
export function parsePoliciesCollecting(
  text: string,
  file: string,
  options: ParseOptions = {},
): { policies: Policy[]; errors: PolicyError[] } {
  const limits: YamlLimits = options.maxBytes === undefined ? DEFAULT_YAML_LIMITS : {
    ...DEFAULT_YAML_LIMITS,
    maxBytes: options.maxBytes,
    maxFastBytes: Math.max(options.maxBytes, DEFAULT_YAML_LIMITS.maxFastBytes),
  };
  const ctx = new Context(text, file, options.baseDir);
  const tree = readYaml(text, limits);
  for (const issue of tree.issues) ctx.error(issue.code, issue.offset, issue.message);
  const policies: Policy[] = [];
  for (const doc of tree.docs) {
    validate(ctx, doc, POLICY_SCHEMA, undefined, undefined);
    const policy = buildPolicy(ctx, doc);
    if (policy !== undefined) policies.push(policy);
  }
  if (tree.docs.length === 0 && tree.issues.length === 0) {
    ctx.error("no-policy", 0, "no policy in the file (it is empty or only comments)");
  }
  const first = new Map<string, Policy>();
  const unique: Policy[] = [];
  for (const policy of policies) {
    const earlier = first.get(policy.name);
    if (earlier === undefined) {
      first.set(policy.name, policy);
      unique.push(policy);
    } else {
      const e = duplicateNameError(policy, earlier);
      ctx.error(e.code, offsetOf(ctx, policy.loc), e.description);
    }
  }
  return { policies: unique, errors: ctx.finish() };
}

/**
 * Parses several texts as one policy set: each text's policies and errors (a text that could not
 * be read is given as its error), and a `duplicate-name` error for a policy named like one of an
 * earlier text (the first keeps the name). Errors are unsorted.
 *
 * @param texts the texts with the names used in their locations, in order
 * @param options limits
 * @returns the policies, first of each name, and the errors
 *
 * @example
 * ```ts
 * import { parsePolicyTexts } from "@cordon/cordon";
 * const doc = "apiVersion: cordon/v1\nkind: Policy\nmetadata: {name: a}\nspec: {defaultAction: deny}\n";
 * const { policies, errors } = parsePolicyTexts([{ text: doc, file: "a.yaml" }, { text: doc, file: "b.yaml" }]);
 * if (policies.length !== 1 || errors[0]?.code !== "duplicate-name") throw new Error();
 * ```
 */
export function parsePolicyTexts(
  texts: readonly {
    readonly text: string | PolicyError;
    readonly file: string;
    /** The file's absolute directory (for relative `filesystem` paths); default `options.baseDir`. */
    readonly dir?: string;
  }[],
  options: ParseOptions = {},
): { policies: Policy[]; errors: PolicyError[] } {
  const errors: PolicyError[] = [];
  const policies: Policy[] = [];
  const byName = new Map<string, Policy>();
  for (const { text, file, dir } of texts) {
    if (text instanceof PolicyError) {
      errors.push(text);
      continue;
    }
    const parsed = parsePoliciesCollecting(
      text,
      file,
      dir === undefined ? options : { ...options, baseDir: dir },
    );
    errors.push(...parsed.errors);
    for (const policy of parsed.policies) {
      const earlier = byName.get(policy.name);
      if (earlier !== undefined) {
        errors.push(duplicateNameError(policy, earlier));
        continue;
      }
      byName.set(policy.name, policy);
      policies.push(policy);
    }
  }
  return { policies, errors };
}

/**
 * The error for a second policy called like an earlier one (also used across files).
 *
 * @param policy the later policy
 * @param earlier the policy that has the name first
 * @returns a `duplicate-name` error at the later policy's name
 *
 * @example
 * ```ts
 * import { duplicateNameError, parsePolicies } from "@cordon/cordon";
 * const doc = "apiVersion: cordon/v1\nkind: Policy\nmetadata: {name: a}\nspec: {defaultAction: deny}\n";
 * const [a] = parsePolicies(doc, "a.yaml").policies;
 * const [b] = parsePolicies(doc, "b.yaml").policies;
 * const e = duplicateNameError(b!, a!);
 * if (e.message !== 'b.yaml:3:18: duplicate policy name "a" (first defined at a.yaml:3:18)') {
 *   throw new Error(e.message);
 * }
 * ```
 */
export function duplicateNameError(policy: Policy, earlier: Policy): PolicyError {
  const at = earlier.loc;
  return new PolicyError(
    "duplicate-name",
    `duplicate policy name ${q(policy.name)} (first defined at ${formatLocation(at)})`,
    policy.loc.file,
    policy.loc.line,
    policy.loc.column,
  );
}

// ---------------------------------------------------------------------------------------------
// The model, from a tree already checked by validate()

function get(map: YNode | undefined, key: string): YNode | undefined {
  if (map?.kind !== "map") return undefined;
  for (const entry of map.entries) if (entry.key.value === key) return entry.value;
  return undefined;
}

function keyOf(map: YNode | undefined, key: string): YScalar | undefined {
  if (map?.kind !== "map") return undefined;
  for (const entry of map.entries) if (entry.key.value === key) return entry.key;
  return undefined;
}

function str(node: YNode | undefined): string | undefined {
  return node?.kind === "scalar" && typeof node.value === "string" ? node.value : undefined;
}

function int(node: YNode | undefined): number | undefined {
  return node?.kind === "scalar" && typeof node.value === "bigint" &&
      node.value >= BigInt(Number.MIN_SAFE_INTEGER) && node.value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(node.value)
    : undefined;
}

function items(node: YNode | undefined): readonly YNode[] {
  return node?.kind === "seq" ? node.items : [];
}

function isAction(value: string | undefined): value is Action {
  return value !== undefined &&
    ["allow", "deny", "kill", "log", "trap", "kill_thread", "trace", "notify"].includes(value);
}

function errnoOf(node: YNode | undefined): number | undefined {
  const name = str(node);
  return name !== undefined ? errnoNumber(name) : int(node);
}

function buildPolicy(ctx: Context, doc: YNode): Policy | undefined {
  if (doc.kind !== "map") return undefined;
  const metadata = get(doc, "metadata");
  const nameNode = get(metadata, "name");
  const name = str(nameNode) ?? "";
  const spec = get(doc, "spec");
  const loc = ctx.loc(nameNode?.start ?? doc.start);

  const extendsList = items(get(spec, "extends")).flatMap((n) => {
    const v = str(n);
    return v === undefined ? [] : [{ name: v, loc: ctx.loc(n.start) }];
  });
  const defaultAction = str(get(spec, "defaultAction"));
  const defaultErrnoNode = get(spec, "defaultErrno");
  const mode = str(get(spec, "mode"));
  const capabilities = get(spec, "capabilities");
  const groups = (key: string) =>
    items(get(capabilities, key)).flatMap((n) => {
      const v = str(n);
      return v === undefined ? [] : [{ name: v, loc: ctx.loc(n.start) }];
    });

  const rules: Rule[] = [];
  const ids = new Map<string, number>();
  items(get(spec, "rules")).forEach((node, index) => {
    const rule = buildRule(
      ctx,
      node,
      name,
      index,
      child(child(child(undefined, "spec"), "rules"), index),
    );
    if (rule === undefined) return;
    const idNode = get(node, "id");
    const seen = ids.get(rule.id);
    if (seen !== undefined) {
      ctx.error(
        "duplicate-id",
        idNode?.start ?? node.start,
        `duplicate rule id ${q(rule.id)} (also spec.rules[${seen}])`,
      );
    } else {
      ids.set(rule.id, index);
    }
    rules.push(rule);
  });

  const policy: { -readonly [K in keyof Policy]: Policy[K] } = {
    name,
    extends: extendsList,
    defaultAction: isAction(defaultAction) ? defaultAction : DEFAULT_ACTION,
    defaultErrno: errnoOf(defaultErrnoNode) ?? DEFAULT_ERRNO,
    mode: mode === "audit" || mode === "enforce" ? mode : DEFAULT_MODE,
    capabilities: { allow: groups("allow"), deny: groups("deny") },
    rules,
    loc,
    explicit: {
      defaultAction: defaultAction !== undefined,
      defaultErrno: defaultErrnoNode !== undefined,
      mode: mode !== undefined,
    },
  };
  const description = str(get(metadata, "description"));
  if (description !== undefined) policy.description = description;
  const target = buildTarget(get(spec, "target"));
  if (target !== undefined) policy.target = target;
  const filesystem = buildFilesystem(ctx, spec);
  if (filesystem !== undefined) policy.filesystem = filesystem;
  const network = buildNetwork(ctx, spec);
  if (network !== undefined) policy.network = network;
  const limits = buildLimits(ctx, get(spec, "limits"));
  if (limits !== undefined) policy.limits = limits;
  const privileges = buildPrivileges(ctx, spec);
  if (privileges !== undefined) policy.privileges = privileges;
  const memory = buildMemory(ctx, spec);
  if (memory !== undefined) policy.memory = memory;
  const deno = buildDeno(ctx, spec, name); // issue 15: Deno's permission broker
  if (deno !== undefined) policy.deno = deno;
  if (get(get(spec, "privileges"), "signals") !== undefined) {
    policy.explicit = { ...policy.explicit, signals: true };
  }
  const specKey = keyOf(doc, "spec");
  if (defaultAction === undefined && extendsList.length === 0 && specKey !== undefined) {
    ctx.error(
      "missing-key",
      specKey.start,
      `${q(name || "the policy")} has no spec.defaultAction and extends no policy: write ` +
        '"defaultAction: deny" (only what the rules allow runs) or "defaultAction: allow" ' +
        "(everything the rules do not deny runs)",
    );
  }
  return policy;
}

function buildRule(
  ctx: Context,
  node: YNode,
  policy: string,
  index: number,
  path: Path,
): Rule | undefined {
  if (node.kind !== "map") return undefined;
  const action = str(get(node, "action"));
  const syscalls: SyscallRef[] = items(get(node, "syscalls")).flatMap((n): SyscallRef[] => {
    const name = str(n);
    if (name !== undefined) return [{ kind: "name", name, loc: ctx.loc(n.start) }];
    const nr = int(n);
    return nr === undefined ? [] : [{ kind: "number", nr, loc: ctx.loc(n.start) }];
  });
  const errnoNode = get(node, "errno");
  if (errnoNode !== undefined && action !== undefined && action !== "deny") {
    ctx.error(
      "bad-value",
      keyOf(node, "errno")!.start,
      `${pathText(child(path, "errno"))} applies only to action "deny", not ${q(action)}`,
    );
  }
  const args = items(get(node, "args")).flatMap((n, i) => {
    const arg = buildArg(ctx, n, child(child(path, "args"), i));
    return arg === undefined ? [] : [arg];
  });
  const rule: { -readonly [K in keyof Rule]: Rule[K] } = {
    id: str(get(node, "id")) ?? `${policy}#${index}`,
    policy,
    origin: "rule",
    syscalls,
    action: isAction(action) ? action : "deny",
    priority: int(get(node, "priority")) ?? 0,
    args,
    loc: ctx.loc(node.start),
  };
  const errno = errnoOf(errnoNode);
  if (errno !== undefined) rule.errno = errno;
  return rule;
}

function buildArg(ctx: Context, node: YNode, path: Path): ArgCondition | undefined {
  if (node.kind !== "map") return undefined;
  const op = str(get(node, "op"));
  const maskKey = keyOf(node, "mask");
  if (op === "masked_eq" && maskKey === undefined) {
    ctx.error("bad-arg", node.start, `${pathText(path)}: op "masked_eq" needs a "mask"`);
  } else if (op !== undefined && op !== "masked_eq" && maskKey !== undefined) {
    ctx.error("bad-arg", maskKey.start, `${pathText(path)}: "mask" applies only to op "masked_eq"`);
  }
  const index = int(get(node, "index"));
  const value = scalarArg(ctx, get(node, "value"));
  const mask = scalarArg(ctx, get(node, "mask"));
  if (index === undefined || index < 0 || index > 5 || op === undefined || value === undefined) {
    return undefined;
  }
  const arg: { -readonly [K in keyof ArgCondition]: ArgCondition[K] } = {
    index: index as ArgCondition["index"],
    op: op as ArgOp,
    value,
    loc: ctx.loc(node.start),
  };
  if (mask !== undefined) arg.mask = mask;
  return arg;
}

/** The value of an argument scalar already validated (errors were reported then). */
function scalarArg(ctx: Context, node: YNode | undefined): bigint | undefined {
  if (node?.kind !== "scalar") return undefined;
  if (typeof node.value === "bigint") return toU64(node.value);
  if (typeof node.value !== "string") return undefined;
  const quiet = new Context(ctx.text, ctx.file);
  return argValue(quiet, node, node.value, undefined);
}

function buildTarget(node: YNode | undefined): Target | undefined {
  if (node?.kind !== "map") return undefined;
  const target: { -readonly [K in keyof Target]: Target[K] } = {};
  const numbers = (key: string) => items(get(node, key)).flatMap((n) => int(n) ?? []);
  const strings = (key: string) => items(get(node, key)).flatMap((n) => str(n) ?? []);
  if (get(node, "pids") !== undefined) target.pids = numbers("pids");
  if (get(node, "comms") !== undefined) target.comms = strings("comms");
  if (get(node, "executables") !== undefined) target.executables = strings("executables");
  if (get(node, "cgroups") !== undefined) target.cgroups = strings("cgroups");
  if (get(node, "uids") !== undefined) target.uids = numbers("uids");
  return target;
}

function buildFilesystem(ctx: Context, spec: YNode | undefined): FilesystemRules | undefined {
  const key = keyOf(spec, "filesystem");
  const node = get(spec, "filesystem");
  if (key === undefined || node?.kind !== "map") return undefined;
  // Relative paths were checked with the format (errors reported then): resolved here.
  const paths = (k: string) =>
    items(get(node, k)).flatMap((n) => {
      const text = str(n);
      return text === undefined ? [] : [policyPath(text, ctx.baseDir).path];
    });
  const fs: { -readonly [K in keyof FilesystemRules]: FilesystemRules[K] } = {
    read: paths("read"),
    write: paths("write"),
    execute: paths("execute"),
    loc: ctx.loc(key.start),
  };
  const minAbi = int(get(node, "minAbi"));
  if (minAbi !== undefined) fs.minAbi = minAbi;
  return fs;
}

function buildNetwork(ctx: Context, spec: YNode | undefined): NetworkRules | undefined {
  const key = keyOf(spec, "network");
  const node = get(spec, "network");
  if (key === undefined || node?.kind !== "map") return undefined;
  const endpoints = (k: string) =>
    items(get(node, k)).flatMap((n): NetworkEndpoint[] => {
      const text = str(n);
      if (text === undefined) return [];
      const parsed = parseEndpoint(text);
      return typeof parsed === "string" ? [] : [{ text, ...parsed, loc: ctx.loc(n.start) }];
    });
  const network: { -readonly [K in keyof NetworkRules]: NetworkRules[K] } = {
    connect: endpoints("connect"),
    bind: endpoints("bind"),
    loc: ctx.loc(key.start),
  };
  if (get(node, "unix") !== undefined) {
    const seen = new Set<string>();
    network.unix = items(get(node, "unix")).flatMap((n): UnixSocketRule[] => {
      const text = str(n);
      const parsed = text === undefined ? "" : parseUnixSocket(text);
      if (typeof parsed === "string" || seen.has(`${parsed.kind} ${parsed.name}`)) return [];
      seen.add(`${parsed.kind} ${parsed.name}`);
      return [{ text: text!, ...parsed, loc: ctx.loc(n.start) }];
    });
  }
  return network;
}

/** The entries of a list, each canonicalised (or dropped when `canonical` gives `undefined`), once. */
function names(
  ctx: Context,
  node: YNode | undefined,
  canonical: (text: string) => string | undefined,
): LocatedName[] {
  const seen = new Set<string>();
  return items(node).flatMap((n): LocatedName[] => {
    const text = str(n);
    const name = text === undefined ? undefined : canonical(text);
    if (name === undefined || seen.has(name)) return [];
    seen.add(name);
    return [{ name, loc: ctx.loc(n.start) }];
  });
}

function buildPrivileges(ctx: Context, spec: YNode | undefined): Privileges | undefined {
  const key = keyOf(spec, "privileges");
  const node = get(spec, "privileges");
  if (key === undefined || node?.kind !== "map") return undefined;
  const signals = str(get(node, "signals"));
  const privileges: { -readonly [K in keyof Privileges]: Privileges[K] } = {
    capabilities: names(ctx, get(node, "capabilities"), canonicalCapability),
    devices: names(ctx, get(node, "devices"), (text) => {
      const device = parseDevice(text);
      return device.startsWith("!") ? undefined : device;
    }),
    signals: signals === "any" ? "any" : "sandbox",
    loc: ctx.loc(key.start),
  };
  const idOf = (k: string) => {
    const n = get(node, k);
    const v = int(n);
    return v === undefined || v < 0 || v > 4294967294 ? undefined : { v, loc: ctx.loc(n!.start) };
  };
  const user = idOf("user");
  if (user !== undefined) privileges.user = { uid: user.v, loc: user.loc };
  const group = idOf("group");
  if (group !== undefined) privileges.group = { gid: group.v, loc: group.loc };
  return privileges;
}

function buildMemory(ctx: Context, spec: YNode | undefined): MemoryRules | undefined {
  const key = keyOf(spec, "memory");
  const node = get(spec, "memory");
  if (key === undefined || node?.kind !== "map") return undefined;
  const writeExecute = str(get(node, "writeExecute"));
  return { writeExecute: writeExecute === "allow" ? "allow" : "deny", loc: ctx.loc(key.start) };
}

const DENO_KINDS: readonly string[] = [
  "read",
  "write",
  "net",
  "env",
  "run",
  "ffi",
  "sys",
  "import",
];

/** Why `value` cannot be a `spec.deno.rules[].values` entry of `kind`, or `undefined`. */
function denoValueProblem(kind: DenoPermission, value: string): string | undefined {
  switch (kind) {
    case "read":
    case "write":
      return pathProblem(value);
    case "ffi":
    case "run":
      return value.includes("/") ? pathProblem(value) : undefined;
    case "net":
    case "import": {
      const m = /^(\*|\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+)(?::(\*|[0-9]+))?$/.exec(value);
      if (m === null) return "not host, host:port or *:port";
      if (m[2] !== undefined && m[2] !== "*" && Number(m[2]) > 65535) return "port above 65535";
      if (m[1] === "*" && m[2] === undefined) return 'write "*:PORT", or leave out values';
      return undefined;
    }
    case "env":
    case "sys":
      return /^[^=\s*]*\*?$/.test(value) && value !== ""
        ? undefined
        : "not a name (NAME or PREFIX*)";
  }
}

function buildDeno(ctx: Context, spec: YNode | undefined, policy: string): DenoRules | undefined {
  const key = keyOf(spec, "deno");
  const node = get(spec, "deno");
  if (key === undefined || node?.kind !== "map") return undefined;
  const ids = new Map<string, number>();
  const rules = items(get(node, "rules")).flatMap((r, index): DenoRule[] => {
    if (r.kind !== "map") return [];
    const permission = str(get(r, "permission"));
    const action = str(get(r, "action"));
    if (!DENO_KINDS.includes(permission ?? "")) return [];
    if (action !== "allow" && action !== "deny" && action !== "log") return [];
    const kind = permission as DenoPermission;
    const idNode = get(r, "id");
    const id = str(idNode) ?? `${policy}#deno${index}`;
    const seen = ids.get(id);
    if (seen !== undefined) {
      ctx.error(
        "duplicate-id",
        idNode?.start ?? r.start,
        `duplicate rule id ${q(id)} (also spec.deno.rules[${seen}])`,
      );
    } else {
      ids.set(id, index);
    }
    const rule: { -readonly [K in keyof DenoRule]: DenoRule[K] } = {
      id,
      permission: kind,
      action,
      priority: int(get(r, "priority")) ?? 0,
      loc: ctx.loc(r.start),
    };
    if (get(r, "values") !== undefined) {
      const values: string[] = [];
      for (const v of items(get(r, "values"))) {
        const text = str(v);
        if (text === undefined) continue;
        const problem = denoValueProblem(kind, text);
        if (problem !== undefined) {
          ctx.error(
            kind === "read" || kind === "write" || text.includes("/") ? "bad-path" : "bad-value",
            v.start,
            `spec.deno.rules[${index}].values: ${q(text)} is ${problem} (a ${kind} value)`,
          );
          continue;
        }
        values.push(text.startsWith("/") ? normalisePath(text, false) : text);
      }
      rule.values = values;
    }
    return [rule];
  });
  const defaultNode = get(node, "default");
  const def = str(defaultNode);
  return {
    rules,
    default: def === "allow" ? "allow" : "deny",
    defaultLoc: ctx.loc(defaultNode?.start ?? key.start),
    defaultWritten: def !== undefined,
    loc: ctx.loc(key.start),
  };
}

function buildLimits(ctx: Context, node: YNode | undefined): Limits | undefined {
  if (node?.kind !== "map") return undefined;
  const sps = get(node, "syscallsPerSecond");
  const max = int(get(sps, "max"));
  const action = str(get(sps, "action"));
  if (sps === undefined || max === undefined || !isAction(action)) return {};
  return {
    syscallsPerSecond: { max, action, loc: ctx.loc(keyOf(node, "syscallsPerSecond")!.start) },
  };
}
