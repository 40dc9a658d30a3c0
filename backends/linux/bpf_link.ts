/**
 * {@linkcode BpfLink}: an attachment of a BPF program to its hook (a libbpf `struct bpf_link`).
 * Closing it detaches the program.
 *
 * @module
 */

import { check, libbpf } from "./libbpf.ts";

/**
 * An attached program. `close()` detaches it; it is idempotent and also runs on `using`.
 *
 * Requires `allow-ffi` and root (or CAP_BPF with the capabilities of the hook).
 *
 * @example
 * ```ts ignore
 * import { BpfObject } from "@cordon/cordon/linux";
 * using object = BpfObject.open(bytes, "monitor");
 * object.load();
 * using link = object.program("cordon_sys_enter").attach();
 * console.log(link.fd);
 * ```
 */
export class BpfLink implements Disposable {
  #pointer: Deno.PointerObject | null;
  /** What the link attaches, e.g. `"cordon_sys_enter"` or `"cordon_connect4 to cgroup"`. */
  readonly description: string;

  /** Wraps a libbpf `struct bpf_link *` (owned from now on). */
  constructor(pointer: Deno.PointerObject, description: string) {
    this.#pointer = pointer;
    this.description = description;
  }

  /** Whether the link was closed. */
  get closed(): boolean {
    return this.#pointer === null;
  }

  /** The link's file descriptor. Throws `TypeError` after `close()`. */
  get fd(): number {
    if (this.#pointer === null) throw new TypeError(`link "${this.description}" is closed`);
    return check(libbpf().bpf_link__fd(this.#pointer), `fd of link ${this.description}`);
  }

  /** Detaches the program. Idempotent. */
  close(): void {
    const pointer = this.#pointer;
    if (pointer === null) return;
    this.#pointer = null;
    libbpf().bpf_link__destroy(pointer);
  }

  /** Same as {@linkcode BpfLink.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
