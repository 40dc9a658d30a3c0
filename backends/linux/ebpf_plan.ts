/**
 * What the eBPF backend's `apply` would enforce for a filter set, layer by layer, and what it
 * cannot (each with the mechanism it lacks), given what this kernel offers: the answer of
 * `plan()`, `apply --dry-run` and the refusals of `apply` without `--allow-degraded`. Pure but
 * for its inputs: the feature statuses are probed by the caller.
 *
 * @module
 */

import type { FilterSet } from "../../compile/filter_set.ts";
import { layerMaps } from "../../compile/bpf_maps.ts";
import { CORDON_ACT, CORDON_DECISION, slotSyscall } from "../../bpf/structs.ts";
import { syscallName } from "../../policies/syscalls.ts";
import type {
  EnforcementLevel,
  EnforcementPlan,
  FeatureStatus,
  LayerEnforcement,
} from "../../engine/backend.ts";

/** The features the plan depends on. */
export interface PlanFeatures {
  /** BPF LSM: denies for running processes. */
  readonly lsm: FeatureStatus;
  /** cgroup sock_addr programs: network rules. */
  readonly cgroupNet: FeatureStatus;
}

/** A syscall slot's name for messages: `openat`, `#451`, or `unknown` for the unknown slot. */
function nameOfSlot(slot: number): string {
  const call = slotSyscall(slot);
  if (call === undefined) return "unknown";
  return syscallName(call.arch, call.nr) ?? `#${call.nr}`;
}

/**
 * The enforcement plan of `set` on the eBPF backend with `features`.
 *
 * @example
 * ```ts ignore
 * import { ebpfEnforcementPlan } from "./ebpf_plan.ts";
 * const missing = { name: "BPF LSM", status: "not-supported", detail: "EPERM" } as const;
 * const plan = ebpfEnforcementPlan({ version: 1, layers: [] }, { lsm: missing, cgroupNet: missing });
 * if (plan.layers.length !== 0) throw new Error();
 * ```
 */
export function ebpfEnforcementPlan(set: FilterSet, features: PlanFeatures): EnforcementPlan {
  const { lsm, cgroupNet } = features;
  const layers = set.layers.map((layer, i): LayerEnforcement => {
    const maps = layerMaps({ version: 1, layers: [layer] })[0]!;
    const degraded: string[] = [];
    const actions = new Set([...maps.decisions.values()].map((d) => d.action));
    const denies = [...maps.decisions.entries()].filter(([, d]) =>
      d.action === CORDON_ACT.deny && !(d.flags & CORDON_DECISION.audit)
    );
    let syscalls: EnforcementLevel = actions.size === 0 ? "not-needed" : "observe";
    // An audited kill (`mode: audit`) is only reported.
    const kills = [...maps.decisions.values()].some((d) =>
      (d.action === CORDON_ACT.kill && !(d.flags & CORDON_DECISION.audit)) ||
      (d.argCases ?? []).some((c) =>
        c.action === CORDON_ACT.kill && !(c.flags & CORDON_DECISION.audit)
      )
    );
    if (kills) syscalls = "kill-after";
    if (denies.length > 0) {
      if (lsm.status === "available") {
        syscalls = "prevent";
      } else {
        const names = [
          ...new Set(
            denies.map(([s]) => nameOfSlot(s)),
          ),
        ].slice(0, 8);
        degraded.push(
          `Policy "${layer.policy}": syscall deny (${names.join(", ")}${
            denies.length > 8 ? ", …" : ""
          }) cannot be ` +
            `enforced on running processes: BPF LSM is unavailable (${
              lsm.detail ?? lsm.status
            }) and tracepoints ` +
            `only observe. The calls will be reported (log). Launch the program with \`cordon run\` (seccomp) to ` +
            `deny them, or use action kill (the process is killed after the call)`,
        );
      }
    }
    if (layer.target === undefined) {
      degraded.push(
        `Policy "${layer.policy}" has no target: \`apply\` confines running processes named by target ` +
          `(pids, comms, executables, cgroups, uids); use \`cordon run\` for what you launch`,
      );
    }
    let network: EnforcementLevel = "not-needed";
    if (layer.network) {
      if (cgroupNet.status === "available") {
        network = layer.mode === "audit" ? "observe" : "prevent";
      } else {
        network = "observe";
        degraded.push(
          `Policy "${layer.policy}": network rules need cgroup BPF (${
            cgroupNet.detail ?? cgroupNet.status
          })`,
        );
      }
    }
    let filesystem: EnforcementLevel = "not-needed";
    if (layer.filesystem) {
      filesystem = "observe";
      degraded.push(
        `Policy "${layer.policy}": filesystem rules are enforced by Landlock on launched programs only ` +
          `(\`cordon run\`); \`apply\` reports file opens but cannot restrict paths of running processes`,
      );
    }
    const limit = layer.limits?.syscallsPerSecond;
    const limits: EnforcementLevel = !limit
      ? "not-needed"
      : limit.action === "kill" || limit.action === "kill_thread"
      ? "kill-after"
      : "observe";
    if (limit && !["log", "kill", "kill_thread", "allow"].includes(limit.action)) {
      degraded.push(
        `Policy "${layer.policy}": limits action "${limit.action}" is applied as log (only log and kill exist for running processes)`,
      );
    }
    void i;
    return { policy: layer.policy, syscalls, network, filesystem, limits, degraded };
  });
  return { backend: "linux", layers };
}
