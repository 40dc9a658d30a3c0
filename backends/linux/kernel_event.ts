/**
 * The one decoder of the monitor's ring-buffer events (`bpf/monitor.bpf.c`, laid out in
 * `bpf/structs.ts`) into typed events: the engine's {@linkcode SyscallEvent},
 * {@linkcode FileEvent}, {@linkcode NetworkEvent} and {@linkcode ProcessEvent} (fork, exec,
 * exit), plus the kernel-only rate and enforcement notices. Times are converted once, here, from
 * CLOCK_MONOTONIC nanoseconds to epoch milliseconds. The eBPF backend, `cordon record` and
 * `cordon run --monitor` all read events through it, and add only what is theirs (verdicts,
 * aggregation, trace lines).
 *
 * Pure: no `Deno.*`.
 *
 * @module
 */

import { formatIpAddress } from "../../policies/ip_address.ts";
import type { Arch } from "../../policies/types.ts";
import { resolveConstant, signalName } from "../../policies/constants.ts";
import { syscallName } from "../../policies/syscalls.ts";
import {
  CORDON_ABI,
  CORDON_ENFORCE,
  CORDON_EV,
  CORDON_NATIVE_SLOTS,
  CORDON_NET_OP,
  decodeEvent,
  type RawEvent,
} from "../../bpf/structs.ts";
import type { FileEvent, NetworkEvent, ProcessEvent, SyscallEvent } from "../../engine/events.ts";

/**
 * The architecture of the monitor's native ABI (`abi` 0, syscall slots below 512): the BPF
 * programs are built for x86_64 hosts (`bpf/build.sh`), whose compat ABI is i386.
 */
export const NATIVE_ARCH = "x86_64" satisfies Arch;

/**
 * The architecture of an event's `abi` byte: native x86_64, compat i386, or x32.
 *
 * @param abi `CORDON_ABI.*`
 * @returns the architecture whose syscall table numbers the call
 *
 * @example
 * ```ts
 * import { abiArch } from "@cordon/cordon/linux";
 * if (abiArch(0) !== "x86_64" || abiArch(1) !== "i386" || abiArch(2) !== "x32") throw new Error();
 * ```
 */
export function abiArch(abi: number): Arch {
  return abi === CORDON_ABI.native ? NATIVE_ARCH : abi === CORDON_ABI.compat ? "i386" : "x32";
}

/**
 * The name of syscall `nr` of ABI `abi`, `"#NR"` for numbers the tables do not know.
 *
 * @param abi `CORDON_ABI.*`
 * @param nr the call's number in that ABI
 * @returns the name
 *
 * @example
 * ```ts
 * import { syscallLabel } from "@cordon/cordon/linux";
 * if (syscallLabel(0, 257) !== "openat" || syscallLabel(1, 5) !== "open") throw new Error();
 * if (syscallLabel(0, 100_000) !== "#100000") throw new Error();
 * ```
 */
export function syscallLabel(abi: number, nr: number): string {
  return syscallName(abiArch(abi), nr) ?? `#${nr}`;
}

/**
 * Counts by syscall slot (0..511 native, 512 + number for i386) → counts by syscall name
 * (`"i386:NAME"` for compat calls, `"#NR"` for unknown numbers).
 *
 * @param counts counts by slot, as the kernel keeps them
 * @returns counts by name
 *
 * @example
 * ```ts
 * import { countsByName } from "@cordon/cordon/linux";
 * const names = countsByName(new Map([[110, 3n], [512 + 64, 1n]]));
 * if (names.get("getppid") !== 3 || names.get("i386:getppid") !== 1) throw new Error();
 * ```
 */
export function countsByName(counts: ReadonlyMap<number, bigint>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [slot, count] of counts) {
    const compat = slot >= CORDON_NATIVE_SLOTS;
    const nr = slot % CORDON_NATIVE_SLOTS;
    const name = syscallLabel(compat ? CORDON_ABI.compat : CORDON_ABI.native, nr);
    const key = compat ? `i386:${name}` : name;
    out.set(key, (out.get(key) ?? 0) + Number(count));
  }
  return out;
}

/**
 * The engine event's `protocol` of a network record's `protocol` byte: the socket's `IPPROTO_*`
 * as `bpf/monitor.bpf.c` resolves it from the call's fd (6 TCP, MPTCP included; 17 UDP; 255
 * any `SOCK_RAW` socket), or the cgroup hook's for a denial.
 *
 * @param protocol the record's protocol byte
 * @returns the engine's protocol
 *
 * @example
 * ```ts
 * import { netProtocol } from "@cordon/cordon/linux";
 * if (netProtocol(6) !== "tcp" || netProtocol(17) !== "udp" || netProtocol(0) !== "other") {
 *   throw new Error();
 * }
 * ```
 */
export function netProtocol(protocol: number): NetworkEvent["protocol"] {
  return protocol === 6 ? "tcp" : protocol === 17 ? "udp" : protocol === 255 ? "raw" : "other";
}

/**
 * The engine event's `op` of a network call by its syscall name (`accept4` → `accept`,
 * `sendto`/`sendmsg` → `send`).
 *
 * @param syscall the call's name
 * @returns the engine's operation
 *
 * @example
 * ```ts
 * import { netOp } from "@cordon/cordon/linux";
 * if (netOp("sendto") !== "send" || netOp("accept4") !== "accept") throw new Error();
 * ```
 */
export function netOp(syscall: string): NetworkEvent["op"] {
  return syscall.startsWith("accept")
    ? "accept"
    : syscall === "bind"
    ? "bind"
    : syscall === "sendto" || syscall === "sendmsg"
    ? "send"
    : "connect";
}

/**
 * The engine event's `family` of an `AF_*` number.
 *
 * @param family the socket address family
 * @returns `inet`, `inet6`, `unix` or `other`
 *
 * @example
 * ```ts
 * import { netFamily } from "@cordon/cordon/linux";
 * if (netFamily(2) !== "inet" || netFamily(10) !== "inet6" || netFamily(16) !== "other") {
 *   throw new Error();
 * }
 * ```
 */
export function netFamily(family: number): "inet" | "inet6" | "unix" | "other" {
  return family === 2 ? "inet" : family === 10 ? "inet6" : family === 1 ? "unix" : "other";
}

const NET_DENY_OPS: Readonly<Record<number, "connect" | "bind" | "sendmsg">> = {
  [CORDON_NET_OP.connect4]: "connect",
  [CORDON_NET_OP.connect6]: "connect",
  [CORDON_NET_OP.bind4]: "bind",
  [CORDON_NET_OP.bind6]: "bind",
  [CORDON_NET_OP.sendmsg4]: "sendmsg",
  [CORDON_NET_OP.sendmsg6]: "sendmsg",
};

/**
 * The syscall a cgroup program's denial record stands for, by its `nr` (`CORDON_NET_OP.*`).
 *
 * @param nr the record's `nr`
 * @returns `connect`, `bind` or `sendmsg`; undefined for an unknown op
 *
 * @example
 * ```ts
 * import { CORDON_NET_OP, netDenyOp } from "@cordon/cordon/linux";
 * if (netDenyOp(CORDON_NET_OP.bind6) !== "bind") throw new Error();
 * ```
 */
export function netDenyOp(nr: number): "connect" | "bind" | "sendmsg" | undefined {
  return NET_DENY_OPS[nr];
}

/**
 * The text form of an event's address: dotted IPv4 (`AF_INET`), compressed IPv6 (`AF_INET6`),
 * `undefined` for other families.
 *
 * @param family the address family
 * @param addr the address bytes (network order; 4 used for IPv4, 16 for IPv6)
 * @returns the address text
 *
 * @example
 * ```ts
 * import { formatAddress } from "@cordon/cordon/linux";
 * if (formatAddress(2, new Uint8Array([127, 0, 0, 1])) !== "127.0.0.1") throw new Error();
 * ```
 */
export function formatAddress(family: number, addr: Uint8Array): string | undefined {
  return formatIpAddress(family, addr);
}

const O_CREAT_BY_ARCH = new Map<Arch, number>();

/**
 * Whether open flags of a call of `arch` include `O_CREAT` (the file event's `create` op).
 *
 * @param flags the call's flags
 * @param arch the call's architecture
 * @returns whether the call may create the file
 *
 * @example
 * ```ts
 * import { isCreate } from "@cordon/cordon/linux";
 * if (!isCreate(0o101, "x86_64") || isCreate(0o2, "i386")) throw new Error();
 * ```
 */
export function isCreate(flags: number, arch: Arch): boolean {
  let creat = O_CREAT_BY_ARCH.get(arch);
  if (creat === undefined) {
    const value = resolveConstant("O_CREAT", arch === "x32" ? "x86_64" : arch);
    if (value === undefined) throw new RangeError(`no O_CREAT for "${arch}"`);
    creat = Number(value);
    O_CREAT_BY_ARCH.set(arch, creat);
  }
  return (flags & creat) !== 0;
}

/**
 * How a process ended, from the kernel's exit code (`task->exit_code`, a wait status): the
 * exit status when it exited, or the name of the signal that killed it.
 *
 * @param code the wait status
 * @returns `{ exitCode }` or `{ signal }`
 *
 * @example
 * ```ts
 * import { exitStatus } from "@cordon/cordon/linux";
 * if (JSON.stringify(exitStatus(3 << 8)) !== '{"exitCode":3}') throw new Error();
 * if (JSON.stringify(exitStatus(9)) !== '{"signal":"SIGKILL"}') throw new Error();
 * ```
 */
export function exitStatus(code: number): { exitCode: number } | { signal: string } {
  const signal = code & 0x7f;
  return signal === 0
    ? { exitCode: (code >> 8) & 0xff }
    : { signal: signalName(signal) ?? `SIG${signal}` };
}

/** Why the kernel side (or the backend) killed a process on its own: `CORDON_ENFORCE.*`. */
export type EnforceReason = "procs-full" | "event-lost" | "cgroup-escape";

const ENFORCE_REASONS: Readonly<Record<number, EnforceReason>> = {
  [CORDON_ENFORCE.procsFull]: "procs-full",
  [CORDON_ENFORCE.loss]: "event-lost",
  [CORDON_ENFORCE.cgroup]: "cgroup-escape",
};

/** The record of `kind` as `bpf/structs.ts` decodes it. */
export type RawEventOf<K extends RawEvent["kind"]> = Extract<RawEvent, { kind: K }>;
/** The network record (`bpf/structs.ts` decodes socket calls and cgroup denials alike). */
export type RawNetEvent = Extract<RawEvent, { kind: "net" | "netDeny" }>;

/** Fields every decoded kernel event has. */
export interface KernelEventBase<R extends RawEvent> {
  /** The record as `bpf/structs.ts` decodes it (for the fields only a consumer needs). */
  readonly raw: R;
  /** The record's time, ms since the epoch. */
  readonly time: number;
}

/** A syscall record: the engine event without a verdict (the consumer decides one). */
export interface KernelSyscall extends KernelEventBase<RawEventOf<"syscall">> {
  /** `syscall`. */
  readonly kind: "syscall";
  /** The engine event (`args` all six, `name` null for numbers the tables lack). */
  readonly event: SyscallEvent;
}

/** A file record (open, openat, openat2, creat, with its result). */
export interface KernelFile extends KernelEventBase<RawEventOf<"file">> {
  /** `file`. */
  readonly kind: "file";
  /** The engine event. */
  readonly event: FileEvent;
}

/** A socket call record (connect, bind, accept, sendto/sendmsg with an address). */
export interface KernelNetwork extends KernelEventBase<RawNetEvent> {
  /** `network`. */
  readonly kind: "network";
  /** The engine event. */
  readonly event: NetworkEvent;
}

/**
 * A cgroup hook's network denial: the event without a verdict (the consumer knows the policy).
 * When only audited (`ret` 0) the call went on: its result comes with its own network record,
 * so this event has no `result`.
 */
export interface KernelNetworkDenial extends KernelEventBase<RawNetEvent> {
  /** `networkDenial`. */
  readonly kind: "networkDenial";
  /** The engine event. */
  readonly event: NetworkEvent;
  /** Whether the denial was only audited (the call was let through). */
  readonly audited: boolean;
}

/** A fork: the event's `pid` is the child's, `ppid` the forker's, `start` the child's. */
export interface KernelFork extends KernelEventBase<RawEventOf<"fork">> {
  /** `fork`. */
  readonly kind: "fork";
  /** The engine event. */
  readonly event: ProcessEvent;
}

/** A successful `execve`. */
export interface KernelExec extends KernelEventBase<RawEventOf<"exec">> {
  /** `exec`. */
  readonly kind: "exec";
  /** The engine event (`ppid`, `executable`). */
  readonly event: ProcessEvent;
}

/** A process exit; its final counts are in `raw` (`total`, `other`, `counts`). */
export interface KernelExit extends KernelEventBase<RawEventOf<"exit">> {
  /** `exit`. */
  readonly kind: "exit";
  /** The engine event (`exitCode` or `signal`). */
  readonly event: ProcessEvent;
}

/** A rate-limit report (`limits.syscallsPerSecond` exceeded). */
export interface KernelRate extends KernelEventBase<RawEventOf<"rate">> {
  /** `rate`. */
  readonly kind: "rate";
}

/** A kill the kernel side made on its own to keep an enforcement. */
export interface KernelEnforce extends KernelEventBase<RawEventOf<"enforce">> {
  /** `enforce`. */
  readonly kind: "enforce";
  /** Why, or `undefined` for a reason code this build does not know. */
  readonly reason: EnforceReason | undefined;
}

/** A record of a kind this build does not know, or one too short for its kind. */
export interface KernelUnknown extends KernelEventBase<RawEventOf<"unknown">> {
  /** `unknown`. */
  readonly kind: "unknown";
}

/** A decoded ring-buffer event of any kind. */
export type KernelEvent =
  | KernelSyscall
  | KernelFile
  | KernelNetwork
  | KernelNetworkDenial
  | KernelFork
  | KernelExec
  | KernelExit
  | KernelRate
  | KernelEnforce
  | KernelUnknown;

/**
 * Decodes a record as `bpf/structs.ts` reads it into a typed event. `bootMs` is the epoch time
 * (ms) of CLOCK_MONOTONIC's zero (`bootEpochMs()` of `proc_facts.ts`).
 *
 * @param raw the record
 * @param bootMs the epoch time of boot
 * @returns the typed event
 *
 * @example
 * ```ts
 * import { decodeEvent } from "@cordon/cordon/linux";
 * import { decodeKernelEvent } from "@cordon/cordon/linux";
 * const view = new DataView(new ArrayBuffer(56));
 * view.setBigUint64(0, 2_000_000n, true); // 2 ms after boot
 * view.setUint32(8, 5, true); // kind: fork
 * view.setUint32(12, 10, true); // the forker
 * view.setUint32(16, 10, true);
 * view.setUint32(40, 11, true); // the child
 * const event = decodeKernelEvent(decodeEvent(view, 0, 56), 1000);
 * if (event.kind !== "fork" || event.event.pid !== 11 || event.event.ppid !== 10) throw new Error();
 * if (event.time !== 1002) throw new Error();
 * ```
 */
export function decodeKernelEvent(raw: RawEvent, bootMs: number): KernelEvent {
  const time = bootMs + Number(raw.tsNs) / 1e6;
  const tid = raw.tid !== raw.tgid ? { tid: raw.tid } : {};
  const comm = raw.comm ? { comm: raw.comm } : {};
  switch (raw.kind) {
    case "syscall": {
      const arch = abiArch(raw.abi);
      const event: SyscallEvent = {
        kind: "syscall",
        time,
        pid: raw.tgid,
        ...tid,
        ...comm,
        arch,
        nr: raw.nr,
        name: syscallName(arch, raw.nr) ?? null,
        args: raw.args,
      };
      return { kind: "syscall", raw, time, event };
    }
    case "file": {
      const event: FileEvent = {
        kind: "file",
        op: isCreate(raw.flags, abiArch(raw.abi)) ? "create" : "open",
        time,
        pid: raw.tgid,
        ...tid,
        ...comm,
        path: raw.path,
        flags: raw.flags,
        syscall: syscallLabel(raw.abi, raw.nr),
        result: Number(raw.ret),
      };
      return { kind: "file", raw, time, event };
    }
    case "net":
    case "netDeny": {
      const syscall = raw.kind === "net" ? syscallLabel(raw.abi, raw.nr) : netDenyOp(raw.nr) ?? "";
      const address = formatAddress(raw.family, raw.addr);
      // The cgroup programs report a denial with ret -EPERM, or 0 when they only audit it.
      const audited = raw.kind === "netDeny" && raw.ret === 0n;
      const event: NetworkEvent = {
        kind: "network",
        op: netOp(syscall),
        time,
        pid: raw.tgid,
        ...tid,
        ...comm,
        family: netFamily(raw.family),
        protocol: netProtocol(raw.protocol),
        ...(address !== undefined ? { address, port: raw.port } : {}),
        syscall,
        ...(audited ? {} : { result: Number(raw.ret) }),
      };
      return raw.kind === "net"
        ? { kind: "network", raw, time, event }
        : { kind: "networkDenial", raw, time, event, audited };
    }
    case "fork": {
      // The header is the forking thread's: its tid is no thread of the child.
      const event: ProcessEvent = {
        kind: "process",
        op: "fork",
        time,
        pid: raw.childTgid,
        start: bootMs + Number(raw.childStartNs) / 1e6,
        ppid: raw.tgid,
        ...comm,
      };
      return { kind: "fork", raw, time, event };
    }
    case "exec": {
      const event: ProcessEvent = {
        kind: "process",
        op: "exec",
        time,
        pid: raw.tgid,
        ...tid,
        ...comm,
        ppid: raw.ppid,
        executable: raw.filename,
      };
      return { kind: "exec", raw, time, event };
    }
    case "exit": {
      const event: ProcessEvent = {
        kind: "process",
        op: "exit",
        time,
        pid: raw.tgid,
        ...tid,
        ...comm,
        ...exitStatus(raw.exitCode),
      };
      return { kind: "exit", raw, time, event };
    }
    case "rate":
      return { kind: "rate", raw, time };
    case "enforce":
      return { kind: "enforce", raw, time, reason: ENFORCE_REASONS[raw.reason] };
    case "unknown":
      return { kind: "unknown", raw, time };
    case "viewDeny": { // only `view_denials.bpf.c` writes these, to a ring buffer of its own
      const { tsNs, tgid, tid: thread, policy, comm } = raw;
      const header = { tsNs, tgid, tid: thread, policy, comm };
      return {
        kind: "unknown",
        raw: { ...header, kind: "unknown", code: CORDON_EV.viewDeny },
        time,
      };
    }
  }
}

/**
 * Decodes the ring-buffer record of `length` bytes at `offset` of `view` into a typed event
 * ({@linkcode decodeKernelEvent} of `bpf/structs.ts`'s `decodeEvent`).
 *
 * @param view the ring buffer's bytes
 * @param offset where the record starts
 * @param length the record's length
 * @param bootMs the epoch time (ms) of CLOCK_MONOTONIC's zero
 * @returns the typed event
 *
 * @example
 * ```ts
 * import { readKernelEvent } from "@cordon/cordon/linux";
 * const view = new DataView(new ArrayBuffer(56));
 * view.setUint32(8, 6, true); // kind: exit, but too short for one
 * if (readKernelEvent(view, 0, 56, 0).kind !== "unknown") throw new Error();
 * ```
 */
export function readKernelEvent(
  view: DataView,
  offset: number,
  length: number,
  bootMs: number,
): KernelEvent {
  return decodeKernelEvent(decodeEvent(view, offset, length), bootMs);
}
