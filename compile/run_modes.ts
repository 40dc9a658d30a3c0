/**
 * `cordon run --mode` (issue 13, audit-first rollout): the policies a run applies in each mode,
 * derived from the policies it is asked to try.
 *
 * - `enforce` (the default): the policies as written.
 * - `audit`: nothing the policies deny is applied. The command runs with their privileges
 *   (capabilities, user, group, devices, signal scope) and without their syscall rules,
 *   `filesystem`, `network`, `memory` and `limits` sections ({@linkcode auditRunPolicies}); what
 *   it did is recorded and evaluated against the policies afterwards (`run_audit.ts`).
 * - `staged`: the policies are enforced, except that a call no rule decides (the policy's
 *   `defaultAction`) is allowed and reported ({@linkcode stagedRunPolicies} and the seccomp
 *   supervisor's `staged` option).
 *
 * @module
 */

import { type ResolvedPolicy, strictness } from "../policies/types.ts";

/** How `cordon run` applies its policies. */
export type RunMode = "enforce" | "audit" | "staged";

/** Every {@linkcode RunMode}, the default first. */
export const RUN_MODES: readonly RunMode[] = ["enforce", "audit", "staged"];

/**
 * The policies an audit run applies for `resolved`: each keeps its name, target and privileges;
 * its default action is `allow`, it has no rules, its filesystem is writable everywhere (so a
 * run started as root gets no read-only view) and it has no `network`, `memory` or `limits`.
 *
 * @param resolved The policies being audited.
 * @returns One permissive policy per policy, in the same order.
 *
 * @example
 * ```ts
 * import { auditRunPolicies } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const [audit] = auditRunPolicies([{
 *   name: "p", defaultAction: "deny", defaultErrno: 1, mode: "enforce", loc,
 *   rules: [{ id: "r", policy: "p", origin: "rule", action: "kill", priority: 0, loc,
 *     syscalls: [{ kind: "name", name: "mkdir", loc }], args: [] }],
 * }]);
 * if (audit!.defaultAction !== "allow" || audit!.rules.length !== 0) throw new Error();
 * ```
 */
export function auditRunPolicies(resolved: readonly ResolvedPolicy[]): ResolvedPolicy[] {
  return resolved.map((policy) => ({
    name: policy.name,
    ...(policy.target ? { target: policy.target } : {}),
    defaultAction: "allow",
    defaultErrno: policy.defaultErrno,
    mode: "enforce",
    rules: [],
    filesystem: { read: [], write: ["/"], execute: [], loc: policy.filesystem?.loc ?? policy.loc },
    ...(policy.privileges ? { privileges: policy.privileges } : {}),
    loc: policy.loc,
  }));
}

/**
 * The policies a staged run applies for `resolved`: the same, except that a default action
 * stricter than `deny` (`kill`, `kill_thread`, `trap`) becomes `deny`, so that the calls it
 * decides reach the supervisor, which allows and reports those no rule decides. Syscall numbers
 * beyond Cordon's tables, which the default action also decides, are then denied, not killed.
 *
 * @param resolved The policies being staged.
 * @returns The policies to compile, in the same order.
 *
 * @example
 * ```ts
 * import { stagedRunPolicies } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const [staged] = stagedRunPolicies([
 *   { name: "p", defaultAction: "kill", defaultErrno: 1, mode: "enforce", loc, rules: [] },
 * ]);
 * if (staged!.defaultAction !== "deny") throw new Error();
 * ```
 */
export function stagedRunPolicies(resolved: readonly ResolvedPolicy[]): ResolvedPolicy[] {
  return resolved.map((policy) =>
    strictness(policy.defaultAction) > strictness("deny")
      ? { ...policy, defaultAction: "deny" }
      : policy
  );
}
