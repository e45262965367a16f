/* The iterative staffing algorithm (prefix cs_isa_): handlers needed on duty in every interval of
 * the week, in every pool, so that every line's targets hold in that interval, found by
 * simulation.
 *
 * Method.  Feldman, Mandelbaum, Massey & Whitt (2008, "Staffing of time-varying queues to achieve
 * time-stable performance", Management Science 54(2)) simulate the time-varying system with a
 * candidate staffing s(t), read the performance each interval gets, set a new s(t) interval by
 * interval from it, and repeat until s(t) no longer changes: the fixed point accounts for
 * everything the simulator has (load carried from one interval into the next by long calls,
 * redials, spillover, callbacks, ring-backs, transfers, 999 priority on a blended team), which
 * is why its performance is stable over the day where per-interval (pointwise stationary)
 * formulas are not.  Their update reads the number in system L(t) of the simulation and takes
 * s(t) = min{s : P(L(t) >= s) <= alpha}, a target on the delay probability.  Our targets are the
 * lines' own (a service level and an abandonment ceiling per interval), and the engine reports
 * per-interval KPIs rather than L(t)'s distribution, so each round's update is made with Erlang A
 * as the local model of "how does this interval's performance move with one handler more or
 * less", calibrated to the simulation:
 *   1. the pool's offered load theta(t) in the interval is the load at which Erlang A, with the
 *      s(t) handlers simulated, carries the busy handlers the simulation measured (busy time
 *      includes calls carried over from earlier intervals, callbacks and ring-backs: the lag the
 *      pointwise formulas miss);
 *   2. for each line the pool serves, the gap between the simulated KPI and Erlang A's at
 *      (s(t), theta(t)) is what the formula does not model (priorities, non-exponential times,
 *      the IVR's losses, redials); it is held fixed, and the new requirement of the line is the
 *      smallest n at which Erlang A plus the gap meets the target (models/need.h's queue-level
 *      targets, shifted by the gap);
 *   3. the pool's new s(t) is the largest over its lines: with several lines on one pool, the
 *      pool's requirement in an interval rises while ANY line it serves misses its target there,
 *      and falls only when every line would still meet it with fewer.
 * The gap is estimated at the staffing simulated, so at the fixed point the simulation itself
 * says the target is met at s(t); only "and not with s(t) - 1" is extrapolated, by one step of
 * Erlang A.  Because the load is calibrated on the same replications, a busy sample raises
 * theta and lowers the service level together, and the gap is steadier than either.  For an
 * M/M/n+M line the model is exact, the gap is only noise, and the fixed point is Erlang A's
 * answer (tested, up to hundreds of handlers).
 *
 * Noise.  An interval's KPIs are estimates.  An update that follows them blindly moves an interval
 * that is right on the edge of its target (its true performance a fraction of a handler's effect
 * from it) up and down with the noise.  So an interval moves only when the simulation says so
 * beyond the 95% confidence interval of the gap (step 2): it rises if, with the gap at the
 * favourable end of its interval, the target would still need more handlers; it falls if, at the
 * unfavourable end, it would still need fewer.  Inside that dead band it keeps its value.  The
 * gap's interval comes from the replications: each replication's KPI less what Erlang A says
 * its own busy handlers imply (to first order), so a replication that was busy and slow counts
 * as the load it had, not as noise; the gap is far steadier than the KPI itself (an hour of
 * hour-long calls: +/-10 points of service level, about +/-2 of gap).  The start is Erlang A's
 * answer, so the simulation overrides the formula only where it shows, beyond its noise, that
 * the formula is wrong for that interval (a stationary M/M/n+M line keeps Erlang A's n; a line
 * with long calls, priorities or redials does not).  The roster checks of experiments/staff.h
 * then act on the means, as the verification judges them.
 *
 * Rounds.  Round 0 is the pointwise Erlang A requirement (models/need.h, on the scenario's demand:
 * first attempts through the IVR and transfers).  Every round simulates the scenario with the
 * round's requirement as the handlers on duty (no absence, no breaks: the requirement is people
 * actually on duty, the cover adds shrinkage and breaks), replications on the threads, on the
 * scenario's seed in every round, so the rounds see the same callers and the map from one
 * staffing to the next is deterministic.  The algorithm stops when no interval changes; an
 * interval that goes back to the value it had two rounds before (n -> m -> n: noise at the edge
 * of the target) is settled at the larger of the two.  Transfer legs have no per-interval KPIs
 * in a run, so a pool serving only them is staffed by Erlang A on its calibrated load (step 1)
 * against its line's target, without a gap.
 *
 * The scenario's staffing is replaced only for the duration of cs_isa_run (each pool's staffing
 * becomes the requirement as a weekly step function, which the engine runs as given; the
 * reporting interval becomes the staffing interval) and restored before it returns.
 *
 * Limits.  Weekly scenarios only (a dated run, `start:`, is refused: the requirement is a weekly
 * pattern).  Targets that no number of handlers meets (models/need.h) are reported and left out.
 *
 * Threads: simulations use opts.threads workers (sim/rep.h), results do not depend on it. */
#ifndef CS_EXPERIMENTS_ISA_H
#define CS_EXPERIMENTS_ISA_H

#include <stddef.h>
#include <stdint.h>

#include "models/kpi.h"
#include "models/need.h"
#include "models/scenario.h"
#include "sim/status.h"

typedef struct cs_isa_opts {
    double interval;     /* staffing interval (s): divides a day; 0 = the scenario's */
    int reps;            /* replications per round; 0 = the scenario's */
    int max_rounds;      /* simulations at most; 0 = 20 */
    int threads;         /* 0 = one per CPU */
    const int *start;    /* [n_pools][week / interval] the first round's handlers on duty instead
                            of Erlang A's (a previous plan's requirement; tests start away from
                            the answer to show the rounds reach it); NULL = Erlang A.  The
                            result's start[] is Erlang A's either way */
    /* After each round (may be NULL): round 1, 2, ..., intervals changed by it. */
    void (*round)(void *ud, int round, size_t changed, size_t settled);
    void *round_ud;
} cs_isa_opts;

/* Per interval of the week (n_slots of them), per pool and per line. */
typedef struct cs_isa {
    size_t n_pools, n_lines, n_slots;
    double interval;
    int rounds;          /* simulations run */
    int converged;       /* 1: the last round changed nothing */
    size_t *changed;     /* [rounds]: intervals (pool x slot) changed by each round */
    int *start;          /* [n_pools][n_slots] round 0: pointwise Erlang A */
    int *required;       /* [n_pools][n_slots] the requirement */
    double *load;        /* [n_pools][n_slots] calibrated offered load (Erlangs), last round */
    /* The performance the last round's simulation gave at the requirement (mean and 95% CI
     * across replications): */
    double *sl, *sl_ci;  /* [n_lines][n_slots] service_level */
    double *ab, *ab_ci;  /* [n_lines][n_slots] abandon_rate */
    double *offered;     /* [n_lines][n_slots] attempts per interval (the demand's first attempts
                            where no simulation measured the interval) */
    unsigned char *unreachable; /* [n_pools][n_slots] a target of the pool there no count meets */
    size_t n_unreachable_targets;
    char unreachable_msg[512]; /* the first unreachable target, in words */
} cs_isa;

/** @brief Runs the algorithm on scn (weekly; its staffing is restored before returning).
 *  @param out OUT: the result (cs_isa_free).
 *  @return CS_OK; CS_EINPUT (dated scenario, bad interval, a run refused); CS_ENOMEM; the
 *  simulation's errors. */
cs_status cs_isa_run(cs_scn *scn, const cs_isa_opts *opts, cs_isa **out, cs_error *err);

void cs_isa_free(cs_isa *x);   /* NULL is a no-op */

/* ---- pieces the staffing planner reuses -------------------------------------------------- */

/* A pool's staffing replaced for a while: what cs_isa_override saves and cs_isa_restore puts
 * back. */
typedef struct cs_isa_saved {
    cs_staffing staffing, run_staffing;
    size_t n_shifts;
    double headcount;
    cs_absence absence;
    struct cs_onduty *on_duty;
    int active;
} cs_isa_saved;

/** @brief Runs pool `pool` of scn with exactly level[k] handlers on duty in interval k of the
 *  week (n_slots intervals of `interval` seconds), saving what it replaces in *saved (the first
 *  time; later calls only change the levels).  @return CS_OK or CS_ENOMEM. */
cs_status cs_isa_override(cs_scn *scn, size_t pool, const int *level, size_t n_slots, double interval,
                          cs_isa_saved *saved, cs_error *err);

/** @brief Puts back what cs_isa_override saved (no-op if nothing was). */
void cs_isa_restore(cs_scn *scn, size_t pool, cs_isa_saved *saved);

/* What a simulation showed for one pool in one interval, for cs_isa_update. */
typedef struct cs_isa_cell {
    double on_duty;           /* handlers on duty there (a mean: fractional with random absence) */
    double busy;              /* mean busy handlers */
    const double *line_rate;  /* [n_lines] offered attempts per second */
    const double *sl, *ab;    /* [n_lines] service level and abandon rate (NAN where undefined) */
    /* Per replication, for the dead band (see "Noise"); n_reps = 0 for none: */
    size_t n_reps;
    const double *busy_r;     /* [n_reps] */
    const double *sl_r, *ab_r; /* [n_lines][n_reps] */
} cs_isa_cell;

/* The update of one pool in one interval (steps 1-3 of the top).  *n_out: the new requirement;
 * *load_out: the calibrated load; *unreachable: targets no count meets. */
cs_status cs_isa_update(const cs_scn *scn, size_t pool, const cs_isa_cell *cell, int *n_out, double *load_out,
                        int *unreachable, cs_error *err);

/* The figures of cs_isa_cell for every pool of one interval of a run's results: buffers for
 * one results' shape, filled interval by interval (cs_isa_cells_fill, then cs_isa_cells_pool for
 * each pool).  measured: the interval was simulated after the warm-up. */
typedef struct cs_isa_cells {
    double *buf;
    double *rate, *sl, *ab, *sl_r, *ab_r, *busy_r;
    int measured;
} cs_isa_cells;
cs_status cs_isa_cells_init(cs_isa_cells *c, const cs_results *r, cs_error *err);
void cs_isa_cells_fill(cs_isa_cells *c, const cs_results *r, size_t slot);
/* on_duty: what the pool had there (the requirement simulated, or the measured mean). */
void cs_isa_cells_pool(cs_isa_cells *c, const cs_results *r, size_t pool, size_t slot, double on_duty,
                       cs_isa_cell *out);
void cs_isa_cells_fini(cs_isa_cells *c);

/** @brief Does line l meet its target in interval slot of results r (mean across replications;
 *  an interval without calls meets it)?  *sl and *ab (may be NULL) get the means. */
int cs_isa_meets(const cs_results *r, size_t line, size_t slot, double *sl, double *ab);

#endif
