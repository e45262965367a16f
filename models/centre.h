/* The contact centre: the model that turns a resolved scenario into events on the kernel.
 *
 * One cs_ctr runs replications one at a time; it owns a calendar, the random streams, the
 * call records and the runtime state of lines, queues and pools, all reused from one
 * replication to the next.  Replications share nothing mutable, so several cs_ctr (one per
 * thread) can run replications of the same scenario at once.
 *
 * The caller's journey, per attempt:
 *   arrival -> [BT connection: the wait and patience run, the force does not hold the call yet]
 *           -> [cut off: outage, or all trunks busy]
 *           -> [IVR: abandon | deflect | choose a route]
 *           -> queue: a free handler answers at once, or [callback offered and accepted]
 *                     or [cut off: no queue place] or wait until answered or patience ends
 *           -> talk -> [transfer to a second queue] -> wrap-up (handler still busy)
 *   after abandoning or being cut off: ring the other line (spillover), or redial, or give up.
 * Every attempt ends exactly one way; models/repstats.h lists the ways and what is counted.
 * An abandoned attempt may also book a ring-back: work for a handler, not part of the journey.
 *
 * Staffing: each pool's handlers on duty are a step function over the whole run, drawn for
 * every replication before it starts when absence is random (models/roster.h).
 *
 * Random numbers: each caller's patience and handle time are drawn when the attempt arrives,
 * from per-line and per-queue streams, so a variant that changes staffing serves the same
 * callers with the same needs (common random numbers). */
#ifndef CS_CENTRE_H
#define CS_CENTRE_H

#include <stdint.h>

#include "models/repstats.h"
#include "models/scenario.h"
#include "sim/status.h"

typedef struct cs_ctr cs_ctr;

/* Most callers in the system at once (in the IVR, queued, talking, waiting to redial or for a
 * callback) in one replication.  A legal but absurd overload (10^9 calls a second, a x10^9
 * surge) would otherwise grow memory until the machine gives out; at this cap the replication
 * stops with CS_EINPUT.  The largest real control rooms hold a few thousand callers at once;
 * a million records take about 200 MB per worker thread (call records and calendar). */
#define CS_CTR_MAX_CALLERS 1000000

/* Most spillovers a caller makes in a row at one instant of simulated time: a spillover cycle
 * with no delay between lines that both cut the caller off would otherwise never end. */
#define CS_CTR_MAX_INSTANT_SPILLS 100

/* How an attempt ended, for traces (calls.csv) */
typedef enum cs_outcome {
    CS_OUT_ANSWERED = 0,
    CS_OUT_ABANDONED_IVR,
    CS_OUT_ABANDONED_QUEUE,
    CS_OUT_CUT_OFF,
    CS_OUT_DEFLECTED,
    CS_OUT_CALLBACK,
    CS_OUT_UNFINISHED,
    CS_OUT_N
} cs_outcome;

const char *cs_outcome_name(cs_outcome o);   /* "answered", "abandoned_ivr", ... */

/* One attempt, reported when it ends (answered attempts when the talk ends, so that the
 * handle time is known).  Times in seconds of simulated time. */
typedef struct cs_trace_rec {
    double arrival;
    int line;
    uint64_t caller;
    int attempt;
    cs_outcome outcome;
    double wait;           /* time in queue (0 if never queued) */
    double handle;         /* talk time of an answered attempt, else 0 */
    double ivr;            /* time in the IVR */
    int pool;              /* pool that answered, -1 otherwise */
    int transferred;
} cs_trace_rec;

typedef void cs_trace_fn(void *ud, const cs_trace_rec *rec);

/* One arrival from a replayed log.  handle/patience < 0: draw from the scenario instead.
 * patience_min > 0 (with patience < 0): the caller is known to have waited at least this
 * long (answered after that wait), so patience is drawn from the scenario's distribution
 * conditioned on exceeding it.  ivr_exit (lines with an IVR): -1 draw from the scenario's
 * shares; 0 the caller goes on to a queue, 1 hangs up in the IVR, 2 is deflected (what the log
 * says; the draws are still made, so the streams stay aligned). */
typedef struct cs_arrival {
    double t;
    int line;
    double handle;
    double patience;
    double patience_min;
    int ivr_exit;
} cs_arrival;

/* A replay source: fills *out with the next arrival in time order and returns 1, or 0 at the
 * end.  rewind() starts again for the next replication. */
typedef struct cs_feed {
    int (*next)(void *ud, cs_arrival *out);
    void (*rewind)(void *ud);
    void *ud;
} cs_feed;

cs_ctr *cs_ctr_create(const cs_scn *scn, cs_error *err);
void cs_ctr_destroy(cs_ctr *c);

/* Trace every measured attempt of the next replications (NULL to stop). */
void cs_ctr_set_trace(cs_ctr *c, cs_trace_fn *fn, void *ud);
/* Replay: arrivals of every line come from the feed, not from the demand model. */
void cs_ctr_set_feed(cs_ctr *c, const cs_feed *feed);
/* Progress: the engine stores its simulated time here at every statistics tick (a relaxed
 * atomic store: another thread reads it to draw a progress bar, nothing is ordered by it). */
void cs_ctr_set_progress(cs_ctr *c, _Atomic double *sim_time);

/* Runs replication `rep` (0-based) and fills out, which must have been initialised for this
 * scenario (cs_repstats_init with its lines, pools, interval and measured time). */
cs_status cs_ctr_run(cs_ctr *c, uint32_t rep, cs_repstats *out, cs_error *err);

/* Events executed by the last replication (for the benchmark). */
uint64_t cs_ctr_events(const cs_ctr *c);

#endif
