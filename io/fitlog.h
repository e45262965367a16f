/* What `callsim fit` keeps of a call log, in one streaming pass: per line, arrival counts
 * (models/fit.h, bounded), uniform random samples (reservoirs) of at most
 * CS_FITLOG_SAMPLE_CAP handle times and patience observations with their local time of day,
 * and outcome counts per hour; for every call, the staffing estimate (who answered when, and
 * when callers waited: models/staffest.h), identified callers' attempts for redials
 * (models/redial.h), the answered calls that waited, for queue priorities
 * (models/overtake.h), and every wait and answer, for the pick weights (models/fitpick.h) and
 * the check of talk time against the queue (models/fittalk.h).  Estimates are exact below the cap and use a uniform random sample
 * above it.
 *
 * Times are local seconds (the log's wall clock, cs_ts_utc_offset of the zone), so that hours
 * of the day and days are the caller's.  cs_fitlog_staffing_csv turns the staffing steps into
 * the dated CSV a scenario's `on_duty:` reads. */
#ifndef CS_FITLOG_H
#define CS_FITLOG_H

#include <stdio.h>

#include <gsl/gsl_rng.h>

#include "io/calllog.h"
#include "models/fit.h"
#include "models/fitband.h"
#include "models/redial.h"
#include "models/staffest.h"
#include "sim/status.h"

#define CS_FITLOG_SAMPLE_CAP 100000
#define CS_FITLOG_MAX_LINES 32
/* 1970-01-05 was a Monday: arrival times are counted from it so that the slot of the week is
 * the profile's slot. */
#define CS_FITLOG_MONDAY_EPOCH (4.0 * 86400.0)

/* Outcome categories counted per hour for the IVR shares (models/fitband.h). */
enum { CS_FITLOG_OC_IVR_ABANDON, CS_FITLOG_OC_DEFLECT, CS_FITLOG_OC_ON, CS_FITLOG_OC_N };

/* A reservoir: every value below the cap, then a uniform random sample (Algorithm R). */
typedef struct cs_fitlog_sample {
    double *t, *tod;   /* duration; local time of day of the call */
    int *ev;           /* 1 observed, 0 censored */
    size_t n, cap;
    unsigned long long seen;
} cs_fitlog_sample;

typedef struct cs_fitlog_line {
    char name[64];
    cs_fit_arrivals_stream *arr;
    cs_fitlog_sample handle, patience, wrap;   /* wrap: a logged after-call work column */
    long calls, answered, abandoned, ivr_abandoned, deflected, cut_off, callback, failed;
    double oc_h[24][CS_FITBAND_MAX_CAT];
} cs_fitlog_line;

typedef struct cs_fitlog {
    cs_fitlog_line lines[CS_FITLOG_MAX_LINES];
    size_t n_lines;
    gsl_rng *rng;
    double first_local, last_local;
    int have_agent;              /* the log has an agent column */
    cs_staffest *staff;          /* NULL without one */
    long answered_no_agent, answered_agent;
    cs_redialest *redial;        /* NULL without a caller column */
    long identified;
    long ignored;                /* rows not used (other outcomes, or never queued) */
    double *ov_arr, *ov_ans;     /* answered calls that waited: for queue priorities */
    int *ov_line;
    size_t ov_n, ov_cap;
    double *pk_a, *pk_b;         /* every wait (answered or not): for the pick weights */
    int *pk_wline;
    size_t pk_nw, pk_capw;
    double *pk_arr, *pk_t;       /* every answered call (waited or not): arrival, answer */
    int *pk_line;
    size_t pk_na, pk_capa;
    double *pk_talk;             /* their talk times (NAN if unknown), pk_na of them: models/fittalk.h */
    size_t pk_captalk;
} cs_fitlog;

/** @brief An empty accumulator; with have_agent the staffing estimate, with have_caller the
 *  redials.  CS_ENOMEM on failure (c is then safe to cs_fitlog_fini). */
cs_status cs_fitlog_init(cs_fitlog *c, int have_agent, int have_caller, cs_error *err);

/** @brief Adds one row.  A row of another outcome, or one that never queued when queued_only,
 *  is counted in c->ignored.  CS_EINPUT beyond CS_FITLOG_MAX_LINES lines, CS_ENOMEM. */
cs_status cs_fitlog_add(cs_fitlog *c, const cs_log_rec *rec, cs_tz tz, int queued_only, cs_error *err);

void cs_fitlog_fini(cs_fitlog *c);

/** @brief Writes staffing steps (local seconds, as from cs_staffest_steps) to f as the dated
 *  CSV of io/staffing_csv.h: on the scenario's clock (t = 0 at local midnight of the day of
 *  first_local), a row at the first midnight when nobody is on duty yet, rows in whole seconds
 *  (closer steps merge, the later level holding), nothing at or after the midnight ending the
 *  day before end_local.  Takes ownership of t and level (freed). */
cs_status cs_fitlog_staffing_csv(FILE *f, double first_local, double end_local, double *t, int *level,
                                 size_t n, cs_error *err);

#endif
