/* oomlog_gfp.c: the gfp_mask bit tables of every kernel era and the decoding
 * of a mask into meanings (migrate type, zones, reserve access). The bit
 * values come from include/linux/gfp.h (gfp_types.h from 6.0) of each era;
 * a mask printed with names is checked against every table, because vendor
 * kernels backport the reshuffles. Pure: no allocation, no global state. */
#include <string.h>
#include "oomlog.h"

struct gfp_bit {
	uint32_t flag;   /* OOMLOG_F_*, 0 for bits we only name */
	uint32_t bit;
	const char *name;
};

#define END { 0, 0, NULL }

/* 2.6.26 to 4.3 (the union: MEMALLOC from 3.6, KMEMCG 3.8-3.14, NO_KSWAPD
 * 2.6.38, OTHER_NODE 3.0, WRITE 3.2; none reused a bit). */
static const struct gfp_bit t_pre44[] = {
	{ OOMLOG_F_DMA, 0x01, "__GFP_DMA" }, { OOMLOG_F_HIGHMEM, 0x02, "__GFP_HIGHMEM" },
	{ OOMLOG_F_DMA32, 0x04, "__GFP_DMA32" }, { OOMLOG_F_MOVABLE, 0x08, "__GFP_MOVABLE" },
	{ OOMLOG_F_DIRECT_RECLAIM, 0x10, "__GFP_WAIT" }, { OOMLOG_F_HIGH, 0x20, "__GFP_HIGH" },
	{ OOMLOG_F_IO, 0x40, "__GFP_IO" }, { OOMLOG_F_FS, 0x80, "__GFP_FS" },
	{ 0, 0x100, "__GFP_COLD" }, { OOMLOG_F_NOWARN, 0x200, "__GFP_NOWARN" },
	{ OOMLOG_F_RETRY, 0x400, "__GFP_REPEAT" }, { OOMLOG_F_NOFAIL, 0x800, "__GFP_NOFAIL" },
	{ OOMLOG_F_NORETRY, 0x1000, "__GFP_NORETRY" }, { OOMLOG_F_MEMALLOC, 0x2000, "__GFP_MEMALLOC" },
	{ OOMLOG_F_COMP, 0x4000, "__GFP_COMP" }, { OOMLOG_F_ZERO, 0x8000, "__GFP_ZERO" },
	{ OOMLOG_F_NOMEMALLOC, 0x10000, "__GFP_NOMEMALLOC" },
	{ OOMLOG_F_HARDWALL, 0x20000, "__GFP_HARDWALL" },
	{ OOMLOG_F_THISNODE, 0x40000, "__GFP_THISNODE" },
	{ OOMLOG_F_RECLAIMABLE, 0x80000, "__GFP_RECLAIMABLE" },
	{ OOMLOG_F_ACCOUNT, 0x100000, "__GFP_KMEMCG" }, { 0, 0x200000, "__GFP_NOTRACK" },
	{ 0, 0x400000, "__GFP_NO_KSWAPD" }, { 0, 0x800000, "__GFP_OTHER_NODE" },
	{ 0, 0x1000000, "__GFP_WRITE" }, END
};

/* Up to 2.6.25: mobility flags were high bits. */
static const struct gfp_bit t_2624[] = {
	{ OOMLOG_F_DMA, 0x01, "__GFP_DMA" }, { OOMLOG_F_HIGHMEM, 0x02, "__GFP_HIGHMEM" },
	{ OOMLOG_F_DMA32, 0x04, "__GFP_DMA32" },
	{ OOMLOG_F_DIRECT_RECLAIM, 0x10, "__GFP_WAIT" }, { OOMLOG_F_HIGH, 0x20, "__GFP_HIGH" },
	{ OOMLOG_F_IO, 0x40, "__GFP_IO" }, { OOMLOG_F_FS, 0x80, "__GFP_FS" },
	{ 0, 0x100, "__GFP_COLD" }, { OOMLOG_F_NOWARN, 0x200, "__GFP_NOWARN" },
	{ OOMLOG_F_RETRY, 0x400, "__GFP_REPEAT" }, { OOMLOG_F_NOFAIL, 0x800, "__GFP_NOFAIL" },
	{ OOMLOG_F_NORETRY, 0x1000, "__GFP_NORETRY" },
	{ OOMLOG_F_COMP, 0x4000, "__GFP_COMP" }, { OOMLOG_F_ZERO, 0x8000, "__GFP_ZERO" },
	{ OOMLOG_F_NOMEMALLOC, 0x10000, "__GFP_NOMEMALLOC" },
	{ OOMLOG_F_HARDWALL, 0x20000, "__GFP_HARDWALL" },
	{ OOMLOG_F_THISNODE, 0x40000, "__GFP_THISNODE" },
	{ OOMLOG_F_RECLAIMABLE, 0x80000, "__GFP_RECLAIMABLE" },
	{ OOMLOG_F_MOVABLE, 0x100000, "__GFP_MOVABLE" }, END
};

/* 4.4 to 4.9: __GFP_WAIT became DIRECT_RECLAIM + KSWAPD_RECLAIM, RECLAIMABLE
 * moved to 0x10, ATOMIC introduced. */
static const struct gfp_bit t_44[] = {
	{ OOMLOG_F_DMA, 0x01, "__GFP_DMA" }, { OOMLOG_F_HIGHMEM, 0x02, "__GFP_HIGHMEM" },
	{ OOMLOG_F_DMA32, 0x04, "__GFP_DMA32" }, { OOMLOG_F_MOVABLE, 0x08, "__GFP_MOVABLE" },
	{ OOMLOG_F_RECLAIMABLE, 0x10, "__GFP_RECLAIMABLE" }, { OOMLOG_F_HIGH, 0x20, "__GFP_HIGH" },
	{ OOMLOG_F_IO, 0x40, "__GFP_IO" }, { OOMLOG_F_FS, 0x80, "__GFP_FS" },
	{ 0, 0x100, "__GFP_COLD" }, { OOMLOG_F_NOWARN, 0x200, "__GFP_NOWARN" },
	{ OOMLOG_F_RETRY, 0x400, "__GFP_REPEAT" }, { OOMLOG_F_NOFAIL, 0x800, "__GFP_NOFAIL" },
	{ OOMLOG_F_NORETRY, 0x1000, "__GFP_NORETRY" }, { OOMLOG_F_MEMALLOC, 0x2000, "__GFP_MEMALLOC" },
	{ OOMLOG_F_COMP, 0x4000, "__GFP_COMP" }, { OOMLOG_F_ZERO, 0x8000, "__GFP_ZERO" },
	{ OOMLOG_F_NOMEMALLOC, 0x10000, "__GFP_NOMEMALLOC" },
	{ OOMLOG_F_HARDWALL, 0x20000, "__GFP_HARDWALL" },
	{ OOMLOG_F_THISNODE, 0x40000, "__GFP_THISNODE" }, { OOMLOG_F_ATOMIC, 0x80000, "__GFP_ATOMIC" },
	{ OOMLOG_F_ACCOUNT, 0x100000, "__GFP_ACCOUNT" }, { 0, 0x200000, "__GFP_NOTRACK" },
	{ OOMLOG_F_DIRECT_RECLAIM, 0x400000, "__GFP_DIRECT_RECLAIM" },
	{ 0, 0x800000, "__GFP_OTHER_NODE" }, { 0, 0x1000000, "__GFP_WRITE" },
	{ OOMLOG_F_KSWAPD_RECLAIM, 0x2000000, "__GFP_KSWAPD_RECLAIM" }, END
};

/* 4.10 to 4.14: OTHER_NODE gone, WRITE and KSWAPD_RECLAIM moved down. */
static const struct gfp_bit t_410[] = {
	{ OOMLOG_F_DMA, 0x01, "__GFP_DMA" }, { OOMLOG_F_HIGHMEM, 0x02, "__GFP_HIGHMEM" },
	{ OOMLOG_F_DMA32, 0x04, "__GFP_DMA32" }, { OOMLOG_F_MOVABLE, 0x08, "__GFP_MOVABLE" },
	{ OOMLOG_F_RECLAIMABLE, 0x10, "__GFP_RECLAIMABLE" }, { OOMLOG_F_HIGH, 0x20, "__GFP_HIGH" },
	{ OOMLOG_F_IO, 0x40, "__GFP_IO" }, { OOMLOG_F_FS, 0x80, "__GFP_FS" },
	{ 0, 0x100, "__GFP_COLD" }, { OOMLOG_F_NOWARN, 0x200, "__GFP_NOWARN" },
	{ OOMLOG_F_RETRY, 0x400, "__GFP_RETRY_MAYFAIL" }, { OOMLOG_F_NOFAIL, 0x800, "__GFP_NOFAIL" },
	{ OOMLOG_F_NORETRY, 0x1000, "__GFP_NORETRY" }, { OOMLOG_F_MEMALLOC, 0x2000, "__GFP_MEMALLOC" },
	{ OOMLOG_F_COMP, 0x4000, "__GFP_COMP" }, { OOMLOG_F_ZERO, 0x8000, "__GFP_ZERO" },
	{ OOMLOG_F_NOMEMALLOC, 0x10000, "__GFP_NOMEMALLOC" },
	{ OOMLOG_F_HARDWALL, 0x20000, "__GFP_HARDWALL" },
	{ OOMLOG_F_THISNODE, 0x40000, "__GFP_THISNODE" }, { OOMLOG_F_ATOMIC, 0x80000, "__GFP_ATOMIC" },
	{ OOMLOG_F_ACCOUNT, 0x100000, "__GFP_ACCOUNT" }, { 0, 0x200000, "__GFP_NOTRACK" },
	{ OOMLOG_F_DIRECT_RECLAIM, 0x400000, "__GFP_DIRECT_RECLAIM" },
	{ 0, 0x800000, "__GFP_WRITE" },
	{ OOMLOG_F_KSWAPD_RECLAIM, 0x1000000, "__GFP_KSWAPD_RECLAIM" },
	{ 0, 0x2000000, "__GFP_NOLOCKDEP" }, END
};

/* 4.15 to 5.0: COLD and NOTRACK removed, WRITE took 0x100. */
static const struct gfp_bit t_415[] = {
	{ OOMLOG_F_DMA, 0x01, "__GFP_DMA" }, { OOMLOG_F_HIGHMEM, 0x02, "__GFP_HIGHMEM" },
	{ OOMLOG_F_DMA32, 0x04, "__GFP_DMA32" }, { OOMLOG_F_MOVABLE, 0x08, "__GFP_MOVABLE" },
	{ OOMLOG_F_RECLAIMABLE, 0x10, "__GFP_RECLAIMABLE" }, { OOMLOG_F_HIGH, 0x20, "__GFP_HIGH" },
	{ OOMLOG_F_IO, 0x40, "__GFP_IO" }, { OOMLOG_F_FS, 0x80, "__GFP_FS" },
	{ 0, 0x100, "__GFP_WRITE" }, { OOMLOG_F_NOWARN, 0x200, "__GFP_NOWARN" },
	{ OOMLOG_F_RETRY, 0x400, "__GFP_RETRY_MAYFAIL" }, { OOMLOG_F_NOFAIL, 0x800, "__GFP_NOFAIL" },
	{ OOMLOG_F_NORETRY, 0x1000, "__GFP_NORETRY" }, { OOMLOG_F_MEMALLOC, 0x2000, "__GFP_MEMALLOC" },
	{ OOMLOG_F_COMP, 0x4000, "__GFP_COMP" }, { OOMLOG_F_ZERO, 0x8000, "__GFP_ZERO" },
	{ OOMLOG_F_NOMEMALLOC, 0x10000, "__GFP_NOMEMALLOC" },
	{ OOMLOG_F_HARDWALL, 0x20000, "__GFP_HARDWALL" },
	{ OOMLOG_F_THISNODE, 0x40000, "__GFP_THISNODE" }, { OOMLOG_F_ATOMIC, 0x80000, "__GFP_ATOMIC" },
	{ OOMLOG_F_ACCOUNT, 0x100000, "__GFP_ACCOUNT" },
	{ OOMLOG_F_DIRECT_RECLAIM, 0x200000, "__GFP_DIRECT_RECLAIM" },
	{ OOMLOG_F_KSWAPD_RECLAIM, 0x400000, "__GFP_KSWAPD_RECLAIM" },
	{ 0, 0x800000, "__GFP_NOLOCKDEP" }, END
};

/* 5.1 to 6.2 (and 6.3+ without ATOMIC): GFP_KERNEL = 0xcc0. */
static const struct gfp_bit t_51[] = {
	{ OOMLOG_F_DMA, 0x01, "__GFP_DMA" }, { OOMLOG_F_HIGHMEM, 0x02, "__GFP_HIGHMEM" },
	{ OOMLOG_F_DMA32, 0x04, "__GFP_DMA32" }, { OOMLOG_F_MOVABLE, 0x08, "__GFP_MOVABLE" },
	{ OOMLOG_F_RECLAIMABLE, 0x10, "__GFP_RECLAIMABLE" }, { OOMLOG_F_HIGH, 0x20, "__GFP_HIGH" },
	{ OOMLOG_F_IO, 0x40, "__GFP_IO" }, { OOMLOG_F_FS, 0x80, "__GFP_FS" },
	{ OOMLOG_F_ZERO, 0x100, "__GFP_ZERO" }, { OOMLOG_F_ATOMIC, 0x200, "__GFP_ATOMIC" },
	{ OOMLOG_F_DIRECT_RECLAIM, 0x400, "__GFP_DIRECT_RECLAIM" },
	{ OOMLOG_F_KSWAPD_RECLAIM, 0x800, "__GFP_KSWAPD_RECLAIM" },
	{ 0, 0x1000, "__GFP_WRITE" }, { OOMLOG_F_NOWARN, 0x2000, "__GFP_NOWARN" },
	{ OOMLOG_F_RETRY, 0x4000, "__GFP_RETRY_MAYFAIL" }, { OOMLOG_F_NOFAIL, 0x8000, "__GFP_NOFAIL" },
	{ OOMLOG_F_NORETRY, 0x10000, "__GFP_NORETRY" }, { OOMLOG_F_MEMALLOC, 0x20000, "__GFP_MEMALLOC" },
	{ OOMLOG_F_COMP, 0x40000, "__GFP_COMP" }, { OOMLOG_F_NOMEMALLOC, 0x80000, "__GFP_NOMEMALLOC" },
	{ OOMLOG_F_HARDWALL, 0x100000, "__GFP_HARDWALL" },
	{ OOMLOG_F_THISNODE, 0x200000, "__GFP_THISNODE" },
	{ OOMLOG_F_ACCOUNT, 0x400000, "__GFP_ACCOUNT" }, END
};

static const struct gfp_bit t_63[] = {
	{ OOMLOG_F_DMA, 0x01, "__GFP_DMA" }, { OOMLOG_F_HIGHMEM, 0x02, "__GFP_HIGHMEM" },
	{ OOMLOG_F_DMA32, 0x04, "__GFP_DMA32" }, { OOMLOG_F_MOVABLE, 0x08, "__GFP_MOVABLE" },
	{ OOMLOG_F_RECLAIMABLE, 0x10, "__GFP_RECLAIMABLE" }, { OOMLOG_F_HIGH, 0x20, "__GFP_HIGH" },
	{ OOMLOG_F_IO, 0x40, "__GFP_IO" }, { OOMLOG_F_FS, 0x80, "__GFP_FS" },
	{ OOMLOG_F_ZERO, 0x100, "__GFP_ZERO" },
	{ OOMLOG_F_DIRECT_RECLAIM, 0x400, "__GFP_DIRECT_RECLAIM" },
	{ OOMLOG_F_KSWAPD_RECLAIM, 0x800, "__GFP_KSWAPD_RECLAIM" },
	{ 0, 0x1000, "__GFP_WRITE" }, { OOMLOG_F_NOWARN, 0x2000, "__GFP_NOWARN" },
	{ OOMLOG_F_RETRY, 0x4000, "__GFP_RETRY_MAYFAIL" }, { OOMLOG_F_NOFAIL, 0x8000, "__GFP_NOFAIL" },
	{ OOMLOG_F_NORETRY, 0x10000, "__GFP_NORETRY" }, { OOMLOG_F_MEMALLOC, 0x20000, "__GFP_MEMALLOC" },
	{ OOMLOG_F_COMP, 0x40000, "__GFP_COMP" }, { OOMLOG_F_NOMEMALLOC, 0x80000, "__GFP_NOMEMALLOC" },
	{ OOMLOG_F_HARDWALL, 0x100000, "__GFP_HARDWALL" },
	{ OOMLOG_F_THISNODE, 0x200000, "__GFP_THISNODE" },
	{ OOMLOG_F_ACCOUNT, 0x400000, "__GFP_ACCOUNT" }, END
};

static const struct gfp_bit *const tables[OOMLOG_GFP_NERAS] = {
	t_2624, t_pre44, t_44, t_410, t_415, t_51, t_63
};

/* Composite names, largest first, in meanings; the kernel's %pGg prints every
 * composite whose bits are all set, then the single flags left. */
#define F_RECLAIM (OOMLOG_F_DIRECT_RECLAIM | OOMLOG_F_KSWAPD_RECLAIM)
#define F_KERNEL  (F_RECLAIM | OOMLOG_F_IO | OOMLOG_F_FS)
#define F_USER    (F_KERNEL | OOMLOG_F_HARDWALL)
static const struct { uint32_t f; const char *name; } composites[] = {
	{ F_USER | OOMLOG_F_HIGHMEM | OOMLOG_F_MOVABLE, "GFP_HIGHUSER_MOVABLE" },
	{ F_USER | OOMLOG_F_HIGHMEM, "GFP_HIGHUSER" },
	{ F_USER, "GFP_USER" },
	{ F_KERNEL | OOMLOG_F_RECLAIMABLE, "GFP_TEMPORARY" },
	{ F_KERNEL | OOMLOG_F_ACCOUNT, "GFP_KERNEL_ACCOUNT" },
	{ F_KERNEL, "GFP_KERNEL" },
	{ F_RECLAIM | OOMLOG_F_IO, "GFP_NOFS" },
	{ OOMLOG_F_HIGH | OOMLOG_F_ATOMIC | OOMLOG_F_KSWAPD_RECLAIM, "GFP_ATOMIC" },
	{ F_RECLAIM, "GFP_NOIO" },
	{ OOMLOG_F_KSWAPD_RECLAIM, "GFP_NOWAIT" },
	{ OOMLOG_F_DMA, "GFP_DMA" },
	{ OOMLOG_F_DMA32, "GFP_DMA32" },
};

int oomlog_gfp_era_of(int major, int minor, int patch)
{
	(void)patch;
	if (major <= 0)
		return -1;
	if (major == 2)
		return (minor < 6 || patch < 26) ? OOMLOG_GFP_2624 : OOMLOG_GFP_PRE44;
	if (major == 3)
		return OOMLOG_GFP_PRE44;
	if (major == 4) {
		if (minor < 4)
			return OOMLOG_GFP_PRE44;
		if (minor < 10)
			return OOMLOG_GFP_44;
		if (minor < 15)
			return OOMLOG_GFP_410;
		return OOMLOG_GFP_415;
	}
	if (major == 5)
		return minor < 1 ? OOMLOG_GFP_415 : OOMLOG_GFP_51;
	if (major == 6 && minor < 3)
		return OOMLOG_GFP_51;
	return OOMLOG_GFP_63;
}

const char *oomlog_gfp_era_name(enum oomlog_gfp_era era)
{
	static const char *const n[OOMLOG_GFP_NERAS] = {
		"2.6.25 and older", "2.6.26 to 4.3", "4.4 to 4.9", "4.10 to 4.14",
		"4.15 to 5.0", "5.1 to 6.2", "6.3 and newer"
	};
	return (unsigned)era < OOMLOG_GFP_NERAS ? n[era] : "unknown";
}

static void app(char *dst, size_t cap, const char *s)
{
	size_t l = strlen(dst), n = strlen(s);

	if (l + n + 2 > cap)
		return;
	if (l)
		dst[l++] = '|';
	memcpy(dst + l, s, n + 1);
}

static void hex_token(char *dst, size_t cap, uint64_t v)
{
	char t[24];
	int i = (int)sizeof t - 1;

	t[i] = 0;
	do {
		t[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v && i > 2);
	t[--i] = 'x';
	t[--i] = '0';
	app(dst, cap, t + i);
}

/* Decodes under one table: meanings, unknown bits and %pGg-style names. */
static void decode_one(uint64_t mask, int era, struct oomlog_gfp *out)
{
	const struct gfp_bit *t = tables[era];
	uint32_t f = 0;
	uint64_t known = 0;

	memset(out, 0, sizeof *out);
	out->era = (enum oomlog_gfp_era)era;
	for (; t->name; t++)
		if (mask & t->bit) {
			known |= t->bit;
			f |= t->flag;
		}
	/* Before 4.4 __GFP_WAIT meant both kinds of reclaim, and an atomic
	 * (non-waiting) request woke kswapd unless __GFP_NO_KSWAPD. */
	if (era <= OOMLOG_GFP_PRE44 && (f & OOMLOG_F_DIRECT_RECLAIM))
		f |= OOMLOG_F_KSWAPD_RECLAIM;
	out->f = f;
	out->unknown = mask & ~known;

	/* Names: composites on the meanings, then what is left by bit name. */
	uint32_t left = f;
	for (size_t i = 0; i < sizeof composites / sizeof composites[0]; i++) {
		uint32_t cf = composites[i].f;
		if (era <= OOMLOG_GFP_PRE44) {
			/* No KSWAPD bit and no ATOMIC: GFP_ATOMIC was __GFP_HIGH alone,
			 * GFP_NOWAIT was 0 (not printable). */
			if (cf == (OOMLOG_F_HIGH | OOMLOG_F_ATOMIC | OOMLOG_F_KSWAPD_RECLAIM))
				cf = OOMLOG_F_HIGH;
			else if (cf == OOMLOG_F_KSWAPD_RECLAIM)
				continue;
		}
		if (era >= OOMLOG_GFP_63 && (cf & OOMLOG_F_ATOMIC))
			cf = OOMLOG_F_HIGH | OOMLOG_F_KSWAPD_RECLAIM;
		if (era <= OOMLOG_GFP_PRE44 && !strcmp(composites[i].name, "GFP_KERNEL_ACCOUNT"))
			continue;
		if (era >= OOMLOG_GFP_415 && !strcmp(composites[i].name, "GFP_TEMPORARY"))
			continue;
		if ((left & cf) == cf && (left & cf)) {
			app(out->names, sizeof out->names, composites[i].name);
			left &= ~cf;
		}
	}
	for (t = tables[era]; t->name; t++) {
		if (!(mask & t->bit))
			continue;
		/* A bit belongs to "left" when its meaning was not consumed by a
		 * composite; bits with no meaning (flag 0) are always named. */
		if (t->flag && !(left & t->flag))
			continue;
		if (era <= OOMLOG_GFP_PRE44 && t->flag == OOMLOG_F_DIRECT_RECLAIM &&
		    !(left & OOMLOG_F_DIRECT_RECLAIM))
			continue;
		app(out->names, sizeof out->names, t->name);
	}
	if (out->unknown)
		hex_token(out->names, sizeof out->names, out->unknown);
	if (!out->names[0])
		app(out->names, sizeof out->names, mask ? "?" : "0");

	/* Meanings. gfp_migratetype(): movable wins over reclaimable. */
	out->mt = (f & OOMLOG_F_MOVABLE) ? KMEM_MT_MOVABLE :
		  (f & OOMLOG_F_RECLAIMABLE) ? KMEM_MT_RECLAIMABLE : KMEM_MT_UNMOVABLE;
	out->may_use_cma = out->mt == KMEM_MT_MOVABLE;
	/* gfp_zone(): DMA, DMA32, HIGHMEM|MOVABLE -> Movable, HIGHMEM, else Normal. */
	if (f & OOMLOG_F_DMA)
		out->highest_zone = KMEM_ZONE_DMA;
	else if (f & OOMLOG_F_DMA32)
		out->highest_zone = KMEM_ZONE_DMA32;
	else if ((f & OOMLOG_F_HIGHMEM) && (f & OOMLOG_F_MOVABLE))
		out->highest_zone = KMEM_ZONE_MOVABLE;
	else if (f & OOMLOG_F_HIGHMEM)
		out->highest_zone = KMEM_ZONE_HIGHMEM;
	else
		out->highest_zone = KMEM_ZONE_NORMAL;
	if (f & OOMLOG_F_HIGH)
		out->alloc_flags |= KMEM_ALLOC_HIGH;
	/* ALLOC_HARDER: __GFP_ATOMIC from 4.4 to 6.2; a request that may not
	 * sleep before 4.4 and from 6.3 (ALLOC_NON_BLOCK); never with NOMEMALLOC. */
	int harder;
	if (era >= OOMLOG_GFP_44 && era < OOMLOG_GFP_63)
		harder = (f & OOMLOG_F_ATOMIC) != 0;
	else
		harder = !(f & OOMLOG_F_DIRECT_RECLAIM);
	if (harder && !(f & OOMLOG_F_NOMEMALLOC))
		out->alloc_flags |= KMEM_ALLOC_HARDER;
	out->may_oom = (f & OOMLOG_F_DIRECT_RECLAIM) && (f & OOMLOG_F_FS) &&
		       !(f & OOMLOG_F_NORETRY);
}

/* True when the names printed by the kernel equal our rendering, ignoring
 * raw hex tokens (the kernel prints unknown bits as hex too). */
static int names_match(const char *printed, const char *ours)
{
	const char *p = printed;
	int nprinted = 0, nours = 0;

	while (*p) {
		const char *e = strchr(p, '|');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n && !(n > 1 && p[0] == '0' && p[1] == 'x')) {
			nprinted++;
			/* Is this token among ours? */
			const char *q = ours;
			int found = 0;
			while (*q) {
				const char *qe = strchr(q, '|');
				size_t qn = qe ? (size_t)(qe - q) : strlen(q);
				if (qn == n && !memcmp(p, q, n))
					found = 1;
				q += qn + (qe ? 1 : 0);
			}
			if (!found)
				return 0;
		}
		p += n + (e ? 1 : 0);
	}
	for (const char *q = ours; *q;) {
		const char *qe = strchr(q, '|');
		size_t qn = qe ? (size_t)(qe - q) : strlen(q);
		if (qn && !(qn > 1 && q[0] == '0' && q[1] == 'x'))
			nours++;
		q += qn + (qe ? 1 : 0);
	}
	return nprinted > 0 && nprinted == nours;
}

void oomlog_gfp_decode(uint64_t mask, int era, const char *names, struct oomlog_gfp *out)
{
	if (names && names[0]) {
		/* The stated era first, then the others from newest (names are only
		 * printed from 4.5, so older tables rarely apply). */
		if (era >= 0 && era < OOMLOG_GFP_NERAS) {
			decode_one(mask, era, out);
			if (names_match(names, out->names)) {
				out->era_checked = 1;
				return;
			}
		}
		for (int e = OOMLOG_GFP_NERAS - 1; e >= 0; e--) {
			decode_one(mask, e, out);
			if (names_match(names, out->names)) {
				out->era_checked = 1;
				return;
			}
		}
	}
	if (era < 0 || era >= OOMLOG_GFP_NERAS)
		era = OOMLOG_GFP_51;
	decode_one(mask, era, out);
}
