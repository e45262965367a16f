/* Sweep and tornado charts.  See plots/whatif_charts.h. */
#include "plots/whatif_charts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plots/chart.h"

#define ALL_FORMATS (CS_CHART_PNG | CS_CHART_SVG | CS_CHART_PDF)

static cs_status add_entry(cs_chart_list *l, const char *file, const char *title, const char *caption, cs_error *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        cs_chart_entry *it = realloc(l->items, cap * sizeof *it);
        if (!it) return cs_error_set(err, CS_ENOMEM, "out of memory");
        l->items = it;
        l->cap = cap;
    }
    cs_chart_entry *e = &l->items[l->n++];
    snprintf(e->file, sizeof e->file, "%s", file);
    snprintf(e->title, sizeof e->title, "%s", title ? title : "");
    snprintf(e->caption, sizeof e->caption, "%s", caption ? caption : "");
    return CS_OK;
}

static cs_status emit(const cs_chart *ch, const char *file, const char *caption, cs_chart_path_fn *path, void *ud,
                      cs_chart_list *list, cs_error *err)
{
    char base[1400];
    if (path(ud, file, base, sizeof base, err) != 0) return err->code ? err->code : CS_EIO;
    cs_status st = cs_chart_render(ch, base, ALL_FORMATS, err);
    if (st != CS_OK) return st;
    return add_entry(list, file, ch->title, caption, err);
}

static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

cs_status cs_charts_sweep(const cs_sweep_chart *c, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                          cs_error *err)
{
    size_t nx = c->n_x, ns = c->n_series ? c->n_series : 1;
    double *lo = malloc(ns * nx * sizeof *lo), *hi = malloc(ns * nx * sizeof *hi);
    cs_chart_series *ser = calloc(ns, sizeof *ser);
    if (!lo || !hi || !ser) {
        free(lo);
        free(hi);
        free(ser);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    for (size_t s = 0; s < ns; s++) {
        for (size_t i = 0; i < nx; i++) {
            double m = c->mean[s * nx + i], h = c->ci[s * nx + i];
            lo[s * nx + i] = isfinite(h) ? m - h : m;
            hi[s * nx + i] = isfinite(h) ? m + h : m;
            if (c->percent) {
                lo[s * nx + i] = clamp01(lo[s * nx + i]);
                hi[s * nx + i] = clamp01(hi[s * nx + i]);
            } else if (lo[s * nx + i] < 0) {   /* KPIs are never negative */
                lo[s * nx + i] = 0;
            }
        }
        ser[s] = (cs_chart_series){c->series_labels ? c->series_labels[s] : NULL, nx, c->x, c->mean + s * nx,
                                   lo + s * nx, hi + s * nx, 0, 0, 0};
    }
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_LINE);
    ch.title = c->title;
    ch.subtitle = c->subtitle;
    ch.xlabel = c->xlabel;
    ch.ylabel = c->ylabel;
    ch.y_percent = c->percent;
    ch.series = ser;
    ch.n_series = ns;
    if (c->xlabels) {
        ch.xticks.n = nx;
        ch.xticks.at = c->x;
        ch.xticks.labels = c->xlabels;
    }
    /* A sweep is about how a KPI moves, often by a few percent of its level: the y axis spans
     * the data (on round numbers) instead of starting at zero, unless zero is close anyway. */
    double dlo = INFINITY, dhi = -INFINITY;
    for (size_t i = 0; i < ns * nx; i++) {
        if (isfinite(lo[i])) dlo = fmin(dlo, lo[i]);
        if (isfinite(hi[i])) dhi = fmax(dhi, hi[i]);
    }
    double span = dhi - dlo;
    if (isfinite(span) && span > 0 && dlo > 0 && dlo > 0.5 * span) {
        double raw = span / 4, mag = pow(10, floor(log10(raw))), st = mag;
        if (raw / mag > 5) st = 10 * mag;
        else if (raw / mag > 2) st = 5 * mag;
        else if (raw / mag > 1) st = 2 * mag;
        ch.ymin = floor((dlo - 0.1 * span) / st) * st;
        ch.ymax = ceil((dhi + 0.1 * span) / st) * st;
        if (ch.ymin < 0) ch.ymin = 0;
        if (c->percent && ch.ymax > 1) ch.ymax = 1;
        if (!(ch.ymax > ch.ymin)) ch.ymin = ch.ymax = NAN;
    }
    if (nx == 1) { /* one value: room around the point */
        ch.xmin = c->x[0] - 1;
        ch.xmax = c->x[0] + 1;
    }
    cs_status st = emit(&ch, c->file, c->caption, path, ud, list, err);
    free(lo);
    free(hi);
    free(ser);
    return st;
}

cs_status cs_charts_tornado(const cs_tornado_chart *c, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                            cs_error *err)
{
    size_t n = c->n;
    double *buf = malloc((n ? n : 1) * 4 * sizeof *buf);
    if (!buf) return cs_error_set(err, CS_ENOMEM, "out of memory");
    double *llo = buf, *lhi = buf + n, *hlo = buf + 2 * n, *hhi = buf + 3 * n;
    for (size_t i = 0; i < n; i++) {
        llo[i] = isfinite(c->low_ci[i]) ? c->low[i] - c->low_ci[i] : c->low[i];
        lhi[i] = isfinite(c->low_ci[i]) ? c->low[i] + c->low_ci[i] : c->low[i];
        hlo[i] = isfinite(c->high_ci[i]) ? c->high[i] - c->high_ci[i] : c->high[i];
        hhi[i] = isfinite(c->high_ci[i]) ? c->high[i] + c->high_ci[i] : c->high[i];
    }
    cs_chart_series ser[2] = {
        {"Input at its low value", n, NULL, c->low, llo, lhi, 0, 0, 0},
        {"Input at its high value", n, NULL, c->high, hlo, hhi, 0, 0, 0},
    };
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_HBAR);
    ch.title = c->title;
    ch.subtitle = c->subtitle;
    ch.xlabel = c->xlabel;
    ch.y_percent = c->percent;
    ch.series = ser;
    ch.n_series = 2;
    ch.categories = c->names;
    ch.n_categories = n;
    cs_status st = emit(&ch, c->file, c->caption, path, ud, list, err);
    free(buf);
    return st;
}
