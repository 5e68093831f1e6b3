/* test_bitrun.c: bitrun_find against a bit-at-a-time search, on random and
 * edge-case bitmaps (runs across words, at the ends, ranges not on word
 * boundaries); bitrun_tail against a bit-at-a-time count. */
#include <stdlib.h>
#include "bitrun.h"
#include "unit.h"

static int naive(const uint64_t *w, unsigned lo, unsigned hi, unsigned n)
{
	unsigned run = 0;
	if (!n)
		return -1;
	for (unsigned i = lo; i < hi; i++) {
		run = (w[i / 64] >> (i % 64)) & 1 ? 0 : run + 1;
		if (run == n)
			return (int)(i + 1 - n);
	}
	return -1;
}

static unsigned naive_tail(const uint64_t *w, unsigned lo, unsigned hi)
{
	unsigned n = 0;
	while (hi > lo && !((w[(hi - 1) / 64] >> ((hi - 1) % 64)) & 1))
		hi--, n++;
	return n;
}

static uint64_t rs = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

int main(void)
{
	uint64_t w[8];
	/* Edge cases. */
	for (int i = 0; i < 8; i++)
		w[i] = ~0ull;
	CHECK_EQ(bitrun_find(w, 0, 512, 1), -1);
	w[3] = 0; /* one clear word */
	CHECK_EQ(bitrun_find(w, 0, 512, 64), 192);
	CHECK_EQ(bitrun_find(w, 0, 512, 65), -1);
	CHECK_EQ(bitrun_find(w, 200, 512, 56), 200);
	CHECK_EQ(bitrun_find(w, 200, 512, 57), -1);
	CHECK_EQ(bitrun_find(w, 0, 250, 64), -1); /* hi cuts the run */
	CHECK_EQ(bitrun_find(w, 0, 250, 58), 192);
	w[2] = ~0ull >> 1; /* bit 191 clear: run 191..255 across the boundary */
	CHECK_EQ(bitrun_find(w, 0, 512, 65), 191);
	w[4] = ~1ull; /* bit 256 clear too */
	CHECK_EQ(bitrun_find(w, 0, 512, 66), 191);
	CHECK_EQ(bitrun_find(w, 0, 512, 67), -1);
	CHECK_EQ(bitrun_find(w, 0, 512, 0), -1);
	CHECK_EQ(bitrun_find(w, 300, 300, 1), -1);
	for (int i = 0; i < 8; i++)
		w[i] = 0;
	CHECK_EQ(bitrun_find(w, 0, 512, 512), 0);
	CHECK_EQ(bitrun_find(w, 3, 512, 509), 3);
	CHECK_EQ(bitrun_find(w, 3, 512, 510), -1);
	CHECK_EQ(bitrun_find(w, 0, 32, 32), 0); /* fewer bits than a word */
	CHECK_EQ(bitrun_find(w, 0, 32, 33), -1);
	w[7] = 1ull << 63;
	CHECK_EQ(bitrun_find(w, 448, 512, 63), 448);
	CHECK_EQ(bitrun_find(w, 448, 512, 64), -1);
	CHECK_EQ(bitrun_tail(w, 0, 512), 0u); /* bit 511 set */
	CHECK_EQ(bitrun_tail(w, 0, 511), 511u); /* 0 .. 510 clear */
	CHECK_EQ(bitrun_tail(w, 9, 511), 502u);
	CHECK_EQ(bitrun_tail(w, 70, 70), 0u);
	w[1] = 1ull << 5; /* bit 69 set */
	CHECK_EQ(bitrun_tail(w, 0, 128), 58u);
	CHECK_EQ(bitrun_tail(w, 100, 128), 28u);
	CHECK_EQ(bitrun_tail(w, 0, 70), 0u);
	CHECK_EQ(bitrun_tail(w, 0, 69), 69u);
	/* Random bitmaps of several densities and ranges. */
	int bad = 0;
	for (int t = 0; t < 200000 && bad < 5; t++) {
		unsigned density = (unsigned)(rnd() % 6);
		for (int i = 0; i < 8; i++) {
			uint64_t v = rnd();
			for (unsigned d = 0; d < density; d++)
				v &= rnd(); /* sparser set bits: longer clear runs */
			w[i] = (rnd() % 8) == 0 ? ~0ull : (rnd() % 8) == 0 ? 0 : v;
		}
		unsigned lo = (unsigned)(rnd() % 512), hi = lo + (unsigned)(rnd() % (513 - lo));
		unsigned n = 1 + (unsigned)(rnd() % 130);
		int a = bitrun_find(w, lo, hi, n), b = naive(w, lo, hi, n);
		if (a != b) {
			bad++;
			fprintf(stderr, "lo %u hi %u n %u: %d, naive %d\n", lo, hi, n, a, b);
		}
		CHECK_EQ(a, b);
		unsigned ta = bitrun_tail(w, lo, hi), tb = naive_tail(w, lo, hi);
		if (ta != tb) {
			bad++;
			fprintf(stderr, "tail lo %u hi %u: %u, naive %u\n", lo, hi, ta, tb);
		}
		CHECK_EQ(ta, tb);
	}
	return unit_done();
}
