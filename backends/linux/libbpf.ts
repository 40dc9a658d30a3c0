/**
 * The one binding of libbpf (`libbpf.so.1`): the symbol table, its lazy loading (with the
 * `CORDON_LIBBPF` override of the library path), and the one place a libbpf return code
 * becomes a {@linkcode KernelError}.
 *
 * libbpf 1.x conventions: functions returning `int` return a negative errno on failure;
 * functions returning a pointer return NULL and set `errno`.
 *
 * Requires `allow-ffi` (and `allow-env=CORDON_LIBBPF` to honour the override).
 *
 * @module
 */

import { type ErrnoDetail, KernelError, NotSupportedError } from "./errors.ts";
import { errno, errnoDetail } from "./libc.ts";

/** The libbpf symbols Cordon calls, with their C prototypes. */
export const LIBBPF_SYMBOLS = {
  /** `libbpf_print_fn_t libbpf_set_print(libbpf_print_fn_t fn)`: NULL silences libbpf. */
  "libbpf_set_print": { parameters: ["pointer"], result: "pointer" },
  /** `struct bpf_object *bpf_object__open_mem(const void *obj_buf, size_t obj_buf_sz, const struct bpf_object_open_opts *opts)` */
  "bpf_object__open_mem": {
    parameters: [
      "buffer", // const void *obj_buf
      "usize", // size_t obj_buf_sz
      "buffer", // const struct bpf_object_open_opts *opts
    ],
    result: "pointer",
  },
  /** `int bpf_object__load(struct bpf_object *obj)` */
  "bpf_object__load": { parameters: ["pointer"], result: "i32" },
  /** `void bpf_object__close(struct bpf_object *obj)` */
  "bpf_object__close": { parameters: ["pointer"], result: "void" },
  /** `struct bpf_program *bpf_object__next_program(const struct bpf_object *obj, struct bpf_program *prev)` */
  "bpf_object__next_program": { parameters: ["pointer", "pointer"], result: "pointer" },
  /** `struct bpf_map *bpf_object__next_map(const struct bpf_object *obj, const struct bpf_map *prev)` */
  "bpf_object__next_map": { parameters: ["pointer", "pointer"], result: "pointer" },
  /** `const char *bpf_program__name(const struct bpf_program *prog)` */
  "bpf_program__name": { parameters: ["pointer"], result: "pointer" },
  /** `const char *bpf_program__section_name(const struct bpf_program *prog)` */
  "bpf_program__section_name": { parameters: ["pointer"], result: "pointer" },
  /** `int bpf_program__fd(const struct bpf_program *prog)` */
  "bpf_program__fd": { parameters: ["pointer"], result: "i32" },
  /** `int bpf_program__set_autoload(struct bpf_program *prog, bool autoload)` */
  "bpf_program__set_autoload": { parameters: ["pointer", "bool"], result: "i32" },
  /** `bool bpf_program__autoload(const struct bpf_program *prog)` */
  "bpf_program__autoload": { parameters: ["pointer"], result: "bool" },
  /** `int bpf_program__set_expected_attach_type(struct bpf_program *prog, enum bpf_attach_type type)` */
  "bpf_program__set_expected_attach_type": { parameters: ["pointer", "u32"], result: "i32" },
  /** `struct bpf_link *bpf_program__attach(const struct bpf_program *prog)` */
  "bpf_program__attach": { parameters: ["pointer"], result: "pointer" },
  /** `struct bpf_link *bpf_program__attach_cgroup(const struct bpf_program *prog, int cgroup_fd)` */
  "bpf_program__attach_cgroup": { parameters: ["pointer", "i32"], result: "pointer" },
  /** `int bpf_link__destroy(struct bpf_link *link)` */
  "bpf_link__destroy": { parameters: ["pointer"], result: "i32" },
  /** `int bpf_link__fd(const struct bpf_link *link)` */
  "bpf_link__fd": { parameters: ["pointer"], result: "i32" },
  /** `const char *bpf_map__name(const struct bpf_map *map)` */
  "bpf_map__name": { parameters: ["pointer"], result: "pointer" },
  /** `int bpf_map__fd(const struct bpf_map *map)` */
  "bpf_map__fd": { parameters: ["pointer"], result: "i32" },
  /** `enum bpf_map_type bpf_map__type(const struct bpf_map *map)` */
  "bpf_map__type": { parameters: ["pointer"], result: "u32" },
  /** `__u32 bpf_map__key_size(const struct bpf_map *map)` */
  "bpf_map__key_size": { parameters: ["pointer"], result: "u32" },
  /** `__u32 bpf_map__value_size(const struct bpf_map *map)` */
  "bpf_map__value_size": { parameters: ["pointer"], result: "u32" },
  /** `__u32 bpf_map__max_entries(const struct bpf_map *map)` */
  "bpf_map__max_entries": { parameters: ["pointer"], result: "u32" },
  /** `bool bpf_map__is_internal(const struct bpf_map *map)`: libbpf's own `.rodata`/`.bss`/`.data`/`.kconfig` maps. */
  "bpf_map__is_internal": { parameters: ["pointer"], result: "bool" },
  /** `const char *libbpf_bpf_map_type_str(enum bpf_map_type t)`: `"hash"`, `"ringbuf"`, …, NULL when unknown. */
  "libbpf_bpf_map_type_str": { parameters: ["u32"], result: "pointer" },
  /** `int bpf_map__set_max_entries(struct bpf_map *map, __u32 max_entries)` */
  "bpf_map__set_max_entries": { parameters: ["pointer", "u32"], result: "i32" },
  /** `int bpf_map__reuse_fd(struct bpf_map *map, int fd)` */
  "bpf_map__reuse_fd": { parameters: ["pointer", "i32"], result: "i32" },
  /** `const void *bpf_map__initial_value(struct bpf_map *map, size_t *psize)`: `.rodata`/`.data` contents before load. */
  "bpf_map__initial_value": {
    parameters: [
      "pointer", // struct bpf_map *map
      "buffer", // size_t *psize
    ],
    result: "pointer",
  },
  /** `int bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags)` */
  "bpf_map_update_elem": { parameters: ["i32", "buffer", "buffer", "u64"], result: "i32" },
  /** `int bpf_map_lookup_elem(int fd, const void *key, void *value)` */
  "bpf_map_lookup_elem": { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  /** `int bpf_map_delete_elem(int fd, const void *key)` */
  "bpf_map_delete_elem": { parameters: ["i32", "buffer"], result: "i32" },
  /** `int bpf_map_get_next_key(int fd, const void *key, void *next_key)`: `key` NULL gives the first. */
  "bpf_map_get_next_key": { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  /** `int bpf_obj_get_info_by_fd(int bpf_fd, void *info, __u32 *info_len)` */
  "bpf_obj_get_info_by_fd": { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  /** `int bpf_prog_get_next_id(__u32 start_id, __u32 *next_id)` */
  "bpf_prog_get_next_id": { parameters: ["u32", "buffer"], result: "i32" },
  /** `int bpf_map_get_next_id(__u32 start_id, __u32 *next_id)` */
  "bpf_map_get_next_id": { parameters: ["u32", "buffer"], result: "i32" },
  /** `int bpf_link_get_next_id(__u32 start_id, __u32 *next_id)` */
  "bpf_link_get_next_id": { parameters: ["u32", "buffer"], result: "i32" },
  /**
   * `int bpf_enable_stats(enum bpf_stats_type type)`: an fd that keeps run-time statistics
   * (`run_cnt`, `run_time_ns`) on until closed. Optional: libbpf >= 0.0.9.
   */
  "bpf_enable_stats": { parameters: ["u32"], result: "i32", optional: true },
  /** `int bpf_prog_get_fd_by_id(__u32 id)` */
  "bpf_prog_get_fd_by_id": { parameters: ["u32"], result: "i32" },
  /** `int bpf_map_get_fd_by_id(__u32 id)` */
  "bpf_map_get_fd_by_id": { parameters: ["u32"], result: "i32" },
  /** `int bpf_link_get_fd_by_id(__u32 id)` */
  "bpf_link_get_fd_by_id": { parameters: ["u32"], result: "i32" },
  /**
   * `int bpf_prog_load(enum bpf_prog_type prog_type, const char *prog_name, const char *license,
   * const struct bpf_insn *insns, size_t insn_cnt, const struct bpf_prog_load_opts *opts)`:
   * feature probes.
   */
  "bpf_prog_load": {
    parameters: [
      "u32", // enum bpf_prog_type prog_type
      "buffer", // const char *prog_name
      "buffer", // const char *license
      "buffer", // const struct bpf_insn *insns
      "usize", // size_t insn_cnt
      "buffer", // const struct bpf_prog_load_opts *opts
    ],
    result: "i32",
  },
  /** `int libbpf_probe_bpf_map_type(enum bpf_map_type map_type, const void *opts)`: 1 yes, 0 no, <0 error. */
  "libbpf_probe_bpf_map_type": { parameters: ["u32", "pointer"], result: "i32" },
  /** `int libbpf_probe_bpf_prog_type(enum bpf_prog_type prog_type, const void *opts)`: 1 yes, 0 no, <0 error. */
  "libbpf_probe_bpf_prog_type": { parameters: ["u32", "pointer"], result: "i32" },
  /** `int libbpf_find_vmlinux_btf_id(const char *name, enum bpf_attach_type attach_type)`: BTF id or <0. */
  "libbpf_find_vmlinux_btf_id": { parameters: ["buffer", "u32"], result: "i32" },
  /**
   * `struct ring_buffer *ring_buffer__new(int map_fd, ring_buffer_sample_fn sample_cb, void *ctx,
   * const struct ring_buffer_opts *opts)`; `sample_cb` is `int (*)(void *ctx, void *data, size_t size)`.
   */
  "ring_buffer__new": {
    parameters: [
      "i32", // int map_fd
      "function", // ring_buffer_sample_fn sample_cb
      "pointer", // void *ctx
      "pointer", // const struct ring_buffer_opts *opts
    ],
    result: "pointer",
  },
  /** `int ring_buffer__consume(struct ring_buffer *rb)`: records consumed, or <0. */
  "ring_buffer__consume": { parameters: ["pointer"], result: "i32" },
  /** `int ring_buffer__poll(struct ring_buffer *rb, int timeout_ms)`: records consumed, or <0. */
  "ring_buffer__poll": { parameters: ["pointer", "i32"], result: "i32" },
  /** `int ring_buffer__epoll_fd(const struct ring_buffer *rb)` */
  "ring_buffer__epoll_fd": { parameters: ["pointer"], result: "i32" },
  /** `void ring_buffer__free(struct ring_buffer *rb)` */
  "ring_buffer__free": { parameters: ["pointer"], result: "void" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The loaded libbpf. */
export type Libbpf = Deno.DynamicLibrary<typeof LIBBPF_SYMBOLS>["symbols"];

let loaded: Deno.DynamicLibrary<typeof LIBBPF_SYMBOLS> | undefined;

/** libbpf's path: `CORDON_LIBBPF` when set, else `libbpf.so.1`. */
export function libbpfPath(): string {
  try {
    return Deno.env.get("CORDON_LIBBPF") || "libbpf.so.1";
  } catch {
    return "libbpf.so.1"; // no env permission: the default
  }
}

/**
 * libbpf's symbols, loaded on first use (libbpf's own stderr logging is silenced: load
 * failures are reported through {@linkcode VerifierError}s and `KernelError`s instead).
 *
 * Requires `allow-ffi`. Throws {@linkcode NotSupportedError} when not on Linux, or with the
 * load error as `cause` when the library cannot be opened (install `libbpf1`).
 *
 * @example
 * ```ts ignore
 * import { libbpf } from "./libbpf.ts";
 * const supported = libbpf().libbpf_probe_bpf_map_type(27, null); // BPF_MAP_TYPE_RINGBUF
 * ```
 */
export function libbpf(): Libbpf {
  if (loaded) return loaded.symbols;
  if (Deno.build.os !== "linux") {
    throw new NotSupportedError("libbpf", `eBPF needs Linux, not ${Deno.build.os}`);
  }
  const path = libbpfPath();
  try {
    loaded = Deno.dlopen(path, LIBBPF_SYMBOLS);
  } catch (error) {
    throw new NotSupportedError("libbpf", `cannot load "${path}" (install libbpf1)`, {
      cause: error,
    });
  }
  loaded.symbols.libbpf_set_print(null);
  return loaded.symbols;
}

/**
 * Turns a libbpf `int` result into a value: a negative result throws a {@linkcode KernelError}
 * with errno `-result` and `operation`.
 *
 * @example
 * ```ts
 * import { check } from "./libbpf.ts";
 * if (check(3, "get fd") !== 3) throw new Error();
 * ```
 */
export function check(result: number, operation: string): number {
  if (result >= 0) return result;
  throw kernelError(operation, -result);
}

/**
 * Turns a libbpf pointer result into a pointer: NULL throws a {@linkcode KernelError} with the
 * current `errno` and `operation`.
 *
 * @example
 * ```ts ignore
 * import { checkPointer, libbpf } from "./libbpf.ts";
 * const link = checkPointer(libbpf().bpf_program__attach(prog), "attach sys_enter");
 * ```
 */
export function checkPointer(pointer: Deno.PointerValue, operation: string): Deno.PointerObject {
  if (pointer !== null) return pointer;
  throw kernelError(operation, errno() || 5 /* EIO: libbpf gave no errno */);
}

/**
 * A {@linkcode KernelError} for `operation` failing with `code`, named through libc.
 *
 * @example
 * ```ts ignore
 * import { kernelError } from "./libbpf.ts";
 * if (kernelError("load", 1).code !== "EPERM") throw new Error();
 * ```
 */
export function kernelError(operation: string, code: number): KernelError {
  return new KernelError(operation, code, safeErrnoDetail(code));
}

/**
 * The name and description of errno `code` from libc, or nothing when libc cannot say.
 *
 * @example
 * ```ts ignore
 * import { safeErrnoDetail } from "./libbpf.ts";
 * if (safeErrnoDetail(1).name !== "EPERM") throw new Error();
 * ```
 */
export function safeErrnoDetail(code: number): ErrnoDetail {
  try {
    return errnoDetail(code);
  } catch {
    return {}; // libc unavailable: the number alone
  }
}

/**
 * A C string read from `pointer` ("" for NULL).
 *
 * @example
 * ```ts
 * import { cString } from "./libbpf.ts";
 * if (cString(null) !== "") throw new Error();
 * ```
 */
export function cString(pointer: Deno.PointerValue): string {
  return pointer === null ? "" : Deno.UnsafePointerView.getCString(pointer);
}
