/* dlopen.c: the program's dlopen. RTLD_DEEPBIND makes a library look up its
 * own symbols before the global ones, so its malloc and free bind to the C
 * library's, not the shim's: it then frees blocks the program allocated
 * (the shim's) with the C library's free, which aborts ("free(): invalid
 * pointer"). PHP up to 8.4 loads every extension so; every preloaded
 * allocator crashes there (php-src issue 10670). While the shim serves the
 * program the flag is dropped (KEEP_DEEPBIND=1 keeps it): the library then
 * allocates from the shim like the rest of the program, and symbols it
 * defines itself may now bind to an earlier global definition of the same
 * name, which is what the flag was for.
 *
 * The call goes on to the C library's dlopen as a tail call: dlopen takes
 * its caller from its return address, and the caller's RUNPATH, $ORIGIN and
 * namespace decide where a relative name is found, so that caller must stay
 * the program's code, not the shim (tests/preload/dlopen_caller.c). */
#include <dlfcn.h>
#include "glibc.h"
#include "os.h"
#include "shim.h"

typedef void *(*dlopen_fn)(const char *, int);

/* Whether to drop RTLD_DEEPBIND from this call (counted; said once). */
static int drop_deepbind(void)
{
	static int said;

	if (setup_init() != ST_READY || g.conf.keep_deepbind)
		return 0;
	CTR_ADD(deepbind_dropped, 1);
	if (g.conf.verbose && !__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED))
		os_say("dlopen with RTLD_DEEPBIND: flag dropped, so that the library frees with the "
		       "shim's free (KEEP_DEEPBIND=1 keeps it)");
	return 1;
}

#ifndef RTLD_DEEPBIND
#define RTLD_DEEPBIND 0 /* musl: no such flag, nothing to drop */
#endif

__attribute__((optimize("optimize-sibling-calls"))) EXPORT
void *dlopen(const char *file, int mode)
{
	static void *real;
	dlopen_fn f = (dlopen_fn)glibc_next("dlopen", &real);

	if (!f)
		return NULL;
	if ((mode & RTLD_DEEPBIND) && drop_deepbind())
		mode &= ~RTLD_DEEPBIND;
	return f(file, mode); /* a tail call: see above */
}
