/* sandboxexec.c: runs a program inside a seccomp filter it inherits, as
 * man-db's children and a sandboxed service's helpers do: no_new_privs, a
 * filter under which renaming, linking, unlinking and making directories
 * fail with ENOSYS (the calls an exit report needs), then exec. The shim in
 * the new program must see the filter and stay quiet, not print that it
 * cannot write its report. usage: sandboxexec PROGRAM [ARG...] | -p */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

struct bpf_insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};
struct bpf_prog {
	unsigned short len;
	struct bpf_insn *filter;
};
#define LD_NR 0x20
#define JEQ 0x15
#define RET 0x06
#define RET_ERRNO(e) (0x00050000u | (e))
#define RET_ALLOW 0x7fff0000u

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
	size_t n = 0;
	f[n++] = (struct bpf_insn){ LD_NR, 0, 0, 0 };
	for (size_t i = 0; i < N; i++)
		f[n++] = (struct bpf_insn){ JEQ, (uint8_t)(N - i), 0, (uint32_t)refused[i] };
	f[n++] = (struct bpf_insn){ RET, 0, 0, RET_ALLOW };
	f[n++] = (struct bpf_insn){ RET, 0, 0, RET_ERRNO(ENOSYS) };
	struct bpf_prog prog = { (unsigned short)n, f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, 2, &prog, 0, 0)) {
		printf("seccomp filters not available here: %s\n", strerror(errno));
		return 77;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "sandboxexec: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
