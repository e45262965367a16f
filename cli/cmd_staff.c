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
 * verification's callers were never seen by the planner.
 *
 * This file parses the flags, runs the planner and prints the terminal tables; what is written to
 * files (the variant, summary.json, --out DIR) is in cli/staff_out.c. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/dist.h"
#include "cli/outputs.h"
#include "cli/staff_out.h"
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

#define WEEKS_PER_YEAR CS_STAFF_WEEKS_PER_YEAR

enum {
    F_SET, F_REPS, F_SEED, F_THREADS, F_INTERVAL, F_ROUNDS, F_CHECKS, F_OUTPUT, F_NAME, F_OUT, F_FORCE, F_REPORT,
    F_BUDGET_HOURS, F_BUDGET_COST, F_AIM, F_CURVE, F_TIME_LIMIT, F_GAP, F_QUIET, F_HELP, F_N
};


static void log_line(void *ud, const char *msg)
{
    const cs_staff_cli *c = ud;
    if (!c->quiet) fprintf(stderr, "callsim staff: %s\n", msg);
}

static void log_round(void *ud, int round, size_t changed, size_t settled)
{
    const cs_staff_cli *c = ud;
    if (c->quiet) return;
    fprintf(stderr, "callsim staff: requirements round %d: %zu intervals changed", round, changed);
    if (settled) fprintf(stderr, " (%zu settled at the edge of a target)", settled);
    fputc('\n', stderr);
}

/* ---- the terminal ---------------------------------------------------------------------------- */

static void print_plan(const cs_staff_cli *c)
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
        cs_staff_out_days_words(x->days, d, sizeof d);
        cs_staff_out_hhmm(x->start, t, sizeof t);
        cs_units_format_duration(x->length, len, sizeof len);
        cs_units_format_duration(x->break_time, brk, sizeof brk);
        cs_staff_out_thousands(x->paid_hours, a, sizeof a);
        if (s->pools[x->pool].cost_per_hour > 0) cs_staff_out_money(c, x->cost, b, sizeof b);
        else snprintf(b, sizeof b, "-");
        printf("  %-18.18s %-22.22s %-16.16s %5s %6s %6s %6d %11s %11s\n", s->pools[x->pool].name, x->pattern, d, t,
               len, brk, x->staff, a, b);
    }
    printf("\nPaid hours and cost            %14s %14s %14s %14s\n", "now a week", "plan a week", "now a year",
           "plan a year");
    double tn = 0, tp = 0, cn = 0, cp = 0;
    for (size_t p = 0; p < pl->n_pools; p++) {
        char a[48], b[48], e[48], f[48];
        cs_staff_out_thousands(pl->now[p].paid_hours, a, sizeof a);
        cs_staff_out_thousands(pl->plan[p].paid_hours, b, sizeof b);
        cs_staff_out_thousands(pl->now[p].paid_hours * WEEKS_PER_YEAR, e, sizeof e);
        cs_staff_out_thousands(pl->plan[p].paid_hours * WEEKS_PER_YEAR, f, sizeof f);
        printf("  %-18.18s paid hours  %14s %14s %14s %14s\n", s->pools[p].name, a, b, e, f);
        tn += pl->now[p].paid_hours;
        tp += pl->plan[p].paid_hours;
        if (s->pools[p].cost_per_hour > 0) {
            cs_staff_out_money(c, pl->now[p].cost, a, sizeof a);
            cs_staff_out_money(c, pl->plan[p].cost, b, sizeof b);
            cs_staff_out_money(c, pl->now[p].cost * WEEKS_PER_YEAR, e, sizeof e);
            cs_staff_out_money(c, pl->plan[p].cost * WEEKS_PER_YEAR, f, sizeof f);
            printf("  %-18s cost        %14s %14s %14s %14s\n", "", a, b, e, f);
            cn += pl->now[p].cost;
            cp += pl->plan[p].cost;
        }
    }
    if (pl->n_pools > 1) {
        char a[48], b[48], e[48], f[48];
        cs_staff_out_thousands(tn, a, sizeof a);
        cs_staff_out_thousands(tp, b, sizeof b);
        cs_staff_out_thousands(tn * WEEKS_PER_YEAR, e, sizeof e);
        cs_staff_out_thousands(tp * WEEKS_PER_YEAR, f, sizeof f);
        printf("  %-18s paid hours  %14s %14s %14s %14s\n", "all pools", a, b, e, f);
        if (pl->has_cost) {
            cs_staff_out_money(c, cn, a, sizeof a);
            cs_staff_out_money(c, cp, b, sizeof b);
            cs_staff_out_money(c, cn * WEEKS_PER_YEAR, e, sizeof e);
            cs_staff_out_money(c, cp * WEEKS_PER_YEAR, f, sizeof f);
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
            if (cs_staff_out_significant_miss(r, l, k)) sig++;
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
            cs_staff_out_thousands(q->budget, a, sizeof a);
            if (!q->feasible) {
                printf("  %12s  no roster within it (minimum head counts cost more)\n", a);
                continue;
            }
            cs_staff_out_thousands(q->paid_hours, b, sizeof b);
            cs_staff_out_money(c, q->cost, e, sizeof e);
            printf("  %12s %12s %12s", a, b, pl->has_cost ? e : "-");
            for (size_t l = 0; l < s->n_lines; l++) printf("  %6.2f%% ± %4.2f", 100 * q->abandon[l], 100 * q->abandon_ci[l]);
            printf("  %7.1f%%\n", 100 * q->met_share);
        }
    }
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

static void free_cli(cs_staff_cli *c)
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
static cs_status run_current(cs_staff_cli *c, cs_error *err)
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
static cs_status verify(cs_staff_cli *c, cs_error *err)
{
    size_t cap = c->n_sets + 2 * c->scn->n_pools + c->scn->n_lines + 1, n;
    cs_scn_set *ss = calloc(cap, sizeof *ss);
    char (*labels)[48] = calloc(cap, sizeof *labels);
    cs_status st = ss && labels ? cs_staff_out_changes(c, ss, labels, &n, &c->staffed, err) : cs_error_set(err, CS_ENOMEM, "out of memory");
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
        [F_REPS] = {"reps", 0, CS_FLAG_STRING, "N", "replications of every simulation (default: the scenario's, raised to 40 if fewer)", 0, NULL},
        [F_SEED] = {"seed", 0, CS_FLAG_STRING, "S", "seed of the requirement (default: the scenario's; the verification uses S+1, the checks S+2, S+3, ...)", 0, NULL},
        [F_THREADS] = {"threads", 'j', CS_FLAG_STRING, "N", "worker threads (default: one per CPU; results do not depend on it)", 0, NULL},
        [F_INTERVAL] = {"interval", 0, CS_FLAG_STRING, "TIME", "staffing interval, a time that divides a day: 1h (default), 30m, 15m", 0, NULL},
        [F_ROUNDS] = {"rounds", 0, CS_FLAG_STRING, "N", "most rounds of the iterative staffing algorithm (default 20; 1 to 1000)", 0, NULL},
        [F_CHECKS] = {"checks", 0, CS_FLAG_STRING, "N", "simulation checks of the roster, each raising the cover where an interval misses (default 5; 0 = none)", 0, NULL},
        [F_OUTPUT] = {"output", 'o', CS_FLAG_STRING, "FILE", "write the staffed variant (base: the scenario, plus the new rosters)", 0, NULL},
        [F_NAME] = {"name", 0, CS_FLAG_STRING, "TEXT", "the variant's name (default: the scenario's, with \" (staffed)\")", 0, NULL},
        [F_OUT] = {"out", 0, CS_FLAG_STRING, "DIR", "write requirements.csv, shifts.csv, costs.csv, verification.csv, the verification run's files and charts into DIR", 0, NULL},
        [F_FORCE] = {"force", 0, CS_FLAG_BOOL, NULL, "replace FILE or DIR if it exists", 0, NULL},
        [F_REPORT] = {"report", 0, CS_FLAG_BOOL, NULL, "also write DIR/report.html", 0, NULL},
        [F_BUDGET_HOURS] = {"budget-hours", 0, CS_FLAG_STRING, "H", "budget mode: the best roster within H paid hours a week (all pools together)", 0, NULL},
        [F_BUDGET_COST] = {"budget-cost", 0, CS_FLAG_STRING, "C", "budget mode: the best roster within C a week, in the currency of the pools' cost_per_hour", 0, NULL},
        [F_AIM] = {"aim", 0, CS_FLAG_STRING, "weekly|worst", "what a budget roster minimises: weekly = the week's abandoned calls (default), worst = the worst interval's shortfall", 0, NULL},
        [F_CURVE] = {"curve", 0, CS_FLAG_STRING, "N", "cost-versus-abandonment curve: N (2 to 50) budgets from 60% to 100% of the least-cost roster's weekly cost (paid hours without cost_per_hour), each simulated", 0, NULL},
        [F_TIME_LIMIT] = {"time-limit", 0, CS_FLAG_STRING, "S", "wall-clock seconds per integer program solve (default 60; 30 for each budget); a solve cut short keeps its best roster and says so", 0, NULL},
        [F_GAP] = {"gap", 0, CS_FLAG_STRING, "G", "stop a solve once proven within G of the best roster: 1% or 0.01 (default 1%; 2% for budgets)", 0, NULL},
        [F_QUIET] = {"quiet", 'q', CS_FLAG_BOOL, NULL, "no progress lines", 0, NULL},
        [F_HELP] = {"help", 'h', CS_FLAG_BOOL, NULL, "show this help", 0, NULL},
    };
    const char *pos[1];
    size_t npos;
    if (cs_args_parse("staff", argc, argv, flags, F_N, pos, 1, &npos) != 0) return CS_EXIT_INPUT;
    if (flags[F_HELP].set) {
        printf("Usage: callsim staff SCENARIO.yaml [-o staffed.yaml] [--out DIR [--report]] [options]\n\n"
               "How many handlers each pool needs on duty in every interval of the week so that every\n"
               "line meets its target in that interval (target: answer_within + share, and/or max_abandon),\n"
               "found by the iterative staffing algorithm (simulation from an Erlang A start); the roster\n"
               "of allowed shifts (the pool's patterns:, else its roster's shifts) that covers it after\n"
               "shrinkage and breaks at the least paid cost (an integer program, GLPK, with its LP bound),\n"
               "checked by simulation on fresh seeds, with paid hours and cost (cost_per_hour) a week and\n"
               "a year against the current roster.  Dated scenarios (start:) are refused.  README: \"callsim staff\".\n\n");
        cs_args_help(flags, F_N);
        return CS_EXIT_OK;
    }
    if (npos != 1) return cs_cli_fail("staff", CS_EINPUT, "needs one scenario file: callsim staff SCENARIO.yaml");
    if ((flags[F_REPORT].set) && !flags[F_OUT].set) return cs_cli_fail("staff", CS_EINPUT, "--report needs --out DIR");
    if (flags[F_FORCE].set && !flags[F_OUT].set && !flags[F_OUTPUT].set)
        return cs_cli_fail("staff", CS_EINPUT, "--force needs -o FILE or --out DIR");
    if (flags[F_BUDGET_HOURS].set && flags[F_BUDGET_COST].set)
        return cs_cli_fail("staff", CS_EINPUT, "give one budget: --budget-hours or --budget-cost");
    cs_staff_cli *c = calloc(1, sizeof *c);
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
    int of_late = 0, dir_late = 0;   /* in an MPI job both are begun after the runs (cli/dist.h) */
    cs_cli_install_signals();
    st = cs_cli_outfile_early("staff", flags[F_OUTPUT].value, flags[F_FORCE].set, &of, &of_late, &err);
    if (st == CS_OK) st = cs_cli_outdir_early("staff", flags[F_OUT].value, flags[F_FORCE].set, &dir, &dir_late, &err);

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
    if (st == CS_OK) st = cs_staff_out_roster_texts(c, &err);
    if (st == CS_OK) {
        log_line(c, "verification: the staffed variant on another seed");
        st = verify(c, &err);
    }
    if (st == CS_OK) {
        print_plan(c);
        if (fflush(stdout) != 0 || ferror(stdout))
            st = cs_error_set(&err, CS_EIO, "cannot write the result: %s", strerror(errno));
    }
    if (st == CS_OK) st = cs_cli_outfile_late("staff", flags[F_OUTPUT].value, flags[F_FORCE].set, &of, of_late, &err);
    if (st == CS_OK && of) {
        st = cs_staff_out_variant(c, cs_outfile_stream(of), flags[F_OUTPUT].value, &err);
        if (st == CS_OK) st = cs_outfile_commit(of, &err);
        cs_cli_watch_outfile(NULL);
        cs_outfile_abort(of);
        of = NULL;
        if (st == CS_OK) printf("\nWrote %s: runnable, `base:` %s plus the new rosters.\n", flags[F_OUTPUT].value, pos[0]);
    }
    if (st == CS_OK) st = cs_cli_outdir_late("staff", flags[F_OUT].value, flags[F_FORCE].set, &dir, dir_late, &err);
    if (st == CS_OK && dir) {
        st = cs_staff_out_dir(c, dir, flags[F_REPORT].set, &err);
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
