/* End to end: `callsim fit` on a log whose agents do after-call work the log does not record,
 * then `callsim replay` of the same log against the fitted scenario.
 *
 * The log is simulated here (its own code, not the engine): 6 agents, 10 hours a day for 5 days,
 * Poisson arrivals at 120 an hour, exponential talk times (mean 180 s) and patience (mean
 * 300 s), callers served in order of arrival by the agent free first, and after every call the
 * agent is not ready for exactly 30 s.  About 20% of callers give up.  Known answers: fit finds
 * the 30 s (the mean of its after-call work within 1 s: the gaps are whole seconds), and the
 * replay's abandonment comes within 2 points of the log's (over the 5,900 calls of this log, one
 * realisation, the replications' spread is about 1 point).  Negative control: with
 * `--wrap-max 0` (the after-call spells left as dips in the staffing) the replay answers more
 * callers than the log did, by more than 3 points: the bias the after-call work removes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "io/outdir.h"
#include "tests/cli_child.h"

#define AGENTS 6
#define WRAP 30.0

static void write_log(const char *path, int wrap_column)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 31);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "arrival,line,outcome,wait,handle,agent%s\n", wrap_column ? ",wrap" : "");
    for (int day = 0; day < 5; day++) {
        double t0 = day * 86400.0 + 8 * 3600, t1 = t0 + 10 * 3600, ready[AGENTS];
        for (int k = 0; k < AGENTS; k++) ready[k] = t0;
        for (double a = t0 + gsl_ran_exponential(r, 30); a < t1; a += gsl_ran_exponential(r, 30)) {
            double pat = gsl_ran_exponential(r, 300), h = gsl_ran_exponential(r, 180);
            int k = 0;
            for (int j = 1; j < AGENTS; j++)
                if (ready[j] < ready[k]) k = j;
            double s = a > ready[k] ? a : ready[k];
            /* Whole seconds, as logs are; the start (and the next ready time) follow them. */
            long sec = lround(a), w = lround(s - a), hs = lround(h) > 0 ? lround(h) : 1;
            int d = 4 + (int)(sec / 86400);
            long tod = sec % 86400;
            if (s - a > pat) {
                fprintf(f, "2024-03-%02d %02ld:%02ld:%02ld,101,ABANDONED,%ld,0,%s\n", d, tod / 3600, tod / 60 % 60,
                        tod % 60, lround(pat), wrap_column ? "," : "");
                continue;
            }
            fprintf(f, "2024-03-%02d %02ld:%02ld:%02ld,101,ANSWERED,%ld,%ld,A%d%s\n", d, tod / 3600, tod / 60 % 60,
                    tod % 60, w, hs, k, wrap_column ? ",30" : "");
            ready[k] = (double)(sec + w + hs) + WRAP;
        }
    }
    fclose(f);
    gsl_rng_free(r);
}

/* The "Calls abandoned or cut off before contact" row of replay's table: observed, simulated. */
static void abandon_row(const char *out, double *obs, double *sim)
{
    const char *p = strstr(out, "Calls abandoned or cut off before contact");
    assert_non_null(p);
    p += strlen("Calls abandoned or cut off before contact");
    assert_int_equal(sscanf(p, " %lf %% %lf", obs, sim), 2);
}

static void fit_and_replay(const char *dir, const char *wrap_max, double *fitted_wrap, double *obs, double *sim)
{
    char log[600], yaml[600], charts[600];
    snprintf(log, sizeof log, "%s/wrap.csv", dir);
    snprintf(yaml, sizeof yaml, "%s/wrap-%s.yaml", dir, wrap_max);
    snprintf(charts, sizeof charts, "%s/charts-%s", dir, wrap_max);
    cli_out o = RUN("fit", log, "-o", yaml, "--tz", "utc", "--wrap-max", wrap_max, "--charts", charts, "--force");
    if (o.code != 0) fail_msg("fit: exit %d: %s", o.code, o.err);
    const char *m = strstr(o.out, "after-call work (not ready after a call");
    *fitted_wrap = NAN;
    if (m) {
        m = strstr(m, "): mean ");
        assert_non_null(m);
        *fitted_wrap = strtod(m + strlen("): mean "), NULL);
    }
    cli_out_free(&o);
    o = RUN("replay", log, "--scenario", yaml, "--tz", "utc", "--reps", "10", "--threads", "1");
    if (o.code != 0) fail_msg("replay: exit %d: %s", o.code, o.err);
    abandon_row(o.out, obs, sim);
    cli_out_free(&o);
    assert_int_equal(cs_outdir_remove_tree(charts), 0);
}

static void test_after_call_work_recovered(void **st)
{
    (void)st;
    char dir[] = "/tmp/callsim-fitwrap-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char log[600];
    snprintf(log, sizeof log, "%s/wrap.csv", dir);
    write_log(log, 0);
    double w, obs, sim;
    fit_and_replay(dir, "1m", &w, &obs, &sim);
    if (getenv("FITWRAP_DEBUG")) print_message("wrap %.2f s, abandonment %.2f%% log, %.2f%% replay\n", w, obs, sim);
    if (!(fabs(w - WRAP) < 1.0)) fail_msg("after-call work fitted %.2f s, made %.0f s", w, WRAP);
    if (!(fabs(sim - obs) < 2.0)) fail_msg("replay abandonment %.2f%% against the log's %.2f%%", sim, obs);
    if (!(obs > 10 && obs < 30)) fail_msg("the synthetic log's abandonment %.2f%% is not the load meant", obs);
    /* Negative control. */
    fit_and_replay(dir, "0", &w, &obs, &sim);
    if (getenv("FITWRAP_DEBUG")) print_message("no wrap: abandonment %.2f%% log, %.2f%% replay\n", obs, sim);
    assert_true(isnan(w));
    if (!(obs - sim > 3.0))
        fail_msg("without after-call work the replay gave %.2f%% against %.2f%%: the bias this test guards is gone",
                 sim, obs);
    assert_int_equal(cs_outdir_remove_tree(dir), 0);
}

/* The same log with its after-call work in a wrap column: it is in the agents' busy time, and
 * fit writes it as the line's wrap (before, the staffing counted it and the scenario had none,
 * so the replay answered more callers than the log: the same bias). */
static void test_logged_wrap_written(void **st)
{
    (void)st;
    char dir[] = "/tmp/callsim-fitwrap-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char log[600], yaml[600];
    snprintf(log, sizeof log, "%s/wrap.csv", dir);
    snprintf(yaml, sizeof yaml, "%s/wrap-1m.yaml", dir);
    write_log(log, 1);
    double w, obs, sim;
    fit_and_replay(dir, "1m", &w, &obs, &sim);
    assert_true(isnan(w));   /* nothing estimated: the log says */
    char *y = cli_slurp(yaml, NULL);
    assert_non_null(y);
    assert_non_null(strstr(y, "wrap: 30s"));
    free(y);
    if (getenv("FITWRAP_DEBUG")) print_message("wrap column: abandonment %.2f%% log, %.2f%% replay\n", obs, sim);
    if (!(fabs(sim - obs) < 2.0)) fail_msg("replay abandonment %.2f%% against the log's %.2f%%", sim, obs);
    assert_int_equal(cs_outdir_remove_tree(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_after_call_work_recovered),
        cmocka_unit_test(test_logged_wrap_written),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
