/* kept_fds.c: the shim keeps /proc/buddyinfo, zoneinfo and vmstat open on
 * high descriptor numbers and reads them before large faults. A daemon that
 * closes every descriptor it does not know, then gets those numbers again
 * for its own pipes or sockets, must keep them: the shim may neither read
 * them nor close them. Checked: after the shim's descriptors are closed and
 * their numbers given to pipes, large allocations (each looked at first)
 * leave every pipe open, still a pipe, its byte unread; and the shim opened
 * its files again (it still looks). Before sample.c checked the file behind
 * a kept number, its pread on the pipe failed and it closed the pipe. */
#include "check.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#define MAXK 16

/* The descriptors open on the shim's /proc files, into fds[]; how many. */
static int kept(int *fds)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d))) {
		char path[64], to[128];
		snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
		ssize_t l = readlink(path, to, sizeof to - 1);
		if (l <= 0)
			continue;
		to[l] = 0;
		if ((!strcmp(to, "/proc/buddyinfo") || !strcmp(to, "/proc/zoneinfo") ||
		     !strcmp(to, "/proc/vmstat")) && n < MAXK)
			fds[n++] = atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return n;
}

/* New large blocks (all held: none comes from the shim's cache), each
 * looked at by the shim before it is faulted. */
static void grow(void)
{
	char *p[16];
	for (int i = 0; i < 16; i++) {
		p[i] = malloc((size_t)(3 + i % 4) << 20);
		CHECK(p[i] != NULL);
		if (p[i])
			memset(p[i], 1, 1u << 20);
		usleep(20000);
	}
	for (int i = 0; i < 16; i++)
		free(p[i]);
}

int main(void)
{
	if (!under_shim())
		skip("not under the shim");
	int fds[MAXK], n;
	grow();
	n = kept(fds);
	CHECKF(n > 0, "the shim keeps no /proc file open after large allocations");
	int pipes[MAXK][2];
	for (int i = 0; i < n; i++) {
		CHECK(close(fds[i]) == 0); /* the daemon's close loop */
		CHECK(pipe(pipes[i]) == 0);
		CHECK(dup2(pipes[i][0], fds[i]) == fds[i]);
		close(pipes[i][0]);
		CHECK(write(pipes[i][1], "x", 1) == 1);
	}
	grow();
	for (int i = 0; i < n; i++) {
		struct stat st;
		char c = 0;
		CHECKF(fstat(fds[i], &st) == 0 && S_ISFIFO(st.st_mode), "descriptor %d: %s", fds[i],
		       strerror(errno));
		int fl = fcntl(fds[i], F_GETFL);
		if (fl >= 0)
			fcntl(fds[i], F_SETFL, fl | O_NONBLOCK);
		CHECKF(read(fds[i], &c, 1) == 1 && c == 'x', "descriptor %d: the pipe's byte is gone", fds[i]);
		close(fds[i]);
		close(pipes[i][1]);
	}
	int again[MAXK];
	CHECKF(kept(again) > 0, "the shim did not open its /proc files again");
	return check_done("kept_fds");
}
