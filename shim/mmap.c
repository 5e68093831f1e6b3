/* mmap.c: the program's own mmap, mmap64, munmap and mremap. A private,
 * writable, anonymous mapping of at least MMAP_CHECK bytes is a large fault
 * to come (MAP_POPULATE: now; otherwise as the program writes it, and
 * programs write what they map writable), so it is looked at first and may
 * fail with ENOMEM. PROT_NONE, read-only, MAP_NORESERVE (reservations),
 * MAP_HUGETLB (the hugetlbfs pool, not the buddy allocator), shared and file
 * mappings are passed through unchecked. Everything is forwarded as a raw
 * system call; the shim's own mappings never come here (they use os_map),
 * nor do glibc's internal ones (its malloc, thread stacks, dlopen). errno is
 * set only on failure. munmap and mremap are not faults (mremap grows a
 * mapping without faulting it): they are forwarded unchanged. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/mman.h>
#include "guard.h"
#include "os.h"
#include "shim.h"
#if !defined(__GLIBC__)
#undef mmap64 /* musl's headers make it a macro for mmap (off64_t for off_t) */
#endif

EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off);

static int will_fault(size_t len, int prot, int flags, int fd)
{
	(void)fd;
	if (!(flags & MAP_ANONYMOUS) || (flags & MAP_TYPE) != MAP_PRIVATE)
		return 0;
	if (!(prot & PROT_WRITE) || (flags & (MAP_NORESERVE | MAP_HUGETLB)))
		return 0;
	if (__atomic_load_n(&g.state, __ATOMIC_ACQUIRE) != ST_READY && setup_init() != ST_READY)
		return 0;
	return len >= g.conf.mmap_check;
}

static void *do_mmap(void *addr, size_t len, int prot, int flags, int fd, long long off)
{
	if (will_fault(len, prot, flags, fd) &&
	    guard_mmap(len, (flags & MAP_POPULATE) != 0) < 0) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	long r = os_mmap_sys(addr, len, prot, flags, fd, off);
	if ((unsigned long)r > -4096UL) {
		errno = (int)-r;
		return MAP_FAILED;
	}
	return (void *)r;
}

EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return do_mmap(addr, len, prot, flags, fd, (long long)off);
}

EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
	return do_mmap(addr, len, prot, flags, fd, (long long)off);
}

EXPORT int munmap(void *addr, size_t len)
{
	long r = os_munmap_sys(addr, len);
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return 0;
}

EXPORT void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
	void *to = NULL;
	if (flags & MREMAP_FIXED) {
		va_list ap;
		va_start(ap, flags);
		to = va_arg(ap, void *);
		va_end(ap);
	}
	long r = os_mremap_sys(old, old_len, new_len, flags, to);
	if ((unsigned long)r > -4096UL) {
		errno = (int)-r;
		return MAP_FAILED;
	}
	return (void *)r;
}
