/**
 * Issue 14, part 2: the audit setting `cordon run --explain` changes for a run (auditing on, a
 * larger queue) is host-wide, and several runs can overlap. This module keeps one record of the
 * setting as it was and of the runs that need it changed (their pids), under an exclusive file
 * lock: the first run changes it, the last one to finish (or the next run after the others have
 * died) puts it back. Without it, a run that finished first would turn auditing off under
 * another run that is still reading denials.
 *
 * Requires `allow-read`/`allow-write` of {@linkcode AUDIT_STATE_DIR}.
 *
 * @module
 */

/** Where the shared record lives (created, mode 0700). */
export const AUDIT_STATE_DIR = "/run/cordon";

/** The audit setting a run changes. */
export interface AuditSetting {
  /** `audit_status.enabled`. */
  readonly enabled: number;
  /** `audit_status.backlog_limit`. */
  readonly backlogLimit: number;
}

interface State {
  /** The setting before the first current holder changed it. */
  original?: AuditSetting;
  /** Runs holding the change: pid and the process's start time (so a reused pid is not one). */
  holders: { pid: number; start: string }[];
}

function startTime(pid: number): string | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function alive(holder: { pid: number; start: string }): boolean {
  return startTime(holder.pid) === holder.start;
}

/** Runs `body` with the shared state, under the lock; writes back what it returns. */
function withState<T>(body: (state: State) => T): T {
  Deno.mkdirSync(AUDIT_STATE_DIR, { recursive: true, mode: 0o700 });
  using file = Deno.openSync(`${AUDIT_STATE_DIR}/audit.json`, {
    read: true,
    write: true,
    create: true,
  });
  file.lockSync(true);
  try {
    const text = new TextDecoder().decode(Deno.readFileSync(`${AUDIT_STATE_DIR}/audit.json`));
    let state: State = { holders: [] };
    try {
      if (text.trim() !== "") state = JSON.parse(text) as State;
    } catch {
      // A torn or foreign file: start over (the current setting is then taken as the original).
    }
    // Holders that died without releasing are dropped; the original they recorded is kept, so
    // that the next run's end still restores the setting as it was before any of them.
    state.holders = (state.holders ?? []).filter(alive);
    const result = body(state);
    const bytes = new TextEncoder().encode(JSON.stringify(state));
    file.truncateSync(0);
    file.seekSync(0, Deno.SeekMode.Start);
    let at = 0;
    while (at < bytes.length) at += file.writeSync(bytes.subarray(at));
    return result;
  } finally {
    file.unlockSync();
  }
}

/**
 * Joins the runs that need auditing changed. The first one (no live holder) calls `apply` with
 * the current setting, which it records as the original; later ones find it applied.
 *
 * @param current the setting now (`AUDIT_GET`)
 * @param apply changes the setting; called only by the first holder
 *
 * @example
 * ```ts ignore
 * import { holdAuditSetting, releaseAuditSetting } from "./audit_holders.ts";
 * holdAuditSetting({ enabled: 0, backlogLimit: 64 }, () => setAudit({ enabled: 1 }));
 * // ... read records ...
 * releaseAuditSetting((original) => setAudit(original));
 * ```
 */
export function holdAuditSetting(current: AuditSetting, apply: () => void): void {
  const start = startTime(Deno.pid) ?? "";
  withState((state) => {
    if (state.holders.length === 0) {
      state.original ??= current;
      apply();
    }
    state.holders.push({ pid: Deno.pid, start });
  });
}

/**
 * Leaves the runs that need auditing changed; the last one calls `restore` with the original
 * setting.
 */
export function releaseAuditSetting(restore: (original: AuditSetting) => void): void {
  withState((state) => {
    const start = startTime(Deno.pid) ?? "";
    const i = state.holders.findIndex((h) => h.pid === Deno.pid && h.start === start);
    if (i >= 0) state.holders.splice(i, 1);
    if (state.holders.length === 0 && state.original !== undefined) {
      restore(state.original);
      delete state.original;
    }
  });
}
