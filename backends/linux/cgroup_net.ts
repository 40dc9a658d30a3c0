/**
 * Network confinement for `cordon run`: a cgroup v2 of its own for the launched process tree
 * (`<cgroup2 root>/cordon-run-<pid>-<random>`), with `bpf/cgroup_net.bpf.c`'s `connect4/6`,
 * `sendmsg4/6` and `bind4/6` programs attached once per policy layer that has a `network`
 * section (the kernel runs every attached program; an operation passes only when all allow it),
 * their maps holding the layer's allowed tuples (`compile/net_rules.ts`).
 *
 * The links are pinned in bpffs (`/sys/fs/bpf/cordon-run-<pid>-<random>/`), so that the rules
 * stay in force even if `cordon run` itself is killed: a program cannot leave its network
 * confinement by outliving its supervisor. {@linkcode RunNetworkConfinement.close} (run when
 * the command exits) kills what is left of the tree in the cgroup, removes the pins (which
 * detaches the programs), releases the objects and removes the cgroup.
 * {@linkcode cleanStaleRuns} removes the cgroups and pins of earlier runs whose `cordon run`
 * died and whose processes have all exited; it runs before every new confinement.
 *
 * Requires `allow-ffi`, `allow-read`, `allow-write`, root (CAP_BPF, CAP_NET_ADMIN, cgroupfs).
 *
 * @module
 */

import type { FilterSet } from "../../compile/filter_set.ts";
import type { Degradation } from "./run.ts";
import {
  type DeviceAllowance,
  deviceNumberAllowance,
  type LayerGuardMaps,
  layerGuardMaps,
  type LayerNetMaps,
  layerNetMaps,
  sockKindBits,
  unixSocketAllowance,
} from "../../compile/net_rules.ts";
import { bpfObjectBytes } from "../../bpf/objects.ts";
import { BpfObject } from "./bpf_object.ts";
import type { BpfLink } from "./bpf_link.ts";
import type { BpfMap } from "./bpf_map.ts";
import { cgroup2Root, cgroupProcs, processAlive } from "./cgroup.ts";
import { CGROUP_NET_PROGRAMS } from "./cgroup_firewall.ts";
import { KernelError, NotSupportedError } from "./errors.ts";
import {
  errno,
  errnoDetail,
  hostSyscallNumber,
  keepAlive,
  libc,
  toCString,
  unwrap,
} from "./libc.ts";
import {
  CORDON_GUARD,
  CORDON_GUARD_MAX,
  encodeGuardConfig,
  encodeNetBank,
  u32Key,
} from "../../bpf/structs.ts";
import { formatLocation } from "../../policies/types.ts";

/** The name prefix of run cgroups and pin directories. */
export const RUN_CGROUP_PREFIX = "cordon-run-";
/** Where bpffs is expected. */
export const BPFFS_ROOT = "/sys/fs/bpf";

const BPF_OBJ_PIN = 6;
const O_RDONLY = 0;
const O_DIRECTORY = Deno.build.arch === "aarch64" ? 0o40000 : 0o200000;
const O_CLOEXEC = 0o2000000;
const STALE_NAME = /^cordon-run-(\d+)-[0-9a-f]+$/;

function mounted(type: string, dir: string): boolean {
  try {
    return Deno.readTextFileSync("/proc/mounts").split("\n").some((line) => {
      const [, at, fstype] = line.split(" ");
      return at === dir && fstype === type;
    });
  } catch {
    return false;
  }
}

/**
 * Why network confinement cannot be set up here, or `null` when it can: cgroup v2 and bpffs
 * mounted, root.
 *
 * @example
 * ```ts ignore
 * import { runNetworkUnavailable } from "@cordon/cordon/linux";
 * const reason = runNetworkUnavailable();
 * if (reason) console.error(`no network confinement: ${reason}`);
 * ```
 */
export function runNetworkUnavailable(): string | null {
  if (Deno.build.os !== "linux") return `needs Linux, not ${Deno.build.os}`;
  try {
    cgroup2Root();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (!mounted("bpf", BPFFS_ROOT)) {
    return `bpffs is not mounted at ${BPFFS_ROOT} (run scripts/setup.sh)`;
  }
  if (Deno.uid() !== 0) return "needs root (CAP_BPF, CAP_NET_ADMIN and a writable cgroup2)";
  return null;
}

function pinObject(fd: number, path: string): void {
  const pathBytes = toCString(path);
  const attr = new Uint8Array(16); // union bpf_attr, BPF_OBJ_PIN: pathname, bpf_fd, file_flags
  const view = new DataView(attr.buffer);
  view.setBigUint64(0, BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(pathBytes))), true);
  view.setUint32(8, fd, true);
  const result = libc().syscall(
    BigInt(hostSyscallNumber("bpf")),
    BigInt(BPF_OBJ_PIN),
    BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(attr))),
    BigInt(attr.length),
    0n,
    0n,
    0n,
  );
  keepAlive(pathBytes, attr);
  if (result < 0) {
    const code = errno();
    throw new KernelError(`pin BPF link at ${path}`, code, errnoDetail(code));
  }
}

function removePins(dir: string): void {
  try {
    for (const entry of Deno.readDirSync(dir)) Deno.removeSync(`${dir}/${entry.name}`);
    Deno.removeSync(dir);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/** Whether the cgroup at `path` or any cgroup beneath it has a process (`cgroup.events`). */
function populated(path: string): boolean {
  return /^populated 1$/m.test(Deno.readTextFileSync(`${path}/cgroup.events`));
}

/** The cgroup directories beneath `path`, deepest first (for removal bottom-up). */
function descendants(path: string): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(path)) {
    if (!entry.isDirectory) continue;
    const child = `${path}/${entry.name}`;
    out.push(...descendants(child), child);
  }
  return out;
}

/**
 * Waits (bounded by `timeoutMs`) until `cgroup.events` says no process is left in the cgroup at
 * `path` or beneath it: woken by the kernel's change notification on that file, no polling.
 */
async function waitUnpopulated(path: string, timeoutMs: number): Promise<boolean> {
  const watcher = Deno.watchFs(`${path}/cgroup.events`, { recursive: false });
  const timer = setTimeout(() => watcher.close(), timeoutMs);
  try {
    if (!populated(path)) return true;
    for await (const _ of watcher) {
      if (!populated(path)) return true;
    }
    return !populated(path);
  } finally {
    clearTimeout(timer);
    try {
      watcher.close();
    } catch {
      // closed by the timer
    }
  }
}

/**
 * Kills every process of the cgroup at `path` and of every cgroup beneath it (`cgroup.kill`,
 * Linux 5.14), then waits until the whole subtree is empty. Throws when it is not empty within
 * `timeoutMs` (a process the kernel cannot kill, e.g. stuck in uninterruptible sleep).
 */
async function killSubtree(path: string, timeoutMs = 10_000): Promise<void> {
  try {
    if (!populated(path)) return;
    Deno.writeTextFileSync(`${path}/cgroup.kill`, "1");
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw new Error(`kill the processes of ${path}`, { cause: error });
  }
  if (!(await waitUnpopulated(path, timeoutMs))) {
    throw new Error(`processes of ${path} survived cgroup.kill for ${timeoutMs} ms`);
  }
}

/** Removes the (empty) cgroup at `path` and every cgroup beneath it, bottom-up. */
function removeSubtree(path: string): void {
  let dirs: string[];
  try {
    dirs = [...descendants(path), path];
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  for (const dir of dirs) {
    try {
      Deno.removeSync(dir);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        throw new Error(`remove cgroup ${dir}`, { cause: error });
      }
    }
  }
}

/**
 * Removes the run cgroups and pin directories of earlier runs whose `cordon run` process is
 * gone and whose cgroup has no process left (a run whose processes still live stays confined
 * and is left alone). Returns the paths removed.
 *
 * Requires `allow-read`, `allow-write`, root.
 *
 * @example
 * ```ts ignore
 * import { cleanStaleRuns } from "@cordon/cordon/linux";
 * for (const path of await cleanStaleRuns()) console.error(`removed stale ${path}`);
 * ```
 */
export function cleanStaleRuns(): Promise<string[]> {
  const removed: string[] = [];
  const root = cgroup2Root();
  const names = new Set<string>();
  for (const dir of [root, BPFFS_ROOT]) {
    try {
      for (const entry of Deno.readDirSync(dir)) {
        if (entry.isDirectory && STALE_NAME.test(entry.name)) names.add(entry.name);
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  for (const name of [...names].sort()) {
    const owner = Number(STALE_NAME.exec(name)![1]);
    if (owner === Deno.pid || processAlive(owner)) continue;
    const cgroup = `${root}/${name}`;
    let live = false;
    try {
      live = populated(cgroup); // the whole subtree: a daemon in a child cgroup counts
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    if (live) continue; // its processes still run, confined by the pinned programs
    const pins = `${BPFFS_ROOT}/${name}`;
    if (mounted("bpf", BPFFS_ROOT)) removePins(pins);
    removeSubtree(cgroup);
    removed.push(name);
  }
  return Promise.resolve(removed);
}

/** One layer's loaded and attached programs. */
interface AttachedLayer {
  readonly object: BpfObject;
  readonly links: BpfLink[];
  /** Issue 14: for the network rules' object (`cgroup_net`), the layer's policy. */
  readonly netPolicy?: string;
}

/** The guard's cgroup programs, in attach order (`bpf/cgroup_guard.bpf.c`). */
export const CGROUP_GUARD_PROGRAMS = [
  "cordon_guard_dev",
  "cordon_guard_sock_create",
  "cordon_guard_egress",
  "cordon_guard_setsockopt",
  "cordon_guard_connect_unix",
  "cordon_guard_sendmsg_unix",
] as const;
/** The guard's tracing program (`listen()` autobind), attached globally, deciding by cgroup. */
export const GUARD_LISTEN_PROGRAM = "cordon_guard_listen";
/**
 * The `cordon_guard_config.flags` under which each guard program decides anything: with none of
 * its flags set a program allows everything, so it is neither loaded (no verifier time at start-up)
 * nor attached (no cost per packet, socket or TCP state change, the listen tracepoint being
 * global).
 */
const GUARD_PROGRAM_FLAGS: Readonly<Record<string, number>> = {
  cordon_guard_dev: CORDON_GUARD.devices,
  cordon_guard_sock_create: CORDON_GUARD.sockKinds,
  cordon_guard_egress: CORDON_GUARD.noIpOptions,
  cordon_guard_setsockopt: CORDON_GUARD.noIpOptions,
  cordon_guard_connect_unix: CORDON_GUARD.unix,
  cordon_guard_sendmsg_unix: CORDON_GUARD.unix,
  [GUARD_LISTEN_PROGRAM]: CORDON_GUARD.denyAutobind4 | CORDON_GUARD.denyAutobind6,
};

/** Whether the guard program `program` decides anything under `flags`. */
function guardProgramNeeded(program: string, flags: number): boolean {
  return (flags & (GUARD_PROGRAM_FLAGS[program] ?? 0)) !== 0;
}

/** `enum bpf_attach_type` values libbpf 1.1 has no section name for. */
const UNIX_ATTACH_TYPES: Readonly<Record<string, number>> = {
  cordon_guard_connect_unix: 49, // BPF_CGROUP_UNIX_CONNECT
  cordon_guard_sendmsg_unix: 50, // BPF_CGROUP_UNIX_SENDMSG
};

/** Options of {@linkcode RunNetworkConfinement.create}. */
export interface ConfinementOptions {
  /** The guard maps of every layer (`compile/net_rules.ts` `layerGuardMaps`); default none. */
  readonly guards?: readonly LayerGuardMaps[];
  /** Run without the Unix socket programs when the kernel lacks them (Linux < 6.7). */
  readonly allowDegraded?: boolean;
}

/** `(major, minor)` of a device number `rdev` as Linux encodes it. */
function deviceNumbers(rdev: number): [number, number] {
  const value = BigInt(rdev);
  const major = Number(((value >> 8n) & 0xfffn) | ((value >> 32n) & ~0xfffn));
  const minor = Number((value & 0xffn) | ((value >> 12n) & ~0xffn));
  return [major, minor];
}

/**
 * The device rules of a guard with its paths resolved (`stat`): a path that is not a device
 * node stops the run, naming the policy's line. Adds the character devices of this process's
 * standard streams (a terminal the command inherits stays usable when reopened).
 */
export function resolveDevices(
  devices: readonly DeviceAllowance[],
): (DeviceAllowance & { kind: "number" })[] {
  const out: (DeviceAllowance & { kind: "number" })[] = [];
  for (const device of devices) {
    if (device.kind === "number") {
      out.push(device);
      continue;
    }
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(device.path);
    } catch (error) {
      const where = `${formatLocation(device.loc)}`;
      throw new Error(`${where}: privileges.devices "${device.path}": cannot stat it`, {
        cause: error,
      });
    }
    if (!info.isCharDevice && !info.isBlockDevice) {
      const where = `${formatLocation(device.loc)}`;
      throw new TypeError(`${where}: privileges.devices "${device.path}" is not a device node`);
    }
    const [major, minor] = deviceNumbers(info.rdev ?? 0);
    out.push(deviceNumberAllowance(info.isCharDevice ? "char" : "block", major, minor, "policy"));
  }
  for (const fd of [0, 1, 2]) {
    try {
      const info = Deno.statSync(`/proc/self/fd/${fd}`);
      if (!info.isCharDevice) continue;
      const [major, minor] = deviceNumbers(info.rdev ?? 0);
      if (out.some((d) => d.type === "char" && d.major === major && d.minor === minor)) continue;
      out.push(deviceNumberAllowance("char", major, minor, "stdio"));
    } catch {
      // closed or not stat-able: nothing to add
    }
  }
  return out.slice(0, CORDON_GUARD_MAX.devices);
}

function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let b = 0; b < bytes.length; b++) bytes[b] = parseInt(hex.slice(2 * b, 2 * b + 2), 16);
  return bytes;
}

/**
 * The confinement of one `cordon run`: a cgroup (every run has one) with, per layer, the guard
 * programs of `bpf/cgroup_guard.bpf.c` and, per layer with a `network` section, the programs of
 * `bpf/cgroup_net.bpf.c`, attached and pinned. Put the launcher in it with
 * {@linkcode RunNetworkConfinement.addProcess} before it starts the command;
 * {@linkcode RunNetworkConfinement.close} when the command has exited.
 *
 * @example
 * ```ts ignore
 * import { RunNetworkConfinement } from "@cordon/cordon/linux";
 * import { layerGuardMaps, layerNetMaps } from "@cordon/cordon";
 * await using confinement = await RunNetworkConfinement.create(layerNetMaps(set), {
 *   guards: layerGuardMaps(set),
 * });
 * confinement.addProcess(child.pid);
 * ```
 */
export class RunNetworkConfinement implements AsyncDisposable {
  /** The cgroup directory. */
  readonly cgroupPath: string;
  /** The directory of the pinned links in bpffs. */
  readonly pinDir: string;
  /** The policies whose network rules are attached. */
  readonly policies: readonly string[];
  #layers: AttachedLayer[] = [];
  #cgroupFd = -1;
  #closed = false;
  #unixMissing = false;

  private constructor(cgroupPath: string, pinDir: string, policies: readonly string[]) {
    this.cgroupPath = cgroupPath;
    this.pinDir = pinDir;
    this.policies = policies;
  }

  /** Whether the Unix socket programs are missing (kernel before 6.7, with `allowDegraded`). */
  get unixMissing(): boolean {
    return this.#unixMissing;
  }

  /**
   * Cleans stale runs, creates the cgroup and the pin directory, loads one `cgroup_guard`
   * object per guard and one `cgroup_net` object per network layer, attaches and pins their
   * programs. On failure everything made so far is removed again. Throws
   * {@linkcode NotSupportedError} when a mechanism is missing: cgroup v2, bpffs/root,
   * `cgroup.kill` (Linux 5.14), `cgroup/connect_unix` (Linux 6.7; unless `allowDegraded`).
   */
  static async create(
    layers: readonly LayerNetMaps[],
    options: ConfinementOptions = {},
  ): Promise<RunNetworkConfinement> {
    try {
      cgroup2Root();
    } catch (error) {
      if (error instanceof NotSupportedError) throw error;
      throw new NotSupportedError("cgroup v2", String(error), { cause: error });
    }
    const reason = runNetworkUnavailable();
    if (reason) throw new NotSupportedError("cgroup BPF", reason);
    await cleanStaleRuns();
    const random = crypto.getRandomValues(new Uint8Array(4));
    const name = `${RUN_CGROUP_PREFIX}${Deno.pid}-${
      [...random].map((b) => b.toString(16).padStart(2, "0")).join("")
    }`;
    const cgroupPath = `${cgroup2Root()}/${name}`;
    const pinDir = `${BPFFS_ROOT}/${name}`;
    Deno.mkdirSync(cgroupPath);
    const confinement = new RunNetworkConfinement(
      cgroupPath,
      pinDir,
      layers.map((l) => l.policy),
    );
    try {
      try {
        Deno.statSync(`${cgroupPath}/cgroup.kill`);
      } catch (error) {
        throw new NotSupportedError(
          "cgroup.kill",
          "this kernel's cgroup v2 has no cgroup.kill (Linux 5.14), needed to end every process of a run",
          { cause: error },
        );
      }
      Deno.mkdirSync(pinDir, { mode: 0o700 });
      confinement.#cgroupFd = unwrap(
        libc().open(toCString(cgroupPath), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0),
        `open cgroup ${cgroupPath}`,
      );
      (options.guards ?? []).forEach((guard, index) =>
        confinement.#attachGuard(guard, index, options.allowDegraded === true)
      );
      layers.forEach((layer, index) => confinement.#attach(layer, index));
    } catch (error) {
      await confinement.close();
      throw error;
    }
    return confinement;
  }

  #openGuard(index: number, withUnix: boolean, flags: number): BpfObject {
    const object = BpfObject.open(bpfObjectBytes("cgroup_guard"), `cordon_guard_${index}`);
    for (const program of [...CGROUP_GUARD_PROGRAMS, GUARD_LISTEN_PROGRAM]) {
      if (!guardProgramNeeded(program, flags)) object.program(program).autoload = false;
    }
    for (const [program, type] of Object.entries(UNIX_ATTACH_TYPES)) {
      if (withUnix) object.program(program).setExpectedAttachType(type);
      else object.program(program).autoload = false;
    }
    return object;
  }

  #attachGuard(guard: LayerGuardMaps, index: number, allowDegraded: boolean): void {
    let object = this.#openGuard(index, true, guard.flags);
    try {
      object.load();
    } catch (error) {
      object.close();
      // Which part did the kernel reject? Without the Unix programs it loads: they are missing.
      object = this.#openGuard(index, false, guard.flags);
      try {
        object.load();
      } catch {
        object.close();
        if (error instanceof KernelError && error.code === "EPERM") {
          // This process may not load BPF programs at all (no CAP_BPF/CAP_NET_ADMIN).
          throw new NotSupportedError(
            "cgroup BPF",
            `the kernel refuses this process the run cgroup's guard programs: ${error.message}`,
            { cause: error },
          );
        }
        throw error;
      }
      if (!allowDegraded) {
        object.close();
        throw new NotSupportedError(
          "cgroup/connect_unix",
          "this kernel rejects cgroup/connect_unix and sendmsg_unix programs (Linux 6.7), which decide the Unix sockets a command may reach",
          { cause: error },
        );
      }
      this.#unixMissing = true;
    }
    const attached: AttachedLayer = { object, links: [] };
    this.#layers.push(attached);
    const devices = resolveDevices(guard.devices);
    devices.forEach((d, i) => object.map("guard_devices").update(u32Key(i), hexBytes(d.bytes)));
    guard.unix.forEach((u, i) => object.map("guard_unix").update(u32Key(i), hexBytes(u.bytes)));
    object.map("guard_cgroup").update(u32Key(0), u32Key(this.#cgroupFd));
    object.map("guard_config").update(
      u32Key(0),
      encodeGuardConfig({
        flags: guard.flags,
        sockKinds: sockKindBits(guard),
        devices: devices.length,
        unixRules: guard.unix.length,
      }),
    );
    for (const program of CGROUP_GUARD_PROGRAMS) {
      if (this.#unixMissing && program in UNIX_ATTACH_TYPES) continue;
      if (!guardProgramNeeded(program, guard.flags)) continue;
      const link = object.program(program).attachCgroup(this.#cgroupFd, this.cgroupPath);
      attached.links.push(link);
      pinObject(link.fd, `${this.pinDir}/guard${index}_${program}`);
    }
    if (guardProgramNeeded(GUARD_LISTEN_PROGRAM, guard.flags)) {
      const listen = object.program(GUARD_LISTEN_PROGRAM).attach();
      attached.links.push(listen);
      pinObject(listen.fd, `${this.pinDir}/guard${index}_${GUARD_LISTEN_PROGRAM}`);
    }
  }

  #attach(layer: LayerNetMaps, index: number): void {
    const object = BpfObject.open(bpfObjectBytes("cgroup_net"), `cordon_net_${index}`);
    const attached: AttachedLayer = { object, links: [], netPolicy: layer.policy };
    this.#layers.push(attached);
    const rodata = object.maps().find((m) => m.name.endsWith(".rodata"));
    const initial = rodata?.initialValue();
    if (initial && initial.length >= 4) {
      new DataView(initial.buffer, initial.byteOffset).setUint32(0, index + 1, true); // policy_slot
    }
    object.load();
    const rules = object.map("net_rules");
    layer.tuples.forEach((tuple, i) => rules.update(u32Key(i), hexBytes(tuple.bytes)));
    object.map("net_banks").update(u32Key(0), encodeNetBank(layer.tuples.length, layer.flags));
    object.map("net_active").update(u32Key(0), u32Key(0));
    for (const program of CGROUP_NET_PROGRAMS) {
      const link = object.program(program).attachCgroup(this.#cgroupFd, this.cgroupPath);
      attached.links.push(link);
      pinObject(link.fd, `${this.pinDir}/${index}_${program}`);
    }
  }

  /** Moves process `pid` (all its threads) into the cgroup; its children are born there. */
  addProcess(pid: number): void {
    if (this.#closed) throw new TypeError(`network confinement ${this.cgroupPath} is closed`);
    Deno.writeTextFileSync(`${this.cgroupPath}/cgroup.procs`, `${pid}\n`);
  }

  /**
   * Issue 14 (`--explain`): the `net_events` ring buffer (a `netDeny` record per refused
   * connect, bind or sendmsg) and `net_stats` map (per-CPU: allowed, denied, records lost) of
   * each layer with network rules, with its policy. Valid until {@linkcode close}.
   */
  denialMaps(): { readonly policy: string; readonly events: BpfMap; readonly stats: BpfMap }[] {
    if (this.#closed) return [];
    return this.#layers.flatMap((l) =>
      l.netPolicy === undefined ? [] : [{
        policy: l.netPolicy,
        events: l.object.map("net_events"),
        stats: l.object.map("net_stats"),
      }]
    );
  }

  /** The processes in the cgroup now (not those of cgroups beneath it). */
  pids(): number[] {
    return this.#closed ? [] : cgroupProcs(this.cgroupPath);
  }

  /**
   * Kills every process of the cgroup and of the cgroups the command made beneath it
   * (`cgroup.kill`), waits until `cgroup.events` says the whole subtree is empty, and only then
   * unpins and detaches the programs, releases the objects and removes the cgroups bottom-up
   * (so that nothing keeps running once the rules are lifted). If processes survive, the
   * programs stay pinned (the processes stay confined) and it throws. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await killSubtree(this.cgroupPath);
    } catch (error) {
      // Leave the pins: whatever survived stays confined; the next run's stale cleanup retries.
      // Closing a pinned link's fd does not detach it.
      for (const layer of this.#layers) {
        for (const link of layer.links) link.close();
        layer.object.close();
      }
      this.#layers = [];
      if (this.#cgroupFd >= 0) libc().close(this.#cgroupFd);
      this.#cgroupFd = -1;
      throw error;
    }
    removePins(this.pinDir);
    for (const layer of this.#layers.reverse()) {
      for (const link of layer.links.reverse()) link.close();
      layer.object.close();
    }
    this.#layers = [];
    if (this.#cgroupFd >= 0) libc().close(this.#cgroupFd);
    this.#cgroupFd = -1;
    removeSubtree(this.cgroupPath);
  }

  /** Same as {@linkcode RunNetworkConfinement.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** What {@linkcode prepareRunNetwork} set up. */
export interface RunNetwork extends AsyncDisposable {
  /** `["network"]` when every layer's network rules are attached, else `[]`. */
  readonly enforced: readonly "network"[];
  /** The run's cgroup confinement (every run has one unless degraded). */
  readonly confinement?: RunNetworkConfinement;
  /** What this run does not enforce for lack of a mechanism (with `allowDegraded`). */
  readonly degraded: readonly Degradation[];
  /** Puts the launcher's pid in the cgroup (a no-op without confinement). */
  beforeStart(pid: number): void;
}

/**
 * Sets up the run's cgroup confinement: a cgroup for every run, one guard per layer (devices,
 * socket kinds, IP options, `listen()` autobind, Unix sockets; see `compile/net_rules.ts`
 * `layerGuard`) and the network rules of the layers that have `network` sections. When a
 * mechanism is unavailable: throws {@linkcode NotSupportedError} naming it (cgroup v2, cgroup
 * BPF, `cgroup.kill`, `cgroup/connect_unix`), unless `allowDegraded` (then what is missing is in
 * `degraded`, and `enforced` is empty when network rules are not attached, so `run` reports the
 * section as not enforced). Dispose of the result when the command has exited.
 *
 * @example
 * ```ts ignore
 * import { prepareRunNetwork } from "@cordon/cordon/linux";
 * await using network = await prepareRunNetwork(set, { allowDegraded: false });
 * // launch, calling network.beforeStart(pid) before the command starts
 * ```
 */
export async function prepareRunNetwork(
  set: FilterSet,
  options: {
    readonly allowDegraded: boolean;
    /** Issue 15: pathname sockets every layer's guard also allows (Cordon's own servers). */
    readonly extraUnixSockets?: readonly string[];
  },
): Promise<RunNetwork> {
  const layers = layerNetMaps(set);
  const extra = (options.extraUnixSockets ?? []).map(unixSocketAllowance);
  const guards = layerGuardMaps(set).map((g) =>
    extra.length === 0 ? g : { ...g, unix: [...g.unix, ...extra] }
  );
  const none = (mechanism: string): RunNetwork => ({
    enforced: [],
    degraded: set.layers.map((layer) => ({
      policy: layer.policy,
      section: "privileges",
      mechanism,
      blocking: true,
      loc: layer.privileges?.loc ?? layer.loc,
    })),
    beforeStart() {},
    [Symbol.asyncDispose]: () => Promise.resolve(),
  });
  let confinement: RunNetworkConfinement;
  try {
    confinement = await RunNetworkConfinement.create(layers, {
      guards,
      allowDegraded: options.allowDegraded,
    });
  } catch (error) {
    if (!(error instanceof NotSupportedError)) throw error;
    const detail = error.message.replace(/^.* not supported: /, "");
    if (options.allowDegraded) {
      return none(
        `${error.feature} (the run cgroup: devices, socket kinds, Unix sockets, ending what the command leaves; ${detail})`,
      );
    }
    const first = set.layers.find((l) => l.network);
    if (first) {
      const loc = first.network!.loc;
      throw new NotSupportedError(
        error.feature,
        `policy "${first.policy}" has network rules (${
          formatLocation(loc)
        }) that need it: ${detail}; accept running without them with --allow-degraded`,
        { cause: error },
      );
    }
    throw new NotSupportedError(
      error.feature,
      `cordon run confines every command in a cgroup of its own (devices, sockets, cleanup of what it leaves): ${detail}; accept running without it with --allow-degraded`,
      { cause: error },
    );
  }
  return {
    enforced: layers.length > 0 ? ["network"] : [],
    confinement,
    degraded: confinement.unixMissing
      ? set.layers.map((layer) => ({
        policy: layer.policy,
        section: "network",
        mechanism: "cgroup/connect_unix (Unix socket rules, Linux 6.7)",
        blocking: true,
        loc: layer.network?.loc ?? layer.loc,
      }))
      : [],
    beforeStart: (pid) => confinement.addProcess(pid),
    [Symbol.asyncDispose]: () => confinement.close(),
  };
}
