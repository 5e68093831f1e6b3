/* large.h: requests above the LARGE threshold, each in its own chunk-aligned
 * mapping (so it may get huge pages and the registry covers it exactly),
 * pre-faulted, and cached briefly after free for reuse. */
#ifndef FG_LARGE_H
#define FG_LARGE_H
#include <stddef.h>

/* A new large block of at least size bytes aligned to align (a power of
 * two), or NULL when the kernel refused (the caller sets ENOMEM). *fresh is
 * set to 1 when the memory is known to be zero. */
void *large_alloc(size_t size, size_t align, int *fresh);
/* Frees a block whose registry entry is REG_LARGE. */
void large_free(void *p);
/* Usable bytes of a large block: the whole mapping, all of it ours. */
size_t large_usable(const void *p);
/* Resizes in place or moves the pages (mremap, no copy). NULL on failure,
 * with p untouched. */
void *large_resize(void *p, size_t n);
/* Unmaps cached blocks older than RELEASE_MS (all when now == 0). Returns
 * nonzero while some remain cached. */
int large_tick(unsigned long long now_ms);
void large_lock_all(void);
void large_unlock_all(void);
void large_reset_locks(void);

#endif
