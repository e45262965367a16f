#include "plots/replay_charts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plots/chart.h"

#define ALL_FORMATS (CS_CHART_PNG | CS_CHART_SVG | CS_CHART_PDF)

static const char *const hour_labels[25] = {"00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
                                            "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24"};
static const double hour_ticks[25] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24};

static cs_status one(const cs_replay_hours *h, size_t li, int wait, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                     cs_error *err)
{
    double x[24];
    for (size_t i = 0; i < h->n; i++) x[i] = h->hour[i] + 0.5;   /* the middle of the hour */
    cs_chart_series s[2] = {
        {"Simulated (mean; band: 95% of single replications)", h->n, x, wait ? h->sim_w : h->sim_ab,
         wait ? h->lo_w : h->lo_ab, wait ? h->hi_w : h->hi_ab, 0, 0, 0},
        {"Observed in the log", h->n, x, wait ? h->obs_w : h->obs_ab, NULL, NULL, 0, 0, 0},
    };
    char title[150], sub[200], file[64];
    if (h->all)
        snprintf(title, sizeof title, "All lines: %s by hour, observed and simulated",
                 wait ? "mean wait" : "abandoned or cut off");
    else
        snprintf(title, sizeof title, "Line %s: %s by hour, observed and simulated", h->line,
                 wait ? "mean wait" : "abandoned or cut off");
    snprintf(sub, sizeof sub, "The log's calls replayed through the scenario; every day of the log pooled by hour");
    if (h->all) snprintf(file, sizeof file, "replay_%s_all", wait ? "wait" : "abandon");
    else snprintf(file, sizeof file, "replay_%s_line%zu", wait ? "wait" : "abandon", li + 1);
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_LINE);
    ch.title = title;
    ch.subtitle = sub;
    ch.xlabel = "Hour of day";
    ch.ylabel = wait ? "Mean wait of all attempts (s)" : "Share of attempts";
    ch.y_percent = !wait;
    ch.ymin = 0;
    ch.xmin = 0;
    ch.xmax = 24;
    ch.xticks = (cs_chart_ticks){25, hour_ticks, hour_labels};
    ch.series = s;
    ch.n_series = 2;
    char base[1400];
    if (path(ud, file, base, sizeof base, err) != 0) return err->code ? err->code : CS_EIO;
    cs_status st = cs_chart_render(&ch, base, ALL_FORMATS, err);
    if (st != CS_OK) return st;
    if (list->n == list->cap) {
        size_t cap = list->cap ? 2 * list->cap : 16;
        cs_chart_entry *it = realloc(list->items, cap * sizeof *it);
        if (!it) return cs_error_set(err, CS_ENOMEM, "out of memory");
        list->items = it;
        list->cap = cap;
    }
    cs_chart_entry *e = &list->items[list->n++];
    snprintf(e->file, sizeof e->file, "%s", file);
    snprintf(e->title, sizeof e->title, "%.150s", title);
    snprintf(e->caption, sizeof e->caption,
             "%s for calls to %s%s arriving in each hour of the day, over every day the log covers: the log's "
             "own value and the simulation's mean, whose shaded band is the range in which 95%% of single "
             "replications fall. An observed value outside the band is one the scenario does not reproduce.",
             wait ? "The mean wait of all attempts (answered or not)" : "The share of attempts abandoned or cut off",
             h->all ? "all lines" : "line ", h->all ? "" : h->line);
    return CS_OK;
}

cs_status cs_charts_replay(const cs_replay_hours *h, size_t n_lines, cs_chart_path_fn *path, void *ud,
                           cs_chart_list *list, cs_error *err)
{
    cs_status st = CS_OK;
    size_t li = 0;   /* numbers the lines' files 1, 2, ... whatever comes first */
    for (size_t l = 0; l < n_lines && st == CS_OK; l++) {
        size_t idx = h[l].all ? 0 : li++;
        if (h[l].n == 0) continue;
        st = one(&h[l], idx, 0, path, ud, list, err);
        if (st == CS_OK) st = one(&h[l], idx, 1, path, ud, list, err);
    }
    return st;
}
