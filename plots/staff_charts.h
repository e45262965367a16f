/* The charts of the staffing planner (callsim staff), from plain arrays (prefix cs_charts_).
 *
 *   required_vs_rostered_<n>  per pool, over the week: the handlers needed on duty (the iterative
 *                             staffing algorithm's requirement, steps), the Erlang A estimate it
 *                             started from (dashed), the roster's expected handlers on duty
 *                             (after shrinkage and breaks) and the verification run's mean on
 *                             duty with its 95% band;
 *   cost_vs_abandonment       per line, the week's abandonment (mean and 95% CI of the
 *                             simulation of each roster) against the roster's paid cost or paid
 *                             hours per week, one point per budget: what each pound buys.
 * Like every chart they know nothing of simulations; the CLI maps the plan onto them. */
#ifndef CS_PLOTS_STAFF_CHARTS_H
#define CS_PLOTS_STAFF_CHARTS_H

#include <stddef.h>

#include "plots/run_charts.h"
#include "sim/status.h"

typedef struct cs_staff_pool_chart {
    size_t index;              /* 1-based number in the file name */
    const char *pool;          /* the pool's name */
    size_t n;                  /* intervals of the week */
    double interval;           /* seconds */
    const double *required;    /* [n] handlers needed on duty */
    const double *start;       /* [n] the Erlang A start (may be NULL) */
    const double *rostered;    /* [n] expected on duty of the roster */
    const double *on_duty, *on_duty_ci;   /* [n] simulated mean on duty and 95% half-width (may be NULL) */
} cs_staff_pool_chart;

cs_status cs_charts_staff_pool(const cs_staff_pool_chart *c, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                               cs_error *err);

typedef struct cs_staff_curve_chart {
    size_t n;                  /* budgets */
    const double *x;           /* [n] paid cost (or hours) per week of each roster */
    const char *xlabel;
    size_t n_lines;
    const char *const *lines;  /* [n_lines] names */
    const double *abandon, *abandon_ci;   /* [n_lines][n] weekly abandon_rate */
    double current_x;          /* the scenario's own roster, marked by a dashed line (NAN: none) */
} cs_staff_curve_chart;

cs_status cs_charts_staff_curve(const cs_staff_curve_chart *c, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                                cs_error *err);

#endif
