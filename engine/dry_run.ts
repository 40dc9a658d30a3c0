/**
 * Dry runs: replay a recorded trace (`strace -f` output or the engine's JSON Lines events)
 * through a compiled {@linkcode FilterSet} and report every call that would have been denied,
 * killed or trapped, with the process, the syscall, its arguments and the deciding rule's
 * location. The trace is streamed line by line: memory is bounded by the number of live
 * processes and the report caps, never by the trace's length.
 *
 * Decisions come from the compiler's {@linkcode Evaluator}, per process: targets are matched on
 * the pid, and on the command name and executable learnt from `execve` (inherited over `fork`).
 * A call whose decision depends on an argument the trace does not give (a pointer, an unknown
 * symbol) is reported as undecided, never guessed. Rate limits (`limits`) are not replayed.
 * A trace that holds nothing to replay (empty, binary, or no line readable in its format) is an
 * error ({@linkcode TraceUnreadableError}), never a report that nothing would be stopped; a trace
 * with some malformed lines is replayed and reports them.
 *
 * Paths and addresses: calls that seccomp would let through are then held to the layers'
 * `filesystem` and `network` sections as `cordon run` enforces them (Landlock, cgroup BPF; see
 * `engine/access_rules.ts`), and, in the `root` view ({@linkcode DryRunOptions.view}, the
 * default), to the read-only view of the filesystem that `cordon run` started as root gives the
 * command: writes, creations, removals and metadata changes (`chmod`, `chown`, `utimes`,
 * `setxattr`) outside the write paths every layer allows fail with `EROFS`, also for policies
 * without a `filesystem` section. Strace traces give the paths and socket addresses
 * (`engine/trace/strace_access.ts`, metadata calls `engine/trace/strace_metadata.ts`), JSON Lines
 * traces their `file` and `network` events. A file call that failed in the trace (`ENOENT`, …)
 * fails before Landlock would decide it and is not reported; network calls are (the cgroup hooks
 * run before the operation). A descriptor's path (`/proc/self/fd/1`, `/dev/stdout`) is decided on
 * the file strace `-y` shows behind it; when none is shown it is taken for a pipe or socket (which
 * `-y` does not show as a path, and which the kernel lets Landlock and the read-only view pass)
 * and not reported. A path the trace does not place is undecided only when the call may need an
 * access that the process's layers (or the view) can deny. Relative paths are resolved against
 * the working directory as the trace shows it (`-y`, `chdir`) or as
 * {@linkcode DryRunOptions.cwd} gives it; otherwise the call is undecided.
 *
 * @module
 */

import type { Action, Arch, SourceLocation } from "../policies/types.ts";
import { syscallNumber } from "../policies/syscalls.ts";
import type { FilterSet } from "../compile/filter_set.ts";
import { intendedAction, isAudited } from "../compile/filter_set.ts";
import { Evaluator, type Verdict } from "../compile/evaluate.ts";
import { type ProcessInfo, targetMatches } from "../compile/target.ts";
import { EngineError } from "./errors.ts";
import { commOf } from "./process_table.ts";
import { StraceParser } from "./trace/strace_parser.ts";
import { parseJsonlTraceLine } from "./trace/jsonl_trace.ts";
import { readLineBatches, readTraceFile } from "./trace/read_lines.ts";
import type { TraceCall, TraceItem, TraceMalformed } from "./trace/trace_item.ts";
import {
  type AccessDenial,
  AccessRules,
  type AccessView,
  fileOpChecks,
  isDescriptorPath,
  openChecks,
  type ViewDenial,
} from "./access_rules.ts";
import { decodeStraceArg } from "./trace/strace_parser.ts";
import { straceStructFlags } from "./trace/strace_values.ts";
import { isMetadataCall, straceMetadataAccess } from "./trace/strace_metadata.ts";
import {
  type AccessState,
  isAccessCall,
  type SocketProtocol,
  straceCallAccess,
} from "./trace/strace_access.ts";
import type { FileEvent, NetworkEvent } from "./events.ts";
import type { NetOp, PathAccess } from "../compile/net_rules.ts";
import { formatLocation } from "../policies/types.ts";

export type { AccessView } from "./access_rules.ts";

/** Why a whole trace could not be read (see {@linkcode TraceUnreadableError}). */
export type TraceUnreadableReason = "empty" | "binary" | "unparseable";

/**
 * A trace that holds nothing a dry run can replay: empty (no line, or only blank lines and
 * comments), binary data, or text of which no line could be read in the trace's format (strace
 * output read as JSON Lines, or the other way round). A dry run of such a trace must not report
 * "no call would be stopped". The code is `TRACE_MALFORMED`, as for a malformed line with
 * `onMalformed: "fail"`; {@linkcode TraceUnreadableError.reason} says which case it is.
 *
 * @example
 * ```ts
 * import { dryRun, TraceUnreadableError } from "@cordon/cordon";
 * const error = await dryRun({ version: 1, layers: [] }, []).catch((e) => e);
 * if (!(error instanceof TraceUnreadableError) || error.reason !== "empty") throw new Error();
 * if (error.code !== "TRACE_MALFORMED") throw new Error(error.code);
 * ```
 */
export class TraceUnreadableError extends EngineError {
  /** Which case it is. */
  readonly reason: TraceUnreadableReason;

  /**
   * Creates the error.
   *
   * @param reason which case it is
   * @param message what is wrong, naming the trace
   * @param subject the trace file, when it is one
   */
  constructor(reason: TraceUnreadableReason, message: string, subject?: string) {
    super("TRACE_MALFORMED", message, subject === undefined ? {} : { subject });
    this.name = "TraceUnreadableError";
    this.reason = reason;
  }
}

/** Trace formats; `auto` looks at the first non-blank line (`{` means JSON Lines). */
export type TraceFormat = "auto" | "jsonl" | "strace";

/** Options of {@linkcode dryRun}. */
export interface DryRunOptions {
  /** Default `auto`. */
  readonly format?: TraceFormat;
  /** Skip malformed lines (default, each reported) or stop at the first one. */
  readonly onMalformed?: "skip" | "fail";
  /** The architecture of strace traces (default `x86_64`; JSON Lines events carry their own). */
  readonly arch?: Arch;
  /** Findings kept in the report (all are counted; default 10,000). */
  readonly maxFindings?: number;
  /** Malformed lines and undecided calls kept in the report, each (all are counted; default 1,000). */
  readonly maxReported?: number;
  /** Called every 65,536 lines with the number of lines read. */
  readonly onProgress?: (lines: number) => void;
  /**
   * The working directory of processes whose start the trace does not show (the traced
   * command's), for relative paths when the trace does not give it (`strace -y` does).
   */
  readonly cwd?: string;
  /**
   * The process the prediction is for (default `root`): `root`, a `cordon run` started as root
   * (the usual case in CI), whose command sees a read-only filesystem outside the write paths
   * (`EROFS`, mechanism `read-only-view`); `user`, a run by another user (no read-only view) or
   * an unprivileged process: Landlock and cgroup BPF only.
   */
  readonly view?: AccessView;
}

/** A call that would have been denied, killed or trapped. */
export interface DryRunFinding {
  /** The 1-based line number in the trace. */
  readonly line: number;
  /** The process (thread group) id. */
  readonly pid: number;
  /** The thread id. */
  readonly tid?: number;
  /** The command name. */
  readonly comm?: string;
  /** The architecture. */
  readonly arch: Arch;
  /** The syscall number. */
  readonly nr: number;
  /** The syscall's name. */
  readonly syscall: string | null;
  /** The arguments as the trace shows them. */
  readonly args: readonly string[];
  /** What would happen: the decided action, or in `audit` mode the audited one. */
  readonly action: Action;
  /** For `deny`: the errno. */
  readonly errno?: number;
  /** `audit` when the policy only reports (the compiled action is `log`). */
  readonly mode: "enforce" | "audit";
  /** The deciding rule's id, or `null` for a policy's default. */
  readonly ruleId: string | null;
  /** The deciding layer's policy name. */
  readonly policy: string;
  /** The deciding rule's source location (for paths and addresses: the section's). */
  readonly loc: SourceLocation;
  /**
   * What decides: `seccomp` (a rule or default), `landlock` (paths, TCP ports), `cgroup-bpf`
   * (addresses), `read-only-view` (writes outside the write paths of a run started as root).
   */
  readonly mechanism?: "seccomp" | "landlock" | "cgroup-bpf" | "read-only-view";
  /** For paths and addresses: the deciding section (`filesystem.write`, `network.connect`). */
  readonly section?: string;
  /** For file calls: the call's path, absolute. */
  readonly path?: string;
  /** For file calls: the access denied (`read`, `list`, `write`, `execute`). */
  readonly access?: PathAccess;
  /** For file calls: the path the denied access was checked on (the parent for creations). */
  readonly checked?: string;
  /** For network calls: the operation denied. */
  readonly netOp?: NetOp;
  /** For network calls: the protocol. */
  readonly protocol?: "tcp" | "udp";
  /** For network calls: the IP address. */
  readonly address?: string;
  /** For network calls: the port. */
  readonly port?: number;
  /** For paths and addresses: why, in one sentence. */
  readonly reason?: string;
}

/** A call whose decision depends on an argument the trace does not give. */
export interface DryRunUndecided {
  /** The 1-based line number in the trace. */
  readonly line: number;
  /** The process (thread group) id. */
  readonly pid: number;
  /** The syscall's name. */
  readonly syscall: string | null;
  /** The arguments. */
  readonly args: readonly string[];
  /** The argument indexes that decide the call and were not given. */
  readonly missing: readonly number[];
  /** Why, when it is not a syscall argument's value (a relative path, a socket's protocol). */
  readonly reason?: string;
}

/** How often one rule decided findings. */
export interface DryRunRuleCount {
  /** The deciding rule's id, or `null` for a policy's default. */
  readonly ruleId: string | null;
  /** The deciding layer's policy name. */
  readonly policy: string;
  /** The deciding rule's source location. */
  readonly loc: SourceLocation;
  /** The action. */
  readonly action: Action;
  /** How many findings the rule decided. */
  readonly count: number;
}

/** The result of a dry run. */
export interface DryRunReport {
  /** The trace's format. */
  readonly format: "jsonl" | "strace";
  /** Lines read. */
  readonly lines: number;
  /** Syscalls replayed. */
  readonly calls: number;
  /** Processes seen. */
  readonly processes: number;
  /** Findings in trace order (at most `maxFindings`). */
  readonly findings: readonly DryRunFinding[];
  /** Findings, all counted. */
  readonly findingsTotal: number;
  /** Findings per deciding rule, most frequent first. */
  readonly byRule: readonly DryRunRuleCount[];
  /** Undecided calls (at most `maxReported`). */
  readonly undecided: readonly DryRunUndecided[];
  /** Undecided calls, all counted. */
  readonly undecidedTotal: number;
  /** Malformed lines (at most `maxReported`). */
  readonly malformed: readonly TraceMalformed[];
  /** Malformed lines, all counted. */
  readonly malformedTotal: number;
  /** Things the user should know (targets the trace cannot match, …). */
  readonly warnings: readonly string[];
}

/**
 * A copy of `text` that does not share memory with the trace chunk it was cut from (V8 keeps a
 * whole chunk alive for any slice of it): what the report keeps must not pin the trace.
 */
function detach(text: string): string {
  return JSON.parse(JSON.stringify(text));
}

function detachAll(texts: readonly string[]): string[] {
  return JSON.parse(JSON.stringify(texts));
}

const FINDING_ACTIONS: ReadonlySet<Action> = new Set(["deny", "kill", "kill_thread", "trap"]);

interface Proc extends AccessState {
  readonly pid: number;
  comm: string | undefined;
  executable: string | undefined;
  evaluator: Evaluator | undefined;
  /** Indexes of the layers that apply to the process (set with `evaluator`). */
  layers: readonly number[];
}

/**
 * Which argument indexes decide each syscall number, over every layer (conservative: a layer
 * that does not apply to the process still counts).
 */
function argumentIndexes(set: FilterSet): Map<Arch, Map<number, number[]>> {
  const out = new Map<Arch, Map<number, number[]>>();
  for (const layer of set.layers) {
    for (const filter of layer.arches) {
      let byNr = out.get(filter.arch);
      if (byNr === undefined) out.set(filter.arch, byNr = new Map());
      for (const s of filter.syscalls) {
        if (s.cases.length === 0) continue;
        const indexes = new Set(byNr.get(s.nr) ?? []);
        for (const c of s.cases) for (const t of c.tests) indexes.add(t.index);
        byNr.set(s.nr, [...indexes].sort());
      }
    }
  }
  return out;
}

/** The network calls of `strace_access.ts` (the others it reads are file calls). */
const NET_CALLS: ReadonlySet<string> = new Set(["connect", "bind", "sendto", "sendmsg"]);

/** The open calls and the index of their flags (`openat2`: its `struct open_how`). */
const OPEN_FLAGS: ReadonlyMap<string, number> = new Map([["open", 1], ["openat", 2], [
  "openat2",
  2,
]]);

/**
 * The accesses a file call may need, whatever its path: an open's from its flags, `execute` for
 * `execve*`, `write` for the rest (creations, removals, renames, truncations, metadata changes);
 * `undefined` when the flags are not shown (any access).
 */
function fileCallAccesses(call: TraceCall): readonly PathAccess[] | undefined {
  const name = call.name!;
  if (name === "execve" || name === "execveat") return ["execute"];
  const index = OPEN_FLAGS.get(name);
  if (index === undefined) return ["write"];
  const text = call.argText[index];
  if (text === undefined) return undefined;
  const flagsText = name === "openat2" ? straceStructFlags(text) : text;
  const flags = flagsText === undefined ? undefined : decodeStraceArg(flagsText, call.arch);
  return flags === undefined ? undefined : openChecks("/", flags).map((c) => c.access);
}

/** The process-independent part of a dry run: feed it items, then read the report. */
class Replay {
  readonly #set: FilterSet;
  readonly #maxFindings: number;
  readonly #maxReported: number;
  readonly #fail: boolean;
  readonly #argIndexes: Map<Arch, Map<number, number[]>>;
  readonly #procs = new Map<number, Proc>();
  /** The last call's process: consecutive calls of one process are the common case. */
  #lastProc: Proc | undefined;
  /** Scratch arguments for {@linkcode Evaluator.decide}, which does not keep them. */
  readonly #values: bigint[] = [0n, 0n, 0n, 0n, 0n, 0n];
  readonly #bySignature = new Map<string, Evaluator>();
  readonly #layersBySignature = new Map<string, readonly number[]>();
  readonly #access: AccessRules | undefined;
  readonly #want: { readonly paths: boolean; readonly network: boolean } | undefined;
  /** Whether metadata calls (`chmod`, …) are decided (the `root` view). */
  readonly #metadata: boolean;
  readonly #cwd: string | undefined;
  readonly #arch: Arch;
  /** Whether calls carry strace's argument text (paths and addresses). */
  straceArgs = false;
  readonly #byRule = new Map<Verdict | string, DryRunRuleCount & { count: number }>();
  readonly findings: DryRunFinding[] = [];
  readonly undecided: DryRunUndecided[] = [];
  readonly malformed: TraceMalformed[] = [];
  findingsTotal = 0;
  undecidedTotal = 0;
  malformedTotal = 0;
  /** Items that were not malformed lines (calls, process steps, events). */
  understood = 0;
  /** Malformed lines that hold binary data (a NUL byte or bytes that are not UTF-8). */
  binaryLines = 0;
  calls = 0;
  processes = 0;

  constructor(set: FilterSet, options: DryRunOptions) {
    this.#set = set;
    this.#maxFindings = options.maxFindings ?? 10_000;
    this.#maxReported = options.maxReported ?? 1_000;
    this.#fail = options.onMalformed === "fail";
    this.#argIndexes = argumentIndexes(set);
    this.#access = AccessRules.of(set, { view: options.view ?? "root" });
    this.#want = this.#access === undefined
      ? undefined
      : { paths: this.#access.decidesPaths, network: this.#access.hasNetwork };
    this.#metadata = this.#access?.view === "root";
    this.#cwd = options.cwd;
    this.#arch = options.arch ?? "x86_64";
  }

  #proc(pid: number): Proc {
    let proc = this.#procs.get(pid);
    if (proc === undefined) {
      proc = {
        pid,
        comm: undefined,
        executable: undefined,
        evaluator: undefined,
        layers: [],
        cwd: this.#cwd,
        sockets: new Map<number, SocketProtocol>(),
      };
      this.#procs.set(pid, proc);
      this.processes++;
    }
    return proc;
  }

  #evaluator(proc: Proc): Evaluator {
    if (proc.evaluator !== undefined) return proc.evaluator;
    const info: ProcessInfo = {
      pid: proc.pid,
      ...(proc.comm === undefined ? {} : { comm: proc.comm }),
      ...(proc.executable === undefined ? {} : { executable: proc.executable }),
    };
    const matching = this.#set.layers.map((l, i) => targetMatches(l.target, info) ? i : -1)
      .filter((i) => i >= 0);
    const signature = matching.join(",");
    let evaluator = this.#bySignature.get(signature);
    if (evaluator === undefined) {
      evaluator = new Evaluator(this.#set, info);
      this.#bySignature.set(signature, evaluator);
      this.#layersBySignature.set(signature, matching);
    }
    proc.layers = this.#layersBySignature.get(signature)!;
    return proc.evaluator = evaluator;
  }

  add(item: TraceItem): void {
    if (item.kind !== "malformed") this.understood++;
    switch (item.kind) {
      case "call":
        this.#call(item);
        return;
      case "process": {
        this.#lastProc = undefined;
        if (item.op === "fork") {
          const parent = item.ppid === undefined ? undefined : this.#procs.get(item.ppid);
          this.#procs.delete(item.pid);
          const child = this.#proc(item.pid);
          child.comm = parent?.comm;
          child.executable = parent?.executable;
          if (parent !== undefined) {
            child.cwd = parent.cwd;
            if (parent.sockets.size > 0) {
              for (const [fd, p] of parent.sockets) child.sockets.set(fd, p);
            }
          }
        } else if (item.op === "exec") {
          const proc = this.#proc(item.pid);
          if (item.executable !== undefined) {
            proc.executable = item.executable;
            proc.comm = commOf(item.executable);
          }
          proc.evaluator = undefined;
        } else {
          this.#procs.delete(item.pid);
        }
        return;
      }
      case "event":
        if (this.#access !== undefined) this.#event(item.line, item.event);
        return;
      case "malformed":
        this.malformedTotal++;
        if (isBinary(item.text)) {
          this.binaryLines++;
          item = { ...item, reason: `binary data, not text (${item.reason})` };
        }
        if (this.#fail) {
          throw new EngineError(
            "TRACE_MALFORMED",
            `line ${item.line}: ${item.reason}: ${item.text}`,
            {
              line: item.line,
            },
          );
        }
        if (this.malformed.length < this.#maxReported) {
          this.malformed.push({ ...item, reason: detach(item.reason), text: detach(item.text) });
        }
        return;
    }
  }

  #call(call: TraceCall): void {
    this.calls++;
    let proc = this.#lastProc;
    if (proc === undefined || proc.pid !== call.pid) this.#lastProc = proc = this.#proc(call.pid);
    const evaluator = this.#evaluator(proc);
    // Paths and addresses (which also follows the working directory and sockets).
    const access = this.#access === undefined || !this.straceArgs || call.name === null
      ? undefined
      : isAccessCall(call.name)
      ? straceCallAccess(call, proc, this.#want!)
      : this.#metadata && isMetadataCall(call.name)
      ? straceMetadataAccess(call, proc)
      : undefined;
    if (!evaluator.arches.includes(call.arch)) {
      this.add({
        kind: "malformed",
        line: call.line,
        reason: `the policy was not compiled for architecture "${call.arch}"`,
        text: `${call.name ?? call.nr}(…)`,
      });
      return;
    }
    const indexes = this.#argIndexes.get(call.arch)?.get(call.nr);
    let verdict: Verdict;
    if (indexes === undefined) {
      verdict = evaluator.decide(call.arch, call.nr);
    } else {
      const args = call.args;
      let complete = true;
      for (let i = 0; i < indexes.length; i++) complete &&= args[indexes[i]!] !== undefined;
      if (!complete) {
        const missing = indexes.filter((i) => args[i] === undefined);
        this.undecidedTotal++;
        if (this.undecided.length < this.#maxReported) {
          this.undecided.push({
            line: call.line,
            pid: call.pid,
            syscall: call.name,
            args: detachAll(call.argText),
            missing,
          });
        }
        return;
      }
      const values = this.#values;
      for (let i = 0; i < 6; i++) values[i] = args[i] ?? 0n;
      verdict = evaluator.decide(call.arch, call.nr, values);
    }
    const action = intendedAction(verdict);
    if (!FINDING_ACTIONS.has(action)) {
      if (access !== undefined) this.#decideAccess(call, proc, access);
      return;
    }
    this.findingsTotal++;
    let rule = this.#byRule.get(verdict);
    if (rule === undefined) {
      rule = { ruleId: verdict.ruleId, policy: verdict.policy, loc: verdict.loc, action, count: 0 };
      this.#byRule.set(verdict, rule);
    }
    rule.count++;
    if (this.findings.length >= this.#maxFindings) return;
    this.findings.push({
      line: call.line,
      pid: call.pid,
      ...(call.tid === undefined ? {} : { tid: call.tid }),
      ...(proc.comm === undefined ? {} : { comm: proc.comm }),
      arch: call.arch,
      nr: call.nr,
      syscall: call.name,
      args: detachAll(call.argText),
      action,
      ...(verdict.errno === undefined ? {} : { errno: verdict.errno }),
      mode: isAudited(verdict) ? "audit" : "enforce",
      ruleId: verdict.ruleId,
      policy: verdict.policy,
      loc: verdict.loc,
      mechanism: "seccomp",
    });
  }

  #undecided(
    line: number,
    pid: number,
    syscall: string | null,
    args: readonly string[],
    missing: number[],
    reason: string,
  ): void {
    this.undecidedTotal++;
    if (this.undecided.length < this.#maxReported) {
      this.undecided.push({
        line,
        pid,
        syscall,
        args: detachAll(args),
        missing,
        reason: detach(reason),
      });
    }
  }

  #decideAccess(
    call: TraceCall,
    proc: Proc,
    access: NonNullable<ReturnType<typeof straceCallAccess>>,
  ): void {
    if (access.kind === "undecided") {
      // A path the trace does not place matters only if an access the call may need can be denied.
      const accesses = NET_CALLS.has(call.name!) ? undefined : fileCallAccesses(call);
      if (accesses !== undefined && !accesses.some((a) => this.#access!.mayDeny(proc.layers, a))) {
        return;
      }
      this.#undecided(call.line, call.pid, call.name, call.argText, [access.index], access.reason);
      return;
    }
    let denial: AccessDenial | ViewDenial | undefined;
    if (access.kind === "paths") {
      // A descriptor's path (`/proc/self/fd/1`, `/dev/stdout`) whose file the trace does not
      // place (strace -y shows a file's real path, not a pipe's or socket's) is taken for a pipe
      // or socket, opened again: no file of a mount, neither Landlock's nor the view's to decide.
      if (
        isDescriptorPath(access.path) && access.checks.every((c) => c.resolved === undefined)
      ) return;
      denial = this.#access!.decideAccess(proc.layers, access.checks);
    } else {
      denial = this.#access!.decideNetwork(proc.layers, access.check);
    }
    if (denial === undefined) return;
    if (this.findings.length >= this.#maxFindings) {
      this.#countAccess(denial);
      return;
    }
    this.#accessFinding(call.line, proc, call.arch, call.nr, call.name, call.argText, denial, {
      ...(call.tid === undefined ? {} : { tid: call.tid }),
      ...(access.kind === "paths" ? { path: access.path } : access.check),
    });
  }

  /** Counts a path or network finding (per deciding section too). */
  #countAccess(denial: AccessDenial | ViewDenial): void {
    this.findingsTotal++;
    let rule = this.#byRule.get(denial.key);
    if (rule === undefined) {
      rule = {
        ruleId: denial.ruleId,
        policy: denial.policy,
        loc: denial.loc,
        action: "deny",
        count: 0,
      };
      this.#byRule.set(denial.key, rule);
    }
    rule.count++;
  }

  #accessFinding(
    line: number,
    proc: Proc,
    arch: Arch,
    nr: number,
    syscall: string | null,
    args: readonly string[],
    denial: AccessDenial | ViewDenial,
    details: {
      tid?: number;
      path?: string;
      op?: NetOp;
      protocol?: "tcp" | "udp";
      address?: string;
      port?: number;
    },
  ): void {
    this.#countAccess(denial);
    if (this.findings.length >= this.#maxFindings) return;
    const isPath = denial.mechanism !== "cgroup-bpf" && denial.section.startsWith("filesystem");
    this.findings.push({
      line,
      pid: proc.pid,
      ...(details.tid === undefined ? {} : { tid: details.tid }),
      ...(proc.comm === undefined ? {} : { comm: proc.comm }),
      arch,
      nr,
      syscall,
      args: detachAll(args),
      action: "deny",
      errno: denial.errno,
      mode: denial.mode,
      ruleId: denial.ruleId,
      policy: denial.policy,
      loc: denial.loc,
      mechanism: denial.mechanism,
      section: denial.section,
      ...(isPath
        ? {
          ...(details.path === undefined ? {} : { path: detach(details.path) }),
          access: denial.access as PathAccess,
          checked: denial.subject, // owned by the rules' cache, not cut from the trace
        }
        : {
          netOp: denial.access as NetOp,
          ...(details.protocol === undefined ? {} : { protocol: details.protocol }),
          ...(details.address === undefined ? {} : { address: detach(details.address) }),
          ...(details.port === undefined ? {} : { port: details.port }),
        }),
      reason: denial.reason,
    });
  }

  /** A `file` or `network` event of a JSON Lines trace. */
  #event(line: number, event: FileEvent | NetworkEvent | { kind: "syscall" | "process" }): void {
    if (event.kind !== "file" && event.kind !== "network") return;
    const proc = this.#proc(event.pid);
    this.#evaluator(proc);
    const syscall = event.syscall ?? null;
    const nr = syscall === null ? -1 : syscallNumber(this.#arch, syscall) ?? -1;
    if (event.kind === "file") {
      if (event.result !== undefined && event.result < 0) return;
      const args = [
        JSON.stringify(event.path),
        ...(event.target === undefined ? [] : [JSON.stringify(event.target)]),
      ];
      const display = syscall ?? event.op;
      if (
        !event.path.startsWith("/") || (event.target !== undefined && !event.target.startsWith("/"))
      ) {
        const needed = fileOpChecks(event.op, "/", {
          ...(event.flags === undefined ? {} : { flags: event.flags }),
          arch: this.#arch,
          ...(event.target === undefined ? {} : { target: "/" }),
        }).map((c) => c.access);
        if (!needed.some((a) => this.#access!.mayDeny(proc.layers, a))) return;
        this.#undecided(
          line,
          event.pid,
          display,
          args,
          [],
          `relative path in a ${event.op} event: the working directory is not in the event`,
        );
        return;
      }
      const checks = fileOpChecks(event.op, event.path, {
        ...(event.flags === undefined ? {} : { flags: event.flags }),
        arch: this.#arch,
        ...(event.target === undefined ? {} : { target: event.target }),
      });
      const denial = this.#access!.decideAccess(proc.layers, checks);
      if (denial !== undefined) {
        this.#accessFinding(line, proc, this.#arch, nr, display, args, denial, {
          ...(event.tid === undefined ? {} : { tid: event.tid }),
          path: event.path,
        });
      }
      return;
    }
    const op = event.op === "connect"
      ? "connect"
      : event.op === "bind"
      ? "bind"
      : event.op === "send"
      ? "sendmsg"
      : undefined;
    if (op === undefined || (event.family !== "inet" && event.family !== "inet6")) return;
    if (event.protocol !== "tcp" && event.protocol !== "udp") return;
    if (op === "sendmsg" && event.protocol !== "udp") return;
    const display = syscall ?? event.op;
    const args = [`${event.address ?? "?"}`, `${event.port ?? "?"}`];
    if (event.address === undefined || event.port === undefined) {
      this.#undecided(
        line,
        event.pid,
        display,
        args,
        [],
        `the ${event.op} event has no address or port`,
      );
      return;
    }
    const check = {
      op,
      protocol: event.protocol,
      address: event.address,
      port: event.port,
    } as const;
    let denial: AccessDenial | undefined;
    try {
      denial = this.#access!.decideNetwork(proc.layers, check);
    } catch (error) {
      this.add({ kind: "malformed", line, reason: (error as Error).message, text: args.join(" ") });
      return;
    }
    if (denial !== undefined) {
      this.#accessFinding(line, proc, this.#arch, nr, display, args, denial, {
        ...(event.tid === undefined ? {} : { tid: event.tid }),
        ...check,
      });
    }
  }

  byRule(): DryRunRuleCount[] {
    // Merge verdicts of the same rule (one per layer index) and sort by count.
    const merged = new Map<string, DryRunRuleCount & { count: number }>();
    for (const r of this.#byRule.values()) {
      const key = `${r.policy}\0${r.ruleId}\0${r.action}\0${formatLocation(r.loc)}`;
      const m = merged.get(key);
      if (m === undefined) merged.set(key, { ...r });
      else m.count += r.count;
    }
    return [...merged.values()].sort((a, b) => b.count - a.count);
  }
}

/** A NUL byte, or what the decoder put for bytes that are not UTF-8: not a text trace line. */
function isBinary(text: string): boolean {
  return text.includes("\0") || text.includes("\uFFFD");
}

/** Binary malformed lines before any readable one after which the trace is given up as binary. */
const BINARY_LINES_TO_GIVE_UP = 16;

/** Why a trace with no readable line cannot be replayed, with a hint at the other format. */
function unreadable(
  source: TraceSource,
  format: "jsonl" | "strace" | undefined,
  replay: Replay,
  lines: number,
  first: { readonly text: string; readonly line: number } | undefined,
  arch: Arch | undefined,
): TraceUnreadableError {
  const subject = typeof source === "string" ? source : undefined;
  const name = subject === undefined ? "The trace" : `Trace "${subject}"`;
  if (first === undefined) {
    return new TraceUnreadableError(
      "empty",
      `${name} is empty (${lines} line${
        lines === 1 ? "" : "s"
      }, none with content): there is nothing to replay`,
      subject,
    );
  }
  if (replay.binaryLines > 0 && replay.binaryLines === replay.malformedTotal) {
    return new TraceUnreadableError(
      "binary",
      `${name} is binary data, not strace output or JSON Lines (line ${first.line} holds a NUL byte or bytes that are not UTF-8)`,
      subject,
    );
  }
  if (replay.malformedTotal === 0) {
    return new TraceUnreadableError(
      "empty",
      `${name} holds no call, process or event (${lines} lines of comments or signals only): there is nothing to replay`,
      subject,
    );
  }
  const shown = first.text.length > 120 ? `${first.text.slice(0, 120)}…` : first.text;
  let hint = "";
  if (format === "jsonl") {
    const items: TraceItem[] = [];
    const parser = new StraceParser(arch === undefined ? {} : { arch });
    parser.push(first.text, first.line, items);
    parser.end(items);
    if (items.some((i) => i.kind !== "malformed")) {
      hint = "; it looks like strace output: read it as strace (--trace-format strace, or auto)";
    }
  } else if (first.text.trimStart().startsWith("{")) {
    hint = "; it looks like JSON Lines: read it as JSON Lines (--trace-format jsonl, or auto)";
  }
  return new TraceUnreadableError(
    "unparseable",
    `No line of ${subject === undefined ? "the trace" : `trace "${subject}"`} could be read as ${
      format === "jsonl" ? "JSON Lines" : "strace output"
    } (${replay.malformedTotal} malformed line${
      replay.malformedTotal === 1 ? "" : "s"
    }; line ${first.line}: ${JSON.stringify(shown)})${hint}`,
    subject,
  );
}

function warningsFor(set: FilterSet): string[] {
  const warnings: string[] = [];
  for (const layer of set.layers) {
    const t = layer.target;
    if (t?.uids !== undefined || t?.cgroups !== undefined) {
      warnings.push(
        `Policy "${layer.policy}" targets uids or cgroups, which a trace does not record: it applies to no traced process`,
      );
    }
  }
  return warnings;
}

/** The source of a dry run: a file path, a byte stream, or lines. */
export type TraceSource = string | ReadableStream<Uint8Array> | Iterable<string>;

async function* batches(source: TraceSource): AsyncGenerator<string[]> {
  if (typeof source === "string") {
    yield* readLineBatches(readTraceFile(source));
  } else if (source instanceof ReadableStream) {
    yield* readLineBatches(source);
  } else {
    let batch: string[] = [];
    for (const line of source) {
      batch.push(line);
      if (batch.length === 4096) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
}

/**
 * Replays a trace through a compiled filter set.
 *
 * @param set the compiled policies
 * @param source a trace file path, a byte stream, or the trace's lines
 * @param options format, malformed-line handling, architecture, report caps
 * @returns the report
 * @throws {EngineError} `TRACE_IO` when the file cannot be read; `TRACE_MALFORMED` with the
 *   line number at the first malformed line when `onMalformed` is `fail`
 * @throws {TraceUnreadableError} (`TRACE_MALFORMED`) when the trace is empty, binary, or has no
 *   line that could be read in its format: a report of such a trace would say nothing
 *
 * @example
 * ```ts
 * import { dryRun } from "@cordon/cordon";
 * import { compilePolicies } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 7, column: 9 };
 * const set = compilePolicies([{
 *   name: "p", defaultAction: "allow", defaultErrno: 1, mode: "enforce", loc,
 *   rules: [{
 *     id: "no-unlink", policy: "p", origin: "rule", action: "deny", priority: 0, args: [], loc,
 *     syscalls: [{ kind: "name", name: "unlinkat", loc }],
 *   }],
 * }], { arches: ["x86_64"] });
 * const report = await dryRun(set, [
 *   '42 openat(AT_FDCWD, "/tmp/x", O_RDONLY) = 3',
 *   '42 unlinkat(AT_FDCWD, "/tmp/x", 0) = 0',
 *   "42 garbage",
 * ]);
 * if (report.findingsTotal !== 1 || report.findings[0]!.line !== 2) throw new Error();
 * if (report.findings[0]!.loc.line !== 7 || report.malformed[0]!.line !== 3) throw new Error();
 * ```
 */
export async function dryRun(
  set: FilterSet,
  source: TraceSource,
  options: DryRunOptions = {},
): Promise<DryRunReport> {
  const replay = new Replay(set, options);
  let format: "jsonl" | "strace" | undefined = options.format === "auto"
    ? undefined
    : options.format;
  const parser = new StraceParser(options.arch === undefined ? {} : { arch: options.arch });
  replay.straceArgs = format === "strace";
  const items: TraceItem[] = [];
  // Items are replayed in order from `done`; the array is emptied only now and then (emptying it
  // drops its storage, which the next line would allocate again).
  let done = 0;
  let lineNo = 0;
  let nextProgress = 65_536;
  /** The first line with content (for the error about a trace that cannot be read). */
  let first: { text: string; line: number } | undefined;
  for await (const batch of batches(source)) {
    for (let i = 0; i < batch.length; i++) {
      const text = batch[i]!;
      lineNo++;
      if (first === undefined) {
        const trimmed = text.trimStart();
        if (trimmed.length === 0) continue;
        first = { text: detach(trimmed.slice(0, 1024)), line: lineNo };
        if (format === undefined) {
          format = trimmed.startsWith("{") ? "jsonl" : "strace";
          replay.straceArgs = format === "strace";
        }
      }
      if (format === "jsonl") {
        const item = parseJsonlTraceLine(text, lineNo);
        if (item !== undefined) replay.add(item);
      } else {
        parser.push(text, lineNo, items);
        while (done < items.length) replay.add(items[done++]!);
        if (done >= 1024) {
          items.length = 0;
          done = 0;
        }
      }
    }
    if (replay.understood === 0 && replay.binaryLines >= BINARY_LINES_TO_GIVE_UP) {
      throw unreadable(source, format, replay, lineNo, first, options.arch);
    }
    if (options.onProgress !== undefined && lineNo >= nextProgress) {
      options.onProgress(lineNo);
      nextProgress = lineNo + 65_536;
    }
  }
  if (format === "strace") {
    parser.end(items);
    while (done < items.length) replay.add(items[done++]!);
  }
  if (replay.understood === 0) {
    throw unreadable(source, format, replay, lineNo, first, options.arch);
  }
  return {
    format: format ?? "strace",
    lines: lineNo,
    calls: replay.calls,
    processes: replay.processes,
    findings: replay.findings,
    findingsTotal: replay.findingsTotal,
    byRule: replay.byRule(),
    undecided: replay.undecided,
    undecidedTotal: replay.undecidedTotal,
    malformed: replay.malformed,
    malformedTotal: replay.malformedTotal,
    warnings: warningsFor(set),
  };
}
