/* The HTML report: KPI labels, the headline tables and the full tables (see
 * plots/report_int.h). */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plots/report_int.h"

/* Scenario columns per comparison table: base + 3 variants fit the width of an A4 page. */
#define MAX_COLS 4

/* ------------------------------------------------------------------------------------------
 * KPI catalogue: plain-words labels for the full tables, units, which scenario feature makes
 * a row meaningful (the terminal table hides the same rows), and which direction is better.
 * ---------------------------------------------------------------------------------------- */


static const kpi_def line_kpis[] = {
    {"offered", "Calls received, including repeat attempts", U_COUNT, F_ALL, 0},
    {"callers", "Different callers", U_COUNT, F_REACH, 0},
    {"answered", "Answered", U_COUNT, F_ALL, +1},
    {"abandoned_ivr", "Hung up in the recorded menu (IVR)", U_COUNT, F_IVR, -1},
    {"abandoned_queue", "Hung up while waiting to be answered", U_COUNT, F_ALL, -1},
    {"cut_off", "Cut off (no free line, queue full or outage)", U_COUNT, F_CUTOFF, -1},
    {"deflected", "Sent elsewhere by the menu (e.g. online)", U_COUNT, F_IVR, 0},
    {"callback", "Booked a callback instead of waiting", U_COUNT, F_CB, 0},
    {"unfinished", "Still in progress when the simulation ended", U_COUNT, F_ALL, 0},
    {"abandoned", "Hung up before contact (menu and queue)", U_COUNT, F_ALL, -1},
    {"lost", "Calls abandoned or cut off before contact (number)", U_COUNT, F_ALL, -1},
    {"abandon_rate", "Calls abandoned or cut off before contact", U_SHARE, F_ALL, -1},
    {"never_reached_rate", "Callers who never got through", U_SHARE, F_REACH, -1},
    {"callers_lost", "Callers who hung up or were cut off at least once", U_COUNT, F_REACH, -1},
    {"service_level", "Answered within the target time", U_SHARE, F_ALL, +1},
    {"answered_within_share", "Of the calls answered, answered within the target time", U_SHARE, F_ALL, +1},
    {"asa", "Average wait to be answered", U_TIME, F_ALL, -1},
    {"wait_p50", "Half of answered calls waited no longer than", U_TIME, F_ALL, -1},
    {"wait_p90", "90% of answered calls waited no longer than", U_TIME, F_ALL, -1},
    {"wait_p99", "99% of answered calls waited no longer than", U_TIME, F_ALL, -1},
    {"wait_max", "Longest wait of an answered call", U_TIME, F_ALL, -1},
    {"p_wait", "Calls that had to queue", U_SHARE, F_ALL, -1},
    {"mean_wait", "Average wait of all calls, answered or not", U_TIME, F_ALL, -1},
    {"queue_mean", "Average number of callers waiting", U_COUNT, F_ALL, -1},
    {"redials", "Repeat attempts (redials)", U_COUNT, F_REACH, 0},
    {"spilled_to_999", "Gave up and rang another line", U_COUNT, F_SPILL, -1},
    {"from_101", "Calls from callers who gave up on another line", U_COUNT, F_SPILL_IN, 0},
    {"from_101_share", "Share of calls from callers who gave up on another line", U_SHARE, F_SPILL_IN, 0},
    {"from_101_answered", "Callers who gave up on another line and were answered here", U_COUNT, F_SPILL_IN, 0},
    {"callbacks_on_time", "Callbacks made on time", U_COUNT, F_CB, +1},
    {"callbacks_late", "Callbacks made late", U_COUNT, F_CB, -1},
    {"callbacks_missed", "Booked callbacks never made", U_COUNT, F_CB, -1},
    {"callbacks_reached", "Callbacks that reached the caller", U_COUNT, F_CB, +1},
    {"transferred", "Passed on to a second team", U_COUNT, F_XFER, 0},
    {"transfer_abandoned", "Hung up after being passed on", U_COUNT, F_XFER, -1},
    {"transfer_asa", "Average further wait after being passed on", U_TIME, F_XFER, -1},
};

static const kpi_def pool_kpis[] = {
    {"occupancy", "Share of on-duty time spent on calls (occupancy)", U_SHARE, F_ALL, 0},
    {"on_duty", "Handlers on duty (average)", U_STAFF, F_ALL, 0},
    {"busy", "Handlers busy on calls (average)", U_STAFF, F_ALL, 0},
};

#define N_LINE_KPIS (sizeof line_kpis / sizeof line_kpis[0])
#define N_POOL_KPIS (sizeof pool_kpis / sizeof pool_kpis[0])

static const kpi_def *find_kpi(const kpi_def *defs, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(defs[i].key, key) == 0) return &defs[i];
    return NULL;
}

/* ------------------------------------------------------------------------------------------
 * What each line of a scenario uses, so that rows that mean nothing there are left out
 * ---------------------------------------------------------------------------------------- */


static feat line_feat(const scen *s, const char *line)
{
    feat f;
    memset(&f, 0, sizeof f);
    f.target_s = f.target_share = f.cb_deadline = NAN;
    const cs_json *lines = cs_json_get(s->resolved, "lines");
    const cs_json *L = csi_rep_find_named(lines, line);
    if (!L) {
        /* Nothing to go by: show every row rather than hide one that matters. */
        f.ivr = f.cb = f.redial = f.spill = f.spill_in = f.xfer = f.cutoff = 1;
        return f;
    }
    f.known = 1;
    f.ivr = cs_json_get(L, "ivr") != NULL;
    f.cb = cs_json_get(L, "callback") != NULL;
    f.cb_deadline = csi_rep_jnum(cs_json_get(L, "callback"), "deadline_s");
    f.redial = cs_json_get(L, "redial") != NULL;
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
    return f;
}

static int relevant(const feat *f, int feature)
{
    switch (feature) {
    case F_IVR: return f->ivr;
    case F_CB: return f->cb;
    case F_REACH: return f->redial || f->spill || f->spill_in;
    case F_SPILL: return f->spill;
    case F_SPILL_IN: return f->spill_in;
    case F_XFER: return f->xfer;
    case F_CUTOFF: return f->cutoff;
    default: return 1;
    }
}

/* mean and half-width of one KPI, NAN where absent or null. */
static mci get_mci(const cs_json *kpis, const char *key, const char *mkey)
{
    const cs_json *v = cs_json_get(kpis, key);
    mci r = {csi_rep_jnum(v, mkey), csi_rep_jnum(v, "ci95")};
    return r;
}

/* ------------------------------------------------------------------------------------------
 * Headline tables
 * ---------------------------------------------------------------------------------------- */

static const char *const headline_keys[] = {
    "offered", "abandon_rate", "service_level", "asa", "never_reached_rate", "spilled_to_999",
    "callback", "callbacks_on_time", "callbacks_missed", "transferred", "transfer_asa",
};
#define N_HEADLINE (sizeof headline_keys / sizeof headline_keys[0])

static void headline_label(report *r, cs_text_buf *b, const char *key, const char *line, const feat *f)
{
    char per[64], t1[48], t2[48];
    csi_rep_period_phrase(r, per, sizeof per);
    if (strcmp(key, "offered") == 0) csi_rep_hf(b, "Calls received %s, including repeat attempts", per);
    else if (strcmp(key, "abandon_rate") == 0) cs_text_puts(b, "Calls abandoned or cut off before contact");
    else if (strcmp(key, "service_level") == 0) {
        if (isfinite(f->target_s) && isfinite(f->target_share)) {
            csi_rep_target_words(t1, sizeof t1, f->target_s);
            csi_rep_pct_words(t2, sizeof t2, f->target_share);
            csi_rep_hf(b, "Answered within %s (target %s)", t1, t2);
        } else cs_text_puts(b, "Answered within the target time");
    } else if (strcmp(key, "asa") == 0) cs_text_puts(b, "Average wait to be answered");
    else if (strcmp(key, "never_reached_rate") == 0) cs_text_puts(b, "Callers who never got through");
    else if (strcmp(key, "spilled_to_999") == 0)
        csi_rep_hf(b, "%s callers who gave up and rang %s, %s", line, f->spill_to ? f->spill_to : "another line",
                   per);
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
    } else if (strcmp(key, "transfer_asa") == 0) cs_text_puts(b, "Average further wait after being passed on");
    else csi_rep_esc(b, key);
}

/* The mean and its interval: "<span class=m>12.3%</span> <span class=ci>(11.9% to 12.7%)</span>". */
static void result_cell(cs_text_buf *b, int unit, mci v, int full)
{
    if (!isfinite(v.m)) {
        cs_text_puts(b, "<span class=\"na\">not defined (no calls)</span>");
        return;
    }
    int dec = csi_rep_decimals_for(unit, v.m, full);
    char m[64], lo[64], hi[64];
    csi_rep_fmt_val(m, sizeof m, unit, v.m, dec, 0);
    csi_rep_hf(b, "<span class=\"m\">%s</span>", m);
    if (isfinite(v.h)) {
        double l, h;
        csi_rep_interval(unit, v.m, v.h, &l, &h);
        csi_rep_fmt_val(lo, sizeof lo, unit, l, dec, 0);
        csi_rep_fmt_val(hi, sizeof hi, unit, h, dec, 0);
        csi_rep_hf(b, " <span class=\"ci\">(%s to %s)</span>", lo, hi);
    }
}

/* A variant's difference from the base: "-4.2 points (-5.0 to -3.4)" and whether it counts. */
static void diff_cell(cs_text_buf *b, int unit, mci d, double value, int better)
{
    if (!isfinite(d.m)) return;
    /* Counts keep the precision of the values compared (a change of 0 calls is "0", not "0.00");
     * times take theirs from the size of the change ("-0.4 s", "-1 min 33 s"). */
    int dec = unit == U_SHARE  ? 1
              : unit == U_TIME ? csi_rep_decimals_for(unit, d.m, 0)
                               : csi_rep_decimals_for(unit, value, 0);
    char m[64], lo[64], hi[64];
    int sig = isfinite(d.h) && fabs(d.m) > d.h;
    const char *cls = "ns", *tag = "not significant";
    if (!isfinite(d.h)) tag = "no interval";
    else if (sig && better != 0) {
        int good = (better > 0) == (d.m > 0);
        cls = good ? "better sig" : "worse sig";
        tag = good ? "significantly better" : "significantly worse";
    } else if (sig) cls = "neutral sig", tag = "significant change";
    if (unit == U_SHARE) {
        cs_text_fmt_fixed(m, sizeof m, 100.0 * d.m, dec, CS_TEXT_GROUP | CS_TEXT_SIGN);
        strncat(m, " points", sizeof m - strlen(m) - 1);
        cs_text_fmt_fixed(lo, sizeof lo, 100.0 * (d.m - d.h), dec, CS_TEXT_GROUP | CS_TEXT_SIGN);
        cs_text_fmt_fixed(hi, sizeof hi, 100.0 * (d.m + d.h), dec, CS_TEXT_GROUP | CS_TEXT_SIGN);
    } else {
        csi_rep_fmt_val(m, sizeof m, unit, d.m, dec, 1);
        csi_rep_fmt_val(lo, sizeof lo, unit, d.m - d.h, dec, 1);
        csi_rep_fmt_val(hi, sizeof hi, unit, d.m + d.h, dec, 1);
    }
    csi_rep_hf(b, "<span class=\"d %s\"><span class=\"dv\">%s</span>", cls, m);
    if (isfinite(d.h)) csi_rep_hf(b, " <span class=\"dci\">(%s to %s)</span>", lo, hi);
    csi_rep_hf(b, " <span class=\"tag\">%s</span></span>", tag);
}

/* Service level against the target, in a sentence under the table. */
static void verdict(cs_text_buf *b, const char *line, const feat *f, mci sl)
{
    if (!isfinite(sl.m) || !isfinite(sl.h) || !isfinite(f->target_share) || !isfinite(f->target_s)) return;
    char m[32], lo[32], hi[32], t[48], ts[32];
    double l, h;
    csi_rep_interval(U_SHARE, sl.m, sl.h, &l, &h);
    csi_rep_fmt_val(m, sizeof m, U_SHARE, sl.m, 1, 0);
    csi_rep_fmt_val(lo, sizeof lo, U_SHARE, l, 1, 0);
    csi_rep_fmt_val(hi, sizeof hi, U_SHARE, h, 1, 0);
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
static size_t all_lines(report *r, const char **names, size_t max)
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

static size_t all_pools(report *r, const char **names, size_t max)
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

/* Column chunks: [0, MAX_COLS), then the base again with the next variants, ... */
static size_t chunk_end(size_t c0, size_t n)
{
    size_t e = c0 == 0 ? MAX_COLS : c0 + MAX_COLS - 1;
    return e < n ? e : n;
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
                   "that is when it is very unlikely to be chance. Differences in percentages are in "
                   "percentage points.</p>\n");
    else
        cs_text_puts(b, "<p>For each line, the measures that matter most to callers, each as the average with "
                   "its 95% interval in brackets.</p>\n");
    const char *lines[64];
    size_t nl = all_lines(r, lines, 64);
    for (size_t li = 0; li < nl; li++) {
        const char *line = lines[li];
        const scen *own = owner_of_line(r, line);
        feat f0 = line_feat(own, line);
        cs_text_puts(b, "<h3>");
        csi_rep_line_title(b, line);
        cs_text_puts(b, "</h3>\n");
        if (!r->comparison) {
            const cs_json *k = cs_json_get(r->sc[0].lines, line);
            cs_text_puts(b, "<table class=\"kpi headline single\">\n<thead><tr><th scope=\"col\">Measure</th>"
                       "<th scope=\"col\" class=\"res\">Average (95% interval)</th></tr></thead>\n<tbody>\n");
            for (size_t h = 0; h < N_HEADLINE; h++) {
                const char *key = headline_keys[h];
                const kpi_def *d = find_kpi(line_kpis, N_LINE_KPIS, key);
                if (!cs_json_get(k, key) || !relevant(&f0, d->feature)) continue;
                cs_text_puts(b, "<tr><th scope=\"row\">");
                headline_label(r, b, key, line, &f0);
                cs_text_puts(b, "</th><td class=\"res\">");
                result_cell(b, d->unit, get_mci(k, key, "mean"), 0);
                cs_text_puts(b, "</td></tr>\n");
            }
            cs_text_puts(b, "</tbody>\n</table>\n");
            verdict(b, line, &f0, get_mci(k, "service_level", "mean"));
            continue;
        }
        for (size_t c0 = 0; c0 < r->n_sc; c0 = chunk_end(c0, r->n_sc)) {
            size_t c1 = chunk_end(c0, r->n_sc);
            cs_text_puts(b, "<table class=\"kpi cmp headline\">\n");
            cmp_header(r, b, c0, c1, "Measure");
            cs_text_puts(b, "<tbody>\n");
            for (size_t h = 0; h < N_HEADLINE; h++) {
                const char *key = headline_keys[h];
                const kpi_def *d = find_kpi(line_kpis, N_LINE_KPIS, key);
                int any = 0;
                for (size_t s = 0; s < r->n_sc; s++) {
                    feat fs = line_feat(&r->sc[s], line);
                    const cs_json *k = cs_json_get(r->sc[s].lines, line);
                    if (k && cs_json_get(k, key) && relevant(&fs, d->feature)) any = 1;
                }
                if (!any) continue;
                cs_text_puts(b, "<tr><th scope=\"row\">");
                headline_label(r, b, key, line, &f0);
                cs_text_puts(b, "</th>");
                for (size_t c = c0; c < c1; c++) {
                    size_t s = c == c0 ? 0 : c;
                    const scen *sc = &r->sc[s];
                    feat fs = line_feat(sc, line);
                    const cs_json *k = cs_json_get(sc->lines, line);
                    cs_text_puts(b, "<td class=\"res\">");
                    if (!k || !cs_json_get(k, key) || !relevant(&fs, d->feature)) {
                        cs_text_puts(b, "<span class=\"na\">&mdash;</span>");
                    } else {
                        mci v = get_mci(k, key, "mean");
                        result_cell(b, d->unit, v, 0);
                        if (s > 0)
                            diff_cell(b, d->unit, get_mci(cs_json_get(cs_json_get(sc->diff, "lines"), line), key, "diff"),
                                      v.m, d->better);
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
    size_t np = all_pools(r, pools, 64);
    if (np > 0) {
        cs_text_puts(b, "<h3>Staff</h3>\n");
        for (size_t c0 = 0; c0 < r->n_sc; c0 = chunk_end(c0, r->n_sc)) {
            size_t c1 = chunk_end(c0, r->n_sc);
            if (r->comparison) {
                cs_text_puts(b, "<table class=\"kpi cmp headline\">\n");
                cmp_header(r, b, c0, c1, "Team");
            } else {
                cs_text_puts(b, "<table class=\"kpi headline single\">\n<thead><tr><th scope=\"col\">Team</th>"
                           "<th scope=\"col\" class=\"res\">Average (95% interval)</th></tr></thead>\n");
            }
            cs_text_puts(b, "<tbody>\n");
            for (size_t p = 0; p < np; p++)
                for (int kk = 0; kk < 2; kk++) {
                    const char *key = kk == 0 ? "occupancy" : "on_duty";
                    const kpi_def *d = find_kpi(pool_kpis, N_POOL_KPIS, key);
                    csi_rep_hf(b, "<tr><th scope=\"row\">%s: %s</th>", pools[p],
                       kk == 0 ? "share of time on duty spent on calls" : "handlers on duty, on average");
                    for (size_t c = c0; c < c1; c++) {
                        size_t s = c == c0 ? 0 : c;
                        const cs_json *k = cs_json_get(r->sc[s].pools, pools[p]);
                        cs_text_puts(b, "<td class=\"res\">");
                        if (!cs_json_get(k, key)) cs_text_puts(b, "<span class=\"na\">&mdash;</span>");
                        else {
                            mci v = get_mci(k, key, "mean");
                            result_cell(b, d->unit, v, 0);
                            if (s > 0)
                                diff_cell(b, d->unit,
                                          get_mci(cs_json_get(cs_json_get(r->sc[s].diff, "pools"), pools[p]), key, "diff"),
                                          v.m, 0);
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
static void full_label(cs_text_buf *b, const kpi_def *d, const char *key, const feat *f)
{
    if (!d) {
        csi_rep_esc(b, key);
        return;
    }
    if (strcmp(key, "spilled_to_999") == 0 && f->spill_to) csi_rep_hf(b, "Gave up and rang %s", f->spill_to);
    else if (strcmp(key, "service_level") == 0 && isfinite(f->target_s)) {
        char t[48];
        csi_rep_target_words(t, sizeof t, f->target_s);
        csi_rep_hf(b, "Answered within %s", t);
    } else if (strcmp(key, "transferred") == 0 && f->xfer_to) csi_rep_hf(b, "Passed on to %s", f->xfer_to);
    else csi_rep_esc(b, d->label);
}

static void full_value(cs_text_buf *b, int unit, mci v)
{
    if (!isfinite(v.m)) {
        cs_text_puts(b, "<td class=\"num na\">&ndash;</td><td class=\"num na\"></td>");
        return;
    }
    int dec = csi_rep_decimals_for(unit, v.m, 1);
    char m[64], h[64];
    csi_rep_fmt_val(m, sizeof m, unit, v.m, dec, 0);
    csi_rep_hf(b, "<td class=\"num\">%s</td>", m);
    if (isfinite(v.h)) {
        if (unit == U_SHARE) {
            cs_text_fmt_fixed(h, sizeof h, 100.0 * v.h, dec, CS_TEXT_GROUP);
            csi_rep_hf(b, "<td class=\"num\">&plusmn; %s points</td>", h);
        } else {
            csi_rep_fmt_val(h, sizeof h, unit, v.h, unit == U_TIME ? csi_rep_decimals_for(unit, v.h, 1) : dec, 0);
            csi_rep_hf(b, "<td class=\"num\">&plusmn; %s</td>", h);
        }
    } else cs_text_puts(b, "<td class=\"num na\">&ndash;</td>");
}

/* One comparison cell of the full tables: "12.34% ± 0.41" and, for variants, the difference. */
static void full_cmp_cell(cs_text_buf *b, int unit, mci v, const mci *d)
{
    cs_text_puts(b, "<td class=\"res\">");
    if (!isfinite(v.m)) {
        cs_text_puts(b, "<span class=\"na\">&ndash;</span></td>");
        return;
    }
    int dec = csi_rep_decimals_for(unit, v.m, 1);
    char m[64], h[64];
    csi_rep_fmt_val(m, sizeof m, unit, v.m, dec, 0);
    csi_rep_hf(b, "<span class=\"m\">%s</span>", m);
    if (isfinite(v.h)) {
        if (unit == U_SHARE) cs_text_fmt_fixed(h, sizeof h, 100.0 * v.h, dec, CS_TEXT_GROUP);
        else csi_rep_fmt_val(h, sizeof h, unit, v.h, unit == U_TIME ? csi_rep_decimals_for(unit, v.h, 1) : dec, 0);
        csi_rep_hf(b, " <span class=\"ci\">&plusmn; %s</span>", h);
    }
    if (d && isfinite(d->m)) {
        int sig = isfinite(d->h) && fabs(d->m) > d->h;
        int dd = unit == U_TIME ? csi_rep_decimals_for(unit, d->m, 1) : dec;
        if (unit == U_SHARE) {
            cs_text_fmt_fixed(m, sizeof m, 100.0 * d->m, dd, CS_TEXT_GROUP | CS_TEXT_SIGN);
            cs_text_fmt_fixed(h, sizeof h, 100.0 * d->h, dd, CS_TEXT_GROUP);
        } else {
            csi_rep_fmt_val(m, sizeof m, unit, d->m, dd, 1);
            csi_rep_fmt_val(h, sizeof h, unit, d->h, unit == U_TIME ? csi_rep_decimals_for(unit, d->h, 1) : dd, 0);
        }
        csi_rep_hf(b, "<span class=\"d%r\">%s%r", sig ? " sig" : "", m, unit == U_SHARE ? " points" : "");
        if (isfinite(d->h)) csi_rep_hf(b, " &plusmn; %s", h);
        cs_text_puts(b, sig ? " *" : "");
        cs_text_puts(b, "</span>");
    }
    cs_text_puts(b, "</td>");
}

/* Row keys of a line over all scenarios: the catalogue order, then any unknown keys. */
static size_t row_keys(report *r, const char *line, int pool, const char **keys, size_t max)
{
    size_t n = 0;
    const kpi_def *defs = pool ? pool_kpis : line_kpis;
    size_t nd = pool ? N_POOL_KPIS : N_LINE_KPIS;
    for (size_t i = 0; i < nd; i++) {
        int any = 0;
        for (size_t s = 0; s < r->n_sc; s++) {
            const cs_json *k = cs_json_get(pool ? r->sc[s].pools : r->sc[s].lines, line);
            if (!cs_json_get(k, defs[i].key)) continue;
            feat f = pool ? (feat){0} : line_feat(&r->sc[s], line);
            if (pool || relevant(&f, defs[i].feature)) any = 1;
        }
        if (any && n < max) keys[n++] = defs[i].key;
    }
    for (size_t s = 0; s < r->n_sc; s++) {
        const cs_json *k = cs_json_get(pool ? r->sc[s].pools : r->sc[s].lines, line);
        for (size_t i = 0; i < cs_json_size(k); i++) {
            const char *key = cs_json_member_key(k, i);
            if (find_kpi(defs, nd, key)) continue;
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
    const kpi_def *defs = pool ? pool_kpis : line_kpis;
    size_t nd = pool ? N_POOL_KPIS : N_LINE_KPIS;
    feat f0 = pool ? (feat){0} : line_feat(owner_of_line(r, name), name);
    if (pool) f0.target_s = NAN;
    csi_rep_hf(b, "<h3>%s %s</h3>\n", pool ? "Team" : "Line", name);
    for (size_t c0 = 0; c0 < r->n_sc; c0 = chunk_end(c0, r->n_sc)) {
        size_t c1 = chunk_end(c0, r->n_sc);
        if (r->comparison) {
            cs_text_puts(b, "<table class=\"kpi cmp full\">\n");
            cmp_header(r, b, c0, c1, "Measure");
        } else {
            cs_text_puts(b, "<table class=\"kpi full\">\n<thead><tr><th scope=\"col\">Measure</th>"
                       "<th scope=\"col\" class=\"num\">Average</th><th scope=\"col\" class=\"num\">95% interval</th>"
                       "</tr></thead>\n");
        }
        cs_text_puts(b, "<tbody>\n");
        for (size_t i = 0; i < nk; i++) {
            const kpi_def *d = find_kpi(defs, nd, keys[i]);
            int unit = d ? d->unit : U_COUNT;
            cs_text_puts(b, "<tr><th scope=\"row\">");
            full_label(b, d, keys[i], &f0);
            cs_text_puts(b, "</th>");
            if (!r->comparison) {
                full_value(b, unit, get_mci(cs_json_get(pool ? r->sc[0].pools : r->sc[0].lines, name), keys[i], "mean"));
            } else {
                for (size_t c = c0; c < c1; c++) {
                    size_t s = c == c0 ? 0 : c;
                    const scen *sc = &r->sc[s];
                    const cs_json *k = cs_json_get(pool ? sc->pools : sc->lines, name);
                    feat fs = pool ? (feat){0} : line_feat(sc, name);
                    if (!k || !cs_json_get(k, keys[i]) || (!pool && d && !relevant(&fs, d->feature))) {
                        cs_text_puts(b, "<td class=\"res\"><span class=\"na\">&mdash;</span></td>");
                        continue;
                    }
                    mci dv = get_mci(cs_json_get(cs_json_get(sc->diff, pool ? "pools" : "lines"), name), keys[i], "diff");
                    full_cmp_cell(b, unit, get_mci(k, keys[i], "mean"), s > 0 ? &dv : NULL);
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
               "(callbacks, transfers, ...) are left out; every value is also in summary.json.", per);
    if (r->comparison)
        cs_text_puts(b, " Under each variant's value is its difference from the base &plusmn; the half-width of the "
                   "difference's 95% interval; * marks a significant difference.");
    cs_text_puts(b, "</p>\n");
    const char *names[64];
    size_t n = all_lines(r, names, 64);
    for (size_t i = 0; i < n; i++) full_table(r, names[i], 0);
    n = all_pools(r, names, 64);
    for (size_t i = 0; i < n; i++) full_table(r, names[i], 1);
    cs_text_puts(b, "</section>\n");
}

