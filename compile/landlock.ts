/**
 * The Landlock form of a policy's `filesystem` and `network` sections: which access rights the
 * ruleset handles at a given Landlock ABI, the path-beneath rules with the rights each of
 * `read`/`write`/`execute` implies, the TCP port rules, the scopes, and everything the ABI cannot
 * express, reported rather than dropped. Pure and deterministic; `backends/linux/landlock.ts`
 * applies the result, `cordon compile --emit landlock` shows it.
 *
 * ## What each path class grants (path-beneath: the directory and everything below it)
 * | class | rights | from ABI |
 * | --- | --- | --- |
 * | `read` | `READ_FILE`, `READ_DIR` | 1 |
 * | `write` | `WRITE_FILE`, `REMOVE_DIR`, `REMOVE_FILE`, `MAKE_CHAR`, `MAKE_DIR`, `MAKE_REG`, `MAKE_SOCK`, `MAKE_FIFO`, `MAKE_BLOCK`, `MAKE_SYM` | 1 |
 * | | `REFER` (rename and link across directories) | 2 |
 * | | `TRUNCATE` | 3 |
 * | | `IOCTL_DEV` (ioctl on character and block devices) | 5 |
 * | `execute` | `EXECUTE`, `READ_FILE` (the kernel opens what it executes for reading) | 1 |
 *
 * `write` does not imply `read`: list a directory in both for read-write. A rule on a file (not a
 * directory) can only carry file rights (`EXECUTE`, `WRITE_FILE`, `READ_FILE`, `TRUNCATE`,
 * `IOCTL_DEV`); the backend keeps only those when the path is not a directory. Rights add up
 * along the path (a rule cannot take away what a rule on a parent grants).
 *
 * Each class that lists at least one path is an allow-list: the ruleset handles the rights it
 * restricts ({@linkcode PATH_CLASS_HANDLED}: `read` → `READ_FILE`, `READ_DIR`; `write` → all of
 * its rights; `execute` → `EXECUTE`) and anything of those not granted by a rule is denied. A
 * class with no paths is not restricted (`filesystem: { execute: [/usr] }` only limits what can
 * be executed).
 *
 * ## Scopes (ABI 6)
 * Every ruleset `cordon run` applies scopes signals and abstract Unix sockets to the sandbox
 * (whatever the `filesystem` section says, and also without one): the command cannot signal, or
 * connect to an abstract socket of, a process outside its Landlock domain. {@linkcode runScopes}
 * says which scopes a layer gets: `SIGNAL` unless its `privileges.signals` is `any`,
 * `ABSTRACT_UNIX_SOCKET` unless some layer's `network.unix` lists an `@abstract` name (then cgroup
 * BPF decides abstract connections). A ruleset with scopes and no rights still creates a Landlock
 * domain, which also keeps `ptrace` and `/proc/PID/mem` away from processes outside it.
 *
 * ## Network
 * From ABI 4, Landlock restricts TCP `bind` and `connect` by port only. With a `network`
 * section, `BIND_TCP` and `CONNECT_TCP` are handled and each port of a TCP (or any-protocol)
 * endpoint gets a rule, unless an endpoint allows every port or the ports would take more than
 * {@linkcode MAX_LANDLOCK_PORT_RULES} rules: then that access is left to cgroup BPF and the
 * reason reported. Addresses and UDP are never Landlock's: they are reported as
 * `enforcedBy: "cgroup BPF"`.
 *
 * @module
 */

import type { FilesystemRules, NetworkRules, SourceLocation } from "../policies/types.ts";
import type { FilterLayer, FilterSet } from "./filter_set.ts";
import { stableJson } from "./stable_json.ts";

/** The newest Landlock ABI this compiler knows (Linux 6.15). */
export const LANDLOCK_ABI_LATEST = 7;

/**
 * The lowest ABI at which every right of the path classes above exists. A policy's filesystem
 * rules need it unless `filesystem.minAbi` accepts less.
 */
export const LANDLOCK_ABI_FULL_FILESYSTEM = 5;

/** `LANDLOCK_ACCESS_FS_*` (from `<linux/landlock.h>`), with the ABI that introduced each. */
export const LANDLOCK_ACCESS_FS = {
  EXECUTE: { bit: 1 << 0, abi: 1 },
  WRITE_FILE: { bit: 1 << 1, abi: 1 },
  READ_FILE: { bit: 1 << 2, abi: 1 },
  READ_DIR: { bit: 1 << 3, abi: 1 },
  REMOVE_DIR: { bit: 1 << 4, abi: 1 },
  REMOVE_FILE: { bit: 1 << 5, abi: 1 },
  MAKE_CHAR: { bit: 1 << 6, abi: 1 },
  MAKE_DIR: { bit: 1 << 7, abi: 1 },
  MAKE_REG: { bit: 1 << 8, abi: 1 },
  MAKE_SOCK: { bit: 1 << 9, abi: 1 },
  MAKE_FIFO: { bit: 1 << 10, abi: 1 },
  MAKE_BLOCK: { bit: 1 << 11, abi: 1 },
  MAKE_SYM: { bit: 1 << 12, abi: 1 },
  REFER: { bit: 1 << 13, abi: 2 },
  TRUNCATE: { bit: 1 << 14, abi: 3 },
  IOCTL_DEV: { bit: 1 << 15, abi: 5 },
} as const;

/** `LANDLOCK_ACCESS_NET_*`, from ABI 4. */
export const LANDLOCK_ACCESS_NET = {
  BIND_TCP: { bit: 1 << 0, abi: 4 },
  CONNECT_TCP: { bit: 1 << 1, abi: 4 },
} as const;

/** `LANDLOCK_SCOPE_*`, from ABI 6. */
export const LANDLOCK_SCOPE = {
  ABSTRACT_UNIX_SOCKET: { bit: 1 << 0, abi: 6 },
  SIGNAL: { bit: 1 << 1, abi: 6 },
} as const;

/** A filesystem right's name, such as `"READ_FILE"`. */
export type LandlockFsRight = keyof typeof LANDLOCK_ACCESS_FS;
/** A network right's name. */
export type LandlockNetRight = keyof typeof LANDLOCK_ACCESS_NET;
/** A scope's name. */
export type LandlockScope = keyof typeof LANDLOCK_SCOPE;

/** The path classes of `spec.filesystem`. */
export type PathClass = "read" | "write" | "execute";

/** The rights each path class implies (before they are cut to what an ABI knows). */
export const PATH_CLASS_RIGHTS: Readonly<Record<PathClass, readonly LandlockFsRight[]>> = {
  read: ["READ_FILE", "READ_DIR"],
  write: [
    "WRITE_FILE",
    "REMOVE_DIR",
    "REMOVE_FILE",
    "MAKE_CHAR",
    "MAKE_DIR",
    "MAKE_REG",
    "MAKE_SOCK",
    "MAKE_FIFO",
    "MAKE_BLOCK",
    "MAKE_SYM",
    "REFER",
    "TRUNCATE",
    "IOCTL_DEV",
  ],
  execute: ["EXECUTE", "READ_FILE"],
};

/**
 * The rights each path class restricts when it lists at least one path: a class with no paths
 * leaves its rights unrestricted (`filesystem: { execute: [/usr] }` limits what can be executed,
 * not what can be read).
 */
export const PATH_CLASS_HANDLED: Readonly<Record<PathClass, readonly LandlockFsRight[]>> = {
  read: ["READ_FILE", "READ_DIR"],
  write: PATH_CLASS_RIGHTS.write,
  execute: ["EXECUTE"],
};

/**
 * The classes of `filesystem` that list at least one path (and so are restricted).
 *
 * @example
 * ```ts
 * import { restrictedClasses } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * if (restrictedClasses({ read: [], write: [], execute: ["/usr"], loc }).join() !== "execute") throw new Error();
 * ```
 */
export function restrictedClasses(filesystem: FilesystemRules): PathClass[] {
  return (["read", "write", "execute"] as const).filter((c) => filesystem[c].length > 0);
}

/** The rights a rule on a non-directory may carry (the kernel rejects others with `EINVAL`). */
export const LANDLOCK_FILE_RIGHTS: readonly LandlockFsRight[] = [
  "EXECUTE",
  "WRITE_FILE",
  "READ_FILE",
  "TRUNCATE",
  "IOCTL_DEV",
];

/** At most this many TCP port rules; beyond it the access is left to cgroup BPF. */
export const MAX_LANDLOCK_PORT_RULES = 1024;

/** A path-beneath rule: `path` (normalised, absolute) and what is below it get `access`. */
export interface LandlockPathRule {
  /** The path, normalised. */
  readonly path: string;
  /** The allowed rights, as the kernel's bit mask. */
  readonly access: number;
  /** The same rights by name, in bit order. */
  readonly rights: readonly LandlockFsRight[];
  /** The classes that listed the path. */
  readonly classes: readonly PathClass[];
}

/** A TCP port rule. */
export interface LandlockPortRule {
  /** The TCP port. */
  readonly port: number;
  /** The allowed rights, as the kernel's bit mask. */
  readonly access: number;
  /** The same rights by name. */
  readonly rights: readonly LandlockNetRight[];
}

/** The scopes `cordon run` applies by default (every one Landlock has). */
export const DEFAULT_LANDLOCK_SCOPES: readonly LandlockScope[] = ["ABSTRACT_UNIX_SOCKET", "SIGNAL"];

/** Something of the policy this ruleset does not enforce, and why. */
export interface LandlockGap {
  /**
   * The policy section concerned (`scope`: the signal and abstract-socket scoping every run
   * applies, from `privileges.signals` and `network.unix`).
   */
  readonly section: "filesystem" | "network" | "scope";
  /** What is not enforced: rights by name, or an endpoint as written. */
  readonly subject: string;
  /** Why it is not enforced. */
  readonly reason: string;
  /** Who enforces it instead, or `null` when nothing does at this ABI. */
  readonly enforcedBy: "cgroup BPF" | null;
  /** The ABI that would enforce it, when a newer one would. */
  readonly neededAbi?: number;
  /** Where the section or endpoint is written. */
  readonly loc: SourceLocation;
}

/**
 * A compiled Landlock ruleset: plain JSON (no bigints), as `cordon compile --emit landlock`
 * prints it and as the launcher receives it.
 */
export interface LandlockRuleset {
  /** The ABI compiled for (0: Landlock unavailable; nothing is handled). */
  readonly abi: number;
  /** `landlock_ruleset_attr.handled_access_fs`. */
  readonly handledAccessFs: number;
  /** `landlock_ruleset_attr.handled_access_net`. */
  readonly handledAccessNet: number;
  /** `landlock_ruleset_attr.scoped`. */
  readonly scoped: number;
  /** The handled rights and scopes by name. */
  readonly handled: {
    readonly fs: readonly LandlockFsRight[];
    readonly net: readonly LandlockNetRight[];
    readonly scoped: readonly LandlockScope[];
  };
  /** Sorted by path; one rule per path. */
  readonly paths: readonly LandlockPathRule[];
  /** Sorted by port. */
  readonly ports: readonly LandlockPortRule[];
  /** What is not enforced by this ruleset. */
  readonly gaps: readonly LandlockGap[];
}

/**
 * Normalises an absolute path lexically: repeated and trailing slashes dropped, `.` removed,
 * `..` resolved (never above `/`). Symbolic links are not resolved (the kernel follows them when
 * the rule is added). Throws `TypeError` for a relative path or one containing a NUL.
 *
 * @example
 * ```ts
 * import { normalisePath } from "@cordon/cordon";
 * if (normalisePath("/usr//lib/./x/../") !== "/usr/lib") throw new Error();
 * if (normalisePath("/..") !== "/") throw new Error();
 * ```
 */
export function normalisePath(path: string): string {
  if (!path.startsWith("/")) throw new TypeError(`path is not absolute: "${path}"`);
  if (path.includes("\0")) throw new TypeError(`path contains a NUL: "${path}"`);
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return "/" + parts.join("/");
}

/**
 * Whether normalised `path` is `base` or below it (path-beneath).
 *
 * @example
 * ```ts
 * import { isBeneath } from "@cordon/cordon";
 * if (!isBeneath("/usr/lib", "/usr") || isBeneath("/usrx", "/usr") || !isBeneath("/a", "/")) throw new Error();
 * ```
 */
export function isBeneath(path: string, base: string): boolean {
  return path === base || base === "/" || path.startsWith(base + "/");
}

function rightsAt<T extends Record<string, { bit: number; abi: number }>>(
  table: T,
  abi: number,
): (keyof T & string)[] {
  return (Object.keys(table) as (keyof T & string)[]).filter((name) => table[name]!.abi <= abi);
}

function mask<T extends Record<string, { bit: number; abi: number }>>(
  table: T,
  names: readonly (keyof T)[],
): number {
  let bits = 0;
  for (const name of names) bits |= table[name]!.bit;
  return bits >>> 0;
}

function namesOf<T extends Record<string, { bit: number; abi: number }>>(
  table: T,
  bits: number,
): (keyof T & string)[] {
  return (Object.keys(table) as (keyof T & string)[]).filter((n) => (bits & table[n]!.bit) !== 0);
}

/**
 * The filesystem rights a ruleset handles at `abi` (all it knows), by name.
 *
 * @example
 * ```ts
 * import { landlockFsRightsAt } from "@cordon/cordon";
 * if (landlockFsRightsAt(1).includes("REFER") || !landlockFsRightsAt(2).includes("REFER")) throw new Error();
 * ```
 */
export function landlockFsRightsAt(abi: number): LandlockFsRight[] {
  return rightsAt(LANDLOCK_ACCESS_FS, abi);
}

/**
 * The rights `classes` imply at `abi`, as a bit mask.
 *
 * @example
 * ```ts
 * import { LANDLOCK_ACCESS_FS as A, pathClassAccess } from "@cordon/cordon";
 * if (pathClassAccess(["read"], 7) !== (A.READ_FILE.bit | A.READ_DIR.bit)) throw new Error();
 * if ((pathClassAccess(["write"], 2) & A.TRUNCATE.bit) !== 0) throw new Error("TRUNCATE is ABI 3");
 * ```
 */
export function pathClassAccess(classes: readonly PathClass[], abi: number): number {
  const known = new Set(landlockFsRightsAt(abi));
  return mask(
    LANDLOCK_ACCESS_FS,
    classes.flatMap((c) => PATH_CLASS_RIGHTS[c]).filter((r) => known.has(r)),
  );
}

/**
 * The lowest ABI `filesystem` accepts: its `minAbi`, else {@linkcode LANDLOCK_ABI_FULL_FILESYSTEM}
 * when it restricts writes (the rights of `write` are complete from that ABI), else 1.
 *
 * @example
 * ```ts
 * import { requiredLandlockAbi } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * if (requiredLandlockAbi({ read: [], write: [], execute: [], minAbi: 2, loc }) !== 2) throw new Error();
 * if (requiredLandlockAbi({ read: [], write: ["/tmp"], execute: [], loc }) !== 5) throw new Error();
 * ```
 */
export function requiredLandlockAbi(filesystem: FilesystemRules): number {
  if (filesystem.minAbi !== undefined) return filesystem.minAbi;
  return filesystem.write.length > 0 ? LANDLOCK_ABI_FULL_FILESYSTEM : 1;
}

function compilePaths(
  filesystem: FilesystemRules,
  abi: number,
  handled: number,
): LandlockPathRule[] {
  const classes = new Map<string, Set<PathClass>>();
  for (const cls of ["read", "write", "execute"] as const) {
    for (const raw of filesystem[cls]) {
      const path = normalisePath(raw);
      let set = classes.get(path);
      if (!set) classes.set(path, set = new Set());
      set.add(cls);
    }
  }
  return [...classes.keys()].sort().map((path) => {
    const list = (["read", "write", "execute"] as const).filter((c) => classes.get(path)!.has(c));
    const access = pathClassAccess(list, abi) & handled;
    return { path, access, rights: namesOf(LANDLOCK_ACCESS_FS, access), classes: list };
  });
}

function filesystemGaps(filesystem: FilesystemRules, abi: number): LandlockGap[] {
  const loc = filesystem.loc;
  const restricted = restrictedClasses(filesystem);
  if (restricted.length === 0) return [];
  if (abi < 1) {
    return [{
      section: "filesystem",
      subject: "all path rules",
      reason: "Landlock is not available",
      enforcedBy: null,
      neededAbi: 1,
      loc,
    }];
  }
  const gaps: LandlockGap[] = [];
  const missing = (right: LandlockFsRight, reason: string) => {
    const needed = LANDLOCK_ACCESS_FS[right].abi;
    if (abi < needed) {
      gaps.push({
        section: "filesystem",
        subject: right,
        reason,
        enforcedBy: null,
        neededAbi: needed,
        loc,
      });
    }
  };
  if (abi < LANDLOCK_ACCESS_FS.REFER.abi && filesystem.write.length > 0) {
    gaps.push({
      section: "filesystem",
      subject: "REFER",
      reason:
        "rename and link across directories are always denied below ABI 2 (stricter than written)",
      enforcedBy: null,
      neededAbi: LANDLOCK_ACCESS_FS.REFER.abi,
      loc,
    });
  }
  if (filesystem.write.length > 0) {
    missing("TRUNCATE", "truncate() of files outside write paths is not restricted");
    missing("IOCTL_DEV", "ioctl() on devices opened outside write paths is not restricted");
  }
  return gaps;
}

function scopeGaps(
  scopes: readonly LandlockScope[],
  abi: number,
  loc: SourceLocation,
): LandlockGap[] {
  const lost = scopes.filter((scope) => LANDLOCK_SCOPE[scope].abi > abi);
  if (lost.length === 0) return [];
  const what = lost.map((s) => s === "SIGNAL" ? "signals" : "abstract Unix sockets").join(" and ");
  return [{
    section: "scope",
    subject: lost.join(", "),
    reason:
      `${what} reach processes outside the sandbox (no scoping below ABI ${LANDLOCK_SCOPE.SIGNAL.abi})`,
    enforcedBy: null,
    neededAbi: Math.max(...lost.map((s) => LANDLOCK_SCOPE[s].abi)),
    loc,
  }];
}

/**
 * The scopes `cordon run` gives `layer` of `set`: `SIGNAL` unless the layer's
 * `privileges.signals` is `any`; `ABSTRACT_UNIX_SOCKET` unless some layer's `network.unix` lists
 * an abstract name (`@name`), in which case abstract connections are left to the cgroup BPF
 * allow-list of every layer. Stacked Landlock layers add up, so the strictest layer wins.
 *
 * @example
 * ```ts
 * import { runScopes } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const layer = { policy: "p", mode: "enforce", defaultAction: "allow", defaultErrno: 1, arches: [], loc } as const;
 * if (runScopes({ version: 1, layers: [layer] }, layer).join() !== "ABSTRACT_UNIX_SOCKET,SIGNAL") throw new Error();
 * ```
 */
export function runScopes(set: FilterSet, layer: FilterLayer): LandlockScope[] {
  const abstractAllowed = set.layers.some((l) =>
    (l.network?.unix ?? []).some((rule) => rule.kind === "abstract")
  );
  return DEFAULT_LANDLOCK_SCOPES.filter((scope) =>
    scope === "SIGNAL" ? layer.privileges?.signals !== "any" : !abstractAllowed
  );
}

interface NetCompiled {
  handled: LandlockNetRight[];
  ports: Map<number, number>;
  gaps: LandlockGap[];
}

function compileNetwork(network: NetworkRules, abi: number): NetCompiled {
  const out: NetCompiled = { handled: [], ports: new Map(), gaps: [] };
  const gap = (subject: string, reason: string, loc: SourceLocation, neededAbi?: number) =>
    out.gaps.push({
      section: "network",
      subject,
      reason,
      enforcedBy: "cgroup BPF",
      ...(neededAbi === undefined ? {} : { neededAbi }),
      loc,
    });
  const netAbi = LANDLOCK_ACCESS_NET.CONNECT_TCP.abi;
  if (abi < netAbi) {
    gap(
      "all endpoints",
      `Landlock restricts TCP ports from ABI ${netAbi} only`,
      network.loc,
      netAbi,
    );
    return out;
  }
  const kinds = [["connect", "CONNECT_TCP"], ["bind", "BIND_TCP"]] as const;
  for (const [op, right] of kinds) {
    const endpoints = network[op];
    const tcp = endpoints.filter((e) => e.protocol !== "udp");
    for (const e of endpoints) {
      if (e.protocol === "udp") gap(e.text, "Landlock restricts TCP only", e.loc);
      else if (e.address !== undefined) {
        gap(e.text, "Landlock restricts ports only; the address is held by cgroup BPF", e.loc);
      }
    }
    const open = tcp.find((e) => e.ports === undefined);
    const count = tcp.reduce((n, e) => n + (e.ports ? e.ports[1] - e.ports[0] + 1 : 0), 0);
    if (open) {
      gap(
        `${op} TCP`,
        `"${open.text}" allows every port, so Landlock does not restrict ${op}`,
        open.loc,
      );
      continue;
    }
    if (count > MAX_LANDLOCK_PORT_RULES) {
      gap(
        `${op} TCP`,
        `the ${op} port ranges need ${count} Landlock rules (more than ${MAX_LANDLOCK_PORT_RULES})`,
        network.loc,
      );
      continue;
    }
    // A UDP-only list still handles TCP: with no TCP rule, every TCP call of this kind is denied.
    out.handled.push(right);
    const bit = LANDLOCK_ACCESS_NET[right].bit;
    for (const e of tcp) {
      for (let port = e.ports![0]; port <= e.ports![1]; port++) {
        out.ports.set(port, (out.ports.get(port) ?? 0) | bit);
      }
    }
  }
  return out;
}

/**
 * Compiles one policy layer's `filesystem` and `network` sections into the Landlock ruleset for
 * `abi` (the kernel's, from `landlockAbiVersion()`, or any ABI for a review). Sections that are
 * absent are not handled (no restriction); what the ABI cannot express is in `gaps`.
 *
 * @param filesystem The layer's `spec.filesystem`, if any.
 * @param network The layer's `spec.network`, if any.
 * @param abi The Landlock ABI to compile for (0 when unavailable).
 * @param scopes The scopes to apply (cut to those the ABI has; the others are gaps). Default:
 *   every scope ({@linkcode DEFAULT_LANDLOCK_SCOPES}), as `cordon run` does unless the policy
 *   grants signals or abstract sockets ({@linkcode runScopes}).
 * @param scopeLoc Where a scope gap is reported; default the section's location.
 * @returns The ruleset, plain JSON.
 *
 * @example
 * ```ts
 * import { compileLandlock, LANDLOCK_ACCESS_FS as A } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const ruleset = compileLandlock(
 *   { read: ["/usr", "/etc"], write: ["/tmp/app/"], execute: ["/usr/bin"], loc },
 *   { connect: [{ text: "tcp/443", protocol: "tcp", ports: [443, 443], loc }], bind: [], loc },
 *   7,
 * );
 * const tmp = ruleset.paths.find((p) => p.path === "/tmp/app");
 * if (!tmp || (tmp.access & A.READ_FILE.bit) !== 0 || (tmp.access & A.MAKE_REG.bit) === 0) throw new Error();
 * if (ruleset.ports.length !== 1 || ruleset.ports[0]!.port !== 443) throw new Error();
 * ```
 */
export function compileLandlock(
  filesystem: FilesystemRules | undefined,
  network: NetworkRules | undefined,
  abi: number,
  scopes: readonly LandlockScope[] = DEFAULT_LANDLOCK_SCOPES,
  scopeLoc?: SourceLocation,
): LandlockRuleset {
  if (!Number.isInteger(abi) || abi < 0) throw new RangeError(`bad Landlock ABI "${abi}"`);
  const classes = filesystem && abi >= 1 ? restrictedClasses(filesystem) : [];
  const known = new Set(landlockFsRightsAt(abi));
  const fsRights = landlockFsRightsAt(abi).filter((r) =>
    classes.some((c) => PATH_CLASS_HANDLED[c].includes(r)) && known.has(r)
  );
  const handledAccessFs = mask(LANDLOCK_ACCESS_FS, fsRights);
  // Signals and abstract Unix sockets would reach outside the sandbox: scoped whenever asked.
  const knownScopes = new Set(rightsAt(LANDLOCK_SCOPE, abi));
  const scoped = (Object.keys(LANDLOCK_SCOPE) as LandlockScope[]).filter((s) =>
    scopes.includes(s) && knownScopes.has(s)
  );
  const paths = filesystem && classes.length > 0
    ? compilePaths(filesystem, abi, handledAccessFs)
    : [];
  const net = network ? compileNetwork(network, abi) : { handled: [], ports: new Map(), gaps: [] };
  const handledAccessNet = mask(LANDLOCK_ACCESS_NET, net.handled);
  const ports = [...net.ports.entries()].sort((a, b) => a[0] - b[0]).map(([port, access]) => ({
    port,
    access,
    rights: namesOf(LANDLOCK_ACCESS_NET, access),
  }));
  return {
    abi,
    handledAccessFs,
    handledAccessNet,
    scoped: mask(LANDLOCK_SCOPE, scoped),
    handled: {
      fs: fsRights,
      net: namesOf(LANDLOCK_ACCESS_NET, handledAccessNet),
      scoped,
    },
    paths,
    ports,
    gaps: [
      ...(filesystem ? filesystemGaps(filesystem, abi) : []),
      ...net.gaps,
      ...scopeGaps(scopes, abi, scopeLoc ?? filesystem?.loc ?? network?.loc ?? UNKNOWN_LOC),
    ],
  };
}

/**
 * Whether a ruleset restricts anything (an empty one is not applied).
 *
 * @example
 * ```ts
 * import { compileLandlock, isEmptyRuleset } from "@cordon/cordon";
 * if (!isEmptyRuleset(compileLandlock(undefined, undefined, 7, []))) throw new Error();
 * ```
 */
export function isEmptyRuleset(ruleset: LandlockRuleset): boolean {
  return ruleset.handledAccessFs === 0 && ruleset.handledAccessNet === 0 && ruleset.scoped === 0;
}

const UNKNOWN_LOC: SourceLocation = { file: "", line: 0, column: 0 };

/**
 * Whether `cordon run` applies `layer`'s `filesystem` and Landlock network rules: not for a
 * layer in `mode: audit`, whose rules are only reported (Landlock has no audit mode; the
 * layer's network rules are still audited by the cgroup programs).
 *
 * @param layer A layer of the run's filter set.
 * @returns `true` for an enforcing layer.
 *
 * @example
 * ```ts
 * import { appliesFilesystem } from "@cordon/cordon";
 * if (appliesFilesystem({ mode: "audit" })) throw new Error("audit layers only report");
 * if (!appliesFilesystem({ mode: "enforce" })) throw new Error();
 * ```
 */
export function appliesFilesystem(layer: Pick<FilterLayer, "mode">): boolean {
  return layer.mode !== "audit";
}

/**
 * The Landlock ruleset `cordon run` applies for `layer` of `set` at `abi`: its `filesystem` and
 * `network` rules (none for a layer in audit mode, {@linkcode appliesFilesystem}) and the scopes
 * of {@linkcode runScopes} (reported as gaps where the ABI lacks them, located at the layer's
 * `privileges` section, else its name).
 *
 * @example
 * ```ts
 * import { compileRunLandlock } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const layer = { policy: "p", mode: "enforce", defaultAction: "allow", defaultErrno: 1, arches: [], loc } as const;
 * if (compileRunLandlock({ version: 1, layers: [layer] }, layer, 7).scoped !== 3) throw new Error();
 * ```
 */
export function compileRunLandlock(
  set: FilterSet,
  layer: FilterLayer,
  abi: number,
): LandlockRuleset {
  const applied = appliesFilesystem(layer);
  return compileLandlock(
    applied ? layer.filesystem : undefined,
    applied ? layer.network : undefined,
    abi,
    runScopes(set, layer),
    layer.privileges?.loc ?? layer.loc,
  );
}

/**
 * `--emit landlock`: the ruleset `cordon run` applies for every layer of `set` (its
 * `filesystem` and `network` rules and its scopes, see {@linkcode compileRunLandlock}), compiled
 * for `abi` (default {@linkcode LANDLOCK_ABI_LATEST}), as deterministic JSON.
 *
 * @example
 * ```ts
 * import { emitLandlock } from "@cordon/cordon";
 * if (!emitLandlock({ version: 1, layers: [] }).includes('"cordon-landlock"')) throw new Error();
 * ```
 */
export function emitLandlock(set: FilterSet, abi: number = LANDLOCK_ABI_LATEST): string {
  const layers = set.layers.map((l) => ({
    policy: l.policy,
    ...(l.filesystem && appliesFilesystem(l)
      ? { requiredAbi: requiredLandlockAbi(l.filesystem) }
      : {}),
    ruleset: compileRunLandlock(set, l, abi),
  }));
  return stableJson({ format: "cordon-landlock", version: 1, abi, layers });
}
