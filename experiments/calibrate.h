/* Calibration: the values of uncertain inputs that make simulated KPIs match published figures
 * (prefix cs_cal_).
 *
 * Concept.  k free inputs, each in a range [lo, hi], and m figures (a KPI and the value a force
 * published).  Every evaluation runs the scenario at the inputs tried, on common random numbers
 * (experiments/experiment.h): with the same callers at every evaluation, the simulated KPI is a
 * smooth-looking function of the inputs instead of a noisy one, so standard solvers work.
 *   - One input and one figure: GSL's Brent root finder on KPI(x) - figure over [lo, hi]; when
 *     the figure cannot be reached in the range, the bound that comes closest is taken and the
 *     result says so.
 *   - Otherwise: GSL's Nelder-Mead simplex (nmsimplex2) on the least-squares objective
 *     sum_j ((KPI_j(x) - figure_j) / s_j)^2, where s_j is the standard error of KPI j at the
 *     starting point (so a figure in seconds and one in percent weigh alike: each counts in its
 *     own simulation noise).  Inputs are mapped into their ranges by x = lo + (hi - lo)(1 + sin z)/2,
 *     so the simplex moves freely and never leaves the range.
 * Integer inputs (a headcount) are handled by interpolation: at x = 23.4 the scenario runs with
 * 23 and with 24 and each replication's KPI is 0.6 KPI(23) + 0.4 KPI(24), which keeps the
 * objective continuous; the fitted value may be fractional (it says where between two headcounts
 * the figure lies), and the nearest integer is what a runnable scenario gets (checked too).
 * Runs are cached by input values, so integer corners are run once.
 *
 * Uncertainty.  The fitted x is a function of the simulated KPIs, which carry simulation noise.
 * At the solution the Jacobian J of the KPIs (central differences, on common random numbers)
 * and the covariance C of the KPI means across replications give, to first order,
 *     Cov(x) = (J'WJ)^-1 J'W C W J (J'WJ)^-1,   W = diag(1/s_j^2),
 * reported as a 95% half-width (Student t, replications - 1).  It says how far the answer could
 * move with other random numbers; more replications shrink it.  It does not include doubt about
 * the model or about the published figures themselves.
 *
 * Warnings.  Fewer figures than free inputs: the figures cannot pin the inputs down (no
 * uncertainty is given, and the direction along which the inputs can move without changing the
 * figures is reported).  A flat direction (the smallest singular value of the range-scaled,
 * noise-weighted Jacobian under 1% of the largest, or a half-width over half an input's range):
 * some combination of the inputs is barely constrained.  A fitted value at a bound of its range.
 *
 * Predictions.  A KPI given with `watch` is not fitted: it is what the fitted inputs predict
 * (say, the abandonment that goes with a published wait).  Its CI includes the fit's own
 * uncertainty, to first order and with the common random numbers' correlation: per replication,
 * KPI_w - J_w B KPI_fitted, whose spread is that of the prediction.
 *
 * The builder (experiments/experiment.h) gets settings with text NULL and the number in x (the
 * CLI writes it in the unit the range was given in). */
#ifndef CS_EXPERIMENTS_CALIBRATE_H
#define CS_EXPERIMENTS_CALIBRATE_H

#include <stddef.h>

#include "experiments/experiment.h"

#define CS_CAL_MAX_FREE 6
#define CS_CAL_MAX_MATCH 12

typedef struct cs_cal_free {
    cs_exp_input in;     /* in.whole: an integer input */
    double lo, hi;       /* the range searched, lo < hi */
    double start;        /* where to start (NAN: the middle of the range) */
} cs_cal_free;

typedef struct cs_cal_match {
    cs_exp_kpi kpi;
    double target;       /* the published figure, in the KPI's units (s, fraction, count) */
    int watch;           /* 1: not fitted, only predicted at the fit (after every figure) */
} cs_cal_match;

/* Called after each evaluation (for a progress log): the inputs tried and the objective. */
typedef void cs_cal_log_fn(void *ud, int evaluation, const double *x, size_t k, double objective);

typedef struct cs_cal_opts {
    cs_exp_opts run;
    int max_iter;        /* solver iterations (0: 150) */
    cs_cal_log_fn *log;
    void *log_ud;
} cs_cal_opts;

enum { CS_CAL_ROOT = 1, CS_CAL_SIMPLEX = 2 };

typedef struct cs_cal_result {
    int method;                          /* CS_CAL_ROOT or CS_CAL_SIMPLEX */
    int converged;                       /* the solver met its tolerance */
    int iterations, runs;                /* solver iterations; scenarios run (cache misses) */
    double x[CS_CAL_MAX_FREE];           /* fitted inputs */
    double x_ci[CS_CAL_MAX_FREE];        /* 95% half-widths (NAN: not determined) */
    double xr[CS_CAL_MAX_FREE];          /* the inputs a runnable scenario gets (integers rounded) */
    double fit[CS_CAL_MAX_MATCH], fit_ci[CS_CAL_MAX_MATCH];     /* KPIs at x */
    double fitr[CS_CAL_MAX_MATCH], fitr_ci[CS_CAL_MAX_MATCH];   /* KPIs at xr */
    double scale[CS_CAL_MAX_MATCH];      /* s_j */
    double objective;                    /* at x */
    double jac[CS_CAL_MAX_MATCH][CS_CAL_MAX_FREE];   /* dKPI_j / dx_i at x */
    int underdetermined;                 /* fewer figures (not counting watched KPIs) than inputs */
    int flat;                            /* a direction the figures barely constrain */
    double flat_dir[CS_CAL_MAX_FREE];    /* that direction, in fractions of each range, unit length */
    double cond;                         /* smallest / largest singular value */
    int at_bound[CS_CAL_MAX_FREE];       /* -1 at lo, +1 at hi (within 0.5% of the range), 0 */
    int unreachable;                     /* root finding: no sign change over the range */
} cs_cal_result;

/** @brief Fits fr[0..k) to mt[0..m) (see the file comment).
 *  @return CS_OK (read the warnings in *res), the builder's CS_EINPUT, or a run error. */
cs_status cs_cal_run(const cs_cal_free *fr, size_t k, const cs_cal_match *mt, size_t m, const cs_scn *base,
                     cs_exp_build_fn *build, void *ud, const cs_cal_opts *opts, cs_cal_result *res, cs_error *err);

#endif
