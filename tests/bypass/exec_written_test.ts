/**
 * Bypass suite (issue 9, item 10): running what the command wrote. `filesystem.execute` promises
 * that a program cannot run what it downloads or writes; Landlock's `EXECUTE` is checked on an
 * `execve` of a path only. So the write paths are mounted `noexec` (unless also executable): the
 * dynamic loader run as a program (`ld-linux-x86-64.so.2 rw/payload`) cannot map a program
 * written there, nor can anything else map it executable; an `execve` of it or of a script there
 * fails. And with `SECBIT_EXEC_RESTRICT_FILE` (set and locked when execution is restricted,
 * Linux 6.14), interpreters that ask the kernel before they run a script
 * (`execveat(AT_EXECVE_CHECK)`) are told no for the same files; asked of a system program, the
 * kernel says yes (the probe is sound).
 *
 * Not stopped, and said so in `docs/enforcement.md`: an interpreter that does not ask (dash, bash
 * and Python today) reads a script like any data file (`/bin/sh rw/script.sh`).
 */

import { kernelTest } from "../_kernel.ts";
import { assert, exists } from "../_probes.ts";
import {
  attempts,
  baselineWriting,
  CLI_TOOL,
  CONFINEMENT_REASON,
  expectAttempts,
  policySet,
} from "./_confinement.ts";
import { unavailable } from "../_kernel.ts";

const LOADER = "/lib64/ld-linux-x86-64.so.2";

const SCRIPT = `
import ctypes, shutil, subprocess
work = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
payload, script = work + "/payload", work + "/payload.sh"
shutil.copy("/usr/bin/touch", payload); os.chmod(payload, 0o755)
with open(script, "w") as f:
    f.write("#!/bin/sh\\ntouch " + work + "/script-ran\\n")
os.chmod(script, 0o755)
def run(argv, marker):
    code = subprocess.run(argv + [marker], stderr=subprocess.DEVNULL).returncode
    if os.path.exists(marker):
        return
    raise OSError(errno.EACCES, "exit %d, nothing made" % code)
def execve_check(path):
    argv = (ctypes.c_char_p * 2)(path.encode(), None)
    env = (ctypes.c_char_p * 1)(None)
    # execveat(AT_FDCWD, path, argv, envp, AT_EXECVE_CHECK): checks, never executes
    if libc.syscall(ctypes.c_long(322), ctypes.c_long(-100), path.encode(), argv, env, ctypes.c_long(0x10000)) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
attempt("exec_payload", lambda: run([payload], work + "/exec-ran"))
attempt("loader_payload", lambda: run(["${LOADER}", payload], work + "/loader-ran"))
attempt("exec_script", lambda: run([script], work + "/script-ran"))
attempt("check_written_script", lambda: execve_check(script))
attempt("check_written_program", lambda: execve_check(payload))
attempt("check_system_program", lambda: execve_check("/usr/bin/touch"))
print("securebits", hex(libc.prctl(27, 0, 0, 0, 0) & 0x300))
attempt("write_works", lambda: open(work + "/data", "w").write("x"))
`;

kernelTest(
  "bypass: a program written to a write path runs neither directly, nor by the loader, nor by a checking interpreter",
  unavailable(
    CONFINEMENT_REASON,
    !(Deno.build.os === "linux" && Deno.build.arch === "x86_64") && "needs Linux on x86_64",
  ),
  async (t) => {
    for (
      const [name, layers] of [
        ["builtin:baseline writing one directory", (dir: string) => [baselineWriting(dir)]],
        ["cli-tool.yaml writing one directory", (dir: string) => [CLI_TOOL, baselineWriting(dir)]],
      ] as const
    ) {
      await t.step(name, async () => {
        const dir = await Deno.makeTempDir({ prefix: "cordon-written-" });
        try {
          const run = await attempts(await policySet(dir, ...layers(dir)), SCRIPT, [dir]);
          expectAttempts(run, {
            exec_payload: "EACCES",
            loader_payload: "EACCES",
            exec_script: "EACCES",
            check_written_script: "EACCES",
            check_written_program: "EACCES",
            check_system_program: "ok",
            securebits: "0x300",
            write_works: "ok",
          });
          for (const marker of ["exec-ran", "loader-ran", "script-ran"]) {
            assert(!await exists(`${dir}/${marker}`), `${marker}: the written code ran`);
          }
          assert(await exists(`${dir}/data`), "the write path is not writable");
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      });
    }
    await t.step(
      "unconfined, each route runs the written program (the attack is real)",
      async () => {
        const dir = await Deno.makeTempDir({ prefix: "cordon-written-" });
        try {
          const script = `${dir}/probe.py`;
          await Deno.writeTextFile(
            script,
            "import errno, os, sys\n" +
              "def attempt(name, fn):\n    try:\n        fn(); print(name, 'ok')\n" +
              "    except OSError as e:\n        print(name, errno.errorcode[e.errno])\n" +
              SCRIPT,
          );
          const out = await new Deno.Command("/usr/bin/python3", { args: [script, dir] }).output();
          const text = new TextDecoder().decode(out.stdout);
          for (const name of ["exec_payload", "loader_payload", "exec_script"]) {
            assert(text.includes(`${name} ok`), `unconfined ${name}: ${text}`);
          }
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      },
    );
  },
);
