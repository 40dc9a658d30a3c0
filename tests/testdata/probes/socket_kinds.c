/* socket_kinds: creates one socket of each kind named on the command line and prints
 * "NAME ok" or "NAME ERRNO" (errno number) per kind. Kinds ending in _i386 are created through
 * the i386 entry (int 0x80): socketcall(SYS_SOCKET) and socket (359), arguments below 4 GiB. */
#define _GNU_SOURCE
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#define ETH_P_ALL 0x0003

static long i386_call(long nr, long a, long b, long c)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

static int via_socketcall(int family, int type, int protocol)
{
	uint32_t *args = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (args == MAP_FAILED)
		return -1;
	args[0] = family;
	args[1] = type;
	args[2] = protocol;
	long r = i386_call(102 /* socketcall */, 1 /* SYS_SOCKET */, (long)(uintptr_t)args, 0);
	munmap(args, 4096);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return (int)r;
}

static int via_i386_socket(int family, int type, int protocol)
{
	long r = i386_call(359 /* socket */, family, type, protocol);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return (int)r;
}

struct kind {
	const char *name;
	int family, type, protocol, entry; /* entry: 0 native, 1 socketcall, 2 i386 socket */
};

static const struct kind kinds[] = {
	{"tcp", AF_INET, SOCK_STREAM, 0, 0},
	{"tcp6", AF_INET6, SOCK_STREAM, IPPROTO_TCP, 0},
	{"udp", AF_INET, SOCK_DGRAM, 0, 0},
	{"udp6", AF_INET6, SOCK_DGRAM, IPPROTO_UDP, 0},
	{"raw", AF_INET, SOCK_RAW, IPPROTO_ICMP, 0},
	{"raw_udp", AF_INET, SOCK_RAW, IPPROTO_UDP, 0},
	{"raw6", AF_INET6, SOCK_RAW, IPPROTO_ICMPV6, 0},
	{"ping", AF_INET, SOCK_DGRAM, IPPROTO_ICMP, 0},
	{"ping6", AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6, 0},
	{"sctp", AF_INET, SOCK_STREAM, 132, 0},
	{"udplite", AF_INET, SOCK_DGRAM, 136, 0},
	{"mptcp", AF_INET, SOCK_STREAM, IPPROTO_MPTCP, 0},
	{"packet", AF_PACKET, SOCK_RAW, 0x0300 /* htons(ETH_P_ALL) */, 0},
	{"sock_packet", AF_INET, SOCK_PACKET, 0x0300, 0},
	{"tcp_i386", AF_INET, SOCK_STREAM, 0, 1},
	{"raw_i386", AF_INET, SOCK_RAW, IPPROTO_ICMP, 1},
	{"ping_i386", AF_INET, SOCK_DGRAM, IPPROTO_ICMP, 1},
	{"packet_i386", AF_PACKET, SOCK_RAW, 0x0300, 1},
	{"raw_i386_socket", AF_INET, SOCK_RAW, IPPROTO_ICMP, 2},
};

int main(int argc, char **argv)
{
	for (int a = 1; a < argc; a++) {
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			const struct kind *x = &kinds[k];
			if (strcmp(argv[a], x->name) != 0)
				continue;
			errno = 0;
			int fd = x->entry == 1   ? via_socketcall(x->family, x->type, x->protocol)
				 : x->entry == 2 ? via_i386_socket(x->family, x->type, x->protocol)
						 : socket(x->family, x->type, x->protocol);
			if (fd >= 0) {
				printf("%s ok\n", x->name);
				close(fd);
			} else {
				printf("%s %d\n", x->name, errno);
			}
		}
	}
	return 0;
}
