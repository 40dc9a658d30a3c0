/**
 * Bypass suite: a full process table under `cordon apply`. The monitor's `procs` map holds 8,192
 * processes; a root target that forks 8,300 sleeping children fills it. A child that cannot get an
 * entry used to run untracked, free of the `kill` rule. Now the kernel kills a child with a policy
 * that cannot be tracked before it runs (`bpf_send_signal_task` from `sched_process_fork`), counts
 * it and reports it: a full table is enforced, never ignored.
 */

import { EbpfBackend, type EnforceNotice } from "../../backends/linux/ebpf_backend.ts";
import { compilePolicies } from "../../compile/compile.ts";
import { kernelTest, unavailable } from "../_kernel.ts";
import {
  compileC,
  gatedProgram,
  killPolicy,
  needEbpf,
  spawnGated,
} from "../kernel/_ebpf_helpers.ts";

const reason = unavailable(needEbpf());

/** `p N DIR`: forks N children sleeping on a pipe, then one more that runs mkdir DIR/escaped. */
const FORK_STORM = gatedProgram(`
  int n = atoi(argv[1]);
  char path[4096];
  snprintf(path, sizeof path, "%s/escaped", argv[2]);
  int p[2];
  if (pipe(p) != 0) return 101;
  int forked = 0;
  for (int i = 0; i < n; i++) {
    pid_t c = fork();
    if (c == 0) { char b; close(p[1]); read(p[0], &b, 1); _exit(0); }
    if (c < 0) break;
    forked++;
  }
  pid_t last = fork();
  if (last == 0) { mkdir(path, 0700); write(1, "survived\\n", 9); _exit(0); }
  int status = 0;
  waitpid(last, &status, 0);
  close(p[1]);
  int killed = 0;
  for (;;) {
    int s;
    if (wait(&s) < 0) break;
    if (WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL) killed++;
  }
  printf("forked %d last %s killed-at-birth %d\\n", forked,
         WIFSIGNALED(status) ? (WTERMSIG(status) == SIGKILL ? "SIGKILL" : "signal")
                             : "exited", killed);
  return 0;`.replace(
  "#include <unistd.h>",
  "#include <unistd.h>\n#include <signal.h>\n#include <sys/stat.h>",
));

kernelTest(
  "bypass: a child beyond the full process table is killed before it runs, counted and reported",
  reason,
  async () => {
    const exe = await compileC(FORK_STORM);
    const dir = await Deno.makeTempDir({ prefix: "cordon-storm-" });
    const notices: EnforceNotice[] = [];
    const backend = await EbpfBackend.create();
    try {
      await backend.open({ emit() {}, lost() {} });
      backend.onEnforce((n) => notices.push(n));
      const c = spawnGated(exe, ["8300", dir]);
      await backend.apply(
        compilePolicies([killPolicy(c.pid, "mkdir", "storm")], { arches: ["x86_64", "i386"] }),
        {
          enforce: true,
        },
      );
      await c.go();
      const out = await c.child.output();
      const text = new TextDecoder().decode(out.stdout);
      if (!out.success) throw new Error(`storm exited ${out.code}/${out.signal}: ${text}`);
      const match = /forked (\d+) last (\S+) killed-at-birth (\d+)/.exec(text);
      if (!match) throw new Error(`storm output: ${text}`);
      const [, forked, last, killedAtBirth] = match;
      // The table (8,192) minus the parent: the rest of the 8,300 children and the last one.
      if (Number(forked) !== 8300) throw new Error(`forked only ${forked}`);
      if (last !== "SIGKILL") throw new Error(`the child beyond the table ${last}: ${text}`);
      if (text.includes("survived")) throw new Error("an untracked child ran past its kill rule");
      const escaped = await Deno.stat(`${dir}/escaped`).then(() => true, () => false);
      if (escaped) {
        throw new Error("the untracked child ran mkdir: it was not killed before running");
      }
      const figures = backend.stats().figures;
      const expectKilled = 8300 + 1 - 8191;
      if (Number(killedAtBirth) < expectKilled - 1) {
        throw new Error(
          `only ${killedAtBirth} children killed at birth, expected ~${expectKilled}`,
        );
      }
      if ((figures.procsFullKilled ?? 0) < expectKilled) {
        throw new Error(`procsFullKilled ${figures.procsFullKilled}, expected >= ${expectKilled}`);
      }
      // Reported: every kill's notice is delivered or its loss counted.
      const deadline = Date.now() + 10_000;
      while (
        notices.filter((n) => n.reason === "procs-full").length + (figures.ringbufLost ?? 0) <
          expectKilled && Date.now() < deadline
      ) await new Promise((r) => setTimeout(r, 10));
      const reported = notices.filter((n) => n.reason === "procs-full");
      if (reported.length === 0) throw new Error("no procs-full notice reached user space");
      if (reported.some((n) => n.by !== c.pid && !reported.some((m) => m.pid === n.by))) {
        throw new Error(
          `a notice names a forker outside the storm: ${JSON.stringify(reported[0])}`,
        );
      }
      // Exited processes leave the table: the storm and all its children are reaped.
      const left = backend.monitoredPids();
      if (left.length !== 0) throw new Error(`${left.length} exited processes still in the table`);
    } finally {
      backend.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);
