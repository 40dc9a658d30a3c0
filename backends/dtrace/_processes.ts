/**
 * The running processes, as the tracing-script backend needs them to resolve policy targets:
 * from `/proc` on Linux, from `ps` elsewhere (macOS, illumos, FreeBSD).
 *
 * @module
 */

import type { BackendProcess } from "../../engine/backend.ts";

function bootEpochMs(): number {
  const uptime = Number(Deno.readTextFileSync("/proc/uptime").split(" ")[0]);
  return Date.now() - uptime * 1000;
}

function linuxProcess(pid: number, bootMs: number): BackendProcess | undefined {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, "m").exec(status)?.[1];
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? 0);
    let executable: string | undefined;
    try {
      executable = Deno.readLinkSync(`/proc/${pid}/exe`);
    } catch {
      // kernel thread, or exited
    }
    const cgroup = Deno.readTextFileSync(`/proc/${pid}/cgroup`).split("\n")
      .find((l) => l.startsWith("0::"))?.slice(3);
    return {
      pid,
      start: bootMs + ticks * 10,
      ppid: Number(field("PPid") ?? 0),
      comm: field("Name") ?? "",
      uid: Number((field("Uid") ?? "0").split(/\s+/)[0]),
      exited: false,
      ...(executable ? { executable } : {}),
      ...(cgroup ? { cgroup } : {}),
    };
  } catch {
    return undefined;
  }
}

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
    for (const entry of Deno.readDirSync("/proc")) {
      if (!entry.isDirectory || !/^\d+$/.test(entry.name)) continue;
      const pid = Number(entry.name);
      if (pid === Deno.pid) continue;
      const proc = linuxProcess(pid, bootMs);
      if (proc) found.push(proc);
    }
    return found.sort((a, b) => a.pid - b.pid);
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
