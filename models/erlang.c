/* Erlang B, C and A.  Formulas: domain.md section 4a.
 *
 * Erlang A.  Let q_i be the probability that an arrival who must wait finds i calls already
 * queued (PASTA, FCFS).  With x = n mu / theta, y = lambda / theta the birth-death chain gives
 * q_i proportional to t_i = prod_{m=1..i} y / (x + m), and A(x, y) = sum_i t_i.  For that
 * arrival the time to reach an agent is V_i = sum_{m=0..i} Exp(r_m), r_m = n mu + m theta, and
 * it is answered iff V_i < its own Exp(theta) patience.  Because the rates are evenly spaced,
 * the density of V_i is
 *   prod r_m e^{-n mu v} (1 - e^{-theta v})^i / (i! theta^i),
 * and the substitution u = e^{-theta v} turns what we need into regularized incomplete beta
 * functions with an integer first argument, i.e. negative binomial tails:
 *   P(answered | i)            = x / (x + i + 1)                 (= prod r_m / (r_m + theta))
 *   E[V_i 1{answered} | i]     = x / (x + i + 1) * sum_{m=0..i} 1 / (r_m + theta)
 *   P(answered by t | i)       = x / (x + i + 1) * T_i
 *   P(abandoned by t | i)      = sum_{j=0..i} x / ((x + j)(x + j + 1)) * T_j
 * with T_j = P(N > j), N negative binomial with shape x + 1 and p = 1 - e^{-theta t}:
 * P(N = j) = Gamma(x + 1 + j) / (Gamma(x + 1) j!) p^j e^{-(n mu + theta) t}.  (The last line is
 * the integral of theta e^{-theta s} P(V_i > s) over [0, t], reduced the same way; at t = inf it
 * gives 1 - x / (x + i + 1), as it must.)  The pmf is built from the ratio p (x + j) / j in the
 * log domain, so no special function is evaluated and nothing overflows (e^{-n mu t}
 * underflowing to 0 is harmless: such terms are negligible).  This is exact: the only
 * approximations are floating point and the truncation below.
 *
 * Two passes over the queue length i.  The forward pass sums t_i (for A and E[Q]) relative to a
 * running scale, rescaled when the terms grow by e^300, so A may be astronomically large in
 * overload; it decides the truncation point and carries the NB pmf up to it.  The backward pass
 * accumulates everything else as sums of positive terms only (T_j is built from the top down as
 * T_{j-1} = T_j + P(N = j)), so even a service level of 1e-17 keeps its relative accuracy.
 *
 * Truncation: once r = y / (x + i) is below 1 the later ratios are smaller still, so with
 * t_{i-1} the last term kept, sum_{k>=i} t_k <= t_{i-1} r / (1 - r) and
 * sum_{k>=i} k t_k <= t_{i-1} (i r / (1 - r) + r / (1 - r)^2).  The sum stops when the first
 * bound is below CS_ERL_TAIL_EPS times the partial sum of t_k, so the dropped stationary
 * probability (at most that fraction of P(W>0)) is below 1e-16, and the second below
 * CS_ERL_TAIL_EPS times the partial sum of k t_k, which bounds the relative error of E[Q] and of
 * ASA (whose weights grow at most linearly in i) the same way. */
#include "models/erlang.h"

#include <math.h>

#include <gsl/gsl_sf_erf.h>

/* Neumaier-compensated running sum: the log-domain pmfs and t_i are running sums of thousands
 * of logs, and plain summation would let their rounding grow with the queue length. */
typedef struct {
    double sum, comp;
} ksum;

static void ksum_add(ksum *k, double v)
{
    double t = k->sum + v;
    if (fabs(k->sum) >= fabs(v))
        k->comp += (k->sum - t) + v;
    else
        k->comp += (v - t) + k->sum;
    k->sum = t;
}

static double ksum_get(const ksum *k) { return k->sum + k->comp; }

double cs_erl_b(double a, int n)
{
    if (!isfinite(a) || a < 0.0 || n < 0 || n > CS_ERL_MAX_AGENTS)
        return NAN;
    /* The recursion maps [0,1] into [0,1] and damps earlier rounding, unlike the textbook
     * a^n/n! / sum a^k/k!, which overflows near n = 170. */
    double b = 1.0;
    for (int k = 1; k <= n; k++)
        b = a * b / ((double)k + a * b);
    return b;
}

static cs_status need_positive(double v, const char *what, const char *example, cs_error *err)
{
    if (isfinite(v) && v > 0.0)
        return CS_OK;
    return cs_error_set(err, CS_EDOM, "%s must be a positive finite number (e.g. %s), got %g",
                        what, example, v);
}

static cs_status check_common(double lambda, double mean_service, int n, double within,
                              cs_error *err)
{
    cs_status st;
    if ((st = need_positive(lambda, "arrival rate lambda (calls per second)",
                            "200 calls/hour = 0.0556", err)) != CS_OK)
        return st;
    if ((st = need_positive(mean_service, "mean handling time (seconds)", "180", err)) != CS_OK)
        return st;
    if (n < 1 || n > CS_ERL_MAX_AGENTS)
        return cs_error_set(err, CS_EDOM,
                            "number of agents must be between 1 and %d, got %d", CS_ERL_MAX_AGENTS,
                            n);
    if (isnan(within) || within < 0.0)
        return cs_error_set(err, CS_EDOM,
                            "service-level threshold must be >= 0 seconds (e.g. 20 for "
                            "'80%% answered within 20 s'), got %g",
                            within);
    return CS_OK;
}

cs_status cs_erl_c(double lambda, double mean_service, int n, double within, cs_erl_result *out,
                   cs_error *err)
{
    CS_REQUIRE(out != NULL);
    cs_status st = check_common(lambda, mean_service, n, within, err);
    if (st != CS_OK)
        return st;
    double a = lambda * mean_service;
    if (!isfinite(a) || a >= (double)n)
        return cs_error_set(err, CS_EDOM,
                            "Erlang C is unstable: offered load a = %g Erlangs (lambda %g/s x "
                            "mean handling %g s) needs more than %d agents; use at least %.0f "
                            "agents, or Erlang A (with caller patience) for an overloaded period",
                            a, lambda, mean_service, n, isfinite(a) ? floor(a) + 1.0 : HUGE_VAL);
    double b = cs_erl_b(a, n);
    double dn = (double)n;
    double c = dn * b / (dn - a * (1.0 - b));
    double drain = dn / mean_service - lambda; /* rate at which the queue empties, n mu - lambda */
    cs_erl_result r;
    r.offered_load = a;
    r.p_wait = c;
    r.p_abandon = 0.0;
    r.mean_wait = c / drain;
    r.asa = r.mean_wait;
    /* 1 - C and 1 - e^{-drain t} in forms without cancellation, so that a small service
     * level near instability keeps its relative accuracy. */
    const double no_wait = (dn - a) * (1.0 - b) / (dn - a * (1.0 - b));
    r.service_level = fmin(1.0, no_wait + c * -expm1(-drain * within));
    r.abandon_within = 0.0;
    r.mean_queue = c * a / (dn - a);
    r.occupancy = a / dn;
    *out = r;
    return CS_OK;
}

cs_status cs_erl_a(double lambda, double mean_service, int n, double mean_patience, double within,
                   cs_erl_result *out, cs_error *err)
{
    CS_REQUIRE(out != NULL);
    cs_status st = check_common(lambda, mean_service, n, within, err);
    if (st != CS_OK)
        return st;
    if (!(isfinite(mean_patience) && mean_patience > 0.0))
        return cs_error_set(err, CS_EDOM,
                            "mean caller patience must be a positive finite number of seconds "
                            "(e.g. 900), got %g; for callers who never abandon use Erlang C",
                            mean_patience);

    const double mu = 1.0 / mean_service;
    const double theta = 1.0 / mean_patience;
    const double nmu = (double)n * mu;
    const double a = lambda * mean_service;
    /* Largest-term index of t_i is (lambda - n mu) / theta: the overload backlog. */
    const double peak = (lambda - nmu) / theta;
    if (!isfinite(a) || !isfinite(nmu / theta) || !isfinite(lambda / theta) ||
        peak > (double)CS_ERL_MAX_QUEUE_STATES)
        return cs_error_set(err, CS_EDOM,
                            "Erlang A: a = %g Erlangs on %d agents with mean patience %g s and "
                            "mean handling %g s would keep about %.3g calls queued, more than "
                            "the %ld this model sums; check the units of the arrival rate and "
                            "patience, or use Erlang C if the period is not overloaded",
                            a, n, mean_patience, mean_service, peak,
                            (long)CS_ERL_MAX_QUEUE_STATES);

    /* t = 0 and t = infinity are limits handled without logs (log p = -inf would poison the
     * compensated sums): P(N > i) is then 0, respectively 1, for every i. */
    const int t_zero = !(theta * within > 0.0) || -expm1(-theta * within) == 0.0;
    const int t_inf = isinf(within);
    const int t_mid = !t_zero && !t_inf;
    const double logp = t_mid ? log(-expm1(-theta * within)) : 0.0;

    /* Forward pass: find the truncation point `top` and the scale, sum t_i and i t_i (E[Q]),
     * and carry the NB log-pmf and its CDF up to `top`. */
    ksum lt = {0.0, 0.0};                               /* log t_i */
    ksum lnb = {t_mid ? -(nmu + theta) * within : 0.0, 0.0}; /* log P(N = i), N = N_{x+1} */
    double cdf = t_mid ? exp(ksum_get(&lnb)) : 0.0;     /* P(N <= i) */
    double logscale = 0.0, s = 1.0, s_q = 0.0;
    long top = 0;
    for (long i = 1;; i++) {
        const double di = (double)i;
        const double r = lambda / (nmu + di * theta); /* t_i / t_{i-1} */
        if (r < 1.0) {
            /* Tail bounds on t_{i..}, with t_{i-1} the last term kept (see top of file). */
            const double w_last = exp(ksum_get(&lt) - logscale);
            const double g = r / (1.0 - r);
            if (w_last * g <= CS_ERL_TAIL_EPS * s &&
                w_last * (di * g + g / (1.0 - r)) <= CS_ERL_TAIL_EPS * s_q)
                break;
        }
        if (i > CS_ERL_MAX_QUEUE_STATES)
            return cs_error_set(err, CS_EDOM,
                                "Erlang A: the queue distribution did not settle within %ld "
                                "states (lambda %g/s, mean handling %g s, %d agents, mean "
                                "patience %g s); use a shorter patience or Erlang C",
                                (long)CS_ERL_MAX_QUEUE_STATES, lambda, mean_service, n,
                                mean_patience);
        ksum_add(&lt, log(r));
        const double lti = ksum_get(&lt);
        if (lti > logscale + 300.0) {
            /* Keep the weights below e^300 so that overload (A astronomically large) cannot
             * overflow; the sums are linear in the weights so they rescale exactly. */
            const double f = exp(logscale - lti);
            s *= f, s_q *= f;
            logscale = lti;
        }
        const double w = exp(lti - logscale);
        s += w;
        s_q += di * w;
        if (t_mid) {
            ksum_add(&lnb, logp + log1p(nmu / (di * theta)));
            cdf += exp(ksum_get(&lnb));
        }
        top = i;
    }

    /* P(N > top).  Subtracting the CDF from 1 is only accurate while the CDF is not close to
     * 1; past the median, sum the upper tail itself (positive terms, ratio p (x+j)/j which
     * falls below 1 after the NB mode). */
    double tail = t_zero ? 0.0 : 1.0;
    if (t_mid) {
        tail = 1.0 - cdf;
        if (cdf > 0.5) {
            ksum l = lnb;
            double sum = 0.0;
            int settled = 0;
            for (long j = top + 1; j <= top + CS_ERL_MAX_QUEUE_STATES; j++) {
                ksum_add(&l, logp + log1p(nmu / ((double)j * theta)));
                const double d = exp(ksum_get(&l));
                sum += d;
                const double r = exp(logp) * (1.0 + nmu / ((double)(j + 1) * theta));
                if (r < 1.0 && d * r / (1.0 - r) <= 1e-17 * sum) {
                    settled = 1;
                    break;
                }
            }
            if (settled)
                tail = sum;
        }
    }

    /* Backward pass, i = top..0, so that every running sum only ever adds positive terms:
     *   sum_i w_i served_i H_i            = sum_m h_m      sum_{i>=m} w_i served_i
     *   sum_i w_i P(abandoned by t | i)   = sum_j c_j T_j  sum_{i>=j} w_i
     * with H_i = sum_{m<=i} h_m, h_m = 1 / (r_m + theta) and c_j = x / ((x + j)(x + j + 1)). */
    double w_from = 0.0, ws_from = 0.0; /* sum_{k>=i} w_k, sum_{k>=i} w_k served_k */
    double s_asa = 0.0, s_sl = 0.0, s_ab = 0.0;
    for (long i = top; i >= 0; i--) {
        const double di = (double)i;
        const double w = exp(ksum_get(&lt) - logscale);
        const double rate_i = nmu + di * theta;           /* r_i */
        const double rate_next = nmu + (di + 1.0) * theta; /* r_i + theta */
        const double served = nmu / rate_next;             /* x / (x + i + 1) */
        w_from += w;
        ws_from += w * served;
        s_asa += ws_from / rate_next;
        s_sl += w * served * tail;
        s_ab += (nmu / rate_i) * (theta / rate_next) * tail * w_from;
        if (i > 0) {
            ksum_add(&lt, -log(lambda / rate_i));
            if (t_mid) {
                tail += exp(ksum_get(&lnb)); /* T_{i-1} = T_i + P(N = i) */
                ksum_add(&lnb, -(logp + log1p(nmu / (di * theta))));
            }
        }
    }

    /* P(W>0) = A B / (1 + (A - 1) B) = 1 / (1 + z), z = (1 - B) / (A B), A = e^logscale s;
     * P(W=0) = 1 / (1 + 1/z) computed directly so that it keeps its relative accuracy when
     * tiny (overload). */
    const double b = cs_erl_b(a, n);
    const double ln_z = log1p(-b) - (logscale + log(s) + log(b));
    const double pw = 1.0 / (1.0 + exp(ln_z));
    const double p0 = 1.0 / (1.0 + exp(-ln_z));

    cs_erl_result res;
    res.offered_load = a;
    res.p_wait = pw;
    res.mean_queue = pw * s_q / s;
    res.mean_wait = res.mean_queue / lambda;
    res.p_abandon = theta * res.mean_wait;
    const double p_answered = p0 + pw * ws_from / s;
    res.asa = p_answered > 0.0 ? pw * (s_asa / s) / p_answered : 0.0;
    /* The clamps only remove last-bit rounding above 1 (e.g. occupancy in overload). */
    res.service_level = fmin(1.0, p0 + pw * s_sl / s);
    res.abandon_within = fmin(1.0, pw * s_ab / s);
    res.occupancy = fmin(1.0, a * p_answered / (double)n); /* Little's law on the agents */
    *out = res;
    return CS_OK;
}

/* Service level with n agents; *sl = 0 with CS_OK when Erlang C is unstable at n, since an
 * unstable queue answers nobody in bounded time. */
static cs_status sl_at(double lambda, double mean_service, double mean_patience, int use_c,
                       double within, int n, double *sl, cs_error *err)
{
    cs_erl_result r;
    cs_status st;
    if (use_c) {
        if (lambda * mean_service >= (double)n) {
            *sl = 0.0;
            return CS_OK;
        }
        st = cs_erl_c(lambda, mean_service, n, within, &r, err);
    } else {
        st = cs_erl_a(lambda, mean_service, n, mean_patience, within, &r, err);
    }
    if (st == CS_OK)
        *sl = r.service_level;
    return st;
}

cs_status cs_erl_agents_for(double lambda, double mean_service, double mean_patience,
                            double within, double target_sl, int max_n, int *n_out,
                            cs_error *err)
{
    CS_REQUIRE(n_out != NULL);
    cs_status st = check_common(lambda, mean_service, max_n, within, err);
    if (st != CS_OK)
        return st;
    if (isnan(mean_patience))
        return cs_error_set(err, CS_EDOM,
                            "mean caller patience must be a number of seconds (or 0 / infinity "
                            "for callers who never abandon), got NaN");
    if (!(target_sl > 0.0 && target_sl < 1.0))
        return cs_error_set(err, CS_EDOM,
                            "target service level must be a fraction strictly between 0 and 1 "
                            "(e.g. 0.8 for 80%%), got %g",
                            target_sl);
    const int use_c = !(mean_patience > 0.0) || isinf(mean_patience);
    const double a = lambda * mean_service;

    int lo = 1;
    if (use_c) {
        if (a >= (double)max_n)
            return cs_error_set(err, CS_EDOM,
                                "offered load a = %g Erlangs needs more than the allowed %d "
                                "agents just to keep the queue stable; raise the agent limit",
                                a, max_n);
        lo = (int)floor(a) + 1;
    }
    double sl;
    if ((st = sl_at(lambda, mean_service, mean_patience, use_c, within, max_n, &sl, err)) != CS_OK)
        return st;
    if (sl < target_sl)
        return cs_error_set(err, CS_EDOM,
                            "target service level %.4g within %g s is not reachable with %d "
                            "agents (best %.4f, %s); raise the agent limit or lower the target",
                            target_sl, within, max_n, sl, use_c ? "Erlang C" : "Erlang A");
    int hi = max_n; /* invariant: sl(hi) >= target; answer in [lo, hi] */
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if ((st = sl_at(lambda, mean_service, mean_patience, use_c, within, mid, &sl, err)) !=
            CS_OK)
            return st;
        if (sl >= target_sl)
            hi = mid;
        else
            lo = mid + 1;
    }
    *n_out = hi;
    return CS_OK;
}

/* ---- Staffing to a target ------------------------------------------------------------------ */

/* M_SQRT2 and friends are not in strict C11. */
#define CS_ERL_SQRT2 1.41421356237309504880
#define CS_ERL_LN2 0.69314718055994530942
#define CS_ERL_LOG_SQRT_2PI 0.91893853320467274178

/* log(1 - Phi(x)) for any x: erfc's logarithm stays finite where 1 - Phi underflows. */
static double log_q(double x) { return gsl_sf_log_erfc(x / CS_ERL_SQRT2) - CS_ERL_LN2; }

/* The standard normal hazard phi(x) / (1 - Phi(x)), computed as a difference of logs. */
static double hazard(double x)
{
    return exp(-0.5 * x * x - CS_ERL_LOG_SQRT_2PI - log_q(x));
}

static int use_erlang_c(double mean_patience)
{
    return !(mean_patience > 0.0) || isinf(mean_patience);
}

static cs_status check_target(const cs_erl_target *t, cs_error *err)
{
    if (!t)
        return cs_error_set(err, CS_EDOM, "no staffing target given");
    if (!(t->share >= 0.0 && t->share < 1.0))
        return cs_error_set(err, CS_EDOM,
                            "target share answered within %g s must be a fraction in [0, 1) "
                            "(e.g. 0.9 for 90%%; 0 = no service-level target), got %g",
                            t->within, t->share);
    if (!(t->max_abandon >= 0.0 && t->max_abandon < 1.0))
        return cs_error_set(err, CS_EDOM,
                            "abandonment ceiling must be a fraction in [0, 1) (e.g. 0.1 for "
                            "10%%; 0 = no ceiling), got %g",
                            t->max_abandon);
    if (t->share > 0.0 && (isnan(t->within) || t->within < 0.0))
        return cs_error_set(err, CS_EDOM,
                            "service-level threshold must be >= 0 seconds (e.g. 10 for '90%% "
                            "answered within 10 s'), got %g",
                            t->within);
    if (t->share == 0.0 && t->max_abandon == 0.0)
        return cs_error_set(err, CS_EDOM,
                            "the staffing target has no part: give a share answered within a "
                            "time, an abandonment ceiling, or both");
    return CS_OK;
}

static cs_status check_staff_params(double lambda, double mean_service, double mean_patience,
                                    const cs_erl_target *target, cs_error *err)
{
    if (!(isfinite(lambda) && lambda >= 0.0))
        return cs_error_set(err, CS_EDOM,
                            "arrival rate lambda must be a finite number >= 0 calls per second "
                            "(e.g. 200 calls/hour = 0.0556), got %g",
                            lambda);
    cs_status st = need_positive(mean_service, "mean handling time incl. wrap (seconds)", "180",
                                 err);
    if (st != CS_OK)
        return st;
    if (isnan(mean_patience))
        return cs_error_set(err, CS_EDOM,
                            "mean caller patience must be a number of seconds (or 0 / infinity "
                            "for callers who never abandon), got NaN");
    return check_target(target, err);
}

/* The QED approximation of the target at n = a + beta sqrt(a): 1 if it is met. */
static int qed_meets(double a, double mean_service, double mean_patience, int use_c,
                     const cs_erl_target *t, double beta)
{
    const double n = fmax(a + beta * sqrt(a), 1.0);
    if (use_c) {
        if (beta <= 0.0)
            return 0;
        /* P(W > T) ~ alpha(beta) e^{-beta sqrt(a) T / ES}; alpha from the hazard of -beta,
         * since Phi(beta) / phi(beta) = 1 / h(-beta). */
        const double alpha = 1.0 / (1.0 + beta / hazard(-beta));
        const double late = alpha * exp(-beta * sqrt(a) * t->within / mean_service);
        return t->share == 0.0 || 1.0 - late >= t->share;
    }
    const double r = mean_patience / mean_service;
    const double bh = beta * sqrt(r);
    const double w = 1.0 / (1.0 + hazard(bh) / (sqrt(r) * hazard(-beta)));
    if (t->max_abandon > 0.0 && w * (hazard(bh) - bh) / sqrt(r * n) > t->max_abandon)
        return 0;
    if (t->share > 0.0) {
        /* Waiting callers are lost before T at rate theta while they still wait:
         * theta int_0^T P(V > s | W > 0) ds, by Simpson's rule on the conditional tail. */
        const double c = sqrt(n / (mean_service * mean_patience));
        const double lq0 = log_q(bh);
        double lost = 0.0;
        if (t->within > 0.0) {
            const int k = 16;
            for (int j = 0; j <= k; j++) {
                const double f = exp(log_q(bh + c * t->within * j / k) - lq0);
                lost += (j == 0 || j == k ? 1.0 : j % 2 ? 4.0 : 2.0) * f;
            }
            lost *= t->within / (3.0 * k) / mean_patience;
        }
        const double late = w * (exp(log_q(bh + c * t->within) - lq0) + fmin(lost, 1.0));
        if (1.0 - late < t->share)
            return 0;
    }
    return 1;
}

cs_status cs_erl_sqrt_staffing(double lambda, double mean_service, double mean_patience,
                               const cs_erl_target *target, int *n_out, double *beta_out,
                               cs_error *err)
{
    CS_REQUIRE(n_out != NULL);
    cs_status st = check_staff_params(lambda, mean_service, mean_patience, target, err);
    if (st != CS_OK)
        return st;
    const double a = lambda * mean_service;
    const int use_c = use_erlang_c(mean_patience);
    if (!(a > 0.0)) {
        *n_out = lambda > 0.0 ? 1 : 0;
        if (beta_out)
            *beta_out = 0.0;
        return CS_OK;
    }
    if (!(a < (double)CS_ERL_MAX_AGENTS))
        return cs_error_set(err, CS_EDOM,
                            "offered load a = %g Erlangs is beyond the %d agents these formulas "
                            "accept; check the units of the arrival rate (per second)",
                            a, CS_ERL_MAX_AGENTS);
    /* Bisection on beta: the approximations meet the target for all beta above a threshold.
     * The bracket covers every sensible case: beta = 30 is far beyond any real target, and
     * below -sqrt(a) there would be no agents at all. */
    double lo = use_c ? 0.0 : -sqrt(a), hi = 30.0;
    if (!qed_meets(a, mean_service, mean_patience, use_c, target, hi)) {
        lo = hi;
    } else {
        for (int it = 0; it < 60 && hi - lo > 1e-6; it++) {
            const double mid = 0.5 * (lo + hi);
            if (qed_meets(a, mean_service, mean_patience, use_c, target, mid))
                hi = mid;
            else
                lo = mid;
        }
    }
    double n = ceil(a + hi * sqrt(a));
    if (use_c && n <= a)
        n = floor(a) + 1.0;
    n = fmin(fmax(n, 1.0), (double)CS_ERL_MAX_AGENTS);
    *n_out = (int)n;
    if (beta_out)
        *beta_out = hi;
    return CS_OK;
}

/* One evaluation of the target at n agents: *met and the failing parts at n. */
static cs_status staff_eval(double lambda, double mean_service, double mean_patience, int use_c,
                            const cs_erl_target *t, int n, int *met, unsigned *fails,
                            cs_erl_result *res, cs_error *err)
{
    cs_erl_result r = {0};
    unsigned f = 0;
    if (use_c) {
        if (lambda * mean_service >= (double)n) {
            f = CS_ERL_BIND_STABLE | (t->share > 0.0 ? CS_ERL_BIND_SERVICE : 0u);
        } else {
            cs_status st = cs_erl_c(lambda, mean_service, n, t->share > 0.0 ? t->within : 0.0,
                                    &r, err);
            if (st != CS_OK)
                return st;
            if (t->share > 0.0 && !(r.service_level >= t->share))
                f |= CS_ERL_BIND_SERVICE;
        }
    } else {
        cs_status st = cs_erl_a(lambda, mean_service, n, mean_patience,
                                t->share > 0.0 ? t->within : 0.0, &r, err);
        if (st != CS_OK)
            return st;
        if (t->share > 0.0 && !(r.service_level >= t->share))
            f |= CS_ERL_BIND_SERVICE;
        if (t->max_abandon > 0.0 && !(r.p_abandon <= t->max_abandon))
            f |= CS_ERL_BIND_ABANDON;
    }
    *met = f == 0;
    *fails = f;
    if (res)
        *res = r;
    return CS_OK;
}

cs_status cs_erl_staff(double lambda, double mean_service, double mean_patience,
                       const cs_erl_target *target, int max_n, cs_erl_staffing *out,
                       cs_error *err)
{
    CS_REQUIRE(out != NULL);
    cs_status st = check_staff_params(lambda, mean_service, mean_patience, target, err);
    if (st != CS_OK)
        return st;
    if (max_n < 1 || max_n > CS_ERL_MAX_AGENTS)
        return cs_error_set(err, CS_EDOM, "agent limit must be between 1 and %d, got %d",
                            CS_ERL_MAX_AGENTS, max_n);
    cs_erl_staffing o = {0};
    if (lambda == 0.0) {
        o.met = 1;
        *out = o;
        return CS_OK;
    }
    const int use_c = use_erlang_c(mean_patience);
    const double a = lambda * mean_service;
    if ((st = cs_erl_sqrt_staffing(lambda, mean_service, mean_patience, target, &o.guess,
                                   &o.beta, err)) != CS_OK)
        return st;

    /* Every n <= known_fail fails by counting (see erlang.h); the search never goes there. */
    double need = 0.0;
    if (target->share > 0.0)
        need = a * target->share;
    if (!use_c && target->max_abandon > 0.0)
        need = fmax(need, a * (1.0 - target->max_abandon));
    long known_fail = (long)ceil(need) - 1; /* < need, so it fails */
    if (use_c && (long)floor(a) > known_fail)
        known_fail = (long)floor(a); /* n <= a is unstable */
    if (known_fail < 0)
        known_fail = 0;
    if (known_fail >= max_n) {
        /* Not even the cap passes the counting bound: report the cap's performance. */
        int met;
        unsigned f;
        if ((st = staff_eval(lambda, mean_service, mean_patience, use_c, target, max_n, &met,
                             &f, &o.r, err)) != CS_OK)
            return st;
        o.evaluations = 1;
        o.n = max_n;
        o.met = met;
        *out = o;
        return CS_OK;
    }

    int met;
    unsigned fails;
    long lo = known_fail; /* fails */
    long hi = -1;         /* meets, once found */
    long g = o.guess;
    if (g <= lo)
        g = lo + 1;
    if (g > max_n)
        g = max_n;
    if ((st = staff_eval(lambda, mean_service, mean_patience, use_c, target, (int)g, &met,
                         &fails, NULL, err)) != CS_OK)
        return st;
    o.evaluations++;
    if (met) {
        hi = g;
        for (long step = 1; hi - step > lo; step *= 2) {
            const long m = hi - step;
            if ((st = staff_eval(lambda, mean_service, mean_patience, use_c, target, (int)m,
                                 &met, &fails, NULL, err)) != CS_OK)
                return st;
            o.evaluations++;
            if (!met) {
                lo = m;
                break;
            }
            hi = m;
        }
    } else {
        lo = g;
        for (long step = 1; lo < max_n; step *= 2) {
            const long m = lo + step < max_n ? lo + step : max_n;
            if ((st = staff_eval(lambda, mean_service, mean_patience, use_c, target, (int)m,
                                 &met, &fails, NULL, err)) != CS_OK)
                return st;
            o.evaluations++;
            if (met) {
                hi = m;
                break;
            }
            lo = m;
        }
        if (hi < 0) {
            /* Even max_n fails: the target is unreachable within the cap. */
            if ((st = staff_eval(lambda, mean_service, mean_patience, use_c, target, max_n, &met,
                                 &fails, &o.r, err)) != CS_OK)
                return st;
            o.n = max_n;
            o.met = 0;
            *out = o;
            return CS_OK;
        }
    }
    while (hi - lo > 1) {
        const long mid = lo + (hi - lo) / 2;
        if ((st = staff_eval(lambda, mean_service, mean_patience, use_c, target, (int)mid, &met,
                             &fails, NULL, err)) != CS_OK)
            return st;
        o.evaluations++;
        if (met)
            hi = mid;
        else
            lo = mid;
    }
    o.n = (int)hi;
    o.met = 1;
    if ((st = staff_eval(lambda, mean_service, mean_patience, use_c, target, o.n, &met, &fails,
                         &o.r, err)) != CS_OK)
        return st;
    /* Which parts n - 1 fails.  Below the counting bound the formulas may refuse an extreme
     * overload; the bound itself then says which parts cannot hold. */
    if (o.n > 1) {
        cs_error tmp;
        if (staff_eval(lambda, mean_service, mean_patience, use_c, target, o.n - 1, &met, &fails,
                       NULL, &tmp) == CS_OK) {
            o.binding = fails;
        } else {
            const double m = (double)(o.n - 1);
            if (target->share > 0.0 && m < a * target->share)
                o.binding |= CS_ERL_BIND_SERVICE;
            if (!use_c && target->max_abandon > 0.0 && m < a * (1.0 - target->max_abandon))
                o.binding |= CS_ERL_BIND_ABANDON;
        }
    } else {
        o.binding = use_c ? CS_ERL_BIND_STABLE : 0u;
        if (target->share > 0.0)
            o.binding |= CS_ERL_BIND_SERVICE; /* no agents, nobody answered */
        if (!use_c && target->max_abandon > 0.0)
            o.binding |= CS_ERL_BIND_ABANDON; /* no agents, everybody abandons */
    }
    *out = o;
    return CS_OK;
}

cs_status cs_erl_staff_intervals(const cs_erl_demand *demand, size_t n,
                                 const cs_erl_target *target, int max_n, int *required,
                                 cs_erl_staffing *detail, size_t *n_unreachable, cs_error *err)
{
    CS_REQUIRE(n == 0 || (demand != NULL && required != NULL));
    size_t unreachable = 0;
    for (size_t i = 0; i < n; i++) {
        cs_erl_staffing o;
        cs_error e;
        cs_status st = cs_erl_staff(demand[i].lambda, demand[i].mean_service,
                                    demand[i].mean_patience, target, max_n, &o, &e);
        if (st != CS_OK)
            return cs_error_set(err, st, "interval %zu: %s", i, e.msg);
        required[i] = o.n;
        if (!o.met)
            unreachable++;
        if (detail)
            detail[i] = o;
    }
    if (n_unreachable)
        *n_unreachable = unreachable;
    return CS_OK;
}
