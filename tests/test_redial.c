/* Tests for models/redial: the redial probability and delay recovered from synthetic callers.
 *
 * 30,000 callers, each with a first attempt at a uniform time over 30 days.  Every attempt
 * fails with probability 0.25.  After any attempt the caller calls again in the background
 * with probability 0.35 after an exponential delay of mean one day (a new need); after a failed
 * one they also redial with probability 0.4 after a lognormal delay (median 10 minutes, sigma
 * 0.8).  The estimator sees only caller ids, times and failed/answered.  Its prob must lie within
 * 4.5 of its own standard errors of the truth 0.4 F(W) at the window it chose (F the delay's
 * cdf), and the delay's median within 25% of 600 s.  Negative control: without redials the
 * estimate is 0 within the same limits, though failed attempts are followed by background
 * calls as often as answered ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "models/redial.h"

#define DAY 86400.0

/* One caller's attempts from t on, recursively (a chain is a few attempts long). */
static void caller_from(cs_redialest *e, gsl_rng *r, uint64_t id, double t, double p_redial, double end, int depth)
{
    if (t >= end || depth > 20) return;
    int failed = gsl_rng_uniform(r) < 0.25;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_redialest_add(e, id, t, 0, failed, &err), CS_OK);
    if (gsl_rng_uniform(r) < 0.35) caller_from(e, r, id, t + gsl_ran_exponential(r, DAY), p_redial, end, depth + 1);
    if (failed && gsl_rng_uniform(r) < p_redial)
        caller_from(e, r, id, t + gsl_ran_lognormal(r, log(600.0), 0.8), p_redial, end, depth + 1);
}

static void run(double p_redial, unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    cs_redialest *e = cs_redialest_create();
    assert_non_null(e);
    double end = 30 * DAY;
    for (uint64_t id = 1; id <= 30000; id++) caller_from(e, r, id, gsl_rng_uniform(r) * end, p_redial, end, 0);
    cs_redialest_fit f;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_redialest_estimate(e, -1, end, &f, &err), CS_OK);
    assert_true(f.ok);
    double truth = p_redial * gsl_cdf_lognormal_P(f.window, log(600.0), 0.8);
    double se = (f.prob_hi - f.prob_lo) / (2 * 1.959964);
    if (getenv("REDIAL_DEBUG")) print_message("prob %.4f truth %.4f window %.0f se %.4f median %.0f pf %.3f pa %.3f n %zu\n", f.prob, truth, f.window, se, f.delay_median, f.p_failed, f.p_answered, f.n_failed);
    if (p_redial > 0) {
        if (!(fabs(f.prob - truth) < 4.5 * se)) {
            print_error("prob %.4f, truth %.4f at window %.0f s, se %.4f\n", f.prob, truth, f.window, se);
            fail();
        }
        assert_true(f.p_failed > f.p_answered);
        if (!(fabs(f.delay_median - 600) < 150)) {
            print_error("median delay %.0f s\n", f.delay_median);
            fail();
        }
    } else {
        assert_true(f.prob < 4.5 * se + 1e-12);
    }
    cs_redialest_destroy(e);
    gsl_rng_free(r);
}

static void test_recovers_redial_probability(void **state)
{
    (void)state;
    run(0.4, 20250101);
}

static void test_no_redials_no_excess(void **state)
{
    (void)state;
    run(0.0, 4711);
}

static void test_too_few_callers(void **state)
{
    (void)state;
    cs_redialest *e = cs_redialest_create();
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_redialest_add(e, 0, 1, 0, 1, &err), CS_EINPUT);
    assert_int_equal(cs_redialest_add(e, 5, 1, 0, 1, &err), CS_OK);
    cs_redialest_fit f;
    assert_int_equal(cs_redialest_estimate(e, -1, DAY, &f, &err), CS_OK);
    assert_false(f.ok);
    assert_true(f.prob == 0);
    cs_redialest_destroy(e);
    cs_redialest_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recovers_redial_probability),
        cmocka_unit_test(test_no_redials_no_excess),
        cmocka_unit_test(test_too_few_callers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
