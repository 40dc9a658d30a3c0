/**
 * What trace readers produce for a dry run: one item per syscall, process step, other event
 * or malformed line, each with its 1-based line number in the trace.
 *
 * @module
 */

import type { Arch } from "../../policies/types.ts";
import type { EngineEvent } from "../events.ts";

/** A syscall as recorded in a trace. */
export interface TraceCall {
  /** The kind (discriminant). */
  readonly kind: "call";
  /** The line the call started on. */
  readonly line: number;
  /** The process (thread group) id; `0` for a leader whose pid the trace never shows. */
  readonly pid: number;
  /** The thread id, when it differs from `pid`. */
  readonly tid?: number;
  /** The architecture. */
  readonly arch: Arch;
  /** The syscall number. */
  readonly nr: number;
  /** The name on `arch`, or `null` for a number the table does not know. */
  readonly name: string | null;
  /**
   * Argument values as the kernel saw them; `undefined` where the trace does not give a value
   * (pointers shown as strings or structs, symbolic values Cordon does not know).
   */
  readonly args: readonly (bigint | undefined)[];
  /** The arguments as written in the trace, for reports. */
  readonly argText: readonly string[];
  /** The whole argument list as strace printed it (strace traces only). */
  readonly rawArgs?: string;
  /** The return value, when recorded (`undefined` for `?`). */
  readonly ret?: number;
  /** For a failed call, the errno name (`"ENOENT"`). */
  readonly errno?: string;
  /**
   * For a call that returned an fd shown with strace `-y` (`= 3</usr/lib/libc.so.6>`): the
   * decoration as strace prints it (the opened file's path, symbolic links resolved).
   */
  readonly retFdPath?: string;
}

/** A process lifecycle step (fork/clone, exec, exit) as recorded in a trace. */
export interface TraceProcess {
  /** The kind (discriminant). */
  readonly kind: "process";
  /** The 1-based line number in the trace. */
  readonly line: number;
  /** What happened. */
  readonly op: "fork" | "exec" | "exit";
  /** The process (thread group) id. */
  readonly pid: number;
  /** For `fork`: the parent process. */
  readonly ppid?: number;
  /** For `fork` of a thread (`CLONE_THREAD`): the new thread's id; `pid` is then its process. */
  readonly tid?: number;
  /** The executable's path. */
  readonly executable?: string;
  /** The exit status. */
  readonly exitCode?: number;
  /** The signal that ended the process. */
  readonly signal?: string;
}

/** Another event (file, network) from a JSON Lines trace, passed through. */
export interface TraceEvent {
  /** The kind (discriminant). */
  readonly kind: "event";
  /** The 1-based line number in the trace. */
  readonly line: number;
  /** The event. */
  readonly event: EngineEvent;
}

/** A line that could not be understood. */
export interface TraceMalformed {
  /** The kind (discriminant). */
  readonly kind: "malformed";
  /** The 1-based line number in the trace. */
  readonly line: number;
  /** Why. */
  readonly reason: string;
  /** The line (at most 200 characters of it). */
  readonly text: string;
}

/** One item of a trace. */
export type TraceItem = TraceCall | TraceProcess | TraceEvent | TraceMalformed;
