/**
 * The argument declarations of the syscalls that the kernel build `syscall_args.ts` was generated
 * on has no tracepoint for (its configuration leaves out modules, kexec, shadow stacks, …), in
 * the tracefs form (`<type> <name>`, no `__user`). Each is the `asmlinkage long sys_NAME(...)`
 * declaration of `include/linux/syscalls.h` in Linux 7.3, the release whose UAPI headers the
 * syscall tables come from; `policies/syscalls_test.ts` checks that every syscall of the x86_64
 * and aarch64 tables has its arguments here, in `syscall_args.ts`, or is one of
 * {@linkcode NOT_IMPLEMENTED_SYSCALLS} (whose arguments no kernel reads).
 *
 * @module
 */

/** Declarations by syscall name (see the module doc for the source). */
export const UNTRACED_SYSCALL_ARGS: Readonly<Record<string, readonly string[]>> = {
  // kernel/module/main.c (CONFIG_MODULES)
  init_module: ["void * umod", "unsigned long len", "const char * uargs"],
  delete_module: ["const char * name_user", "unsigned int flags"],
  finit_module: ["int fd", "const char * uargs", "int flags"],
  // kernel/kexec.c, kernel/kexec_file.c (CONFIG_KEXEC, CONFIG_KEXEC_FILE)
  kexec_load: [
    "unsigned long entry",
    "unsigned long nr_segments",
    "struct kexec_segment * segments",
    "unsigned long flags",
  ],
  kexec_file_load: [
    "int kernel_fd",
    "int initrd_fd",
    "unsigned long cmdline_len",
    "const char * cmdline_ptr",
    "unsigned long flags",
  ],
  // arch/x86/kernel/tls.c (x86: also reachable from 64-bit processes)
  set_thread_area: ["struct user_desc * u_info"],
  get_thread_area: ["struct user_desc * u_info"],
  // mm/shstk.c (CONFIG_X86_USER_SHADOW_STACK), arch/arm64/mm/gcs.c (CONFIG_ARM64_GCS)
  map_shadow_stack: ["unsigned long addr", "unsigned long size", "unsigned int flags"],
  // kernel/nstree.c (Linux 6.19)
  listns: [
    "const struct ns_id_req * req",
    "u64 * ns_ids",
    "size_t nr_ns_ids",
    "unsigned int flags",
  ],
  // kernel/rseq.c (SYSCALL_DEFINE0)
  rseq_slice_yield: [],
};

/**
 * Syscalls of the tables that no kernel of ours implements: their entry is `sys_ni_syscall`
 * (removed calls such as `_sysctl`, `uselib` and `lookup_dcookie`, and reserved numbers such as
 * `afs_syscall`), which returns `ENOSYS` without reading an argument, so argument widths do
 * not matter for them.
 */
export const NOT_IMPLEMENTED_SYSCALLS: ReadonlySet<string> = new Set([
  "_sysctl",
  "afs_syscall",
  "create_module",
  "epoll_ctl_old",
  "epoll_wait_old",
  "get_kernel_syms",
  "getpmsg",
  "lookup_dcookie",
  "nfsservctl",
  "putpmsg",
  "query_module",
  "security",
  "tuxcall",
  "uselib",
  "vserver",
]);
