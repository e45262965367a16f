/* Tests for the staffing planner's core: models/need (Erlang A per interval), experiments/isa
 * (the iterative staffing algorithm) and experiments/staff (cover, checks, budgets).
 *
 *  - A stationary M/M/n+M line (and M/M/n): the requirement is the smallest n that Erlang A (C)
 *    says meets the target, for 12, 105 and 358 handlers, with the service level binding or the
 *    abandonment ceiling binding.  Each target is placed halfway between what n - 1 and n
 *    handlers give, so the answer is n exactly and half a handler's effect from either side.
 *    Started 4 handlers below or above n, the rounds reach n (the fixed point is the answer).
 *    Negative control: with deterministic handle times Erlang A is wrong (it assumes
 *    exponential ones) and the simulation's requirement is below it: the simulation decides.
 *  - Time-varying demand with long calls: the requirement found keeps the service level stable
 *    across the day, while staffing each hour by Erlang A on its own arrivals (the pointwise
 *    estimate the algorithm starts from) does not: its service level swings with the lag of the
 *    load behind the arrivals.
 *  - Shifts: the roster covers the requirement after shrinkage and breaks in every interval,
 *    within the solver's stated gap of the LP bound; the shifts written back give the same
 *    expected staffing as the cover computed; a 4 on / 4 off rotation is written as its day and
 *    night watches; a budget is kept and buys less than the full plan.
 * Scenarios are YAML strings (the loader is how users give them). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "experiments/isa.h"
#include "experiments/staff.h"
#include "io/scenario.h"
#include "models/erlang.h"
#include "models/need.h"
#include "models/run.h"

static cs_scn *load(const char *yaml)
{
    cs_scn *s = NULL;
    cs_diags d = {0};
    cs_status st = cs_scn_load_string(yaml, NULL, &s, &d);
    if (st != CS_OK)
        for (size_t i = 0; i < d.n; i++) print_error("%s (at %s)\n", d.items[i].msg, d.items[i].path);
    cs_diags_free(&d);
    assert_int_equal(st, CS_OK);
    return s;
}

/* ---- stationary M/M/n+M ---------------------------------------------------------------------- */

typedef struct mm_case {
    double lambda, es, patience, within; /* patience 0 = never (Erlang C) */
    int n;                               /* the answer the target is built around */
    int abandon;                         /* 1: the ceiling binds instead of the service level */
    const char *handle;                  /* NULL: exponential */
    int reps;
} mm_case;

/* The target halfway between what n - 1 and n agents give (Erlang A or C). */
static double midpoint(const mm_case *c, double *margin)
{
    cs_erl_result a, b;
    cs_error e;
    if (c->patience > 0) {
        assert_int_equal(cs_erl_a(c->lambda, c->es, c->n - 1, c->patience, c->within, &a, &e), CS_OK);
        assert_int_equal(cs_erl_a(c->lambda, c->es, c->n, c->patience, c->within, &b, &e), CS_OK);
    } else {
        assert_int_equal(cs_erl_c(c->lambda, c->es, c->n - 1, c->within, &a, &e), CS_OK);
        assert_int_equal(cs_erl_c(c->lambda, c->es, c->n, c->within, &b, &e), CS_OK);
    }
    if (c->abandon) {
        *margin = 0.5 * (a.p_abandon - b.p_abandon);
        return 0.5 * (a.p_abandon + b.p_abandon);
    }
    *margin = 0.5 * (b.service_level - a.service_level);
    return 0.5 * (a.service_level + b.service_level);
}

/* One day measured (Monday 01:00-24:00 after an hour of warm-up), the staffing interval a day:
 * slot 0 is the measured one, the others keep the start. */
static cs_isa *run_mm(const mm_case *c, double target, const int *start, int *erlang_n)
{
    char handle[160], patience[96], tg[96], y[1400];
    if (c->handle) snprintf(handle, sizeof handle, "%s", c->handle);
    else snprintf(handle, sizeof handle, "{dist: exponential, mean: %.17gs}", c->es);
    if (c->patience > 0) snprintf(patience, sizeof patience, "{dist: exponential, mean: %.17gs}", c->patience);
    else snprintf(patience, sizeof patience, "never");
    if (c->abandon) snprintf(tg, sizeof tg, "{answer_within: %.17gs, max_abandon: %.12f%%}", c->within, 100 * target);
    else snprintf(tg, sizeof tg, "{answer_within: %.17gs, share: %.12f%%}", c->within, 100 * target);
    snprintf(y, sizeof y,
             "name: stationary\nhorizon: 24h\nwarmup: 1h\nreplications: %d\nseed: 11\n"
             "lines:\n  - name: L\n    arrivals: {rate: %.17g/s}\n    handle: %s\n    patience: %s\n    target: %s\n"
             "pools:\n  - name: P\n    lines: [L]\n    staff: %d\n",
             c->reps, c->lambda, handle, patience, tg, c->n);
    cs_scn *s = load(y);
    cs_isa_opts o = {0};
    o.interval = 86400;
    o.threads = 2;
    o.start = start;
    cs_isa *x = NULL;
    cs_error e;
    cs_status st = cs_isa_run(s, &o, &x, &e);
    if (st != CS_OK) print_error("%s\n", e.msg);
    assert_int_equal(st, CS_OK);
    /* The scenario's own staffing is back. */
    assert_int_equal(s->pools[0].n_shifts, 0);
    assert_true(s->pools[0].headcount == c->n);
    assert_int_equal(s->pools[0].staffing.level[0], c->n);
    *erlang_n = x->start[0];
    cs_scn_free(s);
    return x;
}

static void check_mm(const mm_case *c)
{
    double margin, target = midpoint(c, &margin);
    int start;
    cs_isa *x = run_mm(c, target, NULL, &start);
    /* The start is Erlang A's own answer ... */
    assert_int_equal(start, c->n);
    /* ... the simulation ran and measured the day ... */
    assert_true(x->rounds >= 1);
    assert_true(isfinite(x->sl[0]) && x->offered[0] > 0);
    /* ... and the requirement is the smallest n meeting the target. */
    if (x->required[0] != c->n)
        print_error("lambda %g es %g: required %d, Erlang says %d (target %.5f, margin %.5f, simulated sl %.5f ab %.5f)\n",
                    c->lambda, c->es, x->required[0], c->n, target, margin, x->sl[0], x->ab[0]);
    assert_int_equal(x->required[0], c->n);
    assert_true(x->converged);
    cs_isa_free(x);
}

static void test_stationary_small(void **state)
{
    (void)state;
    mm_case c = {0.05, 180, 300, 20, 12, 0, NULL, 20};
    check_mm(&c);
}

static void test_stationary_medium(void **state)
{
    (void)state;
    mm_case c = {0.5, 200, 180, 20, 105, 0, NULL, 20};
    check_mm(&c);
}

/* 358 agents, 2 calls a second: half a handler moves the service level by 0.48 points, which
 * 30 replications of a day resolve (development: the right answer on 10 of 10 seeds; with 10
 * replications, on 6 of 8). */
static void test_stationary_large(void **state)
{
    (void)state;
    mm_case c = {2.0, 180, 120, 10, 358, 0, NULL, 30};
    check_mm(&c);
}

static void test_stationary_abandon_ceiling(void **state)
{
    (void)state;
    mm_case c = {0.5, 200, 180, 20, 102, 1, NULL, 20};
    check_mm(&c);
}

static void test_stationary_erlang_c(void **state)
{
    (void)state;
    mm_case c = {0.25, 240, 0, 30, 66, 0, NULL, 20};
    check_mm(&c);
}

/* Started away from the answer (4 handlers short, then 4 too many, every day of the week), the
 * rounds reach Erlang A's n: the fixed point is the answer, not the start kept by the dead band
 * (which only holds an interval the simulation cannot tell from its target). */
static void test_stationary_from_away(void **state)
{
    (void)state;
    mm_case c = {0.5, 200, 180, 20, 105, 0, NULL, 20};
    double margin, target = midpoint(&c, &margin);
    for (int off = -4; off <= 4; off += 8) {
        int from[7], erl;
        for (int d = 0; d < 7; d++) from[d] = c.n + off;
        cs_isa *x = run_mm(&c, target, from, &erl);
        assert_int_equal(erl, c.n);
        print_message("from %d: required %d after %d rounds (sl %.4f, target %.4f)\n", c.n + off, x->required[0],
                      x->rounds, x->sl[0], target);
        assert_int_equal(x->required[0], c.n);
        assert_true(x->rounds >= 2);   /* it moved, then confirmed */
        assert_true(x->converged);
        cs_isa_free(x);
    }
}

/* Negative control: deterministic handle times.  Erlang A's answer (which assumes exponential
 * ones) is then too many; the simulation, which has the real times, needs fewer. */
static void test_simulation_decides(void **state)
{
    (void)state;
    mm_case c = {0.5, 200, 180, 20, 105, 0, "{dist: deterministic, value: 200s}", 20};
    double margin, target = midpoint(&c, &margin);
    int start;
    cs_isa *x = run_mm(&c, target, NULL, &start);
    assert_int_equal(start, 105);
    assert_true(x->required[0] < 105);
    /* ... and it still meets the target, in the simulation. */
    assert_true(x->sl[0] >= target);
    cs_isa_free(x);
}

/* ---- time-varying demand, long calls ------------------------------------------------------------ */

/* 40 to 160 calls an hour, peaking at 10:00-11:00, each an hour long: the load peaks after the
 * arrivals and stays up as they fall. */
static const char *tv_yaml =
    "name: long calls\nhorizon: 4d\nwarmup: 1d\nreplications: 40\nseed: 5\ninterval: 1h\n"
    "lines:\n  - name: L\n    arrivals:\n      per_day: 2400\n      profile:\n"
    "        hours: [0.4, 0.43, 0.52, 0.66, 0.83, 1.0, 1.17, 1.34, 1.48, 1.57, 1.6, 1.57,\n"
    "                1.48, 1.34, 1.17, 1.0, 0.83, 0.66, 0.52, 0.43, 0.4, 0.43, 0.52, 0.66]\n"
    "    handle: {dist: exponential, mean: 1h}\n    patience: {dist: exponential, mean: 10m}\n"
    "    target: {answer_within: 60s, share: 80%}\n"
    "pools:\n  - name: P\n    lines: [L]\n    staff: 100\n";

/* Mean, standard deviation and range over the measured hours of the service level by hour (from
 * results r, or the array sl when r is NULL). */
typedef struct spread {
    double mean, sd, lo, hi;
} spread;

static spread sl_spread(const double *sl, const cs_results *r, size_t ns)
{
    spread o = {0, 0, 1, 0};
    double s1 = 0, s2 = 0;
    int n = 0;
    for (size_t k = 0; k < ns; k++) {
        double v, h;
        if (r) cs_results_line_slots(r, 0, &k, 1, CS_IK_SERVICE_LEVEL, &v, &h);
        else v = sl[k];
        if (!isfinite(v)) continue;
        n++;
        s1 += v;
        s2 += v * v;
        if (v < o.lo) o.lo = v;
        if (v > o.hi) o.hi = v;
    }
    assert_true(n > 1);
    o.mean = s1 / n;
    o.sd = sqrt((s2 - s1 * s1 / n) / (n - 1));
    return o;
}

static void test_time_stable(void **state)
{
    (void)state;
    cs_scn *s = load(tv_yaml);
    cs_isa_opts o = {0};
    o.threads = 2;
    cs_isa *x = NULL;
    cs_error e;
    assert_int_equal(cs_isa_run(s, &o, &x, &e), CS_OK);
    size_t ns = x->n_slots;
    /* The pointwise Erlang A staffing (the start), simulated on the same seed. */
    cs_isa_saved sv = {0};
    s->interval = 3600;
    assert_int_equal(cs_isa_override(s, 0, x->start, ns, 3600, &sv, &e), CS_OK);
    cs_results *naive = NULL;
    assert_int_equal(cs_run(s, NULL, &naive, &e), CS_OK);
    spread nv = sl_spread(NULL, naive, ns), is = sl_spread(x->sl, NULL, ns);
    print_message("service level by hour: pointwise Erlang A %.3f to %.3f (mean %.3f, sd %.3f); iterative staffing "
                  "%.3f to %.3f (mean %.3f, sd %.3f), %d rounds\n",
                  nv.lo, nv.hi, nv.mean, nv.sd, is.lo, is.hi, is.mean, is.sd, x->rounds);
    /* The pointwise staffing swings: far below the 80% target after the peak, far above it
     * before (the load lags the arrivals by about an hour of handle time). */
    assert_true(nv.lo < 0.6 && nv.hi > 0.95);
    assert_true(nv.sd > 0.15);
    /* The iterative staffing holds every hour near the target.  Each hour's estimate has a 95%
     * interval of about +/-6 points with 40 replications of hour-long calls, so the spread
     * allowed is the noise, not the swing: an sd under a quarter of the pointwise one, a mean
     * just above the target, no hour more than 10 points below it. */
    assert_true(is.sd < 0.04 && is.sd < nv.sd / 4);
    assert_true(is.mean > 0.79 && is.mean < 0.86);
    assert_true(is.lo > 0.70);
    /* And the requirement lags the arrivals (peak hour 10:00, symmetric around it): the two
     * hours after the peak need more than the two before, and the requirement peaks at
     * 10:00-12:00.  (Slots 10 and 11 need nearly the same, so which of them is the single
     * highest is sampling noise, not the lag.) */
    int peak = 0;
    size_t at = 0;
    for (size_t k = 48; k < 72; k++)   /* Wednesday */
        if (x->required[k] > peak) {
            peak = x->required[k];
            at = k - 48;
        }
    assert_true(at >= 10 && at <= 12);
    assert_true(x->required[48 + 11] + x->required[48 + 12] > x->required[48 + 8] + x->required[48 + 9]);
    cs_results_free(naive);
    cs_isa_restore(s, 0, &sv);
    cs_isa_free(x);
    cs_scn_free(s);
}

/* ---- Erlang A per interval (models/need) ---------------------------------------------------- */

static void test_need_queue_targets(void **state)
{
    (void)state;
    /* 101 through an IVR that loses 4% and deflects 5%: 90% of all attempts within 30 s asks for
     * 98.9% of those reaching the queue; a 10% ceiling on abandonment leaves 6.6% for the
     * queue; 95% within 30 s is out of reach. */
    /* A format (the share is filled in): every literal % is written %%. */
    const char *y =
        "name: ivr\nlines:\n  - name: \"101\"\n    arrivals: {rate: 100/h}\n"
        "    ivr: {time: 30s, abandon: 4%%, deflect: 5%%}\n    handle: {dist: exponential, mean: 6m}\n"
        "    patience: {dist: exponential, mean: 5m}\n    target: {answer_within: 30s, share: %s, max_abandon: 10%%}\n"
        "pools:\n  - {name: P, lines: [\"101\"], staff: 20}\n";
    char buf[800];
    snprintf(buf, sizeof buf, y, "90%");
    cs_scn *s = load(buf);
    cs_need_target t[4];
    size_t n;
    cs_need_targets(s, 0, t, 4, &n);
    assert_int_equal(n, 1);
    assert_true(fabs(t[0].reach - 0.91) < 1e-12);
    assert_true(fabs(t[0].queue_target.share - 0.9 / 0.91) < 1e-12);
    assert_true(fabs(t[0].queue_target.max_abandon - 0.06 / 0.91) < 1e-12);
    assert_true(t[0].reachable);
    /* The exponential patience is used as it is. */
    assert_true(fabs(t[0].patience - 300) < 1e-6);
    double rate = 100.0 / 3600, lam, es;
    cs_need_load(s, 0, &rate, &lam, &es);
    assert_true(fabs(lam - rate * 0.91) < 1e-15);
    assert_true(fabs(es - 360) < 1e-9);
    cs_need nd;
    cs_error e;
    assert_int_equal(cs_need_pool(s, 0, &rate, &nd, &e), CS_OK);
    cs_erl_staffing ref;
    assert_int_equal(cs_erl_staff(lam, es, 300, &t[0].queue_target, 1000, &ref, &e), CS_OK);
    assert_int_equal(nd.n, ref.n);
    assert_int_equal(nd.unreachable, 0);
    cs_scn_free(s);
    snprintf(buf, sizeof buf, y, "95%");
    s = load(buf);
    cs_need_targets(s, 0, t, 4, &n);
    assert_false(t[0].reachable);
    assert_int_equal(cs_need_pool(s, 0, &rate, &nd, &e), CS_OK);
    assert_int_equal(nd.unreachable, 1);
    cs_scn_free(s);
}

/* ---- shifts -------------------------------------------------------------------------------------- */

static const char *shift_yaml =
    "name: shifts\nhorizon: 3d\nwarmup: 12h\nreplications: 8\nseed: 3\n"
    "lines:\n  - name: L\n    arrivals:\n      per_day: 1200\n      profile:\n"
    "        hours: [0.3, 0.3, 0.3, 0.3, 0.4, 0.6, 0.9, 1.2, 1.5, 1.6, 1.6, 1.5,\n"
    "                1.4, 1.4, 1.5, 1.5, 1.5, 1.4, 1.3, 1.1, 0.9, 0.7, 0.5, 0.4]\n"
    "    handle: {dist: exponential, mean: 5m}\n    patience: {dist: exponential, mean: 3m}\n"
    "    target: {answer_within: 20s, share: 80%%}\n"
    "pools:\n  - name: P\n    lines: [L]\n    shrinkage: 25%%\n    absence: %s\n    cost_per_hour: 20\n"
    "    roster:\n      - {days: all, start: \"06:00\", length: 8h, staff: 6, breaks: 30m}\n"
    "      - {days: all, start: \"14:00\", length: 8h, staff: 6, breaks: 30m}\n"
    "      - {days: all, start: \"22:00\", length: 8h, staff: 3, breaks: 30m}\n"
    "%s";

static cs_scn *shift_scn(const char *absence, const char *patterns)
{
    char y[2400];
    snprintf(y, sizeof y, shift_yaml, absence, patterns);
    return load(y);
}

static void check_cover(const cs_staff_plan *pl, const cs_scn *s)
{
    /* Every interval covered after shrinkage and breaks; the roster's written shifts give the
     * same expected on duty as the cover computed (the loader's formula, at the interval's
     * middle where no shift starts or ends inside an hour). */
    for (size_t p = 0; p < pl->n_pools; p++)
        for (size_t k = 0; k < pl->n_slots; k++) {
            double r = pl->cover_req[p * pl->n_slots + k], got = pl->rostered[p * pl->n_slots + k];
            assert_true(got >= r - 1e-9);
            assert_true(r >= pl->isa->required[p * pl->n_slots + k]);
            const cs_pool *P = &s->pools[p];
            if (P->absence == CS_ABSENCE_EXPECTED) {
                double t = ((double)k + 0.5) * pl->interval;
                double want = cs_roster_on_duty(P->shifts, P->n_shifts, P->shrinkage, t);
                assert_true(fabs(want - got) < 1e-9);
            }
        }
    /* Within the stated gap of the LP bound (the price of whole people on these shifts). */
    assert_true(pl->sol.lp_bound <= pl->sol.objective + 1e-6);
    print_message("cover: objective %.6g, LP bound %.6g, gap %.2f%%, proven gap %.2f%%\n", pl->sol.objective,
                  pl->sol.lp_bound, 100 * pl->sol.gap, 100 * pl->sol.proven_gap);
    assert_true(fabs(pl->sol.gap - (pl->sol.objective - pl->sol.lp_bound) / pl->sol.objective) < 1e-9);
    assert_true(pl->sol.gap >= 0 && pl->sol.gap < 0.10);
    /* Optimal within the default tolerance (1% of the best roster). */
    assert_int_equal(pl->sol.result, CS_COVER_OPTIMAL);
    assert_true(pl->sol.proven_gap <= 0.01 + 1e-9);
    /* Paid hours and cost add up over the shifts. */
    double h = 0, c = 0;
    for (size_t i = 0; i < pl->n_shifts; i++) {
        h += pl->shifts[i].paid_hours;
        c += pl->shifts[i].cost;
    }
    assert_true(fabs(h - pl->plan[0].paid_hours) < 1e-6);
    assert_true(fabs(c - pl->plan[0].cost) < 1e-6);
    assert_true(fabs(c - 20 * h) < 1e-6);
    assert_true(fabs(pl->sol.objective - c) < 1e-6);
}

static void test_plan_current_shifts(void **state)
{
    (void)state;
    cs_scn *s = shift_scn("expected", "");
    assert_true(fabs(s->pools[0].cost_per_hour - 20) < 1e-12);
    cs_staff_opts o = {0};
    o.isa.interval = 3600;
    o.isa.threads = 2;
    o.check_rounds = 2;
    cs_staff_plan *pl = NULL;
    cs_error e;
    cs_status st = cs_staff_plan_run(s, &o, &pl, &e);
    if (st != CS_OK) print_error("%s\n", e.msg);
    assert_int_equal(st, CS_OK);
    /* The current roster: 15 people a day, 8 h each, 7 days. */
    assert_true(fabs(pl->now[0].paid_hours - 15 * 8 * 7) < 1e-9);
    assert_true(fabs(pl->now[0].cost - 20 * 15 * 8 * 7) < 1e-9);
    check_cover(pl, s);
    /* Shifts only at the roster's three starts, and the scenario now runs them. */
    for (size_t i = 0; i < pl->n_shifts; i++) {
        double t = pl->shifts[i].start;
        assert_true(t == 6 * 3600 || t == 14 * 3600 || t == 22 * 3600);
        assert_true(pl->shifts[i].length == 8 * 3600);
    }
    assert_true(s->pools[0].n_shifts == pl->n_shifts);
    cs_staff_plan_free(pl);
    cs_scn_free(s);
}

static void test_plan_patterns_and_budget(void **state)
{
    (void)state;
    cs_scn *s = shift_scn("random",
                          "    patterns:\n"
                          "      - {name: early, start: \"05:00..09:00/1h\", length: 8h, breaks: 30m}\n"
                          "      - {name: late, start: \"13:00..17:00/2h\", length: 8h, breaks: 30m, by_day: false}\n"
                          "      - {name: watch, rotation: 4on4off, start: \"07:00\", night_start: \"19:00\", breaks: 1h}\n");
    assert_int_equal(s->pools[0].n_patterns, 3);
    cs_staff_opts o = {0};
    o.isa.interval = 3600;
    o.isa.threads = 2;
    o.check_rounds = -1;
    cs_staff_plan *pl = NULL;
    cs_error e;
    cs_status st = cs_staff_plan_run(s, &o, &pl, &e);
    if (st != CS_OK) print_error("%s\n", e.msg);
    assert_int_equal(st, CS_OK);
    print_message("least cost: %s, %.2f s\n", pl->sol.glpk_text, pl->sol.seconds);
    check_cover(pl, s);
    /* Only allowed starts; a rotation appears as its two watches with the same crew size. */
    int days = -1, nights = -1;
    for (size_t i = 0; i < pl->n_shifts; i++) {
        const cs_staff_shift *x = &pl->shifts[i];
        if (x->kind == CS_COVER_WATCHES) {
            assert_true(x->days == 0x7Fu && x->length == 12 * 3600);
            if (x->start == 7 * 3600) days = x->staff;
            else if (x->start == 19 * 3600) nights = x->staff;
            else fail_msg("a watch at %g", x->start);
            continue;
        }
        double h = x->start / 3600;
        assert_true((h >= 5 && h <= 9) || h == 13 || h == 15 || h == 17);
        if (h >= 13) assert_true(x->days == 0x7Fu);   /* by_day: false: one head count for all */
    }
    assert_int_equal(days, nights);
    /* Within a budget of 70% of the plan's paid hours: kept, and worse covered.  GLPK is slow to
     * prove the weighted budget problem (30 s reach a 4.9% proven gap here); what is asserted
     * holds for any feasible roster it returns, so the solves are cut at 2 s. */
    o.time_limit = 2;
    double budget = 0.7 * pl->sol.paid_hours;
    cs_cover_solution b = {0};
    st = cs_staff_budget(pl, s, CS_STAFF_WEEKLY, budget, CS_COVER_HOURS, &o, &b, &e);
    if (st != CS_OK) print_error("%s\n", e.msg);
    assert_int_equal(st, CS_OK);
    print_message("budget weekly: %s, %.2f s, gap %.2f%%\n", b.glpk_text, b.seconds, 100 * b.proven_gap);
    assert_true(b.result == CS_COVER_OPTIMAL || b.result == CS_COVER_FEASIBLE);
    assert_true(b.paid_hours <= budget + 1e-6);
    assert_true(b.total_short > 0);
    cs_cover_solution_free(&b);
    st = cs_staff_budget(pl, s, CS_STAFF_WORST, budget, CS_COVER_HOURS, &o, &b, &e);
    assert_int_equal(st, CS_OK);
    assert_true(b.paid_hours <= budget + 1e-6);
    print_message("budget worst: %s, %.2f s, gap %.2f%%\n", b.glpk_text, b.seconds, 100 * b.proven_gap);
    assert_true(b.worst_short > 0 && b.worst_short < 1);
    cs_cover_solution_free(&b);
    cs_staff_plan_free(pl);
    cs_scn_free(s);
}

/* A dated scenario is refused with advice, nothing run. */
static void test_dated_refused(void **state)
{
    (void)state;
    cs_scn *s = load("name: dated\nstart: 2025-04-01\nhorizon: 3d\nlines:\n  - name: L\n    arrivals: {rate: 10/h}\n"
                     "    handle: 5m\npools:\n  - {name: P, lines: [L], staff: 3}\n");
    cs_isa *x = NULL;
    cs_error e;
    assert_int_equal(cs_isa_run(s, NULL, &x, &e), CS_EINPUT);
    assert_null(x);
    assert_non_null(strstr(e.msg, "start:"));
    cs_scn_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_need_queue_targets),
        cmocka_unit_test(test_stationary_small),
        cmocka_unit_test(test_stationary_medium),
        cmocka_unit_test(test_stationary_large),
        cmocka_unit_test(test_stationary_abandon_ceiling),
        cmocka_unit_test(test_stationary_erlang_c),
        cmocka_unit_test(test_stationary_from_away),
        cmocka_unit_test(test_simulation_decides),
        cmocka_unit_test(test_time_stable),
        cmocka_unit_test(test_plan_current_shifts),
        cmocka_unit_test(test_plan_patterns_and_budget),
        cmocka_unit_test(test_dated_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
