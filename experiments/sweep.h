/* A sweep: the scenario run at every point of a grid of input values, on common random numbers
 * (prefix cs_sweep_).
 *
 * Concept.  One or more inputs (axes), each with a list of values; the grid is every
 * combination, the first axis outermost (point = i1 * n2 * ... + i2 * n3 * ... + ...), so with
 * two axes the points run through every value of the second for the first value of the first,
 * and so on.  Every point is built first (a value the loader refuses stops the sweep before any
 * time is spent), then all points x replications run as one batch (experiments/experiment.h),
 * so replication i of every point sees the same callers and the change of a KPI from point to
 * point is the effect of the input, not of luck.
 *
 * Ownership.  cs_sweep_run() keeps pointers to the axes (they must outlive the sweep) and owns
 * the scenarios and results it makes; cs_sweep_free() frees them. */
#ifndef CS_EXPERIMENTS_SWEEP_H
#define CS_EXPERIMENTS_SWEEP_H

#include <stddef.h>

#include "experiments/experiment.h"

#define CS_SWEEP_MAX_AXES 4
#define CS_SWEEP_MAX_POINTS 10000

typedef struct cs_sweep_axis {
    cs_exp_input in;
    size_t n;
    const char *const *text;   /* the values as written in a --set */
    const double *x;      /* their numbers, for charts (positions 1..n for texts) */
} cs_sweep_axis;

typedef struct cs_sweep {
    const cs_sweep_axis *axes;
    size_t n_axes;
    size_t n_points;
    cs_scn **scn;         /* [n_points] */
    cs_results **res;     /* [n_points] */
} cs_sweep;

/** @brief Builds and runs every point of the grid on common random numbers taken from base.
 *  @param out OUT: the sweep (cs_sweep_free).  @return CS_OK, the builder's error for the first
 *  point that cannot be built (CS_EINPUT), CS_EINPUT for a grid over CS_SWEEP_MAX_POINTS, or a
 *  run error. */
cs_status cs_sweep_run(const cs_sweep_axis *axes, size_t n_axes, const cs_scn *base, cs_exp_build_fn *build,
                       void *ud, const cs_exp_opts *opts, cs_sweep **out, cs_error *err);

/** @brief Which value of `axis` point `point` has. */
size_t cs_sweep_index(const cs_sweep *s, size_t point, size_t axis);

/** @brief "lines.101.spillover.share=2.5%, pools.handlers.staff=30" for messages. */
int cs_sweep_point_label(const cs_sweep *s, size_t point, char *buf, size_t n);

void cs_sweep_free(cs_sweep *s);

#endif
