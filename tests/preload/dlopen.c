/* dlopen.c: dlopen/dlclose 1000 times a library (libfgvictim) that allocates
 * in its constructor, destructor and functions, with blocks crossing between
 * library and program in both directions; then the same library loaded with
 * RTLD_DEEPBIND. By default the shim drops that flag, so the library's malloc
 * and free are the shim's and it may free the program's blocks (PHP's
 * extensions do; with glibc's free that aborts). Run again with
 * KEEP_DEEPBIND=1 (the test re-executes itself): the library's malloc binds
 * to glibc's own, its pointers are foreign to the shim, which must free,
 * realloc and measure them (decided by address) without crashing. */
#include "check.h"
#include <fragguard.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <string.h>

typedef void *(*alloc_fn)(size_t, int);
typedef void *(*realloc_fn)(void *, size_t);
typedef void (*free_fn)(void *);
typedef char *(*strdup_fn)(const char *);

static char lib[PATH_MAX];

static int vbad(const unsigned char *p, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(i * 7 + (size_t)seed))
			return 1;
	return 0;
}

static void find_lib(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0; /* build/tests/preload */
			snprintf(lib, sizeof lib, "%s/../libfgvictim.so", exe);
			if (access(lib, R_OK) == 0)
				return;
		}
	}
	const char *b = getenv("FG_BUILD");
	if (b) {
		snprintf(lib, sizeof lib, "%s/tests/libfgvictim.so", b);
		if (access(lib, R_OK) == 0)
			return;
	}
	skip("libfgvictim.so not built (make build/tests/libfgvictim.so)");
}

static void *sym(void *h, const char *name)
{
	void *s = dlsym(h, name);
	if (!s)
		FATAL("dlsym(%s): %s", name, dlerror());
	return s;
}

static void loop(int rounds)
{
	void *carry = NULL; /* made by the library in one round, freed in the next */
	size_t carry_n = 0;

	for (int r = 0; r < rounds; r++) {
		void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
		if (!h)
			FATAL("dlopen(%s): %s", lib, dlerror());
		CHECK(*(int *)sym(h, "victim_ctor_ok") == 1);
		alloc_fn va = (alloc_fn)sym(h, "victim_alloc");
		realloc_fn vr = (realloc_fn)sym(h, "victim_realloc");
		free_fn vf = (free_fn)sym(h, "victim_free");
		strdup_fn vs = (strdup_fn)sym(h, "victim_strdup");

		if (carry) {
			CHECKF(!vbad(carry, carry_n, 5), "round %d: block from the previous "
			       "load damaged", r);
			free(carry);
		}
		/* Library allocates, program frees; program allocates, library frees. */
		size_t n = (size_t)(r % 20) * 777 + 1;
		unsigned char *p = va(n, r);
		CHECK(p != NULL && !vbad(p, n, r));
		CHECK(malloc_usable_size(p) >= n);
		free(p);
		p = malloc(n);
		CHECK(p != NULL);
		memset(p, 1, n);
		vf(p);
		p = va(n, 1);
		p = vr(p, n * 3 + 300000);
		CHECK(p && !vbad(p, n, 1));
		p = realloc(p, n / 2 + 1);
		CHECK(p && !vbad(p, n / 2 + 1, 1));
		vf(p);
		char *s = vs("a string from the victim library");
		CHECK(s && !strcmp(s, "a string from the victim library"));
		free(s);
		carry_n = (size_t)(r % 7) * 50000 + 10;
		carry = va(carry_n, 5);
		CHECK(carry != NULL);
		if (dlclose(h))
			FATAL("dlclose: %s", dlerror());
	}
	free(carry);
}

#ifdef RTLD_DEEPBIND /* glibc only (not musl) */
static void deepbind(void)
{
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
	if (!h)
		FATAL("dlopen(%s, RTLD_DEEPBIND): %s", lib, dlerror());
	alloc_fn va = (alloc_fn)sym(h, "victim_alloc");
	free_fn vf = (free_fn)sym(h, "victim_free");
	void *(*vm)(void) = (void *(*)(void))sym(h, "victim_malloc_addr");
	const char *keep = getenv("FRAGGUARD_KEEP_DEEPBIND");
	int kept = keep && !strcmp(keep, "1");
	/* A disabled shim (DISABLE=1) serves nothing and drops nothing. */
	int active = 0;
	if (under_shim()) {
		active = shim_stats().active;
		int shims = vm() == dlsym(RTLD_DEFAULT, "malloc");
		printf("deepbind library's malloc is %s\n", shims ? "the shim's" : "glibc's");
		CHECKF(shims == (active && !kept), "RTLD_DEEPBIND with KEEP_DEEPBIND=%d, shim %s: "
		       "the library's malloc is %s", kept, active ? "active" : "disabled",
		       shims ? "the shim's" : "glibc's");
	}
	kept |= !active && under_shim();
	/* The program's blocks freed by the library (PHP's extensions free what
	 * the engine allocated): only safe when the library's free is the
	 * shim's, i.e. unless the flag was kept. */
	for (int i = 0; !kept && i < 2000; i++) {
		size_t n = (size_t)i * 37 % 200000 + 1;
		unsigned char *mine = malloc(n);
		CHECK(mine != NULL);
		if (!mine)
			continue;
		memset(mine, 3, n);
		vf(mine);
	}

	/* The library's pointers, freed, realloc'ed and measured by the program. */
	static const size_t sizes[] = { 1, 24, 100, 1000, 4096, 50000, 140000,
					1 << 20, (5 << 20) + 7 };
	for (int rep = 0; rep < 50; rep++)
		for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
			size_t n = sizes[i];
			unsigned char *p = va(n, 9);
			CHECK(p != NULL);
			if (!p)
				continue;
			CHECKF(malloc_usable_size(p) >= n,
			       "malloc_usable_size of a foreign %zu-byte block = %zu", n,
			       malloc_usable_size(p));
			switch ((rep + (int)i) % 4) {
			case 0:
				free(p);
				break;
			case 1: { /* grow */
				unsigned char *q = realloc(p, n * 2 + 100);
				CHECKF(q && !vbad(q, n, 9), "realloc of a foreign %zu-byte "
				       "block lost data", n);
				free(q);
				break;
			}
			case 2: { /* shrink */
				unsigned char *q = realloc(p, n / 3 + 1);
				CHECKF(q && !vbad(q, n / 3 + 1, 9), "realloc shrink of a "
				       "foreign %zu-byte block lost data", n);
				free(q);
				break;
			}
			default: { /* realloc to 0 frees */
				void *q = realloc(p, 0);
				CHECK(q == NULL);
				break;
			}
			}
		}
	/* Program memory interleaved, to catch an address test that confuses
	 * the two heaps. */
	for (int i = 0; i < 2000; i++) {
		void *mine = malloc((size_t)i * 13 % 3000 + 1);
		unsigned char *theirs = va((size_t)i % 500 + 1, 2);
		CHECK(mine && theirs);
		CHECK(!vbad(theirs, (size_t)i % 500 + 1, 2));
		if (i % 2)
			free(theirs);
		else
			vf(theirs);
		free(mine);
	}
	dlclose(h);
}
#endif

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 1000;
	find_lib();
	loop(rounds);
#ifdef RTLD_DEEPBIND
	deepbind();
	/* Once more with the flag kept: the foreign-pointer direction. */
	if (under_shim() && !getenv("FRAGGUARD_KEEP_DEEPBIND") && !check_failures) {
		fflush(stdout);
		setenv("FRAGGUARD_KEEP_DEEPBIND", "1", 1);
		char self[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
		if (n > 0) {
			self[n] = 0;
			execl(self, self, "20", (char *)NULL);
		}
		/* qemu-user without binfmt_misc cannot run /proc/self/exe. */
		if (errno != ENOEXEC)
			FATAL("re-exec with KEEP_DEEPBIND=1: %s", strerror(errno));
		printf("KEEP_DEEPBIND=1 pass not run: cannot re-execute %s here\n", self);
	}
#endif
	return check_done("dlopen");
}
