/* Statistical fitting: Kaplan-Meier, censored maximum likelihood, arrival profiles.  See
 * models/fit.h for the conventions (parameters, intervals, zero times).
 *
 * Layout: data preparation (validation, zero times, sorting ties into weighted distinct
 * values); per-family negative log-likelihoods with gradients; the optimiser and the observed
 * information; goodness of fit; the public fitting calls.  Kaplan-Meier is in fit_km.c, the
 * arrival profile and the day factor in fit_arrivals.c (shared pieces: models/fit_int.h).
 *
 * Numerics.  Likelihoods are optimised on unconstrained parameters theta: log of every
 * positive parameter, and lognormal mu as it is.  That keeps BFGS away from the boundary
 * and makes a unit step mean "a factor e", similar for every family.  Survival terms are
 * computed as logarithms directly (log erfc, a log-form continued fraction for the upper
 * incomplete gamma) so that a censoring far in the fitted tail, which a poor trial point
 * or a large censored share produces, adds a large finite penalty rather than log(0). */
#include "models/fit_int.h"

/* ------------------------------------------------------------------------------------
 * Input validation shared by KM and the fits */

cs_status csi_fit_check_input(const double *t, const int *event, size_t n, cs_error *err)
{
    if (n == 0)
        return cs_error_set(err, CS_EINPUT,
                            "no durations to fit: the log selection is empty (check the "
                            "date range and the call-type filter)");
    CS_REQUIRE(t != NULL);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(t[i]))
            return cs_error_set(err, CS_EINPUT,
                                "duration %zu is %g; every duration must be a finite number "
                                "of seconds (check for blank or malformed time fields)",
                                i, t[i]);
        if (t[i] < 0)
            return cs_error_set(err, CS_EINPUT,
                                "duration %zu is %g s; a duration cannot be negative (an end "
                                "time before its start time in the log?)",
                                i, t[i]);
        if (event && event[i] != 0 && event[i] != 1)
            return cs_error_set(err, CS_EINPUT,
                                "event flag %zu is %d; expected 1 (observed, e.g. abandoned) "
                                "or 0 (censored, e.g. answered)",
                                i, event[i]);
    }
    return CS_OK;
}

/* ------------------------------------------------------------------------------------
 * Prepared data: events and positive censorings as weighted distinct values.  Logs record
 * whole seconds, so a patience sample of 20,000 has a few hundred distinct values; the
 * censored terms, which cost an incomplete gamma or an erfc each, are then computed once
 * per distinct value. */

typedef struct fdata {
    size_t n, n_events, n_censored, n_zero;
    double zero_time;
    double *et, *ew, *elt; /* distinct event times, multiplicities, logs */
    size_t ne;
    double *ct, *cw, *clt; /* distinct positive censoring times, multiplicities, logs */
    size_t nc;
    double d;        /* events */
    double wtot;     /* events + positive censorings: the informative observations */
    double sum_t;    /* all durations (zero events moved), summed in input order */
    double s1;       /* sum of log t over events */
    double mbar, ss; /* mean log t over events and the centred sum of squares */
    double tsum_ev;  /* sum of event times */
    double max_t;
} fdata;

static void fdata_fini(fdata *D)
{
    free(D->et);
    free(D->ct);
    *D = (fdata){0};
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* Sorts v[0..m) in place and compresses it to distinct values with counts, writing the
 * values to v, counts to w and logs to lv; returns the number of distinct values. */
static size_t compress(double *v, double *w, double *lv, size_t m)
{
    qsort(v, m, sizeof *v, cmp_double);
    size_t k = 0;
    for (size_t i = 0; i < m;) {
        size_t j = i;
        while (j < m && v[j] == v[i])
            j++;
        v[k] = v[i];
        w[k] = (double)(j - i);
        lv[k] = log(v[i]);
        k++;
        i = j;
    }
    return k;
}

static cs_status fdata_init(fdata *D, const double *t, size_t n, const int *event,
                            const cs_fit_options *opt, cs_error *err)
{
    *D = (fdata){0};
    cs_status st = csi_fit_check_input(t, event, n, err);
    if (st)
        return st;
    if (opt && !(opt->zero_time >= 0 && isfinite(opt->zero_time)))
        return cs_error_set(err, CS_EINPUT,
                            "zero_time must be a finite number of seconds >= 0 (0 = automatic), "
                            "got %g", opt->zero_time);
    double min_pos = INFINITY, max_t = 0;
    D->n = n;
    for (size_t i = 0; i < n; i++) {
        int ev = event ? event[i] : 1;
        if (ev) {
            D->n_events++;
            if (t[i] == 0)
                D->n_zero++;
        } else {
            D->n_censored++;
        }
        if (t[i] > 0 && t[i] < min_pos)
            min_pos = t[i];
        if (t[i] > max_t)
            max_t = t[i];
    }
    D->max_t = max_t;
    if (D->n_events == 0)
        return cs_error_set(err, CS_EDOM,
                            "all %zu durations are censored (no caller abandoned), so no "
                            "distribution can be estimated: the data only say patience exceeds "
                            "the waits seen, up to %g s.  Use a longer period or a busier "
                            "interval, or set patience by hand",
                            n, max_t);
    if (!isfinite(min_pos))
        return cs_error_set(err, CS_EDOM,
                            "all %zu durations are 0 s, so no distribution of durations can be "
                            "estimated (are the times recorded at a coarser resolution than "
                            "the durations?)",
                            n);
    D->zero_time = opt && opt->zero_time > 0 ? opt->zero_time : 0.5 * min_pos;

    size_t n_cpos = 0;
    for (size_t i = 0; i < n; i++)
        if (event && !event[i] && t[i] > 0)
            n_cpos++;
    D->et = malloc(3 * D->n_events * sizeof(double));
    D->ct = n_cpos ? malloc(3 * n_cpos * sizeof(double)) : NULL;
    if (!D->et || (n_cpos && !D->ct)) {
        fdata_fini(D);
        return cs_error_set(err, CS_ENOMEM, "out of memory preparing %zu durations", n);
    }
    D->ew = D->et + D->n_events;
    D->elt = D->ew + D->n_events;
    if (D->ct) {
        D->cw = D->ct + n_cpos;
        D->clt = D->cw + n_cpos;
    }
    size_t ke = 0, kc = 0;
    double sum_t = 0;
    for (size_t i = 0; i < n; i++) {
        int ev = event ? event[i] : 1;
        if (ev) {
            double x = t[i] > 0 ? t[i] : D->zero_time;
            D->et[ke++] = x;
            sum_t += x;
        } else if (t[i] > 0) {
            D->ct[kc++] = t[i];
            sum_t += t[i];
        }
    }
    D->sum_t = sum_t;
    D->ne = compress(D->et, D->ew, D->elt, ke);
    D->nc = n_cpos ? compress(D->ct, D->cw, D->clt, kc) : 0;
    D->d = (double)D->n_events;
    D->wtot = D->d + (double)n_cpos;

    double s1 = 0, tsum = 0;
    for (size_t j = 0; j < D->ne; j++) {
        s1 += D->ew[j] * D->elt[j];
        tsum += D->ew[j] * D->et[j];
    }
    D->s1 = s1;
    D->tsum_ev = tsum;
    D->mbar = s1 / D->d;
    double ss = 0;
    for (size_t j = 0; j < D->ne; j++) {
        double u = D->elt[j] - D->mbar;
        ss += D->ew[j] * u * u;
    }
    D->ss = ss;
    return CS_OK;
}

/* ------------------------------------------------------------------------------------
 * Log survival functions, stable far into the upper tail */

/* log P(Z > z) for a standard normal Z. */
static double log_norm_q(double z)
{
    return -CS_FIT_LN2 + gsl_sf_log_erfc(z / 1.41421356237309504880);
}

/* log Q(a, x) = log Gamma(a, x)/Gamma(a) by the continued fraction (modified Lentz), in
 * log form so that it cannot underflow; converges quickly for x > a + 1. */
static double log_gamma_q_cf(double a, double x)
{
    const double tiny = 1e-300;
    double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (int i = 1; i < 10000; i++) {
        double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < tiny)
            d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-15)
            break;
    }
    return -x + a * log(x) - gsl_sf_lngamma(a) + log(h);
}

/* log Q(a, x), the log of the regularised upper incomplete gamma function. */
static double log_gamma_q(double a, double x)
{
    if (x <= 0)
        return 0.0;
    if (x > a + 1.0) {
        return log_gamma_q_cf(a, x);
    }
    gsl_sf_result r;
    int st = gsl_sf_gamma_inc_Q_e(a, x, &r);
    if (st == GSL_SUCCESS && r.val > 0)
        return log(r.val);
    return log_gamma_q_cf(a, x);
}

/* ------------------------------------------------------------------------------------
 * Negative log-likelihoods in theta, with gradients (g may be NULL).
 *   LOGNORMAL theta = (mu, log sigma); GAMMA and WEIBULL theta = (log shape, log scale).
 * Event terms use sufficient statistics where the family has them, so only the censored
 * terms (and Weibull's (t/scale)^shape) cost a pass over the data. */

static double nll_lognormal(const fdata *D, const double th[2], double g[2])
{
    double mu = th[0], sg = exp(th[1]), s2 = sg * sg;
    double dm = D->mbar - mu;
    double q = D->ss + D->d * dm * dm;
    double f = D->d * th[1] + q / (2 * s2) + D->s1 + D->d * CS_FIT_LOG_SQRT_2PI;
    double g0 = -D->d * dm / s2, g1 = D->d - q / s2;
    for (size_t j = 0; j < D->nc; j++) {
        double z = (D->clt[j] - mu) / sg;
        f -= D->cw[j] * log_norm_q(z);
        if (g) {
            double h = gsl_sf_hazard(z); /* phi(z)/Q(z), stable for large z */
            g0 -= D->cw[j] * h / sg;
            g1 -= D->cw[j] * h * z;
        }
    }
    if (g) {
        g[0] = g0;
        g[1] = g1;
    }
    return f;
}

static double nll_weibull(const fdata *D, const double th[2], double g[2])
{
    double k = exp(th[0]), v = th[1];
    double f = -D->d * th[0] + D->d * k * v - (k - 1) * D->s1;
    double sz = 0, szy = 0;
    for (size_t j = 0; j < D->ne; j++) {
        double y = D->elt[j] - v, z = exp(k * y);
        sz += D->ew[j] * z;
        szy += D->ew[j] * z * y;
    }
    for (size_t j = 0; j < D->nc; j++) {
        double y = D->clt[j] - v, z = exp(k * y);
        sz += D->cw[j] * z;
        szy += D->cw[j] * z * y;
    }
    f += sz;
    if (g) {
        g[0] = -D->d + k * (D->d * v - D->s1) + k * szy;
        g[1] = D->d * k - k * sz;
    }
    return f;
}

static double nll_gamma(const fdata *D, const double th[2], double g[2])
{
    double a = exp(th[0]), b = exp(th[1]), lga = gsl_sf_lngamma(a);
    double f = D->d * lga + D->d * a * th[1] - (a - 1) * D->s1 + D->tsum_ev / b;
    double g0 = a * (D->d * gsl_sf_psi(a) + D->d * th[1] - D->s1);
    double g1 = D->d * a - D->tsum_ev / b;
    /* d log Q / d log a has no closed form: central difference in log a, step 1e-5
     * (truncation ~1e-10, rounding ~1e-11 relative). */
    const double h = 1e-5;
    double ap = a * exp(h), am = a * exp(-h);
    for (size_t j = 0; j < D->nc; j++) {
        double x = D->ct[j] / b, lq = log_gamma_q(a, x);
        f -= D->cw[j] * lq;
        if (g) {
            double lpdf = (a - 1) * log(x) - x - lga;
            g1 -= D->cw[j] * x * exp(lpdf - lq);
            g0 -= D->cw[j] * (log_gamma_q(ap, x) - log_gamma_q(am, x)) / (2 * h);
        }
    }
    if (g) {
        g[0] = g0;
        g[1] = g1;
    }
    return f;
}

static double nll_family(cs_fit_family fam, const fdata *D, const double th[2], double g[2])
{
    double f;
    switch (fam) {
    case CS_FIT_LOGNORMAL:
        f = nll_lognormal(D, th, g);
        break;
    case CS_FIT_GAMMA:
        f = nll_gamma(D, th, g);
        break;
    case CS_FIT_WEIBULL:
        f = nll_weibull(D, th, g);
        break;
    default:
        CS_UNREACHABLE("nll_family: not a two-parameter family");
        return NAN;
    }
    return f;
}

/* Natural parameters (the cs_dist ones) from theta. */
static void natural(cs_fit_family fam, const double th[2], double p[2])
{
    p[0] = fam == CS_FIT_LOGNORMAL ? th[0] : exp(th[0]);
    p[1] = exp(th[1]);
}

/* Mean and sd of the duration. */
static void moments(cs_fit_family fam, const double th[2], double *mean, double *sd)
{
    double p[2];
    natural(fam, th, p);
    switch (fam) {
    case CS_FIT_LOGNORMAL:
        *mean = exp(p[0] + 0.5 * p[1] * p[1]);
        *sd = *mean * sqrt(expm1(p[1] * p[1]));
        break;
    case CS_FIT_GAMMA:
        *mean = p[0] * p[1];
        *sd = sqrt(p[0]) * p[1];
        break;
    case CS_FIT_WEIBULL: {
        double l1 = gsl_sf_lngamma(1 + 1 / p[0]), l2 = gsl_sf_lngamma(1 + 2 / p[0]);
        *mean = p[1] * exp(l1);
        *sd = *mean * sqrt(expm1(l2 - 2 * l1));
        break;
    }
    default:
        *mean = p[0];
        *sd = p[0];
        break;
    }
}

/* ------------------------------------------------------------------------------------
 * Optimiser.  The objective is nll / wtot, so gradients and steps have the same size
 * whatever the sample size.  Convergence: |grad nll| < 1e-3 sqrt(wtot).  Why that: the
 * distance to the optimum is about H^-1 grad with H ~ wtot, i.e. 1e-3 / sqrt(wtot), while
 * the standard errors are ~ 1 / sqrt(wtot): the optimiser's error is 1/1000 of an SE. */

typedef struct mm_ctx {
    cs_fit_family fam;
    const fdata *D;
} mm_ctx;

static int theta_ok(cs_fit_family fam, const double th[2])
{
    if (!isfinite(th[0]) || !isfinite(th[1]))
        return 0;
    if (fam != CS_FIT_LOGNORMAL && fabs(th[0]) > CS_FIT_THETA_MAX)
        return 0;
    return fabs(th[1]) <= CS_FIT_THETA_MAX && fabs(th[0]) < 1e6;
}

static double mm_f(const gsl_vector *x, void *p)
{
    const mm_ctx *c = p;
    double th[2] = {gsl_vector_get(x, 0), gsl_vector_get(x, 1)};
    if (!theta_ok(c->fam, th))
        return GSL_POSINF;
    double f = nll_family(c->fam, c->D, th, NULL) / c->D->wtot;
    return isnan(f) ? GSL_POSINF : f;
}

static void mm_fdf(const gsl_vector *x, void *p, double *f, gsl_vector *grad)
{
    const mm_ctx *c = p;
    double th[2] = {gsl_vector_get(x, 0), gsl_vector_get(x, 1)}, g[2] = {0, 0};
    double v = GSL_POSINF;
    if (theta_ok(c->fam, th)) {
        v = nll_family(c->fam, c->D, th, g) / c->D->wtot;
        if (isnan(v) || !isfinite(g[0]) || !isfinite(g[1])) {
            v = GSL_POSINF;
            g[0] = g[1] = 0;
        }
    }
    *f = v;
    gsl_vector_set(grad, 0, g[0] / c->D->wtot);
    gsl_vector_set(grad, 1, g[1] / c->D->wtot);
}

static void mm_df(const gsl_vector *x, void *p, gsl_vector *grad)
{
    double f;
    mm_fdf(x, p, &f, grad);
}

/* Runs BFGS from th (updated in place).  Returns 1 when converged to the tolerance above,
 * 0 otherwise; *iters accumulates iterations. */
static int run_bfgs(const mm_ctx *c, double th[2], int *iters)
{
    gsl_multimin_function_fdf fn = {mm_f, mm_df, mm_fdf, 2, (void *)c};
    gsl_multimin_fdfminimizer *m =
        gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, 2);
    if (!m)
        return 0;
    gsl_vector_view x = gsl_vector_view_array(th, 2);
    double tol = 1e-3 / sqrt(c->D->wtot);
    int ok = 0;
    if (gsl_multimin_fdfminimizer_set(m, &fn, &x.vector, 0.1, 0.1) == GSL_SUCCESS &&
        isfinite(m->f)) {
        for (int it = 0; it < 500; it++) {
            (*iters)++;
            int st = gsl_multimin_fdfminimizer_iterate(m);
            if (gsl_multimin_test_gradient(m->gradient, tol) == GSL_SUCCESS) {
                ok = 1;
                break;
            }
            if (st != GSL_SUCCESS)
                break; /* no progress: let the caller try the simplex */
        }
        if (isfinite(m->f)) {
            th[0] = gsl_vector_get(m->x, 0);
            th[1] = gsl_vector_get(m->x, 1);
        }
    }
    gsl_multimin_fdfminimizer_free(m);
    return ok;
}

/* Nelder-Mead from th: slower but indifferent to a rough or badly scaled gradient. */
static void run_simplex(const mm_ctx *c, double th[2], int *iters)
{
    gsl_multimin_function fn = {mm_f, 2, (void *)c};
    gsl_multimin_fminimizer *m =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, 2);
    if (!m)
        return;
    gsl_vector_view x = gsl_vector_view_array(th, 2);
    double step[2] = {0.2, 0.2};
    gsl_vector_view sv = gsl_vector_view_array(step, 2);
    if (gsl_multimin_fminimizer_set(m, &fn, &x.vector, &sv.vector) == GSL_SUCCESS) {
        for (int it = 0; it < 2000; it++) {
            (*iters)++;
            if (gsl_multimin_fminimizer_iterate(m) != GSL_SUCCESS)
                break;
            if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), 1e-9) == GSL_SUCCESS)
                break;
        }
        if (isfinite(m->fval)) {
            th[0] = gsl_vector_get(m->x, 0);
            th[1] = gsl_vector_get(m->x, 1);
        }
    }
    gsl_multimin_fminimizer_free(m);
}

/* Starting points: the exponential fit written in the family's terms (shape 1, or a
 * lognormal with the same mean and sigma 1), and a moment match to the event times alone
 * (biased by censoring, but of the right shape).  The one with the lower nll wins. */
static void start_point(cs_fit_family fam, const fdata *D, double th[2])
{
    double m_exp = D->sum_t / D->d;
    double cand[2][2];
    int nc = 1;
    if (fam == CS_FIT_LOGNORMAL) {
        cand[0][0] = log(m_exp) - 0.5;
        cand[0][1] = 0.0;
        if (D->ss > 0) {
            cand[1][0] = D->mbar;
            cand[1][1] = 0.5 * log(D->ss / D->d);
            nc = 2;
        }
    } else {
        cand[0][0] = 0.0;
        cand[0][1] = log(m_exp);
        double mean_ev = D->tsum_ev / D->d, var_ev = 0;
        for (size_t j = 0; j < D->ne; j++) {
            double u = D->et[j] - mean_ev;
            var_ev += D->ew[j] * u * u;
        }
        var_ev /= D->d;
        if (var_ev > 0) {
            double cv = sqrt(var_ev) / mean_ev;
            if (fam == CS_FIT_GAMMA) {
                double a = 1 / (cv * cv);
                cand[1][0] = log(a);
                cand[1][1] = log(mean_ev / a);
            } else {
                /* Weibull shape from cv ~ k^-1.086 (Justus' approximation). */
                double k = pow(cv, -1.086);
                cand[1][0] = log(k);
                cand[1][1] = log(mean_ev) - gsl_sf_lngamma(1 + 1 / k);
            }
            nc = 2;
        }
    }
    double best = INFINITY;
    th[0] = cand[0][0];
    th[1] = cand[0][1];
    for (int i = 0; i < nc; i++) {
        if (!theta_ok(fam, cand[i]))
            continue;
        double f = nll_family(fam, D, cand[i], NULL);
        if (f < best) {
            best = f;
            th[0] = cand[i][0];
            th[1] = cand[i][1];
        }
    }
}

/* Observed information in theta by central differences of the analytic gradient (step
 * 1e-4 in log-parameters: truncation ~1e-8 relative), symmetrised. */
static void hessian(cs_fit_family fam, const fdata *D, const double th[2], double H[2][2])
{
    const double h = 1e-4;
    for (int j = 0; j < 2; j++) {
        double tp[2] = {th[0], th[1]}, tm[2] = {th[0], th[1]}, gp[2], gm[2];
        double hj = fam == CS_FIT_LOGNORMAL && j == 0 ? h * exp(th[1]) : h;
        tp[j] += hj;
        tm[j] -= hj;
        nll_family(fam, D, tp, gp);
        nll_family(fam, D, tm, gm);
        for (int i = 0; i < 2; i++)
            H[i][j] = (gp[i] - gm[i]) / (2 * hj);
    }
    double off = 0.5 * (H[0][1] + H[1][0]);
    H[0][1] = H[1][0] = off;
}

/* ------------------------------------------------------------------------------------
 * Results */

static cs_fit_param param_nan(void)
{
    return (cs_fit_param){NAN, NAN, NAN, NAN};
}

/* A positive quantity with SE se: interval on the log scale. */
static cs_fit_param param_pos(double est, double se)
{
    cs_fit_param p = {est, se, NAN, NAN};
    if (est > 0 && isfinite(est) && se >= 0 && isfinite(se)) {
        double r = exp(CS_FIT_Z95 * se / est);
        p.lo = est / r;
        p.hi = est * r;
    }
    return p;
}

static cs_fit_param param_lin(double est, double se)
{
    cs_fit_param p = {est, se, NAN, NAN};
    if (isfinite(est) && se >= 0 && isfinite(se)) {
        p.lo = est - CS_FIT_Z95 * se;
        p.hi = est + CS_FIT_Z95 * se;
    }
    return p;
}

static void result_clear(cs_fit_result *r, cs_fit_family fam)
{
    *r = (cs_fit_result){0};
    r->family = fam;
    r->k = fam == CS_FIT_EXPONENTIAL ? 1 : 2;
    r->par[0] = r->par[1] = r->mean = r->sd = param_nan();
    r->cov[0][0] = r->cov[0][1] = r->cov[1][0] = r->cov[1][1] = NAN;
    r->loglik = r->aic = r->ks_d = r->ks_p = r->km_maxdiff = NAN;
}

static cs_status result_fail(cs_fit_result *r, cs_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Marks r as not fitted with a message (also returned in err as CS_EDOM). */
static cs_status result_fail(cs_fit_result *r, cs_error *err, const char *fmt, ...)
{
    char buf[sizeof r->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    result_clear(r, r->family);
    snprintf(r->msg, sizeof r->msg, "%s", buf);
    return cs_error_set(err, CS_EDOM, "%s", buf);
}

/* P(K > lambda) for the Kolmogorov distribution; the theta-function form is used below
 * 1.18 where the alternating series would need many terms. */
static double kolmogorov_q(double lambda)
{
    if (lambda <= 0)
        return 1.0;
    if (lambda < 1.18) {
        double y = exp(-CS_FIT_PI * CS_FIT_PI / (8 * lambda * lambda)), s = 0;
        for (int k = 1; k <= 7; k += 2)
            s += pow(y, (double)(k * k));
        double p = sqrt(2 * CS_FIT_PI) / lambda * s;
        return p > 1 ? 0.0 : 1.0 - p;
    }
    double x = exp(-2 * lambda * lambda), q = 0;
    for (int k = 1; k <= 10; k++)
        q += (k % 2 ? 2.0 : -2.0) * pow(x, (double)(k * k));
    return q < 0 ? 0.0 : (q > 1 ? 1.0 : q);
}

/* KS (uncensored) and the KM comparison (always).  The KM is of the prepared data, i.e.
 * with zero events moved, rebuilt from the weighted distinct values.  Under censoring the
 * comparison stops where fewer than max(20, 1% of the observations) remain at risk: out
 * there the KM rests on a handful of callers (Greenwood variance ~ S^2 / at-risk) and a
 * correct fit would be "off" by noise alone.  In a simulated log of 20,000 calls with
 * waits of ~2 minutes, the right family's sup over the full range was 0.13, all of it
 * from the far tail (the last event step had 21 callers at risk, of 13,000 with positive
 * waits); restricted, 0.012. */
static void goodness(cs_fit_result *r, const fdata *D)
{
    const cs_dist *d = &r->dist;
    double thr = D->nc ? fmax(20.0, 0.01 * D->wtot) : 0.0;
    /* Merge events and censorings in time order; at equal times events first. */
    double at_risk = D->wtot, s = 1, dmax = 0;
    size_t i = 0, j = 0;
    while (i < D->ne || j < D->nc) {
        int take_ev = j >= D->nc || (i < D->ne && D->et[i] <= D->ct[j]);
        if (take_ev) {
            double before = s;
            s *= 1 - D->ew[i] / at_risk;
            if (at_risk >= thr) {
                double sf = 1 - cs_dist_cdf(d, D->et[i]);
                double e = fmax(fabs(sf - before), fabs(sf - s));
                if (e > dmax)
                    dmax = e;
            }
            at_risk -= D->ew[i];
            i++;
        } else {
            at_risk -= D->cw[j];
            j++;
        }
    }
    r->km_maxdiff = dmax;
    if (D->nc == 0) {
        double sq = sqrt(D->d);
        r->ks_d = dmax;
        r->ks_p = kolmogorov_q((sq + 0.12 + 0.11 / sq) * r->ks_d);
    }
}

static cs_status make_dist(cs_fit_result *r, cs_error *err)
{
    cs_error e = {0};
    cs_status st;
    switch (r->family) {
    case CS_FIT_EXPONENTIAL:
        st = cs_dist_exponential(&r->dist, r->par[0].est, &e);
        break;
    case CS_FIT_LOGNORMAL:
        st = cs_dist_lognormal_log(&r->dist, r->par[0].est, r->par[1].est, &e);
        break;
    case CS_FIT_GAMMA:
        st = cs_dist_gamma_shape_scale(&r->dist, r->par[0].est, r->par[1].est, &e);
        break;
    default:
        st = cs_dist_weibull(&r->dist, r->par[0].est, r->par[1].est, &e);
        break;
    }
    if (st) {
        return result_fail(r, err, "%s fit gives an unusable distribution: %s",
                           cs_fit_family_name(r->family), e.msg);
    }
    return CS_OK;
}

static cs_status fit_exponential(const fdata *D, cs_fit_result *r, cs_error *err)
{
    result_clear(r, CS_FIT_EXPONENTIAL);
    /* Closed form: logL = d log(1/m) - T/m is maximised at m = T/d, the bank's
     * "abandonments / total time waited".  Information d/m^2, so se(m) = m/sqrt(d). */
    double m = D->sum_t / D->d;
    double se = m / sqrt(D->d);
    r->par[0] = param_pos(m, se);
    r->cov[0][0] = se * se;
    r->mean = r->par[0];
    r->sd = r->par[0];
    r->loglik = -D->d * (log(m) + 1);
    r->aic = 2 * r->k - 2 * r->loglik;
    cs_status st = make_dist(r, err);
    if (st)
        return st;
    r->ok = 1;
    goodness(r, D);
    return CS_OK;
}

static cs_status fit_two(cs_fit_family fam, const fdata *D, cs_fit_result *r, cs_error *err)
{
    result_clear(r, fam);
    if (D->ne < 2)
        return result_fail(r, err,
                           "%s fit needs at least two distinct observed durations, got %zu",
                           cs_fit_family_name(fam), D->ne);
    mm_ctx c = {fam, D};
    double th[2];
    start_point(fam, D, th);
    int iters = 0;
    int ok = run_bfgs(&c, th, &iters);
    if (!ok) {
        run_simplex(&c, th, &iters);
        ok = run_bfgs(&c, th, &iters);
    }
    r->iterations = iters;
    if (!theta_ok(fam, th) ||
        (fam != CS_FIT_LOGNORMAL && fabs(th[0]) > CS_FIT_THETA_MAX - 1) ||
        fabs(th[1]) > CS_FIT_THETA_MAX - 1) {
        double p[2];
        natural(fam, th, p);
        return result_fail(r, err,
                           "%s likelihood has no finite maximum (parameters ran off to %g, "
                           "%g): too few observed durations, or nearly all censored",
                           cs_fit_family_name(fam), p[0], p[1]);
    }
    double g[2];
    double f = nll_family(fam, D, th, g);
    if (!ok) {
        /* Accept a point the optimiser cannot improve if it is within 1/100 SE. */
        if (!(hypot(g[0], g[1]) < 1e-2 * sqrt(D->wtot)))
            return result_fail(r, err,
                               "%s fit did not converge (gradient %g after %d iterations)",
                               cs_fit_family_name(fam), hypot(g[0], g[1]), iters);
    }

    double p[2];
    natural(fam, th, p);
    r->loglik = -f;
    r->aic = 2 * r->k - 2 * r->loglik;

    /* Covariance of theta = inverse observed information; natural parameters by the
     * Jacobian diag(dp/dtheta); mean and sd by numerical gradients of their logs. */
    double H[2][2], C[2][2] = {{NAN, NAN}, {NAN, NAN}};
    hessian(fam, D, th, H);
    double det = H[0][0] * H[1][1] - H[0][1] * H[1][0];
    int cov_ok = H[0][0] > 0 && H[1][1] > 0 && det > 0 && isfinite(det);
    if (cov_ok) {
        C[0][0] = H[1][1] / det;
        C[1][1] = H[0][0] / det;
        C[0][1] = C[1][0] = -H[0][1] / det;
    } else {
        snprintf(r->msg, sizeof r->msg,
                 "the information matrix is not positive definite (a flat likelihood): "
                 "standard errors and intervals are unavailable");
    }
    double J[2] = {fam == CS_FIT_LOGNORMAL ? 1.0 : p[0], p[1]};
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++)
            r->cov[a][b] = J[a] * J[b] * C[a][b];
    double se0 = sqrt(r->cov[0][0]), se1 = sqrt(r->cov[1][1]);
    r->par[0] = fam == CS_FIT_LOGNORMAL ? param_lin(p[0], se0) : param_pos(p[0], se0);
    r->par[1] = param_pos(p[1], se1);

    double mean, sd, gm[2], gs[2];
    moments(fam, th, &mean, &sd);
    const double h = 1e-6;
    for (int j = 0; j < 2; j++) {
        double tp[2] = {th[0], th[1]}, tm[2] = {th[0], th[1]}, mp, sp, mm, sm;
        tp[j] += h;
        tm[j] -= h;
        moments(fam, tp, &mp, &sp);
        moments(fam, tm, &mm, &sm);
        gm[j] = (log(mp) - log(mm)) / (2 * h);
        gs[j] = (log(sp) - log(sm)) / (2 * h);
    }
    double vm = 0, vs = 0;
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++) {
            vm += gm[a] * C[a][b] * gm[b];
            vs += gs[a] * C[a][b] * gs[b];
        }
    r->mean = param_pos(mean, mean * sqrt(vm));
    r->sd = param_pos(sd, sd * sqrt(vs));

    cs_status st = make_dist(r, err);
    if (st)
        return st;
    r->ok = 1;
    goodness(r, D);
    return CS_OK;
}

static cs_status fit_prepared(cs_fit_family fam, const fdata *D, cs_fit_result *r,
                              cs_error *err)
{
    if (fam == CS_FIT_EXPONENTIAL)
        return fit_exponential(D, r, err);
    return fit_two(fam, D, r, err);
}

/* ------------------------------------------------------------------------------------
 * Public fitting calls */

const char *cs_fit_family_name(cs_fit_family f)
{
    switch (f) {
    case CS_FIT_EXPONENTIAL:
        return "exponential";
    case CS_FIT_LOGNORMAL:
        return "lognormal";
    case CS_FIT_GAMMA:
        return "gamma";
    case CS_FIT_WEIBULL:
        return "weibull";
    }
    return "unknown";
}

const char *cs_fit_param_name(cs_fit_family f, int i)
{
    static const char *const names[CS_FIT_N_FAMILIES][2] = {
        {"mean", NULL}, {"mu", "sigma"}, {"shape", "scale"}, {"shape", "scale"}};
    if ((int)f < 0 || (int)f >= CS_FIT_N_FAMILIES || i < 0 || i > 1)
        return NULL;
    return names[f][i];
}

void cs_fit_result_fini(cs_fit_result *r)
{
    if (r)
        cs_dist_fini(&r->dist);
}

void cs_fit_set_fini(cs_fit_set *set)
{
    if (!set)
        return;
    for (int i = 0; i < CS_FIT_N_FAMILIES; i++)
        cs_fit_result_fini(&set->fit[i]);
}

cs_status cs_fit_one(cs_fit_family family, const double *t, size_t n, const int *event,
                     const cs_fit_options *opt, cs_fit_result *out, cs_error *err)
{
    CS_REQUIRE(out != NULL);
    CS_REQUIRE((int)family >= 0 && (int)family < CS_FIT_N_FAMILIES);
    result_clear(out, family);
    fdata D;
    cs_status st = fdata_init(&D, t, n, event, opt, err);
    if (st) {
        snprintf(out->msg, sizeof out->msg, "%.250s", err ? err->msg : "invalid input");
        return st;
    }
    st = fit_prepared(family, &D, out, err);
    fdata_fini(&D);
    return st;
}

cs_status cs_fit_durations(const double *t, size_t n, const int *event,
                           const cs_fit_options *opt, cs_fit_set *out, cs_error *err)
{
    CS_REQUIRE(out != NULL);
    *out = (cs_fit_set){0};
    for (int i = 0; i < CS_FIT_N_FAMILIES; i++)
        result_clear(&out->fit[i], (cs_fit_family)i);
    fdata D;
    cs_status st = fdata_init(&D, t, n, event, opt, err);
    if (st)
        return st;
    out->n = D.n;
    out->n_events = D.n_events;
    out->n_censored = D.n_censored;
    out->n_zero = D.n_zero;
    out->zero_time = D.zero_time;
    int n_ok = 0;
    cs_error first = {0};
    for (int i = 0; i < CS_FIT_N_FAMILIES; i++) {
        cs_error e = {0};
        st = fit_prepared((cs_fit_family)i, &D, &out->fit[i], &e);
        if (st == CS_ENOMEM) {
            fdata_fini(&D);
            cs_fit_set_fini(out);
            return cs_error_set(err, st, "%s", e.msg);
        }
        if (st == CS_OK)
            n_ok++;
        else if (!first.code)
            first = e;
    }
    fdata_fini(&D);
    if (n_ok == 0)
        return cs_error_set(err, first.code ? first.code : CS_EDOM, "%s", first.msg);
    return CS_OK;
}

const cs_fit_result *cs_fit_best(const cs_fit_set *set)
{
    CS_REQUIRE(set != NULL);
    const cs_fit_result *best = NULL;
    for (int i = 0; i < CS_FIT_N_FAMILIES; i++) {
        const cs_fit_result *r = &set->fit[i];
        if (!r->ok || !isfinite(r->aic))
            continue;
        if (!best) {
            best = r;
            continue;
        }
        double tol = 1e-9 * fmax(1.0, fabs(best->aic));
        if (r->aic < best->aic - tol)
            best = r;
    }
    return best;
}

/* E[min(X, t)] = integral of the survival function over [0, t] (trapezoid, 4000 steps). */
static double restricted_mean(const cs_dist *d, double t)
{
    enum { N = 4000 };
    double h = t / N, sum = 0;
    for (int i = 0; i <= N; i++) {
        double sv = 1 - cs_dist_cdf(d, i * h);
        sum += (i == 0 || i == N) ? sv / 2 : sv;
    }
    return sum * h;
}

const cs_fit_result *cs_fit_choose_patience(const cs_fit_set *ps, const double *t, size_t n, char *note,
                                            size_t note_n)
{
    if (note_n) note[0] = '\0';
    const cs_fit_result *best = cs_fit_best(ps);
    if (!best) return NULL;
    double tmax = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i] > tmax) tmax = t[i];
    const cs_fit_result *pick = NULL;
    double tail[CS_FIT_N_FAMILIES];
    for (int f = 0; f < CS_FIT_N_FAMILIES; f++) {
        const cs_fit_result *r = &ps->fit[f];
        tail[f] = NAN;
        if (!r->ok || !(tmax > 0)) continue;
        tail[f] = 1 - restricted_mean(&r->dist, tmax) / r->mean.est;
        int plausible = r->mean.est <= CS_FIT_PATIENCE_LIMIT && tail[f] <= CS_FIT_TAIL_SHARE_LIMIT;
        if (plausible && (!pick || r->aic < pick->aic)) pick = r;
    }
    if (pick == best) return best;
    char why[200];
    int fb = (int)best->family;
    if (best->mean.est > CS_FIT_PATIENCE_LIMIT)
        snprintf(why, sizeof why, "a mean of %.1f h", best->mean.est / 3600);
    else
        snprintf(why, sizeof why, "a mean of %.0f s, %.0f%% of it beyond the longest wait seen (%.0f s)",
                 best->mean.est, 100 * tail[fb], tmax);
    if (!pick) pick = &ps->fit[CS_FIT_EXPONENTIAL];
    snprintf(note, note_n,
             "patience: the best fit by AIC (%s) has %s: that rests on the fitted tail and a few callers, not on "
             "data. Written instead: %s, mean %.0f s (95%% CI %.0f to %.0f), the best by AIC whose mean the "
             "waits support%s",
             cs_fit_family_name(best->family), why, cs_fit_family_name(pick->family), pick->mean.est, pick->mean.lo,
             pick->mean.hi, pick->family == CS_FIT_EXPONENTIAL ? " (or the exponential, whose mean they always do)" : "");
    return pick;
}

/* Sample mean of t[0..n) and the half-width of its 95% interval. */
static void mean_ci(const double *t, size_t n, double *mean, double *half)
{
    double m = 0, m2 = 0;
    for (size_t i = 0; i < n; i++) {
        double d = t[i] - m;
        m += d / (double)(i + 1);
        m2 += d * (t[i] - m);
    }
    *mean = m;
    *half = n > 1 ? 1.96 * sqrt(m2 / (double)(n - 1) / (double)n) : INFINITY;
}

int cs_fit_keeps_mean(const cs_fit_result *r, const double *t, size_t n)
{
    if (!r || !r->ok || n < 2 || !isfinite(r->mean.est)) return 0;
    double m, half;
    mean_ci(t, n, &m, &half);
    /* The tolerance also absorbs rounding in the fit itself (gamma and exponential means equal
     * the sample mean only to the optimiser's precision). */
    return fabs(r->mean.est - m) <= half + 1e-6 * m;
}

const cs_fit_result *cs_fit_choose_handle(const cs_fit_set *hs, const double *t, size_t n, char *note,
                                          size_t note_n)
{
    if (note_n) note[0] = '\0';
    const cs_fit_result *best = cs_fit_best(hs);
    if (!best) return NULL;
    const cs_fit_result *pick = NULL;
    for (int f = 0; f < CS_FIT_N_FAMILIES; f++) {
        const cs_fit_result *r = &hs->fit[f];
        if (cs_fit_keeps_mean(r, t, n) && (!pick || r->aic < pick->aic)) pick = r;
    }
    if (!pick) pick = hs->fit[CS_FIT_EXPONENTIAL].ok ? &hs->fit[CS_FIT_EXPONENTIAL] : best;
    if (pick == best) return best;
    double m, half;
    mean_ci(t, n, &m, &half);
    snprintf(note, note_n,
             "talk time: the best fit by AIC (%s) has a mean of %.1f s, outside the 95%% interval of the calls' "
             "own mean (%.1f to %.1f s): handlers' capacity would be %+.0f%% off. Written instead: %s, mean %.1f s, "
             "the best by AIC that keeps the mean",
             cs_fit_family_name(best->family), best->mean.est, m - half, m + half, 100 * (m / best->mean.est - 1),
             cs_fit_family_name(pick->family), pick->mean.est);
    return pick;
}
