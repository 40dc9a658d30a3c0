/**
 * Issue 14, `cordon run --explain`: seccomp denials reported live through
 * `SECCOMP_RET_USER_NOTIF`.
 *
 * With `--explain`, the filter installed last (the first policy's) is compiled with its denials
 * as `SECCOMP_RET_USER_NOTIF` ({@linkcode planExplain}) and installed with
 * `SECCOMP_FILTER_FLAG_NEW_LISTENER`; the launcher passes the listener to the parent over its
 * channel (`SCM_RIGHTS`, {@linkcode sendDescriptorFrame} / {@linkcode receiveDescriptorFrame})
 * before `execve`. The parent's {@linkcode SeccompSupervisor} receives each notification
 * (`SECCOMP_IOCTL_NOTIF_RECV`), finds the deciding rule with the evaluator, computes the errno
 * the unconverted filter returns with the BPF interpreter (so the program sees exactly what it
 * would without `--explain`), reads path arguments from `/proc/PID/mem` for the report only
 * (checked with `SECCOMP_IOCTL_NOTIF_ID_VALID` after reading) and answers
 * (`SECCOMP_IOCTL_NOTIF_SEND`) with that errno. A denial is never answered with
 * `SECCOMP_USER_NOTIF_FLAG_CONTINUE`, except in a staged run (`cordon run --mode staged`, the
 * `staged` option): there a call that no rule denies, only default actions, is allowed with it
 * and counted (the kernel has already evaluated the same register arguments; no pointer is
 * read to decide).
 *
 * Stacked layers: the kernel takes the strictest action of all filters, and `USER_NOTIF` ranks
 * below `ERRNO`. A denial of the first policy is converted only for syscall numbers for which no
 * other layer can return `ERRNO` or anything stricter (whatever the arguments), so the result
 * stays identical; other denials keep `ERRNO` and are not reported live (see `docs/explain.md`).
 * Only one filter of a process can have a listener (the kernel refuses a second with `EBUSY`).
 *
 * If the supervisor is gone (its listener closed), the kernel answers the converted calls with
 * `ENOSYS`: they stay denied.
 *
 * Requires `allow-ffi`; the supervisor also `allow-read` (`/proc/PID/mem`, `/proc/PID/comm`).
 *
 * @module
 */

import type { Arch, SourceLocation } from "../../policies/types.ts";
import {
  AUDIT_ARCH,
  syscallName,
  syscallPathArgs,
  X32_SYSCALL_BIT,
} from "../../policies/syscalls.ts";
import type { FilterSet } from "../../compile/filter_set.ts";
import {
  compileSeccomp,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_USER_NOTIF,
  type SeccompProgram,
} from "../../compile/seccomp.ts";
import {
  decodeAction,
  type ProgramLike,
  runSeccomp,
  type SeccompData,
} from "../../compile/bpf_interpreter.ts";
import { evaluate, evaluateLayers } from "../../compile/evaluate.ts";
import { seccompLetsCallRun } from "../../compile/sock_filter.ts";
import { strictness } from "../../policies/types.ts";
import {
  BPF_JA,
  BPF_JMP,
  BPF_K,
  BPF_MAXINSNS,
  BPF_RET,
  encodeSockFilters,
  type SockFilter,
} from "../../compile/sock_filter.ts";
import { errnoDetail, keepAlive } from "./libc.ts";
import {
  EFD_CLOEXEC,
  EINTR,
  ENOENT,
  ENOSYS,
  fail,
  lastErrno,
  MAX_ERRNO,
  NOTIF_SIZE,
  PATH_MAX,
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  RESP_SIZE,
  SECCOMP_IOCTL_NOTIF_ID_VALID,
  SECCOMP_IOCTL_NOTIF_RECV,
  SECCOMP_IOCTL_NOTIF_SEND,
  SECCOMP_USER_NOTIF_FLAG_CONTINUE,
  sym,
} from "./seccomp_listener.ts";
import { formatLocation } from "../../policies/types.ts";

export {
  LISTENER_FRAME,
  prepareDescriptorSender,
  receiveDescriptorFrame,
  SECCOMP_FILTER_FLAG_NEW_LISTENER,
  SECCOMP_IOCTL_NOTIF_ID_VALID,
  SECCOMP_IOCTL_NOTIF_RECV,
  SECCOMP_IOCTL_NOTIF_SEND,
  SECCOMP_USER_NOTIF_FLAG_CONTINUE,
} from "./seccomp_listener.ts";

// ---------------------------------------------------------------------------------------------
// Planning: which denials of the first policy become USER_NOTIF.

/** The syscalls the launcher makes after installing the listener's filter, before `execve`. */
const LAUNCHER_CALLS_AFTER_LISTENER = ["sendmsg"] as const;

/** What {@linkcode planExplain} makes: the filters to install, in installation order. */
export interface ExplainPlan {
  /**
   * One program per layer, in the order `planFilters` installs them (last layer first), with
   * their denials as `USER_NOTIF`, then the listener's filter ({@linkcode ExplainPlan.listener}).
   */
  readonly layers: readonly { readonly policy: string; readonly program: SeccompProgram }[];
  /** The listener's filter, installed last with `SECCOMP_FILTER_FLAG_NEW_LISTENER`. */
  readonly listener: { readonly instructions: readonly SockFilter[]; bytes(): Uint8Array };
  /** The same layers compiled without conversion, in installation order: the answers come from them. */
  readonly originals: readonly SeccompProgram[];
}

/** A plan's layer count and its compiled programs, as `planFilters` returns them. */
export interface InstalledFilter {
  /** The layer's policy. */
  readonly policy: string;
  /** Its program without conversion. */
  readonly program: SeccompProgram;
}

/** Why {@linkcode planExplain} cannot plan. */
export class ExplainPlanError extends Error {
  /** Stable error code. */
  readonly code = "EXPLAIN_FILTER_TOO_LARGE";
  /**
   * Creates the error.
   *
   * @param message What is wrong.
   */
  constructor(message: string) {
    super(message);
    this.name = "ExplainPlanError";
  }
}

function isNotify(ret: number): boolean {
  return ((ret & 0xffff0000) >>> 0) === SECCOMP_RET_USER_NOTIF;
}

/**
 * Plans `--explain` for the layers of `set` compiled as `filters` (the output of `planFilters`,
 * in installation order), admitting `arches`:
 *
 * - every layer is compiled again with its denials (`ERRNO`) as `USER_NOTIF`; the kernel's
 *   result stays the same: `KILL`, `TRAP` still outrank them, and where the original result was
 *   an `ERRNO` it is now a `USER_NOTIF`, answered with the errno the originals give;
 * - a last filter, installed with the listener, runs the converted layers one after the other
 *   (every `ret` other than `USER_NOTIF` becomes a jump to the next layer's start) and returns
 *   `USER_NOTIF` when one of them does, else `ALLOW`. Between equal actions the kernel keeps the
 *   newest filter's, so every converted denial goes to the listener. A call that no layer denies
 *   never reaches it, and a number every layer allows whatever its arguments stays a constant
 *   `ALLOW` for the kernel's action cache (the chained code loads only `arch` and `nr` on it).
 *
 * The launcher's own `sendmsg` (the listener's hand-over, after the last filter) keeps `ERRNO` on
 * the native architecture, so that it can never wait for a supervisor that has no listener yet.
 *
 * @throws {ExplainPlanError} When the chained filter is over the kernel's 4096 instructions.
 *
 * @example
 * ```ts
 * import { planExplain } from "./seccomp_notify.ts";
 * const plan = planExplain({ version: 1, layers: [] }, [], ["x86_64"]);
 * if (plan.layers.length !== 0 || plan.listener.instructions.length !== 1) throw new Error();
 * ```
 */
export function planExplain(
  set: FilterSet,
  filters: readonly InstalledFilter[],
  arches: readonly Arch[],
): ExplainPlan {
  const launcherArch: Arch = Deno.build.arch === "aarch64" ? "aarch64" : "x86_64";
  const byPolicy = new Map(set.layers.map((l) => [l.policy, l]));
  const layers = filters.map(({ policy }) => {
    const layer = byPolicy.get(policy);
    if (layer === undefined) throw new RangeError(`planExplain: no layer "${policy}"`);
    const excluded = new Set(
      LAUNCHER_CALLS_AFTER_LISTENER.map((name) =>
        layer.arches.find((f) => f.arch === launcherArch)?.syscalls.find((s) => s.name === name)
          ?.nr
      ),
    );
    const notifyDenials = (arch: Arch, nr: number | null) =>
      !(arch === launcherArch && nr !== null && excluded.has(nr));
    return { policy, program: compileSeccomp(layer, arches, { notifyDenials }) };
  });
  const chained: SockFilter[] = [];
  for (const { program } of layers) {
    const length = program.instructions.length;
    program.instructions.forEach((insn, i) => {
      const ret = insn.code === (BPF_RET | BPF_K);
      chained.push(
        ret && !isNotify(insn.k)
          ? { code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: length - i - 1 }
          : insn,
      );
    });
  }
  chained.push({ code: BPF_RET | BPF_K, jt: 0, jf: 0, k: SECCOMP_RET_ALLOW });
  if (chained.length > BPF_MAXINSNS) {
    throw new ExplainPlanError(
      `--explain chains the ${layers.length} filters into one of ${chained.length} instructions, ` +
        `more than the kernel's ${BPF_MAXINSNS}; run with fewer or smaller policies`,
    );
  }
  return {
    layers,
    listener: { instructions: chained, bytes: () => encodeSockFilters(chained) },
    originals: filters.map((f) => f.program),
  };
}

/**
 * What the kernel answers for `data` under the stacked `programs` (installation order): the
 * strictest action, ties to the filter installed last, as `seccomp_run_filters` does.
 */
export function stackedResult(programs: readonly ProgramLike[], data: SeccompData): number {
  let best = SECCOMP_RET_ALLOW;
  for (let i = programs.length - 1; i >= 0; i--) {
    const ret = runSeccomp(programs[i]!, data).action >>> 0;
    // ACTION_ONLY as a signed 32-bit number: lower is stricter (KILL_PROCESS is negative)
    if (((ret & 0xffff0000) | 0) < ((best & 0xffff0000) | 0)) best = ret;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// The supervisor.

/** A call received by the {@linkcode SeccompSupervisor}, as the filter saw it. */
export interface NotifiedCall {
  /** The calling thread's id (in the supervisor's pid namespace). */
  readonly pid: number;
  /** Its `comm`, when it could be read. */
  readonly comm?: string;
  /** The ABI of the call. */
  readonly arch: Arch;
  /** `seccomp_data.nr`. */
  readonly nr: number;
  /** The syscall's name (`#NR` when the tables do not know it). */
  readonly syscall: string;
  /** The six arguments as the filter saw them. */
  readonly args: readonly bigint[];
  /** Path arguments read from the caller's memory (index → text), for the report only. */
  readonly paths: Readonly<Record<number, string>>;
}

/** One seccomp denial received by the {@linkcode SeccompSupervisor}. */
export interface SeccompDenial extends NotifiedCall {
  /** The errno the call was answered with (what the unconverted filter returns). */
  readonly errno: number;
  /** The errno's name, such as `"EPERM"`. */
  readonly errnoName?: string;
  /** The deciding rule's id, `null` for the policy's `defaultAction` (or an unknown number). */
  readonly ruleId: string | null;
  /** The deciding policy. */
  readonly policy: string;
  /** The deciding rule's location, or the `defaultAction` key's. */
  readonly loc: SourceLocation;
}

/**
 * Issue 13, `cordon run --mode staged`: a call that only the policies' default actions deny,
 * allowed by the {@linkcode SeccompSupervisor} and reported the first time per syscall.
 */
export interface StagedCall extends NotifiedCall {
  /** The policies whose `defaultAction` would have denied it, with that key's location. */
  readonly policies: readonly { readonly policy: string; readonly loc: SourceLocation }[];
}

/** One syscall a staged run allowed, with how often. */
export interface StagedCount {
  /** The ABI. */
  readonly arch: Arch;
  /** The syscall's name. */
  readonly syscall: string;
  /** Its number on `arch`. */
  readonly nr: number;
  /** Calls allowed. */
  readonly count: number;
  /** The first call (the one reported live). */
  readonly first: StagedCall;
}

/** Options of {@linkcode SeccompSupervisor}. */
export interface SupervisorOptions {
  /** Called with each denial, after the call was answered. */
  readonly onDenial?: (denial: SeccompDenial) => void;
  /**
   * Issue 13, `cordon run --mode staged`: allow (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`) each call
   * of a syscall in Cordon's tables that no rule of any policy denies, only default actions,
   * and count it ({@linkcode SeccompSupervisor.staged}); calls a rule denies stay denied.
   */
  readonly staged?: boolean;
  /** With `staged`: called with the first allowed call of each syscall and ABI. */
  readonly onStaged?: (call: StagedCall) => void;
  /** Read path arguments from `/proc/PID/mem` for the report (default `true`). */
  readonly readPaths?: boolean;
  /**
   * Where each policy's `defaultAction` is written (`engine/explain.ts`): denials no rule names
   * are located there instead of at the policy's `metadata.name`.
   */
  readonly defaultLocations?: ReadonlyMap<string, SourceLocation>;
}

/** Denials counted by rule. */
export interface DenialCount {
  /** The rule's id, `null` for the `defaultAction`. */
  readonly ruleId: string | null;
  /** Its policy. */
  readonly policy: string;
  /** Its location. */
  readonly loc: SourceLocation;
  /** How many calls it denied. */
  readonly count: number;
  /** By syscall name. */
  readonly bySyscall: Readonly<Record<string, number>>;
}

/** At most this many notifications, or milliseconds, are answered before the event loop runs. */
const BATCH = 4096;
const BATCH_MS = 20;

const ARCH_BY_AUDIT = new Map<number, Arch>([
  [AUDIT_ARCH.i386 >>> 0, "i386"],
  [AUDIT_ARCH.aarch64 >>> 0, "aarch64"],
]);

function archOf(auditArch: number, nr: number): Arch | undefined {
  if (auditArch === AUDIT_ARCH.x86_64 >>> 0) {
    return nr >= X32_SYSCALL_BIT ? "x32" : "x86_64";
  }
  return ARCH_BY_AUDIT.get(auditArch);
}

/**
 * The parent's side of `--explain`: answers every notification of one listener with the errno
 * the unconverted filter gives, and reports it. Start with {@linkcode SeccompSupervisor.start};
 * {@linkcode SeccompSupervisor.stop} (or `await using`) ends the loop and closes the listener
 * (after which the kernel answers converted calls with `ENOSYS`).
 *
 * Requires `allow-ffi` and `allow-read`.
 *
 * @example
 * ```ts ignore
 * import { planExplain, SeccompSupervisor } from "./seccomp_notify.ts";
 * await using supervisor = new SeccompSupervisor(listenerFd, set.layers[0]!, plan.original, {
 *   onDenial: (d) => console.error(d.syscall, d.ruleId),
 * });
 * supervisor.start();
 * ```
 */
export class SeccompSupervisor implements AsyncDisposable {
  readonly #fd: number;
  readonly #wake: number;
  readonly #set: FilterSet;
  readonly #originals: readonly SeccompProgram[];
  readonly #options: SupervisorOptions;
  readonly #counts = new Map<
    string,
    {
      entry: Omit<DenialCount, "count" | "bySyscall">;
      count: number;
      bySyscall: Map<string, number>;
    }
  >();
  readonly #staged = new Map<string, { count: number; first: StagedCall }>();
  readonly #pathArgs = new Map<string, number[]>();
  readonly #memory = new ProcessMemory();
  readonly #comms = new CommCache();
  #loop: Promise<void> | undefined;
  #stopping = false;
  #closed = false;
  #total = 0;
  #error: unknown;

  /**
   * @param fd The listener (owned from now on: closed by {@linkcode SeccompSupervisor.stop}).
   * @param set The compiled policies (the deciding rule comes from the evaluator).
   * @param originals Their filters without conversion, in installation order (the answer comes
   *   from them, combined as the kernel combines stacked filters).
   * @param options Report callback, path reading.
   */
  constructor(
    fd: number,
    set: FilterSet,
    originals: readonly SeccompProgram[],
    options: SupervisorOptions = {},
  ) {
    this.#fd = fd;
    this.#set = set;
    this.#originals = originals;
    this.#options = options;
    const wake = sym().eventfd(0, EFD_CLOEXEC);
    if (wake < 0) fail("create the supervisor's wake-up eventfd");
    this.#wake = wake;
  }

  /** Denials answered so far. */
  get total(): number {
    return this.#total;
  }

  /** Denials by rule, most first. */
  counts(): DenialCount[] {
    return [...this.#counts.values()]
      .map(({ entry, count, bySyscall }) => ({
        ...entry,
        count,
        bySyscall: Object.fromEntries([...bySyscall].sort((a, b) => b[1] - a[1])),
      }))
      .sort((a, b) => b.count - a.count);
  }

  /** With the `staged` option: the syscalls allowed because only default actions denied them, most first. */
  staged(): StagedCount[] {
    return [...this.#staged.values()]
      .map(({ count, first }) => ({
        arch: first.arch,
        syscall: first.syscall,
        nr: first.nr,
        count,
        first,
      }))
      .sort((a, b) => b.count - a.count || a.syscall.localeCompare(b.syscall));
  }

  /**
   * With the `staged` option, the policies whose default actions alone deny this call (empty:
   * a rule denies it, it is not denied, or its number is not in the tables).
   */
  #uncovered(arch: Arch | undefined, nr: number, args: readonly bigint[]) {
    if (this.#options.staged !== true || arch === undefined) return [];
    if (syscallName(arch, nr) === undefined) return [];
    const denying = evaluateLayers(this.#set, { arch, nr, args })
      .filter((v) => strictness(v.action) >= strictness("deny"));
    if (denying.length === 0 || denying.some((v) => v.ruleId !== null)) return [];
    return denying.map((v) => ({
      policy: v.policy,
      loc: this.#options.defaultLocations?.get(v.policy) ?? v.loc,
    }));
  }

  /** Starts answering notifications (idempotent). */
  start(): void {
    this.#loop ??= this.#run().catch((error) => {
      this.#error = error;
    });
  }

  async #run(): Promise<void> {
    const symbols = sym();
    const fds = new Uint8Array(16); // two struct pollfd { int fd; short events; short revents; }
    const view = new DataView(fds.buffer);
    view.setInt32(0, this.#fd, true);
    view.setInt16(4, POLLIN, true);
    view.setInt32(8, this.#wake, true);
    view.setInt16(12, POLLIN, true);
    const one = new Uint8Array(8);
    new DataView(one.buffer).setInt32(0, this.#fd, true);
    new DataView(one.buffer).setInt16(4, POLLIN, true);
    const notif = new Uint8Array(NOTIF_SIZE);
    const resp = new Uint8Array(RESP_SIZE);
    while (!this.#stopping) {
      view.setInt16(6, 0, true);
      view.setInt16(14, 0, true);
      const n = await symbols.poll_nonblocking(fds, 2n, -1);
      if (n < 0) {
        if (lastErrno() === EINTR) continue;
        fail("poll the seccomp listener");
      }
      if (view.getInt16(14, true) !== 0 || this.#stopping) break;
      const revents = view.getInt16(6, true);
      if ((revents & POLLIN) === 0) {
        if (revents & (POLLHUP | POLLERR | POLLNVAL)) break; // no process uses the filter any more
        continue;
      }
      // A flood: answer on this thread, waiting up to 1 ms for the next notification (a
      // worker-thread hop per call would cost tens of µs), and give the event loop its turn
      // every BATCH calls or BATCH_MS.
      const since = performance.now();
      for (let handled = 0;;) {
        this.#handleOne(notif, resp);
        if (++handled >= BATCH || performance.now() - since > BATCH_MS) break;
        new DataView(one.buffer).setInt16(6, 0, true);
        if (symbols.poll(one, 1n, 1) <= 0) break;
        if ((new DataView(one.buffer).getInt16(6, true) & POLLIN) === 0) break;
      }
    }
    keepAlive(fds, one, notif, resp);
  }

  #handleOne(notif: Uint8Array, resp: Uint8Array): void {
    const symbols = sym();
    notif.fill(0); // the kernel requires a zeroed struct
    if (symbols.ioctl(this.#fd, BigInt(SECCOMP_IOCTL_NOTIF_RECV), notif) < 0) {
      const code = lastErrno();
      if (code === ENOENT || code === EINTR) return; // the caller was killed meanwhile
      fail("receive a seccomp notification", code);
    }
    const view = new DataView(notif.buffer);
    const id = view.getBigUint64(0, true);
    const pid = view.getUint32(8, true);
    const nr = view.getInt32(16, true) >>> 0;
    const auditArch = view.getUint32(20, true);
    const args = [0, 1, 2, 3, 4, 5].map((i) => view.getBigUint64(32 + 8 * i, true));
    const arch = archOf(auditArch, nr);
    // The answer: what the filters without conversion return for exactly this call.
    const { action, data } = decodeAction(
      stackedResult(this.#originals, { nr, arch: auditArch, args }),
    );
    let errno = ENOSYS;
    let allow = false;
    if (action === "errno") errno = Math.min(data, MAX_ERRNO);
    else if (seccompLetsCallRun(action)) allow = true;
    const uncovered = action === "errno" ? this.#uncovered(arch, nr, args) : [];
    const stagedKey = uncovered.length > 0 ? `${arch}:${nr}` : undefined;
    const stagedSeen = stagedKey === undefined ? undefined : this.#staged.get(stagedKey);
    const firstStaged = stagedKey !== undefined && stagedSeen === undefined;
    const syscall = arch === undefined ? `#${nr}` : (syscallName(arch, nr) ?? `#${nr}`);
    const paths: Record<number, string> = {};
    if (
      this.#options.readPaths !== false && arch !== undefined && !allow &&
      (stagedKey === undefined || firstStaged)
    ) {
      const key = `${arch}:${syscall}`;
      let indexes = this.#pathArgs.get(key);
      if (indexes === undefined) {
        indexes = [...syscallPathArgs(syscall, arch)];
        this.#pathArgs.set(key, indexes);
      }
      for (const index of indexes) {
        const text = this.#memory.readString(pid, args[index]!);
        if (text !== undefined) paths[index] = text;
      }
      // The memory read belongs to the notification's process only if it is still waiting.
      const idBuffer = new Uint8Array(8);
      new DataView(idBuffer.buffer).setBigUint64(0, id, true);
      if (
        indexes.length > 0 &&
        symbols.ioctl(this.#fd, BigInt(SECCOMP_IOCTL_NOTIF_ID_VALID), idBuffer) < 0
      ) {
        for (const index of indexes) delete paths[index];
      }
    }
    // Read while the caller still waits for the answer (it may exit right after).
    const comm = (stagedKey === undefined ? this.#options.onDenial && !allow : firstStaged)
      ? this.#comms.get(pid)
      : undefined;
    resp.fill(0);
    const out = new DataView(resp.buffer);
    out.setBigUint64(0, id, true);
    if (allow || stagedKey !== undefined) out.setUint32(20, SECCOMP_USER_NOTIF_FLAG_CONTINUE, true);
    else out.setInt32(16, -errno, true);
    if (symbols.ioctl(this.#fd, BigInt(SECCOMP_IOCTL_NOTIF_SEND), resp) < 0) {
      const code = lastErrno();
      if (code !== ENOENT) fail("answer a seccomp notification", code);
      // ENOENT: the caller was killed before the answer; the call never returns.
    }
    if (allow) return;
    if (stagedKey !== undefined) {
      if (stagedSeen !== undefined) {
        stagedSeen.count++;
        return;
      }
      const first: StagedCall = {
        pid,
        ...(comm === undefined ? {} : { comm }),
        arch: arch!,
        nr,
        syscall,
        args,
        paths,
        policies: uncovered,
      };
      this.#staged.set(stagedKey, { count: 1, first });
      this.#options.onStaged?.(first);
      return;
    }
    this.#total++;
    const decision = arch === undefined ? undefined : evaluate(this.#set, { arch, nr, args });
    const known = decision !== undefined && decision.layer !== null;
    const ruleId = known ? decision.ruleId : null;
    const policy = known ? decision.policy : (this.#set.layers[0]?.policy ?? "");
    const loc = (ruleId === null ? this.#options.defaultLocations?.get(policy) : undefined) ??
      (known ? decision.loc : (this.#set.layers[0]?.loc ?? decision!.loc));
    const key = `${policy}\0${ruleId ?? ""}\0${formatLocation(loc)}`;
    let count = this.#counts.get(key);
    if (count === undefined) {
      count = { entry: { ruleId, policy, loc }, count: 0, bySyscall: new Map() };
      this.#counts.set(key, count);
    }
    count.count++;
    count.bySyscall.set(syscall, (count.bySyscall.get(syscall) ?? 0) + 1);
    if (this.#options.onDenial) {
      const name = errnoName(errno);
      this.#options.onDenial({
        pid,
        ...(comm === undefined ? {} : { comm }),
        arch: arch ?? "x86_64",
        nr,
        syscall,
        args,
        paths,
        errno,
        ...(name === undefined ? {} : { errnoName: name }),
        ruleId,
        policy,
        loc,
      });
    }
  }

  /**
   * Ends the loop, closes the listener (the kernel then answers converted calls with `ENOSYS`)
   * and rethrows an error the loop met. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopping = true;
    const symbols = sym();
    const value = new Uint8Array(8);
    new DataView(value.buffer).setBigUint64(0, 1n, true);
    symbols.write(this.#wake, value, 8n);
    await this.#loop;
    this.#memory.close();
    symbols.close(this.#fd);
    symbols.close(this.#wake);
    if (this.#error !== undefined) throw this.#error;
  }

  /** Same as {@linkcode SeccompSupervisor.stop}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/**
 * `/proc/PID/mem` of the processes that made denied calls, kept open (at most
 * {@linkcode MEMORY_FILES}) and read with `pread`: a descriptor outlives an `execve` or the pid's
 * reuse, but then reads fail and it is opened again. Which process a read saw is settled by the
 * caller with `SECCOMP_IOCTL_NOTIF_ID_VALID`.
 */
class ProcessMemory {
  readonly #files = new Map<number, number>();
  readonly #chunk = new Uint8Array(256);
  readonly #decoder = new TextDecoder();

  /** A NUL-terminated string at `address` in process `pid`'s memory, or `undefined`. */
  readString(pid: number, address: bigint): string | undefined {
    if (address === 0n) return undefined;
    const cached = this.#files.get(pid);
    if (cached !== undefined) {
      const text = this.#read(cached, address);
      if (text !== undefined) return text;
      sym().close(cached);
      this.#files.delete(pid);
    }
    const fd = sym().open(toPath(`/proc/${pid}/mem`), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return undefined;
    if (this.#files.size >= MEMORY_FILES) {
      const [oldest, old] = this.#files.entries().next().value!;
      sym().close(old);
      this.#files.delete(oldest);
    }
    this.#files.set(pid, fd);
    return this.#read(fd, address);
  }

  #read(fd: number, address: bigint): string | undefined {
    const parts: Uint8Array[] = [];
    let total = 0;
    let at = address;
    while (total < PATH_MAX) {
      // never across a page boundary: the next page may be unmapped
      const room = 4096 - Number(at & 4095n);
      const want = Math.min(this.#chunk.length, room, PATH_MAX - total);
      const n = Number(sym().pread(fd, this.#chunk, BigInt(want), at));
      if (n <= 0) return undefined;
      const got = this.#chunk.subarray(0, n);
      const end = got.indexOf(0);
      if (end >= 0) {
        parts.push(got.slice(0, end));
        return this.#decoder.decode(concat(parts, total + end));
      }
      parts.push(got.slice());
      total += n;
      at += BigInt(n);
    }
    return undefined;
  }

  /** Closes every descriptor. */
  close(): void {
    for (const fd of this.#files.values()) sym().close(fd);
    this.#files.clear();
  }
}

const MEMORY_FILES = 64;
const O_RDONLY = 0;
const O_CLOEXEC = 0o2000000;

function toPath(path: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${path}\0`);
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** `comm` of recently seen processes, re-read after {@linkcode COMM_TTL_MS}. */
class CommCache {
  readonly #entries = new Map<number, { comm: string | undefined; at: number }>();

  get(pid: number): string | undefined {
    const now = performance.now();
    const entry = this.#entries.get(pid);
    if (entry && now - entry.at < COMM_TTL_MS) return entry.comm;
    if (this.#entries.size >= 1024) this.#entries.clear();
    const comm = readComm(pid);
    this.#entries.set(pid, { comm, at: now });
    return comm;
  }
}

/** How long a process's `comm` is reused for reports (it changes at `execve` or `PR_SET_NAME`). */
const COMM_TTL_MS = 50;

const errnoNames = new Map<number, string | undefined>();

function errnoName(errno: number): string | undefined {
  if (!errnoNames.has(errno)) errnoNames.set(errno, errnoDetail(errno).name);
  return errnoNames.get(errno);
}

function readComm(pid: number): string | undefined {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/comm`).trimEnd();
  } catch {
    return undefined;
  }
}

/** Whether a compiled return value is an `ERRNO` (exported for tests). */
export function isErrnoReturn(ret: number): boolean {
  return ((ret & 0xffff0000) >>> 0) === SECCOMP_RET_ERRNO;
}
