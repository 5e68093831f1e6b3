/* pretouch.c: touches MIB MiB of anonymous memory page by page, then unmaps it.
 * The runner calls it before every measured run, for every allocator alike:
 * on these virtual machines memory idle for a few seconds is several times
 * slower to fault in again (the host reclaimed it), which would otherwise
 * decide the comparison. usage: pretouch MIB */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], 0, 0) : 64;
	size_t len = mib << 20;
	if (!len)
		return 0;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("pretouch: mmap");
		return 1;
	}
	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
	munmap(p, len);
	return 0;
}
