/* worker.h: the shim's own threads (the release thread, bg.c; the report
 * thread, report.c). They are created with every signal blocked, and they
 * are stopped and joined around the program's set*id calls (setxid.c):
 * glibc and musl make every thread of the process repeat such a call, and
 * when one thread's result differs from the caller's (ours would lack the
 * capabilities a program keeps only in its calling thread, e.g. setpriv,
 * or a daemon that keeps CAP_SETGID past setuid) glibc aborts and musl
 * kills the process. Stopped workers are started again after the call,
 * with the credentials it gave. */
#ifndef FG_WORKER_H
#define FG_WORKER_H
#include <pthread.h>
#include <stddef.h>

struct worker {
	/* set by the owner */
	void (*run)(struct worker *);/* the loop; returns once worker_stopping() */
	size_t stack;
	int *wake;                   /* futex word run() waits on: bumped to stop it */
	/* worker.c's */
	int state;                   /* WORKER_NONE, _STARTING, _RUNNING, _FAILED */
	int stop;                    /* asked to return */
	int restart;                 /* was running when stopped by worker_pause() */
	int pid;                     /* process the thread belongs to */
	int tid;                     /* the thread's kernel id, set by itself */
	pthread_t t;
};

enum { WORKER_NONE, WORKER_STARTING, WORKER_RUNNING, WORKER_FAILED };

/* Starts w's thread unless it runs, could not be created before, workers
 * are paused, or the process is in a seccomp sandbox (os_sandbox). Call without any shim lock held (creating a thread
 * may allocate; a recursive call returns at once). Returns 1 if it runs,
 * -1 if it could not be created now (seccomp, limits: never tried again),
 * 0 otherwise. */
int worker_start(struct worker *w);
/* Whether run() must return now. */
static inline int worker_stopping(const struct worker *w)
{
	return __atomic_load_n(&w->stop, __ATOMIC_ACQUIRE);
}
/* Stops and joins every running worker of this process and keeps new ones
 * from starting until the matching worker_resume(). Nests; no-op in a vfork
 * child (the threads are its parent's). Call without any shim lock held. */
void worker_pause(void);
void worker_resume(void);
/* The same, but the stopped workers start again only when their owners
 * next need them (bg_kick, report_poll): after fork in the parent, so that
 * a program counting its threads right after (Python 3.12+ warns about
 * fork in a multi-threaded process) counts only its own. */
void worker_resume_lazy(void);
/* In a forked child: no worker survived the fork. */
void worker_after_fork_child(struct worker *w);

#endif
