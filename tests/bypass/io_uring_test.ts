/**
 * Bypass suite: io_uring. Operations submitted through an io_uring (here `IORING_OP_OPENAT`)
 * run in the kernel without a syscall of their own, so a seccomp filter never sees them: a
 * policy that denies `openat` but allows io_uring is bypassed (measured in kernel.md, and shown
 * below). Cordon's answer: `builtin:baseline` denies `io_uring_setup` with ENOSYS (programs fall
 * back to plain syscalls), and lint warns when a restrictive policy allows it. Path rules that
 * hold under io_uring need Landlock (issue 6).
 */

import { kernelTest } from "../_kernel.ts";
import {
  allowProbes,
  assert,
  buildProbes,
  compileYaml,
  predict,
  PROBES_REASON,
  runProbe,
} from "../_probes.ts";
import { syscallNumber } from "../../policies/syscalls.ts";
import { parsePolicies } from "../../policies/parse.ts";
import { resolvePolicies } from "../../policies/resolve.ts";
import { compilePolicies } from "../../compile/compile.ts";
import { lintPolicies } from "../../compile/lint.ts";
import { hostArches } from "../../backends/linux/run.ts";

// A restrictive policy that denies every open syscall but (wrongly) re-allows io_uring.
const NAIVE = `
apiVersion: cordon/v1
kind: Policy
metadata: { name: naive-no-open }
spec:
  extends: [builtin:baseline]
  rules:
    - { id: no-open, syscalls: [open, openat, openat2, creat], action: deny, priority: 2000 }
    - { id: allow-io-uring, syscalls: [io_uring_setup, io_uring_enter, io_uring_register], action: allow, priority: 2000 }
`;

const BASELINE_ONLY = `
apiVersion: cordon/v1
kind: Policy
metadata: { name: baseline-only }
spec:
  extends: [builtin:baseline]
  rules:
    - { id: no-open, syscalls: [open, openat, openat2, creat], action: deny, priority: 2000 }
`;

Deno.test("bypass: lint warns when a restrictive policy allows io_uring_setup", () => {
  const set = parsePolicies(NAIVE, "naive.yaml");
  const resolved = resolvePolicies(set);
  const findings = lintPolicies(set, resolved, compilePolicies(resolved, { arches: ["x86_64"] }));
  const finding = findings.find((f) =>
    f.code === "dangerous-syscall-allowed" && f.message.includes("io_uring_setup")
  );
  assert(finding?.severity === "warning", `no io_uring warning in ${JSON.stringify(findings)}`);
  const safe = parsePolicies(BASELINE_ONLY, "baseline-only.yaml");
  const safeResolved = resolvePolicies(safe);
  const none = lintPolicies(
    safe,
    safeResolved,
    compilePolicies(safeResolved, { arches: ["x86_64"] }),
  )
    .filter((f) => f.message.includes("io_uring_setup"));
  assert(none.length === 0, `baseline must not be flagged: ${JSON.stringify(none)}`);
});

kernelTest(
  "bypass: io_uring opens a file past an openat deny unless io_uring_setup is denied",
  PROBES_REASON,
  async (t) => {
    // Static: no dynamic loader, so the probe makes no open syscall of its own. The probe is the
    // policies' own executable (allowProbes): builtin:baseline executes only system directories.
    await using probes = await buildProbes(["io_uring_openat"], { static: ["io_uring_openat"] });
    const arch = hostArches()[0]!;
    const setupNr = syscallNumber(arch, "io_uring_setup")!;
    const openatNr = syscallNumber(arch, "openat")!;
    const target = "/etc/hostname";

    await t.step(
      "naive policy: openat denied, io_uring allowed: the open goes through (bypass)",
      async () => {
        const set = await compileYaml(probes.dir, allowProbes(NAIVE, probes.dir));
        assert(predict(set, { arch, nr: openatNr }).kind === "errno", "openat must be denied");
        assert(predict(set, { arch, nr: setupNr }).kind === "ran", "io_uring_setup allowed here");
        const run = await runProbe(set, [probes.path("io_uring_openat"), target], {
          allowDegraded: true,
        });
        assert(run.json?.stage === "openat", JSON.stringify(run));
        assert(Number(run.json.res) >= 0, `io_uring's openat got ${run.json.res}: no bypass seen`);
      },
    );

    await t.step("baseline: io_uring_setup fails with ENOSYS, nothing is opened", async () => {
      const set = await compileYaml(probes.dir, allowProbes(BASELINE_ONLY, probes.dir));
      const predicted = predict(set, { arch, nr: setupNr, args: [4n, 0n] });
      assert(predicted.kind === "errno" && predicted.errno === 38, JSON.stringify(predicted));
      const run = await runProbe(set, [probes.path("io_uring_openat"), target], {
        allowDegraded: true,
      });
      assert(run.json?.stage === "setup" && run.json.errno === 38, JSON.stringify(run));
    });
  },
);
