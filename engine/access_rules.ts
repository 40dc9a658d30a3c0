/**
 * Path and address decisions for the simulation backend and dry runs: what the kernel
 * mechanisms `cordon run` applies (see `docs/enforcement.md`) would decide for a file or network
 * operation, through the same functions the compiler uses ({@linkcode pathDecision},
 * {@linkcode networkDecision} and the Landlock ruleset of {@linkcode compileLandlock}).
 *
 * What each operation is checked for (Landlock's rights, at the newest ABI):
 * | operation | check |
 * | --- | --- |
 * | open for reading (`O_RDONLY`, `O_RDWR`) | `read` of the file; `list` with `O_DIRECTORY` |
 * | open for writing (`O_WRONLY`, `O_RDWR`, `O_TRUNC`, `O_CREAT` without `O_EXCL`), `creat`, `truncate` | `write` of the file |
 * | create (`O_CREAT\|O_EXCL`, `mkdir`, `mknod`, `symlink`, `link`), remove (`unlink`, `rmdir`), `rename` | `write` of the parent directory (of both paths for `rename`) |
 * | `execve`, `execveat` | `execute` of the file |
 * | `O_PATH` opens, `stat`, `access`, `chmod`, `chown` | none (Landlock does not restrict them) |
 *
 * `O_CREAT` without `O_EXCL` is checked as a write of the file: whether the file already existed
 * (only then is creating it not needed) is not in a trace. Paths are compared lexically with the
 * rules as written ({@linkcode pathDecision}); when the real location of a file is known too
 * ({@linkcode PathCheck.resolved}), the access is allowed when either is.
 *
 * Denials: Landlock paths → `EACCES`; Landlock TCP port rules (checked first, where the layer's
 * TCP ports fit in Landlock rules) → `EACCES`; cgroup BPF `connect`/`sendmsg`/`bind` → `EPERM`.
 * Across layers, every layer must allow (Landlock domains and cgroup programs stack); a denial by
 * an `enforce` layer is reported before one by an `audit` layer.
 *
 * @module
 */

import type { Mode, SourceLocation } from "../policies/types.ts";
import type { FilterLayer, FilterSet } from "../compile/filter_set.ts";
import {
  type NetOp,
  networkDecision,
  type PathAccess,
  type PathDecision,
  pathDecision,
} from "../compile/net_rules.ts";
import { compileLandlock, LANDLOCK_ABI_LATEST, normalisePath } from "../compile/landlock.ts";
import type { FileOp } from "./events.ts";

/** The kernel mechanism that decides an access. */
export type AccessMechanism = "landlock" | "cgroup-bpf";

/** `EACCES`: what Landlock returns. */
export const EACCES = 13;
/** `EPERM`: what the cgroup BPF network programs return. */
export const EPERM = 1;

/** One path to check, absolute, and the access needed. */
export interface PathCheck {
  /** The absolute path checked (the parent directory for creations and removals). */
  readonly path: string;
  /** The access needed. */
  readonly access: PathAccess;
  /**
   * The same path with symbolic links resolved, when known (strace `-y` shows it for opened
   * files): the check passes when either is allowed. Landlock decides on the file's real
   * location and resolves the rules' paths when they are added, so a lexical comparison alone
   * would deny `/lib/x` under a `/usr/lib` rule on a merged-`/usr` system.
   */
  readonly resolved?: string;
}

/** A network operation to check. */
export interface NetCheck {
  /** `connect`, `bind`, or `sendmsg` (an unconnected UDP send, held to the `connect` list). */
  readonly op: NetOp;
  /** The socket's protocol. */
  readonly protocol: "tcp" | "udp";
  /** IPv4 or IPv6 text. */
  readonly address: string;
  /** The port (host byte order). */
  readonly port: number;
}

/** A denial of a path or network access by one layer. */
export interface AccessDenial {
  /** The mechanism that denies it. */
  readonly mechanism: AccessMechanism;
  /** The errno the call would fail with. */
  readonly errno: number;
  /** The deciding layer's index in {@linkcode FilterSet.layers}. */
  readonly layer: number;
  /** The deciding layer's policy name. */
  readonly policy: string;
  /** The policy section that decides: `filesystem.write`, `network.connect`, … */
  readonly section: string;
  /** `<policy>:<section>`, in the place of a rule id. */
  readonly ruleId: string;
  /** Where the section is written. */
  readonly loc: SourceLocation;
  /** `audit`: the layer only reports. */
  readonly mode: Mode;
  /** What was denied: the path checked, or `tcp/1.2.3.4:443`. */
  readonly subject: string;
  /** The access (paths) or operation (network) denied. */
  readonly access: PathAccess | NetOp;
  /** Why, in one sentence. */
  readonly reason: string;
  /** Identifies the layer, section, mechanism and mode (the same string for the same four). */
  readonly key: string;
}

// Linux's O_* values (the same on x86 and the generic ABI that aarch64 uses); all in the low
// 32 bits, which is what the kernel reads of `flags`.
const O_ACCMODE = 3;
const O_WRONLY = 1;
const O_RDWR = 2;
const O_CREAT = 0o100;
const O_EXCL = 0o200;
const O_TRUNC = 0o1000;
const O_DIRECTORY = 0o200000;
const O_PATH = 0o10000000;

/** `creat()`'s flags. */
export const CREAT_FLAGS: bigint = BigInt(O_CREAT | O_WRONLY | O_TRUNC);

/**
 * The parent directory of an absolute path (`/` for `/`).
 *
 * @example
 * ```ts
 * import { parentOf } from "./access_rules.ts";
 * if (parentOf("/tmp/a/") !== "/tmp" || parentOf("/a") !== "/" || parentOf("/") !== "/") throw new Error();
 * ```
 */
export function parentOf(path: string): string {
  const p = normalisePath(path);
  const slash = p.lastIndexOf("/");
  return slash <= 0 ? "/" : p.slice(0, slash);
}

/**
 * `path` made absolute against `base` (a directory), normalised; `undefined` when `path` is
 * relative and `base` unknown. Throws `TypeError` for a path containing a NUL.
 *
 * @example
 * ```ts
 * import { resolvePath } from "./access_rules.ts";
 * if (resolvePath("../b", "/tmp/a") !== "/tmp/b" || resolvePath("x", undefined) !== undefined) throw new Error();
 * ```
 */
export function resolvePath(path: string, base: string | undefined): string | undefined {
  if (path.startsWith("/")) {
    // Already normal (the common case): no `//`, `.` or `..` part, no trailing slash.
    const normal = !path.includes("//") && !path.includes("/.") &&
      (path.length === 1 || !path.endsWith("/")) && !path.includes("\0");
    return normal ? path : normalisePath(path);
  }
  if (base === undefined || !base.startsWith("/")) return undefined;
  return normalisePath(`${base}/${path}`);
}

/**
 * The checks of an `open` of absolute `path` with `flags`.
 *
 * @example
 * ```ts
 * import { openChecks } from "./access_rules.ts";
 * const c = openChecks("/tmp/x", 0o1102n); // O_RDWR|O_CREAT|O_TRUNC
 * if (c.map((x) => x.access).join() !== "read,write") throw new Error(JSON.stringify(c));
 * if (openChecks("/tmp/d", 0o200000n)[0]!.access !== "list") throw new Error();
 * ```
 */
export function openChecks(path: string, flags: bigint | number, resolved?: string): PathCheck[] {
  flags = typeof flags === "bigint" ? Number(BigInt.asUintN(32, flags)) : flags >>> 0;
  if (flags & O_PATH) return [];
  const mode = flags & O_ACCMODE;
  const out: PathCheck[] = [];
  const also = resolved === undefined ? {} : { resolved };
  if (mode !== O_WRONLY) out.push({ path, access: flags & O_DIRECTORY ? "list" : "read", ...also });
  if ((flags & O_CREAT) && (flags & O_EXCL)) {
    // A new file: made in the parent (which also covers writing the new file beneath it).
    out.push({
      path: parentOf(path),
      access: "write",
      ...(resolved === undefined ? {} : { resolved: parentOf(resolved) }),
    });
  } else if (mode === O_WRONLY || mode === O_RDWR || (flags & (O_TRUNC | O_CREAT))) {
    out.push({ path, access: "write", ...also });
  }
  return out;
}

/** The file operations that create or remove a directory entry (checked on the parent). */
const ENTRY_OPS: ReadonlySet<FileOp> = new Set(["unlink", "rmdir", "mkdir", "link", "symlink"]);

/**
 * The checks of a file event's operation (`path` and `target` absolute). For `link` and
 * `symlink`, `path` is the new name.
 *
 * @example
 * ```ts
 * import { fileOpChecks } from "./access_rules.ts";
 * const c = fileOpChecks("rename", "/a/x", { target: "/b/y" });
 * if (c.map((x) => x.path).join() !== "/a,/b") throw new Error();
 * if (fileOpChecks("stat", "/etc/x").length !== 0) throw new Error();
 * ```
 */
export function fileOpChecks(
  op: FileOp,
  path: string,
  details: { readonly flags?: number | bigint; readonly target?: string } = {},
): PathCheck[] {
  switch (op) {
    case "open":
      return openChecks(path, details.flags ?? 0);
    case "create":
      return openChecks(path, details.flags ?? CREAT_FLAGS);
    case "truncate":
      return [{ path, access: "write" }];
    case "exec":
      return [{ path, access: "execute" }];
    case "rename": {
      const out: PathCheck[] = [{ path: parentOf(path), access: "write" }];
      if (details.target !== undefined) {
        out.push({ path: parentOf(details.target), access: "write" });
      }
      return out;
    }
    default:
      return ENTRY_OPS.has(op) ? [{ path: parentOf(path), access: "write" }] : [];
  }
}

interface LayerRules {
  readonly index: number;
  readonly layer: FilterLayer;
  /** TCP ports Landlock allows per operation, when Landlock handles it for this layer. */
  readonly landlockConnect: ReadonlySet<number> | undefined;
  readonly landlockBind: ReadonlySet<number> | undefined;
}

const CACHE_LIMIT = 16_384;

/**
 * A copy of `text` that shares no memory with the string it was cut from: V8 keeps a whole
 * parent string (a chunk of a trace) alive for any slice of it, so what a cache keeps is copied.
 *
 * @example
 * ```ts
 * import { ownString } from "./access_rules.ts";
 * if (ownString("/etc/hosts".slice(4)) !== "/hosts") throw new Error();
 * ```
 */
export function ownString(text: string): string {
  return JSON.parse(JSON.stringify(text));
}
const ACCESS_INDEX: Readonly<Record<PathAccess, number>> = {
  read: 0,
  list: 1,
  write: 2,
  execute: 3,
};

/**
 * The path and network rules of a filter set, ready to decide accesses for a process given the
 * layers that apply to it. Decisions of paths are cached (bounded).
 *
 * @example
 * ```ts
 * import { AccessRules } from "./access_rules.ts";
 * import { compilePolicies } from "../compile/compile.ts";
 * const loc = { file: "p.yaml", line: 3, column: 5 };
 * const set = compilePolicies([{
 *   name: "p", defaultAction: "allow", defaultErrno: 1, mode: "enforce", loc, rules: [],
 *   filesystem: { read: ["/usr"], write: ["/tmp/app"], execute: [], loc },
 * }], { arches: ["x86_64"] });
 * const rules = AccessRules.of(set)!;
 * const denial = rules.decidePaths([0], [{ path: "/etc/passwd", access: "write" }]);
 * if (denial?.mechanism !== "landlock" || denial.errno !== 13 || denial.section !== "filesystem.write") throw new Error();
 * if (rules.decidePaths([0], [{ path: "/tmp/app/x", access: "write" }]) !== undefined) throw new Error();
 * ```
 */
export class AccessRules {
  readonly #layers: readonly (LayerRules | undefined)[];
  /** Denials (`null`: allowed) by layer and access (`index * 4 + ACCESS_INDEX[access]`), then path. */
  readonly #cache: Map<string, AccessDenial | null>[] = [];
  #cached = 0;
  /** Interned {@linkcode AccessDenial.key} strings. */
  readonly #keys = new Map<string, string>();
  /** Whether some layer has a `filesystem` section. */
  readonly hasFilesystem: boolean;
  /** Whether some layer has a `network` section. */
  readonly hasNetwork: boolean;

  /**
   * The rules of `set`, or `undefined` when no layer has a `filesystem` or `network` section.
   *
   * @param set the compiled policies
   * @returns the rules, or `undefined`
   */
  static of(set: FilterSet): AccessRules | undefined {
    return set.layers.some((l) => l.filesystem !== undefined || l.network !== undefined)
      ? new AccessRules(set)
      : undefined;
  }

  /**
   * Prepares the rules of `set`.
   *
   * @param set the compiled policies
   */
  constructor(set: FilterSet) {
    this.#layers = set.layers.map((layer, index) => {
      if (layer.filesystem === undefined && layer.network === undefined) return undefined;
      let landlockConnect: Set<number> | undefined;
      let landlockBind: Set<number> | undefined;
      if (layer.network !== undefined) {
        const ruleset = compileLandlock(undefined, layer.network, LANDLOCK_ABI_LATEST);
        if (ruleset.handled.net.includes("CONNECT_TCP")) {
          landlockConnect = new Set(
            ruleset.ports.filter((p) => p.rights.includes("CONNECT_TCP")).map((p) => p.port),
          );
        }
        if (ruleset.handled.net.includes("BIND_TCP")) {
          landlockBind = new Set(
            ruleset.ports.filter((p) => p.rights.includes("BIND_TCP")).map((p) => p.port),
          );
        }
      }
      return { index, layer, landlockConnect, landlockBind };
    });
    this.hasFilesystem = set.layers.some((l) => l.filesystem !== undefined);
    this.hasNetwork = set.layers.some((l) => l.network !== undefined);
  }

  #key(layer: number, section: string, mechanism: AccessMechanism, mode: Mode): string {
    const key = `${layer}\0${section}\0${mechanism}\0${mode}`;
    let interned = this.#keys.get(key);
    if (interned === undefined) this.#keys.set(key, interned = key);
    return interned;
  }

  /** The layer's denial of `access` to `path`, or `null` (cached: the same object each time). */
  #path(rules: LayerRules, path: string, access: PathAccess): AccessDenial | null {
    const slot = rules.index * 4 + ACCESS_INDEX[access];
    let byPath = this.#cache[slot];
    if (byPath === undefined) this.#cache[slot] = byPath = new Map();
    let denial = byPath.get(path);
    if (denial === undefined) {
      const own = ownString(path);
      denial = this.#pathDenial(
        rules,
        own,
        access,
        pathDecision(rules.layer.filesystem, own, access),
      );
      if (this.#cached >= CACHE_LIMIT) {
        for (const m of this.#cache) m?.clear();
        this.#cached = 0;
      }
      byPath.set(own, denial);
      this.#cached++;
    }
    return denial;
  }

  #pathDenial(
    rules: LayerRules,
    path: string,
    access: PathAccess,
    decision: PathDecision,
  ): AccessDenial | null {
    if (decision.allowed) return null;
    const layer = rules.layer;
    const section = `filesystem.${access === "list" ? "read" : access}`;
    return {
      mechanism: "landlock",
      errno: EACCES,
      layer: rules.index,
      policy: layer.policy,
      section,
      ruleId: `${layer.policy}:${section}`,
      loc: layer.filesystem!.loc,
      mode: layer.mode,
      subject: path,
      access,
      reason: decision.reason,
      key: this.#key(rules.index, section, "landlock", layer.mode),
    };
  }

  /**
   * The denial of the first of `checks` that a layer of `layers` denies (an `enforce` layer's
   * before an `audit` layer's), or `undefined` when all are allowed.
   *
   * @param layers indexes of the layers that apply to the process
   * @param checks the paths and accesses to check
   */
  decidePaths(layers: readonly number[], checks: readonly PathCheck[]): AccessDenial | undefined {
    let audited: AccessDenial | undefined;
    for (const check of checks) {
      for (const index of layers) {
        const rules = this.#layers[index];
        if (rules?.layer.filesystem === undefined) continue;
        const denial = this.#path(rules, check.path, check.access);
        if (denial === null) continue;
        if (
          check.resolved !== undefined && check.resolved !== check.path &&
          this.#path(rules, check.resolved, check.access) === null
        ) continue;
        if (denial.mode === "enforce") return denial;
        audited ??= denial;
      }
    }
    return audited;
  }

  /**
   * The denial of a network operation by a layer of `layers`, or `undefined` when all allow it:
   * Landlock's TCP port rules first (`EACCES`), then the cgroup programs (`EPERM`). Throws
   * `RangeError` for an address that is not IPv4 or IPv6 or a port outside 0–65535.
   *
   * @param layers indexes of the layers that apply to the process
   * @param check the operation
   */
  decideNetwork(layers: readonly number[], check: NetCheck): AccessDenial | undefined {
    let audited: AccessDenial | undefined;
    const list = check.op === "bind" ? "bind" : "connect";
    const where = check.address.includes(":") ? `[${check.address}]` : check.address;
    const subject = `${check.protocol}/${where}:${check.port}`;
    const deny = (
      rules: LayerRules,
      mechanism: AccessMechanism,
      reason: string,
    ): AccessDenial => {
      const layer = rules.layer;
      return {
        mechanism,
        errno: mechanism === "landlock" ? EACCES : EPERM,
        layer: rules.index,
        policy: layer.policy,
        section: `network.${list}`,
        ruleId: `${layer.policy}:network.${list}`,
        loc: layer.network!.loc,
        mode: layer.mode,
        // Copies: the address may be cut from a trace's chunk (network calls are few).
        subject: ownString(subject),
        access: check.op,
        reason: ownString(reason),
        key: this.#key(rules.index, `network.${list}`, mechanism, layer.mode),
      };
    };
    // Landlock (an LSM hook, before the cgroup programs) holds TCP connect and bind by port.
    if (check.protocol === "tcp" && check.op !== "sendmsg") {
      for (const index of layers) {
        const rules = this.#layers[index];
        const ports = list === "bind" ? rules?.landlockBind : rules?.landlockConnect;
        if (rules === undefined || ports === undefined || ports.has(check.port)) continue;
        const denial = deny(
          rules,
          "landlock",
          `no ${list} rule allows TCP port ${check.port} (Landlock port rule)`,
        );
        if (rules.layer.mode === "enforce") return denial;
        audited ??= denial;
      }
    }
    for (const index of layers) {
      const rules = this.#layers[index];
      if (rules?.layer.network === undefined) continue;
      const decision = networkDecision(rules.layer.network, check);
      if (decision.allowed) continue;
      const denial = deny(rules, "cgroup-bpf", decision.reason);
      if (rules.layer.mode === "enforce") return denial;
      audited ??= denial;
    }
    return audited;
  }
}
