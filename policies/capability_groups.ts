/**
 * Capability groups: named sets of syscalls that policies allow or deny as a whole
 * (`spec.capabilities.allow` / `spec.capabilities.deny`). This file is the one place they are
 * defined; `docs/capabilities.md` is their reference.
 *
 * Rules every group follows:
 * - **Complete.** A group lists *every* syscall that reaches its effect, on every architecture
 *   Cordon knows (x86_64, i386, x32, aarch64), so that denying a group leaves no equivalent call
 *   open: `fs.write` has `write pwrite64 writev pwritev pwritev2` and the calls that write through
 *   another route (`sendfile`, `splice`, `copy_file_range`, Linux AIO). A name that does not exist
 *   on an architecture is skipped there (`fstat64` only exists on i386, `open` not on aarch64).
 * - **Groups overlap** where one call serves two effects (`openat` opens files for reading,
 *   writing and creating; `rename` creates one name and removes another). Allowing either group
 *   allows the call; denying either denies it (at equal priority `deny` beats `allow`).
 * - **Only syscall numbers.** A group cannot look at arguments: raw sockets, executable memory
 *   (W^X) and namespace-creating `clone` flags are argument tests, written as rules (see
 *   `docs/capabilities.md`).
 *
 * i386 multiplexers: `socketcall` carries every socket operation (socket, connect, bind, accept,
 * sendmsg, …) behind one syscall number and `ipc` every SysV IPC operation. Seccomp sees only the
 * operation code in argument 0, so a group cannot grant part of them: `socketcall` is in every
 * `net.*` group and `ipc` in the `ipc` group. Denying any `net.*` group therefore denies all i386
 * socket calls made through `socketcall` (fail closed), and allowing one grants all of them on i386
 * for programs that use the multiplexer (modern i386 libcs use the direct calls, which exist since
 * Linux 4.3). `builtin:baseline` and every policy with a `network` section answer `socketcall`
 * with `ENOSYS` at priority 1000, so that the socket-kind limits on the direct calls hold.
 *
 * @module
 */

/** One capability group. */
export interface CapabilityGroup {
  /** What the group grants, in one or two sentences. */
  readonly description: string;
  /** Syscall names across all architectures; sorted, no duplicates. */
  readonly syscalls: readonly string[];
}

const AIO = [
  "io_cancel",
  "io_destroy",
  "io_getevents",
  "io_pgetevents",
  "io_pgetevents_time64",
  "io_setup",
  "io_submit",
];

const OPEN = ["open", "openat", "openat2"];

const SOCKET_IO = [
  "connect",
  "getpeername",
  "getsockname",
  "getsockopt",
  "recvfrom",
  "recvmmsg",
  "recvmmsg_time64",
  "recvmsg",
  "sendmmsg",
  "sendmsg",
  "sendto",
  "setsockopt",
  "shutdown",
  "socket",
  "socketcall",
  "socketpair",
];

function group(description: string, syscalls: readonly string[]): CapabilityGroup {
  return { description, syscalls: [...new Set(syscalls)].sort() };
}

/**
 * Every capability group by name. Names are `area` or `area.effect`.
 *
 * @example
 * ```ts
 * import { CAPABILITY_GROUPS } from "@cordon/cordon";
 * const write = CAPABILITY_GROUPS["fs.write"]!;
 * for (const name of ["write", "pwrite64", "writev", "pwritev", "pwritev2"]) {
 *   if (!write.syscalls.includes(name)) throw new Error(`fs.write lacks ${name}`);
 * }
 * ```
 */
export const CAPABILITY_GROUPS: Readonly<Record<string, CapabilityGroup>> = Object.freeze({
  "fs.read": group(
    "Open files and read their contents and directory listings: every read call (read, readv, " +
      "pread64, preadv, preadv2, Linux AIO), seeking, directory reads, symlink reads and " +
      "read-ahead hints, and cachestat (the page-cache state of an open file, the file-backed " +
      "sibling of mincore). Includes open/openat/openat2, which seccomp cannot tell apart by " +
      "mode (openat's flags can be tested with a rule; openat2's are behind a pointer): use " +
      "`filesystem` rules (Landlock) to limit which paths are read.",
    [
      ...OPEN,
      ...AIO,
      "_llseek",
      "cachestat",
      "fadvise64",
      "fadvise64_64",
      "flock",
      "getdents",
      "getdents64",
      "lseek",
      "pread64",
      "preadv",
      "preadv2",
      "read",
      "readahead",
      "readdir",
      "readlink",
      "readlinkat",
      "readv",
    ],
  ),
  "fs.write": group(
    "Write to open files and change their size: every write call (write, pwrite64, writev, " +
      "pwritev, pwritev2), the calls that write through the kernel (sendfile, splice, tee, " +
      "vmsplice, copy_file_range, Linux AIO), truncation, preallocation and flushing. Includes " +
      "open/openat/openat2 to open files for writing.",
    [
      ...OPEN,
      ...AIO,
      "copy_file_range",
      "fallocate",
      "fdatasync",
      "fsync",
      "ftruncate",
      "ftruncate64",
      "msync",
      "pwrite64",
      "pwritev",
      "pwritev2",
      "sendfile",
      "sendfile64",
      "splice",
      "sync",
      "sync_file_range",
      "syncfs",
      "tee",
      "truncate",
      "truncate64",
      "vmsplice",
      "write",
      "writev",
    ],
  ),
  "fs.create": group(
    "Create new names in the filesystem: files (open/openat/openat2 with O_CREAT, creat), " +
      "directories, device and FIFO nodes, symbolic and hard links, and renames (which create the " +
      "new name).",
    [
      ...OPEN,
      "creat",
      "link",
      "linkat",
      "mkdir",
      "mkdirat",
      "mknod",
      "mknodat",
      "rename",
      "renameat",
      "renameat2",
      "symlink",
      "symlinkat",
    ],
  ),
  "fs.delete": group(
    "Remove names from the filesystem: unlink, rmdir, and renames (which can replace and so " +
      "remove an existing target).",
    ["rename", "renameat", "renameat2", "rmdir", "unlink", "unlinkat"],
  ),
  "fs.metadata": group(
    "Inspect files without reading their contents: stat in all its forms (including i386 " +
      "stat64/fstat64/fstatat64), access checks, extended attribute reads (getxattrat, " +
      "listxattrat too), file attribute reads (file_getattr), the working directory, filesystem " +
      "statistics and file handles, and the mount table (statmount, listmount: the same " +
      "read-only view as /proc/self/mountinfo, limited to the caller's mount namespace; changing " +
      "mounts is the mount group).",
    [
      "access",
      "chdir",
      "faccessat",
      "faccessat2",
      "fchdir",
      "fgetxattr",
      "file_getattr",
      "flistxattr",
      "fstat",
      "fstat64",
      "fstatat64",
      "fstatfs",
      "fstatfs64",
      "getcwd",
      "getxattr",
      "getxattrat",
      "lgetxattr",
      "listmount",
      "listxattr",
      "listxattrat",
      "llistxattr",
      "lstat",
      "lstat64",
      "name_to_handle_at",
      "newfstatat",
      "oldfstat",
      "oldlstat",
      "oldstat",
      "stat",
      "stat64",
      "statfs",
      "statfs64",
      "statmount",
      "statx",
      "sysfs",
      "ustat",
    ],
  ),
  "fs.attributes": group(
    "Change file metadata: permissions (chmod, fchmod, fchmodat, fchmodat2), ownership " +
      "(including i386 chown32 variants), timestamps, extended attributes (setxattrat and " +
      "removexattrat too) and file attributes (file_setattr). Ownership changes to other users still need CAP_CHOWN.",
    [
      "chmod",
      "chown",
      "chown32",
      "fchmod",
      "fchmodat",
      "fchmodat2",
      "fchown",
      "fchown32",
      "fchownat",
      "file_setattr",
      "fremovexattr",
      "fsetxattr",
      "futimesat",
      "lchown",
      "lchown32",
      "lremovexattr",
      "lsetxattr",
      "removexattr",
      "removexattrat",
      "setxattr",
      "setxattrat",
      "utime",
      "utimensat",
      "utimensat_time64",
      "utimes",
    ],
  ),
  "fs.watch": group(
    "Watch the filesystem for changes: inotify and fanotify (fanotify mostly needs CAP_SYS_ADMIN).",
    [
      "fanotify_init",
      "fanotify_mark",
      "inotify_add_watch",
      "inotify_init",
      "inotify_init1",
      "inotify_rm_watch",
    ],
  ),
  "fs.admin": group(
    "Filesystem administration that needs privileges: chroot and fchroot, quotas, swap, opening " +
      "files by handle (open_by_handle_at, the 'shocker' container escape) and obsolete " +
      "filesystem services.",
    [
      "bdflush",
      "chroot",
      "fchroot",
      "lookup_dcookie",
      "nfsservctl",
      "open_by_handle_at",
      "quotactl",
      "quotactl_fd",
      "swapoff",
      "swapon",
    ],
  ),
  "net.client": group(
    "Create sockets and use them: socket, connect, send and receive in every form, socket " +
      "options and names. Includes i386 socketcall, which multiplexes every socket operation " +
      "(see the module documentation). Under builtin:baseline or with a `network` section, " +
      "socket and socketpair are limited to Unix, TCP/UDP over IPv4/IPv6 and NETLINK_ROUTE (no " +
      "raw, packet or ping sockets) and socketcall answers ENOSYS, whatever this group allows; " +
      "`network` rules decide which endpoints are reached.",
    SOCKET_IO,
  ),
  "net.server": group(
    "Accept connections and receive on fixed addresses: bind, listen, accept, accept4 (and i386 " +
      "socketcall, answered with ENOSYS under builtin:baseline or a `network` section). Combine " +
      "with net.client for the socket and its I/O.",
    ["accept", "accept4", "bind", "listen", "socketcall"],
  ),
  "proc.basic": group(
    "What nearly every process needs: exiting, its own ids and limits, file-descriptor " +
      "bookkeeping (close, dup, fcntl, ioctl), waiting on descriptors (poll, select, epoll, " +
      "eventfd), thread support (futex and futex_wait/futex_wake/futex_requeue, robust lists, " +
      "rseq, TLS setup), random numbers and system information, reading its own LSM attributes " +
      "(lsm_get_self_attr, lsm_list_modules: what /proc/self/attr and securityfs show), and the " +
      "uprobe/uretprobe trampoline calls (only the kernel's probe trampolines can make them, " +
      "anything else gets SIGILL; kernels since 6.13/6.16 pass them through seccomp, older ones " +
      "would kill probed programs if they were denied).",
    [
      "_newselect",
      "arch_prctl",
      "capget",
      "close",
      "close_range",
      "dup",
      "dup2",
      "dup3",
      "epoll_create",
      "epoll_create1",
      "epoll_ctl",
      "epoll_pwait",
      "epoll_pwait2",
      "epoll_wait",
      "eventfd",
      "eventfd2",
      "exit",
      "exit_group",
      "fcntl",
      "fcntl64",
      "futex",
      "futex_requeue",
      "futex_time64",
      "futex_wait",
      "futex_waitv",
      "futex_wake",
      "get_robust_list",
      "get_thread_area",
      "getcpu",
      "getegid",
      "getegid32",
      "geteuid",
      "geteuid32",
      "getgid",
      "getgid32",
      "getgroups",
      "getgroups32",
      "getpgid",
      "getpgrp",
      "getpid",
      "getppid",
      "getpriority",
      "getrandom",
      "getresgid",
      "getresgid32",
      "getresuid",
      "getresuid32",
      "getrlimit",
      "getrusage",
      "getsid",
      "gettid",
      "getuid",
      "getuid32",
      "ioctl",
      "ioprio_get",
      "lsm_get_self_attr",
      "lsm_list_modules",
      "membarrier",
      "olduname",
      "oldolduname",
      "poll",
      "ppoll",
      "ppoll_time64",
      "prctl",
      "prlimit64",
      "pselect6",
      "pselect6_time64",
      "rseq",
      "rseq_slice_yield",
      "sched_get_priority_max",
      "sched_get_priority_min",
      "sched_getaffinity",
      "sched_getattr",
      "sched_getparam",
      "sched_getscheduler",
      "sched_rr_get_interval",
      "sched_rr_get_interval_time64",
      "sched_yield",
      "select",
      "set_robust_list",
      "set_thread_area",
      "set_tid_address",
      "setpgid",
      "setrlimit",
      "setsid",
      "sysinfo",
      "times",
      "ugetrlimit",
      "umask",
      "uname",
      "uprobe",
      "uretprobe",
    ],
  ),
  "proc.sched": group(
    "Change scheduling: priority (nice), scheduler policy and parameters, CPU affinity, I/O " +
      "priority. Raising priority still needs CAP_SYS_NICE.",
    [
      "ioprio_set",
      "nice",
      "sched_setaffinity",
      "sched_setattr",
      "sched_setparam",
      "sched_setscheduler",
      "setpriority",
    ],
  ),
  "proc.spawn": group(
    "Create and reap processes and threads: fork, vfork, clone, clone3, wait4/waitpid/waitid, " +
      "pidfd_open. clone and clone3 can also create namespaces; see proc.namespace.",
    ["clone", "clone3", "fork", "pidfd_open", "vfork", "wait4", "waitid", "waitpid"],
  ),
  "proc.exec": group(
    "Replace the program: execve and execveat. Every program started under a filter runs under " +
      "the same filter; limit which files may be executed with `filesystem.execute`.",
    ["execve", "execveat"],
  ),
  "proc.namespace": group(
    "Enter, create or enumerate namespaces: unshare, setns and listns (clone and clone3 create " +
      "them too, with CLONE_NEW* flags).",
    ["listns", "setns", "unshare"],
  ),
  "proc.debug": group(
    "Inspect or modify other processes: ptrace, process_vm_readv/writev, pidfd_getfd, kcmp, " +
      "process_madvise, process_mrelease and perf_event_open. A sandboxed program with these " +
      "can escape through any process it may trace.",
    [
      "kcmp",
      "perf_event_open",
      "pidfd_getfd",
      "process_madvise",
      "process_mrelease",
      "process_vm_readv",
      "process_vm_writev",
      "ptrace",
    ],
  ),
  "ipc": group(
    "Local inter-process communication: pipes, socket pairs, SysV shared memory, semaphores and " +
      "message queues (i386 ipc multiplexer included), POSIX message queues.",
    [
      "ipc",
      "mq_getsetattr",
      "mq_notify",
      "mq_open",
      "mq_timedreceive",
      "mq_timedreceive_time64",
      "mq_timedsend",
      "mq_timedsend_time64",
      "mq_unlink",
      "msgctl",
      "msgget",
      "msgrcv",
      "msgsnd",
      "pipe",
      "pipe2",
      "semctl",
      "semget",
      "semop",
      "semtimedop",
      "semtimedop_time64",
      "shmat",
      "shmctl",
      "shmdt",
      "shmget",
      "socketpair",
    ],
  ),
  "mem": group(
    "Manage the process's memory: brk, mmap (and i386 mmap2), munmap, mremap, mprotect, " +
      "protection keys, advice, locking, NUMA policy, memfd, sealing mappings (mseal) and shadow " +
      "stacks (map_shadow_stack). A group cannot tell PROT_EXEC " +
      "apart: `spec.memory.writeExecute: deny` enforces W^X with argument rules on these " +
      "(docs/enforcement.md).",
    [
      "brk",
      "get_mempolicy",
      "madvise",
      "map_shadow_stack",
      "mbind",
      "memfd_create",
      "memfd_secret",
      "migrate_pages",
      "mincore",
      "mlock",
      "mlock2",
      "mlockall",
      "mmap",
      "mmap2",
      "move_pages",
      "mprotect",
      "mremap",
      "mseal",
      "munlock",
      "munlockall",
      "munmap",
      "pkey_alloc",
      "pkey_free",
      "pkey_mprotect",
      "remap_file_pages",
      "set_mempolicy",
      "set_mempolicy_home_node",
    ],
  ),
  "time": group(
    "Read clocks, sleep and use timers: clock_gettime, gettimeofday, time, nanosleep, " +
      "clock_nanosleep, interval and POSIX timers, timerfd (with the i386 _time64 variants).",
    [
      "alarm",
      "clock_getres",
      "clock_getres_time64",
      "clock_gettime",
      "clock_gettime64",
      "clock_nanosleep",
      "clock_nanosleep_time64",
      "getitimer",
      "gettimeofday",
      "nanosleep",
      "setitimer",
      "time",
      "timer_create",
      "timer_delete",
      "timer_getoverrun",
      "timer_gettime",
      "timer_gettime64",
      "timer_settime",
      "timer_settime64",
      "timerfd_create",
      "timerfd_gettime",
      "timerfd_gettime64",
      "timerfd_settime",
      "timerfd_settime64",
    ],
  ),
  "time.set": group(
    "Set or adjust the system clocks (needs CAP_SYS_TIME).",
    [
      "adjtimex",
      "clock_adjtime",
      "clock_adjtime64",
      "clock_settime",
      "clock_settime64",
      "settimeofday",
      "stime",
    ],
  ),
  "signal": group(
    "Handle, block, wait for and send signals: rt_sig* and the i386 legacy calls, sigaltstack, " +
      "signalfd, kill/tkill/tgkill, pidfd_send_signal, pause and restart_syscall (which the " +
      "kernel uses to restart interrupted calls).",
    [
      "kill",
      "pause",
      "pidfd_send_signal",
      "restart_syscall",
      "rt_sigaction",
      "rt_sigpending",
      "rt_sigprocmask",
      "rt_sigqueueinfo",
      "rt_sigreturn",
      "rt_sigsuspend",
      "rt_sigtimedwait",
      "rt_sigtimedwait_time64",
      "rt_tgsigqueueinfo",
      "sgetmask",
      "sigaction",
      "sigaltstack",
      "signal",
      "signalfd",
      "signalfd4",
      "sigpending",
      "sigprocmask",
      "sigreturn",
      "sigsuspend",
      "ssetmask",
      "tgkill",
      "tkill",
    ],
  ),
  "sandbox": group(
    "Restrict oneself further: seccomp and Landlock. Harmless to allow: a program can only give " +
      "up rights with these.",
    [
      "landlock_add_rule",
      "landlock_create_ruleset",
      "landlock_restrict_self",
      "seccomp",
    ],
  ),
  "io_uring": group(
    "io_uring: asynchronous I/O whose operations (open, read, write, connect, …) run in the " +
      "kernel without passing through the syscall filter. A restrictive policy must deny " +
      "io_uring_setup, or its other rules can be bypassed.",
    ["io_uring_enter", "io_uring_register", "io_uring_setup"],
  ),
  "bpf": group(
    "Load BPF programs and maps (bpf). With privileges this reaches into the whole kernel.",
    ["bpf"],
  ),
  "module": group(
    "Load and unload kernel modules, and the obsolete module calls.",
    [
      "create_module",
      "delete_module",
      "finit_module",
      "get_kernel_syms",
      "init_module",
      "query_module",
    ],
  ),
  "mount": group(
    "Mount, unmount and move filesystems, in both the classic (mount, umount2) and the new mount " +
      "API (fsopen, fsmount, move_mount, open_tree, open_tree_attr, …) and pivot_root. Reading " +
      "the mount table (statmount, listmount) is fs.metadata.",
    [
      "fsconfig",
      "fsmount",
      "fsopen",
      "fspick",
      "mount",
      "mount_setattr",
      "move_mount",
      "open_tree",
      "open_tree_attr",
      "pivot_root",
      "umount",
      "umount2",
    ],
  ),
  "reboot": group(
    "Reboot, halt or replace the running kernel (reboot, kexec_load, kexec_file_load).",
    ["kexec_file_load", "kexec_load", "reboot"],
  ),
  "keyring": group(
    "The kernel keyring: add_key, request_key, keyctl. Keyrings are not namespaced, so a " +
      "sandboxed program could reach other programs' keys.",
    ["add_key", "keyctl", "request_key"],
  ),
  "privileged": group(
    "Identity and privilege changes (setuid family with i386 32-bit variants, setgroups, capset), " +
      "host identity, hardware and kernel access (iopl, ioperm, vm86, modify_ldt, syslog, " +
      "vhangup, acct), the execution domain (personality: ADDR_NO_RANDOMIZE weakens ASLR), " +
      "userfaultfd (a common exploit helper) and lsm_set_self_attr (a security-module context " +
      "transition of the process itself).",
    [
      "acct",
      "capset",
      "ioperm",
      "iopl",
      "lsm_set_self_attr",
      "modify_ldt",
      "personality",
      "setdomainname",
      "setfsgid",
      "setfsgid32",
      "setfsuid",
      "setfsuid32",
      "setgid",
      "setgid32",
      "setgroups",
      "setgroups32",
      "sethostname",
      "setregid",
      "setregid32",
      "setresgid",
      "setresgid32",
      "setresuid",
      "setresuid32",
      "setreuid",
      "setreuid32",
      "setuid",
      "setuid32",
      "syslog",
      "userfaultfd",
      "vhangup",
      "vm86",
      "vm86old",
    ],
  ),
});

/**
 * Syscalls that deliberately belong to no group, each with the reason. A policy that needs one
 * names it in a rule. The capability-groups test fails when the syscall tables contain a name that
 * is neither grouped nor listed here, so that new kernel syscalls get a decision.
 *
 * @example
 * ```ts
 * import { UNGROUPED_SYSCALLS } from "@cordon/cordon";
 * if (!UNGROUPED_SYSCALLS["afs_syscall"]) throw new Error("afs_syscall should be ungrouped");
 * ```
 */
export const UNGROUPED_SYSCALLS: Readonly<Record<string, string>> = Object.freeze({
  _sysctl: "removed from the kernel (always ENOSYS)",
  afs_syscall: "never implemented",
  break: "i386 placeholder, never implemented",
  epoll_ctl_old: "x86_64 placeholder, never implemented",
  epoll_wait_old: "x86_64 placeholder, never implemented",
  ftime: "i386 placeholder, never implemented",
  getpmsg: "never implemented (STREAMS)",
  gtty: "i386 placeholder, never implemented",
  idle: "i386 placeholder, never implemented",
  lock: "i386 placeholder, never implemented",
  mpx: "i386 placeholder, never implemented",
  prof: "i386 placeholder, never implemented",
  profil: "i386 placeholder, never implemented",
  putpmsg: "never implemented (STREAMS)",
  security: "never implemented",
  stty: "i386 placeholder, never implemented",
  tuxcall: "never implemented",
  ulimit: "i386 placeholder, never implemented",
  uselib: "obsolete a.out shared-library loader (loads executable code; disabled in most kernels)",
  vserver: "never implemented",
});

/**
 * The capability group called `name`, or `undefined` when there is none.
 *
 * @param name A group name such as `"fs.read"`.
 * @returns The group's description and syscall names.
 *
 * @example
 * ```ts
 * import { capabilityGroup } from "@cordon/cordon";
 * if (!capabilityGroup("io_uring")?.syscalls.includes("io_uring_setup")) throw new Error();
 * if (capabilityGroup("no.such.group") !== undefined) throw new Error();
 * ```
 */
export function capabilityGroup(name: string): CapabilityGroup | undefined {
  return Object.hasOwn(CAPABILITY_GROUPS, name) ? CAPABILITY_GROUPS[name] : undefined;
}
