/* Volumes that count attempts (prefix cs_volume_): the fixed point that makes a line's offered
 * attempts match its stated volume.
 *
 * Why.  A line's arrival process is its callers' first attempts; redials and calls spilling in
 * from other lines come on top, and how many there are depends on abandonment, which depends
 * on the load.  Published figures ("700,000 calls a year") count attempts.  A line with
 * `counts: attempts` therefore has its first-attempt rate scaled by a factor f such that
 *
 *     E[offered attempts] = f x V x R(f) = V,   i.e.  f x R(f) = 1,
 *
 * where V is the stated volume (what first attempts would be at f = 1) and R(f) the attempts
 * per own first attempt (redials and spill-ins included) at that load.  R is measured by pilot
 * runs: CS_VOLUME_PILOT_REPS replications of the whole scenario on the scenario's own seed, so
 * they use common random numbers and the result is the same for a given seed whatever the
 * thread count.  The factor is found by fixed-point iteration, f <- 1 / R(f), several lines at
 * once (spill-ins couple them): R depends only weakly on f (a few per cent more load, a little
 * more redialling), so each step shrinks the error by that elasticity, typically to within the
 * pilot's own noise in two or three steps.  A line's factor has settled when it moves by less
 * than the larger of CS_VOLUME_TOL and twice the relative noise of its estimate of R; it is
 * then left alone (so that many lines do not keep each other chasing noise), and the pilots
 * stop when every line has settled, or after CS_VOLUME_MAX_PILOTS.  (A secant step would converge faster on a smooth R, but under
 * common random numbers R(f) is smooth only to about that noise, and secants amplify it.)
 * The factor multiplies the line's whole demand (every day, every month), so the stated shape
 * is kept, and surges come on top of it as they do for every volume.
 *
 * Cost: typically three pilots of two replications of the full horizon.
 *
 * Accuracy.  R is estimated as total offered over total own first attempts of the pilot
 * replications (a ratio estimator: the Poisson noise of the arrivals cancels); its relative
 * error is about sqrt(redials + spill-ins) / attempts of two replications, smaller than the
 * spread of one replication's count.  tests/test_dates.c checks the offered attempts of the
 * main run against the stated volume within those limits, with redials and spillover on. */
#ifndef CS_MODELS_VOLUME_H
#define CS_MODELS_VOLUME_H

#include "models/scenario.h"
#include "sim/status.h"

#define CS_VOLUME_PILOT_REPS 2
#define CS_VOLUME_MAX_PILOTS 6
#define CS_VOLUME_TOL 1e-4

typedef struct cs_volume_info {
    int pilots;        /* pilot runs made (0: no line counts attempts) */
    int converged;     /* every factor settled (moved by less than its tolerance) */
    double last_step;  /* largest relative change of a factor at the last pilot */
} cs_volume_info;

/**
 * @brief Finds and applies the factor of every line whose volume counts attempts (sets
 * cs_line.volume_factor, scales its demand, clears scn->volume_pending).  A no-op when no line
 * counts attempts.
 * @param threads  worker threads for the pilots (results do not depend on it)
 * @param info     OUT (may be NULL)
 * @return CS_OK, or what a pilot run returned.
 */
cs_status cs_volume_calibrate(cs_scn *scn, int threads, cs_volume_info *info, cs_error *err);

#endif
