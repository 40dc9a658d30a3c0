/**
 * The monitoring side of `bench/monitor_overhead.ts --direct`: what `cordon monitor --pid P
 * [--events none]` does (the eBPF backend opened, the interest set, the pid monitored, events
 * delivered and written to stdout), without the CLI's module graph. Prints "watching" on stderr
 * once attached and runs until SIGINT.
 *
 *   sudo ./deno run -A bench/_monitor_child.ts PID [none]
 *
 * @module
 */

import { EbpfBackend } from "../backends/linux/ebpf_backend.ts";
import type { EngineEvent, EventKind } from "../engine/events.ts";

const pid = Number(Deno.args[0]);
const kinds = new Set<EventKind>(
  Deno.args[1] === "none" ? [] : ["file", "network", "process"],
);
const encoder = new TextEncoder();
using backend = await EbpfBackend.create();
await backend.open({
  emit(event: EngineEvent) {
    if (kinds.has(event.kind)) Deno.stdout.writeSync(encoder.encode(JSON.stringify(event) + "\n"));
  },
  lost() {},
});
backend.setInterest({ kinds });
await backend.monitorProcess(pid);
console.error(`watching pid ${pid}`);
const { promise, resolve } = Promise.withResolvers<void>();
Deno.addSignalListener("SIGINT", () => resolve());
await promise;
