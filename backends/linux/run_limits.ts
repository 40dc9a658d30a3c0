/**
 * `limits.syscallsPerSecond` for the command `cordon run` launches, enforced in the kernel by
 * Cordon's eBPF monitor program (`bpf/monitor.bpf.c`, `check_rate` on `sys_enter`), the same
 * per-process counter `cordon apply` uses: the launcher is tracked before it confines itself,
 * every process it becomes or forks inherits the entry, and each process has its own one-second
 * window. Above `max` calls in a window, `log` reports the process (one event per window) and
 * `kill` sends it `SIGKILL` from the call that went over (the call itself has run: a tracepoint
 * cannot refuse it). Calls a seccomp filter refuses are not counted (seccomp answers first).
 *
 * The kernel keeps one limit per process: when several policies set one, the strictest applies
 * (the lowest `kill` limit, else the lowest `log` limit); a `log` limit below the applied `kill`
 * limit, and actions other than `log` and `kill`/`kill_thread`, cannot be applied and are
 * returned as {@linkcode RunLimitPlan.unapplied}.
 *
 * Requires `allow-ffi`, `allow-read` and root.
 *
 * @module
 */

import { isKilling } from "../../policies/types.ts";
import type { SourceLocation } from "../../policies/types.ts";
import type { FilterSet } from "../../compile/filter_set.ts";
import { CORDON_ACT, encodeLimit, type RawEvent, u32Key } from "../../bpf/structs.ts";
import { type EbpfMonitor, openMonitorFor } from "./ebpf_monitor.ts";
import { KernelError, NotSupportedError } from "./errors.ts";
import type { Degradation } from "./run.ts";
import { formatLocation } from "../../policies/types.ts";

/** The mechanism `limits` need under `cordon run`, as refusals name it. */
export const RATE_LIMIT_MECHANISM = "eBPF rate limiting";

/** The policy slot of the run's processes in the monitor's maps (0 means "no policy"). */
const RUN_SLOT = 1;

/** The limit a run applies to each of its processes. */
export interface RunLimit {
  /** The policy whose limit it is. */
  readonly policy: string;
  /** Calls allowed in one second. */
  readonly max: number;
  /** `kill` (also for `kill_thread`: the process is killed) or `log`. */
  readonly action: "log" | "kill";
  /** Where the limit is written. */
  readonly loc: SourceLocation;
}

/** A limit of the policies that the kernel cannot apply, and why. */
export interface UnappliedLimit {
  /** The policy. */
  readonly policy: string;
  /** Where the limit is written. */
  readonly loc: SourceLocation;
  /** Whether not applying it leaves a process alive that the policy would stop. */
  readonly blocking: boolean;
  /** Why, in one sentence. */
  readonly reason: string;
}

/** What {@linkcode planRunLimit} makes of a policy set's limits. */
export interface RunLimitPlan {
  /** The limit to apply, when any. */
  readonly limit?: RunLimit;
  /** Limits that cannot be applied. */
  readonly unapplied: readonly UnappliedLimit[];
}

/** A process of the run that went over the limit. */
export interface RateLimitHit {
  /** Its pid. */
  readonly pid: number;
  /** Its command name when it went over. */
  readonly comm: string;
  /** The applied limit. */
  readonly limit: RunLimit;
  /** Calls in the first window that went over, when it was reported (`max + 1`). */
  readonly count: number;
  /** One-second windows in which it went over. */
  readonly windows: number;
}

/**
 * Chooses the limit the kernel applies to a run's processes.
 *
 * @param set the compiled policies
 * @returns the limit and what cannot be applied
 *
 * @example
 * ```ts
 * import { planRunLimit } from "@cordon/cordon/linux";
 * const loc = { file: "p.yaml", line: 9, column: 5 };
 * const layer = (policy: string, max: number, action: "log" | "kill") => ({
 *   policy, mode: "enforce" as const, defaultAction: "allow" as const, defaultErrno: 1, loc,
 *   arches: [], limits: { syscallsPerSecond: { max, action, loc } },
 * });
 * const plan = planRunLimit({ version: 1, layers: [layer("a", 500, "log"), layer("b", 900, "kill")] });
 * if (plan.limit?.action !== "kill" || plan.limit.max !== 900) throw new Error();
 * if (plan.unapplied.length !== 1 || plan.unapplied[0]!.blocking) throw new Error();
 * ```
 */
export function planRunLimit(set: FilterSet): RunLimitPlan {
  const kills: RunLimit[] = [];
  const logs: RunLimit[] = [];
  const unapplied: UnappliedLimit[] = [];
  for (const layer of set.layers) {
    const rate = layer.limits?.syscallsPerSecond;
    if (rate === undefined || rate.action === "allow") continue;
    const limit = { policy: layer.policy, max: rate.max, loc: rate.loc };
    if (layer.mode === "audit" || rate.action === "log") logs.push({ ...limit, action: "log" });
    else if (isKilling(rate.action)) {
      kills.push({ ...limit, action: "kill" });
    } else {
      unapplied.push({
        policy: layer.policy,
        loc: rate.loc,
        blocking: true,
        reason: `the limit's action "${rate.action}" cannot be applied to calls already made ` +
          `(${RATE_LIMIT_MECHANISM} can only log or kill); use log or kill`,
      });
    }
  }
  const lowest = (list: RunLimit[]) =>
    list.reduce<RunLimit | undefined>(
      (a, b) => (a === undefined || b.max < a.max ? b : a),
      undefined,
    );
  const kill = lowest(kills);
  const log = lowest(logs);
  if (kill !== undefined && log !== undefined && log.max < kill.max) {
    unapplied.push({
      policy: log.policy,
      loc: log.loc,
      blocking: false,
      reason: `the kernel keeps one limit per process: the kill limit of policy "${kill.policy}" ` +
        `(${kill.max}/s) applies, and calls between ${log.max}/s and ${kill.max}/s are not reported`,
    });
  }
  const limit = kill ?? log;
  return limit === undefined ? { unapplied } : { limit, unapplied };
}

/**
 * The rate limit of one `cordon run`: open it before launching, pass
 * {@linkcode RunRateLimit.attach} the launcher's pid from `beforeStart`, read
 * {@linkcode RunRateLimit.hits} once the command has exited, and close it (or `using`).
 *
 * @example
 * ```ts ignore
 * import { RunRateLimit } from "@cordon/cordon/linux";
 * using limits = RunRateLimit.open({ policy: "p", max: 1000, action: "kill", loc });
 * await runConfined({ set, command: ["./busy"], beforeStart: (pid) => limits.attach(pid) });
 * console.log(limits.hits());
 * ```
 */
export class RunRateLimit implements Disposable {
  /** The applied limit. */
  readonly limit: RunLimit;
  #monitor: EbpfMonitor;
  #root: number | undefined;
  #hits = new Map<number, { pid: number; comm: string; count: number; windows: number }>();
  #onHit: ((hit: RateLimitHit) => void) | undefined;
  #error: unknown;

  private constructor(
    monitor: EbpfMonitor,
    limit: RunLimit,
    onHit: ((hit: RateLimitHit) => void) | undefined,
  ) {
    this.#monitor = monitor;
    this.limit = limit;
    this.#onHit = onHit;
  }

  /**
   * Loads the monitor program with `limit` in its `limits` map (nothing is limited until
   * {@linkcode RunRateLimit.attach}). Throws {@linkcode NotSupportedError} naming
   * {@linkcode RATE_LIMIT_MECHANISM} when this system cannot load it (not Linux, not root, a
   * feature missing, the kernel rejecting the programs).
   *
   * @param limit the limit
   * @param onHit called, while the command runs, the first time each process goes over
   */
  static open(limit: RunLimit, onHit?: (hit: RateLimitHit) => void): RunRateLimit {
    const monitor = openMonitorFor(RATE_LIMIT_MECHANISM, {
      ringBytes: 1 << 16,
      pollIntervalMs: 20,
    });
    try {
      const action = limit.action === "kill" ? CORDON_ACT.kill : CORDON_ACT.log;
      monitor.map("limits").update(u32Key(RUN_SLOT), encodeLimit(BigInt(limit.max), action, 1));
    } catch (error) {
      monitor.close();
      throw error;
    }
    const run = new RunRateLimit(monitor, limit, onHit);
    monitor.start((event) => run.#deliver(event), (error) => {
      run.#error = error;
    });
    return run;
  }

  /**
   * Puts the launcher `pid` (and so the command it becomes, and every process they fork) under
   * the limit. Call it from `runConfined`'s `beforeStart`. Throws `TypeError` when called twice,
   * {@linkcode KernelError} when the process is gone.
   */
  attach(pid: number): void {
    if (this.#root !== undefined) throw new TypeError("the run's rate limit is already attached");
    if (!this.#monitor.track(pid, RUN_SLOT, true)) {
      throw new KernelError(`rate-limit process ${pid}`, 3, { name: "ESRCH" });
    }
    this.#root = pid;
  }

  #deliver(event: RawEvent): void {
    if (event.kind !== "rate" || event.policy !== RUN_SLOT) return;
    const known = this.#hits.get(event.tgid);
    if (known !== undefined) {
      known.windows++;
      return;
    }
    const hit = { pid: event.tgid, comm: event.comm, count: Number(event.count), windows: 1 };
    this.#hits.set(event.tgid, hit);
    this.#onHit?.({ ...hit, limit: this.limit });
  }

  /**
   * The processes that went over the limit, in the order they did. Call it after the command
   * has exited: the events still in the ring buffer are read first. Throws what delivering an
   * event threw.
   */
  hits(): RateLimitHit[] {
    if (this.#error !== undefined) throw this.#error;
    this.#monitor.stop();
    this.#monitor.poll((event) => this.#deliver(event));
    return [...this.#hits.values()].map((h) => ({ ...h, limit: this.limit }));
  }

  /** Detaches the programs and releases the maps. Idempotent. */
  close(): void {
    this.#monitor.close();
  }

  /** Same as {@linkcode RunRateLimit.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/** What {@linkcode prepareRunLimits} set up for one run. */
export interface RunLimits extends Disposable {
  /** The kernel's rate limit, when one is applied; attach it in `beforeStart`. */
  readonly rate: RunRateLimit | undefined;
  /** `["limits"]` when the set's limits are handled here (applied, or listed in `degraded`). */
  readonly enforced: readonly "limits"[];
  /** Limits not applied, each with why (`detail`); `blocking` ones make `run` refuse. */
  readonly degraded: readonly Degradation[];
}

/**
 * Applies the `limits` of `set` for a run: loads the eBPF rate limit when a policy has one, and
 * says what it cannot apply. Without eBPF (not root, a feature missing), every limit is a
 * blocking degradation with the reason: `run` refuses unless degradation is accepted, because a
 * `kill` limit would not kill and a `log` limit would not report. Never throws
 * {@linkcode NotSupportedError}; other load failures propagate.
 *
 * @param set the compiled policies
 * @param onHit called, while the command runs, the first time each process goes over
 * @returns the limit (close it after the run) and what is not applied
 *
 * @example
 * ```ts
 * import { prepareRunLimits } from "@cordon/cordon/linux";
 * using limits = prepareRunLimits({ version: 1, layers: [] });
 * if (limits.rate !== undefined || limits.degraded.length !== 0) throw new Error();
 * ```
 */
export function prepareRunLimits(
  set: FilterSet,
  onHit?: (hit: RateLimitHit) => void,
): RunLimits {
  const plan = planRunLimit(set);
  const degraded = (
    list: readonly { policy: string; loc: SourceLocation; blocking: boolean; reason: string }[],
  ): Degradation[] =>
    list.map((u) => ({
      policy: u.policy,
      section: "limits",
      mechanism: RATE_LIMIT_MECHANISM,
      blocking: u.blocking,
      loc: u.loc,
      detail: u.reason,
    }));
  const none = (list: Degradation[], rate?: RunRateLimit): RunLimits => ({
    rate,
    enforced: ["limits"],
    degraded: list,
    [Symbol.dispose]() {
      rate?.close();
    },
  });
  if (plan.limit === undefined) return none(degraded(plan.unapplied));
  let rate: RunRateLimit;
  try {
    rate = RunRateLimit.open(plan.limit, onHit);
  } catch (error) {
    if (!(error instanceof NotSupportedError)) throw error;
    const reason = error.message.replace(`${RATE_LIMIT_MECHANISM} not supported: `, "");
    const all = set.layers.flatMap((layer) => {
      const r = layer.limits?.syscallsPerSecond;
      return r === undefined || r.action === "allow"
        ? []
        : [{ policy: layer.policy, loc: r.loc, blocking: true, reason }];
    });
    return none(degraded(all));
  }
  return none(degraded(plan.unapplied), rate);
}

/**
 * One sentence about a {@linkcode RateLimitHit}, for reports.
 *
 * @example
 * ```ts
 * import { describeRateLimitHit } from "@cordon/cordon/linux";
 * const loc = { file: "p.yaml", line: 9, column: 5 };
 * const text = describeRateLimitHit({
 *   pid: 7, comm: "busy", count: 1001, windows: 1,
 *   limit: { policy: "p", max: 1000, action: "kill", loc },
 * });
 * if (!text.startsWith("process 7 (busy) made more than 1000 syscalls in one second")) throw new Error(text);
 * ```
 */
export function describeRateLimitHit(hit: RateLimitHit): string {
  const { limit } = hit;
  const where = `${formatLocation(limit.loc)}`;
  const windows = hit.windows > 1 ? `, in ${hit.windows} one-second windows` : "";
  return `process ${hit.pid} (${hit.comm}) made more than ${limit.max} syscalls in one second${windows}: ` +
    `${
      limit.action === "kill" ? "killed (SIGKILL)" : "reported (log)"
    } by limits.syscallsPerSecond ` +
    `of policy "${limit.policy}" at ${where}`;
}
