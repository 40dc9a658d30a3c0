import { planExplain, stackedResult } from "./seccomp_notify.ts";
import { planFilters } from "./run.ts";
import { compilePolicies } from "../../compile/compile.ts";
import { decodeAction, runSeccomp } from "../../compile/bpf_interpreter.ts";
import { AUDIT_ARCH, syscallNumber } from "../../policies/syscalls.ts";
import type { Arch, Policy, Rule } from "../../policies/types.ts";

const loc = { file: "p.yaml", line: 1, column: 1 };

function rule(
  policy: string,
  id: string,
  action: Rule["action"],
  names: string[],
  extra: Partial<Rule> = {},
): Rule {
  return {
    id,
    policy,
    origin: "rule",
    action,
    priority: 0,
    loc,
    syscalls: names.map((name) => ({ kind: "name" as const, name, loc })),
    args: [],
    ...extra,
  } as Rule;
}

function policy(name: string, defaultAction: Policy["defaultAction"], rules: Rule[]): Policy {
  return { name, defaultAction, defaultErrno: 1, mode: "enforce", loc, rules } as unknown as Policy;
}

const ARCHES: Arch[] = ["x86_64", "i386"];

Deno.test("planExplain: the kernel's result is unchanged but ERRNO, which becomes the listener's USER_NOTIF", () => {
  const set = compilePolicies([
    policy("first", "allow", [
      rule("first", "no-mkdir", "deny", ["mkdir", "mkdirat"], { errno: 13 }),
      rule("first", "kill-acct", "kill", ["acct"]),
      rule("first", "inet", "deny", ["socket"], {
        errno: 97,
        args: [{ index: 0, op: "eq", value: 2n, loc }],
      }),
      rule("first", "log-getppid", "log", ["getppid"]),
    ]),
    policy("second", "allow", [
      rule("second", "mkdir-too", "deny", ["mkdir"], { errno: 30 }),
      rule("second", "no-rmdir", "deny", ["rmdir"], { errno: 16 }),
      rule("second", "trap-sysfs", "trap", ["sysfs"]),
      rule("second", "trace-syslog", "trace", ["syslog"]),
    ]),
    policy("third", "deny", [
      rule("third", "most", "allow", [
        "mkdir",
        "mkdirat",
        "rmdir",
        "socket",
        "getppid",
        "read",
        "acct",
        "sysfs",
        "syslog",
        "sendmsg",
        "execve",
        "seccomp",
      ]),
    ]),
  ], { arches: ARCHES });
  const filters = planFilters(set, ARCHES);
  const plan = planExplain(set, filters, ARCHES);
  const originals = filters.map((f) => f.program);
  const converted = [...plan.layers.map((l) => l.program), plan.listener];
  let notified = 0;
  for (const arch of ARCHES) {
    const auditArch = AUDIT_ARCH[arch] >>> 0;
    for (
      const name of [
        "mkdir",
        "mkdirat",
        "rmdir",
        "socket",
        "getppid",
        "read",
        "acct",
        "sysfs",
        "syslog",
        "write",
        "sendmsg",
      ]
    ) {
      const nr = syscallNumber(arch, name);
      if (nr === undefined) continue;
      for (const args of [[0n], [2n], [1n, 0o777n]]) {
        const data = { nr, arch: auditArch, args };
        const before = decodeAction(stackedResult(originals, data));
        const after = decodeAction(stackedResult(converted, data));
        if (before.action === "errno" && !(arch === "x86_64" && name === "sendmsg")) {
          if (after.action !== "user_notif") throw new Error(`${arch} ${name}: ${after.action}`);
          // the newest filter (the listener's) must be the one that returns it
          const mine = decodeAction(runSeccomp(plan.listener, data).action).action;
          if (mine !== "user_notif") throw new Error(`${arch} ${name}: listener says ${mine}`);
          notified++;
        } else if (JSON.stringify(before) !== JSON.stringify(after)) {
          throw new Error(
            `${arch} ${name} ${args}: ${JSON.stringify(before)} became ${JSON.stringify(after)}`,
          );
        } else if (decodeAction(runSeccomp(plan.listener, data).action).action !== "allow") {
          throw new Error(`${arch} ${name}: a call no layer denies must not reach the listener`);
        }
      }
    }
  }
  if (notified < 10) throw new Error(`only ${notified} denials converted`);
});

Deno.test("planExplain refuses a chain over the kernel's 4096 instructions", () => {
  const set = compilePolicies([policy("p", "allow", [])], { arches: ["x86_64"] });
  const [filter] = planFilters(set, ["x86_64"]);
  const fits = planExplain(set, [filter!], ["x86_64"]);
  const size = fits.layers[0]!.program.instructions.length;
  if (fits.listener.instructions.length !== size + 1) {
    throw new Error(`one layer of ${size} chains to ${fits.listener.instructions.length}`);
  }
  const copies = Array.from({ length: Math.floor(4096 / size) + 1 }, () => filter!);
  let code: string | undefined;
  try {
    planExplain(set, copies, ["x86_64"]);
  } catch (error) {
    code = (error as { code?: string }).code;
  }
  if (code !== "EXPLAIN_FILTER_TOO_LARGE") {
    throw new Error(`${copies.length} layers of ${size}: ${code}`);
  }
});
