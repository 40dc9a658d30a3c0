/**
 * Kernel tests of `limits.syscallsPerSecond` under `cordon run` (`runConfined` and the CLI):
 * enforced in the kernel by the eBPF monitor program. A C program that makes many `getppid`
 * calls and then writes a marker file is killed (`SIGKILL`, no marker) above a `kill` limit,
 * reported but left alone above a `log` limit, and untouched below the limit; a child it forks
 * is under the same limit; a limit action eBPF cannot apply is refused unless degradation is
 * accepted.
 */

import { kernelTest } from "../_kernel.ts";
import { cordon } from "../_cli.ts";
import { assert, exists, PROBES_REASON } from "../_probes.ts";
import { compileC } from "./_ebpf_helpers.ts";
import { runConfined } from "../../backends/linux/run.ts";
import { loadPolicies } from "../../compile/load_policies.ts";
import type { FilterSet } from "../../compile/filter_set.ts";

/** `busy N MARKER [f]`: N getppid calls (in a forked child with `f`), then writes MARKER. */
const BUSY_C = `
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
  long n = atol(argv[1]);
  if (argc > 3 && argv[3][0] == 'f') {
    pid_t child = fork();
    if (child < 0) return 2;
    if (child > 0) {
      int status;
      if (waitpid(child, &status, 0) < 0) return 3;
      return WIFSIGNALED(status) ? 100 + WTERMSIG(status) : WEXITSTATUS(status);
    }
  }
  for (long i = 0; i < n; i++) syscall(SYS_getppid);
  int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return 4;
  if (write(fd, "done\\n", 5) != 5) return 5;
  close(fd);
  return 0;
}
`;

/** Far above any limit below: 200,000 calls take a few tens of milliseconds. */
const MANY = "200000";
/** The limit: far above what the launcher's last steps and the program's start-up make. */
const MAX = 5000;

/** The policy; the markers' directory `write` is writable (nothing else is). */
function policy(action: string, write = "/tmp"): string {
  return `apiVersion: cordon/v1
kind: Policy
metadata:
  name: busy-${action}
spec:
  defaultAction: allow
  limits:
    syscallsPerSecond: { max: ${MAX}, action: ${action} }
  filesystem: { write: [${JSON.stringify(write)}] }
`;
}

async function policySet(dir: string, action: string): Promise<FilterSet> {
  const file = `${dir}/${action}.yaml`;
  await Deno.writeTextFile(file, policy(action, dir));
  return (await loadPolicies([file], {})).filters;
}

kernelTest(
  "run kills a process over a kill limit in the kernel, reports one over a log limit, and leaves one under it alone",
  PROBES_REASON,
  async (t) => {
    const exe = await compileC(BUSY_C);
    const dir = await Deno.makeTempDir({ prefix: "cordon-run-limits-" });
    try {
      const kill = await policySet(dir, "kill");
      const log = await policySet(dir, "log");
      const piped = { stdout: "piped", stderr: "piped" } as const;
      await t.step("over a kill limit: SIGKILL, the marker is never written", async () => {
        const marker = `${dir}/killed`;
        const r = await runConfined({ set: kill, command: [exe, MANY, marker], ...piped });
        assert(r.signal === "SIGKILL" && r.code === 137, `exit ${r.code} ${r.signal}`);
        assert(!await exists(marker), "the program ran to its end");
        assert(r.rateLimited.length === 1, JSON.stringify(r.rateLimited));
        const [hit] = r.rateLimited;
        assert(hit!.pid === r.pid && hit!.limit.action === "kill", JSON.stringify(hit));
        assert(hit!.count === MAX + 1 && hit!.limit.policy === "busy-kill", JSON.stringify(hit));
        assert(
          r.degraded.length === 0,
          `limits reported as not enforced: ${JSON.stringify(r.degraded)}`,
        );
      });
      await t.step("under the kill limit: the program runs to its end", async () => {
        const marker = `${dir}/under`;
        const r = await runConfined({ set: kill, command: [exe, "100", marker], ...piped });
        assert(r.code === 0 && await exists(marker), `exit ${r.code} ${r.signal}`);
        assert(r.rateLimited.length === 0, JSON.stringify(r.rateLimited));
      });
      await t.step("over a log limit: reported once, the program runs to its end", async () => {
        const marker = `${dir}/logged`;
        const hits: number[] = [];
        const r = await runConfined({
          set: log,
          command: [exe, MANY, marker],
          onRateLimit: (hit) => hits.push(hit.pid),
          ...piped,
        });
        assert(r.code === 0 && await exists(marker), `exit ${r.code} ${r.signal}`);
        assert(r.rateLimited.length === 1 && r.rateLimited[0]!.pid === r.pid, JSON.stringify(r));
        assert(r.rateLimited[0]!.limit.action === "log", JSON.stringify(r.rateLimited));
        // Delivered live or at the end, each process once.
        assert(hits.length <= 1 && hits.every((pid) => pid === r.pid), `hits ${hits.join()}`);
      });
      await t.step("a child the command forks is under the same limit", async () => {
        const marker = `${dir}/child`;
        const r = await runConfined({ set: kill, command: [exe, MANY, marker, "f"], ...piped });
        // The parent made few calls and reports its child's SIGKILL as 100 + 9.
        assert(r.code === 109, `exit ${r.code} ${r.signal}`);
        assert(!await exists(marker), "the child ran to its end");
        assert(r.rateLimited.length === 1, JSON.stringify(r.rateLimited));
        assert(r.rateLimited[0]!.pid !== r.pid, "the child, not the parent, went over");
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "cordon run says which process a limit killed, and refuses a limit eBPF cannot apply unless --allow-degraded",
  PROBES_REASON,
  async (t) => {
    const exe = await compileC(BUSY_C);
    const dir = await Deno.makeTempDir({ prefix: "cordon-run-limits-cli-" });
    try {
      for (const action of ["kill", "deny"]) {
        await Deno.writeTextFile(`${dir}/${action}.yaml`, policy(action, dir));
      }
      await t.step("kill: exit 137 and the limit's location, no warning", async () => {
        const marker = `${dir}/killed`;
        const r = await cordon(["run", "-p", `${dir}/kill.yaml`, "--", exe, MANY, marker]);
        assert(r.code === 137, `exit ${r.code}: ${r.stderr}`);
        assert(
          new RegExp(
            `process \\d+ \\(\\S+\\) made more than ${MAX} syscalls in one second: killed \\(SIGKILL\\) ` +
              `by limits\\.syscallsPerSecond of policy "busy-kill" at .*kill\\.yaml:8:5`,
          ).test(r.stderr),
          r.stderr,
        );
        assert(!/NOT enforced|warning/i.test(r.stderr), r.stderr);
        assert(!await exists(marker), "the program ran to its end");
      });
      await t.step("deny: refused naming eBPF rate limiting, nothing runs", async () => {
        const marker = `${dir}/denied`;
        const r = await cordon(["run", "-p", `${dir}/deny.yaml`, "--", exe, "100", marker]);
        assert(r.code !== 0, `exit ${r.code}: ${r.stderr}`);
        assert(
          /refusing to run .*eBPF rate limiting.*deny\.yaml:8:5.*cannot be applied to calls already made/
            .test(r.stderr),
          r.stderr,
        );
        assert(!await exists(marker), "the command ran");
        const degraded = await cordon([
          "run",
          "-p",
          `${dir}/deny.yaml`,
          "--allow-degraded",
          "--",
          exe,
          "100",
          marker,
        ]);
        assert(
          degraded.code === 0 && await exists(marker),
          `exit ${degraded.code}: ${degraded.stderr}`,
        );
        assert(
          /the limits rules of policy "busy-deny" are NOT enforced/.test(degraded.stderr),
          degraded.stderr,
        );
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
