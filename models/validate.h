/* Validation of a run at its own scale (prefix cs_valid_): for each line's busiest interval,
 * what Erlang A predicts next to what the simulation gives, for the report's appendix.
 *
 * The tests (tests/test_validation.c) check the engine against Erlang C and A at fixed scales;
 * a reader of one report wants to see it sound at the scale of *their* scenario.  For each line
 * (the first CS_VALID_MAX_LINES), in the interval of the week with the most calls offered:
 *
 *   the simple model   M/M/n+M with that interval's offered rate (redials included), the mean
 *                      busy time per call of the line's first queue (talk + after-call work),
 *                      its callers' mean patience (Erlang C when they never hang up), and n the
 *                      handlers on duty then in the pools that answer the queue, less the mean
 *                      number busy with the other queues those pools answer (their answered
 *                      calls then times their busy time per call), rounded, at least 1;
 *   Erlang A           the formula on that model (models/erlang.h);
 *   the engine         the same model simulated by the engine (stationary, exponential times,
 *                      CS_VALID_REPS replications on the scenario's seed), which must agree with
 *                      the formula within its confidence interval: the engine is sound at this
 *                      scale;
 *   the scenario       what the full simulation gave in that interval, which differs from the
 *                      formula as far as the scenario differs from the simple model (time-varying
 *                      demand, non-exponential times, redials, priorities, shared teams).
 *
 * Layering: models only (the engine is models/run.h); the caller writes the result out. */
#ifndef CS_MODELS_VALIDATE_H
#define CS_MODELS_VALIDATE_H

#include <stddef.h>

#include "models/erlang.h"
#include "models/kpi.h"
#include "sim/status.h"

#define CS_VALID_MAX_LINES 12   /* a report's appendix shows a dozen lines at most */
#define CS_VALID_REPS 10        /* replications of the engine check */
#define CS_VALID_CALLS 4000.0   /* measured calls per replication of the engine check (about) */

/* mean and 95% half-width. */
typedef struct cs_valid_mci {
    double mean, ci95;
} cs_valid_mci;

typedef struct cs_valid_line {
    int ok;                  /* 0: the line had no calls or no handlers (nothing else is set) */
    int erlang_c;            /* callers never hang up: Erlang C (and no abandonment) */
    size_t slot;             /* the busiest interval of the week */
    double slot_start;       /* its start, seconds from Monday 00:00 */
    double slot_len;         /* its length, seconds */
    double lambda;           /* offered attempts per second in it (mean over replications) */
    double mean_service;     /* seconds busy per call: talk + after-call work */
    double mean_patience;    /* seconds; 0 with erlang_c */
    double on_duty;          /* handlers on duty then in the pools answering the line (mean) */
    double busy_other;       /* of them, busy with other queues' calls (mean) */
    int agents;              /* n of the simple model */
    double within;           /* the line's target time, seconds */
    cs_erl_result erlang;    /* the formula */
    int engine_ok;           /* 0: the formula's model is unstable (Erlang C at >= 100% load) */
    cs_valid_mci engine_sl, engine_ab, engine_asa;   /* the engine on the simple model */
    double engine_calls;     /* measured calls per replication of the engine check (mean) */
    cs_valid_mci scen_sl, scen_ab, scen_asa;         /* the scenario in that interval */
} cs_valid_line;

/**
 * @brief Computes the validation of every line of a finished run (up to CS_VALID_MAX_LINES).
 * @param r    the run's results (cs_results_finish done).
 * @param out  OUT: n_lines entries, where n_lines = min(lines, CS_VALID_MAX_LINES).
 * @param threads worker threads for the engine check (0 = one per CPU).
 * @param err  OUT: message on failure (may be NULL).
 * @return CS_OK, CS_ENOMEM, or an error of the engine run.
 */
cs_status cs_valid_run(const cs_results *r, cs_valid_line *out, size_t *n_lines, int threads,
                       cs_error *err);

#endif
