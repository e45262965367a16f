/* The charts of the what-if experiments (sweep, sensitivity), from plain arrays.
 *
 * A sweep chart shows one KPI against the value of the first varied input: a line per value of
 * the second input (or one line), each with its 95% confidence band (cut at 0, and at 100% for
 * shares: KPIs are never negative).  Its y axis spans the data rather than starting at zero,
 * because a sweep is about how a KPI moves, often by a few percent of its level.  A tornado chart shows,
 * for one KPI, how far each uncertain input moves it from the base when set to its low and to
 * its high value: one row per input, ranked (largest swing at the top), two bars per row with
 * the 95% CI of the paired difference as whiskers.  Both are drawn by plots/chart.h in PNG, SVG
 * and PDF, and registered in the chart list with a caption (run_charts.h), like the run charts.
 * Like every chart, they know nothing of simulations: the CLI maps results onto them. */
#ifndef CS_PLOTS_WHATIF_CHARTS_H
#define CS_PLOTS_WHATIF_CHARTS_H

#include <stddef.h>

#include "plots/run_charts.h"
#include "sim/status.h"

typedef struct cs_sweep_chart {
    const char *file;                    /* name without extension, e.g. "sweep_line1_asa" */
    const char *title, *subtitle, *xlabel, *ylabel, *caption;
    int percent;                         /* y values are shares (0..1) */
    size_t n_x;
    const double *x;                     /* [n_x] values of the first input */
    const char *const *xlabels;          /* NULL, or [n_x] labels for values that are texts */
    size_t n_series;                     /* one per value of the second input (or 1) */
    const char *const *series_labels;    /* [n_series], NULL for a single unlabelled series */
    const double *mean, *ci;             /* [n_series][n_x]: mean and 95% half-width */
} cs_sweep_chart;

cs_status cs_charts_sweep(const cs_sweep_chart *c, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                          cs_error *err);

typedef struct cs_tornado_chart {
    const char *file, *title, *subtitle, *xlabel, *caption;
    int percent;                         /* values are shares: differences in percentage points */
    size_t n;                            /* rows (inputs), already ranked, the largest first */
    const char *const *names;            /* [n] row labels */
    const double *low, *low_ci;          /* [n] KPI(low) - KPI(base) and its 95% half-width */
    const double *high, *high_ci;        /* [n] KPI(high) - KPI(base) */
} cs_tornado_chart;

cs_status cs_charts_tornado(const cs_tornado_chart *c, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                            cs_error *err);

#endif
