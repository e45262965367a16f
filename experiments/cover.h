/* The shift-cover integer program: how many people to put on each allowed shift pattern so
 * that enough handlers are on duty in every interval, at the least paid cost (min-cost mode),
 * or, within a budget, with the least shortfall (budget modes).  Solved with GLPK.
 *
 * Concepts (a planner's words):
 *   grid      N intervals [start, end), seconds from t = 0 = Monday 00:00 of week 1, sorted and
 *             not overlapping (gaps allowed; lengths may differ).  A week of 15-minute intervals
 *             is 672; a dated horizon is just a longer grid.  Nothing here knows dates.
 *   pool      a team with a shrinkage s (share of paid time lost to sickness, training, ...),
 *             a cost per paid hour, an optional cap on its total head count, and a requirement
 *             r[i] >= 0 per interval: handlers that must be ON DUTY (after shrinkage and breaks).
 *   pattern   one way to work, in one pool (e.g. "Mon-Fri 07:00 8h, 30 min break"): a coverage
 *             c[i] in [0, 1] per interval (the share of interval i during which one person on
 *             the pattern is at work and not on a break), paid hours and cost per head over the
 *             grid's horizon, minimum and maximum head counts.  Patterns are built from time
 *             spans by cs_cover_add_spans (or experiments/shiftpat for weekly and rotating
 *             shifts), or given as coverage vectors by cs_cover_add_pattern.
 *   on duty   on_duty[p][i] = (1 - s_p) * sum over patterns j of pool p of heads_j * c_j[i].
 *             This is the formula the scenario loader uses for a roster (io/scenario.c), so a
 *             roster chosen here produces the staffing the simulator will use (which rounds the
 *             on-duty level half up: covering r[i] exactly is enough for an integer r[i]).
 *
 * Modes (cs_cover_opts.mode):
 *   CS_COVER_MIN_COST      minimise sum_j cost_j heads_j subject to on_duty >= r everywhere.
 *   CS_COVER_MIN_WORST     within a budget (money or paid hours), minimise the largest relative
 *                          shortfall max_{p,i} (r - on_duty)+ / r; among rosters with that
 *                          worst shortfall, a second solve minimises the total shortfall
 *                          sum (r - on_duty)+ (handler-intervals), so spare budget is not left
 *                          idle in an arbitrary place.
 *   CS_COVER_MIN_WEIGHTED  within a budget, minimise sum_{p,i} w(p, i, short) where the caller
 *                          gives a weight per handler short: weights[(p * N + i) * K + k] is the
 *                          cost of the (k+1)-th handler short in interval i of pool p (e.g. the
 *                          abandonment it adds, from Erlang A at r - k - 1 versus r - k); step
 *                          K - 1 applies to every further handler.  Weights must be >= 0 and not
 *                          decrease in k (a convex penalty, so the LP fills them in order).
 *   In every mode heads are integers within [min_heads, max_heads] and pool caps hold.
 *
 * What is reported (cs_cover_solution): the LP relaxation bound (what the problem could reach
 * with fractional people, a lower bound on any roster's objective), the integer roster's
 * objective, the relative gap between them, the best bound proved (the LP strengthened by
 * rounding rows, then by branch and bound; the roster is within proven_gap of the true
 * optimum), GLPK's status, and wall and CPU time.  gap is the price of whole people plus that
 * of stopping early; proven_gap is only the latter's upper bound.
 *
 * How fast: a week of 672 quarter-hours with 94 weekly patterns (tests/test_cover.c) has a
 * roster within about 1.2% of the best proven bound after 5 s (about 3.4% above the plain LP
 * bound, most of which is the cost of whole people), 0.9% after 60 s; small problems are solved
 * to optimality in milliseconds.  The budget modes are harder for GLPK (the worst-interval mode
 * most): give them a time limit and read proven_gap.
 *
 * Determinism: GLPK is deterministic, so the same problem and options give the same roster, on
 * any thread, unless a time limit stops the search (then the roster depends on machine speed;
 * the solution says so through result = CS_COVER_FEASIBLE).
 *
 * Threads: solving does not modify the problem, so two threads may solve one problem at once.
 * GLPK keeps its state in an "environment" that Debian's build (libglpk40 5.0) stores in
 * thread-local storage (the library has a PT_TLS segment; tests/test_cover.c checks that a
 * second thread gets a fresh environment, cs_cover_glpk_thread_local).  Each solve creates the
 * calling thread's environment if it has none, silences GLPK's terminal output in it, and frees
 * it on return, so worker threads leave nothing behind.  GLPK's fatal errors (it would print and
 * abort) are caught with glp_error_hook and returned as CS_EINTERNAL.
 *
 * Errors: bad input (an interval with end <= start, a coverage outside [0, 1], a pattern in no
 * pool, ...) is CS_EDOM with a message naming it; an infeasible cover is CS_EINPUT with a
 * message naming the intervals that cannot be covered (as "Mon 08:00-10:00"); allocation
 * failure is CS_ENOMEM. */
#ifndef CS_COVER_H
#define CS_COVER_H

#include <stddef.h>

#include "sim/status.h"

#define CS_COVER_NAME_MAX 64

typedef struct cs_cover cs_cover;

typedef struct cs_cover_interval {
    double start, end; /* seconds from Monday 00:00 of week 1; end > start */
} cs_cover_interval;

/* What a pattern is, in shift terms, so that a chosen roster can be written back as shifts
 * (the scenario's cs_shift) and shown in the shift table.  The cover itself only uses the
 * coverage; this is carried along untouched. */
typedef enum cs_cover_kind {
    CS_COVER_CUSTOM = 0,  /* coverage given directly */
    CS_COVER_WEEKLY = 1,  /* the same shift on the same weekdays every week */
    CS_COVER_CREW = 2,    /* one crew of a rotation (e.g. 4 on / 4 off), on its own dates */
    CS_COVER_WATCHES = 3  /* all crews of a rotation at equal size: one "head" is one person in
                             each crew */
} cs_cover_kind;

typedef struct cs_cover_shape {
    cs_cover_kind kind;
    unsigned days;        /* WEEKLY: bit d = works on weekday d (Monday = 0), as cs_shift */
    double start;         /* seconds after midnight the shift starts (WEEKLY) */
    double length;        /* seconds (WEEKLY; for rotations the longest shift of the cycle) */
    double break_time;    /* seconds of break per shift */
    double break_from, break_to; /* window, offsets from the shift start, in which breaks are
                                    taken, staggered across the people (0, 0 = whole shift) */
    int cycle_days;       /* rotations: the cycle (8 for 4 on / 4 off) */
    int offset;           /* CREW: the crew's offset in days; WATCHES: number of crews */
    double anchor;        /* rotations: when crew offset 0 starts cycle day 0 (seconds) */
} cs_cover_shape;

/* A pattern's fixed data (cs_cover_add_pattern, cs_cover_add_spans). */
typedef struct cs_cover_pattern {
    const char *name;     /* copied (truncated to CS_COVER_NAME_MAX - 1 bytes) */
    int pool;             /* from cs_cover_add_pool */
    double paid_hours;    /* paid hours per head over the grid's horizon (>= 0) */
    double cost;          /* cost per head over the horizon; < 0: paid_hours x the pool's cost
                             per hour */
    int min_heads;        /* >= 0 */
    int max_heads;        /* >= min_heads, or < 0 for no limit */
    int people_per_head;  /* people one "head" stands for (0 = 1): a set of equal rotation
                             crews is one head of several people; coverage may then reach this
                             many, and paid hours and cost are for all of them */
    const cs_cover_shape *shape; /* copied; NULL = CS_COVER_CUSTOM with nothing else known */
} cs_cover_pattern;

/* An on-duty span for cs_cover_add_spans: one person on the pattern is at work for the share
 * `fraction` of [start, end) (1 = all of it; 1 - break/length for breaks spread out; 0 is
 * allowed but pointless). */
typedef struct cs_cover_span {
    double start, end, fraction;
} cs_cover_span;

/* ---- building a problem ---------------------------------------------------------------- */

/* A problem over a copy of grid[0..n-1] (n >= 1), with no pools yet.  CS_EDOM names the first
 * bad interval (end <= start, not finite, or overlapping / before its predecessor). */
cs_status cs_cover_create(const cs_cover_interval *grid, size_t n, cs_cover **out,
                          cs_error *err);
void cs_cover_destroy(cs_cover *c); /* NULL is a no-op */

/* Adds a pool (requirement 0 everywhere until cs_cover_set_required).  shrinkage in [0, 1),
 * cost_per_hour >= 0, max_heads < 0 for no cap.  *pool_out (may be NULL) gets its index
 * (0, 1, ... in order of addition). */
cs_status cs_cover_add_pool(cs_cover *c, const char *name, double shrinkage,
                            double cost_per_hour, int max_heads, int *pool_out, cs_error *err);

/* Copies required[0..N-1] (handlers on duty, >= 0, finite; fractions allowed) into the pool. */
cs_status cs_cover_set_required(cs_cover *c, int pool, const double *required, cs_error *err);

/* Adds a pattern with coverage[0..N-1] in [0, people_per_head] given per interval.
 * *index_out (may be NULL) gets its index (0, 1, ... in order of addition over all pools). */
cs_status cs_cover_add_pattern(cs_cover *c, const cs_cover_pattern *p, const double *coverage,
                               int *index_out, cs_error *err);

/* Adds a pattern whose coverage comes from on-duty spans in time: coverage[i] = (1 / len_i)
 * sum_spans overlap(span, interval i) x fraction.  Spans may extend beyond the grid (the part
 * outside is ignored) but must not overlap each other where that would push a coverage above 1.
 * This is how shifts that start mid-interval get a partial first interval. */
cs_status cs_cover_add_spans(cs_cover *c, const cs_cover_pattern *p, const cs_cover_span *spans,
                             size_t n_spans, int *index_out, cs_error *err);

/* ---- inspecting it -------------------------------------------------------------------- */

size_t cs_cover_n_intervals(const cs_cover *c);
const cs_cover_interval *cs_cover_grid(const cs_cover *c);
int cs_cover_n_pools(const cs_cover *c);
int cs_cover_n_patterns(const cs_cover *c);
const char *cs_cover_pool_name(const cs_cover *c, int pool);

typedef struct cs_cover_pattern_info {
    const char *name;      /* borrowed from the problem */
    int pool;
    double paid_hours, cost;
    int min_heads, max_heads;
    int people_per_head;   /* >= 1 */
    cs_cover_shape shape;
} cs_cover_pattern_info;
void cs_cover_pattern_get(const cs_cover *c, int pattern, cs_cover_pattern_info *out);

/* Coverage c_j[i] of one pattern (0 where it does not work). */
double cs_cover_coverage(const cs_cover *c, int pattern, size_t interval);

/* Writes a time as "Mon 08:00" (or "Mon 08:00 wk 3" beyond week 1, "... wk 0" before it) into
 * buf; the form used in messages.  Returns buf. */
char *cs_cover_format_time(double t, char *buf, size_t size);

/* ---- solving -------------------------------------------------------------------------- */

typedef enum cs_cover_mode {
    CS_COVER_MIN_COST = 0,
    CS_COVER_MIN_WORST = 1,
    CS_COVER_MIN_WEIGHTED = 2
} cs_cover_mode;

typedef enum cs_cover_unit {
    CS_COVER_MONEY = 0, /* budget compares with sum of pattern costs */
    CS_COVER_HOURS = 1  /* budget compares with sum of paid hours */
} cs_cover_unit;

typedef struct cs_cover_opts {
    cs_cover_mode mode;
    double budget;          /* budget modes: the most the roster may cost (or paid hours) */
    cs_cover_unit unit;
    const double *weights;  /* MIN_WEIGHTED: n_pools x N x n_steps, see the top; borrowed */
    int n_steps;            /* MIN_WEIGHTED: K >= 1 */
    double time_limit;      /* seconds for the whole solve (MIN_WORST gives its first stage two
                               thirds); 0 = none.  A limit makes the roster depend on machine
                               speed: prefer mip_gap where reproducibility matters */
    double mip_gap;         /* stop when (incumbent - bound) / |incumbent| <= this; 0 = prove
                               optimality (GLPK's own tolerance) */
} cs_cover_opts;

/* MIN_COST, no budget, no time limit, mip_gap 0. */
void cs_cover_opts_default(cs_cover_opts *o);

typedef enum cs_cover_result {
    CS_COVER_OPTIMAL = 0,     /* proven optimal (within mip_gap when one is set) */
    CS_COVER_FEASIBLE = 1,    /* a roster, but the time limit stopped the proof */
    CS_COVER_INFEASIBLE = 2,  /* no roster meets the constraints (message names intervals) */
    CS_COVER_NO_SOLUTION = 3  /* the time limit ran out before any roster was found */
} cs_cover_result;

/* A solve's answer.  Zero-initialise before the first solve; arrays are allocated by the
 * solve (and reused by later solves of a problem of the same size); free with
 * cs_cover_solution_free. */
typedef struct cs_cover_solution {
    cs_cover_result result;
    int *heads;             /* per pattern */
    double *on_duty;        /* per pool and interval: [p * N + i], from the integer heads */
    double *shortfall;      /* [p * N + i] = max(0, r - on_duty) */
    size_t n_patterns, n_cells; /* sizes of the arrays above */
    double cost;            /* sum cost_j heads_j */
    double paid_hours;      /* sum paid_hours_j heads_j */
    double worst_short;     /* max relative shortfall over cells with r > 0 (0 = all covered) */
    double total_short;     /* sum of shortfall (handler-intervals) */
    double weighted_short;  /* the MIN_WEIGHTED objective when weights were given, else 0 */
    double objective;       /* the mode's objective for the roster: cost, worst_short or
                               weighted_short */
    double lp_bound;        /* optimum of the LP relaxation: no roster can do better (-inf if
                               GLPK's simplex could not decide it) */
    double best_bound;      /* best bound proved: rounding rows and branch and bound (in
                               [lp_bound, objective]; = objective when proven optimal) */
    double gap;             /* (objective - lp_bound) / |objective|; 0 when both are 0 */
    double proven_gap;      /* (objective - best_bound) / |objective|: the roster is at most
                               this far from the optimum */
    int glpk_ret;           /* what glp_intopt returned (0, GLP_ETMLIM, GLP_EMIPGAP, ...) */
    int glpk_status;        /* glp_mip_status: GLP_OPT, GLP_FEAS, GLP_NOFEAS, GLP_UNDEF */
    const char *glpk_text;  /* those two in words, e.g. "optimal", "time limit, feasible" */
    double seconds;         /* wall-clock time of the solve (all stages) */
    double cpu_seconds;     /* CPU time of the calling thread for the same */
    int rows, cols, nonzeros; /* size of the integer program (first stage) */
} cs_cover_solution;

void cs_cover_solution_free(cs_cover_solution *s); /* frees the arrays; s itself is the
                                                       caller's */

/* Solves the problem in the mode of opts (NULL = defaults).  Returns CS_OK when sol holds a
 * roster (result OPTIMAL or FEASIBLE).  Otherwise sol->result says why and:
 *   CS_EINPUT  INFEASIBLE: the message names the intervals that cannot be covered and why (no
 *              pattern works then, maximum head counts too low, the pool cap, minimum heads
 *              over the budget), or NO_SOLUTION (raise the time limit);
 *   CS_EDOM    bad options (budget mode without a budget, weights missing or decreasing);
 *   CS_ENOMEM, CS_EINTERNAL (GLPK failed).
 * Does not modify c; safe to call from several threads at once (see the top). */
cs_status cs_cover_solve(const cs_cover *c, const cs_cover_opts *opts, cs_cover_solution *sol,
                         cs_error *err);

/* Fills sol's roster figures (on_duty, shortfall, cost, paid_hours, worst/total/weighted
 * shortfall) for given heads (per pattern, not checked against min/max), without solving: for
 * the current roster, or one changed by hand.  opts supplies the weights (may be NULL); the
 * bound fields are set to NAN and result to CS_COVER_FEASIBLE. */
cs_status cs_cover_evaluate(const cs_cover *c, const int *heads, const cs_cover_opts *opts,
                            cs_cover_solution *sol, cs_error *err);

/* One point of a budget sweep. */
typedef struct cs_cover_point {
    double budget;
    cs_cover_result result;
    double cost, paid_hours;
    double worst_short, total_short, weighted_short;
    double objective, lp_bound, gap, seconds;
} cs_cover_point;

/* Solves opts's budget mode once per budgets[k] and fills points[k]: the cost-versus-shortfall
 * curve.  A budget too small for the minimum head counts gives result INFEASIBLE for that
 * point, not an error.  To get a point's roster, solve again with that budget.  A useful range
 * is from the cost of the minimum heads to the min-cost roster's cost (above it the shortfall
 * is zero). */
cs_status cs_cover_sweep(const cs_cover *c, const cs_cover_opts *opts, const double *budgets,
                         size_t n, cs_cover_point *points, cs_error *err);

/* 1 if GLPK gives each thread its own environment on this build (checked by creating one here
 * and asking a new thread whether it sees it), 0 if not (then solve from one thread at a
 * time), -1 if the check itself failed (no thread could be started). */
int cs_cover_glpk_thread_local(void);

#endif
