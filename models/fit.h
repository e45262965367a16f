/* Statistical fitting for `callsim fit`: durations (handle times, patience) and arrivals.
 *
 * Concept.  Pure statistics on arrays of numbers; reading and cleaning the call log is the
 * job of another module.  Three tools:
 *
 *   1. Kaplan-Meier (cs_fit_km): the nonparametric survival curve of a duration observed
 *      with right censoring.  For patience, a caller who abandoned after waiting t gives an
 *      event at t (patience = t); a caller who was answered after waiting t gives a
 *      censoring at t (patience > t: we never learn how long they would have waited).
 *      Ignoring the censoring, e.g. averaging the abandoners' waits, measures only the
 *      impatient callers and is badly biased low (Brown et al. 2005; in the 1999 bank data
 *      the abandoners' median wait is 54 s while the censored exponential MLE is 415 s).
 *
 *   2. Parametric maximum likelihood (cs_fit_durations, cs_fit_one) for the exponential,
 *      lognormal, gamma and Weibull families, with or without right censoring: maximises
 *      sum over events of log f(t) + sum over censorings of log S(t).  Each fit reports the
 *      parameters with standard errors and 95% confidence intervals from the observed
 *      information (numerical Hessian of the negative log-likelihood at the optimum), the
 *      log-likelihood, AIC = 2k - 2 logL, goodness of fit, and the fitted cs_dist.
 *      cs_fit_best() picks the lowest AIC.
 *
 *   3. Arrivals (cs_fit_arrivals): the time-of-week rate profile and the coefficient of
 *      variation of a gamma day-level factor (the scenario's `daily_cv`), the
 *      "inhomogeneous Poisson with a random day rate" model of Brown et al.
 *
 * Parameters.  cs_fit_result.par[] holds each family's own parameters, in the same form as
 * the cs_dist fields (models/dist.h), so the numbers match what dist.c samples from:
 *   EXPONENTIAL  par[0] = mean (s)                      (par[1] unused: NAN)
 *   LOGNORMAL    par[0] = mu, par[1] = sigma, of log(t)  (t in seconds)
 *   GAMMA        par[0] = shape, par[1] = scale (s)
 *   WEIBULL      par[0] = shape, par[1] = scale (s)    (cdf 1 - exp(-(t/scale)^shape))
 * Because scenarios write durations as mean and sd, every fit also gives `mean` and `sd` of
 * the duration itself with their own SEs and intervals (delta method).
 *
 * Confidence intervals.  Wald intervals at 95% (z = 1.959964) from the inverse observed
 * information.  Positive quantities (mean, sd, sigma, shapes, scales) get the interval on
 * the log scale, est * exp(+-z se/est), which cannot go below 0 and has better coverage in
 * small samples; lognormal mu gets est +- z se.  `se` is always on the natural scale.
 *
 * Zero times.  A duration of exactly 0 has zero density under every family here (or
 * infinite, for shapes < 1), so an event at t = 0 (a caller who hung up the instant the
 * queue started, a record rounded down to 0 s) would make the likelihood degenerate.  Such
 * events are moved to t = zero_time: by default half the smallest positive time in the
 * data, i.e. the midpoint of the first rounding interval when times are whole seconds.
 * A censoring at t = 0 (answered without waiting) says only "patience > 0", which every
 * family grants with probability 1, so it is dropped from the likelihood (it is counted in
 * n and n_censored).  The count of moved events is reported.
 *
 * Ownership.  cs_fit_km_result owns arrays: release with cs_fit_km_fini().  cs_fit_set and
 * cs_fit_result hold cs_dist values of parametric kinds, and a lognormal owns its sampling
 * tables (models/lnzig.h): release them with cs_fit_set_fini() / cs_fit_result_fini().  All
 * other structs are plain values with fixed arrays; cs_fit_arrivals_result is about 40 KB, so
 * allocate it rather than putting it on a small thread stack.
 *
 * Errors.  CS_EINPUT for data a planner must fix (no observations, negative or non-finite
 * times, event flags other than 0/1, arrivals outside the stated span), with the index and
 * value; CS_EDOM when the data cannot identify the model (no events at all: every caller
 * was answered, so patience is only known to exceed the longest wait); CS_ENOMEM.  A
 * family that cannot be fitted inside cs_fit_durations does not fail the whole call: its
 * result has ok == 0 and a message saying why.
 *
 * Threads.  No state of its own: separate calls may run on separate threads.
 */
#ifndef CS_MODELS_FIT_H
#define CS_MODELS_FIT_H

#include <stddef.h>

#include "models/dist.h"
#include "sim/status.h"

/* ------------------------------------------------------------------------------------
 * Kaplan-Meier */

typedef struct cs_fit_km_result {
    size_t n;            /* observations */
    size_t n_events;     /* of which events (event = 1) */
    size_t n_steps;      /* distinct event times = length of the arrays below */
    double *time;        /* ascending distinct event times t_j */
    double *at_risk;     /* n_j: observations with t >= t_j (censorings tied with t_j count) */
    double *events;      /* d_j: events at t_j */
    double *surv;        /* S(t_j) = prod_{i<=j} (1 - d_i/n_i); S is right-continuous */
    double *var;         /* Greenwood: S(t_j)^2 sum_{i<=j} d_i/(n_i (n_i - d_i)); NAN once
                          * S = 0 (the formula divides by n_i - d_i = 0) */
    double *lo, *hi;     /* pointwise 95% interval on the log(-log S) scale (stays in [0,1]);
                          * NAN where var is NAN or S is 1 */
    int median_reached;  /* 1 when S falls to 0.5 or below within the data */
    double median;       /* smallest t with S(t) <= 0.5; NAN when not reached */
    double tau;          /* largest observation (event or censoring) */
    double rmean;        /* restricted mean: integral of S over [0, tau] */
    double rmean_se;     /* its SE (Greenwood-type: sum_j A_j^2 d_j/(n_j (n_j - d_j)),
                          * A_j = integral of S over [t_j, tau]) */
} cs_fit_km_result;

/** @brief Kaplan-Meier estimate of the survival function of right-censored durations.
 * Ties: at a time with both events and censorings the events come first, so the censored
 * observations are still at risk for them (the standard convention).  Times of 0 are kept
 * as they are (an event at 0 gives a step at 0: S(0) = 1 - d_0/n).
 * @param t n durations >= 0 (finite).
 * @param event n flags: 1 = observed (abandoned at t), 0 = censored (answered at t); NULL
 *        means all observed.
 * @param out OUT: filled on success (arrays owned: cs_fit_km_fini); zeroed on failure.
 * @return CS_OK, CS_EINPUT (n = 0, bad time or flag, with its index) or CS_ENOMEM. */
cs_status cs_fit_km(const double *t, const int *event, size_t n, cs_fit_km_result *out,
                    cs_error *err);

/** @brief S(t) read off the step function (1 before the first step).  NAN for t NAN. */
double cs_fit_km_eval(const cs_fit_km_result *km, double t);

/** @brief Frees the arrays and zeroes *km.  Safe on a zeroed struct and on NULL. */
void cs_fit_km_fini(cs_fit_km_result *km);

/* ------------------------------------------------------------------------------------
 * Parametric fits of durations */

/* Ordered by number of parameters, then by preference when AICs tie (lognormal first:
 * the literature's model for service times). */
typedef enum cs_fit_family {
    CS_FIT_EXPONENTIAL = 0,
    CS_FIT_LOGNORMAL,
    CS_FIT_GAMMA,
    CS_FIT_WEIBULL
} cs_fit_family;

#define CS_FIT_N_FAMILIES 4

/* An estimate with its standard error and 95% interval (see the header comment). */
typedef struct cs_fit_param {
    double est, se, lo, hi;
} cs_fit_param;

typedef struct cs_fit_options {
    /* > 0: the value events at t = 0 are moved to; 0: half the smallest positive time. */
    double zero_time;
} cs_fit_options;

typedef struct cs_fit_result {
    cs_fit_family family;
    int ok;               /* 1 = fitted; 0 = not (msg says why; the numbers are NAN) */
    char msg[256];        /* why not ok, or a caution (e.g. SEs unavailable); "" if none */
    int k;                /* free parameters, for AIC */
    cs_fit_param par[2];  /* the family's parameters, table in the header comment */
    double cov[2][2];     /* covariance of par[] (inverse observed information) */
    cs_fit_param mean;    /* mean of the duration (s) */
    cs_fit_param sd;      /* standard deviation of the duration (s) */
    double loglik;        /* maximised log-likelihood, densities in 1/s */
    double aic;           /* 2k - 2 loglik */
    double ks_d;          /* uncensored data: Kolmogorov-Smirnov sup |F_n - F_fit|; NAN if
                           * censored */
    double ks_p;          /* its asymptotic p-value (Kolmogorov distribution with Stephens'
                           * small-n correction).  Too large (conservative) because the
                           * parameters were estimated from the same data, and too small
                           * for data rounded to whole seconds with many ties: a screen,
                           * not a test */
    double km_maxdiff;    /* sup |S_fit - S_KM| over the event times, KM of the same data
                           * (zero-time events moved).  Censored data: only where at least
                           * max(20, 1% of the observations) are still at risk, because the
                           * KM tail beyond rests on a few callers and is mostly noise.
                           * Uncensored data: everywhere, so it equals ks_d */
    int iterations;       /* optimiser iterations (0 for closed forms) */
    cs_dist dist;         /* the fitted distribution (a `never` when !ok) */
} cs_fit_result;

typedef struct cs_fit_set {
    size_t n;             /* observations given */
    size_t n_events;      /* event = 1 */
    size_t n_censored;    /* event = 0 (including those at t = 0) */
    size_t n_zero;        /* events at t = 0, moved to zero_time */
    double zero_time;     /* see the header comment */
    cs_fit_result fit[CS_FIT_N_FAMILIES];  /* indexed by cs_fit_family */
} cs_fit_set;

/** @brief Fits every family to durations with optional right censoring.
 * @param t n durations >= 0 (finite), in seconds.
 * @param event n flags (1 = observed, 0 = censored) or NULL = all observed (handle times).
 * @param opt NULL for defaults.
 * @param out OUT: every family's result; families that fail have ok = 0 and a message.
 * @return CS_OK when at least one family was fitted (the exponential always is when
 *         there is an event and a positive total time); CS_EINPUT for bad input;
 *         CS_EDOM when no event was observed (or all times are 0); CS_ENOMEM.  On error
 *         *out holds no distribution (cs_fit_set_fini is still safe). */
cs_status cs_fit_durations(const double *t, size_t n, const int *event,
                           const cs_fit_options *opt, cs_fit_set *out, cs_error *err);

/** @brief Fits one family (same conventions as cs_fit_durations).
 * @return CS_OK; CS_EINPUT, CS_EDOM (also when this family's likelihood has no finite
 *         maximum or the optimiser fails; out->msg repeats the message) or CS_ENOMEM. */
cs_status cs_fit_one(cs_fit_family family, const double *t, size_t n, const int *event,
                     const cs_fit_options *opt, cs_fit_result *out, cs_error *err);

/** @brief The fitted family with the lowest AIC; ties (within 1e-9 relative) go to the
 * family earlier in cs_fit_family, i.e. the simpler one.  NULL when none is ok. */
const cs_fit_result *cs_fit_best(const cs_fit_set *set);

/* A patience whose fitted mean is beyond this is not a finding about callers (nobody waits two
 * hours on the phone) ... */
#define CS_FIT_PATIENCE_LIMIT 7200.0
/* ... nor one whose mean comes mostly from beyond the longest wait anyone was seen to endure. */
#define CS_FIT_TAIL_SHARE_LIMIT 0.5

/**
 * @brief The patience family to write, from a censored fit of the waits t[0..n): the lowest
 *  AIC among the families whose mean is a finding.  A mean beyond CS_FIT_PATIENCE_LIMIT, or one
 *  that comes mostly (CS_FIT_TAIL_SHARE_LIMIT) from beyond the longest wait seen, rests on the
 *  fitted tail and a few callers, not on data: such a family is passed over.  If every family
 *  is like that, the exponential is written: its mean is abandonments per second of waiting,
 *  which the data do pin down.
 * @param note  OUT: empty when the choice is the lowest AIC, else why not (a warning for the
 *  user, at most note_n - 1 characters).
 * @return NULL when no family was fitted.
 */
const cs_fit_result *cs_fit_choose_patience(const cs_fit_set *ps, const double *t, size_t n, char *note,
                                            size_t note_n);

/**
 * @brief Whether a fitted talk-time family keeps the data's mean: its mean lies within the 95%
 *  interval of the sample mean of t[0..n) (mean +- 1.96 sd / sqrt(n)).  Handlers' capacity is
 *  calls x mean talk time, so a family whose mean misses the sample mean (a lognormal fitted to
 *  a tail lighter than its own: on the 1999 bank log, time-of-day bands 10% too long or too
 *  short) misstates how many calls the same handlers answer, however well it fits the shape.
 *  Gamma and exponential maximum-likelihood fits always keep it (their mean is the sample mean).
 *  0 when r is not ok or n < 2.
 */
int cs_fit_keeps_mean(const cs_fit_result *r, const double *t, size_t n);

/**
 * @brief The talk-time family to write, from an uncensored fit of t[0..n): the lowest AIC among
 *  the families that keep the sample mean (cs_fit_keeps_mean); if none does, the exponential.
 * @param note OUT: empty when the choice is the lowest AIC, else why not (at most note_n - 1
 *  characters).
 * @return NULL when no family was fitted.
 */
const cs_fit_result *cs_fit_choose_handle(const cs_fit_set *hs, const double *t, size_t n, char *note,
                                          size_t note_n);

/** @brief "exponential", "lognormal", "gamma", "weibull" (as in models/dist), or
 * "unknown". */
const char *cs_fit_family_name(cs_fit_family f);

/** @brief Name of par[i] for reports ("mean", "mu", "sigma", "shape", "scale"); NULL when
 * the family has no such parameter. */
const char *cs_fit_param_name(cs_fit_family f, int i);

/** @brief Releases the fitted distributions.  Safe on zeroed structs and NULL. */
void cs_fit_result_fini(cs_fit_result *r);
void cs_fit_set_fini(cs_fit_set *set);

/* ------------------------------------------------------------------------------------
 * Arrivals */

#define CS_FIT_MAX_SLOTS 672   /* 15-minute slots over a week */
#define CS_FIT_MAX_DAYS 1096   /* three years: longer logs are rarely stationary */

typedef struct cs_fit_arrivals_result {
    /* Profile: slot s covers [s*slot_len, (s+1)*slot_len) seconds after Monday 00:00. */
    double slot_len;                   /* seconds */
    size_t n_slots;                    /* one week / slot_len */
    double rate[CS_FIT_MAX_SLOTS];     /* count / exposure, arrivals per second; NAN for a
                                        * slot the span never covers */
    double rate_se[CS_FIT_MAX_SLOTS];  /* Poisson SE sqrt(count)/exposure; understates the
                                        * error when daily_cv > 0 */
    double count[CS_FIT_MAX_SLOTS];    /* arrivals in this slot of the week */
    double exposure[CS_FIT_MAX_SLOTS]; /* seconds of [t0, t1) falling in this slot: the
                                        * number of such slots observed times slot_len,
                                        * fractional where the span starts or ends
                                        * inside a slot */
    size_t n_unobserved;               /* slots with exposure 0 */
    size_t n_arrivals;

    /* Daily factor, from the complete calendar days d = first_day .. first_day+n_days-1
     * (day d is [d*86400, (d+1)*86400); weekday = d mod 7, 0 = Monday). */
    long first_day;
    size_t n_days;
    double day_count[CS_FIT_MAX_DAYS];    /* N_d */
    double day_expected[CS_FIT_MAX_DAYS]; /* E_d: the profile integrated over day d */
    int cv_ok;        /* 0 when there are not enough repeated weekdays (note says why) */
    double cv2;       /* moment estimate of cv^2 (may be negative: no overdispersion) */
    double cv2_se;    /* its delta-method SE (see cs_fit_arrivals) */
    double daily_cv;  /* sqrt(max(0, cv2)): what the scenario's daily_cv should be */
    double daily_cv_lo, daily_cv_hi;  /* 95% interval for daily_cv (test inversion) */
    char note[256];
} cs_fit_arrivals_result;

/** @brief Fits the arrival-rate profile and the gamma day factor's cv.
 *
 * Profile: rate[s] = arrivals in slot s of the week / seconds observed in slot s (each
 * slot of the week observed k times gives count / (k slot_len)).
 *
 * Daily factor: model N_d ~ Poisson(G_d E_d), G_d ~ gamma(mean 1, cv), so
 * Var N_d = E_d + cv^2 E_d^2.  The method of moments with known E_d would give
 *   cv^2 = (sum (N_d - E_d)^2 - sum E_d) / sum E_d^2.
 * But E_d comes from the profile fitted to the same days: with K weeks of data E_d is the
 * average of the K same weekdays, and the residuals shrink by (1 - 1/K), so that formula
 * underestimates cv^2 by a quarter with four weeks of data.  This function uses the same
 * moment equation with both sums replaced by their exact expectations for residuals from
 * the fitted profile (which tends to the formula above as K grows):
 *   cv^2 = (sum (N_d - E_d)^2 - A) / B,
 *   A = sum_g m_g (E_g - P_g),  B = sum_g m_g (E_g^2 - 2 E_g P_g + Q_g),
 * g a weekday with m_g complete days, E_g its expected daily count, P_g = sum over its
 * slots of mu_s / K_s (mu_s the expected count in a whole slot, K_s = exposure/slot_len)
 * and Q_g = sum over the days of weekday g in the span (partial ones too) of
 * (sum over observed slots of mu_s * observed fraction / K_s)^2.
 Uncertainty treats the residuals as Gaussian with their exact model covariance
 * (block-diagonal by weekday, equicorrelated within a block).  cv2_se is the delta-method
 * SE at max(cv2, 0), from Var(sum R^2) = 2 tr(Sigma^2).  The interval is not cv2 +- 1.96
 * SE: with a few weeks, sum R^2 has ~20 degrees of freedom and is skewed, and that
 * symmetric interval covered 0.2 only 88% of the time on simulated 4-week logs.  Instead
 * sum R^2 is approximated by a scaled chi-square with its mean and variance under a
 * given cv^2 (Satterthwaite), and the interval is the set of cv^2 >= 0 at which the
 * observed sum lies between that distribution's 2.5% and 97.5% points (test inversion),
 * square-rooted.  Simulated coverage: 0.950 on 4-week logs, 0.965 on a 2.5-week span cut
 * mid-day (3000 logs each).  It ignores the sampling error of the profile inside A and B
 * (second order).  When the estimate is 0 the interval starts at 0.
 *
 * @param t n arrival times, seconds since an epoch that is a Monday 00:00, each in
 *        [t0, t1); any order.
 * @param t0,t1 the observed span (t0 < t1, at most CS_FIT_MAX_DAYS days).  Arrivals are
 *        assumed recorded throughout it: a gap in the log would read as a quiet spell.
 * @param slot_len profile slot length in seconds; 0 = 3600 (hour of week).  Must divide a
 *        day into whole slots, and at most CS_FIT_MAX_SLOTS slots per week (>= 900 s).
 * @param out OUT.
 * @return CS_OK (also when the cv cannot be estimated: cv_ok = 0), CS_EINPUT. */
cs_status cs_fit_arrivals(const double *t, size_t n, double t0, double t1, double slot_len,
                          cs_fit_arrivals_result *out, cs_error *err);

/* The same fit from a stream of arrivals, in bounded memory (a log of any length): counts
 * per slot of the week and per calendar day are kept, nothing per call.  Arrivals may come
 * in any order within CS_FIT_MAX_DAYS days of the first one.  finish() takes the observed
 * span, typically the first and last day of the log, and is then cs_fit_arrivals. */
typedef struct cs_fit_arrivals_stream {
    double slot_len;
    size_t n_slots;
    double count[CS_FIT_MAX_SLOTS];
    double day_count[2 * CS_FIT_MAX_DAYS + 1];   /* indexed by day - day_origin */
    long long day_origin;
    double tmin, tmax;
    size_t n, n_outside;
} cs_fit_arrivals_stream;

cs_status cs_fit_arrivals_stream_init(cs_fit_arrivals_stream *st, double slot_len, cs_error *err);
void cs_fit_arrivals_stream_add(cs_fit_arrivals_stream *st, double t);
cs_status cs_fit_arrivals_finish(const cs_fit_arrivals_stream *st, double t0, double t1,
                                 cs_fit_arrivals_result *out, cs_error *err);

#endif
