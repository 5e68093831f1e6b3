/* test_geometry.c: chunk, span page, huge page and page-table span from the
 * kernel's page and PMD sizes (shim/geometry.c), and the counts derived from
 * them, on the machines fragguard meets: x86-64 and arm64 with 4 KiB pages,
 * arm64 with 16 KiB and 64 KiB pages, 32-bit ARM without THP and with LPAE,
 * THP "never", and a CHUNK override. */
#include "geometry.h"
#include "unit.h"

#define KIB (1ull << 10)
#define MIB (1ull << 20)

static struct geometry derive(size_t page, size_t pmd, int thp_usable, size_t chunk, unsigned word)
{
	struct geometry_in in = { page, pmd, thp_usable, chunk, 1, word };
	struct geometry g;
	memset(&g, 0xa5, sizeof g);
	geometry_derive(&in, &g);
	return g;
}

/* 4 KiB pages, 2 MiB PMD (x86-64, arm64 4K): a chunk is one huge page. */
static void test_4k(void)
{
	struct geometry g = derive(4 * KIB, 2 * MIB, 1, 0, 8);
	CHECK_EQ(g.page, 4 * KIB);
	CHECK_EQ(g.pmd, 2 * MIB);
	CHECK_EQ(g.chunk, 2 * MIB);
	CHECK_EQ(g.chunk_shift, 21);
	CHECK_EQ(g.unit, 16 * KIB);
	CHECK_EQ(g.unit_shift, 14);
	CHECK_EQ(g.pt_span, 2 * MIB);
	CHECK_EQ(g.thp_advise, 1);
	CHECK_EQ(g.chunk >> g.unit_shift, 128); /* span pages per chunk */
	/* A whole chunk pre-faulted: one huge-page fault; a span: per page. */
	CHECK_EQ(geometry_faults(g.page, g.pmd, g.thp_advise, 0x40000000, g.chunk), 1);
	CHECK_EQ(geometry_faults(g.page, g.pmd, g.thp_advise, 0x40004000, 64 * KIB), 16);
	CHECK_EQ(geometry_faults(g.page, g.pmd, 0, 0x40000000, g.chunk), 512);
	CHECK_EQ(geometry_pt_pages(g.pt_span, g.chunk), 1);
	CHECK_EQ(geometry_pt_pages(g.pt_span, 5 * MIB), 3);
}

/* arm64 with 64 KiB pages: the PMD is 512 MiB, far too large for a chunk;
 * chunks fall back to 2 MiB without huge-page advice (README), span pages
 * are the base pages, and one page-table page maps 512 MiB. */
static void test_64k(void)
{
	struct geometry g = derive(64 * KIB, 512 * MIB, 1, 0, 8);
	CHECK_EQ(g.page, 64 * KIB);
	CHECK_EQ(g.pmd, 512 * MIB);
	CHECK_EQ(g.chunk, 2 * MIB);
	CHECK_EQ(g.unit, 64 * KIB);
	CHECK_EQ(g.unit_shift, 16);
	CHECK_EQ(g.chunk >> g.unit_shift, 32);
	CHECK_EQ(g.thp_advise, 0);
	CHECK_EQ(g.pt_span, 512 * MIB);
	/* A 2 MiB chunk at a 512 MiB boundary is still 32 base-page faults:
	 * no huge page was advised. */
	CHECK_EQ(geometry_faults(g.page, g.pmd, g.thp_advise, 0x20000000, g.chunk), 32);
	CHECK_EQ(geometry_pt_pages(g.pt_span, g.chunk), 1);
	CHECK_EQ(geometry_pt_pages(g.pt_span, 1024 * MIB), 2);
	/* The same kernel without THP built in: the span comes from the page
	 * size (8192 eight-byte entries of 64 KiB). */
	g = derive(64 * KIB, 0, 0, 0, 8);
	CHECK_EQ(g.pmd, 0);
	CHECK_EQ(g.chunk, 2 * MIB);
	CHECK_EQ(g.pt_span, 512 * MIB);
}

/* arm64 with 16 KiB pages: 32 MiB PMD, within the chunk range. */
static void test_16k(void)
{
	struct geometry g = derive(16 * KIB, 32 * MIB, 1, 0, 8);
	CHECK_EQ(g.chunk, 32 * MIB);
	CHECK_EQ(g.chunk_shift, 25);
	CHECK_EQ(g.unit, 16 * KIB);
	CHECK_EQ(g.chunk >> g.unit_shift, 2048);
	CHECK_EQ(g.thp_advise, 1);
	CHECK_EQ(g.pt_span, 32 * MIB);
	CHECK_EQ(geometry_faults(g.page, g.pmd, g.thp_advise, 0x42000000, g.chunk), 1);
	CHECK_EQ(geometry_faults(g.page, g.pmd, g.thp_advise, 0x42004000, MIB), 64);
	g = derive(16 * KIB, 0, 0, 0, 8);
	CHECK_EQ(g.chunk, 2 * MIB);
	CHECK_EQ(g.pt_span, 32 * MIB);
}

/* 32-bit ARM without LPAE has no THP (no hpage_pmd_size); with LPAE the
 * PMD is 2 MiB. Sizes must fit a 32-bit size_t either way. */
static void test_arm32(void)
{
	struct geometry g = derive(4 * KIB, 0, 0, 0, 4);
	CHECK_EQ(g.pmd, 0);
	CHECK_EQ(g.chunk, 2 * MIB);
	CHECK_EQ(g.thp_advise, 0);
	CHECK_EQ(g.pt_span, 2 * MIB);
	CHECK_EQ(geometry_faults(g.page, g.pmd, g.thp_advise, 0x40000000, g.chunk), 512);
	CHECK_EQ(geometry_pt_pages(g.pt_span, 3 * MIB), 2);
	g = derive(4 * KIB, 2 * MIB, 1, 0, 4); /* LPAE */
	CHECK_EQ(g.pmd, 2 * MIB);
	CHECK_EQ(g.chunk, 2 * MIB);
	CHECK_EQ(g.thp_advise, 1);
	CHECK_EQ(g.pt_span, 2 * MIB);
	CHECK_EQ(geometry_faults(g.page, g.pmd, g.thp_advise, 0x40000000, g.chunk), 1);
}

/* THP "never": no huge pages, but the PMD still sets the page-table span. */
static void test_never(void)
{
	struct geometry g = derive(4 * KIB, 2 * MIB, 0, 0, 8);
	CHECK_EQ(g.pmd, 0);
	CHECK_EQ(g.chunk, 2 * MIB);
	CHECK_EQ(g.thp_advise, 0);
	CHECK_EQ(g.pt_span, 2 * MIB);
	/* THP=0 in the configuration: the PMD is known, nothing is advised. */
	struct geometry_in in = { 4 * KIB, 2 * MIB, 1, 0, 0, 8 };
	geometry_derive(&in, &g);
	CHECK_EQ(g.pmd, 2 * MIB);
	CHECK_EQ(g.thp_advise, 0);
}

/* CHUNK overrides the derivation; huge pages only when a chunk is a whole
 * number of them. */
static void test_override(void)
{
	struct geometry g = derive(4 * KIB, 2 * MIB, 1, 8 * MIB, 8);
	CHECK_EQ(g.chunk, 8 * MIB);
	CHECK_EQ(g.chunk_shift, 23);
	CHECK_EQ(g.thp_advise, 1);
	CHECK_EQ(geometry_faults(g.page, g.pmd, g.thp_advise, 0x40000000, g.chunk), 4);
	g = derive(16 * KIB, 32 * MIB, 1, 4 * MIB, 8);
	CHECK_EQ(g.chunk, 4 * MIB);
	CHECK_EQ(g.thp_advise, 0);
	g = derive(64 * KIB, 512 * MIB, 1, 64 * MIB, 8);
	CHECK_EQ(g.chunk, 64 * MIB);
	CHECK_EQ(g.chunk >> g.unit_shift, 1024);
	CHECK_EQ(g.thp_advise, 0);
	g = derive(4 * KIB, 0, 0, 64 * MIB, 4);
	CHECK_EQ(g.chunk, 64 * MIB);
	CHECK_EQ(g.chunk >> g.unit_shift, 4096); /* ARENA_MAXPAGES */
}

/* Nonsense from the kernel falls back to safe values. */
static void test_garbage(void)
{
	struct geometry g = derive(0, 3 * MIB, 1, 0, 8);
	CHECK_EQ(g.page, 4 * KIB);
	CHECK_EQ(g.pmd, 0);
	CHECK_EQ(g.chunk, 2 * MIB);
	CHECK_EQ(g.pt_span, 2 * MIB);
	g = derive(12288, 2 * MIB, 1, 0, 8);
	CHECK_EQ(g.page, 4 * KIB);
	CHECK_EQ(g.chunk, 2 * MIB);
	CHECK_EQ(geometry_pt_pages(0, MIB), 1);
}

int main(void)
{
	test_4k();
	test_64k();
	test_16k();
	test_arm32();
	test_never();
	test_override();
	test_garbage();
	return unit_done();
}
