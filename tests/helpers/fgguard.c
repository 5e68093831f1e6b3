/* fgguard.c: a helper for the policy shell tests (tests/preload/policy_*.t).
 *   fgguard grow MIB            malloc MIB in 256-byte objects
 *   fgguard phases MIB DIR      grow MIB, create DIR/phase1, wait for DIR/go,
 *                               then free and re-malloc 1000 objects (already
 *                               faulted memory) and grow MIB more
 *   fgguard fork                fork once (the child exits at once)
 *   fgguard spawn               posix_spawn /bin/true, then system("true")
 *   fgguard mmap MIB FLAGS      mmap MIB anonymous private; FLAGS a word of
 *                               p (MAP_POPULATE), n (PROT_NONE), r (NORESERVE)
 * Prints KEY=VALUE lines: what happened, then the shim's guard counters. */
#include <dlfcn.h>
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fragguard.h"

extern char **environ;

static void grow(size_t mib, const char *tag, void **keep, size_t nkeep)
{
	size_t ok = 0, failed = 0;
	int err = 0;
	for (size_t i = 0; i < mib * 4096; i++) {
		void *p = malloc(256);
		if (!p) {
			failed++;
			err = errno;
			continue;
		}
		memset(p, 1, 256);
		if (i < nkeep)
			keep[i] = p;
		ok++;
	}
	printf("%s_ok=%zu\n%s_failed=%zu\n%s_errno=%d\n", tag, ok, tag, failed, tag, err);
}

static void stats(void)
{
	int (*st)(struct fg_stats *, size_t) =
		(int (*)(struct fg_stats *, size_t))dlsym(RTLD_DEFAULT, "fg_stats");
	struct fg_stats s;
	memset(&s, 0, sizeof s);
	if (st)
		st(&s, sizeof s);
#define P(f) printf(#f "=%llu\n", (unsigned long long)s.f)
	P(active); P(guard_on); P(guard_checks); P(guard_samples); P(guard_sample_errors);
	P(guard_sample_us);
	P(risk_events); P(risk_pagetable); P(risk_anon); P(risk_thp); P(risk_pgd);
	P(risk_exhausted); P(risk_cma); P(risk_zone); P(risk_fragmented);
	P(compactions); P(compactions_skipped); P(compactions_effective); P(compact_denied);
	P(waits); P(wait_ms); P(fallbacks); P(refusals); P(refused_alloc); P(refused_mmap);
	P(refused_fork); P(risk_accepted); P(chunks_mapped);
#undef P
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *mode = argc > 1 ? argv[1] : "grow";
	if (!strcmp(mode, "grow")) {
		grow(argc > 2 ? strtoul(argv[2], 0, 0) : 8, "grow", NULL, 0);
	} else if (!strcmp(mode, "phases") && argc > 3) {
		static void *keep[1000];
		char path[512];
		struct stat st;
		size_t mib = strtoul(argv[2], 0, 0);
		grow(mib, "phase1", keep, 1000);
		snprintf(path, sizeof path, "%s/phase1", argv[3]);
		fclose(fopen(path, "w"));
		snprintf(path, sizeof path, "%s/go", argv[3]);
		while (stat(path, &st) != 0)
			usleep(10000);
		size_t reused = 0;
		for (int i = 0; i < 1000; i++)
			free(keep[i]);
		for (int i = 0; i < 1000; i++) {
			void *p = malloc(256);
			if (p) {
				memset(p, 2, 256);
				reused++;
			}
		}
		printf("reuse_ok=%zu\n", reused);
		grow(mib, "phase2", NULL, 0);
	} else if (!strcmp(mode, "fork")) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		printf("fork=%s\nfork_errno=%d\n", pid < 0 ? "-1" : "ok", pid < 0 ? errno : 0);
	} else if (!strcmp(mode, "spawn")) {
		pid_t pid;
		char *av[] = { "true", NULL };
		int r = posix_spawn(&pid, "/bin/true", NULL, NULL, av, environ);
		if (r == 0)
			waitpid(pid, NULL, 0);
		printf("spawn=%d\n", r);
		errno = 0;
		r = system("true");
		printf("system=%d\nsystem_errno=%d\n", r, r < 0 ? errno : 0);
	} else if (!strcmp(mode, "mmap") && argc > 3) {
		size_t len = strtoul(argv[2], 0, 0) << 20;
		int prot = strchr(argv[3], 'n') ? PROT_NONE : PROT_READ | PROT_WRITE;
		int flags = MAP_PRIVATE | MAP_ANONYMOUS | (strchr(argv[3], 'p') ? MAP_POPULATE : 0) |
			    (strchr(argv[3], 'r') ? MAP_NORESERVE : 0);
		errno = 0;
		void *p = mmap(NULL, len, prot, flags, -1, 0);
		printf("mmap=%s\nmmap_errno=%d\n", p == MAP_FAILED ? "failed" : "ok",
		       p == MAP_FAILED ? errno : 0);
		if (p != MAP_FAILED)
			munmap(p, len);
	} else {
		fprintf(stderr, "usage: fgguard grow|phases|fork|spawn|mmap ...\n");
		return 2;
	}
	stats();
	return 0;
}
