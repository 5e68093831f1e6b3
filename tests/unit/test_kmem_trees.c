/* test_kmem_trees.c: every captured /proc tree in tests/data/proc parses
 * completely, and the written-from-real-numbers trees give the verdicts their
 * OOM reports showed (seed 000, seed 001, the 2.6.24 HighMem report). */
#include <errno.h>
#include <stdlib.h>
#include "kmem.h"
#include "unit.h"

static char buf[1 << 20];

static size_t slurp(const char *tree, const char *file)
{
	char path[512];
	const char *top = getenv("FG_TOP");
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "%s/tests/data/proc/%s/%s", top ? top : ".", tree, file);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	return n;
}

struct tree {
	struct kmem_zone z[16];
	size_t n;
	struct kmem_kv vm[512];
	size_t nvm;
	enum kmem_era era;
};

static void load(const char *name, struct tree *t)
{
	size_t len, line = 0;
	struct kmem_kv mi[128];
	size_t nmi;

	memset(t, 0, sizeof *t);
	len = slurp(name, "zoneinfo");
	CHECK(len > 0);
	CHECK_EQ(kmem_parse_zoneinfo(buf, len, t->z, 16, &t->n, &line), 0);
	len = slurp(name, "buddyinfo");
	CHECK(len > 0);
	CHECK_EQ(kmem_parse_buddyinfo(buf, len, t->z, 16, &t->n, &line), 0);
	len = slurp(name, "vmstat");
	CHECK_EQ(kmem_parse_vmstat(buf, len, t->vm, 512, &t->nvm, &line), 0);
	len = slurp(name, "meminfo");
	CHECK_EQ(kmem_parse_meminfo(buf, len, mi, 128, &nmi, &line), 0);
	CHECK(kmem_kv_lookup(mi, nmi, "MemTotal", NULL));
	len = slurp(name, "pagetypeinfo");
	if (len)
		CHECK_EQ(kmem_parse_pagetypeinfo(buf, len, t->z, 16, &t->n, NULL, &line), 0);
	len = slurp(name, "sys/kernel/osrelease");
	CHECK(len > 0);
	CHECK_EQ(kmem_era_from_release(buf, len, &t->era), 0);
	kmem_zone_assign_idx(t->z, t->n);
}

static int find(struct tree *t, const char *name)
{
	return kmem_zone_find(t->z, t->n, 0, name, strlen(name));
}

static void test_seed000_tree(void)
{
	struct tree t;
	struct kmem_request pt;
	struct kmem_verdict v[16];
	bool ck[16];
	int dma;
	int64_t x;

	load("arm_3.10_cma_seed000", &t);
	CHECK_EQ(t.era, KMEM_ERA_PRE44);
	CHECK_EQ(t.n, 1);
	dma = find(&t, "DMA");
	CHECK_EQ(dma, 0);
	CHECK_EQ(t.z[0].norders, 14);
	CHECK_EQ(t.z[0].free_cma, 29019);
	CHECK_EQ(t.z[0].managed, 127991);
	CHECK(kmem_kv_lookup(t.vm, t.nvm, "compact_stall", &x));
	CHECK_EQ(x, 38);
	kmem_request_for(&pt, KMEM_REQ_PAGETABLE, KMEM_ARCH_ARM32, 0);
	CHECK_EQ(kmem_node_verdict(t.z, t.n, 0, &pt, t.era, KMEM_WMARK_MIN, v, ck), -1);
	CHECK_EQ(v[0].lhs, -110);
	CHECK_EQ(v[0].rhs, 499);
	CHECK_EQ(v[0].missing, 0);
}

static void test_seed001_tree(void)
{
	struct tree t;
	struct kmem_request pgd;
	struct kmem_verdict v[16];
	bool ck[16];
	int dma, nor;

	load("arm_2.6.31_seed001", &t);
	CHECK_EQ(t.era, KMEM_ERA_PRE44);
	dma = find(&t, "DMA");
	nor = find(&t, "Normal");
	CHECK(dma >= 0 && nor >= 0);
	CHECK_EQ(t.z[nor].norders, 13);
	kmem_request_for(&pgd, KMEM_REQ_PGD, KMEM_ARCH_ARM32, 0);
	CHECK_EQ(kmem_node_verdict(t.z, t.n, 0, &pgd, t.era, KMEM_WMARK_MIN, v, ck), -1);
	CHECK_EQ(v[nor].lhs, 133);
	CHECK_EQ(v[nor].rhs, 162);
	CHECK_EQ(v[dma].lhs, 97);
	CHECK_EQ(v[dma].rhs, 97);
	CHECK_EQ(v[dma].reserve, 158);
	CHECK_EQ(kmem_node_verdict(t.z, t.n, 0, &pgd, KMEM_ERA_44, KMEM_WMARK_MIN, v, ck), nor);
}

static void test_highmem_tree(void)
{
	struct tree t;
	struct kmem_request r;
	struct kmem_verdict v[16];
	bool ck[16];
	int dma, nor, high;

	load("x86_2.6.24_highmem", &t);
	dma = find(&t, "DMA");
	nor = find(&t, "Normal");
	high = find(&t, "HighMem");
	CHECK_EQ(t.z[high].idx, 2);
	kmem_request_for(&r, KMEM_REQ_ANON, KMEM_ARCH_X86_32, 0);
	CHECK_EQ(kmem_node_verdict(t.z, t.n, 0, &r, t.era, KMEM_WMARK_MIN, v, ck), -1);
	CHECK_EQ(v[high].margin, 113 - 128);
	CHECK_EQ(v[nor].rhs, 936 + 9143);
	CHECK_EQ(v[dma].margin, 0);
	kmem_request_for(&r, KMEM_REQ_PAGETABLE, KMEM_ARCH_X86_32, 0);
	CHECK_EQ(kmem_node_verdict(t.z, t.n, 0, &r, t.era, KMEM_WMARK_MIN, v, ck), nor);
	CHECK(!ck[high]);
}

static void test_live_tree(void)
{
	struct tree t;
	struct kmem_request r;
	struct kmem_verdict v[16];
	bool ck[16];
	int nor;

	load("live_x86_64_6.18", &t);
	CHECK_EQ(t.era, KMEM_ERA_44);
	CHECK_EQ(t.n, 5); /* DMA DMA32 Normal Movable Device */
	nor = find(&t, "Normal");
	CHECK(nor >= 0);
	CHECK_EQ(t.z[nor].idx, 2);
	CHECK(t.z[nor].known & KMEM_ZK_MT_COUNT);
	CHECK(t.z[nor].known & KMEM_ZK_BUDDY);
	kmem_request_for(&r, KMEM_REQ_THP, KMEM_ARCH_X86_64, 0);
	CHECK(kmem_node_verdict(t.z, t.n, 0, &r, t.era, KMEM_WMARK_LOW, v, ck) >= 0);
}

int main(void)
{
	test_seed000_tree();
	test_seed001_tree();
	test_highmem_tree();
	test_live_tree();
	return unit_done();
}
