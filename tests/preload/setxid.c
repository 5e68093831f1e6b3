/* setxid.c: set*id calls while the shim's own threads run (the report
 * thread: FRAGGUARD_REPORT with an interval; the release thread: a large
 * block freed). glibc makes every thread repeat such a call and aborts when
 * one result differs. As root, the test does what setpriv --reuid --regid
 * does: keep capabilities across setresuid in the calling thread only, then
 * setresgid and setgroups, which a thread without CAP_SETGID cannot repeat.
 * Before setxid.c that aborted. Checked: every call succeeds; afterwards
 * every thread of the process has the new ids (the shim's threads started
 * again under them) and the report thread writes as the new user; a call
 * the kernel refuses still fails with EPERM; concurrent set*id calls from
 * several threads while others allocate neither deadlock nor abort; a
 * forked child can drop its ids too. setns into a mount namespace and
 * unshare(CLONE_NEWUSER), which the kernel refuses with EINVAL to a process
 * with more than one thread, succeed. Root only (skips otherwise). */
#include "check.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <pthread.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#define NOBODY 65534

/* capget/capset's structures (linux/capability.h, which musl-gcc cannot see). */
struct cap_header {
	uint32_t version;
	int pid;
};
struct cap_data {
	uint32_t effective, permitted, inheritable;
};
#define CAP_VERSION_3 0x20080522

static int tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;
	struct dirent *e;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Frees a large block (the release thread starts) and waits for n tasks. */
static int wait_tasks(int n)
{
	for (int i = 0; i < 300; i++) {
		free(malloc(4u << 20));
		if (tasks() >= n)
			return 1;
		usleep(10000);
	}
	return 0;
}

/* Whether every thread's Uid and Gid lines (real, effective, saved, fs) are id. */
static int all_threads_are(unsigned id)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int ok = d != NULL, seen = 0;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[64], line[256];
		snprintf(path, sizeof path, "/proc/self/task/%s/status", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue; /* exited meanwhile */
		while (fgets(line, sizeof line, f)) {
			unsigned a, b, c, x;
			if ((sscanf(line, "Uid: %u %u %u %u", &a, &b, &c, &x) == 4 ||
			     sscanf(line, "Gid: %u %u %u %u", &a, &b, &c, &x) == 4) &&
			    (a != id || b != id || c != id || x != id)) {
				fprintf(stderr, "task %s: %s", e->d_name, line);
				ok = 0;
			}
		}
		fclose(f);
		seen++;
	}
	if (d)
		closedir(d);
	return ok && seen > 0;
}

static int stop;

static void *churn(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		char *p = malloc(3u << 20), *q = malloc(100);
		if (p)
			p[0] = 1;
		free(q);
		free(p);
	}
	return NULL;
}

static void *flip(void *arg)
{
	long k = (long)arg;
	for (int i = 0; i < 200; i++) {
		gid_t g = (gid_t)(i % 3);
		if (k % 2) {
			CHECK(setegid(g) == 0);
			CHECK(setegid(0) == 0);
		} else {
			CHECK(setgroups(1, &g) == 0);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	(void)argc;
	if (geteuid() != 0) {
		printf("not root: set*id needs a user to become\n");
		return 77;
	}
	const char *dir = getenv("FG_SETXID_DIR");
	if (!getenv("FG_CHILD")) {
		/* Again with a report thread (the shim reads its settings at start). */
		static char tmpl[] = "/tmp/fg-setxid.XXXXXX", env1[64], env2[96];
		if (!mkdtemp(tmpl) || chmod(tmpl, 0777))
			FATAL("mkdtemp: %s", strerror(errno));
		snprintf(env1, sizeof env1, "FG_SETXID_DIR=%s", tmpl);
		snprintf(env2, sizeof env2, "FRAGGUARD_REPORT=%s/r.%%p.json", tmpl);
		int st = check_rerun(argv, (const char *const[]){ env1, env2, "FRAGGUARD_REPORT_INTERVAL=1", NULL });
		DIR *d = opendir(tmpl);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			char path[256];
			snprintf(path, sizeof path, "%s/%s", tmpl, e->d_name);
			if (e->d_name[0] != '.')
				unlink(path);
		}
		if (d)
			closedir(d);
		rmdir(tmpl);
		if (WIFSIGNALED(st))
			fprintf(stderr, "setxid: killed by signal %d\n", WTERMSIG(st));
		return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	}
	char rep[128];
	snprintf(rep, sizeof rep, "%s/r.%d.json", dir, (int)getpid());

	/* main + report thread + release thread */
	CHECKF(wait_tasks(3), "the shim's two threads did not start (%d tasks)", tasks());

	/* Concurrent set*id calls from four threads while two allocate. */
	pthread_t t[6];
	for (long i = 0; i < 6; i++)
		pthread_create(&t[i], NULL, i < 2 ? churn : flip, (void *)i);
	for (int i = 2; i < 6; i++)
		pthread_join(t[i], NULL);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	CHECK(setgroups(0, NULL) == 0);

	/* Namespaces the kernel refuses to a threaded process (EINVAL). A
	 * kernel or container that refuses them to us anyway says EPERM. */
	CHECK(wait_tasks(3));
	int fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	errno = 0;
	int r = setns(fd, CLONE_NEWNS);
	CHECKF(r == 0 || errno == EPERM, "setns(own mount namespace): %s", strerror(errno));
	close(fd);
	CHECK(wait_tasks(3));

	/* Forked children drop their ids, enter a user namespace (their
	 * threads are their own). */
	for (int k = 0; k < 2; k++) {
		pid_t pid = fork();
		if (pid == 0) {
			wait_tasks(2);
			if (k == 0)
				_exit(setgid(NOBODY) || setuid(NOBODY) || getuid() != NOBODY ? 1 : 0);
			errno = 0;
			if (unshare(CLONE_NEWUSER) == 0 || errno == EPERM || errno == ENOSPC)
				_exit(0);
			fprintf(stderr, "unshare(CLONE_NEWUSER): %s\n", strerror(errno));
			_exit(1);
		}
		int st = -1;
		CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
		CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d status %#x", k, st);
	}

	/* setpriv's order: capabilities kept in this thread only. */
	CHECK(wait_tasks(3));
	struct cap_header h = { CAP_VERSION_3, 0 };
	struct cap_data c[2];
	CHECK(syscall(SYS_capget, &h, c) == 0);
	CHECK(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == 0);
	CHECK(setresuid(NOBODY, NOBODY, NOBODY) == 0);
	c[0].effective = c[0].permitted;
	c[1].effective = c[1].permitted;
	CHECK(syscall(SYS_capset, &h, c) == 0);
	CHECK(setresgid(NOBODY, NOBODY, NOBODY) == 0);
	CHECK(setgroups(0, NULL) == 0);
	/* Without the capabilities, a call the kernel refuses. */
	c[0].effective = c[0].permitted = c[0].inheritable = 0;
	c[1].effective = c[1].permitted = c[1].inheritable = 0;
	CHECK(syscall(SYS_capset, &h, c) == 0);
	errno = 0;
	CHECK(setuid(0) == -1 && errno == EPERM);
	errno = 0;
	CHECK(setgroups(0, NULL) == -1 && errno == EPERM);

	CHECKF(wait_tasks(3), "the shim's threads did not start again (%d tasks)", tasks());
	CHECK(all_threads_are(NOBODY));
	/* The report thread writes the interval report as the new user. */
	struct stat s;
	int owned = 0;
	for (int i = 0; i < 40 && !owned; i++) {
		usleep(100000);
		owned = stat(rep, &s) == 0 && s.st_uid == NOBODY;
	}
	CHECKF(owned, "no interval report written by uid %d in 4 s: %s", NOBODY, rep);
	return check_done("setxid");
}
