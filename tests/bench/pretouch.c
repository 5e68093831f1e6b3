/* pretouch.c: touches MIB MiB of anonymous memory page by page, then unmaps it.
 * The runner calls it before every measured run, for every allocator alike:
 * on these virtual machines memory idle for a few seconds is several times
 * slower to fault in again (the host reclaimed it), which would otherwise
 * decide the comparison. Warm memory must be warm on the free list the
 * allocator under test takes from: a 4 KiB fault takes order-0 pages, a huge
 * page fault order-9 blocks (measured: a 4 KiB-only pre-touch made 2 MiB
 * faults twice as slow as 4 KiB ones, and a huge-page-only one the reverse).
 * MODE both (default) touches MIB in 4 KiB pages and another MIB with
 * MADV_HUGEPAGE, both mapped at once; half splits MIB between the two (for
 * the largest workloads); 4k and thp touch MIB one way only.
 * usage: pretouch MIB [both|half|4k|thp] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], 0, 0) : 64;
	const char *mode = argc > 2 ? argv[2] : "both";
	size_t len = mib << 20, huge;
	if (!len)
		return 0;
	if (!strcmp(mode, "both")) {
		huge = len;
		len *= 2;
	} else {
		huge = !strcmp(mode, "thp") ? len : !strcmp(mode, "4k") ? 0 : len / 2;
	}
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("pretouch: mmap");
		return 1;
	}
	huge &= ~(size_t)((2u << 20) - 1);
#ifdef MADV_HUGEPAGE
	if (huge)
		madvise(p + len - huge, huge, MADV_HUGEPAGE);
#endif
	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
	munmap(p, len);
	return 0;
}
