/* fuzz_report.c: libFuzzer target for `fragguard report` (tools/report*.c):
 * the input, split at NUL bytes, is up to three report files in one
 * directory; the command reads them and renders every format (text to
 * /dev/null, JSON, Prometheus and HTML to files). Aborts when a rendered
 * JSON file is not JSON, or a Prometheus line is not the exposition
 * format's `name{label="value",...} number`: a report's strings (program
 * names, paths, command lines) are the program's, not ours. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], indir[80], in[3][96], out_json[96], out_prom[96], out_html[96];

static void put(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, p, n) != (ssize_t)n)
		abort();
	close(fd);
}

static int name_char(int c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
	       (!first && c >= '0' && c <= '9');
}

/* One exposition-format sample line (not a comment, not empty). */
static void check_prom_line(const char *s)
{
	const char *p = s;
	char *end;

	if (!name_char((unsigned char)*p, 1))
		abort();
	while (name_char((unsigned char)*p, 0))
		p++;
	if (*p == '{') {
		p++;
		while (*p != '}') {
			if (!name_char((unsigned char)*p, 1))
				abort();
			while (name_char((unsigned char)*p, 0))
				p++;
			if (p[0] != '=' || p[1] != '"')
				abort();
			for (p += 2; *p != '"'; p++) {
				if (!*p || *p == '\n')
					abort();
				if (*p == '\\') {
					p++;
					if (*p != '\\' && *p != '"' && *p != 'n')
						abort();
				}
			}
			p++;
			if (*p == ',')
				p++;
			else if (*p != '}')
				abort();
		}
		p++;
	}
	if (*p++ != ' ')
		abort();
	if (strcmp(p, "NaN") && strcmp(p, "+Inf") && strcmp(p, "-Inf")) {
		errno = 0;
		strtod(p, &end);
		if (end == p || *end)
			abort();
	}
}

static void check_prom(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[8192];

	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		size_t n = strlen(line);

		if (!n || line[n - 1] != '\n')
			abort(); /* a line too long for the check, or a partial one */
		line[n - 1] = 0;
		if (line[0] && line[0] != '#')
			check_prom_line(line);
	}
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *sorts[] = { "program", "pid", "faults", "faults-per-gib", "huge",
				       "lifetime", "rss", "stall" };
	const char *p = (const char *)data, *end = p + size;
	int nfiles = 0, rc;

	if (!dir[0]) {
		strcpy(dir, "/tmp/fuzz_report.XXXXXX");
		if (!mkdtemp(dir))
			abort();
		snprintf(indir, sizeof indir, "%s/in", dir);
		if (mkdir(indir, 0700))
			abort();
		for (int i = 0; i < 3; i++)
			snprintf(in[i], sizeof in[i], "%s/r%d.json", indir, i);
		snprintf(out_json, sizeof out_json, "%s/out.json", dir);
		snprintf(out_prom, sizeof out_prom, "%s/out.prom", dir);
		snprintf(out_html, sizeof out_html, "%s/out.html", dir);
		if (!freopen("/dev/null", "w", stdout))
			abort();
	}
	for (int i = 0; i < 3; i++)
		unlink(in[i]);
	while (nfiles < 3) {
		const char *z = memchr(p, 0, (size_t)(end - p));
		size_t n = z ? (size_t)(z - p) : (size_t)(end - p);

		put(in[nfiles++], p, n);
		if (!z)
			break;
		p = z + 1;
	}
	char *sort = (char *)sorts[size % (sizeof sorts / sizeof sorts[0])];
	char *text[] = { "report", "--sort", sort, "--top", "3", indir, NULL };
	char *json[] = { "report", "--json", "-o", out_json, "--html", out_html, indir, NULL };
	char *prom[] = { "report", "--prometheus", "-o", out_prom, indir, NULL };

	unlink(out_json);
	unlink(out_prom);
	cmd_report(6, text);
	rc = cmd_report(7, json);
	if (rc != 1 || !access(out_json, F_OK)) {
		json_error_t err;
		json_t *j = json_load_file(out_json, 0, &err);

		if (!j)
			abort();
		json_decref(j);
	}
	cmd_report(5, prom);
	check_prom(out_prom);
	return 0;
}
