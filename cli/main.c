/* callsim: entry point.  Parses the subcommand and hands over; every subcommand lives in its
 * own cmd_*.c.  This is the only place that sets process-wide state (the GSL error handler). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli/cli.h"
#include "cli/dist.h"

#ifndef CS_VERSION
#define CS_VERSION "0.0.0"
#endif

static void usage(FILE *f)
{
    fprintf(f,
            "callsim %s - discrete-event simulator of police 101/999 contact centres\n"
            "\n"
            "Usage: callsim COMMAND [options]\n"
            "\n"
            "Commands:\n"
            "  run FILE.yaml       simulate a scenario and print its KPIs (--out DIR writes files, charts, report)\n"
            "  compare BASE.yaml VARIANT.yaml...  run scenarios with common random numbers and\n"
            "                      report each KPI's difference from the first, with 95%% CIs\n"
            "  erlang              analytic Erlang C / Erlang A values for one queue\n"
            "  replay LOG.csv --scenario S.yaml   drive a scenario with a real call log's arrivals\n"
            "  fit LOG.csv -o fitted.yaml         build a scenario from a call log\n"
            "  staff FILE.yaml -o staffed.yaml   handlers needed per interval, the least-cost roster\n"
            "                      of allowed shifts for them, checked by simulation, with its cost\n"
            "  report DIR          (re)write DIR/report.html from a results folder\n"
            "  sweep FILE.yaml --vary PATH=VALUES   the KPIs over a grid of input values\n"
            "  sensitivity FILE.yaml --vary PATH=LOW,HIGH   which uncertain input moves the KPIs most\n"
            "  calibrate FILE.yaml --match KPI=VALUE --free PATH[=LOW..HIGH]   fit inputs to published figures\n"
            "\n"
            "Run 'callsim COMMAND --help' for the options of a command.\n"
            "Exit status: 0 success, 1 the machine failed (memory, disk, I/O), 2 bad input (the message says where), 130 interrupted.\n",
            CS_VERSION);
}

/* Maps a status to an exit code (input errors are 2, everything else 1). */
static int exit_code(cs_status st)
{
    if (st == CS_OK) return CS_EXIT_OK;
    return st == CS_EINPUT ? CS_EXIT_INPUT : CS_EXIT_FAIL;
}

int cs_cli_fail(const char *cmd, cs_status st, const char *msg)
{
    fprintf(stderr, "callsim %s: %s\n", cmd, msg);
    return exit_code(st);
}

static int run_command(int argc, char **argv);

/* Under mpirun (an MPI build), every rank runs the same command: cli/dist.h. */
int main(int argc, char **argv)
{
    int rc = cs_cli_dist_begin(&argc, &argv);
    if (rc == 0) rc = run_command(argc, argv);
    return cs_cli_dist_end(rc);
}

static int run_command(int argc, char **argv)
{
    /* GSL's default handler aborts the process; every GSL status is checked instead. */
    gsl_set_error_handler_off();
    if (argc < 2) {
        usage(stderr);
        return CS_EXIT_INPUT;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return CS_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("callsim %s\n", CS_VERSION);
        return CS_EXIT_OK;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {{"run", cs_cmd_run},       {"erlang", cs_cmd_erlang}, {"compare", cs_cmd_compare},
                {"report", cs_cmd_report}, {"replay", cs_cmd_replay}, {"fit", cs_cmd_fit},
                {"sweep", cs_cmd_sweep},   {"sensitivity", cs_cmd_sensitivity}, {"calibrate", cs_cmd_calibrate},
                {"staff", cs_cmd_staff}};
    /* A closed pipe (callsim ... | head) must not kill the process silently halfway through
     * an output folder: writes then fail with EPIPE, which every writer reports. */
    signal(SIGPIPE, SIG_IGN);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(cmd, cmds[i].name) == 0) {
            if (cs_cli_dist_skip(cmd)) return CS_EXIT_OK;
            int rc = cmds[i].fn(argc - 2, argv + 2);
            /* Whatever a command printed last: a full disk or a closed pipe is a failure. */
            if ((fflush(stdout) != 0 || ferror(stdout)) && rc == CS_EXIT_OK) {
                fprintf(stderr, "callsim %s: cannot write to standard output: %s\n", cmd, strerror(errno));
                rc = CS_EXIT_FAIL;
            }
            return rc;
        }
    fprintf(stderr, "callsim: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return CS_EXIT_INPUT;
}
