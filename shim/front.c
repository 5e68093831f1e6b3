/* front.c: size-class bins and thread caches (front.h).
 * Spans of a class hang off its bin: `cur` is being handed out, `nonfull`
 * lists the others with free objects (full spans are on no list), `spare`
 * keeps one empty span so a class at a span boundary does not thrash the
 * arena. Lock order: bin, then arena. Never calls out while holding a lock
 * except into arena.c. Objects cross threads freely: a free goes to the
 * freeing thread's cache and from there back to the bin, as a whole list that
 * the bin parks (up to XFER_MAX of them) for the next refill of any thread,
 * or into its spans' bitmaps. A double free is detected when the object
 * reaches its bitmap, not while it moves between caches. */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include "bg.h"
#include "callsite.h"
#include "front.h"
#include "lock.h"
#include "os.h"

#define XFER_MAX 4
#define ONE_HOT 8
#define LIST_STAMP 8

struct bin {
	struct lock lock;
	struct span *cur, *nonfull, *spare;
	/* Lists given back whole by thread caches, linked through the objects:
	 * a producer thread's refill takes what a consumer thread freed without
	 * either walking the objects or touching the span bitmaps. */
	void *xfer[XFER_MAX];
	uint32_t xfer_n[XFER_MAX];
	const struct tcache *xfer_by[XFER_MAX]; /* the cache that gave it */
	unsigned nxfer;
	uint64_t live; /* bytes handed out (to programs or caches) */
	uint64_t nspans, npages; /* spans and their span pages (a chunk's last ones may be fewer) */
	uint64_t nout, nback; /* objects ever taken from / given back to the bin (report) */
	uint32_t takes;       /* objects ever taken, up to ONE_HOT (see spans_put) */
	uint32_t lists;       /* cached lists parked or taken whole */
} __attribute__((aligned(64)));

static struct bin bins[SC_NCLASS];
__thread struct tcache tl_tc __attribute__((tls_model("initial-exec")));
static __thread int tl_dead __attribute__((tls_model("initial-exec")));
size_t front_small_max;
/* Read by every malloc: on cache lines of its own, away from the counters
 * below that every refill and flush writes. */
uint8_t front_cls_tab[FRONT_TAB_N] __attribute__((aligned(64)));
uint64_t front_dirty_bytes __attribute__((aligned(64))), front_last_activity_ms;

static pthread_key_t tc_key;
/* Serialises span_new(): arena_span_alloc() maps and pre-faults a chunk
 * without its lock, and two bins that both found the arena full mapped one
 * chunk each for one chunk's worth of need (issue 7: four threads peaked at
 * 5 chunks where 3 held everything). Taken with no bin lock held. */
static struct lock grow_lock = LOCK_INIT;
static unsigned tc_count; /* threads with a cache set up and not exited */

#define TRIM_DIRTY_MIN (1u << 20)

/* The program allocated or freed through a bin: the heap is not idle
 * (bg.c's trim waits for idleness). Lists parked or taken whole count
 * too, every LIST_STAMP-th of a bin (the clock costs more than the
 * exchange): a producer/consumer pair may run on those alone. */
static void note_activity(void)
{
	__atomic_store_n(&front_last_activity_ms, os_now_ms(), __ATOMIC_RELAXED);
}

/* Gives span s of bin b back to its chunk (b's lock held). */
static void span_drop(struct bin *b, struct span *s)
{
	b->nspans--;
	b->npages -= s->npages;
	arena_span_free(s, s->npages);
}

/* Whether an emptied span s of bin b is kept (as the current span or the
 * spare) rather than given back to its chunk at once. A span of one
 * object (classes of 9 KiB and up, whose spans hold one object, and the
 * first spans of some) is kept only once its class has handed out ONE_HOT
 * objects: a size a program uses a few times (Python's imports) must not
 * pin its span, whose pages serve any class; a size used in a loop
 * (free(malloc(n))) keeps it, and with it a chunk that would otherwise
 * empty and be unmapped at each free under RETAIN=0 RELEASE_MS=0. */
static int keep_empty(const struct bin *b, const struct span *s)
{
	return s->nobj > 1 || b->takes >= ONE_HOT;
}

static void nonfull_add(struct bin *b, struct span *s)
{
	s->prev = NULL;
	s->next = b->nonfull;
	if (b->nonfull)
		b->nonfull->prev = s;
	b->nonfull = s;
	s->listed = 1;
}

static void nonfull_del(struct bin *b, struct span *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		b->nonfull = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->listed = 0;
}

/* A new span for class c; first: the class has no span yet. */
static struct span *span_new(unsigned c, int first)
{
	const struct sc_info *si = &sc_info[c];
	unsigned want = first ? si->npages_first : si->npages, np = want;
	struct span *s = arena_span_alloc(want, first ? 0 : si->tail_min, &np);
	if (!s)
		return NULL;
	s->cls = c;
	s->npages = (uint16_t)np;
	if (np != want) { /* a chunk's last pages */
		s->nobj = sizeclass_fit((uint64_t)np << g.unit_shift, si->size, &s->off);
	} else {
		s->nobj = first ? si->nobj_first : si->nobj;
		s->off = first ? si->off_first : si->off;
	}
	s->nfree = s->nobj;
	s->scan = 0;
	s->listed = 0;
	s->next = s->prev = NULL;
	s->bits = s->off ? (uint64_t *)s->base : &s->inl;
	uint32_t words = (s->nobj + 63) / 64;
	memset(s->bits, 0xff, words * 8);
	if (s->nobj % 64)
		s->bits[words - 1] = (1ull << (s->nobj % 64)) - 1;
	/* Before any object is handed out (the bin lock orders it before
	 * every later free); a reused span also loses its interior flags. */
	memset(arena_page_class(s->base), (int)c, np);
	return s;
}

/* Makes s the bin's current span; the old one keeps its free objects listed. */
static void set_cur(struct bin *b, struct span *s)
{
	struct span *old = b->cur;
	if (old && old != s && old->nfree && !old->listed)
		nonfull_add(b, old);
	b->cur = s;
}

/* Takes up to want objects of class c into out[]. Returns how many (0 when
 * the kernel refused memory). */
static unsigned bin_take(unsigned c, void **out, unsigned want)
{
	struct bin *b = &bins[c];
	const struct sc_info *si = &sc_info[c];
	unsigned got = 0;

	lock_take(&b->lock);
	while (got < want) {
		struct span *s = b->cur;
		if (!s || !s->nfree) {
			s = b->nonfull;
			if (s) {
				nonfull_del(b, s);
			} else if (b->spare) {
				s = b->spare;
				b->spare = NULL;
			} else {
				lock_give(&b->lock);
				lock_take(&grow_lock);
				lock_take(&b->lock);
				if (b->nonfull || b->spare || (b->cur && b->cur->nfree)) {
					/* Refilled while we waited. */
					lock_give(&grow_lock);
					continue;
				}
				lock_give(&b->lock);
				s = span_new(c, b->nspans == 0);
				lock_give(&grow_lock);
				lock_take(&b->lock);
				if (!s)
					break;
				b->nspans++;
				b->npages += s->npages;
			}
			set_cur(b, s);
		}
		char *base = s->base + s->off;
		uint32_t w = s->scan, words = (s->nobj + 63) / 64;
		for (; w < words && got < want; w++) {
			uint64_t bits = s->bits[w];
			while (bits && got < want) {
				unsigned i = (unsigned)__builtin_ctzll(bits);
				bits &= bits - 1;
				out[got++] = base + (size_t)(w * 64 + i) * si->size;
				s->nfree--;
			}
			s->bits[w] = bits;
			if (bits)
				break;
		}
		s->scan = w;
	}
	b->live += (uint64_t)got * si->size;
	b->nout += got;
	if (b->takes < ONE_HOT)
		b->takes += got;
	lock_give(&b->lock);
	note_activity();
	return got;
}

static void corrupt(const char *what)
{
	os_say(what);
	__builtin_trap();
}

/* Sets the bits of k objects of class c in their spans; the caller holds the
 * bin lock. Returns nonzero when a span went back to the arena. */
static int spans_put(struct bin *b, unsigned c, void **ptrs, unsigned k)
{
	const struct sc_info *si = &sc_info[c];
	int kick = 0;

	for (unsigned j = 0; j < k; j++) {
		struct span *s = arena_span_of(ptrs[j]);
		if (unlikely(s->cls != c))
			corrupt("free(): pointer does not match its size class (heap corruption)");
		uintptr_t idx = (((uintptr_t)ptrs[j] - (uintptr_t)s->base - s->off) * si->magic) >> 44;
		uint64_t m = 1ull << (idx % 64);
		if (unlikely(s->bits[idx / 64] & m))
			corrupt("free(): double free detected");
		s->bits[idx / 64] |= m;
		if (idx / 64 < s->scan)
			s->scan = (uint32_t)(idx / 64);
		s->nfree++;
		if (s == b->cur && keep_empty(b, s))
			continue;
		if (s->nfree == s->nobj) {
			if (s == b->cur)
				b->cur = NULL;
			if (s->listed)
				nonfull_del(b, s);
			if (!b->spare && keep_empty(b, s)) {
				b->spare = s;
			} else {
				span_drop(b, s);
				kick = 1;
			}
		} else if (!s->listed) {
			nonfull_add(b, s);
		}
	}
	return kick;
}

/* Returns k objects of class c to their spans. */
static void bin_put(unsigned c, void **ptrs, unsigned k)
{
	struct bin *b = &bins[c];
	const struct sc_info *si = &sc_info[c];

	lock_take(&b->lock);
	int kick = spans_put(b, c, ptrs, k);
	b->live -= (uint64_t)k * si->size;
	b->nback += k;
	lock_give(&b->lock);
	note_activity();
	uint64_t d = __atomic_add_fetch(&front_dirty_bytes, (uint64_t)k * si->size, __ATOMIC_RELAXED);
	if (kick || (d >= TRIM_DIRTY_MIN && d - (uint64_t)k * si->size < TRIM_DIRTY_MIN))
		bg_kick();
}

/* Moves up to 64 objects from the front of *list into batch[]. Returns how
 * many. */
static unsigned list_cut(void **list, void **batch)
{
	unsigned m = 0;
	for (; *list && m < 64; m++) {
		batch[m] = *list;
		*list = *(void **)*list;
	}
	return m;
}

/* Gives a thread cache's list of k objects of class c (linked through their
 * first word) back to the bin: parked whole, or with XFER_MAX lists parked
 * already, into the spans. */
static void bin_give(unsigned c, void *list, unsigned k)
{
	struct bin *b = &bins[c];
	lock_take(&b->lock);
	if (b->nxfer < XFER_MAX) {
		b->xfer[b->nxfer] = list;
		b->xfer_n[b->nxfer] = k;
		b->xfer_by[b->nxfer] = &tl_tc;
		__atomic_store_n(&b->nxfer, b->nxfer + 1, __ATOMIC_RELAXED);
		b->live -= (uint64_t)k * sc_info[c].size;
		b->nback += k;
		uint32_t n = ++b->lists;
		lock_give(&b->lock);
		if (!(n % LIST_STAMP))
			note_activity();
		return;
	}
	lock_give(&b->lock);
	void *batch[64];
	while (list) {
		unsigned m = list_cut(&list, batch);
		bin_put(c, batch, m);
	}
}

/* A parked list of class c, its length in *k; NULL when none is parked.
 * The calling thread's own latest list if there is one: its objects are
 * still in this CPU's cache, where another thread's would each have to move
 * (in a local workload that was most of the gap to tcmalloc, issue 7). */
static void *bin_take_list(unsigned c, unsigned *k)
{
	struct bin *b = &bins[c];
	void *list = NULL;
	uint32_t n = 1;
	if (!__atomic_load_n(&b->nxfer, __ATOMIC_RELAXED))
		return NULL;
	lock_take(&b->lock);
	if (b->nxfer) {
		unsigned i = b->nxfer - 1, last = i;
		while (i > 0 && b->xfer_by[i] != &tl_tc)
			i--;
		if (b->xfer_by[i] != &tl_tc)
			i = last;
		list = b->xfer[i];
		*k = b->xfer_n[i];
		b->xfer[i] = b->xfer[last];
		b->xfer_n[i] = b->xfer_n[last];
		b->xfer_by[i] = b->xfer_by[last];
		__atomic_store_n(&b->nxfer, last, __ATOMIC_RELAXED);
		b->live += (uint64_t)*k * sc_info[c].size;
		b->nout += *k;
		n = ++b->lists;
	}
	lock_give(&b->lock);
	if (!(n % LIST_STAMP))
		note_activity();
	return list;
}

/* Puts the parked lists of bin b (class c) into their spans; the caller
 * holds the bin lock. The objects were counted as given back when parked.
 * Returns their bytes. */
static uint64_t xfer_drain(struct bin *b, unsigned c)
{
	void *batch[64];
	uint64_t n = 0;
	while (b->nxfer) {
		unsigned i = b->nxfer - 1;
		void *list = b->xfer[i];
		n += b->xfer_n[i];
		__atomic_store_n(&b->nxfer, i, __ATOMIC_RELAXED);
		while (list) {
			unsigned m = list_cut(&list, batch);
			spans_put(b, c, batch, m);
		}
	}
	return n * sc_info[c].size;
}

/* Capacity of one of a thread's two lists for class c (b[] and spill[]).
 * A class caches at most 32 KiB (and 64 objects) per thread while up to three
 * threads have caches (a main thread that waits for two workers costs them
 * nothing); beyond that the per-thread budget halves as threads double, down
 * to 4 KiB, so that all caches together hold about the same whatever the
 * thread count. Cached objects pin their spans' pages: with the full budget
 * four workers took a fourth chunk (2 MiB of RSS) where three held the
 * objects (issue 7, target 10); with half of it, two workers gave lists back
 * to the bins twice as often and ran 10-12 % slower. Read on slow paths
 * only; a shrunk cap takes effect at the class's next exchange with its bin. */
static uint16_t tc_cap(unsigned c)
{
	unsigned n = __atomic_load_n(&tc_count, __ATOMIC_RELAXED);
	uint32_t budget = n <= 3 ? 32u << 10 : n <= 5 ? 16u << 10 : n <= 9 ? 8u << 10 : 4u << 10;
	uint32_t cap = budget / sc_info[c].size, max = sc_info[c].tcap;
	cap = cap > max ? max : cap < 2 && max ? 2 : cap;
	return (uint16_t)(cap / 2);
}

/* The calling thread's cache, set up on first use; NULL when caches are off
 * or the thread is exiting. */
static struct tcache *tc_get(void)
{
	struct tcache *tc = &tl_tc;
	if (likely(tc->on))
		return tc;
	if (tl_dead || !g.conf.tcache)
		return NULL;
	__atomic_add_fetch(&tc_count, 1, __ATOMIC_RELAXED);
	for (unsigned c = 0; c < SC_NCLASS; c++) {
		/* Start with about 4 KiB per refill, so a class used once costs
		 * little; the batch doubles as the class keeps missing. */
		uint32_t f = 4096 / sc_info[c].size;
		uint16_t cap = tc_cap(c);
		tc->b[c].cap = cap;
		tc->b[c].fill = (uint16_t)(f < 1 ? 1 : f > cap ? cap : f);
	}
	tc->on = 1; /* before setspecific, which may allocate for high keys */
	pthread_setspecific(tc_key, tc);
	return tc;
}

static void tc_flush_all(struct tcache *tc)
{
	for (unsigned c = 0; c < SC_NCLASS; c++) {
		struct tbin *tb = &tc->b[c];
		if (tb->n) {
			void *list = tb->head;
			unsigned k = tb->n;
			tb->head = NULL;
			tb->n = 0;
			bin_give(c, list, k);
		}
		if (tc->spill[c]) {
			void *list = tc->spill[c];
			tc->spill[c] = NULL;
			bin_give(c, list, tc->nspill[c]);
		}
	}
}

/* Thread exit: the cache's objects go back to the bins; later calls of this
 * thread (other destructors) go to the bins directly. */
static void tc_destroy(void *arg)
{
	struct tcache *tc = arg;
	tl_dead = 1;
	tc->on = 0;
	for (unsigned c = 0; c < SC_NCLASS; c++)
		tc->b[c].cap = 0;
	tc_flush_all(tc);
	__atomic_sub_fetch(&tc_count, 1, __ATOMIC_RELAXED);
}

void front_flush_self(void)
{
	tc_flush_all(&tl_tc);
}

void *front_alloc(size_t n)
{
	unsigned c = sc_of(n);
	struct tcache *tc = tc_get();
	void *one;

	if (tc && tc->b[c].cap) {
		struct tbin *tb = &tc->b[c];
		unsigned got;
		if (!tb->head && tc->spill[c]) {
			tb->head = tc->spill[c];
			tb->n = tc->nspill[c];
			tc->spill[c] = NULL;
		} else if (!tb->head && (tb->head = bin_take_list(c, &got))) {
			tb->n = got;
			tc->allocs++;
			callsite_account((size_t)got * sc_info[c].size);
		}
		if (tb->head) { /* the fast path missed only for want of a cache */
			one = tb->head;
			tb->head = *(void **)one;
			tb->n--;
			return one;
		}
		void *batch[64];
		tb->cap = tc_cap(c);
		if (tb->fill > tb->cap)
			tb->fill = tb->cap;
		unsigned want = tb->fill ? tb->fill : 1;
		if (want > 64)
			want = 64;
		if (tb->fill < tb->cap)
			tb->fill = (uint16_t)(tb->fill * 2 > tb->cap ? tb->cap : tb->fill * 2);
		got = bin_take(c, batch, want);
		if (!got)
			return NULL;
		for (unsigned i = got - 1; i > 0; i--) {
			*(void **)batch[i] = tb->head;
			tb->head = batch[i];
		}
		tb->n = got - 1;
		tc->allocs++;
		callsite_account((size_t)got * sc_info[c].size);
		return batch[0];
	}
	if (!bin_take(c, &one, 1))
		return NULL;
	callsite_account(sc_info[c].size);
	return one;
}

void front_free(void *p)
{
	unsigned c = __atomic_load_n(arena_page_class(p), __ATOMIC_RELAXED);
	void *slot = p;
	if (c & FRONT_INTERIOR) {
		struct span *s = arena_span_of(p);
		c = s->cls;
		slot = front_slot(s, p, c);
	}
	struct tcache *tc = tc_get();
	if (tc && tc->b[c].cap) {
		struct tbin *tb = &tc->b[c];
		if (tb->n >= tb->cap) {
			/* The full list becomes the spill; the old spill goes
			 * back to the bin whole. Swaps with no bin traffic are
			 * frequent (a class whose count wanders about the cap)
			 * and touch nothing but this cache. */
			if (tc->spill[c]) {
				bin_give(c, tc->spill[c], tc->nspill[c]);
				tc->frees++;
				tb->cap = tc_cap(c);
			}
			tc->spill[c] = tb->head;
			tc->nspill[c] = (uint16_t)tb->n;
			tb->head = NULL;
			tb->n = 0;
		}
		*(void **)slot = tb->head;
		tb->head = slot;
		tb->n++;
		return;
	}
	bin_put(c, &slot, 1);
}

void front_note_interior(const void *p)
{
	uint8_t *b = arena_page_class(p);
	unsigned c = __atomic_load_n(b, __ATOMIC_RELAXED);
	if (!(c & FRONT_INTERIOR))
		__atomic_store_n(b, (uint8_t)(c | FRONT_INTERIOR), __ATOMIC_RELAXED);
}

/* Gives back whole OS pages of span s that hold only free objects. */
static uint64_t span_trim(struct span *s)
{
	const struct sc_info *si = &sc_info[s->cls];
	size_t pg = g.os_page, span_bytes = (size_t)s->npages << g.unit_shift, off = s->off;
	uint64_t given = 0;
	size_t r0 = 0, rn = 0;
	/* An in-span bitmap keeps the first page. */
	for (size_t q = off ? 1 : 0; q <= span_bytes / pg; q++) {
		int freepage = 0;
		if (q < span_bytes / pg) {
			size_t lo = q * pg, hi = lo + pg - 1;
			freepage = 1;
			if (hi >= off) {
				size_t i0 = lo < off ? 0 : (lo - off) / si->size;
				size_t i1 = (hi - off) / si->size;
				if (i1 >= s->nobj)
					i1 = s->nobj - 1;
				for (size_t i = i0; i <= i1 && i < s->nobj && freepage; i++)
					freepage = (int)((s->bits[i / 64] >> (i % 64)) & 1);
			}
		}
		if (freepage) {
			if (!rn)
				r0 = q;
			rn++;
			continue;
		}
		if (rn) {
			arena_mark_split(s->base);
			os_madvise(s->base + r0 * pg, rn * pg, MADV_DONTNEED);
			given += rn * pg;
		}
		rn = 0;
	}
	return given;
}

void front_drop_spares(void)
{
	for (unsigned c = 0; c < SC_NCLASS; c++) {
		struct bin *b = &bins[c];
		if (!__atomic_load_n(&b->spare, __ATOMIC_RELAXED) &&
		    !__atomic_load_n(&b->nxfer, __ATOMIC_RELAXED))
			continue;
		lock_take(&b->lock);
		uint64_t d = xfer_drain(b, c);
		if (d)
			__atomic_add_fetch(&front_dirty_bytes, d, __ATOMIC_RELAXED);
		if (b->spare) {
			span_drop(b, b->spare);
			b->spare = NULL;
		}
		lock_give(&b->lock);
	}
}

uint64_t front_trim(void)
{
	uint64_t given = 0;
	__atomic_store_n(&front_dirty_bytes, 0, __ATOMIC_RELAXED);
	for (unsigned c = 0; c < SC_NCLASS; c++) {
		struct bin *b = &bins[c];
		lock_take(&b->lock);
		xfer_drain(b, c);
		if (b->spare) {
			span_drop(b, b->spare);
			b->spare = NULL;
		}
		if (b->cur && b->cur->nfree == b->cur->nobj) {
			span_drop(b, b->cur);
			b->cur = NULL;
		}
		if (b->cur)
			given += span_trim(b->cur);
		for (struct span *s = b->nonfull; s; s = s->next)
			given += span_trim(s);
		lock_give(&b->lock);
	}
	CTR_ADD(page_trims, 1);
	CTR_ADD(bytes_released, given);
	return given;
}

uint64_t front_live_bytes(void)
{
	uint64_t n = 0;
	for (unsigned c = 0; c < SC_NCLASS; c++)
		n += __atomic_load_n(&bins[c].live, __ATOMIC_RELAXED);
	return n;
}

void front_class_counts(unsigned c, uint64_t *nout, uint64_t *nback)
{
	*nout = __atomic_load_n(&bins[c].nout, __ATOMIC_RELAXED);
	*nback = __atomic_load_n(&bins[c].nback, __ATOMIC_RELAXED);
}

void front_reset_class_counts(void)
{
	for (unsigned c = 0; c < SC_NCLASS; c++)
		bins[c].nout = bins[c].nback = 0;
}

void front_class_usage(unsigned c, uint64_t *live, uint64_t *spans, uint64_t *span_bytes)
{
	*live = __atomic_load_n(&bins[c].live, __ATOMIC_RELAXED);
	*spans = __atomic_load_n(&bins[c].nspans, __ATOMIC_RELAXED);
	*span_bytes = __atomic_load_n(&bins[c].npages, __ATOMIC_RELAXED) << g.unit_shift;
}

void front_lock_all(void)
{
	lock_take(&grow_lock);
	for (unsigned c = 0; c < SC_NCLASS; c++)
		lock_take(&bins[c].lock);
}

void front_unlock_all(void)
{
	for (unsigned c = SC_NCLASS; c-- > 0;)
		lock_give(&bins[c].lock);
	lock_give(&grow_lock);
}

void front_reset_locks(void)
{
	lock_reset(&grow_lock);
	for (unsigned c = 0; c < SC_NCLASS; c++)
		lock_reset(&bins[c].lock);
}

int front_init(void)
{
	size_t maxpages = (g.chunk >> g.unit_shift) - 1;
	if (maxpages > 127)
		maxpages = 127;
	sizeclass_init(g.unit, (unsigned)maxpages);
	front_small_max = g.conf.large < SC_MAX ? g.conf.large : SC_MAX;
	/* A class whose span does not fit a chunk cannot be served small. */
	while (front_small_max > 16 && !sc_info[sc_of(front_small_max)].nobj)
		front_small_max = sc_size(sc_of(front_small_max) - 1);
	/* Entry i covers sizes up to i * 16 (i <= 64), else (i - 56) * 128;
	 * a class above front_small_max is the never-cached one. */
	for (unsigned i = 0; i < FRONT_TAB_N; i++) {
		size_t n = i <= 64 ? (size_t)i * 16 : (size_t)(i - 56) * 128;
		front_cls_tab[i] = (uint8_t)(n <= front_small_max ? sc_of(n) : SC_NCLASS);
	}
	if (pthread_key_create(&tc_key, tc_destroy))
		g.conf.tcache = 0;
	return 0;
}
