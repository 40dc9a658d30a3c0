/**
 * Prometheus metrics of a running monitor or apply: counters kept from the events a backend
 * delivers (decisions by action and rule, events by kind, lost events, kills, network denials)
 * and from its per-process activity (syscalls by name and policy), rendered in the text
 * exposition format (version 0.0.4, with `# HELP` and `# TYPE`), and a small HTTP server for
 * `/metrics`.
 *
 * Label sets are bounded: syscall names, policy names, rule ids, actions and event kinds come
 * from the tables and the policy set, never from what a process passes. There is no `pid` label:
 * pids are reused and unbounded (every short-lived child would be a new series forever, and a
 * Prometheus server's memory grows with every series it ever saw); per-process figures are what
 * `cordon monitor`'s summaries and `--format json` are for. A family that would still exceed
 * {@linkcode EngineMetricsOptions.maxSeries} folds the excess into one series labelled `_other`.
 *
 * @module
 */

import { isKilling } from "../policies/types.ts";
import type { EngineEvent } from "./events.ts";
import type { ProcessActivity } from "./backend.ts";
import type { FilterSet } from "../compile/filter_set.ts";
import { targetMatches } from "../compile/target.ts";

/** A metrics problem, with a stable code. */
export class MetricsError extends Error {
  /**
   * `"invalid-metric"`: a family cannot be rendered; `"invalid-address"`: not `HOST:PORT`;
   * `"listen-failed"`: the address cannot be bound.
   */
  readonly code: "invalid-metric" | "invalid-address" | "listen-failed";

  /**
   * Creates the error.
   *
   * @param code The stable code.
   * @param message What is wrong.
   * @param options The cause.
   */
  constructor(code: MetricsError["code"], message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MetricsError";
    this.code = code;
  }
}

/** One sample of a metric family. */
export interface MetricSample {
  /** Label names and values. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The value. */
  readonly value: number;
}

/** A metric family: one `# HELP`/`# TYPE` header and its samples. */
export interface MetricFamily {
  /** The metric name; a counter's ends in `_total`. */
  readonly name: string;
  /** One line of help text. */
  readonly help: string;
  /** `counter` or `gauge`. */
  readonly type: "counter" | "gauge";
  /** The samples (none: the family is still described). */
  readonly samples: readonly MetricSample[];
}

/** Produces extra families at scrape time (e.g. BPF program run time). */
export type MetricsCollector = () => readonly MetricFamily[] | Promise<readonly MetricFamily[]>;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return Number.isInteger(value) ? value.toFixed(0) : String(value);
}

/**
 * Renders families in the Prometheus text exposition format (0.0.4): each family's `# HELP`
 * and `# TYPE`, then its samples sorted by labels, label values escaped.
 *
 * @param families The families (names must be unique).
 * @returns The text, ending in a newline.
 * @throws {MetricsError} With code `"invalid-metric"` for a bad metric or label name, a counter
 *   not ending in `_total`, a negative counter, or a name given twice.
 *
 * @example
 * ```ts
 * import { renderExposition } from "@cordon/cordon";
 * const text = renderExposition([{
 *   name: "cordon_events_total", help: "Events.", type: "counter",
 *   samples: [{ labels: { kind: "file" }, value: 3 }],
 * }]);
 * if (!text.includes('# TYPE cordon_events_total counter\ncordon_events_total{kind="file"} 3\n')) {
 *   throw new Error(text);
 * }
 * ```
 */
export function renderExposition(families: readonly MetricFamily[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  const invalid = (message: string): never => {
    throw new MetricsError("invalid-metric", message);
  };
  for (const family of families) {
    if (!NAME.test(family.name)) invalid(`bad metric name "${family.name}"`);
    if (seen.has(family.name)) invalid(`metric "${family.name}" is given twice`);
    seen.add(family.name);
    if (family.type === "counter" && !family.name.endsWith("_total")) {
      invalid(`counter "${family.name}" must end in _total`);
    }
    out.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
    out.push(`# TYPE ${family.name} ${family.type}`);
    const lines = family.samples.map((sample) => {
      if (family.type === "counter" && !(sample.value >= 0)) {
        invalid(`counter "${family.name}" has the value ${sample.value}`);
      }
      const labels = Object.entries(sample.labels ?? {}).sort(([a], [b]) => a < b ? -1 : 1);
      for (const [key] of labels) {
        if (!LABEL.test(key) || key.startsWith("__")) invalid(`bad label name "${key}"`);
      }
      const text = labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",");
      return `${family.name}${text === "" ? "" : `{${text}}`} ${formatValue(sample.value)}`;
    });
    out.push(...lines.sort());
  }
  return out.length === 0 ? "" : out.join("\n") + "\n";
}

/** Options of {@linkcode EngineMetrics}. */
export interface EngineMetricsOptions {
  /** The most series one family keeps before folding the rest into `_other` (default 5000). */
  readonly maxSeries?: number;
}

/** A counter family keyed by its labels, bounded. */
class CounterFamily {
  readonly #series = new Map<string, { labels: Record<string, string>; value: number }>();
  readonly #labelNames: readonly string[];
  readonly #max: number;

  constructor(labelNames: readonly string[], max: number) {
    this.#labelNames = labelNames;
    this.#max = max;
  }

  add(values: readonly string[], n = 1): void {
    let key = values.join("\u0000");
    if (!this.#series.has(key) && this.#series.size >= this.#max) {
      values = this.#labelNames.map(() => "_other");
      key = values.join("\u0000");
    }
    const series = this.#series.get(key);
    if (series !== undefined) {
      series.value += n;
      return;
    }
    const labels: Record<string, string> = {};
    this.#labelNames.forEach((name, i) => labels[name] = values[i] ?? "");
    this.#series.set(key, { labels, value: n });
  }

  samples(): MetricSample[] {
    return [...this.#series.values()].map((s) => ({ labels: s.labels, value: s.value }));
  }
}

/** A process's syscall counts as last seen: they move to the retained totals when it goes. */
interface Seen {
  readonly policy: string;
  readonly bySyscall: ReadonlyMap<string, number>;
}

/**
 * The metrics of one monitor or apply session: feed it every delivered event
 * ({@linkcode EngineMetrics.observe}) and lost count ({@linkcode EngineMetrics.lost}), give it
 * the backend's activity ({@linkcode EngineMetrics.setActivitySource}), and render at scrape time.
 *
 * @example
 * ```ts
 * import { EngineMetrics } from "@cordon/cordon";
 * const metrics = new EngineMetrics();
 * metrics.observe({
 *   kind: "syscall", time: 0, pid: 7, arch: "x86_64", nr: 41, name: "socket",
 *   verdict: { action: "deny", errno: 13, ruleId: "no-inet", policy: "web", enforced: true },
 * });
 * metrics.lost(2);
 * const text = await metrics.render();
 * if (!text.includes('cordon_decisions_total{action="deny",policy="web",rule="no-inet"} 1')) {
 *   throw new Error(text);
 * }
 * if (!text.includes("cordon_events_lost_total 2")) throw new Error(text);
 * ```
 */
export class EngineMetrics {
  readonly #max: number;
  readonly #events: CounterFamily;
  readonly #decisions: CounterFamily;
  readonly #kills: CounterFamily;
  readonly #network: CounterFamily;
  readonly #retained: CounterFamily;
  #lost = 0;
  #activity: (() => Iterable<ProcessActivity>) | undefined;
  #set: FilterSet | undefined;
  readonly #seen = new Map<string, Seen>();
  readonly #collectors: MetricsCollector[] = [];

  /**
   * Creates the metrics of one engine.
   *
   * @param options The bound on series per family.
   */
  constructor(options: EngineMetricsOptions = {}) {
    this.#max = options.maxSeries ?? 5000;
    this.#events = new CounterFamily(["kind"], this.#max);
    this.#decisions = new CounterFamily(["action", "policy", "rule"], this.#max);
    this.#kills = new CounterFamily(["reason", "policy"], this.#max);
    this.#network = new CounterFamily(["policy", "op"], this.#max);
    this.#retained = new CounterFamily(["syscall", "policy"], this.#max);
  }

  /** Counts one delivered event. */
  observe(event: EngineEvent): void {
    this.#events.add([event.kind]);
    const verdict = event.kind === "process" ? undefined : event.verdict;
    if (event.kind === "syscall" && verdict !== undefined) {
      this.#decisions.add([verdict.action, verdict.policy, verdict.ruleId ?? "default"]);
      if (isKilling(verdict.action) && verdict.enforced) {
        this.#kills.add(["policy", verdict.policy]);
      }
    }
    if (event.kind === "network" && verdict !== undefined && verdict.action !== "allow") {
      this.#network.add([verdict.policy, event.op]);
    }
  }

  /** Counts events the backend reported lost (ring buffer full). */
  lost(count: number): void {
    if (count > 0) this.#lost += count;
  }

  /**
   * Counts a process the backend killed outside a policy decision (`procs-full`, `event-lost`,
   * `cgroup-escape`).
   */
  killed(reason: string, policy = ""): void {
    this.#kills.add([reason, policy]);
  }

  /**
   * Where per-process syscall counts come from (the backend's monitored processes), and the
   * applied policies whose targets label them.
   */
  setActivitySource(source: () => Iterable<ProcessActivity>, set?: FilterSet): void {
    this.#activity = source;
    this.#set = set;
  }

  /** Replaces the policy set that labels processes (after a reload). */
  setPolicies(set: FilterSet | undefined): void {
    this.#set = set;
  }

  /** Adds families produced at scrape time. */
  addCollector(collector: MetricsCollector): void {
    this.#collectors.push(collector);
  }

  #policyOf(
    activity: ProcessActivity,
    byPid: ReadonlyMap<number, ProcessActivity>,
  ): string {
    const set = this.#set;
    if (set === undefined) return "";
    let proc: ProcessActivity | undefined = activity;
    for (let depth = 0; proc !== undefined && depth < 64; depth++) {
      const p: ProcessActivity = proc;
      const names = set.layers.filter((l) => l.target !== undefined && targetMatches(l.target, p))
        .map((l) => l.policy);
      if (names.length > 0) return names.sort().join(",");
      proc = p.ppid === undefined ? undefined : byPid.get(p.ppid);
    }
    return "";
  }

  /** Syscall counts: retained totals of processes gone, plus what live processes counted. */
  #syscalls(): MetricSample[] {
    const live = new Map<string, Seen>();
    if (this.#activity !== undefined) {
      const list = [...this.#activity()];
      const byPid = new Map(list.map((a) => [a.pid, a]));
      for (const a of list) {
        const key = `${a.pid}/${a.start}`;
        live.set(key, {
          policy: this.#seen.get(key)?.policy ?? this.#policyOf(a, byPid),
          bySyscall: a.bySyscall,
        });
      }
    }
    for (const [key, seen] of this.#seen) {
      if (live.has(key)) continue;
      for (const [name, n] of seen.bySyscall) this.#retained.add([name, seen.policy], n);
      this.#seen.delete(key);
    }
    for (const [key, seen] of live) this.#seen.set(key, seen);
    const totals = new CounterFamily(["syscall", "policy"], this.#max);
    for (const s of this.#retained.samples()) {
      totals.add([s.labels!.syscall!, s.labels!.policy!], s.value);
    }
    for (const seen of live.values()) {
      for (const [name, n] of seen.bySyscall) totals.add([name, seen.policy], n);
    }
    return totals.samples();
  }

  /** The families, collectors' included. */
  async families(): Promise<MetricFamily[]> {
    const own: MetricFamily[] = [
      {
        name: "cordon_syscalls_total",
        help: "Syscalls of monitored processes, by syscall name and the policy whose target " +
          "the process is (empty: none).",
        type: "counter",
        samples: this.#syscalls(),
      },
      {
        name: "cordon_decisions_total",
        help: "Policy decisions reported for syscalls, by action, policy and deciding rule id " +
          "(default: the policy's defaultAction).",
        type: "counter",
        samples: this.#decisions.samples(),
      },
      {
        name: "cordon_events_delivered_total",
        help: "Events delivered from the backend to user space, by kind.",
        type: "counter",
        samples: this.#events.samples(),
      },
      {
        name: "cordon_events_lost_total",
        help: "Events lost before user space (ring buffer full).",
        type: "counter",
        samples: [{ value: this.#lost }],
      },
      {
        name: "cordon_kills_total",
        help: "Processes killed: by a policy's kill action (reason policy), or for " +
          "procs-full, event-lost or cgroup-escape.",
        type: "counter",
        samples: this.#kills.samples(),
      },
      {
        name: "cordon_network_denials_total",
        help: "Network operations a policy's network section denied, by policy and operation.",
        type: "counter",
        samples: this.#network.samples(),
      },
    ];
    for (const collector of this.#collectors) own.push(...await collector());
    return own;
  }

  /** The exposition text. */
  async render(): Promise<string> {
    return renderExposition(await this.families());
  }
}

/** Where a metrics server listens. */
export interface ListenAddress {
  /** The host name or address. */
  readonly hostname: string;
  /** The TCP port (0: any free port). */
  readonly port: number;
}

/**
 * Parses `HOST:PORT` (`127.0.0.1:9464`, `[::1]:9464`, `localhost:0`).
 *
 * @param text The address.
 * @returns The host and port.
 * @throws {MetricsError} With code `"invalid-address"` for anything else.
 *
 * @example
 * ```ts
 * import { parseListenAddress } from "@cordon/cordon";
 * const a = parseListenAddress("[::1]:9464");
 * if (a.hostname !== "::1" || a.port !== 9464) throw new Error();
 * ```
 */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(text);
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || port > 65535) {
    throw new MetricsError(
      "invalid-address",
      `bad address "${text}": expected HOST:PORT, e.g. 127.0.0.1:9464 or [::1]:9464`,
    );
  }
  return { hostname: match[1] ?? match[2]!, port };
}

/**
 * An HTTP server answering `GET /metrics` with the exposition text (`text/plain;
 * version=0.0.4`), 404 elsewhere. Close it with `await using` or {@linkcode MetricsServer.close}.
 *
 * @example
 * ```ts
 * import { EngineMetrics, MetricsServer } from "@cordon/cordon";
 * const metrics = new EngineMetrics();
 * await using server = await MetricsServer.listen({ hostname: "127.0.0.1", port: 0 }, () => metrics.render());
 * const text = await (await fetch(server.url)).text();
 * if (!text.includes("# TYPE cordon_syscalls_total counter")) throw new Error(text);
 * ```
 */
export class MetricsServer implements AsyncDisposable {
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  /** The `/metrics` URL it serves. */
  readonly url: string;

  private constructor(server: Deno.HttpServer<Deno.NetAddr>) {
    this.#server = server;
    const { hostname, port } = server.addr;
    this.url = `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}/metrics`;
  }

  /**
   * Starts listening.
   *
   * @param address Where.
   * @param render Produces the exposition text at each scrape.
   * @throws {MetricsError} With code `"listen-failed"` when the address cannot be bound.
   */
  static async listen(
    address: ListenAddress,
    render: () => string | Promise<string>,
  ): Promise<MetricsServer> {
    const { promise, resolve } = Promise.withResolvers<void>();
    let server: Deno.HttpServer<Deno.NetAddr>;
    try {
      server = Deno.serve({
        hostname: address.hostname,
        port: address.port,
        onListen: () => resolve(),
        onError: () => new Response("internal error\n", { status: 500 }),
      }, async (request) => {
        const path = new URL(request.url).pathname;
        if (path !== "/metrics") return new Response("not found: try /metrics\n", { status: 404 });
        if (request.method !== "GET" && request.method !== "HEAD") {
          return new Response("method not allowed\n", { status: 405, headers: { allow: "GET" } });
        }
        return new Response(await render(), {
          headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
        });
      });
    } catch (error) {
      const reason = error instanceof Error
        ? error.message.replace(/ \(os error \d+\)$/, "")
        : error;
      throw new MetricsError(
        "listen-failed",
        `cannot serve metrics on ${address.hostname}:${address.port}: ${reason}`,
        { cause: error },
      );
    }
    await promise;
    return new MetricsServer(server);
  }

  /** Stops listening and waits for open requests. */
  async close(): Promise<void> {
    await this.#server.shutdown();
  }

  /** Same as {@linkcode MetricsServer.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
