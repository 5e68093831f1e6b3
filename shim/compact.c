/* compact.c: the actuator (compact.h): writes "1" to compact_memory (or
 * /sys/devices/system/node/nodeN/compact for the node at risk on NUMA),
 * never more often than the interval, per process and, through a shared
 * timestamp under /run/fragguard (or the PROC_ROOT directory) held with
 * flock, across processes; falls back to per-process limiting when the stamp
 * cannot be opened. Measures each compaction from vmstat. An absent,
 * unprivileged or read-only compact_memory is found once (compact_probe, or
 * the first open) and said once (feature.h): quietly unless VERBOSE when
 * found, on stderr when compaction would have helped. */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include "compact.h"
#include "feature.h"
#include "fmt.h"
#include "os.h"
#include "sample.h"

static uint64_t last_ms;     /* this process's last compaction (monotonic) */
static int tried;            /* a compaction was ever attempted */
static int denied;           /* 1: not writable; never try again */
static int denied_err;       /* the -errno that denied it */

int compact_denied(void) { return __atomic_load_n(&denied, __ATOMIC_RELAXED); }

static uint64_t parse_u64(const char *s, ssize_t n)
{
	uint64_t v = 0;
	for (ssize_t i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return v;
}

/* The shared stamp: -EAGAIN when another process compacted within the
 * interval (or is compacting now), else the locked descriptor (or -1 when
 * there is no usable stamp: per-process limiting only). */
static int stamp_claim(uint64_t now, uint64_t interval_ms)
{
	char path[512], b[32];
	int fd;

	if (!sample_faked())
		os_mkdir("/run/fragguard", 0755);
	sample_path(path, sizeof path, "compact.stamp", "/run/fragguard/compact.stamp");
	fd = os_open(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -1;
	if (os_flock(fd, LOCK_EX | LOCK_NB) < 0) {
		os_close(fd);
		return -EAGAIN;
	}
	ssize_t r = os_pread(fd, b, sizeof b, 0);
	uint64_t then = r > 0 ? parse_u64(b, r) : 0;
	if (then && now >= then && now - then < interval_ms) {
		os_close(fd);
		return -EAGAIN;
	}
	struct fmtbuf fb;
	fmt_init(&fb, b, sizeof b);
	fmt_u64(&fb, now);
	fmt_str(&fb, "\n");
	os_pwrite(fd, b, fb.len, 0);
	return fd;
}

static const char *denied_value(int err) { return err == -ENOENT ? "absent" : "readonly"; }

static const char *denied_why(int err)
{
	return err == -EACCES || err == -EPERM ? "permission denied" :
	       err == -EROFS ? "read-only file system" :
	       err == -ENOENT ? "no such file: kernel < 2.6.35 or without CONFIG_COMPACTION" :
	       "cannot open";
}

/* Records the denial; says it when loud (compaction would help now) or
 * VERBOSE, once per process whichever comes first. */
static void say_denied(const char *path, int err, int loud)
{
	char msg[640];
	struct fmtbuf fb;
	fmt_init(&fb, msg, sizeof msg);
	fmt_str(&fb, loud ? "compaction would help, but '" : "compaction unavailable: '");
	fmt_str(&fb, path);
	fmt_str(&fb, "' is not writable (");
	fmt_str(&fb, denied_why(err));
	fmt_str(&fb, "): not compacting, only backing off, falling back and refusing from now on");
	feature_lack(FEAT_COMPACT, denied_value(err), msg, loud);
}

void compact_probe(void)
{
	char path[512];
	sample_path(path, sizeof path, "sys/vm/compact_memory", "/proc/sys/vm/compact_memory");
	/* Opening a sysctl for writing compacts nothing; only a write does. */
	int fd = os_open(path, O_WRONLY | O_NOFOLLOW, 0);
	if (fd >= 0) {
		os_close(fd);
		feature_set(FEAT_COMPACT, "writable");
		return;
	}
	denied_err = fd;
	__atomic_store_n(&denied, 1, __ATOMIC_RELAXED);
	say_denied(path, fd, 0);
}

int compact_run(int node, int multi_node, uint64_t interval_ms, struct compact_result *res)
{
	char path[512], rel[64];
	struct sample_vm before, after;
	uint64_t now = os_now_ms();
	int fd, sfd, r;

	if (__atomic_load_n(&denied, __ATOMIC_RELAXED)) {
		sample_path(path, sizeof path, "sys/vm/compact_memory", "/proc/sys/vm/compact_memory");
		say_denied(path, denied_err, 1);
		return -EPERM;
	}
	if (tried && interval_ms && now - __atomic_load_n(&last_ms, __ATOMIC_RELAXED) < interval_ms)
		return -EAGAIN;
	if (multi_node && node >= 0) {
		struct fmtbuf fb;
		fmt_init(&fb, rel, sizeof rel);
		fmt_str(&fb, "sys/devices/system/node/node");
		fmt_u64(&fb, (uint64_t)node);
		fmt_str(&fb, "/compact");
		char live[80];
		fmt_init(&fb, live, sizeof live);
		fmt_str(&fb, "/");
		fmt_str(&fb, rel);
		sample_path(path, sizeof path, rel, live);
	} else {
		sample_path(path, sizeof path, "sys/vm/compact_memory", "/proc/sys/vm/compact_memory");
	}
	fd = os_open(path, O_WRONLY | O_NOFOLLOW, 0);
	if (fd < 0 && multi_node && node >= 0) /* no per-node file: compact everything */
		fd = os_open(sample_path(path, sizeof path, "sys/vm/compact_memory",
					 "/proc/sys/vm/compact_memory"), O_WRONLY | O_NOFOLLOW, 0);
	if (fd < 0) {
		denied_err = fd;
		__atomic_store_n(&denied, 1, __ATOMIC_RELAXED);
		say_denied(path, fd, 1);
		return -EPERM;
	}
	sfd = stamp_claim(now, interval_ms);
	if (sfd == -EAGAIN) {
		os_close(fd);
		return -EAGAIN;
	}
	__atomic_store_n(&tried, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&last_ms, now, __ATOMIC_RELAXED);
	sample_lock();
	sample_vmstat(&before);
	sample_unlock();
	uint64_t t0 = os_now_ns();
	/* At offset 0: sysctl writes at a later position are ignored (4.5+ strict). */
	r = (int)os_pwrite(fd, "1\n", 2, 0);
	res->ns = os_now_ns() - t0;
	os_close(fd);
	sample_lock();
	sample_vmstat(&after);
	sample_unlock();
	if (sfd >= 0)
		os_close(sfd); /* drops the flock */
	res->migrate_scanned = after.migrate_scanned - before.migrate_scanned;
	res->free_scanned = after.free_scanned - before.free_scanned;
	res->isolated = after.isolated - before.isolated;
	if (r == -EACCES || r == -EPERM || r == -EROFS) {
		denied_err = r;
		__atomic_store_n(&denied, 1, __ATOMIC_RELAXED);
		say_denied(path, r, 1);
		return -EPERM;
	}
	return r < 0 ? r : 0;
}
