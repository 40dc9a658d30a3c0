/**
 * Process-level confinement of `cordon run` (issue 9): what the launcher does to itself, after
 * the parent's go and before `no_new_privs`, Landlock, seccomp and `execve`, so that a hostile
 * program started as root keeps none of root's power the policy does not grant.
 *
 * 1. **Namespaces**: `unshare(CLONE_NEWCGROUP | CLONE_NEWNS)` on the launcher's thread (both
 *    work per thread in the multi-threaded Deno launcher). The command's cgroup namespace is
 *    rooted at its run cgroup; with cgroup2's `nsdelegate` (which {@linkcode planProcessConfinement}
 *    turns on, as systemd does at boot) it cannot move itself or others out of that subtree,
 *    by `cgroup.procs` or by `clone3(CLONE_INTO_CGROUP)`. All mounts are made recursively private
 *    first, so that nothing done here reaches the host.
 * 2. **A read-only view**: the kernel's interfaces ({@linkcode READ_ONLY_KERNEL_PATHS}: `/proc/sys`,
 *    `/proc/sysrq-trigger`, `/sys` with every mount below it, cgroupfs included, ...) are always
 *    remounted read-only and a few files and directories are masked
 *    ({@linkcode MASKED_KERNEL_PATHS}); uid 0 without capabilities could write them otherwise.
 *    Unless every layer lets the command write `/`, every mount is remounted read-only (keeping
 *    each one's flags), also when no layer lists a write path (uid 0 without capabilities still
 *    writes every file root owns), and the write paths are bound back read-write with `nosuid`,
 *    `nodev`, `nosymfollow`, and `noexec` unless they are also executable: writes and metadata
 *    changes (`chmod`, `chown`, `utimes`, `setxattr`) outside the write paths fail with `EROFS`,
 *    device nodes inside them cannot be opened, the dynamic loader cannot map a program written
 *    there, and a symbolic link made there cannot redirect a path (a Unix socket's address) to
 *    somewhere else. Cordon's own code, the Deno executable and Deno's cache stay read-only
 *    whatever the write paths ({@linkcode cordonOwnPaths}): a later run executes them as root.
 * 3. **Privileges**: from the layers' `privileges` (default: no capability, the invoking user and
 *    group): securebits (`NOROOT`, `NO_SETUID_FIXUP`, locked) so that uid 0 regains nothing at
 *    `execve`, every capability not kept dropped from the bounding set, the user and group set,
 *    the permitted, effective and inheritable sets cut to the kept ones, which are raised as
 *    ambient so that they survive `execve`.
 *
 * The parent plans ({@linkcode planProcessConfinement}: pure but for probes of its own
 * credentials, the mount table and paths); the launcher applies ({@linkcode enterNamespaces},
 * {@linkcode applyMounts}, {@linkcode applyPrivileges}) through raw syscalls, which change only
 * the calling thread (the one that `execve`s). Kept free of heavy imports: the launcher loads it.
 *
 * Requires `allow-ffi` (and, for planning, `allow-read`).
 *
 * @module
 */

import type { SourceLocation } from "../../policies/types.ts";
import type { FilterSet } from "../../compile/filter_set.ts";
import { appliesFilesystem, isBeneath, normalisePath } from "../../compile/landlock.ts";
import { runExecuteList, runView } from "../../compile/run_view.ts";
import { denoCacheDir } from "./launcher.ts";
import { KernelError, NotSupportedError } from "./errors.ts";
import { errno, errnoDetail, hostSyscallNumber, keepAlive, libc, toCString } from "./libc.ts";
import { formatLocation } from "../../policies/types.ts";

/** Something of a policy this run does not enforce (the shape of `run.ts`'s `Degradation`). */
export interface ConfinementDegradation {
  /** The policy concerned. */
  readonly policy: string;
  /** The policy section whose guarantee is missing. */
  readonly section: "filesystem" | "privileges";
  /** The missing mechanism, such as `"mount namespace"`. */
  readonly mechanism: string;
  /** Whether running without it leaves a deny unenforced (then only with `allowDegraded`). */
  readonly blocking: boolean;
  /** Where the section (or the policy) is written. */
  readonly loc: SourceLocation;
}

/** A write path bound back read-write into the read-only view. */
export interface WritableMount {
  /** The path (normalised, existing). */
  readonly path: string;
  /** Whether files below it may be executed and mapped executable (else `noexec`). */
  readonly exec: boolean;
  /**
   * Whether device nodes below it may be opened (a directory under `/dev` the policy lets the
   * command write); else `nodev`. Which devices is the run guard's (`cgroup/dev`) to decide.
   */
  readonly devices?: boolean;
}

/** The privileges step, as the launcher receives it (plain JSON). */
export interface PlannedPrivileges {
  /** The capabilities the command keeps, by number, sorted. */
  readonly capabilities: readonly number[];
  /** The uid to switch to (real, effective, saved); absent: unchanged. */
  readonly uid?: number;
  /** The gid to switch to (supplementary groups are dropped); absent: unchanged. */
  readonly gid?: number;
  /**
   * Whether the launcher holds `CAP_SETPCAP` (root): then securebits are locked and the bounding
   * set cut; otherwise it has no capability to give away beyond its permitted set.
   */
  readonly privileged: boolean;
  /**
   * Whether execution is restricted (a layer lists `filesystem.execute` paths): then
   * `SECBIT_EXEC_RESTRICT_FILE` is set and locked too (Linux 6.14), so that interpreters that
   * check their scripts with `execveat(AT_EXECVE_CHECK)` refuse one the command could not
   * execute itself (written to a `noexec` write path, outside the `execute` paths).
   */
  readonly restrictScripts?: boolean;
}

/** The launcher's process-confinement step: plain JSON, sent in the launch plan. */
export interface PlannedProcessConfinement {
  /** Unshare the cgroup and mount namespaces and build the read-only view (needs CAP_SYS_ADMIN). */
  readonly namespaces: boolean;
  /** Kernel interfaces made read-only (each with every mount below it). */
  readonly readOnlyPaths: readonly string[];
  /** Kernel files (covered with `/dev/null`) and directories (with an empty read-only tmpfs) hidden. */
  readonly maskedPaths: readonly { readonly path: string; readonly directory: boolean }[];
  /**
   * Remount every mount read-only, then bind `writable` back: on every run with namespaces, unless
   * every layer lets the command write `/`.
   */
  readonly readOnlyEverything: boolean;
  /**
   * The paths every layer lets the command write, bound back read-write (shortest first), with
   * `nosymfollow` (symbolic links in them are not followed).
   */
  readonly writable: readonly WritableMount[];
  /**
   * Cordon's own code, the Deno executable and Deno's cache, where the view would let the command
   * write them: bound read-only on top (a later `cordon run` runs them as root).
   */
  readonly protectedPaths: readonly string[];
  /** The privileges step. */
  readonly privileges: PlannedPrivileges;
}

/**
 * Kernel interfaces made read-only on every run (after runc's `readonlyPaths`): uid 0 without
 * capabilities may still write many of them (`/proc/sys/kernel/core_pattern` runs a program as
 * root on the host, `/proc/sysrq-trigger` reboots it, cgroupfs files move processes out of their
 * cgroup). `/sys` carries every mount below it (cgroup hierarchies, bpffs, tracefs,
 * securityfs). Absent paths are skipped.
 */
export const READ_ONLY_KERNEL_PATHS: readonly string[] = [
  "/proc/bus",
  "/proc/fs",
  "/proc/irq",
  "/proc/sys",
  "/proc/sysrq-trigger",
  "/sys",
];

/**
 * Kernel files and directories hidden on every run (after runc's `maskedPaths`): kernel memory,
 * the key list, timer and scheduler internals, firmware tables. Absent paths are skipped.
 */
export const MASKED_KERNEL_PATHS: readonly string[] = [
  "/proc/acpi",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/sched_debug",
  "/proc/scsi",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/sys/firmware",
];

/** The mechanism named when the launcher cannot build its mount namespace. */
export const MOUNT_NAMESPACE_MECHANISM = "mount namespace";
/** The mechanism named when cgroup2 cannot be made a namespace delegation boundary. */
export const CGROUP_NAMESPACE_MECHANISM = "cgroup namespace delegation (cgroup2 nsdelegate)";

const CAP_SETPCAP = 8;
const CAP_SYS_ADMIN = 21;

/** The codes of {@linkcode PrivilegesError}. */
export type PrivilegesErrorCode =
  | "PRIVILEGES_CONFLICT"
  | "CAPABILITY_UNAVAILABLE"
  | "UNKNOWN_CAPABILITY"
  | "WRITE_PATH_PROTECTED";

/**
 * Two policy layers ask for different users or groups, or for a capability that cannot be had,
 * or a write path lies inside what `cordon run` itself runs from.
 */
export class PrivilegesError extends Error {
  /** Stable error code. */
  readonly code: PrivilegesErrorCode;

  /**
   * Creates the error.
   *
   * @param code Stable error code.
   * @param message What is wrong.
   */
  constructor(code: PrivilegesErrorCode, message: string) {
    super(message);
    this.name = "PrivilegesError";
    this.code = code;
  }
}

/**
 * The capability sets of this process from `/proc/self/status` (bit masks).
 *
 * Requires `allow-read=/proc/self/status`.
 *
 * @example
 * ```ts ignore
 * import { ownCapabilities } from "./process_confinement.ts";
 * console.log(ownCapabilities().effective.toString(16));
 * ```
 */
export function ownCapabilities(): { effective: bigint; permitted: bigint } {
  const status = Deno.readTextFileSync("/proc/self/status");
  const field = (name: string) => {
    const match = status.match(new RegExp(`^${name}:\\s*([0-9a-f]+)$`, "m"));
    return match ? BigInt(`0x${match[1]}`) : 0n;
  };
  return { effective: field("CapEff"), permitted: field("CapPrm") };
}

function exists(path: string): { directory: boolean; device: boolean } | undefined {
  try {
    const info = Deno.statSync(path);
    return {
      directory: info.isDirectory,
      device: info.isCharDevice === true || info.isBlockDevice === true,
    };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

function cgroup2MountsWithoutNsDelegate(): string[] {
  const out: string[] = [];
  for (const entry of parseMountInfo(Deno.readTextFileSync("/proc/self/mountinfo"))) {
    if (entry.fsType === "cgroup2" && !entry.superOptions.split(",").includes("nsdelegate")) {
      out.push(entry.mountPoint);
    }
  }
  return out;
}

/**
 * Makes every cgroup2 mount a namespace delegation boundary (`nsdelegate`, as systemd mounts it):
 * without it a cgroup namespace does not stop `clone3(CLONE_INTO_CGROUP)` into, or a
 * `cgroup.procs` write of, a cgroup outside the namespace. A system-wide setting of the cgroup2
 * superblock; it changes nothing for processes in the initial cgroup namespace. Returns the
 * mount points it could not change (not root).
 *
 * Requires `allow-ffi` and `allow-read=/proc/self/mountinfo`.
 *
 * @example
 * ```ts ignore
 * import { ensureCgroupNsDelegate } from "./process_confinement.ts";
 * if (ensureCgroupNsDelegate().length > 0) console.log("cgroup namespaces are no boundary here");
 * ```
 */
export function ensureCgroupNsDelegate(): string[] {
  const failed: string[] = [];
  for (const mountPoint of cgroup2MountsWithoutNsDelegate()) {
    const data = toCString("nsdelegate");
    const target = toCString(mountPoint);
    const result = sys("mount", 0, pointerValue(target), 0, MS_REMOUNT, pointerValue(data));
    keepAlive(data, target);
    if (result < 0n) failed.push(mountPoint);
  }
  return failed;
}

/**
 * Plans the process confinement of a run of `set` (the parent's side): the namespaces and
 * read-only view when this process may create them (CAP_SYS_ADMIN), the writable paths every
 * layer allows, and the privileges every layer grants (kept capabilities: the intersection of the
 * layers'; user and group: the one the layers agree on). Fails closed: without CAP_SYS_ADMIN a
 * policy that restricts writes is refused ({@linkcode NotSupportedError} naming
 * {@linkcode MOUNT_NAMESPACE_MECHANISM}) unless `allowDegraded`, and so is a cgroup2 mount that
 * cannot be made a delegation boundary; what is accepted is in `degraded`. Layers that disagree
 * on the user or group, and capabilities this process does not hold, throw
 * {@linkcode PrivilegesError}.
 *
 * Requires `allow-ffi` and `allow-read`.
 *
 * @example
 * ```ts ignore
 * import { planProcessConfinement } from "./process_confinement.ts";
 * const { confinement, degraded } = planProcessConfinement(set, { allowDegraded: false });
 * ```
 */
export function planProcessConfinement(
  set: FilterSet,
  options: {
    readonly allowDegraded: boolean;
    /** The capability sets of the launcher-to-be (default: this process's). */
    readonly capabilities?: { readonly effective: bigint; readonly permitted: bigint };
    /** What the command must never write (default: {@linkcode cordonOwnPaths}). */
    readonly protectedPaths?: readonly string[];
  },
): { confinement: PlannedProcessConfinement; degraded: ConfinementDegradation[] } {
  const caps = options.capabilities ?? ownCapabilities();
  const has = (cap: number) => (caps.effective & (1n << BigInt(cap))) !== 0n;
  const degraded: ConfinementDegradation[] = [];
  const privileges = {
    ...planPrivileges(set, caps.permitted, has(CAP_SETPCAP)),
    restrictScripts: set.layers.some((l) => runExecuteList(l).length > 0),
  };

  // Layers in audit mode apply no filesystem rules (compile/run_view.ts).
  const writeLayers = set.layers.filter((l) =>
    appliesFilesystem(l) && (l.filesystem?.write.length ?? 0) > 0
  );
  const namespaces = has(CAP_SYS_ADMIN);
  if (!namespaces) {
    for (const layer of writeLayers) {
      const loc = layer.filesystem!.loc;
      if (!options.allowDegraded) {
        throw new NotSupportedError(
          MOUNT_NAMESPACE_MECHANISM,
          `policy "${layer.policy}" restricts writes (${formatLocation(loc)}), and ` +
            `changes of metadata outside its write paths are refused with a read-only mount ` +
            `namespace, which needs CAP_SYS_ADMIN (run as root), or run without it with ` +
            `--allow-degraded`,
        );
      }
      degraded.push({
        policy: layer.policy,
        section: "filesystem",
        mechanism: MOUNT_NAMESPACE_MECHANISM,
        blocking: true,
        loc,
      });
    }
  } else {
    const failed = ensureCgroupNsDelegate();
    if (failed.length > 0) {
      const first = set.layers[0];
      if (!options.allowDegraded) {
        throw new NotSupportedError(
          CGROUP_NAMESPACE_MECHANISM,
          `cgroup2 at ${failed.join(", ")} cannot be remounted with nsdelegate, so the command ` +
            `could leave its cgroup; run without it with --allow-degraded`,
        );
      }
      if (first) {
        degraded.push({
          policy: first.policy,
          section: "privileges",
          mechanism: CGROUP_NAMESPACE_MECHANISM,
          blocking: true,
          loc: first.loc,
        });
      }
    }
  }

  // uid 0 without capabilities still writes every file root owns (/etc/ld.so.preload, cron,
  // Cordon's own code): with namespaces, the command writes only beneath its write paths, and
  // nowhere when no layer lists any.
  const view = runView(set);
  const writePaths = view.writable;
  const readOnlyEverything = namespaces && !view.hostWritable;
  const execPaths = view.executable;
  const writable: WritableMount[] = [];
  if (readOnlyEverything) {
    for (const path of writePaths) {
      const exec = execPaths.some((e) => isBeneath(path, e));
      const found = exists(path);
      if (found === undefined) continue; // Landlock's planning reports missing paths
      // A device node (`/dev/null`) is written through a read-only mount all the same; bound
      // back `nodev` it could not be opened at all. Landlock decides it.
      if (found.device) continue;
      writable.push({
        path,
        exec,
        ...(isBeneath(path, "/dev") && found.directory ? { devices: true } : {}),
      });
      if (exec) continue;
      for (const e of execPaths) {
        if (e !== path && isBeneath(e, path) && exists(e)) writable.push({ path: e, exec: true });
      }
    }
    writable.sort((a, b) => a.path.length - b.path.length || (a.path < b.path ? -1 : 1));
  }
  const protectedPaths = namespaces
    ? protectedInView(options.protectedPaths ?? cordonOwnPaths(), readOnlyEverything, writePaths)
    : [];
  const masked = namespaces
    ? MASKED_KERNEL_PATHS.flatMap((path) => {
      const found = exists(path);
      return found ? [{ path, directory: found.directory }] : [];
    })
    : [];
  return {
    confinement: {
      namespaces,
      readOnlyPaths: namespaces ? READ_ONLY_KERNEL_PATHS.filter((p) => exists(p)) : [],
      maskedPaths: masked,
      readOnlyEverything,
      writable,
      protectedPaths,
      privileges,
    },
    degraded,
  };
}

/**
 * What a later `cordon run` executes as root before any confinement: this module tree (Cordon's
 * code, the `./deno` wrapper and the Deno it installs), the running Deno executable, and Deno's
 * cache (`DENO_DIR`: compiled modules and npm packages). Normalised; absent ones left out.
 *
 * Requires `allow-read` and `allow-env`.
 *
 * @example
 * ```ts ignore
 * import { cordonOwnPaths } from "./process_confinement.ts";
 * console.log(cordonOwnPaths()); // e.g. ["/root/.cache/deno", "/srv/cordon", ...]
 * ```
 */
export function cordonOwnPaths(): string[] {
  const paths: string[] = [];
  const root = new URL("../../", import.meta.url);
  if (root.protocol === "file:") paths.push(decodeURIComponent(root.pathname));
  paths.push(Deno.execPath());
  const cache = denoCacheDir();
  if (cache) paths.push(cache);
  const found = paths.map(normalisePath).filter((p) => exists(p) !== undefined);
  const unique = [...new Set(found)].sort();
  return unique.filter((p) => !unique.some((q) => q !== p && isBeneath(p, q)));
}

/**
 * The protected paths the view would leave writable. A write path inside one is refused: the
 * command could change what the next run executes as root.
 */
function protectedInView(
  paths: readonly string[],
  readOnlyEverything: boolean,
  writePaths: readonly string[],
): string[] {
  const out: string[] = [];
  for (const path of paths.map(normalisePath)) {
    const inside = writePaths.find((w) => w !== path && isBeneath(w, path));
    if (inside !== undefined) {
      throw new PrivilegesError(
        "WRITE_PATH_PROTECTED",
        `filesystem.write path ${inside} lies inside ${path}, which cordon run itself runs ` +
          `from as root (Cordon's code, Deno or Deno's cache): the command could change what ` +
          `the next run executes; write elsewhere`,
      );
    }
    if (!readOnlyEverything || writePaths.some((w) => isBeneath(path, w))) out.push(path);
  }
  return out;
}

/** The id the layers so far (`current`) and `policy` (`value`) agree on; throws when they differ. */
function agreeingId(
  what: "users" | "groups",
  label: "uid" | "gid",
  current: { value: number; policy: string } | undefined,
  value: number | undefined,
  policy: string,
): { value: number; policy: string } | undefined {
  if (value === undefined) return current;
  if (current !== undefined && current.value !== value) {
    throw new PrivilegesError(
      "PRIVILEGES_CONFLICT",
      `Policies "${current.policy}" and "${policy}" ask to run as different ${what} ` +
        `(${label} ${current.value} and ${value})`,
    );
  }
  return { value, policy };
}

function planPrivileges(set: FilterSet, permitted: bigint, privileged: boolean): PlannedPrivileges {
  let kept: Set<string> | undefined;
  let uid: { value: number; policy: string } | undefined;
  let gid: { value: number; policy: string } | undefined;
  for (const layer of set.layers) {
    const names = new Set((layer.privileges?.capabilities ?? []).map((c) => c.name));
    kept = kept === undefined ? names : new Set([...kept].filter((n) => names.has(n)));
    uid = agreeingId("users", "uid", uid, layer.privileges?.user?.uid, layer.policy);
    gid = agreeingId("groups", "gid", gid, layer.privileges?.group?.gid, layer.policy);
  }
  const capabilities = [...(kept ?? [])].map((name) => {
    const nr = CAPABILITY_NUMBERS[name];
    if (nr === undefined) {
      throw new PrivilegesError("UNKNOWN_CAPABILITY", `Unknown capability "${name}"`);
    }
    if ((permitted & (1n << BigInt(nr))) === 0n) {
      throw new PrivilegesError(
        "CAPABILITY_UNAVAILABLE",
        `The policies keep capability "${name}", which cordon run does not have (run as root)`,
      );
    }
    return nr;
  }).sort((a, b) => a - b);
  return {
    capabilities,
    ...(uid === undefined ? {} : { uid: uid.value }),
    ...(gid === undefined ? {} : { gid: gid.value }),
    privileged,
  };
}

/**
 * Capability numbers by name (`linux/capability.h`), kept here so the launcher imports nothing
 * big; `process_confinement_test.ts` checks them against the generated `policies/constants.ts`.
 */
export const CAPABILITY_NUMBERS: Readonly<Record<string, number>> = Object.fromEntries(
  [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
  ].map((name, nr) => [name, nr]),
);

// ---------------------------------------------------------------------------------------------
// The launcher's side: raw syscalls on the calling thread.

const CLONE_NEWNS = 0x00020000;
const CLONE_NEWCGROUP = 0x02000000;
const MS_RDONLY = 1;
const MS_NOSUID = 2;
const MS_NODEV = 4;
const MS_NOEXEC = 8;
const MS_REMOUNT = 32;
const MS_NOSYMFOLLOW = 256;
const MS_NOATIME = 1024;
const MS_NODIRATIME = 2048;
const MS_BIND = 4096;
const MS_REC = 16384;
const MS_PRIVATE = 1 << 18;
const MS_RELATIME = 1 << 21;
const O_RDONLY = 0;
const O_CLOEXEC = 0o2000000;
const EINVAL = 22;

const PR_CAPBSET_READ = 23;
const PR_CAPBSET_DROP = 24;
const PR_SET_SECUREBITS = 28;
const PR_CAP_AMBIENT = 47;
const PR_CAP_AMBIENT_RAISE = 2;
const PR_CAP_AMBIENT_CLEAR_ALL = 4;
/** `SECBIT_NOROOT | _LOCKED | SECBIT_NO_SETUID_FIXUP | _LOCKED | SECBIT_KEEP_CAPS_LOCKED`. */
const SECUREBITS_BASE = 0x01 | 0x02 | 0x04 | 0x08 | 0x20;
/** `SECBIT_NO_CAP_AMBIENT_RAISE | _LOCKED`: when nothing is kept, nothing may be raised. */
const SECUREBITS_NO_AMBIENT = 0x40 | 0x80;
/** `SECBIT_EXEC_RESTRICT_FILE | _LOCKED` (Linux 6.14; older kernels refuse unknown bits). */
const SECUREBITS_EXEC_RESTRICT_FILE = 0x100 | 0x200;
const LINUX_CAPABILITY_VERSION_3 = 0x20080522;

function pointerValue(buffer: Uint8Array<ArrayBuffer>): bigint {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer)));
}

function sys(name: Parameters<typeof hostSyscallNumber>[0], ...args: (number | bigint)[]): bigint {
  const a = [...args.map(BigInt), 0n, 0n, 0n, 0n, 0n, 0n];
  return BigInt(
    libc().syscall(BigInt(hostSyscallNumber(name)), a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!),
  );
}

function check(result: bigint | number, operation: string): void {
  if (BigInt(result) >= 0n) return;
  const code = errno();
  throw new KernelError(operation, code, errnoDetail(code));
}

/**
 * Unshares the cgroup and mount namespaces of the calling thread and makes every mount
 * recursively private (nothing mounted here propagates to the host, nor the host's to here).
 *
 * Needs CAP_SYS_ADMIN. Irreversible. Requires `allow-ffi`.
 *
 * @example
 * ```ts ignore
 * import { enterNamespaces } from "./process_confinement.ts";
 * enterNamespaces();
 * ```
 */
export function enterNamespaces(): void {
  check(sys("unshare", CLONE_NEWCGROUP | CLONE_NEWNS), "unshare cgroup and mount namespaces");
  mount(undefined, "/", undefined, MS_REC | MS_PRIVATE, "make mounts private");
}

function mount(
  source: string | undefined,
  target: string,
  fsType: string | undefined,
  flags: number,
  operation: string,
  data?: string,
): void {
  const s = source === undefined ? undefined : toCString(source);
  const t = toCString(target);
  const f = fsType === undefined ? undefined : toCString(fsType);
  const d = data === undefined ? undefined : toCString(data);
  const result = sys(
    "mount",
    s ? pointerValue(s) : 0,
    pointerValue(t),
    f ? pointerValue(f) : 0,
    flags,
    d ? pointerValue(d) : 0,
  );
  keepAlive(s, t, f, d);
  check(result, `${operation} ("${target}")`);
}

/** One line of `/proc/PID/mountinfo`. */
export interface MountInfoEntry {
  /** The mount point, unescaped. */
  readonly mountPoint: string;
  /** The per-mount options (`rw,nosuid,nodev,relatime`). */
  readonly options: string;
  /** The filesystem type. */
  readonly fsType: string;
  /** The superblock's options. */
  readonly superOptions: string;
}

/**
 * Parses `/proc/PID/mountinfo` (octal escapes of the mount point undone).
 *
 * @example
 * ```ts
 * import { parseMountInfo } from "./process_confinement.ts";
 * const [entry] = parseMountInfo("27 1 254:0 / /a\\040b rw,relatime shared:1 - ext4 /dev/vda rw\n");
 * if (entry?.mountPoint !== "/a b" || entry.fsType !== "ext4") throw new Error();
 * ```
 */
export function parseMountInfo(text: string): MountInfoEntry[] {
  const unescape = (s: string) =>
    s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
  const out: MountInfoEntry[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const fields = line.split(" ");
    const dash = fields.indexOf("-");
    if (dash < 6) throw new Error(`mountinfo line not understood: "${line}"`);
    out.push({
      mountPoint: unescape(fields[4]!),
      options: fields[5]!,
      fsType: fields[dash + 1] ?? "",
      superOptions: fields[dash + 3] ?? "",
    });
  }
  return out;
}

/** The `MS_*` flags a remount must repeat to keep a mount's per-mount options. */
function mountFlags(options: string): number {
  let flags = 0;
  for (const option of options.split(",")) {
    switch (option) {
      case "ro":
        flags |= MS_RDONLY;
        break;
      case "nosuid":
        flags |= MS_NOSUID;
        break;
      case "nodev":
        flags |= MS_NODEV;
        break;
      case "noexec":
        flags |= MS_NOEXEC;
        break;
      case "nosymfollow":
        flags |= MS_NOSYMFOLLOW;
        break;
      case "noatime":
        flags |= MS_NOATIME;
        break;
      case "nodiratime":
        flags |= MS_NODIRATIME;
        break;
      case "relatime":
        flags |= MS_RELATIME;
        break;
    }
  }
  return flags;
}

function readOwnMountInfo(): MountInfoEntry[] {
  const symbols = libc();
  const fd = symbols.open(toCString("/proc/thread-self/mountinfo"), O_RDONLY | O_CLOEXEC, 0);
  check(fd, "open /proc/thread-self/mountinfo");
  const chunks: Uint8Array[] = [];
  try {
    for (;;) {
      const buffer = new Uint8Array(65536);
      const n = Number(symbols.read(fd, buffer, BigInt(buffer.length)));
      check(n, "read /proc/thread-self/mountinfo");
      if (n === 0) break;
      chunks.push(buffer.subarray(0, n));
    }
  } finally {
    symbols.close(fd);
  }
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return parseMountInfo(new TextDecoder().decode(all));
}

function isMountPoint(mounts: readonly MountInfoEntry[], path: string): boolean {
  return mounts.some((m) => m.mountPoint === path);
}

function remountReadOnly(entry: MountInfoEntry): void {
  mount(
    undefined,
    entry.mountPoint,
    undefined,
    MS_REMOUNT | MS_BIND | MS_RDONLY | mountFlags(entry.options),
    "remount read-only",
  );
}

/**
 * Builds the read-only view of `plan` in the calling thread's (new, private) mount namespace:
 * the kernel interfaces read-only, the masked paths hidden, and, when `readOnlyEverything`,
 * every mount read-only and the writable paths bound back read-write, `nosuid`, `nodev`,
 * `noexec` unless executable. Each mount keeps its own flags. Any failure throws (the launcher
 * then runs nothing).
 *
 * Needs CAP_SYS_ADMIN, after {@linkcode enterNamespaces}. Requires `allow-ffi`.
 *
 * @example
 * ```ts ignore
 * import { applyMounts, enterNamespaces } from "./process_confinement.ts";
 * enterNamespaces();
 * applyMounts(plan.confinement);
 * ```
 */
export function applyMounts(plan: PlannedProcessConfinement): void {
  if (!plan.namespaces) return;
  // Paths that are not mount points become one (bound onto themselves) so they can be remounted.
  let mounts = readOwnMountInfo();
  for (const path of plan.readOnlyPaths) {
    if (!isMountPoint(mounts, path)) mount(path, path, undefined, MS_BIND | MS_REC, "bind");
  }
  mounts = readOwnMountInfo();
  for (const entry of mounts) {
    const kernel = plan.readOnlyPaths.some((p) => isBeneath(entry.mountPoint, p));
    if (plan.readOnlyEverything || kernel) remountReadOnly(entry);
  }
  const hidden = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  for (const { path, directory } of plan.maskedPaths) {
    if (directory) mount("tmpfs", path, "tmpfs", hidden, "mask", "size=0,mode=0555");
    else {
      mount("/dev/null", path, undefined, MS_BIND, "mask");
      mount(undefined, path, undefined, MS_REMOUNT | MS_BIND | hidden, "mask read-only");
    }
  }
  for (const { path, exec, devices } of plan.writable) {
    mount(path, path, undefined, MS_BIND | MS_REC, "bind write path");
    const flags = MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NOSYMFOLLOW | (devices ? 0 : MS_NODEV) |
      (exec ? 0 : MS_NOEXEC);
    mount(undefined, path, undefined, flags, "remount write path read-write");
  }
  for (const path of plan.protectedPaths) {
    mount(path, path, undefined, MS_BIND | MS_REC, "bind cordon's own files");
    const entry = readOwnMountInfo().findLast((m) => m.mountPoint === path);
    const kept = entry ? mountFlags(entry.options) : 0;
    mount(undefined, path, undefined, MS_REMOUNT | MS_BIND | MS_RDONLY | kept, "protect");
  }
}

function capabilityWords(caps: readonly number[]): [number, number] {
  let low = 0;
  let high = 0;
  for (const cap of caps) {
    if (cap < 32) low |= 1 << cap;
    else high |= 1 << (cap - 32);
  }
  return [low >>> 0, high >>> 0];
}

/**
 * Applies the privileges step to the calling thread: securebits locked so that uid 0 regains
 * nothing at `execve` (when privileged), every capability not kept dropped from the bounding set,
 * supplementary groups dropped and the gid set (when a group is planned), the uid set, the
 * permitted, effective and inheritable sets cut to the kept capabilities, the ambient set
 * cleared and the kept ones raised in it (so that they survive `execve`).
 *
 * Irreversible. Requires `allow-ffi`.
 *
 * @example
 * ```ts ignore
 * import { applyPrivileges } from "./process_confinement.ts";
 * applyPrivileges({ capabilities: [], privileged: true });
 * ```
 */
export function applyPrivileges(plan: PlannedPrivileges): void {
  const symbols = libc();
  const kept = new Set(plan.capabilities);
  if (plan.privileged) {
    const bits = SECUREBITS_BASE | (kept.size === 0 ? SECUREBITS_NO_AMBIENT : 0);
    const withScripts = plan.restrictScripts ? bits | SECUREBITS_EXEC_RESTRICT_FILE : bits;
    // A kernel before 6.14 refuses the exec bits (EINVAL/EPERM): the rest is set all the same
    // (what the bit adds is the cooperation of interpreters, not a deny of the kernel's own).
    if (symbols.prctl(PR_SET_SECUREBITS, BigInt(withScripts), 0n, 0n, 0n) !== 0) {
      check(symbols.prctl(PR_SET_SECUREBITS, BigInt(bits), 0n, 0n, 0n), "set securebits");
    }
    for (let cap = 0; cap < 64; cap++) {
      const present = symbols.prctl(PR_CAPBSET_READ, BigInt(cap), 0n, 0n, 0n);
      if (present < 0) {
        if (errno() === EINVAL) break; // beyond CAP_LAST_CAP
        check(present, `read bounding set (capability ${cap})`);
      }
      if (present === 1 && !kept.has(cap)) {
        check(
          symbols.prctl(PR_CAPBSET_DROP, BigInt(cap), 0n, 0n, 0n),
          `drop capability ${cap} from the bounding set`,
        );
      }
    }
  }
  if (plan.gid !== undefined) {
    check(sys("setgroups", 0, 0), "drop supplementary groups");
    check(sys("setresgid", plan.gid, plan.gid, plan.gid), `set gid ${plan.gid}`);
  }
  if (plan.uid !== undefined) {
    check(sys("setresuid", plan.uid, plan.uid, plan.uid), `set uid ${plan.uid}`);
  }
  const header = new Uint32Array([LINUX_CAPABILITY_VERSION_3, 0]);
  const [low, high] = capabilityWords(plan.capabilities);
  // struct __user_cap_data_struct[2]: { effective, permitted, inheritable } for bits 0-31, 32-63
  const data = new Uint32Array([low, low, low, high, high, high]);
  const headerBytes = new Uint8Array(header.buffer);
  const dataBytes = new Uint8Array(data.buffer);
  check(sys("capset", pointerValue(headerBytes), pointerValue(dataBytes)), "set capabilities");
  keepAlive(headerBytes, dataBytes);
  check(
    symbols.prctl(PR_CAP_AMBIENT, BigInt(PR_CAP_AMBIENT_CLEAR_ALL), 0n, 0n, 0n),
    "clear ambient capabilities",
  );
  for (const cap of plan.capabilities) {
    check(
      symbols.prctl(PR_CAP_AMBIENT, BigInt(PR_CAP_AMBIENT_RAISE), BigInt(cap), 0n, 0n),
      `raise ambient capability ${cap}`,
    );
  }
}
