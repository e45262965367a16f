/* Behaviour of the contact-centre model (issue: the caller's journey, staff and technology).
 *
 * Each test states a rule of the model and checks it on a small scenario, either exactly
 * (from the per-attempt trace: ordering, shifts, outages) or statistically against a closed
 * form with a confidence interval (redials, Erlang B blocking, shares).  Scenarios are written
 * in YAML, as a user would, and loaded with the real loader. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "io/scenario.h"
#include "models/erlang.h"
#include "models/kpi.h"
#include "models/run.h"
#include "sim/stat.h"

static cs_scn *load(const char *yaml)
{
    cs_scn *s = NULL;
    cs_diags d = {0};
    cs_status st = cs_scn_load_string(yaml, "test.yaml", &s, &d);
    if (st != CS_OK) {
        char buf[1024];
        for (size_t i = 0; i < d.n; i++) {
            cs_diag_format(&d.items[i], buf, sizeof buf);
            print_message("%s\n", buf);
        }
    }
    cs_diags_free(&d);
    assert_int_equal(st, CS_OK);
    return s;
}

typedef struct trace {
    cs_trace_rec *r;
    size_t n, cap;
} trace;

static void on_trace(void *ud, const cs_trace_rec *rec)
{
    trace *t = ud;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 4096;
        t->r = realloc(t->r, t->cap * sizeof *t->r);
        assert_non_null(t->r);
    }
    t->r[t->n++] = *rec;
}

static cs_results *run(const cs_scn *s, trace *t)
{
    cs_run_opts o;
    memset(&o, 0, sizeof o);
    o.threads = 2;
    if (t) {
        o.trace = on_trace;
        o.trace_ud = t;
    }
    cs_results *r = NULL;
    cs_error err;
    cs_status st = cs_run(s, &o, &r, &err);
    if (st != CS_OK) print_message("%s\n", err.msg);
    assert_int_equal(st, CS_OK);
    return r;
}

#define assert_near(a, b, tol) \
    do { \
        double a_ = (a), b_ = (b); \
        if (!(fabs(a_ - b_) <= (tol))) fail_msg("%s = %.9g, expected %.9g within %g", #a, a_, b_, (double)(tol)); \
    } while (0)

static double line_mean(const cs_results *r, size_t l, int k)
{
    double m, h;
    cs_results_line(r, l, k, &m, &h);
    return m;
}

static void assert_conservation(const cs_results *r)
{
    for (uint32_t i = 0; i < r->n_reps; i++)
        for (size_t l = 0; l < r->scn->n_lines; l++) {
            const double *c = cs_rs_line(&r->reps[i], l);
            double sum = c[CS_LC_ANSWERED] + c[CS_LC_ABANDONED_IVR] + c[CS_LC_ABANDONED_QUEUE] + c[CS_LC_CUT_OFF] +
                         c[CS_LC_DEFLECTED] + c[CS_LC_CALLBACK] + c[CS_LC_UNFINISHED];
            if (sum != c[CS_LC_OFFERED])
                fail_msg("rep %u line %zu: outcomes sum to %.0f, offered %.0f", i, l, sum, c[CS_LC_OFFERED]);
        }
}

/* ------------------------------------------------------------------------------------------ */

static const char *two_lines =
    "name: two lines\nhorizon: 3d\nwarmup: 0\nreplications: 6\nseed: 11\n"
    "lines:\n"
    "  - name: \"999\"\n    priority: 10\n    arrivals: {rate: 40/h}\n"
    "    handle: {dist: exponential, mean: 4m}\n    patience: {dist: exponential, mean: 2m}\n"
    "    target: {answer_within: 10s, share: 90%%}\n"
    "  - name: \"101\"\n    arrivals: {rate: 120/h}\n"
    "    handle: {dist: exponential, mean: 6m}\n    patience: {dist: exponential, mean: 8m}\n"
    "%s"
    "pools:\n  - name: blended\n    lines: [\"999\", \"101\"]\n    staff: 14\n";

static cs_scn *two_line_scn(const char *extra_101)
{
    char buf[4096];
    snprintf(buf, sizeof buf, two_lines, extra_101);
    return load(buf);
}

static void test_no_spillover_means_no_calls_from_101(void **st)
{
    (void)st;
    cs_scn *s = two_line_scn("");
    cs_results *r = run(s, NULL);
    for (uint32_t i = 0; i < r->n_reps; i++) {
        assert_true(cs_rs_line(&r->reps[i], 0)[CS_LC_FROM_OTHER] == 0);
        assert_true(cs_rs_line(&r->reps[i], 1)[CS_LC_SPILLED] == 0);
    }
    assert_conservation(r);
    cs_results_free(r);
    cs_scn_free(s);

    /* Control: with spillover on, callers do move, and every spilled caller arrives on 999
     * (up to those whose 999 call would fall after the end of the run). */
    s = two_line_scn("    spillover: {to: \"999\", share: 30%, delay: 10s}\n");
    r = run(s, NULL);
    double spilled = 0, arrived = 0;
    for (uint32_t i = 0; i < r->n_reps; i++) {
        spilled += cs_rs_line(&r->reps[i], 1)[CS_LC_SPILLED];
        arrived += cs_rs_line(&r->reps[i], 0)[CS_LC_FROM_OTHER];
    }
    assert_true(spilled > 100);
    assert_true(arrived <= spilled && arrived >= spilled - r->n_reps * 2.0);
    assert_conservation(r);
    cs_results_free(r);
    cs_scn_free(s);
}

/* On a strict-priority blended pool a handler who becomes free always takes a waiting 999
 * caller before any 101 caller: no 101 call is answered while a 999 caller is waiting. */
static void test_999_never_waits_behind_101(void **st)
{
    (void)st;
    cs_scn *s = two_line_scn("");
    trace t = {0};
    cs_results *r = run(s, &t);
    size_t n999 = 0, n101_answered_while_busy = 0;
    /* 999 waiting intervals (arrival, arrival + wait) of calls that waited. */
    double *a = malloc(t.n * sizeof *a), *b = malloc(t.n * sizeof *b);
    for (size_t i = 0; i < t.n; i++)
        if (t.r[i].line == 0 && t.r[i].wait > 0) {
            a[n999] = t.r[i].arrival;
            b[n999] = t.r[i].arrival + t.r[i].wait;
            n999++;
        }
    assert_true(n999 > 500);   /* the test means something only if 999 callers do queue */
    for (size_t i = 0; i < t.n; i++) {
        if (t.r[i].line != 1 || t.r[i].outcome != CS_OUT_ANSWERED) continue;
        double T = t.r[i].arrival + t.r[i].wait;
        if (t.r[i].wait > 0) n101_answered_while_busy++;
        for (size_t k = 0; k < n999; k++)
            if (a[k] < T && T < b[k]) fail_msg("101 call answered at t=%.3f while a 999 call waited (%.3f..%.3f)", T, a[k], b[k]);
    }
    assert_true(n101_answered_while_busy > 500);
    free(a);
    free(b);
    free(t.r);
    cs_results_free(r);
    cs_scn_free(s);
}

/* Handlers on a day shift never answer outside it; callers arriving at night wait or abandon. */
static void test_no_answer_outside_shift(void **st)
{
    (void)st;
    cs_scn *s = load("name: shift\nhorizon: 4d\nwarmup: 0\nreplications: 3\nseed: 5\n"
                     "lines:\n  - name: \"101\"\n    arrivals: {rate: 30/h}\n    allow_unstaffed: true\n"
                     "    handle: {dist: exponential, mean: 5m}\n    patience: {dist: exponential, mean: 3h}\n"
                     "pools:\n  - name: day\n    lines: [\"101\"]\n"
                     "    roster:\n      - {days: all, start: \"08:00\", length: 8h, staff: 4}\n");
    trace t = {0};
    cs_results *r = run(s, &t);
    size_t answered = 0, night_arrivals_answered = 0;
    for (size_t i = 0; i < t.n; i++) {
        if (t.r[i].outcome != CS_OUT_ANSWERED) continue;
        answered++;
        double T = t.r[i].arrival + t.r[i].wait;
        double tod = fmod(T, 86400.0);
        if (tod < 8 * 3600 || tod > 16 * 3600) fail_msg("answered at %.0f s after midnight, outside 08:00-16:00", tod);
        double atod = fmod(t.r[i].arrival, 86400.0);
        if (atod < 8 * 3600) night_arrivals_answered++;
    }
    assert_true(answered > 500);
    assert_true(night_arrivals_answered > 50);   /* night callers were answered once the shift began */
    /* On duty: 4 handlers x 8 h / 24 h, plus the few minutes a handler stays to finish the
     * call in hand at 16:00 (never more than half an hour a day here). */
    double m, h;
    cs_results_pool(r, 0, CS_PK_ON_DUTY, &m, &h);
    assert_true(m >= 4.0 * 8 / 24 && m <= 4.0 * 8.5 / 24);
    free(t.r);
    cs_results_free(r);
    cs_scn_free(s);
}

/* Every attempt arriving in a cut-off outage is cut off, and no other attempt is. */
static void test_outage_cuts_exactly_its_calls(void **st)
{
    (void)st;
    cs_scn *s = load("name: outage\nhorizon: 2d\nwarmup: 0\nreplications: 2\nseed: 9\n"
                     "lines:\n  - name: \"101\"\n    arrivals: {rate: 200/h}\n"
                     "    handle: {dist: exponential, mean: 3m}\n    patience: {dist: exponential, mean: 5m}\n"
                     "    redial: {probability: 50%, delay: {dist: exponential, mean: 10m}, max_attempts: 3}\n"
                     "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 12\n"
                     "outages:\n  - {name: down, start: \"Mon 18:00\", length: 2h, effect: cut_off}\n");
    trace t = {0};
    cs_results *r = run(s, &t);
    size_t in = 0;
    for (size_t i = 0; i < t.n; i++) {
        double a = t.r[i].arrival;
        int inside = a >= 18 * 3600 && a < 20 * 3600;
        in += (size_t)inside;
        if (inside != (t.r[i].outcome == CS_OUT_CUT_OFF))
            fail_msg("attempt at t=%.3f %s the outage ended '%s'", a, inside ? "inside" : "outside",
                     cs_outcome_name(t.r[i].outcome));
    }
    assert_true(in > 300);
    assert_conservation(r);
    free(t.r);
    cs_results_free(r);
    cs_scn_free(s);
}

/* When every attempt is cut off, a caller makes 1 + p + ... + p^(k-1) = (1-p^k)/(1-p)
 * attempts on average. */
static void test_redial_attempts_per_caller(void **st)
{
    (void)st;
    const double p = 0.6;
    const int k = 4;
    cs_scn *s = load("name: redial\nhorizon: 6d\nwarmup: 0\nreplications: 10\nseed: 3\n"
                     "lines:\n  - name: \"101\"\n    arrivals: {rate: 100/h}\n"
                     "    handle: {dist: exponential, mean: 3m}\n"
                     "    redial: {probability: 60%, delay: {dist: exponential, mean: 5m}, max_attempts: 4}\n"
                     "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 5\n"
                     "outages:\n  - {name: all down, start: \"Mon 00:00\", length: 7d, effect: cut_off}\n");
    cs_results *r = run(s, NULL);
    double *ratio = malloc(r->n_reps * sizeof *ratio);
    for (uint32_t i = 0; i < r->n_reps; i++) {
        const double *c = cs_rs_line(&r->reps[i], 0);
        assert_true(c[CS_LC_CUT_OFF] == c[CS_LC_OFFERED]);
        ratio[i] = c[CS_LC_OFFERED] / c[CS_LC_CALLERS];
    }
    double m, h;
    cs_ci(ratio, r->n_reps, 0.99, &m, &h);
    double expect = (1 - pow(p, k)) / (1 - p);
    print_message("  attempts per caller %.4f ± %.4f, theory %.4f\n", m, h, expect);
    assert_true(fabs(m - expect) <= h);
    assert_true(h < 0.02);
    /* Every caller is never reached. */
    assert_near(line_mean(r, 0, CS_LK_NEVER_REACHED_RATE), 1.0, 1e-12);
    free(ratio);
    cs_results_free(r);
    cs_scn_free(s);
}

/* With trunks = handlers and exponential everything, the line is an Erlang loss system: the
 * share cut off is Erlang B. */
static void test_trunks_give_erlang_b(void **st)
{
    (void)st;
    cs_scn *s = load("name: loss\nhorizon: 10d\nwarmup: 4h\nreplications: 10\nseed: 21\n"
                     "lines:\n  - name: \"101\"\n    arrivals: {rate: 120/h}\n    capacity: {trunks: 8}\n"
                     "    handle: {dist: exponential, mean: 4m}\n"
                     "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 8\n");
    cs_results *r = run(s, NULL);
    double m, h;
    cs_ci(cs_results_line_reps(r, 0, CS_LK_ABANDON_RATE), r->n_reps, 0.99, &m, &h);
    double b = cs_erl_b(120.0 / 3600 * 240, 8);
    print_message("  cut off %.5f ± %.5f, Erlang B %.5f\n", m, h, b);
    assert_true(fabs(m - b) <= h);
    assert_true(h < 0.01);
    assert_true(line_mean(r, 0, CS_LK_P_WAIT) == 0);   /* nobody ever queues */
    cs_results_free(r);
    cs_scn_free(s);
}

/* A rich journey: IVR, deflection, callbacks, transfers, queue places; every attempt ends
 * exactly one way, and the shares configured come back within binomial confidence limits. */
static void test_journey_shares_and_conservation(void **st)
{
    (void)st;
    cs_scn *s = load(
        "name: journey\nhorizon: 4d\nwarmup: 6h\nreplications: 8\nseed: 77\n"
        "lines:\n  - name: \"101\"\n    arrivals: {rate: 150/h}\n    capacity: {queue_places: 6}\n"
        "    ivr: {time: {dist: uniform, min: 20s, max: 40s}, abandon: 6%, deflect: 12%,\n"
        "          options: [{name: a, share: 70%}, {name: b, share: 30%, queue: b}]}\n"
        "    handle: {dist: lognormal, mean: 5m, sd: 4m}\n    wrap: 30s\n"
        "    patience: {dist: exponential, mean: 6m}\n"
        "    redial: {probability: 30%, delay: {dist: exponential, mean: 15m}, max_attempts: 3}\n"
        "    callback: {offer_when_wait_over: 3m, accept: 50%, deadline: 30m}\n"
        "    transfer: {share: 25%, queue: crb}\n"
        "queues:\n  - {name: b, line: \"101\", handle: {dist: exponential, mean: 3m}}\n"
        "  - {name: crb, line: \"101\", handle: {dist: exponential, mean: 10m}, patience: {dist: exponential, mean: 10m}}\n"
        "pools:\n  - name: front\n    lines: [\"101\", b]\n    staff: 9\n"
        "  - name: bureau\n    lines: [crb]\n    staff: 3\n");
    cs_results *r = run(s, NULL);
    assert_conservation(r);
    double off = 0, ivr_ab = 0, defl = 0, ans = 0, transferred = 0, cb = 0, cb_done = 0;
    for (uint32_t i = 0; i < r->n_reps; i++) {
        const double *c = cs_rs_line(&r->reps[i], 0);
        off += c[CS_LC_OFFERED];
        ivr_ab += c[CS_LC_ABANDONED_IVR];
        defl += c[CS_LC_DEFLECTED];
        ans += c[CS_LC_ANSWERED];
        transferred += c[CS_LC_TRANSFERRED];
        cb += c[CS_LC_CALLBACK];
        cb_done += c[CS_LC_CB_ON_TIME] + c[CS_LC_CB_LATE] + c[CS_LC_CB_MISSED];
    }
    /* Binomial checks at 4 standard errors (pooled over replications). */
#define NEAR_SHARE(x, n, p) assert_true(fabs((x) / (n) - (p)) <= 4 * sqrt((p) * (1 - (p)) / (n)))
    NEAR_SHARE(ivr_ab, off, 0.06);
    NEAR_SHARE(defl, off, 0.12);
    NEAR_SHARE(transferred, ans, 0.25);
#undef NEAR_SHARE
    assert_true(cb > 50);
    assert_true(cb_done <= cb);   /* a booking is counted once, dialled or missed */
    assert_true(line_mean(r, 0, CS_LK_CUT_OFF) > 0);     /* queue places do fill up */
    assert_true(line_mean(r, 0, CS_LK_TRANSFER_ABANDONED) > 0);
    cs_results_free(r);
    cs_scn_free(s);
}

/* Technology: a handle multiplier of 2 doubles the talk time of every answered call; a wrap
 * multiplier lowers occupancy; a cut in wrap-up never changes arrivals (common random numbers). */
static void test_technology_multipliers(void **st)
{
    (void)st;
    const char *base = "name: tech\nhorizon: 2d\nwarmup: 0\nreplications: 2\nseed: 4\n"
                       "lines:\n  - name: \"101\"\n    arrivals: {rate: 60/h}\n"
                       "    handle: {dist: deterministic, value: 3m}\n    wrap: 1m\n"
                       "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 6\n%s";
    char buf[2048];
    snprintf(buf, sizeof buf, base, "technology:\n  - {name: slow, on: handle, factor: 2}\n");
    cs_scn *s = load(buf);
    trace t = {0};
    cs_results *r = run(s, &t);
    size_t n = 0;
    for (size_t i = 0; i < t.n; i++)
        if (t.r[i].outcome == CS_OUT_ANSWERED) {
            assert_near(t.r[i].handle, 360.0, 1e-9);
            n++;
        }
    assert_true(n > 1000);
    free(t.r);
    cs_results_free(r);
    cs_scn_free(s);

    snprintf(buf, sizeof buf, base, "");
    s = load(buf);
    r = run(s, NULL);
    snprintf(buf, sizeof buf, base, "technology:\n  - {name: fast wrap, on: wrap, factor: 0.5}\n");
    cs_scn *s2 = load(buf);
    cs_results *r2 = run(s2, NULL);
    for (uint32_t i = 0; i < r->n_reps; i++)
        assert_true(cs_rs_line(&r->reps[i], 0)[CS_LC_OFFERED] == cs_rs_line(&r2->reps[i], 0)[CS_LC_OFFERED]);
    double o1, o2, h;
    cs_results_pool(r, 0, CS_PK_BUSY, &o1, &h);
    cs_results_pool(r2, 0, CS_PK_BUSY, &o2, &h);
    /* busy = arrival rate x (handle + wrap): 1/min x 4 min vs 1/min x 3.5 min */
    assert_true(fabs(o1 - 4.0) < 0.15 && fabs(o2 - 3.5) < 0.15);
    cs_results_free(r);
    cs_results_free(r2);
    cs_scn_free(s);
    cs_scn_free(s2);
}

/* A surge multiplies the arrival rate inside its window only. */
static void test_surge_window(void **st)
{
    (void)st;
    cs_scn *s = load("name: surge\nhorizon: 7d\nwarmup: 0\nreplications: 4\nseed: 8\n"
                     "lines:\n  - name: \"999\"\n    arrivals: {rate: 60/h}\n"
                     "    handle: {dist: exponential, mean: 2m}\n"
                     "pools:\n  - name: p\n    lines: [\"999\"]\n    staff: 30\n"
                     "surges:\n  - {name: storm, start: \"Wed 10:00\", length: 6h, factor: 3}\n");
    trace t = {0};
    cs_results *r = run(s, &t);
    double in = 0, out = 0;
    for (size_t i = 0; i < t.n; i++) {
        double a = t.r[i].arrival;
        if (a >= 2 * 86400 + 10 * 3600 && a < 2 * 86400 + 16 * 3600) in++;
        else out++;
    }
    /* The trace holds replication 1 only: 6 hours in the surge, 162 outside. */
    double rate_in = in / 6.0, rate_out = out / (7 * 24 - 6.0);   /* per hour */
    print_message("  rate in surge %.1f/h, outside %.1f/h\n", rate_in, rate_out);
    assert_true(fabs(rate_in - 180) < 4 * sqrt(180 / 6.0));
    assert_true(fabs(rate_out - 60) < 4 * sqrt(60 / 162.0));
    free(t.r);
    cs_results_free(r);
    cs_scn_free(s);
}

/* Overdispersion: daily counts vary more than Poisson when a daily factor is set, and by
 * the configured coefficient of variation. */
static void test_overdispersion(void **st)
{
    (void)st;
    cs_scn *s = load("name: od\nhorizon: 200d\nwarmup: 0\nreplications: 1\nseed: 13\n"
                     "lines:\n  - name: \"101\"\n    arrivals: {per_day: 2000, overdispersion: 20%}\n"
                     "    handle: {dist: exponential, mean: 1m}\n"
                     "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 10\n");
    trace t = {0};
    cs_results *r = run(s, &t);
    double days[200] = {0};
    for (size_t i = 0; i < t.n; i++)
        if (t.r[i].attempt == 1) days[(int)(t.r[i].arrival / 86400)]++;
    cs_tally tl;
    cs_tally_reset(&tl);
    for (int d = 0; d < 200; d++) cs_tally_add(&tl, days[d]);
    double var = cs_tally_variance(&tl), mean = tl.mean;
    double cv2 = (var - mean) / (mean * mean);
    print_message("  daily mean %.1f, var %.0f, estimated cv %.3f\n", mean, var, sqrt(fmax(cv2, 0)));
    assert_true(fabs(mean - 2000) < 4 * 0.2 * 2000 / sqrt(200.0));
    assert_true(sqrt(fmax(cv2, 0)) > 0.16 && sqrt(fmax(cv2, 0)) < 0.24);
    free(t.r);
    cs_results_free(r);
    cs_scn_free(s);
}

/* Replications give the same numbers whatever the thread count. */
static void test_thread_count_does_not_change_results(void **st)
{
    (void)st;
    cs_scn *s = two_line_scn("    redial: {probability: 40%, delay: {dist: exponential, mean: 5m}, max_attempts: 3}\n"
                             "    spillover: {to: \"999\", share: 10%}\n");
    cs_results *res[3];
    int threads[3] = {1, 2, 5};
    for (int k = 0; k < 3; k++) {
        cs_run_opts o;
        memset(&o, 0, sizeof o);
        o.threads = threads[k];
        cs_error err;
        assert_int_equal(cs_run(s, &o, &res[k], &err), CS_OK);
    }
    for (int k = 1; k < 3; k++)
        for (uint32_t i = 0; i < res[0]->n_reps; i++) {
            const cs_repstats *a = &res[0]->reps[i], *b = &res[k]->reps[i];
            assert_memory_equal(a->line, b->line, a->n_lines * CS_LC_N * sizeof(double));
            assert_memory_equal(a->pool, b->pool, a->n_pools * CS_PC_N * sizeof(double));
            assert_memory_equal(a->line_slot, b->line_slot, a->n_lines * a->n_slots * CS_IC_N * sizeof(double));
        }
    for (int k = 0; k < 3; k++) cs_results_free(res[k]);
    cs_scn_free(s);
}


/* Random absence, connection times and ring-backs keep results independent of the threads. */
static void test_threads_with_absence_connect_ringbacks(void **st)
{
    (void)st;
    cs_scn *s = two_line_scn("    redial: {probability: 40%, delay: {dist: exponential, mean: 5m}, max_attempts: 3}\n"
                             "    spillover: {to: \"999\", share: 10%}\n"
                             "    connect: {dist: uniform, min: 1.5s, max: 6s}\n"
                             "    ringback: {share: 50%, time: {dist: exponential, mean: 20m}, priority: 5}\n");
    s->pools[0].shrinkage = 0.3;   /* the pool's `staff: 14` people, absent at random */
    cs_results *res[3];
    int threads[3] = {1, 2, 5};
    for (int k = 0; k < 3; k++) {
        cs_run_opts o;
        memset(&o, 0, sizeof o);
        o.threads = threads[k];
        cs_error err;
        assert_int_equal(cs_run(s, &o, &res[k], &err), CS_OK);
    }
    assert_true(cs_rs_pool(&res[0]->reps[0], 0)[CS_PC_RB_MADE] > 0);
    for (int k = 1; k < 3; k++)
        for (uint32_t i = 0; i < res[0]->n_reps; i++) {
            const cs_repstats *a = &res[0]->reps[i], *b = &res[k]->reps[i];
            assert_memory_equal(a->line, b->line, a->n_lines * CS_LC_N * sizeof(double));
            assert_memory_equal(a->pool, b->pool, a->n_pools * CS_PC_N * sizeof(double));
            assert_memory_equal(a->line_slot, b->line_slot, a->n_lines * a->n_slots * CS_IC_N * sizeof(double));
        }
    /* Replications differ in who is absent. */
    assert_true(cs_rs_pool(&res[0]->reps[0], 0)[CS_PC_DUTY_AREA] != cs_rs_pool(&res[0]->reps[1], 0)[CS_PC_DUTY_AREA]);
    for (int k = 0; k < 3; k++) cs_results_free(res[k]);
    cs_scn_free(s);
}

/* ---------------------------------------------------------------- people, not fractions */

/* A pool on a roster with shrinkage and breaks and almost no calls (a handler finishing a
 * one-second call adds at most a second of duty): the mean on duty is staff x (1 - s) x
 * (1 - breaks / length) x the shift's share of the week, and one more person on a shift adds
 * (1 - s) x (1 - breaks / length) x that share, replication by replication on common random
 * numbers never less than 0. */
static const char *absence_yaml =
    "name: absence\nhorizon: 28d\nwarmup: 0\nreplications: 40\nseed: 31\n"
    "lines:\n  - name: \"101\"\n    arrivals: {rate: 1/h}\n    handle: 1s\n    allow_unstaffed: true\n"
    "pools:\n  - name: p\n    lines: [\"101\"]\n    shrinkage: 25%%\n%s"
    "    roster:\n      - {days: weekdays, start: \"07:00\", length: 10h, staff: %d, breaks: 1h}\n"
    "      - {days: all, start: \"19:00\", length: 12h, staff: 6}\n";

static cs_scn *absence_scn(int staff, const char *extra)
{
    char buf[2048];
    snprintf(buf, sizeof buf, absence_yaml, extra, staff);
    return load(buf);
}

static void test_absence_mean_and_one_more_person(void **st)
{
    (void)st;
    cs_scn *a = absence_scn(10, ""), *b = absence_scn(11, "");
    cs_results *ra = run(a, NULL), *rb = run(b, NULL);
    const double s = 0.25, week = 7 * 86400.0;
    double share = 5 * 10 * 3600.0 / week;
    double expect = (1 - s) * (10 * 0.9 * share + 6 * 7 * 12 * 3600.0 / week);
    double m, h;
    cs_ci(cs_results_pool_reps(ra, 0, CS_PK_ON_DUTY), ra->n_reps, 0.99, &m, &h);
    print_message("  on duty %.4f ± %.4f, staff x (1 - s) x (1 - breaks share) %.4f\n", m, h, expect);
    assert_true(fabs(m - expect) <= h);
    double d[40];
    for (uint32_t i = 0; i < ra->n_reps; i++) {
        d[i] = cs_results_pool_reps(rb, 0, CS_PK_ON_DUTY)[i] - cs_results_pool_reps(ra, 0, CS_PK_ON_DUTY)[i];
        assert_true(d[i] > -1e-3);   /* the same absences plus one more person */
    }
    cs_ci(d, ra->n_reps, 0.99, &m, &h);
    double dexp = (1 - s) * 0.9 * share;
    print_message("  one more person: %+.4f ± %.4f, (1 - s) x (1 - breaks share) x share %.4f\n", m, h, dexp);
    assert_true(fabs(m - dexp) <= h);
    assert_true(m - h > 0);
    cs_results_free(ra);
    cs_results_free(rb);
    cs_scn_free(a);
    cs_scn_free(b);

    /* Negative control, the defect of the issue: with absence: expected, 10 x 0.675 = 6.75 and
     * 11 x 0.675 = 7.425 both round to 7 on duty, so the eleventh person changes nothing. */
    a = absence_scn(10, "    absence: expected\n");
    b = absence_scn(11, "    absence: expected\n");
    ra = run(a, NULL);
    rb = run(b, NULL);
    for (uint32_t i = 0; i < ra->n_reps; i++)
        assert_near(cs_results_pool_reps(rb, 0, CS_PK_ON_DUTY)[i], cs_results_pool_reps(ra, 0, CS_PK_ON_DUTY)[i], 1e-3);
    cs_results_free(ra);
    cs_results_free(rb);
    cs_scn_free(a);
    cs_scn_free(b);
}

/* With no shrinkage and no breaks, random absence is the roster itself: the same handlers on
 * duty and the same callers served as with absence: expected. */
static void test_absence_none_is_the_roster(void **st)
{
    (void)st;
    const char *y = "name: exact\nhorizon: 9d\nwarmup: 1d\nreplications: 3\nseed: 8\n"
                    "lines:\n  - name: \"101\"\n    arrivals: {rate: 50/h}\n"
                    "    handle: {dist: exponential, mean: 5m}\n    patience: {dist: exponential, mean: 4m}\n"
                    "    allow_unstaffed: true\n"
                    "pools:\n  - name: p\n    lines: [\"101\"]\n    absence: %s\n"
                    "    roster:\n      - {days: all, start: \"06:00\", length: 10h, staff: 6}\n"
                    "      - {days: weekdays, start: \"14:00\", length: 12h, staff: 5}\n";
    char buf[1024];
    snprintf(buf, sizeof buf, y, "random");
    cs_scn *a = load(buf);
    snprintf(buf, sizeof buf, y, "expected");
    cs_scn *b = load(buf);
    cs_results *ra = run(a, NULL), *rb = run(b, NULL);
    for (uint32_t i = 0; i < ra->n_reps; i++) {
        const double *ca = cs_rs_line(&ra->reps[i], 0), *cb = cs_rs_line(&rb->reps[i], 0);
        assert_true(ca[CS_LC_OFFERED] == cb[CS_LC_OFFERED]);
        assert_true(ca[CS_LC_ANSWERED] == cb[CS_LC_ANSWERED]);
        assert_true(ca[CS_LC_ABANDONED_QUEUE] == cb[CS_LC_ABANDONED_QUEUE]);
        assert_near(cs_rs_pool(&ra->reps[i], 0)[CS_PC_DUTY_AREA], cs_rs_pool(&rb->reps[i], 0)[CS_PC_DUTY_AREA], 1e-6);
    }
    cs_results_free(ra);
    cs_results_free(rb);
    cs_scn_free(a);
    cs_scn_free(b);
}

/* staff: 20 with 30% shrinkage is 20 people a day, each absent with probability 0.3: over one
 * day the mean on duty is the number present, Binomial(20, 0.7), so across replications its
 * variance is 20 x 0.7 x 0.3 = 4.2 (chi-square limits for the sample variance). */
static void test_absence_variance_is_binomial(void **st)
{
    (void)st;
    cs_scn *s = load("name: var\nhorizon: 1d\nwarmup: 0\nreplications: 400\nseed: 12\n"
                     "lines:\n  - name: \"101\"\n    arrivals: {rate: 1/h}\n    handle: 1s\n"
                     "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 20\n    shrinkage: 30%\n");
    cs_results *r = run(s, NULL);
    const double *v = cs_results_pool_reps(r, 0, CS_PK_ON_DUTY);
    cs_tally t;
    cs_tally_reset(&t);
    for (uint32_t i = 0; i < r->n_reps; i++) cs_tally_add(&t, v[i]);
    double var = cs_tally_variance(&t), n = r->n_reps;
    /* The sample variance's standard error from the binomial's fourth central moment. */
    double pq = 0.21, mu4 = 20 * pq * (1 + 3 * 18 * pq), sig2 = 20 * pq;
    double se = sqrt((mu4 - sig2 * sig2 * (n - 3) / (n - 1)) / n);
    print_message("  on duty over a day: mean %.3f (14), variance %.3f (binomial 4.2 ± %.3f)\n", t.mean, var, se);
    assert_true(fabs(t.mean - 14) < 4 * sqrt(sig2 / n));
    assert_true(fabs(var - sig2) < 4 * se);
    /* Negative control: with absence: expected the level is the rounded 14, every time. */
    cs_results_free(r);
    cs_scn_free(s);
    s = load("name: var\nhorizon: 1d\nwarmup: 0\nreplications: 5\nseed: 12\n"
             "lines:\n  - name: \"101\"\n    arrivals: {rate: 1/h}\n    handle: 1s\n"
             "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 20\n    shrinkage: 30%\n    absence: expected\n");
    r = run(s, NULL);
    for (uint32_t i = 0; i < r->n_reps; i++) assert_near(cs_results_pool_reps(r, 0, CS_PK_ON_DUTY)[i], 14.0, 1e-3);
    cs_results_free(r);
    cs_scn_free(s);
}

/* ---------------------------------------------------------------- BT connection time */

/* A deterministic connection of d seconds and more handlers than callers: every answered
 * call waits exactly d, so ASA is d and the service level within T is 0 when d > T, 1 when
 * d <= T.  A caller whose patience is shorter than d hangs up while connecting. */
static void test_connect_delay_in_the_wait(void **st)
{
    (void)st;
    const char *y = "name: bt\nhorizon: 2d\nwarmup: 0\nreplications: 2\nseed: 6\n"
                    "lines:\n  - name: \"999\"\n    arrivals: {rate: 60/h}\n    connect: %s\n"
                    "    handle: {dist: exponential, mean: 2m}\n%s"
                    "    target: {answer_within: 10s, share: 90%%}\n"
                    "pools:\n  - name: p\n    lines: [\"999\"]\n    staff: 40\n";
    char buf[1024];
    snprintf(buf, sizeof buf, y, "12s", "");
    cs_scn *s = load(buf);
    trace t = {0};
    cs_results *r = run(s, &t);
    size_t n = 0;
    for (size_t i = 0; i < t.n; i++) {
        if (t.r[i].outcome != CS_OUT_ANSWERED) continue;
        assert_near(t.r[i].wait, 12.0, 1e-9);
        n++;
    }
    assert_true(n > 2000);
    assert_near(line_mean(r, 0, CS_LK_ASA), 12.0, 1e-9);
    assert_true(line_mean(r, 0, CS_LK_SERVICE_LEVEL) == 0.0);
    assert_true(line_mean(r, 0, CS_LK_P_WAIT) == 0.0);   /* nobody queued for a handler */
    assert_conservation(r);
    free(t.r);
    cs_results_free(r);
    cs_scn_free(s);

    snprintf(buf, sizeof buf, y, "{dist: uniform, min: 1.5s, max: 6s}", "");
    s = load(buf);
    r = run(s, NULL);
    assert_true(line_mean(r, 0, CS_LK_SERVICE_LEVEL) == 1.0);
    assert_near(line_mean(r, 0, CS_LK_ASA), 3.75, 0.1);   /* the mean of U(1.5, 6) */
    cs_results_free(r);
    cs_scn_free(s);

    /* Patience 5 s: everyone hangs up during a 12-second connection, after 5 s. */
    snprintf(buf, sizeof buf, y, "12s", "    patience: 5s\n");
    s = load(buf);
    memset(&t, 0, sizeof t);
    r = run(s, &t);
    for (size_t i = 0; i < t.n; i++) {
        assert_int_equal(t.r[i].outcome, CS_OUT_ABANDONED_QUEUE);
        assert_near(t.r[i].wait, 5.0, 1e-9);
    }
    assert_true(t.n > 2000);
    assert_near(line_mean(r, 0, CS_LK_ABANDON_RATE), 1.0, 1e-12);
    assert_near(line_mean(r, 0, CS_LK_MEAN_WAIT), 5.0, 1e-9);
    assert_conservation(r);
    free(t.r);
    cs_results_free(r);
    cs_scn_free(s);
}

/* ---------------------------------------------------------------- ring-backs */

/* A known abandonment count and share: the abandonments within 20 s of dialling (from the
 * trace) are booked for a ring-back with probability 40% (binomial limits), each made at once
 * by a team with time to spare, each taking 20 minutes (no arrivals in the last hour, so none
 * is cut by the end): hours = made / 3 exactly, and the share of the team's time follows. */
static void test_ringback_workload(void **st)
{
    (void)st;
    cs_scn *s = load("name: rb\nhorizon: 3d\nwarmup: 0\nreplications: 1\nseed: 19\n"
                     "lines:\n  - name: \"999\"\n"
                     "    arrivals: {rates: [{days: [mon, tue], from: \"00:00\", to: \"24:00\", rate: 120/h},\n"
                     "                       {days: [wed], from: \"00:00\", to: \"23:00\", rate: 120/h}]}\n"
                     "    allow_unstaffed: true\n"
                     "    handle: {dist: exponential, mean: 3m}\n"
                     "    patience: {dist: mixture, components: [{share: 30%, dist: exponential, mean: 8s},\n"
                     "                                           {share: 70%, dist: exponential, mean: 90s}]}\n"
                     "    ringback: {share: 40%, within: 20s, time: 20m, pool: ring-back team}\n"
                     "queues:\n  - {name: admin, line: \"999\", handle: 1m}\n"
                     "pools:\n  - name: handlers\n    lines: [\"999\"]\n    staff: 5\n"
                     "  - name: ring-back team\n    lines: [admin]\n    staff: 40\n    absence: expected\n");
    /* The team's queue receives no calls: its handlers make ring-backs only. */
    trace t = {0};
    cs_results *r = run(s, &t);
    double within = 0, abandoned = 0;
    for (size_t i = 0; i < t.n; i++)
        if (t.r[i].outcome == CS_OUT_ABANDONED_QUEUE) {
            abandoned++;
            if (t.r[i].wait <= 20.0) within++;
        }
    const double *c = cs_rs_line(&r->reps[0], 0), *pc = cs_rs_pool(&r->reps[0], 1);
    assert_true(abandoned == c[CS_LC_ABANDONED_QUEUE]);
    assert_true(within > 500 && within < abandoned);
    double booked = c[CS_LC_RB_BOOKED];
    print_message("  %.0f abandoned, %.0f within 20 s, %.0f booked (40%% expects %.0f ± %.0f)\n", abandoned,
                  within, booked, 0.4 * within, 4 * sqrt(within * 0.24));
    assert_true(fabs(booked - 0.4 * within) <= 4 * sqrt(within * 0.24));
    assert_true(pc[CS_PC_RB_MADE] == booked);
    assert_true(cs_rs_pool(&r->reps[0], 0)[CS_PC_RB_MADE] == 0);
    assert_near(c[CS_LC_RB_WAIT_SUM], 0.0, 1e-9);   /* made as soon as booked */
    double hours, ci;
    cs_results_pool(r, 1, CS_PK_RINGBACK_HOURS, &hours, &ci);
    assert_near(hours, booked / 3.0, 1e-6);
    double share;
    cs_results_pool(r, 1, CS_PK_RINGBACK_SHARE, &share, &ci);
    assert_near(share, booked * 1200.0 / (40 * 3 * 86400.0), 1e-9);
    double busy;
    cs_results_pool(r, 1, CS_PK_BUSY, &busy, &ci);
    assert_near(busy, booked * 1200.0 / (3 * 86400.0), 1e-6);   /* busy with ring-backs only */
    free(t.r);
    cs_results_free(r);
    cs_scn_free(s);
}

/* Priority: a pool whose 101 queue never empties makes no ring-back of 999 abandonments that
 * rank after live calls (the default, or a priority not above 101's), and makes them all when
 * they rank above 101; ranked above 999 as well, they are made sooner still. */
static void test_ringback_priority(void **st)
{
    (void)st;
    const char *y = "name: rbp\nhorizon: 2d\nwarmup: 0\nreplications: 2\nseed: 23\n"
                    "lines:\n  - name: \"999\"\n    priority: 10\n    arrivals: {rate: 20/h}\n"
                    "    handle: {dist: exponential, mean: 3m}\n    patience: {dist: exponential, mean: 30s}\n"
                    "    ringback: {time: 5m%s}\n"
                    "  - name: \"101\"\n    priority: 1\n    arrivals: {rate: 200/h}\n"
                    "    handle: {dist: exponential, mean: 3m}\n"
                    "pools:\n  - name: p\n    lines: [\"999\", \"101\"]\n    staff: 6\n";
    const char *prio[4] = {"", ", priority: 1", ", priority: 5", ", priority: 20"};
    double wait[4] = {0}, made[4] = {0}, booked[4] = {0};
    for (int k = 0; k < 4; k++) {
        char buf[1024];
        snprintf(buf, sizeof buf, y, prio[k]);
        cs_scn *s = load(buf);
        cs_results *r = run(s, NULL);
        double ci;
        cs_results_pool(r, 0, CS_PK_RINGBACKS_MADE, &made[k], &ci);
        cs_results_line(r, 0, CS_LK_RINGBACKS, &booked[k], &ci);
        cs_results_line(r, 0, CS_LK_RINGBACK_WAIT, &wait[k], &ci);
        print_message("  ring-back%s: %.0f booked, %.0f made, mean wait %.1f s\n", prio[k], booked[k], made[k], wait[k]);
        cs_results_free(r);
        cs_scn_free(s);
    }
    for (int k = 0; k < 4; k++) assert_true(booked[k] > 100);
    assert_true(made[0] == 0 && made[1] == 0);          /* after 101, which never empties */
    assert_true(made[2] >= booked[2] - 2 && made[3] >= booked[3] - 2);   /* before 101 */
    assert_true(wait[3] < wait[2]);                       /* before 999 too: sooner */
}

/* ---------------------------------------------------------------- callers across lines */

static const char *across_yaml =
    "name: across\nhorizon: 4d\nwarmup: 12h\nreplications: 10\nseed: 41\n"
    "lines:\n  - name: \"999\"\n    priority: 10\n    arrivals: {rate: 30/h}\n"
    "    handle: {dist: exponential, mean: 4m}\n    patience: {dist: exponential, mean: 1m}\n"
    "    redial: {probability: 40%%, delay: {dist: exponential, mean: 2m}, max_attempts: 3}\n"
    "  - name: \"101\"\n    arrivals: {rate: 120/h}\n"
    "    handle: {dist: exponential, mean: 6m}\n    patience: {dist: exponential, mean: 4m}\n"
    "    redial: {probability: 30%%, delay: {dist: exponential, mean: 10m}, max_attempts: 3}\n"
    "    spillover: {to: \"999\", share: 40%%, delay: 20s}\n"
    "pools:\n  - name: nine\n    lines: [\"999\"]\n    staff: %d\n"
    "  - name: one\n    lines: [\"101\"]\n    staff: 11\n";

/* reached on any line + never reached on any line + still trying == callers, on every line
 * and replication; a 101 caller who spilled and got through on 999 is reached on both. */
static void test_callers_across_lines_conserve(void **st)
{
    (void)st;
    char buf[2048];
    snprintf(buf, sizeof buf, across_yaml, 3);
    cs_scn *s = load(buf);
    cs_results *r = run(s, NULL);
    double spilled = 0, open = 0;
    for (uint32_t i = 0; i < r->n_reps; i++)
        for (size_t l = 0; l < 2; l++) {
            const double *c = cs_rs_line(&r->reps[i], l);
            double sum = c[CS_LC_CALLERS_REACHED_ANY] + c[CS_LC_CALLERS_NEVER_ANY] + c[CS_LC_CALLERS_OPEN];
            if (sum != c[CS_LC_CALLERS])
                fail_msg("rep %u line %zu: reached %.0f + never %.0f + open %.0f != callers %.0f", i, l,
                         c[CS_LC_CALLERS_REACHED_ANY], c[CS_LC_CALLERS_NEVER_ANY], c[CS_LC_CALLERS_OPEN],
                         c[CS_LC_CALLERS]);
            /* Never reached anywhere is never reached here too (the per-line count). */
            assert_true(c[CS_LC_CALLERS_NEVER_ANY] <= c[CS_LC_NEVER_REACHED]);
            if (l == 1) spilled += c[CS_LC_SPILLED];
            open += c[CS_LC_CALLERS_OPEN];
        }
    assert_true(spilled > 300);
    assert_true(open > 0);   /* journeys still going at the end are counted, not lost */
    /* On 101 the spilled callers who got through on 999 make the difference. */
    assert_true(line_mean(r, 1, CS_LK_CALLERS_NEVER_REACHED_RATE) < line_mean(r, 1, CS_LK_NEVER_REACHED_RATE));
    cs_results_free(r);
    cs_scn_free(s);
}

/* A talk that is not transferred ends with its wrap-up, in one event, unless a trace needs
 * the talk's end as an event of its own (models/centre.c, start_talk): the draws are the same
 * either way, so replication 1 (traced) has the same counters bit for bit as without a trace,
 * including the callers whose talk ended before the horizon in the middle of a wrap-up
 * (reached, not still trying). */
static void test_trace_does_not_change_results(void **st)
{
    (void)st;
    cs_scn *s = load("name: wraps\nhorizon: 1d\nwarmup: 2h\nreplications: 2\nseed: 5\n"
                     "lines:\n  - name: \"101\"\n    arrivals: {rate: 150/h}\n"
                     "    handle: {dist: lognormal, mean: 5m, sd: 4m}\n"
                     "    wrap: {dist: exponential, mean: 3m}\n"
                     "    patience: {dist: exponential, mean: 6m}\n"
                     "    redial: {probability: 30%, delay: {dist: exponential, mean: 15m}, max_attempts: 3}\n"
                     "    transfer: {share: 25%, queue: crb}\n"
                     "queues:\n  - {name: crb, line: \"101\", handle: {dist: exponential, mean: 10m},\n"
                     "     wrap: {dist: exponential, mean: 2m}, patience: {dist: exponential, mean: 10m}}\n"
                     "pools:\n  - name: front\n    lines: [\"101\"]\n    staff: 15\n"
                     "  - name: bureau\n    lines: [crb]\n    staff: 3\n");
    trace t = {0};
    cs_results *a = run(s, &t), *b = run(s, NULL);
    assert_true(t.n > 2000);
    for (uint32_t i = 0; i < a->n_reps; i++) {
        cs_repstats *x = &a->reps[i], *y = &b->reps[i];
        assert_memory_equal(x->line, y->line, x->n_lines * CS_LC_N * sizeof(double));
        assert_memory_equal(x->pool, y->pool, x->n_pools * CS_PC_N * sizeof(double));
        assert_memory_equal(x->line_slot, y->line_slot, x->n_lines * x->n_slots * CS_IC_N * sizeof(double));
        const double *c = cs_rs_line(x, 0);
        assert_true(c[CS_LC_TRANSFERRED] > 100);
        assert_true(c[CS_LC_CALLERS_REACHED_ANY] + c[CS_LC_CALLERS_NEVER_ANY] + c[CS_LC_CALLERS_OPEN] ==
                    c[CS_LC_CALLERS]);
    }
    free(t.r);
    cs_results_free(a);
    cs_results_free(b);
    cs_scn_free(s);
}

/* More handlers on 999 never raise 101's never-reached: 101's own line is untouched (common
 * random numbers: the same counts bit for bit) and its callers who spill to 999 get through
 * more often. */
static void test_more_999_staff_lowers_101_never_reached(void **st)
{
    (void)st;
    char buf[2048];
    snprintf(buf, sizeof buf, across_yaml, 3);
    cs_scn *lo = load(buf);
    snprintf(buf, sizeof buf, across_yaml, 8);
    cs_scn *hi = load(buf);
    cs_results *rl = run(lo, NULL), *rh = run(hi, NULL);
    double d[10];
    for (uint32_t i = 0; i < rl->n_reps; i++) {
        const double *a = cs_rs_line(&rl->reps[i], 1), *b = cs_rs_line(&rh->reps[i], 1);
        assert_true(a[CS_LC_OFFERED] == b[CS_LC_OFFERED] && a[CS_LC_NEVER_REACHED] == b[CS_LC_NEVER_REACHED]);
        d[i] = b[CS_LC_CALLERS_NEVER_ANY] - a[CS_LC_CALLERS_NEVER_ANY];
        assert_true(d[i] <= 0);
    }
    double m, h;
    cs_ci(d, rl->n_reps, 0.99, &m, &h);
    print_message("  101 callers never reached on any line: %+.1f ± %.1f with 8 handlers on 999 instead of 3\n", m, h);
    assert_true(m + h < 0);
    cs_results_free(rl);
    cs_results_free(rh);
    cs_scn_free(lo);
    cs_scn_free(hi);
}

/* The new keys: mistakes are reported where they are. */
static void test_new_keys_rejected_when_wrong(void **st)
{
    (void)st;
    const char *bad[] = {
        "    absence: randm\n", "absence",
        "    absence: {a: 1}\n", "absence: random",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i += 2) {
        char buf[2048];
        snprintf(buf, sizeof buf, absence_yaml, bad[i], 9);
        cs_scn *s = NULL;
        cs_diags dg = {0};
        assert_int_equal(cs_scn_load_string(buf, "t.yaml", &s, &dg), CS_EINPUT);
        assert_true(dg.n >= 1);
        char msg[1024];
        cs_diag_format(&dg.items[0], msg, sizeof msg);
        if (!strstr(msg, bad[i + 1])) fail_msg("'%s' not in: %s", bad[i + 1], msg);
        cs_diags_free(&dg);
    }
    const char *lines[] = {
        "    ringback: {time: 20m, pool: nobody}\n", "unknown pool 'nobody'",
        "    ringback: {share: 50%}\n", "time",
        "    ringback: {time: 20m, priorty: 3}\n", "priority",
        "    connect: {dist: uniform, min: 6s, max: 1s}\n", "connect",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i += 2) {
        char buf[2048];
        snprintf(buf, sizeof buf, two_lines, lines[i]);
        cs_scn *s = NULL;
        cs_diags dg = {0};
        assert_int_equal(cs_scn_load_string(buf, "t.yaml", &s, &dg), CS_EINPUT);
        char msg[1024];
        cs_diag_format(&dg.items[0], msg, sizeof msg);
        if (!strstr(msg, lines[i + 1])) fail_msg("'%s' not in: %s", lines[i + 1], msg);
        cs_diags_free(&dg);
    }
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_spillover_means_no_calls_from_101),
        cmocka_unit_test(test_999_never_waits_behind_101),
        cmocka_unit_test(test_no_answer_outside_shift),
        cmocka_unit_test(test_outage_cuts_exactly_its_calls),
        cmocka_unit_test(test_redial_attempts_per_caller),
        cmocka_unit_test(test_trunks_give_erlang_b),
        cmocka_unit_test(test_journey_shares_and_conservation),
        cmocka_unit_test(test_technology_multipliers),
        cmocka_unit_test(test_surge_window),
        cmocka_unit_test(test_overdispersion),
        cmocka_unit_test(test_thread_count_does_not_change_results),
        cmocka_unit_test(test_threads_with_absence_connect_ringbacks),
        cmocka_unit_test(test_absence_mean_and_one_more_person),
        cmocka_unit_test(test_absence_none_is_the_roster),
        cmocka_unit_test(test_absence_variance_is_binomial),
        cmocka_unit_test(test_connect_delay_in_the_wait),
        cmocka_unit_test(test_ringback_workload),
        cmocka_unit_test(test_ringback_priority),
        cmocka_unit_test(test_callers_across_lines_conserve),
        cmocka_unit_test(test_trace_does_not_change_results),
        cmocka_unit_test(test_more_999_staff_lowers_101_never_reached),
        cmocka_unit_test(test_new_keys_rejected_when_wrong),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
