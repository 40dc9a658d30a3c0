/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cordon.h: the one header of the structs and constants shared by Cordon's BPF programs
 * (bpf/NAME.bpf.c) and its TypeScript side (bpf/structs.ts mirrors every struct here;
 * bpf/structs_test.ts checks sizes and offsets against the compiled objects' BTF).
 *
 * Only fixed-width fields, explicit padding, and a _Static_assert on every size.
 */
#ifndef CORDON_H
#define CORDON_H

/* The BPF side includes vmlinux.h (which defines __u8 … __u64); a C user side linux/types.h. */
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* ---- syscall slots ---------------------------------------------------------------------- */

/*
 * A syscall is identified in maps by a slot: the native number (x86_64) for 0..511, and
 * 512 + the number for compat (i386, `int 0x80`) calls. Anything else (x32-numbered calls,
 * numbers above 511) uses CORDON_SLOT_UNKNOWN: it is counted in `other` and decided by the
 * policy's decision for unknown numbers.
 */
#define CORDON_NATIVE_SLOTS 512
#define CORDON_NR_SLOTS 1024
#define CORDON_SLOT_UNKNOWN 0xffffffffu

/* Syscall ABI of a call, in events. */
#define CORDON_ABI_NATIVE 0
#define CORDON_ABI_COMPAT 1
#define CORDON_ABI_OTHER 2

#define CORDON_COMM_LEN 16
#define CORDON_PATH_LEN 256

/* ---- actions and decisions -------------------------------------------------------------- */

/* What sys_enter does for a call. Tracepoints run after the decision to make the call, so
 * KILL ends the process only after the call has run; DENY needs the BPF LSM programs. */
#define CORDON_ACT_ALLOW 0
#define CORDON_ACT_LOG 1
#define CORDON_ACT_KILL 2
#define CORDON_ACT_DENY 3

/* cordon_decision.flags */
/*
 * Argument cases exist. sys_enter decides them itself from the `arg_cases` entry of the same key
 * (and this entry is then the decision of the layers without cases), unless CORDON_DECISION_USER
 * is set too.
 */
#define CORDON_DECISION_ARGS 0x01
#define CORDON_DECISION_AUDIT 0x02 /* audit mode: reported as `action`, applied as log */
/*
 * With ARGS: the cases did not fit `arg_cases`, user space decides from the streamed event. A call
 * whose event cannot be reserved on the ring buffer is then killed when the flag KILL_ON_LOSS is
 * set too (some outcome of the cases is an enforced kill): losing the event never loses the kill.
 */
#define CORDON_DECISION_USER 0x04
#define CORDON_DECISION_KILL_ON_LOSS 0x08

/* Key of the `decisions` map: a policy slot (allocated by user space) and a syscall slot. */
struct cordon_decision_key {
	__u32 policy;
	__u32 slot;
};
_Static_assert(sizeof(struct cordon_decision_key) == 8, "cordon_decision_key size");

/* Value of the `decisions` map. `rule` indexes user space's rule table (0 = default action). */
struct cordon_decision {
	__u8 action;
	__u8 flags;
	__u16 errno_value;
	__u32 rule;
};
_Static_assert(sizeof(struct cordon_decision) == 8, "cordon_decision size");

/* Value of the `limits` map (key: policy slot): per-process syscalls per second. */
struct cordon_limit {
	__u64 max_per_second;
	__u8 action; /* CORDON_ACT_LOG or CORDON_ACT_KILL */
	__u8 pad[3];
	__u32 rule;
};
_Static_assert(sizeof(struct cordon_limit) == 16, "cordon_limit size");

/* ---- argument cases decided in the kernel ----------------------------------------------- */

#define CORDON_ARG_MAX_CASES 16 /* cases per (policy, syscall) slot, `otherwise`s included */
#define CORDON_ARG_MAX_TESTS 4 /* tests (ANDed) per case */
#define CORDON_ARG_MAX_GROUPS 8 /* layers per slot (each decides on its own; the strictest wins) */

/* cordon_arg_test.op */
#define CORDON_ARG_EQ 0
#define CORDON_ARG_NE 1
#define CORDON_ARG_LT 2
#define CORDON_ARG_LE 3
#define CORDON_ARG_GT 4
#define CORDON_ARG_GE 5
#define CORDON_ARG_MASKED_EQ 6

/* One test of a case: (arg[index] & mask) OP value, unsigned; `mask` also narrows to the width. */
struct cordon_arg_test {
	__u64 value;
	__u64 mask; /* all ones for a 64-bit comparison; 0xffffffff / 0xffff for narrow types */
	__u8 index; /* 0..5 */
	__u8 op; /* CORDON_ARG_* */
	__u8 pad[6];
};
_Static_assert(sizeof(struct cordon_arg_test) == 24, "cordon_arg_test size");

/*
 * One case: when all `ntests` tests hold, group `group` decides `action`, unless an earlier case of
 * the same group matched. Each group ends with a case of no tests (its layer's `otherwise`, or the
 * decision of the layers without cases), so every group decides; the decision with the highest
 * `rank` wins (rank = 2 * strictness + 1 when enforced, 2 * strictness when audited).
 */
struct cordon_arg_case {
	__u8 group;
	__u8 ntests;
	__u8 action; /* CORDON_ACT_* */
	__u8 flags; /* CORDON_DECISION_AUDIT */
	__u16 errno_value;
	__u16 rank;
	__u32 rule;
	__u32 pad;
	struct cordon_arg_test tests[CORDON_ARG_MAX_TESTS];
};
_Static_assert(sizeof(struct cordon_arg_case) == 16 + 24 * CORDON_ARG_MAX_TESTS, "cordon_arg_case size");

/* Value of the `arg_cases` map (key: struct cordon_decision_key). */
struct cordon_arg_cases {
	__u32 count;
	__u32 pad;
	struct cordon_arg_case cases[CORDON_ARG_MAX_CASES];
};
_Static_assert(sizeof(struct cordon_arg_cases) == 8 + sizeof(struct cordon_arg_case) * CORDON_ARG_MAX_CASES,
	       "cordon_arg_cases size");

/* ---- processes -------------------------------------------------------------------------- */

/* cordon_proc.flags */
#define CORDON_PROC_FOLLOW_FORKS 0x01 /* children inherit the entry (policy and tracking) */
/*
 * Counts restart at the process's next successful execve (the flag is then cleared): set by
 * `cordon run --monitor` on its launcher, so that the target's counts leave out the launcher's
 * own (Deno) calls. The execve call itself is counted before the reset.
 */
#define CORDON_PROC_COUNT_FROM_EXEC 0x02

/*
 * Value of the `procs` map, keyed by tgid. An entry belongs to one process incarnation:
 * `start_ns` is the group leader's task->start_time. User space creates entries with
 * start_ns = 0 and `start_ticks` from /proc/PID/stat (field 22, clock ticks since boot); the
 * kernel side claims such an entry only if the ticks match, so a reused pid never inherits.
 * Entries are deleted when the process exits (after an exit event carrying the counts).
 */
struct cordon_proc {
	__u64 start_ns;
	__u64 start_ticks;
	__u32 policy; /* 0: no policy (monitored only) */
	__u32 flags;
	__u64 total; /* all syscalls */
	__u64 other; /* calls with CORDON_SLOT_UNKNOWN */
	__u64 rate_window_ns; /* start of the current one-second window (rate limits) */
	__u64 rate_count; /* calls in that window */
	/*
	 * The cgroup (id) the process must stay in, 0: none. Set by user space once it has moved the
	 * process into a network cgroup; a move elsewhere (cgroup.procs, or a child created elsewhere
	 * with CLONE_INTO_CGROUP) kills the process (cgroup_attach_task, sched_process_fork).
	 */
	__u64 cgroup_id;
	__u64 counts[CORDON_NR_SLOTS];
};
_Static_assert(sizeof(struct cordon_proc) == 64 + 8 * CORDON_NR_SLOTS, "cordon_proc size");

/*
 * The per-syscall fast path (monitor.bpf.c). `watched` is an array indexed by tgid (user space
 * sizes it to pid_max) whose __u64 value is the generation of that tgid's `procs` entry, 0 when
 * the process is not monitored: the one test an unmonitored task pays. Whoever writes a `procs`
 * entry writes a new generation after it (user space: even numbers from 2, strictly increasing;
 * the kernel: odd ones), so a thread whose `tasks` copy has another generation re-reads `procs`.
 */
#define CORDON_GEN_USER_FIRST 2

/* cordon_task.flags */
#define CORDON_TASK_LIMITED 0x01 /* the policy has a rate limit: sys_enter checks it in `procs` */

/*
 * Value of the `tasks` task storage: one thread of a monitored process, created at its first
 * syscall seen. The thread counts its own calls here without atomics (only the thread itself
 * writes them); at its exit they are added to the process's `procs` entry, and the process's
 * exit event is sent by the last of its threads to leave (see `proc_refs`). A live process's
 * counts are its `procs` entry plus every live thread's entry (user space reads them by pidfd).
 */
struct cordon_task {
	__u64 gen; /* the `watched` generation this copy was read at */
	__u32 policy;
	__u32 flags; /* CORDON_TASK_* */
	__u64 other; /* calls with CORDON_SLOT_UNKNOWN (no total: counts plus other, summed at exit) */
	__u64 counts[CORDON_NR_SLOTS];
};
_Static_assert(sizeof(struct cordon_task) == 24 + 8 * CORDON_NR_SLOTS, "cordon_task size");

/* ---- configuration ---------------------------------------------------------------------- */

/* cordon_config.flags */
#define CORDON_CFG_TRACE_ALL 0x01 /* monitor every process (except self_tgid), not only `procs` */
#define CORDON_CFG_FILE_EVENTS 0x02 /* open/openat/openat2/creat with path and result */
#define CORDON_CFG_NET_EVENTS 0x04 /* connect/bind/accept/sendto/sendmsg: address, protocol, result */
#define CORDON_CFG_PROC_EVENTS 0x08 /* exec and fork events (exit events are always sent) */
#define CORDON_CFG_LSM_ENFORCE 0x10 /* DENY decisions are enforced by the LSM programs */

/* The only entry of the `config` array. Changed at run time by user space. */
struct cordon_config {
	__u32 flags;
	__u32 self_tgid; /* never monitored: the process reading the events */
	__u64 syscall_events[CORDON_NR_SLOTS / 64]; /* bitmap of slots whose calls are streamed */
};
_Static_assert(sizeof(struct cordon_config) == 8 + CORDON_NR_SLOTS / 8, "cordon_config size");

/*
 * monitor.bpf.c's .bss, read by sys_enter/sys_exit before any map: written whole by user space
 * (bpf_map_update_elem of the section) when the configuration changes.
 */
struct cordon_fast_config {
	__u32 trace_all; /* CORDON_CFG_TRACE_ALL: unwatched tasks take the slow path */
	__u32 lsm_enforce; /* CORDON_CFG_LSM_ENFORCE: sys_exit ends the thread's pending deny */
	/*
	 * Bitmap of the slots whose calls need more than counting in a process without a policy: the
	 * streamed ones (cordon_config.syscall_events) and, while file or network events are on, the
	 * file or network calls. Any other call of such a process is counted and nothing else.
	 */
	__u64 more_slots[CORDON_NR_SLOTS / 64];
};
_Static_assert(sizeof(struct cordon_fast_config) == 8 + CORDON_NR_SLOTS / 8,
	       "cordon_fast_config size");

/* The only entry of the per-CPU `stats` array (user space sums over CPUs). */
struct cordon_stats {
	__u64 syscalls; /* calls of monitored threads, added at each thread's exit (live: in `tasks`) */
	__u64 events; /* records submitted to the ring buffer */
	__u64 lost; /* records that did not fit in the ring buffer */
	__u64 kills; /* bpf_send_signal(SIGKILL) sent */
	__u64 procs_full; /* processes not monitored because `procs` was full */
	__u64 rate_limited; /* calls over a rate limit */
	__u64 procs_full_killed; /* processes killed because `procs` was full and they had a policy */
	__u64 loss_killed; /* calls killed because user space had to decide and the event was lost */
	__u64 cgroup_escapes; /* processes killed for leaving their cgroup */
};
_Static_assert(sizeof(struct cordon_stats) == 72, "cordon_stats size");

/* ---- ring-buffer events ----------------------------------------------------------------- */

#define CORDON_EV_SYSCALL 1
#define CORDON_EV_FILE 2
#define CORDON_EV_NET 3
#define CORDON_EV_EXEC 4
#define CORDON_EV_FORK 5
#define CORDON_EV_EXIT 6
#define CORDON_EV_NET_DENY 7
#define CORDON_EV_RATE 8
#define CORDON_EV_ENFORCE 9
#define CORDON_EV_VIEW_DENY 10

/* cordon_syscall_event.reason */
#define CORDON_REASON_SUBSCRIBED 0x01
#define CORDON_REASON_DECISION 0x02

/* Leads every event. `ts_ns` is bpf_ktime_get_ns() (CLOCK_MONOTONIC). */
struct cordon_event_header {
	__u64 ts_ns;
	__u32 kind;
	__u32 tgid;
	__u32 tid;
	__u32 policy;
	char comm[CORDON_COMM_LEN];
};
_Static_assert(sizeof(struct cordon_event_header) == 40, "cordon_event_header size");

/* CORDON_EV_SYSCALL: a streamed call, or one a decision logged/killed. */
struct cordon_syscall_event {
	struct cordon_event_header hdr;
	__u32 nr;
	__u8 abi;
	__u8 action;
	__u8 flags; /* cordon_decision.flags */
	__u8 reason; /* CORDON_REASON_* */
	__u32 rule;
	__u16 errno_value;
	__u16 pad;
	__u64 args[6];
};
_Static_assert(sizeof(struct cordon_syscall_event) == 104, "cordon_syscall_event size");

/* CORDON_EV_FILE: an open-like call with its path (as read from the caller's memory) and result. */
struct cordon_file_event {
	struct cordon_event_header hdr;
	__u32 nr;
	__u8 abi;
	__u8 pad[3];
	__s64 ret;
	__s32 dfd;
	__u32 flags;
	__u32 mode;
	__u32 path_len; /* bytes read, including the NUL; 0 if unreadable */
	char path[CORDON_PATH_LEN];
};
_Static_assert(sizeof(struct cordon_file_event) == 328, "cordon_file_event size");

/*
 * CORDON_EV_NET and CORDON_EV_NET_DENY: a socket address operation. NET: connect, bind,
 * accept/accept4, and sendto/sendmsg with a destination (a send without one is not reported).
 */
struct cordon_net_event {
	struct cordon_event_header hdr;
	__u32 nr; /* the syscall, or for NET_DENY the CORDON_NET_OP_* */
	__u8 abi;
	/*
	 * The socket's IPPROTO_*: 6 TCP (also MPTCP), 17 UDP, 255 (IPPROTO_RAW) any SOCK_RAW
	 * socket, other values below 256 as they are; 0 when not an AF_INET/AF_INET6 socket or
	 * unknown. NET: resolved from `fd` in the kernel at sys_enter; NET_DENY: the hook's.
	 */
	__u8 protocol;
	__u16 family; /* AF_INET, AF_INET6, AF_UNIX, … */
	__s64 ret;
	__u32 fd;
	__u16 port; /* host byte order */
	__u16 pad;
	__u8 addr[16]; /* IPv4 in the first 4 bytes; IPv6 all 16 */
};
_Static_assert(sizeof(struct cordon_net_event) == 80, "cordon_net_event size");

/* CORDON_EV_EXEC: after a successful execve; `hdr.comm` is the new comm. */
struct cordon_exec_event {
	struct cordon_event_header hdr;
	__u32 old_tid;
	__u32 ppid;
	__u32 uid;
	__u32 filename_len;
	char filename[CORDON_PATH_LEN];
};
_Static_assert(sizeof(struct cordon_exec_event) == 312, "cordon_exec_event size");

/* CORDON_EV_FORK: a new process (not a thread) of a monitored one. `hdr.tgid` is the parent. */
struct cordon_fork_event {
	struct cordon_event_header hdr;
	__u32 child_tgid;
	__u32 pad;
	__u64 child_start_ns;
};
_Static_assert(sizeof(struct cordon_fork_event) == 56, "cordon_fork_event size");

/* CORDON_EV_EXIT: the last thread of a monitored process exited; its counts, then the entry is deleted. */
struct cordon_exit_event {
	struct cordon_event_header hdr;
	__s32 exit_code; /* as in wait(2): (status << 8) | signal */
	__u32 pad;
	__u64 start_ns;
	__u64 total;
	__u64 other;
	__u64 counts[CORDON_NR_SLOTS];
};
_Static_assert(sizeof(struct cordon_exit_event) == 72 + 8 * CORDON_NR_SLOTS, "cordon_exit_event size");

/* CORDON_EV_RATE: a process went over its policy's syscalls-per-second limit. */
struct cordon_rate_event {
	struct cordon_event_header hdr;
	__u64 max_per_second;
	__u64 count;
	__u8 action;
	__u8 pad[3];
	__u32 rule;
};
_Static_assert(sizeof(struct cordon_rate_event) == 64, "cordon_rate_event size");

/* cordon_enforce_event.reason */
#define CORDON_ENFORCE_PROCS_FULL 1 /* a process with a policy got no `procs` entry: killed */
#define CORDON_ENFORCE_LOSS 2 /* a decision could not be delivered (event lost, LSM deny table full): killed */
#define CORDON_ENFORCE_CGROUP 3 /* a process left (or was created outside) its cgroup: killed */

/*
 * CORDON_EV_ENFORCE: the kernel side killed a process on its own, for `reason`. `hdr` is the
 * process that acted (the forker, the caller, the writer of cgroup.procs); `target_tgid` the
 * process killed; `nr` the syscall slot (LOSS) or 0; `cgroup_id` the destination (CGROUP).
 */
struct cordon_enforce_event {
	struct cordon_event_header hdr;
	__u32 reason;
	__u32 target_tgid;
	__u32 nr;
	__u32 writer_killed; /* CGROUP: 1 when the writer (a confined process) was killed too */
	__u64 cgroup_id;
};
_Static_assert(sizeof(struct cordon_enforce_event) == 64, "cordon_enforce_event size");

/* ---- cgroup network rules (cgroup_net.bpf.c) -------------------------------------------- */

#define CORDON_NET_OP_CONNECT4 1
#define CORDON_NET_OP_CONNECT6 2
#define CORDON_NET_OP_BIND4 3
#define CORDON_NET_OP_BIND6 4
#define CORDON_NET_OP_SENDMSG4 5
#define CORDON_NET_OP_SENDMSG6 6

/* cordon_net_rule.ops */
#define CORDON_NET_CONNECT 0x01 /* connect() and unconnected sendmsg()/sendto() destinations */
#define CORDON_NET_BIND 0x02

/* Rules per bank; the `net_rules` array holds two banks (double-buffered updates). */
#define CORDON_NET_RULES_PER_BANK 128

/*
 * One allowed (protocol, address/prefix, port range). Addresses are IPv6; an IPv4 rule is
 * stored IPv4-mapped (::ffff:a.b.c.d) with prefix 96 + its length, and IPv4 calls are matched
 * in that form, so that IPv4 reaching connect6 as ::ffff:a.b.c.d is held to the same rules.
 */
struct cordon_net_rule {
	__u8 addr[16];
	__u16 port_lo;
	__u16 port_hi;
	__u8 prefix_len; /* 0: any address */
	__u8 protocol; /* 0: any, 6: TCP, 17: UDP */
	__u8 ops; /* CORDON_NET_CONNECT | CORDON_NET_BIND */
	__u8 pad;
};
_Static_assert(sizeof(struct cordon_net_rule) == 24, "cordon_net_rule size");

/* cordon_net_bank.flags */
#define CORDON_NET_ENFORCE_CONNECT 0x01 /* connect/sendmsg outside the rules are denied */
#define CORDON_NET_ENFORCE_BIND 0x02 /* bind outside the rules is denied */
#define CORDON_NET_AUDIT 0x04 /* report denials, do not apply them */

/* `net_banks` array entries (2). `net_active` (array of one __u32) selects the bank in force. */
struct cordon_net_bank {
	__u32 count;
	__u32 flags;
};
_Static_assert(sizeof(struct cordon_net_bank) == 8, "cordon_net_bank size");

/* ---- LSM (lsm.bpf.c) -------------------------------------------------------------------- */

/* Value of `lsm_pending` (key: tid): sys_enter decided DENY for the call in progress. */
struct cordon_pending_deny {
	__u32 slot;
	__u16 errno_value;
	__u16 pad;
};
_Static_assert(sizeof(struct cordon_pending_deny) == 8, "cordon_pending_deny size");

/* ---- cgroup guard (cgroup_guard.bpf.c): devices, socket kinds, IP options, autobind, Unix -- */

/* cordon_guard_config.flags */
#define CORDON_GUARD_SOCK_KINDS 0x01 /* AF_INET/AF_INET6 sockets only of `sock_kinds` */
#define CORDON_GUARD_NO_IP_OPTIONS 0x02 /* drop IPv4 options / IPv6 routing headers; refuse their setsockopt */
#define CORDON_GUARD_DENY_AUTOBIND4 0x04 /* listen() on an unbound IPv4 TCP socket kills the process */
#define CORDON_GUARD_DENY_AUTOBIND6 0x08 /* the same for IPv6 sockets */
#define CORDON_GUARD_UNIX 0x10 /* Unix connect/sendmsg only to `guard_unix` names */
#define CORDON_GUARD_DEVICES 0x20 /* device nodes only of `guard_devices` */
#define CORDON_GUARD_AUDIT 0x40 /* count denials, do not apply them */

/* cordon_guard_config.sock_kinds */
#define CORDON_SOCK_TCP 0x01 /* SOCK_STREAM + IPPROTO_TCP */
#define CORDON_SOCK_UDP 0x02 /* SOCK_DGRAM + IPPROTO_UDP */

#define CORDON_GUARD_MAX_DEVICES 64
#define CORDON_GUARD_MAX_UNIX 64
#define CORDON_UNIX_NAME_LEN 108 /* sizeof(sockaddr_un.sun_path) */

/* The only entry of `guard_config`. */
struct cordon_guard_config {
	__u32 flags;
	__u32 sock_kinds;
	__u32 devices; /* entries used in `guard_devices` */
	__u32 unix_rules; /* entries used in `guard_unix` */
};
_Static_assert(sizeof(struct cordon_guard_config) == 16, "cordon_guard_config size");

#define CORDON_DEVICE_ANY_MINOR 0xffffffffu

/* One allowed device (or any minor of a major): `type` BPF_DEVCG_DEV_BLOCK (1) or CHAR (2). */
struct cordon_device_rule {
	__u32 major;
	__u32 minor; /* CORDON_DEVICE_ANY_MINOR: any */
	__u16 type;
	__u16 access; /* BPF_DEVCG_ACC_MKNOD (1) | READ (2) | WRITE (4) */
	__u32 pad;
};
_Static_assert(sizeof(struct cordon_device_rule) == 16, "cordon_device_rule size");

/* cordon_unix_rule.kind */
#define CORDON_UNIX_PATH 1 /* the path exactly */
#define CORDON_UNIX_PATH_BENEATH 2 /* `name` is a directory with its trailing slash: paths beneath it */
#define CORDON_UNIX_ABSTRACT 3 /* an abstract name (without the leading NUL) exactly */

/* One Unix socket name a connect/sendmsg may use. */
struct cordon_unix_rule {
	__u8 kind;
	__u8 pad;
	__u16 len; /* bytes of `name` */
	__u8 name[CORDON_UNIX_NAME_LEN];
};
_Static_assert(sizeof(struct cordon_unix_rule) == 112, "cordon_unix_rule size");

/*
 * CORDON_EV_VIEW_DENY (view_denials.bpf.c): a call of `cordon run`'s command that the read-only
 * view refused (EROFS, or EXDEV across its mounts), with the call's arguments and up to two of
 * its path arguments as read from the caller's memory when the call returned.
 */
struct cordon_view_event {
	struct cordon_event_header hdr;
	__u32 nr;
	__u8 abi; /* CORDON_ABI_* */
	__u8 pad[3];
	__s64 ret;
	__u64 args[6];
	__u32 path_len[2]; /* bytes read, including the NUL; 0: no such argument, or unreadable */
	char paths[2][CORDON_PATH_LEN];
};
_Static_assert(sizeof(struct cordon_view_event) == 112 + 2 * CORDON_PATH_LEN, "cordon_view_event size");

/* cordon_view_args.path: no such argument. */
#define CORDON_VIEW_NO_ARG 0xff
/* view_path_args key bit of an i386 (compat) call: nr | CORDON_VIEW_COMPAT. */
#define CORDON_VIEW_COMPAT 0x80000000u

/* Value of view_path_args: which arguments of a syscall are paths (argument indexes). */
struct cordon_view_args {
	__u8 path[2]; /* CORDON_VIEW_NO_ARG: none */
	__u8 pad[2];
};
_Static_assert(sizeof(struct cordon_view_args) == 4, "cordon_view_args size");

#endif /* CORDON_H */
