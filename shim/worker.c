/* worker.c: starting, stopping and joining the shim's threads (worker.h).
 * A start checks `paused` after claiming the worker, a pause raises it
 * before looking at the workers: one of the two always sees the other. */
#include <errno.h>
#include <signal.h>
#include <sched.h>
#include "lock.h"
#include "os.h"
#include "shim.h"
#include "worker.h"

#define WORKERS_MAX 4

static struct worker *all[WORKERS_MAX];
static int nall;
static int paused; /* pause depth */
/* This thread is inside worker_start or worker_pause: a fork or set*id
 * from a signal handler that interrupted it must not wait for the worker
 * it left half-started or half-stopped (it would wait for itself). */
static __thread int tl_inside __attribute__((tls_model("initial-exec")));

static void *trampoline(void *arg)
{
	struct worker *w = arg;
	__atomic_store_n(&w->tid, os_gettid(), __ATOMIC_RELEASE);
	w->run(w);
	return NULL;
}

static void enlist(struct worker *w)
{
	for (int i = 0; i < __atomic_load_n(&nall, __ATOMIC_ACQUIRE); i++)
		if (all[i] == w)
			return;
	int i = __atomic_fetch_add(&nall, 1, __ATOMIC_ACQ_REL);
	if (i < WORKERS_MAX)
		__atomic_store_n(&all[i], w, __ATOMIC_RELEASE);
}

int worker_start(struct worker *w)
{
	int z = WORKER_NONE;
	if (!__atomic_compare_exchange_n(&w->state, &z, WORKER_STARTING, 0, __ATOMIC_SEQ_CST,
					 __ATOMIC_RELAXED))
		return z == WORKER_RUNNING;
	if (__atomic_load_n(&paused, __ATOMIC_SEQ_CST) || __atomic_load_n(&os_sandboxed, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&w->state, WORKER_NONE, __ATOMIC_RELEASE);
		return 0;
	}
	enlist(w);
	tl_inside = 1;
	pthread_attr_t a;
	sigset_t every, old;
	sigfillset(&every);
	pthread_sigmask(SIG_SETMASK, &every, &old);
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, w->stack);
	w->pid = os_getpid();
	__atomic_store_n(&w->tid, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&w->stop, 0, __ATOMIC_RELEASE);
	int r = pthread_create(&w->t, &a, trampoline, w);
	pthread_attr_destroy(&a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	tl_inside = 0;
	if (r) {
		/* No thread (seccomp, limits): do not try again. */
		__atomic_store_n(&w->state, WORKER_FAILED, __ATOMIC_RELEASE);
		return -1;
	}
	__atomic_store_n(&w->state, WORKER_RUNNING, __ATOMIC_RELEASE);
	return 1;
}

/* pthread_join returns when the thread's stack is free (the kernel clears
 * its tid word as it leaves the memory map), a little before the kernel
 * takes it out of the thread group: until then unshare(CLONE_NEWUSER)
 * still fails with EINVAL and /proc/self/task still lists it. Waits for
 * that, up to ~200 ms (tests/preload/setxid's forked child: its unshare
 * failed in 2 of 40 runs without this wait, 0 of 40 with it; fork_count's
 * first look after fork: 1 run of 10 counted a thread too many). */
static void gone(const struct worker *w)
{
	int tid = __atomic_load_n(&w->tid, __ATOMIC_ACQUIRE);
	for (int i = 0; tid && i < 250 && os_task_exists(w->pid, tid); i++)
		if (i < 50)
			sched_yield();
		else
			os_sleep_ms(1);
}

void worker_pause(void)
{
	int saved = errno;
	__atomic_add_fetch(&paused, 1, __ATOMIC_SEQ_CST);
	if (tl_inside || lock_depth) /* a worker may wait for this thread's lock */
		return;
	tl_inside = 1;
	int n = __atomic_load_n(&nall, __ATOMIC_ACQUIRE);
	int me = os_getpid();
	for (int i = 0; i < n && i < WORKERS_MAX; i++) {
		struct worker *w = __atomic_load_n(&all[i], __ATOMIC_ACQUIRE);
		if (!w)
			continue;
		int s;
		while ((s = __atomic_load_n(&w->state, __ATOMIC_ACQUIRE)) == WORKER_STARTING)
			sched_yield();
		if (s != WORKER_RUNNING || w->pid != me)
			continue; /* not running, or a vfork child's view of its parent */
		/* Concurrent pauses: the one that claims the worker joins it. */
		if (!__atomic_compare_exchange_n(&w->state, &s, WORKER_STARTING, 0, __ATOMIC_SEQ_CST,
						 __ATOMIC_RELAXED))
			continue;
		__atomic_store_n(&w->stop, 1, __ATOMIC_RELEASE);
		__atomic_add_fetch(w->wake, 1, __ATOMIC_RELEASE);
		os_futex_wake(w->wake, 1 << 30);
		pthread_join(w->t, NULL);
		gone(w);
		__atomic_store_n(&w->restart, 1, __ATOMIC_RELEASE);
		__atomic_store_n(&w->state, WORKER_NONE, __ATOMIC_RELEASE);
	}
	tl_inside = 0;
	errno = saved;
}

void worker_resume(void)
{
	int saved = errno;
	if (__atomic_sub_fetch(&paused, 1, __ATOMIC_SEQ_CST) == 0) {
		int n = __atomic_load_n(&nall, __ATOMIC_ACQUIRE);
		for (int i = 0; i < n && i < WORKERS_MAX; i++) {
			struct worker *w = __atomic_load_n(&all[i], __ATOMIC_ACQUIRE);
			if (w && __atomic_load_n(&w->restart, __ATOMIC_ACQUIRE) && worker_start(w) == 1)
				__atomic_store_n(&w->restart, 0, __ATOMIC_RELEASE);
		}
	}
	errno = saved;
}

void worker_resume_lazy(void)
{
	__atomic_sub_fetch(&paused, 1, __ATOMIC_SEQ_CST);
}

void worker_after_fork_child(struct worker *w)
{
	w->state = WORKER_NONE;
	w->stop = 0;
	w->restart = 0;
	paused = 0;
}
