/* report.h: the per-process report file (its format: include/fragguard/
 * report.h). Written at exit, every REPORT_INTERVAL seconds by a report
 * thread, on REPORT_SIGNAL, and before exec; atomically, without malloc or
 * stdio. Nothing here runs unless FRAGGUARD_REPORT names a path. */
#ifndef FG_REPORT_H
#define FG_REPORT_H

/* Records the start of this process image. Called once by setup_init()
 * while it initialises (no allocation, no loader). */
void report_init(void);
/* From allocation slow paths (no shim lock held): starts the report thread
 * when one is wanted and not running (first use, after a fork). Cheap when
 * there is nothing to do. */
void report_poll(void);
/* Writes the report now; reason is one of the schema's "reason" values.
 * Returns 0, or -errno (-ENOENT: no REPORT configured; -ECHILD: called in
 * a vfork child, which must not write). Takes the writer lock (not a shim
 * lock: allocation never waits for it); never call it under a shim lock.
 * Not async-signal-safe. */
int report_write(const char *reason);
/* Whether this is the process the shim's state belongs to: 0 in a vfork
 * child (or a clone(CLONE_VM) one), which runs in its parent's memory. */
int report_own_process(void);
/* Before an exec* call replaces the image: writes with reason "exec". */
void report_before_exec(void);
/* Writes the interval report now if one is due: fork calls it before it
 * stops the report thread, so that a process forking more often than the
 * thread is restarted (worker.h) keeps its interval reports. */
void report_if_due(void);
/* In a forked child (the fork handler, single-threaded): a new process with
 * its own pid, counters from zero, no report thread yet. */
void report_after_fork_child(void);

#endif
