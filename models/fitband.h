/* Time-of-day bands for fitted quantities (prefix cs_fitband_): does a duration (handle time,
 * patience) or a share (IVR hang-ups) depend on the time of day, and in which bands?
 *
 * Concept.  Observations carry the local time of day of their call.  They are grouped by hour;
 * hours with too few observations are joined to their neighbours until every group has at
 * least min_obs (and min_events, for censored data): an hour with enough stands alone, a run of
 * quiet hours is one group or joins its quieter neighbour.  Then adjacent groups are merged
 * greedily, the pair whose merge lowers AIC the most first, while a merge lowers (or keeps)
 * AIC; then neighbours whose own likelihood-ratio test does not tell them apart (p above
 * CS_FITBAND_PAIR_P) are merged too, the least distinct first.  Each group is fitted on its own with one family (the one chosen for the pooled data),
 * so log-likelihoods are comparable: for B groups of k parameters AIC = 2 k B - 2 logL, logL
 * the sum of the groups' log-likelihoods.  The bands are used when both AIC and the
 * likelihood-ratio test prefer them to the single fit: AIC lower, and 2 (logL_bands -
 * logL_pooled) beyond the chi-square on k (B - 1) degrees of freedom at p < CS_FITBAND_P
 * (strict, because the bands were searched for in the same data; on identical data spread
 * over 17 hours bands survive in about 5% of logs, with negligible differences between them).  Bands are whole hours of the local clock, from
 * 00:00 to 24:00 (the first and last band are not joined across midnight).
 *
 * Censored durations (patience) use the same censored likelihood as models/fit.h, with the
 * zero time of the pooled data in every band, so that moving zero events does not differ
 * between the pooled fit and the bands.
 *
 * Shares: counts of n_cat outcomes per hour (say: hung up in the IVR, deflected, went on to
 * the queue); the multinomial log-likelihood sum x_c log(x_c / N) per group, k = n_cat - 1.
 *
 * Errors: CS_EINPUT for bad arguments; CS_ENOMEM.  A group whose fit fails cannot stand on
 * its own: it is merged with a neighbour (the note says so).
 * Threads: no state. */
#ifndef CS_MODELS_FITBAND_H
#define CS_MODELS_FITBAND_H

#include <stddef.h>

#include "models/fit.h"
#include "sim/status.h"

#define CS_FITBAND_MAX 24
#define CS_FITBAND_MAX_CAT 4

/* Fewest observations (and events) a band may rest on: below this a band's parameters are
 * too uncertain to tell a real time-of-day effect from noise. */
#define CS_FITBAND_MIN_OBS 200
#define CS_FITBAND_MIN_EVENTS 50
/* The likelihood-ratio test's level (the bands were chosen from the same data, so a strict
 * one). */
#define CS_FITBAND_P 0.001
/* Neighbouring bands that their own likelihood-ratio test cannot tell apart at this level are
 * merged after the AIC search. */
#define CS_FITBAND_PAIR_P 0.01

typedef struct cs_fitband_test {
    size_t n_bands;          /* after merging; 1 = no dependence found (or too little data) */
    int use_bands;           /* n_bands > 1 and AIC prefers the bands to one fit */
    double loglik_pooled, loglik_bands;
    double aic_pooled, aic_bands;
    double lr, df, p_value;  /* likelihood-ratio test of the bands against one fit */
    char note[256];          /* what was done and why, e.g. hours joined for lack of data */
} cs_fitband_test;

typedef struct cs_fitband_durations {
    cs_fit_family family;
    cs_fitband_test test;
    double from[CS_FITBAND_MAX], to[CS_FITBAND_MAX];   /* seconds after local midnight */
    size_t n[CS_FITBAND_MAX], n_events[CS_FITBAND_MAX];
    cs_fit_result fit[CS_FITBAND_MAX];                 /* family fitted per band */
} cs_fitband_durations;

/**
 * @brief Bands for a duration.
 * @param fam        the family (normally the pooled fit's best)
 * @param t,event,tod n durations (s), event flags (NULL = all observed) and the local time of
 *                   day (s, [0, 86400)) of each
 * @param zero_time  as cs_fit_options.zero_time (the pooled set's), > 0
 * @param out        OUT (release with cs_fitband_durations_fini)
 * @return CS_OK (also when no band could be formed: n_bands 1, note says why); CS_EINPUT;
 *         CS_ENOMEM.
 */
cs_status cs_fitband_fit_durations(cs_fit_family fam, const double *t, const int *event, const double *tod,
                                   size_t n, size_t min_obs, size_t min_events, double zero_time,
                                   cs_fitband_durations *out, cs_error *err);
void cs_fitband_durations_fini(cs_fitband_durations *d);

/** @brief The band that a time of day (s after local midnight, [0, 86400)) falls in; 0 when no
 *  bands are used. */
size_t cs_fitband_band_of(const cs_fitband_durations *d, double tod);

typedef struct cs_fitband_shares {
    size_t n_cat;
    cs_fitband_test test;
    double from[CS_FITBAND_MAX], to[CS_FITBAND_MAX];
    double n[CS_FITBAND_MAX];                          /* observations per band */
    double p[CS_FITBAND_MAX][CS_FITBAND_MAX_CAT];      /* share of each category per band */
    double p_all[CS_FITBAND_MAX_CAT];                  /* pooled shares */
    double n_all;
} cs_fitband_shares;

/**
 * @brief Bands for shares.
 * @param counts  counts[h][c]: observations of category c in hour h (0..23)
 * @param min_obs fewest observations per band
 * @return CS_OK; CS_EINPUT (n_cat not 2..CS_FITBAND_MAX_CAT, a negative count).
 */
cs_status cs_fitband_fit_shares(const double counts[24][CS_FITBAND_MAX_CAT], size_t n_cat, double min_obs,
                                cs_fitband_shares *out, cs_error *err);

#endif
