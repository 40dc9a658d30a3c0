// Cordon test probe: writes machine code (mov eax, 42; ret) into memory and runs it, by one route.
//
// Usage: wx anon-rwx | anon-mprotect | memfd-dual FLAGS | shm-exec | read-implies-exec | file-dual PATH
// Output (one JSON line): {"ran":42} when the written code ran;
//                         {"step":"S","errno":E} when step S failed;
//                         {"segv":true} when the code was written but could not be executed.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

static const unsigned char CODE[] = {0xb8, 42, 0, 0, 0, 0xc3};

static int fail(const char *step) {
  printf("{\"step\":\"%s\",\"errno\":%d}\n", step, errno);
  return 1;
}

static void on_segv(int sig) {
  (void)sig;
  const char line[] = "{\"segv\":true}\n";
  if (write(1, line, sizeof line - 1) < 0) _exit(4);
  _exit(3);
}

static int run(void *code) {
  int r = ((int (*)(void))code)();
  printf("{\"ran\":%d}\n", r);
  return 0;
}

static int dual(int fd) {
  if (ftruncate(fd, 4096) != 0) return fail("ftruncate");
  unsigned char *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (w == MAP_FAILED) return fail("mmap-rw");
  memcpy(w, CODE, sizeof CODE);
  void *x = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (x == MAP_FAILED) return fail("mmap-rx");
  return run(x);
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: see the source\n"); return 2; }
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGSEGV, on_segv);
  const char *mode = argv[1];
  if (strcmp(mode, "anon-rwx") == 0) {
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return fail("mmap");
    memcpy(p, CODE, sizeof CODE);
    return run(p);
  }
  if (strcmp(mode, "anon-mprotect") == 0) {
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return fail("mmap");
    memcpy(p, CODE, sizeof CODE);
    if (mprotect(p, 4096, PROT_READ | PROT_EXEC) != 0) return fail("mprotect");
    return run(p);
  }
  if (strcmp(mode, "memfd-dual") == 0 && argc > 2) {
    int fd = (int)syscall(SYS_memfd_create, "code", (unsigned)strtoul(argv[2], NULL, 0));
    if (fd < 0) return fail("memfd");
    return dual(fd);
  }
  if (strcmp(mode, "file-dual") == 0 && argc > 2) {
    int fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return fail("open");
    return dual(fd);
  }
  if (strcmp(mode, "shm-exec") == 0) {
    int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    if (id < 0) return fail("shmget");
    void *p = shmat(id, NULL, SHM_EXEC);
    shmctl(id, IPC_RMID, NULL);
    if (p == (void *)-1) return fail("shmat");
    memcpy(p, CODE, sizeof CODE);
    return run(p);
  }
  if (strcmp(mode, "read-implies-exec") == 0) {
    if (personality(READ_IMPLIES_EXEC) == -1) return fail("personality");
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return fail("mmap");
    memcpy(p, CODE, sizeof CODE);
    return run(p);
  }
  fprintf(stderr, "unknown mode %s\n", mode);
  return 2;
}
