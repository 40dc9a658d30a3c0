/**
 * Bypass suite: equivalent syscalls. Creating a file has many spellings (open, openat, openat2,
 * creat, mknod, and their i386 numbers); a policy that denies creation must catch them all.
 * With the `fs.create` capability group denied, every spelling fails. A finer policy that
 * allows opening for reading checks `O_CREAT` on open/openat (flags are a plain argument) and
 * answers openat2, whose flags sit behind a pointer seccomp cannot read, with ENOSYS, so that
 * libc falls back to openat.
 */

import { kernelTest } from "../_kernel.ts";
import {
  assert,
  buildProbes,
  compileYaml,
  exists,
  observed,
  type Outcome,
  predict,
  runProbe,
  X86_64_PROBES_REASON,
} from "../_probes.ts";
import { syscallNumber } from "../../policies/syscalls.ts";
import type { Arch } from "../../policies/types.ts";

const O_WRONLY_CREAT = 0x41n;
const AT_FDCWD = -100n;
const OPEN_HOW_SIZE = 24n;

/** A call: [arch, syscall, probe args (FILE = the path to create), filter-visible values]. */
type Spelling = [Arch, string, string[], bigint[]];

const SPELLINGS: readonly Spelling[] = [
  ["x86_64", "open", ["FILE", "0x41", "0644"], [0n, O_WRONLY_CREAT, 0o644n]],
  ["x86_64", "creat", ["FILE", "0644"], [0n, 0o644n]],
  ["x86_64", "openat", ["-100", "FILE", "0x41", "0644"], [AT_FDCWD, 0n, O_WRONLY_CREAT, 0o644n]],
  ["x86_64", "openat2", ["-100", "FILE", "how:0x41:0644", "24"], [AT_FDCWD, 0n, 0n, OPEN_HOW_SIZE]],
  ["x86_64", "mknod", ["FILE", "0x11a4", "0"], [0n, 0x11a4n, 0n]], // S_IFIFO | 0644
  ["x86_64", "mknodat", ["-100", "FILE", "0x11a4", "0"], [AT_FDCWD, 0n, 0x11a4n, 0n]],
  ["x86_64", "symlink", ["s:/etc/hostname", "FILE"], [0n, 0n]],
  ["i386", "open", ["FILE", "0x41", "0644"], [0n, O_WRONLY_CREAT, 0o644n]],
  ["i386", "creat", ["FILE", "0644"], [0n, 0o644n]],
  ["i386", "openat", ["-100", "FILE", "0x41", "0644"], [AT_FDCWD, 0n, O_WRONLY_CREAT, 0o644n]],
];

const GROUP_POLICY = `
apiVersion: cordon/v1
kind: Policy
metadata: { name: no-create }
spec:
  defaultAction: allow
  defaultErrno: EPERM
  capabilities: { deny: [fs.create] }
`;

// open's flags are argument 1, openat's argument 2.
const FINE_POLICY = `
apiVersion: cordon/v1
kind: Policy
metadata: { name: read-only-opens }
spec:
  defaultAction: allow
  defaultErrno: EPERM
  rules:
    - id: no-open-creat
      syscalls: [open]
      action: deny
      args: [{ index: 1, op: masked_eq, mask: O_CREAT, value: O_CREAT }]
    - id: no-openat-creat
      syscalls: [openat]
      action: deny
      args: [{ index: 2, op: masked_eq, mask: O_CREAT, value: O_CREAT }]
    - { id: no-creat, syscalls: [creat, mknod, mknodat, symlink, symlinkat], action: deny }
    - { id: openat2-falls-back, syscalls: [openat2], action: deny, errno: ENOSYS }
`;

async function checkSpellings(
  t: Deno.TestContext,
  policy: string,
  expectedOf: (syscall: string) => Outcome,
): Promise<void> {
  // Static: with every open denied, the dynamic loader could not load libc.
  await using probes = await buildProbes(["syscall_probe"], { static: ["syscall_probe"] });
  const set = await compileYaml(probes.dir, policy);
  let index = 0;
  for (const [arch, syscall, args, values] of SPELLINGS) {
    await t.step(`${arch} ${syscall}`, async () => {
      const nr = syscallNumber(arch, syscall);
      assert(nr !== undefined, `${syscall} on ${arch}`);
      const file = `${probes.dir}/created-${index++}`;
      const predicted = predict(set, { arch, nr, args: values });
      const expected = expectedOf(syscall);
      assert(
        JSON.stringify(predicted) === JSON.stringify(expected),
        `interpreter predicts ${JSON.stringify(predicted)}, expected ${JSON.stringify(expected)}`,
      );
      const abi = arch === "i386" ? ["--abi", "i386"] : [];
      const probeArgs = args.map((a) => a === "FILE" ? `s:${file}` : a);
      const run = await runProbe(set, [
        probes.path("syscall_probe"),
        ...abi,
        String(nr),
        ...probeArgs,
      ]);
      const actual = observed(run, (ret) => ret >= 0);
      assert(
        JSON.stringify(actual) === JSON.stringify(predicted),
        `the kernel did ${JSON.stringify(actual)}, predicted ${JSON.stringify(predicted)}`,
      );
      assert(!await exists(file), `${syscall} must not have created ${file}`);
    });
  }
}

kernelTest(
  "bypass: with fs.create denied, no spelling of file creation creates a file",
  X86_64_PROBES_REASON,
  (t) => checkSpellings(t, GROUP_POLICY, () => ({ kind: "errno", errno: 1 })),
);

kernelTest(
  "bypass: a read-only-opens policy catches O_CREAT on open/openat, creat, mknod, and answers openat2 with ENOSYS",
  X86_64_PROBES_REASON,
  async (t) => {
    await checkSpellings(
      t,
      FINE_POLICY,
      (syscall) =>
        syscall === "openat2" ? { kind: "errno", errno: 38 } : { kind: "errno", errno: 1 },
    );
    await t.step("opening for reading still works (openat O_RDONLY)", async () => {
      await using probes = await buildProbes(["syscall_probe"]);
      const set = await compileYaml(probes.dir, FINE_POLICY);
      const nr = syscallNumber("x86_64", "openat")!;
      const predicted = predict(set, { arch: "x86_64", nr, args: [AT_FDCWD, 0n, 0n, 0n] });
      const run = await runProbe(set, [
        probes.path("syscall_probe"),
        String(nr),
        "-100",
        "s:/etc/hostname",
        "0",
      ]);
      const actual = observed(run, (ret) => ret >= 0);
      assert(predicted.kind === "ran" && actual.kind === "ran", `${JSON.stringify(actual)}`);
    });
  },
);
