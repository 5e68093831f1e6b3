/* seed.c: the seed report's test program made non-interactive: ROUNDS rounds
 * of 10000 x malloc(400) + memset, leaked on purpose. Prints one line:
 * rounds, bytes, failed mallocs, minor/major faults, seconds, VmHWM and VmPTE,
 * then AnonHugePages (thp_kb, from smaps_rollup; -1 where the kernel has none). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

static long file_kb(const char *file, const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen(file, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, key, strlen(key)))
			v = atol(line + strlen(key) + 1);
	fclose(f);
	return v;
}

static long status_kb(const char *key)
{
	return file_kb("/proc/self/status", key);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 268;
	size_t n = argc > 2 ? strtoul(argv[2], 0, 0) : 400;
	long failed = 0;
	struct timespec t0, t1;
	struct rusage ru;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < 10000; i++) {
			void *p = malloc(n);
			if (p)
				memset(p, 'J', n);
			else
				failed++;
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &ru);
	printf("rounds=%d bytes=%zu failed=%ld minflt=%ld majflt=%ld secs=%.3f "
	       "hwm_kb=%ld pte_kb=%ld thp_kb=%ld\n", rounds, (size_t)rounds * 10000 * n, failed,
	       ru.ru_minflt, ru.ru_majflt,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       status_kb("VmHWM:"), status_kb("VmPTE:"),
	       file_kb("/proc/self/smaps_rollup", "AnonHugePages:"));
	return 0;
}
