/* tsd_exit.c: memory freed and allocated while a thread exits. pthread key
 * destructors run after the thread function returned, in no fixed order
 * relative to an allocator's own per-thread teardown: they free blocks,
 * allocate new ones and set the key again (destructor rounds), and free
 * blocks that other threads allocated. 1000 threads, 4 at a time; nothing
 * may crash and peak RSS must not grow with the number of threads. */
#include "check.h"
#include <pthread.h>
#include <string.h>

enum { KEYS = 6, ALIVE = 4 };

static pthread_key_t keys[KEYS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static void *shared[64];
static volatile int bad;

struct val {
	int round;
	size_t n;
	unsigned char *data;
};

static void dtor(void *v)
{
	struct val *x = v;
	for (size_t i = 0; i < x->n; i++)
		if (x->data[i] != (unsigned char)(x->n + (size_t)x->round)) {
			bad = 1;
			break;
		}
	free(x->data);
	/* Take a block another thread left, leave one of ours. */
	void *mine = malloc(x->n * 3 + 1);
	if (!mine) {
		bad = 1;
		return;
	}
	memset(mine, 0x11, x->n * 3 + 1);
	pthread_mutex_lock(&mu);
	int slot = (int)(((uintptr_t)x >> 4) % 64);
	void *theirs = shared[slot];
	shared[slot] = mine;
	pthread_mutex_unlock(&mu);
	free(theirs);
	/* Set the key again for another destructor round (at most 4 rounds). */
	if (x->round < 2) {
		x->round++;
		x->data = malloc(x->n);
		if (!x->data) {
			bad = 1;
			return;
		}
		memset(x->data, (int)(x->n + (size_t)x->round), x->n);
		for (int k = 0; k < KEYS; k++)
			if (pthread_getspecific(keys[k]) == NULL) {
				pthread_setspecific(keys[k], x);
				return;
			}
		pthread_setspecific(keys[0], x); /* cannot happen: ours was cleared */
		return;
	}
	free(x);
}

static void *body(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	for (int k = 0; k < KEYS; k++) {
		struct val *x = malloc(sizeof *x);
		if (!x) {
			bad = 1;
			return NULL;
		}
		x->round = 0;
		x->n = (id * 131 + (uintptr_t)k * 977) % 20000 + 1;
		x->data = malloc(x->n);
		if (!x->data) {
			bad = 1;
			return NULL;
		}
		memset(x->data, (int)x->n, x->n);
		pthread_setspecific(keys[k], x);
	}
	for (int i = 0; i < 200; i++)
		free(opaque(malloc((size_t)i * 40 + 1)));
	return NULL;
}

int main(int argc, char **argv)
{
	int total = argc > 1 ? atoi(argv[1]) : 1000;
	long hwm100 = 0;

	for (int k = 0; k < KEYS; k++)
		if (pthread_key_create(&keys[k], dtor))
			FATAL("pthread_key_create");
	for (int i = 0; i < total; i += ALIVE) {
		pthread_t t[ALIVE];
		for (int j = 0; j < ALIVE; j++)
			if (pthread_create(&t[j], NULL, body, (void *)(uintptr_t)(i + j)))
				FATAL("pthread_create");
		for (int j = 0; j < ALIVE; j++)
			pthread_join(t[j], NULL);
		if (i + ALIVE == 100)
			hwm100 = self_status_kb("VmHWM");
	}
	long hwm = self_status_kb("VmHWM");
	printf("peak RSS after 100 threads %ld KiB, after %d: %ld KiB\n", hwm100, total, hwm);
	CHECK(!bad);
	CHECKF(hwm100 > 0, "VmHWM unreadable in /proc/self/status");
	/* Peak RSS, not RSS: two RSS samples differ by whether the release
	 * thread has just given pages back. */
	CHECKF(hwm - hwm100 < 6 * 1024, "peak RSS grew by %ld KiB from 100 to %d threads",
	       hwm - hwm100, total);
	for (int i = 0; i < 64; i++)
		free(shared[i]);
	return check_done("tsd_exit");
}
