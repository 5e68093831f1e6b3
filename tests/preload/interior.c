/* interior.c: an aligned block may start inside its slot (memalign(256, 100)
 * returns a slot's start rounded up), so free() must give the whole slot
 * back, from the allocating thread or another one, and a page that held such
 * a block must serve plain blocks again. Afterwards every block of the class
 * starts its own slot: 16-byte aligned, the class's full usable size, no
 * overlap with any other block. */
#include "check.h"
#include <malloc.h>
#include <pthread.h>
#include <string.h>

enum { N = 400 };

struct half {
	void **p;
	int n;
};

static void *free_half(void *arg)
{
	struct half *h = arg;
	for (int i = 0; i < h->n; i++)
		free(h->p[i]);
	return NULL;
}

static long inside_total;

static void round_trip(size_t a, size_t n)
{
	static void *p[N], *q[N];
	static size_t len[N];
	/* The class an aligned request of n bytes lands in: a plain malloc of
	 * the same need starts its slot, so its usable size is the class's. */
	size_t need = n + a - 16;
	void *probe = malloc(need);
	if (!probe)
		FATAL("malloc(%zu) failed", need);
	size_t cls = malloc_usable_size(probe);
	free(probe);

	int inside = 0;
	for (int i = 0; i < N; i++) {
		/* Every third block plain, so pages mix both kinds. */
		p[i] = i % 3 ? memalign(a, n) : malloc(cls);
		if (!p[i])
			FATAL("allocation %d failed", i);
		CHECKF(((uintptr_t)p[i] & ((i % 3 ? a : 16) - 1)) == 0, "block %p misaligned (a %zu)",
		       p[i], a);
		len[i] = malloc_usable_size(p[i]);
		CHECKF(len[i] >= (i % 3 ? n : cls), "usable %zu < %zu", len[i], i % 3 ? n : cls);
		inside += len[i] < cls;
		pat_fill(p[i], len[i], 1);
	}
	for (int i = 0; i < N; i++)
		CHECKF(pat_bad(p[i], len[i], 1) == (size_t)-1, "block %d of %zu (a %zu) damaged", i,
		       len[i], a);
	/* A realloc that fits keeps an inside pointer where it is. */
	for (int i = 1; i < N; i += 3) {
		void *r = realloc(p[i], len[i]);
		CHECKF(r == p[i], "realloc(%p, %zu) moved to %p", p[i], len[i], r);
		if (r)
			p[i] = r;
	}
	/* Half freed here, half by a thread that then exits (its cache goes
	 * back to the bins). */
	pthread_t t;
	struct half h = { p + N / 2, N / 2 };
	if (pthread_create(&t, NULL, free_half, &h))
		FATAL("pthread_create failed");
	for (int i = 0; i < N / 2; i++)
		free(p[i]);
	pthread_join(t, NULL);

	/* The slots come back whole. */
	for (int i = 0; i < N; i++) {
		q[i] = malloc(cls);
		if (!q[i])
			FATAL("malloc(%zu) failed", cls);
		CHECKF(((uintptr_t)q[i] & 15) == 0, "malloc(%zu) = %p", cls, q[i]);
		CHECKF(malloc_usable_size(q[i]) == cls, "malloc(%zu) = %p: usable %zu", cls, q[i],
		       malloc_usable_size(q[i]));
		pat_fill(q[i], cls, 2);
	}
	for (int i = 0; i < N; i++)
		CHECKF(pat_bad(q[i], cls, 2) == (size_t)-1, "block %p of %zu overlaps another", q[i],
		       cls);
	for (int i = 0; i < N; i++)
		free(q[i]);
	inside_total += inside;
}

int main(void)
{
	static const size_t align[] = { 32, 64, 256, 4096 };
	static const size_t size[] = { 1, 24, 100, 200, 500, 1000, 3000, 20000 };
	for (size_t i = 0; i < sizeof align / sizeof align[0]; i++)
		for (size_t j = 0; j < sizeof size / sizeof size[0]; j++)
			round_trip(align[i], size[j]);
	printf("%ld blocks inside their slot\n", inside_total);
	if (under_shim())
		CHECK(inside_total > 0);
	return check_done("interior");
}
