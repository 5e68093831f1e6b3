/* os_linux.c: raw Linux system calls for the shim. Nothing else in shim/
 * calls the kernel. These never touch errno (syscall(2) would) and never go
 * through the program's interposed mmap family. Results are 0 / value or
 * -errno. All functions here are async-signal-safe. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "os.h"

/* From <linux/futex.h>, which musl-gcc's include path does not reach. */
#ifndef FUTEX_WAIT_PRIVATE
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#endif
/* The kernel's timespec for nanosleep and futex: two longs, whatever time_t
 * the C library uses (musl and _TIME_BITS=64 make it 64-bit on 32-bit). */
struct k_timespec {
	long tv_sec, tv_nsec;
};

#if defined(__x86_64__)
static inline long raw6(long n, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall" : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#elif defined(__aarch64__)
static inline long raw6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;
	__asm__ volatile("svc 0" : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory", "cc");
	return x0;
}
#elif defined(__arm__) && defined(__ARM_EABI__)
/* EABI: the number in r7, which Thumb code keeps as its frame pointer, so it
 * is saved in ip around the call rather than named as a register variable. */
static inline long raw6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r0 __asm__("r0") = a;
	register long r1 __asm__("r1") = b;
	register long r2 __asm__("r2") = c;
	register long r3 __asm__("r3") = d;
	register long r4 __asm__("r4") = e;
	register long r5 __asm__("r5") = f;
	__asm__ volatile("mov ip, r7\n\tmov r7, %[nr]\n\tsvc 0\n\tmov r7, ip"
			 : "+r"(r0)
			 : [nr] "r"(n), "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5)
			 : "ip", "memory", "cc");
	return r0;
}
#else
#if FG_OWN_SYSCALLS
#error "os.h promises inline system calls on this architecture"
#endif
/* Other architectures: libc's syscall() saves and restores errno around it. */
#include <errno.h>
static inline long raw6(long n, long a, long b, long c, long d, long e, long f)
{
	int saved = errno;
	long r = syscall(n, a, b, c, d, e, f);
	if (r == -1) {
		r = -errno;
	}
	errno = saved;
	return r;
}
#endif

#define RAW(n, a, b, c, d, e, f) raw6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* pread64/pwrite64: the 64-bit offset is one register on 64-bit, two on
 * 32-bit, where ARM EABI (like MIPS o32 and PPC32) puts them in an aligned
 * pair after a padding word (passed as one long, every armhf read was at
 * offset 0, and the /proc samples never parsed). */
static long raw_pio(long nr, int fd, const void *buf, size_t len, off_t off)
{
#if UINTPTR_MAX > 0xffffffffu
	return RAW(nr, fd, buf, len, off, 0, 0);
#else
	uint64_t o = (uint64_t)(int64_t)off;
	long lo = (long)(uint32_t)o, hi = (long)(uint32_t)(o >> 32);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	long t = lo;
	lo = hi;
	hi = t;
#endif
#if defined(__arm__) || defined(__mips__) || defined(__powerpc__)
	return RAW(nr, fd, buf, len, 0, lo, hi);
#else
	return RAW(nr, fd, buf, len, lo, hi, 0);
#endif
#endif
}

int os_sandboxed;

/* In a seccomp sandbox (os_sandbox) only the allocator's own calls are made
 * (memory mappings, futexes, getpid, write to stderr): a filter made for the
 * program kills it at the first system call it did not expect. */
#define SANDBOX_EPERM()                                                        \
	do {                                                                   \
		if (__builtin_expect(__atomic_load_n(&os_sandboxed, __ATOMIC_RELAXED), 0)) \
			return -EPERM;                                         \
	} while (0)

void os_sandbox(void) { __atomic_store_n(&os_sandboxed, 1, __ATOMIC_RELEASE); }

void *os_map(void *hint, size_t len, int noreserve)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | (noreserve ? MAP_NORESERVE : 0);
#if defined(SYS_mmap2)
	long r = RAW(SYS_mmap2, hint, len, PROT_READ | PROT_WRITE, flags, -1, 0);
#else
	long r = RAW(SYS_mmap, hint, len, PROT_READ | PROT_WRITE, flags, -1, 0);
#endif
	if ((unsigned long)r > -4096UL)
		return NULL;
	return (void *)r;
}

int os_unmap(void *p, size_t len) { return (int)RAW(SYS_munmap, p, len, 0, 0, 0, 0); }

int os_madvise(void *p, size_t len, int advice)
{
	return (int)RAW(SYS_madvise, p, len, advice, 0, 0, 0);
}

int os_mincore(void *p, size_t len, unsigned char *vec)
{
	SANDBOX_EPERM();
	return (int)RAW(SYS_mincore, p, len, vec, 0, 0, 0);
}

void *os_remap(void *p, size_t old_len, size_t new_len, void *to)
{
	int flags = MREMAP_MAYMOVE | (to ? MREMAP_FIXED : 0);
	long r = RAW(SYS_mremap, p, old_len, new_len, flags, to, 0);
	if ((unsigned long)r > -4096UL)
		return NULL;
	return (void *)r;
}

int os_open(const char *path, int flags, int mode)
{
	SANDBOX_EPERM();
	return (int)RAW(SYS_openat, AT_FDCWD, path, flags | O_CLOEXEC, mode, 0, 0);
}

ssize_t os_read(int fd, void *buf, size_t len) { return RAW(SYS_read, fd, buf, len, 0, 0, 0); }

ssize_t os_pread(int fd, void *buf, size_t len, off_t off)
{
	SANDBOX_EPERM();
	return raw_pio(SYS_pread64, fd, buf, len, off);
}

ssize_t os_write(int fd, const void *buf, size_t len) { return RAW(SYS_write, fd, buf, len, 0, 0, 0); }

int os_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t w = os_write(fd, p, len);
		if (w == -4 /* EINTR */)
			continue;
		if (w <= 0)
			return w ? (int)w : -5;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int os_close(int fd) { return (int)RAW(SYS_close, fd, 0, 0, 0, 0, 0); }

int os_rename(const char *from, const char *to)
{
	SANDBOX_EPERM();
	return (int)RAW(SYS_renameat, AT_FDCWD, from, AT_FDCWD, to, 0, 0);
}

int os_unlink(const char *path)
{
	SANDBOX_EPERM();
	return (int)RAW(SYS_unlinkat, AT_FDCWD, path, 0, 0, 0, 0);
}

int os_getpid(void) { return (int)RAW(SYS_getpid, 0, 0, 0, 0, 0, 0); }

void os_exit_group(int status)
{
	for (;;)
		RAW(SYS_exit_group, status, 0, 0, 0, 0, 0);
}

int os_gettid(void) { return (int)RAW(SYS_gettid, 0, 0, 0, 0, 0, 0); }

int os_task_exists(int pid, int tid)
{
	if (__atomic_load_n(&os_sandboxed, __ATOMIC_RELAXED))
		return 0;
	return RAW(SYS_tgkill, pid, tid, 0, 0, 0, 0) != -ESRCH;
}

uint64_t os_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t os_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void os_sleep_ms(unsigned ms)
{
	struct k_timespec ts = { (long)(ms / 1000), (long)(ms % 1000) * 1000000L };
	RAW(SYS_nanosleep, &ts, 0, 0, 0, 0, 0);
}

void os_futex_wait(int *addr, int val, unsigned ms)
{
	struct k_timespec ts = { (long)(ms / 1000), (long)(ms % 1000) * 1000000L };
	RAW(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, ms ? &ts : NULL, 0, 0);
}

void os_futex_wake(int *addr, int n) { RAW(SYS_futex, addr, FUTEX_WAKE_PRIVATE, n, 0, 0, 0); }

ssize_t os_read_file(const char *path, char *buf, size_t cap)
{
	int fd = os_open(path, O_RDONLY, 0);
	size_t got = 0;
	if (fd < 0)
		return fd;
	while (got + 1 < cap) {
		ssize_t r = os_read(fd, buf + got, cap - 1 - got);
		if (r == -4)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	buf[got] = 0;
	os_close(fd);
	return (ssize_t)got;
}

int os_openat(int dirfd, const char *path, int flags, int mode)
{
	SANDBOX_EPERM();
	return (int)RAW(SYS_openat, dirfd, path, flags | O_CLOEXEC, mode, 0, 0);
}

int os_renameat(int dirfd, const char *from, const char *to)
{
	SANDBOX_EPERM();
	return (int)RAW(SYS_renameat, dirfd, from, dirfd, to, 0, 0);
}

int os_unlinkat(int dirfd, const char *path)
{
	SANDBOX_EPERM();
	return (int)RAW(SYS_unlinkat, dirfd, path, 0, 0, 0, 0);
}

ssize_t os_readlink(const char *path, char *buf, size_t cap)
{
	if (!cap)
		return -22;
	buf[0] = 0;
	SANDBOX_EPERM();
	long r = RAW(SYS_readlinkat, AT_FDCWD, path, buf, cap - 1, 0, 0);
	buf[r >= 0 ? r : 0] = 0;
	return r;
}

int os_getppid(void) { return (int)RAW(SYS_getppid, 0, 0, 0, 0, 0, 0); }

uint64_t os_now_unix_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The kernel's struct rusage: two old timevals (longs) then 14 longs on
 * every architecture, whatever time_t the C library uses. */
struct k_rusage {
	long utime[2], stime[2];
	long maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock,
	     msgsnd, msgrcv, nsignals, nvcsw, nivcsw;
};

int os_getusage(struct os_usage *u)
{
	SANDBOX_EPERM();
	struct k_rusage k;
	int r = (int)RAW(SYS_getrusage, 0 /* RUSAGE_SELF */, &k, 0, 0, 0, 0);
	if (r < 0)
		return r;
	u->minflt = (uint64_t)k.minflt;
	u->majflt = (uint64_t)k.majflt;
	u->user_ms = (uint64_t)k.utime[0] * 1000u + (uint64_t)k.utime[1] / 1000u;
	u->sys_ms = (uint64_t)k.stime[0] * 1000u + (uint64_t)k.stime[1] / 1000u;
	u->maxrss_kb = (uint64_t)k.maxrss;
	return 0;
}

int os_uname(struct os_uname *u)
{
	memset(u, 0, sizeof *u);
	SANDBOX_EPERM();
	return (int)RAW(SYS_uname, u, 0, 0, 0, 0, 0);
}

/* ---- for looking before large faults (guard.c and its helpers) ---- */
ssize_t os_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	SANDBOX_EPERM();
	return raw_pio(SYS_pwrite64, fd, buf, len, off);
}

int os_flock(int fd, int op)
{
	SANDBOX_EPERM();
	return (int)RAW(SYS_flock, fd, op, 0, 0, 0, 0);
}

int os_mkdir(const char *path, int mode)
{
	SANDBOX_EPERM();
	return (int)RAW(SYS_mkdirat, AT_FDCWD, path, mode, 0, 0, 0);
}

int os_fd_id(int fd, uint64_t *dev, uint64_t *ino)
{
	SANDBOX_EPERM();
	/* The C library's fstat: struct stat's layout differs between the
	 * system calls of 32- and 64-bit kernels, which it knows. */
	int saved = errno, r = 0;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		st.st_dev = 0;
		st.st_ino = 0;
	}
	errno = saved;
	*dev = (uint64_t)st.st_dev;
	*ino = (uint64_t)st.st_ino;
	return r;
}

int os_dupfd(int fd, int minfd)
{
	SANDBOX_EPERM();
	return (int)RAW(SYS_fcntl, fd, F_DUPFD_CLOEXEC, minfd, 0, 0, 0);
}

long os_mmap_sys(void *addr, size_t len, int prot, int flags, int fd, long long off)
{
#if defined(SYS_mmap2)
	/* 32-bit: the offset goes in 4096-byte units. */
	if (off & 4095)
		return -22;
	return RAW(SYS_mmap2, addr, len, prot, flags, fd, (long)(off >> 12));
#else
	return RAW(SYS_mmap, addr, len, prot, flags, fd, off);
#endif
}

long os_munmap_sys(void *addr, size_t len) { return RAW(SYS_munmap, addr, len, 0, 0, 0, 0); }

long os_mremap_sys(void *old, size_t old_len, size_t new_len, int flags, void *to)
{
	return RAW(SYS_mremap, old, old_len, new_len, flags, to, 0);
}

/* The file descriptor 2 was when the shim started (os_stderr_remember). */
static struct {
	int known;       /* 1: fd 2 was open; -1: it was not (never write) */
	dev_t dev;
	ino_t ino;
} err0;

void os_stderr_remember(void)
{
	struct stat st;
	int saved = errno;

	if (fstat(2, &st) == 0) {
		err0.dev = st.st_dev;
		err0.ino = st.st_ino;
		err0.known = 1;
	} else {
		/* Closed: never write. Any other error (EOVERFLOW for a 64-bit
		 * inode on a 32-bit build): unknown, no check. */
		err0.known = errno == EBADF ? -1 : 0;
	}
	errno = saved;
}

/* Whether a line on stderr could kill the program: in a seccomp sandbox
 * (write may not be allowed), or when stderr is a regular file and the
 * program limited file sizes (sshd sets RLIMIT_FSIZE to 0 in its
 * pre-authentication child: a write to its log file raised SIGXFSZ).
 * Also quiet when fd 2 is no longer the file it was at start and now is
 * the program's data (os_stderr_remember). */
static int quiet_now(void)
{
	if (__atomic_load_n(&os_sandboxed, __ATOMIC_RELAXED))
		return 1;
	int saved = errno, quiet = 0;
	struct rlimit lim;
	struct stat st;
	int have = fstat(2, &st) == 0;
	if (getrlimit(RLIMIT_FSIZE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
		quiet = !have || S_ISREG(st.st_mode);
	/* A program that closed its stderr and opened something else as fd 2
	 * must not get our lines in its data: a regular file not opened for
	 * appending, or a socket. A log it put there (O_APPEND: nginx's
	 * error_log), a pipe (a log collector), a terminal still get them. */
	if (err0.known < 0 || (err0.known && !have))
		quiet = 1;
	else if (err0.known && (st.st_dev != err0.dev || st.st_ino != err0.ino)) {
		int fl = fcntl(2, F_GETFL);
		if (S_ISSOCK(st.st_mode) || (S_ISREG(st.st_mode) && (fl < 0 || !(fl & O_APPEND))))
			quiet = 1;
	}
	errno = saved;
	return quiet;
}

int os_fsize_below(uint64_t len)
{
	struct rlimit lim;
	return getrlimit(RLIMIT_FSIZE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
	       (uint64_t)lim.rlim_cur < len;
}

int os_stderr_usable(void)
{
	return !quiet_now();
}

void os_say(const char *msg)
{
	if (quiet_now())
		return;
	char line[512];
	size_t n = 0, m = strlen(msg);
	memcpy(line, "fragguard: ", 11);
	n = 11;
	if (m > sizeof line - n - 1)
		m = sizeof line - n - 1;
	memcpy(line + n, msg, m);
	n += m;
	line[n++] = '\n';
	os_write_all(2, line, n);
}
