/**
 * Micro-benchmarks of the engine's hot paths, beside their floors. The figures (with
 * the dry run and fan-out) are measured by `bench/engine_figures.ts`.
 */

import { Engine } from "./engine.ts";
import { EventBus } from "./event_bus.ts";
import { Evaluator } from "../compile/evaluate.ts";
import { compilePolicies } from "../compile/compile.ts";
import { syscallNumber } from "../policies/syscalls.ts";
import { testPolicy } from "./_test_helpers.ts";

const set = compilePolicies([
  testPolicy({
    name: "bench",
    defaultAction: "deny",
    rules: [{ id: "io", syscalls: ["read", "write", "openat", "close", "mmap"], action: "allow" }],
  }),
]);
const engine = await Engine.open({ backend: "simulation" });
await engine.applyPolicy(set);
const evaluator = new Evaluator(set, { pid: 7 });
const nrs = ["read", "write", "openat", "close", "mmap", "getpid", "brk", "futex"]
  .map((n) => syscallNumber("x86_64", n)!);
const BATCH = 10_000;

Deno.bench({
  name: "Evaluator.decide ×10k",
  group: "checkSyscall",
  baseline: true,
  fn() {
    for (let i = 0; i < BATCH; i++) evaluator.decide("x86_64", nrs[i & 7]!);
  },
});

Deno.bench({
  name: "Engine.checkSyscall ×10k",
  group: "checkSyscall",
  fn() {
    for (let i = 0; i < BATCH; i++) engine.checkSyscall(7, nrs[i & 7]!);
  },
});

Deno.bench({
  name: "Engine.checkSyscall by name ×10k",
  group: "checkSyscall",
  fn() {
    for (let i = 0; i < BATCH; i++) engine.checkSyscall(7, "read");
  },
});

const bus = new EventBus();
for (let s = 0; s < 10; s++) bus.subscribe(["syscall"], () => {});
const event = { kind: "syscall", time: 0, pid: 1, arch: "x86_64", nr: 0, name: "read" } as const;

Deno.bench({
  name: "EventBus publish ×4096 to 10 subscribers, drained",
  group: "fan-out",
  async fn() {
    for (let i = 0; i < 4096; i++) bus.publish(event);
    await bus.drained();
  },
});
