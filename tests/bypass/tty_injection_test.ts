/**
 * Bypass suite: terminal injection. Started from a terminal, the command shares `cordon run`'s
 * controlling terminal; `ioctl(TIOCSTI)` pushes characters into its input queue, which the shell
 * reads (and runs) once `cordon run` exits: the command types commands into an unconfined shell.
 * `TIOCLINUX` can paste a selection on a virtual console the same way. Every policy implies a deny
 * of both (`compile/implied_rules.ts`, overridable only by a written rule above priority 1000).
 *
 * The effect observed: what reaches the terminal's input queue, read back non-canonically by the
 * probe itself. Unconfined, and under a policy that allows `TIOCSTI` on purpose, the injected
 * character is there (the probe is sound).
 */

import { kernelTest, PYTHON, unavailable } from "../_kernel.ts";
import { assert } from "../_probes.ts";
import { CONFINEMENT_REASON } from "./_confinement.ts";

const MOD = new URL("../../mod.ts", import.meta.url).pathname;

/** Runs argv on a new pseudo-terminal (its controlling terminal) and prints what it wrote. */
const ON_A_TERMINAL = `
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
`;

const PROBE = `
import errno, fcntl, os, termios
attrs = termios.tcgetattr(0)
attrs[3] &= ~(termios.ICANON | termios.ECHO)
attrs[6][termios.VMIN] = 0
attrs[6][termios.VTIME] = 0
termios.tcsetattr(0, termios.TCSANOW, attrs)
try:
    fcntl.ioctl(0, termios.TIOCSTI, b"Z")
    print("tiocsti ok")
except OSError as e:
    print("tiocsti", errno.errorcode[e.errno])
print("queued", os.read(0, 16).decode() or "-")
`;

const ALLOW_ALL = `apiVersion: cordon/v1
kind: Policy
metadata: { name: allow-all }
spec:
  defaultAction: allow
`;

const ALLOWS_TIOCSTI = `apiVersion: cordon/v1
kind: Policy
metadata: { name: allows-tiocsti }
spec:
  defaultAction: allow
  rules:
    - { syscalls: [ioctl], action: allow, priority: 1001, args: [{ index: 1, op: eq, value: 0x5412 }] }
`;

async function onTerminal(argv: readonly string[]): Promise<string> {
  const out = await new Deno.Command(PYTHON, {
    args: ["-c", ON_A_TERMINAL, ...argv],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).replaceAll("\r", "");
}

function hasPtmx(): boolean {
  try {
    return Deno.statSync("/dev/ptmx").isCharDevice === true;
  } catch {
    return false;
  }
}

function legacyTiocsti(): boolean {
  try {
    return Deno.readTextFileSync("/proc/sys/dev/tty/legacy_tiocsti").trim() === "1";
  } catch {
    return true; // before Linux 6.2 there is no switch: TIOCSTI always works
  }
}

kernelTest(
  "bypass: a command cannot type into the terminal it shares with cordon run (TIOCSTI)",
  unavailable(CONFINEMENT_REASON, !hasPtmx() && "needs /dev/ptmx"),
  async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-tty-" });
    try {
      const cordonRun = async (yaml: string) => {
        const file = `${dir}/p-${crypto.randomUUID()}.yaml`;
        await Deno.writeTextFile(file, yaml);
        return await onTerminal([
          Deno.execPath(),
          "run",
          "-A",
          MOD,
          "run",
          "-p",
          file,
          "--",
          PYTHON,
          "-c",
          PROBE,
        ]);
      };
      for (
        const [name, yaml] of [
          [
            "builtin:baseline",
            "apiVersion: cordon/v1\nkind: Policy\nmetadata: { name: b }\nspec:\n  extends: [builtin:baseline]\n",
          ],
          ["allow-all", ALLOW_ALL],
        ] as const
      ) {
        await t.step(`${name}: EPERM, nothing queued`, async () => {
          const out = await cordonRun(yaml);
          assert(out.includes("tiocsti EPERM\n") && out.includes("queued -\n"), out);
        });
      }
      if (!legacyTiocsti()) return; // the kernel refuses TIOCSTI to everyone: no control here
      await t.step("unconfined, the character is queued (the probe is sound)", async () => {
        const out = await onTerminal([PYTHON, "-c", PROBE]);
        assert(out.includes("tiocsti ok\n") && out.includes("queued Z\n"), out);
      });
      await t.step("a rule above priority 1000 allows it on purpose", async () => {
        const out = await cordonRun(ALLOWS_TIOCSTI);
        assert(out.includes("tiocsti ok\n") && out.includes("queued Z\n"), out);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
