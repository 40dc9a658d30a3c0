/**
 * `cordon record --backend bpftrace` against the eBPF recorder, on the same command: the same
 * processes, the same syscalls per process (as multisets), the same files with their results,
 * nothing of the launcher, and a trace that `cordon dry-run` reads with exactly its processes.
 * bpftrace prints its per-CPU buffers one after the other; the backend puts the lines back into
 * kernel order by their kernel times, so the bpftrace trace is in time order, each child starts
 * with its fork and each process ends with its exit.
 */

import { kernelTest, needCommands, unavailable } from "../_kernel.ts";
import { cordon } from "../_cli.ts";
import { needEbpf } from "./_ebpf_helpers.ts";
import { fail } from "node:assert/strict";

interface TraceEvent {
  readonly kind: string;
  readonly op?: string;
  readonly pid: number;
  readonly ppid?: number;
  readonly time: number;
  readonly name?: string;
  readonly path?: string;
  readonly result?: number;
  readonly executable?: string;
}

interface Recorded {
  readonly events: readonly TraceEvent[];
  /** Per process, in order of first appearance: syscall name → count. */
  readonly syscalls: Record<string, number>[];
  /** Per process: the sorted "path result" of its file events. */
  readonly files: string[][];
  readonly executables: string[];
  readonly trailer: { lost: number; events: number };
}

async function record(backend: string, dir: string, command: readonly string[]): Promise<Recorded> {
  const trace = `${dir}/${backend}.jsonl`;
  const run = await cordon(["record", "--backend", backend, "-o", trace, "--", ...command]);
  if (run.code !== 0) fail(`record --backend ${backend}: exit ${run.code}: ${run.stderr}`);
  const text = await Deno.readTextFile(trace);
  const events: TraceEvent[] = text.split("\n").filter((l) => l.startsWith("{")).map((l) =>
    JSON.parse(l)
  );
  const trailerLine = text.split("\n").find((l) => l.startsWith("# cordon record: "));
  const trailer = JSON.parse(trailerLine?.slice("# cordon record: ".length) ?? "{}");
  const pids: number[] = [];
  for (const e of events) if (!pids.includes(e.pid)) pids.push(e.pid);
  return {
    events,
    syscalls: pids.map((pid) => {
      const counts: Record<string, number> = {};
      for (const e of events) {
        if (e.pid === pid && e.kind === "syscall") {
          counts[e.name ?? "?"] = (counts[e.name ?? "?"] ?? 0) + 1;
        }
      }
      return Object.fromEntries(Object.entries(counts).sort(([x], [y]) => x < y ? -1 : 1));
    }),
    files: pids.map((pid) =>
      events.filter((e) => e.pid === pid && e.kind === "file").map((e) => `${e.path} ${e.result}`)
        .sort()
    ),
    executables: events.filter((e) => e.kind === "process" && e.op === "exec").map((e) =>
      e.executable ?? "?"
    ),
    trailer,
  };
}

kernelTest(
  "cordon record --backend bpftrace writes the trace the eBPF recorder writes",
  unavailable(needEbpf(), needCommands("bpftrace")),
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "cordon-record-backends-" });
    try {
      const command = ["/bin/sh", "-c", "cat /etc/hostname > /dev/null; exec /bin/true"];
      const ebpf = await record("linux", dir, command);
      const bt = await record("bpftrace", dir, command);
      for (const r of [ebpf, bt]) {
        if (r.trailer.lost !== 0) fail(`events lost: ${JSON.stringify(r.trailer)}`);
        if (r.executables[0] !== "/bin/sh") fail(`first exec ${r.executables[0]} (the launcher?)`);
      }
      const [a, b] = [JSON.stringify(ebpf.syscalls), JSON.stringify(bt.syscalls)];
      if (a !== b) fail(`syscalls differ:\neBPF     ${a}\nbpftrace ${b}`);
      const [fa, fb] = [JSON.stringify(ebpf.files), JSON.stringify(bt.files)];
      if (fa !== fb) fail(`files differ:\neBPF     ${fa}\nbpftrace ${fb}`);
      if (JSON.stringify(ebpf.executables) !== JSON.stringify(bt.executables)) {
        fail(`execs: ${ebpf.executables} / ${bt.executables}`);
      }
      if (!bt.syscalls[1]?.openat) fail(`cat's openat calls are missing: ${JSON.stringify(bt)}`);
      // Kernel order: times never go back, a child's first event is its fork, a process's last
      // its exit (the lines came from bpftrace's per-CPU buffers, one buffer after another).
      const back = bt.events.findIndex((e, i) => i > 0 && e.time < bt.events[i - 1]!.time);
      if (back !== -1) {
        fail(
          `bpftrace trace goes back in time at event ${back}: ${
            JSON.stringify(bt.events.slice(Math.max(0, back - 2), back + 1))
          }`,
        );
      }
      const root = bt.events[0]!.pid;
      for (const pid of new Set(bt.events.map((e) => e.pid))) {
        const own = bt.events.filter((e) => e.pid === pid);
        const first = own[0]!, last = own.at(-1)!;
        if (pid === root) {
          if (first.kind !== "process" || first.op !== "exec") {
            fail(`the command's first event is not its exec: ${JSON.stringify(first)}`);
          }
        } else if (first.kind !== "process" || first.op !== "fork" || first.ppid === undefined) {
          fail(`child ${pid}'s first event is not its fork: ${JSON.stringify(first)}`);
        }
        if (last.kind !== "process" || last.op !== "exit") {
          fail(`process ${pid}'s last event is not its exit: ${JSON.stringify(last)}`);
        }
      }
      // The trace is one dry-run reads: every line, exactly the trace's processes (a process
      // seen again after its exit would be counted twice).
      const dry = await cordon([
        "dry-run",
        "builtin:baseline",
        "--trace",
        `${dir}/bpftrace.jsonl`,
        "--format",
        "json",
      ]);
      if (dry.code !== 0 && dry.code !== 1) fail(`dry-run exit ${dry.code}: ${dry.stderr}`);
      const result = JSON.parse(dry.stdout);
      if (result.malformedTotal !== 0 || result.processes !== bt.syscalls.length) {
        fail(`dry-run of the bpftrace trace: ${dry.stdout}`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
