/* Tests for the requirement per interval (models/erlang: cs_erl_staff, cs_erl_sqrt_staffing,
 * cs_erl_staff_intervals): the answer must equal a brute-force scan of n = 1, 2, ... with the
 * plain Erlang C/A functions, on small and large (thousands of agents) cases, with the service
 * level binding, the abandonment ceiling binding, or both; unreachable targets, lambda = 0 and
 * parameter errors; the square-root start must land near the answer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/erlang.h"

/* Independent of cs_erl_staff's search: does n meet the target, straight from the formulas? */
static int brute_meets(double lambda, double es, double patience, const cs_erl_target *t, int n)
{
    cs_erl_result r;
    cs_error err;
    int use_c = !(patience > 0.0) || isinf(patience);
    if (use_c) {
        if (lambda * es >= (double)n)
            return 0;
        assert_int_equal(cs_erl_c(lambda, es, n, t->within, &r, &err), CS_OK);
        return t->share == 0.0 || r.service_level >= t->share;
    }
    assert_int_equal(cs_erl_a(lambda, es, n, patience, t->within, &r, &err), CS_OK);
    if (t->share > 0.0 && !(r.service_level >= t->share))
        return 0;
    if (t->max_abandon > 0.0 && !(r.p_abandon <= t->max_abandon))
        return 0;
    return 1;
}

/* Smallest n >= 1 meeting the target, scanning upwards; -1 if none up to max_n. */
static int brute_n(double lambda, double es, double patience, const cs_erl_target *t, int max_n)
{
    for (int n = 1; n <= max_n; n++)
        if (brute_meets(lambda, es, patience, t, n))
            return n;
    return -1;
}

typedef struct {
    double lambda, es, patience;
    cs_erl_target t;
} scase;

static void check_case(const scase *c, int max_n)
{
    cs_erl_staffing o;
    cs_error err;
    assert_int_equal(cs_erl_staff(c->lambda, c->es, c->patience, &c->t, max_n, &o, &err), CS_OK);
    int want = brute_n(c->lambda, c->es, c->patience, &c->t, max_n);
    if (o.n != want)
        print_error("lambda %g es %g patience %g T %g S %g A %g: got n = %d, brute force %d\n",
                    c->lambda, c->es, c->patience, c->t.within, c->t.share, c->t.max_abandon,
                    o.n, want);
    assert_int_equal(o.n, want);
    assert_true(o.met);
    /* Monotone beyond the answer, as the search assumes. */
    for (int k = 1; k <= 3 && o.n + k <= max_n; k++)
        assert_true(brute_meets(c->lambda, c->es, c->patience, &c->t, o.n + k));
    /* The reported performance is the performance at n. */
    if (c->t.share > 0.0)
        assert_true(o.r.service_level >= c->t.share);
    if (c->t.max_abandon > 0.0)
        assert_true(o.r.p_abandon <= c->t.max_abandon);
    assert_true(o.binding != 0u);
    assert_true(o.evaluations >= 1);
}

/* domain.md V1: 100 calls per 30 min, 180 s, 80% within 20 s needs 14 (13 gives 0.7956). */
static void test_known_erlang_c(void **state)
{
    (void)state;
    cs_erl_target t = {20.0, 0.8, 0.0};
    cs_erl_staffing o;
    cs_error err;
    assert_int_equal(cs_erl_staff(200.0 / 3600.0, 180.0, 0.0, &t, 1000, &o, &err), CS_OK);
    assert_int_equal(o.n, 14);
    assert_int_equal(o.binding, CS_ERL_BIND_SERVICE);
    /* Same answer as the existing service-level search. */
    int n_old;
    assert_int_equal(cs_erl_agents_for(200.0 / 3600.0, 180.0, 0.0, 20.0, 0.8, 1000, &n_old, &err),
                     CS_OK);
    assert_int_equal(o.n, n_old);
    /* Negative control: a looser target needs fewer. */
    t.share = 0.75;
    assert_int_equal(cs_erl_staff(200.0 / 3600.0, 180.0, 0.0, &t, 1000, &o, &err), CS_OK);
    assert_int_equal(o.n, 13);
}

static void test_small_cases_vs_brute_force(void **state)
{
    (void)state;
    const scase cases[] = {
        /* Erlang C, several loads and targets */
        {200.0 / 3600.0, 180.0, 0.0, {20.0, 0.8, 0.0}},
        {90.0 / 3600.0, 300.0, 0.0, {10.0, 0.9, 0.0}},
        {0.01, 240.0, INFINITY, {0.0, 0.5, 0.0}},
        {0.5, 200.0, 0.0, {15.0, 0.95, 0.0}},
        {0.001, 300.0, 0.0, {60.0, 0.99, 0.0}},
        /* Erlang C with only a ceiling: nobody abandons, so the answer is the stability edge */
        {200.0 / 3600.0, 180.0, 0.0, {0.0, 0.0, 0.1}},
        /* Erlang A, service level binding */
        {120.0 / 3600.0, 360.0, 900.0, {30.0, 0.8, 0.0}},
        {0.3, 300.0, 120.0, {10.0, 0.9, 0.0}},
        {2.0, 180.0, 60.0, {10.0, 0.9, 0.1}},
        /* Erlang A, high-entropy values */
        {0.0731, 271.3, 413.7, {17.3, 0.873, 0.0419}},
        {1.377, 93.1, 33.3, {5.0, 0.611, 0.0}},
        /* low load: one agent may already do */
        {0.0002, 200.0, 600.0, {20.0, 0.8, 0.1}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_case(&cases[i], 5000);
}

/* Thousands of agents: a = 4000 Erlangs (20 calls/s x 200 s), with and without patience. The
 * brute force scans every n from 1, so the search's jumps must land on the same integer. */
static void test_large_n_vs_brute_force(void **state)
{
    (void)state;
    const scase cases[] = {
        {20.0, 200.0, 0.0, {20.0, 0.8, 0.0}},
        {20.0, 200.0, 120.0, {20.0, 0.9, 0.0}},
        {15.0, 180.0, 300.0, {10.0, 0.0, 0.01}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        check_case(&cases[i], 20000);
        cs_erl_staffing o;
        cs_error err;
        assert_int_equal(cs_erl_staff(cases[i].lambda, cases[i].es, cases[i].patience,
                                      &cases[i].t, 20000, &o, &err),
                         CS_OK);
        assert_true(o.n > 2000);
        /* The QED start is close (within 1% here), so the search is short. */
        assert_true(abs(o.guess - o.n) <= o.n / 100 + 2);
        assert_true(o.evaluations <= 16);
    }
}

/* A target whose abandonment ceiling binds and whose service level does not: patient enough
 * callers with a lax service level but a tight ceiling. */
static void test_abandon_ceiling_binds(void **state)
{
    (void)state;
    const scase c = {0.2, 300.0, 60.0, {60.0, 0.5, 0.02}};
    check_case(&c, 5000);
    cs_erl_staffing o;
    cs_error err;
    assert_int_equal(cs_erl_staff(c.lambda, c.es, c.patience, &c.t, 5000, &o, &err), CS_OK);
    assert_int_equal(o.binding, CS_ERL_BIND_ABANDON);
    /* Negative control: without the ceiling, fewer agents meet the service level alone. */
    cs_erl_target sl_only = c.t;
    sl_only.max_abandon = 0.0;
    cs_erl_staffing o2;
    assert_int_equal(cs_erl_staff(c.lambda, c.es, c.patience, &sl_only, 5000, &o2, &err), CS_OK);
    assert_true(o2.n < o.n);
    assert_int_equal(o2.binding, CS_ERL_BIND_SERVICE);

    /* Only a ceiling, no service level at all. */
    const scase ab = {0.05, 240.0, 180.0, {0.0, 0.0, 0.05}};
    check_case(&ab, 5000);
    assert_int_equal(cs_erl_staff(ab.lambda, ab.es, ab.patience, &ab.t, 5000, &o, &err), CS_OK);
    assert_int_equal(o.binding, CS_ERL_BIND_ABANDON);
    /* A looser ceiling needs no more agents, a tighter one no fewer. */
    cs_erl_target loose = ab.t, tight = ab.t;
    loose.max_abandon = 0.2;
    tight.max_abandon = 0.005;
    cs_erl_staffing ol, ot;
    assert_int_equal(cs_erl_staff(ab.lambda, ab.es, ab.patience, &loose, 5000, &ol, &err), CS_OK);
    assert_int_equal(cs_erl_staff(ab.lambda, ab.es, ab.patience, &tight, 5000, &ot, &err), CS_OK);
    assert_true(ol.n <= o.n && o.n <= ot.n);
    assert_true(ol.n < ot.n);
}

static void test_unreachable(void **state)
{
    (void)state;
    cs_erl_staffing o;
    cs_error err;
    /* V1 needs 14; a cap of 13 cannot do it: a status, not an error. */
    cs_erl_target t = {20.0, 0.8, 0.0};
    assert_int_equal(cs_erl_staff(200.0 / 3600.0, 180.0, 0.0, &t, 13, &o, &err), CS_OK);
    assert_int_equal(o.met, 0);
    assert_int_equal(o.n, 13);
    assert_true(o.r.service_level < 0.8 && o.r.service_level > 0.7);
    /* Erlang C with the load above the cap: not even stable. */
    assert_int_equal(cs_erl_staff(200.0 / 3600.0, 180.0, 0.0, &t, 9, &o, &err), CS_OK);
    assert_int_equal(o.met, 0);
    assert_int_equal(o.n, 9);
    /* Erlang A: the cap below the counting bound a (1 - A). */
    cs_erl_target ab = {0.0, 0.0, 0.05};
    assert_int_equal(cs_erl_staff(1.0, 300.0, 60.0, &ab, 100, &o, &err), CS_OK);
    assert_int_equal(o.met, 0);
    assert_int_equal(o.n, 100);
    assert_true(o.r.p_abandon > 0.05);
    /* The same with room is met. */
    assert_int_equal(cs_erl_staff(1.0, 300.0, 60.0, &ab, 1000, &o, &err), CS_OK);
    assert_int_equal(o.met, 1);
    assert_true(o.n > 100 && o.n < 1000);
}

static void test_zero_demand_and_errors(void **state)
{
    (void)state;
    cs_erl_staffing o;
    cs_error err;
    cs_erl_target t = {20.0, 0.8, 0.1};
    assert_int_equal(cs_erl_staff(0.0, 180.0, 600.0, &t, 100, &o, &err), CS_OK);
    assert_int_equal(o.n, 0);
    assert_int_equal(o.met, 1);

    const cs_erl_target bad_share = {20.0, 1.0, 0.0};
    const cs_erl_target no_part = {20.0, 0.0, 0.0};
    const cs_erl_target bad_ab = {20.0, 0.8, 1.5};
    const cs_erl_target bad_within = {-1.0, 0.8, 0.0};
    assert_int_equal(cs_erl_staff(0.1, 180.0, 600.0, &bad_share, 100, &o, &err), CS_EDOM);
    assert_non_null(strstr(err.msg, "share"));
    assert_int_equal(cs_erl_staff(0.1, 180.0, 600.0, &no_part, 100, &o, &err), CS_EDOM);
    assert_non_null(strstr(err.msg, "no part"));
    assert_int_equal(cs_erl_staff(0.1, 180.0, 600.0, &bad_ab, 100, &o, &err), CS_EDOM);
    assert_non_null(strstr(err.msg, "abandonment"));
    assert_int_equal(cs_erl_staff(0.1, 180.0, 600.0, &bad_within, 100, &o, &err), CS_EDOM);
    assert_non_null(strstr(err.msg, "threshold"));
    assert_int_equal(cs_erl_staff(-0.1, 180.0, 600.0, &t, 100, &o, &err), CS_EDOM);
    assert_non_null(strstr(err.msg, "arrival rate"));
    assert_int_equal(cs_erl_staff(0.1, 0.0, 600.0, &t, 100, &o, &err), CS_EDOM);
    assert_non_null(strstr(err.msg, "handling"));
    assert_int_equal(cs_erl_staff(0.1, 180.0, NAN, &t, 100, &o, &err), CS_EDOM);
    assert_non_null(strstr(err.msg, "patience"));
    assert_int_equal(cs_erl_staff(0.1, 180.0, 600.0, &t, 0, &o, &err), CS_EDOM);
    assert_non_null(strstr(err.msg, "limit"));
    assert_int_equal(cs_erl_staff(0.1, 180.0, 600.0, NULL, 100, &o, &err), CS_EDOM);
}

/* The square-root start: Erlang C at beta from Halfin-Whitt reproduces the QED limit of
 * domain.md 4a (P(W>0) -> 0.2234 at beta = 1 means beta solves alpha = 0.2234 for T = 0). */
static void test_sqrt_staffing(void **state)
{
    (void)state;
    int n;
    double beta;
    cs_error err;
    /* T = 0: SL = 1 - P(W>0) = 1 - alpha(beta); at share 1 - 0.2234 beta must be ~1. */
    cs_erl_target t = {0.0, 1.0 - 0.22336, 0.0};
    assert_int_equal(cs_erl_sqrt_staffing(1.0, 400.0, 0.0, &t, &n, &beta, &err), CS_OK);
    assert_true(fabs(beta - 1.0) < 1e-3);
    assert_true(n == 420 || n == 421); /* 400 + 1 * 20, beta just above 1 */
    /* Erlang A at beta = 0: P(W>0) -> 1 / (1 + sqrt(theta / mu)); with theta = mu this is 1/2,
     * so a service level of 1/2 at T = 0 needs beta ~ 0. */
    cs_erl_target ta = {0.0, 0.5, 0.0};
    assert_int_equal(cs_erl_sqrt_staffing(1.0, 400.0, 400.0, &ta, &n, &beta, &err), CS_OK);
    assert_true(fabs(beta) < 1e-3);
    /* Overload is allowed under Erlang A: a lax abandonment ceiling gives a negative beta. */
    cs_erl_target lax = {0.0, 0.0, 0.3};
    assert_int_equal(cs_erl_sqrt_staffing(1.0, 400.0, 60.0, &lax, &n, &beta, &err), CS_OK);
    assert_true(beta < 0.0 && n < 400 && n >= 1);
    /* Erlang C never starts at or below the load. */
    cs_erl_target c0 = {0.0, 0.0, 0.1};
    assert_int_equal(cs_erl_sqrt_staffing(10.0 / 180.0, 180.0, 0.0, &c0, &n, NULL, &err), CS_OK);
    assert_true(n > 10);
}

static void test_intervals(void **state)
{
    (void)state;
    /* A day in hours: quiet night, busy evening, and one interval with no calls. */
    cs_erl_demand d[4] = {
        {0.0, 200.0, 600.0},
        {10.0 / 3600.0, 200.0, 600.0},
        {300.0 / 3600.0, 240.0, 600.0},
        {1500.0 / 3600.0, 240.0, 0.0},
    };
    cs_erl_target t = {20.0, 0.8, 0.1};
    int req[4];
    cs_erl_staffing det[4];
    size_t unreach = 99;
    cs_error err;
    assert_int_equal(cs_erl_staff_intervals(d, 4, &t, 500, req, det, &unreach, &err), CS_OK);
    assert_int_equal(unreach, 0);
    assert_int_equal(req[0], 0);
    for (int i = 1; i < 4; i++) {
        assert_int_equal(req[i], brute_n(d[i].lambda, d[i].mean_service, d[i].mean_patience, &t,
                                         500));
        assert_int_equal(det[i].n, req[i]);
    }
    assert_true(req[1] < req[2] && req[2] < req[3]);
    /* A cap hits the busiest interval only. */
    assert_int_equal(cs_erl_staff_intervals(d, 4, &t, req[3] - 1, req, NULL, &unreach, &err),
                     CS_OK);
    assert_int_equal(unreach, 1);
    /* An error names the interval. */
    d[2].mean_service = -1.0;
    assert_int_equal(cs_erl_staff_intervals(d, 4, &t, 500, req, NULL, NULL, &err), CS_EDOM);
    assert_non_null(strstr(err.msg, "interval 2"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_erlang_c),
        cmocka_unit_test(test_small_cases_vs_brute_force),
        cmocka_unit_test(test_large_n_vs_brute_force),
        cmocka_unit_test(test_abandon_ceiling_binds),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_zero_demand_and_errors),
        cmocka_unit_test(test_sqrt_staffing),
        cmocka_unit_test(test_intervals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
