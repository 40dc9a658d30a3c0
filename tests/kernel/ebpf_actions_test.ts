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

kernelTest(
  "argument cases are decided in the kernel exactly as the compiler's Evaluator decides them",
  reason,
  async () => {
    const { compilePolicies } = await import("../../compile/compile.ts");
    const { Evaluator } = await import("../../compile/evaluate.ts");
    const { layerEntries, layerMaps } = await import("../../compile/bpf_maps.ts");
    const loc = { file: "t.yaml", line: 1, column: 1 };
    const SOCKET = syscallNumber("x86_64", "socket")!;
    const rule = (
      id: string,
      args: Parameters<typeof compilePolicies>[0][0]["rules"][0]["args"],
    ) => ({
      id,
      policy: "p",
      origin: "rule" as const,
      action: "log" as const,
      priority: 0,
      args,
      loc,
      syscalls: [{ kind: "name" as const, name: "socket", loc }],
    });
    const set = compilePolicies([{
      name: "p",
      target: { pids: [1] },
      defaultAction: "allow",
      defaultErrno: 1,
      mode: "enforce",
      loc,
      rules: [
        rule("family", [{ index: 0, op: "eq", value: 12345n, loc }]),
        rule("type-bits", [{ index: 1, op: "masked_eq", mask: 0xfn, value: 0x3n, loc }]),
        rule("proto-range", [
          { index: 2, op: "gt", value: 100n, loc },
          { index: 2, op: "le", value: 200n, loc },
        ]),
      ],
    }], { arches: ["x86_64", "i386"] });
    // socket's arguments are ints: the kernel reads 32 bits, so high bits must not matter.
    const calls: [bigint, bigint, bigint][] = [
      [12345n, 0n, 0n],
      [0x1_0000_3039n, 0n, 0n],
      [12346n, 0n, 0n],
      [77n, 0x13n, 0n],
      [77n, 0x14n, 0n],
      [77n, 0n, 101n],
      [77n, 0n, 200n],
      [77n, 0n, 201n],
      [77n, 0n, 0xffff_ffffn],
      [77n, 0n, 100n],
    ];
    const evaluator = new Evaluator(set);
    const expected = calls.map(([a, b, c]) =>
      evaluator.decide("x86_64", SOCKET, [a, b, c, 0n, 0n, 0n]).action === "log"
    );
    if (!expected.some((e) => e) || expected.every((e) => e)) throw new Error("weak cases");
    using monitor = EbpfMonitor.open();
    const entries = layerEntries(layerMaps(set)[0]!);
    if ((entries.arg_cases ?? []).length === 0) throw new Error("no arg_cases entry compiled");
    for (const e of entries.arg_cases ?? []) monitor.map("arg_cases").update(e.key, e.value);
    for (const e of entries.decisions ?? []) monitor.map("decisions").update(e.key, e.value);
    const exe = await compileC(gatedProgram(`
      for (int i = 1; i + 2 < argc; i += 3)
        syscall(SYS_socket, strtoull(argv[i], 0, 0), strtoull(argv[i + 1], 0, 0), strtoull(argv[i + 2], 0, 0));
      syscall(SYS_getppid);`));
    const c = spawnGated(exe, calls.flatMap((call) => call.map((v) => `0x${v.toString(16)}`)));
    monitor.track(c.pid, 1);
    monitor.configure({
      syscallSlots: [syscallSlot(syscallNumber("x86_64", "getppid")!, "native")],
    });
    await c.go();
    await c.child.status;
    const logged: bigint[][] = [];
    for (;;) {
      const e = await waitForEvent(monitor, (e) => e.kind === "syscall" && e.tgid === c.pid);
      if (e.kind !== "syscall") continue;
      if (e.nr !== SOCKET) break; // the getppid after the last socket call
      if (e.action !== CORDON_ACT.log) throw new Error(`action ${e.action}`);
      logged.push([...e.args.slice(0, 3)]);
    }
    const got = calls.map(([a, b, c]) => logged.some(([x, y, z]) => x === a && y === b && z === c));
    if (got.join() !== expected.join()) {
      throw new Error(`kernel logged ${got.join()}, the Evaluator decides ${expected.join()}`);
    }
  },
);

kernelTest(
  "a comm target that cannot get an entry in the full process table is killed at exec",
  reason,
  async () => {
    const { commKey, u32Key } = await import("../../bpf/structs.ts");
    using monitor = EbpfMonitor.open({ maxProcs: 2 });
    const sleepers = [0, 1].map(() =>
      new Deno.Command("sleep", { args: ["60"], stdout: "null" }).spawn()
    );
    try {
      for (const s of sleepers) if (!monitor.track(s.pid)) throw new Error("cannot track");
      const dir = await Deno.makeTempDir({ prefix: "cordon-fullexec-" });
      const exe = `${dir}/cordon-fullx`;
      await Deno.copyFile(await compileC(gatedProgram(`write(1, "ran", 3);`)), exe);
      await Deno.chmod(exe, 0o755);
      monitor.map("comm_targets").update(commKey("cordon-fullx"), u32Key(5));
      const c = spawnGated(exe);
      await c.go().catch(() => {}); // dead already: EPIPE
      const out = await c.child.output();
      await Deno.remove(dir, { recursive: true });
      if (out.signal !== "SIGKILL") throw new Error(`ended with ${out.code}/${out.signal}`);
      if (new TextDecoder().decode(out.stdout) !== "") throw new Error("ran untracked");
      const stats = monitor.stats();
      if (stats.procsFullKilled !== 1n || stats.procsFull < 1n) {
        throw new Error(`procsFullKilled ${stats.procsFullKilled}, procsFull ${stats.procsFull}`);
      }
      const notice = await waitForEvent(monitor, (e) => e.kind === "enforce");
      if (notice.kind !== "enforce" || notice.targetTgid !== c.pid) {
        throw new Error(
          `notice for ${notice.kind === "enforce" ? notice.targetTgid : notice.kind}`,
        );
      }
    } finally {
      for (const s of sleepers) {
        s.kill("SIGKILL");
        await s.status;
      }
    }
  },
);
