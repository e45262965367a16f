/* callsim replay: a scenario's control room driven by a real call log's arrivals. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/outputs.h"
#include "cli/progress.h"
#include "io/json.h"
#include "io/outdir.h"
#include "io/replay.h"
#include "io/units.h"
#include "io/results.h"
#include "sim/stat.h"

enum {
    F_SCENARIO, F_COLUMNS, F_OUTCOMES, F_TZ, F_SEP, F_SKIP_BAD, F_LINE, F_USE_HANDLE, F_USE_PATIENCE, F_QUEUED_ONLY, F_MODEL_REDIALS,
    F_WARMUP, F_SET, F_REPS, F_SEED, F_THREADS, F_JSON, F_OUT, F_FORCE, F_CALLS, F_INTERVAL, F_QUIET, F_REPORT, F_HELP, F_N
};

/* The KPIs shown side by side: those a log can observe. */
static const int compared[] = {CS_LK_OFFERED,       CS_LK_ANSWERED, CS_LK_ABANDONED,  CS_LK_ABANDON_RATE,
                               CS_LK_SERVICE_LEVEL, CS_LK_ASA,      CS_LK_WAIT_P50,   CS_LK_WAIT_P90,
                               CS_LK_P_WAIT,        CS_LK_MEAN_WAIT, CS_LK_AHT};
#define N_COMPARED (sizeof compared / sizeof compared[0])

typedef struct replay_ctx {
    cs_replay_data *d;
    const cs_results *r;
    int group;
} replay_ctx;

static void fmt(char *buf, size_t n, const char *unit, double v)
{
    if (!isfinite(v)) snprintf(buf, n, "-");
    else if (strcmp(unit, "share") == 0) snprintf(buf, n, "%.2f %%", 100 * v);
    else if (strcmp(unit, "s") == 0) snprintf(buf, n, "%.1f s", v);
    else snprintf(buf, n, "%.0f", v);
}

static void print_side_by_side(const replay_ctx *x, const char *log)
{
    const cs_replay_data *d = x->d;
    const cs_results *r = x->r;
    const cs_scn *s = r->scn;
    printf("Replay of %s: %zu calls from %s to %s (%ld rows read, %ld not replayed, %ld bad rows skipped)\n", log, d->n,
           d->first_day, d->last_day, d->rows, d->ignored, d->skipped);
    printf("Columns: %s\n", d->mapping);
    printf("Scenario \"%s\", %u replications, seed %llu; simulated KPIs are means with 95%% CIs.\n", s->name,
           r->n_reps, (unsigned long long)s->seed);
    if (!d->has_outcomes) printf("The log has no outcomes, so only simulated values are shown.\n");
    double v[CS_LK_N];
    for (size_t l = 0; l < s->n_lines; l++) {
        cs_kpi_line_values(&d->observed, l, v);
        if (d->has_outcomes && v[CS_LK_OFFERED] == 0) continue;
        printf("\nLine %s                                  %14s %16s  %s\n", s->lines[l].name, "observed", "simulated",
               "± 95% CI");
        for (size_t i = 0; i < N_COMPARED; i++) {
            int k = compared[i];
            double m, h;
            cs_results_line(r, l, k, &m, &h);
            char a[32], b[32], c[32];
            fmt(a, sizeof a, cs_line_kpis[k].unit, d->has_outcomes ? v[k] : NAN);
            fmt(b, sizeof b, cs_line_kpis[k].unit, m);
            fmt(c, sizeof c, cs_line_kpis[k].unit, h);
            printf("  %-40s %14s %16s  ± %s\n", cs_line_kpis[k].label, a, b, c);
        }
        if (!d->has_outcomes) continue;
        /* By hour of day: the first sanity check of an analyst. */
        const cs_repstats *o = &d->observed;
        size_t per_day = (size_t)llround(86400.0 / o->interval), per_hour = (size_t)llround(3600.0 / o->interval);
        printf("  By hour of day       offered/h  abandoned or cut off (obs | sim)      ASA (obs | sim)\n");
        for (size_t hr = 0; hr < 24; hr++) {
            size_t slots[2016], n = 0;
            for (size_t sl = 0; sl < o->n_slots && n < 2016; sl++)
                if ((sl % per_day) / per_hour == hr && o->slot_time[sl] > 0) slots[n++] = sl;
            if (n == 0) continue;
            double off = cs_kpi_line_slots(o, &s->lines[l], l, slots, n, CS_IK_OFFERED) * (3600.0 / o->interval);
            if (!(off > 0)) continue;
            double ab = cs_kpi_line_slots(o, &s->lines[l], l, slots, n, CS_IK_ABANDON_RATE);
            double asa = cs_kpi_line_slots(o, &s->lines[l], l, slots, n, CS_IK_ASA);
            double sab, hab, sasa, hasa;
            cs_results_line_slots(r, l, slots, n, CS_IK_ABANDON_RATE, &sab, &hab);
            cs_results_line_slots(r, l, slots, n, CS_IK_ASA, &sasa, &hasa);
            printf("  %02zu:00-%02zu:00 %15.1f %13.1f %% | %5.1f %% ± %4.1f %10.1f s | %6.1f s\n", hr, hr + 1, off,
                   100 * ab, 100 * sab, 100 * (isfinite(hab) ? hab : 0), asa, sasa);
        }
    }
}

static void observed_json(void *ud, void *wv)
{
    replay_ctx *x = ud;
    cs_json_writer *w = wv;
    const cs_scn *s = x->r->scn;
    double v[CS_LK_N];
    cs_json_begin_object(w);
    for (size_t l = 0; l < s->n_lines; l++) {
        cs_kpi_line_values(&x->d->observed, l, v);
        cs_json_key(w, s->lines[l].name);
        cs_json_begin_object(w);
        for (size_t i = 0; i < N_COMPARED; i++)
            cs_json_kv_number(w, cs_line_kpis[compared[i]].name, cs_kpi_data_value(v[compared[i]]));
        cs_json_end_object(w);
    }
    cs_json_end_object(w);
}

/* observed.csv: line,interval_start,kpi,observed,simulated,ci95 per interval of the week. */
static cs_status observed_files(void *ud, void *dirv, cs_error *err)
{
    replay_ctx *x = ud;
    cs_outdir *dir = dirv;
    if (!x->d->has_outcomes) return CS_OK;
    FILE *f = cs_outdir_open(dir, "observed.csv", NULL, 0, err);
    if (!f) return err->code;
    const cs_repstats *o = &x->d->observed;
    const cs_scn *s = x->r->scn;
    static const int iks[] = {CS_IK_OFFERED, CS_IK_ANSWERED, CS_IK_ABANDON_RATE, CS_IK_SERVICE_LEVEL, CS_IK_ASA};
    fprintf(f, "line,interval_start,kpi,observed,simulated,ci95\n");
    size_t group = (size_t)x->group;
    size_t slots[64];
    for (size_t base = 0; base < o->n_slots; base += group) {
        size_t n = 0;
        double t = 0;
        for (size_t i = base; i < base + group && i < o->n_slots && n < 64; i++) {
            slots[n++] = i;
            t += o->slot_time[i];
        }
        if (t <= 0) continue;
        char when[32];
        cs_out_week_time(when, sizeof when, (double)base * o->interval);
        for (size_t l = 0; l < s->n_lines; l++)
            for (size_t k = 0; k < sizeof iks / sizeof iks[0]; k++) {
                double ov = cs_kpi_line_slots(o, &s->lines[l], l, slots, n, iks[k]);
                double m, h;
                cs_results_line_slots(x->r, l, slots, n, iks[k], &m, &h);
                char a[40], b[40], c[40];
                cs_out_number(a, sizeof a, cs_kpi_data_value(ov));
                cs_out_number(b, sizeof b, cs_kpi_data_value(m));
                cs_out_number(c, sizeof c, cs_kpi_data_value(h));
                cs_out_csv_field(f, s->lines[l].name);
                fprintf(f, ",%s,%s,%s,%s,%s\n", when, cs_interval_kpis[iks[k]].name, a, b, c);
            }
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) return cs_error_set(err, CS_EIO, "cannot write observed.csv");
    return CS_OK;
}

int cs_cmd_replay(int argc, char **argv)
{
    cs_flag flags[F_N] = {
        [F_SCENARIO] = {"scenario", 's', CS_FLAG_STRING, "FILE", "the control room to replay into (required)", 0, NULL},
        [F_COLUMNS] = {"columns", 0, CS_FLAG_STRING, "MAP", "column mapping, e.g. arrival=CallStart,line=Queue,wait=QTime", 0, NULL},
        [F_OUTCOMES] = {"outcomes", 0, CS_FLAG_STRING, "MAP", "outcome values, e.g. answered=AGENT,abandoned=HANG,other=PHANTOM", 0, NULL},
        [F_TZ] = {"tz", 0, CS_FLAG_STRING, "ZONE", "uk (default: UK local time with clock changes) or utc", 0, NULL},
        [F_SEP] = {"sep", 0, CS_FLAG_STRING, "C", "field separator: , (default) ; or tab", 0, NULL},
        [F_SKIP_BAD] = {"skip-bad", 0, CS_FLAG_BOOL, NULL, "skip bad rows (counted by reason) instead of stopping", 0, NULL},
        [F_LINE] = {"line", 0, CS_FLAG_STRING, "NAME", "line for every call when the log has no line column (default 101)", 0, NULL},
        [F_USE_HANDLE] = {"use-handle", 0, CS_FLAG_BOOL, NULL, "answered calls keep their logged talk time", 0, NULL},
        [F_USE_PATIENCE] = {"use-patience", 0, CS_FLAG_BOOL, NULL, "callers keep their observed patience (censored for answered calls)", 0, NULL},
        [F_QUEUED_ONLY] = {"queued-only", 0, CS_FLAG_BOOL, NULL, "replay only calls that reached the queue", 0, NULL},
        [F_MODEL_REDIALS] = {"model-redials", 0, CS_FLAG_BOOL, NULL, "keep the scenario's redials and spillover (for logs of first attempts only)", 0, NULL},
        [F_WARMUP] = {"warmup", 0, CS_FLAG_STRING, "TIME", "discard the start of the replay (default 0)", 0, NULL},
        [F_SET] = {"set", 0, CS_FLAG_LIST, "PATH=VALUE", "change one value of the scenario, e.g. lines.101.spillover.share=10% (repeatable)", 0, NULL},
        [F_REPS] = {"reps", 0, CS_FLAG_STRING, "N", "replications (default: the scenario's)", 0, NULL},
        [F_SEED] = {"seed", 0, CS_FLAG_STRING, "S", "seed (default: the scenario's)", 0, NULL},
        [F_THREADS] = {"threads", 'j', CS_FLAG_STRING, "N", "worker threads (default: one per CPU)", 0, NULL},
        [F_JSON] = {"json", 0, CS_FLAG_BOOL, NULL, "print JSON (simulated KPIs and `observed`) on stdout", 0, NULL},
        [F_OUT] = {"out", 'o', CS_FLAG_STRING, "DIR", "write results as `run` does, plus observed.csv", 0, NULL},
        [F_FORCE] = {"force", 0, CS_FLAG_BOOL, NULL, "replace DIR if it exists", 0, NULL},
        [F_CALLS] = {"calls", 0, CS_FLAG_BOOL, NULL, "also write DIR/calls.csv (replication 1)", 0, NULL},
        [F_INTERVAL] = {"interval", 0, CS_FLAG_STRING, "TIME", "rows of intervals.csv and observed.csv (default 15m)", 0, NULL},
        [F_QUIET] = {"quiet", 'q', CS_FLAG_BOOL, NULL, "no progress bar", 0, NULL},
        [F_REPORT] = {"report", 0, CS_FLAG_BOOL, NULL, "also write DIR/report.html", 0, NULL},
        [F_HELP] = {"help", 'h', CS_FLAG_BOOL, NULL, "show this help", 0, NULL},
    };
    const char *pos[1];
    size_t npos;
    if (cs_args_parse("replay", argc, argv, flags, F_N, pos, 1, &npos) != 0) return CS_EXIT_INPUT;
    if (flags[F_HELP].set) {
        printf("Usage: callsim replay LOG.csv --scenario S.yaml [options]\n\n"
               "Drives the scenario's control room with the log's arrivals (the scenario's own demand is not\n"
               "used) and, when the log has outcomes, prints observed and simulated KPIs side by side, per\n"
               "line and by hour of day. Simulated time starts on Monday 00:00 of the first call's week.\n"
               "The log's rows are every attempt, so the scenario's redials and spillover are switched off\n"
               "unless --model-redials is given.\n\n");
        cs_args_help(flags, F_N);
        return CS_EXIT_OK;
    }
    if (npos != 1 || !flags[F_SCENARIO].set)
        return cs_cli_fail("replay", CS_EINPUT, "usage: callsim replay LOG.csv --scenario S.yaml [options]");
    if ((flags[F_CALLS].set || flags[F_REPORT].set || flags[F_FORCE].set) && !flags[F_OUT].set)
        return cs_cli_fail("replay", CS_EINPUT, "--calls, --report and --force need --out DIR");

    int threads = 0, code = cs_cli_threads("replay", flags[F_THREADS].value, &threads);
    if (!code) code = cs_cli_check_input("replay", "call log", pos[0]);
    const char *sets[CS_CLI_MAX_SETS];
    size_t n_sets = 0;
    if (!code) code = cs_cli_list("replay", argc, argv, flags, F_N, "set", sets, &n_sets);
    if (code) return code;
    cs_scn *scn = cs_cli_load_scenario_set("replay", flags[F_SCENARIO].value, sets, n_sets, &code);
    if (!scn) return code;
    int group = 1;
    code = cs_cli_override("replay", scn, flags[F_REPS].value, flags[F_SEED].value);
    /* The log's arrivals replace the demand, and replay's clock is the local week of the log
     * (t = 0 on the Monday of its first call): the scenario runs as its weekly pattern. */
    cs_scn_drop_dates(scn);
    scn->volume_pending = 0;
    if (!code) code = cs_cli_interval_group("replay", scn, flags[F_INTERVAL].value, &group);
    cs_log_opts lo;
    if (!code)
        code = cs_cli_log_opts("replay", &lo, flags[F_COLUMNS].value, flags[F_OUTCOMES].value, flags[F_TZ].value,
                               flags[F_SEP].value, flags[F_SKIP_BAD].set, flags[F_LINE].value);
    double warmup = 0;
    cs_error err = {CS_OK, ""};
    if (!code && flags[F_WARMUP].set && cs_units_parse_duration(flags[F_WARMUP].value, &warmup, &err) != CS_OK) {
        fprintf(stderr, "callsim replay: --warmup: %s\n", err.msg);
        code = CS_EXIT_INPUT;
    }
    if (code) {
        cs_scn_free(scn);
        return code;
    }

    /* The output folder is begun before the log is read: a log of millions of rows should not
     * be read only to find that --out cannot be used. */
    cs_replay_data d;
    memset(&d, 0, sizeof d);
    replay_ctx x = {&d, NULL, group};
    cs_output_opts oo;
    memset(&oo, 0, sizeof oo);
    oo.cmd = "replay";
    oo.out = flags[F_OUT].value;
    oo.force = flags[F_FORCE].set;
    oo.calls = flags[F_CALLS].set;
    oo.report = flags[F_REPORT].set;
    oo.group = group;
    oo.scenario_path = flags[F_SCENARIO].value;
    oo.sets = sets;
    oo.n_sets = n_sets;
    oo.extra_json = observed_json;
    oo.extra_files = observed_files;
    oo.extra_ud = &x;
    cs_outputs *outs = NULL;
    cs_status st = cs_outputs_begin(&oo, scn, &outs, &err);
    if (st != CS_OK) {
        cs_scn_free(scn);
        return cs_cli_fail("replay", st, err.msg);
    }

    cs_replay_opts ro = {flags[F_USE_HANDLE].set, flags[F_USE_PATIENCE].set, flags[F_QUEUED_ONLY].set};
    st = cs_replay_load(pos[0], &lo, &ro, scn, &d, &err);
    if (st != CS_OK) {
        cs_outputs_abort(outs);
        cs_scn_free(scn);
        return cs_cli_fail("replay", st, err.msg);
    }
    for (size_t i = 0; i < d.skips.n; i++)
        fprintf(stderr, "callsim replay: skipped %ld rows: %s\n", d.skips.by[i].count, d.skips.by[i].reason);
    for (size_t i = 0; i < d.notes.n; i++)
        fprintf(stderr, "callsim replay: note, %ld rows: %s\n", d.notes.by[i].count, d.notes.by[i].reason);
    scn->horizon = d.span;
    scn->warmup = warmup;
    /* A log already holds every attempt, redials and calls moved from another line included:
     * modelling them again would count them twice. */
    if (!flags[F_MODEL_REDIALS].set)
        for (size_t l = 0; l < scn->n_lines; l++) {
            scn->lines[l].redial.prob = 0;
            scn->lines[l].spill.to_line = -1;
        }
    if (warmup >= d.span) st = cs_error_set(&err, CS_EINPUT, "--warmup is longer than the log");
    /* The observed log covers the same measured period as the simulation. */
    d.observed.measured = d.span - warmup;
    if (d.has_outcomes) cs_outputs_set_extra_key(outs, "observed");
    if (st != CS_OK) cs_outputs_abort(outs);
    if (st == CS_OK) {
        cs_run_opts rop;
        memset(&rop, 0, sizeof rop);
        rop.threads = threads;
        cs_outputs_trace(outs, &rop.trace, &rop.trace_ud);
        rop.feed_make = cs_replay_feed_make;
        rop.feed_free = cs_replay_feed_free;
        rop.feed_ud = &d;
        cs_progress *bar = cs_progress_create("replay", !flags[F_QUIET].set);
        rop.progress = cs_progress_update;
        rop.progress_ud = bar;
        cs_results *res = NULL;
        st = cs_run(scn, &rop, &res, &err);
        cs_progress_finish(bar);
        if (st == CS_OK) {
            x.r = res;
            cs_json_writer *w = NULL;
            if (flags[F_JSON].set && !(w = cs_json_writer_create_file(stdout, 2)))
                st = cs_error_set(&err, CS_ENOMEM, "out of memory");
            if (w) {
                cs_json_begin_object(w);
                cs_json_kv_string(w, "kind", "replay");
                cs_json_kv_string(w, "log", pos[0]);
                cs_json_kv_int(w, "calls_replayed", (long long)d.n);
                cs_out_json_meta(w, res);
                cs_out_json_kpis(w, res);
                if (d.has_outcomes) {
                    cs_json_key(w, "observed");
                    observed_json(&x, w);
                }
                cs_json_end_object(w);
                st = cs_json_writer_finish(w, &err);
                cs_json_writer_destroy(w);
            } else if (st == CS_OK) {
                print_side_by_side(&x, pos[0]);
                if (fflush(stdout) != 0 || ferror(stdout))
                    st = cs_error_set(&err, CS_EIO, "cannot write the results table: %s", strerror(errno));
            }
            if (st == CS_OK) st = cs_outputs_finish(outs, res, &err);
            else cs_outputs_abort(outs);
            if (st == CS_OK && oo.out && !flags[F_JSON].set) printf("\nResults written to %s/\n", oo.out);
        } else {
            cs_outputs_abort(outs);
        }
        cs_results_free(res);
    }
    cs_replay_free(&d);
    cs_scn_free(scn);
    return st == CS_OK ? CS_EXIT_OK : cs_cli_fail("replay", st, err.msg);
}
