/* Replications in parallel, results independent of the thread count.
 *
 * Work items.  The unit of work handed to a thread is an item: part `part` of replication
 * `rep`.  A plain run has one part per replication.  A run whose replications split into
 * independent pieces (the forces of a national run, the scenarios of a sweep point, ...)
 * declares n_parts and, if their sizes differ, the relative cost of each part.  Items are
 * handed out largest first (the longest-processing-time rule), so what starts last is small
 * and no worker is left alone at the end on a long item while the others idle.  Workers take
 * the next item from a shared counter, so a fast or lightly loaded worker simply takes more.
 *
 * Determinism contract (why results do not depend on the thread count or the schedule):
 *   - run(ud, worker, rep, part) writes only to storage chosen by (rep, part) and to
 *     per-worker scratch chosen by `worker` (0 <= worker < the n_workers used, never two
 *     items at once on the same worker id);
 *   - every random stream is seeded from rep (and the part's name), never from the worker or
 *     the order of execution (sim/rng.h);
 *   - done(ud, worker, rep), if given, runs once per replication, after every part of that
 *     replication succeeded, on the worker that finished the last one: the place to combine a
 *     replication's parts or finish its results off the critical path.  It too writes only to
 *     storage chosen by rep.
 *
 * Errors.  Every item runs even if some fail (a replication with a failed part gets no done
 * call).  The error returned is the first failing item in (rep, part) order, done counting
 * as the part after the last, so the message does not depend on scheduling either.
 *
 * Threads and progress.  Without a tick callback the calling thread is worker 0 (so one
 * worker means no thread at all).  With a tick callback every worker is a thread and the
 * calling thread only reports: tick(tick_ud, replications done) once at the start, about every
 * 100 ms while work remains, and once at the end.  The calling thread sleeps on a condition
 * variable, so cs_rep_exec returns as soon as the last item ends, not at the next tick.
 *
 * Other ways to run a plan.  The plan says what work exists and how to do one item; it says
 * nothing about threads.  A distributed runner (MPI ranks, `make MPI=1`, a later job) fits
 * behind the same plan: each rank runs a deterministic share of the items with its own
 * threads, and the plan gains pack/unpack callbacks so that each item's output can be shipped
 * to rank 0; run and done stay as they are, and no caller changes. */
#ifndef CS_REP_H
#define CS_REP_H

#include <stdint.h>

#include "sim/status.h"

/* One item: part `part` (0 .. n_parts-1) of replication `rep` (0 .. n_reps-1). */
typedef cs_status cs_rep_item_fn(void *ud, int worker, uint32_t rep, uint32_t part, cs_error *err);

/* After every part of replication `rep` succeeded (optional). */
typedef cs_status cs_rep_done_fn(void *ud, int worker, uint32_t rep, cs_error *err);

/* Progress, from the calling thread: the number of replications done so far. */
typedef void cs_rep_tick_fn(void *ud, uint32_t done);

typedef struct cs_rep_plan {
    uint32_t n_reps;
    uint32_t n_parts;           /* parts per replication; 0 counts as 1 */
    const double *part_cost;    /* [n_parts] relative costs, or NULL if equal; only their order
                                 * matters (largest first, ties in part order) */
    int n_workers;              /* < 1 counts as 1; never more than there are items */
    cs_rep_item_fn *run;        /* required */
    cs_rep_done_fn *done;       /* optional */
    void *ud;                   /* passed to run and done */
    cs_rep_tick_fn *tick;       /* optional */
    void *tick_ud;
} cs_rep_plan;

/* Runs every item of the plan (see the top of this file).  Returns CS_OK, the status of the
 * first failing item in (rep, part) order with its message in err (which may be NULL), or
 * CS_ENOMEM if the runner's own bookkeeping could not be allocated (then nothing ran). */
cs_status cs_rep_exec(const cs_rep_plan *plan, cs_error *err);

/* The one-part form: fn(ud, worker, rep) for rep 0 .. n_reps-1. */
typedef cs_status cs_rep_fn(void *ud, int worker, uint32_t rep, cs_error *err);
cs_status cs_rep_run(uint32_t n_reps, int n_workers, cs_rep_fn *fn, void *ud,
                     cs_rep_tick_fn *tick, void *tick_ud, cs_error *err);

/* Number of online CPUs (at least 1). */
int cs_rep_cpus(void);

#endif
