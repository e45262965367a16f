/* Rosters: from shifts as a planner writes them to the handlers on duty (prefix cs_roster_).
 *
 * Concept.  A pool's roster is a list of weekly shifts ("weekdays 07:00 for 10 h, 12 staff,
 * 45 min of breaks").  The engine does not read shifts: it reads a staffing step function,
 * "from t = at[i] (seconds into the week) level[i] handlers are on duty", and changes the
 * number of handlers at each step (models/centre.c).  This module makes the one from the
 * other, so io/ (the scenario loader), and later the staffing planner, build staffing the same
 * way:
 *
 *   on duty at t  =  sum over shifts running at t of
 *                    staff x (1 - breaks / length) x (1 - shrinkage),
 *
 * rounded half up (cs_roster_round), evaluated at every shift edge of the week, equal
 * consecutive levels merged.  Breaks are staggered across a shift and shrinkage (sickness,
 * training, leave) is spread evenly, so both are expected values: the level is the rounded
 * expectation, the same in every replication.
 *
 * Where the next pieces go.  Absence that happens to individual people at random would draw,
 * per replication, how many of each shift's `staff` turn up (a binomial per shift-day with the
 * shrinkage as the chance of absence) and build that replication's staffing from the people
 * present: a function here taking the shifts, a gsl_rng and the horizon, returning a
 * cs_staffing like cs_roster_build().  Dated staffing (bank holidays, a plan that starts in
 * week 3) would give cs_staffing a period (today it repeats every week: cs_roster_level_at
 * reduces t modulo a week) or steps over the whole horizon; the engine already walks the steps
 * in order, so only the wrap-around changes.
 *
 * Limits.  A level is an int; cs_roster_round refuses anything above CS_ROSTER_MAX_LEVEL (far
 * beyond any control room, see the definition) rather than overflow, so a roster that would
 * put more handlers on duty is an input error, never a wrapped negative headcount.
 *
 * Ownership.  cs_roster_build/cs_roster_constant allocate out->at and out->level; free them
 * with cs_roster_fini().  On failure *out is left empty (n == 0, NULL arrays).
 *
 * Threads.  No state: every function may run on several threads at once. */
#ifndef CS_MODELS_ROSTER_H
#define CS_MODELS_ROSTER_H

#include <stddef.h>

#include "sim/status.h"

/* Handlers on duty in one pool at one time.  The largest control rooms in England and Wales
 * roster a few hundred call handlers on a shift, all 43 forces together a few thousand; a
 * hundred thousand is far beyond any of them, still lets a national scenario with a single
 * pool run, and keeps levels (and their sums over pools) well inside an int. */
#define CS_ROSTER_MAX_LEVEL 100000

/* One shift, repeated on the weekdays of `days`. */
typedef struct cs_shift {
    unsigned days;         /* bit d set = starts on weekday d (Monday = 0) */
    double start;          /* seconds after midnight, [0, 86400) */
    double length;         /* seconds, (0, 86400]; may run past midnight */
    double staff;          /* headcount rostered */
    double break_time;     /* total break time per handler per shift (s), staggered */
} cs_shift;

/* Staffing resolved to a step function over one week: at time at[i] (seconds into the week)
 * the number of handlers on duty becomes level[i].  at[0] == 0, at[] strictly increasing,
 * consecutive levels differ. */
typedef struct cs_staffing {
    double *at;
    int *level;
    size_t n;
} cs_staffing;

/** @brief Expected handlers on duty at time t (seconds into the week, any value: it is reduced
 *  modulo a week), before rounding.  Shifts running past Sunday midnight count on Monday. */
double cs_roster_on_duty(const cs_shift *shifts, size_t n, double shrinkage, double t);

/** @brief Rounds an expected number of handlers half up, with a 1e-9 tolerance so that 7.5
 *  computed as 7.4999999999 still gives 8.
 *  @return CS_OK; CS_EINPUT (message "... handlers on duty ...") when x is not a number or the
 *  result would be negative or above CS_ROSTER_MAX_LEVEL. */
cs_status cs_roster_round(double x, int *out, cs_error *err);

/** @brief The staffing of a roster: evaluated at every shift edge, rounded, equal consecutive
 *  levels merged.  n == 0 gives one step of 0 handlers.
 *  @return CS_OK; CS_EINPUT as cs_roster_round (the message says when in the week);
 *  CS_ENOMEM. */
cs_status cs_roster_build(const cs_shift *shifts, size_t n, double shrinkage, cs_staffing *out,
                          cs_error *err);

/** @brief The staffing of a constant headcount: one step of staff x (1 - shrinkage), rounded.
 *  @return as cs_roster_build. */
cs_status cs_roster_constant(double staff, double shrinkage, cs_staffing *out, cs_error *err);

/** @brief Handlers on duty at time t (week-periodic); 0 for an empty staffing. */
int cs_roster_level_at(const cs_staffing *st, double t);

/** @brief Frees the arrays and leaves *st empty.  NULL is a no-op. */
void cs_roster_fini(cs_staffing *st);

#endif
