// Cordon benchmark helper: installs the seccomp filters given as files of raw struct sock_filter
// arrays (no_new_privs first), then calls getppid N times and prints the mean ns per call.
//
// Usage: getppid_loop N [FILTER.bpf...]
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int install(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); return -1; }
  static struct sock_filter code[4096];
  size_t n = fread(code, sizeof code[0], 4096, f);
  fclose(f);
  struct sock_fprog prog = { .len = (unsigned short)n, .filter = code };
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) { perror("seccomp"); return -1; }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s N [FILTER.bpf...]\n", argv[0]); return 2; }
  long n = strtol(argv[1], NULL, 0);
  if (argc > 2 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) { perror("prctl"); return 1; }
  for (int i = 2; i < argc; i++) if (install(argv[i]) != 0) return 1;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) syscall(SYS_getppid);
  clock_gettime(CLOCK_MONOTONIC, &b);
  double ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
  printf("%.2f\n", ns / (double)n);
  return 0;
}
