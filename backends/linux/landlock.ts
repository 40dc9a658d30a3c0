/**
 * Landlock through libc FFI: the ABI probe and the application of a compiled
 * {@linkcode LandlockRuleset} (`compile/landlock.ts`) to the calling thread:
 * `landlock_create_ruleset` with the handled rights, one `landlock_add_rule` per path (opened
 * `O_PATH | O_CLOEXEC`) and per TCP port, then `landlock_restrict_self`.
 *
 * The restriction is irreversible and applies to the calling thread and what it `execve`s: only
 * the launcher (`_launcher_main.ts`) calls {@linkcode restrictSelfWithLandlock}, after
 * `no_new_privs` and right before its seccomp filters and `execve` (which run on the same thread).
 *
 * Kept free of heavy imports: the launcher loads this module. Requires `allow-ffi`.
 *
 * @module
 */

import {
  appliesFilesystem,
  compileRunLandlock,
  isEmptyRuleset,
  LANDLOCK_ACCESS_FS,
  LANDLOCK_FILE_RIGHTS,
  LANDLOCK_SCOPE,
  type LandlockRuleset,
  requiredLandlockAbi,
  runScopes,
} from "../../compile/landlock.ts";
import type { ConfinementDegradation } from "./process_confinement.ts";
import type { FilterSet } from "../../compile/filter_set.ts";
import { EXIT_CANNOT_EXECUTE, LaunchError } from "./launcher.ts";
import { KernelError, NotSupportedError } from "./errors.ts";
import { errno, errnoDetail, hostSyscallNumber, keepAlive, libc, toCString } from "./libc.ts";
import { formatLocation } from "../../policies/types.ts";

/** `landlock_create_ruleset` flag: return the highest supported ABI version. */
export const LANDLOCK_CREATE_RULESET_VERSION = 1;
/** `landlock_add_rule` rule type: a path-beneath rule. */
export const LANDLOCK_RULE_PATH_BENEATH = 1;
/** `landlock_add_rule` rule type: a TCP port rule (ABI 4). */
export const LANDLOCK_RULE_NET_PORT = 2;

const ENOTDIR = 20;
const ENOSYS = 38;
const EOPNOTSUPP = 95;
const O_PATH = 0o10000000;
const O_CLOEXEC = 0o2000000;
/** `O_DIRECTORY` differs between architectures. */
const O_DIRECTORY = Deno.build.arch === "aarch64" ? 0o40000 : 0o200000;

const FILE_ACCESS = LANDLOCK_FILE_RIGHTS.reduce((m, r) => m | LANDLOCK_ACCESS_FS[r].bit, 0);

let cachedAbi: number | undefined;

function pointerValue(buffer: Uint8Array<ArrayBuffer>): bigint {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer)));
}

function sys(name: Parameters<typeof hostSyscallNumber>[0], ...args: (number | bigint)[]): bigint {
  const a = [...args.map(BigInt), 0n, 0n, 0n, 0n, 0n, 0n];
  const result = libc().syscall(
    BigInt(hostSyscallNumber(name)),
    a[0]!,
    a[1]!,
    a[2]!,
    a[3]!,
    a[4]!,
    a[5]!,
  );
  return BigInt(result);
}

function fail(operation: string): never {
  const code = errno();
  throw new KernelError(operation, code, errnoDetail(code));
}

/**
 * The Landlock ABI version this kernel offers: 0 when Landlock is unavailable (the syscall is
 * missing, or Landlock is built but not enabled at boot), else 1 to 7 and beyond. Conclusive
 * answers are cached; any other error is inconclusive and thrown as a {@linkcode KernelError}.
 *
 * Requires `allow-ffi`. Linux only (elsewhere: {@linkcode NotSupportedError}).
 *
 * @example
 * ```ts ignore
 * import { landlockAbiVersion } from "@cordon/cordon/linux";
 * if (landlockAbiVersion() < 1) console.log("no Landlock here");
 * ```
 */
export function landlockAbiVersion(): number {
  if (cachedAbi !== undefined) return cachedAbi;
  const result = sys("landlock_create_ruleset", 0, 0, LANDLOCK_CREATE_RULESET_VERSION);
  if (result >= 0n) return cachedAbi = Number(result);
  const code = errno();
  if (code === ENOSYS || code === EOPNOTSUPP) return cachedAbi = 0;
  throw new KernelError("probe Landlock ABI version", code, errnoDetail(code));
}

function openForRule(path: string): { fd: number; directory: boolean } {
  const bytes = toCString(path);
  const symbols = libc();
  let fd = symbols.open(bytes, O_PATH | O_CLOEXEC | O_DIRECTORY, 0);
  if (fd >= 0) return { fd, directory: true };
  if (errno() !== ENOTDIR) fail(`open "${path}" for a Landlock rule`);
  fd = symbols.open(bytes, O_PATH | O_CLOEXEC, 0);
  if (fd < 0) fail(`open "${path}" for a Landlock rule`);
  return { fd, directory: false };
}

function attrSize(ruleset: LandlockRuleset): number {
  if (ruleset.scoped !== 0) return 24;
  if (ruleset.handledAccessNet !== 0) return 16;
  return 8;
}

/** A ruleset created and filled, not yet enforced; `close()` releases its descriptor. */
interface FilledRuleset {
  readonly fd: number;
}

function fillOne(ruleset: LandlockRuleset): FilledRuleset {
  const attr = new Uint8Array(24);
  const view = new DataView(attr.buffer);
  view.setBigUint64(0, BigInt(ruleset.handledAccessFs), true);
  view.setBigUint64(8, BigInt(ruleset.handledAccessNet), true);
  view.setBigUint64(16, BigInt(ruleset.scoped), true);
  const created = sys("landlock_create_ruleset", pointerValue(attr), attrSize(ruleset), 0);
  if (created < 0n) fail(`create Landlock ruleset (ABI ${ruleset.abi})`);
  const rulesetFd = Number(created);
  const symbols = libc();
  try {
    const pathAttr = new Uint8Array(12); // struct landlock_path_beneath_attr, packed
    const pathView = new DataView(pathAttr.buffer);
    for (const rule of ruleset.paths) {
      const { fd, directory } = openForRule(rule.path);
      try {
        const access = directory ? rule.access : rule.access & FILE_ACCESS;
        if (access === 0) continue;
        pathView.setBigUint64(0, BigInt(access), true);
        pathView.setInt32(8, fd, true);
        const added = sys(
          "landlock_add_rule",
          rulesetFd,
          LANDLOCK_RULE_PATH_BENEATH,
          pointerValue(pathAttr),
          0,
        );
        if (added < 0n) fail(`add Landlock rule for "${rule.path}" (${rule.rights.join("|")})`);
      } finally {
        symbols.close(fd);
      }
    }
    const portAttr = new Uint8Array(16); // struct landlock_net_port_attr
    const portView = new DataView(portAttr.buffer);
    for (const rule of ruleset.ports) {
      portView.setBigUint64(0, BigInt(rule.access), true);
      portView.setBigUint64(8, BigInt(rule.port), true);
      const added = sys(
        "landlock_add_rule",
        rulesetFd,
        LANDLOCK_RULE_NET_PORT,
        pointerValue(portAttr),
        0,
      );
      if (added < 0n) fail(`add Landlock rule for TCP port ${rule.port}`);
    }
    keepAlive(attr, pathAttr, portAttr);
    return { fd: rulesetFd };
  } catch (error) {
    symbols.close(rulesetFd);
    throw error;
  }
}

/** `landlock_restrict_self` flag (ABI 7): log denials after the next `execve` too. */
export const LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON = 1 << 1;

/**
 * Rulesets created and filled by {@linkcode prepareLandlock}, enforced on the calling thread by
 * `restrictSelf()`. Disposing (or `close()`) releases the ruleset descriptors.
 */
export interface PreparedLandlock extends Disposable {
  /**
   * Enforces every ruleset on the calling thread (needs `no_new_privs` or CAP_SYS_ADMIN). Once.
   * With `logNewExec` (issue 14, `--explain`; ABI 7), denials after the next `execve` are also
   * written to the audit log (`LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON`; by default only those of
   * the same executable are).
   */
  restrictSelf(options?: { readonly logNewExec?: boolean }): void;
  /** Releases the ruleset descriptors; idempotent. */
  close(): void;
}

/**
 * Creates and fills the Landlock rulesets of `rulesets` (opening every rule's path) without
 * enforcing them: the launcher does this while it still has the privileges to open every path,
 * then drops its privileges and calls `restrictSelf()`. Rulesets that handle nothing are
 * skipped. A missing path throws a {@linkcode KernelError} (`ENOENT`) naming it; a ruleset
 * compiled for an ABI newer than the kernel's throws {@linkcode NotSupportedError}.
 *
 * Requires `allow-ffi`.
 *
 * @example
 * ```ts ignore
 * import { compileLandlock } from "@cordon/cordon";
 * import { landlockAbiVersion, prepareLandlock } from "@cordon/cordon/linux";
 * using prepared = prepareLandlock([compileLandlock(undefined, undefined, landlockAbiVersion())]);
 * // ... drop privileges, set no_new_privs ...
 * prepared.restrictSelf();
 * ```
 */
export function prepareLandlock(
  rulesets: LandlockRuleset | readonly LandlockRuleset[],
): PreparedLandlock {
  const list: readonly LandlockRuleset[] = Array.isArray(rulesets)
    ? rulesets
    : [rulesets as LandlockRuleset];
  const active = list.filter((r) => r.handledAccessFs || r.handledAccessNet || r.scoped);
  const filled: FilledRuleset[] = [];
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const { fd } of filled) libc().close(fd);
  };
  if (active.length > 0) {
    const abi = landlockAbiVersion();
    for (const ruleset of active) {
      if (ruleset.abi > abi || abi === 0) {
        throw new NotSupportedError(
          `Landlock ABI ${ruleset.abi}`,
          abi === 0 ? "Landlock is not available" : `the kernel offers ABI ${abi}`,
        );
      }
    }
    try {
      for (const ruleset of active) filled.push(fillOne(ruleset));
    } catch (error) {
      close();
      throw error;
    }
  }
  return {
    restrictSelf(options = {}) {
      if (closed) throw new TypeError("Landlock rulesets already released");
      const flags = options.logNewExec ? LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON : 0;
      try {
        for (const { fd } of filled) {
          if (sys("landlock_restrict_self", fd, flags) < 0n) fail("restrict self with Landlock");
        }
      } finally {
        close();
      }
    },
    close,
    [Symbol.dispose]: close,
  };
}

/**
 * Restricts the calling thread (and what it `execve`s) with `rulesets`, each one stacked
 * Landlock layer (the kernel allows an access only when every layer does). Rulesets that handle
 * nothing are skipped. Every path of a rule must exist: a missing path throws a
 * {@linkcode KernelError} (`ENOENT`) naming it, before anything is restricted.
 * A ruleset compiled for an ABI newer than the kernel's throws {@linkcode NotSupportedError}.
 * The same as {@linkcode prepareLandlock} followed by `restrictSelf()`.
 *
 * Needs `no_new_privs` set first (or CAP_SYS_ADMIN). Irreversible. Requires `allow-ffi`.
 *
 * @example
 * ```ts ignore
 * import { compileLandlock } from "@cordon/cordon";
 * import { landlockAbiVersion, restrictSelfWithLandlock } from "@cordon/cordon/linux";
 * import { setNoNewPrivs } from "@cordon/cordon/linux";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * setNoNewPrivs();
 * restrictSelfWithLandlock(compileLandlock({ read: ["/usr"], write: [], execute: [], loc }, undefined, landlockAbiVersion()));
 * ```
 */
export function restrictSelfWithLandlock(
  rulesets: LandlockRuleset | readonly LandlockRuleset[],
): void {
  using prepared = prepareLandlock(rulesets);
  prepared.restrictSelf();
}

/**
 * The paths of `rulesets` that do not exist (checked by the parent before launching, so that a
 * missing path is reported before anything starts).
 *
 * Requires `allow-read`.
 *
 * @example
 * ```ts ignore
 * import { compileLandlock } from "@cordon/cordon";
 * import { missingLandlockPaths } from "@cordon/cordon/linux";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const ruleset = compileLandlock({ read: ["/nonexistent"], write: [], execute: [], loc }, undefined, 7);
 * if (missingLandlockPaths([ruleset])[0] !== "/nonexistent") throw new Error();
 * ```
 */
export function missingLandlockPaths(rulesets: readonly LandlockRuleset[]): string[] {
  const missing = new Set<string>();
  for (const ruleset of rulesets) {
    for (const rule of ruleset.paths) {
      try {
        Deno.statSync(rule.path);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) missing.add(rule.path);
        else throw error;
      }
    }
  }
  return [...missing].sort();
}

/**
 * System directories that differ between distributions and architectures (`/lib32`, `/libx32`
 * exist only on some x86_64 systems, `/bin` and `/lib` are links on merged-/usr systems): a rule
 * for one of them is skipped when it does not exist. Any other missing path is an error.
 */
export const OPTIONAL_SYSTEM_PATHS: readonly string[] = [
  "/bin",
  "/sbin",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/opt",
  "/usr/local",
];

/** What {@linkcode planRunLandlock} decided for a run. */
export interface RunLandlockPlan {
  /** The Landlock step for the launcher: one ruleset per layer that restricts something. */
  readonly landlock?: { readonly rulesets: readonly LandlockRuleset[] };
  /** `["filesystem"]` when every layer's filesystem rules are enforced as written (at least at their `minAbi`). */
  readonly enforced: readonly "filesystem"[];
  /** The kernel's Landlock ABI. */
  readonly abi: number;
  /** Scopes this kernel cannot apply (only with `allowDegraded`; otherwise the plan throws). */
  readonly degraded: readonly ConfinementDegradation[];
}

/** The mechanism named when signal scoping is missing. */
export const SIGNAL_SCOPING_MECHANISM = "Landlock signal scoping (ABI 6)";
/** The mechanism named when abstract Unix socket scoping is missing. */
export const ABSTRACT_SCOPING_MECHANISM = "Landlock abstract Unix socket scoping (ABI 6)";

/**
 * Compiles the Landlock step of `cordon run` for `set` at the kernel's ABI: for every layer, its
 * `filesystem` paths and `network` TCP ports (not for a layer in audit mode, whose rules are only
 * reported: `appliesFilesystem`) and the scopes of `runScopes` (signals and
 * abstract Unix sockets, on unless the policy grants them), so that every run has a Landlock
 * domain. Fails closed: a layer whose filesystem rules need a newer ABI than the kernel's (its
 * `filesystem.minAbi`, else `LANDLOCK_ABI_FULL_FILESYSTEM` of `compile/landlock.ts`), or whose
 * scopes need ABI 6, throws {@linkcode NotSupportedError} naming the mechanism and the ABI
 * needed, unless `allowDegraded` (then what the ABI offers is applied: the filesystem section is
 * not counted as enforced, the missing scopes are in `degraded`). A path that does not exist is
 * skipped when it is one of {@linkcode OPTIONAL_SYSTEM_PATHS}; any other throws a `LaunchError`
 * (`CONFINEMENT_FAILED`, stage `landlock`) with a {@linkcode LandlockPathError} as its `cause`,
 * before anything starts.
 *
 * Requires `allow-ffi` (the probe) and `allow-read` (paths).
 *
 * @example
 * ```ts ignore
 * import { planRunLandlock } from "@cordon/cordon/linux";
 * const plan = planRunLandlock(set, { allowDegraded: false });
 * // runConfined({ set, command, landlock: plan.landlock, enforcedSections: plan.enforced })
 * ```
 */
export function planRunLandlock(
  set: FilterSet,
  options: { readonly allowDegraded: boolean; readonly abi?: number },
): RunLandlockPlan {
  const layers = set.layers;
  if (layers.length === 0) return { enforced: [], abi: options.abi ?? 0, degraded: [] };
  const abi = options.abi ?? landlockAbiVersion();
  let fullyEnforced = true;
  for (const layer of layers) {
    const fs = layer.filesystem;
    if (!fs || !appliesFilesystem(layer)) continue;
    const needed = requiredLandlockAbi(fs);
    if (abi >= needed) continue;
    fullyEnforced = false;
    if (options.allowDegraded) continue;
    const where = `${formatLocation(fs.loc)}`;
    throw new NotSupportedError(
      `Landlock ABI ${needed}`,
      `policy "${layer.policy}" has filesystem rules (${where}) that need Landlock ABI ${needed}, ` +
        `and this kernel offers ${abi === 0 ? "no Landlock" : `ABI ${abi}`}; ` +
        (abi > 0 ? `accept ABI ${abi} with filesystem.minAbi: ${abi}, or ` : "") +
        `run without full filesystem confinement with --allow-degraded`,
    );
  }
  const degraded: ConfinementDegradation[] = [];
  for (const layer of layers) {
    for (const scope of runScopes(set, layer)) {
      if (LANDLOCK_SCOPE[scope].abi <= abi) continue;
      const mechanism = scope === "SIGNAL" ? SIGNAL_SCOPING_MECHANISM : ABSTRACT_SCOPING_MECHANISM;
      const loc = layer.privileges?.loc ?? layer.loc;
      if (!options.allowDegraded) {
        throw new NotSupportedError(
          mechanism,
          `policy "${layer.policy}" keeps ${
            scope === "SIGNAL" ? "signals" : "abstract Unix sockets"
          } inside the sandbox, which needs Landlock ABI ${LANDLOCK_SCOPE[scope].abi}, and this ` +
            `kernel offers ${abi === 0 ? "no Landlock" : `ABI ${abi}`}; ` +
            (scope === "SIGNAL" ? "grant signals with privileges.signals: any, or " : "") +
            `run without it with --allow-degraded`,
        );
      }
      degraded.push({
        policy: layer.policy,
        section: "privileges",
        mechanism,
        blocking: true,
        loc,
      });
    }
  }
  const compiled = layers.map((l) => compileRunLandlock(set, l, abi))
    .filter((r) => !isEmptyRuleset(r));
  const absent = new Set(missingLandlockPaths(compiled));
  const rulesets = compiled.map((r) => ({
    ...r,
    paths: r.paths.filter((p) => !(absent.has(p.path) && OPTIONAL_SYSTEM_PATHS.includes(p.path))),
  }));
  const missing = [...absent].filter((p) => !OPTIONAL_SYSTEM_PATHS.includes(p));
  if (missing.length > 0) {
    const cause = new LandlockPathError(missing);
    throw new LaunchError("CONFINEMENT_FAILED", "landlock", cause.message, EXIT_CANNOT_EXECUTE, {
      cause,
    });
  }
  return {
    ...(rulesets.length > 0 ? { landlock: { rulesets } } : {}),
    enforced: fullyEnforced && layers.some((l) => l.filesystem && appliesFilesystem(l))
      ? ["filesystem"]
      : [],
    abi,
    degraded,
  };
}

/**
 * Paths of a policy's filesystem rules do not exist on this machine, so its Landlock rules
 * cannot be added; nothing was started.
 *
 * @example
 * ```ts
 * import { LandlockPathError } from "@cordon/cordon/linux";
 * const error = new LandlockPathError(["/lib32"]);
 * if (error.code !== "LANDLOCK_PATH_MISSING" || !error.message.includes('"/lib32"')) throw new Error();
 * ```
 */
export class LandlockPathError extends Error {
  /** Stable error code. */
  readonly code = "LANDLOCK_PATH_MISSING";
  /** The missing paths. */
  readonly paths: readonly string[];

  /**
   * Creates the error.
   *
   * @param paths The missing paths.
   */
  constructor(paths: readonly string[]) {
    super(
      `filesystem rules name paths that do not exist: ${paths.map((p) => `"${p}"`).join(", ")}; ` +
        `Landlock can only add rules for existing paths (remove them from the policy)`,
    );
    this.name = "LandlockPathError";
    this.paths = paths;
  }
}
