/* threads.c: multi-threaded allocation, ns per operation (one malloc + one free).
 * usage: threads NTHREADS MODE OPS_PER_THREAD
 *   local: each thread replaces random slots of its own 4096 live objects
 *          (16..512 B); every free is of a block the same thread allocated.
 *   xfree: threads pair up as producer -> consumer through a ring of
 *          pointers; the consumer frees what the producer allocated.
 * prints: threads= mode= ops= secs= ns_per_op= bytes= pte_kb= thp_kb= rss_at_peak_kb= hwm_kb= */
#include <pthread.h>
#include <stdatomic.h>
#include "bench.h"

#define SLOTS 4096
#define RING 1024

static long ops_per_thread;
static char mode_xfree;

struct ring {
	_Atomic size_t head, tail;	/* head: next write; tail: next read */
	void *slot[RING];
	char pad[64];
};

struct arg {
	int id;
	struct ring *ring;
};

static void *run_local(void *vp)
{
	struct arg *a = vp;
	unsigned long long s = 0x9E3779B97F4A7C15ull * (unsigned long long)(a->id + 1);
	char **p = calloc(SLOTS, sizeof *p);
	for (long k = 0; k < ops_per_thread; k++) {
		size_t i = bench_rand(&s) % SLOTS;
		size_t n = 16 + bench_rand(&s) % 497;
		free(p[i]);
		p[i] = malloc(n);
		p[i][0] = (char)k;
		p[i][n - 1] = (char)k;
	}
	for (size_t i = 0; i < SLOTS; i++)
		free(p[i]);
	free(p);
	return NULL;
}

static void *run_producer(void *vp)
{
	struct arg *a = vp;
	struct ring *r = a->ring;
	unsigned long long s = 0x2545F4914F6CDD1Dull * (unsigned long long)(a->id + 1);
	for (long k = 0; k < ops_per_thread; k++) {
		size_t n = 16 + bench_rand(&s) % 497;
		char *q = malloc(n);
		q[0] = (char)k;
		q[n - 1] = (char)k;
		size_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
		while (h - atomic_load_explicit(&r->tail, memory_order_acquire) >= RING)
			sched_yield();
		r->slot[h % RING] = q;
		atomic_store_explicit(&r->head, h + 1, memory_order_release);
	}
	return NULL;
}

static void *run_consumer(void *vp)
{
	struct arg *a = vp;
	struct ring *r = a->ring;
	for (long k = 0; k < ops_per_thread; k++) {
		size_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
		while (atomic_load_explicit(&r->head, memory_order_acquire) == t)
			sched_yield();
		free(r->slot[t % RING]);
		atomic_store_explicit(&r->tail, t + 1, memory_order_release);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int nt = argc > 1 ? atoi(argv[1]) : 2;
	const char *mode = argc > 2 ? argv[2] : "local";
	ops_per_thread = argc > 3 ? atol(argv[3]) : 2000000;
	mode_xfree = !strcmp(mode, "xfree");
	if (nt < 1 || nt > 64 || (mode_xfree && nt % 2)) {
		fprintf(stderr, "threads: NTHREADS 1..64 (even for xfree)\n");
		return 2;
	}
	pthread_t tid[64];
	struct arg args[64];
	struct ring *rings = calloc((size_t)nt, sizeof *rings);
	double t0 = bench_now();
	for (int i = 0; i < nt; i++) {
		args[i].id = i;
		args[i].ring = &rings[i / 2];
		void *(*fn)(void *) = !mode_xfree ? run_local : i % 2 ? run_consumer : run_producer;
		pthread_create(&tid[i], NULL, fn, &args[i]);
	}
	for (int i = 0; i < nt; i++)
		pthread_join(tid[i], NULL);
	double secs = bench_now() - t0;
	struct bench_mem m = bench_mem_now();
	/* An operation is one malloc and its free; xfree pairs share theirs. */
	long ops = mode_xfree ? ops_per_thread * (nt / 2) : ops_per_thread * nt;
	printf("threads=%d mode=%s ops=%ld secs=%.3f ns_per_op=%.1f bytes=%ld", nt, mode, ops,
	       secs, secs * 1e9 / (double)ops,
	       (long)(mode_xfree ? (nt / 2) * RING * 264L : nt * SLOTS * 264L));
	bench_print_mem(&m);
	printf("\n");
	free(rings);
	return 0;
}
