/* sandbox.c: prctl, which notices a program installing a seccomp filter
 * (PR_SET_SECCOMP: OpenSSH's pre-authentication child, vsftpd). Such a
 * filter allows the system calls the program makes and kills it at any
 * other: under the shim, sshd's child was killed (SIGSYS) for the readlinkat
 * of its exit report, and every login hung. So on the way in the shim
 * writes its report (reason "seccomp"), stops its threads for good (a
 * filter applied to all threads would reach them; a new thread would need
 * clone), stops sampling call sites (an unwinder may make system
 * calls), and makes no file, /proc or process-information calls from then
 * on (os_sandbox): the guard then sees no kernel state and lets growth
 * through, and no exit report is written. libc's syscall() is watched too:
 * libseccomp installs its filters with seccomp(2) through it (man-db,
 * systemd's services). A filter installed by an inline system call
 * (Chromium, Go) is not seen. */
#include <errno.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "callsite.h"
#include "glibc.h"
#include "os.h"
#include "report.h"
#include "sandbox.h"
#include "shim.h"
#include "worker.h"

static void enter(void)
{
	if (__atomic_load_n(&os_sandboxed, __ATOMIC_ACQUIRE))
		return;
	/* A vfork child runs in its parent's memory: its filter is its own,
	 * the flag below would be the parent's. */
	if (!report_own_process())
		return;
	int saved = errno;
	if (__atomic_load_n(&g.state, __ATOMIC_ACQUIRE) == ST_READY)
		report_write("seccomp");
	callsite_disarm();
	worker_pause(); /* never resumed */
	os_sandbox();
	errno = saved;
}

static void *real_prctl, *real_syscall;

/* Looked up at start (setup_init), not at a first call that may come from
 * a signal handler, where dlsym is not safe. */
void sandbox_resolve(void)
{
	glibc_next("prctl", &real_prctl);
#if FG_OWN_SYSCALLS
	glibc_next("syscall", &real_syscall);
#endif
}

/* Whether a seccomp call can install something, rather than probe: strict
 * mode with no flags and no argument, or a filter with a program. With
 * prctl (via_prctl) the modes are 1 (strict) and 2 (filter); with seccomp(2)
 * the operations 0 and 1. libseccomp and systemd probe with a NULL filter
 * or a strict call with flags, which fail and install nothing. */
static int installs(int via_prctl, unsigned long mode, unsigned long flags, long arg)
{
	if (via_prctl) /* strict reads no more arguments: they may be anything */
		return mode == 1 || (mode == 2 && arg != 0);
	if (mode == 0)
		return !flags && !arg;
	return mode == 1 && arg != 0;
}

/* The C library's function that a wrapper forwards to, or NULL with errno
 * ENOSYS. */
static void *next_fn(const char *name, void **cache)
{
	void *f = glibc_next(name, cache);
	if (!f)
		errno = ENOSYS;
	return f;
}

/* n longs of a variadic call into v: both wrappers below read a fixed
 * count whatever the call, as the C library's own do. */
#define VA_LONGS(last, v, n) do { \
	va_list ap; \
	va_start(ap, last); \
	for (int i_ = 0; i_ < (n); i_++) \
		(v)[i_] = va_arg(ap, long); \
	va_end(ap); \
} while (0)

/* prctl(2) takes up to four more arguments, all unsigned long. */
EXPORT int prctl(int option, ...)
{
	long v[4];
	VA_LONGS(option, v, 4);
	int (*f)(int, ...) = (int (*)(int, ...))next_fn("prctl", &real_prctl);
	if (!f)
		return -1;
	if (option == PR_SET_SECCOMP && installs(1, (unsigned long)v[0], 0, v[1]))
		enter();
	return f(option, v[0], v[1], v[2], v[3]);
}

#if FG_OWN_SYSCALLS
/* syscall(3): seccomp(2) with SECCOMP_SET_MODE_STRICT (0) or _FILTER (1), and
 * prctl(2) PR_SET_SECCOMP, made through it. The C library's own reads six
 * long arguments whatever the call, and so does this one. Only where the
 * shim makes its own system calls inline: elsewhere they come here. */
EXPORT long syscall(long n, ...)
{
	long v[6];
	VA_LONGS(n, v, 6);
	long (*fn)(long, ...) = (long (*)(long, ...))next_fn("syscall", &real_syscall);
	if (!fn)
		return -1;
#ifdef SYS_seccomp
	if (n == SYS_seccomp && installs(0, (unsigned int)v[0], (unsigned long)v[1], v[2]))
		enter();
#endif
	if (n == SYS_prctl && (int)v[0] == PR_SET_SECCOMP && installs(1, (unsigned long)v[1], 0, v[2]))
		enter();
	return fn(n, v[0], v[1], v[2], v[3], v[4], v[5]);
}
#endif
