/* fork_count.c: the shim's own threads (the release thread, the report
 * thread) are stopped before fork and, in the parent, start again only when
 * next needed. A program that counts its threads right after fork (Python
 * 3.12+ warns "This process is multi-threaded, use of fork() may lead to
 * deadlocks in the child" from /proc/self/stat) finds only its own. Checked:
 * with both shim threads running, the parent sees 1 thread at its first
 * look after fork in each of 10 rounds (the shim waits until the kernel has
 * taken its joined threads out of the thread group: pthread_join returns a
 * little before; without that wait 1 run in 10 counted more) and the
 * child 1; a large free and a little allocation later the parent
 * has them again (they were not lost). Runs itself again with
 * FRAGGUARD_REPORT set, for the report thread. */
#include "check.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>

/* num_threads from /proc/self/stat, without allocating. */
static int nthreads(void)
{
	char b[1024];
	int fd = open("/proc/self/stat", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, b, sizeof b - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	b[n] = 0;
	char *p = strrchr(b, ')');
	int field = 2;
	while (p && *p && field < 20)
		if (*p++ == ' ')
			field++;
	return p ? atoi(p) : -1;
}

/* Large frees and small allocations until the process has want threads. */
static int wait_threads(int want)
{
	for (int i = 0; i < 300; i++) {
		free(malloc(4u << 20));
		for (int k = 0; k < 1000; k++)
			free(malloc(1000));
		if (nthreads() >= want)
			return 1;
		usleep(10000);
	}
	return 0;
}

int main(int argc, char **argv)
{
	(void)argc;
	check_child_reporting(argv, "fork-count", "FRAGGUARD_REPORT_INTERVAL=1");
	CHECKF(wait_threads(3), "the shim's two threads did not start (%d threads)", nthreads());
	for (int round = 0; round < 10; round++) {
		int p[2];
		CHECK(pipe(p) == 0);
		pid_t pid = fork();
		if (pid == 0) {
			char n = (char)nthreads();
			(void)!write(p[1], &n, 1);
			_exit(0);
		}
		int parent = nthreads();
		char child = 0;
		CHECK(read(p[0], &child, 1) == 1);
		CHECK(waitpid(pid, NULL, 0) == pid);
		close(p[0]);
		close(p[1]);
		CHECKF(parent == 1, "round %d: %d threads in the parent just after fork", round, parent);
		CHECKF(child == 1, "round %d: %d threads in the child", round, child);
		CHECKF(wait_threads(3), "round %d: the shim's threads did not come back (%d)", round, nthreads());
	}
	return check_done("fork_count");
}
