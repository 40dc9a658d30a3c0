/**
 * Seed integration "With SandboxManager": when the sandbox denies a capability, the engine
 * blocks the syscalls behind it at the kernel level for that process.
 *
 * Run: `deno run -A examples/sandbox_manager.ts`
 *
 * @module
 */

import { Engine } from "../engine/engine.ts";
import { capabilityGroup } from "../policies/capability_groups.ts";

/** Capabilities of this small sandbox manager. */
export type Capability = "ReadFile" | "WriteFile" | "Network";

/** The capability group (see `policies/capability_groups.ts`) each capability maps to. */
const GROUP: Readonly<Record<Capability, string>> = {
  ReadFile: "fs.read",
  WriteFile: "fs.write",
  Network: "net.client",
};

/** A minimal sandbox manager: per-process granted capabilities. */
export class SandboxManager {
  readonly #granted = new Map<number, Set<Capability>>();

  /** Grants `capabilities` to `pid`. */
  grant(pid: number, ...capabilities: Capability[]): void {
    const set = this.#granted.get(pid) ?? new Set();
    for (const c of capabilities) set.add(c);
    this.#granted.set(pid, set);
  }

  /** Whether `pid` holds `capability`. */
  checkPermission(pid: number, capability: Capability): boolean {
    return this.#granted.get(pid)?.has(capability) ?? false;
  }
}

/** What the example found. */
export interface SandboxResult {
  readonly blocked: readonly string[];
  readonly writeAction: string;
  readonly readAction: string;
  readonly i386WriteAction: string;
}

/** Runs the example and returns what it found. */
export async function main(log: (line: string) => void = console.log): Promise<SandboxResult> {
  await using ebpf = await Engine.open({ backend: "simulation" });
  const sandbox = new SandboxManager();
  const pid = 4321;
  sandbox.grant(pid, "ReadFile");

  // Sandbox denies file write: add a filter to block it at the kernel level.
  if (!sandbox.checkPermission(pid, "WriteFile")) {
    const syscalls = capabilityGroup(GROUP.WriteFile)!.syscalls;
    await ebpf.addFilter({
      id: `sandbox_block_${pid}`,
      pid,
      syscalls,
      action: "deny",
      priority: 1000,
    });
    log(
      `pid ${pid}: WriteFile denied; blocked ${syscalls.length} syscalls (${
        syscalls.slice(0, 4).join(", ")
      }, …)`,
    );
  }
  const write = ebpf.checkSyscall(pid, "write");
  const read = ebpf.checkSyscall(pid, "read");
  log(`write → ${write.action} (rule "${write.ruleId}"), read → ${read.action}`);
  // The filter is compiled for every architecture: a 32-bit write (int 0x80) is blocked too.
  const { evaluate } = await import("../compile/evaluate.ts");
  const i386 = evaluate(ebpf.filterSet, { arch: "i386", nr: 4 }, { pid });
  log(`i386 write → ${i386.action}`);
  return {
    blocked: capabilityGroup(GROUP.WriteFile)!.syscalls,
    writeAction: write.action,
    readAction: read.action,
    i386WriteAction: i386.action,
  };
}

if (import.meta.main) await main();
