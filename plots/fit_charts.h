/* Charts of `callsim fit` (prefix cs_charts_fit): a duration's data against every fitted
 * family, the empirical distribution (or, for censored patience, the Kaplan-Meier survival
 * with its 95% band) and each family's curve, the chosen one solid. */
#ifndef CS_FIT_CHARTS_H
#define CS_FIT_CHARTS_H

#include <stddef.h>

#include "models/fit.h"
#include "sim/status.h"

/** @brief Writes DIR/FILE.png, .svg and .pdf for the n durations t (with ev: 1 observed,
 *  0 censored, read only when censored) of line `line`; title follows "Line LINE: ". */
cs_status cs_charts_fit(const char *dir, const char *file, const char *title, const char *line, const double *t,
                        const int *ev, size_t n, const cs_fit_set *set, const cs_fit_result *best, int censored,
                        cs_error *err);

#endif
