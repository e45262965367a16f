/* Handlers available, estimated from who answered each call in a log (prefix cs_staffest_).
 *
 * Concept.  A call log with an agent column says when each agent was talking.  It does not say
 * when they were logged in and free.  This module estimates it: an agent is available from the
 * start of a session to its end, where a session is a run of that agent's calls in which no gap
 * between the end of one call and the start of the next is longer than `logoff_gap`.  Within a
 * session the agent counts whether talking, wrapping up or idle between calls; a longer gap means
 * they logged off (a break, the end of a shift).  So
 *
 *   available(t) = number of agents with a session covering t,
 *
 * an integer step function over the log's span.  It is what a single pool of identical handlers
 * on that staffing would have had: agents serving plus logged-in agents idle between calls.
 *
 * Biases, stated so that nobody reads more into it.  (1) An agent logged in but idle before the
 * first call of a session (or after the last) is not seen: at high load that idle spell is
 * seconds, at low load it can be minutes, so the estimate is a lower bound at session edges.
 * (2) A gap between two calls is idle only if it is shorter than logoff_gap; a break shorter than
 * that counts as available.  (3) An agent who only makes outbound calls or takes calls of another
 * queue not in the log is invisible.  Choosing logoff_gap: within a session, idle gaps are short
 * even at low load (a handler with a call every 6 minutes of idle time waits longer than 30
 * minutes about once in 150 gaps), while breaks and shift ends are long; the gap distribution of
 * a real log shows the two groups (cs_staffest_gap_counts).  callsim fit uses 30 minutes unless
 * told otherwise (README, "Real call logs").
 *
 * Memory: 24 bytes per call added (a log of a million answered calls takes 24 MB); agents are
 * kept in a hash table (up to CS_STAFFEST_MAX_AGENTS).
 *
 * cs_staffest_steps() and cs_staffest_gap_counts() sort the calls in place (so they take a
 * non-const pointer); adding more calls afterwards is allowed.
 *
 * Ownership.  cs_staffest_create() allocates; cs_staffest_destroy() frees (NULL is a no-op).
 * Arrays returned through OUT pointers are the caller's to free().
 * Threads: no shared state; one object per thread. */
#ifndef CS_MODELS_STAFFEST_H
#define CS_MODELS_STAFFEST_H

#include <stddef.h>
#include <stdint.h>

#include "sim/status.h"

#define CS_STAFFEST_MAX_AGENTS 100000

typedef struct cs_staffest cs_staffest;

/** @brief An empty estimator.  @return NULL when out of memory. */
cs_staffest *cs_staffest_create(void);
void cs_staffest_destroy(cs_staffest *e);

/**
 * @brief Adds one answered call: agent `agent` (any non-zero id) was talking (or busy with it)
 * over [start, end], seconds on any clock shared by every call (end >= start).
 * @return CS_OK; CS_EINPUT (agent 0, a time not finite, end < start, more than
 * CS_STAFFEST_MAX_AGENTS agents); CS_ENOMEM.
 */
cs_status cs_staffest_add(cs_staffest *e, uint64_t agent, double start, double end, cs_error *err);

/** @brief Calls added so far, and distinct agents. */
size_t cs_staffest_calls(const cs_staffest *e);
size_t cs_staffest_agents(const cs_staffest *e);

/**
 * @brief The estimate as a step function: from t[i] on, level[i] agents are available, until
 * t[i+1]; the last step (always level 0) starts at the end of the last session.  t[] strictly
 * increasing, consecutive levels differ, t[0] is the start of the first session.
 * @param logoff_gap a gap between calls longer than this (s, > 0) ends a session
 * @param t,level OUT: arrays of *n entries (free() both); NULL and 0 when no call was added
 * @return CS_OK; CS_EINPUT (logoff_gap not > 0); CS_ENOMEM.
 */
cs_status cs_staffest_steps(cs_staffest *e, double logoff_gap, double **t, int **level, size_t *n,
                            cs_error *err);

/**
 * @brief The mean of a step function (as from cs_staffest_steps) over consecutive intervals:
 * out[i] = time-average of the level over [t0 + i len, t0 + (i+1) len), for i < n_out.
 * Before t[0] the level is 0.
 */
void cs_staffest_average(const double *t, const int *level, size_t n, double t0, double len, double *out,
                         size_t n_out);

/**
 * @brief Gaps between consecutive calls of the same agent (start of the next minus end of the
 * previous; overlapping calls give no gap), counted in bins: counts[0] for gaps under `edges[0]`
 * seconds, counts[i] for [edges[i-1], edges[i]), counts[n_edges] for the rest.  For choosing and
 * checking logoff_gap.
 * @param counts OUT: n_edges + 1 counts.
 */
void cs_staffest_gap_counts(cs_staffest *e, const double *edges, size_t n_edges, size_t *counts);

#endif
