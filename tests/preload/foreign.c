/* foreign.c: blocks from glibc's own allocator (__libc_malloc and friends,
 * as the loader or code bound before the shim would get them) handed to the
 * shim's free, realloc and malloc_usable_size: no crash, data kept. Without
 * the shim this is glibc against itself and passes trivially. */
#include "check.h"
#include <malloc.h>
#include <string.h>

#if !defined(__GLIBC__)
int main(void)
{
	puts("foreign: __libc_malloc is glibc's (musl has no second entry to its allocator)");
	return 77;
}
#else
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static const size_t sizes[] = { 0, 1, 15, 16, 24, 100, 1000, 4095, 4096, 30000,
				131071, 131072, 140000, 1 << 20, (2 << 20) + 1,
				(9 << 20) + 3 };
#define NS (sizeof sizes / sizeof sizes[0])

int main(void)
{
	printf("%s\n", under_shim() ? "under the shim" : "no shim (glibc only)");
	for (int rep = 0; rep < 20; rep++) {
		void *mine[NS];
		for (size_t i = 0; i < NS; i++) {
			size_t n = sizes[i];
			mine[i] = malloc(n + 1);
			CHECK(mine[i] != NULL);
			if (mine[i])
				memset(mine[i], 0x3c, n + 1);

			unsigned char *p = __libc_malloc(n);
			CHECK(p != NULL);
			if (!p)
				continue;
			pos_fill(p, n, (unsigned)rep);
			CHECKF(malloc_usable_size(p) >= n,
			       "malloc_usable_size(__libc_malloc(%zu)) = %zu", n,
			       malloc_usable_size(p));
			switch ((rep + (int)i) % 5) {
			case 0:
				free(p);
				break;
			case 1: { /* grow into the shim's sizes */
				unsigned char *q = realloc(p, n * 3 + 5000);
				CHECKF(q && pos_bad(q, n, (unsigned)rep) == (size_t)-1,
				       "realloc(__libc_malloc(%zu), %zu) lost data", n,
				       n * 3 + 5000);
				if (q) {
					memset(q + n, 1, n * 2 + 5000);
					CHECK(malloc_usable_size(q) >= n * 3 + 5000);
				}
				free(q);
				break;
			}
			case 2: { /* shrink */
				unsigned char *q = realloc(p, n / 2 + 1);
				size_t keep = n < n / 2 + 1 ? n : n / 2 + 1;
				CHECKF(q && pos_bad(q, keep, (unsigned)rep) == (size_t)-1,
				       "realloc(__libc_malloc(%zu), %zu) lost data", n, n / 2 + 1);
				free(q);
				break;
			}
			case 3: { /* realloc to 0 frees (glibc: NULL) */
				void *q = realloc(p, 0);
				CHECKF(q == NULL, "realloc(foreign, 0) = %p", q);
				break;
			}
			default: { /* same size (0: frees, NULL) */
				unsigned char *q = realloc(p, n);
				CHECK(n == 0 ? q == NULL
					     : q && pos_bad(q, n, (unsigned)rep) == (size_t)-1);
				free(q);
				break;
			}
			}
		}
		for (size_t i = 0; i < NS; i++)
			free(mine[i]);
	}

	/* calloc'ed and aligned foreign blocks. */
	for (size_t a = 16; a <= (1 << 16); a <<= 2) {
		unsigned char *p = __libc_memalign(a, 3 * a);
		CHECK(p != NULL && ((uintptr_t)p & (a - 1)) == 0);
		CHECK(malloc_usable_size(p) >= 3 * a);
		memset(p, 7, 3 * a);
		p = realloc(p, 5 * a);
		CHECK(p && p[0] == 7 && p[3 * a - 1] == 7);
		free(p);
	}
	unsigned char *c = __libc_calloc(1000, 3);
	CHECK(c != NULL);
	for (int i = 0; c && i < 3000; i++)
		CHECK(c[i] == 0);
	free(c);

	/* The shim's blocks are still its own: a foreign block that shares a
	 * region with ours must not confuse the shim's lookups. */
	void *a[200], *b[200];
	for (int i = 0; i < 200; i++) {
		a[i] = __libc_malloc((size_t)i * 40 + 1);
		b[i] = malloc((size_t)i * 40 + 1);
		pos_fill(a[i], (size_t)i * 40 + 1, 1);
		pos_fill(b[i], (size_t)i * 40 + 1, 2);
	}
	for (int i = 0; i < 200; i++) {
		CHECK(pos_bad(a[i], (size_t)i * 40 + 1, 1) == (size_t)-1);
		CHECK(pos_bad(b[i], (size_t)i * 40 + 1, 2) == (size_t)-1);
		free(a[i]);
		free(b[i]);
	}
	/* glibc's own free still takes glibc's blocks after all that. */
	void *g = __libc_malloc(100);
	__libc_free(g);
	g = __libc_realloc(NULL, 100);
	__libc_free(g);
	return check_done("foreign");
}
#endif
