/**
 * Bypass suite: `execveat` (and `fexecve`, which glibc implements with it) is the second way to
 * execute a program. A policy cannot deny `execve` under `cordon run` (the target itself is
 * started by an `execve` after the filter is installed, so such a policy is refused before
 * anything runs); denying `execveat` must stop it on every ABI, and the `proc.exec` group covers
 * both.
 */

import { kernelTest } from "../_kernel.ts";
import {
  assert,
  buildProbes,
  compileYaml,
  exists,
  NO_EXEC_POLICY,
  observed,
  predict,
  rejection,
  runProbe,
  X86_64_PROBES_REASON,
} from "../_probes.ts";
import { syscallNumber } from "../../policies/syscalls.ts";
import { CAPABILITY_GROUPS } from "../../policies/capability_groups.ts";
import type { Arch } from "../../policies/types.ts";
import { FilterPlanError, runConfined } from "../../backends/linux/run.ts";

const NO_EXECVEAT = `
apiVersion: cordon/v1
kind: Policy
metadata: { name: no-execveat }
spec:
  defaultAction: allow
  rules:
    - { syscalls: [execveat], action: deny, errno: EPERM }
`;

Deno.test("bypass: the proc.exec group covers execve and execveat", () => {
  const group = CAPABILITY_GROUPS["proc.exec"]?.syscalls ?? [];
  assert(group.includes("execve") && group.includes("execveat"), `proc.exec: ${group}`);
});

kernelTest(
  "bypass: execveat is denied on every ABI while execve keeps working",
  X86_64_PROBES_REASON,
  async (t) => {
    await using probes = await buildProbes(["syscall_probe"]);
    const set = await compileYaml(probes.dir, NO_EXECVEAT);
    const cases: [Arch, string[], number][] = [
      ["x86_64", ["-100", "s:/bin/true", "0", "0", "0"], 1],
      ["i386", ["-100", "s:/bin/true", "0", "0", "0"], 1],
      // fexecve's form: an fd (here an invalid one; the filter decides first) and AT_EMPTY_PATH,
      // which every policy denies with EACCES (an implied rule at priority 1000)
      ["x86_64", ["3", "s:", "0", "0", "0x1000"], 13],
    ];
    for (const [arch, args, errno] of cases) {
      await t.step(`${arch} execveat ${args.join(" ")}`, async () => {
        const nr = syscallNumber(arch, "execveat")!;
        const values = args.map((a) => a.startsWith("s:") ? 0n : BigInt(a));
        const predicted = predict(set, { arch, nr, args: values });
        assert(predicted.kind === "errno" && predicted.errno === errno, JSON.stringify(predicted));
        const abi = arch === "i386" ? ["--abi", "i386"] : [];
        const run = await runProbe(set, [
          probes.path("syscall_probe"),
          ...abi,
          String(nr),
          ...args,
        ]);
        // A successful execveat would replace the probe with /bin/true: no output, exit 0.
        const actual = observed(run, () => false);
        assert(JSON.stringify(actual) === JSON.stringify(predicted), JSON.stringify(run));
      });
    }
    await t.step("execve itself still runs programs", async () => {
      const result = await runConfined({ set, command: ["true"] });
      assert(result.code === 0, `true exited ${result.code}`);
    });
  },
);

kernelTest(
  "bypass: a policy denying execve is refused before anything runs",
  X86_64_PROBES_REASON,
  async () => {
    await using probes = await buildProbes([]);
    const set = await compileYaml(probes.dir, NO_EXEC_POLICY);
    const marker = `${probes.dir}/ran`;
    const caught = await rejection(runConfined({ set, command: ["touch", marker] }));
    assert(caught instanceof FilterPlanError && caught.code === "EXECVE_DENIED", String(caught));
    assert(!await exists(marker), "nothing must have run");
  },
);
