/* The output side of callsim staff: the variant, summary.json's "staffing" member, the files and
 * charts of --out DIR (see cli/staff_out.h). */
#include "cli/staff_out.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/outputs.h"
#include "io/json.h"
#include "io/override.h"
#include "io/results.h"
#include "io/units.h"
#include "io/variant.h"
#include "models/run.h"
#include "plots/staff_charts.h"
#include "sim/text.h"

#define WEEKS_PER_YEAR CS_STAFF_WEEKS_PER_YEAR

/* ---- words and numbers ---------------------------------------------------------------------- */

void cs_staff_out_hhmm(double t, char *buf, size_t n)
{
    long s = lround(t);
    snprintf(buf, n, "%02ld:%02ld", (s / 3600) % 100, (s / 60) % 60);
}

void cs_staff_out_days_words(unsigned d, char *buf, size_t n)
{
    static const char *const wd[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    if (d == 0x7Fu) {
        snprintf(buf, n, "every day");
        return;
    }
    if (d == 0x1Fu) {
        snprintf(buf, n, "Mon-Fri");
        return;
    }
    if (d == 0x60u) {
        snprintf(buf, n, "Sat-Sun");
        return;
    }
    size_t u = 0;
    buf[0] = '\0';
    for (int i = 0; i < 7; i++)
        if (d & (1u << i)) cs_text_appendf(buf, n, &u, "%s%s", u ? "," : "", wd[i]);
}

/* The YAML days of a roster shift. */
static void days_yaml(unsigned d, char *buf, size_t n)
{
    static const char *const wd[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    if (d == 0x7Fu) {
        snprintf(buf, n, "all");
        return;
    }
    if (d == 0x1Fu) {
        snprintf(buf, n, "weekdays");
        return;
    }
    if (d == 0x60u) {
        snprintf(buf, n, "weekends");
        return;
    }
    size_t u = 0;
    cs_text_appendf(buf, n, &u, "[");
    int first = 1;
    for (int i = 0; i < 7; i++)
        if (d & (1u << i)) {
            cs_text_appendf(buf, n, &u, "%s%s", first ? "" : ", ", wd[i]);
            first = 0;
        }
    cs_text_appendf(buf, n, &u, "]");
}

/* 12,345 */
void cs_staff_out_thousands(double v, char *buf, size_t n)
{
    char raw[64];
    snprintf(raw, sizeof raw, "%.0f", fabs(v));
    size_t len = strlen(raw), u = 0;
    if (v < 0 && u + 1 < n) buf[u++] = '-';
    for (size_t i = 0; i < len && u + 2 < n; i++) {
        buf[u++] = raw[i];
        if ((len - i - 1) % 3 == 0 && i + 1 < len) buf[u++] = ',';
    }
    buf[u] = '\0';
}

/* A path segment as --set writes it: plain, or double-quoted. */
static void seg(const char *name, char *buf, size_t n)
{
    if (cs_ovpath_plain(name)) {
        snprintf(buf, n, "%s", name);
        return;
    }
    size_t u = 0;
    cs_text_appendf(buf, n, &u, "\"");
    for (const char *p = name; *p; p++) cs_text_appendf(buf, n, &u, "%s%c", *p == '"' || *p == '\\' ? "\\" : "", *p);
    cs_text_appendf(buf, n, &u, "\"");
}

/* ---- the variant ----------------------------------------------------------------------------- */

cs_status cs_staff_out_roster_texts(cs_staff_cli *c, cs_error *err)
{
    size_t np = c->scn->n_pools;
    c->roster_text = calloc(np + 1, sizeof *c->roster_text);
    c->staff_text = calloc(np + 1, sizeof *c->staff_text);
    if (!c->roster_text || !c->staff_text) return cs_error_set(err, CS_ENOMEM, "out of memory");
    for (size_t p = 0; p < np; p++) {
        cs_text_buf b = {0};
        char s[200];
        seg(c->scn->pools[p].name, s, sizeof s);
        size_t shown = 0;
        for (size_t k = 0; k < c->plan->n_shifts; k++) {
            const cs_staff_shift *sh = &c->plan->shifts[k];
            if (sh->pool != (int)p) continue;
            char d[96], st[16], len[32], brk[32];
            days_yaml(sh->days, d, sizeof d);
            cs_staff_out_hhmm(sh->start, st, sizeof st);
            cs_units_format_duration(sh->length, len, sizeof len);
            cs_text_printf(&b, "%s{days: %s, start: \"%s\", length: %s, staff: %d", shown ? ", " : "", d, st, len,
                           sh->staff);
            if (sh->break_time > 0) {
                cs_units_format_duration(sh->break_time, brk, sizeof brk);
                cs_text_printf(&b, ", breaks: %s", brk);
            }
            cs_text_puts(&b, "}");
            shown++;
        }
        cs_text_buf t = {0};
        if (shown)
            cs_text_printf(&t, "pools.%s.roster=[%s]", s, b.p ? b.p : "");
        else   /* nobody needed in the pool: a constant zero */
            cs_text_printf(&t, "pools.%s.staff=0", s);
        cs_text_free(&b);
        if (t.oom) return cs_error_set(err, CS_ENOMEM, "out of memory");
        c->roster_text[p] = cs_text_take(&t);
        if (shown && c->had_staff[p]) {
            cs_text_buf u = {0};
            cs_text_printf(&u, "pools.%s.staff=~", s);
            c->staff_text[p] = cs_text_take(&u);
        } else if (!shown && !c->had_staff[p]) {
            cs_text_buf u = {0};
            cs_text_printf(&u, "pools.%s.roster=~", s);
            c->staff_text[p] = cs_text_take(&u);
        }
        if ((shown && c->had_staff[p] && !c->staff_text[p]) || !c->roster_text[p])
            return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    /* A budget may leave hours with nobody on duty in a pool; the loader refuses demand then
     * (it is almost always a mistake in a roster written by hand), so the variant says that it
     * is meant. */
    const cs_scn *s0 = c->scn;
    c->unstaffed_text = calloc(s0->n_lines + 1, sizeof *c->unstaffed_text);
    if (!c->unstaffed_text) return cs_error_set(err, CS_ENOMEM, "out of memory");
    if (!c->budget) return CS_OK;
    for (size_t p = 0; p < np; p++) {
        int gap = 0;
        for (size_t k = 0; k < c->plan->n_slots; k++) gap |= c->plan->rostered[p * c->plan->n_slots + k] < 0.5 + 1e-6;
        if (!gap) continue;
        const cs_pool *P = &s0->pools[p];
        for (size_t i = 0; i < P->n_queues; i++) {
            int l = s0->queues[P->queues[i]].line;
            if (c->unstaffed_text[l]) continue;
            char sg[200];
            seg(s0->lines[l].name, sg, sizeof sg);
            cs_text_buf u = {0};
            cs_text_printf(&u, "lines.%s.allow_unstaffed=true", sg);
            c->unstaffed_text[l] = cs_text_take(&u);
            if (!c->unstaffed_text[l]) return cs_error_set(err, CS_ENOMEM, "out of memory");
        }
    }
    return CS_OK;
}

/* The user's --set changes, then each pool's roster: loaded on the scenario to learn their shape
 * for the variant writer (and to be sure the file loads); *out (may be NULL) gets the scenario. */
cs_status cs_staff_out_changes(cs_staff_cli *c, cs_scn_set *ss, char labels[][48], size_t *n, cs_scn **out, cs_error *err)
{
    size_t k = 0;
    for (size_t i = 0; i < c->n_sets; i++) {
        snprintf(labels[k], 48, "--set #%zu", i + 1);
        ss[k] = (cs_scn_set){labels[k], c->sets[i], NULL, 0, 0, 0};
        k++;
    }
    for (size_t p = 0; p < c->scn->n_pools; p++) {
        if (c->staff_text[p]) {
            snprintf(labels[k], 48, "pool %zu's roster", p + 1);
            ss[k] = (cs_scn_set){labels[k], c->staff_text[p], NULL, 0, 0, 0};
            k++;
        }
        snprintf(labels[k], 48, "pool %zu's roster", p + 1);
        ss[k] = (cs_scn_set){labels[k], c->roster_text[p], NULL, 0, 0, 0};
        k++;
    }
    for (size_t l = 0; l < c->scn->n_lines; l++) {
        if (!c->unstaffed_text || !c->unstaffed_text[l]) continue;
        snprintf(labels[k], 48, "line %zu's unstaffed hours", l + 1);
        ss[k] = (cs_scn_set){labels[k], c->unstaffed_text[l], NULL, 0, 0, 0};
        k++;
    }
    *n = k;
    cs_diags d = {0};
    cs_scn *s = NULL;
    cs_status st = cs_scn_load_set(c->scenario, ss, k, &s, &d);
    if (st != CS_OK && d.n) {
        char msg[600];
        cs_diag_format(&d.items[0], msg, sizeof msg);
        st = cs_error_set(err, st, "the staffed roster does not load on %s: %s", c->scenario, msg);
    } else if (st != CS_OK) {
        st = cs_error_set(err, st, "the staffed roster does not load on %s", c->scenario);
    }
    cs_diags_free(&d);
    if (out && st == CS_OK) *out = s;
    else cs_scn_free(s);
    return st;
}

void cs_staff_out_money(const cs_staff_cli *c, double v, char *buf, size_t n)
{
    (void)c;
    char t[48];
    cs_staff_out_thousands(v, t, sizeof t);
    snprintf(buf, n, "%s", t);
}

cs_status cs_staff_out_variant(cs_staff_cli *c, FILE *f, const char *output, cs_error *err)
{
    size_t cap = c->n_sets + 2 * c->scn->n_pools + c->scn->n_lines + 1, n;
    cs_scn_set *ss = calloc(cap, sizeof *ss);
    char (*labels)[48] = calloc(cap, sizeof *labels);
    cs_variant_change *ch = calloc(cap, sizeof *ch);
    cs_status st = ss && labels && ch ? cs_staff_out_changes(c, ss, labels, &n, NULL, err) : cs_error_set(err, CS_ENOMEM, "out of memory");
    if (st == CS_OK) {
        for (size_t i = 0; i < n; i++) ch[i] = (cs_variant_change){ss[i].text, ss[i].items, ss[i].unnamed};
        cs_text_buf cm = {0};
        const cs_staff_plan *pl = c->plan;
        cs_text_printf(&cm, "Staffed by callsim staff from %s.\n", c->scenario);
        cs_text_printf(&cm, "Requirement: handlers needed on duty per %g-minute interval by the iterative staffing "
                       "algorithm (%d rounds, %s; %d replications a round, seed %llu).\n",
                       pl->interval / 60, pl->isa->rounds, pl->isa->converged ? "stable" : "stopped at the round limit",
                       c->reps, (unsigned long long)c->seed);
        if (c->budget)
            cs_text_printf(&cm, "Roster: the best within a budget of %g %s a week (%s), by integer program.\n",
                           c->budget_value, c->unit == CS_COVER_HOURS ? "paid hours" : "in cost",
                           c->aim == CS_STAFF_WORST ? "worst interval" : "weekly abandonment");
        else
            cs_text_printf(&cm, "Roster: least paid cost covering it after shrinkage and breaks, by integer program "
                           "(%s; %.2f%% above its LP bound), checked by %d simulations.\n",
                           pl->sol.glpk_text, 100 * pl->sol.gap, pl->checks);
        cs_text_printf(&cm, "Verification (seed %llu): %.1f%% of (line, interval) pairs meet their targets (the "
                       "current roster: %.1f%%).\n",
                       (unsigned long long)cs_staff_verify_seed(c->seed), 100 * c->ver_met, 100 * c->base_met);
        for (size_t p = 0; p < c->scn->n_pools; p++) {
            char a[48], b[48];
            cs_staff_out_thousands(pl->now[p].paid_hours, a, sizeof a);
            cs_staff_out_thousands(pl->plan[p].paid_hours, b, sizeof b);
            cs_text_printf(&cm, "Pool %s: %s paid hours a week now, %s planned", c->scn->pools[p].name, a, b);
            if (c->scn->pools[p].cost_per_hour > 0) {
                cs_staff_out_money(c, pl->now[p].cost, a, sizeof a);
                cs_staff_out_money(c, pl->plan[p].cost, b, sizeof b);
                cs_text_printf(&cm, "; cost a week %s now, %s planned", a, b);
            }
            cs_text_puts(&cm, ".\n");
        }
        cs_text_puts(&cm, "Roster shifts have no names, so that they replace the base's roster rather than merge "
                     "with it.\n");
        for (size_t l = 0; c->unstaffed_text && l < c->scn->n_lines; l++)
            if (c->unstaffed_text[l])
                cs_text_printf(&cm, "Within the budget nobody is on duty for line %s at times: allow_unstaffed says it "
                               "is meant.\n", c->scn->lines[l].name);
        for (size_t k = 0; k < pl->n_shifts; k++) {
            const cs_staff_shift *s = &pl->shifts[k];
            char d[64], t[16];
            cs_staff_out_days_words(s->days, d, sizeof d);
            cs_staff_out_hhmm(s->start, t, sizeof t);
            cs_text_printf(&cm, "  %s: %s %s, %d on duty a shift, from pattern '%s'%s\n", c->scn->pools[s->pool].name,
                           d, t, s->staff, s->pattern,
                           s->kind == CS_COVER_WATCHES ? " (4 on / 4 off: four crews of this size)" : "");
        }
        char base[PATH_MAX + 64];
        cs_cli_base_path(c->scenario, output, base, sizeof base);
        if (cm.oom) st = cs_error_set(err, CS_ENOMEM, "out of memory");
        else st = cs_variant_write(f, base, c->variant_name, cm.p, ch, n, err);
        cs_text_free(&cm);
    }
    free(ss);
    free(labels);
    free(ch);
    return st;
}

/* ---- summary.json: the "staffing" member ------------------------------------------------------ */

/* Numbers as data files write them (models/kpi.h): no noise in the last bits. */
static void jnum(cs_json_writer *w, const char *key, double x) { cs_json_kv_number(w, key, cs_kpi_data_value(x)); }

/* A miss beyond the 95% CI: even the favourable end of the interval misses the target. */
int cs_staff_out_significant_miss(const cs_results *r, size_t l, size_t k)
{
    const cs_line *L = &r->scn->lines[l];
    double m, h;
    if (L->target_share > 0) {
        cs_results_line_slots(r, l, &k, 1, CS_IK_SERVICE_LEVEL, &m, &h);
        if (isfinite(m) && m + (isfinite(h) ? h : 0) < L->target_share) return 1;
    }
    if (L->target_max_abandon > 0) {
        cs_results_line_slots(r, l, &k, 1, CS_IK_ABANDON_RATE, &m, &h);
        if (isfinite(m) && m - (isfinite(h) ? h : 0) > L->target_max_abandon) return 1;
    }
    return 0;
}

static void json_cost(cs_json_writer *w, const char *key, const cs_staff_pool_cost *pc, int costed)
{
    cs_json_key(w, key);
    cs_json_begin_object(w);
    jnum(w, "paid_hours_week", pc->paid_hours);
    jnum(w, "paid_hours_year", pc->paid_hours * WEEKS_PER_YEAR);
    if (costed) {
        jnum(w, "cost_week", pc->cost);
        jnum(w, "cost_year", pc->cost * WEEKS_PER_YEAR);
    }
    jnum(w, "shifts_week", pc->shifts_week);
    cs_json_end_object(w);
}

static void json_solution(cs_json_writer *w, const cs_cover_solution *s)
{
    cs_json_begin_object(w);
    cs_json_kv_string(w, "status", s->glpk_text ? s->glpk_text : "");
    jnum(w, "objective", s->objective);
    jnum(w, "lp_bound", s->lp_bound);
    jnum(w, "best_bound", s->best_bound);
    jnum(w, "gap", s->gap);
    jnum(w, "proven_gap", s->proven_gap);
    jnum(w, "paid_hours_week", s->paid_hours);
    cs_json_kv_int(w, "rows", s->rows);
    cs_json_kv_int(w, "columns", s->cols);
    cs_json_end_object(w);
}

static void json_staffing(void *ud, void *wv)
{
    const cs_staff_cli *c = ud;
    cs_json_writer *w = wv;
    const cs_staff_plan *pl = c->plan;
    const cs_scn *s = c->scn;
    cs_json_begin_object(w);
    jnum(w, "interval_s", pl->interval);
    cs_json_kv_int(w, "replications", c->reps);
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)c->seed);
    cs_json_kv_string(w, "seed", seed);
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)cs_staff_check_seed(c->seed, 0));
    cs_json_kv_string(w, "first_check_seed", seed);
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)cs_staff_verify_seed(c->seed));
    cs_json_kv_string(w, "verify_seed", seed);
    cs_json_kv_string(w, "roster", c->budget ? "budget" : "least cost");
    cs_json_key(w, "isa");
    cs_json_begin_object(w);
    cs_json_kv_int(w, "rounds", pl->isa->rounds);
    cs_json_kv_bool(w, "converged", pl->isa->converged);
    cs_json_key(w, "changed");
    cs_json_begin_array(w);
    for (int i = 0; i < pl->isa->rounds; i++) cs_json_int(w, (long long)pl->isa->changed[i]);
    cs_json_end_array(w);
    if (pl->isa->unreachable_msg[0]) cs_json_kv_string(w, "unreachable", pl->isa->unreachable_msg);
    cs_json_end_object(w);
    cs_json_key(w, "cover");
    json_solution(w, &pl->sol);
    if (c->budget) {
        cs_json_key(w, "budget");
        cs_json_begin_object(w);
        jnum(w, "value", c->budget_value);
        cs_json_kv_string(w, "unit", c->unit == CS_COVER_HOURS ? "paid_hours_week" : "cost_week");
        cs_json_kv_string(w, "aim", c->aim == CS_STAFF_WORST ? "worst_interval" : "weekly_abandonment");
        cs_json_key(w, "solution");
        json_solution(w, &c->bsol);
        cs_json_end_object(w);
    }
    cs_json_key(w, "checks");
    cs_json_begin_array(w);
    for (int i = 0; i < pl->checks; i++) cs_json_int(w, (long long)pl->check_missed[i]);
    cs_json_end_array(w);
    cs_json_kv_int(w, "check_cells", (long long)pl->check_cells);
    cs_json_key(w, "pools");
    cs_json_begin_array(w);
    for (size_t p = 0; p < pl->n_pools; p++) {
        const cs_pool *P = &s->pools[p];
        int costed = P->cost_per_hour > 0;
        cs_json_begin_object(w);
        cs_json_kv_string(w, "name", P->name);
        if (costed) jnum(w, "cost_per_hour", P->cost_per_hour);
        jnum(w, "shrinkage", P->shrinkage);
        int hi = 0;
        double hours = 0;
        for (size_t k = 0; k < pl->n_slots; k++) {
            int v = pl->isa->required[p * pl->n_slots + k];
            if (v > hi) hi = v;
            hours += v * pl->interval / 3600;
        }
        cs_json_kv_int(w, "peak_required", hi);
        jnum(w, "required_hours_week", hours);
        json_cost(w, "now", &pl->now[p], costed);
        json_cost(w, "plan", &pl->plan[p], costed);
        cs_json_end_object(w);
    }
    cs_json_end_array(w);
    cs_json_key(w, "shifts");
    cs_json_begin_array(w);
    for (size_t k = 0; k < pl->n_shifts; k++) {
        const cs_staff_shift *x = &pl->shifts[k];
        char d[64], t[16];
        cs_staff_out_days_words(x->days, d, sizeof d);
        cs_staff_out_hhmm(x->start, t, sizeof t);
        cs_json_begin_object(w);
        cs_json_kv_string(w, "pool", s->pools[x->pool].name);
        cs_json_kv_string(w, "pattern", x->pattern);
        cs_json_kv_string(w, "days", d);
        cs_json_kv_string(w, "start", t);
        jnum(w, "length_s", x->length);
        jnum(w, "breaks_s", x->break_time);
        cs_json_kv_int(w, "staff", x->staff);
        cs_json_kv_int(w, "shifts_week", x->shifts_week);
        jnum(w, "paid_hours_week", x->paid_hours);
        if (s->pools[x->pool].cost_per_hour > 0) jnum(w, "cost_week", x->cost);
        cs_json_end_object(w);
    }
    cs_json_end_array(w);
    cs_json_key(w, "verification");
    cs_json_begin_object(w);
    jnum(w, "met_share", c->ver_met);
    cs_json_kv_int(w, "missed", (long long)c->ver_missed);
    cs_json_kv_int(w, "cells", (long long)c->ver_cells);
    size_t sig = 0;
    for (size_t l = 0; l < s->n_lines; l++)
        for (size_t k = 0; k < pl->n_slots; k++)
            if (cs_staff_out_significant_miss(c->ver, l, k)) sig++;
    cs_json_kv_int(w, "significant", (long long)sig);
    jnum(w, "current_met_share", c->base_met);
    cs_json_kv_int(w, "current_missed", (long long)c->base_missed);
    cs_json_key(w, "misses");
    cs_json_begin_array(w);
    for (size_t l = 0; l < s->n_lines; l++)
        for (size_t k = 0; k < pl->n_slots; k++) {
            double sl, ab, h;
            if (cs_isa_meets(c->ver, l, k, &sl, &ab)) continue;
            const cs_line *L = &s->lines[l];
            char when[32];
            cs_out_week_time(when, sizeof when, (double)k * pl->interval);
            int sl_miss = L->target_share > 0 && sl < L->target_share;
            cs_json_begin_object(w);
            cs_json_kv_string(w, "line", L->name);
            cs_json_kv_string(w, "interval", when);
            cs_json_kv_string(w, "kpi", sl_miss ? "service_level" : "abandon_rate");
            double m;
            cs_results_line_slots(c->ver, l, &k, 1, sl_miss ? CS_IK_SERVICE_LEVEL : CS_IK_ABANDON_RATE, &m, &h);
            jnum(w, "mean", m);
            jnum(w, "ci95", h);
            jnum(w, "target", sl_miss ? L->target_share : L->target_max_abandon);
            cs_json_end_object(w);
        }
    cs_json_end_array(w);
    cs_json_end_object(w);
    if (c->n_pts) {
        cs_json_key(w, "curve");
        cs_json_begin_object(w);
        cs_json_kv_string(w, "unit", c->unit == CS_COVER_HOURS ? "paid_hours_week" : "cost_week");
        cs_json_kv_string(w, "aim", c->aim == CS_STAFF_WORST ? "worst_interval" : "weekly_abandonment");
        jnum(w, "current", c->current_x);
        cs_json_key(w, "points");
        cs_json_begin_array(w);
        for (size_t i = 0; i < c->n_pts; i++) {
            const cs_staff_point *q = &c->pts[i];
            cs_json_begin_object(w);
            jnum(w, "budget", q->budget);
            cs_json_kv_bool(w, "feasible", q->feasible);
            if (q->feasible) {
                jnum(w, "paid_hours_week", q->paid_hours);
                if (pl->has_cost) jnum(w, "cost_week", q->cost);
                jnum(w, "met_share", q->met_share);
                jnum(w, "worst_interval_abandon", q->worst_abandon);
                cs_json_key(w, "lines");
                cs_json_begin_object(w);
                for (size_t l = 0; l < s->n_lines; l++) {
                    cs_json_key(w, s->lines[l].name);
                    cs_json_begin_object(w);
                    cs_json_key(w, "abandon_rate");
                    cs_json_begin_object(w);
                    jnum(w, "mean", q->abandon[l]);
                    jnum(w, "ci95", q->abandon_ci[l]);
                    cs_json_end_object(w);
                    cs_json_key(w, "service_level");
                    cs_json_begin_object(w);
                    jnum(w, "mean", q->sl[l]);
                    jnum(w, "ci95", q->sl_ci[l]);
                    cs_json_end_object(w);
                    cs_json_end_object(w);
                }
                cs_json_end_object(w);
            }
            cs_json_end_object(w);
        }
        cs_json_end_array(w);
        cs_json_end_object(w);
    }
    cs_json_end_object(w);
}

/* ---- the files of --out DIR ------------------------------------------------------------------ */

static void num(FILE *f, double x)
{
    char b[40];
    cs_out_number(b, sizeof b, cs_kpi_data_value(x));
    fputs(b, f);
}

static cs_status close_file(FILE *f, const char *name, cs_error *err)
{
    int bad = ferror(f);
    if (fclose(f) != 0) bad = 1;
    return bad ? cs_error_set(err, CS_EIO, "cannot write %s (disk full?)", name) : CS_OK;
}

static double pool_slot(const cs_results *r, size_t p, size_t k, int pc)
{
    double v = 0, t = 0;
    for (uint32_t i = 0; i < r->n_reps; i++) {
        v += cs_rs_pool_slot_c(&r->reps[i], p, k)[pc];
        t += r->reps[i].slot_time[k];
    }
    return t > 0 ? v / t : NAN;
}

static cs_status write_requirements(const cs_staff_cli *c, cs_outdir *dir, cs_error *err)
{
    FILE *f = cs_outdir_open(dir, "requirements.csv", NULL, 0, err);
    if (!f) return err->code;
    const cs_staff_plan *pl = c->plan;
    fprintf(f, "pool,interval_start,required,rostered,on_duty_mean,erlang_a,cover_required,load\n");
    for (size_t p = 0; p < pl->n_pools; p++)
        for (size_t k = 0; k < pl->n_slots; k++) {
            char when[32];
            cs_out_week_time(when, sizeof when, (double)k * pl->interval);
            size_t i = p * pl->n_slots + k;
            cs_out_csv_field(f, c->scn->pools[p].name);
            fprintf(f, ",%s,%d,", when, pl->isa->required[i]);
            num(f, pl->rostered[i]);
            fputc(',', f);
            num(f, pool_slot(c->ver, p, k, CS_PC_DUTY_AREA));
            fprintf(f, ",%d,", pl->isa->start[i]);
            num(f, pl->cover_req[i]);
            fputc(',', f);
            num(f, pl->isa->load[i]);
            fputc('\n', f);
        }
    return close_file(f, "requirements.csv", err);
}

static cs_status write_shifts(const cs_staff_cli *c, cs_outdir *dir, cs_error *err)
{
    FILE *f = cs_outdir_open(dir, "shifts.csv", NULL, 0, err);
    if (!f) return err->code;
    const cs_staff_plan *pl = c->plan;
    fprintf(f, "pool,pattern,kind,days,start,length_h,breaks_h,staff,shifts_week,paid_hours_week,cost_week\n");
    for (size_t k = 0; k < pl->n_shifts; k++) {
        const cs_staff_shift *x = &pl->shifts[k];
        char d[64], t[16];
        cs_staff_out_days_words(x->days, d, sizeof d);
        cs_staff_out_hhmm(x->start, t, sizeof t);
        cs_out_csv_field(f, c->scn->pools[x->pool].name);
        fputc(',', f);
        cs_out_csv_field(f, x->pattern);
        fprintf(f, ",%s,", x->kind == CS_COVER_WATCHES ? "4on4off" : "weekly");
        cs_out_csv_field(f, d);
        fprintf(f, ",%s,", t);
        num(f, x->length / 3600);
        fputc(',', f);
        num(f, x->break_time / 3600);
        fprintf(f, ",%d,%d,", x->staff, x->shifts_week);
        num(f, x->paid_hours);
        fputc(',', f);
        if (c->scn->pools[x->pool].cost_per_hour > 0) num(f, x->cost);
        fputc('\n', f);
    }
    return close_file(f, "shifts.csv", err);
}

static cs_status write_costs(const cs_staff_cli *c, cs_outdir *dir, cs_error *err)
{
    FILE *f = cs_outdir_open(dir, "costs.csv", NULL, 0, err);
    if (!f) return err->code;
    const cs_staff_plan *pl = c->plan;
    fprintf(f, "pool,roster,shifts_week,paid_hours_week,paid_hours_year,cost_week,cost_year\n");
    for (size_t p = 0; p < pl->n_pools; p++)
        for (int which = 0; which < 2; which++) {
            const cs_staff_pool_cost *pc = which ? &pl->plan[p] : &pl->now[p];
            cs_out_csv_field(f, c->scn->pools[p].name);
            fprintf(f, ",%s,", which ? "plan" : "current");
            num(f, pc->shifts_week);
            fputc(',', f);
            num(f, pc->paid_hours);
            fputc(',', f);
            num(f, pc->paid_hours * WEEKS_PER_YEAR);
            fputc(',', f);
            if (c->scn->pools[p].cost_per_hour > 0) {
                num(f, pc->cost);
                fputc(',', f);
                num(f, pc->cost * WEEKS_PER_YEAR);
            } else {
                fputc(',', f);
            }
            fputc('\n', f);
        }
    return close_file(f, "costs.csv", err);
}

static cs_status write_verification(const cs_staff_cli *c, cs_outdir *dir, cs_error *err)
{
    FILE *f = cs_outdir_open(dir, "verification.csv", NULL, 0, err);
    if (!f) return err->code;
    const cs_staff_plan *pl = c->plan;
    const cs_scn *s = c->scn;
    fprintf(f, "line,interval_start,kpi,mean,ci95,target,meets\n");
    for (size_t l = 0; l < s->n_lines; l++) {
        const cs_line *L = &s->lines[l];
        for (size_t k = 0; k < pl->n_slots; k++) {
            char when[32];
            cs_out_week_time(when, sizeof when, (double)k * pl->interval);
            static const int kp[3] = {CS_IK_OFFERED, CS_IK_SERVICE_LEVEL, CS_IK_ABANDON_RATE};
            for (int j = 0; j < 3; j++) {
                double m, h, target = NAN;
                cs_results_line_slots(c->ver, l, &k, 1, kp[j], &m, &h);
                if (kp[j] == CS_IK_SERVICE_LEVEL && L->target_share > 0) target = L->target_share;
                if (kp[j] == CS_IK_ABANDON_RATE && L->target_max_abandon > 0) target = L->target_max_abandon;
                cs_out_csv_field(f, L->name);
                fprintf(f, ",%s,%s,", when, cs_interval_kpis[kp[j]].name);
                num(f, m);
                fputc(',', f);
                num(f, h);
                fputc(',', f);
                num(f, target);
                fputc(',', f);
                if (isfinite(target) && isfinite(m))
                    fputs((kp[j] == CS_IK_SERVICE_LEVEL ? m >= target : m <= target) ? "yes" : "no", f);
                fputc('\n', f);
            }
        }
    }
    return close_file(f, "verification.csv", err);
}

static cs_status write_curve(const cs_staff_cli *c, cs_outdir *dir, cs_error *err)
{
    FILE *f = cs_outdir_open(dir, "cost_curve.csv", NULL, 0, err);
    if (!f) return err->code;
    const cs_scn *s = c->scn;
    fprintf(f, "budget,unit,feasible,paid_hours_week,cost_week,met_share,worst_interval_abandon");
    for (size_t l = 0; l < s->n_lines; l++) {
        char h[CS_NAME_MAX + 32];
        snprintf(h, sizeof h, "abandon_rate_%s", s->lines[l].name);
        fputc(',', f);
        cs_out_csv_field(f, h);
        snprintf(h, sizeof h, "abandon_rate_%s_ci95", s->lines[l].name);
        fputc(',', f);
        cs_out_csv_field(f, h);
    }
    fputc('\n', f);
    for (size_t i = 0; i < c->n_pts; i++) {
        const cs_staff_point *q = &c->pts[i];
        num(f, q->budget);
        fprintf(f, ",%s,%s,", c->unit == CS_COVER_HOURS ? "paid_hours_week" : "cost_week", q->feasible ? "yes" : "no");
        if (q->feasible) {
            num(f, q->paid_hours);
            fputc(',', f);
            if (c->plan->has_cost) num(f, q->cost);
            fputc(',', f);
            num(f, q->met_share);
            fputc(',', f);
            num(f, q->worst_abandon);
            for (size_t l = 0; l < s->n_lines; l++) {
                fputc(',', f);
                num(f, q->abandon[l]);
                fputc(',', f);
                num(f, q->abandon_ci[l]);
            }
        } else {
            fputs(",,,", f);
            for (size_t l = 0; l < s->n_lines; l++) fputs(",,", f);
        }
        fputc('\n', f);
    }
    return close_file(f, "cost_curve.csv", err);
}

static cs_status staff_charts(const cs_staff_cli *c, cs_outdir *dir, cs_chart_list *list, cs_error *err)
{
    const cs_staff_plan *pl = c->plan;
    size_t ns = pl->n_slots;
    double *buf = malloc((4 * ns + 1) * sizeof *buf);
    if (!buf) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_status st = CS_OK;
    for (size_t p = 0; p < pl->n_pools && st == CS_OK; p++) {
        double *req = buf, *start = req + ns, *on = start + ns, *onci = on + ns;
        for (size_t k = 0; k < ns; k++) {
            req[k] = pl->isa->required[p * ns + k];
            start[k] = pl->isa->start[p * ns + k];
            cs_results_pool_slots(c->ver, p, &k, 1, CS_IPK_ON_DUTY, &on[k], &onci[k]);
        }
        cs_staff_pool_chart pc = {p + 1, c->scn->pools[p].name, ns, pl->interval, req, start,
                                  pl->rostered + p * ns, on, onci};
        st = cs_charts_staff_pool(&pc, cs_outputs_chart_path, dir, list, err);
    }
    free(buf);
    if (st != CS_OK || c->n_pts == 0) return st;
    size_t n = 0, nl = c->scn->n_lines;
    double *x = malloc((c->n_pts + 1) * sizeof *x), *ab = malloc((2 * nl * c->n_pts + 1) * sizeof *ab);
    const char **names = calloc(nl + 1, sizeof *names);
    if (!x || !ab || !names) {
        free(x);
        free(ab);
        free(names);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < c->n_pts; i++) {
        const cs_staff_point *q = &c->pts[i];
        if (!q->feasible) continue;
        x[n] = pl->has_cost ? q->cost : q->paid_hours;
        n++;
    }
    for (size_t l = 0; l < nl; l++) {
        names[l] = c->scn->lines[l].name;
        size_t j = 0;
        for (size_t i = 0; i < c->n_pts; i++) {
            if (!c->pts[i].feasible) continue;
            ab[l * n + j] = c->pts[i].abandon[l];
            ab[nl * n + l * n + j] = c->pts[i].abandon_ci[l];
            j++;
        }
    }
    cs_staff_curve_chart cc = {n, x, pl->has_cost ? "Cost of the roster per week" : "Paid hours of the roster per week",
                               nl, names, ab, ab + nl * n, c->current_x};
    if (n >= 2) st = cs_charts_staff_curve(&cc, cs_outputs_chart_path, dir, list, err);
    free(x);
    free(ab);
    free(names);
    return st;
}

cs_status cs_staff_out_dir(cs_staff_cli *c, cs_outdir *dir, int report, cs_error *err)
{
    cs_status st = cs_cli_write_run_files(dir, c->ver, 1, "staffing", json_staffing, c, err);
    if (st == CS_OK) st = write_requirements(c, dir, err);
    if (st == CS_OK) st = write_shifts(c, dir, err);
    if (st == CS_OK) st = write_costs(c, dir, err);
    if (st == CS_OK) st = write_verification(c, dir, err);
    if (st == CS_OK && c->n_pts) st = write_curve(c, dir, err);
    if (st == CS_OK) st = cs_cli_copy_scenario(dir, c->scenario, "scenario.yaml", c->sets, c->n_sets, err);
    if (st == CS_OK) {
        char path[PATH_MAX];
        FILE *f = cs_outdir_open(dir, "staffed.yaml", path, sizeof path, err);
        if (!f) st = err->code;
        else {
            st = cs_staff_out_variant(c, f, path, err);
            if (fclose(f) != 0 && st == CS_OK) st = cs_error_set(err, CS_EIO, "cannot write staffed.yaml");
        }
    }
    if (st == CS_OK) {
        cs_chart_list list = {0};
        st = cs_charts_run(c->ver, cs_outputs_chart_path, dir, &list, err);
        if (st == CS_OK) st = staff_charts(c, dir, &list, err);
        if (st == CS_OK) st = cs_outputs_write_manifest(dir, &list, err);
        cs_chart_list_free(&list);
    }
    if (st == CS_OK && report) st = cs_cli_write_report(cs_outdir_tmp(dir), err);
    return st;
}
