/* large.c: one mapping per large block (large.h). The mapping is rounded up
 * to whole chunks of address space (only the requested bytes are faulted),
 * so its registry slots are exclusively ours and ownership stays exact.
 * Freed blocks wait in a small cache (at most 8, and at most RETAIN or
 * 16 MiB of them) for RELEASE_MS, because programs that free a big buffer
 * usually ask for another soon; RETAIN=0 turns the cache off. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "arena.h"
#include "callsite.h"
#include "guard.h"
#include "large.h"
#include "lock.h"
#include "os.h"
#include "registry.h"

#define LCACHE 8
static struct lock llock = LOCK_INIT;
static struct { void *p; size_t len; uint64_t t; } cache[LCACHE];

static size_t round_to(size_t n, size_t a) { return (n + a - 1) & ~(a - 1); }

static size_t mapping_len(const void *p)
{
	return (size_t)(registry_get(p) >> 2) << g.chunk_shift;
}

static int large_register(void *p, size_t len)
{
	uintptr_t slots = len >> g.chunk_shift;
	if (slots >= (1u << 30))
		return -ENOMEM;
	arena_lock_all();
	int r = registry_set(p, slots, (uint32_t)(slots << 2) | REG_LARGE, REG_LARGE_TAIL);
	arena_unlock_all();
	return r;
}

static void large_unregister(void *p, size_t len)
{
	arena_lock_all();
	registry_set(p, len >> g.chunk_shift, REG_FOREIGN, REG_FOREIGN);
	arena_unlock_all();
}

static size_t cache_limit(void)
{
	return g.conf.retain > (16u << 20) ? g.conf.retain : g.conf.retain ? (16u << 20) : 0;
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
		/* Reuse a cached block of the same address-space length. */
		lock_take(&llock);
		for (int i = 0; i < LCACHE; i++)
			if (cache[i].p && cache[i].len == len) {
				p = cache[i].p;
				cache[i].p = NULL;
				break;
			}
		lock_give(&llock);
		if (p) {
			*fresh = 0;
			CTR_ADD(large_reused, 1);
			CTR_ADD(large_bytes, len);
			if (arena_populate(p, fault) < 0) {
				large_free(p);
				return NULL;
			}
			CTR_ADD(large_allocs, 1);
			return p;
		}
	}
	/* Look before the fault (guard.h); cached blocks above need no look. */
	int look = guard_large(len, fault, g.thp_advise);
	if (look < 0)
		goto fail;
	p = arena_map_aligned(len, align > g.chunk ? align : g.chunk);
	if (!p)
		goto fail;
	if (g.thp_advise && look == 0)
		os_madvise(p, len, MADV_HUGEPAGE);
	else if (look > 0)
		os_madvise(p, len, MADV_NOHUGEPAGE);
	else if (g.pmd && !g.conf.thp)
		os_madvise(p, len, MADV_NOHUGEPAGE);
	if (arena_populate(p, fault) < 0 || large_register(p, len) < 0) {
		os_unmap(p, len);
		goto fail;
	}
	*fresh = 1;
	CTR_ADD(large_allocs, 1);
	CTR_ADD(large_bytes, len);
	callsite_mapped(len);
	return p;
fail:
	CTR_ADD(alloc_failures, 1);
	return NULL;
}

static size_t cached_bytes(void)
{
	size_t n = 0;
	for (int i = 0; i < LCACHE; i++)
		if (cache[i].p)
			n += cache[i].len;
	return n;
}

void large_free(void *p)
{
	size_t len = mapping_len(p);
	CTR_ADD(large_frees, 1);
	CTR_ADD(large_bytes, -len);
	lock_take(&llock);
	if (cached_bytes() + len <= cache_limit())
		for (int i = 0; i < LCACHE; i++)
			if (!cache[i].p) {
				cache[i].p = p;
				cache[i].len = len;
				cache[i].t = os_now_ms();
				lock_give(&llock);
				return;
			}
	lock_give(&llock);
	large_unregister(p, len);
	os_unmap(p, len);
	CTR_ADD(bytes_released, len);
}

int large_tick(unsigned long long now)
{
	void *victim[LCACHE];
	size_t vlen[LCACHE];
	int nv = 0, more = 0;
	lock_take(&llock);
	for (int i = 0; i < LCACHE; i++) {
		if (!cache[i].p)
			continue;
		if (!now || now - cache[i].t >= g.conf.release_ms) {
			victim[nv] = cache[i].p;
			vlen[nv++] = cache[i].len;
			cache[i].p = NULL;
		} else {
			more = 1;
		}
	}
	lock_give(&llock);
	for (int i = 0; i < nv; i++) {
		large_unregister(victim[i], vlen[i]);
		os_unmap(victim[i], vlen[i]);
		CTR_ADD(bytes_released, vlen[i]);
	}
	return more;
}

size_t large_usable(const void *p) { return mapping_len(p); }

void *large_resize(void *p, size_t n)
{
	size_t old = mapping_len(p), len;
	if (n > PTRDIFF_MAX - g.chunk)
		return NULL;
	len = round_to(n ? n : 1, g.chunk);
	if (len <= old) {
		if (arena_populate(p, round_to(n, g.os_page)) < 0)
			return NULL;
		if (len < old / 2) {
			CTR_ADD(large_bytes, len - old);
			/* Give back whole chunks of address space beyond the new end. */
			large_unregister(p, old);
			os_unmap((char *)p + len, old - len);
			CTR_ADD(bytes_released, old - len);
			if (large_register(p, len) < 0)
				return NULL; /* cannot happen: the leaves exist */
		}
		return p;
	}
	/* Move the pages to a new aligned range of the full length: the
	 * kernel moves page tables, nothing is copied. */
	char *q = arena_map_aligned(len, g.chunk);
	if (!q)
		return NULL;
	if (g.thp_advise)
		os_madvise(q, len, MADV_HUGEPAGE);
	if (os_remap(p, old, old, q) != q) {
		os_unmap(q, len);
		return NULL;
	}
	large_unregister(p, old);
	if (large_register(q, len) < 0) {
		/* No registry leaf for the new range: put the pages back. */
		os_remap(q, old, old, p);
		large_register(p, old);
		os_unmap(q, len);
		return NULL;
	}
	/* The new tail is pre-faulted where possible; if the kernel refuses,
	 * the data is safe and the tail faults on first touch instead. */
	arena_populate(q + old, round_to(n, g.os_page) - old);
	CTR_ADD(large_bytes, len - old);
	return q;
}

void large_lock_all(void) { lock_take(&llock); }
void large_unlock_all(void) { lock_give(&llock); }
void large_reset_locks(void) { lock_reset(&llock); }
