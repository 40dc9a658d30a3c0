import { PolicyError, PolicyErrors } from "./errors.ts";
import { fail } from "node:assert/strict";

Deno.test("PolicyError carries code, path, line, column and a FILE:LINE:COL message", {
  permissions: "none",
}, () => {
  const cause = new Error("inner");
  const e = new PolicyError("unknown-syscall", 'unknown syscall "opne"', "a.yaml", 7, 18, {
    cause,
  });
  if (e.message !== 'a.yaml:7:18: unknown syscall "opne"') fail(e.message);
  if (e.name !== "PolicyError" || !(e instanceof SyntaxError)) fail("class");
  if (e.code !== "unknown-syscall" || e.path !== "a.yaml" || e.line !== 7 || e.column !== 18) {
    fail("fields");
  }
  if (e.description !== 'unknown syscall "opne"' || e.cause !== cause) fail("description, cause");
});

Deno.test("PolicyErrors sorts by file, line and column and lists every message", {
  permissions: "none",
}, () => {
  const all = new PolicyErrors([
    new PolicyError("bad-value", "c", "b.yaml", 1, 1),
    new PolicyError("bad-value", "b", "a.yaml", 10, 2),
    new PolicyError("bad-value", "a", "a.yaml", 10, 1),
    new PolicyError("bad-value", "z", "a.yaml", 9, 30),
  ]);
  const order = all.errors.map((e) => e.description).join("");
  if (order !== "zabc") fail(order);
  if (all.message !== "a.yaml:9:30: z\na.yaml:10:1: a\na.yaml:10:2: b\nb.yaml:1:1: c") {
    fail(all.message);
  }
  if (!(all instanceof AggregateError) || all.name !== "PolicyErrors") fail("class");
});
