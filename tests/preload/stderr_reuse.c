/* stderr_reuse.c: a program that closes its stderr and opens a data file of
 * its own as descriptor 2 must not find the shim's lines in it: at
 * VERBOSE=2 the exit summary (and every os_say line) is not written once fd
 * 2 is no longer the file it was at start and is now a regular file not
 * opened for appending (or a socket). A log the program put there with
 * O_APPEND (nginx's error_log) still gets it, and so does an untouched
 * stderr. The test runs itself in children with FRAGGUARD_VERBOSE=2. */
#include "check.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>

static void child(const char *path, int append)
{
	char *p = malloc(100000); /* the shim has something to summarise */
	if (p)
		memset(p, 1, 100000);
	close(2);
	int fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0600);
	if (fd != 2)
		_exit(3);
	if (write(fd, "payload\n", 8) != 8)
		_exit(4);
	free(p);
	exit(0); /* destructors run: the shim's exit summary would go to fd 2 */
}

static int run(const char *self, const char *arg, const char *path, const char *err)
{
	pid_t pid = fork();
	if (pid == 0) {
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (e < 0 || dup2(e, 2) < 0)
			_exit(5);
		setenv("FRAGGUARD_VERBOSE", "2", 1);
		execl(self, self, arg, path, (char *)NULL);
		_exit(6);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static size_t slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, cap - 1);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	return n > 0 ? (size_t)n : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "reuse"))
		child(argv[2], 0);
	if (argc == 3 && !strcmp(argv[1], "log"))
		child(argv[2], 1);
	if (argc == 3 && !strcmp(argv[1], "plain")) {
		char *p = malloc(100000);
		memset(p, 1, 100000);
		free(p);
		return 0;
	}
	if (!under_shim())
		skip("not under the shim");
	char self[PATH_MAX], dir[] = "/tmp/fg-stderr.XXXXXX", data[PATH_MAX], err[PATH_MAX], buf[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0 || !mkdtemp(dir))
		FATAL("setup: %s", strerror(errno));
	self[n] = 0;
	snprintf(data, sizeof data, "%s/data", dir);
	snprintf(err, sizeof err, "%s/err", dir);

	CHECK(run(self, "reuse", data, err) == 0);
	slurp(data, buf, sizeof buf);
	CHECKF(!strcmp(buf, "payload\n"), "the program's own file got: '%s'", buf);
	slurp(err, buf, sizeof buf);
	CHECKF(!strstr(buf, "fragguard: chunks"), "the original stderr got the summary after the "
	       "program closed it: '%s'", buf);

	/* A log opened for appending as the new stderr: the summary goes there. */
	unlink(data);
	CHECK(run(self, "log", data, err) == 0);
	slurp(data, buf, sizeof buf);
	CHECKF(!strncmp(buf, "payload\n", 8) && strstr(buf, "fragguard: chunks") != NULL,
	       "an O_APPEND log as the new stderr did not get the summary: '%s'", buf);

	CHECK(run(self, "plain", data, err) == 0);
	slurp(err, buf, sizeof buf);
	CHECKF(strstr(buf, "fragguard: chunks") != NULL, "VERBOSE=2 with stderr untouched: no "
	       "summary: '%s'", buf);
	unlink(data);
	unlink(err);
	rmdir(dir);
	return check_done("stderr_reuse");
}
