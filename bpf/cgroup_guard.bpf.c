// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * cgroup_guard.bpf.c: what `cordon run` holds every confined process tree to, beyond the
 * network tuples of cgroup_net.bpf.c. One object per policy layer, attached to the run's
 * cgroup (BPF_F_ALLOW_MULTI: the kernel runs every layer's programs, all must allow).
 *
 * - cgroup/dev: device nodes (mknod, open for read/write) only of `guard_devices` (user space
 *   writes the safe character devices and the policy's `privileges.devices`); every other
 *   device, every block device in particular, fails with EPERM.
 * - cgroup/sock_create: AF_INET/AF_INET6 sockets only of the kinds the policy's `network`
 *   section implies (TCP stream, UDP datagram); no SOCK_RAW, ICMP ping sockets, SCTP,
 *   UDP-Lite, MPTCP. It runs in inet_create/inet6_create, so for socket(2), i386 socketcall
 *   and io_uring's IORING_OP_SOCKET alike. Other families never reach it (seccomp's job).
 * - cgroup_skb/egress and cgroup/setsockopt: no IPv4 options (source routing: LSRR, SSRR,
 *   RR, TS, through IP_OPTIONS or a per-call IP_RETOPTS/IP_OPTIONS control message) and no
 *   IPv6 routing, hop-by-hop or destination-options headers leave a socket of the cgroup;
 *   setsockopt of those options fails up front with EPERM.
 * - tp_btf/inet_sock_set_state: listen() on a TCP socket with no local port (the kernel then
 *   picks one without running the bind4/6 hooks or Landlock's BIND_TCP) by a task of the run
 *   cgroup kills the process (SIGKILL, delivered before listen() returns), unless the policy's
 *   bind rules allow port 0. The socket is not yet hashed when the state changes, and every
 *   thread of the process is killed, so nothing accepts on it.
 * - cgroup/connect_unix and cgroup/sendmsg_unix (Linux 6.7): a Unix socket address (path or
 *   abstract name) only from `guard_unix`. libbpf 1.1 does not know these sections, so the
 *   programs sit in connect4/sendmsg4 sections and user space sets their expected attach
 *   type before load.
 *
 * Denials are counted per CPU in `guard_stats` (CORDON_GUARD_STAT_*).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "cordon.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define ETH_P_IP_ 0x0800
#define ETH_P_IPV6_ 0x86DD
#define TCP_LISTEN_ 10
#define SIGKILL 9
#define SOL_IP_ 0
#define SOL_IPV6_ 41
#define IP_OPTIONS_ 4

#define STAT_DEVICE 0
#define STAT_SOCKET 1
#define STAT_EGRESS 2
#define STAT_SOCKOPT 3
#define STAT_AUTOBIND 4
#define STAT_UNIX 5
#define STAT_COUNT 6

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cordon_guard_config);
} guard_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CORDON_GUARD_MAX_DEVICES);
	__type(key, __u32);
	__type(value, struct cordon_device_rule);
} guard_devices SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CORDON_GUARD_MAX_UNIX);
	__type(key, __u32);
	__type(value, struct cordon_unix_rule);
} guard_unix SEC(".maps");

/* [0]: the run cgroup (an fd written by user space), for the tracepoint. */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} guard_cgroup SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} guard_stats SEC(".maps");

extern void *bpf_cast_to_kern_ctx(void *obj) __ksym;

static __always_inline struct cordon_guard_config *guard_cfg(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&guard_config, &zero);
}

/* Counts a denial; returns what the hook returns (allow in audit mode). */
static __always_inline int deny(struct cordon_guard_config *c, __u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&guard_stats, &stat);
	if (v)
		*v += 1;
	return (c->flags & CORDON_GUARD_AUDIT) ? 1 : 0;
}

/* ---- devices ------------------------------------------------------------------------------- */

SEC("cgroup/dev")
int cordon_guard_dev(struct bpf_cgroup_dev_ctx *ctx)
{
	struct cordon_guard_config *c = guard_cfg();
	if (!c)
		return 0;
	if (!(c->flags & CORDON_GUARD_DEVICES))
		return 1;
	__u16 type = ctx->access_type & 0xffff;
	__u16 access = ctx->access_type >> 16;
	__u32 count = c->devices;
	for (__u32 i = 0; i < CORDON_GUARD_MAX_DEVICES; i++) {
		if (i >= count)
			break;
		__u32 key = i;
		struct cordon_device_rule *r = bpf_map_lookup_elem(&guard_devices, &key);
		if (!r)
			break;
		if (r->type != type || r->major != ctx->major)
			continue;
		if (r->minor != CORDON_DEVICE_ANY_MINOR && r->minor != ctx->minor)
			continue;
		if (access & ~r->access)
			continue;
		return 1;
	}
	return deny(c, STAT_DEVICE);
}

/* ---- socket kinds -------------------------------------------------------------------------- */

SEC("cgroup/sock_create")
int cordon_guard_sock_create(struct bpf_sock *ctx)
{
	struct cordon_guard_config *c = guard_cfg();
	if (!c)
		return 0;
	if (!(c->flags & CORDON_GUARD_SOCK_KINDS))
		return 1;
	__u32 family = ctx->family;
	if (family != AF_INET && family != AF_INET6)
		return 1;
	__u32 type = ctx->type, protocol = ctx->protocol;
	if (type == SOCK_STREAM && protocol == IPPROTO_TCP_ && (c->sock_kinds & CORDON_SOCK_TCP))
		return 1;
	if (type == SOCK_DGRAM && protocol == IPPROTO_UDP_ && (c->sock_kinds & CORDON_SOCK_UDP))
		return 1;
	return deny(c, STAT_SOCKET);
}

/* ---- IP options and IPv6 extension headers ------------------------------------------------- */

/* Whether an IPv6 packet carries a routing, hop-by-hop or destination-options header. */
static __always_inline bool ipv6_routed(struct __sk_buff *skb)
{
	__u8 next;
	if (bpf_skb_load_bytes(skb, 6, &next, 1))
		return true;
	__u32 offset = 40;
	for (int i = 0; i < 8; i++) {
		switch (next) {
		case 0: /* hop-by-hop options */
		case 43: /* routing */
		case 60: /* destination options (home address) */
			return true;
		case 44: { /* fragment: 8 bytes */
			__u8 hdr[2];
			if (bpf_skb_load_bytes(skb, offset, hdr, 2))
				return true;
			next = hdr[0];
			offset += 8;
			break;
		}
		case 51: { /* authentication header: (len + 2) * 4 */
			__u8 hdr[2];
			if (bpf_skb_load_bytes(skb, offset, hdr, 2))
				return true;
			next = hdr[0];
			offset += ((__u32)hdr[1] + 2) * 4;
			break;
		}
		default:
			return false;
		}
	}
	return true; /* a chain this long is not one of ours to pass */
}

SEC("cgroup_skb/egress")
int cordon_guard_egress(struct __sk_buff *skb)
{
	struct cordon_guard_config *c = guard_cfg();
	if (!c)
		return 0;
	if (!(c->flags & CORDON_GUARD_NO_IP_OPTIONS))
		return 1;
	if (skb->protocol == bpf_htons(ETH_P_IP_)) {
		__u8 first;
		if (bpf_skb_load_bytes(skb, 0, &first, 1))
			return deny(c, STAT_EGRESS);
		if ((first & 0x0f) > 5)
			return deny(c, STAT_EGRESS);
		return 1;
	}
	if (skb->protocol == bpf_htons(ETH_P_IPV6_) && ipv6_routed(skb))
		return deny(c, STAT_EGRESS);
	return 1;
}

SEC("cgroup/setsockopt")
int cordon_guard_setsockopt(struct bpf_sockopt *ctx)
{
	struct cordon_guard_config *c = guard_cfg();
	if (!c)
		return 0;
	if (!(c->flags & CORDON_GUARD_NO_IP_OPTIONS))
		return 1;
	int level = ctx->level, name = ctx->optname;
	if (level == SOL_IP_ && name == IP_OPTIONS_)
		return deny(c, STAT_SOCKOPT);
	if (level == SOL_IPV6_) {
		switch (name) {
		case 3: /* IPV6_2292HOPOPTS */
		case 4: /* IPV6_2292DSTOPTS */
		case 5: /* IPV6_2292RTHDR */
		case 6: /* IPV6_2292PKTOPTIONS: sticky options from a control-message buffer */
		case 54: /* IPV6_HOPOPTS */
		case 55: /* IPV6_RTHDRDSTOPTS */
		case 57: /* IPV6_RTHDR */
		case 59: /* IPV6_DSTOPTS */
			return deny(c, STAT_SOCKOPT);
		}
	}
	return 1;
}

/* ---- listen() autobind --------------------------------------------------------------------- */

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(cordon_guard_listen, const struct sock *sk, const int oldstate, const int newstate)
{
	if (newstate != TCP_LISTEN_)
		return 0;
	if (bpf_current_task_under_cgroup(&guard_cgroup, 0) != 1)
		return 0;
	struct cordon_guard_config *c = guard_cfg();
	if (!c)
		return 0;
	/* inet_csk_listen_start() announces TCP_LISTEN before get_port() picks the port. */
	if (sk->__sk_common.skc_num != 0)
		return 0;
	__u16 family = sk->__sk_common.skc_family;
	__u32 flag = family == AF_INET6 ? CORDON_GUARD_DENY_AUTOBIND6 : CORDON_GUARD_DENY_AUTOBIND4;
	if (!(c->flags & flag))
		return 0;
	if (!deny(c, STAT_AUTOBIND))
		bpf_send_signal(SIGKILL);
	return 0;
}

/* ---- Unix sockets -------------------------------------------------------------------------- */

struct unix_match {
	__u8 name[128]; /* sun_path: CORDON_UNIX_NAME_LEN bytes used; 128 so masked indexes stay in */
	__u32 start; /* 1 for an abstract name (after its NUL), else 0 */
	__u32 len; /* bytes of the name from `start` */
	__u32 n; /* bytes of sun_path given */
	__u8 kind; /* CORDON_UNIX_PATH or CORDON_UNIX_ABSTRACT */
	__u32 count;
	int allowed;
	int dots;
};

static __always_inline __u8 name_at(struct unix_match *m, __u32 i)
{
	return m->name[(m->start + i) & 127];
}

/* bpf_loop callback: the path ends at its first NUL (the kernel terminates it there). */
static long path_length(__u32 i, struct unix_match *m)
{
	if (i >= m->n)
		return 1;
	if (m->name[i & 127] == 0) {
		m->len = i;
		return 1;
	}
	return 0;
}

static __always_inline __u8 path_at(struct unix_match *m, __u32 i)
{
	return i < m->len ? m->name[i & 127] : '/'; /* the end of the path ends a component too */
}

/* bpf_loop callback: a "." or ".." component (its text does not say where the path leads). */
static long dot_component(__u32 i, struct unix_match *m)
{
	if (i >= m->len)
		return 1;
	if (m->name[i & 127] != '/' || path_at(m, i + 1) != '.')
		return 0;
	__u8 second = path_at(m, i + 2);
	if (second == '/' || (second == '.' && path_at(m, i + 3) == '/')) {
		m->dots = 1;
		return 1;
	}
	return 0;
}

/* bpf_loop callback over the rules. */
static long match_unix(__u32 i, struct unix_match *m)
{
	if (i >= m->count)
		return 1;
	__u32 key = i;
	struct cordon_unix_rule *r = bpf_map_lookup_elem(&guard_unix, &key);
	if (!r)
		return 1;
	__u32 rlen = r->len;
	if (rlen > CORDON_UNIX_NAME_LEN)
		return 0;
	if (r->kind == CORDON_UNIX_ABSTRACT) {
		if (m->kind != CORDON_UNIX_ABSTRACT || m->len != rlen)
			return 0;
	} else if (r->kind == CORDON_UNIX_PATH) {
		if (m->kind != CORDON_UNIX_PATH || m->len != rlen)
			return 0;
	} else if (r->kind == CORDON_UNIX_PATH_BENEATH) {
		if (m->kind != CORDON_UNIX_PATH || m->len < rlen)
			return 0;
	} else {
		return 0;
	}
	for (__u32 b = 0; b < CORDON_UNIX_NAME_LEN; b++) {
		if (b >= rlen)
			break;
		if (r->name[b] != name_at(m, b))
			return 0;
	}
	m->allowed = 1;
	return 1;
}

static __always_inline int decide_unix(struct bpf_sock_addr *ctx)
{
	struct cordon_guard_config *c = guard_cfg();
	if (!c)
		return 0;
	if (!(c->flags & CORDON_GUARD_UNIX))
		return 1;
	struct bpf_sock_addr_kern *kern = bpf_cast_to_kern_ctx(ctx);
	struct sockaddr *uaddr = 0;
	__u32 uaddrlen = 0;
	if (bpf_probe_read_kernel(&uaddr, sizeof(uaddr), &kern->uaddr) || !uaddr)
		return deny(c, STAT_UNIX);
	if (bpf_probe_read_kernel(&uaddrlen, sizeof(uaddrlen), &kern->uaddrlen))
		return deny(c, STAT_UNIX);
	if (uaddrlen <= 2) /* an unnamed address: nothing to reach */
		return deny(c, STAT_UNIX);
	struct unix_match m = {};
	m.n = uaddrlen - 2;
	if (m.n > CORDON_UNIX_NAME_LEN)
		m.n = CORDON_UNIX_NAME_LEN;
	if (bpf_probe_read_kernel(m.name, CORDON_UNIX_NAME_LEN, (void *)uaddr + 2))
		return deny(c, STAT_UNIX);
	if (m.name[0] == 0) {
		/* Abstract: the name is the n - 1 bytes after the NUL, NULs included. */
		m.kind = CORDON_UNIX_ABSTRACT;
		m.start = 1;
		m.len = m.n - 1;
	} else {
		m.kind = CORDON_UNIX_PATH;
		m.len = m.n;
		bpf_loop(CORDON_UNIX_NAME_LEN, path_length, &m, 0);
		/* Relative paths and "."/".." components cannot be decided by their text. */
		if (m.name[0] != '/')
			return deny(c, STAT_UNIX);
		bpf_loop(CORDON_UNIX_NAME_LEN, dot_component, &m, 0);
		if (m.dots)
			return deny(c, STAT_UNIX);
	}
	m.count = c->unix_rules < CORDON_GUARD_MAX_UNIX ? c->unix_rules : CORDON_GUARD_MAX_UNIX;
	bpf_loop(CORDON_GUARD_MAX_UNIX, match_unix, &m, 0);
	return m.allowed ? 1 : deny(c, STAT_UNIX);
}

/* Attached as BPF_CGROUP_UNIX_CONNECT (user space sets the expected attach type). */
SEC("cgroup/connect4")
int cordon_guard_connect_unix(struct bpf_sock_addr *ctx)
{
	return decide_unix(ctx);
}

/* Attached as BPF_CGROUP_UNIX_SENDMSG. */
SEC("cgroup/sendmsg4")
int cordon_guard_sendmsg_unix(struct bpf_sock_addr *ctx)
{
	return decide_unix(ctx);
}
