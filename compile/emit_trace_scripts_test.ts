import assert from "node:assert/strict";
import { emitBpftrace, needsUnsafe } from "./emit_bpftrace.ts";
import { emitDtrace, needsDestructive } from "./emit_dtrace.ts";
import { traceTestSpecs } from "./_trace_test_sets.ts";
import { traceScriptSpec } from "./trace_script.ts";

const GOLDEN = new URL("../tests/testdata/trace_scripts/", import.meta.url);
const UPDATE = Deno.env.get("CORDON_UPDATE_GOLDEN") === "1";

for (
  const [dialect, emit, ext] of [["bpftrace", emitBpftrace, "bt"], [
    "dtrace",
    emitDtrace,
    "d",
  ]] as const
) {
  Deno.test(`${dialect} scripts match their golden files byte for byte`, async (t) => {
    for (const [name, spec] of Object.entries(traceTestSpecs())) {
      await t.step(name, async () => {
        const file = new URL(`${name}.${ext}`, GOLDEN);
        const script = emit(spec);
        if (UPDATE) await Deno.writeTextFile(file, script);
        assert.equal(script, await Deno.readTextFile(file));
        assert.equal(emit(spec), script, "deterministic");
      });
    }
  });
}

Deno.test("a script kills only for unconditional kill rules, and asks for the tracer's unsafe mode then", () => {
  const { policies, pid } = traceTestSpecs();
  const bt = emitBpftrace(policies!), d = emitDtrace(policies!);
  assert.ok(needsUnsafe(policies!) && needsDestructive(policies!));
  assert.ok(!needsUnsafe(pid!) && !needsDestructive(pid!));
  // ptrace (101) is killed in the probe; socket (41, by arguments) and mkdir (83) are reported.
  assert.match(bt, /@r0\[101\] = 2;/);
  assert.match(bt, /@r0\[41\] = 1;/);
  assert.match(bt, /@r0\[83\] = 1;/);
  assert.match(bt, /signal\("KILL"\)/);
  assert.match(d, /syscall::ptrace:entry\n\/l0\[pid\]\/\n\{\n.*\n\traise\(9\);/);
  assert.match(d, /#pragma D option destructive/);
  // The audit layer kills nothing: connect is reported only.
  assert.match(bt, /@r1\[42\] = 1;/);
  assert.ok(!/syscall::connect:entry,?\n[^{]*\{[^}]*raise/.test(d));
  assert.ok(!emitBpftrace(pid!).includes("signal("));
  assert.ok(!emitDtrace(pid!).includes("destructive"));
});

Deno.test("layers matched at exec use comm and uid predicates in both dialects", () => {
  const { policies } = traceTestSpecs();
  assert.match(
    emitBpftrace(policies!),
    /if \(\(comm == "curl"\) && \(uid == 1000\)\) \{ @l1\[pid\] = 1; @w\[pid\] = 1; \}/,
  );
  assert.match(
    emitDtrace(policies!),
    /proc:::exec-success\n\/\(execname == "curl"\) && \(uid == 1000\)\/\n\{\n\tl1\[pid\] = 1;/,
  );
});

Deno.test("watching everything excludes the runner and the tracer itself", () => {
  const { all } = traceTestSpecs();
  assert.match(emitBpftrace(all!), /\/\(pid != @self && pid != 99\)\//);
  assert.match(emitDtrace(all!), /\/pid != \$pid && pid != 99\//);
});

Deno.test("a bpftrace script with a stop path exits when the runner stats it", () => {
  const spec = traceScriptSpec({ version: 1, layers: [] }, {
    pids: [5],
    stop: { pid: 77, path: "/nonexistent/cordon-stop-x" },
  });
  const script = emitBpftrace(spec);
  assert.ok(
    script.includes(
      "tracepoint:syscalls:sys_enter_statx,\ntracepoint:syscalls:sys_enter_newfstatat /pid == 77/ {\n" +
        '  if (str(args->filename) == "/nonexistent/cordon-stop-x") { exit(); }\n}',
    ),
    script,
  );
  assert.ok(!emitBpftrace(traceTestSpecs().pid!).includes("exit();"));
});
