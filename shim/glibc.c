/* glibc.c: forwarding to the C library's malloc (glibc.h). glibc exports
 * __libc_malloc and friends, so no dlsym is needed on the hot foreign paths;
 * other libcs (musl) get the next definition through dlsym. */
#include <dlfcn.h>
#include "glibc.h"

#if defined(__GLIBC__)
extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern int __libc_mallopt(int, int);

void *glibc_malloc(size_t n) { return __libc_malloc(n); }
void glibc_free(void *p) { __libc_free(p); }
void *glibc_calloc(size_t n, size_t m) { return __libc_calloc(n, m); }
void *glibc_realloc(void *p, size_t n) { return __libc_realloc(p, n); }
void *glibc_memalign(size_t a, size_t n) { return __libc_memalign(a, n); }
int glibc_mallopt(int param, int value) { return __libc_mallopt(param, value); }
#else
#define NEXT(type, name) static __typeof__(type) fn; if (!fn) fn = (type)glibc_sym(name)
void *glibc_malloc(size_t n) { NEXT(void *(*)(size_t), "malloc"); return fn ? fn(n) : NULL; }
void glibc_free(void *p) { NEXT(void (*)(void *), "free"); if (fn) fn(p); }
void *glibc_calloc(size_t n, size_t m) { NEXT(void *(*)(size_t, size_t), "calloc"); return fn ? fn(n, m) : NULL; }
void *glibc_realloc(void *p, size_t n) { NEXT(void *(*)(void *, size_t), "realloc"); return fn ? fn(p, n) : NULL; }
void *glibc_memalign(size_t a, size_t n) { NEXT(void *(*)(size_t, size_t), "memalign"); return fn ? fn(a, n) : NULL; }
int glibc_mallopt(int param, int value) { NEXT(int (*)(int, int), "mallopt"); return fn ? fn(param, value) : 0; }
#endif

void *glibc_sym(const char *name) { return dlsym(RTLD_NEXT, name); }

void *glibc_next(const char *name, void **cache)
{
	void *f = __atomic_load_n(cache, __ATOMIC_ACQUIRE);
	if (!f) {
		f = dlsym(RTLD_NEXT, name);
		__atomic_store_n(cache, f, __ATOMIC_RELEASE);
	}
	return f;
}

size_t glibc_usable_size(void *p)
{
	static size_t (*fn)(void *);
	if (!fn)
		fn = (size_t (*)(void *))glibc_sym("malloc_usable_size");
	return fn ? fn(p) : 0;
}

int glibc_trim(size_t pad)
{
	static int (*fn)(size_t);
	if (!fn)
		fn = (int (*)(size_t))glibc_sym("malloc_trim");
	return fn ? fn(pad) : 0;
}
