/* oomlog.h: kernel OOM-kill and page-allocation-failure reports, parsed from
 * log text (dmesg, syslog, journal, Android, copy-pastes) into fixed structs.
 * Pure and bounded: no allocation, no global state, no stdio; reads only
 * [buf, buf+len) (NUL bytes are ordinary characters). A section the text lacks
 * leaves its `have` bit clear; nothing the text says can stop the parse.
 * Zone numbers are converted to the pages of the reporting kernel and stored in
 * the kernel model's struct kmem_zone, so explain and the shim share one model.
 * Also owns the gfp_mask flag tables of every kernel era (oomlog_gfp.c). */
#ifndef FG_OOMLOG_H
#define FG_OOMLOG_H
#include <stddef.h>
#include <stdint.h>
#include "kmem.h"

#define OOMLOG_MAX_ZONES  16
#define OOMLOG_MAX_FRAMES 48
#define OOMLOG_FRAME_LEN  48
#define OOMLOG_MAX_TASKS  12 /* the largest tasks of the list, by badness */
#define OOMLOG_COMM_LEN   64
#define OOMLOG_LINE_MAX   2048 /* longer log lines are cut there */

enum oomlog_kind {
	OOMLOG_KIND_OOM,        /* "invoked oom-killer" (or its kill lines alone) */
	OOMLOG_KIND_ALLOC_FAIL, /* "page allocation failure": the caller got NULL */
	OOMLOG_KIND_STALL,      /* "page allocation stalls for Nms" (4.9-4.14): still retrying */
	OOMLOG_KIND_VMALLOC     /* "vmalloc error: size N" / "vmalloc: allocation failure" */
};

/* Bits of oomlog_report.have: the sections the text contained. */
enum {
	OOMLOG_H_REQUEST    = 1u << 0,  /* the invoked / allocation failure line */
	OOMLOG_H_ORDER      = 1u << 1,
	OOMLOG_H_GFP        = 1u << 2,  /* hex mask */
	OOMLOG_H_GFP_NAMES  = 1u << 3,  /* "(GFP_KERNEL|...)" printed (4.5+) */
	OOMLOG_H_PID        = 1u << 4,  /* the requesting task's pid */
	OOMLOG_H_RELEASE    = 1u << 5,  /* kernel release string */
	OOMLOG_H_MEMINFO    = 1u << 6,  /* the Mem-info summary (free:, free_cma:) */
	OOMLOG_H_ZONES      = 1u << 7,  /* at least one zone watermark line */
	OOMLOG_H_BUDDY      = 1u << 8,  /* at least one buddy (free blocks) line */
	OOMLOG_H_TASKS      = 1u << 9,  /* the task list */
	OOMLOG_H_CHOSEN     = 1u << 10, /* "Kill process N (x) score S" */
	OOMLOG_H_KILLED     = 1u << 11, /* "Killed process N (x) ..." */
	OOMLOG_H_CONSTRAINT = 1u << 12, /* "oom-kill:constraint=..." */
	OOMLOG_H_MEMCG      = 1u << 13, /* a memory cgroup OOM */
	OOMLOG_H_PANIC      = 1u << 14, /* "Kernel panic - not syncing" */
	OOMLOG_H_TRACE      = 1u << 15, /* call trace frames */
	OOMLOG_H_SWAP       = 1u << 16, /* "Total swap = " */
	OOMLOG_H_RAM        = 1u << 17, /* "N pages of RAM" */
	OOMLOG_H_NOKILLABLE = 1u << 18, /* "Out of memory and no killable processes" */
	OOMLOG_H_MEMCG_USE  = 1u << 19, /* "memory: usage N, limit M" */
	OOMLOG_H_PAGE_SIZE  = 1u << 20, /* page size derived from the buddy lines */
};

/* Layout hints that date a report whose kernel release is not printed. */
enum {
	OOMLOG_HINT_OOMKILLADJ   = 1u << 0, /* "oomkilladj=": before 2.6.36 */
	OOMLOG_HINT_NAMES        = 1u << 1, /* gfp names printed: 4.5+ */
	OOMLOG_HINT_HIGHATOMIC   = 1u << 2, /* "reserved_highatomic:": 4.4+ */
	OOMLOG_HINT_NODE_ZONE    = 1u << 3, /* "Node 0 DMA free:": 4.8+ */
	OOMLOG_HINT_PGT_BYTES    = 1u << 4, /* pgtables_bytes column: 4.15+ */
	OOMLOG_HINT_BOOST        = 1u << 5, /* "boost:" in zone lines: 5.0+ */
	OOMLOG_HINT_RESERVE_R    = 1u << 6, /* 'R' (MIGRATE_RESERVE) letters: before 4.4 */
	OOMLOG_HINT_ZONE_UNRECL  = 1u << 7, /* "all_unreclaimable?" in zone lines: before 4.8 */
	OOMLOG_HINT_SACRIFICE    = 1u << 8, /* "or sacrifice child": 2.6.36 to 5.0 */
	OOMLOG_HINT_OOM_KILLED   = 1u << 9, /* "Out of memory: Killed process": 5.1+ */
	OOMLOG_HINT_NR_PTES      = 1u << 10, /* nr_ptes column: 3.x to 4.14 */
	OOMLOG_HINT_TASK_CPU     = 1u << 11, /* "cpu oom_adj" columns: 2.6.x */
	OOMLOG_HINT_CONSTRAINT   = 1u << 12, /* "oom-kill:constraint=": 4.19+ */
	OOMLOG_HINT_FREE_CMA     = 1u << 13, /* free_cma printed: 3.7+ */
	OOMLOG_HINT_WRITEPENDING = 1u << 14, /* "writepending:": 4.8+ */
	OOMLOG_HINT_VM_AREA      = 1u << 15, /* vmalloc: "vm_struct allocation failed" */
	OOMLOG_HINT_HOTCOLD      = 1u << 16, /* "cpu 0 hot:" per-cpu lists: before 2.6.25 */
	OOMLOG_HINT_KILL_ASKER   = 1u << 17, /* "(oom_kill_allocating_task)": the sysctl is set */
	OOMLOG_HINT_OR_A_CHILD   = 1u << 18, /* "score N or a child": before 2.6.36 */
};

/* One row of the task list. Page counts are pages. */
struct oomlog_task {
	long pid, uid, tgid;
	int64_t total_vm, rss, swapents;
	int64_t pgtables;        /* page-table pages (nr_ptes, + nr_pmds, or bytes / page) */
	int64_t pgtables_bytes;  /* as printed on 4.15+, else -1 */
	int oom_score_adj;       /* -1000..1000 (oom_adj -17..15 on 2.6.x kept as is) */
	int row;                 /* 0-based position in the list */
	char comm[OOMLOG_COMM_LEN];
};

/* Mem-info summary fields (pages); mi_have bit (1 << enum) set when printed. */
enum oomlog_mi {
	OOMLOG_MI_FREE, OOMLOG_MI_FREE_CMA, OOMLOG_MI_FREE_PCP, OOMLOG_MI_ACTIVE_ANON,
	OOMLOG_MI_INACTIVE_ANON, OOMLOG_MI_ACTIVE_FILE, OOMLOG_MI_INACTIVE_FILE,
	OOMLOG_MI_UNEVICTABLE, OOMLOG_MI_DIRTY, OOMLOG_MI_WRITEBACK,
	OOMLOG_MI_SLAB_RECLAIMABLE, OOMLOG_MI_SLAB_UNRECLAIMABLE, OOMLOG_MI_MAPPED,
	OOMLOG_MI_SHMEM, OOMLOG_MI_PAGETABLES, OOMLOG_MI_COUNT
};

struct oomlog_report {
	enum oomlog_kind kind;
	uint32_t have;                 /* OOMLOG_H_* */
	uint32_t hints;                /* OOMLOG_HINT_* */
	size_t start_off, end_off;     /* byte range of the report in the input */
	unsigned start_line, end_line; /* 1-based */

	/* The request. */
	char task[OOMLOG_COMM_LEN];
	long pid;
	int order;
	uint64_t gfp;
	char gfp_names[192];           /* as printed inside the parentheses */
	int oom_score_adj;

	/* The kernel. */
	char release[64];              /* "3.10.53-1.1.1_ga+gf57416a" */
	int kmajor, kminor, kpatch;    /* 0.0.0 when unknown */
	int page_kb;                   /* page size in KiB (4 assumed without buddy lines) */

	int64_t mi[OOMLOG_MI_COUNT];
	uint32_t mi_have;
	int64_t swap_free_kb, swap_total_kb;
	int64_t ram_pages, reserved_pages, highmem_pages, cma_reserved_pages;

	/* Zones in print order; numbers in pages after parsing ends. */
	size_t nzones;
	struct kmem_zone zones[OOMLOG_MAX_ZONES];
	int64_t buddy_total_kb[OOMLOG_MAX_ZONES]; /* the "= NkB" sum, -1 when absent */
	int zone_line_seen[OOMLOG_MAX_ZONES];     /* 1 when the watermark line was parsed */
	int buddy_unit_kb[OOMLOG_MAX_ZONES];      /* unit of the first buddy column */

	/* Call trace, innermost first, suffixes (.isra.3, .cold) cut. */
	size_t nframes;
	char frames[OOMLOG_MAX_FRAMES][OOMLOG_FRAME_LEN];

	/* Task list: the OOMLOG_MAX_TASKS rows with most rss + swap + page tables. */
	size_t ntasks;
	size_t tasks_seen;             /* rows in the list */
	struct oomlog_task tasks[OOMLOG_MAX_TASKS];
	struct oomlog_task requester;  /* the requesting pid's row (pid 0 when not seen) */

	/* The victim. */
	long chosen_pid;
	long chosen_score;             /* -1 when not printed */
	char chosen_comm[OOMLOG_COMM_LEN];
	long killed_pid;
	char killed_comm[OOMLOG_COMM_LEN];
	int64_t killed_total_vm_kb, killed_anon_rss_kb, killed_file_rss_kb;
	int64_t killed_shmem_rss_kb, killed_pgtables_kb; /* -1 when not printed */

	/* Constraints. */
	char constraint[40];           /* "CONSTRAINT_NONE", "CONSTRAINT_MEMCG", ... */
	char memcg[256];               /* the cgroup whose limit was hit */
	char task_memcg[256];
	int64_t memcg_usage_kb, memcg_limit_kb;
	int64_t vmalloc_bytes;         /* OOMLOG_KIND_VMALLOC: the size asked for; -1 not printed */
	char panic[128];
};

/* Parse state across reports of one input: where the next search starts and
 * the kernel release seen so far ("Linux version ..." lines). Zero-initialise
 * with oomlog_init; never touched by anything else. */
struct oomlog_ctx {
	const char *buf;
	size_t len, pos;
	unsigned lineno;
	char release[64];
};

/* Starts parsing [buf, buf+len). buf may be NULL when len is 0. */
void oomlog_init(struct oomlog_ctx *ctx, const char *buf, size_t len);

/* Finds and parses the next report after the previous one. Returns 1 and
 * fills *r completely (zeroed first), or 0 when the input holds no further
 * report. Never reads outside the input; bounded time per byte. */
int oomlog_next(struct oomlog_ctx *ctx, struct oomlog_report *r);

/* ---- gfp flags (oomlog_gfp.c) ------------------------------------------- */

/* gfp flag tables: the bit values changed in 2.6.26, 4.4, 4.10, 4.15, 5.x, 6.3. */
enum oomlog_gfp_era {
	OOMLOG_GFP_2624,  /* up to 2.6.25: __GFP_MOVABLE = 0x100000 */
	OOMLOG_GFP_PRE44, /* 2.6.26 to 4.3: __GFP_WAIT = 0x10 */
	OOMLOG_GFP_44,    /* 4.4 to 4.9: __GFP_RECLAIM split, ATOMIC 0x80000 */
	OOMLOG_GFP_410,   /* 4.10 to 4.14: OTHER_NODE removed */
	OOMLOG_GFP_415,   /* 4.15 to 5.0: COLD and NOTRACK removed, GFP_KERNEL 0x6000c0 */
	OOMLOG_GFP_51,    /* 5.1 to 6.2: reordered, GFP_KERNEL 0xcc0 */
	OOMLOG_GFP_63,    /* 6.3+: __GFP_ATOMIC removed */
	OOMLOG_GFP_NERAS
};

/* Flags as meanings, independent of the era's bit values. */
enum {
	OOMLOG_F_DMA = 1u << 0, OOMLOG_F_HIGHMEM = 1u << 1, OOMLOG_F_DMA32 = 1u << 2,
	OOMLOG_F_MOVABLE = 1u << 3, OOMLOG_F_RECLAIMABLE = 1u << 4, OOMLOG_F_HIGH = 1u << 5,
	OOMLOG_F_IO = 1u << 6, OOMLOG_F_FS = 1u << 7, OOMLOG_F_DIRECT_RECLAIM = 1u << 8,
	OOMLOG_F_KSWAPD_RECLAIM = 1u << 9, OOMLOG_F_ATOMIC = 1u << 10,
	OOMLOG_F_NOWARN = 1u << 11, OOMLOG_F_RETRY = 1u << 12, OOMLOG_F_NOFAIL = 1u << 13,
	OOMLOG_F_NORETRY = 1u << 14, OOMLOG_F_MEMALLOC = 1u << 15, OOMLOG_F_COMP = 1u << 16,
	OOMLOG_F_ZERO = 1u << 17, OOMLOG_F_NOMEMALLOC = 1u << 18, OOMLOG_F_HARDWALL = 1u << 19,
	OOMLOG_F_THISNODE = 1u << 20, OOMLOG_F_ACCOUNT = 1u << 21, OOMLOG_F_OTHER = 1u << 22
};

struct oomlog_gfp {
	enum oomlog_gfp_era era;
	int era_checked;          /* 1: the printed names confirmed the table */
	uint32_t f;               /* OOMLOG_F_* */
	uint64_t unknown;         /* bits with no name in that era */
	char names[192];          /* the decoded mask, "GFP_KERNEL|__GFP_ZERO" */
	enum kmem_mt mt;          /* UNMOVABLE, MOVABLE or RECLAIMABLE */
	int may_use_cma;
	enum kmem_zone_kind highest_zone; /* before mapping to the zones that exist */
	unsigned alloc_flags;     /* KMEM_ALLOC_HIGH / HARDER */
	int may_oom;              /* may reclaim, __GFP_FS, not NORETRY (order <= 3 checked by caller) */
};

/* The gfp era of kernel version major.minor (0.0: unknown -> -1). */
int oomlog_gfp_era_of(int major, int minor, int patch);

/* "2.6.26-4.3", ... for messages. */
const char *oomlog_gfp_era_name(enum oomlog_gfp_era era);

/* Decodes mask under `era`. When names (the kernel's own rendering, may be
 * NULL or "") are given, the era whose table reproduces them is preferred and
 * era_checked set. Fills *out; never fails. */
void oomlog_gfp_decode(uint64_t mask, int era, const char *names, struct oomlog_gfp *out);

#endif
