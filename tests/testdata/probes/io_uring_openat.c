// Cordon test probe: opens a file through io_uring's IORING_OP_OPENAT (no openat syscall is
// made by the open itself) and prints the outcome as one JSON line on stdout.
//
// Usage: io_uring_openat PATH [create]
//   create  open with O_CREAT|O_WRONLY (mode 0644) instead of O_RDONLY
// Output: {"stage":"setup","errno":E}  io_uring_setup failed (e.g. denied by a filter)
//         {"stage":"enter","errno":E}  io_uring_enter failed
//         {"stage":"openat","res":R}   the operation ran: R >= 0 is the new fd, R < 0 is -errno
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s PATH [create]\n", argv[0]); return 2; }
  int create = argc > 2 && strcmp(argv[2], "create") == 0;
  struct io_uring_params params;
  memset(&params, 0, sizeof params);
  int fd = (int)syscall(__NR_io_uring_setup, 4, &params);
  if (fd < 0) { printf("{\"stage\":\"setup\",\"errno\":%d}\n", errno); return 0; }

  size_t sq_size = params.sq_off.array + params.sq_entries * sizeof(unsigned);
  size_t cq_size = params.cq_off.cqes + params.cq_entries * sizeof(struct io_uring_cqe);
  char *sq = mmap(NULL, sq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
                  IORING_OFF_SQ_RING);
  char *cq = mmap(NULL, cq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
                  IORING_OFF_CQ_RING);
  struct io_uring_sqe *sqes = mmap(NULL, params.sq_entries * sizeof(struct io_uring_sqe),
                                   PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
                                   IORING_OFF_SQES);
  if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) { perror("mmap"); return 2; }

  unsigned *sq_tail = (unsigned *)(sq + params.sq_off.tail);
  unsigned *sq_mask = (unsigned *)(sq + params.sq_off.ring_mask);
  unsigned *sq_array = (unsigned *)(sq + params.sq_off.array);
  unsigned tail = *sq_tail;
  unsigned index = tail & *sq_mask;
  struct io_uring_sqe *sqe = &sqes[index];
  memset(sqe, 0, sizeof *sqe);
  sqe->opcode = IORING_OP_OPENAT;
  sqe->fd = AT_FDCWD;
  sqe->addr = (unsigned long)argv[1];
  sqe->open_flags = create ? (O_CREAT | O_WRONLY) : O_RDONLY;
  sqe->len = create ? 0644 : 0;
  sq_array[index] = index;
  __atomic_store_n(sq_tail, tail + 1, __ATOMIC_RELEASE);

  if (syscall(__NR_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0) {
    printf("{\"stage\":\"enter\",\"errno\":%d}\n", errno);
    return 0;
  }
  unsigned *cq_head = (unsigned *)(cq + params.cq_off.head);
  unsigned *cq_mask = (unsigned *)(cq + params.cq_off.ring_mask);
  struct io_uring_cqe *cqes = (struct io_uring_cqe *)(cq + params.cq_off.cqes);
  unsigned head = __atomic_load_n(cq_head, __ATOMIC_ACQUIRE);
  printf("{\"stage\":\"openat\",\"res\":%d}\n", cqes[head & *cq_mask].res);
  return 0;
}
