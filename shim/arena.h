/* arena.h: chunks and the span pages inside them.
 * A chunk is chunk-size aligned; its first span pages hold struct chunk, the
 * page-to-span map and one span descriptor per page; the other pages are
 * handed out as runs ("spans") to the size-class bins. Descriptors live in
 * the header, so a span whose objects fill whole pages wastes nothing. */
#ifndef FG_ARENA_H
#define FG_ARENA_H
#include <stddef.h>
#include <stdint.h>
#include "shim.h"

#define ARENA_MAXPAGES 4096 /* 64 MiB chunks of 16 KiB pages */
#define ARENA_NW (ARENA_MAXPAGES / 64)

/* A span: one size class's objects in a run of span pages. Its free-object
 * bitmap is inline (up to 64 objects) or at the start of the span memory. */
struct span {
	uint32_t cls;
	uint32_t nfree;            /* free objects (bits set) */
	uint32_t nobj;
	uint32_t scan;             /* no free bit in words below this */
	struct span *next, *prev;  /* the bin's nonfull list */
	char *base;                /* the span's memory */
	uint64_t *bits;            /* 1 = free */
	uint64_t inl;
	uint32_t off;              /* object 0 from base (after an in-span bitmap) */
	uint16_t npages;
	uint8_t listed;
} __attribute__((aligned(64)));

struct chunk {
	uint32_t npages;           /* span pages in the chunk, header included */
	uint32_t hdr_pages;        /* pages taken by this header */
	uint32_t nfree;            /* free span pages */
	struct chunk *next, *prev; /* avail list (some free pages) or empty list */
	uint64_t empty_since_ms;
	uint64_t changed_ms;       /* last span traffic */
	uint8_t list;              /* which list: 0 none (full), 1 avail, 2 empty */
	uint8_t reserve;           /* from the startup reserve: never unmapped */
	uint8_t released_all;      /* every free page already given back */
	uint8_t split;             /* pages given back: MADV_NOHUGEPAGE set */
	uint64_t used[ARENA_NW];   /* span pages in use (page 0 always) */
	uint64_t released[ARENA_NW]; /* span pages given back with MADV_DONTNEED */
	/* then: uint8_t pcls[npages] (page -> its span's class, for free's fast
	 * path; written by the span's owner, see arena_page_class()), uint16_t
	 * first[npages] (page -> first page of its span), and struct span
	 * desc[npages] (valid at a span's first page) */
};

static inline uint16_t *arena_first(struct chunk *c)
{
	return (uint16_t *)((char *)(c + 1) + c->npages);
}
static inline struct span *arena_desc(struct chunk *c)
{
	uintptr_t a = (uintptr_t)(arena_first(c) + c->npages);
	return (struct span *)((a + 63) & ~(uintptr_t)63);
}

static inline struct chunk *arena_chunk_of(const void *p)
{
	return (struct chunk *)((uintptr_t)p & ~(uintptr_t)(g.chunk - 1));
}

/* The span that contains p (p inside a small chunk). Lock-free: a span's
 * pages are recorded before any of its objects is handed out. */
static inline struct span *arena_span_of(const void *p)
{
	struct chunk *c = arena_chunk_of(p);
	uintptr_t pg = ((uintptr_t)p - (uintptr_t)c) >> g.unit_shift;
	return &arena_desc(c)[arena_first(c)[pg]];
}

/* The class byte of p's page (p inside a small chunk): one load at a fixed
 * offset from the chunk base, so free() needs neither the page-to-span map
 * nor the descriptor. front.c writes it for every page of a span before the
 * span's first object is handed out; the arena never reads it. */
static inline uint8_t *arena_page_class(const void *p)
{
	uintptr_t off = (uintptr_t)p & (g.chunk - 1);
	return (uint8_t *)((uintptr_t)p - off + sizeof(struct chunk)) + (off >> g.unit_shift);
}

/* Sets up the chunk size and maps the startup reserve. Returns 0 or -errno. */
int arena_init(void);
/* A run of npages span pages, resident, with its descriptor (base set, the
 * rest for the caller), or NULL when the kernel refused memory. When no
 * chunk in use has such a run but one ends in at least tail_min free pages
 * (0: never), those pages instead, rather than a chunk not yet used: *got
 * says how many pages the span has. Takes the arena lock. */
struct span *arena_span_alloc(unsigned npages, unsigned tail_min, unsigned *got);
/* Returns a span's pages. Takes the arena lock. */
void arena_span_free(struct span *s, unsigned npages);
/* Gives back memory: free pages of partly used chunks (MADV_DONTNEED), and
 * empty chunks beyond the retention (all non-reserve ones when all != 0).
 * Returns bytes given back. Takes the arena lock. */
uint64_t arena_trim(int all);
/* Releases empty chunks that have been surplus for RELEASE_MS. Returns
 * nonzero while surplus remains (the caller should look again later). */
int arena_tick(uint64_t now_ms);
/* Mapped chunk bytes, empty chunk bytes (for stats). */
void arena_usage(uint64_t *mapped, uint64_t *empty);
/* Fault in [p, p+len) (pre-fault). Returns 0 or -ENOMEM. */
int arena_populate(void *p, size_t len);
/* Map len bytes aligned to align (a power of two >= OS page). NULL on failure. */
void *arena_map_aligned(size_t len, size_t align);

/* After pages of the chunk holding p were given back: stop khugepaged from
 * collapsing the holes back into a huge page (it fills up to 511 missing
 * pages of a range by default). Idempotent; call with or without the lock. */
void arena_mark_split(const void *p);
void arena_lock_all(void);
void arena_unlock_all(void);
void arena_reset_locks(void);

/* Time of the last slow-path event (span or chunk traffic), for idle trims. */
extern uint64_t arena_last_activity_ms;
/* Set on the release thread for its life: its own span traffic (dropping
 * spare spans, draining parked lists, trimming) is not the program's
 * activity and must not put the idle trim off. */
extern __thread int arena_tl_tidying __attribute__((tls_model("initial-exec")));

#endif
