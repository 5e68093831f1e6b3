/* report_cadence.c: interval reports keep their cadence in a process that
 * forks all the time (a prefork server's master). fork stops the report
 * thread and the parent starts it again when next needed (worker.h); each
 * restart must carry on from the last interval report, not start a new
 * interval, or a master forking more often than REPORT_INTERVAL would never
 * write one (and an OOM kill would leave nothing). Checked: forking every
 * 50 ms for 4.5 s with REPORT_INTERVAL=1, the report file read by the
 * program itself says "interval" with seq >= 3 (one a second, four due;
 * fork writes the one due before it stops the thread; the margin is for a
 * loaded machine). */
#include "check.h"
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	(void)argc;
	check_child_reporting(argv, "report-cadence", "FRAGGUARD_REPORT_INTERVAL=1");
	const char *path = getenv("FRAGGUARD_REPORT");
	double t0 = now_s();
	int forks = 0;
	while (now_s() - t0 < 4.5) {
		for (int i = 0; i < 200; i++)
			free(malloc(64 + (size_t)i * 100)); /* slow paths: restarts happen */
		pid_t pid = fork();
		if (pid == 0) /* no exit report: it would replace the parent's (one path) */
			syscall(SYS_exit_group, 0);
		CHECK(pid > 0 && waitpid(pid, NULL, 0) == pid);
		forks++;
		usleep(50000);
	}
	char buf[1 << 16];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	const char *seq = strstr(buf, "\"seq\":");
	long s = seq ? atol(seq + 6) : 0;
	CHECKF(strstr(buf, "\"reason\":\"interval\"") && s >= 3,
	       "after %d forks in 4.5 s: no interval report with seq >= 3 (%zd bytes, seq %ld)", forks, n, s);
	return check_done("report_cadence");
}
