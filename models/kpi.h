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

/* The KPI catalogue.  Every KPI any output shows (the terminal tables of run and compare, JSON,
 * the CSVs, chart labels and the HTML report) is an entry of one of the tables below: its key,
 * its label in plain words, its unit, what kind of quantity it is, how people read it, which
 * direction is better, which part of a scenario makes it mean something, and one sentence
 * saying what it measures.  Outputs take all of that from here (cs_kpi_find by key), so a KPI
 * added to a table is labelled, formatted and explained everywhere at once, and tests/
 * test_report.c fails when an output shows a key the catalogue does not know.
 *
 * Fields after `unit` may be left zero by an entry written before the catalogue had them
 * (kind and print then follow the unit); `meaning` must be given (the test checks). */

/* What a KPI measures, which decides how it adds up and how it is said. */
typedef enum cs_kpi_kind {
    CS_KPI_KIND_AUTO = 0, /* not given: from the unit */
    CS_KPI_COUNT,         /* calls or callers in the measured period: adds up over time, so it
                             can be said per week and per year */
    CS_KPI_SHARE,         /* a fraction (0..1) of calls, callers or time */
    CS_KPI_TIME,          /* a duration in seconds (a mean, a percentile, the longest) */
    CS_KPI_LEVEL,         /* a time average of a number at an instant (handlers on duty,
                             callers waiting): does not add up over time */
    CS_KPI_HOURS          /* handler time summed over the period, in hours */
} cs_kpi_kind;

/* How people read a KPI (tables, the report, charts).  Data files (JSON, CSV) write every KPI
 * value through cs_kpi_data_value() instead. */
typedef enum cs_kpi_print {
    CS_KPI_PRINT_AUTO = 0, /* from the kind */
    CS_KPI_PRINT_WHOLE,    /* whole numbers with thousands separators: "6,138"; a mean above
                              0 but under a half reads "under 1" */
    CS_KPI_PRINT_PERCENT,  /* "64.8%" (CS_KPI_FMT_FINE: "64.83%"); differences in points */
    CS_KPI_PRINT_DURATION, /* "9.7 s", "42 s", "1 min 06 s", "1 h 02 min" */
    CS_KPI_PRINT_DECIMAL   /* one decimal: "16.9" handlers, "2.8" callers waiting */
} cs_kpi_print;

/* The part of a scenario without which a KPI is always zero or undefined, so that tables can
 * leave its row out (summary.json keeps every KPI). */
typedef enum cs_kpi_needs {
    CS_KPI_NEEDS_NOTHING = 0,
    CS_KPI_NEEDS_IVR,       /* the line has an IVR */
    CS_KPI_NEEDS_CALLBACK,  /* the line offers callbacks */
    CS_KPI_NEEDS_REPEAT,    /* callers can call more than once: redials or spillover */
    CS_KPI_NEEDS_SPILL_OUT, /* the line spills to another line */
    CS_KPI_NEEDS_SPILL_IN,  /* another line spills to this one */
    CS_KPI_NEEDS_TRANSFER,  /* answered calls can be passed on to a second queue */
    CS_KPI_NEEDS_CUT_OFF,   /* trunks, queue places or outages can cut calls off */
    CS_KPI_NEEDS_RINGBACK   /* abandoned calls are rung back (lines) or made (pools) */
} cs_kpi_needs;

typedef struct cs_kpi_def {
    const char *name;     /* key: JSON member, CSV `kpi` value, --kpi argument */
    const char *label;    /* plain words for tables, charts and the report */
    const char *unit;     /* "calls", "share", "s", "handlers", "hours" */
    int kind;             /* cs_kpi_kind */
    int print;            /* cs_kpi_print */
    int better;           /* +1 higher is better, -1 lower is better, 0 neither */
    int needs;            /* cs_kpi_needs */
    const char *meaning;  /* one sentence: what it measures, for the report and README */
} cs_kpi_def;

/* The tables a key can belong to (one key may mean one thing per line and another per
 * interval: offered calls in the period, or per interval). */
typedef enum cs_kpi_scope {
    CS_KPI_SCOPE_LINE, CS_KPI_SCOPE_POOL, CS_KPI_SCOPE_INTERVAL, CS_KPI_SCOPE_INTERVAL_POOL,
    CS_KPI_SCOPE_DAILY, CS_KPI_SCOPE_N
} cs_kpi_scope;

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

/** @brief The catalogue entry of key `name` in a scope, or NULL if there is none. */
const cs_kpi_def *cs_kpi_find(int scope, const char *name);

/** @brief The table of a scope and its length (*n), for walking the catalogue. */
const cs_kpi_def *cs_kpi_table(int scope, size_t *n);

/** @brief d's kind (cs_kpi_kind), from its unit when the entry leaves it 0. */
int cs_kpi_kind_of(const cs_kpi_def *d);

/** @brief d's print rule (cs_kpi_print), from its kind when the entry leaves it 0. */
int cs_kpi_print_of(const cs_kpi_def *d);

#define CS_KPI_FMT_SIGN 1u  /* '+' before values above zero (differences) */
#define CS_KPI_FMT_FINE 2u  /* full tables: percentages with 2 decimals instead of 1 */
#define CS_KPI_FMT_DIFF 4u  /* a difference: percentages as "points", whole numbers may be
                               signed; "under 1" becomes "0" */
#define CS_KPI_FMT_PLAIN 8u /* the end of an interval: a whole number under a half reads "0", not
                               "under 1" ("(0 to 22)") */

/** @brief v as people read it under d's print rule ("6,138", "64.8%", "1 min 06 s", "16.9");
 *  a difference of shares (CS_KPI_FMT_DIFF) is in percentage points ("-4.1 points").  NaN or
 *  infinite gives "-".  Locale-independent.
 *  @return the length of the text (snprintf semantics). */
int cs_kpi_fmt(char *buf, size_t n, const cs_kpi_def *d, double v, unsigned flags);

/** @brief A 95% half-width h of a KPI whose mean is m, as people read it: in the mean's
 *  precision under d's rule ("130", "0.78 points" with CS_KPI_FMT_FINE, "0.6 s"); a half-width
 *  under a half of a whole-number KPI reads "under 1". */
int cs_kpi_fmt_ci(char *buf, size_t n, const cs_kpi_def *d, double m, double h, unsigned flags);

/* What a paired difference (variant minus base) with 95% half-width h says. */
enum {
    CS_KPI_DIFF_NONE = 0,  /* the interval includes zero: cannot be told from no change */
    CS_KPI_DIFF_TINY,      /* the interval excludes zero, but its end nearer zero reads as zero
                              at the precision people are shown ("0.0 (0.0 to 0.0)"): too small
                              to show, never called significant */
    CS_KPI_DIFF_REAL       /* significant: the interval excludes zero, visibly */
};

/** @brief The verdict (CS_KPI_DIFF_*) on a difference d +/- h of KPI def, judged at the
 *  precision of cs_kpi_fmt with `flags` (CS_KPI_FMT_FINE or 0) so that tables never call
 *  significant a change they print as zero.  NaN d or h: CS_KPI_DIFF_NONE. */
int cs_kpi_diff_verdict(const cs_kpi_def *def, double d, double h, unsigned flags);

/** @brief The value a data file (JSON, CSV) writes for a KPI: x rounded to 15 significant
 *  digits, so that the arithmetic noise of the last bits (a mean of counts computed as
 *  5.6000000000000005) is not written; 15 digits is beyond any meaningful precision of a
 *  simulated KPI and the text is the shortest that reads back as this value.  NaN and
 *  infinities are returned unchanged (the writers make them null or an empty field). */
double cs_kpi_data_value(double x);

typedef struct cs_results {
    const cs_scn *scn;     /* borrowed: must outlive the results */
    uint32_t n_reps;
    cs_repstats *reps;     /* [n_reps], owned; their arrays are in `arena` */
    cs_arena *arena;       /* every replication's sums, in one block (sim/arena.h) */
    double *line_vals;     /* [n_lines][CS_LK_N][n_reps] */
    double *pool_vals;     /* [n_pools][CS_PK_N][n_reps] */
    cs_hist *wait;         /* [n_lines] answered waits merged over replications */
    uint64_t events;       /* events executed over all replications */
    double cpu_seconds;    /* wall time of the simulation part */
} cs_results;

/* Allocates results for n_reps replications of scn (repstats initialised, values empty). */
cs_results *cs_results_create(const cs_scn *scn, uint32_t n_reps, double interval);
void cs_results_free(cs_results *r);
/* Frees every replication's raw sums (reps[i] zeroed), keeping the KPI values of
 * cs_results_finish and the merged histograms: what needs no interval KPIs, in a fraction of the
 * memory. */
void cs_results_trim(cs_results *r);
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

/* Mean and CI across replications of an interval KPI over a set of intervals. */
void cs_results_line_slots(const cs_results *r, size_t line, const size_t *slots, size_t n_slots,
                           int ik, double *mean, double *ci95);
void cs_results_pool_slots(const cs_results *r, size_t pool, const size_t *slots, size_t n_slots,
                           int ipk, double *mean, double *ci95);

/* Whole-run line KPIs of one replication (or of an observed log loaded into a cs_repstats):
 * v[CS_LK_N]. */
void cs_kpi_line_values(const cs_repstats *rs, size_t line, double *v);

#endif
