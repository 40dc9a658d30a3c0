import assert from "node:assert/strict";
import { ProgramRegistry } from "./program_registry.ts";
import { EngineError } from "../engine/errors.ts";
import type { ProgramInfo } from "../engine/backend.ts";

function info(name: string, type: ProgramInfo["type"], attached = true): ProgramInfo {
  return { name, type, attached, enabled: true, builtin: false, maps: [], loadedAt: 0 };
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof EngineError) return error.code;
    throw error;
  }
}

Deno.test("ProgramRegistry: names, duplicates and missing programs are errors with their codes", () => {
  const programs = new ProgramRegistry();
  programs.add(info("tracer", "syscall_entry"));
  assert.equal(code(() => programs.add(info("tracer", "file_access"))), "PROGRAM_EXISTS");
  assert.equal(code(() => programs.add(info("bad name!", "file_access"))), "LOAD_FAILED");
  assert.equal(code(() => programs.add(info("9lives", "file_access"))), "LOAD_FAILED");
  assert.equal(code(() => programs.add(info("x".repeat(65), "file_access"))), "LOAD_FAILED");
  assert.equal(
    code(() => programs.add(info("odd", "no_such_type" as ProgramInfo["type"]))),
    "LOAD_FAILED",
  );
  assert.equal(code(() => programs.get("nope")), "PROGRAM_NOT_FOUND");
  assert.equal(code(() => programs.remove("nope")), "PROGRAM_NOT_FOUND");
  assert.equal(code(() => programs.attach("nope")), "PROGRAM_NOT_FOUND");
  assert.equal(code(() => programs.setEnabled("nope", false)), "PROGRAM_NOT_FOUND");
  assert.deepEqual(programs.list().map((p) => p.name), ["tracer"]);
});

Deno.test("ProgramRegistry: attach, detach and mute decide which types are active", () => {
  const programs = new ProgramRegistry();
  programs.add(info("files", "file_access", false));
  assert.equal(programs.active("file_access"), false, "loaded detached");
  programs.attach("files");
  assert.equal(programs.active("file_access"), true);
  assert.equal(code(() => programs.attach("files")), "ATTACH_FAILED");
  programs.setEnabled("files", false);
  assert.equal(programs.active("file_access"), false, "muted");
  programs.setEnabled("files", true);
  programs.detach("files");
  assert.equal(code(() => programs.detach("files")), "DETACH_FAILED");
  assert.equal(programs.active("file_access"), false);
  assert.equal(programs.remove("files").name, "files");
  assert.equal(programs.size, 0);
});
