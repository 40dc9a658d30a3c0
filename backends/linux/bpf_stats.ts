/**
 * Figures of Cordon's BPF programs and maps loaded in the kernel now, by whichever cordon
 * process loaded them (`monitor`, `apply`, `run --monitor`): per program the kernel's run count
 * and run time (`bpf_prog_info.run_cnt`/`run_time_ns`, counted while `kernel.bpf_stats_enabled`
 * is on), per map its entries, and per loaded monitor its in-kernel counters (`struct
 * cordon_stats`: syscalls counted, events submitted, events lost to a full ring buffer, kills,
 * processes not tracked because the table was full, calls over a rate limit). The numbers
 * behind `cordon stats`; `cordon programs` lists the same programs.
 *
 * Requires `allow-ffi`, `allow-read=/proc,/sys` and root.
 *
 * @module
 */

import { kernelPrograms, type LoadedProgram, PROG_TYPE_NAMES } from "./bpf_program.ts";
import { possibleCpus } from "./bpf_map.ts";
import { check, libbpf } from "./libbpf.ts";
import { libc } from "./libc.ts";
import { KernelError, NotSupportedError } from "./errors.ts";
import { decodeStats, STRUCTS, u32Key } from "../../bpf/structs.ts";
import { liveThreadCounts } from "./thread_counts.ts";

/** A process holding a file descriptor of a program or map. */
export interface BpfOwner {
  /** Its pid. */
  readonly pid: number;
  /** Its command name. */
  readonly comm: string;
}

/** One of Cordon's programs, with the kernel's run statistics. */
export interface ProgramStats {
  /** The kernel's program id. */
  readonly id: number;
  /** The program name (`cordon_*`). */
  readonly name: string;
  /** The program type, e.g. `"tracing"`. */
  readonly type: string;
  /** Ids of its maps. */
  readonly mapIds: readonly number[];
  /** Times it ran (cumulative, or during the sample). */
  readonly runCount: number;
  /** Nanoseconds it ran (cumulative, or during the sample). */
  readonly runTimeNs: number;
  /** Mean nanoseconds per run, when it ran. */
  readonly nsPerRun?: number;
  /** Processes holding it (usually the cordon process that loaded it). */
  readonly owners: readonly BpfOwner[];
}

/** One map of Cordon's programs. */
export interface MapStats {
  /** The kernel's map id. */
  readonly id: number;
  /** The map name. */
  readonly name: string;
  /** The map type, e.g. `"hash"`. */
  readonly type: string;
  /** Key size in bytes. */
  readonly keySize: number;
  /** Value size in bytes. */
  readonly valueSize: number;
  /** Capacity (for a ring buffer: its size in bytes). */
  readonly maxEntries: number;
  /** Entries in use, for hash maps (counted by iterating the keys). */
  readonly entries?: number;
}

/** The in-kernel counters of one loaded monitor (`bpf/monitor.bpf.c`'s `stats` map). */
export interface MonitorStats {
  /** The id of its `stats` map (one per loaded monitor). */
  readonly statsMapId: number;
  /** Its programs' ids. */
  readonly programIds: readonly number[];
  /** Processes holding it. */
  readonly owners: readonly BpfOwner[];
  /** Processes it tracks now (entries of its `procs` map). */
  readonly trackedProcesses: number;
  /** Syscalls of monitored processes counted. */
  readonly syscalls: number;
  /** Events submitted to its ring buffer. */
  readonly events: number;
  /** Events lost because its ring buffer was full. */
  readonly lost: number;
  /** SIGKILLs sent by its kill actions. */
  readonly kills: number;
  /** Processes not tracked because its `procs` table was full. */
  readonly procsFull: number;
  /** Calls over a rate limit. */
  readonly rateLimited: number;
}

/** What {@linkcode cordonStats} reports. */
export interface CordonStats {
  /**
   * Whether program runs are being counted: `kernel.bpf_stats_enabled` is on, or this call's
   * sample switched counting on. (A `BPF_ENABLE_STATS` handle held by another process also
   * makes the kernel count, but cannot be seen.)
   */
  readonly runStatsEnabled: boolean;
  /** Milliseconds sampled: program and monitor figures are then differences over it. */
  readonly sampleMs?: number;
  /** Cordon's programs, by id. */
  readonly programs: readonly ProgramStats[];
  /** Their maps, by id. */
  readonly maps: readonly MapStats[];
  /** The loaded monitors. */
  readonly monitors: readonly MonitorStats[];
}

/** Options of {@linkcode cordonStats}. */
export interface CordonStatsOptions {
  /**
   * Sample for this many milliseconds with run statistics switched on (`BPF_ENABLE_STATS`, off
   * again afterwards) and report what happened during it. Default: cumulative figures.
   */
  readonly sampleMs?: number;
  /** Program name prefix (default `"cordon_"`). */
  readonly prefix?: string;
}

const MAP_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: "hash",
  2: "array",
  5: "percpu_hash",
  6: "percpu_array",
  9: "lru_hash",
  27: "ringbuf",
  29: "task_storage",
};

const HASH_TYPES = new Set([1, 5, 9, 10]);
const BPF_STATS_RUN_TIME = 0;

interface RawMap {
  id: number;
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  name: string;
}

function withMapFd<T>(id: number, fn: (fd: number) => T): T | undefined {
  const fd = libbpf().bpf_map_get_fd_by_id(id);
  if (fd < 0) return undefined; // gone since it was listed
  try {
    return fn(fd);
  } finally {
    libc().close(fd);
  }
}

function mapInfo(fd: number, id: number): RawMap | undefined {
  const info = new Uint8Array(88); // struct bpf_map_info
  const length = new Uint32Array([info.length]);
  if (libbpf().bpf_obj_get_info_by_fd(fd, info, new Uint8Array(length.buffer)) < 0) {
    return undefined;
  }
  const view = new DataView(info.buffer);
  return {
    id,
    type: view.getUint32(0, true),
    keySize: view.getUint32(8, true),
    valueSize: view.getUint32(12, true),
    maxEntries: view.getUint32(16, true),
    name: new TextDecoder().decode(info.subarray(24, 40)).replace(/\0.*$/s, ""),
  };
}

/** Calls `fn` with each key of the map `fd` (at most `limit + 1` of them), in the kernel's order. */
function forEachKey(fd: number, keySize: number, limit: number, fn: (key: Uint8Array) => void) {
  const symbols = libbpf();
  const key = new Uint8Array(Math.max(keySize, 1));
  const next = new Uint8Array(key.length);
  let count = 0;
  let first = true;
  while (count <= limit) {
    if (symbols.bpf_map_get_next_key(fd, first ? null : key, next) < 0) break;
    first = false;
    key.set(next);
    count++;
    fn(key);
  }
}

function countKeys(fd: number, keySize: number, limit: number): number {
  let count = 0;
  forEachKey(fd, keySize, limit, () => count++);
  return count;
}

/** Owners of BPF objects, from `/proc/PID/fdinfo` (`prog_id:` and `map_id:` lines). */
function bpfOwners(): { programs: Map<number, BpfOwner[]>; maps: Map<number, BpfOwner[]> } {
  const programs = new Map<number, BpfOwner[]>();
  const maps = new Map<number, BpfOwner[]>();
  const add = (table: Map<number, BpfOwner[]>, id: number, owner: BpfOwner) => {
    const list = table.get(id) ?? [];
    if (!list.some((o) => o.pid === owner.pid)) list.push(owner);
    table.set(id, list);
  };
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const pid = Number(entry.name);
    let comm = "";
    try {
      comm = Deno.readTextFileSync(`/proc/${pid}/comm`).trim();
      for (const fd of Deno.readDirSync(`/proc/${pid}/fd`)) {
        // A descriptor may close between the listing and these reads (the process goes on):
        // skip that one descriptor, not the whole process.
        let info: string;
        try {
          const link = Deno.readLinkSync(`/proc/${pid}/fd/${fd.name}`);
          if (link !== "anon_inode:bpf-prog" && link !== "anon_inode:bpf-map") continue;
          info = Deno.readTextFileSync(`/proc/${pid}/fdinfo/${fd.name}`);
        } catch {
          continue;
        }
        const prog = /^prog_id:\s*(\d+)/m.exec(info)?.[1];
        const map = /^map_id:\s*(\d+)/m.exec(info)?.[1];
        if (prog !== undefined) add(programs, Number(prog), { pid, comm });
        if (map !== undefined) add(maps, Number(map), { pid, comm });
      }
    } catch {
      continue; // exited, or not readable
    }
  }
  return { programs, maps };
}

/**
 * Switches the kernel's program run statistics on until the returned handle is disposed
 * (`BPF_ENABLE_STATS`; the previous setting comes back when the last holder closes).
 * Throws {@linkcode NotSupportedError} when libbpf or the kernel lacks it.
 *
 * Requires `allow-ffi` and root.
 *
 * @example
 * ```ts ignore
 * import { enableRunStats } from "@cordon/cordon/linux";
 * using _stats = enableRunStats();
 * ```
 */
export function enableRunStats(): Disposable {
  const enable = libbpf().bpf_enable_stats;
  if (!enable) {
    throw new NotSupportedError("BPF run statistics", "libbpf lacks bpf_enable_stats (< 0.0.9)");
  }
  const fd = enable(BPF_STATS_RUN_TIME);
  if (fd < 0) {
    const errno = -fd;
    if (errno === 22) {
      throw new NotSupportedError("BPF run statistics", "the kernel has no BPF_ENABLE_STATS");
    }
    check(fd, "enable BPF run statistics");
  }
  let open = true;
  return {
    [Symbol.dispose]() {
      if (open) libc().close(fd);
      open = false;
    },
  };
}

/** Whether `kernel.bpf_stats_enabled` is on now. */
function runStatsOn(): boolean {
  try {
    return Deno.readTextFileSync("/proc/sys/kernel/bpf_stats_enabled").trim() === "1";
  } catch {
    return false;
  }
}

interface Snapshot {
  programs: LoadedProgram[];
  maps: Map<number, MapStats>;
  monitors: Map<number, Omit<MonitorStats, "owners" | "programIds">>;
}

function snapshot(prefix: string): Snapshot {
  const programs = kernelPrograms(prefix);
  const maps = new Map<number, MapStats>();
  const monitors = new Map<number, Omit<MonitorStats, "owners" | "programIds">>();
  const ids = new Set(programs.flatMap((p) => p.mapIds));
  for (const id of [...ids].sort((a, b) => a - b)) {
    withMapFd(id, (fd) => {
      const raw = mapInfo(fd, id);
      if (!raw) return;
      const entries = HASH_TYPES.has(raw.type)
        ? countKeys(fd, raw.keySize, raw.maxEntries)
        : undefined;
      maps.set(id, {
        id,
        name: raw.name,
        type: MAP_TYPE_NAMES[raw.type] ?? `type ${raw.type}`,
        keySize: raw.keySize,
        valueSize: raw.valueSize,
        maxEntries: raw.maxEntries,
        ...(entries === undefined ? {} : { entries }),
      });
      if (raw.name === "stats" && raw.valueSize === STRUCTS.cordon_stats.size) {
        const value = new Uint8Array(Math.ceil(raw.valueSize / 8) * 8 * possibleCpus());
        const result = libbpf().bpf_map_lookup_elem(fd, new Uint8Array(4), value);
        if (result < 0) throw new KernelError(`read stats map ${id}`, -result);
        const s = decodeStats(value);
        monitors.set(id, {
          statsMapId: id,
          trackedProcesses: 0,
          syscalls: Number(s.syscalls),
          events: Number(s.events),
          lost: Number(s.lost),
          kills: Number(s.kills),
          procsFull: Number(s.procsFull),
          rateLimited: Number(s.rateLimited),
        });
      }
    });
  }
  for (const [id, monitor] of monitors) {
    monitors.set(id, {
      ...monitor,
      syscalls: monitor.syscalls + liveThreadCalls(programs, maps, id),
    });
  }
  return { programs, maps, monitors };
}

/**
 * The calls the live threads of the monitor whose `stats` map is `statsMapId` still hold in its
 * `tasks` map (the kernel adds them to `stats.syscalls` when each thread exits).
 */
function liveThreadCalls(
  programs: readonly LoadedProgram[],
  maps: ReadonlyMap<number, MapStats>,
  statsMapId: number,
): number {
  const own = new Set(
    programs.filter((p) => p.mapIds.includes(statsMapId)).flatMap((p) => p.mapIds),
  );
  const named = (name: string) => [...own].find((id) => maps.get(id)?.name === name);
  const procsId = named("procs"), tasksId = named("tasks");
  if (procsId === undefined || tasksId === undefined) return 0;
  const symbols = libbpf();
  const procs = maps.get(procsId)!;
  return withMapFd(tasksId, (tasksFd) =>
    withMapFd(procsId, (procsFd) => {
      let live = 0n;
      forEachKey(procsFd, procs.keySize, procs.maxEntries, (key) => {
        const pid = new DataView(key.buffer).getUint32(0, true);
        live += liveThreadCounts(pid, (fd, out) =>
          symbols.bpf_map_lookup_elem(tasksFd, u32Key(fd), out) >= 0)?.total ?? 0n;
      });
      return Number(live);
    })) ?? 0;
}

/**
 * The figures of Cordon's programs and maps loaded now (see the module). With `sampleMs`, run
 * statistics are switched on for the sample and the program and monitor figures are what
 * happened during it; otherwise they are cumulative (program runs are only counted while
 * `kernel.bpf_stats_enabled` is on: `runStatsEnabled` says whether it is).
 *
 * Requires `allow-ffi`, `allow-read` and root. Throws {@linkcode NotSupportedError} (libbpf or
 * run statistics missing), `KernelError` (a map could not be read).
 *
 * @example
 * ```ts ignore
 * import { cordonStats } from "@cordon/cordon/linux";
 * const stats = await cordonStats({ sampleMs: 1000 });
 * for (const p of stats.programs) console.log(p.name, p.runCount, p.nsPerRun);
 * ```
 */
export async function cordonStats(options: CordonStatsOptions = {}): Promise<CordonStats> {
  const prefix = options.prefix ?? "cordon_";
  if (Deno.uid() !== 0) {
    // Listing programs by id needs CAP_SYS_ADMIN: without it the kernel lists nothing.
    throw new KernelError("list BPF programs", 1, {
      name: "EPERM",
      description: "Operation not permitted (needs root)",
    });
  }
  let before: Snapshot | undefined;
  let after: Snapshot;
  if (options.sampleMs !== undefined) {
    using _stats = enableRunStats();
    before = snapshot(prefix);
    await new Promise((resolve) => setTimeout(resolve, options.sampleMs));
    after = snapshot(prefix);
  } else {
    after = snapshot(prefix);
  }
  const owners = bpfOwners();
  const programs: ProgramStats[] = after.programs.map((p) => {
    const earlier = before?.programs.find((b) => b.id === p.id);
    const runCount = Number(p.runCount - (earlier?.runCount ?? 0n));
    const runTimeNs = Number(p.runTimeNs - (earlier?.runTimeNs ?? 0n));
    return {
      id: p.id,
      name: p.name,
      type: PROG_TYPE_NAMES[p.type] ?? `type ${p.type}`,
      mapIds: p.mapIds,
      runCount,
      runTimeNs,
      ...(runCount > 0 ? { nsPerRun: Math.round(runTimeNs / runCount) } : {}),
      owners: owners.programs.get(p.id) ?? [],
    };
  });
  const monitors: MonitorStats[] = [];
  for (const [id, now] of after.monitors) {
    const then = before?.monitors.get(id);
    const programIds = monitorPrograms(programs, id);
    const procsMap = [...after.maps.values()].find((m) =>
      m.name === "procs" && programs.some((p) => p.mapIds.includes(id) && p.mapIds.includes(m.id))
    );
    const delta = (key: "syscalls" | "events" | "lost" | "kills" | "procsFull" | "rateLimited") =>
      now[key] - (then?.[key] ?? 0);
    monitors.push({
      statsMapId: id,
      programIds,
      owners: owners.maps.get(id) ?? [],
      trackedProcesses: procsMap?.entries ?? 0,
      syscalls: delta("syscalls"),
      events: delta("events"),
      lost: delta("lost"),
      kills: delta("kills"),
      procsFull: delta("procsFull"),
      rateLimited: delta("rateLimited"),
    });
  }
  return {
    runStatsEnabled: options.sampleMs !== undefined || runStatsOn(),
    ...(options.sampleMs === undefined ? {} : { sampleMs: options.sampleMs }),
    programs,
    maps: [...after.maps.values()],
    monitors,
  };
}

/**
 * The programs of the monitor whose `stats` map is `statsMapId`: those that use it, and every
 * program that shares a map with one of them (an object's programs share its maps; separate
 * objects share none), so that programs that do not count (`sys_exit`) are found too.
 */
function monitorPrograms(
  programs: readonly { readonly id: number; readonly mapIds: readonly number[] }[],
  statsMapId: number,
): number[] {
  const found = new Set<number>();
  const maps = new Set<number>([statsMapId]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of programs) {
      if (found.has(p.id) || !p.mapIds.some((m) => maps.has(m))) continue;
      found.add(p.id);
      for (const m of p.mapIds) maps.add(m);
      grew = true;
    }
  }
  return programs.filter((p) => found.has(p.id)).map((p) => p.id);
}
