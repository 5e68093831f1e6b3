/* report_html.c: `fragguard report --html FILE`, one self-contained page:
 * inline CSS and inline SVG drawn here (no script, no font, no network), so
 * it opens from a mail attachment or an air-gapped board's web server alike.
 * Charts: page faults per process (the shim's pre-faulting apart from the
 * program's own), page-table memory per process, huge-page coverage per
 * program, free blocks per order at the shim's risk events over time; then
 * the per-program table. Every chart is an <svg class="chart">; every text
 * from a report is HTML-escaped. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

#define BARS_MAX   30     /* processes per bar chart */
#define RISKS_MAX  2000   /* most recent risk events drawn */
#define W          960    /* chart width, px */
#define LABEL_W    230    /* bar label column */

static const char *const order_colors[REPORT_MAX_ORDERS] = {
	"#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c", "#22a884",
	"#44bf70", "#7ad151", "#bddf26", "#fde725", "#fdb42f", "#f68f44", "#e16462",
	"#b12a90", "#6a00a8",
};

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

struct bar {
	const struct report_proc *p;
	double a, b;           /* two stacked parts */
};


static int cmp_bar(const void *x, const void *y)
{
	const struct bar *u = x, *v = y;
	double su = u->a + u->b, sv = v->a + v->b;

	if (su != sv)
		return su > sv ? -1 : 1;
	return u->p->pid - v->p->pid;
}

/* A horizontal stacked bar chart of the top processes by a + b. */
static void bar_chart(FILE *f, const struct report_set *s, const char *title, const char *note,
		      const char *la, const char *lb, bool bytes,
		      void (*val)(const struct report_proc *, double *, double *))
{
	struct bar *v = malloc((s->nprocs ? s->nprocs : 1) * sizeof *v);
	size_t n = 0, shown;
	double max = 0;
	char buf[32];
	int h;

	if (!v)
		return;
	for (size_t i = 0; i < s->nprocs; i++) {
		v[n].p = &s->procs[i];
		val(&s->procs[i], &v[n].a, &v[n].b);
		n++;
	}
	qsort(v, n, sizeof *v, cmp_bar);
	shown = n < BARS_MAX ? n : BARS_MAX;
	for (size_t i = 0; i < shown; i++)
		if (v[i].a + v[i].b > max)
			max = v[i].a + v[i].b;
	h = 40 + (int)shown * 20 + 30;
	fprintf(f, "<figure><h2>");
	esc(f, title);
	fprintf(f, "</h2><p class=\"note\">");
	esc(f, note);
	if (n > shown)
		fprintf(f, " The %zu largest of %zu processes.", shown, n);
	fprintf(f, "</p>\n<svg class=\"chart\" role=\"img\" width=\"%d\" height=\"%d\" "
		   "viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">\n", W, h, W, h);
	fprintf(f, "<rect x=\"%d\" y=\"8\" width=\"12\" height=\"12\" fill=\"#2a788e\"/>"
		   "<text x=\"%d\" y=\"18\">", LABEL_W, LABEL_W + 16);
	esc(f, la);
	fprintf(f, "</text>");
	if (lb) {
		fprintf(f, "<rect x=\"%d\" y=\"8\" width=\"12\" height=\"12\" fill=\"#f68f44\"/>"
			   "<text x=\"%d\" y=\"18\">", LABEL_W + 260, LABEL_W + 276);
		esc(f, lb);
		fprintf(f, "</text>");
	}
	fputc('\n', f);
	for (size_t i = 0; i < shown; i++) {
		double scale = max > 0 ? (W - LABEL_W - 90) / max : 0;
		int y = 32 + (int)i * 20;
		double wa = v[i].a * scale, wb = v[i].b * scale;

		fprintf(f, "<g class=\"bar\"><title>");
		esc(f, v[i].p->program);
		fprintf(f, " %d: %s</title><text x=\"%d\" y=\"%d\" text-anchor=\"end\">", v[i].p->pid,
			bytes ? report_fmt_bytes(buf, sizeof buf, (uint64_t)(v[i].a + v[i].b))
			      : report_fmt_count(buf, sizeof buf, v[i].a + v[i].b),
			LABEL_W - 8, y + 13);
		esc(f, v[i].p->program);
		fprintf(f, " %d</text>", v[i].p->pid);
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"15\" fill=\"#2a788e\"/>",
			LABEL_W, y, wa);
		if (lb)
			fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"15\" fill=\"#f68f44\"/>",
				LABEL_W + wa, y, wb);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\">%s</text></g>\n", LABEL_W + wa + wb + 6, y + 13,
			buf);
	}
	if (!shown)
		fprintf(f, "<text x=\"%d\" y=\"50\">no processes</text>\n", LABEL_W);
	fprintf(f, "</svg></figure>\n");
	free(v);
}

static void v_faults(const struct report_proc *p, double *a, double *b)
{
	double all = (double)(p->minflt + p->majflt);
	double shim = (double)p->shim_flt < all ? (double)p->shim_flt : all;

	*a = all - shim;
	*b = shim;
}

static void v_pte(const struct report_proc *p, double *a, double *b)
{
	*a = p->have_pte ? (double)p->pte_bytes : 0;
	*b = 0;
}

static void huge_chart(FILE *f, const struct report_set *s)
{
	size_t n = 0;
	int h;

	for (size_t i = 0; i < s->nprogs; i++)
		n += report_huge_pct(&s->progs[i].sum) >= 0;
	if (n > BARS_MAX)
		n = BARS_MAX;
	h = 40 + (int)n * 20 + 20;
	fprintf(f, "<figure><h2>Huge-page coverage per program</h2><p class=\"note\">Share of "
		   "anonymous memory in transparent huge pages at the last report "
		   "(AnonHugePages / Anonymous). Higher means fewer TLB misses and faults.</p>\n"
		   "<svg class=\"chart\" role=\"img\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		   "xmlns=\"http://www.w3.org/2000/svg\">\n", W, h, W, h);
	for (int pct = 0; pct <= 100; pct += 25) {
		double x = LABEL_W + (W - LABEL_W - 90) * pct / 100.0;

		fprintf(f, "<line x1=\"%.1f\" y1=\"22\" x2=\"%.1f\" y2=\"%d\" class=\"grid\"/>"
			   "<text x=\"%.1f\" y=\"16\" text-anchor=\"middle\">%d%%</text>\n",
			x, x, h - 10, x, pct);
	}
	n = 0;
	for (size_t i = 0; i < s->nprogs && n < BARS_MAX; i++) {
		double pct = report_huge_pct(&s->progs[i].sum);
		int y = 28 + (int)n * 20;

		if (pct < 0)
			continue;
		fprintf(f, "<g class=\"bar\"><text x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL_W - 8,
			y + 13);
		esc(f, s->progs[i].name);
		fprintf(f, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"15\" fill=\"#44bf70\"/>"
			   "<text x=\"%.1f\" y=\"%d\">%.0f%%</text></g>\n", LABEL_W, y,
			(W - LABEL_W - 90) * pct / 100, LABEL_W + (W - LABEL_W - 90) * pct / 100 + 6,
			y + 13, pct);
		n++;
	}
	if (!n)
		fprintf(f, "<text x=\"%d\" y=\"50\">no report could read smaps_rollup</text>\n", LABEL_W);
	fprintf(f, "</svg></figure>\n");
}

static int cmp_risk(const void *a, const void *b)
{
	const struct report_risk *x = *(struct report_risk *const *)a;
	const struct report_risk *y = *(struct report_risk *const *)b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->pid - y->pid;
}

/* Free blocks of each order (log scale) at every risk event, oldest left. */
static void risk_chart(FILE *f, const struct report_set *s)
{
	const struct report_risk **r;
	size_t n = 0, first;
	int norders = 0;
	const int x0 = 70, x1 = W - 20, y0 = 40, y1 = 330, h = 390;
	double tmin, tmax, lmax = 1;

	for (size_t i = 0; i < s->nprocs; i++)
		n += (size_t)s->procs[i].nrisks;
	fprintf(f, "<figure><h2>Free blocks per order at risk events</h2><p class=\"note\">At each "
		   "large fault the shim judged risky: free blocks of each order in the zone it "
		   "checked (log scale). Few high-order blocks mean fragmentation; red marks an "
		   "event that ended in failure.</p>\n"
		   "<svg class=\"chart\" role=\"img\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		   "xmlns=\"http://www.w3.org/2000/svg\">\n", W, h, W, h);
	if (!n) {
		fprintf(f, "<text x=\"%d\" y=\"60\">No risk events: the shim never judged a large "
			   "fault risky in these reports.</text>\n</svg></figure>\n", x0);
		return;
	}
	r = malloc(n * sizeof *r);
	if (!r) {
		fprintf(f, "</svg></figure>\n");
		return;
	}
	n = 0;
	for (size_t i = 0; i < s->nprocs; i++)
		for (int k = 0; k < s->procs[i].nrisks; k++)
			r[n++] = &s->procs[i].risks[k];
	qsort(r, n, sizeof *r, cmp_risk);
	first = n > RISKS_MAX ? n - RISKS_MAX : 0;
	tmin = r[first]->t;
	tmax = r[n - 1]->t;
	for (size_t i = first; i < n; i++) {
		if (r[i]->norders > norders)
			norders = r[i]->norders;
		for (int o = 0; o < r[i]->norders; o++)
			if (log10((double)r[i]->free[o] + 1) > lmax)
				lmax = log10((double)r[i]->free[o] + 1);
	}
	lmax = ceil(lmax);
	/* Axes: powers of ten on y, start and end time on x. */
	for (int d = 0; d <= (int)lmax; d++) {
		double y = y1 - (y1 - y0) * d / lmax;

		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>"
			   "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>\n",
			x0, y, x1, y, x0 - 6, y + 4, pow(10, d) - (d == 0));
	}
	{
		char b0[32], b1[32];

		fprintf(f, "<text x=\"%d\" y=\"%d\">+0s</text><text x=\"%d\" y=\"%d\" "
			   "text-anchor=\"end\">+%s (%zu events)</text>\n", x0, y1 + 18, x1, y1 + 18,
			report_fmt_secs(b0, sizeof b0, tmax - tmin), n - first);
		(void)b1;
	}
#define X(i) (n - first > 1 ? x0 + (x1 - x0) * (tmax > tmin ? (r[i]->t - tmin) / (tmax - tmin) \
	      : (double)((i) - first) / (double)(n - first - 1)) : (x0 + x1) / 2.0)
#define Y(v) (y1 - (y1 - y0) * log10((double)(v) + 1) / lmax)
	for (int o = 0; o < norders; o++) {
		fprintf(f, "<polyline class=\"order\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
			   "points=\"", order_colors[o]);
		for (size_t i = first; i < n; i++)
			if (o < r[i]->norders)
				fprintf(f, "%.1f,%.1f ", X(i), Y(r[i]->free[o]));
		fprintf(f, "\"><title>order %d</title></polyline>\n", o);
	}
	for (size_t i = first; i < n; i++) {
		bool failed = !strcmp(r[i]->outcome, "failed");

		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\"><title>", X(i),
			Y(r[i]->norders ? r[i]->free[0] : 0), failed ? 4 : 2, failed ? "#d62728" : "#555");
		esc(f, r[i]->program);
		fprintf(f, " %d: %s order %d in ", r[i]->pid, r[i]->cause, r[i]->order);
		esc(f, r[i]->zone);
		fprintf(f, ", margin %lld pages, %s, %s</title></circle>\n",
			(long long)r[i]->margin_pages, r[i]->action, r[i]->outcome);
	}
#undef X
#undef Y
	for (int o = 0; o < norders; o++)
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
			   "<text x=\"%d\" y=\"%d\">%d</text>\n", x0 + o * 52, 14, order_colors[o],
			x0 + o * 52 + 14, 23, o);
	fprintf(f, "<text x=\"%d\" y=\"%d\">order</text>\n", x0 + norders * 52 + 4, 23);
	fprintf(f, "</svg></figure>\n");
	free(r);
}

static void table(FILE *f, const struct report_set *s)
{
	char b[8][32];

	fprintf(f, "<h2>Per program</h2>\n<table><thead><tr><th>program</th><th>processes</th>"
		   "<th>faults</th><th>per GiB</th><th>pre-faulted</th><th>huge pages</th>"
		   "<th>page tables</th><th>peak RSS</th><th>compactions / waits / refusals</th>"
		   "<th>stall</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < s->nprogs; i++) {
		const struct report_proc *p = &s->progs[i].sum;
		double hp = report_huge_pct(p);

		fprintf(f, "<tr><td>");
		esc(f, s->progs[i].name);
		if (hp >= 0)
			snprintf(b[4], sizeof b[4], "%.0f%%", hp);
		else
			snprintf(b[4], sizeof b[4], "-");
		fprintf(f, "</td><td>%zu</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
			   "<td>%s</td><td>%llu / %llu / %llu</td><td>%s</td></tr>\n",
			s->progs[i].nprocs,
			report_fmt_count(b[0], sizeof b[0], (double)(p->minflt + p->majflt)),
			report_fmt_count(b[1], sizeof b[1], report_faults_per_gib(p)),
			report_fmt_bytes(b[2], sizeof b[2], p->prefault_bytes), b[4],
			p->have_pte ? report_fmt_bytes(b[5], sizeof b[5], p->pte_bytes) : "-",
			report_fmt_bytes(b[6], sizeof b[6], p->peak_rss_bytes),
			(unsigned long long)p->compactions, (unsigned long long)p->waits,
			(unsigned long long)p->refusals,
			report_fmt_secs(b[7], sizeof b[7], (double)p->stall_ns / 1e9));
	}
	fprintf(f, "</tbody></table>\n");
}

int report_html_render(const struct report_set *s, FILE *f)
{
	const struct report_proc *t = &s->total;
	char b[4][32];

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		   "<meta name=\"viewport\" content=\"width=device-width\">\n"
		   "<title>fragguard report: %zu processes</title>\n<style>\n"
		   "body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:1000px;"
		   "color:#222;background:#fff}\n"
		   "h1{font-size:1.5em}h2{font-size:1.15em;margin:1.6em 0 .2em}\n"
		   ".note{color:#555;margin:.2em 0 .6em}\n"
		   ".cards{display:flex;gap:1em;flex-wrap:wrap}"
		   ".card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:9em}"
		   ".card b{display:block;font-size:1.4em}\n"
		   "svg.chart{font-size:12px;background:#fafafa;border:1px solid #eee}"
		   "svg .grid{stroke:#ddd}\n"
		   "table{border-collapse:collapse;width:100%%}td,th{padding:.25em .6em;"
		   "border-bottom:1px solid #eee;text-align:right}td:first-child,th:first-child"
		   "{text-align:left}\n"
		   "figure{margin:0}\n</style></head><body>\n", s->nprocs);
	fprintf(f, "<h1>fragguard: %zu process%s, %zu program%s</h1>\n", s->nprocs,
		s->nprocs == 1 ? "" : "es", s->nprogs, s->nprogs == 1 ? "" : "s");
	fprintf(f, "<div class=\"cards\">"
		   "<div class=\"card\"><b>%s</b>page faults</div>"
		   "<div class=\"card\"><b>%s</b>pre-faulted by the shim</div>"
		   "<div class=\"card\"><b>%s</b>page tables</div>"
		   "<div class=\"card\"><b>%llu / %llu / %llu</b>compactions / waits / refusals</div>"
		   "<div class=\"card\"><b>%llu</b>risk events</div></div>\n",
		report_fmt_count(b[0], sizeof b[0], (double)(t->minflt + t->majflt)),
		report_fmt_bytes(b[1], sizeof b[1], t->prefault_bytes),
		t->have_pte ? report_fmt_bytes(b[2], sizeof b[2], t->pte_bytes) : "-",
		(unsigned long long)t->compactions, (unsigned long long)t->waits,
		(unsigned long long)t->refusals, (unsigned long long)t->risk_events);
	if (s->nskipped)
		fprintf(f, "<p class=\"note\">%zu file%s skipped (not reports, or truncated).</p>\n",
			s->nskipped, s->nskipped == 1 ? "" : "s");
	bar_chart(f, s, "Page faults per process",
		  "Minor and major faults over each process's life. The shim pre-faults whole "
		  "chunks (one fault per huge page where the kernel gives one), so most of a "
		  "program's own faults should be gone.", "the program's faults",
		  "the shim's pre-faulting (estimated)", false, v_faults);
	bar_chart(f, s, "Page-table memory per process",
		  "VmPTE at the last report: unmovable kernel pages, one per 2 MiB of touched "
		  "address space. Sparse heaps cost more.", "page tables", NULL, true, v_pte);
	huge_chart(f, s);
	risk_chart(f, s);
	table(f, s);
	fprintf(f, "<p class=\"note\">Written by fragguard report.</p>\n</body></html>\n");
	return ferror(f) ? -EIO : 0;
}
