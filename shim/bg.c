/* bg.c: the release thread (bg.h). Started lazily by the first kick, as a
 * worker (worker.h: every signal blocked, stopped around set*id calls).
 * Waits with a timeout only while something is pending, forever (futex)
 * otherwise. */
#include "arena.h"
#include "bg.h"
#include "front.h"
#include "large.h"
#include "os.h"
#include "worker.h"

static int seq;      /* futex word: bumped by kicks */
static int armed;    /* the thread will wake by itself ... */
static uint64_t deadline_ms; /* ... at this time */

#define TICK_MS 100u

static unsigned tick_ms(void)
{
	return g.conf.release_ms / 4 > TICK_MS ? (unsigned)(g.conf.release_ms / 4) : TICK_MS;
}

/* Less than half of the small-object chunks' bytes are handed out: the
 * program shrank, its huge pages are on average more than half free, so
 * splitting them gives back more than it costs. Its free pages then go
 * back after a quarter of TRIM_IDLE_MS (issue 7's sawtooth, 90 % freed,
 * is read at 1 s). */
static int heap_shrunk(void)
{
	uint64_t mapped, empty;
	arena_usage(&mapped, &empty);
	uint64_t used = mapped - empty;
	return used && front_live_bytes() < used / 2;
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
		uint64_t idle = os_ms_since(now, last);
		uint64_t quarter = g.conf.trim_idle_ms >= 4 ? g.conf.trim_idle_ms / 4 : 1;
		uint64_t need = heap_shrunk() ? quarter : g.conf.trim_idle_ms;
		if (idle >= need) {
			front_trim();
			arena_trim(0);
		} else {
			/* Looks again after a quarter at most: the heap may
			 * shrink meanwhile (the frees that kicked us were
			 * still going on). */
			uint64_t left = need - idle;
			left = (left < quarter ? left : quarter) + 10;
			if (!wait || left < wait)
				wait = (unsigned)left;
		}
	}
	return wait;
}

static void bg_main(struct worker *w)
{
	arena_tl_tidying = 1; /* this thread's span traffic is not the program's */
	for (;;) {
		unsigned wait = work(os_now_ms());
		int s = __atomic_load_n(&seq, __ATOMIC_ACQUIRE);
		/* After reading seq: a stop asked later bumps it, so no wait
		 * below can miss it. */
		if (worker_stopping(w))
			return;
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
}

static struct worker thread = { .run = bg_main, .stack = 64u << 10, .wake = &seq };

void bg_kick(void)
{
	if (__atomic_load_n(&thread.state, __ATOMIC_ACQUIRE) != WORKER_RUNNING) {
		__atomic_store_n(&armed, 1, __ATOMIC_RELEASE);
		/* No thread (seccomp, limits): releases then happen only on
		 * malloc_trim and at span traffic. */
		if (worker_start(&thread) < 0 && g.conf.verbose)
			os_say("cannot start the release thread; memory is returned on malloc_trim only");
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
	worker_after_fork_child(&thread);
	armed = 0;
	seq = 0;
}
