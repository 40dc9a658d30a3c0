/**
 * {@linkcode CgroupFirewall}: `bpf/cgroup_net.bpf.c` loaded and attached to one cgroup v2
 * (`connect4/6`, `sendmsg4/6`, `bind4/6`): a preventive network deny (`EPERM`) for every
 * process in the cgroup outside the allowed (protocol, address/prefix, port range) rules.
 *
 * Rules are double-buffered: {@linkcode CgroupFirewall.update} writes the inactive bank, then
 * switches the active index, so no call is ever decided without rules in force.
 *
 * Requires `allow-ffi`, `allow-read` and root.
 *
 * @module
 */

import { bpfObjectBytes } from "../../bpf/objects.ts";
import { BpfObject } from "./bpf_object.ts";
import type { BpfLink } from "./bpf_link.ts";
import type { Cgroup } from "./cgroup.ts";
import { RingBuffer } from "./ring_buffer.ts";
import {
  CORDON_NET_RULES_PER_BANK,
  decodeEvent,
  encodeNetBank,
  encodeNetRule,
  type NetRuleValue,
  type RawEvent,
  u32Key,
} from "../../bpf/structs.ts";

/** The cgroup programs, in attach order. */
export const CGROUP_NET_PROGRAMS = [
  "cordon_connect4",
  "cordon_connect6",
  "cordon_sendmsg4",
  "cordon_sendmsg6",
  "cordon_bind4",
  "cordon_bind6",
] as const;

/** The rules in force. */
export interface FirewallRules {
  /** `cordon_net_bank.flags` (which operations are restricted; audit). */
  readonly flags: number;
  /** The allowed tuples. */
  readonly rules: readonly NetRuleValue[];
}

/** Allowed/denied counters. */
export interface FirewallStats {
  /** Operations allowed by a rule. */
  readonly allowed: bigint;
  /** Operations denied. */
  readonly denied: bigint;
  /** Denial events that did not fit in the ring buffer. */
  readonly lost: bigint;
}

/**
 * Network rules attached to a cgroup. `close()` detaches every program and releases the maps
 * (idempotent; also on `using`); the cgroup itself belongs to the caller.
 *
 * @example
 * ```ts ignore
 * import { Cgroup } from "./cgroup.ts";
 * import { CgroupFirewall } from "./cgroup_firewall.ts";
 * using group = Cgroup.create();
 * using firewall = CgroupFirewall.attach(group, { flags: 1, rules: [] }); // deny every connect
 * group.addProcess(child.pid);
 * ```
 */
export class CgroupFirewall implements Disposable {
  #object: BpfObject;
  #links: BpfLink[] = [];
  #ring: RingBuffer;
  #bank = 0;
  #closed = false;
  /** The cgroup's path. */
  readonly cgroupPath: string;

  private constructor(object: BpfObject, cgroupPath: string) {
    this.#object = object;
    this.cgroupPath = cgroupPath;
    this.#ring = new RingBuffer(object.map("net_events"));
  }

  /**
   * Loads the programs with `rules` in force and attaches them to `cgroup`. `policySlot` is
   * reported in denial events. On failure nothing stays loaded or attached.
   */
  static attach(cgroup: Cgroup, rules: FirewallRules, policySlot = 0): CgroupFirewall {
    const object = BpfObject.open(bpfObjectBytes("cgroup_net"), "cgroup_net");
    let firewall: CgroupFirewall | undefined;
    try {
      const rodata = object.maps().find((m) => m.name.endsWith(".rodata"));
      const initial = rodata?.initialValue();
      if (initial && initial.length >= 4) {
        new DataView(initial.buffer, initial.byteOffset).setUint32(0, policySlot, true);
      }
      object.load();
      firewall = new CgroupFirewall(object, cgroup.path);
      firewall.#writeBank(0, rules);
      object.map("net_active").update(u32Key(0), u32Key(0));
      for (const name of CGROUP_NET_PROGRAMS) {
        firewall.#links.push(object.program(name).attachCgroup(cgroup.fd, cgroup.path));
      }
      return firewall;
    } catch (error) {
      if (firewall) firewall.close();
      else object.close();
      throw error;
    }
  }

  #writeBank(bank: number, rules: FirewallRules): void {
    if (rules.rules.length > CORDON_NET_RULES_PER_BANK) {
      throw new RangeError(
        `${rules.rules.length} network rules; the cgroup programs hold at most ${CORDON_NET_RULES_PER_BANK}`,
      );
    }
    const map = this.#object.map("net_rules");
    rules.rules.forEach((rule, i) => {
      map.update(u32Key(bank * CORDON_NET_RULES_PER_BANK + i), encodeNetRule(rule));
    });
    this.#object.map("net_banks").update(
      u32Key(bank),
      encodeNetBank(rules.rules.length, rules.flags),
    );
  }

  /** Replaces the rules without a window: the inactive bank is written, then made active. */
  update(rules: FirewallRules): void {
    if (this.#closed) throw new TypeError(`firewall on ${this.cgroupPath} is closed`);
    const next = this.#bank ^ 1;
    this.#writeBank(next, rules);
    this.#object.map("net_active").update(u32Key(0), u32Key(next));
    this.#bank = next;
  }

  /** Kernel ids of the attached programs. */
  programIds(): number[] {
    if (this.#closed) return [];
    return CGROUP_NET_PROGRAMS.map((n) => this.#object.program(n).info().id);
  }

  /** Delivers denial events available now; returns how many. */
  poll(handler: (event: RawEvent) => void): number {
    if (this.#closed) return 0;
    return this.#ring.consume((view, offset, length) => handler(decodeEvent(view, offset, length)));
  }

  /** Allowed and denied operations so far. */
  stats(): FirewallStats {
    const map = this.#object.map("net_stats");
    const sums = [0n, 0n, 0n];
    const bytes = new Uint8Array(map.lookupSize);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < 3; i++) {
      if (!map.lookup(u32Key(i), bytes)) continue;
      for (let o = 0; o < bytes.length; o += 8) sums[i]! += view.getBigUint64(o, true);
    }
    return { allowed: sums[0]!, denied: sums[1]!, lost: sums[2]! };
  }

  /** Detaches the programs and releases the maps. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const link of this.#links.reverse()) link.close();
    this.#links = [];
    this.#ring.close();
    this.#object.close();
  }

  /** Same as {@linkcode CgroupFirewall.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
