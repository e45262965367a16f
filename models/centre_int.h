/* Private to the engine (models/centre*.c): the runtime records of calls, queues, lines and
 * pools, and struct cs_ctr.
 *
 *   centre.c        the event loop: every event handler and the helpers they inline (hot path)
 *   centre_setup.c  creating and destroying an engine, its per-replication reset and streams
 */
#ifndef CS_CENTRE_INT_H
#define CS_CENTRE_INT_H

#include "models/centre.h"

#include <limits.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "models/calendar.h"
#include "models/count.h"
#include "models/demand.h"
#include "models/staffing.h"
#include "sim/cal.h"
#include "sim/rng.h"

#define CHUNK_CALLS 1024

typedef enum call_state {
    ST_FREE = 0,
    ST_IVR,
    ST_QUEUED,
    ST_TALK,
    ST_ORBIT,       /* between attempts (redial or spillover delay) */
    ST_CB_WAIT,     /* callback booked, waiting for a handler */
    ST_CB_RETRY,    /* callback attempt failed, waiting to dial again */
    ST_CB_TALK,     /* a handler is calling back */
    ST_CONNECT,     /* BT is connecting the call to the force */
    ST_RB_WAIT,     /* ring-back work waiting for a handler (not a caller) */
    ST_RB_TALK      /* a handler is making a ring-back */
} call_state;

typedef enum ivr_exit { IVR_ROUTE = 0, IVR_ABANDON, IVR_DEFLECT } ivr_exit;

typedef struct call call;
struct call {
    double arrival;          /* this attempt */
    double enq;              /* entered the current queue */
    double patience;         /* for the current wait */
    double handle;           /* talk time, drawn at arrival */
    double ivr_time;
    double booked;           /* callback booking time */
    double patience_min;     /* replay: observed lower bound on patience */
    double waited;           /* first-leg wait, for traces */
    double connect;          /* BT connection time of this attempt (0 without) */
    double talk_end;         /* when the current talk ends */
    double wrap;             /* the handler's wrap-up after it, drawn when the talk starts */
    cs_event_id timer;       /* patience, IVR end, callback expiry, connection */
    call *prev, *next;       /* queue or callback list */
    uint64_t caller;
    uint32_t n_entries;      /* lines joined so far (first attempts on a line), in order */
    uint32_t measured_from;  /* 1 + index of the first measured one; 0 = none yet */
    int32_t slot;            /* interval of the week of this attempt's arrival */
    int32_t day;             /* local day of this attempt's arrival (daily counters only) */
    int16_t first_line;      /* the line of the first entry (the others follow spillover) */
    int16_t line, queue, pool;
    uint16_t attempt;
    uint8_t state;
    uint8_t ivr_exit;
    uint8_t measured;        /* this attempt arrived after the warm-up */
    uint8_t caller_measured; /* the caller's first attempt did */
    uint8_t from_other;      /* this caller came from another line (spillover) */
    uint8_t leg2;            /* waiting for or talking on the transfer leg */
    uint8_t transferred;
    uint8_t cb_dials;
    uint8_t cb_reached;
    uint8_t reached;         /* how the caller's latest line ended (caller_done) */
    uint8_t instant_spills;  /* spillovers in a row at one instant (see give_up) */
    uint8_t xfer;            /* the talk ends in a transfer (drawn when it starts) */
    uint8_t folded;          /* one event ends both the talk and the wrap-up (start_talk) */
};

typedef struct chunk {
    struct chunk *next;
    call calls[CHUNK_CALLS];
} chunk;

typedef struct queue_rt {
    const cs_queue *cfg;
    call *head, *tail;
    long len;
    int line;
    int prio;
    int *pools;              /* pools that take this queue, specialists first */
    size_t n_pools;
    gsl_rng *handle_rng, *wrap_rng, *transfer_rng, *patience_rng;
} queue_rt;

typedef struct line_rt {
    const cs_line *cfg;
    gsl_rng *arr_rng, *demand_rng, *ivr_rng, *patience_rng, *redial_rng, *spill_rng, *cb_rng;
    gsl_rng *connect_rng, *rb_rng;
    double next_arrival;
    int arr_lane;               /* the calendar lane of its arrivals, or -1 */
    int ivr_lane;               /* the calendar lane of its IVR ends, or -1 */
    double seg_end, seg_rate;   /* current piece of the piecewise-constant arrival rate */
    long day;                   /* day whose random factor is in day_factor */
    double day_factor;
    size_t dcur;                /* dated demand: day of the current piece */
    long in_system;             /* holding a trunk: IVR, queue, talk */
    long waiting;               /* in any of the line's queues */
    call *cb_head, *cb_tail;
    call *rb_head, *rb_tail;    /* ring-backs waiting, oldest first */
    cs_timeavg qlen;
    double qarea_mark;          /* area at the last interval tick */
    double handle_factor, wrap_factor;   /* technology effects without a window */
    int *cut_outages, n_cut;    /* outages that cut this line off */
    int *slow_outages, n_slow;
    int *win_effects, n_win;    /* effects with a window */
    int *surges, n_surges;
    double *lc;                 /* this line's counters in the current repstats */
} line_rt;

typedef struct pool_rt {
    const cs_pool *cfg;
    int on_duty, busy, leaving;
    long waiting;               /* live callers in its queues: dispatch's quick "nothing to take" */
    size_t step;                /* index of the current staffing step */
    double next_change;
    cs_timeavg busy_ta, duty_ta;
    double busy_mark, duty_mark;
    int *queues;                /* sorted by priority, highest first */
    double *weights;
    size_t n_queues;
    int *cb_lines;              /* lines whose callbacks this pool makes */
    size_t n_cb_lines;
    int *rb_lines;              /* lines whose ring-backs this pool makes */
    size_t n_rb_lines;
    gsl_rng *route_rng;
    /* Staffing over the run: this replication's draw (random absence), with a dated pool's
     * on-duty numbers laid over it (`overlaid`), or the expected staffing (the loader's dated
     * run_staffing, or the weekly staffing repeated), walked step by step without wrapping. */
    const cs_staffing *run;
    cs_roster_people *people;   /* NULL: expected staffing */
    cs_staffing repeat;
    cs_staffing overlaid;       /* this replication's draw with the on-duty numbers */
} pool_rt;

struct cs_ctr {
    const cs_scn *scn;
    cs_cal *cal;
    line_rt *lines;
    queue_rt *queues;
    pool_rt *pools;
    chunk *chunks;
    call *free_calls;
    cs_repstats *rs;
    double warmup, horizon, interval;
    double tick_prev;
    double tick_step;            /* ticks: the interval, or at most an hour when dated */
    const cs_days *days;         /* dated runs: the local days; NULL when undated */
    double *line_day;            /* rs->line_day (daily counters), NULL when not kept */
    size_t acur, tcur;           /* day cursors of arrivals and of ticks */
    uint64_t next_caller;
    cs_trace_fn *trace;
    void *trace_ud;
    const cs_feed *feed;
    cs_feed feed_copy;
    int has_feed;
    cs_arrival pending;          /* next replayed arrival */
    int pending_ok;
    _Atomic double *progress;
    uint64_t events;
    size_t n_chunks;
    int oom;
    int overload;                /* stopped at CS_CTR_MAX_CALLERS */
};

/* ---- centre_setup.c ---- */

cs_status csi_ctr_for_each_stream(cs_ctr *c, uint32_t rep, int create, cs_error *err);
void csi_ctr_reset_state(cs_ctr *c);

#endif
