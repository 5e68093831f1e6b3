/* check.h: the few helpers the preload tests share. A preload test is a plain
 * program run with LD_PRELOAD=build/libfragguard.so: exit 0 pass, 77 skip
 * (reason on the last line), anything else fail. CHECK reports file:line and
 * goes on; check_done() turns the count into the exit status. */
#ifndef FG_TEST_CHECK_H
#define FG_TEST_CHECK_H
#include <dlfcn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fragguard.h"

static int check_failures;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__,  \
				__LINE__, #cond);                              \
			if (++check_failures > 50)                             \
				check_abort();                                 \
		}                                                              \
	} while (0)

/* CHECKF(cond, fmt, ...): the same with a formatted explanation. */
#define CHECKF(cond, ...)                                                      \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__,  \
				__LINE__, #cond);                              \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			if (++check_failures > 50)                             \
				check_abort();                                 \
		}                                                              \
	} while (0)

/* FATAL: a failure after which the test cannot go on (no memory, ...). */
#define FATAL(...)                                                             \
	do {                                                                   \
		fprintf(stderr, "%s:%d: FATAL: ", __FILE__, __LINE__);         \
		fprintf(stderr, __VA_ARGS__);                                  \
		fputc('\n', stderr);                                           \
		exit(1);                                                       \
	} while (0)

static inline void check_abort(void)
{
	fprintf(stderr, "too many failures, giving up\n");
	exit(1);
}

static inline int check_done(const char *name)
{
	if (check_failures) {
		fprintf(stderr, "%s: %d check(s) failed\n", name, check_failures);
		return 1;
	}
	printf("%s: ok\n", name);
	return 0;
}

static inline void skip(const char *why)
{
	fflush(stdout);
	printf("%s\n", why);
	exit(77);
}

/* True when the shim is loaded: it exports fg_stats. */
static inline int under_shim(void)
{
	return dlsym(RTLD_DEFAULT, "fg_stats") != NULL;
}

/* The shim's counters through fg_stats, looked up at run time (a preload
 * test is not linked with the shim). Call under_shim() first. */
static inline struct fg_stats shim_stats(void)
{
	static int (*fn)(struct fg_stats *, size_t);
	struct fg_stats st;
	memset(&st, 0, sizeof st);
	if (!fn)
		*(void **)&fn = dlsym(RTLD_DEFAULT, "fg_stats");
	if (!fn || fn(&st, sizeof st) < 0)
		FATAL("fg_stats not found");
	return st;
}

/* Keeps the compiler from seeing through an allocation (no elided pairs). */
static inline void *opaque(void *p)
{
	__asm__ volatile("" : "+r"(p) : : "memory");
	return p;
}

static inline size_t opaque_size(size_t n)
{
	__asm__ volatile("" : "+r"(n));
	return n;
}

/* A byte pattern that depends on the block's address, size and offset. */
static inline unsigned char pat_byte(const void *p, size_t n, size_t i)
{
	uintptr_t x = (uintptr_t)p ^ (n * 0x9E3779B97F4A7C15ull) ^ (i * 0x2545F491u);
	return (unsigned char)(x ^ (x >> 13) ^ (x >> 29));
}

static inline void pat_fill(void *p, size_t n, unsigned seed)
{
	unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		c[i] = (unsigned char)(pat_byte(p, n, i) + seed);
}

/* Index of the first bad byte, or (size_t)-1 when all match. */
static inline size_t pat_bad(const void *p, size_t n, unsigned seed)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		if (c[i] != (unsigned char)(pat_byte(p, n, i) + seed))
			return i;
	return (size_t)-1;
}

/* A pattern of position and seed only: survives a move by realloc. */
static inline unsigned char pos_byte(size_t i, unsigned seed)
{
	return (unsigned char)((i * 131u + (i >> 8) * 7u + seed) ^ (i >> 16));
}

static inline void pos_fill(void *p, size_t n, unsigned seed)
{
	unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		c[i] = pos_byte(i, seed);
}

static inline size_t pos_bad(const void *p, size_t n, unsigned seed)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		if (c[i] != pos_byte(i, seed))
			return i;
	return (size_t)-1;
}

/* Runs this program again in a child whose environment also has "FG_CHILD=1"
 * and each "KEY=VALUE" of env (NULL-terminated), for settings the shim reads
 * at start, and returns the child's wait status. */
static inline int check_rerun(char **argv, const char *const env[])
{
	pid_t pid = fork();
	if (pid == 0) {
		setenv("FG_CHILD", "1", 1);
		for (int i = 0; env[i]; i++)
			putenv((char *)env[i]);
		execv("/proc/self/exe", argv);
		fprintf(stderr, "execv /proc/self/exe failed\n");
		_exit(1);
	}
	int st = -1;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		FATAL("fork or wait failed");
	return st;
}

/* For a test of the shim's reports: skips when the shim is not loaded; in
 * the first run, runs the program again (check_rerun) with FRAGGUARD_REPORT
 * naming a file of its own (removed afterwards) and one more setting, and
 * exits with the child's status; in that child, returns. */
static inline void check_child_reporting(char **argv, const char *name, const char *setting)
{
	if (!under_shim())
		skip("not under the shim");
	if (getenv("FG_CHILD"))
		return;
	char env[160];
	snprintf(env, sizeof env, "FRAGGUARD_REPORT=/tmp/fg-%s.%d.json", name, (int)getpid());
	int st = check_rerun(argv, (const char *const[]){ env, setting, NULL });
	unlink(env + sizeof "FRAGGUARD_REPORT=" - 1);
	exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
}

/* This process's mapped size and RSS in KiB (/proc/self/statm; 0 when
 * unreadable). */
static inline void self_statm(long *size_kb, long *rss_kb)
{
	long sz = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &sz, &rss) != 2)
			sz = rss = 0;
		fclose(f);
	}
	long pk = sysconf(_SC_PAGESIZE) / 1024;
	*size_kb = sz * pk;
	*rss_kb = rss * pk;
}

/* A "Name:   N kB" line of /proc/self/status in KiB, e.g. "VmHWM" (peak
 * RSS: unlike RSS it does not dip when the release thread has just given
 * pages back, so growth measured between two samples of it does not depend
 * on when each was taken); 0 when absent. */
static inline long self_status_kb(const char *field)
{
	char line[128];
	long v = 0;
	size_t n = strlen(field);
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, field, n) && line[n] == ':')
			v = atol(line + n + 1);
	if (f)
		fclose(f);
	return v;
}

#endif
