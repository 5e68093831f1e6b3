/* report.c: the per-process report writer (report.h; the format is
 * include/fragguard/report.h). Builds the JSON in a fixed buffer with fmt.c
 * and writes it atomically: a temporary file created O_EXCL|O_NOFOLLOW in
 * the report's directory, then renamed over the final name (which replaces
 * a symlink planted there instead of following it). Must never allocate,
 * use stdio, or run under a shim lock; one writer at a time (wlock).
 * The report thread sleeps on a futex: it wakes for the interval and for
 * REPORT_SIGNAL, whose handler only bumps the futex word. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/auxv.h>
#include "arena.h"
#include "callsite.h"
#include "conf.h"
#include "feature.h"
#include "fmt.h"
#include "fragguard/report.h"
#include "front.h"
#include "lock.h"
#include "os.h"
#include "guard.h"
#include "report.h"
#include "shim.h"
#include "worker.h"

static struct lock wlock = LOCK_INIT;
static int report_pid;            /* the pid whose report this is */
static int secure, forked;
static uint64_t start_unix_ms, start_mono_ms, seq;
static uint64_t base_large_allocs, base_large_frees; /* at the fork */
static int warned;

static int thr_seq;     /* futex word: kicks */
static int sig_pending;
static int want_thread; /* interval or signal configured */
static uint64_t last_interval_ms; /* when the last interval report was due, or the start */

static char out[FG_REPORT_MAX_BYTES];
static char exe[512], prog[80], tmpname[600];

static int enabled(void)
{
	return __atomic_load_n(&g.state, __ATOMIC_ACQUIRE) == ST_READY && g.conf.report[0];
}

void report_init(void)
{
	secure = getauxval(AT_SECURE) != 0;
	report_pid = os_getpid();
	start_unix_ms = os_now_unix_ms();
	start_mono_ms = os_now_ms();
	last_interval_ms = start_mono_ms;
}

/* ---- identity ------------------------------------------------------- */

static void sanitise(char *s, size_t cap, const char *from)
{
	size_t n = 0;
	for (; *from && n + 1 < cap; from++) {
		char c = *from;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			 c == '.' || c == '_' || c == '+' || c == '-';
		s[n++] = ok ? c : '_';
	}
	s[n] = 0;
	if (!n || !strcmp(s, ".") || !strcmp(s, ".."))
		strcpy(s, n ? "_" : "unknown");
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* exe path and program name; the cmdline (NUL-separated) into cmd. */
static void identity(char *cmd, size_t cap, ssize_t *cmdlen)
{
	if (os_readlink("/proc/self/exe", exe, sizeof exe) <= 0)
		exe[0] = 0;
	*cmdlen = os_read_file("/proc/self/cmdline", cmd, cap);
	if (exe[0] && !strstr(exe, " (deleted)"))
		sanitise(prog, sizeof prog, base_name(exe));
	else
		sanitise(prog, sizeof prog, *cmdlen > 0 ? base_name(cmd) : "");
}

/* ---- /proc values --------------------------------------------------- */

/* The "Key:   N kB" value of text in bytes, or -1 when absent. */
static int64_t kb_field(const char *text, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, kl) || p[kl] != ':')
			continue;
		p += kl + 1;
		while (*p == ' ' || *p == '\t')
			p++;
		int64_t v = 0;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			v = v * 10 + (*p++ - '0');
		return v * 1024;
	}
	return -1;
}

/* ---- JSON helpers --------------------------------------------------- */

static void key(struct fmtbuf *fb, const char *k)
{
	char last = fb->len ? fb->p[fb->len - 1] : 0;
	if (last != '{' && last != '[')
		fmt_str(fb, ",");
	fmt_json_str(fb, k);
	fmt_str(fb, ":");
}

static void ku(struct fmtbuf *fb, const char *k, uint64_t v)
{
	key(fb, k);
	fmt_u64(fb, v);
}

static void ki(struct fmtbuf *fb, const char *k, int64_t v)
{
	key(fb, k);
	if (v < 0)
		fmt_str(fb, "null");
	else
		fmt_u64(fb, (uint64_t)v);
}

/* A signed value (negative is meaningful, unlike ki's "unknown"). */
static void kd(struct fmtbuf *fb, const char *k, int64_t v)
{
	key(fb, k);
	fmt_i64(fb, v);
}

static void ks(struct fmtbuf *fb, const char *k, const char *s)
{
	key(fb, k);
	if (s)
		fmt_json_str(fb, s);
	else
		fmt_str(fb, "null");
}

static void kb(struct fmtbuf *fb, const char *k, int v)
{
	key(fb, k);
	fmt_str(fb, v ? "true" : "false");
}

/* ---- sections ------------------------------------------------------- */

static void sec_process(struct fmtbuf *fb, const char *reason, uint64_t now_unix, uint64_t now_mono)
{
	static char cmd[FG_REPORT_CMDLINE_BYTES + 2];
	static struct os_uname u;
	ssize_t cn;
	identity(cmd, sizeof cmd, &cn);
	os_uname(&u);
	key(fb, "process");
	fmt_str(fb, "{");
	ku(fb, "pid", (uint64_t)os_getpid());
	ku(fb, "ppid", (uint64_t)os_getppid());
	ks(fb, "exe", exe[0] ? exe : NULL);
	ks(fb, "program", prog);
	key(fb, "cmdline");
	fmt_str(fb, "[");
	int trunc = cn > FG_REPORT_CMDLINE_BYTES, nargs = 0;
	if (cn > FG_REPORT_CMDLINE_BYTES)
		cn = FG_REPORT_CMDLINE_BYTES;
	for (ssize_t i = 0; i < cn;) {
		if (nargs == FG_REPORT_CMDLINE_ARGS) {
			trunc = 1;
			break;
		}
		ssize_t e = i;
		while (e < cn && cmd[e])
			e++;
		cmd[e] = 0; /* the last argument of a truncated line */
		if (nargs++)
			fmt_str(fb, ",");
		fmt_json_str(fb, cmd + i);
		i = e + 1;
	}
	fmt_str(fb, "]");
	kb(fb, "cmdline_truncated", trunc);
	ku(fb, "start_unix_ms", start_unix_ms);
	ku(fb, "time_unix_ms", now_unix);
	key(fb, "end_unix_ms");
	if (!strcmp(reason, "exit"))
		fmt_u64(fb, now_unix);
	else
		fmt_str(fb, "null");
	ku(fb, "uptime_ms", now_mono - start_mono_ms);
	ks(fb, "host", u.nodename);
	ks(fb, "kernel", u.release);
	ks(fb, "machine", u.machine);
	kb(fb, "secure", secure);
	kb(fb, "forked", forked);
	fmt_str(fb, "}");
}

static void sec_config(struct fmtbuf *fb)
{
	key(fb, "config");
	fmt_str(fb, "{");
	for (unsigned i = 0; i < conf_nopts; i++) {
		const struct conf_opt *o = &conf_opts[i];
		const char *f = (const char *)&g.conf + o->offset;
		switch (o->type) {
		case CONF_BOOL:
			ku(fb, o->key, (uint64_t)*(const int *)f);
			break;
		case CONF_STR:
			ks(fb, o->key, f);
			break;
		default:
			ku(fb, o->key, *(const uint64_t *)f);
			break;
		}
	}
	fmt_str(fb, "}");
}

static void sec_shim(struct fmtbuf *fb)
{
	key(fb, "shim");
	fmt_str(fb, "{");
	kb(fb, "active", 1);
	ku(fb, "page_bytes", g.os_page);
	ku(fb, "chunk_bytes", g.chunk);
	ku(fb, "huge_page_bytes", g.pmd);
	kb(fb, "thp_advised", g.thp_advise);
	ks(fb, "prefault", !g.conf.prefault ? "off" : g.populate == 1 ? "madvise" :
			   g.populate == 0 ? "touch" : "untested");
	ku(fb, "deepbind_dropped", __atomic_load_n(&ctr.deepbind_dropped, __ATOMIC_RELAXED));
	fmt_str(fb, "}");
}

#define CTR(f) __atomic_load_n(&ctr.f, __ATOMIC_RELAXED)

static void sec_cost(struct fmtbuf *fb)
{
	static char status[8192], rollup[4096];
	struct os_usage u;
	uint64_t mapped = 0, empty = 0;
	int have_u = os_getusage(&u) == 0;
	int64_t anon = -1, anonhuge = -1, pte = -1, hwm = -1, rss = -1;

	if (os_read_file("/proc/self/status", status, sizeof status) > 0) {
		pte = kb_field(status, "VmPTE");
		hwm = kb_field(status, "VmHWM");
		rss = kb_field(status, "VmRSS");
	}
	if (os_read_file("/proc/self/smaps_rollup", rollup, sizeof rollup) > 0) {
		anon = kb_field(rollup, "Anonymous");
		anonhuge = kb_field(rollup, "AnonHugePages");
	}
	arena_usage(&mapped, &empty);
	uint64_t small = front_live_bytes(), large = CTR(large_bytes);
	uint64_t shim_faults = CTR(prefault_faults_est);

	key(fb, "cost");
	fmt_str(fb, "{");
	ki(fb, "minor_faults", have_u ? (int64_t)u.minflt : -1);
	ki(fb, "major_faults", have_u ? (int64_t)u.majflt : -1);
	ku(fb, "shim_faults_est", shim_faults);
	ki(fb, "program_faults_est", !have_u ? -1 : u.minflt > shim_faults ? (int64_t)(u.minflt - shim_faults) : 0);
	ku(fb, "prefaulted_bytes", CTR(bytes_prefaulted));
	ku(fb, "prefault_failures", CTR(prefault_failures));
	ku(fb, "chunks_mapped", CTR(chunks_mapped));
	ku(fb, "chunks_unmapped", CTR(chunks_unmapped));
	ku(fb, "chunks_reused", CTR(chunks_reused));
	ku(fb, "mapped_bytes", mapped);
	ku(fb, "retained_bytes", empty);
	ku(fb, "in_use_bytes", small + large);
	ku(fb, "small_in_use_bytes", small);
	ku(fb, "large_in_use_bytes", large);
	ku(fb, "released_bytes", CTR(bytes_released));
	ki(fb, "anon_bytes", anon);
	ki(fb, "anon_huge_bytes", anonhuge);
	key(fb, "huge_page_pct");
	if (anon > 0 && anonhuge >= 0) {
		uint64_t tenths = (uint64_t)anonhuge * 1000 / (uint64_t)anon;
		fmt_u64(fb, tenths / 10);
		fmt_str(fb, ".");
		fmt_u64(fb, tenths % 10);
	} else {
		fmt_str(fb, "null");
	}
	ki(fb, "page_table_bytes", pte);
	ki(fb, "peak_rss_bytes", hwm);
	ki(fb, "rss_bytes", rss);
	ki(fb, "user_ms", have_u ? (int64_t)u.user_ms : -1);
	ki(fb, "system_ms", have_u ? (int64_t)u.sys_ms : -1);
	fmt_str(fb, "}");
}

static void sec_alloc(struct fmtbuf *fb)
{
	key(fb, "alloc");
	fmt_str(fb, "{");
	key(fb, "classes");
	fmt_str(fb, "[");
	for (unsigned c = 0; c < SC_NCLASS; c++) {
		uint64_t live, spans, span_bytes, nout, nback;
		front_class_usage(c, &live, &spans, &span_bytes);
		front_class_counts(c, &nout, &nback);
		if (!nout && !spans)
			continue;
		fmt_str(fb, fb->p[fb->len - 1] == '[' ? "{" : ",{");
		ku(fb, "class", c);
		ku(fb, "size_bytes", sc_info[c].size);
		ku(fb, "allocs", nout);
		ku(fb, "frees", nback);
		ku(fb, "bytes", nout * sc_info[c].size);
		ku(fb, "in_use_bytes", live);
		ku(fb, "spans", spans);
		ku(fb, "span_bytes", span_bytes);
		fmt_str(fb, "}");
	}
	fmt_str(fb, "]");
	ku(fb, "large_allocs", CTR(large_allocs) - base_large_allocs);
	ku(fb, "large_frees", CTR(large_frees) - base_large_frees);
	ku(fb, "large_reused", CTR(large_reused));
	ku(fb, "large_bytes", CTR(large_bytes));
	ku(fb, "failures", CTR(alloc_failures));
	fmt_str(fb, "}");
}

/* The policy's counters (issue 4). Until the policy lands this reports
 * "available": false and zeros, apart from what the allocator counts. */
struct report_actions {
	int available;
	uint64_t samples, risk_events, risk_chunk, risk_large, risk_mmap, risk_fork;
	uint64_t compactions, compactions_helped, waits, stall_ms, fallbacks, thp_fallbacks, refusals;
};

#define GC(f) __atomic_load_n(&guard_ctr.f, __ATOMIC_RELAXED)

static void report_policy_actions(struct report_actions *a)
{
	memset(a, 0, sizeof *a);
	a->available = 1;
	a->samples = GC(samples);
	a->risk_events = GC(risk_events);
	a->risk_chunk = GC(risk_by_event[POLICY_EV_CHUNK]);
	a->risk_large = GC(risk_by_event[POLICY_EV_LARGE]);
	a->risk_mmap = GC(risk_by_event[POLICY_EV_MMAP]);
	a->risk_fork = GC(risk_by_event[POLICY_EV_FORK]);
	a->compactions = GC(compact_done);
	a->compactions_helped = GC(compact_effective);
	a->waits = GC(waits);
	a->stall_ms = GC(wait_ms) + GC(compact_ns) / 1000000;
	a->fallbacks = GC(fallbacks);
	a->thp_fallbacks = CTR(thp_fallback);
	a->refusals = GC(refusals);
}

static const char *const event_name[POLICY_NEVENTS] = { "chunk", "large", "mmap", "fork" };
static const char *const action_name[POLICY_NACTIONS] = { "none", "compact", "wait", "fallback", "refuse" };
static const char *const cause_name[POLICY_NCAUSES] = { "none", "exhausted", "cma_stranded",
							 "zone_restricted", "no_free_block", "unknown" };

/* The policy's ring of risky moments, oldest first. */
static void risk_array(struct fmtbuf *fb)
{
	uint64_t n = GC(ring_next), first = n > POLICY_RING ? n - POLICY_RING : 0;
	fmt_str(fb, "[");
	for (uint64_t i = first; i < n; i++) {
		const struct policy_risk_rec *r = &guard_ctr.ring[i % POLICY_RING];
		if (i > first)
			fmt_str(fb, ",");
		fmt_str(fb, "{");
		ku(fb, "t_ms", r->t_ms > start_mono_ms ? r->t_ms - start_mono_ms : 0);
		ks(fb, "cause", r->event < POLICY_NEVENTS ? event_name[r->event] : "unknown");
		ks(fb, "reason", r->cause < POLICY_NCAUSES ? cause_name[r->cause] : "unknown");
		kd(fb, "order", r->order);
		ki(fb, "bytes", r->need * (int64_t)(g.os_page << (r->order > 0 ? r->order : 0)));
		key(fb, "zone");
		if (r->zone[0])
			fmt_json_str(fb, r->zone);
		else
			fmt_str(fb, "null");
		ki(fb, "free_pages", r->free);
		ki(fb, "min_pages", r->min);
		ki(fb, "low_pages", r->low);
		ki(fb, "high_pages", r->high);
		kd(fb, "margin_pages", r->capacity - r->need);
		key(fb, "free_blocks");
		fmt_str(fb, "[");
		for (unsigned o = 0; o < r->norders && o < KMEM_MAX_ORDERS; o++) {
			if (o)
				fmt_str(fb, ",");
			fmt_u64(fb, r->nr_free[o]);
		}
		fmt_str(fb, "]");
		ks(fb, "action", r->action < POLICY_NACTIONS ? action_name[r->action] : "none");
		ks(fb, "outcome", r->action == POLICY_REFUSE ? "failed" : "ok");
		fmt_str(fb, "}");
	}
	fmt_str(fb, "]");
}

static void sec_actions(struct fmtbuf *fb)
{
	struct report_actions a;
	report_policy_actions(&a);
	key(fb, "actions");
	fmt_str(fb, "{");
	kb(fb, "available", a.available);
	ku(fb, "samples", a.samples);
	ku(fb, "risk_events", a.risk_events);
	key(fb, "risk_by_cause");
	fmt_str(fb, "{");
	ku(fb, "chunk", a.risk_chunk);
	ku(fb, "large", a.risk_large);
	ku(fb, "mmap", a.risk_mmap);
	ku(fb, "fork", a.risk_fork);
	fmt_str(fb, "}");
	ku(fb, "compactions", a.compactions);
	ku(fb, "compactions_helped", a.compactions_helped);
	ku(fb, "waits", a.waits);
	ku(fb, "stall_ms", a.stall_ms);
	ku(fb, "fallbacks", a.fallbacks);
	ku(fb, "thp_fallbacks", a.thp_fallbacks);
	ku(fb, "refusals", a.refusals);
	fmt_str(fb, "}");
	key(fb, "risk_events");
	risk_array(fb);
}

static void build(struct fmtbuf *fb, const char *reason)
{
	uint64_t now_unix = os_now_unix_ms(), now_mono = os_now_ms();
	fmt_str(fb, "{");
	ku(fb, "schema", FG_REPORT_SCHEMA);
	ks(fb, "generator", "libfragguard");
	ks(fb, "version", FG_REPORT_VERSION);
	ks(fb, "reason", reason);
	kb(fb, "final", !strcmp(reason, "exit"));
	ku(fb, "seq", seq);
	sec_process(fb, reason, now_unix, now_mono);
	sec_config(fb);
	sec_shim(fb);
	feature_report(fb);
	sec_cost(fb);
	sec_alloc(fb);
	sec_actions(fb);
	fmt_str(fb, ",");
	callsite_report(fb, exe[0] ? exe : NULL);
	fmt_str(fb, "}\n");
}

/* ---- the file ------------------------------------------------------- */

static void warn_once(const char *what, const char *path, int err)
{
	char msg[400];
	struct fmtbuf fb;
	/* ENOSYS from a file call: a seccomp filter the program inherited
	 * (man-db's children) refused it. Its own business: said only with
	 * VERBOSE. (A filter the program installs itself is seen: sandbox.c.) */
	if (err == -ENOSYS && !g.conf.verbose)
		return;
	if (warned++)
		return;
	fmt_init(&fb, msg, sizeof msg);
	fmt_str(&fb, "cannot write the report '");
	fmt_str(&fb, path);
	fmt_str(&fb, "': ");
	fmt_str(&fb, what);
	if (err)
		fmt_errno(&fb, -err);
	os_say(msg);
}

/* Expands %p %e %t %h %% of pat into dst. Returns 0, or -ENAMETOOLONG. */
static int expand(struct fmtbuf *fb, const char *pat)
{
	static struct os_uname u;
	char host[80];
	for (const char *p = pat; *p; p++) {
		if (*p != '%' || !p[1]) {
			fmt_mem(fb, p, 1);
			continue;
		}
		switch (*++p) {
		case 'p': fmt_u64(fb, (uint64_t)os_getpid()); break;
		case 'e': fmt_str(fb, prog); break;
		case 't': fmt_u64(fb, start_unix_ms / 1000); break;
		case 'h':
			os_uname(&u);
			sanitise(host, sizeof host, u.nodename);
			fmt_str(fb, host);
			break;
		case '%': fmt_str(fb, "%"); break;
		default: fmt_mem(fb, p - 1, 2); break;
		}
	}
	return fb->trunc ? -ENAMETOOLONG : 0;
}

static int is_dir(const char *path)
{
	int fd = os_open(path, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return 0;
	os_close(fd);
	return 1;
}

/* Writes len bytes of out to the path REPORT names, atomically. */
static int put_file(size_t len)
{
	static char path[4096];
	struct fmtbuf fb;
	fmt_init(&fb, path, sizeof path);
	if (expand(&fb, g.conf.report) < 0) {
		warn_once("path too long", g.conf.report, 0);
		return -ENAMETOOLONG;
	}
	if (fb.len && (path[fb.len - 1] == '/' || is_dir(path))) {
		if (path[fb.len - 1] != '/')
			fmt_str(&fb, "/");
		if (expand(&fb, "%e.%p.json") < 0)
			return -ENAMETOOLONG;
	}
	char *slash = strrchr(path, '/');
	const char *dir = ".", *name = path;
	if (slash) {
		*slash = 0;
		dir = slash == path ? "/" : path;
		name = slash + 1;
	}
	if (os_fsize_below(len)) { /* sshd's pre-auth child, `ulimit -f` */
		if (slash)
			*slash = '/';
		warn_once("the file-size limit (ulimit -f) is below its size", path, 0);
		return -EFBIG;
	}
	int dfd = os_open(dir, O_RDONLY | O_DIRECTORY, 0);
	if (slash)
		*slash = '/';
	if (dfd < 0) {
		warn_once(dfd == -ENOTDIR ? "its directory is not a directory" : "cannot open its directory", path, dfd);
		return dfd;
	}
	/* Renaming a file to itself changes nothing, and answers ENOENT when it
	 * does not exist; a seccomp filter the program inherited answers
	 * otherwise (ENOSYS, EPERM), and then no temporary file is made that
	 * could be neither renamed nor removed. */
	int pr = os_renameat(dfd, ".fragguard-rename-probe", ".fragguard-rename-probe");
	if (pr < 0 && pr != -ENOENT) {
		warn_once("renaming is refused here", path, pr);
		os_close(dfd);
		return pr;
	}
	fmt_init(&fb, tmpname, sizeof tmpname);
	fmt_str(&fb, ".");
	fmt_str(&fb, name);
	fmt_str(&fb, ".tmp");
	fmt_u64(&fb, (uint64_t)os_getpid());
	int r, fd = -EEXIST;
	for (int tries = 0; tries < 2 && fd == -EEXIST; tries++) {
		fd = os_openat(dfd, tmpname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0640);
		if (fd == -EEXIST) { /* left by a killed writer with our pid (or planted) */
			int u = os_unlinkat(dfd, tmpname);
			if (u < 0 && u != -ENOENT)
				fd = u; /* why it stays: the cause to report */
		}
	}
	if (fd < 0) {
		warn_once("cannot create the temporary file", path, fd);
		os_close(dfd);
		return fd;
	}
	r = os_write_all(fd, out, len);
	os_close(fd);
	if (r == 0)
		r = os_renameat(dfd, tmpname, name);
	if (r < 0) {
		os_unlinkat(dfd, tmpname);
		warn_once("write or rename failed", path, r);
	}
	os_close(dfd);
	return r;
}

int report_own_process(void)
{
	return os_getpid() == __atomic_load_n(&report_pid, __ATOMIC_RELAXED);
}

int report_write(const char *reason)
{
	struct fmtbuf fb;
	if (!enabled())
		return -ENOENT;
	if (__atomic_load_n(&os_sandboxed, __ATOMIC_ACQUIRE))
		return -EPERM; /* the last report was written on the way in */
	if (!report_own_process())
		return -ECHILD; /* a vfork child: the parent's memory, not ours */
	lock_take(&wlock);
	seq++;
	fmt_init(&fb, out, sizeof out);
	build(&fb, reason);
	int r;
	if (fb.trunc) {
		warn_once("the report exceeds its buffer", g.conf.report, 0);
		r = -ENOSPC;
	} else {
		r = put_file(fb.len);
	}
	lock_give(&wlock);
	return r;
}

/* When the next interval report is due (0: no intervals). */
static uint64_t interval_due(void)
{
	uint64_t every = g.conf.report_interval * 1000;
	return every ? __atomic_load_n(&last_interval_ms, __ATOMIC_RELAXED) + every : 0;
}

/* Writes the interval report due at due (<= now). The next one is due an
 * interval after this one was due, not after it was written: a report
 * thread woken late, or restarted after a fork, keeps the cadence instead
 * of drifting by each delay; one that fell a whole interval behind starts
 * again from now (no burst of reports to catch up). The report thread and
 * a forking thread may both find it due: the one whose compare-and-swap
 * moves the schedule on writes it. */
static void write_interval(uint64_t due, uint64_t now)
{
	uint64_t every = g.conf.report_interval * 1000, last = due - every;
	uint64_t next = now - due >= every ? now : due;
	if (__atomic_compare_exchange_n(&last_interval_ms, &last, next, 0, __ATOMIC_RELAXED,
					__ATOMIC_RELAXED))
		report_write("interval");
}

/* fork calls it only when this thread holds no shim lock (lock.h), so a
 * fork from a signal handler that interrupted a write never gets here. */
void report_if_due(void)
{
	uint64_t due = interval_due(), now = os_now_ms();
	if (due && now >= due && enabled())
		write_interval(due, now);
}

void report_before_exec(void)
{
	if (enabled())
		report_write("exec");
}

/* ---- triggers ------------------------------------------------------- */

static void on_signal(int sig)
{
	(void)sig;
	__atomic_store_n(&sig_pending, 1, __ATOMIC_RELEASE);
	__atomic_add_fetch(&thr_seq, 1, __ATOMIC_RELEASE);
	os_futex_wake(&thr_seq, 1);
}

static void report_main(struct worker *w)
{
	/* Intervals run from the process's start or its last interval report
	 * (interval_due), whenever this thread (re)started: see worker.h. */
	for (;;) {
		int s = __atomic_load_n(&thr_seq, __ATOMIC_ACQUIRE);
		if (worker_stopping(w)) /* after reading thr_seq: see bg_main */
			return;
		if (__atomic_exchange_n(&sig_pending, 0, __ATOMIC_ACQ_REL)) {
			report_write("signal");
			continue;
		}
		uint64_t now = os_now_ms(), due = interval_due();
		if (due && now >= due) {
			write_interval(due, now);
			continue;
		}
		os_futex_wait(&thr_seq, s, due ? (unsigned)(due - now) : 0);
	}
}

static struct worker thread = { .run = report_main, .stack = 128u << 10, .wake = &thr_seq };

/* The report thread runs from the start (a process killed by the OOM
 * killer leaves only its last interval report). A program that must be
 * single-threaded when it sandboxes itself (Chromium's zygote and GPU
 * process check /proc/self/task) cannot have it: REPORT_INTERVAL=0 there. */
void report_poll(void)
{
	if (likely(!want_thread || __atomic_load_n(&thread.state, __ATOMIC_ACQUIRE) != WORKER_NONE))
		return;
	if (worker_start(&thread) < 0)
		os_say("cannot start the report thread; the report is written at exit and exec only");
}

void report_after_fork_child(void)
{
	lock_reset(&wlock);
	report_pid = os_getpid();
	forked = 1;
	seq = 0;
	start_unix_ms = os_now_unix_ms();
	start_mono_ms = os_now_ms();
	last_interval_ms = start_mono_ms;
	worker_after_fork_child(&thread); /* report_poll starts it again */
	thr_seq = 0;
	sig_pending = 0;
	base_large_allocs = ctr.large_allocs;
	base_large_frees = ctr.large_frees;
	/* Event counters start again; gauges (large_bytes) carry on. */
	ctr.chunks_mapped = ctr.chunks_unmapped = ctr.chunks_reused = 0;
	ctr.bytes_prefaulted = ctr.prefault_failures = ctr.bytes_released = 0;
	ctr.large_reused = ctr.alloc_failures = ctr.trims = ctr.page_trims = 0;
	ctr.thp_fallback = ctr.prefault_faults_est = ctr.deepbind_dropped = 0;
	front_reset_class_counts();
	callsite_after_fork_child();
}

__attribute__((constructor)) static void report_ctor(void)
{
	if (setup_init() != ST_READY || !g.conf.report[0])
		return;
	callsite_arm();
	int sig = (int)g.conf.report_signal;
	if (sig) {
		struct sigaction old, sa;
		if (sigaction(sig, NULL, &old) < 0) {
			os_say("REPORT_SIGNAL: the C library refuses that signal; no report on a signal");
			sig = 0;
		} else if (old.sa_handler == SIG_DFL && !(old.sa_flags & SA_SIGINFO)) {
			memset(&sa, 0, sizeof sa);
			sa.sa_handler = on_signal;
			sa.sa_flags = SA_RESTART;
			sigemptyset(&sa.sa_mask);
			sigaction(sig, &sa, NULL);
		} else if (g.conf.verbose) {
			os_say("REPORT_SIGNAL: the program handles that signal itself; not installing a handler");
		}
	}
	want_thread = g.conf.report_interval || sig;
	report_poll();
}

__attribute__((destructor)) static void report_dtor(void)
{
	if (enabled())
		report_write("exit");
}
