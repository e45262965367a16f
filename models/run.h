/* Running a scenario: N replications on worker threads, then KPIs.
 *
 * Each worker thread owns one cs_ctr (models/centre.h); each replication writes its own
 * cs_repstats slot in the results, chosen by its number.  Nothing else is shared, so the
 * numbers do not depend on the thread count (tests/test_centre.c checks bit equality of every
 * replication's sums at 1, 2 and 5 threads; tests/test_cli.c the output bytes). */
#ifndef CS_RUN_H
#define CS_RUN_H

#include <stdint.h>

#include "models/centre.h"
#include "models/kpi.h"
#include "models/scenario.h"
#include "sim/status.h"

/* Makes a fresh replay feed for one worker (each worker reads the log on its own). */
typedef cs_status cs_feed_factory(void *ud, cs_feed *out, cs_error *err);
typedef void cs_feed_release(void *ud, cs_feed *feed);

typedef void cs_progress_fn(void *ud, uint32_t reps_done, uint32_t reps_total,
                            double sim_time, double horizon);

typedef struct cs_run_opts {
    int threads;                 /* 0 = one per CPU */
    cs_trace_fn *trace;          /* every measured attempt of replication 1 (calls.csv) */
    void *trace_ud;
    cs_feed_factory *feed_make;  /* replay instead of synthetic demand */
    cs_feed_release *feed_free;
    void *feed_ud;
    cs_progress_fn *progress;    /* called from the calling thread, about every 100 ms */
    void *progress_ud;
    int local;                   /* 1: never spread over MPI ranks (sim/rep.h plan.local): a run
                                  * that only one rank makes */
} cs_run_opts;

/* Runs scn->replications replications of scn (seeded from scn->seed).  *out is owned by the
 * caller (cs_results_free) and borrows scn. */
cs_status cs_run(const cs_scn *scn, const cs_run_opts *opts, cs_results **out, cs_error *err);

#endif
