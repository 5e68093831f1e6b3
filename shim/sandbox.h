/* sandbox.h: the prctl and syscall wrappers (sandbox.c) that notice a
 * program installing a seccomp filter. */
#ifndef FG_SANDBOX_H
#define FG_SANDBOX_H

/* Looks up the C library's prctl and syscall once, at start. */
void sandbox_resolve(void);

#endif
