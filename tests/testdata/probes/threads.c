// Cordon test probe: starts a thread (glibc tries clone3 first and falls back to clone on
// ENOSYS) and forks a child, then prints {"thread":T,"fork":F} (1 = worked, 0 = failed) and the
// errno of the first failure.
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void *work(void *arg) { *(int *)arg = 42; return NULL; }

int main(void) {
  int value = 0, thread_ok = 0, fork_ok = 0, err = 0;
  pthread_t thread;
  int rc = pthread_create(&thread, NULL, work, &value);
  if (rc == 0 && pthread_join(thread, NULL) == 0 && value == 42) thread_ok = 1;
  else err = rc;
  pid_t pid = fork();
  if (pid == 0) _exit(7);
  int status = 0;
  if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7)
    fork_ok = 1;
  else if (!err) err = errno;
  printf("{\"thread\":%d,\"fork\":%d,\"errno\":%d}\n", thread_ok, fork_ok, err);
  return 0;
}
