/**
 * Cordon's seccomp generator side by side with libseccomp (binary-tree optimisation, built the
 * way runc builds it) on the Docker and Podman default profiles: program size, instructions
 * executed per x86_64 syscall number (every number 0..maxNr, arguments 0), how many allowed
 * syscalls take a path with no argument loads (kernel action cache eligible), build time.
 *
 * Run: `./deno run -A bench/seccomp_vs_libseccomp.ts [--format json]`. Requires libseccomp.so.2.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { Arch } from "../policies/types.ts";
import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import { AUDIT_ARCH, isKnownSyscall, syscallTable, X32_SYSCALL_BIT } from "../policies/syscalls.ts";
import { compilePolicies } from "../compile/compile.ts";
import { compileSeccomp } from "../compile/seccomp.ts";
import { runSeccomp } from "../compile/bpf_interpreter.ts";
import {
  DOCKER_DEFAULT_CAPS,
  importOciProfile,
  parseOciProfile,
  resolveOciProfile,
} from "../compile/oci.ts";
import { SECCOMP_RET_ALLOW, type SockFilter } from "../compile/sock_filter.ts";
import {
  buildLibseccompProgram,
  libseccompUnavailable,
  libseccompVersion,
} from "../tests/_libseccomp.ts";

const SHARED = new URL("../../shared/data/oci/", import.meta.url);
const ARCHES: Arch[] = ["x86_64", "i386", "x32"];
const OPTIONS = { caps: DOCKER_DEFAULT_CAPS, arch: "x86_64", minKernel: "6.1" } as const;

interface Figures {
  instructions: number;
  meanExecuted: number;
  maxExecuted: number;
  /** Numbers allowed with arguments 0. */
  allowed: number;
  /** Of those, how many reached ALLOW without loading an argument. */
  cacheable: number;
  buildMs: number;
}

function measure(program: readonly SockFilter[], arch: Arch, buildMs: number): Figures {
  const table = syscallTable(arch);
  const base = arch === "x32" ? X32_SYSCALL_BIT : 0;
  let total = 0;
  let max = 0;
  let count = 0;
  let allowed = 0;
  let cacheable = 0;
  for (let nr = base; nr <= table.maxNr; nr++) {
    const run = runSeccomp(program, { arch: AUDIT_ARCH[arch], nr, args: [] });
    total += run.executed;
    max = Math.max(max, run.executed);
    count++;
    if (run.action === SECCOMP_RET_ALLOW) {
      allowed++;
      if (!run.loadsArguments) cacheable++;
    }
  }
  return {
    instructions: program.length,
    meanExecuted: Math.round((total / count) * 100) / 100,
    maxExecuted: max,
    allowed,
    cacheable,
    buildMs: Math.round(buildMs * 1000) / 1000,
  };
}

function timed<T>(fn: () => T, rounds = 20): { value: T; ms: number } {
  let value = fn();
  const start = performance.now();
  for (let i = 0; i < rounds; i++) value = fn();
  return { value, ms: (performance.now() - start) / rounds };
}

function benchProfile(profile: string) {
  const json = parseOciProfile(Deno.readTextFileSync(new URL(`${profile}.json`, SHARED)));
  const imported = importOciProfile(json, { ...OPTIONS, name: profile });
  const layer = compilePolicies(
    resolvePolicies(parsePolicies(imported.yaml, `${profile}.yaml`)),
    { arches: imported.arches },
  ).layers[0]!;
  const ours = timed(() => compileSeccomp(layer, ARCHES).instructions);
  const resolved = resolveOciProfile(json, OPTIONS);
  const theirs = timed(() => buildLibseccompProgram(resolved, isKnownSyscall, 2).instructions);
  const rows = [];
  for (const arch of ARCHES) {
    rows.push({
      profile,
      arch,
      cordon: measure(ours.value, arch, ours.ms),
      libseccomp: measure(theirs.value, arch, theirs.ms),
    });
  }
  return rows;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { format: { type: "string", default: "text" }, help: { type: "boolean" } },
  });
  if (values.help) {
    console.log("Usage: deno run -A bench/seccomp_vs_libseccomp.ts [--format text|json]");
    Deno.exit(0);
  }
  const missing = libseccompUnavailable();
  if (missing !== null) {
    console.error(`seccomp_vs_libseccomp: ${missing}`);
    Deno.exit(1);
  }
  const rows = ["docker-default", "podman-default"].flatMap(benchProfile);
  if (values.format === "json") {
    console.log(JSON.stringify({ libseccomp: libseccompVersion(), rows }, null, 2));
  } else {
    console.log(
      `Seccomp programs: Cordon vs libseccomp ${libseccompVersion()} (CTL_OPTIMIZE=2), ` +
        `arches ${ARCHES.join(", ")}; executed = instructions per syscall number 0..maxNr, args 0`,
    );
    const header = [
      "profile",
      "arch",
      "size C/L",
      "mean exec C/L",
      "max exec C/L",
      "allowed",
      "cache-eligible C/L",
      "build ms C/L",
    ];
    const lines = rows.map((r) => [
      r.profile,
      r.arch,
      `${r.cordon.instructions}/${r.libseccomp.instructions}`,
      `${r.cordon.meanExecuted}/${r.libseccomp.meanExecuted}`,
      `${r.cordon.maxExecuted}/${r.libseccomp.maxExecuted}`,
      `${r.cordon.allowed}/${r.libseccomp.allowed}`,
      `${r.cordon.cacheable}/${r.libseccomp.cacheable}`,
      `${r.cordon.buildMs.toFixed(2)}/${r.libseccomp.buildMs.toFixed(2)}`,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
    for (const line of [header, ...lines]) {
      console.log(line.map((cell, i) => cell.padEnd(widths[i]!)).join("  "));
    }
  }
}
