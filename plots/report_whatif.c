/* The HTML report: what a sweep, a sensitivity analysis or a calibration found, in words and
 * tables (see plots/report_int.h).  Everything comes from summary.json as the commands write it
 * (cli/cmd_sweep.c, cmd_sensitivity.c, cmd_calibrate.c); the headline and full tables that
 * follow in the report are for the folder's reference run (the first point of a sweep, the base
 * of a sensitivity analysis, the calibrated scenario as written). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plots/report_int.h"

/* Rows of a sweep table and KPIs described, at most (the CSV has everything). */
#define MAX_ROWS 60
#define MAX_KPIS 24

/* NULL-safe lookups: summary.json is checked by report_check.c only for the keys every report
 * reads, so a hand-edited what-if summary may hold anything; a missing name reads as "". */
static const cs_json *get(const cs_json *o, const char *k) { return k ? cs_json_get(o, k) : NULL; }
static const char *str(const cs_json *o, const char *k)
{
    const char *s = k ? csi_rep_jstr(o, k) : NULL;
    return s ? s : "";
}

static int unit_of(const char *u)
{
    if (!u) return U_COUNT;
    if (strcmp(u, "share") == 0) return U_SHARE;
    if (strcmp(u, "s") == 0) return U_TIME;
    if (strcmp(u, "handlers") == 0) return U_STAFF;
    return U_COUNT;
}

static void val(char *buf, size_t n, int unit, double v, int sign)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "-");
        return;
    }
    csi_rep_fmt_val(buf, n, unit, v, csi_rep_decimals_for(unit, v, 1), sign);
}

/* A difference in words: "+1.2 percentage points (+0.8 to +1.6)". */
static void diff_words(cs_text_buf *b, int unit, double d, double h)
{
    char x[64], lo[64], hi[64];
    int dec = unit == U_SHARE ? 2 : csi_rep_decimals_for(unit, d, 1);
    double f = unit == U_SHARE ? 100 : 1;
    if (!isfinite(d)) {
        cs_text_puts(b, "not defined");
        return;
    }
    if (unit == U_SHARE) {
        cs_text_fmt_fixed(x, sizeof x, f * d, dec, CS_TEXT_SIGN | CS_TEXT_GROUP);
        csi_rep_hf(b, "%s percentage points", x);
    } else {
        csi_rep_fmt_val(x, sizeof x, unit, d, dec, 1);
        csi_rep_hf(b, "%s", x);
    }
    if (isfinite(h)) {
        if (unit == U_SHARE) {
            cs_text_fmt_fixed(lo, sizeof lo, f * (d - h), dec, CS_TEXT_SIGN | CS_TEXT_GROUP);
            cs_text_fmt_fixed(hi, sizeof hi, f * (d + h), dec, CS_TEXT_SIGN | CS_TEXT_GROUP);
        } else {
            csi_rep_fmt_val(lo, sizeof lo, unit, d - h, dec, 1);
            csi_rep_fmt_val(hi, sizeof hi, unit, d + h, dec, 1);
        }
        csi_rep_hf(b, " (95%% interval %s to %s)", lo, hi);
    }
}

static int clear_diff(double d, double h) { return isfinite(d) && isfinite(h) && fabs(d) > h; }

static void kpi_title(cs_text_buf *b, const cs_json *k)
{
    const char *line = csi_rep_jstr(k, "line");
    if (line) csi_rep_line_title(b, line);
    else csi_rep_hf(b, "Team %s", str(k, "pool"));
    csi_rep_hf(b, ": %s", str(k, "label"));
}

static const cs_json *entity_kpis(const cs_json *point, const cs_json *k)
{
    const char *line = csi_rep_jstr(k, "line");
    return get(cs_json_get(point, line ? "lines" : "pools"), line ? line : csi_rep_jstr(k, "pool"));
}

/* ---- sweep ------------------------------------------------------------------------------- */

static void sweep(report *r)
{
    cs_text_buf *b = &r->out;
    const cs_json *S = r->summary, *varied = cs_json_get(S, "varied"), *points = cs_json_get(S, "points");
    const cs_json *kpis = cs_json_get(S, "kpis");
    size_t na = cs_json_size(varied), np = cs_json_size(points);
    csi_rep_hf(b, "<p class=\"lead\">The scenario was run at %d point%s: ", (int)np, np == 1 ? "" : "s");
    for (size_t a = 0; a < na; a++) {
        const cs_json *ax = cs_json_at(varied, a), *vals = cs_json_get(ax, "values");
        size_t nv = cs_json_size(vals);
        if (a > 0) cs_text_puts(b, a + 1 == na ? " and, for each, " : ", ");
        csi_rep_hf(b, "<code>%s</code> took the value%s ", str(ax, "path"), nv == 1 ? "" : "s");
        for (size_t i = 0; i < nv; i++)
            {
                const char *t = cs_json_string_value(cs_json_at(vals, i));
                csi_rep_hf(b, "%s%s", i == 0 ? "" : i + 1 == nv ? " and " : ", ", t ? t : "");
            }
    }
    csi_rep_hf(b, ". Every point ran %s replications on the same random callers (common random numbers), so the "
               "differences between points come from the input and not from chance; each is measured replication "
               "by replication against the first point. The headline results and full tables further down are "
               "for the first point.</p>\n", r->reps);
    const cs_json *first = cs_json_at(points, 0), *last = cs_json_at(points, np ? np - 1 : 0);
    size_t nk = cs_json_size(kpis);
    for (size_t q = 0; q < nk && q < MAX_KPIS; q++) {
        const cs_json *k = cs_json_at(kpis, q);
        const char *key = csi_rep_jstr(k, "key");
        int unit = unit_of(csi_rep_jstr(k, "unit"));
        if (!key) continue;
        cs_text_puts(b, "<h3>");
        kpi_title(b, k);
        cs_text_puts(b, "</h3>\n");
        if (np > 1) {
            const cs_json *m0 = get(entity_kpis(first, k), key), *m1 = get(entity_kpis(last, k), key);
            const cs_json *d = get(entity_kpis(cs_json_get(last, "differences"), k), key);
            char a[64], z[64];
            val(a, sizeof a, unit, csi_rep_jnum(m0, "mean"), 0);
            val(z, sizeof z, unit, csi_rep_jnum(m1, "mean"), 0);
            double dd = csi_rep_jnum(d, "diff"), dh = csi_rep_jnum(d, "ci95");
            csi_rep_hf(b, "<p>From the first point to the last it goes from %s to %s: a change of ", a, z);
            diff_words(b, unit, dd, dh);
            cs_text_puts(b, clear_diff(dd, dh) ? ", larger than the simulation's noise.</p>\n"
                                                  : ", which these replications cannot tell from no change.</p>\n");
        }
        cs_text_puts(b, "<table class=\"kpi full\">\n<thead><tr>");
        for (size_t a = 0; a < na; a++)
            csi_rep_hf(b, "<th scope=\"col\">%s</th>", str(cs_json_at(varied, a), "path"));
        cs_text_puts(b, "<th scope=\"col\" class=\"res\">Average (95% interval)</th>"
                           "<th scope=\"col\" class=\"res\">Change from the first point</th></tr></thead>\n<tbody>\n");
        for (size_t p = 0; p < np && p < MAX_ROWS; p++) {
            const cs_json *pt = cs_json_at(points, p), *vals = cs_json_get(pt, "values");
            cs_text_puts(b, "<tr>");
            for (size_t a = 0; a < na; a++)
                csi_rep_hf(b, "<td>%s</td>", str(vals, csi_rep_jstr(cs_json_at(varied, a), "path")));
            const cs_json *m = get(entity_kpis(pt, k), key);
            double mm = csi_rep_jnum(m, "mean"), mh = csi_rep_jnum(m, "ci95");
            char v[64], lo[64], hi[64];
            val(v, sizeof v, unit, mm, 0);
            csi_rep_hf(b, "<td class=\"res\"><span class=\"m\">%s</span>", v);
            if (isfinite(mm) && isfinite(mh)) {
                double l, h;
                csi_rep_interval(unit, mm, mh, &l, &h);
                val(lo, sizeof lo, unit, l, 0);
                val(hi, sizeof hi, unit, h, 0);
                csi_rep_hf(b, " <span class=\"ci\">(%s to %s)</span>", lo, hi);
            }
            cs_text_puts(b, "</td><td class=\"res\">");
            const cs_json *d = get(entity_kpis(cs_json_get(pt, "differences"), k), key);
            if (p > 0) diff_words(b, unit, csi_rep_jnum(d, "diff"), csi_rep_jnum(d, "ci95"));
            cs_text_puts(b, "</td></tr>\n");
        }
        cs_text_puts(b, "</tbody>\n</table>\n");
        if (np > MAX_ROWS) csi_rep_hf(b, "<p class=\"note\">The first %d points are shown; sweep.csv has all.</p>\n", MAX_ROWS);
    }
}

/* ---- sensitivity ------------------------------------------------------------------------- */

static void sensitivity(report *r)
{
    cs_text_buf *b = &r->out;
    const cs_json *S = r->summary, *inputs = cs_json_get(S, "inputs"), *kpis = cs_json_get(S, "kpis");
    size_t ni = cs_json_size(inputs), nk = cs_json_size(kpis);
    csi_rep_hf(b, "<p class=\"lead\">Each of %d uncertain input%s was set to a low and then a high value, one at a "
               "time, with everything else as in the base scenario. Every run had %s replications on the same random "
               "callers (common random numbers), so each change is measured replication by replication against the "
               "base. For every figure the inputs are ranked by their <em>swing</em>, the difference between the "
               "figure at the high and at the low value: the first is the assumption that moves that answer most. "
               "The headline results and full tables further down are for the base.</p>\n",
               (int)ni, ni == 1 ? "" : "s", r->reps);
    cs_text_puts(b, "<table class=\"kpi full\">\n<thead><tr><th scope=\"col\">Input</th><th scope=\"col\">Low</th>"
                       "<th scope=\"col\">High</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < ni; i++) {
        const cs_json *in = cs_json_at(inputs, i);
        csi_rep_hf(b, "<tr><td><code>%s</code></td><td>%s</td><td>%s</td></tr>\n", str(in, "path"), str(in, "low"),
                   str(in, "high"));
    }
    cs_text_puts(b, "</tbody>\n</table>\n");

    /* Which input tops the most rankings (with a clear swing). */
    size_t top_count[64] = {0}, ranked = 0;
    for (size_t q = 0; q < nk; q++) {
        const cs_json *e = cs_json_at(cs_json_get(cs_json_at(kpis, q), "ranked"), 0);
        const cs_json *sw = cs_json_get(e, "swing");
        if (!clear_diff(csi_rep_jnum(sw, "diff"), csi_rep_jnum(sw, "ci95"))) continue;
        ranked++;
        for (size_t i = 0; i < ni && i < 64; i++)
            if (csi_rep_jstreq(e, "input", str(cs_json_at(inputs, i), "path"))) top_count[i]++;
    }
    size_t best = 0;
    for (size_t i = 1; i < ni && i < 64; i++)
        if (top_count[i] > top_count[best]) best = i;
    if (ranked > 0 && ni > 0)
        csi_rep_hf(b, "<p class=\"verdict\"><b>In short:</b> of the %d figure%s that any input moves by more than the "
                   "simulation's noise, <code>%s</code> moves %d the most.</p>\n", (int)ranked, ranked == 1 ? "" : "s",
                   str(cs_json_at(inputs, best), "path"), (int)top_count[best]);
    else
        cs_text_puts(b, "<p class=\"verdict\"><b>In short:</b> no input moves any figure by more than the "
                           "simulation's noise at these replications.</p>\n");

    for (size_t q = 0; q < nk && q < MAX_KPIS; q++) {
        const cs_json *k = cs_json_at(kpis, q), *rk = cs_json_get(k, "ranked");
        int unit = unit_of(csi_rep_jstr(k, "unit"));
        size_t n = cs_json_size(rk);
        char base[64];
        val(base, sizeof base, unit, csi_rep_jnum(k, "base"), 0);
        cs_text_puts(b, "<h3>");
        kpi_title(b, k);
        cs_text_puts(b, "</h3>\n");
        const cs_json *e0 = cs_json_at(rk, 0), *sw0 = cs_json_get(e0, "swing");
        csi_rep_hf(b, "<p>In the base it is %s. ", base);
        if (e0 && clear_diff(csi_rep_jnum(sw0, "diff"), csi_rep_jnum(sw0, "ci95"))) {
            csi_rep_hf(b, "It moves most with <code>%s</code>: from %s to %s it changes by ", str(e0, "input"),
                       str(e0, "low"), str(e0, "high"));
            diff_words(b, unit, csi_rep_jnum(sw0, "diff"), csi_rep_jnum(sw0, "ci95"));
            cs_text_puts(b, ".");
            int said = 0;
            for (size_t i = 1; i < n && i < 3; i++) {
                const cs_json *e = cs_json_at(rk, i), *sw = cs_json_get(e, "swing");
                if (!clear_diff(csi_rep_jnum(sw, "diff"), csi_rep_jnum(sw, "ci95"))) break;
                csi_rep_hf(b, "%s<code>%s</code> (", said ? "; then " : " Next comes ", str(e, "input"));
                diff_words(b, unit, csi_rep_jnum(sw, "diff"), NAN);
                cs_text_puts(b, ")");
                said = 1;
            }
            if (said) cs_text_puts(b, ".");
            size_t quiet = 0;
            for (size_t i = 0; i < n; i++) {
                const cs_json *sw = cs_json_get(cs_json_at(rk, i), "swing");
                quiet += !clear_diff(csi_rep_jnum(sw, "diff"), csi_rep_jnum(sw, "ci95"));
            }
            if (quiet)
                csi_rep_hf(b, " %d input%s cannot be told from no effect here.", (int)quiet, quiet == 1 ? "" : "s");
        } else {
            cs_text_puts(b, "No input moves it by more than the simulation's noise at these replications.");
        }
        cs_text_puts(b, "</p>\n<table class=\"kpi full\">\n<thead><tr><th scope=\"col\">Rank</th><th scope=\"col\">"
                           "Input</th><th scope=\"col\" class=\"res\">At the low value</th><th scope=\"col\" "
                           "class=\"res\">At the high value</th><th scope=\"col\" class=\"res\">Swing</th></tr></thead>\n"
                           "<tbody>\n");
        for (size_t i = 0; i < n; i++) {
            const cs_json *e = cs_json_at(rk, i);
            const char *keys[3] = {"change_low", "change_high", "swing"};
            csi_rep_hf(b, "<tr><td>%d</td><td><code>%s</code> (%s / %s)</td>", (int)i + 1, str(e, "input"),
                       str(e, "low"), str(e, "high"));
            for (int j = 0; j < 3; j++) {
                const cs_json *d = cs_json_get(e, keys[j]);
                cs_text_puts(b, "<td class=\"res\">");
                diff_words(b, unit, csi_rep_jnum(d, "diff"), csi_rep_jnum(d, "ci95"));
                cs_text_puts(b, "</td>");
            }
            cs_text_puts(b, "</tr>\n");
        }
        cs_text_puts(b, "</tbody>\n</table>\n");
    }
    cs_text_puts(b, "<p class=\"note\">One input at a time: effects that appear only when two inputs change "
                       "together are not seen here (a sweep over both shows them).</p>\n");
}

/* ---- calibration ------------------------------------------------------------------------- */

static void calibration(report *r)
{
    cs_text_buf *b = &r->out;
    const cs_json *S = r->summary, *fr = cs_json_get(S, "free"), *mt = cs_json_get(S, "match");
    size_t nf = cs_json_size(fr), nm = cs_json_size(mt);
    int brent = csi_rep_jstreq(S, "method", "brent");
    csi_rep_hf(b, "<p class=\"lead\">The value%s of %d input%s %s chosen so that the simulation reproduces published "
               "figures, by %s on the same random callers at every try (common random numbers, %s replications). The "
               "uncertainty given with each fitted value is how far it could move with other random numbers; it does not "
               "include doubt about the model's other assumptions or about the published figures. The headline results "
               "and full tables further down are for the calibrated scenario as written (calibrated.yaml).</p>\n",
               nf == 1 ? "" : "s", (int)nf, nf == 1 ? "" : "s", nf == 1 ? "was" : "were",
               brent ? "root finding (Brent's method)" : "least squares (the Nelder-Mead simplex)", r->reps);
    cs_text_puts(b, "<table class=\"kpi full\">\n<thead><tr><th scope=\"col\">Input</th><th scope=\"col\">Range "
                       "searched</th><th scope=\"col\" class=\"res\">Fitted (95% interval)</th><th scope=\"col\" "
                       "class=\"res\">Written</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < nf; i++) {
        const cs_json *f = cs_json_at(fr, i);
        double x = csi_rep_jnum(f, "fitted"), h = csi_rep_jnum(f, "ci95");
        char xs[64], hs[64];
        const char *unit = str(f, "unit");
        int dec = isfinite(h) && h > 0 ? (int)ceil(-log10(h / 10)) : 2;
        if (dec < 0) dec = 0;
        if (dec > 4) dec = 4;
        cs_text_fmt_fixed(xs, sizeof xs, x, dec, CS_TEXT_GROUP);
        cs_text_fmt_fixed(hs, sizeof hs, h, dec, CS_TEXT_GROUP);
        csi_rep_hf(b, "<tr><td><code>%s</code></td><td>%s to %s</td><td class=\"res\">%s%s%s", str(f, "path"),
                   str(f, "low"), str(f, "high"), xs, *unit ? " " : "", unit);
        if (isfinite(h)) csi_rep_hf(b, " <span class=\"ci\">(&plusmn; %s)</span>", hs);
        else cs_text_puts(b, " <span class=\"ci\">(not determined)</span>");
        csi_rep_hf(b, "</td><td class=\"res\">%s</td></tr>\n", str(f, "written"));
    }
    cs_text_puts(b, "</tbody>\n</table>\n<table class=\"kpi full\">\n<thead><tr><th scope=\"col\">Figure</th>"
                       "<th scope=\"col\" class=\"res\">Published</th><th scope=\"col\" class=\"res\">Simulated at the "
                       "fit</th><th scope=\"col\" class=\"res\">With the values written</th></tr></thead>\n<tbody>\n");
    for (size_t q = 0; q < nm; q++) {
        const cs_json *m = cs_json_at(mt, q);
        int unit = unit_of(csi_rep_jstr(m, "unit"));
        int predicted = !isfinite(csi_rep_jnum(m, "target"));   /* --show: a prediction */
        char a[64], z[64], ah[64], zh[64];
        val(a, sizeof a, unit, csi_rep_jnum(m, "fitted"), 0);
        val(z, sizeof z, unit, csi_rep_jnum(m, "written"), 0);
        val(ah, sizeof ah, unit, csi_rep_jnum(m, "ci95"), 0);
        val(zh, sizeof zh, unit, csi_rep_jnum(m, "written_ci95"), 0);
        csi_rep_hf(b, "<tr><td><code>%s</code> (%s)</td><td class=\"res\">%s</td><td class=\"res\">%s "
                   "<span class=\"ci\">(&plusmn; %s)</span></td><td class=\"res\">%s <span class=\"ci\">(&plusmn; %s)"
                   "</span></td></tr>\n", str(m, "kpi"), str(m, "label"),
                   predicted ? "predicted, not fitted" : str(m, "target_text"), a, ah, z, zh);
    }
    cs_text_puts(b, "</tbody>\n</table>\n");
    const cs_json *w = cs_json_get(S, "warnings");
    for (size_t i = 0; i < cs_json_size(w); i++)
        if (cs_json_string_value(cs_json_at(w, i)))
            csi_rep_hf(b, "<p class=\"note\"><b>Warning:</b> %s</p>\n", cs_json_string_value(cs_json_at(w, i)));
}

/* ---- entry points ------------------------------------------------------------------------ */

const char *csi_rep_whatif_kicker(const report *r)
{
    if (!r->whatif) return "";
    if (strcmp(r->whatif, "sweep") == 0) return "sweep";
    if (strcmp(r->whatif, "sensitivity") == 0) return "sensitivity analysis";
    return "calibration";
}

void csi_rep_whatif(report *r)
{
    csi_rep_hf(&r->out, "<section class=\"whatif\" id=\"whatif\">\n<h2>The %s</h2>\n", csi_rep_whatif_kicker(r));
    if (strcmp(r->whatif, "sweep") == 0) sweep(r);
    else if (strcmp(r->whatif, "sensitivity") == 0) sensitivity(r);
    else calibration(r);
    cs_text_puts(&r->out, "</section>\n");
}
