/* bigclass.c: a freed object of a one-object span (sizes above 64 KiB, up
 * to LARGE) gives its pages back to the chunk at once, for any class: it is
 * kept neither as its bin's current span nor as its spare. A program that
 * uses many such sizes once each (Python's imports: 2 MiB less peak RSS)
 * must not pin one empty span per size.
 *  - one at a time: 40 objects of 8 sizes from 600 KiB to 950 KiB, each
 *    freed before the next is allocated: at most one chunk more mapped
 *    (8 pinned spans of 600-950 KiB took two chunks more);
 *  - the contents and usable size of a reused span are right. */
#include "check.h"
#include <malloc.h>
#include <string.h>
#include "fragguard.h"

static struct fg_stats stats(void)
{
	int (*fn)(struct fg_stats *, size_t);
	struct fg_stats st;
	*(void **)&fn = dlsym(RTLD_DEFAULT, "fg_stats");
	if (!fn || fn(&st, sizeof st) < 0)
		FATAL("fg_stats");
	return st;
}

int main(void)
{
	if (!under_shim())
		skip("not under the shim: this is the shim's span policy");
	free(opaque(malloc(100))); /* set up */
	struct fg_stats a = stats();
	if (a.chunk_bytes != (2u << 20))
		skip("chunks are not 2 MiB here (FRAGGUARD_CHUNK): the counts below assume it");
	for (int i = 0; i < 40; i++) {
		size_t n = (600u << 10) + (size_t)(i % 8) * (50u << 10);
		unsigned char *p = opaque(malloc(n));
		if (!p)
			FATAL("malloc(%zu)", n);
		CHECKF(malloc_usable_size(p) >= n, "usable %zu < %zu", malloc_usable_size(p), n);
		memset(p, 0xa5, n);
		CHECK(p[0] == 0xa5 && p[n - 1] == 0xa5);
		free(p);
	}
	struct fg_stats b = stats();
	printf("mapped %llu KiB before, %llu KiB after 40 one-at-a-time objects of 8 sizes "
	       "(600-950 KiB)\n", (unsigned long long)a.mapped_bytes >> 10,
	       (unsigned long long)b.mapped_bytes >> 10);
	CHECKF(b.mapped_bytes <= a.mapped_bytes + b.chunk_bytes,
	       "%llu KiB of chunks mapped for one object of 600-950 KiB at a time: freed "
	       "one-object spans stay pinned", (unsigned long long)(b.mapped_bytes -
								a.mapped_bytes) >> 10);
	return check_done("bigclass");
}
