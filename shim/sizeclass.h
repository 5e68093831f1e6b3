/* sizeclass.h: size classes. 16-byte steps up to 512 B, then 8 classes per
 * doubling up to 1 MiB (at most 12.5 % rounding, 6 % on average), so that
 * common sizes (the seed's 400 B) are exact and RSS stays near live bytes.
 * Pure; sizeclass_init() fills the span geometry for a span-page size. */
#ifndef FG_SIZECLASS_H
#define FG_SIZECLASS_H
#include <stddef.h>
#include <stdint.h>

#define SC_NCLASS 120
#define SC_MAX (1u << 20)       /* largest small class */

struct sc_info {
	uint32_t size;    /* object size */
	uint16_t npages;  /* span length in span pages (a span in a chunk's last pages may be shorter) */
	uint16_t tcap;    /* per-thread cache capacity (0: not cached) */
	uint32_t nobj;    /* objects per span of npages */
	uint32_t off;     /* offset of object 0 from the span start (after an in-span bitmap) */
	uint16_t npages_first;  /* the first span of a class: as small as fits one object */
	uint32_t nobj_first, off_first;
	uint16_t tail_min; /* fewest pages, fewer than npages, a shorter span may have (0: none) */
	uint64_t magic;   /* (x * magic) >> 44 == x / size for x < 2^23 */
};
extern struct sc_info sc_info[SC_NCLASS];

/* Class index for n bytes (n <= SC_MAX). */
static inline unsigned sc_of(size_t n)
{
	if (n <= 512)
		return n ? (unsigned)((n - 1) >> 4) : 0;
	unsigned k = 63u - (unsigned)__builtin_clzll((unsigned long long)(n - 1));
	return 32u + (k - 9u) * 8u + (unsigned)((n - 1 - ((size_t)1 << k)) >> (k - 3));
}

/* Size of class c. */
uint32_t sc_size(unsigned c);
/* How many objects of `size` bytes a span of `bytes` holds, and in *off
 * where object 0 starts (after a bitmap in the span for more than 64). */
uint32_t sizeclass_fit(uint64_t bytes, uint32_t size, uint32_t *off);
/* Fills sc_info for span pages of `unit` bytes and at most maxpages per span.
 * Returns 0. */
int sizeclass_init(size_t unit, unsigned maxpages);

#endif
