/* fuzz_kmemtree.c: libFuzzer target for a whole sample: the input is split at
 * NUL bytes into zoneinfo, buddyinfo and pagetypeinfo text (each with its
 * exact length), merged into one zone array, then judged by the verdict. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "kmem.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kmem_zone zones[16];
	const char *p = (const char *)data, *end = p + size, *parts[3] = { p, end, end };
	size_t lens[3] = { size, 0, 0 }, n = 0, line = 0;
	int pbo;

	for (int i = 1; i < 3; i++) {
		const char *z = memchr(parts[i - 1], '\0', lens[i - 1]);

		if (!z)
			break;
		lens[i - 1] = (size_t)(z - parts[i - 1]);
		parts[i] = z + 1;
		lens[i] = (size_t)(end - parts[i]);
	}
	kmem_parse_zoneinfo(parts[0], lens[0], zones, 16, &n, &line);
	kmem_parse_buddyinfo(parts[1], lens[1], zones, 16, &n, &line);
	kmem_parse_pagetypeinfo(parts[2], lens[2], zones, 16, &n, &pbo, &line);
	fuzz_verdicts(zones, n);
	return 0;
}
