/* large_cache.c: the cache of freed large blocks (shim/large.c). A freed
 * block is handed out again when it is at least as long as the need and at
 * most twice as long, split when longer (and realloc grows the front part
 * back into the rest without moving), grown with mremap when shorter (only
 * the new tail is pre-faulted); a shrinking realloc's tail is cached the
 * same way, and the pieces of one block join again when freed. The cache
 * holds at most four of the largest recent frees (16 to 64 MiB, RETAIN if
 * more) and empties RELEASE_MS after it stops being used; RETAIN=0 turns it
 * off. Also: calloc of a reused block is zero, a block the program split
 * into two VMAs (madvise on part of it) still grows, by copy, threads
 * sharing the cache keep their own bytes, a second free of a cached
 * block traps, and a block freed resident is not checked page by page
 * again.
 * Only meaningful under the shim: skips otherwise.
 * Usage: large_cache [retain0] (retain0: the child run with RETAIN=0). */
#include "check.h"
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <fragguard.h>

static uint64_t (*trim)(void);
static size_t C; /* the chunk: large blocks are whole chunks */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts))
		;
}

/* True when every page of [p, p+n) is resident (not so under qemu-user,
 * which ignores MADV_POPULATE_WRITE). */
static int resident(void *p, size_t n)
{
	static unsigned char vec[4096];
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	for (size_t off = 0; off < n; off += sizeof vec * pg) {
		size_t len = n - off < sizeof vec * pg ? n - off : sizeof vec * pg;
		if (mincore((char *)p + off, len, vec) != 0)
			return 0;
		for (size_t i = 0; i < (len + pg - 1) / pg; i++)
			if (!(vec[i] & 1))
				return 0;
	}
	return 1;
}

static unsigned char *get(size_t n)
{
	unsigned char *p = opaque(malloc(opaque_size(n)));
	if (!p)
		FATAL("malloc(%zu) failed", n);
	return p;
}

/* Whole or split: the shortest block that is long enough. */
static void test_reuse(void)
{
	trim();
	unsigned char *a = get(3 * C - 100);
	free(a);
	uint64_t r0 = shim_stats().large_reused;
	unsigned char *b = get(C + C / 2 + 1); /* needs 2 C; 3 C is at most twice that */
	CHECKF(b == a, "a 3 C block for a 2 C need: %p, freed %p", (void *)b, (void *)a);
	CHECKF(malloc_usable_size(b) == 3 * C, "usable %zu", malloc_usable_size(b));
	CHECK(shim_stats().large_reused == r0 + 1);
	free(b);

	trim();
	a = get(8 * C);
	int populated = resident(a, 8 * C);
	free(a);
	uint64_t pf0 = shim_stats().bytes_prefaulted;
	b = get(C + 1); /* 8 C is more than twice 2 C: split */
	CHECKF(b == a, "split: %p, freed %p", (void *)b, (void *)a);
	CHECKF(malloc_usable_size(b) == 2 * C, "split: usable %zu", malloc_usable_size(b));
	pos_fill(b, C + 1, 1);
	unsigned char *c = opaque(realloc(b, 5 * C));
	CHECKF(c == b, "realloc into the cached rest moved %p to %p", (void *)b, (void *)c);
	CHECK(pos_bad(c, C + 1, 1) == (size_t)-1);
	pos_fill(c, 5 * C, 2);
	unsigned char *d = opaque(realloc(c, 8 * C));
	CHECKF(d == a, "realloc to the whole block moved %p to %p", (void *)c, (void *)d);
	CHECK(pos_bad(d, 5 * C, 2) == (size_t)-1);
	/* Every page was resident already: nothing was faulted again. */
	uint64_t pf = shim_stats().bytes_prefaulted - pf0;
	CHECKF(pf < C || !populated, "reusing resident pages pre-faulted %llu bytes",
	       (unsigned long long)pf);
	free(d);

	/* Two pieces split off one block, freed: the block is whole again. */
	trim();
	a = get(8 * C);
	free(a);
	b = get(C + 1);
	c = get(C + 1);
	CHECKF(b == a && c == a + 2 * C, "two splits: %p %p of %p", (void *)b, (void *)c, (void *)a);
	free(b);
	free(c);
	d = get(8 * C);
	CHECKF(d == a, "the pieces did not join: %p, was %p", (void *)d, (void *)a);
	free(d);
}

/* A shrinking realloc caches the tail; growing again takes it back. */
static void test_shrink(void)
{
	trim();
	unsigned char *a = get(10 * C);
	pos_fill(a, 2 * C, 3);
	unsigned char *b = opaque(realloc(a, 2 * C));
	CHECK(b == a);
	CHECKF(malloc_usable_size(b) == 2 * C, "after shrink: usable %zu", malloc_usable_size(b));
	unsigned char *c = opaque(realloc(b, 9 * C));
	CHECKF(c == a, "regrowth moved %p to %p", (void *)a, (void *)c);
	CHECK(pos_bad(c, 2 * C, 3) == (size_t)-1);
	free(c);
}

/* No cached block is long enough: the longest is grown, only its new tail
 * faulted; calloc still gets zeroes. */
static void test_grow(void)
{
	trim();
	unsigned char *a = get(2 * C);
	memset(a, 0xa5, 2 * C);
	free(a);
	struct fg_stats s0 = shim_stats();
	unsigned char *b = opaque(calloc(1, 6 * C));
	if (!b)
		FATAL("calloc");
	struct fg_stats s1 = shim_stats();
	CHECK(s1.large_reused == s0.large_reused + 1);
	uint64_t pf = s1.bytes_prefaulted - s0.bytes_prefaulted;
	CHECKF(pf <= 4 * C, "growing 2 C to 6 C pre-faulted %llu bytes", (unsigned long long)pf);
	size_t nz = 0;
	for (size_t i = 0; i < 6 * C; i++)
		nz += b[i] != 0;
	CHECKF(nz == 0, "calloc of a grown cached block: %zu nonzero bytes", nz);
	free(b);
}

/* The program split its block into two VMAs (madvise on a part) and then
 * grew it into the cached rest: mremap cannot move such a block, so the
 * next growth copies, and keeps the bytes. */
static void test_two_vmas(void)
{
	trim();
	unsigned char *a = get(16 * C);
	free(a);
	unsigned char *h = get(C + 1);
	CHECK(h == a);
	CHECK(madvise(h, 2 * C, MADV_DONTDUMP) == 0);
	unsigned char *r = opaque(realloc(h, 6 * C));
	CHECK(r == h);
	pos_fill(r, 6 * C, 4);
	unsigned char *r2 = opaque(realloc(r, 40 * C));
	CHECKF(r2 != NULL, "realloc of a block spanning two VMAs failed");
	if (r2) {
		CHECK(pos_bad(r2, 6 * C, 4) == (size_t)-1);
		free(r2);
	}
}

/* Bounded by four of the largest recent frees (16 to 64 MiB), all given
 * back RELEASE_MS after the last free. */
static void test_bounds(void)
{
	enum { N = 12 };
	unsigned char *p[N];
	trim();
	sleep_ms(1200); /* forget earlier peaks (two RELEASE_MS windows) */
	for (int i = 0; i < N; i++) {
		p[i] = get(8 * C);
		memset(p[i], i, 8 * C);
	}
	uint64_t rel0 = shim_stats().bytes_released;
	for (int i = 0; i < N; i++)
		free(p[i]);
	size_t limit = 32 * C < ((size_t)64 << 20) ? 32 * C : (size_t)64 << 20;
	uint64_t rel = shim_stats().bytes_released - rel0;
	CHECKF(rel + limit >= N * 8 * C, "after freeing %zu MiB only %llu MiB were released",
	       N * 8 * C >> 20, (unsigned long long)(rel >> 20));
	for (int i = 0; i < 60 && shim_stats().bytes_released - rel0 < N * 8 * C; i++)
		sleep_ms(50);
	rel = shim_stats().bytes_released - rel0;
	CHECKF(rel == N * 8 * C, "3 s after the frees %llu of %zu MiB were released",
	       (unsigned long long)(rel >> 20), N * 8 * C >> 20);

	/* Smaller blocks: a smaller cache (four of them, at least 16 MiB). */
	sleep_ms(1200);
	for (int i = 0; i < N; i++)
		p[i] = get(2 * C);
	rel0 = shim_stats().bytes_released;
	for (int i = 0; i < N; i++)
		free(p[i]);
	limit = 8 * C > ((size_t)16 << 20) ? 8 * C : (size_t)16 << 20;
	rel = shim_stats().bytes_released - rel0;
	CHECKF(rel + limit >= N * 2 * C, "2 C blocks: only %llu MiB of %zu released",
	       (unsigned long long)(rel >> 20), N * 2 * C >> 20);
}

/* Threads allocating, growing, shrinking and freeing large blocks at once:
 * no block is handed out twice (each keeps its own bytes). */
struct worker {
	uint64_t rng;
	unsigned id;
	int bad;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	unsigned char *p[3] = { 0 };
	size_t n[3] = { 0 };
	for (int k = 0; k < 400; k++) {
		int i = k % 3;
		unsigned seed = w->id * 3 + (unsigned)i;
		w->rng ^= w->rng << 13;
		w->rng ^= w->rng >> 7;
		w->rng ^= w->rng << 17;
		size_t m = C + w->rng % (9 * C);
		if (p[i] && pos_bad(p[i], n[i] < 4096 ? n[i] : 4096, seed) != (size_t)-1)
			w->bad++;
		if (p[i] && (w->rng >> 40) % 3 == 0) {
			unsigned char *q = realloc(p[i], m);
			if (!q)
				FATAL("realloc(%zu)", m);
			size_t keep = n[i] < m ? n[i] : m;
			if (pos_bad(q, keep < 4096 ? keep : 4096, seed) != (size_t)-1)
				w->bad++;
			p[i] = q;
		} else {
			free(p[i]);
			p[i] = malloc(m);
			if (!p[i])
				FATAL("malloc(%zu)", m);
		}
		n[i] = m;
		if (malloc_usable_size(p[i]) < m)
			w->bad++;
		pos_fill(p[i], m < 4096 ? m : 4096, seed);
		p[i][m - 1] = 1;
	}
	for (int i = 0; i < 3; i++)
		free(p[i]);
	return NULL;
}

static void test_threads(void)
{
	enum { T = 4 };
	pthread_t t[T];
	struct worker w[T];
	for (int i = 0; i < T; i++) {
		w[i].rng = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);
		w[i].id = (unsigned)i;
		w[i].bad = 0;
		if (pthread_create(&t[i], NULL, work, &w[i]))
			FATAL("pthread_create");
	}
	for (int i = 0; i < T; i++) {
		pthread_join(t[i], NULL);
		CHECKF(w[i].bad == 0, "thread %d: %d blocks with wrong bytes or sizes", i, w[i].bad);
	}
}

/* A block freed resident is handed out again without a residency check
 * (shim/large.c, live_note): pages dropped while it was cached (here with
 * MADV_DONTNEED, as if swapped out) are not pre-faulted again; a block
 * known resident only in part is checked beyond that part alone. */
static void test_residency(void)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t half = C / 2 + pg; /* above LARGE (1 MiB by default) */
	trim();
	unsigned char *a = get(half);
	int populated = resident(a, half);
	free(a);
	madvise(a, C, MADV_DONTNEED);
	uint64_t pf0 = shim_stats().bytes_prefaulted;
	unsigned char *b = get(C - pg);
	uint64_t pf1 = shim_stats().bytes_prefaulted;
	CHECKF(b == a, "a C block for C - page: %p, freed %p", (void *)b, (void *)a);
	CHECKF(pf1 - pf0 == C - pg - half || !populated,
	       "known resident for C/2 + page, handed out for C - page: pre-faulted %llu "
	       "bytes (the part not known resident: %zu)", (unsigned long long)(pf1 - pf0),
	       C - pg - half);
	pos_fill(b, C - pg, 3);
	CHECK(pos_bad(b, C - pg, 3) == (size_t)-1);
	free(b);
	madvise(b, C, MADV_DONTNEED);
	unsigned char *c = get(C - pg);
	CHECKF(c == a, "again: %p, freed %p", (void *)c, (void *)a);
	CHECKF(shim_stats().bytes_prefaulted == pf1 || !populated,
	       "known resident for C - page, handed out for as much: pre-faulted %llu bytes",
	       (unsigned long long)(shim_stats().bytes_prefaulted - pf1));
	free(c);
}

/* What is known resident follows a block through a split and a join, a
 * shrinking realloc's cached tail grown back into, and a table of live
 * blocks that is full: each time the pages dropped while cached are
 * pre-faulted exactly where residency was not known. */
static void test_residency_paths(void)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t pf;

	/* 6 C block resident for 5 C + page; its front 2 C split off and
	 * freed again: the joined block is known resident as far as before. */
	trim();
	unsigned char *a = get(5 * C + pg);
	int populated = resident(a, 5 * C + pg);
	free(a);
	unsigned char *b = get(C + 1);
	CHECKF(b == a, "split: %p, freed %p", (void *)b, (void *)a);
	free(b);
	madvise(a, 6 * C, MADV_DONTNEED);
	pf = shim_stats().bytes_prefaulted;
	b = get(6 * C);
	CHECKF(b == a, "joined: %p, freed %p", (void *)b, (void *)a);
	CHECKF(shim_stats().bytes_prefaulted - pf == C - pg || !populated,
	       "split and joined, known resident for 5 C + page, handed out for 6 C: "
	       "pre-faulted %llu bytes (want %zu)",
	       (unsigned long long)(shim_stats().bytes_prefaulted - pf), C - pg);
	free(b);

	/* 8 C resident for 7 C + page, shrunk to 2 C (the rest cached,
	 * resident for 5 C + page), the rest dropped, grown back to 8 C. */
	trim();
	a = get(7 * C + pg);
	unsigned char *s2 = opaque(realloc(a, C + pg));
	CHECK(s2 == a);
	madvise(a + 2 * C, 6 * C, MADV_DONTNEED);
	pf = shim_stats().bytes_prefaulted;
	unsigned char *g = opaque(realloc(s2, 8 * C));
	CHECKF(g == a, "grown back in place: %p, was %p", (void *)g, (void *)a);
	CHECKF(shim_stats().bytes_prefaulted - pf == C - pg || !populated,
	       "shrunk, grown back: pre-faulted %llu bytes (want %zu)",
	       (unsigned long long)(shim_stats().bytes_prefaulted - pf), C - pg);
	free(g);

	/* 70 live blocks: the table holds 64; one not in it is checked whole. */
	enum { N = 70 };
	static unsigned char *p[N];
	trim();
	for (int i = 0; i < N; i++)
		p[i] = get(C + pg);
	unsigned char *last = p[N - 1];
	free(last);
	madvise(last, 2 * C, MADV_DONTNEED);
	pf = shim_stats().bytes_prefaulted;
	p[N - 1] = get(C + pg);
	CHECK(p[N - 1] == last);
	CHECKF(shim_stats().bytes_prefaulted - pf == C + pg || !populated,
	       "a block the table had no room for: pre-faulted %llu bytes (want %zu)",
	       (unsigned long long)(shim_stats().bytes_prefaulted - pf), C + pg);
	for (int i = 0; i < N; i++)
		free(p[i]);
}

/* A second free of a block the cache holds traps instead of caching it
 * twice (and handing it out twice). */
static void test_double_free(void)
{
	pid_t pid = fork();
	if (pid < 0)
		FATAL("fork");
	if (pid == 0) {
		struct rlimit no = { 0, 0 };
		setrlimit(RLIMIT_CORE, &no);
		unsigned char *p = get(4 * C);
		free(p);
		free(opaque(p));
		_exit(0);
	}
	int ws;
	waitpid(pid, &ws, 0);
	CHECKF(WIFSIGNALED(ws), "double free of a large block: child exited %d",
	       WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
}

static int retain0(void)
{
	unsigned char *a = get(4 * C);
	free(a);
	struct fg_stats s0 = shim_stats();
	unsigned char *b = get(4 * C);
	struct fg_stats s1 = shim_stats();
	CHECK(s1.large_reused == s0.large_reused);
	CHECK(s1.bytes_released - s0.bytes_released == 0); /* released at the free */
	free(b);
	CHECK(shim_stats().bytes_released - s1.bytes_released == 4 * C);
	return check_done("large_cache retain0");
}

static void test_retain0(const char *self)
{
	pid_t pid = fork();
	if (pid < 0)
		FATAL("fork");
	if (pid == 0) {
		setenv("FRAGGUARD_RETAIN", "0", 1);
		execl(self, self, "retain0", (char *)NULL);
		_exit(127);
	}
	int ws;
	waitpid(pid, &ws, 0);
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 127) {
		/* qemu-user without binfmt_misc cannot run the guest binary */
		fprintf(stderr, "RETAIN=0: cannot re-execute %s; not checked\n", self);
		return;
	}
	CHECKF(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "RETAIN=0 child: status %#x", ws);
}

int main(int argc, char **argv)
{
	if (!under_shim())
		skip("not under the shim (the large-block cache is the shim's)");
	trim = (uint64_t (*)(void))dlsym(RTLD_DEFAULT, "fg_trim");
	C = (size_t)shim_stats().chunk_bytes;
	if (!shim_stats().active || !C)
		skip("the shim is disabled");
	if (argc > 1 && !strcmp(argv[1], "retain0"))
		return retain0();
	/* Forks first, while no thread runs (qemu-user aborts on fork in a
	 * threaded guest; the release thread starts at the first large free). */
	test_double_free();
	test_retain0("/proc/self/exe");
	test_reuse();
	test_residency();
	test_residency_paths();
	test_shrink();
	test_grow();
	test_two_vmas();
	test_threads();
	test_bounds();
	return check_done("large_cache");
}
