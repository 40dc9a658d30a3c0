// Cordon test probe: runs a copy of a program from a descriptor that no path rule sees.
//
// Usage: fd_exec memfd FLAGS HOW SRC ARG...   copy SRC into memfd_create("copy", FLAGS)
//        fd_exec opath PATH HOW ARG...        open PATH with O_PATH (a file in a write path)
//   HOW  execveat: execveat(fd, "", argv, envp, AT_EMPTY_PATH) (what fexecve does)
//        proc:     execve("/proc/self/fd/N", ...)
//   ARG  the argv of the program run (argv[0] first)
// Output (one JSON line) when a step fails: {"step":"memfd|copy|open|exec","errno":E};
// on success the program run replaces the probe.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

static int fail(const char *step) {
  printf("{\"step\":\"%s\",\"errno\":%d}\n", step, errno);
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: see the source\n"); return 2; }
  setvbuf(stdout, NULL, _IONBF, 0);
  int fd;
  char **args;
  const char *how;
  if (strcmp(argv[1], "memfd") == 0) {
    if (argc < 6) return 2;
    unsigned flags = (unsigned)strtoul(argv[2], NULL, 0);
    how = argv[3];
    fd = (int)syscall(SYS_memfd_create, "copy", flags);
    if (fd < 0) return fail("memfd");
    int src = open(argv[4], O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (src < 0 || fstat(src, &st) != 0) return fail("copy");
    for (off_t done = 0; done < st.st_size;) {
      ssize_t n = sendfile(fd, src, NULL, (size_t)(st.st_size - done));
      if (n <= 0) return fail("copy");
      done += n;
    }
    args = argv + 5;
  } else {
    fd = open(argv[2], O_PATH | O_CLOEXEC);
    if (fd < 0) return fail("open");
    how = argv[3];
    args = argv + 4;
  }
  if (strcmp(how, "execveat") == 0) {
    syscall(SYS_execveat, fd, "", args, environ, AT_EMPTY_PATH);
  } else {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    execve(path, args, environ);
  }
  return fail("exec");
}
