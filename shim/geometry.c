/* geometry.c: the allocator's sizes from the kernel's page and PMD sizes
 * (geometry.h). Pure. */
#include "geometry.h"

#define MIB (1u << 20)

static int pow2(size_t v) { return v && !(v & (v - 1)); }
static unsigned log2z(size_t v) { return (unsigned)__builtin_ctzll((unsigned long long)v); }

void geometry_derive(const struct geometry_in *in, struct geometry *out)
{
	size_t page = pow2(in->page_bytes) ? in->page_bytes : 4096;
	size_t pmd_file = pow2(in->pmd_bytes) && in->pmd_bytes > page ? in->pmd_bytes : 0;

	out->page = page;
	out->pmd = in->thp_usable ? pmd_file : 0;
	if (in->chunk_conf && pow2(in->chunk_conf))
		out->chunk = in->chunk_conf;
	else if (out->pmd >= 2 * MIB && out->pmd <= 64 * MIB)
		out->chunk = out->pmd;
	else
		out->chunk = 2 * MIB;
	out->chunk_shift = log2z(out->chunk);
	out->unit = page > (16u << 10) ? page : (16u << 10);
	out->unit_shift = log2z(out->unit);
	out->thp_advise = in->thp_conf && out->pmd && out->chunk % out->pmd == 0;
	/* A page-table page maps what a PMD entry maps: hpage_pmd_size when the
	 * kernel says it (even with THP "never"); else page/8 entries of a page
	 * on 64-bit (2 MiB, 32 MiB, 512 MiB for 4, 16, 64 KiB pages), and 2 MiB
	 * on 32-bit (ARM's pair of 1 MiB tables, x86 PAE; non-PAE x86's 4 MiB is
	 * overestimated twice, the safe side). */
	if (pmd_file)
		out->pt_span = pmd_file;
	else if (in->word_bytes >= 8)
		out->pt_span = page * (page / 8);
	else
		out->pt_span = 2 * MIB;
}

uint64_t geometry_faults(size_t page, size_t pmd, int thp, uintptr_t addr, size_t len)
{
	if (thp && pmd && !(addr & (pmd - 1)))
		return (len + pmd - 1) / pmd;
	return (len + page - 1) / page;
}

uint64_t geometry_pt_pages(size_t pt_span, size_t span_bytes)
{
	uint64_t n = pt_span ? (span_bytes + pt_span - 1) / pt_span : 1;
	return n ? n : 1;
}
