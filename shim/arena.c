/* arena.c: chunks. Maps chunk-aligned regions, advises huge pages, pre-faults
 * them as a whole (MADV_POPULATE_WRITE, else touching each page; never
 * MAP_POPULATE, which hides failure), hands out runs of span pages, and gives
 * memory back in whole chunks first: empty chunks beyond RETAIN are unmapped
 * RELEASE_MS after they emptied. Free pages inside used chunks go back on
 * trim, after an idle time, and when a chunk has stayed at least 3/4 free
 * for RELEASE_MS (its huge page is mostly wasted already, and a few long-
 * lived spans must not pin whole chunks).
 * Invariant: every chunk is on exactly one of avail (some free pages), empty
 * (all free) or no list (full), and the registry knows every mapped chunk. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "arena.h"
#include "bitrun.h"
#include "lock.h"
#include "callsite.h"
#include "feature.h"
#include "geometry.h"
#include "guard.h"
#include "os.h"
#include "registry.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

static struct lock alock = LOCK_INIT;
static struct chunk *avail;   /* sorted by address: lowest first, for density */
static struct chunk *empty;   /* sorted by address */
static uint64_t nchunks, nempty, nempty_reserve;
uint64_t arena_last_activity_ms;
__thread int arena_tl_tidying __attribute__((tls_model("initial-exec")));

void *arena_map_aligned(size_t len, size_t align)
{
	char *p = os_map(NULL, len + align, 0);
	if (!p)
		return NULL;
	uintptr_t a = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
	size_t head = a - (uintptr_t)p, tail = align - head;
	if (head)
		os_unmap(p, head);
	if (tail)
		os_unmap((char *)a + len, tail);
	return (void *)a;
}

/* Faults a pre-fault of [p, p+len) takes, estimated (counting them with
 * getrusage around each call would cost more than the faults): a range
 * starting on a huge-page boundary of a huge-page advised mapping (a new
 * chunk, a large block: both are whole PMDs of address space) takes one
 * fault per huge page it touches, any other range one per page. A huge page
 * the kernel cannot supply makes the real number up to 512 x higher. */
static void count_faults(const void *p, size_t len)
{
	CTR_ADD(prefault_faults_est, geometry_faults(g.os_page, g.pmd, g.thp_advise, (uintptr_t)p, len));
}

int arena_populate(void *p, size_t len)
{
	if (!g.conf.prefault || !len)
		return 0;
	if (g.populate != 0) {
		int r = os_madvise(p, len, MADV_POPULATE_WRITE);
		if (r == 0) {
			if (g.populate != 1)
				feature_set(FEAT_POPULATE, "madvise");
			g.populate = 1;
			CTR_ADD(bytes_prefaulted, len);
			count_faults(p, len);
			return 0;
		}
		if (r != -EINVAL || g.populate == 1) {
			CTR_ADD(prefault_failures, 1);
			return -ENOMEM;
		}
		/* Before 5.14 the kernel does not know MADV_POPULATE_WRITE. */
		g.populate = 0;
		feature_lack(FEAT_POPULATE, "touch",
			     "MADV_POPULATE_WRITE unsupported (kernel < 5.14): pre-faulting by touch", 0);
	}
	/* Touching cannot fail gracefully (the kernel may OOM-kill instead);
	 * an atomic add of zero keeps whatever the page holds. */
	for (size_t off = 0; off < len; off += g.os_page)
		__atomic_fetch_add((char *)p + off, 0, __ATOMIC_RELAXED);
	CTR_ADD(bytes_prefaulted, len);
	count_faults(p, len);
	return 0;
}

static void list_insert(struct chunk **head, struct chunk *c, uint8_t which)
{
	struct chunk *prev = NULL, *it = *head;
	while (it && it < c) {
		prev = it;
		it = it->next;
	}
	c->prev = prev;
	c->next = it;
	if (it)
		it->prev = c;
	if (prev)
		prev->next = c;
	else
		*head = c;
	c->list = which;
}

static void list_remove(struct chunk **head, struct chunk *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		*head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->next = c->prev = NULL;
	c->list = 0;
}

static void chunk_unlist(struct chunk *c)
{
	if (c->list == 1)
		list_remove(&avail, c);
	else if (c->list == 2) {
		list_remove(&empty, c);
		nempty--;
		nempty_reserve -= c->reserve;
	}
}

/* MADV_HUGEPAGE on chunk c. EINVAL means this kernel or process cannot have
 * huge pages after all (THP compiled out though the sysfs file is there, a
 * seccomp filter): chunks go on in base pages. */
static void advise_huge(void *c)
{
	if (os_madvise(c, g.chunk, MADV_HUGEPAGE) != -EINVAL)
		return;
	__atomic_store_n(&g.thp_advise, 0, __ATOMIC_RELAXED);
	feature_lack(FEAT_THP, "refused", "MADV_HUGEPAGE refused (EINVAL): chunks in base pages from now on", 0);
}

/* The process's first chunk is a starter: no huge page at first, each span
 * faulted in when it is handed out, so a small program (ls, sh) pays tens of
 * KiB instead of a 2 MiB huge page. Once STARTER_LAZY bytes of it are in
 * use the program is not small: the chunk is collapsed into a huge page
 * (MADV_COLLAPSE, 6.1+; no faults) and later chunks are pre-faulted whole.
 * A growing program pays at most STARTER_LAZY / 4 KiB extra faults. */
#define STARTER_LAZY (1u << 20)
static int starter_done;
static struct chunk *starter;
static size_t starter_faulted;

/* Maps, advises and pre-faults a new chunk. Called without the lock. */
static struct chunk *chunk_new(int reserve)
{
	int first = !reserve && !__atomic_exchange_n(&starter_done, 1, __ATOMIC_RELAXED);
	/* Look before the fault (guard.h): the reserve was checked by nobody
	 * on purpose, it is the budget taken at start. */
	int look = reserve ? 0 : guard_chunk(g.chunk, first ? g.unit : g.chunk,
					     g.thp_advise && !first);
	if (look < 0)
		goto fail;
	struct chunk *c = arena_map_aligned(g.chunk, g.chunk);
	if (!c)
		goto fail;
	if (g.thp_advise && !first && look == 0)
		advise_huge(c);
	else if (g.pmd)
		os_madvise(c, g.chunk, MADV_NOHUGEPAGE);
	c->npages = (uint32_t)(g.chunk >> g.unit_shift);
	if (arena_populate(c, first ? g.unit : g.chunk) < 0) {
		os_unmap(c, g.chunk);
		goto fail;
	}
	size_t hdr = (size_t)((char *)(arena_desc(c) + c->npages) - (char *)c);
	c->hdr_pages = (uint32_t)((hdr + g.unit - 1) >> g.unit_shift);
	c->nfree = c->npages - c->hdr_pages;
	for (unsigned i = 0; i < c->hdr_pages; i++)
		c->used[i / 64] |= 1ull << (i % 64);
	if (first) { /* pages not faulted yet count as released */
		for (unsigned i = c->hdr_pages; i < c->npages; i++)
			c->released[i / 64] |= 1ull << (i % 64);
		__atomic_store_n(&starter, c, __ATOMIC_RELAXED);
	}
	c->reserve = (uint8_t)reserve;
	lock_take(&alock);
	if (registry_set(c, 1, REG_SMALL, 0) < 0) {
		lock_give(&alock);
		os_unmap(c, g.chunk);
		goto fail;
	}
	nchunks++;
	lock_give(&alock);
	CTR_ADD(chunks_mapped, 1);
	callsite_mapped(g.chunk);
	return c;
fail:
	CTR_ADD(alloc_failures, 1);
	return NULL;
}

static void chunk_unmap(struct chunk *c)
{
	if (c == starter)
		starter = NULL;
	chunk_unlist(c);
	registry_set(c, 1, REG_FOREIGN, 0);
	nchunks--;
	os_unmap(c, g.chunk);
	CTR_ADD(chunks_unmapped, 1);
	CTR_ADD(bytes_released, g.chunk);
}

static int bit(const uint64_t *w, unsigned i) { return (int)((w[i / 64] >> (i % 64)) & 1); }

/* First run of n free pages in c, or -1. */
static int find_run(const struct chunk *c, unsigned n)
{
	return bitrun_find(c->used, c->hdr_pages, c->npages, n);
}

static uint64_t surplus_chunks(void)
{
	uint64_t keep = g.conf.retain >> g.chunk_shift;
	uint64_t n = nempty - nempty_reserve;
	return n > keep ? n - keep : 0;
}

struct span *arena_span_alloc(unsigned n, unsigned tail_min, unsigned *got)
{
	struct chunk *c, *fresh = NULL;
	int at = -1;

	lock_take(&alock);
	arena_last_activity_ms = os_now_ms();
	for (c = avail; c; c = c->next)
		if (c->nfree >= n && (at = find_run(c, n)) >= 0)
			break;
	/* No run of n: a chunk's last free pages before an unused chunk (the
	 * seed's 400-byte spans of two 16 KiB pages left the last of a 2 MiB
	 * chunk's 127 empty in every chunk). */
	if (!c && tail_min)
		for (c = avail; c; c = c->next) {
			unsigned len = bitrun_tail(c->used, c->hdr_pages, c->npages);
			if (len >= tail_min) { /* < n: no chunk had a run of n */
				n = len;
				at = (int)(c->npages - len);
				break;
			}
		}
	if (!c) {
		/* An empty chunk: the reserve first, then the lowest address. */
		for (c = empty; c && !c->reserve; c = c->next)
			;
		if (!c)
			c = empty;
		if (c)
			at = (int)c->hdr_pages;
	}
	if (!c) {
		lock_give(&alock);
		fresh = chunk_new(0);
		if (!fresh)
			return NULL;
		lock_take(&alock);
		c = fresh;
		at = (int)c->hdr_pages;
	}
	if (c->list == 2)
		CTR_ADD(chunks_reused, 1);
	chunk_unlist(c);
	for (unsigned i = (unsigned)at; i < (unsigned)at + n; i++) {
		c->used[i / 64] |= 1ull << (i % 64);
		arena_first(c)[i] = (uint16_t)at;
	}
	c->nfree -= n;
	c->changed_ms = arena_last_activity_ms;
	c->released_all = 0;
	if (c->nfree)
		list_insert(&avail, c, 1);
	/* Pages given back by a trim are faulted in again as one range. */
	unsigned r0 = 0, rn = 0;
	int ok = 0;
	for (unsigned i = (unsigned)at; i <= (unsigned)at + n; i++) {
		if (i < (unsigned)at + n && bit(c->released, i)) {
			if (!rn)
				r0 = i;
			rn++;
			c->released[i / 64] &= ~(1ull << (i % 64));
			continue;
		}
		if (rn && arena_populate((char *)c + ((size_t)r0 << g.unit_shift),
					 (size_t)rn << g.unit_shift) < 0)
			ok = -ENOMEM;
		if (rn && c == starter)
			starter_faulted += (size_t)rn << g.unit_shift;
		rn = 0;
	}
	if (c == starter && starter_faulted >= STARTER_LAZY) {
		starter = NULL;
		if (g.thp_advise && !c->split)
			advise_huge(c);
		if (g.thp_advise && !c->split) {
			int r = os_madvise(c, g.chunk, MADV_COLLAPSE);
			if (r == 0)
				for (unsigned i = 0; i < c->npages; i++)
					c->released[i / 64] &= ~(1ull << (i % 64));
			/* Before 6.1: the rest of the starter is faulted span by span. */
			if (r == -EINVAL)
				feature_lack(FEAT_COLLAPSE, "absent",
					     "MADV_COLLAPSE unsupported (EINVAL: kernel < 6.1): the first chunk stays in base pages", 0);
			else
				feature_set(FEAT_COLLAPSE, "supported");
		}
	}
	lock_give(&alock);
	*got = n;
	struct span *s = &arena_desc(c)[at];
	s->base = (char *)c + ((size_t)at << g.unit_shift);
	if (ok < 0) {
		arena_span_free(s, n);
		return NULL;
	}
	return s;
}

void arena_span_free(struct span *s, unsigned n)
{
	struct chunk *c = arena_chunk_of(s->base);
	unsigned at = (unsigned)(((uintptr_t)s->base - (uintptr_t)c) >> g.unit_shift);

	uint64_t now = os_now_ms();
	lock_take(&alock);
	if (!arena_tl_tidying)
		arena_last_activity_ms = now;
	for (unsigned i = at; i < at + n; i++)
		c->used[i / 64] &= ~(1ull << (i % 64));
	c->nfree += n;
	c->changed_ms = now;
	c->released_all = 0;
	chunk_unlist(c);
	if (c->nfree == c->npages - c->hdr_pages) {
		c->empty_since_ms = now;
		list_insert(&empty, c, 2);
		nempty++;
		nempty_reserve += c->reserve;
		if (!g.conf.release_ms)
			while (surplus_chunks()) {
				struct chunk *v = empty;
				while (v && v->reserve)
					v = v->next;
				if (!v)
					break;
				chunk_unmap(v);
			}
	} else {
		list_insert(&avail, c, 1);
	}
	lock_give(&alock);
}

void arena_mark_split(const void *p)
{
	struct chunk *c = arena_chunk_of(p);
	if (g.thp_advise && !__atomic_exchange_n(&c->split, 1, __ATOMIC_RELAXED))
		os_madvise(c, g.chunk, MADV_NOHUGEPAGE);
}

/* Gives back the free, still resident pages of c. Returns bytes. */
static uint64_t chunk_drop_free(struct chunk *c)
{
	uint64_t dropped = 0;
	unsigned r0 = 0, rn = 0;
	for (unsigned i = c->hdr_pages; i <= c->npages; i++) {
		if (i < c->npages && !bit(c->used, i) && !bit(c->released, i)) {
			if (!rn)
				r0 = i;
			rn++;
			c->released[i / 64] |= 1ull << (i % 64);
			continue;
		}
		if (rn) {
			size_t len = (size_t)rn << g.unit_shift;
			arena_mark_split(c);
			os_madvise((char *)c + ((size_t)r0 << g.unit_shift), len, MADV_DONTNEED);
			dropped += len;
		}
		rn = 0;
	}
	return dropped;
}

static int mostly_free(const struct chunk *c) { return c->nfree * 4 >= c->npages * 3; }

int arena_tick(uint64_t now)
{
	int more;
	lock_take(&alock);
	/* Release the highest surplus chunks first: the heap stays dense low. */
	while (surplus_chunks()) {
		struct chunk *v = NULL;
		for (struct chunk *it = empty; it; it = it->next)
			if (!it->reserve && os_ms_since(now, it->empty_since_ms) >= g.conf.release_ms)
				v = it;
		if (!v)
			break;
		chunk_unmap(v);
	}
	more = surplus_chunks() != 0;
	uint64_t dropped = 0;
	for (struct chunk *c = avail; c; c = c->next) {
		if (!mostly_free(c) || c->released_all)
			continue;
		if (os_ms_since(now, c->changed_ms) >= g.conf.release_ms) {
			dropped += chunk_drop_free(c);
			c->released_all = 1;
		} else {
			more = 1;
		}
	}
	lock_give(&alock);
	CTR_ADD(bytes_released, dropped);
	return more;
}

uint64_t arena_trim(int all)
{
	uint64_t given = 0, dropped = 0;
	lock_take(&alock);
	while (all ? nempty > nempty_reserve : surplus_chunks() != 0) {
		struct chunk *v = NULL;
		for (struct chunk *it = empty; it; it = it->next)
			if (!it->reserve)
				v = it;
		chunk_unmap(v);
		given += g.chunk;
	}
	for (struct chunk *c = avail; c; c = c->next)
		dropped += chunk_drop_free(c);
	lock_give(&alock);
	CTR_ADD(bytes_released, dropped);
	return given + dropped;
}

void arena_usage(uint64_t *mapped, uint64_t *emp)
{
	lock_take(&alock);
	*mapped = nchunks << g.chunk_shift;
	*emp = nempty << g.chunk_shift;
	lock_give(&alock);
}

void arena_lock_all(void) { lock_take(&alock); }
void arena_unlock_all(void) { lock_give(&alock); }
void arena_reset_locks(void) { lock_reset(&alock); }

int arena_init(void)
{
	uint64_t n = (g.conf.reserve + g.chunk - 1) >> g.chunk_shift;
	for (uint64_t i = 0; i < n; i++) {
		struct chunk *c = chunk_new(1);
		if (!c) {
			os_say("cannot pre-fault the startup reserve (RESERVE): the kernel refused memory; continuing with what was mapped");
			return -ENOMEM;
		}
		lock_take(&alock);
		list_insert(&empty, c, 2);
		nempty++;
		nempty_reserve++;
		lock_give(&alock);
	}
	return 0;
}
