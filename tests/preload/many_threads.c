/* many_threads.c: a small program must not pay a chunk per thread. 64
 * threads alive at once, each holding a few small blocks: the RSS they add
 * (stacks included) must stay far below one 2 MiB chunk per thread: at most
 * 128 KiB per thread. (Mapped size is only printed: glibc itself reserves
 * 64 MiB of PROT_NONE address space per arena.) */
#include "check.h"
#include <pthread.h>
#include <string.h>

enum { NT = 64 };

static pthread_barrier_t in, out;

static void *holder(void *arg)
{
	void *p[8];
	for (int i = 0; i < 8; i++) {
		p[i] = malloc((size_t)(i + 1) * 24 + (uintptr_t)arg % 7);
		if (!p[i])
			abort();
		memset(p[i], i, (size_t)(i + 1) * 24);
	}
	pthread_barrier_wait(&in);
	pthread_barrier_wait(&out);
	for (int i = 0; i < 8; i++)
		free(p[i]);
	return NULL;
}

int main(void)
{
	pthread_t t[NT];
	long sz0, rss0, sz1, rss1;

	/* The main thread's own allocator state first. */
	free(opaque(malloc(100)));
	pthread_barrier_init(&in, NULL, NT + 1);
	pthread_barrier_init(&out, NULL, NT + 1);
	self_statm(&sz0, &rss0);
	for (int i = 0; i < NT; i++)
		if (pthread_create(&t[i], NULL, holder, (void *)(intptr_t)i))
			FATAL("pthread_create");
	pthread_barrier_wait(&in);
	self_statm(&sz1, &rss1);
	pthread_barrier_wait(&out);
	for (int i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	printf("%d threads: RSS +%ld KiB (%ld per thread), mapped +%ld KiB (%ld per thread)\n",
	       NT, rss1 - rss0, (rss1 - rss0) / NT, sz1 - sz0, (sz1 - sz0) / NT);
	CHECKF(rss1 - rss0 <= 128L * NT, "RSS grew by %ld KiB for %d threads holding "
	       "8 small blocks each", rss1 - rss0, NT);
	return check_done("many_threads");
}
