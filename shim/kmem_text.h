/* kmem_text.h: bounded line and token scanning shared by the /proc parsers
 * (static inline, so each parser stays self-contained in the shim).
 * Never reads outside [p, end); never allocates; numbers overflow into
 * -ERANGE rather than wrapping (kt_counter: the kernel's %lu counters, read
 * up to 2^64-1 and kept as the negative value they wrapped from). A line ends at '\n' or at end of input; a
 * trailing '\r' and NUL bytes count as whitespace. */
#ifndef FG_KMEM_TEXT_H
#define FG_KMEM_TEXT_H
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct kmem_cur {
	const char *p, *end; /* the unread rest of one line */
};

static inline bool kt_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\0' || c == '\v' || c == '\f';
}

static inline bool kt_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Takes the next line of [*pos, end) into *line (without '\n'); false at end. */
static inline bool kt_next_line(const char **pos, const char *end, struct kmem_cur *line)
{
	const char *p = *pos, *q;

	if (p >= end)
		return false;
	q = memchr(p, '\n', (size_t)(end - p));
	line->p = p;
	line->end = q ? q : end;
	*pos = q ? q + 1 : end;
	return true;
}

static inline void kt_skip_ws(struct kmem_cur *c)
{
	while (c->p < c->end && kt_space(*c->p))
		c->p++;
}

static inline bool kt_at_end(struct kmem_cur *c)
{
	kt_skip_ws(c);
	return c->p >= c->end;
}

/* The next whitespace-delimited token (after skipping spaces); false if none. */
static inline bool kt_token(struct kmem_cur *c, const char **tok, size_t *len)
{
	kt_skip_ws(c);
	if (c->p >= c->end)
		return false;
	*tok = c->p;
	while (c->p < c->end && !kt_space(*c->p))
		c->p++;
	*len = (size_t)(c->p - *tok);
	return true;
}

static inline bool kt_eq(const char *tok, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len == n && memcmp(tok, lit, n) == 0;
}

/* Consumes literal `lit` after optional spaces; false (cursor unchanged) if absent. */
static inline bool kt_lit(struct kmem_cur *c, const char *lit)
{
	struct kmem_cur s = *c;
	size_t n = strlen(lit);

	kt_skip_ws(&s);
	if ((size_t)(s.end - s.p) < n || memcmp(s.p, lit, n) != 0)
		return false;
	s.p += n;
	*c = s;
	return true;
}

/* An unsigned decimal integer after optional spaces (optional leading '-' when
 * neg_ok). 0, -EINVAL when no digits, -ERANGE past INT64_MAX. */
static inline int kt_i64(struct kmem_cur *c, int64_t *out, bool neg_ok)
{
	bool neg = false;
	int64_t v = 0;

	kt_skip_ws(c);
	if (neg_ok && c->p < c->end && *c->p == '-') {
		neg = true;
		c->p++;
	}
	if (c->p >= c->end || !kt_digit(*c->p))
		return -EINVAL;
	while (c->p < c->end && kt_digit(*c->p)) {
		int d = *c->p - '0';

		if (v > (INT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
		c->p++;
	}
	*out = neg ? -v : v;
	return 0;
}

/* A kernel counter printed with %lu, a whole token: up to 2^64-1, where a
 * value from 2^63 up is a negative one wrapped (a counter that went below
 * zero) and is returned as that negative value. 0, -EINVAL, -ERANGE. */
static inline int kt_counter(struct kmem_cur *c, int64_t *out)
{
	uint64_t v = 0;

	kt_skip_ws(c);
	if (c->p >= c->end || !kt_digit(*c->p))
		return -EINVAL;
	while (c->p < c->end && kt_digit(*c->p)) {
		unsigned d = (unsigned)(*c->p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
		c->p++;
	}
	if (c->p < c->end && !kt_space(*c->p))
		return -EINVAL;
	*out = v > INT64_MAX ? -(int64_t)(UINT64_MAX - v) - 1 : (int64_t)v;
	return 0;
}

/* A whole token that is a decimal number: digits followed by space or end. */
static inline int kt_num_token(struct kmem_cur *c, int64_t *out)
{
	int rc = kt_i64(c, out, false);

	if (rc)
		return rc;
	if (c->p < c->end && !kt_space(*c->p))
		return -EINVAL;
	return 0;
}

/* "Node N, zone NAME" (the prefix of buddyinfo, zoneinfo and pagetypeinfo
 * lines); the zone name ends at space or ','. */
static inline int kt_node_zone(struct kmem_cur *c, int64_t *node, const char **name,
			       size_t *name_len)
{
	int rc;

	if (!kt_lit(c, "Node"))
		return -EINVAL;
	rc = kt_i64(c, node, false);
	if (rc)
		return rc;
	if (*node > 1 << 20)
		return -ERANGE;
	if (!kt_lit(c, ",") || !kt_lit(c, "zone"))
		return -EINVAL;
	kt_skip_ws(c);
	*name = c->p;
	while (c->p < c->end && !kt_space(*c->p) && *c->p != ',')
		c->p++;
	*name_len = (size_t)(c->p - *name);
	return *name_len ? 0 : -EINVAL;
}

#endif
