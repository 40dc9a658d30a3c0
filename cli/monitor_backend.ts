/**
 * The `--backend` choice of `cordon monitor` and `cordon apply`: the eBPF backend (`linux`), the
 * tracing-script backend driving bpftrace or dtrace, or `auto` (eBPF where its programs can
 * load, else the OS's tracer: bpftrace on Linux, dtrace on macOS and the BSDs/illumos).
 *
 * @module
 */

import { EbpfBackend } from "../backends/linux/ebpf_backend.ts";
import { DtraceBackend } from "../backends/dtrace/dtrace_backend.ts";
import { tracerFor } from "../backends/dtrace/tracer.ts";

/** The accepted `--backend` values. */
export const MONITOR_BACKENDS = ["auto", "linux", "bpftrace", "dtrace"] as const;

/** One `--backend` value. */
export type MonitorBackendChoice = typeof MONITOR_BACKENDS[number];

/** The backends `monitor` and `apply` drive (both have `monitorComm` and `monitorEverything`). */
export type MonitorBackend = EbpfBackend | DtraceBackend;

/**
 * Creates the backend for `choice`. `auto` takes the eBPF backend when its probe says its
 * programs can load here, and otherwise the OS's tracer, saying so through `note`.
 *
 * @param choice the `--backend` value
 * @param note receives one line when `auto` falls back
 * @returns the backend (not open yet)
 * @throws {import("../engine/errors.ts").EngineError} what the chosen backend's `create` throws
 *
 * @example
 * ```ts
 * import { MONITOR_BACKENDS } from "./monitor_backend.ts";
 * if (!MONITOR_BACKENDS.includes("bpftrace")) throw new Error();
 * ```
 */
export async function createMonitorBackend(
  choice: MonitorBackendChoice,
  note: (line: string) => void,
): Promise<MonitorBackend> {
  if (choice === "linux") return await EbpfBackend.create();
  if (choice === "bpftrace" || choice === "dtrace") {
    return await DtraceBackend.create({ tracer: choice });
  }
  if (Deno.build.os === "linux") {
    const probe = await EbpfBackend.probe();
    if (probe.available) return await EbpfBackend.create();
    note(`the eBPF backend cannot load here (${probe.reason}); using bpftrace`);
  }
  return await DtraceBackend.create({ tracer: tracerFor(Deno.build.os) });
}

/**
 * What `monitor`/`apply` do once everything is set up: waits for the tracing script to run
 * (a no-op for the eBPF backend), and returns a promise that resolves with the tracer's error
 * if it stops on its own.
 *
 * @example
 * ```ts ignore
 * const { died } = await started(backend);
 * ```
 */
export async function started(backend: MonitorBackend): Promise<{ died: Promise<Error> }> {
  if (!(backend instanceof DtraceBackend)) return { died: new Promise<Error>(() => {}) };
  const { promise, resolve } = Promise.withResolvers<Error>();
  backend.onTracerDied(resolve);
  await backend.flush();
  return { died: promise };
}

/** Stops a tracer so that its final counts are read (a no-op for the eBPF backend). */
export async function finish(backend: MonitorBackend): Promise<void> {
  if (backend instanceof DtraceBackend) await backend.stop();
}
