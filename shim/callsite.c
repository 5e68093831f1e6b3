/* callsite.c: the one file that unwinds (callsite.h). Samples are unwound
 * with the C library's backtrace() (libgcc's unwinder, from the modules'
 * unwind tables) outside every shim lock, under a per-thread guard so that
 * a malloc made by the unwinder itself is never sampled, and
 * hashed into a fixed table (only the table's own spin lock is held, for
 * a few stores). Symbols are resolved only at report time: modules from
 * dl_iterate_phdr (the loader's lock, never taken under a shim lock),
 * names from the modules' symbol tables with raw reads. No malloc.
 * Not libunwind: version 1.6 checks each address it reads by writing a byte
 * of it into a pipe it opened once, on the lowest free descriptors; a
 * program that closed those and got the numbers back for its own sockets
 * (sshd does) had stray bytes written into them, bytes read out of them,
 * and them closed. libgcc's unwinder opens no descriptor. */
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include "callsite.h"
#include "fragguard/report.h"
#include "lock.h"
#include "os.h"
#include "report.h"
#if FG_UNWIND
#include <execinfo.h>
#endif

__thread int64_t callsite_left __attribute__((tls_model("initial-exec")));
static __thread int tl_busy __attribute__((tls_model("initial-exec")));
static int from_snapshot; /* a forked child: modules from the fork's snapshot */
static __thread int tl_init __attribute__((tls_model("initial-exec")));
static __thread uint64_t tl_rng __attribute__((tls_model("initial-exec")));

#define DEPTH FG_REPORT_FRAMES
#define NSITES FG_REPORT_SITES
#define PROBES 32
/* When sampling is off the countdown still runs out now and then, so that
 * report_poll() sees the slow path (it restarts the report thread after a
 * fork); 64 MiB of heap growth between looks costs nothing. */
#define IDLE_LEFT (64ll << 20)

struct site {
	uint64_t hash;
	uint64_t est_bytes, samples, chunks, mapped_bytes;
	uint32_t nframes;
	uintptr_t pc[DEPTH];
};

static struct lock tlock = LOCK_INIT;
static struct site sites[NSITES];
static uint64_t nsites, nsamples, nmappings, ndropped, nfailed;
static int armed;
static uintptr_t self_lo, self_hi; /* this library's mapped range */

/* ln(x) for x in (0, 1]: no libm in the shim. x = m * 2^e, m in [1, 2);
 * ln m = 2 atanh((m-1)/(m+1)), five terms: error below 1e-6. */
static double ln01(double x)
{
	union { double d; uint64_t u; } v = { x };
	int e = (int)((v.u >> 52) & 0x7ff) - 1023;
	v.u = (v.u & ((1ull << 52) - 1)) | (1023ull << 52);
	double s = (v.d - 1) / (v.d + 1), s2 = s * s;
	double t = s * (1 + s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 / 9))));
	return e * 0.69314718055994531 + 2 * t;
}

/* Bytes until the next sample: exponential with mean SAMPLE_BYTES, so that
 * every byte has the same chance of being sampled whatever the refill sizes
 * (a Poisson process over the byte stream, as tcmalloc draws it). */
static int64_t draw(void)
{
	uint64_t x = tl_rng;
	if (!x)
		x = os_now_ns() ^ ((uint64_t)os_gettid() << 32) ^ (uintptr_t)&tl_rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	tl_rng = x ? x : 1;
	double u = (double)((x >> 38) + 1) / (double)(1ull << 26); /* (0, 1] */
	double b = -ln01(u) * (double)g.conf.sample_bytes;
	return (int64_t)b + 1;
}

#if FG_UNWIND
static int own(uintptr_t pc) { return pc >= self_lo && pc < self_hi; }
#endif

/* Our own extent from our ELF header, without asking the loader. */
extern const ElfW(Ehdr) __ehdr_start __attribute__((visibility("hidden")));
static void self_range(void)
{
	const ElfW(Ehdr) *eh = &__ehdr_start;
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)((const char *)eh + eh->e_phoff);
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_vaddr < lo)
			lo = ph[i].p_vaddr;
		if (ph[i].p_vaddr + ph[i].p_memsz > hi)
			hi = ph[i].p_vaddr + ph[i].p_memsz;
	}
	uintptr_t bias = (uintptr_t)eh - lo;
	self_lo = bias + lo;
	self_hi = bias + hi;
}

#if FG_UNWIND
static uint64_t hash_pcs(const uintptr_t *pc, unsigned n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (unsigned i = 0; i < n; i++) {
		h ^= pc[i];
		h *= 0x100000001b3ull;
		h ^= h >> 29;
	}
	return h ? h : 1;
}
#endif

/* Unwinds the calling thread and charges its site. */
static void record(uint64_t est, uint64_t chunks, uint64_t mapped)
{
#if FG_UNWIND
	void *raw[DEPTH + 12];
	uintptr_t pc[DEPTH];
	int n, i = 0;
	unsigned k = 0;

	tl_busy = 1;
	n = backtrace(raw, DEPTH + 12);
	tl_busy = 0;
	while (i < n && own((uintptr_t)raw[i]))
		i++;
	for (; i < n && k < DEPTH; i++)
		pc[k++] = (uintptr_t)raw[i];
	if (!k) {
		__atomic_fetch_add(&nfailed, 1, __ATOMIC_RELAXED);
		return;
	}
	uint64_t h = hash_pcs(pc, k);
	lock_take(&tlock);
	if (est)
		nsamples++;
	else
		nmappings++;
	for (unsigned p = 0; p < PROBES; p++) {
		struct site *s = &sites[(h + p) & (NSITES - 1)];
		if (!s->hash) {
			s->hash = h;
			s->nframes = k;
			memcpy(s->pc, pc, k * sizeof pc[0]);
			nsites++;
		} else if (s->hash != h || s->nframes != k || memcmp(s->pc, pc, k * sizeof pc[0])) {
			continue;
		}
		s->est_bytes += est;
		s->samples += est ? 1 : 0;
		s->chunks += chunks;
		s->mapped_bytes += mapped;
		lock_give(&tlock);
		return;
	}
	ndropped++;
	lock_give(&tlock);
#else
	(void)est;
	(void)chunks;
	(void)mapped;
#endif
}

void callsite_sample(size_t n)
{
	if (tl_busy) { /* a malloc from inside the unwinder or the report writer */
		callsite_left = IDLE_LEFT;
		return;
	}
	report_poll();
	uint64_t mean = g.conf.sample_bytes;
	if (!mean || !FG_UNWIND || __atomic_load_n(&g.state, __ATOMIC_ACQUIRE) != ST_READY) {
		callsite_left = IDLE_LEFT;
		return;
	}
	if (!tl_init) { /* a thread's first countdown starts now, not at 0 */
		tl_init = 1;
		callsite_left += draw();
		if (callsite_left >= 0)
			return;
	}
	uint64_t k = 0;
	int64_t left = callsite_left;
	if (n / mean > 64) { /* a huge request: it is its own weight */
		k = n / mean;
		left = draw();
	} else {
		while (left < 0) {
			left += draw();
			k++;
		}
	}
	callsite_left = left;
	if (__atomic_load_n(&armed, __ATOMIC_ACQUIRE))
		record(k * mean, 0, 0);
}

void callsite_mapped(size_t len)
{
	if (tl_busy || !g.conf.sample_bytes || !__atomic_load_n(&armed, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&g.state, __ATOMIC_ACQUIRE) != ST_READY)
		return;
	record(0, 1, len);
}

void callsite_arm(void)
{
	if (!g.conf.sample_bytes || !FG_UNWIND || armed)
		return;
	self_range();
#if FG_UNWIND
	/* backtrace() loads libgcc_s (dlopen: it allocates) on first use: do
	 * it now, guarded, rather than inside the first sample. */
	void *raw[4];
	tl_busy = 1;
	backtrace(raw, 4);
	tl_busy = 0;
	/* Its allocations pushed this thread's countdown away (IDLE_LEFT):
	 * the program's first sample is drawn afresh. */
	callsite_left = 0;
	tl_init = 0;
#endif
	__atomic_store_n(&armed, 1, __ATOMIC_RELEASE);
}

void callsite_disarm(void)
{
	__atomic_store_n(&armed, 0, __ATOMIC_RELEASE);
}

void callsite_after_fork_child(void)
{
	lock_reset(&tlock);
	memset(sites, 0, sizeof sites);
	nsites = nsamples = nmappings = ndropped = nfailed = 0;
	callsite_left = 0; /* the forking thread looks at the slow path soon */
	tl_rng = 0;
	from_snapshot = 1;
}

/* ---- report time ---------------------------------------------------- */

#define NMOD 128
#define MAXREF (2 * FG_REPORT_TOP * DEPTH)
#define NAMELEN 120
#define NCACHE 1024

struct module {
	char path[256];
	uintptr_t bias;
};
struct ref {           /* one distinct frame address of the report */
	uintptr_t addr;    /* return address - 1 */
	uintptr_t off;     /* addr - module bias */
	int mod;           /* index into mods, -1 unknown */
	int cache;         /* index into cache, -1 none */
};
struct symcache {
	uintptr_t addr;
	uint32_t symoff;
	uint8_t state; /* 0 empty, 1 resolved, 2 no symbol */
	char name[NAMELEN];
};

static struct site top[2 * FG_REPORT_TOP];
static struct module mods[NMOD];
static int nmods;
static struct ref refs[MAXREF];
static int nrefs;
static struct symcache cache[NCACHE];
static const char *cur_exe;

static int ref_cmp_addr(const struct ref *a, const struct ref *b) { return a->addr < b->addr ? -1 : a->addr > b->addr; }

static void refs_sort(void)
{
	for (int i = 1; i < nrefs; i++) { /* insertion sort: a few hundred */
		struct ref r = refs[i];
		int j = i;
		while (j > 0 && ref_cmp_addr(&refs[j - 1], &r) > 0) {
			refs[j] = refs[j - 1];
			j--;
		}
		refs[j] = r;
	}
}

static int ref_find(uintptr_t addr)
{
	int lo = 0, hi = nrefs;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (refs[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Gives the refs inside [lo, hi), a loaded segment of the module name at
 * bias, that module: *m is its index in mods, made on the first ref. */
static void match_segment(uintptr_t lo, uintptr_t hi, const char *name, uintptr_t bias, int *m)
{
	for (int j = ref_find(lo); j < nrefs && refs[j].addr < hi; j++) {
		if (*m < 0) {
			if (nmods >= NMOD)
				return;
			*m = nmods++;
			struct fmtbuf fb;
			fmt_init(&fb, mods[*m].path, sizeof mods[*m].path);
			fmt_str(&fb, name ? name : "");
			mods[*m].bias = bias;
		}
		refs[j].mod = *m;
		refs[j].off = refs[j].addr - bias;
	}
}

static int phdr_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	if (nmods >= NMOD)
		return 1;
	int m = -1;
	const char *name = info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name : cur_exe;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD)
			match_segment(lo, lo + ph->p_memsz, name, info->dlpi_addr, &m);
	}
	return 0;
}

/* A forked child must not call dl_iterate_phdr: a thread of the parent may
 * have held the loader's lock at the fork, which the C library does not
 * reset in the child (glibc 2.36), and the child would wait for it forever
 * at its exit, exec or interval report. So fork takes a snapshot of the
 * loaded segments first (callsite_before_fork) and the child resolves from
 * it: libraries the child loads itself are not named. */
#define NSNAP 512
static struct { uintptr_t lo, hi; int mod; } snap_seg[NSNAP];
static struct module snap_mod[NMOD];
static int snap_nseg, snap_nmod;

static int snap_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	if (snap_nmod >= NMOD)
		return 1;
	int m = snap_nmod;
	for (int i = 0; i < info->dlpi_phnum && snap_nseg < NSNAP; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		snap_seg[snap_nseg].lo = info->dlpi_addr + ph->p_vaddr;
		snap_seg[snap_nseg].hi = snap_seg[snap_nseg].lo + ph->p_memsz;
		snap_seg[snap_nseg++].mod = m;
	}
	struct fmtbuf fb;
	fmt_init(&fb, snap_mod[m].path, sizeof snap_mod[m].path);
	fmt_str(&fb, info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name : "");
	snap_mod[m].bias = info->dlpi_addr;
	snap_nmod++;
	return 0;
}

void callsite_before_fork(void)
{
	/* A child forking again keeps the snapshot it has (its grandchild too). */
	if (!__atomic_load_n(&armed, __ATOMIC_ACQUIRE) || from_snapshot)
		return;
	int busy = tl_busy;
	tl_busy = 1; /* the loader may allocate: never sample that */
	snap_nseg = snap_nmod = 0;
	dl_iterate_phdr(snap_cb, NULL);
	tl_busy = busy;
}

static void resolve_modules(void)
{
	if (!from_snapshot) {
		int busy = tl_busy;
		tl_busy = 1; /* the loader may allocate: never sample that */
		dl_iterate_phdr(phdr_cb, NULL);
		tl_busy = busy;
		return;
	}
	for (int k = 0; k < snap_nmod; k++) {
		int m = -1;
		for (int i = 0; i < snap_nseg; i++)
			if (snap_seg[i].mod == k)
				match_segment(snap_seg[i].lo, snap_seg[i].hi,
					      snap_mod[k].path[0] ? snap_mod[k].path : cur_exe,
					      snap_mod[k].bias, &m);
	}
}

static unsigned cache_slot(uintptr_t a) { return (unsigned)((a * 0x9e3779b97f4a7c15ull) >> 54) & (NCACHE - 1); }

/* Resolves the refs of module m (sorted by address, hence by offset) that
 * the cache does not know, from the file's .symtab (else .dynsym). */
static void elf_resolve(int m)
{
	static ElfW(Shdr) sh[256];
	static ElfW(Sym) syms[512];
	static uintptr_t best_size[MAXREF], best_val[MAXREF];
	static uint32_t best_name[MAXREF];
	ElfW(Ehdr) eh;
	int want = 0;

	for (int j = 0; j < nrefs; j++) {
		best_size[j] = 0;
		if (refs[j].mod == m && refs[j].cache >= 0 && cache[refs[j].cache].state == 0)
			want++;
	}
	if (!want || !mods[m].path[0])
		return;
	int fd = os_open(mods[m].path, O_RDONLY, 0);
	if (fd < 0)
		goto none;
	if (os_pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32) ||
	    eh.e_shentsize != sizeof(ElfW(Shdr)) || !eh.e_shnum || eh.e_shnum > 256)
		goto close;
	size_t shbytes = (size_t)eh.e_shnum * sizeof sh[0];
	if (os_pread(fd, sh, shbytes, (off_t)eh.e_shoff) != (ssize_t)shbytes)
		goto close;
	int symi = -1;
	for (int i = 0; i < eh.e_shnum; i++)
		if (sh[i].sh_type == SHT_SYMTAB || (sh[i].sh_type == SHT_DYNSYM && symi < 0))
			symi = i;
	if (symi < 0 || sh[symi].sh_link >= eh.e_shnum || sh[symi].sh_entsize != sizeof(ElfW(Sym)))
		goto close;
	const ElfW(Shdr) *st = &sh[symi], *str = &sh[st->sh_link];
	uint64_t nsym = st->sh_size / sizeof(ElfW(Sym));
	for (uint64_t at = 0; at < nsym;) {
		uint64_t k = nsym - at > 512 ? 512 : nsym - at;
		ssize_t got = os_pread(fd, syms, k * sizeof syms[0], (off_t)(st->sh_offset + at * sizeof syms[0]));
		if (got <= 0)
			break;
		k = (uint64_t)got / sizeof syms[0];
		for (uint64_t i = 0; i < k; i++) {
			const ElfW(Sym) *s = &syms[i];
			int t = ELF64_ST_TYPE(s->st_info);
			if ((t != STT_FUNC && t != STT_GNU_IFUNC) || s->st_shndx == SHN_UNDEF || !s->st_size)
				continue;
			/* refs are sorted by address; within one module by offset */
			uintptr_t lo = mods[m].bias + s->st_value, hi = lo + s->st_size;
			for (int j = ref_find(lo); j < nrefs && refs[j].addr < hi; j++)
				if (refs[j].mod == m && (!best_size[j] || s->st_size < best_size[j])) {
					best_size[j] = s->st_size;
					best_val[j] = s->st_value;
					best_name[j] = s->st_name;
				}
		}
		at += k;
	}
	for (int j = 0; j < nrefs; j++) {
		if (refs[j].mod != m || refs[j].cache < 0 || cache[refs[j].cache].state)
			continue;
		struct symcache *c = &cache[refs[j].cache];
		if (!best_size[j] || best_name[j] >= str->sh_size) {
			c->state = 2;
			continue;
		}
		ssize_t got = os_pread(fd, c->name, NAMELEN - 1, (off_t)(str->sh_offset + best_name[j]));
		c->name[got > 0 ? got : 0] = 0;
		c->symoff = (uint32_t)(refs[j].off - best_val[j]);
		c->state = c->name[0] ? 1 : 2;
	}
close:
	os_close(fd);
none:
	for (int j = 0; j < nrefs; j++)
		if (refs[j].mod == m && refs[j].cache >= 0 && !cache[refs[j].cache].state)
			cache[refs[j].cache].state = 2;
}

static void put_u64(struct fmtbuf *fb, const char *key, uint64_t v, int comma)
{
	if (comma)
		fmt_str(fb, ",");
	fmt_json_str(fb, key);
	fmt_str(fb, ":");
	fmt_u64(fb, v);
}

static void put_hex(struct fmtbuf *fb, const char *key, uint64_t v)
{
	char b[24];
	struct fmtbuf h;
	fmt_init(&h, b, sizeof b);
	fmt_hex(&h, v);
	fmt_str(fb, ",");
	fmt_json_str(fb, key);
	fmt_str(fb, ":");
	fmt_json_str(fb, b);
}

static void put_site(struct fmtbuf *fb, const struct site *s)
{
	fmt_str(fb, "{");
	put_u64(fb, "est_bytes", s->est_bytes, 0);
	put_u64(fb, "samples", s->samples, 1);
	put_u64(fb, "chunks", s->chunks, 1);
	put_u64(fb, "mapped_bytes", s->mapped_bytes, 1);
	fmt_str(fb, ",\"frames\":[");
	for (unsigned i = 0; i < s->nframes; i++) {
		uintptr_t a = s->pc[i] - 1;
		const struct ref *r = &refs[ref_find(a)];
		fmt_str(fb, i ? ",{" : "{");
		fmt_str(fb, "\"address\":\"");
		fmt_hex(fb, a);
		fmt_str(fb, "\"");
		if (r->addr == a && r->mod >= 0) {
			fmt_str(fb, ",\"module\":");
			fmt_json_str(fb, mods[r->mod].path);
			put_hex(fb, "offset", r->off);
		} else {
			fmt_str(fb, ",\"module\":null,\"offset\":null");
		}
		const struct symcache *c = r->addr == a && r->cache >= 0 ? &cache[r->cache] : NULL;
		if (c && c->state == 1 && c->addr == a) {
			fmt_str(fb, ",\"symbol\":");
			fmt_json_str(fb, c->name);
			put_u64(fb, "symbol_offset", c->symoff, 1);
		} else {
			fmt_str(fb, ",\"symbol\":null,\"symbol_offset\":null");
		}
		fmt_str(fb, "}");
	}
	fmt_str(fb, "]}");
}

/* Indices of the top sites by key (0 est_bytes, 1 mapped_bytes) into out. */
static int pick_top(int by, unsigned *out)
{
	int n = 0;
	for (unsigned i = 0; i < NSITES; i++) {
		const struct site *s = &sites[i];
		uint64_t v = by ? s->mapped_bytes : s->est_bytes;
		if (!s->hash || !v)
			continue;
		int j = n < FG_REPORT_TOP ? n++ : FG_REPORT_TOP;
		if (j == FG_REPORT_TOP) {
			const struct site *last = &sites[out[FG_REPORT_TOP - 1]];
			if ((by ? last->mapped_bytes : last->est_bytes) >= v)
				continue;
			j = FG_REPORT_TOP - 1;
		}
		while (j > 0) {
			const struct site *p = &sites[out[j - 1]];
			if ((by ? p->mapped_bytes : p->est_bytes) >= v)
				break;
			out[j] = out[j - 1];
			j--;
		}
		out[j] = i;
	}
	return n;
}

void callsite_report(struct fmtbuf *fb, const char *exe)
{
	unsigned idx[2][FG_REPORT_TOP];
	int n[2];
	uint64_t c_sites, c_samples, c_maps, c_drop, c_fail;

	lock_take(&tlock);
	for (int by = 0; by < 2; by++) {
		n[by] = pick_top(by, idx[by]);
		for (int i = 0; i < n[by]; i++)
			top[by * FG_REPORT_TOP + i] = sites[idx[by][i]];
	}
	c_sites = nsites;
	c_samples = nsamples;
	c_maps = nmappings;
	c_drop = ndropped;
	c_fail = nfailed;
	lock_give(&tlock);

	/* distinct frame addresses, their modules and symbols */
	nrefs = 0;
	for (int by = 0; by < 2; by++)
		for (int i = 0; i < n[by]; i++) {
			const struct site *s = &top[by * FG_REPORT_TOP + i];
			for (unsigned f = 0; f < s->nframes; f++) {
				uintptr_t a = s->pc[f] - 1;
				int dup = 0;
				for (int r = 0; r < nrefs && !dup; r++)
					dup = refs[r].addr == a;
				if (!dup && nrefs < MAXREF)
					refs[nrefs++] = (struct ref){ a, 0, -1, -1 };
			}
		}
	refs_sort();
	nmods = 0;
	cur_exe = exe;
	if (nrefs)
		resolve_modules();
	for (int j = 0; j < nrefs; j++) {
		unsigned c = cache_slot(refs[j].addr);
		if (cache[c].addr != refs[j].addr || !cache[c].state) {
			cache[c].addr = refs[j].addr;
			cache[c].state = 0;
		}
		refs[j].cache = (int)c;
	}
	/* Two refs may share a slot: the later one wins, the earlier gets none. */
	for (int j = 0; j < nrefs; j++)
		if (cache[refs[j].cache].addr != refs[j].addr)
			refs[j].cache = -1;
	for (int m = 0; m < nmods; m++)
		elf_resolve(m);

	fmt_str(fb, "\"callsites\":{\"enabled\":");
	fmt_str(fb, g.conf.sample_bytes && FG_UNWIND && armed ? "true" : "false");
	/* Why there are no sites, for readers that would show an empty column. */
	fmt_str(fb, ",\"unwinder\":");
	fmt_json_str(fb, FG_UNWIND ? "libgcc" : "none");
	fmt_str(fb, ",\"status\":");
	fmt_json_str(fb, !FG_UNWIND ? "absent: built without an unwinder" :
			 !g.conf.sample_bytes ? "off: SAMPLE_BYTES=0" :
			 !armed ? "off: not armed" : "sampled");
	put_u64(fb, "sample_bytes", g.conf.sample_bytes, 1);
	put_u64(fb, "samples", c_samples, 1);
	put_u64(fb, "mappings", c_maps, 1);
	put_u64(fb, "sites", c_sites, 1);
	put_u64(fb, "dropped", c_drop, 1);
	put_u64(fb, "unwind_failures", c_fail, 1);
	for (int by = 0; by < 2; by++) {
		fmt_str(fb, by ? ",\"by_chunks\":[" : ",\"by_bytes\":[");
		for (int i = 0; i < n[by]; i++) {
			if (i)
				fmt_str(fb, ",");
			put_site(fb, &top[by * FG_REPORT_TOP + i]);
		}
		fmt_str(fb, "]");
	}
	fmt_str(fb, "}");
}
