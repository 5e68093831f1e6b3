/* unwind_fds.c: call-site sampling touches none of the program's file
 * descriptors. A daemon closes every descriptor it did not open, then its
 * own pipes and sockets get the lowest numbers; the shim then samples call
 * sites (every 4 KiB here). libunwind 1.6, which the shim used before,
 * validated each address it read by writing one byte of it into a pipe it
 * had opened on the lowest free numbers at start: the program's pipe got
 * stray bytes (and sshd's monitor socket, broken logins). Checked: after
 * thousands of samples every pipe holds exactly what the program wrote and
 * is still open. Runs itself again with FRAGGUARD_REPORT and
 * FRAGGUARD_SAMPLE_BYTES=4K (sampling is on only with a report). */
#include "check.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#define NPIPE 4

static void *keep[20000];

/* Allocates from depth pages further down the stack: each depth unwinds
 * through stack pages the unwinder has not read before. */
__attribute__((noinline)) static void deep(int depth, int round)
{
	volatile char pad[4096];
	pad[0] = (char)depth;
	if (depth > 0) {
		deep(depth - 1, round);
		__asm__ volatile("" : : "r"(pad) : "memory");
		return;
	}
	for (int i = 0; i < 2000; i++)
		keep[i] = malloc(16 + (size_t)((i + round) * 37 % 2000));
	for (int i = 0; i < 2000; i++)
		free(keep[i]);
}

int main(int argc, char **argv)
{
	(void)argc;
	check_child_reporting(argv, "unwind-fds", "FRAGGUARD_SAMPLE_BYTES=4K");
	for (int fd = 3; fd < 1024; fd++) /* the daemon's close loop */
		close(fd);
	int p[NPIPE][2];
	for (int i = 0; i < NPIPE; i++) {
		CHECK(pipe2(p[i], O_NONBLOCK) == 0);
		CHECK(write(p[i][1], "ab", 2) == 2);
	}
	for (int round = 0; round < 200; round++)
		deep(round % 100, round);
	for (int i = 0; i < NPIPE; i++) {
		char b[64];
		ssize_t n = read(p[i][0], b, sizeof b);
		CHECKF(n == 2 && !memcmp(b, "ab", 2), "pipe %d (fds %d, %d): read %zd bytes (%s)", i,
		       p[i][0], p[i][1], n, n < 0 ? strerror(errno) : "want 2: \"ab\"");
		CHECKF(fcntl(p[i][1], F_GETFD) >= 0, "pipe %d: write end %d closed", i, p[i][1]);
	}
	return check_done("unwind_fds");
}
