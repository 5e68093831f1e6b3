/* fragguard.c: the command-line entry point; dispatches to one file per
 * subcommand. A subcommand whose file is not built yet is reported as such. */
#include <stdio.h>
#include <string.h>
#include "cli.h"

#pragma weak cmd_status
#pragma weak cmd_explain
#pragma weak cmd_report
#pragma weak cmd_run
#pragma weak cmd_fragment

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} cmds[] = {
	{ "run",      cmd_run,      "run a program under the shim, then summarise it" },
	{ "report",   cmd_report,   "summarise per-process reports (text, --json, --prometheus, --html)" },
	{ "explain",  cmd_explain,  "explain kernel OOM / page allocation failure reports" },
	{ "status",   cmd_status,   "the live machine: free blocks, watermarks, verdicts" },
	{ "fragment", cmd_fragment, "a bounded fragmenter for tests and demos" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: fragguard COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (cmds[i].fn)
			fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\n'fragguard COMMAND --help' describes each command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (!strcmp(argv[1], cmds[i].name) && cmds[i].fn)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "fragguard: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
