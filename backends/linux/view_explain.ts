/**
 * Issue 14, `cordon run --explain`: the read-only view's denials. A run started as root mounts
 * everything outside the write paths read-only (`process_confinement.ts`), so a write there
 * fails with `EROFS` in the mount check, before Landlock decides: no Landlock audit record
 * tells of it. `bpf/view_denials.bpf.c` sees each such failure of a task of the run's cgroup as
 * the call returns (and `EXDEV`, a rename or link across the view's mounts), with its path
 * arguments; {@linkcode ViewDenialWatcher} reads them while the command runs, attributes each to
 * the `filesystem.write` section of the policy whose write paths do not cover the path (the
 * dry run's model of the view, `engine/access_rules.ts`, so both explain it the same way) and
 * counts what the ring buffer could not take. It decides nothing: the calls' results are the
 * kernel's.
 *
 * Requires `allow-ffi` and `allow-read` (libbpf, `/proc/PID/cwd` for relative paths).
 *
 * @module
 */

import type { Arch, SourceLocation } from "../../policies/types.ts";
import {
  syscallArgKinds,
  syscallName,
  syscallPathArgs,
  syscallTable,
} from "../../policies/syscalls.ts";
import type { FilterLayer, FilterSet } from "../../compile/filter_set.ts";
import { runView } from "../../compile/run_view.ts";
import { AccessRules, type PathCheck } from "../../engine/access_rules.ts";
import { bpfObjectBytes } from "../../bpf/objects.ts";
import {
  CORDON_ABI,
  CORDON_VIEW_COMPAT,
  CORDON_VIEW_NO_ARG,
  decodeEvent,
  u32Key,
} from "../../bpf/structs.ts";
import { abiArch } from "./kernel_event.ts";
import { BpfObject } from "./bpf_object.ts";
import type { BpfLink } from "./bpf_link.ts";
import { RingBuffer } from "./ring_buffer.ts";
import { libc, toCString, unwrap } from "./libc.ts";

/** `EROFS`: a write outside the view's write paths. */
export const EROFS = 30;
/** `EXDEV`: a rename or link across the view's mounts. */
export const EXDEV = 18;
const AT_FDCWD = -100;
const O_RDONLY = 0;
const O_DIRECTORY = 0o200000;
const O_CLOEXEC = 0o2000000;

/** One call of the command the read-only view refused. */
export interface ViewDenial {
  /** The process (thread group) id. */
  readonly pid: number;
  /** The thread id. */
  readonly tid: number;
  /** The command name. */
  readonly comm: string;
  /** The call's architecture (`undefined`: an x32 number). */
  readonly arch: Arch | undefined;
  /** The syscall's name (`#NR` when Cordon's tables lack it). */
  readonly syscall: string;
  /** The syscall number. */
  readonly nr: number;
  /** The call's six arguments. */
  readonly args: readonly bigint[];
  /** Its path arguments by index, absolute where the process's directory could be read. */
  readonly paths: Readonly<Record<number, string>>;
  /** `EROFS` (30) or `EXDEV` (18): what the call got. */
  readonly errno: number;
  /** The policy whose `filesystem.write` paths do not cover the path. */
  readonly policy: string;
  /** `POLICY:filesystem.write`. */
  readonly ruleId: string;
  /** Where that policy's `filesystem` section (else the policy) is written. */
  readonly loc: SourceLocation;
  /** Why, in words. */
  readonly reason: string;
}

/** The read-only view's denials of a run, counted. */
export interface ViewDenialSummary {
  /** Denials read from the ring buffer. */
  readonly total: number;
  /** Denials the program could not record (ring buffer full). */
  readonly lost: number;
  /** By policy. */
  readonly byPolicy: Readonly<Record<string, number>>;
}

/** What a denial's syscall number means, worked out once per ABI and number. */
interface CallShape {
  readonly arch: Arch | undefined;
  readonly syscall: string;
  /** The path arguments the program reads (at most two), with their directory descriptors. */
  readonly paths: readonly { readonly index: number; readonly dfdIndex?: number }[];
}

/** The shape of call `nr` of ABI `abi` (x32 numbers: not in the reporting map, no paths). */
function callShape(abi: number, nr: number): CallShape {
  const arch = abi === CORDON_ABI.other ? undefined : abiArch(abi);
  if (arch === undefined) return { arch, syscall: `#${nr}`, paths: [] };
  const syscall = syscallName(arch, nr) ?? `#${nr}`;
  const args = syscallArgKinds(syscall, arch);
  const paths = syscallPathArgs(syscall, arch).slice(0, 2).map((index) => {
    // The directory descriptor that goes with a path argument (`…at` calls) precedes it.
    const before = args?.[index - 1];
    return before !== undefined && /dfd$/.test(before.name)
      ? { index, dfdIndex: index - 1 }
      : { index };
  });
  return { arch, syscall, paths };
}

/**
 * `path` made absolute from thread `tid`'s working directory, or from the directory descriptor
 * argument `dfdIndex` of `args`; as written when that cannot be read (the thread has exited).
 */
function absolutePath(
  tid: number,
  path: string,
  dfdIndex: number | undefined,
  args: readonly bigint[],
): string {
  if (path.startsWith("/")) return path;
  const dfd = dfdIndex === undefined ? AT_FDCWD : Number(BigInt.asIntN(32, args[dfdIndex]!));
  const base = readLink(dfd === AT_FDCWD ? `/proc/${tid}/cwd` : `/proc/${tid}/fd/${dfd}`);
  if (base === undefined || !base.startsWith("/")) return path;
  return `${base.replace(/\/$/, "")}/${path}`;
}

function readLink(path: string): string | undefined {
  try {
    return Deno.readLinkSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Reads the read-only view's denials of one run (see the module documentation) every
 * `intervalMs` while it goes on and once more at {@linkcode ViewDenialWatcher.drain}; close it
 * (or `using`) to detach the program and release its maps.
 *
 * @example
 * ```ts ignore
 * import { ViewDenialWatcher } from "./view_explain.ts";
 * using watcher = ViewDenialWatcher.open(set, network.confinement.cgroupPath, console.log);
 * watcher.start();
 * // … the command runs and exits …
 * watcher.drain();
 * console.log(watcher.summary());
 * ```
 */
export class ViewDenialWatcher implements Disposable {
  readonly #object: BpfObject;
  readonly #link: BpfLink;
  readonly #ring: RingBuffer;
  readonly #set: FilterSet;
  readonly #rules: AccessRules | undefined;
  readonly #onDenial: (denial: ViewDenial) => void;
  readonly #shapes = new Map<number, CallShape>();
  /** Who a denial without a comparable path is attributed to: the first policy narrowing the view. */
  readonly #fallback: FilterLayer;
  readonly #byPolicy = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #total = 0;
  #closed = false;

  private constructor(
    object: BpfObject,
    link: BpfLink,
    set: FilterSet,
    onDenial: (denial: ViewDenial) => void,
  ) {
    this.#object = object;
    this.#link = link;
    this.#ring = new RingBuffer(object.map("view_events"));
    this.#set = set;
    this.#rules = AccessRules.of(set, { view: "root" });
    this.#onDenial = onDenial;
    this.#fallback = set.layers[runView(set).writeLayers[0] ?? 0]!;
  }

  /**
   * Loads `bpf/view_denials.bpf.c` for the run cgroup at `cgroupPath` (the command's, with its
   * descendants) and attaches it. Throws the loader's error (`VerifierError`, `KernelError`).
   *
   * @param set The run's filter set (for the attribution).
   * @param cgroupPath The run cgroup's directory.
   * @param onDenial Called with each denial, in the order read.
   */
  static open(
    set: FilterSet,
    cgroupPath: string,
    onDenial: (denial: ViewDenial) => void,
  ): ViewDenialWatcher {
    const object = BpfObject.open(bpfObjectBytes("view_denials"), "cordon_view");
    let link: BpfLink | undefined;
    try {
      object.load();
      const fd = unwrap(
        libc().open(toCString(cgroupPath), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0),
        `open cgroup ${cgroupPath}`,
      );
      try {
        object.map("view_cgroup").update(u32Key(0), u32Key(fd));
      } finally {
        libc().close(fd);
      }
      const args = object.map("view_path_args");
      for (const [arch, bit] of [["x86_64", 0], ["i386", CORDON_VIEW_COMPAT]] as const) {
        for (const [name, nr] of syscallTable(arch).byName) {
          const indexes = syscallPathArgs(name, arch);
          if (indexes.length === 0) continue;
          const value = new Uint8Array([
            indexes[0] ?? CORDON_VIEW_NO_ARG,
            indexes[1] ?? CORDON_VIEW_NO_ARG,
            0,
            0,
          ]);
          args.update(u32Key((nr | bit) >>> 0), value);
        }
      }
      link = object.program("cordon_view_exit").attach();
      return new ViewDenialWatcher(object, link, set, onDenial);
    } catch (error) {
      link?.close();
      object.close();
      throw error;
    }
  }

  /** Reads every `intervalMs` until {@linkcode ViewDenialWatcher.close}. */
  start(intervalMs = 20): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setInterval(() => this.drain(), intervalMs);
  }

  /** Reads what the ring buffer holds now; returns how many denials. */
  drain(): number {
    if (this.#closed) return 0;
    return this.#ring.consume((view, offset, length) => {
      const event = decodeEvent(view, offset, length);
      if (event.kind !== "viewDeny") return;
      const key = event.abi * 0x1_0000_0000 + event.nr;
      let shape = this.#shapes.get(key);
      if (shape === undefined) this.#shapes.set(key, shape = callShape(event.abi, event.nr));
      const { arch, syscall } = shape;
      const paths: Record<number, string> = {};
      shape.paths.forEach(({ index, dfdIndex }, slot) => {
        const text = event.paths[slot];
        if (text === undefined) return;
        paths[index] = absolutePath(event.tid, text, dfdIndex, event.args);
      });
      const errno = Number(-event.ret);
      const attributed = this.#attribute(errno, Object.values(paths));
      this.#total++;
      this.#byPolicy.set(attributed.policy, (this.#byPolicy.get(attributed.policy) ?? 0) + 1);
      this.#onDenial({
        pid: event.tgid,
        tid: event.tid,
        comm: event.comm,
        arch,
        syscall,
        nr: event.nr,
        args: event.args,
        paths,
        errno,
        ...attributed,
      });
    });
  }

  /** The policy, section and reason the dry run's model of the view gives for `paths`. */
  #attribute(
    errno: number,
    paths: readonly string[],
  ): Pick<ViewDenial, "policy" | "ruleId" | "loc" | "reason"> {
    const layers = this.#set.layers.map((_, i) => i);
    const absolute = paths.filter((p) => p.startsWith("/"));
    const checks: PathCheck[] = absolute.map((path) => ({
      path,
      access: "write",
      change: "entries",
      ...(errno === EXDEV && absolute.length === 2 ? { rename: true as const } : {}),
    }));
    const decided = checks.length > 0 ? this.#rules?.decideAccess(layers, checks) : undefined;
    if (decided !== undefined && decided.mechanism === "read-only-view") {
      return {
        policy: decided.policy,
        ruleId: decided.ruleId,
        loc: decided.loc,
        reason: decided.reason,
      };
    }
    // No path to compare (unreadable, or relative to a directory that is gone).
    const layer = this.#fallback;
    return {
      policy: layer.policy,
      ruleId: `${layer.policy}:filesystem.write`,
      loc: layer.filesystem?.loc ?? layer.loc,
      reason: errno === EXDEV
        ? "a rename or link across mounts of the read-only view of cordon run started as root"
        : "outside the write paths every policy allows, which cordon run started as root " +
          "mounts read-only",
    };
  }

  /** Denials the program could not record (ring buffer full), summed over CPUs. */
  lost(): number {
    if (this.#closed) return 0;
    const stats = this.#object.map("view_stats");
    const bytes = new Uint8Array(stats.lookupSize);
    if (!stats.lookup(u32Key(1), bytes)) return 0;
    const view = new DataView(bytes.buffer);
    let lost = 0n;
    for (let o = 0; o + 8 <= bytes.length; o += 8) lost += view.getBigUint64(o, true);
    return Number(lost);
  }

  /** The counts so far. */
  summary(): ViewDenialSummary {
    return { total: this.#total, lost: this.lost(), byPolicy: Object.fromEntries(this.#byPolicy) };
  }

  /** Stops reading, detaches the program and releases its maps. Idempotent. */
  close(): void {
    if (this.#closed) return;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#closed = true;
    this.#ring.close();
    this.#link.close();
    this.#object.close();
  }

  /** Same as {@linkcode ViewDenialWatcher.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
