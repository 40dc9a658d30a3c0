/**
 * Syscall-frequency baselines (issue 13, the original design's "anomaly detection on syscall
 * patterns", kept simple and explainable): a profile of how often each syscall was called in a
 * recorded run, and a watcher that compares a monitored process's live counts with it. Two kinds
 * of deviation are reported:
 *
 * - **unseen**: a syscall the baseline never saw, once per process and syscall;
 * - **rate**: a syscall called, over a window of at least {@linkcode BaselineOptions.windowMs},
 *   more than {@linkcode BaselineOptions.factor} times its baseline rate and more than
 *   {@linkcode BaselineOptions.minPerSecond} calls a second; at most once per process and
 *   syscall every {@linkcode BaselineOptions.quietMs}.
 *
 * A baseline rate is the run's count over its duration, taken as at least one second (a short
 * run's burst is not a rate). Syscall names are keyed as in activity summaries: `NAME` for the
 * native ABI, `i386:NAME` for calls through `int $0x80`. Pure.
 *
 * @module
 */

/** A recorded run's syscall frequencies (the file `cordon learn --profile` writes). */
export interface SyscallProfile {
  /** Format version. */
  readonly version: 1;
  /** The command recorded, when known. */
  readonly command?: readonly string[];
  /** Seconds from the first to the last event of the run. */
  readonly seconds: number;
  /** Processes of the recorded tree. */
  readonly processes: number;
  /** Per syscall: calls in the run and calls per second (over at least one second). */
  readonly syscalls: Readonly<
    Record<string, { readonly count: number; readonly perSecond: number }>
  >;
}

/** A deviation from a baseline. */
export interface BaselineAnomaly {
  /** Discriminant of the JSON line `monitor --baseline --format json` prints. */
  readonly kind: "anomaly";
  /** `unseen`: never in the baseline; `rate`: far above its baseline rate. */
  readonly reason: "unseen" | "rate";
  /** The process. */
  readonly pid: number;
  /** Its command name, when known. */
  readonly comm?: string;
  /** The syscall (`NAME` or `i386:NAME`). */
  readonly syscall: string;
  /** Calls counted for the process so far. */
  readonly count: number;
  /** For `rate`: calls per second over the window. */
  readonly perSecond?: number;
  /** For `rate`: the baseline's calls per second. */
  readonly baselinePerSecond?: number;
}

/** Thresholds of {@linkcode BaselineWatcher}. */
export interface BaselineOptions {
  /** How many times the baseline rate is a deviation (default 10). */
  readonly factor?: number;
  /** Rates below this many calls a second are never deviations (default 100). */
  readonly minPerSecond?: number;
  /** The shortest window a rate is measured over (default 1000 ms). */
  readonly windowMs?: number;
  /** How long a rate deviation of a process and syscall is not reported again (default 10 s). */
  readonly quietMs?: number;
}

/** A profile file that is not one. */
export class BaselineError extends Error {
  /** Stable code. */
  readonly code = "BAD_BASELINE";

  /**
   * Creates the error.
   *
   * @param message what is wrong, naming the file
   */
  constructor(message: string) {
    super(message);
    this.name = "BaselineError";
  }
}

/**
 * The profile of a JSON Lines trace (the format `cordon record` writes): syscall events counted
 * by name, the run's duration from its events' times, its processes.
 *
 * @param text the trace
 * @param command the command recorded, when known
 * @returns the profile
 *
 * @example
 * ```ts
 * import { profileFromTrace } from "@cordon/cordon";
 * const line = (time: number) =>
 *   JSON.stringify({ v: 1, kind: "syscall", time, pid: 7, arch: "x86_64", nr: 110, name: "getppid", args: [] });
 * const profile = profileFromTrace([line(0), line(2000)].join("\n"));
 * if (profile.syscalls.getppid?.count !== 2 || profile.syscalls.getppid.perSecond !== 1) throw new Error();
 * ```
 */
export function profileFromTrace(text: string, command?: readonly string[]): SyscallProfile {
  const counts = new Map<string, number>();
  const pids = new Set<number>();
  let first = Infinity;
  let last = -Infinity;
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    const event = JSON.parse(line) as {
      kind?: string;
      time?: number;
      pid?: number;
      arch?: string;
      name?: string | null;
      nr?: number;
    };
    if (typeof event.pid === "number") pids.add(event.pid);
    if (typeof event.time === "number") {
      first = Math.min(first, event.time);
      last = Math.max(last, event.time);
    }
    if (event.kind !== "syscall") continue;
    const name = event.name ?? `#${event.nr}`;
    const key = event.arch === "i386" ? `i386:${name}` : name;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const seconds = Number.isFinite(first) ? (last - first) / 1000 : 0;
  const over = Math.max(seconds, 1);
  const syscalls: Record<string, { count: number; perSecond: number }> = {};
  for (const [name, count] of [...counts].sort(([a], [b]) => a < b ? -1 : 1)) {
    syscalls[name] = { count, perSecond: Math.round((count / over) * 1000) / 1000 };
  }
  return {
    version: 1,
    ...(command ? { command } : {}),
    seconds: Math.round(seconds * 1000) / 1000,
    processes: pids.size,
    syscalls,
  };
}

/**
 * Reads a profile written by {@linkcode profileFromTrace} (`cordon learn --profile`).
 *
 * @param text the file's text
 * @param file its name, for errors
 * @returns the profile
 * @throws {BaselineError} when the text is not a version 1 profile
 *
 * @example
 * ```ts
 * import { parseSyscallProfile } from "@cordon/cordon";
 * const p = parseSyscallProfile('{"version":1,"seconds":1,"processes":1,"syscalls":{"read":{"count":3,"perSecond":3}}}', "p.json");
 * if (p.syscalls.read?.count !== 3) throw new Error();
 * ```
 */
export function parseSyscallProfile(text: string, file: string): SyscallProfile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BaselineError(`${file}: not JSON: ${(error as Error).message}`);
  }
  const p = value as Partial<SyscallProfile> | null;
  if (p === null || typeof p !== "object" || p.version !== 1) {
    throw new BaselineError(`${file}: not a version 1 syscall profile (cordon learn --profile)`);
  }
  if (typeof p.syscalls !== "object" || p.syscalls === null) {
    throw new BaselineError(`${file}: "syscalls" must be an object of {count, perSecond}`);
  }
  for (const [name, entry] of Object.entries(p.syscalls)) {
    if (
      typeof entry?.count !== "number" || typeof entry.perSecond !== "number" ||
      entry.count < 0 || entry.perSecond < 0
    ) {
      throw new BaselineError(`${file}: syscalls.${name} must be {count, perSecond} (numbers)`);
    }
  }
  return p as SyscallProfile;
}

interface Seen {
  readonly counts: Map<string, number>;
  readonly at: number;
}

/**
 * Compares live per-process syscall counts with a profile.
 *
 * @example
 * ```ts
 * import { BaselineWatcher } from "@cordon/cordon";
 * const watcher = new BaselineWatcher({ version: 1, seconds: 1, processes: 1, syscalls: { read: { count: 5, perSecond: 5 } } });
 * const found = watcher.observe(7, "app", new Map([["read", 3], ["mkdir", 1]]), 0);
 * if (found.length !== 1 || found[0]!.syscall !== "mkdir" || found[0]!.reason !== "unseen") throw new Error();
 * ```
 */
export class BaselineWatcher {
  readonly #profile: SyscallProfile;
  readonly #factor: number;
  readonly #minPerSecond: number;
  readonly #windowMs: number;
  readonly #quietMs: number;
  readonly #window = new Map<number, Seen>();
  readonly #unseen = new Set<string>();
  readonly #rateAt = new Map<string, number>();
  /** Anomalies reported so far. */
  reported = 0;

  /**
   * Creates a watcher.
   *
   * @param profile the baseline
   * @param options thresholds
   */
  constructor(profile: SyscallProfile, options: BaselineOptions = {}) {
    this.#profile = profile;
    this.#factor = options.factor ?? 10;
    this.#minPerSecond = options.minPerSecond ?? 100;
    this.#windowMs = options.windowMs ?? 1000;
    this.#quietMs = options.quietMs ?? 10_000;
  }

  /**
   * The deviations in a process's counts at `nowMs` (milliseconds, any monotonic clock).
   *
   * @param pid the process
   * @param comm its name, when known
   * @param counts its syscall counts so far (`NAME` / `i386:NAME`)
   * @param nowMs now
   * @returns what deviates and was not reported yet
   */
  observe(
    pid: number,
    comm: string | undefined,
    counts: ReadonlyMap<string, number>,
    nowMs: number,
  ): BaselineAnomaly[] {
    const found: BaselineAnomaly[] = [];
    const base = { kind: "anomaly" as const, pid, ...(comm ? { comm } : {}) };
    for (const [syscall, count] of counts) {
      if (count === 0 || this.#profile.syscalls[syscall] !== undefined) continue;
      const key = `${pid} ${syscall}`;
      if (this.#unseen.has(key)) continue;
      this.#unseen.add(key);
      found.push({ ...base, reason: "unseen", syscall, count });
    }
    const window = this.#window.get(pid);
    if (window === undefined) {
      this.#window.set(pid, { counts: new Map(counts), at: nowMs });
    } else if (nowMs - window.at >= this.#windowMs) {
      const seconds = (nowMs - window.at) / 1000;
      for (const [syscall, count] of counts) {
        const baseline = this.#profile.syscalls[syscall];
        if (baseline === undefined) continue;
        const perSecond = (count - (window.counts.get(syscall) ?? 0)) / seconds;
        if (perSecond <= this.#minPerSecond || perSecond <= this.#factor * baseline.perSecond) {
          continue;
        }
        const key = `${pid} ${syscall}`;
        const last = this.#rateAt.get(key);
        if (last !== undefined && nowMs - last < this.#quietMs) continue;
        this.#rateAt.set(key, nowMs);
        found.push({
          ...base,
          reason: "rate",
          syscall,
          count,
          perSecond: Math.round(perSecond),
          baselinePerSecond: baseline.perSecond,
        });
      }
      this.#window.set(pid, { counts: new Map(counts), at: nowMs });
    }
    this.reported += found.length;
    return found;
  }

  /** Forgets an exited process (its pid may be reused). */
  forget(pid: number): void {
    this.#window.delete(pid);
    for (const key of [...this.#unseen]) if (key.startsWith(`${pid} `)) this.#unseen.delete(key);
    for (const key of [...this.#rateAt.keys()]) {
      if (key.startsWith(`${pid} `)) this.#rateAt.delete(key);
    }
  }
}

/**
 * One line for an anomaly, as `monitor --baseline` prints it.
 *
 * @example
 * ```ts
 * import { formatAnomaly } from "@cordon/cordon";
 * const text = formatAnomaly({ kind: "anomaly", reason: "unseen", pid: 7, comm: "app", syscall: "mkdir", count: 1 });
 * if (!text.includes("mkdir never seen in the baseline")) throw new Error(text);
 * ```
 */
export function formatAnomaly(a: BaselineAnomaly): string {
  const who = `pid ${a.pid}${a.comm ? ` (${a.comm})` : ""}`;
  return a.reason === "unseen"
    ? `ANOMALY ${who}: ${a.syscall} never seen in the baseline (${a.count} call${
      a.count === 1 ? "" : "s"
    } so far)`
    : `ANOMALY ${who}: ${a.syscall} at ${a.perSecond}/s, baseline ${a.baselinePerSecond}/s`;
}
