/* The charts of a national run: see plots/national_charts.h. */
#include "plots/national_charts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plots/chart.h"

#define ALL_FORMATS (CS_CHART_PNG | CS_CHART_SVG | CS_CHART_PDF)

static double clamp01(double x) { return x < 0 ? 0 : (x > 1 ? 1 : x); }

/* File-name friendly form of a line name ("101" stays "101", "Crime line" -> "crime_line"). */
static void slug(char *out, size_t n, const char *s)
{
    size_t k = 0;
    for (; *s && k + 1 < n; s++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        out[k++] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_';
    }
    out[k] = '\0';
}

typedef struct ranked_kpi {
    int kpi;
    const char *stem;       /* file name: ranked_<stem>_<line> */
    const char *what;       /* "Abandoned or cut off" */
    int percent;
} ranked_kpi;

static const ranked_kpi ranked[] = {
    {CS_LK_ABANDON_RATE, "abandon_rate", "Calls abandoned or cut off", 1},
    {CS_LK_ANSWERED_WITHIN_SHARE, "answered_within", "Answered calls answered within target", 1},
    {CS_LK_ASA, "asa", "Average speed of answer", 0},
};

static cs_status chart_ranked(const cs_nat_results *r, size_t line, const ranked_kpi *rk, cs_chart_path_fn *path,
                              void *ud, cs_chart_list *list, cs_error *err)
{
    const cs_nat *n = r->nat;
    size_t nf = n->n_forces;
    size_t *order = malloc(nf * sizeof *order);
    double *buf = malloc(3 * nf * sizeof *buf);
    const char **cats = calloc(nf, sizeof *cats);
    cs_status st = CS_OK;
    if (!order || !buf || !cats) {
        st = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto done;
    }
    cs_nat_rank(r, line, rk->kpi, order);
    /* Forces without the line (or with no calls) rank last; leave them out of the chart. */
    size_t k = 0;
    double *y = buf, *lo = buf + nf, *hi = buf + 2 * nf;
    for (size_t i = 0; i < nf; i++) {
        size_t f = order[i];
        int fl = cs_nat_force_line(r, f, line);
        if (fl < 0) continue;
        double m, h;
        cs_results_line(r->force[f], (size_t)fl, rk->kpi, &m, &h);
        if (!isfinite(m)) continue;
        y[k] = m;
        lo[k] = isfinite(h) ? m - h : m;
        hi[k] = isfinite(h) ? m + h : m;
        if (rk->percent) {
            lo[k] = clamp01(lo[k]);
            hi[k] = clamp01(hi[k]);
        } else if (lo[k] < 0) {
            lo[k] = 0;
        }
        cats[k++] = n->forces[f].name;
    }
    if (k == 0) goto done;
    const char *lname = r->totals_scn->lines[line].name;
    double tm, th;
    cs_results_line(r->totals, line, rk->kpi, &tm, &th);
    char title[200], sub[200], hl[80], file[64], ls[40], cap[512], ylab[80];
    snprintf(title, sizeof title, "%s, line %s, by force", rk->what, lname);
    snprintf(sub, sizeof sub, "Worst to best; bars = mean across %u replications, whiskers = 95%% confidence interval",
             r->n_reps);
    if (rk->percent) snprintf(hl, sizeof hl, "All forces %.1f%%", 100 * tm);
    else snprintf(hl, sizeof hl, "All forces %.1f s", tm);
    slug(ls, sizeof ls, lname);
    snprintf(file, sizeof file, "ranked_%s_%.30s", rk->stem, ls);
    snprintf(ylab, sizeof ylab, "%s%s", rk->what, rk->percent ? "" : " (s)");
    snprintf(cap, sizeof cap,
             "%s on line %s in each force, ranked from worst to best, with the 95%% confidence interval of each "
             "force's value. The dashed line is the value for all forces together, computed from the forces' "
             "summed calls in each replication (not an average of the forces' rates).",
             rk->what, lname);
    cs_chart_series s = {rk->what, k, NULL, y, lo, hi, 0, 0, 0};
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_GROUPED_BAR);
    ch.title = title;
    ch.subtitle = sub;
    ch.xlabel = "Force";
    ch.ylabel = ylab;
    ch.y_percent = rk->percent;
    ch.ymin = 0;
    ch.series = &s;
    ch.n_series = 1;
    ch.categories = cats;
    ch.n_categories = k;
    if (isfinite(tm)) {
        ch.has_hline = 1;
        ch.hline = tm;
        ch.hline_label = hl;
    }
    char base[1400];
    if (path(ud, file, base, sizeof base, err) != 0) {
        st = err && err->code ? err->code : CS_EIO;
        goto done;
    }
    st = cs_chart_render(&ch, base, ALL_FORMATS, err);
    if (st == CS_OK) st = cs_chart_list_add(list, file, title, cap, err);
done:
    free(order);
    free(buf);
    free(cats);
    return st;
}

cs_status cs_charts_national(const cs_nat_results *r, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                             cs_error *err)
{
    if (r->n_reps == 0) return CS_OK;
    cs_status st = CS_OK;
    for (size_t l = 0; st == CS_OK && l < r->totals_scn->n_lines; l++)
        for (size_t k = 0; st == CS_OK && k < sizeof ranked / sizeof ranked[0]; k++)
            st = chart_ranked(r, l, &ranked[k], path, ud, list, err);
    if (st == CS_OK) st = cs_charts_run(r->totals, path, ud, list, err);
    return st;
}
