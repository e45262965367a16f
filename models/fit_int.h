/* Private to the fitting module (models/fit*.c): constants and the input check shared by
 * fit.c (censored maximum likelihood), fit_km.c (Kaplan-Meier) and fit_arrivals.c. */
#ifndef CS_FIT_INT_H
#define CS_FIT_INT_H

#include "models/fit.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>
#include <gsl/gsl_vector.h>

/* M_PI and friends are not in strict C11. */
#define CS_FIT_PI 3.14159265358979323846
#define CS_FIT_LN2 0.69314718055994530942
#define CS_FIT_LOG_SQRT_2PI 0.91893853320467274178
#define CS_FIT_Z95 1.959963984540054
#define CS_FIT_DAY 86400.0
#define CS_FIT_WEEK (7.0 * 86400.0)

/* Log-parameters beyond this (a factor e^30 ~ 1e13 away from a second) mean the
 * likelihood is running off to a boundary, not converging. */
#define CS_FIT_THETA_MAX 30.0

/* ---- fit.c ---- */

cs_status csi_fit_check_input(const double *t, const int *event, size_t n, cs_error *err);

#endif
