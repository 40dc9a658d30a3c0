/**
 * The counts a monitor's live threads still hold: monitor.bpf.c counts each call in the calling
 * thread's `tasks` entry (task storage, keyed by a pidfd of the thread) and adds it to the
 * process's `procs` entry and to `stats.syscalls` only when the thread exits. Live totals are
 * what is there plus these. Used by {@linkcode EbpfMonitor} (through its maps) and by
 * `bpf_stats.ts` (any loaded monitor, through map ids).
 *
 * @module
 */

import { decodeTaskCounts, STRUCTS, type TaskCounts } from "../../bpf/structs.ts";
import { hostSyscallNumber, libc } from "./libc.ts";
import { processThreads } from "./proc_facts.ts";

/** pidfd_open's flag for a thread rather than a thread-group leader (O_EXCL). */
const PIDFD_THREAD = 0o200;

/**
 * The summed `tasks` entries of the live threads of process `pid`; undefined when the process is
 * gone (its threads' counts are then in its entry, or its exit event). A thread that exits while
 * this reads is skipped: its counts are folded into the process's entry meanwhile.
 *
 * @param pid the process
 * @param lookup reads the `tasks` entry of the thread behind `pidfd` into `out` (false: none)
 * @returns the threads' counts, or undefined
 *
 * @example
 * ```ts ignore
 * import { liveThreadCounts } from "./thread_counts.ts";
 * const live = liveThreadCounts(pid, (fd, out) => tasks.lookup(u32Key(fd), out));
 * ```
 */
export function liveThreadCounts(
  pid: number,
  lookup: (pidfd: number, out: Uint8Array<ArrayBuffer>) => boolean,
): TaskCounts | undefined {
  const tids = processThreads(pid);
  if (tids === undefined) return undefined;
  const c = libc();
  const pidfdOpen = BigInt(hostSyscallNumber("pidfd_open"));
  const bytes = new Uint8Array(STRUCTS.cordon_task.size);
  let total = 0n;
  let other = 0n;
  const counts = new Map<number, bigint>();
  for (const tid of tids) {
    const fd = c.syscall(pidfdOpen, BigInt(tid), BigInt(PIDFD_THREAD), 0n, 0n, 0n, 0n);
    if (fd < 0n) continue; // exited meanwhile: folded into the entry
    try {
      // No entry: the thread made no call seen, or exited meanwhile (then folded).
      if (!lookup(Number(fd), bytes)) continue;
    } finally {
      c.close(Number(fd));
    }
    const t = decodeTaskCounts(bytes);
    total += t.total;
    other += t.other;
    for (const [slot, n] of t.counts) counts.set(slot, (counts.get(slot) ?? 0n) + n);
  }
  return { gen: 0n, total, other, counts };
}
