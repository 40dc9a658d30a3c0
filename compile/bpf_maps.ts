/**
 * BPF map contents for the eBPF backend (`--emit maps`): from a compiled {@linkcode FilterSet},
 * the exact keys and values of `bpf/monitor.bpf.c`'s `decisions`, `limits` and `comm_targets`
 * maps and of `bpf/cgroup_net.bpf.c`'s `net_rules`/`net_banks`, byte-exact to `bpf/cordon.h`
 * (through the one TypeScript mirror of that header, `bpf/structs.ts`).
 *
 * Pure and deterministic: no `Deno.*`; the same set gives byte-identical output.
 *
 * Policy slots: layer `i` of the set gets slot `i + 1` (0 means "no policy"). A process matched
 * by several layers gets a combined slot from the backend ({@linkcode combinedDecisions}).
 *
 * Syscall slots: x86_64 numbers 0..511 are slots 0..511, i386 (compat, `int 0x80`) numbers are
 * 512 + nr; x32 numbers and anything larger use the unknown slot, decided by the layers'
 * `unknown` decision. Kernel actions: allow → ALLOW, log → LOG, kill/kill_thread → KILL,
 * deny/trap/trace/notify → DENY (which only the BPF LSM programs can enforce: the backend refuses
 * or degrades it). A syscall decided by argument cases is flagged ARGS and its cases go to the
 * `arg_cases` map under the same key ({@linkcode SlotDecision.argCases}): the kernel decides them
 * from the call's registers. Cases beyond the kernel table's capacity (`CORDON_ARG_MAX`) are
 * flagged USER instead: the kernel streams those calls for user space to decide, and kills the
 * caller when such an event cannot be reserved and some outcome is an enforced kill (KILL_ON_LOSS).
 *
 * @module
 */

import { parseIpAddress } from "../policies/ip_address.ts";
import {
  type Action,
  type Arch,
  type NetworkEndpoint,
  type SourceLocation,
  strictness,
} from "../policies/types.ts";
import type {
  ArchFilter,
  ArgCase,
  Decision,
  FilterLayer,
  FilterSet,
  SyscallDecision,
} from "./filter_set.ts";
import { intendedAction, isAudited } from "./filter_set.ts";
import { stableJson } from "./stable_json.ts";
import {
  type ArgCaseValue,
  type ArgTestValue,
  commKey,
  CORDON_ACT,
  CORDON_ARG_MAX,
  CORDON_ARG_OP,
  CORDON_DECISION,
  CORDON_NATIVE_SLOTS,
  CORDON_NET,
  CORDON_NET_BANK,
  CORDON_NET_RULES_PER_BANK,
  CORDON_NR_SLOTS,
  CORDON_SLOT_UNKNOWN,
  type DecisionValue,
  encodeArgCases,
  encodeDecision,
  encodeDecisionKey,
  encodeLimit,
  encodeNetBank,
  encodeNetRule,
  type NetRuleValue,
  u32Key,
} from "../bpf/structs.ts";

/** The architecture of native slots and of compat slots (x86_64 hosts). */
export const SLOT_ARCHES = { native: "x86_64", compat: "i386" } as const satisfies Record<
  string,
  Arch
>;

/** One decision the kernel applies, with the rule that made it (for events). */
export interface SlotDecision extends DecisionValue {
  /** The deciding layer's policy name. */
  readonly policy: string;
  /** The deciding rule's id, or `null` for a policy default. */
  readonly ruleId: string | null;
  /** The action the policy decides (in audit mode: the audited one). */
  readonly policyAction: Action;
  /** Where the deciding rule (or the deciding policy's default) is written. */
  readonly loc: SourceLocation;
  /**
   * With `CORDON_DECISION.args` (and not `.user`): the `arg_cases` entry the kernel decides the
   * call from; `decisions` then holds the decision of the layers without cases.
   */
  readonly argCases?: readonly ArgCaseValue[];
}

/** A key/value pair of a map, as bytes. */
export interface MapEntry {
  /** The key bytes. */
  readonly key: Uint8Array<ArrayBuffer>;
  /** The value bytes. */
  readonly value: Uint8Array<ArrayBuffer>;
}

/** Network rules of one layer for `cgroup_net.bpf.c`. */
export interface NetMaps {
  /** `cordon_net_bank.flags`: which operations are restricted to the rules. */
  readonly flags: number;
  /** The rules, in policy order (connect rules first). */
  readonly rules: readonly NetRuleValue[];
  /** The endpoint texts, index for index with `rules`. */
  readonly texts: readonly string[];
}

/** Everything the backend writes for one layer. */
export interface LayerMaps {
  /** The layer's policy name. */
  readonly policy: string;
  /** The layer's policy slot (layer index + 1). */
  readonly slot: number;
  /** Non-allow decisions by syscall slot (`CORDON_SLOT_UNKNOWN` included). */
  readonly decisions: ReadonlyMap<number, SlotDecision>;
  /** The policy's `limits.syscallsPerSecond`, as the kernel applies it. */
  readonly limit?: {
    readonly maxPerSecond: number;
    readonly action: number;
    readonly ruleId: string | null;
  };
  /** Comms of a comms-only target: new processes with these comms get the layer at exec. */
  readonly comms: readonly string[];
  /** The layer's network rules, when it has a `network` section. */
  readonly net?: NetMaps;
}

/**
 * The kernel action (`CORDON_ACT.*`) of a policy action.
 *
 * @example
 * ```ts
 * import { kernelAction } from "@cordon/cordon";
 * if (kernelAction("kill_thread") !== 2 || kernelAction("trap") !== 3) throw new Error();
 * ```
 */
export function kernelAction(action: Action): number {
  switch (action) {
    case "allow":
      return CORDON_ACT.allow;
    case "log":
      return CORDON_ACT.log;
    case "kill":
    case "kill_thread":
      return CORDON_ACT.kill;
    default:
      return CORDON_ACT.deny;
  }
}

interface ArchIndex {
  readonly filter: ArchFilter;
  readonly byNr: ReadonlyMap<number, SyscallDecision>;
}

function indexArch(layer: FilterLayer, arch: Arch): ArchIndex | undefined {
  const filter = layer.arches.find((f) => f.arch === arch);
  if (!filter) return undefined;
  return { filter, byNr: new Map(filter.syscalls.map((s) => [s.nr, s])) };
}

/** One layer's view of a slot: its unconditional decision, or that arguments decide. */
interface LayerSlot {
  readonly decision: Decision;
  readonly args: boolean;
}

const MISSING_ARCH: Omit<Decision, "policy" | "loc"> = { action: "kill", ruleId: null };

function layerSlot(layer: FilterLayer, index: ArchIndex | undefined, nr: number | null): LayerSlot {
  if (!index) {
    // The layer was not compiled for this architecture: like seccomp's arch check, kill.
    return { decision: { ...MISSING_ARCH, policy: layer.policy, loc: layer.loc }, args: false };
  }
  const sd = nr === null ? undefined : index.byNr.get(nr);
  if (!sd) return { decision: index.filter.unknown, args: false };
  return { decision: sd.otherwise, args: sd.cases.length > 0 };
}

function effective(d: Decision): { action: Action; audit: boolean } {
  return isAudited(d)
    ? { action: intendedAction(d), audit: true }
    : { action: d.action, audit: false };
}

/** The kernel's rank of a decision: strictest wins, enforced above audited of equal strictness. */
function rank(d: Decision): number {
  const e = effective(d);
  return 2 * strictness(e.action) + (e.audit ? 0 : 1);
}

function argTest(test: ArgCase["tests"][number]): ArgTestValue {
  const width = test.width === undefined ? 64 : test.width;
  const all = (1n << BigInt(width)) - 1n;
  const mask = test.op === "masked_eq" ? (test.mask ?? all) & all : all;
  return { index: test.index, op: CORDON_ARG_OP[test.op], value: test.value, mask };
}

function ruleNumber(d: Decision, ruleIndex: Map<string, number>): number {
  if (d.ruleId === null) return 0;
  const key = `${d.policy}\u0000${d.ruleId}`;
  const rule = ruleIndex.get(key) ?? ruleIndex.size + 1;
  ruleIndex.set(key, rule);
  return rule;
}

function argCase(group: number, d: Decision, tests: ArgTestValue[], rule: number): ArgCaseValue {
  const e = effective(d);
  return {
    group,
    action: kernelAction(e.action),
    flags: e.audit ? CORDON_DECISION.audit : 0,
    errno: d.errno ?? 0,
    rank: rank(d),
    rule,
    tests,
  };
}

/**
 * The kernel's argument cases of one slot: group 0 closes with `base` (the layers without cases),
 * then each layer with cases: its cases in order and its `otherwise`. `undefined` when they do
 * not fit the kernel's table.
 */
function slotArgCases(
  base: Decision | undefined,
  withCases: readonly SyscallDecision[],
  ruleIndex: Map<string, number>,
): ArgCaseValue[] | undefined {
  const groups = (base ? 1 : 0) + withCases.length;
  const total = (base ? 1 : 0) + withCases.reduce((n, sd) => n + sd.cases.length + 1, 0);
  const tooMany = withCases.some((sd) =>
    sd.cases.some((c) => c.tests.length > CORDON_ARG_MAX.tests)
  );
  if (groups > CORDON_ARG_MAX.groups || total > CORDON_ARG_MAX.cases || tooMany) return undefined;
  const cases: ArgCaseValue[] = [];
  if (base) cases.push(argCase(0, base, [], ruleNumber(base, ruleIndex)));
  withCases.forEach((sd, i) => {
    const group = i + (base ? 1 : 0);
    for (const c of sd.cases) {
      cases.push(
        argCase(group, c.decision, c.tests.map(argTest), ruleNumber(c.decision, ruleIndex)),
      );
    }
    cases.push(argCase(group, sd.otherwise, [], ruleNumber(sd.otherwise, ruleIndex)));
  });
  return cases;
}

/** Whether a decision of these cases kills for real (not audited): losing its event must kill. */
function mayKill(withCases: readonly SyscallDecision[]): boolean {
  return withCases.some((sd) =>
    [...sd.cases.map((c) => c.decision), sd.otherwise].some((d) =>
      !isAudited(d) && kernelAction(d.action) === CORDON_ACT.kill
    )
  );
}

/**
 * The kernel decisions for the processes that `layers` all apply to (strictest wins), by
 * syscall slot; slots missing from the result are allowed. `ruleIndex` numbers the deciding
 * rules for events (0 is reserved for "a policy default").
 *
 * @example
 * ```ts
 * import { combinedDecisions } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const layer = {
 *   policy: "p", mode: "enforce" as const, defaultAction: "allow" as const, defaultErrno: 1, loc,
 *   arches: [{ arch: "x86_64" as const, unknown: { action: "allow" as const, ruleId: null, policy: "p", loc },
 *     syscalls: [{ nr: 110, name: "getppid", cases: [], otherwise: { action: "kill" as const, ruleId: "r", policy: "p", loc } }] }],
 * };
 * const table = combinedDecisions([layer], new Map());
 * if (table.get(110)?.action !== 2) throw new Error("getppid must be killed");
 * ```
 */
export function combinedDecisions(
  layers: readonly FilterLayer[],
  ruleIndex: Map<string, number>,
): Map<number, SlotDecision> {
  const result = new Map<number, SlotDecision>();
  if (layers.length === 0) return result;
  const native = layers.map((l) => indexArch(l, SLOT_ARCHES.native));
  const compat = layers.map((l) => indexArch(l, SLOT_ARCHES.compat));
  const slots: number[] = [];
  for (let s = 0; s < CORDON_NR_SLOTS; s++) slots.push(s);
  slots.push(CORDON_SLOT_UNKNOWN);
  for (const slot of slots) {
    const isCompat = slot !== CORDON_SLOT_UNKNOWN && slot >= CORDON_NATIVE_SLOTS;
    const nr = slot === CORDON_SLOT_UNKNOWN ? null : slot % CORDON_NATIVE_SLOTS;
    let best: Decision | undefined;
    let bestAudit = false;
    let args = false;
    const withCases: SyscallDecision[] = [];
    layers.forEach((layer, i) => {
      const index = (isCompat ? compat : native)[i];
      const view = layerSlot(layer, index, nr);
      if (view.args) {
        args = true;
        withCases.push(index!.byNr.get(nr!)!);
        return;
      }
      const e = effective(view.decision);
      // Enforced actions outrank audited ones of equal strictness.
      if (
        best === undefined || strictness(e.action) > strictness(effective(best).action) ||
        (strictness(e.action) === strictness(effective(best).action) && bestAudit && !e.audit)
      ) {
        best = view.decision;
        bestAudit = e.audit;
      }
    });
    const decided = best === undefined ? undefined : effective(best);
    const action = decided ? kernelAction(decided.action) : CORDON_ACT.allow;
    if (action === CORDON_ACT.allow && !args) continue;
    const argCases = args ? slotArgCases(best, withCases, ruleIndex) : undefined;
    const user = args && argCases === undefined;
    const flags = (args ? CORDON_DECISION.args : 0) | (decided?.audit ? CORDON_DECISION.audit : 0) |
      (user ? CORDON_DECISION.user : 0) |
      (user && mayKill(withCases) ? CORDON_DECISION.killOnLoss : 0);
    const ruleId = best?.ruleId ?? null;
    const policy = best?.policy ?? layers[0]!.policy;
    const key = `${policy}\u0000${ruleId ?? ""}`;
    let rule = 0;
    if (ruleId !== null) {
      rule = ruleIndex.get(key) ?? ruleIndex.size + 1;
      ruleIndex.set(key, rule);
    }
    result.set(slot, {
      action,
      flags,
      errno: best?.errno ?? 0,
      rule,
      policy,
      ruleId,
      policyAction: decided?.action ?? "allow",
      loc: best?.loc ?? layers[0]!.loc,
      ...(argCases ? { argCases } : {}),
    });
  }
  return result;
}

const PROTOCOLS = { tcp: 6, udp: 17, any: 0 } as const;

/**
 * Parses an IPv4 or IPv6 address (no prefix) into 16 bytes (IPv4 mapped), or undefined
 * (policies/ip_address.ts: the one address model).
 *
 * @example
 * ```ts
 * import { parseAddress } from "@cordon/cordon";
 * if (parseAddress("::1")?.bytes[15] !== 1 || parseAddress("10.0.0.1")?.bytes[10] !== 0xff) throw new Error();
 * if (parseAddress("1.2.3") !== undefined) throw new Error();
 * ```
 */
export function parseAddress(
  text: string,
): { bytes: Uint8Array<ArrayBuffer>; v4: boolean } | undefined {
  const parsed = parseIpAddress(text);
  return parsed && { bytes: parsed.bytes, v4: parsed.v4 };
}

/**
 * One network endpoint as a `cordon_net_rule`. Throws `RangeError` for an address it cannot parse.
 *
 * @example
 * ```ts
 * import { netRule } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const r = netRule({ text: "127.0.0.1:5432", protocol: "any", address: "127.0.0.1", ports: [5432, 5432], loc }, 1);
 * if (r.prefixLen !== 128 || r.addr[15] !== 1 || r.portLo !== 5432) throw new Error();
 * ```
 */
export function netRule(endpoint: NetworkEndpoint, ops: number): NetRuleValue {
  let addr = new Uint8Array(16);
  let prefixLen = 0;
  if (endpoint.address !== undefined) {
    const [host, prefix] = endpoint.address.split("/") as [string, string | undefined];
    const parsed = parseAddress(host);
    if (!parsed) {
      throw new RangeError(`cannot parse address "${endpoint.address}" of "${endpoint.text}"`);
    }
    addr = parsed.bytes;
    const max = parsed.v4 ? 32 : 128;
    const bits = prefix === undefined ? max : Number(prefix);
    if (!Number.isInteger(bits) || bits < 0 || bits > max) {
      throw new RangeError(`bad prefix in "${endpoint.address}"`);
    }
    prefixLen = parsed.v4 ? 96 + bits : bits;
  }
  const [portLo, portHi] = endpoint.ports ?? [0, 65535];
  return { addr, prefixLen, portLo, portHi, protocol: PROTOCOLS[endpoint.protocol], ops };
}

function netMaps(layer: FilterLayer): NetMaps | undefined {
  const net = layer.network;
  if (!net) return undefined;
  const rules: NetRuleValue[] = [];
  const texts: string[] = [];
  for (const e of net.connect) {
    rules.push(netRule(e, CORDON_NET.connect));
    texts.push(`connect ${e.text}`);
  }
  for (const e of net.bind) {
    rules.push(netRule(e, CORDON_NET.bind));
    texts.push(`bind ${e.text}`);
  }
  if (rules.length > CORDON_NET_RULES_PER_BANK) {
    throw new RangeError(
      `policy "${layer.policy}" has ${rules.length} network rules; the cgroup programs hold at most ${CORDON_NET_RULES_PER_BANK}`,
    );
  }
  // A `network` section restricts both operations to its lists (an empty list allows none).
  let flags = CORDON_NET_BANK.enforceConnect | CORDON_NET_BANK.enforceBind;
  if (layer.mode === "audit") flags |= CORDON_NET_BANK.audit;
  return { flags, rules, texts };
}

/**
 * The maps of every layer of `set`.
 *
 * @example
 * ```ts
 * import { layerMaps } from "@cordon/cordon";
 * if (layerMaps({ version: 1, layers: [] }).length !== 0) throw new Error();
 * ```
 */
export function layerMaps(set: FilterSet): LayerMaps[] {
  return set.layers.map((layer, i) => {
    const ruleIndex = new Map<string, number>();
    const limit = layer.limits?.syscallsPerSecond;
    const target = layer.target;
    const commsOnly = target?.comms !== undefined &&
      Object.entries(target).filter(([, v]) => v !== undefined).length === 1;
    const maps: LayerMaps = {
      policy: layer.policy,
      slot: i + 1,
      decisions: combinedDecisions([layer], ruleIndex),
      comms: commsOnly ? [...target!.comms!].sort() : [],
      ...(limit
        ? {
          limit: {
            maxPerSecond: limit.max,
            action: kernelAction(limit.action) === CORDON_ACT.kill
              ? CORDON_ACT.kill
              : CORDON_ACT.log,
            ruleId: null,
          },
        }
        : {}),
    };
    const net = netMaps(layer);
    return net ? { ...maps, net } : maps;
  });
}

/**
 * Map entries of one layer, by map name, in key order.
 *
 * @example
 * ```ts
 * import { layerEntries } from "@cordon/cordon";
 * const entries = layerEntries({ policy: "p", slot: 1, decisions: new Map(), comms: ["curl"] });
 * if (entries.comm_targets?.length !== 1 || entries.decisions?.length !== 0) throw new Error();
 * ```
 */
export function layerEntries(maps: LayerMaps): Record<string, MapEntry[]> {
  const decisions = [...maps.decisions.entries()].sort((a, b) => a[0] - b[0]).map(([slot, d]) => ({
    key: encodeDecisionKey(maps.slot, slot),
    value: encodeDecision(d),
  }));
  const argCases = [...maps.decisions.entries()].sort((a, b) => a[0] - b[0])
    .filter(([, d]) => d.argCases !== undefined)
    .map(([slot, d]) => ({
      key: encodeDecisionKey(maps.slot, slot),
      value: encodeArgCases(d.argCases!),
    }));
  const result: Record<string, MapEntry[]> = {
    decisions,
    arg_cases: argCases,
    limits: maps.limit
      ? [{
        key: u32Key(maps.slot),
        value: encodeLimit(BigInt(maps.limit.maxPerSecond), maps.limit.action, 0),
      }]
      : [],
    comm_targets: maps.comms.map((c) => ({ key: commKey(c), value: u32Key(maps.slot) })),
  };
  if (maps.net) {
    result.net_rules = maps.net.rules.map((r, i) => ({ key: u32Key(i), value: encodeNetRule(r) }));
    result.net_banks = [{
      key: u32Key(0),
      value: encodeNetBank(maps.net.rules.length, maps.net.flags),
    }];
    result.net_active = [{ key: u32Key(0), value: u32Key(0) }];
  }
  return result;
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * `--emit maps`: every layer's map entries as stable JSON (keys and values as hex bytes, with
 * the rule each decision came from), deterministic.
 *
 * @example
 * ```ts
 * import { emitBpfMaps } from "@cordon/cordon";
 * if (!emitBpfMaps({ version: 1, layers: [] }).includes('"cordon-bpf-maps"')) throw new Error();
 * ```
 */
export function emitBpfMaps(set: FilterSet): string {
  const layers = layerMaps(set).map((maps) => {
    const entries = layerEntries(maps);
    const decisions = [...maps.decisions.entries()].sort((a, b) => a[0] - b[0]);
    return {
      policy: maps.policy,
      slot: maps.slot,
      maps: Object.fromEntries(
        Object.entries(entries).map(([name, list]) => [
          name,
          list.map((e, i) => {
            const base = { key: hex(e.key), value: hex(e.value) };
            if (name !== "decisions") return base;
            const [slot, d] = decisions[i]!;
            return {
              ...base,
              slot: slot === CORDON_SLOT_UNKNOWN ? "unknown" : slot,
              action: d.policyAction,
              rule: d.ruleId,
              ...(d.flags & CORDON_DECISION.args ? { args: true } : {}),
            };
          }),
        ]),
      ),
      ...(maps.net ? { networkRules: maps.net.texts } : {}),
    };
  });
  return stableJson({ format: "cordon-bpf-maps", version: 1, layers }) + "\n";
}
