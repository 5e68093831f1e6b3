/* unit.h: the smallest test harness. CHECK records a failure and goes on;
 * unit_done() prints the tally and returns the exit code for main. */
#ifndef FG_UNIT_H
#define FG_UNIT_H
#include <stdio.h>
#include <string.h>

static int unit_failures, unit_checks;

#define CHECK(cond) do { unit_checks++; if (!(cond)) { unit_failures++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_EQ(a, b) do { long long va_ = (long long)(a), vb_ = (long long)(b); \
    unit_checks++; if (va_ != vb_) { unit_failures++; fprintf(stderr, \
    "%s:%d: CHECK_EQ failed: %s == %lld, %s == %lld\n", __FILE__, __LINE__, \
    #a, va_, #b, vb_); } } while (0)
#define CHECK_STR(a, b) do { const char *sa_ = (a), *sb_ = (b); unit_checks++; \
    if (!sa_ || !sb_ || strcmp(sa_, sb_)) { unit_failures++; fprintf(stderr, \
    "%s:%d: CHECK_STR failed: '%s' vs '%s'\n", __FILE__, __LINE__, \
    sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)"); } } while (0)

static inline int unit_done(void)
{
	printf("%d checks, %d failed\n", unit_checks, unit_failures);
	return unit_failures ? 1 : 0;
}
#endif
