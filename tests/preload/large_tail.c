/* large_tail.c: the huge-page advice of a large block's last chunk
 * (shim/large.c, block_advise). A block ends in a partly asked-for chunk;
 * that chunk is advised for huge pages only when the unasked rest is at
 * most an eighth of the block, else MADV_NOHUGEPAGE, so that a block of
 * 2 MiB + 16 KiB costs about that much RSS and not two huge pages. Also:
 * realloc moves such a block with mremap (the split VMA is joined first) and
 * keeps its bytes, and the advice follows the new length.
 * Reads VmFlags (hg, nh) and Rss of the block's VMAs in /proc/self/smaps.
 * Only meaningful under the shim with huge pages advised: skips otherwise. */
#include "check.h"
#include <string.h>
#include <fragguard.h>

static size_t C;

struct range {
	size_t rss_kb, huge_kb;
	int hg, nh; /* VMAs touching the range advised huge / not huge */
};

/* Rss, AnonHugePages and advice of the VMAs that overlap [a, a+n). */
static struct range smaps(const void *a, size_t n)
{
	struct range r = { 0, 0, 0, 0 };
	uintptr_t lo = (uintptr_t)a, hi = lo + n;
	char line[512];
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f)
		FATAL("cannot open /proc/self/smaps");
	while (fgets(line, sizeof line, f)) {
		unsigned long vs, ve;
		if (sscanf(line, "%lx-%lx ", &vs, &ve) == 2) { /* a VMA's first line */
			in = vs < hi && ve > lo;
			continue;
		}
		if (!in)
			continue;
		size_t kb;
		if (sscanf(line, "Rss: %zu kB", &kb) == 1)
			r.rss_kb += kb;
		else if (sscanf(line, "AnonHugePages: %zu kB", &kb) == 1)
			r.huge_kb += kb;
		else if (!strncmp(line, "VmFlags:", 8)) {
			r.hg += strstr(line, " hg") != NULL;
			r.nh += strstr(line, " nh") != NULL;
		}
	}
	fclose(f);
	return r;
}

static int thp_possible(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof buf, f))
		buf[0] = 0;
	fclose(f);
	return !strstr(buf, "[never]") && buf[0];
}

/* A block with a small tail: the tail chunk is not huge, the RSS is about
 * what was asked for; the head chunk may be huge. */
static void test_small_tail(void)
{
	size_t n = 2 * C + 16384;
	unsigned char *p = malloc(n);
	CHECK(p != NULL);
	if (!p)
		return;
	memset(p, 0x5a, n);
	struct range head = smaps(p, 2 * C), tail = smaps(p + 2 * C, C);
	CHECKF(tail.nh == 1 && tail.hg == 0, "tail chunk of a 2 C + 16 KiB block: nh %d hg %d",
	       tail.nh, tail.hg);
	CHECKF(head.hg >= 1 && head.nh == 0, "head of a 2 C + 16 KiB block: hg %d nh %d", head.hg,
	       head.nh);
	CHECKF(tail.rss_kb <= 16 + 64 && tail.huge_kb == 0,
	       "tail chunk resident %zu KiB (huge %zu KiB) for 16 KiB asked", tail.rss_kb,
	       tail.huge_kb);
	CHECKF(head.rss_kb + tail.rss_kb >= n / 1024, "block of %zu KiB has %zu KiB resident",
	       n / 1024, head.rss_kb + tail.rss_kb);

	/* realloc past the mapping: mremap of the joined VMA, bytes kept, the
	 * new tail (C / 2 of a chunk, rest 3 C / 2 > 3.5 C / 8) not huge. */
	size_t m = 3 * C + C / 2;
	unsigned char *q = realloc(p, m);
	CHECK(q != NULL);
	if (!q)
		return;
	size_t bad = 0;
	for (size_t i = 0; i < n; i++)
		bad += q[i] != 0x5a;
	CHECKF(bad == 0, "realloc of a block with a split VMA: %zu bytes changed", bad);
	memset(q, 0x33, m);
	struct range h2 = smaps(q, 3 * C), t2 = smaps(q + 3 * C, C);
	CHECKF(t2.nh == 1 && t2.hg == 0, "tail after realloc to 3.5 C: nh %d hg %d", t2.nh, t2.hg);
	CHECKF(h2.nh == 0 && h2.hg >= 1, "head after realloc to 3.5 C: nh %d hg %d", h2.nh, h2.hg);
	CHECKF(t2.rss_kb <= C / 2 / 1024 + 64, "tail after realloc: %zu KiB resident for %zu asked",
	       t2.rss_kb, C / 2 / 1024);
	free(q);
}

/* A block whose tail wastes at most an eighth of it stays huge throughout. */
static void test_big_tail(void)
{
	size_t n = 4 * C - C / 4; /* 3.75 C: the rest 0.25 C <= 3.75 C / 8 */
	unsigned char *p = malloc(n);
	CHECK(p != NULL);
	if (!p)
		return;
	memset(p, 0x11, n);
	struct range r = smaps(p, 4 * C);
	CHECKF(r.nh == 0 && r.hg >= 1, "3.75 C block: nh %d hg %d", r.nh, r.hg);
	free(p);
	/* Exactly whole chunks: no tail, huge. */
	p = malloc(2 * C);
	CHECK(p != NULL);
	if (!p)
		return;
	r = smaps(p, 2 * C);
	CHECKF(r.nh == 0 && r.hg >= 1, "2 C block: nh %d hg %d", r.nh, r.hg);
	free(p);
}

int main(void)
{
	if (!under_shim())
		skip("not under the shim (large blocks are the shim's)");
	struct fg_stats s = shim_stats();
	C = (size_t)s.chunk_bytes;
	if (!s.active || !C)
		skip("the shim is disabled");
	if (!s.thp || !thp_possible())
		skip("huge pages are not advised here (THP off or never)");
	test_small_tail();
	test_big_tail();
	return check_done("large_tail");
}
