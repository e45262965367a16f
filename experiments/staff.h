/* The staffing planner (prefix cs_staff_): requirements per interval (experiments/isa.h), a
 * roster of allowed shifts that covers them at the least paid cost (experiments/cover.h with
 * experiments/shiftpat.h), and simulation checks of that roster, repeated where an interval
 * still misses a target.  What `callsim staff` runs.
 *
 * Steps:
 *   1. Requirements: cs_isa_run on the scenario: handlers needed ON DUTY per pool and interval.
 *   2. Cover: the week of staffing intervals is the grid; each pool is a cover pool with its
 *      shrinkage and cost per paid hour (a pool without one is costed at 1 per paid hour, so the
 *      cover minimises paid hours); the allowed patterns are the pool's `patterns:`
 *      (models/scenario.h cs_shift_pattern), or, without them, its roster's shifts, each weekday
 *      of each shift a pattern of its own with a free head count (so a roster that is the same
 *      every day may become one that is not).  Breaks are placed as the engine places them for
 *      the pool's absence rule: anywhere in the shift (`absence: expected`), or, with random
 *      absence, after the first hour and before the last (a quarter for shifts under 4 hours).
 *      The cover then asks, per interval, for (1 - shrinkage) x the heads' coverage >= the
 *      requirement: the expected handlers on duty after absence and breaks.
 *   3. Checks: the roster is simulated as a run would simulate it (people absent at random,
 *      breaks staggered), each check on fresh callers (seeds S + 2, S + 3, ...: never the
 *      requirement's S, nor the verification's S + 1), so that a check does not fix the noise
 *      of one sample and miss an interval that only looked fine in it.  Where a line
 *      misses its target in an interval (the mean over the replications), each pool serving it
 *      has its requirement there raised to what cs_isa_update says the simulated performance
 *      needs, and at least one handler above the simulated mean on duty; the cover is solved
 *      again.  Repeated until no interval misses or `check_rounds` is spent.  Shrinkage makes
 *      the cover an approximation: on a given day a shift has fewer or more people than its
 *      mean, and an interval's performance is not linear in them, so a roster whose mean meets
 *      the requirement falls short on the days with more absence; the checks pay for that.
 *
 * The scenario passed in ends with the chosen roster in place of each pool's shifts (its
 * staffing rebuilt, `staff:` headcounts replaced by shifts), ready for a verification run or
 * for writing as a variant; nothing else in it changes.
 *
 * Budget mode (cs_staff_budget): within a budget of paid hours or money per week, the roster
 * that minimises the week's expected abandoned calls (CS_COVER_MIN_WEIGHTED, each handler short
 * of the requirement weighted by the abandoned calls Erlang A says it adds at the interval's
 * calibrated load) or the worst interval's shortfall relative to its requirement
 * (CS_COVER_MIN_WORST: the interval furthest below its requirement, which is where abandonment
 * peaks).  cs_staff_curve solves it at several budgets and simulates each roster: the cost of
 * staffing against the abandonment it buys.
 *
 * Threads: simulations run on opts.isa.threads workers; GLPK solves on the calling thread. */
#ifndef CS_EXPERIMENTS_STAFF_H
#define CS_EXPERIMENTS_STAFF_H

#include <stddef.h>
#include <stdint.h>

#include "experiments/cover.h"
#include "experiments/isa.h"
#include "models/kpi.h"
#include "models/scenario.h"
#include "sim/status.h"

/* Seeds: the requirement uses the scenario's S, check r (from 0) S + 2 + r, and a verification of
 * the result (the CLI's, and the budget curve's) S + 1. */
static inline uint64_t cs_staff_check_seed(uint64_t s, int r) { return s + 2 + (uint64_t)r; }
static inline uint64_t cs_staff_verify_seed(uint64_t s) { return s + 1; }

typedef struct cs_staff_opts {
    cs_isa_opts isa;        /* interval, replications per simulation, rounds, threads */
    int check_rounds;       /* simulation checks of the roster; 0 = 5, < 0 = none */
    double time_limit;      /* seconds per cover solve; 0 = 60 (the least-cost roster), 30 (a
                               budget's).  A solve that reaches it returns its best roster and
                               says so (its status, proven gap): that roster may differ between
                               machines of different speed */
    double mip_gap;         /* stop a solve within this relative gap of its proven bound; 0 =
                               1% for the least-cost roster and 2% for budgets (GLPK is slow to
                               prove the last fraction of a percent, which is far below what one
                               person on a shift costs, and a budget's weights are estimates) */
    void (*log)(void *ud, const char *msg);   /* progress lines (may be NULL) */
    void *log_ud;
} cs_staff_opts;

/* A row of the shift table: people on one shift of the chosen roster. */
typedef struct cs_staff_shift {
    int pool;
    char pattern[CS_NAME_MAX];   /* the pattern it comes from (the roster shift's name) */
    cs_cover_kind kind;          /* WEEKLY, or WATCHES for a 4 on / 4 off rotation */
    unsigned days;               /* weekdays it starts (Monday = bit 0) */
    double start, length, break_time;
    int staff;                   /* people on each day's shift (a rotation: each crew's size) */
    int shifts_week;             /* person-shifts a week: staff x the days it runs */
    double paid_hours;           /* per week */
    double cost;                 /* per week (0 when the pool has no cost per hour) */
} cs_staff_shift;

typedef struct cs_staff_pool_cost {
    double paid_hours, cost;     /* per week */
    double shifts_week;          /* person-shifts a week */
} cs_staff_pool_cost;

typedef struct cs_staff_plan {
    size_t n_pools, n_lines, n_slots;
    double interval;
    cs_isa *isa;                 /* step 1 */
    double *cover_req;           /* [pool][slot] what the cover was last asked for (on duty) */
    double *rostered;            /* [pool][slot] expected on duty of the chosen roster */
    cs_cover_solution sol;       /* the last solve: heads, bounds, gap, time */
    int checks;                  /* simulation checks run */
    size_t *check_missed;        /* [checks] (line, interval) pairs missing a target */
    size_t check_cells;          /* (line, interval) pairs with a target and calls */
    cs_staff_shift *shifts;
    size_t n_shifts;
    cs_staff_pool_cost *now;     /* [pool] the scenario's own roster */
    cs_staff_pool_cost *plan;    /* [pool] the chosen roster */
    int has_cost;                /* some pool has a cost per hour */
    /* Private: the cover problem and what each of its patterns is. */
    cs_cover *cover;
    void *pat;
} cs_staff_plan;

/** @brief Steps 1-3 (see the top) on scn, which ends with the chosen roster.
 *  @return CS_OK; CS_EINPUT (the scenario cannot be planned: dated, no pattern covers an interval
 *  with a requirement, ...; the message says what); CS_ENOMEM; simulation and GLPK errors. */
cs_status cs_staff_plan_run(cs_scn *scn, const cs_staff_opts *opts, cs_staff_plan **out, cs_error *err);

void cs_staff_plan_free(cs_staff_plan *p);   /* NULL is a no-op */

/** @brief Puts the roster of heads[] (one per cover pattern, e.g. a budget solution's) into scn
 *  and fills plan->shifts, plan->plan and plan->rostered from it. */
cs_status cs_staff_apply(cs_staff_plan *plan, cs_scn *scn, const int *heads, cs_error *err);

/* What a budget minimises. */
typedef enum cs_staff_aim {
    CS_STAFF_WEEKLY = 0,   /* the week's expected abandoned calls */
    CS_STAFF_WORST = 1     /* the worst interval's relative shortfall */
} cs_staff_aim;

/** @brief The roster within `budget` (paid hours or money per week) that minimises `aim`, into
 *  *sol (zero-initialised by the caller; cs_cover_solution_free).  @return as cs_cover_solve. */
cs_status cs_staff_budget(const cs_staff_plan *plan, const cs_scn *scn, cs_staff_aim aim, double budget,
                          cs_cover_unit unit, const cs_staff_opts *opts, cs_cover_solution *sol, cs_error *err);

/* One point of the cost-versus-abandonment curve. */
typedef struct cs_staff_point {
    double budget;               /* as asked */
    int feasible;                /* 0: below the minimum head counts' cost */
    double paid_hours, cost;     /* of the roster found (per week) */
    double cover_gap;            /* its gap to the LP bound */
    double *abandon, *abandon_ci;   /* [n_lines] weekly abandon_rate, simulated */
    double *sl, *sl_ci;             /* [n_lines] weekly service_level */
    double worst_abandon;        /* the worst interval's abandon_rate (mean), any line */
    double met_share;            /* share of (line, interval) pairs meeting their targets */
} cs_staff_point;

/** @brief Solves the budget mode at each of budgets[0..n) and simulates each roster (seed
 *  verify_seed, the plan's replications), leaving scn with the plan's own roster afterwards.
 *  points[k] are filled (free with cs_staff_points_free). */
cs_status cs_staff_curve(cs_staff_plan *plan, cs_scn *scn, cs_staff_aim aim, cs_cover_unit unit,
                         const double *budgets, size_t n, uint64_t verify_seed, const cs_staff_opts *opts,
                         cs_staff_point *points, cs_error *err);
void cs_staff_points_free(cs_staff_point *p, size_t n);

/** @brief Share of (line, interval) pairs of r that meet their targets (cs_isa_meets), over the
 *  pairs with calls and a target; *missed (may be NULL) gets how many miss. */
double cs_staff_met_share(const cs_results *r, size_t *missed, size_t *cells);

/** @brief Runs scn (its replications and interval replaced by the plan's for the call) on `seed`
 *  into *out, which borrows scn.  */
cs_status cs_staff_simulate(cs_scn *scn, const cs_staff_plan *plan, int reps, uint64_t seed, int threads,
                            cs_results **out, cs_error *err);

#endif
