/**
 * {@linkcode BpfProgram}: one program of a {@linkcode BpfObject}, with autoload control before
 * load and attachment after.
 *
 * @module
 */

import { BpfLink } from "./bpf_link.ts";
import { check, checkPointer, cString, libbpf } from "./libbpf.ts";
import { libc } from "./libc.ts";

/** What a program needs from the object that owns it. */
export interface ProgramOwner {
  /** Throws `TypeError` when the owning object is closed. */
  assertOpen(): void;
  /** Whether the object was loaded into the kernel. */
  readonly loaded: boolean;
}

/** The kernel's view of a loaded program (from `bpf_obj_get_info_by_fd`). */
export interface ProgramKernelInfo {
  /** The kernel's program id. */
  readonly id: number;
  /** `enum bpf_prog_type`. */
  readonly type: number;
  /** Nanoseconds the program ran, when `kernel.bpf_stats_enabled` is on (else 0). */
  readonly runTimeNs: bigint;
  /** Times the program ran, when `kernel.bpf_stats_enabled` is on (else 0). */
  readonly runCount: bigint;
}

/**
 * A program of a BPF object. Its lifetime is the object's: closing the object closes it,
 * and {@linkcode BpfProgram.close} only marks this handle unusable.
 *
 * Requires `allow-ffi`.
 *
 * @example
 * ```ts ignore
 * import { BpfObject } from "@cordon/cordon/linux";
 * using object = BpfObject.open(bytes, "monitor");
 * object.program("cordon_exec").autoload = false;
 * object.load();
 * using link = object.program("cordon_sys_enter").attach();
 * ```
 */
export class BpfProgram implements Disposable {
  #pointer: Deno.PointerObject | null;
  #owner: ProgramOwner;
  /** The program's function name, e.g. `"cordon_sys_enter"`. */
  readonly name: string;
  /** Its ELF section, e.g. `"tp_btf/sys_enter"`. */
  readonly section: string;

  /** Wraps a libbpf `struct bpf_program *` owned by `owner`. */
  constructor(pointer: Deno.PointerObject, owner: ProgramOwner) {
    this.#pointer = pointer;
    this.#owner = owner;
    this.name = cString(libbpf().bpf_program__name(pointer));
    this.section = cString(libbpf().bpf_program__section_name(pointer));
  }

  #ptr(): Deno.PointerObject {
    this.#owner.assertOpen();
    if (this.#pointer === null) throw new TypeError(`program "${this.name}" is closed`);
    return this.#pointer;
  }

  /** Whether the program is loaded with its object (settable only before load). */
  get autoload(): boolean {
    return libbpf().bpf_program__autoload(this.#ptr());
  }

  set autoload(value: boolean) {
    check(
      libbpf().bpf_program__set_autoload(this.#ptr(), value),
      `set autoload of ${this.name}`,
    );
  }

  /**
   * Sets `enum bpf_attach_type` before load, for attach types this libbpf's section names do
   * not know (e.g. `BPF_CGROUP_UNIX_CONNECT`, 49, under libbpf 1.1).
   */
  setExpectedAttachType(type: number): void {
    check(
      libbpf().bpf_program__set_expected_attach_type(this.#ptr(), type),
      `set expected attach type of ${this.name}`,
    );
  }

  /** The program's fd once loaded (-1 before, or when autoload was off). */
  get fd(): number {
    return libbpf().bpf_program__fd(this.#ptr());
  }

  /** The kernel's id and run statistics of the loaded program. */
  info(): ProgramKernelInfo {
    const info = new Uint8Array(232); // sizeof(struct bpf_prog_info), libbpf 1.1 UAPI
    const length = new Uint32Array([info.length]);
    check(
      libbpf().bpf_obj_get_info_by_fd(this.fd, info, new Uint8Array(length.buffer)),
      `get info of ${this.name}`,
    );
    const view = new DataView(info.buffer);
    return {
      type: view.getUint32(0, true),
      id: view.getUint32(4, true),
      runTimeNs: view.getBigUint64(192, true),
      runCount: view.getBigUint64(200, true),
    };
  }

  /** Attaches to the hook its section names (tracepoints, tp_btf, LSM…). */
  attach(): BpfLink {
    const pointer = checkPointer(libbpf().bpf_program__attach(this.#ptr()), `attach ${this.name}`);
    return new BpfLink(pointer, this.name);
  }

  /** Attaches a cgroup program to the cgroup open as `cgroupFd`. */
  attachCgroup(cgroupFd: number, cgroupPath = `fd ${cgroupFd}`): BpfLink {
    const pointer = checkPointer(
      libbpf().bpf_program__attach_cgroup(this.#ptr(), cgroupFd),
      `attach ${this.name} to cgroup ${cgroupPath}`,
    );
    return new BpfLink(pointer, `${this.name} on ${cgroupPath}`);
  }

  /** Marks this handle unusable (the program itself goes with its object). Idempotent. */
  close(): void {
    this.#pointer = null;
  }

  /** Same as {@linkcode BpfProgram.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/** A program loaded in the kernel (by anyone), as `bpf_obj_get_info_by_fd` reports it. */
export interface LoadedProgram {
  /** The kernel's program id. */
  readonly id: number;
  /** `enum bpf_prog_type`. */
  readonly type: number;
  /** The kernel's (truncated to 15 bytes) program name. */
  readonly name: string;
  /** Nanoseconds since boot when it was loaded. */
  readonly loadTimeNs: bigint;
  /** The user id that loaded it. */
  readonly uid: number;
  /** Ids of the maps it uses. */
  readonly mapIds: readonly number[];
  /** Nanoseconds it ran while `kernel.bpf_stats_enabled` was on (cumulative). */
  readonly runTimeNs: bigint;
  /** Times it ran while `kernel.bpf_stats_enabled` was on (cumulative). */
  readonly runCount: bigint;
}

/** Names of the `enum bpf_prog_type` values Cordon's programs use. */
export const PROG_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: "socket_filter",
  2: "kprobe",
  5: "tracepoint",
  17: "raw_tracepoint",
  18: "cgroup_sock_addr",
  26: "tracing",
  29: "lsm",
};

/**
 * Every program loaded in the kernel whose name starts with `prefix` (Cordon's: `"cordon_"`).
 * Programs that vanish while being listed are skipped.
 *
 * Requires `allow-ffi` and root.
 *
 * @example
 * ```ts ignore
 * import { kernelPrograms } from "@cordon/cordon/linux";
 * for (const p of kernelPrograms("cordon_")) console.log(p.id, p.name);
 * ```
 */
export function kernelPrograms(prefix = ""): LoadedProgram[] {
  const symbols = libbpf();
  const result: LoadedProgram[] = [];
  const next = new Uint32Array(1);
  let id = 0;
  for (;;) {
    if (symbols.bpf_prog_get_next_id(id, new Uint8Array(next.buffer)) < 0) break;
    id = next[0]!;
    const fd = symbols.bpf_prog_get_fd_by_id(id);
    if (fd < 0) continue;
    try {
      const mapIds = new Uint32Array(64);
      const info = new Uint8Array(232);
      const view = new DataView(info.buffer);
      view.setUint32(52, mapIds.length, true); // nr_map_ids
      view.setBigUint64(56, BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(mapIds))), true);
      const length = new Uint32Array([info.length]);
      if (symbols.bpf_obj_get_info_by_fd(fd, info, new Uint8Array(length.buffer)) < 0) continue;
      const name = new TextDecoder().decode(info.subarray(64, 80)).replace(/\0.*$/s, "");
      if (!name.startsWith(prefix)) continue;
      const count = Math.min(view.getUint32(52, true), mapIds.length);
      result.push({
        id,
        type: view.getUint32(0, true),
        name,
        loadTimeNs: view.getBigUint64(40, true),
        uid: view.getUint32(48, true),
        mapIds: [...mapIds.subarray(0, count)],
        runTimeNs: view.getBigUint64(192, true),
        runCount: view.getBigUint64(200, true),
      });
    } finally {
      libc().close(fd);
    }
  }
  return result;
}
