/* run.c: `fragguard run`, runs a command with the shim preloaded and its
 * reports directed to one directory, then summarises every report written
 * there during the run (the command and all its descendants) on stderr.
 * It is a transparent wrapper: the command's exit status is ours, a death
 * by signal becomes 128 + signal like a shell's, SIGINT/SIGTERM/SIGHUP/
 * SIGQUIT sent to us reach the command, and stdin/stdout are untouched.
 * It never changes system-wide state (no /etc/ld.so.preload). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "report.h"

#ifndef FG_PREFIX
#define FG_PREFIX "/usr/local"
#endif

#if defined(__x86_64__)
#define MULTIARCH "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define MULTIARCH "aarch64-linux-gnu"
#elif defined(__arm__) && defined(__ARM_PCS_VFP)
#define MULTIARCH "arm-linux-gnueabihf"
#elif defined(__arm__)
#define MULTIARCH "arm-linux-gnueabi"
#elif defined(__i386__)
#define MULTIARCH "i386-linux-gnu"
#else
#define MULTIARCH ""
#endif

static volatile sig_atomic_t child_pid;

static const int fwd_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: fragguard run [--report DIR] [--profile NAME] [--] CMD [ARG ...]\n"
		"\n"
		"Runs CMD with libfragguard.so preloaded (LD_PRELOAD, for CMD and every\n"
		"program it starts), then prints on standard error a summary of what each\n"
		"process cost the machine and what the shim did: the table of\n"
		"'fragguard report' over the reports they wrote.\n"
		"\n"
		"  --report DIR    keep the reports in DIR (created if missing; only reports\n"
		"                  written during this run are summarised); default: a new\n"
		"                  temporary directory, whose name is printed\n"
		"  --profile NAME  use config/NAME.conf (e.g. embedded, server) as\n"
		"                  FRAGGUARD_CONFIG; a NAME with a '/' is a file\n"
		"  -q, --quiet     no summary, only the exit status; without --report no\n"
		"                  reports are written (FRAGGUARD_REPORT is not set)\n"
		"\n"
		"The exit status is CMD's; if CMD is killed by a signal, fragguard says so\n"
		"and exits with 128 + the signal number, as a shell does. SIGINT, SIGTERM,\n"
		"SIGHUP and SIGQUIT sent to fragguard are passed on to CMD. 127: CMD not\n"
		"found, 126: not executable, 1: the shim was not found.\n"
		"\n"
		"The shim is looked for next to the fragguard binary, then under the\n"
		"install prefix (lib/fragguard, lib/" MULTIARCH "/fragguard).\n"
		"FRAGGUARD_* variables already set (see config/default.conf) are kept.\n"
		"\n"
		"To run a service under the shim permanently, set LD_PRELOAD for that\n"
		"service alone (a systemd drop-in: Environment=LD_PRELOAD=...). Avoid\n"
		"/etc/ld.so.preload: it reaches every process on the machine, setuid\n"
		"programs included, and a broken entry there can stop every program from\n"
		"starting. If it is used anyway, name the programs the shim may serve\n"
		"in /etc/fragguard.conf (PROGRAMS=name1,name2): every other program\n"
		"then runs with the C library's malloc, untouched. Programs that are\n"
		"setuid or statically linked, or that clear LD_PRELOAD, run without the\n"
		"shim and write no report.\n");
}

static bool is_file(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISREG(st.st_mode);
}

/* The directory holding this executable, or "" if unknown. */
static void self_dir(char *out, size_t cap)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	char *slash;

	out[0] = '\0';
	if (n <= 0)
		return;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return;
	*slash = '\0';
	snprintf(out, cap, "%s", buf);
}

/* Writes the first existing candidate into out. Returns false if none. */
static bool find_first(char *out, size_t cap, const char *const *cands, size_t n,
		       const char *dir, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		const char *c = cands[i];

		if (c[0] == '@') {         /* relative to the binary's directory */
			if (!dir[0])
				continue;
			snprintf(out, cap, "%s/%s/%s", dir, c + 1, name);
		} else {
			snprintf(out, cap, "%s/%s", c, name);
		}
		if (is_file(out))
			return true;
	}
	return false;
}

static const char *const shim_dirs[] = {
	"@.", "@../lib/fragguard", "@../lib/" MULTIARCH "/fragguard", "@../lib",
	FG_PREFIX "/lib/fragguard", FG_PREFIX "/lib/" MULTIARCH "/fragguard", FG_PREFIX "/lib",
	"/usr/local/lib/fragguard", "/usr/lib/" MULTIARCH "/fragguard", "/usr/lib/fragguard",
};

static const char *const conf_dirs[] = {
	"@../config", "@../share/fragguard", "@../share/fragguard/config",
	FG_PREFIX "/share/fragguard", "/usr/local/share/fragguard", "/usr/share/fragguard",
	"/etc/fragguard",
};

static void forward(int sig, siginfo_t *si, void *uc)
{
	pid_t pid = child_pid;

	(void)uc;
	/* A signal from the terminal (SI_KERNEL) already reached the command,
	 * which shares our process group: sending it again would deliver it
	 * twice. Signals sent with kill(2) (si_code <= 0) came to us alone. */
	if (pid > 0 && si->si_code <= 0 && si->si_pid != pid)
		kill(pid, sig);
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof buf)
		return -ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return is_file(buf) ? -ENOTDIR : 0;
}

static char *prepend_preload(const char *shim)
{
	const char *old = getenv("LD_PRELOAD");
	size_t n = strlen(shim) + (old ? strlen(old) : 0) + 2;
	char *v = malloc(n);

	if (!v)
		return NULL;
	if (old && *old)
		snprintf(v, n, "%s:%s", shim, old);
	else
		snprintf(v, n, "%s", shim);
	return v;
}

int cmd_run(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "report", required_argument, NULL, 'r' },
		{ "profile", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char dir[PATH_MAX], shim[PATH_MAX], conf[PATH_MAX], rdir[PATH_MAX], pattern[PATH_MAX + 16];
	const char *report_dir = NULL, *profile = NULL;
	bool quiet = false;
	struct sigaction sa, old[4];
	sigset_t block, prev;
	struct timespec t0;
	int c, pfd[2], status, err = 0, rc;
	ssize_t n;
	pid_t pid;
	char *preload;

	opterr = 0;
	optind = 1;
	/* '+': stop at CMD, so its own options are not ours. */
	while ((c = getopt_long(argc, argv, "+:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'r': report_dir = optarg; break;
		case 'p': profile = optarg; break;
		case 'q': quiet = true; break;
		case 'h': usage(stdout); return 0;
		case ':':
			fprintf(stderr, "fragguard: option '%s' needs a value\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "fragguard: unknown option '%s' (see 'fragguard run --help')\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "fragguard: no command to run\n");
		usage(stderr);
		return 2;
	}

	self_dir(dir, sizeof dir);
	if (!find_first(shim, sizeof shim, shim_dirs, sizeof shim_dirs / sizeof shim_dirs[0], dir,
			"libfragguard.so")) {
		fprintf(stderr, "fragguard: cannot find 'libfragguard.so' next to '%s' or under '%s/lib'"
				": build it with 'make' or install it\n", dir[0] ? dir : "fragguard",
			FG_PREFIX);
		return 1;
	}
	if (realpath(shim, conf))
		snprintf(shim, sizeof shim, "%s", conf);
	if (profile) {
		char name[NAME_MAX + 1];
		size_t l = strlen(profile);

		if (strchr(profile, '/')) {
			snprintf(conf, sizeof conf, "%s", profile);
			if (!is_file(conf)) {
				fprintf(stderr, "fragguard: cannot read profile '%s': %s\n", conf,
					strerror(errno ? errno : ENOENT));
				return 2;
			}
		} else {
			snprintf(name, sizeof name, "%s%s", profile,
				 l > 5 && !strcmp(profile + l - 5, ".conf") ? "" : ".conf");
			if (!profile[0] || !find_first(conf, sizeof conf, conf_dirs,
						       sizeof conf_dirs / sizeof conf_dirs[0], dir, name)) {
				fprintf(stderr, "fragguard: no profile '%s' (looked for %s in %s%s and the "
						"install's share/fragguard)\n", profile, name,
					dir[0] ? dir : "", dir[0] ? "/../config" : "config");
				return 2;
			}
		}
		if (realpath(conf, rdir))
			snprintf(conf, sizeof conf, "%s", rdir);
	}

	if (report_dir) {
		rc = mkdir_p(report_dir);
		if (rc) {
			fprintf(stderr, "fragguard: cannot create '%s': %s\n", report_dir, strerror(-rc));
			return 1;
		}
		if (!realpath(report_dir, rdir)) {
			fprintf(stderr, "fragguard: cannot read '%s': %s\n", report_dir, strerror(errno));
			return 1;
		}
	} else if (quiet) {
		rdir[0] = 0; /* -q without --report: nobody reads reports, none are written */
	} else {
		const char *tmp = getenv("TMPDIR");

		snprintf(rdir, sizeof rdir, "%s/fragguard-run.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(rdir)) {
			fprintf(stderr, "fragguard: cannot create '%s': %s\n", rdir, strerror(errno));
			return 1;
		}
	}
	snprintf(pattern, sizeof pattern, "%s/%%e.%%p.json", rdir);
	preload = prepend_preload(shim);
	if (!preload || pipe2(pfd, O_CLOEXEC) < 0) {
		fprintf(stderr, "fragguard: cannot start '%s': %s\n", argv[optind], strerror(errno));
		free(preload);
		return 1;
	}
	clock_gettime(CLOCK_REALTIME, &t0);

	/* Block the forwarded signals across fork so that none arrives before
	 * child_pid is known, and the child starts with default dispositions. */
	sigemptyset(&block);
	for (int i = 0; i < 4; i++)
		sigaddset(&block, fwd_signals[i]);
	sigprocmask(SIG_BLOCK, &block, &prev);
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = forward;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 4; i++) {
		sigaction(fwd_signals[i], &sa, &old[i]);
		/* Ignored when we started (nohup, a background job): the command
		 * inherits that, and so do we. */
		if (old[i].sa_handler == SIG_IGN)
			sigaction(fwd_signals[i], &old[i], NULL);
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = errno;
		fprintf(stderr, "fragguard: cannot start '%s': %s\n", argv[optind], strerror(err));
		free(preload);
		return 1;
	}
	if (pid == 0) {
		for (int i = 0; i < 4; i++)
			sigaction(fwd_signals[i], &old[i], NULL);
		sigprocmask(SIG_SETMASK, &prev, NULL);
		close(pfd[0]);
		setenv("LD_PRELOAD", preload, 1);
		if (rdir[0])
			setenv("FRAGGUARD_REPORT", pattern, 1);
		if (profile)
			setenv("FRAGGUARD_CONFIG", conf, 1);
		execvp(argv[optind], argv + optind);
		err = errno;
		if (write(pfd[1], &err, sizeof err) < 0)
			_exit(127);
		_exit(err == ENOENT ? 127 : 126);
	}
	child_pid = pid;
	free(preload);
	sigprocmask(SIG_SETMASK, &prev, NULL);
	close(pfd[1]);
	do
		n = read(pfd[0], &err, sizeof err);
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "fragguard: cannot wait for '%s': %s\n", argv[optind], strerror(errno));
			return 1;
		}
	}
	child_pid = 0;
	if (n == (ssize_t)sizeof err) {
		fprintf(stderr, "fragguard: cannot run '%s': %s\n", argv[optind], strerror(err));
		if (!report_dir && rdir[0])
			rmdir(rdir);
		return err == ENOENT ? 127 : 126;
	}

	if (!quiet) {
		int got;

		fprintf(stderr, "\nfragguard: summary of '%s' and the programs it started "
				"(reports in %s)\n", argv[optind], rdir);
		/* File times come from the kernel's coarse clock, a tick behind. */
		got = report_summarise_dir(rdir, (double)t0.tv_sec + t0.tv_nsec / 1e9 - 0.02, stderr);
		if (got == 0)
			fprintf(stderr, "fragguard: no report was written: the program may be statically "
					"linked or setuid, have cleared LD_PRELOAD, or been killed by a "
					"signal\n");
		else if (got > 0)
			fprintf(stderr, "More: fragguard report --html report.html %s\n", rdir);
	}
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);

		fprintf(stderr, "fragguard: '%s' was killed by signal %d (%s)%s\n", argv[optind], sig,
			strsignal(sig), WCOREDUMP(status) ? ", core dumped" : "");
		return 128 + sig;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
