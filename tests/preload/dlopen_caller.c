/* dlopen_caller.c: under the shim, dlopen still sees the program as its
 * caller. This binary's RUNPATH ($ORIGIN/.., set by the Makefile) is the
 * only way to find libfgvictim.so by its bare name: glibc searches the
 * RUNPATH of the object that called dlopen, so a shim wrapper that called
 * the C library's dlopen itself (not as a tail call) would become the caller
 * and the name would not be found. With and without RTLD_DEEPBIND, whose
 * dropping (KEEP_DEEPBIND=0) is the wrapper's reason to exist. */
#include "check.h"
#include <string.h>

int main(void)
{
	const char *llp = getenv("LD_LIBRARY_PATH");

	if (llp && *llp) {
		printf("skip: LD_LIBRARY_PATH is set, so the RUNPATH search is not what finds the library\n");
		return 77;
	}
	void *h = dlopen("libfgvictim.so", RTLD_NOW | RTLD_LOCAL);
	CHECKF(h != NULL, "dlopen by bare name through RUNPATH: %s", dlerror());
	if (h)
		dlclose(h);
#ifdef RTLD_DEEPBIND
	h = dlopen("libfgvictim.so", RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
	CHECKF(h != NULL, "dlopen(RTLD_DEEPBIND) by bare name through RUNPATH: %s", dlerror());
	if (h)
		dlclose(h);
#endif
	/* A name no search finds: NULL and a dlerror message, as without the shim. */
	h = dlopen("libfg-no-such-library.so", RTLD_NOW);
	CHECK(h == NULL);
	const char *e = dlerror();
	CHECKF(e && strstr(e, "libfg-no-such-library.so"), "dlerror after a failed dlopen: %s", e ? e : "(null)");
	return check_done("dlopen_caller");
}
