/**
 * Seed "Design Principles 2, Strong Typing": every engine error is an `EngineError` with a
 * stable `code` (the seed's `EbpfError` cases: `UNSUPPORTED_PLATFORM`, `LOAD_FAILED`,
 * `ATTACH_FAILED`, `MAP_ERROR`, `PROGRAM_NOT_FOUND`, … plus filter, process and policy codes).
 *
 * Run: `deno run -A examples/typed_errors.ts`
 *
 * @module
 */

import { Engine } from "../engine/engine.ts";
import { EngineError } from "../engine/errors.ts";

/** Runs the example and returns the codes it caught, in order. */
export async function main(log: (line: string) => void = console.log): Promise<string[]> {
  await using ebpf = await Engine.open({ backend: "simulation" });
  const codes: string[] = [];
  const attempt = async (what: string, action: () => unknown) => {
    try {
      await action();
      log(`${what}: ok`);
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      codes.push(error.code);
      switch (error.code) {
        case "PROGRAM_NOT_FOUND":
          log(`${what}: no such program (${error.subject})`);
          break;
        case "UNSUPPORTED_PLATFORM":
        case "ENFORCEMENT_UNAVAILABLE":
          log(`${what}: refused: ${error.message}`);
          break;
        default:
          log(`${what}: ${error.code}: ${error.message}`);
      }
    }
  };
  await attempt("unload a program that was never loaded", () => ebpf.unloadProgram("nope"));
  await attempt(
    "load an invalid program",
    () => ebpf.loadProgram({ name: "no spaces", type: "syscall_entry" }),
  );
  await attempt(
    "filter an unknown syscall",
    () => ebpf.addFilter({ id: "x", pid: 1, syscalls: ["no_such_syscall"], action: "deny" }),
  );
  await attempt("count an unmonitored process", () => ebpf.syscallCount(4242));
  await attempt(
    "enforce with a backend that cannot",
    () => Engine.open({ backend: "simulation", purpose: "enforce" }),
  );
  return codes;
}

if (import.meta.main) await main();
