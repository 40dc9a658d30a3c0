/**
 * Lint checks of the `deno` section (issue 15): Deno-level grants the kernel layer of the same
 * policy would deny anyway (they fail at the kernel, with an errno instead of `NotCapable`), and
 * `run`/`ffi` grants without kernel confinement of what they start or load. Pure; returns the
 * {@linkcode Finding} type of `lint.ts`.
 *
 * @module
 */

import type { DenoRule, ResolvedPolicy } from "../policies/types.ts";
import type { Finding, Severity } from "./lint.ts";
import { networkDecision, pathDecision } from "./net_rules.ts";

/** The codes this module reports, with severity and meaning (for SARIF and docs). */
export const DENO_LINT_CODES: Readonly<
  Record<string, { readonly severity: Severity; readonly description: string }>
> = Object.freeze({
  "deno-grant-kernel-denies": {
    severity: "warning",
    description:
      "A deno rule allows a read, write, run or net value that the policy's filesystem or network section denies: Deno grants it and the kernel refuses it (EACCES, EROFS or EPERM instead of NotCapable).",
  },
  "deno-unconfined-escape": {
    severity: "warning",
    description:
      "The deno section grants run or ffi, which let a program bypass Deno's permissions, but the policy has no filesystem paths to confine what it starts or loads: only seccomp limits them.",
  },
});

function kernelDenies(layer: ResolvedPolicy, rule: DenoRule, value: string): string | undefined {
  const fs = layer.filesystem;
  switch (rule.permission) {
    case "read":
    case "write": {
      if (!value.startsWith("/") || !fs) return undefined;
      if (rule.permission === "write" && fs.write.length === 0) {
        return "filesystem.write lists no paths (cordon run's read-only view as root: EROFS)";
      }
      const d = pathDecision(fs, value, rule.permission);
      return d.allowed ? undefined : d.reason;
    }
    case "run": {
      if (!value.startsWith("/") || !fs) return undefined;
      const d = pathDecision(fs, value, "execute");
      return d.allowed ? undefined : d.reason;
    }
    case "net": {
      const m = /^(\d+\.\d+\.\d+\.\d+|\[[0-9a-fA-F:.]+\]):(\d+)$/.exec(value);
      if (!m || !layer.network) return undefined;
      const address = m[1]!.replace(/^\[|\]$/g, "");
      const port = Number(m[2]);
      const connect = networkDecision(layer.network, {
        op: "connect",
        protocol: "tcp",
        address,
        port,
      });
      if (connect.allowed) return undefined;
      const bind = networkDecision(layer.network, { op: "bind", protocol: "tcp", address, port });
      return bind.allowed ? undefined : connect.reason;
    }
    default:
      return undefined;
  }
}

/**
 * The `deno` section's findings for `layers` (resolved policies of the files checked).
 *
 * @example
 * ```ts
 * import { lintDeno } from "@cordon/cordon";
 * const loc = { file: "p.yaml", line: 1, column: 1 };
 * const findings = lintDeno([{
 *   name: "p", defaultAction: "allow", defaultErrno: 1, mode: "enforce", rules: [], loc,
 *   filesystem: { read: ["/srv"], write: [], execute: [], loc },
 *   deno: { rules: [{ id: "r", permission: "read", values: ["/etc"], action: "allow", priority: 0, loc }],
 *     default: "deny", defaultLoc: loc, defaultWritten: false, loc },
 * }]);
 * if (findings[0]?.code !== "deno-grant-kernel-denies") throw new Error();
 * ```
 */
export function lintDeno(layers: readonly ResolvedPolicy[]): Finding[] {
  const out: Finding[] = [];
  for (const layer of layers) {
    const deno = layer.deno;
    if (!deno) continue;
    for (const rule of deno.rules) {
      if (rule.action === "deny") continue;
      for (const value of rule.values ?? []) {
        const why = kernelDenies(layer, rule, value);
        if (why === undefined) continue;
        out.push({
          severity: "warning",
          code: "deno-grant-kernel-denies",
          message:
            `deno rule "${rule.id}" allows ${rule.permission} "${value}", but the kernel layer of policy "${layer.name}" denies it: ${why}; the program gets an errno, not NotCapable`,
          loc: rule.loc,
          policy: layer.name,
          rule: rule.id,
        });
      }
    }
    const fs = layer.filesystem;
    const confined = fs !== undefined && (fs.read.length > 0 || fs.execute.length > 0);
    if (confined) continue;
    for (const kind of ["run", "ffi"] as const) {
      const grant = deno.rules.find((r) => r.permission === kind && r.action !== "deny");
      if (grant === undefined && deno.default !== "allow") continue;
      out.push({
        severity: "warning",
        code: "deno-unconfined-escape",
        message: `policy "${layer.name}" grants Deno ${kind} (${
          grant ? `rule "${grant.id}"` : "deno.default allow"
        }), which bypasses Deno's permissions, but has no filesystem read or execute paths: what it ${
          kind === "run" ? "starts" : "loads"
        } reaches every file; list filesystem paths so that cordon deno confines it with Landlock`,
        loc: grant?.loc ?? deno.defaultLoc,
        policy: layer.name,
        ...(grant ? { rule: grant.id } : {}),
      });
    }
  }
  return out;
}
