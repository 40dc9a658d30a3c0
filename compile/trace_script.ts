/**
 * What the tracing-script emitters ({@linkcode emitBpftrace}, {@linkcode emitDtrace}) share: the
 * script's inputs ({@linkcode TraceScriptSpec}, built from a compiled {@linkcode FilterSet} by
 * {@linkcode traceScriptSpec}), and the one versioned line format both scripts print, with its
 * parser ({@linkcode parseTraceLine}). Pure: no `Deno.*`.
 *
 * ## The line format, version 2 (`docs/tracing.md`)
 * Every line a script prints with `printf` starts with `cordon2 ` and a record name; fields are
 * separated by one space; integers are decimal; at most one free-text field (a path, an address,
 * a syscall name), always last, so it may contain spaces. Every event record and `ready` carry
 * `TIME` first: the kernel's monotonic clock in nanoseconds when the probe fired (bpftrace
 * `nsecs`, CLOCK_MONOTONIC; DTrace `timestamp`, from an arbitrary origin), so that a reader can
 * put back into kernel order the lines a tracer prints per CPU buffer, one buffer after another.
 *
 * ```
 * cordon2 ready TIME                                       probes are enabled (BEGIN ran)
 * cordon2 sys TIME PID TID RULE NR A0 A1 A2 A3 A4 A5 NAME  a call a rule reports (RULE -1: streamed)
 * cordon2 file TIME PID TID RET FLAGS SYSCALL PATH         an open and its result (-errno on failure)
 * cordon2 connect TIME PID TID RET FAMILY PORT ADDRESS     a connect and its result
 * cordon2 fork TIME PPID PID                               a new process (not a thread)
 * cordon2 exec TIME PID PPID PATH                          a successful exec
 * cordon2 exit TIME PID STATUS                             the wait status (code << 8 | signal)
 * cordon2 dump begin | cordon2 dump end                    frame one snapshot of the counts
 * cordon2 count PID NR NAME N                              one count line of a snapshot (DTrace printa)
 * @c[PID, NR]: N                                           one count line of a snapshot (bpftrace print)
 * Lost N events                                            bpftrace dropped N printf records
 * ```
 * `NR` is `-1` where the tracer knows a call by name only (DTrace), and `NAME` is `-` where it
 * knows it by number only (bpftrace). A snapshot replaces the previous one: counts are cumulative.
 * Snapshot lines are not timed: they are printed by user space (bpftrace reads the map when it
 * prints it) and keep their place in the output.
 *
 * Version 1 had no `TIME`; its lines (`cordon1 `) are not accepted.
 *
 * @module
 */

import { isKilling } from "../policies/types.ts";
import type { Arch } from "../policies/types.ts";
import type { FilterLayer, FilterSet, SyscallDecision } from "./filter_set.ts";
import { isAudited } from "./filter_set.ts";

/** The version of the line format; the prefix every line starts with is `cordon<version> `. */
export const TRACE_LINE_VERSION = 2;

/** The prefix of every line of the format. */
export const TRACE_LINE_PREFIX = `cordon${TRACE_LINE_VERSION} `;

/** The two script dialects. */
export type TraceDialect = "dtrace" | "bpftrace";

/** Which events a script streams (syscall counts are always kept). */
export interface TraceEvents {
  /** Every call of a watched process, as a `sys` line with RULE -1 (costly). */
  readonly syscall: boolean;
  /** Opens (`open`, `openat`) with path, flags and result. */
  readonly file: boolean;
  /** Connects with address, port and result. */
  readonly network: boolean;
  /** Forks, execs and exits. */
  readonly process: boolean;
}

/** What a rule does with the calls it reports. */
export type TraceRuleAction =
  /** Report only: a `sys` line, decided in user space. */
  | "report"
  /** Report and `SIGKILL` the process from the probe (the call has been entered already). */
  | "kill";

/** One layer's calls that the script reports (and kills on), and who the layer applies to. */
export interface TraceRule {
  /** The index of the layer in the filter set. */
  readonly layer: number;
  /** The layer's policy name. */
  readonly policy: string;
  /** Processes running now that the layer applies to (resolved by the backend), and their children. */
  readonly pids: readonly number[];
  /**
   * Processes that start later and match from their exec on: all of `comms` (any of them) and
   * `uids` (any of them) that are given must match. Absent: no process is matched at exec.
   */
  readonly atExec?: { readonly comms?: readonly string[]; readonly uids?: readonly number[] };
  /** Per syscall (x86_64 numbers and Linux names): what the script does. */
  readonly calls: readonly TraceRuleCall[];
}

/** One syscall a rule reports. */
export interface TraceRuleCall {
  /** The x86_64 number. */
  readonly nr: number;
  /** The name. */
  readonly name: string;
  /** What the probe does. */
  readonly action: TraceRuleAction;
}

/** Everything a script is generated from. */
export interface TraceScriptSpec {
  /** Processes watched (counts, events) with their future children. */
  readonly pids: readonly number[];
  /** Processes named so are watched from their exec on (and those running now, via `pids`). */
  readonly comms: readonly string[];
  /** Watch every process except `exclude`. */
  readonly all: boolean;
  /** Processes never watched (the runner itself). */
  readonly exclude: readonly number[];
  /** Which events are streamed. */
  readonly events: TraceEvents;
  /** The applied layers' rules (watched processes include their targets). */
  readonly rules: readonly TraceRule[];
  /**
   * bpftrace: the script exits (running END) when process `pid` stats `path`. bpftrace 0.17
   * drops the lines still in its perf buffers when SIGINT stops it; an `exit()` from a probe
   * is delivered after them, so the runner stops it this way first.
   */
  readonly stop?: { readonly pid: number; readonly path: string };
}

/** Options of {@linkcode traceScriptSpec}. */
export interface TraceScriptSpecOptions {
  /** Processes to watch besides the layers' targets. */
  readonly pids?: readonly number[];
  /** Process names to watch. */
  readonly comms?: readonly string[];
  /** Watch every process. */
  readonly all?: boolean;
  /** Processes never watched. */
  readonly exclude?: readonly number[];
  /** Events streamed (default: file, network and process). */
  readonly events?: Partial<TraceEvents>;
  /** Apply kills (false: every decided call is only reported, as in audit mode). */
  readonly enforce?: boolean;
  /** Per layer index: the running processes it applies to (default: the target's `pids`). */
  readonly layerPids?: ReadonlyMap<number, readonly number[]>;
  /** The architecture whose filter the rules are taken from (default `x86_64`). */
  readonly arch?: Arch;
  /** See {@linkcode TraceScriptSpec.stop}. */
  readonly stop?: { readonly pid: number; readonly path: string };
}

const DEFAULT_EVENTS: TraceEvents = { syscall: false, file: true, network: true, process: true };

/**
 * Added to an i386 syscall number (a call through `int $0x80`, `TS_COMPAT` set) where scripts
 * key by number: the raw tracepoint gives the number of the caller's ABI, and i386 64
 * (`getppid`) is not x86_64 64 (`semget`). Above every table's numbers, below x32's bit.
 */
export const I386_NR_OFFSET = 1 << 20;

/**
 * The ABI and number of a number as scripts print it ({@linkcode I386_NR_OFFSET}).
 *
 * @example
 * ```ts
 * import { I386_NR_OFFSET, scriptSyscall } from "@cordon/cordon";
 * const call = scriptSyscall(I386_NR_OFFSET + 64);
 * if (call.arch !== "i386" || call.nr !== 64) throw new Error();
 * ```
 */
export function scriptSyscall(nr: number): { arch: "x86_64" | "i386"; nr: number } {
  return nr >= I386_NR_OFFSET ? { arch: "i386", nr: nr - I386_NR_OFFSET } : { arch: "x86_64", nr };
}

/** The call's action in the script, or `undefined` when every case allows it. */
function callAction(d: SyscallDecision, enforce: boolean): TraceRuleAction | undefined {
  const decisions = [...d.cases.map((c) => c.decision), d.otherwise];
  if (decisions.every((x) => x.action === "allow" && !isAudited(x))) return undefined;
  const unconditional = d.cases.length === 0;
  const o = d.otherwise;
  return unconditional && enforce && isKilling(o.action) && !isAudited(o) ? "kill" : "report";
}

/**
 * The calls a layer's script reports: every syscall whose decision is not a plain allow (calls
 * decided by arguments are reported with their arguments and decided in user space; only an
 * unconditional kill is applied in the probe).
 *
 * @example
 * ```ts
 * import { traceCalls } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const allow = { action: "allow" as const, ruleId: null, policy: "p", loc };
 * const kill = { action: "kill" as const, ruleId: "k", policy: "p", loc };
 * const calls = traceCalls({
 *   policy: "p", mode: "enforce", defaultAction: "allow", defaultErrno: 1, loc,
 *   arches: [{ arch: "x86_64", unknown: allow, syscalls: [
 *     { nr: 0, name: "read", cases: [], otherwise: allow },
 *     { nr: 110, name: "getppid", cases: [], otherwise: kill },
 *   ] }],
 * }, true);
 * if (calls.length !== 1 || calls[0]!.action !== "kill") throw new Error();
 * ```
 */
export function traceCalls(
  layer: FilterLayer,
  enforce: boolean,
  arch: Arch = "x86_64",
): TraceRuleCall[] {
  const filter = layer.arches.find((f) => f.arch === arch);
  if (filter === undefined) return [];
  const calls: TraceRuleCall[] = [];
  for (const d of filter.syscalls) {
    if (d.name === null) continue;
    const action = callAction(d, enforce && layer.mode !== "audit");
    if (action !== undefined) calls.push({ nr: d.nr, name: d.name, action });
  }
  return calls;
}

/**
 * The script inputs for a filter set and the processes to watch. Layers without a target (what
 * `cordon run` launches) get no rule: a tracer observes running processes only.
 *
 * @param set the compiled policies
 * @param options who is watched, which events, and whether kills are applied
 * @returns the spec both emitters take
 *
 * @example
 * ```ts
 * import { traceScriptSpec } from "@cordon/cordon";
 * const spec = traceScriptSpec({ version: 1, layers: [] }, { pids: [42] });
 * if (spec.pids[0] !== 42 || spec.rules.length !== 0 || !spec.events.file) throw new Error();
 * ```
 */
export function traceScriptSpec(
  set: FilterSet,
  options: TraceScriptSpecOptions = {},
): TraceScriptSpec {
  const enforce = options.enforce ?? true;
  const rules: TraceRule[] = [];
  set.layers.forEach((layer, index) => {
    const target = layer.target;
    if (target === undefined) return;
    const calls = traceCalls(layer, enforce, options.arch);
    // Calls through int 0x80 are decided by the layer's i386 filter, keyed apart.
    if ((options.arch ?? "x86_64") === "x86_64") {
      for (const call of traceCalls(layer, enforce, "i386")) {
        calls.push({ ...call, nr: call.nr + I386_NR_OFFSET });
      }
    }
    if (calls.length === 0) return;
    const given = Object.entries(target).filter(([, v]) => v !== undefined).map(([k]) => k);
    const byExec = given.length > 0 && given.every((k) => k === "comms" || k === "uids");
    rules.push({
      layer: index,
      policy: layer.policy,
      pids: [...(options.layerPids?.get(index) ?? target.pids ?? [])].sort((a, b) => a - b),
      ...(byExec
        ? {
          atExec: {
            ...(target.comms ? { comms: target.comms } : {}),
            ...(target.uids ? { uids: target.uids } : {}),
          },
        }
        : {}),
      calls,
    });
  });
  return {
    pids: [...new Set(options.pids ?? [])].sort((a, b) => a - b),
    comms: [...new Set(options.comms ?? [])],
    all: options.all ?? false,
    exclude: [...new Set(options.exclude ?? [])].sort((a, b) => a - b),
    events: { ...DEFAULT_EVENTS, ...options.events },
    rules,
    ...(options.stop ? { stop: options.stop } : {}),
  };
}

/**
 * The kernel's monotonic time of a record, in nanoseconds (bpftrace `nsecs`, DTrace
 * `timestamp`). A `bigint`: nanoseconds since boot pass 2^53 after about 104 days of uptime, and a
 * `number` would then round them, reordering records close in time.
 */
export type TraceTime = bigint;

/** A record of the line format, parsed. */
export type TraceRecord =
  | { readonly type: "ready"; readonly time: TraceTime }
  | {
    readonly type: "sys";
    readonly time: TraceTime;
    readonly pid: number;
    readonly tid: number;
    /** Index into {@linkcode TraceScriptSpec.rules}, or -1 for a streamed call. */
    readonly rule: number;
    /** -1 when only the name is known. */
    readonly nr: number;
    readonly args: readonly bigint[];
    /** `null` when only the number is known. */
    readonly name: string | null;
  }
  | {
    readonly type: "file";
    readonly time: TraceTime;
    readonly pid: number;
    readonly tid: number;
    readonly ret: number;
    readonly flags: number;
    readonly syscall: string;
    readonly path: string;
  }
  | {
    readonly type: "connect";
    readonly time: TraceTime;
    readonly pid: number;
    readonly tid: number;
    readonly ret: number;
    readonly family: number;
    readonly port: number;
    readonly address: string;
  }
  | {
    readonly type: "fork";
    readonly time: TraceTime;
    readonly ppid: number;
    readonly pid: number;
  }
  | {
    readonly type: "exec";
    readonly time: TraceTime;
    readonly pid: number;
    readonly ppid: number;
    readonly path: string;
  }
  | {
    readonly type: "exit";
    readonly time: TraceTime;
    readonly pid: number;
    readonly status: number;
  }
  /** bpftrace's own notice that its perf buffer dropped events (`Lost N events`). */
  | { readonly type: "lost"; readonly count: number }
  | { readonly type: "dump-begin" }
  | { readonly type: "dump-end" }
  | {
    readonly type: "count";
    readonly pid: number;
    readonly nr: number;
    readonly name: string | null;
    readonly count: number;
  };

/** The records that carry a kernel time: every event record and `ready`. */
export type TimedTraceRecord = Extract<TraceRecord, { readonly time: TraceTime }>;

/**
 * Whether `record` carries a kernel time (an event record or `ready`; snapshot and loss
 * records do not).
 *
 * @param record a parsed record
 * @returns whether it has a `time`
 *
 * @example
 * ```ts
 * import { isTimedRecord, parseTraceLine } from "@cordon/cordon";
 * if (!isTimedRecord(parseTraceLine("cordon2 exit 1000 7 0")!)) throw new Error();
 * if (isTimedRecord(parseTraceLine("cordon2 dump end")!)) throw new Error();
 * ```
 */
export function isTimedRecord(record: TraceRecord): record is TimedTraceRecord {
  return "time" in record;
}

/** A line that is not in the format (a tracer's own message, or a corrupt line). */
export class TraceLineError extends SyntaxError {
  /** Stable code. */
  readonly code = "TRACE_LINE_MALFORMED";
  /** The offending line. */
  readonly text: string;

  /**
   * Creates the error.
   *
   * @param message what is wrong
   * @param text the line
   */
  constructor(message: string, text: string) {
    super(message);
    this.name = "TraceLineError";
    this.text = text;
  }
}

/** Per record: how many fields come before the free-text one (`TIME` included). */
const FIELDS: Readonly<Record<string, number>> = {
  ready: 1,
  sys: 11,
  file: 6,
  connect: 6,
  fork: 3,
  exec: 3,
  exit: 3,
  dump: 1,
  count: 2,
};

/** The records whose first field is `TIME`. */
const TIMED = new Set(["ready", "sys", "file", "connect", "fork", "exec", "exit"]);

/** `@c[PID, NR]: N` as bpftrace's `print(@c)` writes it. */
const BPFTRACE_COUNT = /^@c\[(\d+), (\d+)\]: (\d+)$/;

function int(text: string, line: string): number {
  if (!/^-?\d+$/.test(text)) throw new TraceLineError(`Expected an integer, got "${text}"`, line);
  return Number(text);
}

/**
 * Parses one line of a script's output. Blank lines and bpftrace's empty map prints give
 * `undefined`; anything else that is not in the format throws.
 *
 * @param line one line, without its newline
 * @returns the record, or `undefined` for a blank line
 * @throws {TraceLineError} when the line is not in the format
 *
 * @example
 * ```ts
 * import { parseTraceLine } from "@cordon/cordon";
 * const file = parseTraceLine("cordon2 file 5000123 7 8 3 0 openat /tmp/a b");
 * if (file?.type !== "file" || file.path !== "/tmp/a b" || file.ret !== 3) throw new Error();
 * if (file.time !== 5_000_123n) throw new Error();
 * const count = parseTraceLine("@c[7, 110]: 5000000");
 * if (count?.type !== "count" || count.count !== 5_000_000 || count.nr !== 110) throw new Error();
 * ```
 */
export function parseTraceLine(line: string): TraceRecord | undefined {
  const text = line.endsWith("\r") ? line.slice(0, -1) : line;
  if (text.trim() === "") return undefined;
  const lost = /^Lost (\d+) events$/.exec(text);
  if (lost) return { type: "lost", count: Number(lost[1]) };
  const bpf = BPFTRACE_COUNT.exec(text);
  if (bpf) {
    return {
      type: "count",
      pid: Number(bpf[1]),
      nr: Number(bpf[2]),
      name: null,
      count: Number(bpf[3]),
    };
  }
  if (!text.startsWith(TRACE_LINE_PREFIX)) {
    throw new TraceLineError(
      `Not a ${TRACE_LINE_PREFIX.trim()} line: "${text.slice(0, 80)}"`,
      text,
    );
  }
  const rest = text.slice(TRACE_LINE_PREFIX.length);
  const space = rest.indexOf(" ");
  const type = space === -1 ? rest : rest.slice(0, space);
  const want = FIELDS[type];
  if (want === undefined) throw new TraceLineError(`Unknown record "${type}"`, text);
  // Integers first, then the one free-text field (which may contain spaces).
  const parts: string[] = [];
  let at = space === -1 ? rest.length : space + 1;
  for (let i = 0; i < want; i++) {
    const next = rest.indexOf(" ", at);
    if (next === -1) {
      if (at >= rest.length) break;
      parts.push(rest.slice(at));
      at = rest.length;
      break;
    }
    parts.push(rest.slice(at, next));
    at = next + 1;
  }
  const tail = at <= rest.length ? rest.slice(at) : "";
  const free = ["sys", "file", "connect", "exec", "count"].includes(type);
  if (parts.length < want || (free ? tail === "" : tail !== "")) {
    throw new TraceLineError(`Malformed "${type}" record: "${text.slice(0, 120)}"`, text);
  }
  let time: TraceTime = 0n;
  if (TIMED.has(type)) {
    const t = parts.shift()!;
    if (!/^\d+$/.test(t)) throw new TraceLineError(`Expected a kernel time, got "${t}"`, text);
    time = BigInt(t);
  }
  const n = (i: number) => int(parts[i]!, text);
  switch (type) {
    case "ready":
      return { type: "ready", time };
    case "sys": {
      const args = parts.slice(4, 10).map((a) => {
        if (!/^\d+$/.test(a)) throw new TraceLineError(`Expected an argument, got "${a}"`, text);
        return BigInt(a);
      });
      return {
        type: "sys",
        time,
        pid: n(0),
        tid: n(1),
        rule: n(2),
        nr: n(3),
        args,
        name: tail === "-" ? null : tail,
      };
    }
    case "file":
      return {
        type: "file",
        time,
        pid: n(0),
        tid: n(1),
        ret: n(2),
        flags: n(3),
        syscall: parts[4]!,
        path: tail,
      };
    case "connect":
      return {
        type: "connect",
        time,
        pid: n(0),
        tid: n(1),
        ret: n(2),
        family: n(3),
        port: n(4),
        address: tail,
      };
    case "fork":
      return { type: "fork", time, ppid: n(0), pid: n(1) };
    case "exec":
      return { type: "exec", time, pid: n(0), ppid: n(1), path: tail };
    case "exit":
      return { type: "exit", time, pid: n(0), status: n(1) };
    case "dump": {
      if (parts[0] === "begin") return { type: "dump-begin" };
      if (parts[0] === "end") return { type: "dump-end" };
      throw new TraceLineError(`Malformed "dump" record: "${text}"`, text);
    }
    default: {
      // count PID NR NAME N: the name is a token (syscall names have no spaces), N last.
      const count = /^(\S+) (\d+)$/.exec(tail);
      if (!count) throw new TraceLineError(`Malformed "count" record: "${text}"`, text);
      return {
        type: "count",
        pid: n(0),
        nr: n(1),
        name: count[1] === "-" ? null : count[1]!,
        count: Number(count[2]),
      };
    }
  }
}
