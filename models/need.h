/* Handlers needed per interval from closed forms (prefix cs_need_): the Erlang A requirement of
 * each pool, interval by interval, for the targets of the lines it serves.
 *
 * Concept.  A pool takes calls from a list of queues; each queue belongs to a line with a
 * target (a service level S within T, and optionally a ceiling A on abandon_rate).  The line's
 * KPIs count every offered attempt, including the callers an IVR loses (abandon) or sends online
 * (deflect), which no handler can serve; so the part of the target the pool must meet is stated
 * for the calls that reach its queues:
 *     reach = 1 - ivr.abandon - ivr.deflect            (1 without an IVR)
 *     S_queue = S / reach,   A_queue = (A - ivr.abandon) / reach.
 * A target that needs S_queue >= 1 or A_queue <= 0 cannot be met by any number of handlers
 * (101 at 90% within 30 s with 4% lost in the IVR and 5% deflected asks for 98.9% of the
 * callers who reach the queue); such a target is reported, not staffed for.  Transfer legs
 * (queues that receive transfers) take their line's S and A as they are: every call on them
 * reached the queue.
 *
 * The pool's load in an interval is the sum over its queues of the calls reaching them (line
 * attempts x reach x the IVR route's share; a transfer leg gets its line's queue calls x the
 * transfer share; a queue several pools take is split equally between them) times their mean
 * busy time (handle + wrap-up).  The pool's requirement is the largest over its targets of
 * cs_erl_staff on that load with the target's patience (the queue's own, else the line's, as
 * the exponential with the same chance of hanging up within the target time: the mean for an
 * exponential patience, much less than the mean when a share of callers quits within seconds;
 * a caller who never hangs up makes it Erlang C).  This is the stationary approximation per
 * interval (the "pointwise stationary" staffing): it ignores that calls in progress carry load
 * into the next interval, priorities between the pool's queues, redials, spillover and
 * everything else the simulation has.  It is the start of the iterative staffing algorithm
 * (experiments/isa.h) and the "handlers needed" line of a run's staffing chart, labelled as an
 * Erlang A estimate.
 *
 * Threads: pure functions, no state.  Errors: CS_EDOM only for parameters outside Erlang A's
 * domain (which a loaded scenario never has), with the message of models/erlang. */
#ifndef CS_MODELS_NEED_H
#define CS_MODELS_NEED_H

#include <stddef.h>

#include "models/erlang.h"
#include "models/kpi.h"
#include "models/scenario.h"
#include "sim/status.h"

/* One target a pool must meet: the part of a line's target that falls on the pool's queues. */
typedef struct cs_need_target {
    int line;            /* the line whose KPIs measure it */
    int queue;           /* the queue it comes from (the first such queue of the line) */
    int leg;             /* 1: a transfer leg (no per-interval KPIs measure it in a run) */
    double reach;        /* share of the line's attempts that reach a queue (1 for a leg) */
    double ivr_abandon;  /* share lost in the IVR, counted in abandon_rate (0 for a leg) */
    double patience;     /* Erlang A's patience (s), see the top; INFINITY = never hangs up */
    double within;       /* T (s) */
    double share;        /* the line's S (0 = no service-level part) */
    double max_abandon;  /* the line's A (0 = no ceiling) */
    cs_erl_target queue_target; /* S_queue and A_queue for Erlang A, see the top */
    int reachable;       /* 0: S_queue >= 1 or A_queue <= 0 (no handler count meets it) */
} cs_need_target;

/* The pool's targets: one per line (and one per line's transfer legs) among its queues, in queue
 * order.  At most max are written; *n gets how many there are.  The numbers that depend only on
 * the scenario are filled in; nothing depends on demand. */
void cs_need_targets(const cs_scn *s, size_t pool, cs_need_target *out, size_t max, size_t *n);

/* The pool's load in one interval: calls per second reaching it (*lambda) and their mean busy
 * time (*mean_busy), given each line's offered attempts per second line_rate[n_lines]. */
void cs_need_load(const cs_scn *s, size_t pool, const double *line_rate, double *lambda, double *mean_busy);

/* The pool's mean patience over its queues, weighted by their load (INFINITY if every caller
 * waits for ever): the patience used where one number stands for the whole pool. */
double cs_need_patience(const cs_scn *s, size_t pool, const double *line_rate);

/* The largest agent count cs_need searches: far above any answer a reachable target has
 * (ten times the load plus a hundred), so that an unreachable one fails fast. */
int cs_need_max_n(double load);

typedef struct cs_need {
    int n;               /* handlers needed: the largest over the reachable targets */
    int unreachable;     /* targets that no handler count meets (left out of n) */
    double load;         /* lambda x mean_busy, Erlangs */
} cs_need;

/** @brief The Erlang A requirement of a pool in one interval (see the top).
 *  @return CS_OK; CS_EDOM with models/erlang's message. */
cs_status cs_need_pool(const cs_scn *s, size_t pool, const double *line_rate, cs_need *out, cs_error *err);

/** @brief needed[slot] for every reporting interval of the week of a run: the requirement on the
 *  offered attempts the run measured (redials and calls from other lines included), NAN where an
 *  interval was not measured.  needed has r->reps[0].n_slots entries.
 *  @return CS_OK; CS_ENOMEM; CS_EDOM as cs_need_pool. */
cs_status cs_need_results(const cs_results *r, size_t pool, double *needed, cs_error *err);

#endif
