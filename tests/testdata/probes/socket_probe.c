// Cordon test probe: creates one socket and prints the outcome as one JSON line.
//
// Usage: socket_probe [--abi native|i386|socketcall] FAMILY TYPE PROTOCOL
//   native      socket(2) (default)
//   i386        the i386 socket syscall (359) through int $0x80 (x86_64 only)
//   socketcall  the i386 multiplexer socketcall(SYS_SOCKET, args) through int $0x80, the
//               arguments in memory below 4 GiB (x86_64 only)
// Output: {"ret":FD,"errno":0} when a socket was created, {"ret":-1,"errno":E} otherwise.
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#if defined(__x86_64__)
static long i386_call(long nr, long a, long b, long c) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c)
                   : "memory", "r8", "r9", "r10", "r11");
  return (long)(int)ret;
}
#endif

int main(int argc, char **argv) {
  int i = 1;
  const char *abi = "native";
  if (argc > 2 && strcmp(argv[1], "--abi") == 0) { abi = argv[2]; i = 3; }
  if (argc - i < 3) { fprintf(stderr, "usage: see the source\n"); return 2; }
  long family = strtol(argv[i], NULL, 0), type = strtol(argv[i + 1], NULL, 0),
       protocol = strtol(argv[i + 2], NULL, 0);
  long ret;
  int err = 0;
  if (strcmp(abi, "native") == 0) {
    ret = socket((int)family, (int)type, (int)protocol);
    err = ret < 0 ? errno : 0;
  } else {
#if defined(__x86_64__)
    if (strcmp(abi, "i386") == 0) {
      ret = i386_call(359, family, type, protocol);
    } else {
      uint32_t *args = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
      if (args == MAP_FAILED) { perror("mmap"); return 2; }
      args[0] = (uint32_t)family; args[1] = (uint32_t)type; args[2] = (uint32_t)protocol;
      ret = i386_call(102, 1 /* SYS_SOCKET */, (long)(uintptr_t)args, 0);
    }
    if (ret < 0 && ret > -4096) { err = (int)-ret; ret = -1; }
#else
    fprintf(stderr, "--abi %s needs x86_64\n", abi);
    return 2;
#endif
  }
  printf("{\"ret\":%ld,\"errno\":%d}\n", ret, err);
  return 0;
}
