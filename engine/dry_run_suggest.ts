/**
 * `dry-run --suggest` (issue 13): the smallest additions to each deciding policy that would let
 * the findings of a dry run through, as YAML ready to paste into the policy's `spec`:
 *
 * - a seccomp denial: an `allow` rule for the syscall, at a priority above the rule that denied it
 *   (0 when the policy's default did), with the rule's argument conditions narrowed to the values
 *   the trace shows (so a rule such as "no AF_PACKET sockets" is not lifted for every family);
 * - a path denial (Landlock, the read-only view): the path in `filesystem.read`, `write` (the
 *   directory a file is created in) or `execute`;
 * - an address denial: the endpoint in `network.connect` or `network.bind`.
 *
 * Each line says how many findings it answers and what denied them. Pure and deterministic.
 *
 * @module
 */

import type { ResolvedPolicy, Rule } from "../policies/types.ts";
import type { DryRunFinding } from "./dry_run.ts";

/** The additions for one policy. */
export interface PolicySuggestion {
  /** The policy to add them to. */
  readonly policy: string;
  /** Allow rules: syscall, priority, argument conditions, the findings they answer. */
  readonly rules: readonly SuggestedRule[];
  /** Paths per `filesystem` class. */
  readonly filesystem: Readonly<Record<"read" | "write" | "execute", readonly string[]>>;
  /** Endpoints per `network` list. */
  readonly network: Readonly<Record<"connect" | "bind", readonly string[]>>;
  /** The YAML of all of them, to paste into the policy's `spec`. */
  readonly yaml: string;
}

/** One suggested allow rule. */
export interface SuggestedRule {
  /** The syscall to allow. */
  readonly syscall: string;
  /** Its priority: one above the denying rule's (0 for a default denial). */
  readonly priority: number;
  /** `eq` conditions on the arguments the denying rule tests, with the observed values. */
  readonly args: readonly { readonly index: number; readonly value: string }[];
  /** The rule that denied the calls (`null`: the policy's default action). */
  readonly deniedBy: string | null;
  /** How many findings the rule answers. */
  readonly findings: number;
}

const DENYING = new Set(["deny", "kill", "kill_thread", "trap", "trace", "notify"]);

/**
 * The additions that would let `findings` through, per deciding policy.
 *
 * @param findings a dry run's findings (denials and, in audit mode, what would be denied)
 * @param policies the resolved policies of the run, for the denying rules' priorities and
 *   argument conditions
 * @param countOf how many calls a finding stands for (default 1; a staged run's summary gives
 *   one finding per syscall with its count)
 * @returns one suggestion per policy that decided a finding, in policy order of first finding
 *
 * @example
 * ```ts
 * import { suggestAdditions } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const [s] = suggestAdditions([{
 *   line: 1, pid: 1, arch: "x86_64", nr: 83, syscall: "mkdir", args: ["0x1"], action: "deny",
 *   mode: "enforce", ruleId: null, policy: "p", loc,
 * }], []);
 * if (!s?.yaml.includes("syscalls: [mkdir], action: allow, priority: 0")) throw new Error(s?.yaml);
 * ```
 */
export function suggestAdditions<F extends DryRunFinding>(
  findings: readonly F[],
  policies: readonly ResolvedPolicy[],
  countOf: (finding: F) => number = () => 1,
): PolicySuggestion[] {
  const rulesById = new Map<string, Rule>();
  for (const p of policies) for (const r of p.rules) rulesById.set(r.id, r);
  const byPolicy = new Map<
    string,
    {
      rules: Map<string, SuggestedRule & { findings: number }>;
      fs: Record<"read" | "write" | "execute", Map<string, number>>;
      net: Record<"connect" | "bind", Map<string, number>>;
    }
  >();
  const entry = (policy: string) => {
    let e = byPolicy.get(policy);
    if (e === undefined) {
      e = {
        rules: new Map(),
        fs: { read: new Map(), write: new Map(), execute: new Map() },
        net: { connect: new Map(), bind: new Map() },
      };
      byPolicy.set(policy, e);
    }
    return e;
  };
  for (const f of findings) {
    if (!DENYING.has(f.action)) continue;
    const n = countOf(f);
    const bump = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + n);
    const e = entry(f.policy);
    if (f.mechanism === "landlock" || f.mechanism === "read-only-view") {
      if (f.path !== undefined && f.access !== undefined) {
        const cls = f.access === "list" ? "read" : f.access;
        bump(e.fs[cls], f.access === "write" ? (f.checked ?? f.path) : f.path);
        continue;
      }
    }
    if (f.netOp !== undefined && f.address !== undefined && f.port !== undefined) {
      const list = f.netOp === "bind" ? "bind" : "connect";
      const where = f.address.includes(":") ? `[${f.address}]` : f.address;
      bump(e.net[list], `${f.protocol ?? "tcp"}/${where}:${f.port}`);
      continue;
    }
    if (f.syscall === null) continue;
    const denying = f.ruleId === null ? undefined : rulesById.get(f.ruleId);
    const priority = denying === undefined ? 0 : denying.priority + 1;
    const indexes = [...new Set(denying?.args.map((a) => a.index) ?? [])].sort();
    const args = indexes.map((index) => ({ index, value: f.args[index] ?? "0" }));
    const key = `${f.syscall} ${priority} ${JSON.stringify(args)}`;
    const seen = e.rules.get(key);
    if (seen) seen.findings += n;
    else {
      e.rules.set(key, { syscall: f.syscall, priority, args, deniedBy: f.ruleId, findings: n });
    }
  }
  return [...byPolicy].map(([policy, e]) => {
    const rules = [...e.rules.values()].sort((a, b) =>
      a.syscall < b.syscall ? -1 : a.syscall > b.syscall ? 1 : a.priority - b.priority
    );
    for (const m of Object.values(e.fs)) collapseBeneath(m);
    const sorted = (m: Map<string, number>) => [...m.keys()].sort();
    const filesystem = {
      read: sorted(e.fs.read),
      write: sorted(e.fs.write),
      execute: sorted(e.fs.execute),
    };
    const network = { connect: sorted(e.net.connect), bind: sorted(e.net.bind) };
    return { policy, rules, filesystem, network, yaml: toYaml(policy, rules, e.fs, e.net) };
  });
}

/** Folds the paths beneath another path of the same list into it (its count includes theirs). */
function collapseBeneath(m: Map<string, number>): void {
  const paths = [...m.keys()].sort();
  for (const path of paths) {
    const parent = paths.find((p) =>
      p !== path && m.has(p) && path.startsWith(p === "/" ? p : `${p}/`)
    );
    if (parent === undefined) continue;
    m.set(parent, m.get(parent)! + m.get(path)!);
    m.delete(path);
  }
}

function toYaml(
  policy: string,
  rules: readonly SuggestedRule[],
  fs: Record<"read" | "write" | "execute", Map<string, number>>,
  net: Record<"connect" | "bind", Map<string, number>>,
): string {
  const lines = [`# additions to policy "${policy}" (paste into its spec; review each first)`];
  const plural = (n: number) => `${n} finding${n === 1 ? "" : "s"}`;
  if (rules.length > 0) {
    lines.push("rules:");
    rules.forEach((r, i) => {
      const args = r.args.length === 0
        ? ""
        : `, args: [${
          r.args.map((a) => `{ index: ${a.index}, op: eq, value: ${a.value} }`).join(", ")
        }]`;
      const why = r.deniedBy === null ? "the default action" : `rule ${r.deniedBy}`;
      lines.push(
        `  - { id: suggested-${i + 1}-${r.syscall}, syscalls: [${r.syscall}], action: allow, ` +
          `priority: ${r.priority}${args} } # ${plural(r.findings)}, denied by ${why}`,
      );
    });
  }
  const section = (name: string, lists: Record<string, Map<string, number>>) => {
    const used = Object.entries(lists).filter(([, m]) => m.size > 0);
    if (used.length === 0) return;
    lines.push(`${name}:`);
    for (const [list, m] of used) {
      lines.push(`  ${list}:`);
      for (const key of [...m.keys()].sort()) {
        lines.push(`    - ${JSON.stringify(key)} # ${plural(m.get(key)!)}`);
      }
    }
  };
  section("filesystem", fs);
  section("network", net);
  return lines.join("\n") + "\n";
}
