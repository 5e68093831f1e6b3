/* large.c: large buffers, 1..8 MiB each, touched page by page, then freed;
 * up to KEEP live at once (a decoder's frame buffers).
 * usage: large [iters=2000] [keep=4]
 * prints: iters= bytes= secs= pte_kb= thp_kb= rss_at_peak_kb= hwm_kb= */
#include "bench.h"

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 2000;
	int keep = argc > 2 ? atoi(argv[2]) : 4;
	unsigned long long s = 88172645463325252ull;
	char *live[64] = { 0 };
	struct bench_mem peak = { 0, 0, 0 };
	if (keep < 1 || keep > 64)
		keep = 4;
	double t0 = bench_now();
	for (long k = 0; k < iters; k++) {
		int i = (int)(k % keep);
		free(live[i]);
		size_t n = (1u << 20) + bench_rand(&s) % (7u << 20);
		live[i] = malloc(n);
		for (size_t off = 0; off < n; off += 4096)
			live[i][off] = (char)k;
		live[i][n - 1] = (char)k;
		if (k == iters / 2)
			peak = bench_mem_now();
	}
	double secs = bench_now() - t0;
	for (int i = 0; i < keep; i++)
		free(live[i]);
	printf("iters=%ld bytes=%ld secs=%.3f", iters, (long)keep * (8L << 20), secs);
	bench_print_mem(&peak);
	printf("\n");
	return 0;
}
