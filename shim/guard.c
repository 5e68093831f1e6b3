/* guard.c: the loop run before every large fault (guard.h): sample the
 * kernel, assess the growth with the policy, and act by ON_RISK until the
 * policy says proceed or refuse. Keeps the counters and the ring of risk
 * records for fg_stats and the report.
 * Must never run with an allocator lock held (it sleeps and compacts), never
 * allocate, never touch errno. After a refusal, further events of the same
 * kind are refused for REFUSE_HOLD_MS without sampling: a program that keeps
 * asking must not turn every failing malloc into a /proc read and a wait. */
#include <errno.h>
#include <string.h>
#include <sys/auxv.h>
#include "compact.h"
#include "feature.h"
#include "fmt.h"
#include "fragguard.h"
#include "geometry.h"
#include "guard.h"
#include "os.h"
#include "sample.h"
#include "shim.h"

struct policy_counters guard_ctr;
static struct policy_conf pconf;
static int gstate;           /* 0 not set up, 1 on, -1 off */
static int page_shift = 12, pmd_shift = 21;
static uint64_t hold_until[POLICY_NEVENTS];
static int said_sample_error;

#define GADD(f, v) __atomic_fetch_add(&guard_ctr.f, (uint64_t)(v), __ATOMIC_RELAXED)

static unsigned ilog2(uint64_t v) { return v ? 63u - (unsigned)__builtin_clzll(v) : 0; }

/* Holding the sample lock. */
static int setup_locked(void)
{
	struct sample_machine m;
	const char *root = g.conf.proc_root;

	if (gstate)
		return gstate;
	if (!g.conf.sample) {
		gstate = -1;
		return gstate;
	}
	/* Setuid programs take no file paths from the environment. */
	if (getauxval(AT_SECURE))
		root = "";
	int r = sample_setup(root, g.conf.era, &m);
	if (r < 0) {
		char msg[600], path[512];
		struct fmtbuf fb;
		fmt_init(&fb, msg, sizeof msg);
		fmt_str(&fb, "cannot read '");
		fmt_str(&fb, sample_path(path, sizeof path, "buddyinfo", "/proc/buddyinfo"));
		fmt_str(&fb, "': not looking before large faults");
		os_say(msg);
		gstate = -1;
		return gstate;
	}
	/* What else this kernel offers, found now that the shim starts to use it. */
	compact_probe();
	feature_probe_files();
	memset(&pconf, 0, sizeof pconf);
	int n = policy_parse_steps(g.conf.on_risk, strlen(g.conf.on_risk), pconf.steps);
	pconf.nsteps = n > 0 ? n : 0;
	pconf.margin_pages = (int64_t)g.conf.margin;
	pconf.max_wait_ms = (unsigned)g.conf.max_wait_ms;
	pconf.era = m.era;
	pconf.arch = m.arch;
	pconf.rf_flags = m.rf_flags;
	page_shift = sample_faked() ? m.page_shift : (int)ilog2(g.os_page ? g.os_page : 4096);
	pmd_shift = g.pmd ? (int)ilog2(g.pmd) : page_shift + 9;
	pconf.thp_order = g.pmd ? pmd_shift - page_shift : 0;
	gstate = 1;
	if (g.conf.verbose) {
		char msg[256];
		struct fmtbuf fb;
		fmt_init(&fb, msg, sizeof msg);
		fmt_str(&fb, "looking before large faults: era ");
		fmt_str(&fb, kmem_era_name(m.era));
		fmt_str(&fb, m.rf_flags & KMEM_RF_PTI ? ", 8 KiB page directory (fork needs order 1)" : "");
		fmt_str(&fb, ", on risk: ");
		fmt_str(&fb, pconf.nsteps ? g.conf.on_risk : "none");
		os_say(msg);
	}
	return gstate;
}

static void record(struct policy_risk_rec *rec, enum policy_event ev,
		   const struct policy_assessment *a, const struct kmem_zone *zones)
{
	const struct policy_check *w = &a->checks[a->worst];
	memset(rec, 0, sizeof *rec);
	rec->t_ms = os_now_ms();
	rec->event = (uint8_t)ev;
	rec->kind = (uint8_t)a->kind;
	rec->cause = (uint8_t)a->cause;
	rec->order = (int8_t)a->order;
	rec->node = (int8_t)a->node;
	rec->need = w->need;
	rec->capacity = w->capacity;
	if (a->zone >= 0) {
		const struct kmem_zone *z = &zones[a->zone];
		memcpy(rec->zone, z->name, sizeof rec->zone);
		rec->free = z->free;
		rec->min = z->min;
		rec->low = z->low;
		rec->high = z->high;
		rec->free_cma = z->free_cma;
		rec->norders = (uint8_t)z->norders;
		for (int o = 0; o < z->norders && o < KMEM_MAX_ORDERS; o++)
			rec->nr_free[o] = z->nr_free[o] > UINT32_MAX ? UINT32_MAX : (uint32_t)z->nr_free[o];
	}
}

static void say_event(enum policy_event ev, const struct policy_risk_rec *r, enum policy_action act)
{
	char msg[300];
	struct fmtbuf fb;
	fmt_init(&fb, msg, sizeof msg);
	fmt_str(&fb, policy_event_name(ev));
	fmt_str(&fb, ": ");
	fmt_str(&fb, kmem_req_kind_name((enum kmem_req_kind)r->kind));
	fmt_str(&fb, " order ");
	fmt_i64(&fb, r->order);
	fmt_str(&fb, " at risk (");
	fmt_str(&fb, policy_cause_name((enum policy_cause)r->cause));
	fmt_str(&fb, "; zone ");
	fmt_str(&fb, r->zone[0] ? r->zone : "?");
	fmt_str(&fb, " free ");
	fmt_i64(&fb, r->free);
	fmt_str(&fb, " min ");
	fmt_i64(&fb, r->min);
	fmt_str(&fb, ", need ");
	fmt_i64(&fb, r->need);
	fmt_str(&fb, " have ");
	fmt_i64(&fb, r->capacity);
	fmt_str(&fb, "): ");
	fmt_str(&fb, policy_action_name(act));
	os_say(msg);
}

/* 0 proceed, 1 proceed without a huge page, -ENOMEM refuse. */
static int check(enum policy_event ev, struct policy_need *need)
{
	struct policy_assessment a;
	struct policy_try t;
	struct policy_risk_rec *rec = NULL;
	const struct kmem_zone *zones;
	size_t nz;
	unsigned wait_ms = 0;
	int fell_back = 0, compacted = 0, risky = 0, multi = 0;
	uint64_t now = os_now_ms();

	if (gstate < 0)
		return 0;
	if (now < __atomic_load_n(&hold_until[ev], __ATOMIC_RELAXED))
		goto refuse;
	memset(&t, 0, sizeof t);
	GADD(checks, 1);
	for (;;) {
		sample_lock();
		if (setup_locked() < 0) {
			sample_unlock();
			return 0;
		}
		int r = sample_take(g.conf.zoneinfo_ms, &zones, &nz);
		GADD(samples, 1);
		if (r < 0) {
			sample_unlock();
			GADD(sample_errors, 1);
			if (!__atomic_exchange_n(&said_sample_error, 1, __ATOMIC_RELAXED))
				os_say("cannot read or parse the kernel's free-memory state: going ahead unchecked");
			return fell_back;
		}
		policy_assess(&pconf, zones, nz, need, &a);
		/* Effective: fragmentation gone at a re-sample of this event
		 * (right after the write, or after waits while kcompactd works). */
		if (compacted == 1 && (!a.risk || a.cause != POLICY_CAUSE_FRAGMENTED)) {
			compacted = 2;
			GADD(compact_effective, 1);
		}
		if (a.risk && !risky) {
			risky = 1;
			GADD(risk_events, 1);
			GADD(risk_by_kind[a.kind], 1);
			GADD(risk_by_cause[a.cause], 1);
			GADD(risk_by_event[ev], 1);
			uint64_t i = __atomic_fetch_add(&guard_ctr.ring_next, 1, __ATOMIC_RELAXED);
			rec = &guard_ctr.ring[i % POLICY_RING];
			record(rec, ev, &a, zones);
		}
		for (size_t i = 1; i < nz; i++)
			if (zones[i].node != zones[0].node)
				multi = 1;
		sample_unlock();

		enum policy_action act = policy_next(&pconf, &a, &t, &wait_ms);
		switch (act) {
		case POLICY_PROCEED:
			if (a.risk) {
				GADD(risk_accepted, 1);
				if (rec)
					rec->action = POLICY_PROCEED;
				if (rec && g.conf.verbose)
					say_event(ev, rec, act);
			}
			return fell_back;
		case POLICY_COMPACT: {
			struct compact_result res;
			int c = compact_run(a.node, multi, g.conf.compact_interval_ms, &res);
			if (c == 0) {
				GADD(compact_done, 1);
				GADD(compact_ns, res.ns);
				GADD(compact_scanned, res.migrate_scanned > 0 ? res.migrate_scanned : 0);
				compacted = 1;
				if (rec)
					rec->action = POLICY_COMPACT;
			} else {
				GADD(compact_skipped, 1);
				t.compact_denied = true;
			}
			break;
		}
		case POLICY_WAIT:
			GADD(waits, 1);
			GADD(wait_ms, wait_ms);
			if (rec)
				rec->action = POLICY_WAIT;
			os_sleep_ms(wait_ms);
			break;
		case POLICY_FALLBACK:
			GADD(fallbacks, 1);
			policy_drop_thp(&pconf, need);
			fell_back = 1;
			if (rec)
				rec->action = POLICY_FALLBACK;
			break;
		case POLICY_REFUSE:
			if (rec)
				rec->action = POLICY_REFUSE;
			if (rec && g.conf.verbose)
				say_event(ev, rec, act);
			__atomic_store_n(&hold_until[ev], os_now_ms() + g.conf.refuse_hold_ms,
					 __ATOMIC_RELAXED);
			goto refuse;
		default:
			return fell_back;
		}
	}
refuse:
	GADD(refusals, 1);
	if (ev == POLICY_EV_FORK)
		GADD(refused_fork, 1);
	else if (ev == POLICY_EV_MMAP)
		GADD(refused_mmap, 1);
	else
		GADD(refused_alloc, 1);
	return -ENOMEM;
}

static int guarded(void) { return g.conf.sample && gstate >= 0; }

/* A chunk-aligned span (one page-table page per pt_span: 2 MiB with 4 KiB
 * pages, 512 MiB with 64 KiB pages) faulting fault_bytes, in huge pages
 * where advised. */
static int check_span(enum policy_event ev, size_t span_bytes, size_t fault_bytes, int thp)
{
	struct policy_need n = { 0, 0, 0, 0 };
	if (!guarded())
		return 0;
	n.pagetable = (int64_t)geometry_pt_pages(g.pt_span, span_bytes);
	if (thp && g.pmd && fault_bytes >= g.pmd) {
		n.thp = (int64_t)(fault_bytes >> pmd_shift);
		fault_bytes -= (size_t)n.thp << pmd_shift;
	}
	n.anon = (int64_t)((fault_bytes + (1u << page_shift) - 1) >> page_shift);
	return check(ev, &n);
}

int guard_chunk(size_t chunk_bytes, size_t fault_bytes, int thp)
{
	return check_span(POLICY_EV_CHUNK, chunk_bytes, fault_bytes, thp);
}

int guard_large(size_t span_bytes, size_t fault_bytes, int thp)
{
	return check_span(POLICY_EV_LARGE, span_bytes, fault_bytes, thp);
}

int guard_mmap(size_t len, int populate)
{
	struct policy_need n = { 0, 0, 0, 0 };
	if (!guarded())
		return 0;
	/* Unaligned: the span may touch one more page-table page. */
	n.pagetable = (int64_t)(len / g.pt_span) + 1;
	/* A plain mapping is faulted a page at a time as the program writes:
	 * what it needs now is its page tables and its first pages. */
	size_t now = populate || len < (2u << 20) ? len : (2u << 20);
	n.anon = (int64_t)(now >> page_shift);
	return check(POLICY_EV_MMAP, &n) < 0 ? -ENOMEM : 0;
}

/* VmPTE of this process in pages: what fork copies (at most). */
static int64_t own_pte_pages(void)
{
	char b[4096];
	ssize_t r = os_read_file("/proc/self/status", b, sizeof b);
	const char *p = r > 0 ? strstr(b, "\nVmPTE:") : NULL;
	int64_t kb = 0;
	if (!p)
		return 1;
	for (p += 7; *p == ' ' || *p == '\t'; p++)
		;
	for (; *p >= '0' && *p <= '9'; p++)
		kb = kb * 10 + (*p - '0');
	return (kb << 10) >> page_shift;
}

int guard_fork(int copy_pages)
{
	struct policy_need n = { 0, 0, 0, 1 };
	if (!guarded())
		return 0;
	/* A spawned image starts with a handful of tables (stack, text, libc). */
	n.pagetable = copy_pages ? own_pte_pages() : 4;
	return check(POLICY_EV_FORK, &n) < 0 ? -ENOMEM : 0;
}

void guard_after_fork_child(void) { sample_reset_after_fork(); }

void guard_stats(struct fg_stats *s)
{
#define L(f) __atomic_load_n(&guard_ctr.f, __ATOMIC_RELAXED)
	s->guard_checks = L(checks);
	s->guard_samples = L(samples);
	s->guard_sample_errors = L(sample_errors);
	s->guard_sample_us = sample_ns_total() / 1000;
	s->risk_events = L(risk_events);
	s->risk_pagetable = L(risk_by_kind[KMEM_REQ_PAGETABLE]);
	s->risk_anon = L(risk_by_kind[KMEM_REQ_ANON]);
	s->risk_thp = L(risk_by_kind[KMEM_REQ_THP]);
	s->risk_pgd = L(risk_by_kind[KMEM_REQ_PGD]);
	s->risk_exhausted = L(risk_by_cause[POLICY_CAUSE_EXHAUSTED]);
	s->risk_cma = L(risk_by_cause[POLICY_CAUSE_CMA]);
	s->risk_zone = L(risk_by_cause[POLICY_CAUSE_ZONE]);
	s->risk_fragmented = L(risk_by_cause[POLICY_CAUSE_FRAGMENTED]);
	s->compactions = L(compact_done);
	s->compactions_skipped = L(compact_skipped);
	s->compactions_effective = L(compact_effective);
	s->compact_us = L(compact_ns) / 1000;
	s->waits = L(waits);
	s->wait_ms = L(wait_ms);
	s->fallbacks = L(fallbacks);
	s->refusals = L(refusals);
	s->refused_alloc = L(refused_alloc);
	s->refused_mmap = L(refused_mmap);
	s->refused_fork = L(refused_fork);
	s->risk_accepted = L(risk_accepted);
	s->compact_denied = (uint32_t)compact_denied();
	s->guard_on = gstate > 0;
#undef L
}
