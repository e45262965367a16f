/* KPIs: what callers experienced, derived from each replication's raw sums, then summarised
 * across replications as mean and 95% confidence half-width (Student t).
 *
 * Names are a public contract (JSON keys, CSV values, chart labels): scripts depend on them.
 * Counts are per replication over the measured period (after warm-up); times in seconds;
 * rates and shares as fractions.  A KPI whose denominator is zero in a replication (the
 * abandonment rate of a line with no calls) is NaN there and left out of that KPI's mean;
 * if no replication defines it, it is written as null.
 *
 * cs_results owns the per-replication raw sums (models/repstats.h) so that charts and
 * comparisons can derive anything else per replication (by hour of day, by day of week, paired
 * differences) with the same statistics. */
#ifndef CS_KPI_H
#define CS_KPI_H

#include <stddef.h>
#include <stdint.h>

#include "models/repstats.h"
#include "models/scenario.h"

typedef struct cs_kpi_def {
    const char *name;     /* JSON key */
    const char *label;    /* for tables and charts */
    const char *unit;     /* "calls", "share", "s", "handlers", "hours" */
} cs_kpi_def;

/* Whole-run KPIs per line, in output order. */
enum cs_lk {
    CS_LK_OFFERED, CS_LK_CALLERS, CS_LK_ANSWERED, CS_LK_ABANDONED_IVR, CS_LK_ABANDONED_QUEUE,
    CS_LK_CUT_OFF, CS_LK_DEFLECTED, CS_LK_CALLBACK, CS_LK_UNFINISHED,
    CS_LK_ABANDONED, CS_LK_LOST, CS_LK_ABANDON_RATE, CS_LK_NEVER_REACHED_RATE, CS_LK_CALLERS_LOST, CS_LK_SERVICE_LEVEL,
    CS_LK_ANSWERED_WITHIN_SHARE,
    CS_LK_ASA, CS_LK_WAIT_SD, CS_LK_WAIT_P50, CS_LK_WAIT_P90, CS_LK_WAIT_P99, CS_LK_WAIT_MAX,
    CS_LK_P_WAIT, CS_LK_MEAN_WAIT, CS_LK_QUEUE_MEAN, CS_LK_AHT,
    CS_LK_REDIALS, CS_LK_SPILLED, CS_LK_FROM_101, CS_LK_FROM_101_SHARE, CS_LK_FROM_101_ANSWERED,
    CS_LK_CB_ON_TIME, CS_LK_CB_LATE, CS_LK_CB_MISSED, CS_LK_CB_REACHED,
    CS_LK_TRANSFERRED, CS_LK_TRANSFER_ABANDONED, CS_LK_TRANSFER_ASA,
    CS_LK_CALLERS_REACHED_ANY, CS_LK_CALLERS_NEVER_REACHED, CS_LK_CALLERS_UNFINISHED,
    CS_LK_CALLERS_REACHED_ANY_RATE, CS_LK_CALLERS_NEVER_REACHED_RATE,
    CS_LK_RINGBACKS, CS_LK_RINGBACK_WAIT,
    CS_LK_N
};

/* Whole-run KPIs per pool. */
enum cs_pk {
    CS_PK_OCCUPANCY, CS_PK_ON_DUTY, CS_PK_BUSY,
    CS_PK_RINGBACKS_MADE, CS_PK_RINGBACK_HOURS, CS_PK_RINGBACK_SHARE,
    CS_PK_N
};

/* Per interval of the week (or any set of intervals), per line and per pool. */
enum cs_ik {
    CS_IK_OFFERED, CS_IK_ANSWERED, CS_IK_ABANDONED, CS_IK_CUT_OFF, CS_IK_ABANDON_RATE,
    CS_IK_SERVICE_LEVEL, CS_IK_ASA, CS_IK_QUEUE_MEAN, CS_IK_P_WAIT, CS_IK_MEAN_WAIT, CS_IK_N
};
/* 1 for the interval KPIs that are counts of attempts (offered, answered, abandoned, cut_off):
 * cs_kpi_line_slots gives them per slot occurrence, so a row covering g slots shows g times
 * that (calls per interval of the row's length). */
int cs_interval_kpi_is_count(int ik);
enum cs_ipk { CS_IPK_OCCUPANCY, CS_IPK_ON_DUTY, CS_IPK_N };

extern const cs_kpi_def cs_line_kpis[CS_LK_N];
extern const cs_kpi_def cs_pool_kpis[CS_PK_N];
extern const cs_kpi_def cs_interval_kpis[CS_IK_N];
extern const cs_kpi_def cs_interval_pool_kpis[CS_IPK_N];

typedef struct cs_results {
    const cs_scn *scn;     /* borrowed: must outlive the results */
    uint32_t n_reps;
    cs_repstats *reps;     /* [n_reps], owned */
    double *line_vals;     /* [n_lines][CS_LK_N][n_reps] */
    double *pool_vals;     /* [n_pools][CS_PK_N][n_reps] */
    cs_hist *wait;         /* [n_lines] answered waits merged over replications */
    uint64_t events;       /* events executed over all replications */
    double cpu_seconds;    /* wall time of the simulation part */
} cs_results;

/* Allocates results for n_reps replications of scn (repstats initialised, values empty). */
cs_results *cs_results_create(const cs_scn *scn, uint32_t n_reps, double interval);
void cs_results_free(cs_results *r);
/* Derives every whole-run KPI of every replication and merges histograms. */
void cs_results_finish(cs_results *r);

const double *cs_results_line_reps(const cs_results *r, size_t line, int kpi);   /* [n_reps] */
const double *cs_results_pool_reps(const cs_results *r, size_t pool, int kpi);
void cs_results_line(const cs_results *r, size_t line, int kpi, double *mean, double *ci95);
void cs_results_pool(const cs_results *r, size_t pool, int kpi, double *mean, double *ci95);

/* Per replication, an interval KPI over a set of intervals of the week (one interval, all the
 * Mondays' intervals, every 18:00-19:00 ...): sums are pooled over the set, then the ratio is
 * taken.  Counts are per interval occurrence (so the offered value is calls per interval). */
double cs_kpi_line_slots(const cs_repstats *rs, const cs_line *cfg, size_t line,
                         const size_t *slots, size_t n_slots, int ik);
double cs_kpi_pool_slots(const cs_repstats *rs, size_t pool, const size_t *slots, size_t n_slots, int ipk);

/* Mean and CI across replications of an interval KPI over a set of intervals. */
void cs_results_line_slots(const cs_results *r, size_t line, const size_t *slots, size_t n_slots,
                           int ik, double *mean, double *ci95);
void cs_results_pool_slots(const cs_results *r, size_t pool, const size_t *slots, size_t n_slots,
                           int ipk, double *mean, double *ci95);

/* Whole-run line KPIs of one replication (or of an observed log loaded into a cs_repstats):
 * v[CS_LK_N]. */
void cs_kpi_line_values(const cs_repstats *rs, size_t line, double *v);

#endif
