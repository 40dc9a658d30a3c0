import { type ProcessInfo, targetMatches } from "./target.ts";
import type { Target } from "../policies/types.ts";

const proc: ProcessInfo = {
  pid: 42,
  comm: "node",
  executable: "/usr/bin/node",
  cgroup: "/sys/fs/cgroup/web/api",
  uid: 1000,
};

const CASES: readonly [string, Target | undefined, ProcessInfo | undefined, boolean][] = [
  ["no target matches any process", undefined, proc, true],
  ["no process matches any target", { pids: [1] }, undefined, true],
  ["an empty target matches", {}, proc, true],
  ["a pid in the list matches", { pids: [1, 42] }, proc, true],
  ["a pid not in the list does not", { pids: [1, 43] }, proc, false],
  ["an empty list matches nothing", { pids: [] }, proc, false],
  ["all given fields must match (AND)", { pids: [42], uids: [0] }, proc, false],
  ["every field matching matches", { pids: [42], uids: [1000], comms: ["node"] }, proc, true],
  ["an unknown field does not match", { uids: [1000] }, { pid: 42 }, false],
  ["comm compares exactly", { comms: ["nod"] }, proc, false],
  [
    "comm compares the first 15 bytes",
    { comms: ["very-long-process-name"] },
    { pid: 1, comm: "very-long-proce" },
    true,
  ],
  ["executables compare exact paths", { executables: ["/usr/bin"] }, proc, false],
  ["an executable in the list matches", { executables: ["/bin/sh", "/usr/bin/node"] }, proc, true],
  ["a cgroup matches its descendants", { cgroups: ["/sys/fs/cgroup/web"] }, proc, true],
  ["a cgroup matches with a trailing slash", { cgroups: ["/sys/fs/cgroup/web/api/"] }, proc, true],
  ["a cgroup prefix is not a parent", { cgroups: ["/sys/fs/cgroup/we"] }, proc, false],
  [
    "a child cgroup does not match its parent",
    { cgroups: ["/sys/fs/cgroup/web/api/x"] },
    proc,
    false,
  ],
];

Deno.test(
  "targetMatches() follows the AND-across, OR-within rule",
  { permissions: "none" },
  async (t) => {
    for (const [name, target, process, expected] of CASES) {
      await t.step(name, () => {
        if (targetMatches(target, process) !== expected) throw new Error(`expected ${expected}`);
      });
    }
  },
);
