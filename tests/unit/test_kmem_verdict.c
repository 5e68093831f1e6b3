/* test_kmem_verdict.c: the watermark verdict against the seeds' own numbers
 * and synthetic edge cases (equality, protection, CMA, highatomic, ALLOC_HIGH,
 * ZONE_MOVABLE, HighMem), plus era and release parsing. */
#include <errno.h>
#include "kmem.h"
#include "unit.h"

static struct kmem_zone zone(const char *name, int idx, int64_t free, int64_t min)
{
	struct kmem_zone z;

	kmem_zone_init(&z, 0, name, strlen(name));
	z.idx = idx;
	z.free = free;
	z.min = min;
	z.low = min + min / 4;
	z.high = min + min / 2;
	z.known = KMEM_ZK_FREE | KMEM_ZK_MIN | KMEM_ZK_LOW | KMEM_ZK_HIGH;
	return z;
}

static void buddy(struct kmem_zone *z, const int64_t *nr, int norders)
{
	for (int o = 0; o < norders; o++)
		z->nr_free[o] = nr[o];
	z->norders = norders;
	z->known |= KMEM_ZK_BUDDY;
}

static void protect(struct kmem_zone *z, const int64_t *p, int np)
{
	for (int i = 0; i < np; i++)
		z->protection[i] = p[i];
	z->nprotection = np;
	z->known |= KMEM_ZK_PROTECTION;
}

/* Seed 000: 3.10 ARM, order 0 unmovable page table, all free memory is CMA. */
static void test_seed000(void)
{
	static const int64_t nr[14] = { 2335, 1266, 1034, 835, 444, 28, 103 };
	static const int64_t p[4] = { 0, 0, 0, 0 };
	struct kmem_zone z = zone("DMA", 0, 28909, 499);
	struct kmem_request pt, anon;
	struct kmem_verdict v;

	buddy(&z, nr, 14);
	protect(&z, p, 4);
	z.free_cma = 29019;
	z.known |= KMEM_ZK_FREE_CMA | KMEM_ZK_CMA_PRESENT;
	CHECK_EQ(kmem_request_for(&pt, KMEM_REQ_PAGETABLE, KMEM_ARCH_ARM32, 0), 0);
	pt.classzone_idx = 0;
	CHECK_EQ(kmem_zone_verdict(&z, &pt, KMEM_ERA_PRE44, KMEM_WMARK_MIN, &v), 0);
	CHECK(!v.granted);
	CHECK_EQ(v.rule, KMEM_RULE_ORDER0);
	CHECK_EQ(v.usable_free, 28909 - 29019);
	CHECK_EQ(v.cma_excluded, 29019);
	CHECK_EQ(v.lhs, -110);
	CHECK_EQ(v.rhs, 499);
	CHECK_EQ(v.margin, -609);
	CHECK_EQ(v.missing, 0);
	/* The 4.4 rules change nothing for order 0 (no highatomic known). */
	CHECK_EQ(kmem_zone_verdict(&z, &pt, KMEM_ERA_44, KMEM_WMARK_MIN, &v), 0);
	CHECK(!v.granted);
	CHECK_EQ(v.missing, KMEM_ZK_HIGHATOMIC);
	/* A movable anonymous page may use CMA: granted with the whole zone. */
	CHECK_EQ(kmem_request_for(&anon, KMEM_REQ_ANON, KMEM_ARCH_ARM32, 0), 0);
	anon.classzone_idx = 0;
	CHECK_EQ(kmem_zone_verdict(&z, &anon, KMEM_ERA_PRE44, KMEM_WMARK_MIN, &v), 0);
	CHECK(v.granted);
	CHECK_EQ(v.margin, 28909 - 499);
}

/* Seed 001: 2.6.31 ARM, order 2 GFP_KERNEL page directory at exec. */
static void test_seed001(void)
{
	static const int64_t dma_nr[13] = { 2358, 912, 25 };
	static const int64_t nor_nr[13] = { 4266, 657, 32, 1 };
	static const int64_t dma_p[3] = { 0, 158, 158 }, nor_p[3] = { 0, 0, 0 };
	struct kmem_zone zs[2];
	struct kmem_request pgd;
	struct kmem_verdict v, vs[2];
	bool checked[2];

	zs[0] = zone("DMA", 0, 17128 / 4, 1560 / 4);
	zs[1] = zone("Normal", 1, 22864 / 4, 2600 / 4);
	buddy(&zs[0], dma_nr, 13);
	buddy(&zs[1], nor_nr, 13);
	protect(&zs[0], dma_p, 3);
	protect(&zs[1], nor_p, 3);
	CHECK_EQ(kmem_request_for(&pgd, KMEM_REQ_PGD, KMEM_ARCH_ARM32, 0), 0);
	CHECK_EQ(pgd.order, 2);
	CHECK_EQ(pgd.mt, KMEM_MT_UNMOVABLE);
	CHECK(!pgd.may_use_cma);
	CHECK_EQ(kmem_classzone_idx(zs, 2, 0, &pgd), 1);

	pgd.classzone_idx = 1;
	CHECK_EQ(kmem_zone_verdict(&zs[1], &pgd, KMEM_ERA_PRE44, KMEM_WMARK_MIN, &v), 0);
	CHECK(!v.granted);
	CHECK_EQ(v.rule, KMEM_RULE_ORDER_LOOP);
	CHECK_EQ(v.loop_order, 2);
	CHECK_EQ(v.lhs, 133);
	CHECK_EQ(v.rhs, 162);
	CHECK_EQ(v.margin, -29);
	CHECK_EQ(v.suitable_blocks, 33);
	CHECK_EQ(v.usable_free, 5713);

	CHECK_EQ(kmem_zone_verdict(&zs[0], &pgd, KMEM_ERA_PRE44, KMEM_WMARK_MIN, &v), 0);
	CHECK(!v.granted);
	CHECK_EQ(v.rule, KMEM_RULE_ORDER_LOOP);
	CHECK_EQ(v.loop_order, 2);
	CHECK_EQ(v.lhs, 97);
	CHECK_EQ(v.rhs, 97);
	CHECK_EQ(v.margin, 0);
	CHECK_EQ(v.reserve, 158);

	/* A kernel from 4.4 grants it from Normal: 33 blocks of order >= 2. */
	CHECK_EQ(kmem_zone_verdict(&zs[1], &pgd, KMEM_ERA_44, KMEM_WMARK_MIN, &v), 0);
	CHECK(v.granted);
	CHECK_EQ(v.rule, KMEM_RULE_BLOCK);
	CHECK_EQ(v.block_order, 2);
	CHECK_EQ(v.lhs, 33);

	CHECK_EQ(kmem_node_verdict(zs, 2, 0, &pgd, KMEM_ERA_PRE44, KMEM_WMARK_MIN, vs, checked), -1);
	CHECK(checked[0] && checked[1]);
	CHECK_EQ(vs[0].lhs, 97);
	CHECK_EQ(vs[1].lhs, 133);
	CHECK_EQ(kmem_node_verdict(zs, 2, 0, &pgd, KMEM_ERA_44, KMEM_WMARK_MIN, vs, checked), 1);
}

/* Equality fails, one more page passes: the kernel's "<=". */
static void test_equality(void)
{
	struct kmem_zone z = zone("Normal", 0, 101, 100);
	struct kmem_request r;
	struct kmem_verdict v;

	kmem_request_for(&r, KMEM_REQ_ANON, KMEM_ARCH_X86_64, 0);
	kmem_zone_verdict(&z, &r, KMEM_ERA_44, KMEM_WMARK_MIN, &v);
	CHECK(v.granted);
	CHECK_EQ(v.margin, 1);
	z.free = 100;
	kmem_zone_verdict(&z, &r, KMEM_ERA_44, KMEM_WMARK_MIN, &v);
	CHECK(!v.granted);
	CHECK_EQ(v.margin, 0);
	/* low and high marks */
	z.free = 126;
	kmem_zone_verdict(&z, &r, KMEM_ERA_44, KMEM_WMARK_LOW, &v);
	CHECK(v.granted);
	CHECK_EQ(v.mark, 125);
	kmem_zone_verdict(&z, &r, KMEM_ERA_44, KMEM_WMARK_HIGH, &v);
	CHECK(!v.granted);
	CHECK_EQ(v.rhs, 150);
	CHECK_EQ(kmem_zone_verdict(&z, &r, KMEM_ERA_44, (enum kmem_wmark)7, &v), -EINVAL);
	r.order = KMEM_MAX_ORDERS;
	CHECK_EQ(kmem_zone_verdict(&z, &r, KMEM_ERA_44, KMEM_WMARK_MIN, &v), -EINVAL);
}

/* ALLOC_HIGH halves min, HARDER takes a quarter of the rest, OOM a half. */
static void test_alloc_flags(void)
{
	struct kmem_zone z = zone("Normal", 0, 60, 100);
	struct kmem_request r;
	struct kmem_verdict v;

	kmem_request_for(&r, KMEM_REQ_PAGETABLE, KMEM_ARCH_X86_64, 0);
	kmem_zone_verdict(&z, &r, KMEM_ERA_PRE44, KMEM_WMARK_MIN, &v);
	CHECK(!v.granted);
	r.alloc_flags = KMEM_ALLOC_HIGH;
	kmem_zone_verdict(&z, &r, KMEM_ERA_PRE44, KMEM_WMARK_MIN, &v);
	CHECK_EQ(v.min_adjusted, 50);
	CHECK(v.granted);
	r.alloc_flags = KMEM_ALLOC_HIGH | KMEM_ALLOC_HARDER;
	kmem_zone_verdict(&z, &r, KMEM_ERA_PRE44, KMEM_WMARK_MIN, &v);
	CHECK_EQ(v.min_adjusted, 38);
	r.alloc_flags = KMEM_ALLOC_HARDER;
	kmem_zone_verdict(&z, &r, KMEM_ERA_PRE44, KMEM_WMARK_MIN, &v);
	CHECK_EQ(v.min_adjusted, 75);
	CHECK(!v.granted);
	r.alloc_flags = KMEM_ALLOC_OOM;
	kmem_zone_verdict(&z, &r, KMEM_ERA_44, KMEM_WMARK_MIN, &v);
	CHECK_EQ(v.min_adjusted, 50);
	CHECK(v.granted);
}

/* The high-atomic reserve (4.4+) is off limits unless ALLOC_HARDER, and its
 * free blocks only count for HARDER requests. */
static void test_highatomic(void)
{
	static const int64_t nr[11] = { 500, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	struct kmem_zone z = zone("Normal", 0, 1012, 100);
	struct kmem_request r;
	struct kmem_verdict v;

	buddy(&z, nr, 11);
	z.reserved_highatomic = 512;
	z.known |= KMEM_ZK_HIGHATOMIC | KMEM_ZK_MT_MASK;
	z.mt_mask[0] = 1u << KMEM_MT_UNMOVABLE;
	z.mt_mask[9] = 1u << KMEM_MT_HIGHATOMIC;
	kmem_request_for(&r, KMEM_REQ_PAGETABLE, KMEM_ARCH_X86_64, 0);
	kmem_zone_verdict(&z, &r, KMEM_ERA_44, KMEM_WMARK_MIN, &v);
	CHECK(v.granted);
	CHECK_EQ(v.highatomic_excluded, 512);
	CHECK_EQ(v.usable_free, 500);
	/* Pre-4.4 had no such reserve. */
	kmem_zone_verdict(&z, &r, KMEM_ERA_PRE44, KMEM_WMARK_MIN, &v);
	CHECK_EQ(v.highatomic_excluded, 0);
	z.free = 612;
	kmem_zone_verdict(&z, &r, KMEM_ERA_44, KMEM_WMARK_MIN, &v);
	CHECK(!v.granted);
	CHECK_EQ(v.lhs, 100);
	CHECK_EQ(v.margin, 0);
	/* order 2: the only big block is high-atomic */
	z.free = 5000;
	r.order = 2;
	kmem_zone_verdict(&z, &r, KMEM_ERA_44, KMEM_WMARK_MIN, &v);
	CHECK(!v.granted);
	CHECK_EQ(v.rule, KMEM_RULE_BLOCK);
	CHECK_EQ(v.block_order, -1);
	CHECK_EQ(v.suitable_blocks, 1);
	r.alloc_flags = KMEM_ALLOC_HARDER;
	kmem_zone_verdict(&z, &r, KMEM_ERA_44, KMEM_WMARK_MIN, &v);
	CHECK(v.granted);
	CHECK_EQ(v.block_order, 9);
}

/* 4.4 block check with CMA lists: only CMA-capable requests may take them. */
static void test_cma_blocks(void)
{
	static const int64_t nr[11] = { 10, 0, 0, 0, 4 };
	struct kmem_zone z = zone("Normal", 0, 5000, 100);
	struct kmem_request r;
	struct kmem_verdict v;

	buddy(&z, nr, 11);
	z.free_cma = 64;
	z.known |= KMEM_ZK_FREE_CMA;
	kmem_request_for(&r, KMEM_REQ_PGD, KMEM_ARCH_ARM32, 0);
	/* Without per-type lists, an order-2 block may be a CMA one. */
	kmem_zone_verdict(&z, &r, KMEM_ERA_44, KMEM_WMARK_MIN, &v);
	CHECK(v.granted);
	CHECK(v.missing & KMEM_ZK_MT_MASK);
	z.known |= KMEM_ZK_MT_MASK;
	z.mt_mask[0] = 1u << KMEM_MT_MOVABLE;
	z.mt_mask[4] = 1u << KMEM_MT_CMA;
	kmem_zone_verdict(&z, &r, KMEM_ERA_44, KMEM_WMARK_MIN, &v);
	CHECK(!v.granted);
	CHECK_EQ(v.lhs, 0);
	CHECK_EQ(v.cma_excluded, 64);
	kmem_request_for(&r, KMEM_REQ_ANON, KMEM_ARCH_ARM32, 0);
	r.order = 2;
	kmem_zone_verdict(&z, &r, KMEM_ERA_44, KMEM_WMARK_MIN, &v);
	CHECK(v.granted);
	CHECK_EQ(v.block_order, 4);
	CHECK_EQ(v.cma_excluded, 0);
	/* no buddy data: only the order-0 part can be judged */
	z.known &= ~(uint32_t)KMEM_ZK_BUDDY;
	kmem_zone_verdict(&z, &r, KMEM_ERA_44, KMEM_WMARK_MIN, &v);
	CHECK(v.missing & KMEM_ZK_BUDDY);
	CHECK_EQ(v.rule, KMEM_RULE_ORDER0);
}

/* lowmem_reserve: a GFP_KERNEL request checked against DMA uses protection[Normal]. */
static void test_protection_highmem(void)
{
	/* 2.6.24 x86-32 (tests/data/oom/lkml_2.6.24_x86_highmem_exhausted.log) */
	static const int64_t pd[4] = { 0, 873, 2016, 2016 }, pn[4] = { 0, 0, 9143, 9143 },
			     ph[4] = { 0 };
	struct kmem_zone zs[3];
	struct kmem_request anon, pt;
	struct kmem_verdict vs[3];
	bool checked[3];

	zs[0] = zone("DMA", 0, 2033, 17);
	zs[1] = zone("Normal", 1, 10034, 936);
	zs[2] = zone("HighMem", 2, 113, 128);
	protect(&zs[0], pd, 4);
	protect(&zs[1], pn, 4);
	protect(&zs[2], ph, 4);
	kmem_request_for(&anon, KMEM_REQ_ANON, KMEM_ARCH_X86_32, 0);
	CHECK_EQ(kmem_classzone_idx(zs, 3, 0, &anon), 2);
	CHECK_EQ(kmem_node_verdict(zs, 3, 0, &anon, KMEM_ERA_PRE44, KMEM_WMARK_MIN, vs, checked), -1);
	CHECK_EQ(vs[2].lhs, 113);
	CHECK_EQ(vs[2].rhs, 128);
	CHECK_EQ(vs[1].rhs, 936 + 9143);
	CHECK_EQ(vs[1].margin, 10034 - 10079);
	CHECK_EQ(vs[0].lhs, 2033);
	CHECK_EQ(vs[0].rhs, 2033);
	CHECK(!vs[0].granted);
	/* A page table may not use HighMem, and its classzone is Normal. */
	kmem_request_for(&pt, KMEM_REQ_PAGETABLE, KMEM_ARCH_X86_32, 0);
	CHECK(!kmem_zone_allowed(KMEM_ZONE_HIGHMEM, &pt));
	CHECK_EQ(kmem_node_verdict(zs, 3, 0, &pt, KMEM_ERA_PRE44, KMEM_WMARK_MIN, vs, checked), 1);
	CHECK(!checked[2]);
	CHECK_EQ(vs[1].reserve, 0);
	CHECK_EQ(vs[0].reserve, 873);
	kmem_request_for(&pt, KMEM_REQ_PAGETABLE, KMEM_ARCH_X86_32, KMEM_RF_HIGHPTE);
	CHECK(kmem_zone_allowed(KMEM_ZONE_HIGHMEM, &pt));
}

static void test_movable_zone(void)
{
	struct kmem_request r;

	kmem_request_for(&r, KMEM_REQ_PAGETABLE, KMEM_ARCH_X86_64, 0);
	CHECK(!kmem_zone_allowed(KMEM_ZONE_MOVABLE, &r));
	CHECK(kmem_zone_allowed(KMEM_ZONE_DMA32, &r));
	CHECK(kmem_zone_allowed(KMEM_ZONE_NORMAL, &r));
	CHECK(!kmem_zone_allowed(KMEM_ZONE_DEVICE, &r));
	kmem_request_for(&r, KMEM_REQ_THP, KMEM_ARCH_X86_64, 0);
	CHECK_EQ(r.order, 9);
	CHECK(kmem_zone_allowed(KMEM_ZONE_MOVABLE, &r));
	kmem_request_for(&r, KMEM_REQ_PGD, KMEM_ARCH_X86_64, KMEM_RF_PTI);
	CHECK_EQ(r.order, 1);
	CHECK(!kmem_zone_allowed(KMEM_ZONE_MOVABLE, &r));
	kmem_request_for(&r, KMEM_REQ_PGD, KMEM_ARCH_X86_64, 0);
	CHECK_EQ(r.order, 0);
	CHECK_EQ(kmem_request_for(&r, KMEM_REQ_THP, KMEM_ARCH_ARM32, 0), -ENOTSUP);
	CHECK_EQ(kmem_request_for(&r, (enum kmem_req_kind)9, KMEM_ARCH_ARM32, 0), -EINVAL);

	/* Scenario A: the free memory is in Movable; page tables cannot reach it. */
	struct kmem_zone zs[3];
	struct kmem_verdict vs[3];
	bool checked[3];

	zs[0] = zone("DMA32", 1, 900, 1000);
	zs[1] = zone("Normal", 2, 300, 400);
	zs[2] = zone("Movable", 3, 200000, 1000);
	zs[0].node = zs[1].node = zs[2].node = 0;
	kmem_request_for(&r, KMEM_REQ_PAGETABLE, KMEM_ARCH_X86_64, 0);
	CHECK_EQ(kmem_node_verdict(zs, 3, 0, &r, KMEM_ERA_44, KMEM_WMARK_MIN, vs, checked), -1);
	CHECK(!checked[2]);
	kmem_request_for(&r, KMEM_REQ_ANON, KMEM_ARCH_X86_64, 0);
	CHECK_EQ(kmem_node_verdict(zs, 3, 0, &r, KMEM_ERA_44, KMEM_WMARK_MIN, vs, checked), 2);
}

static void test_pre44_loop(void)
{
	/* Passes every order: free 1000, min 64; blocks 100*1, 50*2, 40*4 ... */
	static const int64_t nr[11] = { 100, 50, 40, 30 };
	struct kmem_zone z = zone("Normal", 0, 100 + 100 + 160 + 240 + 400, 64);
	struct kmem_request r;
	struct kmem_verdict v;

	buddy(&z, nr, 11);
	kmem_request_for(&r, KMEM_REQ_PAGETABLE, KMEM_ARCH_X86_64, 0);
	r.order = 3;
	kmem_zone_verdict(&z, &r, KMEM_ERA_PRE44, KMEM_WMARK_MIN, &v);
	CHECK(v.granted);
	CHECK_EQ(v.rule, KMEM_RULE_ORDER_LOOP);
	CHECK_EQ(v.loop_order, 3);
	CHECK_EQ(v.lhs, 1000 - 7 - 100 - 100 - 160);
	CHECK_EQ(v.rhs, 8);
	/* missing watermarks are reported */
	z.known &= ~(uint32_t)KMEM_ZK_MIN;
	kmem_zone_verdict(&z, &r, KMEM_ERA_PRE44, KMEM_WMARK_MIN, &v);
	CHECK(v.missing & KMEM_ZK_MIN);
}

static void test_era(void)
{
	enum kmem_era e = KMEM_ERA_44;
	int ma, mi, pa;

	CHECK_EQ(kmem_parse_release("3.10.53-1.1.1_ga+gf57416a", 25, &ma, &mi, &pa), 0);
	CHECK_EQ(ma, 3);
	CHECK_EQ(mi, 10);
	CHECK_EQ(pa, 53);
	CHECK_EQ(kmem_era_from_release("3.10.53-1.1.1_ga+gf57416a", 25, &e), 0);
	CHECK_EQ(e, KMEM_ERA_PRE44);
	CHECK_EQ(kmem_era_from_release("4.4", 3, &e), 0);
	CHECK_EQ(e, KMEM_ERA_44);
	CHECK_EQ(kmem_era_from_release("4.3.0", 5, &e), 0);
	CHECK_EQ(e, KMEM_ERA_PRE44);
	CHECK_EQ(kmem_era_from_release("6.1.0-18-amd64", 14, &e), 0);
	CHECK_EQ(e, KMEM_ERA_44);
	CHECK_EQ(kmem_era_from_release("2.6.31", 6, &e), 0);
	CHECK_EQ(e, KMEM_ERA_PRE44);
	/* only the first 3 bytes: "2.6" */
	CHECK_EQ(kmem_era_from_release("2.6.31", 3, &e), 0);
	CHECK_EQ(kmem_era_from_release("linux", 5, &e), -EINVAL);
	CHECK_EQ(kmem_era_from_release("4", 1, &e), -EINVAL);
	CHECK_EQ(kmem_era_from_release("4.", 2, &e), -EINVAL);
	CHECK_EQ(kmem_era_from_release("", 0, &e), -EINVAL);
	CHECK_EQ(kmem_parse_release("99999999999.1", 13, &ma, &mi, &pa), -EINVAL);
	CHECK_EQ(kmem_era_parse("PRE44", 5, &e), 0);
	CHECK_EQ(e, KMEM_ERA_PRE44);
	CHECK_EQ(kmem_era_parse(" 4.4\n", 5, &e), 0);
	CHECK_EQ(e, KMEM_ERA_44);
	CHECK_EQ(kmem_era_parse("auto", 4, &e), 1);
	CHECK_EQ(kmem_era_parse("", 0, &e), 1);
	CHECK_EQ(kmem_era_parse("4.5", 3, &e), -EINVAL);
	CHECK_STR(kmem_era_name(KMEM_ERA_PRE44), "pre44");
	CHECK_STR(kmem_mt_name(KMEM_MT_HIGHATOMIC), "HighAtomic");
	CHECK_EQ(kmem_mt_from_letter('C'), KMEM_MT_CMA);
	CHECK_EQ(kmem_mt_from_letter('x'), -1);
	CHECK_EQ(kmem_zone_kind_of("DMA32", 5), KMEM_ZONE_DMA32);
	CHECK_EQ(kmem_zone_kind_of("HighMem", 7), KMEM_ZONE_HIGHMEM);
	CHECK_EQ(kmem_zone_kind_of("Foo", 3), KMEM_ZONE_OTHER);
	CHECK_STR(kmem_req_kind_name(KMEM_REQ_THP), "thp");
}

static void test_zone_helpers(void)
{
	struct kmem_zone zs[4];
	size_t n = 0;

	CHECK_EQ(kmem_zone_get(zs, 4, &n, 0, "Normal", 6), 0);
	CHECK_EQ(kmem_zone_get(zs, 4, &n, 0, "DMA", 3), 1);
	CHECK_EQ(kmem_zone_get(zs, 4, &n, 1, "Normal", 6), 2);
	CHECK_EQ(kmem_zone_get(zs, 4, &n, 0, "Normal", 6), 0);
	CHECK_EQ(kmem_zone_get(zs, 4, &n, 0, "", 0), -EINVAL);
	CHECK_EQ(kmem_zone_get(zs, 4, &n, 0, "AVeryLongZoneNameIndeed", 23), -EINVAL);
	CHECK_EQ(kmem_zone_get(zs, 4, &n, 0, "HighMem", 7), 3);
	CHECK_EQ(kmem_zone_get(zs, 4, &n, 0, "Movable", 7), -ENOSPC);
	CHECK_EQ(n, 4);
	kmem_zone_assign_idx(zs, n);
	CHECK_EQ(zs[1].idx, 0); /* DMA */
	CHECK_EQ(zs[0].idx, 1); /* Normal */
	CHECK_EQ(zs[3].idx, 2); /* HighMem */
	/* Every node has the whole zone array: node 1's Normal is index 1 there
	 * too (its DMA is empty, not absent). */
	CHECK_EQ(zs[2].idx, 1); /* node 1 Normal */

	/* An OOM report that prints DMA, DMA32 and Movable (the empty Normal
	 * left out): Normal always exists, so Movable is index 3, the column of
	 * lowmem_reserve its requests use (a 4.7 report read the wrong one). */
	n = 0;
	CHECK_EQ(kmem_zone_get(zs, 4, &n, 0, "DMA", 3), 0);
	CHECK_EQ(kmem_zone_get(zs, 4, &n, 0, "DMA32", 5), 1);
	CHECK_EQ(kmem_zone_get(zs, 4, &n, 0, "Movable", 7), 2);
	kmem_zone_assign_idx(zs, n);
	CHECK_EQ(zs[0].idx, 0);
	CHECK_EQ(zs[1].idx, 1);
	CHECK_EQ(zs[2].idx, 3);
}

/* Parsed text may hold any 64-bit number: the arithmetic saturates. */
static void test_extremes(void)
{
	static const int64_t nr[11] = { INT64_MAX, INT64_MAX, -INT64_MAX, INT64_MAX };
	static const int64_t p[2] = { INT64_MAX, INT64_MAX };
	struct kmem_zone z = zone("Normal", 0, -INT64_MAX, 0);
	struct kmem_request r;
	struct kmem_verdict v;

	z.min = INT64_MAX;
	buddy(&z, nr, 11);
	protect(&z, p, 2);
	z.free_cma = -INT64_MAX;
	z.known |= KMEM_ZK_FREE_CMA;
	for (int o = 0; o < 4; o++)
		for (int e = 0; e < 2; e++) {
			kmem_request_for(&r, KMEM_REQ_PAGETABLE, KMEM_ARCH_X86_64, 0);
			r.order = o;
			r.classzone_idx = 1;
			CHECK_EQ(kmem_zone_verdict(&z, &r, (enum kmem_era)e, KMEM_WMARK_MIN, &v), 0);
			CHECK(!v.granted);
			z.free = INT64_MAX;
			z.min = -INT64_MAX;
			CHECK_EQ(kmem_zone_verdict(&z, &r, (enum kmem_era)e, KMEM_WMARK_MIN, &v), 0);
			z.free = -INT64_MAX;
			z.min = INT64_MAX;
		}
}

int main(void)
{
	test_extremes();
	test_seed000();
	test_seed001();
	test_equality();
	test_alloc_flags();
	test_highatomic();
	test_cma_blocks();
	test_protection_highmem();
	test_movable_zone();
	test_pre44_loop();
	test_era();
	test_zone_helpers();
	return unit_done();
}
