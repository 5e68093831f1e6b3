/* large.c: one mapping per large block (large.h). The mapping is rounded up
 * to whole chunks of address space (only the requested bytes are faulted),
 * so its registry slots are exclusively ours and ownership stays exact.
 * Freed blocks wait in a cache sized to the program's recent large frees and
 * are handed out again whole, split, or grown with mremap: a program cycling
 * through large buffers then reuses pages the kernel already zeroed instead
 * of having fresh ones zeroed (docs/bench.md, target 9). Never: join two
 * mappings into one block (mremap of a range spanning two VMAs fails before
 * Linux 6.17), hold llock across the guard, the call-site code or a system
 * call. Invariants: every block lies inside one VMA; all registry slots of
 * a cached block read REG_LARGE_TAIL (so a second free traps), a live
 * block's first slot holds its length. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "arena.h"
#include "bg.h"
#include "callsite.h"
#include "guard.h"
#include "large.h"
#include "lock.h"
#include "os.h"
#include "registry.h"

#define LCACHE 16
/* Bounds of the working-set term of the cache limit (RETAIN may exceed). */
#define LCACHE_WS_MIN ((size_t)16 << 20)
#define LCACHE_WS_MAX ((size_t)64 << 20)

struct lblock {
	char *p;
	size_t len;
	char *lo;   /* [lo, p) is part of the same VMA: blocks split off the
	               front of this one (live, or cached and joined) */
	uint64_t t; /* when it was freed */
	size_t res; /* [p, p+res) was resident when it was freed (live_note) */
};

/* Blocks taken from the cache or thrown out of it, to unmap once llock is
 * given back. */
struct victims {
	int n;
	char *p[LCACHE + 1];
	size_t len[LCACHE + 1];
};

static struct lock llock = LOCK_INIT;
static struct lblock cache[LCACHE + 1]; /* cache[0..ncache); one over while joining */
static int ncache;
static size_t cache_bytes;
/* Largest block freed in this window of RELEASE_MS and in the one before. */
static size_t peak_cur, peak_prev;
static uint64_t peak_t;

/* Live blocks known resident from their start: res bytes were pre-faulted
 * or found resident when each was handed out. Freed, a block carries that
 * into the cache, and handing it out again for at most res bytes needs no
 * residency check (mincore over every page) and no new huge-page advice
 * (madvise, which splits and joins its VMA): the two took half the time of
 * a program cycling through resident large buffers (docs/bench.md). The
 * price: pages the kernel swapped out in between, or the program dropped
 * (MADV_DONTNEED) before freeing, fault on first touch instead of being
 * pre-faulted (and a block the program marked MADV_DONTFORK, freed in a
 * forked child, is handed out unmapped there instead of failing with
 * ENOMEM). Best effort: a block not found here (more than LLIVE live,
 * PREFAULT=0) is checked page by page. Entries are live blocks' starts
 * only: set at every hand-out, removed at free and before an mremap moves
 * the block. Under llock. */
#define LLIVE 64
static struct {
	char *p;
	size_t res;
} live[LLIVE];

static size_t round_to(size_t n, size_t a) { return (n + a - 1) & ~(a - 1); }

/* Records that the live block at p is resident for its first res bytes (0:
 * nothing known; the entry goes). Under llock. */
static void live_note(char *p, size_t res)
{
	int e = -1;
	for (int i = 0; i < LLIVE; i++) {
		if (live[i].p == p) {
			live[i].p = res ? p : NULL;
			live[i].res = res;
			return;
		}
		if (e < 0 && !live[i].p)
			e = i;
	}
	if (e >= 0 && res) {
		live[e].p = p;
		live[e].res = res;
	}
}

/* The resident start of the live block at p (0: unknown); the entry goes
 * when forget is set. Under llock. */
static size_t live_res(const char *p, int forget)
{
	for (int i = 0; i < LLIVE; i++)
		if (live[i].p == p) {
			size_t r = live[i].res;
			if (forget)
				live[i].p = NULL;
			return r;
		}
	return 0;
}

static void live_set(char *p, size_t res)
{
	lock_take(&llock);
	live_note(p, res);
	lock_give(&llock);
}

/* The resident start once [0, fault) was pre-faulted, res known before. */
static size_t res_after(size_t res, size_t fault)
{
	return !g.conf.prefault ? 0 : res > fault ? res : fault;
}

static size_t mapping_len(const void *p)
{
	return (size_t)(registry_get(p) >> 2) << g.chunk_shift;
}

static uint32_t first_slot(size_t len)
{
	return (uint32_t)((len >> g.chunk_shift) << 2) | REG_LARGE;
}

static int large_register(void *p, size_t len)
{
	uintptr_t slots = len >> g.chunk_shift;
	if (slots >= (1u << 30))
		return -ENOMEM;
	arena_lock_all();
	int r = registry_set(p, slots, first_slot(len), REG_LARGE_TAIL);
	arena_unlock_all();
	return r;
}

static void large_unregister(void *p, size_t len)
{
	arena_lock_all();
	registry_set(p, len >> g.chunk_shift, REG_FOREIGN, REG_FOREIGN);
	arena_unlock_all();
}

/* Rewrites the first slot only (its leaf exists: the slot is ours). */
static void set_first(void *p, uint32_t v)
{
	arena_lock_all();
	registry_set(p, 1, v, 0);
	arena_unlock_all();
}

/* The recent peak of freed block lengths; called under llock. */
static size_t ws_peak(uint64_t now)
{
	uint64_t w = g.conf.release_ms ? g.conf.release_ms : 1;
	if (now >= peak_t + w) {
		peak_prev = now >= peak_t + 2 * w ? 0 : peak_cur;
		peak_cur = 0;
		peak_t = now;
	}
	return peak_cur > peak_prev ? peak_cur : peak_prev;
}

/* Bytes the cache may hold: four of the largest blocks freed in the last
 * one or two RELEASE_MS, at least 16 MiB and at most 64 MiB, or RETAIN if
 * that is more; 0 when RETAIN=0 (the cache is off). Four: a program that
 * keeps a few large buffers and replaces them one at a time finds the last
 * ones it freed; 16 MiB: what the cache held before it followed the working
 * set (programs with many blocks of 1-2 MiB reuse them). */
static size_t cache_limit(uint64_t now)
{
	if (!g.conf.retain)
		return 0;
	size_t peak = ws_peak(now);
	size_t ws = peak >= LCACHE_WS_MAX / 4 ? LCACHE_WS_MAX : 4 * peak;
	if (ws < LCACHE_WS_MIN)
		ws = LCACHE_WS_MIN;
	if ((uint64_t)ws >= g.conf.retain)
		return ws;
	return g.conf.retain > SIZE_MAX ? SIZE_MAX : (size_t)g.conf.retain;
}

static void cache_del(int i)
{
	cache_bytes -= cache[i].len;
	cache[i] = cache[--ncache];
}

/* [a, a+n) leaves the address space or moves away: no cached block may count
 * on it being part of its VMA any more. Under llock. */
static void cache_forget(const char *a, size_t n)
{
	for (int i = 0; i < ncache; i++)
		if (a < cache[i].p && a + n > cache[i].lo)
			cache[i].lo = a + n < cache[i].p ? (char *)a + n : cache[i].p;
}

/* Moves cache[i] to *v. Under llock. */
static void cache_evict(int i, struct victims *v)
{
	v->p[v->n] = cache[i].p;
	v->len[v->n++] = cache[i].len;
	cache_del(i);
	cache_forget(v->p[v->n - 1], v->len[v->n - 1]);
}

static int cache_oldest(void)
{
	int o = 0;
	for (int i = 1; i < ncache; i++)
		if (cache[i].t < cache[o].t)
			o = i;
	return o;
}

/* True when l ends where r starts and both lie in one VMA. */
static int joinable(const struct lblock *l, const struct lblock *r)
{
	return l->p + l->len == r->p && r->lo <= l->p;
}

/* Joins cache[y] into cache[x] (joinable, either way round); returns x's
 * index once y has left the array. Under llock. */
static int cache_join(int x, int y)
{
	struct lblock *a = &cache[x], *b = &cache[y];
	const struct lblock *l = a->p < b->p ? a : b, *r = l == a ? b : a;
	a->res = l->res == l->len ? l->len + r->res : l->res;
	if (b->p < a->p)
		a->p = b->p;
	a->len += b->len;
	if (b->lo < a->lo)
		a->lo = b->lo;
	if (b->t > a->t)
		a->t = b->t;
	cache[y] = cache[--ncache];
	return x == ncache ? y : x;
}

/* Caches the block [p, p+len), whose slots all read REG_LARGE_TAIL and of
 * whose VMA [lo, p) is also part, joined with cached neighbours in that VMA
 * (a split block comes back whole); then throws the oldest blocks out while
 * the cache is over its limit or count (the block itself when it alone is
 * over). Under llock. */
static void cache_put(char *p, size_t len, char *lo, size_t res, uint64_t now,
		      struct victims *v)
{
	ws_peak(now);
	if (len > peak_cur)
		peak_cur = len;
	size_t limit = cache_limit(now);
	if (len > limit) {
		v->p[v->n] = p;
		v->len[v->n++] = len;
		cache_forget(p, len);
		return;
	}
	int i = ncache++;
	cache[i] = (struct lblock){ p, len, lo, now, res < len ? res : len };
	cache_bytes += len;
	for (int j = 0; j < ncache; j++)
		if (j != i && (joinable(&cache[j], &cache[i]) || joinable(&cache[i], &cache[j]))) {
			i = cache_join(i, j);
			j = -1;
		}
	while (ncache > LCACHE || cache_bytes > limit)
		cache_evict(cache_oldest(), v);
}

static void release(struct victims *v)
{
	for (int i = 0; i < v->n; i++) {
		large_unregister(v->p[i], v->len[i]);
		os_unmap(v->p[i], v->len[i]);
		CTR_ADD(bytes_released, v->len[i]);
	}
}

/* Puts a block taken from the cache back (an allocation that failed). */
static void cache_return(char *p, size_t len, char *lo, size_t res)
{
	struct victims v;
	uint64_t now = os_now_ms();
	v.n = 0;
	lock_take(&llock);
	cache_put(p, len, lo, res, now, &v);
	lock_give(&llock);
	release(&v);
}

enum { TAKE_NONE, TAKE_FIT, TAKE_GROW };

/* Takes a block for a need of len bytes (chunk multiple) into *b: the
 * shortest cached block at least that long, whole if at most twice len,
 * else its first len bytes (the rest stays cached: it is the same VMA, so
 * the new block may later grow back into it); failing that, the longest
 * shorter one, to be grown. Under llock. */
static int cache_take(size_t len, struct lblock *b)
{
	int fit = -1, big = -1;
	for (int i = 0; i < ncache; i++) {
		if (cache[i].len >= len) {
			if (fit < 0 || cache[i].len < cache[fit].len)
				fit = i;
		} else if (big < 0 || cache[i].len > cache[big].len) {
			big = i;
		}
	}
	if (fit >= 0) {
		struct lblock *e = &cache[fit];
		*b = *e;
		if (e->len - len <= len) {
			cache_del(fit);
		} else {
			b->len = len;
			b->res = e->res < len ? e->res : len;
			e->p += len;
			e->len -= len;
			e->res = e->res > len ? e->res - len : 0;
			cache_bytes -= len;
		}
		return TAKE_FIT;
	}
	if (big >= 0) {
		*b = cache[big];
		cache_del(big);
		return TAKE_GROW;
	}
	return TAKE_NONE;
}

/* Takes the first n bytes of the cached block starting at at, if [from, at)
 * is part of its VMA; *res: how much of them is known resident. Under llock.
 * Returns 1 when taken. */
static int cache_take_at(char *at, char *from, size_t n, size_t *res)
{
	for (int i = 0; i < ncache; i++) {
		if (cache[i].p != at || cache[i].lo > from || cache[i].len < n)
			continue;
		*res = cache[i].res < n ? cache[i].res : n;
		if (cache[i].len == n) {
			cache_del(i);
		} else {
			cache[i].p += n;
			cache[i].len -= n;
			cache[i].res = cache[i].res > n ? cache[i].res - n : 0;
			cache_bytes -= n;
		}
		return 1;
	}
	return 0;
}

/* Huge-page advice for a block at p (mapping length len) of which the first
 * fault bytes are asked for: huge pages on the chunks it fills; on a last
 * chunk it fills only in part, a huge page only if the unasked rest of it
 * is at most an eighth of the block, else base pages. A whole huge page
 * there cost up to 2 MiB the program never asked for (a block of 2 MiB +
 * 4 KiB cost 4 MiB of RSS), and as one huge-advised VMA a partly faulted
 * chunk can later be collapsed by khugepaged anyway (max_ptes_none is 511
 * by default). The price is a fault per base page of that tail: with blocks
 * of 1-8 MiB cycled through the cache, 12x the faults (docs/bench.md). The
 * advice splits the block's VMA in two; block_merge() joins them again
 * before an mremap. */
static void block_advise(char *p, size_t len, size_t fault)
{
	size_t head = fault & ~(g.chunk - 1), tail = fault - head;
	if (!g.thp_advise)
		return;
	if (!tail || (g.chunk - tail) * 8 <= fault || head + g.chunk > len) {
		os_madvise(p, len, MADV_HUGEPAGE);
		return;
	}
	if (head)
		os_madvise(p, head, MADV_HUGEPAGE);
	os_madvise(p + head, len - head, MADV_NOHUGEPAGE);
}

/* One VMA for the block again (block_advise() may have split it; adjacent
 * parts of one mapping with the same advice merge), so that mremap can move
 * it: before Linux 6.17 it fails on a range that spans two VMAs. Known gap:
 * whether the split was ours is not kept, so a block advised
 * MADV_NOHUGEPAGE as a whole (the guard's fallback, or the program's own
 * advice) is advised huge again here. */
static void block_merge(char *p, size_t len)
{
	if (g.thp_advise)
		os_madvise(p, len, MADV_HUGEPAGE);
}

/* Pre-faults what of [p, p+len) is not resident. A cached block's pages
 * normally all are, and populating them again would count faults that never
 * happen; a block first faulted in part (without huge pages), or pages the
 * kernel swapped out, leave holes. Returns 0 or -ENOMEM. */
static int populate_missing(char *p, size_t len)
{
	/* 2048 pages per call: an 8 MiB block in one system call (the kernel
	 * takes a scratch page for each call; 2 MiB a call was 4 of each). */
	static const unsigned char all[2048] = { [0 ... 2047] = 1 };
	unsigned char vec[sizeof all];
	size_t pg = g.os_page, span = sizeof vec * pg;
	if (!g.conf.prefault)
		return 0;
	for (size_t off = 0; off < len; off += span) {
		size_t n = len - off < span ? len - off : span, np = (n + pg - 1) / pg;
		if (os_mincore(p + off, n, vec) < 0)
			return arena_populate(p + off, len - off);
		if (!memcmp(vec, all, np))
			continue; /* the usual case: all resident */
		for (size_t i = 0, j; i < np; i = j) {
			for (j = i; j < np && !(vec[j] & 1); j++)
				;
			if (j > i && arena_populate(p + off + i * pg, (j - i) * pg) < 0)
				return -ENOMEM;
			if (j == i)
				j++;
		}
	}
	return 0;
}

/* Hands out a block taken whole or split from the cache: as it is when its
 * first fault bytes are known resident (live_note); else advised for the
 * new length (its resident pages stay as they are; missing ones are faulted
 * as advised) and its pages beyond the known resident start checked. */
static void *reuse(struct lblock *b, size_t fault, int *fresh)
{
	if (b->res < fault) {
		block_advise(b->p, b->len, fault);
		if (populate_missing(b->p + b->res, fault - b->res) < 0)
			goto fail;
	}
	if (large_register(b->p, b->len) < 0)
		goto fail;
	live_set(b->p, res_after(b->res, fault));
	*fresh = 0;
	CTR_ADD(large_reused, 1);
	CTR_ADD(large_allocs, 1);
	CTR_ADD(large_bytes, b->len);
	return b->p;
fail:
	cache_return(b->p, b->len, b->lo, b->res);
	return NULL;
}

/* Moves a cached block shorter than len to a new aligned range of len bytes
 * (one VMA: mremap extends the moved one) and faults only the new tail.
 * NULL with *refused set when the guard or the kernel refused memory (b is
 * back in the cache, or gone); NULL alone when mremap failed, which a block
 * the program split into two VMAs makes it do (b is unmapped). */
static void *grow(struct lblock *b, size_t len, size_t fault, int *fresh, int *refused)
{
	size_t add_fault = fault > b->len ? fault - b->len : 0;
	struct victims v;
	*refused = 1;
	/* The tail is new memory: look before faulting it (guard.h). */
	int look = guard_large(len - b->len, add_fault, g.thp_advise);
	char *q = look < 0 ? NULL : arena_map_aligned(len, g.chunk);
	if (!q) {
		cache_return(b->p, b->len, b->lo, b->res);
		return NULL;
	}
	if (large_register(q, len) < 0) {
		os_unmap(q, len);
		cache_return(b->p, b->len, b->lo, b->res);
		return NULL;
	}
	lock_take(&llock);
	cache_forget(b->p, b->len);
	lock_give(&llock);
	/* The old range leaves the registry before the kernel may hand it to
	 * another thread's mapping. */
	large_unregister(b->p, b->len);
	block_merge(b->p, b->len);
	if (os_remap(b->p, b->len, len, q) != q) {
		large_unregister(q, len);
		os_unmap(q, len);
		v.n = 1;
		v.p[0] = b->p;
		v.len[0] = b->len;
		release(&v);
		*refused = 0;
		return NULL;
	}
	/* A fallback applies to all of the moved VMA; else the advice
	 * follows the new length. */
	if (look > 0)
		os_madvise(q, len, MADV_NOHUGEPAGE);
	else
		block_advise(q, len, fault);
	size_t old_fault = fault < b->len ? fault : b->len;
	size_t known = b->res < old_fault ? b->res : old_fault;
	if (populate_missing(q + known, old_fault - known) < 0 ||
	    arena_populate(q + b->len, add_fault) < 0) {
		large_unregister(q, len);
		os_unmap(q, len);
		CTR_ADD(bytes_released, b->len);
		return NULL;
	}
	live_set(q, res_after(b->res, fault));
	*fresh = 0;
	callsite_mapped(len - b->len);
	CTR_ADD(large_reused, 1);
	CTR_ADD(large_allocs, 1);
	CTR_ADD(large_bytes, len);
	return q;
}

void *large_alloc(size_t size, size_t align, int *fresh)
{
	size_t len, fault;
	void *p = NULL;

	if (size > PTRDIFF_MAX - g.chunk)
		return NULL;
	len = round_to(size ? size : 1, g.chunk);
	fault = round_to(size, g.os_page);
	callsite_account(size);
	if (align <= g.chunk) {
		struct lblock b;
		lock_take(&llock);
		int how = cache_take(len, &b);
		lock_give(&llock);
		int refused = 1;
		if (how == TAKE_FIT)
			p = reuse(&b, fault, fresh);
		else if (how == TAKE_GROW)
			p = grow(&b, len, fault, fresh, &refused);
		if (p)
			return p;
		/* A refusal by the kernel or the guard: a fresh mapping would
		 * only meet it again. */
		if (how != TAKE_NONE && refused)
			goto fail;
	}
	/* Look before the fault (guard.h); cached blocks above need no look. */
	int look = guard_large(len, fault, g.thp_advise);
	if (look < 0)
		goto fail;
	p = arena_map_aligned(len, align > g.chunk ? align : g.chunk);
	if (!p)
		goto fail;
	if (g.thp_advise && look == 0)
		block_advise(p, len, fault);
	else if (look > 0)
		os_madvise(p, len, MADV_NOHUGEPAGE);
	else if (g.pmd && !g.conf.thp)
		os_madvise(p, len, MADV_NOHUGEPAGE);
	if (arena_populate(p, fault) < 0 || large_register(p, len) < 0) {
		os_unmap(p, len);
		goto fail;
	}
	live_set(p, res_after(0, fault));
	*fresh = 1;
	CTR_ADD(large_allocs, 1);
	CTR_ADD(large_bytes, len);
	callsite_mapped(len);
	return p;
fail:
	CTR_ADD(alloc_failures, 1);
	return NULL;
}

void large_free(void *p)
{
	size_t len = mapping_len(p);
	struct victims v;
	uint64_t now = os_now_ms();
	v.n = 0;
	CTR_ADD(large_frees, 1);
	CTR_ADD(large_bytes, -len);
	set_first(p, REG_LARGE_TAIL);
	lock_take(&llock);
	cache_put(p, len, p, live_res(p, 1), now, &v);
	lock_give(&llock);
	release(&v);
}

int large_tick(unsigned long long now)
{
	struct victims v;
	int more = 0;
	v.n = 0;
	lock_take(&llock);
	for (int i = 0; i < ncache;) {
		if (!now || now >= cache[i].t + g.conf.release_ms) {
			cache_evict(i, &v); /* moves the last entry to i */
			continue;
		}
		more = 1;
		i++;
	}
	lock_give(&llock);
	release(&v);
	return more;
}

size_t large_usable(const void *p) { return mapping_len(p); }

/* realloc when the pages cannot be moved (the block spans two VMAs, which
 * only the program can cause, e.g. with mprotect or mlock on part of it):
 * a new block and a copy. */
static void *move_by_copy(void *p, size_t n, size_t old)
{
	int fresh;
	void *q = large_alloc(n, g.chunk, &fresh);
	if (!q)
		return NULL;
	memcpy(q, p, old < n ? old : n);
	large_free(p);
	bg_kick();
	return q;
}

void *large_resize(void *p, size_t n)
{
	char *b = p;
	size_t old = mapping_len(p), len, fault;
	struct victims v;
	v.n = 0;
	if (n > PTRDIFF_MAX - g.chunk)
		return NULL;
	len = round_to(n ? n : 1, g.chunk);
	fault = round_to(n, g.os_page);
	lock_take(&llock);
	size_t res = live_res(b, 0), before = res;
	lock_give(&llock);
	if (len <= old) {
		if (res < fault && populate_missing(b + res, fault - res) < 0)
			return NULL;
		res = res_after(res, fault);
		if (len < old / 2) {
			/* The chunks beyond the new end go to the cache like a
			 * freed block (the same VMA as this one stays live). */
			uint64_t now = os_now_ms();
			set_first(b, first_slot(len));
			CTR_ADD(large_bytes, len - old);
			lock_take(&llock);
			cache_put(b + len, old - len, b, res > len ? res - len : 0, now, &v);
			live_note(b, res < len ? res : len);
			lock_give(&llock);
			release(&v);
			bg_kick();
		} else if (res != before) {
			live_set(b, res);
		}
		return p;
	}
	/* Grow in place into the cached rest of this block's VMA: what was
	 * split off a cached block when this one was taken from its front. */
	size_t rest_res = 0;
	lock_take(&llock);
	int got = cache_take_at(b + old, b, len - old, &rest_res);
	lock_give(&llock);
	if (got) {
		/* The old part as before: only the taken rest is checked, from
		 * where it is known resident when all of the old part is. */
		size_t from = old + (res >= old ? rest_res : 0);
		if (from < fault && populate_missing(b + from, fault - from) < 0) {
			cache_return(b + old, len - old, b, rest_res);
			return NULL;
		}
		live_set(b, res >= old ? res_after(old + rest_res, fault) : res);
		set_first(b, first_slot(len));
		CTR_ADD(large_bytes, len - old);
		return p;
	}
	/* Move the pages to a new aligned range of the full length: the
	 * kernel moves page tables, nothing is copied, and the extended VMA
	 * stays one. */
	char *q = arena_map_aligned(len, g.chunk);
	if (!q)
		return move_by_copy(p, n, old);
	if (large_register(q, len) < 0) {
		os_unmap(q, len);
		return NULL;
	}
	/* The old range leaves the registry (and the live table) before the
	 * kernel may hand it to another thread's mapping. */
	large_unregister(b, old);
	live_set(b, 0);
	block_merge(b, old);
	if (os_remap(b, old, len, q) != q) {
		large_unregister(q, len);
		os_unmap(q, len);
		large_register(b, old);
		live_set(b, res);
		return move_by_copy(p, n, old);
	}
	lock_take(&llock);
	cache_forget(b, old);
	lock_give(&llock);
	/* The new tail is pre-faulted where possible; if the kernel refuses,
	 * the data is safe and the tail faults on first touch instead. */
	block_advise(q, len, fault);
	int tail = arena_populate(q + old, fault - old);
	lock_take(&llock);
	live_note(q, res >= old && tail == 0 ? res_after(old, fault) : res < old ? res : old);
	lock_give(&llock);
	CTR_ADD(large_bytes, len - old);
	return q;
}

void large_lock_all(void) { lock_take(&llock); }
void large_unlock_all(void) { lock_give(&llock); }
void large_reset_locks(void) { lock_reset(&llock); }
