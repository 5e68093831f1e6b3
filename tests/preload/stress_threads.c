/* stress_threads.c: 8 threads, 10 million operations in all (malloc, calloc,
 * realloc, free), random sizes from 1 B to 1 MiB skewed to small, a third of
 * the frees done by another thread (pointers passed through mutex-protected
 * inboxes). Every block carries a pattern derived from its address and size,
 * checked before it is freed or reallocated.
 * Usage: stress_threads [TOTAL_OPS] */
#include "check.h"
#include <malloc.h>
#include <pthread.h>
#include <string.h>

enum { NT = 8, SLOTS = 2048, INBOX = 4096 };

struct blk {
	void *p;
	size_t n;
};

struct inbox {
	pthread_mutex_t mu;
	int len;
	struct blk b[INBOX];
};

static struct inbox boxes[NT];
static long ops_per_thread;
static volatile int failed;

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* 1 B..1 MiB: mostly tiny, some medium, a few large. */
static size_t pick_size(uint64_t *s)
{
	uint64_t r = rnd(s);
	unsigned k = (unsigned)(r % 1000);
	r >>= 10;
	if (k < 700)
		return 1 + r % 128;
	if (k < 900)
		return 1 + r % 1024;
	if (k < 980)
		return 1 + r % 16384;
	if (k < 997)
		return 1 + r % 262144;
	return 1 + r % (1 << 20);
}

/* The pattern: 64-bit words derived from address and size, then a byte tail. */
static uint64_t word(const void *p, size_t n, size_t i)
{
	uint64_t x = ((uintptr_t)p + i * 0x9E3779B97F4A7C15ull) ^ (n << 17);
	return x ^ (x >> 29);
}

static void fill(void *p, size_t n)
{
	uint64_t *w = p;
	size_t nw = n / 8;
	for (size_t i = 0; i < nw; i++)
		w[i] = word(p, n, i);
	unsigned char *c = p;
	for (size_t i = nw * 8; i < n; i++)
		c[i] = (unsigned char)word(p, n, i);
}

static int verify(const void *p, size_t n, const char *what)
{
	const uint64_t *w = p;
	size_t nw = n / 8;
	for (size_t i = 0; i < nw; i++)
		if (w[i] != word(p, n, i)) {
			fprintf(stderr, "%s: block %p size %zu: word %zu is %#llx, want %#llx\n",
				what, p, n, i, (unsigned long long)w[i],
				(unsigned long long)word(p, n, i));
			failed = 1;
			return 0;
		}
	const unsigned char *c = p;
	for (size_t i = nw * 8; i < n; i++)
		if (c[i] != (unsigned char)word(p, n, i)) {
			fprintf(stderr, "%s: block %p size %zu: byte %zu damaged\n", what, p, n, i);
			failed = 1;
			return 0;
		}
	return 1;
}

static void release(struct blk *b, const char *what)
{
	verify(b->p, b->n, what);
	free(b->p);
	b->p = NULL;
}

static void drain(int me)
{
	static __thread struct blk tmp[INBOX];
	struct inbox *in = &boxes[me];
	pthread_mutex_lock(&in->mu);
	int n = in->len;
	memcpy(tmp, in->b, (size_t)n * sizeof tmp[0]);
	in->len = 0;
	pthread_mutex_unlock(&in->mu);
	for (int i = 0; i < n; i++)
		release(&tmp[i], "cross-thread free");
}

static void *worker(void *arg)
{
	int me = (int)(intptr_t)arg;
	uint64_t s = 0x1234567ull * (uint64_t)(me + 1) + 99;
	struct blk *slot = calloc(SLOTS, sizeof *slot);
	if (!slot) {
		failed = 1;
		return NULL;
	}
	for (long op = 0; op < ops_per_thread && !failed; op++) {
		if ((op & 63) == 0)
			drain(me);
		uint64_t r = rnd(&s);
		struct blk *b = &slot[r % SLOTS];
		unsigned what = (unsigned)(r >> 32) % 100;
		if (!b->p) {
			size_t n = pick_size(&s);
			if (what < 15) {
				unsigned char *c = calloc(1, n);
				if (!c) {
					fprintf(stderr, "calloc(1, %zu) failed\n", n);
					failed = 1;
					break;
				}
				for (size_t i = 0; i < n; i += (n > 4096 ? 61 : 1))
					if (c[i]) {
						fprintf(stderr, "calloc(1, %zu): byte %zu not zero\n", n, i);
						failed = 1;
						break;
					}
				b->p = c;
			} else {
				b->p = malloc(n);
				if (!b->p) {
					fprintf(stderr, "malloc(%zu) failed\n", n);
					failed = 1;
					break;
				}
			}
			b->n = n;
			fill(b->p, n);
		} else if (what < 20) {
			/* realloc: the old content must survive (prefix). */
			size_t n = pick_size(&s), keep = n < b->n ? n : b->n;
			verify(b->p, b->n, "before realloc");
			void *old = b->p;
			unsigned char *q = realloc(b->p, n);
			if (!q) {
				fprintf(stderr, "realloc(%zu -> %zu) failed\n", b->n, n);
				failed = 1;
				break;
			}
			/* The pattern depends on the address: check it against the old one. */
			const uint64_t *w = (const uint64_t *)q;
			for (size_t i = 0; i < keep / 8; i++)
				if (w[i] != word(old, b->n, i)) {
					fprintf(stderr, "realloc %zu -> %zu: word %zu lost\n", b->n,
						n, i);
					failed = 1;
					break;
				}
			b->p = q;
			b->n = n;
			fill(q, n);
		} else if (what < 55) {
			/* Hand it to another thread, which verifies and frees it. */
			int to = (int)((r >> 8) % NT);
			if (to == me)
				to = (to + 1) % NT;
			struct inbox *in = &boxes[to];
			int sent = 0;
			pthread_mutex_lock(&in->mu);
			if (in->len < INBOX) {
				in->b[in->len++] = *b;
				sent = 1;
			}
			pthread_mutex_unlock(&in->mu);
			if (sent)
				b->p = NULL;
			else
				release(b, "local free");
		} else {
			release(b, "local free");
		}
	}
	drain(me);
	for (int i = 0; i < SLOTS; i++)
		if (slot[i].p)
			release(&slot[i], "final free");
	free(slot);
	return NULL;
}

int main(int argc, char **argv)
{
	long total = argc > 1 ? atol(argv[1]) : 10000000;
	pthread_t t[NT];

	ops_per_thread = total / NT;
	for (int i = 0; i < NT; i++)
		pthread_mutex_init(&boxes[i].mu, NULL);
	for (int i = 0; i < NT; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i))
			FATAL("pthread_create");
	for (int i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	/* Leftovers sent to threads that had already finished. */
	for (int i = 0; i < NT; i++)
		drain(i);
	CHECK(!failed);
	return check_done("stress_threads");
}
