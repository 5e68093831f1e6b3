/* guard.h: looking before large faults. The shim's allocator, mmap and fork
 * paths call these before they make the kernel allocate a lot; each samples
 * (sample.h), asks the policy (policy.h), acts (compact.h, waits) and says
 * whether to go ahead. Never call with an allocator lock held. */
#ifndef FG_GUARD_H
#define FG_GUARD_H
#include <stddef.h>
#include "policy.h"

struct fg_stats;

/* Counters and the ring of risk records (policy.h), relaxed atomics. */
extern struct policy_counters guard_ctr;

/* Before mapping a new chunk of chunk_bytes, of which fault_bytes will be
 * faulted now, with a huge page wanted when thp is set. Returns 0 to go
 * ahead, 1 to go ahead without a huge page (MADV_NOHUGEPAGE), -ENOMEM to
 * refuse (the caller returns NULL; errno is the caller's business). */
int guard_chunk(size_t chunk_bytes, size_t fault_bytes, int thp);

/* Before a large block's own mapping: span_bytes of address space, of which
 * fault_bytes are faulted now. Same results as guard_chunk. */
int guard_large(size_t span_bytes, size_t fault_bytes, int thp);

/* Before the program's own anonymous mapping of len bytes (populate: all of
 * it is faulted now). 0 go ahead, -ENOMEM refuse. */
int guard_mmap(size_t len, int populate);

/* Before fork (copy_pages: the child copies the parent's page tables) or a
 * spawn (vfork-like: only the new image's directory and tables). 0 go ahead,
 * -ENOMEM refuse. */
int guard_fork(int copy_pages);

/* Copies the counters into the appended fields of *s. */
void guard_stats(struct fg_stats *s);

/* In a fork child: locks free, state kept. */
void guard_after_fork_child(void);

#endif
