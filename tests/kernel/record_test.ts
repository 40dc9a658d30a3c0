/**
 * Kernel tests of `cordon record` (`Recorder` with `runConfined`, and the CLI): a C program's
 * tree is recorded call by call, with exactly its N getppid calls, the file it opens and the
 * loopback address it connects to; the trace reads back with no malformed line and a dry run of
 * a policy denying getppid reports exactly those calls (cross-checked with `evaluate()`); a
 * recorded TCP connect (protocol tcp) to a port a policy's `network.connect` does not allow is a dry-run
 * denial; a command recorded under `--policy` is confined as `cordon run` confines it; the trace can go
 * to standard output with the command's output on stderr; lost events are counted and written;
 * without eBPF, record refuses and names strace.
 */

import { kernelTest, needCommands, unavailable } from "../_kernel.ts";
import { cordon } from "../_cli.ts";
import { assert, exists, PROBES_REASON } from "../_probes.ts";
import { compileC, NO_BPF_WRAPPER, processTreeFixture } from "./_ebpf_helpers.ts";
import { runConfined } from "../../backends/linux/run.ts";
import { Recorder } from "../../backends/linux/recorder.ts";
import { loadPolicies } from "../../compile/load_policies.ts";
import { evaluate } from "../../compile/evaluate.ts";
import { parseJsonlTraceLine } from "../../engine/trace/jsonl_trace.ts";
import type { TraceItem } from "../../engine/trace/trace_item.ts";
import type { FileEvent, NetworkEvent } from "../../engine/events.ts";

/** `p DIR N`: mkdir(DIR) must fail with EPERM (the policy), then N getppid; exits 7, else 8. */
const MKDIR_PROGRAM = `#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv) {
  int denied = mkdir(argv[1], 0700) != 0 && errno == EPERM;
  long n = atol(argv[2]);
  for (long i = 0; i < n; i++) syscall(SYS_getppid);
  return denied ? 7 : 8;
}
`;

/** `p N FIFO`: N getppid, then one byte written to FIFO (the test waits for it); exits 0. */
const FLOOD_PROGRAM = `#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv) {
  long n = atol(argv[1]);
  for (long i = 0; i < n; i++) syscall(SYS_getppid);
  int fd = open(argv[2], O_WRONLY);
  if (fd < 0 || write(fd, "x", 1) != 1) return 100;
  return 0;
}
`;

const DENY_GETPPID = `apiVersion: cordon/v1
kind: Policy
metadata:
  name: no-getppid
spec:
  defaultAction: allow
  rules:
    - id: deny-getppid
      syscalls: [getppid]
      action: deny
`;

const DENY_MKDIR = `apiVersion: cordon/v1
kind: Policy
metadata:
  name: no-mkdir
spec:
  defaultAction: allow
  rules:
    - id: deny-mkdir
      syscalls: [mkdir, mkdirat]
      action: deny
`;

/** Every item of a JSON Lines trace, with the number of comment lines. */
function readTrace(text: string): { items: TraceItem[]; comments: string[] } {
  const items: TraceItem[] = [];
  const comments: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.startsWith("#")) comments.push(line);
    const item = parseJsonlTraceLine(line, i + 1);
    if (item !== undefined) items.push(item);
  });
  return { items, comments };
}

function malformed(items: TraceItem[]): string[] {
  return items.filter((i) => i.kind === "malformed").map((i) => JSON.stringify(i));
}

function calls(items: TraceItem[], pid: number, name: string): number {
  return items.filter((i) => i.kind === "call" && i.pid === pid && i.name === name).length;
}

interface Tree {
  root: number;
  child: number;
}

/** The command's pid (its exec event) and its child's (the fork event). */
function tree(items: TraceItem[]): Tree {
  const exec = items.find((i) => i.kind === "process" && i.op === "exec");
  assert(exec?.kind === "process", "no exec event");
  const fork = items.find((i) => i.kind === "process" && i.op === "fork" && i.ppid === exec.pid);
  assert(fork?.kind === "process", "no fork event of the command");
  return { root: exec.pid, child: fork.pid };
}

function events<K extends "file" | "network">(items: TraceItem[], kind: K) {
  return items.flatMap((i) => i.kind === "event" && i.event.kind === kind ? [i.event] : []) as (
    K extends "file" ? FileEvent : NetworkEvent
  )[];
}

kernelTest(
  "Recorder writes exactly the N getppid calls of the command and M of its child, the opened path and the connected address",
  PROBES_REASON,
  async () => {
    const { dir, exe, target } = await processTreeFixture("cordon-record-");
    try {
      using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = listener.addr.port;
      const n = 5000, m = 321;
      let text = "";
      const decoder = new TextDecoder();
      const command = [exe, String(n), String(m), target, String(port)];
      using recorder = Recorder.open((bytes) => text += decoder.decode(bytes, { stream: true }), {
        bufferBytes: 4096,
      });
      const result = await runConfined({
        set: { version: 1, layers: [] },
        command,
        beforeStart: (pid) => recorder.attach(pid, command),
        stdout: "piped",
      });
      assert(result.code === 7, `exit code ${result.code}`);
      const summary = recorder.finish();
      assert(summary.lost === 0, `${summary.lost} events lost`);
      assert(summary.execSeen, "the command's execve was not seen");
      const { items } = readTrace(text);
      assert(malformed(items).length === 0, `malformed: ${malformed(items).join("\n")}`);
      assert(items.length === summary.events, `${items.length} items, ${summary.events} events`);
      const { root, child } = tree(items);
      assert(root === result.pid, `root ${root}, command ${result.pid}`);
      assert(calls(items, root, "getppid") === n, `root getppid ${calls(items, root, "getppid")}`);
      assert(
        calls(items, child, "getppid") === m,
        `child getppid ${calls(items, child, "getppid")}`,
      );
      // Every call the kernel counted for the tree is in the trace, and nothing else.
      assert(
        summary.byKind.syscall === summary.syscallsCounted - summary.unstreamed,
        `written ${summary.byKind.syscall}, counted ${summary.syscallsCounted}`,
      );
      // The launcher (Deno) is left out: the first event is the command's exec, with its argv.
      const first = items[0];
      assert(
        first?.kind === "process" && first.op === "exec" && first.executable === exe,
        `first ${JSON.stringify(first)}`,
      );
      assert(!items.some((i) => i.kind === "call" && i.name === "execve"), "execve recorded");
      const files = events(items, "file");
      const opened = files.find((f) => f.path === target && f.pid === root);
      assert(opened && opened.result !== undefined && opened.result >= 0, `no open of ${target}`);
      const missing = files.find((f) => f.path === `${target}.missing`);
      assert(missing?.pid === child && missing.result === -2, `missing ${JSON.stringify(missing)}`);
      const connects = events(items, "network").filter((e) => e.op === "connect");
      assert(
        connects.length === 1 && connects[0]!.pid === root &&
          connects[0]!.address === "127.0.0.1" &&
          connects[0]!.port === port && connects[0]!.family === "inet" &&
          connects[0]!.protocol === "tcp" && connects[0]!.result === 0,
        `connects ${JSON.stringify(connects)}`,
      );
      // Each connect call (syscall event) carries its six arguments: the fd of the socket.
      const connect = items.find((i) => i.kind === "call" && i.name === "connect");
      assert(connect?.kind === "call" && connect.args.length === 6, "connect without arguments");
      const exits = items.filter((i) => i.kind === "process" && i.op === "exit");
      assert(exits.length === 2, `exits ${JSON.stringify(exits)}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "cordon record, then cordon dry-run of a policy denying getppid reports exactly the recorded calls (as evaluate() decides them)",
  PROBES_REASON,
  async () => {
    const { dir, exe, target } = await processTreeFixture("cordon-record-");
    try {
      using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const n = 2500, m = 100;
      const trace = `${dir}/trace.jsonl`;
      const recorded = await cordon([
        "record",
        "-o",
        trace,
        "--report-format",
        "json",
        "--",
        exe,
        String(n),
        String(m),
        target,
        String(listener.addr.port),
      ]);
      assert(recorded.code === 7, `exit ${recorded.code}: ${recorded.stderr}`);
      assert(recorded.stdout === "from-the-command\n", `stdout ${JSON.stringify(recorded.stdout)}`);
      const summary = JSON.parse(recorded.stderr.trim().split("\n").at(-1)!);
      assert(summary.event === "summary" && summary.lost === 0, recorded.stderr);
      const text = await Deno.readTextFile(trace);
      const { items, comments } = readTrace(text);
      assert(malformed(items).length === 0, `malformed: ${malformed(items).join("\n")}`);
      // The trailer: one comment line with the counts, the same as the summary.
      assert(comments.length === 1 && text.trimEnd().endsWith(comments[0]!), "no trailer");
      const trailer = JSON.parse(comments[0]!.slice("# cordon record: ".length));
      assert(trailer.events === summary.events && trailer.lost === 0, comments[0]!);
      assert(trailer.exitCode === 7 && trailer.events === items.length, comments[0]!);

      const policy = `${dir}/deny.yaml`;
      await Deno.writeTextFile(policy, DENY_GETPPID);
      const dry = await cordon(["dry-run", policy, "--trace", trace, "--format", "json"]);
      assert(dry.code === 1, `dry-run exit ${dry.code}: ${dry.stderr}`);
      const report = JSON.parse(dry.stdout);
      assert(report.format === "jsonl" && report.malformedTotal === 0, dry.stdout.slice(0, 500));
      assert(report.undecidedTotal === 0, `undecided ${report.undecidedTotal}`);
      assert(report.findingsTotal === n + m, `${report.findingsTotal} findings, want ${n + m}`);
      assert(
        report.findings.every((f: { syscall: string; action: string }) =>
          f.syscall === "getppid" && f.action === "deny"
        ),
        "a finding that is not a denied getppid",
      );
      // The library's decision on every recorded call agrees.
      const set = (await loadPolicies([policy])).filters;
      let denied = 0;
      for (const item of items) {
        if (item.kind !== "call") continue;
        const args = item.args.map((a) => a ?? 0n);
        if (evaluate(set, { arch: item.arch, nr: item.nr, args }).action === "deny") denied++;
      }
      assert(denied === n + m, `evaluate() denies ${denied}, want ${n + m}`);
      const { root, child } = tree(items);
      assert(calls(items, root, "getppid") === n && calls(items, child, "getppid") === m, "split");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

/** Allows every syscall; connects only to tcp/127.0.0.1:PORT. */
function connectOnly(port: number): string {
  return `apiVersion: cordon/v1
kind: Policy
metadata:
  name: connect-only
spec:
  defaultAction: allow
  network:
    connect: ["tcp/127.0.0.1:${port}"]
`;
}

kernelTest(
  "cordon record, then cordon dry-run of a policy allowing only tcp/127.0.0.1:A reports the recorded TCP connect to port B as a denial",
  PROBES_REASON,
  async () => {
    const { dir, exe, target } = await processTreeFixture("cordon-record-");
    try {
      using listenerA = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      using listenerB = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const a = listenerA.addr.port, b = listenerB.addr.port;
      const trace = `${dir}/trace.jsonl`;
      const recorded = await cordon(["record", "-o", trace, "--", exe, "3", "0", target, `${b}`]);
      assert(recorded.code === 7, `exit ${recorded.code}: ${recorded.stderr}`);
      const { items } = readTrace(await Deno.readTextFile(trace));
      const connects = events(items, "network").filter((e) => e.op === "connect");
      assert(
        connects.length === 1 && connects[0]!.protocol === "tcp" && connects[0]!.port === b,
        `connects ${JSON.stringify(connects)}`,
      );
      const dryRun = async (port: number) => {
        const policy = `${dir}/connect-${port}.yaml`;
        await Deno.writeTextFile(policy, connectOnly(port));
        const out = await cordon(["dry-run", policy, "--trace", trace, "--format", "json"]);
        return { code: out.code, report: JSON.parse(out.stdout), stderr: out.stderr };
      };
      // Only port A allowed: the connect to B is denied, by the network section, at its line.
      const denied = await dryRun(a);
      assert(denied.code === 1, `dry-run exit ${denied.code}: ${denied.stderr}`);
      assert(denied.report.malformedTotal === 0, "malformed lines");
      const findings = denied.report.findings as {
        pid: number;
        action: string;
        section?: string;
        netOp?: string;
        protocol?: string;
        address?: string;
        port?: number;
      }[];
      assert(findings.length === 1, `findings ${JSON.stringify(findings)}`);
      const f = findings[0]!;
      assert(
        f.action === "deny" && f.section === "network.connect" && f.netOp === "connect" &&
          f.protocol === "tcp" && f.address === "127.0.0.1" && f.port === b &&
          f.pid === connects[0]!.pid,
        `finding ${JSON.stringify(f)}`,
      );
      // Port B allowed: the same trace passes (the denial above is the port, nothing else).
      const allowed = await dryRun(b);
      assert(
        allowed.code === 0 && allowed.report.findingsTotal === 0,
        `allowing port ${b}: exit ${allowed.code}, ${JSON.stringify(allowed.report.findings)}`,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "cordon record --policy confines the command as cordon run does; calls seccomp answers are not in the trace",
  PROBES_REASON,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-record-" });
    try {
      const exe = await compileC(MKDIR_PROGRAM);
      await Deno.writeTextFile(`${dir}/policy.yaml`, DENY_MKDIR);
      const n = 1234;
      const trace = `${dir}/trace.jsonl`;
      const made = `${dir}/must-not-exist`;
      const out = await cordon([
        "record",
        "-p",
        `${dir}/policy.yaml`,
        "-o",
        trace,
        "--",
        exe,
        made,
        String(n),
      ]);
      assert(out.code === 7, `exit ${out.code} (8: mkdir was not denied): ${out.stderr}`);
      assert(!await exists(made), "the denied mkdir created the directory");
      const { items } = readTrace(await Deno.readTextFile(trace));
      assert(malformed(items).length === 0, "malformed lines");
      const exec = items.find((i) => i.kind === "process" && i.op === "exec");
      assert(exec?.kind === "process", "no exec event");
      assert(
        calls(items, exec.pid, "getppid") === n,
        `getppid ${calls(items, exec.pid, "getppid")}`,
      );
      assert(
        !items.some((i) => i.kind === "call" && (i.name === "mkdir" || i.name === "mkdirat")),
        "a call seccomp denied is in the trace",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "cordon record without -o writes the trace to stdout and the command's stdout to stderr",
  PROBES_REASON,
  async () => {
    const { dir, exe, target } = await processTreeFixture("cordon-record-");
    try {
      using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const out = await cordon([
        "record",
        "--",
        exe,
        "10",
        "0",
        target,
        String(listener.addr.port),
      ]);
      assert(out.code === 7, `exit ${out.code}: ${out.stderr}`);
      assert(out.stderr.startsWith("from-the-command\n"), `stderr ${out.stderr}`);
      const { items, comments } = readTrace(out.stdout);
      assert(malformed(items).length === 0 && comments.length === 1, "malformed trace on stdout");
      const exec = items.find((i) => i.kind === "process" && i.op === "exec");
      assert(exec?.kind === "process" && calls(items, exec.pid, "getppid") === 10, "getppid");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "Recorder counts the events a full ring buffer loses and says so in the summary",
  unavailable(PROBES_REASON, needCommands("mkfifo")),
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-record-loss-" });
    try {
      const exe = await compileC(FLOOD_PROGRAM);
      const fifo = `${dir}/flooded`;
      const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
      assert(made.success, "mkfifo failed");
      const n = 200_000; // ~22 MiB of events: 20 times the 1 MiB ring
      let written = 0;
      let waited = false;
      using recorder = Recorder.open((bytes) => {
        written += bytes.length;
        if (waited) return;
        waited = true;
        // The first write blocks this (only) thread until the flood is over: nothing reads
        // the ring meanwhile, so it overflows. The FIFO is the event awaited, not a sleep.
        using file = Deno.openSync(fifo, { read: true });
        file.readSync(new Uint8Array(1));
      }, { ringBytes: 1 << 20, bufferBytes: 4096 });
      const result = await runConfined({
        set: { version: 1, layers: [] },
        command: [exe, String(n), fifo],
        beforeStart: (pid) => recorder.attach(pid),
      });
      assert(result.code === 0, `exit ${result.code}`);
      const summary = recorder.finish();
      assert(waited, "the writer never ran");
      assert(summary.lost > 0, `no loss reported: ${JSON.stringify(summary)}`);
      assert(summary.byKind.syscall < n, `${summary.byKind.syscall} syscall events written`);
      assert(summary.bytes === written, `${summary.bytes} bytes reported, ${written} written`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

kernelTest(
  "cordon record without eBPF refuses, naming the mechanism and strace",
  unavailable(PROBES_REASON, needCommands("setpriv")),
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-record-" });
    try {
      const out = await cordon(["record", "-o", `${dir}/t.jsonl`, "--", "/bin/true"], {
        wrapper: NO_BPF_WRAPPER,
      });
      assert(out.code === 1, `exit ${out.code}: ${out.stderr}`);
      assert(
        /refusing to record \/bin\/true: recording needs eBPF monitoring/.test(out.stderr),
        out.stderr,
      );
      assert(/strace -f -y -o FILE -- \/bin\/true/.test(out.stderr), out.stderr);
      assert(!await exists(`${dir}/t.jsonl`), "the refused recording created its trace file");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
