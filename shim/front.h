/* front.h: the small-object front end: size-class bins of spans (bitmaps of
 * free objects, one lock per class) behind per-thread caches (no lock).
 * The inline fast paths below are the whole cost of a cached malloc/free. */
#ifndef FG_FRONT_H
#define FG_FRONT_H
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "shim.h"
#include "sizeclass.h"

struct tbin {
	void *head;  /* singly linked through the objects */
	uint32_t n;
	uint16_t cap;
	uint16_t fill; /* objects per refill: grows while the class is busy */
};

struct tcache {
	struct tbin b[SC_NCLASS];
	struct tcache *next_free;
	uint64_t allocs, frees;    /* refills and flushes, for stats */
};

extern __thread struct tcache *tl_tc __attribute__((tls_model("initial-exec")));

/* Requests up to this many bytes are small objects. */
extern size_t front_small_max;

/* Start of the object slot containing p (p inside a span of class c). */
static inline void *front_slot(const struct span *s, const void *p, unsigned c)
{
	const struct sc_info *si = &sc_info[c];
	uintptr_t base = (uintptr_t)s->base + s->off;
	uintptr_t idx = (((uintptr_t)p - base) * si->magic) >> 44;
	return (void *)(base + idx * si->size);
}

/* Cached allocation; NULL means take the slow path. */
static inline void *front_alloc_fast(size_t n)
{
	struct tcache *tc = tl_tc;
	if (unlikely(!tc || n > front_small_max))
		return NULL;
	struct tbin *tb = &tc->b[sc_of(n)];
	void *p = tb->head;
	if (likely(p)) {
		tb->head = *(void **)p;
		tb->n--;
	}
	return p;
}

/* Frees small object p of span s. */
void front_free_slow(void *p, struct span *s);
static inline void front_free(void *p)
{
	struct span *s = arena_span_of(p);
	unsigned c = s->cls;
	void *slot = front_slot(s, p, c);
	struct tcache *tc = tl_tc;
	if (likely(tc)) {
		struct tbin *tb = &tc->b[c];
		if (likely(tb->n < tb->cap)) {
			*(void **)slot = tb->head;
			tb->head = slot;
			tb->n++;
			return;
		}
	}
	front_free_slow(slot, s);
}

/* Usable bytes from p to the end of its slot. */
static inline size_t front_usable(const void *p)
{
	struct span *s = arena_span_of(p);
	const char *slot = front_slot(s, p, s->cls);
	return (size_t)(slot + sc_info[s->cls].size - (const char *)p);
}

/* Allocates n <= front_small_max bytes (slow path: refill, or no cache).
 * NULL when the kernel refused memory. */
void *front_alloc(size_t n);
/* Sets up classes and the thread-exit hook. Returns 0 or -errno. */
int front_init(void);
/* Flushes the calling thread's cache into the bins. */
void front_flush_self(void);
/* Gives back free pages inside spans (MADV_DONTNEED) and each bin's spare
 * span. Returns bytes given back. Takes each bin lock in turn. */
uint64_t front_trim(void);
/* Returns each bin's spare empty span to the arena, so that a spare never
 * pins an otherwise empty chunk. Takes each bin lock in turn. */
void front_drop_spares(void);
/* Bytes held by live objects (including thread caches) and bytes freed to
 * the bins since the last trim. */
uint64_t front_live_bytes(void);
extern uint64_t front_dirty_bytes;
extern uint64_t front_last_activity_ms;
/* Bytes handed out and spans held by class c (racy snapshot, for stats). */
void front_class_usage(unsigned c, uint64_t *live, uint64_t *spans);
/* Objects ever taken from class c's bin (refills, uncached allocations)
 * and given back to it (flushes), for the report; racy snapshot. */
void front_class_counts(unsigned c, uint64_t *nout, uint64_t *nback);
/* In a forked child: those counts start again. */
void front_reset_class_counts(void);
void front_lock_all(void);
void front_unlock_all(void);
void front_reset_locks(void);

#endif
