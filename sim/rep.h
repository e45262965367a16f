/* Replications in parallel, results independent of the thread count.
 *
 * cs_rep_run calls fn(ud, worker, rep) once for every replication 0..n-1, from n_workers
 * threads (1 without a tick callback = the calling thread only; with a tick callback every
 * worker is a new thread and the calling thread reports progress).  Workers take replication numbers from a shared
 * counter, so which thread runs which replication varies; determinism comes from the
 * contract that fn writes only to per-replication storage chosen by `rep` and to per-worker
 * scratch chosen by `worker`, and that every random stream is seeded from `rep` (sim/rng.h).
 *
 * If some replications fail, the error reported is the one of the lowest-numbered failing
 * replication, so the message does not depend on scheduling either. */
#ifndef CS_REP_H
#define CS_REP_H

#include <stdint.h>

#include "sim/status.h"

typedef cs_status cs_rep_fn(void *ud, int worker, uint32_t rep, cs_error *err);

/* Optional: called from the calling thread about every 100 ms while workers run, with the
 * number of replications finished; for progress bars. */
typedef void cs_rep_tick_fn(void *ud, uint32_t done);

cs_status cs_rep_run(uint32_t n_reps, int n_workers, cs_rep_fn *fn, void *ud,
                     cs_rep_tick_fn *tick, void *tick_ud, cs_error *err);

/* Number of online CPUs (at least 1). */
int cs_rep_cpus(void);

#endif
