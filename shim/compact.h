/* compact.h: the actuator. Asks the kernel to compact (compact_memory, or a
 * node's compact file on NUMA machines), rate-limited per process and across
 * processes, and measures what it did from /proc/vmstat. Never called with an
 * allocator lock held. */
#ifndef FG_COMPACT_H
#define FG_COMPACT_H
#include <stdint.h>

/* What one compaction did. */
struct compact_result {
	uint64_t ns;              /* time the write took (the kernel compacts synchronously) */
	int64_t migrate_scanned;  /* vmstat compact_migrate_scanned growth */
	int64_t free_scanned;
	int64_t isolated;
};

/* Compacts node (or every node when node < 0 or the machine has one) once
 * interval_ms has passed since the last compaction by this process and, via
 * the shared stamp file, by any process. Returns 0 when compacted (*res
 * filled), -EAGAIN when rate-limited or another process is compacting,
 * -EPERM when the file is absent or not writable (said once on stderr;
 * never tried again), other -errno when the write failed. Takes the sample lock briefly;
 * blocks while the kernel compacts. Not async-signal-safe. */
int compact_run(int node, int multi_node, uint64_t interval_ms, struct compact_result *res);

/* Finds out once whether compact_memory (under the sampling root) can be
 * opened for writing, without compacting; records it (feature.h) and, when
 * it cannot, makes compact_run return -EPERM from now on. Holding the sample
 * lock, when looking before large faults starts. */
void compact_probe(void);

/* Whether compaction was found not permitted (unprivileged, read-only). */
int compact_denied(void);

#endif
