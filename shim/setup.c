/* setup.c: one-time initialisation from whichever entry point comes first
 * (the loader calls calloc before constructors run), configuration from the
 * environment and FRAGGUARD_CONFIG, and the fork handlers. Runs without
 * allocating: recursive calls made while it runs (dlsym, pthread_atfork) are
 * served by glibc. Under secure execution no path comes from the environment. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/auxv.h>
#include "arena.h"
#include "bg.h"
#include "conf.h"
#include "feature.h"
#include "fmt.h"
#include "front.h"
#include "geometry.h"
#include "guard.h"
#include "large.h"
#include "os.h"
#include "report.h"
#include "sandbox.h"
#include "shim.h"

struct shim g = { .state = ST_UNINIT, .populate = -1 };
struct shim_counters ctr;
static int init_tid;
extern char **environ;

static void warn(const char *msg) { os_say(msg); }

/* FRAGGUARD_* from environ; from /proc/self/environ if environ is not set
 * up yet (a call from the loader). Copies "KEY=value\n" lines into buf. */
static size_t env_collect(char *buf, size_t cap, int secure)
{
	size_t n = 0;
	if (environ) {
		for (char **e = environ; *e; e++) {
			size_t l = strlen(*e);
			if (l < 10 || memcmp(*e, "FRAGGUARD_", 10) || n + l + 1 >= cap)
				continue;
			if (secure && (!memcmp(*e, "FRAGGUARD_CONFIG=", 17) ||
				       !memcmp(*e, "FRAGGUARD_REPORT=", 17)))
				continue;
			memcpy(buf + n, *e, l);
			n += l;
			buf[n++] = '\n';
		}
		return n;
	}
	static char tmp[16384]; /* once, from load_config: not on a small stack */
	ssize_t got = os_read_file("/proc/self/environ", tmp, sizeof tmp);
	for (ssize_t i = 0; i < got;) {
		size_t l = strlen(tmp + i);
		if (l >= 10 && !memcmp(tmp + i, "FRAGGUARD_", 10) && n + l + 1 < cap &&
		    !(secure && (!memcmp(tmp + i, "FRAGGUARD_CONFIG=", 17) ||
				 !memcmp(tmp + i, "FRAGGUARD_REPORT=", 17)))) {
			memcpy(buf + n, tmp + i, l);
			n += l;
			buf[n++] = '\n';
		}
		i += (ssize_t)l + 1;
	}
	return n;
}

static const char *env_value(const char *env, size_t n, const char *key)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i < n;) {
		const char *e = memchr(env + i, '\n', n - i);
		size_t l = (size_t)(e - (env + i));
		if (l > kl && !memcmp(env + i, key, kl) && env[i + kl] == '=')
			return env + i + kl + 1;
		i += l + 1;
	}
	return NULL;
}

static void load_config(void)
{
	/* Static, not on the stack: this runs in a constructor, on a main
	 * thread whose stack may be as small as ulimit -s allows (16 KiB).
	 * Once, under setup_init's lock. */
	static char env[8192], file[16384], rest[8192], path[512];
	int secure = getauxval(AT_SECURE) != 0;
	size_t en = env_collect(env, sizeof env, secure);
	const char *cp = env_value(env, en, "FRAGGUARD_CONFIG");
	conf_defaults(&g.conf);
	if (cp) {
		size_t l = (size_t)((const char *)memchr(cp, '\n', (size_t)(env + en - cp)) - cp);
		if (l >= sizeof path)
			l = sizeof path - 1;
		memcpy(path, cp, l);
		path[l] = 0;
	} else {
		strcpy(path, "/etc/fragguard.conf");
	}
	if (path[0]) {
		ssize_t r = os_read_file(path, file, sizeof file);
		if (r >= 0)
			conf_parse_text(&g.conf, file, (size_t)r, warn);
		else if (cp) {
			char msg[640];
			struct fmtbuf fb;
			fmt_init(&fb, msg, sizeof msg);
			fmt_str(&fb, "cannot read FRAGGUARD_CONFIG '");
			fmt_str(&fb, path);
			fmt_str(&fb, "'; using defaults and the environment");
			os_say(msg);
		}
	}
	/* The environment overrides the file; CONFIG itself is not an option. */
	size_t rn = 0;
	for (size_t i = 0; i < en;) {
		const char *e = memchr(env + i, '\n', en - i);
		size_t l = (size_t)(e - (env + i)) + 1;
		if (memcmp(env + i, "FRAGGUARD_CONFIG=", 17) && rn + l < sizeof rest) {
			memcpy(rest + rn, env + i, l);
			rn += l;
		}
		i += l;
	}
	conf_parse_text(&g.conf, rest, rn, warn);
}

/* The running program's name: the basename of AT_EXECFN (the path given to
 * execve, as the loader has it without a system call), else of
 * /proc/self/exe. */
static const char *program_name(char *buf, size_t cap)
{
	const char *p = (const char *)getauxval(AT_EXECFN);
	if (!p || !*p) {
		if (os_readlink("/proc/self/exe", buf, cap) <= 0)
			return "";
		p = buf;
	}
	const char *slash = strrchr(p, '/');
	return slash ? slash + 1 : p;
}

/* 1 when list is empty or names the running program (PROGRAMS). */
static int program_allowed(const char *list)
{
	char buf[512];
	if (!list[0])
		return 1;
	const char *name = program_name(buf, sizeof buf);
	size_t nl = strlen(name);
	for (const char *s = list; *s;) {
		const char *e = strchr(s, ',');
		size_t l = e ? (size_t)(e - s) : strlen(s);
		while (l && (*s == ' ' || *s == '\t')) {
			s++;
			l--;
		}
		while (l && (s[l - 1] == ' ' || s[l - 1] == '\t'))
			l--;
		if (l == nl && nl && !memcmp(s, name, l))
			return 1;
		if (!e)
			break;
		s = e + 1;
	}
	return 0;
}

static size_t read_num(const char *path)
{
	char b[64];
	size_t v = 0;
	if (os_read_file(path, b, sizeof b) <= 0)
		return 0;
	for (char *p = b; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (size_t)(*p - '0');
	return v;
}

/* The THP mode from the bracketed word of "always [madvise] never", or
 * "absent" without the file (kernel < 2.6.38, ARM32 without LPAE, THP
 * compiled out). */
static const char *thp_mode(void)
{
	char mode[128];
	if (os_read_file("/sys/kernel/mm/transparent_hugepage/enabled", mode, sizeof mode) <= 0)
		return "absent";
	return strstr(mode, "[always]") ? "always" : strstr(mode, "[madvise]") ? "madvise" : "never";
}

static void setup_memory(void)
{
	struct geometry_in in;
	struct geometry geo;
	const char *thp = thp_mode();

	in.page_bytes = getauxval(AT_PAGESZ);
	in.pmd_bytes = read_num("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
	in.thp_usable = !strcmp(thp, "always") || !strcmp(thp, "madvise");
	in.chunk_conf = g.conf.chunk;
	in.thp_conf = g.conf.thp;
	in.word_bytes = sizeof(void *);
	geometry_derive(&in, &geo);
	g.os_page = geo.page;
	g.pmd = geo.pmd;
	g.chunk = geo.chunk;
	g.chunk_shift = geo.chunk_shift;
	g.unit = geo.unit;
	g.unit_shift = geo.unit_shift;
	g.pt_span = geo.pt_span;
	g.thp_advise = geo.thp_advise;
	if (!strcmp(thp, "absent"))
		feature_lack(FEAT_THP, thp, "no transparent huge pages ('/sys/kernel/mm/transparent_hugepage' "
			     "absent: kernel < 2.6.38 or THP not built in): chunks in base pages", 0);
	else if (!strcmp(thp, "never"))
		feature_lack(FEAT_THP, thp, "transparent huge pages are 'never': chunks in base pages", 0);
	else
		feature_set(FEAT_THP, thp);
}

__thread int lock_depth __attribute__((tls_model("initial-exec")));
/* fork_prepare left the locks alone (fork from a signal handler that
 * interrupted the shim in this thread: taking them would wait forever). The
 * child then resets them all; the heap it inherits may be mid-update, which
 * a child that execs or _exits, as a handler's child must, never sees. */
static __thread int fork_unlocked __attribute__((tls_model("initial-exec")));
static __thread int depth_before_fork __attribute__((tls_model("initial-exec")));

static void fork_prepare(void)
{
	depth_before_fork = lock_depth;
	fork_unlocked = lock_depth > 0;
	if (fork_unlocked)
		return;
	front_lock_all();
	large_lock_all();
	arena_lock_all();
}

static void fork_parent(void)
{
	if (fork_unlocked)
		return;
	arena_unlock_all();
	large_unlock_all();
	front_unlock_all();
}

static void fork_child(void)
{
	arena_reset_locks();
	large_reset_locks();
	front_reset_locks();
	lock_depth = depth_before_fork; /* reset, not given back */
	bg_after_fork_child();
	report_after_fork_child();
	guard_after_fork_child();
}

int setup_init(void)
{
	static int lock;
	int st = __atomic_load_n(&g.state, __ATOMIC_ACQUIRE);
	if (st == ST_READY || st == ST_DISABLED)
		return st;
	int tid = os_gettid();
	if (st == ST_INIT && __atomic_load_n(&init_tid, __ATOMIC_RELAXED) == tid)
		return ST_INIT;
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		os_sleep_ms(1);
	st = g.state;
	if (st == ST_READY || st == ST_DISABLED) {
		__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
		return st;
	}
	__atomic_store_n(&init_tid, tid, __ATOMIC_RELAXED);
	__atomic_store_n(&g.state, ST_INIT, __ATOMIC_RELEASE);
	os_stderr_remember();
	load_config();
	if (g.conf.disable || !program_allowed(g.conf.programs)) {
		__atomic_store_n(&g.state, ST_DISABLED, __ATOMIC_RELEASE);
		__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
		sandbox_resolve(); /* the wrappers forward even when disabled */
		return ST_DISABLED;
	}
	setup_memory();
	front_init();
	arena_init();
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	report_init();
	__atomic_store_n(&g.state, ST_READY, __ATOMIC_RELEASE);
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
	sandbox_resolve(); /* dlsym: not under the lock (glibc.h) */
	return ST_READY;
}
