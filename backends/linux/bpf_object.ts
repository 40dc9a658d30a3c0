/**
 * {@linkcode BpfObject}: a BPF ELF object (one of `bpf/*.bpf.c`, compiled) through its
 * lifecycle open → configure → load → attach, and {@linkcode VerifierError}, which keeps the
 * kernel verifier's log when a load fails.
 *
 * @module
 */

import { KernelError } from "./errors.ts";
import { checkPointer, libbpf, safeErrnoDetail } from "./libbpf.ts";
import { BpfMap } from "./bpf_map.ts";
import { BpfProgram, type ProgramOwner } from "./bpf_program.ts";
import { keepAlive, toCString } from "./libc.ts";

const LOG_SIZE = 4 << 20;
const OPEN_OPTS_SIZE = 80; // sizeof(struct bpf_object_open_opts), libbpf 1.1

/**
 * Loading a BPF object failed. `log` is the kernel verifier's log (empty when the kernel gave
 * none, as for `EPERM`); the message carries its last lines.
 *
 * @example
 * ```ts
 * import { VerifierError } from "@cordon/cordon/linux";
 * const error = new VerifierError("load monitor", 13, "0: R1=ctx\ninvalid access to map value\n");
 * if (error.code !== "EACCES" || !error.message.includes("invalid access")) throw new Error(error.message);
 * ```
 */
export class VerifierError extends KernelError {
  /** The verifier's log, in full. */
  readonly log: string;

  /**
   * @param operation What was being loaded.
   * @param errno The errno of the failed load.
   * @param log The verifier's log.
   */
  /** Creates the error; the message ends with the log's last lines. */
  constructor(operation: string, errno: number, log: string) {
    super(operation, errno, safeErrnoDetail(errno));
    this.name = "VerifierError";
    this.log = log;
    const tail = log.trim().split("\n").filter((l) => l.trim() !== "").slice(-3).join(" | ");
    if (tail) this.message += `; verifier: ${tail}`;
  }
}

/**
 * A BPF object opened from ELF bytes. Programs and maps are looked up by name; `load()`
 * creates the maps and loads the programs (throwing {@linkcode VerifierError}); `close()`
 * releases everything the object holds (idempotent; also on `using`). Links made from its
 * programs are separate handles: close them first.
 *
 * Requires `allow-ffi`, and root (or CAP_BPF and friends) to load.
 *
 * @example
 * ```ts ignore
 * import { BpfObject } from "@cordon/cordon/linux";
 * import { decodeObject } from "./objects.ts";
 * using object = BpfObject.open(decodeObject("monitor"), "monitor");
 * object.load();
 * using link = object.program("cordon_sys_enter").attach();
 * ```
 */
export class BpfObject implements Disposable, ProgramOwner {
  #pointer: Deno.PointerObject | null;
  #log: Uint8Array<ArrayBuffer>;
  #programs = new Map<string, BpfProgram>();
  #maps = new Map<string, BpfMap>();
  #loaded = false;
  /** The name given at open, used in error messages. */
  readonly name: string;

  private constructor(pointer: Deno.PointerObject, log: Uint8Array<ArrayBuffer>, name: string) {
    this.#pointer = pointer;
    this.#log = log;
    this.name = name;
    const symbols = libbpf();
    for (let p = symbols.bpf_object__next_program(pointer, null); p !== null;) {
      const program = new BpfProgram(p, this);
      this.#programs.set(program.name, program);
      p = symbols.bpf_object__next_program(pointer, p);
    }
    for (let m = symbols.bpf_object__next_map(pointer, null); m !== null;) {
      const map = new BpfMap(m, this);
      this.#maps.set(map.name, map);
      m = symbols.bpf_object__next_map(pointer, m);
    }
  }

  /**
   * Opens an object from its ELF bytes (nothing reaches the kernel yet).
   *
   * @param bytes the compiled `.bpf.o`
   * @param name a name for messages and libbpf's object name
   */
  static open(bytes: Uint8Array<ArrayBuffer>, name: string): BpfObject {
    const log = new Uint8Array(LOG_SIZE);
    const nameBytes = toCString(name);
    const opts = new Uint8Array(OPEN_OPTS_SIZE);
    const view = new DataView(opts.buffer);
    view.setBigUint64(0, BigInt(OPEN_OPTS_SIZE), true); // sz
    view.setBigUint64(8, BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(nameBytes))), true);
    view.setBigUint64(56, BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(log))), true);
    view.setBigUint64(64, BigInt(LOG_SIZE), true); // kernel_log_size
    view.setUint32(72, 0, true); // kernel_log_level: 0 = a log only when a load fails
    const pointer = checkPointer(
      libbpf().bpf_object__open_mem(bytes, BigInt(bytes.length), opts),
      `open BPF object ${name}`,
    );
    keepAlive(nameBytes);
    return new BpfObject(pointer, log, name);
  }

  /** Throws `TypeError` when closed. */
  assertOpen(): void {
    if (this.#pointer === null) throw new TypeError(`BPF object "${this.name}" is closed`);
  }

  /** Whether `load()` succeeded. */
  get loaded(): boolean {
    return this.#loaded;
  }

  /** Whether the object was closed. */
  get closed(): boolean {
    return this.#pointer === null;
  }

  /** The program `name`; throws `RangeError` when there is none. */
  program(name: string): BpfProgram {
    this.assertOpen();
    const program = this.#programs.get(name);
    if (!program) throw new RangeError(`BPF object "${this.name}" has no program "${name}"`);
    return program;
  }

  /** Every program, in ELF order. */
  programs(): BpfProgram[] {
    this.assertOpen();
    return [...this.#programs.values()];
  }

  /** The map `name`; throws `RangeError` when there is none. */
  map(name: string): BpfMap {
    this.assertOpen();
    const map = this.#maps.get(name);
    if (!map) throw new RangeError(`BPF object "${this.name}" has no map "${name}"`);
    return map;
  }

  /** Every map (including libbpf's `.rodata`/`.bss` global data maps). */
  maps(): BpfMap[] {
    this.assertOpen();
    return [...this.#maps.values()];
  }

  /** Creates the maps and loads the programs. Throws {@linkcode VerifierError} on failure. */
  load(): void {
    this.assertOpen();
    this.#log.fill(0, 0, 16);
    const result = libbpf().bpf_object__load(this.#pointer!);
    if (result < 0) {
      const end = this.#log.indexOf(0);
      const log = new TextDecoder().decode(this.#log.subarray(0, end === -1 ? undefined : end));
      throw new VerifierError(`load BPF object ${this.name}`, -result, log);
    }
    this.#loaded = true;
  }

  /** Unloads the programs and releases the maps. Idempotent. */
  close(): void {
    const pointer = this.#pointer;
    if (pointer === null) return;
    for (const program of this.#programs.values()) program.close();
    for (const map of this.#maps.values()) map.close();
    this.#pointer = null;
    libbpf().bpf_object__close(pointer);
  }

  /** Same as {@linkcode BpfObject.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
