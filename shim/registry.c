/* registry.c: the two-level slot table of owned address space (registry.h).
 * Leaves are mapped on first use and never freed, so a concurrent lookup can
 * never touch unmapped memory. Writers hold the arena lock. */
#include <errno.h>
#include "os.h"
#include "registry.h"

uint32_t *reg_top[REG_TOP_MAX];

int registry_set(const void *p, uintptr_t nslots, uint32_t first, uint32_t rest)
{
	uintptr_t slot = (uintptr_t)p >> g.chunk_shift;
	for (uintptr_t i = 0; i < nslots; i++, slot++) {
		uintptr_t top = slot >> REG_LEAF_BITS;
		if (top >= REG_TOP_MAX)
			return -ENOMEM;
		uint32_t *leaf = reg_top[top];
		if (!leaf) {
			leaf = os_map(NULL, sizeof(uint32_t) << REG_LEAF_BITS, 0);
			if (!leaf)
				return -ENOMEM;
			__atomic_store_n(&reg_top[top], leaf, __ATOMIC_RELEASE);
		}
		__atomic_store_n(&leaf[slot & ((1u << REG_LEAF_BITS) - 1)], i ? rest : first,
				 __ATOMIC_RELEASE);
	}
	return 0;
}
