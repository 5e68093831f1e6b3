/* signals.c: SIGALRM every millisecond (no SA_RESTART) while two threads run
 * malloc/calloc/realloc/free of small and large blocks for a few seconds. The
 * handler only does async-signal-safe work (counts, clobbers errno and puts
 * it back, a system call). Nothing may be corrupted, no allocation may fail,
 * and errno must stay untouched across successful calls. (Allocating inside a
 * handler is not async-signal-safe in POSIX and is not tested; a thread in
 * malloc while another forks is fork_threads.c.) */
#include "check.h"
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t ticks;
static volatile int failed;
static double seconds = 3.0;

static void on_alarm(int sig)
{
	int e = errno;
	(void)sig;
	ticks++;
	errno = EINTR;
	(void)getppid();
	errno = e;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *run(void *arg)
{
	uint64_t s = 0xdeadbeefull + (uintptr_t)arg;
	enum { K = 512 };
	void *p[K] = { 0 };
	size_t n[K] = { 0 };
	double end = now() + seconds;
	long ops = 0;

	while (!failed && (ops & 1023 || now() < end)) {
		ops++;
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		int i = (int)(s % K);
		unsigned what = (unsigned)(s >> 40) % 10;
		size_t m = (s >> 16) % 100 == 0 ? (s >> 20) % (4 << 20) + 1 : (s >> 20) % 3000 + 1;
		errno = 4321;
		if (p[i]) {
			if (pos_bad(p[i], n[i] < 4096 ? n[i] : 4096, (unsigned)i) != (size_t)-1) {
				fprintf(stderr, "block %p (%zu bytes) damaged\n", p[i], n[i]);
				failed = 1;
			}
			if (what < 3) {
				void *q = realloc(p[i], m);
				if (!q) {
					fprintf(stderr, "realloc(%zu) failed, errno %d\n", m, errno);
					failed = 1;
					break;
				}
				size_t keep = m < n[i] ? m : n[i];
				if (keep > 4096)
					keep = 4096;
				if (pos_bad(q, keep, (unsigned)i) != (size_t)-1) {
					fprintf(stderr, "realloc lost data\n");
					failed = 1;
				}
				p[i] = q;
				n[i] = m;
				pos_fill(q, m < 4096 ? m : 4096, (unsigned)i);
			} else {
				free(p[i]);
				p[i] = NULL;
			}
		} else {
			p[i] = what < 2 ? calloc(1, m) : malloc(m);
			if (!p[i]) {
				fprintf(stderr, "allocation of %zu failed, errno %d\n", m, errno);
				failed = 1;
				break;
			}
			if (what < 2 && ((unsigned char *)p[i])[m - 1] != 0) {
				fprintf(stderr, "calloc(1, %zu): last byte not zero\n", m);
				failed = 1;
			}
			n[i] = m;
			if (m > 4096)
				memset((char *)p[i] + 4096, 0x5a, m - 4096);
			pos_fill(p[i], m < 4096 ? m : 4096, (unsigned)i);
		}
		if (errno != 4321) {
			fprintf(stderr, "errno changed to %d by a successful call\n", errno);
			failed = 1;
		}
	}
	for (int i = 0; i < K; i++)
		free(p[i]);
	return (void *)ops;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		seconds = atof(argv[1]);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: interrupted system calls see EINTR */
	if (sigaction(SIGALRM, &sa, NULL))
		FATAL("sigaction");
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	if (setitimer(ITIMER_REAL, &it, NULL))
		FATAL("setitimer");

	pthread_t t;
	void *ops2 = 0;
	if (pthread_create(&t, NULL, run, (void *)1))
		FATAL("pthread_create");
	long ops1 = (long)run((void *)2);
	pthread_join(t, &ops2);

	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	printf("%ld + %ld operations, %d signals\n", ops1, (long)ops2, (int)ticks);
	CHECK(!failed);
	/* One per ms in theory; a loaded machine coalesces many. */
	int want = (int)(seconds * 1000 / 30) > 10 ? (int)(seconds * 1000 / 30) : 10;
	CHECKF(ticks >= want, "only %d SIGALRM delivered in %.1f s", (int)ticks, seconds);
	return check_done("signals");
}
