/* Arrival profiles (models/fit.h): counts per slot of the week, streamed or from an array, the
 * rate per slot with its interval, and the day-to-day overdispersion (gamma day factor). */
#include "models/fit_int.h"

/* ------------------------------------------------------------------------------------
 * Arrivals */

static long long floor_div(double t, double len)
{
    return (long long)floor(t / len);
}

static size_t pos_mod(long long k, long long m)
{
    long long r = k % m;
    return (size_t)(r < 0 ? r + m : r);
}

/* Mean and variance of the sum of squared daily residuals under day-factor cv^2 = c (see
 * the header): the residuals of weekday g have covariance alpha I + gamma 1 1^T, with
 * eigenvalues alpha (m - 1 times) and alpha + m gamma; for Gaussian residuals
 * E = sum of eigenvalues, Var = 2 sum of their squares. */
static void sum_r2_moments(const double E[7], const double P[7], const double Q[7],
                           const double m[7], double c, double *mean, double *var)
{
    double es = 0, vs = 0;
    for (size_t g = 0; g < 7; g++) {
        if (m[g] == 0)
            continue;
        double alpha = E[g] + c * E[g] * E[g];
        double gam = -P[g] + c * (Q[g] - 2 * E[g] * P[g]);
        double top = alpha + m[g] * gam;
        es += (m[g] - 1) * alpha + top;
        vs += 2 * ((m[g] - 1) * alpha * alpha + top * top);
    }
    *mean = es;
    *var = vs;
}

/* The p-quantile of the sum of squared residuals under cv^2 = c, by Satterthwaite's
 * approximation: a scaled chi-square with the same mean and variance. */
static double sat_quantile(const double E[7], const double P[7], const double Q[7],
                           const double m[7], double c, double p)
{
    double es, vs;
    sum_r2_moments(E, P, Q, m, c, &es, &vs);
    double nu = 2 * es * es / vs;
    return es * gsl_cdf_chisq_Pinv(p, nu) / nu;
}

/* Test inversion: the c >= 0 at which the observed sum s is the p-quantile (0 when s is
 * below it already at c = 0).  Bisection; the quantile grows with c. */
static double invert_sat(const double E[7], const double P[7], const double Q[7],
                         const double m[7], double p, double s, double c_hat)
{
    if (sat_quantile(E, P, Q, m, 0, p) >= s)
        return 0;
    double lo = 0, hi = c_hat > 0 ? 2 * c_hat : 1e-4;
    for (int i = 0; i < 60 && sat_quantile(E, P, Q, m, hi, p) < s; i++) {
        lo = hi;
        hi *= 2;
    }
    for (int i = 0; i < 100 && hi - lo > 1e-12 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (sat_quantile(E, P, Q, m, mid, p) < s)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

static cs_status check_slot_len(double *slot_len, cs_error *err)
{
    if (*slot_len == 0)
        *slot_len = 3600;
    double spd_f = CS_FIT_DAY / *slot_len;
    if (!(*slot_len > 0) || !isfinite(*slot_len) || fabs(spd_f - nearbyint(spd_f)) > 1e-9 ||
        7 * nearbyint(spd_f) > CS_FIT_MAX_SLOTS)
        return cs_error_set(err, CS_EINPUT,
                            "profile slot length %g s must divide a day into whole slots and be "
                            "at least %g s (e.g. 900, 1800 or 3600)",
                            *slot_len, CS_FIT_WEEK / CS_FIT_MAX_SLOTS);
    return CS_OK;
}

static cs_status check_span(double t0, double t1, cs_error *err)
{
    if (!isfinite(t0) || !isfinite(t1) || !(t0 < t1))
        return cs_error_set(err, CS_EINPUT,
                            "the observed span must be finite with start < end, got [%g, %g) s",
                            t0, t1);
    if (t1 - t0 > CS_FIT_MAX_DAYS * CS_FIT_DAY)
        return cs_error_set(err, CS_EINPUT,
                            "the observed span covers %.1f days; at most %d are supported "
                            "(fit a shorter window: demand drifts over years anyway)",
                            (t1 - t0) / CS_FIT_DAY, CS_FIT_MAX_DAYS);
    return CS_OK;
}

cs_status cs_fit_arrivals_stream_init(cs_fit_arrivals_stream *st, double slot_len, cs_error *err)
{
    CS_REQUIRE(st != NULL);
    memset(st, 0, sizeof *st);
    cs_status s = check_slot_len(&slot_len, err);
    if (s)
        return s;
    st->slot_len = slot_len;
    st->n_slots = 7 * (size_t)nearbyint(CS_FIT_DAY / slot_len);
    st->tmin = INFINITY;
    st->tmax = -INFINITY;
    return CS_OK;
}

void cs_fit_arrivals_stream_add(cs_fit_arrivals_stream *st, double t)
{
    if (!isfinite(t)) {
        st->n_outside++;
        return;
    }
    long long day = floor_div(t, CS_FIT_DAY);
    if (st->n == 0)
        st->day_origin = day - CS_FIT_MAX_DAYS;
    long long idx = day - st->day_origin;
    if (idx < 0 || idx >= (long long)(sizeof st->day_count / sizeof st->day_count[0])) {
        st->n_outside++;   /* more than CS_FIT_MAX_DAYS away from the first call */
        return;
    }
    st->day_count[idx] += 1;
    st->count[pos_mod(floor_div(t, st->slot_len), (long long)st->n_slots)] += 1;
    if (t < st->tmin)
        st->tmin = t;
    if (t > st->tmax)
        st->tmax = t;
    st->n++;
}

cs_status cs_fit_arrivals(const double *t, size_t n, double t0, double t1, double slot_len,
                          cs_fit_arrivals_result *out, cs_error *err)
{
    CS_REQUIRE(out != NULL);
    CS_REQUIRE(n == 0 || t != NULL);
    cs_status s = check_span(t0, t1, err);
    if (s)
        return s;
    cs_fit_arrivals_stream *st = malloc(sizeof *st);
    if (!st)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    s = cs_fit_arrivals_stream_init(st, slot_len, err);
    for (size_t i = 0; s == CS_OK && i < n; i++) {
        if (!(t[i] >= t0 && t[i] < t1)) {
            memset(out, 0, sizeof *out);
            s = cs_error_set(err, CS_EINPUT,
                             "arrival %zu at %.17g s lies outside the observed span "
                             "[%.17g, %.17g) s; widen the span or filter the log",
                             i, t[i], t0, t1);
            break;
        }
        cs_fit_arrivals_stream_add(st, t[i]);
    }
    if (s == CS_OK)
        s = cs_fit_arrivals_finish(st, t0, t1, out, err);
    free(st);
    return s;
}

cs_status cs_fit_arrivals_finish(const cs_fit_arrivals_stream *stream, double t0, double t1,
                                 cs_fit_arrivals_result *out, cs_error *err)
{
    CS_REQUIRE(out != NULL && stream != NULL);
    memset(out, 0, sizeof *out);
    double slot_len = stream->slot_len;
    cs_status sc = check_span(t0, t1, err);
    if (sc)
        return sc;
    if (stream->n_outside || (stream->n && !(stream->tmin >= t0 && stream->tmax < t1)))
        return cs_error_set(err, CS_EINPUT,
                            "%zu arrivals lie outside the observed span [%.17g, %.17g) s or more "
                            "than %d days from the first one; widen the span or filter the log",
                            stream->n_outside ? stream->n_outside : (size_t)1, t0, t1,
                            CS_FIT_MAX_DAYS);

    const double spd_f = CS_FIT_DAY / slot_len;
    const size_t spd = (size_t)nearbyint(spd_f), ns = 7 * spd;
    const double L = slot_len;
    size_t n = stream->n;
    out->slot_len = L;
    out->n_slots = ns;
    out->n_arrivals = n;

    /* Exposure: every slot instance [kL, (k+1)L) clipped to the span. */
    for (long long k = floor_div(t0, L); (double)k * L < t1; k++) {
        double lo = fmax(t0, (double)k * L), hi = fmin(t1, (double)(k + 1) * L);
        if (hi > lo)
            out->exposure[pos_mod(k, (long long)ns)] += hi - lo;
    }

    long long day_lo = (long long)ceil(t0 / CS_FIT_DAY);
    long long day_hi = floor_div(t1, CS_FIT_DAY); /* complete days: [day_lo, day_hi) */
    out->first_day = (long)day_lo;
    out->n_days = day_hi > day_lo ? (size_t)(day_hi - day_lo) : 0;

    for (size_t s2 = 0; s2 < ns; s2++)
        out->count[s2] = stream->count[s2];
    if (n > 0)
        for (size_t d = 0; d < out->n_days; d++) {
            long long idx = day_lo + (long long)d - stream->day_origin;
            if (idx >= 0 && idx < (long long)(sizeof stream->day_count / sizeof stream->day_count[0]))
                out->day_count[d] = stream->day_count[idx];
        }
    for (size_t s = 0; s < ns; s++) {
        if (out->exposure[s] > 0) {
            out->rate[s] = out->count[s] / out->exposure[s];
            out->rate_se[s] = sqrt(out->count[s]) / out->exposure[s];
        } else {
            out->rate[s] = out->rate_se[s] = NAN;
            out->n_unobserved++;
        }
    }

    /* Day factor: the moment equation with the exact expectations for residuals from the
     * fitted profile (see the header).  Per weekday g: E = sum mu_s, P = sum mu_s / K_s,
     * Q = sum over days of weekday g in the span of M_d^2. */
    double E[7] = {0}, P[7] = {0}, Q[7] = {0}, m[7] = {0};
    for (size_t g = 0; g < 7; g++)
        for (size_t s = g * spd; s < (g + 1) * spd; s++)
            if (out->exposure[s] > 0) {
                E[g] += out->rate[s] * L;
                P[g] += out->rate[s] * L * L / out->exposure[s];
            }
    for (long long dday = floor_div(t0, CS_FIT_DAY); (double)dday * CS_FIT_DAY < t1; dday++) {
        double M = 0;
        for (size_t j = 0; j < spd; j++) {
            long long k = dday * (long long)spd + (long long)j;
            double lo = fmax(t0, (double)k * L), hi = fmin(t1, (double)(k + 1) * L);
            if (hi > lo) {
                size_t s = pos_mod(k, (long long)ns);
                M += out->rate[s] * (hi - lo) * L / out->exposure[s];
            }
        }
        Q[pos_mod(dday, 7)] += M * M;
    }
    double S = 0, A = 0, B = 0;
    for (size_t d = 0; d < out->n_days; d++) {
        size_t g = pos_mod(day_lo + (long long)d, 7);
        out->day_expected[d] = E[g];
        double r = out->day_count[d] - E[g];
        S += r * r;
        m[g] += 1;
    }
    double sum_e2 = 0;
    for (size_t g = 0; g < 7; g++) {
        A += m[g] * (E[g] - P[g]);
        B += m[g] * (E[g] * E[g] - 2 * E[g] * P[g] + Q[g]);
        sum_e2 += m[g] * E[g] * E[g];
    }
    out->cv2 = out->cv2_se = out->daily_cv = out->daily_cv_lo = out->daily_cv_hi = NAN;
    int len = 0;
    if (out->n_unobserved)
        len = snprintf(out->note, sizeof out->note,
                       "%zu of %zu profile slots were never observed (the span is shorter "
                       "than a week): their rate is unknown. ",
                       out->n_unobserved, ns);
    if (out->n_days == 0 || !(B > 1e-9 * sum_e2) || !(sum_e2 > 0)) {
        snprintf(out->note + len, sizeof out->note - (size_t)len,
                 "Day-to-day variation cannot be estimated: it needs the same weekday "
                 "observed on at least two days with calls (complete days in the span: %zu).",
                 out->n_days);
        return CS_OK;
    }
    double cv2 = (S - A) / B, c = cv2 > 0 ? cv2 : 0, es, var_s;
    sum_r2_moments(E, P, Q, m, c, &es, &var_s);
    out->cv_ok = 1;
    out->cv2 = cv2;
    out->cv2_se = sqrt(var_s) / B;
    out->daily_cv = sqrt(c);
    out->daily_cv_lo = sqrt(invert_sat(E, P, Q, m, 1 - 0.5 * 0.05, S, c));
    out->daily_cv_hi = sqrt(invert_sat(E, P, Q, m, 0.5 * 0.05, S, c));
    return CS_OK;
}
