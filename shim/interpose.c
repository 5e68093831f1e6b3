/* interpose.c: every exported libc symbol of the shim, and nothing else.
 * Owns the errno rules (ENOMEM on every NULL, EINVAL rules of the aligned
 * calls, errno untouched on success) and the ownership test: a pointer is
 * ours iff the registry knows its slot; anything else goes back to glibc.
 * Must never allocate through stdio or call the loader while holding a lock. */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#if defined(__GLIBC__)
#include <gnu/libc-version.h>
#else
/* musl declares neither; the shim still exports both (with only its own
 * numbers) for programs built against glibc's headers. */
struct mallinfo2 {
	size_t arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
};
struct mallinfo {
	int arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
};
void *pvalloc(size_t n);
int malloc_trim(size_t pad);
struct mallinfo2 mallinfo2(void);
struct mallinfo mallinfo(void);
int mallopt(int param, int value);
void malloc_stats(void);
int malloc_info(int options, FILE *fp);
int execveat(int dirfd, const char *path, char *const argv[], char *const envp[], int flags);
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "arena.h"
#include "bg.h"
#include "fmt.h"
#include "front.h"
#include "glibc.h"
#include "guard.h"
#include "large.h"
#include "lock.h"
#include "os.h"
#include "registry.h"
#include "report.h"
#include "shim.h"
#include "fragguard.h"

/* Exported without a prototype in every libc's headers. */
EXPORT void cfree(void *p);
EXPORT void free_sized(void *p, size_t n);
EXPORT void free_aligned_sized(void *p, size_t a, size_t n);

static int ready(void)
{
	if (likely(__atomic_load_n(&g.state, __ATOMIC_ACQUIRE) == ST_READY))
		return 1;
	return setup_init() == ST_READY;
}

static void *enomem(void)
{
	errno = ENOMEM;
	return NULL;
}

/* Any size; NULL (errno untouched) when memory is refused or n is absurd. */
static void *alloc_any(size_t n, int *fresh)
{
	void *p;
	*fresh = 0;
	if (n <= front_small_max) {
		p = front_alloc_fast(n);
		return p ? p : front_alloc(n);
	}
	if (n > PTRDIFF_MAX)
		return NULL;
	return large_alloc(n, 16, fresh);
}

/* Out of line, so that malloc's fast path needs no stack frame. */
static __attribute__((noinline)) void *alloc_slow(size_t n)
{
	int fresh;
	void *p;
	if (!ready())
		return glibc_malloc(n);
	/* The cache missed already: small requests go straight to a refill. */
	p = n <= front_small_max ? front_alloc(n) : alloc_any(n, &fresh);
	return p ? p : enomem();
}

EXPORT void *malloc(size_t n)
{
	void *p = front_alloc_fast(n);
	if (likely(p))
		return p;
	return alloc_slow(n);
}

/* Everything free's fast path does not finish: a small object whose cache is
 * full or that was handed out inside its slot, large blocks, foreign
 * pointers and NULL (whose slot is never registered). */
static __attribute__((noinline)) void free_slow(void *p, uint32_t r)
{
	if (r == REG_SMALL) {
		front_free(p);
	} else if ((r & 3) == REG_LARGE && !((uintptr_t)p & (g.chunk - 1))) {
		large_free(p);
		bg_kick();
	} else if (r != REG_FOREIGN) {
		os_say("free(): invalid pointer or double free (inside a large block)");
		__builtin_trap();
	} else if (p) {
		glibc_free(p);
	}
}

EXPORT void free(void *p)
{
	uint32_t r = registry_get(p);
	if (likely(r == REG_SMALL) && likely(front_free_fast(p)))
		return;
	free_slow(p, r);
}

EXPORT void cfree(void *p) { free(p); }
EXPORT void free_sized(void *p, size_t n) { (void)n; free(p); }
EXPORT void free_aligned_sized(void *p, size_t a, size_t n) { (void)a; (void)n; free(p); }

EXPORT void *calloc(size_t n, size_t m)
{
	size_t total;
	int fresh;
	if (__builtin_mul_overflow(n, m, &total))
		return enomem();
	if (!ready())
		return glibc_calloc(n, m);
	void *p = alloc_any(total, &fresh);
	if (!p)
		return enomem();
	if (!fresh)
		memset(p, 0, total);
	return p;
}

static size_t usable(void *p, uint32_t r)
{
	if (r == REG_SMALL)
		return front_usable(p);
	if ((r & 3) == REG_LARGE)
		return large_usable(p);
	return glibc_usable_size(p);
}

EXPORT void *realloc(void *p, size_t n)
{
	int fresh;
	if (!p)
		return malloc(n);
	if (!n) {
		free(p); /* glibc: realloc(p, 0) frees and returns NULL */
		return NULL;
	}
	uint32_t r = registry_get(p);
	if (r == REG_FOREIGN)
		return glibc_realloc(p, n);
	if (n > PTRDIFF_MAX)
		return enomem();
	size_t have = usable(p, r);
	if (r == REG_SMALL) {
		if (n <= have && n >= have / 2)
			return p;
	} else if ((r & 3) == REG_LARGE && n > front_small_max) {
		void *q = large_resize(p, n);
		return q ? q : enomem();
	}
	void *q = alloc_any(n, &fresh);
	if (!q)
		return enomem();
	memcpy(q, p, n < have ? n : have);
	free(p);
	return q;
}

EXPORT void *reallocarray(void *p, size_t n, size_t m)
{
	size_t total;
	if (__builtin_mul_overflow(n, m, &total))
		return enomem();
	return realloc(p, total);
}

/* a: a power of two. NULL with errno untouched when memory is refused. */
static void *aligned(size_t a, size_t n)
{
	int fresh;
	if (a <= 16)
		return alloc_any(n, &fresh);
	if (n > PTRDIFF_MAX)
		return NULL;
	/* n = 0 still needs a byte: the aligned pointer must stay inside its
	 * slot, or free() would find the neighbour's. */
	size_t need = (n ? n : 1) + a - 16;
	if (need >= n && need <= front_small_max) {
		char *p = alloc_any(need, &fresh);
		if (!p)
			return NULL;
		char *q = (char *)(((uintptr_t)p + a - 1) & ~(uintptr_t)(a - 1));
		if (q != p)
			front_note_interior(q);
		return q;
	}
	return large_alloc(n, a, &fresh);
}

static size_t pow2_up(size_t a)
{
	size_t v = 1;
	while (v < a)
		v <<= 1;
	return v;
}

EXPORT void *memalign(size_t a, size_t n)
{
	if (a > SIZE_MAX / 2 + 1) {
		errno = EINVAL;
		return NULL;
	}
	if (!ready())
		return glibc_memalign(a, n);
	void *p = aligned(pow2_up(a), n);
	return p ? p : enomem();
}

EXPORT void *aligned_alloc(size_t a, size_t n)
{
	/* glibc before 2.38 treats aligned_alloc as memalign; from 2.38 it
	 * refuses an alignment that is not a power of two. Follow the libc
	 * that is running, so programs see the same behaviour as without us. */
	static int strict = -1;
	if (strict < 0) {
#if defined(__GLIBC__)
		const char *v = gnu_get_libc_version();
		int major = 0, minor = 0;
		while (*v >= '0' && *v <= '9')
			major = major * 10 + (*v++ - '0');
		if (*v == '.')
			v++;
		while (*v >= '0' && *v <= '9')
			minor = minor * 10 + (*v++ - '0');
		strict = major > 2 || (major == 2 && minor >= 38);
#else
		strict = 1; /* musl refuses what is not a power of two */
#endif
	}
	if (strict && (!a || (a & (a - 1)))) {
		errno = EINVAL;
		return NULL;
	}
	return memalign(a, n);
}

EXPORT int posix_memalign(void **out, size_t a, size_t n)
{
	if (!a || (a & (a - 1)) || a % sizeof(void *))
		return EINVAL;
	int saved = errno;
	void *p;
	if (!ready())
		p = glibc_memalign(a, n);
	else
		p = aligned(a, n);
	errno = saved;
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

EXPORT void *valloc(size_t n) { return memalign(4096 > g.os_page ? 4096 : g.os_page, n); }

EXPORT void *pvalloc(size_t n)
{
	size_t pg = g.os_page ? g.os_page : 4096, r;
	if (__builtin_add_overflow(n, pg - 1, &r))
		return enomem();
	r &= ~(pg - 1);
	return memalign(pg, r ? r : pg);
}

EXPORT size_t malloc_usable_size(void *p)
{
	if (!p)
		return 0;
	return usable(p, registry_get(p));
}

EXPORT uint64_t fg_trim(void)
{
	if (!ready())
		return 0;
	front_flush_self();
	uint64_t n = front_trim();
	n += arena_trim(1);
	large_tick(0);
	return n;
}

EXPORT int malloc_trim(size_t pad)
{
	int ours = fg_trim() != 0;
	return glibc_trim(pad) | ours;
}

EXPORT int fg_stats(struct fg_stats *out, size_t size)
{
	struct fg_stats s;
	if (size < sizeof(uint32_t))
		return -1;
	memset(&s, 0, sizeof s);
	s.version = FG_STATS_VERSION;
	s.active = ready();
	if (s.active) {
		s.chunk_bytes = g.chunk;
		arena_usage(&s.mapped_bytes, &s.empty_bytes);
		s.live_bytes = front_live_bytes();
		s.thp = g.thp_advise;
		s.populate = g.populate;
	}
#define C(f) s.f = __atomic_load_n(&ctr.f, __ATOMIC_RELAXED)
	C(chunks_mapped); C(chunks_unmapped); C(chunks_reused); C(bytes_prefaulted);
	C(prefault_failures); C(bytes_released); C(large_allocs); C(large_frees);
	C(large_reused); C(alloc_failures); C(page_trims); C(large_bytes);
#undef C
	guard_stats(&s);
	memcpy(out, &s, size < sizeof s ? size : sizeof s);
	return 0;
}

static struct mallinfo2 info2(void)
{
	struct mallinfo2 m;
	struct fg_stats s;
	struct mallinfo2 (*theirs)(void) = (struct mallinfo2 (*)(void))glibc_sym("mallinfo2");
	memset(&m, 0, sizeof m);
	if (theirs)
		m = theirs();
	fg_stats(&s, sizeof s);
	size_t large_n = (size_t)(s.large_allocs - s.large_frees);
	m.arena += s.mapped_bytes;
	m.uordblks += s.live_bytes;
	m.fordblks += s.mapped_bytes > s.live_bytes ? s.mapped_bytes - s.live_bytes : 0;
	m.hblks += large_n;
	m.hblkhd += s.large_bytes;
	m.uordblks += s.large_bytes;
	m.keepcost += s.empty_bytes;
	return m;
}

EXPORT struct mallinfo2 mallinfo2(void) { return info2(); }

EXPORT struct mallinfo mallinfo(void)
{
	struct mallinfo2 m2 = info2();
	struct mallinfo m;
#define I(x) ((x) > INT32_MAX ? INT32_MAX : (int)(x))
	m.arena = I(m2.arena); m.ordblks = I(m2.ordblks); m.smblks = I(m2.smblks);
	m.hblks = I(m2.hblks); m.hblkhd = I(m2.hblkhd); m.usmblks = I(m2.usmblks);
	m.fsmblks = I(m2.fsmblks); m.uordblks = I(m2.uordblks); m.fordblks = I(m2.fordblks);
	m.keepcost = I(m2.keepcost);
#undef I
	return m;
}

EXPORT int mallopt(int param, int value) { return glibc_mallopt(param, value); }

static void stats_text(struct fmtbuf *fb)
{
	struct fg_stats s;
	fg_stats(&s, sizeof s);
	fmt_str(fb, "fragguard: chunks ");
	fmt_bytes(fb, s.chunk_bytes);
	fmt_str(fb, ", mapped ");
	fmt_bytes(fb, s.mapped_bytes);
	fmt_str(fb, " (empty ");
	fmt_bytes(fb, s.empty_bytes);
	fmt_str(fb, "), in use ");
	fmt_bytes(fb, s.live_bytes);
	fmt_str(fb, ", pre-faulted ");
	fmt_bytes(fb, s.bytes_prefaulted);
	fmt_str(fb, ", released ");
	fmt_bytes(fb, s.bytes_released);
	fmt_str(fb, ", large blocks ");
	fmt_u64(fb, s.large_allocs - s.large_frees);
	fmt_str(fb, ", failures ");
	fmt_u64(fb, s.alloc_failures);
	fmt_str(fb, "\n");
}

EXPORT void malloc_stats(void)
{
	char buf[512];
	struct fmtbuf fb;
	struct mallinfo2 m = info2();
	fmt_init(&fb, buf, sizeof buf);
	fmt_str(&fb, "Arena 0:\nsystem bytes     = ");
	fmt_u64(&fb, m.arena);
	fmt_str(&fb, "\nin use bytes     = ");
	fmt_u64(&fb, m.uordblks);
	fmt_str(&fb, "\n");
	stats_text(&fb);
	os_write_all(2, buf, fb.len);
	if (!ready())
		return;
	os_write_all(2, "class     size    spans  span-bytes     in-use\n", 47);
	for (unsigned c = 0; c < SC_NCLASS; c++) {
		uint64_t live, spans, span_bytes;
		front_class_usage(c, &live, &spans, &span_bytes);
		if (!spans)
			continue;
		fmt_init(&fb, buf, sizeof buf);
		fmt_u64(&fb, c);
		fmt_str(&fb, "\t");
		fmt_u64(&fb, sc_info[c].size);
		fmt_str(&fb, "\t");
		fmt_u64(&fb, spans);
		fmt_str(&fb, "\t");
		fmt_u64(&fb, span_bytes);
		fmt_str(&fb, "\t");
		fmt_u64(&fb, live);
		fmt_str(&fb, "\n");
		os_write_all(2, buf, fb.len);
	}
}

EXPORT int malloc_info(int options, FILE *fp)
{
	char buf[512];
	struct fmtbuf fb;
	struct fg_stats s;
	if (options)
		return EINVAL; /* as glibc: the code, not -1 with errno */
	fg_stats(&s, sizeof s);
	fmt_init(&fb, buf, sizeof buf);
	fmt_str(&fb, "<malloc version=\"fragguard-1\">\n<chunks size=\"");
	fmt_u64(&fb, s.chunk_bytes);
	fmt_str(&fb, "\" mapped=\"");
	fmt_u64(&fb, s.mapped_bytes);
	fmt_str(&fb, "\" empty=\"");
	fmt_u64(&fb, s.empty_bytes);
	fmt_str(&fb, "\"/>\n<total type=\"inuse\" size=\"");
	fmt_u64(&fb, s.live_bytes);
	fmt_str(&fb, "\"/>\n<total type=\"mmap\" count=\"");
	fmt_u64(&fb, s.large_allocs - s.large_frees);
	fmt_str(&fb, "\"/>\n<system type=\"current\" size=\"");
	fmt_u64(&fb, s.mapped_bytes);
	fmt_str(&fb, "\"/>\n</malloc>\n");
	return fputs(buf, fp) < 0 ? -1 : 0;
}

/* VERBOSE=2: the shim's own summary on stderr when the program exits. */
__attribute__((destructor)) static void exit_summary(void)
{
	char buf[512];
	struct fmtbuf fb;
	if (__atomic_load_n(&g.state, __ATOMIC_ACQUIRE) != ST_READY || g.conf.verbose < 2 ||
	    !os_stderr_usable())
		return;
	fmt_init(&fb, buf, sizeof buf);
	stats_text(&fb);
	os_write_all(2, buf, fb.len);
}

/* _exit and _Exit end the process without exit handlers, so without the
 * destructors above and report.c's: the exit report and the summary are
 * written here first (dash ends this way, and so do Python's forked
 * workers, a daemon's parent after its fork, a child whose exec failed).
 * Neither in a vfork child, which runs in its parent's memory (posix_spawn's
 * child, whose _exit is the C library's own and never reaches here, too),
 * nor from a signal handler that interrupted this thread inside the shim
 * (lock_depth: the lock it holds may be the report writer's). Then the
 * exit_group system call, as the C library's _exit makes. */
EXPORT void _exit(int status)
{
	/* Nothing to write, or a seccomp filter installed (it may not allow
	 * even getpid): no system call beyond the exit itself. */
	if (__atomic_load_n(&g.state, __ATOMIC_ACQUIRE) == ST_READY && !lock_depth &&
	    (g.conf.report[0] || g.conf.verbose >= 2) &&
	    !__atomic_load_n(&os_sandboxed, __ATOMIC_ACQUIRE) && report_own_process()) {
		report_write("exit");
		exit_summary();
	}
	os_exit_group(status);
}

EXPORT void _Exit(int status) __attribute__((alias("_exit")));

/* Writes the report now (reason "request"). Returns 0, or -1 when no report
 * is configured or it could not be written. Not async-signal-safe; must not
 * be called from a vfork child. */
EXPORT int fg_report_write(void)
{
	if (!ready())
		return -1;
	int saved = errno;
	int r = report_write("request");
	errno = saved;
	return r < 0 ? -1 : 0;
}

/* The exec family: each writes the report (reason "exec") and then calls the
 * C library's own function. glibc's execv, execvp, execl* and fexecve call
 * its internal __execve, not the exported execve, so each is interposed
 * itself: execve, execv, execvp, execvpe, execl, execlp, execle, fexecve,
 * execveat. posix_spawn and system() do not replace this process image and
 * are not covered (the parent keeps writing its report). */
#define NEXT_FN(name) \
	static __typeof__(name) *fn; \
	if (!fn) \
		fn = (__typeof__(name) *)glibc_sym(#name)

static void before_exec(void)
{
	if (__atomic_load_n(&g.state, __ATOMIC_ACQUIRE) == ST_READY) {
		int saved = errno;
		report_before_exec();
		errno = saved;
	}
}

static int no_exec(void)
{
	errno = ENOSYS;
	return -1;
}

EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	NEXT_FN(execve);
	before_exec();
	return fn ? fn(path, argv, envp) : no_exec();
}

EXPORT int execv(const char *path, char *const argv[])
{
	NEXT_FN(execv);
	before_exec();
	return fn ? fn(path, argv) : no_exec();
}

EXPORT int execvp(const char *file, char *const argv[])
{
	NEXT_FN(execvp);
	before_exec();
	return fn ? fn(file, argv) : no_exec();
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	NEXT_FN(execvpe);
	before_exec();
	return fn ? fn(file, argv, envp) : no_exec();
}

EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	NEXT_FN(fexecve);
	before_exec();
	return fn ? fn(fd, argv, envp) : no_exec();
}

EXPORT int execveat(int dirfd, const char *path, char *const argv[], char *const envp[], int flags)
{
	NEXT_FN(execveat);
	before_exec();
	return fn ? fn(dirfd, path, argv, envp, flags) : no_exec();
}

/* execl, execlp, execle: the variadic list into an argv array (on the stack,
 * or a mapping for very long lists: no malloc), then the v-variant. */
enum { L_PATH, L_FILE, L_ENV };
static int exec_list(int kind, const char *path, const char *arg0, va_list ap)
{
	va_list cp;
	size_t n = 1;
	va_copy(cp, ap);
	if (arg0)
		while (va_arg(cp, char *))
			n++;
	va_end(cp);
	char *small[256], **argv = small;
	size_t bytes = (n + 1) * sizeof(char *);
	if (n + 1 > 256) {
		argv = os_map(NULL, bytes, 0);
		if (!argv) {
			errno = E2BIG;
			return -1;
		}
	}
	argv[0] = (char *)arg0;
	for (size_t i = 1; i < n; i++)
		argv[i] = va_arg(ap, char *);
	argv[arg0 ? n : 0] = NULL;
	if (arg0)
		(void)va_arg(ap, char *); /* the terminating NULL */
	char *const *envp = kind == L_ENV ? va_arg(ap, char *const *) : NULL;
	int r = kind == L_PATH ? execv(path, argv) : kind == L_FILE ? execvp(path, argv) :
				 execve(path, argv, envp);
	int saved = errno;
	if (argv != small)
		os_unmap(argv, bytes);
	errno = saved;
	return r;
}

EXPORT int execl(const char *path, const char *arg, ...)
{
	va_list ap;
	va_start(ap, arg);
	int r = exec_list(L_PATH, path, arg, ap);
	va_end(ap);
	return r;
}

EXPORT int execlp(const char *file, const char *arg, ...)
{
	va_list ap;
	va_start(ap, arg);
	int r = exec_list(L_FILE, file, arg, ap);
	va_end(ap);
	return r;
}

EXPORT int execle(const char *path, const char *arg, ...)
{
	va_list ap;
	va_start(ap, arg);
	int r = exec_list(L_ENV, path, arg, ap);
	va_end(ap);
	return r;
}
