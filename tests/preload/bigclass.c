/* bigclass.c: a freed object of a one-object span (sizes above 64 KiB, up
 * to LARGE) gives its pages back to the chunk at once, for any class: it is
 * kept neither as its bin's current span nor as its spare. A program that
 * uses many such sizes once each (Python's imports: 2 MiB less peak RSS)
 * must not pin one empty span per size.
 *  - one at a time: 40 objects of 8 sizes from 600 KiB to 950 KiB, each
 *    freed before the next is allocated: at most one chunk more mapped
 *    (8 pinned spans of 600-950 KiB took two chunks more);
 *  - the contents and usable size of a reused span are right;
 *  - a size used in a loop keeps its span: with RETAIN=0 RELEASE_MS=0 (a
 *    child run), 2000 x free(malloc(100000)) beside a chunk of 80 KiB
 *    objects unmaps at most a few chunks (each free unmapped one and the
 *    next malloc mapped and pre-faulted it again: 70 us an iteration). */
#include "check.h"
#include <malloc.h>
#include <string.h>
#include "fragguard.h"

static int run_loop(void)
{
	void *keep[24];
	for (int i = 0; i < 24; i++)
		if (!(keep[i] = opaque(malloc(80u << 10))))
			FATAL("malloc");
	uint64_t before = shim_stats().chunks_unmapped;
	for (int i = 0; i < 2000; i++) {
		char *p = opaque(malloc(100000));
		if (!p)
			FATAL("malloc");
		p[0] = 1;
		free(p);
	}
	uint64_t unmapped = shim_stats().chunks_unmapped - before;
	printf("loop: %llu chunks unmapped in 2000 x free(malloc(100000)) (RETAIN=0 "
	       "RELEASE_MS=0)\n", (unsigned long long)unmapped);
	CHECKF(unmapped <= 16, "%llu chunks unmapped: the loop's span goes back at each "
	       "free", (unsigned long long)unmapped);
	for (int i = 0; i < 24; i++)
		free(keep[i]);
	return check_done("bigclass loop");
}

int main(int argc, char **argv)
{
	if (!under_shim())
		skip("not under the shim: this is the shim's span policy");
	if (argc > 1 && !strcmp(argv[1], "loop"))
		return run_loop();
	free(opaque(malloc(100))); /* set up */
	struct fg_stats a = shim_stats();
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
	struct fg_stats b = shim_stats();
	printf("mapped %llu KiB before, %llu KiB after 40 one-at-a-time objects of 8 sizes "
	       "(600-950 KiB)\n", (unsigned long long)a.mapped_bytes >> 10,
	       (unsigned long long)b.mapped_bytes >> 10);
	CHECKF(b.mapped_bytes <= a.mapped_bytes + b.chunk_bytes,
	       "%llu KiB of chunks mapped for one object of 600-950 KiB at a time: freed "
	       "one-object spans stay pinned", (unsigned long long)(b.mapped_bytes -
								a.mapped_bytes) >> 10);
	char *args[] = { argv[0], "loop", NULL };
	int st = check_rerun(args, (const char *const[]){ "FRAGGUARD_RETAIN=0",
							   "FRAGGUARD_RELEASE_MS=0", NULL });
	CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the loop run failed (status %d)", st);
	return check_done("bigclass");
}
