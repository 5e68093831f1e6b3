/* glibc.h: the way back to the C library's own allocator, for pointers the
 * shim does not own, for DISABLE=1, and for calls made while the shim is
 * initialising itself. */
#ifndef FG_GLIBC_H
#define FG_GLIBC_H
#include <stddef.h>
#include <stdio.h>

void *glibc_malloc(size_t n);
void glibc_free(void *p);
void *glibc_calloc(size_t n, size_t m);
void *glibc_realloc(void *p, size_t n);
void *glibc_memalign(size_t a, size_t n);
size_t glibc_usable_size(void *p);
int glibc_trim(size_t pad);
int glibc_mallopt(int param, int value);
/* Looks up the C library's own version of an exported malloc-family
 * function (dlsym RTLD_NEXT); NULL when it has none. Not under a shim lock. */
void *glibc_sym(const char *name);
/* The same for any other exported function a wrapper forwards to, looked
 * up once and kept in *cache. Not under a shim lock. */
void *glibc_next(const char *name, void **cache);

#endif
