/* A national run: many forces, each a resolved scenario of its own, run side by side and
 * summed into national totals.
 *
 * Concept.  A cs_nat is a list of forces (a name and a cs_scn each) that share the horizon,
 * warm-up, replications and reporting interval (io/national.c imposes them from the national
 * file).  cs_nat_run() runs every (force, replication) pair as one work item on the
 * replication runner, largest forces first, so both cores stay busy to the end; each force
 * gets its own cs_results, exactly as `callsim run` would give it.
 *
 * Independence.  Force f runs with the seed cs_nat_force_seed(seed, name_f), a hash of the
 * national seed and the force's name, so the forces' random streams are independent of one
 * another, and adding, removing or reordering forces never changes another force's numbers.
 * (Run the force file alone with that seed to reproduce its numbers; summary.json records it.)
 *
 * Totals.  For every line name found in any force, the totals are built per replication from
 * the forces' raw sums (models/repstats.h): counts, sums of waits and time integrals added,
 * histograms and Welford moments merged, the longest wait the largest.  The KPIs of the totals
 * are then derived from those sums replication by replication (models/kpi.c) and only then
 * averaged, so a national abandonment rate is (sum of abandoned + cut off) / (sum of offered)
 * within each replication, and its confidence interval is an honest one across replications,
 * never a combination of the forces' means.  Pools with the same name are summed the same
 * way (handlers on duty add up; occupancy is recomputed from the summed busy and on-duty
 * time).  The totals carry a reporting-only scenario (cs_nat_results.totals_scn): names,
 * targets (those of the first force having the line) and which features exist somewhere
 * (IVR, callbacks, transfers, ...) so tables show the right rows.  It is never run.
 *
 * Ownership.  cs_nat owns its forces' scenarios (cs_nat_free).  cs_nat_results borrows the
 * cs_nat (which must outlive it) and owns every cs_results and the totals scenario.
 *
 * Threads.  No global state.  Results do not depend on the thread count (tests/test_national.c
 * checks byte equality of the outputs). */
#ifndef CS_NATIONAL_H
#define CS_NATIONAL_H

#include <stddef.h>
#include <stdint.h>

#include "models/kpi.h"
#include "models/run.h"
#include "models/scenario.h"
#include "sim/status.h"

typedef struct cs_nat_force {
    char name[CS_NAME_MAX];
    char *file;            /* where it came from (for outputs), may be NULL; owned */
    cs_scn *scn;           /* owned; its seed is already the force's own (cs_nat_force_seed) */
} cs_nat_force;

typedef struct cs_nat {
    char name[128];
    char *description;     /* owned, never NULL after loading */
    double horizon, warmup, interval;
    int replications;
    uint64_t seed;         /* the national seed the forces' seeds derive from */
    char rank_line[CS_NAME_MAX];   /* forces are ranked by this line's ... */
    int rank_kpi;                  /* ... KPI (enum cs_lk), worst first */
    cs_nat_force *forces;
    size_t n_forces;
} cs_nat;

/* Frees everything inside and n itself; NULL is a no-op. */
void cs_nat_free(cs_nat *n);

/* The seed force `name` runs with: mix64(mix64(seed ^ 0x6E6174696F6E616C) ^ FNV-1a-64(name))
 * (sim/rng.h's mix64 and FNV-1a). */
uint64_t cs_nat_force_seed(uint64_t national_seed, const char *name);

/* Sets every force's replications and seed from the national ones (after --reps/--seed). */
void cs_nat_apply(cs_nat *n);

typedef struct cs_nat_results {
    const cs_nat *nat;        /* borrowed */
    uint32_t n_reps;
    cs_results **force;       /* [n_forces], owned */
    cs_scn *totals_scn;       /* reporting-only scenario of the totals, owned */
    cs_results *totals;       /* owned; borrows totals_scn */
    size_t n_lines, n_pools;  /* of the totals */
    int *line_map;            /* [n_forces][n_lines]: the force's line index, or -1 */
    int *pool_map;            /* [n_forces][n_pools]: the force's pool index, or -1 */
    uint64_t events;
    double seconds;           /* wall time of the simulation part */
} cs_nat_results;

/* Runs every force (opts: threads and progress; trace and feeds are not supported and must be
 * NULL).  Progress reports (items done, items) and simulated time over all items. */
cs_status cs_nat_run(const cs_nat *n, const cs_run_opts *opts, cs_nat_results **out, cs_error *err);

void cs_nat_results_free(cs_nat_results *r);

/* The force's index of totals line l (-1 if the force has no line of that name). */
int cs_nat_force_line(const cs_nat_results *r, size_t force, size_t l);
int cs_nat_force_pool(const cs_nat_results *r, size_t force, size_t p);

/* Forces in rank order by the mean of line `line` (a totals line) KPI `kpi`: the worst first
 * (highest for a share lost or a wait, lowest for a share served), forces without a value
 * last, ties in file order.  order must hold n_forces indexes. */
void cs_nat_rank(const cs_nat_results *r, size_t line, int kpi, size_t *order);

/* 1 when a larger value of line KPI k is better (service level, answered), else 0. */
int cs_nat_kpi_higher_better(int k);

#endif
