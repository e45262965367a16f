/* callsim run: simulate one scenario. */
#include <stdio.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/national.h"
#include "cli/outputs.h"
#include "cli/progress.h"
#include "io/national.h"
#include "io/results.h"

enum { F_SET, F_REPS, F_SEED, F_THREADS, F_JSON, F_OUT, F_FORCE, F_CALLS, F_INTERVAL, F_QUIET, F_REPORT, F_HELP, F_N };

int cs_cmd_run(int argc, char **argv)
{
    cs_flag flags[F_N] = {
        [F_SET] = {"set", 0, CS_FLAG_LIST, "PATH=VALUE", "change one value of the scenario, e.g. lines.101.spillover.share=10% (repeatable)", 0, NULL},
        [F_REPS] = {"reps", 0, CS_FLAG_STRING, "N", "replications (overrides the file)", 0, NULL},
        [F_SEED] = {"seed", 0, CS_FLAG_STRING, "S", "master seed (overrides the file)", 0, NULL},
        [F_THREADS] = {"threads", 'j', CS_FLAG_STRING, "N", "worker threads (default: one per CPU; results do not depend on it)", 0, NULL},
        [F_JSON] = {"json", 0, CS_FLAG_BOOL, NULL, "print the KPIs as JSON on stdout instead of a table", 0, NULL},
        [F_OUT] = {"out", 'o', CS_FLAG_STRING, "DIR", "write summary.json, intervals.csv and charts/ into DIR", 0, NULL},
        [F_FORCE] = {"force", 0, CS_FLAG_BOOL, NULL, "replace DIR if it exists", 0, NULL},
        [F_CALLS] = {"calls", 0, CS_FLAG_BOOL, NULL, "also write DIR/calls.csv: every attempt of replication 1", 0, NULL},
        [F_INTERVAL] = {"interval", 0, CS_FLAG_STRING, "TIME", "rows of intervals.csv: 15m (default) or 1h", 0, NULL},
        [F_QUIET] = {"quiet", 'q', CS_FLAG_BOOL, NULL, "no progress bar", 0, NULL},
        [F_REPORT] = {"report", 0, CS_FLAG_BOOL, NULL, "also write DIR/report.html", 0, NULL},
        [F_HELP] = {"help", 'h', CS_FLAG_BOOL, NULL, "show this help", 0, NULL},
    };
    const char *pos[1];
    size_t npos;
    if (cs_args_parse("run", argc, argv, flags, F_N, pos, 1, &npos) != 0) return CS_EXIT_INPUT;
    if (flags[F_HELP].set) {
        printf("Usage: callsim run SCENARIO.yaml [options]\n\n"
               "Simulates the scenario's replications and prints, per line and pool, every KPI\n"
               "as the mean across replications with its 95%% confidence interval.\n"
               "A national file (a list of forces, each a scenario file) prints the national\n"
               "totals and the forces ranked; --out adds forces.csv and ranked charts.\n\n");
        cs_args_help(flags, F_N);
        return CS_EXIT_OK;
    }
    if (npos != 1) return cs_cli_fail("run", CS_EINPUT, "needs one scenario file: callsim run SCENARIO.yaml");
    if ((flags[F_CALLS].set || flags[F_REPORT].set || flags[F_FORCE].set) && !flags[F_OUT].set)
        return cs_cli_fail("run", CS_EINPUT, "--calls, --report and --force need --out DIR");
    int national = cs_nat_detect(pos[0]);
    if (national < 0) return cs_cli_fail("run", CS_ENOMEM, "out of memory while reading the scenario");
    if (national) {
        cs_nat_cli nc = {pos[0], flags[F_REPS].value, flags[F_SEED].value, flags[F_THREADS].value,
                         flags[F_INTERVAL].value, flags[F_OUT].value, flags[F_JSON].set, flags[F_FORCE].set,
                         flags[F_CALLS].set, flags[F_QUIET].set, flags[F_REPORT].set};
        return cs_cli_run_national(&nc);
    }

    /* Flags that need no scenario are checked first: a typo costs nothing. */
    int threads = 0, code = cs_cli_threads("run", flags[F_THREADS].value, &threads);
    const char *sets[CS_CLI_MAX_SETS];
    size_t n_sets = 0;
    if (!code) code = cs_cli_list("run", argc, argv, flags, F_N, "set", sets, &n_sets);
    if (code) return code;
    cs_scn *scn = cs_cli_load_scenario_set("run", pos[0], sets, n_sets, &code);
    if (!scn) return code;
    int group = 1;
    if ((code = cs_cli_override("run", scn, flags[F_REPS].value, flags[F_SEED].value)) != 0 ||
        (code = cs_cli_interval_group("run", scn, flags[F_INTERVAL].value, &group)) != 0 ||
        (code = cs_cli_calibrate("run", scn, threads)) != 0) {
        cs_scn_free(scn);
        return code;
    }

    cs_output_opts oo = {0};
    oo.cmd = "run";
    oo.out = flags[F_OUT].value;
    oo.force = flags[F_FORCE].set;
    oo.calls = flags[F_CALLS].set;
    oo.report = flags[F_REPORT].set;
    oo.group = group;
    oo.scenario_path = pos[0];
    oo.sets = sets;
    oo.n_sets = n_sets;
    cs_outputs *outs = NULL;
    cs_error err = {CS_OK, ""};
    cs_status st = cs_outputs_begin(&oo, scn, &outs, &err);
    if (st != CS_OK) {
        cs_scn_free(scn);
        return cs_cli_fail("run", st, err.msg);
    }

    cs_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.threads = threads;
    cs_outputs_trace(outs, &ro.trace, &ro.trace_ud);
    cs_progress *bar = cs_progress_create("run", !flags[F_QUIET].set);
    ro.progress = cs_progress_shown(bar) ? cs_progress_update : NULL;
    ro.progress_ud = bar;
    cs_results *res = NULL;
    st = cs_run(scn, &ro, &res, &err);
    cs_progress_finish(bar);
    if (st != CS_OK) {
        cs_outputs_abort(outs);
        cs_scn_free(scn);
        return cs_cli_fail("run", st, err.msg);
    }
    if (flags[F_JSON].set)
        st = cs_out_json(stdout, res, &err);
    else
        st = cs_out_table(stdout, res, &err);
    if (st == CS_OK) st = cs_outputs_finish(outs, res, &err);
    else cs_outputs_abort(outs);
    if (st == CS_OK && oo.out && !flags[F_JSON].set) printf("\nResults written to %s/\n", oo.out);
    cs_results_free(res);
    cs_scn_free(scn);
    return st == CS_OK ? CS_EXIT_OK : cs_cli_fail("run", st, err.msg);
}
