/**
 * `extends` and capability groups resolved: every policy of a set becomes one
 * {@linkcode ResolvedPolicy}, the layer the compiler consumes.
 *
 * How a child and the policies it extends (its parents, transitively) combine:
 * - **Rules**: the parents' resolved rules first (in `extends` order, each parent's own parents
 *   before it), then the policy's capability rules (`allow` groups, then `deny` groups, as
 *   written), then its written rules. A rule reached twice through different paths (a diamond)
 *   appears once. Inherited rules keep their `id`, `policy` and location.
 * - **Capability groups** expand into priority-0 rules: `allow` groups with action `allow`,
 *   `deny` groups with action `deny`, id `"<policy>:cap:<allow|deny>:<group>"`, origin
 *   `"capability"`, located at the group's name in the file.
 * - **`defaultAction`, `defaultErrno`, `mode`**: the policy's own when written
 *   (`Policy.explicit`); otherwise the nearest ancestor's that wrote it (fewest `extends` steps,
 *   ties broken by `extends` order); otherwise the defaults (`allow`, `EPERM`, `enforce`; see
 *   `parse.ts`).
 * - **`limits.syscallsPerSecond`**: like the defaults, the policy's own or the nearest ancestor's.
 * - **`filesystem`, `network`**: the union of the policy's and every ancestor's paths and
 *   endpoints (parents' first, duplicates dropped); `minAbi` is the highest any of them asks for.
 *   They are located at the policy's own key, or else at the first ancestor's.
 * - **`network.unix`**: the union of the policy's and every ancestor's sockets (by kind and
 *   normalised name); present when any of them writes `unix`.
 * - **`privileges`**: `capabilities` and `devices` are the union of the policy's and every
 *   ancestor's (parents' first, duplicates dropped); `user`, `group` and `signals` are the
 *   policy's own when written, else the nearest ancestor's, else absent (`signals`: `sandbox`).
 *   Located at the policy's own key, or else at the first ancestor's.
 * - **`memory`**: the policy's own section when written, else the nearest ancestor's.
 * - **`target`** is not inherited: extending a policy reuses its rules, not whom it applies to.
 *
 * Every policy of the set is its own layer, including one that other policies only extend (the
 * format: each policy that targets a process is an independent layer). Builtin profiles
 * (`builtin:NAME`, parsed from `BUILTIN_PROFILES` with the file name `builtin:NAME`) are merged
 * into the policies that extend them and are never layers themselves.
 *
 * @module
 */

import type {
  Action,
  DenoRules,
  FilesystemRules,
  Limits,
  MemoryRules,
  Mode,
  NetworkEndpoint,
  NetworkRules,
  Policy,
  PolicySet,
  Privileges,
  ResolvedPolicy,
  Rule,
  SourceLocation,
  UnixSocketRule,
} from "./types.ts";
import { PolicyError, type PolicyErrorCode, PolicyErrors } from "./errors.ts";
import { capabilityGroup } from "./capability_groups.ts";
import { BUILTIN_PROFILES } from "./builtin_profiles.ts";
import { DEFAULT_ACTION, DEFAULT_ERRNO, DEFAULT_MODE, parsePolicies } from "./parse.ts";
import { formatLocation } from "./types.ts";

const BUILTIN = "builtin:";

/** A value inherited through `extends`, with how many steps away it was written. */
interface Inherited<T> {
  readonly value: T;
  readonly distance: number;
}

/** A policy resolved so far: everything its children need. */
interface Merged {
  readonly rules: readonly Rule[];
  readonly defaultAction?: Inherited<Action>;
  readonly defaultErrno?: Inherited<number>;
  readonly mode?: Inherited<Mode>;
  readonly syscallsPerSecond?: Inherited<NonNullable<Limits["syscallsPerSecond"]>>;
  readonly filesystem?: FilesystemRules;
  readonly network?: NetworkRules;
  readonly deno?: DenoRules;
  readonly memory?: Inherited<MemoryRules>;
  /** Capabilities and devices merged; `loc` the policy's own key or the first ancestor's. */
  readonly privileges?: Privileges;
  readonly user?: Inherited<NonNullable<Privileges["user"]>>;
  readonly group?: Inherited<NonNullable<Privileges["group"]>>;
  readonly signals?: Inherited<Privileges["signals"]>;
}

/** Where a policy's bare `extends` names are looked up: the user's set or one builtin's text. */
interface Scope {
  readonly byName: ReadonlyMap<string, Policy>;
}

const builtinCache = new Map<string, { scope: Scope; policy: Policy } | PolicyError[]>();

function builtin(name: string): { scope: Scope; policy: Policy } | PolicyError[] | undefined {
  const cached = builtinCache.get(name);
  if (cached !== undefined) return cached;
  const file = `${BUILTIN}${name}`;
  const text = Object.hasOwn(BUILTIN_PROFILES, file) ? BUILTIN_PROFILES[file] : undefined;
  if (text === undefined) return undefined;
  let out: { scope: Scope; policy: Policy } | PolicyError[];
  try {
    const set = parsePolicies(text, file);
    const byName = new Map(set.policies.map((p) => [p.name, p]));
    const policy = byName.get(name) ?? (set.policies.length === 1 ? set.policies[0] : undefined);
    out = policy === undefined
      ? [
        new PolicyError(
          "extends-unknown",
          `builtin profile text has no policy ${q(name)}`,
          file,
          1,
          1,
        ),
      ]
      : { scope: { byName }, policy };
  } catch (e) {
    if (!(e instanceof PolicyErrors)) throw e;
    out = e.errors;
  }
  builtinCache.set(name, out);
  return out;
}

function q(value: string): string {
  return JSON.stringify(value);
}

/**
 * Resolves `extends` and capability groups of every policy in `set`.
 *
 * @param set policies as parsed (names unique)
 * @returns one layer per policy of the set, in the set's order
 * @throws {PolicyErrors} for unknown or cyclic `extends`, unknown capability groups, duplicate
 *   names, or a builtin profile that does not parse, all at once
 *
 * @example
 * ```ts
 * import { parsePolicies } from "@cordon/cordon";
 * import { resolvePolicies } from "@cordon/cordon";
 * const set = parsePolicies(
 *   [
 *     "apiVersion: cordon/v1",
 *     "kind: Policy",
 *     "metadata: { name: base }",
 *     "spec:",
 *     "  defaultAction: deny",
 *     "  capabilities: { allow: [time] }",
 *     "---",
 *     "apiVersion: cordon/v1",
 *     "kind: Policy",
 *     "metadata: { name: app }",
 *     "spec:",
 *     "  extends: [base]",
 *     "  rules: [{ syscalls: [read], action: allow }]",
 *   ].join("\n"),
 *   "app.yaml",
 * );
 * const [base, app] = resolvePolicies(set);
 * if (base?.name !== "base" || app?.defaultAction !== "deny") throw new Error("inherited default");
 * if (app.rules[0]?.id !== "base:cap:allow:time" || app.rules.at(-1)?.id !== "app#0") {
 *   throw new Error("parents' rules come first");
 * }
 * ```
 */
export function resolvePolicies(set: PolicySet): ResolvedPolicy[] {
  return new Resolver(set).run();
}

class Resolver {
  readonly #set: PolicySet;
  readonly #user: Scope;
  readonly #errors: PolicyError[] = [];
  readonly #done = new Map<Policy, Merged>();
  readonly #active: Policy[] = [];
  readonly #capabilityRules = new Map<Policy, Rule[]>();

  constructor(set: PolicySet) {
    this.#set = set;
    const byName = new Map<string, Policy>();
    for (const policy of set.policies) {
      const earlier = byName.get(policy.name);
      if (earlier === undefined) byName.set(policy.name, policy);
      else {
        this.#error(
          "duplicate-name",
          policy.loc,
          `duplicate policy name ${q(policy.name)} (first defined at ${
            formatLocation(earlier.loc)
          })`,
        );
      }
    }
    this.#user = { byName };
  }

  run(): ResolvedPolicy[] {
    const out: ResolvedPolicy[] = [];
    for (const policy of this.#set.policies) {
      const r = this.#resolve(policy, this.#user);
      const layer: { -readonly [K in keyof ResolvedPolicy]: ResolvedPolicy[K] } = {
        name: policy.name,
        defaultAction: r.defaultAction?.value ?? DEFAULT_ACTION,
        defaultErrno: r.defaultErrno?.value ?? DEFAULT_ERRNO,
        mode: r.mode?.value ?? DEFAULT_MODE,
        rules: r.rules,
        loc: policy.loc,
      };
      if (policy.target !== undefined) layer.target = policy.target;
      if (r.filesystem !== undefined) layer.filesystem = r.filesystem;
      if (r.network !== undefined) layer.network = r.network;
      if (r.deno !== undefined) layer.deno = r.deno;
      if (r.privileges !== undefined) {
        const privileges: { -readonly [K in keyof Privileges]: Privileges[K] } = {
          capabilities: r.privileges.capabilities,
          devices: r.privileges.devices,
          signals: r.signals?.value ?? "sandbox",
          loc: r.privileges.loc,
        };
        if (r.user !== undefined) privileges.user = r.user.value;
        if (r.group !== undefined) privileges.group = r.group.value;
        layer.privileges = privileges;
      }
      if (r.memory !== undefined) layer.memory = r.memory.value;
      if (policy.limits !== undefined || r.syscallsPerSecond !== undefined) {
        layer.limits = r.syscallsPerSecond === undefined
          ? {}
          : { syscallsPerSecond: r.syscallsPerSecond.value };
      }
      out.push(layer);
    }
    if (this.#errors.length > 0) throw new PolicyErrors(this.#errors);
    return out;
  }

  #error(code: PolicyErrorCode, loc: SourceLocation, message: string): void {
    this.#errors.push(new PolicyError(code, message, loc.file, loc.line, loc.column));
  }

  #resolve(policy: Policy, scope: Scope): Merged {
    const done = this.#done.get(policy);
    if (done !== undefined) return done;
    this.#active.push(policy);
    const parents: Merged[] = [];
    for (const entry of policy.extends) {
      const found = this.#lookup(entry, scope);
      if (found === undefined) continue;
      const at = this.#active.indexOf(found.policy);
      if (at !== -1) {
        const cycle = [...this.#active.slice(at), found.policy].map((p) => q(p.name)).join(" -> ");
        this.#error("extends-cycle", entry.loc, `extends cycle: ${cycle}`);
        continue;
      }
      parents.push(this.#resolve(found.policy, found.scope));
    }
    this.#active.pop();
    const result = this.#merge(policy, parents);
    this.#done.set(policy, result);
    return result;
  }

  #lookup(
    entry: Policy["extends"][number],
    scope: Scope,
  ): { policy: Policy; scope: Scope } | undefined {
    if (entry.name.startsWith(BUILTIN)) {
      const name = entry.name.slice(BUILTIN.length);
      const found = builtin(name);
      if (found === undefined) {
        const known = Object.keys(BUILTIN_PROFILES).sort().map(q).join(", ");
        this.#error(
          "extends-unknown",
          entry.loc,
          `unknown builtin profile ${q(entry.name)} (known: ${known})`,
        );
        return undefined;
      }
      if (Array.isArray(found)) {
        this.#errors.push(...found);
        return undefined;
      }
      return found;
    }
    const policy = scope.byName.get(entry.name);
    if (policy === undefined) {
      this.#error(
        "extends-unknown",
        entry.loc,
        `unknown policy ${q(entry.name)} in extends (not in the policy set)`,
      );
      return undefined;
    }
    return { policy, scope };
  }

  #ownCapabilityRules(policy: Policy): Rule[] {
    const cached = this.#capabilityRules.get(policy);
    if (cached !== undefined) return cached;
    const rules: Rule[] = [];
    for (const kind of ["allow", "deny"] as const) {
      for (const { name, loc } of policy.capabilities[kind]) {
        const group = capabilityGroup(name);
        if (group === undefined) {
          this.#error("unknown-capability", loc, `unknown capability group ${q(name)}`);
          continue;
        }
        rules.push({
          id: `${policy.name}:cap:${kind}:${name}`,
          policy: policy.name,
          origin: "capability",
          syscalls: group.syscalls.map((syscall) => ({ kind: "name", name: syscall, loc })),
          action: kind,
          priority: 0,
          args: [],
          loc,
        });
      }
    }
    this.#capabilityRules.set(policy, rules);
    return rules;
  }

  #merge(policy: Policy, parents: readonly Merged[]): Merged {
    const seen = new Set<Rule>();
    const rules: Rule[] = [];
    const add = (rule: Rule) => {
      if (seen.has(rule)) return;
      seen.add(rule);
      rules.push(rule);
    };
    for (const parent of parents) parent.rules.forEach(add);
    this.#ownCapabilityRules(policy).forEach(add);
    policy.rules.forEach(add);

    const out: { -readonly [K in keyof Merged]: Merged[K] } = { rules };
    const defaultAction = inherit(
      policy.explicit.defaultAction ? policy.defaultAction : undefined,
      parents.map((p) => p.defaultAction),
    );
    if (defaultAction !== undefined) out.defaultAction = defaultAction;
    const defaultErrno = inherit(
      policy.explicit.defaultErrno ? policy.defaultErrno : undefined,
      parents.map((p) => p.defaultErrno),
    );
    if (defaultErrno !== undefined) out.defaultErrno = defaultErrno;
    const mode = inherit(
      policy.explicit.mode ? policy.mode : undefined,
      parents.map((p) => p.mode),
    );
    if (mode !== undefined) out.mode = mode;
    const sps = inherit(policy.limits?.syscallsPerSecond, parents.map((p) => p.syscallsPerSecond));
    if (sps !== undefined) out.syscallsPerSecond = sps;
    const filesystem = mergeFilesystem(policy.filesystem, parents.map((p) => p.filesystem));
    if (filesystem !== undefined) out.filesystem = filesystem;
    const network = mergeNetwork(policy.network, parents.map((p) => p.network));
    if (network !== undefined) out.network = network;
    const deno = mergeDeno(policy.deno, parents.map((p) => p.deno));
    if (deno !== undefined) out.deno = deno;
    const memory = inherit(policy.memory, parents.map((p) => p.memory));
    if (memory !== undefined) out.memory = memory;
    const own = policy.privileges;
    const privileges = mergePrivileges(own, parents.map((p) => p.privileges));
    if (privileges !== undefined) out.privileges = privileges;
    const user = inherit(own?.user, parents.map((p) => p.user));
    if (user !== undefined) out.user = user;
    const group = inherit(own?.group, parents.map((p) => p.group));
    if (group !== undefined) out.group = group;
    const signals = inherit(
      own !== undefined && policy.explicit.signals === true ? own.signals : undefined,
      parents.map((p) => p.signals),
    );
    if (signals !== undefined) out.signals = signals;
    return out;
  }
}

/** The policy's own value, else the nearest parent's (first in `extends` order on a tie). */
function inherit<T>(
  own: T | undefined,
  parents: readonly (Inherited<T> | undefined)[],
): Inherited<T> | undefined {
  if (own !== undefined) return { value: own, distance: 0 };
  let best: Inherited<T> | undefined;
  for (const p of parents) {
    if (p !== undefined && (best === undefined || p.distance + 1 < best.distance)) {
      best = { value: p.value, distance: p.distance + 1 };
    }
  }
  return best;
}

function union<T>(lists: readonly (readonly T[])[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const list of lists) {
    for (const item of list) {
      const k = key(item);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(item);
    }
  }
  return out;
}

function mergeFilesystem(
  own: FilesystemRules | undefined,
  parents: readonly (FilesystemRules | undefined)[],
): FilesystemRules | undefined {
  const all = [...parents, own].filter((f): f is FilesystemRules => f !== undefined);
  const first = own ?? all[0];
  if (first === undefined) return undefined;
  if (all.length === 1) return first;
  const same = (s: string) => s;
  const out: { -readonly [K in keyof FilesystemRules]: FilesystemRules[K] } = {
    read: union(all.map((f) => f.read), same),
    write: union(all.map((f) => f.write), same),
    execute: union(all.map((f) => f.execute), same),
    loc: first.loc,
  };
  const abis = all.flatMap((f) => f.minAbi ?? []);
  if (abis.length > 0) out.minAbi = Math.max(...abis);
  return out;
}

function mergeNetwork(
  own: NetworkRules | undefined,
  parents: readonly (NetworkRules | undefined)[],
): NetworkRules | undefined {
  const all = [...parents, own].filter((n): n is NetworkRules => n !== undefined);
  const first = own ?? all[0];
  if (first === undefined) return undefined;
  if (all.length === 1) return first;
  const text = (e: NetworkEndpoint) => e.text;
  const out: { -readonly [K in keyof NetworkRules]: NetworkRules[K] } = {
    connect: union(all.map((n) => n.connect), text),
    bind: union(all.map((n) => n.bind), text),
    loc: first.loc,
  };
  if (all.some((n) => n.unix !== undefined)) {
    const socket = (u: UnixSocketRule) => `${u.kind} ${u.name}`;
    out.unix = union(all.map((n) => n.unix ?? []), socket);
  }
  return out;
}

/**
 * Issue 15: `deno` rules of the parents then the policy's own (each once); `default` the
 * policy's when written, else the nearest parent's written one.
 */
function mergeDeno(
  own: DenoRules | undefined,
  parents: readonly (DenoRules | undefined)[],
): DenoRules | undefined {
  const all = [...parents, own].filter((d): d is DenoRules => d !== undefined);
  const first = own ?? all[0];
  if (first === undefined) return undefined;
  if (all.length === 1) return first;
  const decided = own?.defaultWritten ? own : parents.find((d) => d?.defaultWritten) ?? first;
  return {
    rules: [...new Set(all.flatMap((d) => d.rules))],
    default: decided.default,
    defaultLoc: decided.defaultLoc,
    defaultWritten: decided.defaultWritten,
    loc: first.loc,
  };
}

/**
 * Capabilities and devices of the policy and its parents (parents' first); the other fields of
 * the result are the first section's and are replaced by the caller.
 */
function mergePrivileges(
  own: Privileges | undefined,
  parents: readonly (Privileges | undefined)[],
): Privileges | undefined {
  const all = [...parents, own].filter((p): p is Privileges => p !== undefined);
  const first = own ?? all[0];
  if (first === undefined) return undefined;
  const name = (n: { readonly name: string }) => n.name;
  return {
    capabilities: union(all.map((p) => p.capabilities), name),
    devices: union(all.map((p) => p.devices), name),
    signals: first.signals,
    loc: first.loc,
  };
}
