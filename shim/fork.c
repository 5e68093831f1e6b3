/* fork.c: fork, posix_spawn, posix_spawnp, system and popen look first.
 * A new process needs a page directory (order 1 on x86-64 with page-table
 * isolation, order 2 on classic 32-bit ARM: seed 001) and, for fork, a copy
 * of the parent's page tables (unmovable order-0 pages, up to VmPTE); when
 * the kernel may not serve them the call fails with ENOMEM instead of the
 * OOM killer choosing the largest process.
 * What is covered: these five exported calls. glibc's system() and popen()
 * spawn through an internal posix_spawn (clone with CLONE_VM|CLONE_VFORK,
 * then exec), which an interposer cannot see, so they are wrapped themselves.
 * Not covered: vfork (a wrapper cannot return twice on a shared stack),
 * raw clone/clone3, and exec after a fork (the exec'd image's directory is
 * allocated in the child). The real functions come from dlsym(RTLD_NEXT),
 * called without any shim lock held. fork also stops the shim's own
 * threads first; in the parent they start again when next needed. */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "callsite.h"
#include "glibc.h"
#include "guard.h"
#include "lock.h"
#include "report.h"
#include "shim.h"
#include "worker.h"

/* Whether the shim is running and the kernel may not serve the new process. */
static int refused(int copy_pages)
{
	if (lock_depth)
		return 0; /* a signal handler's call: no look (it takes locks) */
	if (__atomic_load_n(&g.state, __ATOMIC_ACQUIRE) != ST_READY && setup_init() != ST_READY)
		return 0;
	return guard_fork(copy_pages) < 0;
}

EXPORT pid_t fork(void)
{
	static void *real;
	pid_t (*f)(void) = (pid_t (*)(void))glibc_next("fork", &real);
	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	/* From a signal handler that interrupted the shim in this thread:
	 * nothing that could wait for a lock (lock.h); the C library's fork. */
	if (lock_depth)
		return f();
	if (refused(1)) {
		errno = ENOMEM;
		return -1;
	}
	/* The shim's threads do not see the fork (worker.h): none holds a
	 * lock the child inherits, and a parent counting its threads just
	 * after (Python 3.12+ warns when there are several) finds its own. */
	report_if_due();
	callsite_before_fork();
	worker_pause();
	pid_t pid = f();
	if (pid != 0)
		worker_resume_lazy(); /* the child starts from zero (its atfork handler) */
	return pid;
}

typedef int (*spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			const posix_spawnattr_t *, char *const[], char *const[]);

EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
		       const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	static void *real;
	spawn_fn f = (spawn_fn)glibc_next("posix_spawn", &real);
	if (!f)
		return ENOSYS;
	if (refused(0))
		return ENOMEM; /* posix_spawn reports errors by value, errno untouched */
	return f(pid, path, fa, attr, argv, envp);
}

EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
			const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	static void *real;
	spawn_fn f = (spawn_fn)glibc_next("posix_spawnp", &real);
	if (!f)
		return ENOSYS;
	if (refused(0))
		return ENOMEM;
	return f(pid, file, fa, attr, argv, envp);
}

EXPORT int system(const char *cmd)
{
	static void *real;
	int (*f)(const char *) = (int (*)(const char *))glibc_next("system", &real);
	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	/* system(NULL) asks whether a shell exists: nothing is spawned. */
	if (cmd && refused(0)) {
		errno = ENOMEM;
		return -1;
	}
	return f(cmd);
}

EXPORT FILE *popen(const char *cmd, const char *mode)
{
	static void *real;
	FILE *(*f)(const char *, const char *) =
		(FILE *(*)(const char *, const char *))glibc_next("popen", &real);
	if (!f) {
		errno = ENOSYS;
		return NULL;
	}
	if (refused(0)) {
		errno = ENOMEM;
		return NULL;
	}
	return f(cmd, mode);
}
