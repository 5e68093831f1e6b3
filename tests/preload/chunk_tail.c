/* chunk_tail.c: a chunk's last span pages are not left empty (shim/arena.c,
 * arena_span_alloc's tail_min). 400-byte objects take spans of two 16 KiB
 * span pages; a 2 MiB chunk has 127 after its header, so the last page used
 * to stay empty in every chunk (1 GiB of the seed loop: 526 chunks). It now
 * holds a shorter span of the same class: a chunk filled with 400-byte
 * objects has one in its last span page, and holds the objects its pages
 * allow (at least 98 % of the chunk's bytes; 97.3 % before). */
#include "check.h"
#include <fragguard.h>

int main(void)
{
	if (!under_shim())
		skip("not under the shim");
	struct fg_stats s = shim_stats();
	if (!s.active)
		skip("the shim is not serving allocations");
	const size_t C = (size_t)s.chunk_bytes, SZ = 400;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), unit = page > 16384 ? page : 16384;
	uintptr_t seen[3] = { 0, 0, 0 };
	size_t nseen = 0, count = 0, max_end = 0;
	/* Until a third chunk appears: the second is then as full as it gets. */
	for (size_t i = 0; i < 4 * C / SZ && nseen < 3; i++) {
		char *p = malloc(SZ);
		if (!p)
			FATAL("malloc(400) failed");
		p[0] = 1;
		uintptr_t c = (uintptr_t)p & ~(uintptr_t)(C - 1);
		if (!nseen || seen[nseen - 1] != c)
			seen[nseen++] = c;
		if (nseen == 2) {
			size_t end = ((uintptr_t)p - c) + SZ;
			count++;
			if (end > max_end)
				max_end = end;
		}
	}
	CHECKF(nseen == 3, "saw %zu chunks", nseen);
	CHECKF(max_end > C - unit, "last object of a full chunk ends at %zu of %zu: the last %zu-byte span page is empty",
	       max_end, C, unit);
	CHECKF(count * SZ * 100 >= C * 98, "%zu objects of %zu bytes in a %zu-byte chunk", count, SZ, C);
	printf("chunk %zu KiB: %zu objects of 400 bytes, last ends %zu bytes before the end\n", C >> 10, count,
	       C - max_end);
	return check_done("chunk_tail");
}
