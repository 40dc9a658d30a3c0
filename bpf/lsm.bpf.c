// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * lsm.bpf.c: preventive deny for already-running processes, through BPF LSM hooks.
 *
 * monitor.bpf.c's sys_enter records a DENY decision for the call in progress in `lsm_pending`
 * (keyed by thread id; this object reuses that map's fd). The hooks below fail the operation
 * with the decision's errno when the current thread has such a pending deny, so the syscalls
 * that reach them (open/openat/openat2/creat: file_open; execve/execveat: bprm_check_security;
 * socket: socket_create; connect: socket_connect; bind: socket_bind; listen: socket_listen)
 * are denied before they act. Needs a kernel that lets us load BPF LSM programs: user space
 * loads this object only when the feature probe says so.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "cordon.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct cordon_pending_deny);
} lsm_pending SEC(".maps");

static __always_inline int pending_errno(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct cordon_pending_deny *p = bpf_map_lookup_elem(&lsm_pending, &tid);
	if (!p)
		return 0;
	return -(int)(p->errno_value ? p->errno_value : 1 /* EPERM */);
}

SEC("lsm/file_open")
int BPF_PROG(cordon_file_open, struct file *file, int ret)
{
	if (ret)
		return ret;
	return pending_errno();
}

SEC("lsm/bprm_check_security")
int BPF_PROG(cordon_bprm_check, struct linux_binprm *bprm, int ret)
{
	if (ret)
		return ret;
	return pending_errno();
}

SEC("lsm/socket_create")
int BPF_PROG(cordon_socket_create, int family, int type, int protocol, int kern, int ret)
{
	if (ret || kern)
		return ret;
	return pending_errno();
}

SEC("lsm/socket_connect")
int BPF_PROG(cordon_socket_connect, struct socket *sock, struct sockaddr *address, int addrlen,
	     int ret)
{
	if (ret)
		return ret;
	return pending_errno();
}

SEC("lsm/socket_bind")
int BPF_PROG(cordon_socket_bind, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	if (ret)
		return ret;
	return pending_errno();
}

SEC("lsm/socket_listen")
int BPF_PROG(cordon_socket_listen, struct socket *sock, int backlog, int ret)
{
	if (ret)
		return ret;
	return pending_errno();
}
