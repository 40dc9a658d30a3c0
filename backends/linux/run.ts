/**
 * Running a command confined by a compiled policy set: the library behind `cordon run`.
 *
 * Every layer of the {@linkcode FilterSet} becomes one seccomp filter (stacked: the kernel applies
 * the strictest action), compiled for the host's architectures. The command is started through
 * the launcher (see `launcher.ts`): `no_new_privs`, the optional Landlock step, the filters on
 * every thread, then `execve`. Fail closed: when seccomp is unavailable, or a policy has rules
 * that need a mechanism this run does not apply (Landlock for `filesystem`, cgroup BPF for
 * `network`, eBPF for `limits`), it refuses unless degradation is explicitly accepted.
 *
 * Requires `allow-ffi`, `allow-run`, `allow-read`, `allow-write` and `allow-env`. Linux only.
 *
 * @module
 */

import type { Arch, SourceLocation } from "../../policies/types.ts";
import { syscallNumber, syscallTable } from "../../policies/syscalls.ts";
import type { FilterSet } from "../../compile/filter_set.ts";
import { compileSeccomp, type SeccompProgram } from "../../compile/seccomp.ts";
import { appliesFilesystem } from "../../compile/landlock.ts";
import { decodeAction, runSeccomp } from "../../compile/bpf_interpreter.ts";
import { seccompLetsCallRun } from "../../compile/sock_filter.ts";
import { NotSupportedError } from "./errors.ts";
import {
  probeSeccomp,
  SECCOMP_FILTER_FLAG_TSYNC,
  SECCOMP_SET_MODE_FILTER,
} from "./seccomp_install.ts";
import {
  EXIT_CANNOT_EXECUTE,
  EXIT_NOT_FOUND,
  launchConfined,
  LaunchError,
  type LaunchOptions,
  type PlannedFilter,
  type PlannedLandlock,
  type Stdio,
} from "./launcher.ts";
// Issue 6: filesystem (Landlock) and network (cgroup BPF) confinement of the command.
import { landlockAbiVersion, planRunLandlock } from "./landlock.ts";
import {
  LandlockAuditWatcher,
  type LandlockDenial,
  type LandlockDenialSummary,
} from "./landlock_audit.ts";
// Issue 9: namespaces, read-only view and privileges of the command (process_confinement.ts).
import { type PlannedProcessConfinement, planProcessConfinement } from "./process_confinement.ts";
import { type ViewDenial, type ViewDenialSummary, ViewDenialWatcher } from "./view_explain.ts";
import { prepareRunNetwork } from "./cgroup_net.ts";
// Issue 10: limits.syscallsPerSecond through the eBPF monitor program.
import { prepareRunLimits, type RateLimitHit } from "./run_limits.ts";
// Issue 14: --explain, seccomp denials reported live through SECCOMP_RET_USER_NOTIF.
import {
  type DenialCount,
  planExplain,
  type SeccompDenial,
  SeccompSupervisor,
  type StagedCall,
  type StagedCount,
} from "./seccomp_notify.ts";
import { defaultActionLocations } from "../../engine/explain.ts";
import { NetDenialWatcher, type NetworkDenial, type NetworkDenialSummary } from "./net_explain.ts";
import { formatLocation } from "../../policies/types.ts";

/** A policy section that needs a mechanism other than seccomp. */
export type PolicySection = "filesystem" | "network" | "limits" | "privileges";

/** The mechanism that enforces each {@linkcode PolicySection} for launched programs. */
export const SECTION_MECHANISMS: Readonly<Record<PolicySection, string>> = {
  filesystem: "Landlock",
  network: "cgroup BPF (and Landlock TCP rules)",
  limits: "eBPF rate limiting",
  privileges: "the launcher's namespaces, capabilities and Landlock scoping",
};

/** Rules of a policy that this run does not enforce. */
export interface Degradation {
  /** The policy whose rules are not enforced. */
  readonly policy: string;
  /** The policy section. */
  readonly section: PolicySection;
  /** The mechanism that would enforce it. */
  readonly mechanism: string;
  /**
   * Whether running without it would leave a deny unenforced (filesystem and network rules, and
   * limits whose action is stricter than `log`): then `run` refuses unless degradation is allowed.
   */
  readonly blocking: boolean;
  /** Where the section is written. */
  readonly loc: SourceLocation;
  /** Why the mechanism is not applied, when known (e.g. `needs root (CAP_BPF, …)`). */
  readonly detail?: string;
}

/** Options of {@linkcode runConfined}. */
export interface RunOptions {
  /** The compiled policies: every layer applies to the command. */
  readonly set: FilterSet;
  /** The command and its arguments; the command is looked up in `PATH` unless it contains `/`. */
  readonly command: readonly string[];
  /** Architectures the filters admit (others are killed). Default: {@linkcode hostArches}. */
  readonly arches?: readonly Arch[];
  /** Run even when some rules cannot be enforced ({@linkcode RunResult.degraded} lists them). */
  readonly allowDegraded?: boolean;
  /**
   * The Landlock step (issue 6): a ruleset compiled by the caller, applied by the launcher
   * before the seccomp filters. Given, it is mandatory: if it cannot be applied nothing runs.
   */
  readonly landlock?: PlannedLandlock;
  /** Sections the caller enforces itself (with `landlock` or in `beforeStart`). */
  readonly enforcedSections?: readonly PolicySection[];
  /** Called with the target's pid before it confines itself and starts (cgroups, BPF maps). */
  readonly beforeStart?: (pid: number) => void | Promise<void>;
  /**
   * Issue 5 (`cordon run`'s report): called once, after the checks and before anything is
   * launched, with the rules this run does not enforce (what {@linkcode RunResult.degraded}
   * will hold), so that a caller can say so before the command starts.
   */
  readonly onDegraded?: (degraded: readonly Degradation[]) => void;
  /**
   * Issue 10: called while the command runs, the first time one of its processes goes over the
   * policies' `limits.syscallsPerSecond` (enforced in the kernel; see `run_limits.ts`).
   */
  readonly onRateLimit?: (hit: RateLimitHit) => void;
  /**
   * Issue 15: absolute paths of pathname Unix sockets the command may connect to beyond what
   * its policies allow: sockets the caller serves itself (`cordon deno`'s permission broker).
   */
  readonly extraUnixSockets?: readonly string[];
  /**
   * Issue 14 (`cordon run --explain`): report the first policy's seccomp denials as they happen
   * (`SECCOMP_RET_USER_NOTIF`, answered by this process with the same errno; see
   * `seccomp_notify.ts` and `docs/explain.md`). {@linkcode RunResult.explain} counts them.
   */
  readonly explain?: {
    /** Called with each denial, after the call was answered. */
    readonly onDenial?: (denial: SeccompDenial) => void;
    /** Read path arguments from the caller's memory for the report (default `true`). */
    readonly readPaths?: boolean;
    /**
     * Issue 13, `cordon run --mode staged`: allow each call that no rule denies, only the
     * policies' default actions (compile the set with `stagedRunPolicies` so that a `kill`
     * default reaches the supervisor too); {@linkcode ExplainSummary.staged} counts them.
     */
    readonly staged?: boolean;
    /** With `staged`: called with the first allowed call of each syscall and ABI. */
    readonly onStaged?: (call: StagedCall) => void;
    /**
     * Called with each connect, bind or sendmsg the `network` rules refused (read from the
     * cgroup programs' ring buffers while the command runs; see `net_explain.ts`).
     */
    readonly onNetworkDenial?: (denial: NetworkDenial) => void;
    /**
     * Called with each access a policy's Landlock ruleset refused (`filesystem`, and TCP ports
     * of `network`), read from the kernel's audit records (ABI 7; see `landlock_audit.ts`).
     */
    readonly onLandlockDenial?: (denial: LandlockDenial) => void;
    /**
     * Called once, before the command starts, when Landlock denials cannot be reported (the
     * audit log cannot be read, or Landlock is older than ABI 7); they are still enforced.
     */
    readonly onLandlockUnreported?: (reason: string) => void;
    /**
     * Called with each call the read-only view of a run started as root refused (EROFS outside
     * the write paths, EXDEV across its mounts), read from `bpf/view_denials.bpf.c`'s ring
     * buffer while the command runs (see `view_explain.ts`).
     */
    readonly onViewDenial?: (denial: ViewDenial) => void;
    /**
     * Called once, before the command starts, when the command gets the read-only view but its
     * denials cannot be reported one by one (the reporting program could not be loaded, or the
     * run has no cgroup): writes outside `writable` still fail with EROFS.
     */
    readonly onReadOnlyView?: (writable: readonly string[], reason: string) => void;
  };
  /** Signals passed on to the target. Default: `SIGTERM`, `SIGHUP`. */
  readonly forwardSignals?: readonly Deno.Signal[];
  /**
   * Signals this process ignores while the target runs. Default: `SIGINT`, `SIGQUIT`, which a
   * terminal sends to the whole foreground process group: the target gets them directly, and
   * `cordon run` stays to report its exit.
   */
  readonly ignoreSignals?: readonly Deno.Signal[];
  /** Working directory; default the current one. */
  readonly cwd?: string;
  /** Variables added to (or, with `clearEnv`, forming) the target's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Start from an empty environment (then `env` is all of it). */
  readonly clearEnv?: boolean;
  /** The command's standard input; default `"inherit"`. */
  readonly stdin?: Stdio;
  /** The command's standard output; default `"inherit"`, `"piped"` collects it in the result. */
  readonly stdout?: Stdio;
  /** The command's standard error; default `"inherit"`, `"piped"` collects it in the result. */
  readonly stderr?: Stdio;
}

/** How a confined command ended. */
export interface RunResult {
  /** The exit code as a shell reports it: the command's, or 128+N when killed by signal N. */
  readonly code: number;
  /** The signal that killed the command, or `null`. */
  readonly signal: Deno.Signal | null;
  /** The command's process id. */
  readonly pid: number;
  /** Milliseconds from spawning the launcher to the command's `execve` (confinement start-up). */
  readonly startupMs: number;
  /** The filters installed, in installation order, with their sizes. */
  readonly filters: readonly { readonly policy: string; readonly instructions: number }[];
  /** Policies in `audit` mode: their denials were logged by the kernel, not enforced. */
  readonly audited: readonly string[];
  /** Rules not enforced: non-blocking ones, and blocking ones when `allowDegraded`. */
  readonly degraded: readonly Degradation[];
  /**
   * Processes that went over the policies' `limits.syscallsPerSecond` (a `kill` limit killed
   * them with `SIGKILL`); empty when no limit was applied.
   */
  readonly rateLimited: readonly RateLimitHit[];
  /** Issue 14: with `explain`, the seccomp denials reported, counted by rule. */
  readonly explain?: ExplainSummary;
  /** The command's output, when `stdout` was `"piped"`. */
  readonly stdout?: Uint8Array;
  /** The command's error output, when `stderr` was `"piped"`. */
  readonly stderr?: Uint8Array;
}

/** What `--explain` saw: seccomp denials of the first policy, by rule. */
export interface ExplainSummary {
  /** Denials answered by the supervisor. */
  readonly total: number;
  /** By rule, most first. */
  readonly byRule: readonly DenialCount[];
  /** The `network` rules' denials (cgroup BPF), when a policy has network rules. */
  readonly network?: NetworkDenialSummary;
  /** The Landlock denials (audit records), when a policy has Landlock rules and they were read. */
  readonly landlock?: LandlockDenialSummary;
  /** The read-only view's denials, when the command got the view and they were read. */
  readonly view?: ViewDenialSummary;
  /** With `staged`: the syscalls allowed because only default actions denied them. */
  readonly staged?: readonly StagedCount[];
}

/**
 * The read-only view's denial reader of `--explain`, or `undefined` after saying why it cannot
 * be had (no run cgroup, or the program does not load): the view holds either way.
 */
function openViewWatcher(
  options: RunOptions,
  cgroupPath: string | undefined,
  confinement: PlannedProcessConfinement,
): ViewDenialWatcher | undefined {
  const writable = confinement.writable.map((w) => w.path);
  const say = (reason: string) => options.explain?.onReadOnlyView?.(writable, reason);
  if (cgroupPath === undefined) {
    say("the run has no cgroup to watch");
    return undefined;
  }
  try {
    return ViewDenialWatcher.open(
      options.set,
      cgroupPath,
      options.explain?.onViewDenial ?? (() => {}),
    );
  } catch (error) {
    say(`its reporting program did not load: ${error instanceof Error ? error.message : error}`);
    return undefined;
  }
}

/**
 * The Landlock denial reader of `--explain`, or `undefined` (after saying why) when the audit log
 * cannot be read or Landlock cannot log (ABI < 7): the rules are enforced either way.
 */
function openLandlockWatcher(
  options: RunOptions,
  planned: PlannedLandlock,
): LandlockAuditWatcher | undefined {
  const say = options.explain?.onLandlockUnreported ?? (() => {});
  if (planned.rulesets.every((r) => r.handledAccessFs === 0 && r.handledAccessNet === 0)) {
    return undefined;
  }
  const abi = landlockAbiVersion();
  if (abi < 7) {
    say(
      `Landlock denials are not reported: logging them needs Landlock ABI 7, the kernel has ${abi}`,
    );
    return undefined;
  }
  try {
    return LandlockAuditWatcher.open(options.set, options.explain?.onLandlockDenial ?? (() => {}));
  } catch (error) {
    if (!(error instanceof NotSupportedError)) throw error;
    say(`Landlock denials are not reported: ${error.message}`);
    return undefined;
  }
}

/** `--explain` cannot be applied to this policy set. */
export class ExplainError extends Error {
  /** Stable error code. */
  readonly code: "EXPLAIN_SENDMSG_DENIED" | "EXPLAIN_NO_POLICY";
  /**
   * Creates the error.
   *
   * @param code Stable error code.
   * @param message What is wrong.
   */
  constructor(code: "EXPLAIN_SENDMSG_DENIED" | "EXPLAIN_NO_POLICY", message: string) {
    super(message);
    this.name = "ExplainError";
    this.code = code;
  }
}

/**
 * The architectures a filter admits by default: the host's native ABI and its compatibility
 * ABIs (x86_64: `x86_64`, `i386`, `x32`, so that 32-bit programs keep running under the same
 * rules; aarch64: `aarch64`). Calls from any other architecture are killed.
 *
 * @example
 * ```ts
 * import { hostArches } from "@cordon/cordon/linux";
 * if (Deno.build.arch === "x86_64" && !hostArches().includes("i386")) throw new Error();
 * ```
 */
export function hostArches(): Arch[] {
  switch (Deno.build.arch) {
    case "x86_64":
      return ["x86_64", "i386", "x32"];
    case "aarch64":
      return ["aarch64"];
    default:
      throw new NotSupportedError(
        "seccomp filters",
        `unknown host architecture "${Deno.build.arch}"`,
      );
  }
}

/** The host's native architecture. */
export function nativeArch(): Arch {
  return Deno.build.arch === "aarch64" ? "aarch64" : "x86_64";
}

/**
 * The rules of `set` that need mechanisms other than seccomp and are not in `enforced`.
 *
 * @example
 * ```ts
 * import { unenforcedSections } from "@cordon/cordon/linux";
 * if (unenforcedSections({ version: 1, layers: [] }).length !== 0) throw new Error();
 * ```
 */
export function unenforcedSections(
  set: FilterSet,
  enforced: readonly PolicySection[] = [],
): Degradation[] {
  const out: Degradation[] = [];
  for (const layer of set.layers) {
    const add = (section: PolicySection, loc: SourceLocation, blocking = true) => {
      if (!enforced.includes(section)) {
        const mechanism = SECTION_MECHANISMS[section];
        out.push({ policy: layer.policy, section, mechanism, blocking, loc });
      }
    };
    const fs = layer.filesystem;
    // A layer in audit mode applies no filesystem rules by design (compile/run_view.ts).
    if (
      fs && appliesFilesystem(layer) && (fs.read.length || fs.write.length || fs.execute.length)
    ) {
      add("filesystem", fs.loc);
    }
    const net = layer.network;
    if (net && (net.connect.length || net.bind.length)) add("network", net.loc);
    // A `log` limit not applied reports nothing, a `kill` limit kills nothing: both block.
    const rate = layer.limits?.syscallsPerSecond;
    if (rate && rate.action !== "allow") add("limits", rate.loc);
  }
  return out;
}

/**
 * Resolves `command` as `execvp` does: a name containing `/` is taken as is (relative to `cwd`),
 * anything else is searched in `path` (`PATH`'s value). Throws {@linkcode LaunchError} with
 * `COMMAND_NOT_FOUND` (exit code 127) or `COMMAND_NOT_EXECUTABLE` (126).
 *
 * @example
 * ```ts ignore
 * import { resolveCommand } from "@cordon/cordon/linux";
 * if (resolveCommand("sh", "/usr/bin:/bin") === "") throw new Error();
 * ```
 */
export function resolveCommand(command: string, path: string, cwd?: string): string {
  if (command === "") {
    throw new LaunchError("COMMAND_NOT_FOUND", "execve", `"": command not found`, EXIT_NOT_FOUND);
  }
  const candidates = command.includes("/")
    ? [command]
    : path.split(":").map((dir) => `${dir === "" ? "." : dir}/${command}`);
  let denied: string | undefined;
  for (const candidate of candidates) {
    const absolute = candidate.startsWith("/") || cwd === undefined
      ? candidate
      : `${cwd}/${candidate}`;
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(absolute);
    } catch {
      continue;
    }
    if (info.isFile && info.mode !== null && (info.mode & 0o111) !== 0) return candidate;
    denied ??= candidate;
  }
  if (denied !== undefined) {
    throw new LaunchError(
      "COMMAND_NOT_EXECUTABLE",
      "execve",
      `"${denied}": permission denied (not an executable file)`,
      EXIT_CANNOT_EXECUTE,
    );
  }
  throw new LaunchError(
    "COMMAND_NOT_FOUND",
    "execve",
    `"${command}": command not found`,
    EXIT_NOT_FOUND,
  );
}

/** A policy set that cannot be installed as stacked filters. */
export class FilterPlanError extends Error {
  /** Stable error code. */
  readonly code: "EXECVE_DENIED" | "SECCOMP_DENIED";
  /** The policy at fault. */
  readonly policy: string;

  /**
   * Creates the error.
   *
   * @param code Stable error code.
   * @param policy The policy at fault.
   * @param message What is wrong.
   */
  constructor(code: "EXECVE_DENIED" | "SECCOMP_DENIED", policy: string, message: string) {
    super(message);
    this.name = "FilterPlanError";
    this.code = code;
    this.policy = policy;
  }
}

/** One compiled filter of a plan. */
export interface CompiledFilter {
  /** The layer's policy name. */
  readonly policy: string;
  /** Its seccomp program. */
  readonly program: SeccompProgram;
}

/**
 * Compiles every layer of `set` into a seccomp program for `arches` and orders them for
 * installation. The kernel breaks ties between equally strict actions of stacked filters in
 * favour of the filter installed last, and the evaluator in favour of the first layer, so layers
 * are installed in reverse order. Checks with the interpreter that every filter lets the
 * launcher `execve` the command, and that every filter but the last installed lets it install
 * the next one (`seccomp(2)`): otherwise throws {@linkcode FilterPlanError}.
 *
 * @example
 * ```ts
 * import { planFilters } from "@cordon/cordon/linux";
 * if (planFilters({ version: 1, layers: [] }, ["x86_64"]).length !== 0) throw new Error();
 * ```
 */
export function planFilters(set: FilterSet, arches: readonly Arch[]): CompiledFilter[] {
  const filters = set.layers
    .map((layer) => ({ policy: layer.policy, program: compileSeccomp(layer, arches) }))
    .reverse();
  const native = arches.includes(nativeArch()) ? nativeArch() : undefined;
  if (native === undefined) return filters;
  const auditArch = syscallTable(native).auditArch >>> 0;
  const allows = (program: SeccompProgram, name: string, args: bigint[]): boolean => {
    const nr = syscallNumber(native, name);
    if (nr === undefined) return true;
    const { action } = decodeAction(runSeccomp(program, { nr, arch: auditArch, args }).action);
    return seccompLetsCallRun(action);
  };
  filters.forEach(({ policy, program }, index) => {
    if (!allows(program, "execve", [])) {
      throw new FilterPlanError(
        "EXECVE_DENIED",
        policy,
        `Policy "${policy}" does not allow execve, so no command can be started under it`,
      );
    }
    const seccompArgs = [BigInt(SECCOMP_SET_MODE_FILTER), BigInt(SECCOMP_FILTER_FLAG_TSYNC)];
    if (index < filters.length - 1 && !allows(program, "seccomp", seccompArgs)) {
      throw new FilterPlanError(
        "SECCOMP_DENIED",
        policy,
        `Policy "${policy}" denies seccomp(2), so the filters of the policies before it cannot ` +
          `be stacked on top of it; give it as the first --policy (its filter is installed last)`,
      );
    }
  });
  return filters;
}

/**
 * Issue 14: the launcher hands the listener over with `sendmsg` after every filter is in; each
 * must allow it (the interpreter decides, as the kernel would), or `--explain` is refused.
 */
function checkListenerHandOver(filters: readonly CompiledFilter[]): void {
  const native = nativeArch();
  const nr = syscallNumber(native, "sendmsg");
  if (nr === undefined) return;
  const auditArch = syscallTable(native).auditArch >>> 0;
  const MSG_NOSIGNAL = 0x4000n;
  for (const { policy, program } of filters) {
    const run = runSeccomp(program, { nr, arch: auditArch, args: [3n, 0n, MSG_NOSIGNAL] });
    const { action } = decodeAction(run.action);
    if (action !== "allow" && action !== "log") {
      throw new ExplainError(
        "EXPLAIN_SENDMSG_DENIED",
        `Policy "${policy}" denies sendmsg(2), which --explain needs to pass the seccomp ` +
          `listener from the launcher to cordon before the command starts; run without --explain`,
      );
    }
  }
}

/**
 * Runs `command` confined by `set` and waits for it. Resolves with its exit status whatever it
 * is; rejects when it could not be started: {@linkcode NotSupportedError} (seccomp unavailable,
 * or rules needing a missing mechanism without `allowDegraded`), {@linkcode LaunchError}
 * (command not found or not executable, or a confinement step failed, with the kernel's errno
 * in a `KernelError` `cause`), {@linkcode FilterPlanError}, or a `SeccompCompileError`.
 *
 * Requires `allow-ffi`, `allow-run`, `allow-read`, `allow-write`, `allow-env`. Linux only.
 *
 * @example
 * ```ts ignore
 * import { runConfined } from "@cordon/cordon/linux";
 * import { compilePolicies } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const set = compilePolicies([{
 *   name: "no-mkdir", defaultAction: "allow", defaultErrno: 1, mode: "enforce", loc,
 *   rules: [{ id: "r", policy: "no-mkdir", origin: "rule", action: "deny", priority: 0, loc,
 *     syscalls: [{ kind: "name", name: "mkdir", loc }, { kind: "name", name: "mkdirat", loc }],
 *     args: [] }],
 * }]);
 * const result = await runConfined({ set, command: ["mkdir", "/tmp/x"] });
 * if (result.code === 0) throw new Error("mkdir must fail under the policy");
 * ```
 */
export async function runConfined(options: RunOptions): Promise<RunResult> {
  const [command, ...args] = options.command;
  if (command === undefined) throw new TypeError("runConfined needs a command");
  probeSeccomp();
  // Issue 6: Landlock and cgroup BPF network rules, unless the caller brought its own Landlock
  // step. Both fail closed (NotSupportedError) unless allowDegraded; the cgroup and its programs
  // are removed when this function returns (the command and what it left have exited).
  const allowDegradedConfinement = { allowDegraded: options.allowDegraded === true };
  const landlockPlan = options.landlock
    ? undefined
    : planRunLandlock(options.set, allowDegradedConfinement);
  await using network = options.landlock ? undefined : await prepareRunNetwork(options.set, {
    ...allowDegradedConfinement,
    ...(options.extraUnixSockets ? { extraUnixSockets: options.extraUnixSockets } : {}),
  });
  const plannedLandlock = options.landlock ?? landlockPlan?.landlock;
  // Issue 14, part 2: with --explain, the kernel audits the command's Landlock denials.
  using landlockWatcher = options.explain && plannedLandlock
    ? openLandlockWatcher(options, plannedLandlock)
    : undefined;
  const landlock = plannedLandlock && landlockWatcher
    ? { ...plannedLandlock, logNewExec: true }
    : plannedLandlock;
  // No policy (`cordon record` without one): nothing to enforce, the command is only observed.
  const processPlan = options.set.layers.length === 0
    ? undefined
    : planProcessConfinement(options.set, allowDegradedConfinement);
  // Issue 10: limits.syscallsPerSecond, counted and enforced in the kernel (eBPF), unless the
  // caller enforces them itself; without eBPF they are blocking degradations, with the reason.
  using limits = options.enforcedSections?.includes("limits")
    ? undefined
    : prepareRunLimits(options.set, options.onRateLimit);
  const enforcedSections = [
    ...(options.enforcedSections ?? []),
    ...(landlockPlan?.enforced ?? []),
    ...(network?.enforced ?? []),
    ...(limits?.enforced ?? []),
  ];
  const rate = limits?.rate;
  const beforeStart = network?.confinement || rate || landlockWatcher
    ? async (pid: number) => {
      landlockWatcher?.watch(pid);
      rate?.attach(pid);
      if (network?.confinement) network.beforeStart(pid);
      await options.beforeStart?.(pid);
    }
    : options.beforeStart;
  const degraded = [
    ...unenforcedSections(options.set, enforcedSections),
    ...(limits?.degraded ?? []),
    ...(landlockPlan?.degraded ?? []),
    ...(processPlan?.degraded ?? []),
    ...(network?.degraded ?? []), // the run cgroup's guard, when allowDegraded let it go
  ];
  const first = degraded.find((d) => d.blocking);
  if (first && !options.allowDegraded) {
    const where = `${formatLocation(first.loc)}`;
    throw new NotSupportedError(
      first.mechanism,
      `policy "${first.policy}" has ${first.section} rules (${where}) that need ${first.mechanism}, ` +
        `which this run does not apply${
          "detail" in first && first.detail ? ` (${first.detail})` : ""
        }; ` +
        `accept running without them with --allow-degraded`,
    );
  }
  const arches = options.arches ?? hostArches();
  const filters = planFilters(options.set, arches);

  const env = options.clearEnv ? { ...options.env } : { ...Deno.env.toObject(), ...options.env };
  const file = resolveCommand(command, env.PATH ?? "/usr/local/bin:/usr/bin:/bin", options.cwd);
  const planned: PlannedFilter[] = filters.map((f) => ({
    name: f.policy,
    program: f.program.bytes(),
  }));
  // Issue 14: every layer's denials become USER_NOTIF, and a last filter with the listener
  // sends them to the supervisor (see seccomp_notify.ts).
  if (options.explain && filters.length === 0) {
    throw new ExplainError("EXPLAIN_NO_POLICY", "--explain needs at least one policy");
  }
  const explainPlan = options.explain ? planExplain(options.set, filters, arches) : undefined;
  if (explainPlan) {
    checkListenerHandOver(filters);
    planned.splice(
      0,
      planned.length,
      ...explainPlan.layers.map((l) => ({ name: l.policy, program: l.program.bytes() })),
      { name: "--explain", program: explainPlan.listener.bytes(), listener: true },
    );
  }
  let supervisor: SeccompSupervisor | undefined;
  // Issue 14, part 3: the network rules' denials, from the cgroup programs' ring buffers.
  const netMaps = options.explain ? network?.confinement?.denialMaps() ?? [] : [];
  using netWatcher = netMaps.length
    ? new NetDenialWatcher(netMaps, options.set, options.explain?.onNetworkDenial ?? (() => {}))
    : undefined;
  netWatcher?.start();
  landlockWatcher?.start();
  const defaultLocations = explainPlan ? defaultActionLocations(options.set) : undefined;
  const launchOptions: LaunchOptions = {
    forwardSignals: options.forwardSignals ?? ["SIGTERM", "SIGHUP"],
    ignoreSignals: options.ignoreSignals ?? ["SIGINT", "SIGQUIT"],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.clearEnv ? { clearEnv: true } : {}),
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    ...(options.stdout === undefined ? {} : { stdout: options.stdout }),
    ...(options.stderr === undefined ? {} : { stderr: options.stderr }),
    ...(beforeStart === undefined ? {} : { beforeStart }),
    ...(explainPlan
      ? {
        onSeccompListener: (fd: number) => {
          supervisor = new SeccompSupervisor(
            fd,
            options.set,
            explainPlan.originals,
            {
              ...(options.explain?.onDenial ? { onDenial: options.explain.onDenial } : {}),
              ...(options.explain?.readPaths === false ? { readPaths: false } : {}),
              ...(options.explain?.staged ? { staged: true } : {}),
              ...(options.explain?.onStaged ? { onStaged: options.explain.onStaged } : {}),
              ...(defaultLocations ? { defaultLocations } : {}),
            },
          );
          supervisor.start();
        },
      }
      : {}),
  };
  options.onDegraded?.(degraded); // issue 5: report what is not enforced before launching
  // The read-only view's EROFS/EXDEV come before Landlock and leave no audit record.
  using viewWatcher = options.explain && processPlan?.confinement.readOnlyEverything
    ? openViewWatcher(options, network?.confinement?.cgroupPath, processPlan.confinement)
    : undefined;
  viewWatcher?.start();
  let result;
  try {
    result = await launchConfined({
      file,
      argv: [command, ...args],
      filters: planned,
      ...(landlock ? { landlock } : {}),
      ...(processPlan ? { confinement: processPlan.confinement } : {}),
    }, launchOptions);
  } finally {
    // The command has exited (or never started): no notification can still be pending from it.
    await supervisor?.stop();
    netWatcher?.drain();
    viewWatcher?.drain();
    await landlockWatcher?.stop();
  }
  const explain: ExplainSummary | undefined = explainPlan && supervisor
    ? {
      total: supervisor.total,
      byRule: supervisor.counts(),
      ...(options.explain?.staged ? { staged: supervisor.staged() } : {}),
      ...(netWatcher ? { network: netWatcher.summary() } : {}),
      ...(landlockWatcher ? { landlock: landlockWatcher.summary() } : {}),
      ...(viewWatcher ? { view: viewWatcher.summary() } : {}),
    }
    : undefined;
  return {
    code: result.status.code,
    signal: result.status.signal,
    pid: result.pid,
    startupMs: result.timings.execMs,
    filters: filters.map((f) => ({
      policy: f.policy,
      instructions: f.program.instructions.length,
    })),
    audited: options.set.layers.filter((l) => l.mode === "audit").map((l) => l.policy),
    degraded,
    rateLimited: rate?.hits() ?? [],
    ...(explain ? { explain } : {}),
    ...(result.stdout ? { stdout: result.stdout } : {}),
    ...(result.stderr ? { stderr: result.stderr } : {}),
  };
}
