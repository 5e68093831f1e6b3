/* kmem_pagetypeinfo.c: the /proc/pagetypeinfo parser: the "Free pages count
 * per migrate type at order" table (free blocks per order and type) and the
 * "Number of blocks type" table (to learn which zones hold CMA pageblocks).
 * The file is root-only since 5.4 and costs ~1 ms to read: callers treat it
 * as optional. Pure: reads only [buf, buf+len), writes only the caller's zone
 * array; no allocation, no libc state. */
#include <errno.h>
#include "kmem.h"
#include "kmem_text.h"

static int fail(size_t *errline, size_t line, int rc)
{
	if (errline)
		*errline = line;
	return rc;
}

/* Our migrate type for a pagetypeinfo type name, or -1 for one we do not model. */
static int mt_of(const char *s, size_t len)
{
	for (int t = 0; t < KMEM_MT_COUNT; t++)
		if (kt_eq(s, len, kmem_mt_name((enum kmem_mt)t)))
			return t;
	return -1;
}

/* "Node N, zone Z, type T   c0 c1 ..." (5.4+ prints ">100000" past its cap). */
static int free_row(struct kmem_cur *c, struct kmem_zone *zones, size_t cap, size_t *n,
		    int ncols)
{
	int64_t node, v[KMEM_MAX_ORDERS];
	bool over[KMEM_MAX_ORDERS];
	const char *name, *type;
	size_t name_len, type_len;
	int rc, i, t, k = 0;
	struct kmem_zone *z;

	rc = kt_node_zone(c, &node, &name, &name_len);
	if (rc)
		return rc;
	if (!kt_lit(c, ",") || !kt_lit(c, "type") || !kt_token(c, &type, &type_len))
		return -EINVAL;
	while (!kt_at_end(c)) {
		if (k == KMEM_MAX_ORDERS)
			return -ERANGE;
		over[k] = kt_lit(c, ">");
		rc = kt_num_token(c, &v[k]);
		if (rc)
			return rc;
		k++;
	}
	if (k == 0 || (ncols > 0 && k != ncols))
		return -EINVAL;
	i = kmem_zone_get(zones, cap, n, (int)node, name, name_len);
	if (i < 0)
		return i;
	t = mt_of(type, type_len);
	if (t < 0)
		return 0; /* a type newer than our model: its blocks stay unknown */
	z = &zones[i];
	if (!(z->known & KMEM_ZK_MT_COUNT)) {
		/* First row for this zone in this file: forget older samples. */
		memset(z->nr_free_mt, 0, sizeof z->nr_free_mt);
		memset(z->mt_mask, 0, sizeof z->mt_mask);
		memset(z->mt_capped, 0, sizeof z->mt_capped);
		z->known |= KMEM_ZK_MT_COUNT | KMEM_ZK_MT_MASK;
	}
	for (int o = 0; o < k; o++) {
		z->nr_free_mt[t][o] = v[o];
		if (v[o] > 0)
			z->mt_mask[o] |= (uint8_t)(1u << t);
		if (over[o])
			z->mt_capped[o] |= (uint8_t)(1u << t);
	}
	if (t == KMEM_MT_CMA) {
		for (int o = 0; o < k; o++)
			if (v[o] > 0)
				z->known |= KMEM_ZK_CMA_PRESENT;
	}
	return 0;
}

/* "Node N, zone Z   b0 b1 ..." under "Number of blocks type T0 T1 ...". */
static int blocks_row(struct kmem_cur *c, struct kmem_zone *zones, size_t cap, size_t *n,
		      const int *cols, int ncols)
{
	int64_t node, v;
	const char *name;
	size_t name_len;
	int rc, i, k = 0;

	rc = kt_node_zone(c, &node, &name, &name_len);
	if (rc)
		return rc;
	i = kmem_zone_get(zones, cap, n, (int)node, name, name_len);
	if (i < 0)
		return i;
	while (!kt_at_end(c)) {
		if (k == ncols)
			return -EINVAL;
		rc = kt_num_token(c, &v);
		if (rc)
			return rc;
		if (cols[k] == KMEM_MT_CMA && v > 0)
			zones[i].known |= KMEM_ZK_CMA_PRESENT;
		k++;
	}
	return k == ncols ? 0 : -EINVAL;
}

int kmem_parse_pagetypeinfo(const char *buf, size_t len, struct kmem_zone *zones,
			    size_t cap, size_t *n, int *page_block_order, size_t *errline)
{
	enum { S_NONE, S_FREE, S_BLOCKS, S_OTHER } sec = S_NONE;
	const char *pos = buf, *end = buf + len;
	struct kmem_cur c;
	size_t line = 0, rows = 0;
	int ncols = 0, cols[KMEM_MT_COUNT + 8];
	size_t first = *n < cap ? *n : cap;

	if (errline)
		*errline = 0;
	if (page_block_order)
		*page_block_order = -1;
	if ((!buf && len) || !zones || !n || *n > cap)
		return -EINVAL;
	/* Zones re-read from this file start a fresh sample (see free_row). */
	for (size_t i = 0; i < first; i++)
		zones[i].known &= ~(uint32_t)KMEM_ZK_MT_COUNT;
	while (kt_next_line(&pos, end, &c)) {
		struct kmem_cur start;
		int rc = 0;

		line++;
		if (kt_at_end(&c)) {
			sec = sec == S_FREE || sec == S_BLOCKS ? S_OTHER : sec;
			continue;
		}
		start = c;
		if (kt_lit(&c, "Page block order:")) {
			int64_t v;

			rc = kt_num_token(&c, &v);
			if (!rc && v > 64)
				rc = -ERANGE;
			if (!rc && page_block_order)
				*page_block_order = (int)v;
		} else if (kt_lit(&c, "Pages per block:")) {
			int64_t v;

			rc = kt_num_token(&c, &v);
		} else if (kt_lit(&c, "Free pages count per migrate type at order")) {
			int64_t v;

			ncols = 0;
			while (!rc && !kt_at_end(&c)) {
				rc = kt_num_token(&c, &v);
				if (!rc && (v != ncols || ncols == KMEM_MAX_ORDERS))
					rc = v != ncols ? -EINVAL : -ERANGE;
				ncols++;
			}
			sec = S_FREE;
		} else if (kt_lit(&c, "Number of blocks type")) {
			const char *t;
			size_t tl;

			ncols = 0;
			while (!rc && kt_token(&c, &t, &tl)) {
				if (ncols == (int)(sizeof cols / sizeof cols[0]))
					rc = -ERANGE;
				else
					cols[ncols++] = mt_of(t, tl);
			}
			sec = S_BLOCKS;
		} else if (kt_lit(&c, "Number of")) {
			sec = S_OTHER; /* "Number of mixed blocks" (page_owner) */
		} else if (sec == S_FREE) {
			c = start;
			rc = free_row(&c, zones, cap, n, ncols);
			rows++;
		} else if (sec == S_BLOCKS) {
			c = start;
			rc = blocks_row(&c, zones, cap, n, cols, ncols);
		} else if (sec != S_OTHER) {
			rc = -EINVAL;
		}
		if (rc)
			return fail(errline, line, rc);
	}
	return rows ? 0 : fail(errline, line ? line : 1, -EINVAL);
}
