/**
 * Bypass suite: clone3. `clone3` takes its flags in a struct behind a pointer, which seccomp
 * cannot read, so a policy that restricts clone flags (no new namespaces) would be bypassed by
 * it. `builtin:baseline` answers clone3 with ENOSYS: glibc then falls back to `clone`, whose
 * flags are a plain argument the filter checks. Threads and fork keep working.
 */

import { kernelTest } from "../_kernel.ts";
import {
  allowProbes,
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

// The probes are this policy's own executables (filesystem.execute, added by allowProbes): the
// baseline's Landlock rules allow executing only the system's program directories. The runs
// accept degradation because this test is about the seccomp layer (where Landlock exists, its
// rules are applied all the same).
const POLICY = `
apiVersion: cordon/v1
kind: Policy
metadata: { name: no-namespaces }
spec:
  extends: [builtin:baseline]
`;

const CLONE_NEWUSER = 0x10000000n;
const SIGCHLD = 17n;

kernelTest(
  "bypass: clone3 gets ENOSYS, clone's namespace flags are denied, threads still work",
  X86_64_PROBES_REASON,
  async (t) => {
    await using probes = await buildProbes(["syscall_probe", "threads"]);
    const set = await compileYaml(probes.dir, allowProbes(POLICY, probes.dir));
    const cases: [string, Arch, string, string[], bigint[], Outcome][] = [
      ["clone3 (flags unreadable): ENOSYS", "x86_64", "clone3", ["0", "88"], [0n, 88n], {
        kind: "errno",
        errno: 38,
      }],
      ["i386 clone3: ENOSYS", "i386", "clone3", ["0", "88"], [0n, 88n], {
        kind: "errno",
        errno: 38,
      }],
      [
        "clone with CLONE_NEWUSER: denied",
        "x86_64",
        "clone",
        [String(CLONE_NEWUSER | SIGCHLD), "0", "0", "0", "0"],
        [CLONE_NEWUSER | SIGCHLD, 0n, 0n, 0n, 0n],
        { kind: "errno", errno: 1 },
      ],
      [
        "unshare(CLONE_NEWUSER): denied",
        "x86_64",
        "unshare",
        [String(CLONE_NEWUSER)],
        [CLONE_NEWUSER],
        { kind: "errno", errno: 1 },
      ],
    ];
    for (const [name, arch, syscall, args, values, expected] of cases) {
      await t.step(name, async () => {
        const nr = syscallNumber(arch, syscall)!;
        const predicted = predict(set, { arch, nr, args: values });
        assert(JSON.stringify(predicted) === JSON.stringify(expected), JSON.stringify(predicted));
        const abi = arch === "i386" ? ["--abi", "i386"] : [];
        const run = await runProbe(
          set,
          [probes.path("syscall_probe"), ...abi, String(nr), ...args],
          { allowDegraded: true },
        );
        const actual = observed(run, (ret) => ret >= 0);
        assert(JSON.stringify(actual) === JSON.stringify(predicted), JSON.stringify(run));
      });
    }
    await t.step("pthread_create (clone3, then the clone fallback) and fork work", async () => {
      const run = await runProbe(set, [probes.path("threads")], { allowDegraded: true });
      assert(run.json?.thread === 1 && run.json.fork === 1, JSON.stringify(run));
    });
  },
);
