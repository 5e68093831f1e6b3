/* bitrun.h: runs of clear bits in a bitmap (pure; the arena's page maps). */
#ifndef FG_BITRUN_H
#define FG_BITRUN_H
#include <stdint.h>

/* The lowest i in [lo, hi) with bits i .. i+n-1 all clear and below hi, or
 * -1. Bit i is bit (i % 64) of w[i / 64]. Word at a time: a full word is
 * skipped whole, a partial one by runs (count of trailing zeros/ones). */
int bitrun_find(const uint64_t *w, unsigned lo, unsigned hi, unsigned n);
/* How many clear bits end at hi - 1 (the run of clear bits i .. hi - 1 with
 * i >= lo), 0 when bit hi - 1 is set or lo >= hi. */
unsigned bitrun_tail(const uint64_t *w, unsigned lo, unsigned hi);

#endif
