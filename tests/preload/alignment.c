/* alignment.c: every aligned entry point honours its alignment, from 1 byte
 * to 64 MiB, for sizes from 0 to several MiB, and the whole block is
 * writable without touching its neighbours; plain malloc/calloc/realloc give
 * at least 16-byte alignment at every size. */
#include "check.h"
#include <errno.h>
#include <malloc.h>
#include <string.h>

static int aligned(const void *p, size_t a)
{
	return ((uintptr_t)p & (a - 1)) == 0;
}

static const size_t sizes[] = { 0, 1, 7, 8, 15, 16, 17, 31, 100, 1000, 4095, 4096,
				4097, 65535, 65536, 100000, 131072, (1 << 20) - 1,
				1 << 20, (1 << 20) + 1, (3 << 20) + 5, 5 << 20 };
#define NSIZES (sizeof sizes / sizeof sizes[0])

enum { PM, AA, MA, NFN };
static long nblocks;
static const char *fname[] = { "posix_memalign", "aligned_alloc", "memalign" };

static void *get(int fn, size_t a, size_t n)
{
	void *p = NULL;
	switch (fn) {
	case PM:
		if (a < sizeof(void *))
			a = sizeof(void *);
		{
			int r = posix_memalign(&p, a, n);
			CHECKF(r == 0, "posix_memalign(&p, %zu, %zu) = %d", a, n, r);
			if (r)
				p = NULL;
		}
		break;
	case AA:
		p = aligned_alloc(a, n);
		break;
	case MA:
		p = memalign(a, n);
		break;
	}
	return p;
}

/* One alignment through one function: all sizes live at once, each filled
 * with its own pattern, then all checked. Big alignments with big sizes cost
 * a lot of address space: the largest sizes are skipped above 16 MiB. */
static void sweep(int fn, size_t a)
{
	void *p[NSIZES];
	size_t n[NSIZES];
	int k = 0;

	for (size_t s = 0; s < NSIZES; s++) {
		if (a >= ((size_t)16 << 20) && sizes[s] > (1 << 20))
			continue;
		errno = 1234;
		void *q = get(fn, a, sizes[s]);
		CHECKF(q != NULL, "%s(%zu, %zu) = NULL", fname[fn], a, sizes[s]);
		if (!q)
			continue;
		CHECKF(errno == 1234, "%s(%zu, %zu): errno %d", fname[fn], a, sizes[s], errno);
		CHECKF(aligned(q, a) && aligned(q, 16), "%s(%zu, %zu) = %p misaligned",
		       fname[fn], a, sizes[s], q);
		CHECKF(malloc_usable_size(q) >= sizes[s], "%s(%zu, %zu): usable %zu",
		       fname[fn], a, sizes[s], malloc_usable_size(q));
		p[k] = q;
		n[k] = sizes[s];
		/* Pattern at every page, head and tail; all of small blocks. */
		if (sizes[s] <= 8192) {
			pat_fill(q, sizes[s], (unsigned)k);
		} else {
			memset(q, 0x5a, sizes[s]);
			pat_fill(q, 64, (unsigned)k);
			pat_fill((char *)q + sizes[s] - 64, 64, (unsigned)k);
		}
		k++;
		nblocks++;
	}
	for (int i = 0; i < k; i++) {
		size_t m = n[i];
		if (m <= 8192) {
			size_t bad = pat_bad(p[i], m, (unsigned)i);
			CHECKF(bad == (size_t)-1, "%s(%zu, %zu): byte %zu damaged",
			       fname[fn], a, m, bad);
		} else {
			CHECKF(pat_bad(p[i], 64, (unsigned)i) == (size_t)-1 &&
				       pat_bad((char *)p[i] + m - 64, 64, (unsigned)i) ==
					       (size_t)-1,
			       "%s(%zu, %zu): head or tail damaged", fname[fn], a, m);
			const unsigned char *c = p[i];
			size_t j;
			for (j = 64; j < m - 64 && c[j] == 0x5a; j += 509)
				;
			CHECKF(j >= m - 64, "%s(%zu, %zu): byte %zu damaged", fname[fn], a,
			       m, j);
		}
	}
	for (int i = 0; i < k; i++)
		free(p[i]);
}

int main(void)
{
	for (int fn = 0; fn < NFN; fn++)
		for (size_t a = 1; a <= ((size_t)64 << 20); a <<= 1)
			sweep(fn, a);

	/* Aligned blocks can be realloc'ed (alignment then 16) and keep data. */
	for (size_t a = 32; a <= (1 << 21); a <<= 3) {
		unsigned char *p = memalign(a, 1000);
		CHECK(p && aligned(p, a));
		if (!p)
			continue;
		for (int i = 0; i < 1000; i++)
			p[i] = (unsigned char)i;
		p = realloc(p, 300000);
		CHECK(p && aligned(p, 16));
		int i;
		for (i = 0; p && i < 1000 && p[i] == (unsigned char)i; i++)
			;
		CHECKF(i == 1000, "realloc of memalign(%zu) block lost byte %d", a, i);
		free(p);
	}

	/* malloc, calloc and realloc: 16-byte alignment at every small size. */
	static void *keep[64];
	for (size_t n = 1; n <= 70000; n++) {
		unsigned char *p = opaque(malloc(n));
		CHECKF(p && aligned(p, 16), "malloc(%zu) = %p", n, (void *)p);
		if (!p)
			continue;
		p[0] = 1;
		p[n - 1] = 2;
		/* Keep some alive so successive calls do not all reuse one slot. */
		int slot = (int)(n % 64);
		free(keep[slot]);
		keep[slot] = p;
		if (n % 97 == 0) {
			void *c = calloc(1, n);
			CHECKF(c && aligned(c, 16), "calloc(1, %zu) = %p", n, c);
			free(c);
		}
		if (n % 101 == 0) {
			void *r = realloc(keep[slot], n + 50);
			CHECKF(r && aligned(r, 16), "realloc(.., %zu) = %p", n + 50, r);
			if (r)
				keep[slot] = r;
		}
	}
	for (int i = 0; i < 64; i++)
		free(keep[i]);
	static const size_t large[] = { 100000, 131071, 131072, 131073, 262144,
					(1 << 20) + 3, (2 << 20) - 16, 2 << 20,
					(2 << 20) + 16, 7 << 20, 32 << 20, (64 << 20) + 1 };
	for (size_t i = 0; i < sizeof large / sizeof large[0]; i++) {
		unsigned char *p = malloc(large[i]);
		CHECKF(p && aligned(p, 16), "malloc(%zu) = %p", large[i], (void *)p);
		if (p) {
			p[0] = 1;
			p[large[i] - 1] = 2;
			for (size_t j = 0; j < large[i]; j += 4096)
				p[j] = 3;
		}
		free(p);
	}
	printf("%ld aligned blocks checked\n", nblocks);
	return check_done("alignment");
}
