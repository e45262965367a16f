/* One-at-a-time sensitivity on common random numbers (prefix cs_sens_).
 *
 * Concept.  Each uncertain input is moved to a low and a high value while every other input
 * keeps the base's value; the base and the 2n variants run as one batch on common random
 * numbers (experiments/experiment.h).  For a KPI, an input's effect is read as paired
 * differences from the base, replication by replication: the change at the low value, the
 * change at the high value, and the swing (high minus low), each with a 95% CI.  Inputs are
 * ranked by the size of their swing: the first is the assumption that moves the answer most.
 * A swing whose CI contains zero is not distinguishable from no effect at these replications.
 *
 * One at a time means interactions are not seen (two inputs that matter only together); a
 * sweep over two inputs shows those. */
#ifndef CS_EXPERIMENTS_SENSITIVITY_H
#define CS_EXPERIMENTS_SENSITIVITY_H

#include <stddef.h>

#include "experiments/experiment.h"

#define CS_SENS_MAX_INPUTS 32

typedef struct cs_sens_input {
    cs_exp_input in;
    const char *low, *high;    /* the values as written in a --set */
    double xlow, xhigh;
} cs_sens_input;

typedef struct cs_sens {
    const cs_sens_input *inputs;   /* borrowed */
    size_t n;
    cs_scn **scn;                  /* [1 + 2n]: the base, then low and high of each input */
    cs_results **res;
} cs_sens;

/* The effect of one input on one KPI (differences: variant minus base, paired). */
typedef struct cs_sens_effect {
    size_t input;
    double base, base_ci;          /* the KPI at the base */
    double low, low_ci;            /* KPI(low) - KPI(base) */
    double high, high_ci;          /* KPI(high) - KPI(base) */
    double swing, swing_ci;        /* KPI(high) - KPI(low) */
} cs_sens_effect;

/** @brief Builds the base and both variants of every input, then runs them together.
 *  @return CS_OK, the builder's error (CS_EINPUT), or a run error. */
cs_status cs_sens_run(const cs_sens_input *inputs, size_t n, const cs_scn *base, cs_exp_build_fn *build,
                      void *ud, const cs_exp_opts *opts, cs_sens **out, cs_error *err);

/** @brief The effect of every input on KPI k, ranked by |swing| (largest first; inputs whose
 *  swing is undefined last, in input order).  @param out OUT: s->n effects. */
void cs_sens_rank(const cs_sens *s, const cs_exp_kpi *k, cs_sens_effect *out);

void cs_sens_free(cs_sens *s);

#endif
