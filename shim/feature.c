/* feature.c: the kernel features the shim found, each said at most once
 * (feature.h). Values are string literals stored with relaxed atomics: any
 * thread may record, the report reads. Never allocates, never touches errno;
 * the probes open files under the sampling root and nothing else. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include "feature.h"
#include "fmt.h"
#include "kmem.h"
#include "os.h"
#include "sample.h"
#include "shim.h"

static const char *value[FEAT_N];
static int said[FEAT_N];

static const char *const key[FEAT_N] = {
	"populate", "thp", "collapse", "compact_memory", "psi",
	"zoneinfo_managed", "zoneinfo_free_cma", "pagetypeinfo",
};

void feature_set(enum feature_id id, const char *v)
{
	__atomic_store_n(&value[id], v, __ATOMIC_RELAXED);
}

void feature_lack(enum feature_id id, const char *v, const char *msg, int loud)
{
	feature_set(id, v);
	if ((loud || g.conf.verbose) && !__atomic_exchange_n(&said[id], 1, __ATOMIC_RELAXED))
		os_say(msg);
}

const char *feature_get(enum feature_id id)
{
	const char *v = __atomic_load_n(&value[id], __ATOMIC_RELAXED);
	return v ? v : "untested";
}

/* "'PATH' WHAT: CONSEQUENCE" into msg. */
static void say_file(enum feature_id id, const char *v, const char *path,
		     const char *what, const char *consequence)
{
	char msg[640];
	struct fmtbuf fb;
	fmt_init(&fb, msg, sizeof msg);
	fmt_str(&fb, "'");
	fmt_str(&fb, path);
	fmt_str(&fb, "' ");
	fmt_str(&fb, what);
	fmt_str(&fb, ": ");
	fmt_str(&fb, consequence);
	feature_lack(id, v, msg, 0);
}

void feature_probe_files(void)
{
	char path[512], b[256];

	sample_path(path, sizeof path, "pressure/memory", "/proc/pressure/memory");
	if (os_read_file(path, b, sizeof b) > 0)
		feature_set(FEAT_PSI, "present");
	else
		say_file(FEAT_PSI, "absent", path, "is absent (no PSI: kernel < 4.20 or psi=0)",
			 "reports carry no memory pressure");

	/* Root-only from 5.4. Reading it costs about 1 ms, so only open it;
	 * a directory opens too but is no pagetypeinfo. */
	sample_path(path, sizeof path, "pagetypeinfo", "/proc/pagetypeinfo");
	int fd = os_open(path, O_RDONLY | O_NOFOLLOW, 0);
	int dir = fd >= 0 ? os_open(path, O_RDONLY | O_DIRECTORY, 0) : -1;
	if (fd >= 0)
		os_close(fd);
	if (dir >= 0)
		os_close(dir);
	if (fd >= 0 && dir < 0)
		feature_set(FEAT_PAGETYPEINFO, "readable");
	else if (fd == -ENOENT)
		say_file(FEAT_PAGETYPEINFO, "absent", path, "is absent",
			 "free blocks per migrate type are not known");
	else
		say_file(FEAT_PAGETYPEINFO, "unreadable", path,
			 fd >= 0 ? "is not a file" : "is not readable (root-only since 5.4)",
			 "free blocks per migrate type are not known");
}

void feature_zoneinfo(unsigned known)
{
	if (known & KMEM_ZK_MANAGED)
		feature_set(FEAT_ZI_MANAGED, "present");
	else
		feature_lack(FEAT_ZI_MANAGED, "absent",
			     "zoneinfo has no 'managed' (kernel < 3.8): zone sizes from 'present'", 0);
	if (known & KMEM_ZK_FREE_CMA)
		feature_set(FEAT_ZI_FREE_CMA, "present");
	else
		feature_lack(FEAT_ZI_FREE_CMA, "absent",
			     "zoneinfo has no 'nr_free_cma' (kernel < 3.7): no free CMA pages to set aside", 0);
}

/* The avg10 of the "some" or "full" line of pressure/memory as a JSON
 * number, or null. */
static void psi_avg10(struct fmtbuf *fb, const char *text, const char *line)
{
	const char *p = strstr(text, line);
	size_t n = 0;
	if (p) {
		p += strlen(line);
		while ((p[n] >= '0' && p[n] <= '9') || p[n] == '.')
			n++;
	}
	if (n && p[0] != '.')
		fmt_mem(fb, p, n);
	else
		fmt_str(fb, "null");
}

void feature_report(struct fmtbuf *fb)
{
	static char psi[256];
	char path[512];

	fmt_str(fb, ",\"kernel\":{");
	for (int i = 0; i < FEAT_N; i++) {
		if (i)
			fmt_str(fb, ",");
		fmt_json_str(fb, key[i]);
		fmt_str(fb, ":");
		fmt_json_str(fb, feature_get((enum feature_id)i));
	}
	psi[0] = 0;
	if (!strcmp(feature_get(FEAT_PSI), "present") &&
	    os_read_file(sample_path(path, sizeof path, "pressure/memory", "/proc/pressure/memory"),
			 psi, sizeof psi) <= 0)
		psi[0] = 0;
	fmt_str(fb, ",\"psi_some_avg10_pct\":");
	psi_avg10(fb, psi, "some avg10=");
	fmt_str(fb, ",\"psi_full_avg10_pct\":");
	psi_avg10(fb, psi, "full avg10=");
	fmt_str(fb, ",\"proc_root\":");
	fmt_str(fb, sample_faked() ? "true" : "false");
	fmt_str(fb, "}");
}
