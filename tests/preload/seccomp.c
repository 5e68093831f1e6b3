/* seccomp.c: a program that sandboxes itself, as OpenSSH's pre-authentication
 * child does: prctl(PR_SET_SECCOMP), or libseccomp's seccomp(2) through
 * syscall(), with a filter that kills the process at
 * any system call it did not expect. Here the filter kills at every call an
 * allocator does not need (thread creation, opening, renaming or unlinking
 * files, readlink, mincore, getrusage, uname, pread, fcntl), with the
 * shim's report thread and release thread running before. After it the
 * program allocates and frees small and large blocks (which would kick the
 * release thread and sample call sites) and ends with _exit (which would
 * write the exit report; getpid is banned too). Checked: it exits 0, not
 * killed by SIGSYS; the report was written on the way into the sandbox
 * (reason "seccomp"). The test runs
 * itself again with FRAGGUARD_REPORT set and reads that file afterwards. */
#include "check.h"
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../helpers/seccomp_ban.h"
#define MODE_FILTER 2

static const long banned[] = {
	SYS_clone, SYS_openat, SYS_readlinkat, SYS_mincore, SYS_renameat, SYS_unlinkat,
	SYS_mkdirat, SYS_getrusage, SYS_uname, SYS_pread64, SYS_fcntl, SYS_flock, SYS_getpid,
#ifdef SYS_clone3
	SYS_clone3,
#endif
#ifdef SYS_renameat2
	SYS_renameat2,
#endif
#ifdef SYS_open
	SYS_open, SYS_readlink, SYS_rename, SYS_unlink,
#endif
};
#define NBANNED (sizeof banned / sizeof banned[0])


static int tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static int sandboxed(void)
{
	/* Both shim threads first: a large block freed starts the release thread. */
	for (int i = 0; i < 300 && tasks() < 3; i++) {
		free(malloc(4u << 20));
		usleep(10000);
	}
	CHECKF(tasks() >= 3, "the shim's threads did not start (%d tasks)", tasks());

	/* The shim's malloc_trim (musl has none of its own); looked up now. */
	int (*trim)(size_t) = (int (*)(size_t))dlsym(RTLD_DEFAULT, "malloc_trim");
	struct bpf_insn f[NBANNED + 3];
	struct bpf_prog prog = ban_prog(f, banned, NBANNED, BAN_KILL);
	/* FG_VIA=syscall: the seccomp(2) system call through libc's syscall(),
	 * as libseccomp (man-db, systemd's services) installs its filters. */
	const char *via = getenv("FG_VIA");
	int bad = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (!bad && via && !strcmp(via, "syscall"))
		bad = syscall(SYS_seccomp, 1 /* SECCOMP_SET_MODE_FILTER */, 0, &prog) != 0;
	else if (!bad)
		bad = prctl(PR_SET_SECCOMP, MODE_FILTER, &prog, 0, 0) != 0;
	if (bad) {
		printf("seccomp filters not available here: %s\n", strerror(errno));
		return 77;
	}
	/* From here on, only calls the filter allows (no stdio until the end). */
	static void *keep[2000];
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < 2000; i++) {
			size_t sz = i % 100 == 0 ? (size_t)(1 + i % 7) << 20 : 16 + (size_t)(i * 37 % 4000);
			keep[i] = malloc(sz);
			if (!keep[i])
				return 3;
			memset(keep[i], i, sz < 4096 ? sz : 4096);
		}
		for (int i = 0; i < 2000; i++)
			free(keep[i]);
	}
	void *p = NULL;
	for (size_t sz = 4096; sz <= (32u << 20); sz *= 2) {
		void *q = realloc(p, sz);
		if (!q)
			return 4;
		p = q;
		memset(p, 1, sz);
	}
	free(p);
	if (trim)
		trim(0);
	return check_done("seccomp");
}

int main(int argc, char **argv)
{
	(void)argc;
	if (getenv("FG_CHILD")) { /* ends with _exit, which the shim interposes */
		int rc = sandboxed();
		fflush(stdout);
		_exit(rc);
	}
	static const char *const vias[] = { "FG_VIA=prctl", "FG_VIA=syscall" };
	for (int v = 0; v < 2; v++) {
	char dir[] = "/tmp/fg-seccomp.XXXXXX", rep[128], env[160];
	if (!mkdtemp(dir))
		FATAL("mkdtemp: %s", strerror(errno));
	snprintf(rep, sizeof rep, "%s/r.json", dir);
	snprintf(env, sizeof env, "FRAGGUARD_REPORT=%s", rep);
	int st = check_rerun(argv, (const char *const[]){ env, "FRAGGUARD_REPORT_INTERVAL=1", vias[v], NULL });
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77) {
		unlink(rep);
		rmdir(dir);
		return 77;
	}
	CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the sandboxed program (%s): %s %d", vias[v],
	       WIFSIGNALED(st) ? "killed by signal" : "exit", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	char buf[1 << 16] = "";
	FILE *fp = fopen(rep, "r");
	size_t got = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
	buf[got] = 0;
	if (fp)
		fclose(fp);
	CHECKF(strstr(buf, "\"reason\": \"seccomp\"") || strstr(buf, "\"reason\":\"seccomp\""),
	       "%s: no report with reason seccomp in %s (%zu bytes)", vias[v], rep, got);
	unlink(rep);
	rmdir(dir);
	}
	return check_done("seccomp");
}
