/* registry.h: which address ranges the shim owns, by chunk-sized slot. The
 * only test of ownership: a pointer is ours if and only if its slot is
 * registered, so foreign pointers (glibc's, the loader's) are recognised by
 * address without reading memory we may not own. Lookups are lock-free. */
#ifndef FG_REGISTRY_H
#define FG_REGISTRY_H
#include <stdint.h>
#include "shim.h"

#define REG_FOREIGN 0u
#define REG_SMALL 1u       /* a chunk of small-object spans */
#define REG_LARGE_TAIL 2u  /* inside a large mapping, not its start */
#define REG_LARGE 3u       /* low 2 bits of a large mapping's first slot; the rest: slots << 2 */

#if UINTPTR_MAX > 0xffffffffu
#define REG_VA_BITS 48
#define REG_LEAF_BITS 12
#else
#define REG_VA_BITS 32
#define REG_LEAF_BITS 11
#endif
#define REG_TOP_MAX (1u << (REG_VA_BITS - 21 - REG_LEAF_BITS))

extern uint32_t *reg_top[REG_TOP_MAX];

/* The registry entry for p's slot (REG_FOREIGN when unknown). Lock-free. */
static inline uint32_t registry_get(const void *p)
{
	uintptr_t slot = (uintptr_t)p >> g.chunk_shift;
	uintptr_t top = slot >> REG_LEAF_BITS;
	if (unlikely(top >= REG_TOP_MAX))
		return REG_FOREIGN;
	uint32_t *leaf = __atomic_load_n(&reg_top[top], __ATOMIC_ACQUIRE);
	if (!leaf)
		return REG_FOREIGN;
	return __atomic_load_n(&leaf[slot & ((1u << REG_LEAF_BITS) - 1)], __ATOMIC_ACQUIRE);
}

/* Sets the entries of nslots slots from p (chunk aligned). Returns 0, or
 * -ENOMEM when a leaf could not be mapped. Caller holds the arena lock. */
int registry_set(const void *p, uintptr_t nslots, uint32_t first, uint32_t rest);

#endif
