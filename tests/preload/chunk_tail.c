/* chunk_tail.c: a chunk's last span pages are not left empty (shim/arena.c,
 * arena_span_alloc's tail_min). 400-byte objects take spans of two 16 KiB
 * span pages; a 2 MiB chunk has 127 after its header, so the last page used
 * to stay empty in every chunk (1 GiB of the seed loop: 526 chunks). It now
 * holds a shorter span of the same class: a chunk filled with 400-byte
 * objects has one in its last span page and holds at least 98 % of its
 * bytes (97.3 % before). Then every object of that chunk is freed: the
 * chunk must come back to the arena whole (a span given back with the wrong
 * page count leaves it never empty). The geometry (header, span length) is
 * read from the addresses; a chunk size that leaves no tail skips. */
#include "check.h"
#include <sys/mman.h>

#define SZ 400

static int cmp(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
	return x < y ? -1 : x > y;
}

int main(void)
{
	if (!under_shim())
		skip("not under the shim");
	struct fg_stats s = shim_stats();
	if (!s.active)
		skip("the shim is not serving allocations");
	const size_t C = (size_t)s.chunk_bytes;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), unit = page > 16384 ? page : 16384;
	size_t max = 4 * C / SZ, n2 = 0;
	/* The list and the output stay out of the chunks: nothing but the
	 * 400-byte objects may be allocated until they are freed. */
	uintptr_t seen[3] = { 0, 0, 0 }, *in2 = mmap(NULL, max * sizeof *in2, PROT_READ | PROT_WRITE,
						     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t nseen = 0;
	if (in2 == MAP_FAILED)
		FATAL("no memory for the list");
	setvbuf(stdout, NULL, _IONBF, 0);
	setvbuf(stderr, NULL, _IONBF, 0);
	uint64_t (*trim)(void) = (uint64_t (*)(void))dlsym(RTLD_DEFAULT, "fg_trim");
	if (!trim)
		FATAL("fg_trim not found");
	printf("chunk %zu KiB, span pages of %zu KiB\n", C >> 10, unit >> 10);
	/* A large block freed starts the shim's release thread now, whose
	 * creation allocates (its thread's DTV): later, that could land in the
	 * chunk under test and keep it in use. */
	free(opaque(malloc(2 * C)));
	/* Until a third chunk appears: the second is then as full as it gets. */
	for (size_t i = 0; i < max && nseen < 3; i++) {
		char *p = malloc(SZ);
		if (!p)
			FATAL("malloc(400) failed");
		p[0] = 1;
		uintptr_t c = (uintptr_t)p & ~(uintptr_t)(C - 1);
		if (!nseen || seen[nseen - 1] != c)
			seen[nseen++] = c;
		if (nseen == 2 && c == seen[1])
			in2[n2++] = (uintptr_t)p;
	}
	if (nseen < 3 || n2 < 2)
		FATAL("saw %zu chunks, %zu objects in the second", nseen, n2);
	qsort(in2, n2, sizeof *in2, cmp);
	/* The header ends at the first span; a span ends where the 400-byte
	 * stride breaks (the next span starts on a span page). */
	size_t hdr = ((in2[0] - seen[1]) / unit), span = 0;
	for (size_t i = 1; i < n2 && !span; i++)
		if (in2[i] - in2[i - 1] != SZ)
			span = (in2[i] - seen[1]) / unit - hdr;
	if (!span)
		FATAL("no second span in the chunk");
	size_t tail = (C / unit - hdr) % span, end = in2[n2 - 1] - seen[1] + SZ;
	printf("header %zu and spans of %zu pages of %zu KiB, %zu left at the end; "
	       "%zu objects, the last ends %zu bytes before the chunk's end\n",
	       hdr, span, unit >> 10, tail, n2, C - end);
	if (!tail) {
		munmap(in2, max * sizeof *in2);
		skip("this chunk size leaves no pages at the end for 400-byte spans");
	}
	CHECKF(end > C - unit, "the last %zu-byte span page is empty (last object ends at %zu of %zu)", unit, end, C);
	CHECKF(n2 * SZ * 100 >= C * 98, "%zu objects of %d bytes in a %zu-byte chunk", n2, SZ, C);

	/* All of it freed: the chunk is empty, then given back or kept empty. */
	trim();
	struct fg_stats a = shim_stats();
	for (size_t i = 0; i < n2; i++)
		free((void *)in2[i]);
	trim();
	struct fg_stats b = shim_stats();
	uint64_t back = (a.mapped_bytes - b.mapped_bytes) + (b.empty_bytes - a.empty_bytes);
	printf("mapped %llu -> %llu, empty %llu -> %llu bytes\n", (unsigned long long)a.mapped_bytes,
	       (unsigned long long)b.mapped_bytes, (unsigned long long)a.empty_bytes, (unsigned long long)b.empty_bytes);
	CHECKF(back >= C, "after freeing the second chunk's %zu objects: %llu bytes unmapped or empty, not %zu",
	       n2, (unsigned long long)back, C);
	munmap(in2, max * sizeof *in2);
	return check_done("chunk_tail");
}
