/* Tests for models/fit: Kaplan-Meier, censored and uncensored maximum likelihood, model
 * choice, goodness of fit, arrival profiles and the day factor.
 *
 * Every statistical test uses a fixed seed, so the suite is deterministic; the tolerances
 * say how unlikely a failure would be for a correct module with an arbitrary seed:
 *   - "within Z_TOL SE": |estimate - truth| < 4.5 standard errors, the SE being the one the
 *     module reports (what is under test) or, where named, one computed here from theory.
 *     A two-sided normal tail at 4.5 is 6.8e-6 per check.
 *   - CI coverage over R simulated data sets: the count of intervals covering the truth is
 *     Binomial(R, 0.95) for a calibrated interval; with R = 1000 the band [0.92, 0.98] is
 *     +-4.35 binomial SDs (false failure ~1e-5 per check).  The brief's band [0.90, 0.99]
 *     with R = 200 let real miscalibrations through (SEs 20% too small: coverage 0.89;
 *     the symmetric day-factor interval: 0.885), so it is tightened.  Measured offline,
 *     the module's coverage at these sample sizes is 0.945-0.955 (durations, R = 4000)
 *     and 0.950 (day factor, R = 3000).
 *   - Deterministic known answers (KM by hand, closed-form MLEs) to rounding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>

#include "models/fit.h"
#include "models/fitband.h"

#define Z_TOL 4.5
#define DAY 86400.0
#define WEEK (7 * 86400.0)

/* ------------------------------------------------------------------------------------
 * Helpers */

static gsl_rng *rng_new(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, seed);
    return r;
}

static void assert_close(double got, double want, double tol, const char *what)
{
    if (!(fabs(got - want) <= tol)) {
        print_error("%s: got %.17g, want %.17g (tol %g)\n", what, got, want, tol);
        fail();
    }
}

/* |est - truth| < Z_TOL se, with se > 0 finite. */
static void assert_z(double est, double se, double truth, const char *what)
{
    if (!(se > 0 && isfinite(se)) || !(fabs(est - truth) < Z_TOL * se)) {
        print_error("%s: estimate %.6g, truth %.6g, se %.3g (z = %.2f)\n", what, est, truth, se,
                    (est - truth) / se);
        fail();
    }
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static int covers(cs_fit_param p, double truth)
{
    return p.lo <= truth && truth <= p.hi;
}

typedef struct truth2 {
    cs_fit_family fam;
    double p0, p1;      /* the family's own parameters (see fit.h) */
    double cens_mean;   /* mean of the independent exponential censoring time */
} truth2;

static double draw(const truth2 *tr, const gsl_rng *r)
{
    switch (tr->fam) {
    case CS_FIT_LOGNORMAL:
        return gsl_ran_lognormal(r, tr->p0, tr->p1);
    case CS_FIT_GAMMA:
        return gsl_ran_gamma(r, tr->p0, tr->p1);
    case CS_FIT_WEIBULL:
        return gsl_ran_weibull(r, tr->p1, tr->p0); /* GSL: (scale, shape) */
    default:
        return gsl_ran_exponential(r, tr->p0);
    }
}

static double true_mean(const truth2 *tr)
{
    switch (tr->fam) {
    case CS_FIT_LOGNORMAL:
        return exp(tr->p0 + 0.5 * tr->p1 * tr->p1);
    case CS_FIT_GAMMA:
        return tr->p0 * tr->p1;
    case CS_FIT_WEIBULL:
        return tr->p1 * tgamma(1 + 1 / tr->p0);
    default:
        return tr->p0;
    }
}

/* n observations min(X, C) with event = X < C; cens_mean <= 0 means no censoring.
 * Returns the censored share. */
static double simulate(const truth2 *tr, const gsl_rng *r, size_t n, double *t, int *ev)
{
    size_t nc = 0;
    for (size_t i = 0; i < n; i++) {
        double x = draw(tr, r);
        double c = tr->cens_mean > 0 ? gsl_ran_exponential(r, tr->cens_mean) : INFINITY;
        t[i] = x < c ? x : c;
        ev[i] = x < c;
        nc += (size_t)!ev[i];
    }
    return (double)nc / (double)n;
}

/* ------------------------------------------------------------------------------------
 * Kaplan-Meier */

/* Textbook example: 3, 4+, 5, 5, 6+, 8.
 *   t=3: n=6 d=1 S = 5/6            Greenwood sum 1/30
 *   t=5: n=4 d=2 S = 5/6 * 2/4 = 5/12  sum 1/30 + 2/(4*2) = 17/60
 *   t=8: n=1 d=1 S = 0              variance undefined (n = d)
 * Median 5 (first S <= 0.5).  Restricted mean to tau = 8: 3*1 + 2*5/6 + 3*5/12 = 71/12.
 * Its SE: A_3 = 2*5/6 + 3*5/12 = 35/12, A_5 = 3*5/12 = 5/4; Var = A_3^2/30 + A_5^2/4. */
static void test_km_textbook(void **state)
{
    (void)state;
    const double t[] = {3, 4, 5, 5, 6, 8};
    const int ev[] = {1, 0, 1, 1, 0, 1};
    cs_fit_km_result km;
    cs_error err = {0};
    assert_int_equal(cs_fit_km(t, ev, 6, &km, &err), CS_OK);
    assert_int_equal(km.n, 6);
    assert_int_equal(km.n_events, 4);
    assert_int_equal(km.n_steps, 3);
    const double times[] = {3, 5, 8}, risk[] = {6, 4, 1}, d[] = {1, 2, 1};
    const double surv[] = {5.0 / 6, 5.0 / 12, 0};
    for (int j = 0; j < 3; j++) {
        assert_close(km.time[j], times[j], 0, "time");
        assert_close(km.at_risk[j], risk[j], 0, "at risk");
        assert_close(km.events[j], d[j], 0, "events");
        assert_close(km.surv[j], surv[j], 1e-15, "S");
    }
    assert_close(km.var[0], 25.0 / 36 / 30, 1e-15, "Greenwood at 3");
    assert_close(km.var[1], 25.0 / 144 * 17.0 / 60, 1e-15, "Greenwood at 5");
    assert_true(isnan(km.var[2]));
    /* log(-log) interval brackets S. */
    assert_true(km.lo[0] < km.surv[0] && km.surv[0] < km.hi[0] && km.hi[0] < 1);
    assert_true(km.median_reached);
    assert_close(km.median, 5, 0, "median");
    assert_close(km.tau, 8, 0, "tau");
    assert_close(km.rmean, 71.0 / 12, 1e-13, "restricted mean");
    double a3 = 35.0 / 12, a5 = 5.0 / 4;
    assert_close(km.rmean_se, sqrt(a3 * a3 / 30 + a5 * a5 / 4), 1e-13, "restricted mean se");
    /* The step function. */
    assert_close(cs_fit_km_eval(&km, 0), 1, 0, "S(0)");
    assert_close(cs_fit_km_eval(&km, 2.999), 1, 0, "S(3-)");
    assert_close(cs_fit_km_eval(&km, 3), 5.0 / 6, 1e-15, "S(3)");
    assert_close(cs_fit_km_eval(&km, 4.5), 5.0 / 6, 1e-15, "S(4.5)");
    assert_close(cs_fit_km_eval(&km, 7), 5.0 / 12, 1e-15, "S(7)");
    assert_close(cs_fit_km_eval(&km, 100), 0, 0, "S(100)");
    assert_true(isnan(cs_fit_km_eval(&km, NAN)));
    cs_fit_km_fini(&km);
    assert_null(km.time);
    cs_fit_km_fini(&km); /* idempotent */
    cs_fit_km_fini(NULL);
}

/* Ties: an event and a censoring at the same time -> the censored caller is still at risk
 * (S(2) = 1 - 1/3, not 1 - 1/2).  Zero times: an event at 0 gives a step at 0 with every
 * observation (including the censoring at 0) at risk. */
static void test_km_ties_and_zero(void **state)
{
    (void)state;
    cs_fit_km_result km;
    const double t1[] = {2, 2, 4};
    const int e1[] = {0, 1, 1}; /* censoring listed first on purpose */
    assert_int_equal(cs_fit_km(t1, e1, 3, &km, NULL), CS_OK);
    assert_int_equal(km.n_steps, 2);
    assert_close(km.at_risk[0], 3, 0, "at risk at the tie");
    assert_close(km.surv[0], 2.0 / 3, 1e-15, "S(2)");
    assert_close(km.at_risk[1], 1, 0, "at risk at 4");
    assert_close(km.surv[1], 0, 0, "S(4)");
    cs_fit_km_fini(&km);

    const double t2[] = {0, 0, 1, 2};
    const int e2[] = {1, 0, 1, 0};
    assert_int_equal(cs_fit_km(t2, e2, 4, &km, NULL), CS_OK);
    assert_int_equal(km.n_steps, 2);
    assert_close(km.time[0], 0, 0, "step at 0");
    assert_close(km.surv[0], 3.0 / 4, 1e-15, "S(0)");
    /* At 1: the censoring at 0 has left; at risk are 1 and 2+. */
    assert_close(km.at_risk[1], 2, 0, "at risk at 1");
    assert_close(km.surv[1], 3.0 / 8, 1e-15, "S(1)");
    assert_close(km.rmean, 0.75 * 1 + 0.375 * 1, 1e-15, "restricted mean with a step at 0");
    cs_fit_km_fini(&km);

    /* NULL event = all observed: KM is 1 - the empirical cdf. */
    const double t3[] = {5, 1, 3, 3};
    assert_int_equal(cs_fit_km(t3, NULL, 4, &km, NULL), CS_OK);
    assert_int_equal(km.n_steps, 3);
    assert_close(km.surv[1], 0.25, 1e-15, "S(3) uncensored");
    assert_close(km.median, 3, 0, "median uncensored");
    assert_close(km.rmean, 3.0, 1e-15, "uncensored restricted mean = sample mean");
    cs_fit_km_fini(&km);
}

/* Median not reached; no events at all (valid for KM: S = 1 throughout). */
static void test_km_median_not_reached(void **state)
{
    (void)state;
    cs_fit_km_result km;
    const double t[] = {1, 2, 3, 4, 5};
    const int ev[] = {1, 0, 0, 0, 0};
    assert_int_equal(cs_fit_km(t, ev, 5, &km, NULL), CS_OK);
    assert_false(km.median_reached);
    assert_true(isnan(km.median));
    assert_close(km.surv[0], 0.8, 1e-15, "S(1)");
    assert_close(km.rmean, 1 + 0.8 * 4, 1e-14, "restricted mean");
    cs_fit_km_fini(&km);

    const int none[] = {0, 0, 0, 0, 0};
    assert_int_equal(cs_fit_km(t, none, 5, &km, NULL), CS_OK);
    assert_int_equal(km.n_steps, 0);
    assert_close(km.rmean, 5, 0, "no events: restricted mean = tau");
    assert_close(cs_fit_km_eval(&km, 3), 1, 0, "no events: S = 1");
    cs_fit_km_fini(&km);
}

static void test_km_errors(void **state)
{
    (void)state;
    cs_fit_km_result km;
    cs_error err = {0};
    const double t[] = {1, -2, 3};
    const int bad[] = {1, 2, 0};
    assert_int_equal(cs_fit_km(t, NULL, 0, &km, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "no durations"));
    assert_int_equal(cs_fit_km(t, NULL, 3, &km, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "duration 1 is -2"));
    assert_null(km.time);
    const double ok[] = {1, 2, 3};
    assert_int_equal(cs_fit_km(ok, bad, 3, &km, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "event flag 1 is 2"));
    const double nan[] = {1, NAN};
    assert_int_equal(cs_fit_km(nan, NULL, 2, &km, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "finite"));
}

/* ------------------------------------------------------------------------------------
 * Parametric fits */

/* Exponential with censoring: mean = sum of all times / events, exactly.  Whole-second
 * times make every sum exact in binary, so equality is exact whatever the order. */
static void test_exponential_closed_form(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(11);
    enum { N = 1000 };
    double t[N];
    int ev[N];
    double sum = 0, d = 0;
    for (int i = 0; i < N; i++) {
        t[i] = 1 + floor(gsl_ran_exponential(r, 300));
        ev[i] = gsl_rng_uniform(r) < 0.3;
        sum += t[i];
        d += ev[i];
    }
    cs_fit_set set;
    cs_error err = {0};
    assert_int_equal(cs_fit_durations(t, N, ev, NULL, &set, &err), CS_OK);
    const cs_fit_result *e = &set.fit[CS_FIT_EXPONENTIAL];
    assert_true(e->ok);
    assert_int_equal(e->k, 1);
    assert_true(e->par[0].est == sum / d);
    assert_true(e->mean.est == sum / d);
    assert_close(e->par[0].se, (sum / d) / sqrt(d), 1e-12 * sum / d, "se = m/sqrt(d)");
    assert_close(e->loglik, -d * (log(sum / d) + 1), 1e-9, "loglik");
    assert_close(e->aic, 2 - 2 * e->loglik, 1e-9, "aic");
    assert_int_equal(e->dist.kind, CS_DIST_EXPONENTIAL);
    assert_true(e->dist.a == sum / d);
    assert_int_equal(set.n, N);
    assert_int_equal(set.n_events, (size_t)d);
    assert_int_equal(set.n_censored, N - (size_t)d);
    assert_true(isnan(e->ks_p)); /* censored data: no KS */
    assert_true(e->km_maxdiff >= 0 && e->km_maxdiff < 1);
    cs_fit_set_fini(&set);
    gsl_rng_free(r);
}

/* n = 20000 from a known family with ~40% independent exponential censoring: both
 * parameters and the mean within Z_TOL reported SEs of the truth, and each reported 95%
 * interval is the estimate -+ 1.96 SE (on the log scale for positive parameters).
 * Asserting that one draw's 95% interval covers the truth would be a test that fails for
 * 1 seed in 20 per parameter (the first seed tried gave lognormal mu at z = 2.08); whether
 * the intervals cover 95% of the time is what test_ci_coverage measures. */
static void recover(const truth2 *tr, unsigned long seed)
{
    enum { N = 20000 };
    gsl_rng *r = rng_new(seed);
    double *t = malloc(N * sizeof *t);
    int *ev = malloc(N * sizeof *ev);
    double share = simulate(tr, r, N, t, ev);
    assert_true(share > 0.35 && share < 0.45); /* the design: about 40% censored */
    cs_fit_result res;
    cs_error err = {0};
    assert_int_equal(cs_fit_one(tr->fam, t, N, ev, NULL, &res, &err), CS_OK);
    assert_true(res.ok);
    assert_z(res.par[0].est, res.par[0].se, tr->p0, "parameter 0");
    assert_z(res.par[1].est, res.par[1].se, tr->p1, "parameter 1");
    assert_z(res.mean.est, res.mean.se, true_mean(tr), "mean");
    for (int j = 0; j < 2; j++) {
        cs_fit_param p = res.par[j];
        if (tr->fam == CS_FIT_LOGNORMAL && j == 0) {
            assert_close(p.lo, p.est - 1.959963984540054 * p.se, 1e-12, "linear interval");
            assert_close(p.hi, p.est + 1.959963984540054 * p.se, 1e-12, "linear interval");
        } else {
            double f = exp(1.959963984540054 * p.se / p.est);
            assert_close(p.lo, p.est / f, 1e-12 * p.est, "log-scale interval");
            assert_close(p.hi, p.est * f, 1e-12 * p.est, "log-scale interval");
        }
    }
    /* The fitted distribution carries the same parameters. */
    assert_int_equal(res.dist.a, res.par[0].est);
    assert_int_equal(res.dist.b, res.par[1].est);
    /* Censored: no KS; the fitted survival follows KM.  sup|S_KM - S| is O(1/sqrt(n)):
     * uncensored, sqrt(n) sup < 1.95 at the 0.001 level; censoring 40% inflates the KM
     * variance by at most 1/0.6 over the observed range, so 1.95 / sqrt(0.6 n) = 0.018,
     * plus the fit's own error of the same order: 0.03 is a safe bound for a good fit. */
    assert_true(isnan(res.ks_d));
    assert_true(res.km_maxdiff < 0.03);
    cs_fit_result_fini(&res);
    free(t);
    free(ev);
    gsl_rng_free(r);
}

static void test_recover_weibull(void **state)
{
    (void)state;
    const truth2 tr = {CS_FIT_WEIBULL, 0.8, 300, 450};
    recover(&tr, 101);
}

static void test_recover_lognormal(void **state)
{
    (void)state;
    const truth2 tr = {CS_FIT_LOGNORMAL, 5.0, 1.0, 300};
    recover(&tr, 102);
}

static void test_recover_gamma(void **state)
{
    (void)state;
    const truth2 tr = {CS_FIT_GAMMA, 2.0, 100, 300};
    recover(&tr, 103);
}

/* Calibration of the intervals: R small censored data sets (n = 200, ~40% censored);
 * the share of 95% intervals covering the truth must lie in [0.92, 0.98] (see the top
 * comment for the binomial band). */
static void test_ci_coverage(void **state)
{
    (void)state;
    enum { R = 1000, N = 200 };
    const truth2 trs[] = {{CS_FIT_WEIBULL, 0.8, 300, 450},
                          {CS_FIT_LOGNORMAL, 5.0, 1.0, 300},
                          {CS_FIT_GAMMA, 2.0, 100, 300}};
    gsl_rng *r = rng_new(202);
    double t[N];
    int ev[N];
    for (size_t f = 0; f < sizeof trs / sizeof trs[0]; f++) {
        const truth2 *tr = &trs[f];
        int cov[3] = {0, 0, 0};
        for (int k = 0; k < R; k++) {
            simulate(tr, r, N, t, ev);
            cs_fit_result res;
            cs_error err = {0};
            assert_int_equal(cs_fit_one(tr->fam, t, N, ev, NULL, &res, &err), CS_OK);
            cov[0] += covers(res.par[0], tr->p0);
            cov[1] += covers(res.par[1], tr->p1);
            cov[2] += covers(res.mean, true_mean(tr));
            cs_fit_result_fini(&res);
        }
        for (int j = 0; j < 3; j++) {
            double c = cov[j] / (double)R;
            if (!(c >= 0.92 && c <= 0.98)) {
                print_error("%s: coverage of %s is %.3f\n", cs_fit_family_name(tr->fam),
                            j == 2 ? "the mean" : cs_fit_param_name(tr->fam, j), c);
                fail();
            }
        }
    }
    gsl_rng_free(r);
}

/* Why censoring matters.  Patience ~ exponential(mean 415 s) (the bank's MLE), waits
 * ~ exponential(mean 90 s).  A caller is seen to abandon when patience < wait, so the
 * abandoners' waits are min(P, W) given P < W: exponential with rate 1/415 + 1/90, mean
 * 74 s.  Averaging them ("how long do people wait before giving up?") underestimates
 * patience more than fivefold; the censored MLE recovers 415 s. */
static void test_naive_average_biased_low(void **state)
{
    (void)state;
    enum { N = 20000 };
    const truth2 tr = {CS_FIT_EXPONENTIAL, 415, 0, 90};
    gsl_rng *r = rng_new(303);
    double *t = malloc(N * sizeof *t);
    int *ev = malloc(N * sizeof *ev);
    simulate(&tr, r, N, t, ev);
    double s = 0, d = 0;
    for (int i = 0; i < N; i++)
        if (ev[i]) {
            s += t[i];
            d++;
        }
    double naive = s / d, naive_theory = 1 / (1 / 415.0 + 1 / 90.0);
    assert_z(naive, naive_theory / sqrt(d), naive_theory, "naive mean is E[P | P < W]");
    assert_true(naive < 0.25 * 415);

    cs_fit_set set;
    cs_error err = {0};
    assert_int_equal(cs_fit_durations(t, N, ev, NULL, &set, &err), CS_OK);
    const cs_fit_result *e = &set.fit[CS_FIT_EXPONENTIAL];
    assert_z(e->mean.est, e->mean.se, 415, "censored MLE of mean patience");
    /* The two-parameter families nest or approximate it: Weibull shape ~ 1, and the
     * Weibull and gamma means agree with the truth. */
    const cs_fit_result *w = &set.fit[CS_FIT_WEIBULL];
    assert_true(w->ok);
    assert_z(w->par[0].est, w->par[0].se, 1.0, "Weibull shape on exponential data");
    assert_z(w->mean.est, w->mean.se, 415, "Weibull mean");
    assert_z(set.fit[CS_FIT_GAMMA].par[0].est, set.fit[CS_FIT_GAMMA].par[0].se, 1.0,
             "gamma shape on exponential data");
    /* KM median: the naive median of abandoners' waits is log 2 * 74 = 51 s; the truth is
     * 415 log 2 = 288 s.  KM reaches it only if the data go that far: they do here. */
    cs_fit_km_result km;
    assert_int_equal(cs_fit_km(t, ev, N, &km, &err), CS_OK);
    assert_true(km.median_reached);
    /* SE of the KM median ~ sqrt(Var S(m)) / f(m) with Var S(m) ~ S^2 / (events beyond),
     * a crude bound of 60 s covers it by several SEs: events near m are ~1000. */
    assert_true(fabs(km.median - 415 * log(2)) < 60);
    cs_fit_km_fini(&km);
    cs_fit_set_fini(&set);
    free(t);
    free(ev);
    gsl_rng_free(r);
}

/* Heavy censoring: waits of 8 s on average against patience of 415 s leave ~2% events
 * (about 380 of 20000).  Times rounded to the nearest second, as in call logs, so there
 * are ties and zeros (zero events are moved to 0.5 s, zero censorings dropped).  Every
 * family must still converge, and the truth (exponential, shape 1) must be recovered. */
static void test_heavy_censoring(void **state)
{
    (void)state;
    enum { N = 20000 };
    const truth2 tr = {CS_FIT_EXPONENTIAL, 415, 0, 8};
    gsl_rng *r = rng_new(404);
    double *t = malloc(N * sizeof *t);
    int *ev = malloc(N * sizeof *ev);
    double share = simulate(&tr, r, N, t, ev);
    assert_true(share > 0.97);
    for (int i = 0; i < N; i++)
        t[i] = nearbyint(t[i]);
    cs_fit_set set;
    cs_error err = {0};
    assert_int_equal(cs_fit_durations(t, N, ev, NULL, &set, &err), CS_OK);
    assert_true(set.n_zero > 0);
    assert_close(set.zero_time, 0.5, 0, "zero_time = half the smallest positive time");
    for (int f = 0; f < CS_FIT_N_FAMILIES; f++) {
        if (!set.fit[f].ok)
            print_error("%s: %s\n", cs_fit_family_name((cs_fit_family)f), set.fit[f].msg);
        assert_true(set.fit[f].ok);
        assert_true(isfinite(set.fit[f].loglik));
    }
    assert_z(set.fit[CS_FIT_EXPONENTIAL].mean.est, set.fit[CS_FIT_EXPONENTIAL].mean.se, 415,
             "exponential mean, 98% censored");
    assert_z(set.fit[CS_FIT_WEIBULL].par[0].est, set.fit[CS_FIT_WEIBULL].par[0].se, 1.0,
             "Weibull shape, 98% censored");
    assert_z(set.fit[CS_FIT_GAMMA].par[0].est, set.fit[CS_FIT_GAMMA].par[0].se, 1.0,
             "gamma shape, 98% censored");
    cs_fit_set_fini(&set);
    free(t);
    free(ev);
    gsl_rng_free(r);
}

/* Uncensored handle times, n = 5000: AIC picks the generating family, and the MLEs meet
 * their closed-form conditions (lognormal: mean and divisor-n sd of the logs; gamma:
 * log a - psi(a) = log(mean) - mean(log); exponential: the mean). */
static void test_aic_picks_family(void **state)
{
    (void)state;
    enum { N = 5000 };
    const truth2 trs[] = {{CS_FIT_LOGNORMAL, 5.3, 1.2, 0},
                          {CS_FIT_GAMMA, 2.0, 100, 0},
                          {CS_FIT_WEIBULL, 1.5, 250, 0}};
    gsl_rng *r = rng_new(505);
    double *t = malloc(N * sizeof *t);
    int *ev = malloc(N * sizeof *ev);
    for (size_t f = 0; f < sizeof trs / sizeof trs[0]; f++) {
        simulate(&trs[f], r, N, t, ev);
        cs_fit_set set;
        cs_error err = {0};
        assert_int_equal(cs_fit_durations(t, N, NULL, NULL, &set, &err), CS_OK);
        const cs_fit_result *best = cs_fit_best(&set);
        assert_non_null(best);
        if (best->family != trs[f].fam) {
            for (int i = 0; i < CS_FIT_N_FAMILIES; i++)
                print_error("%s AIC %.2f\n", cs_fit_family_name((cs_fit_family)i),
                            set.fit[i].aic);
            fail();
        }
        double sl = 0, sll = 0, st = 0;
        for (int i = 0; i < N; i++) {
            sl += log(t[i]);
            st += t[i];
        }
        double ml = sl / N;
        for (int i = 0; i < N; i++)
            sll += (log(t[i]) - ml) * (log(t[i]) - ml);
        const cs_fit_result *ln = &set.fit[CS_FIT_LOGNORMAL], *ga = &set.fit[CS_FIT_GAMMA];
        /* Optimiser tolerance: 1e-3 SE (see fit.c), SE ~ 1/sqrt(N) = 0.014. */
        assert_close(ln->par[0].est, ml, 1e-4, "lognormal mu = mean log");
        assert_close(ln->par[1].est, sqrt(sll / N), 1e-4, "lognormal sigma = sd of logs");
        assert_close(set.fit[CS_FIT_EXPONENTIAL].par[0].est, st / N, 1e-9 * st / N,
                     "exponential mean");
        double a = ga->par[0].est;
        assert_close(log(a) - gsl_sf_psi(a), log(st / N) - ml, 1e-4, "gamma score equation");
        assert_close(ga->par[0].est * ga->par[1].est, st / N, 1e-3 * st / N,
                     "gamma MLE mean = sample mean");
        /* Uncensored lognormal: textbook SEs sigma/sqrt(n) and sigma/sqrt(2n). */
        assert_close(ln->par[0].se, ln->par[1].est / sqrt(N), 1e-3 * ln->par[0].se, "se(mu)");
        assert_close(ln->par[1].se, ln->par[1].est / sqrt(2.0 * N), 1e-3 * ln->par[1].se,
                     "se(sigma)");
        assert_z(best->mean.est, best->mean.se, true_mean(&trs[f]), "mean of the best fit");
        cs_fit_set_fini(&set);
    }
    free(t);
    free(ev);
    gsl_rng_free(r);
}

/* KS: the p-value of a wrong family (exponential on lognormal data, sigma 1.2) is tiny;
 * the right family's is not (its p-value is conservative with estimated parameters, so
 * p < 0.01 would happen less than 1% of the time). */
static void test_ks_wrong_family(void **state)
{
    (void)state;
    enum { N = 5000 };
    const truth2 tr = {CS_FIT_LOGNORMAL, 5.3, 1.2, 0};
    gsl_rng *r = rng_new(606);
    double *t = malloc(N * sizeof *t);
    int *ev = malloc(N * sizeof *ev);
    simulate(&tr, r, N, t, ev);
    cs_fit_set set;
    assert_int_equal(cs_fit_durations(t, N, NULL, NULL, &set, NULL), CS_OK);
    const cs_fit_result *e = &set.fit[CS_FIT_EXPONENTIAL], *ln = &set.fit[CS_FIT_LOGNORMAL];
    assert_true(e->ks_p < 1e-6);
    assert_true(ln->ks_p > 0.01);
    assert_true(ln->ks_d < e->ks_d);
    assert_close(ln->km_maxdiff, ln->ks_d, 0, "uncensored: KM comparison = KS D");
    /* Check D independently: sup |F_n - F| over the sorted sample. */
    double *s = malloc(N * sizeof *s);
    memcpy(s, t, N * sizeof *s);
    qsort(s, N, sizeof *s, cmp_double);
    double dmax = 0;
    for (int i = 0; i < N; i++) {
        double f = cs_dist_cdf(&ln->dist, s[i]);
        dmax = fmax(dmax, fmax(fabs(f - (double)i / N), fabs(f - (double)(i + 1) / N)));
    }
    assert_close(ln->ks_d, dmax, 1e-12, "KS D");
    free(s);
    cs_fit_set_fini(&set);
    free(t);
    free(ev);
    gsl_rng_free(r);
}

/* Censored data: the KM comparison separates a wrong family from the right one.  The right
 * one stays under the good-fit bound of recover() (0.03); the best exponential
 * approximation to this lognormal is a population distance of about 0.045 away from it
 * (measured over seeds: 0.044-0.050, sampling noise ~0.01), so it must exceed that bound. */
static void test_km_comparison_censored(void **state)
{
    (void)state;
    enum { N = 20000 };
    const truth2 tr = {CS_FIT_LOGNORMAL, 5.0, 1.2, 400};
    gsl_rng *r = rng_new(707);
    double *t = malloc(N * sizeof *t);
    int *ev = malloc(N * sizeof *ev);
    simulate(&tr, r, N, t, ev);
    cs_fit_set set;
    assert_int_equal(cs_fit_durations(t, N, ev, NULL, &set, NULL), CS_OK);
    assert_true(set.fit[CS_FIT_LOGNORMAL].km_maxdiff < 0.03); /* bound as in recover() */
    assert_true(set.fit[CS_FIT_EXPONENTIAL].km_maxdiff > 0.03);
    assert_int_equal(cs_fit_best(&set)->family, CS_FIT_LOGNORMAL);
    cs_fit_set_fini(&set);
    free(t);
    free(ev);
    gsl_rng_free(r);
}

/* Zero times: events at 0 move to zero_time (default half the smallest positive time;
 * or the option), zero censorings drop out of the likelihood. */
static void test_zero_times(void **state)
{
    (void)state;
    const double t[] = {0, 0, 4, 6, 10, 0, 20, 8};
    const int ev[] = {1, 0, 1, 1, 1, 1, 0, 1};
    cs_fit_set set;
    cs_error err = {0};
    assert_int_equal(cs_fit_durations(t, 8, ev, NULL, &set, &err), CS_OK);
    assert_int_equal(set.n_zero, 2);
    assert_close(set.zero_time, 2, 0, "half of 4");
    /* Exponential: (2 + 2 + 4 + 6 + 10 + 20 + 8) / 6 events. */
    assert_close(set.fit[CS_FIT_EXPONENTIAL].par[0].est, 52.0 / 6, 1e-14, "mean");
    for (int f = 0; f < CS_FIT_N_FAMILIES; f++)
        assert_true(set.fit[f].ok);
    cs_fit_set_fini(&set);

    cs_fit_options opt = {.zero_time = 1};
    assert_int_equal(cs_fit_durations(t, 8, ev, &opt, &set, &err), CS_OK);
    assert_close(set.zero_time, 1, 0, "zero_time option");
    assert_close(set.fit[CS_FIT_EXPONENTIAL].par[0].est, 50.0 / 6, 1e-14, "mean");
    cs_fit_set_fini(&set);
}

/* cs_fit_best: lowest AIC; ties go to the simpler (earlier) family; failed fits skipped. */
static void test_best_tie_break(void **state)
{
    (void)state;
    cs_fit_set set;
    memset(&set, 0, sizeof set);
    for (int f = 0; f < CS_FIT_N_FAMILIES; f++) {
        set.fit[f].family = (cs_fit_family)f;
        set.fit[f].ok = 1;
        set.fit[f].aic = 100;
    }
    assert_int_equal(cs_fit_best(&set)->family, CS_FIT_EXPONENTIAL);
    set.fit[CS_FIT_EXPONENTIAL].aic = 100 + 1e-12; /* rounding-level difference: a tie */
    assert_int_equal(cs_fit_best(&set)->family, CS_FIT_EXPONENTIAL);
    set.fit[CS_FIT_WEIBULL].aic = 99;
    assert_int_equal(cs_fit_best(&set)->family, CS_FIT_WEIBULL);
    set.fit[CS_FIT_WEIBULL].ok = 0;
    set.fit[CS_FIT_GAMMA].aic = 99.5;
    assert_int_equal(cs_fit_best(&set)->family, CS_FIT_GAMMA);
    for (int f = 0; f < CS_FIT_N_FAMILIES; f++)
        set.fit[f].ok = 0;
    assert_null(cs_fit_best(&set));
    assert_string_equal(cs_fit_family_name(CS_FIT_GAMMA), "gamma");
    assert_string_equal(cs_fit_param_name(CS_FIT_LOGNORMAL, 1), "sigma");
    assert_null(cs_fit_param_name(CS_FIT_EXPONENTIAL, 1));
}

/* Talk time keeps its mean.  Lognormal talk times (median 2 min, sigma 1.2) cut at 30 minutes
 * (longer calls handed on): the lognormal still fits the shape best by AIC, but its mean
 * extrapolates the tail that is not there, 6% above the sample mean and outside its interval,
 * so the family written is the best that keeps the mean.  Negative control: uncut lognormal
 * data keep the lognormal. */
static void test_handle_keeps_mean(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(77);
    size_t n = 20000;
    double *t = malloc(n * sizeof *t);
    for (size_t i = 0; i < n;) {
        double x = gsl_ran_lognormal(r, log(120), 1.2);
        if (x <= 1800) t[i++] = x;
    }
    cs_fit_set set;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_fit_durations(t, n, NULL, NULL, &set, &err), CS_OK);
    const cs_fit_result *best = cs_fit_best(&set);
    assert_int_equal(best->family, CS_FIT_LOGNORMAL);
    assert_false(cs_fit_keeps_mean(best, t, n));
    char note[400];
    const cs_fit_result *pick = cs_fit_choose_handle(&set, t, n, note, sizeof note);
    assert_true(pick != best);
    assert_true(cs_fit_keeps_mean(pick, t, n));
    assert_non_null(strstr(note, "lognormal"));
    /* Gamma's maximum-likelihood mean is the sample mean: it always qualifies. */
    assert_true(cs_fit_keeps_mean(&set.fit[CS_FIT_GAMMA], t, n));
    cs_fit_set_fini(&set);
    for (size_t i = 0; i < n; i++) t[i] = gsl_ran_lognormal(r, log(120), 1.0);
    assert_int_equal(cs_fit_durations(t, n, NULL, NULL, &set, &err), CS_OK);
    best = cs_fit_best(&set);
    assert_int_equal(best->family, CS_FIT_LOGNORMAL);
    assert_true(cs_fit_choose_handle(&set, t, n, note, sizeof note) == best);
    assert_string_equal(note, "");
    cs_fit_set_fini(&set);
    free(t);
    gsl_rng_free(r);
}

static void test_fit_errors(void **state)
{
    (void)state;
    cs_fit_set set;
    cs_fit_result res;
    cs_error err = {0};
    const double t[] = {10, 20, 30};
    assert_int_equal(cs_fit_durations(t, 0, NULL, NULL, &set, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "no durations"));

    const int none[] = {0, 0, 0};
    assert_int_equal(cs_fit_durations(t, 3, none, NULL, &set, &err), CS_EDOM);
    assert_non_null(strstr(err.msg, "all 3 durations are censored"));
    assert_non_null(strstr(err.msg, "30 s"));
    assert_int_equal(cs_fit_one(CS_FIT_EXPONENTIAL, t, 3, none, NULL, &res, &err), CS_EDOM);
    assert_false(res.ok);
    assert_non_null(strstr(res.msg, "censored"));

    const double neg[] = {10, -5, 30};
    assert_int_equal(cs_fit_durations(neg, 3, NULL, NULL, &set, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "duration 1 is -5 s"));
    const double inf[] = {10, INFINITY};
    assert_int_equal(cs_fit_durations(inf, 2, NULL, NULL, &set, &err), CS_EINPUT);
    const int flag[] = {1, 1, -1};
    assert_int_equal(cs_fit_durations(t, 3, flag, NULL, &set, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "event flag 2"));
    const double zeros[] = {0, 0};
    assert_int_equal(cs_fit_durations(zeros, 2, NULL, NULL, &set, &err), CS_EDOM);
    assert_non_null(strstr(err.msg, "are 0 s"));
    cs_fit_options opt = {.zero_time = -1};
    assert_int_equal(cs_fit_durations(t, 3, NULL, &opt, &set, &err), CS_EINPUT);

    /* One event: the exponential is fitted, the two-parameter families say why not. */
    const int one[] = {1, 0, 0};
    assert_int_equal(cs_fit_durations(t, 3, one, NULL, &set, &err), CS_OK);
    assert_true(set.fit[CS_FIT_EXPONENTIAL].ok);
    assert_close(set.fit[CS_FIT_EXPONENTIAL].par[0].est, 60, 0, "60 s / 1 event");
    assert_false(set.fit[CS_FIT_LOGNORMAL].ok);
    assert_non_null(strstr(set.fit[CS_FIT_LOGNORMAL].msg, "two distinct"));
    assert_int_equal(set.fit[CS_FIT_LOGNORMAL].dist.kind, CS_DIST_NEVER);
    assert_true(isnan(set.fit[CS_FIT_LOGNORMAL].aic));
    assert_int_equal(cs_fit_best(&set)->family, CS_FIT_EXPONENTIAL);
    cs_fit_set_fini(&set);
}

/* ------------------------------------------------------------------------------------
 * Arrivals */

/* Known hour-of-week profile: calls per hour 20 + 100 exp(-((h - 11)/4)^2) on weekdays,
 * a third of that at weekends. */
static double true_rate(size_t slot)
{
    double h = (double)(slot % 24), f = slot / 24 >= 5 ? 1.0 / 3 : 1.0;
    return f * (20 + 100 * exp(-((h - 11) / 4) * ((h - 11) / 4))) / 3600;
}

/* Arrivals over [t0, t1): per hour instance Poisson(rate * G_day * observed seconds), G_day
 * gamma(mean 1, cv) per calendar day (cv = 0: none), uniform times.  Returns the count;
 * *out is malloc'ed. */
static size_t sim_arrivals(const gsl_rng *r, double t0, double t1, double cv, double **out)
{
    size_t cap = 1024, n = 0;
    double *t = malloc(cap * sizeof *t);
    long long day = -1;
    double g = 1;
    for (long long k = (long long)floor(t0 / 3600); (double)k * 3600 < t1; k++) {
        double lo = fmax(t0, (double)k * 3600), hi = fmin(t1, (double)(k + 1) * 3600);
        if (hi <= lo)
            continue;
        long long d = (long long)floor(lo / DAY);
        if (d != day) {
            day = d;
            g = cv > 0 ? gsl_ran_gamma(r, 1 / (cv * cv), cv * cv) : 1;
        }
        size_t slot = (size_t)(((k % 168) + 168) % 168);
        unsigned c = gsl_ran_poisson(r, true_rate(slot) * g * (hi - lo));
        for (unsigned i = 0; i < c; i++) {
            if (n == cap) {
                cap *= 2;
                t = realloc(t, cap * sizeof *t);
            }
            t[n++] = lo + (hi - lo) * gsl_rng_uniform(r);
        }
    }
    *out = t;
    return n;
}

/* Eight whole weeks, Poisson: every slot's rate within Z_TOL theoretical SEs
 * sqrt(rate / exposure) (168 checks: overall false failure ~1e-3). */
static void test_arrivals_profile(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(808);
    double *t;
    double t0 = 0, t1 = 8 * WEEK;
    size_t n = sim_arrivals(r, t0, t1, 0, &t);
    cs_fit_arrivals_result *a = malloc(sizeof *a);
    cs_error err = {0};
    assert_int_equal(cs_fit_arrivals(t, n, t0, t1, 0, a, &err), CS_OK);
    assert_int_equal(a->n_slots, 168);
    assert_close(a->slot_len, 3600, 0, "default slot");
    assert_int_equal(a->n_arrivals, n);
    assert_int_equal(a->n_unobserved, 0);
    double total = 0;
    for (size_t s = 0; s < 168; s++) {
        assert_close(a->exposure[s], 8 * 3600, 1e-6, "exposure = 8 hours per slot");
        assert_z(a->rate[s], sqrt(true_rate(s) / a->exposure[s]), true_rate(s), "slot rate");
        assert_close(a->rate_se[s], sqrt(a->count[s]) / a->exposure[s], 1e-15, "rate se");
        total += a->count[s];
    }
    assert_close(total, (double)n, 0, "counts add up");
    assert_int_equal(a->n_days, 56);
    assert_int_equal(a->first_day, 0);
    /* E_d is the profile integrated over the day: the mean of that weekday's counts. */
    double mon = 0;
    for (size_t d = 0; d < 56; d += 7)
        mon += a->day_count[d];
    assert_close(a->day_expected[0], mon / 8, 1e-6, "E_d of a Monday");
    free(a);
    free(t);
    gsl_rng_free(r);
}

/* A span starting and ending inside slots and days: the exposures are the overlaps of
 * [t0, t1) with every occurrence of each hour of the week (computed here week by week,
 * independently of the module's slot-instance loop), and 30-minute slots work too. */
static void test_arrivals_partial_span(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(909);
    double t0 = 3.5 * DAY + 1234.5, t1 = t0 + 5 * WEEK + 0.3 * DAY;
    double *t;
    size_t n = sim_arrivals(r, t0, t1, 0, &t);
    cs_fit_arrivals_result *a = malloc(sizeof *a);
    assert_int_equal(cs_fit_arrivals(t, n, t0, t1, 0, a, NULL), CS_OK);
    double sum = 0;
    for (size_t s = 0; s < 168; s++) {
        double want = 0;
        for (int w = 0; w < 8; w++) {
            double lo = w * WEEK + (double)s * 3600.0, hi = lo + 3600;
            want += fmax(0, fmin(hi, t1) - fmax(lo, t0));
        }
        assert_close(a->exposure[s], want, 1e-6, "exposure");
        sum += a->exposure[s];
    }
    assert_close(sum, t1 - t0, 1e-5, "exposures tile the span");
    /* Complete days: from day 4 (t0 is inside day 3) to the last whole day. */
    assert_int_equal(a->first_day, 4);
    assert_int_equal(a->n_days, (size_t)floor(t1 / DAY) - 4);

    assert_int_equal(cs_fit_arrivals(t, n, t0, t1, 1800, a, NULL), CS_OK);
    assert_int_equal(a->n_slots, 336);
    /* Two half-hours per hour: counts add up to the hourly profile's. */
    cs_fit_arrivals_result *b = malloc(sizeof *b);
    assert_int_equal(cs_fit_arrivals(t, n, t0, t1, 3600, b, NULL), CS_OK);
    for (size_t s = 0; s < 168; s++)
        assert_close(a->count[2 * s] + a->count[2 * s + 1], b->count[s], 0, "half hours");
    free(b);
    free(a);
    free(t);
    gsl_rng_free(r);
}

/* Poisson days: cv^2 within Z_TOL reported SEs of 0 and the cv small. */
static void test_arrivals_poisson_days(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(1010);
    double *t;
    size_t n = sim_arrivals(r, 0, 8 * WEEK, 0, &t);
    cs_fit_arrivals_result *a = malloc(sizeof *a);
    assert_int_equal(cs_fit_arrivals(t, n, 0, 8 * WEEK, 0, a, NULL), CS_OK);
    assert_true(a->cv_ok);
    assert_z(a->cv2, a->cv2_se, 0, "cv^2 of Poisson days");
    assert_true(a->daily_cv < 0.05);
    assert_close(a->daily_cv_lo, 0, 0.03, "interval reaches (near) 0");
    free(a);
    free(t);
    gsl_rng_free(r);
}

/* Gamma days with cv 0.2 over eight weeks: the estimate is within Z_TOL SEs and the 95%
 * interval contains 0.2. */
static void test_arrivals_gamma_days(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(1111);
    double *t;
    size_t n = sim_arrivals(r, 0, 8 * WEEK, 0.2, &t);
    cs_fit_arrivals_result *a = malloc(sizeof *a);
    assert_int_equal(cs_fit_arrivals(t, n, 0, 8 * WEEK, 0, a, NULL), CS_OK);
    assert_true(a->cv_ok);
    assert_z(a->cv2, a->cv2_se, 0.04, "cv^2");
    assert_true(a->daily_cv_lo <= 0.2 && 0.2 <= a->daily_cv_hi);
    free(a);
    free(t);
    gsl_rng_free(r);
}

/* Four-week logs (each weekday seen 4 times) with cv 0.2: over R data sets the interval
 * covers 0.2 in [0.92, 0.98] of them (the symmetric cv2 +- 1.96 SE interval would cover
 * only ~0.885 here, see fit.h), and the mean of the cv^2 estimates is within Z_TOL
 * SEs (of that mean) of 0.04.  The textbook formula with E_d treated as known is also
 * computed: its expectation is (1 - 1/4) of the truth minus a Poisson term, and the test
 * shows it biased low - the reason for the correction in cs_fit_arrivals. */
static void test_arrivals_cv_coverage(void **state)
{
    (void)state;
    enum { R = 1000 };
    gsl_rng *r = rng_new(1212);
    cs_fit_arrivals_result *a = malloc(sizeof *a);
    int cov = 0;
    double sum = 0, sum2 = 0, naive_sum = 0;
    for (int k = 0; k < R; k++) {
        double *t;
        size_t n = sim_arrivals(r, 0, 4 * WEEK, 0.2, &t);
        assert_int_equal(cs_fit_arrivals(t, n, 0, 4 * WEEK, 0, a, NULL), CS_OK);
        assert_true(a->cv_ok);
        cov += a->daily_cv_lo <= 0.2 && 0.2 <= a->daily_cv_hi;
        sum += a->cv2;
        sum2 += a->cv2 * a->cv2;
        double rr = 0, se = 0, se2 = 0;
        for (size_t d = 0; d < a->n_days; d++) {
            double e = a->day_expected[d], u = a->day_count[d] - e;
            rr += u * u;
            se += e;
            se2 += e * e;
        }
        naive_sum += (rr - se) / se2;
        free(t);
    }
    double c = cov / (double)R, mean = sum / R, sd = sqrt((sum2 - R * mean * mean) / (R - 1));
    if (!(c >= 0.92 && c <= 0.98)) {
        print_error("daily cv interval coverage %.3f\n", c);
        fail();
    }
    assert_z(mean, sd / sqrt(R), 0.04, "mean of the cv^2 estimates");
    assert_true(naive_sum / R < 0.04 - Z_TOL * sd / sqrt(R));
    free(a);
    gsl_rng_free(r);
}

static void test_arrivals_errors(void **state)
{
    (void)state;
    cs_fit_arrivals_result *a = malloc(sizeof *a);
    cs_error err = {0};
    const double t[] = {100, 200, 5000};
    assert_int_equal(cs_fit_arrivals(t, 3, 1000, 1000, 0, a, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "start < end"));
    assert_int_equal(cs_fit_arrivals(t, 3, 150, WEEK, 0, a, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "arrival 0 at 100 s lies outside"));
    assert_int_equal(cs_fit_arrivals(t, 3, 0, WEEK, 7, a, &err), CS_EINPUT); /* 7 s slots */
    assert_non_null(strstr(err.msg, "slot length"));
    assert_int_equal(cs_fit_arrivals(t, 3, 0, WEEK, 5000, a, &err), CS_EINPUT);
    assert_int_equal(cs_fit_arrivals(t, 3, 0, 1100 * DAY, 0, a, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "days"));
    const double nan[] = {NAN};
    assert_int_equal(cs_fit_arrivals(nan, 1, 0, WEEK, 0, a, &err), CS_EINPUT);
    /* Half a week: fine for the profile (unobserved slots NAN), no day factor. */
    assert_int_equal(cs_fit_arrivals(t, 3, 0, 3.5 * DAY, 0, a, &err), CS_OK);
    assert_int_equal(a->n_unobserved, 84);
    assert_true(isnan(a->rate[167]));
    assert_false(a->cv_ok);
    assert_true(isnan(a->daily_cv));
    assert_non_null(strstr(a->note, "same weekday"));
    assert_non_null(strstr(a->note, "84 of 168 profile slots"));
    /* No arrivals at all is data too: rates 0. */
    assert_int_equal(cs_fit_arrivals(NULL, 0, 0, WEEK, 0, a, &err), CS_OK);
    assert_close(a->rate[0], 0, 0, "rate with no arrivals");
    free(a);
}

/* ------------------------------------------------------------------------------------
 * Time-of-day bands (models/fitband) */

/* Lognormal handle times with mean 205 s before 12:00 and 150 s from 12:00 (sd = 0.8 mean),
 * 4000 calls each, spread uniformly over 07:00-24:00: the bands must split at 12:00 and give
 * each side's mean within Z_TOL of its reported SE.  The same data with one mean throughout
 * must give one band (AIC), the negative control. */
static void test_bands_recover_handle_means(void **state)
{
    (void)state;
    enum { N = 8000 };
    double *t = malloc(N * sizeof *t), *tod = malloc(N * sizeof *tod);
    gsl_rng *r = rng_new(4242);
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < N; i++) {
            int am = i < N / 2;
            tod[i] = am ? 7 * 3600 + gsl_rng_uniform(r) * 5 * 3600 : 12 * 3600 + gsl_rng_uniform(r) * 12 * 3600;
            double mean = pass == 0 ? (am ? 205.0 : 150.0) : 180.0, cv = 0.8;
            double s2 = log(1 + cv * cv), mu = log(mean) - s2 / 2;
            t[i] = gsl_ran_lognormal(r, mu, sqrt(s2));
        }
        cs_fitband_durations b;
        cs_error err = {CS_OK, ""};
        assert_int_equal(cs_fitband_fit_durations(CS_FIT_LOGNORMAL, t, NULL, tod, N, CS_FITBAND_MIN_OBS, 0, 0.5, &b,
                                                   &err),
                         CS_OK);
        if (pass == 1) {
            assert_int_equal(b.test.n_bands, 1);
            assert_false(b.test.use_bands);
            assert_z(b.fit[0].mean.est, b.fit[0].mean.se, 180.0, "pooled mean");
            cs_fitband_durations_fini(&b);
            continue;
        }
        assert_true(b.test.use_bands);
        assert_true(b.test.p_value < 1e-6);
        assert_true(b.test.aic_bands < b.test.aic_pooled);
        /* Every band lies on one side of 12:00, and the sides' means are recovered. */
        for (size_t k = 0; k < b.test.n_bands; k++) {
            assert_true(b.to[k] <= 12 * 3600 || b.from[k] >= 12 * 3600);
            assert_true(b.n[k] >= CS_FITBAND_MIN_OBS || b.n[k] == 0);
            if (b.n[k] == 0) continue;
            double truth = b.to[k] <= 12 * 3600 ? 205.0 : 150.0;
            assert_z(b.fit[k].mean.est, b.fit[k].mean.se, truth, "band mean");
        }
        assert_true(b.from[0] == 0 && b.to[b.test.n_bands - 1] == 86400);
        cs_fitband_durations_fini(&b);
    }
    gsl_rng_free(r);
    free(t);
    free(tod);
}

/* Shares of IVR hang-ups: 4% before 18:00, 20% after, 3000 calls each side.  Each band's share
 * must lie within 4.5 binomial SDs of its truth; without a difference, one band. */
static void test_bands_recover_shares(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(777);
    for (int pass = 0; pass < 2; pass++) {
        double counts[24][CS_FITBAND_MAX_CAT];
        memset(counts, 0, sizeof counts);
        for (int h = 8; h < 24; h++) {
            double p = pass == 1 ? 0.1 : h < 18 ? 0.04 : 0.20;
            unsigned n = h < 18 ? 300 : 500;
            unsigned x = gsl_ran_binomial(r, p, n);
            counts[h][0] = x;
            counts[h][1] = n - x;
        }
        cs_fitband_shares s;
        cs_error err = {CS_OK, ""};
        assert_int_equal(cs_fitband_fit_shares(counts, 2, CS_FITBAND_MIN_OBS, &s, &err), CS_OK);
        if (pass == 1) {
            assert_int_equal(s.test.n_bands, 1);
            assert_true(fabs(s.p[0][0] - 0.1) < Z_TOL * sqrt(0.1 * 0.9 / s.n[0]));
            continue;
        }
        assert_true(s.test.use_bands);
        for (size_t k = 0; k < s.test.n_bands; k++) {
            if (s.n[k] == 0) continue;
            assert_true(s.to[k] <= 18 * 3600 || s.from[k] >= 18 * 3600);
            double truth = s.to[k] <= 18 * 3600 ? 0.04 : 0.20;
            double sd = sqrt(truth * (1 - truth) / s.n[k]);
            if (!(fabs(s.p[k][0] - truth) < Z_TOL * sd)) {
                print_error("band %zu: share %.4f, truth %.2f, sd %.4f\n", k, s.p[k][0], truth, sd);
                fail();
            }
        }
    }
    cs_error err = {CS_OK, ""};
    double bad[24][CS_FITBAND_MAX_CAT];
    memset(bad, 0, sizeof bad);
    cs_fitband_shares s;
    assert_int_equal(cs_fitband_fit_shares(bad, 1, 10, &s, &err), CS_EINPUT);
    bad[3][1] = -1;
    assert_int_equal(cs_fitband_fit_shares(bad, 2, 10, &s, &err), CS_EINPUT);
    gsl_rng_free(r);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_km_textbook),
        cmocka_unit_test(test_km_ties_and_zero),
        cmocka_unit_test(test_km_median_not_reached),
        cmocka_unit_test(test_km_errors),
        cmocka_unit_test(test_exponential_closed_form),
        cmocka_unit_test(test_recover_weibull),
        cmocka_unit_test(test_recover_lognormal),
        cmocka_unit_test(test_recover_gamma),
        cmocka_unit_test(test_ci_coverage),
        cmocka_unit_test(test_naive_average_biased_low),
        cmocka_unit_test(test_heavy_censoring),
        cmocka_unit_test(test_aic_picks_family),
        cmocka_unit_test(test_ks_wrong_family),
        cmocka_unit_test(test_km_comparison_censored),
        cmocka_unit_test(test_zero_times),
        cmocka_unit_test(test_best_tie_break),
        cmocka_unit_test(test_handle_keeps_mean),
        cmocka_unit_test(test_fit_errors),
        cmocka_unit_test(test_arrivals_profile),
        cmocka_unit_test(test_arrivals_partial_span),
        cmocka_unit_test(test_arrivals_poisson_days),
        cmocka_unit_test(test_arrivals_gamma_days),
        cmocka_unit_test(test_arrivals_cv_coverage),
        cmocka_unit_test(test_arrivals_errors),
        cmocka_unit_test(test_bands_recover_handle_means),
        cmocka_unit_test(test_bands_recover_shares),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
