/* kmem_vmstat.c: the /proc/vmstat parser ("name value" per line) and the
 * name lookup shared with /proc/meminfo. Keeps every pair, in file order, so
 * callers pick what their kernel has (compact_*, thp_*, pgmajfault ...).
 * Pure: reads only [buf, buf+len), writes only the caller's array; no
 * allocation, no libc state. */
#include <errno.h>
#include "kmem.h"
#include "kmem_text.h"

static int fail(size_t *errline, size_t line, int rc)
{
	if (errline)
		*errline = line;
	return rc;
}

static bool name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || kt_digit(ch) ||
	       ch == '_' || ch == '(' || ch == ')' || ch == '-';
}

int kmem_parse_vmstat(const char *buf, size_t len, struct kmem_kv *kv, size_t cap,
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
		const char *name;
		size_t name_len;
		int64_t v;
		int rc;

		line++;
		if (!kt_token(&c, &name, &name_len))
			continue;
		for (size_t i = 0; i < name_len; i++)
			if (!name_char(name[i]))
				return fail(errline, line, -EINVAL);
		rc = kt_i64(&c, &v, true);
		if (rc)
			return fail(errline, line, rc);
		if (!kt_at_end(&c))
			return fail(errline, line, -EINVAL);
		if (name_len >= KMEM_KEY_MAX)
			continue; /* no counter we look up is that long */
		if (*n >= cap)
			return fail(errline, line, -ENOSPC);
		memcpy(kv[*n].name, name, name_len);
		kv[*n].name[name_len] = '\0';
		kv[*n].value = v;
		kv[*n].kb = false;
		(*n)++;
	}
	return *n ? 0 : fail(errline, line ? line : 1, -EINVAL);
}

bool kmem_kv_lookup(const struct kmem_kv *kv, size_t n, const char *name, int64_t *value)
{
	if (!kv || !name)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].name, name) == 0) {
			if (value)
				*value = kv[i].value;
			return true;
		}
	return false;
}
