/* fork_signal.c: fork from a signal handler that interrupted malloc (fork
 * was async-signal-safe in POSIX until 2024; old-style daemons respawn
 * workers from SIGCHLD, and glibc's malloc allows it in a single-threaded
 * program). The shim's fork handlers take every shim lock; one may be held
 * by the interrupted malloc below the handler, in the same thread, which
 * waited forever. Now the shim sees that this thread holds a lock
 * (lock_depth) and leaves the locks, the guard and its threads alone for
 * that fork. Checked: 3 s of small and large malloc/free with a SIGALRM
 * handler forking every 2 ms finish (a watchdog kills a hang after 30 s)
 * and the handler forked. Not covered: a signal landing inside fork itself
 * (glibc's own fork locks are then held: glibc alone deadlocks too). */
#include "check.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t in_handler_forks;

static void on_alarm(int sig)
{
	(void)sig;
	int e = errno;
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	if (p > 0) {
		in_handler_forks++;
		waitpid(p, NULL, 0);
	}
	errno = e;
}

static int run(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 2000 }, { 0, 2000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int forks = 0;
	do {
		free(malloc(3u << 20)); /* the release thread runs (again) */
		void *v[64];
		for (int k = 0; k < 64; k++)
			v[k] = malloc(16 + (size_t)k * 500);
		for (int k = 0; k < 64; k++)
			free(v[k]);
		forks++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < 3);
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	printf("%d rounds, %d forks from the handler\n", forks, (int)in_handler_forks);
	return forks > 0 && in_handler_forks > 0 ? 0 : 1;
}

int main(void)
{
	if (!under_shim())
		skip("not under the shim");
	pid_t pid = fork();
	if (pid == 0)
		_exit(run());
	int st = -1;
	for (int i = 0; i < 300; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		usleep(100000);
	}
	if (waitpid(pid, &st, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		CHECKF(0, "a fork from the signal handler hung for 30 s");
	} else {
		CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	}
	return check_done("fork_signal");
}
