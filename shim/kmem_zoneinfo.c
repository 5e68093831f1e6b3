/* kmem_zoneinfo.c: the /proc/zoneinfo parser, 2.6 to 6.x layouts: each zone
 * starts with "Node N, zone NAME"; we take pages free, boost, min, low, high,
 * spanned, present, managed (3.8+), cma (5.x+), protection: (...), the
 * nr_free_pages / nr_free_cma counters (CMA 3.7+) and the node's
 * node_unreclaimable: flag (4.8+, printed in every zone). The 4.8+ per-node stats
 * block, the pagesets ("high:" with a colon is a pcp field, not a watermark)
 * and unknown lines are skipped. Pure: reads only [buf, buf+len), writes only
 * the caller's zone array; no allocation, no libc state. */
#include <errno.h>
#include "kmem.h"
#include "kmem_text.h"

static int fail(size_t *errline, size_t line, int rc)
{
	if (errline)
		*errline = line;
	return rc;
}

/* "(0, 2717, 15715)" after "protection:". */
static int parse_protection(struct kmem_cur *c, struct kmem_zone *z)
{
	int np = 0;

	if (!kt_lit(c, "("))
		return -EINVAL;
	if (kt_lit(c, ")"))
		goto done;
	for (;;) {
		int64_t v;
		int rc;

		if (np == KMEM_MAX_ZONES)
			return -ERANGE;
		rc = kt_i64(c, &v, true);
		if (rc)
			return rc;
		z->protection[np++] = v;
		if (kt_lit(c, ")"))
			break;
		if (!kt_lit(c, ","))
			return -EINVAL;
	}
done:
	if (!kt_at_end(c))
		return -EINVAL;
	for (int i = np; i < KMEM_MAX_ZONES; i++)
		z->protection[i] = 0;
	z->nprotection = np;
	z->known |= KMEM_ZK_PROTECTION;
	return 0;
}

/* A zone counter: printed %lu (kt_counter: from 2^63 up a wrapped negative)
 * or, for the few %ld fields, with a sign. */
static int counter(struct kmem_cur *c, int64_t *v)
{
	kt_skip_ws(c);
	if (c->p < c->end && *c->p == '-')
		return kt_i64(c, v, true);
	return kt_counter(c, v);
}

struct field {
	const char *key;
	size_t off;
	uint32_t bit;
};

#define F(k, m, b) { k, offsetof(struct kmem_zone, m), b }
static const struct field fields[] = {
	F("min", min, KMEM_ZK_MIN),
	F("low", low, KMEM_ZK_LOW),
	F("high", high, KMEM_ZK_HIGH),
	F("boost", boost, KMEM_ZK_BOOST),
	F("spanned", spanned, KMEM_ZK_SPANNED),
	F("present", present, KMEM_ZK_PRESENT),
	F("managed", managed, KMEM_ZK_MANAGED),
	F("cma", cma_pages, 0),
	F("nr_free_cma", free_cma, KMEM_ZK_FREE_CMA),
	F("nr_reserved_highatomic", reserved_highatomic, KMEM_ZK_HIGHATOMIC),
	F("node_unreclaimable:", node_unreclaimable, KMEM_ZK_UNRECL),
};
#undef F

/* One line inside a zone. Unknown keys are fine; a known key with a bad
 * value is not. */
static int zone_line(struct kmem_cur *c, struct kmem_zone *z, bool *node_stats)
{
	const char *key;
	size_t klen;
	int64_t v;
	int rc;

	if (!kt_token(c, &key, &klen))
		return 0;
	if (kt_eq(key, klen, "per-node")) {
		*node_stats = true; /* 4.8+: node counters until "pages free" */
		return 0;
	}
	if (kt_eq(key, klen, "pages")) {
		if (!kt_lit(c, "free"))
			return 0;
		rc = kt_counter(c, &v);
		if (rc)
			return rc;
		z->free = v < 0 ? 0 : v; /* a wrapped counter: the kernel reads it as 0 */
		z->known |= KMEM_ZK_FREE;
		*node_stats = false;
		return 0;
	}
	if (*node_stats)
		return 0;
	if (kt_eq(key, klen, "protection:"))
		return parse_protection(c, z);
	if (kt_eq(key, klen, "nr_free_pages")) {
		rc = counter(c, &v);
		if (rc)
			return rc;
		/* "pages free" and nr_free_pages are the same counter. */
		if (!(z->known & KMEM_ZK_FREE)) {
			z->free = v < 0 ? 0 : v;
			z->known |= KMEM_ZK_FREE;
		}
		return 0;
	}
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (!kt_eq(key, klen, fields[i].key))
			continue;
		rc = counter(c, &v);
		if (rc)
			return rc;
		/* 2.6.2x: "scanned 0 (active: 0, inactive: 0)" has trailing text;
		 * known keys carry a single number. */
		if (!kt_at_end(c))
			return -EINVAL;
		/* zone_page_state() reads a negative (wrapped, printed %lu)
		 * counter as 0; spanned/present/managed beyond 2^63 are garbage. */
		if (v < 0)
			v = 0;
		memcpy((char *)z + fields[i].off, &v, sizeof v);
		z->known |= fields[i].bit;
		if (fields[i].off == offsetof(struct kmem_zone, cma_pages) && v > 0)
			z->known |= KMEM_ZK_CMA_PRESENT;
		if (fields[i].bit == KMEM_ZK_FREE_CMA && v > 0)
			z->known |= KMEM_ZK_CMA_PRESENT;
		return 0;
	}
	return 0;
}

int kmem_parse_zoneinfo(const char *buf, size_t len, struct kmem_zone *zones,
			size_t cap, size_t *n, size_t *errline)
{
	const char *pos = buf, *end = buf + len;
	struct kmem_cur c;
	size_t line = 0, seen = 0;
	int cur = -1, last_node = -1, node_pos = 0;
	bool node_stats = false;

	if (errline)
		*errline = 0;
	if ((!buf && len) || !zones || !n || *n > cap)
		return -EINVAL;
	while (kt_next_line(&pos, end, &c)) {
		struct kmem_cur start;
		int rc;

		line++;
		if (kt_at_end(&c))
			continue;
		start = c;
		if (kt_lit(&c, "Node")) {
			int64_t node;
			const char *name;
			size_t name_len;

			c = start;
			rc = kt_node_zone(&c, &node, &name, &name_len);
			if (rc)
				return fail(errline, line, rc);
			if (!kt_at_end(&c))
				return fail(errline, line, -EINVAL); /* buddyinfo-style row */
			cur = kmem_zone_get(zones, cap, n, (int)node, name, name_len);
			if (cur < 0)
				return fail(errline, line, cur);
			/* Zones are listed in the kernel's zone order; from 4.13 the
			 * unpopulated ones too, so the position is the index. */
			if ((int)node != last_node) {
				last_node = (int)node;
				node_pos = 0;
			}
			zones[cur].idx = node_pos++;
			node_stats = false;
			seen++;
			continue;
		}
		if (cur < 0)
			return fail(errline, line, -EINVAL);
		rc = zone_line(&c, &zones[cur], &node_stats);
		if (rc)
			return fail(errline, line, rc);
	}
	return seen ? 0 : fail(errline, line ? line : 1, -EINVAL);
}
