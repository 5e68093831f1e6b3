/* semantics.c: every malloc-family entry point against glibc's contract:
 * results, errno (set on failure, untouched on success), size overflow,
 * alignment rules, realloc content, malloc_usable_size, the statistics calls.
 * Runs the same under plain glibc and under the shim; where glibc's own
 * behaviour changed between versions the test asks the running glibc. */
#include "check.h"
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#if !defined(__GLIBC__)
/* Written against glibc's malloc.h (mallinfo2, mallopt, malloc_info, cfree,
 * versioned behaviour); musl programs get the portable checks elsewhere. */
int main(void)
{
	puts("semantics: glibc's malloc API (musl build)");
	return 77;
}
#else
#include <gnu/libc-version.h>

/* The test passes absurd sizes on purpose. */
#pragma GCC diagnostic ignored "-Walloc-size-larger-than="

#define BIG ((size_t)PTRDIFF_MAX + 1)
#define SENT ((void *)0x5e5e5e5e)
/* Word-size independent extremes: 32 on 64-bit, 16 on 32-bit; the top bit. */
#define HALF ((unsigned)sizeof(size_t) * 4)
#define TOP ((size_t)1 << (sizeof(size_t) * 8 - 1))
/* An aligned request no address space can hold: 2^62 on 64-bit; on 32-bit a
 * 1 GiB alignment fits, so 2 GiB at 2 GiB (past the 3 GiB user limit). */
#define NOMEM_A (sizeof(size_t) == 8 ? TOP >> 1 : TOP)
#define NOMEM_N (sizeof(size_t) == 8 ? (size_t)16 : TOP)

/* Declared here: glibc 2.36 has neither; the shim exports both. */
extern void free_sized(void *, size_t) __attribute__((weak));
extern void free_aligned_sized(void *, size_t, size_t) __attribute__((weak));

static size_t page;

static int glibc_at_least(int maj, int min)
{
	int a = 0, b = 0;
	sscanf(gnu_get_libc_version(), "%d.%d", &a, &b);
	return a > maj || (a == maj && b >= min);
}

static int aligned(const void *p, size_t a)
{
	return ((uintptr_t)p & (a - 1)) == 0;
}

/* Position-only pattern: survives a move by realloc. */
static unsigned char rbyte(size_t i, unsigned seed)
{
	return (unsigned char)((i * 131u + (i >> 12) * 7u + seed) ^ (i >> 20));
}

static void rfill(unsigned char *p, size_t from, size_t to, unsigned seed)
{
	for (size_t i = from; i < to; i++)
		p[i] = rbyte(i, seed);
}

static size_t rbad(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != rbyte(i, seed))
			return i;
	return (size_t)-1;
}

static void test_malloc(void)
{
	void *z[64];

	for (int i = 0; i < 64; i++) {
		z[i] = opaque(malloc(opaque_size(0)));
		CHECK(z[i] != NULL);
		for (int j = 0; j < i; j++)
			CHECKF(z[i] != z[j], "malloc(0) returned %p twice", z[i]);
	}
	for (int i = 0; i < 64; i++)
		free(z[i]);

	size_t bad[] = { SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 4095, BIG, BIG + 4096,
			 (size_t)PTRDIFF_MAX, (size_t)PTRDIFF_MAX - 65536 };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		void *p = opaque(malloc(opaque_size(bad[i])));
		CHECKF(p == NULL, "malloc(%#zx) = %p", bad[i], p);
		CHECKF(errno == ENOMEM, "malloc(%#zx): errno %d", bad[i], errno);
	}
}

static void test_calloc(void)
{
	struct { size_t n, m; } bad[] = {
		{ SIZE_MAX / 2 + 1, 2 }, { 2, SIZE_MAX / 2 + 1 },
		{ (size_t)1 << HALF, (size_t)1 << HALF }, { SIZE_MAX, SIZE_MAX },
		{ 1, BIG }, { BIG, 1 }, { 3, (size_t)PTRDIFF_MAX / 2 },
		{ TOP >> 3, 16 },	/* product wraps to 0 */
		{ (size_t)1 << (HALF + 1), ((size_t)1 << (HALF - 1)) + 1 }, /* wraps to 8 GiB (128 KiB on 32-bit) */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		void *p = opaque(calloc(opaque_size(bad[i].n), opaque_size(bad[i].m)));
		CHECKF(p == NULL, "calloc(%#zx, %#zx) = %p", bad[i].n, bad[i].m, p);
		CHECKF(errno == ENOMEM, "calloc(%#zx, %#zx): errno %d", bad[i].n,
		       bad[i].m, errno);
	}

	void *a = calloc(0, 0), *b = calloc(0, 8), *c = calloc(8, 0);
	CHECK(a && b && c && a != b && b != c && a != c);
	free(a);
	free(b);
	free(c);

	/* Dirty memory freed and handed out again by calloc must be zero. */
	static const size_t sizes[] = { 1, 8, 16, 24, 40, 100, 400, 1000, 1024,
					4000, 4096, 10000, 65536, 70000, 131072,
					200000, 1 << 20, (3 << 20) + 5 };
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		size_t n = sizes[s];
		int rounds = n >= 65536 ? 8 : 64;
		void *batch[32];
		for (int r = 0; r < rounds; r++) {
			int k = n >= 65536 ? 2 : 32;
			for (int i = 0; i < k; i++) {
				batch[i] = malloc(n);
				if (!batch[i])
					FATAL("malloc(%zu)", n);
				memset(batch[i], 0xAA, malloc_usable_size(batch[i]));
			}
			for (int i = 0; i < k; i++)
				free(batch[i]);
			for (int i = 0; i < k; i++) {
				unsigned char *q = opaque(calloc(1, n));
				CHECKF(q != NULL, "calloc(1, %zu)", n);
				if (!q)
					continue;
				size_t j;
				for (j = 0; j < n && q[j] == 0; j++)
					;
				CHECKF(j == n, "calloc(1, %zu) round %d: byte %zu is %#x", n,
				       r, j, j < n ? q[j] : 0);
				batch[i] = q;
				memset(q, 0xAA, malloc_usable_size(q));
			}
			for (int i = 0; i < k; i++)
				free(batch[i]);
			/* calloc(n, m) with n*m == size, as programs call it. */
			if (n % 8 == 0) {
				unsigned char *q = calloc(n / 8, 8);
				CHECK(q != NULL);
				size_t j;
				for (j = 0; q && j < n && q[j] == 0; j++)
					;
				CHECKF(q && j == n, "calloc(%zu, 8): byte %zu not zero", n / 8, j);
				if (q)
					memset(q, 0x55, n);
				free(q);
			}
		}
	}
}

/* The dirty tail a shrinking realloc leaves behind, handed out again by
 * calloc, must be zero too. */
static void test_calloc_after_shrink(void)
{
	static const size_t from[] = { 4096, 100000, 1 << 20, 8 << 20, 40 << 20 };
	for (size_t f = 0; f < sizeof from / sizeof from[0]; f++) {
		for (int r = 0; r < 4; r++) {
			size_t n = from[f], to = n / 8 + 1;
			unsigned char *p = malloc(n);
			if (!p)
				FATAL("malloc(%zu)", n);
			memset(p, 0xAA, n);
			unsigned char *q = realloc(p, to);
			CHECK(q != NULL);
			void *c[8];
			for (int i = 0; i < 8; i++) {
				size_t m = (n - to) / 8 + (size_t)i * 16;
				unsigned char *z = calloc(1, m);
				CHECK(z != NULL);
				size_t j;
				for (j = 0; z && j < m && z[j] == 0; j++)
					;
				CHECKF(!z || j == m, "calloc(1, %zu) after realloc(%zu -> %zu): "
				       "byte %zu is %#x", m, n, to, j, z[j]);
				c[i] = z;
			}
			for (int i = 0; i < 8; i++)
				free(c[i]);
			free(q);
		}
	}
}

static void test_realloc(void)
{
	/* realloc(NULL, n) is malloc(n). */
	unsigned char *p = opaque(realloc(NULL, 100));
	CHECK(p != NULL);
	if (p) {
		CHECK(malloc_usable_size(p) >= 100);
		memset(p, 1, 100);
	}
	/* realloc(p, 0) frees p and returns NULL (glibc), errno untouched. */
	errno = 1234;
	void *r = realloc(p, 0);
	CHECKF(r == NULL, "realloc(p, 0) = %p (glibc frees and returns NULL)", r);
	CHECKF(errno == 1234, "realloc(p, 0): errno %d", errno);
	if (r)
		free(r);
	/* realloc(NULL, 0) is malloc(0): a unique pointer. */
	void *z = realloc(NULL, 0);
	CHECK(z != NULL);
	free(z);
	/* realloc(p, 0) of a large block too. */
	p = malloc(5 << 20);
	CHECK(p != NULL);
	errno = 1234;
	r = realloc(p, 0);
	CHECK(r == NULL && errno == 1234);

	/* Grow across every size class into large sizes, then shrink back,
	 * checking the preserved prefix at each step. */
	size_t steps[200];
	int ns = 0;
	for (size_t n = 1; n <= ((size_t)64 << 20) && ns < 200; n = n * 5 / 4 + 3)
		steps[ns++] = n;
	steps[ns++] = (size_t)64 << 20;
	for (int pass = 0; pass < 2; pass++) {
		unsigned seed = 17 + pass;
		size_t have = 0;
		unsigned char *b = NULL;
		for (int i = 0; i < ns; i++) {
			size_t n = steps[i];
			unsigned char *nb = realloc(b, n);
			if (!nb)
				FATAL("realloc(%p, %zu) failed", (void *)b, n);
			size_t bad = rbad(nb, have, seed);
			CHECKF(bad == (size_t)-1, "grow %zu -> %zu: byte %zu lost", have, n, bad);
			CHECK(aligned(nb, 16));
			CHECK(malloc_usable_size(nb) >= n);
			rfill(nb, have, n, seed);
			b = nb;
			have = n;
			/* A neighbour allocation on the second pass, so blocks cannot
			 * always grow in place. */
			if (pass == 1 && i % 3 == 0)
				free(opaque(malloc(n / 2 + 1)));
		}
		for (int i = ns - 2; i >= 0; i -= 1 + pass) {
			size_t n = steps[i];
			unsigned char *nb = realloc(b, n);
			if (!nb)
				FATAL("realloc shrink to %zu failed", n);
			size_t bad = rbad(nb, n, seed);
			CHECKF(bad == (size_t)-1, "shrink -> %zu: byte %zu lost", n, bad);
			CHECK(malloc_usable_size(nb) >= n);
			b = nb;
		}
		free(b);
	}

	/* Jumps: small <-> large in one step. */
	size_t jumps[][2] = { { 10, 10 << 20 }, { 10 << 20, 10 }, { 1000, 300000 },
			      { 300000, 1000 }, { 24, 64 << 20 }, { 64 << 20, 2 << 20 },
			      { 130000, 140000 }, { 2 << 20, (2 << 20) + 1 } };
	for (size_t j = 0; j < sizeof jumps / sizeof jumps[0]; j++) {
		size_t a = jumps[j][0], n = jumps[j][1], keep = a < n ? a : n;
		unsigned char *b = malloc(a);
		CHECK(b != NULL);
		if (!b)
			continue;
		rfill(b, 0, a, 3);
		unsigned char *nb = realloc(b, n);
		CHECK(nb != NULL);
		if (!nb) {
			free(b);
			continue;
		}
		size_t bad = rbad(nb, keep, 3);
		CHECKF(bad == (size_t)-1, "realloc %zu -> %zu: byte %zu lost", a, n, bad);
		memset(nb, 0x11, n);
		free(nb);
	}

	/* Failure: NULL, ENOMEM, old block intact and still usable. */
	size_t olds[] = { 100, 5000, 200000, 3 << 20 };
	size_t huge[] = { SIZE_MAX, BIG, SIZE_MAX - 8, (size_t)PTRDIFF_MAX - 4096 };
	for (size_t o = 0; o < 4; o++) {
		unsigned char *b = malloc(olds[o]);
		if (!b)
			FATAL("malloc");
		rfill(b, 0, olds[o], 9);
		for (size_t h = 0; h < 4; h++) {
			errno = 0;
			void *nb = opaque(realloc(b, opaque_size(huge[h])));
			CHECKF(nb == NULL, "realloc(%zu-byte block, %#zx) = %p", olds[o],
			       huge[h], nb);
			CHECKF(errno == ENOMEM, "realloc(.., %#zx): errno %d", huge[h], errno);
			size_t bad = rbad(b, olds[o], 9);
			CHECKF(bad == (size_t)-1, "failed realloc damaged byte %zu", bad);
		}
		unsigned char *nb = realloc(b, olds[o] * 2);
		CHECK(nb != NULL);
		if (nb) {
			CHECK(rbad(nb, olds[o], 9) == (size_t)-1);
			free(nb);
		} else {
			free(b);
		}
	}
	errno = 0;
	CHECK(realloc(NULL, SIZE_MAX) == NULL && errno == ENOMEM);

	/* reallocarray: overflow is ENOMEM and keeps the block. */
	unsigned char *b = reallocarray(NULL, 10, 10);
	CHECK(b != NULL);
	rfill(b, 0, 100, 5);
	errno = 0;
	void *nb = reallocarray(b, SIZE_MAX / 2 + 1, 2);
	CHECK(nb == NULL && errno == ENOMEM);
	errno = 0;
	nb = reallocarray(b, (size_t)1 << HALF, (size_t)1 << HALF);
	CHECK(nb == NULL && errno == ENOMEM);
	errno = 0;
	nb = reallocarray(b, 1, BIG);
	CHECK(nb == NULL && errno == ENOMEM);
	CHECK(rbad(b, 100, 5) == (size_t)-1);
	nb = reallocarray(b, 100, 20);
	CHECK(nb != NULL);
	if (nb) {
		CHECK(rbad(nb, 100, 5) == (size_t)-1);
		b = nb;
	}
	errno = 1234;
	nb = reallocarray(b, 0, 10); /* realloc(p, 0): frees, NULL */
	CHECK(nb == NULL && errno == 1234);
	errno = 0;
	CHECK(reallocarray(NULL, SIZE_MAX, 2) == NULL && errno == ENOMEM);
}

static void test_posix_memalign(void)
{
	size_t bad[] = { 0, 1, 2, 3, sizeof(void *) / 2, 12, 24, 40, 48, 100, 4095, 4097, 3 << 12,
			 SIZE_MAX, SIZE_MAX / 2, TOP + 8 };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		void *p = SENT;
		errno = 1234;
		int r = posix_memalign(&p, bad[i], 16);
		CHECKF(r == EINVAL, "posix_memalign(align %#zx) = %d", bad[i], r);
		CHECKF(errno == 1234, "posix_memalign(align %#zx): errno %d", bad[i], errno);
		CHECKF(p == SENT, "posix_memalign(align %#zx) wrote *memptr", bad[i]);
	}
	struct { size_t a, n; } nomem[] = { { 16, SIZE_MAX }, { 16, BIG },
					    { 4096, SIZE_MAX - 4096 },
					    { NOMEM_A, NOMEM_N },
					    { TOP, NOMEM_N },
					    { 64, (size_t)PTRDIFF_MAX } };
	for (size_t i = 0; i < sizeof nomem / sizeof nomem[0]; i++) {
		void *p = SENT;
		int r = posix_memalign(&p, nomem[i].a, nomem[i].n);
		CHECKF(r == ENOMEM, "posix_memalign(%#zx, %#zx) = %d", nomem[i].a,
		       nomem[i].n, r);
		CHECKF(p == SENT, "posix_memalign(%#zx, %#zx) wrote *memptr",
		       nomem[i].a, nomem[i].n);
	}
	for (size_t a = sizeof(void *); a <= ((size_t)1 << 22); a <<= 1) {
		void *p = SENT;
		errno = 1234;
		int r = posix_memalign(&p, a, 3 * a / 2 + 1);
		CHECKF(r == 0 && p != SENT && p != NULL && aligned(p, a),
		       "posix_memalign(%zu) = %d, %p", a, r, p);
		CHECKF(errno == 1234, "posix_memalign(%zu): errno %d", a, errno);
		if (r == 0) {
			CHECK(malloc_usable_size(p) >= 3 * a / 2 + 1);
			memset(p, 0x77, 3 * a / 2 + 1);
			free(p);
		}
	}
	void *p = SENT;
	CHECK(posix_memalign(&p, 64, 0) == 0 && p != SENT);
	if (p != SENT)
		free(p);
}

/* aligned_alloc changed in glibc 2.38: before, it is memalign (any alignment,
 * rounded up to a power of two; 0 means malloc); from 2.38 an alignment that
 * is not a power of two (or is 0) fails with EINVAL. Follow the running one. */
static void test_aligned_alloc(void)
{
	int strict = glibc_at_least(2, 38);
	size_t odd[] = { 0, 3, 24, 48, 100, 4095, 12288 };

	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		errno = 1234;
		void *p = opaque(aligned_alloc(opaque_size(odd[i]), 100));
		if (strict) {
			CHECKF(p == NULL && errno == EINVAL,
			       "glibc >= 2.38: aligned_alloc(%zu, 100) = %p errno %d",
			       odd[i], p, errno);
		} else {
			size_t want = 16;
			while (want < odd[i])
				want <<= 1;
			CHECKF(p != NULL && aligned(p, want) && errno == 1234,
			       "glibc %s: aligned_alloc(%zu, 100) = %p errno %d (want "
			       "alignment %zu)", gnu_get_libc_version(), odd[i], p,
			       errno, want);
			if (p) {
				CHECK(malloc_usable_size(p) >= 100);
				memset(p, 0x33, 100);
			}
		}
		free(p);
	}
	for (size_t a = 1; a <= ((size_t)1 << 22); a <<= 1) {
		errno = 1234;
		void *p = aligned_alloc(a, a * 3);
		CHECKF(p && aligned(p, a > 16 ? a : 16) && errno == 1234,
		       "aligned_alloc(%zu, %zu) = %p errno %d", a, a * 3, p, errno);
		if (p)
			memset(p, 0x44, a * 3);
		free(p);
	}
	/* An alignment above SIZE_MAX/2+1 is EINVAL in every version. */
	errno = 0;
	CHECK(aligned_alloc(TOP + 1, 16) == NULL && errno == EINVAL);
	errno = 0;
	CHECK(aligned_alloc(SIZE_MAX, 16) == NULL && errno == EINVAL);
	/* Too large a size: ENOMEM. */
	errno = 0;
	CHECK(aligned_alloc(64, SIZE_MAX) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(aligned_alloc(4096, BIG) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(aligned_alloc(NOMEM_A, NOMEM_N) == NULL && errno == ENOMEM);
}

static void test_memalign_valloc(void)
{
	/* memalign: non-power-of-two alignments round up, 0 means malloc. */
	size_t al[] = { 0, 1, 3, 8, 16, 24, 33, 64, 100, 4096, 5000, 1 << 21 };
	for (size_t i = 0; i < sizeof al / sizeof al[0]; i++) {
		size_t want = 16;
		while (want < al[i])
			want <<= 1;
		errno = 1234;
		void *p = opaque(memalign(opaque_size(al[i]), 77));
		CHECKF(p && aligned(p, want) && errno == 1234,
		       "memalign(%zu, 77) = %p errno %d", al[i], p, errno);
		if (p) {
			CHECK(malloc_usable_size(p) >= 77);
			memset(p, 0x66, 77);
		}
		free(p);
	}
	errno = 0;
	CHECK(memalign(TOP + 1, 16) == NULL && errno == EINVAL);
	errno = 0;
	CHECK(memalign(16, SIZE_MAX) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(memalign(4096, BIG) == NULL && errno == ENOMEM);

	/* valloc: page aligned. */
	size_t vs[] = { 0, 1, 100, 4095, 4096, 4097, 100000, 3 << 20 };
	for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
		errno = 1234;
		void *p = opaque(valloc(opaque_size(vs[i])));
		CHECKF(p && aligned(p, page) && errno == 1234, "valloc(%zu) = %p errno %d",
		       vs[i], p, errno);
		if (p) {
			CHECK(malloc_usable_size(p) >= vs[i]);
			memset(p, 0x12, vs[i]);
		}
		free(p);
	}
	errno = 0;
	CHECK(valloc(SIZE_MAX) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(valloc(BIG) == NULL && errno == ENOMEM);

	/* pvalloc: page aligned, size rounded up to whole pages. pvalloc(0)
	 * rounds to 0 bytes in glibc (usable size 24 on 2.36), so only n >= 1
	 * promises whole pages. */
	size_t pv[] = { 0, 1, 100, 4095, 4096, 4097, 10000, 100000, (1 << 20) + 1 };
	void *keep[16];
	for (size_t i = 0; i < sizeof pv / sizeof pv[0]; i++) {
		errno = 1234;
		void *p = opaque(pvalloc(opaque_size(pv[i])));
		size_t want = (pv[i] + page - 1) / page * page;
		CHECKF(p && aligned(p, page) && errno == 1234, "pvalloc(%zu) = %p errno %d",
		       pv[i], p, errno);
		if (p) {
			CHECKF(malloc_usable_size(p) >= want, "pvalloc(%zu): usable %zu < %zu",
			       pv[i], malloc_usable_size(p), want);
			memset(p, 0x21, want);
		}
		keep[i] = p;
	}
	for (size_t i = 0; i < sizeof pv / sizeof pv[0]; i++)
		for (size_t j = 0; j < i; j++)
			CHECK(keep[i] != keep[j]);
	for (size_t i = 0; i < sizeof pv / sizeof pv[0]; i++)
		free(keep[i]);
	errno = 0;
	CHECK(pvalloc(SIZE_MAX) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(pvalloc(SIZE_MAX - page + 2) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(pvalloc(BIG) == NULL && errno == ENOMEM);
}

/* Every byte up to malloc_usable_size is the caller's: fill each block of a
 * batch to its usable size, then check that no neighbour was touched. */
static void test_usable_size(void)
{
	enum { K = 24 };
	void *b[K];
	size_t us[K];

	CHECK(malloc_usable_size(NULL) == 0);
	for (size_t n = 0; n <= 5000; n += (n < 600 ? 1 : 37)) {
		for (int i = 0; i < K; i++) {
			b[i] = malloc(n);
			if (!b[i])
				FATAL("malloc(%zu)", n);
			us[i] = malloc_usable_size(b[i]);
			CHECKF(us[i] >= n, "malloc_usable_size(malloc(%zu)) = %zu", n, us[i]);
			pat_fill(b[i], us[i], (unsigned)i);
		}
		for (int i = 0; i < K; i++) {
			size_t bad = pat_bad(b[i], us[i], (unsigned)i);
			CHECKF(bad == (size_t)-1,
			       "malloc(%zu) block %d: byte %zu of usable %zu overwritten by "
			       "a neighbour", n, i, bad, us[i]);
			CHECK(malloc_usable_size(b[i]) == us[i]);
		}
		for (int i = 0; i < K; i += 2)
			free(b[i]);
		/* New neighbours in the holes, filled to their own usable size. */
		for (int i = 0; i < K; i += 2) {
			b[i] = malloc(n);
			us[i] = malloc_usable_size(b[i]);
			pat_fill(b[i], us[i], 99);
		}
		for (int i = 0; i < K; i++) {
			size_t bad = pat_bad(b[i], us[i], i % 2 ? (unsigned)i : 99);
			CHECKF(bad == (size_t)-1, "malloc(%zu) block %d: byte %zu damaged", n,
			       i, bad);
			free(b[i]);
		}
	}
	size_t large[] = { 65536, 100000, 131072, 131073, 500000, 1 << 20,
			   (2 << 20) - 1, 2 << 20, (2 << 20) + 1, 5000000, 33 << 20 };
	for (size_t l = 0; l < sizeof large / sizeof large[0]; l++) {
		for (int i = 0; i < 4; i++) {
			b[i] = malloc(large[l]);
			if (!b[i])
				FATAL("malloc(%zu)", large[l]);
			us[i] = malloc_usable_size(b[i]);
			CHECK(us[i] >= large[l]);
			memset(b[i], 0x40 + i, us[i]);
		}
		for (int i = 0; i < 4; i++) {
			unsigned char *c = b[i];
			size_t j;
			for (j = 0; j < us[i] && c[j] == 0x40 + i; j++)
				;
			CHECKF(j == us[i], "malloc(%zu): byte %zu damaged", large[l], j);
			free(b[i]);
		}
	}
	/* Usable size of calloc/realloc/aligned results too. */
	void *p = calloc(3, 33);
	CHECK(malloc_usable_size(p) >= 99);
	p = realloc(p, 1000);
	CHECK(malloc_usable_size(p) >= 1000);
	free(p);
	p = memalign(256, 300);
	CHECK(malloc_usable_size(p) >= 300);
	memset(p, 1, malloc_usable_size(p));
	free(p);
}

typedef void (*cfree_fn)(void *);

static void test_free_variants(void)
{
	errno = 1234;
	free(NULL);
	CHECK(errno == 1234);

	/* cfree is a compat symbol in glibc >= 2.26. An old binary's reference
	 * cfree@GLIBC_2.2.5 binds to the first definition in search order that
	 * is unversioned or of that version, i.e. the preloaded one; dlsym
	 * follows the same order. (dlvsym is stricter than the loader's own
	 * binding: it skips unversioned definitions, so it would name glibc's.)
	 * Without a preloaded definition dlsym finds nothing (the compat symbol
	 * is hidden from unversioned lookups) and dlvsym names glibc's own. */
	cfree_fn cf = (cfree_fn)dlsym(RTLD_DEFAULT, "cfree");
	if (!cf)
		cf = (cfree_fn)dlvsym(RTLD_DEFAULT, "cfree", "GLIBC_2.2.5");
	if (cf) {
		for (int i = 0; i < 20000; i++) {
			void *p = malloc((size_t)(i % 50) * 40 + 1);
			CHECK(p != NULL);
			errno = 1234;
			cf(p);
			CHECK(errno == 1234);
		}
		void *p = malloc(5 << 20);
		cf(p);
		cf(NULL);
	} else {
		printf("note: cfree not resolvable, not tested\n");
	}

	void (*fs)(void *, size_t) = free_sized;
	void (*fas)(void *, size_t, size_t) = free_aligned_sized;
	if (!fs)
		fs = (void (*)(void *, size_t))dlsym(RTLD_DEFAULT, "free_sized");
	if (!fas)
		fas = (void (*)(void *, size_t, size_t))dlsym(RTLD_DEFAULT,
							      "free_aligned_sized");
	if (fs) {
		fs(NULL, 0);
		fs(NULL, 100);
		for (size_t n = 0; n < 300000; n = n * 2 + 1) {
			for (int i = 0; i < 100; i++) {
				void *p = malloc(n);
				CHECK(p != NULL);
				errno = 1234;
				fs(p, n);
				CHECK(errno == 1234);
			}
		}
		void *p = calloc(10, 10);
		fs(p, 100);
		p = malloc(8 << 20);
		fs(p, 8 << 20);
	} else {
		printf("note: free_sized not resolvable (glibc %s), not tested\n",
		       gnu_get_libc_version());
	}
	if (fas) {
		fas(NULL, 64, 0);
		for (size_t a = 1; a <= (1 << 21); a <<= 1)
			for (size_t n = a; n <= a * 4; n += a) {
				void *p = aligned_alloc(a, n);
				CHECK(p != NULL);
				errno = 1234;
				fas(p, a, n);
				CHECK(errno == 1234);
			}
	} else {
		printf("note: free_aligned_sized not resolvable, not tested\n");
	}
}

/* Success never touches errno, for every entry point and size path. */
static void test_errno_preserved(void)
{
	size_t sizes[] = { 0, 1, 24, 1000, 40000, 200000, 3 << 20, 40 << 20 };
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		size_t n = sizes[s];
		void *p, *q;
#define E(call)                                                                \
	do {                                                                   \
		errno = 1234;                                                  \
		call;                                                          \
		CHECKF(errno == 1234, "%s (n=%zu) changed errno to %d", #call, n, \
		       errno);                                                 \
	} while (0)
		E(p = malloc(n));
		E(free(p));
		E(p = calloc(1, n));
		E(free(p));
		E(p = calloc(n, 1));
		E(p = realloc(p, n + 100));
		E(p = realloc(p, n / 2 + 1));
		E(p = realloc(p, 2 * n + 1));
		E((void)malloc_usable_size(p));
		E(p = reallocarray(p, n + 1, 2));
		E(free(p));
		E(p = realloc(NULL, n));
		E(free(p));
		E(p = reallocarray(NULL, 3, n));
		E(free(p));
		E((void)posix_memalign(&p, 64, n));
		E(free(p));
		E((void)posix_memalign(&p, 1 << 16, n));
		E(free(p));
		E(p = aligned_alloc(32, n));
		E(free(p));
		E(p = aligned_alloc(4096, n));
		E(free(p));
		E(p = memalign(128, n));
		E(free(p));
		E(p = valloc(n));
		E(free(p));
		E(p = pvalloc(n));
		E(free(p));
		E(q = malloc(n));
		E(p = realloc(q, 0));
#undef E
	}
	errno = 1234;
	(void)malloc_trim(0);
	CHECKF(errno == 1234, "malloc_trim: errno %d", errno);
	errno = 1234;
	struct mallinfo2 mi = mallinfo2();
	(void)mi;
	CHECKF(errno == 1234, "mallinfo2: errno %d", errno);
	errno = 1234;
	(void)mallopt(M_TRIM_THRESHOLD, 128 * 1024);
	CHECKF(errno == 1234, "mallopt: errno %d", errno);
	errno = 1234;
	(void)malloc_usable_size(NULL);
	CHECK(errno == 1234);
}

static void test_stats(void)
{
	enum { N = 2000, SZ = 1000 };
	static void *live[N];
	for (int i = 0; i < N; i++) {
		live[i] = malloc(SZ);
		if (!live[i])
			FATAL("malloc");
		memset(live[i], 1, SZ);
	}
	void *big = malloc(16 << 20);
	memset(big, 1, 16 << 20);
	size_t want = (size_t)N * SZ + (16 << 20);

	struct mallinfo2 mi = mallinfo2();
	CHECKF(mi.uordblks + mi.hblkhd >= want,
	       "mallinfo2: uordblks %zu + hblkhd %zu < %zu bytes live", mi.uordblks,
	       mi.hblkhd, want);
	CHECKF(mi.uordblks <= mi.arena + mi.hblkhd,
	       "mallinfo2: uordblks %zu > arena %zu + hblkhd %zu", mi.uordblks,
	       mi.arena, mi.hblkhd);
	CHECKF(mi.fordblks <= mi.arena, "mallinfo2: fordblks %zu > arena %zu",
	       mi.fordblks, mi.arena);
	CHECKF((uint64_t)mi.arena + mi.hblkhd < ((uint64_t)1 << 40), "mallinfo2: arena %zu hblkhd %zu",
	       mi.arena, mi.hblkhd);
	CHECK(mi.keepcost <= mi.arena);

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	struct mallinfo m1 = mallinfo();
#pragma GCC diagnostic pop
	CHECKF(m1.uordblks >= 0 && m1.arena >= 0 && m1.hblkhd >= 0 && m1.fordblks >= 0,
	       "mallinfo: negative field");

	/* malloc_stats writes to stderr: send it to /dev/null. */
	fflush(stderr);
	int save = dup(2), nul = open("/dev/null", O_WRONLY);
	if (save < 0 || nul < 0)
		FATAL("dup");
	dup2(nul, 2);
	malloc_stats();
	fflush(stderr);
	dup2(save, 2);
	close(save);
	close(nul);

	CHECK(mallopt(M_MMAP_THRESHOLD, 256 * 1024) == 1);
	CHECK(mallopt(M_TRIM_THRESHOLD, 256 * 1024) == 1);
	CHECK(mallopt(M_TOP_PAD, 64 * 1024) == 1);
	CHECK(mallopt(M_ARENA_MAX, 8) == 1);
	int r = mallopt(M_PERTURB, 0);
	CHECK(r == 0 || r == 1);
	r = mallopt(12345, 1);
	CHECK(r == 0 || r == 1);

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		FATAL("open_memstream");
	errno = 1234;
	r = malloc_info(0, f);
	CHECKF(r == 0, "malloc_info(0) = %d", r);
	fclose(f);
	CHECKF(len > 0 && buf && !strncmp(buf, "<malloc", 7),
	       "malloc_info(0) wrote %zu bytes, not a <malloc ...> document", len);
	free(buf);

	/* Options other than 0: glibc returns EINVAL itself (not -1 with errno
	 * as the man page says) and writes nothing. */
	f = fopen("/dev/null", "w");
	r = malloc_info(1, f);
	CHECKF(r == EINVAL, "malloc_info(1) = %d (glibc returns EINVAL)", r);
	r = malloc_info(-1, f);
	CHECKF(r == EINVAL, "malloc_info(-1) = %d (glibc returns EINVAL)", r);
	fclose(f);

	for (int i = 0; i < N; i++)
		free(live[i]);
	free(big);
	r = malloc_trim(0);
	CHECKF(r == 0 || r == 1, "malloc_trim(0) = %d", r);
	r = malloc_trim(1 << 20);
	CHECKF(r == 0 || r == 1, "malloc_trim(1 MiB) = %d", r);
	mi = mallinfo2();
	CHECK(mi.uordblks <= mi.arena + mi.hblkhd);
}

int main(void)
{
	page = (size_t)sysconf(_SC_PAGESIZE);
	printf("glibc %s, %s\n", gnu_get_libc_version(),
	       under_shim() ? "under the shim" : "no shim");
	test_malloc();
	test_calloc();
	test_calloc_after_shrink();
	test_realloc();
	test_posix_memalign();
	test_aligned_alloc();
	test_memalign_valloc();
	test_usable_size();
	test_free_variants();
	test_errno_preserved();
	test_stats();
	return check_done("semantics");
}
#endif
