/**
 * {@linkcode Cgroup}: a cgroup v2 that Cordon creates (`cordon-<pid>-<n>` under the cgroup2
 * mount, e.g. `/sys/fs/cgroup/unified`), moves target processes into, and removes again,
 * putting the processes back where they were. {@linkcode cleanStaleCgroups} removes those left
 * by a Cordon process that died.
 *
 * Requires `allow-read`, `allow-write` (cgroupfs), `allow-ffi` (directory fd for BPF attach), root.
 *
 * @module
 */

import { NotSupportedError } from "./errors.ts";
import { libc, unwrap } from "./libc.ts";
import { toCString } from "./libc.ts";
import { processCgroup } from "./proc_facts.ts";

const O_RDONLY = 0;
const O_DIRECTORY = 0o200000;
const O_CLOEXEC = 0o2000000;
const PREFIX = "cordon-";

/**
 * The cgroup v2 mount point (from `/proc/mounts`). Throws {@linkcode NotSupportedError} when
 * cgroup v2 is not mounted.
 *
 * @example
 * ```ts ignore
 * import { cgroup2Root } from "./cgroup.ts";
 * console.log(cgroup2Root()); // "/sys/fs/cgroup/unified" here
 * ```
 */
export function cgroup2Root(): string {
  let mounts = "";
  try {
    mounts = Deno.readTextFileSync("/proc/mounts");
  } catch (error) {
    throw new NotSupportedError("cgroup v2", "cannot read /proc/mounts", { cause: error });
  }
  for (const line of mounts.split("\n")) {
    const [, dir, type] = line.split(" ");
    if (type === "cgroup2" && dir) return dir.replace(/\\040/g, " ");
  }
  throw new NotSupportedError(
    "cgroup v2",
    "no cgroup2 file system is mounted (run scripts/setup.sh)",
  );
}

// The cgroup v2 path of a process, from the module of `/proc` facts.
export { processCgroup };

/**
 * Whether process `pid` exists (has a `/proc` entry): the owner of a cgroup left by a crash
 * does not.
 *
 * @example
 * ```ts ignore
 * import { processAlive } from "./cgroup.ts";
 * if (!processAlive(Deno.pid)) throw new Error();
 * ```
 */
export function processAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * The processes in the cgroup at directory `path` now (its `cgroup.procs`). Throws
 * `Deno.errors.NotFound` when the cgroup is gone.
 *
 * @example
 * ```ts ignore
 * import { cgroup2Root, cgroupProcs } from "./cgroup.ts";
 * console.log(cgroupProcs(cgroup2Root()).length);
 * ```
 */
export function cgroupProcs(path: string): number[] {
  return Deno.readTextFileSync(`${path}/cgroup.procs`).split("\n").filter((l) => l).map(Number);
}

let counter = 0;

/**
 * A cgroup v2 created by Cordon. `close()` moves its remaining processes back to the cgroups
 * they came from (or the root) and removes it; idempotent, also on `using`.
 *
 * @example
 * ```ts ignore
 * import { Cgroup } from "./cgroup.ts";
 * using group = Cgroup.create();
 * group.addProcess(child.pid);
 * console.log(group.path, group.id);
 * ```
 */
export class Cgroup implements Disposable {
  /** The directory, e.g. `/sys/fs/cgroup/unified/cordon-1234-1`. */
  readonly path: string;
  /** The cgroup2 mount it is under. */
  readonly root: string;
  #fd = -1;
  #closed = false;
  #origins = new Map<number, string>();

  private constructor(root: string, path: string) {
    this.root = root;
    this.path = path;
  }

  /** Creates a new cgroup under the cgroup2 root. */
  static create(): Cgroup {
    const root = cgroup2Root();
    for (;;) {
      const path = `${root}/${PREFIX}${Deno.pid}-${++counter}`;
      try {
        Deno.mkdirSync(path);
        return new Cgroup(root, path);
      } catch (error) {
        if (error instanceof Deno.errors.AlreadyExists) continue;
        throw error;
      }
    }
  }

  /** The cgroup id (its directory's inode number), as `bpf_get_current_cgroup_id()` gives it. */
  get id(): bigint {
    return BigInt(Deno.statSync(this.path).ino ?? 0);
  }

  /** A directory fd for BPF attach, opened on first use and closed with the cgroup. */
  get fd(): number {
    if (this.#closed) throw new TypeError(`cgroup ${this.path} is closed`);
    if (this.#fd < 0) {
      const path = toCString(this.path);
      this.#fd = unwrap(
        libc().open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0),
        `open cgroup ${this.path}`,
      );
    }
    return this.#fd;
  }

  /** Moves process `pid` (all its threads) into this cgroup, remembering where it was. */
  addProcess(pid: number): void {
    if (this.#closed) throw new TypeError(`cgroup ${this.path} is closed`);
    const origin = processCgroup(pid);
    Deno.writeTextFileSync(`${this.path}/cgroup.procs`, `${pid}\n`);
    if (origin !== undefined && !this.#origins.has(pid)) this.#origins.set(pid, origin);
  }

  /** The processes in the cgroup now. */
  pids(): number[] {
    if (this.#closed) return [];
    return cgroupProcs(this.path);
  }

  /** Moves the processes back and removes the cgroup. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#fd >= 0) libc().close(this.#fd);
    this.#fd = -1;
    evacuateAndRemove(this.root, this.path, this.#origins);
  }

  /** Same as {@linkcode Cgroup.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

function evacuateAndRemove(root: string, path: string, origins: ReadonlyMap<number, string>): void {
  // Processes may fork while we move them: repeat until empty (bounded).
  for (let round = 0; round < 100; round++) {
    let pids: number[];
    try {
      pids = cgroupProcs(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    if (pids.length === 0) break;
    for (const pid of pids) {
      const origin = origins.get(pid);
      const target = origin && origin !== "/" ? `${root}${origin}` : root;
      try {
        Deno.writeTextFileSync(`${target}/cgroup.procs`, `${pid}\n`);
      } catch {
        try {
          Deno.writeTextFileSync(`${root}/cgroup.procs`, `${pid}\n`);
        } catch {
          // exited meanwhile
        }
      }
    }
  }
  // rmdir can fail with EBUSY for a moment after the last exit: retry a bounded number of times.
  for (let attempt = 0;; attempt++) {
    try {
      Deno.removeSync(path);
      return;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      if (attempt >= 50) throw error;
    }
  }
}

/**
 * Removes the `cordon-<pid>-*` cgroups whose creating process is gone (left by a crash),
 * moving any processes in them to the root. Returns the paths removed.
 *
 * @example
 * ```ts ignore
 * import { cleanStaleCgroups } from "./cgroup.ts";
 * for (const path of cleanStaleCgroups()) console.error(`removed stale ${path}`);
 * ```
 */
export function cleanStaleCgroups(): string[] {
  const root = cgroup2Root();
  const removed: string[] = [];
  for (const entry of Deno.readDirSync(root)) {
    const match = /^cordon-(\d+)-\d+$/.exec(entry.name);
    if (!entry.isDirectory || !match) continue;
    if (processAlive(Number(match[1]))) continue;
    const path = `${root}/${entry.name}`;
    evacuateAndRemove(root, path, new Map());
    removed.push(path);
  }
  return removed;
}
