/* bg.c: the release thread (bg.h). Started lazily by the first kick, with
 * every signal blocked so it never runs a program's handler. Waits with a
 * timeout only while something is pending, forever (futex) otherwise. */
#include <pthread.h>
#include <signal.h>
#include "arena.h"
#include "bg.h"
#include "front.h"
#include "large.h"
#include "os.h"

static int started;  /* 0 no, 1 starting or running */
static int seq;      /* futex word: bumped by kicks */
static int armed;    /* the thread will wake by itself ... */
static uint64_t deadline_ms; /* ... at this time */

#define TICK_MS 100u

static unsigned tick_ms(void)
{
	return g.conf.release_ms / 4 > TICK_MS ? (unsigned)(g.conf.release_ms / 4) : TICK_MS;
}

static unsigned work(uint64_t now)
{
	unsigned wait = 0;
	front_drop_spares();
	int more = arena_tick(now) | large_tick(now);
	if (more)
		wait = tick_ms();
	if (g.conf.trim_idle_ms && __atomic_load_n(&front_dirty_bytes, __ATOMIC_RELAXED) >= (1u << 20)) {
		uint64_t last = front_last_activity_ms > arena_last_activity_ms ?
					front_last_activity_ms : arena_last_activity_ms;
		uint64_t idle = now > last ? now - last : 0;
		if (idle >= g.conf.trim_idle_ms) {
			front_trim();
			arena_trim(0);
		} else {
			unsigned left = (unsigned)(g.conf.trim_idle_ms - idle) + 10;
			if (!wait || left < wait)
				wait = left;
		}
	}
	return wait;
}

static void *bg_main(void *arg)
{
	(void)arg;
	for (;;) {
		unsigned wait = work(os_now_ms());
		int s = __atomic_load_n(&seq, __ATOMIC_ACQUIRE);
		if (!wait) {
			__atomic_store_n(&armed, 0, __ATOMIC_RELEASE);
			/* re-check after disarming: a kick may have come in between */
			wait = work(os_now_ms());
			if (!wait) {
				os_futex_wait(&seq, s, 0);
				continue;
			}
		}
		__atomic_store_n(&deadline_ms, os_now_ms() + wait, __ATOMIC_RELAXED);
		__atomic_store_n(&armed, 1, __ATOMIC_RELEASE);
		os_futex_wait(&seq, s, wait);
	}
	return NULL;
}

void bg_kick(void)
{
	if (!__atomic_load_n(&started, __ATOMIC_ACQUIRE)) {
		int z = 0;
		if (!__atomic_compare_exchange_n(&started, &z, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return;
		pthread_t t;
		pthread_attr_t a;
		sigset_t all, old;
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		pthread_attr_init(&a);
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&a, 64u << 10);
		__atomic_store_n(&armed, 1, __ATOMIC_RELEASE);
		if (pthread_create(&t, &a, bg_main, NULL)) {
			/* No thread (seccomp, limits): releases then happen only on
			 * malloc_trim and at span traffic. Do not try again. */
			if (g.conf.verbose)
				os_say("cannot start the release thread; memory is returned on malloc_trim only");
		}
		pthread_attr_destroy(&a);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return;
	}
	/* Wake the thread if it sleeps with no deadline, or with one later
	 * than a release would be due; otherwise it will look soon enough. */
	if (!__atomic_load_n(&armed, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&deadline_ms, __ATOMIC_RELAXED) > os_now_ms() + tick_ms()) {
		__atomic_store_n(&deadline_ms, 0, __ATOMIC_RELAXED);
		__atomic_add_fetch(&seq, 1, __ATOMIC_RELEASE);
		os_futex_wake(&seq, 1);
	}
}

void bg_after_fork_child(void)
{
	started = 0;
	armed = 0;
	seq = 0;
}
