/* lock.h: a small futex mutex (0 free, 1 locked, 2 locked with waiters).
 * Used for the size-class bins and the chunk list; never held across a call
 * that may allocate, unwind or enter the loader. */
#ifndef FG_LOCK_H
#define FG_LOCK_H
#include "os.h"

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("pause");
#elif defined(__aarch64__) || (defined(__arm__) && __ARM_ARCH >= 7)
	__asm__ volatile("yield");
#endif
}

struct lock {
	int v;
};
#define LOCK_INIT { 0 }

/* How many shim locks this thread holds. A fork or set*id from a signal
 * handler that interrupted the shim sees it non-zero and must not wait for
 * anything (the lock's owner is the interrupted code below it). */
extern __thread int lock_depth __attribute__((tls_model("initial-exec")));

static inline void lock_take(struct lock *l)
{
	int c = 0;
	lock_depth++;
	if (__atomic_compare_exchange_n(&l->v, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	for (int spin = 0; spin < 100; spin++) {
		c = 0;
		if (__atomic_load_n(&l->v, __ATOMIC_RELAXED) == 0 &&
		    __atomic_compare_exchange_n(&l->v, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		cpu_relax();
	}
	if (c != 2)
		c = __atomic_exchange_n(&l->v, 2, __ATOMIC_ACQUIRE);
	while (c) {
		os_futex_wait(&l->v, 2, 0);
		c = __atomic_exchange_n(&l->v, 2, __ATOMIC_ACQUIRE);
	}
}

static inline void lock_give(struct lock *l)
{
	if (__atomic_exchange_n(&l->v, 0, __ATOMIC_RELEASE) == 2)
		os_futex_wake(&l->v, 1);
	lock_depth--;
}

/* After fork in the child: the lock is free whatever its state was. */
static inline void lock_reset(struct lock *l) { l->v = 0; }

#endif
