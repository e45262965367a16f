/* The callsim command line: one function per subcommand, each returning the process exit
 * status.  Exit statuses (documented in README.md):
 *   0  success
 *   1  the machine failed (out of memory, a read or write error, a full disk, a closed pipe)
 *   2  bad input the user named: a flag, a scenario, a profile, a call log, a results folder,
 *      an unusable output location, an overload beyond the cap; the message says where and what
 *   130 interrupted (Ctrl-C) */
#ifndef CS_CLI_H
#define CS_CLI_H

#include "sim/status.h"

#define CS_EXIT_OK 0
#define CS_EXIT_FAIL 1
#define CS_EXIT_INPUT 2
#define CS_EXIT_INTERRUPTED 130

int cs_cmd_run(int argc, char **argv);
int cs_cmd_erlang(int argc, char **argv);
int cs_cmd_compare(int argc, char **argv);
int cs_cmd_report(int argc, char **argv);
int cs_cmd_replay(int argc, char **argv);
int cs_cmd_fit(int argc, char **argv);
int cs_cmd_staff(int argc, char **argv);
int cs_cmd_sweep(int argc, char **argv);
int cs_cmd_sensitivity(int argc, char **argv);
int cs_cmd_calibrate(int argc, char **argv);

/* Prints "callsim CMD: message" to stderr and returns the exit code for st. */
int cs_cli_fail(const char *cmd, cs_status st, const char *msg);

#endif
