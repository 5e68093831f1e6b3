/* large.h: requests above the LARGE threshold, each in its own chunk-aligned
 * mapping (so it may get huge pages and the registry covers it exactly),
 * pre-faulted, and cached after free (four of the largest recent frees,
 * 16 to 64 MiB, or RETAIN if more; for RELEASE_MS) to be handed out again
 * whole, split or grown. None of these may be called with a shim lock held. */
#ifndef FG_LARGE_H
#define FG_LARGE_H
#include <stddef.h>

/* A large block of at least size bytes aligned to align (a power of two),
 * its first size bytes pre-faulted (a cached block known resident that far
 * when it was freed is not checked again): a cached block at least as long
 * (at most twice, else split), else the longest cached one grown with
 * mremap (only the tail faulted, after a look: guard.h), else a new mapping
 * (after a look). NULL when the kernel or the guard refused (the caller sets ENOMEM).
 * *fresh is set to 1 when the memory is known to be zero. */
void *large_alloc(size_t size, size_t align, int *fresh);
/* Frees a block whose registry entry is REG_LARGE: into the cache, or
 * unmapped with the oldest cached blocks beyond the cache's limit. The
 * caller kicks the release thread (bg.h). */
void large_free(void *p);
/* Usable bytes of a large block: all its chunks, all of them ours. */
size_t large_usable(const void *p);
/* Resizes: in place when shrinking (chunks beyond the new end are cached
 * when below half) or when the cached rest of p's own mapping follows it,
 * else moves the pages (mremap, no copy; a copy when the program split the
 * block's mapping). NULL on failure, with p untouched. */
void *large_resize(void *p, size_t n);
/* Unmaps cached blocks older than RELEASE_MS (all when now == 0). Returns
 * nonzero while some remain cached. */
int large_tick(unsigned long long now_ms);
void large_lock_all(void);
void large_unlock_all(void);
void large_reset_locks(void);

#endif
