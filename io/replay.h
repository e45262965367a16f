/* Replay: a real call log turned into arrivals for the engine, plus what the log itself
 * observed, in the same raw form as a simulated replication (models/repstats.h), so that
 * observed and simulated KPIs come from the same formulas.
 *
 * Time: for an undated scenario, simulated t = 0 is Monday 00:00 (local time in the log's zone)
 * of the week of the first call, and t runs on the local clock, so a scenario's rosters and
 * profiles (written in local time) keep their meaning across the clock changes.  The price: in
 * the repeated October hour both hours' calls fall into one simulated hour, and the skipped
 * March hour is empty.  A dated scenario (`start:`, as `fit` writes) keeps its own clock, whose
 * dated staffing then meets each of the log's days; it must cover the log's days.  Either way
 * measuring starts at local midnight of the first call's day.
 *
 * Memory: the arrivals are held in memory (40 bytes a call) because every replication replays
 * them; reading the file itself is streamed (io/calllog.h). */
#ifndef CS_REPLAY_H
#define CS_REPLAY_H

#include <stddef.h>
#include <stdio.h>

#include "io/calllog.h"
#include "models/kpi.h"
#include "models/centre.h"
#include "models/repstats.h"
#include "models/scenario.h"
#include "sim/status.h"

typedef struct cs_replay_opts {
    double warmup;        /* discarded after the start (local midnight) of the first call's day */
    int use_handle;       /* answered calls keep their logged talk time */
    int use_patience;     /* abandoners keep their observed patience; answered callers' patience
                             is drawn conditioned on exceeding the wait they endured */
    int queued_only;      /* replay only calls that reached the queue (e.g. skip IVR-only calls) */
    int model_ivr;        /* draw IVR hang-ups and deflections from the scenario's shares; by
                             default a call the log says hung up in the IVR or was deflected does
                             so in the replay too (on a line with an IVR), and one that went on
                             goes on */
} cs_replay_opts;

typedef struct cs_replay_data {
    cs_arrival *arr;      /* sorted by t */
    size_t n;
    double t0_local;      /* undated: local seconds (epoch + UTC offset) of simulated t = 0 */
    int dated;            /* the scenario has `start:`: t is on its clock (see replay_t) */
    cs_tz tz;             /* how the log's times were read */
    double span;          /* simulated seconds to the end of the last day with a call */
    double measure_from;  /* simulated t where measuring starts: the first call's day (local
                             midnight) plus opts->warmup; the days of the week before it are
                             neither observed nor simulated, so they average into nothing */
    long first_daynum;    /* local day number (days since 1970-01-01) of the first call */
    size_t n_days;        /* local days from the first call's to the last call's */
    long *day_calls;      /* [n_days] calls replayed per local day (0: a day the log skips) */
    char first_day[16], last_day[16];   /* "2024-10-27" */
    cs_repstats observed; /* what the log shows, as one "replication" (pools: none) */
    int has_outcomes;     /* the log says how calls ended */
    long rows, skipped, ignored;        /* read, bad (with --skip-bad), not replayed (other/unknown) */
    cs_log_skips skips, notes;
    char mapping[512];
} cs_replay_data;

/* Reads the log, maps its lines onto the scenario's lines by name (an unknown line is an
 * error naming it and the scenario's lines), and fills out.  A dated scenario (`start:`) keeps
 * its clock and must cover the log's days (else CS_EINPUT naming both); an undated one runs
 * from the Monday of the log's first week. */
cs_status cs_replay_load(const char *path, const cs_log_opts *lo, const cs_replay_opts *ro, const cs_scn *scn,
                         cs_replay_data *out, cs_error *err);
void cs_replay_free(cs_replay_data *d);

/* The simulation's warm-up for this replay: measuring starts where the observation does. */
double cs_replay_warmup(const cs_replay_data *d);

/* One comparison of observed and simulated values over a set of intervals of the week (one
 * interval, every 09:00-10:00 ...).  Counts are per interval of `per` seconds (900 for one
 * 15-minute interval, 3600 for an hour).  range_lo/range_hi: the 95% prediction range of a
 * single replication (mean +- t sd sqrt(1 + 1/n) over the replications), which the observed
 * value, one realisation of the real process, should fall in if the model is right; ci95 is
 * the half-width of the mean's interval. */
typedef struct cs_replay_cmp {
    double observed, mean, ci95, range_lo, range_hi;
    int outside;          /* observed is outside [range_lo, range_hi] */
} cs_replay_cmp;

void cs_replay_compare(const cs_replay_data *d, const cs_results *r, size_t line, const size_t *slots, size_t n,
                       int ik, double per, cs_replay_cmp *out);

/* Every line pooled into one: the log's and each replication's interval counters summed over
 * the lines into one-line cs_repstats (so pooled KPIs come from the same formulas), in shallow
 * copies of d and r that cs_replay_compare takes with line 0.  Free with cs_replay_all_free. */
typedef struct cs_replay_all {
    cs_replay_data d;
    cs_results r;
    cs_repstats *reps;
} cs_replay_all;

cs_status cs_replay_all_lines(const cs_replay_data *d, const cs_results *r, cs_replay_all *out, cs_error *err);
void cs_replay_all_free(cs_replay_all *a);

/* The line name observed_hours.csv and summary.json give the pooled rows (when there are
 * several lines). */
#define CS_REPLAY_ALL_LINES "(all lines)"

/* The KPIs compared per interval and per hour, in the order of the files. */
#define CS_REPLAY_N_KPIS 8
extern const int cs_replay_kpis[CS_REPLAY_N_KPIS];

/* observed.csv: line,interval_start,kpi,observed,simulated,ci95 for every interval of the week
 * measured (rows of `group` scenario intervals; counts per interval of that length). */
cs_status cs_replay_write_observed(FILE *f, const cs_replay_data *d, const cs_results *r, int group, cs_error *err);

/* observed_hours.csv: line,hour,kpi,observed,simulated,ci95,range_lo,range_hi,outside, by hour
 * of the day over every day measured (counts per hour); with several lines, also rows for every
 * line together, named CS_REPLAY_ALL_LINES. */
cs_status cs_replay_write_hours(FILE *f, const cs_replay_data *d, const cs_results *r, cs_error *err);

/* A feed over the loaded arrivals (one per worker thread; the data is shared, read-only). */
cs_status cs_replay_feed_make(void *ud, cs_feed *out, cs_error *err);   /* ud = cs_replay_data* */
void cs_replay_feed_free(void *ud, cs_feed *feed);

#endif
