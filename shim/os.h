/* os.h: the shim's only door to the kernel. Every system call the shim makes
 * for itself goes through here as a raw syscall, so that the program's own
 * interposed mmap/munmap never see ours and errno is never touched.
 * Convention: 0 (or a value) on success, -errno on failure. */
#ifndef FG_OS_H
#define FG_OS_H

/* The shim makes its system calls itself (inline, errno untouched) on these
 * architectures; elsewhere through libc's syscall(), which it then must not
 * interpose (sandbox.c). */
#if defined(__x86_64__) || defined(__aarch64__) || (defined(__arm__) && defined(__ARM_EABI__))
#define FG_OWN_SYSCALLS 1
#endif
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Anonymous private read/write mapping; hint may be NULL. Returns the address
 * or NULL (never MAP_FAILED). noreserve: MAP_NORESERVE for address reservations. */
void *os_map(void *hint, size_t len, int noreserve);
int os_unmap(void *p, size_t len);
int os_madvise(void *p, size_t len, int advice);
/* mincore(2): one byte per page of [p, p+len) into vec, bit 0 set when the
 * page is resident. 0 or -errno. */
int os_mincore(void *p, size_t len, unsigned char *vec);
/* mremap with MREMAP_MAYMOVE (and MREMAP_FIXED when to != NULL); NULL on failure. */
void *os_remap(void *p, size_t old_len, size_t new_len, void *to);
int os_open(const char *path, int flags, int mode);
ssize_t os_read(int fd, void *buf, size_t len);
ssize_t os_pread(int fd, void *buf, size_t len, off_t off);
ssize_t os_write(int fd, const void *buf, size_t len);
/* Writes all of buf (retrying short writes and EINTR); 0 or -errno. */
int os_write_all(int fd, const void *buf, size_t len);
int os_close(int fd);
int os_rename(const char *from, const char *to);
int os_unlink(const char *path);
int os_getpid(void);
/* Whether the file-size limit (RLIMIT_FSIZE) is below len bytes: a write
 * past it raises SIGXFSZ, which kills a program that does not handle it. */
int os_fsize_below(uint64_t len);
/* The exit_group system call: the whole process ends (what _exit does). */
__attribute__((noreturn)) void os_exit_group(int status);
int os_gettid(void);
/* Whether thread tid of process pid is still in the kernel's thread group
 * (signal 0 by tgkill: a joined thread leaves it a little after the join). */
int os_task_exists(int pid, int tid);
/* Monotonic milliseconds and nanoseconds (vDSO-backed clock_gettime, which
 * neither allocates nor changes errno on these clocks). */
uint64_t os_now_ms(void);
/* ms from t to now; 0 when t is later (a stamp taken after now was read). */
static inline uint64_t os_ms_since(uint64_t now, uint64_t t) { return now > t ? now - t : 0; }
uint64_t os_now_ns(void);
void os_sleep_ms(unsigned ms);
/* Futex wait on *addr == val for at most ms (0: forever); wake up to n waiters. */
void os_futex_wait(int *addr, int val, unsigned ms);
void os_futex_wake(int *addr, int n);
/* Reads a whole small file into buf (NUL-terminated); length or -errno. */
ssize_t os_read_file(const char *path, char *buf, size_t cap);
/* *at variants (dirfd may be AT_FDCWD); 0/fd or -errno. */
int os_openat(int dirfd, const char *path, int flags, int mode);
int os_renameat(int dirfd, const char *from, const char *to);
int os_unlinkat(int dirfd, const char *path);
/* readlink into buf, NUL-terminated (truncated to cap - 1); length or -errno. */
ssize_t os_readlink(const char *path, char *buf, size_t cap);
int os_getppid(void);
/* Wall-clock milliseconds since the epoch (CLOCK_REALTIME, vDSO). */
uint64_t os_now_unix_ms(void);
/* The calling process's resource usage (RUSAGE_SELF): fault counts and
 * CPU time in ms. 0 or -errno. */
struct os_usage {
	uint64_t minflt, majflt, user_ms, sys_ms, maxrss_kb;
};
int os_getusage(struct os_usage *u);
/* uname: nodename, release, machine, each NUL-terminated (65 bytes). */
struct os_uname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domain[65];
};
int os_uname(struct os_uname *u);
/* For looking before large faults (guard.c, sample.c, compact.c, mmap.c). */
ssize_t os_pwrite(int fd, const void *buf, size_t len, off_t off);
/* flock(2): LOCK_EX | LOCK_NB etc. 0 or -errno. */
int os_flock(int fd, int op);
int os_mkdir(const char *path, int mode);
/* Which file fd is (device and inode, from fstat); 0 or -errno. */
int os_fd_id(int fd, uint64_t *dev, uint64_t *ino);
/* fcntl(F_DUPFD_CLOEXEC, minfd): the new descriptor or -errno. */
int os_dupfd(int fd, int minfd);
/* The mmap system call with every argument (the interposed mmap forwards
 * here); the address, or -errno as a pointer-sized value (> -4096UL). */
long os_mmap_sys(void *addr, size_t len, int prot, int flags, int fd, long long off);
/* munmap and mremap with every argument, results as the system call's. */
long os_munmap_sys(void *addr, size_t len);
long os_mremap_sys(void *old, size_t old_len, size_t new_len, int flags, void *to);
/* From now on (a seccomp filter is being installed: sandbox.c), the calls
 * that touch files, look at /proc or ask about the process fail with -EPERM
 * without reaching the kernel; memory mappings, futexes, getpid and writes
 * to an open descriptor still do. Inherited by fork, not by exec. */
void os_sandbox(void);
extern int os_sandboxed;
/* One line to stderr, prefixed "fragguard: ". Async-signal-safe. Nothing
 * is written once fd 2 is no longer the file it was when the shim started
 * and is now a regular file not opened for appending or a socket (the
 * program closed its stderr and reused the number for its data), nor to a
 * regular file under a file-size limit, nor in a sandbox. */
void os_say(const char *msg);
/* Notes what fd 2 is (at start, before the program can change it). */
void os_stderr_remember(void);
/* Whether os_say would write now (for writers of longer text). */
int os_stderr_usable(void);

#endif
