/* geometry.h: the sizes the allocator is built on (base page, huge page,
 * chunk, span page, the span one page-table page maps) derived from what the
 * kernel says, and the counts that follow from them (faults of a pre-fault,
 * page-table pages of a span). Pure: no system calls, no libc state; the
 * shim reads the inputs (setup.c), unit tests feed them directly. */
#ifndef FG_GEOMETRY_H
#define FG_GEOMETRY_H
#include <stddef.h>
#include <stdint.h>

/* What the kernel and the configuration say. */
struct geometry_in {
	size_t page_bytes;  /* AT_PAGESZ; 0 or not a power of two: 4 KiB */
	size_t pmd_bytes;   /* hpage_pmd_size; 0 when the file is absent (no THP:
	                       < 2.6.38, ARM32 without LPAE, CONFIG off) */
	int thp_usable;     /* THP mode is "always" or "madvise" */
	size_t chunk_conf;  /* CHUNK (0: derive; else a power of two, 2M..64M) */
	int thp_conf;       /* THP=1: advise huge pages on chunks */
	unsigned word_bytes; /* sizeof(void *) of the process: 4 or 8 */
};

struct geometry {
	size_t page;        /* base page */
	size_t pmd;         /* huge page, 0 when THP cannot be used */
	size_t chunk;       /* power of two, 2 MiB .. 64 MiB */
	unsigned chunk_shift;
	size_t unit;        /* span page: max(16 KiB, page) */
	unsigned unit_shift;
	size_t pt_span;     /* address space one page-table page maps */
	int thp_advise;     /* chunks are whole huge pages and THP=1 */
};

/* Derives *out from *in. The chunk is CHUNK when set, else the PMD size when
 * it lies in 2 MiB..64 MiB, else 2 MiB (no THP, or 512 MiB PMDs of 64 KiB
 * pages). Huge pages are advised only when a chunk is a whole number of them. */
void geometry_derive(const struct geometry_in *in, struct geometry *out);

/* Faults a pre-fault of [addr, addr+len) takes: one per huge page when thp
 * is set and addr is huge-page aligned, else one per base page. An estimate
 * (a huge page the kernel cannot supply costs one fault per base page). */
uint64_t geometry_faults(size_t page, size_t pmd, int thp, uintptr_t addr, size_t len);

/* Page-table pages a pt_span-aligned span of span_bytes needs (at least 1). */
uint64_t geometry_pt_pages(size_t pt_span, size_t span_bytes);

#endif
