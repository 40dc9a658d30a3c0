/**
 * Lint checks of the `filesystem` and `network` sections (what Landlock and the cgroup programs
 * will enforce for `cordon run`): write access over the policy's own executables, overlapping
 * path rules that do not restrict what they seem to, network rules the kernel can enforce only
 * with cgroup BPF or not at all, and filesystem rules the host's Landlock cannot enforce.
 * Pure; returns the {@linkcode Finding} type of `lint.ts`.
 *
 * @module
 */

import type { ResolvedPolicy } from "../policies/types.ts";
import type { Finding, Severity } from "./lint.ts";
import { isBeneath, normalisePath, requiredLandlockAbi } from "./landlock.ts";
import { CORDON_NET_RULES_PER_BANK } from "../bpf/structs.ts";

/** The codes this module reports, with severity and meaning (for SARIF and docs). */
export const PATHS_NETWORK_LINT_CODES: Readonly<
  Record<string, { readonly severity: Severity; readonly description: string }>
> = Object.freeze({
  "write-over-executable": {
    severity: "warning",
    description:
      "A filesystem.write path contains (or lies inside) a path the policy executes (target.executables or filesystem.execute): the sandboxed program can replace or add what it runs.",
  },
  "interpreter-runs-writes": {
    severity: "info",
    description:
      "The policy may write files and execute an interpreter (a shell, python, perl, …): the interpreter runs what it reads, written files included (`sh out/x.sh`), although the write paths are noexec; only interpreters that check scripts with AT_EXECVE_CHECK refuse them.",
  },
  "path-rule-overlap": {
    severity: "warning",
    description:
      "A filesystem.read or filesystem.execute path lies beneath a filesystem.write path: Landlock rights add up along the path, so it stays writable.",
  },
  "redundant-path-rule": {
    severity: "info",
    description: "A path lies beneath another path of the same class, which already covers it.",
  },
  "network-needs-cgroup-bpf": {
    severity: "info",
    description:
      "A network endpoint names an address or UDP: Landlock restricts TCP ports only, so the rule is enforced by cgroup BPF alone (and not at all where cgroup BPF is unavailable).",
  },
  "network-too-many-rules": {
    severity: "error",
    description:
      "A policy has more network endpoints than the cgroup programs hold (128 per policy): cordon run cannot enforce it.",
  },
  "filesystem-without-landlock": {
    severity: "warning",
    description:
      "The host's Landlock ABI is below what the filesystem rules need (filesystem.minAbi, else 5): cordon run refuses them unless --allow-degraded.",
  },
});

/** Options of {@linkcode lintPathsAndNetwork}. */
export interface PathsNetworkLintOptions {
  /** The host's Landlock ABI (0: unavailable). Absent: the host is not judged. */
  readonly landlockAbi?: number;
}

function find(
  code: keyof typeof PATHS_NETWORK_LINT_CODES,
  message: string,
  loc: Finding["loc"],
  policy: string,
): Finding {
  return { severity: PATHS_NETWORK_LINT_CODES[code]!.severity, code, message, loc, policy };
}

/** Interpreters that run a script file given as an argument, where a system installs them. */
const INTERPRETERS: readonly string[] = [
  "/usr/bin/sh",
  "/usr/bin/dash",
  "/usr/bin/bash",
  "/usr/bin/python3",
  "/usr/bin/perl",
  "/usr/bin/ruby",
  "/usr/bin/node",
  "/usr/bin/php",
  "/usr/bin/lua",
  "/usr/bin/tclsh",
  "/bin/sh",
  "/bin/bash",
];

/**
 * The first interpreter the `execute` paths cover; none without `execute` paths (execution is
 * not restricted then, so there is no promise to keep).
 */
function executableInterpreter(execute: readonly string[]): string | undefined {
  const paths = execute.map(normalisePath);
  return INTERPRETERS.find((i) => paths.some((p) => isBeneath(i, p)));
}

/**
 * Lints the `filesystem` and `network` sections of `policies`. Findings are in policy order;
 * `lintPolicies` sorts and deduplicates them with the rest.
 *
 * @param policies The resolved policies to check.
 * @param options The host's Landlock ABI, when it should be judged.
 * @returns The findings.
 *
 * @example
 * ```ts
 * import { lintPathsAndNetwork } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 3, column: 3 };
 * const findings = lintPathsAndNetwork([{
 *   name: "p", defaultAction: "allow", defaultErrno: 1, mode: "enforce", rules: [], loc,
 *   filesystem: { read: [], write: ["/usr"], execute: ["/usr/bin/node"], loc },
 * }]);
 * if (!findings.some((f) => f.code === "write-over-executable")) throw new Error(JSON.stringify(findings));
 * ```
 */
export function lintPathsAndNetwork(
  policies: readonly ResolvedPolicy[],
  options: PathsNetworkLintOptions = {},
): Finding[] {
  const findings: Finding[] = [];
  for (const policy of policies) {
    const fs = policy.filesystem;
    if (fs) {
      const norm = (list: readonly string[]) => list.map((p) => [p, normalisePath(p)] as const);
      const write = norm(fs.write);
      const executables = norm([...fs.execute, ...(policy.target?.executables ?? [])]);
      const interpreter = write.length > 0 ? executableInterpreter(fs.execute) : undefined;
      if (interpreter !== undefined) {
        findings.push(find(
          "interpreter-runs-writes",
          `Policy "${policy.name}" may write "${
            write[0]![0]
          }" and execute the interpreter ${interpreter}: it runs scripts the program writes ("${interpreter} ${
            write[0]![0]
          }/x"), noexec or not; leave interpreters out of filesystem.execute to keep written code from running`,
          fs.loc,
          policy.name,
        ));
      }
      for (const [w, wn] of write) {
        for (const [e, en] of executables) {
          if (isBeneath(en, wn) || isBeneath(wn, en)) {
            findings.push(find(
              "write-over-executable",
              `Policy "${policy.name}" may write "${w}", which ${
                isBeneath(en, wn) ? "contains" : "lies inside"
              } the executable path "${e}": the program can replace or add what it runs`,
              fs.loc,
              policy.name,
            ));
          }
        }
        for (const cls of ["read", "execute"] as const) {
          for (const [p, pn] of norm(fs[cls])) {
            if (pn !== wn && isBeneath(pn, wn)) {
              findings.push(find(
                "path-rule-overlap",
                `Policy "${policy.name}" lists "${p}" in filesystem.${cls}, but it lies beneath write path "${w}" and stays writable: Landlock cannot take away rights a parent path grants`,
                fs.loc,
                policy.name,
              ));
            }
          }
        }
      }
      for (const cls of ["read", "write", "execute"] as const) {
        const list = norm(fs[cls]);
        for (const [p, pn] of list) {
          const parent = list.find(([, qn]) => qn !== pn && isBeneath(pn, qn));
          if (parent) {
            findings.push(find(
              "redundant-path-rule",
              `Policy "${policy.name}" lists "${p}" in filesystem.${cls}, already covered by "${
                parent[0]
              }"`,
              fs.loc,
              policy.name,
            ));
          }
        }
      }
      if (options.landlockAbi !== undefined) {
        const needed = requiredLandlockAbi(fs);
        if (options.landlockAbi < needed) {
          findings.push(find(
            "filesystem-without-landlock",
            `Policy "${policy.name}" has filesystem rules that need Landlock ABI ${needed}, and this host offers ${
              options.landlockAbi === 0 ? "no Landlock" : `ABI ${options.landlockAbi}`
            }: cordon run refuses them unless --allow-degraded`,
            fs.loc,
            policy.name,
          ));
        }
      }
    }
    const net = policy.network;
    if (net) {
      const count = net.connect.length + net.bind.length;
      if (count > CORDON_NET_RULES_PER_BANK) {
        findings.push(find(
          "network-too-many-rules",
          `Policy "${policy.name}" has ${count} network endpoints; the cgroup programs hold at most ${CORDON_NET_RULES_PER_BANK}`,
          net.loc,
          policy.name,
        ));
      }
      for (const list of ["connect", "bind"] as const) {
        for (const e of net[list]) {
          const parts = [
            ...(e.address !== undefined ? [`the address ${e.address}`] : []),
            ...(e.protocol === "udp"
              ? ["UDP"]
              : e.protocol === "any"
              ? ["UDP (any protocol)"]
              : []),
          ];
          if (parts.length === 0) continue;
          findings.push(find(
            "network-needs-cgroup-bpf",
            `Endpoint "${e.text}" of network.${list} restricts ${
              parts.join(" and ")
            }, which only cgroup BPF enforces (Landlock restricts TCP ports only)`,
            e.loc,
            policy.name,
          ));
        }
      }
    }
  }
  return findings;
}
