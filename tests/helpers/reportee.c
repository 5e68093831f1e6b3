/* reportee.c: a program for the report tests (tests/preload/report_*.t), run
 * under the shim with FRAGGUARD_REPORT set. Compiled with -g so that its
 * allocating function, grow_heap_here(), can be named in call sites.
 * usage: reportee MODE [ARG]
 *   grow MB      allocate MB MiB in grow_heap_here(), write the report
 *                (fg_report_write), then print this process's own view as
 *                one JSON line: getrusage faults and /proc/self/status and
 *                smaps_rollup values, to compare with the report
 *   loop SECS    allocate and free for SECS seconds (0: forever); with
 *                "rewrite" as the 3rd argument also call fg_report_write
 *                every 10 ms
 *   fork         grow, fork; the child grows too and exits; parent waits
 *   exec PROG... grow, then execvp(PROG, ...)
 *   _exit N      grow 4, print "pid P", end with _exit(N) (_Exit N: _Exit)
 *   vfork        grow 4; a vfork child grows nothing and calls _exit(0),
 *                another tries to exec a missing program and _exit(127);
 *                prints "parent P child C1 C2"
 *   sigexit MS   a SIGALRM handler calls _exit(3); the timer fires every
 *                MS ms while the program allocates and frees in a loop
 *   count MB     like grow, with the program's own malloc family counting
 *                calls whose caller is the unwinder (libgcc_s) or the shim: prints
 *                "nested N" (must be 0: the sampler never allocates) */
#include <dlfcn.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int counting;
static volatile unsigned long nested;
static uintptr_t lo[2], hi[2];

static void *(*next_malloc)(size_t);
static void (*next_free)(void *);
static void *(*next_calloc)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);
static char boot[4096];
static size_t boot_used;
static int in_dlsym;

static void note_caller(void *ra)
{
	uintptr_t a = (uintptr_t)ra;
	if (counting && ((a >= lo[0] && a < hi[0]) || (a >= lo[1] && a < hi[1])))
		__atomic_fetch_add(&nested, 1, __ATOMIC_RELAXED);
}

static void resolve(void)
{
	if (next_malloc || in_dlsym)
		return;
	in_dlsym = 1;
	next_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	next_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	next_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	next_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	in_dlsym = 0;
}

/* The program's own malloc family: only active in "count" mode (the
 * symbols are defined always; in other modes they just forward). */
void *malloc(size_t n)
{
	note_caller(__builtin_return_address(0));
	resolve();
	if (!next_malloc) {
		void *p = boot + boot_used;
		boot_used += (n + 15) & ~(size_t)15;
		return boot_used <= sizeof boot ? p : NULL;
	}
	return next_malloc(n);
}

void *calloc(size_t n, size_t m)
{
	note_caller(__builtin_return_address(0));
	resolve();
	if (!next_calloc) {
		void *p = boot + boot_used;
		boot_used += (n * m + 15) & ~(size_t)15;
		return boot_used <= sizeof boot ? p : NULL; /* static: zero */
	}
	return next_calloc(n, m);
}

void free(void *p)
{
	note_caller(__builtin_return_address(0));
	if ((char *)p >= boot && (char *)p < boot + sizeof boot)
		return;
	resolve();
	if (next_free)
		next_free(p);
}

void *realloc(void *p, size_t n)
{
	note_caller(__builtin_return_address(0));
	resolve();
	return next_realloc(p, n);
}

static int find_mods(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	int which = strstr(info->dlpi_name, "libgcc_s") ? 0 :
		    strstr(info->dlpi_name, "libfragguard") ? 1 : -1;
	if (which < 0)
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t a = info->dlpi_addr + ph->p_vaddr, b = a + ph->p_memsz;
		if (!lo[which] || a < lo[which])
			lo[which] = a;
		if (b > hi[which])
			hi[which] = b;
	}
	return 0;
}

static void *keep[1 << 16];

__attribute__((noinline)) void grow_heap_here(size_t mb)
{
	size_t n = (mb << 20) / 400;
	if (n > sizeof keep / sizeof keep[0])
		n = sizeof keep / sizeof keep[0];
	for (size_t i = 0; i < n; i++) {
		keep[i] = malloc(400 + (i % 7) * 16);
		memset(keep[i], 1, 400);
	}
	for (size_t i = 0; i < mb / 4; i++) /* some large blocks too */
		memset(malloc(3u << 20), 2, 4096);
	__asm__ volatile("" ::: "memory");
}

static int report_now(void)
{
	int (*w)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "fg_report_write");
	return w ? w() : -2;
}

static long kb(const char *file, const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen(file, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			v = atol(line + strlen(key) + 1);
	fclose(f);
	return v;
}

static void own_view(int r)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	long pte = kb("/proc/self/status", "VmPTE"), hwm = kb("/proc/self/status", "VmHWM");
	long rss = kb("/proc/self/status", "VmRSS");
	long anon = kb("/proc/self/smaps_rollup", "Anonymous");
	long huge = kb("/proc/self/smaps_rollup", "AnonHugePages");
	printf("{\"write\": %d, \"pid\": %d, \"minor_faults\": %ld, \"major_faults\": %ld, "
	       "\"page_table_bytes\": %ld, \"peak_rss_bytes\": %ld, \"rss_bytes\": %ld, "
	       "\"anon_bytes\": %ld, \"anon_huge_bytes\": %ld}\n",
	       r, (int)getpid(), ru.ru_minflt, ru.ru_majflt, pte * 1024, hwm * 1024, rss * 1024,
	       anon * 1024, huge * 1024);
	fflush(stdout);
}

static void on_alarm_exit(int sig)
{
	(void)sig;
	_exit(3);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "grow";
	long arg = argc > 2 ? atol(argv[2]) : 8;

	if (!strcmp(mode, "grow")) {
		grow_heap_here((size_t)arg);
		int r = report_now();
		own_view(r);
		/* REPORTEE_KEEP=PATH: keep this write from being replaced at exit */
		const char *keep_as = getenv("REPORTEE_KEEP"), *rep = getenv("FRAGGUARD_REPORT");
		if (keep_as && rep && rename(rep, keep_as))
			perror("rename");
		return 0;
	}
	if (!strcmp(mode, "count")) {
		dl_iterate_phdr(find_mods, NULL);
		if (!hi[0] || !hi[1]) {
			printf("modules not found (libgcc_s %d, shim %d)\n", hi[0] != 0, hi[1] != 0);
			return 77;
		}
		counting = 1;
		grow_heap_here((size_t)arg);
		int r = report_now();
		counting = 0;
		printf("nested %lu write %d\n", nested, r);
		return 0;
	}
	if (!strcmp(mode, "loop")) {
		int rewrite = argc > 3 && !strcmp(argv[3], "rewrite");
		double end = now() + (double)arg, last = 0;
		static void *slot[4096];
		unsigned long i = 0;
		while (!arg || now() < end) {
			unsigned k = (unsigned)(i * 2654435761u) % 4096;
			free(slot[k]);
			slot[k] = malloc(64 + (i % 61) * 64);
			if (!(i++ % 1024) && rewrite && now() - last >= 0.01) {
				report_now();
				last = now();
			}
		}
		return 0;
	}
	if (!strcmp(mode, "fork")) {
		grow_heap_here(4);
		fflush(stdout);
		pid_t c = fork();
		if (c == 0) {
			grow_heap_here(6);
			printf("child %d\n", (int)getpid());
			exit(0);
		}
		int st;
		waitpid(c, &st, 0);
		printf("parent %d\n", (int)getpid());
		return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	}
	if (!strcmp(mode, "exec") && argc > 2) {
		grow_heap_here(4);
		printf("pid %d\n", (int)getpid());
		fflush(stdout);
		execvp(argv[2], argv + 2);
		perror("execvp");
		return 1;
	}
	if (!strcmp(mode, "_exit") || !strcmp(mode, "_Exit")) {
		grow_heap_here(4);
		printf("pid %d\n", (int)getpid());
		fflush(stdout);
		if (mode[1] == 'e')
			_exit((int)arg);
		_Exit((int)arg);
	}
	if (!strcmp(mode, "vfork")) {
		grow_heap_here(4);
		fflush(stdout);
		pid_t c[2];
		for (int i = 0; i < 2; i++) {
			c[i] = vfork();
			if (c[i] == 0) {
				if (i)
					execl("/nonexistent/reportee-missing", "missing", (char *)NULL);
				_exit(i ? 127 : 0);
			}
		}
		int st, bad = 0;
		for (int i = 0; i < 2; i++)
			if (c[i] < 0 || waitpid(c[i], &st, 0) < 0 || !WIFEXITED(st) ||
			    WEXITSTATUS(st) != (i ? 127 : 0))
				bad = 1;
		printf("parent %d child %d %d\n", (int)getpid(), (int)c[0], (int)c[1]);
		return bad;
	}
	if (!strcmp(mode, "sigexit")) {
		signal(SIGALRM, on_alarm_exit);
		struct itimerval it = { { 0, arg * 1000 }, { 0, arg * 1000 } };
		setitimer(ITIMER_REAL, &it, NULL);
		static void *slot[1024];
		for (unsigned long i = 0;; i++) {
			unsigned k = (unsigned)(i * 2654435761u) % 1024;
			free(slot[k]);
			slot[k] = malloc(16 + (i % 97) * 48);
		}
	}
	fprintf(stderr, "usage: reportee grow|count|loop|fork|exec|_exit|_Exit|vfork|sigexit ...\n");
	return 2;
}
