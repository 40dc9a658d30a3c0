// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * view_denials.bpf.c: `cordon run --explain`'s report of the read-only view. A run started as
 * root gives its command a mount namespace in which everything outside the write paths is
 * mounted read-only; a write there fails with EROFS in the mount check, before Landlock decides,
 * so no Landlock audit record tells of it. This program sees every such failure as the call
 * returns: a call of a task of the run's cgroup (`view_cgroup`) that returned -EROFS, or -EXDEV
 * (a rename or link across the view's mounts), is submitted to `view_events` with its
 * arguments and the path arguments `view_path_args` names for its syscall, read from the caller's
 * memory. It decides nothing: the call's result is the kernel's.
 *
 * Every other call of the machine costs one comparison of its result (the test comes first).
 * x86_64 and i386 (`TS_COMPAT`, set for the whole call and cleared on the way back to user space,
 * after this tracepoint) calls alike; x32 numbers are reported with CORDON_ABI_OTHER.
 *
 * `view_stats`: 0 events submitted, 1 events lost (ring buffer full), per CPU.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "cordon.h"
#include "call_args.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define EROFS 30
#define EXDEV 18
#define TS_COMPAT 0x0002
#define X32_SYSCALL_BIT 0x40000000u

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20); /* 6,700 events */
} view_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} view_cgroup SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2048);
	__type(key, __u32); /* nr, | CORDON_VIEW_COMPAT for i386 */
	__type(value, struct cordon_view_args);
} view_path_args SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} view_stats SEC(".maps");

/* Never used: names the record's type in the object's BTF (bpf/structs_test.ts checks it). */
struct cordon_view_event *cordon_view_event_btf __attribute__((unused));

static __always_inline void count(__u32 index)
{
	__u64 *n = bpf_map_lookup_elem(&view_stats, &index);
	if (n)
		(*n)++;
}

static __always_inline void read_path(struct cordon_view_event *e, int slot, __u8 index)
{
	e->path_len[slot] = 0;
	e->paths[slot][0] = 0;
	if (index >= 6)
		return;
	long n = bpf_probe_read_user_str(e->paths[slot], CORDON_PATH_LEN,
					 (const void *)e->args[index & 7]);
	if (n > 0)
		e->path_len[slot] = n;
	else
		e->paths[slot][0] = 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(cordon_view_exit, struct pt_regs *regs, long ret)
{
	if (ret != -EROFS && ret != -EXDEV)
		return 0;
	if (bpf_current_task_under_cgroup(&view_cgroup, 0) != 1)
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	struct cordon_view_event *e = bpf_ringbuf_reserve(&view_events, sizeof(*e), 0);
	if (!e) {
		count(1);
		return 0;
	}
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	e->hdr.ts_ns = bpf_ktime_get_ns();
	e->hdr.kind = CORDON_EV_VIEW_DENY;
	e->hdr.tgid = pid_tgid >> 32;
	e->hdr.tid = (__u32)pid_tgid;
	e->hdr.policy = 0;
	bpf_get_current_comm(e->hdr.comm, sizeof(e->hdr.comm));
	__u32 nr = (__u32)regs->orig_ax;
	__u32 key = nr;
	e->nr = nr;
	e->pad[0] = e->pad[1] = e->pad[2] = 0;
	e->ret = ret;
	if (task->thread_info.status & TS_COMPAT) {
		e->abi = CORDON_ABI_COMPAT;
		key = nr | CORDON_VIEW_COMPAT;
	} else {
		e->abi = nr & X32_SYSCALL_BIT ? CORDON_ABI_OTHER : CORDON_ABI_NATIVE;
	}
	cordon_call_args(regs, e->abi, e->args);
	struct cordon_view_args *which = bpf_map_lookup_elem(&view_path_args, &key);
	read_path(e, 0, which ? which->path[0] : CORDON_VIEW_NO_ARG);
	read_path(e, 1, which ? which->path[1] : CORDON_VIEW_NO_ARG);
	bpf_ringbuf_submit(e, 0);
	count(0);
	return 0;
}
