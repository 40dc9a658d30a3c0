// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * monitor.bpf.c: Cordon's syscall monitor.
 *
 *  - tp_btf/sys_enter: per-process syscall counts by slot (counted per thread, in task storage,
 *    without atomics; a task that is not monitored is told by one array load indexed by its tgid),
 *    the policy's decision for the call
 *    (log, kill with bpf_send_signal(SIGKILL) — the call has already been made when a tracepoint
 *    runs, so this ends the process after it — or DENY through the LSM programs of lsm.bpf.c),
 *    per-process rate limits, and ring-buffer events only for what user space subscribed to.
 *  - File (open*) and network (connect/bind/accept/sendto/sendmsg) events are completed with the
 *    call's result after it returns, and no other call pays for it: for x86_64 calls by the
 *    per-syscall exit tracepoints (tracepoint/syscalls/sys_exit_openat, …; the kernel runs them
 *    only for their own syscall, and user space attaches the file or network ones only while
 *    those events are on), for i386 calls (compat: the per-syscall tracepoints never fire for
 *    them) by a BPF task work scheduled at sys_enter, which runs in the caller's context before
 *    it returns to user space and before any signal or restart handling touches its registers.
 *    A network event carries the protocol of the socket the call used, resolved from its fd at
 *    sys_enter.
 *  - tp_btf/sys_exit (attached by user space only while LSM denies need it; counting and events
 *    never pay for it): clears a pending LSM deny.
 *  - tp_btf/sched_process_fork/exec/exit: lifecycle; children of followed processes inherit
 *    their entry, and the entry of an exited process is removed after an exit event with its
 *    counts (sent by the last of its threads to fold its counts in), so a reused pid can never
 *    inherit it. comm and cgroup targets are decided here (exec, fork, cgroup moves), never per
 *    syscall.
 *  - tp_btf/cgroup_attach_task: a process that must stay in its (network) cgroup and is moved
 *    out of it is killed.
 *
 * Enforcement never depends on delivery: argument conditions are decided here (`arg_cases`);
 * when user space must decide (cases too large for the table) and the event cannot be
 * reserved, the call's process is killed; a process with a policy that cannot get a `procs`
 * entry (table full) is killed. Each such kill is counted and reported (CORDON_EV_ENFORCE).
 *
 * Events are submitted with BPF_RB_NO_WAKEUP while the ring buffer is less than a quarter
 * full (user space polls it about every millisecond), and with a forced wakeup beyond.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "cordon.h"
#include "call_args.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define SIGKILL 9
#define TS_COMPAT 0x0002 /* x86: thread_info.status while in a compat (i386) syscall */
#define X32_SYSCALL_BIT 0x40000000
#define NSEC_PER_USER_TICK 10000000ULL /* /proc/PID/stat start time unit: 1/USER_HZ (100) s */

/* x86_64 and i386 numbers of the calls whose arguments are decoded. */
#define NR_OPEN 2
#define NR_CREAT 85
#define NR_OPENAT 257
#define NR_OPENAT2 437
#define NR_CONNECT 42
#define NR_ACCEPT 43
#define NR_BIND 49
#define NR_ACCEPT4 288
#define NR_SENDTO 44
#define NR_SENDMSG 46
#define NR32_OPEN 5
#define NR32_CREAT 8
#define NR32_OPENAT 295
#define NR32_OPENAT2 437
#define NR32_BIND 361
#define NR32_CONNECT 362
#define NR32_ACCEPT4 364
#define NR32_SENDTO 369
#define NR32_SENDMSG 370

#define AF_INET 2
#define AF_INET6 10

#define S_IFMT 00170000
#define S_IFSOCK 0140000

/* Since Linux 6.13: signals a task other than the current one (tp_btf task arguments are trusted). */
extern int bpf_send_signal_task(struct task_struct *task, int sig, enum pid_type type,
				__u64 value) __ksym;

/* Ring-buffer size; user space may change it before load (a power of two, >= page size). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct cordon_proc);
} procs SEC(".maps");

/* By tgid: the generation of its `procs` entry, 0 when not monitored (see cordon.h). User space
 * sizes it to pid_max before load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 32768);
	__type(key, __u32);
	__type(value, __u64);
} watched SEC(".maps");

/* Per thread of a monitored process: its own counts and a copy of the policy (cordon.h). */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct cordon_task);
} tasks SEC(".maps");

/*
 * By tgid: the threads holding a `tasks` entry, plus REFS_DEAD once the thread group is dead.
 * The exit event is sent by whoever brings it to exactly REFS_DEAD: every thread's counts are in.
 */
#define REFS_DEAD (1ULL << 32)
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u64);
} proc_refs SEC(".maps");

/* Read before any map lookup (cordon.h); user space writes the section. */
struct cordon_fast_config fast_cfg SEC(".bss");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, struct cordon_decision_key);
	__type(value, struct cordon_decision);
} decisions SEC(".maps");

/* Argument cases of the decisions flagged CORDON_DECISION_ARGS (and not USER), same key. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 4096);
	__type(key, struct cordon_decision_key);
	__type(value, struct cordon_arg_cases);
} arg_cases SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct cordon_limit);
} limits SEC(".maps");

/* New processes whose comm (after exec) is a key get the value's policy. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, char[CORDON_COMM_LEN]);
	__type(value, __u32);
} comm_targets SEC(".maps");

/* Processes in a cgroup whose id is a key get the value's policy. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u64);
	__type(value, __u32);
} cgroup_targets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cordon_config);
} cordon_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cordon_stats);
} stats SEC(".maps");

/* What sys_exit reads from `inflight.uptr` for a network call. */
enum net_read {
	NET_READ_NONE,
	NET_READ_ADDR, /* a sockaddr: accept's (written by the call), or one unreadable at entry */
	NET_READ_MSGHDR, /* sendmsg's msghdr, unreadable at entry: the event needs its msg_name */
};

/* A file or network call between sys_enter and sys_exit, by thread id. */
struct inflight {
	__u32 kind;
	__u32 net_read; /* enum net_read */
	__u64 uptr; /* the user pointer to read (again) at exit: the path, or see net_read */
	union {
		struct cordon_file_event file;
		struct cordon_net_event net;
	};
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct inflight);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct inflight);
} scratch SEC(".maps");

/* By thread id: the task work that completes the thread's i386 file or network call (an entry
 * is reused for the thread's next such call, and removed when the thread exits). */
struct compat_exit {
	struct bpf_task_work work;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct compat_exit);
} compat_exits SEC(".maps");

/*
 * Whether i386 results come from task work (1) or from the raw `sys_exit` (0). Set by user space
 * before load: some builds of Linux 6.18 accept this kfunc only in sleepable programs, and with 0
 * the verifier never sees the call (a branch on a frozen constant).
 */
const volatile __u32 compat_by_task_work SEC(".rodata.compat") = 1;

/* Since Linux 6.18: runs `callback` in `task`'s context when it next returns to user space. */
extern int bpf_task_work_schedule_resume_impl(struct task_struct *task, struct bpf_task_work *tw,
					      void *map__map, bpf_task_work_callback_t callback,
					      void *aux__prog) __ksym;

/* Shared with lsm.bpf.c (user space passes this map's fd to it). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct cordon_pending_deny);
} lsm_pending SEC(".maps");

/*
 * Unused at run time: puts every event struct into this object's BTF, against which
 * bpf/structs_test.ts checks the TypeScript mirror of cordon.h.
 */
struct cordon_btf_anchor {
	__u32 unused;
	struct cordon_syscall_event syscall[0];
	struct cordon_file_event file[0];
	struct cordon_net_event net[0];
	struct cordon_exec_event exec[0];
	struct cordon_fork_event fork[0];
	struct cordon_exit_event exit[0];
	struct cordon_rate_event rate[0];
	struct cordon_enforce_event enforce[0];
	struct cordon_arg_cases arg_cases[0];
	struct cordon_net_rule net_rule[0];
	struct cordon_net_bank net_bank[0];
	struct cordon_task task[0];
	struct cordon_fast_config fast[0];
};
const volatile struct cordon_btf_anchor cordon_btf_anchor = {};

/* The template a new `procs` entry is copied from. */
static const struct cordon_proc zero_proc;

static __always_inline struct cordon_stats *stats_entry(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&stats, &zero);
}

static __always_inline __u64 wakeup_flags(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > (4 << 20) ? BPF_RB_FORCE_WAKEUP
									   : BPF_RB_NO_WAKEUP;
}

static __always_inline void count_lost(void)
{
	struct cordon_stats *s = stats_entry();
	if (s)
		__sync_fetch_and_add(&s->lost, 1);
}

static __always_inline void count_event(void)
{
	struct cordon_stats *s = stats_entry();
	if (s)
		__sync_fetch_and_add(&s->events, 1);
}

static __always_inline void fill_header(struct cordon_event_header *h, __u32 kind, __u64 pid_tgid,
					__u32 policy)
{
	h->ts_ns = bpf_ktime_get_ns();
	h->kind = kind;
	h->tgid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
	h->policy = policy;
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/* Counts a kill the kernel side made on its own and reports it (the report may be lost: counted). */
static __always_inline void report_enforce(__u32 reason, __u32 policy, __u32 target_tgid, __u32 nr,
					   __u64 cgroup_id, __u32 writer_killed)
{
	struct cordon_stats *s = stats_entry();
	if (s) {
		__sync_fetch_and_add(&s->kills, 1 + writer_killed);
		if (reason == CORDON_ENFORCE_PROCS_FULL)
			__sync_fetch_and_add(&s->procs_full_killed, 1);
		else if (reason == CORDON_ENFORCE_LOSS)
			__sync_fetch_and_add(&s->loss_killed, 1);
		else
			__sync_fetch_and_add(&s->cgroup_escapes, 1);
	}
	struct cordon_enforce_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return;
	}
	fill_header(&e->hdr, CORDON_EV_ENFORCE, bpf_get_current_pid_tgid(), policy);
	e->reason = reason;
	e->target_tgid = target_tgid;
	e->nr = nr;
	e->writer_killed = writer_killed;
	e->cgroup_id = cgroup_id;
	count_event();
	/* Woken at once: a kill is worth reporting without the poll interval's delay. */
	bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
}

/* A process with a policy and no `procs` entry would go unenforced: it is killed instead. */
static __always_inline void procs_full(__u32 policy, __u32 target_tgid)
{
	struct cordon_stats *s = stats_entry();
	if (s)
		__sync_fetch_and_add(&s->procs_full, 1);
	if (policy)
		report_enforce(CORDON_ENFORCE_PROCS_FULL, policy, target_tgid, 0, 0, 0);
}

/* A generation written by the kernel side: odd (user space's are even), increasing per tgid. */
static __always_inline __u64 kernel_gen(void)
{
	return bpf_ktime_get_ns() | 1;
}

/* Marks `tgid` monitored at a new generation, after its `procs` entry was written; false when
 * the tgid is beyond `watched` (a pid above the pid_max it was sized for). */
static __always_inline bool set_watched(__u32 tgid)
{
	__u64 gen = kernel_gen();
	return bpf_map_update_elem(&watched, &tgid, &gen, BPF_ANY) == 0;
}

/* Marks `tgid` not monitored, unless user space has written a newer generation meanwhile. */
static __always_inline void clear_watched(__u32 tgid, __u64 gen)
{
	__u64 *w = bpf_map_lookup_elem(&watched, &tgid);
	if (w && gen)
		__sync_val_compare_and_swap(w, gen, 0);
}

/* The calling process's entry, created when every process is monitored. */
static __always_inline struct cordon_proc *current_proc(struct task_struct *task, __u32 tgid,
							 struct cordon_config *cfg)
{
	struct task_struct *leader = task->group_leader;
	__u64 start = leader->start_time;
	struct cordon_proc *p = bpf_map_lookup_elem(&procs, &tgid);
	if (p) {
		if (p->start_ns == start)
			return p;
		if (p->start_ns == 0) {
			__u64 ticks = leader->start_boottime / NSEC_PER_USER_TICK;
			if (p->start_ticks == 0 || p->start_ticks == ticks) {
				p->start_ns = start;
				return p;
			}
		}
		/* A previous process with this pid: its entry must not be inherited. */
		bpf_map_delete_elem(&procs, &tgid);
	}
	__u32 policy = 0;
	if (!(cfg->flags & CORDON_CFG_TRACE_ALL))
		return 0;
	if (bpf_map_update_elem(&procs, &tgid, &zero_proc, BPF_NOEXIST) != 0) {
		p = bpf_map_lookup_elem(&procs, &tgid);
		if (p)
			return p; /* another thread created it */
		if (policy)
			bpf_send_signal(SIGKILL);
		procs_full(policy, tgid);
		return 0;
	}
	p = bpf_map_lookup_elem(&procs, &tgid);
	if (!p)
		return 0;
	p->start_ns = start;
	p->start_ticks = leader->start_boottime / NSEC_PER_USER_TICK;
	p->policy = policy;
	p->flags = CORDON_PROC_FOLLOW_FORKS;
	set_watched(tgid);
	return p;
}

/*
 * The calling thread's `tasks` entry when it has none or an outdated copy (generation `gen`):
 * checks the process's `procs` entry (start time: never a previous process's), creates or
 * refreshes the thread's copy of its policy, and counts the thread in `proc_refs`. Counts are
 * kept across a refresh. A thread of a process with a policy that cannot get an entry is killed.
 */
static __noinline struct cordon_task *task_slow(struct task_struct *task, __u32 tgid, __u64 gen)
{
	__u32 zero = 0;
	struct cordon_config *cfg = bpf_map_lookup_elem(&cordon_cfg, &zero);
	if (!cfg || !task)
		return 0;
	if (tgid == cfg->self_tgid || tgid == 0)
		return 0;
	struct cordon_proc *p = current_proc(task, tgid, cfg);
	if (!p) {
		clear_watched(tgid, gen); /* an entry of a previous process, or none */
		return 0;
	}
	__u64 *w = bpf_map_lookup_elem(&watched, &tgid);
	if (!w)
		return 0;
	__u64 now_gen = *w;
	struct cordon_task *t = bpf_task_storage_get(&tasks, task, 0, 0);
	if (!t) {
		t = bpf_task_storage_get(&tasks, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!t) {
			if (p->policy)
				bpf_send_signal(SIGKILL);
			procs_full(p->policy, tgid);
			return 0;
		}
		__u64 one = 1;
		if (bpf_map_update_elem(&proc_refs, &tgid, &one, BPF_NOEXIST) != 0) {
			__u64 *refs = bpf_map_lookup_elem(&proc_refs, &tgid);
			if (refs)
				__sync_fetch_and_add(refs, 1);
		}
	}
	t->gen = now_gen;
	t->policy = p->policy;
	__u32 policy = p->policy;
	t->flags = policy && bpf_map_lookup_elem(&limits, &policy) ? CORDON_TASK_LIMITED : 0;
	return t;
}

/* Whether `slot` is set in a bitmap of CORDON_NR_SLOTS bits (syscall_events, more_slots). */
static __always_inline bool slot_set(const __u64 *bitmap, __u32 slot)
{
	if (slot >= CORDON_NR_SLOTS)
		return false;
	__u32 word = slot >> 6;
	barrier_var(word); /* keep the bound check on the register the verifier sees */
	word &= CORDON_NR_SLOTS / 64 - 1;
	return (bitmap[word] >> (slot & 63)) & 1;
}

static __always_inline bool emit_syscall(struct pt_regs *regs, __u64 pid_tgid, __u32 policy,
					 __u32 nr, __u8 abi, struct cordon_decision *d, __u8 reason)
{
	struct cordon_syscall_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return false;
	}
	fill_header(&e->hdr, CORDON_EV_SYSCALL, pid_tgid, policy);
	e->nr = nr;
	e->abi = abi;
	e->action = d ? d->action : CORDON_ACT_ALLOW;
	e->flags = d ? d->flags : 0;
	e->reason = reason;
	e->rule = d ? d->rule : 0;
	e->errno_value = d ? d->errno_value : 0;
	e->pad = 0;
	cordon_call_args(regs, abi, e->args);
	count_event();
	bpf_ringbuf_submit(e, wakeup_flags());
	return true;
}

static __always_inline bool arg_test_holds(const struct cordon_arg_test *t, const __u64 *args)
{
	__u32 index = t->index;
	if (index >= 6)
		return false;
	__u64 arg = args[index] & t->mask;
	__u64 value = t->value;
	switch (t->op) {
	case CORDON_ARG_EQ:
	case CORDON_ARG_MASKED_EQ:
		return arg == value;
	case CORDON_ARG_NE:
		return arg != value;
	case CORDON_ARG_LT:
		return arg < value;
	case CORDON_ARG_LE:
		return arg <= value;
	case CORDON_ARG_GT:
		return arg > value;
	case CORDON_ARG_GE:
		return arg >= value;
	}
	return false;
}

/*
 * Decides a call from its argument cases: per group the first case whose tests all hold, and
 * across groups the decision of highest rank (see struct cordon_arg_case). False when no case
 * decided (a table without the closing cases: the caller keeps its decision).
 */
static __always_inline bool decide_args(const struct cordon_arg_cases *t, const __u64 *args,
					struct cordon_decision *out)
{
	__u32 decided = 0; /* bitmap of groups */
	__s32 best = -1;
	__u32 count = t->count;
	for (__u32 c = 0; c < CORDON_ARG_MAX_CASES; c++) {
		if (c >= count)
			break;
		const struct cordon_arg_case *k = &t->cases[c];
		__u32 group = 1u << (k->group & (CORDON_ARG_MAX_GROUPS - 1));
		if (decided & group)
			continue;
		bool holds = true;
		__u32 ntests = k->ntests;
		for (__u32 i = 0; i < CORDON_ARG_MAX_TESTS; i++) {
			if (i >= ntests)
				break;
			if (!arg_test_holds(&k->tests[i], args)) {
				holds = false;
				break;
			}
		}
		if (!holds)
			continue;
		decided |= group;
		if ((__s32)k->rank > best) {
			best = k->rank;
			out->action = k->action;
			out->flags = CORDON_DECISION_ARGS | (k->flags & CORDON_DECISION_AUDIT);
			out->errno_value = k->errno_value;
			out->rule = k->rule;
		}
	}
	return best >= 0;
}

static __always_inline void check_rate(struct cordon_proc *p, __u64 pid_tgid)
{
	__u32 policy = p->policy;
	struct cordon_limit *limit = bpf_map_lookup_elem(&limits, &policy);
	if (!limit)
		return;
	__u64 now = bpf_ktime_get_ns();
	if (now - p->rate_window_ns >= 1000000000ULL) {
		p->rate_window_ns = now;
		p->rate_count = 0;
	}
	__u64 count = __sync_fetch_and_add(&p->rate_count, 1) + 1;
	if (count <= limit->max_per_second)
		return;
	struct cordon_stats *s = stats_entry();
	if (s)
		__sync_fetch_and_add(&s->rate_limited, 1);
	if (limit->action == CORDON_ACT_KILL) {
		bpf_send_signal(SIGKILL);
		if (s)
			__sync_fetch_and_add(&s->kills, 1);
	}
	if (count != limit->max_per_second + 1)
		return; /* one event per window */
	struct cordon_rate_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return;
	}
	fill_header(&e->hdr, CORDON_EV_RATE, pid_tgid, policy);
	e->max_per_second = limit->max_per_second;
	e->count = count;
	e->action = limit->action;
	e->pad[0] = e->pad[1] = e->pad[2] = 0;
	e->rule = limit->rule;
	count_event();
	bpf_ringbuf_submit(e, wakeup_flags());
}

/* Reads a sockaddr from user memory into a network event; false if it was unreadable. */
static __always_inline bool read_sockaddr(struct cordon_net_event *e, const void *uaddr)
{
	__u16 family = 0;
	if (!uaddr || bpf_probe_read_user(&family, sizeof(family), uaddr) != 0)
		return false;
	e->family = family;
	if (family == AF_INET) {
		struct sockaddr_in sin = {};
		if (bpf_probe_read_user(&sin, sizeof(sin), uaddr) == 0) {
			e->port = bpf_ntohs(sin.sin_port);
			__builtin_memcpy(e->addr, &sin.sin_addr.s_addr, 4);
		}
	} else if (family == AF_INET6) {
		struct sockaddr_in6 sin6 = {};
		if (bpf_probe_read_user(&sin6, sizeof(sin6), uaddr) == 0) {
			e->port = bpf_ntohs(sin6.sin6_port);
			__builtin_memcpy(e->addr, &sin6.sin6_addr, 16);
		}
	}
	return true;
}

/* The msg_name pointer of the (native or compat) msghdr at `msg`; false if unreadable. */
static __always_inline bool read_msg_name(const void *msg, __u8 abi, __u64 *name)
{
	if (abi == CORDON_ABI_COMPAT) {
		__u32 name32 = 0; /* struct compat_msghdr: compat_uptr_t msg_name first */
		if (bpf_probe_read_user(&name32, sizeof(name32), msg) != 0)
			return false;
		*name = name32;
		return true;
	}
	return bpf_probe_read_user(name, sizeof(*name), msg) == 0; /* void *msg_name first */
}

/*
 * The protocol of the socket open as `fd` in the calling process, as network events carry
 * it: IPPROTO_TCP (also for MPTCP, TCP on the wire), IPPROTO_UDP, IPPROTO_RAW for every
 * SOCK_RAW socket, other IPPROTO_* values below 256 as they are (SCTP, UDP-Lite, ICMP
 * "ping" sockets); 0 when `fd` is not an AF_INET/AF_INET6 socket.
 *
 * Resolved from the kernel's own state, task->files->fdt->fd[fd] -> file -> socket -> sock
 * (CO-RE reads), so it is exact for fds inherited across fork, dup'ed or received over a
 * unix socket, with no bookkeeping of socket()/dup()/close() calls. Run in sys_enter, under
 * the RCU read lock every BPF tracing program holds; each read is a checked probe read, so a
 * table resized or an fd closed by another thread meanwhile yields 0, never a fault.
 */
static __always_inline __u8 socket_protocol(__u32 fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *file = 0;
	if (!fds || bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) != 0 || !file)
		return 0;
	if ((BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return 0; /* not a socket (an O_PATH fd of a socket's path has no struct socket) */
	struct socket *sock = BPF_CORE_READ(file, private_data);
	/* A socket's file and its struct socket point at each other: this stands for
	 * sock_from_file()'s f_op == &socket_file_ops check (that symbol is not in kallsyms). */
	if (!sock || BPF_CORE_READ(sock, file) != file)
		return 0;
	struct sock *sk = BPF_CORE_READ(sock, sk);
	if (!sk)
		return 0;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return 0;
	__u16 type = BPF_CORE_READ(sock, type);
	__u16 protocol = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
	if (type == SOCK_RAW)
		return IPPROTO_RAW;
	if (protocol == IPPROTO_TCP || protocol == IPPROTO_MPTCP)
		return IPPROTO_TCP;
	if (protocol == 0) /* inet sockets resolve 0 at socket(), but say what it means anyway */
		return type == SOCK_STREAM ? IPPROTO_TCP : type == SOCK_DGRAM ? IPPROTO_UDP : 0;
	return protocol < 256 ? protocol : 0;
}

enum call_kind { CALL_OTHER, CALL_FILE, CALL_NET };

static __always_inline enum call_kind classify(__u32 nr, __u8 abi)
{
	if (abi == CORDON_ABI_NATIVE) {
		switch (nr) {
		case NR_OPEN:
		case NR_CREAT:
		case NR_OPENAT:
		case NR_OPENAT2:
			return CALL_FILE;
		case NR_CONNECT:
		case NR_BIND:
		case NR_ACCEPT:
		case NR_ACCEPT4:
		case NR_SENDTO:
		case NR_SENDMSG:
			return CALL_NET;
		}
	} else if (abi == CORDON_ABI_COMPAT) {
		switch (nr) {
		case NR32_OPEN:
		case NR32_CREAT:
		case NR32_OPENAT:
		case NR32_OPENAT2:
			return CALL_FILE;
		case NR32_CONNECT:
		case NR32_BIND:
		case NR32_ACCEPT4:
		case NR32_SENDTO:
		case NR32_SENDMSG:
			return CALL_NET;
		}
	}
	return CALL_OTHER;
}

/*
 * Completes the file or network event the thread `tid` stashed at sys_enter with the call's
 * result and sends it. `nr`/`abi` are the call that returned: a stash of another call (one whose
 * return was never seen) is dropped, never completed with a foreign result.
 */
static __noinline void complete_call(__u32 tid, long ret, __u32 nr, __u32 abi)
{
	struct inflight *f = bpf_map_lookup_elem(&inflight, &tid);
	if (!f)
		return;
	if (f->kind == CALL_FILE && f->file.nr == nr && f->file.abi == abi) {
		f->file.ret = ret;
		if (f->file.path_len == 0) {
			/* The page was not resident at entry (non-sleepable programs cannot fault it
			 * in); the call itself has copied the path since, so it is resident now. */
			long n = bpf_probe_read_user_str(f->file.path, sizeof(f->file.path),
							 (const void *)f->uptr);
			f->file.path_len = n > 0 ? n : 0;
		}
		if (bpf_ringbuf_output(&events, &f->file, sizeof(f->file), wakeup_flags()) == 0)
			count_event();
		else
			count_lost();
	} else if (f->kind == CALL_NET && f->net.nr == nr && f->net.abi == abi) {
		struct cordon_net_event *e = &f->net;
		e->ret = ret;
		bool is_accept = e->abi == CORDON_ABI_NATIVE ? (e->nr == NR_ACCEPT || e->nr == NR_ACCEPT4)
							     : e->nr == NR32_ACCEPT4;
		const void *uaddr = (const void *)f->uptr;
		if (f->net_read == NET_READ_MSGHDR) {
			__u64 name = 0;
			if (read_msg_name(uaddr, e->abi, &name) && name == 0) {
				bpf_map_delete_elem(&inflight, &tid); /* no destination: no event */
				return;
			}
			uaddr = (const void *)name;
		}
		if (f->net_read != NET_READ_NONE && (!is_accept || ret >= 0))
			read_sockaddr(e, uaddr);
		if (bpf_ringbuf_output(&events, e, sizeof(*e), wakeup_flags()) == 0)
			count_event();
		else
			count_lost();
	}
	bpf_map_delete_elem(&inflight, &tid);
}

/*
 * The task work of an i386 file or network call (see compat_exits): runs in the caller's context
 * on its way back to user space, before signal delivery or a syscall restart can change its
 * registers (get_signal() runs pending task works first), so `ax` is the call's result, exactly
 * what a sys_exit tracepoint would have seen. A thread killed in the call runs it at its exit.
 */
static int compat_call_returned(struct bpf_map *map, void *key, void *value)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 tid = *(__u32 *)key;
	if (task->pid != tid)
		return 0;
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	if (!regs)
		return 0;
	complete_call(tid, regs->ax, (__u32)regs->orig_ax, CORDON_ABI_COMPAT);
	return 0;
}

/* Arranges for the stashed i386 call of thread `tid` to be completed when it returns; when that
 * cannot be arranged, the event is lost, and counted. Without task work, the raw `sys_exit`
 * (attached while file or network events are on) completes it. */
static __always_inline void schedule_compat_exit(__u32 tid)
{
	if (!compat_by_task_work)
		return; /* cordon_sys_exit completes it */
	struct compat_exit fresh = {};
	bpf_map_update_elem(&compat_exits, &tid, &fresh, BPF_NOEXIST);
	struct compat_exit *w = bpf_map_lookup_elem(&compat_exits, &tid);
	if (w && bpf_task_work_schedule_resume_impl(bpf_get_current_task_btf(), &w->work,
						     &compat_exits, compat_call_returned, 0) == 0)
		return;
	bpf_map_delete_elem(&inflight, &tid);
	count_lost();
}

/* Records the arguments of a file or network call until its return adds its result. */
static __always_inline void stash_call(struct pt_regs *regs, __u64 pid_tgid, __u32 policy,
				       __u32 nr, __u8 abi, enum call_kind kind)
{
	__u32 zero = 0;
	struct inflight *f = bpf_map_lookup_elem(&scratch, &zero);
	if (!f)
		return;
	__u64 args[6];
	cordon_call_args(regs, abi, args);
	__u64 a0 = args[0], a1 = args[1], a2 = args[2], a3 = args[3], a4 = args[4];
	f->kind = kind;
	f->net_read = NET_READ_NONE;
	f->uptr = 0;
	if (kind == CALL_FILE) {
		struct cordon_file_event *e = &f->file;
		fill_header(&e->hdr, CORDON_EV_FILE, pid_tgid, policy);
		e->nr = nr;
		e->abi = abi;
		e->pad[0] = e->pad[1] = e->pad[2] = 0;
		e->ret = 0;
		const char *path;
		bool is_open = abi == CORDON_ABI_NATIVE ? nr == NR_OPEN : nr == NR32_OPEN;
		bool is_creat = abi == CORDON_ABI_NATIVE ? nr == NR_CREAT : nr == NR32_CREAT;
		bool is_openat2 = nr == NR_OPENAT2; /* the same number on both ABIs */
		if (is_open || is_creat) {
			e->dfd = -100; /* AT_FDCWD */
			path = (const char *)a0;
			e->flags = is_creat ? 0x241 /* O_CREAT|O_WRONLY|O_TRUNC */ : (__u32)a1;
			e->mode = is_creat ? (__u32)a1 : (__u32)a2;
		} else {
			e->dfd = (__s32)a0;
			path = (const char *)a1;
			if (is_openat2) {
				struct open_how how = {};
				bpf_probe_read_user(&how, sizeof(how), (const void *)a2);
				e->flags = (__u32)how.flags;
				e->mode = (__u32)how.mode;
			} else {
				e->flags = (__u32)a2;
				e->mode = (__u32)a3;
			}
		}
		f->uptr = (__u64)path;
		long n = bpf_probe_read_user_str(e->path, sizeof(e->path), path);
		e->path_len = n > 0 ? n : 0;
		if (n <= 0)
			e->path[0] = 0;
	} else {
		bool native = abi == CORDON_ABI_NATIVE;
		bool is_accept = native ? (nr == NR_ACCEPT || nr == NR_ACCEPT4) : nr == NR32_ACCEPT4;
		bool is_sendto = native ? nr == NR_SENDTO : nr == NR32_SENDTO;
		bool is_sendmsg = native ? nr == NR_SENDMSG : nr == NR32_SENDMSG;
		/* A send without a destination (a connected socket's) is no address operation. */
		if (is_sendto && a4 == 0)
			return;
		struct cordon_net_event *e = &f->net;
		fill_header(&e->hdr, CORDON_EV_NET, pid_tgid, policy);
		e->nr = nr;
		e->abi = abi;
		e->protocol = socket_protocol((__u32)a0);
		e->family = 0;
		e->ret = 0;
		e->fd = (__u32)a0;
		e->port = 0;
		e->pad = 0;
		__builtin_memset(e->addr, 0, sizeof(e->addr));
		if (is_accept) {
			/* accept's address is written by the call: read at exit. */
			f->net_read = NET_READ_ADDR;
			f->uptr = a1;
		} else if (is_sendmsg) {
			__u64 name = 0;
			if (!read_msg_name((const void *)a1, abi, &name)) {
				f->net_read = NET_READ_MSGHDR; /* not resident: the call copies it */
				f->uptr = a1;
			} else if (name == 0) {
				return; /* no destination */
			} else if (!read_sockaddr(e, (const void *)name)) {
				f->net_read = NET_READ_ADDR;
				f->uptr = name;
			}
		} else {
			const void *uaddr = (const void *)(is_sendto ? a4 : a1);
			if (!read_sockaddr(e, uaddr)) {
				/* Not resident at entry (a non-sleepable program cannot fault it in): the
				 * call copies it, so it is at exit. */
				f->net_read = NET_READ_ADDR;
				f->uptr = (__u64)uaddr;
			}
		}
	}
	__u32 tid = (__u32)pid_tgid;
	if (bpf_map_update_elem(&inflight, &tid, f, BPF_ANY) != 0) {
		count_lost();
		return;
	}
	if (abi == CORDON_ABI_COMPAT)
		schedule_compat_exit(tid);
}

/*
 * Everything sys_enter does beyond counting, for a thread whose process has a policy or while
 * events are on: kept out of line so that the counting path stays a few instructions (no
 * register spills for what only this part needs).
 */
static __noinline int sys_enter_more(struct pt_regs *regs, struct cordon_task *t, __u32 nr,
				     __u32 slot, __u32 compat)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 tgid = task->tgid;
	__u64 pid_tgid = ((__u64)tgid << 32) | (__u32)task->pid;
	__u8 abi = compat ? CORDON_ABI_COMPAT
			  : (nr & X32_SYSCALL_BIT) ? CORDON_ABI_OTHER : CORDON_ABI_NATIVE;
	__u32 policy = t->policy;
	__u32 zero = 0;
	struct cordon_config *cfg = bpf_map_lookup_elem(&cordon_cfg, &zero);
	if (!cfg)
		return 0;
	struct cordon_decision *d = 0;
	struct cordon_decision by_args;
	if (policy) {
		struct cordon_decision_key key = { .policy = policy, .slot = slot };
		d = bpf_map_lookup_elem(&decisions, &key);
		if (t->flags & CORDON_TASK_LIMITED) {
			struct cordon_proc *p = bpf_map_lookup_elem(&procs, &tgid);
			if (p)
				check_rate(p, pid_tgid);
		}
		if (d && (d->flags & (CORDON_DECISION_ARGS | CORDON_DECISION_USER)) ==
				 CORDON_DECISION_ARGS) {
			/* Argument conditions: decided here, from the call's registers. */
			struct cordon_arg_cases *cases = bpf_map_lookup_elem(&arg_cases, &key);
			__u64 args[6];
			cordon_call_args(regs, abi, args);
			if (cases && decide_args(cases, args, &by_args))
				d = &by_args;
		}
	}
	__u8 reason = slot_set(cfg->syscall_events, slot) ? CORDON_REASON_SUBSCRIBED : 0;
	if (d && (d->action != CORDON_ACT_ALLOW || (d->flags & CORDON_DECISION_USER)))
		reason |= CORDON_REASON_DECISION;
	if (reason && !emit_syscall(regs, pid_tgid, policy, nr, abi, d, reason) && d &&
	    (d->flags & (CORDON_DECISION_USER | CORDON_DECISION_KILL_ON_LOSS | CORDON_DECISION_AUDIT)) ==
		    (CORDON_DECISION_USER | CORDON_DECISION_KILL_ON_LOSS)) {
		/* User space had to decide this call and will never see it: kill. */
		bpf_send_signal(SIGKILL);
		report_enforce(CORDON_ENFORCE_LOSS, policy, tgid, slot, 0, 0);
	}
	if (d && !(d->flags & CORDON_DECISION_AUDIT)) {
		if (d->action == CORDON_ACT_KILL) {
			bpf_send_signal(SIGKILL);
			struct cordon_stats *s = stats_entry();
			if (s)
				__sync_fetch_and_add(&s->kills, 1);
		} else if (d->action == CORDON_ACT_DENY && (cfg->flags & CORDON_CFG_LSM_ENFORCE)) {
			struct cordon_pending_deny pending = { .slot = slot,
							       .errno_value = d->errno_value };
			__u32 tid = (__u32)pid_tgid;
			if (bpf_map_update_elem(&lsm_pending, &tid, &pending, BPF_ANY) != 0) {
				/* A full table (a thread flood) must not turn a deny into an allow. */
				bpf_send_signal(SIGKILL);
				report_enforce(CORDON_ENFORCE_LOSS, policy, tgid, slot, 0, 0);
			}
		}
	}

	if (cfg->flags & (CORDON_CFG_FILE_EVENTS | CORDON_CFG_NET_EVENTS)) {
		enum call_kind kind = classify(nr, abi);
		if ((kind == CALL_FILE && (cfg->flags & CORDON_CFG_FILE_EVENTS)) ||
		    (kind == CALL_NET && (cfg->flags & CORDON_CFG_NET_EVENTS)))
			stash_call(regs, pid_tgid, policy, nr, abi, kind);
	}
	return 0;
}


SEC("tp_btf/sys_enter")
int BPF_PROG(cordon_sys_enter, struct pt_regs *regs, long id)
{
	/* Not monitored: the task's tgid and one array load (both inlined), nothing else. */
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 tgid = task->tgid;
	__u64 *watch = bpf_map_lookup_elem(&watched, &tgid);
	if (!watch)
		return 0;
	__u64 gen = *watch;
	if (!gen && !fast_cfg.trace_all)
		return 0;
	/* Generations are never 0: a thread's copy is current only when it has this one. */
	struct cordon_task *t = bpf_task_storage_get(&tasks, task, 0, 0);
	if (!t || t->gen != gen) {
		t = task_slow(task, tgid, gen);
		if (!t)
			return 0;
	}
	/* The slot: x86_64 numbers first, then i386 ones (an x32 number, bit 30 set, is above
	 * every slot: unknown, like any number beyond the table). */
	__u32 nr = (__u32)id;
	__u32 compat = task->thread_info.status & TS_COMPAT;
	__u32 slot = nr < CORDON_NATIVE_SLOTS ? nr + (compat ? CORDON_NATIVE_SLOTS : 0)
					      : CORDON_SLOT_UNKNOWN;
	/* Only this thread writes its entry: no atomics, no shared cache line. */
	if (slot < CORDON_NR_SLOTS) {
		barrier_var(slot); /* keeps the mask: a bound on the register the verifier sees */
		t->counts[slot & (CORDON_NR_SLOTS - 1)]++;
	} else {
		t->other++;
	}
	if (!t->policy && !slot_set(fast_cfg.more_slots, slot))
		return 0; /* counted: nothing else asked for */
	return sys_enter_more(regs, t, nr, slot, compat);
}

/* An x86_64 file or network call returned (its own exit tracepoint: no other call runs this). */
static __always_inline int native_call_returned(struct trace_event_raw_sys_exit *ctx)
{
	complete_call((__u32)bpf_get_current_pid_tgid(), ctx->ret, (__u32)ctx->id,
		      CORDON_ABI_NATIVE);
	return 0;
}

#define CORDON_NATIVE_EXIT(call)                                                 \
	SEC("tracepoint/syscalls/sys_exit_" #call)                                 \
	int cordon_ret_##call(struct trace_event_raw_sys_exit *ctx)                \
	{                                                                          \
		return native_call_returned(ctx);                                  \
	}

CORDON_NATIVE_EXIT(open)
CORDON_NATIVE_EXIT(creat)
CORDON_NATIVE_EXIT(openat)
CORDON_NATIVE_EXIT(openat2)
CORDON_NATIVE_EXIT(connect)
CORDON_NATIVE_EXIT(bind)
CORDON_NATIVE_EXIT(accept)
CORDON_NATIVE_EXIT(accept4)
CORDON_NATIVE_EXIT(sendto)
CORDON_NATIVE_EXIT(sendmsg)

/*
 * Attached only while LSM denies are enforced (a deny pending for a call ends with it) or, where
 * task work is not available (compat_by_task_work is 0), while file or network events are on: it
 * then completes every stashed call, i386 (which the per-syscall exit tracepoints never see) and
 * x86_64 alike, and those tracepoints stay detached: one exit program per call instead of two.
 */
SEC("tp_btf/sys_exit")
int BPF_PROG(cordon_sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 tgid = task->tgid;
	__u64 *watch = bpf_map_lookup_elem(&watched, &tgid);
	if (!watch || (!*watch && !fast_cfg.trace_all))
		return 0;
	__u32 tid = (__u32)task->pid;
	if (fast_cfg.lsm_enforce)
		bpf_map_delete_elem(&lsm_pending, &tid);
	if (!compat_by_task_work)
		complete_call(tid, ret, (__u32)regs->orig_ax,
			      (task->thread_info.status & TS_COMPAT) ? CORDON_ABI_COMPAT
								      : CORDON_ABI_NATIVE);
	return 0;
}

/*
 * Creates the `procs` entry of the process led by `leader` and marks it watched (a stale entry
 * of a previous process with this pid is replaced). NULL when the table is full or the pid is
 * beyond `watched`: the caller kills a process with a policy rather than leave it unconfined.
 */
static __always_inline struct cordon_proc *adopt(struct task_struct *leader, __u32 tgid,
						 __u32 policy, __u32 flags, __u64 cgroup_id)
{
	bpf_map_delete_elem(&procs, &tgid);
	if (bpf_map_update_elem(&procs, &tgid, &zero_proc, BPF_NOEXIST) != 0)
		return 0;
	struct cordon_proc *c = bpf_map_lookup_elem(&procs, &tgid);
	if (!c)
		return 0;
	c->start_ns = leader->start_time;
	c->start_ticks = leader->start_boottime / NSEC_PER_USER_TICK;
	c->policy = policy;
	c->flags = flags;
	c->cgroup_id = cgroup_id;
	if (!set_watched(tgid)) {
		bpf_map_delete_elem(&procs, &tgid);
		return 0;
	}
	return c;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(cordon_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 parent_tgid = parent->tgid;
	__u32 child_tgid = child->tgid;
	if (parent_tgid == child_tgid)
		return 0; /* a thread: it gets its `tasks` entry at its first syscall */
	struct cordon_proc *p = bpf_map_lookup_elem(&procs, &parent_tgid);
	if (p && p->start_ns != parent->group_leader->start_time && p->start_ns != 0)
		p = 0; /* stale entry of a previous process */
	if (!p || !(p->flags & CORDON_PROC_FOLLOW_FORKS)) {
		/* Not followed: a child created in a target cgroup (CLONE_INTO_CGROUP) is adopted. */
		__u64 cgid = BPF_CORE_READ(child, cgroups, dfl_cgrp, kn, id);
		__u32 *by_cgroup = bpf_map_lookup_elem(&cgroup_targets, &cgid);
		if (!by_cgroup)
			return 0;
		__u32 target = *by_cgroup;
		if (!adopt(child, child_tgid, target, CORDON_PROC_FOLLOW_FORKS, 0)) {
			if (target)
				bpf_send_signal_task(child, SIGKILL, PIDTYPE_TGID, 0);
			procs_full(target, child_tgid);
		}
		return 0;
	}
	__u32 policy = p->policy;
	__u32 flags = p->flags;
	__u64 cgroup_id = p->cgroup_id;
	if (cgroup_id && BPF_CORE_READ(child, cgroups, dfl_cgrp, kn, id) != cgroup_id) {
		/* Created outside the parent's cgroup (clone3 CLONE_INTO_CGROUP): never runs. */
		bpf_send_signal_task(child, SIGKILL, PIDTYPE_TGID, 0);
		report_enforce(CORDON_ENFORCE_CGROUP, policy, child_tgid, 0,
			       BPF_CORE_READ(child, cgroups, dfl_cgrp, kn, id), 0);
		return 0;
	}
	if (!adopt(child, child_tgid, policy, flags, cgroup_id)) {
		/* Full: a child with a policy is killed before it runs, never left unconfined. */
		if (policy)
			bpf_send_signal_task(child, SIGKILL, PIDTYPE_TGID, 0);
		procs_full(policy, child_tgid);
		return 0;
	}

	__u32 zero = 0;
	struct cordon_config *cfg = bpf_map_lookup_elem(&cordon_cfg, &zero);
	if (!cfg || !(cfg->flags & CORDON_CFG_PROC_EVENTS))
		return 0;
	struct cordon_fork_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return 0;
	}
	fill_header(&e->hdr, CORDON_EV_FORK, ((__u64)parent_tgid << 32) | parent->pid, policy);
	e->child_tgid = child_tgid;
	e->pad = 0;
	e->child_start_ns = child->start_time;
	count_event();
	bpf_ringbuf_submit(e, wakeup_flags());
	return 0;
}

/* Clears a thread's counts (its `tasks` entry) and its process's (the `procs` entry). */
static __always_inline void zero_counts(struct cordon_proc *p, struct cordon_task *t)
{
	p->total = 0;
	p->other = 0;
	bpf_probe_read_kernel(p->counts, sizeof(p->counts), zero_proc.counts);
	if (t) {
		t->other = 0;
		bpf_probe_read_kernel(t->counts, sizeof(t->counts), zero_proc.counts);
	}
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(cordon_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 zero = 0;
	struct cordon_config *cfg = bpf_map_lookup_elem(&cordon_cfg, &zero);
	if (!cfg)
		return 0;
	__u32 tgid = task->tgid;
	if (tgid == cfg->self_tgid)
		return 0;
	__u64 *watch = bpf_map_lookup_elem(&watched, &tgid);
	__u64 gen = watch ? *watch : 0;
	struct cordon_proc *p = current_proc(task, tgid, cfg);
	/* Targets are decided here (and at fork and cgroup moves), never per syscall. */
	char comm[CORDON_COMM_LEN] = {};
	bpf_get_current_comm(comm, sizeof(comm));
	__u32 *by_comm = bpf_map_lookup_elem(&comm_targets, comm);
	if (!p) {
		__u32 *target = by_comm;
		if (!target) {
			__u64 cgid = bpf_get_current_cgroup_id();
			target = bpf_map_lookup_elem(&cgroup_targets, &cgid);
		}
		if (target) {
			__u32 policy = *target;
			p = adopt(task->group_leader, tgid, policy, CORDON_PROC_FOLLOW_FORKS, 0);
			if (!p) {
				/* Full: the new target would run unconfined; it is killed instead. */
				if (policy)
					bpf_send_signal(SIGKILL);
				procs_full(policy, tgid);
			}
		} else {
			clear_watched(tgid, gen);
		}
	} else if (by_comm && p->policy == 0 && *by_comm) {
		p->policy = *by_comm;
		set_watched(tgid); /* the thread re-reads its policy at its next call */
	}
	if (p && (p->flags & CORDON_PROC_COUNT_FROM_EXEC)) {
		/* Other threads are gone (de_thread ran before this tracepoint, and each thread's
		 * counts were added to `procs` at its exit): nothing races. */
		p->flags &= ~CORDON_PROC_COUNT_FROM_EXEC;
		zero_counts(p, bpf_task_storage_get(&tasks, task, 0, 0));
	}
	if (!p || !(cfg->flags & CORDON_CFG_PROC_EVENTS))
		return 0;
	struct cordon_exec_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return 0;
	}
	fill_header(&e->hdr, CORDON_EV_EXEC, bpf_get_current_pid_tgid(), p->policy);
	e->old_tid = old_pid;
	e->ppid = task->real_parent->tgid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	long n = bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), bprm->filename);
	e->filename_len = n > 0 ? n : 0;
	count_event();
	bpf_ringbuf_submit(e, wakeup_flags());
	return 0;
}

/* Adds a thread's counts to its process's entry, and their sum to its total and to the monitor's
 * `syscalls` (the counting path keeps neither: it touches the thread's own entry only). */
static __always_inline void fold_counts(struct cordon_task *t, struct cordon_proc *p)
{
	__u64 total = t->other;
	__sync_fetch_and_add(&p->other, t->other);
	for (__u32 i = 0; i < CORDON_NR_SLOTS; i++) {
		__u64 v = t->counts[i];
		if (v) {
			__sync_fetch_and_add(&p->counts[i], v);
			total += v;
		}
	}
	__sync_fetch_and_add(&p->total, total);
	struct cordon_stats *s = stats_entry();
	if (s)
		__sync_fetch_and_add(&s->syscalls, total);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(cordon_exit, struct task_struct *task, bool group_dead)
{
	__u32 tgid = task->tgid;
	__u32 tid = task->pid;
	bpf_map_delete_elem(&inflight, &tid);
	bpf_map_delete_elem(&lsm_pending, &tid);
	bpf_map_delete_elem(&compat_exits, &tid);
	struct cordon_proc *p = bpf_map_lookup_elem(&procs, &tgid);
	bool stale = p && p->start_ns != task->group_leader->start_time && p->start_ns != 0;
	struct cordon_task *t = bpf_task_storage_get(&tasks, task, 0, 0);
	__u64 delta = group_dead ? REFS_DEAD : 0;
	if (t) {
		if (p && !stale)
			fold_counts(t, p);
		bpf_task_storage_delete(&tasks, task);
		delta -= 1;
	}
	if (delta == 0)
		return 0; /* a thread that made no call seen, its process lives on */
	__u64 *refs = bpf_map_lookup_elem(&proc_refs, &tgid);
	if (refs) {
		/* The last to leave (the group dead, every thread's counts in) sends the event. */
		if (__sync_fetch_and_add(refs, delta) + delta != REFS_DEAD)
			return 0;
		bpf_map_delete_elem(&proc_refs, &tgid);
	} else if (!group_dead) {
		return 0;
	}
	__u64 *watch = bpf_map_lookup_elem(&watched, &tgid);
	if (watch)
		*watch = 0; /* the pid cannot be reused before this process is reaped */
	if (!p)
		return 0;
	if (stale) {
		bpf_map_delete_elem(&procs, &tgid);
		return 0;
	}
	struct cordon_exit_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		fill_header(&e->hdr, CORDON_EV_EXIT, ((__u64)tgid << 32) | tid, p->policy);
		e->exit_code = task->signal->group_exit_code ? task->signal->group_exit_code
							      : task->exit_code;
		e->pad = 0;
		e->start_ns = p->start_ns;
		e->total = p->total;
		e->other = p->other;
		bpf_probe_read_kernel(e->counts, sizeof(e->counts), p->counts);
		count_event();
		bpf_ringbuf_submit(e, wakeup_flags());
	} else {
		count_lost();
	}
	bpf_map_delete_elem(&procs, &tgid);
	return 0;
}

/*
 * A process that must stay in its cgroup (cordon_proc.cgroup_id: the network cgroup `apply` moved
 * it into) was moved to another one, by itself or by another process writing cgroup.procs or
 * cgroup.threads: it is killed (the tracepoint runs after the move, before the writer's write()
 * returns; the moved process is signalled at once), and so is the writer when it is itself a
 * process with a policy. Moves made by Cordon itself (self_tgid) are its own bookkeeping.
 */
SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(cordon_cgroup_attach, struct cgroup *dst_cgrp, const char *path,
	     struct task_struct *task, bool threadgroup)
{
	__u32 zero = 0;
	struct cordon_config *cfg = bpf_map_lookup_elem(&cordon_cfg, &zero);
	if (!cfg || !task)
		return 0;
	__u32 writer = bpf_get_current_pid_tgid() >> 32;
	if (writer == cfg->self_tgid)
		return 0;
	__u32 tgid = task->tgid;
	/* Only the cgroup2 hierarchy (cgrp_dfl_root, hierarchy id 0) carries the network rules and
	 * the cgroup targets: moves within cgroup v1 hierarchies (hybrid systems) change nothing
	 * Cordon relies on. */
	if (BPF_CORE_READ(dst_cgrp, root, hierarchy_id) != 0)
		return 0;
	__u64 dst = BPF_CORE_READ(dst_cgrp, kn, id);
	struct cordon_proc *p = bpf_map_lookup_elem(&procs, &tgid);
	if (p && p->start_ns != task->group_leader->start_time && p->start_ns != 0)
		p = 0; /* stale entry of a previous process */
	if (!p) {
		/* Moved into a target cgroup: adopted now (targets are never looked up per call). */
		__u32 *by_cgroup = bpf_map_lookup_elem(&cgroup_targets, &dst);
		if (!by_cgroup)
			return 0;
		__u32 target = *by_cgroup;
		if (!adopt(task->group_leader, tgid, target, CORDON_PROC_FOLLOW_FORKS, 0)) {
			if (target)
				bpf_send_signal_task(task, SIGKILL, PIDTYPE_TGID, 0);
			procs_full(target, tgid);
		}
		return 0;
	}
	if (!p->cgroup_id)
		return 0;
	if (dst == p->cgroup_id)
		return 0;
	__u32 policy = p->policy;
	__u32 writer_killed = 0;
	if (writer == tgid) {
		bpf_send_signal(SIGKILL);
	} else {
		bpf_send_signal_task(task, SIGKILL, PIDTYPE_TGID, 0);
		struct cordon_proc *w = bpf_map_lookup_elem(&procs, &writer);
		if (w && w->policy) {
			bpf_send_signal(SIGKILL);
			writer_killed = 1;
		}
	}
	report_enforce(CORDON_ENFORCE_CGROUP, policy, tgid, 0, dst, writer_killed);
	return 0;
}
