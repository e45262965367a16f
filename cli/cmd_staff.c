/* callsim staff: how many handlers, when, on which shifts, at what cost (experiments/staff.h).
 *
 * Runs the current roster once for comparison, finds the requirement per interval by the
 * iterative staffing algorithm, covers it with the allowed shifts at least paid cost, checks the
 * roster by simulation, writes the roster as a runnable variant (-o: `base:` the scenario plus
 * the new rosters, loaded back and run on another seed for the verification), and with --out DIR
 * the verification run's files and charts, the requirement, the shift table, costs and the
 * staffing section of the report.  A budget (--budget-hours, --budget-cost) replaces the
 * least-cost roster by the best one within it; --curve N adds the cost-versus-abandonment curve.
 *
 * Seeds (experiments/staff.h): the requirement uses the scenario's seed S, the checks S + 2,
 * S + 3, ..., the comparison of the current roster and the verification S + 1, so that the
 * verification's callers were never seen by the planner. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/outputs.h"
#include "experiments/staff.h"
#include "io/json.h"
#include "io/outdir.h"
#include "io/override.h"
#include "io/results.h"
#include "io/scenario.h"
#include "io/units.h"
#include "io/variant.h"
#include "models/run.h"
#include "plots/staff_charts.h"
#include "sim/text.h"

#define WEEKS_PER_YEAR (365.25 / 7.0)

enum {
    F_SET, F_REPS, F_SEED, F_THREADS, F_INTERVAL, F_ROUNDS, F_CHECKS, F_OUTPUT, F_NAME, F_OUT, F_FORCE, F_REPORT,
    F_BUDGET_HOURS, F_BUDGET_COST, F_AIM, F_CURVE, F_TIME_LIMIT, F_GAP, F_QUIET, F_HELP, F_N
};

typedef struct staff_cli {
    const char *scenario;
    const char *sets[CS_CLI_MAX_SETS];
    size_t n_sets;
    int quiet, threads, reps;
    uint64_t seed;
    cs_scn *scn;                 /* ends with the chosen roster */
    cs_staff_plan *plan;
    cs_staff_opts so;
    int *had_staff;              /* [pool] the scenario gave `staff:` rather than a roster */
    /* the current roster, simulated on the verification seed */
    double base_met;
    size_t base_missed, base_cells;
    /* budget */
    int budget;                  /* 0 none, else a budget roster is the plan */
    cs_cover_unit unit;
    double budget_value;
    cs_staff_aim aim;
    cs_cover_solution bsol;
    /* curve */
    cs_staff_point *pts;
    size_t n_pts;
    double current_x;
    /* the variant and its verification run */
    char **roster_text;          /* [pool] "pools.X.roster=[...]" */
    char **staff_text;           /* [pool] "pools.X.staff=~" or NULL */
    char **unstaffed_text;       /* [line] "lines.X.allow_unstaffed=true" or NULL (a budget roster
                                    that leaves a line's calls with nobody on duty at times) */
    cs_scn *staffed;
    cs_results *ver;
    double ver_met;
    size_t ver_missed, ver_cells;
    char variant_name[200];
} staff_cli;

static void log_line(void *ud, const char *msg)
{
    const staff_cli *c = ud;
    if (!c->quiet) fprintf(stderr, "callsim staff: %s\n", msg);
}

static void log_round(void *ud, int round, size_t changed, size_t settled)
{
    const staff_cli *c = ud;
    if (c->quiet) return;
    fprintf(stderr, "callsim staff: requirements round %d: %zu intervals changed", round, changed);
    if (settled) fprintf(stderr, " (%zu settled at the edge of a target)", settled);
    fputc('\n', stderr);
}

/* ---- words and numbers ---------------------------------------------------------------------- */

static void hhmm(double t, char *buf, size_t n)
{
    long s = lround(t);
    snprintf(buf, n, "%02ld:%02ld", (s / 3600) % 100, (s / 60) % 60);
}

static void days_words(unsigned d, char *buf, size_t n)
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
static void thousands(double v, char *buf, size_t n)
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

static cs_status roster_texts(staff_cli *c, cs_error *err)
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
            hhmm(sh->start, st, sizeof st);
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
static cs_status changes(staff_cli *c, cs_scn_set *ss, char labels[][48], size_t *n, cs_scn **out, cs_error *err)
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

static void money(const staff_cli *c, double v, char *buf, size_t n)
{
    (void)c;
    char t[48];
    thousands(v, t, sizeof t);
    snprintf(buf, n, "%s", t);
}

static cs_status write_variant(staff_cli *c, FILE *f, const char *output, cs_error *err)
{
    size_t cap = c->n_sets + 2 * c->scn->n_pools + c->scn->n_lines + 1, n;
    cs_scn_set *ss = calloc(cap, sizeof *ss);
    char (*labels)[48] = calloc(cap, sizeof *labels);
    cs_variant_change *ch = calloc(cap, sizeof *ch);
    cs_status st = ss && labels && ch ? changes(c, ss, labels, &n, NULL, err) : cs_error_set(err, CS_ENOMEM, "out of memory");
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
            thousands(pl->now[p].paid_hours, a, sizeof a);
            thousands(pl->plan[p].paid_hours, b, sizeof b);
            cs_text_printf(&cm, "Pool %s: %s paid hours a week now, %s planned", c->scn->pools[p].name, a, b);
            if (c->scn->pools[p].cost_per_hour > 0) {
                money(c, pl->now[p].cost, a, sizeof a);
                money(c, pl->plan[p].cost, b, sizeof b);
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
            days_words(s->days, d, sizeof d);
            hhmm(s->start, t, sizeof t);
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

/* ---- the terminal ---------------------------------------------------------------------------- */

static int significant_miss(const cs_results *r, size_t l, size_t k);

static void print_plan(const staff_cli *c)
{
    const cs_staff_plan *pl = c->plan;
    const cs_scn *s = c->scn;
    printf("Staffing plan for %s (%g-minute intervals, %d replications a simulation)\n\n", s->name,
           pl->interval / 60, c->reps);
    printf("Requirement (handlers on duty): iterative staffing algorithm from an Erlang A start, %s after %d "
           "round%s.\n",
           pl->isa->converged ? "stable" : "not stable at the round limit", pl->isa->rounds,
           pl->isa->rounds == 1 ? "" : "s");
    if (pl->isa->unreachable_msg[0]) printf("  note: %s\n", pl->isa->unreachable_msg);
    for (size_t p = 0; p < pl->n_pools; p++) {
        int lo = INT32_MAX, hi = 0;
        size_t at = 0;
        double hours = 0;
        for (size_t k = 0; k < pl->n_slots; k++) {
            int v = pl->isa->required[p * pl->n_slots + k];
            if (v < lo) lo = v;
            if (v > hi) {
                hi = v;
                at = k;
            }
            hours += v * pl->interval / 3600;
        }
        char when[32];
        cs_out_week_time(when, sizeof when, (double)at * pl->interval);
        printf("  %-20s %d to %d on duty (peak %s), %.0f handler-hours on duty a week\n", s->pools[p].name, lo, hi,
               when, hours);
    }
    const cs_cover_solution *sol = c->budget ? &c->bsol : &pl->sol;
    printf("\nShifts (integer program: %s, objective %.6g, LP bound %.6g, %.2f%% above it; proven within %.2f%% of "
           "the best roster; %.1f s)\n",
           sol->glpk_text, sol->objective, sol->lp_bound, 100 * sol->gap, 100 * sol->proven_gap, sol->seconds);
    printf("  %-18s %-22s %-16s %5s %6s %6s %6s %11s %11s\n", "pool", "pattern", "days", "start", "length",
           "breaks", "staff", "paid h/wk", "cost/wk");
    for (size_t k = 0; k < pl->n_shifts; k++) {
        const cs_staff_shift *x = &pl->shifts[k];
        char d[64], t[16], len[32], brk[32], a[48], b[48];
        days_words(x->days, d, sizeof d);
        hhmm(x->start, t, sizeof t);
        cs_units_format_duration(x->length, len, sizeof len);
        cs_units_format_duration(x->break_time, brk, sizeof brk);
        thousands(x->paid_hours, a, sizeof a);
        if (s->pools[x->pool].cost_per_hour > 0) money(c, x->cost, b, sizeof b);
        else snprintf(b, sizeof b, "-");
        printf("  %-18.18s %-22.22s %-16.16s %5s %6s %6s %6d %11s %11s\n", s->pools[x->pool].name, x->pattern, d, t,
               len, brk, x->staff, a, b);
    }
    printf("\nPaid hours and cost            %14s %14s %14s %14s\n", "now a week", "plan a week", "now a year",
           "plan a year");
    double tn = 0, tp = 0, cn = 0, cp = 0;
    for (size_t p = 0; p < pl->n_pools; p++) {
        char a[48], b[48], e[48], f[48];
        thousands(pl->now[p].paid_hours, a, sizeof a);
        thousands(pl->plan[p].paid_hours, b, sizeof b);
        thousands(pl->now[p].paid_hours * WEEKS_PER_YEAR, e, sizeof e);
        thousands(pl->plan[p].paid_hours * WEEKS_PER_YEAR, f, sizeof f);
        printf("  %-18.18s paid hours  %14s %14s %14s %14s\n", s->pools[p].name, a, b, e, f);
        tn += pl->now[p].paid_hours;
        tp += pl->plan[p].paid_hours;
        if (s->pools[p].cost_per_hour > 0) {
            money(c, pl->now[p].cost, a, sizeof a);
            money(c, pl->plan[p].cost, b, sizeof b);
            money(c, pl->now[p].cost * WEEKS_PER_YEAR, e, sizeof e);
            money(c, pl->plan[p].cost * WEEKS_PER_YEAR, f, sizeof f);
            printf("  %-18s cost        %14s %14s %14s %14s\n", "", a, b, e, f);
            cn += pl->now[p].cost;
            cp += pl->plan[p].cost;
        }
    }
    if (pl->n_pools > 1) {
        char a[48], b[48], e[48], f[48];
        thousands(tn, a, sizeof a);
        thousands(tp, b, sizeof b);
        thousands(tn * WEEKS_PER_YEAR, e, sizeof e);
        thousands(tp * WEEKS_PER_YEAR, f, sizeof f);
        printf("  %-18s paid hours  %14s %14s %14s %14s\n", "all pools", a, b, e, f);
        if (pl->has_cost) {
            money(c, cn, a, sizeof a);
            money(c, cp, b, sizeof b);
            money(c, cn * WEEKS_PER_YEAR, e, sizeof e);
            money(c, cp * WEEKS_PER_YEAR, f, sizeof f);
            printf("  %-18s cost        %14s %14s %14s %14s\n", "", a, b, e, f);
        }
    }
    if (!c->budget && pl->checks) {
        printf("\nChecks of the roster by simulation (seeds %llu to %llu): (line, interval) pairs missing a target:",
               (unsigned long long)cs_staff_check_seed(c->seed, 0),
               (unsigned long long)cs_staff_check_seed(c->seed, pl->checks - 1));
        for (int i = 0; i < pl->checks; i++) printf("%s %zu", i ? " ->" : "", pl->check_missed[i]);
        printf(" of %zu\n", pl->check_cells);
    }
    printf("\nVerification (seed %llu, %d replications, people absent at random): %zu of %zu (line, interval) pairs "
           "meet their targets (%.1f%%); the current roster: %zu of %zu (%.1f%%).\n",
           (unsigned long long)cs_staff_verify_seed(c->seed), c->reps, c->ver_cells - c->ver_missed, c->ver_cells, 100 * c->ver_met,
           c->base_cells - c->base_missed, c->base_cells, 100 * c->base_met);
    const cs_results *r = c->ver;
    size_t sig = 0;
    for (size_t l = 0; l < s->n_lines; l++)
        for (size_t k = 0; k < pl->n_slots; k++)
            if (significant_miss(r, l, k)) sig++;
    if (c->ver_missed) printf("  %zu of the misses are below the target beyond the 95%% CI of the verification run.\n", sig);
    int shown = 0;
    for (size_t l = 0; l < s->n_lines; l++)
        for (size_t k = 0; k < pl->n_slots; k++) {
            double sl, ab;
            if (cs_isa_meets(r, l, k, &sl, &ab)) continue;
            if (shown++ >= 20) continue;
            char when[32];
            cs_out_week_time(when, sizeof when, (double)k * pl->interval);
            const cs_line *L = &s->lines[l];
            printf("  misses: line %s %s:", L->name, when);
            if (L->target_share > 0 && sl < L->target_share)
                printf(" answered within %g s %.1f%% (target %.4g%%)", L->target_within, 100 * sl, 100 * L->target_share);
            if (L->target_max_abandon > 0 && ab > L->target_max_abandon)
                printf(" abandoned %.1f%% (ceiling %.4g%%)", 100 * ab, 100 * L->target_max_abandon);
            putchar('\n');
        }
    if (shown > 20) printf("  ... and %d more (verification.csv lists every interval)\n", shown - 20);
    if (c->n_pts) {
        printf("\nCost against abandonment (%s within each budget, simulated on seed %llu):\n",
               c->aim == CS_STAFF_WORST ? "worst interval" : "weekly abandonment", (unsigned long long)cs_staff_verify_seed(c->seed));
        printf("  %12s %12s %12s", "budget", "paid h/wk", "cost/wk");
        for (size_t l = 0; l < s->n_lines; l++) printf("  %9s abandoned", s->lines[l].name);
        printf("  %8s\n", "met");
        for (size_t i = 0; i < c->n_pts; i++) {
            const cs_staff_point *q = &c->pts[i];
            char a[48], b[48], e[48];
            thousands(q->budget, a, sizeof a);
            if (!q->feasible) {
                printf("  %12s  no roster within it (minimum head counts cost more)\n", a);
                continue;
            }
            thousands(q->paid_hours, b, sizeof b);
            money(c, q->cost, e, sizeof e);
            printf("  %12s %12s %12s", a, b, pl->has_cost ? e : "-");
            for (size_t l = 0; l < s->n_lines; l++) printf("  %6.2f%% ± %4.2f", 100 * q->abandon[l], 100 * q->abandon_ci[l]);
            printf("  %7.1f%%\n", 100 * q->met_share);
        }
    }
}

/* ---- summary.json: the "staffing" member ------------------------------------------------------ */

/* A miss beyond the 95% CI: even the favourable end of the interval misses the target. */
static int significant_miss(const cs_results *r, size_t l, size_t k)
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
    cs_json_kv_number(w, "paid_hours_week", pc->paid_hours);
    cs_json_kv_number(w, "paid_hours_year", pc->paid_hours * WEEKS_PER_YEAR);
    if (costed) {
        cs_json_kv_number(w, "cost_week", pc->cost);
        cs_json_kv_number(w, "cost_year", pc->cost * WEEKS_PER_YEAR);
    }
    cs_json_kv_number(w, "shifts_week", pc->shifts_week);
    cs_json_end_object(w);
}

static void json_solution(cs_json_writer *w, const cs_cover_solution *s)
{
    cs_json_begin_object(w);
    cs_json_kv_string(w, "status", s->glpk_text ? s->glpk_text : "");
    cs_json_kv_number(w, "objective", s->objective);
    cs_json_kv_number(w, "lp_bound", s->lp_bound);
    cs_json_kv_number(w, "best_bound", s->best_bound);
    cs_json_kv_number(w, "gap", s->gap);
    cs_json_kv_number(w, "proven_gap", s->proven_gap);
    cs_json_kv_number(w, "paid_hours_week", s->paid_hours);
    cs_json_kv_int(w, "rows", s->rows);
    cs_json_kv_int(w, "columns", s->cols);
    cs_json_end_object(w);
}

static void json_staffing(void *ud, void *wv)
{
    const staff_cli *c = ud;
    cs_json_writer *w = wv;
    const cs_staff_plan *pl = c->plan;
    const cs_scn *s = c->scn;
    cs_json_begin_object(w);
    cs_json_kv_number(w, "interval_s", pl->interval);
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
        cs_json_kv_number(w, "value", c->budget_value);
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
        if (costed) cs_json_kv_number(w, "cost_per_hour", P->cost_per_hour);
        cs_json_kv_number(w, "shrinkage", P->shrinkage);
        int hi = 0;
        double hours = 0;
        for (size_t k = 0; k < pl->n_slots; k++) {
            int v = pl->isa->required[p * pl->n_slots + k];
            if (v > hi) hi = v;
            hours += v * pl->interval / 3600;
        }
        cs_json_kv_int(w, "peak_required", hi);
        cs_json_kv_number(w, "required_hours_week", hours);
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
        days_words(x->days, d, sizeof d);
        hhmm(x->start, t, sizeof t);
        cs_json_begin_object(w);
        cs_json_kv_string(w, "pool", s->pools[x->pool].name);
        cs_json_kv_string(w, "pattern", x->pattern);
        cs_json_kv_string(w, "days", d);
        cs_json_kv_string(w, "start", t);
        cs_json_kv_number(w, "length_s", x->length);
        cs_json_kv_number(w, "breaks_s", x->break_time);
        cs_json_kv_int(w, "staff", x->staff);
        cs_json_kv_int(w, "shifts_week", x->shifts_week);
        cs_json_kv_number(w, "paid_hours_week", x->paid_hours);
        if (s->pools[x->pool].cost_per_hour > 0) cs_json_kv_number(w, "cost_week", x->cost);
        cs_json_end_object(w);
    }
    cs_json_end_array(w);
    cs_json_key(w, "verification");
    cs_json_begin_object(w);
    cs_json_kv_number(w, "met_share", c->ver_met);
    cs_json_kv_int(w, "missed", (long long)c->ver_missed);
    cs_json_kv_int(w, "cells", (long long)c->ver_cells);
    size_t sig = 0;
    for (size_t l = 0; l < s->n_lines; l++)
        for (size_t k = 0; k < pl->n_slots; k++)
            if (significant_miss(c->ver, l, k)) sig++;
    cs_json_kv_int(w, "significant", (long long)sig);
    cs_json_kv_number(w, "current_met_share", c->base_met);
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
            cs_json_kv_number(w, "mean", m);
            cs_json_kv_number(w, "ci95", h);
            cs_json_kv_number(w, "target", sl_miss ? L->target_share : L->target_max_abandon);
            cs_json_end_object(w);
        }
    cs_json_end_array(w);
    cs_json_end_object(w);
    if (c->n_pts) {
        cs_json_key(w, "curve");
        cs_json_begin_object(w);
        cs_json_kv_string(w, "unit", c->unit == CS_COVER_HOURS ? "paid_hours_week" : "cost_week");
        cs_json_kv_string(w, "aim", c->aim == CS_STAFF_WORST ? "worst_interval" : "weekly_abandonment");
        cs_json_kv_number(w, "current", c->current_x);
        cs_json_key(w, "points");
        cs_json_begin_array(w);
        for (size_t i = 0; i < c->n_pts; i++) {
            const cs_staff_point *q = &c->pts[i];
            cs_json_begin_object(w);
            cs_json_kv_number(w, "budget", q->budget);
            cs_json_kv_bool(w, "feasible", q->feasible);
            if (q->feasible) {
                cs_json_kv_number(w, "paid_hours_week", q->paid_hours);
                if (pl->has_cost) cs_json_kv_number(w, "cost_week", q->cost);
                cs_json_kv_number(w, "met_share", q->met_share);
                cs_json_kv_number(w, "worst_interval_abandon", q->worst_abandon);
                cs_json_key(w, "lines");
                cs_json_begin_object(w);
                for (size_t l = 0; l < s->n_lines; l++) {
                    cs_json_key(w, s->lines[l].name);
                    cs_json_begin_object(w);
                    cs_json_key(w, "abandon_rate");
                    cs_json_begin_object(w);
                    cs_json_kv_number(w, "mean", q->abandon[l]);
                    cs_json_kv_number(w, "ci95", q->abandon_ci[l]);
                    cs_json_end_object(w);
                    cs_json_key(w, "service_level");
                    cs_json_begin_object(w);
                    cs_json_kv_number(w, "mean", q->sl[l]);
                    cs_json_kv_number(w, "ci95", q->sl_ci[l]);
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
    cs_out_number(b, sizeof b, x);
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

static cs_status write_requirements(const staff_cli *c, cs_outdir *dir, cs_error *err)
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

static cs_status write_shifts(const staff_cli *c, cs_outdir *dir, cs_error *err)
{
    FILE *f = cs_outdir_open(dir, "shifts.csv", NULL, 0, err);
    if (!f) return err->code;
    const cs_staff_plan *pl = c->plan;
    fprintf(f, "pool,pattern,kind,days,start,length_h,breaks_h,staff,shifts_week,paid_hours_week,cost_week\n");
    for (size_t k = 0; k < pl->n_shifts; k++) {
        const cs_staff_shift *x = &pl->shifts[k];
        char d[64], t[16];
        days_words(x->days, d, sizeof d);
        hhmm(x->start, t, sizeof t);
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

static cs_status write_costs(const staff_cli *c, cs_outdir *dir, cs_error *err)
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

static cs_status write_verification(const staff_cli *c, cs_outdir *dir, cs_error *err)
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

static cs_status write_curve(const staff_cli *c, cs_outdir *dir, cs_error *err)
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

static cs_status staff_charts(const staff_cli *c, cs_outdir *dir, cs_chart_list *list, cs_error *err)
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

static cs_status write_outdir(staff_cli *c, cs_outdir *dir, int report, cs_error *err)
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
            st = write_variant(c, f, path, err);
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

/* ---- the command ------------------------------------------------------------------------------ */

static int parse_number(const char *cmd, const char *flag, const char *s, double lo, double *out)
{
    char *end;
    errno = 0;
    double v = s ? strtod(s, &end) : NAN;
    if (!s || end == s || *end || errno || !isfinite(v) || v < lo) {
        fprintf(stderr, "callsim %s: --%s: expected a number of at least %g, got '%s'\n", cmd, flag, lo, s ? s : "");
        return -1;
    }
    *out = v;
    return 0;
}

static void free_cli(staff_cli *c)
{
    cs_results_free(c->ver);
    cs_scn_free(c->staffed);
    cs_staff_points_free(c->pts, c->n_pts);
    free(c->pts);
    cs_cover_solution_free(&c->bsol);
    if (c->roster_text)
        for (size_t p = 0; c->scn && p < c->scn->n_pools; p++) free(c->roster_text[p]);
    if (c->staff_text)
        for (size_t p = 0; c->scn && p < c->scn->n_pools; p++) free(c->staff_text[p]);
    if (c->unstaffed_text)
        for (size_t l = 0; c->scn && l < c->scn->n_lines; l++) free(c->unstaffed_text[l]);
    free(c->roster_text);
    free(c->staff_text);
    free(c->unstaffed_text);
    free(c->had_staff);
    cs_staff_plan_free(c->plan);
    cs_scn_free(c->scn);
    free(c);
}

/* The current roster on the verification seed: how many (line, interval) pairs meet targets. */
static cs_status run_current(staff_cli *c, cs_error *err)
{
    cs_scn *s = c->scn;
    uint64_t seed = s->seed;
    int reps = s->replications;
    s->seed = cs_staff_verify_seed(c->seed);
    s->replications = c->reps;
    cs_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.threads = c->threads;
    cs_results *r = NULL;
    cs_status st = cs_run(s, &ro, &r, err);
    s->seed = seed;
    s->replications = reps;
    if (st != CS_OK) return st;
    c->base_met = cs_staff_met_share(r, &c->base_missed, &c->base_cells);
    cs_results_free(r);
    return CS_OK;
}

/* The variant loaded back and run on the verification seed: what was written is what is shown. */
static cs_status verify(staff_cli *c, cs_error *err)
{
    size_t cap = c->n_sets + 2 * c->scn->n_pools + c->scn->n_lines + 1, n;
    cs_scn_set *ss = calloc(cap, sizeof *ss);
    char (*labels)[48] = calloc(cap, sizeof *labels);
    cs_status st = ss && labels ? changes(c, ss, labels, &n, &c->staffed, err) : cs_error_set(err, CS_ENOMEM, "out of memory");
    free(ss);
    free(labels);
    if (st != CS_OK) return st;
    cs_scn *s = c->staffed;
    s->interval = c->plan->interval;
    s->replications = c->reps;
    s->seed = cs_staff_verify_seed(c->seed);
    /* The volume factors found for the scenario apply to the variant (the same lines). */
    for (size_t l = 0; l < s->n_lines && l < c->scn->n_lines; l++)
        if (s->lines[l].counts == CS_COUNTS_ATTEMPTS) {
            double f = c->scn->lines[l].volume_factor;
            if (f > 0 && s->lines[l].demand.rate)
                for (size_t k = 0; k < s->lines[l].demand.n_slots; k++) s->lines[l].demand.rate[k] *= f;
            s->lines[l].volume_factor = f;
        }
    s->volume_pending = 0;
    cs_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.threads = c->threads;
    st = cs_run(s, &ro, &c->ver, err);
    if (st == CS_OK) c->ver_met = cs_staff_met_share(c->ver, &c->ver_missed, &c->ver_cells);
    return st;
}

int cs_cmd_staff(int argc, char **argv)
{
    cs_flag flags[F_N] = {
        [F_SET] = {"set", 0, CS_FLAG_LIST, "PATH=VALUE", "change one value of the scenario first (repeatable)", 0, NULL},
        [F_REPS] = {"reps", 0, CS_FLAG_STRING, "N", "replications of every simulation (default: the file's, at least 40)", 0, NULL},
        [F_SEED] = {"seed", 0, CS_FLAG_STRING, "S", "seed of the requirement (the verification uses S+1, the checks S+2, S+3, ...)", 0, NULL},
        [F_THREADS] = {"threads", 'j', CS_FLAG_STRING, "N", "worker threads (default: one per CPU; results do not depend on it)", 0, NULL},
        [F_INTERVAL] = {"interval", 0, CS_FLAG_STRING, "TIME", "staffing interval: 1h (default), 30m, 15m, ...", 0, NULL},
        [F_ROUNDS] = {"rounds", 0, CS_FLAG_STRING, "N", "most rounds of the iterative staffing algorithm (default 20)", 0, NULL},
        [F_CHECKS] = {"checks", 0, CS_FLAG_STRING, "N", "simulation checks of the roster, each re-covering the intervals that miss (default 5; 0 = none)", 0, NULL},
        [F_OUTPUT] = {"output", 'o', CS_FLAG_STRING, "FILE", "write the staffed variant (base: the scenario, plus the new rosters)", 0, NULL},
        [F_NAME] = {"name", 0, CS_FLAG_STRING, "TEXT", "the variant's name (default: the scenario's, with \" (staffed)\")", 0, NULL},
        [F_OUT] = {"out", 0, CS_FLAG_STRING, "DIR", "write the requirement, shifts, costs, verification run, charts into DIR", 0, NULL},
        [F_FORCE] = {"force", 0, CS_FLAG_BOOL, NULL, "replace FILE or DIR if it exists", 0, NULL},
        [F_REPORT] = {"report", 0, CS_FLAG_BOOL, NULL, "also write DIR/report.html", 0, NULL},
        [F_BUDGET_HOURS] = {"budget-hours", 0, CS_FLAG_STRING, "H", "roster within H paid hours a week (all pools)", 0, NULL},
        [F_BUDGET_COST] = {"budget-cost", 0, CS_FLAG_STRING, "C", "roster within a cost of C a week (needs cost_per_hour)", 0, NULL},
        [F_AIM] = {"aim", 0, CS_FLAG_STRING, "weekly|worst", "within a budget, minimise the week's abandoned calls (default) or the worst interval's shortfall", 0, NULL},
        [F_CURVE] = {"curve", 0, CS_FLAG_STRING, "N", "cost-versus-abandonment curve: N budgets from 60% to 100% of the least-cost roster", 0, NULL},
        [F_TIME_LIMIT] = {"time-limit", 0, CS_FLAG_STRING, "S", "seconds per integer program solve (default 60; 30 for each budget)", 0, NULL},
        [F_GAP] = {"gap", 0, CS_FLAG_STRING, "G", "stop a solve once proven within G of the best roster, e.g. 1% (default: 1%; 2% for budgets)", 0, NULL},
        [F_QUIET] = {"quiet", 'q', CS_FLAG_BOOL, NULL, "no progress lines", 0, NULL},
        [F_HELP] = {"help", 'h', CS_FLAG_BOOL, NULL, "show this help", 0, NULL},
    };
    const char *pos[1];
    size_t npos;
    if (cs_args_parse("staff", argc, argv, flags, F_N, pos, 1, &npos) != 0) return CS_EXIT_INPUT;
    if (flags[F_HELP].set) {
        printf("Usage: callsim staff SCENARIO.yaml [-o staffed.yaml] [--out DIR [--report]] [options]\n\n"
               "How many handlers each pool needs on duty in every interval of the week for every line's\n"
               "targets (the iterative staffing algorithm: simulation from an Erlang A start), the roster\n"
               "of allowed shifts (the pool's patterns:, else its roster's shifts) that covers it after\n"
               "shrinkage and breaks at the least paid cost (an integer program, GLPK), checked by\n"
               "simulation, with paid hours and cost against the current roster.\n\n");
        cs_args_help(flags, F_N);
        return CS_EXIT_OK;
    }
    if (npos != 1) return cs_cli_fail("staff", CS_EINPUT, "needs one scenario file: callsim staff SCENARIO.yaml");
    if ((flags[F_REPORT].set) && !flags[F_OUT].set) return cs_cli_fail("staff", CS_EINPUT, "--report needs --out DIR");
    if (flags[F_FORCE].set && !flags[F_OUT].set && !flags[F_OUTPUT].set)
        return cs_cli_fail("staff", CS_EINPUT, "--force needs -o FILE or --out DIR");
    if (flags[F_BUDGET_HOURS].set && flags[F_BUDGET_COST].set)
        return cs_cli_fail("staff", CS_EINPUT, "give one budget: --budget-hours or --budget-cost");
    staff_cli *c = calloc(1, sizeof *c);
    if (!c) return cs_cli_fail("staff", CS_ENOMEM, "out of memory");
    c->scenario = pos[0];
    c->quiet = flags[F_QUIET].set;
    int code = cs_cli_list("staff", argc, argv, flags, F_N, "set", c->sets, &c->n_sets);
    if (!code) code = cs_cli_threads("staff", flags[F_THREADS].value, &c->threads);
    double interval = 3600, budget = 0, time_limit = 0;
    long rounds = 0, checks = 5, curve = 0;
    if (!code && flags[F_INTERVAL].value) {
        cs_error e;
        if (cs_units_parse_duration(flags[F_INTERVAL].value, &interval, &e) != CS_OK || !(interval >= 60) ||
            fabs(CS_DAY / interval - floor(CS_DAY / interval + 0.5)) > 1e-9)
            code = cs_cli_fail("staff", CS_EINPUT, "--interval: expected a time that divides a day, such as 1h, 30m or 15m");
    }
    if (!code && flags[F_ROUNDS].value && cs_args_long("staff", "rounds", flags[F_ROUNDS].value, 1, 1000, &rounds) != 0)
        code = CS_EXIT_INPUT;
    if (!code && flags[F_CHECKS].value && cs_args_long("staff", "checks", flags[F_CHECKS].value, 0, 100, &checks) != 0)
        code = CS_EXIT_INPUT;
    if (!code && flags[F_CURVE].value && cs_args_long("staff", "curve", flags[F_CURVE].value, 2, 50, &curve) != 0)
        code = CS_EXIT_INPUT;
    if (!code && flags[F_TIME_LIMIT].value &&
        parse_number("staff", "time-limit", flags[F_TIME_LIMIT].value, 0.1, &time_limit) != 0)
        code = CS_EXIT_INPUT;
    double gap = 0;
    if (!code && flags[F_GAP].value) {
        cs_error e;
        if (cs_units_parse_share(flags[F_GAP].value, &gap, &e) != CS_OK || !(gap > 0 && gap < 0.5))
            code = cs_cli_fail("staff", CS_EINPUT, "--gap: expected a share above 0 and below 50%, such as 1%");
    }
    if (!code && (flags[F_BUDGET_HOURS].set || flags[F_BUDGET_COST].set)) {
        const char *f = flags[F_BUDGET_HOURS].set ? "budget-hours" : "budget-cost";
        if (parse_number("staff", f, flags[F_BUDGET_HOURS].set ? flags[F_BUDGET_HOURS].value : flags[F_BUDGET_COST].value,
                         0, &budget) != 0)
            code = CS_EXIT_INPUT;
        c->budget = 1;
        c->budget_value = budget;
        c->unit = flags[F_BUDGET_HOURS].set ? CS_COVER_HOURS : CS_COVER_MONEY;
    }
    if (!code && flags[F_AIM].value) {
        if (strcmp(flags[F_AIM].value, "weekly") == 0) c->aim = CS_STAFF_WEEKLY;
        else if (strcmp(flags[F_AIM].value, "worst") == 0) c->aim = CS_STAFF_WORST;
        else code = cs_cli_fail("staff", CS_EINPUT, "--aim: expected weekly (the week's abandoned calls) or worst (the worst interval)");
    }
    if (!code && !c->budget && !curve && flags[F_AIM].value)
        code = cs_cli_fail("staff", CS_EINPUT, "--aim applies to a budget (--budget-hours, --budget-cost) or --curve");
    if (code) {
        free_cli(c);
        return code;
    }
    c->scn = cs_cli_load_scenario_set("staff", c->scenario, c->sets, c->n_sets, &code);
    if (c->scn) code = cs_cli_override("staff", c->scn, flags[F_REPS].value, flags[F_SEED].value);
    if (!code && c->scn->clock.dated)
        code = cs_cli_fail("staff", CS_EINPUT, "the staffing planner plans a repeating week, and this scenario has "
                           "start: (calendar time); plan on a copy without start: and lay dated changes over the "
                           "result with on_duty:");
    if (!code && c->unit == CS_COVER_MONEY && c->budget) {
        int costed = 0;
        for (size_t p = 0; p < c->scn->n_pools; p++) costed |= c->scn->pools[p].cost_per_hour > 0;
        if (!costed) code = cs_cli_fail("staff", CS_EINPUT, "--budget-cost needs a cost_per_hour on the pools; give "
                                        "one, or a budget in paid hours (--budget-hours)");
    }
    if (!code) code = cs_cli_calibrate("staff", c->scn, c->threads);
    if (code) {
        free_cli(c);
        return code;
    }
    cs_scn *s = c->scn;
    c->seed = s->seed;
    c->reps = flags[F_REPS].value ? s->replications : (s->replications > 40 ? s->replications : 40);
    s->replications = c->reps;
    s->interval = interval;
    c->had_staff = calloc(s->n_pools + 1, sizeof *c->had_staff);
    if (!c->had_staff) {
        free_cli(c);
        return cs_cli_fail("staff", CS_ENOMEM, "out of memory");
    }
    for (size_t p = 0; p < s->n_pools; p++) c->had_staff[p] = s->pools[p].n_shifts == 0;
    size_t nl = strlen(s->name);
    int already = nl >= 10 && strcmp(s->name + nl - 10, " (staffed)") == 0;
    snprintf(c->variant_name, sizeof c->variant_name, already ? "%s" : "%s (staffed)", s->name);
    if (flags[F_NAME].value) snprintf(c->variant_name, sizeof c->variant_name, "%s", flags[F_NAME].value);

    /* Output locations are checked before hours of work, not after. */
    cs_error err = {CS_OK, ""};
    cs_outfile *of = NULL;
    cs_outdir *dir = NULL;
    cs_status st = CS_OK;
    cs_cli_install_signals();
    if (flags[F_OUTPUT].set) {
        st = cs_outfile_begin(flags[F_OUTPUT].value, flags[F_FORCE].set, cs_cli_note, (void *)"staff", &of, &err);
        if (st == CS_OK) cs_cli_watch_outfile(of);
    }
    if (st == CS_OK && flags[F_OUT].set) {
        st = cs_outdir_begin(flags[F_OUT].value, flags[F_FORCE].set, cs_cli_note, (void *)"staff", &dir, &err);
        if (st == CS_OK) cs_cli_watch_outdir(dir);
    }

    c->so.isa.interval = interval;
    c->so.isa.reps = c->reps;
    c->so.isa.max_rounds = (int)rounds;
    c->so.isa.threads = c->threads;
    c->so.isa.round = log_round;
    c->so.isa.round_ud = c;
    c->so.check_rounds = checks == 0 ? -1 : (int)checks;
    c->so.time_limit = time_limit;
    c->so.mip_gap = gap;
    c->so.log = log_line;
    c->so.log_ud = c;
    if (st == CS_OK) {
        log_line(c, "the current roster, for comparison");
        st = run_current(c, &err);
    }
    if (st == CS_OK) st = cs_staff_plan_run(s, &c->so, &c->plan, &err);
    if (st == CS_OK && curve) {
        const cs_staff_plan *pl = c->plan;
        double full = c->unit == CS_COVER_HOURS || !pl->has_cost ? pl->sol.paid_hours : 0;
        if (c->unit == CS_COVER_MONEY && pl->has_cost)
            for (size_t p = 0; p < pl->n_pools; p++) full += pl->plan[p].cost;
        if (!c->budget) c->unit = pl->has_cost ? CS_COVER_MONEY : CS_COVER_HOURS;
        if (c->unit == CS_COVER_HOURS) full = pl->sol.paid_hours;
        c->current_x = 0;
        for (size_t p = 0; p < pl->n_pools; p++)
            c->current_x += c->unit == CS_COVER_HOURS ? pl->now[p].paid_hours : pl->now[p].cost;
        c->n_pts = (size_t)curve;
        c->pts = calloc(c->n_pts, sizeof *c->pts);
        double *budgets = malloc(c->n_pts * sizeof *budgets);
        if (!c->pts || !budgets) st = cs_error_set(&err, CS_ENOMEM, "out of memory");
        for (size_t i = 0; st == CS_OK && i < c->n_pts; i++)
            budgets[i] = full * (0.6 + 0.4 * (double)i / (double)(c->n_pts - 1));
        if (st == CS_OK)
            st = cs_staff_curve(c->plan, s, c->aim, c->unit, budgets, c->n_pts, cs_staff_verify_seed(c->seed), &c->so, c->pts, &err);
        free(budgets);
        if (st != CS_OK) c->n_pts = 0;
    }
    if (st == CS_OK && c->budget) {
        st = cs_staff_budget(c->plan, s, c->aim, c->budget_value, c->unit, &c->so, &c->bsol, &err);
        if (st == CS_OK) st = cs_staff_apply(c->plan, s, c->bsol.heads, &err);
    }
    if (st == CS_OK) st = roster_texts(c, &err);
    if (st == CS_OK) {
        log_line(c, "verification: the staffed variant on another seed");
        st = verify(c, &err);
    }
    if (st == CS_OK) {
        print_plan(c);
        if (fflush(stdout) != 0 || ferror(stdout))
            st = cs_error_set(&err, CS_EIO, "cannot write the result: %s", strerror(errno));
    }
    if (st == CS_OK && of) {
        st = write_variant(c, cs_outfile_stream(of), flags[F_OUTPUT].value, &err);
        if (st == CS_OK) st = cs_outfile_commit(of, &err);
        cs_cli_watch_outfile(NULL);
        cs_outfile_abort(of);
        of = NULL;
        if (st == CS_OK) printf("\nWrote %s: runnable, `base:` %s plus the new rosters.\n", flags[F_OUTPUT].value, pos[0]);
    }
    if (st == CS_OK && dir) {
        st = write_outdir(c, dir, flags[F_REPORT].set, &err);
        if (st == CS_OK) st = cs_outdir_commit(dir, &err);
        cs_cli_watch_outdir(NULL);
        if (st == CS_OK) {
            cs_outdir_free(dir);
            dir = NULL;
            printf("Results written to %s/\n", flags[F_OUT].value);
        }
    }
    cs_cli_watch_outfile(NULL);
    cs_outfile_abort(of);
    cs_cli_watch_outdir(NULL);
    cs_outdir_abort(dir);
    code = st == CS_OK ? CS_EXIT_OK : cs_cli_fail("staff", st, err.msg);
    free_cli(c);
    return code;
}
