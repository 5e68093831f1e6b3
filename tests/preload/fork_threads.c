/* fork_threads.c: a parent whose 4 threads allocate and free without pause
 * forks 1000 times; each child allocates small and large blocks, checks them,
 * frees a block the parent made before the fork, starts a thread that
 * allocates, and _exit(0)s. A deadlock (a lock held by a parent thread at the
 * fork) fails through alarm() instead of hanging.
 * Usage: fork_threads [FORKS] */
#include "check.h"
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

enum { NT = 4 };

static volatile int stop;
static unsigned char *before; /* made by the parent, freed by children */
static const size_t before_n = 100000;

static void *busy(void *arg)
{
	uint64_t s = 77 + (uintptr_t)arg;
	void *keep[256] = { 0 };
	size_t kn[256] = { 0 };
	for (unsigned long op = 0; !stop; op++) {
		/* Bursts with short pauses, so that 4 busy threads on 2 cores
		 * leave the forking thread some CPU. */
		if ((op & 255) == 255)
			usleep(50);
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		int i = (int)(s % 256);
		if (keep[i]) {
			size_t bad = pat_bad(keep[i], kn[i] < 256 ? kn[i] : 256, 1);
			if (bad != (size_t)-1) {
				fprintf(stderr, "parent thread: block damaged at %zu\n", bad);
				abort();
			}
			free(keep[i]);
			keep[i] = NULL;
		} else {
			size_t n = (s >> 20) % 64 == 0 ? (s >> 8) % (1 << 20) + 1 : (s >> 8) % 2000 + 1;
			keep[i] = malloc(n);
			if (!keep[i])
				abort();
			kn[i] = n;
			pat_fill(keep[i], n < 256 ? n : 256, 1);
		}
	}
	for (int i = 0; i < 256; i++)
		free(keep[i]);
	return NULL;
}

static void *child_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++) {
		void *p = malloc((size_t)i * 100 + 1);
		if (!p)
			return (void *)1;
		pat_fill(p, (size_t)i * 100 + 1, 2);
		if (pat_bad(p, (size_t)i * 100 + 1, 2) != (size_t)-1)
			return (void *)1;
		free(p);
	}
	return NULL;
}

/* The child: returns its exit status. No stdio before the checks are done. */
static int child(int k)
{
	static const size_t sizes[] = { 1, 16, 48, 200, 1000, 4096, 30000, 200000,
					(1 << 20) + 3 };
	void *p[sizeof sizes / sizeof sizes[0]];
	alarm(30);
	if (pat_bad(before, before_n, 7) != (size_t)-1)
		return 10;
	free(before);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		p[i] = malloc(sizes[i]);
		if (!p[i])
			return 11;
		pos_fill(p[i], sizes[i], (unsigned)k);
	}
	void *c = calloc(1000, 10);
	if (!c)
		return 12;
	for (int i = 0; i < 10000; i++)
		if (((unsigned char *)c)[i])
			return 13;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		if (pos_bad(p[i], sizes[i], (unsigned)k) != (size_t)-1)
			return 14;
		p[i] = realloc(p[i], sizes[i] * 2 + 1);
		if (!p[i] || pos_bad(p[i], sizes[i], (unsigned)k) != (size_t)-1)
			return 15;
		free(p[i]);
	}
	free(c);
	if (k % 10 == 0) {
		pthread_t t;
		void *r = (void *)1;
		if (pthread_create(&t, NULL, child_thread, NULL) || pthread_join(t, &r) || r)
			return 16;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int forks = argc > 1 ? atoi(argv[1]) : 1000;
	pthread_t t[NT];

	alarm(120);
	before = malloc(before_n);
	if (!before)
		FATAL("malloc");
	pat_fill(before, before_n, 7);
	for (int i = 0; i < NT; i++)
		if (pthread_create(&t[i], NULL, busy, (void *)(intptr_t)i))
			FATAL("pthread_create");
	for (int k = 0; k < forks; k++) {
		fflush(stdout);
		fflush(stderr);
		pid_t pid = fork();
		if (pid < 0)
			FATAL("fork %d failed", k);
		if (pid == 0)
			_exit(child(k));
		int st;
		if (waitpid(pid, &st, 0) != pid)
			FATAL("waitpid");
		if (WIFSIGNALED(st))
			CHECKF(0, "fork %d: child killed by signal %d%s", k, WTERMSIG(st),
			       WTERMSIG(st) == SIGALRM ? " (deadlock: alarm after 30 s)" : "");
		else
			CHECKF(WEXITSTATUS(st) == 0, "fork %d: child exit %d (10: parent "
			       "block damaged, 11/12: alloc failed, 13: calloc not zero, "
			       "14/15: content, 16: thread)", k, WEXITSTATUS(st));
		if (check_failures > 5)
			break;
		/* The parent itself keeps allocating between forks. */
		free(opaque(malloc((size_t)k * 37 % 5000 + 1)));
	}
	stop = 1;
	for (int i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	CHECK(pat_bad(before, before_n, 7) == (size_t)-1);
	free(before);
	return check_done("fork_threads");
}
