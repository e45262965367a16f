/* `callsim run NATIONAL.yaml`: a national file (io/national.h) is detected by cmd_run.c and
 * handed here with the parsed options. */
#ifndef CS_CLI_NATIONAL_H
#define CS_CLI_NATIONAL_H

typedef struct cs_nat_cli {
    const char *path;
    const char *reps, *seed, *threads, *interval;   /* NULL = not given */
    const char *out;
    int json, force, calls, quiet, report;
} cs_nat_cli;

/* Returns the process exit status (cli/cli.h). */
int cs_cli_run_national(const cs_nat_cli *o);

#endif
