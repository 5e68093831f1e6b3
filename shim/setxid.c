/* setxid.c: the calls that must not meet the shim's threads stop them
 * first (worker.h) and start them again after.
 * - setuid, setgid, seteuid, setegid, setreuid, setregid, setresuid,
 *   setresgid, setgroups: the C library makes every thread repeat them; one
 *   of ours, lacking a capability the program kept only in its calling
 *   thread, would fail where the caller succeeded, and glibc then aborts
 *   (musl kills the process): `setpriv --reuid=U --regid=G` under the shim
 *   with a report thread did. initgroups is wrapped whole because it calls
 *   setgroups inside the C library, where no interposer sees it.
 * - unshare and setns: the kernel refuses a new user namespace to a process
 *   with more than one thread, and another mount namespace to a thread
 *   sharing its filesystem context (EINVAL: `unshare -U`, `nsenter -m`).
 * Not covered: the raw system calls (set*id then change the calling thread
 * only, ours keep the old credentials), and these calls from a signal
 * handler that interrupted the shim (the thread being stopped may wait for
 * the lock that handler's thread holds). */
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <unistd.h>
#include "glibc.h"
#include "shim.h"
#include "worker.h"

#define WRAP(name, params, args)                                               \
	EXPORT int name params                                                 \
	{                                                                      \
		static void *real;                                             \
		int (*f) params = (int (*) params)glibc_next(#name, &real);    \
		if (!f) {                                                      \
			errno = ENOSYS;                                        \
			return -1;                                             \
		}                                                              \
		worker_pause();                                                \
		int ret = f args;                                              \
		worker_resume();                                               \
		return ret;                                                    \
	}

WRAP(setuid, (uid_t u), (u))
WRAP(setgid, (gid_t gid), (gid))
WRAP(seteuid, (uid_t u), (u))
WRAP(setegid, (gid_t gid), (gid))
WRAP(setreuid, (uid_t r, uid_t e), (r, e))
WRAP(setregid, (gid_t r, gid_t e), (r, e))
WRAP(setresuid, (uid_t r, uid_t e, uid_t s), (r, e, s))
WRAP(setresgid, (gid_t r, gid_t e, gid_t s), (r, e, s))
WRAP(setgroups, (size_t n, const gid_t *list), (n, list))
WRAP(initgroups, (const char *user, gid_t group), (user, group))
WRAP(unshare, (int flags), (flags))
WRAP(setns, (int fd, int type), (fd, type))
