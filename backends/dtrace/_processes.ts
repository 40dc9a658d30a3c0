/**
 * The running processes, as the tracing-script backend needs them to resolve policy targets:
 * from `/proc` on Linux, from `ps` elsewhere (macOS, illumos, FreeBSD).
 *
 * @module
 */

import type { BackendProcess } from "../../engine/backend.ts";
// File reads of /proc only (no FFI): shared with the eBPF backend.
import { bootEpochMs, listPids, readProcess as linuxProcess } from "../linux/proc_facts.ts";

/** One process, or undefined when it is gone. */
export function readProcess(pid: number): BackendProcess | undefined {
  if (Deno.build.os === "linux") return linuxProcess(pid, bootEpochMs());
  return listProcesses().find((p) => p.pid === pid);
}

/** Every running process (but this one). */
export function listProcesses(): BackendProcess[] {
  if (Deno.build.os === "linux") {
    const bootMs = bootEpochMs();
    const found: BackendProcess[] = [];
    for (const pid of listPids()) {
      if (pid === Deno.pid) continue;
      const proc = linuxProcess(pid, bootMs);
      if (proc) found.push(proc);
    }
    return found;
  }
  const out = new Deno.Command("ps", {
    args: ["-A", "-o", "pid=", "-o", "ppid=", "-o", "uid=", "-o", "comm="],
    stdout: "piped",
    stderr: "null",
  }).outputSync();
  const found: BackendProcess[] = [];
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (!m || Number(m[1]) === Deno.pid) continue;
    const command = m[4]!.trim();
    found.push({
      pid: Number(m[1]),
      ppid: Number(m[2]),
      uid: Number(m[3]),
      comm: command.slice(command.lastIndexOf("/") + 1),
      ...(command.startsWith("/") ? { executable: command } : {}),
      start: 0,
      exited: false,
    });
  }
  return found;
}
