/* kmem_meminfo.c: the /proc/meminfo parser ("Name:   123 kB", or a bare count
 * such as HugePages_Total). Every pair is kept in file order; values stay in
 * the file's unit (kb says which). Pure: reads only [buf, buf+len), writes
 * only the caller's array; no allocation, no libc state. */
#include <errno.h>
#include "kmem.h"
#include "kmem_text.h"

static int fail(size_t *errline, size_t line, int rc)
{
	if (errline)
		*errline = line;
	return rc;
}

int kmem_parse_meminfo(const char *buf, size_t len, struct kmem_kv *kv, size_t cap,
		       size_t *n, size_t *errline)
{
	const char *pos = buf, *end = buf + len;
	struct kmem_cur c;
	size_t line = 0;

	if (errline)
		*errline = 0;
	if ((!buf && len) || !kv || !n)
		return -EINVAL;
	*n = 0;
	while (kt_next_line(&pos, end, &c)) {
		const char *name, *unit;
		size_t name_len, unit_len;
		bool kb = false;
		int64_t v;
		int rc;

		line++;
		if (kt_at_end(&c))
			continue;
		name = c.p;
		while (c.p < c.end && *c.p != ':' && !kt_space(*c.p))
			c.p++;
		name_len = (size_t)(c.p - name);
		if (name_len == 0 || c.p >= c.end || *c.p != ':')
			return fail(errline, line, -EINVAL);
		c.p++;
		rc = kt_i64(&c, &v, false);
		if (rc)
			return fail(errline, line, rc);
		if (kt_token(&c, &unit, &unit_len)) {
			if (!kt_eq(unit, unit_len, "kB"))
				return fail(errline, line, -EINVAL);
			kb = true;
		}
		if (!kt_at_end(&c))
			return fail(errline, line, -EINVAL);
		if (name_len >= KMEM_KEY_MAX)
			continue;
		if (*n >= cap)
			return fail(errline, line, -ENOSPC);
		memcpy(kv[*n].name, name, name_len);
		kv[*n].name[name_len] = '\0';
		kv[*n].value = v;
		kv[*n].kb = kb;
		(*n)++;
	}
	return *n ? 0 : fail(errline, line ? line : 1, -EINVAL);
}
