/* Staffing over a dated run (prefix cs_staffing_): a roster expanded over the calendar at local
 * clock times, and dated on-duty numbers laid over it.
 *
 * Concept.  Without a start date a pool's handlers on duty repeat every week
 * (models/roster.h: cs_staffing with at[] in seconds into the week).  With `start:` they are a
 * step function over the whole run (at[] in simulated seconds from t = 0, never reduced modulo
 * a week), because
 *   - a 22:00 shift starts at 22:00 local on both sides of a clock change, so the steps move
 *     by an hour against t twice a year (models/calendar: cs_clock_expand_shifts);
 *   - a pool may take dated on-duty numbers (a force's real rota, the staffing a call log
 *     implies, a staffing plan): `on_duty: rota.csv` with rows date,time,staff
 *     (io/staffing_csv.h reads and writes them).  They override the roster where given and
 *     the roster applies elsewhere.
 *
 * On duty from a roster = sum over the shift instances running at t of
 * staff x (1 - breaks / length) x (1 - shrinkage), rounded half up (cs_roster_round): the same
 * expression as models/roster's weekly staffing, evaluated at every instance edge over the run.
 * On-duty overrides are handlers actually on duty: absence and breaks are already out of them,
 * so neither shrinkage nor breaks are applied to them again.  This expected staffing is what
 * `absence: expected` runs; with random absence the engine draws each replication's people
 * (models/roster.h, on the same clock) and lays the same overrides over the draw
 * (cs_staffing_overlay with base_weekly = 0).
 *
 * Ownership.  The builders fill caller-owned cs_staffing (free with cs_roster_fini) and leave
 * it empty on failure.  Threads: no state. */
#ifndef CS_MODELS_STAFFING_H
#define CS_MODELS_STAFFING_H

#include <stddef.h>

#include "models/calendar.h"
#include "models/roster.h"
#include "sim/status.h"

/* Dated on-duty numbers: level[i] handlers on duty over [from[i], to[i]) (simulated seconds),
 * spans sorted and not overlapping; outside every span the roster applies. */
typedef struct cs_onduty {
    double *from, *to;
    int *level;
    size_t n;
} cs_onduty;

void cs_onduty_fini(cs_onduty *o);   /* frees the arrays, leaves it empty; NULL is a no-op */

/**
 * @brief The staffing of a roster over [0, horizon) of a clock (dated: local clock times kept
 * across clock changes; undated: the week repeated), as a step function of t from 0.
 * @return CS_OK; CS_EINPUT (too many handlers, the message says when); CS_ENOMEM.
 */
cs_status cs_staffing_expand(const cs_clock *c, const cs_shift *shifts, size_t n,
                             double shrinkage, double horizon, cs_staffing *out, cs_error *err);

/**
 * @brief Lays dated on-duty numbers over a base staffing.
 * @param base         the roster's staffing
 * @param base_weekly  1: base.at[] are seconds into a repeating week; 0: seconds from t = 0
 * @param on           the overrides (may be NULL or empty)
 * @param horizon      the run's length: the result covers [0, horizon)
 * @param out          OUT: at[] in seconds from t = 0, equal neighbours merged
 */
cs_status cs_staffing_overlay(const cs_staffing *base, int base_weekly, const cs_onduty *on,
                              double horizon, cs_staffing *out, cs_error *err);

/** @brief Handlers on duty at t of a step function over the run (at[] from t = 0, not
 *  repeating); 0 for an empty one.  O(log n). */
int cs_staffing_level_at(const cs_staffing *st, double t);

#endif
