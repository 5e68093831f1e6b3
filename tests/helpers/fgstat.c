/* fgstat.c: a helper for shell tests: allocates ARG MiB in
 * small objects, then prints the shim's view as KEY=VALUE lines (or
 * "active=0" without the shim) and the process's own faults and THP use. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "fragguard.h"

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], 0, 0) : 0;
	for (size_t i = 0; i < mib * 4096; i++)
		memset(malloc(256), 1, 256);
	int (*st)(struct fg_stats *, size_t) = (int (*)(struct fg_stats *, size_t))dlsym(RTLD_DEFAULT, "fg_stats");
	struct fg_stats s;
	memset(&s, 0, sizeof s);
	if (st)
		st(&s, sizeof s);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("active=%u\nchunk_bytes=%llu\nchunks_mapped=%llu\nthp=%d\npopulate=%d\n"
	       "bytes_prefaulted=%llu\nempty_bytes=%llu\nminflt=%ld\n",
	       s.active, (unsigned long long)s.chunk_bytes, (unsigned long long)s.chunks_mapped,
	       s.thp, s.populate, (unsigned long long)s.bytes_prefaulted,
	       (unsigned long long)s.empty_bytes, ru.ru_minflt);
	return 0;
}
