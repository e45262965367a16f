/* The staffing planner's charts.  See plots/staff_charts.h. */
#include "plots/staff_charts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plots/chart.h"

#define ALL_FORMATS (CS_CHART_PNG | CS_CHART_SVG | CS_CHART_PDF)

static const char *const day_names[8] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", ""};
static const double day_ticks[8] = {0, 24, 48, 72, 96, 120, 144, 168};

static cs_status emit(const cs_chart *ch, const char *file, const char *caption, cs_chart_path_fn *path, void *ud,
                      cs_chart_list *list, cs_error *err)
{
    char base[1400];
    if (path(ud, file, base, sizeof base, err) != 0) return err->code ? err->code : CS_EIO;
    cs_status st = cs_chart_render(ch, base, ALL_FORMATS, err);
    if (st != CS_OK) return st;
    return cs_chart_list_add(list, file, ch->title, caption, err);
}

cs_status cs_charts_staff_pool(const cs_staff_pool_chart *c, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                               cs_error *err)
{
    size_t n = c->n;
    double *buf = malloc((6 * n + 1) * sizeof *buf);
    if (!buf) return cs_error_set(err, CS_ENOMEM, "out of memory");
    double *x = buf, *lo = x + n, *hi = lo + n;
    for (size_t k = 0; k < n; k++) {
        x[k] = ((double)k + 0.5) * c->interval / 3600.0;
        if (c->on_duty) {
            double h = c->on_duty_ci && isfinite(c->on_duty_ci[k]) ? c->on_duty_ci[k] : 0;
            lo[k] = c->on_duty[k] - h;
            hi[k] = c->on_duty[k] + h;
            if (lo[k] < 0) lo[k] = 0;
        }
    }
    cs_chart_series ser[4];
    size_t ns = 0;
    ser[ns++] = (cs_chart_series){"Needed on duty (simulated requirement)", n, x, c->required, NULL, NULL, 0, 0, 1};
    if (c->start) ser[ns++] = (cs_chart_series){"Erlang A estimate it started from", n, x, c->start, NULL, NULL, 1, 0, 1};
    ser[ns++] = (cs_chart_series){"Rostered: expected on duty", n, x, c->rostered, NULL, NULL, 0, 0, 1};
    if (c->on_duty) ser[ns++] = (cs_chart_series){"On duty in the verification run (mean, 95% band)", n, x, c->on_duty, lo, hi, 1, 0, 0};
    char title[160], file[64], caption[700];
    snprintf(title, sizeof title, "%s: handlers needed and rostered", c->pool);
    snprintf(file, sizeof file, "required_vs_rostered_%zu", c->index);
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_LINE);
    ch.title = title;
    ch.subtitle = "Handlers on duty by interval of the week";
    ch.ylabel = "Handlers on duty";
    ch.ymin = 0;
    ch.series = ser;
    ch.n_series = ns;
    ch.xticks.n = 8;
    ch.xticks.at = day_ticks;
    ch.xticks.labels = day_names;
    ch.xmin = 0;
    ch.xmax = 168;
    ch.xlabel = "Day of the week (intervals start Monday 00:00)";
    snprintf(caption, sizeof caption,
             "Pool %s. Needed: the fewest handlers on duty in each interval with which every line the pool serves "
             "meets its targets there, found by simulating the week with that staffing and correcting it interval by "
             "interval until it no longer changes (the iterative staffing algorithm). Dashed steps: the Erlang A "
             "formula applied to each interval on its own, where the simulation started. Rostered: the handlers the "
             "chosen shifts put on duty on average, after absence (shrinkage) and breaks. The dashed line with its "
             "band is the mean on duty when that roster was simulated with people absent at random.",
             c->pool);
    cs_status st = emit(&ch, file, caption, path, ud, list, err);
    free(buf);
    return st;
}

static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

cs_status cs_charts_staff_curve(const cs_staff_curve_chart *c, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                                cs_error *err)
{
    size_t n = c->n, nl = c->n_lines;
    double *buf = malloc((2 * nl * n + 1) * sizeof *buf);
    cs_chart_series *ser = calloc(nl + 1, sizeof *ser);
    char (*labels)[96] = calloc(nl + 1, sizeof *labels);
    if (!buf || !ser || !labels) {
        free(buf);
        free(ser);
        free(labels);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    for (size_t l = 0; l < nl; l++) {
        double *lo = buf + 2 * l * n, *hi = lo + n;
        for (size_t i = 0; i < n; i++) {
            double m = c->abandon[l * n + i], h = c->abandon_ci[l * n + i];
            lo[i] = clamp01(isfinite(h) ? m - h : m);
            hi[i] = clamp01(isfinite(h) ? m + h : m);
        }
        snprintf(labels[l], sizeof labels[l], "Line %s abandoned or cut off", c->lines[l]);
        ser[l] = (cs_chart_series){labels[l], n, c->x, c->abandon + l * n, lo, hi, 0, 0, 0};
    }
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_LINE);
    ch.title = "What each budget buys: abandonment against the cost of the roster";
    ch.subtitle = "Best roster within each weekly budget, simulated: mean and 95% confidence band";
    ch.xlabel = c->xlabel;
    ch.ylabel = "Calls abandoned or cut off (week)";
    ch.y_percent = 1;
    ch.ymin = 0;
    ch.series = ser;
    ch.n_series = nl;
    if (isfinite(c->current_x)) {
        ch.has_vline = 1;
        ch.vline = c->current_x;
        ch.vline_label = "Current roster";
    }
    cs_status st = emit(&ch, "cost_vs_abandonment",
                        "Each point is the roster of allowed shifts that, within that weekly budget, keeps the week's "
                        "expected abandoned calls lowest, simulated with people absent at random: the share of calls "
                        "abandoned or cut off on each line over the week, with its 95% confidence band. The dashed "
                        "vertical line marks what the current roster costs. Moving right buys fewer lost callers; the "
                        "curve flattens where more staff stops helping.",
                        path, ud, list, err);
    free(buf);
    free(ser);
    free(labels);
    return st;
}
