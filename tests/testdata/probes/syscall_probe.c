// Cordon test probe: makes ONE syscall and prints its outcome as one JSON line on stdout.
//
// Usage: syscall_probe [--abi native|i386] NR [ARG...]
//   --abi i386  make the call through `int $0x80` (the i386 ABI) from this 64-bit process
//               (x86_64 only); NR is then an i386 syscall number
//   ARG         a 64-bit integer (decimal, 0x hex, negative), s:TEXT (pointer to the string TEXT),
//               how:FLAGS:MODE (pointer to a struct open_how, for openat2) or null
// Output: {"ret":R,"errno":E}          the call returned (errno 0 when it succeeded)
//         {"trap":true,"errno":D,"nr":N} the call raised SIGSYS (seccomp trap; D = the data)
// A seccomp kill ends the process with SIGSYS before anything is printed. A successful
// execve/execveat replaces the probe (nothing printed).
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

struct open_how_probe { uint64_t flags, mode, resolve; };

// Memory below 4 GiB, so that i386 calls can take pointers to it.
static char *low;
static size_t low_used;

static void *low_alloc(size_t size) {
  if (!low) {
#ifdef MAP_32BIT
    low = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
#else
    low = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
#endif
    if (low == MAP_FAILED) { perror("mmap"); exit(2); }
  }
  void *p = low + low_used;
  low_used += (size + 15) & ~(size_t)15;
  return p;
}

static long parse_arg(const char *text) {
  if (strcmp(text, "null") == 0) return 0;
  if (strncmp(text, "s:", 2) == 0) {
    char *copy = low_alloc(strlen(text + 2) + 1);
    strcpy(copy, text + 2);
    return (long)(uintptr_t)copy;
  }
  if (strncmp(text, "how:", 4) == 0) {
    struct open_how_probe *how = low_alloc(sizeof *how);
    char *end;
    how->flags = strtoull(text + 4, &end, 0);
    how->mode = *end == ':' ? strtoull(end + 1, NULL, 0) : 0;
    how->resolve = 0;
    return (long)(uintptr_t)how;
  }
  // all 64 bits: strtoull takes 0xffffffff0000000a (strtol would saturate it), and "-1" too
  return (long)strtoull(text, NULL, 0);
}

static void on_sigsys(int sig, siginfo_t *info, void *context) {
  (void)sig; (void)context;
  char line[128];
  int n = snprintf(line, sizeof line, "{\"trap\":true,\"errno\":%d,\"nr\":%d}\n", info->si_errno,
                   info->si_syscall);
  if (write(1, line, (size_t)n) < 0) _exit(3);
  _exit(0);
}

#if defined(__x86_64__)
static long i386_call(long nr, long a, long b, long c, long d, long e) {
  long ret;
  __asm__ volatile("int $0x80"
                   : "=a"(ret)
                   : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
                   : "memory", "r8", "r9", "r10", "r11");
  return (long)(int)ret;
}
#endif

int main(int argc, char **argv) {
  int i = 1, i386 = 0;
  if (i + 1 < argc && strcmp(argv[i], "--abi") == 0) {
    i386 = strcmp(argv[i + 1], "i386") == 0;
    i += 2;
  }
  if (i >= argc) { fprintf(stderr, "usage: %s [--abi native|i386] NR [ARG...]\n", argv[0]); return 2; }
  long nr = strtol(argv[i++], NULL, 0);
  long args[6] = {0};
  for (int a = 0; a < 6 && i < argc; a++, i++) args[a] = parse_arg(argv[i]);

  struct sigaction action = {0};
  action.sa_sigaction = on_sigsys;
  action.sa_flags = SA_SIGINFO;
  sigaction(SIGSYS, &action, NULL);
  setvbuf(stdout, NULL, _IONBF, 0);

  long ret;
  int err = 0;
  if (i386) {
#if defined(__x86_64__)
    ret = i386_call(nr, args[0], args[1], args[2], args[3], args[4]);
    if (ret < 0 && ret > -4096) { err = (int)-ret; ret = -1; }
#else
    fprintf(stderr, "--abi i386 needs x86_64\n");
    return 2;
#endif
  } else {
    errno = 0;
    ret = syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]);
    err = ret == -1 ? errno : 0;
  }
  printf("{\"ret\":%ld,\"errno\":%d}\n", ret, err);
  return 0;
}
