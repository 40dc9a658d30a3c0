// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * cgroup_net.bpf.c: preventive network rules for the processes of one cgroup v2.
 *
 * cgroup/connect4, connect6, sendmsg4, sendmsg6 (destinations of unconnected UDP sends, which
 * connect4/6 never see), bind4 and bind6 allow an operation only when a rule of the active
 * bank matches its (protocol, address, port); otherwise they return 0 and the call fails with
 * EPERM. IPv4 is matched in its IPv4-mapped IPv6 form, so ::ffff:a.b.c.d in connect6 meets the
 * same rules as a.b.c.d in connect4. Denials are reported on the `net_events` ring buffer.
 *
 * Rules are double-buffered: user space writes the inactive bank, then switches `net_active`,
 * so an update never leaves a moment without rules in force.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "cordon.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AF_INET 2
#define AF_INET6 10

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * CORDON_NET_RULES_PER_BANK);
	__type(key, __u32);
	__type(value, struct cordon_net_rule);
} net_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct cordon_net_bank);
} net_banks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} net_active SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 << 10);
} net_events SEC(".maps");

/* [0]: allowed, [1]: denied, [2]: denial events lost (per CPU). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} net_stats SEC(".maps");

/* The policy slot reported in events; set by user space before load. */
const volatile __u32 policy_slot = 0;

struct match_ctx {
	__u8 addr[16];
	__u16 port;
	__u8 protocol;
	__u8 op;
	__u32 bank;
	__u32 count;
	int allowed;
};

static __always_inline bool prefix_match(const __u8 *rule, const __u8 *addr, __u32 prefix)
{
	for (int i = 0; i < 16; i++) {
		__u32 bits = i * 8;
		if (prefix <= bits)
			return true;
		__u8 mask = prefix >= bits + 8 ? 0xff : (__u8)(0xff << (8 - (prefix - bits)));
		if ((rule[i] ^ addr[i]) & mask)
			return false;
	}
	return true;
}

static long match_rule(__u32 i, struct match_ctx *m)
{
	if (i >= m->count)
		return 1;
	__u32 index = m->bank * CORDON_NET_RULES_PER_BANK + i;
	struct cordon_net_rule *r = bpf_map_lookup_elem(&net_rules, &index);
	if (!r)
		return 1;
	if (!(r->ops & m->op))
		return 0;
	if (r->protocol && r->protocol != m->protocol)
		return 0;
	if (m->port < r->port_lo || m->port > r->port_hi)
		return 0;
	if (!prefix_match(r->addr, m->addr, r->prefix_len))
		return 0;
	m->allowed = 1;
	return 1;
}

static __always_inline void bump(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&net_stats, &which);
	if (v)
		*v += 1;
}

static __always_inline int decide(struct bpf_sock_addr *ctx, __u32 op_code, bool v6, __u8 op)
{
	__u32 zero = 0;
	__u32 *active = bpf_map_lookup_elem(&net_active, &zero);
	if (!active)
		return 1;
	__u32 bank_index = *active & 1;
	struct cordon_net_bank *bank = bpf_map_lookup_elem(&net_banks, &bank_index);
	if (!bank)
		return 1;
	__u32 enforce = op == CORDON_NET_BIND ? CORDON_NET_ENFORCE_BIND : CORDON_NET_ENFORCE_CONNECT;
	if (!(bank->flags & enforce))
		return 1;

	struct match_ctx m = {};
	m.port = bpf_ntohs((__u16)ctx->user_port);
	m.protocol = (__u8)ctx->protocol;
	m.op = op;
	m.bank = bank_index;
	m.count = bank->count < CORDON_NET_RULES_PER_BANK ? bank->count : CORDON_NET_RULES_PER_BANK;
	if (v6) {
		__u32 w0 = ctx->user_ip6[0], w1 = ctx->user_ip6[1];
		__u32 w2 = ctx->user_ip6[2], w3 = ctx->user_ip6[3];
		__builtin_memcpy(&m.addr[0], &w0, 4);
		__builtin_memcpy(&m.addr[4], &w1, 4);
		__builtin_memcpy(&m.addr[8], &w2, 4);
		__builtin_memcpy(&m.addr[12], &w3, 4);
	} else {
		__u32 ip4 = ctx->user_ip4;
		m.addr[10] = 0xff;
		m.addr[11] = 0xff;
		__builtin_memcpy(&m.addr[12], &ip4, 4);
	}
	bpf_loop(CORDON_NET_RULES_PER_BANK, match_rule, &m, 0);
	if (m.allowed) {
		bump(0);
		return 1;
	}
	bump(1);
	struct cordon_net_event *e = bpf_ringbuf_reserve(&net_events, sizeof(*e), 0);
	if (e) {
		__u64 pid_tgid = bpf_get_current_pid_tgid();
		e->hdr.ts_ns = bpf_ktime_get_ns();
		e->hdr.kind = CORDON_EV_NET_DENY;
		e->hdr.tgid = pid_tgid >> 32;
		e->hdr.tid = (__u32)pid_tgid;
		e->hdr.policy = policy_slot;
		bpf_get_current_comm(e->hdr.comm, sizeof(e->hdr.comm));
		e->nr = op_code;
		e->abi = 0;
		e->protocol = m.protocol;
		e->family = v6 ? AF_INET6 : AF_INET;
		e->ret = (bank->flags & CORDON_NET_AUDIT) ? 0 : -1 /* -EPERM */;
		e->fd = 0;
		e->port = m.port;
		e->pad = 0;
		if (v6)
			__builtin_memcpy(e->addr, m.addr, 16);
		else {
			__builtin_memset(e->addr, 0, 16);
			__builtin_memcpy(e->addr, &m.addr[12], 4);
		}
		bpf_ringbuf_submit(e, 0);
	} else {
		bump(2);
	}
	return (bank->flags & CORDON_NET_AUDIT) ? 1 : 0;
}

SEC("cgroup/connect4")
int cordon_connect4(struct bpf_sock_addr *ctx)
{
	return decide(ctx, CORDON_NET_OP_CONNECT4, false, CORDON_NET_CONNECT);
}

SEC("cgroup/connect6")
int cordon_connect6(struct bpf_sock_addr *ctx)
{
	return decide(ctx, CORDON_NET_OP_CONNECT6, true, CORDON_NET_CONNECT);
}

SEC("cgroup/sendmsg4")
int cordon_sendmsg4(struct bpf_sock_addr *ctx)
{
	return decide(ctx, CORDON_NET_OP_SENDMSG4, false, CORDON_NET_CONNECT);
}

SEC("cgroup/sendmsg6")
int cordon_sendmsg6(struct bpf_sock_addr *ctx)
{
	return decide(ctx, CORDON_NET_OP_SENDMSG6, true, CORDON_NET_CONNECT);
}

SEC("cgroup/bind4")
int cordon_bind4(struct bpf_sock_addr *ctx)
{
	return decide(ctx, CORDON_NET_OP_BIND4, false, CORDON_NET_BIND);
}

SEC("cgroup/bind6")
int cordon_bind6(struct bpf_sock_addr *ctx)
{
	return decide(ctx, CORDON_NET_OP_BIND6, true, CORDON_NET_BIND);
}
