/**
 * The runnable examples (`examples/*.ts`): one per feature and integration point of the original
 * design. Each is imported and its result checked, and each runs as a script.
 */

import assert from "node:assert/strict";
import { main as filtering } from "../examples/syscall_filtering.ts";
import { main as monitoring } from "../examples/event_monitoring.ts";
import { main as processMonitoring } from "../examples/process_monitoring.ts";
import { main as programs } from "../examples/program_management.ts";
import { main as typedErrors } from "../examples/typed_errors.ts";
import { main as sandbox } from "../examples/sandbox_manager.ts";
import { main as metrics } from "../examples/metrics_collector.ts";
import { main as processManager } from "../examples/process_manager.ts";

const quiet = () => {};

Deno.test("example syscall_filtering: the filter blocks write for pid 123 only", async () => {
  const result = await filtering(quiet);
  assert.deepEqual(result, {
    writeAllowedFor123: false,
    writeAllowedFor124: true,
    decidedBy: "block_write",
  });
});

Deno.test("example event_monitoring: the subscriber sees each syscall; recent events keep all kinds", async () => {
  const result = await monitoring(quiet);
  assert.deepEqual(result.syscallsSeen, ["openat", "read", "write"]);
  assert.deepEqual(result.recent.map((e) => e.kind), [
    "process",
    "process",
    "file",
    "syscall",
    "syscall",
    "syscall",
    "process",
  ]);
});

Deno.test("example process_monitoring: counts and activity of the monitored process", async () => {
  const result = await processMonitoring(quiet);
  assert.equal(result.count, 3);
  assert.deepEqual(result.network.map((n) => `${n.address}:${n.port}`), ["93.184.215.14:443"]);
  assert.deepEqual(result.files.map((f) => f.path), ["/etc/resolv.conf"]);
});

Deno.test("example program_management: the loaded program is listed and counted", async () => {
  const result = await programs(quiet);
  assert.equal(result.loaded.name, "custom_tracer");
  assert.equal(result.loaded.attached, true);
  assert.ok(result.programs.some((p) => p.name === "custom_tracer"));
  assert.ok(result.programs.some((p) => p.name === "syscall_tracer" && p.builtin));
  assert.equal(result.stats.events.byKind.syscall, 5);
  assert.equal(result.stats.programs.loaded, result.programs.length);
});

Deno.test("example typed_errors: each failure has its stable code", async () => {
  assert.deepEqual(await typedErrors(quiet), [
    "PROGRAM_NOT_FOUND",
    "LOAD_FAILED",
    "UNKNOWN_SYSCALL",
    "PROCESS_NOT_MONITORED",
    "ENFORCEMENT_UNAVAILABLE",
  ]);
});

Deno.test("example sandbox_manager: a denied capability blocks its syscalls on every architecture", async () => {
  const result = await sandbox(quiet);
  assert.ok(result.blocked.includes("write") && result.blocked.includes("pwritev2"));
  assert.equal(result.writeAction, "deny");
  assert.equal(result.readAction, "allow");
  assert.equal(result.i386WriteAction, "deny");
});

Deno.test("example metrics_collector: the scraped /metrics follows the events", async () => {
  const scrape = await metrics(quiet);
  assert.equal(scrape.sum("cordon_syscalls_total"), 6);
  assert.equal(scrape.value('cordon_syscalls_total{policy="",syscall="read"}'), 3);
  assert.equal(scrape.value('cordon_syscalls_total{policy="",syscall="write"}'), 2);
  assert.equal(scrape.value('cordon_events_delivered_total{kind="syscall"}'), 6);
  assert.ok(scrape.text.includes("# TYPE cordon_syscalls_total counter\n"), scrape.text);
});

Deno.test("example process_manager: spawn and exit hooks count each process and stop monitoring", async () => {
  const counts = await processManager(quiet);
  assert.deepEqual([...counts.values()], [4, 7]);
});

Deno.test("every example runs as a script and exits 0", async () => {
  const dir = new URL("../examples/", import.meta.url);
  const scripts: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".ts")) scripts.push(e.name);
  }
  assert.ok(scripts.length >= 8);
  for (const script of scripts.sort()) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", new URL(script, dir).pathname],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder();
    assert.equal(out.code, 0, `${script}: ${text.decode(out.stderr)}`);
    assert.ok(text.decode(out.stdout).trim().length > 0, `${script} prints what it did`);
  }
});
