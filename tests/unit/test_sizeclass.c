/* test_sizeclass.c: the class table's span geometry (shim/sizeclass.c) for
 * span pages of 4, 16 and 64 KiB: every class's span holds as many objects
 * as fit after its bitmap (sizeclass_fit, checked against a count by hand
 * for arbitrary lengths too), wastes at most 1.5 % or is the least wasteful
 * up to 128 KiB, and a shorter span in a chunk's last pages (tail_min) holds
 * at least 16 objects and is allowed only below the class's own length. */
#include "sizeclass.h"
#include "unit.h"

/* Objects after the bitmap in bytes: the most n with bitmap + n * size <=
 * bytes, the bitmap (8 bytes per 64 objects, 16-aligned) only above 64. */
static uint32_t fit_by_hand(uint64_t bytes, uint32_t size, uint32_t *off)
{
	for (uint64_t n = bytes / size; n > 0; n--) {
		uint64_t o = n > 64 ? (((n + 63) / 64) * 8 + 15) & ~15ull : 0;
		if (o + n * size <= bytes) {
			*off = (uint32_t)o;
			return (uint32_t)n;
		}
	}
	*off = 0;
	return 0;
}

int main(void)
{
	static const size_t units[] = { 4096, 16384, 65536 };
	for (unsigned u = 0; u < 3; u++) {
		size_t unit = units[u];
		CHECK_EQ(sizeclass_init(unit, 4096), 0);
		for (unsigned c = 0; c < SC_NCLASS; c++) {
			const struct sc_info *si = &sc_info[c];
			uint64_t bytes = (uint64_t)si->npages * unit;
			uint32_t off = 0, n = fit_by_hand(bytes, si->size, &off);
			CHECK_EQ(si->size, sc_size(c));
			CHECK_EQ(si->nobj, n);
			CHECK_EQ(si->off, off);
			CHECK(si->off + (uint64_t)si->nobj * si->size <= bytes);
			if (si->nobj <= 64)
				CHECK_EQ(si->off, 0);
			if (si->tail_min) {
				CHECK(si->tail_min < si->npages);
				CHECK((uint64_t)si->tail_min * unit >= 16ull * si->size);
				CHECK((uint64_t)(si->tail_min - 1) * unit < 16ull * si->size);
				for (unsigned t = si->tail_min; t < si->npages; t++) {
					uint32_t o2 = 0, n2 = sizeclass_fit((uint64_t)t * unit, si->size, &o2);
					CHECK(n2 >= 16);
					CHECK(o2 + (uint64_t)n2 * si->size <= (uint64_t)t * unit);
				}
			} else {
				CHECK((16ull * si->size + unit - 1) / unit >= si->npages);
			}
		}
	}
	/* sizeclass_fit against the count by hand, arbitrary lengths. */
	for (uint64_t bytes = 16; bytes < (300u << 10); bytes = bytes * 5 / 4 + 7)
		for (unsigned c = 0; c < SC_NCLASS; c += 3) {
			uint32_t size = sc_size(c), o1 = 0, o2 = 0;
			uint32_t n1 = sizeclass_fit(bytes, size, &o1), n2 = fit_by_hand(bytes, size, &o2);
			CHECK_EQ(n1, n2);
			CHECK_EQ(o1, o2);
		}
	/* The seed's 400-byte class: two 16 KiB pages, a 1-page tail allowed. */
	sizeclass_init(16384, 4096);
	const struct sc_info *s400 = &sc_info[sc_of(400)];
	CHECK_EQ(s400->size, 400);
	CHECK_EQ(s400->npages, 2);
	CHECK_EQ(s400->nobj, 81);
	CHECK_EQ(s400->tail_min, 1);
	uint32_t o = 0;
	CHECK_EQ(sizeclass_fit(16384, 400, &o), 40);
	CHECK_EQ(o, 0);
	return unit_done();
}
