#include "plots/run_charts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/need.h"
#include "plots/chart.h"
#include "sim/stat.h"

#define ALL_FORMATS (CS_CHART_PNG | CS_CHART_SVG | CS_CHART_PDF)

static const char *const day_names[8] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", ""};
static const double day_ticks[8] = {0, 24, 48, 72, 96, 120, 144, 168};

void cs_chart_list_free(cs_chart_list *l)
{
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

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
    snprintf(e->title, sizeof e->title, "%s", title);
    snprintf(e->caption, sizeof e->caption, "%s", caption);
    return CS_OK;
}

cs_status cs_chart_list_add(cs_chart_list *l, const char *file, const char *title, const char *caption,
                            cs_error *err)
{
    return add_entry(l, file, title, caption, err);
}

static cs_status emit(cs_chart *ch, const char *file, const char *caption, cs_chart_path_fn *path, void *ud,
                      cs_chart_list *list, cs_error *err)
{
    char base[1400];
    if (path(ud, file, base, sizeof base, err) != 0) return err->code ? err->code : CS_EIO;
    cs_status st = cs_chart_render(ch, base, ALL_FORMATS, err);
    if (st != CS_OK) return st;
    return add_entry(list, file, ch->title, caption, err);
}

/* Per-replication values of an interval KPI over a set of slots -> mean, lo, hi. */
static void band_line(const cs_results *r, size_t line, const size_t *slots, size_t n, int ik, double *m, double *lo,
                      double *hi)
{
    double mean, h;
    cs_results_line_slots(r, line, slots, n, ik, &mean, &h);
    *m = mean;
    *lo = isfinite(h) ? mean - h : mean;
    *hi = isfinite(h) ? mean + h : mean;
}

static void band_pool(const cs_results *r, size_t pool, const size_t *slots, size_t n, int ik, double *m, double *lo,
                      double *hi)
{
    double mean, h;
    cs_results_pool_slots(r, pool, slots, n, ik, &mean, &h);
    *m = mean;
    *lo = isfinite(h) ? mean - h : mean;
    *hi = isfinite(h) ? mean + h : mean;
}

static double clamp01(double x) { return x < 0 ? 0 : (x > 1 ? 1 : x); }

typedef struct week {
    size_t n;          /* slots in a week */
    double *x;         /* hours since Monday 00:00 at the middle of each slot */
    int *measured;     /* the slot was simulated after warm-up */
} week;

static int week_init(week *w, const cs_results *r)
{
    const cs_repstats *r0 = &r->reps[0];
    w->n = r0->n_slots;
    w->x = malloc(w->n * sizeof *w->x);
    w->measured = malloc(w->n * sizeof *w->measured);
    if (!w->x || !w->measured) return -1;
    for (size_t s = 0; s < w->n; s++) {
        w->x[s] = ((double)s + 0.5) * r0->interval / 3600.0;
        w->measured[s] = r0->slot_time[s] > 0;
    }
    return 0;
}

static void week_fini(week *w)
{
    free(w->x);
    free(w->measured);
}

static void week_axis(cs_chart *ch)
{
    ch->xticks.n = 8;
    ch->xticks.at = day_ticks;
    ch->xticks.labels = day_names;
    ch->xmin = 0;
    ch->xmax = 168;
    ch->xlabel = "Day of the week (intervals start Monday 00:00)";
}

/* ------------------------------------------------------------------------------------- */

static cs_status chart_abandon_by_hour(const cs_results *r, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                                       cs_error *err)
{
    const cs_scn *s = r->scn;
    const cs_repstats *r0 = &r->reps[0];
    size_t per_day = (size_t)llround(86400.0 / r0->interval), per_hour = (size_t)llround(3600.0 / r0->interval);
    if (per_hour == 0) per_hour = 1;
    size_t *slots = malloc(r0->n_slots * sizeof *slots);
    double *buf = malloc(s->n_lines * 24 * 4 * sizeof *buf);
    cs_chart_series *ser = calloc(s->n_lines, sizeof *ser);
    char (*labels)[80] = calloc(s->n_lines, sizeof *labels);
    cs_status st = CS_OK;
    if (!slots || !buf || !ser || !labels) {
        st = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t l = 0; l < s->n_lines; l++) {
        double *x = buf + l * 96, *y = x + 24, *lo = y + 24, *hi = lo + 24;
        for (size_t h = 0; h < 24; h++) {
            size_t n = 0;
            for (size_t sl = 0; sl < r0->n_slots; sl++)
                if ((sl % per_day) / per_hour == h && r0->slot_time[sl] > 0) slots[n++] = sl;
            x[h] = (double)h + 0.5;
            if (n == 0) {
                y[h] = lo[h] = hi[h] = NAN;
                continue;
            }
            band_line(r, l, slots, n, CS_IK_ABANDON_RATE, &y[h], &lo[h], &hi[h]);
            lo[h] = clamp01(lo[h]);
            hi[h] = clamp01(hi[h]);
        }
        snprintf(labels[l], sizeof labels[l], "Line %s", s->lines[l].name);
        ser[l] = (cs_chart_series){labels[l], 24, x, y, lo, hi, 0, 0, 0};
    }
    static const double hours[9] = {0, 3, 6, 9, 12, 15, 18, 21, 24};
    static const char *const hour_labels[9] = {"00:00", "03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00", "24:00"};
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_LINE);
    ch.title = "Calls abandoned or cut off, by hour of day";
    ch.subtitle = "Share of attempts that ended before contact; line = mean, band = 95% confidence interval";
    ch.xlabel = "Hour of day (all days pooled)";
    ch.ylabel = "Abandoned or cut off";
    ch.y_percent = 1;
    ch.ymin = 0;
    ch.series = ser;
    ch.n_series = s->n_lines;
    ch.xticks = (cs_chart_ticks){9, hours, hour_labels};
    ch.xmin = 0;
    ch.xmax = 24;
    st = emit(&ch, "abandonment_by_hour",
              "The share of call attempts abandoned (in the IVR or the queue) or cut off, for calls arriving in "
              "each hour of the day, all days of the simulated week pooled. The shaded band is the 95% confidence "
              "interval across replications.",
              path, ud, list, err);
done:
    free(slots);
    free(buf);
    free(ser);
    free(labels);
    return st;
}

static cs_status chart_abandon_by_day(const cs_results *r, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                                      cs_error *err)
{
    const cs_scn *s = r->scn;
    const cs_repstats *r0 = &r->reps[0];
    size_t per_day = (size_t)llround(86400.0 / r0->interval);
    double *buf = malloc(s->n_lines * 7 * 3 * sizeof *buf);
    cs_chart_series *ser = calloc(s->n_lines, sizeof *ser);
    char (*labels)[80] = calloc(s->n_lines, sizeof *labels);
    size_t *slots = malloc(per_day * sizeof *slots);
    cs_status st = CS_OK;
    if (!buf || !ser || !labels || !slots) {
        st = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t l = 0; l < s->n_lines; l++) {
        double *y = buf + l * 21, *lo = y + 7, *hi = lo + 7;
        for (size_t d = 0; d < 7; d++) {
            size_t n = 0;
            for (size_t k = 0; k < per_day; k++)
                if (r0->slot_time[d * per_day + k] > 0) slots[n++] = d * per_day + k;
            if (n == 0) {
                y[d] = lo[d] = hi[d] = NAN;
                continue;
            }
            band_line(r, l, slots, n, CS_IK_ABANDON_RATE, &y[d], &lo[d], &hi[d]);
            lo[d] = clamp01(lo[d]);
            hi[d] = clamp01(hi[d]);
        }
        snprintf(labels[l], sizeof labels[l], "Line %s", s->lines[l].name);
        ser[l] = (cs_chart_series){labels[l], 7, NULL, y, lo, hi, 0, 0, 0};
    }
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_GROUPED_BAR);
    ch.title = "Calls abandoned or cut off, by day of the week";
    ch.subtitle = "Bars = mean, whiskers = 95% confidence interval";
    ch.xlabel = "Day of the week";
    ch.ylabel = "Abandoned or cut off";
    ch.y_percent = 1;
    ch.ymin = 0;
    ch.series = ser;
    ch.n_series = s->n_lines;
    ch.categories = day_names;
    ch.n_categories = 7;
    st = emit(&ch, "abandonment_by_day",
              "The share of call attempts abandoned or cut off before contact, by the day the call arrived. "
              "Whiskers show the 95% confidence interval across replications.",
              path, ud, list, err);
done:
    free(buf);
    free(ser);
    free(labels);
    free(slots);
    return st;
}

static cs_status chart_service_level(const cs_results *r, size_t l, const week *w, cs_chart_path_fn *path, void *ud,
                                     cs_chart_list *list, cs_error *err)
{
    const cs_line *L = &r->scn->lines[l];
    double *buf = malloc(w->n * 3 * sizeof *buf);
    if (!buf) return cs_error_set(err, CS_ENOMEM, "out of memory");
    double *y = buf, *lo = y + w->n, *hi = lo + w->n;
    for (size_t s = 0; s < w->n; s++) {
        if (!w->measured[s]) {
            y[s] = lo[s] = hi[s] = NAN;
            continue;
        }
        band_line(r, l, &s, 1, CS_IK_SERVICE_LEVEL, &y[s], &lo[s], &hi[s]);
        lo[s] = clamp01(lo[s]);
        hi[s] = clamp01(hi[s]);
    }
    char title[160], sub[200], target[64], file[64], label[80], caption[512];
    snprintf(title, sizeof title, "Line %s: service level by %g-minute interval", L->name, r->reps[0].interval / 60);
    snprintf(sub, sizeof sub, "Share of calls answered within %g s; line = mean, band = 95%% confidence interval",
             L->target_within);
    snprintf(target, sizeof target, "Target %.0f%%", 100 * L->target_share);
    snprintf(file, sizeof file, "service_level_line%zu", l + 1);
    snprintf(label, sizeof label, "Answered within %g s", L->target_within);
    cs_chart_series ser = {label, w->n, w->x, y, lo, hi, 0, 0, 0};
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_LINE);
    ch.title = title;
    ch.subtitle = sub;
    ch.ylabel = "Service level";
    ch.y_percent = 1;
    ch.ymin = 0;
    ch.ymax = 1;
    ch.series = &ser;
    ch.n_series = 1;
    week_axis(&ch);
    ch.has_hline = L->target_share > 0;   /* a target on abandonment alone has no share */
    ch.hline = L->target_share;
    ch.hline_label = target;
    snprintf(caption, sizeof caption,
             "For each interval of the week, the share of calls to line %s arriving in that interval that were "
             "answered within %g seconds (abandoned calls count as not answered).",
             L->name, L->target_within);
    if (L->target_share > 0) {
        size_t o = strlen(caption);
        snprintf(caption + o, sizeof caption - o, " The dashed line is the target of %.0f%%.", 100 * L->target_share);
    }
    cs_status st = emit(&ch, file, caption, path, ud, list, err);
    free(buf);
    return st;
}

static cs_status chart_wait_cdf(const cs_results *r, size_t l, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                                cs_error *err)
{
    const cs_line *L = &r->scn->lines[l];
    enum { NP = 240 };
    double p99 = cs_hist_quantile(&r->wait[l], 0.99);
    double xmax = isfinite(p99) ? fmax(p99 * 1.15, 3 * L->target_within) : 3 * L->target_within;
    if (xmax <= 0) xmax = 60;
    int minutes = xmax > 600;
    double unit = minutes ? 60.0 : 1.0;
    double x[NP], y[NP], lo[NP], hi[NP];
    double *v = malloc(r->n_reps * sizeof *v);
    if (!v) return cs_error_set(err, CS_ENOMEM, "out of memory");
    for (int i = 0; i < NP; i++) {
        double t = xmax * i / (NP - 1);
        x[i] = t / unit;
        for (uint32_t k = 0; k < r->n_reps; k++) v[k] = cs_hist_cdf(&r->reps[k].wait[l], t);
        double m, h;
        cs_ci95(v, r->n_reps, &m, &h);
        y[i] = m;
        lo[i] = isfinite(h) ? clamp01(m - h) : m;
        hi[i] = isfinite(h) ? clamp01(m + h) : m;
    }
    free(v);
    char title[160], file[64], vlabel[64], caption[512], xlabel[64];
    snprintf(title, sizeof title, "Line %s: how long answered callers waited", L->name);
    snprintf(file, sizeof file, "wait_cdf_line%zu", l + 1);
    snprintf(vlabel, sizeof vlabel, "Target %g s", L->target_within);
    snprintf(xlabel, sizeof xlabel, "Wait before answer (%s)", minutes ? "minutes" : "seconds");
    cs_chart_series ser = {"Answered within the time on the axis", NP, x, y, lo, hi, 0, 0, 0};
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_LINE);
    ch.title = title;
    ch.subtitle = "Cumulative share of answered calls; band = 95% confidence interval";
    ch.xlabel = xlabel;
    ch.ylabel = "Share of answered calls";
    ch.y_percent = 1;
    ch.ymin = 0;
    ch.ymax = 1;
    ch.xmin = 0;
    ch.xmax = xmax / unit;
    ch.series = &ser;
    ch.n_series = 1;
    ch.has_vline = 1;
    ch.vline = L->target_within / unit;
    ch.vline_label = vlabel;
    snprintf(caption, sizeof caption,
             "The distribution of waiting times of answered calls to line %s: the curve at time t is the share of "
             "answered callers who waited t or less. The dashed line marks the %g-second target.",
             L->name, L->target_within);
    return emit(&ch, file, caption, path, ud, list, err);
}

static cs_status chart_demand_staffing(const cs_results *r, const week *w, cs_chart_path_fn *path, void *ud,
                                       cs_chart_list *list, cs_error *err)
{
    const cs_scn *s = r->scn;
    /* Lines, pools on duty, then each pool's "handlers needed" (models/need.h). */
    size_t ns = s->n_lines + 2 * s->n_pools;
    double *buf = malloc(ns * w->n * sizeof *buf);
    cs_chart_series *ser = calloc(ns, sizeof *ser);
    char (*labels)[96] = calloc(ns, sizeof *labels);
    if (!buf || !ser || !labels) {
        free(buf);
        free(ser);
        free(labels);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    double per_hour = 3600.0 / r->reps[0].interval;
    for (size_t l = 0; l < s->n_lines; l++) {
        double *y = buf + l * w->n;
        for (size_t k = 0; k < w->n; k++) {
            double m, h;
            if (!w->measured[k]) {
                y[k] = NAN;
                continue;
            }
            cs_results_line_slots(r, l, &k, 1, CS_IK_OFFERED, &m, &h);
            y[k] = m * per_hour;
        }
        snprintf(labels[l], sizeof labels[l], "Line %s calls per hour", s->lines[l].name);
        ser[l] = (cs_chart_series){labels[l], w->n, w->x, y, NULL, NULL, 0, 0, 0};
    }
    for (size_t p = 0; p < s->n_pools; p++) {
        double *y = buf + (s->n_lines + p) * w->n;
        for (size_t k = 0; k < w->n; k++) {
            double m, h;
            if (!w->measured[k]) {
                y[k] = NAN;
                continue;
            }
            cs_results_pool_slots(r, p, &k, 1, CS_IPK_ON_DUTY, &m, &h);
            y[k] = m;
        }
        snprintf(labels[s->n_lines + p], sizeof labels[0], "%s on duty", s->pools[p].name);
        ser[s->n_lines + p] = (cs_chart_series){labels[s->n_lines + p], w->n, w->x, y, NULL, NULL, 1, 1, 1};
    }
    /* The Erlang A requirement on the offered attempts the run measured: what a planner would
     * staff interval by interval for the lines' targets, so a reader sees the gap. */
    for (size_t p = 0; p < s->n_pools; p++) {
        size_t k = s->n_lines + s->n_pools + p;
        double *y = buf + k * w->n;
        cs_status st = cs_need_results(r, p, y, err);
        if (st != CS_OK) {
            free(buf);
            free(ser);
            free(labels);
            return st;
        }
        for (size_t i = 0; i < w->n; i++)
            if (!w->measured[i]) y[i] = NAN;
        snprintf(labels[k], sizeof labels[0], "%s needed (Erlang A estimate)", s->pools[p].name);
        ser[k] = (cs_chart_series){labels[k], w->n, w->x, y, NULL, NULL, 0, 1, 1};
    }
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_LINE);
    ch.title = "Demand against staffing over the week";
    ch.subtitle = "Offered attempts per hour (incl. redials); handlers on duty and needed (Erlang A)";
    ch.ylabel = "Calls offered per hour";
    ch.y2label = "Handlers on duty";
    ch.ymin = 0;
    ch.y2min = 0;
    ch.series = ser;
    ch.n_series = ns;
    week_axis(&ch);
    cs_status st = emit(&ch, "demand_vs_staffing",
                        "Calls offered to each line per hour (solid, left axis), including redials and calls spilling "
                        "over from another line, against the number of handlers on duty in each pool (dashed steps, "
                        "right axis), over the simulated week. Both are means across replications. The solid steps "
                        "on the right axis are the handlers each pool would need on duty for its lines' targets by "
                        "the Erlang A formula, interval by interval, on the calls offered: an estimate that ignores "
                        "calls carried over between intervals, priorities and redials (callsim staff simulates them).",
                        path, ud, list, err);
    free(buf);
    free(ser);
    free(labels);
    return st;
}

static cs_status chart_journey(const cs_results *r, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                               cs_error *err)
{
    const cs_scn *s = r->scn;
    enum { NO = 8 };
    static const char *const names[NO] = {"Answered", "Callback booked", "Deflected (online / other agency)",
                                          "Abandoned in IVR", "Abandoned in queue", "Cut off",
                                          "Gave up and rang another line", "Still waiting at the end"};
    double *y = calloc(NO * s->n_lines, sizeof *y);
    const char **cats = calloc(s->n_lines, sizeof *cats);
    char (*catbuf)[80] = calloc(s->n_lines, sizeof *catbuf);
    if (!y || !cats || !catbuf) {
        free(y);
        free(cats);
        free(catbuf);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    for (size_t l = 0; l < s->n_lines; l++) {
        double c[CS_LC_N] = {0};
        for (uint32_t i = 0; i < r->n_reps; i++) {
            const double *lc = cs_rs_line(&r->reps[i], l);
            for (int k = 0; k < CS_LC_N; k++) c[k] += lc[k] / r->n_reps;
        }
        y[0 * s->n_lines + l] = c[CS_LC_ANSWERED];
        y[1 * s->n_lines + l] = c[CS_LC_CALLBACK];
        y[2 * s->n_lines + l] = c[CS_LC_DEFLECTED];
        y[3 * s->n_lines + l] = c[CS_LC_ABANDONED_IVR] - c[CS_LC_SPILLED_IVR];
        y[4 * s->n_lines + l] = c[CS_LC_ABANDONED_QUEUE] - c[CS_LC_SPILLED_QUEUE];
        y[5 * s->n_lines + l] = c[CS_LC_CUT_OFF] - c[CS_LC_SPILLED_CUT];
        y[6 * s->n_lines + l] = c[CS_LC_SPILLED];
        y[7 * s->n_lines + l] = c[CS_LC_UNFINISHED];
        snprintf(catbuf[l], sizeof catbuf[l], "Line %s", s->lines[l].name);
        cats[l] = catbuf[l];
    }
    cs_chart_series ser[NO];
    size_t n = 0;
    for (int k = 0; k < NO; k++) {
        int any = 0;
        for (size_t l = 0; l < s->n_lines; l++)
            if (y[(size_t)k * s->n_lines + l] > 0) any = 1;
        if (!any) continue;   /* a category no line has would only clutter the legend */
        ser[n++] = (cs_chart_series){names[k], s->n_lines, NULL, y + (size_t)k * s->n_lines, NULL, NULL, 0, 0, 0};
    }
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_STACKED_BAR);
    ch.title = "The caller's journey: how attempts ended";
    ch.subtitle = "Share of offered attempts, mean across replications";
    ch.xlabel = "Line";
    ch.ylabel = "Share of attempts";
    ch.y_percent = 1;
    ch.stacked_percent = 1;
    ch.series = ser;
    ch.n_series = n;
    ch.categories = cats;
    ch.n_categories = s->n_lines;
    cs_status st = emit(&ch, "journey",
                        "How every call attempt to each line ended. Callers who abandoned or were cut off and then "
                        "rang another line instead are shown separately from those who gave up or redialled the "
                        "same line.",
                        path, ud, list, err);
    free(y);
    free(cats);
    free(catbuf);
    return st;
}

static cs_status chart_occupancy(const cs_results *r, const week *w, cs_chart_path_fn *path, void *ud,
                                 cs_chart_list *list, cs_error *err)
{
    const cs_scn *s = r->scn;
    if (s->n_pools == 0) return CS_OK;
    double *buf = malloc(s->n_pools * w->n * 3 * sizeof *buf);
    cs_chart_series *ser = calloc(s->n_pools, sizeof *ser);
    if (!buf || !ser) {
        free(buf);
        free(ser);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    for (size_t p = 0; p < s->n_pools; p++) {
        double *y = buf + p * 3 * w->n, *lo = y + w->n, *hi = lo + w->n;
        for (size_t k = 0; k < w->n; k++) {
            if (!w->measured[k]) {
                y[k] = lo[k] = hi[k] = NAN;
                continue;
            }
            band_pool(r, p, &k, 1, CS_IPK_OCCUPANCY, &y[k], &lo[k], &hi[k]);
            lo[k] = clamp01(lo[k]);
            hi[k] = clamp01(hi[k]);
        }
        ser[p] = (cs_chart_series){s->pools[p].name, w->n, w->x, y, lo, hi, 0, 0, 0};
    }
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_LINE);
    ch.title = "Handler occupancy by interval";
    ch.subtitle = "Share of on-duty handler time spent talking or on after-call work; band = 95% confidence interval";
    ch.ylabel = "Occupancy";
    ch.y_percent = 1;
    ch.ymin = 0;
    ch.ymax = 1;
    ch.series = ser;
    ch.n_series = s->n_pools;
    week_axis(&ch);
    cs_status st = emit(&ch, "occupancy",
                        "For each pool, the share of on-duty time that handlers spent on calls (talking or after-call "
                        "work) in each interval of the week. Sustained occupancy above about 85% usually means long "
                        "queues.",
                        path, ud, list, err);
    free(buf);
    free(ser);
    return st;
}

cs_status cs_charts_run(const cs_results *r, cs_chart_path_fn *path, void *ud, cs_chart_list *list, cs_error *err)
{
    if (r->n_reps == 0) return CS_OK;
    week w;
    if (week_init(&w, r) != 0) {
        week_fini(&w);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    cs_status st = chart_journey(r, path, ud, list, err);
    if (st == CS_OK) st = chart_abandon_by_hour(r, path, ud, list, err);
    if (st == CS_OK) st = chart_abandon_by_day(r, path, ud, list, err);
    for (size_t l = 0; st == CS_OK && l < r->scn->n_lines; l++) st = chart_service_level(r, l, &w, path, ud, list, err);
    for (size_t l = 0; st == CS_OK && l < r->scn->n_lines; l++) st = chart_wait_cdf(r, l, path, ud, list, err);
    if (st == CS_OK) st = chart_demand_staffing(r, &w, path, ud, list, err);
    if (st == CS_OK) st = chart_occupancy(r, &w, path, ud, list, err);
    if (st == CS_OK) st = cs_charts_daily(r, path, ud, list, err);
    week_fini(&w);
    return st;
}

/* ------------------------------------------------------------------------------------- compare */

cs_status cs_charts_compare(const cs_results *const *r, const char *const *names, size_t n, cs_chart_path_fn *path,
                            void *ud, cs_chart_list *list, cs_error *err)
{
    if (n == 0) return CS_OK;
    const cs_scn *s0 = r[0]->scn;
    static const struct {
        int kpi;
        const char *file, *title, *ylabel;
        int percent;
    } kpis[] = {
        {CS_LK_ABANDON_RATE, "compare_abandon_rate", "Calls abandoned or cut off, by scenario", "Abandoned or cut off", 1},
        {CS_LK_SERVICE_LEVEL, "compare_service_level", "Service level against each line's target, by scenario",
         "Answered within target time", 1},
        {CS_LK_ASA, "compare_asa", "Average speed of answer, by scenario", "Mean wait of answered calls (s)", 0},
        {CS_LK_NEVER_REACHED_RATE, "compare_never_reached", "Callers who never got through, by scenario",
         "Share of callers", 1},
    };
    size_t nl = s0->n_lines;
    double *buf = malloc(n * nl * 3 * sizeof *buf);
    cs_chart_series *ser = calloc(n, sizeof *ser);
    const char **cats = calloc(nl, sizeof *cats);
    char (*catbuf)[80] = calloc(nl, sizeof *catbuf);
    cs_status st = CS_OK;
    if (!buf || !ser || !cats || !catbuf) {
        st = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t l = 0; l < nl; l++) {
        snprintf(catbuf[l], sizeof catbuf[l], "Line %s", s0->lines[l].name);
        cats[l] = catbuf[l];
    }
    for (size_t k = 0; st == CS_OK && k < sizeof kpis / sizeof kpis[0]; k++) {
        for (size_t i = 0; i < n; i++) {
            double *y = buf + i * nl * 3, *lo = y + nl, *hi = lo + nl;
            for (size_t l = 0; l < nl; l++) {
                int li = l < r[i]->scn->n_lines ? (int)l : -1;
                if (li < 0 || strcmp(r[i]->scn->lines[l].name, s0->lines[l].name) != 0) {
                    y[l] = lo[l] = hi[l] = NAN;
                    continue;
                }
                double m, h;
                cs_results_line(r[i], l, kpis[k].kpi, &m, &h);
                y[l] = m;
                lo[l] = isfinite(h) ? m - h : m;
                hi[l] = isfinite(h) ? m + h : m;
                if (kpis[k].percent) {
                    lo[l] = clamp01(lo[l]);
                    hi[l] = clamp01(hi[l]);
                }
            }
            ser[i] = (cs_chart_series){names[i], nl, NULL, y, lo, hi, 0, 0, 0};
        }
        cs_chart ch;
        cs_chart_init(&ch, CS_CHART_GROUPED_BAR);
        ch.title = kpis[k].title;
        ch.subtitle = "Bars = mean across replications (common random numbers), whiskers = 95% confidence interval";
        ch.xlabel = "Line";
        ch.ylabel = kpis[k].ylabel;
        ch.y_percent = kpis[k].percent;
        ch.ymin = 0;
        ch.series = ser;
        ch.n_series = n;
        ch.categories = cats;
        ch.n_categories = nl;
        st = emit(&ch, kpis[k].file,
                  "Each scenario's value for every line, with its 95% confidence interval. Whether a difference "
                  "between scenarios is real is judged from the paired differences in the comparison table, which "
                  "are much tighter than these intervals because all scenarios share the same random callers.",
                  path, ud, list, err);
    }
done:
    free(buf);
    free(ser);
    free(cats);
    free(catbuf);
    return st;
}
