/**
 * Issue 14, part 2 (`cordon run --explain`): Landlock denials, reported as they happen from the
 * kernel's audit records (Landlock ABI 7, Linux 6.15+), each mapped to the `filesystem` (or
 * `network`) section of the policy whose ruleset denied it.
 *
 * How: the launcher restricts itself with `LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON`, so the
 * kernel audits the command's denials after `execve`; this process reads the audit log through
 * a `NETLINK_AUDIT` socket bound to the read-only multicast group (`AUDIT_NLGRP_READLOG`, needs
 * `CAP_AUDIT_READ`), which never takes the place of an audit daemon. The kernel writes Landlock
 * records only while auditing is enabled: when it is off, the watcher turns it on
 * (`AUDIT_SET`, needs `CAP_AUDIT_CONTROL`) and raises the audit queue from its default of 64
 * records to 8192 for the run, and the last overlapping run puts both back
 * (`audit_holders.ts`); without an audit daemon the kernel also copies the records to its log
 * (dmesg). Records of the run's domains are
 * told apart by the `LANDLOCK_DOMAIN` record that names the launcher's pid as the domain's
 * creator (the whole confined tree shares its domains); other processes' records are ignored.
 *
 * Counts are exact: each domain's `status=deallocated denials=N` record (written when its last
 * process exits) gives the kernel's own count, and records the audit queue dropped (the
 * kernel's `lost` counter) are counted, never hidden. Reading the log never decides anything:
 * the denial has happened when its record is read.
 *
 * Requires `allow-ffi`, root (`CAP_AUDIT_READ`, and `CAP_AUDIT_CONTROL` when auditing is off).
 *
 * @module
 */

import type { Arch, SourceLocation } from "../../policies/types.ts";
import { AUDIT_ARCH, syscallName } from "../../policies/syscalls.ts";
import type { FilterLayer, FilterSet } from "../../compile/filter_set.ts";
import { appliesFilesystem } from "../../compile/landlock.ts";
import { errnoDetail, libcPath } from "./libc.ts";
import { KernelError, NotSupportedError } from "./errors.ts";
import { holdAuditSetting, releaseAuditSetting } from "./audit_holders.ts";
import {
  type AssembledEvent,
  assembleEvent,
  AUDIT_EOE,
  type AuditRecord,
  type LandlockAuditDenial,
  parseAuditRecord,
} from "./audit_records.ts";

/** The mechanism, as reports name it. */
export const LANDLOCK_AUDIT_MECHANISM = "Landlock audit records (ABI 7, NETLINK_AUDIT)";

/** One Landlock denial of the confined command, with the section that decided it. */
export interface LandlockDenial {
  /** The process, when the kernel said (absent for io_uring operations run by a kernel worker). */
  readonly pid?: number;
  /** Its command name. */
  readonly comm?: string;
  /** The syscall that was denied, when a `SYSCALL` record came with the denial. */
  readonly syscall?: string;
  /** The architecture of that syscall. */
  readonly arch?: Arch;
  /** The io_uring operation (`IORING_OP_*` number) that was denied, for io_uring accesses. */
  readonly uringOp?: number;
  /** The blocked rights: `fs.write_file`, `fs.make_dir`, `net.connect_tcp`, `scope.signal`… */
  readonly blockers: readonly string[];
  /** The object's path (for a created or removed entry: its directory, as the kernel audits it). */
  readonly path?: string;
  /** For `net.*`: the address. */
  readonly address?: string;
  /** For `net.*`: the port. */
  readonly port?: number;
  /** The section of the policy that did not grant it: `read`, `write`, `execute`, `network`, `scope`. */
  readonly section: "read" | "write" | "execute" | "network" | "scope";
  /** The policy whose ruleset denied it. */
  readonly policy: string;
  /** Where that policy's `filesystem` (or `network`) section is written. */
  readonly loc: SourceLocation;
  /** The errno the call got (13, EACCES, for every Landlock denial). */
  readonly errno: number;
}

/** The Landlock denials of a run, counted. */
export interface LandlockDenialSummary {
  /** Denials reported. */
  readonly total: number;
  /**
   * Denials the kernel counted for the run's domains (`denials=` of their deallocation records);
   * absent when a domain was still alive when reading stopped.
   */
  readonly kernelCounted?: number;
  /** Audit records the kernel dropped while the run was read (all processes, not only the run's). */
  readonly lost: number;
  /** By policy. */
  readonly byPolicy: Readonly<Record<string, number>>;
}

const AF_NETLINK = 16;
const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0o2000000;
const NETLINK_AUDIT = 9;
const AUDIT_NLGRP_READLOG = 1;
const AUDIT_GET = 1000;
const AUDIT_SET = 1001;
const AUDIT_STATUS_ENABLED = 1;
const AUDIT_STATUS_BACKLOG_LIMIT = 0x10;
/** The audit queue the run needs so that a burst of denials is not dropped (the default is 64). */
const RUN_BACKLOG_LIMIT = 8192;
const SOL_SOCKET = 1;
const SO_RCVBUFFORCE = 33;
/** The read-log socket's receive buffer: a burst of records waits here while Deno is busy. */
const RECEIVE_BUFFER = 16 << 20;
const NLMSG_ERROR = 2;
const NLM_F_REQUEST = 1;
const NLM_F_ACK = 4;
const MSG_DONTWAIT = 0x40;
const POLLIN = 1;
const EAGAIN = 11;
const EACCES = 13;
const HEADER = 16; // struct nlmsghdr
const STATUS_SIZE = 44; // struct audit_status (6.18)

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  send: { parameters: ["i32", "buffer", "u64", "i32"], result: "i64" },
  recv: { parameters: ["i32", "buffer", "u64", "i32"], result: "i64" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  poll_nonblocking: {
    name: "poll",
    parameters: ["buffer", "u64", "i32"],
    result: "i32",
    nonblocking: true,
  },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

type Symbols = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];
let loaded: Symbols | undefined;
function sym(): Symbols {
  loaded ??= Deno.dlopen(libcPath(), SYMBOLS).symbols;
  return loaded;
}

function lastErrno(): number {
  const p = sym().__errno_location();
  return p === null ? 0 : new Deno.UnsafePointerView(p).getInt32();
}

function failure(what: string, errnum = lastErrno()): KernelError {
  return new KernelError(what, errnum, errnoDetail(errnum));
}

/** A NETLINK_AUDIT socket; `groups` 0 for requests, the read-log group for records. */
function openAuditSocket(groups: number): number {
  const fd = sym().socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
  if (fd < 0) throw failure("socket(AF_NETLINK, NETLINK_AUDIT)");
  const addr = new Uint8Array(12); // struct sockaddr_nl
  const view = new DataView(addr.buffer);
  view.setUint16(0, AF_NETLINK, true);
  view.setUint32(8, groups, true);
  if (sym().bind(fd, addr, addr.length) < 0) {
    const error = failure(
      groups ? "bind to the audit read-log group (needs CAP_AUDIT_READ)" : "bind(NETLINK_AUDIT)",
    );
    sym().close(fd);
    throw error;
  }
  if (groups) {
    // Best effort: without it, a burst overflows the default buffer (counted as lost).
    const size = new Uint8Array(new Int32Array([RECEIVE_BUFFER]).buffer);
    sym().setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, size, 4);
  }
  return fd;
}

/** One netlink message: its type and payload. */
interface NetlinkMessage {
  readonly type: number;
  readonly payload: Uint8Array;
}

function* messages(buffer: Uint8Array, length: number): Generator<NetlinkMessage> {
  const view = new DataView(buffer.buffer, buffer.byteOffset, length);
  let at = 0;
  while (at + HEADER <= length) {
    const len = view.getUint32(at, true);
    if (len < HEADER || at + len > length) return;
    yield { type: view.getUint16(at + 4, true), payload: buffer.subarray(at + HEADER, at + len) };
    at += (len + 3) & ~3;
  }
}

/** The kernel's audit status (`AUDIT_GET`). */
interface AuditStatus {
  readonly enabled: number;
  readonly backlogLimit: number;
  readonly lost: number;
}

function request(fd: number, type: number, body: Uint8Array): Uint8Array {
  const message = new Uint8Array(HEADER + body.length);
  const view = new DataView(message.buffer);
  view.setUint32(0, message.length, true);
  view.setUint16(4, type, true);
  view.setUint16(6, NLM_F_REQUEST | NLM_F_ACK, true);
  view.setUint32(8, 1, true);
  message.set(body, HEADER);
  if (sym().send(fd, message, BigInt(message.length), 0) < 0n) {
    throw failure(`send audit request ${type}`);
  }
  // The reply (for AUDIT_GET) and the acknowledgement, in either order.
  const buffer = new Uint8Array(8192);
  let reply: Uint8Array | undefined;
  for (let round = 0; round < 4; round++) {
    const n = Number(sym().recv(fd, buffer, BigInt(buffer.length), 0));
    if (n < 0) throw failure(`read the audit reply to ${type}`);
    for (const m of messages(buffer, n)) {
      if (m.type === NLMSG_ERROR) {
        const error = -new DataView(m.payload.buffer, m.payload.byteOffset, 4).getInt32(0, true);
        if (error !== 0) throw failure(`audit request ${type}`, error);
        if (type !== AUDIT_GET || reply !== undefined) return reply ?? new Uint8Array();
      } else if (m.type === type) {
        reply = m.payload.slice();
        if (type === AUDIT_GET) return reply;
      }
    }
  }
  return reply ?? new Uint8Array();
}

function auditStatus(fd: number): AuditStatus {
  const reply = request(fd, AUDIT_GET, new Uint8Array());
  if (reply.length < 28) throw new KernelError("read the audit status (short AUDIT_GET reply)", 0);
  const view = new DataView(reply.buffer, reply.byteOffset, reply.length);
  return {
    enabled: view.getUint32(4, true),
    backlogLimit: view.getUint32(20, true),
    lost: view.getUint32(24, true),
  };
}

/** `AUDIT_SET` of what `change` names (the rest of the status is left as it is). */
function setAudit(fd: number, change: { enabled?: number; backlogLimit?: number }): void {
  const body = new Uint8Array(STATUS_SIZE);
  const view = new DataView(body.buffer);
  let mask = 0;
  if (change.enabled !== undefined) {
    mask |= AUDIT_STATUS_ENABLED;
    view.setUint32(4, change.enabled, true);
  }
  if (change.backlogLimit !== undefined) {
    mask |= AUDIT_STATUS_BACKLOG_LIMIT;
    view.setUint32(20, change.backlogLimit, true);
  }
  view.setUint32(0, mask, true);
  request(fd, AUDIT_SET, body);
}

const ARCH_BY_AUDIT = new Map<number, Arch>(
  (Object.entries(AUDIT_ARCH) as [Arch, number][]).filter(([a]) => a !== "x32").map((
    [a, n],
  ) => [n, a]),
);

function sectionOf(blockers: readonly string[]): LandlockDenial["section"] {
  const first = blockers[0] ?? "";
  if (first.startsWith("net.")) return "network";
  if (first.startsWith("scope.")) return "scope";
  if (first === "fs.execute") return "execute";
  if (first === "fs.read_file" || first === "fs.read_dir") return "read";
  return "write";
}

function beneath(path: string, rule: string): boolean {
  const r = rule.length > 1 ? rule.replace(/\/+$/, "") : rule;
  return r === "/" || path === r || path.startsWith(`${r}/`);
}

/**
 * The layer whose Landlock ruleset denied an access: the first (in installation order) whose
 * `filesystem` paths for the access's section do not cover the path, or, for `network`, the
 * first with a `network` section (layers in audit mode apply neither). When the kernel's path does not say (a symbolic link resolved
 * differently from the rule, or no path), the first layer that handles the section.
 *
 * @example
 * ```ts
 * import { denyingLayer } from "./landlock_audit.ts";
 * const loc = { file: "p.yaml", line: 5, column: 3 };
 * const layer = (policy: string, write: string[]) => ({
 *   policy, loc, filesystem: { read: ["/"], write, execute: ["/usr"], loc },
 * });
 * const layers = [layer("a", ["/tmp"]), layer("b", ["/tmp/b"])];
 * // deno-lint-ignore no-explicit-any
 * if (denyingLayer(layers as any, "write", "/tmp/x")?.policy !== "b") throw new Error();
 * // deno-lint-ignore no-explicit-any
 * if (denyingLayer(layers as any, "write", "/var/x")?.policy !== "a") throw new Error();
 * ```
 */
export function denyingLayer(
  layers: readonly Pick<FilterLayer, "policy" | "loc" | "mode" | "filesystem" | "network">[],
  section: LandlockDenial["section"],
  path: string | undefined,
): Pick<FilterLayer, "policy" | "loc" | "mode" | "filesystem" | "network"> | undefined {
  // Layers in audit mode apply no Landlock path or port rules: none of them denied it.
  if (section === "network") {
    return layers.find((l) => l.network !== undefined && appliesFilesystem(l)) ?? layers[0];
  }
  if (section === "scope") return layers[0];
  const handling = layers.filter((l) => l.filesystem !== undefined && appliesFilesystem(l));
  if (path !== undefined) {
    const denier = handling.find((l) => !l.filesystem![section].some((p) => beneath(path, p)));
    if (denier) return denier;
  }
  return handling[0] ?? layers[0];
}

/**
 * Reads the audit log for Landlock denials of one confined run (see the module documentation).
 *
 * @example
 * ```ts ignore
 * import { LandlockAuditWatcher } from "./landlock_audit.ts";
 * declare const set: import("../../compile/filter_set.ts").FilterSet;
 * using watcher = LandlockAuditWatcher.open(set, (d) => console.log(d.policy, d.path));
 * watcher.watch(launcherPid); // before the launcher restricts itself
 * watcher.start();
 * // ... the command runs and exits ...
 * await watcher.stop();
 * console.log(watcher.summary());
 * ```
 */
export class LandlockAuditWatcher implements Disposable {
  readonly #records: number;
  readonly #control: number;
  readonly #set: FilterSet;
  readonly #onDenial: (denial: LandlockDenial) => void;
  readonly #lostAtStart: number;
  #lost = 0;
  #pid: number | undefined;
  readonly #domains = new Set<string>();
  readonly #kernelCounts = new Map<string, number>();
  readonly #pending = new Map<number, AuditRecord[]>();
  readonly #byPolicy: Record<string, number> = {};
  #total = 0;
  #running: Promise<void> | undefined;
  /** Resolved once every domain of the run seen so far has been deallocated. */
  #deallocated = Promise.withResolvers<void>();
  #stopping = false;
  #closed = false;
  readonly #buffer = new Uint8Array(1 << 16);

  private constructor(
    records: number,
    control: number,
    set: FilterSet,
    onDenial: (denial: LandlockDenial) => void,
    lostAtStart: number,
  ) {
    this.#records = records;
    this.#control = control;
    this.#set = set;
    this.#onDenial = onDenial;
    this.#lostAtStart = lostAtStart;
  }

  /**
   * Opens the audit sockets and, when auditing is off, turns it on.
   *
   * @throws {NotSupportedError} naming what is missing (Linux, the audit socket, CAP_AUDIT_READ
   *   or CAP_AUDIT_CONTROL)
   */
  static open(set: FilterSet, onDenial: (denial: LandlockDenial) => void): LandlockAuditWatcher {
    if (Deno.build.os !== "linux") {
      throw new NotSupportedError(LANDLOCK_AUDIT_MECHANISM, "the audit log needs Linux");
    }
    let records = -1;
    let control = -1;
    try {
      records = openAuditSocket(1 << (AUDIT_NLGRP_READLOG - 1));
      control = openAuditSocket(0);
      const status = auditStatus(control);
      holdAuditSetting(status, () => {
        if (status.enabled === 0) setAudit(control, { enabled: 1 });
        if (status.backlogLimit < RUN_BACKLOG_LIMIT) {
          try {
            setAudit(control, { backlogLimit: RUN_BACKLOG_LIMIT });
          } catch {
            // A smaller queue drops more records in a burst; the drops are counted.
          }
        }
      });
      return new LandlockAuditWatcher(records, control, set, onDenial, status.lost);
    } catch (error) {
      if (records >= 0) sym().close(records);
      if (control >= 0) sym().close(control);
      if (error instanceof NotSupportedError) throw error;
      throw new NotSupportedError(
        LANDLOCK_AUDIT_MECHANISM,
        `cannot read Landlock's audit records: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** The pid that will call `landlock_restrict_self` (the launcher, which becomes the command). */
  watch(pid: number): void {
    this.#pid = pid;
  }

  /** Starts reading (on a worker thread, so the event loop stays free). */
  start(): void {
    this.#running ??= this.#loop();
  }

  async #loop(): Promise<void> {
    const fds = new Uint8Array(8);
    const view = new DataView(fds.buffer);
    while (!this.#stopping) {
      view.setInt32(0, this.#records, true);
      view.setInt16(4, POLLIN, true);
      view.setInt16(6, 0, true);
      const ready = await sym().poll_nonblocking(fds, 1n, 100);
      if (this.#closed) return;
      if (ready > 0) this.#drain();
      else this.#flush();
    }
  }

  /** Reads every record queued on the socket, without blocking. */
  #drain(): void {
    while (true) {
      const n = Number(
        sym().recv(this.#records, this.#buffer, BigInt(this.#buffer.length), MSG_DONTWAIT),
      );
      if (n < 0) {
        const errnum = lastErrno();
        if (errnum === EAGAIN) return;
        // ENOBUFS: the socket's queue overflowed; the records are gone, counted below.
        this.#lost++;
        return;
      }
      for (const m of messages(this.#buffer, n)) this.#record(m);
    }
  }

  #record(message: NetlinkMessage): void {
    if (message.type === AUDIT_EOE) {
      const record = parseAuditRecord(message.type, new TextDecoder().decode(message.payload));
      if (record) this.#finish(record.serial);
      return;
    }
    const record = parseAuditRecord(message.type, new TextDecoder().decode(message.payload));
    if (record === undefined) return;
    let list = this.#pending.get(record.serial);
    if (list === undefined) this.#pending.set(record.serial, list = []);
    list.push(record);
  }

  #finish(serial: number): void {
    const records = this.#pending.get(serial);
    this.#pending.delete(serial);
    if (records !== undefined) this.#event(assembleEvent(records));
  }

  /** Events without an end-of-event record (single records): once no more records are queued. */
  #flush(): void {
    for (const serial of [...this.#pending.keys()].sort((a, b) => a - b)) this.#finish(serial);
  }

  #event(event: AssembledEvent): void {
    for (const d of event.domains) {
      if (d.status === "allocated" && d.pid !== undefined && d.pid === this.#pid) {
        if (!this.#domains.has(d.domain)) this.#deallocated = Promise.withResolvers<void>();
        this.#domains.add(d.domain);
      } else if (d.status === "deallocated" && this.#domains.has(d.domain)) {
        this.#kernelCounts.set(d.domain, d.denials ?? 0);
        if (this.#domains.size === this.#kernelCounts.size) this.#deallocated.resolve();
      }
    }
    const denial = event.denial;
    if (denial === undefined || !this.#domains.has(denial.domain)) return;
    this.#report(denial);
  }

  #report(raw: LandlockAuditDenial): void {
    const section = sectionOf(raw.blockers);
    const layer = denyingLayer(this.#set.layers, section, raw.path);
    const policy = layer?.policy ?? "";
    const loc = (section === "network" ? layer?.network?.loc : layer?.filesystem?.loc) ??
      layer?.loc ?? { file: "", line: 0, column: 0 };
    const arch = raw.syscall ? ARCH_BY_AUDIT.get(raw.syscall.auditArch) : undefined;
    const name = raw.syscall && arch ? syscallName(arch, raw.syscall.nr) : undefined;
    this.#total++;
    this.#byPolicy[policy] = (this.#byPolicy[policy] ?? 0) + 1;
    this.#onDenial({
      ...(raw.pid === undefined ? {} : { pid: raw.pid }),
      ...(raw.comm === undefined ? {} : { comm: raw.comm }),
      ...(raw.syscall ? { syscall: name ?? `#${raw.syscall.nr}`, ...(arch ? { arch } : {}) } : {}),
      ...(raw.uringOp === undefined ? {} : { uringOp: raw.uringOp }),
      blockers: raw.blockers,
      ...(raw.path === undefined ? {} : { path: raw.path }),
      ...(raw.address === undefined ? {} : { address: raw.address }),
      ...(raw.port === undefined ? {} : { port: raw.port }),
      section,
      policy,
      loc,
      errno: raw.syscall && raw.syscall.exit < 0 ? -raw.syscall.exit : EACCES,
    });
  }

  /**
   * Stops reading once the command has exited: reads what is queued and waits (at most
   * `graceMs`, default 5000: the kernel worker that frees a domain runs late on a loaded machine)
   * for each of the run's domains to be deallocated, whose record gives
   * the kernel's count; then restores the audit setting and closes the sockets.
   */
  async stop(graceMs = 5000): Promise<void> {
    // The loop keeps reading; the deallocation records come from a kernel worker after the
    // last process of a domain has gone. A bound, so that a lost record cannot hang the run.
    if (
      !this.#closed && this.#running !== undefined && this.#domains.size > this.#kernelCounts.size
    ) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.#deallocated.promise,
        new Promise<void>((resolve) => timer = setTimeout(resolve, graceMs)),
      ]);
      clearTimeout(timer);
    }
    this.#stopping = true;
    await this.#running;
    if (this.#closed) return;
    this.#drain();
    this.#flush();
    try {
      this.#lost += Math.max(0, auditStatus(this.#control).lost - this.#lostAtStart);
    } catch {
      // The count stays what the socket said.
    }
    this.close();
  }

  /** What was reported, with the kernel's own count when every domain's deallocation was read. */
  summary(): LandlockDenialSummary {
    const complete = this.#domains.size > 0 &&
      [...this.#domains].every((d) => this.#kernelCounts.has(d));
    const kernelCounted = [...this.#kernelCounts.values()].reduce((a, b) => a + b, 0);
    return {
      total: this.#total,
      ...(complete || this.#domains.size === 0 ? { kernelCounted } : {}),
      lost: this.#lost,
      byPolicy: { ...this.#byPolicy },
    };
  }

  /** Restores the audit setting and closes the sockets; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopping = true;
    try {
      // The last run that needed auditing changed puts it back as it was before the first.
      releaseAuditSetting((original) => setAudit(this.#control, original));
    } catch {
      // Nothing more can be done here; the next run's end restores the recorded original.
    }
    sym().close(this.#records);
    sym().close(this.#control);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
