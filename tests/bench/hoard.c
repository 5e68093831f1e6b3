/* hoard.c: COUNT objects of SIZE bytes (50 M x 120 B) allocated, linked
 * through their first word (no pointer array), then all freed: what RSS
 * remains right after, and after IDLE seconds with no call into the allocator.
 * usage: hoard [count=50000000] [size=120] [idle=3]
 * prints: count= bytes= secs= pte_kb= thp_kb= rss_at_peak_kb= hwm_kb= rss_freed_kb= settled_kb= */
#include "bench.h"

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 50000000;
	size_t size = argc > 2 ? strtoul(argv[2], 0, 0) : 120;
	double idle = argc > 3 ? atof(argv[3]) : 3;
	void **head = NULL;
	if (size < sizeof(void *))
		size = sizeof(void *);
	double t0 = bench_now();
	for (long k = 0; k < count; k++) {
		void **q = malloc(size);
		if (!q) {
			fprintf(stderr, "hoard: out of memory after %ld\n", k);
			return 1;
		}
		memset(q, 0, size);
		*q = head;
		head = q;
	}
	struct bench_mem peak = bench_mem_now();
	while (head) {
		void **next = *head;
		free(head);
		head = next;
	}
	double secs = bench_now() - t0;
	long freed = bench_mem_now().rss_kb;
	double t1 = bench_now();
	bench_idle_until(t1, idle);
	long settled = bench_mem_now().rss_kb;
	printf("count=%ld bytes=%zu secs=%.3f", count, (size_t)count * size, secs);
	bench_print_mem(&peak);
	printf(" rss_freed_kb=%ld settled_kb=%ld\n", freed, settled);
	return 0;
}
