/* fragment.c: `fragguard fragment`, a bounded, self-stopping fragmenter for
 * tests and demos. It takes memory in one of four ways (movable holes, pinned
 * holes, unmovable page-table pages, pipe pages), stops at a size bound, a
 * free-memory floor or a time bound, holds, and gives everything back on exit
 * and on SIGINT/SIGTERM/SIGHUP. It never writes /proc except compact_memory
 * under --eat-blocks, and while holding it reads /proc only through descriptors
 * opened beforehand and never forks, so watching a dying process costs the
 * kernel no new allocation. Derived from the VM prototype's frag.c
 * (../shared/vm/src/frag.c, the project's first reproduction of both seeds). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "conf.h"
#include "kmem.h"

#define PAGE          4096UL
#define SPAN          (64UL << 20)   /* anonymous memory is filled in mappings of this size */
#define PIPE_PAGES    64             /* a 64-slot pipe_buffer array is an order-0 slab */
#define PT_SPAN       (2UL << 20)    /* one page-table page maps this much (x86-64, ARM) */
#if UINTPTR_MAX > 0xffffffffu
#define PT_MAP        (64UL << 30)   /* sparse address space reserved per mapping */
#else
#define PT_MAP        (256UL << 20)  /* 32-bit: 3 GiB of address space in all */
#endif
#define MAX_MAPS      4096
#define MAX_ZONES     32
#define MAX_KV        256

enum mode { M_MOVABLE, M_PINNED, M_PAGETABLES, M_PIPES };
static const char *const mode_names[] = { "movable", "pinned", "pagetables", "pipes" };

struct opts {
	enum mode mode;
	uint64_t size;           /* 0: no bound but the floor */
	uint64_t floor;          /* bytes of free memory to leave */
	bool floor_set;
	bool floor_memfree;      /* MemFree instead of MemAvailable */
	char zones[128];         /* "DMA,DMA32": the floor counts these zones' free pages */
	double time_s;           /* 0: no time bound */
	bool hold;
	bool mlock_pin;
	bool eat_blocks;
	int watch_pid;
	const char *ready;
	const char *keep_until;
	long interval_ms;
	bool quiet;
};

struct map {
	char *addr;
	size_t len;
};

static volatile sig_atomic_t stop_sig;
static struct map maps[MAX_MAPS];
static size_t nmaps;
static int (*pipes)[2];
static size_t npipes, pipes_cap;
static size_t pipe_fill;                /* pages in the last pipe (pipes mode) */
static int *socks;
static size_t nsocks, socks_cap;
static int fd_meminfo = -1, fd_zoneinfo = -1, fd_buddyinfo = -1;
static char rbuf[1 << 17];
static uint64_t taken_bytes;            /* memory the mode has taken (before holes) */
static uint64_t kept_pages;             /* pages still held: pinned, mapped or in pipes */
static uint64_t eaten_blocks;           /* order-1 blocks held by packet rings */
static struct timespec t_start;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static double elapsed_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t_start.tv_sec) + (double)(t.tv_nsec - t_start.tv_nsec) / 1e9;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: fragguard fragment [OPTIONS] MODE\n"
		"\n"
		"Fragments physical memory on purpose, within bounds, holds it, and gives\n"
		"everything back on exit, at --time, and on SIGINT/SIGTERM.\n"
		"\n"
		"modes:\n"
		"  movable     fill anonymous memory, then free every other page: order-0\n"
		"              holes between movable pages (compaction can repair this)\n"
		"  pinned      the same, but the kept pages are pinned (vmsplice into pipes,\n"
		"              or mlock with --mlock) so compaction cannot move them\n"
		"  pagetables  touch one page per 2 MiB of a large sparse mapping and drop\n"
		"              the data page: unmovable page-table pages all over memory\n"
		"  pipes       fill pipes: unmovable kernel pages in no process's RSS\n"
		"\n"
		"options:\n"
		"  --size SIZE        take at most SIZE of memory (K/M/G; default: no bound\n"
		"                     but the floor)\n"
		"  --floor SIZE       stop when free memory falls to SIZE (default: an eighth\n"
		"                     of MemTotal)\n"
		"  --floor-field F    MemAvailable (default) or MemFree\n"
		"  --zones LIST       pipes: the floor is the sum of these zones' free pages\n"
		"                     (/proc/zoneinfo), e.g. DMA,DMA32\n"
		"  --keep-until FILE  while holding, until FILE exists: with --zones pin\n"
		"                     again whenever the zones rise above the floor; with\n"
		"                     --eat-blocks hold every new order >= 1 block\n"
		"  --eat-blocks       pinned: then hold every remaining free block of order\n"
		"                     >= 1 (packet rings; needs CAP_NET_RAW), compacting\n"
		"                     between rounds when /proc/sys/vm/compact_memory is writable\n"
		"  --mlock            pinned: pin with mlock instead of vmsplice (holds\n"
		"                     against compaction only with vm.compact_unevictable_allowed=0)\n"
		"  --time SECONDS     release and exit this long after the start (default 60)\n"
		"  --hold             hold until signalled (no time bound unless --time)\n"
		"  --watch PID        release and exit when process PID has exited\n"
		"  --ready FILE       write \"READY\" to FILE (e.g. a fifo) once built\n"
		"  --interval MS      progress line interval (default 1000)\n"
		"  -q, --quiet        no progress lines\n"
		"  -h, --help         this text\n"
		"\n"
		"Progress lines go to stderr; the READY and RELEASED summaries to stdout.\n"
		"Exit status: 0 done (also when stopped by a signal), 1 nothing could be\n"
		"taken or /proc is unreadable, 2 bad usage.\n");
}

/* Reads a kept /proc descriptor into rbuf. Returns the length, or -1. */
static ssize_t reread(int fd)
{
	ssize_t n = pread(fd, rbuf, sizeof rbuf - 1, 0);
	rbuf[n > 0 ? n : 0] = 0;
	return n;
}

/* MemFree / MemAvailable / MemTotal in bytes; -1 when missing. */
static int64_t meminfo_bytes(const char *key)
{
	static struct kmem_kv kv[MAX_KV];
	size_t n = 0;
	int64_t v;
	ssize_t len = reread(fd_meminfo);
	if (len <= 0)
		return -1;
	kmem_parse_meminfo(rbuf, (size_t)len, kv, MAX_KV, &n, NULL);
	if (!kmem_kv_lookup(kv, n, key, &v))
		return -1;
	return v * 1024;
}

static bool zone_listed(const char *list, const char *name)
{
	size_t l = strlen(name);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == l && !strncmp(p, name, n))
			return true;
		p += n + (e ? 1 : 0);
	}
	return false;
}

/* The sum of the listed zones' free pages, in bytes; -1 when unreadable. */
static int64_t zones_free_bytes(const char *list)
{
	static struct kmem_zone z[MAX_ZONES];
	size_t n = 0;
	int64_t sum = 0;
	ssize_t len = reread(fd_zoneinfo);
	if (len <= 0)
		return -1;
	memset(z, 0, sizeof z);
	kmem_parse_zoneinfo(rbuf, (size_t)len, z, MAX_ZONES, &n, NULL);
	for (size_t i = 0; i < n; i++)
		if (zone_listed(list, z[i].name))
			sum += z[i].free;
	return sum * (int64_t)PAGE;
}

/* Free blocks of order >= 1 in the zones unmovable kernel requests may use
 * (DMA, DMA32, Normal); in 8 KiB units when units is set. -1 when unreadable. */
static int64_t high_blocks(bool units)
{
	static struct kmem_zone z[MAX_ZONES];
	size_t n = 0;
	int64_t sum = 0;
	ssize_t len = reread(fd_buddyinfo);
	if (len <= 0)
		return -1;
	memset(z, 0, sizeof z);
	kmem_parse_buddyinfo(rbuf, (size_t)len, z, MAX_ZONES, &n, NULL);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(z[i].name, "DMA") && strcmp(z[i].name, "DMA32") &&
		    strcmp(z[i].name, "Normal"))
			continue;
		for (int o = 1; o < z[i].norders; o++)
			sum += units ? z[i].nr_free[o] << (o - 1) : z[i].nr_free[o];
	}
	return sum;
}

/* Free memory as the floor measures it, in bytes. */
static int64_t free_now(const struct opts *o)
{
	if (o->zones[0])
		return zones_free_bytes(o->zones);
	return meminfo_bytes(o->floor_memfree ? "MemFree" : "MemAvailable");
}

static void progress(const struct opts *o, const char *what, bool force)
{
	static double last = -1e9;
	double t = elapsed_s();
	if (o->quiet || (!force && (t - last) * 1000 < (double)o->interval_ms))
		return;
	last = t;
	fprintf(stderr, "fragment: %s %.1fs: %s taken %llu MiB, held %llu MiB",
		mode_names[o->mode], t, what, (unsigned long long)(taken_bytes >> 20),
		(unsigned long long)(kept_pages * PAGE >> 20));
	if (eaten_blocks)
		fprintf(stderr, " + %llu order-1 blocks", (unsigned long long)eaten_blocks);
	fprintf(stderr, ", MemFree %lld MiB, MemAvailable %lld MiB",
		(long long)(meminfo_bytes("MemFree") >> 20),
		(long long)(meminfo_bytes("MemAvailable") >> 20));
	if (o->zones[0])
		fprintf(stderr, ", %s free %lld pages", o->zones,
			(long long)(zones_free_bytes(o->zones) / (int64_t)PAGE));
	fprintf(stderr, "\n");
}

/* True while building may go on: no signal, bounds not reached. */
static bool may_take(const struct opts *o, uint64_t more)
{
	if (stop_sig)
		return false;
	if (o->time_s > 0 && elapsed_s() >= o->time_s)
		return false;
	if (o->size && taken_bytes + more > o->size)
		return false;
	int64_t f = free_now(o);
	return f < 0 || (uint64_t)f > o->floor + more;
}

static int add_map(char *a, size_t len)
{
	if (nmaps == MAX_MAPS)
		return -ENOSPC;
	maps[nmaps].addr = a;
	maps[nmaps].len = len;
	nmaps++;
	return 0;
}

static int new_pipe(void)
{
	if (npipes == pipes_cap) {
		size_t cap = pipes_cap ? pipes_cap * 2 : 1024;
		void *p = realloc(pipes, cap * sizeof *pipes);
		if (!p)
			return -ENOMEM;
		pipes = p;
		pipes_cap = cap;
	}
	if (pipe2(pipes[npipes], O_NONBLOCK | O_CLOEXEC) < 0)
		return -errno;
	fcntl(pipes[npipes][1], F_SETPIPE_SZ, (int)(PIPE_PAGES * PAGE));
	npipes++;
	return 0;
}

/* Fills anonymous memory (4 KiB pages, no huge pages) until a bound; each
 * mapping is SPAN bytes. Returns 0, or -errno when nothing could be mapped. */
static int fill_anon(const struct opts *o)
{
	while (may_take(o, 64 * PAGE)) {
		char *a = mmap(NULL, SPAN, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (a == MAP_FAILED)
			return nmaps ? 0 : -errno;
		madvise(a, SPAN, MADV_NOHUGEPAGE);
		size_t used = 0;
		while (used < SPAN && may_take(o, 64 * PAGE)) {
			for (size_t i = 0; i < 64; i++)
				a[used + i * PAGE] = 1;
			used += 64 * PAGE;
			taken_bytes += 64 * PAGE;
			kept_pages += 64;
			progress(o, "filling", false);
		}
		if (used < SPAN)
			munmap(a + used, SPAN - used);
		if (!used || add_map(a, used) < 0) {
			if (used)
				munmap(a, used);
			break;
		}
		if (used < SPAN)
			break;
	}
	return 0;
}

/* Frees every odd page of the filled memory: order-0 holes. */
static void punch_holes(void)
{
	for (size_t m = 0; m < nmaps; m++)
		for (size_t off = PAGE; off < maps[m].len; off += 2 * PAGE)
			if (madvise(maps[m].addr + off, PAGE, MADV_DONTNEED) == 0)
				kept_pages--;
}

/* Pins the even pages by vmsplice (a pipe holds a reference, so compaction
 * cannot migrate them: isolate_migratepages skips anon pages with extra
 * references), then unmaps the area so every odd page is a free order-0 block
 * beside a pinned one. The pipes are created before the memory is filled. */
static int pin_vmsplice(const struct opts *o)
{
	struct iovec iov[PIPE_PAGES];
	size_t p = 0;
	kept_pages = 0;
	for (size_t m = 0; m < nmaps && !stop_sig; m++) {
		size_t off = 0;
		while (off < maps[m].len && !stop_sig) {
			int n = 0;
			for (; n < PIPE_PAGES && off < maps[m].len; n++, off += 2 * PAGE) {
				iov[n].iov_base = maps[m].addr + off;
				iov[n].iov_len = PAGE;
			}
			if (p == npipes) {
				fprintf(stderr, "fragguard: cannot pin more: out of pipes\n");
				off = maps[m].len;
				break;
			}
			ssize_t r = vmsplice(pipes[p][1], iov, (size_t)n, 0);
			if (r < 0) {
				fprintf(stderr, "fragguard: cannot vmsplice into a pipe: %s\n",
					strerror(errno));
				break;
			}
			kept_pages += (uint64_t)r / PAGE;
			p++;
			progress(o, "pinning", false);
		}
		munmap(maps[m].addr, maps[m].len);
		maps[m].addr = NULL;
	}
	nmaps = 0;
	return kept_pages ? 0 : -EIO;
}

static int pin_mlock(void)
{
	for (size_t m = 0; m < nmaps; m++)
		if (mlock(maps[m].addr, maps[m].len) < 0)
			return -errno;
	return 0;
}

static int new_sock(unsigned nblocks)
{
	if (nsocks == socks_cap) {
		size_t cap = socks_cap ? socks_cap * 2 : 256;
		void *p = realloc(socks, cap * sizeof *socks);
		if (!p)
			return -ENOMEM;
		socks = p;
		socks_cap = cap;
	}
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	/* Each ring block is an order-1 GFP_KERNEL|__GFP_NORETRY page (vmalloc
	 * fallback): it takes a free order-1 block and never wakes the OOM killer. */
	struct tpacket_req req = { .tp_block_size = 2 * PAGE, .tp_block_nr = nblocks,
				   .tp_frame_size = 2 * PAGE, .tp_frame_nr = nblocks };
	if (setsockopt(s, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) < 0) {
		int e = errno;
		close(s);
		return -e;
	}
	socks[nsocks++] = s;
	eaten_blocks += nblocks;
	return 0;
}

/* Holds the remaining free blocks of order >= 1 until buddyinfo shows none,
 * compacting between rounds so blocks compaction can still build are taken
 * too. Several blocks per socket while many remain: closing a packet socket
 * costs an RCU grace period, slow under emulation. */
static int eat_blocks(const struct opts *o)
{
	int cf = open("/proc/sys/vm/compact_memory", O_WRONLY | O_CLOEXEC);
	for (int round = 0; round < 6 && !stop_sig; round++) {
		int64_t last = high_blocks(false);
		int stuck = 0, extra = 0;
		while (stuck < 64 && extra < 32 && eaten_blocks < 100000 && !stop_sig) {
			int64_t units = high_blocks(true);
			unsigned nb = units > 2048 ? 256 : units > 256 ? 32 : units > 32 ? 8 : 1;
			int r = new_sock(nb);
			if (r < 0) {
				fprintf(stderr, "fragguard: cannot hold order-1 blocks in a packet ring: %s\n",
					strerror(-r));
				if (cf >= 0)
					close(cf);
				return r;
			}
			int64_t now = high_blocks(false);
			if (now == 0)
				extra++;   /* a few more drain order-1 pages cached per CPU */
			stuck = now < last ? 0 : stuck + 1;
			last = now;
			progress(o, "eating order>=1 blocks", false);
		}
		if (cf < 0)
			break;
		if (pwrite(cf, "1", 1, 0) < 0)
			break;
		if (high_blocks(false) == 0)
			break;
	}
	if (cf >= 0)
		close(cf);
	return 0;
}

/* One more page-table page: touch one page of a fresh 2 MiB of a sparse
 * mapping, then drop the data page (MADV_DONTNEED keeps the page table). */
static int build_pagetables(const struct opts *o)
{
	char *a = NULL;
	size_t off = PT_MAP;
	while (may_take(o, PAGE)) {
		if (off >= PT_MAP) {
			a = mmap(NULL, PT_MAP, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
			if (a == MAP_FAILED || add_map(a, PT_MAP) < 0) {
				if (a != MAP_FAILED)
					munmap(a, PT_MAP);
				return nmaps ? 0 : -ENOMEM;
			}
			madvise(a, PT_MAP, MADV_NOHUGEPAGE);
			off = 0;
		}
		a[off] = 1;
		madvise(a + off, PAGE, MADV_DONTNEED);
		off += PT_SPAN;
		taken_bytes += PAGE;
		kept_pages++;
		progress(o, "building page tables", false);
	}
	return 0;
}

/* Writes one page into the current pipe, opening a new one when it is full.
 * Returns 0, or -errno. */
static int pipe_page(void)
{
	static char page[PAGE];
	for (int tries = 0; tries < 2; tries++) {
		if (!npipes || pipe_fill >= PIPE_PAGES) {
			int r = new_pipe();
			if (r < 0)
				return r;
			pipe_fill = 0;
		}
		page[0] = 'P';
		if (write(pipes[npipes - 1][1], page, PAGE) == (ssize_t)PAGE) {
			pipe_fill++;
			kept_pages++;
			taken_bytes += PAGE;
			return 0;
		}
		pipe_fill = PIPE_PAGES;
	}
	return -EAGAIN;
}

static int build_pipes(const struct opts *o)
{
	while (may_take(o, 0)) {
		int64_t f = free_now(o);
		int64_t n = f < 0 ? 64 : (f - (int64_t)o->floor) / (int64_t)PAGE / 2;
		if (n < 1)
			n = 1;
		if (n > 4096)
			n = 4096;
		for (int64_t i = 0; i < n; i++) {
			if (o->size && taken_bytes + PAGE > o->size)
				return 0;
			int r = pipe_page();
			if (r < 0)
				return kept_pages ? 0 : r;
		}
		progress(o, "filling pipes", false);
	}
	return 0;
}

static bool alive(int pid)
{
	char path[64], st[512];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, st, sizeof st - 1);
	close(fd);
	if (n <= 0)
		return false;
	st[n] = 0;
	char *q = strrchr(st, ')');
	return q && q[1] && q[2] != 'Z' && q[2] != 'X';
}

static void print_buddyinfo(FILE *f)
{
	if (reread(fd_buddyinfo) > 0)
		fputs(rbuf, f);
}

/* Holds until a signal, the time bound, or the watched process's exit. Until
 * the --keep-until file exists it keeps the state it built: with --zones it
 * pins again down to the floor, with --eat-blocks it holds every order >= 1
 * block that appears (pages freed by exiting processes, per-CPU lists). */
static void hold(const struct opts *o)
{
	bool was = true;
	for (;;) {
		if (stop_sig || (o->time_s > 0 && elapsed_s() >= o->time_s))
			return;
		if (o->mode == M_PIPES && o->zones[0] && o->keep_until) {
			struct stat sb;
			if (stat(o->keep_until, &sb) != 0) {
				int64_t f = zones_free_bytes(o->zones);
				while (f > (int64_t)o->floor && !stop_sig && pipe_page() == 0)
					f -= (int64_t)PAGE;
			}
		}
		if (o->mode == M_PINNED && o->eat_blocks && o->keep_until) {
			struct stat sb;
			if (stat(o->keep_until, &sb) != 0)
				while (high_blocks(false) > 0 && !stop_sig && new_sock(1) == 0)
					;
		}
		if (o->watch_pid) {
			bool a = alive(o->watch_pid);
			if (was && !a) {
				progress(o, "watched process gone;", true);
				printf("FRAGMENT watched pid %d exited; buddyinfo:\n", o->watch_pid);
				print_buddyinfo(stdout);
				return;
			}
			was = a;
		}
		progress(o, "holding", false);
		usleep(o->watch_pid ? 50000 : 100000);
	}
}

static void release(void)
{
	for (size_t m = 0; m < nmaps; m++)
		if (maps[m].addr)
			munmap(maps[m].addr, maps[m].len);
	nmaps = 0;
	for (size_t i = 0; i < npipes; i++) {
		close(pipes[i][0]);
		close(pipes[i][1]);
	}
	npipes = 0;
	for (size_t i = 0; i < nsocks; i++)
		close(socks[i]);
	nsocks = 0;
}

static int parse_size_arg(const char *name, const char *s, uint64_t *out)
{
	if (conf_parse_size(s, strlen(s), out) < 0) {
		fprintf(stderr, "fragguard: cannot read %s '%s': expected a size such as 4096, 512K, 64M or 1G\n",
			name, s);
		return -1;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "size", required_argument, NULL, 's' },
		{ "floor", required_argument, NULL, 'f' },
		{ "floor-field", required_argument, NULL, 'F' },
		{ "zones", required_argument, NULL, 'z' },
		{ "keep-until", required_argument, NULL, 'k' },
		{ "eat-blocks", no_argument, NULL, 'e' },
		{ "mlock", no_argument, NULL, 'm' },
		{ "time", required_argument, NULL, 't' },
		{ "hold", no_argument, NULL, 'H' },
		{ "watch", required_argument, NULL, 'w' },
		{ "ready", required_argument, NULL, 'r' },
		{ "interval", required_argument, NULL, 'i' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	bool time_set = false;
	char *end;
	int c;
	memset(o, 0, sizeof *o);
	o->interval_ms = 1000;
	o->time_s = 60;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+qh", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_size_arg("--size", optarg, &o->size) < 0)
				return 2;
			if (!o->size) {
				fprintf(stderr, "fragguard: cannot use --size '0': give a size above zero\n");
				return 2;
			}
			break;
		case 'f':
			if (parse_size_arg("--floor", optarg, &o->floor) < 0)
				return 2;
			o->floor_set = true;
			break;
		case 'F':
			if (!strcmp(optarg, "MemFree"))
				o->floor_memfree = true;
			else if (strcmp(optarg, "MemAvailable")) {
				fprintf(stderr, "fragguard: cannot use --floor-field '%s': expected MemFree or MemAvailable\n",
					optarg);
				return 2;
			}
			break;
		case 'z':
			if (!optarg[0] || strlen(optarg) >= sizeof o->zones) {
				fprintf(stderr, "fragguard: cannot use --zones '%s': expected a list such as DMA,DMA32\n",
					optarg);
				return 2;
			}
			strcpy(o->zones, optarg);
			break;
		case 'k': o->keep_until = optarg; break;
		case 'e': o->eat_blocks = true; break;
		case 'm': o->mlock_pin = true; break;
		case 't':
			errno = 0;
			o->time_s = strtod(optarg, &end);
			if (errno || end == optarg || *end || o->time_s < 0) {
				fprintf(stderr, "fragguard: cannot use --time '%s': expected seconds, such as 30 or 0.5\n",
					optarg);
				return 2;
			}
			time_set = true;
			break;
		case 'H': o->hold = true; break;
		case 'w': {
			long v = strtol(optarg, &end, 10);
			if (end == optarg || *end || v <= 0 || v > 1 << 22) {
				fprintf(stderr, "fragguard: cannot watch '%s': expected a process id\n", optarg);
				return 2;
			}
			o->watch_pid = (int)v;
			break;
		}
		case 'r': o->ready = optarg; break;
		case 'i':
			o->interval_ms = strtol(optarg, &end, 10);
			if (end == optarg || *end || o->interval_ms <= 0) {
				fprintf(stderr, "fragguard: cannot use --interval '%s': expected milliseconds\n",
					optarg);
				return 2;
			}
			break;
		case 'q': o->quiet = true; break;
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, "fragguard: unknown option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (o->hold && !time_set)
		o->time_s = 0;
	if (optind != argc - 1) {
		fprintf(stderr, "fragguard: %s\n", optind < argc ? "too many arguments" : "no mode given");
		usage(stderr);
		return 2;
	}
	for (int m = 0; m <= M_PIPES; m++)
		if (!strcmp(argv[optind], mode_names[m])) {
			o->mode = (enum mode)m;
			goto found;
		}
	fprintf(stderr, "fragguard: unknown mode '%s': expected movable, pinned, pagetables or pipes\n",
		argv[optind]);
	return 2;
found:
	if (o->zones[0] && o->mode != M_PIPES) {
		fprintf(stderr, "fragguard: cannot use --zones with mode '%s': only with pipes\n", argv[optind]);
		return 2;
	}
	if (o->keep_until && !o->zones[0] && !o->eat_blocks) {
		fprintf(stderr, "fragguard: cannot use --keep-until '%s' without --zones or --eat-blocks\n",
			o->keep_until);
		return 2;
	}
	if ((o->eat_blocks || o->mlock_pin) && o->mode != M_PINNED) {
		fprintf(stderr, "fragguard: cannot use %s with mode '%s': only with pinned\n",
			o->eat_blocks ? "--eat-blocks" : "--mlock", argv[optind]);
		return 2;
	}
	return -1;
}

static int open_proc(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fprintf(stderr, "fragguard: cannot read '%s': %s\n", path, strerror(errno));
	return fd;
}

int cmd_fragment(int argc, char **argv)
{
	struct opts o;
	int r = parse_opts(argc, argv, &o);
	if (r >= 0)
		return r;
	r = 0;
	clock_gettime(CLOCK_MONOTONIC, &t_start);
	if (o.watch_pid && !alive(o.watch_pid)) {
		fprintf(stderr, "fragguard: cannot watch '%d': no such process\n", o.watch_pid);
		return 1;
	}
	fd_meminfo = open_proc("/proc/meminfo");
	fd_buddyinfo = open_proc("/proc/buddyinfo");
	fd_zoneinfo = open_proc("/proc/zoneinfo");
	if (fd_meminfo < 0 || fd_buddyinfo < 0 || fd_zoneinfo < 0)
		return 1;
	int64_t total = meminfo_bytes("MemTotal");
	if (total <= 0 || (!o.floor_memfree && !o.zones[0] && meminfo_bytes("MemAvailable") < 0)) {
		fprintf(stderr, "fragguard: cannot read '/proc/meminfo': no MemTotal or MemAvailable\n");
		return 1;
	}
	if (!o.floor_set)
		o.floor = (uint64_t)total / 8;

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	switch (o.mode) {
	case M_MOVABLE:
		r = fill_anon(&o);
		if (!r)
			punch_holes();
		break;
	case M_PINNED:
		if (!o.mlock_pin) {
			/* one pipe per PIPE_PAGES kept pages, made before memory is full */
			uint64_t span = o.size ? o.size : (uint64_t)total;
			for (uint64_t i = 0; i <= span / PAGE / 2 / PIPE_PAGES && r == 0; i++)
				r = new_pipe();
			if (r < 0) {
				fprintf(stderr, "fragguard: cannot create pipes: %s\n", strerror(-r));
				break;
			}
		}
		r = fill_anon(&o);
		if (r < 0)
			break;
		if (o.mlock_pin) {
			punch_holes();
			r = pin_mlock();
			if (r < 0)
				fprintf(stderr, "fragguard: cannot mlock: %s (RLIMIT_MEMLOCK?)\n",
					strerror(-r));
		} else {
			r = pin_vmsplice(&o);
		}
		if (r == 0 && o.eat_blocks)
			r = eat_blocks(&o);
		break;
	case M_PAGETABLES:
		r = build_pagetables(&o);
		break;
	case M_PIPES:
		r = build_pipes(&o);
		break;
	}
	if (!kept_pages) {
		fprintf(stderr, "fragguard: cannot take any memory in mode '%s': %s\n",
			mode_names[o.mode], stop_sig ? "stopped by a signal" :
			r < 0 ? strerror(-r) : "free memory is already at the floor or a bound");
		release();
		return 1;
	}
	progress(&o, "built;", true);
	printf("FRAGMENT READY mode %s held %llu pages (%llu MiB) + %llu order-1 blocks; MemFree %lld kB; order>=1 blocks in DMA/DMA32/Normal %lld\n",
	       mode_names[o.mode], (unsigned long long)kept_pages,
	       (unsigned long long)(kept_pages * PAGE >> 20),
	       (unsigned long long)eaten_blocks, (long long)(meminfo_bytes("MemFree") >> 10),
	       (long long)high_blocks(false));
	print_buddyinfo(stdout);
	fflush(stdout);
	if (o.ready) {
		int fd = open(o.ready, O_WRONLY | O_CLOEXEC | O_CREAT, 0644);
		if (fd < 0 || write(fd, "READY\n", 6) != 6)
			fprintf(stderr, "fragguard: cannot write '%s': %s\n", o.ready, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	hold(&o);
	int sig = stop_sig;
	release();
	printf("FRAGMENT RELEASED after %.1fs%s%s; MemFree %lld kB\n", elapsed_s(),
	       sig ? " on signal " : "", sig ? strsignal(sig) : "",
	       (long long)(meminfo_bytes("MemFree") >> 10));
	return 0;
}
