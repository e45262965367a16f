/* callsim replay: a scenario's control room driven by a real call log's arrivals. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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
#include "plots/replay_charts.h"
#include "io/results.h"
#include "io/timestamp.h"
#include "sim/stat.h"

enum {
    F_SCENARIO, F_COLUMNS, F_OUTCOMES, F_TZ, F_SEP, F_SKIP_BAD, F_LINE, F_USE_HANDLE, F_USE_PATIENCE, F_QUEUED_ONLY, F_MODEL_REDIALS, F_MODEL_IVR,
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
    const char *log;
} replay_ctx;

static void fmt(char *buf, size_t n, const char *unit, double v)
{
    if (!isfinite(v)) snprintf(buf, n, "-");
    else if (strcmp(unit, "share") == 0) snprintf(buf, n, "%.2f %%", 100 * v);
    else if (strcmp(unit, "s") == 0) snprintf(buf, n, "%.1f s", v);
    else snprintf(buf, n, "%.0f", v);
}

/* The intervals of the week in hour hr of the day that were measured. */
static size_t hour_slots(const cs_repstats *o, size_t hr, size_t *slots)
{
    size_t per_day = (size_t)llround(86400.0 / o->interval), per_hour = (size_t)llround(3600.0 / o->interval);
    size_t n = 0;
    for (size_t sl = 0; sl < o->n_slots; sl++)
        if ((sl % per_day) / per_hour == hr && o->slot_time[sl] > 0) slots[n++] = sl;
    return n;
}

/* By hour of day: the first sanity check of an analyst.  '*' marks an observed value outside the
 * range a single replication falls in (95%). */
static cs_status print_hours(const cs_replay_data *d, const cs_results *r, size_t l, cs_error *err)
{
    const cs_repstats *o = &d->observed;
    size_t *slots = malloc(o->n_slots * sizeof *slots);
    if (!slots) return cs_error_set(err, CS_ENOMEM, "out of memory");
    printf("  By hour of day     offered/h   abandoned or cut off (obs | sim)          mean wait (obs | sim)\n");
    int flagged = 0;
    for (size_t hr = 0; hr < 24; hr++) {
        size_t n = hour_slots(o, hr, slots);
        if (n == 0) continue;
        cs_replay_cmp off, ab, mw;
        cs_replay_compare(d, r, l, slots, n, CS_IK_OFFERED, 3600.0, &off);
        if (!(off.observed > 0)) continue;
        cs_replay_compare(d, r, l, slots, n, CS_IK_ABANDON_RATE, 3600.0, &ab);
        cs_replay_compare(d, r, l, slots, n, CS_IK_MEAN_WAIT, 3600.0, &mw);
        flagged += ab.outside || mw.outside;
        printf("  %02zu:00-%02zu:00 %13.1f %10.1f %%%c | %5.1f %% ± %4.1f %13.1f s%c | %6.1f s\n", hr, hr + 1,
               off.observed, 100 * ab.observed, ab.outside ? '*' : ' ', 100 * ab.mean,
               100 * (isfinite(ab.ci95) ? ab.ci95 : 0), mw.observed, mw.outside ? '*' : ' ', mw.mean);
    }
    if (flagged) printf("  * observed outside the range that 95%% of single replications fall in\n");
    free(slots);
    return CS_OK;
}

/* summary.json: the hour-of-day comparison of line l of (d, r). */
static void json_hours(cs_json_writer *w, const cs_replay_data *d, const cs_results *r, size_t l, size_t *slots)
{
    cs_json_begin_array(w);
    for (size_t hr = 0; hr < 24; hr++) {
        size_t n = hour_slots(&d->observed, hr, slots);
        if (n == 0) continue;
        cs_json_begin_object(w);
        cs_json_kv_int(w, "hour", (long long)hr);
        for (size_t k = 0; k < CS_REPLAY_N_KPIS; k++) {
            cs_replay_cmp c;
            cs_replay_compare(d, r, l, slots, n, cs_replay_kpis[k], 3600.0, &c);
            cs_json_key(w, cs_interval_kpis[cs_replay_kpis[k]].name);
            cs_json_begin_object(w);
            cs_json_kv_number(w, "observed", cs_kpi_data_value(c.observed));
            cs_json_kv_number(w, "simulated", cs_kpi_data_value(c.mean));
            cs_json_kv_number(w, "ci95", cs_kpi_data_value(c.ci95));
            cs_json_kv_number(w, "range_lo", cs_kpi_data_value(c.range_lo));
            cs_json_kv_number(w, "range_hi", cs_kpi_data_value(c.range_hi));
            cs_json_kv_bool(w, "outside", c.outside);
            cs_json_end_object(w);
        }
        cs_json_end_object(w);
    }
    cs_json_end_array(w);
}

/* The chart series of line l of (d, r). */
static void chart_hours(cs_replay_hours *h, const char *name, const cs_replay_data *d, const cs_results *r, size_t l,
                        size_t *slots)
{
    h->line = name;
    for (size_t hr = 0; hr < 24; hr++) {
        size_t n = hour_slots(&d->observed, hr, slots);
        if (n == 0) continue;
        cs_replay_cmp off, ab, mw;
        cs_replay_compare(d, r, l, slots, n, CS_IK_OFFERED, 3600.0, &off);
        if (!(off.observed > 0)) continue;
        cs_replay_compare(d, r, l, slots, n, CS_IK_ABANDON_RATE, 3600.0, &ab);
        cs_replay_compare(d, r, l, slots, n, CS_IK_MEAN_WAIT, 3600.0, &mw);
        size_t k = h->n++;
        h->hour[k] = (double)hr;
        h->calls[k] = off.observed;
        h->obs_ab[k] = ab.observed;
        h->sim_ab[k] = ab.mean;
        h->lo_ab[k] = isfinite(ab.range_lo) ? fmax(0, ab.range_lo) : ab.mean;
        h->hi_ab[k] = isfinite(ab.range_hi) ? fmin(1, ab.range_hi) : ab.mean;
        h->obs_w[k] = mw.observed;
        h->sim_w[k] = mw.mean;
        h->lo_w[k] = isfinite(mw.range_lo) ? fmax(0, mw.range_lo) : mw.mean;
        h->hi_w[k] = isfinite(mw.range_hi) ? mw.range_hi : mw.mean;
    }
}

static cs_status print_side_by_side(const replay_ctx *x, const char *log, cs_error *err)
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
        cs_status st = print_hours(d, r, l, err);
        if (st != CS_OK) return st;
    }
    if (d->has_outcomes && s->n_lines > 1) {
        cs_replay_all all;
        cs_status st = cs_replay_all_lines(d, r, &all, err);
        if (st == CS_OK) {
            printf("\nAll lines together\n");
            st = print_hours(&all.d, &all.r, 0, err);
        }
        cs_replay_all_free(&all);
        return st;
    }
    return CS_OK;
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

/* summary.json "replay": what the log is (its dates, calls and lines) and, when it has outcomes,
 * the observed KPIs and the hour-of-day comparison the report leads with. */
static void replay_json(void *ud, void *wv)
{
    replay_ctx *x = ud;
    cs_json_writer *w = wv;
    const cs_replay_data *d = x->d;
    const cs_scn *s = x->r->scn;
    cs_json_begin_object(w);
    cs_json_key(w, "log");
    cs_json_begin_object(w);
    cs_json_kv_string(w, "file", x->log);
    cs_json_kv_string(w, "first_day", d->first_day);
    cs_json_kv_string(w, "last_day", d->last_day);
    cs_json_kv_int(w, "rows", d->rows);
    cs_json_kv_int(w, "calls_replayed", (long long)d->n);
    cs_json_kv_int(w, "not_replayed", d->ignored);
    cs_json_kv_int(w, "bad_rows_skipped", d->skipped);
    cs_json_kv_string(w, "columns", d->mapping);
    cs_json_kv_bool(w, "has_outcomes", d->has_outcomes);
    cs_json_kv_number(w, "measured_from_s", d->measure_from);
    cs_json_key(w, "days");
    cs_json_begin_array(w);
    for (size_t i = 0; i < d->n_days; i++) {
        int y, m, dd;
        cs_ts_civil_from_days(d->first_daynum + (long)i, &y, &m, &dd);
        char date[16];
        snprintf(date, sizeof date, "%04d-%02d-%02d", y % 10000, m % 100, dd % 100);
        cs_json_begin_object(w);
        cs_json_kv_string(w, "date", date);
        cs_json_kv_int(w, "calls", d->day_calls[i]);
        cs_json_end_object(w);
    }
    cs_json_end_array(w);
    cs_json_key(w, "lines");
    cs_json_begin_object(w);
    for (size_t l = 0; l < s->n_lines; l++) cs_json_kv_number(w, s->lines[l].name, cs_rs_line_c(&d->observed, l)[CS_LC_OFFERED]);
    cs_json_end_object(w);
    cs_json_end_object(w);
    if (d->has_outcomes) {
        cs_json_key(w, "observed");
        observed_json(ud, wv);
        cs_json_key(w, "by_hour");
        cs_json_begin_object(w);
        size_t *slots = malloc(d->observed.n_slots * sizeof *slots);
        if (!slots) cs_json_writer_fail(w, CS_ENOMEM, "out of memory");
        for (size_t l = 0; slots && l < s->n_lines; l++) {
            cs_json_key(w, s->lines[l].name);
            json_hours(w, d, x->r, l, slots);
        }
        if (slots && s->n_lines > 1) {
            cs_replay_all all;
            cs_error e = {CS_OK, ""};
            if (cs_replay_all_lines(d, x->r, &all, &e) == CS_OK) {
                cs_json_key(w, CS_REPLAY_ALL_LINES);
                json_hours(w, &all.d, &all.r, 0, slots);
            } else {
                cs_json_writer_fail(w, e.code, e.msg);
            }
            cs_replay_all_free(&all);
        }
        free(slots);
        cs_json_end_object(w);
    }
    cs_json_end_object(w);
}

/* Charts of observed against simulated by hour of day, per line (plots/replay_charts.h). */
static cs_status replay_charts(void *ud, int (*path)(void *, const char *, char *, size_t, cs_error *), void *path_ud,
                               void *listv, cs_error *err)
{
    replay_ctx *x = ud;
    const cs_replay_data *d = x->d;
    if (!d->has_outcomes) return CS_OK;
    const cs_scn *s = x->r->scn;
    const cs_repstats *o = &d->observed;
    size_t nh = s->n_lines > 1 ? s->n_lines + 1 : s->n_lines;
    cs_replay_hours *h = calloc(nh, sizeof *h);
    size_t *slots = malloc(o->n_slots * sizeof *slots);
    if (!h || !slots) {
        free(h);
        free(slots);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    /* Every line together first, then each line. */
    size_t first = nh > s->n_lines ? 1 : 0;
    for (size_t l = 0; l < s->n_lines; l++) chart_hours(&h[first + l], s->lines[l].name, d, x->r, l, slots);
    if (first) {
        cs_replay_all all;
        cs_status st0 = cs_replay_all_lines(d, x->r, &all, err);
        if (st0 != CS_OK) {
            free(h);
            free(slots);
            return st0;
        }
        chart_hours(&h[0], CS_REPLAY_ALL_LINES, &all.d, &all.r, 0, slots);
        h[0].all = 1;
        cs_replay_all_free(&all);
    }
    cs_status st = cs_charts_replay(h, nh, path, path_ud, listv, err);
    free(h);
    free(slots);
    return st;
}

/* observed.csv (per interval of the week) and observed_hours.csv (per hour of the day). */
static cs_status observed_files(void *ud, void *dirv, cs_error *err)
{
    replay_ctx *x = ud;
    cs_outdir *dir = dirv;
    if (!x->d->has_outcomes) return CS_OK;
    FILE *f = cs_outdir_open(dir, "observed.csv", NULL, 0, err);
    if (!f) return err->code;
    cs_status st = cs_replay_write_observed(f, x->d, x->r, x->group, err);
    if (fclose(f) != 0 && st == CS_OK) st = cs_error_set(err, CS_EIO, "cannot write observed.csv");
    if (st != CS_OK) return st;
    f = cs_outdir_open(dir, "observed_hours.csv", NULL, 0, err);
    if (!f) return err->code;
    st = cs_replay_write_hours(f, x->d, x->r, err);
    if (fclose(f) != 0 && st == CS_OK) st = cs_error_set(err, CS_EIO, "cannot write observed_hours.csv");
    return st;
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
        [F_MODEL_IVR] = {"model-ivr", 0, CS_FLAG_BOOL, NULL, "draw IVR hang-ups and deflections from the scenario instead of following the log", 0, NULL},
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
    /* The log's arrivals replace the demand (no volume to calibrate).  A dated scenario keeps
     * its clock, so its dated staffing meets the log's days (io/replay.h). */
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
    replay_ctx x = {&d, NULL, group, pos[0]};
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
    oo.extra_json = replay_json;
    oo.extra_files = observed_files;
    oo.extra_charts = replay_charts;
    oo.extra_ud = &x;
    cs_outputs *outs = NULL;
    cs_status st = cs_outputs_begin(&oo, scn, &outs, &err);
    if (st != CS_OK) {
        cs_scn_free(scn);
        return cs_cli_fail("replay", st, err.msg);
    }

    cs_replay_opts ro = {warmup, flags[F_USE_HANDLE].set, flags[F_USE_PATIENCE].set, flags[F_QUEUED_ONLY].set,
                         flags[F_MODEL_IVR].set};
    st = cs_replay_load(pos[0], &lo, &ro, scn, &d, &err);
    if (st != CS_OK) {
        cs_outputs_abort(outs);
        cs_scn_free(scn);
        return cs_cli_fail("replay", st, err.msg);
    }
    for (size_t i = 0; i < d.skips.n; i++)
        fprintf(stderr, "callsim replay: skipped %ld rows: %s\n", d.skips.by[i].count, d.skips.by[i].reason);
    for (size_t p = 0; p < scn->n_pools; p++)
        if (scn->pools[p].placeholder)
            fprintf(stderr, "callsim replay: warning: pool '%s' is a placeholder (marked `placeholder: true`; fit "
                            "writes one when the log has no agent column): its staffing is not the real control "
                            "room's, so the simulated waits and abandonment say nothing about it. Give the pool the "
                            "real roster or dated staffing (fit --columns agent=NAME).\n", scn->pools[p].name);
    for (size_t i = 0; i < d.notes.n; i++)
        fprintf(stderr, "callsim replay: note, %ld rows: %s\n", d.notes.by[i].count, d.notes.by[i].reason);
    scn->horizon = d.span;
    /* Measuring starts on the first call's day (plus --warmup), for the log and the
     * simulation alike: the days of its week before it hold no calls. */
    scn->warmup = cs_replay_warmup(&d);
    /* A log already holds every attempt, redials and calls moved from another line included:
     * modelling them again would count them twice. */
    if (!flags[F_MODEL_REDIALS].set)
        for (size_t l = 0; l < scn->n_lines; l++) {
            scn->lines[l].redial.prob = 0;
            scn->lines[l].spill.to_line = -1;
        }
    if (scn->warmup >= d.span) st = cs_error_set(&err, CS_EINPUT, "--warmup is longer than the log");
    /* The observed log covers the same measured period as the simulation. */
    d.observed.measured = d.span - scn->warmup;
    cs_outputs_set_extra_key(outs, "replay");
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
        rop.progress = cs_progress_shown(bar) ? cs_progress_update : NULL;
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
                cs_json_key(w, "replay");
                replay_json(&x, w);
                cs_json_end_object(w);
                st = cs_json_writer_finish(w, &err);
                cs_json_writer_destroy(w);
            } else if (st == CS_OK) {
                st = print_side_by_side(&x, pos[0], &err);
                if (st == CS_OK && (fflush(stdout) != 0 || ferror(stdout)))
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
