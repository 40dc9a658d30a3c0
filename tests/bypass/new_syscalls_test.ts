/**
 * Bypass suite: syscalls newer than the headers. A deny list (`defaultAction: allow`) is only as
 * complete as Cordon's syscall tables: a syscall they lack has no number to deny, so a newer
 * spelling of a denied effect runs. `fchmodat2` (Linux 6.6) changes a mode like `fchmodat`;
 * `setxattrat`/`removexattrat`/`file_setattr` (6.13, 6.17) change attributes like their older
 * siblings; `getxattrat`, `listxattrat`, `file_getattr`, `statmount` (6.6–6.17) read metadata.
 * With the groups denied, each is denied by the kernel, and the file's mode is unchanged.
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

const EPERM = 1;
const AT_FDCWD = -100n;

function policy(name: string, deny: string): string {
  return `
apiVersion: cordon/v1
kind: Policy
metadata: { name: ${name} }
spec:
  defaultAction: allow
  defaultErrno: EPERM
  capabilities: { deny: [${deny}] }
  # about the seccomp layer: writes anywhere, as without the read-only view
  filesystem: { write: [/] }
`;
}

/** A call: [arch, syscall, probe args (FILE = the scratch file), filter-visible values]. */
type Call = [Arch, string, string[], bigint[]];

const ATTRIBUTE_CALLS: readonly Call[] = [
  ["x86_64", "fchmodat2", ["-100", "FILE", "0777", "0"], [AT_FDCWD, 0n, 0o777n, 0n]],
  ["i386", "fchmodat2", ["-100", "FILE", "0777", "0"], [AT_FDCWD, 0n, 0o777n, 0n]],
  ["x86_64", "removexattrat", ["-100", "FILE", "0", "s:user.cordon"], [AT_FDCWD, 0n, 0n, 0n]],
  ["x86_64", "setxattrat", ["-100", "FILE", "0", "s:user.cordon", "0", "0"], [AT_FDCWD]],
  ["x86_64", "file_setattr", ["-100", "FILE", "0", "0", "0"], [AT_FDCWD]],
];

const METADATA_CALLS: readonly Call[] = [
  ["x86_64", "getxattrat", ["-100", "FILE", "0", "s:user.cordon", "0", "0"], [AT_FDCWD]],
  ["x86_64", "listxattrat", ["-100", "FILE", "0", "0", "0"], [AT_FDCWD]],
  ["x86_64", "file_getattr", ["-100", "FILE", "0", "0", "0"], [AT_FDCWD]],
  ["x86_64", "statmount", ["0", "0", "0", "0"], []],
];

async function modeOf(path: string): Promise<number> {
  return (await Deno.stat(path)).mode! & 0o7777;
}

/** Runs `call` under `yaml` on a fresh 0644 file; returns what happened and the mode after. */
async function run(
  yaml: string,
  [arch, syscall, args, values]: Call,
  expected: Outcome,
  options: { static?: boolean } = {},
): Promise<number> {
  await using probes = await buildProbes(["syscall_probe"], {
    static: options.static ? ["syscall_probe"] : [],
  });
  const set = await compileYaml(probes.dir, yaml);
  const nr = syscallNumber(arch, syscall);
  assert(nr !== undefined, `${syscall} is not in the ${arch} table`);
  const file = `${probes.dir}/target`;
  await Deno.writeTextFile(file, "cordon\n");
  await Deno.chmod(file, 0o644);
  const predicted = predict(set, { arch, nr, args: values });
  const [p, e] = [predicted, expected].map((o) => JSON.stringify(o));
  assert(p === e, `interpreter predicts ${p}, expected ${e}`);
  const abi = arch === "i386" ? ["--abi", "i386"] : [];
  const result = await runProbe(set, [
    probes.path("syscall_probe"),
    ...abi,
    String(nr),
    ...args.map((a) => a === "FILE" ? `s:${file}` : a),
  ]);
  const actual = JSON.stringify(observed(result, (ret) => ret >= 0));
  assert(actual === e, `the kernel did ${actual}, expected ${e}`);
  return await modeOf(file);
}

kernelTest(
  "bypass: with fs.attributes denied, the newer attribute calls (fchmodat2, setxattrat, …) are denied",
  X86_64_PROBES_REASON,
  async (t) => {
    const yaml = policy("no-attributes", "fs.attributes");
    for (const call of ATTRIBUTE_CALLS) {
      await t.step(`${call[0]} ${call[1]}`, async () => {
        const mode = await run(yaml, call, { kind: "errno", errno: EPERM });
        assert(mode === 0o644, `the mode changed to 0${mode.toString(8)}`);
      });
    }
    // The premise, on this kernel: without the group denied, the same fchmodat2 changes the mode
    // (so the EPERM above is the filter's, and the tables' number is the kernel's).
    for (const arch of ["x86_64", "i386"] as const) {
      await t.step(
        `${arch} fchmodat2 runs and changes the mode when fs.attributes is allowed`,
        async () => {
          const call = ATTRIBUTE_CALLS.find(([a, s]) => a === arch && s === "fchmodat2")!;
          const mode = await run(policy("no-watch", "fs.watch"), call, { kind: "ran" });
          assert(mode === 0o777, `the mode is 0${mode.toString(8)}, not 0777`);
        },
      );
    }
  },
);

kernelTest(
  "bypass: with fs.metadata denied, the newer metadata reads (getxattrat, file_getattr, statmount, …) are denied",
  X86_64_PROBES_REASON,
  async (t) => {
    const yaml = policy("no-metadata", "fs.metadata");
    for (const call of METADATA_CALLS) {
      // Static: with fstat denied, the dynamic loader could not map libc.
      await t.step(`${call[0]} ${call[1]}`, async () => {
        await run(yaml, call, { kind: "errno", errno: EPERM }, { static: true });
      });
    }
    await t.step("x86_64 listxattrat runs when fs.metadata is allowed", async () => {
      const call = METADATA_CALLS.find(([, s]) => s === "listxattrat")!;
      await run(policy("no-watch", "fs.watch"), call, { kind: "ran" });
    });
  },
);
