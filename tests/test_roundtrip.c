/* Round trips between simulation and real-log tools (issue: replay and fit).
 *
 * 1. A synthetic log written by the simulator (calls.csv of replication 1) is read back with
 *    the log reader and fitted: the parameters that generated it must lie inside the fitted
 *    95% confidence intervals (handle time: lognormal mean and sd; patience: the censored
 *    exponential MLE; arrivals: the weekly volume), and AIC must pick the true family.
 * 2. Replaying that log against the scenario that produced it reproduces its KPIs: the
 *    observed abandonment and ASA lie within the replay's own 99% CI widened by the log's
 *    sampling error.
 * 3. `callsim fit` writes a scenario that loads and runs.
 * 4. The journey and time of day: a log simulated from a scenario whose talk time and IVR
 *    hang-ups differ before and after noon, with redials, is fitted by the CLI: the fitted
 *    bands split at noon with the talk-time means within 4.5 standard errors and the IVR shares
 *    within 4.5 binomial SDs of the truth, the redial probability within 4.5 SDs of 30%; the
 *    pool is a placeholder (no agent column), fit says so and replay warns.
 * 5. The example export (a weekend): fit warns about the weekdays it cannot see, and no NaN is
 *    printed or written.
 * These use the library for exact checks and the CLI ($CALLSIM) end to end. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "io/calllog.h"
#include "io/json.h"
#include "io/replay.h"
#include "io/results.h"
#include "io/scenario.h"
#include "models/scenario.h"
#include "models/fit.h"
#include "models/kpi.h"
#include "models/run.h"
#include "sim/stat.h"

static const char *scenario_yaml =
    "name: round trip\nhorizon: 15d\nwarmup: 1d\nreplications: 10\nseed: 99\n"
    "lines:\n  - name: \"101\"\n    arrivals: {rate: 120/h}\n"
    "    handle: {dist: lognormal, mean: 5m, sd: 4m}\n"
    "    patience: {dist: exponential, mean: 10m}\n"
    "    target: {answer_within: 30s, share: 90%}\n"
    "pools:\n  - name: handlers\n    lines: [\"101\"]\n    staff: 10\n";

static char dir[256], log_path[300], scn_path[300];

static const char *bin(void)
{
    const char *b = getenv("CALLSIM");
    return b && *b ? b : "./callsim";
}

static int setup(void **st)
{
    (void)st;
    gsl_set_error_handler_off();
    snprintf(dir, sizeof dir, "/tmp/callsim-rt-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    snprintf(log_path, sizeof log_path, "%s/calls.csv", dir);
    snprintf(scn_path, sizeof scn_path, "%s/rt.yaml", dir);
    FILE *f = fopen(scn_path, "w");
    fputs(scenario_yaml, f);
    fclose(f);
    /* Write the synthetic log through the same writer `callsim run --calls` uses. */
    cs_scn *s = NULL;
    cs_diags d = {0};
    if (cs_scn_load(scn_path, &s, &d) != CS_OK) return -1;
    cs_diags_free(&d);
    FILE *lf = fopen(log_path, "w");
    cs_calls_writer *w = cs_calls_writer_create(lf, s);
    cs_run_opts o;
    memset(&o, 0, sizeof o);
    o.threads = 2;
    o.trace = cs_calls_writer_trace;
    o.trace_ud = w;
    cs_results *r = NULL;
    cs_error err;
    cs_status stt = cs_run(s, &o, &r, &err);
    cs_calls_writer_destroy(w);
    fclose(lf);
    cs_results_free(r);
    cs_scn_free(s);
    return stt == CS_OK ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_fit_recovers_parameters(void **st)
{
    (void)st;
    cs_log_opts lo;
    cs_log_opts_init(&lo);
    cs_log *log;
    cs_error err;
    assert_int_equal(cs_log_open(log_path, &lo, &log, &err), CS_OK);
    size_t cap = 1 << 16, nh = 0, np = 0, na = 0;
    double *h = malloc(cap * sizeof *h), *pt = malloc(cap * sizeof *pt), *arr = malloc(cap * sizeof *arr);
    int *pe = malloc(cap * sizeof *pe);
    cs_log_rec rec;
    int got;
    double tmin = INFINITY;
    while (cs_log_next(log, &rec, &got, &err) == CS_OK && got) {
        if (nh == cap || np == cap || na == cap) {
            cap *= 2;
            h = realloc(h, cap * sizeof *h);
            pt = realloc(pt, cap * sizeof *pt);
            pe = realloc(pe, cap * sizeof *pe);
            arr = realloc(arr, cap * sizeof *arr);
        }
        arr[na++] = rec.arrival;
        if (rec.arrival < tmin) tmin = rec.arrival;
        if (rec.outcome == CS_LOG_ANSWERED) {
            h[nh++] = rec.handle;
            pt[np] = rec.wait;
            pe[np++] = 0;
        } else if (rec.outcome == CS_LOG_ABANDONED) {
            pt[np] = rec.wait;
            pe[np++] = 1;
        }
    }
    cs_log_close(log);
    print_message("  %zu calls, %zu handle times, %zu patience observations\n", na, nh, np);
    assert_true(nh > 30000);

    cs_fit_set hs, ps;
    assert_int_equal(cs_fit_durations(h, nh, NULL, NULL, &hs, &err), CS_OK);
    const cs_fit_result *hb = cs_fit_best(&hs);
    assert_int_equal(hb->family, CS_FIT_LOGNORMAL);
    const cs_fit_result *ln = &hs.fit[CS_FIT_LOGNORMAL];
    /* The log rounds talk times to milliseconds: negligible against 300 s. */
    print_message("  handle mean %.1f (%.1f..%.1f), sd %.1f (%.1f..%.1f); true 300, 240\n", ln->mean.est, ln->mean.lo,
                  ln->mean.hi, ln->sd.est, ln->sd.lo, ln->sd.hi);
    assert_true(ln->mean.lo <= 300 && 300 <= ln->mean.hi);
    assert_true(ln->sd.lo <= 240 && 240 <= ln->sd.hi);

    assert_int_equal(cs_fit_durations(pt, np, pe, NULL, &ps, &err), CS_OK);
    const cs_fit_result *ex = &ps.fit[CS_FIT_EXPONENTIAL];
    print_message("  patience mean %.1f (%.1f..%.1f); true 600 (%zu abandoned of %zu)\n", ex->mean.est, ex->mean.lo,
                  ex->mean.hi, ps.n_events, ps.n);
    assert_true(ex->mean.lo <= 600 && 600 <= ex->mean.hi);
    assert_true(ps.n_events > 500);   /* enough abandonments for the check to mean something */

    /* Arrivals: 120 calls an hour over the 14 measured days. */
    cs_fit_arrivals_result *ar = malloc(sizeof *ar);
    double t0 = floor(tmin / 86400) * 86400 - 4 * 86400;   /* Monday-based epoch, as callsim fit */
    for (size_t i = 0; i < na; i++) arr[i] -= 4 * 86400;
    assert_int_equal(cs_fit_arrivals(arr, na, t0, t0 + 14 * 86400, 3600, ar, &err), CS_OK);
    double week = 0, se2 = 0;
    for (size_t sl = 0; sl < ar->n_slots; sl++) {
        week += ar->rate[sl] * 3600;
        se2 += pow(ar->rate_se[sl] * 3600, 2);
    }
    print_message("  calls per week %.0f ± %.0f (true 20160)\n", week, 1.96 * sqrt(se2));
    assert_true(fabs(week - 20160) <= 1.96 * sqrt(se2) * 1.5);   /* the slot SEs are Poisson */
    free(ar);
    cs_fit_set_fini(&hs);
    cs_fit_set_fini(&ps);
    free(h);
    free(pt);
    free(pe);
    free(arr);
}

static char *run_cli(const char *const *args, int *code)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        int devnull = open("/dev/null", 1);
        if (devnull >= 0) dup2(devnull, 2);
        const char *argv[32];
        size_t n = 0;
        argv[n++] = bin();
        for (size_t i = 0; args[i] && n < 31; i++) argv[n++] = args[i];
        argv[n] = NULL;
        execv(bin(), (char *const *)argv);
        _exit(127);
    }
    close(p[1]);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    ssize_t k;
    while ((k = read(p[0], buf + len, cap - len - 1)) > 0) {
        len += (size_t)k;
        if (cap - len < 2) buf = realloc(buf, cap *= 2);
    }
    buf[len] = 0;
    close(p[0]);
    int status;
    waitpid(pid, &status, 0);
    *code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    return buf;
}

static void test_replay_reproduces_kpis(void **st)
{
    (void)st;
    int code;
    char *out = run_cli((const char *const[]){"replay", log_path, "--scenario", scn_path, "--json", "--quiet", NULL}, &code);
    assert_int_equal(code, 0);
    cs_json *j;
    cs_error err;
    assert_int_equal(cs_json_parse(out, strlen(out), &j, &err), CS_OK);
    const char *kpis[] = {"abandon_rate", "asa", "service_level"};
    for (size_t k = 0; k < 3; k++) {
        char path[128];
        snprintf(path, sizeof path, "observed.101.%s", kpis[k]);
        double obs = cs_json_number_value(cs_json_path(j, path));
        snprintf(path, sizeof path, "lines.101.%s.mean", kpis[k]);
        double sim = cs_json_number_value(cs_json_path(j, path));
        snprintf(path, sizeof path, "lines.101.%s.ci95", kpis[k]);
        double ci = cs_json_number_value(cs_json_path(j, path));
        /* The observed value is itself one replication: its noise is about the spread of
         * replications, sqrt(R) times the CI half-width / t.  Allow the CI plus that. */
        double tol = ci + ci * sqrt(10.0) / 2.26 * 2.0;
        print_message("  %-14s observed %.5f, replay %.5f ± %.5f (tolerance %.5f)\n", kpis[k], obs, sim, ci, tol);
        assert_true(isfinite(obs) && isfinite(sim));
        assert_true(fabs(obs - sim) <= tol);
    }
    /* Every logged call was replayed. */
    double offered = cs_json_number_value(cs_json_path(j, "lines.101.offered.mean"));
    double observed = cs_json_number_value(cs_json_path(j, "observed.101.offered"));
    assert_true(offered == observed);
    cs_json_free(j);
    free(out);
}

static void test_fit_cli_writes_a_runnable_scenario(void **st)
{
    (void)st;
    char fitted[400], charts[400];
    snprintf(fitted, sizeof fitted, "%s/fitted.yaml", dir);
    snprintf(charts, sizeof charts, "%s/fit-charts", dir);
    int code;
    char *out = run_cli((const char *const[]){"fit", log_path, "-o", fitted, "--charts", charts, NULL}, &code);
    assert_int_equal(code, 0);
    assert_non_null(strstr(out, "lowest AIC"));
    free(out);
    cs_scn *s = NULL;
    cs_diags d = {0};
    assert_int_equal(cs_scn_load(fitted, &s, &d), CS_OK);
    cs_diags_free(&d);
    /* The fitted line: lognormal handle with mean near 300 s, exponential-like patience. */
    assert_int_equal(s->queues[0].handle.kind, CS_DIST_LOGNORMAL);
    assert_true(fabs(cs_dist_mean(&s->queues[0].handle) - 300) < 10);
    double week = 0;
    for (size_t i = 0; i < s->lines[0].demand.n_slots; i++) week += s->lines[0].demand.rate[i] * s->lines[0].demand.slot_len;
    assert_true(fabs(week - 20160) < 600);
    cs_scn_free(s);
    char png[500];
    snprintf(png, sizeof png, "%s/patience_line1.png", charts);
    assert_int_equal(access(png, R_OK), 0);
    out = run_cli((const char *const[]){"run", fitted, "--reps", "2", "--quiet", NULL}, &code);
    assert_int_equal(code, 0);
    free(out);
    /* Refuses to overwrite without --force. */
    out = run_cli((const char *const[]){"fit", log_path, "-o", fitted, NULL}, &code);
    assert_int_equal(code, 2);
    free(out);
}

static const char *bands_yaml =
    "name: bands\nhorizon: 8d\nwarmup: 1d\nreplications: 1\nseed: 5\n"
    "lines:\n  - name: \"101\"\n    arrivals: {rate: 150/h}\n"
    "    ivr: {time: 10s, abandon: 5%}\n"
    "    handle: {dist: lognormal, mean: 160s, sd: 120s}\n"
    "    patience: {dist: exponential, mean: 10m}\n"
    "    redial: {probability: 30%, delay: {dist: exponential, mean: 5m}, max_attempts: 8}\n"
    "    by_time_of_day:\n"
    "      - {from: \"00:00\", to: \"12:00\", handle: {dist: lognormal, mean: 240s, sd: 180s}, ivr: {abandon: 15%}}\n"
    "pools:\n  - name: handlers\n    lines: [\"101\"]\n    staff: 12\n";

/* stdout and stderr of the CLI together. */
static char *run_cli_all(const char *const *args, int *code)
{
    char cmd[2048] = "";
    size_t n = (size_t)snprintf(cmd, sizeof cmd, "'%s'", bin());
    for (size_t i = 0; args[i]; i++) n += (size_t)snprintf(cmd + n, sizeof cmd - n, " '%s'", args[i]);
    snprintf(cmd + n, sizeof cmd - n, " 2>&1");
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t k;
    while ((k = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += k;
        if (cap - len < 2) buf = realloc(buf, cap *= 2);
    }
    buf[len] = 0;
    int status = pclose(p);
    *code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    return buf;
}

static int has_nan(const char *s)
{
    for (const char *p = s; *p; p++)
        if ((p[0] == 'n' || p[0] == 'N') && (p[1] == 'a' || p[1] == 'A') && (p[2] == 'n' || p[2] == 'N') &&
            (p == s || !((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z'))) &&
            !((p[3] >= 'a' && p[3] <= 'z') || (p[3] >= 'A' && p[3] <= 'Z')))
            return 1;
    return 0;
}

static void test_fit_bands_journey_redials(void **st)
{
    (void)st;
    char yaml[400], log2[400], fitted[400], charts[400];
    snprintf(yaml, sizeof yaml, "%s/bands.yaml", dir);
    snprintf(log2, sizeof log2, "%s/bands-calls.csv", dir);
    snprintf(fitted, sizeof fitted, "%s/bands-fitted.yaml", dir);
    snprintf(charts, sizeof charts, "%s/bands-charts", dir);
    FILE *f = fopen(yaml, "w");
    fputs(bands_yaml, f);
    fclose(f);
    cs_scn *s = NULL;
    cs_diags d = {0};
    assert_int_equal(cs_scn_load(yaml, &s, &d), CS_OK);
    cs_diags_free(&d);
    FILE *lf = fopen(log2, "w");
    cs_calls_writer *w = cs_calls_writer_create(lf, s);
    cs_run_opts o;
    memset(&o, 0, sizeof o);
    o.threads = 1;
    o.trace = cs_calls_writer_trace;
    o.trace_ud = w;
    cs_results *r = NULL;
    cs_error err;
    assert_int_equal(cs_run(s, &o, &r, &err), CS_OK);
    cs_calls_writer_destroy(w);
    fclose(lf);
    cs_results_free(r);
    cs_scn_free(s);

    int code;
    char *out = run_cli_all((const char *const[]){"fit", log2, "-o", fitted, "--charts", charts, "--tz", "utc", NULL},
                            &code);
    if (code != 0) fail_msg("fit: %s", out);
    assert_non_null(strstr(out, "THE POOL WRITTEN IS A PLACEHOLDER"));
    assert_false(has_nan(out));
    free(out);
    s = NULL;
    assert_int_equal(cs_scn_load(fitted, &s, &d), CS_OK);
    cs_diags_free(&d);
    const cs_line *L = &s->lines[0];
    assert_true(s->pools[0].placeholder);
    assert_true(s->clock.dated);
    assert_true(L->n_bands >= 2);
    /* Talk time: about 7 days x 12 h x 150/h x 85% answered = 10,000 calls a side; lognormal sd
     * 0.75 of the mean gives an SE of the mean of 0.75 mean / sqrt(10,000). */
    for (size_t b = 0; b < L->n_bands; b++) {
        const cs_tod_band *bd = &L->bands[b];
        assert_true(bd->to <= 12 * 3600 || bd->from >= 12 * 3600);   /* no band straddles noon */
        double truth = bd->to <= 12 * 3600 ? 240 : 160;
        if (bd->has_handle) {
            double m = cs_dist_mean(&bd->handle), se = 0.75 * truth / sqrt(10000.0 * (bd->to - bd->from) / 43200);
            print_message("  band %.0f-%.0f h: talk mean %.1f s (truth %.0f, se %.2f)\n", bd->from / 3600, bd->to / 3600,
                          m, truth, se);
            assert_true(fabs(m - truth) < 4.5 * se);
        }
        if (bd->has_ivr) {
            double p = truth == 240 ? 0.15 : 0.05, n = 7 * 150 * (bd->to - bd->from) / 3600;
            double sd = sqrt(p * (1 - p) / n);
            print_message("  band %.0f-%.0f h: IVR hang-ups %.4f (truth %.2f, sd %.4f)\n", bd->from / 3600, bd->to / 3600,
                          bd->ivr_abandon, p, sd);
            assert_true(fabs(bd->ivr_abandon - p) < 4.5 * sd);
        }
    }
    /* Redials: callers' only repeat calls are redials here, 30% after each failed attempt. */
    double failed = 7 * 24 * 150 * 0.15;   /* at least this many failed attempts */
    double sd = sqrt(0.3 * 0.7 / failed);
    print_message("  redial probability %.4f (truth 0.30, sd at most %.4f)\n", L->redial.prob, sd);
    assert_true(fabs(L->redial.prob - 0.3) < 4.5 * sd);
    cs_scn_free(s);

    /* Replaying the log against the fitted scenario: it runs on the log's dates, and warns that
     * the pool is a placeholder. */
    out = run_cli_all((const char *const[]){"replay", log2, "--scenario", fitted, "--tz", "utc", "--quiet", "--reps", "2",
                                            NULL},
                      &code);
    if (code != 0) fail_msg("replay: %s", out);
    assert_non_null(strstr(out, "is a placeholder"));
    free(out);
}

static void test_fit_example_export_is_honest(void **st)
{
    (void)st;
    char fitted[400], charts[400];
    snprintf(fitted, sizeof fitted, "%s/example.yaml", dir);
    snprintf(charts, sizeof charts, "%s/example-charts", dir);
    int code;
    char *out = run_cli_all(
        (const char *const[]){"fit", "scenarios/logs/example_force_export.csv", "-o", fitted, "--charts", charts,
                              "--columns",
                              "arrival=CallTime,date=CallDate,line=Queue,caller=CallerRef,outcome=Result,wait=QueueTime,"
                              "handle=TalkTime",
                              "--outcomes",
                              "answered=ANSWERED,abandoned=ABANDONED,abandoned_ivr=IVR HANGUP,deflected=ONLINE,cut_off=BUSY",
                              NULL},
        &code);
    if (code != 0) fail_msg("fit: %s", out);
    assert_non_null(strstr(out, "demand is known for Sat, Sun only"));
    assert_non_null(strstr(out, "Mon unknown"));
    assert_false(has_nan(out));
    free(out);
    FILE *f = fopen(fitted, "r");
    assert_non_null(f);
    char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    assert_false(has_nan(buf));
    assert_non_null(strstr(buf, "demand is known for Sat, Sun only"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit_recovers_parameters),
        cmocka_unit_test(test_replay_reproduces_kpis),
        cmocka_unit_test(test_fit_cli_writes_a_runnable_scenario),
        cmocka_unit_test(test_fit_bands_journey_redials),
        cmocka_unit_test(test_fit_example_export_is_honest),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
