/**
 * Compiler throughput. Target: a generated 10,000-rule policy for the four architectures in
 * under 200 ms. Peer: the same policy for one architecture, and emitting the IR it produces.
 */

import { compilePolicies } from "./compile.ts";
import { emitIr } from "./emit_ir.ts";
import { syscallTable } from "../policies/syscalls.ts";
import { generatedPolicy } from "./_test_policies.ts";

const names = [
  ...new Set([...syscallTable("x86_64").byName.keys(), ...syscallTable("aarch64").byName.keys()]),
];
const big = [generatedPolicy(10_000, names, 2024)];
const compiled = compilePolicies(big);

Deno.bench("compile 10,000 rules, 4 architectures", { group: "compile", baseline: true }, () => {
  compilePolicies(big);
});

Deno.bench("compile 10,000 rules, x86_64 only", { group: "compile" }, () => {
  compilePolicies(big, { arches: ["x86_64"] });
});

Deno.bench("emitIr of the 10,000-rule set, 4 architectures", { group: "compile" }, () => {
  emitIr(compiled);
});
