/**
 * Learning a least-privilege policy from traces: {@linkcode TraceObserver} collects what one or
 * several traces show (syscalls with the arguments worth a condition, the paths read, written
 * and executed, the network endpoints, which program did what and how often, and what the traces
 * could not show); {@linkcode generatePolicy} turns that into a deterministic policy YAML text
 * that `cordon run` enforces: `defaultAction: deny` (or `extends` a base, adding only what the
 * base does not already allow), capability groups the observed calls fully cover, the other
 * syscalls as rules, argument conditions where the observed values are few (socket families,
 * clone flags, ioctl requests), filesystem paths generalised to directories (never `/`), and
 * network endpoints. Every entry carries a comment saying how often and by which program it was
 * seen; the header names the traces (sha256), the command and the date.
 *
 * Pure: no I/O; the date is an input.
 *
 * @module
 */

import { letsCallRun } from "../policies/types.ts";
import type { Arch, ResolvedPolicy } from "../policies/types.ts";
import type { TraceCall, TraceItem } from "./trace/trace_item.ts";
import { type AccessState, straceCallAccess } from "./trace/strace_access.ts";
import { parseJsonlTraceLine } from "./trace/jsonl_trace.ts";
import { StraceParser } from "./trace/strace_parser.ts";
import { fileOpChecks, type PathCheck } from "./access_rules.ts";
import { CAPABILITY_GROUPS } from "../policies/capability_groups.ts";
import { syscallNumber } from "../policies/syscalls.ts";
import { compilePolicies } from "../compile/compile.ts";
import { Evaluator } from "../compile/evaluate.ts";
import { isBeneath, normalisePath } from "../compile/landlock.ts";

/** The arguments worth a condition: syscall name → argument index and how to compare it. */
const CONDITIONED: ReadonlyMap<string, { readonly index: 0 | 1; readonly low32: boolean }> =
  new Map([
    ["socket", { index: 0, low32: false }],
    ["socketpair", { index: 0, low32: false }],
    ["clone", { index: 0, low32: false }],
    ["ioctl", { index: 1, low32: true }],
  ]);

/** What `cordon run`'s launcher calls after installing the filter: it resets signals, then `execve`s. */
const LAUNCHER_SYSCALLS = ["execve", "rt_sigaction", "rt_sigprocmask"];

/** At most this many distinct values of a conditioned argument become conditions. */
export const MAX_CONDITION_VALUES = 8;

const FAMILY_NAMES: ReadonlyMap<bigint, string> = new Map([
  [1n, "AF_UNIX"],
  [2n, "AF_INET"],
  [10n, "AF_INET6"],
  [16n, "AF_NETLINK"],
  [17n, "AF_PACKET"],
]);

/** Directory trees of the system's programs and libraries: read and executed as a whole. */
const SYSTEM_TREES = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

/** How often something was seen, and by which programs. */
export interface Seen {
  /** Times seen. */
  count: number;
  /** Times by program (the executable's base name). */
  readonly programs: Map<string, number>;
}

/** One observed syscall (per architecture and name or number). */
export interface ObservedSyscall extends Seen {
  /** The architecture. */
  readonly arch: Arch;
  /** The number. */
  readonly nr: number;
  /** The name on `arch`, or `null`. */
  readonly name: string | null;
  /** For conditioned syscalls: counts by argument value; `undefined` once a value was unknown. */
  values: Map<bigint, Seen> | undefined;
  /** Calls of this syscall (with their arguments, when conditioned) the base must decide. */
  readonly calls: (readonly bigint[])[];
}

/** Access classes a path was used with. */
export type PathUse = "read" | "write" | "execute";

/** One trace's identity, for the policy's header. */
export interface TraceIdentity {
  /** The trace's name (its path). */
  readonly name: string;
  /** The sha256 of its bytes, hex. */
  readonly sha256: string;
}

function bump(seen: Seen, program: string, by = 1): void {
  seen.count += by;
  seen.programs.set(program, (seen.programs.get(program) ?? 0) + by);
}

function newSeen(): Seen {
  return { count: 0, programs: new Map() };
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1) || path;
}

/**
 * What one or several traces show: feed it each trace's items with {@linkcode TraceObserver.add}
 * (call {@linkcode TraceObserver.beginTrace} before each trace), then hand it to
 * {@linkcode generatePolicy}.
 *
 * @example
 * ```ts
 * import { TraceObserver } from "@cordon/cordon";
 * import { parseJsonlTraceLine } from "@cordon/cordon";
 * const observer = new TraceObserver();
 * observer.beginTrace({ name: "t.jsonl", sha256: "00" }, "jsonl");
 * const line = '{"v":1,"kind":"syscall","time":0,"pid":9,"arch":"x86_64","nr":1,"name":"write","args":[1,"0x10",3]}';
 * observer.add(parseJsonlTraceLine(line, 1)!);
 * if (observer.syscalls.get("x86_64:write")?.count !== 1) throw new Error();
 * ```
 */
export class TraceObserver {
  /** Syscalls by `arch:name` (or `arch:#nr`). */
  readonly syscalls: Map<string, ObservedSyscall> = new Map();
  /** Paths by use, each by absolute path. */
  readonly paths: Record<PathUse, Map<string, Seen & { dir: boolean }>> = {
    read: new Map(),
    write: new Map(),
    execute: new Map(),
  };
  /** Network endpoints (`connect`/`bind`) by their policy text. */
  readonly network: Record<"connect" | "bind", Map<string, Seen>> = {
    connect: new Map(),
    bind: new Map(),
  };
  /** Unix-domain socket paths connected to. */
  readonly unix: Map<string, Seen> = new Map();
  /** What the traces could not show, each said once with a count. */
  readonly unseen: Map<string, number> = new Map();
  /** The traces, in the order given. */
  readonly traces: TraceIdentity[] = [];
  /** The commands (the root exec's argv, when a trace has it). */
  readonly commands: string[][] = [];
  /** Calls and events read. */
  calls = 0;
  /** Processes seen. */
  processes = 0;

  #format: "jsonl" | "strace" = "jsonl";
  #program = new Map<number, string>();
  #arch = new Map<number, Arch>();
  #execCalls = new Set<number>();
  #access = new Map<number, AccessState>();
  #pidsSeen = new Set<number>();
  #forked = new Set<number>();
  #prefix = "";
  #cwd: string | undefined;
  #moved = new Set<number>();
  /** Processes whose fork or exec the trace shows (JSON Lines). */
  #started = new Set<number>();

  /**
   * Creates an empty observer.
   *
   * @param cwd the traced command's starting working directory, when known: relative paths of
   *   JSON Lines file events resolve against it until the process changes directory
   */
  constructor(cwd?: string) {
    this.#cwd = cwd;
  }

  /** Notes the command a trace recorded (from its `# cordon record:` trailer). */
  noteCommand(argv: readonly string[]): void {
    if (!this.commands.some((c) => c.join("\0") === argv.join("\0"))) this.commands.push([...argv]);
  }

  /** Notes something the recording could not see (from a trace's trailer). */
  noteUnseen(what: string, count: number): void {
    if (count > 0) this.unseen.set(what, (this.unseen.get(what) ?? 0) + count);
  }

  /** Starts the next trace (pids of different traces are kept apart). */
  beginTrace(identity: TraceIdentity, format: "jsonl" | "strace"): void {
    this.traces.push(identity);
    this.#format = format;
    this.#prefix = identity.name;
    this.#program.clear();
    this.#arch.clear();
    this.#execCalls.clear();
    this.#access.clear();
    this.#pidsSeen.clear();
    this.#forked.clear();
    this.#moved.clear();
    this.#started.clear();
  }

  #unseen(what: string): void {
    this.unseen.set(what, (this.unseen.get(what) ?? 0) + 1);
  }

  #programOf(pid: number): string {
    const known = this.#program.get(pid);
    if (known !== undefined) return known;
    return "?";
  }

  #see(pid: number): void {
    if (this.#pidsSeen.has(pid)) return;
    this.#pidsSeen.add(pid);
    this.processes++;
  }

  /** A JSON Lines process whose first activity comes before its fork or exec: attached late. */
  #late(pid: number): void {
    if (this.#format !== "jsonl" || this.#started.has(pid)) return;
    this.#started.add(pid);
    this.#unseen(
      "processes whose start (fork or exec) the trace does not show: attached late, their " +
        "earlier calls and their program are unknown",
    );
  }

  /** Adds one item of the current trace. */
  add(item: TraceItem): void {
    switch (item.kind) {
      case "call":
        this.#call(item);
        return;
      case "process":
        this.#see(item.pid);
        if (item.op === "fork" || item.op === "exec") this.#started.add(item.pid);
        if (item.op === "fork") {
          this.#forked.add(item.pid);
          if (item.ppid !== undefined && !this.#program.has(item.pid)) {
            this.#program.set(item.pid, this.#programOf(item.ppid));
          }
          if (item.ppid !== undefined) {
            const arch = this.#arch.get(item.ppid);
            if (arch !== undefined) this.#arch.set(item.pid, arch);
            const state = this.#access.get(item.ppid);
            if (state !== undefined) {
              this.#access.set(item.pid, { cwd: state.cwd, sockets: new Map(state.sockets) });
            }
            if (this.#moved.has(item.ppid)) this.#moved.add(item.pid);
          }
        } else if (item.op === "exec" && item.executable !== undefined) {
          const program = baseName(item.executable);
          const before = this.#programOf(item.pid);
          const previous = before === "?" ? program : before;
          this.#program.set(item.pid, program);
          this.#path("execute", normalisePath(item.executable), previous, false);
          // A recorder does not stream the traced command's own execve (it starts at it).
          if (!this.#execCalls.has(item.pid)) {
            const arch = this.#arch.get(item.pid) ?? "x86_64";
            const nr = syscallNumber(arch, "execve");
            if (nr !== undefined) this.#syscall(arch, nr, "execve", [], previous);
          }
          this.#execCalls.delete(item.pid);
        }
        return;
      case "event":
        this.#event(item.event);
        return;
      case "malformed":
        this.#unseen(`malformed trace lines (${this.#prefix})`);
        return;
    }
  }

  #syscall(
    arch: Arch,
    nr: number,
    name: string | null,
    args: readonly (bigint | undefined)[],
    program: string,
  ): void {
    const key = `${arch}:${name ?? `#${nr}`}`;
    let s = this.syscalls.get(key);
    const conditioned = name === null ? undefined : CONDITIONED.get(name);
    if (s === undefined) {
      s = {
        arch,
        nr,
        name,
        count: 0,
        programs: new Map(),
        values: conditioned === undefined ? undefined : new Map(),
        calls: [],
      };
      this.syscalls.set(key, s);
    }
    bump(s, program);
    if (conditioned === undefined) return;
    const raw = args[conditioned.index];
    if (raw === undefined) {
      if (s.values !== undefined) {
        this.#unseen(`${name} calls whose argument ${conditioned.index} the trace does not show`);
      }
      s.values = undefined;
    } else {
      const value = conditioned.low32 ? BigInt.asUintN(32, raw) : raw;
      if (s.values !== undefined) {
        let v = s.values.get(value);
        if (v === undefined) {
          v = newSeen();
          s.values.set(value, v);
          s.calls.push(args.map((a) => a ?? 0n));
        }
        bump(v, program);
      }
    }
  }

  #call(call: TraceCall): void {
    this.calls++;
    this.#late(call.pid);
    this.#see(call.pid);
    if (!this.#arch.has(call.pid)) this.#arch.set(call.pid, call.arch);
    if (!this.#pidsSeen.has(call.pid)) this.#see(call.pid);
    const program = this.#programOf(call.pid);
    if (call.name === "execve" || call.name === "execveat") this.#execCalls.add(call.pid);
    if (call.name === "chdir" || call.name === "fchdir") this.#moved.add(call.pid);
    if (call.name === null) {
      this.#unseen(`calls with numbers not in the ${call.arch} syscall table (kept as numbers)`);
    }
    this.#syscall(call.arch, call.nr, call.name, call.args, program);
    if (this.#format !== "strace" || call.name === null) return;
    let state = this.#access.get(call.pid);
    if (state === undefined) {
      state = { cwd: undefined, sockets: new Map() };
      this.#access.set(call.pid, state);
    }
    const access = straceCallAccess(call, state);
    if (access === undefined) return;
    if (access.kind === "undecided") {
      this.#unseen(`${call.name} calls whose path or address the trace does not show`);
      return;
    }
    if (call.errno !== undefined) return; // a failed call grants nothing
    if (access.kind === "paths") {
      this.#checks(access.checks, program);
    } else {
      const c = access.check;
      const op = c.op === "bind" ? "bind" : "connect";
      this.#endpoint(op, c.protocol, c.address, c.port, program);
    }
  }

  #event(event: Extract<TraceItem, { kind: "event" }>["event"]): void {
    this.calls++;
    this.#late(event.pid);
    this.#see(event.pid);
    const program = this.#programOf(event.pid);
    if (event.kind === "file") {
      if (event.result !== undefined && event.result < 0) return; // failed: grants nothing
      let path = event.path;
      if (!path.startsWith("/")) {
        if (this.#cwd === undefined || this.#moved.has(event.pid) || path === "") {
          this.#unseen(`file accesses with a relative path after a change of directory`);
          return;
        }
        path = `${this.#cwd}/${path}`;
      }
      const checks = fileOpChecks(event.op, normalisePath(path), {
        ...(event.flags === undefined ? {} : { flags: event.flags }),
        ...(event.target === undefined ? {} : { target: normalisePath(event.target) }),
      });
      this.#checks(checks, program);
    } else if (event.kind === "network") {
      if (event.op !== "connect" && event.op !== "bind" && event.op !== "send") return;
      if (event.family === "unix") {
        if (event.address === undefined || event.address === "") {
          this.#unseen(`unix-socket ${event.op} calls without an address`);
          return;
        }
        if (event.result !== undefined && event.result < 0) return;
        if (event.op === "connect" || event.op === "send") {
          const key = event.address.startsWith("/") || event.address.startsWith("@")
            ? event.address
            : `@${event.address}`;
          let s = this.unix.get(key);
          if (s === undefined) this.unix.set(key, s = newSeen());
          bump(s, program);
        }
        return;
      }
      if (event.family !== "inet" && event.family !== "inet6") return;
      if (event.protocol !== "tcp" && event.protocol !== "udp") return;
      if (event.address === undefined || event.port === undefined) {
        this.#unseen(`network ${event.op} calls without an address`);
        return;
      }
      this.#endpoint(
        event.op === "bind" ? "bind" : "connect",
        event.protocol,
        event.address,
        event.port,
        program,
      );
    }
  }

  #endpoint(
    op: "connect" | "bind",
    protocol: "tcp" | "udp",
    address: string,
    port: number,
    program: string,
  ): void {
    const host = address.includes(":") ? `[${address}]` : address;
    const key = port === 0 ? `${protocol}/${host}` : `${protocol}/${host}:${port}`;
    let s = this.network[op].get(key);
    if (s === undefined) this.network[op].set(key, s = newSeen());
    bump(s, program);
  }

  #checks(checks: readonly PathCheck[], program: string): void {
    for (const check of checks) {
      const use: PathUse = check.access === "list" || check.access === "read"
        ? "read"
        : check.access;
      const dir = check.access === "list" || check.change === "entries";
      this.#path(use, check.path, program, dir);
    }
  }

  #path(use: PathUse, path: string, program: string, dir: boolean): void {
    const map = this.paths[use];
    let s = map.get(path);
    if (s === undefined) map.set(path, s = { ...newSeen(), dir });
    s.dir ||= dir;
    bump(s, program);
  }
}

/** Options of {@linkcode generatePolicy}. */
export interface GenerateOptions {
  /** `metadata.name` (`[a-z0-9][a-z0-9-]*`). */
  readonly name: string;
  /**
   * The policy to extend (resolved), with its name as written in `extends` (`builtin:baseline`);
   * absent: a standalone `defaultAction: deny` policy.
   */
  readonly base?: { readonly ref: string; readonly policy: ResolvedPolicy };
  /** The date written in the header (an input, for deterministic output). */
  readonly date: Date;
  /** The command learned, for the header; default: the traces' own. */
  readonly command?: readonly string[];
  /**
   * Whether a path exists now (Landlock adds rules for existing paths only, so `run` refuses a
   * policy naming a missing one). Given, a path the program created and removed (a temporary
   * directory) is granted as its nearest existing ancestor, never `/`. Absent: paths are kept.
   */
  readonly exists?: (path: string) => boolean;
}

/** A syscall the generated policy leaves to the base, which does not allow it. */
export interface BaseDecided {
  /** `arch:name`. */
  readonly syscall: string;
  /** The base rule that decides it. */
  readonly ruleId: string;
  /** What that rule does. */
  readonly action: string;
  /** Times seen. */
  readonly count: number;
}

/** What {@linkcode generatePolicy} made. */
export interface GeneratedPolicy {
  /** The policy, as YAML. */
  readonly yaml: string;
  /** Distinct syscalls observed (by name, across architectures). */
  readonly observedSyscalls: number;
  /** Distinct syscalls the policy allows itself (in groups and rules; the base's not counted). */
  readonly allowedSyscalls: number;
  /** Syscalls left to the base, which allows them already. */
  readonly fromBase: number;
  /** Capability groups used. */
  readonly groups: readonly string[];
  /** Rules written (`spec.rules` entries). */
  readonly rules: number;
  /** Filesystem entries by class. */
  readonly filesystem: Readonly<Record<PathUse, readonly string[]>>;
  /** Network endpoints. */
  readonly network: { readonly connect: readonly string[]; readonly bind: readonly string[] };
  /** Calls the base decides with a rule of its own that does not allow them (they stay denied). */
  readonly baseDenied: readonly BaseDecided[];
  /** Paths that could not be granted without granting `/`. */
  readonly refusedPaths: readonly string[];
  /** What the traces could not show, with counts. */
  readonly unseen: readonly { readonly what: string; readonly count: number }[];
}

function describeSeen(s: Seen): string {
  const programs = [...s.programs].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const shown = programs.slice(0, 4).map(([p, n]) => `${p} ${n}`).join(", ");
  const more = programs.length > 4 ? `, +${programs.length - 4} more` : "";
  return `seen ${s.count}× (${shown}${more})`;
}

function merge(into: Seen, from: Seen): void {
  into.count += from.count;
  for (const [p, n] of from.programs) into.programs.set(p, (into.programs.get(p) ?? 0) + n);
}

function depth(path: string): number {
  return path === "/" ? 0 : path.split("/").length - 1;
}

function parent(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

function systemTree(path: string): string | undefined {
  for (const tree of SYSTEM_TREES) if (isBeneath(path, tree)) return tree;
  if (isBeneath(path, "/opt") && depth(path) >= 2) return path.split("/").slice(0, 3).join("/");
  return undefined;
}

/**
 * Where an observed path is granted: system trees as a whole for reading and executing; `/proc`
 * for reading; device nodes and `/etc` files exactly; other files by their directory (exactly
 * when that directory is a top-level one such as `/tmp`), directories themselves.
 */
function anchor(use: PathUse, path: string, dir: boolean): string {
  if (path === "/") return "/";
  if (isBeneath(path, "/dev")) return path;
  const tree = systemTree(path);
  if (use !== "write") {
    if (tree !== undefined) return tree;
    if (isBeneath(path, "/proc")) return "/proc";
    if (isBeneath(path, "/etc") || use === "execute") return path;
  } else if (tree !== undefined || isBeneath(path, "/etc") || isBeneath(path, "/proc")) {
    return path;
  }
  if (dir) return path;
  const up = parent(path);
  // Writing a file may create it, which needs the directory (/tmp itself for /tmp/x).
  if (use === "write") return up === "/" ? path : up;
  return depth(up) >= 2 ? up : path;
}

/** Drops entries beneath another; folds 3+ siblings into their parent when it is deep enough. */
function generalise(
  entries: Map<string, Seen>,
  use: PathUse,
): Map<string, Seen> {
  let current = entries;
  for (let round = 0; round < 8; round++) {
    const sorted = [...current.keys()].sort();
    const kept = new Map<string, Seen>();
    for (const path of sorted) {
      const holder = [...kept.keys()].find((k) => isBeneath(path, k));
      if (holder !== undefined) merge(kept.get(holder)!, current.get(path)!);
      else {kept.set(path, {
          count: current.get(path)!.count,
          programs: new Map(current.get(path)!.programs),
        });}
    }
    const byParent = new Map<string, string[]>();
    for (const path of kept.keys()) {
      const up = parent(path);
      if (depth(up) < 2 || isBeneath(up, "/dev") || isBeneath(up, "/etc") && use !== "write") {
        continue;
      }
      if (isBeneath(up, "/proc")) continue;
      byParent.set(up, [...(byParent.get(up) ?? []), path]);
    }
    let changed = false;
    for (const [up, children] of byParent) {
      if (children.length < 3) continue;
      const seen = newSeen();
      for (const child of children) {
        merge(seen, kept.get(child)!);
        kept.delete(child);
      }
      kept.set(up, seen);
      changed = true;
    }
    current = kept;
    if (!changed) break;
  }
  return current;
}

function yamlString(text: string): string {
  return /^[A-Za-z0-9_./@:+-]+$/.test(text) && !/^[@:-]/.test(text) ? text : JSON.stringify(text);
}

function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

function sortedEntries<T>(map: Map<string, T>): [string, T][] {
  return [...map].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * Generates a policy from what a {@linkcode TraceObserver} collected. Deterministic: the same
 * observations and options give the same text.
 *
 * @example
 * ```ts
 * import { generatePolicy, TraceObserver } from "@cordon/cordon";
 * import { parseJsonlTraceLine } from "@cordon/cordon";
 * const observer = new TraceObserver();
 * observer.beginTrace({ name: "t.jsonl", sha256: "ab" }, "jsonl");
 * observer.add(parseJsonlTraceLine('{"v":1,"kind":"syscall","time":0,"pid":9,"arch":"x86_64","nr":39,"name":"getpid","args":[]}', 1)!);
 * const { yaml, allowedSyscalls } = generatePolicy(observer, { name: "p", date: new Date(0) });
 * if (allowedSyscalls < 1 || !yaml.includes("getpid") || !yaml.includes("defaultAction: deny")) {
 *   throw new Error(yaml);
 * }
 * ```
 */
export function generatePolicy(observer: TraceObserver, options: GenerateOptions): GeneratedPolicy {
  const base = options.base;
  const evaluator = base === undefined
    ? undefined
    : new Evaluator(compilePolicies([base.policy], { arches: archesOf(observer) }));

  // Syscalls by name (rules resolve names per architecture), with what the base leaves.
  interface Needed {
    readonly name: string;
    readonly seen: Seen;
    /** Conditioned values still needed (undefined: the whole syscall). */
    values: Map<bigint, Seen> | undefined;
    readonly low32: boolean;
    readonly index: number;
    whole: boolean;
    numbered: { arch: Arch; nr: number } | undefined;
    launcher?: true;
  }
  const needed = new Map<string, Needed>();
  const names = new Set<string>();
  let fromBase = 0;
  const baseDenied: BaseDecided[] = [];
  for (const [key, s] of sortedEntries(observer.syscalls)) {
    const name = s.name ?? `#${s.nr}`;
    names.add(name);
    const conditioned = s.name === null ? undefined : CONDITIONED.get(s.name);
    const valuesNeeded = new Map<bigint, Seen>();
    let wholeNeeded = false;
    let denied: { ruleId: string; action: string } | undefined;
    if (evaluator !== undefined) {
      const calls = s.values === undefined ? [[]] : s.calls;
      for (const args of calls) {
        const verdict = evaluator.decide(s.arch, s.nr, args);
        if (letsCallRun(verdict.action)) continue;
        if (verdict.ruleId !== null) {
          denied = { ruleId: verdict.ruleId, action: verdict.action };
          continue;
        }
        if (s.values === undefined) wholeNeeded = true;
        else {
          const value = conditioned!.low32
            ? BigInt.asUintN(32, args[conditioned!.index]!)
            : args[conditioned!.index]!;
          valuesNeeded.set(value, s.values.get(value)!);
        }
      }
    } else if (s.values === undefined) {
      wholeNeeded = true;
    } else {
      for (const [v, seen] of s.values) valuesNeeded.set(v, seen);
    }
    if (denied !== undefined) {
      baseDenied.push({ syscall: key, ...denied, count: s.count });
    }
    if (!wholeNeeded && valuesNeeded.size === 0) {
      if (denied === undefined) fromBase++;
      continue;
    }
    let n = needed.get(name);
    if (n === undefined) {
      n = {
        name,
        seen: newSeen(),
        values: conditioned === undefined ? undefined : new Map(),
        low32: conditioned?.low32 ?? false,
        index: conditioned?.index ?? 0,
        whole: false,
        numbered: s.name === null ? { arch: s.arch, nr: s.nr } : undefined,
      };
      needed.set(name, n);
    }
    merge(n.seen, s);
    if (wholeNeeded) n.whole = true;
    if (n.values !== undefined) {
      for (const [v, seen] of valuesNeeded) {
        const into = n.values.get(v);
        if (into === undefined) {
          n.values.set(v, { count: seen.count, programs: new Map(seen.programs) });
        } else merge(into, seen);
      }
    }
  }
  // What `cordon run`'s launcher calls between installing the filter and `execve`.
  for (const name of LAUNCHER_SYSCALLS) {
    if (needed.has(name)) continue;
    const arch = archesOf(observer)[0]!;
    const nr = syscallNumber(arch, name);
    if (nr === undefined) continue;
    if (evaluator !== undefined) {
      const verdict = evaluator.decide(arch, nr);
      if (letsCallRun(verdict.action) || verdict.ruleId !== null) {
        continue;
      }
    }
    needed.set(name, {
      name,
      seen: { count: 0, programs: new Map([["cordon run's launcher", 0]]) },
      values: undefined,
      low32: false,
      index: 0,
      whole: true,
      numbered: undefined,
      launcher: true,
    });
  }
  for (const n of needed.values()) {
    if (n.values !== undefined && (n.whole || n.values.size > MAX_CONDITION_VALUES)) {
      n.values = undefined;
      n.whole = true;
    }
    if (n.values === undefined) n.whole = true;
  }

  // Capability groups every one of whose syscalls (on the traced architectures) is needed whole.
  const arches = archesOf(observer);
  const wholeNames = new Set([...needed.values()].filter((n) => n.whole).map((n) => n.name));
  const groups: string[] = [];
  const inGroup = new Map<string, string>();
  for (
    const [group, def] of Object.entries(CAPABILITY_GROUPS).sort((a, b) => (a[0] < b[0] ? -1 : 1))
  ) {
    const present = def.syscalls.filter((s) =>
      arches.some((arch) => syscallNumber(arch, s) !== undefined)
    );
    if (present.length < 2) continue;
    if (!present.every((s) => wholeNames.has(s) && !inGroup.has(s))) continue;
    groups.push(group);
    for (const s of present) inGroup.set(s, group);
  }

  // Filesystem.
  const baseFs = base?.policy.filesystem;
  const refusedPaths: string[] = [];
  const filesystem: Record<PathUse, [string, Seen][]> = { read: [], write: [], execute: [] };
  for (const use of ["read", "write", "execute"] as const) {
    const anchored = new Map<string, Seen>();
    for (const [path, s] of sortedEntries(observer.paths[use])) {
      let where = anchor(use, path, s.dir);
      if (options.exists !== undefined) {
        while (where !== "/" && !options.exists(where)) where = parent(where);
      }
      if (where === "/") {
        refusedPaths.push(`${use} /`);
        continue;
      }
      const baseList = baseFs?.[use] ?? [];
      if (baseList.some((b) => isBeneath(where, b))) continue;
      let into = anchored.get(where);
      if (into === undefined) anchored.set(where, into = newSeen());
      merge(into, s);
    }
    filesystem[use] = sortedEntries(generalise(anchored, use));
  }

  // Network.
  const network = {
    connect: sortedEntries(observer.network.connect),
    bind: sortedEntries(observer.network.bind),
  };
  const unix = sortedEntries(observer.unix);

  // The text.
  const out: string[] = [];
  const command = options.command ?? observer.commands[0];
  out.push(
    `# Learned by cordon from ${observer.traces.length} trace${
      observer.traces.length === 1 ? "" : "s"
    } on ${options.date.toISOString()}`,
  );
  const commands = options.command !== undefined ? [options.command] : observer.commands;
  for (const c of commands) out.push(`# command: ${JSON.stringify(c)}`);
  for (const t of observer.traces) out.push(`# trace: ${t.name} sha256:${t.sha256}`);
  out.push(
    `# observed: ${observer.calls} calls and events, ${observer.processes} process${
      observer.processes === 1 ? "" : "es"
    }, ` +
      `${names.size} distinct syscalls (${fromBase} already allowed by the base)`,
  );
  for (const d of baseDenied) {
    out.push(
      `# NOTE: ${d.syscall} (seen ${d.count}×) is decided by base rule ${d.ruleId} (${d.action}); not re-allowed`,
    );
  }
  for (const p of refusedPaths) out.push(`# NOTE: not granted, it would grant everything: ${p}`);
  for (const [what, count] of sortedEntries(observer.unseen)) {
    out.push(`# NOT SEEN: ${what} (${count}×)`);
  }
  out.push("apiVersion: cordon/v1", "kind: Policy", "metadata:", `  name: ${options.name}`);
  out.push(
    `  description: ${
      yamlString(`Learned from ${command === undefined ? "traces" : command.join(" ")}`)
    }`,
  );
  out.push("spec:");
  if (base !== undefined) out.push(`  extends: [${base.ref}]`);
  out.push("  defaultAction: deny");
  if (groups.length > 0) {
    out.push("  capabilities:", "    allow:");
    for (const g of groups) {
      const seen = newSeen();
      for (const n of needed.values()) if (inGroup.get(n.name) === g) merge(seen, n.seen);
      out.push(`      - ${g} # ${describeSeen(seen)}`);
    }
  }
  const ruleLines: string[] = [];
  let rules = 0;
  const plain = [...needed.values()].filter((n) => n.whole && !inGroup.has(n.name)).sort((a, b) =>
    a.name < b.name ? -1 : 1
  );
  if (plain.length > 0) {
    rules++;
    ruleLines.push("    - id: learned", "      action: allow", "      syscalls:");
    for (const n of plain) {
      const ref = n.numbered === undefined ? n.name : String(n.numbered.nr);
      const only = n.numbered === undefined ? "" : ` (${n.numbered.arch} only)`;
      const why = n.launcher
        ? "not seen: cordon run's launcher calls it between the filter and execve"
        : describeSeen(n.seen);
      ruleLines.push(`        - ${ref} # ${why}${only}`);
    }
  }
  const conditioned = [...needed.values()].filter((n) => !n.whole).sort((
    a,
    b,
  ) => (a.name < b.name ? -1 : 1));
  for (const n of conditioned) {
    for (
      const [value, seen] of [...n.values!].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    ) {
      rules++;
      const shown = n.name.startsWith("socket")
        ? FAMILY_NAMES.get(value) ?? String(value)
        : hex(value);
      ruleLines.push(`    - syscalls: [${n.name}] # ${describeSeen(seen)}`);
      ruleLines.push("      action: allow");
      ruleLines.push(
        n.low32
          ? `      args: [{ index: ${n.index}, op: masked_eq, mask: 0xffffffff, value: ${shown} }]`
          : `      args: [{ index: ${n.index}, op: eq, value: ${shown} }]`,
      );
    }
  }
  if (ruleLines.length > 0) out.push("  rules:", ...ruleLines);
  const fsOut: string[] = [];
  for (const use of ["read", "write", "execute"] as const) {
    if (filesystem[use].length === 0) continue;
    fsOut.push(`    ${use}:`);
    for (const [path, s] of filesystem[use]) {
      fsOut.push(`      - ${yamlString(path)} # ${describeSeen(s)}`);
    }
  }
  if (fsOut.length > 0) out.push("  filesystem:", ...fsOut);
  const netOut: string[] = [];
  for (const op of ["connect", "bind"] as const) {
    if (network[op].length === 0) continue;
    netOut.push(`    ${op}:`);
    for (const [text, s] of network[op]) {
      netOut.push(`      - ${JSON.stringify(text)} # ${describeSeen(s)}`);
    }
  }
  if (unix.length > 0) {
    netOut.push("    unix:");
    for (const [text, s] of unix) {
      netOut.push(`      - ${JSON.stringify(text)} # ${describeSeen(s)}`);
    }
  }
  if (netOut.length > 0) out.push("  network:", ...netOut);

  const allowed = new Set([...needed.keys()]);
  return {
    yaml: out.join("\n") + "\n",
    observedSyscalls: names.size,
    allowedSyscalls: allowed.size,
    fromBase,
    groups,
    rules,
    filesystem: {
      read: filesystem.read.map(([p]) => p),
      write: filesystem.write.map(([p]) => p),
      execute: filesystem.execute.map(([p]) => p),
    },
    network: { connect: network.connect.map(([t]) => t), bind: network.bind.map(([t]) => t) },
    baseDenied,
    refusedPaths,
    unseen: sortedEntries(observer.unseen).map(([what, count]) => ({ what, count })),
  };
}

function archesOf(observer: TraceObserver): Arch[] {
  const arches = new Set<Arch>();
  for (const s of observer.syscalls.values()) arches.add(s.arch);
  if (arches.size === 0) arches.add("x86_64");
  return [...arches].sort();
}

/** What a trace's text said about its own recording (`# cordon record:` trailer). */
export interface TraceRecording {
  /** The format read. */
  readonly format: "jsonl" | "strace";
  /** Events the recorder lost (0 when the trace has no trailer). */
  readonly lost: number;
  /** Whether a `# cordon record:` trailer was found. */
  readonly trailer: boolean;
  /** Lines read. */
  readonly lines: number;
}

/**
 * Feeds a whole trace's text (Cordon JSON Lines or `strace -f -y` output, detected from its first
 * line) to `observer`, reading the `# cordon record:` trailer (command, lost events, calls that
 * were counted but not streamed, processes still running at the end) into it.
 *
 * @example
 * ```ts
 * import { observeTraceText, TraceObserver } from "@cordon/cordon";
 * const observer = new TraceObserver();
 * const r = observeTraceText(observer, { name: "t", sha256: "00" }, '7 getpid() = 7\n');
 * if (r.format !== "strace" || observer.syscalls.get("x86_64:getpid")?.count !== 1) throw new Error();
 * ```
 */
export function observeTraceText(
  observer: TraceObserver,
  identity: TraceIdentity,
  text: string,
  arch: Arch = "x86_64",
): TraceRecording {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const first = lines.find((l) => l.trim().length > 0 && !l.startsWith("# cordon record:"));
  const format = first?.trimStart().startsWith("{") ? "jsonl" : "strace";
  observer.beginTrace(identity, format);
  let lost = 0;
  let trailer = false;
  const parser = new StraceParser({ arch });
  const items: TraceItem[] = [];
  lines.forEach((line, i) => {
    if (line.startsWith("# cordon record:")) {
      trailer = true;
      try {
        const info = JSON.parse(line.slice("# cordon record:".length)) as Record<string, unknown>;
        if (Array.isArray(info.command)) observer.noteCommand(info.command.map(String));
        lost += typeof info.lost === "number" ? info.lost : 0;
        if (typeof info.unstreamed === "number") {
          observer.noteUnseen(
            "calls with numbers beyond Cordon's syscall tables (counted, not streamed)",
            info.unstreamed,
          );
        }
        if (typeof info.running === "number") {
          observer.noteUnseen(
            "processes still running when recording ended (their later calls)",
            info.running,
          );
        }
      } catch {
        observer.noteUnseen(`an unreadable recording trailer (${identity.name})`, 1);
      }
      return;
    }
    if (format === "jsonl") {
      const item = parseJsonlTraceLine(line, i + 1);
      if (item !== undefined) observer.add(item);
    } else {
      parser.push(line, i + 1, items);
      for (const item of items) observer.add(item);
      items.length = 0;
    }
  });
  if (format === "strace") {
    parser.end(items);
    for (const item of items) observer.add(item);
  }
  return { format, lost, trailer, lines: lines.length };
}

/**
 * The least-privilege policy for one recorded trace (the eBPF recorder's JSON Lines or strace
 * text): what `cordon learn` and `cordon deno --learn` write after a recording.
 *
 * @param text The trace.
 * @param identity Its name and digest, for the policy's header.
 * @param options The policy's name, base, date, command and path check; `cwd` places relative
 *   paths of processes whose start the trace does not show.
 * @returns The generated policy.
 *
 * @example
 * ```ts
 * import { policyFromTrace } from "@cordon/cordon";
 * const trace = '{"v":1,"kind":"syscall","time":0,"pid":9,"arch":"x86_64","nr":1,"name":"write","args":[1,"0x10",3]}\n';
 * const { yaml } = policyFromTrace(trace, { name: "t.jsonl", sha256: "00" }, {
 *   name: "demo",
 *   date: new Date(0),
 * });
 * if (!yaml.includes("write")) throw new Error(yaml);
 * ```
 */
export function policyFromTrace(
  text: string,
  identity: TraceIdentity,
  options: GenerateOptions & { readonly cwd?: string },
): GeneratedPolicy {
  const { cwd, ...generate } = options;
  const observer = new TraceObserver(cwd);
  observeTraceText(observer, identity, text);
  return generatePolicy(observer, generate);
}
