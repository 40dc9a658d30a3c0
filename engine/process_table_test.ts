import assert from "node:assert/strict";
import { ProcessTable } from "./process_table.ts";

Deno.test("ProcessTable.setSyscallCounts() replaces the counts of that incarnation only", () => {
  const table = new ProcessTable();
  table.add({ pid: 10, start: 1 });
  table.monitor(10);
  table.countSyscall(10, 1, "read", 5);
  table.setSyscallCounts(10, 1, 7, new Map([["write", 4], ["i386:read", 3]]));
  assert.equal(table.activity(10)?.syscalls, 7);
  assert.deepEqual(table.activity(10)?.bySyscall, new Map([["write", 4], ["i386:read", 3]]));
  table.setSyscallCounts(10, 2, 99, new Map([["kill", 99]])); // another start: ignored
  assert.equal(table.activity(10)?.syscalls, 7);
});

Deno.test("ProcessTable follows forks of monitored processes and keeps an exit's activity", () => {
  const table = new ProcessTable();
  table.add({ pid: 10, start: 1, comm: "sh" });
  table.monitor(10);
  assert.equal(table.add({ pid: 11, start: 2, ppid: 10, comm: "sh" }), true);
  assert.equal(table.add({ pid: 12, start: 2, ppid: 99 }), false);
  table.exec(11, "/usr/bin/curl");
  table.exit(11, undefined, "SIGKILL");
  const child = table.activity(11);
  assert.equal(child?.exited, true);
  assert.equal(child?.signal, "SIGKILL");
  assert.equal(child?.comm, "curl");
  assert.equal(table.isLive(11), false);
});

Deno.test("ProcessTable.forgetExited() drops the activity of exited processes only", () => {
  const table = new ProcessTable();
  table.add({ pid: 10, start: 1 });
  table.monitor(10);
  assert.equal(table.forgetExited(10), false, "a live process must keep its activity");
  table.exit(10, 0);
  table.add({ pid: 10, start: 5 }); // the pid reused, not monitored: the old activity stays
  assert.equal(table.activity(10)?.start, 1);
  assert.equal(table.forgetExited(10), true);
  assert.equal(table.activity(10), undefined);
  assert.equal(table.get(10)?.start, 5, "the new process is still known");
  assert.equal(table.forgetExited(10), false);
});
