/* policy.c: the decision before a large fault (policy.h). It asks the kernel
 * model (kmem_zone_verdict) how many pages, or blocks of an order, each zone
 * would still grant at the min watermark, sums that over the zones a request
 * may use, compares with the growth's need plus a margin, and names the cause
 * of a shortage so that only a fragmentation shortage is ever compacted.
 * Pure: no allocation, no system calls, no state beyond the caller's. */
#include <errno.h>
#include <string.h>
#include "policy.h"

static const char *const action_names[POLICY_NACTIONS] = {
	"proceed", "compact", "wait", "fallback", "refuse"
};

const char *policy_action_name(enum policy_action a)
{
	return (unsigned)a < POLICY_NACTIONS ? action_names[a] : "?";
}

const char *policy_cause_name(enum policy_cause c)
{
	static const char *const n[POLICY_NCAUSES] = {
		"none", "exhausted", "cma", "zone", "fragmented", "unknown"
	};
	return (unsigned)c < POLICY_NCAUSES ? n[c] : "?";
}

const char *policy_event_name(enum policy_event e)
{
	static const char *const n[POLICY_NEVENTS] = { "chunk", "large", "mmap", "fork" };
	return (unsigned)e < POLICY_NEVENTS ? n[e] : "?";
}

static int lower(int ch) { return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch; }

static bool word_is(const char *s, size_t n, const char *w)
{
	size_t i;
	for (i = 0; i < n && w[i]; i++)
		if (lower((unsigned char)s[i]) != w[i])
			return false;
	return i == n && !w[i];
}

int policy_parse_steps(const char *s, size_t len, uint8_t steps[POLICY_MAX_STEPS])
{
	int n = 0;
	unsigned seen = 0;
	size_t i = 0;

	while (i < len) {
		size_t a = i, b;
		while (a < len && (s[a] == ' ' || s[a] == '\t'))
			a++;
		b = a;
		while (b < len && s[b] != ',')
			b++;
		i = b + 1;
		while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
			b--;
		if (a == b) {
			if (i <= len) /* an empty item between commas */
				return -EINVAL;
			break;
		}
		if (word_is(s + a, b - a, "none") && n == 0 && i >= len)
			return 0;
		int act = -1;
		for (int k = POLICY_COMPACT; k < POLICY_NACTIONS; k++)
			if (word_is(s + a, b - a, action_names[k]))
				act = k;
		if (act < 0 || (seen & (1u << act)) || n >= POLICY_MAX_STEPS)
			return -EINVAL;
		seen |= 1u << act;
		if (steps)
			steps[n] = (uint8_t)act;
		n++;
	}
	return n;
}

/* Pages above min + reserve a zone still grants to order-0 requests of req
 * (the verdict's order-0 comparison), never negative. */
static int64_t pages_above(const struct kmem_verdict *v)
{
	int64_t m = v->usable_free - (v->min_adjusted + v->reserve);
	return m > 0 ? m : 0;
}

static bool usable_kind(enum kmem_zone_kind k) { return k < KMEM_ZONE_DEVICE; }

/* The zone as the growth will meet it. A watermark boost (5.0+, after an
 * allocation stole from another type's pageblock) is kswapd's reclaim target,
 * not a reserve: the first allocation that falls below the boosted watermark
 * wakes kswapd, which drops the boost at the end of its pass whether it
 * reclaimed anything or not. Judged with the boost, a refusal would keep that
 * allocation from ever happening and the boost in place for good. Only on a
 * node kswapd has given up on (node_unreclaimable) is it no longer woken and
 * the boost holds; unknown counts as given up. */
static const struct kmem_zone *as_met(const struct kmem_zone *z, struct kmem_zone *tmp)
{
	if (!(z->known & KMEM_ZK_BOOST) || z->boost <= 0 || !(z->known & KMEM_ZK_UNRECL) ||
	    z->node_unreclaimable)
		return z;
	*tmp = *z;
	tmp->min = z->min > z->boost ? z->min - z->boost : 0;
	tmp->low = z->low > z->boost ? z->low - z->boost : 0;
	tmp->high = z->high > z->boost ? z->high - z->boost : 0;
	return tmp;
}


/* Judges one request kind on one node. */
static void check_kind(const struct policy_conf *c, const struct kmem_zone *zones, size_t n,
		       int node, enum kmem_req_kind kind, int64_t count,
		       struct policy_check *chk)
{
	struct kmem_request req;
	struct kmem_verdict v;
	int64_t cap0 = 0, cap_cma = 0, blocks = 0, other = 0, need0;
	bool unknown = false, blocks_unknown = false;
	int best_idx = -1;

	memset(chk, 0, sizeof *chk);
	chk->kind = kind;
	chk->zone = -1;
	chk->cause = POLICY_CAUSE_NONE;
	kmem_request_for(&req, kind, c->arch, c->rf_flags);
	if (kind == KMEM_REQ_THP)
		req.order = c->thp_order;
	chk->order = req.order;
	req.classzone_idx = kmem_classzone_idx(zones, n, node, &req);
	for (size_t i = 0; i < n; i++) {
		struct kmem_zone tmp;
		const struct kmem_zone *z = &zones[i];
		if (z->node != node || !usable_kind(z->kind))
			continue;
		if (!kmem_zone_allowed(z->kind, &req)) {
			/* What it could have had in zones it may not use. */
			if ((z->known & (KMEM_ZK_FREE | KMEM_ZK_MIN)) == (KMEM_ZK_FREE | KMEM_ZK_MIN) &&
			    z->free > z->min)
				other += z->free - z->min;
			continue;
		}
		if (kmem_zone_verdict(as_met(z, &tmp), &req, c->era, KMEM_WMARK_MIN, &v) < 0)
			continue;
		if (v.missing & (KMEM_ZK_FREE | KMEM_ZK_MIN)) {
			unknown = true;
			continue;
		}
		/* the preferred zone: the highest allowed one with pages */
		/* Empty zones are in no zone list: never the one at risk. */
		if (chk->zone < 0 || (z->idx > best_idx && kmem_zone_populated(z)) ||
		    !kmem_zone_populated(&zones[chk->zone])) {
			best_idx = z->idx;
			chk->zone = (int)i;
		}
		cap0 += pages_above(&v);
		int64_t withcma = v.usable_free + v.cma_excluded - (v.min_adjusted + v.reserve);
		cap_cma += withcma > 0 ? withcma : 0;
		if (req.order > 0) {
			if (v.missing & KMEM_ZK_BUDDY)
				blocks_unknown = true;
			else if (v.granted)
				blocks += v.rule == KMEM_RULE_BLOCK ? v.lhs : v.suitable_blocks;
		}
	}
	if (unknown && chk->zone < 0) {
		chk->ok = true;
		chk->cause = POLICY_CAUSE_UNKNOWN;
		return;
	}
	need0 = count * ((int64_t)1 << req.order) + c->margin_pages;
	if (req.order == 0) {
		chk->need = count;
		chk->capacity = cap0;
		chk->margin = cap0 - need0;
	} else {
		chk->need = count;
		chk->capacity = blocks_unknown ? count : blocks;
		chk->margin = chk->capacity - count;
	}
	if (cap0 >= need0 && (req.order == 0 || blocks_unknown || blocks >= count)) {
		chk->ok = true;
		return;
	}
	if (cap0 >= need0)
		chk->cause = POLICY_CAUSE_FRAGMENTED;
	else if (cap_cma >= need0)
		chk->cause = POLICY_CAUSE_CMA;
	else if (cap0 + other >= need0)
		chk->cause = POLICY_CAUSE_ZONE;
	else
		chk->cause = POLICY_CAUSE_EXHAUSTED;
	if (req.order == 0 || chk->margin >= 0)
		chk->margin = cap0 - need0;
}

static int assess_node(const struct policy_conf *c, const struct kmem_zone *zones, size_t n,
		       int node, const struct policy_need *need, struct policy_assessment *out)
{
	/* Decisive first: fork's directory, page tables, pages, then huge pages. */
	static const enum kmem_req_kind order[POLICY_NKINDS] = {
		KMEM_REQ_PGD, KMEM_REQ_PAGETABLE, KMEM_REQ_ANON, KMEM_REQ_THP
	};
	struct kmem_request pgd;
	int64_t pt = need->pagetable, anon = need->anon, thp = need->thp;
	int fails = 0;

	memset(out, 0, sizeof *out);
	out->node = node;
	out->worst = -1;
	out->zone = -1;
	if (need->pgd) {
		kmem_request_for(&pgd, KMEM_REQ_PGD, c->arch, c->rf_flags);
		if (pgd.order == 0) /* a one-page directory is just another unmovable page */
			pt += 1;
	}
	if (thp && (c->thp_order <= 0 ||
		    kmem_request_for(&pgd, KMEM_REQ_THP, c->arch, c->rf_flags) == -ENOTSUP)) {
		anon += thp << (c->thp_order > 0 ? c->thp_order : 0);
		thp = 0;
	}
	for (int k = 0; k < POLICY_NKINDS; k++) {
		int64_t count = 0;
		switch (order[k]) {
		case KMEM_REQ_PGD:
			if (need->pgd && kmem_request_for(&pgd, KMEM_REQ_PGD, c->arch, c->rf_flags) == 0 &&
			    pgd.order > 0)
				count = 1;
			break;
		case KMEM_REQ_PAGETABLE: count = pt; break;
		case KMEM_REQ_ANON:      count = anon; break;
		case KMEM_REQ_THP:       count = thp; break;
		}
		if (count <= 0)
			continue;
		struct policy_check *chk = &out->checks[out->nchecks];
		check_kind(c, zones, n, node, order[k], count, chk);
		if (!chk->ok) {
			fails++;
			if (out->worst < 0)
				out->worst = out->nchecks;
		}
		out->nchecks++;
	}
	out->risk = out->worst >= 0;
	if (out->risk) {
		const struct policy_check *w = &out->checks[out->worst];
		out->kind = w->kind;
		out->cause = w->cause;
		out->order = w->order;
		out->zone = w->zone;
		out->thp_only = w->kind == KMEM_REQ_THP && fails == 1;
	} else {
		out->kind = KMEM_REQ_PAGETABLE;
		out->cause = POLICY_CAUSE_NONE;
		for (int k = 0; k < out->nchecks; k++)
			if (out->checks[k].cause == POLICY_CAUSE_UNKNOWN)
				out->cause = POLICY_CAUSE_UNKNOWN;
	}
	return fails;
}

int policy_assess(const struct policy_conf *c, const struct kmem_zone *zones, size_t n,
		  const struct policy_need *need, struct policy_assessment *out)
{
	int first = -1;

	if (!c || !need || !out || (!zones && n))
		return -EINVAL;
	memset(out, 0, sizeof *out);
	out->worst = -1;
	out->zone = -1;
	out->cause = POLICY_CAUSE_UNKNOWN;
	/* Any node that can serve the growth will do (the kernel falls back
	 * across nodes); otherwise report the first node's shortage. */
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			if (zones[j].node == zones[i].node)
				seen = true;
		if (seen)
			continue;
		struct policy_assessment a;
		if (assess_node(c, zones, n, zones[i].node, need, &a) == 0) {
			*out = a;
			return 0;
		}
		if (first < 0) {
			first = zones[i].node;
			*out = a;
		}
	}
	return 0;
}

void policy_drop_thp(const struct policy_conf *c, struct policy_need *need)
{
	need->anon += need->thp << (c->thp_order > 0 ? c->thp_order : 0);
	need->thp = 0;
}

enum policy_action policy_next(const struct policy_conf *c, const struct policy_assessment *a,
			       struct policy_try *t, unsigned *wait_ms)
{
	if (!a->risk)
		return POLICY_PROCEED;
	for (; t->step < c->nsteps && t->step < POLICY_MAX_STEPS; t->step++) {
		switch (c->steps[t->step]) {
		case POLICY_COMPACT:
			/* Compaction moves movable pages: it cannot make order-0
			 * memory, free CMA for unmovable use, or change zones. */
			if (!t->compacted && !t->compact_denied &&
			    a->cause == POLICY_CAUSE_FRAGMENTED && a->order > 0) {
				t->compacted = true;
				return POLICY_COMPACT;
			}
			break;
		case POLICY_WAIT:
			if (t->waited_ms < c->max_wait_ms) {
				unsigned w = t->next_wait_ms ? t->next_wait_ms : 1;
				if (w > c->max_wait_ms - t->waited_ms)
					w = c->max_wait_ms - t->waited_ms;
				t->waited_ms += w;
				t->next_wait_ms = w * 2;
				if (wait_ms)
					*wait_ms = w;
				return POLICY_WAIT;
			}
			break;
		case POLICY_FALLBACK:
			if (t->fell_back)
				break;
			for (int k = 0; k < a->nchecks; k++)
				if (a->checks[k].kind == KMEM_REQ_THP && !a->checks[k].ok) {
					t->fell_back = true;
					return POLICY_FALLBACK;
				}
			break;
		case POLICY_REFUSE:
			/* Never fail an allocation for want of a huge page. */
			if (!a->thp_only)
				return POLICY_REFUSE;
			if (!t->fell_back) {
				t->fell_back = true;
				return POLICY_FALLBACK;
			}
			break;
		}
	}
	return POLICY_PROCEED;
}
