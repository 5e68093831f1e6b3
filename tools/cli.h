/* cli.h: the subcommands of the fragguard tool. Each lives in its own file
 * (tools/<name>.c) and returns the process exit code: 0 success, 1 failure,
 * 2 bad usage. Messages go to stderr as "fragguard: <problem> '<subject>'". */
#ifndef FG_CLI_H
#define FG_CLI_H

int cmd_status(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_fragment(int argc, char **argv);

#endif
