/**
 * Issue 14, `cordon run --explain`, part 3: network denials. The run's cgroup programs
 * (`bpf/cgroup_net.bpf.c`) already submit a `netDeny` record to their layer's `net_events` ring
 * buffer for every connect, bind or sendmsg they refuse (address, port, protocol, pid, comm);
 * {@linkcode NetDenialWatcher} reads them while the command runs, maps each to the `network`
 * section of its policy (a denial is the absence of a rule that allows the endpoint) and counts
 * the records the ring buffer could not take (`net_stats`, per CPU), so that nothing is lost
 * silently. Reading changes nothing the command sees: the programs decide as without `--explain`.
 *
 * Requires `allow-ffi` and `allow-read` (libbpf, the ring buffer).
 *
 * @module
 */

import { formatIpAddress } from "../../policies/ip_address.ts";
import type { SourceLocation } from "../../policies/types.ts";
import type { FilterSet } from "../../compile/filter_set.ts";
import { decodeEvent, u32Key } from "../../bpf/structs.ts";
import type { BpfMap } from "./bpf_map.ts";
import { RingBuffer } from "./ring_buffer.ts";
import { netDenyOp } from "./kernel_event.ts";

/** One connect, bind or sendmsg refused by a policy's `network` rules. */
export interface NetworkDenial {
  /** The process (thread group) id. */
  readonly pid: number;
  /** The thread id. */
  readonly tid: number;
  /** The command name. */
  readonly comm: string;
  /** The refused operation. */
  readonly op: "connect" | "bind" | "sendmsg";
  /** The address family. */
  readonly family: "inet" | "inet6";
  /** The address, dotted or as eight hexadecimal groups. */
  readonly address: string;
  /** The port. */
  readonly port: number;
  /** `tcp`, `udp`, `raw` or the IPPROTO number. */
  readonly protocol: string;
  /** The policy whose network rules refused it. */
  readonly policy: string;
  /** Where that policy's `network` section is written. */
  readonly loc: SourceLocation;
  /** The errno the call got: 1 (EPERM), or 0 when the policy is in audit mode (allowed). */
  readonly errno: number;
}

/** The network denials of a run, counted. */
export interface NetworkDenialSummary {
  /** Denials read from the ring buffers. */
  readonly total: number;
  /** Denials the programs counted but could not record (ring buffer full). */
  readonly lost: number;
  /** By policy. */
  readonly byPolicy: Readonly<Record<string, number>>;
}

/** What {@linkcode NetDenialWatcher} reads: one layer's maps (`RunNetworkConfinement.denialMaps`). */
export interface NetDenialMaps {
  /** The layer's policy. */
  readonly policy: string;
  /** Its `net_events` ring buffer. */
  readonly events: BpfMap;
  /** Its `net_stats` per-CPU array. */
  readonly stats: BpfMap;
}

const AF_INET6 = 10;
const PROTOCOLS = new Map([[6, "tcp"], [17, "udp"], [255, "raw"]]);

/**
 * Reads the network denials of a run while it goes on (every `intervalMs`) and once more at
 * {@linkcode NetDenialWatcher.drain}; {@linkcode NetDenialWatcher.close} (or `using`) stops it
 * and releases the ring buffers (the maps stay the confinement's).
 *
 * @example
 * ```ts ignore
 * import { NetDenialWatcher } from "./net_explain.ts";
 * using watcher = new NetDenialWatcher(network.confinement.denialMaps(), set, (d) => console.log(d));
 * watcher.start();
 * // … the command runs and exits …
 * watcher.drain();
 * console.log(watcher.summary());
 * ```
 */
export class NetDenialWatcher implements Disposable {
  readonly #readers: { policy: string; ring: RingBuffer; stats: BpfMap }[];
  readonly #locs = new Map<string, { loc: SourceLocation; audit: boolean }>();
  readonly #onDenial: (denial: NetworkDenial) => void;
  readonly #byPolicy = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #total = 0;
  #closed = false;

  /**
   * @param maps Each network layer's maps.
   * @param set The compiled policies (for the `network` sections' locations).
   * @param onDenial Called with each denial, in the order read.
   */
  constructor(
    maps: readonly NetDenialMaps[],
    set: FilterSet,
    onDenial: (denial: NetworkDenial) => void,
  ) {
    this.#onDenial = onDenial;
    for (const layer of set.layers) {
      this.#locs.set(layer.policy, {
        loc: layer.network?.loc ?? layer.loc,
        audit: layer.mode === "audit",
      });
    }
    this.#readers = maps.map((m) => ({
      policy: m.policy,
      ring: new RingBuffer(m.events),
      stats: m.stats,
    }));
  }

  /** Reads every `intervalMs` until {@linkcode NetDenialWatcher.close}. */
  start(intervalMs = 20): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setInterval(() => this.drain(), intervalMs);
  }

  /** Reads what the ring buffers hold now; returns how many denials. */
  drain(): number {
    if (this.#closed) return 0;
    let n = 0;
    for (const reader of this.#readers) {
      const where = this.#locs.get(reader.policy);
      n += reader.ring.consume((view, offset, length) => {
        const event = decodeEvent(view, offset, length);
        if (event.kind !== "netDeny") return;
        this.#total++;
        this.#byPolicy.set(reader.policy, (this.#byPolicy.get(reader.policy) ?? 0) + 1);
        this.#onDenial({
          pid: event.tgid,
          tid: event.tid,
          comm: event.comm,
          op: netDenyOp(event.nr) ?? "connect",
          family: event.family === AF_INET6 ? "inet6" : "inet",
          address: formatIpAddress(event.family, event.addr) ?? `family ${event.family}`,
          port: event.port,
          protocol: PROTOCOLS.get(event.protocol) ?? String(event.protocol),
          policy: reader.policy,
          loc: where?.loc ?? { file: "", line: 0, column: 0 },
          errno: where?.audit ? 0 : 1,
        });
      });
    }
    return n;
  }

  /** Denials the programs could not record (ring buffer full), summed over CPUs. */
  lost(): number {
    let lost = 0n;
    for (const { stats } of this.#readers) {
      const bytes = new Uint8Array(stats.lookupSize);
      if (!stats.lookup(u32Key(2), bytes)) continue;
      const view = new DataView(bytes.buffer);
      for (let o = 0; o + 8 <= bytes.length; o += 8) lost += view.getBigUint64(o, true);
    }
    return Number(lost);
  }

  /** The counts so far. */
  summary(): NetworkDenialSummary {
    return {
      total: this.#total,
      lost: this.#closed ? 0 : this.lost(),
      byPolicy: Object.fromEntries(this.#byPolicy),
    };
  }

  /** Stops reading and releases the ring buffers. Idempotent. */
  close(): void {
    if (this.#closed) return;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#closed = true;
    for (const { ring } of this.#readers) ring.close();
  }

  /** Same as {@linkcode NetDenialWatcher.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
