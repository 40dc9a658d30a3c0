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
import { type LayerNetMaps, layerNetMaps } from "../../compile/net_rules.ts";
import { bpfObjectBytes } from "../../bpf/objects.ts";
import { BpfObject } from "./bpf_object.ts";
import type { BpfLink } from "./bpf_link.ts";
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
import { encodeNetBank, u32Key } from "../../bpf/structs.ts";

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
 * import { runNetworkUnavailable } from "./cgroup_net.ts";
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

async function removeCgroup(path: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    try {
      Deno.removeSync(path);
      return;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      // EBUSY for a moment after the last process left.
      if (attempt >= 200) throw new Error(`remove cgroup ${path}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** Kills every process of `cgroup` and waits until it is empty (bounded: about 2 s). */
async function killAll(cgroup: string): Promise<void> {
  for (let round = 0; round < 400; round++) {
    let pids: number[];
    try {
      pids = cgroupProcs(cgroup);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    if (pids.length === 0) return;
    try {
      Deno.writeTextFileSync(`${cgroup}/cgroup.kill`, "1");
    } catch {
      for (const pid of pids) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch {
          // exited meanwhile
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`processes of ${cgroup} survived SIGKILL`);
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
 * import { cleanStaleRuns } from "./cgroup_net.ts";
 * for (const path of await cleanStaleRuns()) console.error(`removed stale ${path}`);
 * ```
 */
export async function cleanStaleRuns(): Promise<string[]> {
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
    let procs: number[] = [];
    try {
      procs = cgroupProcs(cgroup);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    if (procs.length > 0) continue; // its processes still run, confined by the pinned programs
    const pins = `${BPFFS_ROOT}/${name}`;
    if (mounted("bpf", BPFFS_ROOT)) removePins(pins);
    await removeCgroup(cgroup);
    removed.push(name);
  }
  return removed;
}

/** One layer's loaded and attached programs. */
interface AttachedLayer {
  readonly object: BpfObject;
  readonly links: BpfLink[];
}

/**
 * The network confinement of one `cordon run`: a cgroup with the programs of each layer attached
 * and pinned. Put the launcher in it with {@linkcode RunNetworkConfinement.addProcess} before it
 * starts the command; {@linkcode RunNetworkConfinement.close} when the command has exited.
 *
 * @example
 * ```ts ignore
 * import { RunNetworkConfinement } from "./cgroup_net.ts";
 * import { layerNetMaps } from "../../compile/net_rules.ts";
 * await using confinement = await RunNetworkConfinement.create(layerNetMaps(set));
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

  private constructor(cgroupPath: string, pinDir: string, policies: readonly string[]) {
    this.cgroupPath = cgroupPath;
    this.pinDir = pinDir;
    this.policies = policies;
  }

  /**
   * Cleans stale runs, creates the cgroup and the pin directory, loads one `cgroup_net` object
   * per layer with its tuples, attaches and pins its programs. On failure everything made so
   * far is removed again. Throws {@linkcode NotSupportedError} when the mechanism is missing.
   */
  static async create(layers: readonly LayerNetMaps[]): Promise<RunNetworkConfinement> {
    const reason = runNetworkUnavailable();
    if (reason) throw new NotSupportedError("cgroup BPF network rules", reason);
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
      Deno.mkdirSync(pinDir, { mode: 0o700 });
      confinement.#cgroupFd = unwrap(
        libc().open(toCString(cgroupPath), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0),
        `open cgroup ${cgroupPath}`,
      );
      layers.forEach((layer, index) => confinement.#attach(layer, index));
    } catch (error) {
      await confinement.close();
      throw error;
    }
    return confinement;
  }

  #attach(layer: LayerNetMaps, index: number): void {
    const object = BpfObject.open(bpfObjectBytes("cgroup_net"), `cordon_net_${index}`);
    const attached: AttachedLayer = { object, links: [] };
    this.#layers.push(attached);
    const rodata = object.maps().find((m) => m.name.endsWith(".rodata"));
    const initial = rodata?.initialValue();
    if (initial && initial.length >= 4) {
      new DataView(initial.buffer, initial.byteOffset).setUint32(0, index + 1, true); // policy_slot
    }
    object.load();
    const rules = object.map("net_rules");
    layer.tuples.forEach((tuple, i) => {
      const bytes = new Uint8Array(tuple.bytes.length / 2);
      for (let b = 0; b < bytes.length; b++) {
        bytes[b] = parseInt(tuple.bytes.slice(2 * b, 2 * b + 2), 16);
      }
      rules.update(u32Key(i), bytes);
    });
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

  /** The processes in the cgroup now. */
  pids(): number[] {
    return this.#closed ? [] : cgroupProcs(this.cgroupPath);
  }

  /**
   * Kills what is left of the process tree in the cgroup (so that nothing keeps running
   * unconfined once the rules are lifted), unpins and detaches the programs, releases the
   * objects and removes the cgroup. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await killAll(this.cgroupPath);
    } finally {
      removePins(this.pinDir);
      for (const layer of this.#layers.reverse()) {
        for (const link of layer.links.reverse()) link.close();
        layer.object.close();
      }
      this.#layers = [];
      if (this.#cgroupFd >= 0) libc().close(this.#cgroupFd);
      this.#cgroupFd = -1;
      await removeCgroup(this.cgroupPath);
    }
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
  /** The confinement, when some layer has network rules and it could be set up. */
  readonly confinement?: RunNetworkConfinement;
  /** Puts the launcher's pid in the cgroup (a no-op without confinement). */
  beforeStart(pid: number): void;
}

/**
 * Sets up network confinement for the layers of `set` that have `network` sections. When the
 * mechanism is unavailable: throws {@linkcode NotSupportedError} naming cgroup BPF, unless
 * `allowDegraded` (then nothing is set up and `enforced` is empty, so `run` reports the section
 * as not enforced). Dispose of the result when the command has exited.
 *
 * @example
 * ```ts ignore
 * import { prepareRunNetwork } from "./cgroup_net.ts";
 * await using network = await prepareRunNetwork(set, { allowDegraded: false });
 * // launch, calling network.beforeStart(pid) before the command starts
 * ```
 */
export async function prepareRunNetwork(
  set: FilterSet,
  options: { readonly allowDegraded: boolean },
): Promise<RunNetwork> {
  const layers = layerNetMaps(set);
  const none: RunNetwork = {
    enforced: [],
    beforeStart() {},
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
  if (layers.length === 0) return none;
  let confinement: RunNetworkConfinement;
  try {
    confinement = await RunNetworkConfinement.create(layers);
  } catch (error) {
    if (error instanceof NotSupportedError && options.allowDegraded) return none;
    if (error instanceof NotSupportedError) {
      const first = set.layers.find((l) => l.network)!;
      const where = `${first.network!.loc.file}:${first.network!.loc.line}:${
        first.network!.loc.column
      }`;
      throw new NotSupportedError(
        error.feature,
        `policy "${first.policy}" has network rules (${where}) that need it: ${
          error.message.replace(/^.* not supported: /, "")
        }; accept running without them with --allow-degraded`,
        { cause: error },
      );
    }
    throw error;
  }
  return {
    enforced: ["network"],
    confinement,
    beforeStart: (pid) => confinement.addProcess(pid),
    [Symbol.asyncDispose]: () => confinement.close(),
  };
}
