/* test_policy.c: the pure policy (shim/policy.c) on a table of kernel states
 * (the seeds' captured trees, the VM reproductions' numbers, synthetic zones)
 * times growths: the expected verdict, cause and sequence of actions. */
#include <errno.h>
#include <stdlib.h>
#include "kmem.h"
#include "policy.h"
#include "unit.h"

#define MAXZ 16

struct state {
	const char *name;
	struct kmem_zone z[MAXZ];
	size_t n;
};

static size_t slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;
	if (f) {
		n = fread(buf, 1, cap - 1, f);
		fclose(f);
	}
	buf[n] = 0;
	return n;
}

/* A captured /proc tree (tests/data/proc/NAME): zoneinfo then buddyinfo. */
static void load_tree(struct state *s, const char *dir)
{
	static char buf[1 << 16];
	char path[256];
	size_t len, line = 0;
	s->name = dir;
	s->n = 0;
	snprintf(path, sizeof path, "tests/data/proc/%s/zoneinfo", dir);
	len = slurp(path, buf, sizeof buf);
	CHECK(len > 0);
	CHECK_EQ(kmem_parse_zoneinfo(buf, len, s->z, MAXZ, &s->n, &line), 0);
	snprintf(path, sizeof path, "tests/data/proc/%s/buddyinfo", dir);
	len = slurp(path, buf, sizeof buf);
	CHECK_EQ(kmem_parse_buddyinfo(buf, len, s->z, MAXZ, &s->n, &line), 0);
}

/* A synthetic zone: free, min, protection[0..np), order-0 .. buddy counts. */
static struct kmem_zone *zone(struct state *s, int node, const char *name, int64_t free,
			      int64_t min, const int64_t *prot, int np, const int64_t *buddy, int nb)
{
	struct kmem_zone *z = &s->z[s->n++];
	kmem_zone_init(z, node, name, strlen(name));
	z->free = free;
	z->min = min;
	z->low = min + min / 4;
	z->high = min + min / 2;
	z->managed = z->present = 65536;
	z->known = KMEM_ZK_FREE | KMEM_ZK_MIN | KMEM_ZK_LOW | KMEM_ZK_HIGH | KMEM_ZK_MANAGED |
		   KMEM_ZK_PRESENT | KMEM_ZK_FREE_CMA | KMEM_ZK_PROTECTION | KMEM_ZK_HIGHATOMIC;
	z->nprotection = np;
	for (int i = 0; i < np; i++)
		z->protection[i] = prot[i];
	if (buddy) {
		z->norders = 11;
		for (int i = 0; i < nb; i++)
			z->nr_free[i] = buddy[i];
		z->known |= KMEM_ZK_BUDDY;
	}
	z->idx = -1;
	for (size_t i = 0; i < s->n; i++)
		s->z[i].idx = -1;
	kmem_zone_assign_idx(s->z, s->n);
	return z;
}

static struct policy_conf conf(enum kmem_arch arch, unsigned rf, enum kmem_era era, const char *steps)
{
	struct policy_conf c;
	memset(&c, 0, sizeof c);
	c.nsteps = policy_parse_steps(steps, strlen(steps), c.steps);
	c.margin_pages = 32;
	c.max_wait_ms = 50;
	c.era = era;
	c.arch = arch;
	c.rf_flags = rf;
	c.thp_order = 9;
	return c;
}

static const struct policy_need CHUNK_THP = { 1, 0, 1, 0 };
static const struct policy_need CHUNK_4K = { 1, 512, 0, 0 };
static const struct policy_need FORK = { 8, 0, 0, 1 };

/* Runs the policy to its end on a state that never changes; returns the
 * final action and writes the sequence ("compact,wait,...") into seq. */
static enum policy_action run(const struct policy_conf *c, const struct state *s,
			      struct policy_need need, char *seq, size_t cap, unsigned *waited)
{
	struct policy_try t;
	struct policy_assessment a;
	unsigned w = 0, total = 0;
	memset(&t, 0, sizeof t);
	seq[0] = 0;
	for (int i = 0; i < 100; i++) {
		CHECK_EQ(policy_assess(c, s->z, s->n, &need, &a), 0);
		enum policy_action act = policy_next(c, &a, &t, &w);
		const char *nm = policy_action_name(act);
		/* collapse repeated waits */
		if (!(act == POLICY_WAIT && strlen(seq) >= 4 && !strcmp(seq + strlen(seq) - 4, "wait"))) {
			if (seq[0])
				strncat(seq, ",", cap - strlen(seq) - 1);
			strncat(seq, nm, cap - strlen(seq) - 1);
		}
		if (act == POLICY_WAIT)
			total += w;
		if (act == POLICY_FALLBACK)
			policy_drop_thp(c, &need);
		if (act == POLICY_PROCEED || act == POLICY_REFUSE) {
			if (waited)
				*waited = total;
			return act;
		}
	}
	CHECK(!"policy did not end");
	return POLICY_PROCEED;
}

static void test_steps(void)
{
	uint8_t st[POLICY_MAX_STEPS];
	CHECK_EQ(policy_parse_steps("compact,wait,fallback,refuse", 28, st), 4);
	CHECK_EQ(st[0], POLICY_COMPACT);
	CHECK_EQ(st[3], POLICY_REFUSE);
	CHECK_EQ(policy_parse_steps(" Refuse , wait", 14, st), 2);
	CHECK_EQ(st[0], POLICY_REFUSE);
	CHECK_EQ(st[1], POLICY_WAIT);
	CHECK_EQ(policy_parse_steps("none", 4, st), 0);
	CHECK_EQ(policy_parse_steps("", 0, st), 0);
	CHECK_EQ(policy_parse_steps("wait,wait", 9, st), -EINVAL);
	CHECK_EQ(policy_parse_steps("compact,,wait", 13, st), -EINVAL);
	CHECK_EQ(policy_parse_steps("proceed", 7, st), -EINVAL);
	CHECK_EQ(policy_parse_steps("nap", 3, NULL), -EINVAL);
	CHECK_EQ(policy_parse_steps("wait,none", 9, NULL), -EINVAL);
}

/* Seed 000: 3.10 ARM, every free page CMA; a page table cannot use them. */
static void test_seed000(void)
{
	struct state s;
	struct policy_assessment a;
	char seq[128];
	unsigned waited = 0;
	load_tree(&s, "arm_3.10_cma_seed000");
	struct policy_conf c = conf(KMEM_ARCH_ARM32, 0, KMEM_ERA_PRE44, "compact,wait,fallback,refuse");
	c.thp_order = 0; /* classic ARM: no PMD-sized THP */
	CHECK_EQ(policy_assess(&c, s.z, s.n, &CHUNK_4K, &a), 0);
	CHECK(a.risk);
	CHECK_EQ(a.kind, KMEM_REQ_PAGETABLE);
	CHECK_EQ(a.cause, POLICY_CAUSE_CMA);
	CHECK_EQ(a.order, 0);
	CHECK(a.zone >= 0 && !strcmp(s.z[a.zone].name, "DMA"));
	/* the anonymous pages themselves may use CMA: fine */
	CHECK(a.checks[1].kind == KMEM_REQ_ANON && a.checks[1].ok);
	/* never compacted (order 0, CMA): waits up to the bound, then refuses */
	CHECK_EQ(run(&c, &s, CHUNK_4K, seq, sizeof seq, &waited), POLICY_REFUSE);
	CHECK_STR(seq, "wait,refuse");
	CHECK_EQ(waited, 50);
	/* observe only: goes ahead */
	c = conf(KMEM_ARCH_ARM32, 0, KMEM_ERA_PRE44, "none");
	CHECK_EQ(run(&c, &s, CHUNK_4K, seq, sizeof seq, NULL), POLICY_PROCEED);
	/* refuse first: no wait at all */
	c = conf(KMEM_ARCH_ARM32, 0, KMEM_ERA_PRE44, "refuse,wait");
	CHECK_EQ(run(&c, &s, CHUNK_4K, seq, sizeof seq, NULL), POLICY_REFUSE);
	CHECK_STR(seq, "refuse");
}

/* Seed 001: 2.6.31 ARM, fork's order-2 directory fails the pre-4.4 loop
 * with 33 suitable blocks free; any 4.4+ kernel grants it. */
static void test_seed001(void)
{
	struct state s;
	struct policy_assessment a;
	char seq[128];
	load_tree(&s, "arm_2.6.31_seed001");
	struct policy_conf c = conf(KMEM_ARCH_ARM32, 0, KMEM_ERA_PRE44, "compact,wait,fallback,refuse");
	c.thp_order = 0;
	CHECK_EQ(policy_assess(&c, s.z, s.n, &FORK, &a), 0);
	CHECK(a.risk);
	CHECK_EQ(a.kind, KMEM_REQ_PGD);
	CHECK_EQ(a.order, 2);
	CHECK_EQ(a.cause, POLICY_CAUSE_FRAGMENTED);
	CHECK(a.checks[1].kind == KMEM_REQ_PAGETABLE && a.checks[1].ok);
	CHECK_EQ(run(&c, &s, FORK, seq, sizeof seq, NULL), POLICY_REFUSE);
	CHECK_STR(seq, "compact,wait,refuse");
	/* compaction not permitted: straight to waiting */
	struct policy_try t;
	unsigned w;
	memset(&t, 0, sizeof t);
	t.compact_denied = true;
	CHECK_EQ(policy_next(&c, &a, &t, &w), POLICY_WAIT);
	CHECK_EQ(w, 1);
	CHECK_EQ(policy_next(&c, &a, &t, &w), POLICY_WAIT);
	CHECK_EQ(w, 2);
	/* the same zones under 4.4 rules: granted */
	c.era = KMEM_ERA_44;
	CHECK_EQ(policy_assess(&c, s.z, s.n, &FORK, &a), 0);
	CHECK(!a.risk);
	CHECK_EQ(run(&c, &s, FORK, seq, sizeof seq, NULL), POLICY_PROCEED);
	/* a malloc chunk on that board is fine */
	c.era = KMEM_ERA_PRE44;
	CHECK_EQ(policy_assess(&c, s.z, s.n, &CHUNK_4K, &a), 0);
	CHECK(!a.risk);
}

/* The live 6.18 x86-64 tree: healthy; a chunk with a huge page proceeds. */
static void test_live(void)
{
	struct state s;
	struct policy_assessment a;
	load_tree(&s, "live_x86_64_6.18");
	struct policy_conf c = conf(KMEM_ARCH_X86_64, 0, KMEM_ERA_44, "compact,wait,fallback,refuse");
	CHECK_EQ(policy_assess(&c, s.z, s.n, &CHUNK_THP, &a), 0);
	CHECK(!a.risk);
	CHECK_EQ(a.nchecks, 2);
	CHECK_EQ(policy_assess(&c, s.z, s.n, &FORK, &a), 0);
	CHECK(!a.risk);
	/* a growth larger than the machine: exhausted, refused, never compacted */
	struct policy_need huge = { 1, 1ll << 40, 0, 0 };
	CHECK_EQ(policy_assess(&c, s.z, s.n, &huge, &a), 0);
	CHECK(a.risk);
	CHECK_EQ(a.kind, KMEM_REQ_ANON);
	CHECK_EQ(a.cause, POLICY_CAUSE_EXHAUSTED);
}

/* 2.6.24 x86-32 with HighMem: user pages exhausted (HighMem below min, the
 * lower zones held by lowmem_reserve), page tables (lowmem) still fine. */
static void test_highmem(void)
{
	struct state s;
	struct policy_assessment a;
	char seq[128];
	load_tree(&s, "x86_2.6.24_highmem");
	struct policy_conf c = conf(KMEM_ARCH_X86_32, 0, KMEM_ERA_PRE44, "compact,wait,fallback,refuse");
	c.thp_order = 0;
	CHECK_EQ(policy_assess(&c, s.z, s.n, &CHUNK_4K, &a), 0);
	CHECK(a.risk);
	CHECK_EQ(a.kind, KMEM_REQ_ANON);
	CHECK_EQ(a.cause, POLICY_CAUSE_EXHAUSTED);
	CHECK(a.checks[0].kind == KMEM_REQ_PAGETABLE && a.checks[0].ok);
	CHECK_EQ(run(&c, &s, CHUNK_4K, seq, sizeof seq, NULL), POLICY_REFUSE);
	CHECK_STR(seq, "wait,refuse");
}

/* VM scenario A (seed 000 analog on x86-64): DMA/DMA32 pinned to min +
 * lowmem_reserve + a few pages, ~230 MB free in ZONE_MOVABLE. */
static void vm_a(struct state *s, int64_t dma32_extra)
{
	static const int64_t p_dma[] = { 0, 1000, 1000, 1000 }, p_dma32[] = { 0, 0, 0, 0 },
			     p_mov[] = { 0, 0, 0, 0 };
	static const int64_t b_low[] = { 30, 10, 4, 1 }, b_mov[] = { 200, 100, 50, 40, 30, 20, 10, 8, 6, 4, 50 };
	s->n = 0;
	s->name = "vm_A";
	zone(s, 0, "DMA", 1000 + 5 + 8, 5, p_dma, 4, b_low, 4);
	zone(s, 0, "DMA32", 300 + dma32_extra, 300, p_dma32, 4, b_low, 4);
	zone(s, 0, "Movable", 58000, 900, p_mov, 4, b_mov, 11);
}

static void test_vm_a(void)
{
	struct state s;
	struct policy_assessment a;
	char seq[128];
	struct policy_conf c = conf(KMEM_ARCH_X86_64, 0, KMEM_ERA_44, "compact,wait,fallback,refuse");
	vm_a(&s, 20);
	CHECK_EQ(policy_assess(&c, s.z, s.n, &CHUNK_THP, &a), 0);
	CHECK(a.risk);
	CHECK_EQ(a.kind, KMEM_REQ_PAGETABLE);
	CHECK_EQ(a.cause, POLICY_CAUSE_ZONE);
	CHECK(!strcmp(s.z[a.zone].name, "DMA32"));
	CHECK_EQ(run(&c, &s, CHUNK_THP, seq, sizeof seq, NULL), POLICY_REFUSE);
	CHECK_STR(seq, "wait,refuse");
	/* with room above the margin the same chunk goes ahead */
	vm_a(&s, 200);
	CHECK_EQ(policy_assess(&c, s.z, s.n, &CHUNK_THP, &a), 0);
	CHECK(!a.risk);
	/* margin boundary: capacity 20 + 8 (DMA) = 28 pages; need 1 + margin */
	vm_a(&s, 20);
	c.margin_pages = 27;
	CHECK_EQ(policy_assess(&c, s.z, s.n, &CHUNK_4K, &a), 0);
	CHECK(!a.risk);
	c.margin_pages = 28;
	CHECK_EQ(policy_assess(&c, s.z, s.n, &CHUNK_4K, &a), 0);
	CHECK(a.risk);
}

/* A watermark boost: transient while kswapd can still be woken (the growth's
 * first allocation wakes it and it drops the boost), binding once the node
 * is unreclaimable or when that is unknown. An empty zone between the
 * populated ones is never the zone at risk. */
static void test_boost(void)
{
	static const int64_t p[] = { 0, 0, 0, 0 };
	struct state s;
	struct policy_assessment a;
	char seq[128];
	struct policy_conf c = conf(KMEM_ARCH_X86_64, 0, KMEM_ERA_44, "compact,wait,refuse");
	vm_a(&s, 200);
	struct kmem_zone *mov = &s.z[2];
	struct kmem_zone keep = *mov;
	s.n = 2; /* DMA, DMA32, then an empty Normal before Movable */
	struct kmem_zone *nor = zone(&s, 0, "Normal", 0, 0, p, 4, NULL, 0);
	nor->managed = nor->present = 0;
	s.z[s.n++] = keep;
	for (size_t i = 0; i < s.n; i++)
		s.z[i].idx = -1;
	kmem_zone_assign_idx(s.z, s.n);
	struct kmem_zone *z32 = &s.z[1];
	CHECK_STR(z32->name, "DMA32");
	CHECK_EQ(policy_assess(&c, s.z, s.n, &CHUNK_4K, &a), 0);
	CHECK(!a.risk);
	/* boosted by a pageblock: 200 pages above min become none */
	z32->boost = 512;
	z32->min += 512;
	z32->low += 512;
	z32->high += 512;
	z32->known |= KMEM_ZK_BOOST | KMEM_ZK_UNRECL;
	z32->node_unreclaimable = 0;
	CHECK_EQ(policy_assess(&c, s.z, s.n, &CHUNK_4K, &a), 0);
	CHECK(!a.risk);
	CHECK_EQ(a.checks[0].capacity, 208);
	z32->node_unreclaimable = 1;
	CHECK_EQ(policy_assess(&c, s.z, s.n, &CHUNK_4K, &a), 0);
	CHECK(a.risk);
	CHECK_EQ(a.kind, KMEM_REQ_PAGETABLE);
	CHECK_EQ(a.cause, POLICY_CAUSE_ZONE);
	CHECK(a.zone >= 0 && !strcmp(s.z[a.zone].name, "DMA32"));
	CHECK_EQ(run(&c, &s, CHUNK_4K, seq, sizeof seq, NULL), POLICY_REFUSE);
	CHECK_STR(seq, "wait,refuse");
	z32->known &= ~KMEM_ZK_UNRECL;
	z32->node_unreclaimable = 0;
	CHECK_EQ(policy_assess(&c, s.z, s.n, &CHUNK_4K, &a), 0);
	CHECK(a.risk);
}

/* VM scenario B (seed 001 analog): x86-64 with PTI, ~20000 pages free, all
 * order 0 next to pinned pages: fork's order-1 directory. */
static void vm_b(struct state *s, int64_t order1)
{
	static const int64_t p[] = { 0, 0, 0, 0 };
	int64_t b[] = { 20000, order1 };
	s->n = 0;
	s->name = "vm_B";
	zone(s, 0, "DMA", 900, 20, p, 4, (const int64_t[]){ 900 }, 1);
	zone(s, 0, "DMA32", 20000 + 2 * order1, 700, p, 4, b, 2);
}

static void test_vm_b(void)
{
	struct state s;
	struct policy_assessment a;
	char seq[128];
	struct policy_conf c = conf(KMEM_ARCH_X86_64, KMEM_RF_PTI, KMEM_ERA_44,
				    "compact,wait,fallback,refuse");
	vm_b(&s, 0);
	CHECK_EQ(policy_assess(&c, s.z, s.n, &FORK, &a), 0);
	CHECK(a.risk);
	CHECK_EQ(a.kind, KMEM_REQ_PGD);
	CHECK_EQ(a.order, 1);
	CHECK_EQ(a.cause, POLICY_CAUSE_FRAGMENTED);
	CHECK_EQ(run(&c, &s, FORK, seq, sizeof seq, NULL), POLICY_REFUSE);
	CHECK_STR(seq, "compact,wait,refuse");
	/* one free order-1 block is enough from 4.4 */
	vm_b(&s, 1);
	CHECK_EQ(policy_assess(&c, s.z, s.n, &FORK, &a), 0);
	CHECK(!a.risk);
	/* without PTI the directory is one page: no order-1 need at all */
	vm_b(&s, 0);
	c.rf_flags = 0;
	CHECK_EQ(policy_assess(&c, s.z, s.n, &FORK, &a), 0);
	CHECK(!a.risk);
	/* malloc-only growth there: order-0 pages are plentiful */
	CHECK_EQ(policy_assess(&c, s.z, s.n, &CHUNK_4K, &a), 0);
	CHECK(!a.risk);
}

/* Movable fragmentation: plenty of order-0, no order-9 block. Compaction
 * first; if that does not help, the chunk falls back to small pages. */
static void test_thp_fragmented(void)
{
	static const int64_t p[] = { 0, 0, 0, 0 }, b[] = { 40000, 3000, 500, 100, 10, 2, 1, 0, 0, 0, 0 };
	struct state s = { "thp", { { 0 } }, 0 };
	struct policy_assessment a;
	char seq[128];
	zone(&s, 0, "Normal", 40000 + 6000 + 2000 + 800 + 160 + 64 + 64, 1000, p, 4, b, 11);
	struct policy_conf c = conf(KMEM_ARCH_X86_64, 0, KMEM_ERA_44, "compact,wait,fallback,refuse");
	CHECK_EQ(policy_assess(&c, s.z, s.n, &CHUNK_THP, &a), 0);
	CHECK(a.risk && a.thp_only);
	CHECK_EQ(a.kind, KMEM_REQ_THP);
	CHECK_EQ(a.order, 9);
	CHECK_EQ(a.cause, POLICY_CAUSE_FRAGMENTED);
	CHECK_EQ(run(&c, &s, CHUNK_THP, seq, sizeof seq, NULL), POLICY_PROCEED);
	CHECK_STR(seq, "compact,wait,fallback,proceed");
	/* "refuse" alone never fails an allocation for a huge page */
	c = conf(KMEM_ARCH_X86_64, 0, KMEM_ERA_44, "refuse");
	CHECK_EQ(run(&c, &s, CHUNK_THP, seq, sizeof seq, NULL), POLICY_PROCEED);
	CHECK_STR(seq, "fallback,proceed");
	/* fallback first: no compaction, no wait */
	c = conf(KMEM_ARCH_X86_64, 0, KMEM_ERA_44, "fallback,compact,refuse");
	CHECK_EQ(run(&c, &s, CHUNK_THP, seq, sizeof seq, NULL), POLICY_PROCEED);
	CHECK_STR(seq, "fallback,proceed");
	/* one free order-9 block: granted */
	s.z[0].nr_free[9] = 1;
	s.z[0].free += 512;
	c = conf(KMEM_ARCH_X86_64, 0, KMEM_ERA_44, "compact,wait,fallback,refuse");
	CHECK_EQ(policy_assess(&c, s.z, s.n, &CHUNK_THP, &a), 0);
	CHECK(!a.risk);
}

/* Two nodes: node 0 exhausted, node 1 fine: the growth can go there. */
static void test_numa_and_missing(void)
{
	static const int64_t p[] = { 0, 0, 0, 0 }, b[] = { 5000, 100 };
	struct state s = { "numa", { { 0 } }, 0 };
	struct policy_assessment a;
	struct policy_conf c = conf(KMEM_ARCH_X86_64, 0, KMEM_ERA_44, "wait,refuse");
	zone(&s, 0, "Normal", 1010, 1000, p, 4, b, 2);
	zone(&s, 1, "Normal", 50000, 1000, p, 4, b, 2);
	CHECK_EQ(policy_assess(&c, s.z, s.n, &CHUNK_4K, &a), 0);
	CHECK(!a.risk);
	CHECK_EQ(a.node, 1);
	s.z[1].free = 1010;
	CHECK_EQ(policy_assess(&c, s.z, s.n, &CHUNK_4K, &a), 0);
	CHECK(a.risk);
	CHECK_EQ(a.node, 0);
	CHECK_EQ(a.cause, POLICY_CAUSE_EXHAUSTED);
	/* a zone without watermarks: unknown, go ahead */
	s.n = 0;
	struct kmem_zone *z = zone(&s, 0, "Normal", 10, 1000, p, 4, b, 2);
	z->known &= ~(uint32_t)KMEM_ZK_MIN;
	CHECK_EQ(policy_assess(&c, s.z, s.n, &CHUNK_4K, &a), 0);
	CHECK(!a.risk);
	CHECK_EQ(a.cause, POLICY_CAUSE_UNKNOWN);
	/* no zones at all: unknown */
	CHECK_EQ(policy_assess(&c, s.z, 0, &CHUNK_4K, &a), 0);
	CHECK(!a.risk);
	CHECK_EQ(policy_assess(NULL, s.z, 0, &CHUNK_4K, &a), -EINVAL);
}

/* The wait bound: total waits never exceed max_wait_ms, doubling from 1. */
static void test_wait_bound(void)
{
	struct state s;
	struct policy_assessment a;
	struct policy_try t;
	unsigned w, total = 0, n = 0;
	load_tree(&s, "arm_3.10_cma_seed000");
	struct policy_conf c = conf(KMEM_ARCH_ARM32, 0, KMEM_ERA_PRE44, "wait");
	c.max_wait_ms = 100;
	policy_assess(&c, s.z, s.n, &CHUNK_4K, &a);
	memset(&t, 0, sizeof t);
	while (policy_next(&c, &a, &t, &w) == POLICY_WAIT) {
		total += w;
		n++;
	}
	CHECK_EQ(total, 100);
	CHECK_EQ(n, 7); /* 1 2 4 8 16 32 37 */
	c.max_wait_ms = 0;
	memset(&t, 0, sizeof t);
	CHECK_EQ(policy_next(&c, &a, &t, &w), POLICY_PROCEED);
	CHECK_STR(policy_action_name(POLICY_COMPACT), "compact");
	CHECK_STR(policy_cause_name(POLICY_CAUSE_CMA), "cma");
	CHECK_STR(policy_event_name(POLICY_EV_FORK), "fork");
}

int main(void)
{
	test_steps();
	test_seed000();
	test_seed001();
	test_live();
	test_highmem();
	test_vm_a();
	test_boost();
	test_vm_b();
	test_thp_fragmented();
	test_numa_and_missing();
	test_wait_bound();
	return unit_done();
}
