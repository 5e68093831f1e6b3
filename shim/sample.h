/* sample.h: the shim's reads of the kernel's free-memory state: buddyinfo at
 * every check, zoneinfo cached for ZONEINFO_MS, vmstat for compaction
 * counters, through descriptors kept open and pread into static buffers (no
 * malloc). FRAGGUARD_PROC_ROOT=DIR reads DIR/buddyinfo, DIR/zoneinfo,
 * DIR/vmstat, DIR/sys/kernel/{osrelease,arch} and DIR/meltdown instead.
 * The zone table and buffers are shared: callers hold sample_lock(), a leaf
 * lock never taken with an allocator lock held. */
#ifndef FG_SAMPLE_H
#define FG_SAMPLE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kmem.h"

#define SAMPLE_MAX_ZONES 32

/* What the machine is, found once by sample_setup. */
struct sample_machine {
	enum kmem_arch arch;
	unsigned rf_flags;  /* KMEM_RF_PTI on x86-64 kernels with the meltdown file */
	enum kmem_era era;
	bool era_from_release;
	int page_shift;     /* the kernel's page size (4 KiB pages: 12) */
};

/* Compaction counters of /proc/vmstat (0 where the kernel lacks them). */
struct sample_vm {
	int64_t migrate_scanned, free_scanned, isolated, stall, success, fail;
};

/* Chooses the files: root "" means the live /proc and /sys. Forces the era
 * when era_conf is "pre44"/"44". Fills *m. Call once, holding the lock.
 * Returns 0, or -errno when buddyinfo cannot be opened (sampling is then off). */
int sample_setup(const char *root, const char *era_conf, struct sample_machine *m);

/* Reads buddyinfo (and zoneinfo when older than zoneinfo_ms) into the zone
 * table; the table (zones, n) then describes it until the lock is dropped. Free counts
 * come from buddyinfo (fresh); watermarks, protection and CMA from zoneinfo.
 * Returns 0, or -errno (unreadable or unparsable). Hold sample_lock(). */
int sample_take(uint64_t zoneinfo_ms, const struct kmem_zone **zones, size_t *n);

/* Reads the compaction counters. 0 or -errno. Hold sample_lock(). */
int sample_vmstat(struct sample_vm *out);

/* The path of a file under the chosen root: rel under DIR when a root is
 * set, else live (e.g. "sys/vm/compact_memory" / "/proc/sys/vm/compact_memory").
 * Returns out. */
char *sample_path(char *out, size_t cap, const char *rel, const char *live);

/* Whether a root replaced /proc (tests, containers). */
bool sample_faked(void);

/* Nanoseconds spent reading and parsing, reads of zoneinfo (for counters). */
uint64_t sample_ns_total(void);
uint64_t sample_zoneinfo_reads(void);

void sample_lock(void);
void sample_unlock(void);
/* In a fork child: the lock is free whatever its state was. */
void sample_reset_after_fork(void);

#endif
