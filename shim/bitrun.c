/* bitrun.c: runs of clear bits (bitrun.h). */
#include "bitrun.h"

int bitrun_find(const uint64_t *w, unsigned lo, unsigned hi, unsigned n)
{
	unsigned run = 0, start = 0;
	if (!n || lo >= hi)
		return -1;
	for (unsigned k = lo / 64; k * 64 < hi; k++) {
		uint64_t clear = ~w[k];
		if (k == lo / 64 && lo % 64)
			clear &= ~0ull << (lo % 64);
		if (hi - k * 64 < 64)
			clear &= (1ull << (hi - k * 64)) - 1;
		if (clear == ~0ull) {
			if (!run)
				start = k * 64;
			run += 64;
			if (run >= n)
				return (int)start;
			continue;
		}
		unsigned b = 0;
		while (b < 64) {
			uint64_t rest = clear >> b;
			if (!rest) {
				run = 0;
				break;
			}
			unsigned set = (unsigned)__builtin_ctzll(rest); /* used bits first */
			if (set) {
				run = 0;
				b += set;
				rest >>= set;
			}
			unsigned len = ~rest ? (unsigned)__builtin_ctzll(~rest) : 64 - b;
			if (!run)
				start = k * 64 + b;
			run += len;
			if (run >= n)
				return (int)start;
			b += len;
		}
	}
	return -1;
}

unsigned bitrun_tail(const uint64_t *w, unsigned lo, unsigned hi)
{
	unsigned n = 0;
	while (hi > lo) {
		unsigned b = (hi - 1) % 64, avail = b + 1;
		if ((hi - 1) / 64 == lo / 64)
			avail -= lo % 64;
		uint64_t used = w[(hi - 1) / 64] << (63 - b); /* bit hi - 1 on top */
		unsigned z = used ? (unsigned)__builtin_clzll(used) : 64;
		if (z < avail)
			return n + z;
		n += avail;
		hi -= avail;
	}
	return n;
}
