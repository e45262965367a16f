/* Distributions of durations.  See models/dist.h for the field layout and ownership rules.
 *
 * Layout of this file: constructors (all validation happens there), copy/fini, the sampler,
 * moments, cdf/quantile/log-density, then the text helpers.  The sampler is deliberately
 * the only function the simulator calls per event; everything else is for set-up,
 * reporting and fitting, and favours accuracy over speed. */
#include "models/dist.h"
#include "models/lnzig.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "sim/text.h"
#include "sim/rng.h"

/* log(sqrt(2 pi)); M_PI is not in strict C11. */
#define CS_LOG_SQRT_2PI 0.91893853320467274178032973640562

/* How far mixture weights may be from summing to 1 before we call it a mistake: loose
 * enough for shares typed with six decimals (0.333333 x 3), tight enough to catch
 * percentages (15 + 85) and forgotten components (0.15 + 0.80). */
#define CS_DIST_WEIGHT_TOL 1e-6

static void set_empty(cs_dist *d)
{
    *d = (cs_dist){0};
}

/* ------------------------------------------------------------------------------------
 * Validation helpers.  Each returns CS_OK or fills err and empties *d, so a constructor
 * can `if ((st = ...)) return st;` and still honour "on failure *d is an empty never". */

static cs_status need_positive(cs_dist *d, const char *kind, const char *name, double v,
                               cs_error *err)
{
    if (v > 0 && isfinite(v))
        return CS_OK;
    set_empty(d);
    if (v > 0) /* +inf: a unit or overflow slip, worth saying which */
        return cs_error_set(err, CS_EDOM, "%s needs a finite %s, got %g", kind, name, v);
    return cs_error_set(err, CS_EDOM, "%s needs %s > 0, got %g", kind, name, v);
}

static cs_status need_nonneg(cs_dist *d, const char *kind, const char *name, double v,
                             cs_error *err)
{
    if (v >= 0 && isfinite(v))
        return CS_OK;
    set_empty(d);
    if (v > 0)
        return cs_error_set(err, CS_EDOM, "%s needs a finite %s, got %g", kind, name, v);
    return cs_error_set(err, CS_EDOM,
                        "%s needs %s >= 0 (a duration cannot be negative), got %g", kind,
                        name, v);
}

/* ------------------------------------------------------------------------------------
 * Constructors */

cs_status cs_dist_exponential(cs_dist *d, double mean, cs_error *err)
{
    CS_REQUIRE(d != NULL);
    cs_status st = need_positive(d, "exponential", "mean", mean, err);
    if (st)
        return st;
    set_empty(d);
    d->kind = CS_DIST_EXPONENTIAL;
    d->a = mean;
    return CS_OK;
}

cs_status cs_dist_deterministic(cs_dist *d, double value, cs_error *err)
{
    CS_REQUIRE(d != NULL);
    cs_status st = need_nonneg(d, "deterministic", "value", value, err);
    if (st)
        return st;
    set_empty(d);
    d->kind = CS_DIST_DETERMINISTIC;
    d->a = value;
    return CS_OK;
}

cs_status cs_dist_uniform(cs_dist *d, double lo, double hi, cs_error *err)
{
    CS_REQUIRE(d != NULL);
    cs_status st = need_nonneg(d, "uniform", "min", lo, err);
    if (!st)
        st = need_nonneg(d, "uniform", "max", hi, err);
    if (st)
        return st;
    if (!(lo < hi)) {
        set_empty(d);
        return cs_error_set(err, CS_EDOM,
                            "uniform needs min < max, got min %g and max %g%s", lo, hi,
                            lo == hi ? " (for a fixed duration use deterministic)" : "");
    }
    set_empty(d);
    d->kind = CS_DIST_UNIFORM;
    d->a = lo;
    d->b = hi;
    return CS_OK;
}

/* Shared tail of both lognormal constructors, so the two cannot drift apart in what they
 * accept.  The mean must be representable: an overflowing mean makes every moment-based
 * report (and Little's-law check) meaningless. */
static cs_status set_lognormal(cs_dist *d, double mu, double sigma, cs_error *err)
{
    double mean = exp(mu + 0.5 * sigma * sigma);
    if (!(isfinite(mean) && mean > 0)) {
        set_empty(d);
        return cs_error_set(err, CS_EDOM,
                            "lognormal with mu %g and sigma %g (of the log) has a mean "
                            "exp(mu + sigma^2/2) that cannot be represented; were mean and sd "
                            "meant instead of mu and sigma?", mu, sigma);
    }
    set_empty(d);
    if (cs_lnzig_supported(sigma) && !(d->zig = cs_lnzig_create(mu, sigma)))
        return cs_error_set(err, CS_ENOMEM, "no memory for the lognormal's sampling tables");
    d->kind = CS_DIST_LOGNORMAL;
    d->a = mu;
    d->b = sigma;
    return CS_OK;
}

cs_status cs_dist_lognormal(cs_dist *d, double mean, double sd, cs_error *err)
{
    CS_REQUIRE(d != NULL);
    cs_status st = need_positive(d, "lognormal", "mean", mean, err);
    if (!st)
        st = need_positive(d, "lognormal", "sd", sd, err);
    if (st)
        return st;
    /* log1p keeps sigma accurate for small coefficients of variation, where
     * log(1 + cv^2) would round cv^2 away. */
    double cv = sd / mean;
    double s2 = log1p(cv * cv);
    if (!(s2 > 0 && isfinite(s2))) {
        set_empty(d);
        return cs_error_set(err, CS_EDOM,
                            "lognormal(mean %g, sd %g): the ratio sd/mean is too %s to "
                            "represent%s", mean, sd, s2 > 0 ? "large" : "small",
                            s2 > 0 ? "" : " (for a fixed duration use deterministic)");
    }
    return set_lognormal(d, log(mean) - 0.5 * s2, sqrt(s2), err);
}

cs_status cs_dist_lognormal_log(cs_dist *d, double mu, double sigma, cs_error *err)
{
    CS_REQUIRE(d != NULL);
    if (!isfinite(mu)) {
        set_empty(d);
        return cs_error_set(err, CS_EDOM, "lognormal needs a finite mu (mean of the log), got %g",
                            mu);
    }
    cs_status st = need_positive(d, "lognormal", "sigma (sd of the log)", sigma, err);
    if (st)
        return st;
    return set_lognormal(d, mu, sigma, err);
}

cs_status cs_dist_gamma_shape_scale(cs_dist *d, double shape, double scale, cs_error *err)
{
    CS_REQUIRE(d != NULL);
    cs_status st = need_positive(d, "gamma", "shape", shape, err);
    if (!st)
        st = need_positive(d, "gamma", "scale", scale, err);
    if (st)
        return st;
    if (!isfinite(shape * scale)) {
        set_empty(d);
        return cs_error_set(err, CS_EDOM,
                            "gamma(shape %g, scale %g) has a mean too large to represent",
                            shape, scale);
    }
    set_empty(d);
    d->kind = CS_DIST_GAMMA;
    d->a = shape;
    d->b = scale;
    return CS_OK;
}

cs_status cs_dist_gamma(cs_dist *d, double mean, double sd, cs_error *err)
{
    CS_REQUIRE(d != NULL);
    cs_status st = need_positive(d, "gamma", "mean", mean, err);
    if (!st)
        st = need_positive(d, "gamma", "sd", sd, err);
    if (st)
        return st;
    double r = mean / sd;
    double shape = r * r, scale = sd / r; /* sd/r = sd^2/mean without squaring sd */
    if (!(shape > 0 && isfinite(shape) && scale > 0 && isfinite(scale))) {
        set_empty(d);
        return cs_error_set(err, CS_EDOM,
                            "gamma(mean %g, sd %g) gives shape %g and scale %g, which cannot "
                            "be represented", mean, sd, shape, scale);
    }
    return cs_dist_gamma_shape_scale(d, shape, scale, err);
}

cs_status cs_dist_weibull(cs_dist *d, double shape, double scale, cs_error *err)
{
    CS_REQUIRE(d != NULL);
    cs_status st = need_positive(d, "weibull", "shape", shape, err);
    if (!st)
        st = need_positive(d, "weibull", "scale", scale, err);
    if (st)
        return st;
    /* A tiny shape makes Gamma(1 + 1/shape), and so the mean, overflow. */
    gsl_sf_result lg;
    if (gsl_sf_lngamma_e(1.0 + 1.0 / shape, &lg) != GSL_SUCCESS ||
        !isfinite(log(scale) + lg.val) || log(scale) + lg.val > log(DBL_MAX)) {
        set_empty(d);
        return cs_error_set(err, CS_EDOM,
                            "weibull(shape %g, scale %g) has a mean too large to represent; "
                            "shape is usually between 0.3 and 5", shape, scale);
    }
    set_empty(d);
    d->kind = CS_DIST_WEIBULL;
    d->a = shape;
    d->b = scale;
    return CS_OK;
}

cs_status cs_dist_weibull_mean(cs_dist *d, double shape, double mean, cs_error *err)
{
    CS_REQUIRE(d != NULL);
    cs_status st = need_positive(d, "weibull", "shape", shape, err);
    if (!st)
        st = need_positive(d, "weibull", "mean", mean, err);
    if (st)
        return st;
    /* lngamma rather than gamma: Gamma(1 + 1/shape) overflows for shape below ~0.006 while
     * the scale it implies may still be fine. */
    gsl_sf_result lg;
    double scale = 0;
    if (gsl_sf_lngamma_e(1.0 + 1.0 / shape, &lg) == GSL_SUCCESS)
        scale = mean * exp(-lg.val);
    if (!(scale > 0 && isfinite(scale))) {
        set_empty(d);
        return cs_error_set(err, CS_EDOM,
                            "weibull(shape %g, mean %g) gives a scale that cannot be "
                            "represented; shape is usually between 0.3 and 5", shape, mean);
    }
    return cs_dist_weibull(d, shape, scale, err);
}

static int cmp_double(const void *pa, const void *pb)
{
    double x = *(const double *)pa, y = *(const double *)pb;
    return (x > y) - (x < y);
}

cs_status cs_dist_empirical(cs_dist *d, const double *values, size_t n, cs_error *err)
{
    CS_REQUIRE(d != NULL);
    CS_REQUIRE(values != NULL || n == 0);
    set_empty(d);
    if (n == 0)
        return cs_error_set(err, CS_EDOM, "empirical needs at least one value, got none");
    /* The sampler draws an index with gsl_rng_uniform_int, which cannot exceed the range
     * of a 32-bit generator. */
    if (n > UINT32_MAX)
        return cs_error_set(err, CS_EDOM, "empirical accepts at most %lu values, got %zu",
                            (unsigned long)UINT32_MAX, n);
    for (size_t i = 0; i < n; i++) {
        if (!(values[i] >= 0 && isfinite(values[i])))
            return cs_error_set(err, CS_EDOM,
                                "empirical value %zu (counting from 1) is %g; durations must "
                                "be finite and >= 0", i + 1, values[i]);
    }
    double *v = calloc(n, sizeof *v);
    if (!v)
        return cs_error_set(err, CS_ENOMEM, "empirical: no memory for %zu values", n);
    memcpy(v, values, n * sizeof *v);
    /* Sorted so the cdf and quantile are binary searches; resampling by a uniform index is
     * indifferent to order. */
    qsort(v, n, sizeof *v, cmp_double);

    /* Two passes for the variance: the one-pass formula loses everything when the values
     * are large and close together (e.g. 3600 +- 1 s). */
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    double mean = sum / (double)n;
    double ss = 0, comp = 0;
    for (size_t i = 0; i < n; i++) {
        double dev = v[i] - mean;
        ss += dev * dev;
        comp += dev;
    }
    double var = (ss - comp * comp / (double)n) / (double)n;
    if (!isfinite(mean) || !isfinite(var)) {
        free(v);
        return cs_error_set(err, CS_EDOM,
                            "empirical values are too large to average (sum overflows)");
    }
    d->kind = CS_DIST_EMPIRICAL;
    d->a = mean;
    d->b = var > 0 ? var : 0;
    d->values = v;
    d->n_values = n;
    return CS_OK;
}

/* Deep copy; on failure *dst is an empty never and nothing leaks.  Recursion depth is the
 * nesting depth of mixtures, which a scenario keeps to one or two. */
static cs_status dup_dist(cs_dist *dst, const cs_dist *src)
{
    set_empty(dst);
    switch (src->kind) {
    case CS_DIST_EMPIRICAL: {
        double *v = calloc(src->n_values, sizeof *v);
        if (!v)
            return CS_ENOMEM;
        memcpy(v, src->values, src->n_values * sizeof *v);
        *dst = *src;
        dst->values = v;
        return CS_OK;
    }
    case CS_DIST_MIXTURE: {
        size_t n = src->n_comp;
        cs_dist *c = calloc(n, sizeof *c); /* zeroed entries are valid nevers for cleanup */
        double *w = calloc(n, sizeof *w);
        double *cum = calloc(n, sizeof *cum);
        if (!c || !w || !cum) {
            free(c);
            free(w);
            free(cum);
            return CS_ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
            if (dup_dist(&c[i], &src->comp[i]) != CS_OK) {
                for (size_t j = 0; j < i; j++)
                    cs_dist_fini(&c[j]);
                free(c);
                free(w);
                free(cum);
                return CS_ENOMEM;
            }
        }
        memcpy(w, src->weights, n * sizeof *w);
        memcpy(cum, src->cum, n * sizeof *cum);
        *dst = *src;
        dst->comp = c;
        dst->weights = w;
        dst->cum = cum;
        return CS_OK;
    }
    default:
        /* Parameter-only kinds: a struct copy, with the pointers cleared in case the
         * source carries stale ones. */
        *dst = *src;
        dst->values = NULL;
        dst->n_values = 0;
        dst->comp = NULL;
        dst->weights = NULL;
        dst->cum = NULL;
        dst->n_comp = 0;
        dst->zig = NULL;
        if (src->kind == CS_DIST_LOGNORMAL && src->zig && !(dst->zig = cs_lnzig_copy(src->zig))) {
            set_empty(dst);
            return CS_ENOMEM;
        }
        return CS_OK;
    }
}

cs_status cs_dist_mixture(cs_dist *d, const cs_dist *components, const double *weights,
                          size_t n, cs_error *err)
{
    CS_REQUIRE(d != NULL);
    CS_REQUIRE((components != NULL && weights != NULL) || n == 0);
    if (n == 0) {
        set_empty(d);
        return cs_error_set(err, CS_EDOM, "mixture needs at least one component, got none");
    }
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        CS_REQUIRE(components[i].kind >= CS_DIST_NEVER && components[i].kind <= CS_DIST_MIXTURE);
        if (!(weights[i] >= 0 && isfinite(weights[i]))) {
            set_empty(d);
            return cs_error_set(err, CS_EDOM,
                                "mixture weight %zu (counting from 1) is %g; weights are "
                                "shares between 0 and 1", i + 1, weights[i]);
        }
        sum += weights[i];
    }
    if (!(fabs(sum - 1.0) <= CS_DIST_WEIGHT_TOL)) {
        set_empty(d);
        return cs_error_set(err, CS_EDOM,
                            "mixture weights must sum to 1, got %.10g over %zu components%s",
                            sum, n,
                            sum > 1.5 ? " (give shares such as 0.15 and 0.85, not percentages)"
                                      : "");
    }

    /* Build into a local first: *d is only written once everything has succeeded, so
     * components may even alias *d's old contents. */
    cs_dist m = {0};
    m.kind = CS_DIST_MIXTURE;
    m.n_comp = n;
    m.comp = calloc(n, sizeof *m.comp);
    m.weights = calloc(n, sizeof *m.weights);
    m.cum = calloc(n, sizeof *m.cum);
    if (!m.comp || !m.weights || !m.cum) {
        cs_dist_fini(&m);
        set_empty(d);
        return cs_error_set(err, CS_ENOMEM, "mixture: no memory for %zu components", n);
    }
    for (size_t i = 0; i < n; i++) {
        if (dup_dist(&m.comp[i], &components[i]) != CS_OK) {
            cs_dist_fini(&m);
            set_empty(d);
            return cs_error_set(err, CS_ENOMEM, "mixture: no memory to copy component %zu",
                                i + 1);
        }
    }
    /* Divide by the sum so the stored shares add up to 1 to rounding; the check above
     * already refused anything that is not a rounding slip. */
    size_t last = 0;
    double run = 0;
    for (size_t i = 0; i < n; i++) {
        m.weights[i] = weights[i] / sum;
        run += m.weights[i];
        m.cum[i] = run < 1.0 ? run : 1.0;
        if (m.weights[i] > 0)
            last = i;
    }
    /* The sampler scans cum[] for the first entry above u in [0, 1).  Forcing the last
     * positive-weight entry (and any zero-weight ones after it) to exactly 1 means the
     * scan always stops, and never on a component whose share is 0: a zero-weight `never`
     * must not turn into an infinite patience because of a rounding slip. */
    for (size_t i = last; i < n; i++)
        m.cum[i] = 1.0;
    *d = m;
    return CS_OK;
}

void cs_dist_never(cs_dist *d)
{
    CS_REQUIRE(d != NULL);
    set_empty(d);
}

void cs_dist_fini(cs_dist *d)
{
    if (!d)
        return;
    if (d->comp) {
        for (size_t i = 0; i < d->n_comp; i++)
            cs_dist_fini(&d->comp[i]);
        free(d->comp);
    }
    free(d->values);
    free(d->weights);
    free(d->cum);
    cs_lnzig_destroy(d->zig);
    set_empty(d);
}

cs_status cs_dist_copy(cs_dist *dst, const cs_dist *src, cs_error *err)
{
    CS_REQUIRE(dst != NULL && src != NULL);
    CS_REQUIRE(dst != src); /* a self-copy would orphan the arrays */
    if (dup_dist(dst, src) != CS_OK)
        return cs_error_set(err, CS_ENOMEM, "no memory to copy a %s distribution",
                            cs_dist_kind_name(src->kind));
    return CS_OK;
}

/* ------------------------------------------------------------------------------------
 * Sampling: the hot path. */

/* The kinds the simulator draws rarely: out of line, so that the common ones in
 * csi_dist_sample_other need no register saves. */
__attribute__((noinline)) static double sample_rare(const cs_dist *d, const gsl_rng *r)
{
    switch (d->kind) {
    case CS_DIST_NEVER:
        return INFINITY;
    case CS_DIST_EXPONENTIAL:
        return cs_rng_exponential(r, d->a); /* inline ziggurat, see sim/rng.h */
    case CS_DIST_DETERMINISTIC:
        return d->a;
    case CS_DIST_UNIFORM:
    {
        double u = cs_rng_uniform(r); /* gsl_ran_flat's formula, with the inline generator */
        return d->a * (1 - u) + d->b * u;
    }
    case CS_DIST_GAMMA:
        return gsl_ran_gamma(r, d->a, d->b); /* Marsaglia-Tsang */
    case CS_DIST_WEIBULL:
        return gsl_ran_weibull(r, d->b, d->a); /* GSL's order: scale, shape */
    case CS_DIST_EMPIRICAL:
        /* gsl_rng_uniform_int is exactly uniform (rejection), unlike floor(u * n). */
        return d->values[gsl_rng_uniform_int(r, (unsigned long)d->n_values)];
    case CS_DIST_LOGNORMAL:
    case CS_DIST_MIXTURE:
        break;   /* drawn by csi_dist_sample_other before it calls here */
    }
    CS_UNREACHABLE("cs_dist_sample: corrupt or uninitialised cs_dist (unknown kind)");
    return NAN;
}

double csi_dist_sample_other(const cs_dist *d, const gsl_rng *r)
{
    /* The lognormal (handle and IVR times) and a mixture (patience) first, as cheap as the
     * inline kinds; the rest out of line in sample_rare. */
    if (d->kind == CS_DIST_LOGNORMAL) {
        /* The lognormal's own ziggurat (models/lnzig.h): no exp in about 96% of draws.  Outside its
         * range of sigma, or on another generator, exp of the ziggurat normal (gsl_ran_lognormal's
         * polar Box-Muller with a rejection loop and two logs is several times slower). */
        if (d->zig && r->type == cs_rng_xoshiro256ss) return cs_lnzig_sample(d->zig, r->state);
        return exp(d->a + d->b * cs_rng_gaussian(r));
    }
    if (d->kind == CS_DIST_MIXTURE) {
        double u = cs_rng_uniform(r); /* in [0, 1), and cum[n_comp - 1] == 1 */
        /* The first i with u < cum[i], counted without a branch on u (a random component is a
         * coin toss to the branch predictor): cum is nondecreasing, so the j with u >= cum[j]
         * are exactly those before it, and none is the last (u < 1). */
        size_t i = 0;
        for (size_t j = 0; j + 1 < d->n_comp; j++)
            i += (size_t)(u >= d->cum[j]);
        return cs_dist_sample(&d->comp[i], r);   /* an exponential component inline */
    }
    return sample_rare(d, r);
}

/* ------------------------------------------------------------------------------------
 * Moments */

static double weibull_lg1(double shape)
{
    return gsl_sf_lngamma(1.0 + 1.0 / shape);
}

double cs_dist_mean(const cs_dist *d)
{
    switch (d->kind) {
    case CS_DIST_NEVER:
        return INFINITY;
    case CS_DIST_EXPONENTIAL:
    case CS_DIST_DETERMINISTIC:
    case CS_DIST_EMPIRICAL:
        return d->a;
    case CS_DIST_UNIFORM:
        return 0.5 * (d->a + d->b);
    case CS_DIST_LOGNORMAL:
        return exp(d->a + 0.5 * d->b * d->b);
    case CS_DIST_GAMMA:
        return d->a * d->b;
    case CS_DIST_WEIBULL:
        return d->b * exp(weibull_lg1(d->a));
    case CS_DIST_MIXTURE: {
        double m = 0;
        for (size_t i = 0; i < d->n_comp; i++) {
            /* skip zero shares so that 0 x inf (a 0% `never`) does not give NaN */
            if (d->weights[i] > 0)
                m += d->weights[i] * cs_dist_mean(&d->comp[i]);
        }
        return m;
    }
    }
    return NAN;
}

double cs_dist_variance(const cs_dist *d)
{
    switch (d->kind) {
    case CS_DIST_NEVER:
        return INFINITY;
    case CS_DIST_EXPONENTIAL:
        return d->a * d->a;
    case CS_DIST_DETERMINISTIC:
        return 0.0;
    case CS_DIST_UNIFORM:
        return (d->b - d->a) * (d->b - d->a) / 12.0;
    case CS_DIST_LOGNORMAL: {
        double m = cs_dist_mean(d);
        return m * m * expm1(d->b * d->b);
    }
    case CS_DIST_GAMMA:
        return d->a * d->b * d->b;
    case CS_DIST_WEIBULL: {
        /* scale^2 (G(1+2/k) - G(1+1/k)^2) written as mean^2 * expm1(...): no overflow for
         * small shapes, no cancellation for large ones. */
        double lg1 = weibull_lg1(d->a);
        double lg2 = gsl_sf_lngamma(1.0 + 2.0 / d->a);
        double m = d->b * exp(lg1);
        return m * m * expm1(lg2 - 2.0 * lg1);
    }
    case CS_DIST_EMPIRICAL:
        return d->b;
    case CS_DIST_MIXTURE: {
        /* Law of total variance, E[Var] + Var[E]: sums of non-negative terms, so no
         * cancellation as in E[X^2] - E[X]^2. */
        double m = cs_dist_mean(d);
        if (!isfinite(m))
            return INFINITY;
        double v = 0;
        for (size_t i = 0; i < d->n_comp; i++) {
            if (d->weights[i] > 0) {
                double dm = cs_dist_mean(&d->comp[i]) - m;
                v += d->weights[i] * (cs_dist_variance(&d->comp[i]) + dm * dm);
            }
        }
        return v;
    }
    }
    return NAN;
}

/* ------------------------------------------------------------------------------------
 * cdf, quantile, log-density */

/* Number of sorted values <= x (upper bound). */
static size_t count_le(const double *v, size_t n, double x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

double cs_dist_cdf(const cs_dist *d, double x)
{
    if (isnan(x))
        return NAN;
    if (x == INFINITY)
        return 1.0;
    switch (d->kind) {
    case CS_DIST_NEVER:
        return 0.0;
    case CS_DIST_EXPONENTIAL:
        return x <= 0 ? 0.0 : gsl_cdf_exponential_P(x, d->a);
    case CS_DIST_DETERMINISTIC:
        return x >= d->a ? 1.0 : 0.0;
    case CS_DIST_UNIFORM:
        return gsl_cdf_flat_P(x, d->a, d->b);
    case CS_DIST_LOGNORMAL:
        return x <= 0 ? 0.0 : gsl_cdf_lognormal_P(x, d->a, d->b);
    case CS_DIST_GAMMA:
        return x <= 0 ? 0.0 : gsl_cdf_gamma_P(x, d->a, d->b);
    case CS_DIST_WEIBULL:
        return x <= 0 ? 0.0 : gsl_cdf_weibull_P(x, d->b, d->a);
    case CS_DIST_EMPIRICAL:
        /* The same expression as the quantile's test, so quantile(cdf(v)) finds v. */
        return (double)count_le(d->values, d->n_values, x) / (double)d->n_values;
    case CS_DIST_MIXTURE: {
        double s = 0;
        for (size_t i = 0; i < d->n_comp; i++) {
            if (d->weights[i] > 0)
                s += d->weights[i] * cs_dist_cdf(&d->comp[i], x);
        }
        return s < 1.0 ? s : 1.0;
    }
    }
    return NAN;
}

/* The smallest x >= 0 with cdf(x) >= p, by bisection; every kind has support in [0, inf],
 * so 0 is a valid lower bracket.  The upper bracket doubles from 1 s; if it overflows the
 * cdf never reaches p at a finite x (a `never` share, or p = 1 on an unbounded tail) and
 * the answer is +inf.  About 60-100 cdf calls: fine off the hot path. */
static double bisect_quantile(const cs_dist *d, double p)
{
    if (cs_dist_cdf(d, 0.0) >= p)
        return 0.0;
    double lo = 0.0, hi = 1.0;
    while (cs_dist_cdf(d, hi) < p) {
        lo = hi;
        hi *= 2.0;
        if (!isfinite(hi))
            return INFINITY;
    }
    /* Invariant: cdf(lo) < p <= cdf(hi).  The cap only guards against a cdf that is not
     * monotone through rounding; ~1100 halvings reach the smallest double from 1. */
    for (int it = 0; it < 1200; it++) {
        double mid = lo + 0.5 * (hi - lo);
        if (mid <= lo || mid >= hi)
            break;
        if (cs_dist_cdf(d, mid) >= p)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

double cs_dist_quantile(const cs_dist *d, double p)
{
    if (!(p >= 0.0 && p <= 1.0))
        return NAN;
    switch (d->kind) {
    case CS_DIST_NEVER:
        return INFINITY;
    case CS_DIST_EXPONENTIAL:
        return p == 1.0 ? INFINITY : gsl_cdf_exponential_Pinv(p, d->a);
    case CS_DIST_DETERMINISTIC:
        return d->a;
    case CS_DIST_UNIFORM:
        return gsl_cdf_flat_Pinv(p, d->a, d->b);
    case CS_DIST_LOGNORMAL:
        if (p == 0.0)
            return 0.0;
        if (p == 1.0)
            return INFINITY;
        return gsl_cdf_lognormal_Pinv(p, d->a, d->b);
    case CS_DIST_GAMMA: {
        if (p == 0.0)
            return 0.0;
        if (p == 1.0)
            return INFINITY;
        /* GSL's Newton iteration reports non-convergence (NaN with the error handler off)
         * in the extreme tails of small shapes; fall back to bisection there. */
        double q = gsl_cdf_gamma_Pinv(p, d->a, d->b);
        return isfinite(q) ? q : bisect_quantile(d, p);
    }
    case CS_DIST_WEIBULL:
        if (p == 0.0)
            return 0.0;
        if (p == 1.0)
            return INFINITY;
        return gsl_cdf_weibull_Pinv(p, d->b, d->a);
    case CS_DIST_EMPIRICAL: {
        /* The k-th smallest value with k = ceil(p n); the correction undoes a product
         * p * n that rounded just above an integer. */
        size_t n = d->n_values;
        double kd = ceil(p * (double)n);
        size_t k = kd >= (double)n ? n : (size_t)kd;
        if (k > 0 && (double)(k - 1) / (double)n >= p)
            k--;
        return d->values[k > 0 ? k - 1 : 0];
    }
    case CS_DIST_MIXTURE:
        return bisect_quantile(d, p);
    }
    return NAN;
}

static double mixture_log_pdf(const cs_dist *d, double x)
{
    /* log sum_i w_i f_i(x) by log-sum-exp, so far tails (where every f_i underflows) still
     * give a finite log-likelihood. */
    double mx = -INFINITY;
    for (size_t i = 0; i < d->n_comp; i++) {
        if (!(d->weights[i] > 0))
            continue;
        double t = cs_dist_log_pdf(&d->comp[i], x);
        if (isnan(t))
            return NAN;
        t += log(d->weights[i]);
        if (t > mx)
            mx = t;
    }
    if (!isfinite(mx))
        return mx; /* -inf: outside every support; +inf: a density pole */
    double s = 0;
    for (size_t i = 0; i < d->n_comp; i++) {
        if (d->weights[i] > 0)
            s += exp(cs_dist_log_pdf(&d->comp[i], x) + log(d->weights[i]) - mx);
    }
    return mx + log(s);
}

/* log density at 0 of the kinds whose density there depends on the shape (gamma, weibull):
 * a pole below 1, rate 1/scale at 1, zero above. */
static double log_pdf_at_zero(double shape, double scale)
{
    if (shape < 1.0)
        return INFINITY;
    if (shape == 1.0)
        return -log(scale);
    return -INFINITY;
}

double cs_dist_log_pdf(const cs_dist *d, double x)
{
    if (isnan(x))
        return NAN;
    switch (d->kind) {
    case CS_DIST_DETERMINISTIC:
    case CS_DIST_EMPIRICAL:
        return NAN; /* no density: these are atoms */
    case CS_DIST_MIXTURE:
        return mixture_log_pdf(d, x);
    default:
        break;
    }
    /* Every continuous kind lives on [0, inf); `never` has no density at any finite x. */
    if (x < 0 || x == INFINITY || d->kind == CS_DIST_NEVER)
        return -INFINITY;
    switch (d->kind) {
    case CS_DIST_EXPONENTIAL:
        return -log(d->a) - x / d->a;
    case CS_DIST_UNIFORM:
        return (x < d->a || x > d->b) ? -INFINITY : -log(d->b - d->a);
    case CS_DIST_LOGNORMAL: {
        if (x == 0)
            return -INFINITY;
        double lx = log(x), z = (lx - d->a) / d->b;
        return -0.5 * z * z - lx - log(d->b) - CS_LOG_SQRT_2PI;
    }
    case CS_DIST_GAMMA:
        if (x == 0)
            return log_pdf_at_zero(d->a, d->b);
        return (d->a - 1.0) * log(x) - x / d->b - gsl_sf_lngamma(d->a) - d->a * log(d->b);
    case CS_DIST_WEIBULL: {
        if (x == 0)
            return log_pdf_at_zero(d->a, d->b);
        double lz = log(x / d->b);
        return log(d->a / d->b) + (d->a - 1.0) * lz - exp(d->a * lz);
    }
    default:
        return NAN;
    }
}

/* ------------------------------------------------------------------------------------
 * Text */

/* Appends to buf[0..cap) at *len with cs_text_appendf (sim/text.h): *len counts what the full
 * text needs, even past the buffer, which is what cs_dist_describe returns. */
static void describe_into(char *buf, size_t cap, size_t *len, const cs_dist *d)
{
    switch (d->kind) {
    case CS_DIST_NEVER:
        cs_text_appendf(buf, cap, len, "never");
        return;
    case CS_DIST_EXPONENTIAL:
        cs_text_appendf(buf, cap, len, "exponential(mean %g s)", d->a);
        return;
    case CS_DIST_DETERMINISTIC:
        cs_text_appendf(buf, cap, len, "deterministic(%g s)", d->a);
        return;
    case CS_DIST_UNIFORM:
        cs_text_appendf(buf, cap, len, "uniform(min %g s, max %g s)", d->a, d->b);
        return;
    case CS_DIST_LOGNORMAL:
        cs_text_appendf(buf, cap, len, "lognormal(mean %g s, sd %g s)", cs_dist_mean(d),
                        sqrt(cs_dist_variance(d)));
        return;
    case CS_DIST_GAMMA:
        cs_text_appendf(buf, cap, len, "gamma(shape %g, scale %g s; mean %g s, sd %g s)", d->a,
                        d->b, cs_dist_mean(d), sqrt(cs_dist_variance(d)));
        return;
    case CS_DIST_WEIBULL:
        cs_text_appendf(buf, cap, len, "weibull(shape %g, scale %g s; mean %g s)", d->a, d->b,
                        cs_dist_mean(d));
        return;
    case CS_DIST_EMPIRICAL:
        cs_text_appendf(buf, cap, len, "empirical(%zu value%s, mean %g s)", d->n_values,
                        d->n_values == 1 ? "" : "s", d->a);
        return;
    case CS_DIST_MIXTURE:
        cs_text_appendf(buf, cap, len, "mixture(");
        for (size_t i = 0; i < d->n_comp; i++) {
            cs_text_appendf(buf, cap, len, "%s%.4g%% ", i ? ", " : "", 100.0 * d->weights[i]);
            describe_into(buf, cap, len, &d->comp[i]);
        }
        cs_text_appendf(buf, cap, len, ")");
        return;
    }
    cs_text_appendf(buf, cap, len, "unknown");
}

int cs_dist_describe(const cs_dist *d, char *buf, size_t n)
{
    CS_REQUIRE(d != NULL && (buf != NULL || n == 0));
    size_t len = 0;
    if (n > 0)
        buf[0] = '\0';
    describe_into(buf, n, &len, d);
    return len > (size_t)INT_MAX ? INT_MAX : (int)len;
}

static const char *const kind_names[CS_DIST_N_KINDS] = {
    [CS_DIST_NEVER] = "never",         [CS_DIST_EXPONENTIAL] = "exponential",
    [CS_DIST_DETERMINISTIC] = "deterministic", [CS_DIST_UNIFORM] = "uniform",
    [CS_DIST_LOGNORMAL] = "lognormal", [CS_DIST_GAMMA] = "gamma",
    [CS_DIST_WEIBULL] = "weibull",     [CS_DIST_EMPIRICAL] = "empirical",
    [CS_DIST_MIXTURE] = "mixture",
};

const char *cs_dist_kind_name(cs_dist_kind k)
{
    if ((int)k < 0 || (int)k >= CS_DIST_N_KINDS)
        return "unknown";
    return kind_names[k];
}

int cs_dist_kind_from_name(const char *name, cs_dist_kind *out)
{
    CS_REQUIRE(out != NULL);
    if (!name)
        return -1;
    for (int k = 0; k < CS_DIST_N_KINDS; k++) {
        if (cs_text_ieq(name, kind_names[k])) {
            *out = (cs_dist_kind)k;
            return 0;
        }
    }
    return -1;
}
