/* sample.c: the kernel's free-memory state for the shim's checks (sample.h).
 * Owns the descriptors of buddyinfo, zoneinfo and vmstat (opened once, kept
 * on high numbers, pread at offset 0, reopened once when a read fails: a
 * program may close descriptors it does not know), their static buffers and
 * the zone table. A kept descriptor is used only while it is still the
 * file that was opened (same device and inode): a program that closed it
 * may have the number again for its own socket or file, which the shim
 * must neither read nor close. Never allocates, never touches errno, never
 * calls stdio; everything under one leaf lock that no allocator path holds. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include "feature.h"
#include "fmt.h"
#include "lock.h"
#include "os.h"
#include "sample.h"

static struct lock slock = LOCK_INIT;
static char root[256];
struct kept {
	int fd;
	uint64_t dev, ino; /* what fd was when opened */
};
static struct kept fd_buddy = { -1, 0, 0 }, fd_zone = { -1, 0, 0 }, fd_vm = { -1, 0, 0 };
static char buf_buddy[16384];
static char buf_zone[256 << 10];
static char buf_vm[32768];
static struct kmem_zone zones[SAMPLE_MAX_ZONES];
static size_t nzones;
static uint64_t zone_t_ms;
static int have_zoneinfo;
/* Free pages as zoneinfo said, and the buddy lists' total read right after:
 * later samples move the kernel's own counter by what the lists moved. */
static int64_t zi_free[SAMPLE_MAX_ZONES], zi_buddy[SAMPLE_MAX_ZONES];
static int need_base;
static struct kmem_kv kv[400];
static uint64_t ns_total, zone_reads;

void sample_lock(void) { lock_take(&slock); }
void sample_unlock(void) { lock_give(&slock); }
void sample_reset_after_fork(void) { lock_reset(&slock); }
bool sample_faked(void) { return root[0] != 0; }
uint64_t sample_ns_total(void) { return __atomic_load_n(&ns_total, __ATOMIC_RELAXED); }
uint64_t sample_zoneinfo_reads(void) { return __atomic_load_n(&zone_reads, __ATOMIC_RELAXED); }

char *sample_path(char *out, size_t cap, const char *rel, const char *live)
{
	struct fmtbuf fb;
	fmt_init(&fb, out, cap);
	if (root[0]) {
		fmt_str(&fb, root);
		fmt_str(&fb, "/");
		fmt_str(&fb, rel);
	} else {
		fmt_str(&fb, live);
	}
	return out;
}

/* Keeps our descriptors clear of the low numbers programs juggle (dup2 onto
 * 0-2, close loops over the first few) where the limit allows. */
static int open_kept(struct kept *k, const char *rel, const char *live)
{
	char path[512];
	int fd = os_open(sample_path(path, sizeof path, rel, live), O_RDONLY, 0);
	if (fd < 0) {
		k->fd = fd;
		return fd;
	}
	int hi = os_dupfd(fd, 700);
	if (hi >= 0) {
		os_close(fd);
		fd = hi;
	}
	if (os_fd_id(fd, &k->dev, &k->ino) < 0) {
		os_close(fd);
		fd = -EBADF;
	}
	k->fd = fd;
	return fd;
}

/* Whether k->fd is still the file open_kept() opened. */
static int still_ours(const struct kept *k)
{
	uint64_t dev, ino;
	return k->fd >= 0 && os_fd_id(k->fd, &dev, &ino) == 0 && dev == k->dev && ino == k->ino;
}

/* The whole file at offset 0 into buf (NUL-terminated); length or -errno. */
static ssize_t read_all(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	while (got + 1 < cap) {
		ssize_t r = os_pread(fd, buf + got, cap - 1 - got, (off_t)got);
		if (r == -EINTR)
			continue;
		if (r < 0)
			return r;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	buf[got] = 0;
	return (ssize_t)got;
}

/* Reads through k, reopening once when the descriptor went bad or is no
 * longer ours (then it is forgotten, not closed: the number is the
 * program's now). */
static ssize_t read_kept(struct kept *k, const char *rel, const char *live, char *buf, size_t cap)
{
	ssize_t r = -EBADF;
	int ours = still_ours(k);
	if (ours)
		r = read_all(k->fd, buf, cap);
	if (r > 0)
		return r;
	if (ours)
		os_close(k->fd);
	if (open_kept(k, rel, live) < 0)
		return k->fd;
	return read_all(k->fd, buf, cap);
}

static enum kmem_arch arch_of(const char *m, size_t n)
{
	while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
		n--;
	if ((n == 6 && !memcmp(m, "x86_64", 6)) || (n == 5 && !memcmp(m, "amd64", 5)))
		return KMEM_ARCH_X86_64;
	if (n == 4 && m[0] == 'i' && m[2] == '8' && m[3] == '6')
		return KMEM_ARCH_X86_32;
	if ((n == 7 && !memcmp(m, "aarch64", 7)) || (n == 5 && !memcmp(m, "arm64", 5)))
		return KMEM_ARCH_ARM64;
	if (n >= 3 && !memcmp(m, "arm", 3))
		return KMEM_ARCH_ARM32;
	return KMEM_ARCH_OTHER;
}

static enum kmem_arch arch_built(void)
{
#if defined(__x86_64__)
	return KMEM_ARCH_X86_64;
#elif defined(__i386__)
	return KMEM_ARCH_X86_32;
#elif defined(__aarch64__)
	return KMEM_ARCH_ARM64;
#elif defined(__arm__)
	return KMEM_ARCH_ARM32;
#else
	return KMEM_ARCH_OTHER;
#endif
}

int sample_setup(const char *dir, const char *era_conf, struct sample_machine *m)
{
	char path[512], b[256];
	ssize_t r;
	size_t l = strlen(dir);

	if (l >= sizeof root)
		l = 0;
	memcpy(root, dir, l);
	root[l] = 0;
	while (l > 1 && root[l - 1] == '/')
		root[--l] = 0;

	memset(m, 0, sizeof *m);
	m->page_shift = 12;
	m->arch = arch_built();
	/* A captured tree says which machine it came from. */
	r = os_read_file(sample_path(path, sizeof path, "sys/kernel/arch", "/proc/sys/kernel/arch"),
			 b, sizeof b);
	if (r > 0 && root[0])
		m->arch = arch_of(b, (size_t)r);
	/* Page-table isolation doubles x86-64's page directory (order 1). The
	 * order is compile-time (PGD_ALLOCATION_ORDER with CONFIG_PAGE_TABLE_
	 * ISOLATION, which every distribution kernel since 4.15 has), so a
	 * kernel that reports "Not affected" still allocates 8 KiB (seen on
	 * Debian's 6.1 in the VM reproduction): assume order 1 wherever the
	 * meltdown file exists, i.e. the kernel has the PTI machinery. */
	r = os_read_file(sample_path(path, sizeof path, "meltdown",
				     "/sys/devices/system/cpu/vulnerabilities/meltdown"), b, sizeof b);
	if (r > 0 && m->arch == KMEM_ARCH_X86_64)
		m->rf_flags |= KMEM_RF_PTI;
	m->era = KMEM_ERA_44;
	if (kmem_era_parse(era_conf, strlen(era_conf), &m->era) != 0) {
		r = os_read_file(sample_path(path, sizeof path, "sys/kernel/osrelease",
					     "/proc/sys/kernel/osrelease"), b, sizeof b);
		if (r > 0 && kmem_era_from_release(b, (size_t)r, &m->era) == 0)
			m->era_from_release = true;
	}
	return open_kept(&fd_buddy, "buddyinfo", "/proc/buddyinfo") < 0 ? fd_buddy.fd : 0;
}

static int load_zoneinfo(void)
{
	size_t n = 0, line = 0;
	ssize_t r = read_kept(&fd_zone, "zoneinfo", "/proc/zoneinfo", buf_zone, sizeof buf_zone);
	if (r <= 0)
		return r < 0 ? (int)r : -ENODATA;
	__atomic_fetch_add(&zone_reads, 1, __ATOMIC_RELAXED);
	int rc = kmem_parse_zoneinfo(buf_zone, (size_t)r, zones, SAMPLE_MAX_ZONES, &n, &line);
	/* A zone table that overflowed still holds the first zones. */
	if (rc < 0 && rc != -ENOSPC)
		return rc;
	nzones = n;
	unsigned known = 0;
	for (size_t i = 0; i < n; i++)
		known |= zones[i].known;
	feature_zoneinfo(known);
	have_zoneinfo = 1;
	need_base = 1;
	return 0;
}

int sample_take(uint64_t zoneinfo_ms, const struct kmem_zone **out, size_t *n)
{
	uint64_t t0 = os_now_ns(), now_ms = os_now_ms();
	size_t line = 0, nz;
	int rc = 0;

	if (!have_zoneinfo || now_ms - zone_t_ms >= zoneinfo_ms) {
		rc = load_zoneinfo();
		if (rc < 0)
			goto out;
		zone_t_ms = now_ms;
	}
	ssize_t r = read_kept(&fd_buddy, "buddyinfo", "/proc/buddyinfo", buf_buddy, sizeof buf_buddy);
	if (r <= 0) {
		rc = r < 0 ? (int)r : -ENODATA;
		goto out;
	}
	nz = nzones;
	rc = kmem_parse_buddyinfo(buf_buddy, (size_t)r, zones, SAMPLE_MAX_ZONES, &nz, &line);
	if (rc < 0 && rc != -ENOSPC)
		goto out;
	rc = 0;
	/* Zones only buddyinfo lists have no watermarks: they stay beyond
	 * nzones, unused. The watermark check uses NR_FREE_PAGES, which may
	 * differ from the buddy lists' total (per-CPU counter drift, isolated
	 * blocks): keep zoneinfo's number and move it by the lists' change. */
	for (size_t i = 0; i < nzones; i++) {
		struct kmem_zone *z = &zones[i];
		int64_t sum = 0;
		if (!(z->known & KMEM_ZK_BUDDY))
			continue;
		for (int o = 0; o < z->norders && o < KMEM_MAX_ORDERS; o++)
			sum += z->nr_free[o] << o;
		if (need_base) {
			zi_free[i] = z->free;
			zi_buddy[i] = sum;
		} else if (z->known & KMEM_ZK_FREE) {
			z->free = zi_free[i] + sum - zi_buddy[i];
		}
	}
	need_base = 0;
	*out = zones;
	*n = nzones;
out:
	__atomic_fetch_add(&ns_total, os_now_ns() - t0, __ATOMIC_RELAXED);
	return rc;
}

int sample_vmstat(struct sample_vm *o)
{
	size_t n = 0, line = 0;
	memset(o, 0, sizeof *o);
	ssize_t r = read_kept(&fd_vm, "vmstat", "/proc/vmstat", buf_vm, sizeof buf_vm);
	if (r <= 0)
		return r < 0 ? (int)r : -ENODATA;
	int rc = kmem_parse_vmstat(buf_vm, (size_t)r, kv, sizeof kv / sizeof kv[0], &n, &line);
	if (rc < 0 && rc != -ENOSPC)
		return rc;
	kmem_kv_lookup(kv, n, "compact_migrate_scanned", &o->migrate_scanned);
	kmem_kv_lookup(kv, n, "compact_free_scanned", &o->free_scanned);
	kmem_kv_lookup(kv, n, "compact_isolated", &o->isolated);
	kmem_kv_lookup(kv, n, "compact_stall", &o->stall);
	kmem_kv_lookup(kv, n, "compact_success", &o->success);
	kmem_kv_lookup(kv, n, "compact_fail", &o->fail);
	return 0;
}
