/**
 * The policy linter behind `cordon check`: findings about policies that parse and compile but do
 * not do what they seem to (shadowed or redundant rules, conditions on pointer arguments,
 * dangerous syscalls left open, …), and about what they grant on purpose that leaves the sandbox
 * (dangerous capabilities, signals to any process, raw devices, host daemons' sockets, writable
 * `/proc`, `/sys`, `/dev`: `lint_privileges.ts`). Pure and deterministic: it reads the parsed set, the resolved
 * layers and their compiled IR, never `Deno.*`.
 *
 * @module
 */

import { letsCallRun } from "../policies/types.ts";
import {
  type Arch,
  ARCHES,
  type ResolvedPolicy,
  type Rule,
  type SourceLocation,
} from "../policies/types.ts";
import type { PolicySet } from "../policies/types.ts";
import {
  syscallArgKinds,
  syscallPointerArgs,
  syscallTable,
  X32_SYSCALL_BIT,
} from "../policies/syscalls.ts";
import { syscallArgWidth } from "../policies/syscall_arg_width.ts";
import { fitsWidth } from "./compile.ts";
import { lintPathsAndNetwork, PATHS_NETWORK_LINT_CODES } from "./lint_paths_network.ts";
import { lintPrivileges, PRIVILEGES_LINT_CODES } from "./lint_privileges.ts";
import { DENO_LINT_CODES, lintDeno } from "./lint_deno.ts";
import type {
  ArchFilter,
  Decision,
  FilterLayer,
  FilterSet,
  SyscallDecision,
} from "./filter_set.ts";
import { intendedAction } from "./filter_set.ts";

/** How serious a finding is. `error` makes a policy invalid; `check --fail-on` chooses what fails. */
export type Severity = "error" | "warning" | "info";

/** One lint finding, located in the policy source. */
export interface Finding {
  /** How serious it is. */
  readonly severity: Severity;
  /** A stable identifier such as `"shadowed-rule"` (see {@linkcode LINT_CODES}), or a parse error's code. */
  readonly code: string;
  /** One sentence, with the offending names quoted. */
  readonly message: string;
  /** Where in the policy source the problem is. */
  readonly loc: SourceLocation;
  /** The policy (layer) the finding concerns. */
  readonly policy?: string;
  /** The rule the finding concerns. */
  readonly rule?: string;
}

/**
 * What each lint code means and its severity: the catalogue SARIF output lists as rules.
 *
 * @example
 * ```ts
 * import { LINT_CODES } from "@cordon/cordon";
 * if (LINT_CODES["pointer-argument"]?.severity !== "error") throw new Error();
 * ```
 */
export const LINT_CODES: Readonly<
  Record<string, { readonly severity: Severity; readonly description: string }>
> = Object.freeze({
  "pointer-argument": {
    severity: "error",
    description:
      "An argument condition tests a pointer argument: seccomp sees the address, not the memory it points to, so the condition cannot mean what it says.",
  },
  "arg-value-out-of-range": {
    severity: "error",
    description:
      "An argument condition compares with a value the argument cannot hold: the kernel reads it as a 32-bit (or 16-bit) C type such as int, pid_t or umode_t, and the value fits that width neither unsigned nor as a negative number. The condition never holds (eq, masked_eq, gt, ge) or always holds (ne, lt, le).",
  },
  "shadowed-rule": {
    severity: "warning",
    description:
      "A rule never decides any syscall on any compiled architecture: rules of higher (or equal, stricter) priority decide all of its calls first, or its conditions can never hold.",
  },
  "redundant-allow": {
    severity: "warning",
    description:
      "An allow rule in a policy whose defaultAction is already allow, with no lower-priority rule for it to override.",
  },
  "dangerous-syscall-allowed": {
    severity: "warning",
    description:
      "A restrictive policy (defaultAction not allow) still allows a syscall that escapes or undermines the sandbox: io_uring_setup, ptrace, process_vm_writev, bpf, init_module, finit_module or mount.",
  },
  "unrestricted-exec": {
    severity: "warning",
    description:
      "A restrictive policy allows execve or execveat without limiting which files may be executed (filesystem.execute).",
  },
  "implicit-default-allow": {
    severity: "warning",
    description:
      "A policy set built in code has a policy that neither states its defaultAction (Policy.explicit.defaultAction) nor extends a policy, so calls no rule matches are allowed. Policy files cannot get here: the parser rejects a file without defaultAction or extends. Set `defaultAction: allow` for a deny-list, or `deny` (or extend builtin:baseline) for an allow-list.",
  },
  "deny-errno-zero": {
    severity: "warning",
    description:
      "A deny returns errno 0: the call looks successful to the program although it never ran.",
  },
  "unknown-on-arch": {
    severity: "info",
    description:
      "A syscall named in a rule does not exist on some compiled architectures; the rule skips it there.",
  },
  "rule-not-applicable": {
    severity: "info",
    description: "None of a rule's syscalls exists on any compiled architecture.",
  },
  "audit-mode": {
    severity: "info",
    description: "A policy runs in audit mode: deny, kill and trap are reported, not applied " +
      "(under cordon run, its filesystem rules are not applied at all).",
  },
  ...PATHS_NETWORK_LINT_CODES,
  ...PRIVILEGES_LINT_CODES,
  ...DENO_LINT_CODES,
});

/** Syscalls a restrictive policy should not leave open (besides exec, checked separately). */
const DANGEROUS: readonly string[] = [
  "io_uring_setup",
  "ptrace",
  "process_vm_writev",
  "bpf",
  "init_module",
  "finit_module",
  "mount",
];
const EXEC: readonly string[] = ["execve", "execveat"];

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/**
 * Compares findings by file, line, column, code and message: the order `check` prints them in.
 *
 * @example
 * ```ts
 * import { compareFindings } from "@cordon/cordon";
 * const at = (line: number) => ({ file: "a.yaml", line, column: 1 });
 * const a = { severity: "info", code: "x", message: "", loc: at(1) } as const;
 * const b = { severity: "error", code: "y", message: "", loc: at(2) } as const;
 * if (compareFindings(a, b) >= 0) throw new Error("line 1 sorts first");
 * ```
 */
export function compareFindings(a: Finding, b: Finding): number {
  return cmp(a.loc.file, b.loc.file) || a.loc.line - b.loc.line ||
    a.loc.column - b.loc.column || cmp(a.code, b.code) ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || cmp(a.message, b.message);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Lints a policy set: static checks on the rules as written in `set`, and checks of each layer's
 * compiled decisions in `filters` (layers matched to `resolved` by policy name). Findings about
 * rules inherited from policies outside `set` (such as `builtin:baseline`) are left out unless
 * they concern the layer as a whole. The result is sorted with {@linkcode compareFindings} and
 * has no duplicates.
 *
 * @param set The parsed policies (the files being checked).
 * @param resolved The same policies with `extends` and capabilities resolved.
 * @param filters `resolved` compiled; its architectures are the ones checked.
 * @returns The findings, sorted.
 *
 * @example
 * ```ts
 * import { lintPolicies } from "@cordon/cordon";
 * import { compilePolicies } from "@cordon/cordon";
 * import type { Policy, ResolvedPolicy, Rule } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 3, column: 5 };
 * const rule: Rule = {
 *   id: "r", policy: "p", origin: "rule", action: "deny", errno: 0, priority: 0, args: [], loc,
 *   syscalls: [{ kind: "name", name: "unlink", loc }],
 * };
 * const resolved: ResolvedPolicy = {
 *   name: "p", defaultAction: "allow", defaultErrno: 1, mode: "enforce", rules: [rule], loc,
 * };
 * const policy: Policy = {
 *   ...resolved, extends: [], capabilities: { allow: [], deny: [] },
 *   explicit: { defaultAction: true, defaultErrno: false, mode: false },
 * };
 * const findings = lintPolicies({ policies: [policy] }, [resolved], compilePolicies([resolved]));
 * if (!findings.some((f) => f.code === "deny-errno-zero")) throw new Error("errno 0 not reported");
 * ```
 */
export function lintPolicies(
  set: PolicySet,
  resolved: readonly ResolvedPolicy[],
  filters: FilterSet,
): Finding[] {
  const own = new Set(set.policies.map((p) => p.name));
  const arches = compiledArches(filters);
  const findings: Finding[] = [];

  for (const policy of set.policies) {
    if (policy.explicit.defaultErrno && policy.defaultErrno === 0) {
      findings.push({
        severity: "warning",
        code: "deny-errno-zero",
        message:
          `Policy "${policy.name}" has defaultErrno 0: its denies make calls look successful without running them`,
        loc: policy.loc,
        policy: policy.name,
      });
    }
    if (!policy.explicit.defaultAction && policy.extends.length === 0) {
      findings.push({
        severity: "warning",
        code: "implicit-default-allow",
        message:
          `Policy "${policy.name}" (built in code) states no defaultAction and extends no policy: calls no rule matches are allowed; set \`defaultAction: allow\` to say so, or \`deny\``,
        loc: policy.loc,
        policy: policy.name,
      });
    }
    for (const rule of policy.rules) findings.push(...lintRule(rule, policy.name, arches));
  }

  const layers = new Map(filters.layers.map((layer) => [layer.policy, layer]));
  for (const policy of resolved) {
    const layer = layers.get(policy.name);
    if (!layer || !own.has(policy.name)) continue;
    findings.push(...lintLayer(policy, layer, own));
  }
  findings.push(...lintPathsAndNetwork(resolved.filter((p) => own.has(p.name))));
  findings.push(...lintPrivileges(resolved.filter((p) => own.has(p.name))));
  findings.push(...lintDeno(resolved.filter((p) => own.has(p.name))));

  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = JSON.stringify([f.code, f.loc.file, f.loc.line, f.loc.column, f.message, f.policy]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).sort(compareFindings);
}

function compiledArches(filters: FilterSet): readonly Arch[] {
  const present = new Set(filters.layers.flatMap((layer) => layer.arches.map((a) => a.arch)));
  return present.size === 0 ? ARCHES : ARCHES.filter((arch) => present.has(arch));
}

/** The name(s) a syscall reference has on the given architectures. */
function refNames(ref: Rule["syscalls"][number], arches: readonly Arch[]): string[] {
  if (ref.kind === "name") return [ref.name];
  const names = new Set<string>();
  for (const arch of arches) {
    const name = syscallTable(arch).byNumber.get(archNumber(arch, ref.nr));
    if (name !== undefined) names.add(name);
  }
  return [...names].sort();
}

function archNumber(arch: Arch, nr: number): number {
  return arch === "x32" && nr < X32_SYSCALL_BIT ? (nr | X32_SYSCALL_BIT) >>> 0 : nr;
}

/** Static checks of one written rule. */
function lintRule(rule: Rule, policy: string, arches: readonly Arch[]): Finding[] {
  const findings: Finding[] = [];
  const about = { policy, rule: rule.id };
  if (rule.action === "deny" && rule.errno === 0) {
    findings.push({
      severity: "warning",
      code: "deny-errno-zero",
      message:
        `Rule "${rule.id}" denies with errno 0: the calls look successful to the program although they never ran`,
      loc: rule.loc,
      ...about,
    });
  }
  for (const condition of rule.args) {
    findings.push(...outOfRange(rule, condition, arches, about));
    for (const ref of rule.syscalls) {
      for (const name of refNames(ref, arches)) {
        if (arches.some((arch) => syscallPointerArgs(name, arch)?.includes(condition.index))) {
          findings.push({
            severity: "error",
            code: "pointer-argument",
            message:
              `Argument ${condition.index} of "${name}" is a pointer: seccomp compares the address, not the memory it points to`,
            loc: condition.loc,
            ...about,
          });
        }
      }
    }
  }
  if (rule.origin !== "rule") return findings;
  let applicable = false;
  for (const ref of rule.syscalls) {
    if (ref.kind === "number") {
      applicable = true;
      continue;
    }
    const missing = arches.filter((arch) => syscallTable(arch).byName.get(ref.name) === undefined);
    if (missing.length < arches.length) applicable = true;
    if (missing.length > 0 && missing.length < arches.length) {
      findings.push({
        severity: "info",
        code: "unknown-on-arch",
        message: `Syscall "${ref.name}" does not exist on ${
          missing.join(", ")
        }; the rule skips it there`,
        loc: ref.loc,
        ...about,
      });
    }
  }
  if (!applicable) {
    findings.push({
      severity: "info",
      code: "rule-not-applicable",
      message: `Rule "${rule.id}" names no syscall that exists on ${
        arches.join(", ")
      }; it has no effect there`,
      loc: rule.loc,
      ...about,
    });
  }
  return findings;
}

/**
 * A condition whose value the argument cannot hold, per syscall of the rule, on the 64-bit ABIs
 * (on i386 every argument is 32 bits, so a wide value there is expected of a 64-bit type).
 */
function outOfRange(
  rule: Rule,
  condition: Rule["args"][number],
  arches: readonly Arch[],
  about: { policy: string; rule: string },
): Finding[] {
  const byName = new Map<string, { width: number; type: string; arches: Arch[] }>();
  for (const arch of arches) {
    if (arch === "i386") continue;
    const table = syscallTable(arch);
    for (const ref of rule.syscalls) {
      const name = ref.kind === "name"
        ? (table.byName.has(ref.name) ? ref.name : undefined)
        : table.byNumber.get(archNumber(arch, ref.nr));
      if (name === undefined) continue;
      const width = syscallArgWidth(name, arch, condition.index);
      if (width === undefined || width === 64 || fitsWidth(condition.value, width)) continue;
      const entry = byName.get(name);
      if (entry !== undefined) {
        if (!entry.arches.includes(arch)) entry.arches.push(arch);
        continue;
      }
      const type = syscallArgKinds(name, arch)?.[condition.index]?.type ?? "integer";
      byName.set(name, { width, type, arches: [arch] });
    }
  }
  const never = ["eq", "masked_eq", "gt", "ge"].includes(condition.op);
  const value = `0x${BigInt.asUintN(64, condition.value).toString(16)}`;
  return [...byName].map(([name, { width, type, arches: on }]) => ({
    severity: "error",
    code: "arg-value-out-of-range",
    message: `Argument ${condition.index} of "${name}" (${type}) is read by the kernel as ` +
      `${width} bits on ${on.join(", ")}: "${condition.op} ${value}" ${
        never ? "can never hold" : "always holds"
      } there`,
    loc: condition.loc,
    ...about,
  }));
}

function decisionsOf(entry: SyscallDecision): Decision[] {
  return [...entry.cases.map((c) => c.decision), entry.otherwise];
}

function lets(decision: Decision): boolean {
  return letsCallRun(intendedAction(decision));
}

/** For each architecture of a layer, the numbers `rule` names there. */
function ruleNumbers(rule: Rule, filter: ArchFilter): number[] {
  const table = syscallTable(filter.arch);
  const numbers: number[] = [];
  for (const ref of rule.syscalls) {
    const nr = ref.kind === "name" ? table.byName.get(ref.name) : archNumber(filter.arch, ref.nr);
    if (nr !== undefined) numbers.push(nr);
  }
  return numbers;
}

/** Checks of one compiled layer. */
function lintLayer(
  policy: ResolvedPolicy,
  layer: FilterLayer,
  own: ReadonlySet<string>,
): Finding[] {
  const findings: Finding[] = [];
  const name = policy.name;
  const byNr = new Map(
    layer.arches.map((filter) => [filter, new Map(filter.syscalls.map((s) => [s.nr, s]))]),
  );

  if (policy.mode === "audit") {
    findings.push({
      severity: "info",
      code: "audit-mode",
      message: `Policy "${name}" is in audit mode: deny, kill and trap are reported, not applied` +
        (policy.filesystem
          ? `; under cordon run its filesystem rules are not applied either (Landlock cannot ` +
            `audit): try them with cordon run --mode audit`
          : ""),
      loc: policy.loc,
      policy: name,
    });
  }

  const deciding = new Set<string>();
  for (const filter of layer.arches) {
    for (const entry of filter.syscalls) {
      for (const decision of decisionsOf(entry)) {
        if (decision.ruleId !== null) deciding.add(decision.ruleId);
      }
    }
    if (filter.unknown.ruleId !== null) deciding.add(filter.unknown.ruleId);
  }

  for (const rule of policy.rules) {
    if (!own.has(rule.policy)) continue;
    const covered = layer.arches.map((filter) => ({ filter, numbers: ruleNumbers(rule, filter) }));
    if (covered.every((c) => c.numbers.length === 0)) continue;
    if (!deciding.has(rule.id)) {
      const winners = new Set<string>();
      for (const { filter, numbers } of covered) {
        for (const nr of numbers) {
          const entry = byNr.get(filter)?.get(nr);
          if (!entry) continue;
          for (const decision of decisionsOf(entry)) {
            if (decision.ruleId !== null) winners.add(decision.ruleId);
          }
        }
      }
      const list = [...winners].sort();
      const why = list.length === 0
        ? "its argument conditions can never hold"
        : `its calls are decided first by ${list.slice(0, 4).map((id) => `"${id}"`).join(", ")}${
          list.length > 4 ? ` and ${list.length - 4} more` : ""
        }`;
      findings.push({
        severity: "warning",
        code: "shadowed-rule",
        message: `Rule "${rule.id}" never decides a syscall in policy "${name}": ${why}`,
        loc: rule.loc,
        policy: name,
        rule: rule.id,
      });
      continue;
    }
    if (policy.defaultAction === "allow" && rule.action === "allow") {
      const overrides = policy.rules.some((other) =>
        other !== rule && other.action !== "allow" && other.priority < rule.priority &&
        covered.some(({ filter, numbers }) =>
          ruleNumbers(other, filter).some((nr) => numbers.includes(nr))
        )
      );
      if (!overrides) {
        findings.push({
          severity: "warning",
          code: "redundant-allow",
          message:
            `Rule "${rule.id}" allows what defaultAction "allow" of policy "${name}" already allows`,
          loc: rule.loc,
          policy: name,
          rule: rule.id,
        });
      }
    }
  }

  if (policy.defaultAction === "allow") return findings;
  const execRestricted = (policy.filesystem?.execute.length ?? 0) > 0;
  for (const syscall of [...DANGEROUS, ...EXEC]) {
    const isExec = EXEC.includes(syscall);
    if (isExec && execRestricted) continue;
    const arches: Arch[] = [];
    const rules = new Map<string, SourceLocation>();
    let firstLoc: SourceLocation | undefined;
    for (const filter of layer.arches) {
      const entry = filter.syscalls.find((s) => s.name === syscall);
      if (!entry) continue;
      const letting = decisionsOf(entry).filter(lets);
      if (letting.length === 0) continue;
      arches.push(filter.arch);
      for (const decision of letting) {
        firstLoc ??= decision.loc;
        rules.set(decision.ruleId ?? `defaultAction`, decision.loc);
      }
    }
    if (arches.length === 0 || !firstLoc) continue;
    const by = [...rules.keys()].sort().map((id) => `"${id}"`).join(", ");
    findings.push(
      isExec
        ? {
          severity: "warning",
          code: "unrestricted-exec",
          message:
            `Policy "${name}" allows "${syscall}" (by ${by}) without filesystem.execute: the program can run any file it can read`,
          loc: firstLoc,
          policy: name,
        }
        : {
          severity: "warning",
          code: "dangerous-syscall-allowed",
          message:
            `Policy "${name}" has defaultAction "${policy.defaultAction}" but allows "${syscall}" (by ${by}) on ${
              arches.join(", ")
            }${syscall === "io_uring_setup" ? ": io_uring operations bypass syscall filters" : ""}`,
          loc: firstLoc,
          policy: name,
        },
    );
  }
  return findings;
}
