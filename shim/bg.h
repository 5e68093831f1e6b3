/* bg.h: the release thread. It sleeps on a futex and wakes only while there
 * is something to give back later: surplus empty chunks (after RELEASE_MS),
 * cached large blocks, and free pages inside used chunks once the heap has
 * been idle for TRIM_IDLE_MS. It never spins. */
#ifndef FG_BG_H
#define FG_BG_H

/* Tells the thread there may be work; starts it on first use. Call without
 * any shim lock held (it may create a thread, which may allocate). */
void bg_kick(void);
/* In a forked child: the thread did not survive the fork. */
void bg_after_fork_child(void);

#endif
