/* What one replication measured, as raw sums: counters, sums of waits, time integrals and
 * histograms, for the whole measured period and per reporting interval of the week.
 *
 * These are the numbers the engine adds to as events happen.  Rates, means and quantiles are
 * derived later (models/kpi.c) per replication, and only then averaged across replications
 * with a confidence interval, so every KPI's CI reflects replication-to-replication variation
 * of that KPI itself.
 *
 * Attribution: an attempt is measured when it arrives after the warm-up, and all its outcomes
 * count in the interval of its arrival, even when it is answered later.  Time integrals (queue
 * length, busy and on-duty handlers) count from the warm-up on, in the interval they accrue.
 *
 * Memory is fixed by the scenario's shape (lines, pools, intervals of the week), never by the
 * number of calls. */
#ifndef CS_REPSTATS_H
#define CS_REPSTATS_H

#include <stddef.h>

#include "sim/arena.h"
#include "sim/rep.h"
#include "sim/stat.h"

/* Whole-period counters per line.  Attempt outcomes: answered + abandoned_ivr +
 * abandoned_queue + cut_off + deflected + callback + unfinished == offered. */
enum cs_lc {
    CS_LC_OFFERED,          /* attempts */
    CS_LC_CALLERS,          /* first attempts of a caller (unique callers) */
    CS_LC_ANSWERED,
    CS_LC_ABANDONED_IVR,
    CS_LC_ABANDONED_QUEUE,
    CS_LC_CUT_OFF,
    CS_LC_DEFLECTED,
    CS_LC_CALLBACK,         /* left the queue with a callback booked */
    CS_LC_UNFINISHED,       /* still in the IVR or queue at the end of the run */
    CS_LC_ANSWERED_WITHIN,  /* answered with wait <= the line's target */
    CS_LC_QUEUED,           /* had to wait (no handler free on reaching the queue) */
    CS_LC_WAIT_SUM_ANSWERED,
    CS_LC_WAIT_SUM_ALL,     /* time in queue of every attempt that reached it, incl. abandoners */
    CS_LC_WAIT_MAX,         /* longest wait of an answered call */
    CS_LC_REDIALS,          /* attempts after the first */
    CS_LC_SPILLED,          /* callers who gave up here and rang another line */
    CS_LC_SPILLED_IVR,      /* ... of them after abandoning in the IVR */
    CS_LC_SPILLED_QUEUE,    /* ... after abandoning in the queue */
    CS_LC_SPILLED_CUT,      /* ... after being cut off */
    CS_LC_FROM_OTHER,       /* attempts that arrived as spillover from another line */
    CS_LC_CB_ON_TIME,       /* callbacks first dialled within the deadline */
    CS_LC_CB_LATE,          /* first dialled after the deadline */
    CS_LC_CB_MISSED,        /* never dialled before expiry (or by the end, past the deadline) */
    CS_LC_CB_REACHED,       /* callbacks in which the caller answered */
    CS_LC_TRANSFERRED,      /* answered calls passed on to the transfer queue */
    CS_LC_TRANSFER_ANSWERED,
    CS_LC_TRANSFER_ABANDONED,
    CS_LC_TRANSFER_WAIT_SUM,
    CS_LC_CALLERS_DONE,     /* callers whose journey ended within the run */
    CS_LC_NEVER_REACHED,    /* of those: every attempt abandoned or cut off, no callback reached them */
    CS_LC_QUEUE_AREA,       /* integral of the number waiting (caller-seconds) */
    CS_LC_CALLERS_LOST,     /* callers whose first attempt here was abandoned or cut off (so at
                             * least one attempt of theirs was: later ones follow only a loss) */
    CS_LC_FROM_OTHER_ANSWERED,  /* callers from another line answered here */
    /* Callers across lines.  Every first attempt on a line (CS_LC_CALLERS, spill-ins
     * included) is counted once more on that line when the caller's whole journey, on every
     * line, is settled: reached somewhere, never reached anywhere, or still going at the end.
     * reached_any + never_any + open == callers on every replication. */
    CS_LC_CALLERS_REACHED_ANY,  /* answered on some line, reached by a callback, or deflected */
    CS_LC_CALLERS_NEVER_ANY,    /* the journey ended without reaching anyone on any line */
    CS_LC_CALLERS_OPEN,         /* still waiting, talking or between attempts at the end */
    CS_LC_RB_BOOKED,        /* abandoned attempts booked for a ring-back */
    CS_LC_RB_MADE,          /* ring-backs started (in the measured period) */
    CS_LC_RB_WAIT_SUM,      /* of those: time from the abandonment to the start */
    CS_LC_N
};

/* Per interval of the week, per line. */
enum cs_ic {
    CS_IC_OFFERED,
    CS_IC_ANSWERED,
    CS_IC_ABANDONED,        /* IVR + queue */
    CS_IC_CUT_OFF,
    CS_IC_ANSWERED_WITHIN,
    CS_IC_WAIT_SUM_ANSWERED,
    CS_IC_QUEUE_AREA,
    CS_IC_QUEUED,           /* had to wait (as CS_LC_QUEUED) */
    CS_IC_WAIT_SUM_ALL,     /* time in queue of every attempt that reached it */
    CS_IC_UNFINISHED,       /* still in the IVR or queue at the end */
    CS_IC_SPILLED,          /* callers who gave up here and rang another line (the report's
                               spillover chart, by the interval of this attempt's arrival) */
    CS_IC_FROM_OTHER,       /* attempts that arrived as spillover from another line */
    CS_IC_N
};

/* Per local day of the run, per line (runs measuring more than a week: daily.csv). */
enum cs_dc {
    CS_DC_OFFERED,
    CS_DC_ANSWERED,
    CS_DC_ABANDONED,        /* IVR + queue */
    CS_DC_CUT_OFF,
    CS_DC_ANSWERED_WITHIN,
    CS_DC_WAIT_SUM_ANSWERED,
    CS_DC_N
};

/* Per pool, whole period and per interval. */
enum cs_pc {
    CS_PC_BUSY_AREA,        /* handler-seconds busy (talking or wrapping, ring-backs included) */
    CS_PC_DUTY_AREA,        /* handler-seconds on duty */
    CS_PC_RB_MADE,          /* ring-backs started (whole period only) */
    CS_PC_RB_TIME,          /* handler-seconds on ring-backs within the measured period */
    CS_PC_N
};

typedef struct cs_repstats {
    size_t n_lines, n_pools, n_slots;
    double interval;        /* slot length (s) */
    double measured;        /* measured seconds (horizon - warm-up) */
    double *slot_time;      /* [n_slots] measured seconds that fell in each slot of the week */
    double *line;           /* [n_lines][CS_LC_N] */
    double *pool;           /* [n_pools][CS_PC_N] */
    double *line_slot;      /* [n_lines][n_slots][CS_IC_N] */
    double *pool_slot;      /* [n_pools][n_slots][CS_PC_N] */
    cs_hist *wait;          /* [n_lines] waits of answered calls */
    cs_tally *wait_tally;   /* [n_lines] Welford moments of answered waits */
    cs_tally *talk_tally;   /* [n_lines] Welford moments of talk times of answered calls */
    size_t n_days;          /* local days of the run with daily counters; 0 = none kept */
    double *line_day;       /* [n_lines][n_days][CS_DC_N], by the local day of arrival */
    cs_arena *own;          /* the arena of cs_repstats_init, freed by cs_repstats_fini; NULL when
                             * the arrays are in an arena of the caller's (cs_repstats_init_in) */
} cs_repstats;

/* Every array of a cs_repstats is taken from an arena (sim/arena.h): one for each replication of
 * a run's results (models/kpi.c), or one of its own (cs_repstats_init).  Fresh arrays are zero
 * and the tallies reset. */

/* A repstats with an arena of its own, freed by cs_repstats_fini.  0 or -1 (memory). */
int cs_repstats_init(cs_repstats *r, size_t n_lines, size_t n_pools, double interval, double measured);
/* Adds daily counters for n_days local days to a repstats of cs_repstats_init, before anything
 * is written to it (it is made again with them).  0 or -1 (memory; r is then unchanged). */
int cs_repstats_init_days(cs_repstats *r, size_t n_days);
/* The arena space (cs_arena_need units) cs_repstats_init_in takes for this shape. */
size_t cs_repstats_need(size_t n_lines, size_t n_pools, double interval, size_t n_days);
/* A repstats of this shape (with daily counters for n_days local days, none for 0) whose arrays
 * are taken from a, which must outlive it and frees them; cs_repstats_fini only forgets them.
 * 0, or -1 when a has less than cs_repstats_need left. */
int cs_repstats_init_in(cs_repstats *r, cs_arena *a, size_t n_lines, size_t n_pools, double interval,
                        double measured, size_t n_days);
void cs_repstats_fini(cs_repstats *r);
void cs_repstats_clear(cs_repstats *r);

/* A replication's sums as bytes, for one run on another MPI rank (sim/rep.h): its shape, then
 * every double, tally and histogram count exactly as in memory, so the copy is bit for bit
 * (about 74 kB per line and 22 kB per pool at 15-minute intervals: 192 kB for the baseline;
 * a run with daily counters adds 48 bytes per line and day).
 * unpack reads into r initialised with the same shape (cs_repstats_init); it returns -1, r
 * unchanged, when the bytes describe another shape. */
void cs_repstats_pack(const cs_repstats *r, cs_rep_pack *out);
int cs_repstats_unpack(cs_repstats *r, cs_rep_unpack *in);

static inline double *cs_rs_line(cs_repstats *r, size_t l) { return r->line + l * CS_LC_N; }
static inline double *cs_rs_pool(cs_repstats *r, size_t p) { return r->pool + p * CS_PC_N; }
static inline double *cs_rs_line_slot(cs_repstats *r, size_t l, size_t s)
{
    return r->line_slot + (l * r->n_slots + s) * CS_IC_N;
}
static inline double *cs_rs_pool_slot(cs_repstats *r, size_t p, size_t s)
{
    return r->pool_slot + (p * r->n_slots + s) * CS_PC_N;
}
static inline double *cs_rs_line_day(cs_repstats *r, size_t l, size_t d)
{
    return r->line_day + (l * r->n_days + d) * CS_DC_N;
}
static inline const double *cs_rs_line_day_c(const cs_repstats *r, size_t l, size_t d)
{
    return r->line_day + (l * r->n_days + d) * CS_DC_N;
}
static inline const double *cs_rs_line_c(const cs_repstats *r, size_t l) { return r->line + l * CS_LC_N; }
static inline const double *cs_rs_pool_c(const cs_repstats *r, size_t p) { return r->pool + p * CS_PC_N; }
static inline const double *cs_rs_line_slot_c(const cs_repstats *r, size_t l, size_t s)
{
    return r->line_slot + (l * r->n_slots + s) * CS_IC_N;
}
static inline const double *cs_rs_pool_slot_c(const cs_repstats *r, size_t p, size_t s)
{
    return r->pool_slot + (p * r->n_slots + s) * CS_PC_N;
}

#endif
