/* conf.h: the one option table. Every FRAGGUARD_<KEY> the shim reads is an
 * entry here with its default, accepted values and help; config/default.conf
 * mirrors it (a unit test checks). Parsing is pure: callers pass strings. */
#ifndef FG_CONF_H
#define FG_CONF_H
#include <stddef.h>
#include <stdint.h>

struct fg_conf {
	int disable;           /* DISABLE: pass everything to glibc */
	int thp;               /* THP: advise MADV_HUGEPAGE on chunks */
	int prefault;          /* PREFAULT: pre-fault chunks as a whole */
	uint64_t reserve;      /* RESERVE: bytes pre-faulted at start, served first */
	uint64_t retain;       /* RETAIN: bytes of empty chunks kept for reuse */
	uint64_t release_ms;   /* RELEASE_MS: surplus empty memory returned after */
	uint64_t trim_idle_ms; /* TRIM_IDLE_MS: idle time before free pages inside used chunks go back */
	uint64_t chunk;        /* CHUNK: chunk size; 0 means the PMD size */
	uint64_t large;        /* LARGE: requests above this get their own mapping */
	int tcache;            /* TCACHE: per-thread caches */
	uint64_t verbose;      /* VERBOSE: 0 quiet, 1 notes, 2 debug */
	char report[256];      /* REPORT: report path pattern ("" none) */
	uint64_t report_interval; /* REPORT_INTERVAL: seconds between rewrites (0 none) */
	uint64_t report_signal;   /* REPORT_SIGNAL: signal number that writes it (0 none) */
	uint64_t sample_bytes;    /* SAMPLE_BYTES: mean bytes between call-site samples (0 off) */
	/* Looking before large faults (policy.h, guard.c). */
	char on_risk[48];         /* ON_RISK: steps, e.g. "compact,wait,fallback,refuse" */
	uint64_t margin;          /* MARGIN: pages to keep above min + reserve */
	uint64_t max_wait_ms;     /* MAX_WAIT_MS: back-off bound per event */
	uint64_t compact_interval_ms; /* COMPACT_INTERVAL_MS: between compactions */
	char era[8];              /* ERA: auto, pre44, 44 */
	uint64_t zoneinfo_ms;     /* ZONEINFO_MS: zoneinfo cache time */
	int sample;               /* SAMPLE: look before large faults at all */
	uint64_t mmap_check;      /* MMAP_CHECK: smallest checked anonymous mmap */
	uint64_t refuse_hold_ms;  /* REFUSE_HOLD_MS: refusals repeat without sampling */
	char proc_root[256];      /* PROC_ROOT: read DIR/buddyinfo... ("" /proc) */
	char programs[256];       /* PROGRAMS: comma list of program names served ("" all) */
	int keep_deepbind;        /* KEEP_DEEPBIND: pass dlopen's RTLD_DEEPBIND on unchanged */
};

/* CONF_STR: a NUL-terminated char array field (max = its size); CONF_SIG: a
 * signal name (USR2, SIGUSR2) or number, stored as uint64_t (0: none). */
enum conf_type { CONF_BOOL, CONF_SIZE, CONF_UINT, CONF_STR, CONF_SIG };

struct conf_opt {
	const char *key;      /* without the FRAGGUARD_ prefix */
	enum conf_type type;
	size_t offset;        /* into struct fg_conf */
	const char *def;      /* default, as text (what default.conf shows) */
	uint64_t min, max;    /* bounds for SIZE and UINT */
	const char *help;
};

extern const struct conf_opt conf_opts[];
extern const unsigned conf_nopts;

/* Fills c with every option's default. */
void conf_defaults(struct fg_conf *c);
/* Finds an option by key (with or without the FRAGGUARD_ prefix); NULL if unknown. */
const struct conf_opt *conf_find(const char *key, size_t keylen);
/* Parses value for opt into c. Returns 0, or -EINVAL and leaves c unchanged
 * with a one-line reason in err ("expected 0/1/yes/no/on/off"). */
int conf_set(struct fg_conf *c, const struct conf_opt *opt, const char *val,
	     size_t vallen, char *err, size_t errcap);
/* Parses file text "KEY=value" lines (# comments, blank lines, optional
 * FRAGGUARD_ prefix, optional quotes). Calls warn(line, msg) for each bad line
 * and keeps the default for it. Returns the number of bad lines. */
int conf_parse_text(struct fg_conf *c, const char *text, size_t len,
		    void (*warn)(const char *msg));
/* Parses a size with optional K/M/G/T suffix (KiB units, optional "B"/"iB").
 * Returns 0 or -EINVAL / -ERANGE. */
int conf_parse_size(const char *s, size_t n, uint64_t *out);
/* 0/1/yes/no/on/off/true/false, any case. Returns 0/1 or -EINVAL. */
int conf_parse_bool(const char *s, size_t n);

#endif
