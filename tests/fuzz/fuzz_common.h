/* fuzz_common.h: shared by the kmem fuzz targets: after a parse, run every
 * request kind through the verdict on whatever zones came out, in both eras
 * and against every watermark, so odd numbers reach the arithmetic too. */
#ifndef FG_FUZZ_COMMON_H
#define FG_FUZZ_COMMON_H
#include <stdbool.h>
#include "kmem.h"

static inline void fuzz_verdicts(struct kmem_zone *z, size_t n)
{
	static const enum kmem_arch arches[] = { KMEM_ARCH_X86_64, KMEM_ARCH_X86_32, KMEM_ARCH_ARM32 };
	struct kmem_verdict v[16];
	bool checked[16];

	if (n > 16)
		n = 16;
	kmem_zone_assign_idx(z, n);
	for (size_t a = 0; a < sizeof arches / sizeof arches[0]; a++)
		for (int k = KMEM_REQ_PAGETABLE; k <= KMEM_REQ_PGD; k++) {
			struct kmem_request r;

			if (kmem_request_for(&r, (enum kmem_req_kind)k, arches[a], KMEM_RF_PTI))
				continue;
			for (unsigned fl = 0; fl < 8; fl++) {
				r.alloc_flags = fl;
				for (size_t i = 0; i < n; i++) {
					bool dup = false;

					for (size_t j = 0; j < i; j++)
						dup |= z[j].node == z[i].node;
					if (dup)
						continue;
					for (int e = 0; e < 2; e++)
						kmem_node_verdict(z, n, z[i].node, &r, (enum kmem_era)e,
								  (enum kmem_wmark)(fl % 3), v, checked);
				}
			}
		}
}
#endif
