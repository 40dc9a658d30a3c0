/**
 * Seed feature 1, "Syscall Filtering": block `write` for one process with a filter, then ask
 * the engine whether calls are allowed, and which rule decided.
 *
 * Run: `deno run -A examples/syscall_filtering.ts`
 *
 * @module
 */

import { Engine } from "../engine/engine.ts";
import { syscallNumber } from "../policies/syscalls.ts";

/** What the example found. */
export interface FilteringResult {
  readonly writeAllowedFor123: boolean;
  readonly writeAllowedFor124: boolean;
  readonly decidedBy: string | null;
}

/** Runs the example and returns what it found. */
export async function main(log: (line: string) => void = console.log): Promise<FilteringResult> {
  await using ebpf = await Engine.open({ backend: "simulation" });

  // Block the write syscall (number 1 on x86_64) for process 123.
  await ebpf.addFilter({
    id: "block_write",
    pid: 123,
    syscalls: [syscallNumber("x86_64", "write")!],
    action: "deny",
    priority: 100,
  });

  // Check if the syscall is allowed.
  const verdict = ebpf.checkSyscall(123, 1);
  if (ebpf.isAllowed(123, 1)) {
    log("pid 123: write allowed");
  } else {
    log(`pid 123: write blocked (${verdict.action}, rule "${verdict.ruleId}")`);
  }
  const other = ebpf.isAllowed(124, "write");
  log(`pid 124: write ${other ? "allowed" : "blocked"}`);
  return {
    writeAllowedFor123: ebpf.isAllowed(123, 1),
    writeAllowedFor124: other,
    decidedBy: verdict.ruleId,
  };
}

if (import.meta.main) await main();
