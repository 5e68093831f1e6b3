/* status.c: `fragguard status`, the live machine (or a captured /proc tree)
 * seen through the kernel model: per zone the free blocks per order (and per
 * migrate type where pagetypeinfo is readable), the watermark verdict for the
 * requests a growing process makes the kernel serve, the compaction counters,
 * and the top processes by page-table bytes and by fault rate.
 * It only reads; it never writes /proc. It may allocate (it is not the shim).
 * Bad input is a message and exit 1, bad usage exit 2; it never crashes. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "kmem.h"

#define MAX_ZONES 256
#define MAX_KV    2048
#define TOP_N     5

struct opts {
	const char *proc;      /* NULL: /proc */
	bool json;
	double watch_s;        /* 0: once */
	bool era_forced;
	enum kmem_era era;
	int interval_ms;
};

struct file {
	char *buf;
	size_t len;
};

struct reqrow {
	enum kmem_req_kind kind;
	struct kmem_request req;
	bool exists;           /* false: no such request on this arch (THP, ARM32) */
	const char *why_not;   /* when !exists */
	char label[48];        /* "2 MiB huge page" and so on */
};

struct proc_row {
	int pid;
	char name[64];
	long long pte_kb;
	unsigned long long flt0, maj0, flt1, maj1;
	bool seen1;
};

struct sample {
	char release[128];
	char arch_name[64];
	enum kmem_arch arch;
	bool pti, pti_known;
	enum kmem_era era;
	const char *era_why;
	int page_kb;
	int64_t pmd_kb;        /* hpage_pmd_size in KiB when readable, else 0 */
	struct kmem_zone zones[MAX_ZONES];
	size_t nzones;
	bool have_pti_file;    /* pagetypeinfo readable */
	const char *pti_note;  /* why pagetypeinfo is missing */
	struct kmem_kv vm[MAX_KV];
	size_t nvm;
	bool have_vm;
	bool have_zoneinfo;    /* false: buddyinfo alone (no watermarks) */
	struct kmem_kv mi[512];
	size_t nmi;
	bool have_mi;
	struct reqrow reqs[4];
	struct proc_row *procs;
	size_t nprocs;
	bool proc_scanned;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: fragguard status [--proc DIR] [--json] [--watch [SECONDS]]\n"
		"                        [--era pre44|44] [--interval MS]\n"
		"\n"
		"Shows, per memory zone, the free blocks of each order, whether the kernel\n"
		"would grant the allocations a growing process needs right now (page-table\n"
		"page, anonymous page, 2 MiB huge page, fork's page directory) with the\n"
		"margin to the watermark, the compaction counters since boot, and the top\n"
		"processes by page-table memory and by page-fault rate.\n"
		"\n"
		"  --proc DIR      read a captured tree (buddyinfo, zoneinfo, vmstat, meminfo,\n"
		"                  optional pagetypeinfo, sys/kernel/osrelease, sys/kernel/arch,\n"
		"                  meltdown = a copy of /sys/.../vulnerabilities/meltdown)\n"
		"                  instead of /proc; processes only if DIR has pid directories\n"
		"  --json          machine-readable output\n"
		"  --watch [S]     refresh every S seconds (default 2) until interrupted\n"
		"  --era E         force the watermark rules: pre44 (per-order loop, up to 4.3)\n"
		"                  or 44 (one suitable free block, 4.4+); default: from the\n"
		"                  kernel release (vendor kernels may backport)\n"
		"  --interval MS   fault-rate sampling interval (default 1000)\n");
}

/* ---- reading ------------------------------------------------------------ */

static int read_file(const char *path, struct file *f)
{
	size_t cap = 65536;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	f->buf = NULL;
	f->len = 0;
	if (fd < 0)
		return -errno;
	f->buf = malloc(cap);
	if (!f->buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t r;

		if (f->len == cap) {
			char *nb;

			if (cap >= (64u << 20)) {
				close(fd);
				return -EFBIG;
			}
			nb = realloc(f->buf, cap * 2);
			if (!nb) {
				close(fd);
				return -ENOMEM;
			}
			f->buf = nb;
			cap *= 2;
		}
		r = read(fd, f->buf + f->len, cap - f->len);
		if (r < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			close(fd);
			return -e;
		}
		if (r == 0)
			break;
		f->len += (size_t)r;
	}
	close(fd);
	return 0;
}

static void path_of(char *out, size_t cap, const struct opts *o, const char *name)
{
	snprintf(out, cap, "%s/%s", o->proc ? o->proc : "/proc", name);
}

/* Reads DIR/name; on failure prints the standard message when `required`. */
static int get(const struct opts *o, const char *name, struct file *f, bool required)
{
	char path[4096];
	int rc;

	path_of(path, sizeof path, o, name);
	rc = read_file(path, f);
	if (rc && required)
		fprintf(stderr, "fragguard: cannot read '%s': %s\n", path, strerror(-rc));
	return rc;
}

static void bad_parse(const struct opts *o, const char *name, int rc, size_t line)
{
	char path[4096];

	path_of(path, sizeof path, o, name);
	fprintf(stderr, "fragguard: cannot parse '%s' at line %zu: %s\n", path, line,
		rc == -ENOSPC ? "too many entries" : strerror(-rc));
}

static void trim(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

static enum kmem_arch arch_of(const char *m)
{
	if (!strcmp(m, "x86_64") || !strcmp(m, "amd64"))
		return KMEM_ARCH_X86_64;
	if (m[0] == 'i' && strlen(m) == 4 && !strcmp(m + 2, "86"))
		return KMEM_ARCH_X86_32;
	if (!strcmp(m, "aarch64") || !strcmp(m, "arm64"))
		return KMEM_ARCH_ARM64;
	if (!strncmp(m, "arm", 3))
		return KMEM_ARCH_ARM32;
	return KMEM_ARCH_OTHER;
}

static void identify(const struct opts *o, struct sample *s)
{
	struct file f;

	s->release[0] = '\0';
	if (!get(o, "sys/kernel/osrelease", &f, false)) {
		snprintf(s->release, sizeof s->release, "%.*s", (int)f.len, f.buf);
		trim(s->release);
	} else if (!get(o, "version", &f, false)) {
		/* "Linux version 3.10.53-... (builder@...) ..." */
		char tmp[256];

		snprintf(tmp, sizeof tmp, "%.*s", (int)(f.len < 255 ? f.len : 255), f.buf);
		if (!strncmp(tmp, "Linux version ", 14)) {
			char *sp = strchr(tmp + 14, ' ');

			if (sp)
				*sp = '\0';
			snprintf(s->release, sizeof s->release, "%.127s", tmp + 14);
		}
	}
	free(f.buf);

	s->arch_name[0] = '\0';
	if (!get(o, "sys/kernel/arch", &f, false)) {
		snprintf(s->arch_name, sizeof s->arch_name, "%.*s", (int)f.len, f.buf);
		trim(s->arch_name);
	}
	free(f.buf);
	if (!s->arch_name[0] && !o->proc) {
		struct utsname u;

		if (!uname(&u))
			snprintf(s->arch_name, sizeof s->arch_name, "%.63s", u.machine);
	}
	if (!s->arch_name[0])
		snprintf(s->arch_name, sizeof s->arch_name, "unknown");
	s->arch = arch_of(s->arch_name);

	/* Page-table isolation doubles x86-64's PGD (an order-1 allocation). */
	s->pti = false;
	s->pti_known = false;
	if (o->proc) {
		if (!get(o, "meltdown", &f, false)) {
			s->pti_known = true;
			s->pti = memmem(f.buf, f.len, "PTI", 3) != NULL;
		}
	} else {
		if (!read_file("/sys/devices/system/cpu/vulnerabilities/meltdown", &f)) {
			s->pti_known = true;
			s->pti = memmem(f.buf, f.len, "PTI", 3) != NULL;
		}
	}
	free(f.buf);

	if (o->era_forced) {
		s->era = o->era;
		s->era_why = "forced with --era";
	} else if (s->release[0] &&
		   !kmem_era_from_release(s->release, strlen(s->release), &s->era)) {
		s->era_why = "from the kernel release";
	} else {
		s->era = KMEM_ERA_44;
		s->era_why = "kernel release unknown: assumed; use --era to choose";
	}
}

typedef int (*zone_parser)(const char *, size_t, struct kmem_zone *, size_t, size_t *, size_t *);

/* Reads DIR/name into s's zones with parse. Returns 0, -errno when the file
 * cannot be read (no message), or 1 when it does not parse (message said). */
static int merge_zones(const struct opts *o, struct sample *s, const char *name, zone_parser parse)
{
	struct file f;
	size_t line = 0;
	int rc = get(o, name, &f, false);

	if (rc)
		return rc;
	rc = parse(f.buf, f.len, s->zones, MAX_ZONES, &s->nzones, &line);
	free(f.buf);
	if (rc) {
		bad_parse(o, name, rc, line);
		return 1;
	}
	return 0;
}

static int load_zones(const struct opts *o, struct sample *s)
{
	struct file f;
	size_t line = 0;
	int rc;

	/* Either file alone still says something (zoneinfo: the order-0
	 * verdicts; buddyinfo: the free blocks); neither is an error. */
	s->nzones = 0;
	char path[4096];
	int zrc = merge_zones(o, s, "zoneinfo", kmem_parse_zoneinfo);
	int brc = zrc == 1 ? 1 : merge_zones(o, s, "buddyinfo", kmem_parse_buddyinfo);
	if (zrc == 1 || brc == 1)
		return -1;
	if (zrc && brc) {
		path_of(path, sizeof path, o, "zoneinfo");
		fprintf(stderr, "fragguard: cannot read '%s': %s\n", path, strerror(-zrc));
		return -1;
	}
	s->have_zoneinfo = !zrc;
	if (zrc) {
		path_of(path, sizeof path, o, "zoneinfo");
		fprintf(stderr, "fragguard: cannot read '%s': %s; without the watermarks only the free "
			"blocks are shown\n", path, strerror(-zrc));
	}
	if (brc) {
		path_of(path, sizeof path, o, "buddyinfo");
		fprintf(stderr, "fragguard: cannot read '%s': %s; without the free blocks per order only "
			"order-0 requests can be judged\n", path, strerror(-brc));
	}
	s->have_pti_file = false;
	s->pti_note = NULL;
	rc = get(o, "pagetypeinfo", &f, false);
	if (rc == -EACCES || rc == -EPERM) {
		s->pti_note = "per-type counts need root (pagetypeinfo is root-only since 5.4)";
	} else if (rc) {
		s->pti_note = "no pagetypeinfo: free blocks per migrate type unknown";
	} else {
		rc = kmem_parse_pagetypeinfo(f.buf, f.len, s->zones, MAX_ZONES, &s->nzones,
					     NULL, &line);
		if (rc) {
			bad_parse(o, "pagetypeinfo", rc, line);
			s->pti_note = "pagetypeinfo unreadable: free blocks per migrate type unknown";
		} else {
			s->have_pti_file = true;
		}
	}
	free(f.buf);
	kmem_zone_assign_idx(s->zones, s->nzones);

	s->have_vm = false;
	if (!get(o, "vmstat", &f, false)) {
		rc = kmem_parse_vmstat(f.buf, f.len, s->vm, MAX_KV, &s->nvm, &line);
		if (rc && rc != -ENOSPC)
			bad_parse(o, "vmstat", rc, line);
		else
			s->have_vm = true;
	}
	free(f.buf);
	s->have_mi = false;
	if (!get(o, "meminfo", &f, false)) {
		rc = kmem_parse_meminfo(f.buf, f.len, s->mi, 512, &s->nmi, &line);
		if (rc && rc != -ENOSPC)
			bad_parse(o, "meminfo", rc, line);
		else
			s->have_mi = true;
	}
	free(f.buf);
	return 0;
}

/* The page size of the tree's kernel: sysconf live; x86 and 32-bit ARM only
 * have 4 KiB pages; otherwise the huge-page size is the PMD size, page_size *
 * page_size / 8 on 64-bit kernels, else MemTotal over the managed pages. */
static int page_kb_of(const struct opts *o, const struct sample *s)
{
	int64_t kb, pages = 0;

	if (!o->proc)
		return (int)(sysconf(_SC_PAGESIZE) / 1024);
	if (s->arch == KMEM_ARCH_X86_64 || s->arch == KMEM_ARCH_X86_32 || s->arch == KMEM_ARCH_ARM32)
		return 4;
	if (s->have_mi && kmem_kv_lookup(s->mi, s->nmi, "Hugepagesize", &kb))
		for (int64_t p = 4; p <= 256; p *= 2)
			if (p * 1024 * p / 8 == kb)
				return (int)p;
	if (!s->have_mi || !kmem_kv_lookup(s->mi, s->nmi, "MemTotal", &kb) || kb <= 0)
		return 4;
	for (size_t i = 0; i < s->nzones; i++)
		pages += (s->zones[i].known & KMEM_ZK_MANAGED) ? s->zones[i].managed
							       : s->zones[i].present;
	if (pages <= 0)
		return 4;
	for (int p = 4; p <= 256; p *= 2)
		if (kb / pages < p + p / 2)
			return p;
	return 4;
}

/* What the files say about each other: a zone in buddyinfo but not in
 * zoneinfo (a capture cut short), wrapped counters; and, when the release is
 * unknown, the era the zoneinfo layout proves (no "managed" before 3.8). */
static void check_zones(const struct opts *o, struct sample *s)
{
	bool any_free = false, any_managed = false, any_present = false;

	for (size_t i = 0; i < s->nzones; i++) {
		struct kmem_zone *z = &s->zones[i];

		if (s->have_zoneinfo && (z->known & KMEM_ZK_BUDDY) &&
		    !(z->known & (KMEM_ZK_FREE | KMEM_ZK_MIN)))
			fprintf(stderr, "fragguard: node %d zone %s is in %s/buddyinfo but not in its "
				"zoneinfo (a capture cut short?): its watermarks are unknown\n",
				z->node, z->name, o->proc ? o->proc : "/proc");
		if (z->known & KMEM_ZK_WRAPPED)
			fprintf(stderr, "fragguard: node %d zone %s: a free-block count in buddyinfo is "
				"beyond 2^63 (a counter that went below zero): read as 0\n", z->node, z->name);
		for (int k = 0; k < z->norders; k++)
			if (z->nr_free[k] == 4294967295LL) {
				fprintf(stderr, "fragguard: node %d zone %s: %u free blocks of order %d "
					"is 2^32-1, a 32-bit counter that went below zero\n", z->node, z->name,
					4294967295u, k);
				break;
			}
		any_free |= (z->known & KMEM_ZK_FREE) != 0;
		any_present |= (z->known & (KMEM_ZK_PRESENT | KMEM_ZK_SPANNED)) != 0;
		any_managed |= (z->known & KMEM_ZK_MANAGED) != 0;
	}
	if (!o->era_forced && !s->release[0] && any_free && any_present && !any_managed) {
		s->era = KMEM_ERA_PRE44;
		s->era_why = "kernel release unknown; the zoneinfo has no 'managed' lines, so the "
			     "kernel is older than 3.8";
	}
}

static const char *kind_label(enum kmem_req_kind k);

static void build_requests(struct sample *s)
{
	static const enum kmem_req_kind kinds[4] = {
		KMEM_REQ_PAGETABLE, KMEM_REQ_ANON, KMEM_REQ_THP, KMEM_REQ_PGD
	};
	unsigned fl = s->pti ? KMEM_RF_PTI : 0;

	for (int i = 0; i < 4; i++) {
		s->reqs[i].kind = kinds[i];
		s->reqs[i].exists = kmem_request_for(&s->reqs[i].req, kinds[i], s->arch, fl) == 0;
		s->reqs[i].why_not = NULL; /* the architecture */
		if (kinds[i] == KMEM_REQ_THP && s->reqs[i].exists && s->release[0]) {
			int ma, mi, pa;

			if (!kmem_parse_release(s->release, strlen(s->release), &ma, &mi, &pa) &&
			    (ma < 2 || (ma == 2 && (mi < 6 || (mi == 6 && pa < 38))))) {
				s->reqs[i].exists = false;
				s->reqs[i].why_not = "no transparent huge pages before 2.6.38";
			}
		}
		snprintf(s->reqs[i].label, sizeof s->reqs[i].label, "%s", kind_label(kinds[i]));
		/* The huge page is the PMD: its order follows the page size and
		 * the architecture (2 MiB with 4 KiB pages, 512 MiB on arm64 with
		 * 64 KiB, 16 MiB on ppc64 hash). Live: hpage_pmd_size; a captured
		 * tree: meminfo's Hugepagesize (the same size there); else 2 MiB. */
		if (kinds[i] == KMEM_REQ_THP && s->reqs[i].exists) {
			int64_t kb = s->pmd_kb > 0 ? s->pmd_kb : 2048, v;
			int o = 0;

			if (s->pmd_kb <= 0 && s->have_mi &&
			    kmem_kv_lookup(s->mi, s->nmi, "Hugepagesize", &v) && v >= s->page_kb &&
			    v <= (1LL << 30))
				kb = v;
			while (o < KMEM_MAX_ORDERS - 1 && ((int64_t)s->page_kb << o) < kb)
				o++;
			s->reqs[i].req.order = o;
			if (kb % 1024 == 0)
				snprintf(s->reqs[i].label, sizeof s->reqs[i].label, "%lld MiB huge page",
					 (long long)(kb / 1024));
			else
				snprintf(s->reqs[i].label, sizeof s->reqs[i].label, "%lld KiB huge page",
					 (long long)kb);
		}
	}
}

/* ---- processes ---------------------------------------------------------- */

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* min_flt and maj_flt from /proc/PID/stat (fields 10 and 12, counted after
 * the ")" that ends comm, which may itself hold spaces and parentheses). */
static bool read_faults(const char *dir, int pid, unsigned long long *minf,
			unsigned long long *majf)
{
	char path[4200];
	struct file f;
	char *p, *end;
	bool ok = false;

	snprintf(path, sizeof path, "%s/%d/stat", dir, pid);
	if (read_file(path, &f)) {
		free(f.buf);
		return false;
	}
	end = f.buf + f.len;
	p = f.buf + f.len;
	while (p > f.buf && p[-1] != ')')
		p--;
	if (p > f.buf) {
		/* after ')': state(3) ppid pgrp session tty tpgid flags minflt(10) cminflt majflt(12) */
		int field = 2;
		unsigned long long v[13] = { 0 };

		while (p < end && field < 12) {
			char *q;

			while (p < end && *p == ' ')
				p++;
			if (p >= end)
				break;
			field++;
			q = p;
			while (q < end && *q != ' ' && *q != '\n')
				q++;
			if (field == 10 || field == 12) {
				char num[32];
				size_t n = (size_t)(q - p) < 31 ? (size_t)(q - p) : 31;

				memcpy(num, p, n);
				num[n] = '\0';
				v[field] = strtoull(num, NULL, 10);
			}
			p = q;
		}
		if (field == 12) {
			*minf = v[10];
			*majf = v[12];
			ok = true;
		}
	}
	free(f.buf);
	return ok;
}

static void read_status(const char *dir, struct proc_row *r)
{
	char path[4200];
	struct file f;

	snprintf(path, sizeof path, "%s/%d/status", dir, r->pid);
	r->pte_kb = -1;
	if (read_file(path, &f)) {
		free(f.buf);
		return;
	}
	for (char *line = f.buf; line && line < f.buf + f.len;) {
		char *nl = memchr(line, '\n', (size_t)(f.buf + f.len - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(f.buf + f.len - line);

		if (n > 5 && !strncmp(line, "Name:", 5)) {
			size_t k = 5;

			while (k < n && (line[k] == ' ' || line[k] == '\t'))
				k++;
			snprintf(r->name, sizeof r->name, "%.*s", (int)(n - k), line + k);
		} else if (n > 6 && !strncmp(line, "VmPTE:", 6)) {
			char num[32];
			size_t k = 6, m = 0;

			while (k < n && (line[k] == ' ' || line[k] == '\t'))
				k++;
			while (k < n && isdigit((unsigned char)line[k]) && m < 31)
				num[m++] = line[k++];
			num[m] = '\0';
			if (m)
				r->pte_kb = strtoll(num, NULL, 10);
		}
		line = nl ? nl + 1 : NULL;
	}
	free(f.buf);
}

static void scan_procs(const struct opts *o, struct sample *s, bool second)
{
	const char *dir = o->proc ? o->proc : "/proc";
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		int pid;
		struct proc_row *r = NULL;
		unsigned long long mi, ma;

		if (!all_digits(de->d_name) || strlen(de->d_name) > 9)
			continue;
		pid = atoi(de->d_name);
		if (second) {
			for (size_t i = 0; i < s->nprocs; i++)
				if (s->procs[i].pid == pid) {
					r = &s->procs[i];
					break;
				}
			if (r && read_faults(dir, pid, &mi, &ma)) {
				r->flt1 = mi;
				r->maj1 = ma;
				r->seen1 = true;
			}
			continue;
		}
		if (!read_faults(dir, pid, &mi, &ma))
			continue;
		if ((s->nprocs & (s->nprocs + 1)) == 0 || s->nprocs == 0) {
			size_t cap = s->nprocs ? (s->nprocs + 1) * 2 : 64;
			struct proc_row *np = realloc(s->procs, cap * sizeof *np);

			if (!np)
				break;
			s->procs = np;
		}
		r = &s->procs[s->nprocs++];
		memset(r, 0, sizeof *r);
		r->pid = pid;
		r->flt0 = mi;
		r->maj0 = ma;
		snprintf(r->name, sizeof r->name, "?");
		read_status(dir, r);
	}
	closedir(d);
	s->proc_scanned = true;
}

static int by_pte(const void *a, const void *b)
{
	const struct proc_row *x = a, *y = b;

	if (x->pte_kb != y->pte_kb)
		return x->pte_kb < y->pte_kb ? 1 : -1;
	return x->pid - y->pid;
}

static unsigned long long faults_of(const struct proc_row *r)
{
	if (!r->seen1 || r->flt1 < r->flt0 || r->maj1 < r->maj0)
		return 0;
	return (r->flt1 - r->flt0) + (r->maj1 - r->maj0);
}

static int by_faults(const void *a, const void *b)
{
	const struct proc_row *x = a, *y = b;
	unsigned long long fx = faults_of(x), fy = faults_of(y);

	if (fx != fy)
		return fx < fy ? 1 : -1;
	return x->pid - y->pid;
}

static bool has_pid_dirs(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool any = false;

	if (!d)
		return false;
	while (!any && (de = readdir(d)))
		any = all_digits(de->d_name);
	closedir(d);
	return any;
}

/* ---- evaluation --------------------------------------------------------- */

struct eval {
	struct kmem_verdict v_min[MAX_ZONES], v_low[MAX_ZONES], v_44[MAX_ZONES];
	bool checked[MAX_ZONES];
	int zone_min, zone_low, zone_44; /* index of the granting zone, or -1 */
};

static const char *verdict_word(const struct eval *e)
{
	/* Granted on the watermarks, but the free blocks of the order are
	 * not known (no buddyinfo): the block check cannot be made. */
	if (e->zone_low >= 0 && (e->v_low[e->zone_low].missing & KMEM_ZK_BUDDY))
		return "UNKNOWN";
	if (e->zone_low < 0 && e->zone_min >= 0 && (e->v_min[e->zone_min].missing & KMEM_ZK_BUDDY))
		return "UNKNOWN";
	/* Refused, but a zone it may use has no watermarks (not in zoneinfo). */
	for (size_t i = 0; e->zone_min < 0 && i < MAX_ZONES; i++)
		if (e->checked[i] && (e->v_min[i].missing & (KMEM_ZK_FREE | KMEM_ZK_MIN)))
			return "UNKNOWN";
	if (e->zone_low >= 0)
		return "OK";
	if (e->zone_min >= 0)
		return "TIGHT";
	return "FAIL";
}

static void evaluate(const struct sample *s, const struct reqrow *rr, int node, struct eval *e)
{
	bool c2[MAX_ZONES];

	e->zone_min = kmem_node_verdict(s->zones, s->nzones, node, &rr->req, s->era,
					KMEM_WMARK_MIN, e->v_min, e->checked);
	e->zone_low = kmem_node_verdict(s->zones, s->nzones, node, &rr->req, s->era,
					KMEM_WMARK_LOW, e->v_low, c2);
	e->zone_44 = kmem_node_verdict(s->zones, s->nzones, node, &rr->req, KMEM_ERA_44,
				       KMEM_WMARK_MIN, e->v_44, c2);
}

static const char *kind_label(enum kmem_req_kind k)
{
	switch (k) {
	case KMEM_REQ_PAGETABLE: return "page-table page";
	case KMEM_REQ_ANON:      return "anonymous page";
	case KMEM_REQ_THP:       return "2 MiB huge page";
	case KMEM_REQ_PGD:       return "fork page directory";
	}
	return "?";
}

static const char *rule_name(enum kmem_rule r)
{
	switch (r) {
	case KMEM_RULE_ORDER0:     return "watermark";
	case KMEM_RULE_ORDER_LOOP: return "order_loop";
	case KMEM_RULE_BLOCK:      return "block";
	}
	return "?";
}

/* ---- text output -------------------------------------------------------- */

static void hsize(char *out, size_t cap, int64_t pages, int page_kb)
{
	double kb = (double)pages * page_kb;
	const char *sign = kb < 0 ? "-" : "";

	if (kb < 0)
		kb = -kb;
	if (kb < 1024)
		snprintf(out, cap, "%s%.0f KiB", sign, kb);
	else if (kb < 1024 * 1024)
		snprintf(out, cap, "%s%.1f MiB", sign, kb / 1024);
	else
		snprintf(out, cap, "%s%.1f GiB", sign, kb / (1024 * 1024));
}

static int nodes_of(const struct sample *s, int *nodes, int cap)
{
	int n = 0;

	for (size_t i = 0; i < s->nzones; i++) {
		bool dup = false;

		for (int j = 0; j < n; j++)
			dup |= nodes[j] == s->zones[i].node;
		if (!dup && n < cap)
			nodes[n++] = s->zones[i].node;
	}
	return n;
}

static void print_zone_detail(const struct sample *s, const struct kmem_zone *z,
			      const struct kmem_verdict *v, const struct kmem_request *req,
			      const char *wm)
{
	char a[32];

	printf("      %-8s ", z->name);
	if (v->rule == KMEM_RULE_ORDER0) {
		hsize(a, sizeof a, v->margin, s->page_kb);
		printf("usable %lld pages", (long long)v->usable_free);
		if (v->cma_excluded || v->highatomic_excluded || v->order_excluded) {
			printf(" (free %lld", (long long)z->free);
			if (v->cma_excluded)
				printf(" - CMA %lld", (long long)v->cma_excluded);
			if (v->highatomic_excluded)
				printf(" - high-atomic %lld", (long long)v->highatomic_excluded);
			if (v->order_excluded)
				printf(" - %lld", (long long)v->order_excluded);
			printf(")");
		}
		printf(" %s %s %lld", v->granted ? ">" : "<=", wm, (long long)v->min_adjusted);
		if (v->reserve)
			printf(" + reserve %lld", (long long)v->reserve);
		printf(": margin %s%lld (%s)", v->margin > 0 ? "+" : "", (long long)v->margin, a);
	} else if (v->rule == KMEM_RULE_ORDER_LOOP) {
		printf("pages in free blocks of order >= %d: %lld %s %s/%d = %lld: margin %s%lld",
		       v->loop_order, (long long)v->lhs, v->granted ? ">" : "<=", wm,
		       1 << v->loop_order, (long long)v->rhs, v->margin > 0 ? "+" : "",
		       (long long)v->margin);
		if (!v->granted && v->suitable_blocks > 0)
			printf("; %lld free blocks of order >= %d exist", (long long)v->suitable_blocks,
			       req->order);
	} else {
		if (v->granted)
			printf("%lld free block%s of order >= %d on usable lists (first at order %d)",
			       (long long)v->lhs, v->lhs == 1 ? "" : "s", req->order, v->block_order);
		else if (v->suitable_blocks > 0)
			printf("no free block of order >= %d on a list it may use (%lld on CMA/high-atomic lists)",
			       req->order, (long long)v->suitable_blocks);
		else
			printf("no free block of order >= %d", req->order);
	}
	if (v->missing & ~(uint32_t)KMEM_ZK_HIGHATOMIC) {
		printf(" [unknown:");
		if (v->missing & KMEM_ZK_MT_MASK)
			printf(" block types");
		if (v->missing & KMEM_ZK_BUDDY)
			printf(" free blocks");
		if (v->missing & KMEM_ZK_PROTECTION)
			printf(" reserve");
		if (v->missing & (KMEM_ZK_MIN | KMEM_ZK_LOW | KMEM_ZK_FREE))
			printf(" watermarks/free");
		if (v->missing & KMEM_ZK_FREE_CMA)
			printf(" free CMA");
		printf("]");
	}
	printf("\n");
}

static void print_text(const struct opts *o, struct sample *s, int interval_ms)
{
	int nodes[64], nn = nodes_of(s, nodes, 64);
	char a[32], b[32], c[32], d[32], e2[32], f[32];

	printf("fragguard status: %s, kernel %s, %s, %d KiB pages%s\n",
	       o->proc ? o->proc : "this machine", s->release[0] ? s->release : "unknown",
	       s->arch_name, s->page_kb,
	       s->arch == KMEM_ARCH_X86_64 ? (s->pti ? ", PTI on" : s->pti_known ? ", PTI off" : ", PTI unknown") : "");
	printf("watermark rules: %s (%s)\n\n",
	       s->era == KMEM_ERA_44 ? "4.4+: one free block of the order is enough"
				     : "up to 4.3: every smaller order's pages are taken away first, min halves per order",
	       s->era_why);

	printf("Zones (free includes CMA; reserve = pages kept back from requests that could use higher zones)\n");
	printf("  node zone          free       min       low      high     managed    free CMA  reserve\n");
	for (size_t i = 0; i < s->nzones; i++) {
		const struct kmem_zone *z = &s->zones[i];
		char res[96] = "";

		if (!kmem_zone_populated(z)) {
			printf("  %4d %-8s   (empty)\n", z->node, z->name);
			continue;
		}
		if (!(z->known & (KMEM_ZK_FREE | KMEM_ZK_MIN))) {
			printf("  %4d %-8s   (not in zoneinfo: watermarks unknown)\n", z->node, z->name);
			continue;
		}
		hsize(a, sizeof a, z->free, s->page_kb);
		hsize(b, sizeof b, z->min, s->page_kb);
		hsize(c, sizeof c, z->low, s->page_kb);
		hsize(d, sizeof d, z->high, s->page_kb);
		hsize(e2, sizeof e2, (z->known & KMEM_ZK_MANAGED) ? z->managed : z->present, s->page_kb);
		hsize(f, sizeof f, z->free_cma, s->page_kb);
		for (int k = 0; k < z->nprotection; k++) {
			size_t l = strlen(res);

			snprintf(res + l, sizeof res - l, "%s%lld", k ? " " : "", (long long)z->protection[k]);
		}
		printf("  %4d %-8s %9s %9s %9s %9s %11s%s %11s  %s\n", z->node, z->name, a, b, c, d, e2,
		       (z->known & KMEM_ZK_MANAGED) ? " " : "*",
		       (z->known & KMEM_ZK_FREE_CMA) ? f : "-", res[0] ? res : "-");
	}
	for (size_t i = 0; i < s->nzones; i++)
		if (!(s->zones[i].known & KMEM_ZK_MANAGED) &&
		    (s->zones[i].known & (KMEM_ZK_FREE | KMEM_ZK_MIN))) {
			printf("  (* present pages: this kernel does not report managed)\n");
			break;
		}

	int maxo = 0;

	for (size_t i = 0; i < s->nzones; i++)
		if (s->zones[i].norders > maxo)
			maxo = s->zones[i].norders;
	printf("\nFree blocks per order (order N = %d KiB << N)\n  %szone     type       ",
	       s->page_kb, nn > 1 ? "node " : "");
	for (int k = 0; k < maxo; k++)
		printf(" %5d ", k);
	printf("\n");
	if (!maxo)
		printf("  (no buddyinfo: free blocks per order unknown)\n");
	for (size_t i = 0; i < s->nzones; i++) {
		const struct kmem_zone *z = &s->zones[i];

		if (!(z->known & KMEM_ZK_BUDDY))
			continue;
		if (nn > 1)
			printf("  %4d %-8s %-11s", z->node, z->name, "all");
		else
			printf("  %-8s %-11s", z->name, "all");
		/* counts per type carry "+" where 5.4+ capped them (">100000") */
		for (int k = 0; k < z->norders; k++)
			printf(" %5lld ", (long long)z->nr_free[k]);
		printf("\n");
		if (!(z->known & KMEM_ZK_MT_COUNT))
			continue;
		for (int t = 0; t < KMEM_MT_COUNT; t++) {
			bool any = false;

			for (int k = 0; k < KMEM_MAX_ORDERS; k++)
				any |= z->nr_free_mt[t][k] != 0;
			if (!any)
				continue;
			printf("  %s%-8s %-11s", nn > 1 ? "     " : "", "", kmem_mt_name((enum kmem_mt)t));
			for (int k = 0; k < z->norders; k++)
				printf(" %5lld%s", (long long)z->nr_free_mt[t][k],
				       (z->mt_capped[k] >> t) & 1 ? "+" : " ");
			printf("\n");
		}
	}
	if (s->pti_note)
		printf("  (%s)\n", s->pti_note);

	printf("\nCan the kernel serve these now? OK: above the low watermark; TIGHT: below low,\n"
	       "kswapd is reclaiming but it is still granted; FAIL: below min, the kernel must\n"
	       "reclaim or compact, and for order <= 3 with no progress it OOM-kills.\n");
	if (!maxo)
		printf("UNKNOWN: the watermarks pass, but without buddyinfo the free blocks of the\n"
		       "order cannot be checked.\n");
	if (!s->have_zoneinfo)
		printf("  (no zoneinfo: without the watermarks the kernel's answers cannot be recomputed)\n");
	for (int ni = 0; s->have_zoneinfo && ni < nn; ni++) {
		if (nn > 1)
			printf(" node %d\n", nodes[ni]);
		for (int r = 0; r < 4; r++) {
			const struct reqrow *rr = &s->reqs[r];
			struct eval *ev;
			char what[64];

			snprintf(what, sizeof what, "order %d %s", rr->req.order,
				 kmem_mt_name(rr->req.mt));
			if (!rr->exists) {
				if (rr->why_not)
					printf("  %-20s %-20s n/a    (%s)\n", rr->label, "", rr->why_not);
				else
					printf("  %-20s %-20s n/a    (no such allocation on %s)\n",
					       rr->label, "", s->arch_name);
				continue;
			}
			ev = calloc(1, sizeof *ev);
			if (!ev)
				return;
			evaluate(s, rr, nodes[ni], ev);
			printf("  %-20s %-20s %-5s", rr->label, what, verdict_word(ev));
			if (!strcmp(verdict_word(ev), "UNKNOWN") && ev->zone_low < 0 && ev->zone_min < 0)
				printf("  a zone it may use is not in zoneinfo\n");
			else if (!strcmp(verdict_word(ev), "UNKNOWN"))
				printf("  the watermarks pass in %s; its free blocks are unknown\n",
				       s->zones[ev->zone_low >= 0 ? ev->zone_low : ev->zone_min].name);
			else if (ev->zone_low >= 0)
				printf("  from %s\n", s->zones[ev->zone_low].name);
			else if (ev->zone_min >= 0)
				printf("  from %s (below its low watermark)\n", s->zones[ev->zone_min].name);
			else
				printf("  no zone it may use can serve it\n");
			for (size_t i = 0; i < s->nzones; i++) {
				if (!ev->checked[i])
					continue;
				/* Show the zone that grants, or every zone when none does. */
				if (ev->zone_low >= 0 && (int)i != ev->zone_low)
					continue;
				if (ev->zone_low < 0 && ev->zone_min >= 0 && (int)i != ev->zone_min)
					continue;
				print_zone_detail(s, &s->zones[i],
						  ev->zone_low >= 0 ? &ev->v_low[i] : &ev->v_min[i], &rr->req,
						  ev->zone_low >= 0 ? "low" : "min");
			}
			if (ev->zone_min < 0 && s->era == KMEM_ERA_PRE44 && ev->zone_44 >= 0)
				printf("      a 4.4+ kernel would grant it (from %s)\n",
				       s->zones[ev->zone_44].name);
			bool restricted = false, cma = false;

			for (size_t i = 0; ev->zone_min < 0 && i < s->nzones; i++)
				if (ev->checked[i] && ev->v_min[i].cma_excluded > 0 &&
				    ev->v_min[i].lhs + ev->v_min[i].cma_excluded > ev->v_min[i].rhs)
					cma = true;
			if (cma)
				printf("      the free memory is CMA, which only movable allocations may use\n");

			for (size_t i = 0; ev->zone_min < 0 && i < s->nzones; i++)
				if (s->zones[i].node == nodes[ni] && !ev->checked[i] &&
				    s->zones[i].free > s->zones[i].high && s->zones[i].kind < KMEM_ZONE_DEVICE)
					restricted = true;
			if (restricted)
				printf("      free memory exists only in zones it may not use (HighMem/Movable)\n");
			free(ev);
		}
	}
	if (!s->pti_known && s->arch == KMEM_ARCH_X86_64)
		printf("  (page-table isolation unknown: fork page directory assumed order 0)\n");

	printf("\nCompaction and faults since boot\n");
	if (!s->have_vm) {
		printf("  (vmstat unavailable)\n");
	} else {
		static const char *const keys[] = {
			"compact_stall", "compact_success", "compact_fail", "compact_migrate_scanned",
			"compact_free_scanned", "compact_daemon_wake", "thp_fault_alloc",
			"thp_fault_fallback", "pgmajfault", "allocstall", "oom_kill",
		};
		int64_t v, st = 0;
		bool any = false;

		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
			if (kmem_kv_lookup(s->vm, s->nvm, keys[k], &v)) {
				printf("  %-24s %lld\n", keys[k], (long long)v);
				any = true;
			}
		/* 4.x+ splits allocstall per zone */
		for (size_t k = 0; k < s->nvm; k++)
			if (!strncmp(s->vm[k].name, "allocstall_", 11))
				st += s->vm[k].value;
		if (st) {
			printf("  %-24s %lld\n", "allocstall (all zones)", (long long)st);
			any = true;
		}
		if (!kmem_kv_lookup(s->vm, s->nvm, "compact_stall", &v))
			printf("  (no compaction counters: kernel without CONFIG_COMPACTION or before 2.6.35)\n");
		else if (!any)
			printf("  (none)\n");
	}

	if (!s->proc_scanned) {
		printf("\nProcesses: none in %s\n", o->proc ? o->proc : "/proc");
		return;
	}
	qsort(s->procs, s->nprocs, sizeof *s->procs, by_pte);
	printf("\nTop processes by page-table memory (VmPTE)\n");
	for (size_t i = 0, shown = 0; i < s->nprocs && shown < TOP_N; i++) {
		if (s->procs[i].pte_kb <= 0)
			continue;
		printf("  %7d %-20s %8lld KiB\n", s->procs[i].pid, s->procs[i].name,
		       s->procs[i].pte_kb);
		shown++;
	}
	qsort(s->procs, s->nprocs, sizeof *s->procs, by_faults);
	printf("\nTop processes by page faults over %d ms\n", interval_ms);
	size_t shown = 0;

	for (size_t i = 0; i < s->nprocs && shown < TOP_N; i++) {
		const struct proc_row *r = &s->procs[i];
		unsigned long long fl = faults_of(r);

		if (!fl)
			continue;
		printf("  %7d %-20s %10.0f faults/s (%llu major)\n", r->pid, r->name,
		       (double)fl * 1000.0 / interval_ms, r->maj1 - r->maj0);
		shown++;
	}
	if (!shown)
		printf("  (no process faulted)\n");
}

/* ---- JSON output -------------------------------------------------------- */

static json_t *jverdict(const struct kmem_zone *z, const struct kmem_verdict *v)
{
	json_t *o = json_pack("{s:s, s:b, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			      "zone", z->name, "granted", v->granted, "rule", rule_name(v->rule),
			      "lhs", (json_int_t)v->lhs, "rhs", (json_int_t)v->rhs,
			      "margin", (json_int_t)v->margin, "usable_free", (json_int_t)v->usable_free,
			      "cma_excluded", (json_int_t)v->cma_excluded,
			      "highatomic_excluded", (json_int_t)v->highatomic_excluded,
			      "watermark", (json_int_t)v->min_adjusted, "reserve", (json_int_t)v->reserve,
			      "suitable_blocks", (json_int_t)v->suitable_blocks);

	if (!o)
		return json_null();
	if (v->rule == KMEM_RULE_ORDER_LOOP)
		json_object_set_new(o, "loop_order", json_integer(v->loop_order));
	if (v->rule == KMEM_RULE_BLOCK)
		json_object_set_new(o, "block_order", json_integer(v->block_order));
	/* What the verdict took as 0 where the files said nothing, and what it
	 * could not know at all: then "granted" is null, not a guess. */
	if (v->missing & (KMEM_ZK_HIGHATOMIC | KMEM_ZK_MT_MASK | KMEM_ZK_PROTECTION | KMEM_ZK_FREE_CMA)) {
		json_t *m = json_array();

		if (v->missing & KMEM_ZK_HIGHATOMIC)
			json_array_append_new(m, json_string("highatomic"));
		if (v->missing & KMEM_ZK_MT_MASK)
			json_array_append_new(m, json_string("block_types"));
		if (v->missing & KMEM_ZK_PROTECTION)
			json_array_append_new(m, json_string("reserve"));
		if (v->missing & KMEM_ZK_FREE_CMA)
			json_array_append_new(m, json_string("free_cma"));
		json_object_set_new(o, "assumed_zero", m);
	}
	if (v->missing & (KMEM_ZK_BUDDY | KMEM_ZK_MIN | KMEM_ZK_LOW | KMEM_ZK_FREE)) {
		json_t *m = json_array();

		if (v->missing & KMEM_ZK_BUDDY)
			json_array_append_new(m, json_string("free_blocks"));
		if (v->missing & (KMEM_ZK_MIN | KMEM_ZK_LOW | KMEM_ZK_FREE))
			json_array_append_new(m, json_string("watermarks"));
		json_object_set_new(o, "unknown", m);
		json_object_set_new(o, "granted", json_null());
	}
	return o;
}

static json_t *i64arr(const int64_t *v, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_integer(v[i]));
	return a;
}

static void print_json(const struct opts *o, struct sample *s, int interval_ms)
{
	json_t *root = json_object(), *zones = json_array(), *reqs = json_array();
	int nodes[64], nn = nodes_of(s, nodes, 64);

	json_object_set_new(root, "source", json_string(o->proc ? o->proc : "/proc"));
	json_object_set_new(root, "kernel", s->release[0] ? json_string(s->release) : json_null());
	json_object_set_new(root, "arch", json_string(s->arch_name));
	json_object_set_new(root, "page_size", json_integer((json_int_t)s->page_kb * 1024));
	json_object_set_new(root, "pti", s->pti_known ? json_boolean(s->pti) : json_null());
	json_object_set_new(root, "era", json_string(kmem_era_name(s->era)));
	json_object_set_new(root, "era_source", json_string(o->era_forced ? "forced" :
		strstr(s->era_why, "assumed") ? "assumed" : strstr(s->era_why, "zoneinfo") ? "zoneinfo" :
		"release"));
	for (size_t i = 0; i < s->nzones; i++) {
		const struct kmem_zone *z = &s->zones[i];
		json_t *jz = json_object();

		json_object_set_new(jz, "node", json_integer(z->node));
		json_object_set_new(jz, "zone", json_string(z->name));
		json_object_set_new(jz, "free_pages", (z->known & KMEM_ZK_FREE) ? json_integer(z->free) : json_null());
		json_object_set_new(jz, "min", (z->known & KMEM_ZK_MIN) ? json_integer(z->min) : json_null());
		json_object_set_new(jz, "low", (z->known & KMEM_ZK_LOW) ? json_integer(z->low) : json_null());
		json_object_set_new(jz, "high", (z->known & KMEM_ZK_HIGH) ? json_integer(z->high) : json_null());
		json_object_set_new(jz, "managed", (z->known & KMEM_ZK_MANAGED) ? json_integer(z->managed) : json_null());
		json_object_set_new(jz, "present", (z->known & KMEM_ZK_PRESENT) ? json_integer(z->present) : json_null());
		json_object_set_new(jz, "spanned", (z->known & KMEM_ZK_SPANNED) ? json_integer(z->spanned) : json_null());
		json_object_set_new(jz, "free_cma", (z->known & KMEM_ZK_FREE_CMA) ? json_integer(z->free_cma) : json_null());
		json_object_set_new(jz, "protection", i64arr(z->protection, z->nprotection));
		json_object_set_new(jz, "free_blocks", (z->known & KMEM_ZK_BUDDY) ? i64arr(z->nr_free, z->norders) : json_null());
		if (z->known & KMEM_ZK_MT_COUNT) {
			json_t *bt = json_object();

			for (int t = 0; t < KMEM_MT_COUNT; t++) {
				bool any = false;

				for (int k = 0; k < KMEM_MAX_ORDERS; k++)
					any |= z->nr_free_mt[t][k] != 0;
				if (any)
					json_object_set_new(bt, kmem_mt_name((enum kmem_mt)t),
							    i64arr(z->nr_free_mt[t], z->norders));
			}
			json_object_set_new(jz, "free_blocks_by_type", bt);
		}
		json_array_append_new(zones, jz);
	}
	json_object_set_new(root, "zones", zones);
	for (int ni = 0; ni < nn; ni++)
		for (int r = 0; r < 4; r++) {
			const struct reqrow *rr = &s->reqs[r];
			json_t *jr = json_object(), *jzs = json_array();
			struct eval *ev;

			json_object_set_new(jr, "kind", json_string(kmem_req_kind_name(rr->kind)));
			json_object_set_new(jr, "node", json_integer(nodes[ni]));
			if (!rr->exists) {
				json_object_set_new(jr, "status", json_string("n/a"));
				if (rr->why_not)
					json_object_set_new(jr, "why", json_string(rr->why_not));
				json_array_append_new(reqs, jr);
				json_decref(jzs);
				continue;
			}
			json_object_set_new(jr, "order", json_integer(rr->req.order));
			json_object_set_new(jr, "migrate_type", json_string(kmem_mt_name(rr->req.mt)));
			ev = calloc(1, sizeof *ev);
			if (!ev) {
				json_decref(jr);
				json_decref(jzs);
				continue;
			}
			evaluate(s, rr, nodes[ni], ev);
			json_object_set_new(jr, "status", json_string(verdict_word(ev)));
			json_object_set_new(jr, "zone", ev->zone_min >= 0 ? json_string(s->zones[ev->zone_min].name) : json_null());
			json_object_set_new(jr, "granted_44", !strcmp(verdict_word(ev), "UNKNOWN") ? json_null() :
					    json_boolean(ev->zone_44 >= 0));
			for (size_t i = 0; i < s->nzones; i++) {
				json_t *jv;

				if (!ev->checked[i])
					continue;
				jv = jverdict(&s->zones[i], &ev->v_min[i]);
				json_object_set_new(jv, "granted_low", json_boolean(ev->v_low[i].granted));
				json_object_set_new(jv, "margin_low", json_integer(ev->v_low[i].margin));
				json_array_append_new(jzs, jv);
			}
			json_object_set_new(jr, "zones", jzs);
			json_array_append_new(reqs, jr);
			free(ev);
		}
	json_object_set_new(root, "requests", reqs);
	if (s->have_vm) {
		json_t *vm = json_object();

		for (size_t k = 0; k < s->nvm; k++)
			if (!strncmp(s->vm[k].name, "compact_", 8) || !strncmp(s->vm[k].name, "thp_fault", 9) ||
			    !strcmp(s->vm[k].name, "pgmajfault") || !strncmp(s->vm[k].name, "allocstall", 10) ||
			    !strcmp(s->vm[k].name, "oom_kill"))
				json_object_set_new(vm, s->vm[k].name, json_integer(s->vm[k].value));
		json_object_set_new(root, "vmstat", vm);
	} else {
		json_object_set_new(root, "vmstat", json_null());
	}
	if (s->proc_scanned) {
		json_t *pp = json_object(), *a = json_array(), *b = json_array();

		qsort(s->procs, s->nprocs, sizeof *s->procs, by_pte);
		for (size_t i = 0, n = 0; i < s->nprocs && n < TOP_N; i++)
			if (s->procs[i].pte_kb > 0) {
				json_array_append_new(a, json_pack("{s:i, s:s, s:I}", "pid", s->procs[i].pid,
					"name", s->procs[i].name, "pte_bytes", (json_int_t)s->procs[i].pte_kb * 1024));
				n++;
			}
		qsort(s->procs, s->nprocs, sizeof *s->procs, by_faults);
		for (size_t i = 0, n = 0; i < s->nprocs && n < TOP_N; i++) {
			const struct proc_row *r = &s->procs[i];

			if (!faults_of(r))
				continue;
			json_array_append_new(b, json_pack("{s:i, s:s, s:f, s:I}", "pid", r->pid, "name", r->name,
				"faults_per_s", (double)faults_of(r) * 1000.0 / interval_ms,
				"major", (json_int_t)(r->maj1 - r->maj0)));
			n++;
		}
		json_object_set_new(pp, "interval_ms", json_integer(interval_ms));
		json_object_set_new(pp, "by_page_tables", a);
		json_object_set_new(pp, "by_fault_rate", b);
		json_object_set_new(root, "processes", pp);
	} else {
		json_object_set_new(root, "processes", json_null());
	}
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	printf("\n");
	json_decref(root);
}

/* ---- main --------------------------------------------------------------- */

static int once(const struct opts *o)
{
	struct sample *s = calloc(1, sizeof *s);
	bool procs;
	int rc = 0;

	if (!s) {
		fprintf(stderr, "fragguard: out of memory\n");
		return 1;
	}
	identify(o, s);
	if (load_zones(o, s)) {
		free(s);
		return 1;
	}
	s->page_kb = page_kb_of(o, s);
	s->pmd_kb = 0;
	{
		struct file f;
		const char *pmd = "sys/kernel/mm/transparent_hugepage/hpage_pmd_size";
		int prc = o->proc ? get(o, pmd, &f, false)
				  : read_file("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", &f);

		if (!prc) {
			long long v = 0;
			char tmp[32];

			snprintf(tmp, sizeof tmp, "%.*s", (int)(f.len < 31 ? f.len : 31), f.buf);
			if (sscanf(tmp, "%lld", &v) == 1 && v >= 4096 && v <= (1LL << 40))
				s->pmd_kb = v / 1024;
			free(f.buf);
		}
	}
	check_zones(o, s);
	build_requests(s);
	procs = has_pid_dirs(o->proc ? o->proc : "/proc");
	if (procs) {
		struct timespec ts = { o->interval_ms / 1000, (long)(o->interval_ms % 1000) * 1000000L };

		scan_procs(o, s, false);
		fflush(stdout);
		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
		scan_procs(o, s, true);
	}
	if (o->json)
		print_json(o, s, o->interval_ms);
	else
		print_text(o, s, o->interval_ms);
	if (fflush(stdout) || ferror(stdout))
		rc = 1;
	free(s->procs);
	free(s);
	return rc;
}

static bool parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

int cmd_status(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "proc", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "watch", optional_argument, NULL, 'w' },
		{ "era", required_argument, NULL, 'e' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .interval_ms = 1000 };
	double v;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hp:jw::e:i:", lopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'p':
			o.proc = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 'w':
			o.watch_s = 2;
			/* "--watch 5" as well as "--watch=5" */
			if (!optarg && optind < argc && parse_num(argv[optind], 0.1, 86400, &v)) {
				optarg = argv[optind++];
			}
			if (optarg) {
				if (!parse_num(optarg, 0.1, 86400, &v)) {
					fprintf(stderr, "fragguard: bad --watch interval '%s' (seconds, 0.1 to 86400)\n", optarg);
					return 2;
				}
				o.watch_s = v;
			}
			break;
		case 'e': {
			int r = kmem_era_parse(optarg, strlen(optarg), &o.era);

			if (r < 0) {
				fprintf(stderr, "fragguard: bad --era '%s' (pre44, 44 or auto)\n", optarg);
				return 2;
			}
			o.era_forced = r == 0;
			break;
		}
		case 'i':
			if (!parse_num(optarg, 10, 60000, &v)) {
				fprintf(stderr, "fragguard: bad --interval '%s' (milliseconds, 10 to 60000)\n", optarg);
				return 2;
			}
			o.interval_ms = (int)v;
			break;
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
	if (optind < argc) {
		fprintf(stderr, "fragguard: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (o.watch_s <= 0)
		return once(&o);
	for (;;) {
		struct timespec ts;
		int rc;

		if (isatty(STDOUT_FILENO) && !o.json)
			printf("\033[H\033[2J");
		rc = once(&o);
		if (rc)
			return rc;
		ts.tv_sec = (time_t)o.watch_s;
		ts.tv_nsec = (long)((o.watch_s - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
}
