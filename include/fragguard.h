/* fragguard.h: the public interface of libfragguard.so. A program does not
 * need it (the shim works through LD_PRELOAD alone); it is for programs and
 * tests that want the shim's own view. Look the symbols up with dlsym when
 * the shim may be absent. */
#ifndef FRAGGUARD_H
#define FRAGGUARD_H
#include <stddef.h>
#include <stdint.h>

#define FG_STATS_VERSION 1

struct fg_stats {
	uint32_t version;          /* FG_STATS_VERSION */
	uint32_t active;           /* 1 when the shim serves allocations, 0 when disabled */
	uint64_t chunk_bytes;      /* chunk size */
	uint64_t chunks_mapped;    /* ever mapped */
	uint64_t chunks_unmapped;  /* given back whole */
	uint64_t chunks_reused;    /* empty chunks taken again */
	uint64_t mapped_bytes;     /* chunks mapped now */
	uint64_t empty_bytes;      /* empty chunks kept now (retention, reserve) */
	uint64_t live_bytes;       /* small objects handed out (incl. thread caches) */
	uint64_t bytes_prefaulted; /* faulted in by the shim itself */
	uint64_t prefault_failures;
	uint64_t bytes_released;   /* given back to the kernel (munmap, DONTNEED) */
	uint64_t large_allocs, large_frees, large_reused;
	uint64_t large_bytes;      /* address space of live large blocks */
	uint64_t alloc_failures;   /* NULL returned for want of memory */
	uint64_t page_trims;       /* passes over partly used chunks */
	int32_t thp;               /* 1 chunks advised MADV_HUGEPAGE */
	int32_t populate;          /* 1 MADV_POPULATE_WRITE, 0 touching pages */
	/* Looking before large faults (appended; counts since start). */
	uint32_t guard_on;         /* 1 when the shim samples before large faults */
	uint32_t compact_denied;   /* 1 when compaction was found not permitted */
	uint64_t guard_checks;     /* large faults looked at (chunk, large, mmap, fork) */
	uint64_t guard_samples;    /* /proc samples taken */
	uint64_t guard_sample_errors;
	uint64_t guard_sample_us;  /* time spent reading and parsing /proc */
	uint64_t risk_events;      /* checks that found the kernel might fail */
	uint64_t risk_pagetable, risk_anon, risk_thp, risk_pgd; /* by the request at risk */
	uint64_t risk_exhausted, risk_cma, risk_zone, risk_fragmented; /* by cause */
	uint64_t compactions;      /* compact_memory writes */
	uint64_t compactions_skipped;   /* wanted but rate-limited or not permitted */
	uint64_t compactions_effective; /* the re-sample no longer showed fragmentation */
	uint64_t compact_us;       /* time spent compacting */
	uint64_t waits, wait_ms;   /* back-offs and their total */
	uint64_t fallbacks;        /* growths given no huge page */
	uint64_t refusals;         /* large faults refused (ENOMEM) */
	uint64_t refused_alloc, refused_mmap, refused_fork;
	uint64_t risk_accepted;    /* risk seen, steps exhausted, went ahead */
};

/* Fills *out (size bytes of it, for older callers). Returns 0, or -1 when
 * size is too small for the version field. Thread-safe, async-signal-unsafe. */
int fg_stats(struct fg_stats *out, size_t size);
/* Gives back everything the shim can: thread cache, free pages, empty chunks,
 * cached large blocks. Returns bytes given back. */
uint64_t fg_trim(void);
/* Writes this process's report now (FRAGGUARD_REPORT; the format is
 * fragguard/report.h, reason "request"). Returns 0, or -1 when no report is
 * configured or it could not be written. Not async-signal-safe. */
int fg_report_write(void);

#endif
