/* test_oomlog.c: unit tests of the OOM report parser and the gfp tables
 * (shim/oomlog*.c): prefixes, wrapped lines, 64 KiB pages, era tables. */
#include <string.h>
#include "unit.h"
#include "oomlog.h"

static int parse(const char *text, struct oomlog_report *r)
{
	struct oomlog_ctx c;
	oomlog_init(&c, text, strlen(text));
	return oomlog_next(&c, r);
}

int main(void)
{
	static struct oomlog_report r;
	struct oomlog_gfp g;

	/* Era tables: the same meaning, different bits. */
	oomlog_gfp_decode(0xd0, OOMLOG_GFP_PRE44, NULL, &g);
	CHECK_STR(g.names, "GFP_KERNEL");
	oomlog_gfp_decode(0x14000c0, OOMLOG_GFP_410, NULL, &g);
	CHECK_STR(g.names, "GFP_KERNEL");
	oomlog_gfp_decode(0x6000c0, OOMLOG_GFP_415, NULL, &g);
	CHECK_STR(g.names, "GFP_KERNEL");
	oomlog_gfp_decode(0xcc0, OOMLOG_GFP_51, NULL, &g);
	CHECK_STR(g.names, "GFP_KERNEL");
	CHECK_EQ(g.mt, KMEM_MT_UNMOVABLE);
	oomlog_gfp_decode(0x2084d0, OOMLOG_GFP_PRE44, NULL, &g);
	CHECK_STR(g.names, "GFP_KERNEL|__GFP_REPEAT|__GFP_ZERO|__GFP_NOTRACK");
	/* Printed names pick the table even when the version says otherwise. */
	oomlog_gfp_decode(0x100cca, OOMLOG_GFP_PRE44, "GFP_HIGHUSER_MOVABLE", &g);
	CHECK(g.era_checked);
	CHECK_EQ(g.mt, KMEM_MT_MOVABLE);
	CHECK(g.may_use_cma);
	CHECK_EQ(g.highest_zone, KMEM_ZONE_MOVABLE);
	oomlog_gfp_decode(0x1201d2, OOMLOG_GFP_2624, NULL, &g);
	CHECK_STR(g.names, "GFP_HIGHUSER_MOVABLE|__GFP_COLD");
	oomlog_gfp_decode(0x8020, OOMLOG_GFP_PRE44, NULL, &g);
	CHECK(g.alloc_flags & KMEM_ALLOC_HIGH);
	CHECK(g.alloc_flags & KMEM_ALLOC_HARDER);

	/* Syslog prefix, wrapped line, 64 KiB buddy units, task list. */
	CHECK_EQ(parse("May 28 18:51:34 g2 user.warn kernel: [ 4228.3] cored invoked oom-killer:\n"
		       "gfp_mask=0xcc0(GFP_KERNEL), order=1, oom_score_adj=0\n"
		       "<4>[ 12.5] CPU: 2 PID: 77 Comm: cored Not tainted 5.10.1 #1\n"
		       "[ 12.6] Node 0 DMA32 free:640kB min:128kB low:160kB high:192kB free_cma:0kB\n"
		       "[ 12.6] lowmem_reserve[]: 0 0 0\n"
		       "[ 12.6] Node 0 DMA32: 8*64kB (U) 1*128kB (M) 0*256kB = 640kB\n"
		       "[ 12.7] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n"
		       "[ 12.7] [     77]     0    77     1000      900   131072        0             0 cored\n"
		       "[ 12.8] Out of memory: Killed process 77 (cored) total-vm:64000kB, anon-rss:57600kB\n",
		       &r), 1);
	CHECK_STR(r.task, "cored");
	CHECK_EQ(r.order, 1);
	CHECK_EQ(r.gfp, 0xcc0);
	CHECK_EQ(r.pid, 77);
	CHECK_EQ(r.kmajor, 5);
	CHECK_EQ(r.page_kb, 64);
	CHECK_EQ(r.nzones, 1);
	CHECK_EQ(r.zones[0].free, 10);
	CHECK_EQ(r.zones[0].min, 2);
	CHECK_EQ(r.zones[0].nr_free[1], 1);
	CHECK_EQ(r.ntasks, 1);
	CHECK_EQ(r.tasks[0].pgtables, 2);
	CHECK_EQ(r.killed_pid, 77);

	/* Nothing OOM-like: no report; empty input is fine. */
	CHECK_EQ(parse("hello\nworld\n", &r), 0);
	CHECK_EQ(parse("", &r), 0);
	return unit_done();
}
