/* callsim erlang: the closed forms, for quick staffing questions and for checking the
 * simulator.  Erlang C without --patience, Erlang A (M/M/n+M) with it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "io/json.h"
#include "io/units.h"
#include "models/erlang.h"

int cs_cmd_erlang(int argc, char **argv)
{
    cs_flag flags[] = {
        {"rate", 0, CS_FLAG_STRING, "RATE", "arrival rate, e.g. 2/s or 120/h (required)", 0, NULL},
        {"aht", 0, CS_FLAG_STRING, "TIME", "mean handle time, e.g. 180s or 3m (required)", 0, NULL},
        {"agents", 0, CS_FLAG_STRING, "N", "handlers answering (required unless --target)", 0, NULL},
        {"patience", 0, CS_FLAG_STRING, "TIME", "mean patience: Erlang A (M/M/n+M); omit for Erlang C", 0, NULL},
        {"within", 0, CS_FLAG_STRING, "TIME", "service-level threshold (default 20s)", 0, NULL},
        {"target", 0, CS_FLAG_STRING, "SHARE", "find the fewest agents reaching this service level, e.g. 80%", 0, NULL},
        {"json", 0, CS_FLAG_BOOL, NULL, "print JSON instead of a table", 0, NULL},
        {"help", 'h', CS_FLAG_BOOL, NULL, "show this help", 0, NULL},
    };
    size_t nf = sizeof flags / sizeof flags[0];
    const char *pos[1];
    size_t npos;
    if (cs_args_parse("erlang", argc, argv, flags, nf, pos, 0, &npos) != 0) return CS_EXIT_INPUT;
    if (flags[7].set) {
        printf("Usage: callsim erlang --rate RATE --aht TIME --agents N [--patience TIME] [--within TIME] [--json]\n"
               "       callsim erlang --rate RATE --aht TIME --target SHARE [--patience TIME] [--within TIME]\n\n"
               "Analytic values for one queue with N identical handlers and Poisson arrivals:\n"
               "Erlang C (M/M/n, callers wait forever) or, with --patience, Erlang A (M/M/n+M,\n"
               "exponential patience). Times in seconds, shares as fractions in JSON.\n\n");
        cs_args_help(flags, nf);
        return CS_EXIT_OK;
    }
    cs_error err = {CS_OK, ""};
    double rate, aht, patience = 0, within = 20;
    long agents = 0;
    if (!flags[0].set || !flags[1].set || (!flags[2].set && !flags[5].set))
        return cs_cli_fail("erlang", CS_EINPUT, "needs --rate, --aht and --agents (or --target); see callsim erlang --help");
    /* Each value is read as the scenario file reads it; the message names the flag. */
    const char *bad = NULL;
    if (cs_units_parse_rate(flags[0].value, &rate, &err) != CS_OK) bad = "rate";
    else if (cs_units_parse_duration(flags[1].value, &aht, &err) != CS_OK) bad = "aht";
    else if (flags[3].set && cs_units_parse_duration(flags[3].value, &patience, &err) != CS_OK) bad = "patience";
    else if (flags[4].set && cs_units_parse_duration(flags[4].value, &within, &err) != CS_OK) bad = "within";
    if (bad) {
        fprintf(stderr, "callsim erlang: --%s: %s\n", bad, err.msg);
        return CS_EXIT_INPUT;
    }
    if (flags[2].set && cs_args_long("erlang", "agents", flags[2].value, 1, 1000000, &agents) != 0) return CS_EXIT_INPUT;
    if (flags[5].set) {
        double target;
        if (cs_units_parse_share(flags[5].value, &target, &err) != CS_OK) {
            fprintf(stderr, "callsim erlang: --target: %s\n", err.msg);
            return CS_EXIT_INPUT;
        }
        int n;
        if (cs_erl_agents_for(rate, aht, flags[3].set ? patience : 0, within, target, 100000, &n, &err) != CS_OK)
            return cs_cli_fail("erlang", CS_EINPUT, err.msg);
        agents = n;
    }
    cs_erl_result r;
    cs_status st = flags[3].set ? cs_erl_a(rate, aht, (int)agents, patience, within, &r, &err)
                                : cs_erl_c(rate, aht, (int)agents, within, &r, &err);
    if (st != CS_OK) return cs_cli_fail("erlang", CS_EINPUT, err.msg);
    const char *model = flags[3].set ? "erlang_a" : "erlang_c";
    if (flags[6].set) {
        cs_json_writer *w = cs_json_writer_create_file(stdout, 2);
        if (!w) return cs_cli_fail("erlang", CS_ENOMEM, "out of memory");
        cs_json_begin_object(w);
        cs_json_kv_string(w, "model", model);
        cs_json_kv_number(w, "rate_per_s", rate);
        cs_json_kv_number(w, "aht_s", aht);
        cs_json_kv_int(w, "agents", agents);
        if (flags[3].set) cs_json_kv_number(w, "patience_s", patience);
        cs_json_kv_number(w, "within_s", within);
        cs_json_kv_number(w, "offered_load_erlangs", r.offered_load);
        cs_json_kv_number(w, "p_wait", r.p_wait);
        cs_json_kv_number(w, "p_abandon", r.p_abandon);
        cs_json_kv_number(w, "asa", r.asa);
        cs_json_kv_number(w, "mean_wait", r.mean_wait);
        cs_json_kv_number(w, "service_level", r.service_level);
        cs_json_kv_number(w, "mean_queue", r.mean_queue);
        cs_json_kv_number(w, "occupancy", r.occupancy);
        cs_json_end_object(w);
        st = cs_json_writer_finish(w, &err);
        cs_json_writer_destroy(w);
        return st == CS_OK ? CS_EXIT_OK : cs_cli_fail("erlang", st, err.msg);
    }
    printf("%s: %.6g calls/s, mean handle %.6g s, %ld agents%s", flags[3].set ? "Erlang A (M/M/n+M)" : "Erlang C (M/M/n)",
           rate, aht, agents, flags[5].set ? " (fewest reaching the target)" : "");
    if (flags[3].set) printf(", mean patience %.6g s", patience);
    printf("\n");
    printf("  Offered load                    %12.4f Erlangs\n", r.offered_load);
    printf("  Occupancy                       %12.2f %%\n", 100 * r.occupancy);
    printf("  P(wait > 0)                     %12.2f %%\n", 100 * r.p_wait);
    if (flags[3].set) printf("  P(abandon)                      %12.2f %%\n", 100 * r.p_abandon);
    printf("  Service level (answered <= %gs) %9.2f %%\n", within, 100 * r.service_level);
    printf("  Average speed of answer         %12.2f s (answered calls)\n", r.asa);
    if (flags[3].set) printf("  Mean wait, all callers          %12.2f s\n", r.mean_wait);
    printf("  Mean callers waiting            %12.3f\n", r.mean_queue);
    return CS_EXIT_OK;
}
