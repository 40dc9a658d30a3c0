/**
 * Reading the engine's own JSON Lines event format (see `docs/events.md`) as a trace for dry
 * runs: syscall events become calls, process events become process steps, file and network
 * events pass through.
 *
 * @module
 */

import { type EngineEvent, eventFromJsonLine, eventToJsonLine } from "../events.ts";
import { EngineError } from "../errors.ts";
import type { TraceItem } from "./trace_item.ts";

/**
 * Parses one line of a JSON Lines trace (blank lines and `#` comments give nothing).
 *
 * @param text the line
 * @param line its 1-based number
 * @returns the item, or `undefined` for a blank or comment line
 *
 * @example
 * ```ts
 * import { parseJsonlTraceLine } from "@cordon/cordon";
 * const item = parseJsonlTraceLine('{"v":1,"kind":"syscall","time":0,"pid":9,"arch":"x86_64","nr":1,"name":"write","args":[1,"0x10",3]}', 4);
 * if (item?.kind !== "call" || item.args[1] !== 16n || item.line !== 4) throw new Error();
 * const bad = parseJsonlTraceLine("{oops", 5);
 * if (bad?.kind !== "malformed" || bad.line !== 5) throw new Error();
 * ```
 */
export function parseJsonlTraceLine(text: string, line: number): TraceItem | undefined {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.startsWith("#")) return undefined;
  let event: EngineEvent;
  try {
    event = eventFromJsonLine(trimmed);
  } catch (error) {
    const reason = error instanceof EngineError ? error.message : String(error);
    return {
      kind: "malformed",
      line,
      reason,
      text: trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed,
    };
  }
  switch (event.kind) {
    case "syscall": {
      const args = event.args ?? [];
      return {
        kind: "call",
        line,
        pid: event.pid,
        ...(event.tid !== undefined && event.tid !== event.pid ? { tid: event.tid } : {}),
        arch: event.arch,
        nr: event.nr,
        name: event.name,
        args,
        argText: args.map((a) => `0x${a.toString(16)}`),
        ...(event.ret === undefined ? {} : { ret: event.ret }),
      };
    }
    case "process":
      return {
        kind: "process",
        line,
        op: event.op,
        pid: event.pid,
        ...(event.ppid === undefined ? {} : { ppid: event.ppid }),
        ...(event.executable === undefined ? {} : { executable: event.executable }),
        ...(event.exitCode === undefined ? {} : { exitCode: event.exitCode }),
        ...(event.signal === undefined ? {} : { signal: event.signal }),
      };
    default:
      return { kind: "event", line, event };
  }
}

/**
 * Serialises events as a JSON Lines trace (one line each, newline-terminated).
 *
 * @example
 * ```ts
 * import { eventsToJsonl } from "@cordon/cordon";
 * const text = eventsToJsonl([{ kind: "process", op: "exit", time: 0, pid: 1, exitCode: 0 }]);
 * if (text !== '{"v":1,"kind":"process","op":"exit","time":0,"pid":1,"exitCode":0}\n') throw new Error(text);
 * ```
 */
export function eventsToJsonl(events: Iterable<EngineEvent>): string {
  let out = "";
  for (const event of events) out += eventToJsonLine(event) + "\n";
  return out;
}
