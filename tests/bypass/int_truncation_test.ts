/**
 * Bypass suite: argument truncation. `seccomp_data.args[i]` is the whole 64-bit register, but
 * the kernel reads an `int` argument's low 32 bits only: `socket(AF_INET6 | 1 << 32, …)` is an
 * AF_INET6 socket to the kernel. A filter comparing all 64 bits lets it past a rule denying
 * `socket(AF_INET6, …)` (libseccomp's does, on x86_64). Ours compares the bits the kernel reads.
 */

import { kernelTest } from "../_kernel.ts";
import {
  assert,
  buildProbes,
  compileYaml,
  observed,
  type Outcome,
  predict,
  runProbe,
  X86_64_PROBES_REASON,
} from "../_probes.ts";
import { syscallNumber } from "../../policies/syscalls.ts";
import type { Arch } from "../../policies/types.ts";

const POLICY = `
apiVersion: cordon/v1
kind: Policy
metadata: { name: int-truncation }
spec:
  defaultAction: allow
  rules:
    - { id: sockets, syscalls: [socket], action: allow }
    - id: no-inet6
      syscalls: [socket]
      action: deny
      errno: EXDEV
      priority: 10
      args: [{ index: 0, op: eq, value: AF_INET6 }]
`;

const AF_INET = 2n;
const AF_INET6 = 10n;
const SOCK_STREAM = 1n;
const HIGH = 1n << 32n;
/**
 * The rule's errno: one no `socket` call returns by itself (the kernel's own EAFNOSUPPORT, for a
 * family it does not know, could pass for the rule's).
 */
const EXDEV = 18;

interface Case {
  readonly name: string;
  readonly arch: Arch;
  readonly family: bigint;
  readonly expected: Outcome;
}

const CASES: readonly Case[] = [
  {
    name: "socket(AF_INET6) is denied",
    arch: "x86_64",
    family: AF_INET6,
    expected: { kind: "errno", errno: EXDEV },
  },
  {
    name: "socket(AF_INET6 | 1 << 32) is denied too: the kernel reads AF_INET6",
    arch: "x86_64",
    family: AF_INET6 | HIGH,
    expected: { kind: "errno", errno: EXDEV },
  },
  {
    name: "socket(AF_INET6 | 0xffffffff << 32) is denied",
    arch: "x86_64",
    family: AF_INET6 | 0xffff_ffff_0000_0000n,
    expected: { kind: "errno", errno: EXDEV },
  },
  {
    // the premise, checked on the kernel: the upper half of an int argument is ignored
    name: "socket(AF_INET | 1 << 32) runs and makes an AF_INET socket",
    arch: "x86_64",
    family: AF_INET | HIGH,
    expected: { kind: "ran" },
  },
  {
    name: "i386 socket(AF_INET6) through int 0x80 with the upper half of ebx set is denied",
    arch: "i386",
    family: AF_INET6 | HIGH,
    expected: { kind: "errno", errno: EXDEV },
  },
];

kernelTest(
  "bypass: bits above an int argument's 32 do not dodge a deny rule",
  X86_64_PROBES_REASON,
  async (t) => {
    await using probes = await buildProbes(["syscall_probe"]);
    const set = await compileYaml(probes.dir, POLICY);
    for (const c of CASES) {
      await t.step(c.name, async () => {
        const nr = syscallNumber(c.arch, "socket");
        assert(nr !== undefined, `socket on ${c.arch}`);
        const args = [c.family, SOCK_STREAM, 0n];
        const predicted = predict(set, { arch: c.arch, nr, args });
        const abi = c.arch === "i386" ? ["--abi", "i386"] : [];
        const run = await runProbe(set, [
          probes.path("syscall_probe"),
          ...abi,
          String(nr),
          ...args.map((a) => `0x${a.toString(16)}`),
        ]);
        const actual = observed(run, (ret) => ret >= 0);
        const [a, p, e] = [actual, predicted, c.expected].map((o) => JSON.stringify(o));
        assert(p === e, `interpreter predicts ${p}, expected ${e}`);
        assert(a === e, `the kernel did ${a}, expected ${e}`);
      });
    }
  },
);
