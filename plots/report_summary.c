/* The HTML report: the Summary, its first section (see plots/report_int.h).
 *
 * Three to five plain sentences a reader can take away without reading further, built only from
 * summary.json:
 *   a run         per line (up to three): calls received in the measured period, said per week
 *                 and per year too, and the share answered within the target against the target
 *                 ("25.2 points short", "meeting it", "too close to call"); where callers are
 *                 lost, how many calls were abandoned and callers never reached anyone; with
 *                 101 -> 999 spillover, how many 999 calls 101's failures cause (per week and per
 *                 year, with the interval); then how busy the teams were, if room is left;
 *   a comparison  per line (up to three), which plan helps it most, on its service level (or
 *                 abandonment where the line has no target), with the change and its interval,
 *                 and the plan's cost where the scenarios give one (pools' cost_per_hour); then
 *                 every plan that makes a headline measure significantly worse, said plainly.
 * A change is only called a help or a harm when its 95% interval excludes zero at the precision
 * printed (cs_kpi_diff_verdict), as in the tables. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plots/report_int.h"

#define MAX_SENTENCES 5
#define MAX_LINES 3

/* ---- run ----------------------------------------------------------------------------------- */

static const cs_kpi_def *kd(const char *key) { return cs_kpi_find(CS_KPI_SCOPE_LINE, key); }

static void fmt(char *buf, size_t n, const char *key, double v) { cs_kpi_fmt(buf, n, kd(key), v, 0); }

/* "6,138 calls (about 320,000 a year)" for a count of the measured period. */
static void count_phrase(const report *r, cs_text_buf *b, double count, const char *noun)
{
    char a[48], o[96];
    cs_kpi_fmt(a, sizeof a, kd("offered"), count, 0);
    csi_rep_hf(b, "%s %s", a, noun);
    if (csi_rep_other_period(r, count, o, sizeof o)) csi_rep_hf(b, " (%s)", o);
}

/* "In the simulated week", "In the simulated year", "Over the 30 days simulated". */
static void period_opening(const report *r, cs_text_buf *b)
{
    double m = csi_rep_measured_s(r);
    if (r->per_year) cs_text_puts(b, "In the simulated year");
    else if (isfinite(m) && fabs(m - 604800.0) < 0.5) cs_text_puts(b, "In the simulated week");
    else if (isfinite(m)) {
        char d[48];
        csi_rep_dur_words(d, sizeof d, m);
        csi_rep_hf(b, "Over the %s simulated", d);
    } else cs_text_puts(b, "Over the measured period");
}

/* The target gap of a line in words: ", 25.2 points short of its 90% target". */
static void target_words(cs_text_buf *b, const feat *f, mci sl)
{
    char t[48], ts[32], g[32];
    csi_rep_target_words(t, sizeof t, f->target_s);
    csi_rep_pct_words(ts, sizeof ts, f->target_share);
    double lo = sl.m - (isfinite(sl.h) ? sl.h : 0), hi = sl.m + (isfinite(sl.h) ? sl.h : 0);
    if (hi < f->target_share) {
        cs_text_fmt_fixed(g, sizeof g, 100.0 * (f->target_share - sl.m), 1, 0);
        csi_rep_hf(b, " within %s against a target of %s: <b>%s points short</b>", t, ts, g);
    } else if (lo >= f->target_share) {
        csi_rep_hf(b, " within %s, <b>meeting its target</b> of %s", t, ts);
    } else {
        csi_rep_hf(b, " within %s against a target of %s: <b>too close to call</b> (the 95%% interval straddles "
                   "it)", t, ts);
    }
}

/* A target on abandonment alone (target: {max_abandon: 10%}, as for 101 today): the verdict
 * against the ceiling, as target_words gives it for a service level. */
static void ceiling_words(report *r, cs_text_buf *b, const char *line, mci ab)
{
    const cs_json *L = csi_rep_find_named(cs_json_get(r->sc[0].resolved, "lines"), line);
    double cap = csi_rep_jnum(cs_json_get(L, "target"), "max_abandon");
    if (!(cap > 0)) return;
    char c[48], g[48];
    fmt(c, sizeof c, "abandon_rate", cap);
    double lo = ab.m - (isfinite(ab.h) ? ab.h : 0), hi = ab.m + (isfinite(ab.h) ? ab.h : 0);
    if (lo > cap) {
        cs_text_fmt_fixed(g, sizeof g, 100.0 * (ab.m - cap), 1, 0);
        csi_rep_hf(b, " against a ceiling of %s: <b>%s points over</b>", c, g);
    } else if (hi <= cap) {
        csi_rep_hf(b, ", <b>within its ceiling</b> of %s", c);
    } else {
        csi_rep_hf(b, " against a ceiling of %s: <b>too close to call</b> (the 95%% interval straddles it)", c);
    }
}

static int line_sentence(report *r, cs_text_buf *b, const char *line, int first)
{
    const cs_json *k = cs_json_get(r->sc[0].lines, line);
    feat f = csi_rep_line_feat(&r->sc[0], line);
    mci off = csi_rep_mci(k, "offered", "mean"), sl = csi_rep_mci(k, "service_level", "mean");
    mci ab = csi_rep_mci(k, "abandon_rate", "mean");
    if (!isfinite(off.m)) return 0;
    char v[48];
    if (first) {
        period_opening(r, b);
        csi_rep_hf(b, ", the %s line received ", line);
    } else csi_rep_hf(b, "The %s line received ", line);
    count_phrase(r, b, off.m, "calls");
    if (isfinite(sl.m) && isfinite(f.target_s) && isfinite(f.target_share)) {
        fmt(v, sizeof v, "service_level", sl.m);
        csi_rep_hf(b, " and answered %s of them", v);
        target_words(b, &f, sl);
    } else if (isfinite(ab.m)) {
        fmt(v, sizeof v, "abandon_rate", ab.m);
        csi_rep_hf(b, "; %s of them were abandoned or cut off before contact", v);
        ceiling_words(r, b, line, ab);
    }
    cs_text_puts(b, ". ");
    return 1;
}

/* Where callers are lost: the line that spills to another, else the one losing most. */
static int lost_sentence(report *r, cs_text_buf *b, const char *const *lines, size_t nl)
{
    const char *pick = NULL;
    double worst = -1;
    for (size_t i = 0; i < nl; i++) {
        feat f = csi_rep_line_feat(&r->sc[0], lines[i]);
        double a = csi_rep_mci(cs_json_get(r->sc[0].lines, lines[i]), "abandon_rate", "mean").m;
        if (f.spill && f.known) {
            pick = lines[i];
            break;
        }
        if (isfinite(a) && a > worst) worst = a, pick = lines[i];
    }
    if (!pick) return 0;
    const cs_json *k = cs_json_get(r->sc[0].lines, pick);
    feat f = csi_rep_line_feat(&r->sc[0], pick);
    mci ab = csi_rep_mci(k, "abandon_rate", "mean"), nr = csi_rep_mci(k, "callers_never_reached", "mean");
    mci nrr = csi_rep_mci(k, "callers_never_reached_rate", "mean");
    if (!isfinite(ab.m)) return 0;
    char v[48], o[96];
    fmt(v, sizeof v, "abandon_rate", ab.m);
    csi_rep_hf(b, "On %s, %s of calls were abandoned or cut off before contact", pick, v);
    if (csi_rep_relevant(&f, CS_KPI_NEEDS_REPEAT) && isfinite(nrr.m) && isfinite(nr.m)) {
        fmt(v, sizeof v, "callers_never_reached_rate", nrr.m);
        csi_rep_hf(b, ", and %s of its callers never reached anyone on any line", v);
        double week, year;
        csi_rep_rates(r, nr.m, &week, &year);
        if (isfinite(week) && isfinite(year)) {
            char w[48], y[48];
            csi_rep_about(w, sizeof w, week);
            csi_rep_about(y, sizeof y, year);
            csi_rep_hf(b, " (about %s people a week, %s a year)", w, y);
        } else if (csi_rep_other_period(r, nr.m, o, sizeof o)) csi_rep_hf(b, " (%s)", o);
    }
    cs_text_puts(b, ". ");
    return 1;
}

/* 101 -> 999: how many 999 calls come from callers who gave up on another line. */
static int spill_sentence(report *r, cs_text_buf *b, const char *const *lines, size_t nl)
{
    for (size_t i = 0; i < nl; i++) {
        feat f = csi_rep_line_feat(&r->sc[0], lines[i]);
        const cs_json *k = cs_json_get(r->sc[0].lines, lines[i]);
        mci in = csi_rep_mci(k, "from_101", "mean"), share = csi_rep_mci(k, "from_101_share", "mean");
        if (!f.spill_in || !f.known || !isfinite(in.m)) continue;
        /* The lines that spill here, by name. */
        const char *from[8];
        size_t nf = 0;
        const cs_json *rl = cs_json_get(r->sc[0].resolved, "lines");
        for (size_t j = 0; j < cs_json_size(rl) && nf < 8; j++)
            if (csi_rep_jstreq(cs_json_get(cs_json_at(rl, j), "spillover"), "to", lines[i]))
                from[nf++] = csi_rep_jstr(cs_json_at(rl, j), "name");
        cs_text_buf who = {0};
        csi_rep_name_list(&who, from, nf, "", "");
        const char *src = who.p ? who.p : "another line";
        double week, year, wlo, whi, ylo, yhi;
        csi_rep_rates(r, in.m, &week, &year);
        csi_rep_rates(r, fmax(in.m - (isfinite(in.h) ? in.h : 0), 0), &wlo, &ylo);
        csi_rep_rates(r, in.m + (isfinite(in.h) ? in.h : 0), &whi, &yhi);
        char a[48], c[48], d[48], e[48];
        if (in.m == 0 && (!isfinite(in.h) || in.h == 0)) {
            /* "about 0 calls a week (95% interval 0 to 0)" reads as a rounding accident. */
            csi_rep_hf(b, "No caller who gave up on %r rang %s in these runs. ", src, lines[i]);
            cs_text_free(&who);
            return 1;
        }
        csi_rep_hf(b, "Failure on %r adds to %s's load: ", src, lines[i]);
        if (isfinite(week) && isfinite(year)) {
            csi_rep_about(a, sizeof a, week);
            csi_rep_about(e, sizeof e, year);
            csi_rep_hf(b, "<b>about %s calls a week (%s a year)</b> reached %s from callers who had given up on %r",
                       a, e, lines[i], src);
            if (isfinite(in.h)) {
                cs_text_fmt_fixed(c, sizeof c, wlo, 0, CS_TEXT_GROUP);
                cs_text_fmt_fixed(d, sizeof d, whi, 0, CS_TEXT_GROUP);
                csi_rep_hf(b, " (95%% interval %s to %s a week)", c, d);
            }
        } else {
            fmt(a, sizeof a, "from_101", in.m);
            csi_rep_hf(b, "<b>%s calls</b> reached %s from callers who had given up on %r", a, lines[i], src);
        }
        if (isfinite(share.m)) {   /* a small share with two decimals, so it does not read as none */
            cs_kpi_fmt(a, sizeof a, kd("from_101_share"), share.m, share.m < 0.01 ? CS_KPI_FMT_FINE : 0);
            csi_rep_hf(b, ", %s of its callers", a);
        }
        cs_text_puts(b, ". ");
        cs_text_free(&who);
        return 1;
    }
    return 0;
}

static int staff_sentence(report *r, cs_text_buf *b)
{
    const char *pools[8];
    size_t np = csi_rep_all_pools(r, pools, 8);
    if (np == 0) return 0;
    int n = 0;
    for (size_t p = 0; p < np; p++) {
        mci occ = csi_rep_mci(cs_json_get(r->sc[0].pools, pools[p]), "occupancy", "mean");
        if (!isfinite(occ.m)) continue;
        char v[32];
        cs_kpi_fmt(v, sizeof v, &cs_pool_kpis[CS_PK_OCCUPANCY], occ.m, 0);
        if (n == 0) csi_rep_hf(b, "The %s spent %s of their time on duty on calls", pools[p], v);
        else csi_rep_hf(b, "%s the %s %s", p + 1 == np ? " and" : ",", pools[p], v);
        n++;
    }
    if (n) cs_text_puts(b, " (above about 85% leaves little slack for a busy hour). ");
    return n > 0;
}

static void run_summary(report *r, cs_text_buf *b)
{
    const char *lines[64];
    size_t nl = 0;
    for (size_t i = 0; i < cs_json_size(r->sc[0].lines) && nl < 64; i++)
        lines[nl++] = cs_json_member_key(r->sc[0].lines, i);
    int n = csi_rep_staffing_sentence(r, b), n0 = n;   /* a staffing plan leads (report_staff.c) */
    for (size_t i = 0; i < nl && i < MAX_LINES; i++) n += line_sentence(r, b, lines[i], n == n0);
    if (nl > MAX_LINES) {
        csi_rep_hf(b, "The other %d lines are in the tables below. ", (int)(nl - MAX_LINES));
        n++;
    }
    if (n < MAX_SENTENCES) n += spill_sentence(r, b, lines, nl);
    if (n < MAX_SENTENCES) n += lost_sentence(r, b, lines, nl < MAX_LINES ? nl : MAX_LINES);
    if (n < MAX_SENTENCES) n += staff_sentence(r, b);
}

/* ---- replay --------------------------------------------------------------------------------- */

/* A replay: the log's own figures next to the simulated control room's, line by line; no yearly
 * figures (a log of a few days says nothing about a year). */
static void replay_summary(report *r, cs_text_buf *b)
{
    const cs_json *obs = cs_json_get(cs_json_get(r->summary, "replay"), "observed");
    int n = 0;
    for (size_t i = 0; i < cs_json_size(r->sc[0].lines) && n < MAX_SENTENCES - 1; i++) {
        const char *line = cs_json_member_key(r->sc[0].lines, i);
        const cs_json *o = cs_json_get(obs, line), *k = cs_json_get(r->sc[0].lines, line);
        double calls = csi_rep_jnum(o, "offered"), osl = csi_rep_jnum(o, "service_level");
        double oab = csi_rep_jnum(o, "abandon_rate");
        mci sl = csi_rep_mci(k, "service_level", "mean"), ab = csi_rep_mci(k, "abandon_rate", "mean");
        if (!isfinite(calls)) continue;
        feat f = csi_rep_line_feat(&r->sc[0], line);
        char a[48], c[48], t[48], d[48];
        cs_kpi_fmt(a, sizeof a, kd("offered"), calls, 0);
        csi_rep_hf(b, "The log has %s calls to the %s line", a, line);
        if (isfinite(osl) && isfinite(sl.m) && isfinite(f.target_s)) {
            fmt(c, sizeof c, "service_level", osl);
            fmt(d, sizeof d, "service_level", sl.m);
            csi_rep_target_words(t, sizeof t, f.target_s);
            csi_rep_hf(b, ": %s of them were answered within %s, and %s in the simulated control room", c, t, d);
        }
        if (isfinite(oab) && isfinite(ab.m)) {
            fmt(c, sizeof c, "abandon_rate", oab);
            fmt(d, sizeof d, "abandon_rate", ab.m);
            csi_rep_hf(b, "; %s were abandoned or cut off, against %s simulated", c, d);
        }
        cs_text_puts(b, ". ");
        n++;
    }
    if (n == 0) {
        run_summary(r, b);
        return;
    }
    if (n < MAX_SENTENCES) staff_sentence(r, b);
}

/* ---- comparison ---------------------------------------------------------------------------- */

/* An estimate of a scenario's staff cost a year: handlers on duty over the measured period,
 * grossed up by the pool's shrinkage to paid time, at the pool's cost per paid hour.  0 when a
 * pool has no cost_per_hour. */
static int scenario_cost(const report *r, const scen *s, double *per_year)
{
    const cs_json *pools = cs_json_get(s->resolved, "pools");
    double total = 0;
    if (cs_json_size(pools) == 0) return 0;
    for (size_t p = 0; p < cs_json_size(pools); p++) {
        const cs_json *P = cs_json_at(pools, p);
        double cost = csi_rep_jnum(P, "cost_per_hour"), shrink = csi_rep_jnum(P, "shrinkage");
        double duty = csi_rep_mci(cs_json_get(s->pools, csi_rep_jstr(P, "name")), "on_duty", "mean").m;
        if (!(cost > 0) || !isfinite(duty)) return 0;
        if (!(shrink >= 0 && shrink < 1)) shrink = 0;
        total += duty * 365.25 * 24.0 / (1.0 - shrink) * cost;
    }
    (void)r;
    *per_year = total;
    return 1;
}

/* The noun phrase of a headline KPI in sentences, and whether it is plural ("calls ... rise"). */
static void kpi_noun(cs_text_buf *b, const char *key, const feat *f, int *plural)
{
    char t[48];
    *plural = 1;
    if (strcmp(key, "service_level") == 0) {
        if (isfinite(f->target_s)) {
            csi_rep_target_words(t, sizeof t, f->target_s);
            csi_rep_hf(b, "calls answered within %s", t);
        } else cs_text_puts(b, "calls answered within the target time");
    } else if (strcmp(key, "abandon_rate") == 0) cs_text_puts(b, "calls abandoned or cut off");
    else if (strcmp(key, "never_reached_rate") == 0) cs_text_puts(b, "callers who never got through");
    else {
        *plural = 0;
        cs_text_puts(b, "the average wait to be answered");
    }
}

/* "calls answered within 10 seconds rise from 64.8% to 74.5% (+9.6 points, 95% interval +8.8 to
 * +10.4)" */
static void change_phrase(report *r, cs_text_buf *b, size_t s, const char *line, const char *key)
{
    const cs_kpi_def *d = kd(key);
    feat f = csi_rep_line_feat(&r->sc[0], line);
    mci base = csi_rep_mci(cs_json_get(r->sc[0].lines, line), key, "mean");
    mci var = csi_rep_mci(cs_json_get(r->sc[s].lines, line), key, "mean");
    mci dv = csi_rep_mci(cs_json_get(cs_json_get(r->sc[s].diff, "lines"), line), key, "diff");
    int plural;
    kpi_noun(b, key, &f, &plural);
    char a[48], c[48], x[48], lo[48], hi[48];
    cs_kpi_fmt(a, sizeof a, d, base.m, 0);
    cs_kpi_fmt(c, sizeof c, d, var.m, 0);
    cs_kpi_fmt(x, sizeof x, d, dv.m, CS_KPI_FMT_SIGN | CS_KPI_FMT_DIFF);
    if (cs_kpi_print_of(d) == CS_KPI_PRINT_PERCENT) {   /* the ends without repeating "points" */
        cs_text_fmt_fixed(lo, sizeof lo, 100 * (dv.m - dv.h), 1, CS_TEXT_SIGN | CS_TEXT_GROUP);
        cs_text_fmt_fixed(hi, sizeof hi, 100 * (dv.m + dv.h), 1, CS_TEXT_SIGN | CS_TEXT_GROUP);
    } else {
        cs_kpi_fmt(lo, sizeof lo, d, dv.m - dv.h, CS_KPI_FMT_SIGN | CS_KPI_FMT_DIFF);
        cs_kpi_fmt(hi, sizeof hi, d, dv.m + dv.h, CS_KPI_FMT_SIGN | CS_KPI_FMT_DIFF);
    }
    csi_rep_hf(b, " %s from %s to %s (%s; 95%% interval %s to %s)",
               dv.m > 0 ? (plural ? "rise" : "rises") : (plural ? "fall" : "falls"), a, c, x, lo, hi);
}

static const char *const harm_keys[] = {"service_level", "abandon_rate", "never_reached_rate", "asa"};
#define N_HARM (sizeof harm_keys / sizeof harm_keys[0])

/* The worst significant harm of variant s: the line and key with the largest change for the
 * worse (in points for shares; the first of harm_keys wins ties between kinds). */
static int worst_harm(report *r, size_t s, const char **line_out, const char **key_out, size_t *count)
{
    const char *lines[64];
    size_t nl = csi_rep_all_lines(r, lines, 64);
    double worst = 0;
    *count = 0;
    for (size_t k = 0; k < N_HARM; k++)
        for (size_t i = 0; i < nl; i++) {
            const cs_kpi_def *d = kd(harm_keys[k]);
            mci dv = csi_rep_mci(cs_json_get(cs_json_get(r->sc[s].diff, "lines"), lines[i]), d->name, "diff");
            feat f = csi_rep_line_feat(&r->sc[s], lines[i]);
            if (!csi_rep_relevant(&f, d->needs)) continue;
            if (cs_kpi_diff_verdict(d, dv.m, dv.h, 0) != CS_KPI_DIFF_REAL) continue;
            if ((d->better > 0) == (dv.m > 0)) continue;   /* better, not worse */
            (*count)++;
            /* Shares against each other in points; a wait only when no share got worse. */
            double size = cs_kpi_kind_of(d) == CS_KPI_SHARE ? fabs(dv.m) : 1e-9 * fabs(dv.m);
            if (size > worst) {
                worst = size;
                *line_out = lines[i];
                *key_out = d->name;
            }
        }
    return *count > 0;
}

static void cmp_summary(report *r, cs_text_buf *b)
{
    const char *lines[64];
    size_t nl = 0;
    for (size_t i = 0; i < cs_json_size(r->sc[0].lines) && nl < 64; i++)
        lines[nl++] = cs_json_member_key(r->sc[0].lines, i);
    int n = 0;
    double cost0 = 0, cost;
    int costs = scenario_cost(r, &r->sc[0], &cost0);
    for (size_t s = 1; costs && s < r->n_sc; s++) costs = scenario_cost(r, &r->sc[s], &cost);
    for (size_t i = 0; i < nl && i < MAX_LINES && n < MAX_SENTENCES - 1; i++) {
        feat f = csi_rep_line_feat(&r->sc[0], lines[i]);
        const char *key = isfinite(f.target_share) ? "service_level" : "abandon_rate";
        const cs_kpi_def *d = kd(key);
        size_t best = 0;
        double gain = 0;
        for (size_t s = 1; s < r->n_sc; s++) {
            mci dv = csi_rep_mci(cs_json_get(cs_json_get(r->sc[s].diff, "lines"), lines[i]), key, "diff");
            if (cs_kpi_diff_verdict(d, dv.m, dv.h, 0) != CS_KPI_DIFF_REAL) continue;
            double g = d->better * dv.m;
            if (g > gain) gain = g, best = s;
        }
        if (!best) {
            csi_rep_hf(b, "No plan significantly improves the %s line's ", lines[i]);
            int plural;
            kpi_noun(b, key, &f, &plural);
            cs_text_puts(b, ". ");
        } else {
            csi_rep_hf(b, "For the %s line, <b>&ldquo;%s&rdquo; helps most</b>: ", lines[i], r->sc[best].name);
            change_phrase(r, b, best, lines[i], key);
            if (costs && scenario_cost(r, &r->sc[best], &cost)) {
                char c[48];
                csi_rep_about(c, sizeof c, fabs(cost - cost0));
                if (fabs(cost - cost0) < 0.5) cs_text_puts(b, ", at no extra staff cost");
                else csi_rep_hf(b, ", for about %s a year %s in staff (estimated from handlers on duty and shrinkage)", c,
                                cost > cost0 ? "more" : "less");
            }
            cs_text_puts(b, ". ");
        }
        n++;
    }
    /* Every plan that makes something worse, said plainly. */
    size_t harmful[64], nh = 0;
    for (size_t s = 1; s < r->n_sc && nh < 64; s++) {
        const char *line = NULL, *key = NULL;
        size_t count;
        if (worst_harm(r, s, &line, &key, &count)) harmful[nh++] = s;
    }
    if (nh == 0) {
        cs_text_puts(b, "No plan makes any line's service level, abandonment, unreached callers or waiting time "
                        "significantly worse. ");
        return;
    }
    for (size_t h = 0; h < nh; h++) {
        if (n >= MAX_SENTENCES - 1 && h + 1 < nh) {
            /* No room for a sentence each: name the rest. */
            cs_text_puts(b, "Also ");
            for (size_t j = h; j < nh; j++)
                csi_rep_hf(b, "%r&ldquo;%s&rdquo;", j == h ? "" : j + 1 == nh ? " and " : ", ", r->sc[harmful[j]].name);
            csi_rep_hf(b, " make%s something significantly worse (see the tables). ", nh - h == 1 ? "s" : "");
            return;
        }
        size_t s = harmful[h], count;
        const char *line = NULL, *key = NULL;
        worst_harm(r, s, &line, &key, &count);
        csi_rep_hf(b, "<b>&ldquo;%s&rdquo; makes things worse</b>: on the %s line, ", r->sc[s].name, line);
        change_phrase(r, b, s, line, key);
        if (count > 1) csi_rep_hf(b, ", and %d other headline measure%s get%s worse", (int)count - 1, count == 2 ? "" : "s",
                                  count == 2 ? "s" : "");
        cs_text_puts(b, ". ");
        n++;
    }
}

void csi_rep_summary(report *r)
{
    cs_text_buf *b = &r->out;
    cs_text_puts(b, "<section class=\"summary\" id=\"summary\">\n<h2>Summary</h2>\n<p class=\"exec\">");
    if (r->comparison) cmp_summary(r, b);
    else if (csi_rep_is_replay(r)) replay_summary(r, b);
    else run_summary(r, b);
    cs_text_puts(b, "</p>\n<p class=\"note\">Averages over the simulation&rsquo;s replications; the tables give "
                    "each figure&rsquo;s 95% interval.");
    if (r->whatif)
        csi_rep_hf(b, " These figures are for the %s&rsquo;s reference run; what the %s found follows.",
                   csi_rep_whatif_kicker(r), csi_rep_whatif_kicker(r));
    if (r->comparison)
        cs_text_puts(b, " A plan is said to help or to make things worse only when the 95% interval of its "
                        "difference from the base excludes zero.");
    else if (csi_rep_is_replay(r))
        cs_text_puts(b, " The log is one realisation of the real control room; the next section compares it "
                        "hour by hour with the range single simulated replications fall in.");
    else if (r->per_year)
        cs_text_puts(b, " Weekly figures are the year&rsquo;s divided by 52.18.");
    else
        cs_text_puts(b, " Yearly figures scale the measured period up to a year: they assume the rest of the year "
                        "is like it.");
    cs_text_puts(b, "</p>\n</section>\n");
}
