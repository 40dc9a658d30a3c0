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
 * | open for writing (`O_WRONLY`, `O_RDWR`, `O_TRUNC`, `O_CREAT` without `O_EXCL`), `creat`, `truncate` | `write` of the file (its content) |
 * | create (`O_CREAT\|O_EXCL`, `mkdir`, `mknod`, `symlink`, `link`), remove (`unlink`, `rmdir`), `rename` | `write` of the parent directory (of both paths for `rename`; its entries) |
 * | `execve`, `execveat` | `execute` of the file |
 * | `chmod`, `chown`, `utimes`, `setxattr`, `removexattr` | `write` of the file's metadata: not restricted by Landlock, only by the read-only view |
 * | `O_PATH` opens, `stat`, `access` | none |
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
 * The view ({@linkcode AccessView}): `cordon run` started as root gives the command a read-only
 * view of the filesystem (`backends/linux/process_confinement.ts`): only the paths beneath a
 * `filesystem.write` path of every layer that lists any stay writable (the intersection of the
 * lists; nothing when no layer lists one; everything when it is `/`; a layer in `audit` mode
 * counts as writing `/`, `compile/run_view.ts`). In the `root` view a write
 * of content, entries or metadata outside them fails with `EROFS` (mechanism `read-only-view`),
 * before Landlock decides anything of the call (the mount check comes first); a rename between
 * two of its mounts (each write path is bound as a mount of its own) fails with `EXDEV`. Cordon's
 * own files, which `run` also binds read-only, are not modelled. The view is one
 * for the whole run: it does not depend on which layers target the process, and its denials are
 * `enforce`. Opening a device
 * node for writing is not a write of the filesystem (the kernel exempts devices, pipes and
 * sockets from the read-only check): paths beneath `/dev` (but `/dev/shm`, `/dev/mqueue`,
 * `/dev/hugepages`) and descriptor paths (`/proc/self/fd/N`, `/dev/stdout`) whose real file the
 * trace does not show are taken for such. In the `user` view (a run by another user, which builds
 * no view, and the simulation backend, whose processes are not root), only Landlock decides.
 *
 * @module
 */

import type { Arch, Mode, SourceLocation } from "../policies/types.ts";
import { resolveConstant } from "../policies/constants.ts";
import type { FilterLayer, FilterSet } from "../compile/filter_set.ts";
import {
  type NetOp,
  networkDecision,
  type PathAccess,
  type PathDecision,
  pathDecision,
} from "../compile/net_rules.ts";
import {
  compileLandlock,
  isBeneath,
  LANDLOCK_ABI_LATEST,
  normalisePath,
} from "../compile/landlock.ts";
import { runView, runWriteList } from "../compile/run_view.ts";
import type { FileOp } from "./events.ts";

/** The kernel mechanism that decides an access (in either view). */
export type AccessMechanism = "landlock" | "cgroup-bpf";

/** The mechanism of the `root` view's denials: the read-only mounts of `cordon run`. */
export type ViewMechanism = "read-only-view";

/**
 * Which process the decisions are for: `root`, a `cordon run` started as root, which sees a
 * read-only filesystem outside the write paths (writes fail with `EROFS` before Landlock
 * decides); `user`, a run by another user (no view is built) or a simulated process: Landlock
 * and cgroup BPF only.
 */
export type AccessView = "root" | "user";

/** Options of {@linkcode AccessRules}. */
export interface AccessRulesOptions {
  /** The view (default `user`: Landlock and cgroup BPF only). */
  readonly view?: AccessView;
}

/** `EACCES`: what Landlock returns. */
export const EACCES = 13;
/** `EPERM`: what the cgroup BPF network programs return. */
export const EPERM = 1;
/** `EROFS`: what a write on the read-only view returns. */
export const EROFS = 30;
/** `EXDEV`: what a rename between two mounts of the read-only view returns. */
export const EXDEV = 18;

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
  /**
   * For `write`: what is changed (default `content`): the file's content (an open for writing,
   * `truncate`), the entries of the directory `path` (creations, removals, renames) or the
   * file's metadata (`chmod`, `chown`, `utimes`, `setxattr`; Landlock does not restrict them,
   * the read-only view does).
   */
  readonly change?: "content" | "entries" | "metadata";
  /**
   * Set on both checks of a `rename` (the two parent directories): in the `root` view they must
   * lie on one mount, and each write path is bound as a mount of its own (else `EXDEV`).
   */
  readonly rename?: true;
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

/**
 * A denial by the `root` view's read-only mounts (`EROFS`, section `filesystem.write`): located
 * at the filesystem section of the layer whose write paths do not cover the path, or, when no
 * layer lists write paths, at the first layer's filesystem section (or its policy's location).
 * Always `enforce`: the view is built whatever the layers' modes.
 */
export interface ViewDenial extends Omit<AccessDenial, "mechanism" | "access"> {
  /** `read-only-view`. */
  readonly mechanism: ViewMechanism;
  /** `write`. */
  readonly access: "write";
}

/** The O_* values `openChecks` reads, for one architecture (aarch64's O_DIRECTORY, for one,
 * is not x86's), from the generated constants. */
interface OpenFlags {
  readonly accmode: number;
  readonly wronly: number;
  readonly rdwr: number;
  readonly creat: number;
  readonly excl: number;
  readonly trunc: number;
  readonly directory: number;
  readonly path: number;
}

const OPEN_FLAGS = new Map<Arch, OpenFlags>();

function openFlags(arch: Arch): OpenFlags {
  let flags = OPEN_FLAGS.get(arch);
  if (flags === undefined) {
    const v = (name: string) => {
      const value = resolveConstant(name, arch);
      if (value === undefined) throw new RangeError(`no ${name} for ${arch}`);
      return Number(value);
    };
    flags = {
      accmode: v("O_ACCMODE"),
      wronly: v("O_WRONLY"),
      rdwr: v("O_RDWR"),
      creat: v("O_CREAT"),
      excl: v("O_EXCL"),
      trunc: v("O_TRUNC"),
      directory: v("O_DIRECTORY"),
      path: v("O_PATH"),
    };
    OPEN_FLAGS.set(arch, flags);
  }
  return flags;
}

/** `creat()`'s flags. */
export const CREAT_FLAGS: bigint = BigInt(
  openFlags("x86_64").creat | openFlags("x86_64").wronly | openFlags("x86_64").trunc,
);

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
 * // aarch64's O_DIRECTORY is 0o40000 (x86's O_DIRECT)
 * if (openChecks("/tmp/d", 0o40000n, undefined, "aarch64")[0]!.access !== "list") throw new Error();
 * if (openChecks("/tmp/d", 0o40000n)[0]!.access !== "read") throw new Error();
 * ```
 */
export function openChecks(
  path: string,
  flags: bigint | number,
  resolved?: string,
  arch: Arch = "x86_64",
): PathCheck[] {
  const O = openFlags(arch);
  flags = typeof flags === "bigint" ? Number(BigInt.asUintN(32, flags)) : flags >>> 0;
  if (flags & O.path) return [];
  const mode = flags & O.accmode;
  const out: PathCheck[] = [];
  const also = resolved === undefined ? {} : { resolved };
  if (mode !== O.wronly) out.push({ path, access: flags & O.directory ? "list" : "read", ...also });
  if ((flags & O.creat) && (flags & O.excl)) {
    // A new file: made in the parent (which also covers writing the new file beneath it).
    out.push({
      path: parentOf(path),
      access: "write",
      ...(resolved === undefined ? {} : { resolved: parentOf(resolved) }),
      change: "entries",
    });
  } else if (mode === O.wronly || mode === O.rdwr || (flags & (O.trunc | O.creat))) {
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
 * if (fileOpChecks("chmod", "/etc/x")[0]?.change !== "metadata") throw new Error();
 * ```
 */
export function fileOpChecks(
  op: FileOp,
  path: string,
  details: {
    readonly flags?: number | bigint;
    readonly target?: string;
    /** The architecture of the call that passed `flags` (default x86_64). */
    readonly arch?: Arch;
  } = {},
): PathCheck[] {
  switch (op) {
    case "open":
      return openChecks(path, details.flags ?? 0, undefined, details.arch);
    case "create":
      return openChecks(path, details.flags ?? CREAT_FLAGS, undefined, details.arch);
    case "truncate":
      return [{ path, access: "write" }];
    case "exec":
      return [{ path, access: "execute" }];
    case "rename": {
      if (details.target === undefined) {
        return [{ path: parentOf(path), access: "write", change: "entries" }];
      }
      return [
        { path: parentOf(path), access: "write", change: "entries", rename: true },
        { path: parentOf(details.target), access: "write", change: "entries", rename: true },
      ];
    }
    case "chmod":
    case "chown":
      return [{ path, access: "write", change: "metadata" }];
    default:
      return ENTRY_OPS.has(op)
        ? [{ path: parentOf(path), access: "write", change: "entries" }]
        : [];
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

/** Mounts beneath `/dev` that hold ordinary files (tmpfs, mqueue, hugetlbfs), not device nodes. */
const DEV_FILE_MOUNTS: readonly string[] = ["/dev/shm", "/dev/mqueue", "/dev/hugepages"];

/** `/proc/PID/fd/N`, `/proc/self/fd/N`, `/proc/PID/task/TID/fd/N`: a descriptor's file. */
const PROC_FD = /^\/proc\/(?:\d+|self|thread-self)(?:\/task\/\d+)?\/fd\/\d+$/;
/** `/dev/fd/N`, `/dev/stdin`, `/dev/stdout`, `/dev/stderr`: links to `/proc/self/fd/N`. */
const DEV_FD = /^\/dev\/(?:fd\/\d+|stdin|stdout|stderr)$/;

/**
 * Whether `path` names an open descriptor's file (`/proc/self/fd/1`, `/dev/fd/3`,
 * `/dev/stdout`): opening it opens that file again, whatever it is (a pipe, a socket, a file).
 *
 * @example
 * ```ts
 * import { isDescriptorPath } from "./access_rules.ts";
 * if (!isDescriptorPath("/proc/self/fd/1") || !isDescriptorPath("/dev/stderr")) throw new Error();
 * if (isDescriptorPath("/proc/self/fdinfo/1") || isDescriptorPath("/dev/null")) throw new Error();
 * ```
 */
export function isDescriptorPath(path: string): boolean {
  return (path.startsWith("/proc/") && PROC_FD.test(path)) || DEV_FD.test(path);
}

/**
 * The mounts the read-only view binds back read-write (as `planProcessConfinement` plans them,
 * but for the paths that do not exist, which `run` refuses): every write path of the
 * intersection, and the `execute` paths beneath one that is not executable itself (bound again
 * without `noexec`). Empty when the host stays writable.
 */
function viewMounts(set: FilterSet): string[] {
  const { writable, executable, hostWritable } = runView(set);
  if (hostWritable) return [];
  const mounts: string[] = [];
  for (const path of writable) {
    mounts.push(path);
    if (executable.some((e) => isBeneath(path, e))) continue;
    for (const e of executable) if (e !== path && isBeneath(e, path)) mounts.push(e);
  }
  return mounts;
}

/**
 * Whether opening `path` for writing is taken for opening a device node, pipe or socket, which
 * the read-only view does not stop: beneath `/dev` (devtmpfs, devpts) but the mounts of ordinary
 * files there, or a descriptor's file (`/proc/self/fd/1`), most often a pipe or a terminal.
 *
 * @example
 * ```ts
 * import { isSpecialFilePath } from "./access_rules.ts";
 * if (!isSpecialFilePath("/dev/null") || !isSpecialFilePath("/proc/self/fd/1")) throw new Error();
 * if (isSpecialFilePath("/dev/shm/x") || isSpecialFilePath("/dev") || isSpecialFilePath("/etc/x")) throw new Error();
 * ```
 */
export function isSpecialFilePath(path: string): boolean {
  if (path.startsWith("/dev/")) return !DEV_FILE_MOUNTS.some((m) => isBeneath(path, m));
  return isDescriptorPath(path);
}

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
 * import { compilePolicies } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 3, column: 5 };
 * const set = compilePolicies([{
 *   name: "p", defaultAction: "allow", defaultErrno: 1, mode: "enforce", loc, rules: [],
 *   filesystem: { read: ["/usr"], write: ["/tmp/app"], execute: [], loc },
 * }], { arches: ["x86_64"] });
 * const rules = AccessRules.of(set)!;
 * const denial = rules.decidePaths([0], [{ path: "/etc/passwd", access: "write" }]);
 * if (denial?.mechanism !== "landlock" || denial.errno !== 13 || denial.section !== "filesystem.write") throw new Error();
 * if (rules.decidePaths([0], [{ path: "/tmp/app/x", access: "write" }]) !== undefined) throw new Error();
 * // Started as root, `cordon run` mounts everything else read-only: EROFS before Landlock.
 * const root = AccessRules.of(set, { view: "root" })!;
 * const erofs = root.decideAccess([0], [{ path: "/etc/passwd", access: "write" }]);
 * if (erofs?.mechanism !== "read-only-view" || erofs.errno !== 30) throw new Error();
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
  /** The view the decisions are for. */
  readonly view: AccessView;
  /** Whether file accesses are decided: some layer has a `filesystem` section, or the `root` view. */
  readonly decidesPaths: boolean;
  readonly #set: FilterSet;
  /** The layers that list write paths (the view's writable paths are beneath one of each). */
  readonly #writeLayers: readonly number[];
  /** The read-write mounts of the `root` view (see {@linkcode viewMounts}). */
  readonly #mounts: readonly string[];
  /** Whether the view leaves the host writable (every layer that lists write paths lists `/`). */
  readonly #hostWritable: boolean;
  /** The `root` view's denials (`null`: writable) by path. */
  readonly #viewCache = new Map<string, ViewDenial | null>();

  /**
   * The rules of `set`, or `undefined` when nothing would be decided: in the `user` view when no
   * layer has a `filesystem` or `network` section, in the `root` view when `set` has no layer.
   *
   * @param set the compiled policies
   * @param options the view (default `user`)
   * @returns the rules, or `undefined`
   */
  static of(set: FilterSet, options: AccessRulesOptions = {}): AccessRules | undefined {
    if (options.view === "root") {
      return set.layers.length > 0 ? new AccessRules(set, options) : undefined;
    }
    return set.layers.some((l) => l.filesystem !== undefined || l.network !== undefined)
      ? new AccessRules(set, options)
      : undefined;
  }

  /**
   * Prepares the rules of `set`.
   *
   * @param set the compiled policies
   * @param options the view (default `user`)
   */
  constructor(set: FilterSet, options: AccessRulesOptions = {}) {
    this.view = options.view ?? "user";
    this.#set = set;
    const view = runView(set);
    this.#writeLayers = view.writeLayers;
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
    this.decidesPaths = this.hasFilesystem || (this.view === "root" && set.layers.length > 0);
    this.#mounts = viewMounts(set);
    this.#hostWritable = view.hostWritable;
  }

  #key(
    layer: number,
    section: string,
    mechanism: AccessMechanism | ViewMechanism,
    mode: Mode,
  ): string {
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
   * What the kernel decides for a file call's `checks` in this rules' view: in the `root` view,
   * the first write the read-only view refuses (`EROFS`: the mount check comes before Landlock's
   * hooks), whatever the layers of the process (the view is the run's); then, as in the `user`
   * view, {@linkcode AccessRules.decidePaths}.
   *
   * @param layers indexes of the layers that apply to the process
   * @param checks the paths and accesses to check
   * @returns the denial, or `undefined` when the call is allowed
   */
  decideAccess(
    layers: readonly number[],
    checks: readonly PathCheck[],
  ): AccessDenial | ViewDenial | undefined {
    if (this.view === "root") {
      const crossing = this.#crossing(checks);
      if (crossing !== undefined) return crossing;
      for (const check of checks) {
        if (check.access !== "write") continue;
        const denial = this.#viewDenial(check.path);
        if (denial === null) continue;
        if (check.resolved !== undefined && check.resolved !== check.path) {
          if (this.#viewDenial(check.resolved) === null) continue;
        }
        if ((check.change ?? "content") === "content") {
          // Devices, pipes and sockets are not written through the mount.
          if (isSpecialFilePath(check.resolved ?? check.path)) continue;
        }
        return denial;
      }
    }
    return this.decidePaths(layers, checks);
  }

  /**
   * Whether some call could be denied `access` for a process of `layers`: in the `root` view
   * every write could (unless every layer that lists write paths lists `/`); otherwise only an
   * access whose class a layer of `layers` restricts (lists paths for). A call whose path the
   * trace does not give is undecided only when this holds.
   *
   * @param layers indexes of the layers that apply to the process
   * @param access the access
   * @returns whether a denial is possible
   */
  mayDeny(layers: readonly number[], access: PathAccess): boolean {
    if (access === "write" && this.view === "root" && !this.#hostWritable) return true;
    const restricting = access === "list" ? "read" : access;
    return layers.some((i) => (this.#set.layers[i]?.filesystem?.[restricting].length ?? 0) > 0);
  }

  /** The read-write mount `path` is on, or `undefined` (a read-only one). */
  #mountOf(path: string): string | undefined {
    let best: string | undefined;
    for (const m of this.#mounts) {
      if (isBeneath(path, m) && (best === undefined || m.length > best.length)) best = m;
    }
    return best;
  }

  /**
   * A rename between two mounts of the view: `EXDEV` (the kernel checks it before it asks the
   * mount for write access). Both read-only: the same mount as on the host, left to `EROFS`.
   */
  #crossing(checks: readonly PathCheck[]): ViewDenial | undefined {
    if (this.#hostWritable) return undefined;
    const pair = checks.filter((c) => c.rename === true);
    if (pair.length !== 2) return undefined;
    const [from, to] = pair.map((c) => normalisePath(c.path)) as [string, string];
    const a = this.#mountOf(from);
    const b = this.#mountOf(to);
    if (a === b) return undefined;
    const readOnly = a === undefined ? from : b === undefined ? to : undefined;
    const base = readOnly === undefined ? undefined : this.#viewDenial(readOnly);
    const index = base?.layer ?? this.#writeLayers[0]!;
    const layer = this.#set.layers[index]!;
    const section = "filesystem.write";
    const where = (m: string | undefined) => m === undefined ? "a read-only mount" : `"${m}"`;
    return {
      mechanism: "read-only-view",
      errno: EXDEV,
      layer: index,
      policy: layer.policy,
      section,
      ruleId: `${layer.policy}:${section}`,
      loc: layer.filesystem?.loc ?? layer.loc,
      mode: "enforce",
      subject: ownString(readOnly ?? to),
      access: "write",
      reason: ownString(
        `a rename from "${from}" to "${to}" crosses mounts of the read-only view of cordon run ` +
          `started as root (${where(a)} and ${where(b)}): each write path is a mount of its own`,
      ),
      key: this.#key(index, section, "read-only-view", "enforce"),
    };
  }

  /** The view's denial of writing beneath `path`, or `null` (cached: the same object each time). */
  #viewDenial(path: string): ViewDenial | null {
    let denial = this.#viewCache.get(path);
    if (denial !== undefined) return denial;
    const own = ownString(path);
    denial = this.#viewDecision(normalisePath(own), own);
    if (this.#viewCache.size >= CACHE_LIMIT) this.#viewCache.clear();
    this.#viewCache.set(own, denial);
    return denial;
  }

  #viewDecision(target: string, subject: string): ViewDenial | null {
    const layers = this.#set.layers;
    let index: number;
    let reason: string;
    if (this.#writeLayers.length > 0) {
      // Writable: beneath a write path of every layer that lists any (their intersection).
      const refusing = this.#writeLayers.find((i) =>
        !runWriteList(layers[i]!).some((w) => isBeneath(target, normalisePath(w)))
      );
      if (refusing === undefined) return null;
      index = refusing;
      reason =
        `no filesystem.write path of policy "${
          layers[index]!.policy
        }" covers "${target}": cordon run started as root mounts everything outside the write ` +
        `paths every policy allows read-only`;
    } else {
      const withFilesystem = layers.findIndex((l) => l.filesystem !== undefined);
      index = withFilesystem >= 0 ? withFilesystem : 0;
      reason = `no policy lists filesystem.write paths, so cordon run started as root mounts ` +
        `everything read-only ("${target}" included)`;
    }
    const layer = layers[index]!;
    const section = "filesystem.write";
    return {
      mechanism: "read-only-view",
      errno: EROFS,
      layer: index,
      policy: layer.policy,
      section,
      ruleId: `${layer.policy}:${section}`,
      loc: layer.filesystem?.loc ?? layer.loc,
      mode: "enforce",
      subject,
      access: "write",
      reason,
      key: this.#key(index, section, "read-only-view", "enforce"),
    };
  }

  /**
   * Landlock's decision: the denial of the first of `checks` that a layer of `layers` denies (an
   * `enforce` layer's before an `audit` layer's), or `undefined` when all are allowed. Metadata
   * changes are not Landlock's to decide; the read-only view is
   * {@linkcode AccessRules.decideAccess}'s.
   *
   * @param layers indexes of the layers that apply to the process
   * @param checks the paths and accesses to check
   */
  decidePaths(layers: readonly number[], checks: readonly PathCheck[]): AccessDenial | undefined {
    let audited: AccessDenial | undefined;
    for (const check of checks) {
      if (check.change === "metadata") continue; // Landlock does not restrict metadata changes
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
