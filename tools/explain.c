/* explain.c: `fragguard explain [FILE|-] [--json] [--era pre44|44]`: reads
 * kernel log text, finds every OOM-kill and page-allocation-failure report
 * (shim/oomlog.c) and says, with the kernel's own arithmetic (shim/kmem.h's
 * verdict), why the request failed although memory was free, why that victim,
 * and what would and would not have prevented it. A missing section limits
 * the explanation and is named; it never stops it. Exit 0 when at least one
 * report was explained, 1 when none was found or the file is unreadable,
 * 2 for bad usage. */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "kmem.h"
#include "oomlog.h"

#define MAX_INPUT (256u << 20)

enum cause { C_CMA, C_HIGHORDER, C_NOBLOCK, C_ZONE, C_EXHAUSTED, C_MEMCG, C_CPUSET, C_UNKNOWN };
static const char *const cause_names[] = {
	"cma_stranded", "highorder_watermark", "no_free_block", "zone_restricted",
	"exhausted", "memcg_limit", "cpuset_or_mempolicy", "unknown"
};

struct zone_an {
	int allowed;
	struct kmem_verdict v;
	int undetermined;     /* the high-order part could not be judged */
	int would_pass_cma;   /* passes the order-0 check if CMA were usable */
	int grant44;          /* the 4.4+ rules grant it (pre-4.4 reports) */
};

struct analysis {
	struct oomlog_gfp g;
	int have_req;          /* request known from the log */
	int assumed;           /* request kind assumed (no request line) */
	enum kmem_era era;
	char era_src[96];
	struct kmem_request req;
	struct zone_an z[OOMLOG_MAX_ZONES];
	enum cause cause;
	char why[1024];        /* the cause in words */
	char missing[512];
	const char *asked_kind;
	char asked[256];
	int cma_from_summary;
	int64_t outside_free, allowed_free;
	int64_t outside_cma;     /* part of outside_free in CMA pageblocks (when printed) */
	int64_t unprinted_free;  /* part of outside_free: the summary's free beyond the zone lines */
	int accounting_bug;      /* a zone's free counter far below its free lists */
	int cpuset_zones_unusable; /* the allowed nodes' zones are all of a kind it may not use */
	int reclaim_failed;      /* exhausted, yet page cache and swap left */
};

/* ---- helpers ------------------------------------------------------------- */

static const char *zone_kind_name(enum kmem_zone_kind k)
{
	static const char *const n[] = { "DMA", "DMA32", "Normal", "HighMem", "Movable", "Device", "?" };
	return n[k <= KMEM_ZONE_OTHER ? k : KMEM_ZONE_OTHER];
}

static void cat(char *dst, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void cat(char *dst, size_t cap, const char *fmt, ...)
{
	size_t l = strlen(dst);
	va_list ap;

	if (l + 1 >= cap)
		return;
	va_start(ap, fmt);
	vsnprintf(dst + l, cap - l, fmt, ap);
	va_end(ap);
}

static void miss(struct analysis *a, const char *what)
{
	if (strstr(a->missing, what))
		return;
	cat(a->missing, sizeof a->missing, "%s%s", a->missing[0] ? "; " : "", what);
}

static const char *human(int64_t pages, int page_kb, char *buf, size_t cap)
{
	double kb = (double)pages * page_kb;

	if (kb < 0)
		snprintf(buf, cap, "-");
	else if (kb >= 1024.0 * 1024)
		snprintf(buf, cap, "%.1f GiB", kb / 1024 / 1024);
	else if (kb >= 1024)
		snprintf(buf, cap, "%.1f MiB", kb / 1024);
	else
		snprintf(buf, cap, "%.0f KiB", kb);
	return buf;
}

static int ver_ge(const struct oomlog_report *r, int a, int b, int c)
{
	if (r->kmajor != a)
		return r->kmajor > a;
	if (r->kminor != b)
		return r->kminor > b;
	return r->kpatch >= c;
}

/* ---- what asked: the call trace ---------------------------------------------- */

static const struct { const char *frame; const char *kind; const char *text; } frame_kinds[] = {
	{ "pgd_alloc", "page_directory", "the page directory (PGD) of a new address space at fork/exec" },
	{ "get_pgd_slow", "page_directory", "the page directory (PGD) of a new address space at fork/exec" },
	{ "crst_table_alloc", "page_table", "a page-table page (s390 region/segment table)" },
	{ "pte_alloc_one", "page_table", "a page-table page: the task touched a 2 MiB region that had none yet" },
	{ "__pte_alloc", "page_table", "a page-table page: the task touched a 2 MiB region that had none yet" },
	{ "__pmd_alloc", "page_table", "a page-table page (PMD level)" },
	{ "pmd_alloc_one", "page_table", "a page-table page (PMD level)" },
	{ "__pud_alloc", "page_table", "a page-table page (PUD level)" },
	{ "do_huge_pmd_anonymous_page", "thp", "a transparent huge page for an anonymous fault" },
	{ "khugepaged_alloc_page", "thp", "a transparent huge page for khugepaged to collapse into (it may fail: khugepaged retries later)" },
	{ "khugepaged", "thp", "a transparent huge page for khugepaged to collapse into (it may fail: khugepaged retries later)" },
	{ "alloc_thread_stack_node", "kernel_stack", "a kernel stack for a new thread/process (fork/clone)" },
	{ "alloc_thread_info", "kernel_stack", "a kernel stack for a new thread/process (fork/clone)" },
	{ "alloc_kmem_pages_node", "kernel_stack", "a kernel stack for a new thread/process (fork/clone)" },
	{ "dup_task_struct", "kernel_stack", "a kernel stack / task struct for a new process (fork/clone)" },
	{ "__alloc_skb", "network", "a network buffer (socket buffer)" },
	{ "__netdev_alloc_skb", "network", "a network receive buffer" },
	{ "page_frag_alloc", "network", "a network buffer fragment" },
	{ "dma_generic_alloc_coherent", "driver_dma", "a driver's DMA buffer" },
	{ "dma_alloc_coherent", "driver_dma", "a driver's DMA buffer" },
	{ "kmem_cache_alloc", "slab", "a slab object (kernel data structure)" },
	{ "kmem_cache_alloc_trace", "slab", "a slab object (kmalloc)" },
	{ "__kmalloc", "slab", "a slab object (kmalloc)" },
	{ "kmalloc_order", "slab", "a large kmalloc (pages straight from the page allocator, no slab)" },
	{ "kmalloc_order_trace", "slab", "a large kmalloc (pages straight from the page allocator, no slab)" },
	{ "kmalloc_large", "slab", "a large kmalloc (pages straight from the page allocator, no slab)" },
	{ "kmalloc_large_node", "slab", "a large kmalloc (pages straight from the page allocator, no slab)" },
	{ "__kmalloc_large_node", "slab", "a large kmalloc (pages straight from the page allocator, no slab)" },
	{ "new_slab", "slab", "a new slab (kernel objects)" },
	{ "cache_grow", "slab", "a new slab (kernel objects)" },
	{ "__vmalloc", "vmalloc", "vmalloc memory" },
	{ "vmalloc", "vmalloc", "vmalloc memory" },
	{ "vzalloc", "vmalloc", "vmalloc memory" },
	{ "vmalloc_node", "vmalloc", "vmalloc memory" },
	{ "vzalloc_node", "vmalloc", "vmalloc memory" },
	{ "__vmalloc_node", "vmalloc", "vmalloc memory" },
	{ "kvmalloc_node", "vmalloc", "vmalloc memory (kvmalloc)" },
	{ "module_alloc", "vmalloc", "memory for a module being loaded (vmalloc, module area)" },
	{ "mem_cgroup_try_charge", "memcg_charge", "a page charged to a memory cgroup" },
	{ "try_charge", "memcg_charge", "a page charged to a memory cgroup" },
	{ "mem_cgroup_oom_synchronize", "memcg_charge", "a page charged to a memory cgroup at a page fault (the charge failed; the cgroup's OOM kill ran as the fault returned)" },
	{ "__do_page_cache_readahead", "page_cache", "page cache (file read-ahead)" },
	{ "filemap_fault", "page_cache", "page cache for a file-backed page fault" },
	{ "pagecache_get_page", "page_cache", "page cache" },
	{ "__page_cache_alloc", "page_cache", "page cache" },
	{ "grab_cache_page_write_begin", "page_cache", "page cache for a file write" },
	{ "shmem_getpage_gfp", "shmem", "shmem/tmpfs memory" },
	{ "shmem_alloc_page", "shmem", "shmem/tmpfs memory" },
	{ "read_swap_cache_async", "swap_in", "a page to swap in" },
	{ "alloc_pages_vma", "anon_fault", "an anonymous (user) page for a page fault" },
	{ "vma_alloc_folio", "anon_fault", "an anonymous (user) page for a page fault" },
	{ "do_anonymous_page", "anon_fault", "an anonymous (user) page for a page fault" },
	{ "do_wp_page", "anon_fault", "a copy-on-write page" },
	{ "handle_mm_fault", "anon_fault", "memory for a page fault" },
	{ "copy_process", "fork", "memory for a new process (fork/clone)" },
	{ "do_execve", "exec", "memory for exec" },
};

/* Context frames: said after the main kind. */
static const char *frame_context(const char *f)
{
	if (strstr(f, "execve") || !strcmp(f, "bprm_mm_init"))
		return "exec";
	if (!strcmp(f, "copy_process") || !strcmp(f, "_do_fork") || !strcmp(f, "do_fork") ||
	    !strcmp(f, "kernel_clone") || strstr(f, "sys_clone") || !strcmp(f, "dup_mm"))
		return "fork";
	if (!strcmp(f, "handle_mm_fault") || !strcmp(f, "do_page_fault") || !strcmp(f, "exc_page_fault"))
		return "a page fault";
	if (strstr(f, "sock_") || strstr(f, "tcp_") || strstr(f, "ioctl"))
		return strstr(f, "ioctl") ? "an ioctl" : "the network stack";
	return NULL;
}

static int alloc_frame(const char *f)
{
	static const char *const skip[] = {
		"dump_", "show_", "oom_", "out_of_memory", "__out_of_memory", "__alloc_pages",
		"alloc_pages", "__get_free_pages", "get_page_from_freelist", "warn_alloc",
		"unwind_backtrace", "panic", "__dump_stack", "pagefault_out_of_memory",
		"mem_cgroup_out_of_memory", "mem_cgroup_oom", "__alloc_pages_slowpath",
		"alloc_pages_current", "alloc_page_interleave", "__get_free_page", "sync_page",
		"preempt_schedule", "wakeup_kswapd", "__folio_alloc", "get_zeroed_page",
		"__vmalloc_node_range", "__vmalloc_area_node", "vm_area_alloc_pages",
	};
	if (!strcmp(f, "mem_cgroup_oom_synchronize"))
		return 0; /* what asked: a memcg charge at a fault, not OOM machinery */
	for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
		if (!strncmp(f, skip[i], strlen(skip[i])))
			return !(strcmp(f, "alloc_pages_vma") == 0);
	return 0;
}

/* A frame's name without the unwinder's '?' (not known to be live). */
static const char *bare(const char *f)
{
	return f[0] == '?' ? f + 1 : f;
}

/* Frame f is another entry of frame_kinds[k]'s kind (__kmalloc above
 * kmalloc_large_node): the same request, not its caller. */
static int same_kind(const char *f, int k)
{
	for (size_t i = 0; i < sizeof frame_kinds / sizeof frame_kinds[0]; i++)
		if (!strcmp(f, frame_kinds[i].frame))
			return !strcmp(frame_kinds[i].kind, frame_kinds[k].kind);
	return 0;
}

static void classify_trace(const struct oomlog_report *r, struct analysis *a)
{
	const char *ctx = NULL;
	int found = -1;
	size_t at = 0;

	a->asked_kind = "unknown";
	/* Reliable frames first; '?' frames are often stale stack words, but
	 * some kernels (x86 4.x without frame pointers) mark every frame. */
	for (int pass = 0; pass < 2 && found < 0; pass++)
		for (size_t i = 0; i < r->nframes && found < 0; i++) {
			const char *f = r->frames[i];
			if ((f[0] == '?') != pass || alloc_frame(bare(f)))
				continue;
			for (size_t k = 0; k < sizeof frame_kinds / sizeof frame_kinds[0]; k++)
				if (!strcmp(bare(f), frame_kinds[k].frame)) {
					found = (int)k;
					at = i;
					break;
				}
		}
	if (found < 0) {
		if (!r->nframes)
			miss(a, "call trace");
		snprintf(a->asked, sizeof a->asked, "%s",
			 r->nframes ? "not recognised from the call trace" : "unknown (no call trace)");
		if (r->nframes) {
			/* Name the first frame outside the allocator, a reliable
			 * one when there is one. */
			const char *name = NULL;
			for (int pass = 0; pass < 2 && !name; pass++)
				for (size_t i = 0; i < r->nframes && !name; i++)
					if ((r->frames[i][0] != '?' || pass) && !alloc_frame(bare(r->frames[i])))
						name = r->frames[i];
			if (name)
				snprintf(a->asked, sizeof a->asked,
					 "kernel code in %s (not a kind fragguard recognises)", name);
		}
		return;
	}
	for (size_t i = at + 1; i < r->nframes && !ctx; i++)
		ctx = frame_context(bare(r->frames[i]));
	a->asked_kind = frame_kinds[found].kind;
	snprintf(a->asked, sizeof a->asked, "%s (%s", frame_kinds[found].text, frame_kinds[found].frame);
	/* Its caller: the next reliable frame; a '?' one (stale stack words
	 * as often as not) only when no reliable frame follows. */
	size_t by = at + 1;
	while (by < r->nframes && (r->frames[by][0] == '?' || same_kind(bare(r->frames[by]), found)))
		by++;
	if (by >= r->nframes)
		by = at + 1;
	if (by < r->nframes)
		cat(a->asked, sizeof a->asked, " <- %s", r->frames[by]);
	cat(a->asked, sizeof a->asked, ")");
	if (ctx && !strstr(frame_kinds[found].text, ctx))
		cat(a->asked, sizeof a->asked, ", during %s", ctx);
}

/* Why vmalloc refused, when it was not for want of pages: no address range
 * left, or a size of 0 (refused before memory is looked at). */
enum vm_refusal { VM_PAGES, VM_AREA, VM_ZERO };
static enum vm_refusal vmalloc_refusal(const struct oomlog_report *r)
{
	if (r->kind != OOMLOG_KIND_VMALLOC)
		return VM_PAGES;
	if (r->hints & OOMLOG_HINT_VM_AREA)
		return VM_AREA;
	return r->vmalloc_bytes == 0 ? VM_ZERO : VM_PAGES;
}

/* The request was fork's or exec's own (page directory, kernel stack). */
static int fork_request(const struct analysis *a)
{
	return !strcmp(a->asked_kind, "page_directory") || !strcmp(a->asked_kind, "kernel_stack") ||
	       !strcmp(a->asked_kind, "fork") || !strcmp(a->asked_kind, "exec");
}

/* ---- era and request ---------------------------------------------------------- */

static void pick_era(const struct oomlog_report *r, struct analysis *a, int forced, enum kmem_era fe)
{
	uint32_t h = r->hints;

	if (forced) {
		a->era = fe;
		snprintf(a->era_src, sizeof a->era_src, "forced with --era");
	} else if (r->kmajor) {
		a->era = ver_ge(r, 4, 4, 0) ? KMEM_ERA_44 : KMEM_ERA_PRE44;
		snprintf(a->era_src, sizeof a->era_src, "kernel %d.%d", r->kmajor, r->kminor);
	} else if (h & (OOMLOG_HINT_OOMKILLADJ | OOMLOG_HINT_RESERVE_R | OOMLOG_HINT_HOTCOLD |
			OOMLOG_HINT_TASK_CPU)) {
		/* Lines only old kernels print ("Node 0 DMA free:" was printed by
		 * 2.6 NUMA kernels too, and again from 4.8). */
		a->era = KMEM_ERA_PRE44;
		snprintf(a->era_src, sizeof a->era_src, "release not printed; the report's layout is %s",
			 (h & OOMLOG_HINT_HOTCOLD) ? "older than 2.6.25" :
			 (h & OOMLOG_HINT_OOMKILLADJ) ? "older than 2.6.36" : "older than 4.4");
	} else if (h & (OOMLOG_HINT_HIGHATOMIC | OOMLOG_HINT_NAMES | OOMLOG_HINT_NODE_ZONE |
			OOMLOG_HINT_PGT_BYTES | OOMLOG_HINT_BOOST | OOMLOG_HINT_CONSTRAINT |
			OOMLOG_HINT_OOM_KILLED | OOMLOG_HINT_WRITEPENDING)) {
		a->era = KMEM_ERA_44;
		snprintf(a->era_src, sizeof a->era_src, "release not printed; the report's layout is 4.4 or newer");
	} else {
		a->era = KMEM_ERA_PRE44;
		snprintf(a->era_src, sizeof a->era_src, "release not printed; the report's layout is %s",
			 (h & OOMLOG_HINT_OOMKILLADJ) ? "older than 2.6.36" : "older than 4.4");
	}
}

static int gfp_era_guess(const struct oomlog_report *r)
{
	int e = oomlog_gfp_era_of(r->kmajor, r->kminor, r->kpatch);

	if (e >= 0)
		return e;
	if (r->hints & OOMLOG_HINT_HOTCOLD)
		return OOMLOG_GFP_2624;
	if (r->hints & OOMLOG_HINT_OOMKILLADJ)
		return OOMLOG_GFP_PRE44;
	if (r->hints & (OOMLOG_HINT_OOM_KILLED | OOMLOG_HINT_BOOST))
		return OOMLOG_GFP_51;
	if (r->hints & (OOMLOG_HINT_PGT_BYTES | OOMLOG_HINT_CONSTRAINT))
		return OOMLOG_GFP_415;
	if (r->hints & (OOMLOG_HINT_HIGHATOMIC | OOMLOG_HINT_NAMES))
		return OOMLOG_GFP_44;
	return OOMLOG_GFP_PRE44;
}

static void build_request(const struct oomlog_report *r, struct analysis *a, int movable_guess)
{
	memset(&a->req, 0, sizeof a->req);
	a->req.classzone_idx = -1;
	a->have_req = (r->have & OOMLOG_H_GFP) != 0;
	if (a->have_req) {
		oomlog_gfp_decode(r->gfp, gfp_era_guess(r),
				  (r->have & OOMLOG_H_GFP_NAMES) ? r->gfp_names : NULL, &a->g);
		a->req.mt = a->g.mt;
		a->req.may_use_cma = a->g.may_use_cma;
		a->req.alloc_flags = a->g.alloc_flags;
		a->req.highest_zone = a->g.highest_zone;
	} else {
		/* No mask: assume the common kinds (an anonymous fault or GFP_KERNEL). */
		memset(&a->g, 0, sizeof a->g);
		a->assumed = 1;
		a->req.mt = movable_guess ? KMEM_MT_MOVABLE : KMEM_MT_UNMOVABLE;
		a->req.may_use_cma = movable_guess;
		a->req.highest_zone = movable_guess ? KMEM_ZONE_MOVABLE : KMEM_ZONE_NORMAL;
	}
	a->req.order = (r->have & OOMLOG_H_ORDER) ? r->order : 0;
	if (a->req.order >= KMEM_MAX_ORDERS)
		a->req.order = KMEM_MAX_ORDERS - 1;
	/* Map the highest zone onto the zones this machine has: no DMA32 on
	 * 32-bit (Normal), no HighMem on 64-bit (Normal). */
	int has[KMEM_ZONE_OTHER + 1] = { 0 };
	for (size_t i = 0; i < r->nzones; i++)
		has[r->zones[i].kind] = 1;
	if (a->req.highest_zone == KMEM_ZONE_DMA32 && !has[KMEM_ZONE_DMA32])
		a->req.highest_zone = KMEM_ZONE_NORMAL;
	if (a->req.highest_zone == KMEM_ZONE_HIGHMEM && !has[KMEM_ZONE_HIGHMEM] && r->nzones)
		a->req.highest_zone = KMEM_ZONE_NORMAL;
}

/* ---- the arithmetic ------------------------------------------------------------- */

static void analyse_zones(struct oomlog_report *r, struct analysis *a)
{
	int64_t all_free = 0;
	int nseen = 0;

	kmem_zone_assign_idx(r->zones, r->nzones);
	/* Zone lines cut before free_cma (web pages, mail): the summary's
	 * free_cma belongs to the zone with CMA blocks, or the only zone. */
	if ((r->mi_have & (1u << OOMLOG_MI_FREE_CMA)) && r->mi[OOMLOG_MI_FREE_CMA] > 0) {
		int cand = -1, n = 0;
		for (size_t i = 0; i < r->nzones; i++) {
			if (r->zones[i].known & KMEM_ZK_FREE_CMA)
				goto have_cma;
			if (!r->zone_line_seen[i])
				continue;
			n++;
			if (cand < 0 || (r->zones[i].known & KMEM_ZK_CMA_PRESENT))
				cand = (int)i;
		}
		if (cand >= 0 && (n == 1 || (r->zones[cand].known & KMEM_ZK_CMA_PRESENT))) {
			r->zones[cand].free_cma = r->mi[OOMLOG_MI_FREE_CMA];
			r->zones[cand].known |= KMEM_ZK_FREE_CMA | KMEM_ZK_CMA_PRESENT;
			a->cma_from_summary = 1;
		}
	}
have_cma:
	for (size_t i = 0; i < r->nzones; i++) {
		struct kmem_zone *z = &r->zones[i];
		struct zone_an *za = &a->z[i];
		memset(za, 0, sizeof *za);
		if (!r->zone_line_seen[i])
			continue;
		nseen++;
		all_free += z->free;
		za->allowed = kmem_zone_allowed(z->kind, &a->req);
		if (!za->allowed) {
			a->outside_free += z->free;
			if (z->free_cma > 0)
				a->outside_cma += z->free_cma < z->free ? z->free_cma : z->free;
			continue;
		}
		a->allowed_free += z->free;
		struct kmem_request q = a->req;
		q.classzone_idx = kmem_classzone_idx(r->zones, r->nzones, z->node, &a->req);
		kmem_zone_verdict(z, &q, a->era, KMEM_WMARK_MIN, &za->v);
		if (za->v.granted && a->req.order > 0 && (za->v.missing & KMEM_ZK_BUDDY))
			za->undetermined = 1;
		if (!za->v.granted && za->v.rule == KMEM_RULE_ORDER0 && za->v.cma_excluded > 0 &&
		    za->v.lhs + za->v.cma_excluded > za->v.rhs)
			za->would_pass_cma = 1;
		if (a->era == KMEM_ERA_PRE44) {
			struct kmem_verdict v44;
			kmem_zone_verdict(z, &q, KMEM_ERA_44, KMEM_WMARK_MIN, &v44);
			za->grant44 = v44.granted && !(v44.missing & KMEM_ZK_BUDDY);
		}
	}
	/* Free pages the Mem-info summary counts outside the printed zones
	 * (5.x+ print only the zones the request may use). */
	if (nseen && (r->mi_have & (1u << OOMLOG_MI_FREE)) && r->mi[OOMLOG_MI_FREE] > all_free + 256 &&
	    r->mi[OOMLOG_MI_FREE] > 2 * all_free) {
		a->unprinted_free = r->mi[OOMLOG_MI_FREE] - all_free;
		a->outside_free += a->unprinted_free;
	}
}

/* A zone as a sentence names it: "Normal", or "Node 3 Normal" when the
 * report has zones of more than one node. */
static const char *zone_label(const struct oomlog_report *r, size_t i, char *buf, size_t cap)
{
	int multi = 0;
	for (size_t k = 0; k < r->nzones; k++)
		if (r->zones[k].node > 0)
			multi = 1;
	if (multi && r->zones[i].node >= 0)
		snprintf(buf, cap, "Node %d %s", r->zones[i].node, r->zones[i].name);
	else
		snprintf(buf, cap, "%s", r->zones[i].name);
	return buf;
}

static enum cause zone_cause(const struct oomlog_report *r, struct analysis *a, char *why, size_t cap)
{
	int nallowed = 0, granted = -1, undetermined = 0, cma = 0, hi_blocks = 0, hi_none = 0;
	char zl[48];
	int64_t minsum = 0;
	char b1[32], b2[32];

	for (size_t i = 0; i < r->nzones; i++) {
		struct zone_an *za = &a->z[i];
		if (!r->zone_line_seen[i] || !za->allowed)
			continue;
		nallowed++;
		minsum += r->zones[i].min;
		if (za->undetermined)
			undetermined = 1;
		else if (za->v.granted && granted < 0)
			granted = (int)i;
		if (za->would_pass_cma)
			cma = 1;
		if (!za->v.granted && za->v.rule != KMEM_RULE_ORDER0) {
			if (za->v.rule == KMEM_RULE_ORDER_LOOP && za->v.suitable_blocks > 0)
				hi_blocks = 1;
			else
				hi_none = 1;
		}
	}
	if (!nallowed) {
		if (r->nzones && a->outside_free > 0) {
			snprintf(why, cap, "every zone printed is one this request may not use; %s free there",
				 human(a->outside_free, r->page_kb, b1, sizeof b1));
			return C_ZONE;
		}
		snprintf(why, cap, "the report has no zone lines for the zones this request may use");
		miss(a, "zone watermark lines");
		return C_UNKNOWN;
	}
	if (granted >= 0 && r->kind == OOMLOG_KIND_OOM && a->req.order <= 3) {
		/* Before the kill the kernel tries once more at the HIGH watermark
		 * (__alloc_pages_may_oom, ALLOC_WMARK_HIGH, in every era): pages
		 * freed between the failure and the printout pass min more often
		 * than high. When every zone it may use is below high there, the
		 * OOM kill follows from the numbers. */
		int all_fail_high = 1, cma_high = -1;
		for (size_t i = 0; i < r->nzones && all_fail_high; i++) {
			struct kmem_verdict vh;
			struct kmem_request q = a->req;
			if (!r->zone_line_seen[i] || !a->z[i].allowed)
				continue;
			q.alloc_flags = 0; /* ALLOC_WMARK_HIGH | ALLOC_CPUSET: no min/2, no harder */
			q.classzone_idx = kmem_classzone_idx(r->zones, r->nzones, r->zones[i].node, &a->req);
			if (!(r->zones[i].known & KMEM_ZK_HIGH) ||
			    kmem_zone_verdict(&r->zones[i], &q, a->era, KMEM_WMARK_HIGH, &vh) || vh.granted)
				all_fail_high = 0;
			else if (vh.cma_excluded > 0 && vh.lhs + vh.cma_excluded > vh.rhs && cma_high < 0)
				cma_high = (int)i;
		}
		if (all_fail_high && cma_high >= 0) {
			snprintf(why, cap, "every zone this request may use was below its high watermark, "
				 "where the OOM path's last attempt looks (__alloc_pages_may_oom), once its "
				 "free CMA pages are left out: zone %s had %s free, %s of it CMA, which only "
				 "movable requests may use; this request is %s", zone_label(r, (size_t)cma_high, zl, sizeof zl),
				 human(r->zones[cma_high].free, r->page_kb, b1, sizeof b1),
				 human(r->zones[cma_high].free_cma, r->page_kb, b2, sizeof b2),
				 kmem_mt_name(a->req.mt));
			return C_CMA;
		}
		if (all_fail_high) {
			const struct kmem_verdict *v = &a->z[granted].v;
			int block = v->rule == KMEM_RULE_BLOCK; /* lhs/rhs count blocks there */
			long long l = block ? (long long)v->usable_free : (long long)v->lhs;
			long long m = block ? (long long)(v->min_adjusted + v->reserve) : (long long)v->rhs;
			if (a->outside_free > a->allowed_free && a->outside_free > 2 * minsum) {
				snprintf(why, cap, "every zone this request may use was below its high "
					 "watermark, where the OOM path's last attempt looks "
					 "(__alloc_pages_may_oom; zone %s was above min by the printout: %lld > "
					 "%lld), while %s was free in zones it may not use (%s)",
					 zone_label(r, (size_t)granted, zl, sizeof zl), l, m,
					 human(a->outside_free, r->page_kb, b1, sizeof b1),
					 a->req.highest_zone >= KMEM_ZONE_HIGHMEM ? "other nodes or zones"
										    : "Movable/HighMem or other nodes");
				if (a->outside_cma > 0 && a->req.mt != KMEM_MT_MOVABLE)
					cat(why, cap, "; %s of that is CMA, which this %s request could not "
					    "use in any zone", human(a->outside_cma, r->page_kb, b2, sizeof b2),
					    kmem_mt_name(a->req.mt));
				return C_ZONE;
			}
			snprintf(why, cap, "every zone this request may use was below its high watermark, "
				 "where the OOM path's last attempt looks (__alloc_pages_may_oom); zone %s "
				 "was above min by the printout (%lld > %lld: pages freed meanwhile), not "
				 "enough to pass high: memory was used up", zone_label(r, (size_t)granted, zl, sizeof zl), l, m);
			return C_EXHAUSTED;
		}
	}
	if (granted >= 0) {
		const struct kmem_verdict *v = &a->z[granted].v;
		if (v->rule == KMEM_RULE_BLOCK)
			snprintf(why, cap,
				 "by the printed numbers zone %s could have served it (%lld > %lld pages "
				 "at the watermark, and a free block of order %d or larger on a list it may "
				 "use): the state changed between the failure and the printout, or something "
				 "the report does not show refused it",
				 zone_label(r, (size_t)granted, zl, sizeof zl), (long long)v->usable_free,
				 (long long)(v->min_adjusted + v->reserve), a->req.order);
		else
			snprintf(why, cap,
				 "by the printed numbers zone %s could have served it (%lld > %lld, margin "
				 "%+lld): the state changed between the failure and the printout, or "
				 "something the report does not show refused it",
				 zone_label(r, (size_t)granted, zl, sizeof zl), (long long)v->lhs, (long long)v->rhs,
				 (long long)v->margin);
		if (a->era == KMEM_ERA_44 && !(r->zones[granted].known & KMEM_ZK_HIGHATOMIC)) {
			int hmask = 0;
			for (int o = 0; o < KMEM_MAX_ORDERS; o++)
				if (r->zones[granted].mt_mask[o] & (1u << KMEM_MT_HIGHATOMIC))
					hmask = 1;
			if (hmask)
				cat(why, cap, "; many free blocks are in the high-atomic reserve (H), whose "
					 "size this kernel does not print: that reserve is the likely refusal");
		}
		return C_UNKNOWN;
	}
	if (undetermined) {
		snprintf(why, cap, "the order-0 part of the watermark check passes, but the buddy lines "
			 "(free blocks per order) are missing, so the high-order part cannot be judged: "
			 "highorder_watermark and no_free_block cannot be told apart");
		miss(a, "buddy lines (free blocks per order)");
		return C_UNKNOWN;
	}
	if (cma) {
		snprintf(why, cap, "free memory is there, but it is CMA memory, which only movable "
			 "requests may use; this request is %s", kmem_mt_name(a->req.mt));
		return C_CMA;
	}
	if (hi_blocks) {
		snprintf(why, cap, "free blocks of order %d or larger existed, but the pre-4.4 per-order "
			 "watermark loop refused the request (it wants free memory in blocks of each order "
			 "k above min >> k)", a->req.order);
		return C_HIGHORDER;
	}
	if (hi_none) {
		snprintf(why, cap, "enough free pages in total, but no free block of order %d or larger "
			 "on a list this request may use: free memory is fragmented", a->req.order);
		return C_NOBLOCK;
	}
	if (a->outside_free > a->allowed_free && a->outside_free > 2 * minsum) {
		snprintf(why, cap, "%s was free in zones this request may not use (%s), but the zones it "
			 "may use were at their minimum", human(a->outside_free, r->page_kb, b1, sizeof b1),
			 a->req.highest_zone >= KMEM_ZONE_HIGHMEM ? "other nodes or zones"
								    : "Movable/HighMem or other nodes");
		return C_ZONE;
	}
	for (size_t i = 0; i < r->nzones; i++)
		if (a->z[i].allowed && a->z[i].v.highatomic_excluded > 0 &&
		    a->z[i].v.lhs + a->z[i].v.highatomic_excluded > a->z[i].v.rhs) {
			snprintf(why, cap, "the usable memory was held in the high-atomic reserve (%s in %s), "
				 "which this request may not use",
				 human(a->z[i].v.highatomic_excluded, r->page_kb, b2, sizeof b2), zone_label(r, (size_t)i, zl, sizeof zl));
			return C_EXHAUSTED;
		}
	snprintf(why, cap, "every zone this request may use was at or below its minimum watermark "
		 "(plus the reserve kept for higher zones): memory was really used up");
	return C_EXHAUSTED;
}

/* a + (n blocks of order o in pages), saturating: log counts are untrusted. */
static int64_t add_blocks(int64_t a, int64_t n, int o)
{
	int64_t pages = n <= 0 ? 0 : n > (INT64_MAX >> o) ? INT64_MAX : n << o;

	return a > INT64_MAX - pages ? INT64_MAX : a + pages;
}

/* A zone whose free counter (NR_FREE_PAGES, what the watermark check reads)
 * is far below what its own free lists hold: the kernel's accounting was
 * wrong, and the check refused memory that was free. */
static void note_accounting(const struct oomlog_report *r, struct analysis *a)
{
	char b1[32], b2[32];

	for (size_t i = 0; i < r->nzones; i++) {
		const struct kmem_zone *z = &r->zones[i];
		int64_t listed = 0;

		if (!r->zone_line_seen[i] || !a->z[i].allowed || z->norders <= 0)
			continue;
		for (int o = 0; o < z->norders && o < KMEM_MAX_ORDERS; o++)
			listed = add_blocks(listed, z->nr_free[o], o);
		if (listed > z->min && listed / 2 > z->free + 32) {
			snprintf(a->why, sizeof a->why, "%s's free counter (%s), which the watermark check "
			    "reads, was far below what its own free lists held (%s): the kernel's free-page "
			    "accounting was wrong (a kernel bug), so the check refused memory that was free", z->name,
			    human(z->free, r->page_kb, b1, sizeof b1), human(listed, r->page_kb, b2, sizeof b2));
			a->accounting_bug = 1;
			return;
		}
	}
}

/* Page cache in pages (active + inactive file), or -1 when the report's
 * layout has neither line (2.6 before the split: "active:" and "inactive:"
 * only). */
static int64_t cache_pages(const struct oomlog_report *r)
{
	int a = (r->mi_have >> OOMLOG_MI_ACTIVE_FILE) & 1, i = (r->mi_have >> OOMLOG_MI_INACTIVE_FILE) & 1;
	if (!a && !i)
		return -1;
	return (a ? r->mi[OOMLOG_MI_ACTIVE_FILE] : 0) + (i ? r->mi[OOMLOG_MI_INACTIVE_FILE] : 0);
}

/* The page cache for a sentence: its size, or that the report does not say. */
static const char *cache_text(int64_t pages, int page_kb, char *buf, size_t cap)
{
	if (pages < 0)
		return "not printed in this report's layout";
	return human(pages, page_kb, buf, cap);
}

/* Exhausted by the numbers, yet swap mostly free and much page cache left:
 * reclaim failed (dirty/writeback or pinned pages, a reclaim bug) rather
 * than memory being used up. */
static void note_reclaim(const struct oomlog_report *r, struct analysis *a)
{
	char b1[32], b2[32];
	int64_t file = cache_pages(r);
	int64_t minsum = 0;

	if (a->cause != C_EXHAUSTED || a->accounting_bug)
		return;
	for (size_t i = 0; i < r->nzones; i++)
		if (r->zone_line_seen[i] && a->z[i].allowed)
			minsum += r->zones[i].min;
	int swap_free = (r->have & OOMLOG_H_SWAP) && r->swap_total_kb > 0 &&
			r->swap_free_kb > r->swap_total_kb / 2;
	if (swap_free && file > 4 * minsum && file * r->page_kb > 64 * 1024) {
		a->reclaim_failed = 1;
		snprintf(a->why, sizeof a->why, "every zone this request may use was at or below its "
		    "minimum watermark, yet %s of page cache and %s of swap (%lld %% of it) were "
		    "left: reclaim could not free them (dirty or writeback pages, pinned pages, or a "
		    "reclaim problem of this kernel), so this is a reclaim failure more than memory used up",
		    human(file, r->page_kb, b1, sizeof b1),
		    human(r->swap_free_kb / r->page_kb, r->page_kb, b2, sizeof b2),
		    (long long)(r->swap_free_kb * 100 / r->swap_total_kb));
	}
}

static void analyse(struct oomlog_report *r, struct analysis *a, int forced, enum kmem_era fe)
{
	memset(a, 0, sizeof *a);
	pick_era(r, a, forced, fe);
	classify_trace(r, a);
	int movable_guess = !strcmp(a->asked_kind, "anon_fault") || !strcmp(a->asked_kind, "page_cache");
	build_request(r, a, movable_guess);
	analyse_zones(r, a);

	if (!(r->have & OOMLOG_H_REQUEST))
		miss(a, "the 'invoked oom-killer' / 'page allocation failure' line (task, order, gfp_mask)");
	switch (vmalloc_refusal(r)) {
	case VM_AREA:
		a->cause = C_UNKNOWN;
		snprintf(a->why, sizeof a->why, "vmalloc found no free range of kernel virtual address "
			 "space for it (vm_struct allocation failed): the vmalloc area (or the module "
			 "area, for insmod) ran out, not free pages");
		return;
	case VM_ZERO:
		a->cause = C_UNKNOWN;
		snprintf(a->why, sizeof a->why, "vmalloc was asked for 0 bytes, which it refuses "
			 "before looking at memory (it returns NULL and prints this warning): the code "
			 "that asked passed a size of 0, a bug there, not a shortage of memory");
		return;
	case VM_PAGES:
		break;
	}
	if (r->have & OOMLOG_H_MEMCG) {
		a->cause = C_MEMCG;
		snprintf(a->why, sizeof a->why, "the memory cgroup %s reached its limit",
			 r->memcg[0] ? r->memcg : r->task_memcg[0] ? r->task_memcg : "(name not printed)");
		if (r->memcg_limit_kb >= 0)
			cat(a->why, sizeof a->why, " (usage %lld kB, limit %lld kB)",
			    (long long)r->memcg_usage_kb, (long long)r->memcg_limit_kb);
		cat(a->why, sizeof a->why, "; free memory elsewhere on the machine does not count");
		return;
	}
	if (!strcmp(r->constraint, "CONSTRAINT_CPUSET") || !strcmp(r->constraint, "CONSTRAINT_MEMORY_POLICY")) {
		const char *what = !strcmp(r->constraint, "CONSTRAINT_CPUSET") ? "cpuset" : "memory policy";
		int seen = 0, usable = 0;
		int64_t unusable_free = 0;
		char b1[32];

		a->cause = C_CPUSET;
		for (size_t i = 0; i < r->nzones; i++) {
			if (!r->zone_line_seen[i])
				continue;
			seen++;
			if (a->z[i].allowed)
				usable++;
			else
				unusable_free += r->zones[i].free;
		}
		if (seen && !usable && unusable_free > 0) {
			/* The printed zones are the allowed nodes' (show_mem filters by
			 * the nodemask): all of a kind this request may not use. */
			a->cpuset_zones_unusable = 1;
			snprintf(a->why, sizeof a->why, "the task may allocate only on some NUMA nodes (%s), "
				 "and their zones printed here hold %s free of a kind this %s request may "
				 "not use (highest zone %s): no reclaim or kill could serve it there",
				 what, human(unusable_free, r->page_kb, b1, sizeof b1),
				 kmem_mt_name(a->req.mt), zone_kind_name(a->req.highest_zone));
			return;
		}
		snprintf(a->why, sizeof a->why, "the task may allocate only on some NUMA nodes (%s) and "
			 "those were full; memory on other nodes does not count", what);
		return;
	}
	if (!(r->have & OOMLOG_H_ZONES)) {
		a->cause = C_UNKNOWN;
		snprintf(a->why, sizeof a->why, "the report has no zone lines (free/min/low/high per zone), "
			 "so the allocator's decision cannot be recomputed");
		miss(a, "zone watermark lines");
		/* The buddy lines alone can still say where the free memory was. */
		int64_t listed = 0, cma = 0;
		for (size_t i = 0; i < r->nzones; i++)
			for (int o = 0; o < r->zones[i].norders && o < KMEM_MAX_ORDERS; o++) {
				listed = add_blocks(listed, r->zones[i].nr_free[o], o);
				if (r->zones[i].mt_mask[o] == (1u << KMEM_MT_CMA))
					cma = add_blocks(cma, r->zones[i].nr_free[o], o);
			}
		if (listed > 0 && cma == listed && !a->req.may_use_cma) {
			char b1[32];
			cat(a->why, sizeof a->why, "; but the buddy lines list %s free, all of it in CMA "
			    "pageblocks, which this %s request may not use: most likely cma_stranded",
			    human(listed, r->page_kb, b1, sizeof b1), kmem_mt_name(a->req.mt));
		}
		return;
	}
	if (!a->assumed) {
		a->cause = zone_cause(r, a, a->why, sizeof a->why);
		note_accounting(r, a);
		note_reclaim(r, a);
		return;
	}
	/* No request line: judge an unmovable and a movable order-0 request;
	 * a cause both agree on stands, else say what it depends on. */
	struct analysis other;
	char why2[1024];
	memcpy(&other, a, sizeof other);
	build_request(r, &other, !movable_guess);
	analyse_zones(r, &other);
	enum cause c1 = zone_cause(r, a, a->why, sizeof a->why);
	enum cause c2 = zone_cause(r, &other, why2, sizeof why2);
	if (c1 == c2) {
		a->cause = c1;
		cat(a->why, sizeof a->why, " (request not in the report: this holds for movable and "
		    "unmovable order-0 requests alike)");
	} else {
		a->cause = C_UNKNOWN;
		snprintf(a->why, sizeof a->why, "the request is not in the report and the answer depends "
			 "on it: an order-0 %s request would be %s, an order-0 %s one %s",
			 kmem_mt_name(a->req.mt), cause_names[c1], kmem_mt_name(other.req.mt), cause_names[c2]);
	}
	note_accounting(r, a);
	note_reclaim(r, a);
}

/* ---- victim ------------------------------------------------------------------------ */

static int64_t points(const struct oomlog_task *t)
{
	return t->rss + t->swapents + t->pgtables;
}

static void victim_text(const struct oomlog_report *r, const struct analysis *a, char *out, size_t cap)
{
	char b[32];

	out[0] = 0;
	(void)a;
	if (r->have & OOMLOG_H_KILLED) {
		cat(out, cap, "  Killed %s (pid %ld)", r->killed_comm, r->killed_pid);
		if (r->killed_anon_rss_kb >= 0)
			cat(out, cap, ": anon-rss %s", human(r->killed_anon_rss_kb / r->page_kb, r->page_kb, b, sizeof b));
		if (r->killed_file_rss_kb >= 0)
			cat(out, cap, ", file-rss %s", human(r->killed_file_rss_kb / r->page_kb, r->page_kb, b, sizeof b));
		cat(out, cap, ".\n");
	} else if (r->have & OOMLOG_H_PANIC) {
		cat(out, cap, "  Nobody was killed: the kernel panicked (%s).\n", r->panic);
	} else if (r->kind == OOMLOG_KIND_STALL) {
		cat(out, cap, "  Nobody was killed by this warning: the allocation had been retrying for "
		    "the time it names and went on retrying (the kernel warns at most every 10 s).\n");
	} else if (r->kind == OOMLOG_KIND_VMALLOC) {
		cat(out, cap, "  Nobody was killed: vmalloc returned NULL to its caller.\n");
	} else if (r->kind == OOMLOG_KIND_ALLOC_FAIL) {
		cat(out, cap, "  Nobody was killed: the request failed and the caller got an error "
		    "(a page allocation failure does not invoke the OOM killer).\n");
	} else if (r->have & OOMLOG_H_CHOSEN) {
		cat(out, cap, "  The kernel chose %s (pid %ld); the kill line itself is not in the report.\n",
		    r->chosen_comm, r->chosen_pid);
	} else {
		cat(out, cap, "  The kill line is not in the report.\n");
	}
	if ((r->have & OOMLOG_H_CHOSEN) && (r->have & OOMLOG_H_KILLED) && r->chosen_pid != r->killed_pid)
		cat(out, cap, "  The kernel chose %s (pid %ld) but killed its child %s (pid %ld) "
		    "(%s).\n", r->chosen_comm, r->chosen_pid, r->killed_comm, r->killed_pid,
		    (r->hints & OOMLOG_HINT_OR_A_CHILD) ? "\"or a child\", before 2.6.36" :
		    "\"or sacrifice child\", 2.6.36-5.0");
	if (r->hints & OOMLOG_HINT_KILL_ASKER)
		cat(out, cap, "  vm.oom_kill_allocating_task was set: the kernel killed the task that "
		    "asked, without comparing badness (the largest task may live on).\n");
	if (r->ntasks) {
		const struct oomlog_task *top = NULL;
		for (size_t i = 0; i < r->ntasks; i++)
			if (r->tasks[i].oom_score_adj > -1000) {
				top = &r->tasks[i];
				break;
			}
		cat(out, cap, "  Badness is rss + swap + page tables (pages), shifted by oom_score_adj; "
		    "the largest tasks of %zu listed:\n", r->tasks_seen);
		for (size_t i = 0, shown = 0; i < r->ntasks && shown < 4; i++, shown++) {
			const struct oomlog_task *t = &r->tasks[i];
			cat(out, cap, "    %-16s pid %-7ld %lld + %lld + %lld = %lld%s%s\n", t->comm, t->pid,
			    (long long)t->rss, (long long)t->swapents, (long long)t->pgtables,
			    (long long)points(t), t->oom_score_adj == -1000 ? "  (oom_score_adj -1000: never killed)" :
			    t->oom_score_adj ? "  (oom_score_adj set)" : "",
			    (r->have & OOMLOG_H_KILLED) && t->pid == r->killed_pid ? "  <- killed" : "");
		}
		if (r->hints & OOMLOG_HINT_KILL_ASKER) {
			/* said above: no badness comparison was made */
		} else if (top && (r->have & OOMLOG_H_KILLED)) {
			if (top->pid == r->killed_pid || top->pid == r->chosen_pid)
				cat(out, cap, "  The victim had the highest badness of all killable tasks: the "
				    "OOM killer picks the largest process, not the one that asked.\n");
			else
				cat(out, cap, "  The victim is not the largest killable task listed: oom_score_adj, "
				    "a sacrificed child, a memcg/cpuset scope or an exiting task explain that.\n");
		} else if (!top) {
			cat(out, cap, "  Every listed task has oom_score_adj -1000: none may be killed.\n");
		}
		/* Only where the score is badness * 1000 / RAM + swap: not in a
		 * memcg (the total is the cgroup's limit), not with an
		 * oom_score_adj (it adds adj * total / 1000). */
		if (top && (r->have & OOMLOG_H_CHOSEN) && r->chosen_score > 0 && top->pid == r->chosen_pid &&
		    r->kmajor && !ver_ge(r, 4, 19, 0) && !(r->have & OOMLOG_H_MEMCG) &&
		    top->oom_score_adj == 0 && points(top) < INT64_MAX / 1000) {
			int64_t p = points(top);
			int64_t root = (top->uid == 0 && !ver_ge(r, 4, 17, 0)) ? p - p * 3 / 100 : p;
			/* score = badness * 1000 / total, rounded down: total lies in
			 * (badness * 1000 / (score + 1), badness * 1000 / score]. */
			long long hi = (long long)(root * 1000 / r->chosen_score);
			long long lo = (long long)(root * 1000 / (r->chosen_score + 1)) + 1;
			if (hi - lo <= hi / 100)
				cat(out, cap, "  Score check: %ld printed = badness %lld%s x 1000 / total pages, so "
				    "the kernel counted about %lld pages of RAM + swap.\n", r->chosen_score,
				    (long long)root, root != p ? " (3% root bonus taken off, as for CAP_SYS_ADMIN)" : "", hi);
			else
				cat(out, cap, "  Score check: %ld printed = badness %lld%s x 1000 / total pages "
				    "(rounded down), so the kernel counted between %lld and %lld pages of RAM + "
				    "swap.\n", r->chosen_score, (long long)root,
				    root != p ? " (3% root bonus taken off, as for CAP_SYS_ADMIN)" : "", lo, hi);
		}
	} else if (r->have & (OOMLOG_H_KILLED | OOMLOG_H_CHOSEN)) {
		cat(out, cap, "  No task list in the report, so the choice cannot be checked.\n");
	}
	if ((r->have & OOMLOG_H_KILLED) && r->task[0]) {
		if (!strcmp(r->task, r->killed_comm) && (!(r->have & OOMLOG_H_PID) || r->pid == r->killed_pid))
			cat(out, cap, "  The task that asked is also the victim.\n");
		else if (!strcmp(r->task, r->killed_comm) && !r->requester.pid)
			/* The CPU line names the thread; the kill line the process
			 * (the task list has no row of the asker's own). */
			cat(out, cap, "  The task that asked (%s, thread %ld) has the victim's name: most "
			    "likely a thread of the victim (pid %ld), since the report gives a thread's id "
			    "where it says who asked and the process's where it kills.\n", r->task, r->pid,
			    r->killed_pid);
		else
			cat(out, cap, "  The task that asked (%s) is not the victim: it was merely the one "
			    "whose request found no memory.\n", r->task);
	}
}

/* ---- prevention -------------------------------------------------------------------- */

static void advise(const struct oomlog_report *r, const struct analysis *a, json_t *would, json_t *wouldnt)
{
	char b[32], b2[32];
	int order0 = a->req.order == 0;
	int known = r->kmajor != 0;
	int64_t file = cache_pages(r);
	char t[512];
#define W(...) do { snprintf(t, sizeof t, __VA_ARGS__); json_array_append_new(would, json_string(t)); } while (0)
#define N(...) do { snprintf(t, sizeof t, __VA_ARGS__); json_array_append_new(wouldnt, json_string(t)); } while (0)

	switch (a->cause) {
	case C_CMA:
		W("a smaller CMA area (cma= on the kernel command line or the device tree), so that "
		  "unmovable allocations keep room outside it");
		W("a kernel from 5.8, which steers movable allocations into CMA when CMA holds most of "
		  "the free memory, keeping the rest free for requests like this one");
		W("fragguard's shim: pre-faulting the daemon's heap at start (startup reserve) so its "
		  "growth needs no page tables later, and refusing growth (ENOMEM) while unmovable usable "
		  "free memory is below min");
		N("echo 3 > drop_caches: it frees only clean page cache (%s here), and freed pages "
		  "that are CMA pages still cannot serve this request",
		  cache_text(file, r->page_kb, b, sizeof b));
		N("compact_memory: %s", order0 ? "compaction never runs for order-0 requests, and the "
		  "memory is not fragmented, it is CMA" : "compaction does not turn CMA pages into normal ones");
		break;
	case C_HIGHORDER:
		W("a kernel from 4.4 (or a backport of its watermark change): one free block of the "
		  "order on a usable list is enough there");
		W("compaction (CONFIG_COMPACTION, from 2.6.35%s), which builds larger blocks",
		  known && !ver_ge(r, 2, 6, 35) ? "; this kernel is older" :
		  (r->hints & OOMLOG_HINT_OOMKILLADJ) ? "; this kernel is probably older" : "");
		if (fork_request(a))
			W("fewer fork/exec at times of pressure (each needs the order-%d %s on this "
			  "architecture) and fragguard's shim backing off before forking", a->req.order,
			  !strcmp(a->asked_kind, "kernel_stack") ? "kernel stack" :
			  !strcmp(a->asked_kind, "page_directory") ? "page directory" : "block");
		else
			W("the code that asked (above) taking smaller blocks: order-0 pages, or kvmalloc "
			  "(4.12+), which falls back to vmalloc when no order-%d block is free", a->req.order);
		N("echo 3 > drop_caches: it frees clean page cache (%s), mostly as scattered single "
		  "pages; the loop needs pages in blocks of every order", cache_text(file, r->page_kb, b, sizeof b));
		N("more free memory in small pages: the loop fails on the shortage of order >= k blocks, "
		  "not of pages");
		break;
	case C_NOBLOCK:
		W("direct compaction succeeding: it did not, so unmovable or pinned pages sit beside the "
		  "free ones; avoid long-term pinning (vmsplice, RDMA, io_uring fixed buffers)");
		if (!known || ver_ge(r, 5, 9, 0))
			W("proactive compaction (vm.compaction_proactiveness, 5.9+) and a higher "
			  "vm.min_free_kbytes, so kswapd and kcompactd keep larger blocks free");
		W("fragguard's shim: releasing whole chunks and backing off before fork when no block "
		  "of the order is free");
		N("echo 3 > drop_caches: clean page cache (%s) frees scattered pages; it does not "
		  "move the pages that split the blocks", cache_text(file, r->page_kb, b, sizeof b));
		N("swap or zram: reclaim frees pages, not contiguous blocks");
		break;
	case C_ZONE:
		W("keeping kernel allocations room in the zones they may use: a smaller movablecore= / "
		  "kernelcore= split (page tables and slab can never use ZONE_MOVABLE), or on 32-bit "
		  "less HighMem pressure on lowmem");
		W("fragguard's shim refusing growth while the lowmem zones are at min: the growth "
		  "itself needs page-table pages there");
		if (a->outside_cma * 2 > a->outside_free && a->req.mt != KMEM_MT_MOVABLE)
			W("a smaller CMA area (cma= on the kernel command line or the device tree): most "
			  "of the memory free elsewhere (%s) is CMA, which serves only movable requests",
			  human(a->outside_cma, r->page_kb, b, sizeof b));
		N("echo 3 > drop_caches or compact_memory: neither moves memory between zones");
		break;
	case C_EXHAUSTED:
		if (a->accounting_bug) {
			W("a kernel with the free-page accounting fixed (the counter disagreed with the "
			  "free lists)");
			N("more memory or swap: the memory was free, the counter said otherwise");
			break;
		}
		if (a->reclaim_failed) {
			W("finding why reclaim stalled: dirty %s and writeback %s of the page cache "
			  "(lower vm.dirty_bytes / dirty_ratio), pinned or mlocked pages, or a kernel "
			  "update if this release has a known reclaim regression",
			  (r->mi_have >> OOMLOG_MI_DIRTY) & 1 ? human(r->mi[OOMLOG_MI_DIRTY], r->page_kb, b, sizeof b) : "(not printed)",
			  (r->mi_have >> OOMLOG_MI_WRITEBACK) & 1 ? human(r->mi[OOMLOG_MI_WRITEBACK], r->page_kb, b2, sizeof b2) : "(not printed)");
			N("more swap: %lld %% of it was free", (long long)(r->swap_free_kb * 100 / r->swap_total_kb));
		} else if ((r->have & OOMLOG_H_SWAP) && r->swap_total_kb >= 0 && r->swap_free_kb >= 0) {
			W("more memory or swap/zram (swap total %lld kB, free %lld kB), or a smaller working set",
			  (long long)r->swap_total_kb, (long long)r->swap_free_kb);
		} else {
			W("more memory or swap/zram, or a smaller working set");
		}
		W("a memory cgroup limit on the growing service, so it fails alone instead of the machine");
		N("echo 3 > drop_caches: the kernel already reclaimed what it could before %s; page "
		  "cache left (active + inactive file) was %s",
		  r->kind == OOMLOG_KIND_OOM ? "the OOM kill" : r->kind == OOMLOG_KIND_STALL ?
		  "reporting the stall" : "failing the request", cache_text(file, r->page_kb, b, sizeof b));
		N("compact_memory: %s", order0 ? "compaction never runs for order-0 requests" :
		  "no amount of compaction creates memory");
		break;
	case C_MEMCG:
		W("a higher limit for that cgroup (memory.max / memory.limit_in_bytes), or less memory used inside it");
		N("free memory elsewhere on the machine, drop_caches or compact_memory: the limit is per cgroup");
		break;
	case C_CPUSET:
		if (a->cpuset_zones_unusable) {
			W("allowed nodes (cpuset.mems, the memory policy) that include a zone this request "
			  "may use, e.g. a node with a Normal zone; a node of only ZONE_MOVABLE serves user "
			  "pages that may move, never kernel or unmovable ones");
			N("killing tasks or freeing memory on the allowed nodes: the free memory there is "
			  "of a kind this request may not use");
			break;
		}
		W("widening the allowed nodes (cpuset.mems, the memory policy) or freeing memory on them");
		N("free memory on other nodes: the policy forbids it");
		break;
	case C_UNKNOWN:
		if (vmalloc_refusal(r) == VM_ZERO) {
			W("a fix in the caller (see the call trace below the warning): check the size "
			  "before vmalloc/vzalloc, which return NULL for 0");
			N("more memory, drop_caches or compact_memory: no memory was looked at");
			break;
		}
		if (vmalloc_refusal(r) == VM_AREA) {
			W("fewer or smaller vmalloc users (a leak of vmalloc'ed memory or of loaded modules); "
			  "on 32-bit a larger vmalloc= on the kernel command line");
			N("free memory, drop_caches or compact_memory: the address range, not the memory, ran out");
			break;
		}
		if (a->missing[0])
			W("a complete report (missing here: %.400s)", a->missing);
		else
			W("nothing in the report's numbers: a zone this request may use passed its check "
			  "when the report was printed (memory freed in between, or per-CPU lists)%s",
			  (a->g.f & OOMLOG_F_NORETRY) || !(a->g.f & OOMLOG_F_DIRECT_RECLAIM) ?
			  "; this request could not reclaim or retry, so such failures are expected and "
			  "the caller must handle them (and pass __GFP_NOWARN)" : "");
		break;
	}
	if (order0 && a->cause != C_MEMCG && a->cause != C_CPUSET && a->cause != C_UNKNOWN &&
	    a->cause != C_CMA && a->cause != C_EXHAUSTED)
		N("compaction: it is never tried for order-0 requests");
#undef W
#undef N
}

/* ---- output -------------------------------------------------------------------------- */


/* The pre-4.4 loop steps, recomputed for display (the verdict keeps the last). */
static void loop_steps(const struct kmem_zone *z, const struct kmem_verdict *v, int order,
		       char *out, size_t cap, json_t *js)
{
	int64_t fp = z->free - v->order_excluded, min = v->min_adjusted;

	for (int o = 0; o < order; o++) {
		int64_t nr = o < z->norders ? z->nr_free[o] : 0;
		int64_t before = fp;
		fp -= nr << o;
		min >>= 1;
		int ok = fp > min;
		cat(out, cap, "        k=%d: %lld - %lld (free in order-%d blocks) = %lld  %s  min>>%d = %lld   %s (margin %+lld)\n",
		    o + 1, (long long)before, (long long)(nr << o), o, (long long)fp, ok ? ">" : "<=", o + 1,
		    (long long)min, ok ? "ok" : "FAIL", (long long)(fp - min));
		json_array_append_new(js, json_pack("{s:i,s:I,s:I,s:b,s:I}", "k", o + 1, "lhs", (json_int_t)fp,
						    "rhs", (json_int_t)min, "ok", ok, "margin", (json_int_t)(fp - min)));
		if (!ok)
			break;
	}
}

static void print_report(const char *fname, int idx, int total, struct oomlog_report *r,
			 struct analysis *a, int as_json, json_t *jreports)
{
	char buf[8192], b1[32], b2[32];
	json_t *jr = json_object(), *jz = json_array(), *would = json_array(), *wouldnt = json_array();

	(void)total;
	advise(r, a, would, wouldnt);

	/* Header. */
	if (!as_json) {
		printf("=== %s, report %d: %s (lines %u-%u) ===\n", fname, idx,
		       r->kind == OOMLOG_KIND_ALLOC_FAIL ? "page allocation failure" :
		       r->kind == OOMLOG_KIND_STALL ? "page allocation stall (still being retried)" :
		       r->kind == OOMLOG_KIND_VMALLOC ? "vmalloc failure" :
		       !(r->have & (OOMLOG_H_REQUEST | OOMLOG_H_KILLED | OOMLOG_H_CHOSEN)) ?
		       "memory report without its request or kill lines" :
		       (r->have & OOMLOG_H_MEMCG) ? "memory cgroup OOM kill" : "OOM kill",
		       r->start_line, r->end_line);
		printf("Kernel: %s; watermark rules %s (%s)\n",
		       r->release[0] ? r->release : "release not printed",
		       a->era == KMEM_ERA_44 ? "from 4.4 (one free block of the order suffices)"
					     : "before 4.4 (per-order loop)", a->era_src);
		printf("\nThe request\n");
		if (r->have & OOMLOG_H_REQUEST) {
			printf("  %s", r->task[0] ? r->task : "(task not printed)");
			if (r->have & OOMLOG_H_PID)
				printf(" (pid %ld)", r->pid);
			if (r->kind == OOMLOG_KIND_VMALLOC)
				printf(" asked vmalloc for %lld bytes\n", (long long)r->vmalloc_bytes);
			else
				printf(" asked for %d page%s (order %d, %d KiB)\n", 1 << a->req.order,
				       a->req.order ? "s in one block" : "", a->req.order, r->page_kb << a->req.order);
		} else {
			printf("  not in the report; assumed an order-0 %s request\n", kmem_mt_name(a->req.mt));
		}
		if (a->have_req) {
			printf("  gfp_mask 0x%llx = %s (flag table of %s%s)\n", (unsigned long long)r->gfp,
			       (r->have & OOMLOG_H_GFP_NAMES) ? r->gfp_names : a->g.names,
			       oomlog_gfp_era_name(a->g.era), a->g.era_checked ? ", confirmed by the printed names" : "");
			if ((r->have & OOMLOG_H_GFP_NAMES) && strcmp(r->gfp_names, a->g.names))
				printf("    decoded: %s\n", a->g.names);
		}
		printf("  %s%s; highest zone it may use: %s%s%s\n", kmem_mt_name(a->req.mt),
		       a->req.may_use_cma ? " (may use CMA)" : " (may not use CMA)",
		       zone_kind_name(a->req.highest_zone),
		       (a->req.alloc_flags & KMEM_ALLOC_HIGH) ? "; __GFP_HIGH: min/2" : "",
		       (a->req.alloc_flags & KMEM_ALLOC_HARDER) ?
		       (a->era == KMEM_ERA_PRE44 ? "; atomic: min less a quarter"
						 : "; atomic: min less a quarter, may use the high-atomic reserve") : "");
		printf("  What asked: %s\n", a->asked);
		if (a->have_req && r->kind == OOMLOG_KIND_OOM)
			printf("  It may reclaim%s, so when reclaim made no progress the kernel %s\n",
			       (a->g.f & OOMLOG_F_FS) ? " and has __GFP_FS" : "",
			       a->req.order <= 3 ? "OOM-killed rather than fail the request (order <= 3)"
						 : "had to fail it (order > 3 does not OOM-kill)");
		printf("\nThe kernel's arithmetic (pages of %d KiB; it fails when left <= right, at the min watermark)\n",
		       r->page_kb);
	}
	for (size_t i = 0; i < r->nzones; i++) {
		struct kmem_zone *z = &r->zones[i];
		struct zone_an *za = &a->z[i];
		json_t *o;
		if (!r->zone_line_seen[i])
			continue;
		o = json_pack("{s:s,s:i,s:b,s:I,s:I,s:I,s:I,s:I,s:I}", "name", z->name, "node", z->node,
			      "usable", za->allowed, "free", (json_int_t)z->free, "free_cma", (json_int_t)z->free_cma,
			      "min", (json_int_t)z->min, "low", (json_int_t)z->low, "high", (json_int_t)z->high,
			      "highatomic", (json_int_t)z->reserved_highatomic);
		buf[0] = 0;
		if (z->node >= 0)
			cat(buf, sizeof buf, "  Node %d %s:", z->node, z->name);
		else
			cat(buf, sizeof buf, "  %s:", z->name);
		cat(buf, sizeof buf, " free %lld (%s), min %lld, low %lld, high %lld", (long long)z->free,
		    human(z->free, r->page_kb, b1, sizeof b1), (long long)z->min, (long long)z->low, (long long)z->high);
		if (z->free_cma)
			cat(buf, sizeof buf, ", free CMA %lld%s", (long long)z->free_cma,
			    a->cma_from_summary ? " (from the Mem-info summary)" : "");
		if (z->reserved_highatomic)
			cat(buf, sizeof buf, ", high-atomic reserve %lld", (long long)z->reserved_highatomic);
		cat(buf, sizeof buf, "\n");
		if (!za->allowed) {
			cat(buf, sizeof buf, "        not usable by this request (%s zone)\n", z->name);
		} else {
			const struct kmem_verdict *v = &za->v;
			json_t *steps = json_array();
			int64_t left0 = z->free - v->order_excluded - v->cma_excluded - v->highatomic_excluded;
			int o0fail = v->rule == KMEM_RULE_ORDER0 && !v->granted;
			cat(buf, sizeof buf, "        order-0 check: %lld", (long long)z->free);
			if (v->order_excluded)
				cat(buf, sizeof buf, " - %lld (2^order-1)", (long long)v->order_excluded);
			if (v->cma_excluded)
				cat(buf, sizeof buf, " - %lld (CMA)", (long long)v->cma_excluded);
			if (v->highatomic_excluded)
				cat(buf, sizeof buf, " - %lld (high-atomic)", (long long)v->highatomic_excluded);
			if (v->order_excluded || v->cma_excluded || v->highatomic_excluded)
				cat(buf, sizeof buf, " = %lld", (long long)left0);
			int64_t rhs0 = v->min_adjusted + v->reserve;
			cat(buf, sizeof buf, "  %s  min %lld%s + reserve %lld = %lld   %s (margin %+lld)\n",
			    left0 > rhs0 ? ">" : "<=", (long long)v->min_adjusted,
			    v->min_adjusted != v->mark ? " (adjusted)" : "", (long long)v->reserve,
			    (long long)rhs0, left0 > rhs0 ? "ok" : "FAIL", (long long)(left0 - rhs0));
			json_array_append_new(steps, json_pack("{s:s,s:I,s:I,s:b,s:I}", "check", "order0",
							       "lhs", (json_int_t)left0, "rhs", (json_int_t)rhs0,
							       "ok", left0 > rhs0, "margin", (json_int_t)(left0 - rhs0)));
			if (!o0fail && a->req.order > 0) {
				if (za->undetermined) {
					cat(buf, sizeof buf, "        order-%d part: no buddy line, cannot be judged\n",
					    a->req.order);
				} else if (a->era == KMEM_ERA_PRE44) {
					json_t *ls = json_array();
					cat(buf, sizeof buf, "        per-order loop (before 4.4): pages in blocks of order >= k must exceed min >> k\n");
					loop_steps(z, v, a->req.order, buf, sizeof buf, ls);
					json_object_set_new(o, "loop", ls);
					cat(buf, sizeof buf, "        %lld free block%s of order >= %d%s\n",
					    (long long)v->suitable_blocks, v->suitable_blocks == 1 ? "" : "s",
					    a->req.order, v->granted ? "" : v->suitable_blocks ?
					    ": enough for the request, but the rule refused" : "");
					if (za->grant44 && !v->granted)
						cat(buf, sizeof buf, "        a kernel from 4.4 would have granted it here\n");
				} else {
					cat(buf, sizeof buf, "        block check (4.4+): a free block of order >= %d on a usable list: %s\n",
					    a->req.order, v->block_order >= 0 ? "yes" : "none   FAIL");
					json_object_set_new(o, "block_order", json_integer(v->block_order));
				}
			}
			json_object_set_new(o, "checks", steps);
			json_object_set_new(o, "granted", json_boolean(v->granted && !za->undetermined));
			json_object_set_new(o, "rule", json_string(v->rule == KMEM_RULE_ORDER0 ? "order0" :
								 v->rule == KMEM_RULE_ORDER_LOOP ? "order_loop" : "block"));
			json_object_set_new(o, "lhs", json_integer(v->lhs));
			json_object_set_new(o, "rhs", json_integer(v->rhs));
			json_object_set_new(o, "margin", json_integer(v->margin));
			json_object_set_new(o, "reserve", json_integer(v->reserve));
			json_object_set_new(o, "suitable_blocks", json_integer(v->suitable_blocks));
			if (a->era == KMEM_ERA_PRE44)
				json_object_set_new(o, "granted_from_4_4", json_boolean(za->grant44));
		}
		json_array_append_new(jz, o);
		if (!as_json)
			fputs(buf, stdout);
	}
	if (!as_json) {
		if (!(r->have & OOMLOG_H_ZONES))
			printf("  (no zone lines in the report)\n");
		if (a->outside_free > 0)
			printf("  Free outside the zones this request may use: %lld pages (%s)\n",
			       (long long)a->outside_free, human(a->outside_free, r->page_kb, b2, sizeof b2));
		if (a->unprinted_free > 0)
			printf("    of which %lld pages in zones the kernel did not print (the Mem-Info "
			       "total less the zone lines)\n", (long long)a->unprinted_free);
		printf("\nCause: %s\n  %s.\n", cause_names[a->cause], a->why);
		if (a->era == KMEM_ERA_PRE44 && a->cause == C_HIGHORDER) {
			int any = 0;
			for (size_t i = 0; i < r->nzones; i++)
				any |= a->z[i].grant44;
			if (any)
				printf("  A kernel from 4.4 would have granted it.\n");
		}
		if (a->missing[0])
			printf("  Missing from the report: %s.\n", a->missing);
		victim_text(r, a, buf, sizeof buf);
		printf("\nWhy this victim\n%s", buf);
		printf("\nWhat would have prevented it\n");
		for (size_t i = 0; i < json_array_size(would); i++)
			printf("  + %s\n", json_string_value(json_array_get(would, i)));
		if (json_array_size(wouldnt))
			printf("What would not\n");
		for (size_t i = 0; i < json_array_size(wouldnt); i++)
			printf("  - %s\n", json_string_value(json_array_get(wouldnt, i)));
		printf("\n");
	}

	json_object_set_new(jr, "index", json_integer(idx));
	json_object_set_new(jr, "kind", json_string(r->kind == OOMLOG_KIND_ALLOC_FAIL ? "alloc_failure" :
		r->kind == OOMLOG_KIND_STALL ? "alloc_stall" : r->kind == OOMLOG_KIND_VMALLOC ? "vmalloc_failure" :
		!(r->have & (OOMLOG_H_REQUEST | OOMLOG_H_KILLED | OOMLOG_H_CHOSEN)) ? "memory_report" :
		"oom_kill"));
	json_object_set_new(jr, "lines", json_pack("[i,i]", r->start_line, r->end_line));
	json_object_set_new(jr, "cause", json_string(cause_names[a->cause]));
	json_object_set_new(jr, "why", json_string(a->why));
	if (a->missing[0])
		json_object_set_new(jr, "missing", json_string(a->missing));
	json_object_set_new(jr, "kernel", json_pack("{s:s,s:s,s:s}", "release", r->release,
						    "era", kmem_era_name(a->era), "era_source", a->era_src));
	json_t *rq = json_object();
	json_object_set_new(rq, "task", json_string(r->task));
	if (r->have & OOMLOG_H_PID)
		json_object_set_new(rq, "pid", json_integer(r->pid));
	json_object_set_new(rq, "order", (r->have & OOMLOG_H_ORDER) ? json_integer(r->order) : json_null());
	if (a->have_req) {
		char hex[24];
		snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)r->gfp);
		json_object_set_new(rq, "gfp_mask", json_string(hex));
		json_object_set_new(rq, "gfp_flags", json_string(a->g.names));
		json_object_set_new(rq, "gfp_table", json_string(oomlog_gfp_era_name(a->g.era)));
	}
	json_object_set_new(rq, "assumed", json_boolean(a->assumed));
	json_object_set_new(rq, "migrate_type", json_string(kmem_mt_name(a->req.mt)));
	json_object_set_new(rq, "may_use_cma", json_boolean(a->req.may_use_cma));
	json_object_set_new(rq, "highest_zone", json_string(zone_kind_name(a->req.highest_zone)));
	json_object_set_new(rq, "alloc_high", json_boolean((a->req.alloc_flags & KMEM_ALLOC_HIGH) != 0));
	json_object_set_new(rq, "alloc_harder", json_boolean((a->req.alloc_flags & KMEM_ALLOC_HARDER) != 0));
	json_object_set_new(rq, "asked_by", json_string(a->asked_kind));
	json_object_set_new(rq, "asked_by_text", json_string(a->asked));
	json_object_set_new(jr, "request", rq);
	json_object_set_new(jr, "page_kb", json_integer(r->page_kb));
	json_object_set_new(jr, "zones", jz);
	json_object_set_new(jr, "free_outside_usable_zones", json_integer(a->outside_free));
	json_t *vj = json_object();
	if (r->have & OOMLOG_H_KILLED) {
		json_object_set_new(vj, "pid", json_integer(r->killed_pid));
		json_object_set_new(vj, "comm", json_string(r->killed_comm));
		if (r->killed_anon_rss_kb >= 0)
			json_object_set_new(vj, "anon_rss_kb", json_integer(r->killed_anon_rss_kb));
	}
	if (r->have & OOMLOG_H_CHOSEN) {
		json_object_set_new(vj, "chosen_pid", json_integer(r->chosen_pid));
		json_object_set_new(vj, "chosen_comm", json_string(r->chosen_comm));
		json_object_set_new(vj, "score", json_integer(r->chosen_score));
	}
	if (r->ntasks)
		json_object_set_new(vj, "largest", json_pack("{s:i,s:s,s:I}", "pid", (int)r->tasks[0].pid,
							      "comm", r->tasks[0].comm, "points",
							      (json_int_t)points(&r->tasks[0])));
	if (r->have & OOMLOG_H_PANIC)
		json_object_set_new(vj, "panic", json_string(r->panic));
	json_object_set_new(jr, "victim", vj);
	json_object_set_new(jr, "would_prevent", would);
	json_object_set_new(jr, "would_not_prevent", wouldnt);
	json_array_append_new(jreports, jr);
}

/* ---- command ------------------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f, "usage: fragguard explain [FILE|-] [--json] [--era pre44|44]\n"
		   "  Reads kernel log text (dmesg, journal, syslog; several reports per file) and\n"
		   "  explains every OOM kill and page allocation failure in it: the request, the\n"
		   "  kernel's watermark arithmetic per zone, the cause, the victim, and what would\n"
		   "  and would not have prevented it.\n"
		   "  --json        machine-readable output; each report's cause is \"cause\"\n"
		   "  --era E       force the watermark rules: pre44 (per-order loop) or 44\n"
		   "                (vendor kernels backport); default: from the kernel release\n"
		   "  causes: cma_stranded highorder_watermark no_free_block zone_restricted\n"
		   "          exhausted memcg_limit cpuset_or_mempolicy unknown\n");
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 65536;
			char *nb;
			if (nc > MAX_INPUT) {
				if (cap >= MAX_INPUT)
					break;
				nc = MAX_INPUT;
			}
			nb = realloc(buf, nc + 1);
			if (!nb) {
				free(buf);
				buf = NULL;
				goto out;
			}
			buf = nb;
			cap = nc;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f)) {
				free(buf);
				buf = NULL;
			}
			break;
		}
	}
	if (buf)
		buf[n] = 0;
	*len = n;
out:
	if (f != stdin)
		fclose(f);
	return buf;
}

int cmd_explain(int argc, char **argv)
{
	const char *path = NULL;
	int as_json = 0, forced = 0;
	enum kmem_era fe = KMEM_ERA_44;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--json")) {
			as_json = 1;
		} else if (!strcmp(argv[i], "--era") || !strncmp(argv[i], "--era=", 6)) {
			const char *v = argv[i][5] == '=' ? argv[i] + 6 : (i + 1 < argc ? argv[++i] : NULL);
			if (!v || kmem_era_parse(v, strlen(v), &fe) != 0) {
				fprintf(stderr, "fragguard: bad --era '%s': use pre44 or 44\n", v ? v : "");
				return 2;
			}
			forced = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "fragguard: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		} else if (path) {
			fprintf(stderr, "fragguard: one input at a time, got '%s' and '%s'\n", path, argv[i]);
			return 2;
		} else {
			path = argv[i];
		}
	}
	if (!path)
		path = "-";
	size_t len = 0;
	char *buf = read_all(path, &len);
	if (!buf) {
		fprintf(stderr, "fragguard: cannot read '%s': %s\n", path, strerror(errno ? errno : EIO));
		return 1;
	}
	struct oomlog_ctx ctx;
	struct oomlog_report *r = malloc(sizeof *r);
	struct analysis *a = malloc(sizeof *a);
	json_t *reports = json_array();
	int n = 0;
	const char *fname = strcmp(path, "-") ? path : "stdin";

	if (!r || !a) {
		fprintf(stderr, "fragguard: out of memory reading '%s'\n", path);
		free(buf);
		return 1;
	}
	oomlog_init(&ctx, buf, len);
	while (oomlog_next(&ctx, r)) {
		n++;
		analyse(r, a, forced, fe);
		print_report(fname, n, 0, r, a, as_json, reports);
	}
	if (n == 0) {
		fprintf(stderr, "fragguard: no OOM report found in '%s'\n", fname);
		/* Android's in-kernel lowmemorykiller (before 4.12) and lmkd kill
		 * by their own thresholds and print no allocator state. */
		if (memmem(buf, len, "lowmemorykiller: Killing", 24) || memmem(buf, len, "lowmemorykiller: Kill '", 23))
			fprintf(stderr, "fragguard: (its 'lowmemorykiller' kills are Android's, by oom_score_adj "
				"and free-memory thresholds, not the kernel OOM killer: they print no report to explain)\n");
	}
	if (as_json) {
		/* No report: count 0 and a null cause, so a script reads JSON either way. */
		json_t *top = json_pack("{s:s,s:i,s:O,s:o}", "file", fname, "count", n, "cause",
					n ? json_object_get(json_array_get(reports, 0), "cause") : json_null(),
					"reports", reports);
		char *s = json_dumps(top, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (s)
			puts(s);
		free(s);
		json_decref(top);
		reports = NULL;
	}
	json_decref(reports);
	free(r);
	free(a);
	free(buf);
	return n ? 0 : 1;
}
