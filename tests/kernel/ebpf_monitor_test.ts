import { EbpfMonitor } from "../../backends/linux/ebpf_monitor.ts";
import { syscallNumber } from "../../policies/syscalls.ts";
import { kernelTest, unavailable } from "../_kernel.ts";
import { compileC, gatedProgram, needEbpf, spawnGated, waitForEvent } from "./_ebpf_helpers.ts";

const reason = unavailable(needEbpf());
const GETPPID = syscallNumber("x86_64", "getppid")!;

kernelTest("monitor counts exactly N getppid calls of a child", reason, async () => {
  using monitor = EbpfMonitor.open();
  const n = 12345;
  const exe = await compileC(
    gatedProgram(`for (int i = 0; i < atoi(argv[1]); i++) syscall(SYS_getppid);`),
  );
  const c = spawnGated(exe, [String(n)]);
  if (!monitor.track(c.pid)) throw new Error("child vanished before it was tracked");
  await c.go();
  const exit = await waitForEvent(monitor, (e) => e.kind === "exit" && e.tgid === c.pid);
  await c.child.output();
  if (exit.kind !== "exit") throw new Error("unreachable");
  const counted = exit.counts.get(GETPPID) ?? 0n;
  if (counted !== BigInt(n)) throw new Error(`counted ${counted} getppid calls, expected ${n}`);
});

kernelTest(
  "a file opened by a monitored process shows up with its path and result",
  reason,
  async () => {
    using monitor = EbpfMonitor.open({ fileEvents: true });
    const dir = await Deno.makeTempDir({ prefix: "cordon-open-" });
    const path = `${dir}/hello.txt`;
    await Deno.writeTextFile(path, "hi");
    const exe = await compileC(gatedProgram(`
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) return 1;
    close(fd);
    if (open("/nonexistent/cordon", O_RDONLY) >= 0) return 2;`));
    const c = spawnGated(exe, [path]);
    monitor.track(c.pid);
    await c.go();
    const opened = await waitForEvent(
      monitor,
      (e) => e.kind === "file" && e.tgid === c.pid && e.path === path,
    );
    const failed = await waitForEvent(
      monitor,
      (e) => e.kind === "file" && e.tgid === c.pid && e.path === "/nonexistent/cordon",
    );
    const status = await c.child.status;
    await Deno.remove(dir, { recursive: true });
    if (!status.success) throw new Error(`child failed with ${status.code}`);
    if (opened.kind !== "file" || opened.ret < 0n) throw new Error(`open result ${String(opened)}`);
    if (opened.nr !== syscallNumber("x86_64", "openat")) throw new Error(`nr ${opened.nr}`);
    if (failed.kind !== "file" || failed.ret !== -2n) throw new Error("ENOENT expected");
  },
);

kernelTest("a connect to a loopback port shows up with address and port", reason, async () => {
  using monitor = EbpfMonitor.open({ netEvents: true });
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const accepted = listener.accept();
  const exe = await compileC(gatedProgram(`
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])) };
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) return 1;
    close(s);`));
  const c = spawnGated(exe, [String(port)]);
  monitor.track(c.pid);
  await c.go();
  const event = await waitForEvent(monitor, (e) => e.kind === "net" && e.tgid === c.pid);
  (await accepted).close();
  await c.child.status;
  if (event.kind !== "net") throw new Error("unreachable");
  if (event.nr !== syscallNumber("x86_64", "connect")) throw new Error(`nr ${event.nr}`);
  if (event.family !== 2 || event.port !== port) {
    throw new Error(`family ${event.family} port ${event.port}`);
  }
  if ([...event.addr.subarray(0, 4)].join(".") !== "127.0.0.1") {
    throw new Error(`addr ${event.addr}`);
  }
  if (event.ret !== 0n) throw new Error(`connect returned ${event.ret}`);
});

kernelTest(
  "exited processes leave the procs map and a reused entry is not inherited",
  reason,
  async () => {
    using monitor = EbpfMonitor.open();
    const exe = await compileC(gatedProgram(`syscall(SYS_getppid);`));
    const c = spawnGated(exe);
    monitor.track(c.pid);
    if (!monitor.proc(c.pid)) throw new Error("tracked pid missing from procs");
    await c.go();
    await waitForEvent(monitor, (e) => e.kind === "exit" && e.tgid === c.pid);
    await c.child.status;
    if (monitor.proc(c.pid)) throw new Error(`pid ${c.pid} still in procs after exit`);
    // An entry whose start time does not match the process holding the pid is never used.
    const other = spawnGated(exe);
    const procs = monitor.map("procs");
    const { encodeNewProc, u32Key } = await import("../../bpf/structs.ts");
    procs.update(u32Key(other.pid), encodeNewProc(1n, 0, 1)); // start tick 1: a different process
    await other.go();
    await other.child.status;
    monitor.poll(() => {});
    const stale = monitor.proc(other.pid);
    if (stale && stale.total !== 0n) throw new Error("a stale entry counted a new process's calls");
  },
);
