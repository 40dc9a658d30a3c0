/**
 * The named programs a backend has loaded ({@linkcode ProgramRegistry}): the one bookkeeping of
 * `loadProgram`, `unloadProgram`, `attachProgram`, `detachProgram` and `setProgramEnabled` that
 * the eBPF, tracing-script and simulation backends share, so that they agree on names and on
 * every error (`LOAD_FAILED` for a bad name or type, `PROGRAM_EXISTS`, `PROGRAM_NOT_FOUND`,
 * `ATTACH_FAILED` when already attached, `DETACH_FAILED` when not). What a program does to the
 * backend's streams stays the backend's: it asks {@linkcode ProgramRegistry.active}.
 *
 * @module
 */

import { PROGRAM_TYPES, type ProgramConfig, type ProgramInfo } from "../engine/backend.ts";
import type { ProgramType } from "../engine/backend.ts";
import { EngineError } from "../engine/errors.ts";

/** A program name: 1–64 letters, digits or underscores, not starting with a digit. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Checks a program's configuration before a backend does anything for it.
 *
 * @throws {EngineError} `LOAD_FAILED` for a bad name or an unknown type.
 *
 * @example
 * ```ts ignore
 * import { checkProgramConfig } from "./program_registry.ts";
 * checkProgramConfig({ name: "tracer", type: "syscall_entry" });
 * ```
 */
export function checkProgramConfig(config: ProgramConfig): void {
  if (typeof config.name !== "string" || !NAME.test(config.name)) {
    throw new EngineError(
      "LOAD_FAILED",
      `Program name "${String(config.name)}" must be 1-64 letters, digits or underscores`,
      { subject: String(config.name) },
    );
  }
  if (!PROGRAM_TYPES.includes(config.type)) {
    throw new EngineError("LOAD_FAILED", `Unknown program type "${String(config.type)}"`, {
      subject: config.name,
    });
  }
}

/**
 * A backend's loaded programs, by name.
 *
 * @example
 * ```ts ignore
 * import { ProgramRegistry } from "./program_registry.ts";
 * const programs = new ProgramRegistry();
 * programs.add({
 *   name: "tracer", type: "syscall_entry", attached: true, enabled: true, builtin: false,
 *   maps: [], loadedAt: 0,
 * });
 * programs.detach("tracer");
 * if (programs.active("syscall_entry")) throw new Error("detached");
 * ```
 */
export class ProgramRegistry {
  #programs = new Map<string, ProgramInfo>();

  /**
   * Whether a program named `name` can be loaded: a valid name and type, not taken.
   *
   * @throws {EngineError} `LOAD_FAILED`, `PROGRAM_EXISTS`.
   */
  checkNew(config: ProgramConfig): void {
    checkProgramConfig(config);
    if (this.#programs.has(config.name)) {
      throw new EngineError(
        "PROGRAM_EXISTS",
        `A program named "${config.name}" is already loaded`,
        { subject: config.name },
      );
    }
  }

  /**
   * Registers a loaded program.
   *
   * @throws {EngineError} `LOAD_FAILED`, `PROGRAM_EXISTS`.
   */
  add(info: ProgramInfo): void {
    this.checkNew(info);
    this.#programs.set(info.name, info);
  }

  /**
   * The program named `name`.
   *
   * @throws {EngineError} `PROGRAM_NOT_FOUND`.
   */
  get(name: string): ProgramInfo {
    const info = this.#programs.get(name);
    if (info === undefined) {
      throw new EngineError("PROGRAM_NOT_FOUND", `No program named "${name}" is loaded`, {
        subject: name,
      });
    }
    return info;
  }

  /**
   * Unregisters the program named `name` and returns it.
   *
   * @throws {EngineError} `PROGRAM_NOT_FOUND`.
   */
  remove(name: string): ProgramInfo {
    const info = this.get(name);
    this.#programs.delete(name);
    return info;
  }

  /**
   * Marks the program attached.
   *
   * @throws {EngineError} `PROGRAM_NOT_FOUND`, `ATTACH_FAILED` when it is attached already.
   */
  attach(name: string): void {
    const info = this.get(name);
    if (info.attached) {
      throw new EngineError("ATTACH_FAILED", `Program "${name}" is already attached`, {
        subject: name,
      });
    }
    this.#programs.set(name, { ...info, attached: true });
  }

  /**
   * Marks the program detached (it stays loaded).
   *
   * @throws {EngineError} `PROGRAM_NOT_FOUND`, `DETACH_FAILED` when it is not attached.
   */
  detach(name: string): void {
    const info = this.get(name);
    if (!info.attached) {
      throw new EngineError("DETACH_FAILED", `Program "${name}" is not attached`, {
        subject: name,
      });
    }
    this.#programs.set(name, { ...info, attached: false });
  }

  /**
   * Enables or mutes the program.
   *
   * @throws {EngineError} `PROGRAM_NOT_FOUND`.
   */
  setEnabled(name: string, enabled: boolean): void {
    this.#programs.set(name, { ...this.get(name), enabled });
  }

  /** Whether a program of `type` is attached and enabled (its stream is wanted). */
  active(type: ProgramType): boolean {
    for (const info of this.#programs.values()) {
      if (info.type === type && info.attached && info.enabled) return true;
    }
    return false;
  }

  /** Whether a program named `name` is loaded. */
  has(name: string): boolean {
    return this.#programs.has(name);
  }

  /** The loaded programs, in load order. */
  list(): readonly ProgramInfo[] {
    return [...this.#programs.values()];
  }

  /** How many programs are loaded. */
  get size(): number {
    return this.#programs.size;
  }

  /** Forgets every program (the backend closed). */
  clear(): void {
    this.#programs.clear();
  }
}
