/**
 * Network and path rules as data the kernel and the simulation both use:
 *
 * - {@linkcode netRuleTuples} / {@linkcode emitNetMaps} (`cordon compile --emit net-maps`): the
 *   allowed (protocol, address/prefix, port range) tuples of each layer for the cgroup programs
 *   of `bpf/cgroup_net.bpf.c` (`connect4/6` and `sendmsg4/6` for `connect`, `bind4/6` for
 *   `bind`), encoded exactly as `struct cordon_net_rule` (through `compile/bpf_maps.ts`'s
 *   `netRule`): addresses as 16 bytes, IPv4 as IPv4-mapped IPv6 (`::ffff:a.b.c.d`, prefix
 *   96 + n) so that IPv4 reaching `connect6` meets the same rules; no address is prefix 0; no
 *   port is the range 0–65535; protocol 0 is any.
 * - {@linkcode networkDecision}: what those programs decide for one operation, by the same
 *   matching (a `network` section restricts both `connect`/`sendmsg` and `bind` to its lists;
 *   an empty list allows none).
 * - {@linkcode pathDecision}: what Landlock decides for one path (path-beneath, on normalised
 *   paths; see `compile/landlock.ts` for the rights of each class).
 *
 * Pure and deterministic.
 *
 * @module
 */

import type {
  FilesystemRules,
  NetworkEndpoint,
  NetworkRules,
  SourceLocation,
} from "../policies/types.ts";
import type { FilterSet } from "./filter_set.ts";
import { netRule, parseAddress } from "./bpf_maps.ts";
import { stableJson } from "./stable_json.ts";
import { isBeneath, normalisePath, type PathClass } from "./landlock.ts";
import {
  CORDON_DEVCG,
  CORDON_DEVICE_ANY_MINOR,
  CORDON_GUARD,
  CORDON_GUARD_MAX,
  CORDON_NET,
  CORDON_NET_BANK,
  CORDON_NET_RULES_PER_BANK,
  CORDON_SOCK,
  CORDON_UNIX,
  encodeDeviceRule,
  encodeNetRule,
  encodeUnixRule,
} from "../bpf/structs.ts";
import type { FilterLayer } from "./filter_set.ts";
import { formatLocation } from "../policies/types.ts";

/** A network operation the cgroup programs decide. */
export type NetOp = "connect" | "bind" | "sendmsg";

/** The cgroup hooks that see a tuple. */
export type NetHook = "connect4" | "connect6" | "sendmsg4" | "sendmsg6" | "bind4" | "bind6";

/** One allowed tuple, as the cgroup programs hold it (`struct cordon_net_rule`), and its source. */
export interface NetRuleTuple {
  /** The list it came from. */
  readonly list: "connect" | "bind";
  /** The endpoint as written. */
  readonly text: string;
  /** `tcp`, `udp` or `any`, and the number the kernel compares (`IPPROTO_*`, 0 any). */
  readonly protocol: NetworkEndpoint["protocol"];
  /** The protocol number the kernel compares (`IPPROTO_*`; 0 any). */
  readonly protocolNumber: number;
  /** `ipv4` (matches IPv4 and IPv4-mapped IPv6), `ipv6`, or `any` (no address). */
  readonly family: "ipv4" | "ipv6" | "any";
  /** The address as written (canonical), or `null` for any address. */
  readonly address: string | null;
  /** `cordon_net_rule.addr` as 32 hex digits. */
  readonly addr: string;
  /** `cordon_net_rule.prefix_len` (0–128, over the 16-byte form). */
  readonly prefixLen: number;
  /** `cordon_net_rule.port_lo` (host byte order). */
  readonly portLo: number;
  /** `cordon_net_rule.port_hi`, inclusive. */
  readonly portHi: number;
  /** `cordon_net_rule.ops`. */
  readonly ops: number;
  /** The programs that consult it. */
  readonly hooks: readonly NetHook[];
  /** The whole `struct cordon_net_rule`, as hex (24 bytes). */
  readonly bytes: string;
  /** Where the endpoint is written. */
  readonly loc: SourceLocation;
}

/** One layer's network maps. */
export interface LayerNetMaps {
  /** The layer's policy name. */
  readonly policy: string;
  /** The layer's mode (`audit` sets the bank's audit flag). */
  readonly mode: "enforce" | "audit";
  /** `cordon_net_bank.flags`. */
  readonly flags: number;
  /** `flags` by name. */
  readonly flagNames: readonly string[];
  /** The tuples, in `net_rules` order. */
  readonly tuples: readonly NetRuleTuple[];
}

const HOOKS: Readonly<Record<"connect" | "bind", readonly NetHook[]>> = {
  connect: ["connect4", "connect6", "sendmsg4", "sendmsg6"],
  bind: ["bind4", "bind6"],
};

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function familyOf(endpoint: NetworkEndpoint): NetRuleTuple["family"] {
  if (endpoint.address === undefined) return "any";
  const host = endpoint.address.split("/")[0]!;
  const parsed = parseAddress(host);
  if (parsed?.v4) return "ipv4";
  // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) also matches IPv4 calls.
  const mapped = parsed && parsed.bytes.subarray(0, 12).every((b, i) => b === (i >= 10 ? 0xff : 0));
  return mapped ? "ipv4" : "ipv6";
}

function hooksFor(list: "connect" | "bind", family: NetRuleTuple["family"]): NetHook[] {
  return HOOKS[list].filter((h) => family !== "ipv6" || h.endsWith("6"));
}

/**
 * The allowed tuples of one `network` section: `connect` entries first, then `bind`, each in
 * written order (the order of the `net_rules` map). Throws `RangeError` for an address the
 * encoder cannot parse (the parser never produces one).
 *
 * @example
 * ```ts
 * import { netRuleTuples } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const [t] = netRuleTuples({
 *   connect: [{ text: "127.0.0.1:5432", protocol: "any", address: "127.0.0.1", ports: [5432, 5432], loc }],
 *   bind: [], loc,
 * });
 * if (t!.addr !== "00000000000000000000ffff7f000001" || t!.prefixLen !== 128) throw new Error(t!.addr);
 * ```
 */
export function netRuleTuples(network: NetworkRules): NetRuleTuple[] {
  const out: NetRuleTuple[] = [];
  for (const list of ["connect", "bind"] as const) {
    for (const endpoint of network[list]) {
      const value = netRule(endpoint, list === "connect" ? CORDON_NET.connect : CORDON_NET.bind);
      const family = familyOf(endpoint);
      out.push({
        list,
        text: endpoint.text,
        protocol: endpoint.protocol,
        protocolNumber: value.protocol,
        family,
        address: endpoint.address ?? null,
        addr: hex(value.addr),
        prefixLen: value.prefixLen,
        portLo: value.portLo,
        portHi: value.portHi,
        ops: value.ops,
        hooks: hooksFor(list, family),
        bytes: hex(encodeNetRule(value)),
        loc: endpoint.loc,
      });
    }
  }
  return out;
}

/**
 * The network maps of every layer of `set` that has a `network` section. Throws `RangeError`
 * when a layer has more tuples than a bank holds ({@linkcode CORDON_NET_RULES_PER_BANK}).
 *
 * @example
 * ```ts
 * import { layerNetMaps } from "@cordon/cordon";
 * if (layerNetMaps({ version: 1, layers: [] }).length !== 0) throw new Error();
 * ```
 */
export function layerNetMaps(set: FilterSet): LayerNetMaps[] {
  const out: LayerNetMaps[] = [];
  for (const layer of set.layers) {
    if (!layer.network) continue;
    const tuples = netRuleTuples(layer.network);
    if (tuples.length > CORDON_NET_RULES_PER_BANK) {
      throw new RangeError(
        `policy "${layer.policy}" has ${tuples.length} network rules; the cgroup programs hold at most ${CORDON_NET_RULES_PER_BANK}`,
      );
    }
    let flags = CORDON_NET_BANK.enforceConnect | CORDON_NET_BANK.enforceBind;
    if (layer.mode === "audit") flags |= CORDON_NET_BANK.audit;
    const flagNames = Object.entries(CORDON_NET_BANK).filter(([, bit]) => flags & bit)
      .map(([name]) => name);
    out.push({ policy: layer.policy, mode: layer.mode, flags, flagNames, tuples });
  }
  return out;
}

/**
 * `--emit net-maps`: {@linkcode layerNetMaps} as deterministic JSON.
 *
 * @example
 * ```ts
 * import { emitNetMaps } from "@cordon/cordon";
 * if (!emitNetMaps({ version: 1, layers: [] }).includes('"cordon-net-maps"')) throw new Error();
 * ```
 */
export function emitNetMaps(set: FilterSet): string {
  return stableJson({
    format: "cordon-net-maps",
    version: 1,
    rulesPerBank: CORDON_NET_RULES_PER_BANK,
    layers: layerNetMaps(set),
    guard: layerGuardMaps(set),
  });
}

// ---- the cgroup guard (bpf/cgroup_guard.bpf.c) --------------------------------------------

/**
 * One device the guard allows: a number (`c 1:3`, `b 8:*`) or a path resolved to its number by
 * the backend when `run` starts (`/dev/fuse`).
 */
export type DeviceAllowance =
  | {
    /** A device number. */
    readonly kind: "number";
    /** `char` or `block`. */
    readonly type: "char" | "block";
    /** The major number. */
    readonly major: number;
    /** The minor number, or `null` for any. */
    readonly minor: number | null;
    /** Where it comes from: `safe` (the set every run gets), `policy`, or `stdio`. */
    readonly source: "safe" | "policy" | "stdio";
    /** The text (`c 1:3`). */
    readonly text: string;
    /** `struct cordon_device_rule` as hex (16 bytes). */
    readonly bytes: string;
  }
  | {
    /** A path, resolved (with `stat`) when `run` starts. */
    readonly kind: "path";
    /** The device node's path. */
    readonly path: string;
    /** Always `policy`. */
    readonly source: "policy";
    /** The text as written. */
    readonly text: string;
    /** Where it is written. */
    readonly loc: SourceLocation;
  };

/** One Unix socket name the guard allows (`struct cordon_unix_rule`). */
export interface UnixAllowance {
  /** `path` (exact), `beneath` (a directory: paths beneath it) or `abstract`. */
  readonly kind: "path" | "beneath" | "abstract";
  /** The path (a directory ends with `/`) or the abstract name without `@`. */
  readonly name: string;
  /** `network.unix` or `filesystem.write` (the program's own sockets). */
  readonly source: "network.unix" | "filesystem.write";
  /** `struct cordon_unix_rule` as hex (112 bytes). */
  readonly bytes: string;
}

/** One layer's guard maps: what `cordon run` holds every process tree to. */
export interface LayerGuardMaps {
  /** The layer's policy name. */
  readonly policy: string;
  /** `cordon_guard_config.flags`. */
  readonly flags: number;
  /** `flags` by name. */
  readonly flagNames: readonly string[];
  /** `cordon_guard_config.sock_kinds`: the INET socket kinds allowed (with `sockKinds`). */
  readonly sockKinds: readonly ("tcp" | "udp")[];
  /** The devices allowed (paths still to resolve). */
  readonly devices: readonly DeviceAllowance[];
  /** The Unix socket names allowed. */
  readonly unix: readonly UnixAllowance[];
}

const SAFE_DEVICES: readonly [number, number | null, string][] = [
  [1, 3, "/dev/null"],
  [1, 5, "/dev/zero"],
  [1, 7, "/dev/full"],
  [1, 8, "/dev/random"],
  [1, 9, "/dev/urandom"],
  [5, 0, "/dev/tty"],
  [5, 2, "/dev/ptmx"],
  [136, null, "/dev/pts/*"],
];

const ALL_ACCESS = CORDON_DEVCG.mknod | CORDON_DEVCG.read | CORDON_DEVCG.write;

/**
 * A device allowance for a number, encoded as `struct cordon_device_rule` (all accesses:
 * mknod, read, write).
 *
 * @example
 * ```ts
 * import { deviceNumberAllowance } from "@cordon/cordon";
 * const d = deviceNumberAllowance("block", 8, null, "policy");
 * if (d.kind !== "number" || d.text !== "b 8:*") throw new Error(d.text);
 * ```
 */
export function deviceNumberAllowance(
  type: "char" | "block",
  major: number,
  minor: number | null,
  source: "safe" | "policy" | "stdio",
): DeviceAllowance & { kind: "number" } {
  const value = encodeDeviceRule({
    type: type === "char" ? CORDON_DEVCG.char : CORDON_DEVCG.block,
    major,
    minor: minor ?? CORDON_DEVICE_ANY_MINOR,
    access: ALL_ACCESS,
  });
  return {
    kind: "number",
    type,
    major,
    minor,
    source,
    text: `${type === "char" ? "c" : "b"} ${major}:${minor ?? "*"}`,
    bytes: hex(value),
  };
}

const DEVICE_NUMBER = /^([cb]) (\d+):(\d+|\*)$/;

function deviceAllowances(layer: FilterLayer): DeviceAllowance[] {
  const out: DeviceAllowance[] = SAFE_DEVICES.map(([major, minor]) =>
    deviceNumberAllowance("char", major, minor, "safe")
  );
  for (const device of layer.privileges?.devices ?? []) {
    const match = DEVICE_NUMBER.exec(device.name.trim());
    if (match) {
      const minor = match[3] === "*" ? null : Number(match[3]);
      out.push(
        deviceNumberAllowance(
          match[1] === "c" ? "char" : "block",
          Number(match[2]),
          minor,
          "policy",
        ),
      );
    } else if (device.name.startsWith("/")) {
      out.push({
        kind: "path",
        path: device.name,
        source: "policy",
        text: device.name,
        loc: device.loc,
      });
    } else {
      throw new RangeError(
        `${
          formatLocation(device.loc)
        }: bad device "${device.name}" (a path, "c MAJOR:MINOR" or "b MAJOR:*")`,
      );
    }
  }
  return out;
}

const encoder = new TextEncoder();

function unixAllowance(
  kind: UnixAllowance["kind"],
  name: string,
  source: UnixAllowance["source"],
): UnixAllowance | undefined {
  const bytes = encoder.encode(name);
  if (bytes.length > CORDON_GUARD_MAX.unixName) return undefined; // no socket address holds it
  const code = kind === "path"
    ? CORDON_UNIX.path
    : kind === "beneath"
    ? CORDON_UNIX.pathBeneath
    : CORDON_UNIX.abstract;
  return { kind, name, source, bytes: hex(encodeUnixRule({ kind: code, name: bytes })) };
}

/**
 * Issue 15: the guard entry allowing connects to the one pathname socket at absolute `path`
 * (for a socket the caller serves itself, such as `cordon deno`'s permission broker; see
 * `RunOptions.extraUnixSockets`). Throws `RangeError` for a path no socket address holds.
 *
 * @example
 * ```ts
 * import { unixSocketAllowance } from "@cordon/cordon";
 * if (unixSocketAllowance("/run/x.sock").kind !== "path") throw new Error();
 * ```
 */
export function unixSocketAllowance(path: string): UnixAllowance {
  const a = path.startsWith("/")
    ? unixAllowance("path", normalisePath(path), "network.unix")
    : undefined;
  if (a === undefined) throw new RangeError(`not a Unix socket path: "${path}"`);
  return a;
}

function unixAllowances(layer: FilterLayer): UnixAllowance[] {
  const out: UnixAllowance[] = [];
  for (const rule of layer.network?.unix ?? []) {
    const a = rule.kind === "abstract"
      ? unixAllowance("abstract", rule.name, "network.unix")
      : rule.text.endsWith("/") || rule.name.endsWith("/")
      ? unixAllowance("beneath", normalisePath(rule.name).replace(/\/?$/, "/"), "network.unix")
      : unixAllowance("path", normalisePath(rule.name), "network.unix");
    if (a) out.push(a);
  }
  for (const path of layer.filesystem?.write ?? []) {
    const a = unixAllowance(
      "beneath",
      normalisePath(path).replace(/\/?$/, "/"),
      "filesystem.write",
    );
    if (a) out.push(a);
  }
  if (out.length > CORDON_GUARD_MAX.unix) {
    throw new RangeError(
      `policy "${layer.policy}" allows ${out.length} Unix socket names (network.unix and filesystem.write); the guard holds at most ${CORDON_GUARD_MAX.unix}`,
    );
  }
  return out;
}

/** Whether the layer's bind rules allow a TCP listen on port 0 of the wildcard `address`. */
function autobindAllowed(network: NetworkRules, address: string): boolean {
  return networkDecision(network, { op: "bind", protocol: "tcp", address, port: 0 }).allowed;
}

/**
 * The guard maps of one layer (`bpf/cgroup_guard.bpf.c`), which `run` attaches for every layer:
 *
 * - devices: the safe character devices (`/dev/null`, `zero`, `full`, `random`, `urandom`,
 *   `tty`, `ptmx`, `pts/*`) and `privileges.devices`; nothing else, no block device.
 * - Unix sockets: `network.unix` and, as the program's own, sockets beneath `filesystem.write`
 *   paths; nothing else (socket pairs need no rule).
 * - with a `network` section: INET sockets only of the kinds its endpoints name (TCP for `tcp`,
 *   UDP for `udp`, both for `any`), no IP options or IPv6 routing headers, and `listen()` on an
 *   unbound TCP socket only when a `bind` rule allows port 0 of the wildcard address.
 * - `mode: audit`: denials counted, not applied.
 *
 * @example
 * ```ts
 * import { layerGuard } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const g = layerGuard({ policy: "p", mode: "enforce", defaultAction: "allow", defaultErrno: 1, arches: [], loc,
 *   network: { connect: [{ text: "tcp/443", protocol: "tcp", ports: [443, 443], loc }], bind: [], loc } });
 * if (g.sockKinds.join() !== "tcp" || !g.flagNames.includes("denyAutobind4")) throw new Error();
 * ```
 */
export function layerGuard(layer: FilterLayer): LayerGuardMaps {
  let flags = CORDON_GUARD.devices | CORDON_GUARD.unix;
  const sockKinds: ("tcp" | "udp")[] = [];
  const network = layer.network;
  if (network) {
    flags |= CORDON_GUARD.sockKinds | CORDON_GUARD.noIpOptions;
    const endpoints = [...network.connect, ...network.bind];
    if (endpoints.some((e) => e.protocol !== "udp")) sockKinds.push("tcp");
    if (endpoints.some((e) => e.protocol !== "tcp")) sockKinds.push("udp");
    if (!autobindAllowed(network, "0.0.0.0")) flags |= CORDON_GUARD.denyAutobind4;
    if (!autobindAllowed(network, "::")) flags |= CORDON_GUARD.denyAutobind6;
  }
  if (layer.mode === "audit") flags |= CORDON_GUARD.audit;
  const flagNames = Object.entries(CORDON_GUARD).filter(([, bit]) => flags & bit)
    .map(([name]) => name);
  return {
    policy: layer.policy,
    flags,
    flagNames,
    sockKinds,
    devices: deviceAllowances(layer),
    unix: unixAllowances(layer),
  };
}

/**
 * {@linkcode layerGuard} of every layer of `set` (`run` attaches one guard per layer).
 *
 * @example
 * ```ts
 * import { layerGuardMaps } from "@cordon/cordon";
 * if (layerGuardMaps({ version: 1, layers: [] }).length !== 0) throw new Error();
 * ```
 */
export function layerGuardMaps(set: FilterSet): LayerGuardMaps[] {
  return set.layers.map(layerGuard);
}

/** `cordon_guard_config.sock_kinds` of a layer's guard maps. */
export function sockKindBits(guard: LayerGuardMaps): number {
  return guard.sockKinds.reduce((bits, k) => bits | CORDON_SOCK[k], 0);
}

/** One operation for {@linkcode networkDecision}. */
export interface NetQuery {
  /** The operation (`sendmsg` is held to the `connect` list). */
  readonly op: NetOp;
  /** The socket's protocol. */
  readonly protocol: "tcp" | "udp";
  /** IPv4 or IPv6 text (`"127.0.0.1"`, `"::1"`, `"::ffff:10.0.0.1"`). */
  readonly address: string;
  /** The port (host byte order). */
  readonly port: number;
}

/** What a layer's `network` section decides for a {@linkcode NetQuery}. */
export interface NetDecision {
  /** Whether the operation is allowed. */
  readonly allowed: boolean;
  /** The first endpoint that allows it, when one does. */
  readonly endpoint?: NetworkEndpoint;
  /** Why, in one sentence. */
  readonly reason: string;
}

const PROTOCOL_NUMBERS = { tcp: 6, udp: 17 } as const;

function prefixMatch(rule: Uint8Array, addr: Uint8Array, prefix: number): boolean {
  for (let i = 0; i < 16; i++) {
    const bits = i * 8;
    if (prefix <= bits) return true;
    const mask = prefix >= bits + 8 ? 0xff : (0xff << (8 - (prefix - bits))) & 0xff;
    if ((rule[i]! ^ addr[i]!) & mask) return false;
  }
  return true;
}

/**
 * What the cgroup programs decide for `query` under `network` (one layer's section): the same
 * matching as `bpf/cgroup_net.bpf.c`. No section allows everything. Throws `RangeError` for an
 * address that is not IPv4 or IPv6, or a port outside 0–65535.
 *
 * @example
 * ```ts
 * import { networkDecision } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const rules = {
 *   connect: [{ text: "127.0.0.1:8080", protocol: "any" as const, address: "127.0.0.1", ports: [8080, 8080] as const, loc }],
 *   bind: [], loc,
 * };
 * if (!networkDecision(rules, { op: "connect", protocol: "tcp", address: "::ffff:127.0.0.1", port: 8080 }).allowed) throw new Error();
 * if (networkDecision(rules, { op: "connect", protocol: "tcp", address: "127.0.0.1", port: 8081 }).allowed) throw new Error();
 * ```
 */
export function networkDecision(
  network: NetworkRules | undefined,
  query: NetQuery,
): NetDecision {
  const parsed = parseAddress(query.address);
  if (!parsed) throw new RangeError(`not an IP address: "${query.address}"`);
  if (!Number.isInteger(query.port) || query.port < 0 || query.port > 65535) {
    throw new RangeError(`bad port ${query.port}`);
  }
  if (!network) return { allowed: true, reason: "the policy has no network section" };
  const list = query.op === "bind" ? "bind" : "connect";
  const protocol = PROTOCOL_NUMBERS[query.protocol];
  for (const endpoint of network[list]) {
    const rule = netRule(endpoint, 0);
    if (rule.protocol !== 0 && rule.protocol !== protocol) continue;
    if (query.port < rule.portLo || query.port > rule.portHi) continue;
    if (!prefixMatch(rule.addr, parsed.bytes, rule.prefixLen)) continue;
    return { allowed: true, endpoint, reason: `allowed by ${list} "${endpoint.text}"` };
  }
  const where = parsed.v4 ? query.address : `[${query.address}]`;
  return {
    allowed: false,
    reason: `no ${list} rule allows ${query.protocol}/${where}:${query.port}`,
  };
}

/**
 * The kind of access {@linkcode pathDecision} decides: `read` a file, `list` a directory (open it
 * for reading), `write` (write, truncate, create or remove in), `execute`.
 */
export type PathAccess = "read" | "list" | "write" | "execute";

/** What a layer's `filesystem` section decides for one path. */
export interface PathDecision {
  /** Whether the access is allowed. */
  readonly allowed: boolean;
  /** The rule that allows it: its class and path as written. */
  readonly rule?: { readonly class: PathClass; readonly path: string };
  /** Why, in one sentence. */
  readonly reason: string;
}

/** The classes whose rights include each access (`execute` grants `READ_FILE`). */
const GRANTING: Readonly<Record<PathAccess, readonly PathClass[]>> = {
  read: ["read", "execute"],
  list: ["read"],
  write: ["write"],
  execute: ["execute"],
};

/** The class whose paths restrict each access (a class with no paths restricts nothing). */
const RESTRICTING: Readonly<Record<PathAccess, PathClass>> = {
  read: "read",
  list: "read",
  write: "write",
  execute: "execute",
};

/**
 * What Landlock decides for `access` to absolute `path` under `filesystem` (one layer's
 * section): allowed when the normalised path is at or beneath a path of a class that grants the
 * access, or when the class that restricts the access lists no paths (Landlock then does not
 * handle its rights: `filesystem: { execute: [/usr] }` restricts neither reading nor writing).
 * `read` means reading a file, `list` opening a directory (only a `read` rule grants it; an
 * `execute` rule lets files be read, not listed). Paths are compared lexically: symbolic links
 * are not resolved (the kernel resolves the rules' paths when they are added). No section allows
 * everything.
 *
 * @example
 * ```ts
 * import { pathDecision } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const fs = { read: ["/usr"], write: ["/tmp/app"], execute: ["/usr/bin"], loc };
 * if (!pathDecision(fs, "/usr/lib/../share/x", "read").allowed) throw new Error();
 * if (pathDecision(fs, "/tmp/application", "write").allowed) throw new Error();
 * if (pathDecision(fs, "/usr/lib/x", "execute").allowed) throw new Error();
 * if (!pathDecision({ ...fs, write: [] }, "/etc/x", "write").allowed) throw new Error("unrestricted");
 * ```
 */
export function pathDecision(
  filesystem: FilesystemRules | undefined,
  path: string,
  access: PathAccess,
): PathDecision {
  const target = normalisePath(path);
  if (!filesystem) return { allowed: true, reason: "the policy has no filesystem section" };
  const restricting = RESTRICTING[access];
  if (filesystem[restricting].length === 0) {
    return {
      allowed: true,
      reason: `filesystem.${restricting} lists no paths, so ${access} is not restricted`,
    };
  }
  for (const cls of GRANTING[access]) {
    for (const written of filesystem[cls]) {
      if (isBeneath(target, normalisePath(written))) {
        return {
          allowed: true,
          rule: { class: cls, path: written },
          reason: `allowed by filesystem.${cls} "${written}"`,
        };
      }
    }
  }
  return {
    allowed: false,
    reason: `no filesystem.${GRANTING[access].join(" or filesystem.")} rule covers "${target}"`,
  };
}
