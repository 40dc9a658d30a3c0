import { EbpfMonitor } from "../../backends/linux/ebpf_monitor.ts";
import {
  CORDON_ACT,
  CORDON_EV,
  encodeDecision,
  encodeDecisionKey,
  syscallSlot,
} from "../../bpf/structs.ts";
import { syscallNumber } from "../../policies/syscalls.ts";
import { kernelTest, unavailable } from "../_kernel.ts";
import { compileC, gatedProgram, needEbpf, spawnGated, waitForEvent } from "./_ebpf_helpers.ts";

const reason = unavailable(needEbpf());
const MKDIR = syscallNumber("x86_64", "mkdir")!;

kernelTest("the kill action kills the process, after the call has run", reason, async () => {
  using monitor = EbpfMonitor.open();
  const policy = 7;
  monitor.map("decisions").update(
    encodeDecisionKey(policy, syscallSlot(MKDIR, "native")),
    encodeDecision({ action: CORDON_ACT.kill, flags: 0, errno: 0, rule: 1 }),
  );
  const dir = await Deno.makeTempDir({ prefix: "cordon-kill-" });
  const exe = await compileC(gatedProgram(`
    mkdir(argv[1], 0700);
    write(1, "survived", 8);`));
  const c = spawnGated(exe, [`${dir}/made`]);
  monitor.track(c.pid, policy);
  await c.go();
  const decided = await waitForEvent(monitor, (e) => e.kind === "syscall" && e.tgid === c.pid);
  const out = await c.child.output();
  const created = await Deno.stat(`${dir}/made`).then(() => true, () => false);
  await Deno.remove(dir, { recursive: true });
  if (out.signal !== "SIGKILL") throw new Error(`child ended with ${out.code}/${out.signal}`);
  if (new TextDecoder().decode(out.stdout).includes("survived")) {
    throw new Error("ran past the kill");
  }
  if (decided.kind !== "syscall" || decided.action !== CORDON_ACT.kill || decided.nr !== MKDIR) {
    throw new Error(
      `decision event ${JSON.stringify(decided, (_, v) => typeof v === "bigint" ? `${v}` : v)}`,
    );
  }
  // Honest: a tracepoint cannot prevent; the directory exists.
  if (!created) throw new Error("mkdir did not run before the kill (tracepoints cannot prevent)");
  if (monitor.stats().kills < 1n) throw new Error("kill not counted");
});

kernelTest(
  "a flood of events is delivered or counted as lost: delivered + lost = produced",
  reason,
  async () => {
    // A small ring (64 KiB) and no polling while the child runs: most events must be lost.
    using monitor = EbpfMonitor.open({
      ringBytes: 64 << 10,
      syscallSlots: [syscallSlot(syscallNumber("x86_64", "getppid")!, "native")],
    });
    const n = 200_000;
    const exe = await compileC(
      gatedProgram(`for (int i = 0; i < atoi(argv[1]); i++) syscall(SYS_getppid);`),
    );
    const c = spawnGated(exe, [String(n)]);
    monitor.track(c.pid);
    await c.go();
    await c.child.status;
    let delivered = 0;
    let exitSeen = false;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      monitor.poll((e) => {
        if (e.kind === "syscall" && e.tgid === c.pid) delivered++;
        if (e.kind === "exit" && e.tgid === c.pid) exitSeen = true;
      });
      if (monitor.pending === 0) break;
    }
    const stats = monitor.stats();
    // Every event is either delivered or lost: the exit record too (it may have been lost).
    const produced = BigInt(n) + 1n;
    const accounted = BigInt(delivered) + (exitSeen ? 1n : 0n) + stats.lost;
    if (accounted !== produced) {
      throw new Error(
        `delivered ${delivered} + exit ${exitSeen} + lost ${stats.lost} != produced ${produced}`,
      );
    }
    if (stats.lost === 0n) throw new Error("a 64 KiB ring should have overflowed");
    if (stats.events + stats.lost !== produced) {
      throw new Error(
        `kernel counted ${stats.events} + ${stats.lost}`,
      );
    }
    if (CORDON_EV.syscall !== 1) throw new Error("event kind codes changed");
  },
);
