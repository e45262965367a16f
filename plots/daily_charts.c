/* Charts by local day of the run: offered attempts and the share abandoned or cut off, with
 * their 95% confidence bands, on an axis of real dates when the scenario has a start date
 * (months labelled at their first day) and of weeks otherwise.  Drawn for runs that keep daily
 * counters (models/daily.h: more than a week measured) and at most 8 lines (the palette's
 * colours; a national run's totals are charted elsewhere). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/daily.h"
#include "plots/chart.h"
#include "plots/run_charts.h"

#define ALL_FORMATS (CS_CHART_PNG | CS_CHART_SVG | CS_CHART_PDF)
#define MAX_LINES 8
#define MAX_TICKS 64

static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

typedef struct axis {
    size_t n;
    double at[MAX_TICKS];
    char text[MAX_TICKS][32];
    const char *labels[MAX_TICKS];
    const char *title;
} axis;

/* Ticks at the first day of each month (dated, runs over 45 days), at each 7th day labelled
 * with its date (dated, shorter runs), or at each week (undated). */
static void make_axis(const cs_scn *s, size_t n_days, axis *a)
{
    a->n = 0;
    int months = s->clock.dated && n_days > 45;
    size_t step = !s->clock.dated && n_days > 7 * 20 ? 28 : 7;
    for (size_t d = 0; d <= n_days && a->n < MAX_TICKS; d++) {
        int put = 0;
        if (s->clock.dated) {
            int y, m, dd;
            cs_date_civil_from_days(s->clock.start_day + (long)d, &y, &m, &dd);
            if (months && dd == 1) {
                put = 1;
                if (m == 1 || a->n == 0) snprintf(a->text[a->n], sizeof a->text[a->n], "%s %d", month_abbr[m - 1], y);
                else snprintf(a->text[a->n], sizeof a->text[a->n], "%s", month_abbr[m - 1]);
            } else if (!months && d % 7 == 0) {
                put = 1;
                snprintf(a->text[a->n], sizeof a->text[a->n], "%d %s", dd, month_abbr[m - 1]);
            }
        } else if (d % step == 0) {
            put = 1;
            snprintf(a->text[a->n], sizeof a->text[a->n], "week %zu", d / 7 + 1);
        }
        if (!put) continue;
        a->at[a->n] = (double)d;
        a->labels[a->n] = a->text[a->n];
        a->n++;
    }
    a->title = s->clock.dated ? "Date (UK local time)" : "Day of the run";
}

static cs_status daily_chart(const cs_results *r, int dk, const char *file, const char *title,
                             const char *ylabel, const char *caption, cs_chart_path_fn *path, void *ud,
                             cs_chart_list *list, cs_error *err)
{
    const cs_scn *s = r->scn;
    size_t n_days = r->reps[0].n_days, n_lines = s->n_lines;
    double *buf = malloc(n_lines * n_days * 4 * sizeof *buf);
    cs_chart_series *ser = calloc(n_lines, sizeof *ser);
    char (*labels)[80] = calloc(n_lines, sizeof *labels);
    axis *ax = malloc(sizeof *ax);
    cs_status st = CS_OK;
    if (!buf || !ser || !labels || !ax) {
        st = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t l = 0; l < n_lines; l++) {
        double *x = buf + l * n_days * 4, *y = x + n_days, *lo = y + n_days, *hi = lo + n_days;
        for (size_t d = 0; d < n_days; d++) {
            double t0, t1, m, h;
            cs_daily_span(s, d, &t0, &t1);
            x[d] = (double)d + 0.5;
            if (t1 <= s->warmup) {   /* warm-up: not measured */
                y[d] = lo[d] = hi[d] = NAN;
                continue;
            }
            cs_daily_result(r, l, d, dk, &m, &h);
            y[d] = m;
            lo[d] = isfinite(h) ? m - h : m;
            hi[d] = isfinite(h) ? m + h : m;
            if (dk == CS_DK_ABANDON_RATE) {
                if (lo[d] < 0) lo[d] = 0;
                if (hi[d] > 1) hi[d] = 1;
            }
        }
        snprintf(labels[l], sizeof labels[l], "Line %s", s->lines[l].name);
        ser[l] = (cs_chart_series){labels[l], n_days, x, y, lo, hi, 0, 0, 0};
    }
    make_axis(s, n_days, ax);
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_LINE);
    ch.title = title;
    ch.subtitle = "Line = mean across replications, band = 95% confidence interval";
    ch.xlabel = ax->title;
    ch.ylabel = ylabel;
    ch.y_percent = dk == CS_DK_ABANDON_RATE;
    ch.ymin = 0;
    ch.xmin = 0;
    ch.xmax = (double)n_days;
    ch.xticks.n = ax->n;
    ch.xticks.at = ax->at;
    ch.xticks.labels = ax->labels;
    ch.series = ser;
    ch.n_series = n_lines;
    char base[1400];
    if (path(ud, file, base, sizeof base, err) != 0) {
        st = err->code ? err->code : CS_EIO;
        goto done;
    }
    st = cs_chart_render(&ch, base, ALL_FORMATS, err);
    if (st == CS_OK) st = cs_chart_list_add(list, file, title, caption, err);
done:
    free(buf);
    free(ser);
    free(labels);
    free(ax);
    return st;
}

cs_status cs_charts_daily(const cs_results *r, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                          cs_error *err)
{
    if (r->n_reps == 0 || r->reps[0].n_days == 0 || r->scn->n_lines > MAX_LINES) return CS_OK;
    cs_status st = daily_chart(r, CS_DK_OFFERED, "offered_by_date", "Calls offered, by day",
                               "Offered attempts per day",
                               "Call attempts offered on each day of the run (first attempts, redials and calls from "
                               "other lines), by the local day they arrived. The band is the 95% confidence interval "
                               "across replications.",
                               path, ud, list, err);
    if (st == CS_OK)
        st = daily_chart(r, CS_DK_ABANDON_RATE, "abandonment_by_date", "Calls abandoned or cut off, by day",
                         "Abandoned or cut off",
                         "The share of call attempts abandoned or cut off before contact on each day of the run, by "
                         "the local day they arrived. The band is the 95% confidence interval across replications.",
                         path, ud, list, err);
    return st;
}
