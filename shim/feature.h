/* feature.h: what the running kernel offers the shim, found at run time where
 * each feature is first needed, said once, and written into the report's
 * "kernel" object. Old kernels lack some (MADV_POPULATE_WRITE < 5.14, THP
 * < 2.6.38, MADV_COLLAPSE < 6.1, compact_memory < 2.6.35, PSI < 4.20,
 * zoneinfo's managed < 3.8 and nr_free_cma < 3.7, pagetypeinfo root-only
 * from 5.4); the shim carries on without each. */
#ifndef FG_FEATURE_H
#define FG_FEATURE_H

struct fmtbuf;

enum feature_id {
	FEAT_POPULATE,     /* "madvise" | "touch" */
	FEAT_THP,          /* "always" | "madvise" | "never" | "absent" | "refused" */
	FEAT_COLLAPSE,     /* "supported" | "absent" */
	FEAT_COMPACT,      /* "writable" | "readonly" | "absent" */
	FEAT_PSI,          /* "present" | "absent" */
	FEAT_ZI_MANAGED,   /* "present" | "absent" */
	FEAT_ZI_FREE_CMA,  /* "present" | "absent" */
	FEAT_PAGETYPEINFO, /* "readable" | "unreadable" | "absent" */
	FEAT_N
};

/* Records value (a string literal) for id; "untested" until then. Lock-free,
 * async-signal-safe. */
void feature_set(enum feature_id id, const char *value);

/* Records value for a feature that is missing or unusable and says msg on
 * stderr the first time it is said for id, when loud (it matters now) or
 * VERBOSE is set: at most one line per feature and process. */
void feature_lack(enum feature_id id, const char *value, const char *msg, int loud);

/* The recorded value, "untested" when none. */
const char *feature_get(enum feature_id id);

/* Probes the files the shim may use beside the ones it samples: PSI
 * (pressure/memory) and pagetypeinfo, under the sampling root (sample.h).
 * Called once when looking before large faults starts, holding the sample
 * lock. */
void feature_probe_files(void);

/* Records which optional zoneinfo fields a parse found (known: the union of
 * the zones' KMEM_ZK_* bits). Holding the sample lock. */
void feature_zoneinfo(unsigned known);

/* Appends "kernel":{...} (report.h's schema) to fb. */
void feature_report(struct fmtbuf *fb);

#endif
