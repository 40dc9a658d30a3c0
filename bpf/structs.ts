/**
 * The TypeScript mirror of `bpf/cordon.h`: every shared struct's size and field offsets
 * (defined here once; `structs_test.ts` checks them against the compiled objects' BTF), the
 * shared constants, and the encoders/decoders of map keys, map values and ring-buffer events.
 *
 * Pure: no `Deno.*`.
 *
 * @module
 */

/** A field of a shared struct: byte offset and size. */
export interface FieldLayout {
  /** Byte offset from the start of the struct. */
  readonly offset: number;
  /** Size in bytes. */
  readonly size: number;
}

/** A shared struct: total size and its fields by C name. */
export interface StructLayout {
  /** `sizeof` the struct. */
  readonly size: number;
  /** Fields by their C name. */
  readonly fields: Readonly<Record<string, FieldLayout>>;
}

/** Syscall slots: 0..511 native numbers, 512 + number for compat (i386) calls. */
export const CORDON_NATIVE_SLOTS = 512;
/** Number of syscall slots in counts and subscriptions. */
export const CORDON_NR_SLOTS = 1024;
/** The slot of x32-numbered calls and numbers above 511 (`other` counter, unknown decision). */
export const CORDON_SLOT_UNKNOWN = 0xffffffff;
/** Syscall ABIs in events. */
export const CORDON_ABI = { native: 0, compat: 1, other: 2 } as const;
/** `comm` length. */
export const CORDON_COMM_LEN = 16;
/** Path buffer length of file and exec events. */
export const CORDON_PATH_LEN = 256;

/** Actions sys_enter applies (`cordon_decision.action`). */
export const CORDON_ACT = { allow: 0, log: 1, kill: 2, deny: 3 } as const;
/** `cordon_decision.flags`. */
export const CORDON_DECISION = { args: 0x01, audit: 0x02, user: 0x04, killOnLoss: 0x08 } as const;
/** Capacities of `struct cordon_arg_cases` (argument cases decided in the kernel). */
export const CORDON_ARG_MAX = { cases: 16, tests: 4, groups: 8 } as const;
/** `cordon_arg_test.op`. */
export const CORDON_ARG_OP = {
  eq: 0,
  ne: 1,
  lt: 2,
  le: 3,
  gt: 4,
  ge: 5,
  masked_eq: 6,
} as const;
/** `cordon_enforce_event.reason`: why the kernel side killed a process on its own. */
export const CORDON_ENFORCE = { procsFull: 1, loss: 2, cgroup: 3 } as const;
/** The first generation user space writes to `watched` (even numbers from here on). */
export const CORDON_GEN_USER_FIRST = 2;
/** `cordon_proc.flags`. */
export const CORDON_PROC = { followForks: 0x01, countFromExec: 0x02 } as const;
/** `cordon_config.flags`. */
export const CORDON_CFG = {
  traceAll: 0x01,
  fileEvents: 0x02,
  netEvents: 0x04,
  procEvents: 0x08,
  lsmEnforce: 0x10,
} as const;
/** Event kinds (`cordon_event_header.kind`). */
export const CORDON_EV = {
  syscall: 1,
  file: 2,
  net: 3,
  exec: 4,
  fork: 5,
  exit: 6,
  netDeny: 7,
  rate: 8,
  enforce: 9,
  viewDeny: 10,
} as const;
/** `cordon_view_args.path`: no such argument. */
export const CORDON_VIEW_NO_ARG = 0xff;
/** `view_path_args` key bit of an i386 (compat) call. */
export const CORDON_VIEW_COMPAT = 0x80000000;
/** `cordon_syscall_event.reason`. */
export const CORDON_REASON = { subscribed: 0x01, decision: 0x02 } as const;
/** `cordon_net_event.nr` of `CORDON_EV.netDeny` events. */
export const CORDON_NET_OP = {
  connect4: 1,
  connect6: 2,
  bind4: 3,
  bind6: 4,
  sendmsg4: 5,
  sendmsg6: 6,
} as const;
/** `cordon_net_rule.ops`. */
export const CORDON_NET = { connect: 0x01, bind: 0x02 } as const;
/** Rules per bank of `net_rules`. */
export const CORDON_NET_RULES_PER_BANK = 128;
/** `cordon_net_bank.flags`. */
export const CORDON_NET_BANK = { enforceConnect: 0x01, enforceBind: 0x02, audit: 0x04 } as const;

function f(offset: number, size: number): FieldLayout {
  return { offset, size };
}

const HEADER = 40;

/** The name of a struct of `bpf/cordon.h`. */
export type StructName =
  | "cordon_decision_key"
  | "cordon_decision"
  | "cordon_limit"
  | "cordon_arg_test"
  | "cordon_arg_case"
  | "cordon_arg_cases"
  | "cordon_enforce_event"
  | "cordon_proc"
  | "cordon_task"
  | "cordon_fast_config"
  | "cordon_config"
  | "cordon_stats"
  | "cordon_event_header"
  | "cordon_syscall_event"
  | "cordon_file_event"
  | "cordon_net_event"
  | "cordon_exec_event"
  | "cordon_fork_event"
  | "cordon_exit_event"
  | "cordon_rate_event"
  | "cordon_net_rule"
  | "cordon_net_bank"
  | "cordon_pending_deny"
  // cgroup guard (bpf/cgroup_guard.bpf.c)
  | "cordon_guard_config"
  | "cordon_device_rule"
  | "cordon_unix_rule"
  | "cordon_view_event"
  | "cordon_view_args";

const LAYOUTS = {
  cordon_decision_key: { size: 8, fields: { policy: f(0, 4), slot: f(4, 4) } },
  cordon_decision: {
    size: 8,
    fields: { action: f(0, 1), flags: f(1, 1), errno_value: f(2, 2), rule: f(4, 4) },
  },
  cordon_limit: {
    size: 16,
    fields: { max_per_second: f(0, 8), action: f(8, 1), pad: f(9, 3), rule: f(12, 4) },
  },
  cordon_arg_test: {
    size: 24,
    fields: { value: f(0, 8), mask: f(8, 8), index: f(16, 1), op: f(17, 1), pad: f(18, 6) },
  },
  cordon_arg_case: {
    size: 16 + 24 * 4,
    fields: {
      group: f(0, 1),
      ntests: f(1, 1),
      action: f(2, 1),
      flags: f(3, 1),
      errno_value: f(4, 2),
      rank: f(6, 2),
      rule: f(8, 4),
      pad: f(12, 4),
      tests: f(16, 24 * 4),
    },
  },
  cordon_arg_cases: {
    size: 8 + 112 * 16,
    fields: { count: f(0, 4), pad: f(4, 4), cases: f(8, 112 * 16) },
  },
  cordon_enforce_event: {
    size: 64,
    fields: {
      hdr: f(0, HEADER),
      reason: f(40, 4),
      target_tgid: f(44, 4),
      nr: f(48, 4),
      writer_killed: f(52, 4),
      cgroup_id: f(56, 8),
    },
  },
  cordon_proc: {
    size: 64 + 8 * CORDON_NR_SLOTS,
    fields: {
      start_ns: f(0, 8),
      start_ticks: f(8, 8),
      policy: f(16, 4),
      flags: f(20, 4),
      total: f(24, 8),
      other: f(32, 8),
      rate_window_ns: f(40, 8),
      rate_count: f(48, 8),
      cgroup_id: f(56, 8),
      counts: f(64, 8 * CORDON_NR_SLOTS),
    },
  },
  cordon_task: {
    size: 24 + 8 * CORDON_NR_SLOTS,
    fields: {
      gen: f(0, 8),
      policy: f(8, 4),
      flags: f(12, 4),
      other: f(16, 8),
      counts: f(24, 8 * CORDON_NR_SLOTS),
    },
  },
  cordon_fast_config: {
    size: 8 + CORDON_NR_SLOTS / 8,
    fields: { trace_all: f(0, 4), lsm_enforce: f(4, 4), more_slots: f(8, CORDON_NR_SLOTS / 8) },
  },
  cordon_config: {
    size: 8 + CORDON_NR_SLOTS / 8,
    fields: { flags: f(0, 4), self_tgid: f(4, 4), syscall_events: f(8, CORDON_NR_SLOTS / 8) },
  },
  cordon_stats: {
    size: 72,
    fields: {
      syscalls: f(0, 8),
      events: f(8, 8),
      lost: f(16, 8),
      kills: f(24, 8),
      procs_full: f(32, 8),
      rate_limited: f(40, 8),
      procs_full_killed: f(48, 8),
      loss_killed: f(56, 8),
      cgroup_escapes: f(64, 8),
    },
  },
  cordon_event_header: {
    size: HEADER,
    fields: {
      ts_ns: f(0, 8),
      kind: f(8, 4),
      tgid: f(12, 4),
      tid: f(16, 4),
      policy: f(20, 4),
      comm: f(24, CORDON_COMM_LEN),
    },
  },
  cordon_syscall_event: {
    size: 104,
    fields: {
      hdr: f(0, HEADER),
      nr: f(40, 4),
      abi: f(44, 1),
      action: f(45, 1),
      flags: f(46, 1),
      reason: f(47, 1),
      rule: f(48, 4),
      errno_value: f(52, 2),
      pad: f(54, 2),
      args: f(56, 48),
    },
  },
  cordon_file_event: {
    size: 328,
    fields: {
      hdr: f(0, HEADER),
      nr: f(40, 4),
      abi: f(44, 1),
      pad: f(45, 3),
      ret: f(48, 8),
      dfd: f(56, 4),
      flags: f(60, 4),
      mode: f(64, 4),
      path_len: f(68, 4),
      path: f(72, CORDON_PATH_LEN),
    },
  },
  cordon_net_event: {
    size: 80,
    fields: {
      hdr: f(0, HEADER),
      nr: f(40, 4),
      abi: f(44, 1),
      protocol: f(45, 1),
      family: f(46, 2),
      ret: f(48, 8),
      fd: f(56, 4),
      port: f(60, 2),
      pad: f(62, 2),
      addr: f(64, 16),
    },
  },
  cordon_exec_event: {
    size: 312,
    fields: {
      hdr: f(0, HEADER),
      old_tid: f(40, 4),
      ppid: f(44, 4),
      uid: f(48, 4),
      filename_len: f(52, 4),
      filename: f(56, CORDON_PATH_LEN),
    },
  },
  cordon_fork_event: {
    size: 56,
    fields: { hdr: f(0, HEADER), child_tgid: f(40, 4), pad: f(44, 4), child_start_ns: f(48, 8) },
  },
  cordon_exit_event: {
    size: 72 + 8 * CORDON_NR_SLOTS,
    fields: {
      hdr: f(0, HEADER),
      exit_code: f(40, 4),
      pad: f(44, 4),
      start_ns: f(48, 8),
      total: f(56, 8),
      other: f(64, 8),
      counts: f(72, 8 * CORDON_NR_SLOTS),
    },
  },
  cordon_rate_event: {
    size: 64,
    fields: {
      hdr: f(0, HEADER),
      max_per_second: f(40, 8),
      count: f(48, 8),
      action: f(56, 1),
      pad: f(57, 3),
      rule: f(60, 4),
    },
  },
  cordon_net_rule: {
    size: 24,
    fields: {
      addr: f(0, 16),
      port_lo: f(16, 2),
      port_hi: f(18, 2),
      prefix_len: f(20, 1),
      protocol: f(21, 1),
      ops: f(22, 1),
      pad: f(23, 1),
    },
  },
  cordon_net_bank: { size: 8, fields: { count: f(0, 4), flags: f(4, 4) } },
  cordon_pending_deny: {
    size: 8,
    fields: { slot: f(0, 4), errno_value: f(4, 2), pad: f(6, 2) },
  },
  // cgroup guard (bpf/cgroup_guard.bpf.c)
  cordon_guard_config: {
    size: 16,
    fields: { flags: f(0, 4), sock_kinds: f(4, 4), devices: f(8, 4), unix_rules: f(12, 4) },
  },
  cordon_device_rule: {
    size: 16,
    fields: { major: f(0, 4), minor: f(4, 4), type: f(8, 2), access: f(10, 2), pad: f(12, 4) },
  },
  cordon_unix_rule: {
    size: 112,
    fields: { kind: f(0, 1), pad: f(1, 1), len: f(2, 2), name: f(4, 108) },
  },
  // read-only view denials (bpf/view_denials.bpf.c)
  cordon_view_event: {
    size: 112 + 2 * CORDON_PATH_LEN,
    fields: {
      hdr: f(0, HEADER),
      nr: f(40, 4),
      abi: f(44, 1),
      pad: f(45, 3),
      ret: f(48, 8),
      args: f(56, 48),
      path_len: f(104, 8),
      paths: f(112, 2 * CORDON_PATH_LEN),
    },
  },
  cordon_view_args: { size: 4, fields: { path: f(0, 2), pad: f(2, 2) } },
} as const satisfies Record<StructName, StructLayout>;

/** Every struct of `bpf/cordon.h`: size and field offsets, as the BTF test checks them. */
export const STRUCTS: Readonly<Record<StructName, StructLayout>> = LAYOUTS;

/**
 * The slot of syscall `nr` on ABI `abi`, as the BPF side computes it.
 *
 * @example
 * ```ts
 * import { syscallSlot } from "@cordon/cordon/linux";
 * if (syscallSlot(110, "native") !== 110 || syscallSlot(64, "compat") !== 576) throw new Error();
 * ```
 */
export function syscallSlot(nr: number, abi: "native" | "compat"): number {
  if (nr < 0 || nr >= CORDON_NATIVE_SLOTS) return CORDON_SLOT_UNKNOWN;
  return abi === "native" ? nr : CORDON_NATIVE_SLOTS + nr;
}

/**
 * The syscall a slot stands for (the inverse of {@linkcode syscallSlot}): the x86_64 number below
 * {@linkcode CORDON_NATIVE_SLOTS}, the i386 one above; `undefined` for the unknown slot and
 * anything beyond the table.
 *
 * @example
 * ```ts
 * import { slotSyscall } from "@cordon/cordon/linux";
 * const s = slotSyscall(576);
 * if (s?.arch !== "i386" || s.nr !== 64 || slotSyscall(0xffffffff) !== undefined) throw new Error();
 * ```
 */
export function slotSyscall(slot: number): { arch: "x86_64" | "i386"; nr: number } | undefined {
  if (slot < 0 || slot >= CORDON_NR_SLOTS) return undefined;
  return slot < CORDON_NATIVE_SLOTS
    ? { arch: "x86_64", nr: slot }
    : { arch: "i386", nr: slot - CORDON_NATIVE_SLOTS };
}

// ---- encoders ---------------------------------------------------------------------------

function buffer(name: StructName): { bytes: Uint8Array<ArrayBuffer>; view: DataView } {
  const bytes = new Uint8Array(STRUCTS[name].size);
  return { bytes, view: new DataView(bytes.buffer) };
}

/**
 * A `__u32` map key (tgid, policy slot, array index).
 *
 * @example
 * ```ts
 * import { u32Key } from "@cordon/cordon/linux";
 * if (u32Key(258)[1] !== 1) throw new Error();
 * ```
 */
export function u32Key(value: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

/**
 * A `__u64` map key (cgroup id).
 *
 * @example
 * ```ts
 * import { u64Key } from "@cordon/cordon/linux";
 * if (u64Key(1n).length !== 8) throw new Error();
 * ```
 */
export function u64Key(value: bigint): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value, true);
  return bytes;
}

/**
 * A `char[16]` comm key, NUL-padded (comms longer than 15 bytes are truncated, as the kernel does).
 *
 * @example
 * ```ts
 * import { commKey } from "@cordon/cordon/linux";
 * if (commKey("sh")[0] !== 115 || commKey("sh")[2] !== 0) throw new Error();
 * ```
 */
export function commKey(comm: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(CORDON_COMM_LEN);
  bytes.set(new TextEncoder().encode(comm).subarray(0, CORDON_COMM_LEN - 1));
  return bytes;
}

/**
 * `struct cordon_decision_key`.
 *
 * @example
 * ```ts
 * import { encodeDecisionKey } from "@cordon/cordon/linux";
 * if (encodeDecisionKey(1, 39).length !== 8) throw new Error();
 * ```
 */
export function encodeDecisionKey(policy: number, slot: number): Uint8Array<ArrayBuffer> {
  const { bytes, view } = buffer("cordon_decision_key");
  const F = LAYOUTS.cordon_decision_key.fields;
  view.setUint32(F.policy.offset, policy, true);
  view.setUint32(F.slot.offset, slot, true);
  return bytes;
}

/** The fields of `struct cordon_decision`. */
export interface DecisionValue {
  /** `CORDON_ACT.*`. */
  readonly action: number;
  /** `CORDON_DECISION.*` flags. */
  readonly flags: number;
  /** The errno of a DENY. */
  readonly errno: number;
  /** Index of the deciding rule in user space's table (0: a policy default). */
  readonly rule: number;
}

/**
 * `struct cordon_decision`.
 *
 * @example
 * ```ts
 * import { CORDON_ACT, encodeDecision } from "@cordon/cordon/linux";
 * if (encodeDecision({ action: CORDON_ACT.kill, flags: 0, errno: 0, rule: 3 })[0] !== 2) throw new Error();
 * ```
 */
export function encodeDecision(d: DecisionValue): Uint8Array<ArrayBuffer> {
  const { bytes, view } = buffer("cordon_decision");
  const F = LAYOUTS.cordon_decision.fields;
  view.setUint8(F.action.offset, d.action);
  view.setUint8(F.flags.offset, d.flags);
  view.setUint16(F.errno_value.offset, d.errno, true);
  view.setUint32(F.rule.offset, d.rule, true);
  return bytes;
}

/**
 * `struct cordon_limit`.
 *
 * @example
 * ```ts
 * import { CORDON_ACT, encodeLimit } from "@cordon/cordon/linux";
 * if (encodeLimit(100n, CORDON_ACT.log, 0).length !== 16) throw new Error();
 * ```
 */
export function encodeLimit(
  maxPerSecond: bigint,
  action: number,
  rule: number,
): Uint8Array<ArrayBuffer> {
  const { bytes, view } = buffer("cordon_limit");
  const F = LAYOUTS.cordon_limit.fields;
  view.setBigUint64(F.max_per_second.offset, maxPerSecond, true);
  view.setUint8(F.action.offset, action);
  view.setUint32(F.rule.offset, rule, true);
  return bytes;
}

/** One test of a `struct cordon_arg_case`: `(arg[index] & mask) OP value`, unsigned. */
export interface ArgTestValue {
  /** The argument, 0–5. */
  readonly index: number;
  /** `CORDON_ARG_OP.*`. */
  readonly op: number;
  /** The value compared with. */
  readonly value: bigint;
  /** Applied to the argument first (all ones for a 64-bit comparison). */
  readonly mask: bigint;
}

/** The fields of a `struct cordon_arg_case`. */
export interface ArgCaseValue {
  /** The layer (group) the case belongs to, 0–7. */
  readonly group: number;
  /** `CORDON_ACT.*`. */
  readonly action: number;
  /** `CORDON_DECISION.audit` or 0. */
  readonly flags: number;
  /** The errno of a DENY. */
  readonly errno: number;
  /** Higher wins across groups. */
  readonly rank: number;
  /** The deciding rule's index in user space's table (0: a policy default). */
  readonly rule: number;
  /** All must hold (at most `CORDON_ARG_MAX.tests`); none: the group's closing case. */
  readonly tests: readonly ArgTestValue[];
}

/**
 * `struct cordon_arg_cases`: the argument cases of one (policy, syscall) slot, in order. Throws
 * `RangeError` beyond the capacities of {@linkcode CORDON_ARG_MAX}.
 *
 * @example
 * ```ts
 * import { CORDON_ACT, CORDON_ARG_OP, encodeArgCases } from "@cordon/cordon/linux";
 * const bytes = encodeArgCases([{ group: 0, action: CORDON_ACT.kill, flags: 0, errno: 0, rank: 9, rule: 1,
 *   tests: [{ index: 0, op: CORDON_ARG_OP.eq, value: 12345n, mask: 0xffffffffn }] }]);
 * if (bytes[0] !== 1 || bytes.length !== 8 + 112 * 16) throw new Error();
 * ```
 */
export function encodeArgCases(cases: readonly ArgCaseValue[]): Uint8Array<ArrayBuffer> {
  if (cases.length > CORDON_ARG_MAX.cases) {
    throw new RangeError(
      `${cases.length} argument cases; the kernel table holds ${CORDON_ARG_MAX.cases}`,
    );
  }
  const { bytes, view } = buffer("cordon_arg_cases");
  const T = LAYOUTS.cordon_arg_cases.fields;
  const C = LAYOUTS.cordon_arg_case.fields;
  const A = LAYOUTS.cordon_arg_test.fields;
  view.setUint32(T.count.offset, cases.length, true);
  cases.forEach((c, i) => {
    if (c.tests.length > CORDON_ARG_MAX.tests) {
      throw new RangeError(
        `${c.tests.length} tests in a case; the kernel holds ${CORDON_ARG_MAX.tests}`,
      );
    }
    if (c.group < 0 || c.group >= CORDON_ARG_MAX.groups) {
      throw new RangeError(`argument case group ${c.group} out of range`);
    }
    const o = T.cases.offset + i * STRUCTS.cordon_arg_case.size;
    view.setUint8(o + C.group.offset, c.group);
    view.setUint8(o + C.ntests.offset, c.tests.length);
    view.setUint8(o + C.action.offset, c.action);
    view.setUint8(o + C.flags.offset, c.flags);
    view.setUint16(o + C.errno_value.offset, c.errno, true);
    view.setUint16(o + C.rank.offset, c.rank, true);
    view.setUint32(o + C.rule.offset, c.rule, true);
    c.tests.forEach((t, j) => {
      const to = o + C.tests.offset + j * STRUCTS.cordon_arg_test.size;
      view.setBigUint64(to + A.value.offset, BigInt.asUintN(64, t.value), true);
      view.setBigUint64(to + A.mask.offset, BigInt.asUintN(64, t.mask), true);
      view.setUint8(to + A.index.offset, t.index);
      view.setUint8(to + A.op.offset, t.op);
    });
  });
  return bytes;
}

/**
 * A new `struct cordon_proc` created by user space: unclaimed (`start_ns` 0), identified by
 * the start time in clock ticks from `/proc/PID/stat`.
 *
 * @example
 * ```ts
 * import { encodeNewProc } from "@cordon/cordon/linux";
 * if (encodeNewProc(123n, 1, 1).length !== 64 + 8 * 1024) throw new Error();
 * ```
 */
export function encodeNewProc(
  startTicks: bigint,
  policy: number,
  flags: number,
  cgroupId = 0n,
): Uint8Array<ArrayBuffer> {
  const { bytes, view } = buffer("cordon_proc");
  const F = LAYOUTS.cordon_proc.fields;
  view.setBigUint64(F.start_ticks.offset, startTicks, true);
  view.setUint32(F.policy.offset, policy, true);
  view.setUint32(F.flags.offset, flags, true);
  view.setBigUint64(F.cgroup_id.offset, cgroupId, true);
  return bytes;
}

/** The fields of `struct cordon_config`. */
export interface ConfigValue {
  /** `CORDON_CFG.*` flags. */
  readonly flags: number;
  /** The tgid never monitored (the reader of the events). */
  readonly selfTgid: number;
  /** Slots whose calls are streamed as syscall events. */
  readonly syscallSlots: Iterable<number>;
}

/**
 * `struct cordon_config`.
 *
 * @example
 * ```ts
 * import { encodeConfig } from "@cordon/cordon/linux";
 * const bytes = encodeConfig({ flags: 1, selfTgid: 7, syscallSlots: [110] });
 * if (bytes[8 + 13] !== 0x40) throw new Error(); // bit 110 = word 1, bit 46
 * ```
 */
export function encodeConfig(c: ConfigValue): Uint8Array<ArrayBuffer> {
  const { bytes, view } = buffer("cordon_config");
  const F = LAYOUTS.cordon_config.fields;
  view.setUint32(F.flags.offset, c.flags, true);
  view.setUint32(F.self_tgid.offset, c.selfTgid, true);
  for (const slot of c.syscallSlots) {
    if (slot < 0 || slot >= CORDON_NR_SLOTS) continue;
    bytes[F.syscall_events.offset + (slot >> 3)]! |= 1 << (slot & 7);
  }
  return bytes;
}

/** The fields of `struct cordon_net_rule`. */
export interface NetRuleValue {
  /** 16 bytes: IPv6, or IPv4-mapped (`::ffff:a.b.c.d`). */
  readonly addr: Uint8Array;
  /** Prefix length over the 16 bytes (96 + n for IPv4); 0 matches any address. */
  readonly prefixLen: number;
  /** Lowest port allowed. */
  readonly portLo: number;
  /** Highest port allowed. */
  readonly portHi: number;
  /** 0 any, 6 TCP, 17 UDP. */
  readonly protocol: number;
  /** `CORDON_NET.connect | CORDON_NET.bind`. */
  readonly ops: number;
}

/**
 * `struct cordon_net_rule`.
 *
 * @example
 * ```ts
 * import { encodeNetRule } from "@cordon/cordon/linux";
 * const r = encodeNetRule({ addr: new Uint8Array(16), prefixLen: 0, portLo: 443, portHi: 443, protocol: 6, ops: 1 });
 * if (r.length !== 24 || r[21] !== 6) throw new Error();
 * ```
 */
export function encodeNetRule(r: NetRuleValue): Uint8Array<ArrayBuffer> {
  const { bytes, view } = buffer("cordon_net_rule");
  const F = LAYOUTS.cordon_net_rule.fields;
  bytes.set(r.addr.subarray(0, 16), F.addr.offset);
  view.setUint16(F.port_lo.offset, r.portLo, true);
  view.setUint16(F.port_hi.offset, r.portHi, true);
  view.setUint8(F.prefix_len.offset, r.prefixLen);
  view.setUint8(F.protocol.offset, r.protocol);
  view.setUint8(F.ops.offset, r.ops);
  return bytes;
}

/**
 * `struct cordon_net_bank`.
 *
 * @example
 * ```ts
 * import { encodeNetBank } from "@cordon/cordon/linux";
 * if (encodeNetBank(2, 1)[0] !== 2) throw new Error();
 * ```
 */
export function encodeNetBank(count: number, flags: number): Uint8Array<ArrayBuffer> {
  const { bytes, view } = buffer("cordon_net_bank");
  const F = LAYOUTS.cordon_net_bank.fields;
  view.setUint32(F.count.offset, count, true);
  view.setUint32(F.flags.offset, flags, true);
  return bytes;
}

// ---- decoders ---------------------------------------------------------------------------

const decoder = new TextDecoder();

function cStringAt(view: DataView, offset: number, max: number): string {
  let end = offset;
  const limit = offset + max;
  while (end < limit && view.getUint8(end) !== 0) end++;
  return decoder.decode(new Uint8Array(view.buffer, view.byteOffset + offset, end - offset));
}

/** The summed `struct cordon_stats` over CPUs. */
export interface StatsValue {
  /** Calls of monitored processes. */
  readonly syscalls: bigint;
  /** Records submitted to the ring buffer. */
  readonly events: bigint;
  /** Records that did not fit in the ring buffer. */
  readonly lost: bigint;
  /** SIGKILLs sent. */
  readonly kills: bigint;
  /** Processes not monitored because the table was full. */
  readonly procsFull: bigint;
  /** Calls over a rate limit. */
  readonly rateLimited: bigint;
  /** Processes with a policy killed because the table was full (never left unconfined). */
  readonly procsFullKilled: bigint;
  /** Calls killed because user space had to decide them and their event was lost. */
  readonly lossKilled: bigint;
  /** Processes killed for leaving (or being created outside) their cgroup. */
  readonly cgroupEscapes: bigint;
}

/**
 * Sums a per-CPU `struct cordon_stats` lookup (one 72-byte slot per possible CPU).
 *
 * @example
 * ```ts
 * import { decodeStats } from "@cordon/cordon/linux";
 * const bytes = new Uint8Array(144);
 * bytes[16] = 2; bytes[72 + 16] = 3;
 * if (decodeStats(bytes).lost !== 5n) throw new Error();
 * ```
 */
export function decodeStats(bytes: Uint8Array): StatsValue {
  const F = LAYOUTS.cordon_stats.fields;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sums = {
    syscalls: 0n,
    events: 0n,
    lost: 0n,
    kills: 0n,
    procsFull: 0n,
    rateLimited: 0n,
    procsFullKilled: 0n,
    lossKilled: 0n,
    cgroupEscapes: 0n,
  };
  for (let o = 0; o + STRUCTS.cordon_stats.size <= bytes.length; o += STRUCTS.cordon_stats.size) {
    sums.syscalls += view.getBigUint64(o + F.syscalls.offset, true);
    sums.events += view.getBigUint64(o + F.events.offset, true);
    sums.lost += view.getBigUint64(o + F.lost.offset, true);
    sums.kills += view.getBigUint64(o + F.kills.offset, true);
    sums.procsFull += view.getBigUint64(o + F.procs_full.offset, true);
    sums.rateLimited += view.getBigUint64(o + F.rate_limited.offset, true);
    sums.procsFullKilled += view.getBigUint64(o + F.procs_full_killed.offset, true);
    sums.lossKilled += view.getBigUint64(o + F.loss_killed.offset, true);
    sums.cgroupEscapes += view.getBigUint64(o + F.cgroup_escapes.offset, true);
  }
  return sums;
}

/** A decoded `struct cordon_proc`. */
export interface ProcValue {
  /** The group leader's `start_time` (ns since boot, monotonic); 0 until claimed. */
  readonly startNs: bigint;
  /** Start time in clock ticks since boot (as in `/proc/PID/stat`). */
  readonly startTicks: bigint;
  /** The policy slot (0: none). */
  readonly policy: number;
  /** `CORDON_PROC.*` flags. */
  readonly flags: number;
  /** All syscalls counted. */
  readonly total: bigint;
  /** Calls with the unknown slot. */
  readonly other: bigint;
  /** The cgroup id the process must stay in (0: none). */
  readonly cgroupId: bigint;
  /** Non-zero counts by slot. */
  readonly counts: ReadonlyMap<number, bigint>;
}

function countsAt(view: DataView, offset: number): Map<number, bigint> {
  const counts = new Map<number, bigint>();
  for (let slot = 0; slot < CORDON_NR_SLOTS; slot++) {
    const lo = view.getUint32(offset + slot * 8, true);
    const hi = view.getUint32(offset + slot * 8 + 4, true);
    if (lo !== 0 || hi !== 0) counts.set(slot, (BigInt(hi) << 32n) | BigInt(lo));
  }
  return counts;
}

/**
 * Decodes a `struct cordon_proc` map value.
 *
 * @example
 * ```ts
 * import { decodeProc, encodeNewProc } from "@cordon/cordon/linux";
 * if (decodeProc(encodeNewProc(5n, 2, 1)).policy !== 2) throw new Error();
 * ```
 */
export function decodeProc(bytes: Uint8Array): ProcValue {
  const F = LAYOUTS.cordon_proc.fields;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    startNs: view.getBigUint64(F.start_ns.offset, true),
    startTicks: view.getBigUint64(F.start_ticks.offset, true),
    policy: view.getUint32(F.policy.offset, true),
    flags: view.getUint32(F.flags.offset, true),
    total: view.getBigUint64(F.total.offset, true),
    other: view.getBigUint64(F.other.offset, true),
    cgroupId: view.getBigUint64(F.cgroup_id.offset, true),
    counts: countsAt(view, F.counts.offset),
  };
}

/** The counts of a decoded `struct cordon_task` (one thread's, not yet in its `procs` entry). */
export interface TaskCounts {
  /** The `watched` generation the thread's copy was read at. */
  readonly gen: bigint;
  /** All syscalls the thread made since it was first seen: its counts plus `other` (the kernel
   * side keeps no total per thread; its counting path is shorter without one). */
  readonly total: bigint;
  /** Calls with the unknown slot. */
  readonly other: bigint;
  /** Non-zero counts by slot. */
  readonly counts: ReadonlyMap<number, bigint>;
}

/**
 * Decodes the counts of a `struct cordon_task` (a `tasks` task-storage value).
 *
 * @example
 * ```ts
 * import { decodeTaskCounts, fieldOffset, STRUCTS } from "@cordon/cordon/linux";
 * const bytes = new Uint8Array(STRUCTS.cordon_task.size);
 * const view = new DataView(bytes.buffer);
 * view.setBigUint64(fieldOffset("cordon_task", "other"), 1n, true);
 * view.setBigUint64(fieldOffset("cordon_task", "counts") + 8 * 39, 2n, true); // slot 39 (getpid)
 * const t = decodeTaskCounts(bytes);
 * if (t.total !== 3n || t.counts.get(39) !== 2n) throw new Error();
 * ```
 */
export function decodeTaskCounts(bytes: Uint8Array): TaskCounts {
  const F = LAYOUTS.cordon_task.fields;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const other = view.getBigUint64(F.other.offset, true);
  const counts = countsAt(view, F.counts.offset);
  let total = other;
  for (const n of counts.values()) total += n;
  return { gen: view.getBigUint64(F.gen.offset, true), total, other, counts };
}

/** Fields every decoded event has (`struct cordon_event_header`). */
export interface RawEventHeader {
  /** CLOCK_MONOTONIC nanoseconds. */
  readonly tsNs: bigint;
  /** The process (thread group) id. */
  readonly tgid: number;
  /** The thread id. */
  readonly tid: number;
  /** The policy slot of the process (0: none). */
  readonly policy: number;
  /** The command name. */
  readonly comm: string;
}

/** A decoded ring-buffer event of any kind. */
export type RawEvent =
  | RawEventHeader & {
    readonly kind: "syscall";
    readonly nr: number;
    readonly abi: number;
    readonly action: number;
    readonly flags: number;
    readonly reason: number;
    readonly rule: number;
    readonly errno: number;
    readonly args: readonly bigint[];
  }
  | RawEventHeader & {
    readonly kind: "file";
    readonly nr: number;
    readonly abi: number;
    readonly ret: bigint;
    readonly dfd: number;
    readonly flags: number;
    readonly mode: number;
    readonly path: string;
  }
  | RawEventHeader & {
    readonly kind: "net" | "netDeny";
    readonly nr: number;
    readonly abi: number;
    readonly protocol: number;
    readonly family: number;
    readonly ret: bigint;
    readonly fd: number;
    readonly port: number;
    readonly addr: Uint8Array;
  }
  | RawEventHeader & {
    readonly kind: "exec";
    readonly oldTid: number;
    readonly ppid: number;
    readonly uid: number;
    readonly filename: string;
  }
  | RawEventHeader & {
    readonly kind: "fork";
    readonly childTgid: number;
    readonly childStartNs: bigint;
  }
  | RawEventHeader & {
    readonly kind: "exit";
    readonly exitCode: number;
    readonly startNs: bigint;
    readonly total: bigint;
    readonly other: bigint;
    readonly counts: ReadonlyMap<number, bigint>;
  }
  | RawEventHeader & {
    readonly kind: "rate";
    readonly maxPerSecond: bigint;
    readonly count: bigint;
    readonly action: number;
    readonly rule: number;
  }
  | RawEventHeader & {
    readonly kind: "enforce";
    /** `CORDON_ENFORCE.*`. */
    readonly reason: number;
    /** The process killed (the header's is the one that acted). */
    readonly targetTgid: number;
    /** `CORDON_ENFORCE.loss`: the syscall slot. */
    readonly nr: number;
    /** `CORDON_ENFORCE.cgroup`: whether the writer (a confined process) was killed too. */
    readonly writerKilled: boolean;
    /** `CORDON_ENFORCE.cgroup`: the cgroup moved to. */
    readonly cgroupId: bigint;
  }
  | RawEventHeader & {
    readonly kind: "viewDeny";
    readonly nr: number;
    /** `CORDON_ABI`: 0 x86_64, 1 i386, 2 x32. */
    readonly abi: number;
    /** `-EROFS` or `-EXDEV`. */
    readonly ret: bigint;
    readonly args: readonly bigint[];
    /** Up to two path arguments (`undefined`: no such argument, or unreadable). */
    readonly paths: readonly (string | undefined)[];
  }
  | RawEventHeader & { readonly kind: "unknown"; readonly code: number };

/**
 * The kind code of the event at `offset` (cheap, for filtering before a full decode).
 *
 * @example
 * ```ts
 * import { eventKindAt } from "@cordon/cordon/linux";
 * const bytes = new Uint8Array(40); bytes[8] = 6;
 * if (eventKindAt(new DataView(bytes.buffer), 0) !== 6) throw new Error();
 * ```
 */
export function eventKindAt(view: DataView, offset: number): number {
  return view.getUint32(offset + EVENT_KIND_OFFSET, true);
}

/** Read once per event by {@linkcode eventKindAt}: a constant, not a lookup. */
const EVENT_KIND_OFFSET = LAYOUTS.cordon_event_header.fields.kind.offset;

/**
 * Decodes the ring-buffer event of `length` bytes at `offset` of `view`.
 *
 * @example
 * ```ts
 * import { decodeEvent } from "@cordon/cordon/linux";
 * const bytes = new Uint8Array(56);
 * const view = new DataView(bytes.buffer);
 * view.setUint32(8, 5, true); view.setUint32(12, 10, true); view.setUint32(40, 11, true);
 * const event = decodeEvent(view, 0, 56);
 * if (event.kind !== "fork" || event.childTgid !== 11 || event.tgid !== 10) throw new Error();
 * ```
 */
export function decodeEvent(view: DataView, offset: number, length: number): RawEvent {
  const H = LAYOUTS.cordon_event_header.fields;
  const header: RawEventHeader = {
    tsNs: view.getBigUint64(offset + H.ts_ns.offset, true),
    tgid: view.getUint32(offset + H.tgid.offset, true),
    tid: view.getUint32(offset + H.tid.offset, true),
    policy: view.getUint32(offset + H.policy.offset, true),
    comm: cStringAt(view, offset + H.comm.offset, CORDON_COMM_LEN),
  };
  const code = view.getUint32(offset + H.kind.offset, true);
  const u8 = (o: number) => view.getUint8(offset + o);
  const u16 = (o: number) => view.getUint16(offset + o, true);
  const u32 = (o: number) => view.getUint32(offset + o, true);
  const s32 = (o: number) => view.getInt32(offset + o, true);
  const u64 = (o: number) => view.getBigUint64(offset + o, true);
  const s64 = (o: number) => view.getBigInt64(offset + o, true);
  switch (code) {
    case CORDON_EV.syscall: {
      if (length < STRUCTS.cordon_syscall_event.size) break;
      const F = LAYOUTS.cordon_syscall_event.fields;
      const args: bigint[] = [];
      for (let i = 0; i < 6; i++) args.push(u64(F.args.offset + 8 * i));
      return {
        ...header,
        kind: "syscall",
        nr: u32(F.nr.offset),
        abi: u8(F.abi.offset),
        action: u8(F.action.offset),
        flags: u8(F.flags.offset),
        reason: u8(F.reason.offset),
        rule: u32(F.rule.offset),
        errno: u16(F.errno_value.offset),
        args,
      };
    }
    case CORDON_EV.file: {
      if (length < STRUCTS.cordon_file_event.size) break;
      const F = LAYOUTS.cordon_file_event.fields;
      return {
        ...header,
        kind: "file",
        nr: u32(F.nr.offset),
        abi: u8(F.abi.offset),
        ret: s64(F.ret.offset),
        dfd: s32(F.dfd.offset),
        flags: u32(F.flags.offset),
        mode: u32(F.mode.offset),
        path: cStringAt(view, offset + F.path.offset, CORDON_PATH_LEN),
      };
    }
    case CORDON_EV.net:
    case CORDON_EV.netDeny: {
      if (length < STRUCTS.cordon_net_event.size) break;
      const F = LAYOUTS.cordon_net_event.fields;
      return {
        ...header,
        kind: code === CORDON_EV.net ? "net" : "netDeny",
        nr: u32(F.nr.offset),
        abi: u8(F.abi.offset),
        protocol: u8(F.protocol.offset),
        family: u16(F.family.offset),
        ret: s64(F.ret.offset),
        fd: u32(F.fd.offset),
        port: u16(F.port.offset),
        addr: new Uint8Array(view.buffer.slice(
          view.byteOffset + offset + F.addr.offset,
          view.byteOffset + offset + F.addr.offset + 16,
        )),
      };
    }
    case CORDON_EV.exec: {
      if (length < STRUCTS.cordon_exec_event.size) break;
      const F = LAYOUTS.cordon_exec_event.fields;
      return {
        ...header,
        kind: "exec",
        oldTid: u32(F.old_tid.offset),
        ppid: u32(F.ppid.offset),
        uid: u32(F.uid.offset),
        filename: cStringAt(view, offset + F.filename.offset, CORDON_PATH_LEN),
      };
    }
    case CORDON_EV.fork: {
      if (length < STRUCTS.cordon_fork_event.size) break;
      const F = LAYOUTS.cordon_fork_event.fields;
      return {
        ...header,
        kind: "fork",
        childTgid: u32(F.child_tgid.offset),
        childStartNs: u64(F.child_start_ns.offset),
      };
    }
    case CORDON_EV.exit: {
      if (length < STRUCTS.cordon_exit_event.size) break;
      const F = LAYOUTS.cordon_exit_event.fields;
      return {
        ...header,
        kind: "exit",
        exitCode: s32(F.exit_code.offset),
        startNs: u64(F.start_ns.offset),
        total: u64(F.total.offset),
        other: u64(F.other.offset),
        counts: countsAt(view, offset + F.counts.offset),
      };
    }
    case CORDON_EV.rate: {
      if (length < STRUCTS.cordon_rate_event.size) break;
      const F = LAYOUTS.cordon_rate_event.fields;
      return {
        ...header,
        kind: "rate",
        maxPerSecond: u64(F.max_per_second.offset),
        count: u64(F.count.offset),
        action: u8(F.action.offset),
        rule: u32(F.rule.offset),
      };
    }
    case CORDON_EV.enforce: {
      if (length < STRUCTS.cordon_enforce_event.size) break;
      const F = LAYOUTS.cordon_enforce_event.fields;
      return {
        ...header,
        kind: "enforce",
        reason: u32(F.reason.offset),
        targetTgid: u32(F.target_tgid.offset),
        nr: u32(F.nr.offset),
        writerKilled: u32(F.writer_killed.offset) !== 0,
        cgroupId: u64(F.cgroup_id.offset),
      };
    }
    case CORDON_EV.viewDeny: {
      if (length < STRUCTS.cordon_view_event.size) break;
      const F = LAYOUTS.cordon_view_event.fields;
      const args: bigint[] = [];
      for (let i = 0; i < 6; i++) args.push(u64(F.args.offset + 8 * i));
      const paths: (string | undefined)[] = [];
      for (let i = 0; i < 2; i++) {
        const read = u32(F.path_len.offset + 4 * i) > 0;
        const at = offset + F.paths.offset + i * CORDON_PATH_LEN;
        paths.push(read ? cStringAt(view, at, CORDON_PATH_LEN) : undefined);
      }
      return {
        ...header,
        kind: "viewDeny",
        nr: u32(F.nr.offset),
        abi: u8(F.abi.offset),
        ret: s64(F.ret.offset),
        args,
        paths,
      };
    }
  }
  return { ...header, kind: "unknown", code };
}

/**
 * The byte offset of `field` in `struct`; throws for a field the mirror does not have, so a
 * renamed field fails loudly instead of reading offset `undefined`.
 *
 * @example
 * ```ts
 * import { fieldOffset } from "@cordon/cordon/linux";
 * if (fieldOffset("cordon_proc", "policy") !== 16) throw new Error("cordon_proc.policy moved");
 * ```
 */
export function fieldOffset(struct: StructName, field: string): number {
  const layout = STRUCTS[struct].fields[field];
  if (layout === undefined) throw new RangeError(`struct ${struct} has no field "${field}"`);
  return layout.offset;
}

// ---- cgroup guard (bpf/cgroup_guard.bpf.c) -----------------------------------------------

/** `cordon_guard_config.flags`. */
export const CORDON_GUARD = {
  sockKinds: 0x01,
  noIpOptions: 0x02,
  denyAutobind4: 0x04,
  denyAutobind6: 0x08,
  unix: 0x10,
  devices: 0x20,
  audit: 0x40,
} as const;
/** `cordon_guard_config.sock_kinds`. */
export const CORDON_SOCK = { tcp: 0x01, udp: 0x02 } as const;
/** Capacities of `guard_devices` and `guard_unix`, and `cordon_unix_rule.name`'s size. */
export const CORDON_GUARD_MAX = { devices: 64, unix: 64, unixName: 108 } as const;
/** `cordon_device_rule.minor` for any minor. */
export const CORDON_DEVICE_ANY_MINOR = 0xffffffff;
/** `cordon_device_rule.type` (`BPF_DEVCG_DEV_*`) and `.access` (`BPF_DEVCG_ACC_*`). */
export const CORDON_DEVCG = { block: 1, char: 2, mknod: 1, read: 2, write: 4 } as const;
/** `cordon_unix_rule.kind`. */
export const CORDON_UNIX = { path: 1, pathBeneath: 2, abstract: 3 } as const;
/** `guard_stats` indexes. */
export const CORDON_GUARD_STAT = {
  device: 0,
  socket: 1,
  egress: 2,
  sockopt: 3,
  autobind: 4,
  unix: 5,
} as const;

/**
 * `struct cordon_guard_config`.
 *
 * @example
 * ```ts
 * import { encodeGuardConfig } from "@cordon/cordon/linux";
 * if (encodeGuardConfig({ flags: 1, sockKinds: 3, devices: 2, unixRules: 0 })[4] !== 3) throw new Error();
 * ```
 */
export function encodeGuardConfig(
  c: { flags: number; sockKinds: number; devices: number; unixRules: number },
): Uint8Array<ArrayBuffer> {
  const { bytes, view } = buffer("cordon_guard_config");
  const F = LAYOUTS.cordon_guard_config.fields;
  view.setUint32(F.flags.offset, c.flags, true);
  view.setUint32(F.sock_kinds.offset, c.sockKinds, true);
  view.setUint32(F.devices.offset, c.devices, true);
  view.setUint32(F.unix_rules.offset, c.unixRules, true);
  return bytes;
}

/**
 * `struct cordon_device_rule`.
 *
 * @example
 * ```ts
 * import { encodeDeviceRule } from "@cordon/cordon/linux";
 * if (encodeDeviceRule({ type: 2, major: 1, minor: 3, access: 7 })[8] !== 2) throw new Error();
 * ```
 */
export function encodeDeviceRule(
  r: { type: number; major: number; minor: number; access: number },
): Uint8Array<ArrayBuffer> {
  const { bytes, view } = buffer("cordon_device_rule");
  const F = LAYOUTS.cordon_device_rule.fields;
  view.setUint32(F.major.offset, r.major, true);
  view.setUint32(F.minor.offset, r.minor >>> 0, true);
  view.setUint16(F.type.offset, r.type, true);
  view.setUint16(F.access.offset, r.access, true);
  return bytes;
}

/**
 * `struct cordon_unix_rule`: `name` is the path's or abstract name's bytes (at most 108).
 *
 * @example
 * ```ts
 * import { encodeUnixRule } from "@cordon/cordon/linux";
 * const r = encodeUnixRule({ kind: 1, name: new TextEncoder().encode("/run/a.sock") });
 * if (r[2] !== 11 || r[4] !== 0x2f) throw new Error();
 * ```
 */
export function encodeUnixRule(r: { kind: number; name: Uint8Array }): Uint8Array<ArrayBuffer> {
  if (r.name.length > CORDON_GUARD_MAX.unixName) {
    throw new RangeError(`unix socket name of ${r.name.length} bytes; at most 108 fit`);
  }
  const { bytes, view } = buffer("cordon_unix_rule");
  const F = LAYOUTS.cordon_unix_rule.fields;
  view.setUint8(F.kind.offset, r.kind);
  view.setUint16(F.len.offset, r.name.length, true);
  bytes.set(r.name, F.name.offset);
  return bytes;
}
