/* callsite.h: which code grew the heap. A byte-weighted random sample (one
 * every SAMPLE_BYTES on average, exponential intervals as in tcmalloc) of
 * the bytes thread caches take from the shared heap and of large blocks,
 * plus one unwind at every new mapping; each unwound (backtrace) into a
 * fixed table of sites. Never unwinds under a shim lock, never allocates. */
#ifndef FG_CALLSITE_H
#define FG_CALLSITE_H
#include <stddef.h>
#include <stdint.h>
#include "fmt.h"
#include "shim.h"

extern __thread int64_t callsite_left __attribute__((tls_model("initial-exec")));

/* Slow path: n more bytes taken from the heap by this thread. */
void callsite_sample(size_t n);

/* Counts n bytes taken from the shared heap by the calling thread (a refill
 * of k objects of size s counts k * s; a large block its size) and samples
 * when the thread's countdown runs out. Call on slow paths only, with no
 * shim lock held. Not async-signal-safe (it may unwind). */
static inline void callsite_account(size_t n)
{
	if (unlikely((callsite_left -= (int64_t)n) < 0))
		callsite_sample(n);
}

/* A new mapping of len bytes (a chunk, or a large block) was made for the
 * calling thread: unwinds (always, when sampling is on) and charges the
 * site. No shim lock may be held. */
void callsite_mapped(size_t len);

/* Allows unwinding (after the loader has finished: from a constructor). */
void callsite_arm(void);
/* Stops sampling for good (a seccomp sandbox: unwinding may make system
 * calls the filter does not expect). */
void callsite_disarm(void);
/* Before fork (the forking thread, no shim lock held): a snapshot of the
 * loaded modules, which the child names its call sites from. */
void callsite_before_fork(void);
/* In a forked child: empty table, fresh countdown, modules from the
 * snapshot (the loader's lock may be held by a thread that is gone). */
void callsite_after_fork_child(void);

/* Appends "callsites": {...} (the object's body, with the key) to fb,
 * resolving modules (dl_iterate_phdr) and symbols (reading the modules'
 * .symtab/.dynsym with raw reads). Not under any shim lock; one writer at
 * a time (report.c serialises). */
void callsite_report(struct fmtbuf *fb, const char *exe);

#endif
