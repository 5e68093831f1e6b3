/* oomlog.c: finds OOM-kill and page-allocation-failure reports in kernel log
 * text and parses each section on its own (request, trace, Mem-info, zones,
 * buddy lists, task list, victim, constraints). Log prefixes (timestamps,
 * syslog, journalctl's layouts (short-*, verbose, export, json), Android, dmesg -x/-d/-T and its
 * --time-format layouts) are stripped per line and lines wrapped
 * by mail or web pages are rejoined. Never reads outside [buf, buf+len), never
 * allocates, keeps no state outside the caller's structs; every number is
 * range-checked, so arbitrary bytes only ever produce a thinner report. */
#include <string.h>
#include "oomlog.h"

#define NUM_MAX ((int64_t)1 << 52) /* larger numbers are treated as absent */

struct line {
	char s[OOMLOG_LINE_MAX];
	size_t n;
	int prefixed; /* a timestamp or syslog header was stripped */
	int meta;     /* a journal record's other field or header: not log text */
};

/* ---- small bounded helpers ------------------------------------------------ */

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_ident(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }
static int is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

static const char *skip_sp(const char *p)
{
	while (is_space(*p))
		p++;
	return p;
}

static int starts(const char *p, const char *pre)
{
	return strncmp(p, pre, strlen(pre)) == 0;
}

/* Parses an unsigned decimal at p; returns the end or NULL. */
static const char *get_u(const char *p, int64_t *v)
{
	int64_t x = 0;
	const char *s = p;

	while (is_digit(*p)) {
		if (x > NUM_MAX / 10)
			return NULL;
		x = x * 10 + (*p - '0');
		p++;
	}
	if (p == s)
		return NULL;
	*v = x;
	return p;
}

/* Signed decimal. */
static const char *get_i(const char *p, int64_t *v)
{
	int neg = 0;
	const char *e;

	if (*p == '-' || *p == '+') {
		neg = *p == '-';
		p++;
	}
	e = get_u(p, v);
	if (e && neg)
		*v = -*v;
	return e;
}

/* Hex with or without 0x. */
static const char *get_hex(const char *p, uint64_t *v)
{
	uint64_t x = 0;
	const char *s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	s = p;
	while (is_hex(*p)) {
		if (x >> 60)
			return NULL;
		int d = is_digit(*p) ? *p - '0' : (*p | 0x20) - 'a' + 10;
		x = (x << 4) | (uint64_t)d;
		p++;
	}
	if (p == s)
		return NULL;
	*v = x;
	return p;
}

/* Copies [s, s+n) into dst (cap bytes), trimmed, NUL-terminated. */
static void copy_str(char *dst, size_t cap, const char *s, size_t n)
{
	while (n && is_space(*s)) {
		s++;
		n--;
	}
	while (n && is_space(s[n - 1]))
		n--;
	if (n >= cap)
		n = cap - 1;
	/* Control bytes (a damaged log, a hostile comm) never reach a terminal. */
	for (size_t i = 0; i < n; i++)
		dst[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	dst[n] = 0;
}

/* Finds "key" followed by a number in line; key includes its separator
 * ("order=", "free:"). The match must start the line or follow a non-ident
 * character. Returns 1 and *v on success. */
static int find_num(const char *line, const char *key, int64_t *v)
{
	size_t kl = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key)) != NULL) {
		if (p == line || !is_ident(p[-1])) {
			if (get_i(p + kl, v))
				return 1;
		}
		p += kl;
	}
	return 0;
}

/* Same for a "key:NkB" value (also "KB"). */
static int find_kb(const char *line, const char *key, int64_t *v)
{
	return find_num(line, key, v);
}

/* ---- prefixes --------------------------------------------------------------- */

static const char *const months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};
static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

static int starts_word(const char *p, const char *const *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (starts(p, w[i]) && p[3] == ' ')
			return 1;
	return 0;
}

/* An ISO 8601 time at p, "2026-12-07T06:33:53,667649+00:00" (dmesg
 * --time-format=iso) or "2026-12-07T06:33:45.978548+0000": the byte after
 * it, or p when there is none. */
static const char *iso_stamp(const char *p)
{
	const char *q = p;

	if (!(is_digit(q[0]) && is_digit(q[1]) && is_digit(q[2]) && is_digit(q[3]) && q[4] == '-' &&
	      is_digit(q[5]) && is_digit(q[6]) && q[7] == '-' && is_digit(q[8]) && is_digit(q[9]) &&
	      (q[10] == 'T' || q[10] == ' ') && is_digit(q[11]) && is_digit(q[12]) && q[13] == ':'))
		return p;
	q += 14;
	while (is_digit(*q) || *q == ':' || *q == '.' || *q == ',' || *q == '+' || *q == '-' ||
	       *q == 'Z')
		q++;
	return *q == ' ' ? q : p;
}

/* Strips one bracketed timestamp or tag at p: "[ 4228.307769]", "[Mon May 28
 * 18:51:35 2018]", "[  T104]", "[pid:1361,cpu5,x]", "[c2]". Task-list rows
 * ("[  115]") and frame addresses ("[<c00b6c34>]", "[c1ca5d10]") stay. */
static const char *strip_bracket(const char *p, int *stamp)
{
	const char *e, *q;
	int dot = 0, colon = 0, alpha = 0, other = 0, digits = 0;

	if (*p != '[')
		return p;
	e = memchr(p, ']', 64);
	if (!e)
		return p;
	for (q = p + 1; q < e; q++) {
		if (*q == 0)
			return p;
		if (*q == '.')
			dot++;
		else if (*q == ':')
			colon++;
		else if (is_digit(*q))
			digits++;
		else if (is_alpha(*q))
			alpha++;
		else if (!is_space(*q))
			other++;
	}
	/* dmesg -d "[21399.667649 <    2.086398>]", --time-format=delta
	 * "[<    2.086398>]", reltime "[  +2.086398]"; journalctl -o short-delta */
	if (dot && digits && !alpha && !colon) {
		for (q = p + 1; q < e && (is_digit(*q) || is_space(*q) || *q == '.' || *q == '<' ||
					  *q == '>' || *q == '+'); q++)
			;
		if (q == e) {
			*stamp = 1;
			return e + 1;
		}
	}
	q = skip_sp(p + 1);
	if (starts(q, "pid:") || (starts(q, "<")))
		return starts(q, "pid:") ? e + 1 : p;
	/* printk caller id "[  T104]" / "[   C0]" / Qualcomm "[c2]" */
	if ((*q == 'T' || *q == 'C' || *q == 'c') && digits && !dot && !colon &&
	    alpha == 1 && !other) {
		int64_t id;
		const char *ie = get_u(q + 1, &id);
		if (ie && skip_sp(ie) == e)
			return e + 1;
	}
	if (dot && digits && !alpha && !colon && other == 0) {
		*stamp = 1;
		return e + 1;
	}
	/* reltime's minute line "[Dec 7 06:33]" */
	if (colon == 1 && alpha == 3 && digits >= 4 && !dot && starts_word(skip_sp(p + 1), months, 12)) {
		*stamp = 1;
		return e + 1;
	}
	if (dot && digits && alpha == 1 && (e[-1] == 's') && !colon) { /* "[309805.658142s]" */
		*stamp = 1;
		return e + 1;
	}
	if (colon >= 2 && alpha >= 3 && digits >= 4) { /* dmesg -T */
		*stamp = 1;
		return e + 1;
	}
	return p;
}

/* Makes a line safe to print: control bytes (C0, DEL, and C1 whether raw
 * or UTF-8 encoded) and bytes that are not valid UTF-8 become '?', so a
 * damaged log or a hostile task name cannot drive the reader's terminal. */
static void clean_text(char *t, size_t n)
{
	unsigned char *s = (unsigned char *)t;

	for (size_t i = 0; i < n;) {
		unsigned c = s[i], len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
				      : (c & 0xf8) == 0xf0 ? 4 : 0;
		int ok = len && i + len <= n && !(len == 2 && c < 0xc2) && !(len == 4 && c > 0xf4);

		for (unsigned k = 1; ok && k < len; k++)
			ok = (s[i + k] & 0xc0) == 0x80;
		/* No overlong forms, surrogates or code points past U+10FFFF. */
		if (ok && len == 3 && ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] > 0x9f)))
			ok = 0;
		if (ok && len == 4 && ((c == 0xf0 && s[i + 1] < 0x90) || (c == 0xf4 && s[i + 1] > 0x8f)))
			ok = 0;
		if (ok && len == 2 && c == 0xc2 && s[i + 1] < 0xa0)
			ok = 0; /* U+0080..U+009F: the C1 controls */
		if (ok && c == '\r')
			s[i] = ' ';
		else if (ok && len == 1 && ((c < 0x20 && c != '\t') || c == 0x7f))
			ok = 0;
		if (!ok) {
			s[i++] = '?';
			continue;
		}
		i += len;
	}
}

/* journalctl -o json / json-seq: the "MESSAGE" string of a record on one
 * line, unescaped into out (cap bytes with the NUL); its length, or -1 when
 * the line is a record without a string MESSAGE (a byte array: not UTF-8). */
static long json_message(const char *raw, size_t n, char *out, size_t cap)
{
	static const char key[] = "\"MESSAGE\":\"";
	const char *e = raw + n, *p = NULL;
	size_t k = 0;

	for (const char *q = raw; q + sizeof key - 1 <= e && !p; q++)
		if (!memcmp(q, key, sizeof key - 1))
			p = q + sizeof key - 1;
	if (!p)
		return -1;
	while (p < e && *p != '"' && k + 1 < cap) {
		char c = *p++;
		if (c == '\\' && p < e) {
			c = *p++;
			if (c == 'n' || c == 't' || c == 'r')
				c = ' ';
			else if (c == 'u') { /* \u00XX: journald escapes control bytes so */
				int64_t v = 0;
				for (int i = 0; i < 4 && p < e && is_hex(*p); i++, p++)
					v = v * 16 + (is_digit(*p) ? *p - '0' : (*p | 0x20) - 'a' + 10);
				c = v < 0x80 ? (char)v : '?';
			} else if (c != '"' && c != '\\' && c != '/') {
				c = '?';
			}
		}
		out[k++] = c;
	}
	out[k] = 0;
	return (long)k;
}

/* A journal record's line that is not log text: journalctl -o verbose's
 * fields ("    _PID=1", all but MESSAGE) and record headers ("Mon
 * 2026-12-07 06:33:45.990727 UTC [s=...;i=...]"), -o export's fields
 * ("__CURSOR=", "_BOOT_ID=", "PRIORITY=", "SYSLOG_..."). Sets *msg to the
 * text of a MESSAGE= field instead. */
static int journal_meta(const char *p, const char **msg)
{
	const char *q = p;
	int indent = 0;

	*msg = NULL;
	while (*q == ' ')
		q++, indent++;
	const char *k = q;
	while ((*q >= 'A' && *q <= 'Z') || is_digit(*q) || *q == '_')
		q++;
	if (*q == '=' && q - k >= 3 && !is_digit(*k)) {
		if (q - k == 7 && starts(k, "MESSAGE")) {
			*msg = q + 1;
			return 0;
		}
		/* unindented: only the names journald itself writes */
		return indent == 4 || *k == '_' || starts(k, "PRIORITY=") || starts(k, "SYSLOG_");
	}
	return !indent && (starts_word(p, days, 7) || starts_word(p, months, 12)) &&
	       strstr(p, " [s=") && strstr(p, ";i=") && strchr(p, ']');
}

/* Strips every known prefix from one raw line into l->s. */
static void strip_prefix(const char *raw, size_t n, struct line *l)
{
	char tmp[OOMLOG_LINE_MAX];
	size_t m = n < sizeof tmp - 1 ? n : sizeof tmp - 1;
	const char *p, *msg;

	l->prefixed = l->meta = 0;
	/* journalctl -o json (json-seq: after an RS byte) */
	if (n && (raw[0] == '{' || (raw[0] == 0x1e && n > 1 && raw[1] == '{'))) {
		long k = json_message(raw, n, tmp, sizeof tmp);
		if (k >= 0) {
			m = (size_t)k;
			clean_text(tmp, m);
			p = tmp;
			l->prefixed = 1;
			goto text;
		}
		if (memmem(raw, n, "\"__CURSOR\"", 10)) {
			l->meta = 1;
			l->n = 0;
			l->s[0] = 0;
			return;
		}
	}
	for (size_t i = 0; i < m; i++)
		tmp[i] = raw[i] ? raw[i] : ' ';
	tmp[m] = 0;
	clean_text(tmp, m);
	if (journal_meta(tmp, &msg)) {
		l->meta = 1;
		l->n = 0;
		l->s[0] = 0;
		return;
	}
	p = msg ? msg : skip_sp(tmp);
	if (msg) {
		l->prefixed = 1;
		goto text;
	}

	/* Logcat "07-13 08:41:51.341 " */
	if (is_digit(p[0]) && is_digit(p[1]) && p[2] == '-' && is_digit(p[3]) && is_digit(p[4]) &&
	    p[5] == ' ' && is_digit(p[6]) && is_digit(p[7]) && p[8] == ':') {
		const char *q = p + 6;
		while (*q && !is_space(*q))
			q++;
		p = skip_sp(q);
		l->prefixed = 1;
	}
	/* syslog / journal: "May 28 18:51:34 host [tag:] kernel: ", ISO dates,
	 * "Mon 2026-12-07 06:33:45 UTC host kernel: " (journalctl short-full),
	 * "1796625225.978548 host kernel: " (short-unix). */
	int syslog = starts_word(p, months, 12) || starts_word(p, days, 7);
	if (is_digit(p[0]) && is_digit(p[1]) && is_digit(p[2]) && is_digit(p[3]) && p[4] == '-')
		syslog = 1;
	if (is_digit(p[0])) {
		const char *q = p;
		while (is_digit(*q))
			q++;
		if (q - p >= 9 && *q == '.' && is_digit(q[1]))
			syslog = 1;
	}
	if (syslog) {
		const char *k = strstr(p, "kernel:");
		if (k && k - p < 120) {
			p = skip_sp(k + 7);
			l->prefixed = 1;
		} else if (iso_stamp(p) != p) { /* dmesg --time-format=iso */
			p = skip_sp(iso_stamp(p));
			l->prefixed = 1;
		}
	} else {
		/* Any other host/time prefix (redacted "... kernel: [stamp]",
		 * other date formats) before the kernel's own timestamp. */
		const char *k = strstr(p, " kernel: [");
		if (k && k - p < 120) {
			p = k + 9;
			l->prefixed = 1;
		}
	}
	/* dmesg -x "kern  :warn  : " */
	if (starts(p, "kern ") || starts(p, "kern:")) {
		const char *q = strchr(p, ':');
		if (q && (q = strchr(q + 1, ':')) != NULL && q - p < 20) {
			p = skip_sp(q + 1);
			l->prefixed = 1;
		}
	}
	for (int round = 0; round < 6; round++) {
		const char *q = p;
		int stamp = 0;
		if (*q == '<' && is_digit(q[1]) && q[2] == '>')
			q += 3;
		else if (*q == '<' && is_digit(q[1]) && is_digit(q[2]) && q[3] == '>')
			q += 4;
		q = strip_bracket(q, &stamp);
		/* MediaTek "(2)[123:comm]" */
		if (*q == '(' && is_digit(q[1])) {
			const char *r = q + 1;
			while (is_digit(*r))
				r++;
			if (*r == ')' && r[1] == '[') {
				const char *e = memchr(r + 1, ']', 64);
				if (e && is_digit(r[2]))
					q = e + 1;
			}
		}
		if (stamp) {
			l->prefixed = 1;
			if (q[0] == ':' && q[1] == ' ') /* vendor "[stamp]: text" */
				q++;
		}
		if (q == p)
			break;
		p = q;
		/* one space after a timestamp is the separator; keep deeper indent */
		if (*p == ' ')
			p++;
	}
	/* journalctl -o short-monotonic, short-delta: "[stamp] host kernel: ",
	 * the stamp at the very start of the line and nothing else stripped */
	if (l->prefixed && !is_space(*p) && tmp[0] == '[' && !syslog && !strstr(tmp, " kernel: [")) {
		const char *q = p;
		while (*q && !is_space(*q) && q - p < 64)
			q++;
		if (starts(q, " kernel: "))
			p = q + 9;
	}
text:
	p = skip_sp(p);
	l->n = strlen(p);
	memmove(l->s, p, l->n + 1);
	while (l->n && is_space(l->s[l->n - 1]))
		l->s[--l->n] = 0;
}

/* ---- line classification ---------------------------------------------------- */

/* "(Node N )?NAME" then sep; returns the char after NAME, sets node/name. */
static const char *zone_head(const char *p, int *node, const char **name, size_t *nlen)
{
	int64_t v;

	*node = -1;
	if (starts(p, "Node ")) {
		const char *e = get_u(p + 5, &v);
		if (!e || *e != ' ' || v > 4096)
			return NULL;
		*node = (int)v;
		p = e + 1;
	}
	*name = p;
	while (is_ident(*p))
		p++;
	*nlen = (size_t)(p - *name);
	if (*nlen == 0 || *nlen >= KMEM_ZONE_NAME_MAX || !is_alpha(**name))
		return NULL;
	return p;
}

static int is_zone_line(const char *s)
{
	int node;
	const char *name, *p;
	size_t nl;

	p = zone_head(s, &node, &name, &nl);
	return p && starts(p, " free:") && strstr(p, "min:") != NULL;
}

static int is_buddy_line(const char *s)
{
	int node;
	const char *name, *p;
	size_t nl;
	int64_t v;

	p = zone_head(s, &node, &name, &nl);
	if (!p || *p != ':')
		return 0;
	p = skip_sp(p + 1);
	p = get_u(p, &v);
	return p && *p == '*';
}

static int is_start(const char *s)
{
	return strstr(s, " invoked oom-killer") || starts(s, "oom-killer: gfp_mask=") ||
	       strstr(s, "page allocation failure") ||
	       strstr(s, "page allocation stalls for ") || strstr(s, "vmalloc error: size ") ||
	       strstr(s, "vmalloc: allocation failure");
}

/* Lines that never continue a wrapped line even without a prefix. */
static int own_line(const char *s)
{
	return starts(s, "lowmem_reserve") || starts(s, "[ ") || starts(s, "[<") ||
	       starts(s, "Node ") || is_zone_line(s) || is_buddy_line(s) || is_start(s) ||
	       starts(s, "Mem-") || starts(s, "CPU: ") || starts(s, "Call Trace") ||
	       starts(s, "Out of memory") || starts(s, "Killed process");
}

/* ---- the reader --------------------------------------------------------------- */

/* Reads the raw line at *pos (without '\n'), advancing *pos. */
static int raw_line(const char *buf, size_t len, size_t *pos, const char **s, size_t *n)
{
	const char *p, *q;

	if (*pos >= len)
		return 0;
	p = buf + *pos;
	q = memchr(p, '\n', len - *pos);
	*s = p;
	*n = q ? (size_t)(q - p) : len - *pos;
	*pos = q ? (size_t)(q - buf) + 1 : len;
	return 1;
}

/* Reads one logical line: a raw line plus its wrapped continuations. */
static int next_line(struct oomlog_ctx *c, struct line *l)
{
	const char *s;
	size_t n;

	do {
		if (!raw_line(c->buf, c->len, &c->pos, &s, &n))
			return 0;
		c->lineno++;
		strip_prefix(s, n, l);
	} while (l->meta);
	for (int joins = 0; joins < 64; joins++) {
		struct line nx;
		size_t save = c->pos;
		int want = l->n >= 11 && !strcmp(l->s + l->n - 11, "oom-killer:");
		/* A quoted log folded with backslash-newline: glue without a space. */
		if (l->n && l->s[l->n - 1] == '\\') {
			if (!raw_line(c->buf, c->len, &save, &s, &n))
				break;
			c->pos = save;
			c->lineno++;
			l->s[--l->n] = 0;
			size_t from = l->n;
			for (size_t i = 0; i < n && l->n + 1 < sizeof l->s; i++)
				l->s[l->n++] = s[i] ? s[i] : ' ';
			l->s[l->n] = 0;
			clean_text(l->s + from, l->n - from);
			while (l->n && is_space(l->s[l->n - 1]))
				l->s[--l->n] = 0;
			continue;
		}
		if (!raw_line(c->buf, c->len, &save, &s, &n))
			break;
		strip_prefix(s, n, &nx);
		if (!nx.n || nx.meta)
			break;
		if (!want && !(l->prefixed && !nx.prefixed && !own_line(nx.s)))
			break;
		if (want && (nx.prefixed || own_line(nx.s)))
			break;
		c->pos = save;
		c->lineno++;
		if (l->n + 1 + nx.n < sizeof l->s) {
			/* A path cut after a '/' (a cgroup, a file) goes on without a space. */
			if (!l->n || l->s[l->n - 1] != '/')
				l->s[l->n++] = ' ';
			memcpy(l->s + l->n, nx.s, nx.n + 1);
			l->n += nx.n;
		}
	}
	return 1;
}

/* ---- section parsers ------------------------------------------------------------ */

static void parse_release(struct oomlog_report *r, const char *s)
{
	int64_t a, b, c = 0;
	const char *p = get_u(s, &a), *e;

	if (!p || *p != '.' || a < 2 || a > 20)
		return;
	p = get_u(p + 1, &b);
	if (!p || b > 99)
		return;
	if (*p == '.' && get_u(p + 1, &c)) {
		if (c > 9999)
			c = 0;
	}
	for (e = s; *e && !is_space(*e); e++)
		;
	copy_str(r->release, sizeof r->release, s, (size_t)(e - s));
	r->kmajor = (int)a;
	r->kminor = (int)b;
	r->kpatch = (int)c;
	r->have |= OOMLOG_H_RELEASE;
}

/* "gfp_mask=0x2084d0(GFP_KERNEL|...)" at p. */
static void parse_gfp(struct oomlog_report *r, const char *p)
{
	uint64_t v;
	const char *e = get_hex(p, &v);

	if (!e)
		return;
	r->gfp = v;
	r->have |= OOMLOG_H_GFP;
	if (*e == '(') {
		const char *c = strchr(e, ')');
		if (c && c > e + 1) {
			copy_str(r->gfp_names, sizeof r->gfp_names, e + 1, (size_t)(c - e - 1));
			r->have |= OOMLOG_H_GFP_NAMES;
			r->hints |= OOMLOG_HINT_NAMES;
		}
	}
}

static void parse_request(struct oomlog_report *r, const char *s, const char *at, int failure)
{
	int64_t v;
	const char *p;

	r->kind = failure == 3 ? OOMLOG_KIND_VMALLOC : failure == 2 ? OOMLOG_KIND_STALL :
		  failure ? OOMLOG_KIND_ALLOC_FAIL : OOMLOG_KIND_OOM;
	r->have |= OOMLOG_H_REQUEST;
	/* The task name precedes " invoked" or ": page allocation failure". */
	size_t n = (size_t)(at - s);
	if (failure && n && s[n - 1] == ':')
		n--;
	/* A task name is at most 15 bytes (TASK_COMM_LEN): anything longer
	 * has other output glued in front (a program's console line without
	 * its newline); keep what follows its last ']' or space. */
	if (n > 15) {
		size_t k = n;
		while (k > n - 16 && s[k - 1] != ']' && s[k - 1] != ' ')
			k--;
		if (k > n - 16 && k < n) {
			s += k;
			n -= k;
		}
	}
	copy_str(r->task, sizeof r->task, s, n);
	if ((p = strstr(at, "gfp_mask=")) != NULL)
		parse_gfp(r, p + 9);
	else if ((p = strstr(at, "mode:")) != NULL)
		parse_gfp(r, p + 5);
	if (find_num(at, "order=", &v) || find_num(at, "order:", &v)) {
		if (v >= 0 && v < 64) {
			r->order = (int)v;
			r->have |= OOMLOG_H_ORDER;
		}
	}
	if (find_num(at, "oom_score_adj=", &v) && v >= -1000 && v <= 1000)
		r->oom_score_adj = (int)v;
	if (strstr(at, "oomkilladj="))
		r->hints |= OOMLOG_HINT_OOMKILLADJ;
}

/* "CPU: 2 PID: 19687 Comm: cored Tainted: G O 3.10.53 #1", "Pid: 2757, comm:
 * smbd Not tainted 2.6.24.2 #1", "CPU: 0 Not tainted 2.6.28 #1". */
static void parse_cpu_line(struct oomlog_report *r, const char *s)
{
	int64_t v;
	const char *p, *c;

	if ((r->have & OOMLOG_H_PID) == 0) {
		if (find_num(s, "PID: ", &v) || find_num(s, "Pid: ", &v)) {
			r->pid = (long)v;
			r->have |= OOMLOG_H_PID;
		}
	}
	c = strstr(s, "Comm: ");
	if (!c)
		c = strstr(s, "comm: ");
	if (c && !r->task[0]) {
		const char *e = c + 6;
		while (*e && !is_space(*e))
			e++;
		copy_str(r->task, sizeof r->task, c + 6, (size_t)(e - c - 6));
	}
	if (r->have & OOMLOG_H_RELEASE)
		return;
	p = c ? c + 6 : s;
	if (c)
		while (*p && !is_space(*p))
			p++;
	/* The release is the first token that looks like N.N after the comm. */
	while (*p) {
		p = skip_sp(p);
		if (is_digit(*p) && (p[1] == '.' || (is_digit(p[1]) && p[2] == '.'))) {
			parse_release(r, p);
			return;
		}
		while (*p && !is_space(*p))
			p++;
	}
}

static void parse_frame(struct oomlog_report *r, const char *s)
{
	const char *p = s;
	int arm = 0, addr = 0;

	if (*p == '(')
		p++;
	for (int i = 0; i < 3; i++) {
		if (*p == '[') {
			const char *e = memchr(p, ']', 24);
			if (!e)
				return;
			const char *q = p + 1;
			if (*q == '<')
				q++;
			/* "[]": an address a web page's sanitiser took for a tag */
			if (!is_hex(*q) && !(q == p + 1 && *q == ']'))
				return;
			addr = 1;
			p = skip_sp(e + 1);
		}
	}
	int unreliable = p[0] == '?' && p[1] == ' ';
	if (unreliable)
		p = skip_sp(p + 1); /* kept with a '?' mark: often stale stack contents */
	if (*p == '(' && addr) {
		arm = 1;
		p++;
	}
	if (*p == '.' && addr) /* ppc64 (ELF v1): ".show_stack+0x130/0x200" */
		p++;
	const char *n = p;
	while (is_ident(*p) || *p == '.' || *p == '$')
		p++;
	if (p == n || !(is_alpha(*n) || *n == '_'))
		return;
	/* ARM from 5.x: "callee from caller+0x18/0x1c", the caller part possibly
	 * wrapped onto the next line: the callee is this line's frame. */
	int from = 0;
	if (starts(p, " from ")) {
		const char *q = skip_sp(p + 6);
		const char *qe = q;
		while (is_ident(*qe) || *qe == '.')
			qe++;
		from = (!*q) || (qe > q && (starts(qe, "+0x") || !*qe));
	}
	if (!(starts(p, "+0x") || (arm && *p == ')') || from))
		return;
	if (strstr(p, "(unreliable)")) /* ppc's mark for a guessed frame */
		unreliable = 1;
	size_t len = (size_t)(p - n);
	const char *dot = memchr(n, '.', len);
	if (dot)
		len = (size_t)(dot - n);
	if (len >= OOMLOG_FRAME_LEN - 1)
		len = OOMLOG_FRAME_LEN - 2;
	char f[OOMLOG_FRAME_LEN];
	size_t fl = 0;
	if (unreliable)
		f[fl++] = '?';
	memcpy(f + fl, n, len);
	f[fl + len] = 0;
	if (r->nframes && !strcmp(r->frames[r->nframes - 1], f))
		return;
	if (r->nframes >= OOMLOG_MAX_FRAMES)
		return;
	memcpy(r->frames[r->nframes], f, fl + len + 1);
	r->nframes++;
	r->have |= OOMLOG_H_TRACE;
}

static int zone_slot(struct oomlog_report *r, int node, const char *name, size_t nl)
{
	for (size_t i = 0; i < r->nzones; i++)
		if (r->zones[i].node == node && strlen(r->zones[i].name) == nl &&
		    !memcmp(r->zones[i].name, name, nl))
			return (int)i;
	/* A buddy line without "Node N" matches a zone line with it (and back). */
	for (size_t i = 0; i < r->nzones; i++)
		if ((r->zones[i].node < 0 || node < 0) && strlen(r->zones[i].name) == nl &&
		    !memcmp(r->zones[i].name, name, nl))
			return (int)i;
	if (r->nzones >= OOMLOG_MAX_ZONES)
		return -1;
	struct kmem_zone *z = &r->zones[r->nzones];
	memset(z, 0, sizeof *z);
	z->node = node;
	memcpy(z->name, name, nl);
	z->name[nl] = 0;
	z->kind = KMEM_ZONE_OTHER;
	static const char *const kinds[] = { "DMA", "DMA32", "Normal", "HighMem", "Movable", "Device" };
	for (int k = 0; k < 6; k++)
		if (strlen(kinds[k]) == nl && !memcmp(kinds[k], name, nl))
			z->kind = (enum kmem_zone_kind)k;
	z->idx = -1;
	r->buddy_total_kb[r->nzones] = -1;
	r->zone_line_seen[r->nzones] = 0;
	r->buddy_unit_kb[r->nzones] = 0;
	return (int)r->nzones++;
}

/* Zone watermark line; values stay in kB until the page size is known. */
static int parse_zone(struct oomlog_report *r, const char *s)
{
	int node;
	const char *name, *p;
	size_t nl;
	int64_t v;

	p = zone_head(s, &node, &name, &nl);
	if (!p)
		return -1;
	int i = zone_slot(r, node, name, nl);
	if (i < 0)
		return -1;
	struct kmem_zone *z = &r->zones[i];
	if (node >= 0)
		r->hints |= OOMLOG_HINT_NODE_ZONE;
	if (r->zone_line_seen[i])
		return i; /* a later Mem-info snapshot: the first is the failure's */
	r->zone_line_seen[i] = 1;
	r->have |= OOMLOG_H_ZONES;
	if (find_kb(p, "free:", &v) && v >= 0) {
		z->free = v;
		z->known |= KMEM_ZK_FREE;
	}
	if (find_kb(p, "min:", &v) && v >= 0) {
		z->min = v;
		z->known |= KMEM_ZK_MIN;
	}
	if (find_kb(p, "low:", &v) && v >= 0) {
		z->low = v;
		z->known |= KMEM_ZK_LOW;
	}
	if (find_kb(p, "high:", &v) && v >= 0) {
		z->high = v;
		z->known |= KMEM_ZK_HIGH;
	}
	if (find_kb(p, "boost:", &v) && v >= 0) {
		z->boost = v;
		z->known |= KMEM_ZK_BOOST;
		r->hints |= OOMLOG_HINT_BOOST;
	}
	if (find_kb(p, "reserved_highatomic:", &v) && v >= 0) {
		z->reserved_highatomic = v;
		z->known |= KMEM_ZK_HIGHATOMIC;
		r->hints |= OOMLOG_HINT_HIGHATOMIC;
	}
	if (find_kb(p, "managed:", &v) && v >= 0) {
		z->managed = v;
		z->known |= KMEM_ZK_MANAGED;
	}
	if (find_kb(p, "present:", &v) && v >= 0) {
		z->present = v;
		z->known |= KMEM_ZK_PRESENT;
	}
	if (find_kb(p, "free_cma:", &v) && v >= 0) {
		z->free_cma = v;
		z->known |= KMEM_ZK_FREE_CMA;
		r->hints |= OOMLOG_HINT_FREE_CMA;
	}
	if (strstr(p, "all_unreclaimable?"))
		r->hints |= OOMLOG_HINT_ZONE_UNRECL;
	if (strstr(p, "writepending:"))
		r->hints |= OOMLOG_HINT_WRITEPENDING;
	return i;
}

static void parse_reserve(struct oomlog_report *r, int zi, const char *s)
{
	const char *p = strchr(s, ':');
	struct kmem_zone *z;
	int64_t v;

	if (zi < 0 || (size_t)zi >= r->nzones || !p)
		return;
	z = &r->zones[zi];
	if (z->known & KMEM_ZK_PROTECTION)
		return;
	p++;
	while (*p) {
		p = skip_sp(p);
		const char *e = get_u(p, &v);
		if (!e || z->nprotection >= KMEM_MAX_ZONES)
			break;
		z->protection[z->nprotection++] = v;
		p = e;
	}
	if (z->nprotection)
		z->known |= KMEM_ZK_PROTECTION;
}

static void parse_buddy(struct oomlog_report *r, const char *s)
{
	int node;
	const char *name, *p;
	size_t nl;
	int64_t cnt, unit;

	p = zone_head(s, &node, &name, &nl);
	if (!p || *p != ':')
		return;
	int i = zone_slot(r, node, name, nl);
	if (i < 0)
		return;
	struct kmem_zone *z = &r->zones[i];
	int col = 0;
	int64_t prev = 0;
	if (z->known & KMEM_ZK_BUDDY)
		return; /* keep the first snapshot */
	p++;
	z->norders = 0;
	while (*p) {
		p = skip_sp(p);
		if (*p == '=') {
			int64_t tot;
			const char *e = get_u(skip_sp(p + 1), &tot);
			if (e)
				r->buddy_total_kb[i] = tot;
			break;
		}
		const char *e = get_u(p, &cnt);
		if (!e || *e != '*')
			break;
		e = get_u(e + 1, &unit);
		if (!e || (*e != 'k' && *e != 'K') || unit <= 0)
			break;
		/* Units double per column; anything else is not a buddy line. */
		if (col && unit != prev * 2)
			break;
		if (!col)
			r->buddy_unit_kb[i] = (int)(unit > 1 << 20 ? 0 : unit);
		prev = unit;
		e += 2; /* "kB" */
		if (col < KMEM_MAX_ORDERS) {
			z->nr_free[col] = cnt;
			z->mt_mask[col] = 0;
		}
		p = skip_sp(e);
		if (*p == '(') {
			const char *c = p + 1;
			while (is_alpha(*c)) {
				int mt = -1;
				switch (*c) {
				case 'U': mt = KMEM_MT_UNMOVABLE; break;
				case 'M': mt = KMEM_MT_MOVABLE; break;
				case 'E': mt = KMEM_MT_RECLAIMABLE; break;
				case 'H': mt = KMEM_MT_HIGHATOMIC; break;
				case 'C': mt = KMEM_MT_CMA; break;
				case 'I': mt = KMEM_MT_ISOLATE; break;
				case 'R': mt = KMEM_MT_RESERVE; r->hints |= OOMLOG_HINT_RESERVE_R; break;
				default: break;
				}
				if (mt >= 0 && col < KMEM_MAX_ORDERS) {
					z->mt_mask[col] |= (uint8_t)(1u << mt);
					z->known |= KMEM_ZK_MT_MASK;
					if (mt == KMEM_MT_CMA)
						z->known |= KMEM_ZK_CMA_PRESENT;
				}
				c++;
			}
			if (*c == ')')
				p = c + 1;
		}
		col++;
	}
	if (col) {
		z->norders = col < KMEM_MAX_ORDERS ? col : KMEM_MAX_ORDERS;
		z->known |= KMEM_ZK_BUDDY;
		r->have |= OOMLOG_H_BUDDY;
	}
}

static const struct { const char *key; int idx; } mi_keys[] = {
	{ "free:", OOMLOG_MI_FREE }, { "free_cma:", OOMLOG_MI_FREE_CMA },
	{ "free_pcp:", OOMLOG_MI_FREE_PCP }, { "active_anon:", OOMLOG_MI_ACTIVE_ANON },
	{ "Active_anon:", OOMLOG_MI_ACTIVE_ANON }, { "inactive_anon:", OOMLOG_MI_INACTIVE_ANON },
	{ "active_file:", OOMLOG_MI_ACTIVE_FILE }, { "inactive_file:", OOMLOG_MI_INACTIVE_FILE },
	{ "unevictable:", OOMLOG_MI_UNEVICTABLE }, { "dirty:", OOMLOG_MI_DIRTY },
	{ "writeback:", OOMLOG_MI_WRITEBACK }, { "slab_reclaimable:", OOMLOG_MI_SLAB_RECLAIMABLE },
	{ "slab_unreclaimable:", OOMLOG_MI_SLAB_UNRECLAIMABLE }, { "mapped:", OOMLOG_MI_MAPPED },
	{ "shmem:", OOMLOG_MI_SHMEM }, { "pagetables:", OOMLOG_MI_PAGETABLES },
};

/* A Mem-info summary line: "key:N key:N" without units. */
static int parse_meminfo(struct oomlog_report *r, const char *s)
{
	int64_t v;
	int hit = 0;
	const char *p = s, *c;

	/* Its first token must be key:digits (no kB). */
	c = p;
	while (is_ident(*c))
		c++;
	if (c == p || *c != ':' || !get_u(c + 1, &v))
		return 0;
	const char *e = get_u(c + 1, &v);
	if (e && (*e == 'k' || *e == 'K'))
		return 0;
	for (size_t i = 0; i < sizeof mi_keys / sizeof mi_keys[0]; i++) {
		const char *k = s;
		size_t kl = strlen(mi_keys[i].key);
		while ((k = strstr(k, mi_keys[i].key)) != NULL) {
			if ((k == s || is_space(k[-1])) && (e = get_u(k + kl, &v)) != NULL &&
			    *e != 'k' && *e != 'K') {
				r->mi[mi_keys[i].idx] = v;
				r->mi_have |= 1u << mi_keys[i].idx;
				hit = 1;
				if (mi_keys[i].idx == OOMLOG_MI_FREE_CMA)
					r->hints |= OOMLOG_HINT_FREE_CMA;
				break;
			}
			k += kl;
		}
	}
	if (hit)
		r->have |= OOMLOG_H_MEMINFO;
	return hit;
}

/* Task list columns. */
enum { C_PID, C_UID, C_TGID, C_TOTAL_VM, C_RSS, C_PTES, C_PMDS, C_PGT_BYTES, C_SWAP, C_ADJ,
       C_SCORE_ADJ, C_OTHER, C_NAME };

struct tasklist {
	int ncols;
	int col[24];
	int active;
};

static void parse_task_header(struct tasklist *tl, struct oomlog_report *r, const char *s)
{
	char word[32];
	const char *p = s;

	tl->ncols = 0;
	tl->active = 1;
	r->have |= OOMLOG_H_TASKS;
	while (*p && tl->ncols < 24) {
		while (*p == '[' || *p == ']' || is_space(*p))
			p++;
		const char *b = p;
		while (*p && *p != '[' && *p != ']' && !is_space(*p))
			p++;
		if (p == b)
			break;
		copy_str(word, sizeof word, b, (size_t)(p - b));
		int c = C_OTHER;
		if (!strcmp(word, "pid")) c = C_PID;
		else if (!strcmp(word, "uid")) c = C_UID;
		else if (!strcmp(word, "tgid")) c = C_TGID;
		else if (!strcmp(word, "total_vm")) c = C_TOTAL_VM;
		else if (!strcmp(word, "rss")) c = C_RSS;
		else if (!strcmp(word, "nr_ptes")) { c = C_PTES; r->hints |= OOMLOG_HINT_NR_PTES; }
		else if (!strcmp(word, "nr_pmds")) c = C_PMDS;
		else if (!strcmp(word, "pgtables_bytes")) { c = C_PGT_BYTES; r->hints |= OOMLOG_HINT_PGT_BYTES; }
		else if (!strcmp(word, "swapents")) c = C_SWAP;
		else if (!strcmp(word, "oom_adj")) { c = C_ADJ; r->hints |= OOMLOG_HINT_TASK_CPU; }
		else if (!strcmp(word, "oom_score_adj")) c = C_SCORE_ADJ;
		else if (!strcmp(word, "name")) c = C_NAME;
		tl->col[tl->ncols++] = c;
	}
}

static int64_t task_points(const struct oomlog_task *t)
{
	return t->rss + t->swapents + t->pgtables;
}

static void parse_task_row(struct tasklist *tl, struct oomlog_report *r, const char *s)
{
	struct oomlog_task t;
	const char *p = s + 1;
	int64_t v;
	int have_adj = 0;

	memset(&t, 0, sizeof t);
	t.pgtables_bytes = -1;
	for (int i = 0; i < tl->ncols; i++) {
		while (*p == ']' || is_space(*p))
			p++;
		if (tl->col[i] == C_NAME) {
			copy_str(t.comm, sizeof t.comm, p, strlen(p));
			break;
		}
		const char *e = get_i(p, &v);
		if (!e)
			return;
		p = e;
		switch (tl->col[i]) {
		case C_PID: t.pid = (long)v; break;
		case C_UID: t.uid = (long)v; break;
		case C_TGID: t.tgid = (long)v; break;
		case C_TOTAL_VM: t.total_vm = v; break;
		case C_RSS: t.rss = v; break;
		case C_PTES: case C_PMDS: t.pgtables += v; break;
		case C_PGT_BYTES: t.pgtables_bytes = v; break;
		case C_SWAP: t.swapents = v; break;
		case C_SCORE_ADJ: t.oom_score_adj = (int)v; have_adj = 1; break;
		case C_ADJ: if (!have_adj) t.oom_score_adj = (int)v; break;
		default: break;
		}
	}
	if (!t.pid && !t.comm[0])
		return;
	if (t.pgtables_bytes >= 0)
		t.pgtables = t.pgtables_bytes / 4096; /* refined once the page size is known */
	t.row = (int)r->tasks_seen++;
	if (r->have & OOMLOG_H_PID && t.pid == r->pid)
		r->requester = t;
	/* Keep the largest by rss + swap + page tables. */
	size_t at = r->ntasks;
	if (r->ntasks == OOMLOG_MAX_TASKS) {
		size_t lo = 0;
		for (size_t i = 1; i < r->ntasks; i++)
			if (task_points(&r->tasks[i]) < task_points(&r->tasks[lo]))
				lo = i;
		if (task_points(&r->tasks[lo]) >= task_points(&t))
			return;
		at = lo;
	} else {
		r->ntasks++;
	}
	r->tasks[at] = t;
}

/* "Kill process N (comm) score S", "Killed process N (comm) total-vm:..." */
static const char *pid_comm(const char *p, long *pid, char *comm, size_t cap)
{
	int64_t v;
	const char *e = get_u(skip_sp(p), &v);

	if (!e)
		return NULL;
	*pid = (long)v;
	e = skip_sp(e);
	/* RHEL 6: "Killed process 6608, UID 500, (top) total-vm:..." */
	if (*e == ',') {
		const char *c = memchr(e, '(', strnlen(e, 32));
		if (c)
			e = c;
	}
	if (*e == '(') {
		/* A name is at most 15 bytes (TASK_COMM_LEN) and may hold ')' and
		 * spaces: the first ") " within reach, else the last ')' there
		 * (a line glued to the next one by a mail archive). */
		size_t reach = strnlen(e, 20);
		const char *c = NULL;
		for (size_t i = 1; i + 1 < reach && !c; i++)
			if (e[i] == ')' && e[i + 1] == ' ')
				c = e + i;
		for (size_t i = reach; !c && i-- > 1;)
			if (e[i] == ')')
				c = e + i;
		if (!c)
			c = strrchr(e, ')');
		if (c) {
			copy_str(comm, cap, e + 1, (size_t)(c - e - 1));
			return c + 1;
		}
	}
	return e;
}

static void parse_kill(struct oomlog_report *r, const char *s)
{
	const char *p;
	int64_t v;

	if ((p = strstr(s, "Killed process ")) != NULL) {
		const char *e = pid_comm(p + 15, &r->killed_pid, r->killed_comm, sizeof r->killed_comm);
		if (!e)
			return;
		r->have |= OOMLOG_H_KILLED;
		if (strstr(s, "Out of memory: Killed") || strstr(s, "out of memory: Killed") ||
		    strstr(s, "(oom_kill_allocating_task): Killed"))
			r->hints |= OOMLOG_HINT_OOM_KILLED;
		if (strstr(s, "oom_kill_allocating_task"))
			r->hints |= OOMLOG_HINT_KILL_ASKER;
		if (find_kb(e, "total-vm:", &v) || find_kb(e, "vsz:", &v))
			r->killed_total_vm_kb = v;
		if (find_kb(e, "anon-rss:", &v))
			r->killed_anon_rss_kb = v;
		if (find_kb(e, "file-rss:", &v))
			r->killed_file_rss_kb = v;
		if (find_kb(e, "shmem-rss:", &v))
			r->killed_shmem_rss_kb = v;
		if (find_kb(e, "pgtables:", &v))
			r->killed_pgtables_kb = v;
		return;
	}
	p = strstr(s, "ill process ");
	if (p && !strstr(s, "sharing same memory")) {
		const char *e = pid_comm(p + 12, &r->chosen_pid, r->chosen_comm, sizeof r->chosen_comm);
		if (!e)
			return;
		r->have |= OOMLOG_H_CHOSEN;
		if (find_num(e, "score ", &v))
			r->chosen_score = (long)v;
		if (strstr(e, "sacrifice child"))
			r->hints |= OOMLOG_HINT_SACRIFICE;
		else if (strstr(e, "or a child"))
			r->hints |= OOMLOG_HINT_OR_A_CHILD;
		if (strstr(s, "oom_kill_allocating_task"))
			r->hints |= OOMLOG_HINT_KILL_ASKER;
	}
}

static void copy_field(char *dst, size_t cap, const char *s, const char *key)
{
	const char *p = strstr(s, key);

	if (!p)
		return;
	p += strlen(key);
	const char *e = p;
	while (*e && *e != ',' && !is_space(*e))
		e++;
	copy_str(dst, cap, p, (size_t)(e - p));
}

/* ---- the report ---------------------------------------------------------------- */

static int ilog2_exact(int64_t v)
{
	int k = 0;

	if (v <= 0)
		return -1;
	while (!(v & 1)) {
		v >>= 1;
		k++;
	}
	return v == 1 ? k : -1;
}

/* Converts kB to pages and buddy columns to orders once the page size is known. */
static void finish(struct oomlog_report *r)
{
	int pkb = 0;

	for (size_t i = 0; i < r->nzones; i++)
		if (r->buddy_unit_kb[i] > 0 && (pkb == 0 || r->buddy_unit_kb[i] < pkb))
			pkb = r->buddy_unit_kb[i];
	if (pkb > 0 && ilog2_exact(pkb) >= 0 && pkb <= 1024)
		r->have |= OOMLOG_H_PAGE_SIZE;
	else
		pkb = 4;
	r->page_kb = pkb;
	for (size_t i = 0; i < r->nzones; i++) {
		struct kmem_zone *z = &r->zones[i];
		z->free /= pkb;
		z->min /= pkb;
		z->low /= pkb;
		z->high /= pkb;
		z->boost /= pkb;
		z->managed /= pkb;
		z->present /= pkb;
		z->free_cma /= pkb;
		z->reserved_highatomic /= pkb;
		/* A first column in units above the page size shifts the orders. */
		int shift = r->buddy_unit_kb[i] > pkb ? ilog2_exact(r->buddy_unit_kb[i] / pkb) : 0;
		if (shift > 0 && (z->known & KMEM_ZK_BUDDY)) {
			for (int o = KMEM_MAX_ORDERS - 1; o >= 0; o--) {
				int from = o - shift;
				z->nr_free[o] = from >= 0 ? z->nr_free[from] : 0;
				z->mt_mask[o] = from >= 0 ? z->mt_mask[from] : 0;
			}
			z->norders += shift;
			if (z->norders > KMEM_MAX_ORDERS)
				z->norders = KMEM_MAX_ORDERS;
		}
		if (z->free_cma > 0)
			z->known |= KMEM_ZK_CMA_PRESENT;
	}
	int64_t pbytes = (int64_t)pkb * 1024;
	for (size_t i = 0; i < r->ntasks; i++)
		if (r->tasks[i].pgtables_bytes >= 0)
			r->tasks[i].pgtables = (r->tasks[i].pgtables_bytes + pbytes - 1) / pbytes;
	if (r->requester.pgtables_bytes >= 0 && r->requester.pid)
		r->requester.pgtables = (r->requester.pgtables_bytes + pbytes - 1) / pbytes;
	/* Sort the kept tasks by points, largest first (insertion sort, <= 12). */
	for (size_t i = 1; i < r->ntasks; i++) {
		struct oomlog_task t = r->tasks[i];
		size_t j = i;
		while (j && task_points(&r->tasks[j - 1]) < task_points(&t)) {
			r->tasks[j] = r->tasks[j - 1];
			j--;
		}
		r->tasks[j] = t;
	}
}

void oomlog_init(struct oomlog_ctx *ctx, const char *buf, size_t len)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->buf = buf;
	ctx->len = buf ? len : 0;
}

static void report_reset(struct oomlog_report *r)
{
	memset(r, 0, sizeof *r);
	r->chosen_score = -1;
	r->killed_total_vm_kb = r->killed_anon_rss_kb = r->killed_file_rss_kb = -1;
	r->killed_shmem_rss_kb = r->killed_pgtables_kb = -1;
	r->swap_free_kb = r->swap_total_kb = -1;
	r->memcg_usage_kb = r->memcg_limit_kb = r->vmalloc_bytes = -1;
	r->ram_pages = r->reserved_pages = r->highmem_pages = r->cma_reserved_pages = -1;
	r->page_kb = 4;
}

/* A Mem-info summary line ("free:1995964 free_pcp:0 free_cma:129151"): a
 * fragment may begin there. */
static int summary_line(const char *s)
{
	return starts(s, "free:") || starts(s, "active_anon:") || starts(s, "Active_anon:") ||
	       starts(s, "active_file:") || starts(s, "mapped:") || starts(s, "slab_reclaimable:");
}

/* Does this line open a report when none is open? */
static int opens(const char *s)
{
	return is_start(s) || starts(s, "Mem-Info") || starts(s, "Mem-info") || strstr(s, "Out of memory") || strstr(s, "Killed process ") ||
	       strstr(s, "Memory cgroup out of memory") || starts(s, "oom-kill:constraint=") ||
	       (strstr(s, "Task in /") && strstr(s, "killed as a result of limit")) ||
	       /* the OOM killer's task list: a capture that starts there */
	       starts(s, "Tasks state (memory values in pages)") ||
	       (starts(s, "[ pid ]") && strstr(s, "uid") && strstr(s, "total_vm"));
}

/* One attempt: 1 a report, 0 end of input, -1 a block that was not a report. */
static int next_once(struct oomlog_ctx *c, struct oomlog_report *r)
{
	struct line *l;
	struct line lbuf;
	struct tasklist tl = { 0, { 0 }, 0 };
	int open = 0, in_trace = 0, last_zone = -1, by_meminfo = 0;
	size_t line_start;
	unsigned line_no;
	size_t req_off = 0, req_end = 0; /* the request line's raw bytes */

	report_reset(r);
	l = &lbuf;
	if (!c->buf)
		return 0;
	for (;;) {
		line_start = c->pos;
		line_no = c->lineno + 1;
		size_t save_pos = c->pos;
		unsigned save_no = c->lineno;
		if (!next_line(c, l))
			break;
		const char *s = l->s;
		const char *at;

		if (starts(s, "Linux version ")) {
			const char *v = skip_sp(s + 14);
			size_t n = 0;
			while (v[n] && !is_space(v[n]))
				n++;
			copy_str(c->release, sizeof c->release, v, n);
			continue;
		}
		if (!open) {
			if (!opens(s) && !is_zone_line(s) && !summary_line(s))
				continue;
			open = 1;
			in_trace = 1;
			by_meminfo = !is_start(s) && (starts(s, "Mem-") || is_zone_line(s) ||
						      summary_line(s));
			r->start_off = line_start;
			r->start_line = line_no;
			if (c->release[0])
				parse_release(r, c->release);
		} else if (is_start(s) && !(r->have & OOMLOG_H_REQUEST) && by_meminfo) {
			/* What looked like a headless report was a show_mem dump. */
			report_reset(r);
			tl.active = 0;
			in_trace = 1;
			last_zone = -1;
			by_meminfo = 0;
			r->start_off = line_start;
			r->start_line = line_no;
			if (c->release[0])
				parse_release(r, c->release);
		} else if (is_start(s) && (r->have & OOMLOG_H_REQUEST) &&
			   c->pos - line_start == req_end - req_off &&
			   !memcmp(c->buf + line_start, c->buf + req_off, req_end - req_off)) {
			continue; /* the request line again, byte for byte (stamp too): a duplicate */
		} else if (is_start(s) && (r->have & OOMLOG_H_REQUEST)) {
			/* The next report begins, after this one's body or right
			 * after its request line (headers only, as grep shows
			 * them): give this line back. */
			c->pos = save_pos;
			c->lineno = save_no;
			break;
		} else if (r->kind != OOMLOG_KIND_OOM && (r->have & OOMLOG_H_REQUEST) &&
			   (strstr(s, "Out of memory") || strstr(s, "Kernel panic - not syncing")) &&
			   !strstr(s, "---[ end")) {
			/* A failure, stall or vmalloc report is not followed by a kill or
			 * a panic of its own: an OOM that comes after is another event. */
			c->pos = save_pos;
			c->lineno = save_no;
			break;
		}
		r->end_off = c->pos;
		r->end_line = c->lineno;

		if (is_start(s) && !(r->have & OOMLOG_H_REQUEST)) {
			req_off = line_start;
			req_end = c->pos;
		}
		if (starts(s, "oom-killer: gfp_mask=")) { /* before 2.6.24: no task name */
			parse_request(r, s, s, 0);
			continue;
		}
		if (starts(s, "cpu ") && strstr(s, " hot: ")) {
			r->hints |= OOMLOG_HINT_HOTCOLD;
			continue;
		}
		if ((at = strstr(s, " invoked oom-killer")) != NULL) {
			parse_request(r, s, at, 0);
			continue;
		}
		int how = 0; /* parse_request's failure: 1 failure, 2 stall, 3 vmalloc */
		if ((at = strstr(s, "page allocation failure")) != NULL)
			how = 1;
		else if ((at = strstr(s, "page allocation stalls for ")) != NULL)
			how = 2;
		else if ((at = strstr(s, "vmalloc error: size ")) != NULL ||
			 (at = strstr(s, "vmalloc: allocation failure")) != NULL)
			how = 3;
		if (how) {
			const char *b = at;
			while (b > s && b[-1] == ' ')
				b--;
			parse_request(r, s, b, how);
			if (how == 3 && strstr(at, "vm_struct allocation failed"))
				r->hints |= OOMLOG_HINT_VM_AREA;
			if (how == 3) {
				int64_t v;
				if (find_num(at, "size ", &v) || find_num(at, "failure: ", &v))
					r->vmalloc_bytes = v;
			}
			continue;
		}
		if ((starts(s, "CPU: ") && (strstr(s, "PID: ") || strstr(s, "ainted"))) ||
		    starts(s, "Pid: ")) {
			parse_cpu_line(r, s);
			continue;
		}
		if (starts(s, "Process ") && strstr(s, "(pid: ")) { /* s390 */
			int64_t v;
			if (!(r->have & OOMLOG_H_PID) && find_num(s, "pid: ", &v)) {
				r->pid = (long)v;
				r->have |= OOMLOG_H_PID;
			}
			continue;
		}
		if (starts(s, "Mem-info") || starts(s, "Mem-Info") || strstr(s, " per-cpu:")) {
			in_trace = 0;
			continue;
		}
		if (in_trace && (s[0] == '[' || s[0] == '(' || is_alpha(s[0]) || s[0] == '_' || s[0] == '?')) {
			size_t before = r->nframes;
			parse_frame(r, s);
			if (r->nframes != before)
				continue;
		}
		if (is_zone_line(s)) {
			last_zone = parse_zone(r, s);
			in_trace = 0;
			continue;
		}
		if (starts(s, "lowmem_reserve[]:")) {
			parse_reserve(r, last_zone, s);
			continue;
		}
		if (is_buddy_line(s)) {
			parse_buddy(r, s);
			continue;
		}
		if (s[0] == '[' && (strstr(s, " pid ") || strstr(s, "pid  ]") || strstr(s, "[pid]")) &&
		    strstr(s, "uid")) {
			parse_task_header(&tl, r, s);
			in_trace = 0;
			continue;
		}
		if (tl.active && s[0] == '[') {
			int64_t v;
			const char *e = get_u(skip_sp(s + 1), &v);
			if (e && *e == ']') {
				parse_task_row(&tl, r, s);
				continue;
			}
		}
		if (strstr(s, "Killed process ") || strstr(s, "ill process ")) {
			parse_kill(r, s);
			if (strstr(s, "Memory cgroup out of memory"))
				r->have |= OOMLOG_H_MEMCG;
			if (r->have & OOMLOG_H_KILLED)
				break; /* the kill ends the report */
			continue;
		}
		if (strstr(s, "Memory cgroup out of memory")) {
			r->have |= OOMLOG_H_MEMCG;
			continue;
		}
		if (starts(s, "oom-kill:")) {
			int64_t v;
			copy_field(r->constraint, sizeof r->constraint, s, "constraint=");
			copy_field(r->memcg, sizeof r->memcg, s, "oom_memcg=");
			copy_field(r->task_memcg, sizeof r->task_memcg, s, "task_memcg=");
			/* 4.19+: the chosen task, printed before the kill line (which a
			 * capture may lack). */
			const char *t = strstr(s, ",task=");
			if (!(r->have & OOMLOG_H_CHOSEN) && t && find_num(t, "pid=", &v)) {
				copy_field(r->chosen_comm, sizeof r->chosen_comm, t, ",task=");
				r->chosen_pid = (long)v;
				r->have |= OOMLOG_H_CHOSEN;
			}
			r->have |= OOMLOG_H_CONSTRAINT;
			r->hints |= OOMLOG_HINT_CONSTRAINT;
			if (!strcmp(r->constraint, "CONSTRAINT_MEMCG"))
				r->have |= OOMLOG_H_MEMCG;
			continue;
		}
		if ((at = strstr(s, "Task in ")) != NULL && strstr(s, "killed as a result of limit of ")) {
			const char *lim = strstr(s, "limit of ") + 9;
			copy_str(r->memcg, sizeof r->memcg, lim, strlen(lim));
			const char *e = strstr(at + 8, " killed");
			if (e)
				copy_str(r->task_memcg, sizeof r->task_memcg, at + 8, (size_t)(e - at - 8));
			r->have |= OOMLOG_H_MEMCG;
			continue;
		}
		if (starts(s, "memory: usage ")) {
			int64_t v;
			if (find_num(s, "usage ", &v))
				r->memcg_usage_kb = v;
			if (find_num(s, "limit ", &v))
				r->memcg_limit_kb = v;
			r->have |= OOMLOG_H_MEMCG_USE;
			continue;
		}
		if ((at = strstr(s, "Kernel panic - not syncing")) != NULL) {
			/* "---[ end Kernel panic - not syncing: MSG ]---" closes the
			 * panic: its message only when the opening line was lost. */
			int end = strstr(s, "---[ end Kernel panic") != NULL;
			const char *m = strchr(at, ':');
			const char *t = m ? m + 1 : at;
			size_t tn = strlen(t);
			if (end && tn >= 4 && !memcmp(t + tn - 4, "]---", 4))
				tn -= 4;
			if (!end || !r->panic[0])
				copy_str(r->panic, sizeof r->panic, t, tn);
			r->have |= OOMLOG_H_PANIC;
			if (end)
				break;
			in_trace = 1; /* the panic's own stack follows: task, release, frames */
			continue;
		}
		if (strstr(s, "---[ end Kernel panic"))
			break;
		if (strstr(s, "no killable processes")) {
			r->have |= OOMLOG_H_NOKILLABLE;
			continue;
		}
		if (starts(s, "Free swap") || starts(s, "Total swap")) {
			int64_t v;
			const char *e = strchr(s, '=');
			if (e && get_u(skip_sp(e + 1), &v)) {
				if (s[0] == 'F')
					r->swap_free_kb = v;
				else
					r->swap_total_kb = v;
				r->have |= OOMLOG_H_SWAP;
			}
			continue;
		}
		if (is_digit(s[0])) {
			int64_t v;
			const char *e = get_u(s, &v);
			if (e && (!strcmp(e, " pages of RAM") || !strcmp(e, " pages RAM"))) {
				r->ram_pages = v;
				r->have |= OOMLOG_H_RAM;
			} else if (e && (!strcmp(e, " reserved pages") || !strcmp(e, " pages reserved"))) {
				r->reserved_pages = v;
			} else if (e && (!strcmp(e, " pages of HIGHMEM") || !strcmp(e, " pages HighMem/MovableOnly"))) {
				r->highmem_pages = v;
			} else if (e && !strcmp(e, " pages cma reserved")) {
				r->cma_reserved_pages = v;
			}
			continue;
		}
		if (strstr(s, " cpuset=") && strstr(s, "mems_allowed="))
			continue;
		if (!(r->have & OOMLOG_H_ZONES) || !starts(s, "Node "))
			parse_meminfo(r, s);
	}
	if (!open)
		return 0;
	/* A Mem-info dump alone (SysRq-m, show_mem) is not a report: look on. */
	if (!(r->have & (OOMLOG_H_REQUEST | OOMLOG_H_KILLED | OOMLOG_H_CHOSEN | OOMLOG_H_PANIC |
			 OOMLOG_H_NOKILLABLE | OOMLOG_H_CONSTRAINT | OOMLOG_H_MEMCG | OOMLOG_H_ZONES)))
		return c->pos >= c->len ? 0 : -1;
	finish(r);
	return 1;
}

int oomlog_next(struct oomlog_ctx *c, struct oomlog_report *r)
{
	int rc;

	while ((rc = next_once(c, r)) < 0)
		;
	return rc;
}
