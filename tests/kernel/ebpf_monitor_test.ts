import { EbpfMonitor } from "../../backends/linux/ebpf_monitor.ts";
import { VerifierError } from "../../backends/linux/bpf_object.ts";
import { syscallNumber } from "../../policies/syscalls.ts";
import { kernelTest, unavailable } from "../_kernel.ts";
import {
  compileC,
  connectLoopback,
  gatedProgram,
  needEbpf,
  spawnGated,
  waitForEvent,
  waitForEvents,
} from "./_ebpf_helpers.ts";
import type { RawEvent } from "../../bpf/structs.ts";

const reason = unavailable(needEbpf());
const GETPPID = syscallNumber("x86_64", "getppid")!;
const IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_RAW = 255;
type NetEvent = Extract<RawEvent, { kind: "net" | "netDeny" }>;

function isNet(event: RawEvent): event is NetEvent {
  return event.kind === "net";
}

function describe(e: NetEvent): string {
  return `${e.tgid} nr ${e.nr} fd ${e.fd} family ${e.family} protocol ${e.protocol} port ${e.port}`;
}

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

kernelTest(
  "a TCP connect to a loopback port shows up with address, port and protocol tcp",
  reason,
  async () => {
    using monitor = EbpfMonitor.open({ netEvents: true });
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    const accepted = listener.accept();
    const exe = await compileC(gatedProgram(`${connectLoopback(1, 1)}
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
    if (event.protocol !== IPPROTO_TCP) throw new Error(`protocol ${event.protocol}, want TCP`);
  },
);

kernelTest(
  "UDP sendto and sendmsg show protocol udp; sends without a destination are not reported; raw and unix sockets are not udp",
  reason,
  async () => {
    using monitor = EbpfMonitor.open({ netEvents: true });
    // Unconnected UDP sends to closed loopback ports succeed (nothing reports the ICMP back).
    const exe = await compileC(gatedProgram(`
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    a.sin_port = htons(atoi(argv[1]));
    if (sendto(u, "x", 1, 0, (struct sockaddr *)&a, sizeof a) != 1) return 1;
    a.sin_port = htons(atoi(argv[2]));
    struct iovec iov = { .iov_base = "y", .iov_len = 1 };
    struct msghdr m = { .msg_name = &a, .msg_namelen = sizeof a, .msg_iov = &iov, .msg_iovlen = 1 };
    if (sendmsg(u, &m, 0) != 1) return 2;
    a.sin_port = htons(atoi(argv[3]));
    if (connect(u, (struct sockaddr *)&a, sizeof a) != 0) return 3;
    send(u, "z", 1, 0); /* sendto with no destination */
    m.msg_name = NULL;
    m.msg_namelen = 0;
    sendmsg(u, &m, 0); /* no destination */
    int r = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
    if (r < 0) return 4;
    a.sin_port = 0;
    if (sendto(r, "12345678", 8, 0, (struct sockaddr *)&a, sizeof a) != 8) return 5;
    int x = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    strcpy(un.sun_path + 1, "cordon-test-nobody-listens");
    if (sendto(x, "u", 1, 0, (struct sockaddr *)&un, sizeof un) >= 0) return 6;`));
    const ports = [40001, 40002, 40003];
    const c = spawnGated(exe, ports.map(String));
    monitor.track(c.pid);
    await c.go();
    // The unix sendto is the last call: every earlier event of the child has been submitted.
    const events = (await waitForEvents(
      monitor,
      (e) => e.kind === "net" && e.tgid === c.pid && e.family === 1,
    )).filter(isNet).filter((e) => e.tgid === c.pid);
    const status = await c.child.status;
    if (!status.success) throw new Error(`child failed with ${status.code}`);
    const got = events.map(describe).join("\n");
    const sendto = syscallNumber("x86_64", "sendto")!;
    const sendmsg = syscallNumber("x86_64", "sendmsg")!;
    const connect = syscallNumber("x86_64", "connect")!;
    const want: [number, number, number, number][] = [ // nr, family, protocol, port
      [sendto, 2, IPPROTO_UDP, ports[0]!],
      [sendmsg, 2, IPPROTO_UDP, ports[1]!],
      [connect, 2, IPPROTO_UDP, ports[2]!],
      [sendto, 2, IPPROTO_RAW, 0],
      [sendto, 1, 0, 0],
    ];
    if (events.length !== want.length) throw new Error(`${events.length} events:\n${got}`);
    want.forEach(([nr, family, protocol, port], i) => {
      const e = events[i]!;
      if (e.nr !== nr || e.family !== family || e.protocol !== protocol || e.port !== port) {
        throw new Error(
          `event ${i}: want nr ${nr} family ${family} protocol ${protocol} ` +
            `port ${port}; got:\n${got}`,
        );
      }
    });
    if ([...events[0]!.addr.subarray(0, 4)].join(".") !== "127.0.0.1") throw new Error(got);
    if (events[0]!.ret !== 1n || events[1]!.ret !== 1n) throw new Error("send results");
  },
);

kernelTest(
  "a socket fd inherited across fork and dup2, or copied with F_DUPFD, resolves to its protocol",
  reason,
  async () => {
    using monitor = EbpfMonitor.open({ netEvents: true });
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    const accepted = listener.accept();
    const exe = await compileC(gatedProgram(`
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])) };
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    pid_t child = fork();
    if (child == 0) {
      if (dup2(s, 77) != 77) _exit(1);
      close(s);
      _exit(connect(77, (struct sockaddr *)&a, sizeof a) == 0 ? 0 : 2);
    }
    int status;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      return 1;
    }
    int t = fcntl(u, F_DUPFD_CLOEXEC, 200);
    if (t < 200) return 2;
    close(u);
    a.sin_port = htons(atoi(argv[2]));
    if (sendto(t, "x", 1, 0, (struct sockaddr *)&a, sizeof a) != 1) return 3;`));
    const udpPort = 40004;
    const c = spawnGated(exe, [String(port), String(udpPort)]);
    monitor.track(c.pid);
    await c.go();
    const inherited = await waitForEvent(
      monitor,
      (e) => e.kind === "net" && e.fd === 77 && e.port === port,
    );
    const copied = await waitForEvent(
      monitor,
      (e) => e.kind === "net" && e.tgid === c.pid && e.port === udpPort,
    );
    (await accepted).close();
    const status = await c.child.status;
    if (!status.success) throw new Error(`child failed with ${status.code}`);
    if (!isNet(inherited) || !isNet(copied)) throw new Error("unreachable");
    if (inherited.tgid === c.pid) throw new Error("the connect on fd 77 was not the child's");
    if (inherited.protocol !== IPPROTO_TCP || inherited.ret !== 0n) {
      throw new Error(`inherited: ${describe(inherited)} ret ${inherited.ret}`);
    }
    if (copied.protocol !== IPPROTO_UDP || copied.fd < 200) {
      throw new Error(`copied: ${describe(copied)}`);
    }
  },
);

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

/*
 * Threads count their calls in their own task storage and add them to the process's entry when
 * they exit; the exit event is sent by the last thread to leave. Here the main thread waits until
 * every thread has made its N calls and is blocked in read(), then exits the group: the threads
 * are killed while the main thread exits, and their counts must still all be in the event.
 */
const THREADS_PROGRAM = `#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
static long n;
static int done[2], hold[2];
static void *work(void *arg) {
  (void)arg;
  for (long i = 0; i < n; i++) syscall(SYS_getppid);
  char c = 1;
  if (write(done[1], &c, 1) != 1) _exit(3);
  read(hold[0], &c, 1); /* blocked until the group exits */
  return 0;
}
int main(int argc, char **argv) {
  char go;
  if (read(0, &go, 1) != 1) return 100;
  n = atol(argv[1]);
  int threads = atoi(argv[2]);
  if (pipe(done) || pipe(hold)) return 2;
  pthread_t t;
  for (int i = 0; i < threads; i++) if (pthread_create(&t, 0, work, 0)) return 4;
  for (long i = 0; i < n; i++) syscall(SYS_getppid);
  for (int i = 0; i < threads; i++) { char c; if (read(done[0], &c, 1) != 1) return 5; }
  exit(0);
}
`;

kernelTest(
  "a multithreaded child's calls are counted exactly, threads killed by the group's exit included",
  reason,
  async () => {
    using monitor = EbpfMonitor.open();
    const n = 20_000, threads = 4;
    const exe = await compileC(THREADS_PROGRAM);
    for (let round = 0; round < 3; round++) {
      const c = spawnGated(exe, [String(n), String(threads)]);
      if (!monitor.track(c.pid)) throw new Error("child vanished before it was tracked");
      await c.go();
      const exit = await waitForEvent(monitor, (e) => e.kind === "exit" && e.tgid === c.pid);
      const status = await c.child.output();
      if (status.code !== 0) throw new Error(`child exited ${status.code}`);
      if (exit.kind !== "exit") throw new Error("unreachable");
      const counted = exit.counts.get(GETPPID) ?? 0n;
      const expected = BigInt(n * (threads + 1));
      if (counted !== expected) {
        throw new Error(`round ${round}: counted ${counted} getppid calls, expected ${expected}`);
      }
      let sum = exit.other;
      for (const v of exit.counts.values()) sum += v;
      if (sum !== exit.total) throw new Error(`total ${exit.total} != sum of counts ${sum}`);
      if (monitor.proc(c.pid)) throw new Error(`pid ${c.pid} still in procs after exit`);
    }
  },
);

kernelTest(
  "live counts of a running process include its threads' own counts",
  reason,
  async () => {
    using monitor = EbpfMonitor.open();
    const n = 777;
    // N calls, then a byte on stdout, then blocked until stdin closes.
    const exe = await compileC(gatedProgram(`
    for (int i = 0; i < atoi(argv[1]); i++) syscall(SYS_getppid);
    if (write(1, "x", 1) != 1) return 3;
    char c;
    read(0, &c, 1);`));
    const child = new Deno.Command(exe, {
      args: [String(n)],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    if (!monitor.track(child.pid)) throw new Error("child vanished before it was tracked");
    const writer = child.stdin.getWriter();
    await writer.write(new Uint8Array([0x0a]));
    const reader = child.stdout.getReader();
    if ((await reader.read()).done) throw new Error("child exited before its calls");
    const live = monitor.proc(child.pid);
    const counted = live?.counts.get(GETPPID) ?? 0n;
    await writer.close();
    reader.releaseLock();
    await child.stdout.cancel();
    await child.status;
    if (counted !== BigInt(n)) throw new Error(`live count ${counted} getppid, expected ${n}`);
  },
);

kernelTest(
  "exit programs are attached only while events need the calls' results: file ones for file events, network ones for network events",
  reason,
  () => {
    using monitor = EbpfMonitor.open();
    const attached = (prefix: string) => monitor.attached.filter((d) => d.startsWith(prefix));
    const file = ["open", "creat", "openat", "openat2"].map((c) => `cordon_ret_${c}`);
    const net = ["connect", "bind", "accept", "accept4", "sendto", "sendmsg"].map((c) =>
      `cordon_ret_${c}`
    );
    const same = (got: string[], want: string[]) =>
      got.length === want.length && want.every((w) => got.includes(w));
    // Where this kernel refuses task work, the raw sys_exit alone completes every call while
    // events are on (the per-syscall exit tracepoints stay detached).
    const fallback = monitor.compatResults === "sys_exit";
    const compat = fallback ? ["cordon_sys_exit"] : [];
    if (fallback) file.length = net.length = 0;
    if (!monitor.attached.includes("cordon_sys_enter")) {
      throw new Error(`sys_enter not attached: ${monitor.attached}`);
    }
    const exits = () => [...attached("cordon_ret_"), ...attached("cordon_sys_exit")];
    if (exits().length) throw new Error(`exit programs attached for counting: ${exits()}`);
    monitor.configure({ fileEvents: true });
    if (!same(exits(), [...file, ...compat])) throw new Error(`file events: ${exits()}`);
    monitor.configure({ fileEvents: false, netEvents: true });
    if (!same(exits(), [...net, ...compat])) throw new Error(`network events: ${exits()}`);
    monitor.configure({ fileEvents: true });
    if (!same(exits(), [...file, ...net, ...compat])) throw new Error(`both: ${exits()}`);
    monitor.configure({ fileEvents: false, netEvents: false });
    if (exits().length) {
      throw new Error(`still attached after events were switched off: ${exits()}`);
    }
  },
);

/** C: `long sys32(nr, a, b, c)`, an i386 call through `int $0x80`, and `low(text)`, a copy of
 * `text` below 4 GiB (i386 calls take 32-bit pointers). */
const I386 = `#include <signal.h>
#include <sys/mman.h>
static long sys32(long nr, long a, long b, long c) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
  return ret;
}
static char *low(const char *text) {
  char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (p == MAP_FAILED) exit(90);
  strcpy(p, text);
  return p;
}
static void on_usr1(int sig) { (void)sig; }`;
const NR32_OPENAT = 295, NR32_CONNECT = 362;

for (const compatResults of ["task work", "sys_exit"] as const) {
  kernelTest(
    `i386 openat and connect (int 0x80) show up with their results from ${
      compatResults === "task work"
        ? "task work (or, where the kernel refuses it by name, sys_exit is chosen)"
        : "sys_exit"
    }, and a signal's restart does not change the result seen`,
    reason,
    () => i386Results(compatResults),
  );
}

async function i386Results(compatResults: "task work" | "sys_exit") {
  if (compatResults === "task work") {
    using chosen = EbpfMonitor.open();
    if (chosen.compatResults === "sys_exit") {
      // Some 6.18 builds refuse this kfunc outside sleepable programs: the load says so.
      try {
        EbpfMonitor.open({ compatResults }).close();
      } catch (error) {
        if (error instanceof VerifierError && /bpf_task_work_schedule_resume/.test(error.log)) {
          return;
        }
        throw error;
      }
      throw new Error("sys_exit was chosen although task work loads");
    }
  }
  {
    using monitor = EbpfMonitor.open({ fileEvents: true, netEvents: true, compatResults });
    if (monitor.compatResults !== compatResults) throw new Error(monitor.compatResults);
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    const accepted = listener.accept();
    const dir = await Deno.makeTempDir({ prefix: "cordon-i386-" });
    const path = `${dir}/hello.txt`, fifo = `${dir}/fifo`;
    await Deno.writeTextFile(path, "hi");
    await new Deno.Command("mkfifo", { args: [fifo] }).output();
    const program = gatedProgram(`
    long fd = sys32(${NR32_OPENAT}, -100, (long)low(argv[1]), O_RDONLY);
    if (fd < 0) return 1;
    if (sys32(${NR32_OPENAT}, -100, (long)low("/nonexistent/cordon-i386"), O_RDONLY) != -ENOENT) return 2;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in *a = (struct sockaddr_in *)low("");
    a->sin_family = AF_INET;
    a->sin_port = htons(atoi(argv[2]));
    inet_pton(AF_INET, "127.0.0.1", &a->sin_addr);
    if (sys32(${NR32_CONNECT}, s, (long)a, sizeof *a) != 0) return 3;
    struct sigaction sa = { .sa_handler = on_usr1 }; /* no SA_RESTART: the open fails with EINTR */
    sigaction(SIGUSR1, &sa, 0);
    long r = sys32(${NR32_OPENAT}, -100, (long)low(argv[3]), O_RDONLY); /* a FIFO: blocks */
    printf("%ld\\n", r);`).replace(
      "int main(",
      `${I386}
int main(`,
    );
    const exe = await compileC(program);
    const c = spawnGated(exe, [path, String(port), fifo]);
    monitor.track(c.pid);
    await c.go();
    const opened = await waitForEvent(
      monitor,
      (e) => e.kind === "file" && e.tgid === c.pid && e.path === path,
    );
    const failed = await waitForEvent(
      monitor,
      (e) => e.kind === "file" && e.tgid === c.pid && e.path === "/nonexistent/cordon-i386",
    );
    const connected = await waitForEvent(monitor, (e) => e.kind === "net" && e.tgid === c.pid);
    // Wait until the child is blocked in the FIFO's open (its i386 openat), then interrupt it.
    for (;;) {
      const syscall = await Deno.readTextFile(`/proc/${c.pid}/syscall`).catch(() => "");
      if (syscall.startsWith(`${NR32_OPENAT} `)) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    Deno.kill(c.pid, "SIGUSR1");
    const interrupted = await waitForEvent(
      monitor,
      (e) => e.kind === "file" && e.tgid === c.pid && e.path === fifo,
    );
    const out = await c.child.output();
    (await accepted).close();
    await Deno.remove(dir, { recursive: true });
    if (out.code !== 0) throw new Error(`child failed with ${out.code}`);
    for (const e of [opened, failed, interrupted]) {
      if (e.kind !== "file" || e.abi !== 1 || e.nr !== NR32_OPENAT) {
        throw new Error(`not an i386 openat: ${JSON.stringify(e, (_, v) => String(v))}`);
      }
    }
    if (opened.kind !== "file" || opened.ret < 0n) throw new Error(`open result ${opened}`);
    if (failed.kind !== "file" || failed.ret !== -2n) throw new Error("ENOENT expected");
    // The child saw EINTR; the call itself returned -ERESTARTSYS, turned into EINTR by the
    // signal's delivery afterwards: the event has the call's own result, as sys_exit sees it.
    if (new TextDecoder().decode(out.stdout).trim() !== "-4") {
      throw new Error("child: EINTR expected");
    }
    if (interrupted.kind !== "file" || interrupted.ret !== -512n) {
      throw new Error(`interrupted open: ret ${interrupted.kind === "file" && interrupted.ret}`);
    }
    if (!isNet(connected) || connected.abi !== 1 || connected.nr !== NR32_CONNECT) {
      throw new Error("not an i386 connect");
    }
    if (connected.ret !== 0n || connected.port !== port || connected.protocol !== IPPROTO_TCP) {
      throw new Error(`i386 connect: ${describe(connected)} ret ${connected.ret}`);
    }
    if (monitor.stats().lost !== 0n) throw new Error(`lost ${monitor.stats().lost}`);
  }
}
