/* madvise_einval: runs a program on a kernel that pretends not to know some
 * madvise advice, as kernels before 5.14 (MADV_POPULATE_WRITE, 23), without
 * THP (MADV_HUGEPAGE, 14) or before 6.1 (MADV_COLLAPSE, 25) do: a seccomp
 * filter (plain BPF, no libseccomp) makes madvise with those advice values
 * fail with EINVAL, in this process and everything it execs.
 * Usage: madvise_einval ADVICE[,ADVICE...] [NAME=VALUE...] PROGRAM [ARG...]
 * (NAME=VALUE set in the environment, as env(1) does; exit 125 on a setup
 * error, 126/127 when PROGRAM cannot be run). */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__i386__)
#define ARCH AUDIT_ARCH_I386
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#elif defined(__arm__)
#define ARCH AUDIT_ARCH_ARM
#else
#error "madvise_einval: add this architecture's AUDIT_ARCH"
#endif

#define MAXADV 8

/* The low 32 bits of argument i (advice is an int). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#else
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)
#endif

static int install(const unsigned *adv, int n)
{
	struct sock_filter f[8 + MAXADV];
	int k = 0;
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_madvise, 1, 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2));
	/* advice i matches: jump over the remaining tests and the ALLOW */
	for (int i = 0; i < n; i++)
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, adv[i],
						      (unsigned char)(n - i), 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EINVAL & SECCOMP_RET_DATA));
	struct sock_fprog prog = { .len = (unsigned short)k, .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

int main(int argc, char **argv)
{
	unsigned adv[MAXADV];
	int n = 0, i = 2;
	if (argc < 3) {
		fprintf(stderr, "usage: madvise_einval ADVICE[,ADVICE...] [NAME=VALUE...] PROGRAM [ARG...]\n");
		return 125;
	}
	for (char *s = argv[1], *e; *s; s = *e ? e + 1 : e) {
		unsigned long v = strtoul(s, &e, 10);
		if (e == s || (*e && *e != ',') || n == MAXADV || v > 255) {
			fprintf(stderr, "madvise_einval: bad advice list '%s'\n", argv[1]);
			return 125;
		}
		adv[n++] = (unsigned)v;
	}
	for (; i < argc && strchr(argv[i], '='); i++)
		if (putenv(argv[i])) {
			perror("madvise_einval: putenv");
			return 125;
		}
	if (i == argc) {
		fprintf(stderr, "madvise_einval: no program\n");
		return 125;
	}
	if (install(adv, n)) {
		fprintf(stderr, "madvise_einval: cannot install the seccomp filter: %s\n", strerror(errno));
		return 125;
	}
	execvp(argv[i], argv + i);
	fprintf(stderr, "madvise_einval: cannot run '%s': %s\n", argv[i], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
