import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { diffPolicies } from "./diff_policies.ts";
import { compilePolicies } from "./compile.ts";
import { parsePolicies } from "../policies/parse.ts";
import { resolvePolicies } from "../policies/resolve.ts";

function compiled(spec: string, file: string) {
  const text =
    `apiVersion: cordon/v1\nkind: Policy\nmetadata:\n  name: p\nspec:\n  defaultAction: deny\n${spec}`;
  return compilePolicies(resolvePolicies(parsePolicies(text, file)), {
    arches: ["x86_64", "aarch64"],
  });
}

const OLD = compiled(
  `  rules:\n    - syscalls: [read, write]\n      action: allow\n    - syscalls: [socket]\n      action: allow\n      args: [{ index: 0, op: eq, value: AF_UNIX }]\n  filesystem:\n    read: [/usr]\n  network:\n    connect: ["tcp/127.0.0.1:5432"]\n`,
  "old.yaml",
);

Deno.test("diffPolicies: the same privileges written differently is no difference", () => {
  const same = compiled(
    `  rules:\n    - id: renamed\n      syscalls: [write, read]\n      action: allow\n    - syscalls: [socket]\n      action: allow\n      args: [{ index: 0, op: eq, value: 1 }]\n  filesystem:\n    read: [/usr]\n  network:\n    connect: ["tcp/127.0.0.1:5432"]\n`,
    "new.yaml",
  );
  assertEquals(diffPolicies(OLD, same), { grew: false, entries: [] });
});

Deno.test("diffPolicies: a new syscall, argument value, path and endpoint, with both locations", () => {
  const wider = compiled(
    `  rules:\n    - syscalls: [read, write, ptrace]\n      action: allow\n    - syscalls: [socket]\n      action: allow\n      args: [{ index: 0, op: eq, value: AF_UNIX }]\n    - syscalls: [socket]\n      action: allow\n      args: [{ index: 0, op: eq, value: AF_INET }]\n  filesystem:\n    read: [/usr, /home]\n  network:\n    connect: ["tcp/127.0.0.1:5432", "tcp/443"]\n`,
    "new.yaml",
  );
  const diff = diffPolicies(OLD, wider);
  assert(diff.grew);
  const ptrace = diff.entries.filter((e) => e.syscall === "ptrace");
  assertEquals(ptrace.map((e) => [e.area, e.arch, e.change]), [
    ["syscall", "x86_64", "added"],
    ["syscall", "aarch64", "added"],
  ]);
  assertEquals(ptrace[0]!.newLoc.file, "new.yaml");
  assertEquals(ptrace[0]!.oldLoc.file, "old.yaml");
  const socket = diff.entries.find((e) => e.area === "argument" && e.syscall === "socket")!;
  assert(socket.what.includes("arg0=0x2"), socket.what);
  assertEquals(socket.newLoc.line, 13); // the AF_INET rule
  assert(diff.entries.some((e) => e.area === "filesystem" && e.what === "read /home"));
  assert(diff.entries.some((e) => e.area === "network" && e.what === "connect tcp/443"));
  // The reverse only removes.
  const back = diffPolicies(wider, OLD);
  assert(!back.grew && back.entries.length === diff.entries.length);
});

Deno.test("diffPolicies: dropping the filesystem section is growth", () => {
  const open = compiled(
    `  rules:\n    - syscalls: [read, write]\n      action: allow\n    - syscalls: [socket]\n      action: allow\n      args: [{ index: 0, op: eq, value: AF_UNIX }]\n  network:\n    connect: ["tcp/127.0.0.1:5432"]\n`,
    "new.yaml",
  );
  const diff = diffPolicies(OLD, open);
  assertEquals(diff.entries.map((e) => [e.area, e.what, e.change]), [[
    "filesystem",
    "read anywhere",
    "added",
  ]]);
});
