/* The HTML report: KPI labels, the headline tables and the full tables (see
 * plots/report_int.h). */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plots/report_int.h"

/* Scenario columns per comparison table: base + 2 variants fit the width of an A4 page with
 * each cell's value, interval and difference (a fourth column pushed the 101 table past the
 * page edge). */
#define MAX_COLS 3

/* ------------------------------------------------------------------------------------------
 * KPIs: the catalogue of models/kpi.h (labels, print rules, which feature makes a row
 * meaningful, which direction is better); a key it does not know (a newer callsim's) takes its
 * label from the folder's own "kpi_catalogue" when summary.json has one.
 * ---------------------------------------------------------------------------------------- */

static const cs_kpi_def *kpi_def(const report *r, int pool, const char *key, cs_kpi_def *buf)
{
    const cs_kpi_def *d = cs_kpi_find(pool ? CS_KPI_SCOPE_POOL : CS_KPI_SCOPE_LINE, key);
    if (d) return d;
    const cs_json *e = cs_json_get(cs_json_get(cs_json_get(r->summary, "kpi_catalogue"), pool ? "pools" : "lines"), key);
    memset(buf, 0, sizeof *buf);
    buf->name = key;
    buf->label = csi_rep_jstr(e, "label") ? csi_rep_jstr(e, "label") : key;
    buf->unit = csi_rep_jstr(e, "unit") ? csi_rep_jstr(e, "unit") : "calls";
    buf->meaning = csi_rep_jstr(e, "meaning");
    buf->better = csi_rep_jstreq(e, "better", "higher") ? 1 : csi_rep_jstreq(e, "better", "lower") ? -1 : 0;
    return buf;
}

/* ------------------------------------------------------------------------------------------
 * What each line of a scenario uses, so that rows that mean nothing there are left out
 * ---------------------------------------------------------------------------------------- */


feat csi_rep_line_feat(const scen *s, const char *line)
{
    feat f;
    memset(&f, 0, sizeof f);
    f.target_s = f.target_share = f.cb_deadline = f.max_abandon = NAN;
    const cs_json *lines = cs_json_get(s->resolved, "lines");
    const cs_json *L = csi_rep_find_named(lines, line);
    if (!L) {
        /* Nothing to go by: show every row rather than hide one that matters. */
        f.ivr = f.cb = f.redial = f.spill = f.spill_in = f.xfer = f.cutoff = f.ringback = 1;
        return f;
    }
    f.known = 1;
    f.ivr = cs_json_get(L, "ivr") != NULL;
    f.cb = cs_json_get(L, "callback") != NULL;
    f.cb_deadline = csi_rep_jnum(cs_json_get(L, "callback"), "deadline_s");
    f.redial = cs_json_get(L, "redial") != NULL;
    f.ringback = cs_json_get(L, "ringback") != NULL;
    const cs_json *sp = cs_json_get(L, "spillover");
    f.spill = sp != NULL;
    f.spill_to = csi_rep_jstr(sp, "to");
    for (size_t i = 0; i < cs_json_size(lines); i++)
        if (csi_rep_jstreq(cs_json_get(cs_json_at(lines, i), "spillover"), "to", line)) f.spill_in = 1;
    const cs_json *queues = cs_json_get(s->resolved, "queues");
    int several = 0;
    for (size_t i = 0; i < cs_json_size(queues); i++) {
        const cs_json *q = cs_json_at(queues, i);
        const char *to = csi_rep_jstr(cs_json_get(q, "transfer"), "queue");
        if (!csi_rep_jstreq(q, "line", line) || !to) continue;
        if (f.xfer_to && strcmp(f.xfer_to, to) != 0) several = 1;
        f.xfer = 1;
        f.xfer_to = to;
    }
    if (several) f.xfer_to = NULL;
    f.cutoff = cs_json_type_of(cs_json_get(L, "trunks")) == CS_JSON_NUMBER ||
               cs_json_type_of(cs_json_get(L, "queue_places")) == CS_JSON_NUMBER ||
               cs_json_size(cs_json_get(s->resolved, "outages")) > 0;
    const cs_json *t = cs_json_get(L, "target");
    f.target_s = csi_rep_jnum(t, "answer_within_s");
    f.target_share = csi_rep_jnum(t, "share");
    f.max_abandon = csi_rep_jnum(t, "max_abandon");
    return f;
}

int csi_rep_relevant(const feat *f, int needs)
{
    if (!f->known) return 1;
    switch (needs) {
    case CS_KPI_NEEDS_IVR: return f->ivr;
    case CS_KPI_NEEDS_CALLBACK: return f->cb;
    case CS_KPI_NEEDS_REPEAT: return f->redial || f->spill || f->spill_in;
    case CS_KPI_NEEDS_SPILL_OUT: return f->spill;
    case CS_KPI_NEEDS_SPILL_IN: return f->spill_in;
    case CS_KPI_NEEDS_TRANSFER: return f->xfer;
    case CS_KPI_NEEDS_CUT_OFF: return f->cutoff;
    case CS_KPI_NEEDS_RINGBACK: return f->ringback;
    default: return 1;
    }
}

mci csi_rep_mci(const cs_json *kpis, const char *key, const char *mkey)
{
    const cs_json *v = cs_json_get(kpis, key);
    mci r = {csi_rep_jnum(v, mkey), csi_rep_jnum(v, "ci95")};
    return r;
}

/* ------------------------------------------------------------------------------------------
 * Headline tables
 * ---------------------------------------------------------------------------------------- */

static const char *const headline_keys[] = {
    "offered", "abandon_rate", "service_level", "asa", "never_reached_rate", "spilled_to_999", "from_101",
    "callback", "callbacks_on_time", "callbacks_missed", "transferred", "transfer_asa",
};
#define N_HEADLINE (sizeof headline_keys / sizeof headline_keys[0])

static void headline_label(report *r, cs_text_buf *b, const cs_kpi_def *d, const char *line, const feat *f)
{
    char per[64], t1[48], t2[48];
    const char *key = d->name;
    csi_rep_period_phrase(r, per, sizeof per);
    if (strcmp(key, "offered") == 0) csi_rep_hf(b, "Calls received %s, including repeat attempts", per);
    else if (strcmp(key, "service_level") == 0) {
        if (isfinite(f->target_s) && isfinite(f->target_share)) {
            csi_rep_target_words(t1, sizeof t1, f->target_s);
            csi_rep_pct_words(t2, sizeof t2, f->target_share);
            csi_rep_hf(b, "Answered within %s (target %s)", t1, t2);
        } else if (isfinite(f->target_s)) {
            csi_rep_target_words(t1, sizeof t1, f->target_s);
            csi_rep_hf(b, "Answered within %s", t1);
        } else cs_text_puts(b, "Answered within the target time");
    } else if (strcmp(key, "spilled_to_999") == 0)
        csi_rep_hf(b, "%s callers who gave up and rang %s, %s", line, f->spill_to ? f->spill_to : "another line",
                   per);
    else if (strcmp(key, "from_101") == 0)
        csi_rep_hf(b, "Calls from callers who gave up on another line, %s", per);
    else if (strcmp(key, "callback") == 0) csi_rep_hf(b, "Callers who booked a callback, %s", per);
    else if (strcmp(key, "callbacks_on_time") == 0) {
        if (isfinite(f->cb_deadline)) {
            csi_rep_dur_words(t1, sizeof t1, f->cb_deadline);
            csi_rep_hf(b, "Callbacks made on time (within %s), %s", t1, per);
        } else csi_rep_hf(b, "Callbacks made on time, %s", per);
    } else if (strcmp(key, "callbacks_missed") == 0) csi_rep_hf(b, "Booked callbacks never made, %s", per);
    else if (strcmp(key, "transferred") == 0) {
        if (f->xfer_to) csi_rep_hf(b, "Calls passed on to %s, %s", f->xfer_to, per);
        else csi_rep_hf(b, "Calls passed on to a second team, %s", per);
    } else csi_rep_esc(b, d->label);
}

/* mean -/+ h cut at the range the KPI can take (a share within 0..1, a count not below 0). */
static void kpi_interval(const cs_kpi_def *d, double m, double h, double *lo, double *hi)
{
    *lo = m - h;
    *hi = m + h;
    if (*lo < 0 && m >= 0) *lo = 0;
    if (cs_kpi_kind_of(d) == CS_KPI_SHARE && *hi > 1 && m <= 1) *hi = 1;
}

/* The mean and its interval: "<span class=m>12.3%</span> <span class=ci>(11.9% to 12.7%)</span>";
 * with `yearly`, a count also reads per year (or per week when the run is a year). */
static void result_cell(report *r, cs_text_buf *b, const cs_kpi_def *d, mci v, unsigned flags, int yearly)
{
    if (!isfinite(v.m)) {
        cs_text_puts(b, "<span class=\"na\">not defined (no calls)</span>");
        return;
    }
    char m[64], lo[64], hi[64];
    cs_kpi_fmt(m, sizeof m, d, v.m, flags);
    csi_rep_hf(b, "<span class=\"m\">%s</span>", m);
    if (isfinite(v.h)) {
        double l, h;
        kpi_interval(d, v.m, v.h, &l, &h);
        cs_kpi_fmt(lo, sizeof lo, d, l, flags | CS_KPI_FMT_PLAIN);
        cs_kpi_fmt(hi, sizeof hi, d, h, flags | CS_KPI_FMT_PLAIN);
        csi_rep_hf(b, " <span class=\"ci\">(%s to %s)</span>", lo, hi);
    }
    if (yearly && cs_kpi_kind_of(d) == CS_KPI_COUNT) {
        char about[96];
        if (csi_rep_other_period(r, v.m, about, sizeof about))
            csi_rep_hf(b, " <span class=\"yr\">%s</span>", about);
    }
}

/* A variant's difference from the base: "-4.2 points (-5.0 to -3.4)" and what it says. */
static void diff_cell(cs_text_buf *b, const cs_kpi_def *d, mci dv)
{
    if (!isfinite(dv.m)) return;
    unsigned f = CS_KPI_FMT_SIGN | CS_KPI_FMT_DIFF;
    char m[64], lo[64], hi[64];
    int v = cs_kpi_diff_verdict(d, dv.m, dv.h, 0);
    const char *cls = "ns", *tag = "not significant";
    if (!isfinite(dv.h)) tag = "no interval";
    else if (v == CS_KPI_DIFF_TINY) tag = "too small to matter";
    else if (v == CS_KPI_DIFF_REAL && d->better != 0) {
        int good = (d->better > 0) == (dv.m > 0);
        cls = good ? "better sig" : "worse sig";
        tag = good ? "significantly better" : "significantly worse";
    } else if (v == CS_KPI_DIFF_REAL) cls = "neutral sig", tag = "significant change";
    cs_kpi_fmt(m, sizeof m, d, dv.m, f);
    csi_rep_hf(b, "<span class=\"d %s\"><span class=\"dv\">%s</span>", cls, m);
    if (isfinite(dv.h)) {
        /* The interval's ends without the unit, which the difference already names. */
        unsigned g = cs_kpi_print_of(d) == CS_KPI_PRINT_PERCENT ? f & ~CS_KPI_FMT_DIFF : f;
        cs_kpi_fmt(lo, sizeof lo, d, dv.m - dv.h, g);
        cs_kpi_fmt(hi, sizeof hi, d, dv.m + dv.h, g);
        if (g != f) {   /* "-5.0%" -> "-5.0" */
            lo[strlen(lo) - 1] = '\0';
            hi[strlen(hi) - 1] = '\0';
        }
        csi_rep_hf(b, " <span class=\"dci\">(%s to %s)</span>", lo, hi);
    }
    csi_rep_hf(b, " <span class=\"tag\">%s</span></span>", tag);
}

/* Abandonment against a target that is a ceiling alone (target: {max_abandon: 10%}). */
static void ceiling_verdict(cs_text_buf *b, const char *line, const feat *f, mci ab)
{
    if (!isfinite(ab.m) || !isfinite(ab.h) || !(f->max_abandon > 0)) return;
    const cs_kpi_def *d = &cs_line_kpis[CS_LK_ABANDON_RATE];
    char m[32], lo[32], hi[32], c[32];
    double l, h;
    kpi_interval(d, ab.m, ab.h, &l, &h);
    cs_kpi_fmt(m, sizeof m, d, ab.m, 0);
    cs_kpi_fmt(lo, sizeof lo, d, l, 0);
    cs_kpi_fmt(hi, sizeof hi, d, h, 0);
    csi_rep_pct_words(c, sizeof c, f->max_abandon);
    csi_rep_hf(b, "<p class=\"verdict\">On the %s line, %s of calls were abandoned or cut off before contact against a "
                  "ceiling of %s: ", line, m, c);
    if (l > f->max_abandon)
        csi_rep_hf(b, "<b>above the ceiling</b>; even the bottom of the 95%% interval (%s) is over it.</p>\n", lo);
    else if (h <= f->max_abandon)
        csi_rep_hf(b, "<b>target met</b>; even the top of the 95%% interval (%s) is within it.</p>\n", hi);
    else
        csi_rep_hf(b, "<b>too close to call</b>; the 95%% interval (%s to %s) straddles the ceiling.</p>\n", lo, hi);
}

/* Service level against the target, in a sentence under the table. */
static void verdict(cs_text_buf *b, const char *line, const feat *f, mci sl)
{
    if (!isfinite(sl.m) || !isfinite(sl.h) || !isfinite(f->target_share) || !isfinite(f->target_s)) return;
    const cs_kpi_def *d = &cs_line_kpis[CS_LK_SERVICE_LEVEL];
    char m[32], lo[32], hi[32], t[48], ts[32];
    double l, h;
    kpi_interval(d, sl.m, sl.h, &l, &h);
    cs_kpi_fmt(m, sizeof m, d, sl.m, 0);
    cs_kpi_fmt(lo, sizeof lo, d, l, 0);
    cs_kpi_fmt(hi, sizeof hi, d, h, 0);
    csi_rep_target_words(t, sizeof t, f->target_s);
    csi_rep_pct_words(ts, sizeof ts, f->target_share);
    csi_rep_hf(b, "<p class=\"verdict\">On the %s line, %s of calls were answered within %s against a target of %s: ",
       line, m, t, ts);
    if (h < f->target_share)
        csi_rep_hf(b, "<b>below target</b>; even the top of the 95%% interval (%s) falls short.</p>\n", hi);
    else if (l >= f->target_share)
        csi_rep_hf(b, "<b>target met</b>; even the bottom of the 95%% interval (%s) reaches it.</p>\n", lo);
    else
        csi_rep_hf(b, "<b>too close to call</b>; the 95%% interval (%s to %s) straddles the target.</p>\n", lo, hi);
}

/* Line names over all scenarios, in order of first appearance. */
size_t csi_rep_all_lines(const report *r, const char **names, size_t max)
{
    size_t n = 0;
    for (size_t s = 0; s < r->n_sc; s++)
        for (size_t i = 0; i < cs_json_size(r->sc[s].lines); i++) {
            const char *k = cs_json_member_key(r->sc[s].lines, i);
            size_t j = 0;
            while (j < n && strcmp(names[j], k) != 0) j++;
            if (j == n && n < max) names[n++] = k;
        }
    return n;
}

size_t csi_rep_all_pools(const report *r, const char **names, size_t max)
{
    size_t n = 0;
    for (size_t s = 0; s < r->n_sc; s++)
        for (size_t i = 0; i < cs_json_size(r->sc[s].pools); i++) {
            const char *k = cs_json_member_key(r->sc[s].pools, i);
            size_t j = 0;
            while (j < n && strcmp(names[j], k) != 0) j++;
            if (j == n && n < max) names[n++] = k;
        }
    return n;
}

/* The scenario whose features label a line's rows: the first that has the line. */
static const scen *owner_of_line(report *r, const char *line)
{
    for (size_t s = 0; s < r->n_sc; s++)
        if (cs_json_get(r->sc[s].lines, line)) return &r->sc[s];
    return &r->sc[0];
}

static void cmp_header(report *r, cs_text_buf *b, size_t c0, size_t c1, const char *first)
{
    csi_rep_hf(b, "<thead><tr><th scope=\"col\">%s</th>", first);
    for (size_t c = c0; c < c1; c++) {
        size_t s = c == c0 ? 0 : c;
        csi_rep_hf(b, "<th scope=\"col\" class=\"res\">%s%r</th>", r->sc[s].name ? r->sc[s].name : "(unnamed)",
           s == 0 ? "<br><span class=\"note\">base</span>" : "");
    }
    cs_text_puts(b, "</tr></thead>\n");
}

/* Column chunks [c0, c1): the first column of every chunk shows the base, the others the
 * scenarios c0 + 1 .. c1 - 1; the next chunk starts at c1 - 1 (whose scenario the chunk before
 * showed), so every scenario appears once: [0, 3), [2, 5), [4, 7) ... (it used to start at
 * c1, which put the base in place of every later chunk's first variant). */
static size_t chunk_end(size_t c0, size_t n)
{
    size_t e = c0 + MAX_COLS;
    return e < n ? e : n;
}
#define FOR_CHUNKS(c0, c1, n) \
    for (size_t c0 = 0, c1 = chunk_end(0, (n)), more_ = 1; more_; \
         more_ = c1 < (n), c0 = c1 - 1, c1 = chunk_end(c0, (n)))

/* A comparison table's <table> with a class that fixes its column widths to the page. */
static void cmp_table_open(cs_text_buf *b, const char *what, size_t c0, size_t c1)
{
    csi_rep_hf(b, "<table class=\"kpi cmp %s cols%d\">\n", what, (int)(c1 - c0));   /* scenario columns */
}

void csi_rep_headline(report *r)
{
    cs_text_buf *b = &r->out;
    cs_text_puts(b, "<section class=\"headline\" id=\"headline\">\n<h2>Headline results</h2>\n");
    if (r->comparison)
        cs_text_puts(b, "<p>For each line, the measures that matter most to callers. The base scenario's column "
                   "gives its average and 95% interval; each other column gives that scenario's own "
                   "figures and, under them, its difference from the base with the 95% interval of the "
                   "difference. A difference is <b>significant</b> when that interval does not include zero, "
                   "that is when it is very unlikely to be chance; one whose interval, at the precision shown, "
                   "still reaches zero is <b>too small to matter</b>. Differences in percentages are in "
                   "percentage points.</p>\n");
    else
        cs_text_puts(b, "<p>For each line, the measures that matter most to callers, each as the average with "
                   "its 95% interval in brackets; counts of calls also as the yearly figure they add up to.</p>\n");
    const char *lines[64];
    size_t nl = csi_rep_all_lines(r, lines, 64);
    for (size_t li = 0; li < nl; li++) {
        const char *line = lines[li];
        const scen *own = owner_of_line(r, line);
        feat f0 = csi_rep_line_feat(own, line);
        cs_text_puts(b, "<h3>");
        csi_rep_line_title(b, line);
        cs_text_puts(b, "</h3>\n");
        if (!r->comparison) {
            const cs_json *k = cs_json_get(r->sc[0].lines, line);
            cs_text_puts(b, "<table class=\"kpi headline single\">\n<thead><tr><th scope=\"col\">Measure</th>"
                       "<th scope=\"col\" class=\"res\">Average (95% interval)</th></tr></thead>\n<tbody>\n");
            for (size_t h = 0; h < N_HEADLINE; h++) {
                const cs_kpi_def *d = cs_kpi_find(CS_KPI_SCOPE_LINE, headline_keys[h]);
                if (!d || !cs_json_get(k, d->name) || !csi_rep_relevant(&f0, d->needs)) continue;
                cs_text_puts(b, "<tr><th scope=\"row\">");
                headline_label(r, b, d, line, &f0);
                cs_text_puts(b, "</th><td class=\"res\">");
                result_cell(r, b, d, csi_rep_mci(k, d->name, "mean"), 0, 1);
                cs_text_puts(b, "</td></tr>\n");
            }
            cs_text_puts(b, "</tbody>\n</table>\n");
            verdict(b, line, &f0, csi_rep_mci(k, "service_level", "mean"));
            if (!isfinite(f0.target_share)) ceiling_verdict(b, line, &f0, csi_rep_mci(k, "abandon_rate", "mean"));
            continue;
        }
        FOR_CHUNKS(c0, c1, r->n_sc) {
            cmp_table_open(b, "headline", c0, c1);
            cmp_header(r, b, c0, c1, "Measure");
            cs_text_puts(b, "<tbody>\n");
            for (size_t h = 0; h < N_HEADLINE; h++) {
                const cs_kpi_def *d = cs_kpi_find(CS_KPI_SCOPE_LINE, headline_keys[h]);
                int any = 0;
                for (size_t s = 0; d && s < r->n_sc; s++) {
                    feat fs = csi_rep_line_feat(&r->sc[s], line);
                    const cs_json *k = cs_json_get(r->sc[s].lines, line);
                    if (k && cs_json_get(k, d->name) && csi_rep_relevant(&fs, d->needs)) any = 1;
                }
                if (!any) continue;
                cs_text_puts(b, "<tr><th scope=\"row\">");
                headline_label(r, b, d, line, &f0);
                cs_text_puts(b, "</th>");
                for (size_t c = c0; c < c1; c++) {
                    size_t s = c == c0 ? 0 : c;
                    const scen *sc = &r->sc[s];
                    feat fs = csi_rep_line_feat(sc, line);
                    const cs_json *k = cs_json_get(sc->lines, line);
                    cs_text_puts(b, "<td class=\"res\">");
                    if (!k || !cs_json_get(k, d->name) || !csi_rep_relevant(&fs, d->needs)) {
                        cs_text_puts(b, "<span class=\"na\">&mdash;</span>");
                    } else {
                        result_cell(r, b, d, csi_rep_mci(k, d->name, "mean"), 0, 0);
                        if (s > 0)
                            diff_cell(b, d, csi_rep_mci(cs_json_get(cs_json_get(sc->diff, "lines"), line), d->name, "diff"));
                    }
                    cs_text_puts(b, "</td>");
                }
                cs_text_puts(b, "</tr>\n");
            }
            cs_text_puts(b, "</tbody>\n</table>\n");
        }
    }

    /* Staff: how hard the teams work. */
    const char *pools[64];
    size_t np = csi_rep_all_pools(r, pools, 64);
    if (np > 0) {
        cs_text_puts(b, "<h3>Staff</h3>\n");
        FOR_CHUNKS(c0, c1, r->n_sc) {
            if (r->comparison) {
                cmp_table_open(b, "headline", c0, c1);
                cmp_header(r, b, c0, c1, "Team");
            } else {
                cs_text_puts(b, "<table class=\"kpi headline single\">\n<thead><tr><th scope=\"col\">Team</th>"
                           "<th scope=\"col\" class=\"res\">Average (95% interval)</th></tr></thead>\n");
            }
            cs_text_puts(b, "<tbody>\n");
            for (size_t p = 0; p < np; p++)
                for (int kk = 0; kk < 2; kk++) {
                    const cs_kpi_def *d = &cs_pool_kpis[kk == 0 ? CS_PK_OCCUPANCY : CS_PK_ON_DUTY];
                    csi_rep_hf(b, "<tr><th scope=\"row\">%s: %s</th>", pools[p],
                       kk == 0 ? "share of time on duty spent on calls" : "handlers on duty, on average");
                    for (size_t c = c0; c < c1; c++) {
                        size_t s = c == c0 ? 0 : c;
                        const cs_json *k = cs_json_get(r->sc[s].pools, pools[p]);
                        cs_text_puts(b, "<td class=\"res\">");
                        if (!cs_json_get(k, d->name)) cs_text_puts(b, "<span class=\"na\">&mdash;</span>");
                        else {
                            result_cell(r, b, d, csi_rep_mci(k, d->name, "mean"), 0, 0);
                            if (s > 0)
                                diff_cell(b, d, csi_rep_mci(cs_json_get(cs_json_get(r->sc[s].diff, "pools"), pools[p]),
                                                            d->name, "diff"));
                        }
                        cs_text_puts(b, "</td>");
                    }
                    cs_text_puts(b, "</tr>\n");
                }
            cs_text_puts(b, "</tbody>\n</table>\n");
            if (!r->comparison) break;
        }
        cs_text_puts(b, "<p class=\"note\">A team that spends more than about 85% of its time on calls has "
                   "little slack to absorb a busy hour; occupancy near 100% means callers wait.</p>\n");
    }
    cs_text_puts(b, "</section>\n");
}

/* ------------------------------------------------------------------------------------------
 * Full tables
 * ---------------------------------------------------------------------------------------- */

/* Full-table label: plain words, with the spillover target named where known. */
static void full_label(cs_text_buf *b, const cs_kpi_def *d, const feat *f)
{
    if (strcmp(d->name, "spilled_to_999") == 0 && f->spill_to) csi_rep_hf(b, "Gave up and rang %s", f->spill_to);
    else if (strcmp(d->name, "service_level") == 0 && isfinite(f->target_s)) {
        char t[48];
        csi_rep_target_words(t, sizeof t, f->target_s);
        csi_rep_hf(b, "Answered within %s", t);
    } else if (strcmp(d->name, "transferred") == 0 && f->xfer_to) csi_rep_hf(b, "Passed on to %s", f->xfer_to);
    else csi_rep_esc(b, d->label);
}

static void full_value(cs_text_buf *b, const cs_kpi_def *d, mci v)
{
    if (!isfinite(v.m)) {
        cs_text_puts(b, "<td class=\"num na\">&ndash;</td><td class=\"num na\"></td>");
        return;
    }
    char m[64], h[64];
    cs_kpi_fmt(m, sizeof m, d, v.m, CS_KPI_FMT_FINE);
    csi_rep_hf(b, "<td class=\"num\">%s</td>", m);
    if (isfinite(v.h)) {
        cs_kpi_fmt_ci(h, sizeof h, d, v.m, v.h, CS_KPI_FMT_FINE);
        csi_rep_hf(b, "<td class=\"num\">&plusmn; %s</td>", h);
    } else cs_text_puts(b, "<td class=\"num na\">&ndash;</td>");
}

/* One comparison cell of the full tables: "12.34% ± 0.41" and, for variants, the difference. */
static void full_cmp_cell(cs_text_buf *b, const cs_kpi_def *d, mci v, const mci *dv)
{
    cs_text_puts(b, "<td class=\"res\">");
    if (!isfinite(v.m)) {
        cs_text_puts(b, "<span class=\"na\">&ndash;</span></td>");
        return;
    }
    char m[64], h[64];
    cs_kpi_fmt(m, sizeof m, d, v.m, CS_KPI_FMT_FINE);
    csi_rep_hf(b, "<span class=\"m\">%s</span>", m);
    if (isfinite(v.h)) {
        cs_kpi_fmt_ci(h, sizeof h, d, v.m, v.h, CS_KPI_FMT_FINE);
        csi_rep_hf(b, " <span class=\"ci\">&plusmn; %s</span>", h);
    }
    if (dv && isfinite(dv->m)) {
        int vd = cs_kpi_diff_verdict(d, dv->m, dv->h, CS_KPI_FMT_FINE);
        cs_kpi_fmt(m, sizeof m, d, dv->m, CS_KPI_FMT_FINE | CS_KPI_FMT_SIGN | CS_KPI_FMT_DIFF);
        csi_rep_hf(b, "<span class=\"d%r\">%s", vd == CS_KPI_DIFF_REAL ? " sig" : "", m);
        if (isfinite(dv->h)) {
            cs_kpi_fmt_ci(h, sizeof h, d, dv->m, dv->h, CS_KPI_FMT_FINE);
            csi_rep_hf(b, " &plusmn; %s", h);
        }
        cs_text_puts(b, vd == CS_KPI_DIFF_REAL ? " *" : "");
        cs_text_puts(b, "</span>");
    }
    cs_text_puts(b, "</td>");
}

/* Ring-back rows of a team only where some line rings back. */
static int any_ringback(report *r)
{
    for (size_t s = 0; s < r->n_sc; s++) {
        const cs_json *lines = cs_json_get(r->sc[s].resolved, "lines");
        if (!r->sc[s].resolved) return 1;
        for (size_t i = 0; i < cs_json_size(lines); i++)
            if (cs_json_get(cs_json_at(lines, i), "ringback")) return 1;
    }
    return 0;
}

/* Row keys of a line over all scenarios: the catalogue order, then any unknown keys. */
static size_t row_keys(report *r, const char *line, int pool, const char **keys, size_t max)
{
    size_t n = 0, nd;
    const cs_kpi_def *defs = cs_kpi_table(pool ? CS_KPI_SCOPE_POOL : CS_KPI_SCOPE_LINE, &nd);
    int rb = pool ? any_ringback(r) : 0;
    for (size_t i = 0; i < nd; i++) {
        int any = 0;
        for (size_t s = 0; s < r->n_sc; s++) {
            const cs_json *k = cs_json_get(pool ? r->sc[s].pools : r->sc[s].lines, line);
            if (!cs_json_get(k, defs[i].name)) continue;
            if (pool) any |= defs[i].needs != CS_KPI_NEEDS_RINGBACK || rb;
            else {
                feat f = csi_rep_line_feat(&r->sc[s], line);
                if (csi_rep_relevant(&f, defs[i].needs)) any = 1;
            }
        }
        if (any && n < max) keys[n++] = defs[i].name;
    }
    for (size_t s = 0; s < r->n_sc; s++) {
        const cs_json *k = cs_json_get(pool ? r->sc[s].pools : r->sc[s].lines, line);
        for (size_t i = 0; i < cs_json_size(k); i++) {
            const char *key = cs_json_member_key(k, i);
            if (cs_kpi_find(pool ? CS_KPI_SCOPE_POOL : CS_KPI_SCOPE_LINE, key)) continue;
            size_t j = 0;
            while (j < n && strcmp(keys[j], key) != 0) j++;
            if (j == n && n < max) keys[n++] = key;
        }
    }
    return n;
}

static void full_table(report *r, const char *name, int pool)
{
    cs_text_buf *b = &r->out;
    const char *keys[96];
    size_t nk = row_keys(r, name, pool, keys, 96);
    feat f0 = pool ? (feat){0} : csi_rep_line_feat(owner_of_line(r, name), name);
    if (pool) f0.target_s = NAN;
    csi_rep_hf(b, "<h3>%s %s</h3>\n", pool ? "Team" : "Line", name);
    FOR_CHUNKS(c0, c1, r->n_sc) {
        if (r->comparison) {
            cmp_table_open(b, "full", c0, c1);
            cmp_header(r, b, c0, c1, "Measure");
        } else {
            cs_text_puts(b, "<table class=\"kpi full\">\n<thead><tr><th scope=\"col\">Measure</th>"
                       "<th scope=\"col\" class=\"num\">Average</th><th scope=\"col\" class=\"num\">95% interval</th>"
                       "</tr></thead>\n");
        }
        cs_text_puts(b, "<tbody>\n");
        for (size_t i = 0; i < nk; i++) {
            cs_kpi_def buf;
            const cs_kpi_def *d = kpi_def(r, pool, keys[i], &buf);
            cs_text_puts(b, "<tr><th scope=\"row\">");
            full_label(b, d, &f0);
            cs_text_puts(b, "</th>");
            if (!r->comparison) {
                full_value(b, d, csi_rep_mci(cs_json_get(pool ? r->sc[0].pools : r->sc[0].lines, name), keys[i], "mean"));
            } else {
                for (size_t c = c0; c < c1; c++) {
                    size_t s = c == c0 ? 0 : c;
                    const scen *sc = &r->sc[s];
                    const cs_json *k = cs_json_get(pool ? sc->pools : sc->lines, name);
                    feat fs = pool ? (feat){0} : csi_rep_line_feat(sc, name);
                    if (!k || !cs_json_get(k, keys[i]) || (!pool && !csi_rep_relevant(&fs, d->needs))) {
                        cs_text_puts(b, "<td class=\"res\"><span class=\"na\">&mdash;</span></td>");
                        continue;
                    }
                    mci dv = csi_rep_mci(cs_json_get(cs_json_get(sc->diff, pool ? "pools" : "lines"), name), keys[i], "diff");
                    full_cmp_cell(b, d, csi_rep_mci(k, keys[i], "mean"), s > 0 ? &dv : NULL);
                }
            }
            cs_text_puts(b, "</tr>\n");
        }
        cs_text_puts(b, "</tbody>\n</table>\n");
        if (!r->comparison) break;
    }
}

void csi_rep_full_tables(report *r)
{
    cs_text_buf *b = &r->out;
    char per[64];
    csi_rep_period_phrase(r, per, sizeof per);
    cs_text_puts(b, "<section class=\"tables\" id=\"tables\">\n<h2>Full results</h2>\n");
    csi_rep_hf(b, "<p>Every measure the simulation records, per line and per team. Counts are totals %s (per "
               "replication); times are in seconds, minutes and hours. The 95%% interval is given as &plusmn; the "
               "half-width; for percentages it is in percentage points. Rows for features a scenario does not use "
               "(callbacks, transfers, ...) are left out; every value is also in summary.json, and the glossary "
               "at the end says what each measure is.", per);
    if (r->comparison)
        cs_text_puts(b, " Under each variant's value is its difference from the base &plusmn; the half-width of the "
                   "difference's 95% interval; * marks a significant difference.");
    cs_text_puts(b, "</p>\n");
    const char *names[64];
    size_t n = csi_rep_all_lines(r, names, 64);
    for (size_t i = 0; i < n; i++) full_table(r, names[i], 0);
    n = csi_rep_all_pools(r, names, 64);
    for (size_t i = 0; i < n; i++) full_table(r, names[i], 1);
    cs_text_puts(b, "</section>\n");
}

/* The glossary: what each measure shown means, from the catalogue. */
void csi_rep_glossary(report *r)
{
    cs_text_buf *b = &r->out;
    cs_text_puts(b, "<section class=\"glossary\" id=\"glossary\">\n<h2>Glossary of measures</h2>\n<dl class=\"gloss\">\n");
    for (int pool = 0; pool < 2; pool++) {
        const char *names[64];
        size_t n = pool ? csi_rep_all_pools(r, names, 64) : csi_rep_all_lines(r, names, 64);
        size_t nd;
        const cs_kpi_def *defs = cs_kpi_table(pool ? CS_KPI_SCOPE_POOL : CS_KPI_SCOPE_LINE, &nd);
        for (size_t i = 0; i < nd; i++) {
            int shown = 0;
            for (size_t e = 0; e < n && !shown; e++) {
                const char *keys[96];
                size_t nk = row_keys(r, names[e], pool, keys, 96);
                for (size_t k = 0; k < nk; k++)
                    if (strcmp(keys[k], defs[i].name) == 0) shown = 1;
            }
            if (!shown || !defs[i].meaning) continue;
            csi_rep_hf(b, "<dt>%s</dt><dd>%s <span class=\"key\">(%s)</span></dd>\n", defs[i].label, defs[i].meaning,
                       defs[i].name);
        }
    }
    cs_text_puts(b, "</dl>\n</section>\n");
}
