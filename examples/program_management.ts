/**
 * Seed feature 4, "Program Management": load a program, list programs, read statistics.
 *
 * Run: `deno run -A examples/program_management.ts`
 *
 * @module
 */

import { Engine } from "../engine/engine.ts";
import { type ProgramInfo, ProgramType } from "../engine/backend.ts";
import type { EngineStats } from "../engine/engine.ts";

/** What the example found. */
export interface ProgramManagementResult {
  readonly loaded: ProgramInfo;
  readonly programs: readonly ProgramInfo[];
  readonly stats: EngineStats;
}

/** Runs the example and returns what it found. */
export async function main(
  log: (line: string) => void = console.log,
): Promise<ProgramManagementResult> {
  await using ebpf = await Engine.open({ backend: "simulation" });

  // Load a program (the backend's own programs, such as "syscall_tracer", are loaded already).
  const loaded = await ebpf.loadProgram({
    name: "custom_tracer",
    type: ProgramType.SyscallEntry,
    autoAttach: true,
    enabled: true,
  });

  // List programs.
  const programs = ebpf.listPrograms();
  for (const p of programs) {
    log(`${p.name.padEnd(20)} ${p.type.padEnd(15)} attached=${p.attached} enabled=${p.enabled}`);
  }

  // Some activity, so that there is something to count.
  for (let i = 0; i < 5; i++) ebpf.simulation.simulateSyscall(42, "getpid");

  // Get statistics.
  const stats = ebpf.stats();
  log(`Syscall events: ${stats.events.byKind.syscall}`);
  log(
    `Programs: ${stats.programs.loaded} loaded, maps: ${stats.maps}, backend: ${stats.backend.kind}`,
  );
  return { loaded, programs, stats };
}

if (import.meta.main) await main();
