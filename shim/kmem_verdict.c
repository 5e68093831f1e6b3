/* kmem_verdict.c: the era-aware model of the page allocator's watermark check
 * (mm/page_alloc.c __zone_watermark_ok, 2.6 to 6.x), the request kinds
 * fragguard checks for, which zones each may use, and small zone helpers.
 * Pure functions on caller memory: no allocation, no libc state, no errno;
 * async-signal-safe, so the shim may call it from any path.
 * Invariant: a verdict's decisive comparison is the kernel's own, "fail iff
 * lhs <= rhs", so margin = lhs - rhs is > 0 exactly when the rule passed. */
#include <errno.h>
#include <string.h>
#include "kmem.h"

#define MT_BIT(t) ((uint8_t)(1u << (t)))

static const char *const mt_names[KMEM_MT_COUNT] = {
	[KMEM_MT_UNMOVABLE] = "Unmovable",   [KMEM_MT_MOVABLE] = "Movable",
	[KMEM_MT_RECLAIMABLE] = "Reclaimable", [KMEM_MT_HIGHATOMIC] = "HighAtomic",
	[KMEM_MT_CMA] = "CMA",               [KMEM_MT_ISOLATE] = "Isolate",
	[KMEM_MT_RESERVE] = "Reserve",
};

const char *kmem_mt_name(enum kmem_mt mt)
{
	return (unsigned)mt < KMEM_MT_COUNT ? mt_names[mt] : "?";
}

int kmem_mt_from_letter(char c)
{
	switch (c) {
	case 'U': return KMEM_MT_UNMOVABLE;
	case 'M': return KMEM_MT_MOVABLE;
	case 'E': return KMEM_MT_RECLAIMABLE;
	case 'H': return KMEM_MT_HIGHATOMIC;
	case 'C': return KMEM_MT_CMA;
	case 'I': return KMEM_MT_ISOLATE;
	case 'R': return KMEM_MT_RESERVE;
	default:  return -1;
	}
}

const char *kmem_req_kind_name(enum kmem_req_kind kind)
{
	switch (kind) {
	case KMEM_REQ_PAGETABLE: return "pagetable";
	case KMEM_REQ_ANON:      return "anon";
	case KMEM_REQ_THP:       return "thp";
	case KMEM_REQ_PGD:       return "pgd";
	}
	return "?";
}

const char *kmem_era_name(enum kmem_era era)
{
	return era == KMEM_ERA_PRE44 ? "pre44" : "44";
}

int kmem_request_for(struct kmem_request *req, enum kmem_req_kind kind,
		     enum kmem_arch arch, unsigned flags)
{
	bool bit32 = arch == KMEM_ARCH_X86_32 || arch == KMEM_ARCH_ARM32;

	if (!req)
		return -EINVAL;
	memset(req, 0, sizeof *req);
	req->mt = KMEM_MT_UNMOVABLE;
	req->highest_zone = KMEM_ZONE_NORMAL; /* GFP_KERNEL */
	req->classzone_idx = -1;
	switch (kind) {
	case KMEM_REQ_PAGETABLE:
		/* 32-bit CONFIG_HIGHPTE puts user PTE pages in HighMem. */
		if (bit32 && (flags & KMEM_RF_HIGHPTE))
			req->highest_zone = KMEM_ZONE_HIGHMEM;
		return 0;
	case KMEM_REQ_ANON:
		req->mt = KMEM_MT_MOVABLE;
		req->may_use_cma = true; /* ALLOC_CMA: movable allocations may use CMA */
		req->highest_zone = KMEM_ZONE_MOVABLE; /* GFP_HIGHUSER_MOVABLE */
		return 0;
	case KMEM_REQ_THP:
		req->mt = KMEM_MT_MOVABLE;
		req->may_use_cma = true;
		req->highest_zone = KMEM_ZONE_MOVABLE;
		/* HPAGE_PMD_ORDER with 4 KiB pages; classic ARM has no PMD-sized THP. */
		if (arch == KMEM_ARCH_ARM32 && !(flags & KMEM_RF_LPAE))
			return -ENOTSUP;
		req->order = 9;
		return 0;
	case KMEM_REQ_PGD:
		/* x86-64 PTI doubles the PGD (kernel + user copy); classic ARM's
		 * first-level table is 16 KiB; LPAE, arm64 and x86-32 use one page
		 * or less. */
		if (arch == KMEM_ARCH_X86_64 && (flags & KMEM_RF_PTI))
			req->order = 1;
		else if (arch == KMEM_ARCH_ARM32 && !(flags & KMEM_RF_LPAE))
			req->order = 2;
		return 0;
	}
	return -EINVAL;
}

bool kmem_zone_allowed(enum kmem_zone_kind zone, const struct kmem_request *req)
{
	if (!req || zone >= KMEM_ZONE_DEVICE)
		return false;
	/* gfp_zone() yields ZONE_MOVABLE only for __GFP_MOVABLE|__GFP_HIGHMEM. */
	if (zone == KMEM_ZONE_MOVABLE)
		return req->mt == KMEM_MT_MOVABLE && req->highest_zone >= KMEM_ZONE_MOVABLE;
	return zone <= req->highest_zone;
}

bool kmem_zone_populated(const struct kmem_zone *z)
{
	if (z->known & KMEM_ZK_MANAGED)
		return z->managed > 0;
	if (z->known & KMEM_ZK_PRESENT)
		return z->present > 0;
	return true;
}

int kmem_classzone_idx(const struct kmem_zone *zones, size_t n, int node,
		       const struct kmem_request *req)
{
	int best = -1;

	if (!zones || !req)
		return -1;
	/* Up to 5.7 the classzone is the preferred (highest populated, allowed)
	 * zone; from 5.8 it is gfp_zone() itself, whose lowmem_reserve equals the
	 * highest populated one's since empty zones add no pages. */
	for (size_t i = 0; i < n; i++) {
		const struct kmem_zone *z = &zones[i];

		if (z->node != node || z->idx < 0 || !kmem_zone_allowed(z->kind, req) ||
		    !kmem_zone_populated(z))
			continue;
		if (z->idx > best)
			best = z->idx;
	}
	return best;
}

static bool name_ieq(const char *a, size_t alen, const char *lit)
{
	size_t n = strlen(lit);

	if (alen != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = a[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != lit[i])
			return false;
	}
	return true;
}

enum kmem_zone_kind kmem_zone_kind_of(const char *name, size_t len)
{
	if (!name)
		return KMEM_ZONE_OTHER;
	if (name_ieq(name, len, "dma"))
		return KMEM_ZONE_DMA;
	if (name_ieq(name, len, "dma32"))
		return KMEM_ZONE_DMA32;
	if (name_ieq(name, len, "normal"))
		return KMEM_ZONE_NORMAL;
	if (name_ieq(name, len, "highmem"))
		return KMEM_ZONE_HIGHMEM;
	if (name_ieq(name, len, "movable"))
		return KMEM_ZONE_MOVABLE;
	if (name_ieq(name, len, "device"))
		return KMEM_ZONE_DEVICE;
	return KMEM_ZONE_OTHER;
}

void kmem_zone_assign_idx(struct kmem_zone *zones, size_t n)
{
	/* A zone's index is its kind's rank among the kinds this kernel has,
	 * the same on every node (each node has the whole array; an OOM report
	 * prints only some zones, /proc/zoneinfo of old kernels only populated
	 * ones). ZONE_NORMAL is unconditional in the kernel, so it counts even
	 * when not printed (x86_64 with everything in DMA32 and Movable). */
	unsigned kinds = 1u << KMEM_ZONE_NORMAL;

	if (!zones)
		return;
	for (size_t i = 0; i < n; i++)
		kinds |= 1u << zones[i].kind;
	for (size_t i = 0; i < n; i++) {
		if (zones[i].idx >= 0)
			continue;
		zones[i].idx = __builtin_popcount(kinds & ((1u << zones[i].kind) - 1));
	}
}

int kmem_zone_find(const struct kmem_zone *zones, size_t n, int node,
		   const char *name, size_t name_len)
{
	if (!zones || !name)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (zones[i].node == node && strlen(zones[i].name) == name_len &&
		    memcmp(zones[i].name, name, name_len) == 0)
			return (int)i;
	return -1;
}

void kmem_zone_init(struct kmem_zone *z, int node, const char *name, size_t name_len)
{
	if (!z)
		return;
	memset(z, 0, sizeof *z);
	z->node = node;
	z->idx = -1;
	if (!name)
		name_len = 0;
	if (name_len > KMEM_ZONE_NAME_MAX - 1)
		name_len = KMEM_ZONE_NAME_MAX - 1;
	if (name_len)
		memcpy(z->name, name, name_len);
	z->kind = kmem_zone_kind_of(z->name, name_len);
}

int kmem_zone_get(struct kmem_zone *zones, size_t cap, size_t *n, int node,
		  const char *name, size_t name_len)
{
	int i;

	if (!zones || !n || !name || name_len == 0 || name_len > KMEM_ZONE_NAME_MAX - 1)
		return -EINVAL;
	i = kmem_zone_find(zones, *n, node, name, name_len);
	if (i >= 0)
		return i;
	if (*n >= cap)
		return -ENOSPC;
	kmem_zone_init(&zones[*n], node, name, name_len);
	return (int)(*n)++;
}

/* Whether the free list of type t at some order is one the request may take
 * from in the 4.4+ block check. Unmovable, Movable and Reclaimable lists all
 * count (the allocator falls back between them); CMA only with ALLOC_CMA;
 * HighAtomic only for ALLOC_HARDER/OOM (4.13+; 4.4-4.12 let "harder"
 * requests take any free block). */
static uint8_t usable_lists(const struct kmem_request *req)
{
	uint8_t m = MT_BIT(KMEM_MT_UNMOVABLE) | MT_BIT(KMEM_MT_MOVABLE) |
		    MT_BIT(KMEM_MT_RECLAIMABLE);

	if (req->may_use_cma)
		m |= MT_BIT(KMEM_MT_CMA);
	if (req->alloc_flags & (KMEM_ALLOC_HARDER | KMEM_ALLOC_OOM))
		m |= MT_BIT(KMEM_MT_HIGHATOMIC);
	return m;
}

/* Saturating arithmetic: parsed text may hold any 64-bit value, and a verdict
 * must never overflow (the comparisons stay right at the extremes). */
static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static int64_t sat_sub(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static void decide(struct kmem_verdict *out, enum kmem_rule rule, int64_t lhs, int64_t rhs)
{
	out->rule = rule;
	out->lhs = lhs;
	out->rhs = rhs;
	out->margin = sat_sub(lhs, rhs);
	out->granted = lhs > rhs;
}

static void block_check(const struct kmem_zone *z, const struct kmem_request *req,
			struct kmem_verdict *out)
{
	uint8_t lists = usable_lists(req);
	bool mask = (z->known & KMEM_ZK_MT_MASK) != 0;
	bool counts = (z->known & KMEM_ZK_MT_COUNT) != 0;
	int64_t blocks = 0;

	if (!mask && (z->free_cma > 0 || z->reserved_highatomic > 0 ||
		      (z->known & KMEM_ZK_CMA_PRESENT)))
		out->missing |= KMEM_ZK_MT_MASK; /* some blocks may be on lists it cannot use */
	for (int o = req->order; o < KMEM_MAX_ORDERS && o < z->norders; o++) {
		if (z->nr_free[o] <= 0)
			continue;
		if (mask && !(z->mt_mask[o] & lists))
			continue;
		if (out->block_order < 0)
			out->block_order = o;
		if (counts) {
			for (int t = 0; t < KMEM_MT_COUNT; t++)
				if (lists & MT_BIT(t))
					blocks = sat_add(blocks, z->nr_free_mt[t][o]);
		} else {
			blocks = sat_add(blocks, z->nr_free[o]);
		}
	}
	/* Counts are sampled apart from the masks: keep "a usable block exists". */
	if (out->block_order >= 0 && blocks <= 0)
		blocks = 1;
	decide(out, KMEM_RULE_BLOCK, blocks, 0);
}

static void order_loop(const struct kmem_zone *z, const struct kmem_request *req,
		       int64_t min, struct kmem_verdict *out)
{
	/* Up to 4.3 the loop starts from free minus 2^order - 1 only: 3.7+ kept
	 * free CMA pages in it (they were subtracted in the order-0 test alone). */
	int64_t fp = sat_sub(z->free, out->order_excluded);

	for (int o = 0; o < req->order; o++) {
		int64_t nr = o < z->norders ? z->nr_free[o] : 0;

		if (nr > (INT64_MAX >> 14))
			nr = INT64_MAX >> 14;
		if (nr < -(INT64_MAX >> 14))
			nr = -(INT64_MAX >> 14);
		fp = sat_sub(fp, nr * ((int64_t)1 << o));
		min >>= 1;
		out->loop_order = o + 1;
		decide(out, KMEM_RULE_ORDER_LOOP, fp, min);
		if (!out->granted)
			return;
	}
}

int kmem_zone_verdict(const struct kmem_zone *z, const struct kmem_request *req,
		      enum kmem_era era, enum kmem_wmark wmark, struct kmem_verdict *out)
{
	int64_t mark, min, reserve = 0;
	uint32_t need;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof *out);
	out->loop_order = -1;
	out->block_order = -1;
	if (!z || !req || req->order < 0 || req->order >= KMEM_MAX_ORDERS ||
	    (era != KMEM_ERA_PRE44 && era != KMEM_ERA_44))
		return -EINVAL;
	switch (wmark) {
	case KMEM_WMARK_MIN:  mark = z->min;  need = KMEM_ZK_MIN;  break;
	case KMEM_WMARK_LOW:  mark = z->low;  need = KMEM_ZK_LOW;  break;
	case KMEM_WMARK_HIGH: mark = z->high; need = KMEM_ZK_HIGH; break;
	default: return -EINVAL;
	}
	need |= KMEM_ZK_FREE;
	out->missing |= need & ~z->known;

	min = mark;
	if (req->alloc_flags & KMEM_ALLOC_HIGH)
		min -= min / 2;
	/* 4.10-6.2: OOM victims take half of what is left instead of a quarter. */
	if (req->alloc_flags & KMEM_ALLOC_OOM)
		min -= min / 2;
	else if (req->alloc_flags & KMEM_ALLOC_HARDER)
		min -= min / 4;
	out->mark = mark;
	out->min_adjusted = min;

	if (req->classzone_idx >= 0) {
		if (!(z->known & KMEM_ZK_PROTECTION))
			out->missing |= KMEM_ZK_PROTECTION;
		else if (req->classzone_idx < z->nprotection &&
			 req->classzone_idx < KMEM_MAX_ZONES)
			reserve = z->protection[req->classzone_idx];
	}
	out->reserve = reserve;

	out->order_excluded = ((int64_t)1 << req->order) - 1;
	if (!req->may_use_cma)
		out->cma_excluded = z->free_cma;
	if ((z->known & KMEM_ZK_CMA_PRESENT) && !(z->known & KMEM_ZK_FREE_CMA) &&
	    !req->may_use_cma)
		out->missing |= KMEM_ZK_FREE_CMA;
	/* From 4.4 the high-atomic reserve is off limits unless ALLOC_HARDER. */
	if (era == KMEM_ERA_44 && !(req->alloc_flags & (KMEM_ALLOC_HARDER | KMEM_ALLOC_OOM))) {
		out->highatomic_excluded = z->reserved_highatomic;
		if (!(z->known & KMEM_ZK_HIGHATOMIC))
			out->missing |= KMEM_ZK_HIGHATOMIC;
	}
	out->usable_free = sat_sub(sat_sub(sat_sub(z->free, out->order_excluded),
					   out->cma_excluded), out->highatomic_excluded);
	for (int o = req->order; o < KMEM_MAX_ORDERS && o < z->norders; o++)
		out->suitable_blocks = sat_add(out->suitable_blocks, z->nr_free[o]);

	decide(out, KMEM_RULE_ORDER0, out->usable_free, sat_add(min, reserve));
	if (!out->granted || req->order == 0)
		return 0;
	if (!(z->known & KMEM_ZK_BUDDY)) {
		/* Without per-order counts only the order-0 part can be judged. */
		out->missing |= KMEM_ZK_BUDDY;
		return 0;
	}
	if (era == KMEM_ERA_PRE44)
		order_loop(z, req, min, out);
	else
		block_check(z, req, out);
	return 0;
}

int kmem_node_verdict(const struct kmem_zone *zones, size_t n, int node,
		      const struct kmem_request *req, enum kmem_era era,
		      enum kmem_wmark wmark, struct kmem_verdict *verdicts, bool *checked)
{
	struct kmem_request r;
	int first = -1, first_idx = -1;

	if (!zones || !req || !verdicts || !checked)
		return -EINVAL;
	r = *req;
	r.classzone_idx = kmem_classzone_idx(zones, n, node, req);
	for (size_t i = 0; i < n; i++) {
		int rc;

		checked[i] = false;
		memset(&verdicts[i], 0, sizeof verdicts[i]);
		verdicts[i].loop_order = -1;
		verdicts[i].block_order = -1;
		if (zones[i].node != node || !kmem_zone_allowed(zones[i].kind, req))
			continue;
		/* An empty zone is in no zonelist (build_zonerefs_node adds only
		 * managed_zone()s). */
		if (!kmem_zone_populated(&zones[i]))
			continue;
		rc = kmem_zone_verdict(&zones[i], &r, era, wmark, &verdicts[i]);
		if (rc)
			return rc;
		checked[i] = true;
		/* The zonelist is walked from the highest zone down. */
		if (verdicts[i].granted && zones[i].idx > first_idx) {
			first = (int)i;
			first_idx = zones[i].idx;
		}
	}
	return first;
}

int kmem_parse_release(const char *s, size_t len, int *major, int *minor, int *patch)
{
	int v[3] = { 0, 0, 0 };
	size_t i = 0;
	int part = 0;

	if (!s || !major || !minor || !patch)
		return -EINVAL;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	for (;;) {
		size_t start = i;

		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (v[part] > 100000)
				return -EINVAL;
			v[part] = v[part] * 10 + (s[i] - '0');
			i++;
		}
		if (i == start) {
			if (part >= 2)
				break; /* "4.4." or "4.4.-rc1": no patch level */
			return -EINVAL;
		}
		part++;
		if (part == 3 || i >= len || s[i] != '.')
			break;
		i++;
	}
	if (part < 2)
		return -EINVAL;
	*major = v[0];
	*minor = v[1];
	*patch = v[2];
	return 0;
}

int kmem_era_from_release(const char *s, size_t len, enum kmem_era *out)
{
	int ma, mi, pa;

	if (!out || kmem_parse_release(s, len, &ma, &mi, &pa))
		return -EINVAL;
	*out = (ma > 4 || (ma == 4 && mi >= 4)) ? KMEM_ERA_44 : KMEM_ERA_PRE44;
	return 0;
}

int kmem_era_parse(const char *s, size_t len, enum kmem_era *out)
{
	if (!out || (!s && len))
		return -EINVAL;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\t'))
		len--;
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	if (len == 0 || name_ieq(s, len, "auto"))
		return 1;
	if (name_ieq(s, len, "pre44") || name_ieq(s, len, "pre-4.4") ||
	    name_ieq(s, len, "old")) {
		*out = KMEM_ERA_PRE44;
		return 0;
	}
	if (name_ieq(s, len, "44") || name_ieq(s, len, "4.4") || name_ieq(s, len, "new")) {
		*out = KMEM_ERA_44;
		return 0;
	}
	return -EINVAL;
}
