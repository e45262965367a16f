/* callsim report DIR: (re)writes DIR/report.html from a results folder. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <time.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/outputs.h"
#include "plots/report.h"

cs_status cs_cli_write_report(const char *dir, cs_error *err)
{
    /* SOURCE_DATE_EPOCH (reproducible-builds.org) fixes the printed date, for byte-identical
     * reports in tests and archives. */
    time_t now = time(NULL);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) now = (time_t)strtoll(sde, NULL, 10);
    struct tm tm;
    gmtime_r(&now, &tm);
    char generated[64];
    strftime(generated, sizeof generated, "%Y-%m-%d %H:%M UTC", &tm);
    return cs_report_write(dir, generated, err);
}

int cs_cmd_report(int argc, char **argv)
{
    cs_flag flags[] = {
        {"help", 'h', CS_FLAG_BOOL, NULL, "show this help", 0, NULL},
    };
    const char *pos[1];
    size_t npos;
    if (cs_args_parse("report", argc, argv, flags, 1, pos, 1, &npos) != 0) return CS_EXIT_INPUT;
    if (flags[0].set) {
        printf("Usage: callsim report DIR\n\n"
               "Writes DIR/report.html from a folder made by `callsim run --out DIR` or\n"
               "`callsim compare --out DIR`: one self-contained file (charts inline, no network)\n"
               "that prints on A4. Set SOURCE_DATE_EPOCH to fix the printed date.\n");
        return CS_EXIT_OK;
    }
    if (npos != 1) return cs_cli_fail("report", CS_EINPUT, "needs one results folder: callsim report DIR");
    struct stat sb;
    if (stat(pos[0], &sb) != 0) {
        fprintf(stderr, "callsim report: results folder '%s': %s\n", pos[0],
                errno == ENOENT ? "no such folder" : strerror(errno));
        return CS_EXIT_INPUT;
    }
    if (!S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "callsim report: '%s' is not a folder; give the results folder written by run, replay or "
                        "compare --out\n", pos[0]);
        return CS_EXIT_INPUT;
    }
    cs_error err = {CS_OK, ""};
    /* The report is written through a temporary file and a rename inside DIR, in well under a
     * second: signals wait until it is done, so DIR keeps either the old report or the new one
     * and no temporary file. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &old);
    cs_status st = cs_cli_write_report(pos[0], &err);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (st != CS_OK) return cs_cli_fail("report", st, err.msg);
    printf("Wrote %s/report.html\n", pos[0]);
    return CS_EXIT_OK;
}
