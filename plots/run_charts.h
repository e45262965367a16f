/* The charts of a run (and of a comparison): results mapped onto plots/chart.h.
 *
 * Every chart is derived from the per-replication values in cs_results, so a band or a whisker
 * is the same 95% confidence interval that the tables print.  The functions do not choose
 * where files go: the caller's path function returns the path (without extension) for each
 * chart, so output folders can track what is written. */
#ifndef CS_RUN_CHARTS_H
#define CS_RUN_CHARTS_H

#include <stddef.h>

#include "models/kpi.h"
#include "sim/status.h"

/* Gives the full path base (no extension) for chart `file`; returns 0 or -1 on error. */
typedef int cs_chart_path_fn(void *ud, const char *file, char *out, size_t n, cs_error *err);

typedef struct cs_chart_entry {
    char file[64];
    char title[160];
    char caption[1024];
    size_t texts_shortened;  /* from cs_chart_render_info: text cut to fit (0 for a good chart) */
    size_t max_points;       /* the longest line series (a week hour by hour is 168) */
    int right_axis;          /* a second y axis was used */
} cs_chart_entry;

typedef struct cs_chart_list {
    cs_chart_entry *items;
    size_t n, cap;
} cs_chart_list;

void cs_chart_list_free(cs_chart_list *l);

/* Adds a chart to the list (for chart sets in other files). */
cs_status cs_chart_list_add(cs_chart_list *l, const char *file, const char *title, const char *caption,
                            cs_error *err);

/* Charts by local day of the run (runs measuring more than a week; plots/daily_charts.c). */
cs_status cs_charts_daily(const cs_results *r, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                          cs_error *err);

/* All charts of a run, in PNG, SVG and PDF. */
cs_status cs_charts_run(const cs_results *r, cs_chart_path_fn *path, void *ud, cs_chart_list *list, cs_error *err);

/* Comparison charts: KPIs per scenario as bars with 95% CI whiskers.  names[i] labels r[i]. */
cs_status cs_charts_compare(const cs_results *const *r, const char *const *names, size_t n, cs_chart_path_fn *path,
                            void *ud, cs_chart_list *list, cs_error *err);

#endif
