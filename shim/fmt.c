/* fmt.c: bounded string building without stdio or malloc (see fmt.h).
 * Invariant: fb->p[fb->len] is always NUL when cap > 0. */
#include <string.h>
#include <errno.h>
#include "fmt.h"

void fmt_init(struct fmtbuf *fb, char *buf, size_t cap)
{
	fb->p = buf;
	fb->len = 0;
	fb->cap = cap;
	fb->trunc = 0;
	if (cap)
		buf[0] = 0;
}

void fmt_mem(struct fmtbuf *fb, const char *s, size_t n)
{
	if (!fb->cap)
		return;
	size_t room = fb->cap - 1 - fb->len;
	if (n > room) {
		n = room;
		fb->trunc = 1;
	}
	memcpy(fb->p + fb->len, s, n);
	fb->len += n;
	fb->p[fb->len] = 0;
}

void fmt_str(struct fmtbuf *fb, const char *s) { fmt_mem(fb, s, strlen(s)); }

void fmt_u64(struct fmtbuf *fb, uint64_t v)
{
	char t[24];
	int i = sizeof t;
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fmt_mem(fb, t + i, sizeof t - (size_t)i);
}

void fmt_i64(struct fmtbuf *fb, int64_t v)
{
	if (v < 0) {
		fmt_mem(fb, "-", 1);
		fmt_u64(fb, (uint64_t)0 - (uint64_t)v);
	} else {
		fmt_u64(fb, (uint64_t)v);
	}
}

void fmt_hex(struct fmtbuf *fb, uint64_t v)
{
	char t[18];
	int i = sizeof t;
	do {
		t[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	t[--i] = 'x';
	t[--i] = '0';
	fmt_mem(fb, t + i, sizeof t - (size_t)i);
}

void fmt_bytes(struct fmtbuf *fb, uint64_t v)
{
	static const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;
	uint64_t tenths = v * 10;
	if (v < 1024) {
		fmt_u64(fb, v);
		fmt_str(fb, " B");
		return;
	}
	while (v >= 1024 && u < 4) {
		tenths = (v * 10 + 512) / 1024;
		v /= 1024;
		u++;
	}
	fmt_u64(fb, tenths / 10);
	fmt_mem(fb, ".", 1);
	fmt_u64(fb, tenths % 10);
	fmt_mem(fb, " ", 1);
	fmt_str(fb, unit[u]);
}

void fmt_json_str(struct fmtbuf *fb, const char *s)
{
	fmt_mem(fb, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			fmt_mem(fb, e, 2);
		} else if (c < 0x20 || c >= 0x7f) {
			char e[6] = { '\\', 'u', '0', '0', "0123456789abcdef"[c >> 4],
				      "0123456789abcdef"[c & 15] };
			fmt_mem(fb, e, 6);
		} else {
			fmt_mem(fb, (const char *)&c, 1);
		}
	}
	fmt_mem(fb, "\"", 1);
}

void fmt_errno(struct fmtbuf *fb, int err)
{
	static const struct { int e; const char *text; } names[] = {
		{ EPERM, "EPERM: operation not permitted" },
		{ ENOENT, "ENOENT: no such file or directory" },
		{ EIO, "EIO: input/output error" },
		{ EACCES, "EACCES: permission denied" },
		{ EEXIST, "EEXIST: file exists" },
		{ ENOTDIR, "ENOTDIR: not a directory" },
		{ EISDIR, "EISDIR: is a directory" },
		{ ENFILE, "ENFILE: too many open files in the system" },
		{ EMFILE, "EMFILE: too many open files" },
		{ EFBIG, "EFBIG: file too large" },
		{ ENOSPC, "ENOSPC: no space left on device" },
		{ EROFS, "EROFS: read-only file system" },
		{ ENAMETOOLONG, "ENAMETOOLONG: file name too long" },
		{ ENOSYS, "ENOSYS: system call refused (a seccomp filter?)" },
		{ ELOOP, "ELOOP: too many symbolic links" },
		{ EXDEV, "EXDEV: not on the same file system" },
		{ EDQUOT, "EDQUOT: disk quota exceeded" },
		{ ENOMEM, "ENOMEM: out of memory" },
	};
	fmt_str(fb, " (errno ");
	fmt_u64(fb, (uint64_t)(err < 0 ? -err : err));
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].e == (err < 0 ? -err : err)) {
			fmt_str(fb, ", ");
			fmt_str(fb, names[i].text);
		}
	fmt_str(fb, ")");
}
