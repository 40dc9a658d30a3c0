/**
 * Decision throughput. Target: at least 20 million decisions per second for syscalls no rule
 * decides by arguments. Peer: a plain `Map<number, Verdict>` lookup, the least a decision can
 * cost. Each iteration decides 1,000 calls; divide the time per iteration by 1,000.
 */

import { compilePolicies } from "./compile.ts";
import { evaluate, Evaluator, type Verdict } from "./evaluate.ts";
import { syscallTable } from "../policies/syscalls.ts";
import { generatedPolicy, policy, rule } from "./_test_policies.ts";

const names = [...syscallTable("x86_64").byName.keys()];
const set = compilePolicies([
  policy({
    name: "plain",
    defaultAction: "deny",
    rules: [
      rule({ id: "io", syscalls: names.slice(0, 200), action: "allow" }),
      rule({ id: "no-debug", syscalls: ["ptrace", "process_vm_readv"], action: "kill" }),
      rule({
        id: "no-packet",
        syscalls: ["socket"],
        action: "deny",
        priority: 5,
        args: [{ index: 0, op: "eq", value: 17n }],
      }),
    ],
  }),
  generatedPolicy(1_000, names.slice(200), 9),
]);
const evaluator = new Evaluator(set);
const table = syscallTable("x86_64");
const socket = table.byName.get("socket")!;
// Argument-free calls: a spread of numbers the table knows, none of them `socket`.
const calls = Int32Array.from(
  { length: 1000 },
  (_, i) => [...table.byNumber.keys()][(i * 7) % 200]!,
)
  .map((nr) => nr === socket ? 0 : nr);
const map = new Map<number, Verdict>();
for (const nr of table.byNumber.keys()) map.set(nr, evaluator.decide("x86_64", nr));
const packet = [17n, 3n, 0n];
let sink: Verdict | undefined;

Deno.bench("Map<number, Verdict>.get × 1000 (peer)", { group: "decide", baseline: true }, () => {
  for (let i = 0; i < calls.length; i++) sink = map.get(calls[i]!);
});

Deno.bench("Evaluator.decide × 1000, argument-free", { group: "decide" }, () => {
  for (let i = 0; i < calls.length; i++) sink = evaluator.decide("x86_64", calls[i]!);
});

Deno.bench("Evaluator.decide × 1000, socket with argument cases", { group: "decide" }, () => {
  for (let i = 0; i < calls.length; i++) sink = evaluator.decide("x86_64", socket, packet);
});

Deno.bench("evaluate() × 1000 on the IR, argument-free", { group: "decide" }, () => {
  for (let i = 0; i < calls.length; i++) sink = evaluate(set, { arch: "x86_64", nr: calls[i]! });
});

globalThis.addEventListener("unload", () => {
  if (sink === undefined) throw new Error("nothing decided");
});
