/* Tests for models/roster: shifts to handlers on duty.
 *
 * Expected levels are worked by hand from the formula in models/roster.h
 * (staff x (1 - breaks/length) x (1 - shrinkage), summed over running shifts, rounded half
 * up), so a change of formula or rounding fails here before it reaches a scenario.
 *
 * Random absence is checked against what it promises: with no shrinkage and no breaks it is
 * the roster; the number present on a shift is Binomial(staff, 1 - shrinkage) (a chi-square
 * test of the whole distribution, with a negative control); on-duty time has the stated mean;
 * one more person adds exactly their own presence (common random numbers); breaks stay out of
 * the first and last hour. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "models/calendar.h"
#include "models/roster.h"
#include "sim/rng.h"

#define H 3600.0
#define D 86400.0

static void test_on_duty(void **state)
{
    (void)state;
    /* Weekdays 07:00-17:00 (10 h), 12 staff, 1 h of breaks: 12 x 0.9 = 10.8 before shrinkage. */
    cs_shift day = {0x1Fu, 7 * H, 10 * H, 12, 1 * H};
    assert_true(fabs(cs_roster_on_duty(&day, 1, 0.0, 8 * H) - 10.8) < 1e-12);
    assert_true(fabs(cs_roster_on_duty(&day, 1, 0.25, 8 * H) - 8.1) < 1e-12);
    assert_true(cs_roster_on_duty(&day, 1, 0.0, 6.99 * H) == 0.0);   /* before the start */
    assert_true(cs_roster_on_duty(&day, 1, 0.0, 17 * H) == 0.0);     /* end is exclusive */
    assert_true(cs_roster_on_duty(&day, 1, 0.0, 5 * D + 8 * H) == 0.0);   /* Saturday */
    /* Sunday 22:00 for 10 h runs into Monday 08:00 (the week wraps). */
    cs_shift night = {1u << 6, 22 * H, 10 * H, 5, 0};
    assert_true(cs_roster_on_duty(&night, 1, 0.0, 3 * H) == 5.0);
    assert_true(cs_roster_on_duty(&night, 1, 0.0, 7 * D + 3 * H) == 5.0);   /* any week */
    assert_true(cs_roster_on_duty(&night, 1, 0.0, 8 * H) == 0.0);
}

static void test_round(void **state)
{
    (void)state;
    int x;
    assert_int_equal(cs_roster_round(7.5, &x, NULL), CS_OK);
    assert_int_equal(x, 8);
    assert_int_equal(cs_roster_round(7.4999999999, &x, NULL), CS_OK);   /* 7.5 computed badly */
    assert_int_equal(x, 8);
    assert_int_equal(cs_roster_round(7.49, &x, NULL), CS_OK);
    assert_int_equal(x, 7);
    assert_int_equal(cs_roster_round(0.0, &x, NULL), CS_OK);
    assert_int_equal(x, 0);
    cs_error e;
    assert_int_equal(cs_roster_round(NAN, &x, &e), CS_EINPUT);
    assert_int_equal(cs_roster_round(-3.0, &x, &e), CS_EINPUT);
    assert_int_equal(cs_roster_round(4294967296.0, &x, &e), CS_EINPUT);   /* 2^32 */
    assert_int_equal(x, 0);
    assert_non_null(strstr(e.msg, "handlers on duty"));
}

static void test_build(void **state)
{
    (void)state;
    /* Every day: early 06:00-16:00 (10 staff), late 14:00-24:00 (6 staff); 20% shrinkage. */
    cs_shift sh[2] = {{0x7Fu, 6 * H, 10 * H, 10, 0}, {0x7Fu, 14 * H, 10 * H, 6, 0}};
    cs_staffing st;
    assert_int_equal(cs_roster_build(sh, 2, 0.2, &st, NULL), CS_OK);
    /* Levels: 00-06 none, 06-14 8, 14-16 12.8 -> 13, 16-24 4.8 -> 5; the same every day, so
     * 4 steps a day, merged across midnight (0 at 24:00 and 0 at 00:00 are one step). */
    assert_true(st.at[0] == 0.0);
    assert_int_equal(st.level[0], 0);
    assert_int_equal(cs_roster_level_at(&st, 7 * H), 8);
    assert_int_equal(cs_roster_level_at(&st, 15 * H), 13);
    assert_int_equal(cs_roster_level_at(&st, 23 * H), 5);
    assert_int_equal(cs_roster_level_at(&st, 3 * D + 15 * H), 13);
    assert_int_equal(cs_roster_level_at(&st, 9 * D + 7 * H), 8);   /* week 2 */
    assert_int_equal(st.n, 1 + 7 * 3 + 6);   /* 0 at Mon 00:00, then 8, 13, 5, 0 per day */
    for (size_t i = 1; i < st.n; i++) {
        assert_true(st.at[i] > st.at[i - 1]);
        assert_true(st.level[i] != st.level[i - 1]);
    }
    cs_roster_fini(&st);
    assert_int_equal(st.n, 0);
    assert_null(st.at);
    cs_roster_fini(&st);   /* twice is harmless */
    cs_roster_fini(NULL);
}

static void test_constant(void **state)
{
    (void)state;
    cs_staffing st;
    assert_int_equal(cs_roster_constant(380, 0.0, &st, NULL), CS_OK);
    assert_int_equal(st.n, 1);
    assert_int_equal(cs_roster_level_at(&st, 123456.0), 380);
    cs_roster_fini(&st);
    assert_int_equal(cs_roster_constant(25, 0.3, &st, NULL), CS_OK);   /* 17.5 rounds up */
    assert_int_equal(st.level[0], 18);
    cs_roster_fini(&st);
    cs_staffing empty = {NULL, NULL, 0};
    assert_int_equal(cs_roster_level_at(&empty, 0.0), 0);
}

/* A level that does not fit an int is an input error with the time it happens, not a wrapped
 * negative headcount (defect D5). */
static void test_overflow_refused(void **state)
{
    (void)state;
    cs_staffing st;
    cs_error e;
    assert_int_equal(cs_roster_constant(3e9, 0.0, &st, &e), CS_EINPUT);
    assert_int_equal(st.n, 0);
    assert_null(st.at);
    cs_shift big = {1u << 2, 9 * H, 8 * H, 2147483648.0, 0};   /* Wednesday 09:00 */
    assert_int_equal(cs_roster_build(&big, 1, 0.0, &st, &e), CS_EINPUT);
    assert_int_equal(st.n, 0);
    assert_non_null(strstr(e.msg, "Wed 09:00"));
}


/* ---------------------------------------------------------------- random absence */

/* Integral of a run-long staffing over [a, b). */
static double area(const cs_staffing *st, double a, double b, double horizon)
{
    double sum = 0;
    for (size_t i = 0; i < st->n; i++) {
        double s0 = st->at[i], s1 = i + 1 < st->n ? st->at[i + 1] : horizon;
        double lo = s0 > a ? s0 : a, hi = s1 < b ? s1 : b;
        if (hi > lo) sum += st->level[i] * (hi - lo);
    }
    return sum;
}

static int level_at(const cs_staffing *st, double t)
{
    size_t i = 0;
    while (i + 1 < st->n && st->at[i + 1] <= t) i++;
    return st->level[i];
}

static cs_roster_people *people(const cs_shift *sh, size_t n, double headcount, double shrink,
                                double horizon)
{
    cs_clock clk;
    cs_clock_init(&clk);
    cs_roster_people *p = NULL;
    cs_error e;
    cs_status st = cs_roster_people_create(sh, n, headcount, shrink, &clk, horizon, &p, &e);
    if (st != CS_OK) fail_msg("%s", e.msg);
    return p;
}

/* With no shrinkage and no breaks, every draw is the roster itself, step for step. */
static void test_people_without_absence_is_the_roster(void **state)
{
    (void)state;
    cs_shift sh[3] = {{0x1Fu, 7 * H, 10 * H, 12, 0},          /* weekdays */
                      {0x7Fu, 15 * H, 10 * H, 7, 0},          /* every day, past midnight */
                      {1u << 6, 22 * H, 10 * H, 5, 0}};       /* Sunday night into Monday */
    const double horizon = 15 * D;
    cs_staffing weekly;
    assert_int_equal(cs_roster_build(sh, 3, 0.0, &weekly, NULL), CS_OK);
    cs_roster_people *p = people(sh, 3, 0, 0.0, horizon);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        const cs_staffing *st = cs_roster_people_draw(p, seed);
        assert_true(st->at[0] == 0.0);
        for (size_t i = 1; i < st->n; i++) {
            assert_true(st->at[i] > st->at[i - 1] && st->at[i] < horizon);
            assert_true(st->level[i] != st->level[i - 1]);
        }
        for (double t = 0; t < horizon; t += 900)
            assert_int_equal(level_at(st, t), cs_roster_level_at(&weekly, t));
        /* Monday 00:00 of week 1 already has the night shift begun the Sunday before. */
        assert_int_equal(st->level[0], 5 + 7);
    }
    cs_roster_people_destroy(p);
    /* A constant headcount without shrinkage is that many people, all the time. */
    p = people(NULL, 0, 380, 0.0, horizon);
    const cs_staffing *st = cs_roster_people_draw(p, 9);
    assert_int_equal(st->n, 1);
    assert_int_equal(st->level[0], 380);
    cs_roster_people_destroy(p);
    cs_roster_fini(&weekly);
}

/* Binomial(n, p) probabilities by the recurrence, for the chi-square below. */
static void binomial_pmf(int n, double p, double *pmf)
{
    pmf[0] = pow(1 - p, n);
    for (int k = 1; k <= n; k++) pmf[k] = pmf[k - 1] * (n - k + 1) / k * p / (1 - p);
}

/* Pearson chi-square of observed counts against n_obs x pmf, cells with an expectation under 5
 * pooled into their neighbour; returns the statistic and the degrees of freedom. */
static double chi_square(const double *obs, const double *pmf, int n, double n_obs, int *df)
{
    double chi = 0, o = 0, e = 0;
    int cells = 0;
    for (int k = 0; k <= n; k++) {
        o += obs[k];
        e += n_obs * pmf[k];
        if (e >= 5 || k == n) {
            chi += (o - e) * (o - e) / e;
            cells++;
            o = e = 0;
        }
    }
    *df = cells - 1;
    return chi;
}

/* The number present on a shift is Binomial(staff, 1 - shrinkage): the whole distribution by a
 * chi-square test over 200 seeds x 28 days, and its variance against n p q. */
static void test_people_present_is_binomial(void **state)
{
    (void)state;
    const int n = 20;
    const double s = 0.3, horizon = 28 * D;
    cs_shift sh = {0x7Fu, 8 * H, 8 * H, n, 0};
    cs_roster_people *p = people(&sh, 1, 0, s, horizon);
    double obs[21] = {0}, sum = 0, sum2 = 0, m = 0;
    for (uint64_t seed = 1; seed <= 200; seed++) {
        const cs_staffing *st = cs_roster_people_draw(p, cs_rng_seed_for(5, (uint32_t)seed, "absence/p"));
        for (int d = 0; d < 28; d++) {
            int k = level_at(st, d * D + 12 * H);
            assert_true(k >= 0 && k <= n);
            assert_int_equal(level_at(st, d * D + 3 * H), 0);   /* off shift */
            obs[k]++;
            sum += k;
            sum2 += (double)k * k;
            m++;
        }
    }
    double pmf[21], wrong[21];
    binomial_pmf(n, 1 - s, pmf);
    int df;
    double chi = chi_square(obs, pmf, n, m, &df);
    print_message("  present on a shift of %d, shrinkage %.0f%%: chi-square %.1f on %d df\n", n,
                  100 * s, chi, df);
    assert_true(df >= 8);
    assert_true(chi < gsl_cdf_chisq_Qinv(0.001, df));
    /* Variance n p q = 4.2; the sample variance's standard error from the binomial's fourth
     * central moment, mu4 = npq (1 + 3 (n - 2) p q). */
    double mean = sum / m, var = (sum2 - m * mean * mean) / (m - 1);
    double pq = s * (1 - s), mu4 = n * pq * (1 + 3 * (n - 2) * pq), sig2 = n * pq;
    double se = sqrt((mu4 - sig2 * sig2 * (m - 3) / (m - 1)) / m);
    print_message("  mean %.3f (binomial %.3f), variance %.3f (binomial %.3f, se %.3f)\n", mean,
                  n * (1 - s), var, sig2, se);
    assert_true(fabs(mean - n * (1 - s)) < 4 * sqrt(sig2 / m));
    assert_true(fabs(var - sig2) < 4 * se);
    /* Negative control: the same counts are far from a binomial with 25% absence. */
    binomial_pmf(n, 0.75, wrong);
    assert_true(chi_square(obs, wrong, n, m, &df) > 100);
    cs_roster_people_destroy(p);
}

/* On-duty time has mean staff x (1 - s) x (1 - breaks / length); one more person adds exactly
 * the on-duty time of the days they turn up, and every other absence stays as it was. */
static void test_people_mean_and_one_more(void **state)
{
    (void)state;
    const double s = 0.25, horizon = 4 * 7 * D;
    cs_shift a[2] = {{0x1Fu, 7 * H, 10 * H, 9, 1 * H}, {0x7Fu, 20 * H, 12 * H, 6, 45 * 60}};
    cs_shift b[2] = {{0x1Fu, 7 * H, 10 * H, 10, 1 * H}, {0x7Fu, 20 * H, 12 * H, 6, 45 * 60}};
    cs_roster_people *pa = people(a, 2, 0, s, horizon), *pb = people(b, 2, 0, s, horizon);
    const int reps = 300;
    double mean_a = 0, sum2_a = 0, dsum = 0, dsum2 = 0;
    /* Whole weeks from t = 0: the night shift begun before t = 0 reaches into the run by as
     * much as the last one is cut off at the end, so the expectation is whole shifts. */
    for (int r = 0; r < reps; r++) {
        uint64_t seed = cs_rng_seed_for(77, (uint32_t)r, "absence/p");
        double ia = area(cs_roster_people_draw(pa, seed), 0, horizon, horizon) / horizon;
        const cs_staffing *sb = cs_roster_people_draw(pb, seed);
        double ib = area(sb, 0, horizon, horizon) / horizon;
        /* The tenth person (j = 9) of shift 0 on each weekday: exactly their time is added. */
        int days = 0;
        for (long d = 0; d < 28; d++)
            if (d % 7 < 5 && cs_roster_person_u(seed, 0, d, 9) < 1 - s) days++;
        double added = days * 9 * H / horizon;
        if (fabs((ib - ia) - added) > 1e-9) fail_msg("rep %d: added %.12f, their own days give %.12f", r, ib - ia, added);
        mean_a += ia / reps;
        sum2_a += ia * ia;
        dsum += ib - ia;
        dsum2 += (ib - ia) * (ib - ia);
    }
    double expect = (1 - s) * (9 * (1 - 1.0 / 10) * 50 * H + 6 * (1 - 0.75 / 12) * 84 * H) / (7 * D);
    double dm = dsum / reps, dsd = sqrt((dsum2 - reps * dm * dm) / (reps - 1));
    double dexp = (1 - s) * 5 * 9 * H / (7 * D);   /* (1 - s) x (length - breaks) x 5 a week */
    double sd_a = sqrt((sum2_a - reps * mean_a * mean_a) / (reps - 1));
    print_message("  mean on duty %.4f ± %.4f (formula %.4f); one more person +%.5f ± %.5f "
                  "(formula %.5f)\n", mean_a, 2.6 * sd_a / sqrt(reps), expect, dm,
                  2.6 * dsd / sqrt(reps), dexp);
    /* 99% limits (z = 2.58) over 300 independent replications. */
    assert_true(fabs(mean_a - expect) < 2.6 * sd_a / sqrt(reps));
    assert_true(fabs(dm - dexp) < 2.6 * dsd / sqrt(reps));
    assert_true(dm > 0);
    cs_roster_people_destroy(pa);
    cs_roster_people_destroy(pb);
}

/* Breaks: none in the first or the last hour of a shift, at most one person at a time when
 * the window allows, and the break time is the configured share. */
static void test_people_breaks_staggered(void **state)
{
    (void)state;
    cs_shift sh = {0x7Fu, 8 * H, 10 * H, 8, 30 * 60};
    cs_roster_people *p = people(&sh, 1, 0, 0.0, 7 * D);
    const cs_staffing *st = cs_roster_people_draw(p, 3);
    for (int d = 0; d < 7; d++) {
        double t0 = d * D + 8 * H;
        for (double u = 0; u < 10 * H; u += 60) {
            int lv = level_at(st, t0 + u);
            if (u < 1 * H || u >= 9 * H) assert_int_equal(lv, 8);     /* handovers fully staffed */
            else assert_true(lv == 7 || lv == 8);   /* 8 x 30 min fit in 8 h one at a time */
        }
        assert_true(fabs(area(st, t0, t0 + 10 * H, 7 * D) - 8 * (10 * H - 30 * 60)) < 1e-6);
    }
    cs_roster_people_destroy(p);
}

/* A roster too large to draw person by person is refused with the way out in the message. */
static void test_people_too_large(void **state)
{
    (void)state;
    cs_shift sh = {0x7Fu, 8 * H, 10 * H, 50000, 30 * 60};
    cs_clock clk;
    cs_clock_init(&clk);
    cs_roster_people *p = NULL;
    cs_error e;
    assert_int_equal(cs_roster_people_create(&sh, 1, 0, 0.3, &clk, 365 * D, &p, &e), CS_EINPUT);
    assert_null(p);
    assert_non_null(strstr(e.msg, "absence: expected"));
}

/* The expected staffing laid over the run: the weekly steps at w x week + at, every week
 * boundary kept, nothing at or past the horizon. */
static void test_repeat(void **state)
{
    (void)state;
    cs_shift sh[2] = {{0x7Fu, 6 * H, 10 * H, 10, 0}, {0x7Fu, 14 * H, 10 * H, 6, 0}};
    cs_staffing w, run;
    assert_int_equal(cs_roster_build(sh, 2, 0.2, &w, NULL), CS_OK);
    assert_int_equal(cs_roster_repeat(&w, 15 * D, &run, NULL), CS_OK);
    size_t monday = 0;   /* steps of the week's first day: the part of week 3 in the run */
    while (w.at[monday] < D) monday++;
    assert_int_equal(monday, 4);   /* 00:00, 06:00, 14:00, 16:00 */
    assert_int_equal(run.n, 2 * w.n + monday);
    for (size_t i = 0; i < run.n; i++) {
        assert_true(run.at[i] == 7 * D * (double)(i / w.n) + w.at[i % w.n]);
        assert_int_equal(run.level[i], w.level[i % w.n]);
    }
    cs_roster_fini(&run);
    cs_staffing one = {NULL, NULL, 0};
    assert_int_equal(cs_roster_repeat(&one, 15 * D, &run, NULL), CS_OK);
    assert_int_equal(run.n, 1);
    assert_int_equal(run.level[0], 0);
    cs_roster_fini(&run);
    cs_roster_fini(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_on_duty),
        cmocka_unit_test(test_round),
        cmocka_unit_test(test_build),
        cmocka_unit_test(test_constant),
        cmocka_unit_test(test_overflow_refused),
        cmocka_unit_test(test_people_without_absence_is_the_roster),
        cmocka_unit_test(test_people_present_is_binomial),
        cmocka_unit_test(test_people_mean_and_one_more),
        cmocka_unit_test(test_people_breaks_staggered),
        cmocka_unit_test(test_people_too_large),
        cmocka_unit_test(test_repeat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
