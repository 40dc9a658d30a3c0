/**
 * The OCI export checked against libseccomp: for every example policy and builtin, the program
 * libseccomp builds from the exported profile (the way runc does) and Cordon's own filter are run
 * side by side through our interpreter on every syscall number of x86_64, i386 and x32 with the
 * argument probes of each rule. The exported profile must never be looser than the policy, and
 * may differ only on the syscalls the export reported (each at its rule's FILE:LINE:COL).
 *
 * The program is built as runc builds it: libseccomp's default optimisation (runc does not ask
 * for the binary tree; with `SCMP_FLTATR_CTL_OPTIMIZE=2`, libseccomp 2.5.4 builds a wrong i386
 * program for some rule sets, e.g. an unconditional `getsockname` rule next to two conditional
 * `socket` rules lets `socket(AF_INET, 0, 1)` through). Names the installed libseccomp cannot
 * resolve are skipped by runc (and here): they get the default action, and only syscalls
 * libseccomp knows on every architecture must match the export's own report.
 */

import { ok } from "node:assert/strict";
import { kernelTest, unavailable } from "./_kernel.ts";
import {
  LibseccompError,
  LibseccompFilter,
  libseccompUnavailable,
  libseccompVersion,
  NR_SCMP_ERROR,
  resolveSyscall,
  SCMP_ARCH,
  SCMP_CMP,
  scmpAction,
} from "./_libseccomp.ts";
import type { SockFilter } from "../compile/sock_filter.ts";
import type { OciRuntimeSeccomp } from "../compile/oci.ts";
import type { Arch } from "../policies/types.ts";
import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import { AUDIT_ARCH } from "../policies/syscalls.ts";
import { compilePolicies } from "../compile/compile.ts";
import { compileSeccomp } from "../compile/seccomp.ts";
import { runSeccomp } from "../compile/bpf_interpreter.ts";
import { archOf, argProbes, probeNumbers } from "../compile/_seccomp_check.ts";
import { exportOciProfile, ociRuntimeSeccomp } from "../compile/oci.ts";
import {
  formatAction,
  SECCOMP_RET_ACTION_FULL,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE,
  SECCOMP_RET_TRAP,
  SECCOMP_RET_USER_NOTIF,
} from "../compile/sock_filter.ts";

const REASON = unavailable(libseccompUnavailable());
const ARCHES: Arch[] = ["x86_64", "i386", "x32"];
const EXAMPLES = new URL("../examples/policies/", import.meta.url);

function rank(ret: number): number {
  return [
    SECCOMP_RET_ALLOW,
    SECCOMP_RET_LOG,
    SECCOMP_RET_TRACE,
    SECCOMP_RET_USER_NOTIF,
    SECCOMP_RET_ERRNO,
    SECCOMP_RET_TRAP,
    SECCOMP_RET_KILL_THREAD,
    SECCOMP_RET_KILL_PROCESS,
  ].indexOf((ret & SECCOMP_RET_ACTION_FULL) >>> 0);
}

const TOKENS: Readonly<Record<string, number>> = {
  SCMP_ARCH_X86_64: SCMP_ARCH.X86_64,
  SCMP_ARCH_X86: SCMP_ARCH.X86,
  SCMP_ARCH_X32: SCMP_ARCH.X32,
};

/** The program runc builds from a runtime spec `linux.seccomp`, and the names it skipped. */
function runcProgram(
  seccomp: OciRuntimeSeccomp,
): { program: SockFilter[]; unresolved: Set<string> } {
  const defaultAction = scmpAction(seccomp.defaultAction, seccomp.defaultErrnoRet);
  using filter = new LibseccompFilter(defaultAction);
  for (const name of seccomp.architectures) {
    const token = TOKENS[name];
    if (token === undefined) throw new Error(`architecture ${name} is not bound here`);
    if (token !== SCMP_ARCH.X86_64) filter.addArch(token);
  }
  const unresolved = new Set<string>();
  for (const entry of seccomp.syscalls) {
    const action = scmpAction(entry.action, entry.errnoRet);
    if (action === defaultAction) continue;
    const conditions = (entry.args ?? []).map((a) => ({
      arg: a.index,
      op: SCMP_CMP[a.op.replace("SCMP_CMP_", "") as keyof typeof SCMP_CMP],
      datumA: BigInt(a.value),
      datumB: BigInt(a.valueTwo ?? 0),
    }));
    for (const name of entry.names) {
      const nr = resolveSyscall(name);
      if (nr === NR_SCMP_ERROR) {
        unresolved.add(name);
        continue;
      }
      const rc = filter.addRule(action, nr, conditions);
      if (rc < 0) throw new LibseccompError(`add rule ${name}`, rc);
    }
  }
  return { program: filter.exportBpf(), unresolved };
}

/** Whether libseccomp knows `name` on every architecture of the profile (else: skipped there). */
function knownEverywhere(name: string): boolean {
  return Object.values(TOKENS).every((token) => {
    const nr = resolveSyscall(name, token);
    return nr !== NR_SCMP_ERROR && nr > -10000;
  });
}

function sources(): [string, string][] {
  const files = [...Deno.readDirSync(EXAMPLES)].filter((e) => e.name.endsWith(".yaml"))
    .map((e) => e.name).sort();
  return [
    ...files.map((f): [string, string] => [
      `examples/policies/${f}`,
      Deno.readTextFileSync(new URL(f, EXAMPLES)),
    ]),
    [
      "builtin:baseline",
      "apiVersion: cordon/v1\nkind: Policy\nmetadata: { name: base }\nspec:\n  extends: [builtin:baseline]\n",
    ],
  ];
}

kernelTest(
  "exported OCI profiles, built by libseccomp as runc does, are never looser than the policy",
  REASON,
  async (t) => {
    const all = sources();
    ok(all.length >= 8, `${all.length} policies`);
    for (const [file, yaml] of all) {
      await t.step(file, () => {
        const layer = compilePolicies(
          resolvePolicies(parsePolicies(yaml, file, { baseDir: EXAMPLES.pathname })),
          {
            arches: ARCHES,
          },
        ).layers[0]!;
        const warned = new Set<string>();
        const profile = exportOciProfile(layer, {
          onWarning: (_m, w) => {
            if (w.syscall !== undefined) warned.add(w.syscall);
          },
        });
        const { program, unresolved } = runcProgram(ociRuntimeSeccomp(profile));
        const ours = compileSeccomp(layer, ARCHES, { enosysUnknown: false });
        let runs = 0;
        const differ = new Set<string>();
        for (const arch of ARCHES) {
          const filter = layer.arches.find((f) => f.arch === arch)!;
          for (const nr of probeNumbers(filter)) {
            const abi = archOf(ARCHES, AUDIT_ARCH[arch], nr);
            if (abi === undefined) continue;
            const decision = filter.syscalls.find((s) => s.nr === nr);
            const name = decision?.name ?? `${arch}:${nr}`;
            for (const args of argProbes(decision)) {
              const data = { arch: AUDIT_ARCH[arch], nr, args };
              const a = runSeccomp(ours, data).action >>> 0;
              const b = runSeccomp(program, data).action >>> 0;
              runs++;
              if (a === b) continue;
              if (unresolved.has(name) || !knownEverywhere(name)) continue;
              ok(
                rank(b) >= rank(a),
                `${file}: ${arch} ${name} args [${args.join(", ")}]: libseccomp ` +
                  `${formatAction(b)} is looser than Cordon's ${formatAction(a)} ` +
                  `(libseccomp ${libseccompVersion()})`,
              );
              differ.add(name);
            }
          }
        }
        ok(runs > 1000, `${runs} probes`);
        for (const name of differ) {
          ok(warned.has(name), `${file}: ${name} decided differently without a warning`);
        }
      });
    }
  },
);
