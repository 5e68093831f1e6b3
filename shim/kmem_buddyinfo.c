/* kmem_buddyinfo.c: the /proc/buddyinfo parser. One line per populated zone,
 * "Node N, zone NAME" then the count of free blocks for each order; the column
 * count is MAX_ORDER of the kernel that wrote it (11, 13, 14 ...).
 * Pure: reads only [buf, buf+len), writes only the caller's zone array; no
 * allocation, no libc state. Cheap enough (~9 us of kernel time per read) to
 * be the shim's per-event sample. */
#include <errno.h>
#include "kmem.h"
#include "kmem_text.h"

static int fail(size_t *errline, size_t line, int rc)
{
	if (errline)
		*errline = line;
	return rc;
}

int kmem_parse_buddyinfo(const char *buf, size_t len, struct kmem_zone *zones,
			 size_t cap, size_t *n, size_t *errline)
{
	const char *pos = buf, *end = buf + len;
	struct kmem_cur c;
	size_t line = 0, seen = 0;

	if (errline)
		*errline = 0;
	if ((!buf && len) || !zones || !n || *n > cap)
		return -EINVAL;
	while (kt_next_line(&pos, end, &c)) {
		int64_t node, counts[KMEM_MAX_ORDERS];
		const char *name;
		size_t name_len;
		int norders = 0, rc, i;
		bool wrapped = false;

		line++;
		if (kt_at_end(&c))
			continue;
		rc = kt_node_zone(&c, &node, &name, &name_len);
		if (rc)
			return fail(errline, line, rc);
		if (kt_lit(&c, ","))
			return fail(errline, line, -EINVAL); /* a pagetypeinfo row */
		while (!kt_at_end(&c)) {
			int64_t v;

			if (norders == KMEM_MAX_ORDERS)
				return fail(errline, line, -ERANGE);
			rc = kt_counter(&c, &v);
			if (rc)
				return fail(errline, line, rc);
			if (v < 0) { /* nr_free underflowed: printed %lu */
				wrapped = true;
				v = 0;
			}
			counts[norders++] = v;
		}
		if (norders == 0)
			return fail(errline, line, -EINVAL);
		i = kmem_zone_get(zones, cap, n, (int)node, name, name_len);
		if (i < 0)
			return fail(errline, line, i);
		for (int o = 0; o < KMEM_MAX_ORDERS; o++)
			zones[i].nr_free[o] = o < norders ? counts[o] : 0;
		zones[i].norders = norders;
		zones[i].known |= KMEM_ZK_BUDDY | (wrapped ? KMEM_ZK_WRAPPED : 0);
		seen++;
	}
	return seen ? 0 : fail(errline, line ? line : 1, -EINVAL);
}
