/**
 * `--report out.html` of `cordon monitor`: what the watched processes did, as one self-contained
 * HTML page (no script, inline SVG): syscalls by name per process (bars), syscalls over time per
 * process (cumulative counts, sampled every half second and at exit, for the busiest processes), file and network
 * activity (counted by operation and path or address) and denials (events whose verdict stops the
 * call). Memory is bounded: at most {@linkcode ActivityRecorder.maxKeys} distinct paths and
 * addresses per table and {@linkcode ActivityRecorder.maxSamples} samples per process are kept;
 * what is dropped is counted and said. Pure (no `Deno.*`).
 *
 * @module
 */

import { letsCallRun } from "../policies/types.ts";
import type { EngineEvent } from "../engine/events.ts";
import type { ProcessActivity } from "../engine/backend.ts";
import { escapeHtml } from "./format_html.ts";
import { errnoName } from "../policies/constants.ts";
import { formatLocation } from "../policies/types.ts";

interface ProcessRecord {
  pid: number;
  comm?: string;
  executable?: string;
  /** `[ms since the recording began, syscalls counted]`. */
  samples: [number, number][];
  bySyscall: Map<string, number>;
  syscalls: number;
  exitCode?: number;
  signal?: string;
}

/** One denial as the report lists it. */
export interface Denial {
  /** When (ms since the epoch). */
  readonly time: number;
  /** The process. */
  readonly pid: number;
  /** Its command name. */
  readonly comm?: string;
  /** The call: `open /etc/x`, `connect tcp 10.0.0.1:80`, a syscall name. */
  readonly what: string;
  /** The outcome: `deny EPERM (1)`, `kill`… */
  readonly action: string;
  /** What decided it: `POLICY: RULE at FILE:LINE:COL`. */
  readonly by: string;
}

/** What a sample needs of a process's activity. */
export type ActivitySample =
  & Pick<ProcessActivity, "pid" | "syscalls" | "bySyscall">
  & Partial<Pick<ProcessActivity, "comm" | "executable" | "exitCode" | "signal" | "exited">>;

/** Collects what the report shows, from events and from periodic activity samples. */
export class ActivityRecorder {
  /** Distinct paths or addresses kept per table. */
  readonly maxKeys: number;
  /** Samples kept per process (older ones are thinned: every other one is dropped). */
  readonly maxSamples: number;
  /** Denials listed (all are counted). */
  readonly maxDenials: number;
  readonly #started: number;
  readonly #processes = new Map<number, ProcessRecord>();
  readonly #files = new Map<string, number>();
  readonly #network = new Map<string, number>();
  #filesDropped = 0;
  #networkDropped = 0;
  readonly #denials: Denial[] = [];
  #denialsTotal = 0;
  #events = 0;

  /**
   * @param started when the recording began (ms since the epoch)
   * @param limits the bounds (defaults 500 keys, 600 samples, 500 denials)
   */
  constructor(
    started: number,
    limits: { maxKeys?: number; maxSamples?: number; maxDenials?: number } = {},
  ) {
    this.#started = started;
    this.maxKeys = limits.maxKeys ?? 500;
    this.maxSamples = limits.maxSamples ?? 600;
    this.maxDenials = limits.maxDenials ?? 500;
  }

  #process(pid: number): ProcessRecord {
    let p = this.#processes.get(pid);
    if (p === undefined) {
      p = { pid, samples: [], bySyscall: new Map(), syscalls: 0 };
      this.#processes.set(pid, p);
    }
    return p;
  }

  #count(table: Map<string, number>, key: string): boolean {
    const n = table.get(key);
    if (n !== undefined) {
      table.set(key, n + 1);
      return true;
    }
    if (table.size >= this.maxKeys) return false;
    table.set(key, 1);
    return true;
  }

  /** Records one event. */
  event(event: EngineEvent): void {
    this.#events++;
    const p = this.#process(event.pid);
    if (event.comm !== undefined) p.comm = event.comm;
    switch (event.kind) {
      case "file":
        if (!this.#count(this.#files, `${event.op} ${event.path}`)) this.#filesDropped++;
        break;
      case "network": {
        const where = event.address === undefined
          ? ""
          : ` ${event.address}${event.port === undefined ? "" : `:${event.port}`}`;
        const key = `${event.op} ${event.protocol}${where}`;
        if (!this.#count(this.#network, key)) this.#networkDropped++;
        break;
      }
      case "process":
        if (event.executable !== undefined) p.executable = event.executable;
        if (event.op === "exit") {
          if (event.exitCode !== undefined) p.exitCode = event.exitCode;
          if (event.signal !== undefined) p.signal = event.signal;
        }
        break;
      case "syscall":
        break;
    }
    if (event.kind === "process") return;
    const verdict = event.verdict;
    if (verdict === undefined || letsCallRun(verdict.action)) return;
    this.#denialsTotal++;
    if (this.#denials.length >= this.maxDenials) return;
    const errno = verdict.action === "deny" && verdict.errno !== undefined
      ? ` ${errnoName(verdict.errno) ?? "errno"} (${verdict.errno})`
      : "";
    const what = event.kind === "syscall"
      ? `${event.name ?? `#${event.nr}`}`
      : event.kind === "file"
      ? `${event.op} ${event.path}`
      : `${event.op} ${event.protocol} ${event.address ?? ""}${
        event.port === undefined ? "" : `:${event.port}`
      }`;
    const at = verdict.loc === undefined ? "" : ` at ${formatLocation(verdict.loc)}`;
    this.#denials.push({
      time: event.time,
      pid: event.pid,
      ...(event.comm === undefined ? {} : { comm: event.comm }),
      what,
      action: `${verdict.action}${errno}${verdict.audit ? " (audit)" : ""}${
        verdict.enforced ? "" : " (not enforced)"
      }`,
      by: `${verdict.policy}: ${verdict.ruleId ?? "default action"}${at}`,
    });
  }

  /**
   * Records one denial that did not come as an event (e.g. `cordon run --explain`'s seccomp and
   * network denials): what was called, the outcome and what decided it.
   */
  denial(denial: Denial): void {
    this.#events++;
    const p = this.#process(denial.pid);
    if (denial.comm !== undefined) p.comm = denial.comm;
    this.#denialsTotal++;
    if (this.#denials.length < this.maxDenials) this.#denials.push(denial);
  }

  /**
   * Adds `count` accesses of one file (`op path`) or network endpoint (`op protocol address:port`)
   * that were counted elsewhere (e.g. by `cordon run --monitor`, which aggregates in the kernel
   * reader rather than delivering events).
   */
  countAccess(table: "files" | "network", key: string, count: number): void {
    const map = table === "files" ? this.#files : this.#network;
    const n = map.get(key);
    if (n !== undefined) map.set(key, n + count);
    else if (map.size < this.maxKeys) map.set(key, count);
    else if (table === "files") this.#filesDropped += count;
    else this.#networkDropped += count;
  }

  /** Records a process's counters at `time` (a sample of the syscalls-over-time chart). */
  sample(activity: ActivitySample, time: number): void {
    const p = this.#process(activity.pid);
    if (activity.comm !== undefined) p.comm = activity.comm;
    if (activity.executable !== undefined) p.executable = activity.executable;
    p.syscalls = activity.syscalls;
    p.bySyscall = new Map(activity.bySyscall);
    if (activity.exitCode !== undefined) p.exitCode = activity.exitCode;
    if (activity.signal !== undefined) p.signal = activity.signal;
    p.samples.push([time - this.#started, activity.syscalls]);
    if (p.samples.length > this.maxSamples) p.samples = p.samples.filter((_, i) => i % 2 === 0);
  }

  /**
   * The report page.
   *
   * @param options the title and when the recording ended
   * @returns one self-contained HTML document
   */
  toHtml(options: { title: string; ended: number }): string {
    return renderActivity(this, options);
  }

  /** What was recorded, for {@linkcode renderActivity}. */
  get data(): {
    processes: readonly ProcessRecord[];
    files: ReadonlyMap<string, number>;
    network: ReadonlyMap<string, number>;
    filesDropped: number;
    networkDropped: number;
    denials: readonly Denial[];
    denialsTotal: number;
    events: number;
    started: number;
  } {
    return {
      processes: [...this.#processes.values()],
      files: this.#files,
      network: this.#network,
      filesDropped: this.#filesDropped,
      networkDropped: this.#networkDropped,
      denials: this.#denials,
      denialsTotal: this.#denialsTotal,
      events: this.#events,
      started: this.#started,
    };
  }
}

const PALETTE = ["#1971c2", "#d9480f", "#2b8a3e", "#862e9c", "#e67700", "#0c8599", "#c2255c"];

function processName(p: ProcessRecord): string {
  return p.comm === undefined ? String(p.pid) : `${p.pid} (${p.comm})`;
}

function bars(id: string, rows: readonly [string, number][], colour: string): string {
  if (rows.length === 0) return `<p class="empty">None recorded.</p>`;
  const max = Math.max(...rows.map((r) => r[1]));
  const h = 18;
  const labelW = 200;
  const plotW = 420;
  const height = rows.length * h + 6;
  const body = rows.map(([label, n], i) => {
    const w = Math.max(1, Math.round((n / max) * plotW));
    const y = 3 + i * h;
    return `<g class="bar" data-label="${escapeHtml(label)}" data-count="${n}">` +
      `<text x="${labelW - 6}" y="${y + 13}" text-anchor="end">${
        escapeHtml(label.length > 30 ? `${label.slice(0, 29)}…` : label)
      }</text><rect x="${labelW}" y="${y + 2}" width="${w}" height="${h - 4}" fill="${colour}"/>` +
      `<text x="${labelW + w + 4}" y="${y + 13}">${n}</text></g>`;
  }).join("");
  const width = labelW + plotW + 70;
  return `<svg id="${id}" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body}</svg>`;
}

function overTime(processes: readonly ProcessRecord[], duration: number): string {
  const sampled = processes.filter((p) => p.samples.length > 0);
  if (sampled.length === 0) return `<p class="empty">No samples.</p>`;
  // The busiest processes (`processes` comes sorted by syscalls); the rest are counted below.
  const shown = sampled.slice(0, PALETTE.length);
  const w = 640;
  const h = 220;
  const left = 60;
  const bottom = 24;
  const maxY = Math.max(1, ...shown.flatMap((p) => p.samples.map((s) => s[1])));
  const maxX = Math.max(1, duration);
  const x = (t: number) => left + Math.round((t / maxX) * (w - left - 10));
  const y = (n: number) => h - bottom - Math.round((n / maxY) * (h - bottom - 10));
  const lines = shown.map((p, i) => {
    const points = p.samples.map(([t, n]) => `${x(t)},${y(n)}`).join(" ");
    const colour = PALETTE[i % PALETTE.length];
    const dots = p.samples.map(([t, n]) =>
      `<circle cx="${x(t)}" cy="${y(n)}" r="2.5" fill="${colour}"><title>${
        escapeHtml(`${processName(p)}: ${n} syscalls at ${(t / 1000).toFixed(1)} s`)
      }</title></circle>`
    ).join("");
    return `<g class="series" data-pid="${p.pid}"><polyline fill="none" stroke="${colour}" ` +
      `stroke-width="2" points="${points}"/>${dots}</g>`;
  }).join("");
  const legend =
    shown.map((p, i) =>
      `<span style="color:${PALETTE[i % PALETTE.length]}">■ ${escapeHtml(processName(p))}</span>`
    ).join(" ") + (sampled.length > shown.length
      ? ` <span>(and ${sampled.length - shown.length} less busy processes, not drawn)</span>`
      : "");
  const axes =
    `<line x1="${left}" y1="${h - bottom}" x2="${w - 10}" y2="${h - bottom}" stroke="#adb5bd"/>` +
    `<line x1="${left}" y1="10" x2="${left}" y2="${h - bottom}" stroke="#adb5bd"/>` +
    `<text x="${left - 4}" y="14" text-anchor="end">${maxY}</text>` +
    `<text x="${left - 4}" y="${h - bottom}" text-anchor="end">0</text>` +
    `<text x="${left}" y="${h - 6}">0 s</text>` +
    `<text x="${w - 10}" y="${h - 6}" text-anchor="end">${(maxX / 1000).toFixed(1)} s</text>`;
  return `<svg id="syscalls-over-time" role="img" aria-label="syscalls counted over time per process" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${axes}${lines}</svg><p>${legend}</p>`;
}

function top(table: ReadonlyMap<string, number>, n: number): [string, number][] {
  return [...table].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n);
}

/**
 * Renders what an {@linkcode ActivityRecorder} recorded as one self-contained HTML document.
 *
 * @param recorder the recording
 * @param options the title and when the recording ended (ms since the epoch)
 * @returns the document
 *
 * @example
 * ```ts
 * import { ActivityRecorder, renderActivity } from "./activity_report.ts";
 * const r = new ActivityRecorder(1000);
 * r.event({ kind: "file", time: 1100, pid: 7, comm: "cat", op: "open", path: "/etc/hosts" });
 * r.sample({ pid: 7, comm: "cat", syscalls: 12, bySyscall: new Map([["read", 12]]) }, 1500);
 * const html = renderActivity(r, { title: "t", ended: 2000 });
 * if (!html.includes('data-label="open /etc/hosts"') || !html.includes("<polyline")) {
 *   throw new Error();
 * }
 * ```
 */
export function renderActivity(
  recorder: ActivityRecorder,
  options: { title: string; ended: number },
): string {
  const d = recorder.data;
  const processes = [...d.processes].sort((a, b) => b.syscalls - a.syscalls || a.pid - b.pid);
  const duration = options.ended - d.started;
  const perProcess = processes.filter((p) => p.bySyscall.size > 0).slice(0, 12).map((p, i) =>
    `<h3>${escapeHtml(processName(p))}${
      p.executable === undefined ? "" : ` <code>${escapeHtml(p.executable)}</code>`
    }: ${p.syscalls} syscalls${p.exitCode === undefined ? "" : `, exit ${p.exitCode}`}${
      p.signal === undefined ? "" : `, ${escapeHtml(p.signal)}`
    }</h3>` +
    bars(`syscalls-${p.pid}`, top(p.bySyscall, 15), PALETTE[i % PALETTE.length]!)
  ).join("\n");
  const dropped = (n: number) =>
    n === 0 ? "" : `<p class="warn">${n} events of further distinct keys not counted</p>`;
  const denials = d.denials.length === 0
    ? `<p class="empty">No denial recorded.</p>`
    : `<table id="denials"><thead><tr><th>time</th><th>process</th><th>call</th><th>outcome</th>` +
      `<th>decided by</th></tr></thead><tbody>${
        d.denials.map((x) =>
          `<tr><td>${((x.time - d.started) / 1000).toFixed(3)} s</td><td>${x.pid}${
            x.comm === undefined ? "" : ` (${escapeHtml(x.comm)})`
          }</td><td><code>${escapeHtml(x.what)}</code></td><td>${escapeHtml(x.action)}</td><td>${
            escapeHtml(x.by)
          }</td></tr>`
        ).join("")
      }</tbody></table>${
        d.denialsTotal > d.denials.length
          ? `<p>… and ${d.denialsTotal - d.denials.length} more</p>`
          : ""
      }`;
  return [
    "<!DOCTYPE html>",
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(options.title)}</title>`,
    `<style>body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;` +
    `padding:0 1em;color:#212529}h2{font-size:1.15em;border-bottom:1px solid #dee2e6;` +
    `margin-top:1.6em}h3{font-size:1em}svg{max-width:100%;height:auto}svg text{font:12px ` +
    `system-ui,sans-serif;fill:#212529}table{border-collapse:collapse;width:100%}td,th{` +
    `border-bottom:1px solid #e9ecef;padding:3px 6px;text-align:left}code{font:12px ` +
    `ui-monospace,monospace}.empty{color:#2b8a3e}.warn{color:#e67700}</style></head><body>`,
    `<h1>${escapeHtml(options.title)}</h1>`,
    `<p id="summary" data-processes="${processes.length}" data-denials="${d.denialsTotal}">` +
    `${(duration / 1000).toFixed(1)} s, ${processes.length} processes, ${d.events} events, ` +
    `${d.denialsTotal} denials</p>`,
    `<h2>Syscalls over time</h2>`,
    overTime(processes, duration),
    `<h2>Syscalls by name</h2>`,
    perProcess || `<p class="empty">No syscall counted.</p>`,
    `<h2>File activity</h2>`,
    bars("files", top(d.files, 25), "#0c8599"),
    dropped(d.filesDropped),
    `<h2>Network activity</h2>`,
    bars("network", top(d.network, 25), "#862e9c"),
    dropped(d.networkDropped),
    `<h2>Denials</h2>`,
    denials,
    "</body></html>",
    "",
  ].join("\n");
}
