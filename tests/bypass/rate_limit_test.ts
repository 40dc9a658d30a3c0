/**
 * Bypass class: getting around `limits.syscallsPerSecond` under `cordon run` (enforced in the
 * kernel per process, `backends/linux/run_limits.ts`). A hostile program that knows the limit
 * spreads its calls so that no single counter goes over it: across threads (they share their
 * process's counter), or across an `execve` of itself (the counter belongs to the process, not
 * to the program image). Each is killed all the same; the marker file it would write at the end
 * stays absent.
 */

import { kernelTest } from "../_kernel.ts";
import { assert, exists, PROBES_REASON } from "../_probes.ts";
import { compileC } from "../kernel/_ebpf_helpers.ts";
import { runConfined } from "../../backends/linux/run.ts";
import { loadPolicies } from "../../compile/load_policies.ts";

const MAX = 5000;
/** Below the limit for one counter, four times over it together. */
const PER_PART = 4000;

/**
 * `spread threads|exec N MARKER [stage]`: N getppid calls in each of 4 threads, or N calls then
 * an `execve` of itself that makes N more; then writes MARKER.
 */
const SPREAD_C = `
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
static long n;
static void *calls(void *arg) {
  (void)arg;
  for (long i = 0; i < n; i++) syscall(SYS_getppid);
  return 0;
}
static int mark(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return 4;
  close(fd);
  return 0;
}
int main(int argc, char **argv) {
  if (argc < 4) return 2;
  n = atol(argv[2]);
  if (strcmp(argv[1], "threads") == 0) {
    pthread_t t[4];
    for (int i = 0; i < 4; i++) if (pthread_create(&t[i], 0, calls, 0) != 0) return 3;
    for (int i = 0; i < 4; i++) pthread_join(t[i], 0);
    return mark(argv[3]);
  }
  calls(0);
  if (argc == 4) {
    char *again[] = { argv[0], argv[1], argv[2], argv[3], "second", 0 };
    execv("/proc/self/exe", again);
    return 5;
  }
  return mark(argv[3]);
}
`;

kernelTest(
  "rate limit: calls spread over threads or over an execve of itself still count against one process",
  PROBES_REASON,
  async (t) => {
    const exe = await compileC(SPREAD_C);
    const dir = await Deno.makeTempDir({ prefix: "cordon-bypass-rate-" });
    try {
      const file = `${dir}/kill.yaml`;
      await Deno.writeTextFile(
        file,
        `apiVersion: cordon/v1
kind: Policy
metadata: { name: spread }
spec:
  defaultAction: allow
  limits:
    syscallsPerSecond: { max: ${MAX}, action: kill }
  filesystem: { write: [${JSON.stringify(dir)}] }
`,
      );
      const set = (await loadPolicies([file], {})).filters;
      const piped = { stdout: "piped", stderr: "piped" } as const;
      for (const how of ["threads", "exec"]) {
        await t.step(`${how}: killed, no marker`, async () => {
          const marker = `${dir}/${how}`;
          const r = await runConfined({
            set,
            command: [exe, how, String(PER_PART), marker],
            ...piped,
          });
          assert(r.signal === "SIGKILL", `exit ${r.code} ${r.signal}`);
          assert(!await exists(marker), `${how}: the program ran to its end`);
          assert(r.rateLimited.some((h) => h.pid === r.pid), JSON.stringify(r.rateLimited));
        });
      }
      await t.step("one part alone stays under the limit (the test can tell)", async () => {
        const marker = `${dir}/alone`;
        const r = await runConfined({
          set,
          command: [exe, "exec", String(PER_PART / 4), marker],
          ...piped,
        });
        assert(r.code === 0 && await exists(marker), `exit ${r.code} ${r.signal}`);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
