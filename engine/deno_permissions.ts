/**
 * What Cordon answers Deno's permission broker (issue 15): a pure function of the resolved
 * policies and one permission check. Used by {@linkcode PermissionBroker} (`cordon deno`) and by
 * `check`'s lint.
 *
 * For each layer (one resolved policy):
 *
 * 1. the `deno.rules` whose permission is the check's and whose `values` match it: the highest
 *    `priority` wins, at equal priority the stricter action (`deny`, then `log`, then `allow`),
 *    then the first written;
 * 2. when no rule matches, the kernel sections: `read`/`write` checks follow `filesystem` (the
 *    Landlock semantics of `pathDecision`: a `filesystem.read` path is a read grant, a path
 *    outside the listed ones a deny), `net`/`import` checks follow `network.connect` and `bind`
 *    (an IP address as `networkDecision` matches it; a host name only endpoints without an
 *    address); a section that lists nothing for the access decides nothing;
 * 3. then `deno.default` (`deny` unless written; a policy without a `deno` section denies).
 *
 * Across layers the strictest answer wins (every policy must grant). Every decision carries the
 * deciding rule's `FILE:LINE:COL` in its `reason`, which Deno shows in its `NotCapable` error.
 *
 * @module
 */

import {
  DENO_PERMISSIONS,
  type DenoPermission,
  type DenoRule,
  formatLocation,
  type ResolvedPolicy,
  type SourceLocation,
} from "../policies/types.ts";
import { networkDecision, pathDecision } from "../compile/net_rules.ts";

import type { DenoPermissionCheck } from "../policies/types.ts";
export type { DenoPermissionCheck };

/** What decided a {@linkcode DenoPermissionDecision}. */
export type DenoDecisionSource =
  | "deno.rules"
  | "filesystem"
  | "network"
  | "deno.default"
  | "no-deno-section"
  | "unknown-permission"
  | "no-policy";

/** Cordon's answer to one check. */
export interface DenoPermissionDecision {
  /** What Deno is told: `log` decisions are allowed. */
  readonly result: "allow" | "deny";
  /** The deciding action (`log`: allowed and reported). */
  readonly action: "allow" | "deny" | "log";
  /** The deciding layer's policy, or `null` when no policy decided (no layers, unknown kind). */
  readonly policy: string | null;
  /** The deciding `deno.rules` id, or `null` when a kernel section or a default decided. */
  readonly ruleId: string | null;
  /** What decided. */
  readonly source: DenoDecisionSource;
  /** Where the deciding rule (or section, or default) is written. */
  readonly loc: SourceLocation | null;
  /** One sentence ending with the deciding rule's `FILE:LINE:COL` (what `NotCapable` shows). */
  readonly reason: string;
}

const ACTION_RANK = { allow: 0, log: 1, deny: 2 } as const;

/**
 * Whether `name` is one of the eight permission kinds.
 *
 * @example
 * ```ts
 * import { isDenoPermission } from "@cordon/cordon";
 * if (!isDenoPermission("ffi") || isDenoPermission("hrtime")) throw new Error();
 * ```
 */
export function isDenoPermission(name: string): name is DenoPermission {
  return (DENO_PERMISSIONS as readonly string[]).includes(name);
}

function normalise(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

function beneath(path: string, base: string): boolean {
  return path === base || base === "/" || path.startsWith(`${base}/`);
}

/** `host:port` (or `[v6]:port`, or a bare host) split; `port` `undefined` when absent. */
function splitHostPort(text: string): { host: string; port: number | undefined } {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracket) {
    return { host: bracket[1]!, port: bracket[2] === undefined ? undefined : Number(bracket[2]) };
  }
  const colon = text.lastIndexOf(":");
  if (colon > 0 && text.indexOf(":") === colon && /^\d+$/.test(text.slice(colon + 1))) {
    return { host: text.slice(0, colon), port: Number(text.slice(colon + 1)) };
  }
  return { host: text, port: undefined };
}

function valueMatches(kind: DenoPermission, pattern: string, value: string): boolean {
  switch (kind) {
    case "read":
    case "write":
    case "ffi":
    case "run":
      if (pattern.startsWith("/")) {
        return value.startsWith("/") && beneath(normalise(value), pattern);
      }
      return pattern === value;
    case "net":
    case "import": {
      const want = splitHostPort(pattern.replace(/:\*$/, ""));
      const got = splitHostPort(value);
      const hostOk = want.host === "*" || want.host.toLowerCase() === got.host.toLowerCase();
      return hostOk && (want.port === undefined || want.port === got.port);
    }
    case "env":
    case "sys":
      return pattern.endsWith("*") ? value.startsWith(pattern.slice(0, -1)) : pattern === value;
  }
}

/** Whether `rule` answers `check` (its kind and one of its values, or no values). */
function denoRuleMatches(
  rule: DenoRule,
  kind: DenoPermission,
  value: string | null,
): boolean {
  if (rule.permission !== kind) return false;
  if (rule.values === undefined) return true;
  if (value === null) return false;
  return rule.values.some((pattern) => valueMatches(kind, pattern, value));
}

function describe(kind: string, value: string | null): string {
  return value === null ? `${kind} (all)` : `${kind} ${JSON.stringify(value)}`;
}

function decision(
  action: "allow" | "deny" | "log",
  policy: string | null,
  ruleId: string | null,
  source: DenoDecisionSource,
  loc: SourceLocation | null,
  why: string,
): DenoPermissionDecision {
  return {
    result: action === "deny" ? "deny" : "allow",
    action,
    policy,
    ruleId,
    source,
    loc,
    reason: loc === null ? `cordon: ${why}` : `cordon: ${why} at ${formatLocation(loc)}`,
  };
}

function kernelSection(
  layer: ResolvedPolicy,
  kind: DenoPermission,
  value: string | null,
): DenoPermissionDecision | undefined {
  if (value === null) return undefined;
  const what = describe(kind, value);
  if ((kind === "read" || kind === "write") && layer.filesystem && value.startsWith("/")) {
    const d = pathDecision(layer.filesystem, value, kind);
    if (d.rule === undefined && d.allowed) return undefined; // the section restricts nothing here
    return decision(
      d.allowed ? "allow" : "deny",
      layer.name,
      null,
      "filesystem",
      layer.filesystem.loc,
      `${
        d.allowed ? "allowed" : "denied"
      } ${what}: ${d.reason} (policy "${layer.name}" filesystem)`,
    );
  }
  if ((kind === "net" || kind === "import") && layer.network) {
    const network = layer.network;
    const { host, port } = splitHostPort(value);
    if (port === undefined) return undefined;
    const ip = /^[0-9.]+$/.test(host) || host.includes(":");
    if (network.connect.length === 0 && network.bind.length === 0) {
      return decision(
        "deny",
        layer.name,
        null,
        "network",
        network.loc,
        `denied ${what}: the network section allows no endpoint (policy "${layer.name}")`,
      );
    }
    if (ip) {
      for (const op of ["connect", "bind"] as const) {
        let d;
        try {
          d = networkDecision(network, { op, protocol: "tcp", address: host, port });
        } catch {
          break; // not an address after all: decided as a name below
        }
        if (d.allowed) {
          return decision(
            "allow",
            layer.name,
            null,
            "network",
            d.endpoint?.loc ?? network.loc,
            `allowed ${what}: ${d.reason} (policy "${layer.name}" network)`,
          );
        }
      }
    } else {
      const endpoint = network.connect.find((e) =>
        e.address === undefined && e.protocol !== "udp" &&
        (e.ports === undefined || (port >= e.ports[0] && port <= e.ports[1]))
      );
      if (endpoint) {
        return decision(
          "allow",
          layer.name,
          null,
          "network",
          endpoint.loc,
          `allowed ${what}: network.connect "${endpoint.text}" allows port ${port} of any address (policy "${layer.name}")`,
        );
      }
    }
    return decision(
      "deny",
      layer.name,
      null,
      "network",
      network.loc,
      `denied ${what}: no network.connect or bind endpoint of policy "${layer.name}" allows it`,
    );
  }
  return undefined;
}

/** What one layer answers. */
function decideDenoLayer(
  layer: ResolvedPolicy,
  check: DenoPermissionCheck,
): DenoPermissionDecision {
  const kind = check.permission;
  if (!isDenoPermission(kind)) {
    return decision(
      "deny",
      null,
      null,
      "unknown-permission",
      null,
      `unknown permission kind ${JSON.stringify(kind)}`,
    );
  }
  const value = check.value;
  const what = describe(kind, value);
  let best: DenoRule | undefined;
  for (const rule of layer.deno?.rules ?? []) {
    if (!denoRuleMatches(rule, kind, value)) continue;
    if (
      best === undefined || rule.priority > best.priority ||
      (rule.priority === best.priority && ACTION_RANK[rule.action] > ACTION_RANK[best.action])
    ) best = rule;
  }
  if (best !== undefined) {
    const verb = best.action === "deny"
      ? "denied"
      : best.action === "log"
      ? "allowed (logged)"
      : "allowed";
    return decision(
      best.action,
      layer.name,
      best.id,
      "deno.rules",
      best.loc,
      `${verb} ${what} by rule "${best.id}" of policy "${layer.name}"`,
    );
  }
  const kernel = kernelSection(layer, kind, value);
  if (kernel !== undefined) return kernel;
  if (layer.deno === undefined) {
    return decision(
      "deny",
      layer.name,
      null,
      "no-deno-section",
      layer.loc,
      `denied ${what}: policy "${layer.name}" has no deno section and no filesystem or network rule grants it`,
    );
  }
  const d = layer.deno.default;
  return decision(
    d,
    layer.name,
    null,
    "deno.default",
    layer.deno.defaultLoc,
    `${
      d === "deny" ? "denied" : "allowed"
    } ${what}: no rule of policy "${layer.name}" matches, deno.default is ${d}`,
  );
}

/**
 * Decides one Deno permission check under `layers` (resolved policies): each layer's answer
 * (rules, then kernel sections, then default), the strictest across layers (the first layer
 * among equals). No layers, or an unknown permission kind: deny (fail closed).
 *
 * @param layers The resolved policies (`resolvePolicies`), each an independent layer.
 * @param check The permission and value Deno asks about.
 * @returns The answer, with the deciding rule's location in `reason`.
 *
 * @example
 * ```ts
 * import { decideDenoPermission } from "@cordon/cordon";
 * import { parsePolicies } from "@cordon/cordon";
 * import { resolvePolicies } from "@cordon/cordon";
 * const yaml = `apiVersion: cordon/v1
 * kind: Policy
 * metadata: { name: app }
 * spec:
 *   defaultAction: allow
 *   filesystem: { read: [/srv/data] }
 *   deno:
 *     rules:
 *       - { permission: env, values: [HOME], action: allow }
 * `;
 * const layers = resolvePolicies(parsePolicies(yaml, "app.yaml"));
 * const read = decideDenoPermission(layers, { permission: "read", value: "/srv/data/a.csv" });
 * if (read.result !== "allow" || !read.reason.endsWith("app.yaml:6:3")) throw new Error(read.reason);
 * const env = decideDenoPermission(layers, { permission: "env", value: "PATH" });
 * if (env.result !== "deny") throw new Error(env.reason);
 * ```
 */
export function decideDenoPermission(
  layers: readonly ResolvedPolicy[],
  check: DenoPermissionCheck,
): DenoPermissionDecision {
  if (!isDenoPermission(check.permission)) {
    const kind = JSON.stringify(check.permission);
    return decision(
      "deny",
      null,
      null,
      "unknown-permission",
      null,
      `unknown permission kind ${kind}`,
    );
  }
  let out: DenoPermissionDecision | undefined;
  for (const layer of layers) {
    const d = decideDenoLayer(layer, check);
    if (out === undefined || ACTION_RANK[d.action] > ACTION_RANK[out.action]) out = d;
  }
  return out ??
    decision(
      "deny",
      null,
      null,
      "no-policy",
      null,
      `denied ${describe(check.permission, check.value)}: no policy`,
    );
}
