/* fuzz_vmstat.c: libFuzzer target for kmem_parse_vmstat: the raw bytes with their
 * exact length (no NUL), then a lookup over what was parsed. */
#include <stddef.h>
#include <stdint.h>
#include "kmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kmem_kv kv[64];
	size_t n = 0, line = 0;
	int64_t v;

	kmem_parse_vmstat((const char *)data, size, kv, 64, &n, &line);
	kmem_kv_lookup(kv, n, "compact_stall", &v);
	kmem_kv_lookup(kv, n, "MemTotal", &v);
	return 0;
}
