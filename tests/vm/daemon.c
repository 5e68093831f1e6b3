/* daemon.c: the VM tests' leaking "daemon", the seeds' test program made
 * non-interactive (adapted from the VM prototype, ../shared/vm/src/daemon.c).
 * Each round: every exec_every rounds first a fork+exec of /bin/true, then
 * count x malloc(size) + memset, never freed (a daemon running a helper: fork needs an
 * order-1 page directory on x86-64 with page-table isolation).
 * usage: daemon [rounds (0 = forever)] [delay_ms] [exec_every (0 = never)]
 *               [count] [size]
 * GO_FILE=path: wait (polling, no allocation) until it exists before round 1.
 * Prints "DAEMON malloc() failed! (fails=N errno=E leaked=NMB)" for the first
 * failures, one line per round, and at the end its AnonHugePages and
 * "DAEMON SURVIVED ...". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long meminfo_kb(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char l[256];
	long v = -1;
	if (!f)
		return -1;
	while (fgets(l, sizeof l, f))
		if (!strncmp(l, key, strlen(key))) {
			sscanf(l + strlen(key), " %ld", &v);
			break;
		}
	fclose(f);
	return v;
}

/* A field of /proc/self/smaps_rollup in kB; -1 when unreadable. */
static long smaps_kb(const char *key)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char l[256];
	long v = -1;
	if (!f)
		return -1;
	while (fgets(l, sizeof l, f))
		if (!strncmp(l, key, strlen(key))) {
			sscanf(l + strlen(key), " %ld", &v);
			break;
		}
	fclose(f);
	return v;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 0;
	long delay_ms = argc > 2 ? atol(argv[2]) : 0;
	long exec_every = argc > 3 ? atol(argv[3]) : 0;
	int count = argc > 4 ? atoi(argv[4]) : 10000;
	int size = argc > 5 ? atoi(argv[5]) : 400;
	long leaked = 0, fails = 0, forks_failed = 0, forks_ok = 0;
	const char *go = getenv("GO_FILE");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (go) {
		struct stat st;
		printf("DAEMON pid %d waiting for %s\n", (int)getpid(), go);
		while (stat(go, &st) != 0)
			usleep(20000);
	}
	for (long r = 1; rounds == 0 || r <= rounds; r++) {
		double t0 = now_s();
		char ex[80] = "";
		/* The fork comes first in its round: it meets the memory exactly as
		 * the harness left it at "go", before this round's leak changes it. */
		if (exec_every && r % exec_every == 0) {
			double f0 = now_s();
			pid_t pid = fork();
			if (pid == 0) {
				execl("/bin/true", "true", (char *)0);
				_exit(127);
			}
			if (pid < 0) {
				forks_failed++;
				snprintf(ex, sizeof ex, " fork=FAIL(errno %d)", errno);
			} else {
				int st;
				waitpid(pid, &st, 0);
				forks_ok++;
				snprintf(ex, sizeof ex, " exec=%s %.0fms",
					 WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "ok" : "BAD",
					 (now_s() - f0) * 1e3);
			}
		}
		for (int i = 0; i < count; i++) {
			void *p = malloc((size_t)size);
			if (p) {
				memset(p, 'J', (size_t)size);
				leaked += size;
				continue;
			}
			fails++;
			if (fails < 5 || fails % 1000 == 0)
				printf("DAEMON malloc() failed! (fails=%ld errno=%d leaked=%ldMB)\n",
				       fails, errno, leaked >> 20);
		}
		printf("DAEMON round %ld leaked %ldMB MemFree %ldkB round_ms %.1f%s\n", r,
		       leaked >> 20, meminfo_kb("MemFree:"), (now_s() - t0) * 1e3, ex);
		if (delay_ms)
			usleep((useconds_t)delay_ms * 1000);
	}
	printf("DAEMON AnonHugePages %ldkB\n", smaps_kb("AnonHugePages:"));
	printf("DAEMON SURVIVED leaked %ldMB malloc_fails %ld forks_ok %ld forks_failed %ld\n",
	       leaked >> 20, fails, forks_ok, forks_failed);
	return 0;
}
