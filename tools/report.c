/* report.c: `fragguard report`, the reader and aggregator of per-process
 * reports (the JSON files the shim writes; schema in
 * include/fragguard/report.h). It finds report files under the paths given,
 * parses each with jansson, keeps only the fields the renderers show, groups
 * the processes by program and sorts them, then hands the set to one of the
 * renderers (report_text.c, report_json.c, report_prom.c, report_html.c).
 * A file that is truncated, not JSON or not a fragguard report is skipped
 * with one warning naming it; it never stops the others. Output files are
 * written atomically (temporary file in the same directory, then rename). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "fragguard/report.h"
#include "report.h"

struct paths {
	char **v;
	size_t n, cap;
};

struct ropts {
	const char *sort;
	const char **programs;
	size_t nprograms;
	int top;
	bool json, prom;
	const char *out;       /* -o FILE */
	const char *html;      /* --html FILE */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: fragguard report [--sort KEY] [--program NAME] [--top N]\n"
		"                        [--json | --prometheus] [-o FILE] [--html FILE]\n"
		"                        [FILE|DIR ...]\n"
		"\n"
		"Summarises the per-process reports the shim writes (FRAGGUARD_REPORT):\n"
		"one row per process, grouped by program with a total per program. A\n"
		"directory is searched for *.json files, subdirectories included; with no\n"
		"path, the directory in FRAGGUARD_REPORT or else the current one.\n"
		"\n"
		"  --sort KEY       program (default), pid, start, lifetime, faults,\n"
		"                   faults-per-gib, prefault, huge, pagetables, rss,\n"
		"                   compactions, waits, refusals, stall; numbers sort\n"
		"                   largest first, programs by their totals\n"
		"  --program NAME   only processes of this program (repeatable)\n"
		"  --top N          call sites shown per process (default 1, 0 hides them,\n"
		"                   at most %d)\n"
		"  --json           the aggregate as JSON, for machines\n"
		"  --prometheus     node_exporter textfile-collector metrics, per program\n"
		"  -o, --output F   write the table, JSON or metrics to F atomically\n"
		"                   (temporary file, then rename) instead of stdout\n"
		"  --html FILE      also write one self-contained HTML page with charts\n"
		"\n"
		"Columns: LIFE lifetime; FAULTS page faults (minor + major) and per GiB\n"
		"allocated; PREFAULT bytes the shim faulted in ahead; HUGE share of the heap\n"
		"in huge pages; PTE page-table bytes (VmPTE); PEAK peak RSS; C/W/R the\n"
		"shim's compactions, waits and refused allocations (ENOMEM); STALL time it\n"
		"waited. Sizes are binary (K = KiB).\n"
		"\n"
		"Exit status: 0 summarised (files that are not reports are skipped with a\n"
		"warning), 1 a path could not be read or no report was found, 2 bad usage.\n",
		REPORT_MAX_SITES);
}

/* ---- small formatters shared by the renderers ---------------------------- */

double report_lifetime(const struct report_set *s, const struct report_proc *p)
{
	(void)s;
	return p->life_s;
}

double report_faults_per_gib(const struct report_proc *p)
{
	/* A small program's few hundred start-up faults over a few hundred KiB
	 * would extrapolate to millions per GiB: say nothing instead. */
	if (p->alloc_bytes < REPORT_MIN_GIB_BYTES)
		return -1;
	return (double)(p->minflt + p->majflt) / ((double)p->alloc_bytes / (1024.0 * 1024 * 1024));
}

double report_huge_pct(const struct report_proc *p)
{
	if (!p->have_huge || !p->heap_bytes)
		return -1;
	return 100.0 * (double)p->huge_bytes / (double)p->heap_bytes;
}

char *report_fmt_bytes(char *buf, size_t cap, uint64_t v)
{
	static const char unit[] = "KMGTPE";
	double d = (double)v;
	int u = -1;

	if (v < 1024) {
		snprintf(buf, cap, "%llu", (unsigned long long)v);
		return buf;
	}
	while (d >= 1024 && u < 5) {
		d /= 1024;
		u++;
	}
	if (d < 9.95)
		snprintf(buf, cap, "%.1f%c", d, unit[u]);
	else
		snprintf(buf, cap, "%.0f%c", d, unit[u]);
	return buf;
}

char *report_fmt_count(char *buf, size_t cap, double v)
{
	static const char unit[] = "kMGTPE";
	int u = -1;

	if (v < 0) {
		snprintf(buf, cap, "-");
		return buf;
	}
	if (v < 9999.5) {
		snprintf(buf, cap, "%.0f", v);
		return buf;
	}
	while (v >= 999.5 && u < 5) {
		v /= 1000;
		u++;
	}
	if (v < 9.95)
		snprintf(buf, cap, "%.1f%c", v, unit[u]);
	else
		snprintf(buf, cap, "%.0f%c", v, unit[u]);
	return buf;
}

char *report_fmt_secs(char *buf, size_t cap, double s)
{
	if (s < 0.9995)
		snprintf(buf, cap, "%.0fms", s * 1000);
	else if (s < 59.95)
		snprintf(buf, cap, "%.1fs", s);
	else if (s < 3600)
		snprintf(buf, cap, "%dm%02ds", (int)(s / 60), (int)s % 60);
	else if (s < 86400)
		snprintf(buf, cap, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
	else
		snprintf(buf, cap, "%dd%02dh", (int)(s / 86400), (int)(s / 3600) % 24);
	return buf;
}

/* ---- JSON access ---------------------------------------------------------- */

/* The value at a dotted path ("memory.pte_bytes"), or NULL. */
static json_t *jat(json_t *o, const char *path)
{
	char key[64];

	while (o && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		if (n >= sizeof key || !json_is_object(o))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		o = json_object_get(o, key);
		path += n + (dot != NULL);
	}
	return o;
}

/* The first of the NULL-terminated paths that holds a number, as uint64. */
static bool jnum(json_t *o, uint64_t *out, const char *const *paths)
{
	for (; *paths; paths++) {
		json_t *v = jat(o, *paths);

		if (json_is_integer(v)) {
			json_int_t i = json_integer_value(v);

			*out = i < 0 ? 0 : (uint64_t)i;
			return true;
		}
		if (json_is_real(v)) {
			double d = json_real_value(v);

			*out = d < 0 || d != d ? 0 : d > 1.8e19 ? UINT64_MAX : (uint64_t)d;
			return true;
		}
	}
	return false;
}

static uint64_t ju64(json_t *o, const char *const *paths)
{
	uint64_t v = 0;

	jnum(o, &v, paths);
	return v;
}

static double jdbl(json_t *o, const char *const *paths)
{
	for (; *paths; paths++) {
		json_t *v = jat(o, *paths);

		if (json_is_number(v))
			return json_number_value(v);
	}
	return 0;
}

static const char *jstr(json_t *o, const char *const *paths)
{
	for (; *paths; paths++) {
		json_t *v = jat(o, *paths);

		if (json_is_string(v))
			return json_string_value(v);
	}
	return NULL;
}

#define P(...) ((const char *const[]){ __VA_ARGS__, NULL })

static char *xstrdup(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d) {
		fprintf(stderr, "fragguard: out of memory\n");
		exit(1);
	}
	return d;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "fragguard: out of memory\n");
		exit(1);
	}
	return p;
}

/* Program names are shown in tables and used as Prometheus labels: printable
 * ASCII only, so a hostile argv[0] cannot move the cursor or break a line. */
static char *clean_name(const char *s)
{
	char *d = xstrdup(s && *s ? s : "?");

	for (char *c = d; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	return d;
}

static const char *base_name(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;

	return s ? s + 1 : p;
}

/* ---- one report ----------------------------------------------------------- */

/* A "0x..." string of the schema as a number (0 if absent or malformed). */
static uint64_t jhex(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? strtoull(s, NULL, 16) : 0;
}

static void load_sites(struct report_proc *p, json_t *arr)
{
	size_t i;
	json_t *e;

	if (!json_is_array(arr))
		return;
	json_array_foreach(arr, i, e) {
		struct report_site *s;
		json_t *fr;

		if (p->nsites >= REPORT_MAX_SITES)
			break;
		if (!json_is_object(e))
			continue;
		s = &p->sites[p->nsites];
		s->bytes = ju64(e, P("est_bytes"));
		s->chunks = ju64(e, P("chunks"));
		s->mapped_bytes = ju64(e, P("mapped_bytes"));
		fr = json_object_get(e, "frames");
		for (size_t k = 0; k < json_array_size(fr) && s->nframes < REPORT_MAX_FRAMES; k++) {
			json_t *f = json_array_get(fr, k);
			struct report_frame *rf = &s->frames[s->nframes];
			const char *sym = jstr(f, P("symbol")), *mod = jstr(f, P("module"));

			if (!json_is_object(f))
				continue;
			rf->module = mod ? clean_name(mod) : NULL;
			rf->offset = jhex(f, "offset");
			rf->address = jhex(f, "address");
			rf->symbol = sym ? clean_name(sym) : NULL;
			s->nframes++;
		}
		p->nsites++;
	}
}

static void load_risks(struct report_proc *p, json_t *arr)
{
	size_t i, n;
	json_t *e;

	if (!json_is_array(arr) || !(n = json_array_size(arr)))
		return;
	p->risks = xrealloc(NULL, n * sizeof *p->risks);
	json_array_foreach(arr, i, e) {
		struct report_risk *r = &p->risks[p->nrisks];
		json_t *fr, *v;
		size_t k;

		if (!json_is_object(e))
			continue;
		memset(r, 0, sizeof *r);
		r->t = p->start_s + jdbl(e, P("t_ms")) / 1000;
		r->pid = p->pid;
		r->program = p->program;
		r->order = (int)ju64(e, P("order"));
		r->margin_pages = (int64_t)jdbl(e, P("margin_pages"));
		snprintf(r->cause, sizeof r->cause, "%s", jstr(e, P("cause")) ?: "");
		snprintf(r->action, sizeof r->action, "%s", jstr(e, P("action")) ?: "");
		snprintf(r->outcome, sizeof r->outcome, "%s", jstr(e, P("outcome")) ?: "");
		snprintf(r->zone, sizeof r->zone, "%s", jstr(e, P("zone")) ?: "?");
		fr = json_object_get(e, "free_blocks");
		json_array_foreach(fr, k, v) {
			if (k >= REPORT_MAX_ORDERS)
				break;
			r->free[k] = json_is_integer(v) && json_integer_value(v) > 0
				     ? (uint64_t)json_integer_value(v) : 0;
			r->norders = (int)k + 1;
		}
		p->nrisks++;
	}
}

static char *join_cmdline(json_t *v)
{
	char *s = NULL, *c;
	size_t len = 0, i;
	json_t *e;

	if (!json_is_array(v))
		return NULL;
	json_array_foreach(v, i, e) {
		const char *a = json_string_value(e);
		size_t n;

		if (!a)
			continue;
		n = strlen(a);
		s = xrealloc(s, len + n + 2);
		if (len)
			s[len++] = ' ';
		memcpy(s + len, a, n + 1);
		len += n;
	}
	if (!s)
		return NULL;
	c = clean_name(s);
	free(s);
	return c;
}

/* Why root is not a report this reader takes, or NULL when it is one. */
static const char *not_report(json_t *root, char *why, size_t cap)
{
	json_t *schema = json_object_get(root, "schema");
	const char *gen = json_string_value(json_object_get(root, "generator"));

	if (!json_is_object(root) || !gen || strcmp(gen, "libfragguard") || !json_is_integer(schema))
		return "not a fragguard report";
	if (json_integer_value(schema) > FG_REPORT_SCHEMA || json_integer_value(schema) < 1) {
		snprintf(why, cap, "report schema %lld, this fragguard reads %d",
			 (long long)json_integer_value(schema), FG_REPORT_SCHEMA);
		return why;
	}
	if (!json_is_integer(jat(root, "process.pid")))
		return "report without a pid";
	return NULL;
}

/* Fills *p from a parsed report that passed not_report(). */
static void load_proc(struct report_proc *p, json_t *root, const char *file)
{
	const char *name, *exe, *status;
	json_t *classes, *c;
	size_t i;

	memset(p, 0, sizeof *p);
	p->file = xstrdup(file);
	p->pid = (int)json_integer_value(jat(root, "process.pid"));
	p->ppid = (int)ju64(root, P("process.ppid"));
	exe = jstr(root, P("process.exe"));
	name = jstr(root, P("process.program"));
	p->program = clean_name(name ? name : base_name(exe));
	p->exe = exe ? clean_name(exe) : NULL;
	p->cmdline = join_cmdline(jat(root, "process.cmdline"));
	p->host = clean_name(jstr(root, P("process.host")));
	p->kernel = clean_name(jstr(root, P("process.kernel")));
	snprintf(p->reason, sizeof p->reason, "%s", jstr(root, P("reason")) ?: "");
	p->final = json_is_true(json_object_get(root, "final"));
	p->active = !json_is_false(jat(root, "shim.active"));
	p->start_s = jdbl(root, P("process.start_unix_ms")) / 1000;
	p->end_s = jdbl(root, P("process.end_unix_ms", "process.time_unix_ms")) / 1000;
	p->life_s = jat(root, "process.uptime_ms") ? jdbl(root, P("process.uptime_ms")) / 1000
		  : p->end_s > p->start_s ? p->end_s - p->start_s : 0;
	if (p->end_s <= 0)
		p->end_s = p->start_s + p->life_s;

	p->minflt = ju64(root, P("cost.minor_faults"));
	p->majflt = ju64(root, P("cost.major_faults"));
	p->shim_flt = ju64(root, P("cost.shim_faults_est"));
	p->prefault_bytes = ju64(root, P("cost.prefaulted_bytes"));
	p->have_huge = jnum(root, &p->heap_bytes, P("cost.anon_bytes")) &&
		       jnum(root, &p->huge_bytes, P("cost.anon_huge_bytes"));
	p->have_pte = jnum(root, &p->pte_bytes, P("cost.page_table_bytes"));
	p->peak_rss_bytes = ju64(root, P("cost.peak_rss_bytes"));
	p->rss_bytes = ju64(root, P("cost.rss_bytes"));
	p->chunks_mapped = ju64(root, P("cost.chunks_mapped"));
	p->chunks_released = ju64(root, P("cost.chunks_unmapped"));
	p->returned_bytes = ju64(root, P("cost.released_bytes"));

	classes = jat(root, "alloc.classes");
	json_array_foreach(classes, i, c) {
		p->alloc_bytes += ju64(c, P("bytes"));
		p->alloc_count += ju64(c, P("allocs"));
	}
	p->alloc_count += ju64(root, P("alloc.large_allocs"));
	p->failed_allocs = ju64(root, P("alloc.failures"));

	p->samples = ju64(root, P("actions.samples"));
	p->risk_events = ju64(root, P("actions.risk_events"));
	p->compactions = ju64(root, P("actions.compactions"));
	p->compactions_ok = ju64(root, P("actions.compactions_helped"));
	p->waits = ju64(root, P("actions.waits"));
	p->stall_ns = ju64(root, P("actions.stall_ms")) * 1000000;
	p->fallbacks = ju64(root, P("actions.fallbacks"));
	p->refusals = ju64(root, P("actions.refusals"));

	load_sites(p, jat(root, "callsites.by_bytes"));
	/* Why a shim sampled no site (UNWIND=0, SAMPLE_BYTES=0): shown instead. */
	status = jstr(root, P("callsites.status"));
	if (!p->nsites && status && strcmp(status, "sampled"))
		p->sites_status = clean_name(status);
	load_risks(p, json_object_get(root, "risk_events"));
}

/* Parsing allocates thousands of small jansson nodes per report and frees
 * them all at once: a bump arena, reset after each file, halves the time of
 * a 10 000-report run compared with malloc/free. Blocks that do not fit go
 * to malloc. Only parse trees live here; everything kept is strdup'ed. */
#define ARENA_BYTES (8u << 20)

static __thread struct {
	char *buf;
	size_t used;
} arena;

static void *arena_alloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (arena.buf && n <= ARENA_BYTES - arena.used) {
		void *p = arena.buf + arena.used;

		arena.used += n;
		return p;
	}
	return malloc(n);
}

static void arena_free(void *p)
{
	if (!arena.buf || (char *)p < arena.buf || (char *)p >= arena.buf + ARENA_BYTES)
		free(p);
}

/* Reads the whole file. Returns 0 or -errno; *buf is NUL-terminated. */
static int slurp(const char *path, char **buf, size_t *len)
{
	struct stat st;
	size_t cap, n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	*buf = NULL;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		/* EINVAL stands for "not a regular file" (a FIFO would block). */
		int e = fstat(fd, &st) < 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : EINVAL;

		close(fd);
		return -e;
	}
	cap = (size_t)st.st_size + 1;
	if (cap > (256u << 20)) {
		close(fd);
		return -EFBIG;
	}
	*buf = xrealloc(NULL, cap + 1);
	for (;;) {
		ssize_t r;

		if (n == cap) {
			cap *= 2;
			*buf = xrealloc(*buf, cap + 1);
		}
		r = read(fd, *buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			close(fd);
			free(*buf);
			*buf = NULL;
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	(*buf)[n] = '\0';
	*len = n;
	return 0;
}

/* One input file's outcome, filled by a parser thread, consumed in path
 * order so output and warnings do not depend on thread timing. */
struct slot {
	const char *path;
	int rc;                /* 0 loaded, 1 skipped, -errno unreadable */
	char *msg;             /* a warning, or NULL */
	struct report_proc proc;
};

/* Parses one file into sl. Thread-safe (thread-local arena, no stdio). */
static void parse_one(struct slot *sl)
{
	const char *path = sl->path;
	char *buf;
	size_t len = 0;
	json_error_t jerr;
	json_t *root;
	char whybuf[96], msg[PATH_MAX + 160];
	const char *why;
	int rc = slurp(path, &buf, &len);

	sl->msg = NULL;
	if (rc) {
		snprintf(msg, sizeof msg, "fragguard: cannot read '%s': %s\n", path,
			 rc == -EINVAL ? "not a regular file" : strerror(-rc));
		sl->rc = rc;
		sl->msg = xstrdup(msg);
		return;
	}
	arena.used = 0;
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	sl->rc = 1;
	if (!root) {
		if (len == 0)
			snprintf(msg, sizeof msg, "fragguard: skipping '%s': empty file\n", path);
		else if (jerr.position >= (int)len || strstr(jerr.text, "premature end"))
			snprintf(msg, sizeof msg,
				 "fragguard: skipping '%s': truncated JSON (%zu bytes)\n", path, len);
		else
			snprintf(msg, sizeof msg,
				 "fragguard: skipping '%s': not JSON (line %d: %s)\n", path, jerr.line,
				 jerr.text);
		sl->msg = xstrdup(msg);
		return;
	}
	why = not_report(root, whybuf, sizeof whybuf);
	if (why) {
		snprintf(msg, sizeof msg, "fragguard: skipping '%s': %s\n", path, why);
		sl->msg = xstrdup(msg);
	} else {
		load_proc(&sl->proc, root, path);
		sl->rc = 0;
	}
	json_decref(root);
}

struct pool {
	struct slot *slots;
	size_t n;
	size_t next;           /* atomically claimed */
};

static void *parse_worker(void *arg)
{
	struct pool *pl = arg;
	size_t i;

	arena.buf = malloc(ARENA_BYTES);
	while ((i = __atomic_fetch_add(&pl->next, 1, __ATOMIC_RELAXED)) < pl->n)
		parse_one(&pl->slots[i]);
	free(arena.buf);
	arena.buf = NULL;
	return NULL;
}

/* Parses every path on up to one thread per CPU (jansson is the cost), then
 * appends the reports to s and prints the warnings, both in path order.
 * Returns 1 when a file was unreadable, else 0. */
static int parse_all(struct report_set *s, char **paths, size_t n)
{
	struct pool pl = { .n = n };
	pthread_t th[8];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int nth = ncpu < 1 ? 1 : ncpu > 8 ? 8 : (int)ncpu, started = 0, rc = 0;

	if (!n)
		return 0;
	pl.slots = xrealloc(NULL, n * sizeof *pl.slots);
	for (size_t i = 0; i < n; i++)
		pl.slots[i].path = paths[i];
	if (n < 64)
		nth = 1;
	json_object_seed(1); /* no /dev/urandom read per run; inputs are not hostile keys */
	json_set_alloc_funcs(arena_alloc, arena_free);
	for (int t = 1; t < nth; t++)
		if (!pthread_create(&th[started], NULL, parse_worker, &pl))
			started++;
	parse_worker(&pl);
	for (int t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	/* The renderers build JSON that outlives any one file. */
	json_set_alloc_funcs(malloc, free);
	s->procs = xrealloc(s->procs, n * sizeof *s->procs);
	for (size_t i = 0; i < n; i++) {
		struct slot *sl = &pl.slots[i];

		if (sl->msg)
			fputs(sl->msg, stderr);
		free(sl->msg);
		if (sl->rc == 0)
			s->procs[s->nprocs++] = sl->proc;
		else if (sl->rc == 1)
			s->nskipped++;
		else
			rc = 1;
	}
	free(pl.slots);
	return rc;
}

static void paths_add(struct paths *ps, const char *p)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 256;
		ps->v = xrealloc(ps->v, ps->cap * sizeof *ps->v);
	}
	ps->v[ps->n++] = xstrdup(p);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects DIR's *.json files, subdirectories included (not through
 * symlinked directories, so a loop cannot trap it). Names starting with '.'
 * are the shim's temporary files. Returns 0 or -errno (message printed). */
static int collect_dir(struct paths *ps, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		int e0 = errno;

		fprintf(stderr, "fragguard: cannot read '%s': %s\n", dir, strerror(e0));
		return -e0;
	}
	while ((e = readdir(d))) {
		char path[PATH_MAX];
		size_t n = strlen(e->d_name);
		unsigned char type = e->d_type;

		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path)
			continue;
		if (type == DT_UNKNOWN) {
			struct stat st;

			if (lstat(path, &st) < 0)
				continue;
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG
			     : S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
		}
		if (type == DT_DIR) {
			if (depth < 16)
				collect_dir(ps, path, depth + 1);
		} else if ((type == DT_REG || type == DT_LNK) && n > 5 &&
			   !strcmp(e->d_name + n - 5, ".json")) {
			paths_add(ps, path);
		}
	}
	closedir(d);
	return 0;
}

/* ---- aggregation and order ------------------------------------------------- */

static void add_into(struct report_proc *t, const struct report_proc *p)
{
	t->minflt += p->minflt;
	t->majflt += p->majflt;
	t->shim_flt += p->shim_flt;
	t->alloc_bytes += p->alloc_bytes;
	t->alloc_count += p->alloc_count;
	t->prefault_bytes += p->prefault_bytes;
	t->heap_bytes += p->have_huge ? p->heap_bytes : 0;
	t->huge_bytes += p->have_huge ? p->huge_bytes : 0;
	t->have_huge |= p->have_huge;
	t->active |= p->active;
	t->pte_bytes += p->pte_bytes;
	t->have_pte |= p->have_pte;
	if (p->peak_rss_bytes > t->peak_rss_bytes)
		t->peak_rss_bytes = p->peak_rss_bytes;
	t->rss_bytes += p->rss_bytes;
	t->chunks_mapped += p->chunks_mapped;
	t->chunks_released += p->chunks_released;
	t->returned_bytes += p->returned_bytes;
	t->samples += p->samples;
	t->risk_events += p->risk_events;
	t->compactions += p->compactions;
	t->compactions_ok += p->compactions_ok;
	t->waits += p->waits;
	t->fallbacks += p->fallbacks;
	t->refusals += p->refusals;
	t->failed_allocs += p->failed_allocs;
	t->stall_ns += p->stall_ns;
	if (!t->start_s || (p->start_s && p->start_s < t->start_s))
		t->start_s = p->start_s;
	if (p->end_s > t->end_s)
		t->end_s = p->end_s;
}

static const struct report_set *sort_set; /* for the comparators */

static double key_value(const struct report_proc *p, enum report_key k)
{
	switch (k) {
	case KEY_LIFETIME:    return report_lifetime(sort_set, p);
	case KEY_FAULTS:      return (double)(p->minflt + p->majflt);
	case KEY_FAULTS_GIB:  return report_faults_per_gib(p);
	case KEY_PREFAULT:    return (double)p->prefault_bytes;
	case KEY_HUGE:        return report_huge_pct(p);
	case KEY_PTE:         return (double)p->pte_bytes;
	case KEY_RSS:         return (double)p->peak_rss_bytes;
	case KEY_COMPACTIONS: return (double)p->compactions;
	case KEY_WAITS:       return (double)p->waits;
	case KEY_REFUSALS:    return (double)p->refusals;
	case KEY_STALL:       return (double)p->stall_ns;
	case KEY_START:       return -p->start_s;
	case KEY_PID:         return -(double)p->pid;
	case KEY_PROGRAM:     return 0;
	}
	return 0;
}

/* Largest first; ties by start time, then pid, then file, so output is stable. */
static int cmp_procp(const void *a, const void *b)
{
	const struct report_proc *x = *(struct report_proc *const *)a;
	const struct report_proc *y = *(struct report_proc *const *)b;
	double kx = key_value(x, sort_set->key), ky = key_value(y, sort_set->key);

	if (kx != ky)
		return kx > ky ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->start_s != y->start_s)
		return x->start_s < y->start_s ? -1 : 1;
	return strcmp(x->file, y->file);
}

static int cmp_proc_name(const void *a, const void *b)
{
	const struct report_proc *x = a, *y = b;
	int c = strcmp(x->program, y->program);

	return c ? c : x->pid - y->pid;
}

static int cmp_prog(const void *a, const void *b)
{
	const struct report_prog *x = a, *y = b;
	double kx, ky;

	if (sort_set->key == KEY_PROGRAM || sort_set->key == KEY_PID || sort_set->key == KEY_START)
		return strcmp(x->name, y->name);
	kx = key_value(&x->sum, sort_set->key);
	ky = key_value(&y->sum, sort_set->key);
	if (sort_set->key == KEY_LIFETIME) {
		kx = x->last_end_s - x->first_start_s;
		ky = y->last_end_s - y->first_start_s;
	}
	if (kx != ky)
		return kx > ky ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void build(struct report_set *s)
{
	size_t i, j;

	sort_set = s;
	qsort(s->procs, s->nprocs, sizeof *s->procs, cmp_proc_name);
	s->progs = xrealloc(NULL, (s->nprocs ? s->nprocs : 1) * sizeof *s->progs);
	s->nprogs = 0;
	memset(&s->total, 0, sizeof s->total);
	for (i = 0; i < s->nprocs; i = j) {
		struct report_prog *g = &s->progs[s->nprogs++];

		for (j = i; j < s->nprocs && !strcmp(s->procs[j].program, s->procs[i].program); j++)
			;
		memset(g, 0, sizeof *g);
		g->name = s->procs[i].program;
		g->nprocs = j - i;
		g->procs = xrealloc(NULL, g->nprocs * sizeof *g->procs);
		for (size_t k = i; k < j; k++) {
			g->procs[k - i] = &s->procs[k];
			add_into(&g->sum, &s->procs[k]);
			add_into(&s->total, &s->procs[k]);
		}
		g->sum.program = (char *)g->name;
		g->first_start_s = g->sum.start_s;
		g->last_end_s = g->sum.end_s;
		qsort(g->procs, g->nprocs, sizeof *g->procs, cmp_procp);
	}
	qsort(s->progs, s->nprogs, sizeof *s->progs, cmp_prog);
}

static void proc_free(struct report_proc *p)
{
	free(p->file);
	free(p->program);
	free(p->exe);
	free(p->cmdline);
	free(p->host);
	free(p->kernel);
	free(p->sites_status);
	for (int k = 0; k < p->nsites; k++) {
		free(p->sites[k].func);
		free(p->sites[k].where);
		for (int j = 0; j < p->sites[k].nframes; j++) {
			free(p->sites[k].frames[j].module);
			free(p->sites[k].frames[j].symbol);
		}
	}
	free(p->risks);
}

static void set_free(struct report_set *s)
{
	for (size_t i = 0; i < s->nprocs; i++)
		proc_free(&s->procs[i]);
	for (size_t i = 0; i < s->nprogs; i++)
		free(s->progs[i].procs);
	free(s->procs);
	free(s->progs);
	memset(s, 0, sizeof *s);
}

/* Loads every path (files or directories) into s, keeping only the programs
 * named (none: all). Returns 0, or 1 when some path could not be read. */
static int load_all(struct report_set *s, char **paths, size_t npaths,
		    const char *const *programs, size_t nprograms, double since_s)
{
	struct paths ps = { 0 };
	size_t i;
	int rc = 0;

	for (i = 0; i < npaths; i++) {
		struct stat st;

		if (stat(paths[i], &st) < 0) {
			fprintf(stderr, "fragguard: cannot read '%s': %s\n", paths[i], strerror(errno));
			rc = 1;
		} else if (S_ISDIR(st.st_mode)) {
			size_t first = ps.n;

			if (collect_dir(&ps, paths[i], 0))
				rc = 1;
			qsort(ps.v + first, ps.n - first, sizeof *ps.v, cmp_str);
		} else {
			paths_add(&ps, paths[i]);
		}
	}
	if (since_s > 0) {
		size_t k = 0;

		for (i = 0; i < ps.n; i++) {
			struct stat st;

			if (!stat(ps.v[i], &st) &&
			    (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9 < since_s)
				free(ps.v[i]);
			else
				ps.v[k++] = ps.v[i];
		}
		ps.n = k;
	}
	if (parse_all(s, ps.v, ps.n))
		rc = 1;
	for (i = 0; i < ps.n; i++)
		free(ps.v[i]);
	free(ps.v);
	if (nprograms) {
		size_t k = 0;

		for (i = 0; i < s->nprocs; i++) {
			struct report_proc *p = &s->procs[i];
			bool keep = false;

			for (size_t m = 0; m < nprograms && !keep; m++)
				keep = !strcmp(p->program, programs[m]) ||
				       (p->exe && !strcmp(base_name(p->exe), programs[m]));
			if (keep) {
				s->procs[k++] = *p;
			} else {
				proc_free(p);
			}
		}
		s->nprocs = k;
	}
	report_sym_resolve(s);
	build(s);
	return rc;
}

/* ---- output ----------------------------------------------------------------- */

typedef int (*render_fn)(const struct report_set *, FILE *);

/* Renders into path atomically: a temporary file beside it, then rename, so a
 * collector never reads half a file. Returns 0 or 1 (message printed). */
static int write_atomic(const char *path, const struct report_set *s, render_fn fn)
{
	char tmp[PATH_MAX];
	mode_t um;
	FILE *f;
	int fd, rc;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= sizeof tmp) {
		fprintf(stderr, "fragguard: cannot write '%s': %s\n", path, strerror(ENAMETOOLONG));
		return 1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "fragguard: cannot write '%s': %s\n", path, strerror(errno));
		return 1;
	}
	/* mkstemp makes 0600; a collector running as another user must read it. */
	um = umask(0);
	umask(um);
	fchmod(fd, 0666 & ~um);
	f = fdopen(fd, "w");
	if (!f) {
		rc = errno;
		close(fd);
		unlink(tmp);
		fprintf(stderr, "fragguard: cannot write '%s': %s\n", path, strerror(rc));
		return 1;
	}
	rc = fn(s, f);
	if (fflush(f) && !rc)
		rc = -errno;
	if (!rc && fsync(fileno(f)) < 0 && errno != EINVAL)
		rc = -errno;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc) {
		unlink(tmp);
		fprintf(stderr, "fragguard: cannot write '%s': %s\n", path, strerror(-rc));
		return 1;
	}
	return 0;
}

static int write_stdout(const struct report_set *s, render_fn fn)
{
	int rc = fn(s, stdout);

	if (!rc && fflush(stdout))
		rc = -errno;
	if (rc) {
		fprintf(stderr, "fragguard: cannot write standard output: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}

static const struct {
	const char *name;
	enum report_key key;
} keys[] = {
	{ "program", KEY_PROGRAM }, { "pid", KEY_PID }, { "start", KEY_START },
	{ "lifetime", KEY_LIFETIME }, { "faults", KEY_FAULTS },
	{ "faults-per-gib", KEY_FAULTS_GIB }, { "prefault", KEY_PREFAULT },
	{ "huge", KEY_HUGE }, { "pagetables", KEY_PTE }, { "pte", KEY_PTE },
	{ "rss", KEY_RSS }, { "compactions", KEY_COMPACTIONS }, { "waits", KEY_WAITS },
	{ "refusals", KEY_REFUSALS }, { "stall", KEY_STALL },
};

int report_summarise_dir(const char *dir, double since_s, FILE *f)
{
	struct report_set s = { .key = KEY_PROGRAM, .top = 1, .collapse_over = 3 };
	char *paths[1] = { (char *)dir };
	struct stat st;
	int n;

	if (stat(dir, &st) < 0)
		return -errno;
	load_all(&s, paths, 1, NULL, 0, since_s);
	n = (int)s.nprocs;
	if (n) {
		report_text_render(&s, f);
		fprintf(f, "LIFE lifetime; FAULTS page faults (/GiB per GiB allocated: fewer is "
			   "better); PREFAULT\nfaulted in ahead by the shim; HUGE heap share in huge "
			   "pages; PTE page tables;\nPEAK peak RSS; C/W/R the shim's compactions, "
			   "waits, refused allocations; STALL\ntime it waited. TOP CALL SITE: the code "
			   "that grew the heap most.\n");
	}
	set_free(&s);
	return n;
}

int cmd_report(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "sort", required_argument, NULL, 's' },
		{ "program", required_argument, NULL, 'p' },
		{ "top", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", no_argument, NULL, 'P' },
		{ "output", required_argument, NULL, 'o' },
		{ "html", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ropts o = { .top = 1 };
	struct report_set s = { .key = KEY_PROGRAM };
	const char *progs[64];
	char *defpath[1];
	int c, rc, wrc = 0;

	o.programs = progs;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:h", lo, NULL)) != -1) {
		switch (c) {
		case 's': {
			size_t i;

			for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
				if (!strcmp(optarg, keys[i].name))
					break;
			if (i == sizeof keys / sizeof keys[0]) {
				fprintf(stderr, "fragguard: unknown sort key '%s' (see 'fragguard report --help')\n",
					optarg);
				return 2;
			}
			s.key = keys[i].key;
			break;
		}
		case 'p':
			if (o.nprograms == sizeof progs / sizeof progs[0]) {
				fprintf(stderr, "fragguard: too many --program options\n");
				return 2;
			}
			progs[o.nprograms++] = optarg;
			break;
		case 't': {
			char *end;
			long v;

			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || v < 0 || v > REPORT_MAX_SITES) {
				fprintf(stderr, "fragguard: bad --top '%s': expected 0 to %d\n",
					optarg, REPORT_MAX_SITES);
				return 2;
			}
			o.top = (int)v;
			break;
		}
		case 'j': o.json = true; break;
		case 'P': o.prom = true; break;
		case 'o': o.out = optarg; break;
		case 'H': o.html = optarg; break;
		case 'h': usage(stdout); return 0;
		case ':':
			fprintf(stderr, "fragguard: option '%s' needs a value\n", argv[optind - 1]);
			usage(stderr);
			return 2;
		default:
			fprintf(stderr, "fragguard: unknown option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (o.json && o.prom) {
		fprintf(stderr, "fragguard: --json and --prometheus exclude each other\n");
		return 2;
	}
	if (o.out && o.html && !strcmp(o.out, o.html)) {
		fprintf(stderr, "fragguard: -o and --html name the same file '%s'\n", o.out);
		return 2;
	}
	s.top = o.top;
	if (optind < argc) {
		rc = load_all(&s, argv + optind, (size_t)(argc - optind), o.programs, o.nprograms, 0);
	} else {
		const char *env = getenv("FRAGGUARD_REPORT");
		static char envdir[PATH_MAX];
		struct stat st;

		/* FRAGGUARD_REPORT is a directory or a pattern ("DIR/%e.%p.json"):
		 * the directory above its first '%'. */
		defpath[0] = ".";
		if (env && *env && strlen(env) < sizeof envdir) {
			char *pct, *slash;

			strcpy(envdir, env);
			pct = strchr(envdir, '%');
			if (pct) {
				*pct = '\0';
				slash = strrchr(envdir, '/');
				if (slash)
					*(slash == envdir ? slash + 1 : slash) = '\0';
			}
			if (envdir[0] && !stat(envdir, &st) && S_ISDIR(st.st_mode))
				defpath[0] = envdir;
		}
		rc = load_all(&s, defpath, 1, o.programs, o.nprograms, 0);
	}
	if (!s.nprocs) {
		if (o.nprograms)
			fprintf(stderr, "fragguard: no reports of the programs named\n");
		else if (argc - optind == 1)
			fprintf(stderr, "fragguard: no reports in '%s'\n", argv[optind]);
		else if (optind < argc)
			fprintf(stderr, "fragguard: no reports in the paths given\n");
		else
			fprintf(stderr, "fragguard: no reports in '%s' (name a file or directory)\n",
				defpath[0]);
		set_free(&s);
		return 1;
	}
	{
		render_fn fn = o.json ? report_json_render : o.prom ? report_prom_render
			     : report_text_render;

		if (o.html)
			wrc |= write_atomic(o.html, &s, report_html_render);
		if (o.out)
			wrc |= write_atomic(o.out, &s, fn);
		else if (!o.html || o.json || o.prom)
			wrc |= write_stdout(&s, fn);
	}
	set_free(&s);
	return wrc ? 1 : rc;
}
