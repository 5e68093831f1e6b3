/* test_kmem_parse.c: the /proc parsers on exact kernel layouts of several eras
 * and on broken text: column counts, unknown lines, truncation, bounds, caps,
 * error line numbers, and never reading past the given length. */
#include <errno.h>
#include <stdlib.h>
#include "kmem.h"
#include "unit.h"

#define S(lit) lit, sizeof(lit) - 1

static void test_buddyinfo(void)
{
	struct kmem_zone zs[4];
	size_t n = 0, line = 99;

	CHECK_EQ(kmem_parse_buddyinfo(S("Node 0, zone      DMA      1      1      1      0      2      1      1      0      1      1      3 \n"
					"Node 0, zone    DMA32   1535   2189    823    295    262    110     74    153    103     34    276 \n"
					"Node 1, zone   Normal 4266 657 32 1 0 0 0 0 0 0 0 0 0 0\n"),
				      zs, 4, &n, &line), 0);
	CHECK_EQ(line, 0);
	CHECK_EQ(n, 3);
	CHECK_STR(zs[0].name, "DMA");
	CHECK_EQ(zs[0].norders, 11);
	CHECK_EQ(zs[0].nr_free[10], 3);
	CHECK_EQ(zs[1].kind, KMEM_ZONE_DMA32);
	CHECK_EQ(zs[1].nr_free[1], 2189);
	CHECK_EQ(zs[2].node, 1);
	CHECK_EQ(zs[2].norders, 14);
	CHECK(zs[2].known & KMEM_ZK_BUDDY);
	/* re-reading updates in place */
	CHECK_EQ(kmem_parse_buddyinfo(S("Node 0, zone DMA 5 0 0\r\n"), zs, 4, &n, &line), 0);
	CHECK_EQ(n, 3);
	CHECK_EQ(zs[0].norders, 3);
	CHECK_EQ(zs[0].nr_free[0], 5);
	CHECK_EQ(zs[0].nr_free[10], 0);
	/* too many columns, bad numbers, garbage, capacity */
	n = 0;
	CHECK_EQ(kmem_parse_buddyinfo(S("Node 0, zone DMA 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n"), zs, 4, &n, &line), -ERANGE);
	CHECK_EQ(line, 1);
	CHECK_EQ(kmem_parse_buddyinfo(S("\nNode 0, zone DMA 1 2x 3\n"), zs, 4, &n, &line), -EINVAL);
	CHECK_EQ(line, 2);
	CHECK_EQ(kmem_parse_buddyinfo(S("Node 0, zone DMA\n"), zs, 4, &n, &line), -EINVAL);
	CHECK_EQ(kmem_parse_buddyinfo(S("hello world\n"), zs, 4, &n, &line), -EINVAL);
	CHECK_EQ(kmem_parse_buddyinfo(S(""), zs, 4, &n, &line), -EINVAL);
	CHECK_EQ(kmem_parse_buddyinfo(S("Node 0, zone DMA, type Movable 1 2\n"), zs, 4, &n, &line), -EINVAL);
	CHECK_EQ(kmem_parse_buddyinfo(S("Node 0, zone DMA 99999999999999999999\n"), zs, 4, &n, &line), -ERANGE);
	n = 0;
	CHECK_EQ(kmem_parse_buddyinfo(S("Node 0, zone A 1\nNode 0, zone B 1\nNode 0, zone C 1\n"), zs, 2, &n, &line), -ENOSPC);
	CHECK_EQ(n, 2);
	CHECK_EQ(line, 3);
	/* The length is the bound, not a NUL: cut mid-number. */
	n = 0;
	CHECK_EQ(kmem_parse_buddyinfo("Node 0, zone DMA 12 345", 21, zs, 4, &n, &line), 0);
	CHECK_EQ(zs[0].norders, 2);
	CHECK_EQ(zs[0].nr_free[1], 3);
}

static const char zi_618[] =
	"Node 0, zone      DMA\n"
	"  per-node stats\n"
	"      nr_inactive_anon 65615\n"
	"      nr_free_cma  777\n" /* a per-node key we must not need */
	"  pages free     3840\n"
	"        boost    0\n"
	"        min      51\n"
	"        low      63\n"
	"        high     75\n"
	"        promo    87\n"
	"        spanned  4095\n"
	"        present  3998\n"
	"        managed  3840\n"
	"        cma      0\n"
	"        protection: (0, 3019, 4939, 4939, 4939)\n"
	"      nr_free_pages 3840\n"
	"      nr_free_cma  0\n"
	"  pagesets\n"
	"    cpu: 0\n"
	"              count:    0\n"
	"              high:     0\n"
	"              batch:    1\n"
	"  vm stats threshold: 6\n"
	"  node_unreclaimable:  0\n"
	"  start_pfn:           1\n"
	"Node 0, zone    DMA32\n"
	"  pages free     385161\n"
	"        boost    0\n"
	"        min      10292\n"
	"        low      12865\n"
	"        high     15438\n"
	"        spanned  1044480\n"
	"        present  782304\n"
	"        managed  772976\n"
	"        cma      4096\n"
	"        protection: (0, 0, 1920, 1920, 1920)\n"
	"      nr_free_pages 385161\n"
	"      nr_free_cma  2048\n"
	"Node 0, zone  Movable\n"
	"  pages free     0\n"
	"        boost    0\n"
	"        min      32\n"
	"        low      32\n"
	"        high     32\n"
	"        spanned  0\n"
	"        present  0\n"
	"        managed  0\n"
	"        cma      0\n"
	"        protection: (0, 0, 0, 0, 0)\n";

static void test_zoneinfo(void)
{
	struct kmem_zone zs[8];
	size_t n = 0, line = 0;

	CHECK_EQ(kmem_parse_zoneinfo(zi_618, sizeof zi_618 - 1, zs, 8, &n, &line), 0);
	CHECK_EQ(n, 3);
	CHECK_EQ(zs[0].free, 3840);
	CHECK_EQ(zs[0].min, 51);
	CHECK_EQ(zs[0].low, 63);
	CHECK_EQ(zs[0].high, 75); /* not the pageset's "high:" */
	CHECK_EQ(zs[0].managed, 3840);
	CHECK_EQ(zs[0].free_cma, 0);
	CHECK_EQ(zs[0].nprotection, 5);
	CHECK_EQ(zs[0].protection[1], 3019);
	CHECK_EQ(zs[0].idx, 0);
	CHECK(!(zs[0].known & KMEM_ZK_CMA_PRESENT));
	CHECK_EQ(zs[1].idx, 1);
	CHECK_EQ(zs[1].free_cma, 2048);
	CHECK_EQ(zs[1].cma_pages, 4096);
	CHECK(zs[1].known & KMEM_ZK_CMA_PRESENT);
	CHECK_EQ(zs[2].kind, KMEM_ZONE_MOVABLE);
	CHECK_EQ(zs[2].idx, 2);
	CHECK_EQ(zs[2].managed, 0);
	uint32_t want = KMEM_ZK_FREE | KMEM_ZK_MIN | KMEM_ZK_LOW | KMEM_ZK_HIGH | KMEM_ZK_MANAGED |
			KMEM_ZK_PRESENT | KMEM_ZK_SPANNED | KMEM_ZK_FREE_CMA | KMEM_ZK_PROTECTION |
			KMEM_ZK_BOOST;
	CHECK_EQ(zs[0].known & want, want);
	CHECK(zs[0].known & KMEM_ZK_UNRECL);
	CHECK_EQ(zs[0].node_unreclaimable, 0);
	CHECK(!(zs[1].known & KMEM_ZK_UNRECL));
	static const char zi_unrecl[] =
		"Node 0, zone    DMA32\n"
		"  pages free     233\n"
		"        boost    512\n"
		"        min      703\n"
		"  node_unreclaimable:  1\n"
		"  start_pfn:           4096\n";
	n = 0;
	CHECK_EQ(kmem_parse_zoneinfo(zi_unrecl, sizeof zi_unrecl - 1, zs, 8, &n, &line), 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(zs[0].boost, 512);
	CHECK_EQ(zs[0].node_unreclaimable, 1);
	CHECK(zs[0].known & KMEM_ZK_UNRECL);

	/* 2.6.24: "scanned N (a: N i: N)", hot/cold pagesets, no managed, no CMA */
	static const char zi_2624[] =
		"Node 0, zone   Normal\n"
		"  pages free     10034\n"
		"        min      936\n"
		"        low      1170\n"
		"        high     1404\n"
		"        scanned  2546811 (a: 0 i: 21)\n"
		"        spanned  225280\n"
		"        present  223520\n"
		"    nr_free_pages 10034\n"
		"        protection: (0, 0, 9143, 9143)\n"
		"  pagesets\n"
		"    cpu: 0 pcp: 0\n"
		"              count: 0\n"
		"              high:  186\n"
		"              batch: 31\n"
		"  all_unreclaimable: 1\n"
		"  prev_priority:     12\n"
		"  start_pfn:         4096\n";
	n = 0;
	CHECK_EQ(kmem_parse_zoneinfo(zi_2624, sizeof zi_2624 - 1, zs, 8, &n, &line), 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(zs[0].high, 1404);
	CHECK_EQ(zs[0].protection[2], 9143);
	CHECK(!(zs[0].known & KMEM_ZK_MANAGED));
	CHECK(!(zs[0].known & KMEM_ZK_FREE_CMA));

	/* errors, with the line */
	n = 0;
	CHECK_EQ(kmem_parse_zoneinfo(S("  pages free 5\n"), zs, 8, &n, &line), -EINVAL);
	CHECK_EQ(line, 1);
	CHECK_EQ(kmem_parse_zoneinfo(S("Node 0, zone DMA\n  pages free     x\n"), zs, 8, &n, &line), -EINVAL);
	CHECK_EQ(line, 2);
	CHECK_EQ(kmem_parse_zoneinfo(S("Node 0, zone DMA\n   protection: (0, 1\n"), zs, 8, &n, &line), -EINVAL);
	CHECK_EQ(kmem_parse_zoneinfo(S("Node 0, zone DMA\n   protection: (0,1,2,3,4,5,6,7,8)\n"), zs, 8, &n, &line), -ERANGE);
	CHECK_EQ(kmem_parse_zoneinfo(S("Node 0, zone DMA 1 2 3\n"), zs, 8, &n, &line), -EINVAL);
	CHECK_EQ(kmem_parse_zoneinfo(S("Node 0, zone DMA\n  min 5 6\n"), zs, 8, &n, &line), -EINVAL);
	CHECK_EQ(kmem_parse_zoneinfo(S("\n\n"), zs, 8, &n, &line), -EINVAL);
	/* protection () is empty but readable */
	n = 0;
	CHECK_EQ(kmem_parse_zoneinfo(S("Node 0, zone DMA\n protection: ()\n"), zs, 8, &n, &line), 0);
	CHECK_EQ(zs[0].nprotection, 0);
	/* every truncation of a valid file is handled without reading past it */
	for (size_t cut = 0; cut < sizeof zi_618 - 1; cut++) {
		char *copy = malloc(cut ? cut : 1);

		memcpy(copy, zi_618, cut);
		n = 0;
		int rc = kmem_parse_zoneinfo(copy, cut, zs, 8, &n, &line);
		CHECK(rc == 0 || rc == -EINVAL);
		free(copy);
	}
}

static void test_vmstat_meminfo(void)
{
	struct kmem_kv kv[8];
	size_t n = 0, line = 0;
	int64_t v = -1;

	CHECK_EQ(kmem_parse_vmstat(S("nr_free_pages 3840\ncompact_stall 38\n\ncompact_fail 31\nnr_negative -4\n"),
				   kv, 8, &n, &line), 0);
	CHECK_EQ(n, 4);
	CHECK(kmem_kv_lookup(kv, n, "compact_stall", &v));
	CHECK_EQ(v, 38);
	CHECK(kmem_kv_lookup(kv, n, "nr_negative", &v));
	CHECK_EQ(v, -4);
	CHECK(!kmem_kv_lookup(kv, n, "compact_success", &v));
	CHECK_EQ(kmem_parse_vmstat(S("a 1\nb 2\nc 3\n"), kv, 2, &n, &line), -ENOSPC);
	CHECK_EQ(n, 2);
	CHECK_EQ(line, 3);
	CHECK_EQ(kmem_parse_vmstat(S("a 1\nb two\n"), kv, 8, &n, &line), -EINVAL);
	CHECK_EQ(line, 2);
	CHECK_EQ(kmem_parse_vmstat(S("a 1 2\n"), kv, 8, &n, &line), -EINVAL);
	CHECK_EQ(kmem_parse_vmstat(S("a:b 1\n"), kv, 8, &n, &line), -EINVAL);
	CHECK_EQ(kmem_parse_vmstat(S(""), kv, 8, &n, &line), -EINVAL);
	CHECK_EQ(kmem_parse_vmstat(S("a_name_that_is_far_too_long_for_the_key_buffer_really 1\nb 2\n"), kv, 8, &n, &line), 0);
	CHECK_EQ(n, 1);
	CHECK_STR(kv[0].name, "b");

	CHECK_EQ(kmem_parse_meminfo(S("MemTotal:       16318888 kB\nActive(anon):     1234 kB\nHugePages_Total:       0\n"),
				    kv, 8, &n, &line), 0);
	CHECK_EQ(n, 3);
	CHECK(kmem_kv_lookup(kv, n, "Active(anon)", &v));
	CHECK_EQ(v, 1234);
	CHECK(kv[0].kb);
	CHECK(!kv[2].kb);
	CHECK_EQ(kmem_parse_meminfo(S("MemTotal 5 kB\n"), kv, 8, &n, &line), -EINVAL);
	CHECK_EQ(kmem_parse_meminfo(S("MemTotal: 5 MB\n"), kv, 8, &n, &line), -EINVAL);
	CHECK_EQ(kmem_parse_meminfo(S("MemTotal: kB\n"), kv, 8, &n, &line), -EINVAL);
	CHECK_EQ(kmem_parse_meminfo(S("MemTotal: 5 kB\nX: 1 kB 2\n"), kv, 8, &n, &line), -EINVAL);
	CHECK_EQ(line, 2);
}

static const char pti_6x[] =
	"Page block order: 9\n"
	"Pages per block:  512\n"
	"\n"
	"Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
	"Node    0, zone   Normal, type    Unmovable      0    257    385    287    173     81     44     17      6      0      0 \n"
	"Node    0, zone   Normal, type      Movable >100000      0     48     25      0      1     70    183     96      1    249 \n"
	"Node    0, zone   Normal, type  Reclaimable    390    202     81     72     54     30     17      5      1      0      0 \n"
	"Node    0, zone   Normal, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
	"Node    0, zone   Normal, type          CMA      0      0      0      0      0      0      0      0      0      0      7 \n"
	"Node    0, zone   Normal, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n"
	"\n"
	"Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic          CMA      Isolate \n"
	"Node 0, zone   Normal           60          860           40            0            8            0 \n";

static void test_pagetypeinfo(void)
{
	struct kmem_zone zs[4];
	size_t n = 0, line = 0;
	int pbo = 0;

	CHECK_EQ(kmem_parse_pagetypeinfo(pti_6x, sizeof pti_6x - 1, zs, 4, &n, &pbo, &line), 0);
	CHECK_EQ(pbo, 9);
	CHECK_EQ(n, 1);
	CHECK_EQ(zs[0].nr_free_mt[KMEM_MT_UNMOVABLE][1], 257);
	CHECK_EQ(zs[0].nr_free_mt[KMEM_MT_MOVABLE][0], 100000);
	CHECK_EQ(zs[0].mt_capped[0], 1u << KMEM_MT_MOVABLE);
	CHECK_EQ(zs[0].nr_free_mt[KMEM_MT_CMA][10], 7);
	CHECK_EQ(zs[0].mt_mask[10], (1u << KMEM_MT_MOVABLE) | (1u << KMEM_MT_CMA));
	CHECK_EQ(zs[0].mt_mask[9], 1u << KMEM_MT_MOVABLE);
	CHECK(zs[0].known & KMEM_ZK_CMA_PRESENT);
	CHECK(zs[0].known & KMEM_ZK_MT_MASK);

	/* 2.6.31 layout: Reserve type, no HighAtomic/CMA */
	n = 0;
	CHECK_EQ(kmem_parse_pagetypeinfo(S("Page block order: 10\nPages per block:  1024\n\n"
		"Free pages count per migrate type at order       0      1      2 \n"
		"Node    0, zone      DMA, type    Unmovable      4      1      0 \n"
		"Node    0, zone      DMA, type  Reclaimable      0      0      0 \n"
		"Node    0, zone      DMA, type      Movable      9      0      1 \n"
		"Node    0, zone      DMA, type      Reserve      0      0      2 \n"
		"Node    0, zone      DMA, type      Isolate      0      0      0 \n\n"
		"Number of blocks type     Unmovable  Reclaimable      Movable      Reserve      Isolate \n"
		"Node 0, zone      DMA            1            0            3            1            0 \n"),
		zs, 4, &n, &pbo, &line), 0);
	CHECK_EQ(pbo, 10);
	CHECK_EQ(zs[0].mt_mask[2], (1u << KMEM_MT_MOVABLE) | (1u << KMEM_MT_RESERVE));
	CHECK(!(zs[0].known & KMEM_ZK_CMA_PRESENT));

	CHECK_EQ(kmem_parse_pagetypeinfo(S("Node 0, zone DMA 1 2 3\n"), zs, 4, &n, &pbo, &line), -EINVAL);
	CHECK_EQ(kmem_parse_pagetypeinfo(S("Free pages count per migrate type at order 0 1\n"
		"Node 0, zone DMA, type Movable 1 2 3\n"), zs, 4, &n, &pbo, &line), -EINVAL);
	CHECK_EQ(line, 2);
	CHECK_EQ(kmem_parse_pagetypeinfo(S("Free pages count per migrate type at order 0 2\n"), zs, 4, &n, &pbo, &line), -EINVAL);
	CHECK_EQ(kmem_parse_pagetypeinfo(S("Page block order: 9\n"), zs, 4, &n, &pbo, &line), -EINVAL);
	/* an unknown future type is skipped, not fatal */
	n = 0;
	CHECK_EQ(kmem_parse_pagetypeinfo(S("Free pages count per migrate type at order 0 1\n"
		"Node 0, zone DMA, type Movable 1 2\nNode 0, zone DMA, type Frobbed 1 2\n"),
		zs, 4, &n, &pbo, &line), 0);
}

int main(void)
{
	test_buddyinfo();
	test_zoneinfo();
	test_vmstat_meminfo();
	test_pagetypeinfo();
	return unit_done();
}
