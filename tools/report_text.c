/* report_text.c: the table a person reads, one row per process grouped by
 * program, a total row per program of several processes and one for all,
 * the top call sites beside (or, with --top N, under) each row. Plain ASCII
 * and fixed columns so it survives pipes, logs and e-mail; it only reads the
 * set it is given. */
#include <errno.h>
#include <string.h>
#include "report.h"

#define SITE_MAX 64

struct widths {
	int prog;
};

static uint64_t site_total(const struct report_proc *p)
{
	uint64_t t = 0;

	for (int i = 0; i < p->nsites; i++)
		t += p->sites[i].bytes;
	return t;
}

/* "func (module) 73%", cut to SITE_MAX characters. */
static void site_text(char *buf, size_t cap, const struct report_proc *p, int i)
{
	const struct report_site *s = &p->sites[i];
	uint64_t t = site_total(p);
	char pct[16] = "";
	size_t n;

	if (t)
		snprintf(pct, sizeof pct, " %.0f%%", 100.0 * (double)s->bytes / (double)t);
	n = (size_t)snprintf(buf, cap, "%s%s%s%s%s", s->func, s->where ? " (" : "",
			     s->where ? s->where : "", s->where ? ")" : "", pct);
	if (n > SITE_MAX && cap > SITE_MAX) {
		/* Keep the share at the end readable. */
		size_t pl = strlen(pct);

		memcpy(buf + SITE_MAX - pl - 3, "...", 3);
		memcpy(buf + SITE_MAX - pl, pct, pl + 1);
	}
}

static void row(FILE *f, const struct report_set *s, const struct widths *w,
		const char *pid, const char *prog, const struct report_proc *p,
		double life, const char *site)
{
	char b[10][24];
	double hp = report_huge_pct(p);

	if (hp >= 0)
		snprintf(b[4], sizeof b[4], "%.0f%%", hp);
	else
		snprintf(b[4], sizeof b[4], "-");
	snprintf(b[8], sizeof b[8], "%llu/%llu/%llu", (unsigned long long)p->compactions,
		 (unsigned long long)p->waits, (unsigned long long)p->refusals);
	fprintf(f, "%7s  %-*s %7s %7s %6s %8s %5s %6s %7s %9s %6s%s%s\n",
		pid, w->prog, prog,
		report_fmt_secs(b[0], sizeof b[0], life),
		report_fmt_count(b[1], sizeof b[1], (double)(p->minflt + p->majflt)),
		report_fmt_count(b[2], sizeof b[2], report_faults_per_gib(p)),
		report_fmt_bytes(b[3], sizeof b[3], p->prefault_bytes),
		b[4],
		p->have_pte ? report_fmt_bytes(b[5], sizeof b[5], p->pte_bytes) : "-",
		report_fmt_bytes(b[6], sizeof b[6], p->peak_rss_bytes),
		b[8],
		report_fmt_secs(b[9], sizeof b[9], (double)p->stall_ns / 1e9),
		site && s->top ? "  " : "", site && s->top ? site : "");
}

int report_text_render(const struct report_set *s, FILE *f)
{
	struct widths w = { .prog = 7 };
	char pid[16], name[64], site[256];
	size_t i, j;
	int indent;

	for (i = 0; i < s->nprogs; i++) {
		int n = (int)strlen(s->progs[i].name);

		if (s->progs[i].nprocs > 1)
			n += snprintf(NULL, 0, " (%zu)", s->progs[i].nprocs);
		if (n > w.prog)
			w.prog = n > 24 ? 24 : n;
	}
	/* Where the call-site column starts, for the --top lines under a row. */
	indent = 7 + 2 + w.prog + 1 + 7 + 1 + 7 + 1 + 6 + 1 + 8 + 1 + 5 + 1 + 6 + 1 + 7 + 1 + 9 + 1 + 6 + 2;
	fprintf(f, "%7s  %-*s %7s %7s %6s %8s %5s %6s %7s %9s %6s%s\n",
		"PID", w.prog, "PROGRAM", "LIFE", "FAULTS", "/GiB", "PREFAULT", "HUGE", "PTE",
		"PEAK", "C/W/R", "STALL", s->top ? "  TOP CALL SITE" : "");
	for (i = 0; i < s->nprogs; i++) {
		const struct report_prog *g = &s->progs[i];

		bool collapsed = s->collapse_over && g->nprocs > s->collapse_over;

		for (j = 0; j < g->nprocs && !collapsed; j++) {
			const struct report_proc *p = g->procs[j];

			snprintf(pid, sizeof pid, "%d", p->pid);
			snprintf(name, sizeof name, "%.*s", w.prog, p->program);
			if (p->nsites)
				site_text(site, sizeof site, p, 0);
			else if (!p->active)
				snprintf(site, sizeof site, "- (shim disabled)");
			else if (p->sites_status) /* e.g. built without libunwind */
				snprintf(site, sizeof site, "- (%s)", p->sites_status);
			else
				snprintf(site, sizeof site, "-");
			row(f, s, &w, pid, name, p, report_lifetime(s, p), site);
			for (int k = 1; k < s->top && k < p->nsites; k++) {
				site_text(site, sizeof site, p, k);
				fprintf(f, "%*s%s\n", indent, "", site);
			}
		}
		if (g->nprocs > 1) {
			snprintf(name, sizeof name, "%.*s (%zu)",
				 w.prog - snprintf(NULL, 0, " (%zu)", g->nprocs), g->name, g->nprocs);
			row(f, s, &w, "total", name, &g->sum, g->last_end_s - g->first_start_s, NULL);
		}
	}
	if (s->nprogs > 1) {
		double end = s->total.end_s;

		snprintf(name, sizeof name, "all (%zu)", s->nprocs);
		row(f, s, &w, "total", name, &s->total, end - s->total.start_s, NULL);
	}
	fprintf(f, "\n%zu process%s, %zu program%s", s->nprocs, s->nprocs == 1 ? "" : "es",
		s->nprogs, s->nprogs == 1 ? "" : "s");
	if (s->nskipped)
		fprintf(f, "; %zu file%s skipped", s->nskipped, s->nskipped == 1 ? "" : "s");
	fprintf(f, ". Totals sum each column; PEAK is the largest process's.\n");
	for (i = 0; i < s->nprogs; i++)
		if (s->collapse_over && s->progs[i].nprocs > s->collapse_over)
			break;
	if (i < s->nprogs)
		fprintf(f, "Programs of more than %zu processes show their total only "
			   "('fragguard report' lists each).\n", s->collapse_over);
	return ferror(f) ? -EIO : 0;
}
