/* The HTML report: the staffing plan of `callsim staff --out DIR --report` (see plots/report_int.h).
 * Everything comes from summary.json's "staffing" member as cli/cmd_staff.c writes it; the
 * headline and tables that follow in the report are the verification run of the chosen roster.
 * summary.json is checked by report_check.c only for the keys every report reads, so a
 * hand-edited member may hold anything: every lookup here is NULL-safe and a value of the wrong
 * type reads as missing. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plots/report_int.h"

#define MAX_MISSES 12
#define WEEKS_PER_YEAR (365.25 / 7.0)

static const char *str(const cs_json *o, const char *k)
{
    const char *s = csi_rep_jstr(o, k);
    return s ? s : "";
}

static void group0(char *buf, size_t n, double v)
{
    if (!isfinite(v)) snprintf(buf, n, "-");
    else cs_text_fmt_fixed(buf, n, v, 0, CS_TEXT_GROUP);
}

static void pct(char *buf, size_t n, double v)
{
    if (!isfinite(v)) snprintf(buf, n, "-");
    else csi_rep_fmt_val(buf, n, U_SHARE, v, 1, 0);
}

/* "+12%" change from a to b. */
static void change(char *buf, size_t n, double a, double b)
{
    if (!(a > 0) || !isfinite(b)) {
        snprintf(buf, n, "-");
        return;
    }
    size_t len = 0;
    cs_text_fmt_fixed(buf, n, 100 * (b - a) / a, 0, CS_TEXT_SIGN);
    len = strlen(buf);
    if (len + 1 < n) {
        buf[len] = '%';
        buf[len + 1] = '\0';
    }
}

static void targets_words(report *r, cs_text_buf *b)
{
    const cs_json *lines = r->sc[0].resolved ? cs_json_get(r->sc[0].resolved, "lines") : NULL;
    size_t n = lines ? cs_json_size(lines) : 0, shown = 0;
    for (size_t i = 0; i < n; i++) {
        const cs_json *L = cs_json_at(lines, i), *t = cs_json_get(L, "target");
        double share = csi_rep_jnum(t, "share"), within = csi_rep_jnum(t, "answer_within_s"),
               ab = csi_rep_jnum(t, "max_abandon");
        if (!isfinite(share) && !isfinite(ab)) continue;
        cs_text_puts(b, shown ? (i + 1 == n ? " and " : ", ") : "");
        csi_rep_hf(b, "on line %s, ", str(L, "name"));
        char t1[48], t2[48];
        if (isfinite(share) && isfinite(within)) {
            csi_rep_pct_words(t1, sizeof t1, share);
            csi_rep_target_words(t2, sizeof t2, within);
            csi_rep_hf(b, "%s of calls answered within %s", t1, t2);
        }
        if (isfinite(ab)) {
            csi_rep_pct_words(t1, sizeof t1, ab);
            csi_rep_hf(b, "%sat most %s abandoned or cut off", isfinite(share) ? " and " : "", t1);
        }
        shown++;
    }
    if (!shown) cs_text_puts(b, "the lines' targets");
}

static void cost_table(report *r, const cs_json *st)
{
    cs_text_buf *b = &r->out;
    const cs_json *pools = cs_json_get(st, "pools");
    size_t n = pools ? cs_json_size(pools) : 0;
    int costed = 0;
    for (size_t i = 0; i < n; i++) costed |= isfinite(csi_rep_jnum(cs_json_at(pools, i), "cost_per_hour"));
    cs_text_puts(b, "<table class=\"kpi\"><thead><tr><th>Team</th><th>Roster</th><th class=\"num\">Paid hours a "
                    "week</th><th class=\"num\">Paid hours a year</th>");
    if (costed) cs_text_puts(b, "<th class=\"num\">Cost a week</th><th class=\"num\">Cost a year</th>");
    cs_text_puts(b, "</tr></thead><tbody>\n");
    double tot[2][2] = {{0, 0}, {0, 0}};
    for (size_t i = 0; i < n; i++) {
        const cs_json *P = cs_json_at(pools, i);
        int pc = isfinite(csi_rep_jnum(P, "cost_per_hour"));
        for (int w = 0; w < 2; w++) {
            const cs_json *c = cs_json_get(P, w ? "plan" : "now");
            char a[48], y[48], e[48], f[48];
            double h = csi_rep_jnum(c, "paid_hours_week"), cw = csi_rep_jnum(c, "cost_week");
            group0(a, sizeof a, h);
            group0(y, sizeof y, h * WEEKS_PER_YEAR);
            group0(e, sizeof e, cw);
            group0(f, sizeof f, cw * WEEKS_PER_YEAR);
            if (isfinite(h)) tot[w][0] += h;
            if (isfinite(cw)) tot[w][1] += cw;
            if (w == 0) csi_rep_hf(b, "<tr><td rowspan=\"2\">%s</td><td>current</td>", str(P, "name"));
            else cs_text_puts(b, "<tr><td><b>plan</b></td>");
            csi_rep_hf(b, "<td class=\"num\">%s</td><td class=\"num\">%s</td>", a, y);
            if (costed) csi_rep_hf(b, "<td class=\"num\">%s</td><td class=\"num\">%s</td>", pc ? e : "-", pc ? f : "-");
            cs_text_puts(b, "</tr>\n");
        }
    }
    if (n > 1) {
        for (int w = 0; w < 2; w++) {
            char a[48], y[48], e[48], f[48];
            group0(a, sizeof a, tot[w][0]);
            group0(y, sizeof y, tot[w][0] * WEEKS_PER_YEAR);
            group0(e, sizeof e, tot[w][1]);
            group0(f, sizeof f, tot[w][1] * WEEKS_PER_YEAR);
            if (w == 0) cs_text_puts(b, "<tr><td rowspan=\"2\"><b>All teams</b></td><td>current</td>");
            else cs_text_puts(b, "<tr><td><b>plan</b></td>");
            csi_rep_hf(b, "<td class=\"num\">%s</td><td class=\"num\">%s</td>", a, y);
            if (costed) csi_rep_hf(b, "<td class=\"num\">%s</td><td class=\"num\">%s</td>", e, f);
            cs_text_puts(b, "</tr>\n");
        }
    }
    cs_text_puts(b, "</tbody></table>\n");
    char ch[32];
    change(ch, sizeof ch, tot[0][0], tot[1][0]);
    csi_rep_hf(b, "<p>The plan changes paid hours by %s", ch);
    if (costed) {
        change(ch, sizeof ch, tot[0][1], tot[1][1]);
        csi_rep_hf(b, " and cost by %s", ch);
    }
    cs_text_puts(b, " against the current roster. A year is 52.18 weeks; costs are paid hours times each team's "
                    "cost per paid hour (<code>cost_per_hour</code>), in the scenario's currency.</p>\n");
}

static void shift_table(report *r, const cs_json *st)
{
    cs_text_buf *b = &r->out;
    const cs_json *sh = cs_json_get(st, "shifts");
    size_t n = sh ? cs_json_size(sh) : 0;
    if (!n) return;
    cs_text_puts(b, "<h3>The roster</h3>\n<table class=\"kpi\"><thead><tr><th>Team</th><th>Shift</th><th>Days</th>"
                    "<th>Start</th><th class=\"num\">Length</th><th class=\"num\">Breaks</th>"
                    "<th class=\"num\">People on each shift</th><th class=\"num\">Paid hours a week</th></tr></thead>"
                    "<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const cs_json *x = cs_json_at(sh, i);
        char len[48], brk[48], ph[48], staff[32];
        csi_rep_dur_words(len, sizeof len, csi_rep_jnum(x, "length_s"));
        double bt = csi_rep_jnum(x, "breaks_s");
        if (isfinite(bt) && bt > 0) csi_rep_dur_words(brk, sizeof brk, bt);
        else snprintf(brk, sizeof brk, "none");
        group0(ph, sizeof ph, csi_rep_jnum(x, "paid_hours_week"));
        group0(staff, sizeof staff, csi_rep_jnum(x, "staff"));
        csi_rep_hf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%s"
                      "</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>\n",
                   str(x, "pool"), str(x, "pattern"), str(x, "days"), str(x, "start"), len, brk, staff, ph);
    }
    cs_text_puts(b, "</tbody></table>\n<p class=\"note\">People on each shift are those rostered; on a given day some "
                    "are absent (shrinkage), and each takes the shift's breaks. A 4 on / 4 off rotation is shown as "
                    "its day and night shifts: four crews of that size work them in turn.</p>\n");
}

static void misses(report *r, const cs_json *v)
{
    cs_text_buf *b = &r->out;
    const cs_json *m = cs_json_get(v, "misses");
    size_t n = m ? cs_json_size(m) : 0;
    if (!n) return;
    cs_text_puts(b, "<p>Where the plan still falls short in that run (mean over the replications against the "
                    "target):</p>\n<ul>\n");
    for (size_t i = 0; i < n && i < MAX_MISSES; i++) {
        const cs_json *x = cs_json_at(m, i);
        char when[64], val[32], tg[32], h[32];
        csi_rep_instant_words(when, sizeof when, str(x, "interval"));
        pct(val, sizeof val, csi_rep_jnum(x, "mean"));
        pct(h, sizeof h, csi_rep_jnum(x, "ci95"));
        pct(tg, sizeof tg, csi_rep_jnum(x, "target"));
        /* The KPI's label from the catalogue (models/kpi), as every table of the report has it. */
        const cs_kpi_def *d = cs_kpi_find(CS_KPI_SCOPE_INTERVAL, str(x, "kpi"));
        csi_rep_hf(b, "<li>Line %s, %s. %s: %s &plusmn; %s against a target of %s</li>\n", str(x, "line"), when,
                   d ? d->label : str(x, "kpi"), val, h, tg);
    }
    if (n > MAX_MISSES) csi_rep_hf(b, "<li>and %d more (verification.csv lists every interval)</li>\n", (int)(n - MAX_MISSES));
    cs_text_puts(b, "</ul>\n");
}

static void curve_table(report *r, const cs_json *cv)
{
    cs_text_buf *b = &r->out;
    const cs_json *pts = cs_json_get(cv, "points");
    size_t n = pts ? cs_json_size(pts) : 0;
    if (!n) return;
    int money = strcmp(str(cv, "unit"), "cost_week") == 0;
    const cs_json *first = NULL;
    for (size_t i = 0; i < n && !first; i++)
        if (cs_json_get(cs_json_at(pts, i), "lines")) first = cs_json_get(cs_json_at(pts, i), "lines");
    size_t nl = first ? cs_json_size(first) : 0;
    csi_rep_hf(b, "<h3>What each budget buys</h3>\n<p>The best roster of the same shifts within smaller budgets, "
                  "each simulated like the plan: the roster that keeps %s lowest for its %s.</p>\n",
               strcmp(str(cv, "aim"), "worst_interval") == 0 ? "the worst hour's shortfall" : "the week's abandoned calls",
               money ? "weekly cost" : "weekly paid hours");
    csi_rep_hf(b, "<table class=\"kpi\"><thead><tr><th class=\"num\">Budget a week</th><th class=\"num\">Paid hours "
                  "a week</th>");
    const cs_kpi_def *ab = cs_kpi_find(CS_KPI_SCOPE_LINE, "abandon_rate");
    for (size_t l = 0; l < nl; l++)
        csi_rep_hf(b, "<th class=\"num\">Line %s: %s</th>", cs_json_member_key(first, l), ab ? ab->label : "abandon_rate");
    cs_text_puts(b, "<th class=\"num\">Hours meeting targets</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const cs_json *q = cs_json_at(pts, i);
        char bu[48], ph[48], met[32];
        group0(bu, sizeof bu, csi_rep_jnum(q, "budget"));
        if (!cs_json_bool_value(cs_json_get(q, "feasible"))) {
            csi_rep_hf(b, "<tr><td class=\"num\">%s</td><td colspan=\"%d\">no roster of these shifts fits</td></tr>\n", bu,
                       (int)nl + 2);
            continue;
        }
        group0(ph, sizeof ph, csi_rep_jnum(q, "paid_hours_week"));
        pct(met, sizeof met, csi_rep_jnum(q, "met_share"));
        csi_rep_hf(b, "<tr><td class=\"num\">%s</td><td class=\"num\">%s</td>", bu, ph);
        const cs_json *ls = cs_json_get(q, "lines");
        for (size_t l = 0; l < nl; l++) {
            const cs_json *a = cs_json_get(cs_json_member_value(ls, l), "abandon_rate");
            char m[32], h[32];
            pct(m, sizeof m, csi_rep_jnum(a, "mean"));
            pct(h, sizeof h, csi_rep_jnum(a, "ci95"));
            csi_rep_hf(b, "<td class=\"num\">%s &plusmn; %s</td>", m, h);
        }
        csi_rep_hf(b, "<td class=\"num\">%s</td></tr>\n", met);
    }
    cs_text_puts(b, "</tbody></table>\n");
}

/* The staffing interval in words: "hour", "half hour", "15-minute interval". */
static void interval_words(const cs_json *st, char *iv, size_t n)
{
    double interval = csi_rep_jnum(st, "interval_s");
    if (!isfinite(interval) || interval == 3600) snprintf(iv, n, "hour");
    else if (interval == 1800) snprintf(iv, n, "half hour");
    else snprintf(iv, n, "%g-minute interval", interval / 60);
}

int csi_rep_staffing_sentence(report *r, cs_text_buf *b)
{
    const cs_json *st = cs_json_get(r->summary, "staffing");
    if (r->comparison || !st || cs_json_type_of(st) != CS_JSON_OBJECT) return 0;
    const cs_json *pools = cs_json_get(st, "pools"), *v = cs_json_get(st, "verification");
    size_t n = pools ? cs_json_size(pools) : 0;
    double h[2] = {0, 0}, c[2] = {0, 0};
    int costed = 1;
    for (size_t i = 0; i < n; i++) {
        const cs_json *P = cs_json_at(pools, i);
        costed &= isfinite(csi_rep_jnum(P, "cost_per_hour"));
        for (int w = 0; w < 2; w++) {
            const cs_json *x = cs_json_get(P, w ? "plan" : "now");
            h[w] += csi_rep_jnum(x, "paid_hours_week");
            c[w] += csi_rep_jnum(x, "cost_week");
        }
    }
    if (!n || !isfinite(h[0]) || !isfinite(h[1])) return 0;
    int budget = strcmp(str(st, "roster"), "budget") == 0;
    char a[48], y[48], ch[32];
    int money = costed && isfinite(c[1]) && isfinite(c[0]);
    double now = money ? c[0] : h[0], plan = money ? c[1] : h[1];
    group0(a, sizeof a, plan);
    group0(y, sizeof y, plan * WEEKS_PER_YEAR);
    change(ch, sizeof ch, now, plan);
    csi_rep_hf(b, "These figures are for the %s roster of the staffing plan below, which %s %s%s a week (%s a year",
               budget ? "budget's" : "least-cost", money ? "costs" : "pays for", a, money ? "" : " paid hours", y);
    if (money) {
        char ph[48];
        group0(ph, sizeof ph, h[1]);
        csi_rep_hf(b, "; %s paid hours a week", ph);
    }
    csi_rep_hf(b, "), %s against the current roster", ch);
    char met[32], cur[32], iv[48];
    pct(met, sizeof met, csi_rep_jnum(v, "met_share"));
    pct(cur, sizeof cur, csi_rep_jnum(v, "current_met_share"));
    interval_words(st, iv, sizeof iv);
    csi_rep_hf(b, "; on fresh calls, each line meets its targets in %s of the %ss of the week (%s with the current "
                  "roster). ",
               met, iv, cur);
    return 1;
}

cs_status csi_rep_staffing(report *r, cs_error *err)
{
    const cs_json *st = cs_json_get(r->summary, "staffing");
    if (!st || cs_json_type_of(st) != CS_JSON_OBJECT) return CS_OK;
    cs_text_buf *b = &r->out;
    const cs_json *isa = cs_json_get(st, "isa"), *cov = cs_json_get(st, "cover"), *v = cs_json_get(st, "verification");
    char iv[48];
    interval_words(st, iv, sizeof iv);
    cs_text_puts(b, "<section id=\"staffing\">\n<h2>Staffing plan</h2>\n<p class=\"lead\">How many call handlers each "
                    "team needs on duty, in every ");
    csi_rep_hf(b, "%s of the week, to meet ", iv);
    targets_words(r, b);
    cs_text_puts(b, "; and the roster of allowed shifts that provides them at the least paid cost.</p>\n");
    double rounds = csi_rep_jnum(isa, "rounds");
    const cs_json *checks = cs_json_get(st, "checks");
    int converged = cs_json_bool_value(cs_json_get(isa, "converged"));
    csi_rep_hf(b, "<p><b>How.</b> The week was simulated with a trial number of handlers on duty in every %s, the "
                  "numbers corrected %s by %s where a line missed its target or would meet it with a handler fewer, and "
                  "simulated again, until they stopped changing (%d rounds%s; the iterative staffing algorithm of "
                  "Feldman, Mandelbaum, Massey and Whitt, 2008, started from the Erlang A formula). Simulating "
                  "rather than using the formula alone counts what the formula leaves out: calls still in progress "
                  "from the previous %s, 999 calls answered before 101 calls by the same team, callers who ring "
                  "again. An integer program (GLPK) then chose how many people to put on each allowed shift so that, "
                  "after absence and breaks, enough are on duty everywhere; the roster was simulated with people "
                  "absent at random",
               iv, iv, iv, isfinite(rounds) ? (int)rounds : 0, converged ? "" : ", stopped at the round limit", iv);
    size_t nc = checks ? cs_json_size(checks) : 0;
    if (nc) csi_rep_hf(b, " %d time%s, adding cover where a line still fell short", (int)nc, nc == 1 ? "" : "s");
    cs_text_puts(b, ".</p>\n");
    const char *unreach = csi_rep_jstr(isa, "unreachable");
    if (unreach) csi_rep_hf(b, "<p class=\"note\"><b>Note.</b> %s.</p>\n", unreach);
    if (strcmp(str(st, "roster"), "budget") == 0) {
        const cs_json *bu = cs_json_get(st, "budget");
        char val[48];
        group0(val, sizeof val, csi_rep_jnum(bu, "value"));
        csi_rep_hf(b, "<p><b>Within a budget.</b> The roster below is the best within %s %s a week: the one that "
                      "keeps %s lowest. It does not meet every target.</p>\n",
                   val, strcmp(str(bu, "unit"), "paid_hours_week") == 0 ? "paid hours" : "in cost",
                   strcmp(str(bu, "aim"), "worst_interval") == 0 ? "the worst hour's shortfall" : "the week's abandoned calls");
    }
    char met[32], cur[32];
    pct(met, sizeof met, csi_rep_jnum(v, "met_share"));
    pct(cur, sizeof cur, csi_rep_jnum(v, "current_met_share"));
    double cells = csi_rep_jnum(v, "cells"), missed = csi_rep_jnum(v, "missed");
    double sig = csi_rep_jnum(v, "significant");
    csi_rep_hf(b, "<p><b>Checked on fresh calls.</b> The figures in the rest of this report are a final simulation "
                  "of the planned roster on random calls the planner never saw. In it, %s of the %d pairs of a line "
                  "and an %s of the week meet their targets (%d fall%s short",
               met, isfinite(cells) ? (int)cells : 0, iv, isfinite(missed) ? (int)missed : 0,
               isfinite(missed) && (int)missed == 1 ? "s" : "");
    if (isfinite(sig) && isfinite(missed) && missed > 0)
        csi_rep_hf(b, ", %d of them by more than the simulation's 95%% margin of error", (int)sig);
    csi_rep_hf(b, "); with the current roster, %s do.</p>\n", cur);
    misses(r, v);
    cost_table(r, st);
    cs_status status = csi_rep_staff_figures(r, err);
    if (status != CS_OK) return status;
    shift_table(r, st);
    double gap = csi_rep_jnum(cov, "gap"), pgap = csi_rep_jnum(cov, "proven_gap");
    if (isfinite(gap)) {
        char g[32], pg[32];
        csi_rep_fmt_val(g, sizeof g, U_SHARE, gap, 2, 0);
        csi_rep_fmt_val(pg, sizeof pg, U_SHARE, isfinite(pgap) ? pgap : 0, 2, 0);
        csi_rep_hf(b, "<p class=\"note\">The integer program's roster costs %s more than its linear relaxation (a "
                      "lower bound for any roster, which may employ fractions of people) and is proven within %s of "
                      "the cheapest roster of these shifts (status: %s).</p>\n",
                   g, pg, str(cov, "status"));
    }
    const cs_json *cv = cs_json_get(st, "curve");
    if (cv) curve_table(r, cv);
    cs_text_puts(b, "</section>\n");
    return CS_OK;
}
