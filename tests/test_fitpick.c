/* Tests for models/fitpick: which line a free handler takes, as Luce weights.
 *
 * Known answers: choices drawn from random sets of three lines with weights 1 : 0.5 : 0.2 are
 * recovered within 5 standard errors (the weights' relative SE with 20,000 choices is about
 * 2%, so 10% is a tolerance that fails only if the estimator is wrong); a line never taken while
 * another waits (strict priority) gets the floor; waits are read from spans with the strict
 * inequality, so an answered caller's own wait does not make a choice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "models/fitpick.h"

static void test_recovers_weights(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 4242);
    const double w[3] = {1, 0.5, 0.2};
    size_t n = 20000;
    uint32_t *mask = malloc(n * sizeof *mask);
    int *pick = malloc(n * sizeof *pick);
    for (size_t i = 0; i < n; i++) {
        uint32_t m = 0;
        while (__builtin_popcount(m) < 2) m = (uint32_t)gsl_rng_uniform_int(r, 8);
        double tot = 0;
        for (int l = 0; l < 3; l++)
            if (m >> l & 1u) tot += w[l];
        double u = gsl_rng_uniform(r) * tot, acc = 0;
        int p = -1;
        for (int l = 0; l < 3; l++)
            if (m >> l & 1u) {
                acc += w[l];
                p = l;
                if (u < acc) break;
            }
        mask[i] = m;
        pick[i] = p;
    }
    cs_fitpick f;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_fitpick_luce(mask, pick, n, 3, &f, &err), CS_OK);
    assert_true(f.ok);
    assert_int_equal(f.events, n);
    for (int l = 0; l < 3; l++) assert_true(fabs(f.weight[l] / w[l] - 1) < 0.1);
    /* Negative control: equal weights are not what these choices show. */
    assert_true(f.weight[2] < 0.3);
    free(mask);
    free(pick);
    gsl_rng_free(r);
}

static void test_strict_priority_floored(void **state)
{
    (void)state;
    /* Line 1 always taken over line 0; line 0 taken when alone (one line: not a choice). */
    uint32_t mask[300];
    int pick[300];
    for (int i = 0; i < 300; i++) {
        mask[i] = i < 200 ? 3u : 1u;
        pick[i] = i < 200 ? 1 : 0;
    }
    cs_fitpick f;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_fitpick_luce(mask, pick, 300, 2, &f, &err), CS_OK);
    assert_int_equal(f.events, 200);
    assert_true(f.weight[1] == 1);
    assert_true(f.weight[0] == CS_FITPICK_FLOOR);
    /* Too few choices: estimated, not ok. */
    assert_int_equal(cs_fitpick_luce(mask, pick, 50, 2, &f, &err), CS_OK);
    assert_false(f.ok);
    /* A pick outside its set is an error. */
    mask[0] = 1u;
    pick[0] = 1;
    assert_int_equal(cs_fitpick_luce(mask, pick, 1, 2, &f, &err), CS_EINPUT);
}

static void test_choices_from_waits(void **state)
{
    (void)state;
    /* Waits: line 0 over 0-100 (answered at 100), line 1 over 50-150 (answered at 150) and over
     * 95-200.  Line 1 callers answered at once at 60 and 120, a line 0 caller at once at 70. */
    const double a[] = {0, 50, 95}, b[] = {100, 150, 200};
    const int wl[] = {0, 1, 1};
    const double arr[] = {0, 50, 60, 120, 70}, at[] = {100, 150, 60, 120, 70};
    const int al[] = {0, 1, 1, 1, 0};
    cs_fitpick f;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_fitpick_estimate(a, b, wl, 3, arr, at, al, 5, 2, &f, &err), CS_OK);
    /* At 60 line 1 was taken while line 0's caller (there since 0) waited; at 70 line 0 was
     * taken while line 1's (there since 50) waited.  At 100 line 1's callers waiting had both
     * called after line 0's (95 is after 0): not a choice; at 120 and 150 nobody older waited. */
    assert_int_equal(f.events, 2);
    assert_true(f.chosen[0] == 1 && f.chosen[1] == 1);
    assert_true(f.offered[0] == 2 && f.offered[1] == 2);
    assert_true(fabs(f.weight[0] - 1) < 1e-9 && fabs(f.weight[1] - 1) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recovers_weights),
        cmocka_unit_test(test_strict_priority_floored),
        cmocka_unit_test(test_choices_from_waits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
