/* Probability distributions of durations: handle times, patience, IVR time, redial delays.
 *
 * Concept.  A cs_dist is a small transparent value type describing one distribution of a
 * duration in seconds.  Every kind has support inside [0, +inf]: constructors reject negative
 * values, because a negative duration would schedule an event in the past.  `never` is the
 * distribution concentrated at +inf (a patience that never runs out); it is also what a
 * zero-initialised struct is, so `cs_dist d = {0};` is valid and owns nothing.
 *
 * Parameters are validated once, in the constructors, and stored in the form the sampler
 * wants, so cs_dist_sample() is a switch on the kind with no allocation, no string work and
 * no validation (the simulator calls it for every call it creates).
 *
 * Field meaning by kind (read-only after construction; change them only through a
 * constructor, because derived fields must stay consistent):
 *   NEVER          nothing
 *   EXPONENTIAL    a = mean
 *   DETERMINISTIC  a = value
 *   UNIFORM        a = min, b = max (min < max)
 *   LOGNORMAL      a = mu, b = sigma: mean and sd of log(X), not of X; zig its ziggurat
 *   GAMMA          a = shape, b = scale
 *   WEIBULL        a = shape, b = scale (cdf 1 - exp(-(x/scale)^shape))
 *   EMPIRICAL      values[0..n_values) sorted ascending (a copy); a = their mean,
 *                  b = their population variance (divisor n, the variance of a resample)
 *   MIXTURE        comp[0..n_comp) components (deep copies), weights[] their shares
 *                  (normalised to sum to 1), cum[] the running sums of weights with the
 *                  last entry forced to exactly 1 so the sampler cannot run off the end
 *
 * Ownership.  The EMPIRICAL and MIXTURE kinds own heap arrays, the LOGNORMAL its sampling
 * tables.  Constructors treat *d as uninitialised storage: they never free what it held, so
 * call cs_dist_fini() before reusing a struct.  Plain struct assignment makes a shallow alias; use cs_dist_copy() for
 * an independent copy.  cs_dist_fini() frees everything and leaves a `never`.
 *
 * Errors.  Constructors return CS_OK, CS_EDOM for a parameter outside its domain (with a
 * message naming the kind, the rule and the value received, e.g. "lognormal needs sd > 0,
 * got 0") or CS_ENOMEM.  On failure *d is left as an empty `never`, so cs_dist_fini() on it
 * is always safe.  The query functions never fail; where an answer does not exist they
 * return NAN (documented per function).
 *
 * Threads.  No function here has state of its own: a cs_dist may be sampled from several
 * threads at once as long as each thread passes its own gsl_rng.
 */
#ifndef CS_MODELS_DIST_H
#define CS_MODELS_DIST_H

#include <math.h>
#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "sim/rng.h"
#include "sim/status.h"

/* CS_DIST_NEVER must stay 0: a zeroed struct is then a valid, empty distribution. */
typedef enum cs_dist_kind {
    CS_DIST_NEVER = 0,
    CS_DIST_EXPONENTIAL,
    CS_DIST_DETERMINISTIC,
    CS_DIST_UNIFORM,
    CS_DIST_LOGNORMAL,
    CS_DIST_GAMMA,
    CS_DIST_WEIBULL,
    CS_DIST_EMPIRICAL,
    CS_DIST_MIXTURE
} cs_dist_kind;

/* The number of kinds, for tables indexed by cs_dist_kind. */
#define CS_DIST_N_KINDS 9

typedef struct cs_dist cs_dist;
struct cs_dist {
    cs_dist_kind kind;
    double a, b;          /* kind-specific parameters, see the table above */
    double *values;       /* EMPIRICAL: owned, sorted ascending */
    size_t n_values;
    struct cs_dist *comp; /* MIXTURE: owned components */
    double *weights;      /* MIXTURE: owned, shares summing to 1 */
    double *cum;          /* MIXTURE: owned, running sums of weights, cum[n_comp-1] == 1 */
    size_t n_comp;
    struct cs_lnzig *zig; /* LOGNORMAL: owned sampling tables (models/lnzig.h), NULL when sigma
                           * is outside their range: then exp(mu + sigma Z) */
};

/* ---- Constructors.  Each fills *d (OUT) and returns CS_OK, or CS_EDOM with a message in
 * err (which may be NULL).  Durations are in seconds. ---- */

/** @brief Exponential with the given mean (> 0). */
cs_status cs_dist_exponential(cs_dist *d, double mean, cs_error *err);

/** @brief Always `value` (>= 0; 0 is allowed, e.g. no wrap-up). */
cs_status cs_dist_deterministic(cs_dist *d, double value, cs_error *err);

/** @brief Uniform on [lo, hi], 0 <= lo < hi. */
cs_status cs_dist_uniform(cs_dist *d, double lo, double hi, cs_error *err);

/** @brief Lognormal given the mean and sd of the duration itself (both > 0), the way
 * planners quote handle times.  Converted to sigma^2 = log(1 + (sd/mean)^2),
 * mu = log(mean) - sigma^2/2. */
cs_status cs_dist_lognormal(cs_dist *d, double mean, double sd, cs_error *err);

/** @brief Lognormal given mu and sigma (> 0) of log(duration), the way papers quote fits.
 * Rejects parameters whose mean exp(mu + sigma^2/2) overflows. */
cs_status cs_dist_lognormal_log(cs_dist *d, double mu, double sigma, cs_error *err);

/** @brief Gamma given mean and sd (both > 0): shape = (mean/sd)^2, scale = sd^2/mean. */
cs_status cs_dist_gamma(cs_dist *d, double mean, double sd, cs_error *err);

/** @brief Gamma given shape and scale (both > 0). */
cs_status cs_dist_gamma_shape_scale(cs_dist *d, double shape, double scale, cs_error *err);

/** @brief Weibull given shape and scale (both > 0). */
cs_status cs_dist_weibull(cs_dist *d, double shape, double scale, cs_error *err);

/** @brief Weibull given shape and mean (both > 0): scale = mean / Gamma(1 + 1/shape). */
cs_status cs_dist_weibull_mean(cs_dist *d, double shape, double mean, cs_error *err);

/** @brief Resampling from observed durations: each draw returns one of values[0..n) with
 * probability 1/n (repeated values therefore count with their multiplicity).
 * @param values n >= 1 finite values >= 0; copied, the caller keeps its array.
 * @param n at most 2^32 - 1, the range of the 32-bit generators the simulator uses. */
cs_status cs_dist_empirical(cs_dist *d, const double *values, size_t n, cs_error *err);

/** @brief Mixture: draw component i with probability weights[i], then sample it.
 * @param components n >= 1 constructed distributions; deep-copied, the caller keeps (and
 *        still has to fini) its own.  Components may themselves be mixtures or `never`
 *        (a share of callers who never abandon).
 * @param weights n finite shares >= 0 that must sum to 1 within 1e-6; they are then
 *        divided by their sum.  A sum further from 1 (e.g. percentages 15 and 85) is an
 *        error, not silently normalised. */
cs_status cs_dist_mixture(cs_dist *d, const cs_dist *components, const double *weights,
                          size_t n, cs_error *err);

/** @brief The distribution at +inf: sample() returns +INFINITY.  Cannot fail. */
void cs_dist_never(cs_dist *d);

/** @brief Frees the owned arrays (recursively) and leaves *d a `never`.  Safe on a zeroed or
 * already finished struct; d may be NULL. */
void cs_dist_fini(cs_dist *d);

/** @brief Deep copy of src into *dst (OUT, treated as uninitialised; dst != src).
 * @return CS_OK or CS_ENOMEM (then *dst is an empty `never`). */
cs_status cs_dist_copy(cs_dist *dst, const cs_dist *src, cs_error *err);

/* ---- Queries.  None allocates; none modifies d. ---- */

/* Every kind except the exponential (internal: call cs_dist_sample). */
double csi_dist_sample_other(const cs_dist *d, const gsl_rng *r);

/** @brief One draw, using only r (hot path: no checks beyond the switch).  The exponential,
 * the commonest kind in scenarios, and the deterministic (a zero wrap-up) are drawn inline
 * (sim/rng.h); the others out of line.
 * @return a duration >= 0, or +INFINITY for `never`. */
static inline double cs_dist_sample(const cs_dist *d, const gsl_rng *r)
{
    if (d->kind == CS_DIST_EXPONENTIAL) return cs_rng_exponential(r, d->a);
    if (d->kind == CS_DIST_DETERMINISTIC) return d->a;   /* e.g. no wrap-up */
    return csi_dist_sample_other(d, r);
}

/** @brief Mean; +INFINITY for `never` and for a mixture with a `never` share > 0. */
double cs_dist_mean(const cs_dist *d);

/** @brief Variance; +INFINITY where the mean is infinite; 0 for deterministic. */
double cs_dist_variance(const cs_dist *d);

/** @brief P(X <= x).  NAN for x NAN; 1 at x = +INFINITY for every kind, `never` included. */
double cs_dist_cdf(const cs_dist *d, double x);

/** @brief The smallest x with cdf(x) >= p, for p in [0, 1]; NAN for p outside [0, 1].
 * Closed forms where they exist, GSL's inverse for gamma, bisection on the cdf for
 * mixtures.  +INFINITY for `never`, and for p = 1 on unbounded kinds. */
double cs_dist_quantile(const cs_dist *d, double p);

/** @brief Natural log of the density at x (for likelihoods and AIC when fitting).
 * -INFINITY outside the support (and for `never` at any finite x); NAN for the kinds
 * without a density (deterministic, empirical, and mixtures that contain one). */
double cs_dist_log_pdf(const cs_dist *d, double x);

/** @brief A one-line description for reports, such as "lognormal(mean 480 s, sd 576 s)"
 * or "mixture(15% exponential(mean 30 s), 85% exponential(mean 900 s))".
 * snprintf semantics: writes at most n bytes including the NUL (buf may be NULL when
 * n == 0) and returns the length the full text needs. */
int cs_dist_describe(const cs_dist *d, char *buf, size_t n);

/** @brief The kind's name as a scenario file spells it ("exponential", ...), or "unknown"
 * for a value outside the enum. */
const char *cs_dist_kind_name(cs_dist_kind k);

/** @brief Parses a kind name (ASCII case-insensitive) into *out.
 * @return 0 on success, -1 for NULL or an unknown name (then *out is unchanged). */
int cs_dist_kind_from_name(const char *name, cs_dist_kind *out);

#endif
