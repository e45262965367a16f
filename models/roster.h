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
 * consecutive levels merged.  This is the *expected* staffing: the same in every replication
 * (`absence: expected`), kept for reports, for the loader's unstaffed-demand check, and as the
 * old behaviour.  Its flaw is the rounding: rostering 8 or 9 can both give 6 on duty.
 *
 * Random absence (`absence: random`, the default): people, not fractions.
 *   - Every instance of a shift over the run (every date whose weekday it runs on, from the
 *     calendar's cs_clock_expand_shifts, so local clock times hold across clock changes) has
 *     `staff` people.  Person j of shift i on day d is absent with probability `shrinkage`,
 *     independently: present when u(i, d, j) < 1 - shrinkage.  A fractional headcount
 *     (staff 12.5) is 12 people plus one who is present with probability 0.5 x (1 - shrinkage),
 *     so the mean is exact.  A pool with a constant `staff: N` is N people on a 24-hour shift
 *     from each midnight: absence is drawn per person per day.
 *   - Each person present takes their breaks as one break of `break_time`, after the first
 *     hour of their shift and before its last hour (handovers; for a shift under 4 hours, after
 *     its first and before its last quarter; a break longer than that window is centred on the
 *     shift), evenly staggered: the r-th of n people present starts at
 *         window start + (window - break) x (r + 1/2) / n,
 *     the way a control room runs a break rota, so breaks never all fall at once and the shift
 *     ends are fully staffed.
 *   - The staffing of a replication is the sum of these people's on-duty intervals, as a step
 *     function over the whole run (not weekly: each week differs), built before the run.
 *   So on-duty time has mean staff x (1 - shrinkage) x (1 - break_time / length) per shift
 *   instance, exactly, one more person on a shift adds (1 - shrinkage) x (length - break_time)
 *   per instance on average, and with shrinkage 0 and no breaks the staffing is the roster.
 *
 * Common random numbers.  u(i, d, j) is a hash of (the stream seed, i, d, j), not a draw from
 * a sequential generator, so adding a person to one shift (a new j) leaves every other
 * person's draw unchanged: a variant with one more handler has, replication by replication,
 * the same absences plus one more person, never a reshuffled roster.  The stream seed is
 * cs_rng_seed_for(seed, replication, "absence/<pool>") like every other stream (sim/rng.h);
 * the hash is
 *     h = mix64(seed ^ (i x 0x9E3779B97F4A7C15 + 1))
 *     h = mix64(h ^ (d x 0xD1B54A32D192ED03 + 1))       (d as a 64-bit two's complement)
 *     h = mix64(h ^ (j x 0xBF58476D1CE4E5B9 + 1)),   u = (h >> 11) x 2^-53
 * with mix64 the SplitMix64 finaliser.  Variants stay aligned as long as shifts keep their
 * order in the roster (shift i is the i-th as written).
 *
 * Dated runs (`start:`) pass the scenario's clock, so the people work the run's real local dates
 * at local clock times across the clock changes; the expected staffing of a dated run, and its
 * dated on-duty numbers (laid over each draw by the engine), are models/staffing.h's.
 *
 * Limits.  A level is an int; cs_roster_round refuses anything above CS_ROSTER_MAX_LEVEL (far
 * beyond any control room, see the definition) rather than overflow, so a roster that would
 * put more handlers on duty is an input error, never a wrapped negative headcount.
 *
 * Ownership.  cs_roster_build/cs_roster_constant/cs_roster_repeat allocate out->at and
 * out->level; free them with cs_roster_fini().  On failure *out is left empty (n == 0, NULL
 * arrays).  A cs_roster_people owns its buffers and the staffing its draws return.
 *
 * Threads.  No shared state: every function may run on several threads at once, each
 * cs_roster_people being used by one thread at a time. */
#ifndef CS_MODELS_ROSTER_H
#define CS_MODELS_ROSTER_H

#include <stddef.h>
#include <stdint.h>

#include "sim/status.h"

struct cs_clock;   /* models/calendar.h, which includes this header through models/scenario.h */

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

/** @brief The weekly staffing repeated over [0, horizon): the same steps every week, with at[]
 *  in simulated seconds (w x week + the weekly time), what the engine walks for
 *  `absence: expected`.  Every weekly step is kept, including one at each week boundary, so the
 *  engine changes staffing at exactly the instants it always has.  An empty weekly staffing
 *  gives one step of 0.
 *  @return CS_OK; CS_ENOMEM (*out left empty). */
cs_status cs_roster_repeat(const cs_staffing *weekly, double horizon, cs_staffing *out,
                           cs_error *err);

/* ---- Random absence ---------------------------------------------------------------------- */

/* The people of one pool over one run: its shift instances and the buffers a draw fills.
 * Built once (per pool, per worker thread); each replication draws into it without
 * allocating.  Not shared between threads. */
typedef struct cs_roster_people cs_roster_people;

/* Upper bound on staffing changes one draw may produce (2 per shift instance, 2 more per
 * person on it who takes a break): 4 M steps are about 100 MB per pool and thread. */
#define CS_ROSTER_MAX_STEPS (4u << 20)

/** @brief The people of a pool: its shifts (n_shifts > 0), or headcount people round the clock
 *  (n_shifts == 0), over [0, horizon) on the given clock (an undated cs_clock_init clock is the
 *  weekly behaviour).  shifts are borrowed and must outlive *out.
 *  @return CS_OK; CS_EINPUT when the roster is too large to draw person by person (the message
 *  suggests `absence: expected`) or a level would not fit an int; CS_ENOMEM. */
cs_status cs_roster_people_create(const cs_shift *shifts, size_t n_shifts, double headcount,
                                  double shrinkage, const struct cs_clock *clock, double horizon,
                                  cs_roster_people **out, cs_error *err);

/** @brief One replication's staffing: draws who is absent with stream seed `seed` and places
 *  the breaks (see the top).  The result has at[0] == 0, at[] strictly increasing and below the
 *  horizon, in simulated seconds (not weekly), consecutive levels different; it is owned by p
 *  and overwritten by the next draw.  No allocation. */
const cs_staffing *cs_roster_people_draw(cs_roster_people *p, uint64_t seed);

/** @brief Frees p; NULL is a no-op. */
void cs_roster_people_destroy(cs_roster_people *p);

/** @brief u(i, d, j) of the top: the uniform on [0, 1) that decides whether person j of shift i
 *  on day d is present. */
double cs_roster_person_u(uint64_t seed, size_t shift, long day, size_t person);

#endif
