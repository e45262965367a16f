/* Experiments: loops around runs of the model (prefix cs_exp_).
 *
 * Concept.  A sweep, a sensitivity analysis or a calibration asks for runs of one scenario with
 * some inputs changed and compares what comes back.  This module is what they share:
 *   - the inputs and how a scenario is built with given values of them: a callback, so that
 *     this layer never reads YAML (the CLI builds each scenario by loading the file with the
 *     changes as --set, io/override.h, so a tried value is read and checked exactly as the file);
 *   - running several resolved scenarios together on common random numbers: every scenario gets
 *     the base's seed and replication count, so replication i of each sees the same callers,
 *     and the scenarios x replications are spread over the threads (and MPI ranks: each job
 *     ships its replication's raw sums) by the replication runner (sim/rep.h), one engine per
 *     worker, rebuilt when a worker moves to another scenario;
 *   - KPIs named as "lines.101.asa" or "pools.handlers.occupancy", read per replication;
 *   - paired differences with their 95% CI (the differences are taken replication by
 *     replication, which is what common random numbers make narrow).
 *
 * Layering: experiments -> models, sim.  The model and the kernel do not know that an
 * experiment exists.  Results are plain cs_results (models/kpi.h).
 *
 * Determinism: the results of each scenario depend on its replications' numbers only, never on
 * the thread count or on which other scenarios run in the same batch. */
#ifndef CS_EXPERIMENTS_EXPERIMENT_H
#define CS_EXPERIMENTS_EXPERIMENT_H

#include <stddef.h>
#include <stdint.h>

#include "models/kpi.h"
#include "models/run.h"
#include "models/scenario.h"
#include "sim/status.h"

/* One input of an experiment, as the user named it. */
typedef struct cs_exp_input {
    const char *path;      /* "lines.101.spillover.share" (display and CSV column) */
    const char *unit;      /* for axis titles: "%", "min", "s", "" */
    int whole;             /* integer-valued (a headcount): calibrate interpolates between */
} cs_exp_input;

/* A value of input `input`: text as written (sweep, sensitivity), or a number (calibrate) that
 * the builder writes in the input's unit when text is NULL. */
typedef struct cs_exp_setting {
    size_t input;
    const char *text;
    double x;
} cs_exp_setting;

/* Builds the base scenario with settings[0..n) applied (n = 0: the base itself).  On an input
 * problem (a value the loader refuses) it returns CS_EINPUT with the message in err. */
typedef cs_status cs_exp_build_fn(void *ud, const cs_exp_setting *settings, size_t n, cs_scn **out,
                                  cs_error *err);

typedef struct cs_exp_opts {
    int threads;                 /* 0 = one per CPU */
    cs_progress_fn *progress;    /* replications done of all the batch's */
    void *progress_ud;
} cs_exp_opts;

/** @brief Runs scns[0..n) on common random numbers: each takes seed and replications from
 *  `crn` (usually the base), then all scenarios x replications share the threads.
 *  @param res OUT: res[i] for scns[i] (cs_results_free each; they borrow scns[i]).
 *  @param labels optional: labels[i] prefixes a failure of scenario i ("point 3: ...").
 *  @return CS_OK or the error of the lowest-numbered failing replication. */
cs_status cs_exp_run(cs_scn *const *scns, size_t n, const cs_scn *crn, const char *const *labels,
                     const cs_exp_opts *opts, cs_results **res, cs_error *err);

/* Scenarios per batch of cs_exp_run_trimmed: bounds memory (one batch's per-replication sums
 * exist at once) while keeping the threads busy. */
#define CS_EXP_BATCH 16

/** @brief cs_exp_run in batches of CS_EXP_BATCH scenarios, each result trimmed as its batch
 *  ends (per-replication sums freed, every whole-run KPI kept), progress counted across
 *  batches: for sweeps and sensitivity analyses, whose grids may be large and which read
 *  whole-run KPIs only. */
cs_status cs_exp_run_trimmed(cs_scn *const *scns, size_t n, const cs_scn *crn, const char *const *labels,
                             const cs_exp_opts *opts, cs_results **res, cs_error *err);

/* A KPI of a line or a pool. */
typedef struct cs_exp_kpi {
    int pool;              /* 0: line KPI (models/kpi.h enum cs_lk), 1: pool KPI (cs_pk) */
    size_t entity;         /* line or pool index */
    int kpi;
    char name[96];         /* line or pool name */
} cs_exp_kpi;

/** @brief Parses "lines.NAME.KPI" or "pools.NAME.KPI" (NAME may be quoted: "call handlers")
 *  against scn's lines and pools.  @return CS_OK or CS_EINPUT (err lists what exists). */
cs_status cs_exp_kpi_parse(const cs_scn *scn, const char *text, cs_exp_kpi *k, cs_error *err);

/** @brief "lines.101.asa", names quoted where needed.  snprintf semantics. */
int cs_exp_kpi_format(const cs_exp_kpi *k, char *buf, size_t n);

/** @brief The KPI's definition (key, label, unit) from the catalogue. */
const cs_kpi_def *cs_exp_kpi_def(const cs_exp_kpi *k);

/** @brief The KPI in results r of a scenario that may differ from the one k was parsed
 *  against: the line or pool is found again by name.  NULL when r has no such line or pool.
 *  @return r->n_reps values. */
const double *cs_exp_kpi_reps(const cs_results *r, const cs_exp_kpi *k);

/** @brief Mean and 95% CI half-width of a KPI in r (NAN when r has no such line or pool). */
void cs_exp_kpi_mean(const cs_results *r, const cs_exp_kpi *k, double *mean, double *ci95);

/** @brief Paired difference a - b over n replications: mean, 95% CI half-width, and the sample
 *  variance of the differences (NAN when fewer than 2 are defined).  Replications where either
 *  is NaN are left out. */
void cs_exp_paired(const double *a, const double *b, uint32_t n, double *mean, double *ci95,
                   double *var);

/* The KPIs of a line a what-if question is usually about, in output order: offered attempts,
 * abandoned or cut off, service level, average speed of answer, calls arriving from another
 * line (101 callers who rang 999 instead). */
#define CS_EXP_N_HEADLINE 5
extern const int cs_exp_headline[CS_EXP_N_HEADLINE];

/** @brief Does line KPI k mean anything in these results (some replication defines it and it
 *  is not zero everywhere)?  Used to leave out rows such as "calls from another line" on a line
 *  nobody spills into. */
int cs_exp_kpi_used(const cs_results *const *res, size_t n, const cs_exp_kpi *k);

#endif
