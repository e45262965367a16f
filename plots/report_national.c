/* The HTML report of a national run ("kind": "national" in summary.json): what the totals are,
 * and every force in rank order with its main measures per line.  The headline, charts and full
 * tables of the report show the national totals (report.c points them at summary.json's
 * "totals"); this file adds the section only a national run has.  See plots/report_int.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plots/report_int.h"

static const struct {
    const char *key, *head;
    int unit;
} cols[] = {
    {"offered", "Calls", U_COUNT},
    {"abandon_rate", "Abandoned or cut off", U_SHARE},
    {"answered_within_share", "Of calls answered, answered within target", U_SHARE},
    {"asa", "Average wait to answer", U_TIME},
};
#define N_COLS (sizeof cols / sizeof cols[0])

static int higher_better(const char *kpi)
{
    const cs_kpi_def *d = cs_kpi_find(CS_KPI_SCOPE_LINE, kpi);   /* the catalogue's direction */
    return d && d->better > 0;
}

static double kpi_mean(const cs_json *lines, const char *line, const char *kpi)
{
    return csi_rep_jnum(cs_json_get(cs_json_get(lines, line), kpi), "mean");
}

typedef struct rk {
    double v;
    size_t i;
} rk;

static int cmp_rk(const void *a, const void *b)
{
    const rk *x = a, *y = b;
    int nx = isnan(x->v), ny = isnan(y->v);
    if (nx != ny) return nx - ny;
    if (!nx && x->v != y->v) return x->v > y->v ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static void cell(cs_text_buf *b, const cs_json *kpis, const char *key, int unit)
{
    const cs_json *v = cs_json_get(kpis, key);
    double m = csi_rep_jnum(v, "mean"), h = csi_rep_jnum(v, "ci95");
    cs_text_puts(b, "<td class=\"res\">");
    if (!isfinite(m)) {
        cs_text_puts(b, "<span class=\"na\">&ndash;</span></td>");
        return;
    }
    int dec = csi_rep_decimals_for(unit, m, 0);
    char t[64], lo[64], hi[64];
    csi_rep_fmt_val(t, sizeof t, unit, m, dec, 0);
    csi_rep_hf(b, "<span class=\"m\">%s</span>", t);
    if (isfinite(h) && unit != U_COUNT) {
        double l, u;
        csi_rep_interval(unit, m, h, &l, &u);
        csi_rep_fmt_val(lo, sizeof lo, unit, l, dec, 0);
        csi_rep_fmt_val(hi, sizeof hi, unit, u, dec, 0);
        csi_rep_hf(b, " <span class=\"ci\">(%s&ndash;%s)</span>", lo, hi);
    }
    cs_text_puts(b, "</td>");
}

static void count_row(cs_text_buf *b, const char *label, const cs_json *kpis, const char *key)
{
    csi_rep_hf(b, "<tr><th scope=\"row\">%s</th>", label);
    const cs_json *v = cs_json_get(kpis, key);
    double m = csi_rep_jnum(v, "mean"), h = csi_rep_jnum(v, "ci95");
    char t[64], lo[64], hi[64];
    if (!isfinite(m)) {
        cs_text_puts(b, "<td class=\"res\"><span class=\"na\">not defined</span></td></tr>\n");
        return;
    }
    csi_rep_fmt_val(t, sizeof t, U_COUNT, m, 0, 0);
    csi_rep_hf(b, "<td class=\"res\"><span class=\"m\">%s</span>", t);
    if (isfinite(h)) {
        double l, u;
        csi_rep_interval(U_COUNT, m, h, &l, &u);
        csi_rep_fmt_val(lo, sizeof lo, U_COUNT, l, 0, 0);
        csi_rep_fmt_val(hi, sizeof hi, U_COUNT, u, 0, 0);
        csi_rep_hf(b, " <span class=\"ci\">(%s to %s)</span>", lo, hi);
    }
    cs_text_puts(b, "</td></tr>\n");
}

/* Lines whose callers give up and ring another (101 -> 999): lost attempts, the callers
 * behind them and what reached the other line, nationally. */
static void spill_section(report *r, const cs_json *totals, const char *per)
{
    cs_text_buf *b = &r->out;
    const cs_json *rlines = cs_json_get(r->sc[0].resolved, "lines");
    for (size_t l = 0; l < cs_json_size(totals); l++) {
        const char *line = cs_json_member_key(totals, l);
        const char *to = csi_rep_jstr(cs_json_get(csi_rep_find_named(rlines, line), "spillover"), "to");
        if (!to || !cs_json_get(totals, to)) continue;
        const cs_json *L = cs_json_get(totals, line), *T = cs_json_get(totals, to);
        csi_rep_hf(b, "<h3>Calls lost on line %s, and what reached line %s</h3>\n", line, to);
        csi_rep_hf(b, "<p>All forces together, %s. A caller who hangs up or is cut off may try again, ring %s "
                      "instead or give up; the second figure counts each such caller once, however many of their "
                      "attempts were lost.</p>\n", per, to);
        cs_text_puts(b, "<table class=\"kpi headline single\">\n<thead><tr><th scope=\"col\">Measure</th>"
                           "<th scope=\"col\" class=\"res\">Average (95% interval)</th></tr></thead>\n<tbody>\n");
        char lab[200];
        snprintf(lab, sizeof lab, "Line %s calls abandoned or cut off before contact", line);
        count_row(b, lab, L, "lost");
        count_row(b, "Different callers behind them", L, "callers_lost");
        count_row(b, "Of all its callers, never reached by anyone on any line", L, "callers_never_reached");
        snprintf(lab, sizeof lab, "Callers who then rang %s", to);
        count_row(b, lab, L, "spilled_to_999");
        snprintf(lab, sizeof lab, "Callers answered on %s after giving up on another line", to);
        count_row(b, lab, T, "from_101_answered");
        snprintf(lab, sizeof lab, "Extra callers on %s from other lines", to);
        count_row(b, lab, T, "from_101");
        cs_text_puts(b, "</tbody>\n</table>\n");
    }
}

void csi_rep_national(report *r)
{
    cs_text_buf *b = &r->out;
    const cs_json *S = r->summary;
    const cs_json *forces = cs_json_get(S, "forces");
    const cs_json *totals = cs_json_get(cs_json_get(S, "totals"), "lines");
    size_t nf = cs_json_size(forces);
    const cs_json *rb = cs_json_get(S, "rank_by");
    const char *rline = csi_rep_jstr(rb, "line"), *rkpi = csi_rep_jstr(rb, "kpi");
    if (!rkpi) rkpi = "abandon_rate";
    char per[64];
    csi_rep_period_phrase(r, per, sizeof per);
    cs_text_puts(b, "<section class=\"forces\" id=\"forces\">\n<h2>Forces</h2>\n");
    csi_rep_hf(b, "<p>This run covers <b>%d forces</b>, each simulated from its own scenario file (its lines, "
                  "staff and rosters; the files are in the <code>forces/</code> folder of the results) with its own "
                  "random numbers. The headline results, charts and full tables of this report are the "
                  "<b>national totals</b>: in each replication the forces&rsquo; calls are added up line by line "
                  "and the rates are worked out from those sums, so a national rate weighs each force by its "
                  "calls and its interval reflects the variation of the national figure itself. Counts are "
                  "%s; over a one-year run they are annual figures.</p>\n", (int)nf, per);
    spill_section(r, totals, per);
    if (nf == 0 || !rline) {
        cs_text_puts(b, "</section>\n");
        return;
    }
    rk *order = malloc(nf * sizeof *order);
    if (!order) {
        b->oom = 1;
        return;
    }
    double sign = higher_better(rkpi) ? -1 : 1;
    for (size_t i = 0; i < nf; i++) {
        double m = kpi_mean(cs_json_get(cs_json_member_value(forces, i), "lines"), rline, rkpi);
        order[i].v = isfinite(m) ? sign * m : NAN;
        order[i].i = i;
    }
    qsort(order, nf, sizeof *order, cmp_rk);
    csi_rep_hf(b, "<p>Forces are ranked by <b>%s</b> on line %s, %s first. Each value is the average across "
                  "replications with its 95%% interval in brackets; a dash means the force has no such line or "
                  "no calls.</p>\n", rkpi, rline, higher_better(rkpi) ? "lowest" : "highest");
    /* Lines in the order of the totals. */
    size_t nl = cs_json_size(totals);
    for (size_t l = 0; l < nl; l++) {
        const char *line = cs_json_member_key(totals, l);
        cs_text_puts(b, "<h3>");
        csi_rep_line_title(b, line);
        cs_text_puts(b, "</h3>\n<table class=\"kpi forces\">\n<thead><tr><th scope=\"col\">#</th>"
                           "<th scope=\"col\">Force</th>");
        for (size_t c = 0; c < N_COLS; c++) csi_rep_hf(b, "<th scope=\"col\" class=\"res\">%s</th>", cols[c].head);
        cs_text_puts(b, "</tr></thead>\n<tbody>\n");
        for (size_t k = 0; k < nf; k++) {
            const cs_json *F = cs_json_member_value(forces, order[k].i);
            const cs_json *L = cs_json_get(cs_json_get(F, "lines"), line);
            csi_rep_hf(b, "<tr><td>%d</td><th scope=\"row\">", (int)k + 1);
            csi_rep_esc(b, cs_json_member_key(forces, order[k].i));
            cs_text_puts(b, "</th>");
            for (size_t c = 0; c < N_COLS; c++) cell(b, L, cols[c].key, cols[c].unit);
            cs_text_puts(b, "</tr>\n");
        }
        cs_text_puts(b, "<tr class=\"total\"><td></td><th scope=\"row\">All forces</th>");
        for (size_t c = 0; c < N_COLS; c++) cell(b, cs_json_get(totals, line), cols[c].key, cols[c].unit);
        cs_text_puts(b, "</tr>\n</tbody>\n</table>\n");
    }
    free(order);
    cs_text_puts(b, "</section>\n");
}
