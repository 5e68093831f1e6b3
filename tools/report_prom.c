/* report_prom.c: `fragguard report --prometheus`, the node_exporter textfile
 * collector format (Prometheus text exposition 0.0.4): metric names
 * fragguard_*, base units (bytes, seconds, ratios), counters ending in _total,
 * one series per program (never per pid: pids would make unbounded series),
 * a HELP and TYPE line per metric. Counters are sums over the program's
 * reports, so they reset when old reports are removed, which Prometheus'
 * rate() handles. Must stay valid under `promtool check metrics`. */
#include <errno.h>
#include <inttypes.h>
#include "report.h"

enum kind { COUNTER, GAUGE };

struct metric {
	const char *name;
	enum kind kind;
	const char *help;
	/* Value of one program's sum; false when unknown for it. */
	bool (*get)(const struct report_prog *g, double *v);
};

#define GETTER(fn, ...)                                                  \
	static bool fn(const struct report_prog *g, double *v)           \
	{                                                                \
		const struct report_proc *p = &g->sum;                   \
		*v = (double)(__VA_ARGS__);                                   \
		return true;                                             \
	}

GETTER(g_procs, (void)p, g->nprocs)
GETTER(g_minflt, p->minflt)
GETTER(g_majflt, p->majflt)
GETTER(g_shimflt, p->shim_flt)
GETTER(g_alloc, p->alloc_bytes)
GETTER(g_prefault, p->prefault_bytes)
GETTER(g_rss, p->rss_bytes)
GETTER(g_peak, p->peak_rss_bytes)
GETTER(g_cmap, p->chunks_mapped)
GETTER(g_crel, p->chunks_released)
GETTER(g_ret, p->returned_bytes)
GETTER(g_samples, p->samples)
GETTER(g_risk, p->risk_events)
GETTER(g_comp, p->compactions)
GETTER(g_compok, p->compactions_ok)
GETTER(g_waits, p->waits)
GETTER(g_fallbacks, p->fallbacks)
GETTER(g_refusals, p->refusals)
GETTER(g_failed, p->failed_allocs)
GETTER(g_stall, (double)p->stall_ns / 1e9)
GETTER(g_last, (void)p, g->last_end_s)

static bool g_pte(const struct report_prog *g, double *v)
{
	*v = (double)g->sum.pte_bytes;
	return g->sum.have_pte;
}

static bool g_anon(const struct report_prog *g, double *v)
{
	*v = (double)g->sum.heap_bytes;
	return g->sum.have_huge;
}

static bool g_huge(const struct report_prog *g, double *v)
{
	*v = (double)g->sum.huge_bytes;
	return g->sum.have_huge;
}

static bool g_hugeratio(const struct report_prog *g, double *v)
{
	double pct = report_huge_pct(&g->sum);

	*v = pct / 100;
	return pct >= 0;
}

static bool g_life(const struct report_prog *g, double *v)
{
	*v = 0;
	for (size_t i = 0; i < g->nprocs; i++)
		*v += g->procs[i]->life_s;
	return true;
}

static const struct metric metrics[] = {
	{ "fragguard_processes", GAUGE, "Processes with a report, per program.", g_procs },
	{ "fragguard_process_seconds_total", COUNTER, "Lifetime of the processes up to their last report.", g_life },
	{ "fragguard_minor_faults_total", COUNTER, "Minor page faults (getrusage), shim included.", g_minflt },
	{ "fragguard_major_faults_total", COUNTER, "Major page faults (getrusage).", g_majflt },
	{ "fragguard_shim_faults_total", COUNTER, "Page faults of the shim's own pre-faulting (estimated).", g_shimflt },
	{ "fragguard_allocated_bytes_total", COUNTER, "Bytes of small objects taken from the heap.", g_alloc },
	{ "fragguard_prefaulted_bytes_total", COUNTER, "Bytes the shim faulted in ahead of use.", g_prefault },
	{ "fragguard_anon_bytes", GAUGE, "Anonymous memory (smaps_rollup) at the last report.", g_anon },
	{ "fragguard_anon_huge_bytes", GAUGE, "Anonymous memory in transparent huge pages at the last report.", g_huge },
	{ "fragguard_huge_page_ratio", GAUGE, "Share of anonymous memory in huge pages (0 to 1).", g_hugeratio },
	{ "fragguard_page_table_bytes", GAUGE, "Page-table memory (VmPTE) at the last report.", g_pte },
	{ "fragguard_rss_bytes", GAUGE, "Resident memory (VmRSS) at the last report.", g_rss },
	{ "fragguard_peak_rss_bytes", GAUGE, "Largest peak resident memory (VmHWM) of one process.", g_peak },
	{ "fragguard_chunks_mapped_total", COUNTER, "Chunks the shim mapped.", g_cmap },
	{ "fragguard_chunks_released_total", COUNTER, "Chunks the shim gave back whole.", g_crel },
	{ "fragguard_released_bytes_total", COUNTER, "Bytes the shim gave back to the kernel.", g_ret },
	{ "fragguard_samples_total", COUNTER, "Kernel free-memory samples the shim took.", g_samples },
	{ "fragguard_risk_events_total", COUNTER, "Large faults the shim judged risky.", g_risk },
	{ "fragguard_compactions_total", COUNTER, "Compactions the shim triggered.", g_comp },
	{ "fragguard_compactions_helped_total", COUNTER, "Compactions after which the request fitted.", g_compok },
	{ "fragguard_waits_total", COUNTER, "Back-off waits of the shim.", g_waits },
	{ "fragguard_fallbacks_total", COUNTER, "Fallbacks (e.g. no huge page) of the shim.", g_fallbacks },
	{ "fragguard_refusals_total", COUNTER, "Allocations the shim failed with ENOMEM by policy.", g_refusals },
	{ "fragguard_allocation_failures_total", COUNTER, "Allocations that returned NULL.", g_failed },
	{ "fragguard_stall_seconds_total", COUNTER, "Time the shim spent waiting and compacting.", g_stall },
	{ "fragguard_last_report_timestamp_seconds", GAUGE, "When the newest report was written.", g_last },
};

/* Label values escape backslash, double quote and newline (text format). */
static void label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

int report_prom_render(const struct report_set *s, FILE *f)
{
	for (size_t m = 0; m < sizeof metrics / sizeof metrics[0]; m++) {
		const struct metric *mt = &metrics[m];

		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", mt->name, mt->help, mt->name,
			mt->kind == COUNTER ? "counter" : "gauge");
		for (size_t i = 0; i < s->nprogs; i++) {
			double v;

			if (!mt->get(&s->progs[i], &v))
				continue;
			fprintf(f, "%s{program=\"", mt->name);
			label(f, s->progs[i].name);
			if (v == (double)(uint64_t)v && v < 9.007e15)
				fprintf(f, "\"} %" PRIu64 "\n", (uint64_t)v);
			else
				fprintf(f, "\"} %.10g\n", v);
		}
	}
	fprintf(f, "# HELP fragguard_report_files_skipped Files skipped as not reports (truncated, foreign).\n"
		   "# TYPE fragguard_report_files_skipped gauge\n"
		   "fragguard_report_files_skipped %zu\n", s->nskipped);
	return ferror(f) ? -EIO : 0;
}
