/* The scenario `callsim fit` writes, as YAML (prefix cs_fityaml_).
 *
 * Concept.  fit (cli/cmd_fit.c) estimates, per line of a call log, the hour-of-week demand,
 * the daily overdispersion and the handle-time and patience distributions; this module turns
 * those estimates into a scenario file the loader (io/scenario.h) reads back.  Names come from
 * the log and the command line, so they may hold anything: quotes, colons, '#', leading
 * blanks, line breaks, non-ASCII text.  The document is therefore written with libyaml's
 * emitter, which quotes and escapes every scalar as YAML requires: the loader reads back
 * exactly the names that were written (tests/test_hostile.c checks this through the CLI).
 *
 * Numbers are written in the loader's own forms: durations by cs_units_format_duration (read
 * back to the millisecond), other numbers as plain decimals without exponent.
 *
 * libyaml cannot emit comments, so what the reader should know about the fit (the source,
 * the confidence intervals of the chosen families, that the pool is a placeholder) is written
 * as a comment block before the document, with any control character in a name shown as '?'
 * so that no name can end a comment line early; the placeholder warning is also the
 * scenario's `description`, so that reports made from it carry it.
 *
 * Errors: CS_EIO when the stream reports a write error (a full disk), CS_EINPUT when a name
 * is not valid UTF-8 (YAML text must be), CS_ENOMEM. */
#ifndef CS_IO_FITYAML_H
#define CS_IO_FITYAML_H

#include <stddef.h>
#include <stdio.h>

#include "models/fit.h"
#include "models/fitband.h"
#include "sim/status.h"

typedef struct cs_fityaml_line {
    const char *name;
    int priority;                    /* queue priority (higher answered first); 0: none written */
    double per_week;                 /* calls in an average week (unknown weekdays count 0) */
    const double *profile;           /* calls per hour in each slot of the week, from Monday 00:00 */
    size_t n_slots;                  /* 168 (hourly slots) */
    int cv_ok;                       /* 1: overdispersion estimated */
    double cv, cv_lo, cv_hi;         /* gamma daily factor's cv and its 95% CI */
    const cs_fit_result *handle;     /* the chosen handle-time fit (required) */
    const double *wrap;              /* after-call work: n_wrap equally likely values (s), written
                                        as an empirical distribution; NULL: none */
    size_t n_wrap;
    const cs_fit_result *patience;   /* the chosen patience fit, NULL: never */
    const cs_fitband_durations *handle_bands;     /* NULL or !test.use_bands: none */
    const cs_fitband_durations *patience_bands;   /* idem */
    int ivr;                         /* write an IVR: hang-ups or deflections seen before the queue */
    double ivr_abandon, ivr_deflect; /* shares of the line's calls */
    const cs_fitband_shares *ivr_bands;   /* categories: 0 abandoned in IVR, 1 deflected, 2 on */
    int redial;                      /* write redials */
    double redial_prob, redial_mu, redial_sigma;  /* probability; lognormal delay (log s) */
    int redial_max;                  /* max_attempts */
    const char *const *notes;        /* comment lines about this line (warnings, what was done) */
    size_t n_notes;
} cs_fityaml_line;

typedef struct cs_fityaml_scenario {
    const char *name;                /* the scenario's name */
    const char *source;              /* the log's file name, for the comment */
    long rows;                       /* rows read */
    double days;                     /* days the log covers */
    const cs_fityaml_line *lines;
    size_t n_lines;
    int staff;                       /* the placeholder pool's headcount */
    const char *on_duty;             /* dated staffing file (relative to the scenario) estimated
                                        from the agent column; NULL: the pool is a placeholder */
    const double *pick_weights;      /* n_lines weights of the pool's `pick: weighted`
                                        (models/fitpick.h), NULL: pick by priority */
    const char *start;               /* "1999-08-01": the log's first day, NULL: undated */
    double horizon_days;             /* with start: the days the log covers */
    const char *const *notes;        /* comment lines about the whole fit */
    size_t n_notes;
} cs_fityaml_scenario;

/**
 * @brief Writes the fitted scenario to f (not closed; flushed).
 * @return CS_OK, CS_EIO (write error), CS_EINPUT (a name that is not UTF-8; message names
 *         it), CS_ENOMEM.  On error f holds an unusable partial document: write to a
 *         temporary file (io/outdir.h cs_outfile) and commit only on CS_OK.
 */
cs_status cs_fityaml_write(FILE *f, const cs_fityaml_scenario *s, cs_error *err);

/**
 * @brief Checks a scenario name given on the command line before any work is done: not
 *        empty, at most max bytes, valid UTF-8.  @return CS_OK or CS_EINPUT (message names
 *        --name).
 */
cs_status cs_fityaml_check_name(const char *name, size_t max, cs_error *err);

#endif
