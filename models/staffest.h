/* Handlers available, estimated from who answered each call in a log (prefix cs_staffest_).
 *
 * Concept.  A call log with an agent column says when each agent was talking.  It does not say
 * when they were logged in and ready for the next call.  This module estimates it, for a
 * simulation in which one pool of identical handlers takes the calls:
 *
 *   available(t) = agents talking at t
 *                + agents idle at t between two of their calls, when no caller was waiting
 *                  at t and the gap between those calls is at most `logoff_gap`.
 *
 * Two rules, and why.  (1) Sessions: a gap between one agent's calls longer than logoff_gap
 * means they logged off (a break, the end of a shift), so nothing of it counts.  Within a
 * session, idle gaps are short even at low load (a handler with a call every 6 minutes of idle
 * time waits longer than 30 minutes about once in 150 gaps), while breaks and shift ends are
 * long.  (2) Readiness: an agent who is idle while a caller waits was not ready (after-call
 * work, another task, a short break): a ready agent would have answered.  So idle time counts
 * only while nobody waited (cs_staffest_add_wait gives the log's waits).  On the 1999 bank
 * log, callers who arrived to an empty queue while some agent was idle between calls still
 * waited in 62% of cases with one such agent and 39% with two (median wait 30 s): counting
 * every idle gap as available gave a simulation that answered far more callers than the bank
 * did.  Without waits (no call ever added with cs_staffest_add_wait), rule (2) cannot apply
 * and every idle gap within a session counts.
 *
 * The result is an integer step function over the log's span: the staffing of that pool.  Its
 * limits: an agent idle before the first call of a session (or after the last) is not seen, so
 * session edges are a lower bound; idle agents at times when nobody waited are taken as ready,
 * which they were not always; a log of several queues served by different agents gives one
 * pool's worth of availability, so a simulation that pools them is more efficient than the
 * real split (README, "Real call logs", has the check on the bank log).
 *
 * Memory: 24 bytes per call and 16 per wait added (a log of a million calls takes 40 MB); agents are
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

/**
 * @brief Adds one caller's wait: somebody was waiting in the queue over [start, end) (seconds,
 * the clock of cs_staffest_add).  Waits of length 0 are ignored.
 * @return CS_OK; CS_EINPUT (a time not finite, end < start); CS_ENOMEM.
 */
cs_status cs_staffest_add_wait(cs_staffest *e, double start, double end, cs_error *err);

/** @brief Distinct agents added so far. */
size_t cs_staffest_agents(const cs_staffest *e);

/**
 * @brief The estimate as a step function: from t[i] on, level[i] agents are available, until
 * t[i+1]; the last step (always level 0) starts at the end of the last call.  t[] strictly
 * increasing, consecutive levels differ, t[0] is the start of the first session.
 * @param logoff_gap a gap between calls longer than this (s, > 0) ends a session
 * @param t,level OUT: arrays of *n entries (free() both); NULL and 0 when no call was added
 * @return CS_OK; CS_EINPUT (logoff_gap not > 0); CS_ENOMEM.
 */
cs_status cs_staffest_steps(cs_staffest *e, double logoff_gap, double **t, int **level, size_t *n,
                            cs_error *err);

/**
 * @brief As cs_staffest_steps, with after-call work: the first `wrap_max` seconds of every gap
 *  between two of an agent's calls within a session count as on duty whether or not a caller
 *  waited (the agent was finishing the last call, as the simulation's `wrap` will have its
 *  handlers do after every call); the rest of the gap follows the readiness rule.  wrap_max 0 is
 *  cs_staffest_steps.  Why: a not-ready spell of a few seconds after each call, left as a dip in
 *  the staffing at the log's moment, takes nothing from a simulation whose handlers are all
 *  talking then (they cannot be taken off mid-call and the dip is over before one finishes), so
 *  replaying it answered more callers than the log did (README, "Real call logs").
 * @param wrap_max >= 0 (s)
 * @return as cs_staffest_steps; CS_EINPUT also for wrap_max < 0 or not finite.
 */
cs_status cs_staffest_steps_wrap(cs_staffest *e, double logoff_gap, double wrap_max, double **t, int **level,
                                 size_t *n, cs_error *err);

/* What cs_staffest_wrap found. */
typedef struct cs_staffest_wrapfit {
    size_t gaps;          /* gaps between two calls of an agent within a session */
    size_t exact;         /* of which a caller was waiting when the agent took the next call:
                             the whole gap was not-ready time */
    double mean;          /* mean after-call work (s), capped at wrap_max */
    double median, q1, q3, p90;
} cs_staffest_wrapfit;

/**
 * @brief The distribution of after-call work, capped at wrap_max, from the gaps between an
 *  agent's calls (within a session) and the callers' waits.  Model: after each call the agent is
 *  not ready for W seconds, then takes a waiting caller at once.  A gap that ends with a caller
 *  waiting (one was waiting within 2 s of the next call's start) shows W = the gap; one that
 *  ends with a call nobody waited for shows only W <= the gap, and W >= the last moment in the
 *  gap a caller was waiting (a ready agent would have answered).  So each gap gives an interval
 *  for min(W, wrap_max), and the distribution is Turnbull's nonparametric maximum likelihood
 *  estimate on whole seconds (EM until no probability moves by 1e-9, at most 2000 rounds).
 * @param q       OUT: n_q values, the (i + 0.5) / n_q quantiles (s), to write as an empirical
 *                distribution (NULL when n_q is 0)
 * @param out     OUT
 * @return CS_OK (out->exact = 0: nothing was estimated, q untouched: no waits were added or no
 *         gap ended with a caller waiting); CS_EINPUT (logoff_gap not > 0, wrap_max not in
 *         (0, 3600]); CS_ENOMEM.
 */
cs_status cs_staffest_wrap(cs_staffest *e, double logoff_gap, double wrap_max, double *q, size_t n_q,
                           cs_staffest_wrapfit *out, cs_error *err);

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
