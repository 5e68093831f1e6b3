/* shim.h: process-wide state of the preloaded allocator, set once by
 * setup_init() and read everywhere. Counters are relaxed atomics updated on
 * slow paths only (never per malloc/free). */
#ifndef FG_SHIM_H
#define FG_SHIM_H
#include <stddef.h>
#include <stdint.h>
#include "conf.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define HIDDEN __attribute__((visibility("hidden")))
#define EXPORT __attribute__((visibility("default")))

enum shim_state { ST_UNINIT, ST_INIT, ST_READY, ST_DISABLED };

struct shim {
	int state;               /* enum shim_state, written once to READY/DISABLED */
	struct fg_conf conf;     /* effective configuration */
	size_t chunk;            /* chunk size (power of two, >= 2 MiB) */
	unsigned chunk_shift;
	size_t unit;             /* span page: max(16 KiB, OS page) */
	unsigned unit_shift;
	size_t os_page;
	size_t pmd;              /* huge page size, 0 when THP is unavailable */
	size_t pt_span;          /* address space one page-table page maps */
	int thp_advise;          /* MADV_HUGEPAGE on chunks; cleared when refused */
	int populate;            /* 1 MADV_POPULATE_WRITE works, 0 touch pages, -1 untested */
};
extern struct shim g;

/* Counters, all relaxed atomics. */
struct shim_counters {
	uint64_t chunks_mapped, chunks_unmapped, chunks_reused;
	uint64_t bytes_prefaulted, prefault_failures;
	uint64_t bytes_released;        /* returned to the kernel (munmap + DONTNEED) */
	uint64_t large_allocs, large_frees, large_reused, large_bytes;
	uint64_t alloc_failures;
	uint64_t trims, page_trims;
	uint64_t thp_fallback;
	uint64_t prefault_faults_est;   /* faults the pre-faulting took (estimate: arena_populate) */
	uint64_t deepbind_dropped;      /* dlopen calls whose RTLD_DEEPBIND was dropped (dlopen.c) */
};
extern struct shim_counters ctr;

#define CTR_ADD(f, v) __atomic_fetch_add(&ctr.f, (uint64_t)(v), __ATOMIC_RELAXED)

/* Initialises the shim from whichever entry point comes first. Returns the
 * state (ST_READY or ST_DISABLED); ST_INIT when called recursively from
 * inside initialisation by the same thread (the caller then uses glibc). */
int setup_init(void);

#endif
