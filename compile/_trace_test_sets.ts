/**
 * Filter sets and specs the tracing-script emitter tests share (golden files in
 * `tests/testdata/trace_scripts/`).
 *
 * @module
 */

import { compilePolicies } from "./compile.ts";
import type { FilterSet } from "./filter_set.ts";
import { type TraceScriptSpec, traceScriptSpec } from "./trace_script.ts";

const loc = { file: "t.yaml", line: 1, column: 1 };

function rule(
  id: string,
  action: "log" | "kill" | "deny",
  syscalls: string[],
  args: { index: 0 | 1 | 2 | 3 | 4 | 5; op: "eq"; value: bigint }[] = [],
) {
  return {
    id,
    policy: "",
    origin: "rule" as const,
    action,
    priority: 0,
    args: args.map((a) => ({ ...a, loc })),
    loc,
    syscalls: syscalls.map((name) => ({ kind: "name" as const, name, loc })),
  };
}

/** Two layers: one for pid 4242 (kill, log, deny, an argument rule), one for comm `curl` at exec. */
export function traceTestSet(): FilterSet {
  return compilePolicies([
    {
      name: "jail",
      target: { pids: [4242] },
      defaultAction: "allow",
      defaultErrno: 1,
      mode: "enforce",
      loc,
      rules: [
        rule("no-ptrace", "kill", ["ptrace"]),
        rule("log-exec", "log", ["execve"]),
        rule("no-mkdir", "deny", ["mkdir"]),
        rule("no-raw", "kill", ["socket"], [{ index: 1, op: "eq", value: 3n }]),
      ].map((r) => ({ ...r, policy: "jail" })),
    },
    {
      name: "watch-curl",
      target: { comms: ["curl"], uids: [1000] },
      defaultAction: "allow",
      defaultErrno: 1,
      mode: "audit",
      loc,
      rules: [rule("no-connect", "kill", ["connect"])].map((r) => ({ ...r, policy: "watch-curl" })),
    },
  ], { arches: ["x86_64"] });
}

/** The specs the golden files are made from, by file stem. */
export function traceTestSpecs(): Record<string, TraceScriptSpec> {
  return {
    "pid": traceScriptSpec({ version: 1, layers: [] }, { pids: [4242], comms: ["curl"] }),
    "all": traceScriptSpec({ version: 1, layers: [] }, {
      all: true,
      exclude: [99],
      events: { syscall: true, file: false, network: false },
    }),
    // Written out rather than compiled, so that the golden files do not follow changes of the
    // compiler's implied rules: traceScriptSpec() itself is tested in trace_script_test.ts.
    "policies": {
      pids: [7],
      comms: [],
      all: false,
      exclude: [],
      events: { syscall: false, file: true, network: true, process: true },
      rules: [
        {
          layer: 0,
          policy: "jail",
          pids: [4242],
          calls: [
            { nr: 41, name: "socket", action: "report" },
            { nr: 59, name: "execve", action: "report" },
            { nr: 83, name: "mkdir", action: "report" },
            { nr: 101, name: "ptrace", action: "kill" },
          ],
        },
        {
          layer: 1,
          policy: "watch-curl",
          pids: [],
          atExec: { comms: ["curl"], uids: [1000] },
          calls: [{ nr: 42, name: "connect", action: "report" }],
        },
      ],
    },
  };
}
