/**
 * Bypass suite (issue 9, item 8): signals from the sandbox to processes outside it. Root without
 * capabilities may still signal every process of uid 0 (the kernel's permission check is by
 * uid), so `cordon run` scopes every run with Landlock's `LANDLOCK_SCOPE_SIGNAL` (ABI 6) unless
 * a layer writes `privileges.signals: any`: not only when the policy has a `filesystem` section,
 * as before. The scope is a security hook (`task_kill`, `file_send_sigiotask`), so it decides
 * every way of sending: `kill`, a process-group kill, `kill(-1)`, `tgkill`, `rt_sigqueueinfo`,
 * `pidfd_send_signal`, the i386 `kill` through `int $0x80`, and `SIGIO` of a descriptor whose
 * owner (`F_SETOWN`) is outside.
 *
 * The observable effect is on the target: an unconfined Python process in its own process group
 * blocks the signals, and `sigpending()` says which arrived (no handler and no timing involved).
 * The same attempts under `privileges.signals: any` deliver each signal: the probe is sound.
 */

import { kernelTest } from "../_kernel.ts";
import { assert, buildProbes, compileYaml, runProbe, X86_64_PROBES_REASON } from "../_probes.ts";
import { startHelper } from "./_cgroup_guard.ts";
import {
  attempts,
  CLI_TOOL,
  CONFINEMENT_REASON,
  expectAttempts,
  heldCapabilities,
  permissive,
  policySet,
} from "./_confinement.ts";
import { unavailable } from "../_kernel.ts";

/** The target: blocks the signals, says `ready`, and at `done` prints the pending ones. */
const TARGET = `
import os, signal, sys
watched = [signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGWINCH,
           signal.SIGIO, signal.SIGCONT, signal.SIGALRM]
signal.pthread_sigmask(signal.SIG_BLOCK, watched)
os.setpgid(0, 0)
print("ready", flush=True)
sys.stdin.readline()
print(" ".join(sorted(s.name for s in signal.sigpending())) or "-", flush=True)
`;

/** Each way of sending, with the signal it uses (so that the target tells them apart). */
const SENDER = `
import ctypes, fcntl, signal
target = int(sys.argv[1])
libc = ctypes.CDLL(None, use_errno=True)
def syscall(*args):
    if libc.syscall(*[ctypes.c_long(a) for a in args]) == -1:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
def sigqueue():
    info = (ctypes.c_int * 32)()
    info[0] = signal.SIGWINCH  # si_signo
    info[2] = -1  # si_code: SI_QUEUE
    if libc.syscall(ctypes.c_long(129), ctypes.c_long(target), ctypes.c_long(signal.SIGWINCH), info) == -1:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
def sigio():
    r, w = os.pipe()
    fcntl.fcntl(r, fcntl.F_SETOWN, target)
    fcntl.fcntl(r, fcntl.F_SETFL, os.O_ASYNC | os.O_NONBLOCK)
    os.write(w, b"x")
def pidfd():
    fd = os.pidfd_open(target)
    signal.pidfd_send_signal(fd, signal.SIGUSR2)
attempt("kill", lambda: os.kill(target, signal.SIGTERM))
attempt("killpg", lambda: os.killpg(target, signal.SIGHUP))
attempt("tgkill", lambda: syscall(234, target, target, signal.SIGUSR1))
attempt("pidfd_send_signal", pidfd)
attempt("rt_sigqueueinfo", sigqueue)
attempt("sigio_owner", sigio)
attempt("parent", lambda: os.kill(os.getppid(), 0))
if len(sys.argv) > 2:
    attempt("kill_all", lambda: os.kill(-1, signal.SIGCONT))
`;

const DENIED = {
  kill: "EPERM",
  killpg: "EPERM",
  tgkill: "EPERM",
  pidfd_send_signal: "EPERM",
  rt_sigqueueinfo: "EPERM",
  // F_SETOWN is allowed; the SIGIO it would send is not (the target's pending set shows it).
  sigio_owner: "ok",
  parent: "EPERM",
  // kill(-1) ignores EPERM from each process (it succeeds when none could be signalled).
  kill_all: "ok|ESRCH",
};

kernelTest(
  "bypass: no signal leaves the sandbox, whatever the policy allows but privileges.signals",
  CONFINEMENT_REASON,
  async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-signals-" });
    try {
      const sources: [string, string[]][] = [
        ["builtin:baseline", ["builtin:baseline"]],
        ["cli-tool.yaml", [CLI_TOOL]],
        // No filesystem section (scoping used to come only with one), every capability kept.
        ["allow-all keeping every capability", [permissive("all-caps", heldCapabilities())]],
      ];
      for (const [name, policies] of sources) {
        await t.step(name, async () => {
          const target = await startHelper("signal target", TARGET);
          const pid = target.pid;
          let pending: string;
          try {
            const run = await attempts(await policySet(dir, ...policies), SENDER, [
              String(pid),
              "all",
            ]);
            expectAttempts(run, DENIED);
          } finally {
            pending = (await target.finish()).trim();
          }
          assert(pending === "-", `signals reached the target outside the sandbox: ${pending}`);
        });
      }
      await t.step(
        "privileges.signals: any delivers each of them (the probe is sound)",
        async () => {
          const target = await startHelper("signal target", TARGET);
          const pid = target.pid;
          let pending: string;
          try {
            const set = await policySet(
              dir,
              permissive("signals-any", [], undefined, "signals: any"),
            );
            const run = await attempts(set, SENDER, [String(pid)]);
            expectAttempts(run, {
              kill: "ok",
              killpg: "ok",
              tgkill: "ok",
              pidfd_send_signal: "ok",
              rt_sigqueueinfo: "ok",
              sigio_owner: "ok",
              parent: "ok",
            });
          } finally {
            pending = (await target.finish()).trim();
          }
          assert(
            pending === "SIGHUP SIGIO SIGTERM SIGUSR1 SIGUSR2 SIGWINCH",
            `pending at the target: ${pending}`,
          );
        },
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "bypass: the i386 kill through int 0x80 is scoped like the native one",
  unavailable(CONFINEMENT_REASON, X86_64_PROBES_REASON),
  async () => {
    await using probes = await buildProbes(["syscall_probe"]);
    const target = await startHelper("signal target", TARGET);
    const pid = target.pid;
    let pending: string;
    let errno: unknown;
    try {
      const set = await compileYaml(probes.dir, permissive("i386-kill", heldCapabilities()));
      // i386 37 is kill; 14 is SIGALRM.
      const run = await runProbe(set, [
        probes.path("syscall_probe"),
        "--abi",
        "i386",
        "37",
        String(pid),
        "14",
      ]);
      errno = run.json?.errno;
      assert(run.json !== null && run.json.ret === -1, `i386 kill: ${run.stdout}`);
    } finally {
      pending = (await target.finish()).trim();
    }
    assert(errno === 1, `i386 kill errno ${errno}, want EPERM (1)`);
    assert(pending === "-", `signals reached the target: ${pending}`);
  },
);
