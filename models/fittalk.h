/* Does talk time change with the queue?  A check that `callsim fit` runs on a call log (prefix
 * cs_fittalk_), reported and not written into the scenario.
 *
 * Concept.  Handlers are reported to shorten their calls when many callers wait (Kc &
 * Terwiesch 2009, "Impact of workload on service time and patient safety").  For each answered
 * call, the number of callers waiting at the moment it was answered is counted from the log's
 * waits (every caller whose wait began at or before that moment and ended after it, on every
 * line: the caller answered is not counted).  The log of the talk time is regressed on that
 * count within groups (the caller's line and time-of-day band of talk time, so that the busy
 * hours' own talk times are not read as an effect of their queues: fixed effects), and the
 * likelihood ratio of the slope (normal errors: N log(RSS0 / RSS1), chi-squared on 1 df) says
 * whether it is there.
 *
 * Why it is not a scenario key: the count at an answer is not set from outside.  Long talks
 * build the queue as much as a queue may hurry talks, and a time when every call runs long
 * also has long queues, so the slope mixes both directions.  On the 1999 bank log it is +2.0%
 * per caller waiting (the opposite of a speed-up), and a replay with either sign of it was
 * further from the log than without (README, *The 1999 bank log*).
 *
 * Threads: no state.  Memory: a sorted copy of the waits' starts and ends (16 bytes a wait)
 * and 48 bytes a group. */
#ifndef CS_MODELS_FITTALK_H
#define CS_MODELS_FITTALK_H

#include <stddef.h>

#include "sim/status.h"

/* Fewer answered calls than this, beyond one a group, and the check is not made. */
#define CS_FITTALK_MIN_CALLS 200

typedef struct cs_fittalk_load {
    int ok;                 /* enough calls, and the count varied within the groups */
    size_t n;               /* answered calls used (talk time > 0) */
    size_t groups;          /* groups with at least one call */
    double mean_waiting;    /* callers waiting at an answer, on average */
    double slope, se;       /* change of log talk time per caller waiting, and its standard error */
    double lr, p_value;     /* likelihood ratio of the slope (1 df) and its p-value */
} cs_fittalk_load;

/** @brief Callers waiting at time t: waits [start, end) with start <= t < end.
 *  @param starts, ends sorted ascending, n each */
size_t cs_fittalk_waiting(const double *starts, const double *ends, size_t n, double t);

/** @brief The check of the header comment.
 *  @param wait_start, wait_end nw waits (any order; seconds on one clock)
 *  @param answer, talk, group na answered calls: when answered, talk time (s; <= 0 or NaN: not
 *         used), group 0..n_groups-1 (negative: not used)
 *  @param out OUT: ok = 0 when there are too few calls or the count never varies within a group
 *  @return CS_OK; CS_ENOMEM. */
cs_status cs_fittalk_load_test(const double *wait_start, const double *wait_end, size_t nw, const double *answer,
                               const double *talk, const int *group, size_t na, size_t n_groups,
                               cs_fittalk_load *out, cs_error *err);

#endif
