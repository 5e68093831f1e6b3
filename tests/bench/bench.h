/* bench.h: what every benchmark workload measures about itself, shared by
 * the workloads in tests/bench/. Reads /proc/self/status and
 * /proc/self/smaps_rollup with plain stdio: the workloads are ordinary
 * programs, not the shim. The runner (tests/bench/bench.py) parses KEY=VALUE
 * fields from the workload's last line; faults and peak RSS come from
 * wait4(), not from here. */
#ifndef BENCH_H
#define BENCH_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Value in KiB of KEY ("VmPTE:") in FILE, or -1 if absent or unreadable. */
static inline long bench_kb(const char *file, const char *key)
{
	char line[256];
	long v = -1;
	size_t n = strlen(key);
	FILE *f = fopen(file, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, key, n)) {
			v = atol(line + n);
			break;
		}
	fclose(f);
	return v;
}

/* The memory picture at one moment: resident, page tables, huge pages. */
struct bench_mem {
	long rss_kb, pte_kb, thp_kb;
};

static inline struct bench_mem bench_mem_now(void)
{
	struct bench_mem m;
	m.rss_kb = bench_kb("/proc/self/status", "VmRSS:");
	m.pte_kb = bench_kb("/proc/self/status", "VmPTE:");
	m.thp_kb = bench_kb("/proc/self/smaps_rollup", "AnonHugePages:");
	return m;
}

static inline double bench_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Sleeps until SECS after T0 (a bench_now() value). */
static inline void bench_idle_until(double t0, double secs)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	while (bench_now() - t0 < secs)
		nanosleep(&ts, NULL);
}

/* Prints " pte_kb=.. thp_kb=.. rss_at_peak_kb=.." for the peak moment M,
 * then " hwm_kb=.." (VmHWM: the process's peak RSS so far). The runner takes
 * peak RSS from hwm_kb, not from wait4(): ru_maxrss keeps the pre-exec
 * parent's RSS when that was larger. */
static inline void bench_print_mem(const struct bench_mem *m)
{
	printf(" pte_kb=%ld thp_kb=%ld rss_at_peak_kb=%ld hwm_kb=%ld", m->pte_kb, m->thp_kb,
	       m->rss_kb, bench_kb("/proc/self/status", "VmHWM:"));
}

/* The same 64-bit xorshift every workload uses: deterministic across runs. */
static inline unsigned long long bench_rand(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}
#endif
