/* Redials estimated from a call log's caller ids (prefix cs_redialest_).
 *
 * Concept.  When a log identifies callers, the attempts of one caller show what they did after
 * an attempt failed (abandoned in the IVR or the queue, or cut off): called again, or not.  But
 * callers also call again after a call that was answered (a new need, a follow-up: 44% of the
 * 1999 bank's answered callers called again within a day), and a failed attempt is followed by
 * that background calling too.  With B(W) = P(next attempt within W | answered) and
 * P(W) = P(next attempt within W | failed), a redial (probability p, delay distribution F) and
 * a background call compete, and the next attempt within W is missing only when neither came:
 * 1 - P(W) = (1 - p F(W)) (1 - B(W)), so
 *
 *   prob(W) = p F(W) = (P(W) - B(W)) / (1 - B(W)).
 *
 * The window W is chosen from the data: prob(W) over a grid of windows (5 minutes to a day)
 * rises while redials are still coming in and levels off once only background calling is left;
 * W is the shortest window at which prob(W) reaches 95% of its largest value.  Only attempts at
 * least W before the end of the log count (a later one could not show its redial).  The delay is
 * described by F(w) = prob(w) / prob(W), w <= W: its quartiles give a lognormal with the same
 * median and interquartile ratio.
 *
 * The estimate is per line of the failed attempt (the next attempt may be on any line), from
 * identified callers only: unidentified ones (caller 0) cannot be followed.
 *
 * Memory: 24 bytes per identified attempt.  Ownership: create/destroy; destroy(NULL) is a
 * no-op.  Threads: no shared state. */
#ifndef CS_MODELS_REDIAL_H
#define CS_MODELS_REDIAL_H

#include <stddef.h>
#include <stdint.h>

#include "sim/status.h"

#define CS_REDIALEST_N_WINDOWS 10

typedef struct cs_redialest cs_redialest;

typedef struct cs_redialest_fit {
    int ok;                    /* 0: too few identified attempts (note says why) */
    double window;             /* W (s) */
    size_t n_failed, n_answered;   /* attempts at least W before the end of the log */
    double p_failed, p_answered;   /* shares followed by another attempt within W */
    double prob, prob_lo, prob_hi; /* p F(W) and its 95% interval (delta method, Wald);
                                      prob is clamped to [0, 1] */
    double delay_q1, delay_median, delay_q3;   /* quartiles of the redial delay (s) */
    double lognormal_mu, lognormal_sigma;      /* lognormal with that median and IQR */
    double windows[CS_REDIALEST_N_WINDOWS];    /* the grid, and prob at each */
    double excess[CS_REDIALEST_N_WINDOWS];
    char note[200];
} cs_redialest_fit;

cs_redialest *cs_redialest_create(void);
void cs_redialest_destroy(cs_redialest *e);

/**
 * @brief Adds an attempt of an identified caller.
 * @param caller  non-zero caller id; @param t arrival (s, any clock shared by all attempts)
 * @param line    the attempt's line (index >= 0); @param failed 1 abandoned or cut off, 0
 *                answered (other outcomes: do not add them)
 * @return CS_OK; CS_EINPUT (caller 0, t not finite, line < 0); CS_ENOMEM.
 */
cs_status cs_redialest_add(cs_redialest *e, uint64_t caller, double t, int line, int failed, cs_error *err);

/**
 * @brief The estimate for failed attempts of line `line` (-1: every line), the log ending at
 * t_end.  Sorts the attempts (so not const).
 * @return CS_OK (also when not estimable: out->ok 0); CS_ENOMEM.
 */
cs_status cs_redialest_estimate(cs_redialest *e, int line, double t_end, cs_redialest_fit *out, cs_error *err);

#endif
