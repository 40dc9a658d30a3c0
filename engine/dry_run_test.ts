import assert from "node:assert/strict";
import { dryRun } from "./dry_run.ts";
import { EngineError } from "./errors.ts";
import { evaluate } from "../compile/evaluate.ts";
import type { ProcessInfo } from "../compile/target.ts";
import { loadPolicies } from "../cli/load_policies.ts";
import { StraceParser } from "./trace/strace_parser.ts";
import type { TraceItem } from "./trace/trace_item.ts";
import { eventsToJsonl } from "./trace/jsonl_trace.ts";

const TRACES = new URL("../tests/testdata/traces/", import.meta.url);
const EXAMPLES = new URL("../examples/policies/", import.meta.url);
const STOPPING = new Set(["deny", "kill", "kill_thread", "trap"]);

async function traceFiles(): Promise<string[]> {
  const files: string[] = [];
  for await (const e of Deno.readDir(TRACES)) if (e.name.endsWith(".strace")) files.push(e.name);
  return files.sort();
}

Deno.test("dry run of real strace traces reports exactly the calls evaluate() stops", async (t) => {
  for (const policy of ["untrusted-plugin.yaml", "build-step.yaml"]) {
    const { filters } = await loadPolicies([new URL(policy, EXAMPLES).pathname]);
    for (const file of await traceFiles()) {
      await t.step(`${policy} × ${file}`, async () => {
        const path = new URL(file, TRACES).pathname;
        const report = await dryRun(filters, path);
        assert.equal(report.malformedTotal, 0);
        assert.equal(report.undecidedTotal, 0);
        // The reference: every call through evaluate() (the IR evaluator, not the flat tables).
        const text = await Deno.readTextFile(path);
        const parser = new StraceParser();
        const items: TraceItem[] = [];
        text.split("\n").forEach((line, i) => line !== "" && parser.push(line, i + 1, items));
        parser.end(items);
        const procs = new Map<number, ProcessInfo>();
        const expected: string[] = [];
        for (const item of items) {
          if (item.kind === "process") {
            if (item.op === "fork") {
              procs.set(item.pid, { ...(procs.get(item.ppid!) ?? {}), pid: item.pid });
            }
            if (item.op === "exec" && item.executable) {
              procs.set(item.pid, {
                pid: item.pid,
                executable: item.executable,
                comm: item.executable.split("/").pop()!.slice(0, 15),
              });
            }
            continue;
          }
          if (item.kind !== "call") continue;
          const args = Array.from({ length: 6 }, (_, i) => item.args[i] ?? 0n);
          const v = evaluate(
            filters,
            { arch: item.arch, nr: item.nr, args },
            procs.get(item.pid) ?? { pid: item.pid },
          );
          if (STOPPING.has(v.audited ?? v.action)) {
            expected.push(`${item.line}:${item.name}:${v.ruleId}`);
          }
        }
        const got = report.findings.map((f) => `${f.line}:${f.syscall}:${f.ruleId}`);
        assert.deepEqual(got, expected);
        assert.equal(report.findingsTotal, expected.length);
      });
    }
  }
});

Deno.test("dry run findings match the trace's own lines for a name-only deny list", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const policy = `${dir}/deny.yaml`;
    await Deno.writeTextFile(
      policy,
      [
        "apiVersion: cordon/v1",
        "kind: Policy",
        "metadata: { name: deny-some }",
        "spec:",
        "  defaultAction: allow",
        "  rules:",
        "    - id: no-close",
        "      syscalls: [close]",
        "      action: deny",
        "    - id: no-mmap",
        "      syscalls: [mmap]",
        "      action: trap",
        "",
      ].join("\n"),
    );
    const { filters } = await loadPolicies([policy]);
    const call = /^(?:\[pid +\d+\] +|\d+ +)?(?:[\d:.]+ +)?(close|mmap)\(/;
    for (const file of await traceFiles()) {
      const path = new URL(file, TRACES).pathname;
      const lines = (await Deno.readTextFile(path)).split("\n");
      const expected = lines.flatMap((line, i) => {
        const m = call.exec(line);
        return m === null ? [] : [`${i + 1}:${m[1]}`];
      });
      const report = await dryRun(filters, path);
      const got = report.findings.map((f) => `${f.line}:${f.syscall}`).sort((a, b) =>
        parseInt(a) - parseInt(b)
      );
      assert.deepEqual(got, expected, file);
      assert.ok(expected.length > 5, file);
      const loc = report.findings.find((f) => f.syscall === "mmap")!.loc;
      assert.deepEqual([loc.file, loc.line, loc.column], [policy, 10, 7]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dry run replays JSON Lines traces and names processes from their exec", async () => {
  const { filters } = await loadPolicies([new URL("untrusted-plugin.yaml", EXAMPLES).pathname]);
  const jsonl = eventsToJsonl([
    { kind: "process", op: "exec", time: 0, pid: 5, executable: "/usr/bin/app" },
    {
      kind: "syscall",
      time: 1,
      pid: 5,
      arch: "x86_64",
      nr: 41,
      name: "socket",
      args: [2n, 1n, 0n],
    },
    { kind: "file", op: "open", time: 2, pid: 5, path: "/etc/passwd" },
    { kind: "syscall", time: 3, pid: 5, arch: "x86_64", nr: 0, name: "read", args: [3n, 0n, 10n] },
  ]) + "not json\n";
  const report = await dryRun(filters, jsonl.split("\n"));
  assert.equal(report.format, "jsonl");
  assert.equal(report.calls, 2);
  assert.deepEqual(report.findings.map((f) => [f.line, f.syscall, f.comm]), [[2, "socket", "app"]]);
  assert.deepEqual(report.malformed.map((m) => m.line), [5]);
});

Deno.test("dry run stops at the first malformed line with --on-malformed fail", async () => {
  const { filters } = await loadPolicies([new URL("build-step.yaml", EXAMPLES).pathname]);
  const error = await dryRun(filters, ["1 getpid() = 1", "1 getpid(", "1 getpid() = 1"], {
    onMalformed: "fail",
  })
    .catch((e) => e);
  assert.ok(error instanceof EngineError && error.code === "TRACE_MALFORMED", String(error));
  assert.equal(error.line, 2);
  const missing = await dryRun(filters, "/nonexistent/trace").catch((e) => e);
  assert.ok(missing instanceof EngineError && missing.code === "TRACE_IO");
});

Deno.test("dry run reports a call whose deciding argument is unknown as undecided", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const policy = `${dir}/p.yaml`;
    await Deno.writeTextFile(
      policy,
      [
        "apiVersion: cordon/v1",
        "kind: Policy",
        "metadata: { name: futex-guard }",
        "spec:",
        "  defaultAction: allow",
        "  rules:",
        "    - syscalls: [futex]",
        "      action: deny",
        "      args: [{ index: 1, op: eq, value: 0 }]",
        "",
      ].join("\n"),
    );
    const { filters } = await loadPolicies([policy]);
    const report = await dryRun(filters, [
      "9 futex(0x7f, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY) = 0",
      "9 futex(0x7f, 0, 0, NULL) = 0",
    ]);
    assert.deepEqual(report.undecided.map((u) => [u.line, u.missing]), [[1, [1]]]);
    assert.deepEqual(report.findings.map((f) => f.line), [2]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
