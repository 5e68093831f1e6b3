/* kmem.h: the model of the kernel's page allocator, shared by the shim's
 * policy, `fragguard status` and `fragguard explain`.
 * It owns the zone state (parsed from /proc or from an OOM report), the
 * request description, and the era-aware watermark verdict. Everything here is
 * pure: no allocation, no stdio, no errno, no system calls; parsers read only
 * [buf, buf+len) of caller-supplied text (not necessarily NUL-terminated) and
 * write only into caller-supplied arrays. Page counts are in pages of the
 * kernel that produced the text; block counts in blocks of 2^order pages. */
#ifndef FG_KMEM_H
#define FG_KMEM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KMEM_MAX_ORDERS   14 /* buddyinfo shows 11, 13 or 14 columns */
#define KMEM_MAX_ZONES    8  /* protection[] entries (MAX_NR_ZONES <= 6 today) */
#define KMEM_ZONE_NAME_MAX 16
#define KMEM_KEY_MAX      48 /* vmstat / meminfo key length including NUL */

/* Migrate types, in our own fixed order (the kernel's order changed across
 * eras; parsers map by name or by the OOM report's letter). */
enum kmem_mt {
	KMEM_MT_UNMOVABLE,   /* 'U' */
	KMEM_MT_MOVABLE,     /* 'M' */
	KMEM_MT_RECLAIMABLE, /* 'E' */
	KMEM_MT_HIGHATOMIC,  /* 'H' (4.4+) */
	KMEM_MT_CMA,         /* 'C' */
	KMEM_MT_ISOLATE,     /* 'I' */
	KMEM_MT_RESERVE,     /* 'R' (MIGRATE_RESERVE, up to 4.3) */
	KMEM_MT_COUNT
};

/* Zone kinds, in the kernel's zone order. */
enum kmem_zone_kind {
	KMEM_ZONE_DMA,
	KMEM_ZONE_DMA32,
	KMEM_ZONE_NORMAL,
	KMEM_ZONE_HIGHMEM,
	KMEM_ZONE_MOVABLE,
	KMEM_ZONE_DEVICE,
	KMEM_ZONE_OTHER
};

/* Bits of kmem_zone.known: which fields hold real data. A field whose bit is
 * clear reads as 0 and the verdict says so in kmem_verdict.missing. */
enum {
	KMEM_ZK_FREE        = 1u << 0,  /* free (nr_free_pages / "pages free" / OOM "free:") */
	KMEM_ZK_MIN         = 1u << 1,
	KMEM_ZK_LOW         = 1u << 2,
	KMEM_ZK_HIGH        = 1u << 3,
	KMEM_ZK_MANAGED     = 1u << 4,  /* absent before 3.8 */
	KMEM_ZK_PRESENT     = 1u << 5,
	KMEM_ZK_SPANNED     = 1u << 6,
	KMEM_ZK_FREE_CMA    = 1u << 7,  /* absent on kernels without CMA (< 3.7) */
	KMEM_ZK_PROTECTION  = 1u << 8,  /* protection: (...) / lowmem_reserve[] */
	KMEM_ZK_HIGHATOMIC  = 1u << 9,  /* OOM report "reserved_highatomic:" */
	KMEM_ZK_BUDDY       = 1u << 10, /* nr_free[] per order */
	KMEM_ZK_MT_MASK     = 1u << 11, /* mt_mask[] (pagetypeinfo or OOM letters) */
	KMEM_ZK_MT_COUNT    = 1u << 12, /* nr_free_mt[][] counts (pagetypeinfo) */
	KMEM_ZK_BOOST       = 1u << 13, /* watermark boost (5.0+; already in min/low/high) */
	KMEM_ZK_CMA_PRESENT = 1u << 14, /* the zone has CMA pageblocks (cma_pages > 0
	                                   or CMA letters/lists seen) */
	KMEM_ZK_UNRECL      = 1u << 15, /* zoneinfo "node_unreclaimable:" (4.8+) */
	KMEM_ZK_WRAPPED     = 1u << 16, /* a buddyinfo count printed from 2^63 up (a
	                                   wrapped negative): read as 0 */
};

/* One zone's free-memory state. Zero-initialise, then let parsers fill it. */
struct kmem_zone {
	int node;
	char name[KMEM_ZONE_NAME_MAX];     /* "DMA", "DMA32", "Normal", "HighMem", "Movable" */
	enum kmem_zone_kind kind;
	int idx;                           /* index in the node's zone array, i.e. into
	                                      protection[]; -1 unknown (kmem_zone_assign_idx) */
	uint32_t known;                    /* KMEM_ZK_* */
	int64_t free;                      /* free pages, including CMA and highatomic */
	int64_t min, low, high;            /* watermarks in pages (include boost on 5.0+) */
	int64_t boost;
	int64_t node_unreclaimable;        /* 1: kswapd has given up on the node (it is no
	                                      longer woken, a boost stays); per node */
	int64_t managed, present, spanned;
	int64_t free_cma;                  /* free pages in CMA pageblocks */
	int64_t cma_pages;                 /* zoneinfo "cma": CMA pages in the zone (5.x+) */
	int64_t reserved_highatomic;       /* pages held in the high-atomic reserve (4.4+) */
	int nprotection;
	int64_t protection[KMEM_MAX_ZONES]; /* lowmem_reserve[] indexed by classzone */
	int norders;                       /* columns seen in buddyinfo / the OOM buddy line */
	int64_t nr_free[KMEM_MAX_ORDERS];  /* free blocks of each order */
	/* Bit (1 << enum kmem_mt) set when that order's free list of that type is
	 * non-empty. Filled from pagetypeinfo counts or the OOM report letters. */
	uint8_t mt_mask[KMEM_MAX_ORDERS];
	int64_t nr_free_mt[KMEM_MT_COUNT][KMEM_MAX_ORDERS]; /* pagetypeinfo counts */
	uint8_t mt_capped[KMEM_MAX_ORDERS]; /* bit per type: count printed as ">N" (5.4+) */
};

/* Allocation flags that move the watermark (the kernel's ALLOC_*). */
enum {
	KMEM_ALLOC_HIGH   = 1u << 0, /* __GFP_HIGH: min -= min/2 */
	KMEM_ALLOC_HARDER = 1u << 1, /* atomic / realtime: min -= min/4; may use highatomic */
	KMEM_ALLOC_OOM    = 1u << 2, /* OOM victim (4.10+): min -= min/2 instead of /4 */
};

/* One allocation request as the page allocator sees it. */
struct kmem_request {
	int order;
	enum kmem_mt mt;                 /* UNMOVABLE, MOVABLE or RECLAIMABLE */
	bool may_use_cma;                /* ALLOC_CMA: movable requests on CMA kernels */
	unsigned alloc_flags;            /* KMEM_ALLOC_* */
	enum kmem_zone_kind highest_zone; /* gfp_zone(): the highest zone kind allowed */
	int classzone_idx;               /* protection[] index for the check; -1: the
	                                    verdict uses the zone's own idx (no reserve) */
};

/* The watermark rule eras. Vendor kernels backport: configuration may force one. */
enum kmem_era {
	KMEM_ERA_PRE44, /* up to 4.3: per-order loop, min >>= 1 for each order below */
	KMEM_ERA_44     /* from 4.4: one free block of order >= N on a usable list */
};

enum kmem_wmark { KMEM_WMARK_MIN, KMEM_WMARK_LOW, KMEM_WMARK_HIGH };

/* Which comparison decided a verdict. */
enum kmem_rule {
	KMEM_RULE_ORDER0,     /* usable free <= watermark + reserve (both eras) */
	KMEM_RULE_ORDER_LOOP, /* pre-4.4: pages in blocks of order >= k <= min >> k */
	KMEM_RULE_BLOCK       /* 4.4+: count of free blocks on usable lists (fails at 0) */
};

struct kmem_verdict {
	bool granted;
	enum kmem_rule rule;    /* for a grant: the last rule that passed */
	int loop_order;         /* ORDER_LOOP: k in 1..order; lhs = pages in free blocks
	                           of order >= k (minus 2^order - 1), rhs = min >> k.
	                           -1 for the other rules */
	/* The decisive comparison, as the kernel writes it: fail iff lhs <= rhs. */
	int64_t lhs, rhs;
	int64_t margin;         /* lhs - rhs: > 0 granted, <= 0 failed (equality fails) */
	int64_t usable_free;    /* free - order_excluded - cma_excluded - highatomic_excluded */
	int64_t order_excluded; /* 2^order - 1 */
	int64_t cma_excluded;   /* free CMA pages a non-CMA request cannot use */
	int64_t highatomic_excluded;
	int64_t mark;           /* the raw watermark (min, low or high) */
	int64_t min_adjusted;   /* mark after ALLOC_HIGH / HARDER / OOM */
	int64_t reserve;        /* protection[classzone] added to the watermark */
	int64_t suitable_blocks; /* free blocks of order >= request order (any list) */
	int block_order;        /* 4.4+: lowest order >= N with a usable block; -1 none */
	uint32_t missing;       /* KMEM_ZK_* the verdict needed but did not have */
};

/* The kinds of request fragguard checks on behalf of a growing process. */
enum kmem_req_kind {
	KMEM_REQ_PAGETABLE, /* a page-table page: order 0, unmovable, GFP_KERNEL zones */
	KMEM_REQ_ANON,      /* an anonymous page: order 0, movable, highuser movable */
	KMEM_REQ_THP,       /* a PMD-sized transparent huge page: movable */
	KMEM_REQ_PGD        /* fork/exec's page directory (order 1 x86-64 PTI, 2 ARM32) */
};

enum kmem_arch {
	KMEM_ARCH_X86_64,
	KMEM_ARCH_X86_32,   /* HighMem kernels */
	KMEM_ARCH_ARM32,    /* classic (non-LPAE) 32-bit ARM */
	KMEM_ARCH_ARM64,
	KMEM_ARCH_OTHER
};

/* Request-construction options for kmem_request_for. */
enum {
	KMEM_RF_PTI     = 1u << 0, /* x86-64 with page-table isolation: 8 KiB PGD */
	KMEM_RF_HIGHPTE = 1u << 1, /* 32-bit CONFIG_HIGHPTE: user PTE pages in HighMem */
	KMEM_RF_LPAE    = 1u << 2, /* ARM32 LPAE: small PGD, 2 MiB THP */
};

/* Fills *req for `kind` on `arch` (flags: KMEM_RF_*): order, migrate type, CMA
 * eligibility, highest zone. classzone_idx is left -1 (see kmem_classzone_idx).
 * Returns 0, or -EINVAL for an unknown kind, or -ENOTSUP when the kind does not
 * exist there (THP on classic ARM32); *req is then an order-0 placeholder. */
int kmem_request_for(struct kmem_request *req, enum kmem_req_kind kind,
		     enum kmem_arch arch, unsigned flags);

/* Short stable name of a request kind ("pagetable", "anon", "thp", "pgd"). */
const char *kmem_req_kind_name(enum kmem_req_kind kind);

/* Whether a zone of this kind may serve req at all (gfp_zone and ZONE_MOVABLE
 * rules: only movable requests may use Movable; HighMem only when the request
 * allows it). True means eligible. */
bool kmem_zone_allowed(enum kmem_zone_kind zone, const struct kmem_request *req);

/* Whether the zone has pages (managed, or present before 3.8; true when
 * neither is known): empty zones are in no zonelist (build_zonerefs_node). */
bool kmem_zone_populated(const struct kmem_zone *z);

/* The protection[] index the kernel uses when checking zones of `node` for
 * req: the idx of the highest zone of that node the request may use (pre-5.8:
 * the preferred zone). Returns -1 when no zone of the node is eligible or the
 * zones' idx is unknown. */
int kmem_classzone_idx(const struct kmem_zone *zones, size_t n, int node,
		       const struct kmem_request *req);

/* The zone kind for a kernel zone name ("DMA32" -> KMEM_ZONE_DMA32, ...);
 * KMEM_ZONE_OTHER when unknown. len bytes of name, no NUL needed. */
enum kmem_zone_kind kmem_zone_kind_of(const char *name, size_t len);

/* Assigns zones[i].idx per node from the zone kinds listed (their rank in the
 * kernel order among the zones of that node), keeping idx values already >= 0.
 * Kernels before 4.13 omit unpopulated zones; ranks assume those are the top
 * ones (Movable, Device, empty HighMem), which is the common case. */
void kmem_zone_assign_idx(struct kmem_zone *zones, size_t n);

/* The watermark verdict: would the page allocator grant req from zone z
 * against watermark `wmark` under the rules of `era`, and by which comparison.
 * Fills *out completely. Fields z lacks are taken as 0 and listed in
 * out->missing (no free count, or no watermark, makes the answer unreliable).
 * Returns 0, or -EINVAL for an order outside [0, KMEM_MAX_ORDERS) or a bad
 * era/wmark. Pure, async-signal-safe. */
int kmem_zone_verdict(const struct kmem_zone *z, const struct kmem_request *req,
		      enum kmem_era era, enum kmem_wmark wmark, struct kmem_verdict *out);

/* Runs kmem_zone_verdict over every zone of `node` the request may use, highest
 * first (the zonelist order), with the classzone index derived as the kernel
 * does. verdicts[i] corresponds to zones[i]; zones not checked get granted =
 * false and rule ORDER0 with lhs = rhs = 0, and checked[i] = false. Returns
 * the index of the first zone that grants, -1 when none does, or -EINVAL.
 * `checked` and `verdicts` must each have room for n entries. */
int kmem_node_verdict(const struct kmem_zone *zones, size_t n, int node,
		      const struct kmem_request *req, enum kmem_era era,
		      enum kmem_wmark wmark, struct kmem_verdict *verdicts, bool *checked);

/* Parses a kernel release ("3.10.53-1.1.1_ga+gf57416a", "6.1.0-18-amd64",
 * "2.6.31") into major/minor/patch (patch 0 when absent). 0 or -EINVAL. */
int kmem_parse_release(const char *s, size_t len, int *major, int *minor, int *patch);

/* The era of a release string: KMEM_ERA_44 from 4.4, else PRE44. 0 or -EINVAL. */
int kmem_era_from_release(const char *s, size_t len, enum kmem_era *out);

/* Parses a configured era: "pre44" / "pre-4.4" / "old" -> PRE44, "44" / "4.4" /
 * "new" -> 44 (case-insensitive). Returns 0, 1 for "auto" / "" (*out left
 * alone: derive from the release), or -EINVAL. */
int kmem_era_parse(const char *s, size_t len, enum kmem_era *out);

/* "pre44" or "44". */
const char *kmem_era_name(enum kmem_era era);

/* "Unmovable", "Movable", ... (the kernel's pagetypeinfo spelling). */
const char *kmem_mt_name(enum kmem_mt mt);

/* The migrate type of an OOM report buddy-line letter (U M E H C I R), or -1. */
int kmem_mt_from_letter(char c);

/* Finds the zone (node, name) in zones[0..n); returns its index or -1. */
int kmem_zone_find(const struct kmem_zone *zones, size_t n, int node,
		   const char *name, size_t name_len);

/* Zero-fills *z and sets node, name (truncated to fit), kind, idx = -1. */
void kmem_zone_init(struct kmem_zone *z, int node, const char *name, size_t name_len);

/* Finds zone (node, name) in zones[0..*n), or appends it (kmem_zone_init) when
 * *n < cap. Returns its index, -ENOSPC when full, -EINVAL for an empty or
 * over-long name. For parsers (buddyinfo, zoneinfo, OOM reports). */
int kmem_zone_get(struct kmem_zone *zones, size_t cap, size_t *n, int node,
		  const char *name, size_t name_len);

/* ---- /proc parsers --------------------------------------------------------
 * Common contract: parse [buf, buf+len); zones are matched by (node, name)
 * against zones[0..*n) and new ones appended (initialised, idx -1) while
 * *n < cap. Return 0 on success; -EINVAL for text that is not that file
 * (*errline = the 1-based line of the first unreadable line); -ENOSPC when a
 * zone did not fit (the zones that fit are filled; *errline names the line);
 * -ERANGE for more order columns than KMEM_MAX_ORDERS or an out-of-range
 * number. errline may be NULL. Lines past the first error are not read. */

/* /proc/buddyinfo: "Node 0, zone   Normal   12 3 ...". Sets nr_free, norders,
 * KMEM_ZK_BUDDY. */
int kmem_parse_buddyinfo(const char *buf, size_t len, struct kmem_zone *zones,
			 size_t cap, size_t *n, size_t *errline);

/* /proc/zoneinfo, 2.6 to 6.x layouts: pages free, boost, min, low, high,
 * spanned, present, managed, cma, protection, nr_free_pages, nr_free_cma
 * (ignoring the 4.8+ per-node stats block and the pagesets). Also assigns idx
 * (kmem_zone_assign_idx) and kind. */
int kmem_parse_zoneinfo(const char *buf, size_t len, struct kmem_zone *zones,
			size_t cap, size_t *n, size_t *errline);

/* /proc/pagetypeinfo: per-order per-migrate-type free counts (the "Free pages
 * count per migrate type" table; ">100000" capped counts of 5.4+ are kept as
 * 100000 with mt_capped set). Sets nr_free_mt, mt_mask, KMEM_ZK_MT_COUNT|MT_MASK,
 * and KMEM_ZK_CMA_PRESENT when the zone has CMA pageblocks. *page_block_order
 * (may be NULL) gets "Page block order", or -1. */
int kmem_parse_pagetypeinfo(const char *buf, size_t len, struct kmem_zone *zones,
			    size_t cap, size_t *n, int *page_block_order, size_t *errline);

/* A name/value pair of /proc/vmstat or /proc/meminfo. */
struct kmem_kv {
	char name[KMEM_KEY_MAX];
	int64_t value;          /* meminfo: in kB when kb is set */
	bool kb;
};

/* /proc/vmstat: "name value" per line, all of them, in file order. Names too
 * long for KMEM_KEY_MAX are skipped. -ENOSPC when more than cap (the first cap
 * are kept, *n = cap). */
int kmem_parse_vmstat(const char *buf, size_t len, struct kmem_kv *kv, size_t cap,
		      size_t *n, size_t *errline);

/* /proc/meminfo: "Name:   123 kB" (or without unit: HugePages_Total). Same
 * conventions as kmem_parse_vmstat. */
int kmem_parse_meminfo(const char *buf, size_t len, struct kmem_kv *kv, size_t cap,
		       size_t *n, size_t *errline);

/* Looks name (NUL-terminated) up in kv[0..n). true and *value set when found. */
bool kmem_kv_lookup(const struct kmem_kv *kv, size_t n, const char *name, int64_t *value);

#endif
