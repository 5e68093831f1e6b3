/* sizeclass.c: the class table and each class's span geometry (pure).
 * A span holds one class. Its descriptor lives in the chunk header; up to 64
 * objects are tracked by an inline bitmap word, more by a bitmap at the
 * start of the span. Span length is the first that wastes at most 1.5 %,
 * else the least wasteful up to 128 KiB (or one object), so small programs
 * do not pay large spans and page-sized objects waste nothing; and a
 * class's first span is smaller still. */
#include "sizeclass.h"

struct sc_info sc_info[SC_NCLASS];

uint32_t sc_size(unsigned c)
{
	if (c < 32)
		return 16u * (c + 1);
	unsigned g = (c - 32) / 8, s = (c - 32) % 8, k = 9 + g;
	return (1u << k) + (s + 1) * (1u << (k - 3));
}

uint32_t sizeclass_fit(uint64_t bytes, uint32_t size, uint32_t *off)
{
	uint64_t n = bytes / size;
	if (n <= 64) {
		*off = 0;
		return (uint32_t)n;
	}
	for (; n > 64; n--) {
		uint64_t o = (((n + 63) / 64) * 8 + 15) & ~15ull;
		if (o + n * size <= bytes) {
			*off = (uint32_t)o;
			return (uint32_t)n;
		}
	}
	*off = 0;
	return 64;
}

int sizeclass_init(size_t unit, unsigned maxpages)
{
	for (unsigned c = 0; c < SC_NCLASS; c++) {
		uint32_t size = sc_size(c), best_n = 0, best_off = 0, best_np = 0;
		uint64_t best_w = 1, best_b = 0;
		unsigned lim = (unsigned)(((128u << 10) + unit - 1) / unit);
		unsigned one = (unsigned)((size + unit - 1) / unit);
		if (lim < one)
			lim = one;
		if (lim > maxpages)
			lim = maxpages;
		for (unsigned np = 1; np <= lim; np++) {
			uint64_t bytes = (uint64_t)np * unit;
			uint32_t off = 0, n = sizeclass_fit(bytes, size, &off);
			if (!n)
				continue;
			uint64_t w = bytes - (uint64_t)n * size;
			if (!best_n || w * best_b < best_w * bytes)
				best_n = n, best_off = off, best_np = np, best_w = w, best_b = bytes;
			if (w * 64 <= bytes) /* <= 1.5 %: good enough, keep it small */
				break;
		}
		/* A class's first span is as small as one object allows, so a
		 * class used a few times costs a page, not the ideal span. */
		unsigned one_np = (unsigned)(((uint64_t)size + unit - 1) / unit);
		if (one_np > maxpages)
			one_np = maxpages;
		uint32_t off1 = 0, n1 = sizeclass_fit((uint64_t)one_np * unit, size, &off1);
		if (!n1 || one_np >= best_np) {
			one_np = best_np;
			n1 = best_n;
			off1 = best_off;
		}
		sc_info[c].npages_first = (uint16_t)one_np;
		sc_info[c].nobj_first = n1;
		sc_info[c].off_first = off1;
		sc_info[c].size = size;
		sc_info[c].npages = (uint16_t)best_np;
		sc_info[c].nobj = best_n;
		sc_info[c].off = best_off;
		/* A chunk's last pages may hold a shorter span when at least 16
		 * objects fit there (under 6.25 % left over). */
		uint64_t tmin = ((uint64_t)size * 16 + unit - 1) / unit;
		sc_info[c].tail_min = (uint16_t)(tmin < best_np ? tmin : 0);
		sc_info[c].magic = (((uint64_t)1 << 44) + size - 1) / size;
		/* Caches hold at most ~32 KiB or 64 objects per class; classes
		 * above 64 KiB are not cached, so a thread never hoards megabytes. */
		uint32_t cap = (32u << 10) / size;
		sc_info[c].tcap = (uint16_t)(size > (64u << 10) ? 0 : cap > 64 ? 64 : cap < 2 ? 2 : cap);
	}
	return 0;
}
