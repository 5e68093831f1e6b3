/* report_json.c: `fragguard report --json`, the aggregate for machines:
 * totals, then per program its totals and its processes with their call
 * sites. Base units throughout (bytes, seconds); keys are stable, a new one
 * may be added, none renamed (the "schema" string changes if one must be).
 * Output is deterministic for a given input (no wall-clock fields unless a
 * report lacks an end time), so it can be compared against a golden file. */
#include <errno.h>
#include <jansson.h>
#include "report.h"

#define SUMMARY_SCHEMA "fragguard-summary/1"

static json_t *metrics(const struct report_set *s, const struct report_proc *p, double life)
{
	json_t *o = json_object();
	double fpg = report_faults_per_gib(p), hp = report_huge_pct(p);

#define U(k, v) json_object_set_new(o, k, json_integer((json_int_t)(v)))
	json_object_set_new(o, "lifetime_seconds", json_real(life));
	U("minor_faults", p->minflt);
	U("major_faults", p->majflt);
	U("shim_faults", p->shim_flt);
	json_object_set_new(o, "faults_per_gib", fpg >= 0 ? json_real(fpg) : json_null());
	U("allocated_bytes", p->alloc_bytes);
	U("allocations", p->alloc_count);
	U("failed_allocations", p->failed_allocs);
	U("prefaulted_bytes", p->prefault_bytes);
	json_object_set_new(o, "heap_bytes", p->have_huge ? json_integer((json_int_t)p->heap_bytes)
							  : json_null());
	json_object_set_new(o, "huge_page_bytes", p->have_huge
				? json_integer((json_int_t)p->huge_bytes) : json_null());
	json_object_set_new(o, "huge_page_percent", hp >= 0 ? json_real(hp) : json_null());
	json_object_set_new(o, "page_table_bytes", p->have_pte
				? json_integer((json_int_t)p->pte_bytes) : json_null());
	U("peak_rss_bytes", p->peak_rss_bytes);
	U("rss_bytes", p->rss_bytes);
	U("chunks_mapped", p->chunks_mapped);
	U("chunks_released", p->chunks_released);
	U("returned_bytes", p->returned_bytes);
	U("samples", p->samples);
	U("risk_events", p->risk_events);
	U("compactions", p->compactions);
	U("compactions_ok", p->compactions_ok);
	U("waits", p->waits);
	U("fallbacks", p->fallbacks);
	U("refusals", p->refusals);
	json_object_set_new(o, "stall_seconds", json_real((double)p->stall_ns / 1e9));
#undef U
	(void)s;
	return o;
}

static json_t *process(const struct report_set *s, const struct report_proc *p)
{
	json_t *o = json_object(), *sites = json_array();

	json_object_set_new(o, "pid", json_integer(p->pid));
	json_object_set_new(o, "ppid", json_integer(p->ppid));
	json_object_set_new(o, "program", json_string(p->program));
	json_object_set_new(o, "exe", p->exe ? json_string(p->exe) : json_null());
	json_object_set_new(o, "cmdline", p->cmdline ? json_string(p->cmdline) : json_null());
	json_object_set_new(o, "host", json_string(p->host));
	json_object_set_new(o, "reason", json_string(p->reason));
	json_object_set_new(o, "final", json_boolean(p->final));
	json_object_set_new(o, "shim_active", json_boolean(p->active));
	json_object_set_new(o, "kernel", json_string(p->kernel));
	json_object_set_new(o, "start", json_real(p->start_s));
	json_object_set_new(o, "end", p->end_s > 0 ? json_real(p->end_s) : json_null());
	json_object_set_new(o, "file", json_string(p->file));
	json_object_update_new(o, metrics(s, p, report_lifetime(s, p)));
	for (int i = 0; i < p->nsites && i < s->top; i++) {
		const struct report_site *st = &p->sites[i];

		json_t *frames = json_array();
		char off[24];

		for (int k = 0; k < st->nframes; k++) {
			const struct report_frame *fr = &st->frames[k];

			snprintf(off, sizeof off, "0x%llx", (unsigned long long)fr->offset);
			json_array_append_new(frames, json_pack("{s:o, s:o, s:s}",
				"symbol", fr->symbol ? json_string(fr->symbol) : json_null(),
				"module", fr->module ? json_string(fr->module) : json_null(),
				"offset", off));
		}
		json_array_append_new(sites, json_pack("{s:s, s:o, s:I, s:I, s:I, s:o}",
			"function", st->func,
			"module", st->where ? json_string(st->where) : json_null(),
			"bytes", (json_int_t)st->bytes, "chunks", (json_int_t)st->chunks,
			"mapped_bytes", (json_int_t)st->mapped_bytes, "frames", frames));
	}
	json_object_set_new(o, "sites", sites);
	json_object_set_new(o, "sites_status", p->sites_status ? json_string(p->sites_status) : json_null());
	return o;
}

int report_json_render(const struct report_set *s, FILE *f)
{
	json_t *root = json_object(), *progs = json_array(), *total;
	double end = s->total.end_s;
	int rc;

	json_object_set_new(root, "schema", json_string(SUMMARY_SCHEMA));
	json_object_set_new(root, "reports", json_integer((json_int_t)s->nprocs));
	json_object_set_new(root, "skipped", json_integer((json_int_t)s->nskipped));
	total = metrics(s, &s->total, end - s->total.start_s);
	json_object_set_new(total, "processes", json_integer((json_int_t)s->nprocs));
	json_object_set_new(total, "programs", json_integer((json_int_t)s->nprogs));
	json_object_set_new(root, "total", total);
	for (size_t i = 0; i < s->nprogs; i++) {
		const struct report_prog *g = &s->progs[i];
		json_t *o = json_object(), *procs = json_array();

		json_object_set_new(o, "program", json_string(g->name));
		json_object_set_new(o, "count", json_integer((json_int_t)g->nprocs));
		json_object_set_new(o, "total", metrics(s, &g->sum, g->last_end_s - g->first_start_s));
		for (size_t j = 0; j < g->nprocs; j++)
			json_array_append_new(procs, process(s, g->procs[j]));
		json_object_set_new(o, "processes", procs);
		json_array_append_new(progs, o);
	}
	json_object_set_new(root, "programs", progs);
	rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	json_decref(root);
	if (rc || fputc('\n', f) == EOF)
		return -EIO;
	return ferror(f) ? -EIO : 0;
}
