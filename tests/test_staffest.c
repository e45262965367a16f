/* Tests for models/staffest: handlers available recovered from who answered each call.
 *
 * The known-answer test simulates a small control room here (its own code, not the engine):
 * named agents on shifts, Poisson arrivals, exponential talk times, one FIFO queue, no
 * abandonment.  Every agent is ready whenever on shift and idle, as the estimator assumes, so
 * the truth per 15 minutes is the number of agents on shift.  The log it writes (agent, talk
 * start and end; each caller's wait) goes through the estimator, which must come within one
 * handler of the truth in every interval, at a load (about 90% busy) where idle spells are
 * short.  Negative control: with no idle time at all (a log-off gap of one second) the
 * estimate misses by more than one handler somewhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "models/staffest.h"

#define DAY 86400.0
#define SLOT 900.0
#define N_SLOTS 288 /* 3 days of 15 minutes */
#define MAX_AGENTS 16

/* Shifts of the synthetic room: 5 agents at night, 12 by day, 8 in the evening. */
typedef struct shift {
    double from, to;   /* seconds of the day */
    int agents;
} shift;
static const shift SHIFTS[] = {{0, 8 * 3600, 5}, {8 * 3600, 16 * 3600, 12}, {16 * 3600, DAY, 8}};

static int on_shift(double t)
{
    double tod = fmod(t, DAY);
    for (size_t i = 0; i < sizeof SHIFTS / sizeof SHIFTS[0]; i++)
        if (tod >= SHIFTS[i].from && tod < SHIFTS[i].to) return SHIFTS[i].agents;
    return 0;
}

/* Arrival rate that keeps each shift about 90% busy with 300 s talk times. */
static double rate_at(double t) { return 0.9 * on_shift(t) / 300.0; }

/* A tiny discrete-event loop: the next event is the earliest of the next arrival, the next
 * talk end and the next shift edge (on the hour).  Agents 0..on_shift-1 are on shift; one
 * above the level finishes their call and leaves.  Waiting callers go to the agent idle the
 * longest, as ACDs route.  truth[] gets the time-average of agents logged in (on shift, or
 * finishing a call after it) per 15 minutes: what the estimator should recover. */
static void simulate(cs_staffest *e, double horizon, unsigned long seed, double *truth)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    double busy_until[MAX_AGENTS], started[MAX_AGENTS], idle_since[MAX_AGENTS];
    int busy[MAX_AGENTS];
    for (int i = 0; i < MAX_AGENTS; i++) {
        busy[i] = 0;
        idle_since[i] = 0;
    }
    for (size_t i = 0; i < N_SLOTS; i++) truth[i] = 0;
    double queue[4096];
    size_t qh = 0, qt = 0;
    double t = 0, next_arr = gsl_ran_exponential(r, 1.0 / rate_at(0));
    cs_error err = {CS_OK, ""};
    while (t < horizon) {
        double next_end = INFINITY;
        int who = -1;
        for (int i = 0; i < MAX_AGENTS; i++)
            if (busy[i] && busy_until[i] < next_end) {
                next_end = busy_until[i];
                who = i;
            }
        double next_edge = (floor(t / 3600) + 1) * 3600;
        double nt = fmin(next_arr, fmin(next_end, next_edge));
        if (nt > horizon) nt = horizon;
        /* Agents logged in over [t, nt), added to the truth slot by slot. */
        int level = on_shift(t), logged = 0;
        for (int i = 0; i < MAX_AGENTS; i++) logged += i < level || busy[i];
        for (double a = t; a < nt;) {
            size_t sl = (size_t)(a / SLOT);
            double b = fmin(nt, (double)(sl + 1) * SLOT);
            if (sl < N_SLOTS) truth[sl] += logged * (b - a) / SLOT;
            a = b;
        }
        t = nt;
        if (t >= horizon) break;
        if (t == next_end) {
            busy[who] = 0;
            idle_since[who] = t;
            assert_int_equal(cs_staffest_add(e, (uint64_t)who + 1, started[who], t, &err), CS_OK);
        } else {
            if (t == next_arr) queue[qt++ % 4096] = t;
            /* The rate is constant within the hour: drawing at the current rate and redrawing at
             * each edge is exact (memorylessness). */
            next_arr = t + gsl_ran_exponential(r, 1.0 / rate_at(t));
        }
        if (t == next_edge)   /* agents coming on shift start idle now */
            for (int i = 0; i < MAX_AGENTS; i++)
                if (!busy[i] && i >= on_shift(t - 1)) idle_since[i] = t;
        level = on_shift(t);
        while (qh < qt) {
            int pick = -1;
            for (int i = 0; i < level; i++)
                if (!busy[i] && (pick < 0 || idle_since[i] < idle_since[pick])) pick = i;
            if (pick < 0) break;
            double arr = queue[qh++ % 4096];
            if (t > arr) assert_int_equal(cs_staffest_add_wait(e, arr, t, &err), CS_OK);
            busy[pick] = 1;
            started[pick] = t;
            busy_until[pick] = t + gsl_ran_exponential(r, 300.0);
        }
    }
    gsl_rng_free(r);
}

/* Largest |estimate - truth| over the intervals, leaving out the first and the last, and the
 * first interval of a shift that brings agents in: an agent idle before their first call is
 * not seen (models/staffest.h, "limits"), and at the start of a log, a shift or the end of
 * the log nothing shows them.  There the estimate must fall short, by at most the agents who
 * joined, never exceed the truth by more than one. */
static double worst_gap(cs_staffest *e, double logoff, const double *truth)
{
    double *t = NULL;
    int *lv = NULL;
    size_t n = 0;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_staffest_steps(e, logoff, &t, &lv, &n, &err), CS_OK);
    double est[N_SLOTS];
    cs_staffest_average(t, lv, n, 0, SLOT, est, N_SLOTS);
    double worst = 0;
    for (size_t i = 1; i + 1 < N_SLOTS; i++) {
        double t0 = (double)i * SLOT;
        int joined = on_shift(t0 + 1) - on_shift(t0 - 1);
        if (fmod(t0, 3600) == 0 && joined > 0) {
            assert_true(est[i] <= truth[i] + 1 && est[i] >= truth[i] - joined);
            continue;
        }
        double d = fabs(est[i] - truth[i]);
        if (getenv("STAFFEST_DEBUG") && d > 1)
            print_message("slot %zu (%02zu:%02zu): est %.2f truth %.2f\n", i, (i % 96) / 4, (i % 4) * 15, est[i],
                          truth[i]);
        if (d > worst) worst = d;
    }
    free(t);
    free(lv);
    return worst;
}

static void test_recovers_staffing(void **state)
{
    (void)state;
    cs_staffest *e = cs_staffest_create();
    assert_non_null(e);
    double truth[N_SLOTS];
    simulate(e, 3 * DAY, 20240917, truth);
    assert_true(cs_staffest_agents(e) == 12);
    double w = worst_gap(e, 1800, truth);
    if (!(w <= 1.0)) {
        print_error("worst |estimate - truth| per 15 min = %.3f handlers\n", w);
        fail();
    }
    /* Negative control: with no idle time at all (every gap ends a session) the estimate is
     * the busy count, about 10% below the truth: more than a handler off by day. */
    assert_true(worst_gap(e, 1, truth) > 1.0);
    cs_staffest_destroy(e);
}

/* Without waits, the readiness rule cannot apply: every idle gap within a session counts, so
 * the same log gives at least as many handlers. */
static void test_without_waits_counts_all_idle(void **state)
{
    (void)state;
    cs_staffest *e = cs_staffest_create();
    cs_error err = {CS_OK, ""};
    /* Agent 7: calls 0-100, 150-200, 5000-5100 (a gap of 4800 s: logged off). */
    assert_int_equal(cs_staffest_add(e, 7, 0, 100, &err), CS_OK);
    assert_int_equal(cs_staffest_add(e, 7, 150, 200, &err), CS_OK);
    assert_int_equal(cs_staffest_add(e, 7, 5000, 5100, &err), CS_OK);
    /* Agent 9 overlaps agent 7's first session. */
    assert_int_equal(cs_staffest_add(e, 9, 50, 120, &err), CS_OK);
    double *t;
    int *lv;
    size_t n;
    assert_int_equal(cs_staffest_steps(e, 1800, &t, &lv, &n, &err), CS_OK);
    /* 0: 1 (agent 7), 50: 2, 120: 1 (agent 9 leaves), 200: 0, 5000: 1, 5100: 0. */
    const double wt[] = {0, 50, 120, 200, 5000, 5100};
    const int wl[] = {1, 2, 1, 0, 1, 0};
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++) {
        assert_true(t[i] == wt[i]);
        assert_int_equal(lv[i], wl[i]);
    }
    free(t);
    free(lv);
    /* A caller waiting over 120-140: agent 7's idle gap 100-150 loses those 20 s. */
    assert_int_equal(cs_staffest_add_wait(e, 120, 140, &err), CS_OK);
    assert_int_equal(cs_staffest_steps(e, 1800, &t, &lv, &n, &err), CS_OK);
    const double wt2[] = {0, 50, 120, 140, 200, 5000, 5100};
    const int wl2[] = {1, 2, 0, 1, 0, 1, 0};
    assert_int_equal(n, 7);
    for (size_t i = 0; i < n; i++) {
        assert_true(t[i] == wt2[i]);
        assert_int_equal(lv[i], wl2[i]);
    }
    double avg[2];
    cs_staffest_average(t, lv, n, 0, 100, avg, 2);
    assert_true(fabs(avg[0] - 1.5) < 1e-12);                 /* 50 s x 1 + 50 s x 2 */
    assert_true(fabs(avg[1] - (20 * 2 + 60 * 1) / 100.0) < 1e-12);
    free(t);
    free(lv);
    size_t counts[3];
    const double edges[] = {60, 3600};
    cs_staffest_gap_counts(e, edges, 2, counts);
    assert_int_equal(counts[0], 1);   /* 50 s */
    assert_int_equal(counts[1], 0);
    assert_int_equal(counts[2], 1);   /* 4800 s */
    cs_staffest_destroy(e);
}

/* After-call work: an agent who is not ready for W seconds after each call, then takes a waiting
 * caller at once.  Busy spells (a caller always waiting) show W exactly; quiet spells (the next
 * call is a new arrival nobody waited for, W + 200 s later) only that W was at most the gap.
 * W alternates 10 s and 50 s, so min(W, 60) is 10 or 50 with probability 1/2 (mean 30). */
static void wrap_log(cs_staffest *e, double w_even, double w_odd)
{
    cs_error err = {CS_OK, ""};
    double t = 0;
    for (int i = 0; i < 400; i++) {
        double w = i % 2 ? w_odd : w_even;
        assert_int_equal(cs_staffest_add(e, 3, t, t + 100, &err), CS_OK);
        int busy = (i / 20) % 2 == 0;   /* spells of 20 calls, busy then quiet */
        double next = t + 100 + w + (busy ? 0 : 200);
        /* Busy: the next caller waited since the middle of the call. */
        if (busy) assert_int_equal(cs_staffest_add_wait(e, t + 50, next, &err), CS_OK);
        t = next;
    }
}

static void test_wrap_recovered(void **state)
{
    (void)state;
    cs_staffest *e = cs_staffest_create();
    cs_error err = {CS_OK, ""};
    wrap_log(e, 10, 50);
    double q[100];
    cs_staffest_wrapfit wf;
    assert_int_equal(cs_staffest_wrap(e, 1800, 60, q, 100, &wf, &err), CS_OK);
    assert_int_equal(wf.gaps, 399);
    assert_int_equal(wf.exact, 200);   /* the busy spells' gaps */
    /* Exact observations: 100 of 10 s and 100 of 50 s; the censored ones (W <= 260 s, capped at
     * 60) agree with any W, so the estimate is the busy spells' distribution. */
    assert_true(fabs(wf.mean - 30) < 0.5);
    assert_true(wf.q1 == 10 && wf.q3 == 50);
    for (size_t i = 0; i < 100; i++) assert_true(q[i] == (i < 50 ? 10 : 50));
    /* On duty: with the wrap, the busy spells' gaps count whole (the level stays 1 from the
     * first call to the end of the 20th); without, each gap is a dip to 0 (a caller waited). */
    double *t, *t0;
    int *lv, *lv0;
    size_t n, n0;
    assert_int_equal(cs_staffest_steps_wrap(e, 1800, 60, &t, &lv, &n, &err), CS_OK);
    assert_int_equal(cs_staffest_steps(e, 1800, &t0, &lv0, &n0, &err), CS_OK);
    assert_true(t[0] == 0 && lv[0] == 1);
    assert_true(lv[1] == 0 || t[1] > 20 * 100 + 10 * 10 + 10 * 50 - 1);   /* first spell whole */
    assert_true(n0 > n);
    double a[1], a0[1];
    cs_staffest_average(t, lv, n, 0, 2000, a, 1);
    cs_staffest_average(t0, lv0, n0, 0, 2000, a0, 1);
    assert_true(fabs(a[0] - 1) < 1e-12);                 /* 0-2000 s: within the first busy spell */
    assert_true(fabs(a0[0] - 1570.0 / 2000) < 1e-12);    /* 15 calls and 70 s of the 16th; the rest dips */
    free(t);
    free(lv);
    free(t0);
    free(lv0);
    cs_staffest_destroy(e);
}

/* Not-ready spells longer than wrap_max: the wrap is capped there, and the rest of the gap (a
 * caller waiting) is off duty as before. */
static void test_wrap_capped(void **state)
{
    (void)state;
    cs_staffest *e = cs_staffest_create();
    cs_error err = {CS_OK, ""};
    wrap_log(e, 90, 90);
    double q[10];
    cs_staffest_wrapfit wf;
    assert_int_equal(cs_staffest_wrap(e, 1800, 60, q, 10, &wf, &err), CS_OK);
    assert_true(fabs(wf.mean - 60) < 1e-6);
    for (size_t i = 0; i < 10; i++) assert_true(q[i] == 60);
    double *t;
    int *lv;
    size_t n;
    assert_int_equal(cs_staffest_steps_wrap(e, 1800, 60, &t, &lv, &n, &err), CS_OK);
    /* First call 0-100, on duty to 160 (wrap), off 160-190 (a caller waited), next call at 190. */
    assert_true(t[0] == 0 && lv[0] == 1 && t[1] == 160 && lv[1] == 0 && t[2] == 190 && lv[2] == 1);
    free(t);
    free(lv);
    /* Negative control: without waits nothing can be estimated. */
    cs_staffest *e2 = cs_staffest_create();
    assert_int_equal(cs_staffest_add(e2, 1, 0, 100, &err), CS_OK);
    assert_int_equal(cs_staffest_add(e2, 1, 130, 200, &err), CS_OK);
    assert_int_equal(cs_staffest_wrap(e2, 1800, 60, q, 10, &wf, &err), CS_OK);
    assert_int_equal(wf.exact, 0);
    assert_int_equal(cs_staffest_wrap(e2, 1800, 0, q, 10, &wf, &err), CS_EINPUT);
    assert_int_equal(cs_staffest_steps_wrap(e2, 1800, -1, &t, &lv, &n, &err), CS_EINPUT);
    cs_staffest_destroy(e2);
    cs_staffest_destroy(e);
}

static void test_errors(void **state)
{
    (void)state;
    cs_staffest *e = cs_staffest_create();
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_staffest_add(e, 0, 0, 1, &err), CS_EINPUT);
    assert_int_equal(cs_staffest_add(e, 1, 10, 5, &err), CS_EINPUT);
    assert_int_equal(cs_staffest_add(e, 1, NAN, 5, &err), CS_EINPUT);
    assert_int_equal(cs_staffest_add_wait(e, 10, 5, &err), CS_EINPUT);
    double *t;
    int *lv;
    size_t n;
    assert_int_equal(cs_staffest_steps(e, 0, &t, &lv, &n, &err), CS_EINPUT);
    assert_int_equal(cs_staffest_steps(e, 60, &t, &lv, &n, &err), CS_OK);
    assert_null(t);
    assert_int_equal(n, 0);
    cs_staffest_destroy(e);
    cs_staffest_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recovers_staffing),
        cmocka_unit_test(test_without_waits_counts_all_idle),
        cmocka_unit_test(test_wrap_recovered),
        cmocka_unit_test(test_wrap_capped),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
