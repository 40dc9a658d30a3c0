// Cordon test probe (issue 14, --explain): calls mkdir(PATH, 0700) N times and prints one JSON
// line: the errno of the first call, whether every call failed with it, and the mean ns per call.
//
// Usage: mkdir_loop N PATH
// Output: {"calls":N,"errno":E,"same":true|false,"succeeded":S,"ns":T}
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: %s N PATH\n", argv[0]); return 2; }
  long n = strtol(argv[1], NULL, 0);
  int first = -1, same = 1;
  long succeeded = 0;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) {
    long ret = syscall(SYS_mkdir, argv[2], 0700);
    int e = ret == 0 ? 0 : errno;
    if (ret == 0) { succeeded++; rmdir(argv[2]); }
    if (first < 0) first = e;
    else if (e != first) same = 0;
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  double ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (double)(n > 0 ? n : 1);
  printf("{\"calls\":%ld,\"errno\":%d,\"same\":%s,\"succeeded\":%ld,\"ns\":%.1f}\n", n, first,
         same ? "true" : "false", succeeded, ns);
  return 0;
}
