/* report.h: what `fragguard report` knows about one per-process report once
 * loaded (the fields the renderers show, not the whole file), the aggregate
 * per program, and the renderers. The loader (report.c) owns reading and
 * aggregation; each report_*.c file owns one output format and only reads
 * these structures. Counts unknown to an older report are 0; a value that
 * may be absent says so with a `have_` flag or a negative value. */
#ifndef FG_REPORT_H
#define FG_REPORT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define REPORT_MAX_ORDERS 16
#define REPORT_MAX_ZONES  8
#define REPORT_MAX_SITES  16
#define REPORT_MAX_FRAMES 6

struct report_frame {
	char *module;          /* path of the ELF object; may be NULL */
	uint64_t offset;       /* ELF virtual address inside module */
	uint64_t address;
	char *symbol;          /* from the report, or resolved by report_sym */
};

/* One call site that grew the heap, by sampled bytes. */
struct report_site {
	uint64_t bytes;        /* estimated bytes taken from the heap from here */
	uint64_t chunks;       /* new mappings (chunks, large blocks) it caused */
	uint64_t mapped_bytes;
	struct report_frame frames[REPORT_MAX_FRAMES]; /* innermost first */
	int nframes;
	char *func;            /* display: the first named frame, "module+0x..." else */
	char *where;           /* display: its module's base name; may be NULL */
};

/* The zone state at one risk event. */
struct report_risk {
	double t;              /* seconds since the epoch */
	int pid;
	const char *program;   /* the owning report_proc's */
	char cause[16];        /* chunk, large, mmap, fork */
	char action[16];       /* none, compact, wait, fallback, refuse */
	char outcome[16];      /* ok, failed */
	char zone[24];
	int order;
	int64_t margin_pages;
	int norders;
	uint64_t free[REPORT_MAX_ORDERS];  /* free blocks per order */
};

struct report_proc {
	char *file;            /* the report file it came from */
	int pid, ppid;
	char *program;         /* short name */
	char *exe;             /* full path; may be NULL */
	char *cmdline;         /* joined with spaces; may be NULL */
	char *host, *kernel;
	char reason[16];       /* why it was written: exit, interval, signal, exec */
	bool final;            /* written at exit */
	bool active;           /* false: the shim was disabled (DISABLE=1) */
	double start_s, end_s; /* seconds since the epoch (end: of the last write) */
	double life_s;         /* seconds from start to the last write */
	uint64_t minflt, majflt;
	uint64_t shim_flt;     /* estimated faults of the shim's own pre-faulting */
	uint64_t alloc_bytes;  /* bytes of small objects taken from the heap */
	uint64_t alloc_count;
	uint64_t prefault_bytes;
	uint64_t heap_bytes;   /* anonymous bytes (huge-page coverage denominator) */
	uint64_t huge_bytes;   /* of which in huge pages */
	bool have_huge, have_pte;
	uint64_t pte_bytes;
	uint64_t peak_rss_bytes, rss_bytes;
	uint64_t chunks_mapped, chunks_released;
	uint64_t returned_bytes;
	uint64_t samples;      /* zone samples taken */
	uint64_t risk_events;
	uint64_t compactions, compactions_ok;
	uint64_t waits, fallbacks, refusals, failed_allocs;
	uint64_t stall_ns;
	struct report_site sites[REPORT_MAX_SITES];
	int nsites;
	char *sites_status;    /* why there are no sites ("absent: built without
	                          an unwinder"); NULL when sampled or unknown */
	struct report_risk *risks;
	int nrisks;
};

/* A program's processes and their sums (maxima for peak RSS). */
struct report_prog {
	const char *name;
	struct report_proc **procs;
	size_t nprocs;
	struct report_proc sum; /* counters summed; peak_rss_bytes the max */
	double first_start_s, last_end_s;
};

enum report_key {
	KEY_PROGRAM, KEY_PID, KEY_START, KEY_LIFETIME, KEY_FAULTS, KEY_FAULTS_GIB,
	KEY_PREFAULT, KEY_HUGE, KEY_PTE, KEY_RSS, KEY_COMPACTIONS, KEY_WAITS,
	KEY_REFUSALS, KEY_STALL
};

struct report_set {
	struct report_proc *procs;  /* sorted per the options, grouped by program */
	size_t nprocs;
	struct report_prog *progs;  /* in display order */
	size_t nprogs;
	struct report_proc total;   /* all processes summed */
	size_t nskipped;            /* files skipped with a warning */
	enum report_key key;
	int top;                    /* call sites per process to show */
	size_t collapse_over;       /* text: a program with more processes shows
				     * only its total row (0: never) */
};

/* Seconds the process lived, up to its last report. */
double report_lifetime(const struct report_set *s, const struct report_proc *p);
/* Faults per GiB allocated; negative when less than REPORT_MIN_GIB_BYTES
 * was allocated (too little to extrapolate from). */
#define REPORT_MIN_GIB_BYTES (16ull << 20)
double report_faults_per_gib(const struct report_proc *p);
/* Huge-page coverage in percent; negative when unknown. */
double report_huge_pct(const struct report_proc *p);

/* Human formatting into buf (at least 16 bytes); each returns buf.
 * Bytes in binary units ("512K", "24.1M"), counts with k/M/G, durations
 * from "0ms" up to days ("2d04h"). */
char *report_fmt_bytes(char *buf, size_t cap, uint64_t v);
char *report_fmt_count(char *buf, size_t cap, double v);
char *report_fmt_secs(char *buf, size_t cap, double s);

/* Each renderer writes the whole set to f. Return 0, or -errno when f failed. */
int report_text_render(const struct report_set *s, FILE *f);
int report_json_render(const struct report_set *s, FILE *f);
int report_prom_render(const struct report_set *s, FILE *f);
int report_html_render(const struct report_set *s, FILE *f);

/* Fills each site's func and where: the report's symbol, else one resolved
 * from the module's ELF symbol table, else "module+0xoffset". Reads each
 * module once. Never fails (an unreadable module leaves the offset form). */
void report_sym_resolve(struct report_set *s);

/* Summarises every report under dir (recursively) modified at or after
 * since_s (seconds since the epoch; 0: all) as a table on f, followed by a
 * legend for first-time users (`fragguard run`). Returns the number of
 * reports summarised, or -errno when dir cannot be read. Not thread-safe. */
int report_summarise_dir(const char *dir, double since_s, FILE *f);

#endif
