/* realloc.c: a buffer grown by realloc from 16 B to TARGET (64 MiB), 1/8 at a
 * time, writing each new tail (a log or a string builder); freed; ROUNDS times.
 * usage: realloc [rounds=20] [target=67108864]
 * prints: rounds= bytes= reallocs= secs= pte_kb= thp_kb= rss_at_peak_kb= hwm_kb= */
#include "bench.h"

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	size_t target = argc > 2 ? strtoul(argv[2], 0, 0) : 64u << 20;
	long reallocs = 0;
	struct bench_mem peak = { 0, 0, 0 };
	double t0 = bench_now();
	for (int r = 0; r < rounds; r++) {
		size_t n = 16, old = 0;
		char *p = NULL;
		while (n <= target) {
			char *q = realloc(p, n);
			if (!q) {
				fprintf(stderr, "realloc: out of memory at %zu\n", n);
				return 1;
			}
			p = q;
			memset(p + old, 'r', n - old);
			reallocs++;
			old = n;
			n += n / 8 + 16;
		}
		if (r == rounds - 1)
			peak = bench_mem_now();
		free(p);
	}
	double secs = bench_now() - t0;
	printf("rounds=%d bytes=%zu reallocs=%ld secs=%.3f", rounds, target, reallocs, secs);
	bench_print_mem(&peak);
	printf("\n");
	return 0;
}
