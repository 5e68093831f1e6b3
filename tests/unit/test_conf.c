/* test_conf.c: the option table, its parsers, and config/default.conf
 * against the table (every key listed with the table's default, and no key
 * the table does not know). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include "conf.h"
#include "unit.h"

static int warnings;
static char last[256];
static void warn(const char *m)
{
	warnings++;
	snprintf(last, sizeof last, "%s", m);
}

static void test_default_conf(void)
{
	char text[16384];
	FILE *f = fopen("config/default.conf", "r");
	CHECK(f != NULL);
	if (!f)
		return;
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = 0;
	/* every table key appears once, as KEY=default */
	for (unsigned i = 0; i < conf_nopts; i++) {
		char want[128];
		snprintf(want, sizeof want, "\n%s=%s\n", conf_opts[i].key, conf_opts[i].def);
		if (!strstr(text, want))
			fprintf(stderr, "default.conf lacks '%s=%s'\n", conf_opts[i].key, conf_opts[i].def);
		CHECK(strstr(text, want) != NULL);
	}
	/* every key in the file is known and parses cleanly */
	struct fg_conf c, d;
	conf_defaults(&d);
	warnings = 0;
	conf_parse_text(&c, text, n, warn);
	conf_defaults(&c);
	CHECK_EQ(conf_parse_text(&c, text, n, warn), 0);
	CHECK_EQ(warnings, 0);
	CHECK(!memcmp(&c, &d, sizeof c));
}

static void test_values(void)
{
	struct fg_conf c;
	uint64_t v;
	conf_defaults(&c);
	CHECK_EQ(c.thp, 1);
	CHECK_EQ(c.retain, 4u << 20);
	CHECK_EQ(conf_parse_size("4096", 4, &v), 0);
	CHECK_EQ(v, 4096);
	CHECK_EQ(conf_parse_size("512K", 4, &v), 0);
	CHECK_EQ(v, 512u << 10);
	CHECK_EQ(conf_parse_size("64MiB", 5, &v), 0);
	CHECK_EQ(v, 64u << 20);
	CHECK_EQ(conf_parse_size("1g", 2, &v), 0);
	CHECK_EQ(v, 1u << 30);
	CHECK(conf_parse_size("", 0, &v) < 0);
	CHECK(conf_parse_size("12X", 3, &v) < 0);
	CHECK(conf_parse_size("-1", 2, &v) < 0);
	CHECK(conf_parse_size("99999999999999999999", 20, &v) < 0);
	CHECK(conf_parse_size("99999999999T", 12, &v) < 0);
	/* The exact end of the range: UINT64_MAX itself is a size, one more is not. */
	CHECK_EQ(conf_parse_size("18446744073709551615", 20, &v), 0);
	CHECK_EQ(v, UINT64_MAX);
	CHECK_EQ(conf_parse_size("18446744073709551616", 20, &v), -ERANGE);
	CHECK_EQ(conf_parse_size("16777215T", 9, &v), 0);
	CHECK_EQ(conf_parse_size("16777216T", 9, &v), -ERANGE);
	/* Report signals: names and numbers; never one the C library keeps for
	 * its threads (32 below SIGRTMIN: sigaction would refuse it silently). */
	{
		struct fg_conf sc;
		char err[128];
		const struct conf_opt *o = conf_find("REPORT_SIGNAL", 13);

		conf_defaults(&sc);
		CHECK_EQ(conf_set(&sc, o, "SIGUSR2", 7, err, sizeof err), 0);
		CHECK_EQ(sc.report_signal, SIGUSR2);
		CHECK(conf_set(&sc, o, "32", 2, err, sizeof err) < 0);
		CHECK(conf_set(&sc, o, "33", 2, err, sizeof err) < 0);
		CHECK(strstr(err, "SIGRTMIN") != NULL);
		CHECK_EQ(sc.report_signal, SIGUSR2);
		CHECK(conf_set(&sc, o, "9", 1, err, sizeof err) < 0);
		CHECK_EQ(conf_set(&sc, o, "40", 2, err, sizeof err), 0);
		CHECK_EQ(sc.report_signal, 40);
	}
	CHECK_EQ(conf_parse_bool("On", 2), 1);
	CHECK_EQ(conf_parse_bool("no", 2), 0);
	CHECK(conf_parse_bool("maybe", 5) < 0);
	CHECK(conf_find("FRAGGUARD_THP", 13) != NULL);
	CHECK(conf_find("THP", 3) != NULL);
	CHECK(conf_find("THPX", 4) == NULL);
}

static void test_bad_lines(void)
{
	struct fg_conf c;
	const char *t = "# comment\n\nTHP=maybe\nRETAIN = 8M  # trailing\nNOPE=1\n"
			"FRAGGUARD_RESERVE='16M'\nCHUNK=3M\nLARGE=1\nbroken line\nVERBOSE=7\n";
	conf_defaults(&c);
	warnings = 0;
	CHECK_EQ(conf_parse_text(&c, t, strlen(t), warn), 6);
	CHECK_EQ(warnings, 6);
	CHECK_EQ(c.thp, 1);                /* bad value: default kept */
	CHECK_EQ(c.retain, 8u << 20);      /* spaces and comment */
	CHECK_EQ(c.reserve, 16u << 20);    /* prefix and quotes */
	CHECK_EQ(c.chunk, 0);              /* not a power of two */
	CHECK_EQ(c.large, 1u << 20);       /* below the bound */
	CHECK_EQ(c.verbose, 0);
	CHECK(strstr(last, "FRAGGUARD_VERBOSE='7' is not valid") != NULL);
	/* no final newline, CRLF */
	const char *u = "THP=off\r\nRETAIN=0";
	CHECK_EQ(conf_parse_text(&c, u, strlen(u), warn), 0);
	CHECK_EQ(c.thp, 0);
	CHECK_EQ(c.retain, 0);
}

int main(void)
{
	test_default_conf();
	test_values();
	test_bad_lines();
	return unit_done();
}
