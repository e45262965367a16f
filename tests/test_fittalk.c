/* Tests for models/fittalk: talk time against the number of callers waiting at the answer.
 *
 * Synthetic logs with a known answer: four time bands, each with its own mean talk time and its
 * own queue (busier bands have longer waits and, in the confounded logs, longer talks), talk
 * times lognormal around exp(mu_band + b * waiting).  With b = -0.03 the estimate is within 3
 * standard errors of b (a correct estimator fails that one time in 370) and the likelihood ratio
 * finds it; with b = 0 the test rejects at 5% in 200 logs between 2 and 21 times (the 0.1% and
 * 99.9% points of Binomial(200, 0.05)); and, as a negative control, the same b = 0 log read
 * without the bands (one group) shows a spurious slope, which is what the fixed effects are for.
 * The count itself: a caller whose wait ends at the answer (the one answered) is not counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "models/fittalk.h"

#define T_DAY 86400.0
#define N_BANDS 4

typedef struct synth {
    double *ws, *we, *ans, *talk;
    int *grp;
    size_t nw, na;
} synth;

static void synth_free(synth *s)
{
    free(s->ws);
    free(s->we);
    free(s->ans);
    free(s->talk);
    free(s->grp);
}

/* Waits start uniformly over the day; their mean length grows with the band (so does the queue),
 * and with confound the bands' mean talk times grow with it too. */
static void make_log(gsl_rng *r, size_t na, size_t nw, double b, int confound, synth *s)
{
    static const double wait_mean[N_BANDS] = {20, 60, 150, 300};
    static const double mu[N_BANDS] = {4.8, 5.0, 5.2, 5.4};
    s->nw = nw;
    s->na = na;
    s->ws = malloc(nw * sizeof *s->ws);
    s->we = malloc(nw * sizeof *s->we);
    s->ans = malloc(na * sizeof *s->ans);
    s->talk = malloc(na * sizeof *s->talk);
    s->grp = malloc(na * sizeof *s->grp);
    assert_non_null(s->grp);
    for (size_t i = 0; i < nw; i++) {
        s->ws[i] = gsl_rng_uniform(r) * T_DAY;
        int g = (int)(s->ws[i] / (T_DAY / N_BANDS));
        s->we[i] = s->ws[i] + gsl_ran_exponential(r, wait_mean[g]);
    }
    for (size_t i = 0; i < na; i++) {
        double t = gsl_rng_uniform(r) * T_DAY;
        int g = (int)(t / (T_DAY / N_BANDS));
        double x = 0;
        if (b != 0)   /* counted by brute force, independently of the module's count */
            for (size_t j = 0; j < nw; j++) x += s->ws[j] <= t && t < s->we[j];
        s->ans[i] = t;
        s->grp[i] = g;
        s->talk[i] = exp((confound ? mu[g] : 5.0) + b * x + gsl_ran_gaussian(r, 0.8));
    }
}

static void test_counts_waiting(void **state)
{
    (void)state;
    const double st[3] = {0, 5, 12}, en[3] = {10, 20, 15};   /* sorted each */
    assert_int_equal(cs_fittalk_waiting(st, en, 3, -1), 0);
    assert_int_equal(cs_fittalk_waiting(st, en, 3, 0), 1);
    assert_int_equal(cs_fittalk_waiting(st, en, 3, 7), 2);
    assert_int_equal(cs_fittalk_waiting(st, en, 3, 10), 1);   /* [0, 10) has ended */
    assert_int_equal(cs_fittalk_waiting(st, en, 3, 13), 2);
    assert_int_equal(cs_fittalk_waiting(st, en, 3, 20), 0);
}

static void test_recovers_slope(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2009);
    synth s;
    make_log(r, 6000, 4000, -0.03, 1, &s);
    cs_fittalk_load out;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_fittalk_load_test(s.ws, s.we, s.nw, s.ans, s.talk, s.grp, s.na, N_BANDS, &out, &err), CS_OK);
    assert_true(out.ok);
    assert_int_equal(out.n, 6000);
    assert_int_equal(out.groups, N_BANDS);
    assert_true(out.se > 0 && out.se < 0.01);   /* precise enough for the check to mean something */
    assert_true(fabs(out.slope - -0.03) < 3 * out.se);
    assert_true(out.p_value < 1e-6);
    synth_free(&s);
    gsl_rng_free(r);
}

static void test_false_positives(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 77);
    int rejected = 0;
    for (int k = 0; k < 200; k++) {
        synth s;
        make_log(r, 600, 500, 0, 1, &s);
        cs_fittalk_load out;
        cs_error err = {CS_OK, ""};
        assert_int_equal(cs_fittalk_load_test(s.ws, s.we, s.nw, s.ans, s.talk, s.grp, s.na, N_BANDS, &out, &err),
                         CS_OK);
        assert_true(out.ok);
        rejected += out.p_value < 0.05;
        synth_free(&s);
    }
    assert_in_range(rejected, 2, 21);
    gsl_rng_free(r);
}

static void test_bands_matter(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    synth s;
    make_log(r, 6000, 4000, 0, 1, &s);
    cs_fittalk_load within, pooled;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_fittalk_load_test(s.ws, s.we, s.nw, s.ans, s.talk, s.grp, s.na, N_BANDS, &within, &err), CS_OK);
    for (size_t i = 0; i < s.na; i++) s.grp[i] = 0;
    assert_int_equal(cs_fittalk_load_test(s.ws, s.we, s.nw, s.ans, s.talk, s.grp, s.na, 1, &pooled, &err), CS_OK);
    assert_true(within.ok && pooled.ok);
    assert_true(within.p_value > 0.001);
    assert_true(pooled.slope > 0 && pooled.p_value < 1e-6);   /* busy bands' long talks read as load */
    synth_free(&s);
    gsl_rng_free(r);
}

static void test_not_checked(void **state)
{
    (void)state;
    cs_fittalk_load out;
    cs_error err = {CS_OK, ""};
    double ws[1] = {0}, we[1] = {1}, ans[300], talk[300];
    int grp[300];
    for (int i = 0; i < 300; i++) {
        ans[i] = 100 + i;   /* nobody ever waits at an answer: the count never varies */
        talk[i] = 60 + i;
        grp[i] = i % 2;
    }
    assert_int_equal(cs_fittalk_load_test(ws, we, 1, ans, talk, grp, 300, 2, &out, &err), CS_OK);
    assert_false(out.ok);
    assert_int_equal(out.n, 300);
    /* Too few calls: 100 (fewer than CS_FITTALK_MIN_CALLS), the count varying. */
    for (int i = 0; i < 100; i++) ans[i] = i % 2 ? 0.5 : 2;
    assert_int_equal(cs_fittalk_load_test(ws, we, 1, ans, talk, grp, 100, 2, &out, &err), CS_OK);
    assert_false(out.ok);
    /* Talk times of 0 or NaN and groups out of range are not used. */
    talk[0] = 0;
    talk[1] = NAN;
    grp[2] = -1;
    grp[3] = 9;
    assert_int_equal(cs_fittalk_load_test(ws, we, 1, ans, talk, grp, 100, 2, &out, &err), CS_OK);
    assert_int_equal(out.n, 96);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_waiting),
        cmocka_unit_test(test_recovers_slope),
        cmocka_unit_test(test_false_positives),
        cmocka_unit_test(test_bands_matter),
        cmocka_unit_test(test_not_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
