/**
 * The OCI comparison with libseccomp: for Docker's and Podman's default profiles, our compiled
 * program and the one libseccomp builds (the way runc does) are run side by side through our
 * interpreter on every syscall number of x86_64, i386 and x32 (and numbers beyond), with the
 * argument values each profile mentions, those ±1, and 0. No disagreement is allowed.
 *
 * Values wider than what the kernel reads of an argument are left out of that comparison: Cordon
 * compares only the low 32 bits of an `int` (what the kernel reads), libseccomp the whole
 * register on x86_64 (and 32 bits on i386 and x32, whatever the type). That difference is
 * asserted on its own below: it is where libseccomp's filters can be dodged (Docker's
 * `socket(AF_VSOCK | 1 << 32, …)` passes libseccomp's `> 40`, the kernel reads `AF_VSOCK`).
 *
 * The comparison is on the syscalls both sides know: names a profile lists that Cordon's tables
 * lack are left out of both programs, and the numbers of syscalls Cordon's (newer) tables have but
 * the installed libseccomp does not know on an architecture (2.5.4 predates fchmodat2, mseal, …)
 * are left out of the sweep. A test names both lists and bounds them.
 */

import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import type { Arch } from "../policies/types.ts";
import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";
import {
  AUDIT_ARCH,
  isKnownSyscall,
  syscallName,
  syscallNumber,
  syscallTable,
  X32_SYSCALL_BIT,
} from "../policies/syscalls.ts";
import { syscallArgWidth } from "../policies/syscall_arg_width.ts";
import { compilePolicies } from "../compile/compile.ts";
import { compileSeccomp, type SeccompProgram } from "../compile/seccomp.ts";
import { runSeccomp, validateSeccompProgram } from "../compile/bpf_interpreter.ts";
import {
  DOCKER_DEFAULT_CAPS,
  importOciProfile,
  type OciImportOptions,
  parseOciProfile,
  type ResolvedOciProfile,
  resolveOciProfile,
} from "../compile/oci.ts";
import { formatAction, type SockFilter } from "../compile/sock_filter.ts";
import { kernelTest } from "./_kernel.ts";
import {
  buildLibseccompProgram,
  libseccompUnavailable,
  libseccompVersion,
  NR_SCMP_ERROR,
  resolveSyscall,
  SCMP_ARCH,
} from "./_libseccomp.ts";

const SHARED = new URL("../../shared/data/oci/", import.meta.url);
const PROFILES = ["docker-default", "podman-default"] as const;
const OPTIONS: OciImportOptions = { caps: DOCKER_DEFAULT_CAPS, arch: "x86_64", minKernel: "6.1" };
const ARCHES: Arch[] = ["x86_64", "i386", "x32"];
const U32 = 1n << 32n;
const reason = libseccompUnavailable();
const SCMP_TOKEN: Readonly<Record<string, number>> = {
  x86_64: SCMP_ARCH.X86_64,
  i386: SCMP_ARCH.X86,
  x32: SCMP_ARCH.X32,
};

let newer: ReadonlyMap<Arch, ReadonlySet<string>> | undefined;

/**
 * libseccomp's pseudo-numbers (`__PNR_*`, seccomp-syscalls.h) for names it believes an
 * architecture lacks start here. Those above it (-101… for the i386 socket calls, -201… for the
 * SysV IPC calls) are the multiplexed calls libseccomp still filters, by their direct numbers and
 * through socketcall/ipc: they stay in the comparison.
 */
const PNR_ABSENT = -10000;

/**
 * Per architecture, the syscalls of Cordon's table that the installed libseccomp does not know
 * there: names it cannot resolve at all, or resolves to an "absent on this architecture"
 * pseudo-number where the kernel's headers give a number (newer than libseccomp's tables).
 */
function newerThanLibseccomp(): ReadonlyMap<Arch, ReadonlySet<string>> {
  newer ??= new Map(ARCHES.map((arch) => [
    arch,
    new Set(
      [...syscallTable(arch).byName.keys()].filter((n) => {
        const nr = resolveSyscall(n, SCMP_TOKEN[arch]);
        return nr === NR_SCMP_ERROR || nr <= PNR_ABSENT;
      }),
    ),
  ]));
  return newer;
}

/** Whether `name` is a syscall of `arch` that only Cordon's tables know (left out of sweeps). */
function onlyCordonKnows(arch: Arch, name: string): boolean {
  return newerThanLibseccomp().get(arch)!.has(name);
}

interface Pair {
  readonly resolved: ResolvedOciProfile;
  readonly ours: (options: { enosysUnknown?: boolean }) => SeccompProgram;
  readonly theirs: SockFilter[];
  /** Names the profile allows that Cordon's tables lack (left out of both sides). */
  readonly untabled: string[];
}

function build(profile: string): Pair {
  const json = parseOciProfile(Deno.readTextFileSync(new URL(`${profile}.json`, SHARED)));
  const resolved = resolveOciProfile(json, OPTIONS);
  const imported = importOciProfile(json, { ...OPTIONS, name: profile });
  assertEquals(imported.arches, ARCHES);
  const set = compilePolicies(resolvePolicies(parsePolicies(imported.yaml, `${profile}.yaml`)), {
    arches: imported.arches,
  });
  const untabled = new Set<string>();
  const theirs = buildLibseccompProgram(resolved, (name) => {
    if (isKnownSyscall(name)) return true;
    untabled.add(name);
    return false;
  });
  const unknown = theirs.unresolved.filter((name) => !onlyCordonKnows("x86_64", name));
  assertEquals(unknown, [], "libseccomp resolves every name both know");
  validateSeccompProgram(theirs.instructions);
  return {
    resolved,
    ours: (options) => compileSeccomp(set.layers[0]!, imported.arches, options),
    theirs: theirs.instructions,
    untabled: [...untabled].sort(),
  };
}

/** Argument vectors for one syscall: 0, each mentioned value (and valueTwo) and ±1, together. */
function argVectors(resolved: ResolvedOciProfile, name: string, arch: Arch): bigint[][] {
  const vectors: bigint[][] = [[0n, 0n, 0n, 0n, 0n, 0n]];
  // libseccomp compares only the low 32 bits on i386 and x32 (ARCH_SIZE_32), all 64 on x86_64;
  // Cordon compares the bits the kernel reads (32 of an `int`, 16 of a `umode_t`): values that
  // fit both are compared here, wider ones in the tests of the documented differences below
  const fits = (v: bigint, index: number) => {
    const width = BigInt(syscallArgWidth(name, arch, index) ?? 64);
    const limit = arch === "x86_64" || width < 32n ? width : 32n;
    return v >= 0n && v < (1n << limit);
  };
  for (const entry of resolved.syscalls) {
    if (!entry.names.includes(name) || entry.args.length === 0) continue;
    const together = [0n, 0n, 0n, 0n, 0n, 0n];
    for (const arg of entry.args) {
      together[arg.index] = arg.op === "SCMP_CMP_MASKED_EQ" ? arg.valueTwo : arg.value;
    }
    vectors.push(together);
    for (const arg of entry.args) {
      for (const base of [arg.value, arg.valueTwo]) {
        for (const v of [base - 1n, base, base + 1n]) {
          if (!fits(v, arg.index)) continue;
          const alone = [0n, 0n, 0n, 0n, 0n, 0n];
          alone[arg.index] = v;
          vectors.push(alone);
          const inContext = together.slice();
          inContext[arg.index] = v;
          vectors.push(inContext);
        }
      }
    }
  }
  return vectors;
}

/** The numbers compared on one architecture: its whole table, 64 beyond, and the edges. */
function numbersOf(arch: Arch): number[] {
  const table = syscallTable(arch);
  const base = arch === "x32" ? X32_SYSCALL_BIT : 0;
  const numbers: number[] = [];
  for (let nr = base; nr <= table.maxNr + 64; nr++) numbers.push(nr);
  if (arch === "x86_64") numbers.push(X32_SYSCALL_BIT - 1);
  if (arch !== "x86_64") numbers.push(0x7fffffff, 0xffffffff);
  return numbers;
}

function compare(
  ours: SeccompProgram,
  theirs: readonly SockFilter[],
  resolved: ResolvedOciProfile,
): { runs: number; disagreements: string[] } {
  const disagreements: string[] = [];
  let runs = 0;
  for (const arch of ARCHES) {
    for (const nr of numbersOf(arch)) {
      const name = syscallName(arch, nr) ?? "";
      if (onlyCordonKnows(arch, name)) continue;
      for (const args of argVectors(resolved, name, arch)) {
        const data = { arch: AUDIT_ARCH[arch], nr, args };
        const a = runSeccomp(ours, data).action >>> 0;
        const b = runSeccomp(theirs, data).action >>> 0;
        runs++;
        if (a !== b) {
          disagreements.push(
            `${arch} ${name || nr} (${nr}) args [${args.join(", ")}]: ours ${formatAction(a)}, ` +
              `libseccomp ${formatAction(b)}`,
          );
        }
      }
    }
  }
  for (const arch of [AUDIT_ARCH.aarch64, 0]) {
    const data = { arch, nr: 0, args: [] };
    assertEquals(runSeccomp(ours, data).action, runSeccomp(theirs, data).action);
  }
  return { runs, disagreements };
}

for (const profile of PROFILES) {
  kernelTest(
    `compiled ${profile} decides like libseccomp on every x86_64, i386 and x32 number`,
    reason,
    () => {
      const pair = build(profile);
      const { runs, disagreements } = compare(
        pair.ours({ enosysUnknown: false }),
        pair.theirs,
        pair.resolved,
      );
      ok(runs > 1500, `${runs} comparisons`);
      if (disagreements.length > 0) {
        throw new Error(
          `${disagreements.length} disagreements with libseccomp ${libseccompVersion()}:\n` +
            disagreements.slice(0, 40).join("\n"),
        );
      }
    },
  );
}

kernelTest(
  "compiled docker-default returns ENOSYS where libseccomp returns the default, and only there",
  reason,
  () => {
    const pair = build("docker-default");
    const ours = pair.ours({});
    let enosys = 0;
    for (const arch of ARCHES) {
      const table = syscallTable(arch);
      for (const nr of numbersOf(arch)) {
        const data = { arch: AUDIT_ARCH[arch], nr, args: [] };
        const a = runSeccomp(ours, data).action >>> 0;
        const b = runSeccomp(pair.theirs, data).action >>> 0;
        if (table.byNumber.has(nr)) {
          if (onlyCordonKnows(arch, table.byNumber.get(nr)!)) continue;
          assertEquals(formatAction(a), formatAction(b), `${arch} ${nr}`);
        } else {
          assertEquals(formatAction(a), "ERRNO(38)", `${arch} ${nr} is not in the tables`);
          if (b !== a) enosys++;
        }
      }
    }
    ok(enosys > 100, `${enosys} numbers beyond the tables get ENOSYS instead of EPERM`);
  },
);

kernelTest(
  "the comparison leaves out only syscalls one side lacks, and names them",
  reason,
  () => {
    const pair = build("docker-default");
    // newer than the linux-libc-dev headers the tables were generated from
    for (const name of pair.untabled) ok(!isKnownSyscall(name), name);
    ok(!pair.untabled.includes("read") && pair.untabled.length < 30, pair.untabled.join(", "));
    // newer than libseccomp: every one of them is in Cordon's table, and newer than rseq (Linux
    // 4.18, x86_64 334), which any libseccomp 2.5 knows; the bulk of the table is compared
    for (const [arch, names] of newerThanLibseccomp()) {
      const list = [...names].sort().join(", ");
      ok(names.size < 40, `${arch}: libseccomp ${libseccompVersion()} lacks ${list}`);
      for (const name of names) {
        const nr = syscallNumber(arch, name)! & ~X32_SYSCALL_BIT;
        const rseq = syscallNumber(arch, "rseq")! & ~X32_SYSCALL_BIT;
        ok(nr > rseq, `${arch} ${name} (${nr}) is older than rseq, yet libseccomp lacks it`);
      }
    }
  },
);

kernelTest(
  "32-bit arguments: Cordon compares the low 32 bits the kernel reads, libseccomp on x86_64 all 64 (documented difference)",
  reason,
  () => {
    const pair = build("docker-default");
    const ours = pair.ours({ enosysUnknown: false });
    const run = (program: SeccompProgram | SockFilter[], arch: Arch, name: string, arg: bigint) => {
      const nr = syscallNumber(arch, name);
      ok(nr !== undefined, `${name} on ${arch}`);
      const data = { arch: AUDIT_ARCH[arch], nr, args: [arg] };
      return formatAction(runSeccomp(program, data).action);
    };
    // socket(AF_VSOCK | 1 << 32): the kernel reads family 40, which Docker's profile denies
    assertEquals(run(ours, "x86_64", "socket", U32 | 40n), "ERRNO(1)");
    assertEquals(run(pair.theirs, "x86_64", "socket", U32 | 40n), "ALLOW", "libseccomp dodged");
    assertEquals(run(ours, "x86_64", "socket", 40n), run(pair.theirs, "x86_64", "socket", 40n));
    // personality(8 | 1 << 32) is personality(8) to the kernel, which the profile allows
    assertEquals(run(ours, "x86_64", "personality", U32 | 8n), "ALLOW");
    assertEquals(run(pair.theirs, "x86_64", "personality", U32 | 8n), "ERRNO(1)");
    // on x32, libseccomp compares 32 bits whatever the type: for an int, both agree
    assertEquals(run(ours, "x32", "personality", U32 | 8n), "ALLOW");
    assertEquals(run(pair.theirs, "x32", "personality", U32 | 8n), "ALLOW");
    // clone's flags are an unsigned long: both compare the whole register on x86_64
    const newUser = U32 | 0x10000000n; // CLONE_NEWUSER, and a bit above the low half
    assertEquals(run(ours, "x86_64", "clone", newUser), "ERRNO(1)");
    assertEquals(run(pair.theirs, "x86_64", "clone", newUser), "ERRNO(1)");
  },
);
