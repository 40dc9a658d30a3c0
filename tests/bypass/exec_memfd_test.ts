/**
 * Bypass suite: executing written code through a descriptor. Landlock's `EXECUTE` right is
 * checked on paths, and a memfd lives on an internal mount no path rule reaches: a program
 * limited by `filesystem.execute` could copy a program into a memfd and run it with
 * `execveat(fd, "", AT_EMPTY_PATH)` (what `fexecve` does) or `execve("/proc/self/fd/N")`.
 * Every policy denies `execveat` with `AT_EMPTY_PATH`; a policy that restricts execution
 * (`builtin:baseline`, or any `filesystem.execute` list) admits only memfds created with
 * `MFD_NOEXEC_SEAL`, which the kernel keeps non-executable for good. The probes copy
 * `/usr/bin/touch` and run it to create a marker file: the marker is the observable effect.
 */

import { hasFile, kernelTest, landlockAbi, PYTHON, unavailable } from "../_kernel.ts";
import {
  allowProbes,
  assert,
  buildProbes,
  compileYaml,
  exists,
  runProbe,
  X86_64_PROBES_REASON,
} from "../_probes.ts";
import { runConfined } from "../../backends/linux/run.ts";

const REASON = unavailable(X86_64_PROBES_REASON, landlockAbi() < 1 && "needs Landlock");
const EACCES = 13;
const TOUCH = "/usr/bin/touch";

const BASELINE = `apiVersion: cordon/v1
kind: Policy
metadata: { name: baseline-child }
spec:
  extends: [builtin:baseline]
`;

/** Everything allowed, but only the system's and the probes' programs may be executed. */
function permissive(probesDir: string): string {
  return `apiVersion: cordon/v1
kind: Policy
metadata: { name: exec-limited }
spec:
  defaultAction: allow
  filesystem:
    execute: [/usr, /bin, /lib, /lib64, ${JSON.stringify(probesDir)}]
`;
}

/** [name, probe arguments after the binary (MARKER: the marker's path), failing step, errno]. */
type Case = [string, string[], string, number];

const CASES: readonly Case[] = [
  [
    "memfd (MFD_CLOEXEC), execveat AT_EMPTY_PATH",
    ["memfd", "1", "execveat", TOUCH],
    "memfd",
    EACCES,
  ],
  ["memfd (MFD_CLOEXEC), execve /proc/self/fd/N", ["memfd", "1", "proc", TOUCH], "memfd", EACCES],
  ["memfd (no flags), execve /proc/self/fd/N", ["memfd", "0", "proc", TOUCH], "memfd", EACCES],
  ["memfd (MFD_EXEC), execve /proc/self/fd/N", ["memfd", "0x10", "proc", TOUCH], "memfd", EACCES],
  // sealed memfds are for data: they are created, and the kernel refuses to execute them
  [
    "memfd (MFD_NOEXEC_SEAL), execve /proc/self/fd/N",
    ["memfd", "9", "proc", TOUCH],
    "exec",
    EACCES,
  ],
  ["memfd (MFD_NOEXEC_SEAL), execveat", ["memfd", "9", "execveat", TOUCH], "exec", EACCES],
  ["O_PATH descriptor of a written file, execveat", ["opath", "COPY", "execveat"], "exec", EACCES],
];

kernelTest(
  "bypass: a memfd or descriptor copy of a program cannot be executed",
  REASON,
  async (t) => {
    await using probes = await buildProbes(["fd_exec"]);
    const scratch = await Deno.makeTempDir({ prefix: "cordon-written-" });
    try {
      const copy = `${scratch}/touch-copy`;
      await Deno.copyFile(TOUCH, copy);
      await Deno.chmod(copy, 0o755);
      const argvOf = (args: readonly string[], marker: string) => [
        probes.path("fd_exec"),
        ...args.map((a) => a === "COPY" ? copy : a),
        "touch",
        marker,
      ];
      let n = 0;
      await t.step("unconfined, every route runs the copy (the attack is real)", async () => {
        for (const [name, args, step] of CASES) {
          if (step === "exec" && args[0] === "memfd") continue; // the kernel refuses those anyway
          const marker = `${scratch}/unconfined-${n++}`;
          const [file, ...rest] = argvOf(args, marker);
          await new Deno.Command(file!, { args: rest, stdout: "null" }).output();
          assert(await exists(marker), `${name}: the unconfined copy did not run`);
        }
      });
      // The markers' directory is writable (else a copy that ran could not leave its marker).
      const writing = `    write: [${JSON.stringify(scratch)}]\n`;
      const policies: [string, string][] = [
        ["builtin:baseline", allowProbes(BASELINE, probes.dir) + writing],
        ["defaultAction allow with filesystem.execute", permissive(probes.dir) + writing],
      ];
      for (const [label, yaml] of policies) {
        const set = await compileYaml(probes.dir, yaml);
        for (const [name, args, step, errno] of CASES) {
          await t.step(`${label}: ${name}`, async () => {
            const marker = `${scratch}/marker-${n++}`;
            const run = await runProbe(set, argvOf(args, marker));
            assert(!await exists(marker), `${name}: the copy ran (${run.stdout})`);
            assert(
              run.json?.step === step && run.json?.errno === errno,
              `${name}: expected ${step} to fail with ${errno}, got ${run.stdout} (code ${run.code})`,
            );
          });
        }
        await t.step(`${label}: programs still run`, async () => {
          const marker = `${scratch}/touched-${n++}`;
          const result = await runConfined({ set, command: [TOUCH, marker] });
          assert(result.code === 0 && await exists(marker), `touch exited ${result.code}`);
        });
      }
    } finally {
      await Deno.remove(scratch, { recursive: true });
    }
  },
);

const PYTHON_SCRIPT = `
import os, sys
marker = sys.argv[1]
try:
    fd = os.memfd_create("copy")  # MFD_CLOEXEC, as most programs create theirs
except OSError as e:
    print("memfd-denied", e.errno)
    sys.exit(0)
with open("${TOUCH}", "rb") as f:
    os.write(fd, f.read())
try:
    os.execv(fd, ["touch", marker])  # fexecve: execveat(fd, "", AT_EMPTY_PATH)
except OSError:
    os.execv(f"/proc/self/fd/{fd}", ["touch", marker])
`;

kernelTest(
  "bypass: python3 cannot run a memfd copy under baseline",
  unavailable(REASON, !hasFile(PYTHON) && "needs python3"),
  async () => {
    await using probes = await buildProbes([]);
    const set = await compileYaml(probes.dir, BASELINE);
    const marker = `${probes.dir}/python-marker`;
    const result = await runConfined({
      set,
      command: [PYTHON, "-c", PYTHON_SCRIPT, marker],
      stdout: "piped",
    });
    const out = new TextDecoder().decode(result.stdout).trim();
    assert(!await exists(marker), `the memfd copy ran: ${out}`);
    assert(out === `memfd-denied ${EACCES}`, `python3 printed ${JSON.stringify(out)}`);
  },
);
