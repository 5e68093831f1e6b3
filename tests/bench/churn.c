/* churn.c: N live objects of 16..4096 B (or up to MAX), OPS random replaces.
 * Then, with "settle", frees 90 % (random survivors, or "clustered": the
 * first 90 % allocated) and samples RSS while idle; "trim" calls
 * malloc_trim(0) first (glibc's best case).
 * usage: churn [live=100000] [ops=3000000] [mode=none|random|clustered]
 *              [trim=0|1] [max=4096] [big=0 (permille of 64K..1M objects)]
 *              [idle=6 (seconds of idle samples)]
 * prints: secs, rss_kb after churn, live_kb, then rss_kb at idle times, then
 * the page-table and huge-page KiB after the churn (pte_kb, thp_kb; -1 where
 * the kernel lacks the file) and the peak RSS (hwm_kb, VmHWM). */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static long rss_kb(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f && fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	if (f)
		fclose(f);
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static long file_kb(const char *file, const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen(file, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, key, strlen(key))) {
			v = atol(line + strlen(key));
			break;
		}
	fclose(f);
	return v;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t live = argc > 1 ? strtoul(argv[1], 0, 0) : 100000;
	size_t ops = argc > 2 ? strtoul(argv[2], 0, 0) : 3000000;
	const char *mode = argc > 3 ? argv[3] : "none";
	int trim = argc > 4 ? atoi(argv[4]) : 0;
	size_t max = argc > 5 ? strtoul(argv[5], 0, 0) : 4096;
	unsigned big = argc > 6 ? (unsigned)atoi(argv[6]) : 0;
	double idle = argc > 7 ? atof(argv[7]) : 6;
	char **p = calloc(live, sizeof *p);
	size_t *sz = calloc(live, sizeof *sz);
	size_t bytes = 0;

#define SIZE() (big && next() % 1000 < big ? 65536 + next() % (1 << 20) - 65536 + 65536 \
						  : 16 + next() % (max - 15))
	for (size_t i = 0; i < live; i++) {
		sz[i] = SIZE();
		p[i] = malloc(sz[i]);
		memset(p[i], (int)i, sz[i] < 64 ? sz[i] : 64);
		bytes += sz[i];
	}
	double t0 = now();
	for (size_t k = 0; k < ops; k++) {
		size_t i = next() % live;
		free(p[i]);
		bytes -= sz[i];
		sz[i] = SIZE();
		p[i] = malloc(sz[i]);
		p[i][0] = (char)k;
		p[i][sz[i] - 1] = (char)k;
		bytes += sz[i];
	}
	double t1 = now();
	long peak_rss = rss_kb();
	long pte = file_kb("/proc/self/status", "VmPTE:");
	long thp = file_kb("/proc/self/smaps_rollup", "AnonHugePages:");
	printf("secs=%.3f rss_kb=%ld live_kb=%zu", t1 - t0, peak_rss, bytes / 1024);
	if (!strcmp(mode, "none")) {
		printf(" pte_kb=%ld thp_kb=%ld hwm_kb=%ld\n", pte, thp,
		       file_kb("/proc/self/status", "VmHWM:"));
		if (getenv("CHURN_STATS"))
			malloc_stats();
		return 0;
	}
	size_t kept = 0;
	for (size_t i = 0; i < live; i++) {
		int drop = !strcmp(mode, "clustered") ? i < live * 9 / 10 : next() % 10 != 0;
		if (drop) {
			free(p[i]);
			p[i] = NULL;
		} else {
			kept += sz[i];
		}
	}
	if (trim)
		malloc_trim(0);
	printf(" kept_kb=%zu", kept / 1024);
	double marks[] = { 0, 0.5, 1, 2, 3, 4, 6 };
	double t2 = now();
	for (unsigned m = 0; m < sizeof marks / sizeof marks[0] && marks[m] <= idle; m++) {
		while (now() - t2 < marks[m])
			usleep(10000);
		printf(" rss@%.1fs=%ld", marks[m], rss_kb());
	}
	printf(" pte_kb=%ld thp_kb=%ld hwm_kb=%ld\n", pte, thp, file_kb("/proc/self/status", "VmHWM:"));
	if (getenv("CHURN_STATS"))
		malloc_stats();
	return 0;
}
