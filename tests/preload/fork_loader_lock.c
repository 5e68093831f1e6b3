/* fork_loader_lock.c: a forked child writes its report without the
 * loader's lock. One thread walks the loaded modules with dl_iterate_phdr
 * all the time (as C++ exception unwinding and profilers do), so a fork
 * often happens while that thread holds the loader's lock, which the child
 * inherits held (glibc does not reset it). Each child allocates, then ends
 * with _exit; its report must be written (not wait forever for the lock),
 * and name its call sites' modules from the fork's snapshot. Checked: 40
 * forks, each child done within 5 s, and the last child's report names the
 * module of its call site. */
#include "check.h"
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>

static volatile unsigned long sink;

static int walk(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)info;
	(void)size;
	(void)arg;
	for (int k = 0; k < 20000; k++)
		sink += (unsigned long)k;
	return 0;
}

static void *spin(void *arg)
{
	(void)arg;
	for (;;)
		dl_iterate_phdr(walk, NULL);
	return NULL;
}

__attribute__((noinline)) static void child_grows(void)
{
	for (int k = 0; k < 8; k++) {
		char *x = malloc(1 << 20);
		if (x)
			memset(x, 1, 1 << 20);
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	check_child_reporting(argv, "fork-loader-lock", "FRAGGUARD_SAMPLE_BYTES=64K");
	const char *path = getenv("FRAGGUARD_REPORT");
	pthread_t t;
	CHECK(pthread_create(&t, NULL, spin, NULL) == 0);
	int hung = 0, last = 0;
	for (int i = 0; i < 40; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			child_grows();
			_exit(0);
		}
		CHECK(pid > 0);
		int st = 0, done = 0;
		for (int ms = 0; ms < 5000 && !done; ms++) {
			done = waitpid(pid, &st, WNOHANG) == pid;
			if (!done)
				usleep(1000);
		}
		if (!done) {
			hung++;
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
		}
		last = pid;
	}
	CHECKF(hung == 0, "%d of 40 forked children never ended (waiting for the loader's lock)", hung);

	/* The report at the fixed path is the last child's (children write it
	 * on _exit; the parent writes it only at its own exit). */
	char buf[1 << 16], want[32];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof want, "\"pid\":%d,", last);
	CHECKF(strstr(buf, want) != NULL, "the report is not the last child's (%d): %.120s", last, buf);
	/* A build without an unwinder (musl, armhf) records no call sites: the
	 * hang is still checked, the module names cannot be. */
	if (strstr(buf, "\"unwinder\":\"none\""))
		printf("fork_loader_lock: built without an unwinder, module names not checked\n");
	else
		CHECKF(strstr(buf, "\"module\":\"") != NULL,
		       "the child's report names no module of its call sites: %.300s",
		       strstr(buf, "\"callsites\"") ? strstr(buf, "\"callsites\"") : buf);
	return check_done("fork_loader_lock");
}
