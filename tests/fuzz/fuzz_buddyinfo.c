/* fuzz_buddyinfo.c: libFuzzer target for kmem_parse_buddyinfo: the raw bytes with their
 * exact length (no NUL), then the verdict over whatever zones were parsed. */
#include <stddef.h>
#include <stdint.h>
#include "kmem.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kmem_zone zones[16];
	size_t n = 0, line = 0;

	kmem_parse_buddyinfo((const char *)data, size, zones, 16, &n, &line);
	fuzz_verdicts(zones, n);
	return 0;
}
