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
	uint16_t cap;  /* 0 until the thread's cache is set up, and after it exits */
	uint16_t fill; /* objects per refill: grows while the class is busy */
};

/* A thread's cache lives in its static TLS block: the fast paths reach a bin
 * with one %fs-relative access instead of loading a pointer first, and an
 * all-zero cache (before setup, with TCACHE=0, after thread exit) is simply
 * one that always misses. b[SC_NCLASS] stays empty: the class of sizes that
 * are never cached. */
struct tcache {
	struct tbin b[SC_NCLASS + 1];
	/* A second list per class, at most cap long, swapped whole with b[]'s
	 * when that fills or empties; only slow paths touch it. */
	void *spill[SC_NCLASS];
	uint16_t nspill[SC_NCLASS];
	uint64_t allocs, frees;    /* refills and flushes, for stats */
	int on;                    /* caps set, destructor registered */
};

extern __thread struct tcache tl_tc __attribute__((tls_model("initial-exec")));

/* Requests up to this many bytes are small objects. */
extern size_t front_small_max;

/* Requests up to FRONT_FAST_MAX bytes find their cache bin through
 * front_cls_tab: 16-byte steps up to 1 KiB, 128-byte steps above (every
 * class boundary above 1 KiB is a multiple of 128). Larger classes are
 * cached at most 2 deep, and go through front_alloc(). */
#define FRONT_FAST_MAX (64u << 10)
#define FRONT_TAB_N ((FRONT_FAST_MAX + 127) / 128 + 57)
extern uint8_t front_cls_tab[FRONT_TAB_N];

/* Flag in a page's class byte: an aligned allocation handed out a pointer
 * inside its slot on this page, so free must find the slot start. */
#define FRONT_INTERIOR 0x80u

/* Start of the object slot containing p (p inside a span of class c). */
static inline void *front_slot(const struct span *s, const void *p, unsigned c)
{
	const struct sc_info *si = &sc_info[c];
	uintptr_t base = (uintptr_t)s->base + s->off;
	uintptr_t idx = (((uintptr_t)p - base) * si->magic) >> 44;
	return (void *)(base + idx * si->size);
}

/* Cached allocation; NULL means take the slow path (front_alloc, or the
 * large path, or glibc before the shim is ready: the cache is empty then). */
static inline void *front_alloc_fast(size_t n)
{
	size_t i;
	if (likely(n <= 1024))
		i = (n + 15) >> 4;
	else if (n <= FRONT_FAST_MAX)
		i = ((n + 127) >> 7) + 56;
	else
		return NULL;
	struct tbin *tb = &tl_tc.b[front_cls_tab[i]];
	void *p = tb->head;
	if (likely(p)) {
		tb->head = *(void **)p;
		tb->n--;
	}
	return p;
}

/* Cached free of small object p when p is its slot's start and the cache
 * has room. Returns 0 when front_free() must do it instead. */
static inline int front_free_fast(void *p)
{
	unsigned c = __atomic_load_n(arena_page_class(p), __ATOMIC_RELAXED);
	if (unlikely(c & FRONT_INTERIOR))
		return 0;
	struct tbin *tb = &tl_tc.b[c];
	if (unlikely(tb->n >= tb->cap))
		return 0;
	*(void **)p = tb->head;
	tb->head = p;
	tb->n++;
	return 1;
}

/* Frees small object p (any pointer into its slot): the cache, or the bin
 * when the cache is full or absent. */
void front_free(void *p);

/* Records that p, inside its slot, was handed out by an aligned allocation. */
void front_note_interior(const void *p);

/* Usable bytes from p to the end of its slot. */
static inline size_t front_usable(const void *p)
{
	unsigned c = __atomic_load_n(arena_page_class(p), __ATOMIC_RELAXED);
	if (likely(!(c & FRONT_INTERIOR)))
		return sc_info[c].size;
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
/* Returns each bin's spare empty span to the arena and puts the lists
 * parked for refills back into their spans, so that neither pins an
 * otherwise empty chunk. Takes each bin lock in turn. */
void front_drop_spares(void);
/* Bytes held by live objects (including thread caches) and bytes freed to
 * the bins since the last trim. */
uint64_t front_live_bytes(void);
extern uint64_t front_dirty_bytes;
extern uint64_t front_last_activity_ms;
/* Bytes handed out, spans held and their bytes, of class c (racy snapshot,
 * for stats). */
void front_class_usage(unsigned c, uint64_t *live, uint64_t *spans, uint64_t *span_bytes);
/* Objects ever taken from class c's bin (refills, uncached allocations)
 * and given back to it (flushes), for the report; racy snapshot. */
void front_class_counts(unsigned c, uint64_t *nout, uint64_t *nback);
/* In a forked child: those counts start again. */
void front_reset_class_counts(void);
void front_lock_all(void);
void front_unlock_all(void);
void front_reset_locks(void);

#endif
