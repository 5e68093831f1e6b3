/* policy.h: what to do before a large fault, as a pure function of the
 * kernel's zone state (kmem.h), the configuration and the growth at hand.
 * policy_assess() turns zones + a need into a verdict with a cause;
 * policy_next() walks the configured steps (compact, wait, fallback, refuse)
 * one action at a time, keeping its back-off state in struct policy_try.
 * No allocation, no system calls, no globals: the shim, the CLI and the unit
 * tests call the same code. The counters the shim keeps are declared here
 * too (struct policy_counters), for the per-process report. */
#ifndef FG_POLICY_H
#define FG_POLICY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kmem.h"

enum policy_action {
	POLICY_PROCEED,  /* let the fault happen */
	POLICY_COMPACT,  /* write compact_memory, then assess again */
	POLICY_WAIT,     /* sleep (bounded exponential back-off), re-sample */
	POLICY_FALLBACK, /* no huge page for this growth, assess again */
	POLICY_REFUSE,   /* fail this one allocation: NULL/ENOMEM, fork -1/ENOMEM */
	POLICY_NACTIONS
};

/* Why a request would fail. Compaction helps only FRAGMENTED. */
enum policy_cause {
	POLICY_CAUSE_NONE,
	POLICY_CAUSE_EXHAUSTED,  /* not enough free pages above the watermark anywhere */
	POLICY_CAUSE_CMA,        /* enough free, but in CMA pageblocks it may not use */
	POLICY_CAUSE_ZONE,       /* enough free, but in zones it may not use (Movable, HighMem) */
	POLICY_CAUSE_FRAGMENTED, /* enough free pages, no free block of the order */
	POLICY_CAUSE_UNKNOWN,    /* the sample lacked what the verdict needs: proceed */
	POLICY_NCAUSES
};

/* The large faults the shim looks before. */
enum policy_event {
	POLICY_EV_CHUNK,  /* a new arena chunk */
	POLICY_EV_LARGE,  /* a large block's own mapping */
	POLICY_EV_MMAP,   /* the program's own anonymous mmap that will be faulted */
	POLICY_EV_FORK,   /* fork, posix_spawn, system, popen */
	POLICY_NEVENTS
};

#define POLICY_NKINDS 4 /* enum kmem_req_kind */
#define POLICY_MAX_STEPS 4

struct policy_conf {
	uint8_t steps[POLICY_MAX_STEPS]; /* enum policy_action, in the order tried */
	int nsteps;
	int64_t margin_pages;  /* pages above the min watermark (+ reserve) to keep */
	unsigned max_wait_ms;  /* total back-off per event */
	enum kmem_era era;
	enum kmem_arch arch;
	unsigned rf_flags;     /* KMEM_RF_* (PTI, LPAE, HIGHPTE) */
	int thp_order;         /* order of a PMD-sized huge page (9 with 4 KiB pages) */
};

/* What a growth makes the kernel allocate. */
struct policy_need {
	int64_t pagetable; /* order-0 unmovable page-table pages */
	int64_t anon;      /* order-0 movable anonymous pages */
	int64_t thp;       /* PMD-sized huge pages (movable, order thp_order) */
	int pgd;           /* 1: a fork/exec page directory (order by arch) */
};

/* One request kind judged against a node. */
struct policy_check {
	enum kmem_req_kind kind;
	int order;
	bool ok;
	int64_t need;      /* order 0: pages; order > 0: blocks */
	int64_t capacity;  /* order 0: pages above min + reserve over the usable zones;
	                      order > 0: usable free blocks of the order */
	int64_t margin;    /* capacity - need (- margin_pages for order 0 pages) */
	enum policy_cause cause;
	int zone;          /* index (into zones[]) of the zone at risk, or -1 */
};

struct policy_assessment {
	bool risk;         /* some needed request would fail (or lacks margin) */
	bool thp_only;     /* only the huge page would fail: falling back suffices */
	int node;          /* the node judged (the one with most capacity) */
	int nchecks;
	struct policy_check checks[POLICY_NKINDS];
	int worst;         /* index into checks of the decisive failure, -1 */
	enum kmem_req_kind kind; /* checks[worst].kind (PAGETABLE when no risk) */
	enum policy_cause cause; /* checks[worst].cause (NONE when no risk) */
	int order;
	int zone;          /* zone at risk, or -1 */
};

/* Back-off state of one event, zero-initialised by the caller. */
struct policy_try {
	int step;            /* next index into conf->steps */
	unsigned waited_ms;  /* waited so far in this event */
	unsigned next_wait_ms;
	bool compacted;      /* compaction already tried in this event */
	bool compact_denied; /* the actuator cannot compact now (permission, rate) */
	bool fell_back;
};

/* Parses "compact,wait,fallback,refuse" (any subset, any order, no repeats;
 * spaces allowed; "none" or "" = observe only) into steps. Returns the count,
 * or -EINVAL. steps may be NULL to validate only. Pure. */
int policy_parse_steps(const char *s, size_t len, uint8_t steps[POLICY_MAX_STEPS]);

/* Judges need against zones[0..n) (one sample) under c: for each request kind
 * the need contains, per node, the pages (or blocks) the kernel would grant
 * before failing; the best node decides. Fills *out. Returns 0, or -EINVAL.
 * A sample without free counts or watermarks yields cause UNKNOWN, no risk.
 * Pure, async-signal-safe. */
int policy_assess(const struct policy_conf *c, const struct kmem_zone *zones, size_t n,
		  const struct policy_need *need, struct policy_assessment *out);

/* The next action for an event whose last assessment is a, advancing t.
 * PROCEED when there is no risk or the steps are exhausted; COMPACT only for
 * a FRAGMENTED shortage of order > 0 not yet compacted and not denied; WAIT
 * with *wait_ms (exponential from 1 ms, the total bounded by max_wait_ms);
 * FALLBACK when a huge page is wanted and failing; REFUSE never for a huge
 * page alone (that falls back instead). Pure. */
enum policy_action policy_next(const struct policy_conf *c, const struct policy_assessment *a,
			       struct policy_try *t, unsigned *wait_ms);

/* After FALLBACK: the same growth without huge pages (thp -> anon pages). */
void policy_drop_thp(const struct policy_conf *c, struct policy_need *need);

const char *policy_action_name(enum policy_action a);
const char *policy_cause_name(enum policy_cause c);
const char *policy_event_name(enum policy_event e);

/* ---- counters (kept by the shim, read by fg_stats and the report) ------- */

#define POLICY_RING 16

/* The kernel state at one risk event. */
struct policy_risk_rec {
	uint64_t t_ms;             /* CLOCK_MONOTONIC */
	uint8_t event, kind, cause, action; /* enum policy_event, kmem_req_kind, cause, final action */
	int8_t order;
	int8_t node;
	uint8_t norders;
	char zone[KMEM_ZONE_NAME_MAX]; /* the zone at risk ("" unknown) */
	int64_t free, min, low, high, free_cma, reserve;
	int64_t need, capacity;    /* as in struct policy_check */
	uint32_t nr_free[KMEM_MAX_ORDERS]; /* free blocks per order (saturated) */
};

struct policy_counters {
	uint64_t checks;        /* events assessed */
	uint64_t samples;       /* /proc samples taken (buddyinfo reads) */
	uint64_t zoneinfo_reads;
	uint64_t sample_errors; /* unreadable or unparsable samples (event proceeded) */
	uint64_t sample_ns;     /* time spent sampling */
	uint64_t risk_events;   /* events whose first assessment showed risk */
	uint64_t risk_by_kind[POLICY_NKINDS];
	uint64_t risk_by_cause[POLICY_NCAUSES];
	uint64_t risk_by_event[POLICY_NEVENTS];
	uint64_t compact_done, compact_skipped, compact_effective, compact_ns;
	uint64_t compact_scanned; /* vmstat compact_migrate_scanned growth */
	uint64_t waits, wait_ms;
	uint64_t fallbacks;
	uint64_t refusals;      /* every refused event */
	uint64_t refused_alloc; /* malloc family: NULL with ENOMEM */
	uint64_t refused_mmap;
	uint64_t refused_fork;
	uint64_t risk_accepted; /* risk seen, steps exhausted, went ahead */
	uint64_t ring_next;     /* records written; ring[(ring_next - 1) % POLICY_RING] is the last */
	struct policy_risk_rec ring[POLICY_RING];
};

#endif
