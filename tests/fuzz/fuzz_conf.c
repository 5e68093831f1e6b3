/* fuzz_conf.c: libFuzzer target for the configuration parsers (shim/conf.c
 * and the grammars it calls: policy_parse_steps, kmem_era_parse,
 * kmem_parse_release). The input is a config file; each of its lines' bytes
 * is also tried as the value of every key, as the environment would pass it.
 * Aborts on a broken invariant: a value outside its option's bounds after a
 * parse, a refused value that changed the struct, an unterminated string or
 * warning, a parse that is not deterministic, or conf_parse_size disagreeing
 * with a reference computation. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "conf.h"
#include "kmem.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned nwarn;

static void warn(const char *msg)
{
	size_t n = strnlen(msg, 256);

	if (n == 256 || memchr(msg, '\n', n))
		abort();
	nwarn++;
}

/* Every field within its option's bounds; strings terminated and valid. */
static void check_conf(const struct fg_conf *c)
{
	for (unsigned i = 0; i < conf_nopts; i++) {
		const struct conf_opt *o = &conf_opts[i];
		const char *f = (const char *)c + o->offset;
		uint64_t v;

		switch (o->type) {
		case CONF_BOOL:
			if (*(const int *)f != 0 && *(const int *)f != 1)
				abort();
			break;
		case CONF_STR:
			if (!memchr(f, 0, o->max))
				abort();
			break;
		default:
			v = *(const uint64_t *)f;
			if (v < o->min || v > o->max)
				abort();
			if (!strcmp(o->key, "CHUNK") && v && ((v & (v - 1)) || v < (2u << 20)))
				abort();
			if (!strcmp(o->key, "REPORT_SIGNAL") && v &&
			    (v == 9 || v == 19 || v == 11 || (v >= 32 && v < (uint64_t)SIGRTMIN)))
				abort();
		}
	}
	if (policy_parse_steps(c->on_risk, strlen(c->on_risk), NULL) < 0)
		abort();
	enum kmem_era e;
	if (kmem_era_parse(c->era, strlen(c->era), &e) < 0)
		abort();
}

/* A reference for decimal sizes with one optional binary suffix. */
static int ref_size(const char *s, size_t n, uint64_t *out)
{
	static const char units[] = "kmgt";
	unsigned __int128 v = 0;
	size_t i = 0;
	unsigned shift = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9') {
		v = v * 10 + (unsigned)(s[i++] - '0');
		if (v > UINT64_MAX)
			return -ERANGE;
	}
	if (!i)
		return -EINVAL;
	if (i < n) {
		const char *u = memchr(units, s[i] | 0x20, 4);

		if (u) {
			shift = 10 * (unsigned)(u - units + 1);
			i++;
			if (i < n && (s[i] | 0x20) == 'i')
				i++;
		}
		if (i < n && (s[i] | 0x20) == 'b')
			i++;
		if (i != n)
			return -EINVAL;
	}
	v <<= shift;
	if (v > UINT64_MAX)
		return -ERANGE;
	*out = (uint64_t)v;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data;
	struct fg_conf a, b, before;
	unsigned bad;
	char err[128];

	/* The file: in bounds, deterministic, one warning per bad line. */
	conf_defaults(&a);
	check_conf(&a);
	nwarn = 0;
	bad = (unsigned)conf_parse_text(&a, t, size, warn);
	if (bad != nwarn)
		abort();
	check_conf(&a);
	conf_defaults(&b);
	conf_parse_text(&b, t, size, warn);
	if (memcmp(&a, &b, sizeof a))
		abort();

	/* The first line as every key's value, as from the environment. */
	size_t n = size;
	const char *nl = memchr(t, '\n', size);
	if (nl)
		n = (size_t)(nl - t);
	for (unsigned i = 0; i < conf_nopts; i++) {
		before = a;
		memset(err, 0x55, sizeof err);
		if (conf_set(&a, &conf_opts[i], t, n, err, sizeof err) < 0) {
			if (memcmp(&a, &before, sizeof a) || !memchr(err, 0, sizeof err) || !err[0])
				abort();
		}
		check_conf(&a);
	}

	/* Sizes against the reference; booleans are exactly the word lists. */
	uint64_t v = 0, r = 0;
	int rc = conf_parse_size(t, n, &v), rr = ref_size(t, n, &r);
	if (rc != rr || (!rc && v != r))
		abort();
	int bo = conf_parse_bool(t, n);
	if (bo != -EINVAL && bo != 0 && bo != 1)
		abort();

	/* The grammars behind ON_RISK and ERA, and the release parser. */
	uint8_t steps[POLICY_MAX_STEPS];
	int ns = policy_parse_steps(t, n, steps);
	if (ns > POLICY_MAX_STEPS)
		abort();
	for (int i = 0; i < ns; i++)
		for (int j = 0; j < i; j++)
			if (steps[i] == steps[j])
				abort();
	int maj, min, pat;
	enum kmem_era era;
	if (kmem_parse_release(t, n, &maj, &min, &pat) == 0 && (maj < 0 || min < 0 || pat < 0))
		abort();
	kmem_era_from_release(t, n, &era);
	return 0;
}
