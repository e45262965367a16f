#include "plots/run_charts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/need.h"
#include "plots/chart.h"
#include "sim/stat.h"
#include "sim/text.h"

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
    memset(e, 0, sizeof *e);
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
    cs_chart_info info;
    cs_status st = cs_chart_render_info(ch, base, ALL_FORMATS, &info, err);
    if (st != CS_OK) return st;
    st = add_entry(list, file, ch->title, caption, err);
    if (st == CS_OK) {
        cs_chart_entry *e = &list->items[list->n - 1];
        e->texts_shortened = info.texts_shortened;
        e->max_points = info.max_points;
        e->right_axis = info.right_axis;
    }
    return st;
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

/* The week hour by hour: 15-minute detail over a week is 672 points per series, a tangle in a
 * chart half a page wide, so the week charts pool each hour's intervals (168 points). */
typedef struct week {
    size_t n;          /* hours in a week */
    double *x;         /* hours since Monday 00:00 at the middle of each hour */
    size_t *slots;     /* [n][per_hour] the measured intervals of each hour */
    size_t *n_slots;   /* [n] how many (0: the hour was not measured) */
    size_t per_hour;
} week;

static int week_init(week *w, const cs_results *r)
{
    const cs_repstats *r0 = &r->reps[0];
    memset(w, 0, sizeof *w);
    w->per_hour = r0->interval < 3600 ? (size_t)llround(3600.0 / r0->interval) : 1;
    if (w->per_hour < 1) w->per_hour = 1;
    w->n = (size_t)llround((double)r0->n_slots * r0->interval / 3600.0);
    if (w->n == 0) w->n = 1;
    w->x = malloc(w->n * sizeof *w->x);
    w->slots = malloc(w->n * w->per_hour * sizeof *w->slots);
    w->n_slots = calloc(w->n, sizeof *w->n_slots);
    if (!w->x || !w->slots || !w->n_slots) return -1;
    for (size_t h = 0; h < w->n; h++) w->x[h] = (double)h + 0.5;
    for (size_t s = 0; s < r0->n_slots; s++) {
        size_t h = (size_t)floor((double)s * r0->interval / 3600.0 + 1e-9);
        if (h >= w->n || !(r0->slot_time[s] > 0) || w->n_slots[h] >= w->per_hour) continue;
        w->slots[h * w->per_hour + w->n_slots[h]++] = s;
    }
    return 0;
}

static void week_fini(week *w)
{
    free(w->x);
    free(w->slots);
    free(w->n_slots);
}

static const size_t *hour_slots(const week *w, size_t h) { return w->slots + h * w->per_hour; }

/* The week's axis, cut to the whole days that were measured (a replayed weekend log shows its
 * Saturday and Sunday, not five empty weekdays). */
static void week_axis(cs_chart *ch, const week *w)
{
    ch->xticks.n = 8;
    ch->xticks.at = day_ticks;
    ch->xticks.labels = day_names;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t h = 0; h < w->n; h++)
        if (w->n_slots[h]) {
            if (w->x[h] < lo) lo = w->x[h];
            if (w->x[h] > hi) hi = w->x[h];
        }
    ch->xmin = isfinite(lo) ? 24 * floor(lo / 24) : 0;
    ch->xmax = isfinite(hi) ? 24 * ceil(hi / 24) : 168;
    if (!(ch->xmax > ch->xmin)) {
        ch->xmin = 0;
        ch->xmax = 168;
    }
    ch->xlabel = "Day of the week (hour by hour from Monday 00:00)";
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
    /* Only the days of the week that were measured (a weekend log replayed has two). */
    const char *cats[7];
    size_t days[7], nd = 0;
    for (size_t d = 0; d < 7; d++) {
        int any = 0;
        for (size_t k = 0; k < per_day; k++) any |= r0->slot_time[d * per_day + k] > 0;
        if (any) {
            days[nd] = d;
            cats[nd++] = day_names[d];
        }
    }
    for (size_t l = 0; l < s->n_lines; l++) {
        double *y = buf + l * 21, *lo = y + 7, *hi = lo + 7;
        for (size_t i = 0; i < nd; i++) {
            size_t d = days[i], n = 0;
            for (size_t k = 0; k < per_day; k++)
                if (r0->slot_time[d * per_day + k] > 0) slots[n++] = d * per_day + k;
            band_line(r, l, slots, n, CS_IK_ABANDON_RATE, &y[i], &lo[i], &hi[i]);
            lo[i] = clamp01(lo[i]);
            hi[i] = clamp01(hi[i]);
        }
        snprintf(labels[l], sizeof labels[l], "Line %s", s->lines[l].name);
        ser[l] = (cs_chart_series){labels[l], nd, NULL, y, lo, hi, 0, 0, 0};
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
    ch.categories = cats;
    ch.n_categories = nd;
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
    for (size_t h = 0; h < w->n; h++) {
        if (!w->n_slots[h]) {
            y[h] = lo[h] = hi[h] = NAN;
            continue;
        }
        band_line(r, l, hour_slots(w, h), w->n_slots[h], CS_IK_SERVICE_LEVEL, &y[h], &lo[h], &hi[h]);
        lo[h] = clamp01(lo[h]);
        hi[h] = clamp01(hi[h]);
    }
    char title[160], sub[200], target[64], file[64], label[80], caption[512];
    snprintf(title, sizeof title, "Line %s: calls answered within %g s, hour by hour", L->name, L->target_within);
    snprintf(sub, sizeof sub, "Each hour of the week; line = mean, band = 95%% confidence interval");
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
    week_axis(&ch, w);
    ch.has_hline = L->target_share > 0;   /* a target on abandonment alone has no share */
    ch.hline = L->target_share;
    ch.hline_label = target;
    snprintf(caption, sizeof caption,
             "For each hour of the week, the share of calls to line %s arriving in that hour that were answered "
             "within %g seconds (abandoned calls count as not answered).",
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

/* Demand and staffing as two charts on the same week axis (small multiples): calls offered
 * per hour by line, then handlers on duty by team.  One chart with two y axes made the reader
 * match two scales; two charts one above the other share the time axis and keep one scale
 * each.  The staffing chart is where a "handlers needed" line belongs. */
static cs_status chart_demand(const cs_results *r, const week *w, cs_chart_path_fn *path, void *ud,
                              cs_chart_list *list, cs_error *err)
{
    const cs_scn *s = r->scn;
    double *buf = malloc(s->n_lines * w->n * sizeof *buf);
    cs_chart_series *ser = calloc(s->n_lines, sizeof *ser);
    char (*labels)[96] = calloc(s->n_lines, sizeof *labels);
    if (!buf || !ser || !labels) {
        free(buf);
        free(ser);
        free(labels);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    double per_hour = 3600.0 / r->reps[0].interval;
    for (size_t l = 0; l < s->n_lines; l++) {
        double *y = buf + l * w->n;
        for (size_t h = 0; h < w->n; h++) {
            double m, ci;
            if (!w->n_slots[h]) {
                y[h] = NAN;
                continue;
            }
            cs_results_line_slots(r, l, hour_slots(w, h), w->n_slots[h], CS_IK_OFFERED, &m, &ci);
            y[h] = m * per_hour;
        }
        snprintf(labels[l], sizeof labels[l], "Line %s", s->lines[l].name);
        ser[l] = (cs_chart_series){labels[l], w->n, w->x, y, NULL, NULL, 0, 0, 0};
    }
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_LINE);
    ch.title = "Demand: calls offered per hour over the week";
    ch.subtitle = "Attempts per hour, redials and calls from other lines included; mean over replications";
    ch.ylabel = "Calls offered per hour";
    ch.ymin = 0;
    ch.series = ser;
    ch.n_series = s->n_lines;
    week_axis(&ch, w);
    cs_status st = emit(&ch, "demand",
                        "Calls offered to each line in each hour of the simulated week, including redials and calls "
                        "spilling over from another line (means across replications). The next chart shows the "
                        "handlers on duty on the same time axis.",
                        path, ud, list, err);
    free(buf);
    free(ser);
    free(labels);
    return st;
}

/* Handlers on duty by team, and each team's "handlers needed": the Erlang A requirement per
 * interval on the offered attempts the run measured (models/need.h), what a planner would staff
 * interval by interval for the lines' targets, so a reader sees the gap.  It is labelled as an
 * Erlang A estimate: callsim staff simulates what the formula leaves out. */
static cs_status chart_staffing(const cs_results *r, const week *w, cs_chart_path_fn *path, void *ud,
                                cs_chart_list *list, cs_error *err)
{
    const cs_scn *s = r->scn;
    if (s->n_pools == 0) return CS_OK;
    size_t ns = 2 * s->n_pools, n_slots = r->reps[0].n_slots;
    double *buf = malloc(ns * w->n * sizeof *buf), *need = malloc(n_slots * sizeof *need);
    cs_chart_series *ser = calloc(ns, sizeof *ser);
    char (*labels)[96] = calloc(ns, sizeof *labels);
    if (!buf || !need || !ser || !labels) {
        free(buf);
        free(need);
        free(ser);
        free(labels);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    cs_status st = CS_OK;
    for (size_t p = 0; p < s->n_pools; p++) {
        double *y = buf + p * w->n, *yn = buf + (s->n_pools + p) * w->n;
        st = cs_need_results(r, p, need, err);
        if (st != CS_OK) break;
        for (size_t h = 0; h < w->n; h++) {
            double m, ci;
            if (!w->n_slots[h]) {
                y[h] = yn[h] = NAN;
                continue;
            }
            cs_results_pool_slots(r, p, hour_slots(w, h), w->n_slots[h], CS_IPK_ON_DUTY, &m, &ci);
            y[h] = m;
            /* The hour's mean over its intervals, as on duty is. */
            double sum = 0;
            for (size_t i = 0; i < w->n_slots[h]; i++) sum += need[hour_slots(w, h)[i]];
            yn[h] = sum / (double)w->n_slots[h];
        }
        snprintf(labels[p], sizeof labels[p], "%s on duty", s->pools[p].name);
        ser[p] = (cs_chart_series){labels[p], w->n, w->x, y, NULL, NULL, 0, 0, 1};
        snprintf(labels[s->n_pools + p], sizeof labels[0], "%s needed (Erlang A estimate)", s->pools[p].name);
        ser[s->n_pools + p] = (cs_chart_series){labels[s->n_pools + p], w->n, w->x, yn, NULL, NULL, 1, 0, 1};
    }
    if (st == CS_OK) {
        cs_chart ch;
        cs_chart_init(&ch, CS_CHART_LINE);
        ch.title = "Staffing: handlers on duty and needed over the week";
        ch.subtitle = "On duty after leave, sickness and breaks (solid); needed by Erlang A (dashed); hourly means";
        ch.ylabel = "Handlers";
        ch.ymin = 0;
        ch.series = ser;
        ch.n_series = ns;
        week_axis(&ch, w);
        st = emit(&ch, "staffing",
                  "Handlers on duty in each team in each hour of the simulated week, after shrinkage (leave, "
                  "sickness, training) and breaks, as solid steps (means across replications), against the handlers "
                  "each team would need on duty for its lines' targets by the Erlang A formula, hour by hour, on the "
                  "calls offered (dashed steps). The dashed line is an approximation: it ignores calls carried over "
                  "between hours, priorities between lines and redials (callsim staff simulates them). Read it "
                  "against the demand chart above, which has the same time axis.",
                  path, ud, list, err);
    }
    free(buf);
    free(need);
    free(ser);
    free(labels);
    return st;
}

/* 101 -> 999: for each line that spills to another, by hour of the day (all days pooled), the
 * callers who gave up on it and rang the other line (by the hour they had rung it) and the
 * calls the other line received from them (by the hour they arrived there), each per hour of
 * an average day with its 95% interval. */
static cs_status chart_spillover(const cs_results *r, size_t l, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                                 cs_error *err)
{
    const cs_scn *s = r->scn;
    const cs_repstats *r0 = &r->reps[0];
    size_t t = (size_t)s->lines[l].spill.to_line;
    double *buf = malloc(24 * 7 * sizeof *buf), *v = malloc(r->n_reps * sizeof *v);
    if (!buf || !v) {
        free(buf);
        free(v);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    double *x = buf, *y[2] = {buf + 24, buf + 48}, *lo[2] = {buf + 72, buf + 96}, *hi[2] = {buf + 120, buf + 144};
    for (int k = 0; k < 2; k++) {
        size_t line = k == 0 ? l : t;
        int ic = k == 0 ? CS_IC_SPILLED : CS_IC_FROM_OTHER;
        for (size_t h = 0; h < 24; h++) {
            x[h] = (double)h + 0.5;
            for (uint32_t i = 0; i < r->n_reps; i++) {
                double count = 0, hours = 0;
                for (size_t sl = 0; sl < r0->n_slots; sl++) {
                    double at = fmod((double)sl * r0->interval, 86400.0);
                    if ((size_t)floor(at / 3600.0 + 1e-9) != h || !(r0->slot_time[sl] > 0)) continue;
                    count += cs_rs_line_slot_c(&r->reps[i], line, sl)[ic];
                    hours += r->reps[i].slot_time[sl] / 3600.0;
                }
                v[i] = hours > 0 ? count / hours : NAN;
            }
            double m, ci;
            cs_ci95(v, r->n_reps, &m, &ci);
            y[k][h] = m;
            lo[k][h] = isfinite(ci) ? fmax(m - ci, 0) : m;
            hi[k][h] = isfinite(ci) ? m + ci : m;
        }
    }
    char title[200], l0[200], l1[96], file[64], caption[1024];
    snprintf(title, sizeof title, "Failure on %s that reaches %s, by hour of day", s->lines[l].name, s->lines[t].name);
    snprintf(l0, sizeof l0, "%s callers who gave up and rang %s", s->lines[l].name, s->lines[t].name);
    snprintf(l1, sizeof l1, "%s calls from them", s->lines[t].name);
    snprintf(file, sizeof file, "spillover_line%zu", l + 1);
    cs_chart_series ser[2] = {{l0, 24, x, y[0], lo[0], hi[0], 0, 0, 0}, {l1, 24, x, y[1], lo[1], hi[1], 1, 0, 0}};
    static const double hours[9] = {0, 3, 6, 9, 12, 15, 18, 21, 24};
    static const char *const hour_labels[9] = {"00:00", "03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00", "24:00"};
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_LINE);
    ch.title = title;
    ch.subtitle = "Calls per hour on an average day; band = 95% confidence interval";
    ch.xlabel = "Hour of day (all days pooled)";
    ch.ylabel = "Calls per hour";
    ch.ymin = 0;
    ch.series = ser;
    ch.n_series = 2;
    ch.xticks = (cs_chart_ticks){9, hours, hour_labels};
    ch.xmin = 0;
    ch.xmax = 24;
    snprintf(caption, sizeof caption,
             "How many %s callers give up (hang up or are cut off) and ring %s instead, by the hour they rang %s "
             "(solid), and the %s calls they make, by the hour they reach %s (dashed): the extra load that "
             "failure on %s puts on %s, hour by hour, on an average day of the simulated period.",
             s->lines[l].name, s->lines[t].name, s->lines[l].name, s->lines[t].name, s->lines[t].name,
             s->lines[l].name, s->lines[t].name);
    cs_status st = emit(&ch, file, caption, path, ud, list, err);
    free(buf);
    free(v);
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

/* Occupancy by hour of the day, all days pooled: each team's daily rhythm at a glance (the
 * week hour by hour repeats it seven times over, and two teams' lines cross each other). */
static cs_status chart_occupancy(const cs_results *r, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                                 cs_error *err)
{
    const cs_scn *s = r->scn;
    if (s->n_pools == 0) return CS_OK;
    const cs_repstats *r0 = &r->reps[0];
    double *buf = malloc((24 + s->n_pools * 24 * 3) * sizeof *buf);
    size_t *slots = malloc(r0->n_slots * sizeof *slots);
    cs_chart_series *ser = calloc(s->n_pools, sizeof *ser);
    if (!buf || !ser || !slots) {
        free(buf);
        free(ser);
        free(slots);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    double *x = buf;
    for (size_t h = 0; h < 24; h++) x[h] = (double)h + 0.5;
    for (size_t p = 0; p < s->n_pools; p++) {
        double *y = buf + 24 + p * 72, *lo = y + 24, *hi = lo + 24;
        for (size_t h = 0; h < 24; h++) {
            size_t n = 0;
            for (size_t sl = 0; sl < r0->n_slots; sl++) {
                double at = fmod((double)sl * r0->interval, 86400.0);
                if ((size_t)floor(at / 3600.0 + 1e-9) == h && r0->slot_time[sl] > 0) slots[n++] = sl;
            }
            if (n == 0) {
                y[h] = lo[h] = hi[h] = NAN;
                continue;
            }
            band_pool(r, p, slots, n, CS_IPK_OCCUPANCY, &y[h], &lo[h], &hi[h]);
            lo[h] = clamp01(lo[h]);
            hi[h] = clamp01(hi[h]);
        }
        ser[p] = (cs_chart_series){s->pools[p].name, 24, x, y, lo, hi, 0, 0, 0};
    }
    static const double hours[9] = {0, 3, 6, 9, 12, 15, 18, 21, 24};
    static const char *const hour_labels[9] = {"00:00", "03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00", "24:00"};
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_LINE);
    ch.title = "Handler occupancy by hour of day";
    ch.subtitle = "Share of time on duty spent on calls; band = 95% confidence interval";
    ch.xlabel = "Hour of day (all days pooled)";
    ch.ylabel = "Occupancy";
    ch.y_percent = 1;
    ch.ymin = 0;
    ch.ymax = 1;
    ch.series = ser;
    ch.n_series = s->n_pools;
    ch.xticks = (cs_chart_ticks){9, hours, hour_labels};
    ch.xmin = 0;
    ch.xmax = 24;
    cs_status st = emit(&ch, "occupancy",
                        "For each team, the share of on-duty time that handlers spent on calls (talking or after-call "
                        "work) in each hour of the day, all days of the simulated period pooled. Sustained occupancy "
                        "above about 85% usually means long queues.",
                        path, ud, list, err);
    free(buf);
    free(ser);
    free(slots);
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
    for (size_t l = 0; st == CS_OK && l < r->scn->n_lines; l++)
        if (r->scn->lines[l].spill.to_line >= 0) st = chart_spillover(r, l, path, ud, list, err);
    if (st == CS_OK) st = chart_demand(r, &w, path, ud, list, err);
    if (st == CS_OK) st = chart_staffing(r, &w, path, ud, list, err);
    if (st == CS_OK) st = chart_occupancy(r, path, ud, list, err);
    if (st == CS_OK) st = cs_charts_daily(r, path, ud, list, err);
    week_fini(&w);
    return st;
}

/* ------------------------------------------------------------------------------------- compare */

/* One chart per KPI with the scenarios side by side (categories) and one bar per line: the
 * scenarios are named under their bars instead of in a legend of five or more entries, and the
 * legend holds only the lines. */
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
        {CS_LK_SERVICE_LEVEL, "compare_service_level", "Answered within each line's target time, by scenario",
         "Answered within target time", 1},
        {CS_LK_ASA, "compare_asa", "Average wait to be answered, by scenario", "Mean wait of answered calls (s)", 0},
        {CS_LK_NEVER_REACHED_RATE, "compare_never_reached", "Callers who never got through, by scenario",
         "Share of callers", 1},
    };
    size_t nl = s0->n_lines < 8 ? s0->n_lines : 8;   /* bars of more lines could not be told apart */
    /* Names that fit under their bars are shown there; longer ones would be cut, so the bars are
     * numbered and the caption says which is which. */
    int numbered = 0;
    for (size_t i = 0; i < n; i++)
        if (strlen(names[i]) > 24) numbered = 1;
    const char **cats = calloc(n, sizeof *cats);
    char (*nums)[24] = calloc(n, sizeof *nums);
    char key[700] = "";
    size_t kl = 0;
    for (size_t i = 0; cats && nums && i < n; i++) {
        snprintf(nums[i], sizeof nums[i], "[%zu]", i + 1);
        cats[i] = numbered ? nums[i] : names[i];
        if (numbered) cs_text_appendf(key, sizeof key, &kl, "%s%s", i ? "; " : " Scenarios: ", names[i]);
    }
    if (numbered && kl >= sizeof key - 1) snprintf(key, sizeof key, " Scenarios are numbered as in the tables.");
    else if (numbered) cs_text_appendf(key, sizeof key, &kl, ".");
    double *buf = malloc(n * nl * 3 * sizeof *buf);
    cs_chart_series *ser = calloc(nl ? nl : 1, sizeof *ser);
    char (*labels)[80] = calloc(nl ? nl : 1, sizeof *labels);
    cs_status st = CS_OK;
    if (!buf || !ser || !labels || !cats || !nums) {
        st = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t l = 0; l < nl; l++) snprintf(labels[l], sizeof labels[l], "Line %s", s0->lines[l].name);
    for (size_t k = 0; st == CS_OK && k < sizeof kpis / sizeof kpis[0]; k++) {
        for (size_t l = 0; l < nl; l++) {
            double *y = buf + l * n * 3, *lo = y + n, *hi = lo + n;
            for (size_t i = 0; i < n; i++) {
                int li = cs_scn_line_index(r[i]->scn, s0->lines[l].name);
                if (li < 0) {
                    y[i] = lo[i] = hi[i] = NAN;
                    continue;
                }
                double m, h;
                cs_results_line(r[i], (size_t)li, kpis[k].kpi, &m, &h);
                y[i] = m;
                lo[i] = isfinite(h) ? m - h : m;
                hi[i] = isfinite(h) ? m + h : m;
                if (kpis[k].percent) {
                    lo[i] = clamp01(lo[i]);
                    hi[i] = clamp01(hi[i]);
                }
            }
            ser[l] = (cs_chart_series){labels[l], n, NULL, y, lo, hi, 0, 0, 0};
        }
        cs_chart ch;
        cs_chart_init(&ch, CS_CHART_GROUPED_BAR);
        ch.title = kpis[k].title;
        ch.subtitle = "Bars = mean across replications (common random numbers), whiskers = 95% confidence interval";
        ch.xlabel = "Scenario";
        ch.ylabel = kpis[k].ylabel;
        ch.y_percent = kpis[k].percent;
        ch.ymin = 0;
        ch.series = ser;
        ch.n_series = nl;
        ch.categories = cats;
        ch.n_categories = n;
        char caption[1024];
        snprintf(caption, sizeof caption,
                 "Each scenario's value for every line, with its 95%% confidence interval. Whether a difference "
                 "between scenarios is real is judged from the paired differences in the comparison table, which "
                 "are much tighter than these intervals because all scenarios share the same random callers.%s",
                 key);
        st = emit(&ch, kpis[k].file, caption, path, ud, list, err);
    }
done:
    free(buf);
    free(ser);
    free(labels);
    free(cats);
    free(nums);
    return st;
}
