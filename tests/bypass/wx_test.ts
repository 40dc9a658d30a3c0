/**
 * Bypass suite: W^X (`spec.memory.writeExecute: deny`). Denying `mprotect(PROT_EXEC)` alone
 * leaves other ways to run code a program wrote into memory: an anonymous
 * `mmap(PROT_WRITE | PROT_EXEC)`, a memfd mapped once writable (shared) and once executable,
 * SysV shared memory attached with `SHM_EXEC`, and `personality(READ_IMPLIES_EXEC)`, after which
 * the kernel adds `PROT_EXEC` to every readable mapping. The probe writes `mov eax, 42; ret` by
 * each route and calls it: `{"ran":42}` is the observable escape. Dynamically linked programs
 * (the loader maps libraries read-only and executable from files) must keep starting.
 */

import { hasFile, kernelTest, PYTHON } from "../_kernel.ts";
import {
  allowProbes,
  assert,
  buildProbes,
  compileYaml,
  runProbe,
  X86_64_PROBES_REASON,
} from "../_probes.ts";
import { runConfined } from "../../backends/linux/run.ts";

const EPERM = 1;

const BASELINE_WX = `apiVersion: cordon/v1
kind: Policy
metadata: { name: baseline-wx }
spec:
  extends: [builtin:baseline]
  memory:
    writeExecute: deny
`;

/** Everything allowed (personality, SysV IPC, memfds, …) but W^X. */
const PERMISSIVE_WX = `apiVersion: cordon/v1
kind: Policy
metadata: { name: permissive-wx }
spec:
  defaultAction: allow
  memory:
    writeExecute: deny
`;

/** [route, probe arguments, the step that must fail]. */
const ROUTES: readonly [string, string[], string][] = [
  ["anonymous mmap(PROT_WRITE | PROT_EXEC)", ["anon-rwx"], "mmap"],
  ["anonymous mmap(PROT_WRITE), then mprotect(PROT_EXEC)", ["anon-mprotect"], "mprotect"],
  ["memfd mapped shared RW and private RX", ["memfd-dual", "0"], "memfd"],
  ["sealed memfd (MFD_NOEXEC_SEAL) mapped RW and RX", ["memfd-dual", "9"], "memfd"],
  ["SysV shared memory attached with SHM_EXEC", ["shm-exec"], "shmat"],
  ["personality(READ_IMPLIES_EXEC), then mmap(PROT_READ | PROT_WRITE)", [
    "read-implies-exec",
  ], "personality"],
];

kernelTest("bypass: W^X leaves no route to run written code", X86_64_PROBES_REASON, async (t) => {
  await using probes = await buildProbes(["wx"]);
  await t.step("unconfined, every route runs the written code (the attack is real)", async () => {
    for (const [route, args] of ROUTES) {
      const out = await new Deno.Command(probes.path("wx"), { args, stdout: "piped" }).output();
      const line = new TextDecoder().decode(out.stdout).trim();
      assert(line === '{"ran":42}', `${route}: unconfined probe printed ${line}`);
    }
  });
  const policies: [string, string][] = [
    ["builtin:baseline + W^X", allowProbes(BASELINE_WX, probes.dir)],
    ["defaultAction allow + W^X", PERMISSIVE_WX],
  ];
  for (const [label, yaml] of policies) {
    const set = await compileYaml(probes.dir, yaml);
    for (const [route, args, step] of ROUTES) {
      await t.step(`${label}: ${route}`, async () => {
        const run = await runProbe(set, [probes.path("wx"), ...args]);
        assert(run.json?.ran === undefined, `${route}: the written code ran`);
        assert(
          run.json?.step === step && run.json?.errno === EPERM,
          `${route}: expected ${step} to fail with EPERM, got ${run.stdout} (code ${run.code})`,
        );
      });
    }
    await t.step(`${label}: dynamically linked programs start`, async () => {
      for (const command of [["true"], ["ls", "/"], [PYTHON, "-c", "print(6 * 7)"]]) {
        if (command[0] === PYTHON && !hasFile(PYTHON)) continue;
        const result = await runConfined({ set, command, stdout: "piped" });
        const out = new TextDecoder().decode(result.stdout);
        assert(result.code === 0, `${command.join(" ")} exited ${result.code}: ${out}`);
        if (command[0] === PYTHON) assert(out.trim() === "42", `python3 printed ${out}`);
      }
    });
  }
});
