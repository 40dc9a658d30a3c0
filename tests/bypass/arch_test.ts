/**
 * Bypass suite: architecture tricks. A 64-bit x86 process can make i386 syscalls with
 * `int $0x80` (the numbers differ: i386 39 is mkdir, x86_64 39 is getpid) and x32-numbered ones
 * (`nr | 0x40000000`). Our filters check `seccomp_data.arch` first and keep x86_64 and x32 apart
 * by the x32 bit, so each ABI is decided by its own table; an ABI not admitted is killed.
 */

import { kernelTest } from "../_kernel.ts";
import {
  assert,
  buildProbes,
  compileYaml,
  observed,
  type Outcome,
  predict,
  type PredictedCall,
  runProbe,
  X86_64_PROBES_REASON,
} from "../_probes.ts";
import { syscallNumber } from "../../policies/syscalls.ts";
import type { Arch } from "../../policies/types.ts";

const POLICY = `
apiVersion: cordon/v1
kind: Policy
metadata: { name: arch-tricks }
spec:
  defaultAction: allow
  rules:
    - { id: no-mkdir, syscalls: [mkdir, mkdirat], action: deny, errno: EACCES }
    - { id: no-semget, syscalls: [semget], action: deny, errno: EXDEV }
`;

interface Case {
  readonly name: string;
  readonly arch: Arch;
  readonly syscall: string;
  /** Probe arguments; `DIR` is replaced by a fresh path. */
  readonly args: readonly string[];
  readonly ranWhen: (ret: number, errno: number) => boolean;
  /** What the kernel must do (and the interpreter predict). */
  readonly expected: Outcome;
  /** Architectures the filter admits; default the host's (x86_64, i386, x32). */
  readonly admitted?: readonly Arch[];
}

const ENOSYS = 38;
const CASES: readonly Case[] = [
  {
    name: "i386 mkdir through int 0x80 is denied like the native one",
    arch: "i386",
    syscall: "mkdir",
    args: ["DIR", "0755"],
    ranWhen: (ret) => ret === 0,
    expected: { kind: "errno", errno: 13 },
  },
  {
    name: "i386 number 64 is getppid, not x86_64's semget: allowed",
    arch: "i386",
    syscall: "getppid",
    args: [],
    ranWhen: (ret) => ret > 0,
    expected: { kind: "ran" },
  },
  {
    name: "x86_64 number 64 (semget) is denied",
    arch: "x86_64",
    syscall: "semget",
    args: ["0", "1", "0"],
    ranWhen: (ret) => ret >= 0,
    expected: { kind: "errno", errno: 18 },
  },
  {
    name: "i386 mkdir is killed when only x86_64 is admitted",
    arch: "i386",
    syscall: "mkdir",
    args: ["DIR", "0755"],
    ranWhen: (ret) => ret === 0,
    expected: { kind: "killed" },
    admitted: ["x86_64"],
  },
  {
    name: "x32-numbered mkdir is decided by the filter (EACCES), not left to the kernel",
    arch: "x32",
    syscall: "mkdir",
    args: ["DIR", "0755"],
    ranWhen: (ret) => ret === 0,
    expected: { kind: "errno", errno: 13 },
  },
  {
    name: "x32-numbered getppid is allowed by the filter (this kernel has no x32: ENOSYS)",
    arch: "x32",
    syscall: "getppid",
    args: [],
    ranWhen: (ret, errno) => ret > 0 || errno === ENOSYS,
    expected: { kind: "ran" },
  },
  {
    name: "x32-numbered getppid is killed when x32 is not admitted",
    arch: "x32",
    syscall: "getppid",
    args: [],
    ranWhen: (ret, errno) => ret > 0 || errno === ENOSYS,
    expected: { kind: "killed" },
    admitted: ["x86_64", "i386"],
  },
];

kernelTest(
  "bypass: i386 and x32 syscalls from a 64-bit process are decided by their own ABI",
  X86_64_PROBES_REASON,
  async (t) => {
    await using probes = await buildProbes(["syscall_probe"]);
    let index = 0;
    for (const c of CASES) {
      await t.step(c.name, async () => {
        const admitted = c.admitted ?? ["x86_64", "i386", "x32"];
        const set = await compileYaml(probes.dir, POLICY, admitted);
        const nr = syscallNumber(c.arch, c.syscall);
        assert(nr !== undefined, `${c.syscall} on ${c.arch}`);
        const path = `${probes.dir}/made-${index++}`;
        const args = c.args.map((a) => a === "DIR" ? `s:${path}` : a);
        const values = c.args.map((a) =>
          a === "DIR" ? 0n : BigInt(a.startsWith("0") && a !== "0" ? `0o${a.slice(1)}` : a)
        );
        const call: PredictedCall = { arch: c.arch, nr, args: values };
        const predicted = predict(set, call, admitted);
        const abi = c.arch === "i386" ? ["--abi", "i386"] : [];
        const run = await runProbe(
          set,
          [probes.path("syscall_probe"), ...abi, String(nr), ...args],
          {
            arches: admitted,
          },
        );
        const actual = observed(run, c.ranWhen);
        const [a, p, e] = [actual, predicted, c.expected].map((o) => JSON.stringify(o));
        assert(p === e, `interpreter predicts ${p}, expected ${e}`);
        assert(a === p, `the kernel did ${a}, the interpreter predicts ${p}`);
        if (c.args.includes("DIR") && actual.kind !== "ran") {
          let created = true;
          try {
            await Deno.lstat(path);
          } catch {
            created = false;
          }
          assert(!created, `${path} must not have been created`);
        }
      });
    }
  },
);
