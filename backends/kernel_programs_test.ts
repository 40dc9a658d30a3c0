import assert from "node:assert/strict";
import { BUILTIN_PROGRAMS, isEngineMapType, kernelProgram } from "./kernel_programs.ts";
import { PROGRAM_TYPES } from "../engine/backend.ts";
import { BPF_OBJECT_SPECS, mapSpec, programSpec } from "../bpf/object_specs.ts";
import { MONITOR_PROGRAMS } from "./linux/ebpf_monitor.ts";

Deno.test({
  name: "kernelProgram() names, for every program type, programs its object's spec has",
  permissions: "none",
  fn() {
    for (const type of PROGRAM_TYPES) {
      const entry = kernelProgram(type);
      assert.equal(entry.type, type);
      assert.equal(entry.program, entry.programs[0]);
      assert.equal(entry.attachPoint, programSpec(entry.object, entry.program).section);
      assert.equal(new Set(entry.programs).size, entry.programs.length, `${type}: no repeats`);
      for (const name of entry.programs) programSpec(entry.object, name);
      assert.deepEqual(
        entry.maps.map((m) => m.name),
        BPF_OBJECT_SPECS[entry.object].maps.map((m) => m.name),
        `${type}: the maps of ${entry.object}`,
      );
      for (const map of entry.maps) assert.deepEqual(map, mapSpec(entry.object, map.name));
      assert.equal(entry.inMonitor, entry.object === "monitor");
    }
    assert.throws(() => kernelProgram("nope" as never), RangeError);
  },
});

Deno.test({
  name:
    "the kernel programs are today's: sys_enter/sys_exit, the return tracepoints, sched, cgroup, LSM",
  permissions: "none",
  fn() {
    const of = (type: (typeof PROGRAM_TYPES)[number]) => kernelProgram(type).program;
    assert.equal(of("syscall_entry"), "cordon_sys_enter");
    assert.equal(of("syscall_exit"), "cordon_sys_exit");
    assert.equal(of("network_socket"), "cordon_ret_connect");
    assert.equal(of("file_access"), "cordon_ret_openat");
    assert.equal(of("process_exec"), "cordon_exec");
    assert.equal(of("process_fork"), "cordon_fork");
    assert.equal(of("process_exit"), "cordon_exit");
    // The per-policy and per-feature objects: every program of them.
    for (const type of ["cgroup_socket", "lsm"] as const) {
      const entry = kernelProgram(type);
      assert.deepEqual(
        [...entry.programs].sort(),
        BPF_OBJECT_SPECS[entry.object].programs.map((p) => p.name),
        `${type}: all of ${entry.object}'s programs`,
      );
    }
    assert.equal(kernelProgram("cgroup_socket").attachPoint, "cgroup/connect4");
    assert.equal(kernelProgram("lsm").attachPoint, "lsm/file_open");
  },
});

Deno.test({
  name: "ebpf_monitor.ts's MONITOR_PROGRAMS are the monitor object's programs and sections",
  permissions: "none",
  fn() {
    assert.deepEqual(
      Object.entries(MONITOR_PROGRAMS).sort(([a], [b]) => a < b ? -1 : 1),
      BPF_OBJECT_SPECS.monitor.programs.map((p) => [p.name, p.section]),
    );
  },
});

Deno.test({
  name: "BUILTIN_PROGRAMS are uniquely named monitor programs, one per type",
  permissions: "none",
  fn() {
    const names = BUILTIN_PROGRAMS.map((p) => p.name);
    const types = BUILTIN_PROGRAMS.map((p) => p.type);
    assert.equal(new Set(names).size, names.length);
    assert.equal(new Set(types).size, types.length);
    for (const { type } of BUILTIN_PROGRAMS) assert.ok(kernelProgram(type).inMonitor, type);
    assert.ok(Object.isFrozen(BUILTIN_PROGRAMS));
  },
});

Deno.test({
  name: "isEngineMapType() accepts the engine's map types and no other of the specs'",
  permissions: "none",
  fn() {
    const all = new Set(
      Object.values(BPF_OBJECT_SPECS).flatMap((s) => s.maps.map((m) => m.type)),
    );
    assert.deepEqual(
      [...all].filter(isEngineMapType).sort(),
      ["array", "hash", "lru_hash", "percpu_array", "ringbuf", "task_storage"],
    );
    assert.deepEqual([...all].filter((t) => !isEngineMapType(t)), ["cgroup_array"]);
  },
});
