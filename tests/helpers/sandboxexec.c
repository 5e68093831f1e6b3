/* sandboxexec.c: runs a program inside a seccomp filter it inherits, as
 * man-db's children and a sandboxed service's helpers do: no_new_privs, a
 * filter under which renaming, linking, unlinking and making directories
 * fail with ENOSYS (the calls an exit report needs), then exec. The shim in
 * the new program must see the filter and stay quiet, not print that it
 * cannot write its report. usage: sandboxexec PROGRAM [ARG...] | -p */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp_ban.h"

static const long refused[] = {
	SYS_renameat, SYS_linkat, SYS_unlinkat, SYS_mkdirat,
#ifdef SYS_renameat2
	SYS_renameat2,
#endif
#ifdef SYS_rename
	SYS_rename, SYS_link, SYS_unlink, SYS_mkdir,
#endif
};
#define N (sizeof refused / sizeof refused[0])

int main(int argc, char **argv)
{
	/* -p: only probe, as libseccomp and systemd do (calls that fail and
	 * install nothing), then allocate and exit: the shim must carry on. */
	if (argc == 2 && !strcmp(argv[1], "-p")) {
		long a = syscall(SYS_seccomp, 0, 1, NULL);
		long b = syscall(SYS_seccomp, 1, 0, NULL);
		int c = prctl(PR_SET_SECCOMP, 2, 0, 0, 0);
		for (int i = 0; i < 1000; i++)
			free(malloc(1000));
		return a == -1 && b == -1 && c == -1 ? 0 : 1;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: sandboxexec PROGRAM [ARG...]\n");
		return 2;
	}
	struct bpf_insn f[N + 3];
	struct bpf_prog prog = ban_prog(f, refused, N, BAN_ERRNO(ENOSYS));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, 2, &prog, 0, 0)) {
		printf("seccomp filters not available here: %s\n", strerror(errno));
		return 77;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "sandboxexec: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
