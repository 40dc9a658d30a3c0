/**
 * Bypass suite: event floods under `cordon apply`. A `kill` rule with an argument condition was
 * decided in user space from ring-buffer events; two threads flooding the ring made it lose the
 * event of the forbidden call, and the process lived on. Now argument cases are decided in the
 * kernel (`arg_cases`, evaluated in `sys_enter`), and where user space still has to decide (cases
 * beyond the kernel table), a call whose event cannot be reserved is killed in the kernel.
 */

import { EbpfBackend } from "../../backends/linux/ebpf_backend.ts";
import { EbpfMonitor } from "../../backends/linux/ebpf_monitor.ts";
import { compilePolicies } from "../../compile/compile.ts";
import { layerEntries, layerMaps } from "../../compile/bpf_maps.ts";
import { CORDON_DECISION, type RawEvent, syscallSlot } from "../../bpf/structs.ts";
import { syscallNumber } from "../../policies/syscalls.ts";
import type { ResolvedPolicy } from "../../policies/types.ts";
import { kernelTest, unavailable } from "../_kernel.ts";
import {
  compileC,
  gatedProgram,
  needEbpf,
  socketFamilyPolicy,
  spawnGated,
} from "../kernel/_ebpf_helpers.ts";

const reason = unavailable(needEbpf());
const SOCKET = syscallNumber("x86_64", "socket")!;

/**
 * `p ALLOWED FORBIDDEN`: two threads each make ALLOWED socket(12346, 0, 0) calls, then
 * FORBIDDEN (0 or 1) socket(12345, 0, 0) calls in a loop; "survived" when a thread gets past one.
 */
const FLOOD = gatedProgram(`
  flood_allowed = atol(argv[1]);
  flood_forbidden = atoi(argv[2]);
  pthread_t t;
  pthread_create(&t, 0, flood, 0);
  flood(0);
  pthread_join(t, 0);
  write(1, "done\\n", 5);`)
  .replace("#include <unistd.h>", "#include <unistd.h>\n#include <pthread.h>")
  .replace(
    "int main(",
    `static long flood_allowed; static int flood_forbidden;
static void *flood(void *unused) {
  for (long i = 0; i < flood_allowed; i++) syscall(SYS_socket, 12346, 0, 0);
  if (flood_forbidden) for (int i = 0; i < 1000; i++) {
    syscall(SYS_socket, 12345, 0, 0);
    write(1, "survived\\n", 9);
  }
  return unused;
}
int main(`,
  );

/** The flood program (glibc has pthreads in libc: no -pthread needed). */
function floodExe(): Promise<string> {
  return compileC(FLOOD);
}

function writeMaps(monitor: EbpfMonitor, policy: ResolvedPolicy): number {
  const set = compilePolicies([policy], { arches: ["x86_64", "i386"] });
  const maps = layerMaps(set)[0]!;
  const entries = layerEntries(maps);
  for (const e of entries.arg_cases ?? []) monitor.map("arg_cases").update(e.key, e.value);
  for (const e of entries.decisions ?? []) monitor.map("decisions").update(e.key, e.value);
  return maps.decisions.get(syscallSlot(SOCKET, "native"))!.flags;
}

kernelTest(
  "bypass: two threads flooding a kill-by-argument call die in the kernel; delivered + lost = produced",
  reason,
  async () => {
    const exe = await floodExe();
    // A 64 KiB ring that nobody reads during the flood: every socket call is subscribed, so the
    // ring overflows long before the forbidden call.
    using monitor = EbpfMonitor.open({
      ringBytes: 64 << 10,
      syscallSlots: [syscallSlot(SOCKET, "native")],
    });
    // The oracle: a second monitor that only counts (exit events on a roomy ring).
    using oracle = EbpfMonitor.open();
    const c = spawnGated(exe, ["20000", "1"]);
    const flags = writeMaps(monitor, socketFamilyPolicy(c.pid, "flood"));
    if (!(flags & CORDON_DECISION.args) || (flags & CORDON_DECISION.user)) {
      throw new Error(`socket must be decided by arguments in the kernel (flags ${flags})`);
    }
    monitor.track(c.pid, 1);
    oracle.track(c.pid);
    await c.go();
    const out = await c.child.output();
    const text = new TextDecoder().decode(out.stdout);
    if (out.signal !== "SIGKILL") throw new Error(`flood ended with ${out.code}/${out.signal}`);
    if (text.includes("survived")) throw new Error("a thread ran past the forbidden call");
    // Drain: every record is delivered or was counted lost.
    const events: RawEvent[] = [];
    const deadline = Date.now() + 10_000;
    let exit: RawEvent | undefined;
    while (!exit && Date.now() < deadline) {
      oracle.poll((e) => {
        if (e.kind === "exit" && e.tgid === c.pid) exit = e;
      });
      monitor.poll((e) => events.push(e));
      if (!exit) await new Promise((r) => setTimeout(r, 5));
    }
    while (monitor.poll((e) => events.push(e)) > 0);
    if (!exit || exit.kind !== "exit") throw new Error("the oracle saw no exit");
    const socketCalls = exit.counts.get(syscallSlot(SOCKET, "native")) ?? 0n;
    const delivered = events.filter((e) => e.kind === "syscall" && e.tgid === c.pid).length;
    const exitDelivered = events.some((e) => e.kind === "exit" && e.tgid === c.pid) ? 1 : 0;
    const stats = monitor.stats();
    const produced = socketCalls + 1n; // one event per subscribed call, and the exit event
    if (BigInt(delivered + exitDelivered) + stats.lost !== produced) {
      throw new Error(
        `delivered ${delivered} + exit ${exitDelivered} + lost ${stats.lost} != produced ${produced}`,
      );
    }
    if (stats.events + stats.lost !== produced) {
      throw new Error(`kernel: ${stats.events} submitted + ${stats.lost} lost != ${produced}`);
    }
    if (stats.lost === 0n) throw new Error("the 64 KiB ring should have overflowed");
    if (socketCalls <= 20_000n) throw new Error(`only ${socketCalls} socket calls were made`);
    if (stats.kills < 1n) throw new Error("the kill was not counted");
  },
);

kernelTest(
  "bypass: cases beyond the kernel table go to user space, and a lost event kills the caller",
  reason,
  async () => {
    const exe = await floodExe();
    using monitor = EbpfMonitor.open({ ringBytes: 64 << 10 });
    // 20 log cases + the kill case: more than the kernel table holds (16 with the closing case).
    const c = spawnGated(exe, ["20000", "0"]);
    const flags = writeMaps(monitor, socketFamilyPolicy(c.pid, "flood", 20));
    if (!(flags & CORDON_DECISION.user) || !(flags & CORDON_DECISION.killOnLoss)) {
      throw new Error(`socket must be decided in user space, killing on loss (flags ${flags})`);
    }
    monitor.track(c.pid, 1);
    await c.go();
    // Only allowed calls; nobody reads the ring: once it is full, the next event is lost.
    const out = await c.child.output();
    if (out.signal !== "SIGKILL") throw new Error(`flood ended with ${out.code}/${out.signal}`);
    const stats = monitor.stats();
    if (stats.lossKilled < 1n) throw new Error(`lossKilled ${stats.lossKilled}`);
    if (stats.lost < 1n) throw new Error("no event was lost");
  },
);

kernelTest(
  "bypass: apply kills two threads flooding socket(12345, 0, 0) through a kill rule on an argument",
  reason,
  async () => {
    const exe = await floodExe();
    const backend = await EbpfBackend.create();
    try {
      const verdicts: string[] = [];
      await backend.open({
        emit(e) {
          if (e.kind === "syscall" && e.verdict?.enforced) verdicts.push(e.verdict.ruleId ?? "");
        },
        lost() {},
      });
      backend.setInterest({ kinds: new Set(["syscall", "process"]) }); // a flood of events too
      const c = spawnGated(exe, ["50000", "1"]);
      await backend.apply(
        compilePolicies([socketFamilyPolicy(c.pid, "flood")], { arches: ["x86_64", "i386"] }),
        {
          enforce: true,
        },
      );
      await c.go();
      const out = await c.child.output();
      if (out.signal !== "SIGKILL") throw new Error(`flood ended with ${out.code}/${out.signal}`);
      if (new TextDecoder().decode(out.stdout).includes("survived")) {
        throw new Error("a thread ran past the forbidden call");
      }
      const figures = backend.stats().figures;
      if ((figures.kills ?? 0) < 1) throw new Error("the kernel counted no kill");
      const deadline = Date.now() + 10_000;
      while (
        !verdicts.includes("no-family-12345") && (backend.stats().figures.ringbufLost ?? 0) === 0 &&
        Date.now() < deadline
      ) await new Promise((r) => setTimeout(r, 10));
      if (
        !verdicts.includes("no-family-12345") && (backend.stats().figures.ringbufLost ?? 0) === 0
      ) {
        throw new Error("the kill was neither reported as enforced nor its event counted lost");
      }
    } finally {
      backend.close();
    }
  },
);

kernelTest(
  "bypass: the kill-by-argument rule holds for i386 int 0x80 calls and for high bits of an int argument",
  reason,
  async () => {
    // argv[1]: "i386" calls socket(12345, 0, 0) through int 0x80 (i386 socket is 359) after an
    // allowed one; "high" calls the x86_64 socket with 0x100003039 (the kernel reads an int).
    const exe = await compileC(gatedProgram(`
      long ret;
      if (strcmp(argv[1], "i386") == 0) {
        asm volatile("int $0x80" : "=a"(ret) : "a"(359L), "b"(12346L), "c"(0L), "d"(0L) : "memory");
        write(1, "allowed\\n", 8);
        asm volatile("int $0x80" : "=a"(ret) : "a"(359L), "b"(12345L), "c"(0L), "d"(0L) : "memory");
      } else {
        syscall(SYS_socket, 0x100003039L, 0L, 0L);
      }
      write(1, "survived\\n", 9);`));
    for (const mode of ["i386", "high"]) {
      const backend = await EbpfBackend.create();
      try {
        await backend.open({ emit() {}, lost() {} });
        const c = spawnGated(exe, [mode]);
        await backend.apply(
          compilePolicies([socketFamilyPolicy(c.pid, "flood")], { arches: ["x86_64", "i386"] }),
          { enforce: true },
        );
        await c.go();
        const out = await c.child.output();
        const text = new TextDecoder().decode(out.stdout);
        if (out.signal !== "SIGKILL" || text.includes("survived")) {
          throw new Error(`${mode}: ended with ${out.code}/${out.signal}: ${text}`);
        }
        if (mode === "i386" && !text.includes("allowed")) {
          throw new Error(`i386: the allowed call was killed too: ${text}`);
        }
      } finally {
        backend.close();
      }
    }
  },
);
