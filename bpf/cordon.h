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
#define CORDON_DECISION_ARGS 0x01 /* argument cases exist: user space evaluates the event's args */
#define CORDON_DECISION_AUDIT 0x02 /* audit mode: reported as `action`, applied as log */

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
	__u64 counts[CORDON_NR_SLOTS];
};
_Static_assert(sizeof(struct cordon_proc) == 56 + 8 * CORDON_NR_SLOTS, "cordon_proc size");

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

/* The only entry of the per-CPU `stats` array (user space sums over CPUs). */
struct cordon_stats {
	__u64 syscalls; /* calls of monitored processes */
	__u64 events; /* records submitted to the ring buffer */
	__u64 lost; /* records that did not fit in the ring buffer */
	__u64 kills; /* bpf_send_signal(SIGKILL) sent */
	__u64 procs_full; /* processes not monitored because `procs` was full */
	__u64 rate_limited; /* calls over a rate limit */
};
_Static_assert(sizeof(struct cordon_stats) == 48, "cordon_stats size");

/* ---- ring-buffer events ----------------------------------------------------------------- */

#define CORDON_EV_SYSCALL 1
#define CORDON_EV_FILE 2
#define CORDON_EV_NET 3
#define CORDON_EV_EXEC 4
#define CORDON_EV_FORK 5
#define CORDON_EV_EXIT 6
#define CORDON_EV_NET_DENY 7
#define CORDON_EV_RATE 8

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

#endif /* CORDON_H */
