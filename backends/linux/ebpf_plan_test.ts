import assert from "node:assert/strict";
import { ebpfEnforcementPlan } from "./ebpf_plan.ts";
import { compilePolicies } from "../../compile/compile.ts";
import { policy, rule } from "../../compile/_test_policies.ts";
import type { FeatureStatus } from "../../engine/backend.ts";

const yes = (name: string): FeatureStatus => ({ name, status: "available" });
const no = (name: string): FeatureStatus => ({ name, status: "not-supported", detail: "EPERM" });
const target = { pids: [42] };

Deno.test("ebpfEnforcementPlan: a deny prevents only with BPF LSM, and says so otherwise", () => {
  const set = compilePolicies([
    policy({
      target,
      rules: [rule({ id: "no-mkdir", syscalls: ["mkdir", "openat"], action: "deny" })],
    }),
  ], { arches: ["x86_64", "i386"] });
  const without = ebpfEnforcementPlan(set, { lsm: no("BPF LSM"), cgroupNet: yes("cgroup") });
  assert.equal(without.layers[0]!.syscalls, "observe");
  const why = without.layers[0]!.degraded.join("\n");
  assert.match(why, /syscall deny \(mkdir, openat/, "the denied calls by name");
  assert.match(why, /BPF LSM is unavailable \(EPERM\)/);
  const withLsm = ebpfEnforcementPlan(set, { lsm: yes("BPF LSM"), cgroupNet: yes("cgroup") });
  assert.equal(withLsm.layers[0]!.syscalls, "prevent");
  assert.deepEqual(withLsm.layers[0]!.degraded, []);
});

Deno.test("ebpfEnforcementPlan: kills after the call, audited kills are only reported, untargeted layers are named", () => {
  const kill = [rule({ id: "k", syscalls: ["ptrace"], action: "kill" })];
  const features = { lsm: no("BPF LSM"), cgroupNet: yes("cgroup") };
  const enforced = ebpfEnforcementPlan(
    compilePolicies([policy({ target, rules: kill })]),
    features,
  );
  assert.equal(enforced.layers[0]!.syscalls, "kill-after");
  const audited = ebpfEnforcementPlan(
    compilePolicies([policy({ target, mode: "audit", rules: kill })]),
    features,
  );
  assert.equal(audited.layers[0]!.syscalls, "observe");
  const untargeted = ebpfEnforcementPlan(compilePolicies([policy({ rules: kill })]), features);
  assert.match(untargeted.layers[0]!.degraded.join("\n"), /has no target/);
});
