/* fmt.h: a tiny bounded formatter for code that may not use stdio (the shim's
 * messages, malloc_stats, report files). Appends never overflow: output is
 * truncated and fb->trunc set. No allocation, async-signal-safe. */
#ifndef FG_FMT_H
#define FG_FMT_H
#include <stddef.h>
#include <stdint.h>

struct fmtbuf {
	char *p;
	size_t len, cap; /* cap includes room for the terminating NUL */
	int trunc;
};

void fmt_init(struct fmtbuf *fb, char *buf, size_t cap);
void fmt_str(struct fmtbuf *fb, const char *s);
void fmt_mem(struct fmtbuf *fb, const char *s, size_t n);
void fmt_u64(struct fmtbuf *fb, uint64_t v);
void fmt_i64(struct fmtbuf *fb, int64_t v);
void fmt_hex(struct fmtbuf *fb, uint64_t v);
/* Bytes as "1.5 MiB" style (one decimal above KiB). */
void fmt_bytes(struct fmtbuf *fb, uint64_t v);
/* " (errno N, ENAME: what it means)" for a positive errno value; the name
 * and meaning only for the errors a file write meets, the number always. */
void fmt_errno(struct fmtbuf *fb, int err);
/* A JSON string literal with quotes; control and non-ASCII bytes escaped. */
void fmt_json_str(struct fmtbuf *fb, const char *s);

#endif
