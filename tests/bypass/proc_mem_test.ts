/**
 * Bypass suite (issue 9, item 6): a confined root program must not read or rewrite the memory of
 * a process outside its sandbox, through `/proc/PID/mem`, `ptrace` or `process_vm_writev`,
 * whatever its policy: every run has a Landlock domain (Landlock refuses ptrace access to
 * processes outside it) and no capability by default (without CAP_SYS_PTRACE root cannot trace a
 * process with more capabilities). Checked on the victim: its memory is unchanged. The same
 * attack run unconfined rewrites it, so the probe itself works.
 */

import { kernelTest, PYTHON } from "../_kernel.ts";
import { assert } from "../_probes.ts";
import {
  ATTEMPT,
  attempts,
  CLI_TOOL,
  CONFINEMENT_REASON,
  expectAttempts,
  permissive,
  policySet,
} from "./_confinement.ts";

/** An unconfined process holding `original` at an address it prints; prints it again on a line. */
const VICTIM = `
import ctypes, sys
buf = ctypes.create_string_buffer(b"original", 16)
print(ctypes.addressof(buf), flush=True)
sys.stdin.readline()
print(buf.value.decode(), flush=True)
`;

const ATTACK = `
import ctypes
pid, addr = int(sys.argv[1]), int(sys.argv[2])
def write_mem():
    fd = os.open("/proc/%d/mem" % pid, os.O_RDWR)
    try:
        os.pwrite(fd, b"pwned!!!", addr)
    finally:
        os.close(fd)
attempt("proc_mem_write", write_mem)
attempt("proc_environ", lambda: open("/proc/%d/environ" % pid, "rb").read())
if len(sys.argv) > 3:
    libc = ctypes.CDLL(None, use_errno=True)
    def checked(ret):
        if ret == -1:
            raise OSError(ctypes.get_errno(), "failed")
    attempt("ptrace_attach", lambda: checked(libc.ptrace(16, pid, None, None)))  # PTRACE_ATTACH
    class iovec(ctypes.Structure):
        _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
    data = ctypes.create_string_buffer(b"pwned!!!")
    local = iovec(ctypes.addressof(data), 8)
    remote = iovec(addr, 8)
    libc.syscall.restype = ctypes.c_long
    attempt("process_vm_writev", lambda: checked(libc.syscall(
        ctypes.c_long(311), ctypes.c_long(pid), ctypes.byref(local), ctypes.c_long(1),
        ctypes.byref(remote), ctypes.c_long(1), ctypes.c_long(0))))
`;

async function withVictim(fn: (pid: number, addr: string) => Promise<void>): Promise<string> {
  const victim = new Deno.Command(PYTHON, {
    args: ["-c", VICTIM],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const reader = victim.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("victim ended early");
    text += value;
  }
  const addr = text.trim();
  const writer = victim.stdin.getWriter();
  try {
    await fn(victim.pid, addr);
  } finally {
    await writer.write(new TextEncoder().encode("\n"));
    await writer.close();
  }
  let rest = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += value;
  }
  await victim.status;
  return rest.trim();
}

kernelTest(
  "bypass: /proc/PID/mem, ptrace and process_vm_writev cannot reach a process outside the sandbox",
  CONFINEMENT_REASON,
  async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-procmem-" });
    try {
      await t.step("the attack works unconfined (the probe is sound)", async () => {
        const memory = await withVictim(async (pid, addr) => {
          const out = await new Deno.Command(PYTHON, {
            args: ["-c", ATTEMPT + ATTACK, String(pid), addr],
            stdout: "piped",
          }).output();
          const text = new TextDecoder().decode(out.stdout);
          assert(text.includes("proc_mem_write ok"), text);
        });
        assert(memory === "pwned!!!", `unconfined write did not land: ${memory}`);
      });
      const cases: [string, string[], boolean][] = [
        ["builtin:baseline", ["builtin:baseline"], false],
        ["cli-tool.yaml", [CLI_TOOL], false],
        // As much as can be allowed: every syscall, CAP_SYS_PTRACE kept, no filesystem rules.
        ["allow-all keeping CAP_SYS_PTRACE", [permissive("ptrace", ["CAP_SYS_PTRACE"])], true],
      ];
      for (const [name, policies, all] of cases) {
        await t.step(name, async () => {
          const set = await policySet(dir, ...policies);
          const memory = await withVictim(async (pid, addr) => {
            const run = await attempts(
              set,
              ATTACK,
              all ? [String(pid), addr, "all"] : [
                String(pid),
                addr,
              ],
            );
            expectAttempts(run, {
              // EROFS: /proc is read-only where no write path covers it; EACCES/EPERM: Landlock, ptrace.
              proc_mem_write: "EROFS|EACCES|EPERM",
              proc_environ: "EACCES|EPERM",
              ...(all ? { ptrace_attach: "EPERM", process_vm_writev: "EPERM" } : {}),
            });
          });
          assert(memory === "original", `the victim's memory changed: ${memory}`);
        });
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
