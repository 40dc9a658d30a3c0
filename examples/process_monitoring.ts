/**
 * Seed feature 3, "Process Monitoring": monitor a process, then read its syscall count and its
 * network and file activity.
 *
 * Run: `deno run -A examples/process_monitoring.ts`
 *
 * @module
 */

import { Engine } from "../engine/engine.ts";
import type { FileEvent, NetworkEvent } from "../engine/events.ts";

/** What the example found. */
export interface ProcessMonitoringResult {
  readonly count: number;
  readonly network: readonly NetworkEvent[];
  readonly files: readonly FileEvent[];
}

/** Runs the example and returns what it found. */
export async function main(
  log: (line: string) => void = console.log,
): Promise<ProcessMonitoringResult> {
  await using ebpf = await Engine.open({ backend: "simulation" });
  const sim = ebpf.simulation;
  sim.simulateSpawn({ pid: 123, executable: "/usr/bin/curl" });

  // Monitor a process.
  await ebpf.monitorProcess(123);

  // What the process does (on Linux the kernel reports this; here we inject it).
  sim.simulateSyscall(123, "openat", [0xffffff9cn, 0n, 0n], { ret: 3 });
  sim.simulateFileAccess(123, "open", "/etc/resolv.conf", {
    flags: 0,
    syscall: "openat",
    result: 3,
  });
  sim.simulateSyscall(123, "socket", [2n, 1n, 0n], { ret: 4 });
  sim.simulateSyscall(123, "connect", [4n, 0n, 16n]);
  sim.simulateNetwork(123, "connect", { address: "93.184.215.14", port: 443, syscall: "connect" });

  // Get syscall count.
  const count = ebpf.syscallCount(123);
  // Get network activity.
  const network = ebpf.networkActivity(123);
  // Get file activity.
  const files = ebpf.fileActivity(123);

  log(`pid 123 made ${count} syscalls`);
  for (const n of network) log(`  network: ${n.op} ${n.address}:${n.port}`);
  for (const f of files) log(`  file: ${f.op} ${f.path}`);
  return { count, network, files };
}

if (import.meta.main) await main();
