/**
 * Helpers shared by the eBPF kernel tests: C programs compiled once, children that wait for a go
 * signal on stdin (so they can be monitored before they act), the process tree the monitor and
 * record suites watch, running without BPF capabilities, and awaiting monitor events with a
 * deadline.
 *
 * @module
 */

import type { EbpfMonitor } from "../../backends/linux/ebpf_monitor.ts";
import type { RawEvent } from "../../bpf/structs.ts";
import { hasCommand } from "../_kernel.ts";
import type { ResolvedPolicy, Rule } from "../../policies/types.ts";

/** A reason when the eBPF tests cannot run, or null. */
export function needEbpf(): string | null {
  if (Deno.build.os !== "linux" || Deno.uid() !== 0) return "needs root on Linux";
  try {
    Deno.statSync("/sys/kernel/btf/vmlinux");
  } catch {
    return "needs kernel BTF (/sys/kernel/btf/vmlinux)";
  }
  return hasCommand("gcc") ? null : "needs gcc (run scripts/setup.sh)";
}

/**
 * A command prefix that runs as root without CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN: no BPF
 * programs can be loaded under it (needs `setpriv`).
 */
export const NO_BPF_WRAPPER: readonly string[] = [
  "setpriv",
  "--bounding-set",
  "-bpf,-perfmon,-sys_admin",
  "--inh-caps",
  "-bpf,-perfmon,-sys_admin",
];

const compiled = new Map<string, string>();

/**
 * Compiles the C program `source` with gcc (once per source per test process) and returns
 * the executable's path.
 */
export async function compileC(source: string): Promise<string> {
  const cached = compiled.get(source);
  if (cached) return cached;
  const dir = await Deno.makeTempDir({ prefix: "cordon-ktest-" });
  await Deno.writeTextFile(`${dir}/p.c`, source);
  const out = await new Deno.Command("gcc", {
    args: ["-O1", "-o", `${dir}/p`, `${dir}/p.c`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`gcc failed: ${new TextDecoder().decode(out.stderr)}`);
  compiled.set(source, `${dir}/p`);
  return `${dir}/p`;
}

/**
 * A C program that waits for one byte on stdin, then runs `body` (C statements; `argc`,
 * `argv` available), then exits 0. Headers for syscalls, sockets and files are included.
 */
export function gatedProgram(body: string): string {
  return `#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
  char go;
  if (read(0, &go, 1) != 1) return 100;
  ${body}
  return 0;
}
`;
}

/**
 * C statements that connect a TCP socket `s` to 127.0.0.1 on the port given by `argv[arg]`
 * (through `struct sockaddr_in a`), returning `failure` from `main` when the connect fails.
 */
export function connectLoopback(arg: number, failure: number): string {
  return `
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[${arg}])) };
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) return ${failure};`;
}

/**
 * The process tree that the monitor and record suites watch. `p N M PATH [PORT]`: N getppid,
 * opens PATH, connects to 127.0.0.1:PORT when PORT is given, then a child makes M getppid and
 * opens PATH.missing; the parent waits for it, prints "from-the-command" and exits 7 (100 when
 * PATH cannot be opened, 101 when the connect fails).
 */
export const PROCESS_TREE_PROGRAM = `#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
  long n = atol(argv[1]), m = atol(argv[2]);
  for (long i = 0; i < n; i++) syscall(SYS_getppid);
  int fd = open(argv[3], O_RDONLY);
  if (fd < 0) return 100;
  close(fd);
  if (argc > 4) {${connectLoopback(4, 101)}
    close(s);
  }
  pid_t child = fork();
  if (child == 0) {
    char missing[4096];
    snprintf(missing, sizeof missing, "%s.missing", argv[3]);
    for (long i = 0; i < m; i++) syscall(SYS_getppid);
    open(missing, O_RDONLY);
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  printf("from-the-command\\n");
  return 7;
}
`;

/** What {@linkcode processTreeFixture} made. */
export interface ProcessTreeFixture {
  /** A new temporary directory (the caller removes it). */
  readonly dir: string;
  /** The compiled {@linkcode PROCESS_TREE_PROGRAM}. */
  readonly exe: string;
  /** A file in `dir` for the program to open (its PATH). */
  readonly target: string;
}

/** Compiles {@linkcode PROCESS_TREE_PROGRAM}; makes a directory `prefix…` with a file to open. */
export async function processTreeFixture(prefix: string): Promise<ProcessTreeFixture> {
  const dir = await Deno.makeTempDir({ prefix });
  const exe = await compileC(PROCESS_TREE_PROGRAM);
  const target = `${dir}/opened-${crypto.randomUUID()}.txt`;
  await Deno.writeTextFile(target, "x");
  return { dir, exe, target };
}

/** A child that runs its code after reading one byte of stdin. */
export interface GatedChild {
  readonly child: Deno.ChildProcess;
  readonly pid: number;
  /** Lets the child run its code. */
  go(): Promise<void>;
}

/**
 * Spawns `executable` (see {@linkcode gatedProgram}) with `args`; it acts after `go()`.
 */
export function spawnGated(executable: string, args: string[] = []): GatedChild {
  const child = new Deno.Command(executable, {
    args,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  return {
    child,
    pid: child.pid,
    async go() {
      const writer = child.stdin.getWriter();
      await writer.write(new Uint8Array([0x0a]));
      await writer.close();
    },
  };
}

/**
 * Resolves once process `pid` is blocked reading its standard input (its `/proc/PID/syscall`
 * names `read` on fd 0), so that watchers attached afterwards all see the same calls from it.
 * The kernel gives no event for "blocked in a syscall", so this is bounded polling of that file.
 */
export async function blockedReadingStdin(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const syscall = await Deno.readTextFile(`/proc/${pid}/syscall`).catch(() => "");
    if (syscall.startsWith("0 0x0 ")) return;
    if (Date.now() > deadline) {
      throw new Error(`pid ${pid} not blocked reading stdin after ${timeoutMs} ms: ${syscall}`);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}

const backlogs = new WeakMap<EbpfMonitor, RawEvent[]>();

/**
 * Polls `monitor` until `predicate` accepts an event (returned and removed from the monitor's
 * backlog) or `timeoutMs` passes (throws). Events polled but not matched stay in a per-monitor
 * backlog for later calls. The kernel gives no event to wait on for ring-buffer data here
 * (records are submitted without wakeups), so this is bounded polling.
 */
export async function waitForEvent(
  monitor: EbpfMonitor,
  predicate: (event: RawEvent) => boolean,
  timeoutMs = 10_000,
): Promise<RawEvent> {
  let backlog = backlogs.get(monitor);
  if (!backlog) backlogs.set(monitor, backlog = []);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const index = backlog.findIndex(predicate);
    if (index >= 0) return backlog.splice(index, 1)[0]!;
    if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms`);
    if (monitor.poll((event) => backlog.push(event)) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}

/**
 * Polls `monitor` until `until` accepts an event and returns every event polled before it (in
 * ring-buffer order) and that event, removing them from the monitor's backlog; events after it
 * stay there. A process's records are submitted in the order its calls ran, so once its last
 * call's event is here, all of its earlier ones are too: absence can be asserted without waiting.
 * Throws when nothing matches within `timeoutMs` (bounded polling, as {@linkcode waitForEvent}).
 */
export async function waitForEvents(
  monitor: EbpfMonitor,
  until: (event: RawEvent) => boolean,
  timeoutMs = 10_000,
): Promise<RawEvent[]> {
  let backlog = backlogs.get(monitor);
  if (!backlog) backlogs.set(monitor, backlog = []);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const index = backlog.findIndex(until);
    if (index >= 0) return backlog.splice(0, index + 1);
    if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms`);
    if (monitor.poll((event) => backlog.push(event)) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}

const TEST_LOC = { file: "t.yaml", line: 1, column: 1 };

/** An enforcing policy named `name` for `pid`: `rules`, else allow. */
function pidPolicy(pid: number, name: string, rules: Rule[]): ResolvedPolicy {
  return {
    name,
    target: { pids: [pid] },
    defaultAction: "allow",
    defaultErrno: 1,
    mode: "enforce",
    loc: TEST_LOC,
    rules,
  };
}

/** A policy named `name` for `pid` that kills the process at its first `syscall`. */
export function killPolicy(pid: number, syscall: string, name = "kill-test"): ResolvedPolicy {
  return pidPolicy(pid, name, [{
    id: `kill-${syscall}`,
    policy: name,
    origin: "rule",
    action: "kill",
    priority: 0,
    args: [],
    loc: TEST_LOC,
    syscalls: [{ kind: "name", name: syscall, loc: TEST_LOC }],
  }]);
}

/**
 * A policy named `name` for `pid` with a kill rule on `socket(12345, …)` and `extra` log rules on
 * other families (20 is more argument cases than the kernel's table holds: the calls are then
 * decided in user space).
 */
export function socketFamilyPolicy(pid: number, name: string, extra = 0): ResolvedPolicy {
  const loc = TEST_LOC;
  const rule = (id: string, action: "kill" | "log", value: bigint): Rule => ({
    id,
    policy: name,
    origin: "rule",
    action,
    priority: 0,
    args: [{ index: 0, op: "eq", value, loc }],
    loc,
    syscalls: [{ kind: "name", name: "socket", loc }],
  });
  const rules = [rule("no-family-12345", "kill", 12345n)];
  for (let i = 0; i < extra; i++) rules.push(rule(`log-${i}`, "log", BigInt(20000 + i)));
  return pidPolicy(pid, name, rules);
}
