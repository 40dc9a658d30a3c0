import assert from "node:assert/strict";
import { auditRunPolicies, stagedRunPolicies } from "./run_modes.ts";
import type { ResolvedPolicy } from "../policies/types.ts";

const loc = { file: "p.yaml", line: 1, column: 1 };
const policy: ResolvedPolicy = {
  name: "p",
  defaultAction: "kill",
  defaultErrno: 13,
  mode: "enforce",
  loc,
  rules: [{
    id: "r",
    policy: "p",
    origin: "rule",
    action: "deny",
    priority: 0,
    loc,
    syscalls: [{ kind: "name", name: "mkdir", loc }],
    args: [],
  }],
  filesystem: { read: ["/usr"], write: [], execute: [], loc },
  network: { connect: [], bind: [], unix: [], loc } as unknown as NonNullable<
    ResolvedPolicy["network"]
  >,
  limits: { syscallsPerSecond: { max: 10, action: "kill", loc } },
  privileges: {
    capabilities: [{ name: "CAP_NET_BIND_SERVICE", loc }],
    devices: [],
    signals: "sandbox",
    loc,
  },
};

Deno.test("auditRunPolicies keeps privileges and drops every denial", () => {
  const [audit] = auditRunPolicies([policy]);
  assert(audit !== undefined, "one policy");
  assert(audit.defaultAction === "allow" && audit.rules.length === 0, "no denials");
  assert(audit.filesystem?.write.join() === "/" && audit.filesystem.read.length === 0, "writable");
  assert(audit.network === undefined && audit.limits === undefined, "no network, no limits");
  assert(audit.privileges === policy.privileges, "privileges kept");
  assert(audit.name === "p" && audit.loc === loc, "name and location kept");
});

Deno.test("stagedRunPolicies turns a kill default into deny and keeps the rest", () => {
  const [staged] = stagedRunPolicies([policy]);
  assert(staged?.defaultAction === "deny", "kill becomes deny");
  assert(staged.rules === policy.rules && staged.filesystem === policy.filesystem, "rest kept");
  const deny = { ...policy, defaultAction: "deny" as const };
  assert(stagedRunPolicies([deny])[0] === deny, "a deny default is left as it is");
});
