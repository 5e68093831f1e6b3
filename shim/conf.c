/* conf.c: the option table and its parsers (pure: no environment, no files,
 * no allocation). A bad value is refused with a reason and the default kept:
 * a typo must never crash or silently change a production daemon. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include "conf.h"
#include "fmt.h"
#include "kmem.h"
#include "policy.h"

#define OPT(k, t, f, d, lo, hi, h) { k, t, offsetof(struct fg_conf, f), d, lo, hi, h }
#define GiB (1024ull * 1024 * 1024)

const struct conf_opt conf_opts[] = {
	OPT("DISABLE", CONF_BOOL, disable, "0", 0, 1,
	    "pass every call to glibc's malloc (the shim does nothing)"),
	OPT("THP", CONF_BOOL, thp, "1", 0, 1,
	    "advise transparent huge pages (MADV_HUGEPAGE) on chunks"),
	OPT("PREFAULT", CONF_BOOL, prefault, "1", 0, 1,
	    "pre-fault each chunk as a whole when it is mapped"),
	OPT("RESERVE", CONF_SIZE, reserve, "0", 0, 64 * GiB,
	    "bytes pre-faulted at start and served first; never returned"),
	OPT("RETAIN", CONF_SIZE, retain, "4M", 0, 64 * GiB,
	    "bytes of empty chunks kept for reuse instead of returned to the kernel"),
	OPT("RELEASE_MS", CONF_UINT, release_ms, "500", 0, 3600000,
	    "empty chunks beyond RETAIN go back to the kernel after this many ms"),
	OPT("TRIM_IDLE_MS", CONF_UINT, trim_idle_ms, "3000", 0, 3600000,
	    "free pages inside partly used chunks go back after the heap was idle this long, a quarter of it when less than half is in use (0: only on malloc_trim)"),
	OPT("CHUNK", CONF_SIZE, chunk, "0", 0, 64ull << 20,
	    "chunk size, a power of two from 2M to 64M; 0 means the PMD (huge page) size"),
	OPT("LARGE", CONF_SIZE, large, "1M", 256 * 1024, 64ull << 20,
	    "requests above this get their own mapping"),
	OPT("TCACHE", CONF_BOOL, tcache, "1", 0, 1,
	    "per-thread caches (0 makes every call take the size-class lock)"),
	OPT("VERBOSE", CONF_UINT, verbose, "0", 0, 2,
	    "0 quiet, 1 one line per notable event, 2 debug"),
	OPT("REPORT", CONF_STR, report, "", 0, sizeof(((struct fg_conf *)0)->report),
	    "report file path (%p pid, %e program, %t start time, %h host) or a directory; empty: no report"),
	OPT("REPORT_INTERVAL", CONF_UINT, report_interval, "10", 0, 86400,
	    "seconds between rewrites of the report while the program runs (0: only at exit, exec and signal)"),
	OPT("REPORT_SIGNAL", CONF_SIG, report_signal, "0", 0, 64,
	    "signal (e.g. USR2) that makes the shim write the report, if the program has no handler for it; 0: none"),
	OPT("SAMPLE_BYTES", CONF_SIZE, sample_bytes, "512K", 0, 64 * GiB,
	    "mean bytes between call-site samples (unwound), byte-weighted; 0: no call sites"),
	/* Looking before large faults (policy.h, guard.c). */
	OPT("ON_RISK", CONF_STR, on_risk, "compact,wait,fallback,refuse", 0,
	    sizeof(((struct fg_conf *)0)->on_risk),
	    "what to do, in order, when the kernel may not serve a large fault: compact, wait, fallback, refuse (or none)"),
	OPT("MARGIN", CONF_UINT, margin, "32", 0, 1u << 30,
	    "pages to keep free above the min watermark + lowmem reserve beyond what the growth needs"),
	OPT("MAX_WAIT_MS", CONF_UINT, max_wait_ms, "50", 0, 60000,
	    "longest back-off (exponential from 1 ms, then re-sample) per large fault"),
	OPT("COMPACT_INTERVAL_MS", CONF_UINT, compact_interval_ms, "10000", 0, 86400000,
	    "least time between two compactions, per process and across processes"),
	OPT("ERA", CONF_STR, era, "auto", 0, sizeof(((struct fg_conf *)0)->era),
	    "watermark rules: auto (from the kernel release), pre44, 44"),
	OPT("ZONEINFO_MS", CONF_UINT, zoneinfo_ms, "1000", 0, 60000,
	    "how long a read of /proc/zoneinfo is reused (buddyinfo is read at every check)"),
	OPT("SAMPLE", CONF_BOOL, sample, "1", 0, 1,
	    "look at the kernel's free memory before every large fault (0: never)"),
	OPT("MMAP_CHECK", CONF_SIZE, mmap_check, "1M", 4096, 1ull << 40,
	    "the program's own writable anonymous private mmaps at least this big are checked"),
	OPT("REFUSE_HOLD_MS", CONF_UINT, refuse_hold_ms, "100", 0, 60000,
	    "after a refusal, refuse further large faults this long without sampling again"),
	OPT("PROC_ROOT", CONF_STR, proc_root, "", 0, sizeof(((struct fg_conf *)0)->proc_root),
	    "read DIR/buddyinfo, DIR/zoneinfo, DIR/vmstat and write DIR/sys/vm/compact_memory instead of /proc (tests, containers)"),
	OPT("PROGRAMS", CONF_STR, programs, "", 0, sizeof(((struct fg_conf *)0)->programs),
	    "comma-separated program names the shim serves; others get the C library's malloc (for /etc/ld.so.preload); empty: all"),
	OPT("KEEP_DEEPBIND", CONF_BOOL, keep_deepbind, "0", 0, 1,
	    "pass dlopen's RTLD_DEEPBIND on unchanged (such a library frees with the C library's free, which aborts on the shim's blocks: PHP extensions); 0 drops the flag"),
};
const unsigned conf_nopts = sizeof conf_opts / sizeof conf_opts[0];

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int word_eq(const char *s, size_t n, const char *w)
{
	size_t i;
	for (i = 0; i < n && w[i]; i++)
		if (lower((unsigned char)s[i]) != w[i])
			return 0;
	return i == n && !w[i];
}

int conf_parse_bool(const char *s, size_t n)
{
	static const char *yes[] = { "1", "yes", "on", "true" }, *no[] = { "0", "no", "off", "false" };
	for (unsigned i = 0; i < 4; i++) {
		if (word_eq(s, n, yes[i]))
			return 1;
		if (word_eq(s, n, no[i]))
			return 0;
	}
	return -EINVAL;
}

/* Signal names a report trigger may sensibly use; numbers work for all. */
static const struct { const char *name; int num; } sig_names[] = {
	{ "0", 0 }, { "none", 0 }, { "hup", SIGHUP }, { "int", SIGINT }, { "quit", SIGQUIT },
	{ "usr1", SIGUSR1 }, { "usr2", SIGUSR2 }, { "alrm", SIGALRM }, { "term", SIGTERM },
	{ "winch", SIGWINCH }, { "pwr", SIGPWR }, { "urg", SIGURG }, { "prof", SIGPROF },
	{ "vtalrm", SIGVTALRM }, { "xcpu", SIGXCPU },
};

static int parse_sig(const char *s, size_t n, uint64_t *out)
{
	if (n > 3 && lower((unsigned char)s[0]) == 's' && lower((unsigned char)s[1]) == 'i' &&
	    lower((unsigned char)s[2]) == 'g') {
		s += 3;
		n -= 3;
	}
	for (unsigned i = 0; i < sizeof sig_names / sizeof sig_names[0]; i++)
		if (word_eq(s, n, sig_names[i].name)) {
			*out = (uint64_t)sig_names[i].num;
			return 0;
		}
	uint64_t v = 0;
	if (!n || n > 2)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	/* KILL and STOP cannot be caught; SEGV and friends mean a crash; the
	 * C library keeps the signals from 32 below SIGRTMIN for its threads
	 * (glibc 32-33, musl 32-34: sigaction refuses them). */
	if (v == SIGKILL || v == SIGSTOP || v == SIGSEGV || v == SIGBUS || v == SIGILL ||
	    v == SIGFPE || v == SIGABRT || v == SIGTRAP || v == SIGCHLD || v > 64 ||
	    (v >= 32 && v < (uint64_t)SIGRTMIN))
		return -EINVAL;
	*out = v;
	return 0;
}

/* Values of the string keys that have a grammar (ON_RISK, ERA, PROC_ROOT). */
static int str_check(const char *key, const char *s, size_t n, struct fmtbuf *fb)
{
	enum kmem_era era;
	if (!strcmp(key, "ON_RISK") && policy_parse_steps(s, n, NULL) < 0) {
		fmt_str(fb, "expected a comma list of compact, wait, fallback, refuse (each once), or none");
		return -EINVAL;
	}
	if (!strcmp(key, "ERA") && kmem_era_parse(s, n, &era) < 0) {
		fmt_str(fb, "expected auto, pre44 or 44");
		return -EINVAL;
	}
	if (!strcmp(key, "PROC_ROOT") && n && s[0] != '/') {
		fmt_str(fb, "expected an absolute directory, or nothing for /proc");
		return -EINVAL;
	}
	return 0;
}

int conf_parse_size(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	unsigned shift = 0;
	if (!n)
		return -EINVAL;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (!i)
		return -EINVAL;
	if (i < n) {
		switch (lower((unsigned char)s[i])) {
		case 'k': shift = 10; break;
		case 'm': shift = 20; break;
		case 'g': shift = 30; break;
		case 't': shift = 40; break;
		case 'b': shift = 0; i--; break;
		default: return -EINVAL;
		}
		i++;
		/* accept K, KB, KiB (all binary units) */
		if (i < n && lower((unsigned char)s[i]) == 'i' && shift)
			i++;
		if (i < n && lower((unsigned char)s[i]) == 'b')
			i++;
		if (i != n)
			return -EINVAL;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

static int parse_uint(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	if (!n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

const struct conf_opt *conf_find(const char *key, size_t keylen)
{
	if (keylen > 10 && !memcmp(key, "FRAGGUARD_", 10)) {
		key += 10;
		keylen -= 10;
	}
	for (unsigned i = 0; i < conf_nopts; i++)
		if (strlen(conf_opts[i].key) == keylen && !memcmp(conf_opts[i].key, key, keylen))
			return &conf_opts[i];
	return NULL;
}

int conf_set(struct fg_conf *c, const struct conf_opt *o, const char *val, size_t n,
	     char *err, size_t errcap)
{
	struct fmtbuf fb;
	uint64_t v = 0;
	int r;
	char *field = (char *)c + o->offset;

	fmt_init(&fb, err, errcap);
	switch (o->type) {
	case CONF_BOOL:
		r = conf_parse_bool(val, n);
		if (r < 0) {
			fmt_str(&fb, "expected 0/1/yes/no/on/off");
			return -EINVAL;
		}
		*(int *)field = r;
		return 0;
	case CONF_SIZE:
		r = conf_parse_size(val, n, &v);
		if (r < 0) {
			fmt_str(&fb, "expected a size such as 4096, 512K, 64M or 1G");
			return -EINVAL;
		}
		break;
	case CONF_UINT:
		r = parse_uint(val, n, &v);
		if (r < 0) {
			fmt_str(&fb, "expected a whole number");
			return -EINVAL;
		}
		break;
	case CONF_STR:
		if (str_check(o->key, val, n, &fb) < 0)
			return -EINVAL;
		if (n >= o->max || memchr(val, 0, n)) {
			fmt_str(&fb, "expected text shorter than ");
			fmt_u64(&fb, o->max);
			fmt_str(&fb, " bytes");
			return -EINVAL;
		}
		memcpy(field, val, n);
		field[n] = 0;
		return 0;
	case CONF_SIG:
		if (parse_sig(val, n, &v) < 0) {
			fmt_str(&fb, "expected a signal name such as USR2, or a number (not KILL, STOP, SEGV, CHLD, nor 32 to SIGRTMIN-1), or 0");
			return -EINVAL;
		}
		break;
	}
	if (v < o->min || v > o->max) {
		fmt_str(&fb, "expected a value from ");
		fmt_u64(&fb, o->min);
		fmt_str(&fb, " to ");
		fmt_u64(&fb, o->max);
		return -EINVAL;
	}
	if (!strcmp(o->key, "CHUNK") && v && ((v & (v - 1)) || v < (2u << 20))) {
		fmt_str(&fb, "expected 0 or a power of two from 2M to 64M");
		return -EINVAL;
	}
	*(uint64_t *)field = v;
	return 0;
}

void conf_defaults(struct fg_conf *c)
{
	char err[8];
	memset(c, 0, sizeof *c);
	for (unsigned i = 0; i < conf_nopts; i++)
		conf_set(c, &conf_opts[i], conf_opts[i].def, strlen(conf_opts[i].def), err, sizeof err);
}

static void say_bad(void (*warn)(const char *), const char *what, const char *s, size_t n,
		    const char *why)
{
	char msg[256];
	struct fmtbuf fb;
	fmt_init(&fb, msg, sizeof msg);
	fmt_str(&fb, what);
	fmt_str(&fb, " '");
	fmt_mem(&fb, s, n > 64 ? 64 : n);
	fmt_str(&fb, "': ");
	fmt_str(&fb, why);
	warn(msg);
}

int conf_parse_text(struct fg_conf *c, const char *t, size_t len, void (*warn)(const char *))
{
	int bad = 0;
	size_t i = 0;
	while (i < len) {
		size_t e = i, k0, k1, v0, v1;
		while (e < len && t[e] != '\n')
			e++;
		k0 = i;
		while (k0 < e && (t[k0] == ' ' || t[k0] == '\t'))
			k0++;
		i = e + 1;
		if (k0 == e || t[k0] == '#')
			continue;
		k1 = k0;
		while (k1 < e && t[k1] != '=' && t[k1] != ' ' && t[k1] != '\t')
			k1++;
		v0 = k1;
		while (v0 < e && (t[v0] == ' ' || t[v0] == '\t'))
			v0++;
		if (v0 == e || t[v0] != '=') {
			say_bad(warn, "config line", t + k0, e - k0, "expected KEY=value");
			bad++;
			continue;
		}
		v0++;
		while (v0 < e && (t[v0] == ' ' || t[v0] == '\t'))
			v0++;
		v1 = e;
		while (v1 > v0 && (t[v1 - 1] == ' ' || t[v1 - 1] == '\t' || t[v1 - 1] == '\r'))
			v1--;
		/* a trailing comment after the value */
		for (size_t h = v0; h < v1; h++)
			if (t[h] == '#' && (t[h - 1] == ' ' || t[h - 1] == '\t')) {
				v1 = h;
				while (v1 > v0 && (t[v1 - 1] == ' ' || t[v1 - 1] == '\t'))
					v1--;
				break;
			}
		if (v1 - v0 >= 2 && (t[v0] == '"' || t[v0] == '\'') && t[v1 - 1] == t[v0]) {
			v0++;
			v1--;
		}
		const struct conf_opt *o = conf_find(t + k0, k1 - k0);
		if (!o) {
			say_bad(warn, "unknown key", t + k0, k1 - k0, "ignored");
			bad++;
			continue;
		}
		char err[128], msg[256];
		if (conf_set(c, o, t + v0, v1 - v0, err, sizeof err) < 0) {
			struct fmtbuf fb;
			fmt_init(&fb, msg, sizeof msg);
			fmt_str(&fb, "FRAGGUARD_");
			fmt_str(&fb, o->key);
			fmt_str(&fb, "='");
			fmt_mem(&fb, t + v0, v1 - v0 > 64 ? 64 : v1 - v0);
			fmt_str(&fb, "' is not valid: ");
			fmt_str(&fb, err);
			fmt_str(&fb, "; using the default ");
			fmt_str(&fb, o->def);
			warn(msg);
			bad++;
		}
	}
	return bad;
}
