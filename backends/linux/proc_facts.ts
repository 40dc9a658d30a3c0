/**
 * What `/proc` says about the system and its processes, read in one place: the epoch time of
 * boot, the kernel's clock-tick rate (`USER_HZ`, from the auxiliary vector), a process's start
 * time (`/proc/PID/stat` field 22), its command name, executable, cgroup, threads and
 * architecture (from the ELF header of `/proc/PID/exe`), and `pid_max`.
 *
 * Only file reads (no FFI), so the tracing-script backend can use it on Linux too. Every reader
 * of a process returns `undefined` when the process is gone (or was never there).
 *
 * Requires `allow-read=/proc`.
 *
 * @module
 */

import type { Arch } from "../../policies/types.ts";
import type { BackendProcess } from "../../engine/backend.ts";

/** `AT_CLKTCK` of the auxiliary vector: the frequency `times()` and `/proc` ticks count in. */
const AT_CLKTCK = 17n;

/** The `USER_HZ` of every architecture Cordon runs on, used when the auxiliary vector lacks it. */
const DEFAULT_USER_HZ = 100;

/**
 * The value of entry `type` of this process's auxiliary vector (`/proc/self/auxv`, 64-bit
 * little-endian pairs), or `undefined` when it has none.
 *
 * @param type an `AT_*` number (6 `AT_PAGESZ`, 17 `AT_CLKTCK`, …)
 * @returns the entry's value
 *
 * @example
 * ```ts ignore
 * import { auxvValue } from "@cordon/cordon/linux";
 * if (auxvValue(6) === undefined) throw new Error("no AT_PAGESZ");
 * ```
 */
export function auxvValue(type: number | bigint): bigint | undefined {
  return auxvEntry(Deno.readFileSync("/proc/self/auxv"), BigInt(type));
}

/**
 * The value of entry `type` in the bytes of an auxiliary vector (pairs of little-endian u64,
 * ended by `AT_NULL`).
 *
 * @param auxv the bytes of `/proc/PID/auxv`
 * @param type the `AT_*` number
 * @returns the entry's value, or `undefined`
 *
 * @example
 * ```ts
 * import { auxvEntry } from "@cordon/cordon/linux";
 * const bytes = new Uint8Array(32);
 * const view = new DataView(bytes.buffer);
 * view.setBigUint64(0, 17n, true); view.setBigUint64(8, 100n, true); // AT_CLKTCK = 100
 * if (auxvEntry(bytes, 17n) !== 100n || auxvEntry(bytes, 6n) !== undefined) throw new Error();
 * ```
 */
export function auxvEntry(auxv: Uint8Array, type: bigint): bigint | undefined {
  const view = new DataView(auxv.buffer, auxv.byteOffset, auxv.byteLength);
  for (let i = 0; i + 16 <= auxv.length; i += 16) {
    const key = view.getBigUint64(i, true);
    if (key === 0n) return undefined; // AT_NULL
    if (key === type) return view.getBigUint64(i + 8, true);
  }
  return undefined;
}

let userHzCache: number | undefined;

/**
 * The kernel's `USER_HZ`: the unit (1/USER_HZ s) of start times in `/proc/PID/stat`, from
 * `AT_CLKTCK` of the auxiliary vector (what `sysconf(_SC_CLK_TCK)` returns), 100 when it is
 * missing. Cached.
 *
 * @returns clock ticks per second
 *
 * @example
 * ```ts ignore
 * import { clockTicksPerSecond } from "@cordon/cordon/linux";
 * console.log(clockTicksPerSecond()); // 100 on x86_64 and aarch64
 * ```
 */
export function clockTicksPerSecond(): number {
  if (userHzCache !== undefined) return userHzCache;
  let hz: bigint | undefined;
  try {
    hz = auxvValue(AT_CLKTCK);
  } catch {
    // no procfs: the value of every architecture we run on
  }
  userHzCache = hz !== undefined && hz > 0n ? Number(hz) : DEFAULT_USER_HZ;
  return userHzCache;
}

/**
 * The epoch time (ms) of the system's boot: `Date.now()` minus `/proc/uptime`. Kernel event
 * timestamps (CLOCK_MONOTONIC nanoseconds) and `/proc` start ticks are converted to epoch times
 * by adding them to it. The monotonic clock stops while the system is suspended and uptime does
 * not, so after a suspend kernel times read early by the time spent suspended.
 *
 * @returns ms since the epoch
 *
 * @example
 * ```ts ignore
 * import { bootEpochMs } from "@cordon/cordon/linux";
 * if (bootEpochMs() > Date.now()) throw new Error();
 * ```
 */
export function bootEpochMs(): number {
  const uptime = Number(Deno.readTextFileSync("/proc/uptime").split(" ")[0]);
  return Date.now() - uptime * 1000;
}

/**
 * The fields of a `/proc/PID/stat` line after the command name (which may hold spaces and
 * parentheses): index 0 is field 3 (`state`).
 *
 * @param text the content of `/proc/PID/stat`
 * @returns the fields from `state` on
 *
 * @example
 * ```ts
 * import { statFields } from "@cordon/cordon/linux";
 * const fields = statFields("42 (a) b) S 1 42");
 * if (fields[0] !== "S" || fields[1] !== "1") throw new Error();
 * ```
 */
export function statFields(text: string): string[] {
  return text.slice(text.lastIndexOf(")") + 2).trimEnd().split(" ");
}

/**
 * The start time in clock ticks since boot of a `/proc/PID/stat` line (field 22), or
 * `undefined` when the line has no such field.
 *
 * @param text the content of `/proc/PID/stat`
 * @returns ticks since boot
 *
 * @example
 * ```ts
 * import { statStartTicks } from "@cordon/cordon/linux";
 * const line = "7 (x y) S " + Array.from({ length: 18 }, (_, i) => i).join(" ") + " 4242 0";
 * if (statStartTicks(line) !== 4242n) throw new Error();
 * ```
 */
export function statStartTicks(text: string): bigint | undefined {
  const ticks = statFields(text)[19]; // field 22 overall; index 0 is field 3
  return ticks === undefined || !/^\d+$/.test(ticks) ? undefined : BigInt(ticks);
}

/**
 * The start time of process `pid` in clock ticks since boot (`/proc/PID/stat` field 22), or
 * `undefined` when there is no such process.
 *
 * Requires `allow-read=/proc`.
 *
 * @param pid the process
 * @returns ticks since boot
 *
 * @example
 * ```ts ignore
 * import { processStartTicks } from "@cordon/cordon/linux";
 * if (processStartTicks(Deno.pid) === undefined) throw new Error();
 * ```
 */
export function processStartTicks(pid: number): bigint | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
  return statStartTicks(text);
}

/**
 * The epoch time (ms) of a start time in clock ticks since boot.
 *
 * @param ticks ticks since boot (`/proc/PID/stat` field 22)
 * @param bootMs the epoch time of boot ({@linkcode bootEpochMs})
 * @param hz clock ticks per second ({@linkcode clockTicksPerSecond})
 * @returns ms since the epoch
 *
 * @example
 * ```ts
 * import { ticksToEpochMs } from "@cordon/cordon/linux";
 * if (ticksToEpochMs(250n, 1000, 100) !== 3500) throw new Error();
 * ```
 */
export function ticksToEpochMs(
  ticks: bigint,
  bootMs: number,
  hz: number = clockTicksPerSecond(),
): number {
  return bootMs + Number(ticks) * 1000 / hz;
}

/** ELF `e_machine` values → the architecture, for 64-bit (`ELFCLASS64`) and 32-bit objects. */
const ELF_MACHINES: Readonly<Record<number, { 1?: Arch; 2?: Arch }>> = {
  3: { 1: "i386" }, // EM_386
  62: { 1: "x32", 2: "x86_64" }, // EM_X86_64 (ELFCLASS32: the x32 ABI)
  183: { 2: "aarch64" }, // EM_AARCH64
};

/**
 * The architecture an ELF file's header says it is built for, or `undefined` for anything else
 * (not ELF, big-endian, another machine).
 *
 * @param header the file's first 20 bytes or more
 * @returns the architecture
 *
 * @example
 * ```ts
 * import { elfArch } from "@cordon/cordon/linux";
 * const header = new Uint8Array(20);
 * header.set([0x7f, 0x45, 0x4c, 0x46, 2, 1]); // "\x7fELF", ELFCLASS64, little-endian
 * header[18] = 62; // EM_X86_64
 * if (elfArch(header) !== "x86_64") throw new Error();
 * ```
 */
export function elfArch(header: Uint8Array): Arch | undefined {
  if (header.length < 20) return undefined;
  if (header[0] !== 0x7f || header[1] !== 0x45 || header[2] !== 0x4c || header[3] !== 0x46) {
    return undefined;
  }
  const elfClass = header[4]!;
  if (header[5] !== 1 || (elfClass !== 1 && elfClass !== 2)) return undefined; // ELFDATA2LSB
  const machine = header[18]! | (header[19]! << 8);
  return ELF_MACHINES[machine]?.[elfClass as 1 | 2];
}

/**
 * The architecture of process `pid`: what the ELF header of the program it runs
 * (`/proc/PID/exe`) is built for. `undefined` for kernel threads, processes that are gone, and
 * programs of other architectures. A process may still make calls of another ABI (an x86_64
 * program can use `int 0x80`): each kernel event carries the ABI of its own call.
 *
 * Requires `allow-read=/proc` (and root for other users' processes).
 *
 * @param pid the process
 * @returns its architecture
 *
 * @example
 * ```ts ignore
 * import { processArch } from "@cordon/cordon/linux";
 * console.log(processArch(Deno.pid)); // "x86_64" on a PC
 * ```
 */
export function processArch(pid: number): Arch | undefined {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(`/proc/${pid}/exe`, { read: true });
  } catch {
    return undefined;
  }
  try {
    const header = new Uint8Array(20);
    let n = 0;
    while (n < header.length) {
      const read = file.readSync(header.subarray(n));
      if (read === null || read === 0) break;
      n += read;
    }
    return elfArch(header.subarray(0, n));
  } catch {
    return undefined;
  } finally {
    file.close();
  }
}

/**
 * The cgroup v2 path of process `pid` (the `0::` line of `/proc/PID/cgroup`, relative to the
 * cgroup2 mount), or `undefined` when the process is gone or has no cgroup v2 line.
 *
 * Requires `allow-read=/proc`.
 *
 * @param pid the process
 * @returns a path such as `/system.slice/cron.service`
 *
 * @example
 * ```ts ignore
 * import { processCgroup } from "@cordon/cordon/linux";
 * console.log(processCgroup(Deno.pid));
 * ```
 */
export function processCgroup(pid: number): string | undefined {
  try {
    return cgroupOfProcFile(Deno.readTextFileSync(`/proc/${pid}/cgroup`));
  } catch {
    return undefined;
  }
}

/**
 * The cgroup v2 path in the text of a `/proc/PID/cgroup` file (its `0::` line).
 *
 * @param text the file's content
 * @returns the path, or `undefined` without a `0::` line
 *
 * @example
 * ```ts
 * import { cgroupOfProcFile } from "@cordon/cordon/linux";
 * if (cgroupOfProcFile("1:name=systemd:/x\n0::/user.slice\n") !== "/user.slice") throw new Error();
 * ```
 */
export function cgroupOfProcFile(text: string): string | undefined {
  return text.split("\n").find((l) => l.startsWith("0::"))?.slice(3);
}

/**
 * The thread ids of process `pid` (`/proc/PID/task`), or `undefined` when it is gone.
 *
 * Requires `allow-read=/proc`.
 *
 * @param pid the process
 * @returns its threads' ids (the process's own id among them)
 *
 * @example
 * ```ts ignore
 * import { processThreads } from "@cordon/cordon/linux";
 * if (!processThreads(Deno.pid)?.includes(Deno.pid)) throw new Error();
 * ```
 */
export function processThreads(pid: number): number[] | undefined {
  try {
    return [...Deno.readDirSync(`/proc/${pid}/task`)].map((e) => Number(e.name));
  } catch {
    return undefined;
  }
}

/**
 * The pids of every process now (the numeric entries of `/proc`), ascending.
 *
 * Requires `allow-read=/proc`.
 *
 * @returns pids
 *
 * @example
 * ```ts ignore
 * import { listPids } from "@cordon/cordon/linux";
 * if (!listPids().includes(Deno.pid)) throw new Error();
 * ```
 */
export function listPids(): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (entry.isDirectory && /^\d+$/.test(entry.name)) pids.push(Number(entry.name));
  }
  return pids.sort((a, b) => a - b);
}

/**
 * `/proc/sys/kernel/pid_max`: one more than the highest pid the kernel hands out, or 32768 (the
 * kernel's default on systems with few CPUs) when it cannot be read.
 *
 * Requires `allow-read=/proc`.
 *
 * @returns the limit
 *
 * @example
 * ```ts ignore
 * import { pidMax } from "@cordon/cordon/linux";
 * if (pidMax() <= Deno.pid) throw new Error();
 * ```
 */
export function pidMax(): number {
  try {
    const value = Number(Deno.readTextFileSync("/proc/sys/kernel/pid_max").trim());
    if (Number.isInteger(value) && value > 0) return value;
  } catch {
    // no procfs
  }
  return 32768;
}

/**
 * The fields of a `/proc/PID/status` text by name (`Name`, `PPid`, `Uid`, …).
 *
 * @param text the file's content
 * @returns the value of each `Name:\tvalue` line
 *
 * @example
 * ```ts
 * import { statusFields } from "@cordon/cordon/linux";
 * const f = statusFields("Name:\tsh\nPPid:\t1\nUid:\t1000\t1000\t1000\t1000\n");
 * if (f.get("Name") !== "sh" || f.get("Uid") !== "1000\t1000\t1000\t1000") throw new Error();
 * ```
 */
export function statusFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
  }
  return fields;
}

/**
 * What `/proc` says about process `pid`: command name, parent, real uid, executable, cgroup v2
 * path, architecture and start time (epoch ms, from its start ticks); `undefined` when it is
 * gone.
 *
 * Requires `allow-read=/proc` (and root for other users' executables).
 *
 * @param pid the process
 * @param bootMs the epoch time of boot (default: {@linkcode bootEpochMs} now)
 * @returns the process, `exited: false`
 *
 * @example
 * ```ts ignore
 * import { readProcess } from "@cordon/cordon/linux";
 * console.log(readProcess(Deno.pid)?.comm); // "deno"
 * ```
 */
export function readProcess(
  pid: number,
  bootMs: number = bootEpochMs(),
): BackendProcess | undefined {
  try {
    const status = statusFields(Deno.readTextFileSync(`/proc/${pid}/status`));
    const ticks = processStartTicks(pid);
    if (ticks === undefined) return undefined;
    let executable: string | undefined;
    try {
      executable = Deno.readLinkSync(`/proc/${pid}/exe`);
    } catch {
      // kernel thread, or exited
    }
    const cgroup = processCgroup(pid);
    const arch = processArch(pid);
    return {
      pid,
      start: ticksToEpochMs(ticks, bootMs),
      ppid: Number(status.get("PPid") ?? 0),
      comm: status.get("Name") ?? "",
      uid: Number((status.get("Uid") ?? "0").split(/\s+/)[0]),
      exited: false,
      ...(arch !== undefined ? { arch } : {}),
      ...(executable ? { executable } : {}),
      ...(cgroup ? { cgroup } : {}),
    };
  } catch {
    return undefined;
  }
}
