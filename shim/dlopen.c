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
#include "fmt.h"
#include "glibc.h"
#include "os.h"
#include "shim.h"

typedef void *(*dlopen_fn)(const char *, int);

/* No C library dlopen to forward to (a static-pie oddity): fail as dlopen
 * does, with dlerror() set, through the C library's dlsym of a name that
 * cannot exist. */
static void *missing(const char *file, int mode)
{
	(void)file;
	(void)mode;
	return dlsym(RTLD_NEXT, "fragguard: the C library's dlopen was not found");
}

/* Whether to drop RTLD_DEEPBIND from this call (counted; at VERBOSE=1 the
 * first few libraries are named). */
static int drop_deepbind(const char *file)
{
	static unsigned said;
	char msg[320];
	struct fmtbuf fb;

	if (setup_init() != ST_READY || g.conf.keep_deepbind)
		return 0;
	CTR_ADD(deepbind_dropped, 1);
	if (!g.conf.verbose)
		return 1;
	unsigned n = __atomic_fetch_add(&said, 1, __ATOMIC_RELAXED);
	if (n > 4)
		return 1;
	fmt_init(&fb, msg, sizeof msg);
	if (n == 4) {
		fmt_str(&fb, "dlopen: RTLD_DEEPBIND dropped for more libraries (not named; the report counts them)");
	} else {
		fmt_str(&fb, "dlopen(");
		fmt_str(&fb, file ? file : "NULL");
		fmt_str(&fb, ", RTLD_DEEPBIND): flag dropped, so that the library frees with the shim's "
			"free (KEEP_DEEPBIND=1 keeps it)");
	}
	os_say(msg);
	return 1;
}

#ifndef RTLD_DEEPBIND
#define RTLD_DEEPBIND 0 /* musl: no such flag, nothing to drop */
#endif

/* clang guarantees the tail call; gcc makes it at -O2 with sibling-call
 * optimisation, which the Makefile forces for this file. */
#if defined(__clang__) && defined(__has_attribute)
#if __has_attribute(musttail)
#define FG_TAIL __attribute__((musttail))
#endif
#endif
#ifndef FG_TAIL
#define FG_TAIL
#endif

EXPORT void *dlopen(const char *file, int mode)
{
	static void *real;
	dlopen_fn f = (dlopen_fn)glibc_next("dlopen", &real);

	if (!f)
		f = missing; /* sets dlerror's text the way a failed dlopen would */
	if ((mode & RTLD_DEEPBIND) && drop_deepbind(file))
		mode &= ~RTLD_DEEPBIND;
	FG_TAIL return f(file, mode); /* a tail call: see above */
}
